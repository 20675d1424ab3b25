/* ex_client.c — the CLI's side of the exercise runtime (ex_client.h). */
#include "cli/ex_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/sigma_load.h"
#include "cli/term_text.h"
#include "exercise/control.h"
#include "scenario/defender.h"

const char *sw_cli_db(const sw_cli_t *a)
{
    return a->db ? a->db : SW_EXERCISE_DEFAULT_DB;
}

int sw_cli_open(const sw_cli_t *a, const char *db, sw_ex_how_t how, int flags, sw_ex_note_cb cb,
                void *ud, sw_exercise_t **ex)
{
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = how;
    o.db = db;
    o.scenario = a->scenario;
    o.seed = a->seed;
    o.has_seed = a->has_seed;
    o.until_ms = a->until_ms;
    o.has_until = a->has_until;
    o.speed = a->has_speed ? a->speed : 0;
    o.telemetry = (flags & SW_CLI_TELEMETRY) != 0;
    o.bare_ok = (flags & SW_CLI_BARE_OK) != 0;
    o.actor = sw_cli_actor(a);
    o.on_note = cb;
    o.note_ud = ud;
    if (how == SW_EXO_REPLAY)
        o.replay_ms = a->has_until ? a->until_ms : -1;
    sw_diags_t d;
    sw_diags_init(&d);
    sw_errbuf_t err;
    int rc = sw_exercise_open(&o, ex, &d, &err);
    sw_diags_print(&d, stderr);
    sw_diags_free(&d);
    if (rc) {
        fprintf(stderr, "seawall %s: %s\n", a->cmd, err.msg);
        return 1;
    }
    return 0;
}

const char *sw_cli_read_team(const sw_cli_t *a)
{
    sw_exercise_info_t info;
    sw_errbuf_t err;
    if (sw_exercise_read_info(a->db, &info, &err) != SW_OK) {
        if (a->view) {
            fprintf(stderr, "seawall %s: --view is for observer delegations of an exercise; %s\n",
                    a->cmd, err.msg);
            return NULL;
        }
        return a->team; /* records only: no teams to tell apart */
    }
    const char *target = a->view ? a->view : a->team;
    char why[256];
    if (!sw_exercise_info_may_read(&info, a->team, target, 0, why, sizeof why)) {
        int observer_self = !a->view && !strstr(why, "no team");
        fprintf(stderr, "seawall %s: %s%s\n", a->cmd, why,
                observer_self && strstr(why, "observer delegation")
                    ? "; look at a player team's with --view TEAM"
                    : "");
        return NULL;
    }
    return target;
}

int sw_cli_attach_defenders(const sw_cli_t *a, sw_exercise_t *ex)
{
    for (int i = 0; i < a->n_defenders; i++) {
        char *text = NULL;
        size_t len = 0;
        sw_errbuf_t err;
        if (sw_read_file(a->defenders[i], SW_DEF_MAX_TEXT, &text, &len, &err)) {
            fprintf(stderr, "seawall %s: %s\n", a->cmd, err.msg);
            return 1;
        }
        sw_diags_t d;
        sw_diags_init(&d);
        sw_ex_reply_t rp;
        int rc =
            sw_exercise_attach_defender(ex, sw_cli_actor(a), a->defenders[i], text, len, &d, &rp);
        free(text);
        sw_diags_print(&d, stderr);
        sw_diags_free(&d);
        if (rc == SW_EEXIST) { /* a resumed exercise has it from its journal */
            if (!a->quiet)
                fprintf(stderr, "seawall %s: %s\n", a->cmd, rp.msg);
            continue;
        }
        if (rc) {
            fprintf(stderr, "seawall %s: %s\n", a->cmd, rp.msg);
            return 1;
        }
    }
    return 0;
}

/* The answer to text: from the playing process if there is one, else from
 * *ex, the exercise opened here at the first request that needs it (and
 * kept for the next). 0, or 1 after printing why. */
static int ask(const sw_cli_t *a, const char *text, int create, sw_exercise_t **ex, char **ans)
{
    const char *db = sw_cli_db(a);
    sw_errbuf_t err;
    if (!*ex) {
        int rc = sw_control_call(db, text, ans, &err);
        if (rc == SW_OK)
            return 0;
        if (rc != SW_ENOENT) {
            fprintf(stderr, "seawall %s: %s\n", a->cmd, err.msg);
            return 1;
        }
        /* nobody plays it: act on the database itself, where it stopped */
        int kind = sw_exercise_db_kind(db);
        if (kind < 0 && !create) {
            fprintf(stderr,
                    "seawall %s: %s: no such exercise database (seawall play or seawall "
                    "run makes one)\n",
                    a->cmd, db);
            return 1;
        }
        if (sw_cli_open(a, db, kind < 0 ? SW_EXO_CREATE : SW_EXO_RESUME,
                        SW_CLI_TELEMETRY | SW_CLI_BARE_OK, NULL, NULL, ex))
            return 1;
        if (kind < 0 && !a->quiet)
            printf("created exercise %s (%s, seed %llu), not started\n", db,
                   sw_exercise_scenario(*ex), (unsigned long long)sw_exercise_seed(*ex));
    }
    *ans = sw_control_handle(*ex, text, strlen(text));
    return 0;
}

/* Print ans's message; *reply (may be NULL) gets it parsed. The exit status. */
static int answer(const sw_cli_t *a, const char *ans, json_t **reply)
{
    json_t *j = ans ? json_loads(ans, 0, NULL) : NULL;
    if (!j) {
        fprintf(stderr, "seawall %s: no answer from the exercise\n", a->cmd);
        return 1;
    }
    int ok = json_is_true(json_object_get(j, "ok"));
    const char *msg = json_string_value(json_object_get(j, "msg"));
    if (msg && ok && !a->quiet) /* it may quote a rule's title or author */
        sw_term_printf(stdout, "%s\n", msg);
    else if (msg && !ok)
        sw_term_printf(stderr, "seawall %s: %s\n", a->cmd, msg);
    if (reply)
        *reply = j;
    else
        json_decref(j);
    return ok ? 0 : 1;
}

int sw_cli_requests(const sw_cli_t *a, json_t **reqs, size_t n, int create, size_t *done,
                    json_t **reply)
{
    if (reply)
        *reply = NULL;
    sw_exercise_t *ex = NULL;
    int rc = 0;
    size_t i = 0;
    for (; i < n && !rc; i++) {
        json_t *req = reqs[i];
        reqs[i] = NULL;
        if (!json_object_get(req, "actor"))
            json_object_set_new(req, "actor", json_string(sw_cli_actor(a)));
        char *text = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        char *ans = NULL;
        if (!text) {
            fprintf(stderr, "seawall %s: out of memory\n", a->cmd);
            rc = 1;
        } else if (!(rc = ask(a, text, create, &ex, &ans))) {
            rc = answer(a, ans, i + 1 == n ? reply : NULL);
        }
        free(ans);
        free(text);
        if (done && !rc)
            *done = i + 1;
    }
    for (; i < n; i++)
        json_decref(reqs[i]);
    sw_errbuf_t err;
    if (ex && sw_exercise_close(ex, &err)) {
        fprintf(stderr, "seawall %s: %s\n", a->cmd, err.msg);
        rc = 1;
    }
    return rc;
}

int sw_cli_request(const sw_cli_t *a, json_t *req, int create, json_t **reply)
{
    return sw_cli_requests(a, &req, 1, create, NULL, reply);
}
