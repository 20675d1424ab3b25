/* sim_fixture.h — small worlds built in C for the sim's tests and benchmark,
 * so they do not depend on the scenario loader. Header-only, static.
 *
 * fx_world(): an 8-hour exercise starting at 08:00; one team "blue", one
 * government org:
 *   dmz:      0 vpn01 (vpn-gateway, CVE-2023-46805 on https 443, exposed)
 *             1 web01 (web, https 443 exposed)
 *             7 rtr01 (edge-router, ssh 22 exposed, CVE-2018-0171)
 *   internal: 2 dc01 (ldap 389, smb 445), 3 fs01 (smb 445, online backups hourly),
 *             4 ws01 (alice, phishing 0.5), 5 ws02 (bob, 0.3), 6 mail01 (smtp 25 -> dc01 ldap)
 *   links: 0 cable (primary, repair 2 h), 1 satellite (backup, 50 Mb/s)
 *   business: 0 email (mail01 smtp), 1 portal (web01 https + international, needs 100 Mb/s)
 * Adversaries are added by fx_add_apt / fx_add_ransomware / fx_add_implant /
 * fx_add_disrupt. */
#ifndef SW_SIM_FIXTURE_H
#define SW_SIM_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "model/world.h"

enum { FX_VPN, FX_WEB, FX_DC, FX_FS, FX_WS1, FX_WS2, FX_MAIL, FX_RTR, FX_NHOSTS };

static inline void *fx_alloc(sw_world_t *w, size_t n, size_t size)
{
    void *p = sw_arena_zalloc(&w->arena, n * size + 1);
    if (!p)
        abort();
    return p;
}
#define FX_NEW(w, n, T) ((T *)fx_alloc((w), (n), sizeof(T)))

static inline sw_selector_t fx_sel_any(void)
{
    sw_selector_t s;
    memset(&s, 0, sizeof s);
    s.host = SW_NONE;
    s.org = SW_NONE;
    s.org_kind = -1;
    s.zone = -1;
    return s;
}

static inline sw_selector_t fx_sel_role(sw_role_t r)
{
    sw_selector_t s = fx_sel_any();
    s.has_role = 1;
    s.role = r;
    return s;
}

static inline sw_service_t *fx_services(sw_world_t *w, sw_host_t *h, uint32_t n)
{
    h->services = FX_NEW(w, n, sw_service_t);
    h->n_services = n;
    return h->services;
}

static inline void fx_svc(sw_service_t *s, const char *name, uint16_t port, int exposed)
{
    s->name = name;
    s->port = port;
    s->exposed = exposed;
}

static inline void fx_host(sw_world_t *w, uint32_t i, const char *id, const char *ip, uint32_t net,
                    sw_role_t role, sw_os_family_t osf)
{
    sw_host_t *h = &w->hosts[i];
    h->id = id;
    h->hostname = id;
    h->ip_text = ip;
    sw_ip_parse(ip, h->ip, &h->ip_v6);
    h->network = net;
    h->org = 0;
    h->team = 0;
    h->role = role;
    h->os_family = osf;
    h->os = osf == SW_OSF_WINDOWS ? "windows-server-2019" : osf == SW_OSF_NETWORK ? "ios-xe" : "linux";
    h->criticality = SW_CRIT_HIGH;
    h->sensors.security_log = 1;
}

