/* scenario_util.c — the loader's id maps and typo suggestions. See scenario_int.h. */
#include "scenario/scenario_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "core/text.h"
#include "model/world.h"

void scn_idmap_free(scn_idmap_t *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static uint32_t slot_of(const scn_idmap_t *m, const char *key)
{
    uint32_t i = (uint32_t)sw_hash64(key, strlen(key), SW_HASH64_INIT) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(scn_idmap_t *m)
{
    uint32_t cap = m->cap ? m->cap * 2 : 64;
    scn_idmap_t nm = {calloc(cap, sizeof *nm.keys), calloc(cap, sizeof *nm.vals), cap, 0};
    if (!nm.keys || !nm.vals) {
        scn_idmap_free(&nm);
        return SW_ENOMEM;
    }
    for (uint32_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            uint32_t s = slot_of(&nm, m->keys[i]);
            nm.keys[s] = m->keys[i];
            nm.vals[s] = m->vals[i];
            nm.n++;
        }
    scn_idmap_free(m);
    *m = nm;
    return SW_OK;
}

int scn_idmap_put(scn_idmap_t *m, const char *key, uint32_t val, uint32_t *old)
{
    if ((m->n + 1) * 2 > m->cap && grow(m))
        return SW_ENOMEM;
    uint32_t s = slot_of(m, key);
    if (m->keys[s]) {
        if (old)
            *old = m->vals[s];
        return SW_EEXIST;
    }
    m->keys[s] = key;
    m->vals[s] = val;
    m->n++;
    return SW_OK;
}

uint32_t scn_idmap_get(const scn_idmap_t *m, const char *key)
{
    if (!m->cap)
        return SW_NONE;
    uint32_t s = slot_of(m, key);
    return m->keys[s] ? m->vals[s] : SW_NONE;
}

static size_t edit_distance(const char *a, const char *b)
{
    return sw_edit_distance(a, b, 0);
}

/* Charge the budget for comparing a with b; 0 when it is spent. */
static int charge(uint64_t *budget, const char *a, const char *b)
{
    if (!budget)
        return 1;
    uint64_t cost = (uint64_t)(strlen(a) + 1) * (strlen(b) + 1);
    if (*budget < cost) {
        *budget = 0;
        return 0;
    }
    *budget -= cost;
    return 1;
}

static void consider(const char *word, const char *cand, const char **best, size_t *best_d)
{
    size_t d = edit_distance(word, cand);
    if (d < *best_d) {
        *best_d = d;
        *best = cand;
    }
}

const char *scn_suggest(const char *word, const char *const *cands, const scn_idmap_t *m,
                        uint64_t *budget)
{
    size_t len = strlen(word);
    size_t limit = len / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; cands && cands[i]; i++) {
        if (!charge(budget, word, cands[i]))
            return NULL;
        consider(word, cands[i], &best, &best_d);
    }
    /* map keys in slot order would make the pick depend on the hash on ties;
     * take the lexically smallest among equally close keys instead */
    for (uint32_t i = 0; m && i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t lk = strlen(m->keys[i]);
        if (lk + limit < len || len + limit < lk)
            continue; /* lengths alone rule it out */
        if (!charge(budget, word, m->keys[i]))
            return NULL;
        size_t d = edit_distance(word, m->keys[i]);
        if (d < best_d || (d == best_d && best && d <= limit && strcmp(m->keys[i], best) < 0)) {
            best_d = d;
            best = m->keys[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

const char *scn_what(char *buf, size_t len, const char *kind, const char *id)
{
    if (id)
        snprintf(buf, len, "%s '%s'", kind, id);
    else
        snprintf(buf, len, "%s", kind);
    return buf;
}
