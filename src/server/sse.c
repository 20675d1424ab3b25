/* sse.c — the live stream: what happens in the exercise, as server-sent
 * events, each for those who may see it.
 *
 * The event log is a ring of the last SRV_EVENTS events, numbered from 1 in
 * the order the exercise published its notes, each id prefixed with this
 * server process's epoch ("5f3a9c01.1234"). A client reconnecting with
 * Last-Event-ID gets exactly what it missed; if that fell out of the ring,
 * or the id is from before a restart, it gets a `reset` event first and
 * reloads what it shows (everything acknowledged is in the journal, so
 * nothing is lost; only the stream's numbering starts again). The clock
 * reaches every stream as id-less `clock` events, at most one per exercise
 * minute, so it takes no room in the ring. Each event has an audience:
 *   ALL    everyone (the clock, broadcasts, injects to all)
 *   TEAM   one team (its alerts, its actions' results, its services, its
 *          chat, injects to it) — and the white cell, and observers when
 *          observers_see >= teams
 *   WHITE  the white cell (ground truth: adversary steps, footholds,
 *          objectives) — and observers only with observers_see = everything
 *   CELL   the white cell alone (the live scoreboard)
 *   SCORE  players, and observers with observers_see >= scoreboard: the
 *          scoreboard as the white cell lets them see it (hidden, frozen)
 * so ground truth never reaches a player's stream.
 *
 * Streams: a connection's content reader copies the events after its
 * cursor that it may see; with none left it suspends itself, and the world
 * thread resumes the suspended streams that have something new to see when
 * it publishes. One mutex guards the log: a reader holds it only to copy
 * frames (a reader-writer lock measured no better, and glibc's would let
 * a thousand readers starve the world thread). A slow client
 * only lags its own cursor: nothing is buffered per client, so it cannot
 * hold the server or other clients back. A comment line every 15 s keeps
 * proxies from closing idle streams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/text.h"
#include "server/srv_int.h"

#define SSE_PING_MS 15000

enum { AUD_ALL, AUD_TEAM, AUD_WHITE, AUD_CELL, AUD_SCORE };

typedef struct srv_event {
    uint64_t id;
    uint8_t aud;
    uint32_t team;
    char *frame; /* "id: N\nevent: T\ndata: {...}\n\n" */
    size_t len;
} srv_event_t;

typedef struct srv_stream {
    srv_t *s;
    struct MHD_Connection *conn;
    uint64_t cursor; /* the next event id to consider */
    int white;       /* sees everything */
    int observer_teams, observer_truth, observer_board;
    uint32_t team; /* a player's team */
    int suspended;
    int reset_due;      /* its Last-Event-ID was from another epoch */
    int64_t clock_sent; /* the exercise minute its last clock event said */
    int ping_due;
    char pending[256]; /* the rest of a frame that did not fit (when small) */
    char *big;         /* ... or a copy of a large one */
    size_t big_len, big_off;
    struct srv_stream *next, *prev;
} srv_stream_t;

void srv_events_init(srv_t *s)
{
    pthread_mutex_init(&s->ev_lock, NULL);
    s->events = calloc(SRV_EVENTS, sizeof *s->events);
    s->ev_first = s->ev_next = 1;
    do
        s->ev_epoch = randombytes_random();
    while (!s->ev_epoch);
}

void srv_events_free(srv_t *s)
{
    for (size_t i = 0; s->events && i < SRV_EVENTS; i++)
        free(s->events[i].frame);
    free(s->events);
    for (size_t i = 0; i < s->n_inbox; i++)
        free(s->inbox[i]);
    free(s->inbox);
    free(s->inbox_team);
}

