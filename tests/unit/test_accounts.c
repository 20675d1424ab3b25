/* test_accounts.c — store/accounts and exercise/roster: passwords are
 * verified and kept only as Argon2id hashes, sessions only as hashes of
 * their tokens and they end (expiry, disable, new password); adding is all
 * or nothing; a roster's role and team are checked against the exercise,
 * and a CSV import with any bad line adds nobody and names the line and
 * column, one with none adds everyone with a one-time password. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "exercise/roster.h"
#include "store/accounts.h"

typedef struct fixture {
    char dir[64], path[96];
    sw_accounts_t *a;
    sw_exercise_info_t info;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sw_accounts_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/ex.db", f->dir);
    sw_errbuf_t err;
    if (sw_accounts_open(f->path, &f->a, &err))
        return -1;
    static const char *const teams[] = {"palau", "fsm", "fiji"};
    f->info.n_teams = 3;
    for (int i = 0; i < 3; i++) {
        snprintf(f->info.teams[i].id, sizeof f->info.teams[i].id, "%s", teams[i]);
        f->info.teams[i].observer = i == 2;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    sw_accounts_close(f->a);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static int count(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int n = -1;
    sqlite3_open(path, &db);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void test_passwords(void **state)
{
    fixture_t *f = *state;
    sw_errbuf_t err;
    sw_account_info_t in;
    assert_int_equal(sw_accounts_add(f->a, "Ana", SW_ACCT_PLAYER, "palau", "correct horse", 0, 1,
                                     &err),
                     SW_OK);
    assert_int_equal(sw_accounts_verify(f->a, "ana", "correct horse", &in, &err), SW_OK);
    assert_string_equal(in.name, "Ana"); /* names compare without case */
    assert_string_equal(in.team, "palau");
    assert_int_equal(in.role, SW_ACCT_PLAYER);
    /* a wrong password and an unknown name: the same answer */
    assert_int_equal(sw_accounts_verify(f->a, "ana", "correct horsE", &in, &err), SW_ENOENT);
    char msg[sizeof err.msg];
    memcpy(msg, err.msg, sizeof msg);
    assert_int_equal(sw_accounts_verify(f->a, "nobody", "correct horse", &in, &err), SW_ENOENT);
    assert_string_equal(err.msg, msg);
    /* only the hash is kept */
    assert_int_equal(count(f->path, "SELECT count(*) FROM accounts WHERE hash LIKE '$argon2id$%'"),
                     1);
    assert_int_equal(count(f->path, "SELECT count(*) FROM accounts WHERE hash LIKE "
                                    "'%correct horse%'"),
                     0);
    assert_int_equal(
        sw_accounts_add(f->a, "ANA", SW_ACCT_PLAYER, "palau", "another password", 0, 1, &err),
        SW_EEXIST);
    assert_int_equal(sw_accounts_add(f->a, "bo b", SW_ACCT_PLAYER, "palau", "long enough!", 0, 1,
                                     &err),
                     SW_EINVAL);
    assert_int_equal(sw_accounts_add(f->a, "bob", SW_ACCT_PLAYER, "palau", "short", 0, 1, &err),
                     SW_EINVAL);
    assert_non_null(strstr(err.msg, "10"));
    assert_int_equal(sw_accounts_add(f->a, "bob", SW_ACCT_PLAYER, "", "long enough!", 0, 1, &err),
                     SW_EINVAL); /* a player has a team */
    assert_int_equal(
        sw_accounts_add(f->a, "bob", SW_ACCT_INSTRUCTOR, "palau", "long enough!", 0, 1, &err),
        SW_EINVAL); /* the white cell has none */
}