static inline sw_world_t *fx_world(void)
{
    sw_world_t *w = calloc(1, sizeof *w);
    sw_world_init(w);
    w->exercise.name = "fixture";
    w->exercise.duration_ms = 8 * 3600 * 1000LL;
    w->exercise.start_minute = 8 * 60; /* 08:00, when the users (08:00-17:00) arrive */
    w->n_teams = 2;
    w->teams = FX_NEW(w, 2, sw_team_t);
    w->teams[0].id = "blue";
    w->teams[0].name = "Blue";
    w->teams[0].kind = SW_TEAM_PLAYER;
    w->teams[1].id = "green";
    w->teams[1].name = "Green";
    w->teams[1].kind = SW_TEAM_PLAYER;

    w->n_orgs = 1;
    w->orgs = FX_NEW(w, 1, sw_org_t);
    sw_org_t *o = &w->orgs[0];
    o->id = "gov";
    o->name = "Ministry";
    o->kind = SW_ORG_GOVERNMENT;
    o->team = 0;
    o->n_fw = 3;
    o->fw = FX_NEW(w, 3, sw_fw_rule_t);
    o->fw[0] = (sw_fw_rule_t){SW_ZONE_INTERNET, SW_ZONE_DMZ, 0, 65535, SW_PROTO_TCP, 1, {0}};
    o->fw[1] = (sw_fw_rule_t){SW_ZONE_DMZ, SW_ZONE_INTERNAL, 0, 65535, SW_PROTO_TCP, 1, {0}};
    o->fw[2] = (sw_fw_rule_t){SW_ZONE_INTERNAL, SW_ZONE_DMZ, 0, 65535, SW_PROTO_TCP, 1, {0}};
    o->intl_primary.n = 1;
    o->intl_primary.ids = FX_NEW(w, 1, uint32_t);
    o->intl_primary.ids[0] = 0;
    o->intl_backup.n = 1;
    o->intl_backup.ids = FX_NEW(w, 1, uint32_t);
    o->intl_backup.ids[0] = 1;

    w->n_networks = 2;
    w->networks = FX_NEW(w, 2, sw_network_t);
    w->networks[0].id = "dmz";
    w->networks[0].zone = SW_ZONE_DMZ;
    w->networks[1].id = "lan";
    w->networks[1].zone = SW_ZONE_INTERNAL;

    w->n_hosts = FX_NHOSTS;
    w->hosts = FX_NEW(w, FX_NHOSTS, sw_host_t);
    fx_host(w, FX_VPN, "vpn01", "198.51.100.2", 0, SW_ROLE_VPN_GATEWAY, SW_OSF_NETWORK);
    fx_host(w, FX_WEB, "web01", "198.51.100.3", 0, SW_ROLE_WEB, SW_OSF_LINUX);
    fx_host(w, FX_DC, "dc01", "10.0.0.10", 1, SW_ROLE_DOMAIN_CONTROLLER, SW_OSF_WINDOWS);
    fx_host(w, FX_FS, "fs01", "10.0.0.20", 1, SW_ROLE_FILE_SERVER, SW_OSF_WINDOWS);
    fx_host(w, FX_WS1, "ws01", "10.0.1.11", 1, SW_ROLE_WORKSTATION, SW_OSF_WINDOWS);
    fx_host(w, FX_WS2, "ws02", "10.0.1.12", 1, SW_ROLE_WORKSTATION, SW_OSF_WINDOWS);
    fx_host(w, FX_MAIL, "mail01", "10.0.0.25", 1, SW_ROLE_MAIL, SW_OSF_WINDOWS);
    fx_host(w, FX_RTR, "rtr01", "198.51.100.1", 0, SW_ROLE_EDGE_ROUTER, SW_OSF_NETWORK);
    o->hosts.n = FX_NHOSTS;
    o->hosts.ids = FX_NEW(w, FX_NHOSTS, uint32_t);
    for (uint32_t i = 0; i < FX_NHOSTS; i++)
        o->hosts.ids[i] = i;

    fx_svc(&fx_services(w, &w->hosts[FX_VPN], 1)[0], "https", 443, 1);
    w->hosts[FX_VPN].n_vulns = 1;
    w->hosts[FX_VPN].vulns = FX_NEW(w, 1, sw_vuln_t);
    w->hosts[FX_VPN].vulns[0] = (sw_vuln_t){"CVE-2023-46805", "https", 1.0, 1, SW_PRIV_SYSTEM, {0}};
    fx_svc(&fx_services(w, &w->hosts[FX_WEB], 1)[0], "https", 443, 1);
    sw_service_t *dc = fx_services(w, &w->hosts[FX_DC], 2);
    fx_svc(&dc[0], "ldap", 389, 0);
    fx_svc(&dc[1], "smb", 445, 0);
    fx_svc(&fx_services(w, &w->hosts[FX_FS], 1)[0], "smb", 445, 0);
    w->hosts[FX_FS].backup = (sw_backup_t){1, 3600 * 1000LL, 1800 * 1000LL, 0, 3600 * 1000LL};
    w->hosts[FX_DC].backup = (sw_backup_t){1, 24 * 3600 * 1000LL, 3600 * 1000LL, 1, 0};
    sw_service_t *mail = fx_services(w, &w->hosts[FX_MAIL], 1);
    fx_svc(&mail[0], "smtp", 25, 0);
    mail[0].n_deps = 1;
    mail[0].dep_host = FX_NEW(w, 1, uint32_t);
    mail[0].dep_svc = FX_NEW(w, 1, uint32_t);
    mail[0].dep_host[0] = FX_DC;
    mail[0].dep_svc[0] = 0;
    fx_svc(&fx_services(w, &w->hosts[FX_RTR], 1)[0], "ssh", 22, 1);
    w->hosts[FX_RTR].n_vulns = 1;
    w->hosts[FX_RTR].vulns = FX_NEW(w, 1, sw_vuln_t);
    w->hosts[FX_RTR].vulns[0] = (sw_vuln_t){"CVE-2018-0171", "ssh", 1.0, 1, SW_PRIV_SYSTEM, {0}};

    w->n_users = 3;
    w->users = FX_NEW(w, 3, sw_user_t);
    w->users[0] = (sw_user_t){"u1", "Alice", "alice", 0, FX_WS1, {0}, 0, 1, 480, 1020, 0.5, {0}};
    w->users[1] = (sw_user_t){"u2", "Bob", "bob", 0, FX_WS2, {0}, 0, 0, 480, 1020, 0.3, {0}};
    w->users[2] = (sw_user_t){"u3", "Carol", "carol.adm", 0, SW_NONE, {0}, 1, 0, 480, 1020, 0, {0}};
    o->users.n = 3;
    o->users.ids = FX_NEW(w, 3, uint32_t);
    for (uint32_t i = 0; i < 3; i++)
        o->users.ids[i] = i;

    w->n_links = 2;
    w->links = FX_NEW(w, 2, sw_link_t);
    w->links[0] = (sw_link_t){"cable", "Cable", SW_LINK_CABLE, "A", "B", 3000, 10000, 30,
                              2 * 3600 * 1000LL, {0}};
    w->links[1] = (sw_link_t){"sat", "Satellite", SW_LINK_SATELLITE, "A", "GEO", 0, 50, 300, 0, {0}};

    w->n_business = 2;
    w->business = FX_NEW(w, 2, sw_business_t);
    sw_business_t *b = &w->business[0];
    b->id = "email";
    b->team = 0;
    b->org = 0;
    b->weight = 1;
    b->n_all = 1;
    b->all = FX_NEW(w, 1, sw_dep_t);
    b->all[0] = (sw_dep_t){SW_DEP_SERVICE, FX_MAIL, 0, {0}};
    b = &w->business[1];
    b->id = "portal";
    b->team = 0;
    b->org = 0;
    b->weight = 1;
    b->n_all = 2;
    b->all = FX_NEW(w, 2, sw_dep_t);
    b->all[0] = (sw_dep_t){SW_DEP_SERVICE, FX_WEB, 0, {0}};
    b->all[1] = (sw_dep_t){SW_DEP_INTL, 0, 0, {0}};
    b->min_capacity_mbps = 100;
    return w;
}

