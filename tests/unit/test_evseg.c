/* test_evseg.c — the store's segment files (store/evseg.c) and the field
 * index's pieces on disk (store/evidx.c, evquery.c, evsearch.c): a reopened store reads
 * the same records and answers the same queries; a file cut at any point (a
 * process killed mid-append) is read up to the last complete record and the
 * next writer cuts the rest; records reach other readers as they are
 * written, without a flush; a foreign or damaged file is a clear error; a
 * damaged or stale index piece is rebuilt from the log, never believed; a
 * format-2 team is read and upgraded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <lz4.h>
#include <sqlite3.h>

#include "core/buf.h"
#include "detect/event.h"
#include "detect/event_flat.h"
#include "detect/query.h"
#include "store/evidx.h"
#include "store/evstore.h"
#include "store/evstore_int.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    unsigned seq;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sw_evseg_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* A fresh store path in the fixture's directory. */
static const char *new_path(fixture_t *f)
{
    snprintf(f->path, sizeof f->path, "%s/s%u.db", f->dir, f->seq++);
    return f->path;
}

static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return *x >> 33;
}

/* Record i of a mix of shapes: flat Sysmon with escapes, logons, irregular
 * rows (an array, a non-integer EventID), nested ECS, no time, ground
 * truth, times out of order. */
static int gen(uint64_t *x, unsigned i, char *out, size_t cap)
{
    unsigned m = (unsigned)(lcg(x) % 10), min = (i / 60) % 60, sec = i % 60;
    if (i % 97 == 50)
        sec = (sec + 30) % 60; /* a little out of order */
    switch (m) {
    case 0:
        return snprintf(out, cap,
                        "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\",\"EventID\":1,"
                        "\"User\":[\"a%u\",\"B\"],\"CommandLine\":\"ntdsutil ifm %u\"}",
                        min, sec, i % 3, i);
    case 1:
        return snprintf(out, cap,
                        "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\",\"EventID\":\"04625\","
                        "\"Computer\":\"dc%u\"}",
                        min, sec, i % 4);
    case 2:
        return snprintf(out, cap,
                        "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\",\"host\":{\"name\":"
                        "\"h%u\"},\"process\":{\"command_line\":\"x %u\"}}",
                        min, sec, i % 5, i);
    case 3:
        if (i == 0) /* a first record without a time would be at 1970 */
            return snprintf(out, cap, "{\"@timestamp\":\"2026-02-10T09:00:00Z\"}");
        return snprintf(out, cap,
                        "{\"EventID\":3,\"Computer\":\"WS%02u\",\"DestinationIp\":"
                        "\"8.8.%u.8\"}",
                        i % 7, i % 5);
    case 4:
        return snprintf(out, cap,
                        "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\",\"EventID\":4625,"
                        "\"TargetUserName\":\"u%u\",\"IpAddress\":\"10.0.0.%u\",\"_truth\":"
                        "\"step-%u\"}",
                        min, sec, i % 9, i % 11, i);
    default:
        return snprintf(out, cap,
                        "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\",\"EventID\":1,\"Computer\":"
                        "\"WS%02u\",\"Image\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\","
                        "\"CommandLine\":\"cmd /c \\\"echo %u\\\" C:\\\\Temp\",\"User\":"
                        "\"MOH\\\\u%u\",\"ParentImage\":null,\"Channel\":\"Sysmon\"}",
                        min, sec, i % 13, i, i % 6);
    }
}

static sw_store_t *open_store(const char *path)
{
    sw_store_t *s;
    sw_errbuf_t err;
    if (sw_store_open(path, &s, &err))
        fail_msg("open %s: %s", path, err.msg);
    return s;
}

static sw_store_team_t *open_team(sw_store_t *s, const char *name)
{
    sw_store_team_t *t;
    sw_errbuf_t err;
    if (sw_store_team_open(s, name, 1, &t, &err))
        fail_msg("team %s: %s", name, err.msg);
    return t;
}

/* n generated records into team; the JSON each was stored as (ground truth
 * cut) is not kept here: the store's own answer before close is the oracle. */
/* n records; a flush after every 90 seals the log's block, so the records
 * lie in several blocks (a block would hold ~400 of them) as after an
 * exercise's many small ingests. */
static void fill(sw_store_team_t *t, unsigned n, uint64_t seed)
{
    char rec[1024];
    sw_errbuf_t err;
    for (unsigned i = 0; i < n; i++) {
        int l = gen(&seed, i, rec, sizeof rec);
        if (sw_store_append(t, rec, (size_t)l, NULL, &err))
            fail_msg("append %u: %s", i, err.msg);
        if (i % 90 == 89 && sw_store_flush(t->s, &err))
            fail_msg("flush %u: %s", i, err.msg);
    }
}

static int collect_cb(const sw_qrow_t *row, void *ud)
{
    sw_buf_t *b = ud;
    if (row->is_record)
        sw_buf_printf(b, "%lld %lld %.*s\n", (long long)row->id, (long long)row->ts_ms,
                      (int)row->json_len, row->json);
    else
        sw_buf_printf(b, "%s %lld =%llu\n", row->key ? row->key : "", (long long)row->ts_ms,
                      (unsigned long long)row->count);
    return 0;
}

/* Everything q returns, as text (caller frees); NULL and *rc on error. */
static char *collect(sw_store_team_t *t, const char *text, int *rc, sw_errbuf_t *err)
{
    sw_query_t q;
    sw_query_opts_t o = {0};
    sw_query_parse_time("2026-02-10T10:00:00Z", 20, &o.now_ms);
    if (sw_query_parse(&q, text, strlen(text), &o, err))
        fail_msg("query %s: %s", text, err->msg);
    sw_buf_t b;
    sw_buf_init(&b, 1 << 26);
    *rc = sw_store_search(t, &q, collect_cb, &b, err);
    sw_query_free(&q);
    char *s = *rc ? NULL : strdup(sw_buf_str(&b));
    sw_buf_free(&b);
    return s;
}

static char *must_collect(sw_store_team_t *t, const char *text)
{
    int rc;
    sw_errbuf_t err;
    char *s = collect(t, text, &rc, &err);
    if (rc)
        fail_msg("%s: %s", text, err.msg);
    return s;
}

static const char *const queries[] = {
    "*",
    "CommandLine:*ntdsutil*",
    "CommandLine:*echo\\ 1*",
    "Computer:WS03 AND @timestamp:[2026-02-10T09:01 TO 2026-02-10T09:03]",
    "EventID:4625 | top 10 IpAddress",
    "* | top 5 User",
    "* | count by Computer",
    "EventID:1 | count",
    "* | histogram 1m",
    "User:b",
    "EventID:[1 TO 3] AND NOT Computer:dc1",
    "host.name:h2",
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

/* ---- reopen ------------------------------------------------------------------- */

static void reopen_reads_the_same_records_and_answers_the_same(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *a = open_team(s, "blue"), *b = open_team(s, "red");
    a->idx_piece = 256; /* index pieces of 256 rows: 11 of them and a tail */
    fill(a, 3000, 1);
    fill(b, 500, 2);
    char *before[N_QUERIES];
    for (size_t i = 0; i < N_QUERIES; i++) {
        before[i] = must_collect(a, queries[i]);
        assert_true(strlen(before[i]) > 0);
    }
    int64_t n;
    sw_errbuf_t err;
    assert_int_equal(sw_store_count(a, &n, &err), SW_OK);
    assert_int_equal(n, 3000);
    sw_store_team_close(a);
    sw_store_team_close(b);
    sw_store_close(s);

    /* the field index went to files as the pieces filled, and the piece
     * being filled at the last flush; damage two of them (one cut short,
     * one with a byte changed): they are built again from the log */
    char tp[256];
    struct stat st;
    for (unsigned k = 0; k < 11; k++) {
        snprintf(tp, sizeof tp, "%s.seg/1/idx.%u", path, k * 256);
        if (stat(tp, &st) != 0)
            fail_msg("no %s", tp);
    }
    snprintf(tp, sizeof tp, "%s.seg/1/idx.2816", path); /* the partial piece, at the flush */
    assert_int_equal(stat(tp, &st), 0);
    snprintf(tp, sizeof tp, "%s.seg/1/idx.2304", path);
    assert_int_equal(truncate(tp, 100), 0);
    snprintf(tp, sizeof tp, "%s.seg/1/idx.512", path);
    assert_int_equal(stat(tp, &st), 0);
    FILE *fp = fopen(tp, "r+b");
    assert_non_null(fp);
    fseek(fp, st.st_size - 700, SEEK_SET); /* in the postings or the text */
    int ch = fgetc(fp);
    fseek(fp, st.st_size - 700, SEEK_SET);
    fputc(ch ^ 0x41, fp);
    fclose(fp);

    s = open_store(path);
    a = open_team(s, "BLUE");
    a->idx_piece = 256;
    assert_int_equal(sw_store_count(a, &n, &err), SW_OK);
    assert_int_equal(n, 3000);
    for (size_t i = 0; i < N_QUERIES; i++) {
        char *after = must_collect(a, queries[i]);
        if (strcmp(before[i], after) != 0)
            fail_msg("%s differs after reopen:\n--- before\n%.400s\n--- after\n%.400s", queries[i],
                     before[i], after);
        free(after);
    }
    /* appending after reopen continues the same files */
    fill(a, 10, 3);
    assert_int_equal(sw_store_count(a, &n, &err), SW_OK);
    assert_int_equal(n, 3010);
    char *all = must_collect(a, "*");
    assert_int_equal(strncmp(all, before[0], 0), 0);
    size_t lines = 0;
    for (const char *p = all; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 3010);
    free(all);
    for (size_t i = 0; i < N_QUERIES; i++)
        free(before[i]);
    sw_store_team_close(a);
    sw_store_close(s);
}

/* ---- torn tails --------------------------------------------------------------- */

typedef struct blob {
    uint8_t *p;
    size_t n;
} blob_t;

static blob_t slurp(const char *path)
{
    blob_t b = {0};
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return b;
    fseek(fp, 0, SEEK_END);
    b.n = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    b.p = malloc(b.n ? b.n : 1);
    if (fread(b.p, 1, b.n, fp) != b.n)
        b.n = 0;
    fclose(fp);
    return b;
}

static void copy_blob(const blob_t *b, const char *to)
{
    FILE *fp = fopen(to, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b->p, 1, b->n, fp), b->n);
    fclose(fp);
}

/* What a crash before a team's first commit leaves: the store's commit
 * point of team `team` back to none written (0 rows), so everything in its
 * files is an interrupted write, kept as far as it is complete. */
static void forget_commit(const char *path, int team)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE seg_commit SET rows=0, log=0, ts=0, roff=0, lidx=0, sums=0 WHERE team=%d",
             team);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
}

static uint64_t u64_at(const blob_t *b, size_t i)
{
    uint64_t v;
    memcpy(&v, b->p + SEG_HDR + 8 * i, 8);
    return v;
}

/* The complete rows when file f (original content in orig[]) keeps only
 * its first `keep` bytes: the rows of the sums entries whose batch every
 * file still holds whole — derived forward from the intact files, the
 * reverse of how the store derives it. */
static size_t expected_rows(blob_t orig[SF_N], int f, size_t keep)
{
    size_t d = keep >= SEG_HDR ? keep - SEG_HDR : 0, rows = 0;
    size_t n_ent = (orig[SF_SUMS].n - SEG_HDR) / SEG_SUMENT;
    for (size_t e = 0; e < n_ent; e++) {
        seg_sument_t x;
        memcpy(&x, orig[SF_SUMS].p + SEG_HDR + e * SEG_SUMENT, sizeof x);
        uint64_t need = f == SF_SUMS   ? (e + 1) * SEG_SUMENT
                        : f == SF_LOG  ? x.log_end
                        : f == SF_LIDX ? (x.first_unit + x.units) * 8
                                       : (x.first_row + x.rows) * 8;
        if (need > d)
            break;
        rows = x.first_row + x.rows;
    }
    return rows;
}