/* Append an event (ev_lock held). data is taken. */
static void push(srv_t *s, const char *type, int aud, uint32_t team, json_t *data)
{
    if (!s->events || !data || s->ev_quiet) {
        json_decref(data);
        return;
    }
    char *text = json_dumps(data, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(data);
    if (!text)
        return;
    uint64_t id = s->ev_next++;
    size_t n = strlen(text) + strlen(type) + 64;
    char *frame = malloc(n);
    if (frame)
        snprintf(frame, n, "id: %08x.%llu\nevent: %s\ndata: %s\n\n", (unsigned)s->ev_epoch,
                 (unsigned long long)id, type, text);
    free(text);
    srv_event_t *e = &s->events[id % SRV_EVENTS];
    free(e->frame);
    e->id = id;
    e->aud = (uint8_t)aud;
    e->team = team;
    e->frame = frame;
    e->len = frame ? strlen(frame) : 0;
    if (s->ev_next - s->ev_first > SRV_EVENTS)
        s->ev_first = s->ev_next - SRV_EVENTS;
}

static void inbox_add(srv_t *s, uint32_t team, json_t *item)
{
    char *text = item ? json_dumps(item, JSON_COMPACT) : NULL;
    json_decref(item);
    if (!text)
        return;
    char **ni = realloc(s->inbox, (s->n_inbox + 1) * sizeof *ni);
    uint32_t *nt = ni ? realloc(s->inbox_team, (s->n_inbox + 1) * sizeof *nt) : NULL;
    if (ni)
        s->inbox = ni;
    if (!ni || !nt) {
        free(text);
        return;
    }
    s->inbox_team = nt;
    s->inbox[s->n_inbox] = text;
    s->inbox_team[s->n_inbox++] = team;
}

/* A scenario inject, in full, as the inbox shows it. */
static json_t *inject_json(const sw_world_t *w, uint32_t i, int64_t at_ms)
{
    const sw_inject_t *in = &w->injects[i];
    json_t *inds = json_array();
    for (uint32_t k = 0; k < in->n_indicators; k++)
        json_array_append_new(inds, json_pack("{s:s, s:s}", "type", in->indicators[k].type, "value",
                                              in->indicators[k].value));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o}", "id", in->id, "title",
                     in->title ? in->title : "", "kind", sw_inject_kind_names[in->kind], "from",
                     in->from ? in->from : "", "subject", in->subject ? in->subject : "", "body",
                     in->body ? in->body : "", "at_ms", (json_int_t)at_ms, "indicators", inds);
}

