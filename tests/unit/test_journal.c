/* test_journal.c — journal/journal: appends come back in seq order with every
 * field, filters by team (case-insensitive), kind and seq, bad entries and a
 * failing tx callback write nothing, and the table refuses UPDATE and DELETE
 * whoever sends them. The hash chain: each entry's hash is the documented
 * BLAKE2b over its predecessor's and its fields; sw_journal_verify names the
 * first entry edited, deleted, inserted, hidden (seq 0) or back-dated by
 * someone writing the file with the triggers dropped, and a noted head
 * catches a rewritten chain; a journal from before the chain is refused
 * until sw_journal_upgrade seals it. */
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

/* Run sql on the fixture's file through a connection of its own, as someone
 * editing the file would. */
static void tamper(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

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

static void verify(fixture_t *f, const uint8_t *noted, sw_journal_check_t *ck)
{
    sw_errbuf_t err;
    assert_int_equal(sw_journal_verify(f->j, noted, ck, &err), SW_OK);
}

/* Three entries, the journal verified intact: ck->head is entry 3's hash. */
static void three(fixture_t *f, sw_journal_check_t *ck)
{
    add(f, "palau", "rule.deploy", "{\"rule_id\":\"r1\"}", 60000);
    add(f, "nauru", "rule.deploy", "{\"rule_id\":\"r2\"}", 120000);
    add(f, "palau", "rule.withdraw", "{\"rule_id\":\"r1\"}", 180000);
    verify(f, NULL, ck);
    assert_true(ck->intact);
    assert_int_equal(ck->n_entries, 3);
    assert_int_equal(ck->head_seq, 3);
}

/* The first bad entry is seq, for why; the entries up to intact_to hold. */
static void expect_bad(fixture_t *f, int64_t seq, const char *why, int64_t intact_to)
{
    sw_journal_check_t ck;
    verify(f, NULL, &ck);
    if (ck.intact)
        fail_msg("tampering not found (wanted entry %lld: %s)", (long long)seq, why);
    if (ck.bad_seq != seq || !strstr(ck.why, why))
        fail_msg("entry %lld: %s; wanted entry %lld: %s", (long long)ck.bad_seq, ck.why,
                 (long long)seq, why);
    assert_int_equal(ck.head_seq, intact_to);
}

static void test_chain_is_the_documented_hash(void **state)
{
    fixture_t *f = *state;
    sw_journal_check_t ck;
    three(f, &ck);
    uint8_t h[SW_JOURNAL_HASH_LEN] = {0};
    int64_t at[] = {60000, 120000, 180000};
    const char *team[] = {"palau", "nauru", "palau"};
    const char *kind[] = {"rule.deploy", "rule.deploy", "rule.withdraw"};
    const char *payload[] = {"{\"rule_id\":\"r1\"}", "{\"rule_id\":\"r2\"}",
                             "{\"rule_id\":\"r1\"}"};
    for (int i = 0; i < 3; i++) {
        sw_journal_entry_t e = {i + 1,   at[i],     1770714000000 + at[i], "alice", team[i],
                                kind[i], payload[i]};
        uint8_t prev[SW_JOURNAL_HASH_LEN];
        memcpy(prev, h, sizeof h);
        sw_journal_entry_hash(prev, &e, h);
    }
    assert_memory_equal(ck.head, h, sizeof h);
    /* a field changes the hash: the at_ms presence byte included */
    sw_journal_entry_t e = {1, SW_JOURNAL_NO_TIME, 0, "alice", "", "x", "{}"};
    uint8_t zero[SW_JOURNAL_HASH_LEN] = {0}, a[SW_JOURNAL_HASH_LEN], b[SW_JOURNAL_HASH_LEN];
    sw_journal_entry_hash(zero, &e, a);
    e.at_ms = 0;
    sw_journal_entry_hash(zero, &e, b);
    assert_memory_not_equal(a, b, sizeof a);
    /* the noted head is found; another is not */
    verify(f, h, &ck);
    assert_int_equal(ck.noted_seq, 3);
    h[0] ^= 1;
    verify(f, h, &ck);
    assert_int_equal(ck.noted_seq, 0);
}

static void test_empty_journal_verifies(void **state)
{
    fixture_t *f = *state;
    sw_journal_check_t ck;
    verify(f, NULL, &ck);
    assert_true(ck.intact);
    assert_int_equal(ck.n_entries, 0);
    assert_int_equal(ck.head_seq, 0);
}

/* Wall times are kept as given (a replay reads them); a little out of
 * order is two writers or a clock stepped back, an hour is back-dating. */
static void test_wall_time_slack(void **state)
{
    fixture_t *f = *state;
    add(f, "palau", "a", "{}", 600000);
    add(f, "palau", "b", "{}", 540000); /* a minute before: within the slack */
    add(f, "palau", "c", "{}", 660000);
    add(f, "palau", "d", "{}", 400000); /* 4m20s before c: still within it */
    seen_t s;
    list(f, NULL, NULL, 0, &s);
    assert_int_equal(s.wall_ms[1], 1770714000000 + 540000); /* stored as given */
    sw_journal_check_t ck;
    verify(f, NULL, &ck);
    assert_true(ck.intact);
    add(f, "palau", "e", "{}", 660000 - 3600000); /* an hour before c */
    expect_bad(f, 5, "back-dated", 4);
}

/* Tampering through SQL, with the triggers dropped where needed: the first
 * bad entry, what is said about it, and the entries still intact. */
static const struct {
    const char *sql;
    int64_t bad_seq;
    const char *why;
    int64_t intact_to;
} tamperings[] = {
    {"DROP TRIGGER journal_no_update;"
     "UPDATE journal SET payload = '{\"rule_id\":\"r9\"}' WHERE seq = 2",
     2, "do not match its hash", 1},
    {"DROP TRIGGER journal_no_update; UPDATE journal SET team = 'PALAU' WHERE seq = 3", 3,
     "do not match its hash", 2},
    {"DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 2", 3, "entry 2 is missing",
     1},
    {"DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 1;"
     "UPDATE sqlite_sequence SET seq = 2 WHERE name = 'journal'",
     2, "entry 1 is missing", 0},
    /* entry 2 replaced by a copy of entry 1's chain fields with other content */
    {"DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 2;"
     "INSERT INTO journal(seq, at_ms, wall_ms, actor, team, kind, payload, prev, hash)"
     " SELECT 2, at_ms, wall_ms, 'mallory', team, kind, payload, prev, hash"
     " FROM journal WHERE seq = 1",
     2, "not chained to the entry before it", 1},
    {"INSERT INTO journal(seq, at_ms, wall_ms, actor, team, kind, payload)"
     " SELECT 4, at_ms, wall_ms, actor, team, kind, payload FROM journal WHERE seq = 3",
     4, "not chained to the entry before it", 3},
};

static void test_verify_finds_each_tampering(void **state)
{
    for (size_t i = 0; i < sizeof tamperings / sizeof tamperings[0]; i++) {
        fixture_t *f = *state;
        sw_journal_check_t ck;
        three(f, &ck);
        tamper(f->path, tamperings[i].sql);
        print_message("tampering %zu: %s\n", i, tamperings[i].why);
        expect_bad(f, tamperings[i].bad_seq, tamperings[i].why, tamperings[i].intact_to);
        teardown(state); /* a fresh journal for the next */
        assert_int_equal(setup(state), 0);
    }
}

static void test_verify_finds_a_hidden_entry(void **state)
{
    fixture_t *f = *state;
    sw_journal_check_t ck;
    three(f, &ck);
    tamper(f->path, "INSERT INTO journal(seq, wall_ms, actor, team, kind, payload)"
                    " VALUES (0, 0, 'mallory', 'palau', 'rule.deploy', '{}')");
    seen_t s;
    list(f, NULL, NULL, 0, &s);
    assert_int_equal(s.n, 3);                     /* listings skip it ... */
    expect_bad(f, 0, "seq must be 1 or more", 0); /* ... verification does not */
    verify(f, NULL, &ck);
    assert_int_equal(ck.n_entries, 4);
}

/* A forger who knows the format: a last entry with a valid hash, dated
 * before the entry it follows. */
static void test_verify_finds_a_backdated_entry(void **state)
{
    fixture_t *f = *state;
    sw_journal_check_t ck;
    three(f, &ck);
    sw_journal_entry_t e = {4, 0, 1770714000000 - 3600000, "mallory", "palau", "rule.deploy", "{}"};
    uint8_t h[SW_JOURNAL_HASH_LEN];
    sw_journal_entry_hash(ck.head, &e, h);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO journal(seq, at_ms, wall_ms, actor, team,"
                                        " kind, payload, prev, hash) VALUES (4, 0, ?, 'mallory',"
                                        " 'palau', 'rule.deploy', '{}', ?, ?)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, e.wall_ms);
    sqlite3_bind_blob(st, 2, ck.head, SW_JOURNAL_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, h, SW_JOURNAL_HASH_LEN, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    expect_bad(f, 4, "back-dated", 3);
}

/* A tail cut off leaves a chain that holds; the noted head and the next
 * append's seq show it. */
static void test_cut_tail_found_by_head_and_gap(void **state)
{
    fixture_t *f = *state;
    sw_journal_check_t ck;
    three(f, &ck);
    uint8_t noted[SW_JOURNAL_HASH_LEN];
    memcpy(noted, ck.head, sizeof noted);
    tamper(f->path, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 3");
    verify(f, noted, &ck);
    assert_true(ck.intact);
    assert_int_equal(ck.noted_seq, 0); /* the head noted is gone */
    assert_int_equal(add(f, "palau", "c", "{}", 0), 4);
    expect_bad(f, 4, "entry 3 is missing", 2);
}

/* Replace the fixture's journal with a table of the shape before the hash
 * chain, holding what rows (SQL after the CREATE; may be "") inserts. */
static void old_journal(fixture_t *f, const char *rows)
{
    sw_journal_close(f->j);
    f->j = NULL;
    unlink(f->path);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE TABLE journal(seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER,"
             " wall_ms INTEGER NOT NULL, actor TEXT NOT NULL, team TEXT NOT NULL COLLATE"
             " NOCASE, kind TEXT NOT NULL, payload TEXT NOT NULL);%s",
             rows);
    tamper(f->path, sql);
}

static void test_old_journal_refused_then_upgraded(void **state)
{
    fixture_t *f = *state;
    old_journal(f, "INSERT INTO journal(at_ms, wall_ms, actor, team, kind, payload) VALUES"
                   " (NULL, 1, 'alice', 'palau', 'rule.deploy', '{}'),"
                   " (5, 2, 'alice', 'palau', 'rule.withdraw', '{}')");
    sw_errbuf_t err;
    assert_int_equal(sw_journal_open(f->path, &f->j, &err), SW_ESTATE);
    assert_null(f->j);
    assert_non_null(strstr(err.msg, "2 entries"));
    assert_non_null(strstr(err.msg, "--upgrade"));
    int64_t n = -1;
    assert_int_equal(sw_journal_upgrade(f->path, "op1", 3, &n, &err), SW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sw_journal_open(f->path, &f->j, &err), SW_OK);
    sw_journal_check_t ck;
    verify(f, NULL, &ck);
    assert_true(ck.intact);
    assert_int_equal(ck.n_entries, 3);
    seen_t s;
    list(f, NULL, "journal.chain", 0, &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.seq[0], 3);
    assert_non_null(strstr(s.payload[0], "\"chained\":2"));
    /* the triggers are back, and a second upgrade does nothing */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE journal SET actor = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(sw_journal_upgrade(f->path, "op1", 4, &n, &err), SW_OK);
    assert_int_equal(n, 0);
    assert_int_equal(count(f), 3);
}

static void test_old_empty_journal_upgraded_on_open(void **state)
{
    fixture_t *f = *state;
    old_journal(f, "");
    sw_errbuf_t err;
    assert_int_equal(sw_journal_open(f->path, &f->j, &err), SW_OK);
    add(f, "palau", "a", "{}", 0);
    sw_journal_check_t ck;
    verify(f, NULL, &ck);
    assert_true(ck.intact);
    assert_int_equal(ck.n_entries, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_and_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_entries_write_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_tx_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chain_is_the_documented_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_journal_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wall_time_slack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_finds_each_tampering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_finds_a_hidden_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_finds_a_backdated_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cut_tail_found_by_head_and_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_journal_refused_then_upgraded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_empty_journal_upgraded_on_open, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
