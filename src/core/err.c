/* err.c — error strings and the formatted error buffer. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

const char *sw_strerror(int code)
{
    switch (code) {
    case SW_OK:
        return "ok";
    case SW_ENOMEM:
        return "out of memory";
    case SW_EINVAL:
        return "invalid input";
    case SW_ETOOBIG:
        return "input too large";
    case SW_ENOENT:
        return "not found";
    case SW_EIO:
        return "input/output error";
    case SW_EEXIST:
        return "already exists";
    case SW_ESTATE:
        return "not allowed in this state";
    default:
        return "unknown error";
    }
}

int sw_seterr(sw_errbuf_t *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
