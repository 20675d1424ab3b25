/* sigma_ac.c — Aho-Corasick automaton for the Sigma pre-filter: one pass
 * over a field's value finds which of many literals occur in it,
 * case-insensitively (ASCII), without allocating.
 *
 * Built as a dense DFA over byte classes: every byte that occurs in some
 * (folded) literal has its own class, all others share class 0, so the table
 * is states x classes instead of states x 256. Each state's output is the
 * list of tags of every literal ending there, including through its failure
 * chain (merged at build time), so the scan never walks failure links.
 *
 * Cost: build O(total literal bytes x classes); scan O(len + matches). */
#include "detect/sigma_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct lit {
    uint8_t *s;
    uint32_t len, tag;
} lit_t;

struct sigma_ac {
    lit_t *lits;
    size_t n_lits, cap_lits;
    uint8_t cls[256]; /* raw byte -> class (folding included) */
    uint32_t n_cls;
    uint32_t *delta;  /* n_states x n_cls */
    uint32_t n_states;
    uint32_t *out_start; /* per state: range in outs */
    uint32_t *out_len;
    uint32_t *outs;
};

sigma_ac_t *sigma_ac_new(void) { return calloc(1, sizeof(sigma_ac_t)); }

void sigma_ac_free(sigma_ac_t *ac)
{
    if (!ac)
        return;
    for (size_t i = 0; i < ac->n_lits; i++)
        free(ac->lits[i].s);
    free(ac->lits);
    free(ac->delta);
    free(ac->out_start);
    free(ac->out_len);
    free(ac->outs);
    free(ac);
}

int sigma_ac_add(sigma_ac_t *ac, const uint8_t *lit, size_t len, uint32_t tag)
{
    if (!len)
        return SW_EINVAL;
    if (ac->n_lits == ac->cap_lits) {
        size_t cap = ac->cap_lits ? ac->cap_lits * 2 : 16;
        lit_t *v = realloc(ac->lits, cap * sizeof *v);
        if (!v)
            return SW_ENOMEM;
        ac->lits = v;
        ac->cap_lits = cap;
    }
    uint8_t *s = malloc(len);
    if (!s)
        return SW_ENOMEM;
    for (size_t i = 0; i < len; i++)
        s[i] = sigma_fold[lit[i]];
    ac->lits[ac->n_lits++] = (lit_t){s, (uint32_t)len, tag};
    return SW_OK;
}

/* Per-state output lists while building. */
typedef struct olist {
    uint32_t *v;
    uint32_t n, cap;
} olist_t;

