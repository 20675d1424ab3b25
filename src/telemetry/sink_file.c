/* sink_file.c — JSON-lines files per team and source, and the truth file.
 * See sink.h. Files are opened lazily with a large stdio buffer; a write
 * error is sticky and reported by sw_tel_files_close. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "telemetry/sink.h"

#define FILES_BUF (256 * 1024)

typedef struct tel_file {
    FILE *f;
    char *buf;
    uint64_t lines;
} tel_file_t;

struct sw_tel_files {
    char *dir;
    tel_file_t *files; /* [team * SW_TEL__COUNT + source] */
    uint32_t n_teams;
    FILE *truth;
    int err; /* errno of the first failure */
    char err_path[1100];
    uint64_t bytes;
};

static int mkdir_p(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0755) && errno != EEXIST)
        return -1;
    return 0;
}

int sw_tel_files_open(sw_tel_files_t **out, const char *dir, sw_errbuf_t *err)
{
    *out = NULL;
    if (mkdir_p(dir))
        return sw_seterr(err, SW_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
    sw_tel_files_t *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = strdup(dir))) {
        free(f);
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    }
    /* the truth file exists even when empty: "no ground truth" is an answer */
    char path[1100];
    snprintf(path, sizeof path, "%s/truth.jsonl", dir);
    if (!(f->truth = fopen(path, "w"))) {
        int e = errno;
        free(f->dir);
        free(f);
        return sw_seterr(err, SW_EIO, "%s: %s", path, strerror(e));
    }
    *out = f;
    return SW_OK;
}

static void note_err(sw_tel_files_t *f, const char *path)
{
    if (!f->err) {
        f->err = errno ? errno : EIO;
        snprintf(f->err_path, sizeof f->err_path, "%s", path);
    }
}

static tel_file_t *file_for(sw_tel_files_t *f, const sw_tel_record_t *rec)
{
    if (rec->team >= f->n_teams) {
        uint32_t n = rec->team + 1;
        tel_file_t *nf = realloc(f->files, (size_t)n * SW_TEL__COUNT * sizeof *nf);
        if (!nf)
            return NULL;
        memset(nf + (size_t)f->n_teams * SW_TEL__COUNT, 0,
               (size_t)(n - f->n_teams) * SW_TEL__COUNT * sizeof *nf);
        f->files = nf;
        f->n_teams = n;
    }
    tel_file_t *tf = &f->files[(size_t)rec->team * SW_TEL__COUNT + rec->source];
    if (tf->f)
        return tf;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", f->dir, rec->team_id);
    if (mkdir_p(path)) {
        note_err(f, path);
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s/%s.jsonl", f->dir, rec->team_id,
             sw_tel_source_names[rec->source]);
    tf->f = fopen(path, "w");
    if (!tf->f) {
        note_err(f, path);
        return NULL;
    }
    tf->buf = malloc(FILES_BUF);
    if (tf->buf)
        setvbuf(tf->f, tf->buf, _IOFBF, FILES_BUF);
    return tf;
}

int sw_tel_files_write(void *ud, const sw_tel_record_t *rec)
{
    sw_tel_files_t *f = ud;
    if (f->err)
        return SW_EIO;
    tel_file_t *tf = file_for(f, rec);
    if (!tf)
        return f->err ? SW_EIO : SW_ENOMEM;
    if (fwrite(rec->json, 1, rec->json_len, tf->f) != rec->json_len || putc('\n', tf->f) == EOF) {
        note_err(f, sw_tel_source_names[rec->source]);
        return SW_EIO;
    }
    tf->lines++;
    f->bytes += rec->json_len + 1;
    if (rec->truth) {
        fprintf(
            f->truth,
            "{\"seq\":%llu,\"team\":\"%s\",\"file\":\"%s/%s.jsonl\",\"line\":%llu,\"truth\":%u}\n",
            (unsigned long long)rec->seq, rec->team_id, rec->team_id,
            sw_tel_source_names[rec->source], (unsigned long long)tf->lines, rec->truth);
    }
    return SW_OK;
}

uint64_t sw_tel_files_bytes(const sw_tel_files_t *f)
{
    return f->bytes;
}

int sw_tel_files_close(sw_tel_files_t *f, sw_errbuf_t *err)
{
    if (!f)
        return SW_OK;
    for (size_t i = 0; i < (size_t)f->n_teams * SW_TEL__COUNT; i++) {
        if (!f->files[i].f)
            continue;
        if (fclose(f->files[i].f))
            note_err(f, "close");
        free(f->files[i].buf);
    }
    if (f->truth && fclose(f->truth))
        note_err(f, "truth.jsonl");
    int rc =
        f->err ? sw_seterr(err, SW_EIO, "%s/%s: %s", f->dir, f->err_path, strerror(f->err)) : SW_OK;
    free(f->files);
    free(f->dir);
    free(f);
    return rc;
}

int sw_tel_fanout_add(sw_tel_fanout_t *f, sw_tel_record_cb cb, void *ud)
{
    if (f->n >= 8)
        return SW_ETOOBIG;
    f->cb[f->n] = cb;
    f->ud[f->n] = ud;
    f->n++;
    return SW_OK;
}

int sw_tel_fanout_cb(void *ud, const sw_tel_record_t *rec)
{
    sw_tel_fanout_t *f = ud;
    f->records++;
    f->bytes += rec->json_len + 1;
    for (int i = 0; i < f->n; i++) {
        int rc = f->cb[i](f->ud[i], rec);
        if (rc)
            return rc;
    }
    return SW_OK;
}
