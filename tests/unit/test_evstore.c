/* test_evstore.c — store/evstore: the data-driven hunt cases through the store
 * (SQL path and in-memory columns must agree with the pure evaluator),
 * ordering by time, per-team isolation, explicit sharing, ground truth kept
 * out of every team-facing result, irregular (multi-valued) records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect/query.h"
#include "search_cases.h"
#include "store/evstore.h"
#include "store/evstore_int.h"

typedef struct fixture {
    char dir[64];
    char path[96];
    sw_store_t *s;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sw_evstore_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/events.db", f->dir);
    sw_errbuf_t err;
    if (sw_store_open(f->path, &f->s, &err))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    sw_store_close(f->s);
    char p[128];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir); /* the store and FILE.seg/ */
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static sw_store_team_t *team(fixture_t *f, const char *name)
{
    sw_store_team_t *t;
    sw_errbuf_t err;
    if (sw_store_team_open(f->s, name, 1, &t, &err))
        fail_msg("team %s: %s", name, err.msg);
    return t;
}

static void append(sw_store_team_t *t, const char *json, int64_t *id)
{
    sw_errbuf_t err;
    if (sw_store_append(t, json, strlen(json), id, &err))
        fail_msg("append %s: %s", json, err.msg);
}

/* Run text on t; render as the .tsv does; ids of the first records. */
static void hunt(sw_store_team_t *t, const char *text, char *got, size_t n, cases_out_t *out)
{
    sw_query_t q;
    sw_errbuf_t err;
    sw_query_opts_t o = {0};
    sw_query_parse_time(CASES_NOW, strlen(CASES_NOW), &o.now_ms);
    if (sw_query_parse(&q, text, strlen(text), &o, &err))
        fail_msg("%s: %s", text, err.msg);
    memset(out, 0, sizeof *out);
    sw_buf_init(&out->agg, 0);
    if (sw_store_search(t, &q, cases_row, out, &err))
        fail_msg("search %s: %s", text, err.msg);
    cases_render(&q, out, got, n);
    sw_buf_free(&out->agg);
    sw_query_free(&q);
}

static size_t hunt_count(sw_store_team_t *t, const char *text)
{
    char got[512];
    cases_out_t out;
    hunt(t, text, got, sizeof got, &out);
    return out.n_records;
}

/* All cases of queries.tsv; returns the number of failures. */
static size_t run_cases(sw_store_team_t *t, const char *pass)
{
    size_t n_q, failed = 0;
    char **qs = cases_lines(CASES_QUERIES, &n_q);
    assert_non_null(qs);
    for (size_t i = 0; i < n_q; i++) {
        if (qs[i][0] == '#' || !strchr(qs[i], '\t'))
            continue;
        char *tab = strrchr(qs[i], '\t');
        *tab = '\0';
        char got[512];
        cases_out_t out;
        hunt(t, qs[i], got, sizeof got, &out);
        if (strcmp(got, tab + 1) != 0) {
            print_error("[%s] %s\n  expected: %s\n  got:      %s\n", pass, qs[i], tab + 1, got);
            failed++;
        }
    }
    cases_free(qs, n_q);
    return failed;
}

static void ingest_cases(sw_store_team_t *t)
{
    size_t n;
    char **evs = cases_lines(CASES_EVENTS, &n);
    assert_non_null(evs);
    for (size_t i = 0; i < n; i++)
        append(t, evs[i], NULL);
    cases_free(evs, n);
}

