/* http.c — one request's life in the server: the body read up to its
 * route's limit, the route found, the session checked, authorisation
 * (routes.c), the CSRF check on every state-changing request, the handler,
 * and the answer: JSON with a stable error code and a human message.
 *
 *   first call      a request context; the route decides the body's limit
 *   upload calls    the body, kept up to the limit (past it: discarded, 413;
 *                   declared far past it: 413 at once; chunked without end:
 *                   the connection closed once SRV_MAX_DROPPED were dropped)
 *   last call       dispatch (below), then queue the answer
 *
 * Every answer carries Cache-Control: no-store and nosniff; errors are
 * {"error":{"code","message"}} with a code from a small fixed set. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/text.h"
#include "server/srv_int.h"

static srv_req_t *req_new(srv_t *s, struct MHD_Connection *conn, const char *url,
                          const char *method)
{
    srv_req_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->srv = s;
    r->conn = conn;
    r->team = SW_NONE;
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->path, sizeof r->path, "%s", url);
    if (strlen(url) >= sizeof r->path)
        r->too_big = 1; /* a path this long names nothing: 414 */
    return r;
}

void srv_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                   enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    srv_req_t *r = *con_cls;
    if (!r)
        return;
    free(r->body);
    json_decref(r->json);
    json_decref(r->answer);
    free(r->answer_text);
    free(r);
    *con_cls = NULL;
}

int srv_error(srv_req_t *r, unsigned status, const char *code, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* a message names what was sent (a path, a field): its bytes may be
     * invalid UTF-8, or cut inside a character, and JSON holds neither */
    sw_utf8_scrub(msg);
    json_decref(r->answer);
    free(r->answer_text);
    r->answer_text = NULL;
    r->status = status;
    r->answer = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg);
    return 0;
}

int srv_ok(srv_req_t *r, unsigned status, json_t *answer)
{
    json_decref(r->answer);
    free(r->answer_text);
    r->answer_text = NULL;
    r->status = status;
    r->answer = answer ? answer : json_object();
    return 0;
}

int srv_ok_text(srv_req_t *r, unsigned status, char *text)
{
    json_decref(r->answer);
    r->answer = NULL;
    free(r->answer_text);
    r->status = status;
    r->answer_text = text;
    return 0;
}

int srv_act_answer(srv_req_t *r, json_t *reply)
{
    if (!reply)
        return srv_error(r, 500, "internal", "no answer from the exercise");
    int ok = json_is_true(json_object_get(reply, "ok"));
    int code = (int)json_integer_value(json_object_get(reply, "code"));
    const char *msg = json_string_value(json_object_get(reply, "msg"));
    if (ok)
        return srv_ok(r, 200, reply);
    unsigned status = code == SW_ENOENT    ? 404
                      : code == SW_EEXIST  ? 409
                      : code == SW_ESTATE  ? 409
                      : code == SW_ETOOBIG ? 413
                      : code == SW_EIO     ? 500
                      : code == SW_ENOMEM  ? 503
                                           : 422;
    const char *c = code == SW_ENOENT    ? "not_found"
                    : code == SW_EEXIST  ? "conflict"
                    : code == SW_ESTATE  ? "wrong_state"
                    : code == SW_ETOOBIG ? "too_large"
                    : code == SW_EIO     ? "internal"
                    : code == SW_ENOMEM  ? "unavailable"
                                         : "refused";
    srv_error(r, status, c, "%s", msg ? msg : "refused");
    json_t *line = json_object_get(reply, "line");
    if (line) /* a rule refused at line:column */
        json_object_set(json_object_get(r->answer, "error"), "line", line);
    json_t *col = json_object_get(reply, "col");
    if (col)
        json_object_set(json_object_get(r->answer, "error"), "col", col);
    json_decref(reply);
    return 0;
}

const char *srv_str(srv_req_t *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

int srv_only(srv_req_t *r, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(r->json, k, v)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = !strcmp(k, *a);
        if (!ok) {
            srv_error(r, 400, "unknown_field", "unknown field \"%.64s\"", k);
            return 1;
        }
    }
    return 0;
}

