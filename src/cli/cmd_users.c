/* cmd_users.c — `seawall users`: an exercise's accounts from the shell
 * (store/accounts.h), for the administrator preparing a room: one account,
 * or fifty from a CSV, each with a one-time password printed once. Teams
 * are checked against the exercise in the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/commands.h"
#include "alerts/sigma_load.h"
#include "exercise/exercise.h"
#include "exercise/roster.h"
#include "store/accounts.h"

static int open_accounts(const sw_cli_t *a, sw_accounts_t **acc, sw_exercise_info_t *info)
{
    sw_errbuf_t err;
    const char *db = a->db ? a->db : SW_EXERCISE_DEFAULT_DB;
    if (sw_exercise_read_info(db, info, &err)) {
        fprintf(stderr, "seawall %s: %s (create the exercise first: seawall serve or play)\n",
                a->cmd, err.msg);
        return 1;
    }
    if (sw_accounts_open(db, acc, &err)) {
        fprintf(stderr, "seawall %s: %s\n", a->cmd, err.msg);
        return 1;
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cmd_users_add(sw_cli_t *a)
{
    sw_accounts_t *acc;
    sw_exercise_info_t info;
    if (open_accounts(a, &acc, &info))
        return 1;
    char pw[SW_ROSTER_PASSWORD_LEN + 1];
    sw_errbuf_t err;
    int rc = sw_roster_add(acc, &info, a->args[0], a->role, a->team, NULL, now_ms(), pw, &err);
    sw_accounts_close(acc);
    if (rc) {
        fprintf(stderr, "seawall users add: %s\n", err.msg);
        return 1;
    }
    printf("%s: one-time password %s (shown once; they choose their own at first login)\n",
           a->args[0], pw);
    return 0;
}

static int print_one(const sw_account_info_t *in, void *ud)
{
    const sw_cli_t *a = ud;
    if (a->json)
        printf("{\"user\":\"%s\",\"role\":\"%s\",\"team\":\"%s\",\"disabled\":%s}\n", in->name,
               sw_account_role_names[in->role], in->team, in->disabled ? "true" : "false");
    else
        printf("%-24s %-10s %-12s%s%s\n", in->name, sw_account_role_names[in->role],
               *in->team ? in->team : "-", in->disabled ? " disabled" : "",
               in->must_change ? " (one-time password)" : "");
    return 0;
}

int cmd_users_list(sw_cli_t *a)
{
    sw_accounts_t *acc;
    sw_exercise_info_t info;
    if (open_accounts(a, &acc, &info))
        return 1;
    sw_errbuf_t err;
    int rc = sw_accounts_list(acc, print_one, a, &err);
    sw_accounts_close(acc);
    if (rc)
        fprintf(stderr, "seawall users list: %s\n", err.msg);
    return rc ? 1 : 0;
}

static int set_disabled(sw_cli_t *a, int on)
{
    sw_accounts_t *acc;
    sw_exercise_info_t info;
    if (open_accounts(a, &acc, &info))
        return 1;
    sw_errbuf_t err;
    int rc = sw_accounts_set_disabled(acc, a->args[0], on, &err);
    sw_accounts_close(acc);
    if (rc) {
        fprintf(stderr, "seawall %s: %s\n", a->cmd, err.msg);
        return 1;
    }
    printf("%s %s\n", a->args[0], on ? "disabled (its sessions ended)" : "enabled");
    return 0;
}

int cmd_users_disable(sw_cli_t *a)
{
    return set_disabled(a, 1);
}

int cmd_users_enable(sw_cli_t *a)
{
    return set_disabled(a, 0);
}

int cmd_users_passwd(sw_cli_t *a)
{
    sw_accounts_t *acc;
    sw_exercise_info_t info;
    if (open_accounts(a, &acc, &info))
        return 1;
    char pw[SW_ROSTER_PASSWORD_LEN + 1];
    sw_accounts_random_password(pw, SW_ROSTER_PASSWORD_LEN);
    sw_errbuf_t err;
    int rc = sw_accounts_set_password(acc, a->args[0], pw, 1, &err);
    sw_accounts_close(acc);
    if (rc) {
        fprintf(stderr, "seawall users passwd: %s\n", err.msg);
        return 1;
    }
    printf("%s: one-time password %s (shown once; its sessions ended)\n", a->args[0], pw);
    return 0;
}

static void print_made(const sw_roster_made_t *m, void *ud)
{
    printf("%s,%s,%s,%s\n", m->name, m->role, m->team, m->password);
    ++*(int *)ud;
}

int cmd_users_import(sw_cli_t *a)
{
    char *text = NULL;
    size_t len = 0;
    sw_errbuf_t err;
    if (sw_read_file(a->args[0], (size_t)1 << 20, &text, &len, &err)) {
        fprintf(stderr, "seawall users import: %s\n", err.msg);
        return 1;
    }
    sw_accounts_t *acc;
    sw_exercise_info_t info;
    if (open_accounts(a, &acc, &info)) {
        free(text);
        return 1;
    }
    sw_diags_t d;
    sw_diags_init(&d);
    int made = 0;
    printf("name,role,team,password\n");
    int rc =
        sw_roster_import(acc, &info, a->args[0], text, len, now_ms(), print_made, &made, &d, &err);
    sw_accounts_close(acc);
    free(text);
    sw_diags_print(&d, stderr);
    sw_diags_free(&d);
    if (rc) {
        fprintf(stderr, "seawall users import: %s\n", err.msg);
        return 1;
    }
    fprintf(stderr,
            "seawall users import: %d account%s added (one-time passwords above, shown once)\n",
            made, made == 1 ? "" : "s");
    return 0;
}
