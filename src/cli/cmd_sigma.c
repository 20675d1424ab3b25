/* cmd_sigma.c — `seawall sigma`: run Sigma rules over event files, or lint
 * rules with a load report.
 *
 *   seawall sigma --rules PATH... --events FILE... [--json] [--var NAME=V1,V2]
 *   seawall sigma --check PATH... [-v] [--var NAME=V1,V2]
 *   seawall sigma --rules PATH... --db FILE --team T --truth
 *
 * PATH is a rule file or a directory (recursive). Event files hold JSON
 * lines or JSON objects one after another (pretty-printed is fine). Each
 * match prints time, host, level, title, author and id (the Detection Rule
 * License requires the author wherever a match is shown). Exit status: 0
 * success, 1 a rule was refused (--check), no rule loaded at all (every one
 * refused, or none found) or an event file had a bad record, 2 usage error.
 *
 * --truth is for instructors (and tests), never for players: it reads the
 * store's ground-truth table (sw_store_truth) and, instead of the matches,
 * prints one line per rule that fired: rule id, TP (matches on records an
 * adversary step caused), FP (matches on background records), title. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "alerts/sigma_load.h"
#include "cli/sigma_out.h"
#include "cli/term_text.h"
#include "detect/event.h"
#include "detect/event_flat.h"
#include "detect/query.h"
#include "detect/sigma.h"
#include "store/evstore.h"

#define MAX_VARS 64
#define MAX_VAR_VALUES 256
#define EVENT_FILE_LIMIT ((size_t)4 << 30)

/* --truth: matches per rule on attack (tp) and background (fp) records. */
typedef struct rule_tally {
    const sw_sigma_rule_info_t *rule;
    size_t tp, fp;
} rule_tally_t;

#define MAX_TALLIES 65536

typedef struct out_ctx {
    int json;
    const char *rec; /* the record's JSON text, for --json */
    size_t rec_len;
    size_t n_matches;
    sw_store_t *truth_store; /* --truth: where the ground truth is read */
    int64_t rec_id;
    rule_tally_t *tally;
    size_t n_tally, cap_tally;
    int tally_err;
} out_ctx_t;

/* Count a match as TP or FP by the record's ground truth. O(rules fired). */
static void tally_alert(out_ctx_t *o, const sw_sigma_alert_t *a)
{
    char link[SW_STORE_MAX_TRUTH];
    sw_errbuf_t err;
    int rc = sw_store_truth(o->truth_store, o->rec_id, link, sizeof link, &err);
    if (rc && rc != SW_ENOENT) {
        if (!o->tally_err)
            fprintf(stderr, "seawall sigma: %s\n", err.msg);
        o->tally_err = 1;
        return;
    }
    rule_tally_t *t = NULL;
    for (size_t i = 0; i < o->n_tally && !t; i++)
        if (o->tally[i].rule == a->rule)
            t = &o->tally[i];
    if (!t) {
        if (o->n_tally == o->cap_tally) {
            size_t ncap = o->cap_tally ? o->cap_tally * 2 : 64;
            rule_tally_t *n = ncap <= MAX_TALLIES ? realloc(o->tally, ncap * sizeof *n) : NULL;
            if (!n) {
                o->tally_err = 1;
                return;
            }
            o->tally = n;
            o->cap_tally = ncap;
        }
        t = &o->tally[o->n_tally++];
        *t = (rule_tally_t){a->rule, 0, 0};
    }
    if (rc == 0)
        t->tp++;
    else
        t->fp++;
}

static void print_tally(const out_ctx_t *o)
{
    printf("rule\tTP\tFP\ttitle\n");
    for (size_t i = 0; i < o->n_tally; i++)
        sw_term_printf(stdout, "%s\t%zu\t%zu\t%s\n", o->tally[i].rule->id, o->tally[i].tp,
                       o->tally[i].fp, o->tally[i].rule->title);
}

static void print_alert(const sw_sigma_alert_t *a, void *ud)
{
    out_ctx_t *o = ud;
    o->n_matches++;
    if (o->truth_store) {
        tally_alert(o, a);
        return;
    }
    sw_sigma_print_match(stdout, a, o->rec, o->rec_len, o->json);
}

/* Rules left undecided on some events (a regular expression over its
 * budget, detect/sigma.h): neither matches nor misses, so they are said. */
