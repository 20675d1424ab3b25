/* api_hints.c — the hints the white cell gave a team, for the team's inbox:
 * its hint.release entries in the journal, oldest first (the stream only
 * carries hints as they happen; a page opened later reads them here). */
#include <stdlib.h>
#include <string.h>

#include "server/srv_int.h"

static int hint_one(const sw_journal_entry_t *e, void *ud)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    const char *text = json_string_value(json_object_get(p, "text"));
    json_t *x = json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)e->seq, "actor", e->actor, "text",
                          text ? text : "");
    json_decref(p);
    if (e->at_ms != SW_JOURNAL_NO_TIME)
        json_object_set_new(x, "at_ms", json_integer(e->at_ms));
    json_array_append_new(ud, x);
    return json_array_size(ud) >= 1000;
}

int api_hints_get(srv_req_t *r)
{
    sw_journal_t *j = NULL;
    sw_errbuf_t err;
    json_t *a = json_array();
    sw_journal_filter_t f = {r->team_id, "hint.release", 0};
    int rc = sw_journal_open(r->srv->o.ex.db, &j, &err);
    if (!rc)
        rc = sw_journal_list(j, &f, hint_one, a, &err);
    sw_journal_close(j);
    if (rc < 0) {
        json_decref(a);
        return srv_error(r, 500, "internal", "%s", err.msg);
    }
    return srv_ok(r, 200, json_pack("{s:s, s:o}", "team", r->team_id, "hints", a));
}
