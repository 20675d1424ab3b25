/* scenario_network.c — the scenario's infrastructure: `orgs:` with their
 * networks, firewall, international links, hosts (and `count:` groups),
 * services, accounts, vulnerabilities, sensors, backups and users; `links:`
 * between them; `business:` services on top. Phase 3 (fill) of the loader
 * for those sections; scenario_load.c drives the phases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "core/err.h"
#include "model/vocab.h"
#include "scenario/scenario_int.h"

static const char *const k_org[] = {"id",    "name",  "team",     "kind",          "networks",
                                    "hosts", "users", "firewall", "international", "trusts",
                                    NULL};
static const char *const r_org[] = {"id", "team", "kind", NULL};
static const char *const k_fw[] = {"default", "rules", NULL};
static const char *const k_fwrule[] = {"from", "to", "port", "proto", "action", NULL};
static const char *const r_fwrule[] = {"from", "to", "action", NULL};
static const char *const k_intl[] = {"primary", "backup", NULL};
static const char *const r_intl[] = {"primary", NULL};
static const char *const k_net[] = {"id", "name", "cidr", "zone", NULL};
static const char *const r_net[] = {"id", "cidr", "zone", NULL};
static const char *const k_host[] = {"id",           "hostname",
                                     "ip",           "network",
                                     "os",           "role",
                                     "criticality",  "count",
                                     "services",     "accounts",
                                     "software",     "vulns",
                                     "sensors",      "av_signature_age_days",
                                     "backup",       "domain_joined",
                                     "reimage_time", NULL};
static const char *const r_host[] = {"id", "ip", "network", "os", "role", NULL};
static const char *const k_svc[] = {"name", "port", "proto", "exposed", "depends_on", NULL};
static const char *const r_svc[] = {"name", "port", NULL};
static const char *const k_acct[] = {"name", "admin", NULL};
static const char *const r_acct[] = {"name", NULL};
static const char *const k_vuln[] = {"cve", "service", "exploitability", "remote", "grants", NULL};
static const char *const r_vuln[] = {"cve", NULL};
static const char *const k_backup[] = {"every", "last_good_age", "offline", "restore_time", NULL};
static const char *const r_backup[] = {"every", NULL};
static const char *const k_user[] = {"id",  "name",  "account",  "workstation", "groups",
                                     "vpn", "hours", "phishing", NULL};
static const char *const r_user[] = {"id", "account", NULL};
static const char *const k_link[] = {
    "id", "name", "kind", "ends", "length_km", "capacity_mbps", "latency_ms", "repair_time", NULL};
static const char *const r_link[] = {"id", "kind", NULL};
static const char *const k_biz[] = {
    "id", "name", "org", "weight", "requires", "any_of", "min_capacity_mbps", NULL};
static const char *const r_biz[] = {"id", "org", NULL};

void scn_fill_links(ld_t *L)
{
    char wb[160];
    for (uint32_t i = 0; i < L->w->n_links; i++) {
        sw_link_t *l = &L->w->links[i];
        node_t *n = L->link_n[i];
        if (scn_check_keys(L, n, scn_what(wb, sizeof wb, "link", l->id), k_link, r_link))
            continue;
        l->name = scn_opt_str(L, n, "name", l->id);
        l->kind = (sw_link_kind_t)scn_opt_enum(L, n, "kind", sw_link_kind_names, SW_LINK__COUNT, 0);
        node_t *e = scn_mget(n, "ends");
        if (e) {
            if (e->kind != YT_SEQ || e->n != 2 || e->first->kind != YT_SCALAR ||
                e->last->kind != YT_SCALAR || yt_is_null(e->first) || yt_is_null(e->last)) {
                ERR(L, e->loc, "'ends' must be a list of two place names, like [Ngardmau, Piti]");
            } else {
                l->end_a = scn_wstr(L, e->first->str);
                l->end_b = scn_wstr(L, e->last->str);
            }
        }
        l->length_km = scn_opt_num(L, n, "length_km", 0, 0, 40000, "a length from 0 to 40000 km");
        l->capacity_mbps =
            scn_opt_num(L, n, "capacity_mbps", 1000, 0.001, 1e9, "a capacity above 0 Mbps");
        double def_lat = l->kind == SW_LINK_SATELLITE ? 300
                         : l->kind == SW_LINK_CABLE   ? l->length_km / 200.0 + 1
                                                      : 1;
        l->latency_ms = scn_opt_num(L, n, "latency_ms", def_lat, 0, 10000,
                                    "a one-way latency from 0 to 10000 ms");
        l->repair_ms = scn_opt_dur(L, n, "repair_time",
                                   l->kind == SW_LINK_CABLE ? (int64_t)14 * 86400000 : 4 * 3600000);
    }
}

/* "lo-hi", a number, or "any" */
static void fw_ports(ld_t *L, node_t *v, sw_fw_rule_t *r)
{
    r->port_lo = 0;
    r->port_hi = 65535;
    if (!v)
        return;
    const char *s = scn_scalar(L, v, "port", "a port, a range lo-hi, or any");
    if (!s || !strcmp(s, "any"))
        return;
    unsigned lo, hi;
    char tail;
    int n = sscanf(s, "%5u-%5u%c", &lo, &hi, &tail);
    if (n == 1 && strspn(s, "0123456789") == strlen(s))
        hi = lo;
    else if (!(n == 2 && strspn(s, "0123456789-") == strlen(s)))
        lo = 1, hi = 0; /* bad */
    if (lo > hi || hi > 65535) {
        ERR(L, v->loc, "'port' must be a port, a range lo-hi, or any, got '%s'", s);
        return;
    }
    r->port_lo = (uint16_t)lo;
    r->port_hi = (uint16_t)hi;
}