static void print_undecided(const sw_sigma_set_t *set)
{
    for (size_t i = 0; i < sw_sigma_set_count(set); i++) {
        uint64_t n = sw_sigma_set_undecided(set, i);
        const sw_sigma_rule_info_t *r = sw_sigma_set_rule(set, i);
        if (n)
            sw_term_printf(stderr,
                           "seawall sigma: undecided: %s \"%s\" on %llu event%s: a regular "
                           "expression ran past its budget, so the rule neither matched nor "
                           "cleared %s; look at %s by hand\n",
                           r->id, r->title, (unsigned long long)n, n == 1 ? "" : "s",
                           n == 1 ? "it" : "them", n == 1 ? "it" : "them");
    }
}

/* --var NAME=V1,V2: values split at commas, kept in one malloc'd copy. */
static int parse_var(const char *arg, sw_sigma_var_t *v, char **store)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return -1;
    char *copy = strdup(arg);
    const char **vals = calloc(MAX_VAR_VALUES, sizeof *vals);
    if (!copy || !vals) {
        free(copy);
        free(vals);
        return -1;
    }
    copy[eq - arg] = '\0';
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(copy + (eq - arg) + 1, ",", &save);
         t && n < MAX_VAR_VALUES; t = strtok_r(NULL, ",", &save))
        vals[n++] = t;
    *v = (sw_sigma_var_t){copy, vals, n};
    *store = copy;
    return 0;
}

static int run_events(sw_sigma_set_t *set, const char *file, out_ctx_t *o, size_t *n_events)
{
    char *text;
    size_t len, pos = 0, start, rec_len;
    sw_errbuf_t err;
    int rc = sw_read_file(file, EVENT_FILE_LIMIT, &text, &len, &err);
    if (rc) {
        fprintf(stderr, "seawall sigma: %s\n", err.msg);
        return 1;
    }
    sw_event_t ev;
    sw_event_init(&ev);
    int bad = 0;
    size_t n = 0;
    for (;;) {
        int got = sw_event_split(text, len, &pos, &start, &rec_len);
        if (got == 0)
            break;
        if (got < 0) {
            fprintf(stderr, "%s: byte %zu: expected a JSON object; rest of file skipped\n", file,
                    pos + 1);
            bad = 1;
            break;
        }
        n++;
        if (sw_event_parse(&ev, text + start, rec_len, &err)) {
            sw_term_printf(stderr, "%s: record %zu (byte %zu): %s\n", file, n, start + 1, err.msg);
            bad = 1;
            continue;
        }
        o->rec = text + start;
        o->rec_len = rec_len;
        sw_sigma_set_match(set, &ev, print_alert, o);
    }
    *n_events += n;
    sw_event_free(&ev);
    free(text);
    return bad;
}

/* --db FILE --team T: every record of the team's store, in time order. */
typedef struct db_ctx {
    sw_sigma_set_t *set;
    out_ctx_t *o;
    sw_event_t ev;
    size_t n;
    int bad;
} db_ctx_t;

static int db_row(const sw_qrow_t *row, void *ud)
{
    db_ctx_t *c = ud;
    if (!row->is_record)
        return 0;
    c->n++;
    sw_errbuf_t err;
    if (sw_event_parse(&c->ev, row->json, row->json_len, &err)) {
        sw_term_printf(stderr, "seawall sigma: record %lld: %s\n", (long long)row->id, err.msg);
        c->bad = 1;
        return 0;
    }
    c->o->rec = row->json;
    c->o->rec_len = row->json_len;
    c->o->rec_id = row->id;
    sw_sigma_set_match(c->set, &c->ev, print_alert, c->o);
    return 0;
}

static int run_db(sw_sigma_set_t *set, const char *db, const char *team, int truth, out_ctx_t *o,
                  size_t *n_events)
{
    sw_errbuf_t err = {{0}};
    sw_store_t *s = NULL;
    sw_store_team_t *t = NULL;
    sw_query_t q;
    sw_query_opts_t qo = {0};
    db_ctx_t c = {.set = set, .o = o};
    int status = 1;
    sw_event_init(&c.ev);
    int qrc = sw_query_parse(&q, "*", 1, &qo, &err);
    if (qrc) {
        fprintf(stderr, "seawall sigma: %s\n", err.msg);
        goto done;
    }
    if (sw_store_open(db, &s, &err) || sw_store_team_open(s, team, 0, &t, &err)) {
        fprintf(stderr, "seawall sigma: %s: %s\n", db, err.msg);
        goto done;
    }
    if (truth)
        o->truth_store = s;
    if (sw_store_search(t, &q, db_row, &c, &err)) {
        fprintf(stderr, "seawall sigma: %s: %s\n", db, err.msg);
        goto done;
    }
    status = c.bad || o->tally_err;
    if (truth)
        print_tally(o);
done:
    *n_events += c.n;
    o->truth_store = NULL;
    if (!qrc)
        sw_query_free(&q);
    if (t)
        sw_store_team_close(t);
    if (s)
        sw_store_close(s);
    sw_event_free(&c.ev);
    return status;
}

