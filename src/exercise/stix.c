/* stix.c — indicators in and out of STIX 2.1 (stix.h). */
#include "exercise/stix.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model/world.h"

/* The STIX 2.1 TLP 1.0 marking definitions (their ids are fixed by the spec). */
static const struct {
    const char *name, *stix, *id;
} tlps[] = {
    {"clear", "white", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
    {"white", "white", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
    {"green", "green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
    {"amber", "amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {"red", "red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
};

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static int all_hex(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (; *s; s++)
        if (!isxdigit((unsigned char)*s))
            return 0;
    return 1;
}

int sw_stix_check(sw_stix_ind_t *ind, char *why, size_t why_len)
{
    const char *t = ind->type;
    char *v = ind->value;
    uint8_t ip[16];
    int v6;
    if (!*v) {
        snprintf(why, why_len, "an indicator's value is empty");
        return -1;
    }
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20) {
            snprintf(why, why_len, "an indicator's value has a control character");
            return -1;
        }
    if (!strcmp(t, "ipv4-addr") || !strcmp(t, "ipv6-addr")) {
        if (sw_ip_parse(v, ip, &v6) || v6 != !strcmp(t, "ipv6-addr")) {
            snprintf(why, why_len, "'%.64s' is not an %s address", v, t + 0);
            return -1;
        }
        return 0;
    }
    if (!strcmp(t, "domain-name")) {
        lower(v);
        size_t n = strlen(v);
        int ok = n < 254 && strchr(v, '.') && v[0] != '.' && v[n - 1] != '.';
        for (const char *p = v; ok && *p; p++)
            ok = isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == '_';
        if (!ok) {
            snprintf(why, why_len, "'%.64s' is not a domain name", v);
            return -1;
        }
        return 0;
    }
    if (!strcmp(t, "url")) {
        if (strncasecmp(v, "http://", 7) && strncasecmp(v, "https://", 8) &&
            strncasecmp(v, "ftp://", 6)) {
            snprintf(why, why_len, "'%.64s' is not a URL (http, https or ftp)", v);
            return -1;
        }
        return 0;
    }
    if (!strcmp(t, "email-addr")) {
        const char *at = strchr(v, '@');
        if (!at || at == v || !strchr(at, '.')) {
            snprintf(why, why_len, "'%.64s' is not an e-mail address", v);
            return -1;
        }
        return 0;
    }
    if (!strcmp(t, "user-account"))
        return 0;
    static const struct {
        const char *type;
        size_t hex;
    } hashes[] = {{"file:hashes.SHA-256", 64}, {"file:hashes.SHA-1", 40}, {"file:hashes.MD5", 32}};
    for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
        if (!strcmp(t, hashes[i].type)) {
            lower(v);
            if (!all_hex(v, hashes[i].hex)) {
                snprintf(why, why_len, "'%.70s' is not a %s hash (%zu hex digits)", v, t + 12,
                         hashes[i].hex);
                return -1;
            }
            return 0;
        }
    snprintf(why, why_len,
             "type '%.40s' is not one seawall shares (ipv4-addr, ipv6-addr, domain-name, url, "
             "email-addr, user-account, file:hashes.SHA-256, file:hashes.SHA-1, file:hashes.MD5)",
             t);
    return -1;
}

void sw_stix_read_free(sw_stix_read_t *r)
{
    free(r->ind);
    memset(r, 0, sizeof *r);
}

/* Add (type, value) unless it is there; 0, or -1 past the limit. */
static int add(sw_stix_read_t *r, const char *type, const char *value, size_t vlen)
{
    sw_stix_ind_t in;
    memset(&in, 0, sizeof in);
    snprintf(in.type, sizeof in.type, "%s", type);
    if (vlen >= sizeof in.value) {
        r->skipped++;
        return 0;
    }
    memcpy(in.value, value, vlen);
    in.value[vlen] = '\0';
    char why[256];
    if (sw_stix_check(&in, why, sizeof why)) {
        r->skipped++;
        return 0;
    }
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->ind[i].type, in.type) && !strcmp(r->ind[i].value, in.value))
            return 0;
    if (r->n >= SW_STIX_MAX_INDICATORS)
        return -1;
    sw_stix_ind_t *n = realloc(r->ind, (r->n + 1) * sizeof *n);
    if (!n)
        return -1;
    r->ind = n;
    r->ind[r->n++] = in;
    return 0;
}

/* The indicator type of an object path ("file:hashes.'SHA-256'"), or NULL. */
static const char *path_type(const char *path, size_t n)
{
    char p[96];
    if (n >= sizeof p)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) /* quotes around property names go */
        if (path[i] != '\'' && path[i] != ' ')
            p[k++] = path[i];
    p[k] = '\0';
    static const struct {
        const char *path, *type;
    } map[] = {
        {"ipv4-addr:value", "ipv4-addr"},
        {"ipv6-addr:value", "ipv6-addr"},
        {"domain-name:value", "domain-name"},
        {"url:value", "url"},
        {"email-addr:value", "email-addr"},
        {"email-message:from_ref.value", "email-addr"},
        {"email-message:sender_ref.value", "email-addr"},
        {"user-account:user_id", "user-account"},
        {"user-account:account_login", "user-account"},
        {"file:hashes.SHA-256", "file:hashes.SHA-256"},
        {"file:hashes.SHA256", "file:hashes.SHA-256"},
        {"file:hashes.SHA-1", "file:hashes.SHA-1"},
        {"file:hashes.SHA1", "file:hashes.SHA-1"},
        {"file:hashes.MD5", "file:hashes.MD5"},
        {"network-traffic:dst_ref.value", "ipv4-addr"},
        {"network-traffic:src_ref.value", "ipv4-addr"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(p, map[i].path))
            return map[i].type;
    return NULL;
}

/* Every comparison path = 'literal' in a STIX pattern; others counted. */
static int read_pattern(sw_stix_read_t *r, const char *pat)
{
    const char *p = pat;
    while ((p = strchr(p, '['))) {
        p++;
        for (;;) {
            while (*p == ' ' || *p == '(')
                p++;
            const char *path = p;
            int quoted = 0; /* inside a quoted property name: file:hashes.'SHA-256' */
            while (*p && (quoted || (*p != ' ' && *p != '=' && *p != '!' && *p != ']'))) {
                if (*p == '\'')
                    quoted = !quoted;
                p++;
            }
            size_t plen = (size_t)(p - path);
            while (*p == ' ')
                p++;
            int eq = *p == '=';
            if (eq)
                p++;
            while (*p == ' ')
                p++;
            if (*p != '\'') { /* not a literal we read: to the end of this bracket */
                r->skipped++;
                while (*p && *p != ']')
                    p++;
                break;
            }
            char lit[SW_STIX_MAX_VALUE];
            size_t k = 0;
            p++;
            while (*p && *p != '\'') {
                if (*p == '\\' && p[1])
                    p++;
                if (k + 1 < sizeof lit)
                    lit[k++] = *p;
                p++;
            }
            if (*p == '\'')
                p++;
            lit[k] = '\0';
            const char *type = eq ? path_type(path, plen) : NULL;
            if (!type)
                r->skipped++;
            else if (add(r, type, lit, k))
                return -1;
            while (*p == ' ' || *p == ')')
                p++;
            if (!strncasecmp(p, "OR", 2) || !strncasecmp(p, "AND", 3)) {
                p += toupper((unsigned char)*p) == 'O' ? 2 : 3;
                continue;
            }
            break;
        }
        while (*p && *p != ']')
            p++;
        if (!*p)
            break;
    }
    return 0;
}

/* A cyber-observable object {"type","value"|"hashes"} into r. */
static int read_observable(sw_stix_read_t *r, json_t *o)
{
    const char *t = json_string_value(json_object_get(o, "type"));
    const char *v = json_string_value(json_object_get(o, "value"));
    if (!t)
        return 0;
    if (v && (!strcmp(t, "ipv4-addr") || !strcmp(t, "ipv6-addr") || !strcmp(t, "domain-name") ||
              !strcmp(t, "url") || !strcmp(t, "email-addr")))
        return add(r, t, v, strlen(v));
    if (!strcmp(t, "user-account")) {
        const char *u = json_string_value(json_object_get(o, "user_id"));
        if (!u)
            u = json_string_value(json_object_get(o, "account_login"));
        return u ? add(r, t, u, strlen(u)) : 0;
    }
    if (!strcmp(t, "file")) {
        json_t *h = json_object_get(o, "hashes");
        const char *k;
        json_t *hv;
        json_object_foreach(h, k, hv)
        {
            char path[64];
            snprintf(path, sizeof path, "file:hashes.%s", k);
            const char *type = path_type(path, strlen(path));
            const char *s = json_string_value(hv);
            if (type && s && add(r, type, s, strlen(s)))
                return -1;
        }
        return 0;
    }
    if (strcmp(t, "network-traffic") && strcmp(t, "email-message"))
        r->skipped++;
    return 0;
}

static void tlp_of(sw_stix_read_t *r, json_t *o)
{
    json_t *refs = json_object_get(o, "object_marking_refs");
    size_t i;
    json_t *ref;
    json_array_foreach(refs, i, ref)
    {
        for (size_t k = 0; k < sizeof tlps / sizeof tlps[0]; k++)
            if (json_string_value(ref) && !strcmp(json_string_value(ref), tlps[k].id)) {
                /* the strictest wins: red > amber > green > white */
                static const char *const order[] = {"white", "green", "amber", "red"};
                int cur = -1, nw = 0;
                for (int j = 0; j < 4; j++) {
                    if (!strcmp(r->tlp, order[j]))
                        cur = j;
                    if (!strcmp(tlps[k].stix, order[j]))
                        nw = j;
                }
                if (nw > cur)
                    snprintf(r->tlp, sizeof r->tlp, "%s", order[nw]);
            }
    }
}

/* Text for the note: a note's content, an indicator's description (each
 * once: seawall's bundles repeat the sharer's text on every indicator). */
static void add_note(sw_stix_read_t *out, const char *c)
{
    size_t used = strlen(out->note);
    if (c && *c && !strstr(out->note, c) && used + 2 < sizeof out->note)
        snprintf(out->note + used, sizeof out->note - used, "%s%s", used ? "\n" : "", c);
}

int sw_stix_parse(const char *text, size_t len, sw_stix_read_t *out, sw_errbuf_t *err)
{
    memset(out, 0, sizeof *out);
    if (len > SW_STIX_MAX_BYTES)
        return sw_seterr(err, SW_ETOOBIG, "the bundle is larger than %zu bytes", SW_STIX_MAX_BYTES);
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return sw_seterr(err, SW_EINVAL, "not a STIX object: line %d, column %d: %s", je.line,
                         je.column, je.text);
    }
    const char *type = json_string_value(json_object_get(root, "type"));
    json_t *objs = json_object_get(root, "objects");
    json_t *one = NULL;
    if (!type || (strcmp(type, "bundle") && !json_object_get(root, "id"))) {
        json_decref(root);
        return sw_seterr(err, SW_EINVAL, "not a STIX bundle or object (no \"type\" and \"id\")");
    }
    if (strcmp(type, "bundle")) { /* a single object */
        one = json_array();
        json_array_append(one, root);
        objs = one;
    } else if (objs && !json_is_array(objs)) {
        json_decref(root);
        return sw_seterr(err, SW_EINVAL, "the bundle's \"objects\" is not a list");
    }
    int rc = SW_OK;
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        const char *t = json_string_value(json_object_get(o, "type"));
        if (!json_is_object(o) || !t) {
            rc = sw_seterr(err, SW_EINVAL, "object %zu of the bundle has no \"type\"", i);
            break;
        }
        tlp_of(out, o);
        if (!strcmp(t, "indicator")) {
            const char *pt = json_string_value(json_object_get(o, "pattern_type"));
            const char *pat = json_string_value(json_object_get(o, "pattern"));
            if (!pat || (pt && strcmp(pt, "stix"))) {
                out->skipped++;
                continue;
            }
            if (read_pattern(out, pat)) {
                rc = sw_seterr(err, SW_ETOOBIG, "more than %d indicators", SW_STIX_MAX_INDICATORS);
                break;
            }
            add_note(out, json_string_value(json_object_get(o, "description")));
        } else if (!strcmp(t, "observed-data")) {
            json_t *embedded = json_object_get(o, "objects");
            const char *k;
            json_t *x;
            json_object_foreach(embedded, k, x)
            {
                if (read_observable(out, x))
                    rc = SW_ETOOBIG;
            }
            json_t *refs = json_object_get(o, "object_refs");
            size_t ri;
            json_t *ref;
            json_array_foreach(refs, ri, ref)
            {
                size_t oi;
                json_t *x2;
                json_array_foreach(objs, oi, x2)
                {
                    const char *id = json_string_value(json_object_get(x2, "id"));
                    if (id && json_string_value(ref) && !strcmp(id, json_string_value(ref)) &&
                        read_observable(out, x2))
                        rc = SW_ETOOBIG;
                }
            }
            if (rc) {
                sw_seterr(err, rc, "more than %d indicators", SW_STIX_MAX_INDICATORS);
                break;
            }
        } else if (!strcmp(t, "note")) {
            add_note(out, json_string_value(json_object_get(o, "content")));
        }
    }
    json_decref(one);
    json_decref(root);
    if (rc)
        sw_stix_read_free(out);
    return rc;
}