static void ld_fill_firewall(ld_t *L, sw_org_t *org, node_t *fw)
{
    if (scn_check_keys(L, fw, "firewall", k_fw, NULL))
        return;
    node_t *v = scn_mget(fw, "default");
    if (v)
        org->fw_default_allow = scn_val_enum(L, v, "default", scn_fw_action_names, 2, 0);
    node_t *rules = scn_mget(fw, "rules");
    if (!rules)
        return;
    if (!scn_list_ok(L, rules, "rules", "a list"))
        return;
    if (!(org->fw = scn_wz(L, rules->n * sizeof *org->fw)))
        return;
    for (node_t *r = rules->first; r; r = r->next) {
        if (scn_check_keys(L, r, "firewall rule", k_fwrule, r_fwrule))
            continue;
        sw_fw_rule_t *fr = &org->fw[org->n_fw++];
        fr->loc = r->loc;
        fr->from = (sw_zone_t)scn_opt_enum(L, r, "from", sw_zone_names, SW_ZONE__COUNT, 0);
        fr->to = (sw_zone_t)scn_opt_enum(L, r, "to", sw_zone_names, SW_ZONE__COUNT, 0);
        fw_ports(L, scn_mget(r, "port"), fr);
        fr->proto = (sw_proto_t)scn_opt_enum(L, r, "proto", sw_proto_names, 2, 0);
        fr->allow = scn_opt_enum(L, r, "action", scn_fw_action_names, 2, 0);
    }
}

static void ld_fill_network(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_network_t *net = &L->w->networks[i];
    node_t *n = L->net_n[i];
    if (scn_check_keys(L, n, scn_what(wb, sizeof wb, "network", net->id), k_net, r_net))
        return;
    net->name = scn_opt_str(L, n, "name", net->id);
    net->zone =
        (sw_zone_t)scn_opt_enum(L, n, "zone", sw_zone_names, SW_ZONE__COUNT, SW_ZONE_INTERNAL);
    node_t *v = scn_mget(n, "cidr");
    const char *s = v ? scn_scalar(L, v, "cidr", "a network like 10.1.0.0/24") : NULL;
    net->cidr.prefix = 255; /* marks "no valid CIDR" for the checks */
    if (s) {
        if (sw_cidr_parse(s, &net->cidr)) {
            net->cidr.prefix = 255;
            ERR(L, v->loc,
                "'cidr' must be a network like 10.1.0.0/24 with the host bits zero, got '%s'", s);
        }
    }
}