static inline void fx_free(sw_world_t *w)
{
    sw_world_free(w);
    free(w);
}

/* ---- adversaries ------------------------------------------------------------ */

static inline sw_adversary_t *fx_adversary(sw_world_t *w, const char *id, uint32_t n_steps,
                                    uint32_t n_obj)
{
    sw_adversary_t *old = w->adversaries;
    w->adversaries = FX_NEW(w, w->n_adversaries + 1, sw_adversary_t);
    if (old)
        memcpy(w->adversaries, old, w->n_adversaries * sizeof *old);
    sw_adversary_t *a = &w->adversaries[w->n_adversaries++];
    a->id = id;
    a->name = id;
    a->targets.n = 1;
    a->targets.ids = FX_NEW(w, 1, uint32_t);
    a->targets.ids[0] = 0;
    a->steps = FX_NEW(w, n_steps, sw_step_t);
    a->objectives = FX_NEW(w, n_obj, sw_adv_objective_t);
    a->n_objectives = n_obj;
    a->c2_domains.n = 2;
    a->c2_domains.s = FX_NEW(w, 2, const char *);
    a->c2_domains.s[0] = "cdn-update.example";
    a->c2_domains.s[1] = "ms-telemetry.example";
    a->c2_ips.n = 2;
    a->c2_ips.s = FX_NEW(w, 2, const char *);
    a->c2_ips.s[0] = "203.0.113.10";
    a->c2_ips.s[1] = "203.0.113.11";
    return a;
}

