/* bench_store.c — the event store and the hunt language on N generated
 * Sysmon/Security-like records, against baselines on the same records in the
 * same run: ripgrep over them as JSON lines, an SQLite table with the same
 * indexed columns (the store's layout before segment files: built here,
 * its ingest timed too), SQLite FTS5 and LIKE '%x%'.
 *
 *   SW_BENCH_EVENTS  records (default 10,000,000)
 *   SW_BENCH_DIR     where the store, the JSON lines and the FTS5 database go
 *                    (default /tmp/sw-bench; needs ~1.2 KB of disk per record)
 *   SW_BENCH_RUNS    runs per baseline query, the median is printed (default
 *                    5); seawall's own queries, being fast, run 11 times
 *   SW_BENCH_KEEP=1  reuse an existing store and baseline database of the
 *                    right size (skips ingest)
 *   SW_BENCH_INGEST_RUNS  ingests of all records, each into a new store, the
 *                    median is printed (default 3)
 *   SW_BENCH_KEEP=2  reuse the JSON lines and the baselines, ingest the store
 *                    again (from the JSON lines)
 *
 * Ingest is printed twice: wall time of appending every record (held in
 * memory first, so reading the JSON lines is not timed) with the final
 * flush and fdatasync (what a user waits for, bounded by the disk), and CPU
 * only: user + system
 * time of the appending thread over the first 1,000,000 records held in
 * memory, appended to a scratch store (cpu.db in SW_BENCH_DIR), which is
 * what a faster disk would give, with the log's writer thread's time beside
 * it (it packs and writes the log on the other core; see store/evseg.h).
 *
 * Records: 50% Sysmon 1 process creation (Image, CommandLine, ParentImage,
 * User, Hashes), 25% Security 4624/4625 logons, 20% Sysmon 3 network
 * connections, 5% Security 4688; 400 hosts over ~28 hours; 12 rare needles
 * (an ntdsutil IFM dump) at known positions. Deterministic (sw_rng). */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/rng.h"
#include "detect/event.h"
#include "detect/event_flat.h"
#include "detect/query.h"
#include "store/evstore.h"

#include "bench_util.h"

#define T0_MS 1770681600000LL /* 2026-02-10T00:00:00Z */
#define STEP_MS 10            /* one record every 10 ms on average */
#define N_HOSTS 400
#define MAX_RUNS 15

/* ---- generating records ---------------------------------------------------------- */

static const char *const images[] = {
    "C:\\\\Windows\\\\System32\\\\svchost.exe",
    "C:\\\\Windows\\\\System32\\\\cmd.exe",
    "C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe",
    "C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe",
    "C:\\\\Windows\\\\System32\\\\conhost.exe",
    "C:\\\\Windows\\\\System32\\\\taskhostw.exe",
    "C:\\\\Windows\\\\System32\\\\wbem\\\\WmiPrvSE.exe",
    "C:\\\\Program Files\\\\Microsoft Office\\\\root\\\\Office16\\\\OUTLOOK.EXE",
    "C:\\\\Windows\\\\System32\\\\net.exe",
    "C:\\\\Windows\\\\System32\\\\schtasks.exe",
    "C:\\\\Windows\\\\System32\\\\reg.exe",
    "C:\\\\Windows\\\\System32\\\\rundll32.exe",
    "C:\\\\Program Files\\\\Backup\\\\agent.exe",
    "C:\\\\Windows\\\\explorer.exe",
};
#define N_IMAGES (sizeof images / sizeof images[0])

static const char *const cmd_fmt[] = {
    "C:\\\\Windows\\\\system32\\\\svchost.exe -k netsvcs -p -s Schedule%.0s",
    "cmd.exe /c \\\"dir C:\\\\Users\\\\%s\\\\Documents\\\"",
    "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\\\Scripts\\\\inventory-%s.ps1",
    ("\\\"C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe\\\" --type=renderer "
     "--lang=en-US --field-trial-handle=%s"),
    "\\\\??\\\\C:\\\\Windows\\\\system32\\\\conhost.exe 0xffffffff -ForceV1%.0s",
    "taskhostw.exe KEYROAMING%.0s",
    "C:\\\\Windows\\\\system32\\\\wbem\\\\wmiprvse.exe -secured -Embedding%.0s",
    "\\\"C:\\\\Program Files\\\\Microsoft Office\\\\root\\\\Office16\\\\OUTLOOK.EXE\\\" "
    "/recycle%.0s",
    "net use Z: \\\\\\\\fs01\\\\share\\\\%s /persistent:no",
    "schtasks /query /fo LIST /v /tn \\\\Backup\\\\%s",
    "reg query HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run /v %s",
    "rundll32.exe C:\\\\Windows\\\\system32\\\\shell32.dll,Control_RunDLL %s.cpl",
    "agent.exe --schedule nightly --job %s",
    "C:\\\\Windows\\\\explorer.exe /factory,{75dff2b7-6936-4c06-a8bb-676a7b00b24b} %s",
};

