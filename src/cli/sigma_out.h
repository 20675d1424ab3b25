/* sigma_out.h — how the command line shows a Sigma match, in one place so
 * `seawall sigma`, `seawall rules test` and `seawall alerts` print the same
 * line (and the same JSON keys) for the same match.
 *
 * Text: time, host, level, title, "author: ...", rule id, tab-separated.
 * JSON: one compact object with time, host, level, title, author, id,
 * rule_file and the event. The author is always shown: the Detection Rule
 * License requires it wherever a match is. */
#ifndef SW_SIGMA_OUT_H
#define SW_SIGMA_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "detect/sigma.h"

/* Print match a on the event whose JSON text is rec[0..rec_len) to f. */
void sw_sigma_print_match(FILE *f, const sw_sigma_alert_t *a, const char *rec, size_t rec_len,
                          int json);

#endif
