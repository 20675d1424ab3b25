/* embedded.h — files compiled into the binary (built-in scenarios under
 * "scenarios/...", reference data under "data/..."). The table is generated at
 * build time by tools/embed.c from the repository's scenarios/ and data/. */
#ifndef SW_EMBEDDED_H
#define SW_EMBEDDED_H

#include <stddef.h>

typedef struct sw_embedded {
    const char *path; /* e.g. "scenarios/pacific-cable/scenario.yaml" */
    const char *data; /* NUL-terminated */
    size_t len;
} sw_embedded_t;

/* Terminated by an entry whose path is NULL. */
extern const sw_embedded_t sw_embedded_files[];

/* The file at path, or NULL. O(n) over the table, which holds tens of files. */
const sw_embedded_t *sw_embedded_find(const char *path);

#endif
