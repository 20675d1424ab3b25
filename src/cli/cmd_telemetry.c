/* cmd_telemetry.c — `seawall telemetry`: generate telemetry to files and/or
 * a syslog collector.
 *
 *   --scenario NAME|FILE  the exercise played through the simulation (as
 *                         `seawall run` does): background activity at the
 *                         scenario's rates plus the adversaries' records,
 *                         optionally against a scripted defender; ground
 *                         truth goes to DIR/truth.jsonl;
 *   --demo-world          background only, on the built-in demo world (any
 *                         size: --teams, --hosts), for benchmarks and SIEM
 *                         practice. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/sigma_load.h"
#include "core/err.h"
#include "model/world.h"
#include "scenario/diag.h"
#include "scenario/scenario.h"
#include "sim/defender.h"
#include "sim/sim.h"
#include "telemetry/demo_world.h"
#include "telemetry/sim_bridge.h"
#include "telemetry/sink.h"
#include "telemetry/telemetry.h"

/* Sim events go to the bridge (records) and the scripted defender. */
typedef struct tel_sim_ctx {
    sw_tel_bridge_t *br;
    sw_defender_t *def;
    sw_sim_t *sim;
    const sw_world_t *w;
} tel_sim_ctx_t;

static void tel_on_event(const sw_sim_event_t *ev, void *ud)
{
    tel_sim_ctx_t *c = ud;
    sw_tel_bridge_sim_cb(ev, c->br);
    if (c->def && c->sim)
        sw_defender_on_event(c->def, c->sim, c->w, ev);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: seawall telemetry (--scenario NAME|FILE | --demo-world) [options]\n"
               "\n"
               "Generate the log records defenders hunt through: Sysmon, Windows Security and\n"
               "System, Linux auth and auditd, Zeek, Suricata, firewall, proxy, NetFlow, device\n"
               "syslog, antivirus, mail and web access logs (docs/telemetry.md).\n"
               "\n"
               "  --scenario S        play scenario S (a file or a built-in name) through the\n"
               "                      simulation: background at its rates plus the attack;\n"
               "                      DIR/truth.jsonl links attack records to their steps\n"
               "                      (instructors only)\n"
               "  --defender FILE     with --scenario: a scripted defender (its enhanced\n"
               "                      logging, isolation and reimages change what is logged)\n"
               "  --demo-world        background only, on the built-in demo world\n"
               "\n"
               "options:\n"
               "  --teams N           teams in the demo world (1-8, default 2)\n"
               "  --hosts N           hosts per team (16-4000, default 40)\n"
               "  --seed N            random seed (default: the scenario's, else 1)\n"
               "  --from DUR          exercise time to start at (default 0; demo world only)\n"
               "  --until DUR         exercise time to stop at (default: the scenario's\n"
               "                      duration, else 1h)\n"
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
    int demo = 0, quiet = 0, seed_set = 0, until_set = 0;
    uint64_t teams = 2, hosts = 40, seed = 1;
    int64_t from_ms = 0, until_ms = 3600000;
    const char *out_dir = NULL, *scenario = NULL, *defender = NULL;
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
            bad = parse_u64(v, &seed), seed_set = 1;
        else if (!strcmp(a, "--from"))
            bad = parse_dur(v, &from_ms);
        else if (!strcmp(a, "--until"))
            bad = parse_dur(v, &until_ms), until_set = 1;
        else if (!strcmp(a, "--scenario"))
            scenario = v;
        else if (!strcmp(a, "--defender"))
            defender = v;
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
    if (demo == !!scenario) {
        fprintf(stderr, "seawall telemetry: give --scenario NAME|FILE or --demo-world\n");
        usage(stderr);
        return 2;
    }
    if (defender && !scenario) {
        fprintf(stderr, "seawall telemetry: --defender needs --scenario\n");
        return 2;
    }
    if (scenario && from_ms) {
        fprintf(stderr, "seawall telemetry: --from is for --demo-world (a scenario starts at 0)\n");
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
    sw_tel_bridge_t *br = NULL;
    sw_sim_t *sim = NULL;
    sw_defender_t def;
    int have_def = 0;
    tel_sim_ctx_t sctx = {0};
    int rc = 0;
    if (scenario) {
        sw_diags_t d;
        sw_diags_init(&d);
        if (sw_scenario_load(scenario, &w, &d) != SW_OK) {
            sw_diags_print(&d, stderr);
            sw_diags_free(&d);
            goto done;
        }
        sw_diags_free(&d);
        if (!seed_set)
            seed = w.exercise.seed ? w.exercise.seed : 1;
        if (!until_set)
            until_ms = w.exercise.duration_ms > 0 ? w.exercise.duration_ms : 4 * 3600000LL;
        if (defender) {
            char *text = NULL;
            size_t len = 0;
            if (sw_read_file(defender, SW_DEF_MAX_TEXT, &text, &len, &err)) {
                fprintf(stderr, "seawall telemetry: %s\n", err.msg);
                goto done;
            }
            sw_diags_init(&d);
            int ok = sw_defender_parse(&def, &w, defender, text, len, &d) == SW_OK;
            free(text);
            sw_diags_print(&d, stderr);
            sw_diags_free(&d);
            if (!ok)
                goto done;
            have_def = 1;
        }
    } else if ((rc = sw_tel_demo_world(&w, (uint32_t)teams, (uint32_t)hosts, seed))) {
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
    sw_tel_config_t cfg = {.seed = seed,
                           .proc_audit = sw_tel_audit_from_world(&w),
                           .cb = sw_tel_fanout_cb,
                           .ud = &fan};
    sw_tel_rates_t rates;
    sw_tel_rates_from_world(&rates, &w);
    if ((rc = sw_tel_new(&tel, &w, &cfg)) || (rc = sw_tel_bg_new(&bg, tel, &rates, seed))) {
        fprintf(stderr, "seawall telemetry: %s\n", sw_strerror(rc));
        goto done;
    }
    if (scenario) {
        if ((rc = sw_tel_bridge_new(&br, tel, bg))) {
            fprintf(stderr, "seawall telemetry: %s\n", sw_strerror(rc));
            goto done;
        }
        sctx = (tel_sim_ctx_t){.br = br, .def = have_def ? &def : NULL, .w = &w};
        if (!(sim = sw_sim_new(&w, seed, tel_on_event, &sctx))) {
            fprintf(stderr, "seawall telemetry: cannot start the simulation\n");
            goto done;
        }
        sctx.sim = sim;
        if (have_def)
            sw_defender_start(&def, sim);
    }
    /* one-minute windows: the sim's events (each preceded by the background
     * due before it), then the rest of the minute's background */
    for (int64_t t = from_ms; t < until_ms; t += 60000) {
        int64_t end = t + 60000 < until_ms ? t + 60000 : until_ms;
        if (sim) {
            sw_sim_run_until(sim, end);
            if (!(rc = sw_tel_bridge_error(br)))
                rc = sw_tel_bridge_advance(br, end);
        } else {
            rc = sw_tel_background_run(bg, t, end);
        }
        if (rc) {
            fprintf(stderr, "seawall telemetry: generation stopped at %lld ms: %s\n", (long long)t,
                    sw_strerror(rc));
            goto done;
        }
    }
    status = 0;
done:
    sw_sim_free(sim);
    sw_tel_bridge_free(br);
    if (have_def)
        sw_defender_free(&def);
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
    if (status == 0 && !quiet && scenario)
        fprintf(stderr,
                "seawall telemetry: %llu records, %llu bytes (%s: background and %llu attack "
                "steps, %u teams, %u hosts)\n",
                (unsigned long long)fan.records, (unsigned long long)fan.bytes, scenario,
                (unsigned long long)(br ? sw_tel_bridge_steps(br) : 0), w.n_teams, w.n_hosts);
    else if (status == 0 && !quiet)
        fprintf(stderr,
                "seawall telemetry: %llu records, %llu bytes (background only, %llu teams x %llu "
                "hosts)\n",
                (unsigned long long)fan.records, (unsigned long long)fan.bytes,
                (unsigned long long)teams, (unsigned long long)hosts);
    sw_world_free(&w);
    return status;
}
