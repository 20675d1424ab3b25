/* api_team.c — one team's resources: hunting its records, its alerts and
 * their triage, its Sigma rules, its response actions, its incident reports,
 * its chat and its inbox. Reads open the team's own store, alert and
 * journal handles (team isolation is structural: a handle names one team);
 * writes are acts through the world thread. The route table has already
 * decided who may ask (routes.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "detect/event_flat.h"
#include "detect/query.h"
#include "detect/sigma.h"
#include "server/srv_int.h"

#define HUNT_LIMIT_DEFAULT 200
#define HUNT_LIMIT_MAX 10000
#define HUNT_DEADLINE_MS 10000 /* a search that runs longer is stopped and says so */

/* The team's read handles for one request: the store and team handles from
 * the server's pool (readers.c), the journal and deployer opened for it. */
typedef struct reader {
    srv_t *srv;
    uint32_t team;
    sw_store_t *store;
    sw_store_team_t *t;
    sw_journal_t *j;
    sw_deploy_t *d;
    int bad; /* an error that may be the handle's: not kept */
} reader_t;

static void reader_close(reader_t *rd)
{
    sw_deploy_close(rd->d);
    sw_journal_close(rd->j);
    srv_team_give(rd->srv, rd->team, rd->store, rd->t, !rd->bad);
    memset(rd, 0, sizeof *rd);
}

static int reader_open(srv_req_t *r, reader_t *rd, int want_deploy)
{
    memset(rd, 0, sizeof *rd);
    rd->srv = r->srv;
    rd->team = r->team;
    sw_errbuf_t err;
    const char *db = r->srv->o.ex.db;
    if (srv_team_take(r->srv, r->team, r->team_id, &rd->store, &rd->t, &err) ||
        (want_deploy &&
         (sw_journal_open(db, &rd->j, &err) || sw_deploy_open(db, rd->j, &rd->d, &err)))) {
        reader_close(rd);
        srv_error(r, 500, "internal", "%s", err.msg);
        return -1;
    }
    return 0;
}