void sw_stix_pattern(const sw_stix_ind_t *ind, char *out, size_t len)
{
    const char *path = ind->type;
    char buf[64];
    if (!strncmp(ind->type, "file:hashes.", 12)) {
        snprintf(buf, sizeof buf, "file:hashes.'%s'", ind->type + 12);
        path = buf;
    } else if (!strcmp(ind->type, "user-account")) {
        path = "user-account:user_id";
    } else {
        snprintf(buf, sizeof buf, "%s:value", ind->type);
        path = buf;
    }
    /* the literal with ' and \ escaped */
    char lit[2 * SW_STIX_MAX_VALUE];
    size_t k = 0;
    for (const char *p = ind->value; *p && k + 2 < sizeof lit; p++) {
        if (*p == '\'' || *p == '\\')
            lit[k++] = '\\';
        lit[k++] = *p;
    }
    lit[k] = '\0';
    snprintf(out, len, "[%s = '%s']", path, lit);
}

void sw_stix_id(const char *type, const char *text, char *out, size_t len)
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text),
                       (const unsigned char *)"seawall-stix-ids", 16);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x50); /* version 5's shape */
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, len, "%s--%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             type, h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12],
             h[13], h[14], h[15]);
}

static void stamp(int64_t ms, char *out, size_t len)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char d[32];
    strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, len, "%s.%03dZ", d, (int)(ms % 1000));
}

