/* cmd_rules.c — a team's Sigma rules in an exercise database, its alerts, and
 * the exercise journal (alerts/deploy.h, journal/journal.h).
 *
 *   seawall rules test     --db F --team T [--json] [--limit N] RULE.yml
 *   seawall rules deploy   --db F --team T [--actor NAME] RULE.yml...
 *   seawall rules withdraw --db F --team T [--actor NAME] RULE_ID
 *   seawall rules list     --db F --team T [--all] [--json]
 *   seawall alerts         --db F --team T [--json]
 *   seawall journal        --db F [--team T] [--kind K] [--json]
 *
 * Everything is checked before anything changes: a rule the engine refuses,
 * an unknown team or rule id, a missing database exit 1 with a message
 * naming the file (and line:column) or the name, and write nothing. Deploying
 * several files deploys all of them or none. Exit status: 0 success, 1 bad
 * input, 2 usage error. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "alerts/deploy.h"
#include "cli/commands.h"
#include "cli/ex_client.h"
#include "cli/rules_files.h"
#include "alerts/sigma_load.h"
#include "cli/sigma_out.h"
#include "cli/term_text.h"
#include "core/text.h"
#include "detect/query.h"
#include "journal/journal.h"
#include "store/evstore.h"

#define RULES_SHOW_DEFAULT 1000 /* matches `rules test` prints unless --limit */

/* The database and the handles a command needs, opened in order. */
typedef struct ctx {
    sw_store_t *s;
    sw_store_team_t *t;
    sw_journal_t *j;
    sw_deploy_t *d;
} ctx_t;

/* Open the store (which must exist), the team if named, the journal and the
 * rule tables. Prints the reason and returns 1 on failure. */
static int ctx_open(ctx_t *c, const sw_cli_t *o, int need_team)
{
    sw_errbuf_t err;
    memset(c, 0, sizeof *c);
    if (access(o->db, F_OK) != 0) {
        fprintf(stderr,
                "seawall %s: %s: no such exercise database (seawall ingest or seawall run "
                "makes one)\n",
                o->cmd, o->db);
        return 1;
    }
    if (sw_store_open(o->db, &c->s, &err)) {
        fprintf(stderr, "seawall %s: %s\n", o->cmd, err.msg);
        return 1;
    }
    if (need_team && !o->team) {
        fprintf(stderr, "seawall %s: --team is required\n", o->cmd);
        return 2;
    }
    if (o->team && sw_store_team_open(c->s, o->team, 0, &c->t, &err)) {
        fprintf(stderr, "seawall %s: %s: %s\n", o->cmd, o->db, err.msg);
        return 1;
    }
    if (sw_journal_open(o->db, &c->j, &err) || sw_deploy_open(o->db, c->j, &c->d, &err)) {
        fprintf(stderr, "seawall %s: %s\n", o->cmd, err.msg);
        return 1;
    }
    return 0;
}

static void ctx_close(ctx_t *c)
{
    sw_deploy_close(c->d);
    sw_journal_close(c->j);
    sw_store_team_close(c->t);
    sw_store_close(c->s);
}

/* FILE:LINE:COL: error: message [reason], as seawall sigma --check -v. */
static void print_refusal(const char *cmd, const char *file, const sw_sigma_error_t *e)
{
    if (e->line)
        sw_term_printf(stderr, "seawall %s: %s:%d:%d: error: %s [%s]\n", cmd, file, e->line, e->col,
                       e->msg, e->reason);
    else
        sw_term_printf(stderr, "seawall %s: %s: error: %s [%s]\n", cmd, file, e->msg, e->reason);
}

static int read_rule(const char *cmd, const char *file, char **text, size_t *len)
{
    sw_errbuf_t err;
    int rc = sw_read_file(file, SW_SIGMA_MAX_RULE_BYTES, text, len, &err);
    if (rc)
        fprintf(stderr, "seawall %s: %s\n", cmd, err.msg);
    return rc ? 1 : 0;
}

/* ---- rules test ------------------------------------------------------------- */

typedef struct test_out {
    FILE *f;
    int json;
    uint64_t shown;
    long limit;
} test_out_t;

static void test_match(const sw_sigma_alert_t *a, int64_t record, const char *json, size_t len,
                       void *ud)
{
    (void)record;
    test_out_t *o = ud;
    if (o->limit >= 0 && o->shown >= (uint64_t)o->limit)
        return;
    o->shown++;
    sw_sigma_print_match(o->f, a, json, len, o->json);
}