static json_t *act(srv_req_t *r, json_t *req)
{
    json_object_set_new(req, "actor", json_string(r->who.name));
    if (r->team_id && !json_object_get(req, "team") && !json_object_get(req, "from"))
        json_object_set_new(req, "team", json_string(r->team_id));
    return srv_world_call(r->srv, req);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- hunt ------------------------------------------------------------------------ */

typedef struct hunt_ctx {
    json_t *rows;
    long limit;
    uint64_t n;
    int truncated, timed_out;
    int64_t deadline;
    sw_event_t ev; /* a row's flat view, for its source */
    srv_t *srv;    /* its work_stopping ends the search early */
} hunt_ctx_t;

static int hunt_row(const sw_qrow_t *row, void *ud)
{
    hunt_ctx_t *c = ud;
    if ((c->n & 1023) == 0 && (mono_ms() > c->deadline || c->srv->work_stopping)) {
        c->timed_out = 1;
        return 1;
    }
    c->n++;
    if ((long)json_array_size(c->rows) >= c->limit) {
        c->truncated = 1;
        return 1;
    }
    if (row->is_record) {
        json_t *rec = json_loadb(row->json, row->json_len, 0, NULL);
        char source[64] = "other"; /* which columns matter for it (api_fields.c) */
        sw_errbuf_t err;
        sw_event_clear(&c->ev);
        if (!sw_event_parse(&c->ev, row->json, row->json_len, &err))
            srv_record_source(&c->ev, source, sizeof source);
        json_array_append_new(c->rows, json_pack("{s:I, s:I, s:s, s:o}", "id", (json_int_t)row->id,
                                                 "ts_ms", (json_int_t)row->ts_ms, "source", source,
                                                 "record", rec ? rec : json_object()));
    } else {
        json_array_append_new(c->rows, json_pack("{s:s, s:I}", "key", row->key ? row->key : "",
                                                 "count", (json_int_t)row->count));
    }
    return 0;
}

typedef struct hunt_job {
    sw_query_t q;
    long limit;
} hunt_job_t;

static void hunt_job_free(void *ud)
{
    hunt_job_t *job = ud;
    sw_query_free(&job->q);
    free(job);
}

/* The search itself, on a worker thread (work.c). */
static void hunt_run(srv_req_t *r, void *ud)
{
    hunt_job_t *job = ud;
    reader_t rd;
    if (reader_open(r, &rd, 0))
        return;
    hunt_ctx_t c = {json_array(), job->limit, 0, 0, 0, mono_ms() + HUNT_DEADLINE_MS, {0}, r->srv};
    sw_event_init(&c.ev);
    sw_errbuf_t err;
    /* the store stops a search past the deadline wherever it is (matching,
     * sorting, counting), not only between rows handed here */
    sw_store_search_limits(rd.t, HUNT_DEADLINE_MS, 0);
    int rc = sw_store_search(rd.t, &job->q, hunt_row, &c, &err);
    if (rc == SW_ETOOBIG && sw_store_search_timed_out(rd.t)) {
        c.timed_out = 1;
        rc = SW_OK;
    } else if (rc == SW_ETOOBIG) { /* over the memory budget */
        sw_event_free(&c.ev);
        reader_close(&rd);
        json_decref(c.rows);
        srv_error(r, 400, "query_too_big", "%s", err.msg);
        return;
    }
    sw_event_free(&c.ev);
    int agg = sw_query_is_aggregate(&job->q);
    rd.bad = rc < 0; /* damaged, say: the next search opens the team again */
    reader_close(&rd);
    if (rc < 0) {
        json_decref(c.rows);
        srv_error(r, 500, "internal", "%s", err.msg);
        return;
    }
    if (r->srv->work_stopping) {
        json_decref(c.rows);
        srv_error(r, 503, "unavailable", "the server is stopping");
        return;
    }
    json_t *j = json_pack("{s:s, s:b, s:o, s:b, s:b}", "team", r->team_id, "aggregate", agg, "rows",
                          c.rows, "truncated", c.truncated, "timed_out", c.timed_out);
    if (c.timed_out)
        json_object_set_new(j, "message",
                            json_string("the search stopped after 10 s: narrow the query"));
    srv_ok(r, 200, j);
}

int api_hunt(srv_req_t *r)
{
    static const char *const f[] = {"query", "limit", "now", NULL};
    if (srv_only(r, f))
        return 0;
    const char *text = srv_str(r, "query");
    if (!text)
        return srv_error(r, 400, "missing_field", "hunt needs \"query\"");
    long limit = HUNT_LIMIT_DEFAULT;
    json_t *lj = json_object_get(r->json, "limit");
    if (lj && (!json_is_integer(lj) || json_integer_value(lj) < 1 ||
               json_integer_value(lj) > HUNT_LIMIT_MAX))
        return srv_error(r, 400, "bad_field", "\"limit\" is 1 to %d", HUNT_LIMIT_MAX);
    if (lj)
        limit = (long)json_integer_value(lj);
    /* "last 15m" means the exercise's last fifteen minutes */
    sw_query_opts_t qo = {.now_ms = srv_exercise_unix_ms(r->srv)};
    const char *now = srv_str(r, "now");
    if (now && sw_query_parse_time(now, strlen(now), &qo.now_ms))
        return srv_error(r, 400, "bad_field", "\"now\" is not an ISO 8601 time");
    sw_query_t q;
    sw_errbuf_t err;
    if (sw_query_parse(&q, text, strlen(text), &qo, &err)) {
        sw_query_free(&q);
        size_t col = 0;
        sscanf(err.msg, "column %zu", &col);
        srv_error(r, 400, "bad_query", "%s", err.msg);
        if (col)
            json_object_set_new(json_object_get(r->answer, "error"), "col",
                                json_integer((json_int_t)col));
        return 0;
    }
    hunt_job_t *job = malloc(sizeof *job);
    if (!job) {
        sw_query_free(&q);
        return srv_error(r, 503, "unavailable", "out of memory");
    }
    job->q = q;
    job->limit = limit;
    return srv_defer(r, hunt_run, job, hunt_job_free); /* on a worker (work.c) */
}

/* ---- alerts ------------------------------------------------------------------------ */

typedef struct alerts_ctx {
    json_t *a;
    size_t max;
} alerts_ctx_t;

static int alert_one(const sw_alert_t *a, void *ud)
{
    alerts_ctx_t *c = ud;
    json_t *ev = json_loads(a->event, 0, NULL);
    json_array_append_new(
        c->a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:o}",
                        "alert", (json_int_t)a->id, "time", a->time, "host", a->host, "level",
                        a->level, "title", a->title, "author", a->author, "rule_id", a->rule_id,
                        "deployment", (json_int_t)a->deployment, "record", (json_int_t)a->record,
                        "status", a->status, "assignee", a->assignee, "incident", a->incident,
                        "event", ev ? ev : json_object()));
    return json_array_size(c->a) >= c->max;
}