static void store_agrees_with_the_evaluator_on_every_case(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *blue = team(f, "blue");
    sw_store_team_t *red = team(f, "red");
    /* red's records would change every blue count if they leaked */
    sw_store_team_t *green = team(f, "green"); /* the cases alone, for pass 4 */
    ingest_cases(red);
    ingest_cases(blue);
    ingest_cases(green);
    sw_store_team_close(green);
    append(red,
           "{\"@timestamp\":\"2026-02-10T09:30:00Z\",\"EventID\":4625,"
           "\"Computer\":\"dc01.moh.pw\",\"CommandLine\":\"ntdsutil x\"}",
           NULL);
    /* pass 1: a fresh handle (SQL first, columns built on the first
     * CommandLine query); pass 2: columns loaded, aggregates from memory */
    assert_int_equal(run_cases(blue, "cold"), 0);
    assert_int_equal(run_cases(blue, "warm"), 0);
    /* pass 3: records appended after the columns were built are seen */
    append(blue,
           "{\"@timestamp\":\"2026-02-10T09:40:00Z\",\"EventID\":1,"
           "\"Computer\":\"ws09\",\"CommandLine\":\"NTDSUTIL snapshot\"}",
           NULL);
    assert_int_equal(hunt_count(blue, "CommandLine:*ntdsutil*"), 2);
    char got[512];
    cases_out_t out;
    hunt(blue, "* | count", got, sizeof got, &out);
    assert_string_equal(got, "=17");
    sw_store_team_close(blue);
    sw_store_team_close(red);
    /* pass 4: another process's view — the store reopened, the columns and
     * token index read from the files (index files of 4 rows: several of
     * them and a tail) */
    sw_store_close(f->s);
    sw_errbuf_t err;
    assert_int_equal(sw_store_open(f->path, &f->s, &err), SW_OK);
    green = team(f, "green");
    green->idx_piece = 4;
    assert_int_equal(run_cases(green, "reopened"), 0);
    sw_store_team_close(green);
    green = team(f, "green");
    green->idx_piece = 4;
    assert_int_equal(run_cases(green, "index files"), 0);
    char tok[160];
    snprintf(tok, sizeof tok, "%s.seg/3/idx.8", f->path); /* written by the first reader */
    assert_int_equal(access(tok, R_OK), 0);
    sw_store_team_close(green);
}

static void records_come_back_in_time_order(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "blue");
    int64_t a, b, c, d;
    append(t, "{\"@timestamp\":\"2026-02-10T09:05:00Z\",\"n\":1}", &a);
    append(t, "{\"@timestamp\":\"2026-02-10T09:01:00Z\",\"n\":2}", &b);
    append(t, "{\"@timestamp\":\"2026-02-10T09:05:00Z\",\"n\":3}", &c);
    append(t, "{\"n\":4}", &d); /* no time: takes the previous record's */
    char got[64];
    cases_out_t out;
    hunt(t, "*", got, sizeof got, &out);
    assert_int_equal(out.n_ids, 4);
    assert_int_equal(out.ids[0], b);
    assert_int_equal(out.ids[1], a);
    assert_int_equal(out.ids[2], c);
    assert_int_equal(out.ids[3], d);
    hunt(t, "* | sort n desc | limit 1", got, sizeof got, &out);
    assert_int_equal(out.ids[0], d);
    sw_store_team_close(t);
}

static void a_team_cannot_see_another_teams_records(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *a = team(f, "palau");
    sw_store_team_t *b = team(f, "nauru");
    int64_t bid;
    append(b,
           "{\"@timestamp\":\"2026-02-10T09:00:00Z\",\"EventID\":1102,\"Computer\":\"dc01\","
           "\"CommandLine\":\"wevtutil cl Security\"}",
           &bid);
    append(a, "{\"@timestamp\":\"2026-02-10T09:00:00Z\",\"EventID\":4624,\"Computer\":\"dc01\"}",
           NULL);
    /* every path: SQL index, free text, columns, aggregates */
    assert_int_equal(hunt_count(a, "EventID:1102"), 0);
    assert_int_equal(hunt_count(a, "wevtutil"), 0);
    assert_int_equal(hunt_count(a, "CommandLine:*wevtutil*"), 0);
    assert_int_equal(hunt_count(a, "Computer:dc01"), 1);
    char got[64];
    cases_out_t out;
    hunt(a, "* | count", got, sizeof got, &out);
    assert_string_equal(got, "=1");
    hunt(a, "* | top 5 EventID", got, sizeof got, &out);
    assert_string_equal(got, "4624=1");
    int64_t n;
    sw_errbuf_t err;
    assert_int_equal(sw_store_count(a, &n, &err), SW_OK);
    assert_int_equal(n, 1);
    /* a cannot pull b's record by id through its own handle */
    int64_t nid;
    assert_int_equal(sw_store_share(a, bid, b, &nid, &err), SW_ENOENT);
    assert_int_equal(hunt_count(b, "*"), 1);
    sw_store_team_close(a);
    sw_store_team_close(b);
}