static const char *const users[] = {"alice", "bob",   "carol", "dave", "erin",    "frank",
                                    "grace", "heidi", "ivan",  "judy", "adm-bob", "svc-backup"};
#define N_USERS (sizeof users / sizeof users[0])

#define NEEDLE_CMD "ntdsutil \\\"ac i ntds\\\" ifm \\\"create full c:\\\\temp\\\\ifm\\\" q q"
#define N_NEEDLES 12

/* Record i as one JSON line into out; returns its length. */
static int gen_record(sw_rng_t *r, uint64_t i, uint64_t n, char *out, size_t cap)
{
    int64_t ts = T0_MS + (int64_t)i * STEP_MS + (int64_t)sw_rng_below(r, STEP_MS);
    char t[64];
    sw_query_format_time(ts, t);
    unsigned host = (unsigned)sw_rng_below(r, N_HOSTS);
    const char *user = users[sw_rng_below(r, N_USERS)];
    uint64_t kind = sw_rng_below(r, 100);
    int needle = n >= N_NEEDLES && i % (n / N_NEEDLES) == n / N_NEEDLES / 2;
    if (needle)
        return snprintf(out, cap,
                        "{\"@timestamp\":\"%s\",\"EventID\":1,\"Channel\":\"Microsoft-Windows-"
                        "Sysmon/Operational\",\"Computer\":\"dc01.moh.pw\",\"Image\":\"C:\\\\"
                        "Windows\\\\System32\\\\ntdsutil.exe\",\"CommandLine\":\"" NEEDLE_CMD
                        "\",\"ParentImage\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\",\"User\":"
                        "\"MOH\\\\adm-bob\",\"ProcessId\":%u,\"Hashes\":\"SHA256=%016llx%016llx\"}",
                        t, (unsigned)sw_rng_below(r, 60000), (unsigned long long)sw_rng_next(r),
                        (unsigned long long)sw_rng_next(r));
    if (kind < 50) {
        unsigned im = (unsigned)sw_rng_below(r, N_IMAGES);
        char arg[32], cmd[512];
        snprintf(arg, sizeof arg, "%s%u", user, (unsigned)sw_rng_below(r, 1000));
        snprintf(cmd, sizeof cmd, cmd_fmt[im], arg);
        return snprintf(
            out, cap,
            "{\"@timestamp\":\"%s\",\"EventID\":1,\"Channel\":\"Microsoft-Windows-Sysmon/"
            "Operational\",\"Computer\":\"ws%03u.moh.pw\",\"Image\":\"%s\",\"CommandLine\":\"%s\","
            "\"ParentImage\":\"%s\",\"User\":\"MOH\\\\%s\",\"ProcessId\":%u,\"IntegrityLevel\":"
            "\"Medium\",\"Hashes\":\"SHA256=%016llx%016llx\"}",
            t, host, images[im], cmd, images[sw_rng_below(r, N_IMAGES)], user,
            (unsigned)sw_rng_below(r, 60000), (unsigned long long)sw_rng_next(r),
            (unsigned long long)sw_rng_next(r));
    }
    if (kind < 75)
        return snprintf(out, cap,
                        "{\"@timestamp\":\"%s\",\"EventID\":%d,\"Channel\":\"Security\","
                        "\"Computer\":\"ws%03u.moh.pw\",\"TargetUserName\":\"%s\",\"TargetDomain"
                        "Name\":\"MOH\",\"LogonType\":%d,\"IpAddress\":\"10.1.%u.%u\","
                        "\"WorkstationName\":\"WS%03u\",\"LogonProcessName\":\"NtLmSsp\"}",
                        t, sw_rng_chance(r, 0.1) ? 4625 : 4624, host, user,
                        sw_rng_chance(r, 0.8) ? 3 : 10, (unsigned)sw_rng_below(r, 8),
                        (unsigned)sw_rng_below(r, 250), (unsigned)sw_rng_below(r, N_HOSTS));
    if (kind < 95)
        return snprintf(out, cap,
                        "{\"@timestamp\":\"%s\",\"EventID\":3,\"Channel\":\"Microsoft-Windows-"
                        "Sysmon/Operational\",\"Computer\":\"ws%03u.moh.pw\",\"Image\":\"%s\","
                        "\"User\":\"MOH\\\\%s\",\"Protocol\":\"tcp\",\"SourceIp\":\"10.1.%u.%u\","
                        "\"SourcePort\":%u,\"DestinationIp\":\"%u.%u.%u.%u\",\"DestinationPort\":"
                        "%u}",
                        t, host, images[sw_rng_below(r, N_IMAGES)], user,
                        (unsigned)sw_rng_below(r, 8), (unsigned)sw_rng_below(r, 250),
                        (unsigned)sw_rng_range(r, 49152, 65535), (unsigned)sw_rng_range(r, 1, 223),
                        (unsigned)sw_rng_below(r, 256), (unsigned)sw_rng_below(r, 256),
                        (unsigned)sw_rng_below(r, 256),
                        sw_rng_chance(r, 0.7) ? 443u : (unsigned)sw_rng_range(r, 1, 65535));
    return snprintf(out, cap,
                    "{\"@timestamp\":\"%s\",\"EventID\":4688,\"Channel\":\"Security\",\"Computer\":"
                    "\"ws%03u.moh.pw\",\"NewProcessName\":\"%s\",\"SubjectUserName\":\"%s\","
                    "\"TokenElevationType\":\"%%%%1936\"}",
                    t, host, images[sw_rng_below(r, N_IMAGES)], user);
}

