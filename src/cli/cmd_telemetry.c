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
#include "alerts/sigma_load.h"
#include "core/err.h"
#include "model/world.h"
#include "scenario/diag.h"
#include "scenario/scenario.h"
#include "cli/ex_client.h"
#include "exercise/exercise.h"
#include "telemetry/demo_world.h"
#include "telemetry/sink.h"
#include "telemetry/telemetry.h"

int cmd_telemetry(sw_cli_t *a)
{
    int demo = a->demo_world, quiet = a->quiet;
    const char *scenario = a->scenario, *out_dir = a->out;
    uint64_t teams = a->has_teams ? a->teams : 2, hosts = a->has_hosts ? a->hosts : 40;
    uint64_t seed = a->has_seed ? a->seed : 1;
    int64_t from_ms = a->from_ms, until_ms = a->has_until ? a->until_ms : 3600000;
    int n_syslog = a->n_syslogs;
    const char *const *syslog_urls = a->syslogs;
    if (demo == !!scenario)
        return sw_cli_usage_error(a, "give --scenario NAME|FILE or --demo-world");
    if (a->n_defenders && !scenario)
        return sw_cli_usage_error(a, "--defender needs --scenario");
    if (scenario && (a->has_teams || a->has_hosts))
        return sw_cli_usage_error(a, "--teams and --hosts are for --demo-world");
    if (scenario && a->has_from)
        return sw_cli_usage_error(a, "--from is for --demo-world (a scenario starts at 0)");
    if (until_ms <= from_ms)
        return sw_cli_usage_error(a, "--until must be after --from");
    if (!out_dir && !n_syslog)
        return sw_cli_usage_error(a, "nowhere to write: give --out DIR and/or --syslog URL");

    int status = 1, rc = 0;
    sw_errbuf_t err = {{0}};
    sw_world_t w;
    sw_world_init(&w);
    sw_tel_t *tel = NULL;
    sw_tel_bg_t *bg = NULL;
    sw_tel_files_t *files = NULL;
    sw_tel_syslog_t *sl[6] = {0};
    sw_tel_fanout_t fan = {0};
    sw_exercise_t *ex = NULL;
    uint32_t n_teams = 0, n_hosts = 0;
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
    if (scenario) {
        /* the exercise, played at full speed with its records to the sinks */
        sw_exercise_opts_t o;
        sw_exercise_opts_init(&o);
        o.how = SW_EXO_CREATE;
        o.scenario = scenario;
        o.seed = a->seed;
        o.has_seed = a->has_seed;
        o.until_ms = a->until_ms;
        o.has_until = a->has_until;
        o.records = sw_tel_fanout_cb;
        o.records_ud = &fan;
        o.actor = sw_cli_actor(a);
        sw_diags_t d;
        sw_diags_init(&d);
        rc = sw_exercise_open(&o, &ex, &d, &err);
        sw_diags_print(&d, stderr);
        sw_diags_free(&d);
        if (rc) {
            fprintf(stderr, "seawall telemetry: %s\n", err.msg);
            goto done;
        }
        sw_ex_reply_t rp;
        if (sw_cli_attach_defenders(a, ex))
            goto done;
        if (sw_exercise_clock(ex, o.actor, SW_CLOCK_START, 0, &rp)) {
            fprintf(stderr, "seawall telemetry: %s\n", rp.msg);
            goto done;
        }
        if (sw_exercise_advance(ex, sw_exercise_until(ex), &err)) {
            fprintf(stderr, "seawall telemetry: generation stopped: %s\n", err.msg);
            goto done;
        }
        n_teams = sw_exercise_world(ex)->n_teams;
        n_hosts = sw_exercise_world(ex)->n_hosts;
    } else {
        /* background only: the telemetry generator alone */
        if ((rc = sw_tel_demo_world(&w, (uint32_t)teams, (uint32_t)hosts, seed))) {
            fprintf(stderr, "seawall telemetry: cannot build the demo world: %s\n",
                    sw_strerror(rc));
            goto done;
        }
        sw_tel_config_t cfg = {.seed = seed,
                               .proc_audit = sw_tel_audit_from_world(&w),
                               .cb = sw_tel_fanout_cb,
                               .ud = &fan};
        sw_tel_rates_t rates;
        sw_tel_rates_from_world(&rates, &w);
        if ((rc = sw_tel_new(&tel, &w, &cfg)) || (rc = sw_tel_bg_new(&bg, tel, &rates, seed)) ||
            (rc = sw_tel_background_run(bg, from_ms, until_ms))) {
            fprintf(stderr, "seawall telemetry: generation stopped: %s\n", sw_strerror(rc));
            goto done;
        }
    }
    status = 0;
done:;
    uint64_t steps = ex ? sw_exercise_attack_steps(ex) : 0;
    sw_exercise_close(ex, NULL);
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
                (unsigned long long)steps, n_teams, n_hosts);
    else if (status == 0 && !quiet)
        fprintf(stderr,
                "seawall telemetry: %llu records, %llu bytes (background only, %llu teams x %llu "
                "hosts)\n",
                (unsigned long long)fan.records, (unsigned long long)fan.bytes,
                (unsigned long long)teams, (unsigned long long)hosts);
    sw_world_free(&w);
    return status;
}
