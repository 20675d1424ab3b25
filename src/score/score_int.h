/* score_int.h — what the score's two files share: the facts (score.c reads
 * inputs into them) and the figures (score_eval.c computes from them). */
#ifndef SW_SCORE_INT_H
#define SW_SCORE_INT_H

#include "score/score.h"

/* Host state bits (mirrors of the sim's, from its events). */
#define SC_ENCRYPTED 1u
#define SC_WIPED 2u
#define SC_DISRUPTED 4u

#define SC_MINUTE_MS 60000

/* A growable array of T through the score's allocator. */
#define SC_VEC(T)                                                                                  \
    struct {                                                                                       \
        T *v;                                                                                      \
        uint32_t n, cap;                                                                           \
    }

typedef struct sc_pool_chunk sc_pool_chunk_t;

typedef struct sc_records { /* a team's records with ground truth, by ordinal */
    int64_t *ord;
    uint32_t *gt;
    uint32_t n, cap;
} sc_records_t;

typedef struct sc_strs { /* a set of strings, with when each was first seen */
    const char **v;
    int64_t *at;
    uint32_t n, cap;
} sc_strs_t;

struct sw_score {
    const sw_world_t *w;
    sw_alloc_t al;
    int err;
    sc_pool_chunk_t *pool;

    /* the world's state as the sim's events tell it */
    uint8_t *priv;     /* [adversary * n_hosts + host]: live privilege */
    uint8_t *persist;  /* [adversary * n_hosts + host]: sw_persist_t bits */
    uint8_t *flags;    /* [host]: SC_* */
    uint8_t *isolated; /* [host]: cut off the network (HOST_ISOLATED .. HOST_RELEASED) */

    /* stages: (team, adversary, step) -> index */
    uint32_t *step_base; /* [adversary] */
    uint32_t n_steps_all;
    uint32_t *stage_of; /* [team * n_steps_all + step_base[a] + step] */
    SC_VEC(sw_score_stage_t) stages;
    SC_VEC(uint32_t) gt_stage; /* [gt] -> stage or SW_NONE */

    SC_VEC(sw_score_obj_t) objs;
    SC_VEC(sw_score_change_t) * biz; /* [business] */
    sc_records_t *records;           /* [team] */
    sc_strs_t *observed;             /* [team]: indicators in the attack on it */
    sc_strs_t known;                 /* every adversary indicator: infrastructure, observed */

    SC_VEC(sw_score_report_t) reports;
    SC_VEC(sw_score_triage_t) triages;
    SC_VEC(sw_score_action_t) actions;
    SC_VEC(sw_score_share_t) shares;
    SC_VEC(sw_score_mark_t) hints;
    SC_VEC(sw_score_mark_t) rules;
    uint32_t n_bad_acts;
};

/* Grow *v (of *cap elements of size) to hold need; 0, or -1 (sticky error). */
int sc_grow(sw_score_t *s, void **v, uint32_t *cap, uint32_t need, size_t size);
#define SC_PUSH(s, vec)                                                                            \
    (sc_grow((s), (void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof *(vec).v)                     \
         ? NULL                                                                                    \
         : &(vec).v[(vec).n++])

/* Does a string set hold v (case-insensitively)? Index or -1. */
int sc_strs_find(const sc_strs_t *set, const char *v);
/* Does adversary a still hold host h: a live foothold or persistence. */
int sc_holds(const sw_score_t *s, uint32_t a, uint32_t h);
/* ... and can it use it: held and not isolated (what containment asks). */
int sc_uses(const sw_score_t *s, uint32_t a, uint32_t h);
/* Team hosts matching an objective's target that count for it now (not
 * for exfiltration: that counts megabytes). */
double sc_obj_count(const sw_score_t *s, const sw_score_obj_t *x);
/* Do two ATT&CK ids name the same thing (equal, or one the other's parent)? */
int sc_technique_match(const char *a, const char *b);

#endif