json_t *sw_stix_bundle(const char *team_id, const char *team_name, const sw_stix_ind_t *ind,
                       size_t n, const char *tlp, const char *note, int64_t unix_ms)
{
    size_t t = 2; /* green */
    for (size_t k = 0; tlp && k < sizeof tlps / sizeof tlps[0]; k++)
        if (!strcasecmp(tlp, tlps[k].name))
            t = k;
    char when[40], ident[96], key[700], bid[96];
    stamp(unix_ms, when, sizeof when);
    snprintf(key, sizeof key, "team:%s", team_id);
    sw_stix_id("identity", key, ident, sizeof ident);
    json_t *objs = json_array();
    json_array_append_new(objs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "type",
                                          "identity", "spec_version", "2.1", "id", ident, "created",
                                          "2026-01-01T00:00:00.000Z", "modified",
                                          "2026-01-01T00:00:00.000Z", "name",
                                          team_name ? team_name : team_id, "identity_class",
                                          "organization", "sectors", "government-national"));
    json_array_append_new(objs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}}", "type",
                                          "marking-definition", "spec_version", "2.1", "id",
                                          tlps[t].id, "created", "2017-01-20T00:00:00.000Z",
                                          "definition_type", "tlp", "name",
                                          t == 0 || t == 1 ? "TLP:WHITE"
                                          : t == 2         ? "TLP:GREEN"
                                          : t == 3         ? "TLP:AMBER"
                                                           : "TLP:RED",
                                          "definition", "tlp", tlps[t].stix));
    for (size_t i = 0; i < n; i++) {
        char pat[1200], id[96];
        sw_stix_pattern(&ind[i], pat, sizeof pat);
        snprintf(key, sizeof key, "%s|%s|%s", team_id, ind[i].type, ind[i].value);
        sw_stix_id("indicator", key, id, sizeof id);
        json_array_append_new(
            objs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:[s]}",
                            "type", "indicator", "spec_version", "2.1", "id", id, "created", when,
                            "modified", when, "name", ind[i].value, "pattern", pat, "pattern_type",
                            "stix", "valid_from", when, "indicator_types", "malicious-activity",
                            "created_by_ref", ident, "object_marking_refs", tlps[t].id));
        if (note && *note) /* the sharer's words, on each indicator (see stix.h) */
            json_object_set_new(json_array_get(objs, json_array_size(objs) - 1), "description",
                                json_string(note));
    }
    snprintf(key, sizeof key, "%s|bundle|%lld", team_id, (long long)unix_ms);
    sw_stix_id("bundle", key, bid, sizeof bid);
    return json_pack("{s:s, s:s, s:o}", "type", "bundle", "id", bid, "objects", objs);
}
