/* alloc.h — a caller-supplied allocator, Lua lua_Alloc style.
 *
 * The pure core (the sim, its queue) takes one at creation so the caller
 * decides where memory comes from, and tests can fail the Nth allocation
 * (curl torture mode, SQLite OOM tests). One function does everything:
 * fn(ud, ptr, size) reallocates ptr to size bytes (ptr NULL: allocate) and
 * returns the block or NULL; size 0 frees ptr and returns NULL. A NULL
 * sw_alloc_t pointer or fn means the C library's realloc/free. */
#ifndef SW_ALLOC_H
#define SW_ALLOC_H

#include <stddef.h>

typedef void *(*sw_alloc_fn)(void *ud, void *ptr, size_t size);

typedef struct sw_alloc {
    sw_alloc_fn fn;
    void *ud;
} sw_alloc_t;

/* The C library's realloc/free behind the sw_alloc_fn contract. */
void *sw_alloc_libc(void *ud, void *ptr, size_t size);

void *sw_realloc(const sw_alloc_t *a, void *ptr, size_t size);
/* n * size zeroed bytes (at least one), NULL on overflow or failure. */
void *sw_calloc(const sw_alloc_t *a, size_t n, size_t size);
void sw_free(const sw_alloc_t *a, void *ptr);
/* realloc an array of n elements of size bytes, checking the product. */
void *sw_realloc_array(const sw_alloc_t *a, void *ptr, size_t n, size_t size);

#endif
