/* ex_client.h — what the CLI's exercise commands share: opening an
 * exercise with the command line's options, attaching scripted defenders,
 * and sending one request to an exercise wherever it lives (the process
 * playing it, through its control socket, or the database itself). */
#ifndef SW_CLI_EX_CLIENT_H
#define SW_CLI_EX_CLIENT_H

#include <jansson.h>

#include "cli/cli.h"
#include "exercise/exercise.h"

/* The database the command means: --db, else the exercise default. */
const char *sw_cli_db(const sw_cli_t *a);

#define SW_CLI_TELEMETRY 1 /* produce records */
#define SW_CLI_BARE_OK 2   /* a database of records only opens as a bare store */

/* Open the exercise in db (NULL: none, in memory) as a says (scenario,
 * seed, until, speed), printing a scenario's problems and any refusal.
 * flags: SW_CLI_*. Returns 0, or the exit status. */
int sw_cli_open(const sw_cli_t *a, const char *db, sw_ex_how_t how, int flags, sw_ex_note_cb cb,
                void *ud, sw_exercise_t **ex);

/* The team whose records a reading command (hunt, alerts) may show: in an
 * exercise, --team's own, or with --view an observer delegation's view of
 * a player team as the exercise allows; in a database of records only,
 * --team. NULL after printing why not. */
const char *sw_cli_read_team(const sw_cli_t *a);

/* Attach every --defender file. Returns 0 or 1 (after printing why). */
int sw_cli_attach_defenders(const sw_cli_t *a, sw_exercise_t *ex);

/* Send req (taken) to the exercise in the database: the playing process
 * if there is one, else the exercise opened here (created from --scenario
 * when create and the database does not exist yet). Prints the answer's
 * message (stdout when ok, else stderr) unless quiet; *reply (may be
 * NULL) gets the answer. Returns the exit status. */
int sw_cli_request(const sw_cli_t *a, json_t *req, int create, json_t **reply);
/* sw_cli_request for each of reqs[0..n) in turn (all taken), stopping at
 * the first refused; an exercise opened here is opened once for all of
 * them (resuming it replays the exercise: once per rule made deploying
 * 200 rules take 10 s). *done (may be NULL) gets how many were done;
 * *reply the last one's answer. */
int sw_cli_requests(const sw_cli_t *a, json_t **reqs, size_t n, int create, size_t *done,
                    json_t **reply);

#endif