static int olist_push(olist_t *o, uint32_t tag)
{
    for (uint32_t i = 0; i < o->n; i++)
        if (o->v[i] == tag)
            return SW_OK;
    if (o->n == o->cap) {
        uint32_t cap = o->cap ? o->cap * 2 : 4;
        uint32_t *v = realloc(o->v, cap * sizeof *v);
        if (!v)
            return SW_ENOMEM;
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = tag;
    return SW_OK;
}

int sigma_ac_build(sigma_ac_t *ac)
{
    int rc = SW_ENOMEM;
    uint32_t *fail = NULL, *queue = NULL;
    olist_t *outs = NULL;
    /* classes */
    uint8_t folded_cls[256] = {0};
    ac->n_cls = 1;
    for (size_t i = 0; i < ac->n_lits; i++)
        for (uint32_t j = 0; j < ac->lits[i].len; j++) {
            uint8_t c = ac->lits[i].s[j];
            if (!folded_cls[c])
                folded_cls[c] = (uint8_t)(ac->n_cls < 255 ? ac->n_cls++ : 0);
        }
    if (ac->n_cls >= 255)
        ac->n_cls = 256; /* would not fit: fall back to one class per byte */
    for (int b = 0; b < 256; b++)
        ac->cls[b] = ac->n_cls == 256 ? sigma_fold[b] : folded_cls[sigma_fold[b]];
    size_t max_states = 1;
    for (size_t i = 0; i < ac->n_lits; i++)
        max_states += ac->lits[i].len;
    uint32_t nc = ac->n_cls;
    ac->delta = malloc(max_states * nc * sizeof *ac->delta);
    outs = calloc(max_states, sizeof *outs);
    fail = calloc(max_states, sizeof *fail);
    queue = malloc(max_states * sizeof *queue);
    if (!ac->delta || !outs || !fail || !queue)
        goto done;
    memset(ac->delta, 0xFF, max_states * nc * sizeof *ac->delta);
    ac->n_states = 1;
    /* trie */
    for (size_t i = 0; i < ac->n_lits; i++) {
        uint32_t st = 0;
        for (uint32_t j = 0; j < ac->lits[i].len; j++) {
            uint32_t c = ac->cls[ac->lits[i].s[j]];
            uint32_t *t = &ac->delta[(size_t)st * nc + c];
            if (*t == UINT32_MAX)
                *t = ac->n_states++;
            st = *t;
        }
        if (olist_push(&outs[st], ac->lits[i].tag))
            goto done;
    }
    /* failure links, breadth first; fill the missing transitions */
    size_t qh = 0, qt = 0;
    for (uint32_t c = 0; c < nc; c++) {
        uint32_t *t = &ac->delta[c];
        if (*t == UINT32_MAX) {
            *t = 0;
        } else {
            fail[*t] = 0;
            queue[qt++] = *t;
        }
    }
    while (qh < qt) {
        uint32_t s = queue[qh++];
        for (uint32_t i = 0; i < outs[fail[s]].n; i++)
            if (olist_push(&outs[s], outs[fail[s]].v[i]))
                goto done;
        for (uint32_t c = 0; c < nc; c++) {
            uint32_t *t = &ac->delta[(size_t)s * nc + c];
            uint32_t via_fail = ac->delta[(size_t)fail[s] * nc + c];
            if (*t == UINT32_MAX) {
                *t = via_fail;
            } else {
                fail[*t] = via_fail;
                queue[qt++] = *t;
            }
        }
    }
    /* flatten outputs */
    size_t total = 0;
    for (uint32_t s = 0; s < ac->n_states; s++)
        total += outs[s].n;
    ac->out_start = malloc(ac->n_states * sizeof *ac->out_start);
    ac->out_len = malloc(ac->n_states * sizeof *ac->out_len);
    ac->outs = malloc((total ? total : 1) * sizeof *ac->outs);
    if (!ac->out_start || !ac->out_len || !ac->outs)
        goto done;
    total = 0;
    for (uint32_t s = 0; s < ac->n_states; s++) {
        ac->out_start[s] = (uint32_t)total;
        ac->out_len[s] = outs[s].n;
        if (outs[s].n)
            memcpy(ac->outs + total, outs[s].v, outs[s].n * sizeof *ac->outs);
        total += outs[s].n;
    }
    rc = SW_OK;
done:
    if (outs)
        for (size_t s = 0; s < max_states; s++)
            free(outs[s].v);
    free(outs);
    free(fail);
    free(queue);
    for (size_t i = 0; i < ac->n_lits; i++)
        free(ac->lits[i].s);
    free(ac->lits);
    ac->lits = NULL;
    ac->n_lits = ac->cap_lits = 0;
    return rc;
}

void sigma_ac_scan(const sigma_ac_t *ac, const uint8_t *text, size_t len, uint64_t *marks)
{
    if (!ac->delta)
        return;
    const uint32_t nc = ac->n_cls;
    uint32_t st = 0;
    for (size_t i = 0; i < len; i++) {
        st = ac->delta[(size_t)st * nc + ac->cls[text[i]]];
        uint32_t n = ac->out_len[st];
        if (n) {
            const uint32_t *o = ac->outs + ac->out_start[st];
            for (uint32_t k = 0; k < n; k++)
                marks[o[k] >> 6] |= (uint64_t)1 << (o[k] & 63);
        }
    }
}