/* ---- running things --------------------------------------------------------------- */

static int count_cb(const sw_qrow_t *row, void *ud)
{
    uint64_t *n = ud;
    *n += row->is_record ? 1 : row->count ? 1 : 0;
    return 0;
}

/* Median seconds of q over runs; *rows gets the rows of the last run. */
static double time_hunt(sw_store_team_t *t, const char *text, int runs, uint64_t *rows)
{
    sw_query_t q;
    sw_errbuf_t err;
    sw_query_opts_t o = {.now_ms = T0_MS + 86400000};
    if (sw_query_parse(&q, text, strlen(text), &o, &err)) {
        fprintf(stderr, "bench: %s: %s\n", text, err.msg);
        exit(1);
    }
    double v[MAX_RUNS];
    if (runs > 1 && runs < 11)
        runs = 11; /* cheap: a steadier median */
    for (int i = 0; i < runs; i++) {
        *rows = 0;
        double t0 = now_s();
        if (sw_store_search(t, &q, count_cb, rows, &err)) {
            fprintf(stderr, "bench: %s: %s\n", text, err.msg);
            exit(1);
        }
        v[i] = now_s() - t0;
    }
    sw_query_free(&q);
    return median(v, runs);
}

/* Median seconds of a SQL statement; *out gets the first column of the first row. */
static double time_sql(sqlite3 *db, const char *sql, int runs, long long *out)
{
    double v[MAX_RUNS];
    for (int i = 0; i < runs; i++) {
        sqlite3_stmt *st;
        double t0 = now_s();
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "bench: %s: %s\n", sql, sqlite3_errmsg(db));
            exit(1);
        }
        *out = 0;
        int n = 0;
        while (sqlite3_step(st) == SQLITE_ROW)
            if (n++ == 0)
                *out = sqlite3_column_int64(st, sqlite3_column_count(st) - 1);
        sqlite3_finalize(st);
        v[i] = now_s() - t0;
    }
    return median(v, runs);
}

/* Median seconds of `rg -c [-i] -F pattern file`; -1 without rg. */
static double time_rg(const char *pattern, const char *file, int ci, int runs, long long *hits)
{
    const char *argv[] = {"rg", "-c", "-F", pattern, file, NULL, NULL};
    const char *argv_ci[] = {"rg", "-c", "-i", "-F", pattern, file, NULL};
    return time_count_cmd((char *const *)(uintptr_t)(ci ? argv_ci : argv), runs, hits);
}

static void line(const char *what, double ours_s, const char *base, double base_s, uint64_t n1,
                 long long n2, const char *target)
{
    printf("  %-36s %9.2f ms  (%llu rows)", what, ours_s * 1e3, (unsigned long long)n1);
    if (base)
        printf(" | %-22s %9.2f ms (%lld) ratio %6.1fx", base, base_s * 1e3, n2,
               ours_s > 0 ? base_s / ours_s : 0);
    if (target)
        printf("  [target %s]", target);
    printf("\n");
}