/* Services, accounts, software, vulns, sensors, backup of one host entry. */
static void ld_fill_host_body(ld_t *L, sw_host_t *h, node_t *n)
{
    node_t *v;
    if ((v = scn_mget(n, "services"))) {
        if (!scn_list_ok(L, v, "services", "a list")) {
        } else if ((h->services = scn_wz(L, v->n * sizeof *h->services))) {
            for (node_t *s = v->first; s; s = s->next) {
                if (scn_check_keys(L, s, "service", k_svc, r_svc))
                    continue;
                sw_service_t *sv = &h->services[h->n_services];
                sv->loc = s->loc;
                sv->name = scn_opt_str(L, s, "name", NULL);
                if (!sv->name)
                    continue;
                if (!scn_id_ok(sv->name)) {
                    ERR(L, scn_kloc(s, "name"),
                        "invalid service name '%s': use letters, digits, '-', '_' or '.'",
                        sv->name);
                    continue;
                }
                int dup = 0;
                for (uint32_t j = 0; j < h->n_services; j++)
                    if (!strcmp(h->services[j].name, sv->name))
                        dup = 1;
                if (dup) {
                    ERR(L, scn_kloc(s, "name"), "duplicate service '%s' on host '%s'", sv->name,
                        h->id ? h->id : "?");
                    continue;
                }
                sv->port = (uint16_t)scn_opt_int(L, s, "port", 0, 0, 65535);
                sv->proto =
                    (sw_proto_t)scn_opt_enum(L, s, "proto", sw_proto_names, 2, SW_PROTO_TCP);
                sv->exposed = scn_opt_bool(L, s, "exposed", 0);
                h->n_services++;
            }
        }
    }
    if ((v = scn_mget(n, "accounts"))) {
        if (!scn_list_ok(L, v, "accounts", "a list")) {
        } else if ((h->accounts = scn_wz(L, v->n * sizeof *h->accounts))) {
            for (node_t *a = v->first; a; a = a->next) {
                if (scn_check_keys(L, a, "account", k_acct, r_acct))
                    continue;
                sw_account_t *ac = &h->accounts[h->n_accounts++];
                ac->loc = a->loc;
                ac->name = scn_opt_str(L, a, "name", "?");
                ac->admin = scn_opt_bool(L, a, "admin", 0);
            }
        }
    }
    h->software = scn_opt_strlist(L, n, "software");
    if ((v = scn_mget(n, "vulns"))) {
        if (!scn_list_ok(L, v, "vulns", "a list")) {
        } else if ((h->vulns = scn_wz(L, v->n * sizeof *h->vulns))) {
            for (node_t *x = v->first; x; x = x->next) {
                if (scn_check_keys(L, x, "vulnerability", k_vuln, r_vuln))
                    continue;
                sw_vuln_t *vu = &h->vulns[h->n_vulns++];
                vu->loc = x->loc;
                vu->cve = scn_opt_str(L, x, "cve", "?");
                if (scn_mget(x, "cve") && !scn_cve_ok(vu->cve))
                    ERR(L, scn_kloc(x, "cve"),
                        "'cve' must be a CVE id like CVE-2023-46805, got '%s'", vu->cve);
                vu->service = scn_opt_str(L, x, "service", NULL);
                if (vu->service) {
                    int found = 0;
                    for (uint32_t j = 0; j < h->n_services; j++)
                        found |= !strcmp(h->services[j].name, vu->service);
                    if (!found)
                        ERR(L, scn_kloc(x, "service"), "unknown service '%s' on host '%s'",
                            vu->service, h->id ? h->id : "?");
                }
                vu->exploitability = scn_opt_prob(L, x, "exploitability", 0.5);
                vu->remote = scn_opt_bool(L, x, "remote", vu->service != NULL);
                vu->grants =
                    (sw_priv_t)scn_opt_enum(L, x, "grants", sw_priv_names, 4, SW_PRIV_USER);
            }
        }
    }
    /* Windows and Linux keep a local security log unless told otherwise. */
    h->sensors.security_log = h->os_family == SW_OSF_WINDOWS || h->os_family == SW_OSF_LINUX;
    if ((v = scn_mget(n, "sensors"))) {
        int *flags[] = {&h->sensors.sysmon,
                        &h->sensors.edr,
                        &h->sensors.av,
                        &h->sensors.security_log,
                        &h->sensors.log_forwarding,
                        &h->sensors.pcap,
                        &h->sensors.netflow,
                        &h->sensors.syslog};
        if (v->kind != YT_SEQ) {
            ERR(L, v->loc, "'sensors' must be a list of sensor names, got %s", yt_kind_name(v));
        } else {
            for (node_t *s = v->first; s; s = s->next) {
                int k = scn_val_enum(L, s, "sensor", scn_sensor_names, 8, -1);
                if (k >= 0)
                    *flags[k] = 1;
            }
        }
    }
    h->sensors.av_sig_age_days = (int)scn_opt_int(L, n, "av_signature_age_days", 0, 0, 3650);
    if ((v = scn_mget(n, "backup")) && !scn_check_keys(L, v, "backup", k_backup, r_backup)) {
        h->backup.present = 1;
        h->backup.interval_ms = scn_opt_dur(L, v, "every", 86400000);
        if (h->backup.interval_ms == 0)
            ERR(L, scn_kloc(v, "every"), "'every' must be a duration above 0");
        h->backup.last_good_age_ms = scn_opt_dur(L, v, "last_good_age", h->backup.interval_ms);
        h->backup.offline = scn_opt_bool(L, v, "offline", 0);
        h->backup.restore_ms = scn_opt_dur(L, v, "restore_time", 2 * 3600000);
    }
    int netdev = h->os_family == SW_OSF_NETWORK;
    h->domain_joined = scn_opt_bool(L, n, "domain_joined", h->os_family == SW_OSF_WINDOWS);
    h->reimage_ms = scn_opt_dur(L, n, "reimage_time",
                                h->role == SW_ROLE_WORKSTATION ? 3600000
                                : netdev                       ? 2 * 3600000
                                                               : 4 * 3600000);
}

