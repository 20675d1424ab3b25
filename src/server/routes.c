/* routes.c — the server's route table and the one place authorisation
 * happens. A route names its method, its path (with {params}), the roles it
 * admits, what the {team} of its path means (its scope) and its handler; a
 * handler never checks roles or teams itself, so none can forget to. The
 * authorisation matrix test (tests/integration/server_authz) walks this
 * table for every role and for the caller's own and another team.
 *
 * Scopes:
 *   NONE        the roles alone decide
 *   TEAM_READ   a player: its own team only; the white cell: any team; an
 *               observer: any player team when observers_see >= teams
 *   TEAM_WRITE  a player: its own team; the white cell: any team (acting
 *               for it); an observer: never
 *   TRUTH       the white cell; an observer when observers_see = everything
 * An unknown {team} is 404 for those who may see teams, 403 for others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/srv_int.h"

/* clang-format off */
const srv_route_t srv_routes[] = {
    {"POST", "/api/v1/login", SRV_ANON | SRV_ANY, SRV_SCOPE_NONE, api_login, SRV_F_NO_CSRF | SRV_F_ONE_TIME, "log in: a session cookie and its CSRF token"},
    {"POST", "/api/v1/logout", SRV_ANY, SRV_SCOPE_NONE, api_logout, SRV_F_ONE_TIME, "end the session"},
    {"GET", "/api/v1/me", SRV_ANY, SRV_SCOPE_NONE, api_me, SRV_F_ONE_TIME, "who the session is, and its CSRF token"},
    {"POST", "/api/v1/me/password", SRV_ANY, SRV_SCOPE_NONE, api_password, SRV_F_ONE_TIME, "choose one's own password (the current one is needed)"},
    {"GET", "/api/v1/exercise", SRV_ANY, SRV_SCOPE_NONE, api_exercise_get, 0, "the exercise: clock, scenario, teams, settings"},
    {"POST", "/api/v1/exercise/clock", SRV_WHITE, SRV_SCOPE_NONE, api_clock_post, 0, "start, pause, resume, change the speed of, end the clock"},
    {"GET", "/api/v1/teams", SRV_ANY, SRV_SCOPE_NONE, api_teams_get, 0, "the teams and observer delegations"},
    {"GET", "/api/v1/teams/{team}/network", SRV_ANY, SRV_SCOPE_TEAM_READ, api_team_network, 0, "a team's organisations, hosts, links and business services, live"},
    {"GET", "/api/v1/teams/{team}/truth", SRV_WHITE | SRV_OBSERVER, SRV_SCOPE_TRUTH, api_truth_get, 0, "the adversaries' footholds and objectives on a team (white cell)"},
    {"POST", "/api/v1/teams/{team}/hunt", SRV_ANY, SRV_SCOPE_TEAM_READ, api_hunt, 0, "search a team's records"},
    {"GET", "/api/v1/teams/{team}/alerts", SRV_ANY, SRV_SCOPE_TEAM_READ, api_alerts_get, 0, "a team's alerts, with their triage"},
    {"POST", "/api/v1/teams/{team}/alerts/{id}", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_alert_triage, 0, "triage an alert"},
    {"GET", "/api/v1/teams/{team}/rules", SRV_ANY, SRV_SCOPE_TEAM_READ, api_rules_get, 0, "a team's deployed rules"},
    {"POST", "/api/v1/teams/{team}/rules/validate", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_rule_validate, SRV_F_LARGE, "check a Sigma rule (line:column)"},
    {"POST", "/api/v1/teams/{team}/rules/test", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_rule_test, SRV_F_LARGE, "run a rule over the team's history"},
    {"POST", "/api/v1/teams/{team}/rules", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_rule_deploy, SRV_F_LARGE, "deploy a rule"},
    {"DELETE", "/api/v1/teams/{team}/rules/{id}", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_rule_withdraw, 0, "withdraw a rule"},
    {"GET", "/api/v1/teams/{team}/actions", SRV_ANY, SRV_SCOPE_TEAM_READ, api_actions_get, 0, "a team's response actions"},
    {"POST", "/api/v1/teams/{team}/actions", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_action_post, 0, "a response action"},
    {"GET", "/api/v1/teams/{team}/reports", SRV_ANY, SRV_SCOPE_TEAM_READ, api_reports_get, 0, "a team's incident reports"},
    {"POST", "/api/v1/teams/{team}/reports", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_report_post, 0, "file an incident report"},
    {"GET", "/api/v1/teams/{team}/messages", SRV_ANY, SRV_SCOPE_TEAM_READ, api_messages_get, 0, "a team's chat and the broadcasts"},
    {"POST", "/api/v1/teams/{team}/messages", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_message_post, 0, "a message to the team's chat"},
    {"GET", "/api/v1/teams/{team}/inbox", SRV_ANY, SRV_SCOPE_TEAM_READ, api_inbox_get, 0, "the injects that reached a team, in full"},
    {"GET", "/api/v1/teams/{team}/shares", SRV_ANY, SRV_SCOPE_TEAM_READ, api_shares_get, 0, "indicators a team shared and received (STIX 2.1)"},
    {"POST", "/api/v1/teams/{team}/shares", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_share_post, SRV_F_LARGE, "share indicators (a STIX 2.1 bundle, or a list)"},
    {"POST", "/api/v1/teams/{team}/shares/{id}/use", SRV_PLAYER | SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_share_use, 0, "block or hunt a received indicator"},
    {"GET", "/api/v1/scoreboard", SRV_ANY, SRV_SCOPE_SCOREBOARD, api_scoreboard_get, 0, "the scoreboard: each team's score by category (as the white cell lets players see it)"},
    {"POST", "/api/v1/scoreboard", SRV_WHITE, SRV_SCOPE_NONE, api_scoreboard_post, 0, "hide the scoreboard from players and observers, or freeze it"},
    {"GET", "/api/v1/report", SRV_WHITE | SRV_OBSERVER, SRV_SCOPE_REPORT, api_report_get, 0, "the after-action report of every team (?format=html|json|md|csv, ?until=, ?team=)"},
    {"GET", "/api/v1/teams/{team}/report", SRV_ANY, SRV_SCOPE_REPORT, api_report_get, 0, "a team's after-action report (its players: once the exercise has ended)"},
    {"POST", "/api/v1/broadcasts", SRV_WHITE, SRV_SCOPE_NONE, api_message_post, 0, "a message to everyone"},
    {"GET", "/api/v1/injects", SRV_WHITE, SRV_SCOPE_NONE, api_injects_get, 0, "the inject timeline: what fired, what is to come"},
    {"POST", "/api/v1/injects", SRV_WHITE, SRV_SCOPE_NONE, api_inject_post, 0, "release a scenario inject, or send one written now"},
    {"POST", "/api/v1/teams/{team}/hints", SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_hint_post, 0, "a hint for a team"},
    {"POST", "/api/v1/teams/{team}/penalties", SRV_WHITE, SRV_SCOPE_TEAM_WRITE, api_penalty_post, 0, "a rule of the exercise a team broke (scored)"},
    {"GET", "/api/v1/journal", SRV_WHITE, SRV_SCOPE_NONE, api_journal_get, 0, "every act, in order"},
    {"GET", "/api/v1/users", SRV_ADMIN, SRV_SCOPE_NONE, api_users_get, 0, "the accounts"},
    {"POST", "/api/v1/users", SRV_ADMIN, SRV_SCOPE_NONE, api_user_post, 0, "add an account (a one-time password when none is given)"},
    {"PATCH", "/api/v1/users/{id}", SRV_ADMIN, SRV_SCOPE_NONE, api_user_patch, 0, "disable, enable, or reset an account's password"},
    {"POST", "/api/v1/users/import", SRV_ADMIN, SRV_SCOPE_NONE, api_users_import, SRV_F_LARGE, "add accounts from CSV: name,role,team (one-time passwords back)"},
    {"GET", "/api/v1/teams/{team}/truth/plan", SRV_WHITE | SRV_OBSERVER, SRV_SCOPE_TRUTH, api_truth_plan, 0, "the adversaries' playbooks against a team, in order (white cell)"},
    {"GET", "/api/v1/teams/{team}/hints", SRV_ANY, SRV_SCOPE_TEAM_READ, api_hints_get, 0, "the hints the white cell gave a team"},
    {"GET", "/api/v1/teams/{team}/actions/catalogue", SRV_ANY, SRV_SCOPE_TEAM_READ, api_actions_catalogue, 0, "the response actions, what each takes and costs; with ?host= the services that depend on it"},
    {"GET", "/api/v1/teams/{team}/fields", SRV_ANY, SRV_SCOPE_TEAM_READ, api_fields_get, 0, "the sources of a team's records and the field names each carries"},
    {"GET", "/api/v1/attack/techniques", SRV_ANY, SRV_SCOPE_NONE, api_attack_get, 0, "ATT&CK techniques by id or name (?q=)"},
    {"GET", "/api/v1/scenario/text", SRV_ANY, SRV_SCOPE_NONE, api_scenario_text, 0, "the exercise's and services' names in ?lang=, the languages it has"},
    {"GET", "/api/v1/briefings/players", SRV_ANY, SRV_SCOPE_NONE, api_briefing_players, 0, "the players' briefing (Markdown) in ?lang="},
    {"GET", "/api/v1/briefings/instructors", SRV_WHITE, SRV_SCOPE_NONE, api_briefing_instructors, 0, "the white cell's briefing (Markdown) in ?lang="},
    {"GET", "/api/v1/stream", SRV_ANY, SRV_SCOPE_NONE, api_stream, 0, "the live stream (server-sent events), Last-Event-ID resumes"},
};
/* clang-format on */

