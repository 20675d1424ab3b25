/* test_scenario.c — the scenario loader: value syntaxes, count expansion,
 * includes, the world it builds (the contract with the sim engine), each
 * semantic check, reachability, and the hard limits. The exact messages of
 * every check are pinned by tests/integration/validate.sh; here we test the
 * machinery and the model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "model/vocab.h"
#include "scenario/attack_table.h"
#include "scenario/scenario.h"
#include "scenario/scenario_int.h"
#include "scenario/yaml_tree.h"
#include "sim/sim.h"

/* ---- helpers ---------------------------------------------------------------- */

static const char BASE[] =
    "exercise: {name: T, duration: 4h, start: \"08:00\"}\n"
    "teams: [{id: blue, name: Blue}, {id: green, name: Green}]\n"
    "orgs:\n"
    "  - id: gov\n"
    "    team: blue\n"
    "    kind: government\n"
    "    networks:\n"
    "      - {id: dmz, cidr: 10.0.1.0/24, zone: dmz}\n"
    "      - {id: lan, cidr: 10.0.2.0/24, zone: internal}\n"
    "    hosts:\n"
    "      - {id: vpn, ip: 10.0.1.10, network: dmz, os: fortios, role: vpn-gateway,\n"
    "         services: [{name: https, port: 443, exposed: true}],\n"
    "         vulns: [{cve: CVE-2024-21762, service: https, grants: system}]}\n"
    "      - {id: dc, ip: 10.0.2.10, network: lan, os: windows-server-2019,\n"
    "         role: domain-controller, services: [{name: ldap, port: 389}]}\n"
    "      - {id: ws, hostname: WS, count: 3, ip: 10.0.2.100, network: lan, os: windows-11,\n"
    "         role: workstation}\n";

/* Load BASE followed by extra; returns the load status. */
static int load_with(const char *extra, sw_world_t *w, sw_diags_t *d)
{
    size_t n = strlen(BASE) + strlen(extra) + 1;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s", BASE, extra);
    sw_diags_init(d);
    int rc = sw_scenario_load_mem("t.yaml", text, strlen(text), w, d);
    free(text);
    return rc;
}

/* Does some diagnostic contain needle? Returns its index or -1. */
static int diag_find(const sw_diags_t *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->items[i].msg, needle))
            return (int)i;
    return -1;
}

static void print_diags(const sw_diags_t *d)
{
    sw_diags_print(d, stderr);
}

#define EXPECT_ERROR(extra, needle, want_line, want_col)                                           \
    do {                                                                                           \
        sw_world_t w_;                                                                             \
        sw_diags_t d_;                                                                             \
        assert_int_equal(load_with((extra), &w_, &d_), SW_EINVAL);                                 \
        int i_ = diag_find(&d_, (needle));                                                         \
        if (i_ < 0)                                                                                \
            print_diags(&d_);                                                                      \
        assert_true(i_ >= 0);                                                                      \
        assert_int_equal(d_.items[i_].loc.line, (want_line));                                      \
        assert_int_equal(d_.items[i_].loc.col, (want_col));                                        \
        assert_int_equal(d_.items[i_].sev, SW_DIAG_ERROR);                                         \
        sw_diags_free(&d_);                                                                        \
    } while (0)

/* BASE has 17 lines; extra text starts on line 18. BASE ends inside the
 * `orgs:` list, so extra text starting "  - id: ..." adds an organisation. */
#define L0 17

/* ---- value syntaxes ------------------------------------------------------------- */

static void durations_parse(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(sw_parse_duration("4h", &ms), SW_OK);
    assert_int_equal(ms, 4 * 3600000);
    assert_int_equal(sw_parse_duration("90m", &ms), SW_OK);
    assert_int_equal(ms, 90 * 60000);
    assert_int_equal(sw_parse_duration("1h30m", &ms), SW_OK);
    assert_int_equal(ms, 90 * 60000);
    assert_int_equal(sw_parse_duration("2d3h4m5s6ms", &ms), SW_OK);
    assert_int_equal(ms, 2 * 86400000LL + 3 * 3600000 + 4 * 60000 + 5 * 1000 + 6);
    assert_int_equal(sw_parse_duration("500ms", &ms), SW_OK);
    assert_int_equal(ms, 500);
    assert_int_equal(sw_parse_duration("0", &ms), SW_OK);
    assert_int_equal(ms, 0);
    assert_int_equal(sw_parse_duration("366d", &ms), SW_OK);
    const char *bad[] = {"",    "4",    "h",    "4 hours",   "4H",  "30m1h", "1h1h",
                         "-1h", "1.5h", "367d", "99999999h", "1hm", "m30",   NULL};
    for (int i = 0; bad[i]; i++) {
        if (sw_parse_duration(bad[i], &ms) != SW_EINVAL)
            fail_msg("duration '%s' should be refused", bad[i]);
    }
}

