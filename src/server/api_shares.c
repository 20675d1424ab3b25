/* api_shares.c — teams sharing indicators as STIX 2.1: a team posts a
 * bundle (another tool's, read by exercise/stix.c) or a plain list, the
 * exercise journals it with the bundle its recipients get, and a received
 * indicator becomes a block or a hunt in one request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exercise/stix.h"
#include "server/srv_int.h"

int api_share_post(srv_req_t *r)
{
    static const char *const f[] = {"bundle", "indicators", "to", "tlp", "note", NULL};
    if (srv_only(r, f))
        return 0;
    json_t *bundle = json_object_get(r->json, "bundle");
    json_t *list = json_object_get(r->json, "indicators");
    if (!!bundle == !!list)
        return srv_error(r, 400, "missing_field",
                         "share either \"bundle\" (STIX 2.1) or \"indicators\" "
                         "([{\"type\",\"value\"}])");
    sw_stix_read_t rd;
    memset(&rd, 0, sizeof rd);
    if (bundle) {
        char *text = json_dumps(bundle, JSON_COMPACT);
        sw_errbuf_t err;
        int rc = text ? sw_stix_parse(text, strlen(text), &rd, &err) : SW_ENOMEM;
        free(text);
        if (rc)
            return srv_error(r, 422, "bad_stix", "%s", err.msg);
        if (!rd.n) {
            size_t skipped = rd.skipped;
            sw_stix_read_free(&rd);
            return srv_error(r, 422, "bad_stix",
                             "the bundle holds no indicator seawall can use (%zu of other kinds)",
                             skipped);
        }
    } else {
        if (!json_is_array(list) || json_array_size(list) > SW_STIX_MAX_INDICATORS)
            return srv_error(r, 400, "bad_field", "\"indicators\" is a list of at most %d",
                             SW_STIX_MAX_INDICATORS);
        rd.ind = calloc(json_array_size(list) + 1, sizeof *rd.ind);
        size_t i;
        json_t *x;
        json_array_foreach(list, i, x)
        {
            const char *t = json_string_value(json_object_get(x, "type"));
            const char *v = json_string_value(json_object_get(x, "value"));
            if (!t || !v)
                return sw_stix_read_free(&rd),
                       srv_error(r, 400, "bad_field", "indicator %zu needs \"type\" and \"value\"",
                                 i + 1);
            snprintf(rd.ind[rd.n].type, sizeof rd.ind[0].type, "%s", t);
            snprintf(rd.ind[rd.n].value, sizeof rd.ind[0].value, "%s", v);
            rd.n++;
        }
    }
    json_t *inds = json_array();
    for (size_t i = 0; i < rd.n; i++)
        json_array_append_new(
            inds, json_pack("{s:s, s:s}", "type", rd.ind[i].type, "value", rd.ind[i].value));
    const char *note = srv_str(r, "note");
    if (!note && *rd.note)
        note = rd.note;
    json_t *req = json_pack("{s:s, s:s, s:s, s:o}", "op", "share-indicators", "team", r->team_id,
                            "actor", r->who.name, "indicators", inds);
    if (srv_str(r, "to"))
        json_object_set_new(req, "to", json_string(srv_str(r, "to")));
    const char *tlp = srv_str(r, "tlp") ? srv_str(r, "tlp") : (*rd.tlp ? rd.tlp : NULL);
    if (tlp)
        json_object_set_new(req, "tlp", json_string(tlp));
    if (note)
        json_object_set_new(req, "note", json_string(note));
    sw_stix_read_free(&rd);
    return srv_act_answer(r, srv_world_call(r->srv, req));
}

typedef struct shares_ctx {
    const char *team;
    json_t *sent, *received;
    const char *find; /* an indicator id to find (use) */
    json_t *found;    /* its {type, value} */
} shares_ctx_t;

