/* embedded.c — look-up in the generated table of built-in files. */
#include "core/embedded.h"

#include <string.h>

const sw_embedded_t *sw_embedded_find(const char *path)
{
    for (const sw_embedded_t *e = sw_embedded_files; e->path; e++)
        if (strcmp(e->path, path) == 0)
            return e;
    return NULL;
}
