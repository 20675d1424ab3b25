/* action.h — what a defender (or an instructor) can do to the world: the
 * command type, and one table describing every action once: what it acts on,
 * what value it needs, how long it takes to take effect, and what it costs.
 * The scripted-defender parser, the sim's validation and delays, the
 * exercise's command checks and the CLI's argument order all read this table,
 * so the list of host-targeted actions exists in one place. */
#ifndef SW_ACTION_H
#define SW_ACTION_H

#include <stdint.h>

#include "model/world.h"

/* A defender's (or instructor's) command. The sim copies what it keeps. */
typedef struct sw_cmd {
    int64_t at_ms; /* when it is issued; must not be before sw_sim_now */
    sw_action_t action;
    uint32_t team;    /* who acts; the target must be theirs */
    uint32_t host;    /* the host, for actions on a host (sw_action_info.on_host) */
    uint32_t org;     /* failover, reset-krbtgt, blocks (SW_NONE: all the team's orgs) */
    uint32_t to_team; /* share-indicator recipient (SW_NONE: every other player team) */
    const char *arg;  /* ip, domain, account, CVE, process, file, indicator, report text */
    uint16_t port;    /* block-port */
} sw_cmd_t;

void sw_cmd_init(sw_cmd_t *c); /* zero, with every index SW_NONE */

/* The value an action takes (sw_cmd_t.arg). */
typedef enum {
    SW_ARG_NONE,
    SW_ARG_IP,        /* "10.2.3.4" */
    SW_ARG_DOMAIN,    /* "update-cdn.example" */
    SW_ARG_ACCOUNT,   /* an account as the logs show it */
    SW_ARG_CVE,       /* "CVE-2023-46805" */
    SW_ARG_INDICATOR, /* any indicator value */
    SW_ARG_TEXT,      /* free text (a report) */
    SW_ARG_PROCESS,   /* a process image */
    SW_ARG_FILE,      /* a file path */
} sw_arg_kind_t;

extern const char *const sw_arg_kind_names[]; /* "ip", "domain", ... indexed by sw_arg_kind_t */

typedef struct sw_action_info {
    const char *name;   /* sw_action_names spelling */
    int on_host;        /* acts on one host of the acting team */
    int on_org;         /* may be limited to one organisation of the team */
    sw_arg_kind_t arg;  /* the value it takes */
    int arg_required;   /* refused without it */
    int needs_port;     /* block-port */
    int64_t delay_ms;   /* between being issued and taking effect */
    const char *effect; /* what it does and costs, in a sentence for a confirmation */
} sw_action_info_t;

/* The row of action a (NULL when out of range). */
const sw_action_info_t *sw_action_info(sw_action_t a);

#endif
