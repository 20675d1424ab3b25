/* event.h — one log record as the detection layer sees it: a flat list of
 * (field name, value) pairs, whatever JSON shape it came in.
 *
 * Shapes read (sw_event_parse_json):
 *  - Windows events converted from EVTX: {"Event": {"System": {...},
 *    "EventData": {...}}}. EventData and UserData entries become top-level
 *    fields under their own names (CommandLine, TargetUserName, ...); System
 *    gives EventID, Channel, Computer, Level, Task, Keywords, EventRecordID,
 *    Provider_Name (from Provider's Name attribute), TimeCreated (SystemTime)
 *    and ProcessID/ThreadID (from Execution). These are the names Sigma rules
 *    for Windows use.
 *  - Flat records as SIEM agents and seawall's telemetry write them
 *    ({"EventID": 1, "Image": "..."}) and nested ECS records
 *    ({"source": {"ip": "..."}}), flattened with dots: "source.ip".
 *  - Arrays of scalars give one field per element, all with the same name
 *    (a multi-valued field); arrays of objects flatten each element.
 * Values are kept as text (numbers in their JSON spelling, true/false, null
 * as an empty value with type SW_FV_NULL).
 *
 * Field names compare case-insensitively (Windows field names are); lookups
 * use a precomputed case-folded hash so a matcher that asks for the same field
 * in many rules hashes the name once (sw_field_key).
 *
 * Memory: an event owns an arena; sw_event_clear keeps it warm for the next
 * parse, so parsing a stream of events allocates nothing in steady state.
 * It also remembers the hashes of the short names it has seen (a stream's
 * records repeat their names), so a name is hashed once, not per record. */
#ifndef SW_EVENT_H
#define SW_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

enum { SW_FV_STRING = 0, SW_FV_NUMBER = 1, SW_FV_BOOL = 2, SW_FV_NULL = 3 };

typedef struct sw_field {
    const char *name;  /* NUL-terminated */
    const char *value; /* NUL-terminated; "" for null */
    uint32_t name_len;
    uint32_t value_len;
    uint64_t name_hash; /* sw_field_hash(name) */
    int type;           /* SW_FV_* */
} sw_field_t;

typedef struct sw_name_memo sw_name_memo_t;

typedef struct sw_event {
    sw_field_t *fields;
    size_t n_fields;
    size_t cap_fields;
    sw_arena_t arena;     /* names and values */
    sw_name_memo_t *memo; /* names seen and their hashes (event.c), kept across parses */
} sw_event_t;

/* Limits on outside input: deeper nesting or more fields is an error. */
#define SW_EVENT_MAX_DEPTH 32
#define SW_EVENT_MAX_FIELDS 4096
#define SW_EVENT_MAX_BYTES (4u << 20)

void sw_event_init(sw_event_t *ev);
void sw_event_free(sw_event_t *ev);
void sw_event_clear(sw_event_t *ev);

/* Replace ev's contents with the record in json[0..len). On error ev is empty
 * and err says what and where (the JSON column). */
int sw_event_parse_json(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err);

/* Split a stream of records — JSON lines, or JSON objects concatenated with
 * any whitespace between them (pretty-printed files) — one object at a time.
 * From *pos, skips whitespace and finds the end of the next top-level {...}
 * (strings and escapes respected). Returns 1 with [*start, *start+*rec_len)
 * the record and *pos after it, 0 at the end of text, or SW_EINVAL when what
 * follows is not an object or never closes (*pos at the offending byte).
 * Cost: O(record length); no allocation. */
int sw_event_split(const char *text, size_t len, size_t *pos, size_t *start, size_t *rec_len);

/* Add one field (copied). Used by the parser and by code that builds events. */
int sw_event_add(sw_event_t *ev, const char *name, size_t name_len, const char *value,
                 size_t value_len, int type);

/* Case-folded 64-bit hash of a field name. */
uint64_t sw_field_hash(const char *name, size_t len);
/* sw_field_hash of four texts at once (s[i][0..n[i]) into out[i]): the
 * hash is a chain of multiplies a byte, and four chains side by side take
 * about the time of one. */
void sw_field_hash4(const char *const s[4], const size_t n[4], uint64_t out[4]);

/* The first field with this name (case-insensitive), or NULL. O(fields). */
const sw_field_t *sw_event_get(const sw_event_t *ev, const char *name);
/* Same with a precomputed hash: callers looking up the same name often. */
const sw_field_t *sw_event_get_h(const sw_event_t *ev, const char *name, uint64_t hash);
/* The next field after prev with the same name (multi-valued fields), or NULL. */
const sw_field_t *sw_event_next(const sw_event_t *ev, const sw_field_t *prev);

#endif