static int cmp_line_id(const void *a, const void *b)
{
    long long x = atoll(*(char *const *)a), y = atoll(*(char *const *)b);
    return (x > y) - (x < y);
}

/* text's lines in id (arrival) order: a prefix of rows is a prefix of these. */
static char *by_id(char *text)
{
    size_t n = 0, len = strlen(text);
    for (char *p = text; *p; p++)
        n += *p == '\n';
    char **v = malloc((n ? n : 1) * sizeof *v), *out = malloc(len + 1), *o = out;
    size_t i = 0;
    for (char *p = strtok(text, "\n"); p; p = strtok(NULL, "\n"))
        v[i++] = p;
    qsort(v, i, sizeof *v, cmp_line_id);
    for (size_t k = 0; k < i; k++)
        o += sprintf(o, "%s\n", v[k]);
    *o = '\0';
    free(v);
    free(text);
    return out;
}

/* The first k lines of text. */
static size_t prefix_len(const char *text, size_t k)
{
    const char *p = text;
    while (k-- && (p = strchr(p, '\n')))
        p++;
    return p ? (size_t)(p - text) : strlen(text);
}

/* A process killed mid-append before its records were committed leaves
 * the files ending anywhere: a reader sees exactly the complete rows, and
 * the next writer cuts the rest and appends after them. */
static void a_torn_tail_is_cut_back_to_the_last_complete_record(void **state)
{
    fixture_t *f = *state;
    uint64_t rnd = 12345;
    int used[SF_N], n_used = 0;
    for (int i = 0; i < SF_N; i++)
        used[n_used++] = i;
    const unsigned N = 400;
    for (int iter = 0; iter < 100; iter++) {
        const char *path = new_path(f);
        sw_store_t *s = open_store(path);
        sw_store_team_t *t = open_team(s, "blue");
        fill(t, N, 7 + (uint64_t)iter);
        char *all = by_id(must_collect(t, "*"));
        sw_store_team_close(t);
        sw_store_close(s);
        forget_commit(path, 1);

        int fi = used[iter < n_used ? iter : (int)(lcg(&rnd) % (unsigned)n_used)];
        char name[16], fp[256];
        seg_file_name(fi, name, sizeof name);
        snprintf(fp, sizeof fp, "%s.seg/1/%s", path, name);
        blob_t orig[SF_N] = {{0}};
        for (int i = 0; i < n_used; i++) {
            char nm[16], p2[256];
            seg_file_name(used[i], nm, sizeof nm);
            snprintf(p2, sizeof p2, "%s.seg/1/%s", path, nm);
            orig[used[i]] = slurp(p2);
        }
        size_t size = orig[fi].n, keep, want;
        int junk = iter % 5 == 4; /* half-written bytes past the end, no cut */
        if (junk) {
            FILE *fpp = fopen(fp, "ab");
            fwrite("\x01\x02\x03\x04\x05\x06\x07", 1, 1 + lcg(&rnd) % 7, fpp);
            fclose(fpp);
            want = N;
        } else {
            keep = (size_t)(lcg(&rnd) % (size + 1));
            assert_int_equal(truncate(fp, (off_t)keep), 0);
            want = expected_rows(orig, fi, keep);
        }
        for (int i = 0; i < SF_N; i++)
            free(orig[i].p);

        /* a reader sees exactly the complete rows, unchanged */
        s = open_store(path);
        t = open_team(s, "blue");
        int64_t n;
        sw_errbuf_t err;
        assert_int_equal(sw_store_count(t, &n, &err), SW_OK);
        if ((size_t)n != want)
            fail_msg("%s cut to %zu of %zu bytes%s: %lld rows, expected %zu", name,
                     junk ? size : keep, size, junk ? " (junk added)" : "", (long long)n, want);
        char *got = by_id(must_collect(t, "*"));
        size_t pl = prefix_len(all, want);
        assert_int_equal(strlen(got), pl);
        assert_memory_equal(got, all, pl);
        free(got);
        for (size_t q = 1; q < N_QUERIES; q++)
            free(must_collect(t, queries[q])); /* no error, no crash */
        /* the next writer cuts the tail and appends after the last good row */
        const char *rec = "{\"@timestamp\":\"2026-02-10T11:00:00Z\",\"EventID\":7,"
                          "\"CommandLine\":\"after the cut\"}";
        int64_t id;
        assert_int_equal(sw_store_append(t, rec, strlen(rec), &id, &err), SW_OK);
        sw_store_team_close(t);
        sw_store_close(s);
        s = open_store(path);
        t = open_team(s, "blue");
        assert_int_equal(sw_store_count(t, &n, &err), SW_OK);
        assert_int_equal(n, (int64_t)want + 1);
        got = must_collect(t, "CommandLine:*after\\ the\\ cut*");
        char line[256];
        snprintf(line, sizeof line, "%lld %lld %s\n", (long long)id, 1770721200000LL, rec);
        assert_string_equal(got, line);
        free(got);
        got = by_id(must_collect(t, "*"));
        assert_memory_equal(got, all, pl);
        free(got);
        free(all);
        sw_store_team_close(t);
        sw_store_close(s);
    }
}

/* A piece written for rows that a crash then cut, and that were written
 * again with other records, names rows it no longer describes: its stamp
 * (the last row's frame) does not match, so it is built again. */
static void an_index_piece_of_rows_cut_and_rewritten_is_not_used(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    t->idx_piece = 8;
    char rec[256];
    sw_errbuf_t err;
    for (int i = 0; i < 20; i++) {
        int l = snprintf(rec, sizeof rec, "{\"EventID\":1,\"CommandLine\":\"old%d stale\"}", i);
        assert_int_equal(sw_store_append(t, rec, (size_t)l, NULL, &err), SW_OK);
        if (i == 9) /* two batches: rows 0-9, 10-19 */
            assert_int_equal(sw_store_flush(s, &err), SW_OK);
    }
    free(must_collect(t, "CommandLine:*stale*")); /* idx.0, idx.8 full, idx.16 at close */
    sw_store_team_close(t);
    sw_store_close(s);
    char p[256], i8[256], i16[256];
    snprintf(i8, sizeof i8, "%s.seg/1/idx.8", path);
    snprintf(i16, sizeof i16, "%s.seg/1/idx.16", path);
    blob_t old8 = slurp(i8), old16 = slurp(i16);
    assert_true(old8.n > IDX_HDR && old16.n > IDX_HDR);
    /* rows 10.. lost (a power cut after the pieces were written, before
     * the rows' commit), then new ones */
    forget_commit(path, 1);
    snprintf(p, sizeof p, "%s.seg/1/ts", path);
    assert_int_equal(truncate(p, SEG_HDR + 10 * 8), 0);
    s = open_store(path);
    t = open_team(s, "blue");
    t->idx_piece = 8;
    for (int i = 0; i < 10; i++) {
        int l = snprintf(rec, sizeof rec, "{\"EventID\":1,\"CommandLine\":\"fresh%d\"}", i);
        assert_int_equal(sw_store_append(t, rec, (size_t)l, NULL, &err), SW_OK);
    }
    char *got = must_collect(t, "CommandLine:*fresh* | count");
    assert_string_equal(got, " 0 =10\n");
    free(got);
    got = must_collect(t, "CommandLine:*stale* | count");
    assert_string_equal(got, " 0 =10\n");
    free(got);
    sw_store_team_close(t);
    sw_store_close(s);
    /* and a reader that maps the pieces the writer left agrees; so does
     * one that finds the old pieces of rows 8-19 back in place (as if the
     * second writer had died before writing its own): they fit the rows'
     * count but not their records */
    for (int k = 0; k < 2; k++) {
        if (k) {
            copy_blob(&old8, i8);
            copy_blob(&old16, i16);
        }
        s = open_store(path);
        t = open_team(s, "blue");
        t->idx_piece = 8;
        got = must_collect(t, "stale | count");
        assert_string_equal(got, " 0 =10\n");
        free(got);
        got = must_collect(t, "fresh | count");
        assert_string_equal(got, " 0 =10\n");
        free(got);
        sw_store_team_close(t);
        sw_store_close(s);
    }
    free(old8.p);
    free(old16.p);
}

/* Another process (here: another store handle) sees an ingest's records
 * while it runs, batch by batch, without waiting for a flush: what a hunt
 * or a deployer beside a long ingest needs (tests/integration/
 * alerts_recovery.sh). Once flushed, it sees every one. */
static void records_reach_other_readers_without_a_flush(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    sw_errbuf_t err;
    char rec[512];
    /* ~1.5 MB of records: several batches of SEG_BATCH blocks */
    const unsigned N = 4000;
    for (unsigned i = 0; i < N; i++) {
        int l = snprintf(rec, sizeof rec,
                         "{\"@timestamp\":\"2026-02-10T09:00:00Z\",\"EventID\":1,\"n\":%u,"
                         "\"CommandLine\":\"%0300u\"}",
                         i, i);
        assert_int_equal(sw_store_append(t, rec, (size_t)l, NULL, &err), SW_OK);
    }
    sw_store_t *s2 = open_store(path);
    int64_t n = 0;
    for (int tries = 0; tries < 500 && n == 0; tries++) { /* the writer thread's pace */
        sw_store_team_t *r;
        if (sw_store_team_open(s2, "blue", 0, &r, &err))
            fail_msg("reader: %s", err.msg);
        char *got = must_collect(r, "EventID:1 | count");
        n = got[0] ? atoll(got + 4) : 0;
        free(got);
        sw_store_team_close(r);
        if (n == 0)
            usleep(10000);
    }
    if (n <= 0 || n >= (int64_t)N)
        fail_msg("a reader saw %lld of %u records before the flush", (long long)n, N);
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    sw_store_team_t *r = open_team(s2, "blue");
    assert_int_equal(sw_store_count(r, &n, &err), SW_OK);
    assert_int_equal(n, N);
    /* every record reads back, those in a block's later units too (a
     * block of 64 KB spans four units; these records are ~370 bytes) */
    char *all = must_collect(r, "*");
    char *line = all;
    for (unsigned i = 0; i < N; i++) {
        char want[64];
        snprintf(want, sizeof want, "\"n\":%u,", i);
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        if (!strstr(line, want))
            fail_msg("record %u: %.80s", i, line);
        line = nl + 1;
    }
    assert_int_equal(*line, '\0');
    free(all);
    sw_store_team_close(r);
    sw_store_close(s2);
    sw_store_team_close(t);
    sw_store_close(s);
}

/* Make team 1 of path look as an older seawall left it: the store's
 * commit point and sums gone, the four files' headers in format `fmt`
 * (the team id in bytes 8-15, no store id). */
static void make_legacy(const char *path, int fmt)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM seg_commit WHERE team=1", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    char p[256];
    snprintf(p, sizeof p, "%s.seg/1/sums", path);
    assert_int_equal(unlink(p), 0);
    for (int fi = 0; fi < SF_N; fi++) {
        if (fi == SF_SUMS)
            continue;
        char name[16];
        seg_file_name(fi, name, sizeof name);
        snprintf(p, sizeof p, "%s.seg/1/%s", path, name);
        FILE *fp = fopen(p, "r+b");
        assert_non_null(fp);
        uint64_t team = 1;
        fseek(fp, 7, SEEK_SET);
        fputc(fmt, fp);
        fwrite(&team, 8, 1, fp);
        fclose(fp);
    }
}

/* A format-2 team (the fixed columns and their dictionary beside the four
 * files format 3 kept) and a format-3 team (no sums, no store id) are read
 * as they are; their first writer removes the old files, makes sums from
 * the columns and marks the headers format 4 with the store's id. */
