/* cmd_hunt.c — `seawall ingest` fills a team's event store from JSON files;
 * `seawall hunt` searches it with the hunt language (docs/search.md).
 *
 *   seawall ingest --db FILE --team T FILE...     (JSON lines or concatenated
 *                                                  JSON objects; - for stdin)
 *   seawall hunt --db FILE --team T [--json] [--now TIME] 'QUERY'
 *
 * Both check everything before they change anything: ingest reads and parses
 * every record of every file first, and stores nothing if one is bad; hunt
 * parses the query before it opens the store. Ingest appends through an
 * alerter (alerts/deploy.h): the team's deployed Sigma rules run on every
 * new record and their matches are stored as the team's alerts. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alerts/deploy.h"
#include "cli/commands.h"
#include "cli/ex_client.h"
#include "cli/term_text.h"
#include "core/buf.h"
#include "detect/event.h"
#include "detect/event_flat.h"
#include "detect/query.h"
#include "exercise/exercise.h"
#include "journal/journal.h"
#include "store/evstore.h"

/* ---- ingest ------------------------------------------------------------------- */

/* One input file: a regular file is mapped, not read (issue 15: ingest held
 * its whole input in memory, 892 MB for 899 MB of JSON); each_record hands
 * the pages it has passed back to the kernel, so what stays resident is a
 * window, whatever the file's size. Standard input, a pipe or a FIFO is
 * copied to an unlinked file in $TMPDIR (or /tmp) first and mapped the
 * same way: the records are read twice (checked, then stored). */
typedef struct input {
    char *data;
    size_t len;
    int mapped;
} input_t;

/* Map regular file fd (closed here) whole into in. */
static int input_map(input_t *in, int fd, const char *path, sw_errbuf_t *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return sw_seterr(err, SW_EIO, "%s: %s", path, strerror(errno));
    }
    if (st.st_size == 0) { /* nothing to map: no records */
        close(fd);
        in->data = (char *)"";
        return SW_OK;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return sw_seterr(err, SW_EIO, "%s: cannot map: %s", path, strerror(errno));
    madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
    in->data = m;
    in->len = (size_t)st.st_size;
    in->mapped = 1;
    return SW_OK;
}

/* Copy stream fd (closed here) to an unlinked temporary file and map it. */
static int input_spool(input_t *in, int fd, const char *path, sw_errbuf_t *err)
{
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char tmpl[4200];
    snprintf(tmpl, sizeof tmpl, "%s/seawall-ingest-XXXXXX", dir);
    int out = mkstemp(tmpl);
    if (out < 0) {
        int e = errno;
        if (fd)
            close(fd);
        return sw_seterr(err, SW_EIO, "%s: cannot make a file in %s to hold it: %s", path, dir,
                         strerror(e));
    }
    unlink(tmpl);
    static char chunk[1 << 20];
    int rc = SW_OK;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = sw_seterr(err, SW_EIO, "%s: read failed: %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        for (ssize_t at = 0; at < n && !rc;) {
            ssize_t w = write(out, chunk + at, (size_t)(n - at));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                rc = sw_seterr(err, SW_EIO, "%s: cannot hold it in %s: %s", path, dir,
                               strerror(errno));
            else
                at += w;
        }
        if (rc)
            break;
    }
    if (fd)
        close(fd);
    if (rc) {
        close(out);
        return rc;
    }
    return input_map(in, out, path, err);
}

static int input_open(input_t *in, const char *path, sw_errbuf_t *err)
{
    memset(in, 0, sizeof *in);
    int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
    struct stat st;
    if (fd < 0)
        return sw_seterr(err, SW_ENOENT, "%s: cannot open", path);
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        return input_map(in, fd == 0 ? dup(0) : fd, path, err);
    return input_spool(in, fd, path, err);
}

static void input_close(input_t *in)
{
    if (in->mapped)
        munmap(in->data, in->len);
    memset(in, 0, sizeof *in);
}

/* Give back the pages of a mapped input before byte `upto` (read again
 * from the file if they are needed again). */
