/* event.c — JSON record to flat field list. See event.h for the shapes. */
#include "detect/event.h"

#include <ctype.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"

uint64_t sw_field_hash(const char *name, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        h ^= (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c); /* ASCII, as tolower in "C" */
        h *= 0x100000001b3ULL;
    }
    return h;
}

void sw_field_hash4(const char *const s[4], const size_t n[4], uint64_t out[4])
{
    uint64_t h[4];
    size_t m = n[0];
    for (int l = 0; l < 4; l++) {
        h[l] = 0xcbf29ce484222325ULL;
        m = n[l] < m ? n[l] : m;
    }
    for (size_t i = 0; i < m; i++) /* four chains side by side */
        for (int l = 0; l < 4; l++) {
            unsigned char c = (unsigned char)s[l][i];
            h[l] ^= (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            h[l] *= 0x100000001b3ULL;
        }
    for (int l = 0; l < 4; l++) {
        for (size_t i = m; i < n[l]; i++) {
            unsigned char c = (unsigned char)s[l][i];
            h[l] ^= (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            h[l] *= 0x100000001b3ULL;
        }
        out[l] = h[l];
    }
}

void sw_event_init(sw_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    sw_arena_init(&ev->arena, SW_EVENT_MAX_BYTES * 4);
}

void sw_event_free(sw_event_t *ev)
{
    free(ev->fields);
    free(ev->memo);
    sw_arena_free(&ev->arena);
    memset(ev, 0, sizeof *ev);
}

void sw_event_clear(sw_event_t *ev)
{
    ev->n_fields = 0;
    sw_arena_reset(&ev->arena);
}

/* The memo of name hashes: direct-mapped by a cheap hash of the name (its
 * length and first and last bytes), each entry a name of at most
 * MEMO_NAME bytes and its sw_field_hash. A hit costs a compare of the
 * name; the case-folding hash costs ~4 cycles a byte, one after another. */
#define MEMO_SLOTS 512
#define MEMO_NAME 22

struct sw_name_memo {
    uint64_t hash;
    uint8_t len; /* 0: empty slot; else the name's length + 1 */
    char name[MEMO_NAME + 1];
};

static uint64_t name_hash(sw_event_t *ev, const char *name, size_t len)
{
    if (len > MEMO_NAME ||
        (!ev->memo && !(ev->memo = calloc(MEMO_SLOTS, sizeof(struct sw_name_memo)))))
        return sw_field_hash(name, len);
    uint64_t a, b;
    if (len >= 8) {
        memcpy(&a, name, 8);
        memcpy(&b, name + len - 8, 8);
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, name, 4);
        memcpy(&y, name + len - 4, 4);
        a = x, b = y;
    } else {
        a = len ? (unsigned char)name[0] | (unsigned)(unsigned char)name[len / 2] << 8 : 0;
        b = len ? (unsigned char)name[len - 1] : 0;
    }
    size_t j = (size_t)(((a ^ (b << 7) ^ (b >> 13) ^ len) * 0x9e3779b97f4a7c15ULL) >> 55);
    struct sw_name_memo *m = &ev->memo[j & (MEMO_SLOTS - 1)];
    if (m->len == len + 1 && sw_mem_eq(m->name, name, len))
        return m->hash;
    m->hash = sw_field_hash(name, len);
    m->len = (uint8_t)(len + 1);
    memcpy(m->name, name, len);
    return m->hash;
}

int sw_event_add(sw_event_t *ev, const char *name, size_t name_len, const char *value,
                 size_t value_len, int type)
{
    if (ev->n_fields >= SW_EVENT_MAX_FIELDS)
        return SW_ETOOBIG;
    if (ev->n_fields == ev->cap_fields) {
        size_t cap = ev->cap_fields ? ev->cap_fields * 2 : 32;
        sw_field_t *f = realloc(ev->fields, cap * sizeof *f);
        if (!f)
            return SW_ENOMEM;
        ev->fields = f;
        ev->cap_fields = cap;
    }
    sw_field_t *f = &ev->fields[ev->n_fields];
    /* the name and the value in one piece of the arena, each NUL-ended */
    char *p = sw_arena_alloc(&ev->arena, name_len + value_len + 2);
    if (!p)
        return SW_ETOOBIG;
    memcpy(p, name, name_len);
    p[name_len] = '\0';
    memcpy(p + name_len + 1, value, value_len);
    p[name_len + 1 + value_len] = '\0';
    f->name = p;
    f->value = p + name_len + 1;
    f->name_len = (uint32_t)name_len;
    f->value_len = (uint32_t)value_len;
    f->name_hash = name_hash(ev, name, name_len);
    f->type = type;
    ev->n_fields++;
    return SW_OK;
}

const sw_field_t *sw_event_get_h(const sw_event_t *ev, const char *name, uint64_t hash)
{
    for (size_t i = 0; i < ev->n_fields; i++) {
        const sw_field_t *f = &ev->fields[i];
        if (f->name_hash == hash && strcasecmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

/* Without the hash: a name's length picks the fields to compare (hashing
 * the name was most of the cost of a lookup by a name the record lacks,
 * as each record's time lookup makes several). */
const sw_field_t *sw_event_get(const sw_event_t *ev, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < ev->n_fields; i++) {
        const sw_field_t *f = &ev->fields[i];
        if (f->name_len == n && strcasecmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

const sw_field_t *sw_event_next(const sw_event_t *ev, const sw_field_t *prev)
{
    size_t i = (size_t)(prev - ev->fields) + 1;
    for (; i < ev->n_fields; i++) {
        const sw_field_t *f = &ev->fields[i];
        if (f->name_hash == prev->name_hash && strcasecmp(f->name, prev->name) == 0)
            return f;
    }
    return NULL;
}

/* ---- flattening ---------------------------------------------------------- */

static int add_scalar(sw_event_t *ev, const char *name, size_t name_len, json_t *v)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        return sw_event_add(ev, name, name_len, json_string_value(v), json_string_length(v),
                            SW_FV_STRING);
    case JSON_INTEGER: {
        int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return sw_event_add(ev, name, name_len, num, (size_t)n, SW_FV_NUMBER);
    }
    case JSON_REAL: {
        int n = snprintf(num, sizeof num, "%.17g", json_real_value(v));
        return sw_event_add(ev, name, name_len, num, (size_t)n, SW_FV_NUMBER);
    }
    case JSON_TRUE:
        return sw_event_add(ev, name, name_len, "true", 4, SW_FV_BOOL);
    case JSON_FALSE:
        return sw_event_add(ev, name, name_len, "false", 5, SW_FV_BOOL);
    case JSON_NULL:
        return sw_event_add(ev, name, name_len, "", 0, SW_FV_NULL);
    default:
        return SW_EINVAL;
    }
}

/* Flatten v under prefix (dotted). prefix is a buffer we append to and trim. */
static int flatten(sw_event_t *ev, sw_buf_t *prefix, json_t *v, int depth)
{
    if (depth > SW_EVENT_MAX_DEPTH)
        return SW_ETOOBIG;
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        size_t keep = prefix->len;
        json_object_foreach(v, k, c)
        {
            /* XML attributes of EVTX-converted JSON ("#attributes") add no
             * name segment: Provider.#attributes.Name reads as Provider.Name. */
            if (keep && strcmp(k, "#attributes") != 0)
                sw_buf_putc(prefix, '.');
            if (strcmp(k, "#attributes") != 0)
                sw_buf_puts(prefix, k);
            if (prefix->failed)
                return SW_ETOOBIG;
            int rc = flatten(ev, prefix, c, depth + 1);
            prefix->len = keep;
            if (prefix->data)
                prefix->data[keep] = '\0';
            if (rc)
                return rc;
        }
        return SW_OK;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c)
        {
            int rc = flatten(ev, prefix, c, depth + 1);
            if (rc)
                return rc;
        }
        return SW_OK;
    }
    return add_scalar(ev, sw_buf_str(prefix), prefix->len, v);
}

/* Windows System block: the names Sigma's Windows rules use. */
static int add_system(sw_event_t *ev, json_t *sys)
{
    static const struct {
        const char *path; /* within System, '/'-separated */
        const char *name;
    } map[] = {
        {"EventID", "EventID"},
        {"Channel", "Channel"},
        {"Computer", "Computer"},
        {"Level", "Level"},
        {"Task", "Task"},
        {"Opcode", "Opcode"},
        {"Keywords", "Keywords"},
        {"Version", "Version"},
        {"EventRecordID", "EventRecordID"},
        {"Provider/#attributes/Name", "Provider_Name"},
        {"Provider/#attributes/Guid", "Provider_Guid"},
        {"TimeCreated/#attributes/SystemTime", "TimeCreated"},
        {"Execution/#attributes/ProcessID", "ProcessID"},
        {"Execution/#attributes/ThreadID", "ThreadID"},
        {"Security/#attributes/UserID", "UserID"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s", map[i].path);
        json_t *cur = sys;
        for (char *save = NULL, *tok = strtok_r(path, "/", &save); tok && cur;
             tok = strtok_r(NULL, "/", &save))
            cur = json_is_object(cur) ? json_object_get(cur, tok) : NULL;
        if (!cur)
            continue;
        /* EventID may be {"#text": 4688, "#attributes": {"Qualifiers": ..}} */
        if (json_is_object(cur) && json_object_get(cur, "#text"))
            cur = json_object_get(cur, "#text");
        if (json_is_object(cur) || json_is_array(cur))
            continue;
        int rc = add_scalar(ev, map[i].name, strlen(map[i].name), cur);
        if (rc)
            return rc;
    }
    return SW_OK;
}

/* EventData / UserData: each entry under its own name. UserData wraps its
 * fields in one element named after the event type; go one level in. */
static int add_data(sw_event_t *ev, sw_buf_t *prefix, json_t *data, int unwrap)
{
    if (!json_is_object(data))
        return SW_OK;
    const char *k;
    json_t *c;
    json_object_foreach(data, k, c)
    {
        if (!strcmp(k, "#attributes"))
            continue;
        if (unwrap && json_is_object(c)) {
            int rc = add_data(ev, prefix, c, 0);
            if (rc)
                return rc;
            continue;
        }
        sw_buf_reset(prefix);
        sw_buf_puts(prefix, k);
        int rc = flatten(ev, prefix, c, 2);
        if (rc)
            return rc;
    }
    return SW_OK;
}

int sw_event_parse_json(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err)
{
    sw_event_clear(ev);
    if (len > SW_EVENT_MAX_BYTES)
        return sw_seterr(err, SW_ETOOBIG, "record of %zu bytes is over the %u-byte limit", len,
                         SW_EVENT_MAX_BYTES);
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!root)
        return sw_seterr(err, SW_EINVAL, "column %d: %s", jerr.column, jerr.text);
    int rc = SW_OK;
    sw_buf_t prefix;
    sw_buf_init(&prefix, 4096);
    if (!json_is_object(root)) {
        rc = sw_seterr(err, SW_EINVAL, "column 1: a record must be a JSON object");
        goto done;
    }
    json_t *evt = json_object_get(root, "Event");
    json_t *sys = evt ? json_object_get(evt, "System") : NULL;
    if (json_is_object(sys)) {
        rc = add_system(ev, sys);
        if (!rc)
            rc = add_data(ev, &prefix, json_object_get(evt, "EventData"), 0);
        if (!rc)
            rc = add_data(ev, &prefix, json_object_get(evt, "UserData"), 1);
    } else {
        rc = flatten(ev, &prefix, root, 0);
    }
    if (rc)
        sw_seterr(err, rc,
                  "record is too large or too deeply nested (limits: %d levels, %d fields)",
                  SW_EVENT_MAX_DEPTH, SW_EVENT_MAX_FIELDS);
done:
    if (rc)
        sw_event_clear(ev);
    sw_buf_free(&prefix);
    json_decref(root);
    return rc;
}

/* The bytes of a 16-byte run at s that the splitter must look at (quote,
 * backslash, brace, bracket), as a bit mask. */
#ifdef __SSE2__
static unsigned split_marks16(const char *s)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    /* { and [ are 0x7b and 0x5b, } and ] 0x7d and 0x5d: bit 5 cleared, they
     * are 0x5b and 0x5d */
    const __m128i y = _mm_andnot_si128(_mm_set1_epi8(0x20), x);
    __m128i m =
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
    m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(y, _mm_set1_epi8(0x5b)),
                                     _mm_cmpeq_epi8(y, _mm_set1_epi8(0x5d))));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* One byte that matters to the splitter (a quote, backslash, brace or
 * bracket; others change nothing), with the string and depth it is at. */
