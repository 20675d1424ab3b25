/* buf.h — a growable byte buffer with a hard size limit (curl dynbuf style).
 *
 * Every buffer that grows from outside input has a limit: past it the append
 * fails with SW_ETOOBIG, the buffer frees itself, and later appends fail too,
 * so a caller that checks only the last result still sees the failure. The
 * contents are always NUL-terminated when len > 0. */
#ifndef SW_BUF_H
#define SW_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sw_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit; /* maximum len; 0 means SW_BUF_DEFAULT_LIMIT */
    int failed;   /* sticky: set once an append failed */
} sw_buf_t;

#define SW_BUF_DEFAULT_LIMIT ((size_t)1 << 30)

void sw_buf_init(sw_buf_t *b, size_t limit);
void sw_buf_free(sw_buf_t *b);
void sw_buf_reset(sw_buf_t *b); /* len = 0, keep memory */
int sw_buf_append(sw_buf_t *b, const void *p, size_t n);
int sw_buf_puts(sw_buf_t *b, const char *s);
int sw_buf_putc(sw_buf_t *b, char c);
int sw_buf_printf(sw_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sw_buf_vprintf(sw_buf_t *b, const char *fmt, va_list ap);
/* Hand the contents over to the caller (who frees it); the buffer is reset. */
char *sw_buf_take(sw_buf_t *b);
const char *sw_buf_str(const sw_buf_t *b); /* "" when empty */

#endif
