/* diag.c — located diagnostics. See diag.h. */
#include "scenario/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define DIAG_MSG_MAX 1024

void sw_diags_init(sw_diags_t *d)
{
    memset(d, 0, sizeof *d);
}

void sw_diags_free(sw_diags_t *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].msg); /* the file name shares the message's allocation */
    free(d->items);
    memset(d, 0, sizeof *d);
}

int sw_diags_add(sw_diags_t *d, sw_loc_t loc, sw_diag_sev_t sev, const char *fmt, ...)
{
    if (sev == SW_DIAG_ERROR)
        d->n_errors++;
    else
        d->n_warnings++;
    if (d->n >= SW_DIAGS_MAX)
        return SW_OK;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        sw_diag_t *items = realloc(d->items, cap * sizeof *items);
        if (!items)
            return SW_ENOMEM;
        d->items = items;
        d->cap = cap;
    }
    char msg[DIAG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    const char *file = loc.file ? loc.file : "<input>";
    size_t mlen = strlen(msg), flen = strlen(file);
    /* one allocation: message, NUL, file name, NUL */
    char *mem = malloc(mlen + flen + 2);
    if (!mem)
        return SW_ENOMEM;
    memcpy(mem, msg, mlen + 1);
    memcpy(mem + mlen + 1, file, flen + 1);
    sw_diag_t *it = &d->items[d->n++];
    it->loc = loc;
    it->loc.file = mem + mlen + 1;
    it->sev = sev;
    it->msg = mem;
    return SW_OK;
}

void sw_diags_print(const sw_diags_t *d, FILE *f)
{
    for (size_t i = 0; i < d->n; i++) {
        const sw_diag_t *it = &d->items[i];
        fprintf(f, "%s:%d:%d: %s: %s\n", it->loc.file, it->loc.line, it->loc.col,
                it->sev == SW_DIAG_ERROR ? "error" : "warning", it->msg);
    }
    size_t total = d->n_errors + d->n_warnings;
    if (total > d->n)
        fprintf(f, "(%zu more diagnostics not shown)\n", total - d->n);
}
