/* diag.h — located diagnostics: the errors and warnings a person reads.
 *
 * The scenario loader reports every problem it finds into an sw_diags_t and
 * keeps going, so one run shows all of them. Each diagnostic owns copies of its
 * message and file name, so it outlives the world (and the files) it was
 * about. Printed gcc style: FILE:LINE:COL: error: message. */
#ifndef SW_DIAG_H
#define SW_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "model/world.h"

typedef enum { SW_DIAG_ERROR, SW_DIAG_WARNING } sw_diag_sev_t;

typedef struct sw_diag {
    sw_loc_t loc; /* loc.file is owned by the diagnostic */
    sw_diag_sev_t sev;
    char *msg;
} sw_diag_t;

typedef struct sw_diags {
    sw_diag_t *items;
    size_t n, cap, n_errors, n_warnings;
} sw_diags_t;

/* Past this many diagnostics further ones are counted but not stored, so a
 * hostile file cannot grow the list without bound. */
#define SW_DIAGS_MAX 1000

void sw_diags_init(sw_diags_t *d);
void sw_diags_free(sw_diags_t *d);
/* Record one diagnostic (message formatted printf style, at most 1 KiB).
 * Returns SW_OK or SW_ENOMEM; the counters are updated either way. */
int sw_diags_add(sw_diags_t *d, sw_loc_t loc, sw_diag_sev_t sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* One line per diagnostic, in the order they were added; then a line saying
 * how many were left out past SW_DIAGS_MAX, if any. */
void sw_diags_print(const sw_diags_t *d, FILE *f);

#endif
