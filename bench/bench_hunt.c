/* bench_hunt.c — the event store on seawall's own telemetry (issue 16):
 * `seawall telemetry --demo-world --teams 1 --hosts H --until U` written to
 * a directory, its files joined into one file of JSON lines, ingested, and
 * the hunts an analyst types run over it; ripgrep over the same JSON lines
 * in the same run is the baseline of every text search.
 *
 *   SW_BENCH_HOSTS   hosts (default 1000); SW_BENCH_UNTIL (default 4h):
 *                    1000 hosts x 4h is 333,549 records; 10 M records is
 *                    --hosts 1000 --until 120h
 *   SW_BENCH_DIR     where the records and the store go (/tmp/sw-bench-hunt)
 *   SW_BENCH_RUNS    runs of each query, the median is printed (default 5)
 *   SW_BENCH_SEAWALL the seawall binary (default build/seawall)
 *   SW_BENCH_SQLITE  0 skips the SQLite baseline (default on): the same
 *                    JSON lines in an SQLite table (one TEXT column), its
 *                    ingest timed, each hunt as the SQL one would write
 *                    over it (json_extract, LIKE), one run each
 *   SW_BENCH_LIVE    0 skips the live-order row (default on): the same
 *                    records sorted by their time, every source at once as
 *                    a live exercise writes them, ingested into a second
 *                    store whose bytes a record are printed
 *   SW_SHARED        where data/sigma/rules is (default ../shared): the
 *                    Sigma row runs SigmaHQ's windows, linux and network
 *                    rules over the same file with `seawall sigma`
 *
 * Ingest is timed from memory (the records read first), the final flush
 * and fdatasync included, on both cores and pinned to one (taskset is not
 * needed: the writer thread and the appender are timed apart, see
 * bench_store.c for the CPU-only method). */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <sched.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "detect/event.h"
#include "detect/event_flat.h"
#include "detect/query.h"
#include "store/evstore.h"

#include "bench_util.h"

#define MAX_RUNS 15

typedef struct counted {
    uint64_t n;
    uint64_t max; /* records wanted (0: all): the server's limit */
} counted_t;

static int count_cb(const sw_qrow_t *row, void *ud)
{
    counted_t *c = ud;
    c->n += row->is_record ? 1 : row->count;
    return c->max && row->is_record && c->n >= c->max; /* 1: no more wanted */
}

/* Median seconds of q handing over at most max records (0: all, as
 * `seawall hunt` prints them; 50: the hunt page's first page); *rows:
 * records, or the sum of the counts. */
static double time_hunt_max(sw_store_team_t *t, const char *text, uint64_t max, int runs,
                            uint64_t *rows, double *first)
{
    sw_query_t q;
    sw_errbuf_t err;
    sw_query_opts_t o = {.now_ms = 0};
    if (sw_query_parse(&q, text, strlen(text), &o, &err)) {
        fprintf(stderr, "bench: %s: %s\n", text, err.msg);
        exit(1);
    }
    double v[MAX_RUNS];
    for (int i = 0; i < runs; i++) {
        counted_t c = {0, max};
        double t0 = now_s();
        if (sw_store_search(t, &q, count_cb, &c, &err)) {
            fprintf(stderr, "bench: %s: %s\n", text, err.msg);
            exit(1);
        }
        v[i] = now_s() - t0;
        *rows = c.n;
        if (i == 0 && first)
            *first = v[0];
    }
    sw_query_free(&q);
    return median(v, runs);
}

static double time_hunt(sw_store_team_t *t, const char *text, int runs, uint64_t *rows,
                        double *first)
{
    return time_hunt_max(t, text, 0, runs, rows, first);
}

/* What the hunt page (web/js/pages/detect.js) asks the server for a
 * query: its first 50 records, then `| histogram 1m` for the chart (the
 * facets are counted from the 50 rows in the browser). */
