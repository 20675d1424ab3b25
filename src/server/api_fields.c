/* api_fields.c — what a team's records are made of, for the hunt page: the
 * source each record comes from (Sysmon, Security, Zeek conn, Suricata,
 * firewall, ...) and, per source, the field names its records carry (the
 * names the search language takes), so the search box can complete them
 * and the results table can show the fields that matter for each source.
 *
 * The names come from a sample: the team's last FIELDS_SAMPLE records, read
 * by ordinal (sw_store_scan), so the cost is the sample's, not the team's
 * size. The route table decides who may ask (routes.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/event_flat.h"
#include "server/srv_int.h"
#include "store/evstore.h"

#define FIELDS_SAMPLE 3000
#define FIELDS_MAX_SOURCES 32
#define FIELDS_MAX_PER_SOURCE 256
#define FIELDS_MAX_SHOWN 80 /* per source, the most frequent */

static const char *get(const sw_event_t *ev, const char *name)
{
    const sw_field_t *f = sw_event_get(ev, name);
    return f ? f->value : NULL;
}

void srv_record_source(const sw_event_t *ev, char *out, size_t len)
{
    const char *ch = get(ev, "Channel"), *ds = get(ev, "event.dataset");
    const char *msg = get(ev, "msg");
    if (ch) {
        snprintf(out, len, "%s",
                 strstr(ch, "Sysmon")          ? "sysmon"
                 : !strcasecmp(ch, "Security") ? "security"
                 : !strcasecmp(ch, "System")   ? "system"
                                               : ch);
    } else if (get(ev, "uid") && get(ev, "id.orig_h")) {
        snprintf(out, len, "%s",
                 get(ev, "query")        ? "zeek.dns"
                 : get(ev, "conn_state") ? "zeek.conn"
                 : get(ev, "method")     ? "zeek.http"
                                         : "zeek");
    } else if (get(ev, "event_type") && (get(ev, "src_ip") || get(ev, "flow_id"))) {
        snprintf(out, len, "suricata.%s", get(ev, "event_type"));
    } else if (ds) {
        snprintf(out, len, "%s", ds);
    } else if (msg && !strncmp(msg, "audit(", 6)) {
        snprintf(out, len, "auditd");
    } else {
        snprintf(out, len, "other");
    }
}

typedef struct fname {
    char *name;
    uint32_t count;
} fname_t;

typedef struct source {
    char name[64];
    uint32_t records;
    fname_t *f;
    size_t n;
} source_t;

typedef struct fields_ctx {
    sw_event_t ev;
    source_t src[FIELDS_MAX_SOURCES];
    size_t n_src;
    int oom;
} fields_ctx_t;

static source_t *source_find(fields_ctx_t *c, const char *name)
{
    for (size_t i = 0; i < c->n_src; i++)
        if (!strcmp(c->src[i].name, name))
            return &c->src[i];
    if (c->n_src == FIELDS_MAX_SOURCES)
        return NULL;
    source_t *s = &c->src[c->n_src++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->f = calloc(FIELDS_MAX_PER_SOURCE, sizeof *s->f);
    if (!s->f)
        c->oom = 1;
    return s->f ? s : NULL;
}

static int field_one(const sw_qrow_t *row, void *ud)
{
    fields_ctx_t *c = ud;
    sw_errbuf_t err;
    sw_event_clear(&c->ev);
    if (sw_event_parse(&c->ev, row->json, row->json_len, &err))
        return 0; /* not a record this reads: it names no fields */
    char name[64];
    srv_record_source(&c->ev, name, sizeof name);
    source_t *s = source_find(c, name);
    if (!s)
        return c->oom ? -1 : 0;
    s->records++;
    for (size_t fi = 0; fi < c->ev.n_fields; fi++) {
        const sw_field_t *f = &c->ev.fields[fi];
        size_t i = 0;
        while (i < s->n && strcasecmp(s->f[i].name, f->name))
            i++;
        if (i < s->n) {
            s->f[i].count++;
        } else if (s->n < FIELDS_MAX_PER_SOURCE) {
            if (!(s->f[s->n].name = strdup(f->name)))
                return c->oom = 1, -1;
            s->f[s->n++].count = 1;
        }
    }
    return 0;
}

static int by_count(const void *a, const void *b)
{
    const fname_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->name, y->name);
}

int api_fields_get(srv_req_t *r)
{
    sw_errbuf_t err;
    sw_store_t *store = NULL;
    sw_store_team_t *t = NULL;
    fields_ctx_t *c = calloc(1, sizeof *c);
    if (!c)
        return srv_error(r, 503, "unavailable", "out of memory");
    sw_event_init(&c->ev);
    int64_t n = 0;
    int rc = srv_team_take(r->srv, r->team, r->team_id, &store, &t, &err);
    if (!rc)
        rc = sw_store_count(t, &n, &err);
    if (!rc)
        rc = sw_store_scan(t, n > FIELDS_SAMPLE ? n - FIELDS_SAMPLE : 0, n, field_one, c, &err);
    srv_team_give(r->srv, r->team, store, t, rc >= 0);
    json_t *sources = json_array();
    for (size_t i = 0; i < c->n_src; i++) {
        source_t *s = &c->src[i];
        qsort(s->f, s->n, sizeof *s->f, by_count);
        json_t *names = json_array();
        for (size_t k = 0; k < s->n; k++) {
            if (k < FIELDS_MAX_SHOWN)
                json_array_append_new(names, json_pack("{s:s, s:i}", "name", s->f[k].name, "count",
                                                       (int)s->f[k].count));
            free(s->f[k].name);
        }
        free(s->f);
        json_array_append_new(sources, json_pack("{s:s, s:i, s:o}", "source", s->name, "records",
                                                 (int)s->records, "fields", names));
    }
    int oom = c->oom;
    sw_event_free(&c->ev);
    free(c);
    if (rc < 0 || oom) {
        json_decref(sources);
        if (oom)
            return srv_error(r, 503, "unavailable", "out of memory");
        /* a team with no records yet has no store of its own: no fields */
        if (rc != SW_ENOENT)
            return srv_error(r, 500, "internal", "%s", err.msg);
        sources = json_array();
    }
    return srv_ok(r, 200,
                  json_pack("{s:s, s:i, s:o}", "team", r->team_id, "sample",
                            (int)(n > FIELDS_SAMPLE ? FIELDS_SAMPLE : n), "sources", sources));
}
