/* cli.h — the one command line of the seawall program: every subcommand's
 * options come from one option table (opts.c, in the manner of curl's
 * tool_getparam.c) and are parsed by one parser into one sw_cli_t, so the
 * same mistake gets the same message in every command, and `--help` is
 * generated from the table.
 *
 * A command (main.c's table) names the options it takes and how many
 * positional arguments; the parser refuses anything else:
 *   unknown option  "seawall hunt: unknown option '--tem' (did you mean --team?)"
 *   missing value   "seawall hunt: --db needs a value (FILE)"
 *   bad number      "seawall run: --seed 'x' is not a whole number"
 *   bad duration    "seawall simulate: --until '4x' is not a duration (like 90s, 10m, 1h30m)"
 *   required        "seawall hunt: --db is required"
 * each followed by "(seawall hunt --help for usage)", exit status 2.
 * Commands then get a parsed sw_cli_t: they own no option parsing. */
#ifndef SW_CLI_H
#define SW_CLI_H

#include <stdint.h>
#include <stdio.h>

#define SW_CLI_MAX_LIST 256 /* values of one list option (--rules A B ...) */

/* Every option's value. Unset strings are NULL, unset numbers 0 with their
 * has_* flag 0. Lists point into argv. */
typedef struct sw_cli {
    const char *cmd; /* "hunt", "rules deploy", ... for messages */
    /* the exercise database and who acts */
    const char *db, *team, *actor, *scenario, *view;
    uint64_t seed;
    int has_seed;
    int64_t until_ms, from_ms, at_ms;
    int has_until, has_from, has_at;
    double speed;
    int has_speed;
    int paused, replace, fast;
    /* output */
    int json, quiet, verbose, all;
    const char *out, *now, *kind, *format, *output;
    long limit, max;
    int has_limit, has_max;
    /* share */
    const char *from_team, *to_team;
    /* telemetry */
    int demo_world;
    uint64_t teams, hosts;
    int has_teams, has_hosts;
    /* lists and repeated options */
    const char *rules[SW_CLI_MAX_LIST], *events[SW_CLI_MAX_LIST], *checks[SW_CLI_MAX_LIST];
    int n_rules, n_events, n_checks;
    const char *series[SW_CLI_MAX_LIST];
    int n_series;
    const char *defenders[SW_CLI_MAX_LIST], *syslogs[8], *vars[SW_CLI_MAX_LIST];
    int n_defenders, n_syslogs, n_vars;
    int truth, verify, upgrade;
    const char *head;
    /* the server and its accounts */
    const char *listen, *tls_cert, *tls_key, *role;
    int routes;
    /* positional arguments */
    char **args;
    int n_args;
} sw_cli_t;

typedef int (*sw_cli_fn)(sw_cli_t *a);

/* One (sub)command: what it takes and what it does. */
typedef struct sw_cli_cmd {
    const char *name;       /* "hunt", "rules deploy" */
    sw_cli_fn fn;           /* NULL: a group ("rules"), whose subcommands follow */
    const char *summary;    /* one line, for `seawall help` */
    const char *options;    /* space-separated option names it takes: "db team json" */
    const char *required;   /* those it cannot do without: "db team" */
    const char *args;       /* positional arguments for the usage line: "'QUERY'" */
    int min_args, max_args; /* max -1: any number */
    const char *help;       /* what it does, for --help (paragraphs, no usage line) */
} sw_cli_cmd_t;

/* Parse argv[first..argc) for cmd into *a (zeroed first). Returns -1 to go
 * on, or the exit status to return: 0 after printing --help, 2 after a
 * usage error (message on stderr). */
int sw_cli_parse(const sw_cli_cmd_t *cmd, int argc, char **argv, int first, sw_cli_t *a);

/* The usage of cmd, generated from the table, to f. */
void sw_cli_usage(const sw_cli_cmd_t *cmd, FILE *f);

/* A usage error in a command (beyond what the parser checks): prints
 * "seawall CMD: message (seawall CMD --help for usage)" and returns 2. */
int sw_cli_usage_error(const sw_cli_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Check a command table against the option table: every option a command
 * lists exists, it requires only what it takes, and no command takes two
 * rows spelled alike. 0, or -1 with the first problem in err. */
int sw_cli_table_check(const sw_cli_cmd_t *cmds, size_t n, char *err, size_t err_len);

/* The command table (commands.c), and its size. */
extern const sw_cli_cmd_t sw_cli_commands[];
extern const size_t sw_cli_n_commands;

/* The acting person: --actor, else $USER, else "cli". */
const char *sw_cli_actor(const sw_cli_t *a);

/* Wall-clock milliseconds since the Unix epoch (the CLI's only clock). */
int64_t sw_cli_wall_ms(void);

#endif
