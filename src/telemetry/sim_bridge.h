/* sim_bridge.h — simulation events in, attack telemetry out.
 *
 * The bridge turns the sim's adversary steps (sw_sim_event_t, SW_SEV_STEP)
 * into the sw_tel_* calls the step's activity implies: the attacker's logon
 * session (opened once per adversary and host: one per foothold), the
 * process its procedure runs under a shell of that session (or under the
 * web server of a web-shell foothold, or Office for a lure), the network
 * connection that carried it, and the side effects of its technique (by
 * ATT&CK prefix) and command line: C2 and exfiltration traffic, the
 * phishing mail, exploit and web-shell requests, remote-execution services,
 * ntds.dit / dump / ransom files, PortProxy and Run keys, Kerberoasting
 * tickets, antivirus catches, logs cleared, services, tasks, accounts, a
 * router's config changes or its odd reloads. docs/telemetry.md ("What the
 * attack writes") has the table. Every call carries truth = gt + 1, so
 * truth is never 0 for attack records and never enters a record's text.
 *
 * Other sim events: C2_UP and EXFIL (traffic), enhanced logging, host
 * down/up (shutdown and boot records, silence between), isolation (no
 * network records), link down/up (the edge router's syslog).
 *
 * Time order: given a background generator, the bridge first runs the
 * background up to each event's time (sw_tel_background_run over
 * consecutive windows), so background and attack records of a host come out
 * in time order; sw_tel_bridge_advance runs the background on to the end.
 *
 * Pure: no I/O, no clock, no globals; allocates through the C library only
 * for its per-(adversary, host) foothold table (grows by doubling, hard limit
 * SW_TEL_BRIDGE_MAX_FOOTHOLDS).
 */
#ifndef SW_TEL_SIM_BRIDGE_H
#define SW_TEL_SIM_BRIDGE_H

#include <stdint.h>

#include "sim/sim.h"
#include "telemetry/telemetry.h"

#define SW_TEL_BRIDGE_MAX_FOOTHOLDS 65536
#define SW_TEL_BRIDGE_MAX_QUEUE (1u << 20) /* burst commands waiting for their time */

typedef struct sw_tel_bridge sw_tel_bridge_t;

/* A bridge over tel (and bg, which may be NULL: no background). Both must
 * outlive the bridge. Returns 0 or SW_ENOMEM. */
int sw_tel_bridge_new(sw_tel_bridge_t **out, sw_tel_t *tel, sw_tel_bg_t *bg);
void sw_tel_bridge_free(sw_tel_bridge_t *b);

/* Feed one sim event (events arrive in time order). Returns 0 or the first
 * sw_tel_* error. */
int sw_tel_bridge_event(sw_tel_bridge_t *b, const sw_sim_event_t *ev);
/* An sw_sim_event_cb over a bridge (ud): errors are kept for
 * sw_tel_bridge_error, and later events are ignored after one. */
void sw_tel_bridge_sim_cb(const sw_sim_event_t *ev, void *ud);
int sw_tel_bridge_error(const sw_tel_bridge_t *b);

/* Run the background on to t_ms (no-op without one or when already there). */
int sw_tel_bridge_advance(sw_tel_bridge_t *b, int64_t t_ms);

/* Adversary steps turned into telemetry so far. */
uint64_t sw_tel_bridge_steps(const sw_tel_bridge_t *b);

#endif