int cmd_rules_test(sw_cli_t *o)
{
    ctx_t c = {0};
    char *yaml = NULL, *buf = NULL;
    size_t len = 0, buf_len = 0;
    int status = ctx_open(&c, o, 1);
    if (status || (status = read_rule(o->cmd, o->args[0], &yaml, &len)))
        goto done;
    test_out_t out = {.json = o->json, .limit = o->has_limit ? o->limit : RULES_SHOW_DEFAULT};
    out.f = o->json ? stdout : open_memstream(&buf, &buf_len);
    if (!out.f) {
        status = 1;
        goto done;
    }
    uint64_t n = 0;
    int64_t n_records = 0;
    sw_sigma_error_t e;
    sw_errbuf_t err;
    int rc = sw_deploy_test(c.t, yaml, len, o->args[0], test_match, &out, &n, &e);
    if (out.f != stdout)
        fclose(out.f);
    if (rc) {
        print_refusal(o->cmd, o->args[0], &e);
        status = 1;
        goto done;
    }
    sw_store_count(c.t, &n_records, &err);
    FILE *sum = o->json ? stderr : stdout;
    fprintf(sum, "would have fired %llu time%s on team %s's %lld records (not deployed)\n",
            (unsigned long long)n, n == 1 ? "" : "s", sw_store_team_name(c.t),
            (long long)n_records);
    if (buf)
        fwrite(buf, 1, buf_len, stdout);
    if (out.shown < n)
        fprintf(sum, "... %llu more not shown (--limit)\n", (unsigned long long)(n - out.shown));
done:
    free(buf);
    free(yaml);
    ctx_close(&c);
    return status;
}

/* ---- rules deploy, withdraw, list --------------------------------------------- */

int sw_rules_check_files(char *const *files, int n_files, const char *cmd)
{
    sw_sigma_set_t *set = sw_sigma_set_new(NULL, 0);
    int status = set ? 0 : 1;
    for (int i = 0; !status && i < n_files; i++) {
        char *text = NULL;
        size_t len = 0;
        sw_sigma_error_t e;
        size_t before = sw_sigma_set_count(set);
        if ((status = read_rule(cmd, files[i], &text, &len)))
            break;
        if (sw_sigma_set_add(set, text, len, files[i], &e)) {
            print_refusal(cmd, files[i], &e);
            status = 1;
        } else {
            const char *id = sw_sigma_set_rule(set, before)->id;
            if (!*id) {
                fprintf(stderr,
                        "seawall %s: %s: error: the rule has no id: add a line 'id: "
                        "<UUID>' (withdrawing names it) [no rule id]\n",
                        cmd, files[i]);
                status = 1;
            }
            for (size_t k = 0; !status && k < before; k++)
                if (!strcasecmp(sw_sigma_set_rule(set, k)->id, id)) {
                    sw_term_printf(stderr,
                                   "seawall %s: %s: error: rule id %s is also the id of %s "
                                   "[already deployed]\n",
                                   cmd, files[i], id, sw_sigma_set_rule(set, k)->file);
                    status = 1;
                }
        }
        free(text);
    }
    sw_sigma_set_free(set);
    return status;
}

int cmd_rules_deploy(sw_cli_t *o)
{
    /* every file compiles and has an id before any is deployed */
    if (sw_rules_check_files(o->args, o->n_args, o->cmd))
        return 1;
    json_t **reqs = calloc((size_t)o->n_args, sizeof *reqs);
    if (!reqs) {
        fprintf(stderr, "seawall %s: out of memory\n", o->cmd);
        return 1;
    }
    int i = 0;
    for (; i < o->n_args; i++) {
        char *yaml = NULL;
        size_t len = 0;
        if (read_rule(o->cmd, o->args[i], &yaml, &len))
            break;
        reqs[i] = json_pack("{s:s, s:s, s:s, s:s%}", "op", "deploy", "team", o->team, "file",
                            o->args[i], "yaml", yaml, len);
        free(yaml);
    }
    if (i < o->n_args) {
        while (i-- > 0)
            json_decref(reqs[i]);
        free(reqs);
        return 1;
    }
    size_t done = 0;
    int rc = sw_cli_requests(o, reqs, (size_t)o->n_args, 1, &done, NULL);
    free(reqs);
    if (rc && done > 0 && done < (size_t)o->n_args)
        fprintf(stderr, "seawall %s: the %zu file%s before %s were deployed\n", o->cmd, done,
                done == 1 ? "" : "s", o->args[done]);
    return rc;
}

int cmd_rules_withdraw(sw_cli_t *o)
{
    return sw_cli_request(
        o, json_pack("{s:s, s:s, s:s}", "op", "withdraw", "team", o->team, "rule_id", o->args[0]),
        0, NULL);
}

