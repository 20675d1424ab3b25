/* action.c — the one table of defender actions (action.h). */
#include "model/action.h"

#include <string.h>

#define MIN_MS 60000

const char *const sw_arg_kind_names[] = {"",          "ip",   "domain",  "account", "cve",
                                         "indicator", "text", "process", "file"};

/* clang-format off */
static const sw_action_info_t table[SW_ACT__COUNT] = {
    [SW_ACT_ISOLATE] = {"isolate", 1, 0, SW_ARG_NONE, 0, 0, 2 * MIN_MS,
        "cuts the host off the network: its services are down for everyone who depends on them"},
    [SW_ACT_RELEASE] = {"release", 1, 0, SW_ARG_NONE, 0, 0, 2 * MIN_MS,
        "puts an isolated host back on the network"},
    [SW_ACT_BLOCK_IP] = {"block-ip", 0, 1, SW_ARG_IP, 1, 0, 5 * MIN_MS,
        "drops traffic to and from the address at the team's boundary"},
    [SW_ACT_BLOCK_DOMAIN] = {"block-domain", 0, 1, SW_ARG_DOMAIN, 1, 0, 5 * MIN_MS,
        "stops lookups of the domain and traffic to it"},
    [SW_ACT_BLOCK_PORT] = {"block-port", 0, 1, SW_ARG_NONE, 0, 1, 5 * MIN_MS,
        "drops inbound traffic from outside on the port (legitimate services on it too)"},
    [SW_ACT_DISABLE_ACCOUNT] = {"disable-account", 0, 1, SW_ARG_ACCOUNT, 1, 0, 2 * MIN_MS,
        "every credential of the account stops working, its owner's too"},
    [SW_ACT_RESET_PASSWORD] = {"reset-password", 0, 1, SW_ARG_ACCOUNT, 1, 0, 5 * MIN_MS,
        "the account's password and hashes stop working (tickets survive)"},
    [SW_ACT_RESET_KRBTGT] = {"reset-krbtgt", 0, 1, SW_ARG_NONE, 0, 0, 15 * MIN_MS,
        "every Kerberos ticket dies; golden tickets only on the second reset"},
    [SW_ACT_KILL_PROCESS] = {"kill-process", 1, 0, SW_ARG_PROCESS, 0, 0, 1 * MIN_MS,
        "ends live sessions on the host; persistence brings them back within 30 minutes"},
    [SW_ACT_QUARANTINE_FILE] = {"quarantine-file", 1, 0, SW_ARG_FILE, 0, 0, 2 * MIN_MS,
        "removes file-based persistence (web shell, task, service, run key) and ends sessions"},
    [SW_ACT_PATCH] = {"patch", 1, 0, SW_ARG_CVE, 1, 0, 10 * MIN_MS,
        "closes the vulnerability; the host reboots and is down for 10 minutes"},
    [SW_ACT_REIMAGE] = {"reimage", 1, 0, SW_ARG_NONE, 0, 0, 5 * MIN_MS,
        "the host is down while it is rebuilt and loses data newer than its last backup"},
    [SW_ACT_RESTORE] = {"restore", 1, 0, SW_ARG_NONE, 0, 0, 5 * MIN_MS,
        "the host is down while its last good backup comes back; newer changes are lost"},
    [SW_ACT_REFLASH] = {"reflash", 1, 0, SW_ARG_NONE, 0, 0, 10 * MIN_MS,
        "a network device is re-flashed: down for 30 minutes, every implant removed"},
    [SW_ACT_ENHANCED_LOGGING] = {"enhanced-logging", 1, 0, SW_ARG_NONE, 0, 0, 5 * MIN_MS,
        "deploys Sysmon and command-line auditing on the host: more of what happens is logged"},
    [SW_ACT_FAILOVER] = {"failover", 0, 1, SW_ARG_NONE, 0, 0, 15 * MIN_MS,
        "international traffic may use the backup path (satellite: little capacity, slow)"},
    [SW_ACT_NULL_ROUTE] = {"null-route", 0, 0, SW_ARG_IP, 1, 0, 30 * MIN_MS,
        "the upstream provider drops the address for every organisation"},
    [SW_ACT_SHARE_INDICATOR] = {"share-indicator", 0, 0, SW_ARG_INDICATOR, 1, 0, 1 * MIN_MS,
        "tells the other teams (or one) about an indicator"},
    [SW_ACT_REPORT] = {"report", 0, 0, SW_ARG_TEXT, 0, 0, 0,
        "files an incident report with the white cell"},
};
/* clang-format on */

const sw_action_info_t *sw_action_info(sw_action_t a)
{
    if ((int)a < 0 || a >= SW_ACT__COUNT)
        return NULL;
    return &table[a];
}

void sw_cmd_init(sw_cmd_t *c)
{
    memset(c, 0, sizeof *c);
    c->host = c->org = c->to_team = c->team = SW_NONE;
}