static inline sw_step_t *fx_step(sw_world_t *w, sw_adversary_t *a, const char *id, const char *tech,
                          sw_selector_t target, uint32_t n_pre, uint32_t n_eff)
{
    sw_step_t *s = &a->steps[a->n_steps++];
    s->id = id;
    s->name = id;
    s->technique = tech;
    s->tactic = "x";
    s->procedure = id;
    s->tool = "cmd.exe";
    s->target = target;
    s->pre = FX_NEW(w, n_pre ? n_pre : 1, sw_pre_t);
    s->eff = FX_NEW(w, n_eff ? n_eff : 1, sw_eff_t);
    s->dur_min_ms = 60 * 1000;
    s->dur_max_ms = 5 * 60 * 1000;
    s->success = 1.0;
    s->noise = 0.5;
    return s;
}

static inline sw_pre_t *fx_pre(sw_step_t *s, sw_pre_kind_t k)
{
    sw_pre_t *p = &s->pre[s->n_pre++];
    p->kind = k;
    p->sel = fx_sel_any();
    return p;
}

static inline sw_eff_t *fx_eff(sw_step_t *s, sw_eff_kind_t k)
{
    sw_eff_t *e = &s->eff[s->n_eff++];
    e->kind = k;
    e->sel = fx_sel_any();
    return e;
}

/* An espionage actor: in through the VPN bug or phishing, C2 (https, dns
 * fallback), admin, domain admin hash, lateral to the DC and file server,
 * exfiltrate from the file server, persist on the DC. */