static void exercise_times_parse(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(sw_parse_exercise_time("T+01:23", &ms), SW_OK);
    assert_int_equal(ms, 83 * 60000);
    assert_int_equal(sw_parse_exercise_time("T+1:23:45", &ms), SW_OK);
    assert_int_equal(ms, (83 * 60 + 45) * 1000LL);
    assert_int_equal(sw_parse_exercise_time("T+26:00", &ms), SW_OK);
    assert_int_equal(ms, 26 * 3600000LL);
    assert_int_equal(sw_parse_exercise_time("1h23m", &ms), SW_OK);
    assert_int_equal(ms, 83 * 60000);
    const char *bad[] = {"T+",     "T+1",    "T+1:2",   "T+1:60", "T+1:00:60",    "T+1:00:00:00",
                         "T-1:00", "T+a:00", "T+1:00x", "01:23",  "T+9999999:00", NULL};
    for (int i = 0; bad[i]; i++) {
        if (sw_parse_exercise_time(bad[i], &ms) != SW_EINVAL)
            fail_msg("exercise time '%s' should be refused", bad[i]);
    }
}

static void times_and_ranges_parse(void **state)
{
    (void)state;
    int m, a, b;
    assert_int_equal(sw_parse_time_of_day("08:30", &m), SW_OK);
    assert_int_equal(m, 510);
    assert_int_equal(sw_parse_time_of_day("0:00", &m), SW_OK);
    assert_int_equal(m, 0);
    assert_int_equal(sw_parse_time_of_day("23:59", &m), SW_OK);
    assert_int_equal(m, 1439);
    const char *bad[] = {"24:00",    "12:60", "12:5",  "123:00", "12",
                         "12:00:00", ":30",   "ab:cd", NULL};
    for (int i = 0; bad[i]; i++)
        if (sw_parse_time_of_day(bad[i], &m) != SW_EINVAL)
            fail_msg("time '%s' should be refused", bad[i]);

    assert_int_equal(sw_parse_hours("08:00-17:00", &a, &b), SW_OK);
    assert_int_equal(a, 480);
    assert_int_equal(b, 1020);
    assert_int_equal(sw_parse_hours("22:00-06:00", &a, &b), SW_OK); /* night shift */
    assert_int_equal(sw_parse_hours("8-5", &a, &b), SW_EINVAL);
    assert_int_equal(sw_parse_hours("08:00-08:00", &a, &b), SW_EINVAL);

    int64_t lo, hi;
    assert_int_equal(sw_parse_duration_range("10m..40m", &lo, &hi), SW_OK);
    assert_int_equal(lo, 600000);
    assert_int_equal(hi, 2400000);
    assert_int_equal(sw_parse_duration_range("5m", &lo, &hi), SW_OK);
    assert_int_equal(lo, hi);
    assert_int_equal(sw_parse_duration_range("40m..10m", &lo, &hi), SW_EINVAL);
    assert_int_equal(sw_parse_duration_range("..10m", &lo, &hi), SW_EINVAL);
    assert_int_equal(sw_parse_duration_range("10m..", &lo, &hi), SW_EINVAL);

    assert_int_equal(sw_parse_utc_offset("+09:00", &m), SW_OK);
    assert_int_equal(m, 540);
    assert_int_equal(sw_parse_utc_offset("-10:00", &m), SW_OK);
    assert_int_equal(m, -600);
    assert_int_equal(sw_parse_utc_offset("+5:45", &m), SW_OK);
    assert_int_equal(m, 345);
    assert_int_equal(sw_parse_utc_offset("+15:00", &m), SW_EINVAL);
    assert_int_equal(sw_parse_utc_offset("09:00", &m), SW_EINVAL);
}

/* Clock times in `at:`: from the start, and past midnight for a night exercise. */
static void clock_times_become_exercise_times(void **state)
{
    (void)state;
    const char *text = "exercise: {name: Night, duration: 6h, start: \"22:00\"}\n"
                       "teams: [{id: blue, name: Blue}]\n"
                       "injects:\n"
                       "  - {id: a, title: A, kind: news, at: \"23:15\"}\n"
                       "  - {id: b, title: B, kind: news, at: \"02:00\"}\n"
                       "  - {id: c, title: C, kind: news, at: 5h59m}\n";
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    int rc = sw_scenario_load_mem("n.yaml", text, strlen(text), &w, &d);
    if (rc)
        print_diags(&d);
    assert_int_equal(rc, SW_OK);
    assert_int_equal(w.injects[0].at_ms, 75 * 60000);
    assert_int_equal(w.injects[1].at_ms, 4 * 3600000);
    assert_int_equal(w.injects[2].at_ms, 5 * 3600000 + 59 * 60000);
    sw_world_free(&w);
    sw_diags_free(&d);
    /* 05:00 is 7h in: past the end, so it reads as "before the start" */
    const char *late = "exercise: {name: Night, duration: 6h, start: \"22:00\"}\n"
                       "teams: [{id: blue, name: Blue}]\n"
                       "injects: [{id: a, title: A, kind: news, at: \"05:00\"}]\n";
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("n.yaml", late, strlen(late), &w, &d), SW_EINVAL);
    assert_true(diag_find(&d, "'at' 05:00 is before the exercise starts (22:00)") >= 0);
    sw_diags_free(&d);
}

