/* sigma_load.c — rule files from disk into a Sigma set, with a load report.
 * See sigma_load.h. */
#include "alerts/sigma_load.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void sw_sigma_report_init(sw_sigma_report_t *r)
{
    memset(r, 0, sizeof *r);
}

void sw_sigma_report_free(sw_sigma_report_t *r)
{
    for (size_t i = 0; i < r->n_rejects; i++)
        free(r->rejects[i].file);
    free(r->rejects);
    memset(r, 0, sizeof *r);
}

int sw_read_file(const char *path, size_t limit, char **out, size_t *len, sw_errbuf_t *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return sw_seterr(err, errno == ENOENT ? SW_ENOENT : SW_EIO, "%s: %s", path,
                         strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    int rc = SW_OK;
    while (buf) {
        if (n == cap) {
            if (cap >= limit) {
                rc = sw_seterr(err, SW_ETOOBIG, "%s: larger than %zu bytes", path, limit);
                goto fail;
            }
            cap = cap * 2 > limit ? limit : cap * 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                rc = SW_ENOMEM;
                goto fail;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                rc = sw_seterr(err, SW_EIO, "%s: %s", path,
                               errno == EISDIR ? "a folder, not a file: name its rule files "
                                                 "(FOLDER/*.yml)"
                                               : "read error");
                goto fail;
            }
            break;
        }
    }
    if (!buf) {
        rc = SW_ENOMEM;
        goto fail;
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return SW_OK;
fail:
    free(buf);
    fclose(f);
    return rc;
}

static int add_reject(sw_sigma_report_t *rep, const char *file, const sw_sigma_error_t *e)
{
    if (rep->n_rejects == rep->cap_rejects) {
        size_t cap = rep->cap_rejects ? rep->cap_rejects * 2 : 64;
        sw_sigma_reject_t *v = realloc(rep->rejects, cap * sizeof *v);
        if (!v)
            return SW_ENOMEM;
        rep->rejects = v;
        rep->cap_rejects = cap;
    }
    char *copy = strdup(file);
    if (!copy)
        return SW_ENOMEM;
    rep->rejects[rep->n_rejects++] = (sw_sigma_reject_t){copy, *e};
    return SW_OK;
}

static int load_file(sw_sigma_set_t *s, const char *path, sw_sigma_report_t *rep)
{
    char *text;
    size_t len;
    sw_errbuf_t rerr;
    sw_sigma_error_t e;
    memset(&e, 0, sizeof e);
    rep->n_files++;
    int rc = sw_read_file(path, SW_SIGMA_MAX_RULE_BYTES, &text, &len, &rerr);
    if (rc == SW_ENOMEM)
        return rc;
    if (rc) {
        snprintf(e.reason, sizeof e.reason, "unreadable file");
        snprintf(e.msg, sizeof e.msg, "%s", rerr.msg);
        return add_reject(rep, path, &e);
    }
    rc = sw_sigma_set_add(s, text, len, path, &e);
    free(text);
    if (rc == SW_ENOMEM || rc == SW_ESTATE)
        return rc;
    if (rc)
        return add_reject(rep, path, &e);
    rep->n_loaded++;
    return SW_OK;
}

static int has_rule_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && !strcmp(name + n - 4, ".yml")) || (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_tree(sw_sigma_set_t *s, const char *path, sw_sigma_report_t *rep, int depth,
                     sw_errbuf_t *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return sw_seterr(err, errno == ENOENT ? SW_ENOENT : SW_EIO, "%s: %s", path,
                         strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return load_file(s, path, rep);
    if (depth > SW_SIGMA_MAX_TREE_DEPTH)
        return sw_seterr(err, SW_ETOOBIG, "%s: directories nested deeper than %d", path,
                         SW_SIGMA_MAX_TREE_DEPTH);
    DIR *d = opendir(path);
    if (!d)
        return sw_seterr(err, SW_EIO, "%s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = SW_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **v = realloc(names, cap * sizeof *v);
            if (!v) {
                rc = SW_ENOMEM;
                goto done;
            }
            names = v;
        }
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            rc = SW_ENOMEM;
            goto done;
        }
        snprintf(names[n], len, "%s/%s", path, de->d_name);
        n++;
    }
    if (n) /* an empty folder: names is NULL, which qsort may not take */
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && !rc; i++) {
        struct stat cs;
        if (lstat(names[i], &cs) != 0)
            continue;
        if (S_ISDIR(cs.st_mode))
            rc = load_tree(s, names[i], rep, depth + 1, err);
        else if (S_ISREG(cs.st_mode) && has_rule_ext(names[i]))
            rc = load_file(s, names[i], rep);
    }
done:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int sw_sigma_load_path(sw_sigma_set_t *s, const char *path, sw_sigma_report_t *rep,
                       sw_errbuf_t *err)
{
    return load_tree(s, path, rep, 0, err);
}

typedef struct group {
    const char *reason;
    size_t n;
} group_t;

static int cmp_group(const void *a, const void *b)
{
    const group_t *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->reason, y->reason);
}

void sw_sigma_report_print(FILE *f, const sw_sigma_report_t *rep, int verbose)
{
    fprintf(f, "rule files: %zu\nloaded:     %zu\nrejected:   %zu\n", rep->n_files, rep->n_loaded,
            rep->n_rejects);
    group_t *g = calloc(rep->n_rejects + 1, sizeof *g);
    size_t ng = 0;
    for (size_t i = 0; g && i < rep->n_rejects; i++) {
        size_t k = 0;
        while (k < ng && strcmp(g[k].reason, rep->rejects[i].err.reason))
            k++;
        if (k == ng)
            g[ng++] = (group_t){rep->rejects[i].err.reason, 0};
        g[k].n++;
    }
    if (g) {
        qsort(g, ng, sizeof *g, cmp_group);
        if (ng)
            fprintf(f, "rejected by reason:\n");
        for (size_t k = 0; k < ng; k++)
            fprintf(f, "  %6zu  %s\n", g[k].n, g[k].reason);
    }
    free(g);
    if (!verbose)
        return;
    for (size_t i = 0; i < rep->n_rejects; i++) {
        const sw_sigma_reject_t *r = &rep->rejects[i];
        fprintf(f, "%s:%d:%d: error: %s [%s]\n", r->file, r->err.line ? r->err.line : 1,
                r->err.col ? r->err.col : 1, r->err.msg, r->err.reason);
    }
}

sw_sigma_set_t *sw_sigma_load_set(const char *const *paths, int n, const char **from, FILE *warn,
                                  const char *who)
{
    static const char *const defaults[] = SW_SIGMA_DEFAULT_DIRS;
    struct stat sb;
    *from = NULL;
    if (n == 0)
        for (size_t i = 0; i < sizeof defaults / sizeof defaults[0] && !n; i++)
            if (stat(defaults[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
                paths = &defaults[i];
                n = 1;
            }
    if (n == 0)
        return NULL;
    *from = paths[0];
    sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
    sw_sigma_report_t rep;
    sw_sigma_report_init(&rep);
    for (int i = 0; s && i < n; i++) {
        sw_errbuf_t err;
        if (sw_sigma_load_path(s, paths[i], &rep, &err) && warn)
            fprintf(warn, "%s: %s (left out)\n", who, err.msg);
    }
    sw_sigma_report_free(&rep);
    if (s && sw_sigma_set_build(s)) {
        sw_sigma_set_free(s);
        s = NULL;
    }
    return s;
}
