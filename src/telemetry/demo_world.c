/* demo_world.c — the built-in demo world. See demo_world.h. */
#include "telemetry/demo_world.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"

static const struct {
    const char *id, *name, *country;
} demo_teams[] = {
    {"pw", "Palau", "PW"}, {"fm", "Micronesia", "FM"}, {"mh", "Marshall Islands", "MH"},
    {"nr", "Nauru", "NR"}, {"ki", "Kiribati", "KI"},   {"tv", "Tuvalu", "TV"},
    {"to", "Tonga", "TO"}, {"ws", "Samoa", "WS"},
};

static const char *const first_names[] = {
    "ana",   "benedict", "carmen", "david",  "elsie",  "francis", "grace",   "henry",
    "ioana", "joseph",   "kalani", "lisa",   "marcus", "naomi",   "oscar",   "pita",
    "rosa",  "samuel",   "tina",   "victor", "wendy",  "yuki",    "teresia", "kobe",
};
static const char *const last_names[] = {
    "remengesau", "tellei",  "ngirmang", "kabua", "heine",  "dabwido",  "tong",     "maamau",
    "sopoaga",    "tuilagi", "fonua",    "aiono", "sablan", "ulechong", "kitalong", "debrum",
};

static char *dup(sw_world_t *w, const char *s)
{
    return sw_arena_strdup(&w->arena, s);
}

static char *fmt(sw_world_t *w, const char *f, const char *a, unsigned n)
{
    char tmp[128];
    snprintf(tmp, sizeof tmp, f, a, n);
    return dup(w, tmp);
}

typedef struct spec {
    const char *name;
    const char *os;
    sw_os_family_t fam;
    sw_role_t role;
    int net; /* 0 dmz, 1 servers, 2 mgmt, 3 users */
    int sysmon, security, av, pcap, netflow, syslog;
    uint16_t port;
    const char *svc;
} spec_t;

static const spec_t servers[] = {
    {"dc01", "windows-server-2019", SW_OSF_WINDOWS, SW_ROLE_DOMAIN_CONTROLLER, 1, 1, 1, 1, 0, 0, 0,
     389, "ldap"},
    {"dc02", "windows-server-2019", SW_OSF_WINDOWS, SW_ROLE_DOMAIN_CONTROLLER, 1, 1, 1, 1, 0, 0, 0,
     389, "ldap"},
    {"fs01", "windows-server-2019", SW_OSF_WINDOWS, SW_ROLE_FILE_SERVER, 1, 1, 1, 1, 0, 0, 0, 445,
     "smb"},
    {"backup01", "windows-server-2016", SW_OSF_WINDOWS, SW_ROLE_BACKUP, 1, 0, 1, 1, 0, 0, 0, 445,
     "smb"},
    {"jump01", "windows-server-2019", SW_OSF_WINDOWS, SW_ROLE_JUMP_HOST, 2, 1, 1, 1, 0, 0, 0, 3389,
     "rdp"},
    {"mail01", "ubuntu-22.04", SW_OSF_LINUX, SW_ROLE_MAIL, 0, 0, 1, 1, 0, 0, 1, 25, "smtp"},
    {"web01", "ubuntu-22.04", SW_OSF_LINUX, SW_ROLE_WEB, 0, 1, 1, 0, 0, 0, 1, 443, "https"},
    {"app01", "rhel-8", SW_OSF_LINUX, SW_ROLE_APP_SERVER, 1, 0, 1, 0, 0, 0, 0, 8443, "https"},
    {"nms01", "ubuntu-22.04", SW_OSF_LINUX, SW_ROLE_NMS, 2, 0, 1, 0, 0, 0, 0, 443, "https"},
    {"fw01", "fortios-7.2", SW_OSF_NETWORK, SW_ROLE_FIREWALL, 2, 0, 0, 0, 1, 0, 1, 443, "https"},
    {"rtr01", "cisco-ios-xe", SW_OSF_NETWORK, SW_ROLE_EDGE_ROUTER, 2, 0, 0, 0, 0, 1, 1, 22, "ssh"},
};
#define N_SERVERS (sizeof servers / sizeof servers[0])

