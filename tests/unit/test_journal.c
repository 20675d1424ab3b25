/* test_journal.c — journal/journal: appends come back in seq order with every
 * field, filters by team (case-insensitive), kind and seq, bad entries and a
 * failing tx callback write nothing, and the table refuses UPDATE and DELETE
 * whoever sends them. */
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

#include "journal/journal.h"

typedef struct fixture {
    char dir[64];
    char path[96];
    sw_journal_t *j;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sw_journal_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/ex.db", f->dir);
    sw_errbuf_t err;
    if (sw_journal_open(f->path, &f->j, &err))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    sw_journal_close(f->j);
    char p[128];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static int64_t add(fixture_t *f, const char *team, const char *kind, const char *payload,
                   int64_t at_ms)
{
    sw_journal_entry_t e = {.at_ms = at_ms,
                            .wall_ms = 1770714000000 + at_ms,
                            .actor = "alice",
                            .team = team,
                            .kind = kind,
                            .payload = payload};
    sw_errbuf_t err;
    int64_t seq = -1;
    int rc = sw_journal_append(f->j, &e, NULL, NULL, &seq, &err);
    if (rc)
        fail_msg("append %s: %s", kind, err.msg);
    return seq;
}

static int64_t count(fixture_t *f)
{
    int64_t n = -1;
    sw_errbuf_t err;
    assert_int_equal(sw_journal_count(f->j, &n, &err), SW_OK);
    return n;
}

typedef struct seen {
    int n;
    int64_t seq[16];
    char kind[16][32];
    char team[16][32];
    char payload[16][128];
    int64_t at_ms[16], wall_ms[16];
} seen_t;

static int collect(const sw_journal_entry_t *e, void *ud)
{
    seen_t *s = ud;
    if (s->n == 16)
        return 1;
    s->seq[s->n] = e->seq;
    s->at_ms[s->n] = e->at_ms;
    s->wall_ms[s->n] = e->wall_ms;
    snprintf(s->kind[s->n], 32, "%s", e->kind);
    snprintf(s->team[s->n], 32, "%s", e->team);
    snprintf(s->payload[s->n], 128, "%s", e->payload);
    s->n++;
    return 0;
}

static void list(fixture_t *f, const char *team, const char *kind, int64_t after, seen_t *s)
{
    memset(s, 0, sizeof *s);
    sw_journal_filter_t flt = {team, kind, after};
    sw_errbuf_t err;
    assert_int_equal(sw_journal_list(f->j, &flt, collect, s, &err), SW_OK);
}

static void test_order_and_fields(void **state)
{
    fixture_t *f = *state;
    int64_t a = add(f, "palau", "rule.deploy", "{\"rule_id\":\"r1\"}", 60000);
    int64_t b = add(f, "nauru", "rule.deploy", "{\"rule_id\":\"r2\"}", 120000);
    int64_t c = add(f, "palau", "rule.withdraw", "{\"rule_id\":\"r1\",\"deployment\":1}",
                    SW_JOURNAL_NO_TIME);
    assert_true(a > 0 && b > a && c > b);
    assert_int_equal(count(f), 3);

    seen_t s;
    list(f, NULL, NULL, 0, &s);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.seq[0], a);
    assert_int_equal(s.seq[2], c);
    assert_string_equal(s.kind[1], "rule.deploy");
    assert_string_equal(s.team[1], "nauru");
    assert_string_equal(s.payload[0], "{\"rule_id\":\"r1\"}");
    assert_int_equal(s.at_ms[0], 60000);
    assert_int_equal(s.wall_ms[1], 1770714000000 + 120000);
    assert_true(s.at_ms[2] == SW_JOURNAL_NO_TIME);

    list(f, "PALAU", NULL, 0, &s); /* team names are case-insensitive */
    assert_int_equal(s.n, 2);
    assert_int_equal(s.seq[0], a);
    assert_int_equal(s.seq[1], c);
    list(f, NULL, "rule.deploy", 0, &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.team[1], "nauru");
    list(f, "palau", "rule.deploy", 0, &s);
    assert_int_equal(s.n, 1);
    list(f, NULL, NULL, a, &s);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.seq[0], b);
}

