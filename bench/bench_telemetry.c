/* bench_telemetry.c — how fast telemetry is made.
 *
 * 1. Records generated and formatted per second on one core, to JSON lines
 *    in memory: a steady mix of the calls a busy network makes (process
 *    start/end, connections, DNS, file creation, logons), each producing
 *    every record its sensors write. Target: >= 2,000,000 records/s.
 * 2. The same for the background generator over the demo world (its own
 *    mix, with its scheduling and state).
 * 3. A 4-hour exercise day of background telemetry for a realistically
 *    sized world (5 teams x 150 hosts, 695 users): wall time and bytes, to
 *    memory and through the JSON-lines file sink. Target: under 10 s.
 * 4. The full telemetry of the built-in 4-hour example exercise: the
 *    scenario loaded, the simulation run through the sim bridge (attack
 *    records) with the background at the scenario's rates, to memory.
 * Each figure is the median of several runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/world.h"
#include "scenario/diag.h"
#include "scenario/scenario.h"
#include "sim/sim.h"
#include "telemetry/demo_world.h"
#include "telemetry/sim_bridge.h"
#include "telemetry/sink.h"
#include "telemetry/telemetry.h"

#define RUNS 7

typedef struct lines {
    char *buf;
    size_t len, cap;
    uint64_t records, bytes;
} lines_t;

/* JSON lines into a reusable 4 MiB buffer, as a file sink's stdio buffer. */
static int to_lines(void *ud, const sw_tel_record_t *r)
{
    lines_t *l = ud;
    if (l->len + r->json_len + 1 > l->cap)
        l->len = 0;
    memcpy(l->buf + l->len, r->json, r->json_len);
    l->len += r->json_len;
    l->buf[l->len++] = '\n';
    l->records++;
    l->bytes += r->json_len + 1;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return v[n / 2];
}

/* The best of the runs: on a shared machine the median carries the
 * neighbours' load, the best shows what one quiet core does. */
static double best(const double *v, int n, int highest)
{
    double b = v[0];
    for (int i = 1; i < n; i++)
        if (highest ? v[i] > b : v[i] < b)
            b = v[i];
    return b;
}

/* 1. the activity mix */
static void bench_mix(double *rate, double *rate_best, double *bytes_per_rec)
{
    sw_world_t w;
    sw_world_init(&w);
    sw_tel_demo_world(&w, 1, 40, 1);
    for (uint32_t h = 0; h < w.n_hosts; h++)
        if (w.hosts[h].role == SW_ROLE_WORKSTATION)
            w.hosts[h].sensors.sysmon = 1;
    uint32_t ws = sw_world_host(&w, "pw-ws001"), fs = sw_world_host(&w, "pw-fs01");
    uint32_t user = 0;
    lines_t l = {malloc(4 << 20), 0, 4 << 20, 0, 0};
    double r[RUNS], b[RUNS];
    for (int run = 0; run < RUNS; run++) {
        sw_tel_t *tel;
        sw_tel_config_t cfg = {.seed = 1, .proc_audit = SW_TEL_AUDIT_ALL, .cb = to_lines, .ud = &l};
        sw_tel_new(&tel, &w, &cfg);
        sw_tel_session_t s;
        sw_tel_logon(tel, 0, ws, user, NULL, 2, NULL, 0, &s);
        uint32_t browser;
        sw_tel_process_start(
            tel, 10, s, 0, "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
            "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\"", 0, &browser);
        sw_tel_conn_t web = {.src_host = ws,
                             .dst_host = SW_NONE,
                             .dst_ip = "142.250.4.100",
                             .dst_port = 443,
                             .dst_name = "www.google.com",
                             .service = "ssl",
                             .url = "https://www.google.com/search?q=palau+weather",
                             .bytes_out = 1200,
                             .bytes_in = 80000,
                             .duration_ms = 900};
        sw_tel_conn_t smb = {.src_host = ws,
                             .dst_host = fs,
                             .dst_port = 445,
                             .service = "smb",
                             .bytes_out = 3000,
                             .bytes_in = 200000,
                             .duration_ms = 1500};
        l.records = l.bytes = 0;
        int64_t t = 1000;
        double t0 = now_s();
        for (int i = 0; i < 200000; i++, t += 50) {
            uint32_t pid;
            sw_tel_process_start(tel, t, s, 0,
                                 "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                                 "powershell.exe -NoProfile -Command \"Get-Service | Where-Object "
                                 "Status -eq Running\"",
                                 0, &pid);
            sw_tel_dns(tel, t + 1, ws, browser, "www.google.com", "142.250.4.100", 0);
            sw_tel_net_conn(tel, t + 2, browser, &web, 0);
            sw_tel_net_conn(tel, t + 3, pid, &smb, 0);
            sw_tel_file_create(tel, t + 4, ws, pid,
                               "C:\\Users\\ana\\AppData\\Local\\Temp\\__PSScriptPolicyTest_x.ps1",
                               0);
            sw_tel_process_end(tel, t + 5, ws, pid, 0);
        }
        double dt = now_s() - t0;
        r[run] = (double)l.records / dt;
        b[run] = (double)l.bytes / (double)l.records;
        sw_tel_free(tel);
    }
    *rate_best = best(r, RUNS, 1);
    *rate = median(r, RUNS);
    *bytes_per_rec = median(b, RUNS);
    free(l.buf);
    sw_world_free(&w);
}

