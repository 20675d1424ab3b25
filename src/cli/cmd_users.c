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
#include "cli/sigma_load.h"
#include "exercise/exercise.h"
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

/* Add one; prints the refusal (prefixed) or fills pw. */
static int add_one(sw_accounts_t *acc, const sw_exercise_info_t *info, const char *name,
                   const char *role, const char *team, char *pw, sw_errbuf_t *err)
{
    int ri = -1;
    for (int i = 0; i < SW_ACCT__COUNT && role; i++)
        if (!strcmp(role, sw_account_role_names[i]))
            ri = i;
    if (ri < 0)
        return sw_seterr(err, SW_EINVAL, "role '%s' is not admin, instructor, player or observer",
                         role ? role : "");
    if (team && *team) {
        int known = 0;
        for (uint32_t t = 0; t < info->n_teams && !known; t++)
            known = !strcasecmp(info->teams[t].id, team) &&
                    info->teams[t].observer == (ri == SW_ACCT_OBSERVER);
        if (!known)
            return sw_seterr(err, SW_EINVAL, "no %s '%s' in this exercise",
                             ri == SW_ACCT_OBSERVER ? "observer delegation" : "team", team);
    }
    sw_accounts_random_password(pw, 12);
    return sw_accounts_add(acc, name, (sw_account_role_t)ri, team, pw, 1, now_ms(), err);
}

int cmd_users_add(sw_cli_t *a)
{
    sw_accounts_t *acc;
    sw_exercise_info_t info;
    if (open_accounts(a, &acc, &info))
        return 1;
    char pw[32];
    sw_errbuf_t err;
    int rc = add_one(acc, &info, a->args[0], a->role, a->team, pw, &err);
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
    char pw[32];
    sw_accounts_random_password(pw, 12);
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
    int line = 0, bad = 0, made = 0;
    printf("name,role,team,password\n");
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        size_t n = strlen(l);
        if (n && l[n - 1] == '\r')
            l[--n] = '\0';
        if (!n || l[0] == '#' || (line == 1 && !strncasecmp(l, "name,", 5)))
            continue;
        char *role = strchr(l, ','), *team = role ? strchr(role + 1, ',') : NULL;
        if (role)
            *role++ = '\0';
        if (team)
            *team++ = '\0';
        char pw[32];
        if (!role) {
            fprintf(stderr, "%s:%d: expected name,role,team\n", a->args[0], line);
            bad++;
            continue;
        }
        if (add_one(acc, &info, l, role, team, pw, &err)) {
            fprintf(stderr, "%s:%d: %s\n", a->args[0], line, err.msg);
            bad++;
            continue;
        }
        printf("%s,%s,%s,%s\n", l, role, team ? team : "", pw);
        made++;
    }
    sw_accounts_close(acc);
    free(text);
    fprintf(stderr, "seawall users import: %d account%s added, %d line%s refused\n", made,
            made == 1 ? "" : "s", bad, bad == 1 ? "" : "s");
    return bad ? 1 : 0;
}