void srv_event_note(srv_t *s, const sw_ex_note_t *n)
{
    const sw_world_t *w = n->world;
    pthread_mutex_lock(&s->ev_lock);
    /* what the journal rebuilds while opening is history, not news: only
     * the inbox (what teams were sent) is kept from it */
    s->ev_quiet = n->replaying;
    switch (n->kind) {
    case SW_EXN_CLOCK: /* started, paused, resumed, a new speed */
        s->clock_ms = n->at_ms;
        push(s, "clock", AUD_ALL, SW_NONE,
             json_pack("{s:I, s:b}", "at_ms", (json_int_t)n->at_ms, "changed", 1));
        break;
    case SW_EXN_PROGRESS: /* streams say it themselves, once a minute */
        s->clock_ms = n->at_ms;
        break;
    case SW_EXN_ALERT: {
        const sw_alert_t *a = n->alert;
        push(s, "alert", AUD_TEAM, n->team,
             json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "alert", (json_int_t)a->id,
                       "team", n->team < w->n_teams ? w->teams[n->team].id : "", "title", a->title,
                       "level", a->level, "author", a->author, "host", a->host, "rule_id",
                       a->rule_id, "record", (json_int_t)a->record));
        break;
    }
    case SW_EXN_ACT: {
        const sw_journal_entry_t *e = n->act;
        json_t *p = e->payload ? json_loads(e->payload, 0, NULL) : NULL;
        if (p) { /* long texts stay in the journal */
            json_object_del(p, "files");
            json_object_del(p, "yaml");
            if (!strcmp(e->kind, "defender.attach"))
                json_object_del(p, "text");
        }
        json_t *d = json_pack("{s:I, s:s, s:s, s:s, s:I, s:o}", "seq", (json_int_t)e->seq, "kind",
                              e->kind, "actor", e->actor, "team", e->team, "at_ms",
                              (json_int_t)n->at_ms, "payload", p ? p : json_object());
        int all =
            !*e->team || !strcmp(e->kind, "exercise.create") || !strncmp(e->kind, "clock.", 6);
        if (!strcmp(e->kind, "inject.compose")) {
            json_t *to = json_object_get(p, "to");
            uint32_t t = json_array_size(to) ? n->team : SW_NONE;
            inbox_add(s, t,
                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:[]}", "id", "", "kind", "email",
                                "from", "White cell", "subject",
                                json_string_value(json_object_get(p, "subject")), "body",
                                json_string_value(json_object_get(p, "body")), "at_ms",
                                (json_int_t)n->at_ms, "indicators"));
            push(s, "inject", t == SW_NONE ? AUD_ALL : AUD_TEAM, t,
                 json_pack("{s:s, s:s, s:I}", "subject",
                           json_string_value(json_object_get(p, "subject")), "kind", "email",
                           "at_ms", (json_int_t)n->at_ms));
        }
        push(s, "act", all ? AUD_ALL : AUD_TEAM, all ? SW_NONE : n->team, d);
        break;
    }
    case SW_EXN_SIM: {
        const sw_sim_event_t *ev = n->ev;
        switch (ev->type) {
        case SW_SEV_INJECT: {
            const sw_inject_t *in = &w->injects[ev->inject];
            int white = in->to_instructors;
            uint32_t t = in->to.n == 1 ? in->to.ids[0] : SW_NONE;
            /* an inject to several (not all) teams: one entry each */
            if (in->to.n > 1)
                for (uint32_t k = 0; k < in->to.n; k++)
                    inbox_add(s, in->to.ids[k], inject_json(w, ev->inject, ev->at_ms));
            else if (!white)
                inbox_add(s, t, inject_json(w, ev->inject, ev->at_ms));
            int aud = white ? AUD_WHITE : t == SW_NONE ? AUD_ALL : AUD_TEAM;
            push(s, "inject", aud, t,
                 json_pack("{s:s, s:s, s:s, s:I}", "id", in->id, "title",
                           in->title ? in->title : "", "kind", sw_inject_kind_names[in->kind],
                           "at_ms", (json_int_t)ev->at_ms));
            break;
        }
        case SW_SEV_ACTION:
        case SW_SEV_ACTION_FAILED:
        case SW_SEV_CMD_REFUSED:
            push(s, "action", AUD_TEAM, ev->team,
                 json_pack("{s:s, s:s, s:s, s:s, s:I}", "result",
                           ev->type == SW_SEV_ACTION ? "done" : "failed", "action",
                           ev->action >= 0 && ev->action < SW_ACT__COUNT
                               ? sw_action_names[ev->action]
                               : "",
                           "host", ev->host < w->n_hosts ? w->hosts[ev->host].hostname : "",
                           "detail", ev->detail ? ev->detail : "", "at_ms", (json_int_t)ev->at_ms));
            break;
        case SW_SEV_BUSINESS_DOWN:
        case SW_SEV_BUSINESS_DEGRADED:
        case SW_SEV_BUSINESS_UP:
        case SW_SEV_HOST_DOWN:
        case SW_SEV_HOST_UP:
        case SW_SEV_HOST_ISOLATED:
        case SW_SEV_HOST_RELEASED:
        case SW_SEV_TRANSIT:
            push(s, "status", AUD_TEAM, ev->team,
                 json_pack("{s:s, s:s, s:s, s:s, s:I}", "event", sw_sim_ev_names[ev->type],
                           "business",
                           ev->business < w->n_business ? w->business[ev->business].id : "", "host",
                           ev->host < w->n_hosts ? w->hosts[ev->host].hostname : "", "detail",
                           ev->detail ? ev->detail : "", "at_ms", (json_int_t)ev->at_ms));
            break;
        case SW_SEV_LINK_DOWN:
        case SW_SEV_LINK_UP:
            push(s, "status", AUD_ALL, SW_NONE,
                 json_pack("{s:s, s:s, s:s, s:I}", "event", sw_sim_ev_names[ev->type], "link",
                           ev->link < w->n_links ? w->links[ev->link].id : "", "detail",
                           ev->detail ? ev->detail : "", "at_ms", (json_int_t)ev->at_ms));
            break;
        case SW_SEV_STEP:
        case SW_SEV_FOOTHOLD:
        case SW_SEV_FOOTHOLD_LOST:
        case SW_SEV_OBJECTIVE:
        case SW_SEV_EXFIL:
        case SW_SEV_ENCRYPTED: {
            /* ground truth: the white cell's only */
            json_t *j = json_object();
            sw_buf_t b;
            sw_buf_init(&b, (size_t)1 << 16);
            if (sw_sim_event_json(w, ev, &b) == SW_OK && sw_buf_putc(&b, '\0') == SW_OK) {
                json_decref(j);
                j = json_loads(b.data, 0, NULL);
            }
            sw_buf_free(&b);
            push(s, "truth", AUD_WHITE, ev->team, j);
            break;
        }
        default:
            break;
        }
        break;
    }
    }
    s->ev_quiet = 0;
    pthread_mutex_unlock(&s->ev_lock);
}

