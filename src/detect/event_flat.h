/* event_flat.h — a fast path for the commonest record shape: one flat JSON
 * object of ASCII strings, plain integers, true, false and null (what
 * seawall's telemetry and most SIEM agents write). It builds exactly the
 * sw_event_t that sw_event_parse_json (event.c) would, about 10x faster, and
 * declines (SW_ENOENT) anything else so the caller falls back to the full
 * parser: nested objects, arrays, non-ASCII bytes, \u escapes, numbers that
 * are not plain integers, duplicate keys, malformed JSON.
 *
 * fuzz/fuzz_event_flat.c checks the "exactly" differentially. */
#ifndef SW_EVENT_FLAT_H
#define SW_EVENT_FLAT_H

#include <stddef.h>

#include "detect/event.h"

/* SW_OK: ev holds the record. SW_ENOENT: not a shape this path takes (ev is
 * cleared; use sw_event_parse_json). Other SW_E*: out of memory or a limit.
 * Cost: one pass over json, O(fields^2) name comparisons for duplicates. */
int sw_event_parse_flat(sw_event_t *ev, const char *json, size_t len);

#endif