static void attack_table_and_suggestions(void **state)
{
    (void)state;
    char name[128], tactic[64];
    assert_true(sw_attack_lookup("T1003.003", name, sizeof name, tactic, sizeof tactic));
    assert_string_equal(name, "NTDS");
    assert_string_equal(tactic, "credential-access");
    assert_true(sw_attack_lookup("T1078", NULL, 0, tactic, sizeof tactic));
    assert_string_equal(tactic, "defense-evasion"); /* first of several */
    assert_false(sw_attack_lookup("T1999", NULL, 0, NULL, 0));
    assert_false(sw_attack_lookup("T100", NULL, 0, NULL, 0)); /* prefix of T1001 */
    assert_false(sw_attack_id_valid("T1190.1"));
    assert_false(sw_attack_id_valid("t1190"));
    assert_true(sw_attack_id_valid("T1190"));

    static const char *const keys[] = {"hostname", "network", "role", NULL};
    assert_string_equal(scn_suggest("hostnmae", keys, NULL, NULL), "hostname");
    assert_string_equal(scn_suggest("rol", keys, NULL, NULL), "role");
    assert_null(scn_suggest("zzzzzz", keys, NULL, NULL));
    uint64_t budget = 50; /* enough for one comparison, not three */
    assert_null(scn_suggest("rol", keys, NULL, &budget));
    assert_int_equal(budget, 0);
}

/* ---- the world it builds --------------------------------------------------------- */

static void count_expands_ids_hostnames_and_ips(void **state)
{
    (void)state;
    sw_world_t w;
    sw_diags_t d;
    /* 10.0.2.254 + 2 would leave the /24: use a network that fits */
    const char *text =
        "exercise: {name: T, duration: 1h}\n"
        "teams: [{id: blue, name: Blue}]\n"
        "orgs:\n"
        "  - id: gov\n"
        "    team: blue\n"
        "    kind: government\n"
        "    networks: [{id: lan, cidr: 10.0.0.0/16, zone: internal}]\n"
        "    hosts:\n"
        "      - {id: ws, hostname: WS-, count: 12, ip: 10.0.0.250, network: lan,\n"
        "         os: windows-10, role: workstation, services: [{name: smb, port: 445}]}\n";
    sw_diags_init(&d);
    int rc = sw_scenario_load_mem("c.yaml", text, strlen(text), &w, &d);
    if (rc)
        print_diags(&d);
    assert_int_equal(rc, SW_OK);
    assert_int_equal(w.n_hosts, 12);
    assert_string_equal(w.hosts[0].id, "ws01");
    assert_string_equal(w.hosts[11].id, "ws12");
    assert_string_equal(w.hosts[0].hostname, "WS-01");
    assert_string_equal(w.hosts[11].hostname, "WS-12");
    assert_string_equal(w.hosts[0].ip_text, "10.0.0.250");
    assert_string_equal(w.hosts[5].ip_text, "10.0.0.255");
    assert_string_equal(w.hosts[6].ip_text, "10.0.1.0"); /* carries into the next octet */
    assert_int_equal(w.hosts[6].ip[2], 1);
    assert_int_equal(w.hosts[11].n_services, 1);
    assert_int_equal(w.hosts[11].network, 0);
    assert_int_equal(w.networks[0].hosts.n, 12);
    assert_int_equal(w.orgs[0].hosts.n, 12);
    assert_int_equal(w.hosts[3].team, 0);
    assert_int_equal(sw_world_host(&w, "ws07"), 6);
    sw_world_free(&w);
    sw_diags_free(&d);
}

