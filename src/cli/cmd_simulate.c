/* cmd_simulate.c — `seawall simulate SCENARIO [--seed N] [--until DURATION]
 * [--defender FILE] [--out DIR] [--json]`: run an exercise headless at full
 * speed and print what happened: objectives reached and when, per-team
 * service availability, attacker steps by technique and outcome, defender
 * actions, and a hash of the full event stream (FNV-1a 64 over every event:
 * same scenario, seed and defender give the same hash).
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
#include "core/err.h"
#include "core/rng.h"
#include "scenario/scenario.h"
#include "sim/defender.h"
#include "sim/sim.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: seawall simulate SCENARIO [--seed N] [--until DURATION] [--defender FILE]\n"
               "                        [--out DIR] [--json]\n"
               "  Run SCENARIO (a file or a built-in name) headless and summarise it.\n"
               "  --seed N         random seed (default: the scenario's)\n"
               "  --until DURATION stop after this much exercise time (default: its duration)\n"
               "  --defender FILE  scripted defender (YAML: timed actions and rules)\n"
               "  --out DIR        write DIR/events.jsonl and DIR/summary.json\n"
               "  --json           print the summary as JSON\n");
}

typedef struct tally {
    const char *technique;
    uint32_t n[SW_OUT__COUNT];
} tally_t;

typedef struct run {
    const sw_world_t *w;
    sw_sim_t *sim;
    sw_defender_t *def;
    FILE *events;
    sw_buf_t line;
    uint64_t hash;
    uint64_t n_events;
    tally_t *tal;
    uint32_t n_tal, cap_tal;
    uint32_t act_applied[SW_ACT__COUNT], act_failed[SW_ACT__COUNT], refused;
    int io_error;
} run_t;

static void tally_step(run_t *r, const sw_sim_event_t *ev)
{
    const char *t = ev->technique ? ev->technique : "?";
    for (uint32_t i = 0; i < r->n_tal; i++)
        if (!strcmp(r->tal[i].technique, t)) {
            r->tal[i].n[ev->outcome]++;
            return;
        }
    if (r->n_tal == r->cap_tal) {
        uint32_t ncap = r->cap_tal ? r->cap_tal * 2 : 32;
        tally_t *n = realloc(r->tal, ncap * sizeof *n);
        if (!n)
            return;
        r->tal = n;
        r->cap_tal = ncap;
    }
    memset(&r->tal[r->n_tal], 0, sizeof r->tal[0]);
    r->tal[r->n_tal].technique = t;
    r->tal[r->n_tal++].n[ev->outcome]++;
}

static void on_event(const sw_sim_event_t *ev, void *ud)
{
    run_t *r = ud;
    r->hash = sw_sim_event_hash(r->hash, ev);
    r->n_events++;
    switch (ev->type) {
    case SW_SEV_STEP:
        tally_step(r, ev);
        break;
    case SW_SEV_ACTION:
        r->act_applied[ev->action]++;
        break;
    case SW_SEV_ACTION_FAILED:
        if (ev->action >= 0)
            r->act_failed[ev->action]++;
        break;
    case SW_SEV_CMD_REFUSED:
        r->refused++;
        break;
    default:
        break;
    }
    if (r->events) {
        sw_buf_reset(&r->line);
        sw_sim_event_json(r->w, ev, &r->line);
        sw_buf_putc(&r->line, '\n');
        if (fwrite(r->line.data, 1, r->line.len, r->events) != r->line.len)
            r->io_error = 1;
    }
    if (r->def && r->sim)
        sw_defender_on_event(r->def, r->sim, r->w, ev);
}

static void fmt_t(char *out, size_t n, int64_t ms)
{
    if (ms < 0) {
        snprintf(out, n, "-");
        return;
    }
    int64_t s = ms / 1000;
    snprintf(out, n, "T+%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
             (long long)(s % 60));
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sw_buf_t b;
    sw_buf_init(&b, SW_DEF_MAX_TEXT + 1);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (sw_buf_append(&b, chunk, n))
            break;
    int err = ferror(f) || b.failed;
    fclose(f);
    if (err) {
        sw_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    char *s = sw_buf_take(&b);
    return s ? s : calloc(1, 1);
}

/* Did adversary a attempt any step? (An adversary that never acts usually
 * means a scenario whose way in is closed, e.g. by a default-deny firewall.) */
