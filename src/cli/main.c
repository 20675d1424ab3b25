/* main.c — the seawall program: one binary, one subcommand per job.
 * The subcommands live in src/cli/cmd_*.c; this file only dispatches. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

#define SW_VERSION "0.1.0"

static const sw_command_t commands[] = {
    {"run", cmd_run, "start seawall on the built-in default exercise"},
    {"validate", cmd_validate, "check scenario files: FILE:LINE:COL for every problem"},
    {"simulate", cmd_simulate, "run a scenario headless and summarise what happened"},
    {"sigma", cmd_sigma, "run Sigma rules over event files, or lint rules (--check)"},
    {"ingest", cmd_ingest, "append JSON event records to a team's event store"},
    {"hunt", cmd_hunt, "search a team's events (docs/search.md)"},
    {"rules", cmd_rules, "test, deploy, withdraw and list a team's Sigma rules"},
    {"alerts", cmd_alerts, "a team's alerts from its deployed rules"},
    {"journal", cmd_journal, "the exercise journal: every act, in order"},
    {"share", cmd_share, "copy records one team found to another team, as a journaled act"},
    {"telemetry", cmd_telemetry, "generate log records (background activity for now)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: seawall COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-10s %s\n  %-10s %s\n", "help", "this text", "version", "print the version");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(name, "version") || !strcmp(name, "--version")) {
        printf("seawall %s\n", SW_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "seawall: unknown command '%s'\n", name);
    usage(stderr);
    return 2;
}
