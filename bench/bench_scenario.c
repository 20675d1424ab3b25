/* bench_scenario.c — how fast scenarios load and validate: the shipped
 * example (7 files through includes, 82 hosts, two playbooks) and a generated
 * large scenario (20 teams, 10,000 hosts written one entry each, 1,000
 * business services, one adversary with a 12-step playbook over every team),
 * each loaded from memory or the embedded table, median of several runs.
 * Prints loads per second, MB/s of YAML and hosts per second. A benchmark,
 * not a test: it asserts only that the loads succeed.
 *
 * Target: the example in well under 50 ms (validate on every save in an
 * editor), the 10,000-host scenario under 1 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/embedded.h"
#include "core/err.h"
#include "scenario/scenario.h"

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

/* The generated scenario: teams x hosts_per_team hosts in one org per team. */
static char *big_scenario(int teams, int hosts_per_team, size_t *len)
{
    sw_buf_t b;
    sw_buf_init(&b, 0);
    sw_buf_puts(&b, "exercise: {name: generated, duration: 1d, start: \"08:00\"}\nteams:\n");
    for (int t = 0; t < teams; t++)
        sw_buf_printf(&b, "  - {id: t%d, name: Team %d}\n", t, t);
    sw_buf_puts(&b, "orgs:\n");
    for (int t = 0; t < teams; t++) {
        sw_buf_printf(
            &b,
            "  - id: o%d\n    team: t%d\n    kind: government\n"
            "    networks:\n"
            "      - {id: o%d-dmz, cidr: 10.%d.0.0/24, zone: dmz}\n"
            "      - {id: o%d-lan, cidr: 10.%d.128.0/17, zone: internal}\n"
            "    hosts:\n"
            "      - {id: o%d-vpn, ip: 10.%d.0.10, network: o%d-dmz, os: fortios,\n"
            "         role: vpn-gateway, services: [{name: https, port: 443, exposed: true}],\n"
            "         vulns: [{cve: CVE-2024-21762, service: https, grants: system}]}\n"
            "      - {id: o%d-dc, ip: 10.%d.128.10, network: o%d-lan,\n"
            "         os: windows-server-2019, role: domain-controller,\n"
            "         services: [{name: ldap, port: 389}, {name: smb, port: 445}]}\n",
            t, t, t, t, t, t, t, t, t, t, t, t);
        for (int h = 2; h < hosts_per_team; h++)
            sw_buf_printf(
                &b,
                "      - {id: o%d-ws%d, ip: 10.%d.%d.%d, network: o%d-lan, os: windows-11,\n"
                "         role: workstation, services: [{name: smb, port: 445,\n"
                "         depends_on: [o%d-dc/ldap]}], sensors: [av, sysmon]}\n",
                t, h, t, 129 + h / 250, h % 250 + 1, t, t);
        sw_buf_printf(&b,
                      "    users:\n      - {id: o%d-u, account: u%d, workstation: o%d-ws2, "
                      "phishing: 0.3}\n",
                      t, t, t);
    }
    sw_buf_puts(&b, "business:\n");
    for (int t = 0; t < teams; t++)
        for (int k = 0; k < 50; k++)
            sw_buf_printf(&b, "  - {id: b%d-%d, org: o%d, requires: [service:o%d-dc/ldap%s]}\n", t,
                          k, t, t, k ? "" : "");
    sw_buf_puts(
        &b, "adversaries:\n  - id: red\n"
            "    objectives:\n"
            "      - {id: dcs, kind: exfiltrate, target: {role: domain-controller}}\n"
            "      - {id: desks, kind: encrypt, target: {role: workstation}, min_hosts: 100}\n"
            "    playbook:\n"
            "      - {id: s1, technique: T1190, target: {role: vpn-gateway},\n"
            "         requires: [reach: 443, vuln: CVE-2024-21762], effects: [foothold: system]}\n"
            "      - {id: s2, technique: T1505.003, target: {role: vpn-gateway},\n"
            "         requires: [on_target: system], effects: [persist: webshell, c2: https]}\n"
            "      - {id: s3, technique: T1003.001, target: {role: vpn-gateway},\n"
            "         requires: [on_target: system], effects: [credential: domain-admin]}\n"
            "      - {id: s4, technique: T1047, target: {role: domain-controller},\n"
            "         requires: [credential: domain-admin, reach: 445], effects: [foothold: "
            "system]}\n"
            "      - {id: s5, technique: T1087.002, target: {role: domain-controller},\n"
            "         requires: [on_target: system], effects: [fact: mapped]}\n"
            "      - {id: s6, technique: T1003.003, target: {role: domain-controller},\n"
            "         requires: [on_target: system, fact: mapped], effects: [fact: ntds]}\n"
            "      - {id: s7, technique: T1041, target: {role: domain-controller},\n"
            "         requires: [fact: ntds, c2: true], effects: [exfil: 50]}\n"
            "      - {id: s8, technique: T1070.001, target: {role: domain-controller},\n"
            "         requires: [on_target: system], effects: [tamper_logs: true]}\n"
            "      - {id: s9, technique: T1570, target: {role: domain-controller},\n"
            "         requires: [on_target: system], effects: [{spread: {priv: system, role: "
            "workstation}}]}\n"
            "      - {id: s10, technique: T1490, target: {role: workstation},\n"
            "         requires: [on_target: system], effects: [destroy_backups: true, fact: "
            "gone]}\n"
            "      - {id: s11, technique: T1486, target: {role: workstation},\n"
            "         requires: [on_target: system, fact: gone], effects: [encrypt: true]}\n"
            "      - {id: s12, technique: T1566.001, target: {role: workstation},\n"
            "         requires: [phishable: true], effects: [foothold: user]}\n");
    *len = b.len;
    return sw_buf_take(&b);
}