#define INPUT_WINDOW ((size_t)32 << 20)
static void input_release(const input_t *in, size_t upto)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t n = pg > 0 ? upto / (size_t)pg * (size_t)pg : 0;
    if (in->mapped && n)
        madvise(in->data, n, MADV_DONTNEED);
}

/* A record of path at line: what to do with it. Its errors are placed by
 * place() (the callback knows whether they are about the record). */
typedef int (*record_cb)(const char *rec, size_t len, size_t line, void *ud, sw_errbuf_t *err);

/* err for rc from checking or storing the record at path:line: one about
 * the record (bad, too big) placed at its line, any other (a lock held by
 * another process, I/O, memory) as the store's. */
static int place(const char *path, size_t line, int rc, const sw_errbuf_t *e2, sw_errbuf_t *err)
{
    if (rc == SW_EINVAL || rc == SW_ETOOBIG)
        return sw_seterr(err, rc, "%s:%zu: %s", path, line, e2->msg);
    return sw_seterr(err, rc, "%s (while storing %s)", e2->msg, path);
}

/* Split text into top-level JSON objects (JSON lines or objects one after the
 * other) and call cb on each with its line. Errors in the input name
 * file:line:column; cb's are its own. O(len). */
static int each_record(const char *path, const input_t *in, record_cb cb, void *ud,
                       sw_errbuf_t *err)
{
    const char *s = in->data;
    size_t len = in->len;
    size_t i = 0, line = 1, line_start = 0, released = 0;
    while (i < len) {
        if (in->mapped && i - released >= INPUT_WINDOW) {
            input_release(in, i);
            released = i;
        }
        char c = s[i];
        if (isspace((unsigned char)c)) {
            if (c == '\n') {
                line++;
                line_start = i + 1;
            }
            i++;
            continue;
        }
        if (c != '{')
            return sw_seterr(err, SW_EINVAL, "%s:%zu:%zu: expected '{' to start a record", path,
                             line, i - line_start + 1);
        size_t start, rec_len, rec_line = line, rec_col = i - line_start + 1;
        if (sw_event_split(s, len, &i, &start, &rec_len) != 1)
            return sw_seterr(err, SW_EINVAL, "%s:%zu:%zu: record is not closed", path, rec_line,
                             rec_col);
        const char *end = s + start + rec_len, *nl = s + start;
        while ((nl = memchr(nl, '\n', (size_t)(end - nl))) != NULL) { /* the lines it spans */
            line++;
            line_start = (size_t)(++nl - s);
        }
        int rc = cb(s + start, rec_len, rec_line, ud, err);
        if (rc)
            return rc;
    }
    return SW_OK;
}

/* Checking: every record is parsed before any is stored (nothing is stored
 * if one is bad), the records of a batch split between two threads: the
 * check was 38 % of an ingest's time on one core. */
#define CHECK_BATCH 8192

typedef struct check_span {
    const char *rec;
    size_t len, line;
} check_span_t;

typedef struct checker {
    const char *path;
    check_span_t *span; /* CHECK_BATCH */
    size_t n;
    sw_event_t ev[2]; /* one per thread */
} checker_t;

typedef struct check_part {
    const checker_t *c;
    sw_event_t *ev;
    size_t lo, hi, bad; /* bad: the first record refused, or hi */
    int rc;
    sw_errbuf_t err;
} check_part_t;

static void *check_part(void *ud)
{
    check_part_t *p = ud;
    for (p->bad = p->lo; p->bad < p->hi; p->bad++) {
        const check_span_t *r = &p->c->span[p->bad];
        if ((p->rc = sw_event_parse(p->ev, r->rec, r->len, &p->err)))
            break;
    }
    return NULL;
}

