/* sigma_load.h — reading Sigma rule files and event files from disk for the
 * CLI, the server, the tests and the benchmark (the engine itself does no
 * I/O).
 *
 * sw_sigma_load_path walks a file or a directory tree (rule files end in
 * .yml or .yaml; entries are visited in name order so reports are stable)
 * and adds every rule to a set, recording each refusal in a load report. */
#ifndef SW_SIGMA_LOAD_H
#define SW_SIGMA_LOAD_H

#include <stdio.h>

#include "core/err.h"
#include "detect/sigma.h"

typedef struct sw_sigma_reject {
    char *file;
    sw_sigma_error_t err;
} sw_sigma_reject_t;

typedef struct sw_sigma_report {
    size_t n_files;  /* rule files read */
    size_t n_loaded; /* rules added */
    sw_sigma_reject_t *rejects;
    size_t n_rejects, cap_rejects;
} sw_sigma_report_t;

#define SW_SIGMA_MAX_TREE_DEPTH 32

void sw_sigma_report_init(sw_sigma_report_t *r);
void sw_sigma_report_free(sw_sigma_report_t *r);

/* Load path (a rule file or a directory, recursively) into s. Refused rules
 * go to rep; the return value is SW_OK unless path itself cannot be read
 * (SW_ENOENT / SW_EIO, message in err) or memory runs out. */
int sw_sigma_load_path(sw_sigma_set_t *s, const char *path, sw_sigma_report_t *rep,
                       sw_errbuf_t *err);

/* SigmaHQ's rules where a checkout of seawall finds them (the shared data
 * beside it, or a copy in data/), for the after-action report's "the rule
 * that would have revealed it" when no folder is named. */
#define SW_SIGMA_DEFAULT_DIRS                                                                      \
    {                                                                                              \
        "../shared/data/sigma/rules", "data/sigma/rules"                                           \
    }

/* A built set of the rules under paths[0..n) — or, when n is 0, under the
 * first of SW_SIGMA_DEFAULT_DIRS that exists — and *from, the folder named
 * first (NULL with no rules). Folders that cannot be read are said in warn
 * (may be NULL) and left out. NULL: no rules, or no memory. */
sw_sigma_set_t *sw_sigma_load_set(const char *const *paths, int n, const char **from, FILE *warn,
                                  const char *who);

/* The load report: counts, then refusals grouped by reason (most first);
 * with verbose, one "FILE:LINE:COL: error: message" line per refused rule. */
void sw_sigma_report_print(FILE *f, const sw_sigma_report_t *rep, int verbose);

/* Read a whole file (at most limit bytes) into a NUL-terminated buffer the
 * caller frees. SW_ENOENT, SW_EIO or SW_ETOOBIG with a message in err. */
int sw_read_file(const char *path, size_t limit, char **out, size_t *len, sw_errbuf_t *err);

#endif