/* Median seconds per load of text over runs. */
static double time_load(const char *name, const char *text, size_t len, int runs, uint32_t *hosts)
{
    double *t = calloc((size_t)runs, sizeof *t);
    for (int i = 0; i < runs; i++) {
        sw_world_t w;
        sw_diags_t d;
        sw_diags_init(&d);
        double t0 = now_s();
        int rc = sw_scenario_load_mem(name, text, len, &w, &d);
        t[i] = now_s() - t0;
        if (rc != SW_OK) {
            sw_diags_print(&d, stderr);
            fprintf(stderr, "bench_scenario: %s did not load\n", name);
            exit(1);
        }
        *hosts = w.n_hosts;
        sw_world_free(&w);
        sw_diags_free(&d);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    double med = t[runs / 2];
    free(t);
    return med;
}

static void report(const char *what, double s, size_t bytes, uint32_t hosts)
{
    printf("%-34s %9.2f ms/load %8.1f loads/s %7.1f MB/s %10.0f hosts/s\n", what, s * 1e3, 1 / s,
           (double)bytes / s / 1e6, hosts / s);
}

int main(void)
{
    const sw_embedded_t *ex = sw_embedded_find("scenarios/example.yaml");
    if (!ex) {
        fprintf(stderr, "bench_scenario: no embedded example\n");
        return 1;
    }
    /* the example's bytes with its includes, for MB/s */
    size_t ex_bytes = ex->len;
    static const char *const parts[] = {"scenarios/lib/orgs/palau-mof.yaml",
                                        "scenarios/lib/orgs/palau-telecom.yaml",
                                        "scenarios/lib/orgs/nauru-mof.yaml",
                                        "scenarios/lib/orgs/nauru-telecom.yaml",
                                        "scenarios/lib/adversaries/volt-typhoon-like.yaml",
                                        "scenarios/lib/adversaries/ransomware-crew.yaml"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const sw_embedded_t *p = sw_embedded_find(parts[i]);
        ex_bytes += p ? p->len : 0;
    }
    uint32_t hosts = 0;
    double s = time_load("builtin:scenarios/example.yaml", ex->data, ex->len, 51, &hosts);
    report("example (7 files, 82 hosts)", s, ex_bytes, hosts);

    size_t len;
    char *big = big_scenario(20, 500, &len);
    s = time_load("generated.yaml", big, len, 7, &hosts);
    report("generated (20 teams, 10,000 hosts)", s, len, hosts);
    free(big);
    return 0;
}