/* Bytes of the store: the SQLite file and its segment files. */
static long long du(const char *db_path)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "du -sb '%s' '%s.seg' 2>/dev/null", db_path, db_path);
    FILE *p = popen(cmd, "r");
    long long total = 0, x;
    char name[600];
    while (p && fscanf(p, "%lld %599s", &x, name) == 2)
        total += x;
    if (p)
        pclose(p);
    return total;
}

/* The baseline: the same records in an SQLite table with the indexed
 * columns the store used to keep (team, time, Computer, EventID, ...;
 * indexes (team, time), (team, Computer, time), (team, EventID, time)),
 * fed from the JSON lines with the same flat parser. Timed. */
static int sql_baseline(const char *sql_path, const char *jl_path, uint64_t n)
{
    static const char *const fields[] = {
        "Computer", "EventID",        "Channel",   "Image",    "CommandLine",  "ParentImage",
        "User",     "TargetUserName", "IpAddress", "SourceIp", "DestinationIp"};
    sqlite3 *db;
    if (sqlite3_open(sql_path, &db) != SQLITE_OK)
        return 1;
    double t0 = now_s();
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "PRAGMA cache_size=-262144;"
                     "CREATE TABLE events(id INTEGER PRIMARY KEY, team INTEGER NOT NULL,"
                     " ts_ms INTEGER NOT NULL, computer TEXT COLLATE NOCASE, event_id INTEGER,"
                     " channel TEXT COLLATE NOCASE, image TEXT COLLATE NOCASE,"
                     " command_line TEXT COLLATE NOCASE, parent_image TEXT COLLATE NOCASE,"
                     " user TEXT COLLATE NOCASE, target_user TEXT COLLATE NOCASE,"
                     " ip_address TEXT COLLATE NOCASE, source_ip TEXT COLLATE NOCASE,"
                     " destination_ip TEXT COLLATE NOCASE);"
                     "CREATE INDEX events_team_ts ON events(team, ts_ms);"
                     "CREATE INDEX events_team_host ON events(team, computer, ts_ms);"
                     "CREATE INDEX events_team_eid ON events(team, event_id, ts_ms);"
                     "BEGIN;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: %s: %s\n", sql_path, sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db,
                       "INSERT INTO events(team, ts_ms, computer, event_id, channel, image,"
                       " command_line, parent_image, user, target_user, ip_address, source_ip,"
                       " destination_ip) VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?)",
                       -1, &st, NULL);
    FILE *jl = fopen(jl_path, "r");
    char line[4096];
    sw_event_t ev;
    sw_event_init(&ev);
    uint64_t i = 0;
    while (jl && fgets(line, sizeof line, jl)) {
        size_t len = strlen(line);
        if (sw_event_parse_flat(&ev, line, len - 1) != SW_OK)
            continue;
        int64_t ts = 0;
        sw_query_event_time(&ev, &ts);
        sqlite3_bind_int64(st, 1, ts);
        for (int c = 0; c < 11; c++) {
            const sw_field_t *f = sw_event_get(&ev, fields[c]);
            if (!f)
                sqlite3_bind_null(st, 2 + c);
            else if (c == 1)
                sqlite3_bind_int64(st, 2 + c, atoll(f->value));
            else
                sqlite3_bind_text(st, 2 + c, f->value, (int)f->value_len, SQLITE_STATIC);
        }
        sqlite3_step(st);
        sqlite3_reset(st);
        if (++i % 100000 == 0)
            sqlite3_exec(db, "COMMIT; BEGIN;", NULL, NULL, NULL);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(st);
    sw_event_free(&ev);
    if (jl)
        fclose(jl);
    sqlite3_close(db);
    double dt = now_s() - t0;
    printf("  baseline: SQLite indexed table (no JSON kept) %.0f records/s (%.1f s for %llu)\n",
           (double)n / dt, dt, (unsigned long long)n);
    return 0;
}

/* The whole file in a malloc'd buffer (*len bytes); NULL with errno. */
static char *slurp_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fileno(f), &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
        *len = fread(buf, 1, (size_t)st.st_size, f);
        if (*len != (size_t)st.st_size) {
            free(buf);
            buf = NULL;
            errno = EIO;
        }
    }
    fclose(f);
    return buf;
}