static void page_row(sw_store_team_t *t, const char *what, const char *text, int runs)
{
    char hq[2100];
    uint64_t n50, nh, nc;
    double f;
    double p = time_hunt_max(t, text, 50, runs, &n50, &f);
    snprintf(hq, sizeof hq, "%s | histogram 1m", text);
    double h = time_hunt(t, hq, runs, &nh, &f);
    snprintf(hq, sizeof hq, "%s | count", text);
    double c = time_hunt(t, hq, runs, &nc, &f);
    printf("| `%s` | %.2f ms (%llu records) | %.2f ms | %.2f ms (%llu) | %.2f ms | < 200 ms |\n",
           what, p * 1e3, (unsigned long long)n50, h * 1e3, c * 1e3, (unsigned long long)nc,
           (p + h) * 1e3);
}

/* Median seconds of rg -c -i with the patterns (-e each; fixed strings
 * when fixed) over file; *hits its count. */
static double time_rg(const char *const *pats, int n_pats, int fixed, const char *file, int runs,
                      long long *hits)
{
    const char *argv[300];
    int a = 0;
    argv[a++] = "rg";
    argv[a++] = "-c";
    argv[a++] = "-i";
    if (fixed)
        argv[a++] = "-F";
    for (int k = 0; k < n_pats && a < 290; k++) {
        argv[a++] = "-e";
        argv[a++] = pats[k];
    }
    argv[a++] = file;
    argv[a] = NULL;
    return time_count_cmd((char *const *)(uintptr_t)argv, runs, hits);
}

static void row(const char *what, double ours, uint64_t n, double first, double rg, long long rgn,
                double sq, long long sqn, const char *target)
{
    printf("| `%s` | %.2f ms (first %.1f ms) | %llu |", what, ours * 1e3, first * 1e3,
           (unsigned long long)n);
    if (rg >= 0)
        printf(" %.1f ms (%lld lines) | %.0fx |", rg * 1e3, rgn, ours > 0 ? rg / ours : 0);
    else
        printf(" – | – |");
    if (sq >= 0)
        printf(" %.0f ms (%lld) | %.0fx |", sq * 1e3, sqn, ours > 0 ? sq / ours : 0);
    else
        printf(" – | – |");
    printf(" %s |\n", target);
}

/* The JSON lines in a new SQLite table r(j TEXT) at path, in one
 * transaction; records/s, NULL db on failure. */
static double sqlite_load(const char *path, const char *text, size_t len, sqlite3 **out)
{
    char cmd[2700];
    snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-journal'", path, path, path);
    if (system(cmd) != 0)
        return 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE r(j TEXT)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO r VALUES (?)", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return 0;
    }
    double t0 = now_s();
    uint64_t n = 0;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (const char *p = text, *end = text + len; p < end; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        sqlite3_bind_text(st, 1, p, (int)l, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_reset(st);
        p += l + 1;
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double dt = now_s() - t0;
    sqlite3_finalize(st);
    *out = db;
    return (double)n / dt;
}

/* Seconds of one run of sql over db (NULL sql or db: -1); *rows: the
 * count of a single-row answer that is one, else the rows. */
static double time_sql(sqlite3 *db, const char *sql, long long *rows)
{
    sqlite3_stmt *st;
    if (!db || !sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    double t0 = now_s();
    long long n = 0, first = -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int c = sqlite3_column_count(st) - 1;
        if (n++ == 0 && sqlite3_column_type(st, c) == SQLITE_INTEGER)
            first = sqlite3_column_int64(st, c);
    }
    double dt = now_s() - t0;
    sqlite3_finalize(st);
    *rows = n == 1 && first >= 0 ? first : n;
    return dt;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *b = NULL;
    if (f && fstat(fileno(f), &st) == 0 && (b = malloc((size_t)st.st_size + 1)))
        *len = fread(b, 1, (size_t)st.st_size, f);
    if (f)
        fclose(f);
    return b;
}

static void rm_store(const char *db)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s-wal' '%s-shm' '%s.seg'", db, db, db, db);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: %s failed\n", cmd);
}