const size_t srv_n_routes = sizeof srv_routes / sizeof srv_routes[0];

/* Does path match pattern? Fills r's params. */
static int match(const char *pattern, const char *path, srv_req_t *r)
{
    int n = 0;
    const char *p = pattern, *q = path;
    while (*p && *q) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *qe = strchr(q, '/');
            size_t len = qe ? (size_t)(qe - q) : strlen(q);
            if (!pe || len == 0 || len >= sizeof r->params[0] || n >= 4)
                return 0;
            memcpy(r->params[n], q, len);
            r->params[n++][len] = '\0';
            p = pe + 1;
            q += len;
            continue;
        }
        if (*p != *q)
            return 0;
        p++;
        q++;
    }
    if (*p || *q)
        return 0;
    r->n_params = n;
    return 1;
}

const srv_route_t *srv_route_find(srv_req_t *r)
{
    /* no query string in the path we match */
    char path[sizeof r->path];
    snprintf(path, sizeof path, "%s", r->path);
    char *qm = strchr(path, '?');
    if (qm)
        *qm = '\0';
    int path_known = 0;
    for (size_t i = 0; i < srv_n_routes; i++) {
        if (!match(srv_routes[i].path, path, r))
            continue;
        path_known = 1;
        if (!strcmp(srv_routes[i].method, r->method)) {
            r->route = &srv_routes[i];
            return r->route;
        }
    }
    if (path_known)
        srv_error(r, 405, "method_not_allowed", "%s is not allowed on %s", r->method, path);
    else
        srv_error(r, 404, "not_found", "no such resource: %s", path);
    return NULL;
}

