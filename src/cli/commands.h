/* commands.h — the subcommands of the `seawall` program. Each takes its
 * parsed command line (cli.h; the table is commands.c) and returns the
 * process exit status: 0 success, 1 the input had problems, 2 usage error. */
#ifndef SW_COMMANDS_H
#define SW_COMMANDS_H

#include "cli/cli.h"

int cmd_run(sw_cli_t *a);
int cmd_play(sw_cli_t *a);
int cmd_act(sw_cli_t *a);
int cmd_replay(sw_cli_t *a);
int cmd_validate(sw_cli_t *a);
int cmd_simulate(sw_cli_t *a);
int cmd_sigma(sw_cli_t *a);
int cmd_hunt(sw_cli_t *a);
int cmd_ingest(sw_cli_t *a);
int cmd_telemetry(sw_cli_t *a);
int cmd_rules_test(sw_cli_t *a);
int cmd_rules_deploy(sw_cli_t *a);
int cmd_rules_withdraw(sw_cli_t *a);
int cmd_rules_list(sw_cli_t *a);
int cmd_alerts(sw_cli_t *a);
int cmd_journal(sw_cli_t *a);
int cmd_share(sw_cli_t *a);
int cmd_report(sw_cli_t *a);
int cmd_serve(sw_cli_t *a);
int cmd_users_add(sw_cli_t *a);
int cmd_users_list(sw_cli_t *a);
int cmd_users_disable(sw_cli_t *a);
int cmd_users_enable(sw_cli_t *a);
int cmd_users_passwd(sw_cli_t *a);
int cmd_users_import(sw_cli_t *a);

#endif