static void test_bad_entries_write_nothing(void **state)
{
    fixture_t *f = *state;
    add(f, "palau", "rule.deploy", "{}", 0);
    sw_errbuf_t err;
    const char *kinds[] = {"", "Rule.Deploy", "rule deploy", NULL};
    for (int i = 0; kinds[i]; i++) {
        sw_journal_entry_t e = {0, 0, 0, "alice", "palau", kinds[i], "{}"};
        assert_int_equal(sw_journal_append(f->j, &e, NULL, NULL, NULL, &err), SW_EINVAL);
        assert_non_null(strstr(err.msg, "kind"));
    }
    const char *payloads[] = {"", "[1,2]", "{\"a\":", "\"text\"", "{\"a\":1,\"a\":2}", NULL};
    for (int i = 0; payloads[i]; i++) {
        sw_journal_entry_t e = {0, 0, 0, "alice", "palau", "x", payloads[i]};
        assert_int_equal(sw_journal_append(f->j, &e, NULL, NULL, NULL, &err), SW_EINVAL);
        assert_non_null(strstr(err.msg, "payload"));
    }
    sw_journal_entry_t e = {0, 0, 0, "", "palau", "x", "{}"};
    assert_int_equal(sw_journal_append(f->j, &e, NULL, NULL, NULL, &err), SW_EINVAL);
    assert_int_equal(count(f), 1);
}

static int failing_tx(struct sqlite3 *db, int64_t seq, void *ud, sw_errbuf_t *err)
{
    (void)db;
    *(int64_t *)ud = seq;
    return sw_seterr(err, SW_EEXIST, "derived state refused");
}

static void test_failing_tx_rolls_back(void **state)
{
    fixture_t *f = *state;
    int64_t first = add(f, "palau", "a", "{}", 0);
    int64_t seen_seq = 0;
    sw_journal_entry_t e = {0, 0, 0, "alice", "palau", "b", "{}"};
    sw_errbuf_t err;
    int64_t seq = -1;
    assert_int_equal(sw_journal_append(f->j, &e, failing_tx, &seen_seq, &seq, &err), SW_EEXIST);
    assert_string_equal(err.msg, "derived state refused");
    assert_int_equal(seen_seq, first + 1); /* the callback saw the entry's seq ... */
    assert_int_equal(seq, -1);             /* ... but the caller gets none */
    assert_int_equal(count(f), 1);
    seen_t s;
    list(f, NULL, "b", 0, &s);
    assert_int_equal(s.n, 0);
    assert_true(add(f, "palau", "c", "{}", 0) > first);
}

static void test_append_only(void **state)
{
    fixture_t *f = *state;
    add(f, "palau", "rule.deploy", "{\"rule_id\":\"r1\"}", 0);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char *msg = NULL;
    assert_int_not_equal(sqlite3_exec(db, "UPDATE journal SET kind = 'x'", NULL, NULL, &msg),
                         SQLITE_OK);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    msg = NULL;
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM journal", NULL, NULL, &msg), SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
    seen_t s;
    list(f, NULL, NULL, 0, &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.kind[0], "rule.deploy");
}

static void test_reopen_keeps_entries(void **state)
{
    fixture_t *f = *state;
    int64_t a = add(f, "palau", "x", "{}", 0);
    sw_journal_close(f->j);
    sw_errbuf_t err;
    assert_int_equal(sw_journal_open(f->path, &f->j, &err), SW_OK);
    assert_int_equal(count(f), 1);
    assert_true(add(f, "palau", "y", "{}", 0) == a + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_and_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_entries_write_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_tx_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_entries, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