static void an_older_team_is_read_and_upgraded_by_its_writer(void **state)
{
    fixture_t *f = *state;
    for (int fmt = 2; fmt <= 3; fmt++) {
        const char *path = new_path(f);
        sw_store_t *s = open_store(path);
        uint64_t store_id = s->store_id;
        sw_store_team_t *t = open_team(s, "blue");
        fill(t, 300, 5);
        char *before[N_QUERIES];
        for (size_t i = 0; i < N_QUERIES; i++)
            before[i] = must_collect(t, queries[i]);
        sw_store_team_close(t);
        sw_store_close(s);
        make_legacy(path, fmt);
        static const char *const old[] = {"cend", "cmd",   "eid",   "multi", "mcnt", "c0",
                                          "c10",  "dkeys", "dends", "kcnt",  "tok.0"};
        char p[256];
        for (size_t i = 0; fmt == 2 && i < sizeof old / sizeof old[0]; i++) {
            snprintf(p, sizeof p, "%s.seg/1/%s", path, old[i]);
            FILE *fp = fopen(p, "wb");
            fputs("SWSEG1 old column", fp);
            fclose(fp);
        }
        /* read as it is, answers unchanged, nothing changed by a reader */
        s = open_store(path);
        t = open_team(s, "blue");
        for (size_t i = 0; i < N_QUERIES; i++) {
            char *got = must_collect(t, queries[i]);
            if (strcmp(got, before[i]))
                fail_msg("format %d: %s differs", fmt, queries[i]);
            free(got);
        }
        struct stat st;
        snprintf(p, sizeof p, "%s.seg/1/sums", path);
        assert_int_equal(stat(p, &st), -1);
        snprintf(p, sizeof p, "%s.seg/1/cmd", path);
        assert_int_equal(stat(p, &st), fmt == 2 ? 0 : -1);
        /* the writer upgrades */
        sw_errbuf_t err;
        const char *rec = "{\"@timestamp\":\"2026-02-10T11:00:00Z\",\"EventID\":7}";
        assert_int_equal(sw_store_append(t, rec, strlen(rec), NULL, &err), SW_OK);
        sw_store_team_close(t);
        sw_store_close(s);
        for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
            snprintf(p, sizeof p, "%s.seg/1/%s", path, old[i]);
            if (stat(p, &st) == 0)
                fail_msg("%s is still there", old[i]);
        }
        for (int fi = 0; fi < SF_N; fi++) {
            char name[16];
            seg_file_name(fi, name, sizeof name);
            snprintf(p, sizeof p, "%s.seg/1/%s", path, name);
            blob_t b = slurp(p);
            uint8_t want[SEG_HDR];
            seg_header(fi, 1, store_id, want);
            assert_true(b.n >= SEG_HDR);
            assert_memory_equal(b.p, want, SEG_HDR);
            free(b.p);
        }
        s = open_store(path);
        t = open_team(s, "blue");
        assert_true(t->seg.v.commit.known && t->seg.v.commit.rows == 301);
        assert_null(sw_store_team_notice(t));
        char *got = must_collect(t, "EventID:7 | count");
        assert_string_equal(got, " 0 =1\n");
        free(got);
        for (size_t i = 1; i < N_QUERIES; i++) {
            got = must_collect(t, queries[i]);
            if (i != 8 && strcmp(got, before[i])) /* the histogram reaches 11:00 now */
                fail_msg("format %d upgraded: %s differs", fmt, queries[i]);
            free(got);
        }
        for (size_t i = 0; i < N_QUERIES; i++)
            free(before[i]);
        sw_store_team_close(t);
        sw_store_close(s);
    }
}

/* A record bigger than a block unit gets a block of its own spanning
 * several units; the records around it, a reopen, and a cut inside it
 * (a crash while it was written) all read back as they should. */
static void a_record_bigger_than_a_block_unit_has_a_block_of_its_own(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    sw_errbuf_t err;
    size_t big_len = SEG_BLOCK + 100;
    char *big = malloc(big_len + 64);
    int hl = snprintf(big, 64, "{\"EventID\":9,\"CommandLine\":\"");
    memset(big + hl, 'x', big_len);
    strcpy(big + hl + big_len, "\"}");
    size_t bl = strlen(big);
    const char *small = "{\"EventID\":1,\"CommandLine\":\"small\"}";
    /* three batches (a flush each): a torn write loses whole batches */
    assert_int_equal(sw_store_append(t, small, strlen(small), NULL, &err), SW_OK);
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    assert_int_equal(sw_store_append(t, big, bl, NULL, &err), SW_OK);
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    assert_int_equal(sw_store_append(t, small, strlen(small), NULL, &err), SW_OK);
    sw_store_team_close(t);
    sw_store_close(s);
    char p[256];
    snprintf(p, sizeof p, "%s.seg/1/lidx", path);
    blob_t lx = slurp(p);
    /* small | big (span units: 1 named, the others none) | small */
    size_t span = (bl + 8 + SEG_UNIT - 1) / SEG_UNIT;
    assert_true(span >= 3);
    assert_int_equal(lx.n, SEG_HDR + (span + 2) * 8);
    for (size_t u = 2; u <= span; u++)
        assert_true(u64_at(&lx, u) == SEG_NO_BLOCK);
    assert_true(u64_at(&lx, 0) != SEG_NO_BLOCK && u64_at(&lx, 1) != SEG_NO_BLOCK &&
                u64_at(&lx, span + 1) != SEG_NO_BLOCK);
    free(lx.p);
    s = open_store(path);
    t = open_team(s, "blue");
    char *got = must_collect(t, "EventID:9 | count");
    assert_string_equal(got, " 0 =1\n");
    free(got);
    got = must_collect(t, "CommandLine:small | count");
    assert_string_equal(got, " 0 =2\n");
    free(got);
    sw_store_team_close(t);
    sw_store_close(s);
    /* the last small record's block and the big one's tail lost (a crash
     * before their commit): one row stays, and the next append goes after it */
    forget_commit(path, 1);
    snprintf(p, sizeof p, "%s.seg/1/log", path);
    blob_t lg = slurp(p);
    assert_int_equal(truncate(p, (off_t)(lg.n - 200)), 0);
    free(lg.p);
    s = open_store(path);
    t = open_team(s, "blue");
    int64_t n;
    assert_int_equal(sw_store_count(t, &n, &err), SW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sw_store_append(t, big, bl, NULL, &err), SW_OK);
    sw_store_team_close(t);
    sw_store_close(s);
    s = open_store(path);
    t = open_team(s, "blue");
    got = must_collect(t, "* | count");
    assert_string_equal(got, " 0 =2\n");
    free(got);
    got = must_collect(t, "EventID:9 | count");
    assert_string_equal(got, " 0 =1\n");
    free(got);
    sw_store_team_close(t);
    sw_store_close(s);
    free(big);
}

/* A write the log's writer thread cannot make (here: the file size limit,
 * as a full disk would) reaches the appender as an error naming the file,
 * stops further appends, and leaves a store that reopens to a readable
 * prefix and takes appends again. */
static void a_failed_log_write_is_an_error_and_the_store_reopens(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    sw_errbuf_t err;
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 1 << 20;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    /* records that pack badly, so the log is the file that hits the limit */
    uint64_t x = 99;
    char rec[1200];
    int rc = SW_OK;
    unsigned i;
    for (i = 0; i < 20000 && rc == SW_OK; i++) {
        int l = snprintf(rec, sizeof rec, "{\"EventID\":1,\"n\":%u,\"Payload\":\"", i);
        for (int k = 0; k < 64; k++)
            l += snprintf(rec + l, sizeof rec - (size_t)l, "%016llx", (unsigned long long)lcg(&x));
        l += snprintf(rec + l, sizeof rec - (size_t)l, "\"}");
        rc = sw_store_append(t, rec, (size_t)l, NULL, &err);
        if (rc == SW_OK && i % 500 == 499)
            rc = sw_store_flush(s, &err);
    }
    assert_int_equal(rc, SW_EIO);
    assert_non_null(strstr(err.msg, "/log: write"));
    assert_int_equal(sw_store_append(t, "{\"EventID\":2}", 13, NULL, &err), SW_EIO);
    assert_non_null(strstr(err.msg, "earlier write failed"));
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    sw_store_team_close(t);
    sw_store_close(s);
    s = open_store(path);
    t = open_team(s, "blue");
    int64_t n;
    assert_int_equal(sw_store_count(t, &n, &err), SW_OK);
    assert_true(n >= 500 && (unsigned)n < i);
    char *got = must_collect(t, "EventID:1 | count");
    char want[64];
    snprintf(want, sizeof want, " 0 =%lld\n", (long long)n);
    assert_string_equal(got, want);
    free(got);
    assert_int_equal(sw_store_append(t, "{\"EventID\":2}", 13, NULL, &err), SW_OK);
    assert_int_equal(sw_store_count(t, &n, &err), SW_OK);
    got = must_collect(t, "EventID:2 | count");
    assert_string_equal(got, " 0 =1\n");
    free(got);
    sw_store_team_close(t);
    sw_store_close(s);
}

/* ---- foreign and damaged files ---------------------------------------------------- */

/* ---- blocks packed with a dictionary (format 5) ------------------------------- */

/* Record i: Sysmon-like, with a random hash and GUID, and one of 40
 * messages of 300 bytes, as telemetry has many shapes: a 32 KB block holds
 * about 60 records, so most of its shapes are new to it, and the block
 * before, as a dictionary, holds them. */
static int dict_rec(uint64_t *x, unsigned i, char *out, size_t cap)
{
    static char msgs[40][301];
    if (!msgs[0][0]) {
        uint64_t y = 99;
        for (int m = 0; m < 40; m++) {
            for (int k = 0; k < 300; k++)
                msgs[m][k] = (char)('a' + lcg(&y) % 26);
            msgs[m][300] = '\0';
        }
    }
    char hx[65];
    for (int k = 0; k < 64; k++)
        hx[k] = "0123456789ABCDEF"[lcg(x) & 15];
    hx[64] = '\0';
    const char *msg = msgs[lcg(x) % 40];
    return snprintf(out, cap,
                    "{\"@timestamp\":\"2026-02-10T09:%02u:%02u.%03uZ\",\"Message\":\"%s\","
                    "\"EventID\":1,\"Computer\":"
                    "\"WS%02u.moh.gov.pw\",\"Image\":\"C:\\\\Windows\\\\System32\\\\%s.exe\","
                    "\"Hashes\":\"SHA256=%s\",\"ProcessGuid\":\"{%.8s-%.4s-%.4s-%.4s-%.12s}\","
                    "\"CommandLine\":\"%s /c echo %u\",\"User\":\"MOH\\\\u%u\"}",
                    (i / 600) % 60, (i / 10) % 60, i % 1000, msg, i % 23,
                    i % 3 ? "cmd" : "powershell", hx, hx + 1, hx + 9, hx + 13, hx + 17, hx + 21,
                    i % 3 ? "cmd" : "powershell", i, i % 7);
}

/* The log's blocks by kind: [0] LZ4, [1] stored, [2] LZ4D; each LZ4D's
 * dictionary checked to be a stored block before it. */
static void block_kinds(const seg_view_t *v, size_t kinds[3], uint64_t dicts[], size_t *n_dicts)
{
    uint64_t off = 0;
    uint32_t h[4];
    *n_dicts = 0;
    kinds[0] = kinds[1] = kinds[2] = 0;
    while (off < v->dl[SF_LOG]) {
        assert_int_equal(seg_block_head(v, off, h), SW_OK);
        assert_true((h[3] & 0xff) <= SEG_BLK_LZ4D);
        kinds[h[3] & 0xff]++;
        if ((h[3] & 0xff) == SEG_BLK_LZ4D) {
            uint64_t at = off - (h[3] >> 8);
            uint32_t dh[4];
            assert_true((h[3] >> 8) > 0 && (h[3] >> 8) <= off);
            assert_int_equal(seg_block_head(v, at, dh), SW_OK);
            assert_int_equal(dh[3], SEG_BLK_STORED);
            if (!*n_dicts || dicts[*n_dicts - 1] != at)
                dicts[(*n_dicts)++] = at;
        }
        off += SEG_BLK_HDR + h[0];
    }
}