static void count_out_of_range_and_past_the_network(void **state)
{
    (void)state;
    /* three workstations from .254 run out of the /24 at ws03: one report,
     * at the entry, for the whole count: group */
    char *base = strdup(BASE);
    assert_non_null(base);
    char *p = strstr(base, "10.0.2.100");
    assert_non_null(p);
    memcpy(p, "10.0.2.254", 10);
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("c.yaml", base, strlen(base), &w, &d), SW_EINVAL);
    assert_int_equal(d.n_errors, 1);
    assert_non_null(
        strstr(d.items[0].msg, "host 'ws03' address 10.0.3.0 is outside its network 'lan'"));
    assert_int_equal(d.items[0].loc.line, 16);
    assert_int_equal(d.items[0].loc.col, 9);
    sw_diags_free(&d);
    free(base);
    EXPECT_ERROR(
        "  - id: g2\n    team: blue\n    kind: government\n"
        "    networks: [{id: n2, cidr: 10.9.0.0/24, zone: internal}]\n"
        "    hosts: [{id: x, count: 100, ip: 10.9.0.1, network: n2, os: debian-12, role: dns}]\n",
        "'count' must be a whole number from 1 to 99, got '100'", L0 + 5, 28);
    EXPECT_ERROR("  - id: g2\n    team: blue\n    kind: government\n"
                 "    networks: [{id: n2, cidr: 10.9.0.0/24, zone: internal}]\n"
                 "    hosts: [{id: x, count: 2, ip: 255.255.255.255, network: n2, os: debian-12, "
                 "role: dns}]\n",
                 "'count' 2 runs past the end of the address space", L0 + 5, 28);
}

/* The step of adversary a with this id (the playbooks grow: never by index). */
static const sw_step_t *step_named(const sw_adversary_t *a, const char *id)
{
    for (uint32_t i = 0; i < a->n_steps; i++)
        if (!strcmp(a->steps[i].id, id))
            return &a->steps[i];
    fail_msg("no step '%s' in %s", id, a->id);
    return NULL;
}

/* The objective of adversary a with this id. */
static const sw_adv_objective_t *objective_named(const sw_adversary_t *a, const char *id)
{
    for (uint32_t i = 0; i < a->n_objectives; i++)
        if (!strcmp(a->objectives[i].id, id))
            return &a->objectives[i];
    fail_msg("no objective '%s' in %s", id, a->id);
    return NULL;
}

