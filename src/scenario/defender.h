/* defender.h — a scripted defender: timed actions and simple rules, from a
 * YAML file, so scenarios can be balanced in batch (`seawall simulate
 * --defender FILE`) and an exercise can be played against a team that
 * responds by itself. This layer only reads the file (names resolved
 * against the world); the exercise runtime (exercise/ex_defender.h) issues
 * its commands, as journaled acts like a player's.
 *
 *   team: nauru                  # default team for what follows (optional)
 *   actions:                     # issued at their time, in file order
 *     - {at: 5m, action: patch, host: nr-mof-vpn01, value: CVE-2023-46805}
 *     - {at: 1h, team: palau, action: block-domain, value: update-cdn.reefnet.example}
 *     - {at: 2h, action: block-port, port: 8443, org: nr-mof}
 *   rules:                       # "when a step of technique T is seen on a host"
 *     - when: {technique: T1003, min_visibility: 0.3, team: nauru, outcome: success}
 *       action: isolate          # on the host where it was seen (target: src for its source)
 *       after: 10m
 *       value: "$src_ip"         # $src_ip, $account, $host are taken from the event
 *
 * "Seen" means an adversary step finished with a visibility (noise through
 * the host's sensors) at or above min_visibility: a stand-in for an alert
 * until the detection layer produces real ones. A rule fires at most once per
 * host unless `once: false`. Errors carry FILE:LINE:COL. */
#ifndef SW_DEFENDER_H
#define SW_DEFENDER_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/action.h"
#include "model/world.h"
#include "scenario/diag.h"

#define SW_DEF_MAX_TEXT ((size_t)1 << 20)
#define SW_DEF_MAX_ITEMS 10000

typedef struct sw_def_rule {
    const char *technique; /* prefix: "T1003" matches "T1003.003"; "*" any */
    double min_visibility;
    uint32_t team; /* only steps on this team's hosts; SW_NONE any */
    int success_only;
    sw_cmd_t cmd; /* template: at_ms is the delay, host/team filled in */
    int on_src;   /* act on the step's source host instead of its target */
    int once;
    sw_loc_t loc;
} sw_def_rule_t;

typedef struct sw_defender {
    sw_arena_t arena;
    sw_cmd_t *actions; /* in file order; at_ms is when each is issued */
    uint32_t n_actions;
    sw_def_rule_t *rules;
    uint32_t n_rules;
} sw_defender_t;

/* Parse text (named name in messages) against world w. Returns SW_OK, or
 * SW_EINVAL with every problem in diags (d is then empty but must still be
 * freed). A key given twice in one mapping is an error at its second
 * place. */
int sw_defender_parse(sw_defender_t *d, const sw_world_t *w, const char *name, const char *text,
                      size_t len, sw_diags_t *diags);
void sw_defender_free(sw_defender_t *d);
#endif
