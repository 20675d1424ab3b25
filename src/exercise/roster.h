/* roster.h — the people of an exercise: accounts made the way an organiser
 * makes them, one at a time or a whole room from a CSV, each role and team
 * checked against the exercise (a player's team is a playing team, an
 * observer's an observer delegation, the white cell has none), each with a
 * one-time password unless one is chosen. `seawall users` and the server's
 * users API both come here; the accounts themselves live behind
 * store/accounts.h. */
#ifndef SW_ROSTER_H
#define SW_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "exercise/exercise.h"
#include "scenario/diag.h"
#include "store/accounts.h"

#define SW_ROSTER_PASSWORD_LEN 12 /* a one-time password's characters */
#define SW_ROSTER_MAX_ROWS 5000   /* accounts in one import */

/* Resolve role (by name) and team (case-insensitive, to its id in team_out)
 * for an account in the exercise info describes. */
int sw_roster_check(const sw_exercise_info_t *info, const char *role, const char *team,
                    sw_account_role_t *role_out, char team_out[SW_ACCOUNT_MAX_NAME + 1],
                    sw_errbuf_t *err);

/* Add one account. password NULL or "": a one-time one is made, written to
 * pw_out, and must be changed at first login; else pw_out is "". */
int sw_roster_add(sw_accounts_t *acc, const sw_exercise_info_t *info, const char *name,
                  const char *role, const char *team, const char *password, int64_t now_ms,
                  char pw_out[SW_ROSTER_PASSWORD_LEN + 1], sw_errbuf_t *err);

/* One line of a CSV roster, checked. */
typedef struct sw_roster_row {
    int line;
    char name[SW_ACCOUNT_MAX_NAME + 1], role[16], team[SW_ACCOUNT_MAX_NAME + 1];
    char password[SW_ROSTER_PASSWORD_LEN + 1]; /* made by sw_roster_import */
    sw_account_role_t r;
} sw_roster_row_t;

/* Read and check a CSV roster (format below) without touching any account:
 * the rows into *rows (the caller frees it), each problem into d at
 * FILE:LINE:COL. SW_OK; SW_EINVAL when there was a problem (*rows is then
 * NULL); SW_ENOMEM. */
int sw_roster_parse(const sw_exercise_info_t *info, const char *file, const char *csv, size_t len,
                    sw_roster_row_t **rows, size_t *n, sw_diags_t *d, sw_errbuf_t *err);

typedef struct sw_roster_made {
    int line; /* in the CSV */
    const char *name, *role, *team, *password;
} sw_roster_made_t;
typedef void (*sw_roster_made_cb)(const sw_roster_made_t *m, void *ud);

/* Import a CSV roster: one "name,role,team" a line (spaces around fields and
 * spreadsheet quotes are dropped; a first line starting "name," and lines
 * starting '#' are skipped; the team is empty for the white cell). Every
 * line is checked first: with any problem nothing is added, d has each at
 * FILE:LINE:COL (file names the CSV) and it returns SW_EINVAL. Otherwise
 * every account is added (all or none) with a one-time password and made is
 * called for each, in order. */
int sw_roster_import(sw_accounts_t *acc, const sw_exercise_info_t *info, const char *file,
                     const char *csv, size_t len, int64_t now_ms, sw_roster_made_cb made, void *ud,
                     sw_diags_t *d, sw_errbuf_t *err);

#endif