void srv_event_score(srv_t *s, const char *board, const char *board_public)
{
    pthread_mutex_lock(&s->ev_lock);
    /* the live board is the white cell's alone; observers see the players' */
    push(s, "score", AUD_CELL, SW_NONE, json_loads(board, 0, NULL));
    push(s, "score", AUD_SCORE, SW_NONE, json_loads(board_public, 0, NULL));
    pthread_mutex_unlock(&s->ev_lock);
}

json_t *srv_inbox(srv_t *s, uint32_t team)
{
    json_t *a = json_array();
    pthread_mutex_lock(&s->ev_lock);
    for (size_t i = 0; i < s->n_inbox; i++)
        if (s->inbox_team[i] == SW_NONE || s->inbox_team[i] == team)
            json_array_append_new(a, json_loads(s->inbox[i], 0, NULL));
    pthread_mutex_unlock(&s->ev_lock);
    return a;
}

static int may_see(const srv_stream_t *st, const srv_event_t *e)
{
    switch (e->aud) {
    case AUD_ALL:
        return 1;
    case AUD_TEAM:
        return st->white || st->observer_teams || e->team == st->team;
    case AUD_WHITE:
        return st->white || st->observer_truth;
    case AUD_CELL: /* the white cell alone */
        return st->white;
    case AUD_SCORE: /* the scoreboard as players see it (the white cell has its own) */
        return !st->white && (st->team != SW_NONE || st->observer_board);
    default:
        return 0;
    }
}