static double ru_s(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

/* CPU seconds of this process's threads but this one, and of this one. */
static void cpu_split(double *self, double *others)
{
    struct rusage ru, rt;
    getrusage(RUSAGE_SELF, &ru);
    getrusage(RUSAGE_THREAD, &rt);
    *self = ru_s(&rt);
    *others = ru_s(&ru) - *self;
}

static double cpu_app, cpu_wr; /* the last ingest's CPU seconds: appender, writer */

/* A line of the joined file: where it starts, its length, its time. */
typedef struct line {
    int64_t ts;
    uint64_t at;
    uint32_t len;
} line_t;

static int cmp_line(const void *a, const void *b)
{
    const line_t *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at); /* the file's order among equal times */
}

/* The lines of text in the order a live exercise writes them: by their
 * record's time, every source at once (the file holds one source after
 * another). *n gets their number; NULL if memory runs out. */
static line_t *by_time(const char *text, size_t len, size_t *n)
{
    size_t cap = 1 << 16, k = 0;
    line_t *v = malloc(cap * sizeof *v);
    sw_event_t ev;
    sw_event_init(&ev);
    for (const char *p = text, *end = text + len; v && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (k == cap) {
            line_t *w = realloc(v, (cap *= 2) * sizeof *v);
            if (!w) {
                free(v);
                v = NULL;
                break;
            }
            v = w;
        }
        int64_t ts = k ? v[k - 1].ts : 0; /* a record without a time keeps its place */
        sw_event_clear(&ev);
        if (sw_event_parse(&ev, p, l, NULL) == SW_OK)
            sw_query_event_time(&ev, &ts);
        v[k++] = (line_t){.ts = ts, .at = (uint64_t)(p - text), .len = (uint32_t)l};
        p += l + 1;
    }
    sw_event_free(&ev);
    if (v)
        qsort(v, k, sizeof *v, cmp_line);
    *n = k;
    return v;
}

/* Bytes of the files matching pattern (du -scb). */
static long long du_bytes(const char *pattern)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "du -scb %s 2>/dev/null | tail -1", pattern);
    FILE *p = popen(cmd, "r");
    long long b = 0;
    if (p && fscanf(p, "%lld", &b) != 1)
        b = 0;
    if (p)
        pclose(p);
    return b;
}

/* Append every line of text (in the order lines gives, when not NULL) to
 * a new store at db; records/s. */
static double ingest_lines(const char *db, const char *text, size_t len, const line_t *lines,
                           size_t n_lines, uint64_t *n_out);

/* Append every line of text to a new store at db; records/s. */
static double ingest(const char *db, const char *text, size_t len, uint64_t *n_out)
{
    return ingest_lines(db, text, len, NULL, 0, n_out);
}