/* Every row of t reads back as recs[] holds it: SW_OK, or the first row
 * that does not (a damaged one: SW_EIO, never other bytes). */
static size_t rows_read_back(sw_store_team_t *t, char **recs, size_t n, uint64_t *x, size_t *bad)
{
    size_t ok = 0;
    *bad = 0;
    for (size_t k = 0; k < 2 * n; k++) { /* in order, then scattered */
        size_t r = k < n ? k : (size_t)(lcg(x) % n);
        const char *j;
        size_t l;
        if (seg_record(&t->seg.v, r, &j, &l) != SW_OK) {
            (*bad)++;
            continue;
        }
        if (l != strlen(recs[r]) || memcmp(j, recs[r], l))
            fail_msg("row %zu reads back as other bytes: %.*s", r, (int)l, j);
        ok++;
    }
    return ok;
}

/* Enough records for several dictionaries (the writer takes one every
 * SEG_DICT_EVERY bytes of log): every record reads back as written, in
 * order and scattered, after a reopen and after the columns were rebuilt
 * from the log (which unpacks every block); the log packs better than
 * without dictionaries; a damaged dictionary block makes the records of
 * its blocks unreadable, reported by a hunt, never other records; and a
 * format-4 team is marked 5 by its writer before it appends (a seawall of
 * format 4 then refuses it instead of cutting blocks it cannot unpack). */
static void blocks_packed_with_a_dictionary_read_back_and_damage_is_reported(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    enum { N = 16000 };
    char **recs = calloc(N, sizeof *recs);
    char rec[1024];
    uint64_t x = 7;
    size_t raw = 0;
    sw_errbuf_t err;
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    for (unsigned i = 0; i < N; i++) {
        int l = dict_rec(&x, i, rec, sizeof rec);
        recs[i] = strdup(rec);
        raw += (size_t)l + 8;
        if (sw_store_append(t, rec, (size_t)l, NULL, &err))
            fail_msg("append %u: %s", i, err.msg);
        if (i % 5000 == 4999 && sw_store_flush(s, &err)) /* blocks sealed short, too */
            fail_msg("flush: %s", err.msg);
    }
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    sw_store_team_close(t);
    sw_store_close(s);

    s = open_store(path);
    t = open_team(s, "blue");
    const seg_view_t *v = &t->seg.v;
    assert_int_equal(v->format, 5);
    assert_int_equal(v->n_rows, N);
    size_t kinds[3], n_dicts, bad;
    uint64_t dicts[64];
    block_kinds(v, kinds, dicts, &n_dicts);
    if (n_dicts < 3 || kinds[SEG_BLK_LZ4D] < 20 * n_dicts / 2)
        fail_msg("%zu dictionaries, %zu blocks packed with one", n_dicts, kinds[SEG_BLK_LZ4D]);
    /* the blocks packed with a dictionary against the same packed alone */
    size_t with = 0, alone = 0;
    uint8_t *buf = malloc(SEG_DICT_MAX + SEG_BLK_MAX), *out = malloc(LZ4_compressBound(SEG_BLOCK));
    uint64_t before = SEG_NO_BLOCK;
    for (uint64_t off = 0; off < v->dl[SF_LOG];) {
        uint32_t h[4];
        size_t got;
        assert_int_equal(seg_block_head(v, off, h), SW_OK);
        if ((h[3] & 0xff) == SEG_BLK_LZ4D) {
            assert_int_equal(seg_unpack(&t->seg.v, off, h, buf + SEG_DICT_MAX, h[1], &got, &before),
                             SW_OK);
            assert_int_equal(got, h[1]);
            with += h[0];
            alone += (size_t)LZ4_compress_default((const char *)buf + SEG_DICT_MAX, (char *)out,
                                                  (int)h[1], LZ4_compressBound(SEG_BLOCK));
        }
        off += SEG_BLK_HDR + h[0];
    }
    free(buf);
    free(out);
    if (with * 100 > alone * 75) /* 65% when written */
        fail_msg("with a dictionary %zu bytes, alone %zu (of %zu unpacked)", with, alone, raw);
    assert_int_equal(rows_read_back(t, recs, N, &x, &bad), 2 * N);
    char *all = must_collect(t, "CommandLine:*powershell* | count");
    assert_string_equal(all, " 0 =5334\n");
    free(all);
    sw_store_team_close(t);
    sw_store_close(s);

    /* the columns rebuilt from the log, every block unpacked: roff and
     * lidx gone */
    char p[256];
    const char *gone[] = {"roff", "lidx"};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s.seg/1/%s", path, gone[i]);
        assert_int_equal(unlink(p), 0);
    }
    s = open_store(path);
    t = open_team(s, "blue");
    assert_int_equal(rows_read_back(t, recs, N, &x, &bad), 2 * N);
    /* a committed batch's columns are checked as its rows are read */
    assert_true((t->seg.v.repaired & (1 << SF_ROFF | 1 << SF_LIDX)) != 0);
    sw_store_team_close(t);
    sw_store_close(s);

    /* a dictionary block damaged: its blocks' records are unreadable */
    snprintf(p, sizeof p, "%s.seg/1/log", path);
    FILE *fp = fopen(p, "r+b");
    assert_non_null(fp);
    long at = (long)(SEG_HDR + dicts[1] + SEG_BLK_HDR + 700);
    fseek(fp, at, SEEK_SET);
    int ch = fgetc(fp);
    fseek(fp, at, SEEK_SET);
    fputc(ch ^ 0x20, fp);
    fclose(fp);
    s = open_store(path);
    t = open_team(s, "blue");
    size_t ok = rows_read_back(t, recs, N, &x, &bad);
    if (!bad || !ok)
        fail_msg("%zu rows read, %zu not", ok, bad);
    int rc;
    char *got = collect(t, "*", &rc, &err);
    assert_null(got);
    if (rc != SW_EIO || !strstr(err.msg, "could not be read"))
        fail_msg("%d %s", rc, err.msg);
    sw_store_team_close(t);
    sw_store_close(s);

    /* format 4 (the same blocks but no LZ4D): a writer marks it 5 first */
    const char *p4 = new_path(f);
    s = open_store(p4);
    t = open_team(s, "blue");
    for (unsigned i = 0; i < 200; i++) { /* blocks of 20 records: no dictionary */
        assert_int_equal(sw_store_append(t, recs[i], strlen(recs[i]), NULL, &err), SW_OK);
        if (i % 20 == 19)
            assert_int_equal(sw_store_flush(s, &err), SW_OK);
    }
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    sw_store_team_close(t);
    sw_store_close(s);
    snprintf(p, sizeof p, "%s.seg/1/log", p4);
    fp = fopen(p, "r+b");
    assert_non_null(fp);
    fseek(fp, 7, SEEK_SET);
    fputc(4, fp);
    fclose(fp);
    s = open_store(p4);
    t = open_team(s, "blue");
    assert_int_equal(t->seg.v.format, 4);
    block_kinds(&t->seg.v, kinds, dicts, &n_dicts);
    assert_int_equal(kinds[SEG_BLK_LZ4D], 0);
    assert_int_equal(rows_read_back(t, recs, 200, &x, &bad), 400);
    for (unsigned i = 200; i < 2200; i++)
        assert_int_equal(sw_store_append(t, recs[i], strlen(recs[i]), NULL, &err), SW_OK);
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    sw_store_team_close(t);
    sw_store_close(s);
    blob_t lb = slurp(p);
    assert_true(lb.n > SEG_HDR && lb.p[7] == 5);
    free(lb.p);
    s = open_store(p4);
    t = open_team(s, "blue");
    block_kinds(&t->seg.v, kinds, dicts, &n_dicts);
    assert_true(kinds[SEG_BLK_LZ4D] > 0);
    assert_int_equal(rows_read_back(t, recs, 2200, &x, &bad), 4400);
    sw_store_team_close(t);
    sw_store_close(s);

    for (unsigned i = 0; i < N; i++)
        free(recs[i]);
    free(recs);
}

static void copy_file(const char *from, const char *to)
{
    blob_t b = slurp(from);
    FILE *fp = fopen(to, "wb");
    assert_non_null(fp);
    fwrite(b.p, 1, b.n, fp);
    fclose(fp);
    free(b.p);
}

/* A log that is not the team's (another team's, another database's, not a
 * segment file, an old format) is refused, naming it; a derived file of
 * another team is rebuilt from the team's own log (a warning), never
 * read; a flipped byte inside the log is reported by the search that
 * needs those records, which still answers with the others. */
static void a_foreign_or_damaged_file_is_a_clear_error(void **state)
{
    fixture_t *f = *state;
    char path[128], other[128], p1[256], p2[256], bak[256];
    snprintf(path, sizeof path, "%s", new_path(f));
    snprintf(other, sizeof other, "%s", new_path(f));
    snprintf(bak, sizeof bak, "%s/log.bak", f->dir);
    sw_store_t *s = open_store(path);
    sw_store_team_t *a = open_team(s, "blue"), *b = open_team(s, "red");
    fill(a, 200, 1);
    fill(b, 200, 2);
    char *before = must_collect(a, "*");
    sw_store_team_close(a);
    sw_store_team_close(b);
    sw_store_t *s2 = open_store(other); /* another database, its own team 1 */
    sw_store_team_t *o = open_team(s2, "blue");
    fill(o, 50, 3);
    sw_store_team_close(o);
    sw_store_close(s2);
    sw_errbuf_t err;
    /* another team's ts in blue's directory: not read, rebuilt from blue's log */
    snprintf(p1, sizeof p1, "%s.seg/2/ts", path);
    snprintf(p2, sizeof p2, "%s.seg/1/ts", path);
    copy_file(p2, bak);
    copy_file(p1, p2);
    a = open_team(s, "blue");
    char *got = must_collect(a, "*");
    assert_string_equal(got, before);
    free(got);
    assert_non_null(sw_store_team_notice(a));
    assert_non_null(strstr(sw_store_team_notice(a), "ts (header damaged or foreign)"));
    sw_store_team_close(a);
    copy_file(bak, p2);
    /* another team's log: refused, named */
    snprintf(p1, sizeof p1, "%s.seg/2/log", path);
    snprintf(p2, sizeof p2, "%s.seg/1/log", path);
    copy_file(p2, bak);
    copy_file(p1, p2);
    assert_int_equal(sw_store_team_open(s, "blue", 0, &a, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "'log' belongs to team 2, not to team 1"));
    /* another database's log of its team 1: refused, both stores named */
    snprintf(p1, sizeof p1, "%s.seg/1/log", other);
    copy_file(p1, p2);
    assert_int_equal(sw_store_team_open(s, "blue", 0, &a, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "belongs to the database of store id"));
    char ids[64];
    snprintf(ids, sizeof ids, "(store id %012llx)", (unsigned long long)s->store_id);
    assert_non_null(strstr(err.msg, ids));
    /* not a segment file at all */
    FILE *fp = fopen(p2, "wb");
    fwrite("SQLite format 3\0 and then some more bytes", 1, 40, fp);
    fclose(fp);
    assert_int_equal(sw_store_team_open(s, "blue", 0, &a, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "not a seawall segment file"));
    /* a store from before the packed log (format 1): refused, saying so */
    copy_file(bak, p2);
    fp = fopen(p2, "r+b");
    fseek(fp, 7, SEEK_SET);
    fputc(1, fp);
    fclose(fp);
    assert_int_equal(sw_store_team_open(s, "blue", 0, &a, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "'log' is in format 1; this seawall reads formats 2 to 5"));
    /* a flipped byte inside an early record: the search that needs it
     * says which records it could not read, and answers with the others */
    copy_file(bak, p2);
    fp = fopen(p2, "r+b");
    fseek(fp, SEG_HDR + 20, SEEK_SET);
    fputc('#', fp);
    fclose(fp);
    assert_int_equal(sw_store_team_open(s, "blue", 0, &a, &err), SW_OK);
    assert_null(sw_store_team_notice(a));
    int rc;
    char *rows = NULL;
    sw_query_t q;
    sw_query_opts_t qo = {0};
    assert_int_equal(sw_query_parse(&q, "*", 1, &qo, &err), SW_OK);
    sw_buf_t out;
    sw_buf_init(&out, 1 << 26);
    rc = sw_store_search(a, &q, collect_cb, &out, &err);
    sw_query_free(&q);
    assert_int_equal(rc, SW_EIO);
    assert_non_null(strstr(err.msg, "could not be read"));
    assert_non_null(strstr(err.msg, "between 1 and"));
    rows = strdup(sw_buf_str(&out));
    sw_buf_free(&out);
    size_t lines = 0;
    for (const char *c = rows; *c; c++)
        lines += *c == '\n';
    if (lines < 100 || lines >= 200)
        fail_msg("%zu records came back: %s", lines, err.msg);
    free(rows);
    /* an aggregate over the index does not read records: it still answers */
    got = must_collect(a, "* | count");
    assert_string_equal(got, " 0 =200\n");
    free(got);
    sw_store_team_close(a);
    sw_store_close(s);
    unlink(bak);
    free(before);
}