void srv_events_wake(srv_t *s)
{
    int64_t now = srv_now_ms();
    pthread_mutex_lock(&s->ev_lock);
    int ping = now - s->last_ping_ms >= SSE_PING_MS;
    if (ping)
        s->last_ping_ms = now;
    for (srv_stream_t *st = s->streams; st; st = st->next) {
        if (ping)
            st->ping_due = 1;
        if (!st->suspended)
            continue;
        /* events it may not see are passed over here, so another team's
         * business wakes no one (a connection resumed costs the server) */
        while (st->cursor < s->ev_next && st->cursor >= s->ev_first && !st->reset_due) {
            const srv_event_t *e = &s->events[st->cursor % SRV_EVENTS];
            if (e->id == st->cursor && e->frame && may_see(st, e))
                break;
            st->cursor++;
        }
        if (st->cursor < s->ev_next || ping || s->stopping || st->reset_due ||
            st->clock_sent != s->clock_ms / 60000) {
            st->suspended = 0;
            MHD_resume_connection(st->conn);
        }
    }
    pthread_mutex_unlock(&s->ev_lock);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    srv_stream_t *st = cls;
    srv_t *s = st->s;
    size_t out = 0;
    pthread_mutex_lock(&s->ev_lock);
    /* the rest of a frame first */
    if (st->big) {
        size_t n = st->big_len - st->big_off < max ? st->big_len - st->big_off : max;
        memcpy(buf, st->big + st->big_off, n);
        st->big_off += n;
        if (st->big_off == st->big_len) {
            free(st->big);
            st->big = NULL;
        }
        pthread_mutex_unlock(&s->ev_lock);
        return (ssize_t)n;
    }
    if (st->reset_due || st->cursor < s->ev_first) {
        /* missed events we no longer have (or from before a restart): the
         * client reloads what it shows */
        int n = snprintf(buf, max, "event: reset\ndata: {\"epoch\":\"%08x\",\"from\":%llu}\n\n",
                         (unsigned)s->ev_epoch, (unsigned long long)s->ev_first);
        if (st->cursor < s->ev_first)
            st->cursor = s->ev_first;
        st->reset_due = 0;
        pthread_mutex_unlock(&s->ev_lock);
        return n > 0 && (size_t)n < max ? n : 0;
    }
    if (st->clock_sent != s->clock_ms / 60000 && max > 64) {
        st->clock_sent = s->clock_ms / 60000;
        out = (size_t)snprintf(buf, max, "event: clock\ndata: {\"at_ms\":%lld}\n\n",
                               (long long)s->clock_ms);
    }
    while (st->cursor < s->ev_next && out < max) {
        const srv_event_t *e = &s->events[st->cursor % SRV_EVENTS];
        if (e->id != st->cursor || !e->frame || !may_see(st, e)) {
            st->cursor++;
            continue;
        }
        if (e->len <= max - out) {
            memcpy(buf + out, e->frame, e->len);
            out += e->len;
            st->cursor++;
            continue;
        }
        if (out > 0)
            break; /* the next call takes it whole */
        /* larger than MHD's buffer: send it in pieces */
        memcpy(buf, e->frame, max);
        st->big = malloc(e->len - max);
        if (st->big) {
            memcpy(st->big, e->frame + max, e->len - max);
            st->big_len = e->len - max;
            st->big_off = 0;
        }
        st->cursor++;
        out = max;
    }
    if (out == 0 && st->ping_due && max > 8) {
        memcpy(buf, ":ping\n\n", 7);
        out = 7;
        st->ping_due = 0;
    }
    if (out == 0) {
        if (s->stopping) {
            pthread_mutex_unlock(&s->ev_lock);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        st->suspended = 1;
        MHD_suspend_connection(st->conn);
    }
    pthread_mutex_unlock(&s->ev_lock);
    return (ssize_t)out;
}

static void stream_free(void *cls)
{
    srv_stream_t *st = cls;
    srv_t *s = st->s;
    pthread_mutex_lock(&s->ev_lock);
    if (st->prev)
        st->prev->next = st->next;
    else
        s->streams = st->next;
    if (st->next)
        st->next->prev = st->prev;
    pthread_mutex_unlock(&s->ev_lock);
    free(st->big);
    free(st);
}

int api_stream(srv_req_t *r)
{
    srv_t *s = r->srv;
    srv_stream_t *st = calloc(1, sizeof *st);
    if (!st)
        return srv_error(r, 503, "unavailable", "out of memory");
    st->s = s;
    st->conn = r->conn;
    st->white = r->who.role == SW_ACCT_ADMIN || r->who.role == SW_ACCT_INSTRUCTOR;
    st->observer_teams = r->who.role == SW_ACCT_OBSERVER && s->info.observers_see >= SW_OBS_TEAMS;
    st->observer_truth =
        r->who.role == SW_ACCT_OBSERVER && s->info.observers_see >= SW_OBS_EVERYTHING;
    st->observer_board =
        r->who.role == SW_ACCT_OBSERVER && s->info.observers_see >= SW_OBS_SCOREBOARD;
    st->team = SW_NONE;
    for (uint32_t t = 0; t < s->w->n_teams; t++)
        if (r->who.role == SW_ACCT_PLAYER && !strcasecmp(s->w->teams[t].id, r->who.team))
            st->team = t;
    /* where to start: after Last-Event-ID (or ?last=), else what comes next */
    const char *last = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
    if (!last)
        last = srv_arg(r, "last");
    pthread_mutex_lock(&s->ev_lock);
    st->cursor = s->ev_next;
    st->clock_sent = -1; /* a new stream starts with the clock */
    unsigned epoch;
    unsigned long long v;
    char tail;
    if (last && sscanf(last, "%8x.%llu%c", &epoch, &v, &tail) == 2) {
        if (epoch != s->ev_epoch)
            st->reset_due = 1; /* from before a restart */
        else if (v < s->ev_next)
            st->cursor = v + 1;
    }
    if ((st->next = s->streams))
        s->streams->prev = st;
    s->streams = st;
    pthread_mutex_unlock(&s->ev_lock);
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 8192, stream_read, st, stream_free);
    if (!resp) {
        stream_free(st);
        return srv_error(r, 503, "unavailable", "cannot stream");
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    MHD_queue_response(r->conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    r->stream = st;
    return 0;
}
