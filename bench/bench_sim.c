/* bench_sim.c — how fast the simulation engine runs, without telemetry:
 * simulated time per wall second and events per second, for the shipped
 * example (4 h) and for a generated large world (10,000 hosts, 20 teams,
 * 24 h), medians over several runs; and the engine's mutable state after a
 * quarter of the day and after the whole day, to show it grows with hosts
 * and active events, not with time simulated.
 *
 * The scenario library (issue 6): every shipped scenario over its own
 * exercise duration with its own seed, undefended and under its scripted
 * good defence (scenarios/NAME/defender.yaml), median wall time of 21 runs,
 * with the events, adversary steps and objectives reached of one run (the
 * same every run: same seed).
 *
 * Targets (issue 3): example 4 h < 1 s; 10,000-host day < 10 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/unit/sim_fixture.h"
#include "core/embedded.h"
#include "core/err.h"
#include "scenario/scenario.h"
#include "exercise/exercise.h"
#include "sim/sim.h"

#define HOUR_MS (3600 * 1000LL)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct counts {
    uint64_t events, steps, objectives;
} counts_t;

static void count_cb(const sw_sim_event_t *ev, void *ud)
{
    counts_t *c = ud;
    c->events++;
    c->steps += ev->type == SW_SEV_STEP;
    c->objectives += ev->type == SW_SEV_OBJECTIVE;
}

/* A generated world: teams x (one org of hosts_per_team hosts: a VPN, web,
 * DC, file server, mail server, the rest workstations with users), each team
 * attacked by its own APT and ransomware crew (the fixture's playbooks). */