int api_alerts_get(srv_req_t *r)
{
    const char *after = srv_arg(r, "after");
    reader_t rd;
    if (reader_open(r, &rd, 1))
        return 0;
    alerts_ctx_t c = {json_array(), 5000};
    sw_errbuf_t err;
    int rc = sw_alerts_list(rd.d, rd.t, after ? strtoll(after, NULL, 10) : 0, alert_one, &c, &err);
    reader_close(&rd);
    if (rc < 0) {
        json_decref(c.a);
        return srv_error(r, 500, "internal", "%s", err.msg);
    }
    return srv_ok(r, 200, json_pack("{s:s, s:o}", "team", r->team_id, "alerts", c.a));
}

int api_alert_triage(srv_req_t *r)
{
    static const char *const f[] = {"status", "assignee", "incident", "note", NULL};
    if (srv_only(r, f))
        return 0;
    char *end;
    long long id = strtoll(r->params[1], &end, 10);
    if (*end || id <= 0)
        return srv_error(r, 404, "not_found", "no alert '%.64s'", r->params[1]);
    json_t *req = json_pack("{s:s, s:I}", "op", "triage", "alert", (json_int_t)id);
    const char *keys[] = {"status", "assignee", "incident", "note"};
    for (size_t i = 0; i < 4; i++)
        if (srv_str(r, keys[i]))
            json_object_set_new(req, keys[i], json_string(srv_str(r, keys[i])));
    return srv_act_answer(r, act(r, req));
}

/* ---- rules ------------------------------------------------------------------------- */

static int rule_one(const sw_deployed_rule_t *d, void *ud)
{
    json_array_append_new(
        ud, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I}", "deployment",
                      (json_int_t)d->deployment, "id", d->rule_id, "title", d->title, "level",
                      d->level, "author", d->author, "status", d->withdrawn ? "withdrawn" : "live",
                      "from_record", (json_int_t)d->from_record, "file", d->file, "deployed_by",
                      d->actor, "wall_ms", (json_int_t)d->wall_ms));
    return 0;
}

int api_rules_get(srv_req_t *r)
{
    reader_t rd;
    if (reader_open(r, &rd, 1))
        return 0;
    json_t *a = json_array();
    sw_errbuf_t err;
    const char *all = srv_arg(r, "all");
    int rc = sw_deploy_list(rd.d, rd.t, all && strcmp(all, "0"), rule_one, a, &err);
    reader_close(&rd);
    if (rc < 0) {
        json_decref(a);
        return srv_error(r, 500, "internal", "%s", err.msg);
    }
    return srv_ok(r, 200, json_pack("{s:s, s:o}", "team", r->team_id, "rules", a));
}

/* The body's rule: {"yaml", "file"} */
static const char *rule_text(srv_req_t *r, size_t *len, const char **file)
{
    static const char *const f[] = {"yaml", "file", "limit", NULL};
    if (srv_only(r, f))
        return NULL;
    json_t *y = json_object_get(r->json, "yaml");
    if (!json_is_string(y)) {
        srv_error(r, 400, "missing_field", "a rule needs \"yaml\" (the Sigma rule's text)");
        return NULL;
    }
    *len = json_string_length(y);
    *file = srv_str(r, "file") ? srv_str(r, "file") : "rule.yml";
    return json_string_value(y);
}

static int refused_rule(srv_req_t *r, const sw_sigma_error_t *e)
{
    srv_error(r, 422, "bad_rule", "%s", e->msg);
    json_t *er = json_object_get(r->answer, "error");
    json_object_set_new(er, "reason", json_string(e->reason));
    if (e->line) {
        json_object_set_new(er, "line", json_integer(e->line));
        json_object_set_new(er, "col", json_integer(e->col));
    }
    return 0;
}

int api_rule_validate(srv_req_t *r)
{
    size_t len;
    const char *file, *yaml = rule_text(r, &len, &file);
    if (!yaml)
        return 0;
    sw_sigma_set_t *set = sw_sigma_set_new(NULL, 0);
    if (!set)
        return srv_error(r, 503, "unavailable", "out of memory");
    sw_sigma_error_t e;
    int rc = sw_sigma_set_add(set, yaml, len, file, &e);
    if (rc) {
        sw_sigma_set_free(set);
        return refused_rule(r, &e);
    }
    const sw_sigma_rule_info_t *in = sw_sigma_set_rule(set, 0);
    json_t *j = json_pack("{s:b, s:s, s:s, s:s, s:s}", "ok", 1, "id", in->id, "title", in->title,
                          "level", in->level, "author", in->author);
    if (!*in->id)
        json_object_set_new(j, "warning",
                            json_string("the rule has no id: deploying needs one (withdrawing "
                                        "names it)"));
    sw_sigma_set_free(set);
    return srv_ok(r, 200, j);
}

