/* test_cli.c — the one command line: the command table agrees with the
 * option table, and every command gets the same answer for the same
 * mistake (missing value, unknown flag, bad number or duration, a required
 * option left out), with the right exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"

static const sw_cli_cmd_t *cmd(const char *name)
{
    for (size_t i = 0; i < sw_cli_n_commands; i++)
        if (!strcmp(sw_cli_commands[i].name, name))
            return &sw_cli_commands[i];
    fail_msg("no command %s", name);
    return NULL;
}

/* Parse argv for command name, stderr captured into err. */
static int parse(const char *name, const char *line, sw_cli_t *a, char *err, size_t err_len)
{
    static char copy[1024]; /* the values point here until the next parse */
    char *argv[64];
    snprintf(copy, sizeof copy, "%s", line);
    int argc = 0;
    argv[argc++] = (char *)name;
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 63;
         t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    argv[argc] = NULL;
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), 2);
    int rc = sw_cli_parse(cmd(name), argc, argv, 1, a);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(err, 1, err_len - 1, tmp);
    err[n] = '\0';
    fclose(tmp);
    free(a->args);
    a->args = NULL;
    return rc;
}

static void the_tables_agree(void **state)
{
    (void)state;
    char err[256];
    if (sw_cli_table_check(sw_cli_commands, sw_cli_n_commands, err, sizeof err))
        fail_msg("%s", err);
}

static void the_same_mistake_gets_the_same_message(void **state)
{
    (void)state;
    sw_cli_t a;
    char err[1024];
    /* a missing value, in two commands */
    assert_int_equal(parse("hunt", "--team palau 'x' --db", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "seawall hunt: --db needs a value (FILE)"));
    assert_int_equal(parse("run", "--db", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "seawall run: --db needs a value (FILE)"));
    /* an unknown flag, with the near one */
    assert_int_equal(parse("hunt", "--db x --tem palau q", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "unknown option '--tem' (did you mean --team?)"));
    assert_int_equal(parse("simulate", "example --sede 3", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "unknown option '--sede' (did you mean --seed?)"));
    /* a bad number, a bad duration */
    assert_int_equal(parse("simulate", "example --seed x", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "--seed 'x' is not a whole number"));
    assert_int_equal(parse("run", "--seed -3", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "--seed '-3' is not a whole number"));
    assert_int_equal(parse("simulate", "example --until 4x", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "--until '4x' is not a duration"));
    assert_int_equal(parse("telemetry", "--demo-world --teams 9", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "--teams 9 is out of range (1 to 8)"));
    assert_int_equal(parse("play", "--speed 0", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "--speed 0 is out of range"));
    /* a required option, an extra argument, a flag with a value */
    assert_int_equal(parse("hunt", "--db x 'q'", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "seawall hunt: --team is required"));
    assert_int_equal(parse("hunt", "--db x --team t a b", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "unexpected argument 'b'"));
    assert_int_equal(parse("hunt", "--db x --team t --json=1 q", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "--json takes no value"));
    /* every message says where usage is */
    assert_non_null(strstr(err, "(seawall hunt --help for usage)"));
}

static void values_land_where_they_belong(void **state)
{
    (void)state;
    sw_cli_t a;
    char err[1024];
    assert_int_equal(parse("replay", "--db=x.db --until T+01:23", &a, err, sizeof err), -1);
    assert_string_equal(a.db, "x.db");
    assert_true(a.has_until);
    assert_int_equal(a.until_ms, 83 * 60000);
    assert_int_equal(parse("play", "--speed 60 --paused -q", &a, err, sizeof err), -1);
    assert_true(a.has_speed && a.speed == 60 && a.paused && a.quiet);
    /* a list takes the bare arguments after it, also after other options */
    assert_int_equal(parse("sigma", "--check -v r1.yml r2.yml", &a, err, sizeof err), -1);
    assert_int_equal(a.n_checks, 2);
    assert_true(a.verbose);
    assert_int_equal(parse("sigma", "--rules a.yml b.yml --events e.jsonl", &a, err, sizeof err),
                     -1);
    assert_int_equal(a.n_rules, 2);
    assert_int_equal(a.n_events, 1);
    assert_int_equal(parse("sigma", "--rules --json", &a, err, sizeof err), 2);
    assert_non_null(strstr(err, "--rules needs at least one RULE..."));
    /* --from is a team for share and a time for telemetry */
    assert_int_equal(parse("share", "--db x --from nauru --to palau q", &a, err, sizeof err), -1);
    assert_string_equal(a.from_team, "nauru");
    assert_int_equal(parse("telemetry", "--demo-world --from 2h", &a, err, sizeof err), -1);
    assert_int_equal(a.from_ms, 2 * 3600000);
    /* repeated options */
    assert_int_equal(parse("run", "--defender a.yaml --defender b.yaml", &a, err, sizeof err), -1);
    assert_int_equal(a.n_defenders, 2);
    assert_string_equal(a.defenders[1], "b.yaml");
}

static void help_is_generated_from_the_table(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sw_cli_usage(cmd("hunt"), f);
    fclose(f);
    assert_non_null(strstr(buf, "usage: seawall hunt --db FILE --team TEAM [options] 'QUERY'"));
    assert_non_null(strstr(buf, "--now TIME"));
    assert_non_null(strstr(buf, "(required)"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_tables_agree),
        cmocka_unit_test(the_same_mistake_gets_the_same_message),
        cmocka_unit_test(values_land_where_they_belong),
        cmocka_unit_test(help_is_generated_from_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