static unsigned role_bit(sw_account_role_t role)
{
    switch (role) {
    case SW_ACCT_ADMIN:
        return SRV_ADMIN;
    case SW_ACCT_INSTRUCTOR:
        return SRV_INSTRUCTOR;
    case SW_ACCT_PLAYER:
        return SRV_PLAYER;
    case SW_ACCT_OBSERVER:
        return SRV_OBSERVER;
    default:
        return 0;
    }
}

int srv_authorise(srv_req_t *r)
{
    const srv_route_t *rt = r->route;
    if (!r->authed) {
        if (rt->roles & SRV_ANON)
            return 0;
        srv_error(r, 401, "unauthenticated", "log in first (POST /api/v1/login)");
        return -1;
    }
    if (r->who.must_change && !(rt->flags & SRV_F_ONE_TIME)) {
        srv_error(r, 403, "password_change_required",
                  "choose your own password first (POST /api/v1/me/password)");
        return -1;
    }
    unsigned bit = role_bit(r->who.role);
    if (!(rt->roles & bit)) {
        srv_error(r, 403, "forbidden", "a%s %s may not do this",
                  r->who.role == SW_ACCT_ADMIN || r->who.role == SW_ACCT_INSTRUCTOR ? "n" : "",
                  sw_account_role_names[r->who.role]);
        return -1;
    }
    if (rt->scope == SRV_SCOPE_NONE)
        return 0;
    int white = r->who.role == SW_ACCT_ADMIN || r->who.role == SW_ACCT_INSTRUCTOR;
    int observer = r->who.role == SW_ACCT_OBSERVER;
    if (rt->scope == SRV_SCOPE_REPORT && !strstr(rt->path, "{team}")) {
        if (white || (observer && r->srv->info.observers_see >= SW_OBS_EVERYTHING))
            return 0;
        srv_error(r, 403, "forbidden", "the whole exercise's report is the white cell's");
        return -1;
    }
    if (rt->scope == SRV_SCOPE_SCOREBOARD) {
        if (r->who.role != SW_ACCT_OBSERVER || r->srv->info.observers_see >= SW_OBS_SCOREBOARD)
            return 0;
        srv_error(r, 403, "forbidden", "observers of this exercise do not see the scoreboard");
        return -1;
    }
    /* the {team} of the path: always the first parameter */
    const sw_world_t *w = r->srv->w;
    const char *name = r->n_params ? r->params[0] : "";
    uint32_t t = SW_NONE;
    for (uint32_t i = 0; i < w->n_teams && t == SW_NONE; i++)
        if (!strcasecmp(w->teams[i].id, name))
            t = i;
    int own = t != SW_NONE && !strcasecmp(r->who.team, w->teams[t].id);
    int sees_teams = white || (observer && r->srv->info.observers_see >= SW_OBS_TEAMS);
    if (t == SW_NONE) {
        if (sees_teams)
            srv_error(r, 404, "not_found", "no team '%.64s' in this exercise", name);
        else
            srv_error(r, 403, "forbidden", "a team sees only its own data");
        return -1;
    }
    if (w->teams[t].kind != SW_TEAM_PLAYER) {
        srv_error(r, 404, "not_found", "%s is an observer delegation: it has no data of its own",
                  w->teams[t].id);
        return -1;
    }
    int ok = 0;
    switch (rt->scope) {
    case SRV_SCOPE_TEAM_READ:
        ok = white || (r->who.role == SW_ACCT_PLAYER && own) ||
             (observer && r->srv->info.observers_see >= SW_OBS_TEAMS);
        break;
    case SRV_SCOPE_TEAM_WRITE:
        ok = white || (r->who.role == SW_ACCT_PLAYER && own);
        break;
    case SRV_SCOPE_TRUTH:
        ok = white || (observer && r->srv->info.observers_see >= SW_OBS_EVERYTHING);
        break;
    case SRV_SCOPE_REPORT: /* it tells the ground truth: a team's own, after the end */
        ok = white || (observer && r->srv->info.observers_see >= SW_OBS_EVERYTHING) ||
             (r->who.role == SW_ACCT_PLAYER && own && r->srv->ended);
        break;
    default:
        break;
    }
    if (!ok) {
        srv_error(r, 403, "forbidden", "%s",
                  observer ? "observers watch; this is not theirs to see or do"
                           : "a team sees and acts only on its own data");
        return -1;
    }
    r->team = t;
    r->team_id = w->teams[t].id;
    return 0;
}

