/* sched.c — binary min-heap over (at_ms, prio, seq). See sched.h. */
#include "core/sched.h"

#include "core/err.h"

static int sched_less(const sw_sched_item_t *x, const sw_sched_item_t *y)
{
    if (x->at_ms != y->at_ms)
        return x->at_ms < y->at_ms;
    if (x->prio != y->prio)
        return x->prio < y->prio;
    return x->seq < y->seq;
}

void sw_sched_init_alloc(sw_sched_t *s, int64_t start_ms, const sw_alloc_t *a)
{
    s->heap = NULL;
    s->n = s->cap = s->peak = 0;
    s->next_seq = 0;
    s->now_ms = start_ms;
    s->alloc.fn = a ? a->fn : NULL;
    s->alloc.ud = a ? a->ud : NULL;
}

void sw_sched_init(sw_sched_t *s, int64_t start_ms)
{
    sw_sched_init_alloc(s, start_ms, NULL);
}

void sw_sched_free(sw_sched_t *s)
{
    sw_free(&s->alloc, s->heap);
    s->heap = NULL;
    s->n = s->cap = 0;
}

int sw_sched_push(sw_sched_t *s, const sw_sched_item_t *it)
{
    if (it->at_ms < s->now_ms)
        return SW_EINVAL;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        if (ncap > SW_SCHED_MAX_ITEMS)
            ncap = SW_SCHED_MAX_ITEMS;
        if (s->n >= ncap)
            return SW_ETOOBIG;
        sw_sched_item_t *nh = sw_realloc_array(&s->alloc, s->heap, ncap, sizeof *nh);
        if (!nh)
            return SW_ENOMEM;
        s->heap = nh;
        s->cap = ncap;
    }
    sw_sched_item_t item = *it;
    item.seq = s->next_seq++;
    size_t i = s->n++;
    while (i > 0) { /* sift up */
        size_t parent = (i - 1) / 2;
        if (!sched_less(&item, &s->heap[parent]))
            break;
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = item;
    if (s->n > s->peak)
        s->peak = s->n;
    return SW_OK;
}

int sw_sched_peek(const sw_sched_t *s, sw_sched_item_t *out)
{
    if (s->n == 0)
        return 0;
    *out = s->heap[0];
    return 1;
}

int sw_sched_pop(sw_sched_t *s, sw_sched_item_t *out)
{
    if (s->n == 0)
        return 0;
    *out = s->heap[0];
    sw_sched_item_t last = s->heap[--s->n];
    size_t i = 0;
    for (;;) { /* sift down */
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const sw_sched_item_t *best = &last;
        if (l < s->n && sched_less(&s->heap[l], best)) {
            m = l;
            best = &s->heap[l];
        }
        if (r < s->n && sched_less(&s->heap[r], best))
            m = r;
        if (m == i)
            break;
        s->heap[i] = s->heap[m];
        i = m;
    }
    if (s->n > 0)
        s->heap[i] = last;
    if (out->at_ms > s->now_ms)
        s->now_ms = out->at_ms;
    return 1;
}

void sw_sched_advance(sw_sched_t *s, int64_t t_ms)
{
    if (t_ms > s->now_ms)
        s->now_ms = t_ms;
}
