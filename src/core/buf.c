/* buf.c — growable byte buffer with a hard limit. See buf.h. */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

void sw_buf_init(sw_buf_t *b, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->limit = limit ? limit : SW_BUF_DEFAULT_LIMIT;
}

void sw_buf_free(sw_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void sw_buf_reset(sw_buf_t *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int buf_grow(sw_buf_t *b, size_t need)
{
    if (b->failed)
        return SW_ETOOBIG;
    if (need > b->limit) {
        sw_buf_free(b);
        b->failed = 1;
        return SW_ETOOBIG;
    }
    if (need + 1 <= b->cap)
        return SW_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        sw_buf_free(b);
        b->failed = 1;
        return SW_ENOMEM;
    }
    b->data = p;
    b->cap = cap;
    return SW_OK;
}

int sw_buf_append(sw_buf_t *b, const void *p, size_t n)
{
    int rc = buf_grow(b, b->len + n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return SW_OK;
}

int sw_buf_puts(sw_buf_t *b, const char *s)
{
    return sw_buf_append(b, s, strlen(s));
}

int sw_buf_putc(sw_buf_t *b, char c)
{
    return sw_buf_append(b, &c, 1);
}

int sw_buf_vprintf(sw_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return SW_EINVAL;
    }
    int rc;
    if ((size_t)n < sizeof tmp) {
        rc = sw_buf_append(b, tmp, (size_t)n);
    } else {
        rc = buf_grow(b, b->len + (size_t)n);
        if (!rc) {
            vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
            b->len += (size_t)n;
        }
    }
    va_end(ap2);
    return rc;
}

int sw_buf_printf(sw_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = sw_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *sw_buf_take(sw_buf_t *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

const char *sw_buf_str(const sw_buf_t *b)
{
    return b->data ? b->data : "";
}