int cmd_sigma(sw_cli_t *a)
{
    const char *const *rules = a->n_checks ? a->checks : a->rules;
    const char *const *events = a->events;
    size_t n_rules = (size_t)(a->n_checks ? a->n_checks : a->n_rules);
    size_t n_events = (size_t)a->n_events, n_vars = 0;
    sw_sigma_var_t vars[MAX_VARS];
    char *var_store[MAX_VARS];
    int check = a->n_checks > 0, json = a->json, verbose = a->verbose, truth = a->truth;
    int status = 0;
    const char *db = a->db, *team = a->team;
    if (a->n_checks && a->n_rules) {
        status = sw_cli_usage_error(a, "--check and --rules do not go together");
        goto done;
    }
    for (int i = 0; i < a->n_vars; i++) {
        if (n_vars == MAX_VARS || parse_var(a->vars[i], &vars[n_vars], &var_store[n_vars])) {
            status = sw_cli_usage_error(a, "--var needs NAME=VALUE[,VALUE...]");
            goto done;
        }
        n_vars++;
    }
    int from_db = db || team;
    if (from_db && (!db || !team || n_events || check)) {
        status = sw_cli_usage_error(a, "--db and --team go together, instead of --events");
        goto done;
    }
    if (truth && (!from_db || json)) {
        status = sw_cli_usage_error(a, "--truth needs --db and --team, and no --json");
        goto done;
    }
    if (!n_rules || (check && n_events) || (!check && !n_events && !from_db)) {
        status = sw_cli_usage_error(
            a, "give --rules RULE... with --events FILE... or --db F --team T, or --check RULE...");
        goto done;
    }
    sw_sigma_set_t *set = sw_sigma_set_new(vars, n_vars);
    if (!set) {
        fprintf(stderr, "seawall sigma: out of memory\n");
        status = 1;
        goto done;
    }
    sw_sigma_report_t rep;
    sw_sigma_report_init(&rep);
    for (size_t i = 0; i < n_rules; i++) {
        sw_errbuf_t err;
        int rc = sw_sigma_load_path(set, rules[i], &rep, &err);
        if (rc) {
            fprintf(stderr, "seawall sigma: %s\n", rc == SW_ENOMEM ? "out of memory" : err.msg);
            status = rc == SW_ENOMEM ? 1 : 2;
            goto out;
        }
    }
    if (check) {
        sw_sigma_report_print(stdout, &rep, verbose);
        status = rep.n_rejects ? 1 : 0;
        goto out;
    }
    if (sw_sigma_set_count(set) == 0) { /* nothing to match with: not a clean run */
        if (rep.n_files)
            fprintf(stderr,
                    "seawall sigma: no rule loaded (%zu of %zu refused): nothing was matched "
                    "(seawall sigma --check -v PATH says why)\n",
                    rep.n_rejects, rep.n_files);
        else
            fprintf(stderr, "seawall sigma: no rule loaded (no rule files found): nothing was "
                            "matched (rule files end in .yml or .yaml)\n");
        status = 1;
        goto out;
    }
    if (rep.n_rejects)
        fprintf(stderr, "seawall sigma: %zu of %zu rules refused (see seawall sigma --check -v)\n",
                rep.n_rejects, rep.n_files);
    if (sw_sigma_set_build(set)) {
        fprintf(stderr, "seawall sigma: out of memory\n");
        status = 1;
        goto out;
    }
    out_ctx_t o = {.json = json};
    size_t total = 0;
    for (size_t i = 0; i < n_events; i++)
        status |= run_events(set, events[i], &o, &total);
    if (from_db)
        status |= run_db(set, db, team, truth, &o, &total);
    fflush(stdout);
    uint64_t undecided = 0;
    for (size_t i = 0; i < sw_sigma_set_count(set); i++)
        undecided += sw_sigma_set_undecided(set, i);
    fprintf(stderr, "seawall sigma: %zu rules, %zu events, %zu matches", sw_sigma_set_count(set),
            total, o.n_matches);
    fprintf(stderr, undecided ? ", %llu undecided\n" : "\n", (unsigned long long)undecided);
    print_undecided(set);
    free(o.tally);
out:
    sw_sigma_report_free(&rep);
    sw_sigma_set_free(set);
done:
    for (size_t i = 0; i < n_vars; i++) {
        free(var_store[i]);
        free((void *)vars[i].values);
    }
    return status;
}