/* 2 and 3: background over a world for a duration; returns seconds. */
static double bench_bg(uint32_t teams, uint32_t hosts, int64_t dur_ms, const char *dir,
                       uint64_t *records, uint64_t *bytes)
{
    sw_world_t w;
    sw_world_init(&w);
    sw_tel_demo_world(&w, teams, hosts, 7);
    lines_t l = {malloc(4 << 20), 0, 4 << 20, 0, 0};
    sw_tel_files_t *files = NULL;
    sw_tel_fanout_t fan = {0};
    sw_tel_fanout_add(&fan, to_lines, &l);
    if (dir) {
        sw_errbuf_t err;
        if (sw_tel_files_open(&files, dir, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            exit(1);
        }
        sw_tel_fanout_add(&fan, sw_tel_files_write, files);
    }
    double t0 = now_s();
    sw_tel_t *tel;
    sw_tel_bg_t *bg;
    sw_tel_config_t cfg = {
        .seed = 7, .proc_audit = SW_TEL_AUDIT_SERVERS, .cb = sw_tel_fanout_cb, .ud = &fan};
    sw_tel_new(&tel, &w, &cfg);
    sw_tel_bg_new(&bg, tel, NULL, 7);
    for (int64_t t = 0; t < dur_ms; t += 60000)
        sw_tel_background_run(bg, t, t + 60000);
    sw_tel_bg_free(bg);
    sw_tel_free(tel);
    if (files)
        sw_tel_files_close(files, NULL);
    double dt = now_s() - t0;
    *records = l.records;
    *bytes = l.bytes;
    free(l.buf);
    sw_world_free(&w);
    return dt;
}

/* 4: a scenario's whole exercise, sim + bridge + background; seconds. */
static double bench_scenario(const char *name, uint64_t *records, uint64_t *bytes, uint64_t *steps)
{
    sw_world_t w;
    sw_diags_t d;
    sw_world_init(&w);
    sw_diags_init(&d);
    double t0 = now_s();
    if (sw_scenario_load(name, &w, &d) != SW_OK) {
        sw_diags_print(&d, stderr);
        exit(1);
    }
    lines_t l = {malloc(4 << 20), 0, 4 << 20, 0, 0};
    sw_tel_t *tel;
    sw_tel_bg_t *bg;
    sw_tel_bridge_t *br;
    sw_tel_rates_t rates;
    sw_tel_rates_from_world(&rates, &w);
    sw_tel_config_t cfg = {.seed = w.exercise.seed,
                           .proc_audit = sw_tel_audit_from_world(&w),
                           .cb = to_lines,
                           .ud = &l};
    if (sw_tel_new(&tel, &w, &cfg) || sw_tel_bg_new(&bg, tel, &rates, cfg.seed) ||
        sw_tel_bridge_new(&br, tel, bg)) {
        fprintf(stderr, "bench: cannot start telemetry\n");
        exit(1);
    }
    sw_sim_t *sim = sw_sim_new(&w, cfg.seed, sw_tel_bridge_sim_cb, br);
    for (int64_t t = 0; t < w.exercise.duration_ms;) {
        t = t + 60000 < w.exercise.duration_ms ? t + 60000 : w.exercise.duration_ms;
        sw_sim_run_until(sim, t);
        if (sw_tel_bridge_error(br) || sw_tel_bridge_advance(br, t)) {
            fprintf(stderr, "bench: telemetry failed\n");
            exit(1);
        }
    }
    double dt = now_s() - t0;
    *records = l.records;
    *bytes = l.bytes;
    *steps = sw_tel_bridge_steps(br);
    sw_sim_free(sim);
    sw_tel_bridge_free(br);
    sw_tel_bg_free(bg);
    sw_tel_free(tel);
    free(l.buf);
    sw_diags_free(&d);
    sw_world_free(&w);
    return dt;
}

int main(int argc, char **argv)
{
    double rate, rate_best, bpr;
    bench_mix(&rate, &rate_best, &bpr);
    printf("activity mix -> JSON lines:   %10.0f records/s on one core, median of %d (best %.0f; "
           "%.0f bytes/record,"
           " %.0f MB/s)   [target 2,000,000]\n",
           rate, RUNS, rate_best, bpr, rate * bpr / 1e6);
    if (argc > 1 && !strcmp(argv[1], "mix")) /* for profiling the formatters alone */
        return 0;

    double r[RUNS];
    uint64_t n = 0, bytes = 0;
    for (int i = 0; i < RUNS; i++) {
        double dt = bench_bg(1, 150, 8 * 3600000LL, NULL, &n, &bytes);
        r[i] = (double)n / dt;
    }
    double r_best = best(r, RUNS, 1);
    printf("background generator:         %10.0f records/s on one core, median (best %.0f; %.0f "
           "bytes/record)\n",
           median(r, RUNS), r_best, (double)bytes / (double)n);

    double mem[RUNS], disk[RUNS];
    uint64_t n2 = 0, b2 = 0;
    char dir[] = "/tmp/seawall-bench-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    for (int i = 0; i < RUNS; i++) {
        mem[i] = bench_bg(5, 150, 4 * 3600000LL, NULL, &n, &bytes);
        disk[i] = bench_bg(5, 150, 4 * 3600000LL, dir, &n2, &b2);
    }
    printf("4-hour day, 5 teams x 150 hosts: %llu records, %.1f MB; median %.2f s to memory, %.2f "
           "s to files"
           " (best %.2f / %.2f)   [target < 10 s]\n",
           (unsigned long long)n, (double)bytes / 1e6, median(mem, RUNS), median(disk, RUNS),
           best(mem, RUNS, 0), best(disk, RUNS, 0));
    double ex[RUNS];
    uint64_t n3 = 0, b3 = 0, steps = 0;
    for (int i = 0; i < RUNS; i++)
        ex[i] = bench_scenario("example", &n3, &b3, &steps);
    printf("the example exercise (4 h, sim + attack + background): %llu records (%llu attack "
           "steps), %.1f MB; median %.3f s to memory (best %.3f)\n",
           (unsigned long long)n3, (unsigned long long)steps, (double)b3 / 1e6, median(ex, RUNS),
           best(ex, RUNS, 0));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return 0;
}
