/* control.c — the exercise's local control channel (control.h): request
 * dispatch to the exercise's acts, and the Unix socket that carries them. */
#include "exercise/control.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/rng.h"
#include "exercise/stix.h"

#define CONTROL_IO_MS 5000 /* a client that stalls longer is dropped */

struct sw_control {
    int fd;
    char path[108];
};

int sw_control_path(const char *db, char *buf, size_t len)
{
    if (len < 108)
        return SW_EINVAL;
    if (strlen(db) + sizeof ".ctl" <= 100) {
        snprintf(buf, len, "%s.ctl", db);
        return SW_OK;
    }
    /* too long for a socket address: a name of the database's full path */
    char full[4096];
    const char *p = realpath(db, full) ? full : db;
    snprintf(buf, len, "/tmp/seawall-%u-%016llx.ctl", (unsigned)getuid(),
             (unsigned long long)sw_hash64(p, strlen(p), SW_HASH64_INIT));
    return SW_OK;
}

/* ---- requests ---------------------------------------------------------------- */

/* Refuse fields the op does not take, by name. */
static int only_fields(json_t *req, const char *const *allowed, char *bad, size_t len)
{
    const char *k;
    json_t *v;
    json_object_foreach(req, k, v)
    {
        int ok = !strcmp(k, "op") || !strcmp(k, "actor");
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = !strcmp(k, *a);
        if (!ok) {
            snprintf(bad, len, "%s", k);
            return -1;
        }
    }
    return 0;
}

static const char *str(json_t *req, const char *key)
{
    return json_string_value(json_object_get(req, key));
}

/* A boolean member: 1, 0, or -1 when absent (unchanged). */
static int tristate(json_t *req, const char *key)
{
    json_t *v = json_object_get(req, key);
    return v ? json_is_true(v) : -1;
}

static json_t *answer(int rc, const sw_ex_reply_t *rp)
{
    json_t *a = json_pack("{s:b, s:i, s:s}", "ok", rc == SW_OK, "code", rc, "msg", rp->msg);
    if (!a) /* the message quotes bytes that are not UTF-8 (a bad request's): answer anyway */
        a = json_pack("{s:b, s:i, s:s}", "ok", rc == SW_OK, "code", rc, "msg",
                      "the request holds bytes that are not UTF-8 (the message quoting them is "
                      "left out)");
    if (a && rp->seq)
        json_object_set_new(a, "seq", json_integer(rp->seq));
    if (a && rc == SW_OK) {
        json_object_set_new(a, "at_ms", json_integer(rp->at_ms));
        json_object_set_new(a, "effect_ms", json_integer(rp->effect_ms));
    }
    return a;
}

static char *dump(json_t *a)
{
    char *s = a ? json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(a);
    return s;
}

static char *refusal(const char *fmt, const char *arg)
{
    sw_ex_reply_t rp = {0};
    snprintf(rp.msg, sizeof rp.msg, fmt, arg);
    return dump(answer(SW_EINVAL, &rp));
}

/* A report request's lists into the exercise's report. */
static int report_request(sw_exercise_t *ex, const char *actor, json_t *req, sw_ex_reply_t *rp)
{
    json_t *tech = json_object_get(req, "techniques"), *hosts = json_object_get(req, "hosts"),
           *inds = json_object_get(req, "indicators"), *alerts = json_object_get(req, "alerts");
    size_t nt = json_array_size(tech), nh = json_array_size(hosts), ni = json_array_size(inds),
           na = json_array_size(alerts);
    if (nt > 64 || nh > 64 || ni > 64 || na > 64) {
        snprintf(rp->msg, sizeof rp->msg, "a report lists at most 64 of each");
        return SW_EINVAL;
    }
    const char *t[64], *h[64];
    sw_ex_indicator_t in[64];
    int64_t al[64];
    for (size_t i = 0; i < nt; i++)
        t[i] = json_string_value(json_array_get(tech, i));
    for (size_t i = 0; i < nh; i++)
        h[i] = json_string_value(json_array_get(hosts, i));
    for (size_t i = 0; i < ni; i++) {
        in[i].type = json_string_value(json_object_get(json_array_get(inds, i), "type"));
        in[i].value = json_string_value(json_object_get(json_array_get(inds, i), "value"));
    }
    for (size_t i = 0; i < na; i++)
        al[i] = json_integer_value(json_array_get(alerts, i));
    sw_ex_report_t r = {str(req, "title"),    str(req, "narrative"),
                        str(req, "incident"), t,
                        (uint32_t)nt,         h,
                        (uint32_t)nh,         in,
                        (uint32_t)ni,         al,
                        (uint32_t)na};
    return sw_exercise_report(ex, actor, str(req, "team"), &r, rp);
}

