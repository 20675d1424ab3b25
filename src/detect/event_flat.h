/* event_flat.h — the fast reader of JSON records: every shape event.c
 * reads (the Windows Event.System / EventData shape, flat and nested ECS
 * records, arrays, reals, booleans, \u escapes, UTF-8), without jansson.
 * It builds exactly the sw_event_t that sw_event_parse_json (event.c) would,
 * about 10x faster, and declines (SW_ENOENT) what it cannot vouch for so the
 * caller falls back to the full parser: malformed JSON, duplicate keys,
 * integers of more than 18 digits, records past a limit.
 *
 * fuzz/fuzz_event_flat.c checks the "exactly" differentially. */
#ifndef SW_EVENT_FLAT_H
#define SW_EVENT_FLAT_H

#include <stddef.h>

#include "detect/event.h"

/* SW_OK: ev holds the record. SW_ENOENT: declined (ev is cleared; use
 * sw_event_parse_json). Cost: one pass over json into a tape of nodes, one
 * over the tape; duplicate keys by a small hash table of each object's
 * keys; a real read and printed without libc where that is exact. */
int sw_event_parse_flat(sw_event_t *ev, const char *json, size_t len);

/* Parse a record of any shape: the flat path when it takes it (~10x
 * faster; the same fields, fuzz/fuzz_event_flat.c holds it to that), else
 * sw_event_parse_json, whose message says where the record is bad. What
 * every reader of stored or ingested records calls. */
int sw_event_parse(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err);

#endif