static void example_world_is_complete(void **state)
{
    (void)state;
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    int rc = sw_scenario_load("example", &w, &d);
    if (rc)
        print_diags(&d);
    assert_int_equal(rc, SW_OK);
    assert_int_equal(d.n, 0);
    const sw_exercise_spec_t *ex = &w.exercise;
    assert_int_equal(ex->duration_ms, 4 * 3600000);
    assert_int_equal(ex->start_minute, 8 * 60 + 30);
    assert_string_equal(ex->timezone, "Pacific/Palau");
    assert_int_equal(ex->utc_offset_min, 540);
    assert_string_equal(ex->date, "2026-02-12");
    assert_int_equal(ex->seed, 20240212);
    assert_int_equal(ex->n_objectives, 4);
    assert_int_equal(w.n_teams, 3);
    assert_int_equal(w.teams[2].kind, SW_TEAM_OBSERVER);
    assert_int_equal(w.teams[0].orgs.n, 2);
    /* files: main first, then the includes */
    assert_int_equal(w.files.n, 7);
    assert_string_equal(w.files.s[0], "builtin:scenarios/example.yaml");
    assert_string_equal(w.files.s[1], "builtin:scenarios/lib/orgs/palau-mof.yaml");

    uint32_t vpn = sw_world_host(&w, "pw-mof-vpn01");
    assert_int_not_equal(vpn, SW_NONE);
    const sw_host_t *h = &w.hosts[vpn];
    assert_int_equal(h->role, SW_ROLE_VPN_GATEWAY);
    assert_int_equal(h->os_family, SW_OSF_NETWORK);
    assert_int_equal(h->n_vulns, 2);
    assert_string_equal(h->vulns[1].cve, "CVE-2024-21887");
    assert_int_equal(h->vulns[1].grants, SW_PRIV_SYSTEM);
    assert_true(h->vulns[1].remote);
    assert_int_equal(h->services[0].n_deps, 1);
    assert_int_equal(h->services[0].dep_host[0], sw_world_host(&w, "pw-mof-dc01"));
    assert_int_equal(h->reimage_ms, 3 * 3600000);
    assert_int_equal(w.networks[h->network].zone, SW_ZONE_DMZ);
    assert_true(h->sensors.syslog);

    const sw_host_t *fs = &w.hosts[sw_world_host(&w, "pw-mof-fs01")];
    assert_true(fs->backup.present);
    assert_int_equal(fs->backup.last_good_age_ms, 26 * 3600000);
    assert_false(fs->backup.offline);
    assert_int_equal(fs->sensors.av_sig_age_days, 30);
    assert_true(fs->domain_joined);

    uint32_t mof = sw_world_org(&w, "pw-mof");
    assert_int_equal(w.orgs[mof].kind, SW_ORG_GOVERNMENT);
    assert_int_equal(w.orgs[mof].intl_primary.n, 2);
    assert_int_equal(w.orgs[mof].intl_backup.ids[1], sw_world_link(&w, "pw-sat"));
    assert_int_equal(w.orgs[mof].n_fw, 9);
    assert_int_equal(w.orgs[mof].fw[0].port_lo, 443);
    assert_int_equal(w.orgs[mof].fw[5].port_lo, 3389);
    assert_int_equal(w.orgs[mof].fw[6].port_lo, 0); /* any */
    assert_int_equal(w.orgs[mof].fw[6].port_hi, 65535);
    assert_int_equal(w.orgs[mof].fw[6].from, SW_ZONE_INTERNAL);
    assert_true(w.orgs[mof].fw[0].allow);
    assert_int_equal(w.orgs[mof].users.n, 4);
    const sw_user_t *kesol = &w.users[w.orgs[mof].users.ids[1]];
    assert_true(kesol->domain_admin);
    assert_true(kesol->vpn);
    assert_int_equal(kesol->work_start_min, 7 * 60 + 30);
    assert_int_equal(kesol->workstation, sw_world_host(&w, "pw-mof-ws02"));

    const sw_link_t *cable = &w.links[sw_world_link(&w, "pw-guam-cable")];
    assert_int_equal(cable->kind, SW_LINK_CABLE);
    assert_int_equal(cable->repair_ms, 55LL * 86400000);
    assert_string_equal(cable->end_a, "Ngardmau");

    const sw_business_t *transit = NULL;
    for (uint32_t i = 0; i < w.n_business; i++)
        if (!strcmp(w.business[i].id, "pw-transit"))
            transit = &w.business[i];
    assert_non_null(transit);
    assert_int_equal(transit->n_all, 2);
    assert_int_equal(transit->all[0].kind, SW_DEP_SERVICE);
    assert_int_equal(transit->all[1].kind, SW_DEP_INTL);
    assert_int_equal(transit->all[1].ref, sw_world_org(&w, "pw-tel"));
    assert_int_equal(transit->team, 0);

    const sw_adversary_t *volt = &w.adversaries[0];
    assert_string_equal(volt->id, "volt");
    assert_string_equal(volt->group, "G1017");
    assert_int_equal(volt->targets.n, 2);
    assert_int_equal(volt->start_ms, 10 * 60000);
    const sw_adv_objective_t *cut_transit = objective_named(volt, "cut-transit");
    assert_int_equal(cut_transit->kind, SW_OBJ_DISRUPT);
    assert_int_equal(cut_transit->at_ms, 3 * 3600000 + 15 * 60000);
    assert_int_equal(cut_transit->target.org_kind, SW_ORG_TELECOM);
    const sw_step_t *ex_vpn = step_named(volt, "exploit-vpn");
    assert_string_equal(ex_vpn->id, "exploit-vpn");
    assert_string_equal(ex_vpn->tactic, "initial-access");
    assert_int_equal(ex_vpn->n_pre, 4);
    assert_int_equal(ex_vpn->pre[2].kind, SW_PRE_VULN);
    assert_string_equal(ex_vpn->pre[2].cve, "CVE-2023-46805");
    assert_int_equal(ex_vpn->dur_min_ms, 2 * 60000);
    assert_int_equal(ex_vpn->dur_max_ms, 10 * 60000);
    assert_true(ex_vpn->target.has_role);
    assert_int_equal(ex_vpn->target.role, SW_ROLE_VPN_GATEWAY);
    const sw_step_t *ntds = step_named(volt, "dc-hands-on");
    assert_non_null(strstr(ntds->procedure, "vssadmin create shadow /for=C:"));
    assert_non_null(strstr(ntds->procedure, "ntdsutil \\\"ac i ntds\\\" ifm"));

    const sw_inject_t *cut = &w.injects[3];
    assert_int_equal(cut->tech, SW_TECH_CABLE_FAULT);
    assert_int_equal(cut->tech_link, sw_world_link(&w, "pw-guam-cable"));
    assert_int_equal(w.injects[1].at_ms, 45 * 60000); /* "09:15" on an 08:30 start */
    assert_int_equal(w.injects[2].trigger, SW_TRIG_ATTACKER_ON);
    assert_true(w.injects[2].to_instructors);
    assert_int_equal(w.injects[4].trigger, SW_TRIG_STEP);
    assert_int_equal(w.injects[4].adversary, 1);
    assert_string_equal(w.adversaries[1].steps[w.injects[4].index].id, "encrypt");
    assert_int_equal(w.injects[5].tech, SW_TECH_POWER_LOSS);
    assert_int_equal(w.injects[5].tech_duration_ms, 30 * 60000);
    assert_int_equal(w.injects[0].to.n, 0); /* all */
    assert_int_equal(w.injects[0].n_indicators, 2);

    assert_true(w.scoring.w_availability > 0.29 && w.scoring.w_availability < 0.31);
    assert_int_equal(w.scoring.allowed_actions, (1u << SW_ACT__COUNT) - 1);
    sw_world_free(&w);
    sw_diags_free(&d);
}