char *sw_control_handle(sw_exercise_t *ex, const char *request, size_t len)
{
    json_error_t je;
    json_t *req = json_loadb(request, len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(req)) {
        json_decref(req);
        return refusal("the request is not a JSON object (%s)", je.text);
    }
    const char *op = str(req, "op"), *actor = str(req, "actor");
    sw_ex_reply_t rp = {0};
    int rc = SW_EINVAL;
    char bad[64] = "";
    json_t *extra = NULL;
    if (!op) {
        json_decref(req);
        return refusal("the request has no \"op\"%s", "");
    }
    if (!strcmp(op, "action")) {
        static const char *const f[] = {"team", "action", "host", "value",
                                        "org",  "to",     "port", NULL};
        if (!only_fields(req, f, bad, sizeof bad)) {
            sw_ex_action_t a = {actor,
                                str(req, "team"),
                                str(req, "action"),
                                str(req, "host"),
                                str(req, "value"),
                                str(req, "org"),
                                str(req, "to"),
                                (long)json_integer_value(json_object_get(req, "port"))};
            rc = sw_exercise_action(ex, &a, &rp);
        }
    } else if (!strcmp(op, "clock")) {
        static const char *const f[] = {"what", "speed", NULL};
        if (!only_fields(req, f, bad, sizeof bad)) {
            const char *what = str(req, "what");
            int c = what ? sw_enum_lookup(sw_ex_clock_op_names, SW_CLOCK_END + 1, what) : -1;
            if (c < 0)
                snprintf(rp.msg, sizeof rp.msg,
                         "clock what? start, pause, resume, speed X or end (got '%s')",
                         what ? what : "");
            else
                rc = sw_exercise_clock(ex, actor, (sw_ex_clock_op_t)c,
                                       json_number_value(json_object_get(req, "speed")), &rp);
        }
    } else if (!strcmp(op, "inject")) {
        static const char *const f[] = {"id", NULL};
        if (!only_fields(req, f, bad, sizeof bad))
            rc = sw_exercise_release_inject(ex, actor, str(req, "id"), &rp);
    } else if (!strcmp(op, "deploy")) {
        static const char *const f[] = {"team", "file", "yaml", NULL};
        if (!only_fields(req, f, bad, sizeof bad)) {
            const char *yaml = str(req, "yaml"), *file = str(req, "file");
            sw_sigma_error_t se;
            if (!yaml)
                snprintf(rp.msg, sizeof rp.msg, "deploy needs \"yaml\"");
            else if ((rc = sw_exercise_deploy(ex, actor, str(req, "team"), yaml,
                                              json_string_length(json_object_get(req, "yaml")),
                                              file ? file : "rule.yml", &rp, &se)) &&
                     se.line)
                extra = json_pack("{s:i, s:i}", "line", se.line, "col", se.col);
        }
    } else if (!strcmp(op, "withdraw")) {
        static const char *const f[] = {"team", "rule_id", NULL};
        if (!only_fields(req, f, bad, sizeof bad))
            rc = sw_exercise_withdraw(ex, actor, str(req, "team"), str(req, "rule_id"), &rp);
    } else if (!strcmp(op, "share")) {
        static const char *const f[] = {"from", "to", "query", "max", "now_ms", NULL};
        if (!only_fields(req, f, bad, sizeof bad)) {
            const char *q = str(req, "query");
            if (!q)
                snprintf(rp.msg, sizeof rp.msg, "share needs \"query\"");
            else
                rc = sw_exercise_share_records(
                    ex, actor, str(req, "from"), str(req, "to"), q,
                    (long)json_integer_value(json_object_get(req, "max")),
                    json_integer_value(json_object_get(req, "now_ms")), &rp);
        }
    } else if (!strcmp(op, "triage")) {
        static const char *const f[] = {"team",     "alert", "status", "assignee",
                                        "incident", "note",  NULL};
        if (!only_fields(req, f, bad, sizeof bad)) {
            sw_alert_triage_t tr = {json_integer_value(json_object_get(req, "alert")),
                                    str(req, "status"), str(req, "assignee"), str(req, "incident"),
                                    str(req, "note")};
            rc = sw_exercise_triage(ex, actor, str(req, "team"), &tr, &rp);
        }
    } else if (!strcmp(op, "report")) {
        static const char *const f[] = {"team",       "title",      "narrative",
                                        "incident",   "techniques", "hosts",
                                        "indicators", "alerts",     NULL};
        if (!only_fields(req, f, bad, sizeof bad))
            rc = report_request(ex, actor, req, &rp);
    } else if (!strcmp(op, "message")) {
        static const char *const f[] = {"team", "text", NULL};
        if (!only_fields(req, f, bad, sizeof bad))
            rc = sw_exercise_message(ex, actor, str(req, "team"), str(req, "text"), &rp);
    } else if (!strcmp(op, "hint")) {
        static const char *const f[] = {"team", "text", NULL};
        if (!only_fields(req, f, bad, sizeof bad))
            rc = sw_exercise_hint(ex, actor, str(req, "team"), str(req, "text"), &rp);
    } else if (!strcmp(op, "penalty")) {
        static const char *const f[] = {"team", "text", NULL};
        if (!only_fields(req, f, bad, sizeof bad))
            rc = sw_exercise_rule_broken(ex, actor, str(req, "team"), str(req, "text"), &rp);
    } else if (!strcmp(op, "send")) {
        static const char *const f[] = {"to", "subject", "body", NULL};
        if (!only_fields(req, f, bad, sizeof bad))
            rc = sw_exercise_compose_inject(ex, actor, str(req, "to"), str(req, "subject"),
                                            str(req, "body"), &rp);
    } else if (!strcmp(op, "share-indicators")) {
        static const char *const f[] = {"team", "to", "indicators", "tlp", "note", NULL};
        if (!only_fields(req, f, bad, sizeof bad)) {
            json_t *list = json_object_get(req, "indicators");
            size_t n = json_array_size(list);
            sw_stix_ind_t *ind = calloc(n ? n : 1, sizeof *ind);
            for (size_t i = 0; ind && i < n; i++) {
                json_t *x = json_array_get(list, i);
                const char *t = json_string_value(json_object_get(x, "type"));
                const char *v = json_string_value(json_object_get(x, "value"));
                snprintf(ind[i].type, sizeof ind[i].type, "%s", t ? t : "");
                snprintf(ind[i].value, sizeof ind[i].value, "%s", v ? v : "");
            }
            rc = ind ? sw_exercise_share_indicators(ex, actor, str(req, "team"), str(req, "to"),
                                                    ind, n, str(req, "tlp"), str(req, "note"), &rp)
                     : SW_ENOMEM;
            free(ind);
        }
    } else if (!strcmp(op, "scoreboard")) {
        static const char *const f[] = {"hidden", "frozen", NULL};
        if (!only_fields(req, f, bad, sizeof bad))
            rc = sw_exercise_scoreboard_set(ex, actor, tristate(req, "hidden"),
                                            tristate(req, "frozen"), &rp);
    } else if (!strcmp(op, "status")) {
        static const char *const f[] = {NULL};
        if (!only_fields(req, f, bad, sizeof bad)) {
            rc = SW_OK;
            snprintf(rp.msg, sizeof rp.msg, "%s", sw_ex_state_names[sw_exercise_state(ex)]);
        }
    } else {
        char *r =
            refusal("unknown op '%s' (action, clock, inject, deploy, withdraw, share, triage, "
                    "report, message, hint, send, share-indicators, scoreboard, status)",
                    op);
        json_decref(req);
        return r;
    }
    if (*bad) {
        json_decref(req);
        return refusal("unknown field \"%s\" in the request", bad);
    }
    json_t *a = answer(rc, &rp);
    if (a && extra)
        json_object_update(a, extra);
    json_decref(extra);
    if (a) {
        json_object_set_new(a, "state", json_string(sw_ex_state_names[sw_exercise_state(ex)]));
        json_object_set_new(a, "now_ms", json_integer(sw_exercise_now(ex)));
        json_object_set_new(a, "until_ms", json_integer(sw_exercise_until(ex)));
        json_object_set_new(a, "speed", json_real(sw_exercise_speed(ex)));
    }
    json_decref(req);
    return dump(a);
}

