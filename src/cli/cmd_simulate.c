/* cmd_simulate.c — `seawall simulate SCENARIO`: the exercise runtime
 * without telemetry or a database, at full speed, summarised: objectives
 * reached and when, per-team service availability, attacker steps by
 * technique and outcome, defender actions, and a hash of the full event
 * stream (FNV-1a 64 over every event: same scenario, seed and defender
 * give the same hash). Scripted defenders (--defender) act through the
 * exercise's commands, as in a live exercise.
 *
 * --out DIR writes DIR/events.jsonl (one JSON object per event, ground truth
 * included) and DIR/summary.json. --json prints the summary as JSON on
 * stdout. A progress bar goes to stderr when it is a terminal. Exit 0 on a
 * run, 1 when the scenario or defender file has problems, 2 on usage. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "cli/summary.h"
#include "core/buf.h"

typedef struct sim_out {
    sw_summary_t sum;
    FILE *events;
    sw_buf_t line;
    int io_error;
} sim_out_t;

static void on_note(const sw_ex_note_t *n, void *ud)
{
    sim_out_t *o = ud;
    sw_summary_note(&o->sum, n);
    if (n->kind != SW_EXN_SIM || !o->events)
        return;
    sw_buf_reset(&o->line);
    sw_sim_event_json(n->world, n->ev, &o->line);
    sw_buf_putc(&o->line, '\n');
    if (fwrite(o->line.data, 1, o->line.len, o->events) != o->line.len)
        o->io_error = 1;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_simulate(sw_cli_t *a)
{
    a->scenario = a->args[0];
    sim_out_t o;
    memset(&o, 0, sizeof o);
    sw_buf_init(&o.line, (size_t)1 << 20);
    sw_exercise_t *ex = NULL;
    int status = 1;
    if (a->out) {
        if (mkdir(a->out, 0777) && errno != EEXIST) {
            fprintf(stderr, "seawall simulate: %s: cannot create: %s\n", a->out, strerror(errno));
            goto done;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/events.jsonl", a->out);
        if (!(o.events = fopen(path, "w"))) {
            fprintf(stderr, "seawall simulate: %s: cannot write: %s\n", path, strerror(errno));
            goto done;
        }
    }
    double t0 = mono_s();
    if (sw_cli_open(a, NULL, SW_EXO_CREATE, 0, on_note, &o, &ex)) {
        fprintf(stderr, "%s: cannot simulate a scenario with errors\n", a->scenario);
        goto done;
    }
    sw_ex_reply_t rp;
    sw_errbuf_t err;
    if (sw_cli_attach_defenders(a, ex))
        goto done;
    if (sw_exercise_clock(ex, sw_cli_actor(a), SW_CLOCK_START, 0, &rp)) {
        fprintf(stderr, "seawall simulate: %s\n", rp.msg);
        goto done;
    }
    int bar = !a->json && isatty(STDERR_FILENO);
    int64_t until = sw_exercise_until(ex);
    for (int step = 1; step <= 100; step++) {
        if (sw_exercise_advance(ex, until * step / 100, &err)) {
            fprintf(stderr, "seawall simulate: %s\n", err.msg);
            goto done;
        }
        if (bar) {
            fprintf(stderr, "\r[%-50.*s] %3d%%", step / 2,
                    "##################################################", step);
            fflush(stderr);
        }
    }
    if (bar)
        fprintf(stderr, "\r%70s\r", "");
    double wall_s = mono_s() - t0;
    if (o.events) {
        int bad = fclose(o.events) || o.io_error;
        o.events = NULL;
        if (bad) {
            fprintf(stderr, "seawall simulate: %s/events.jsonl: write failed\n", a->out);
            goto done;
        }
    }
    json_t *sum = sw_summary_json(&o.sum, ex, wall_s);
    if (a->out) {
        char path[4096];
        snprintf(path, sizeof path, "%s/summary.json", a->out);
        if (json_dump_file(sum, path, JSON_INDENT(2) | JSON_SORT_KEYS)) {
            fprintf(stderr, "seawall simulate: %s: write failed\n", path);
            json_decref(sum);
            goto done;
        }
    }
    if (a->json) {
        json_dumpf(sum, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("\n");
    } else {
        sw_summary_print(stdout, &o.sum, ex, wall_s);
    }
    json_decref(sum);
    status = 0;
done:
    if (o.events)
        fclose(o.events);
    sw_exercise_close(ex, NULL);
    sw_summary_free(&o.sum);
    sw_buf_free(&o.line);
    return status;
}
