/* world.c — the vocabulary of scenario files (enum spellings), id look-ups,
 * host selectors and address arithmetic over the world model. */
#include "model/world.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/err.h"

const char *const sw_org_kind_names[SW_ORG__COUNT] = {
    "government", "telecom", "mobile", "isp", "utility", "cable-landing", "other",
};
const char *const sw_zone_names[SW_ZONE__COUNT] = {
    "internet", "dmz", "internal", "management", "ot", "wan",
};
const char *const sw_role_names[SW_ROLE__COUNT] = {
    "domain-controller", "mail",        "dns",         "web",         "file-server",
    "database",          "workstation", "edge-router", "core-router", "firewall",
    "vpn-gateway",       "nms",         "billing",     "mobile-core", "international-gateway",
    "scada-hmi",         "jump-host",   "backup",      "siem",        "soho-router",
    "app-server",
};
const char *const sw_crit_names[4] = {"low", "medium", "high", "critical"};
const char *const sw_priv_names[4] = {"none", "user", "admin", "system"};
const char *const sw_link_kind_names[SW_LINK__COUNT] = {
    "lan", "wan", "internet", "cable", "satellite",
};
const char *const sw_cred_kind_names[SW_CRED__COUNT] = {
    "domain-user",  "domain-admin", "local-admin",     "vpn",
    "router-admin", "krbtgt",       "service-account",
};
const char *const sw_persist_names[SW_PERSIST__COUNT] = {
    "webshell", "scheduled-task", "service", "firmware", "account", "registry",
};
const char *const sw_obj_kind_names[SW_OBJ__COUNT] = {
    "exfiltrate", "preposition", "disrupt", "encrypt", "implant",
};
const char *const sw_inject_kind_names[SW_INJ__COUNT] = {
    "email", "news", "phone", "advisory", "chat", "technical",
};
const char *const sw_action_names[SW_ACT__COUNT] = {
    "isolate",         "release",        "block-ip",        "block-domain", "block-port",
    "disable-account", "reset-password", "reset-krbtgt",    "kill-process", "quarantine-file",
    "patch",           "reimage",        "restore",         "reflash",      "enhanced-logging",
    "failover",        "null-route",     "share-indicator", "report",
};

const char *const sw_observer_view_names[SW_OBS__COUNT] = {"nothing", "scoreboard", "teams",
                                                           "everything"};

