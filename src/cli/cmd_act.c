/* cmd_act.c — `seawall act`: one command in an exercise, as a player or an
 * instructor gives it from a shell: a response action (its arguments in
 * the order the action table gives: the host first, then the value), a
 * clock change, an inject released. The command goes to the process
 * playing the exercise, or to the database itself (ex_client.c), and the
 * answer says what was journaled and when it takes effect, or why not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "model/action.h"

static int act_clock(sw_cli_t *a)
{
    if (a->n_args < 2)
        return sw_cli_usage_error(a, "clock needs start, pause, resume, end or speed X");
    json_t *req = json_pack("{s:s, s:s}", "op", "clock", "what", a->args[1]);
    if (!strcmp(a->args[1], "speed")) {
        char *end = NULL;
        double v = a->n_args == 3 ? strtod(a->args[2], &end) : 0;
        if (a->n_args != 3 || *end || !(v > 0)) {
            json_decref(req);
            return sw_cli_usage_error(a, "clock speed needs a number above 0 (1 = real time)");
        }
        json_object_set_new(req, "speed", json_real(v));
    } else if (a->n_args != 2) {
        json_decref(req);
        return sw_cli_usage_error(a, "unexpected argument '%s'", a->args[2]);
    }
    return sw_cli_request(a, req, 0, NULL);
}

/* The words from i on, joined by spaces (the caller frees). */
static char *rest(const sw_cli_t *a, int i)
{
    size_t len = 1;
    for (int k = i; k < a->n_args; k++)
        len += strlen(a->args[k]) + 1;
    char *s = calloc(len, 1);
    for (int k = i; s && k < a->n_args; k++) {
        strcat(s, a->args[k]);
        if (k + 1 < a->n_args)
            strcat(s, " ");
    }
    return s;
}

/* triage, report, message, hint, penalty, send: the team's and the white cell's
 * other acts. Returns -1 when verb is none of them. */
static int act_other(sw_cli_t *a, const char *verb)
{
    json_t *req = NULL;
    if (!strcmp(verb, "triage")) {
        char *end = NULL;
        long long id = a->n_args >= 3 ? strtoll(a->args[1], &end, 10) : 0;
        if (a->n_args < 3 || a->n_args > 4 || *end || id <= 0)
            return sw_cli_usage_error(a, "triage needs ALERT_ID STATUS [ASSIGNEE] (status: "
                                         "acknowledged, true-positive, false-positive, escalated)");
        req = json_pack("{s:s, s:s, s:I, s:s}", "op", "triage", "team", a->team ? a->team : "",
                        "alert", (json_int_t)id, "status", a->args[2]);
        if (a->n_args == 4)
            json_object_set_new(req, "assignee", json_string(a->args[3]));
    } else if (!strcmp(verb, "report") || !strcmp(verb, "message") || !strcmp(verb, "hint") ||
               !strcmp(verb, "penalty")) {
        if (a->n_args < 2)
            return sw_cli_usage_error(a, "%s needs its text", verb);
        char *text = rest(a, 1);
        req = json_pack("{s:s, s:s, s:s}", "op", verb, "team", a->team ? a->team : "",
                        !strcmp(verb, "report") ? "title" : "text", text ? text : "");
        free(text);
    } else if (!strcmp(verb, "send")) {
        if (a->n_args < 3)
            return sw_cli_usage_error(a, "send needs SUBJECT BODY... (--team: one team, else all)");
        char *body = rest(a, 2);
        req = json_pack("{s:s, s:s, s:s, s:s}", "op", "send", "to", a->team ? a->team : "all",
                        "subject", a->args[1], "body", body ? body : "");
        free(body);
    } else {
        return -1;
    }
    return sw_cli_request(a, req, 0, NULL);
}

int cmd_act(sw_cli_t *a)
{
    const char *verb = a->args[0];
    int rc = act_other(a, verb);
    if (rc >= 0)
        return rc;
    if (!strcmp(verb, "clock"))
        return act_clock(a);
    if (!strcmp(verb, "inject")) {
        if (a->n_args != 2)
            return sw_cli_usage_error(a, "inject needs the inject's id (as the scenario names it)");
        return sw_cli_request(a, json_pack("{s:s, s:s}", "op", "inject", "id", a->args[1]), 0,
                              NULL);
    }
    if (!strcmp(verb, "status"))
        return sw_cli_request(a, json_pack("{s:s}", "op", "status"), 0, NULL);
    int ai = sw_enum_lookup(sw_action_names, SW_ACT__COUNT, verb);
    if (ai < 0)
        return sw_cli_usage_error(a, "unknown command '%s' (an action, clock, inject or status)",
                                  verb);
    if (!a->team)
        return sw_cli_usage_error(a, "--team says which team acts");
    const sw_action_info_t *info = sw_action_info((sw_action_t)ai);
    json_t *req = json_pack("{s:s, s:s, s:s}", "op", "action", "team", a->team, "action", verb);
    int i = 1;
    if (info->on_host) {
        if (i >= a->n_args) {
            json_decref(req);
            return sw_cli_usage_error(a, "%s needs a HOST", verb);
        }
        json_object_set_new(req, "host", json_string(a->args[i++]));
    }
    if (info->needs_port) {
        char *end = NULL;
        long port = i < a->n_args ? strtol(a->args[i], &end, 10) : 0;
        if (i >= a->n_args || *end || port < 1 || port > 65535) {
            json_decref(req);
            return sw_cli_usage_error(a, "%s needs a PORT (1-65535)", verb);
        }
        json_object_set_new(req, "port", json_integer(port));
        i++;
    }
    if (info->arg != SW_ARG_NONE && i < a->n_args) {
        if (info->arg == SW_ARG_TEXT) { /* a report: the rest of the line */
            size_t len = 0;
            for (int k = i; k < a->n_args; k++)
                len += strlen(a->args[k]) + 1;
            char *text = calloc(len + 1, 1);
            for (int k = i; text && k < a->n_args; k++) {
                strcat(text, a->args[k]);
                if (k + 1 < a->n_args)
                    strcat(text, " ");
            }
            json_object_set_new(req, "value", json_string(text ? text : ""));
            free(text);
            i = a->n_args;
        } else {
            json_object_set_new(req, "value", json_string(a->args[i++]));
        }
    }
    if (ai == SW_ACT_SHARE_INDICATOR && i < a->n_args)
        json_object_set_new(req, "to", json_string(a->args[i++]));
    if (i < a->n_args) {
        json_decref(req);
        return sw_cli_usage_error(a, "unexpected argument '%s' for %s", a->args[i], verb);
    }
    return sw_cli_request(a, req, 0, NULL);
}