static void includes_merge_once_and_in_order(void **state)
{
    (void)state;
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    int rc = sw_scenario_load("tests/data/scenarios/good/include-diamond.yaml", &w, &d);
    if (rc)
        print_diags(&d);
    assert_int_equal(rc, SW_OK);
    assert_int_equal(w.n_teams, 1); /* shared.yaml read once */
    assert_int_equal(w.n_orgs, 2);
    assert_string_equal(w.orgs[0].id, "org-a"); /* includes in order, depth first */
    assert_string_equal(w.orgs[1].id, "org-b");
    assert_int_equal(w.files.n, 4);
    assert_string_equal(w.files.s[0], "tests/data/scenarios/good/include-diamond.yaml");
    assert_string_equal(w.files.s[1], "tests/data/scenarios/good/inc/shared.yaml");
    sw_world_free(&w);
    sw_diags_free(&d);
}

/* A chain of files, each including the next, deeper than the limit. */
static void include_depth_is_bounded(void **state)
{
    (void)state;
    char dir[] = "/tmp/sw-inc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    int n = SW_SCN_MAX_INCLUDE_DEPTH + 4;
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/f%d.yaml", dir, i);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        if (i == 0)
            fprintf(f, "exercise: {name: X, duration: 1h}\nteams: [{id: t, name: T}]\n");
        if (i + 1 < n)
            fprintf(f, "include: f%d.yaml\n", i + 1);
        fclose(f);
    }
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    snprintf(path, sizeof path, "%s/f0.yaml", dir);
    assert_int_equal(sw_scenario_load(path, &w, &d), SW_EINVAL);
    assert_true(diag_find(&d, "includes nested too deeply") >= 0);
    sw_diags_free(&d);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/f%d.yaml", dir, i);
        unlink(path);
    }
    rmdir(dir);
}

/* ---- each check ------------------------------------------------------------------- */

static void checks_report_at_the_right_place(void **state)
{
    (void)state;
#define NET "  - id: g2\n    team: blue\n    kind: government\n"
    EXPECT_ERROR("links:\n  - {id: c, kind: cable, lenght_km: 3}\n", "did you mean 'length_km'",
                 L0 + 2, 26);
    EXPECT_ERROR("links:\n  - {id: vpn2, kind: cable}\n  - {id: vpn2, kind: wan}\n",
                 "duplicate link id 'vpn2'", L0 + 3, 5);
    EXPECT_ERROR(NET "    networks: [{id: n2, cidr: 10.0.0.0/16, zone: internal}]\n",
                 "overlaps network 'dmz'", L0 + 4, 16);
    EXPECT_ERROR(NET "    networks: [{id: n2, cidr: 10.9.0.0/33, zone: internal}]\n",
                 "'cidr' must be a network", L0 + 4, 31);
    EXPECT_ERROR(NET "    networks: [{id: n2, cidr: 10.9.0.0/24, zone: lab}]\n",
                 "unknown zone 'lab'", L0 + 4, 50);
    EXPECT_ERROR("business:\n  - {id: a, org: gov, requires: [business:b]}\n"
                 "  - {id: b, org: gov, requires: [business:a]}\n",
                 "business service dependency cycle: a -> b -> a", L0 + 3, 34);
    EXPECT_ERROR("business:\n  - {id: a, org: gov, requires: [link:nope]}\n", "unknown link 'nope'",
                 L0 + 2, 34);
    EXPECT_ERROR("business:\n  - {id: a, org: gov, requires: [disk:c]}\n",
                 "dependency 'disk:c' must be host:ID", L0 + 2, 34);
    EXPECT_ERROR("observers: [{id: blue, name: Again}]\n", "duplicate team id 'blue'", L0 + 1, 13);
    EXPECT_ERROR("seed: -1\n", "'seed' must be a whole number", L0 + 1, 7);
    EXPECT_ERROR("injects:\n  - {id: i, title: t, kind: memo, at: 1h}\n",
                 "unknown inject kind 'memo'", L0 + 2, 29);
    EXPECT_ERROR("injects:\n  - {id: i, title: t, kind: news, when: {objective: x/y}}\n",
                 "unknown adversary 'x'", L0 + 2, 53);
    EXPECT_ERROR("injects:\n  - {id: i, title: t, kind: news, at: 1h, to: [blu]}\n",
                 "unknown team 'blu' (did you mean 'blue'?)", L0 + 2, 48);
    EXPECT_ERROR("injects:\n  - {id: i, title: t, kind: technical, at: 1h,\n"
                 "     effect: {power_loss: {duration: 1h}}}\n",
                 "'power_loss' needs 'org' or 'host'", L0 + 3, 27);
    EXPECT_ERROR("rules: {allowed_actions: [isolate, nuke]}\n", "unknown action 'nuke'", L0 + 1,
                 36);
    EXPECT_ERROR("orgs: []\n", "duplicate key 'orgs' in the scenario (first at line 3)", L0 + 1, 1);
#undef NET
}