static double ingest_lines(const char *db, const char *text, size_t len, const line_t *lines,
                           size_t n_lines, uint64_t *n_out)
{
    rm_store(db);
    sw_errbuf_t err;
    sw_store_t *s;
    sw_store_team_t *t;
    if (sw_store_open(db, &s, &err) || sw_store_team_open(s, "pw", 1, &t, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    uint64_t n = 0;
    double a0, w0;
    cpu_split(&a0, &w0);
    double t0 = now_s();
    for (const char *p = text, *end = text + len; lines ? n < n_lines : p < end; n++) {
        size_t l;
        if (lines) {
            p = text + lines[n].at;
            l = lines[n].len;
        } else {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        }
        if (sw_store_append(t, p, l, NULL, &err)) {
            fprintf(stderr, "bench: record %llu: %s\n", (unsigned long long)n, err.msg);
            exit(1);
        }
        p += l + 1;
    }
    if (sw_store_flush(s, &err)) {
        fprintf(stderr, "bench: flush: %s\n", err.msg);
        exit(1);
    }
    double dt = now_s() - t0, a1, w1;
    cpu_split(&a1, &w1);
    cpu_app = a1 - a0;
    cpu_wr = w1 - w0;
    sw_store_team_close(t);
    sw_store_close(s);
    *n_out = n;
    return (double)n / dt;
}

/* CPU seconds (user + system) of the children waited for so far. */
static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* `seawall sigma` with SigmaHQ's windows, linux and network rules over
 * events (an empty file too: the rules' load alone), on one core: its
 * CPU time. Prints the row. */
static void sigma_row(const char *bin, const char *tdir)
{
    const char *shared = getenv("SW_SHARED") ? getenv("SW_SHARED") : "../shared";
    char rules[3][700], cmd[4000], empty[800], files[800];
    static const char *const sets[3] = {"windows", "linux", "network"};
    for (int i = 0; i < 3; i++)
        snprintf(rules[i], sizeof rules[i], "%s/data/sigma/rules/%s", shared, sets[i]);
    struct stat st;
    if (stat(rules[0], &st) != 0) {
        printf("\nSigma: no rules at %s (set SW_SHARED)\n", rules[0]);
        return;
    }
    snprintf(empty, sizeof empty, "'%s/empty.jsonl'", tdir);
    snprintf(files, sizeof files, "'%s'/*/*.jsonl", tdir); /* the files joined: each < 4 GB */
    char ep[800];
    snprintf(ep, sizeof ep, "%s/empty.jsonl", tdir);
    FILE *f = fopen(ep, "w");
    if (f)
        fclose(f);
    double cpu[2];
    long long events[2] = {0, 0};
    char out[2][200] = {"", ""};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd,
                 "taskset -c 0 %s sigma --rules '%s' '%s' '%s' --events %s 2>&1 >/dev/null | "
                 "tail -1",
                 bin, rules[0], rules[1], rules[2], k ? empty : files);
        double c0 = children_cpu();
        FILE *p = popen(cmd, "r");
        char line[512] = "";
        if (p) {
            if (!fgets(line, sizeof line, p))
                line[0] = '\0';
            pclose(p);
        }
        cpu[k] = children_cpu() - c0;
        snprintf(out[k], sizeof out[k], "%.190s", line);
        const char *e = strstr(line, " rules, ");
        events[k] = e ? atoll(e + 8) : 0; /* "N rules, M events, K matches" */
    }
    printf("\nSigma over the same records, one core (`taskset -c 0 seawall sigma --rules "
           "windows linux network --events DIR/*/*.jsonl`): %s",
           out[0]);
    if (events[0] <= 0) {
        printf("  (no events read)\n");
        return;
    }
    printf("  %.2f s CPU in all, %.2f s of it loading the rules: %.0f events/s end to end, "
           "%.0f events/s matching  [issue: about 50,000/s end to end]\n",
           cpu[0], cpu[1], (double)events[0] / cpu[0],
           cpu[0] > cpu[1] ? (double)events[0] / (cpu[0] - cpu[1]) : 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *hosts = getenv("SW_BENCH_HOSTS") ? getenv("SW_BENCH_HOSTS") : "1000";
    const char *until = getenv("SW_BENCH_UNTIL") ? getenv("SW_BENCH_UNTIL") : "4h";
    const char *dir = getenv("SW_BENCH_DIR") ? getenv("SW_BENCH_DIR") : "/tmp/sw-bench-hunt";
    const char *bin = getenv("SW_BENCH_SEAWALL") ? getenv("SW_BENCH_SEAWALL") : "build/seawall";
    int runs = getenv("SW_BENCH_RUNS") ? atoi(getenv("SW_BENCH_RUNS")) : 5;
    if (runs < 1 || runs > MAX_RUNS)
        runs = 5;
    char tdir[600], jl[700], db[700], cmd[2400];
    snprintf(tdir, sizeof tdir, "%s/tel-%s-%s", dir, hosts, until);
    snprintf(jl, sizeof jl, "%s/all.jsonl", tdir);
    snprintf(db, sizeof db, "%s/store.db", tdir);
    mkdir(dir, 0755);
    struct stat st;
    /* the sources' files too (the Sigma row reads them): a folder cleaned
     * up to all.jsonl alone gave "0 events" there */
    char pat[720];
    snprintf(pat, sizeof pat, "%s/*/*.jsonl", tdir);
    glob_t g;
    int have_sources = glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0;
    globfree(&g);
    if (stat(jl, &st) != 0 || !have_sources) {
        snprintf(cmd, sizeof cmd,
                 "%s telemetry --demo-world --teams 1 --hosts %s --until %s --out '%s' >/dev/null "
                 "&& cat '%s'/*/*.jsonl > '%s'",
                 bin, hosts, until, tdir, tdir, jl);
        double t0 = now_s();
        if (system(cmd) != 0) {
            fprintf(stderr, "bench: %s failed\n", cmd);
            return 1;
        }
        printf("records: `%s` in %.1f s\n", cmd, now_s() - t0);
    }
    /* SW_BENCH_INGEST=0: the queries only, on the store a run before
     * left (its ingest, ripgrep, SQLite and Sigma rows skipped) */
    int queries_only =
        getenv("SW_BENCH_INGEST") && atoi(getenv("SW_BENCH_INGEST")) == 0 && stat(db, &st) == 0;
    size_t len = 0;
    char *text = queries_only ? NULL : slurp(jl, &len);
    if (!text && !queries_only) {
        fprintf(stderr, "bench: %s: %s\n", jl, strerror(errno));
        return 1;
    }
    uint64_t n = 0;
    printf("bench_hunt: seawall telemetry --hosts %s --until %s, %.2f GB of JSON lines, medians "
           "of %d runs%s\n",
           hosts, until, (double)(queries_only ? (size_t)st.st_size : len) / 1e9, runs,
           queries_only ? " (SW_BENCH_INGEST=0: the store of the run before, queries only)" : "");
    if (queries_only) {
        stat(jl, &st);
        goto queries;
    }
    double r2 = ingest(db, text, len, &n);
    cpu_set_t one, all;
    sched_getaffinity(0, sizeof all, &all);
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof one, &one); /* the writer thread inherits it */
    double r1 = ingest(db, text, len, &n);
    sched_setaffinity(0, sizeof all, &all);
    double r3 = ingest(db, text, len, &n);
    printf("ingest: %llu records; %.0f records/s on 2 cores (median of 2: %.0f, %.0f), %.0f "
           "records/s on one core  [target >= 1,000,000/s]\n",
           (unsigned long long)n, (r2 + r3) / 2, r2, r3, r1);
    printf("ingest CPU a record (last run): appending thread %.2f us, writer thread %.2f us "
           "(wall clock figures depend on what else the machine runs)\n",
           cpu_app * 1e6 / (double)n, cpu_wr * 1e6 / (double)n);
    snprintf(cmd, sizeof cmd, "'%s.seg' '%s'", db, db);
    long long total = du_bytes(cmd);
    snprintf(cmd, sizeof cmd, "'%s.seg'/*/idx.*", db);
    long long idx = du_bytes(cmd);
    printf("store: %.0f bytes a record (field index %.0f of them; JSON %.0f)  [target <= 227]\n",
           (double)total / (double)n, (double)idx / (double)n, (double)len / (double)n);
    /* the same records in a live exercise's order: every source at once */
    if (!getenv("SW_BENCH_LIVE") || atoi(getenv("SW_BENCH_LIVE")) != 0) {
        size_t nl;
        line_t *lines = by_time(text, len, &nl);
        char ldb[720], lp[1600];
        snprintf(ldb, sizeof ldb, "%s/live.db", tdir);
        uint64_t ln = 0;
        double rl = lines ? ingest_lines(ldb, text, len, lines, nl, &ln) : 0;
        free(lines);
        snprintf(lp, sizeof lp, "'%s.seg' '%s'", ldb, ldb);
        long long bytes = du_bytes(lp);
        snprintf(lp, sizeof lp, "'%s.seg'/*/log", ldb);
        long long lg = du_bytes(lp);
        snprintf(lp, sizeof lp, "'%s.seg'/*/idx.*", ldb);
        long long ix = du_bytes(lp);
        if (ln)
            printf("store, the same records interleaved by time as a live exercise writes them: "
                   "%.0f bytes a record (log %.0f, field index %.0f); ingest %.0f records/s on 2 "
                   "cores  [target <= 227]\n",
                   (double)bytes / (double)ln, (double)lg / (double)ln, (double)ix / (double)ln,
                   rl);
        rm_store(ldb);
    }
    printf("\n");

queries:;
    sw_errbuf_t err;
    sw_store_t *s;
    sw_store_team_t *t;
    double o0 = now_s();
    if (sw_store_open(db, &s, &err) || sw_store_team_open(s, "pw", 0, &t, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    printf("open store + team: %.2f ms\n", (now_s() - o0) * 1e3);
    {
        /* the first free-text term of a process checks the checksums of
         * every field's values and text it reads */
        uint64_t r0;
        double f0, m0 = time_hunt(t, "\"smss.exe\"", 1, &r0, &f0);
        printf("first query of the process, \"smss.exe\" (free text: every field's values and "
               "text checked once): %.1f ms\n\n",
               m0 * 1e3);
    }

    uint64_t rows;
    double ours, first;
    long long rgn;
    static const struct {
        const char *q;
        const char *rg[2];
        int fixed;
        const char *target;
        const char *sql; /* over r(j): what one writes in SQLite for it */
    } cases[] = {
        {"CommandLine:*powershell*",
         {"powershell"},
         1,
         "< 10 ms",
         "SELECT j FROM r WHERE json_extract(j, '$.Event.EventData.CommandLine') LIKE "
         "'%powershell%'"},
        {"* | top 10 Image",
         {NULL},
         0,
         "< 10 ms",
         "SELECT json_extract(j, '$.Event.EventData.Image') i, count(*) c FROM r WHERE i NOT NULL "
         "GROUP BY i ORDER BY c DESC LIMIT 10"},
        {"EventID:4625 | count by IpAddress",
         {NULL},
         0,
         "< 10 ms",
         "SELECT json_extract(j, '$.Event.EventData.IpAddress') i, count(*) FROM r WHERE "
         "json_extract(j, '$.Event.System.EventID') = 4625 GROUP BY i"},
        {"id.resp_p:443 | count",
         {NULL},
         0,
         "< 10 ms",
         "SELECT count(*) FROM r WHERE json_extract(j, '$.\"id.resp_p\"') = 443"},
        {"host.name:pw-ws1* | count",
         {NULL},
         0,
         "< 10 ms",
         "SELECT count(*) FROM r WHERE json_extract(j, '$.host.name') LIKE 'pw-ws1%'"},
        {"\"smss.exe\"",
         {"smss.exe"},
         1,
         "< 200 ms, <= ripgrep",
         "SELECT j FROM r WHERE j LIKE '%smss.exe%'"},
        {"*a*b*c*d*",
         {"a.*b.*c.*d"},
         0,
         "< 200 ms, <= ripgrep",
         "SELECT j FROM r WHERE j LIKE '%a%b%c%d%'"},
        {"* | sort @timestamp desc | limit 3", {NULL}, 0, "< 50 ms", NULL},
        {"source.ip:10.10.18.204 | count",
         {NULL},
         0,
         "< 10 ms",
         "SELECT count(*) FROM r WHERE json_extract(j, '$.source.ip') = '10.10.18.204'"},
        {"uid:CPE5EWt4BO5L1EAio5",
         {"CPE5EWt4BO5L1EAio5"},
         1,
         "< 10 ms",
         "SELECT j FROM r WHERE json_extract(j, '$.uid') = 'CPE5EWt4BO5L1EAio5'"},
        /* a range over a number of many values (Zeek's source ports) */
        {"id.orig_p:>60000 | count",
         {NULL},
         0,
         "< 10 ms",
         "SELECT count(*) FROM r WHERE json_extract(j, '$.\"id.orig_p\"') > 60000"},
        /* transfers over 1 MB (an exfiltration hunt): a range over byte
         * counts, nearly every value distinct */
        {"destination.bytes:>1000000 | count",
         {NULL},
         0,
         "< 10 ms",
         "SELECT count(*) FROM r WHERE json_extract(j, '$.destination.bytes') > 1000000"},
        /* free text of digits: the front-coded digit values decoded */
        {"\"10.10.18.204\"",
         {"10.10.18.204"},
         1,
         "< 200 ms, <= ripgrep",
         "SELECT j FROM r WHERE j LIKE '%10.10.18.204%'"},
    };
    sqlite3 *sq = NULL;
    char sqp[800];
    snprintf(sqp, sizeof sqp, "%s/sqlite.db", tdir);
    if (!queries_only && (!getenv("SW_BENCH_SQLITE") || atoi(getenv("SW_BENCH_SQLITE")) != 0)) {
        double r = sqlite_load(sqp, text, len, &sq);
        printf("SQLite baseline: the JSON lines into a table r(j TEXT), one transaction: %.0f "
               "records/s; each hunt below as SQL over it (json_extract, LIKE), one run\n\n",
               r);
    }
    free(text);
    printf("| query | seawall (median; first run) | rows | ripgrep -c -i over the JSON lines | "
           "ripgrep / seawall | SQLite | SQLite / seawall | target at 10 M |\n"
           "|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ours = time_hunt(t, cases[i].q, runs, &rows, &first);
        double rg = -1;
        if (cases[i].rg[0] && !queries_only)
            rg = time_rg(cases[i].rg, 1, cases[i].fixed, jl, runs < 3 ? runs : 3, &rgn);
        long long sqn = 0;
        double sqt = time_sql(sq, cases[i].sql, &sqn);
        row(cases[i].q, ours, rows, first, rg, rgn, sqt, sqn, cases[i].target);
    }
    /* an OR of 40 free-text wildcards: the words of the telemetry's
     * processes, services and domains */
    static const char *const words[40] = {
        "mimikatz", "psexesvc", "ntdsutil", "vssadmin", "wevtutil", "certutil", "bitsadmin",
        "rundll32", "regsvr32", "mshta",    "cscript",  "wscript",  "schtasks", "portproxy",
        "procdump", "comsvcs",  "lsass",    "sekurlsa", "kerberos", "dcsync",   "ldifde",
        "adfind",   "nltest",   "whoami",   "net1",     "sdelete",  "anydesk",  "ngrok",
        "plink",    "rclone",   "megasync", "7z.exe",   "winrar",   "wmic",     "shadowcopy",
        "bcdedit",  "cipher",   "icacls",   "takeown",  "attrib"};
    char orq[2048];
    size_t ol = 0;
    for (int k = 0; k < 40; k++)
        ol += (size_t)snprintf(orq + ol, sizeof orq - ol, "%s*%s*", k ? " OR " : "", words[k]);
    ours = time_hunt(t, orq, runs, &rows, &first);
    double rg = queries_only ? -1 : time_rg(words, 40, 1, jl, runs < 3 ? runs : 3, &rgn);
    char sql[4096];
    size_t sl = (size_t)snprintf(sql, sizeof sql, "SELECT j FROM r WHERE ");
    for (int k = 0; k < 40; k++)
        sl += (size_t)snprintf(sql + sl, sizeof sql - sl, "%sj LIKE '%%%s%%'", k ? " OR " : "",
                               words[k]);
    long long sqn = 0;
    double sqt = time_sql(sq, sql, &sqn);
    row("40 free-text wildcards OR'ed (*mimikatz* OR ...)", ours, rows, first, rg, rgn, sqt, sqn,
        "< 200 ms, <= ripgrep");
    printf("\nThe hunt page's requests for a query (the server's hunt stops after the page's "
           "50 records; the chart is `| histogram 1m`):\n\n"
           "| query | first 50 records | `| histogram 1m` | `| count` | the page (50 records + "
           "histogram) | target at 10 M |\n|---|---|---|---|---|---|\n");
    page_row(t, "\"smss.exe\"", "\"smss.exe\"", runs);
    page_row(t, "*a*b*c*d*", "*a*b*c*d*", runs);
    page_row(t, "CommandLine:*powershell*", "CommandLine:*powershell*", runs);
    page_row(t, "40 free-text wildcards OR'ed", orq, runs);
    sqlite3_close(sq);
    sw_store_team_close(t);
    sw_store_close(s);
    if (!queries_only)
        sigma_row(bin, tdir);
    return 0;
}
