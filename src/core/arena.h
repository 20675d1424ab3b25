/* arena.h — a bump allocator in chunks, freed all at once.
 *
 * For data that lives and dies together (one parsed event, one loaded
 * scenario). sw_arena_reset keeps the first chunk so a loop that parses one
 * event after another allocates nothing once warm. A hard limit bounds the
 * total, for arenas fed by outside input. */
#ifndef SW_ARENA_H
#define SW_ARENA_H

#include <stddef.h>

typedef struct sw_arena_chunk sw_arena_chunk_t;

typedef struct sw_arena {
    sw_arena_chunk_t *head;
    unsigned char *cur, *end; /* the head chunk's free bytes */
    size_t used_total;        /* bytes handed out since init/reset */
    size_t limit;             /* 0: no limit */
} sw_arena_t;

void sw_arena_init(sw_arena_t *a, size_t limit);
void sw_arena_free(sw_arena_t *a);
void sw_arena_reset(sw_arena_t *a);
/* n bytes aligned for any type, or NULL (out of memory or past the limit).
 * Inline while the head chunk has room (an event's parse takes one a
 * field); sw_arena_alloc_chunk starts a chunk. */
void *sw_arena_alloc_chunk(sw_arena_t *a, size_t n);
static inline void *sw_arena_alloc(sw_arena_t *a, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    n = n ? (n + align - 1) & ~(align - 1) : align;
    if (n <= (size_t)(a->end - a->cur) && (!a->limit || a->used_total + n <= a->limit)) {
        void *p = a->cur;
        a->cur += n;
        a->used_total += n;
        return p;
    }
    return sw_arena_alloc_chunk(a, n);
}
void *sw_arena_zalloc(sw_arena_t *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *sw_arena_strndup(sw_arena_t *a, const char *s, size_t n);
char *sw_arena_strdup(sw_arena_t *a, const char *s);

#endif