static const char PLAYBOOK[] =
    "adversaries:\n"
    "  - id: red\n"
    "    targets: [blue]\n"
    "    objectives:\n"
    "      - {id: hold, kind: preposition, target: {role: vpn-gateway}}\n"
    "      - {id: take, kind: exfiltrate, target: {role: domain-controller}}\n"
    "    playbook:\n"
    "      - {id: a, technique: T1190, target: {role: vpn-gateway},\n"
    "         requires: [reach: 443, vuln: CVE-2024-21762], effects: [foothold: system]}\n"
    "      - {id: b, technique: T1505.003, target: {role: vpn-gateway},\n"
    "         requires: [on_target: system], effects: [persist: webshell, c2: https]}\n"
    "      - {id: c, technique: T1003.001, target: {role: vpn-gateway},\n"
    "         requires: [on_target: system], effects: [credential: domain-admin]}\n"
    "      - {id: d, technique: T1047, target: {role: domain-controller},\n"
    "         requires: [credential: domain-admin, reach: 389], effects: [foothold: admin]}\n"
    "      - {id: e, technique: T1041, target: {role: domain-controller},\n"
    "         requires: [on_target: admin, c2: true], effects: [exfil: 10]}\n";

/* Remember the accounts credential events name. */
static void cred_cb(const sw_sim_event_t *ev, void *ud)
{
    char *got = ud;
    if (ev->type == SW_SEV_CREDENTIAL && ev->account && strlen(got) + strlen(ev->account) < 200) {
        strcat(got, ev->account);
        strcat(got, ";");
    }
}

static void a_credential_can_name_its_account(void **state)
{
    (void)state;
    char *text = NULL;
    const char *named = "credential: {kind: domain-admin, form: password, account: svc-ldap}";
    const char *at = strstr(PLAYBOOK, "credential: domain-admin]");
    assert_non_null(at);
    size_t pre = (size_t)(at - PLAYBOOK);
    size_t n = strlen(BASE) + strlen(PLAYBOOK) + strlen(named) + 1;
    text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%.*s%s%s", BASE, (int)pre, PLAYBOOK, named,
             at + strlen("credential: domain-admin"));
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    int rc = sw_scenario_load_mem("a.yaml", text, strlen(text), &w, &d);
    if (rc)
        print_diags(&d);
    assert_int_equal(rc, SW_OK);
    const sw_eff_t *e = &w.adversaries[0].steps[2].eff[0];
    assert_int_equal(e->kind, SW_EFF_CREDENTIAL);
    assert_string_equal(e->account, "svc-ldap");
    sw_world_free(&w);
    sw_diags_free(&d);
    free(text);
    /* the harvest yields that account: telecom-lotl's appliance gives up its
     * LDAP bind account (a domain admin drawn from the staff otherwise) */
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load("telecom-lotl", &w, &d), SW_OK);
    char got[256] = "";
    sw_sim_t *sim = sw_sim_new(&w, w.exercise.seed, cred_cb, got);
    assert_non_null(sim);
    assert_int_equal(sw_sim_run_until(sim, 90 * 60000), SW_OK);
    assert_non_null(strstr(got, "svc-fortildap;"));
    sw_sim_free(sim);
    sw_world_free(&w);
    sw_diags_free(&d);
}

static void reachability_follows_the_chains(void **state)
{
    (void)state;
    char *base = strdup(BASE);
    char *p;
    assert_non_null(base);
    size_t n = strlen(base) + strlen(PLAYBOOK) + 1;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s", base, PLAYBOOK);
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    int rc = sw_scenario_load_mem("r.yaml", text, strlen(text), &w, &d);
    if (rc)
        print_diags(&d);
    assert_int_equal(rc, SW_OK);
    int ok[2] = {0, 0};
    assert_int_equal(sw_scenario_reach(&w, 0, ok), SW_OK);
    assert_true(ok[0]);
    assert_true(ok[1]);

    /* without the credential dump, the DC is out of reach; the VPN is not */
    sw_adversary_t *a = &w.adversaries[0];
    sw_step_t saved = a->steps[2];
    a->steps[2].n_eff = 0;
    assert_int_equal(sw_scenario_reach(&w, 0, ok), SW_OK);
    assert_true(ok[0]);
    assert_false(ok[1]);
    a->steps[2] = saved;

    /* without C2 there is no exfiltration */
    a->steps[1].n_eff = 1; /* keep persist, drop c2 */
    assert_int_equal(sw_scenario_reach(&w, 0, ok), SW_OK);
    assert_true(ok[0]);
    assert_false(ok[1]);

    /* aimed at the other team, nothing matches */
    a->steps[1].n_eff = 2;
    a->targets.ids[0] = 1;
    assert_int_equal(sw_scenario_reach(&w, 0, ok), SW_OK);
    assert_false(ok[0]);
    assert_false(ok[1]);
    assert_int_equal(sw_scenario_reach(&w, 5, ok), SW_EINVAL);
    sw_world_free(&w);
    sw_diags_free(&d);

    /* and the loader reports it: drop the vuln precondition's CVE to one nobody has */
    p = strstr(text, "vuln: CVE-2024-21762");
    assert_non_null(p);
    memcpy(p + 6, "CVE-2024-99999", 14);
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("r.yaml", text, strlen(text), &w, &d), SW_EINVAL);
    assert_true(diag_find(&d, "objective 'hold' of adversary 'red' cannot be reached") >= 0);
    assert_true(diag_find(&d, "objective 'take' of adversary 'red' cannot be reached") >= 0);
    assert_true(diag_find(&d, "step 'a' of adversary 'red' can never run") >= 0);
    assert_int_equal(d.n_errors, 2);
    sw_diags_free(&d);
    free(text);
    free(base);
}