int sw_tel_demo_world(sw_world_t *w, uint32_t n_teams, uint32_t hosts_per_team, uint64_t seed)
{
    if (n_teams == 0 || n_teams > sizeof demo_teams / sizeof demo_teams[0] ||
        hosts_per_team < N_SERVERS + 5 || hosts_per_team > 4000)
        return SW_EINVAL;
    sw_arena_t *a = &w->arena;
    uint32_t n_ws = hosts_per_team - (uint32_t)N_SERVERS;
    w->exercise.name = "seawall demo world";
    w->exercise.description = "Built-in telemetry demo: background activity only";
    w->exercise.duration_ms = 4LL * 3600 * 1000;
    w->exercise.start_minute = 8 * 60;
    w->exercise.timezone = "Pacific/Palau";
    w->exercise.utc_offset_min = 9 * 60;
    w->exercise.date = "2026-03-10";
    w->exercise.speed = 1;
    w->exercise.seed = seed;
    w->n_teams = w->n_orgs = n_teams;
    w->n_networks = 4 * n_teams;
    w->n_hosts = n_teams * hosts_per_team;
    w->n_users = n_teams * n_ws;
    w->teams = sw_arena_zalloc(a, n_teams * sizeof *w->teams);
    w->orgs = sw_arena_zalloc(a, n_teams * sizeof *w->orgs);
    w->networks = sw_arena_zalloc(a, w->n_networks * sizeof *w->networks);
    w->hosts = sw_arena_zalloc(a, w->n_hosts * sizeof *w->hosts);
    w->users = sw_arena_zalloc(a, w->n_users * sizeof *w->users);
    if (!w->teams || !w->orgs || !w->networks || !w->hosts || !w->users)
        return SW_ENOMEM;
    sw_rng_t r;
    sw_rng_init(&r, seed, "demo.world", 0);
    static const char *const net_names[4] = {"dmz", "servers", "management", "users"};
    static const sw_zone_t net_zones[4] = {SW_ZONE_DMZ, SW_ZONE_INTERNAL, SW_ZONE_MGMT,
                                           SW_ZONE_INTERNAL};
    static const unsigned net_third[4] = {0, 1, 2, 16};
    for (uint32_t t = 0; t < n_teams; t++) {
        const char *tid = demo_teams[t].id;
        sw_team_t *team = &w->teams[t];
        team->id = tid;
        team->name = demo_teams[t].name;
        team->country = demo_teams[t].country;
        team->kind = SW_TEAM_PLAYER;
        team->orgs.ids = sw_arena_alloc(a, sizeof(uint32_t));
        if (!team->orgs.ids)
            return SW_ENOMEM;
        team->orgs.ids[0] = t;
        team->orgs.n = 1;
        sw_org_t *org = &w->orgs[t];
        org->id = fmt(w, "%s-gov%.0u", tid, 0);
        org->name = fmt(w, "Government of %s%.0u", demo_teams[t].name, 0);
        org->kind = SW_ORG_GOVERNMENT;
        org->team = t;
        for (int n = 0; n < 4; n++) {
            sw_network_t *net = &w->networks[t * 4 + (uint32_t)n];
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%s-%s", tid, net_names[n]);
            net->id = dup(w, tmp);
            net->name = net->id;
            snprintf(tmp, sizeof tmp, "10.%u.%u.0/%d", 10 + t, net_third[n], n == 3 ? 20 : 24);
            sw_cidr_parse(tmp, &net->cidr);
            net->zone = net_zones[n];
            net->org = t;
        }
        for (uint32_t i = 0; i < hosts_per_team; i++) {
            uint32_t hi = t * hosts_per_team + i;
            sw_host_t *h = &w->hosts[hi];
            char tmp[96];
            int net;
            if (i < N_SERVERS) {
                const spec_t *s = &servers[i];
                snprintf(tmp, sizeof tmp, "%s-%s", tid, s->name);
                h->os = s->os;
                h->os_family = s->fam;
                h->role = s->role;
                net = s->net;
                h->sensors.sysmon = s->sysmon;
                h->sensors.security_log = s->security;
                h->sensors.av = s->av;
                h->sensors.pcap = s->pcap;
                h->sensors.netflow = s->netflow;
                h->sensors.syslog = s->syslog;
                h->sensors.log_forwarding = s->fam != SW_OSF_NETWORK;
                h->criticality =
                    s->role == SW_ROLE_DOMAIN_CONTROLLER ? SW_CRIT_CRITICAL : SW_CRIT_HIGH;
                h->services = sw_arena_zalloc(a, sizeof *h->services);
                if (!h->services)
                    return SW_ENOMEM;
                h->services[0].name = s->svc;
                h->services[0].port = s->port;
                h->services[0].exposed = net == 0;
                h->n_services = 1;
            } else {
                snprintf(tmp, sizeof tmp, "%s-ws%03u", tid, i - (uint32_t)N_SERVERS + 1);
                h->os = "windows-10";
                h->os_family = SW_OSF_WINDOWS;
                h->role = SW_ROLE_WORKSTATION;
                net = 3;
                /* Sysmon reached half the fleet: coverage gaps are part of the lesson */
                h->sensors.sysmon = sw_rng_chance(&r, 0.5);
                h->sensors.security_log = 1;
                h->sensors.av = 1;
                h->sensors.log_forwarding = 1;
                h->criticality = SW_CRIT_LOW;
            }
            h->hostname = dup(w, tmp);
            h->id = h->hostname;
            h->network = t * 4 + (uint32_t)net;
            h->org = t;
            h->team = t;
            h->domain_joined = h->os_family == SW_OSF_WINDOWS;
            unsigned host_no = i < N_SERVERS ? 10 + i : (i - (unsigned)N_SERVERS);
            unsigned third = net_third[net] + (net == 3 ? host_no / 250 : 0);
            unsigned fourth = net == 3 ? 10 + host_no % 240 : host_no;
            snprintf(tmp, sizeof tmp, "10.%u.%u.%u", 10 + t, third, fourth);
            h->ip_text = dup(w, tmp);
            sw_ip_parse(h->ip_text, h->ip, &h->ip_v6);
            if (!h->hostname || !h->ip_text)
                return SW_ENOMEM;
        }
        for (uint32_t k = 0; k < n_ws; k++) {
            uint32_t ui = t * n_ws + k;
            sw_user_t *u = &w->users[ui];
            const char *fn =
                first_names[sw_rng_below(&r, sizeof first_names / sizeof first_names[0])];
            const char *ln = last_names[sw_rng_below(&r, sizeof last_names / sizeof last_names[0])];
            char tmp[96];
            snprintf(tmp, sizeof tmp, "%s.%s%u", fn, ln, k);
            u->account = dup(w, tmp);
            snprintf(tmp, sizeof tmp, "%s-u%04u", tid, k);
            u->id = dup(w, tmp);
            u->name = u->account;
            u->org = t;
            u->workstation = t * hosts_per_team + (uint32_t)N_SERVERS + k;
            u->domain_admin = k < 2 || sw_rng_chance(&r, 0.05);
            u->groups.s = sw_arena_alloc(a, sizeof(char *));
            if (!u->account || !u->id || !u->groups.s)
                return SW_ENOMEM;
            u->groups.s[0] = u->domain_admin ? "Domain Admins" : "Domain Users";
            u->groups.n = 1;
            u->work_start_min = 7 * 60 + 30 + (int)sw_rng_below(&r, 61);
            u->work_end_min = 16 * 60 + (int)sw_rng_below(&r, 91);
            u->phishing = 0.1;
        }
    }
    return SW_OK;
}