typedef struct test_ctx {
    json_t *matches;
    long limit;
} test_ctx_t;

static void test_match(const sw_sigma_alert_t *a, int64_t record, const char *json, size_t len,
                       void *ud)
{
    (void)a;
    test_ctx_t *c = ud;
    if ((long)json_array_size(c->matches) >= c->limit)
        return;
    json_t *rec = json_loadb(json, len, 0, NULL);
    json_array_append_new(c->matches, json_pack("{s:I, s:o}", "record", (json_int_t)record, "event",
                                                rec ? rec : json_object()));
}

typedef struct rule_test_job {
    char *yaml, *file;
    size_t len;
} rule_test_job_t;

static void rule_test_job_free(void *ud)
{
    rule_test_job_t *job = ud;
    free(job->yaml);
    free(job->file);
    free(job);
}

/* The rule over the team's records, on a worker (work.c): a pass over
 * every record, as long as a search, under the same deadline. */
static void rule_test_run(srv_req_t *r, void *ud)
{
    rule_test_job_t *job = ud;
    reader_t rd;
    if (reader_open(r, &rd, 0))
        return;
    sw_store_search_limits(rd.t, HUNT_DEADLINE_MS, 0);
    test_ctx_t c = {json_array(), 100};
    uint64_t n = 0;
    sw_sigma_error_t e;
    int rc = sw_deploy_test(rd.t, job->yaml, job->len, job->file, test_match, &c, &n, &e);
    int timed_out = rc && sw_store_search_timed_out(rd.t);
    int64_t records = 0;
    sw_errbuf_t err;
    sw_store_count(rd.t, &records, &err);
    rd.bad = rc && !timed_out && !strcmp(e.reason, "store"); /* damaged, say */
    reader_close(&rd);
    if (timed_out) {
        json_decref(c.matches);
        srv_error(r, 400, "query_too_big",
                  "testing the rule stopped after %d s: the team has too many records to test "
                  "it on all of them here (seawall rules test can)",
                  HUNT_DEADLINE_MS / 1000);
        return;
    }
    if (rc) {
        json_decref(c.matches);
        refused_rule(r, &e);
        return;
    }
    srv_ok(r, 200,
           json_pack("{s:I, s:I, s:o}", "matches", (json_int_t)n, "records", (json_int_t)records,
                     "first", c.matches));
}

int api_rule_test(srv_req_t *r)
{
    size_t len;
    const char *file, *yaml = rule_text(r, &len, &file);
    if (!yaml)
        return 0;
    rule_test_job_t *job = calloc(1, sizeof *job);
    if (job && (job->yaml = malloc(len + 1)) && (job->file = strdup(file))) {
        memcpy(job->yaml, yaml, len);
        job->yaml[len] = '\0';
        job->len = len;
        return srv_defer(r, rule_test_run, job, rule_test_job_free); /* on a worker */
    }
    if (job)
        rule_test_job_free(job);
    return srv_error(r, 503, "unavailable", "out of memory");
}

int api_rule_deploy(srv_req_t *r)
{
    size_t len;
    const char *file, *yaml = rule_text(r, &len, &file);
    if (!yaml)
        return 0;
    json_t *req = json_pack("{s:s, s:s, s:s%}", "op", "deploy", "file", file, "yaml", yaml, len);
    return srv_act_answer(r, act(r, req));
}

int api_rule_withdraw(srv_req_t *r)
{
    return srv_act_answer(
        r, act(r, json_pack("{s:s, s:s}", "op", "withdraw", "rule_id", r->params[1])));
}

/* ---- actions, reports, messages: acts, and their journal ---------------------------- */

typedef struct list_ctx {
    json_t *a;
    const char *const *kinds; /* NULL-terminated */
    const char *team;         /* with broadcasts: this team's and the ones to all */
} list_ctx_t;

static int entry_one(const sw_journal_entry_t *e, void *ud)
{
    list_ctx_t *c = ud;
    int want = 0;
    for (size_t i = 0; c->kinds[i] && !want; i++)
        want = !strcmp(e->kind, c->kinds[i]);
    if (!want || (c->team && *e->team && strcasecmp(e->team, c->team)))
        return 0;
    json_t *p = json_loads(e->payload, 0, NULL);
    json_t *x = json_pack("{s:I, s:s, s:s, s:s, s:o}", "seq", (json_int_t)e->seq, "kind", e->kind,
                          "actor", e->actor, "team", e->team, "payload", p ? p : json_object());
    if (e->at_ms != SW_JOURNAL_NO_TIME)
        json_object_set_new(x, "at_ms", json_integer(e->at_ms));
    json_array_append_new(c->a, x);
    return json_array_size(c->a) >= 10000;
}

