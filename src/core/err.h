/* err.h — error codes shared by every layer.
 *
 * Functions return SW_OK (0) or a negative SW_E* code; results come back through
 * out-params. Where a person reads the error, the caller also passes a
 * human-readable buffer (see sw_errbuf_t) or a located diagnostic list
 * (scenario/diag.h). errno never crosses a module boundary. */
#ifndef SW_ERR_H
#define SW_ERR_H

#include <stddef.h>

enum {
    SW_OK = 0,
    SW_ENOMEM = -1,  /* allocation failed */
    SW_EINVAL = -2,  /* bad input: see the message */
    SW_ETOOBIG = -3, /* input past a hard limit */
    SW_ENOENT = -4,  /* no such file, id or name */
    SW_EIO = -5,     /* read/write failed */
    SW_EEXIST = -6,  /* duplicate */
    SW_ESTATE = -7,  /* not allowed in the current state */
};

#define SW_ERRBUF_LEN 512

/* A caller-owned message buffer, Redis anet.c style. */
typedef struct sw_errbuf {
    char msg[SW_ERRBUF_LEN];
} sw_errbuf_t;

const char *sw_strerror(int code);

/* Format into err (may be NULL); returns code so callers can
 * `return sw_seterr(err, SW_EINVAL, "...")`. */
int sw_seterr(sw_errbuf_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
