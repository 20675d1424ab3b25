/* arena.c — chunked bump allocator. See arena.h. */
#include "core/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

struct sw_arena_chunk {
    sw_arena_chunk_t *next;
    size_t cap;
    alignas(max_align_t) unsigned char mem[];
};

#define ARENA_CHUNK_MIN 8192

void sw_arena_init(sw_arena_t *a, size_t limit)
{
    a->head = NULL;
    a->cur = a->end = NULL;
    a->used_total = 0;
    a->limit = limit;
}

void sw_arena_free(sw_arena_t *a)
{
    sw_arena_chunk_t *c = a->head;
    while (c) {
        sw_arena_chunk_t *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->cur = a->end = NULL;
    a->used_total = 0;
}

void sw_arena_reset(sw_arena_t *a)
{
    if (!a->head)
        return;
    /* keep the last (oldest, usually the first allocated) chunk only */
    sw_arena_chunk_t *c = a->head;
    while (c->next) {
        sw_arena_chunk_t *n = c->next;
        free(c);
        c = n;
    }
    a->head = c;
    a->cur = c->mem;
    a->end = c->mem + c->cap;
    a->used_total = 0;
}

/* n: rounded by sw_arena_alloc, which found no room in the head chunk. */
void *sw_arena_alloc_chunk(sw_arena_t *a, size_t n)
{
    if (a->limit && a->used_total + n > a->limit)
        return NULL;
    if (!a->head || (size_t)(a->end - a->cur) < n) {
        sw_arena_chunk_t *c = a->head;
        size_t cap = n > ARENA_CHUNK_MIN ? n : ARENA_CHUNK_MIN;
        if (c && c->cap * 2 > cap && c->cap < (1u << 20))
            cap = c->cap * 2;
        sw_arena_chunk_t *nc = malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->cap = cap;
        nc->next = c;
        a->head = nc;
        a->cur = nc->mem;
        a->end = nc->mem + cap;
    }
    void *p = a->cur;
    a->cur += n;
    a->used_total += n;
    return p;
}

void *sw_arena_zalloc(sw_arena_t *a, size_t n)
{
    void *p = sw_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *sw_arena_strndup(sw_arena_t *a, const char *s, size_t n)
{
    char *p = sw_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *sw_arena_strdup(sw_arena_t *a, const char *s)
{
    return sw_arena_strndup(a, s, strlen(s));
}