static sw_world_t *big_world(uint32_t teams, uint32_t hosts_per_team)
{
    sw_world_t *w = calloc(1, sizeof *w);
    sw_world_init(w);
    w->exercise.name = "generated";
    w->exercise.duration_ms = 24 * HOUR_MS;
    w->exercise.start_minute = 8 * 60;
    w->n_teams = teams;
    w->teams = FX_NEW(w, teams, sw_team_t);
    w->n_orgs = teams;
    w->orgs = FX_NEW(w, teams, sw_org_t);
    w->n_networks = 2 * teams;
    w->networks = FX_NEW(w, 2 * teams, sw_network_t);
    w->n_hosts = teams * hosts_per_team;
    w->hosts = FX_NEW(w, w->n_hosts, sw_host_t);
    uint32_t ws_per_team = hosts_per_team - 5;
    w->n_users = teams * ws_per_team;
    w->users = FX_NEW(w, w->n_users, sw_user_t);
    w->n_links = 2;
    w->links = FX_NEW(w, 2, sw_link_t);
    w->links[0] =
        (sw_link_t){"cable", "Cable", SW_LINK_CABLE, "A", "B", 3000, 10000, 30, 48 * HOUR_MS, {0}};
    w->links[1] = (sw_link_t){"sat", "Sat", SW_LINK_SATELLITE, "A", "GEO", 0, 500, 300, 0, {0}};
    w->n_business = 2 * teams;
    w->business = FX_NEW(w, 2 * teams, sw_business_t);
    char *names = FX_NEW(w, (size_t)w->n_hosts * 16 + teams * 16, char);
    for (uint32_t t = 0; t < teams; t++) {
        char *tid = names + (size_t)w->n_hosts * 16 + t * 16;
        snprintf(tid, 16, "team%02u", t);
        w->teams[t] = (sw_team_t){.id = tid, .name = tid, .country = "XX", .kind = SW_TEAM_PLAYER};
        sw_org_t *o = &w->orgs[t];
        o->id = tid;
        o->kind = SW_ORG_GOVERNMENT;
        o->team = t;
        o->n_fw = 3;
        o->fw = FX_NEW(w, 3, sw_fw_rule_t);
        o->fw[0] = (sw_fw_rule_t){SW_ZONE_INTERNET, SW_ZONE_DMZ, 0, 65535, SW_PROTO_TCP, 1, {0}};
        o->fw[1] = (sw_fw_rule_t){SW_ZONE_DMZ, SW_ZONE_INTERNAL, 0, 65535, SW_PROTO_TCP, 1, {0}};
        o->fw[2] = (sw_fw_rule_t){SW_ZONE_INTERNAL, SW_ZONE_DMZ, 0, 65535, SW_PROTO_TCP, 1, {0}};
        o->intl_primary = (sw_idlist_t){FX_NEW(w, 1, uint32_t), 1};
        o->intl_backup = (sw_idlist_t){FX_NEW(w, 1, uint32_t), 1};
        o->intl_backup.ids[0] = 1;
        o->hosts = (sw_idlist_t){FX_NEW(w, hosts_per_team, uint32_t), hosts_per_team};
        o->users = (sw_idlist_t){FX_NEW(w, ws_per_team, uint32_t), ws_per_team};
        w->networks[2 * t] = (sw_network_t){"dmz", "dmz", {{0}, 0, 0}, SW_ZONE_DMZ, t, {0, 0}, {0}};
        w->networks[2 * t + 1] =
            (sw_network_t){"lan", "lan", {{0}, 0, 0}, SW_ZONE_INTERNAL, t, {0, 0}, {0}};
        uint32_t base = t * hosts_per_team;
        static const sw_role_t roles[5] = {SW_ROLE_VPN_GATEWAY, SW_ROLE_WEB,
                                           SW_ROLE_DOMAIN_CONTROLLER, SW_ROLE_FILE_SERVER,
                                           SW_ROLE_MAIL};
        for (uint32_t i = 0; i < hosts_per_team; i++) {
            uint32_t h = base + i;
            char *id = names + (size_t)h * 16;
            snprintf(id, 16, "h%05u", h);
            char *ip = FX_NEW(w, 16, char);
            snprintf(ip, 16, "10.%u.%u.%u", t, i / 250, i % 250 + 1);
            sw_role_t role = i < 5 ? roles[i] : SW_ROLE_WORKSTATION;
            fx_host(w, h, id, ip, 2 * t + (i < 2 ? 0 : 1), role,
                    role == SW_ROLE_VPN_GATEWAY ? SW_OSF_NETWORK : SW_OSF_WINDOWS);
            w->hosts[h].org = t;
            w->hosts[h].team = t;
            o->hosts.ids[i] = h;
            if (i == 0) {
                fx_svc(&fx_services(w, &w->hosts[h], 1)[0], "https", 443, 1);
                w->hosts[h].n_vulns = 1;
                w->hosts[h].vulns = FX_NEW(w, 1, sw_vuln_t);
                w->hosts[h].vulns[0] =
                    (sw_vuln_t){"CVE-2023-46805", "https", 0.5, 1, SW_PRIV_SYSTEM, {0}};
            } else if (i == 1) {
                fx_svc(&fx_services(w, &w->hosts[h], 1)[0], "https", 443, 1);
            } else if (i < 5) {
                fx_svc(&fx_services(w, &w->hosts[h], 1)[0], "smb", 445, 0);
                w->hosts[h].backup = (sw_backup_t){1, HOUR_MS, HOUR_MS / 2, 0, HOUR_MS};
            } else {
                uint32_t u = t * ws_per_team + (i - 5);
                w->users[u] =
                    (sw_user_t){id, id, id, t, h, {NULL, 0}, i == 5, 1, 480, 1020, 0.02, {0}};
                o->users.ids[i - 5] = u;
            }
        }
        sw_business_t *b = &w->business[2 * t];
        b->id = "files";
        b->team = t;
        b->org = t;
        b->weight = 1;
        b->n_all = 1;
        b->all = FX_NEW(w, 1, sw_dep_t);
        b->all[0] = (sw_dep_t){SW_DEP_SERVICE, base + 3, 0, {0}};
        b = &w->business[2 * t + 1];
        b->id = "portal";
        b->team = t;
        b->org = t;
        b->weight = 1;
        b->n_all = 2;
        b->all = FX_NEW(w, 2, sw_dep_t);
        b->all[0] = (sw_dep_t){SW_DEP_SERVICE, base + 1, 0, {0}};
        b->all[1] = (sw_dep_t){SW_DEP_INTL, t, 0, {0}};
    }
    for (uint32_t t = 0; t < teams; t++) {
        fx_add_apt(w)->targets.ids[0] = t;
        fx_add_ransomware(w)->targets.ids[0] = t;
    }
    return w;
}

typedef struct figures {
    double wall_s;
    counts_t n;
    size_t state_bytes;
} figures_t;

static figures_t run_once(const sw_world_t *w, uint64_t seed, int64_t until_ms,
                          size_t *bytes_quarter)
{
    counts_t n = {0, 0, 0};
    double t0 = now_s();
    sw_sim_t *sim = sw_sim_new(w, seed, count_cb, &n);
    sw_sim_stats_t st;
    if (bytes_quarter) {
        sw_sim_run_until(sim, until_ms / 4);
        sw_sim_stats(sim, &st);
        *bytes_quarter = st.state_bytes;
    }
    sw_sim_run_until(sim, until_ms);
    double wall = now_s() - t0;
    sw_sim_stats(sim, &st);
    figures_t f = {wall, n, st.state_bytes};
    sw_sim_free(sim);
    return f;
}