/* Fill the hosts of count group [first, first+cnt) from entry n. The body
 * (services, vulns, ...) is parsed once and shared: the world is read-only. */
static void ld_fill_host_group(ld_t *L, uint32_t first, uint32_t cnt, node_t *n)
{
    char wb[160];
    sw_host_t *h0 = &L->w->hosts[first];
    if (scn_check_keys(L, n, scn_what(wb, sizeof wb, "host", h0->id && cnt == 1 ? h0->id : NULL),
                       k_host, r_host))
        return;
    node_t *v;
    h0->network = scn_opt_ref(L, n, "network", &L->m_net, "network");
    if (h0->network != SW_NONE && L->w->networks[h0->network].org != h0->org)
        ERR(L, scn_kloc(n, "network"),
            "network '%s' belongs to organisation '%s', not to this host's '%s'",
            L->w->networks[h0->network].id, L->w->orgs[L->w->networks[h0->network].org].id,
            L->w->orgs[h0->org].id ? L->w->orgs[h0->org].id : "?");
    h0->os = "unknown";
    h0->os_family = SW_OSF_OTHER;
    if ((v = scn_mget(n, "os"))) {
        const char *s = scn_scalar(L, v, "os", "an OS name");
        const sw_os_info_t *os = s ? sw_os_find(s) : NULL;
        if (os) {
            h0->os = os->name;
            h0->os_family = os->family;
        } else if (s) {
            const char *cands[64];
            int k = 0;
            for (const sw_os_info_t *o = sw_os_table; o->name && k < 63; o++)
                cands[k++] = o->name;
            cands[k] = NULL;
            const char *sug = scn_suggest(s, cands, NULL, &L->suggest_budget);
            if (sug)
                ERR(L, v->loc, "unknown os '%s' (did you mean '%s'?)", s, sug);
            else
                ERR(L, v->loc, "unknown os '%s' (see the OS table in docs/scenario-format.md)", s);
        }
    }
    h0->role =
        (sw_role_t)scn_opt_enum(L, n, "role", sw_role_names, SW_ROLE__COUNT, SW_ROLE_APP_SERVER);
    h0->criticality =
        (sw_crit_t)scn_opt_enum(L, n, "criticality", sw_crit_names, 4, SW_CRIT_MEDIUM);
    ld_fill_host_body(L, h0, n);
    const char *hostname = scn_opt_str(L, n, "hostname", NULL);
    if (hostname && (!*hostname || strlen(hostname) > 63 || strchr(hostname, ' ')))
        ERR(L, scn_kloc(n, "hostname"),
            "'hostname' must be 1 to 63 characters without spaces, got '%s'", hostname);
    /* the address */
    uint8_t ip[16];
    int v6 = 0, ip_ok = 0;
    if ((v = scn_mget(n, "ip"))) {
        const char *s = scn_scalar(L, v, "ip", "an IP address");
        if (s && sw_ip_parse(s, ip, &v6))
            ERR(L, v->loc, "'ip' must be an IPv4 or IPv6 address, got '%s'", s);
        else if (s)
            ip_ok = 1;
    }
    if (ip_ok && cnt > 1) {
        /* the last address must not wrap around the address space */
        uint32_t carry = cnt - 1;
        int len = v6 ? 16 : 4;
        uint8_t last[16];
        memcpy(last, ip, 16);
        for (int b = len - 1; b >= 0 && carry; b--) {
            uint32_t x = last[b] + (carry & 0xff);
            last[b] = (uint8_t)x;
            carry = (carry >> 8) + (x >> 8);
        }
        if (carry) {
            ERR(L, scn_kloc(n, "count"),
                "'count' %u runs past the end of the address space from %s", cnt,
                scn_mget(n, "ip")->str);
            ip_ok = 0;
        }
    }
    for (uint32_t c = 0; c < cnt; c++) {
        sw_host_t *h = &L->w->hosts[first + c];
        if (c) {
            const char *id = h->id;
            *h = *h0;
            h->id = id;
        }
        if (hostname && cnt > 1) {
            snprintf(wb, sizeof wb, "%s%02u", hostname, c + 1);
            h->hostname = scn_wstr(L, wb);
        } else {
            h->hostname = hostname ? hostname : h->id;
        }
        if (ip_ok) {
            memcpy(h->ip, ip, 16);
            h->ip_v6 = v6;
            uint32_t carry = c;
            for (int b = (v6 ? 15 : 3); b >= 0 && carry; b--) {
                uint32_t x = h->ip[b] + (carry & 0xff);
                h->ip[b] = (uint8_t)x;
                carry = (carry >> 8) + (x >> 8);
            }
            char txt[64];
            inet_ntop(v6 ? AF_INET6 : AF_INET, h->ip, txt, sizeof txt);
            h->ip_text = scn_wstr(L, txt);
        }
    }
}