static inline sw_adversary_t *fx_add_apt(sw_world_t *w)
{
    sw_adversary_t *a = fx_adversary(w, "apt", 12, 2);
    sw_step_t *s;
    s = fx_step(w, a, "exploit-vpn", "T1190", fx_sel_role(SW_ROLE_VPN_GATEWAY), 2, 1);
    fx_pre(s, SW_PRE_REACH)->port = 443;
    fx_pre(s, SW_PRE_VULN)->cve = "CVE-2023-46805";
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_SYSTEM;
    s = fx_step(w, a, "phish", "T1566.001", fx_sel_role(SW_ROLE_WORKSTATION), 1, 1);
    fx_pre(s, SW_PRE_PHISHABLE);
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_USER;
    s = fx_step(w, a, "c2-https", "T1071.001", fx_sel_any(), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_USER;
    fx_eff(s, SW_EFF_C2)->channel = "https";
    s = fx_step(w, a, "c2-dns", "T1071.004", fx_sel_any(), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_USER;
    fx_eff(s, SW_EFF_C2)->channel = "dns";
    s = fx_step(w, a, "privesc", "T1068", fx_sel_role(SW_ROLE_WORKSTATION), 2, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_USER;
    fx_pre(s, SW_PRE_C2);
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_ADMIN;
    s = fx_step(w, a, "lsass", "T1003.001", fx_sel_any(), 2, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_ADMIN;
    fx_pre(s, SW_PRE_C2);
    sw_eff_t *e = fx_eff(s, SW_EFF_CREDENTIAL);
    e->cred = SW_CRED_DOMAIN_ADMIN;
    e->form = SW_CREDF_HASH;
    s = fx_step(w, a, "lateral-dc", "T1021.002", fx_sel_role(SW_ROLE_DOMAIN_CONTROLLER), 4, 1);
    fx_pre(s, SW_PRE_FOOTHOLD)->priv = SW_PRIV_USER;
    fx_pre(s, SW_PRE_REACH)->port = 445;
    fx_pre(s, SW_PRE_CREDENTIAL)->cred = SW_CRED_DOMAIN_ADMIN;
    fx_pre(s, SW_PRE_C2);
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_SYSTEM;
    s = fx_step(w, a, "lateral-fs", "T1021.002", fx_sel_role(SW_ROLE_FILE_SERVER), 4, 1);
    fx_pre(s, SW_PRE_FOOTHOLD)->priv = SW_PRIV_USER;
    fx_pre(s, SW_PRE_REACH)->port = 445;
    fx_pre(s, SW_PRE_CREDENTIAL)->cred = SW_CRED_DOMAIN_ADMIN;
    fx_pre(s, SW_PRE_C2);
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_SYSTEM;
    s = fx_step(w, a, "ntds", "T1003.003", fx_sel_role(SW_ROLE_DOMAIN_CONTROLLER), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_SYSTEM;
    e = fx_eff(s, SW_EFF_CREDENTIAL);
    e->cred = SW_CRED_KRBTGT;
    e->form = SW_CREDF_HASH;
    s = fx_step(w, a, "exfil", "T1041", fx_sel_role(SW_ROLE_FILE_SERVER), 2, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_ADMIN;
    fx_pre(s, SW_PRE_C2);
    fx_eff(s, SW_EFF_EXFIL)->megabytes = 250;
    s = fx_step(w, a, "schtask", "T1053.005", fx_sel_role(SW_ROLE_DOMAIN_CONTROLLER), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_SYSTEM;
    fx_eff(s, SW_EFF_PERSIST)->persist = SW_PERSIST_SCHEDTASK;
    s = fx_step(w, a, "webshell", "T1505.003", fx_sel_role(SW_ROLE_VPN_GATEWAY), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_SYSTEM;
    fx_eff(s, SW_EFF_PERSIST)->persist = SW_PERSIST_WEBSHELL;
    a->objectives[0] = (sw_adv_objective_t){"steal", "exfil", SW_OBJ_EXFILTRATE,
                                            fx_sel_role(SW_ROLE_FILE_SERVER), 0, 500, 0, {0}};
    a->objectives[1] = (sw_adv_objective_t){"hold-dc", "persist", SW_OBJ_PREPOSITION,
                                            fx_sel_role(SW_ROLE_DOMAIN_CONTROLLER), 0, 0, 1, {0}};
    return a;
}

/* Ransomware: phish, admin, then encrypt the file server and spread over
 * shares to workstations; clears online backups first when it can. */
static inline sw_adversary_t *fx_add_ransomware(sw_world_t *w)
{
    sw_adversary_t *a = fx_adversary(w, "ransom", 5, 1);
    sw_step_t *s;
    s = fx_step(w, a, "phish", "T1566.001", fx_sel_role(SW_ROLE_WORKSTATION), 1, 1);
    fx_pre(s, SW_PRE_PHISHABLE);
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_USER;
    s = fx_step(w, a, "privesc", "T1068", fx_sel_role(SW_ROLE_WORKSTATION), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_USER;
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_ADMIN;
    s = fx_step(w, a, "to-fs", "T1021.002", fx_sel_role(SW_ROLE_FILE_SERVER), 2, 1);
    fx_pre(s, SW_PRE_FOOTHOLD)->priv = SW_PRIV_ADMIN;
    fx_pre(s, SW_PRE_REACH)->port = 445;
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_ADMIN;
    s = fx_step(w, a, "shadow", "T1490", fx_sel_role(SW_ROLE_FILE_SERVER), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_ADMIN;
    fx_eff(s, SW_EFF_DESTROY_BACKUPS);
    s = fx_step(w, a, "encrypt", "T1486", fx_sel_role(SW_ROLE_FILE_SERVER), 1, 2);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_ADMIN;
    fx_eff(s, SW_EFF_ENCRYPT);
    fx_eff(s, SW_EFF_SPREAD)->sel = fx_sel_role(SW_ROLE_WORKSTATION);
    a->objectives[0] = (sw_adv_objective_t){"ransom", "encrypt", SW_OBJ_ENCRYPT,
                                            fx_sel_role(SW_ROLE_FILE_SERVER), 0, 0, 1, {0}};
    return a;
}

/* Router implant: exploit the edge router's ssh bug, implant its firmware. */
static inline sw_adversary_t *fx_add_implant(sw_world_t *w)
{
    sw_adversary_t *a = fx_adversary(w, "implant", 2, 1);
    sw_step_t *s;
    s = fx_step(w, a, "exploit-rtr", "T1190", fx_sel_role(SW_ROLE_EDGE_ROUTER), 2, 1);
    fx_pre(s, SW_PRE_REACH)->port = 22;
    fx_pre(s, SW_PRE_VULN)->cve = "CVE-2018-0171";
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_SYSTEM;
    s = fx_step(w, a, "firmware", "T1542.004", fx_sel_role(SW_ROLE_EDGE_ROUTER), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_SYSTEM;
    fx_eff(s, SW_EFF_PERSIST)->persist = SW_PERSIST_FIRMWARE;
    a->objectives[0] = (sw_adv_objective_t){"implant", "router", SW_OBJ_IMPLANT,
                                            fx_sel_role(SW_ROLE_EDGE_ROUTER), 0, 0, 1, {0}};
    return a;
}

/* Pre-positioned disruption: in through the router, stop the mail server at
 * a trigger time (at_ms). */
static inline sw_adversary_t *fx_add_disrupt(sw_world_t *w, int64_t at_ms)
{
    sw_adversary_t *a = fx_adversary(w, "disrupt", 3, 1);
    sw_step_t *s;
    s = fx_step(w, a, "exploit-rtr", "T1190", fx_sel_role(SW_ROLE_EDGE_ROUTER), 2, 1);
    fx_pre(s, SW_PRE_REACH)->port = 22;
    fx_pre(s, SW_PRE_VULN)->cve = "CVE-2018-0171";
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_SYSTEM;
    s = fx_step(w, a, "to-mail", "T1021.001", fx_sel_role(SW_ROLE_MAIL), 2, 1);
    fx_pre(s, SW_PRE_FOOTHOLD)->priv = SW_PRIV_SYSTEM;
    fx_pre(s, SW_PRE_REACH)->port = 0;
    fx_eff(s, SW_EFF_FOOTHOLD)->priv = SW_PRIV_ADMIN;
    s = fx_step(w, a, "stop-mail", "T1489", fx_sel_role(SW_ROLE_MAIL), 1, 1);
    fx_pre(s, SW_PRE_ON_TARGET)->priv = SW_PRIV_ADMIN;
    fx_eff(s, SW_EFF_DISRUPT);
    a->objectives[0] = (sw_adv_objective_t){"stop", "mail", SW_OBJ_DISRUPT,
                                            fx_sel_role(SW_ROLE_MAIL), at_ms, 0, 1, {0}};
    return a;
}

#endif