static void sharing_copies_explicitly(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *a = team(f, "palau");
    sw_store_team_t *b = team(f, "nauru");
    int64_t bid, nid;
    append(b,
           "{\"@timestamp\":\"2026-02-10T09:00:00Z\",\"CommandLine\":\"evil.exe -x\","
           "\"_truth\":\"step:exec-3\"}",
           &bid);
    assert_int_equal(hunt_count(a, "CommandLine:*evil*"), 0);
    sw_errbuf_t err;
    assert_int_equal(sw_store_share(b, bid, a, &nid, &err), SW_OK);
    assert_true(nid != bid);
    assert_int_equal(hunt_count(a, "CommandLine:*evil*"), 1);
    assert_int_equal(hunt_count(b, "CommandLine:*evil*"), 1); /* a copy, not a move */
    /* the truth stays with the original */
    char link[128];
    assert_int_equal(sw_store_truth(f->s, bid, link, sizeof link, &err), SW_OK);
    assert_string_equal(link, "step:exec-3");
    assert_int_equal(sw_store_truth(f->s, nid, link, sizeof link, &err), SW_ENOENT);
    sw_store_team_close(a);
    sw_store_team_close(b);
}

static int find_truth_cb(const sw_qrow_t *row, void *ud)
{
    if (row->is_record && row->json_len) {
        char *copy = strndup(row->json, row->json_len);
        if (strstr(copy, "_truth") || strstr(copy, "step:"))
            (*(int *)ud)++;
        free(copy);
    }
    return 0;
}

static void ground_truth_is_never_returned_to_a_team(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "blue");
    int64_t id1, id2;
    append(t,
           "{\"@timestamp\":\"2026-02-10T09:00:00Z\",\"EventID\":1,\"CommandLine\":\"x\","
           "\"_truth\":\"step:cred-dump-1\"}",
           &id1);
    append(t,
           "{\"@timestamp\":\"2026-02-10T09:01:00Z\",\"EventID\":1,"
           "\"_truth\":{\"step\":\"lateral-2\",\"actor\":\"apt\"}}",
           &id2);
    /* not searchable by any path */
    assert_int_equal(hunt_count(t, "step"), 0);
    assert_int_equal(hunt_count(t, "_exists_:_truth"), 0);
    assert_int_equal(hunt_count(t, "_truth:*"), 0);
    assert_int_equal(hunt_count(t, "\"cred-dump\""), 0);
    assert_int_equal(hunt_count(t, "CommandLine:x"), 1);
    /* not in any returned record */
    sw_query_t q;
    sw_errbuf_t err;
    assert_int_equal(sw_query_parse(&q, "*", 1, NULL, &err), SW_OK);
    int leaks = 0;
    assert_int_equal(sw_store_search(t, &q, find_truth_cb, &leaks, &err), SW_OK);
    assert_int_equal(leaks, 0);
    sw_query_free(&q);
    /* the instructor's side has it */
    char link[256];
    assert_int_equal(sw_store_truth(f->s, id1, link, sizeof link, &err), SW_OK);
    assert_string_equal(link, "step:cred-dump-1");
    assert_int_equal(sw_store_truth(f->s, id2, link, sizeof link, &err), SW_OK);
    assert_non_null(strstr(link, "lateral-2"));
    sw_store_team_close(t);
}

/* Ground truth given beside the record (the in-process producers' path)
 * is kept for the instructor and never enters the team's record. */
