/* evscan.h — the ingest fast path: the indexed columns and the time of a
 * flat JSON record in one pass, without building an sw_event_t. Inside the
 * store module (and its fuzzer) only.
 *
 * It accepts a subset of what detect/event_flat.c accepts (one flat object
 * of ASCII strings without \u escapes, plain integers, true, false, null;
 * no duplicate key; none of the keys "Event", "#attributes", "_truth"; at
 * most 256 members) and for it gives exactly the columns evstore.c would
 * take from the parsed event: each column the first value of its field
 * (names case-insensitive), `multi` when a field repeats or EventID is not
 * a canonical integer, the time sw_query_event_time would give. Anything
 * else is SW_ENOENT and the caller takes the full path.
 * fuzz/fuzz_segment.c holds it to the full path differentially. */
#ifndef SW_EVSCAN_H
#define SW_EVSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "store/evseg.h"

/* scratch: at least len bytes, for values with escapes; row's values point
 * into json or scratch. *has_ts: a time field parsed (row->ts set). */
int store_scan(const char *json, size_t len, char *scratch, seg_row_t *row, int *has_ts);

#endif