/* An index piece that is damaged, cut short, of another team or of rows
 * that were cut and written again is never used: its rows are indexed
 * again from the log, the answer is the one a fresh index gives, and the
 * piece is written back sound. */
static void a_damaged_index_piece_is_rebuilt_not_believed(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    uint64_t sid = s->store_id;
    sw_store_team_t *a = open_team(s, "blue"), *b = open_team(s, "red");
    a->idx_piece = b->idx_piece = 64;
    fill(a, 400, 1);
    fill(b, 200, 2);
    const char *qs[] = {"* | top 5 User", "EventID:1 | count", "CommandLine:*ntdsutil*", "echo",
                        "host.name:h2 | count"};
    char *before[5];
    for (size_t i = 0; i < 5; i++)
        before[i] = must_collect(a, qs[i]);
    sw_store_team_close(a);
    sw_store_team_close(b);
    sw_store_close(s);
    char p1[256], p2[256];
    struct stat st;
    /* every byte of one piece's data changed in turn would be slow: flip
     * bytes spread over the file, each in a fresh copy */
    snprintf(p1, sizeof p1, "%s.seg/1/idx.128", path);
    assert_int_equal(stat(p1, &st), 0);
    size_t len = (size_t)st.st_size;
    uint8_t *orig = malloc(len);
    FILE *fp = fopen(p1, "rb");
    assert_int_equal(fread(orig, 1, len, fp), len);
    fclose(fp);
    for (size_t at = 7; at < len; at += len / 23 + 1) {
        fp = fopen(p1, "wb");
        for (size_t i = 0; i < len; i++)
            fputc(i == at ? orig[i] ^ 0x10 : orig[i], fp);
        fclose(fp);
        s = open_store(path);
        a = open_team(s, "blue");
        a->idx_piece = 64;
        for (size_t i = 0; i < 5; i++) {
            char *got = must_collect(a, qs[i]);
            if (strcmp(got, before[i]))
                fail_msg("byte %zu changed: %s differs", at, qs[i]);
            free(got);
        }
        sw_store_team_close(a);
        sw_store_close(s);
    }
    /* a byte of EventID's postings changed (a query reads them; postings
     * are checked when first read): found, rebuilt, written back sound */
    uint64_t post_off;
    memcpy(&post_off, orig + IDX_HDR + IDX_S_POST * 24, 8);
    idx_piece_t pc;
    assert_int_equal(idx_piece_open(&pc, orig, len, 1, sid), SW_OK);
    size_t at = SIZE_MAX;
    for (uint32_t k = 0; k < pc.n_fields; k++)
        if (strcmp(pc.names + pc.fields[k].name_off, "EventID") == 0 &&
            pc.fields[k].v1 > pc.fields[k].v0)
            at = post_off + 2 * idx_post_start(&pc, pc.fields[k].v0);
    free(pc.fchecked);
    assert_true(at < len);
    fp = fopen(p1, "wb");
    for (size_t i = 0; i < len; i++)
        fputc(i == at ? orig[i] ^ 0x01 : orig[i], fp);
    fclose(fp);
    s = open_store(path);
    a = open_team(s, "blue");
    a->idx_piece = 64;
    for (size_t i = 0; i < 5; i++) {
        char *got = must_collect(a, qs[i]);
        assert_string_equal(got, before[i]);
        free(got);
    }
    sw_store_team_close(a);
    sw_store_close(s);
    {
        fp = fopen(p1, "rb");
        uint8_t *now = malloc(len + 1);
        size_t got_len = fread(now, 1, len + 1, fp);
        fclose(fp);
        if (got_len != len || memcmp(now, orig, len))
            fail_msg("the damaged piece was not written back");
        free(now);
    }
    /* another team's piece in its place */
    snprintf(p2, sizeof p2, "%s.seg/2/idx.128", path);
    fp = fopen(p2, "rb");
    assert_non_null(fp);
    FILE *out = fopen(p1, "wb");
    int c;
    while ((c = fgetc(fp)) != EOF)
        fputc(c, out);
    fclose(fp);
    fclose(out);
    s = open_store(path);
    a = open_team(s, "blue");
    a->idx_piece = 64;
    for (size_t i = 0; i < 5; i++) {
        char *got = must_collect(a, qs[i]);
        assert_string_equal(got, before[i]);
        free(got);
        free(before[i]);
    }
    free(orig);
    sw_store_team_close(a);
    sw_store_close(s);
}

/* ---- a block's checksum, once a process ----------------------------------------- */

/* A committed block's checksum is checked the first time a process
 * unpacks it, not on every hunt (seg_block): a byte of the log changed
 * under an open handle, after every block was read once, still makes the
 * next hunt that needs the block report its records unreadable (each
 * record's own checksum), never return them changed. */
static void a_log_damaged_under_an_open_handle_is_still_reported(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    fill(t, 3000, 11);
    sw_errbuf_t err;
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    char *before = must_collect(t, "*"); /* every block unpacked and checked once */
    char lp[256];
    snprintf(lp, sizeof lp, "%s.seg/1/log", path);
    blob_t log = slurp(lp);
    assert_true(log.n > 20000);
    FILE *fp = fopen(lp, "r+b"); /* a byte a quarter in: an early block's */
    assert_non_null(fp);
    fseek(fp, (long)(log.n / 4), SEEK_SET);
    fputc(log.p[log.n / 4] ^ 0x5a, fp);
    fclose(fp);
    int rc;
    char *after = collect(t, "*", &rc, &err); /* the same handle */
    assert_null(after);
    assert_int_equal(rc, SW_EIO);
    if (!strstr(err.msg, "could not be read"))
        fail_msg("%s", err.msg);
    free(before);
    free(log.p);
    sw_store_team_close(t);
    sw_store_close(s);
}

/* ---- records in time order, a page at a time ------------------------------------ */

/* One "id ts" per record line of a collect() answer into ids/ts: the count. */
static size_t parse_rows(const char *text, long long *ids, long long *ts, size_t cap)
{
    size_t n = 0;
    for (const char *p = text; *p && n < cap; n++) {
        if (sscanf(p, "%lld %lld", &ids[n], &ts[n]) != 2)
            fail_msg("not a record line: %.80s", p);
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
    return n;
}

/* Two sources appended one after the other over the same hour (as a file
 * of each source's records joined end to end): the index pieces overlap in
 * time. A hunt still hands over its records by time, then arrival, and one
 * that stops after a page evaluates only the pieces that page needs: a
 * damaged piece of the hour's end is not even read for the first records
 * (its bytes stay as damaged), and is rebuilt by the hunt that needs it. */
static void a_hunt_hands_records_over_in_time_order_and_a_page_reads_only_its_pieces(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *a = open_team(s, "blue");
    a->idx_piece = 32;
    char rec[256];
    sw_errbuf_t err;
    for (unsigned i = 0; i < 400; i++) { /* source a, then source b */
        unsigned k = i % 200, sec = k * 15 + (i >= 200 && k % 3 == 0 ? 0 : i / 200 * 7);
        int l = k % 50 == 17 ? snprintf(rec, sizeof rec, "{\"src\":\"%c\",\"n\":%u}",
                                        i < 200 ? 'a' : 'b', i) /* no time of its own */
                             : snprintf(rec, sizeof rec,
                                        "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\","
                                        "\"src\":\"%c\",\"n\":%u,\"msg\":\"hello %u\"}",
                                        sec / 60, sec % 60, i < 200 ? 'a' : 'b', i, i % 7);
        if (sw_store_append(a, rec, (size_t)l, NULL, &err))
            fail_msg("append %u: %s", i, err.msg);
    }
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    sw_store_team_close(a);
    sw_store_close(s);

    /* a byte of the value text of the piece of rows 160-191 (source a,
     * 09:40 to 09:47) changed: checked, so found, only when a query reads
     * that text */
    char pp[256];
    snprintf(pp, sizeof pp, "%s.seg/1/idx.160", path);
    blob_t orig = slurp(pp);
    assert_true(orig.n > IDX_HDR + IDX_NSEC * 24);
    uint64_t text_off;
    memcpy(&text_off, orig.p + IDX_HDR + IDX_S_TEXT * 24, 8);
    assert_true(text_off + 3 < orig.n);
    orig.p[text_off + 3] ^= 0x20;
    copy_blob(&orig, pp);

    s = open_store(path);
    a = open_team(s, "blue");
    a->idx_piece = 32;
    static long long ids[512], ts[512], ids2[512], ts2[512];
    const char *const qs[] = {"hello", "*", "src:b OR n:1?7", "NOT msg:*3*"};
    char *page = must_collect(a, "hello | head 5");
    assert_int_equal(parse_rows(page, ids2, ts2, 512), 5);
    blob_t now = slurp(pp);
    assert_true(now.n == orig.n && memcmp(now.p, orig.p, orig.n) == 0); /* not read */
    free(now.p);
    for (size_t qi = 0; qi < sizeof qs / sizeof qs[0]; qi++) {
        char *all = must_collect(a, qs[qi]);
        size_t n = parse_rows(all, ids, ts, 512);
        char cq[64];
        snprintf(cq, sizeof cq, "%s | count", qs[qi]);
        char *cnt = must_collect(a, cq);
        const char *eq = strchr(cnt, '=');
        assert_non_null(eq);
        assert_int_equal(n, strtoull(eq + 1, NULL, 10));
        assert_true(n > 20);
        for (size_t i = 1; i < n; i++)
            if (ts[i] < ts[i - 1] || (ts[i] == ts[i - 1] && ids[i] <= ids[i - 1]))
                fail_msg("%s: row %zu (%lld at %lld) after (%lld at %lld)", qs[qi], i, ids[i],
                         ts[i], ids[i - 1], ts[i - 1]);
        if (qi == 0) /* the page was the answer's first five */
            for (size_t i = 0; i < 5; i++)
                assert_true(ids[i] == ids2[i] && ts[i] == ts2[i]);
        char hq[64];
        snprintf(hq, sizeof hq, "%s | head 37", qs[qi]);
        char *head = must_collect(a, hq);
        assert_int_equal(parse_rows(head, ids2, ts2, 512), 37);
        for (size_t i = 0; i < 37; i++)
            assert_true(ids[i] == ids2[i] && ts[i] == ts2[i]);
        free(head);
        free(cnt);
        free(all);
    }
    now = slurp(pp); /* the whole answer read the piece: rebuilt, written back */
    assert_true(now.n > 0 && (now.n != orig.n || memcmp(now.p, orig.p, orig.n) != 0));
    free(now.p);
    free(orig.p);
    free(page);
    sw_store_team_close(a);
    sw_store_close(s);
}

/* ---- rows as bitmaps ---------------------------------------------------------- */

/* A value in more than one row of 16 keeps its rows as a bitmap, not a
 * list (evidx.h): the same records in pieces of 4 rows (lists only: a
 * bitmap of 4 rows is never smaller) and of 256 answer every aggregate the
 * same, and a value an array holds twice in a row stays a list, so its
 * count by counts both, as the evaluator's does. */
static void values_in_many_rows_are_bitmaps_and_answer_as_lists_do(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *lists = open_team(s, "blue"), *bms = open_team(s, "red");
    lists->idx_piece = 4;
    bms->idx_piece = 256;
    char rec[256];
    sw_errbuf_t err;
    for (unsigned i = 0; i < 700; i++) {
        int l = snprintf(rec, sizeof rec,
                         "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\",\"k\":\"common\","
                         "\"tags\":[\"d\",\"d\",\"e%u\"],\"n\":%u,\"host\":\"h%u\"%s}",
                         i / 60 % 60, i % 60, i % 2, i % 3, i % 50,
                         i % 7 == 0 ? ",\"rare\":\"r\"" : "");
        if (sw_store_append(lists, rec, (size_t)l, NULL, &err) ||
            sw_store_append(bms, rec, (size_t)l, NULL, &err))
            fail_msg("append %u: %s", i, err.msg);
    }
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    static const char *const qs[] = {
        "k:common | count",        "* | count by tags",     "* | top 3 tags",
        "tags:d | count",          "tags:e1 | count by n",  "n:1 AND k:common | count",
        "host:h1 | count by n",    "_exists_:rare | count", "NOT n:2 | count by k",
        "* | histogram 1m",        "common | count",        "k:comm* | count by host",
        "e0 OR rare | count by n", "NOT tags:d | count",
    };
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        char *a = must_collect(lists, qs[i]), *b = must_collect(bms, qs[i]);
        if (strcmp(a, b) != 0)
            fail_msg("%s: bitmaps answer\n%.300s\nlists answer\n%.300s", qs[i], b, a);
        if (i == 1 && !strstr(a, "d 0 =1400")) /* twice a record */
            fail_msg("count by tags: %s", a);
        free(a);
        free(b);
    }
    sw_store_team_close(lists);
    sw_store_team_close(bms);
    sw_store_close(s);
    /* the piece of the first 256 rows: k's and n's values are bitmaps,
     * tags' "d" (twice a row) and host's values (1 row of 50) lists */
    char pp[256];
    snprintf(pp, sizeof pp, "%s.seg/2/idx.0", path);
    blob_t b = slurp(pp);
    uint64_t sid;
    memcpy(&sid, b.p + 16, 8);
    idx_piece_t pc;
    assert_int_equal(idx_piece_open(&pc, b.p, b.n, 2, sid), SW_OK);
    unsigned bitmaps = 0, lists_seen = 0;
    for (uint32_t k = 0; k < pc.n_fields; k++) {
        const idx_field_t *x = &pc.fields[k];
        assert_int_equal(idx_post_check(&pc, k), SW_OK);
        const char *name = pc.names + x->name_off;
        for (uint32_t v = x->v0; v < x->v1; v++) {
            int bm = idx_post_bitmap(&pc, v) != NULL;
            const char *val = pc.text + pc.values[v].text_off;
            if (!strcmp(name, "k") || !strcmp(name, "n") ||
                (!strcmp(name, "tags") && *val == 'e')) {
                assert_true(bm);
                bitmaps++;
            }
            if (!strcmp(name, "host") || (!strcmp(name, "tags") && *val == 'd')) {
                assert_false(bm);
                lists_seen++;
            }
        }
    }
    assert_int_equal(bitmaps, 1 + 3 + 2);
    assert_int_equal(lists_seen, 50 + 1);
    free(pc.fchecked);
    free(b.p);
}