/* Check the batch: its first half here, the second on another thread. */
static int check_batch(checker_t *c, sw_errbuf_t *err)
{
    size_t mid = c->n / 2;
    check_part_t a = {.c = c, .ev = &c->ev[0], .lo = 0, .hi = mid};
    check_part_t b = {.c = c, .ev = &c->ev[1], .lo = mid, .hi = c->n};
    pthread_t th;
    int threaded = mid > 0 && pthread_create(&th, NULL, check_part, &b) == 0;
    check_part(&a);
    if (threaded)
        pthread_join(th, NULL);
    else
        check_part(&b);
    c->n = 0;
    const check_part_t *bad = a.rc ? &a : b.rc ? &b : NULL; /* the first in the file */
    return bad ? place(c->path, c->span[bad->bad].line, bad->rc, &bad->err, err) : SW_OK;
}

static int check_record(const char *rec, size_t len, size_t line, void *ud, sw_errbuf_t *err)
{
    checker_t *c = ud;
    c->span[c->n++] = (check_span_t){rec, len, line};
    return c->n == CHECK_BATCH ? check_batch(c, err) : SW_OK;
}

/* Every record of in (path) parsed, in batches (check_batch). */
static int check_input(checker_t *c, const char *path, const input_t *in, sw_errbuf_t *err)
{
    c->path = path;
    c->n = 0;
    int rc = each_record(path, in, check_record, c, err);
    if (!rc && c->n)
        rc = check_batch(c, err);
    return rc;
}

/* What the store found damaged in t's files and rebuilt from its log, as
 * a warning (lost records are an error of the search itself). */
static void team_notice(const char *cmd, sw_store_team_t *t)
{
    const char *n = t ? sw_store_team_notice(t) : NULL;
    if (n)
        sw_term_printf(stderr, "seawall %s: warning: %s\n", cmd, n);
}

typedef struct storer {
    sw_alerter_t *al;
    const char *path;
} storer_t;

/* Through the alerter: the team's deployed rules see each new record. */
static int store_record(const char *rec, size_t len, size_t line, void *ud, sw_errbuf_t *err)
{
    storer_t *st = ud;
    sw_errbuf_t e2;
    int rc = sw_alerter_append(st->al, rec, len, NULL, &e2);
    return rc ? place(st->path, line, rc, &e2, err) : SW_OK;
}

