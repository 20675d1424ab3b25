/* demo_world.h — a built-in world for telemetry until the scenario loader
 * lands: N Pacific island teams, each defending one government network of a
 * realistic shape (domain controllers, file, mail, web, backup and jump
 * servers, a FortiGate, a Cisco edge router, workstations with users).
 *
 * Used by `seawall telemetry --demo-world`, the telemetry tests and the
 * benchmark. Pure: builds into w's arena from the seed, no I/O. */
#ifndef SW_TEL_DEMO_WORLD_H
#define SW_TEL_DEMO_WORLD_H

#include <stdint.h>

#include "model/world.h"

/* Fill w (sw_world_init'ed, empty) with n_teams teams of hosts_per_team
 * hosts each (at least 16: 11 servers and devices, the rest workstations,
 * one user each). Sensors vary by seed so coverage has gaps. Returns 0 or
 * SW_ENOMEM / SW_EINVAL. */
int sw_tel_demo_world(sw_world_t *w, uint32_t n_teams, uint32_t hosts_per_team, uint64_t seed);

#endif