/* ---- the socket ----------------------------------------------------------------- */

static int addr_of(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa->sun_path)
        return SW_ETOOBIG;
    memcpy(sa->sun_path, path, strlen(path) + 1);
    return SW_OK;
}

int sw_control_open(const char *db, sw_control_t **out, sw_errbuf_t *err)
{
    *out = NULL;
    sw_control_t *c = calloc(1, sizeof *c);
    if (!c)
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    struct sockaddr_un sa;
    sw_control_path(db, c->path, sizeof c->path);
    if (addr_of(c->path, &sa)) {
        free(c);
        return sw_seterr(err, SW_ETOOBIG, "%s: socket path too long", c->path);
    }
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        free(c);
        return sw_seterr(err, SW_EIO, "socket: %s", strerror(errno));
    }
    /* a socket left by a process that died: nobody answers on it. Only a
     * socket is ever removed here. */
    struct stat sb;
    if (lstat(c->path, &sb) == 0) {
        if (!S_ISSOCK(sb.st_mode)) {
            close(c->fd);
            free(c);
            return sw_seterr(err, SW_EEXIST, "%s exists and is not a socket: not replacing it",
                             sa.sun_path);
        }
        unlink(c->path);
    }
    mode_t old = umask(077);
    int rc = bind(c->fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || listen(c->fd, 16) != 0) {
        int e = errno;
        close(c->fd);
        free(c);
        return sw_seterr(err, SW_EIO, "%s: %s", sa.sun_path, strerror(e));
    }
    *out = c;
    return SW_OK;
}