const char *srv_arg(srv_req_t *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Origin, when the browser sends it, must be this server. */
static int same_origin(srv_req_t *r)
{
    const char *origin = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
    if (!origin)
        return 1;
    if (!host)
        return 0;
    const char *p = strstr(origin, "://");
    return p && !strcasecmp(p + 3, host);
}

/* Route, session, authorisation, CSRF, body: then the handler. */
static void dispatch(srv_req_t *r)
{
    if (r->too_big) {
        srv_error(r, 413, "too_large", "the request is larger than this route accepts");
        return;
    }
    const srv_route_t *route = srv_route_find(r);
    if (!route)
        return; /* 404 or 405 answered */
    r->route = route;
    char csrf[SW_SESSION_TOKEN_LEN + 1] = "";
    r->authed = srv_session(r, csrf) == 0;
    if (srv_authorise(r))
        return;
    int writes = strcmp(r->method, "GET") && strcmp(r->method, "HEAD");
    if (writes && !(route->flags & SRV_F_NO_CSRF)) {
        const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!h || !*csrf || strlen(h) != strlen(csrf) ||
            sodium_memcmp(h, csrf, strlen(csrf)) != 0) { /* in constant time */
            srv_error(r, 403, "csrf",
                      "a state-changing request needs the X-CSRF-Token header of its session");
            return;
        }
    }
    if (writes && !same_origin(r)) {
        srv_error(r, 403, "origin", "the request comes from another site");
        return;
    }
    if (r->body_len) {
        json_error_t je;
        r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(r->json)) {
            srv_error(r, 400, "bad_json", "the body is not a JSON object (line %d, column %d: %s)",
                      je.line, je.column, je.text);
            return;
        }
    } else if (writes) {
        r->json = json_object();
    }
    route->fn(r);
}

static enum MHD_Result send_answer(srv_req_t *r)
{
    char *text = r->answer_text ? r->answer_text
                 : r->answer    ? json_dumps(r->answer, JSON_COMPACT)
                                : strdup("{}");
    r->answer_text = NULL;
    if (!text)
        return MHD_NO;
    size_t n = strlen(text);
    text[n] = '\0';
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->set_cookie)
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->status == 429)
        MHD_add_response_header(resp, "Retry-After", "60");
    enum MHD_Result rc = MHD_queue_response(r->conn, r->status ? r->status : 200, resp);
    MHD_destroy_response(resp);
    return rc;
}

enum MHD_Result srv_access(void *cls, struct MHD_Connection *conn, const char *url,
                           const char *method, const char *version, const char *upload,
                           size_t *upload_size, void **con_cls)
{
    (void)version;
    srv_t *s = cls;
    srv_req_t *r = *con_cls;
    if (!r && srv_is_static(url)) /* the browser interface (static.c) */
        return srv_static(conn, url, method);
    if (!r) {
        if (!(r = req_new(s, conn, url, method)))
            return MHD_NO;
        /* how large a body this request may bring */
        r->body_cap = SRV_MAX_BODY;
        if (srv_route_find(r) && r->status == 0 && r->route && (r->route->flags & SRV_F_LARGE))
            r->body_cap = SRV_MAX_BODY_LARGE;
        json_decref(r->answer);
        r->answer = NULL;
        r->status = 0;
        r->route = NULL;
        *con_cls = r;
        /* a body declared far past the limit is refused before a byte of it
         * is read (the connection closes after the answer; one a little
         * past it is read and dropped, so that its sender, still sending,
         * reads the 413 rather than a reset connection) */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > r->body_cap + SRV_MAX_DROPPED) {
            r->too_big = 1;
            dispatch(r);
            return send_answer(r);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->too_big) {
            if (r->body_len + *upload_size > r->body_cap) {
                r->too_big = 1; /* read and dropped: 413 at the end */
                r->dropped = r->body_len + *upload_size;
                free(r->body);
                r->body = NULL;
                r->body_len = 0;
            } else {
                char *nb = realloc(r->body, r->body_len + *upload_size + 1);
                if (!nb)
                    return MHD_NO;
                r->body = nb;
                memcpy(r->body + r->body_len, upload, *upload_size);
                r->body_len += *upload_size;
                r->body[r->body_len] = '\0';
            }
        } else if ((r->dropped += *upload_size) > SRV_MAX_DROPPED) {
            return MHD_NO; /* a chunked body without end: the connection is closed */
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->stream) /* the stream answered itself */
        return MHD_YES;
    if (r->deferred == 2) /* resumed: a worker answered (work.c) */
        return send_answer(r);
    if (r->deferred)
        return MHD_YES;
    dispatch(r);
    if (r->stream || r->deferred)
        return MHD_YES;
    return send_answer(r);
}