static int adversary_acted(const run_t *r, uint32_t a)
{
    for (uint32_t g = 0; g < sw_sim_gt_count(r->sim); g++)
        if (sw_sim_gt(r->sim, g)->adversary == a)
            return 1;
    return 0;
}

static json_t *summary_json(const run_t *r, uint64_t seed, int64_t until, double wall_s)
{
    const sw_world_t *w = r->w;
    json_t *j = json_object();
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)r->hash);
    json_object_set_new(j, "scenario", json_string(w->exercise.name ? w->exercise.name : ""));
    json_object_set_new(j, "seed", json_integer((json_int_t)seed));
    json_object_set_new(j, "until_ms", json_integer(until));
    json_object_set_new(j, "events", json_integer((json_int_t)r->n_events));
    json_object_set_new(j, "hash", json_string(hex));
    json_object_set_new(j, "wall_s", json_real(wall_s));
    json_t *objs = json_array();
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        for (uint32_t o = 0; o < w->adversaries[a].n_objectives; o++) {
            const sw_adv_objective_t *ob = &w->adversaries[a].objectives[o];
            int64_t at = sw_sim_objective_reached(r->sim, a, o);
            json_t *x = json_object();
            json_object_set_new(x, "adversary", json_string(w->adversaries[a].id));
            json_object_set_new(x, "objective", json_string(ob->id));
            json_object_set_new(x, "kind", json_string(sw_obj_kind_names[ob->kind]));
            json_object_set_new(x, "reached_ms", at >= 0 ? json_integer(at) : json_null());
            json_object_set_new(x, "holds", json_boolean(sw_sim_objective_holds(r->sim, a, o)));
            json_array_append_new(objs, x);
        }
    json_object_set_new(j, "objectives", objs);
    json_t *teams = json_array();
    for (uint32_t t = 0; t < w->n_teams; t++) {
        if (w->teams[t].kind != SW_TEAM_PLAYER)
            continue;
        json_t *x = json_object();
        json_object_set_new(x, "team", json_string(w->teams[t].id));
        json_object_set_new(x, "availability", json_real(sw_sim_team_availability(r->sim, t)));
        json_t *bs = json_object();
        for (uint32_t b = 0; b < w->n_business; b++)
            if (w->business[b].team == t)
                json_object_set_new(bs, w->business[b].id,
                                    json_real(sw_sim_business_availability(r->sim, b)));
        json_object_set_new(x, "business", bs);
        json_array_append_new(teams, x);
    }
    json_object_set_new(j, "teams", teams);
    json_t *steps = json_array();
    for (uint32_t i = 0; i < r->n_tal; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "technique", json_string(r->tal[i].technique));
        for (int o = SW_OUT_SUCCESS; o < SW_OUT__COUNT; o++)
            json_object_set_new(x, sw_outcome_names[o], json_integer(r->tal[i].n[o]));
        json_array_append_new(steps, x);
    }
    json_object_set_new(j, "steps", steps);
    json_t *acts = json_object();
    for (int a = 0; a < SW_ACT__COUNT; a++)
        if (r->act_applied[a] || r->act_failed[a]) {
            json_t *x = json_object();
            json_object_set_new(x, "applied", json_integer(r->act_applied[a]));
            json_object_set_new(x, "failed", json_integer(r->act_failed[a]));
            json_object_set_new(acts, sw_action_names[a], x);
        }
    json_object_set_new(j, "actions", acts);
    json_object_set_new(j, "refused", json_integer(r->refused));
    json_t *idle = json_array();
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        if (!adversary_acted(r, a))
            json_array_append_new(idle, json_string(w->adversaries[a].id));
    json_object_set_new(j, "idle_adversaries", idle);
    return j;
}