static void format_ms(int64_t ms, char out[64])
{
    sw_query_format_time(ms, out);
    out[19] = 'Z';
    out[20] = '\0';
}

static int print_rule(const sw_deployed_rule_t *r, void *ud)
{
    const sw_cli_t *o = ud;
    char when[64];
    format_ms(r->wall_ms, when);
    if (o->json) {
        json_t *j =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "deployment",
                      (json_int_t)r->deployment, "status", r->withdrawn ? "withdrawn" : "live",
                      "id", r->rule_id, "title", r->title, "level", r->level, "author", r->author,
                      "from_record", (json_int_t)r->from_record, "deployed_by", r->actor,
                      "deployed_at", when, "file", r->file);
        if (j && r->withdrawn)
            json_object_set_new(j, "withdrawn", json_integer(r->withdrawn));
        char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        if (s)
            puts(s);
        free(s);
        json_decref(j);
        return 0;
    }
    sw_term_printf(stdout, "%lld\t%s\t%s\t%s\t%s\tauthor: %s\tfrom record %lld\t%s by %s\n",
                   (long long)r->deployment, r->withdrawn ? "withdrawn" : "live", r->rule_id,
                   *r->level ? r->level : "-", r->title, *r->author ? r->author : "unknown",
                   (long long)r->from_record, when, r->actor);
    return 0;
}

int cmd_rules_list(sw_cli_t *o)
{
    ctx_t c = {0};
    int status = ctx_open(&c, o, 1);
    sw_errbuf_t err;
    if (!status && sw_deploy_list(c.d, c.t, o->all, print_rule, o, &err)) {
        fprintf(stderr, "seawall rules list: %s\n", err.msg);
        status = 1;
    }
    ctx_close(&c);
    return status;
}

/* ---- alerts ---------------------------------------------------------------------- */

/* Print j as one JSON line, with the JSON text `text` under `key` when it
 * parses; takes j (NULL: out of memory, prints nothing). */
static void put_json_with(json_t *j, const char *key, const char *text)
{
    json_t *v = json_loads(text, 0, NULL);
    if (j && v)
        json_object_set_new(j, key, v);
    else
        json_decref(v);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    if (s)
        puts(s);
    free(s);
    json_decref(j);
}

static int print_alert(const sw_alert_t *a, void *ud)
{
    const sw_cli_t *o = ud;
    if (!o->json) {
        sw_term_printf(stdout, "%s\t%s\t%s\t%s\tauthor: %s\t%s\trecord %lld\t%s%s%s\n",
                       *a->time ? a->time : "-", *a->host ? a->host : "-",
                       *a->level ? a->level : "-", a->title, *a->author ? a->author : "unknown",
                       a->rule_id, (long long)a->record, a->status, *a->assignee ? " " : "",
                       a->assignee);
        return 0;
    }
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}", "alert",
                          (json_int_t)a->id, "time", a->time, "host", a->host, "level", a->level,
                          "title", a->title, "author", a->author, "id", a->rule_id, "deployment",
                          (json_int_t)a->deployment, "record", (json_int_t)a->record, "status",
                          a->status, "assignee", a->assignee, "incident", a->incident);
    put_json_with(j, "event", a->event);
    return 0;
}

int cmd_alerts(sw_cli_t *a)
{
    sw_cli_t o = *a;
    if (access(o.db, F_OK) == 0 && !(o.team = sw_cli_read_team(a)))
        return 1;
    ctx_t c = {0};
    int status = ctx_open(&c, &o, 1);
    sw_errbuf_t err;
    int64_t n = 0;
    if (!status && (sw_alerts_list(c.d, c.t, 0, print_alert, &o, &err) ||
                    sw_alerts_count(c.d, c.t, &n, &err))) {
        fprintf(stderr, "seawall alerts: %s\n", err.msg);
        status = 1;
    }
    if (!status && !o.json)
        fprintf(stderr, "%lld alert%s\n", (long long)n, n == 1 ? "" : "s");
    ctx_close(&c);
    return status;
}

/* ---- journal ---------------------------------------------------------------------- */

