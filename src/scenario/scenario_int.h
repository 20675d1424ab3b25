/* scenario_int.h — what the loader's own files share (not for other layers):
 * the id map used to declare and resolve references, and the "did you mean"
 * suggestion. */
#ifndef SW_SCENARIO_INT_H
#define SW_SCENARIO_INT_H

#include <stddef.h>
#include <stdint.h>

/* A string -> index map (open addressing, power-of-two capacity). Keys are
 * borrowed, not copied: they must outlive the map. */
typedef struct scn_idmap {
    const char **keys;
    uint32_t *vals;
    uint32_t cap, n;
} scn_idmap_t;

void scn_idmap_free(scn_idmap_t *m);
/* Insert key -> val. Returns SW_OK, SW_EEXIST (then *old is the existing
 * value) or SW_ENOMEM. */
int scn_idmap_put(scn_idmap_t *m, const char *key, uint32_t val, uint32_t *old);
/* The value for key, or SW_NONE. */
uint32_t scn_idmap_get(const scn_idmap_t *m, const char *key);

/* The candidate closest to word by edit distance, if close enough to be a
 * likely typo (distance <= max(1, min(3, len/3))), else NULL. Candidates come
 * from a NULL-terminated list (cands) or a map (m); either may be NULL.
 * Each comparison costs up to 64*64 steps; budget (may be NULL: unlimited)
 * is decreased by the work done and no suggestion is made once it is spent,
 * so a hostile file full of unknown names cannot make validation quadratic. */
const char *scn_suggest(const char *word, const char *const *cands, const scn_idmap_t *m,
                        uint64_t *budget);

#endif