static void ground_truth_beside_the_record(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "blue");
    sw_errbuf_t err;
    int64_t flat, nested, none;
    const char *r1 = "{\"@timestamp\":\"2026-02-10T09:00:00Z\",\"EventID\":1,"
                     "\"CommandLine\":\"ntdsutil ifm\"}";
    const char *r2 = "{\"Event\":{\"System\":{\"EventID\":4688,"
                     "\"TimeCreated\":{\"SystemTime\":\"2026-02-10T09:01:00Z\"}}}}";
    const char *r3 = "{\"@timestamp\":\"2026-02-10T09:02:00Z\",\"EventID\":1}";
    assert_int_equal(sw_store_append_truth(t, r1, strlen(r1), "gt:7", &flat, &err), SW_OK);
    assert_int_equal(sw_store_append_truth(t, r2, strlen(r2), "gt:8", &nested, &err), SW_OK);
    assert_int_equal(sw_store_append_truth(t, r3, strlen(r3), NULL, &none, &err), SW_OK);
    assert_int_equal(hunt_count(t, "gt"), 0);
    assert_int_equal(hunt_count(t, "_exists_:_truth"), 0);
    assert_int_equal(hunt_count(t, "EventID:1"), 2);
    char link[64];
    assert_int_equal(sw_store_truth(f->s, flat, link, sizeof link, &err), SW_OK);
    assert_string_equal(link, "gt:7");
    assert_int_equal(sw_store_truth(f->s, nested, link, sizeof link, &err), SW_OK);
    assert_string_equal(link, "gt:8");
    assert_int_equal(sw_store_truth(f->s, none, link, sizeof link, &err), SW_ENOENT);
    /* too long a link is refused and appends nothing */
    char big[SW_STORE_MAX_TRUTH + 8];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    int64_t n0, n1;
    assert_int_equal(sw_store_count(t, &n0, &err), SW_OK);
    assert_int_equal(sw_store_append_truth(t, r3, strlen(r3), big, NULL, &err), SW_ETOOBIG);
    assert_int_equal(sw_store_count(t, &n1, &err), SW_OK);
    assert_int_equal(n0, n1);
    sw_store_team_close(t);
}

static void multi_valued_indexed_fields_still_match(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "blue");
    append(t,
           "{\"@timestamp\":\"2026-02-10T09:00:00Z\",\"Computer\":[\"a\",\"b\"],"
           "\"CommandLine\":[\"one\",\"two ntdsutil\"],\"EventID\":\"0x10\"}",
           NULL);
    append(t, "{\"@timestamp\":\"2026-02-10T09:01:00Z\",\"Computer\":\"b\",\"EventID\":16}", NULL);
    assert_int_equal(hunt_count(t, "Computer:b"), 2);
    assert_int_equal(hunt_count(t, "CommandLine:*ntdsutil*"), 1);
    assert_int_equal(hunt_count(t, "EventID:0x10"), 1);
    char got[64];
    cases_out_t out;
    hunt(t, "* | count by Computer", got, sizeof got, &out);
    assert_string_equal(got, "b=2;a=1");
    hunt(t, "CommandLine:*ntdsutil* | count", got, sizeof got, &out);
    assert_string_equal(got, "=1");
    sw_store_team_close(t);
}

static void teams_and_reopen(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t;
    sw_errbuf_t err;
    assert_int_equal(sw_store_team_open(f->s, "ghost", 0, &t, &err), SW_ENOENT);
    assert_int_equal(sw_store_team_open(f->s, "bad name", 1, &t, &err), SW_EINVAL);
    assert_int_equal(sw_store_team_open(f->s, "", 1, &t, &err), SW_EINVAL);
    t = team(f, "Kiribati");
    append(t, "{\"EventID\":1}", NULL);
    sw_store_team_close(t);
    sw_store_close(f->s);
    assert_int_equal(sw_store_open(f->path, &f->s, &err), SW_OK);
    assert_int_equal(sw_store_team_open(f->s, "kiribati", 0, &t, &err), SW_OK); /* any case */
    int64_t n;
    assert_int_equal(sw_store_count(t, &n, &err), SW_OK);
    assert_int_equal(n, 1);
    /* a bad record is refused with a message and stores nothing */
    assert_int_equal(sw_store_append(t, "{\"EventID\":", 11, NULL, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "column"));
    assert_int_equal(sw_store_count(t, &n, &err), SW_OK);
    assert_int_equal(n, 1);
    sw_store_team_close(t);
}

/* The inode of the team's one index piece (FILE.seg/<id>/idx.0), 0 if none. */
static ino_t piece_inode(const fixture_t *f)
{
    char pat[160];
    snprintf(pat, sizeof pat, "%s.seg/*/idx.0", f->path);
    glob_t g;
    ino_t ino = 0;
    struct stat st;
    if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc == 1 && stat(g.gl_pathv[0], &st) == 0)
        ino = st.st_ino;
    globfree(&g);
    return ino;
}