static double cpu_now_s(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/* Ingest CPU only: up to 1,000,000 records of jl_path held in memory,
 * appended to a new scratch store in dir; user + system time of the
 * appends (page-cache writes included, the disk's speed not), and the
 * flush with fdatasync apart. Returns non-zero on a failure. */
static int cpu_ingest(const char *dir, const char *jl_path)
{
    enum { MAX_CPU_RECORDS = 1000000 };
    FILE *jl = fopen(jl_path, "r");
    if (!jl)
        return 0; /* no JSON lines (SW_BENCH_KEEP=1 without them): nothing to measure */
    size_t cap = (size_t)1 << 28, used = 0, n = 0;
    char *text = malloc(cap);
    size_t *end = malloc(MAX_CPU_RECORDS * sizeof *end);
    static char rec[4096];
    while (text && end && n < MAX_CPU_RECORDS && fgets(rec, sizeof rec, jl)) {
        size_t len = strlen(rec) - 1;
        if (used + len > cap) {
            char *more = realloc(text, cap * 2);
            if (!more)
                break;
            text = more;
            cap *= 2;
        }
        memcpy(text + used, rec, len);
        used += len;
        end[n++] = used;
    }
    fclose(jl);
    char db[600];
    snprintf(db, sizeof db, "%s/cpu.db", dir);
    sw_errbuf_t err;
    sw_store_remove(db, &err); /* the old store and its FILE.seg */
    sw_store_t *s = NULL;
    sw_store_team_t *t = NULL;
    int rc = 1;
    if (!text || !end || sw_store_open(db, &s, &err) || sw_store_team_open(s, "blue", 1, &t, &err))
        goto done;
    double c0 = cpu_now_s(RUSAGE_SELF), m0 = cpu_now_s(RUSAGE_THREAD), w0 = now_s();
    for (size_t i = 0; i < n; i++) {
        size_t a = i ? end[i - 1] : 0;
        if (sw_store_append(t, text + a, end[i] - a, NULL, &err))
            goto done;
    }
    double w1 = now_s();
    if (sw_store_flush(s, &err)) /* the writer thread's last blocks, and fdatasync (wall) */
        goto done;
    double c1 = cpu_now_s(RUSAGE_SELF), m1 = cpu_now_s(RUSAGE_THREAD), w2 = now_s();
    /* the appending thread is the limit: the log's writer thread (packing,
     * checksums, the log's writes) runs beside it on the other core */
    printf("  ingest, CPU only: %.0f records/s on the appending thread (%.2f us a record; the "
           "log's writer thread %.2f us a record beside it; %zu records from memory; wall "
           "%.0f/s, then flush+fdatasync %.2f s)\n",
           (double)n / (m1 - m0), (m1 - m0) / (double)n * 1e6,
           ((c1 - c0) - (m1 - m0)) / (double)n * 1e6, n, (double)n / (w1 - w0), w2 - w1);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "bench: CPU-only ingest: %s\n", s ? err.msg : "cannot start");
    if (t)
        sw_store_team_close(t);
    if (s)
        sw_store_close(s);
    free(text);
    free(end);
    return rc;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures appear as they are measured */
    uint64_t n = 10000000;
    const char *e = getenv("SW_BENCH_EVENTS");
    if (e && atoll(e) > 0)
        n = (uint64_t)atoll(e);
    int runs = getenv("SW_BENCH_RUNS") ? atoi(getenv("SW_BENCH_RUNS")) : 5;
    if (runs < 1 || runs > MAX_RUNS)
        runs = 5;
    const char *dir = getenv("SW_BENCH_DIR") ? getenv("SW_BENCH_DIR") : "/tmp/sw-bench";
    int keep = getenv("SW_BENCH_KEEP") ? atoi(getenv("SW_BENCH_KEEP")) : 0;
    mkdir(dir, 0755);
    char db_path[512], jl_path[512], fts_path[512], sql_path[512];
    snprintf(db_path, sizeof db_path, "%s/store-%llu.db", dir, (unsigned long long)n);
    snprintf(sql_path, sizeof sql_path, "%s/sql-%llu.db", dir, (unsigned long long)n);
    snprintf(jl_path, sizeof jl_path, "%s/events-%llu.jsonl", dir, (unsigned long long)n);
    snprintf(fts_path, sizeof fts_path, "%s/fts-%llu.db", dir, (unsigned long long)n);
    printf("bench_store: %llu records, medians of %d runs, in %s\n", (unsigned long long)n, runs,
           dir);

    sw_errbuf_t err;
    sw_store_t *s;
    sw_store_team_t *t;
    struct stat sb;
    int reuse_base = keep && stat(jl_path, &sb) == 0 && stat(sql_path, &sb) == 0;
    int reuse = keep == 1 && reuse_base && stat(db_path, &sb) == 0;
    if (!reuse_base) {
        char p[600];
        const char *sfx[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            snprintf(p, sizeof p, "%s%s", fts_path, sfx[i]);
            unlink(p);
            snprintf(p, sizeof p, "%s%s", sql_path, sfx[i]);
            unlink(p);
        }
    }
    if (!reuse)
        sw_store_remove(db_path, &err); /* the old store and its FILE.seg */
    if (sw_store_open(db_path, &s, &err) || sw_store_team_open(s, "blue", 1, &t, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    /* ---- ingest (and the same records as JSON lines for ripgrep) ---- */
    if (!reuse && !reuse_base) { /* the records, once, as JSON lines */
        FILE *jl = fopen(jl_path, "w");
        if (!jl) {
            fprintf(stderr, "bench: %s: %s\n", jl_path, strerror(errno));
            return 1;
        }
        sw_rng_t r;
        sw_rng_init(&r, 42, "bench_store", 0);
        char rec[2048];
        double t0 = now_s();
        for (uint64_t i = 0; i < n; i++) {
            int len = gen_record(&r, i, n, rec, sizeof rec);
            fwrite(rec, 1, (size_t)len, jl);
            fputc('\n', jl);
        }
        if (fclose(jl) != 0) {
            fprintf(stderr, "bench: %s: %s\n", jl_path, strerror(errno));
            return 1;
        }
        stat(jl_path, &sb);
        printf("  records: %.2f GB of JSON lines generated in %.1f s\n", (double)sb.st_size / 1e9,
               now_s() - t0);
    }
    if (!reuse) {
        /* all records in memory first (untimed), then the wall time of
         * appending them all, the last flush and its fdatasync: the log's
         * writer thread works while the clock runs, never outside it */
        size_t jl_len = 0;
        char *text = slurp_file(jl_path, &jl_len);
        if (!text) {
            fprintf(stderr, "bench: %s: %s\n", jl_path, strerror(errno));
            return 1;
        }
        /* SW_BENCH_INGEST_RUNS times (default 3) into a new store each
         * time; the median is the figure */
        int iruns = getenv("SW_BENCH_INGEST_RUNS") ? atoi(getenv("SW_BENCH_INGEST_RUNS")) : 3;
        if (iruns < 1 || iruns > MAX_RUNS)
            iruns = 3;
        double rate[MAX_RUNS], secs = 0;
        uint64_t i = 0;
        for (int k = 0; k < iruns; k++) {
            if (k) { /* the same records again, into a new store */
                sw_store_team_close(t);
                sw_store_close(s);
                sw_store_remove(db_path, &err); /* the old store and its FILE.seg */
                if (sw_store_open(db_path, &s, &err) ||
                    sw_store_team_open(s, "blue", 1, &t, &err)) {
                    fprintf(stderr, "bench: %s\n", err.msg);
                    return 1;
                }
            }
            i = 0;
            double t0 = now_s();
            for (char *p = text, *tend = text + jl_len; p < tend; i++) {
                char *nl = memchr(p, '\n', (size_t)(tend - p));
                size_t len = nl ? (size_t)(nl - p) : (size_t)(tend - p);
                if (sw_store_append(t, p, len, NULL, &err)) {
                    fprintf(stderr, "bench: record %llu: %s\n", (unsigned long long)i, err.msg);
                    return 1;
                }
                p += len + 1;
            }
            if (sw_store_flush(s, &err)) {
                fprintf(stderr, "bench: flush: %s\n", err.msg);
                return 1;
            }
            secs = now_s() - t0;
            rate[k] = (double)i / secs;
        }
        free(text);
        double lo = rate[0], hi = rate[0];
        for (int k = 1; k < iruns; k++) {
            lo = rate[k] < lo ? rate[k] : lo;
            hi = rate[k] > hi ? rate[k] : hi;
        }
        printf(
            "  ingest: %.0f records/s, median of %d (runs %.0f-%.0f; the last %.1f s for %llu from "
            "memory, the last flush and fdatasync included)  [target >= 1,000,000/s]\n",
            median(rate, iruns), iruns, lo, hi, secs, (unsigned long long)i);
        if (reuse_base)
            printf("  baseline: SQLite indexed table kept from an earlier run "
                   "(SW_BENCH_KEEP=2)\n");
        else if (sql_baseline(sql_path, jl_path, n))
            return 1;
    } else {
        printf("  ingest: skipped (SW_BENCH_KEEP=1 and %s exists)\n", db_path);
    }
    if (cpu_ingest(dir, jl_path))
        return 1;
    printf("  store: %.2f GB in segment files (%.0f bytes/record)\n", (double)du(db_path) / 1e9,
           (double)du(db_path) / (double)n);

    /* ---- 0. a fresh handle: what a one-shot `seawall hunt` pays ---- */
    sw_store_team_close(t);
    sw_store_close(s);
    printf("\n0. a fresh process: open, then the first query of each kind\n");
    double o0 = now_s();
    if (sw_store_open(db_path, &s, &err) || sw_store_team_open(s, "blue", 0, &t, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    printf("  %-36s %9.2f ms\n", "open store + team", (now_s() - o0) * 1e3);
    const char *firsts[] = {"CommandLine:*ntdsutil*", "CommandLine:*dsuti*c:\\\\temp*",
                            "* | top 10 Image", "EventID:4625 | top 10 IpAddress"};
    for (size_t i = 0; i < sizeof firsts / sizeof firsts[0]; i++) {
        uint64_t r0;
        double f0 = now_s();
        time_hunt(t, firsts[i], 1, &r0);
        printf("  first %-30s %9.2f ms  (%llu rows)%s\n", firsts[i], (now_s() - f0) * 1e3,
               (unsigned long long)r0, i == 0 ? "  (writes the token index files if missing)" : "");
    }
    /* once more: what every later process pays, the index files there */
    sw_store_team_close(t);
    sw_store_close(s);
    o0 = now_s();
    if (sw_store_open(db_path, &s, &err) || sw_store_team_open(s, "blue", 0, &t, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    {
        uint64_t r0;
        time_hunt(t, firsts[0], 1, &r0);
        printf("  %-36s %9.2f ms  (%llu rows)\n", "later process: open + first term",
               (now_s() - o0) * 1e3, (unsigned long long)r0);
    }

    sqlite3 *db;
    sqlite3_open_v2(sql_path, &db, SQLITE_OPEN_READONLY, NULL);
    long long got;
    uint64_t rows;
    double ours, base;

    /* ---- 1. time range + host equality ---- */
    char q1[256], s1[512];
    int64_t lo = T0_MS + (int64_t)(n / 2) * STEP_MS, hi = lo + 600000; /* 10 minutes */
    char tlo[64], thi[64];
    sw_query_format_time(lo, tlo);
    sw_query_format_time(hi, thi);
    snprintf(q1, sizeof q1, "Computer:ws042.moh.pw AND @timestamp:[%s TO %s]", tlo, thi);
    snprintf(s1, sizeof s1,
             "SELECT count(*) FROM events WHERE team = 1 AND computer = 'ws042.moh.pw'"
             " AND ts_ms BETWEEN %lld AND %lld",
             (long long)lo, (long long)hi);
    printf("\n1. time range + field equality: %s\n", q1);
    ours = time_hunt(t, q1, runs, &rows);
    base = time_sql(db, s1, runs, &got);
    line("seawall hunt (records)", ours, "SQLite indexed count", base, rows, got, "< 5 ms");

    double t0;

    /* ---- 3. a term in CommandLine ---- */
    printf("\n3. a term in CommandLine: CommandLine:*ntdsutil*\n");
    ours = time_hunt(t, "CommandLine:*ntdsutil*", runs, &rows);
    line("seawall hunt", ours, NULL, 0, rows, 0, "< 5 ms");
    base = time_sql(db, "SELECT count(*) FROM events WHERE command_line LIKE '%ntdsutil%'", runs,
                    &got);
    line("", ours, "SQLite LIKE '%x%'", base, rows, got, NULL);
    base = time_rg("ntdsutil", jl_path, 0, runs, &got);
    line("", ours, "ripgrep -c -F", base, rows, got, NULL);
    base = time_rg("ntdsutil", jl_path, 1, runs, &got);
    line("", ours, "ripgrep -c -i -F", base, rows, got, NULL);
    uint64_t rows_c;
    double ours_c = time_hunt(t, "CommandLine:*ntdsutil* | count", runs, &rows_c);
    line("seawall hunt ... | count", ours_c, NULL, 0, rows_c, 0, NULL);

    /* FTS5 on the same CommandLines (built here, timed) */
    sqlite3 *fdb;
    sqlite3_open(fts_path, &fdb);
    sqlite3_exec(fdb, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;", NULL, NULL, NULL);
    int have_fts = 0;
    {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(fdb, "SELECT count(*) FROM cl", -1, &st, NULL) == SQLITE_OK) {
            have_fts = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
            sqlite3_finalize(st);
        }
    }
    if (!have_fts) {
        char attach[700];
        snprintf(attach, sizeof attach, "ATTACH '%s' AS ev", sql_path);
        t0 = now_s();
        if (sqlite3_exec(fdb, attach, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(fdb,
                         "CREATE VIRTUAL TABLE cl USING fts5(command_line, content='');"
                         "INSERT INTO cl(rowid, command_line) SELECT id, command_line FROM "
                         "ev.events WHERE command_line IS NOT NULL;",
                         NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(stderr, "bench: fts5: %s\n", sqlite3_errmsg(fdb));
            return 1;
        }
        sqlite3_exec(fdb, "DETACH ev", NULL, NULL, NULL);
        printf("  (FTS5 index built in %.1f s: %.0f records/s)\n", now_s() - t0,
               (double)n / (now_s() - t0));
    }
    base = time_sql(fdb, "SELECT count(*) FROM cl WHERE cl MATCH 'ntdsutil'", runs, &got);
    line("", ours, "SQLite FTS5 MATCH", base, rows, got, NULL);

    /* ---- 4. an arbitrary substring over CommandLine ---- */
    printf("\n4. arbitrary wildcard substring: CommandLine:*dsuti*c:\\\\temp*\n");
    ours = time_hunt(t, "CommandLine:*dsuti*c:\\\\temp*", runs, &rows);
    base = time_sql(db, "SELECT count(*) FROM events WHERE command_line LIKE '%dsuti%c:\\temp%'",
                    runs, &got);
    line("seawall hunt", ours, "SQLite LIKE '%x%'", base, rows, got, "< 200 ms, <= ripgrep");
    base = time_rg("dsuti", jl_path, 1, runs, &got);
    line("", ours, "ripgrep -c -i -F dsuti", base, rows, got, NULL);
    ours = time_hunt(t, "CommandLine:*l\\ \\\"ac*", runs, &rows);
    base =
        time_sql(db, "SELECT count(*) FROM events WHERE command_line LIKE '%l \"ac%'", runs, &got);
    line("no 3-byte token: *l\\ \\\"ac* (scan)", ours, "SQLite LIKE '%x%'", base, rows, got, NULL);
    ours = time_hunt(t, "CommandLine:*Schedule* | count", runs, &rows);
    base = time_sql(db, "SELECT count(*) FROM events WHERE command_line LIKE '%schedule%'", runs,
                    &got);
    line("common: *Schedule* | count", ours, "SQLite LIKE '%x%'", base, rows, got, NULL);

    /* ---- 5. top 10 ---- */
    printf("\n5. top-10 values of a field: * | top 10 Image\n");
    ours = time_hunt(t, "* | top 10 Image", runs, &rows);
    base = time_sql(db,
                    "SELECT image, count(*) FROM events WHERE team = 1 AND image IS NOT NULL"
                    " GROUP BY image ORDER BY 2 DESC LIMIT 10",
                    runs, &got);
    line("seawall hunt", ours, "SQLite GROUP BY", base, rows, got, "< 200 ms");
    ours = time_hunt(t, "EventID:4625 | top 10 IpAddress", runs, &rows);
    base = time_sql(db,
                    "SELECT ip_address, count(*) FROM events WHERE team = 1 AND event_id = 4625"
                    " GROUP BY ip_address ORDER BY 2 DESC LIMIT 10",
                    runs, &got);
    line("EventID:4625 | top 10 IpAddress", ours, "SQLite GROUP BY", base, rows, got, NULL);
    ours = time_hunt(t, "* | histogram 1h", runs, &rows);
    line("* | histogram 1h", ours, NULL, 0, rows, 0, NULL);

    sqlite3_close(fdb);
    sqlite3_close(db);
    sw_store_team_close(t);
    sw_store_close(s);
    return 0;
}