enum { SPLIT_ON, SPLIT_SKIP /* the next byte is escaped */, SPLIT_END /* the record closes */ };
static inline __attribute__((always_inline)) int split_byte(char c, int *in_str, size_t *depth)
{
    if (*in_str) {
        if (c == '\\')
            return SPLIT_SKIP;
        if (c == '"')
            *in_str = 0;
    } else if (c == '"') {
        *in_str = 1;
    } else if (c == '{' || c == '[') {
        (*depth)++;
    } else if ((c == '}' || c == ']') && --*depth == 0) {
        return SPLIT_END;
    }
    return SPLIT_ON;
}

int sw_event_split(const char *text, size_t len, size_t *pos, size_t *start, size_t *rec_len)
{
    size_t i = *pos;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    *pos = i;
    if (i >= len)
        return 0;
    if (text[i] != '{')
        return SW_EINVAL;
    size_t depth = 0, j = i, end = 0;
    int in_str = 0;
#ifdef __SSE2__
    /* Only quotes, backslashes, braces and brackets matter: in runs of 16
     * bytes, each of them in turn (a record is mostly string bytes); the
     * byte loop below takes the rest. */
    unsigned escaped = 0; /* bit 0: a backslash escaped the run's first byte */
    for (; j + 16 <= len && !end; j += 16) {
        unsigned m = split_marks16(text + j) & ~escaped;
        escaped = 0;
        for (; m && !end; m &= m - 1) {
            unsigned b = (unsigned)__builtin_ctz(m);
            int a = split_byte(text[j + b], &in_str, &depth);
            if (a == SPLIT_END)
                end = j + b + 1;
            else if (a == SPLIT_SKIP && b == 15)
                escaped = 1;
            else if (a == SPLIT_SKIP)
                m &= ~(1u << (b + 1));
        }
    }
    j += escaped; /* the byte loop starts past an escaped byte */
#endif
    for (; j < len && !end; j++) {
        int a = split_byte(text[j], &in_str, &depth);
        if (a == SPLIT_END)
            end = j + 1;
        else if (a == SPLIT_SKIP)
            j++;
    }
    if (!end)
        return SW_EINVAL;
    *start = i;
    *rec_len = end - i;
    *pos = end;
    return 1;
}