/* A durable flush writes the index tail as a piece; a flush with nothing
 * new leaves that file alone (the live exercise flushes every second), one
 * after new records writes it again, and a reader opening the store later
 * finds every record through it. */
static void a_flush_with_nothing_new_writes_no_index(void **state)
{
    fixture_t *f = *state;
    sw_errbuf_t err;
    sw_store_team_t *t = team(f, "fm");
    append(t, "{\"EventID\":1,\"Image\":\"a.exe\"}", NULL);
    append(t, "{\"EventID\":2,\"Image\":\"b.exe\"}", NULL);
    assert_int_equal(sw_store_flush(f->s, &err), SW_OK);
    ino_t first = piece_inode(f);
    assert_int_not_equal(first, 0);
    assert_int_equal(sw_store_flush(f->s, &err), SW_OK);
    assert_int_equal(piece_inode(f), first); /* not written again */
    append(t, "{\"EventID\":3,\"Image\":\"c.exe\"}", NULL);
    assert_int_equal(sw_store_flush(f->s, &err), SW_OK);
    assert_int_not_equal(piece_inode(f), first); /* the tail grew: written again */
    sw_store_team_close(t);
    sw_store_close(f->s);
    assert_int_equal(sw_store_open(f->path, &f->s, &err), SW_OK);
    t = team(f, "fm");
    assert_int_equal(hunt_count(t, "Image:c.exe"), 1);
    assert_int_equal(hunt_count(t, "EventID:1 OR EventID:2"), 2);
    sw_store_team_close(t);
}

typedef struct scan_got {
    char text[1024];
    size_t n, stop_after;
} scan_got_t;

static int scan_cb(const sw_qrow_t *row, void *ud)
{
    scan_got_t *g = ud;
    size_t l = strlen(g->text);
    snprintf(g->text + l, sizeof g->text - l, "%lld %.*s\n", (long long)(row->id & 0xffffff),
             (int)row->json_len, row->json);
    return ++g->n == g->stop_after;
}

/* sw_store_scan gives exactly the records with ordinals in (after, upto],
 * in arrival order (not time order), clamps to the team's records, and
 * stops when the callback says so. */
static void scan_reads_a_range_of_records_in_arrival_order(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "nauru");
    char rec[128];
    for (int i = 1; i <= 10; i++) { /* times descending: arrival order is not time order */
        snprintf(rec, sizeof rec, "{\"@timestamp\":\"2026-02-10T10:00:%02dZ\",\"n\":%d}", 60 - i,
                 i);
        append(t, rec, NULL);
    }
    sw_errbuf_t err;
    scan_got_t g = {{0}, 0, 0};
    assert_int_equal(sw_store_scan(t, 3, 6, scan_cb, &g, &err), SW_OK);
    assert_string_equal(g.text, "4 {\"@timestamp\":\"2026-02-10T10:00:56Z\",\"n\":4}\n"
                                "5 {\"@timestamp\":\"2026-02-10T10:00:55Z\",\"n\":5}\n"
                                "6 {\"@timestamp\":\"2026-02-10T10:00:54Z\",\"n\":6}\n");
    scan_got_t all = {{0}, 0, 0};
    assert_int_equal(sw_store_scan(t, 8, 1000, scan_cb, &all, &err), SW_OK);
    assert_int_equal(all.n, 2);
    scan_got_t one = {{0}, 0, 1};
    assert_int_equal(sw_store_scan(t, 0, 10, scan_cb, &one, &err), SW_OK);
    assert_int_equal(one.n, 1);
    scan_got_t none = {{0}, 0, 0};
    assert_int_equal(sw_store_scan(t, 10, 10, scan_cb, &none, &err), SW_OK);
    assert_int_equal(none.n, 0);
    sw_store_team_close(t);
}

/* When a long ingest commits a batch of ground truth, the records it
 * names are already durable: another process sees every record whose truth
 * it can read (a crash could otherwise leave truth for a record that is
 * cut, and the next record given that id would inherit it). */