/* ---- equality ------------------------------------------------------------------- */

/* field:value finds its value by the 16 bits of hash a piece keeps of each
 * value, then its text: the value itself in any case, never the longer
 * values holding it, in the letter values and the digit ones, in pieces of
 * 64 rows and in the tail. */
static void an_equality_finds_its_value_and_not_the_longer_ones(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    t->idx_piece = 64;
    static const char *const hosts[] = {"ab", "AB", "xab", "abx", "a", "b", "Ab\\\\c"};
    static const char *const ports[] = {"443", "4431", "1443", "44", "3"};
    char rec[200];
    sw_errbuf_t err;
    for (unsigned i = 0; i < 300; i++) {
        int l =
            snprintf(rec, sizeof rec,
                     "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\",\"host\":\"%s\",\"port\":%s}",
                     i / 60 % 60, i % 60, hosts[i % 7], ports[i % 5]);
        if (sw_store_append(t, rec, (size_t)l, NULL, &err))
            fail_msg("append: %s", err.msg);
    }
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    static const struct {
        const char *q;
        const char *want;
    } cases[] = {
        {"host:ab | count", " 0 =86\n"}, /* "ab" and "AB": i % 7 of 0 and 1 */
        {"host:AB | count", " 0 =86\n"}, /* the case the query is written in */
        {"host:xab | count", " 0 =43\n"},     {"host:a | count", " 0 =43\n"},
        {"host:ab\\\\c | count", " 0 =42\n"}, {"host:abc | count", " 0 =0\n"},
        {"port:443 | count", " 0 =60\n"},     {"port:44 | count", " 0 =60\n"},
        {"port:4a | count", " 0 =0\n"},       {"host:ab AND port:3 | count", " 0 =17\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = must_collect(t, cases[i].q);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s: got '%s', want '%s'", cases[i].q, got, cases[i].want);
        free(got);
    }
    sw_store_team_close(t);
    sw_store_close(s);
}

/* ---- an OR of many free-text terms --------------------------------------------- */

/* An OR of 4 or more free-text terms scans each field's text once, 4 KB at
 * a time, for all its literals (evmatch.c, eval_or_scan): with terms taken
 * from anywhere in long values, hundreds of them straddle those 4 KB, and
 * the OR still counts what the evaluator counts record by record. */
static void an_or_of_many_terms_counts_what_the_evaluator_does(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    t->idx_piece = 512;
    enum { NR = 1500 };
    static char msgs[NR][128], recs[NR][200];
    uint64_t r = 99;
    sw_errbuf_t err;
    for (unsigned i = 0; i < NR; i++) {
        size_t n = 60 + (size_t)(lcg(&r) % 60);
        for (size_t k = 0; k < n; k++)
            msgs[i][k] = (char)('a' + lcg(&r) % 6); /* few letters: terms match elsewhere too */
        msgs[i][n] = 0;
        int l = snprintf(recs[i], sizeof recs[i],
                         "{\"@timestamp\":\"2026-02-10T09:%02u:%02uZ\",\"msg\":\"%s\"}",
                         i / 60 % 60, i % 60, msgs[i]);
        if (sw_store_append(t, recs[i], (size_t)l, NULL, &err))
            fail_msg("append: %s", err.msg);
    }
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    /* where the 4 KB of the first piece's msg text begin: its values lie
     * one after another, NUL-ended, in the order they came (the piece file
     * says so); terms that begin 1 to 3 bytes before such a place have
     * too little of them in the 4 KB before it to be seen there */
    char pp[256];
    snprintf(pp, sizeof pp, "%s.seg/1/idx.0", path);
    blob_t pb = slurp(pp);
    uint64_t sid;
    memcpy(&sid, pb.p + 16, 8);
    idx_piece_t pc;
    assert_int_equal(idx_piece_open(&pc, pb.p, pb.n, 1, sid), SW_OK);
    int fm = -1;
    for (uint32_t k = 0; k < pc.n_fields; k++)
        if (!strcmp(pc.names + pc.fields[k].name_off, "msg"))
            fm = (int)k;
    assert_true(fm >= 0);
    const idx_field_t *xm = &pc.fields[fm];
    assert_int_equal(xm->v1 - xm->v0, 512);
    char edge[64][24];
    size_t n_edge = 0, off = xm->text0;
    for (unsigned i = 0; i < 512; i++) {
        size_t len = strlen(msgs[i]);
        assert_int_equal(pc.values[xm->v0 + i].text_off, off); /* the layout assumed */
        for (size_t b = (off - xm->text0) / 4096 * 4096 + 4096 + xm->text0; b < off + len;
             b += 4096)
            for (size_t k = 1; k <= 3 && n_edge < 64; k++)
                if (b - k >= off && b - k + 20 <= off + len)
                    snprintf(edge[n_edge++], sizeof edge[0], "%.20s", msgs[i] + (b - k - off));
        off += len + 1;
    }
    assert_true(n_edge >= 12);
    free(pc.fchecked);
    free(pb.p);
    sw_event_t ev;
    sw_event_init(&ev);
    for (int qi = 0; qi < 400; qi++) {
        char qs[512];
        size_t ql = 0;
        for (int k = 0; k < 5; k++) { /* a piece of some record's value, or of the edges */
            if (k == 0 && (size_t)qi < n_edge) {
                ql += (size_t)snprintf(qs + ql, sizeof qs - ql, "%s", edge[qi]);
                continue;
            }
            const char *m = msgs[lcg(&r) % NR];
            size_t len = strlen(m), tl = 12 + (size_t)(lcg(&r) % 30), at = lcg(&r) % (len - tl);
            ql += (size_t)snprintf(qs + ql, sizeof qs - ql, "%s%.*s", k ? " OR " : "", (int)tl,
                                   m + at);
        }
        sw_query_t q;
        sw_query_opts_t o = {0};
        if (sw_query_parse(&q, qs, ql, &o, &err))
            fail_msg("%s: %s", qs, err.msg);
        unsigned want = 0;
        for (unsigned i = 0; i < NR; i++) {
            sw_event_clear(&ev);
            assert_int_equal(sw_event_parse(&ev, recs[i], strlen(recs[i]), &err), SW_OK);
            want += (unsigned)sw_query_match(&q, &ev);
        }
        sw_query_free(&q);
        snprintf(qs + ql, sizeof qs - ql, " | count");
        char *got = must_collect(t, qs);
        const char *eq = strchr(got, '=');
        unsigned have = eq ? (unsigned)strtoul(eq + 1, NULL, 10) : 0;
        if (have != want || want < 1)
            fail_msg("%s: the store counts %u, the evaluator %u", qs, have, want);
        free(got);
    }
    sw_event_free(&ev);
    sw_store_team_close(t);
    sw_store_close(s);
}

/* ---- two lanes ---------------------------------------------------------------- */

/* A search's pieces evaluated by two threads (evsearch.c, pieces_each)
 * answer exactly what one thread does, every kind of query, and a piece
 * found damaged by either thread is rebuilt and the answer unchanged. */