static void summary_text(const run_t *r, uint64_t seed, int64_t until, double wall_s)
{
    const sw_world_t *w = r->w;
    char t[32];
    fmt_t(t, sizeof t, until);
    printf("%s — seed %llu, %s simulated in %.3f s, %llu events\n",
           w->exercise.name ? w->exercise.name : "scenario", (unsigned long long)seed, t, wall_s,
           (unsigned long long)r->n_events);
    printf("\nobjectives\n");
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        for (uint32_t o = 0; o < w->adversaries[a].n_objectives; o++) {
            const sw_adv_objective_t *ob = &w->adversaries[a].objectives[o];
            int64_t at = sw_sim_objective_reached(r->sim, a, o);
            fmt_t(t, sizeof t, at);
            if (at >= 0)
                printf("  %-12s %-20s %-12s reached %s%s\n", w->adversaries[a].id, ob->id,
                       sw_obj_kind_names[ob->kind], t,
                       sw_sim_objective_holds(r->sim, a, o) ? "" : " (no longer holds)");
            else
                printf("  %-12s %-20s %-12s not reached\n", w->adversaries[a].id, ob->id,
                       sw_obj_kind_names[ob->kind]);
        }
    printf("\navailability\n");
    for (uint32_t tm = 0; tm < w->n_teams; tm++) {
        if (w->teams[tm].kind != SW_TEAM_PLAYER)
            continue;
        printf("  %-12s %.3f  ", w->teams[tm].id, sw_sim_team_availability(r->sim, tm));
        for (uint32_t b = 0; b < w->n_business; b++)
            if (w->business[b].team == tm)
                printf(" %s %.3f", w->business[b].id, sw_sim_business_availability(r->sim, b));
        printf("\n");
    }
    printf("\nattacker steps (technique: success/failure/interrupted)\n");
    for (uint32_t i = 0; i < r->n_tal; i++)
        printf("  %-12s %u/%u/%u\n", r->tal[i].technique, r->tal[i].n[SW_OUT_SUCCESS],
               r->tal[i].n[SW_OUT_FAILURE], r->tal[i].n[SW_OUT_INTERRUPTED]);
    printf("\ndefender actions (applied/failed)\n");
    int any = 0;
    for (int a = 0; a < SW_ACT__COUNT; a++)
        if (r->act_applied[a] || r->act_failed[a]) {
            printf("  %-16s %u/%u\n", sw_action_names[a], r->act_applied[a], r->act_failed[a]);
            any = 1;
        }
    if (!any)
        printf("  none\n");
    if (r->refused)
        printf("  refused commands: %u\n", r->refused);
    for (uint32_t a = 0; a < w->n_adversaries; a++)
        if (!adversary_acted(r, a))
            printf(
                "\nnote: adversary '%s' never found a step it could take: check that its\n"
                "      initial access can happen (services exposed *and* allowed from the\n"
                "      internet by the firewall, vulnerabilities, phishable users, start time)\n",
                w->adversaries[a].id);
    printf("\nevent stream hash (fnv1a-64): %016llx\n", (unsigned long long)r->hash);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_summary(const char *dir, json_t *j)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    return json_dump_file(j, path, JSON_INDENT(2) | JSON_SORT_KEYS);
}