static void ld_fill_user(ld_t *L, uint32_t i)
{
    char wb[160];
    sw_user_t *u = &L->w->users[i];
    node_t *n = L->user_n[i];
    u->workstation = SW_NONE;
    if (scn_check_keys(L, n, scn_what(wb, sizeof wb, "user", u->id), k_user, r_user))
        return;
    u->name = scn_opt_str(L, n, "name", u->id);
    u->account = scn_opt_str(L, n, "account", u->id);
    u->workstation = scn_opt_ref(L, n, "workstation", &L->m_host, "host");
    if (u->workstation != SW_NONE && L->w->hosts[u->workstation].org != u->org)
        WARN(L, scn_kloc(n, "workstation"), "workstation '%s' belongs to another organisation",
             L->w->hosts[u->workstation].id);
    u->groups = scn_opt_strlist(L, n, "groups");
    int vpn = 0;
    for (uint32_t g = 0; g < u->groups.n; g++) {
        const char *s = u->groups.s[g];
        if (!strcmp(s, "Domain Admins") || !strcmp(s, "Enterprise Admins") ||
            !strcmp(s, "Administrators"))
            u->domain_admin = 1;
        if (strstr(s, "VPN"))
            vpn = 1;
    }
    u->vpn = scn_opt_bool(L, n, "vpn", vpn);
    u->work_start_min = 8 * 60;
    u->work_end_min = 17 * 60;
    node_t *v = scn_mget(n, "hours");
    if (v) {
        const char *s = scn_scalar(L, v, "hours", "working hours like 08:00-17:00");
        if (s && sw_parse_hours(s, &u->work_start_min, &u->work_end_min))
            ERR(L, v->loc, "'hours' must be working hours like 08:00-17:00, got '%s'", s);
    }
    u->phishing = scn_opt_prob(L, n, "phishing", 0.1);
}

