/* alloc.c — the caller-supplied allocator's helpers. See alloc.h. */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *sw_alloc_libc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

void *sw_realloc(const sw_alloc_t *a, void *ptr, size_t size)
{
    if (size == 0)
        size = 1; /* a zero-size request is an allocation, never a free */
    return a && a->fn ? a->fn(a->ud, ptr, size) : sw_alloc_libc(NULL, ptr, size);
}

void *sw_realloc_array(const sw_alloc_t *a, void *ptr, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return sw_realloc(a, ptr, n * size);
}

void *sw_calloc(const sw_alloc_t *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes == 0)
        bytes = 1;
    void *p = sw_realloc(a, NULL, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

void sw_free(const sw_alloc_t *a, void *ptr)
{
    if (!ptr)
        return;
    if (a && a->fn)
        a->fn(a->ud, ptr, 0);
    else
        free(ptr);
}