static void bench(const char *name, const sw_world_t *w, int64_t until_ms, int runs)
{
    double *wall = calloc((size_t)runs, sizeof *wall);
    counts_t n = {0, 0, 0};
    size_t quarter = 0, full = 0;
    for (int i = 0; i < runs; i++) {
        figures_t f = run_once(w, 1000 + (uint64_t)i, until_ms, i == 0 ? &quarter : NULL);
        wall[i] = f.wall_s;
        if (i == 0) {
            n = f.n;
            full = f.state_bytes;
        }
    }
    qsort(wall, (size_t)runs, sizeof *wall, cmp_double);
    double med = wall[runs / 2];
    printf("%-28s hosts %5u  %5.1f h  median %.4f s of %d runs  %.0f sim-s/wall-s  %.0f events/s\n",
           name, w->n_hosts, (double)until_ms / HOUR_MS, med, runs, (double)until_ms / 1000.0 / med,
           (double)n.events / med);
    printf("%-28s %llu events, %llu adversary steps, %llu objectives reached (first run, seed "
           "1000; runs use seeds 1000, 1001, ...)\n",
           "", (unsigned long long)n.events, (unsigned long long)n.steps,
           (unsigned long long)n.objectives);
    printf("%-28s state %.2f MB after %.1f h, %.2f MB after %.1f h\n", "", quarter / 1048576.0,
           (double)until_ms / HOUR_MS / 4, full / 1048576.0, (double)until_ms / HOUR_MS);
    free(wall);
}

/* One scenario of the library: undefended and defended, medians. The
 * defended run goes through the exercise runtime (its scripted defender
 * issues commands as acts), without telemetry or a database. */
static void lib_note(const sw_ex_note_t *n, void *ud)
{
    if (n->kind == SW_EXN_SIM)
        count_cb(n->ev, ud);
}

/* One run of w (its seed, its duration) with the defender df, when given,
 * attached before the clock starts. Returns wall seconds. */
static double lib_once(const sw_world_t *w, const sw_embedded_t *df, const char *df_name,
                       counts_t *n)
{
    memset(n, 0, sizeof *n);
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.world = w;
    o.telemetry = 0;
    o.on_note = lib_note;
    o.note_ud = n;
    double t0 = now_s();
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    sw_ex_reply_t rp;
    if (sw_exercise_open(&o, &ex, NULL, &err)) {
        fprintf(stderr, "bench_sim: %s\n", err.msg);
        return 0;
    }
    if (df && sw_exercise_attach_defender(ex, "bench", df_name, df->data, df->len, NULL, &rp))
        fprintf(stderr, "bench_sim: %s\n", rp.msg);
    sw_exercise_clock(ex, "bench", SW_CLOCK_START, 0, &rp);
    if (sw_exercise_advance(ex, sw_exercise_until(ex), &err))
        fprintf(stderr, "bench_sim: %s\n", err.msg);
    double wall = now_s() - t0;
    sw_exercise_close(ex, NULL);
    return wall;
}

static void bench_library(const char *name, const char *defender_path)
{
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    if (sw_scenario_load(name, &w, &d) != 0) {
        sw_diags_print(&d, stderr);
        sw_diags_free(&d);
        return;
    }
    sw_diags_free(&d);
    const sw_embedded_t *df = sw_embedded_find(defender_path);
    enum { RUNS = 21 };
    for (int defended = 0; defended <= (df != NULL); defended++) {
        double wall[RUNS];
        counts_t n = {0, 0, 0};
        for (int i = 0; i < RUNS; i++)
            wall[i] = lib_once(&w, defended ? df : NULL, defender_path, &n);
        qsort(wall, RUNS, sizeof wall[0], cmp_double);
        double med = wall[RUNS / 2];
        printf("%-20s %-9s %3u hosts %5.1f h  %8.3f ms  %6llu events %4llu steps %2llu "
               "objectives  %9.0f events/s\n",
               name, defended ? "defended" : "none", w.n_hosts,
               (double)w.exercise.duration_ms / HOUR_MS, med * 1e3, (unsigned long long)n.events,
               (unsigned long long)n.steps, (unsigned long long)n.objectives,
               (double)n.events / med);
    }
    sw_world_free(&w);
}

int main(void)
{
    sw_world_t ex;
    sw_diags_t d;
    sw_diags_init(&d);
    if (sw_scenario_load("example", &ex, &d) == 0) {
        bench("example (4 h)", &ex, 4 * HOUR_MS, 21);
        sw_world_free(&ex);
    } else {
        sw_diags_print(&d, stderr);
    }
    sw_diags_free(&d);

    printf("scenario library: own seed and duration, median of 21 runs, sim only (no telemetry)\n");
    static const char *const lib[][2] = {
        {"pacific-cable", "scenarios/pacific-cable/defender.yaml"},
        {"tutorial", "scenarios/tutorial/defender.yaml"},
        {"ransomware-ministry", "scenarios/ransomware-ministry/defender.yaml"},
        {"router-implant", "scenarios/router-implant/defender.yaml"},
        {"telecom-lotl", "scenarios/telecom-lotl/defender.yaml"},
        {"example", "scenarios/example.defender.yaml"},
    };
    for (size_t i = 0; i < sizeof lib / sizeof lib[0]; i++)
        bench_library(lib[i][0], lib[i][1]);

    sw_world_t *big = big_world(20, 500);
    bench("generated 20 teams (24 h)", big, 24 * HOUR_MS, 3);
    fx_free(big);
    return 0;
}