int cmd_ingest(sw_cli_t *a)
{
    sw_cli_t o = *a;
    /* an exercise's teams receive the records its pipeline produces, in its
     * order: foreign records would break its replay (exercise.h, invariant 3) */
    if (sw_exercise_in_db(o.db)) {
        fprintf(stderr,
                "seawall ingest: %s holds an exercise: its teams' records come from the "
                "exercise; ingest into a database of its own (another --db)\n",
                o.db);
        return 1;
    }
    sw_errbuf_t err;
    input_t *in = calloc((size_t)o.n_args, sizeof *in);
    sw_store_t *s = NULL;
    sw_store_team_t *t = NULL;
    sw_journal_t *j = NULL;
    sw_deploy_t *d = NULL;
    sw_alerter_t *al = NULL;
    checker_t ck = {.span = malloc(CHECK_BATCH * sizeof *ck.span)};
    sw_event_init(&ck.ev[0]);
    sw_event_init(&ck.ev[1]);
    int status = 1;
    if (!in || !ck.span)
        goto done;
    /* 1. read and check everything */
    for (int i = 0; i < o.n_args; i++) {
        if (input_open(&in[i], o.args[i], &err) || check_input(&ck, o.args[i], &in[i], &err)) {
            sw_term_printf(stderr, "seawall ingest: %s (nothing was stored)\n", err.msg);
            goto done;
        }
    }
    /* 2. store */
    if (sw_store_open(o.db, &s, &err) || sw_store_team_open(s, o.team, 1, &t, &err) ||
        sw_journal_open(o.db, &j, &err) || sw_deploy_open(o.db, j, &d, &err) ||
        sw_alerter_open(d, s, t, &al, &err)) {
        sw_term_printf(stderr, "seawall ingest: %s\n", err.msg);
        goto done;
    }
    if (sw_alerter_recovered(al))
        fprintf(stderr,
                "seawall ingest: caught up %llu alert%s on team %s's records stored without "
                "them (an ingest stopped before its alerts, or records shared in)\n",
                (unsigned long long)sw_alerter_recovered(al),
                sw_alerter_recovered(al) == 1 ? "" : "s", sw_store_team_name(t));
    if (sw_alerter_broken(al))
        fprintf(stderr,
                "seawall ingest: warning: %zu deployed rules of team %s no longer load "
                "and do not run (seawall rules list)\n",
                sw_alerter_broken(al), sw_store_team_name(t));
    int64_t before = 0, after = 0;
    sw_store_count(t, &before, &err);
    for (int i = 0; i < o.n_args; i++) {
        storer_t st = {al, o.args[i]};
        if (each_record(o.args[i], &in[i], store_record, &st, &err) || sw_alerter_flush(al, &err)) {
            sw_term_printf(stderr, "seawall ingest: %s\n", err.msg);
            goto done;
        }
    }
    sw_store_count(t, &after, &err);
    team_notice("ingest", t);
    fprintf(stderr, "seawall ingest: %lld records added to team %s (%lld in all)\n",
            (long long)(after - before), sw_store_team_name(t), (long long)after);
    if (sw_alerter_rules(al))
        fprintf(stderr,
                "seawall ingest: %llu alert%s raised by %zu deployed rule%s (seawall "
                "alerts --db %s --team %s)\n",
                (unsigned long long)sw_alerter_raised(al), sw_alerter_raised(al) == 1 ? "" : "s",
                sw_alerter_rules(al), sw_alerter_rules(al) == 1 ? "" : "s", o.db,
                sw_store_team_name(t));
    if (sw_alerter_undecided(al))
        fprintf(stderr,
                "seawall ingest: warning: %llu time%s a deployed rule could not decide on a "
                "record (a regular expression ran past its budget): neither alerted nor "
                "cleared; seawall sigma --rules RULE --db %s --team %s names the rule\n",
                (unsigned long long)sw_alerter_undecided(al),
                sw_alerter_undecided(al) == 1 ? "" : "s", o.db, sw_store_team_name(t));
    status = 0;
done:
    sw_alerter_close(al);
    sw_deploy_close(d);
    sw_journal_close(j);
    sw_store_team_close(t);
    sw_store_close(s);
    sw_event_free(&ck.ev[0]);
    sw_event_free(&ck.ev[1]);
    free(ck.span);
    for (int i = 0; in && i < o.n_args; i++)
        input_close(&in[i]);
    free(in);
    return status;
}

/* ---- hunt ------------------------------------------------------------------- */

typedef struct out_ctx {
    int json;
    int agg;
    int is_hist;
    size_t n;
    sw_event_t ev;
    sw_buf_t line; /* a record's line, its values escaped (cli/term_text.h) */
} out_ctx_t;

/* The first present of names, or "". */
static const char *first_of(const sw_event_t *ev, const char *const *names)
{
    for (; *names; names++) {
        const sw_field_t *f = sw_event_get(ev, *names);
        if (f && f->value_len)
            return f->value;
    }
    return "";
}

static const char *const host_names[] = {"Computer", "host.name", "hostname", "host", NULL};
static const char *const type_names[] = {"EventID", "event.code", "event.action", "EventType",
                                         NULL};
/* Key fields shown in the table, in order, when present. */
static const char *const key_names[] = {
    "Image",          "CommandLine",  "ParentImage",    "TargetUserName", "User",
    "LogonType",      "IpAddress",    "SourceIp",       "DestinationIp",  "DestinationPort",
    "TargetFilename", "TargetObject", "QueryName",      "ServiceName",    "process.command_line",
    "user.name",      "source.ip",    "destination.ip", "message",        NULL};

static void print_json_string(const char *s)
{
    json_t *j = json_string(s);
    char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    fputs(d ? d : "\"\"", stdout);
    free(d);
    json_decref(j);
}

