/* cmd_telemetry.c — `seawall telemetry`: generate telemetry to files and/or
 * a syslog collector. Until the simulation engine is wired in, this is
 * background activity only (users, administrators, machines) on the
 * built-in demo world; no attack is simulated. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/err.h"
#include "model/world.h"
#include "telemetry/demo_world.h"
#include "telemetry/sink.h"
#include "telemetry/telemetry.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: seawall telemetry --demo-world [options]\n"
               "\n"
               "Generate the log records defenders hunt through: Sysmon, Windows Security and\n"
               "System, Linux auth and auditd, Zeek, Suricata, firewall, proxy, NetFlow, device\n"
               "syslog, antivirus, mail and web access logs (docs/telemetry.md).\n"
               "\n"
               "BACKGROUND ONLY for now: benign activity of users, administrators and machines\n"
               "on the built-in demo world. Attack telemetry arrives when the simulation engine\n"
               "is wired in, and scenario files when the loader is.\n"
               "\n"
               "options:\n"
               "  --demo-world        use the built-in demo world (required for now)\n"
               "  --teams N           teams in the demo world (1-8, default 2)\n"
               "  --hosts N           hosts per team (16-4000, default 40)\n"
               "  --seed N            random seed (default 1)\n"
               "  --from DUR          exercise time to start at (default 0)\n"
               "  --until DUR         exercise time to stop at (default 1h)\n"
               "                      DUR: a number with s, m, h or d (\"90m\"); bare = seconds\n"
               "  --out DIR           write DIR/<team>/<source>.jsonl and DIR/truth.jsonl\n"
               "  --syslog URL        send RFC 5424 syslog to udp://HOST:PORT or tcp://HOST:PORT\n"
               "                      (repeatable; TCP uses octet-counted framing)\n"
               "  --quiet             no summary on stderr\n");
}

static int parse_dur(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return -1;
    double mul = 1000;
    if (*end == 's')
        end++;
    else if (*end == 'm')
        mul = 60e3, end++;
    else if (*end == 'h')
        mul = 3600e3, end++;
    else if (*end == 'd')
        mul = 86400e3, end++;
    if (*end || v * mul > 365 * 86400e3)
        return -1;
    *out = (int64_t)(v * mul);
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

int cmd_telemetry(int argc, char **argv)
{
    int demo = 0, quiet = 0;
    uint64_t teams = 2, hosts = 40, seed = 1;
    int64_t from_ms = 0, until_ms = 3600000;
    const char *out_dir = NULL;
    const char *syslog_urls[6];
    int n_syslog = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--demo-world")) {
            demo = 1;
            continue;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "seawall telemetry: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--teams"))
            bad = parse_u64(v, &teams) || teams < 1 || teams > 8;
        else if (!strcmp(a, "--hosts"))
            bad = parse_u64(v, &hosts) || hosts < 16 || hosts > 4000;
        else if (!strcmp(a, "--seed"))
            bad = parse_u64(v, &seed);
        else if (!strcmp(a, "--from"))
            bad = parse_dur(v, &from_ms);
        else if (!strcmp(a, "--until"))
            bad = parse_dur(v, &until_ms);
        else if (!strcmp(a, "--out"))
            out_dir = v;
        else if (!strcmp(a, "--syslog")) {
            if (n_syslog == 6) {
                fprintf(stderr, "seawall telemetry: at most 6 --syslog collectors\n");
                return 2;
            }
            syslog_urls[n_syslog++] = v;
        } else {
            fprintf(stderr, "seawall telemetry: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "seawall telemetry: bad value for %s: '%s'\n", a, v);
            return 2;
        }
    }
    if (!demo) {
        fprintf(stderr,
                "seawall telemetry: --demo-world is required until scenarios can be loaded\n");
        usage(stderr);
        return 2;
    }
    if (until_ms <= from_ms) {
        fprintf(stderr, "seawall telemetry: --until must be after --from\n");
        return 2;
    }
    if (!out_dir && !n_syslog) {
        fprintf(stderr,
                "seawall telemetry: nowhere to write: give --out DIR and/or --syslog URL\n");
        return 2;
    }

    int status = 1;
    sw_errbuf_t err = {{0}};
    sw_world_t w;
    sw_world_init(&w);
    sw_tel_t *tel = NULL;
    sw_tel_bg_t *bg = NULL;
    sw_tel_files_t *files = NULL;
    sw_tel_syslog_t *sl[6] = {0};
    sw_tel_fanout_t fan = {0};
    int rc = sw_tel_demo_world(&w, (uint32_t)teams, (uint32_t)hosts, seed);
    if (rc) {
        fprintf(stderr, "seawall telemetry: cannot build the demo world: %s\n", sw_strerror(rc));
        goto done;
    }
    if (out_dir) {
        if (sw_tel_files_open(&files, out_dir, &err)) {
            fprintf(stderr, "seawall telemetry: %s\n", err.msg);
            goto done;
        }
        sw_tel_fanout_add(&fan, sw_tel_files_write, files);
    }
    for (int i = 0; i < n_syslog; i++) {
        if (sw_tel_syslog_open(&sl[i], syslog_urls[i], &err)) {
            fprintf(stderr, "seawall telemetry: %s\n", err.msg);
            goto done;
        }
        sw_tel_fanout_add(&fan, sw_tel_syslog_send, sl[i]);
    }
    sw_tel_config_t cfg = {
        .seed = seed, .proc_audit = SW_TEL_AUDIT_SERVERS, .cb = sw_tel_fanout_cb, .ud = &fan};
    if ((rc = sw_tel_new(&tel, &w, &cfg)) || (rc = sw_tel_bg_new(&bg, tel, NULL, seed))) {
        fprintf(stderr, "seawall telemetry: %s\n", sw_strerror(rc));
        goto done;
    }
    /* one-minute windows: the shape a simulation loop will interleave with */
    for (int64_t t = from_ms; t < until_ms; t += 60000) {
        int64_t end = t + 60000 < until_ms ? t + 60000 : until_ms;
        if ((rc = sw_tel_background_run(bg, t, end))) {
            fprintf(stderr, "seawall telemetry: generation stopped at %lld ms: %s\n", (long long)t,
                    sw_strerror(rc));
            goto done;
        }
    }
    status = 0;
done:
    sw_tel_bg_free(bg);
    sw_tel_free(tel);
    for (int i = 0; i < n_syslog; i++) {
        err.msg[0] = '\0';
        if (sw_tel_syslog_close(sl[i], &err) && status == 0) {
            fprintf(stderr, "seawall telemetry: %s\n", err.msg);
            status = 1;
        } else if (err.msg[0] && !quiet) {
            fprintf(stderr, "seawall telemetry: %s\n", err.msg);
        }
    }
    if (files && sw_tel_files_close(files, &err) && status == 0) {
        fprintf(stderr, "seawall telemetry: %s\n", err.msg);
        status = 1;
    }
    if (status == 0 && !quiet)
        fprintf(stderr,
                "seawall telemetry: %llu records, %llu bytes (background only, %llu teams x %llu "
                "hosts)\n",
                (unsigned long long)fan.records, (unsigned long long)fan.bytes,
                (unsigned long long)teams, (unsigned long long)hosts);
    sw_world_free(&w);
    return status;
}