static void two_lanes_answer_as_one_and_rebuild_what_is_damaged(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *a = open_team(s, "blue");
    a->idx_piece = 64;
    fill(a, 3000, 7);
    sw_store_team_close(a);
    sw_store_close(s);
    static const char *const qs[] = {
        "*",
        "ntdsutil",
        "*cmd*",
        "echo OR ntdsutil OR dc1 OR h2 OR WS03", /* one automaton for the OR */
        "*a* | count",
        "x | count by host.name",
        "* | histogram 1m",
        "cmd | head 7",
        "EventID:4625 | top 10 IpAddress",
        "EventID:[1 TO 3] AND NOT Computer:dc1",
        "* | sort @timestamp desc | limit 5",
    };
    enum { NQ = sizeof qs / sizeof qs[0] };
    char *one[NQ];
    s = open_store(path);
    a = open_team(s, "blue");
    a->idx_piece = 64;
    a->lanes = -1;
    for (size_t i = 0; i < NQ; i++)
        one[i] = must_collect(a, qs[i]);
    for (int from = 1; from <= 4; from += 3) { /* the second thread from the start, or later */
        a->lanes = from;
        for (size_t i = 0; i < NQ; i++) {
            char *two = must_collect(a, qs[i]);
            if (strcmp(one[i], two) != 0)
                fail_msg("%s: two lanes from piece %d differ:\n--- one\n%.300s\n--- two\n%.300s",
                         qs[i], from, one[i], two);
            free(two);
        }
    }
    sw_store_team_close(a);
    sw_store_close(s);

    /* the value text of three pieces damaged: the first (this thread
     * evaluates it alone) and two the second thread may take */
    static const unsigned firsts[] = {0, 640, 1920};
    blob_t bad[3];
    char pp[256];
    for (int k = 0; k < 3; k++) {
        snprintf(pp, sizeof pp, "%s.seg/1/idx.%u", path, firsts[k]);
        bad[k] = slurp(pp);
        assert_true(bad[k].n > IDX_HDR + IDX_NSEC * 24);
        uint64_t text_off;
        memcpy(&text_off, bad[k].p + IDX_HDR + IDX_S_TEXT * 24, 8);
        assert_true(text_off + 1 < bad[k].n);
        bad[k].p[text_off + 1] ^= 0x04;
        copy_blob(&bad[k], pp);
    }
    s = open_store(path);
    a = open_team(s, "blue");
    a->idx_piece = 64;
    a->lanes = 1;
    for (size_t i = 0; i < NQ; i++) {
        char *two = must_collect(a, qs[i]);
        if (strcmp(one[i], two) != 0)
            fail_msg("%s: two lanes over damaged pieces differ:\n--- one\n%.300s\n--- two\n%.300s",
                     qs[i], one[i], two);
        free(two);
    }
    for (int k = 0; k < 3; k++) { /* found, rebuilt, written back */
        snprintf(pp, sizeof pp, "%s.seg/1/idx.%u", path, firsts[k]);
        blob_t now = slurp(pp);
        assert_true(now.n > 0 && (now.n != bad[k].n || memcmp(now.p, bad[k].p, now.n) != 0));
        free(now.p);
        free(bad[k].p);
    }
    for (size_t i = 0; i < NQ; i++)
        free(one[i]);
    sw_store_team_close(a);
    sw_store_close(s);
}

/* ---- front-coded digit values -------------------------------------------------- */

/* Record i of a team whose digit values exercise the front coding (format
 * 6, evidx.h): times in order sharing long starts, record ids, a value of
 * digits sharing 0 to 320 bytes with the one before (past 255: the shared
 * length is a u8), empty values, a field of digit values only. */
static int fc_gen(uint64_t *x, unsigned i, char *out, size_t cap, char *lng, size_t lcap)
{
    size_t k = (size_t)(lcg(x) % 321), n = 0;
    for (; n < k && n + 1 < lcap; n++)
        lng[n] = (char)('0' + (n % 7)); /* a start common to all */
    n += (size_t)snprintf(lng + n, lcap - n, "%u", i * 7919u % 100003u);
    return snprintf(out, cap,
                    "{\"@timestamp\":\"2026-03-04T03:%02u:%02uZ\",\"UtcTime\":"
                    "\"2026-03-04 03:%02u:%02u.%03u\",\"EventRecordID\":%u,\"port\":%u,"
                    "\"long\":\"%s\",\"opt\":\"%s\",\"host\":\"h%u\"}",
                    i / 60 % 60, i % 60, i / 60 % 60, i % 60, i * 37 % 1000, 1000000 + i,
                    (unsigned)(lcg(x) % 70000), lng, i % 5 ? "" : "7", i % 9);
}

/* Each line of text without its first word (a record's id), in place. */
static void fc_drop_ids(char *text)
{
    char *w = text;
    for (const char *r = text; *r;) {
        const char *sp = strchr(r, ' '), *nl = strchr(r, '\n');
        if (!nl)
            nl = r + strlen(r);
        if (sp && sp < nl)
            r = sp + 1;
        size_t n = (size_t)(nl - r) + (*nl ? 1 : 0);
        memmove(w, r, n);
        w += n;
        r += n;
    }
    *w = '\0';
}

/* What the store counts for q, and what the evaluator counts record by
 * record. */
static void fc_count(sw_store_team_t *t, const char *q, char **recs, unsigned nr, unsigned *have,
                     unsigned *want)
{
    sw_query_t qq;
    sw_query_opts_t o = {0};
    sw_errbuf_t err;
    sw_event_t ev;
    sw_event_init(&ev);
    if (sw_query_parse(&qq, q, strlen(q), &o, &err))
        fail_msg("%s: %s", q, err.msg);
    *want = 0;
    for (unsigned i = 0; i < nr; i++) {
        sw_event_clear(&ev);
        assert_int_equal(sw_event_parse(&ev, recs[i], strlen(recs[i]), &err), SW_OK);
        *want += (unsigned)sw_query_match(&qq, &ev);
    }
    sw_query_free(&qq);
    sw_event_free(&ev);
    char qs[600];
    snprintf(qs, sizeof qs, "%s | count", q);
    char *got = must_collect(t, qs);
    const char *eq = strchr(got, '=');
    *have = eq ? (unsigned)strtoul(eq + 1, NULL, 10) : 0;
    free(got);
}

/* A number range counts what the evaluator counts, whatever shape the
 * values have: the index reads a plain integer of up to 8 digits as one
 * word, a longer or signed one digit by digit, and leaves every other
 * shape (a fraction, an exponent, 16 digits, text) to the matcher; a
 * value at the end of a piece's text (fewer than 8 bytes after it) takes
 * the byte loop. Fractional, open and huge bounds are rounded as the
 * matcher compares. */
static void a_number_range_counts_what_the_evaluator_does(void **state)
{
    fixture_t *f = *state;
    sw_store_t *s = open_store(new_path(f));
    sw_store_team_t *t = open_team(s, "r");
    t->idx_piece = 64;
    static const char *const shapes[] = {
        "0",
        "-0",
        "007",
        "00000000",
        "99999999",
        "100000000",
        "12345678",
        "-1234567",
        "123456789012345",
        "1234567890123456",
        "-9",
        "1.5",
        "59999.5",
        "1e3",
        "6e4",
        "+5",
        " 5",
        "5 ",
        "",
        "-",
        "abc",
        "12a",
        "0x10",
        "60000",
        "60001",
        "59999",
        "4294967295",
        "4294967296",
        "18446744073709551616",
        "60:00",
        "6000/",
        "6000?",
        "-123456789012345",
        "1234567a",
        "99999999999999999999",
    };
    enum { NS = sizeof shapes / sizeof shapes[0], NR = 1500 };
    static char *recs[NR];
    uint64_t x = 11;
    sw_errbuf_t err;
    for (unsigned i = 0; i < NR; i++) {
        char v[40], rec[200];
        uint64_t r = lcg(&x);
        if (r % 3 == 0) /* a shape above */
            snprintf(v, sizeof v, "%s", shapes[(r >> 8) % NS]);
        else { /* a whole number of 1 to 16 digits, some negative */
            uint64_t w = (r >> 8) % 10000000000000000ull;
            for (unsigned d = (unsigned)(r >> 60) % 16; d; d--)
                w /= 10;
            snprintf(v, sizeof v, "%s%llu", (r >> 4) % 7 ? "" : "-", (unsigned long long)w);
        }
        int l = snprintf(rec, sizeof rec, "{\"n\":\"%s\",\"port\":%u,\"i\":%u}", v,
                         (unsigned)(lcg(&x) % 65536), i);
        recs[i] = strdup(rec);
        if (sw_store_append(t, rec, (size_t)l, NULL, &err))
            fail_msg("append %u: %s", i, err.msg);
    }
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    static const char *const qs[] = {
        "n:>60000",
        "n:>=60000",
        "n:<60000",
        "n:[59999 TO 60001]",
        "n:{59999 TO 60001}",
        "n:>59999.5",
        "n:<=59999.5",
        "n:>=59999.5",
        "n:{-0.5 TO 59999.5}",
        "n:<-5",
        "n:[-10 TO 10]",
        "n:[-0.5 TO 0.5]",
        "n:>99999999",
        "n:[12345678 TO 12345678]",
        "n:>=100000000",
        "n:>123456789012344",
        "n:[-1234567 TO -1234567]",
        "n:<1e300",
        "n:>-1e300",
        "n:[1000 TO *]",
        "port:>60000",
        "port:[1 TO 1023}",
        "port:<=32767 AND n:>0",
    };
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        unsigned have, want;
        fc_count(t, qs[i], recs, NR, &have, &want);
        if (have != want)
            fail_msg("%s: the store counts %u, the evaluator %u", qs[i], have, want);
        if (!want || want == NR)
            fail_msg("%s matches %u of %u: the case tests nothing", qs[i], want, NR);
    }
    for (unsigned i = 0; i < NR; i++)
        free(recs[i]);
    sw_store_team_close(t);
    sw_store_close(s);
}

/* Hunts and aggregates over front-coded digit values count what the
 * evaluator counts, the same in pieces of 4, 64 and 256 rows (restarts
 * every 16 values, or none), in the tail, and with two lanes; every value
 * an aggregate prints is the one the record carried. */