void sw_control_close(sw_control_t *c)
{
    if (!c)
        return;
    close(c->fd);
    unlink(c->path);
    free(c);
}

int sw_control_fd(const sw_control_t *c)
{
    return c->fd;
}

/* Read until a newline or EOF, up to the limit, each wait bounded. */
static char *read_msg(int fd, size_t limit, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    while (b) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, CONTROL_IO_MS) <= 0)
            break;
        if (n + 1 >= cap) {
            if (cap >= limit)
                break;
            char *nb = realloc(b, cap * 2);
            if (!nb)
                break;
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - n - 1);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0) {
            b[n] = '\0';
            *len = n;
            return b; /* EOF: the message is what came */
        }
        n += (size_t)r;
        if (memchr(b + n - (size_t)r, '\n', (size_t)r)) {
            b[n] = '\0';
            *len = n;
            return b;
        }
    }
    free(b);
    return NULL;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        struct pollfd p = {fd, POLLOUT, 0};
        if (poll(&p, 1, CONTROL_IO_MS) <= 0)
            return -1;
        ssize_t w = write(fd, s, n);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int sw_control_serve(sw_control_t *c, sw_exercise_t *ex)
{
    int served = 0;
    for (;;) {
        int fd = accept(c->fd, NULL, NULL);
        if (fd < 0)
            return served; /* EAGAIN: nobody (else) waiting */
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        size_t len = 0;
        char *req = read_msg(fd, SW_CONTROL_MAX_REQUEST, &len);
        char *rep = req ? sw_control_handle(ex, req, len)
                        : refusal("the request was too large or too slow%s", "");
        if (rep) {
            write_all(fd, rep, strlen(rep));
            write_all(fd, "\n", 1);
        }
        free(rep);
        free(req);
        close(fd);
        served++;
    }
}

int sw_control_call(const char *db, const char *request, char **reply, sw_errbuf_t *err)
{
    *reply = NULL;
    char path[108];
    struct sockaddr_un sa;
    sw_control_path(db, path, sizeof path);
    if (addr_of(path, &sa))
        return sw_seterr(err, SW_ETOOBIG, "%s: socket path too long", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return sw_seterr(err, SW_EIO, "socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        if (e == ENOENT || e == ECONNREFUSED)
            return sw_seterr(err, SW_ENOENT, "no seawall process plays %s", db);
        return sw_seterr(err, SW_EIO, "%s: %s", path, strerror(e));
    }
    size_t len = 0;
    int rc = SW_OK;
    if (write_all(fd, request, strlen(request)) || write_all(fd, "\n", 1))
        rc = sw_seterr(err, SW_EIO, "%s: the exercise's process did not take the request", path);
    else if (!(*reply = read_msg(fd, SW_CONTROL_MAX_REQUEST, &len)) || len == 0)
        rc = sw_seterr(err, SW_EIO, "%s: no answer from the exercise's process", path);
    if (rc) {
        free(*reply);
        *reply = NULL;
    }
    close(fd);
    return rc;
}