int sw_enum_lookup(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *const sw_rate_names[SW_RATE__COUNT] = {
    "logons_per_user_day",      "web_per_user_hour",
    "mail_per_user_hour",       "spam_ratio",
    "apps_per_user_hour",       "share_per_user_hour",
    "failed_logon_ratio",       "admin_actions_per_hour",
    "tasks_per_host_day",       "updates_per_host_day",
    "dns_per_server_hour",      "ifm_backups_per_dc_day",
    "web_hits_per_server_hour", "router_logins_per_day",
    "router_changes_per_day",   "ssh_logins_per_linux_day",
    "cron_per_linux_hour",
};

const char *const sw_proc_audit_names[SW_PROC_AUDIT__COUNT] = {"none", "servers", "all"};

void sw_world_init(sw_world_t *w)
{
    memset(w, 0, sizeof *w);
    w->telemetry.proc_audit = SW_PROC_AUDIT_DEFAULT;
    sw_arena_init(&w->arena, 0);
}

void sw_world_free(sw_world_t *w)
{
    sw_arena_free(&w->arena);
    memset(w, 0, sizeof *w);
}

#define FIND_BY_ID(arr, n)                                                                         \
    do {                                                                                           \
        for (uint32_t i = 0; i < (n); i++)                                                         \
            if ((arr)[i].id && strcmp((arr)[i].id, id) == 0)                                       \
                return i;                                                                          \
        return SW_NONE;                                                                            \
    } while (0)

uint32_t sw_world_team(const sw_world_t *w, const char *id)
{
    FIND_BY_ID(w->teams, w->n_teams);
}
uint32_t sw_world_host(const sw_world_t *w, const char *id)
{
    FIND_BY_ID(w->hosts, w->n_hosts);
}
uint32_t sw_world_link(const sw_world_t *w, const char *id)
{
    FIND_BY_ID(w->links, w->n_links);
}
uint32_t sw_world_org(const sw_world_t *w, const char *id)
{
    FIND_BY_ID(w->orgs, w->n_orgs);
}

int sw_selector_match(const sw_world_t *w, const sw_selector_t *s, uint32_t h)
{
    const sw_host_t *host = &w->hosts[h];
    if (s->host != SW_NONE && s->host != h)
        return 0;
    if (s->has_role && host->role != s->role)
        return 0;
    if (s->org != SW_NONE && host->org != s->org)
        return 0;
    if (s->org_kind >= 0 && (int)w->orgs[host->org].kind != s->org_kind)
        return 0;
    if (s->zone >= 0 && host->network != SW_NONE && (int)w->networks[host->network].zone != s->zone)
        return 0;
    return 1;
}

int sw_ip_parse(const char *text, uint8_t ip[16], int *v6)
{
    memset(ip, 0, 16);
    if (inet_pton(AF_INET, text, ip) == 1) {
        *v6 = 0;
        return SW_OK;
    }
    if (inet_pton(AF_INET6, text, ip) == 1) {
        *v6 = 1;
        return SW_OK;
    }
    return SW_EINVAL;
}

int sw_cidr_parse(const char *text, sw_cidr_t *out)
{
    memset(out, 0, sizeof *out);
    const char *slash = strchr(text, '/');
    if (!slash || slash == text || strlen(text) > 63)
        return SW_EINVAL;
    char addr[64];
    memcpy(addr, text, (size_t)(slash - text));
    addr[slash - text] = '\0';
    int v6;
    if (sw_ip_parse(addr, out->addr, &v6))
        return SW_EINVAL;
    char *end;
    const char *p = slash + 1;
    if (*p < '0' || *p > '9')
        return SW_EINVAL;
    long prefix = strtol(p, &end, 10);
    if (*end || prefix < 0 || prefix > (v6 ? 128 : 32))
        return SW_EINVAL;
    out->prefix = (uint8_t)prefix;
    out->v6 = (uint8_t)v6;
    /* host bits must be zero: "10.0.0.1/24" is almost always a typo */
    for (int bit = (int)prefix; bit < (v6 ? 128 : 32); bit++)
        if (out->addr[bit / 8] & (0x80 >> (bit % 8)))
            return SW_EINVAL;
    return SW_OK;
}

static int prefix_equal(const uint8_t *a, const uint8_t *b, int bits)
{
    int bytes = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)bytes) != 0)
        return 0;
    if (rest) {
        uint8_t mask = (uint8_t)(0xff << (8 - rest));
        return (a[bytes] & mask) == (b[bytes] & mask);
    }
    return 1;
}

int sw_cidr_contains(const sw_cidr_t *c, const uint8_t ip[16], int v6)
{
    if (c->v6 != (v6 != 0))
        return 0;
    return prefix_equal(c->addr, ip, c->prefix);
}

int sw_cidr_overlap(const sw_cidr_t *a, const sw_cidr_t *b)
{
    if (a->v6 != b->v6)
        return 0;
    int bits = a->prefix < b->prefix ? a->prefix : b->prefix;
    return prefix_equal(a->addr, b->addr, bits);
}

int64_t sw_world_epoch_ms(const sw_world_t *w)
{
    int y = 2026, m = 3, d = 10;
    const char *date = w->exercise.date;
    if (date && strlen(date) >= 10 && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3) {
        y = 2026;
        m = 3;
        d = 10;
    }
    int64_t s = sw_days_from_civil(y, m, d) * 86400 + (int64_t)w->exercise.start_minute * 60 -
                (int64_t)w->exercise.utc_offset_min * 60;
    return s * 1000;
}