static void front_coded_digit_values_answer_as_the_evaluator_does(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    enum { NR = 1000 };
    static const size_t sizes[] = {4, 64, 256};
    sw_store_team_t *t[3];
    static char *recs[NR], *lngs[NR];
    uint64_t x = 5;
    sw_errbuf_t err;
    for (int k = 0; k < 3; k++) {
        char name[16];
        snprintf(name, sizeof name, "t%d", k);
        t[k] = open_team(s, name);
        t[k]->idx_piece = sizes[k];
    }
    for (unsigned i = 0; i < NR; i++) {
        char rec[1024], lng[400];
        int l = fc_gen(&x, i, rec, sizeof rec, lng, sizeof lng);
        recs[i] = strdup(rec);
        lngs[i] = strdup(lng);
        for (int k = 0; k < 3; k++)
            if (sw_store_append(t[k], rec, (size_t)l, NULL, &err))
                fail_msg("append %u: %s", i, err.msg);
        if (i == 700) /* rows past it stay in the tail (a piece of 256: in memory) */
            assert_int_equal(sw_store_flush(s, &err), SW_OK);
    }
    /* equality on a value at a restart (row 64 + 16 of a 64-row piece is
     * its field's value 16) and on one just before */
    char eq_at[64], eq_before[64], eq_tail[64];
    snprintf(eq_at, sizeof eq_at, "EventRecordID:%u", 1000000 + 64 + 16);
    snprintf(eq_before, sizeof eq_before, "EventRecordID:%u", 1000000 + 64 + 15);
    snprintf(eq_tail, sizeof eq_tail, "EventRecordID:%u", 1000000 + 990);
    char long_eq[420], long_glob[420];
    snprintf(long_eq, sizeof long_eq, "long:%s", lngs[321]);
    snprintf(long_glob, sizeof long_glob, "long:%.*s*", 270, lngs[0]);
    const char *qs[] = {
        "\"10:5\"",            /* spans the shared start and the rest */
        "\"03:10:51\"",        /* a whole time in free text */
        "\"2026-03-04 03:1\"", /* in the shared start only */
        "*03\\:0?\\:5*",       /* a wildcard with a digit literal */
        eq_at,
        eq_before,
        eq_tail,
        "EventRecordID:[1000100 TO 1000200]",
        "port:>50000",
        "port:[100 TO 999] OR port:4",
        "UtcTime:2026-03-04\\ 03:1*", /* a glob of digits */
        "long:*",
        long_eq,
        long_glob,
        "opt:\"\"",
        "NOT opt:7",
        "host:h3 AND 51",
        "77 OR 88 OR 00 OR 999 OR \"03:07:07\"", /* an OR's automaton */
        "_exists_:opt",
    };
    enum { NQ = sizeof qs / sizeof qs[0] };
    for (size_t i = 0; i < NQ; i++) {
        unsigned want = 0;
        for (int k = 0; k < 3; k++) {
            unsigned have, w;
            fc_count(t[k], qs[i], recs, NR, &have, &w);
            if (have != w)
                fail_msg("%s, pieces of %zu: the store counts %u, the evaluator %u", qs[i],
                         sizes[k], have, w);
            want = w;
        }
        if (!want && i < 14)
            fail_msg("%s matches nothing: the case tests nothing", qs[i]);
    }
    static const char *const aggs[] = {
        "* | count by long",  "* | top 5 EventRecordID",  "port:>60000 | count by UtcTime",
        "* | count by opt",   "\"10:5\" | count by port", "* | sort @timestamp desc | limit 3",
        "51 | count by host",
    };
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++) {
        char *a[3];
        for (int k = 0; k < 3; k++)
            a[k] = must_collect(t[k], aggs[i]);
        t[1]->lanes = 1;
        char *two = must_collect(t[1], aggs[i]);
        t[1]->lanes = 0;
        if (i == 5) /* records: their ids carry the team's, the rest must agree */
            for (int k = 0; k < 3; k++)
                fc_drop_ids(a[k]);
        if (i == 5)
            fc_drop_ids(two);
        for (int k = 1; k < 3; k++)
            if (strcmp(a[0], a[k]) != 0)
                fail_msg("%s: pieces of %zu answer\n%.300s\npieces of 4\n%.300s", aggs[i], sizes[k],
                         a[k], a[0]);
        if (strcmp(a[0], two) != 0)
            fail_msg("%s: two lanes answer\n%.300s\none\n%.300s", aggs[i], two, a[0]);
        if (i == 0) /* every record's long value, as it was written */
            for (unsigned r = 0; r < NR; r++) {
                char want[420];
                snprintf(want, sizeof want, "%s 0 =", lngs[r]);
                const char *at = strstr(a[0], want);
                if (!at || (at != a[0] && at[-1] != '\n'))
                    fail_msg("count by long: no group '%s'", lngs[r]);
            }
        if (i == 3 && !strstr(a[0], "\n0 =800\n") && strncmp(a[0], " 0 =800\n", 8) != 0)
            fail_msg("count by opt: the empty value: %s", a[0]);
        for (int k = 0; k < 3; k++)
            free(a[k]);
        free(two);
    }
    for (int k = 0; k < 3; k++)
        sw_store_team_close(t[k]);
    sw_store_close(s);
    for (unsigned i = 0; i < NR; i++) {
        free(recs[i]);
        free(lngs[i]);
    }
    /* the cases above met both layouts of digit values: front-coded
     * (record ids, times, the long values) and as they are (ports: too
     * little shared) */
    char pp[256];
    snprintf(pp, sizeof pp, "%s.seg/2/idx.64", path);
    blob_t pb = slurp(pp);
    uint64_t sid;
    memcpy(&sid, pb.p + 16, 8);
    idx_piece_t pc;
    assert_int_equal(idx_piece_open(&pc, pb.p, pb.n, 2, sid), SW_OK);
    int seen = 0;
    for (uint32_t k = 0; k < pc.n_fields; k++) {
        const idx_field_t *fx = &pc.fields[k];
        const char *name = pc.names + fx->name_off;
        if (!strcmp(name, "EventRecordID") || !strcmp(name, "UtcTime") || !strcmp(name, "long")) {
            seen += fx->dcoded ? 1 : 100;
            assert_true(fx->v1 - fx->vb > IDX_FC_RESTART); /* past a restart */
        }
        if (!strcmp(name, "port"))
            seen += fx->dcoded ? 100 : 10;
    }
    assert_int_equal(seen, 13);
    free(pc.fchecked);
    free(pb.p);
}

/* Value v's coded entry in piece b (the field named name) changed to
 * shared length sh, and every checksum made right again: only the coding's
 * own bounds can tell. Returns the value's text as the record had it. */
static void fc_damage(blob_t *b, const char *name, uint32_t i, uint8_t sh)
{
    uint64_t sid;
    memcpy(&sid, b->p + 16, 8);
    idx_piece_t pc;
    assert_int_equal(idx_piece_open(&pc, b->p, b->n, 1, sid), SW_OK);
    int fi = -1;
    for (uint32_t k = 0; k < pc.n_fields; k++)
        if (!strcmp(pc.names + pc.fields[k].name_off, name))
            fi = (int)k;
    assert_true(fi >= 0);
    idx_field_t *x = (idx_field_t *)(void *)(b->p + pc.sec_off[IDX_S_FIELDS]) + fi;
    assert_int_equal(x->vb, x->v0); /* digit values only, front-coded */
    assert_int_equal(x->dcoded, 1);
    assert_true(x->vb + i < x->v1);
    assert_int_equal(idx_field_check(&pc, (uint32_t)fi), SW_OK);
    /* the decoder reads the field as written, every value */
    idx_scratch_t sc = {0};
    assert_int_equal(idx_digits_decode(&pc, x, &sc), SW_OK);
    uint8_t *e = b->p + pc.sec_off[IDX_S_TEXT] + pc.values[x->vb + i].text_off;
    *e = sh;
    x->sum_text = idx_sum(pc.text + x->text0, x->text1 - x->text0);
    /* ... and the bad entry not, even before any check */
    assert_int_equal(idx_digits_decode(&pc, x, &sc), SW_EIO);
    const char *vs;
    uint32_t vl;
    assert_int_equal(idx_value_text(&pc, x, x->vb + i, &sc, &vs, &vl), SW_EIO);
    idx_scratch_free(&sc);
    uint32_t sum = idx_sum(b->p + pc.sec_off[IDX_S_FIELDS], pc.sec_len[IDX_S_FIELDS]);
    memcpy(b->p + IDX_HDR + IDX_S_FIELDS * 24 + 16, &sum, 4);
    uint32_t hs = idx_sum(b->p, 60) ^ idx_sum(b->p + IDX_HDR, IDX_NSEC * 24);
    memcpy(b->p + 60, &hs, 4);
    free(pc.fchecked);
    /* the checksums agree: open takes it, the field's check does not */
    assert_int_equal(idx_piece_open(&pc, b->p, b->n, 1, sid), SW_OK);
    assert_int_equal(idx_field_check(&pc, (uint32_t)fi), SW_EIO);
    free(pc.fchecked);
}

/* A coded entry that claims more shared bytes than the value before it
 * has, or a restart that claims any, with every checksum right: the piece
 * is rebuilt from the log, the answers those of the sound piece. */
static void a_damaged_coded_digit_value_is_rebuilt_not_believed(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *t = open_team(s, "blue");
    t->idx_piece = 64;
    char rec[256];
    sw_errbuf_t err;
    for (unsigned i = 0; i < 300; i++) {
        int l = snprintf(rec, sizeof rec,
                         "{\"@timestamp\":\"2026-03-04T03:%02u:%02uZ\",\"rid\":\"%u\"}",
                         i / 60 % 60, i % 60, 1000000 + i);
        if (sw_store_append(t, rec, (size_t)l, NULL, &err))
            fail_msg("append: %s", err.msg);
    }
    assert_int_equal(sw_store_flush(s, &err), SW_OK);
    static const char *const qs[] = {"rid:1000005 | count", "rid:1000016 | count",
                                     "rid:1000070 | count", "000 | count",
                                     "* | count by rid",    "rid:[1000003 TO 1000090] | count"};
    enum { NQ = sizeof qs / sizeof qs[0] };
    char *before[NQ];
    for (size_t i = 0; i < NQ; i++)
        before[i] = must_collect(t, qs[i]);
    assert_string_equal(before[0], " 0 =1\n");
    sw_store_team_close(t);
    sw_store_close(s);
    /* piece 0: value 5 claims 200 shared bytes (the one before has 7);
     * piece 64: value 16, a restart, claims 1 */
    char p0[256], p1[256];
    snprintf(p0, sizeof p0, "%s.seg/1/idx.0", path);
    snprintf(p1, sizeof p1, "%s.seg/1/idx.64", path);
    blob_t b0 = slurp(p0), b1 = slurp(p1);
    fc_damage(&b0, "rid", 5, 200);
    fc_damage(&b1, "rid", 16, 1);
    copy_blob(&b0, p0);
    copy_blob(&b1, p1);
    s = open_store(path);
    t = open_team(s, "blue");
    t->idx_piece = 64;
    for (size_t i = 0; i < NQ; i++) {
        char *after = must_collect(t, qs[i]);
        if (strcmp(before[i], after) != 0)
            fail_msg("%s over damaged pieces:\n%.300s\nsound:\n%.300s", qs[i], after, before[i]);
        free(after);
        free(before[i]);
    }
    blob_t n0 = slurp(p0), n1 = slurp(p1); /* rebuilt and written back */
    assert_true(n0.n != b0.n || memcmp(n0.p, b0.p, n0.n) != 0);
    assert_true(n1.n != b1.n || memcmp(n1.p, b1.p, n1.n) != 0);
    free(n0.p);
    free(n1.p);
    free(b0.p);
    free(b1.p);
    sw_store_team_close(t);
    sw_store_close(s);
}

static void a_team_reads_only_its_own_directory(void **state)
{
    fixture_t *f = *state;
    const char *path = new_path(f);
    sw_store_t *s = open_store(path);
    sw_store_team_t *a = open_team(s, "blue"), *b = open_team(s, "red");
    int64_t ida, idb;
    sw_errbuf_t err;
    const char *ra = "{\"EventID\":1,\"CommandLine\":\"blue only\"}";
    const char *rb = "{\"EventID\":1,\"CommandLine\":\"red only\"}";
    assert_int_equal(sw_store_append(a, ra, strlen(ra), &ida, &err), SW_OK);
    assert_int_equal(sw_store_append(b, rb, strlen(rb), &idb, &err), SW_OK);
    assert_true(ida != idb);
    char *got = must_collect(a, "only");
    assert_non_null(strstr(got, "blue only"));
    assert_null(strstr(got, "red only"));
    free(got);
    assert_string_equal(a->seg.dir + strlen(a->seg.dir) - 2, "/1");
    assert_string_equal(b->seg.dir + strlen(b->seg.dir) - 2, "/2");
    /* a's id through b's handle is not b's record */
    int64_t nid;
    assert_int_equal(sw_store_share(b, ida, a, &nid, &err), SW_ENOENT);
    sw_store_team_close(a);
    sw_store_team_close(b);
    sw_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reopen_reads_the_same_records_and_answers_the_same, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_torn_tail_is_cut_back_to_the_last_complete_record, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_record_bigger_than_a_block_unit_has_a_block_of_its_own,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_log_write_is_an_error_and_the_store_reopens, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            blocks_packed_with_a_dictionary_read_back_and_damage_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(a_foreign_or_damaged_file_is_a_clear_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_damaged_index_piece_is_rebuilt_not_believed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_team_reads_only_its_own_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(a_log_damaged_under_an_open_handle_is_still_reported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(two_lanes_answer_as_one_and_rebuild_what_is_damaged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(values_in_many_rows_are_bitmaps_and_answer_as_lists_do,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(front_coded_digit_values_answer_as_the_evaluator_does,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_damaged_coded_digit_value_is_rebuilt_not_believed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_number_range_counts_what_the_evaluator_does, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_or_of_many_terms_counts_what_the_evaluator_does, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_equality_finds_its_value_and_not_the_longer_ones, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            a_hunt_hands_records_over_in_time_order_and_a_page_reads_only_its_pieces, setup,
            teardown),
        cmocka_unit_test_setup_teardown(an_index_piece_of_rows_cut_and_rewritten_is_not_used, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(records_reach_other_readers_without_a_flush, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_older_team_is_read_and_upgraded_by_its_writer, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