void scn_fill_orgs(ld_t *L)
{
    char wb[160];
    sw_world_t *w = L->w;
    for (uint32_t i = 0; i < w->n_orgs; i++) {
        sw_org_t *org = &w->orgs[i];
        node_t *n = L->org_n[i];
        if (scn_check_keys(L, n, scn_what(wb, sizeof wb, "organisation", org->id), k_org, r_org))
            continue;
        org->name = scn_opt_str(L, n, "name", org->id);
        org->team = scn_opt_ref(L, n, "team", &L->m_team, "team");
        if (org->team != SW_NONE && w->teams[org->team].kind == SW_TEAM_OBSERVER)
            ERR(L, scn_kloc(n, "team"),
                "organisation '%s' belongs to observer '%s': observers defend nothing",
                org->id ? org->id : "?", w->teams[org->team].id);
        org->kind = (sw_org_kind_t)scn_opt_enum(L, n, "kind", sw_org_kind_names, SW_ORG__COUNT,
                                                SW_ORG_OTHER);
        node_t *v;
        static const char *const subs[] = {"networks", "hosts", "users"};
        for (int k = 0; k < 3; k++)
            if ((v = scn_mget(n, subs[k])) && v->kind != YT_SEQ)
                ERR(L, v->loc, "'%s' must be a list, got %s", subs[k], yt_kind_name(v));
        if ((v = scn_mget(n, "firewall")))
            ld_fill_firewall(L, org, v);
        if ((v = scn_mget(n, "international")) &&
            !scn_check_keys(L, v, "international", k_intl, r_intl)) {
            org->intl_primary = scn_opt_reflist(L, v, "primary", &L->m_link, "link");
            org->intl_backup = scn_opt_reflist(L, v, "backup", &L->m_link, "link");
        }
        org->trusts = scn_opt_reflist(L, n, "trusts", &L->m_org, "organisation");
        for (uint32_t t = 0; t < org->trusts.n; t++)
            if (org->trusts.ids[t] == i)
                ERR(L, scn_kloc(n, "trusts"), "organisation '%s' cannot trust itself", org->id);
    }
    for (uint32_t i = 0; i < w->n_networks; i++)
        ld_fill_network(L, i);
    for (uint32_t i = 0; i < w->n_hosts;) {
        uint32_t cnt = 1;
        while (i + cnt < w->n_hosts && L->host_first[i + cnt] == i)
            cnt++;
        for (uint32_t c = 0; c < cnt; c++) {
            w->hosts[i + c].network = SW_NONE;
            w->hosts[i + c].team = w->orgs[w->hosts[i + c].org].team;
        }
        ld_fill_host_group(L, i, cnt, L->host_n[i]);
        for (uint32_t c = 0; c < cnt; c++) /* team is the org's */
            w->hosts[i + c].team = w->orgs[w->hosts[i + c].org].team;
        i += cnt;
    }
    for (uint32_t i = 0; i < w->n_users; i++)
        ld_fill_user(L, i);
}