static void truth_is_committed_only_after_its_records(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "tuvalu");
    char rec[160];
    sw_errbuf_t err;
    int64_t id = 0;
    for (int i = 0; i < 100000; i++) { /* STORE_BATCH truth rows: one commit */
        int l = snprintf(rec, sizeof rec,
                         "{\"EventID\":1,\"CommandLine\":\"cmd %d\",\"_truth\":\"step-%d\"}", i, i);
        assert_int_equal(sw_store_append(t, rec, (size_t)l, &id, &err), SW_OK);
    }
    sw_store_t *other;
    sw_store_team_t *seen;
    assert_int_equal(sw_store_open(f->path, &other, &err), SW_OK);
    char truth[64];
    assert_int_equal(sw_store_truth(other, id, truth, sizeof truth, &err), SW_OK);
    assert_string_equal(truth, "step-99999");
    assert_int_equal(sw_store_team_open(other, "tuvalu", 0, &seen, &err), SW_OK);
    int64_t n;
    assert_int_equal(sw_store_count(seen, &n, &err), SW_OK);
    assert_int_equal(n, 100000);
    sw_store_team_close(seen);
    sw_store_close(other);
    sw_store_team_close(t);
}

/* Issue 15 defect 8: no search runs unbounded. Past its deadline a search
 * stops with a message saying so; past its memory budget a sort stops
 * too, while sort | limit k holds only k records whatever it reads. */
static int count_rows(const sw_qrow_t *row, void *ud)
{
    (void)row;
    (*(size_t *)ud)++;
    return 0;
}

static int search_n(sw_store_team_t *t, const char *text, size_t *n, sw_errbuf_t *err)
{
    sw_query_t q;
    sw_query_opts_t o = {0};
    if (sw_query_parse(&q, text, strlen(text), &o, err))
        fail_msg("%s: %s", text, err->msg);
    *n = 0;
    int rc = sw_store_search(t, &q, count_rows, n, err);
    sw_query_free(&q);
    return rc;
}

static void a_search_stops_at_its_deadline_and_memory_budget(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "blue");
    char rec[400];
    const unsigned N = 200000;
    for (unsigned i = 0; i < N; i++) {
        snprintf(rec, sizeof rec,
                 "{\"@timestamp\":\"2026-02-10T09:%02u:%02u.%03uZ\",\"EventID\":1,"
                 "\"CommandLine\":\"cmd.exe /c echo %u abcdefghijklmnopqrstuvwxyz\"}",
                 i / 60000 % 60, i / 1000 % 60, i % 1000, (i * 7919u) % N);
        append(t, rec, NULL);
    }
    sw_errbuf_t err;
    assert_int_equal(sw_store_flush(f->s, &err), SW_OK);
    size_t n;
    /* unbounded by default for what takes well under its minute */
    const char *slow = "*a*b*c*d* | sort CommandLine";
    assert_int_equal(search_n(t, slow, &n, &err), SW_OK);
    assert_int_equal(n, N);
    /* a deadline of 1 ms: stopped, saying so */
    sw_store_search_limits(t, 1, 0);
    assert_int_equal(search_n(t, slow, &n, &err), SW_ETOOBIG);
    assert_non_null(strstr(err.msg, "query stopped after 1 s; narrow it"));
    assert_true(sw_store_search_timed_out(t));
    /* the deadline is per search: the next one, given time, answers */
    sw_store_search_limits(t, 60000, 0);
    assert_int_equal(search_n(t, slow, &n, &err), SW_OK);
    assert_int_equal(n, N);
    /* a budget of 4 MB: a sort of 200,000 records (about 20 MB) stops ... */
    sw_store_search_limits(t, 60000, (size_t)4 << 20);
    assert_int_equal(search_n(t, "* | sort CommandLine", &n, &err), SW_ETOOBIG);
    assert_non_null(strstr(err.msg, "more than 4 MB"));
    assert_false(sw_store_search_timed_out(t));
    assert_int_equal(n, 0);
    /* ... but its top 3 hold 3 records, and are the right ones */
    sw_query_t q;
    sw_query_opts_t o = {0};
    const char *top = "* | sort CommandLine desc | limit 3";
    assert_int_equal(sw_query_parse(&q, top, strlen(top), &o, &err), SW_OK);
    cases_out_t out;
    memset(&out, 0, sizeof out);
    sw_buf_init(&out.agg, 0);
    assert_int_equal(sw_store_search(t, &q, cases_row, &out, &err), SW_OK);
    assert_int_equal(out.n_records, 3);
    sw_buf_free(&out.agg);
    sw_query_free(&q);
    /* the first 3 of the whole sort, with room for it */
    sw_store_search_limits(t, 0, (size_t)512 << 20);
    const char *all = "* | sort CommandLine desc";
    assert_int_equal(sw_query_parse(&q, all, strlen(all), &o, &err), SW_OK);
    cases_out_t whole;
    memset(&whole, 0, sizeof whole);
    sw_buf_init(&whole.agg, 0);
    assert_int_equal(sw_store_search(t, &q, cases_row, &whole, &err), SW_OK);
    assert_int_equal(whole.n_records, N);
    assert_memory_equal(whole.ids, out.ids, 3 * sizeof out.ids[0]);
    sw_buf_free(&whole.agg);
    sw_query_free(&q);
    sw_store_team_close(t);
}