char *sw_server_routes_json(void)
{
    json_t *a = json_array();
    for (size_t i = 0; i < srv_n_routes; i++) {
        const srv_route_t *rt = &srv_routes[i];
        json_t *roles = json_array();
        static const struct {
            unsigned bit;
            const char *name;
        } rn[] = {{SRV_ANON, "anonymous"},
                  {SRV_ADMIN, "admin"},
                  {SRV_INSTRUCTOR, "instructor"},
                  {SRV_PLAYER, "player"},
                  {SRV_OBSERVER, "observer"}};
        for (size_t k = 0; k < sizeof rn / sizeof rn[0]; k++)
            if (rt->roles & rn[k].bit)
                json_array_append_new(roles, json_string(rn[k].name));
        static const char *const scopes[] = {"none",  "team-read",  "team-write",
                                             "truth", "scoreboard", "report"};
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:o, s:s, s:b, s:b, s:b, s:s}", "method", rt->method, "path",
                         rt->path, "roles", roles, "scope", scopes[rt->scope], "large_body",
                         (rt->flags & SRV_F_LARGE) != 0, "csrf", !(rt->flags & SRV_F_NO_CSRF),
                         "one_time_password", (rt->flags & SRV_F_ONE_TIME) != 0, "summary",
                         rt->summary));
    }
    char *s = json_dumps(a, JSON_INDENT(1));
    json_decref(a);
    return s;
}
