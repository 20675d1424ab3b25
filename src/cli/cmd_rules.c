/* cmd_rules.c — a team's Sigma rules in an exercise database, its alerts, and
 * the exercise journal (alerts/deploy.h, journal/journal.h).
 *
 *   seawall rules test     --db F --team T [--json] [--limit N] RULE.yml
 *   seawall rules deploy   --db F --team T [--actor NAME] RULE.yml...
 *   seawall rules withdraw --db F --team T [--actor NAME] RULE_ID
 *   seawall rules list     --db F --team T [--all] [--json]
 *   seawall alerts         --db F --team T [--json]
 *   seawall journal        --db F [--team T] [--kind K] [--json]
 *   seawall journal        --db F --verify [--head HASH] | --upgrade [--actor NAME]
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
#include "cli/rules_files.h"
#include "cli/sigma_load.h"
#include "cli/sigma_out.h"
#include "cli/term_text.h"
#include "detect/query.h"
#include "journal/journal.h"
#include "store/evstore.h"

#define RULES_SHOW_DEFAULT 1000 /* matches `rules test` prints unless --limit */

typedef struct opts {
    const char *cmd; /* "rules test", "alerts", ... for messages */
    const char *db, *team, *actor, *kind, *head;
    int json, all, verify, upgrade;
    long limit;
    int n_args;
    char **args;
} opts_t;

/* The database and the handles a command needs, opened in order. */
typedef struct ctx {
    sw_store_t *s;
    sw_store_team_t *t;
    sw_journal_t *j;
    sw_deploy_t *d;
} ctx_t;

static int parse_opts(int argc, char **argv, int first, opts_t *o, const char *usage)
{
    o->args = calloc((size_t)argc + 1, sizeof *o->args);
    o->limit = RULES_SHOW_DEFAULT;
    if (!o->args)
        return 1;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--db") && i + 1 < argc) {
            o->db = argv[++i];
        } else if (!strcmp(a, "--team") && i + 1 < argc) {
            o->team = argv[++i];
        } else if (!strcmp(a, "--actor") && i + 1 < argc) {
            o->actor = argv[++i];
        } else if (!strcmp(a, "--kind") && i + 1 < argc) {
            o->kind = argv[++i];
        } else if (!strcmp(a, "--limit") && i + 1 < argc) {
            char *end;
            o->limit = strtol(argv[++i], &end, 10);
            if (*end || o->limit < 0) {
                fprintf(stderr, "seawall %s: --limit needs a number >= 0\n", o->cmd);
                return 2;
            }
        } else if (!strcmp(a, "--json")) {
            o->json = 1;
        } else if (!strcmp(a, "--all")) {
            o->all = 1;
        } else if (!strcmp(a, "--verify")) {
            o->verify = 1;
        } else if (!strcmp(a, "--upgrade")) {
            o->upgrade = 1;
        } else if (!strcmp(a, "--head") && i + 1 < argc) {
            o->head = argv[++i];
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("%s", usage);
            return 0;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "seawall %s: unknown option '%s'\n%s", o->cmd, a, usage);
            return 2;
        } else {
            o->args[o->n_args++] = argv[i];
        }
    }
    if (!o->db) {
        fprintf(stderr, "seawall %s: --db is required\n%s", o->cmd, usage);
        return 2;
    }
    if (!o->actor) {
        const char *u = getenv("USER");
        o->actor = u && *u ? u : "cli";
    }
    return -1; /* go on */
}

/* parse_opts for a command that takes options only (alerts, journal): -1 to
 * go on, else the exit status (o->args freed). */
static int parse_opts_only(int argc, char **argv, opts_t *o, const char *usage)
{
    int status = parse_opts(argc, argv, 1, o, usage);
    if (status < 0 && o->n_args) {
        fprintf(stderr, "seawall %s: unexpected argument '%s'\n%s", o->cmd, o->args[0], usage);
        status = 2;
    }
    if (status >= 0)
        free(o->args);
    return status;
}

/* Open the store (which must exist), the team if named, the journal and the
 * rule tables. Prints the reason and returns 1 on failure. */