static void test_sessions(void **state)
{
    fixture_t *f = *state;
    sw_errbuf_t err;
    sw_account_info_t in;
    char tok[SW_SESSION_TOKEN_LEN + 1], csrf[SW_SESSION_TOKEN_LEN + 1],
        got[SW_SESSION_TOKEN_LEN + 1];
    assert_int_equal(
        sw_accounts_add(f->a, "ina", SW_ACCT_INSTRUCTOR, NULL, "white cell 1", 0, 1, &err), SW_OK);
    assert_int_equal(sw_sessions_create(f->a, "ina", 1000, 60000, tok, csrf, &err), SW_OK);
    assert_int_equal(strlen(tok), SW_SESSION_TOKEN_LEN);
    assert_string_not_equal(tok, csrf);
    assert_int_equal(sw_sessions_lookup(f->a, tok, 2000, &in, got, &err), SW_OK);
    assert_string_equal(in.name, "ina");
    assert_string_equal(got, csrf);
    /* the token itself is nowhere in the database */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'", tok);
    assert_int_equal(count(f->path, sql), 0);
    assert_int_equal(count(f->path, "SELECT count(*) FROM sessions"), 1);
    /* expiry */
    assert_int_equal(sw_sessions_lookup(f->a, tok, 61001, &in, got, &err), SW_ENOENT);
    /* a forged token of the right length */
    char forged[SW_SESSION_TOKEN_LEN + 1];
    memcpy(forged, tok, sizeof forged);
    forged[0] = forged[0] == 'A' ? 'B' : 'A';
    assert_int_equal(sw_sessions_lookup(f->a, forged, 2000, &in, got, &err), SW_ENOENT);
    /* disabling ends the sessions at once; a new password too */
    assert_int_equal(sw_sessions_create(f->a, "ina", 1000, 60000, tok, csrf, &err), SW_OK);
    assert_int_equal(sw_accounts_set_disabled(f->a, "ina", 1, &err), SW_OK);
    assert_int_equal(sw_sessions_lookup(f->a, tok, 2000, &in, got, &err), SW_ENOENT);
    assert_int_equal(sw_accounts_verify(f->a, "ina", "white cell 1", &in, &err), SW_ESTATE);
    assert_int_equal(sw_accounts_set_disabled(f->a, "ina", 0, &err), SW_OK);
    assert_int_equal(sw_sessions_create(f->a, "ina", 1000, 60000, tok, csrf, &err), SW_OK);
    assert_int_equal(sw_accounts_set_password(f->a, "ina", "white cell 2", 0, &err), SW_OK);
    assert_int_equal(sw_sessions_lookup(f->a, tok, 2000, &in, got, &err), SW_ENOENT);
    assert_int_equal(sw_accounts_verify(f->a, "ina", "white cell 1", &in, &err), SW_ENOENT);
    assert_int_equal(sw_accounts_verify(f->a, "ina", "white cell 2", &in, &err), SW_OK);
}

static void test_add_all_or_none(void **state)
{
    fixture_t *f = *state;
    sw_errbuf_t err;
    sw_account_new_t v[3] = {{"a1", SW_ACCT_PLAYER, "palau", "password one", 1},
                             {"a2", SW_ACCT_PLAYER, "palau", "password two", 1},
                             {"a1", SW_ACCT_PLAYER, "fsm", "password three", 1}};
    size_t bad = 99;
    assert_int_equal(sw_accounts_add_all(f->a, v, 3, 1, &bad, &err), SW_EEXIST);
    assert_int_equal(bad, 2);
    int64_t n = -1;
    assert_int_equal(sw_accounts_count(f->a, &n, &err), SW_OK);
    assert_int_equal(n, 0);
    assert_int_equal(sw_accounts_add_all(f->a, v, 2, 1, &bad, &err), SW_OK);
    assert_int_equal(sw_accounts_count(f->a, &n, &err), SW_OK);
    assert_int_equal(n, 2);
}

static void test_roster_check(void **state)
{
    fixture_t *f = *state;
    sw_errbuf_t err;
    sw_account_role_t r;
    char team[SW_ACCOUNT_MAX_NAME + 1];
    assert_int_equal(sw_roster_check(&f->info, "player", "PALAU", &r, team, &err), SW_OK);
    assert_string_equal(team, "palau"); /* the exercise's spelling */
    assert_int_equal(sw_roster_check(&f->info, "player", "fiji", &r, team, &err), SW_EINVAL);
    assert_int_equal(sw_roster_check(&f->info, "observer", "fiji", &r, team, &err), SW_OK);
    assert_int_equal(sw_roster_check(&f->info, "observer", "palau", &r, team, &err), SW_EINVAL);
    assert_int_equal(sw_roster_check(&f->info, "player", "atlantis", &r, team, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "palau, fsm")); /* says what there is */
    assert_int_equal(sw_roster_check(&f->info, "captain", "", &r, team, &err), SW_EINVAL);
    assert_int_equal(sw_roster_check(&f->info, "instructor", "palau", &r, team, &err), SW_EINVAL);
    char pw[SW_ROSTER_PASSWORD_LEN + 1];
    assert_int_equal(sw_roster_add(f->a, &f->info, "kai", "player", "fsm", NULL, 1, pw, &err),
                     SW_OK);
    assert_int_equal(strlen(pw), SW_ROSTER_PASSWORD_LEN);
    sw_account_info_t in;
    assert_int_equal(sw_accounts_verify(f->a, "kai", pw, &in, &err), SW_OK);
    assert_true(in.must_change); /* a one-time password */
    assert_int_equal(
        sw_roster_add(f->a, &f->info, "lea", "player", "fsm", "her own pass", 1, pw, &err), SW_OK);
    assert_string_equal(pw, "");
    assert_int_equal(sw_accounts_verify(f->a, "lea", "her own pass", &in, &err), SW_OK);
    assert_false(in.must_change);
}

