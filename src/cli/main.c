/* main.c — the seawall program: one binary, one subcommand per job. The
 * commands and their options are tables (commands.c, opts.c); this file
 * only finds the command, parses its options and calls it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

#define SW_VERSION "0.2.0"

static void usage(FILE *f)
{
    fprintf(f, "usage: seawall COMMAND [ARGS...]   (seawall COMMAND --help for its options)\n\n"
               "commands:\n");
    for (size_t i = 0; i < sw_cli_n_commands; i++)
        if (!strchr(sw_cli_commands[i].name, ' '))
            fprintf(f, "  %-10s %s\n", sw_cli_commands[i].name, sw_cli_commands[i].summary);
    fprintf(f, "  %-10s %s\n  %-10s %s\n", "help", "this text", "version", "print the version");
}

/* The command named by argv[1] (and argv[2] for a group); *used gets how
 * many words named it. NULL when there is none. */
static const sw_cli_cmd_t *lookup(int argc, char **argv, int *used)
{
    for (size_t i = 0; i < sw_cli_n_commands; i++) {
        const sw_cli_cmd_t *c = &sw_cli_commands[i];
        if (strcmp(c->name, argv[1]))
            continue;
        *used = 1;
        if (c->fn)
            return c;
        /* a group: its subcommands are named "group sub" */
        if (argc < 3)
            return c;
        size_t n = strlen(c->name);
        for (size_t k = 0; k < sw_cli_n_commands; k++) {
            const sw_cli_cmd_t *s = &sw_cli_commands[k];
            if (!strncmp(s->name, c->name, n) && s->name[n] == ' ' &&
                !strcmp(s->name + n + 1, argv[2])) {
                *used = 2;
                return s;
            }
        }
        return c;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    /* a file size limit (ulimit -f) is a write error (EFBIG) every command
     * reports and recovers from, like a full disk, not a silent kill */
    signal(SIGXFSZ, SIG_IGN);
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
    int used = 0;
    const sw_cli_cmd_t *c = lookup(argc, argv, &used);
    if (!c) {
        fprintf(stderr, "seawall: unknown command '%s'\n", name);
        usage(stderr);
        return 2;
    }
    if (!c->fn) { /* a group without a (known) subcommand */
        int help = argc >= 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h") ||
                                 !strcmp(argv[2], "help"));
        FILE *f = help ? stdout : stderr;
        if (argc >= 3 && !help)
            fprintf(f, "seawall %s: unknown subcommand '%s'\n", c->name, argv[2]);
        fprintf(f, "usage: seawall %s SUBCOMMAND ...   (seawall %s SUBCOMMAND --help)\n%s", c->name,
                c->name, c->help);
        return help ? 0 : 2;
    }
    sw_cli_t a;
    int rc = sw_cli_parse(c, argc, argv, 1 + used, &a);
    if (rc < 0)
        rc = c->fn(&a);
    free(a.args);
    return rc;
}