int cmd_simulate(int argc, char **argv)
{
    const char *scenario = NULL, *defender = NULL, *out = NULL, *until_s = NULL;
    uint64_t seed = 0;
    int seed_set = 0, as_json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            as_json = 1;
        } else if ((!strcmp(a, "--seed") || !strcmp(a, "--until") || !strcmp(a, "--defender") ||
                    !strcmp(a, "--out")) &&
                   i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(a, "--seed")) {
                char *end;
                errno = 0;
                seed = strtoull(v, &end, 10);
                if (errno || *end || !*v || v[0] == '-') {
                    fprintf(stderr, "seawall simulate: --seed '%s' is not a number\n", v);
                    return 2;
                }
                seed_set = 1;
            } else if (!strcmp(a, "--until")) {
                until_s = v;
            } else if (!strcmp(a, "--defender")) {
                defender = v;
            } else {
                out = v;
            }
        } else if (a[0] == '-' || scenario) {
            fprintf(stderr, "seawall simulate: unexpected argument '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            scenario = a;
        }
    }
    if (!scenario) {
        usage(stderr);
        return 2;
    }
    int64_t until = 0;
    if (until_s && sw_parse_duration(until_s, &until)) {
        fprintf(stderr, "seawall simulate: --until '%s' is not a duration (like 4h, 90m)\n",
                until_s);
        return 2;
    }

    int status = 1;
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    int loaded = sw_scenario_load(scenario, &w, &d) == SW_OK;
    sw_diags_print(&d, stderr);
    sw_diags_free(&d);
    if (!loaded) {
        fprintf(stderr, "%s: cannot simulate a scenario with errors\n", scenario);
        return 1;
    }
    run_t r;
    memset(&r, 0, sizeof r);
    r.w = &w;
    r.hash = SW_HASH64_INIT;
    sw_buf_init(&r.line, 0);
    sw_defender_t def;
    int have_def = 0;
    json_t *sum = NULL;
    if (!seed_set)
        seed = w.exercise.seed ? w.exercise.seed : 1;
    if (!until_s)
        until = w.exercise.duration_ms > 0 ? w.exercise.duration_ms : 4 * 3600 * 1000LL;
    if (defender) {
        size_t len = 0;
        char *text = read_file(defender, &len);
        if (!text) {
            fprintf(stderr, "%s: cannot read (or larger than %zu bytes)\n", defender,
                    SW_DEF_MAX_TEXT);
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
        r.def = &def;
    }
    if (out) {
        if (mkdir(out, 0777) && errno != EEXIST) {
            fprintf(stderr, "%s: cannot create: %s\n", out, strerror(errno));
            goto done;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/events.jsonl", out);
        if (!(r.events = fopen(path, "w"))) {
            fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
            goto done;
        }
    }
    double t0 = wall_now();
    r.sim = sw_sim_new(&w, seed, on_event, &r);
    if (!r.sim) {
        fprintf(stderr, "seawall simulate: out of memory\n");
        goto done;
    }
    if (have_def)
        sw_defender_start(&def, r.sim);
    int bar = !as_json && isatty(STDERR_FILENO);
    for (int step = 1; step <= 100; step++) {
        sw_sim_run_until(r.sim, until * step / 100);
        if (bar) {
            fprintf(stderr, "\r[%-50.*s] %3d%%", step / 2,
                    "##################################################", step);
            fflush(stderr);
        }
    }
    if (bar)
        fprintf(stderr, "\r%70s\r", "");
    sw_sim_finish(r.sim);
    double wall_s = wall_now() - t0;
    if (r.events && (fclose(r.events) || r.io_error)) {
        r.events = NULL;
        fprintf(stderr, "%s/events.jsonl: write failed\n", out);
        goto done;
    }
    r.events = NULL;
    sum = summary_json(&r, seed, until, wall_s);
    if (out && write_summary(out, sum)) {
        fprintf(stderr, "%s/summary.json: write failed\n", out);
        goto done;
    }
    if (as_json) {
        json_dumpf(sum, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("\n");
    } else {
        summary_text(&r, seed, until, wall_s);
    }
    status = 0;
done:
    if (r.events)
        fclose(r.events);
    json_decref(sum);
    sw_sim_free(r.sim);
    if (have_def)
        sw_defender_free(&def);
    free(r.tal);
    sw_buf_free(&r.line);
    sw_world_free(&w);
    return status;
}
