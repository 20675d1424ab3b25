/* commands.h — the subcommands of the `seawall` program. Each takes the
 * arguments after its name (argv[0] is the command name) and returns the
 * process exit status: 0 success, 1 the input had problems, 2 usage error. */
#ifndef SW_COMMANDS_H
#define SW_COMMANDS_H

typedef int (*sw_cmd_fn)(int argc, char **argv);

typedef struct sw_command {
    const char *name;
    sw_cmd_fn fn;
    const char *summary;
} sw_command_t;

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_sigma(int argc, char **argv);
int cmd_hunt(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_telemetry(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_journal(int argc, char **argv);
int cmd_share(int argc, char **argv);

#endif