/* The team's journal entries of the given kinds (and, with_broadcasts,
 * the white cell's to every team) as {"team", key: [...]} */
static int list_kinds(srv_req_t *r, const char *const *kinds, const char *key, int with_broadcasts)
{
    sw_journal_t *j = NULL;
    sw_errbuf_t err;
    list_ctx_t c = {json_array(), kinds, with_broadcasts ? r->team_id : NULL};
    sw_journal_filter_t f = {with_broadcasts ? NULL : r->team_id, kinds[1] ? NULL : kinds[0], 0};
    int rc = sw_journal_open(r->srv->o.ex.db, &j, &err);
    if (!rc)
        rc = sw_journal_list(j, &f, entry_one, &c, &err);
    sw_journal_close(j);
    if (rc < 0) {
        json_decref(c.a);
        return srv_error(r, 500, "internal", "%s", err.msg);
    }
    return srv_ok(r, 200, json_pack("{s:s, s:o}", "team", r->team_id, key, c.a));
}

int api_actions_get(srv_req_t *r)
{
    static const char *const kinds[] = {"action", NULL};
    if (list_kinds(r, kinds, "actions", 0) || r->status != 200)
        return 0;
    /* each with what became of it, from the team's snapshot */
    json_t *view = srv_snapshot_team(r->srv, r->team);
    json_t *done = json_object_get(view, "actions");
    size_t i, k;
    json_t *x, *y;
    json_array_foreach(json_object_get(r->answer, "actions"), i, x)
    {
        json_int_t seq = json_integer_value(json_object_get(x, "seq"));
        json_object_set_new(x, "status", json_string("pending"));
        json_array_foreach(done, k, y)
        {
            if (json_integer_value(json_object_get(y, "seq")) != seq)
                continue;
            json_object_set(x, "status", json_object_get(y, "status"));
            if (json_object_get(y, "done_ms")) {
                json_object_set(x, "done_ms", json_object_get(y, "done_ms"));
                json_object_set(x, "result", json_object_get(y, "result"));
            }
            break;
        }
    }
    json_decref(view);
    return 0;
}

int api_action_post(srv_req_t *r)
{
    static const char *const f[] = {"action", "host", "value", "org", "to", "port", NULL};
    if (srv_only(r, f))
        return 0;
    json_t *req = json_pack("{s:s}", "op", "action");
    const char *keys[] = {"action", "host", "value", "org", "to"};
    for (size_t i = 0; i < 5; i++)
        if (srv_str(r, keys[i]))
            json_object_set_new(req, keys[i], json_string(srv_str(r, keys[i])));
    json_t *port = json_object_get(r->json, "port");
    if (port)
        json_object_set(req, "port", port);
    return srv_act_answer(r, act(r, req));
}

int api_reports_get(srv_req_t *r)
{
    static const char *const kinds[] = {"report.submit", NULL};
    return list_kinds(r, kinds, "reports", 0);
}

int api_report_post(srv_req_t *r)
{
    static const char *const f[] = {"title", "narrative",  "incident", "techniques",
                                    "hosts", "indicators", "alerts",   NULL};
    if (srv_only(r, f))
        return 0;
    json_t *req = json_deep_copy(r->json);
    json_object_set_new(req, "op", json_string("report"));
    return srv_act_answer(r, act(r, req));
}

int api_messages_get(srv_req_t *r)
{
    static const char *const kinds[] = {"message.post", "hint.release", NULL};
    return list_kinds(r, kinds, "messages", 1);
}

/* A message: to the team's chat, or (the broadcasts route, no team in its
 * path) to every team. */
int api_message_post(srv_req_t *r)
{
    static const char *const f[] = {"text", NULL};
    if (srv_only(r, f))
        return 0;
    const char *text = srv_str(r, "text");
    return srv_act_answer(
        r, act(r, json_pack("{s:s, s:s}", "op", "message", "text", text ? text : "")));
}

int api_inbox_get(srv_req_t *r)
{
    json_t *inbox = srv_inbox(r->srv, r->team);
    srv_translate_injects(r, inbox); /* ?lang= */
    return srv_ok(r, 200, json_pack("{s:s, s:o}", "team", r->team_id, "inbox", inbox));
}
