/* rules_files.h — checking Sigma rule files from disk before any is
 * deployed, for the commands that take them (`seawall rules deploy`,
 * `seawall run --rules`). Messages go to stderr prefixed with the command's
 * name, refusals as FILE:LINE:COL: error: message [reason]. */
#ifndef SW_RULES_FILES_H
#define SW_RULES_FILES_H

#include <stdint.h>
#include <stdio.h>

#include "alerts/deploy.h"

/* Compile every file with the Sigma engine and check it has an id and that
 * no two share one: what deploying them on a fresh team would check, before
 * there is a team. Returns 0, or 1 after printing why. */
int sw_rules_check_files(char *const *files, int n_files, const char *cmd);

#endif
