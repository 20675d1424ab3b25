/* sched.h — the event queue and virtual clock of the simulation.
 *
 * A binary min-heap of timestamped items ordered by (at_ms, prio, seq): seq is
 * a counter stamped at push, so items due at the same millisecond and with the
 * same priority come out in the order they were pushed (stable), which the
 * determinism guarantee depends on. prio lets a caller put one class of items
 * (commands) before the others due at the same millisecond, independently of
 * when they were pushed.
 *
 * Design notes
 *  1. The clock (now_ms) never goes backwards: sw_sched_pop sets it to the
 *     popped item's time; pushing an item earlier than now_ms is refused.
 *  2. Items are plain values copied in and out; nothing points into the heap,
 *     so a handler may push while handling a popped item.
 *  3. Cancellation is the caller's business (a generation number in the item
 *     checked when it comes out: lazy deletion), keeping the heap O(log n).
 *  4. Memory is caller-visible: sw_sched_init / sw_sched_free, through the
 *     caller's allocator (sw_sched_init_alloc; the C library's by default);
 *     the heap grows by doubling up to SW_SCHED_MAX_ITEMS, past which push
 *     fails.
 */
#ifndef SW_SCHED_H
#define SW_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"

#define SW_SCHED_MAX_ITEMS ((size_t)1 << 26)

typedef struct sw_sched_item {
    int64_t at_ms;
    uint64_t seq;  /* stamped by sw_sched_push */
    uint8_t prio;  /* lower comes first among items due at the same at_ms */
    uint16_t kind; /* what the caller does with it */
    uint32_t a, b, c;
    uint32_t gen; /* caller's generation for lazy cancellation */
} sw_sched_item_t;

typedef struct sw_sched {
    sw_sched_item_t *heap;
    size_t n;
    size_t cap;
    uint64_t next_seq;
    int64_t now_ms;
    size_t peak; /* largest n seen, for memory figures */
    sw_alloc_t alloc;
} sw_sched_t;

void sw_sched_init(sw_sched_t *s, int64_t start_ms);
/* The same with an allocator (copied; NULL: the C library). */
void sw_sched_init_alloc(sw_sched_t *s, int64_t start_ms, const sw_alloc_t *a);
void sw_sched_free(sw_sched_t *s);

/* Queue a copy of *it (its seq is overwritten). SW_EINVAL when it->at_ms is
 * before now, SW_ETOOBIG past the limit, SW_ENOMEM. O(log n). */
int sw_sched_push(sw_sched_t *s, const sw_sched_item_t *it);
/* The earliest item without removing it; 0 when empty, 1 otherwise. */
int sw_sched_peek(const sw_sched_t *s, sw_sched_item_t *out);
/* Remove the earliest item into *out and advance the clock to its time;
 * 0 when empty, 1 otherwise. O(log n). */
int sw_sched_pop(sw_sched_t *s, sw_sched_item_t *out);
/* Move the clock forward to t (no-op if t <= now). */
void sw_sched_advance(sw_sched_t *s, int64_t t_ms);

static inline int64_t sw_sched_now(const sw_sched_t *s)
{
    return s->now_ms;
}
static inline size_t sw_sched_len(const sw_sched_t *s)
{
    return s->n;
}

#endif