static int ctx_open(ctx_t *c, const opts_t *o, int need_team)
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

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

static const char test_usage[] =
    "usage: seawall rules test --db FILE --team TEAM [--json] [--limit N] RULE.yml\n"
    "  Run RULE over every record TEAM has, without deploying it: how many times it\n"
    "  would have fired, then the matches as `seawall sigma` prints them (the first\n"
    "  N, default 1000; --json: one JSON object per match, the count on stderr).\n";

static int rules_test(opts_t *o)
{
    if (o->n_args != 1) {
        fprintf(stderr, "seawall rules test: give exactly one RULE.yml\n%s", test_usage);
        return 2;
    }
    ctx_t c = {0};
    char *yaml = NULL, *buf = NULL;
    size_t len = 0, buf_len = 0;
    int status = ctx_open(&c, o, 1);
    if (status || (status = read_rule(o->cmd, o->args[0], &yaml, &len)))
        goto done;
    test_out_t out = {.json = o->json, .limit = o->limit};
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

static const char deploy_usage[] =
    "usage: seawall rules deploy --db FILE --team TEAM [--actor NAME] RULE.yml...\n"
    "  Deploy Sigma rules for TEAM: from now on every record ingested for TEAM is\n"
    "  matched and each match is stored as an alert (seawall alerts). Every file is\n"
    "  checked first; if one is refused, none is deployed. Journaled as rule.deploy\n"
    "  by NAME (default: $USER).\n";

int sw_rules_deploy_files(sw_deploy_t *d, sw_store_team_t *t, const char *actor, int64_t at_ms,
                          char *const *files, int n_files, const char *cmd, FILE *out)
{
    char **text = calloc((size_t)n_files + 1, sizeof *text);
    size_t *len = calloc((size_t)n_files + 1, sizeof *len);
    int status = text && len ? 0 : 1;
    /* 1. read and check every file */
    for (int i = 0; !status && i < n_files; i++) {
        sw_sigma_error_t e;
        if ((status = read_rule(cmd, files[i], &text[i], &len[i])))
            break;
        if (sw_deploy_check(d, t, text[i], len[i], files[i], &e)) {
            print_refusal(cmd, files[i], &e);
            status = 1;
        }
    }
    /* 2. deploy */
    sw_act_t act = {actor, at_ms, wall_ms()};
    for (int i = 0; !status && i < n_files; i++) {
        sw_sigma_error_t e;
        sw_deployed_rule_t r;
        if (sw_deploy_rule(d, t, &act, text[i], len[i], files[i], &r, &e)) {
            print_refusal(cmd, files[i], &e);
            if (i > 0)
                fprintf(stderr, "seawall %s: the %d file%s before %s were deployed\n", cmd, i,
                        i == 1 ? "" : "s", files[i]);
            status = 1;
            break;
        }
        if (out)
            sw_term_printf(out,
                           "deployed %s \"%s\" (%s, author: %s) for team %s: deployment %lld, "
                           "applies to records after the first %lld\n",
                           r.rule_id, r.title, *r.level ? r.level : "-",
                           *r.author ? r.author : "unknown", sw_store_team_name(t),
                           (long long)r.deployment, (long long)r.from_record);
    }
    for (int i = 0; text && i < n_files; i++)
        free(text[i]);
    free(text);
    free(len);
    return status;
}

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
                    fprintf(stderr,
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

static int rules_deploy(opts_t *o)
{
    if (o->n_args < 1) {
        fprintf(stderr, "seawall rules deploy: no RULE.yml given\n%s", deploy_usage);
        return 2;
    }
    ctx_t c = {0};
    int status = ctx_open(&c, o, 1);
    if (!status)
        status = sw_rules_deploy_files(c.d, c.t, o->actor, SW_JOURNAL_NO_TIME, o->args, o->n_args,
                                       o->cmd, stdout);
    ctx_close(&c);
    return status;
}

static const char withdraw_usage[] =
    "usage: seawall rules withdraw --db FILE --team TEAM [--actor NAME] RULE_ID\n"
    "  Stop TEAM's deployed rule RULE_ID (its alerts stay). Journaled as\n"
    "  rule.withdraw.\n";

static int rules_withdraw(opts_t *o)
{
    if (o->n_args != 1) {
        fprintf(stderr, "seawall rules withdraw: give exactly one RULE_ID\n%s", withdraw_usage);
        return 2;
    }
    ctx_t c = {0};
    int status = ctx_open(&c, o, 1);
    if (!status) {
        sw_act_t act = {o->actor, SW_JOURNAL_NO_TIME, wall_ms()};
        sw_errbuf_t err;
        int64_t dep = 0;
        if (sw_deploy_withdraw(c.d, c.t, &act, o->args[0], &dep, &err)) {
            fprintf(stderr, "seawall rules withdraw: %s\n", err.msg);
            status = 1;
        } else {
            sw_term_printf(stdout, "withdrew deployment %lld of %s for team %s\n", (long long)dep,
                           o->args[0], sw_store_team_name(c.t));
        }
    }
    ctx_close(&c);
    return status;
}

static void format_ms(int64_t ms, char out[64])
{
    sw_query_format_time(ms, out);
    out[19] = 'Z';
    out[20] = '\0';
}

static int print_rule(const sw_deployed_rule_t *r, void *ud)
{
    const opts_t *o = ud;
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

static const char list_usage[] =
    "usage: seawall rules list --db FILE --team TEAM [--all] [--json]\n"
    "  TEAM's deployed rules, one line each: deployment, live or withdrawn, rule id,\n"
    "  level, title, author, the record count it applies after, when and by whom.\n"
    "  --all also lists withdrawn ones.\n";

static int rules_list(opts_t *o)
{
    if (o->n_args) {
        fprintf(stderr, "seawall rules list: unexpected argument '%s'\n%s", o->args[0], list_usage);
        return 2;
    }
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

static const char rules_usage[] =
    "usage: seawall rules (test|deploy|withdraw|list) --db FILE --team TEAM ...\n"
    "  test RULE.yml          how often RULE would have fired on TEAM's records\n"
    "  deploy RULE.yml...     run rules on TEAM's new records, raising alerts\n"
    "  withdraw RULE_ID       stop a deployed rule\n"
    "  list [--all]           TEAM's deployed rules\n"
    "  `seawall rules SUBCOMMAND --help` for more; docs/sigma.md.\n";

int cmd_rules(int argc, char **argv)
{
    static const struct {
        const char *name, *usage;
        int (*fn)(opts_t *);
    } subs[] = {{"test", test_usage, rules_test},
                {"deploy", deploy_usage, rules_deploy},
                {"withdraw", withdraw_usage, rules_withdraw},
                {"list", list_usage, rules_list}};
    if (argc < 2) {
        fprintf(stderr, "%s", rules_usage);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        printf("%s", rules_usage);
        return 0;
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(argv[1], subs[i].name))
            continue;
        char cmd[32];
        snprintf(cmd, sizeof cmd, "rules %s", subs[i].name);
        opts_t o = {.cmd = cmd};
        int rc = parse_opts(argc, argv, 2, &o, subs[i].usage);
        if (rc < 0)
            rc = subs[i].fn(&o);
        free(o.args);
        return rc;
    }
    fprintf(stderr, "seawall rules: unknown subcommand '%s'\n%s", argv[1], rules_usage);
    return 2;
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
    const opts_t *o = ud;
    if (!o->json) {
        sw_term_printf(stdout, "%s\t%s\t%s\t%s\tauthor: %s\t%s\trecord %lld\n",
                       *a->time ? a->time : "-", *a->host ? a->host : "-",
                       *a->level ? a->level : "-", a->title, *a->author ? a->author : "unknown",
                       a->rule_id, (long long)a->record);
        return 0;
    }
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "alert",
                          (json_int_t)a->id, "time", a->time, "host", a->host, "level", a->level,
                          "title", a->title, "author", a->author, "id", a->rule_id, "deployment",
                          (json_int_t)a->deployment, "record", (json_int_t)a->record);
    put_json_with(j, "event", a->event);
    return 0;
}

static const char alerts_usage[] =
    "usage: seawall alerts --db FILE --team TEAM [--json]\n"
    "  TEAM's alerts, oldest first: time, host, level, title, author, rule id and\n"
    "  record id; --json adds the alert number, deployment and the event.\n";

int cmd_alerts(int argc, char **argv)
{
    opts_t o = {.cmd = "alerts"};
    int status = parse_opts_only(argc, argv, &o, alerts_usage);
    if (status >= 0)
        return status;
    ctx_t c = {0};
    status = ctx_open(&c, &o, 1);
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
    free(o.args);
    return status;
}

/* ---- journal ---------------------------------------------------------------------- */

static int print_entry(const sw_journal_entry_t *e, void *ud)
{
    const opts_t *o = ud;
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
    /* the payload without the rule text, which can be long */
    json_t *p = json_loads(e->payload, 0, NULL);
    if (p)
        json_object_del(p, "yaml");
    char *ps = p ? json_dumps(p, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    sw_term_printf(stdout, "%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)e->seq, when, e->actor,
                   *e->team ? e->team : "-", e->kind, ps ? ps : e->payload);
    free(ps);
    json_decref(p);
    return 0;
}

static const char journal_usage[] =
    "usage: seawall journal --db FILE [--team TEAM] [--kind KIND] [--json]\n"
    "       seawall journal --db FILE --verify [--head HASH]\n"
    "       seawall journal --db FILE --upgrade [--actor NAME]\n"
    "  The exercise journal, in order: seq, wall time, actor, team, kind, payload\n"
    "  (without rule text; --json prints every entry whole).\n"
    "  --verify   check the hash chain: exit 1 naming the first entry edited, deleted,\n"
    "             inserted or back-dated; prints the head (note it: with --head, a\n"
    "             later check shows nothing before it was removed or rewritten)\n"
    "  --upgrade  chain a journal written before tamper evidence, as it is now\n";

/* --verify: the chain, and the head noted earlier (--head). 0 intact, 1 not. */
static int journal_verify(const ctx_t *c, const opts_t *o, const uint8_t *noted)
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
    if (!o->head)
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

int cmd_journal(int argc, char **argv)
{
    opts_t o = {.cmd = "journal"};
    int status = parse_opts_only(argc, argv, &o, journal_usage);
    if (status >= 0)
        return status;
    uint8_t noted[SW_JOURNAL_HASH_LEN];
    size_t got = 0;
    if ((o.verify && o.upgrade) || (o.head && !o.verify) ||
        (o.head && (sodium_hex2bin(noted, sizeof noted, o.head, strlen(o.head), NULL, &got, NULL) ||
                    got != sizeof noted))) {
        fprintf(stderr, "seawall journal: --verify [--head HASH (64 hex digits)] or --upgrade\n%s",
                journal_usage);
        free(o.args);
        return 2;
    }
    if (o.upgrade) {
        int64_t n = 0;
        sw_errbuf_t err;
        free(o.args);
        if (access(o.db, F_OK) != 0 || sw_journal_upgrade(o.db, o.actor, wall_ms(), &n, &err)) {
            fprintf(stderr, "seawall journal: %s: %s\n", o.db,
                    access(o.db, F_OK) ? "no such exercise database" : err.msg);
            return 1;
        }
        if (n)
            printf("chained the %lld entr%s written before tamper evidence, as they are now, "
                   "sealed by a journal.chain entry\n",
                   (long long)n, n == 1 ? "y" : "ies");
        else
            printf("the journal is already chained: nothing to do\n");
        return 0;
    }
    ctx_t c = {0};
    status = ctx_open(&c, &o, 0);
    sw_errbuf_t err;
    sw_journal_filter_t f = {o.team, o.kind, 0};
    if (!status && o.verify)
        status = journal_verify(&c, &o, o.head ? noted : NULL);
    else if (!status && sw_journal_list(c.j, &f, print_entry, &o, &err)) {
        fprintf(stderr, "seawall journal: %s\n", err.msg);
        status = 1;
    }
    ctx_close(&c);
    free(o.args);
    return status;
}