/* ---- limits and hostile input ---------------------------------------------------- */

static void hostile_input_is_bounded(void **state)
{
    (void)state;
    sw_world_t w;
    sw_diags_t d;
    /* too large */
    size_t big = YT_MAX_TEXT + 1;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, ' ', big);
    text[big] = '\0';
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("big.yaml", text, big, &w, &d), SW_EINVAL);
    assert_true(diag_find(&d, "file is too large") >= 0);
    sw_diags_free(&d);
    free(text);

    /* alias bomb: refused at the first alias */
    const char *bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n";
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("bomb.yaml", bomb, strlen(bomb), &w, &d), SW_EINVAL);
    assert_int_equal(d.n_errors, 1);
    assert_int_equal(d.items[0].loc.line, 2);
    assert_int_equal(d.items[0].loc.col, 8);
    sw_diags_free(&d);

    /* deep nesting */
    char deep[400];
    size_t k = 0;
    for (int i = 0; i < 150; i++)
        deep[k++] = '[';
    deep[k] = '\0';
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("deep.yaml", deep, k, &w, &d), SW_EINVAL);
    assert_true(diag_find(&d, "nested too deeply") >= 0);
    sw_diags_free(&d);

    /* embedded NUL, empty input, a lone scalar */
    const char nul[] = "exercise: \"a\\0b\"\n";
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("nul.yaml", nul, sizeof nul - 1, &w, &d), SW_EINVAL);
    assert_true(diag_find(&d, "NUL character") >= 0);
    sw_diags_free(&d);
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("empty.yaml", "", 0, &w, &d), SW_EINVAL);
    assert_true(diag_find(&d, "missing required section 'exercise'") >= 0);
    sw_diags_free(&d);
    sw_diags_init(&d);
    assert_int_equal(sw_scenario_load_mem("s.yaml", "hello", 5, &w, &d), SW_EINVAL);
    assert_true(diag_find(&d, "must be a mapping of sections") >= 0);
    sw_diags_free(&d);
}

static void diags_format_and_cap(void **state)
{
    (void)state;
    sw_diags_t d;
    sw_diags_init(&d);
    sw_loc_t loc = {"f.yaml", 3, 7};
    assert_int_equal(sw_diags_add(&d, loc, SW_DIAG_ERROR, "bad %s", "thing"), SW_OK);
    assert_int_equal(sw_diags_add(&d, loc, SW_DIAG_WARNING, "odd"), SW_OK);
    char buf[256] = {0};
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    sw_diags_print(&d, f);
    fclose(f);
    assert_string_equal(buf, "f.yaml:3:7: error: bad thing\nf.yaml:3:7: warning: odd\n");
    for (int i = 0; i < SW_DIAGS_MAX + 10; i++)
        sw_diags_add(&d, loc, SW_DIAG_ERROR, "e%d", i);
    assert_int_equal(d.n, SW_DIAGS_MAX);
    assert_int_equal(d.n_errors, SW_DIAGS_MAX + 11);
    assert_int_equal(d.n_warnings, 1);
    sw_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(durations_parse),
        cmocka_unit_test(exercise_times_parse),
        cmocka_unit_test(times_and_ranges_parse),
        cmocka_unit_test(clock_times_become_exercise_times),
        cmocka_unit_test(attack_table_and_suggestions),
        cmocka_unit_test(count_expands_ids_hostnames_and_ips),
        cmocka_unit_test(count_out_of_range_and_past_the_network),
        cmocka_unit_test(example_world_is_complete),
        cmocka_unit_test(includes_merge_once_and_in_order),
        cmocka_unit_test(include_depth_is_bounded),
        cmocka_unit_test(checks_report_at_the_right_place),
        cmocka_unit_test(reachability_follows_the_chains),
        cmocka_unit_test(a_credential_can_name_its_account),
        cmocka_unit_test(hostile_input_is_bounded),
        cmocka_unit_test(diags_format_and_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