static int share_one(const sw_journal_entry_t *e, void *ud)
{
    shares_ctx_t *c = ud;
    json_t *p = json_loads(e->payload, 0, NULL);
    const char *to = json_string_value(json_object_get(p, "to"));
    int mine = !strcasecmp(e->team, c->team);
    int for_me = !mine && to && (!strcmp(to, "all") || !strcasecmp(to, c->team));
    if (c->find && for_me) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(p, "indicators"), i, x)
        {
            const char *id = json_string_value(json_object_get(x, "id"));
            if (id && !strcmp(id, c->find) && !c->found)
                c->found = json_incref(x);
        }
    }
    if ((mine || for_me) && c->sent) {
        json_t *x =
            json_pack("{s:I, s:s, s:s, s:I, s:O}", "seq", (json_int_t)e->seq, "from", e->team,
                      "actor", e->actor, "at_ms", (json_int_t)e->at_ms, "share", p);
        json_array_append_new(mine ? c->sent : c->received, x);
    }
    json_decref(p);
    return 0;
}

static int list_shares(srv_req_t *r, shares_ctx_t *c)
{
    sw_journal_t *j = NULL;
    sw_errbuf_t err;
    sw_journal_filter_t f = {NULL, "indicator.share", 0};
    int rc = sw_journal_open(r->srv->o.ex.db, &j, &err);
    if (!rc)
        rc = sw_journal_list(j, &f, share_one, c, &err);
    sw_journal_close(j);
    if (rc < 0)
        srv_error(r, 500, "internal", "%s", err.msg);
    return rc < 0 ? -1 : 0;
}

int api_shares_get(srv_req_t *r)
{
    shares_ctx_t c = {r->team_id, json_array(), json_array(), NULL, NULL};
    if (list_shares(r, &c)) {
        json_decref(c.sent);
        json_decref(c.received);
        return 0;
    }
    return srv_ok(
        r, 200,
        json_pack("{s:s, s:o, s:o}", "team", r->team_id, "sent", c.sent, "received", c.received));
}

int api_share_use(srv_req_t *r)
{
    static const char *const f[] = {"as", NULL};
    if (srv_only(r, f))
        return 0;
    const char *as = srv_str(r, "as");
    if (!as || (strcmp(as, "block") && strcmp(as, "hunt")))
        return srv_error(r, 400, "bad_field", "\"as\" is block or hunt");
    shares_ctx_t c = {r->team_id, NULL, NULL, r->params[1], NULL};
    if (list_shares(r, &c))
        return 0;
    if (!c.found)
        return srv_error(r, 404, "not_found", "%s received no indicator %.96s", r->team_id,
                         r->params[1]);
    const char *type = json_string_value(json_object_get(c.found, "type"));
    const char *value = json_string_value(json_object_get(c.found, "value"));
    if (!strcmp(as, "hunt")) {
        /* the value as a phrase over every field of the team's records */
        char q[1200];
        size_t k = 0;
        q[k++] = '"';
        for (const char *p = value; *p && k + 3 < sizeof q; p++) {
            if (*p == '"' || *p == '\\')
                q[k++] = '\\';
            q[k++] = *p;
        }
        q[k++] = '"';
        q[k] = '\0';
        json_decref(r->json);
        r->json = json_pack("{s:s}", "query", q);
        json_decref(c.found);
        return api_hunt(r);
    }
    const char *action = !strcmp(type, "ipv4-addr") || !strcmp(type, "ipv6-addr") ? "block-ip"
                         : !strcmp(type, "domain-name")                           ? "block-domain"
                         : !strcmp(type, "user-account") ? "disable-account"
                                                         : NULL;
    if (!action) {
        json_decref(c.found);
        return srv_error(r, 422, "refused",
                         "a %s cannot be blocked at the boundary: hunt for it instead", type);
    }
    json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:s}", "op", "action", "team", r->team_id,
                            "actor", r->who.name, "action", action, "value", value);
    json_decref(c.found);
    return srv_act_answer(r, srv_world_call(r->srv, req));
}