/* A reader handle opened while the team has no records yet (its files are
 * not there: the writer makes them at its first append) and kept sees the
 * records written after, through any number of flushes: the server keeps
 * its readers, and one opened before an exercise's first record saw
 * nothing, ever. */
static void a_reader_opened_before_the_first_record_sees_later_ones(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *w = team(f, "blue");
    sw_errbuf_t err;
    assert_int_equal(sw_store_flush(f->s, &err), SW_OK);
    sw_store_t *rs;
    sw_store_team_t *r;
    assert_int_equal(sw_store_open(f->path, &rs, &err), SW_OK);
    assert_int_equal(sw_store_team_open(rs, "blue", 0, &r, &err), SW_OK);
    assert_int_equal(hunt_count(r, "*"), 0);
    char rec[160];
    for (int round = 1; round <= 3; round++) {
        for (int i = 0; i < 100; i++) {
            snprintf(rec, sizeof rec,
                     "{\"@timestamp\":\"2026-02-10T09:%02d:%02d.000Z\",\"EventID\":%d}", round,
                     i % 60, round);
            append(w, rec, NULL);
        }
        assert_int_equal(sw_store_flush(f->s, &err), SW_OK);
        assert_int_equal(hunt_count(r, "*"), (size_t)(100 * round));
        assert_int_equal(hunt_count(r, "EventID:2"), round >= 2 ? 100 : 0);
    }
    sw_store_team_close(r);
    sw_store_close(rs);
    sw_store_team_close(w);
}

/* The writer is told each field's name once, then its number (evquery.c,
 * note 3): every spelling of a field (case), names past the numbered
 * ones (more than 65,536 distinct names) and names too long to number
 * reach the same index as by name, across pieces of 64 rows, a search
 * in the middle of the appends and a reopened store; and a piece of
 * 100,000 distinct values. */