/* "HOST/SERVICE" -> host and service index. */
static int resolve_svc(ld_t *L, node_t *v, const char *text, uint32_t *host, uint32_t *svc)
{
    const char *slash = strchr(text, '/');
    char hid[128];
    if (!slash || slash == text || (size_t)(slash - text) >= sizeof hid || !slash[1]) {
        ERR(L, v->loc, "service reference '%s' must be HOST/SERVICE", text);
        return -1;
    }
    memcpy(hid, text, (size_t)(slash - text));
    hid[slash - text] = '\0';
    *host = scn_idmap_get(&L->m_host, hid);
    if (*host == SW_NONE) {
        const char *sug = scn_suggest(hid, NULL, &L->m_host, &L->suggest_budget);
        if (sug)
            ERR(L, v->loc, "unknown host '%s' (did you mean '%s'?)", hid, sug);
        else
            ERR(L, v->loc, "unknown host '%s'", hid);
        return -1;
    }
    const sw_host_t *h = &L->w->hosts[*host];
    for (uint32_t i = 0; i < h->n_services; i++)
        if (!strcmp(h->services[i].name, slash + 1)) {
            *svc = i;
            return 0;
        }
    ERR(L, v->loc, "unknown service '%s' on host '%s'", slash + 1, hid);
    return -1;
}

/* depends_on of every service; once per count group (the arrays are shared). */
void scn_fill_service_deps(ld_t *L)
{
    sw_world_t *w = L->w;
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        if (L->host_first[i] != i || !L->host_n[i] || L->host_n[i]->kind != YT_MAP)
            continue;
        sw_host_t *h = &w->hosts[i];
        uint32_t si = 0; /* services[] holds the accepted entries, in order */
        FOR_SUB(L->host_n[i], "services", s)
        {
            if (si >= h->n_services)
                break;
            sw_service_t *sv = &h->services[si];
            if (sv->loc.line != s->loc.line || sv->loc.col != s->loc.col)
                continue; /* this entry was rejected */
            si++;
            node_t *d = scn_mget(s, "depends_on");
            if (!d)
                continue;
            if (d->kind == YT_SCALAR) {
                uint32_t hh, ss;
                if (!resolve_svc(L, d, d->str, &hh, &ss) &&
                    (sv->dep_host = scn_wz(L, sizeof(uint32_t))) &&
                    (sv->dep_svc = scn_wz(L, sizeof(uint32_t)))) {
                    sv->dep_host[0] = hh;
                    sv->dep_svc[0] = ss;
                    sv->n_deps = 1;
                }
                continue;
            }
            if (d->kind != YT_SEQ) {
                ERR(L, d->loc, "'depends_on' must be a list of HOST/SERVICE, got %s",
                    yt_kind_name(d));
                continue;
            }
            sv->dep_host = scn_wz(L, d->n * sizeof(uint32_t));
            sv->dep_svc = scn_wz(L, d->n * sizeof(uint32_t));
            if (!sv->dep_host || !sv->dep_svc)
                continue;
            for (node_t *x = d->first; x; x = x->next) {
                const char *t = scn_scalar(L, x, "depends_on", "HOST/SERVICE");
                uint32_t hh, ss;
                if (t && !resolve_svc(L, x, t, &hh, &ss)) {
                    sv->dep_host[sv->n_deps] = hh;
                    sv->dep_svc[sv->n_deps] = ss;
                    sv->n_deps++;
                }
            }
        }
    }
}