static int print_entry(const sw_journal_entry_t *e, void *ud)
{
    const sw_cli_t *o = ud;
    char when[64];
    format_ms(e->wall_ms, when);
    if (o->json) {
        json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)e->seq, "wall", when,
                              "actor", e->actor, "team", e->team, "kind", e->kind);
        if (j && e->at_ms != SW_JOURNAL_NO_TIME)
            json_object_set_new(j, "at_ms", json_integer(e->at_ms));
        put_json_with(j, "payload", e->payload);
        return 0;
    }
    /* the payload without long texts (a rule's, a defender's, the scenario's files) */
    json_t *p = json_loads(e->payload, 0, NULL);
    static const char *const long_keys[] = {"yaml", "text", "files"};
    for (size_t i = 0; p && i < sizeof long_keys / sizeof long_keys[0]; i++)
        if (json_object_get(p, long_keys[i]))
            json_object_set_new(p, long_keys[i], json_string("..."));
    char *ps = p ? json_dumps(p, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    char at[32];
    sw_format_ex_time(e->at_ms == SW_JOURNAL_NO_TIME ? -1 : e->at_ms, at, sizeof at);
    sw_term_printf(stdout, "%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)e->seq, when, at, e->actor,
                   *e->team ? e->team : "-", e->kind, ps ? ps : e->payload);
    free(ps);
    json_decref(p);
    return 0;
}

/* --verify: the chain, and the head noted earlier (--head). 0 intact, 1 not. */
static int journal_verify(const ctx_t *c, const sw_cli_t *o, const uint8_t *noted)
{
    sw_journal_check_t ck;
    sw_errbuf_t err;
    char hex[2 * SW_JOURNAL_HASH_LEN + 1];
    if (sw_journal_verify(c->j, noted, &ck, &err)) {
        fprintf(stderr, "seawall journal: %s: %s\n", o->db, err.msg);
        return 1;
    }
    sodium_bin2hex(hex, sizeof hex, ck.head, sizeof ck.head);
    if (!ck.intact) {
        fprintf(stderr, "seawall journal: %s: entry %lld: %s\n", o->db, (long long)ck.bad_seq,
                ck.why);
        fprintf(stderr, "seawall journal: %s: entries up to seq %lld are intact (their head: %s)\n",
                o->db, (long long)ck.head_seq, hex);
        return 1;
    }
    printf("journal intact: %lld entries\nhead: seq %lld %s\n", (long long)ck.n_entries,
           (long long)ck.head_seq, hex);
    if (!noted)
        return 0;
    if (ck.noted_seq) {
        printf("the head you gave is entry %lld's: nothing up to it was changed\n",
               (long long)ck.noted_seq);
        return 0;
    }
    fprintf(stderr,
            "seawall journal: %s: the head you gave is no entry's hash: entries up to it were "
            "removed or rewritten since it was noted\n",
            o->db);
    return 1;
}

/* --upgrade: chain a journal written before the hash chain. */
static int journal_upgrade(const sw_cli_t *o)
{
    int64_t n = 0;
    sw_errbuf_t err;
    if (access(o->db, F_OK) != 0) {
        fprintf(stderr, "seawall journal: %s: no such exercise database\n", o->db);
        return 1;
    }
    if (sw_journal_upgrade(o->db, sw_cli_actor(o), sw_cli_wall_ms(), &n, &err)) {
        fprintf(stderr, "seawall journal: %s: %s\n", o->db, err.msg);
        return 1;
    }
    if (n)
        printf("chained the %lld entr%s written before tamper evidence, as they are now, sealed by "
               "a journal.chain entry\n",
               (long long)n, n == 1 ? "y" : "ies");
    else
        printf("the journal is already chained: nothing to do\n");
    return 0;
}

int cmd_journal(sw_cli_t *a)
{
    sw_cli_t o = *a;
    uint8_t noted[SW_JOURNAL_HASH_LEN];
    size_t got = 0;
    if (o.verify && o.upgrade)
        return sw_cli_usage_error(&o, "--verify and --upgrade do not go together");
    if (o.head && !o.verify)
        return sw_cli_usage_error(&o, "--head goes with --verify");
    if (o.head && (sodium_hex2bin(noted, sizeof noted, o.head, strlen(o.head), NULL, &got, NULL) ||
                   got != sizeof noted))
        return sw_cli_usage_error(&o,
                                  "--head needs a hash of 64 hex digits, as --verify prints it");
    if (o.upgrade)
        return journal_upgrade(&o);
    ctx_t c = {0};
    int status = ctx_open(&c, &o, 0);
    sw_errbuf_t err;
    sw_journal_filter_t f = {o.team, o.kind, 0};
    if (!status && o.verify)
        status = journal_verify(&c, &o, o.head ? noted : NULL);
    else if (!status && sw_journal_list(c.j, &f, print_entry, &o, &err)) {
        fprintf(stderr, "seawall journal: %s\n", err.msg);
        status = 1;
    }
    ctx_close(&c);
    return status;
}