static int print_row(const sw_qrow_t *row, void *ud)
{
    out_ctx_t *c = ud;
    c->n++;
    if (!row->is_record) {
        if (c->json) {
            fputs(c->is_hist ? "{\"time\":" : "{\"key\":", stdout);
            print_json_string(row->key);
            printf(",\"count\":%llu}\n", (unsigned long long)row->count);
        } else if (c->agg && row->key[0] == '\0' && !c->is_hist) {
            printf("%llu\n", (unsigned long long)row->count);
        } else {
            sw_term_printf(stdout, "%-12llu %s\n", (unsigned long long)row->count, row->key);
        }
        return 0;
    }
    if (c->json) {
        fwrite(row->json, 1, row->json_len, stdout);
        putchar('\n');
        return 0;
    }
    if (sw_event_parse(&c->ev, row->json, row->json_len, NULL))
        return 0;
    char t[64];
    sw_query_format_time(row->ts_ms, t);
    t[19] = '\0'; /* to the second */
    sw_buf_t *l = &c->line;
    sw_buf_reset(l);
    sw_term_format(l, "%-19s  %-16.16s %-6.6s", t, first_of(&c->ev, host_names),
                   first_of(&c->ev, type_names));
    size_t start = l->len;
    for (const char *const *k = key_names; *k && l->len - start < 200; k++) {
        const sw_field_t *f = sw_event_get(&c->ev, *k);
        if (!f || !f->value_len)
            continue;
        sw_term_format(l, " %s=", *k); /* the value by its length: it may hold a NUL */
        sw_term_escape(l, f->value, f->value_len > 120 ? 120 : f->value_len);
    }
    if (sw_buf_putc(l, '\n') == SW_OK)
        fwrite(l->data, 1, l->len, stdout);
    return 0;
}

int cmd_hunt(sw_cli_t *a)
{
    sw_cli_t o = *a;
    const char *text = o.args[0];
    sw_query_opts_t qo = {.now_ms = (int64_t)time(NULL) * 1000};
    if (o.now && sw_query_parse_time(o.now, strlen(o.now), &qo.now_ms))
        return sw_cli_usage_error(a, "--now '%s' is not an ISO 8601 time", o.now);
    sw_query_t q;
    sw_errbuf_t err;
    sw_store_t *s = NULL;
    sw_store_team_t *t = NULL;
    int status = 1;
    out_ctx_t ctx = {.json = o.json};
    sw_event_init(&ctx.ev);
    sw_buf_init(&ctx.line, 0);
    if (sw_query_parse(&q, text, strlen(text), &qo, &err)) {
        fprintf(stderr, "seawall hunt: bad query: %s\n", err.msg);
        size_t col = 0;
        if (sscanf(err.msg, "column %zu", &col) == 1 && col >= 1 && strlen(text) < 200)
            fprintf(stderr, "  %s\n  %*s^\n", text, (int)(col - 1), "");
        goto done;
    }
    ctx.agg = sw_query_is_aggregate(&q);
    ctx.is_hist = ctx.agg && q.stages[q.n_stages - 1].kind == SW_QS_HISTOGRAM;
    if (access(o.db, F_OK) != 0) {
        fprintf(stderr, "seawall hunt: %s: no such event store\n", o.db);
        goto done;
    }
    const char *team = sw_cli_read_team(&o);
    if (!team)
        goto done;
    if (sw_store_open(o.db, &s, &err) || sw_store_team_open(s, team, 0, &t, &err) ||
        sw_store_search(t, &q, print_row, &ctx, &err)) {
        team_notice("hunt", t);
        sw_term_printf(stderr, "seawall hunt: %s\n", err.msg);
        goto done;
    }
    team_notice("hunt", t);
    if (!o.json && !ctx.agg)
        fprintf(stderr, "%zu record%s\n", ctx.n, ctx.n == 1 ? "" : "s");
    status = 0;
done:
    sw_store_team_close(t);
    sw_store_close(s);
    sw_query_free(&q);
    sw_event_free(&ctx.ev);
    sw_buf_free(&ctx.line);
    return status;
}