/* One business dependency "kind:ref". */
static int val_dep(ld_t *L, node_t *v, sw_dep_t *dep)
{
    const char *s = scn_scalar(L, v, "dependency", "a dependency like host:ID");
    if (!s)
        return -1;
    dep->loc = v->loc;
    dep->svc = SW_NONE;
    const char *colon = strchr(s, ':');
    static const char *const kinds[] = {"host", "service", "link", "business", "international"};
    int k = -1;
    if (colon)
        for (int i = 0; i < 5; i++)
            if (strlen(kinds[i]) == (size_t)(colon - s) &&
                !strncmp(s, kinds[i], (size_t)(colon - s)))
                k = i;
    if (k < 0) {
        ERR(L, v->loc,
            "dependency '%s' must be host:ID, service:HOST/NAME, link:ID, business:ID "
            "or international:ORG",
            s);
        return -1;
    }
    const char *ref = colon + 1;
    static const char *const what_k[] = {"host", "service", "link", "business service",
                                         "organisation"};
    const scn_idmap_t *maps[] = {&L->m_host, NULL, &L->m_link, &L->m_biz, &L->m_org};
    dep->kind = (sw_dep_kind_t)k;
    if (k == SW_DEP_SERVICE)
        return resolve_svc(L, v, ref, &dep->ref, &dep->svc);
    dep->ref = scn_idmap_get(maps[k], ref);
    if (dep->ref == SW_NONE) {
        const char *sug = scn_suggest(ref, NULL, maps[k], &L->suggest_budget);
        if (sug)
            ERR(L, v->loc, "unknown %s '%s' (did you mean '%s'?)", what_k[k], ref, sug);
        else
            ERR(L, v->loc, "unknown %s '%s'", what_k[k], ref);
        return -1;
    }
    return 0;
}

static sw_dep_t *val_deps(ld_t *L, node_t *n, const char *key, uint32_t *count)
{
    node_t *v = scn_mget(n, key);
    *count = 0;
    if (!v)
        return NULL;
    if (v->kind != YT_SEQ) {
        ERR(L, v->loc, "'%s' must be a list of dependencies, got %s", key, yt_kind_name(v));
        return NULL;
    }
    sw_dep_t *deps = scn_wz(L, v->n * sizeof *deps);
    if (!deps)
        return NULL;
    for (node_t *x = v->first; x; x = x->next)
        if (!val_dep(L, x, &deps[*count]))
            (*count)++;
    return deps;
}

void scn_fill_business(ld_t *L)
{
    char wb[160];
    sw_world_t *w = L->w;
    for (uint32_t i = 0; i < w->n_business; i++) {
        sw_business_t *b = &w->business[i];
        node_t *n = L->biz_n[i];
        b->org = b->team = SW_NONE;
        if (scn_check_keys(L, n, scn_what(wb, sizeof wb, "business service", b->id), k_biz, r_biz))
            continue;
        b->name = scn_opt_str(L, n, "name", b->id);
        b->org = scn_opt_ref(L, n, "org", &L->m_org, "organisation");
        if (b->org != SW_NONE)
            b->team = w->orgs[b->org].team;
        b->weight = scn_opt_num(L, n, "weight", 1, 0, 1000, "a weight from 0 to 1000");
        b->all = val_deps(L, n, "requires", &b->n_all);
        b->any = val_deps(L, n, "any_of", &b->n_any);
        if (!scn_mget(n, "requires") && !scn_mget(n, "any_of"))
            ERR(L, n->loc, "business service '%s' needs 'requires' or 'any_of'",
                b->id ? b->id : "?");
        b->min_capacity_mbps =
            scn_opt_num(L, n, "min_capacity_mbps", 0, 0, 1e9, "a capacity of 0 Mbps or more");
    }
}