static void fields_by_number_reach_the_index_under_every_spelling(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "blue");
    t->idx_piece = 64;
    static const char *spell[] = {"Image", "image", "IMAGE", "iMaGe"};
    char longname[300], rec[1024], q[512];
    memset(longname, 'L', 260);
    longname[260] = '\0';
    size_t n;
    sw_errbuf_t err;
    const int rows = 9000, per = 8; /* 72,000 distinct names */
    for (int r = 0; r < rows; r++) {
        int k = snprintf(rec, sizeof rec, "{\"%s\":\"x%d.exe\",\"%s\":\"y%d\"", spell[r % 4], r % 3,
                         longname, r % 5);
        for (int i = 0; i < per; i++)
            k += snprintf(rec + k, sizeof rec - (size_t)k, ",\"n%d\":\"v%d\"", r * per + i, r);
        snprintf(rec + k, sizeof rec - (size_t)k, "}");
        append(t, rec, NULL);
        if (r == rows / 2) { /* the tail is the searcher's, then the writer's again */
            assert_int_equal(search_n(t, "image:x1.exe", &n, &err), SW_OK);
            assert_int_equal(n, (size_t)(rows / 2 + 1 + 1) / 3);
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(search_n(t, "image:x1.exe", &n, &err), SW_OK);
        assert_int_equal(n, 3000);
        assert_int_equal(search_n(t, "IMAGE:x0.exe", &n, &err), SW_OK);
        assert_int_equal(n, 3000);
        snprintf(q, sizeof q, "%s:y3", longname);
        assert_int_equal(search_n(t, q, &n, &err), SW_OK);
        assert_int_equal(n, 1800);
        /* a name numbered early, one near the last number, one past them */
        assert_int_equal(search_n(t, "n5:v0", &n, &err), SW_OK);
        assert_int_equal(n, 1);
        assert_int_equal(search_n(t, "n65530:v8191", &n, &err), SW_OK);
        assert_int_equal(n, 1);
        assert_int_equal(search_n(t, "n71999:v8999", &n, &err), SW_OK);
        assert_int_equal(n, 1);
        assert_int_equal(search_n(t, "n71999:v8998", &n, &err), SW_OK);
        assert_int_equal(n, 0);
        sw_store_team_close(t); /* and again as another process reads it */
        t = team(f, "blue");
    }
    sw_store_team_close(t);
    /* one piece of 100,000 distinct values: its tables past 2 MB, on huge
     * pages (evidx.c: big_zalloc, big_grow) */
    t = team(f, "red");
    for (int r = 0; r < 12500; r++) {
        int k = snprintf(rec, sizeof rec, "{\"Image\":\"x%d.exe\"", r % 3);
        for (int i = 0; i < 8; i++)
            k += snprintf(rec + k, sizeof rec - (size_t)k, ",\"f%d\":\"%d\"", i, r * 8 + i);
        snprintf(rec + k, sizeof rec - (size_t)k, "}");
        append(t, rec, NULL);
    }
    assert_int_equal(search_n(t, "image:x2.exe", &n, &err), SW_OK);
    assert_int_equal(n, 4166);
    assert_int_equal(search_n(t, "f3:99995", &n, &err), SW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(search_n(t, "f3:99996", &n, &err), SW_OK);
    assert_int_equal(n, 0);
    sw_store_team_close(t);
}

/* A value in most rows gets a bitmap of them unless some row holds it
 * twice (an array): then its postings list both, and `count by` counts
 * both, as the evaluator does. Whether a value was in a row twice is
 * noted as rows are added (evidx.c: value_seen). */
static void a_value_twice_in_a_row_keeps_its_count(void **state)
{
    fixture_t *f = *state;
    sw_store_team_t *t = team(f, "blue");
    for (int r = 0; r < 32; r++)
        append(t,
               r % 4 == 1 ? "{\"k\":\"v\",\"arr\":[\"x\",\"y\",\"x\"]}"
                          : "{\"k\":\"v\",\"arr\":[\"x\",\"y\"]}",
               NULL);
    char got[512];
    cases_out_t out;
    hunt(t, "* | count by arr", got, sizeof got, &out);
    assert_string_equal(got, "x=40;y=32");
    hunt(t, "arr:x | count", got, sizeof got, &out);
    assert_string_equal(got, "=32");
    hunt(t, "k:v | count by k", got, sizeof got, &out);
    assert_string_equal(got, "v=32");
    sw_store_team_close(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(store_agrees_with_the_evaluator_on_every_case, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(records_come_back_in_time_order, setup, teardown),
        cmocka_unit_test_setup_teardown(scan_reads_a_range_of_records_in_arrival_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(truth_is_committed_only_after_its_records, setup, teardown),
        cmocka_unit_test_setup_teardown(a_team_cannot_see_another_teams_records, setup, teardown),
        cmocka_unit_test_setup_teardown(sharing_copies_explicitly, setup, teardown),
        cmocka_unit_test_setup_teardown(ground_truth_is_never_returned_to_a_team, setup, teardown),
        cmocka_unit_test_setup_teardown(ground_truth_beside_the_record, setup, teardown),
        cmocka_unit_test_setup_teardown(multi_valued_indexed_fields_still_match, setup, teardown),
        cmocka_unit_test_setup_teardown(teams_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(a_search_stops_at_its_deadline_and_memory_budget, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_flush_with_nothing_new_writes_no_index, setup, teardown),
        cmocka_unit_test_setup_teardown(fields_by_number_reach_the_index_under_every_spelling,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_value_twice_in_a_row_keeps_its_count, setup, teardown),
        cmocka_unit_test_setup_teardown(a_reader_opened_before_the_first_record_sees_later_ones,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