typedef struct made {
    char names[8][32];
    int n;
} made_t;

static void on_made(const sw_roster_made_t *m, void *ud)
{
    made_t *c = ud;
    assert_int_equal(strlen(m->password), SW_ROSTER_PASSWORD_LEN);
    snprintf(c->names[c->n++], 32, "%s:%d", m->name, m->line);
}

static void test_roster_import(void **state)
{
    fixture_t *f = *state;
    sw_errbuf_t err;
    sw_diags_t d;
    made_t m = {.n = 0};
    /* every problem, located; nobody added */
    const char *bad = "name,role,team\n"
                      "ana,player,palau\n"
                      "\n"
                      "# observers\n"
                      "obs,observer,palau\n"
                      "bob,player\n"
                      "x y,player,fsm\n"
                      "eve,player,fsm,extra\n";
    sw_diags_init(&d);
    assert_int_equal(sw_roster_import(f->a, &f->info, "room.csv", bad, strlen(bad), 1, on_made, &m,
                                      &d, &err),
                     SW_EINVAL);
    assert_int_equal(d.n_errors, 4);
    assert_int_equal(d.items[0].loc.line, 5);
    assert_int_equal(d.items[0].loc.col, 5); /* the role */
    assert_string_equal(d.items[0].loc.file, "room.csv");
    assert_int_equal(d.items[1].loc.line, 6);
    assert_int_equal(d.items[2].loc.line, 7);
    assert_int_equal(d.items[3].loc.line, 8);
    assert_int_equal(m.n, 0);
    int64_t n = -1;
    sw_accounts_count(f->a, &n, &err);
    assert_int_equal(n, 0);
    sw_diags_free(&d);
    /* a name already there: refused at its line, nobody added */
    assert_int_equal(
        sw_accounts_add(f->a, "taken", SW_ACCT_PLAYER, "palau", "taken password", 0, 1, &err),
        SW_OK);
    const char *clash = "ana,player,palau\r\ntaken,player,fsm\r\n";
    sw_diags_init(&d);
    assert_int_equal(sw_roster_import(f->a, &f->info, "room.csv", clash, strlen(clash), 1, on_made,
                                      &m, &d, &err),
                     SW_EINVAL);
    assert_int_equal(d.n_errors, 1);
    assert_int_equal(d.items[0].loc.line, 2);
    sw_accounts_count(f->a, &n, &err);
    assert_int_equal(n, 1);
    sw_diags_free(&d);
    /* good: everyone, in order, quotes and spaces dropped */
    const char *good = "name,role,team\n"
                       "ana,player,Palau\n"
                       "\"obs\" , observer , fiji\n"
                       "ina,instructor,\n";
    sw_diags_init(&d);
    assert_int_equal(sw_roster_import(f->a, &f->info, "room.csv", good, strlen(good), 1, on_made,
                                      &m, &d, &err),
                     SW_OK);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.names[0], "ana:2");
    assert_string_equal(m.names[1], "obs:3");
    assert_string_equal(m.names[2], "ina:4");
    sw_account_info_t in;
    assert_int_equal(sw_accounts_get(f->a, "obs", &in, &err), SW_OK);
    assert_int_equal(in.role, SW_ACCT_OBSERVER);
    assert_string_equal(in.team, "fiji");
    sw_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_passwords, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_all_or_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roster_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roster_import, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
