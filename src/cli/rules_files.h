/* rules_files.h — deploying Sigma rule files from disk, all or none, for
 * the commands that take them (`seawall rules deploy`, `seawall run
 * --rules`). Messages go to stderr prefixed with the command's name, refusals
 * as FILE:LINE:COL: error: message [reason]. */
#ifndef SW_RULES_FILES_H
#define SW_RULES_FILES_H

#include <stdint.h>
#include <stdio.h>

#include "alerts/deploy.h"

/* Read every file and check it with sw_deploy_check for team t; if all pass,
 * deploy them in order as actor at exercise time at_ms (SW_JOURNAL_NO_TIME
 * when no exercise clock runs), printing one "deployed ..." line per rule
 * to out (may be NULL). Returns 0, or 1 after printing why (nothing was
 * deployed unless the failure was an I/O error past the checks, which it
 * says). */
int sw_rules_deploy_files(sw_deploy_t *d, sw_store_team_t *t, const char *actor, int64_t at_ms,
                          char *const *files, int n_files, const char *cmd, FILE *out);

/* Compile every file with the Sigma engine and check it has an id and that
 * no two share one: what deploying them on a fresh team would check, before
 * there is a team. Returns 0, or 1 after printing why. */
int sw_rules_check_files(char *const *files, int n_files, const char *cmd);

#endif
