/* sigma_ac.c — the Sigma pre-filter's literal scanner: one pass over a
 * field's value finds which of many needed literals may occur in it,
 * case-insensitively (ASCII), without allocating. It may report a literal
 * that is not there (the rule is then evaluated for nothing) but never
 * misses one that is.
 *
 * Literals of 4 bytes or more go through a 4-gram filter: each literal is
 * represented by its least common run of `step` consecutive 4-byte windows
 * (any window of a needed literal is needed); the scan hashes every step-th
 * 4-byte window of the text (case bits set, see gram_at) into a bitmap and
 * looks the rare hits up in a table of grams -> tags. Of any step
 * consecutive positions one is a multiple of step, so wherever a literal
 * occurs in the text one of its step windows is looked at. A scanner's step
 * is at most GRAM_MAX_STEP, at most every literal's window count (length -
 * 3), and no larger than the longest run of windows outside common_grams of
 * all but a few literals (a step that forced ".exe" on many literals with
 * better windows would pass nearly every event, see GRAM_FORCED_DIV).
 * The bitmap is sized to its scanner (about 64 bits per gram, 64 bytes to
 * 8 KB): a bucket runs a dozen scanners per event, and one 8 KB bitmap each
 * would not stay in L1 together. Shorter literals (2-3 bytes: '#46', a Cyrillic
 * letter) go through a small Aho-Corasick automaton:
 *
 * Built as a dense DFA over byte classes: every byte that occurs in some
 * (folded) literal has its own class, all others share class 0, so the table
 * is states x classes instead of states x 256. Each state's output is the
 * list of tags of every literal ending there, including through its failure
 * chain (merged at build time), so the scan never walks failure links.
 *
 * After the build each transition holds the target's row offset with a
 * flag for "has outputs", so the scan is one dependent load per byte.
 *
 * Cost: build O(total literal bytes x classes); scan O(len + matches). */
#include "detect/sigma_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct lit {
    uint8_t *s;
    uint32_t len, tag;
} lit_t;

/* Bitmap size bounds, in bits (powers of two) and per gram. */
#define GRAM_BLOOM_MIN_LOG2 9
#define GRAM_BLOOM_MAX_LOG2 16
#define GRAM_BLOOM_BITS_PER_GRAM 64
#define GRAM_MAX_STEP 4
#define GRAM_FORCED_DIV 32 /* at most 1 in 32 literals forced onto a common window */

typedef struct gram {
    uint32_t key;  /* gram_at of the window */
    uint32_t used; /* slot in use */
    uint32_t tag_start, tag_len;
} gram_t;

struct sigma_ac {
    lit_t *lits;
    size_t n_lits, cap_lits;
    /* 4-gram filter for literals of >= 4 bytes */
    uint64_t *bloom;      /* 2^(32 - bloom_shift) bits, NULL when there are no long literals */
    uint32_t bloom_shift; /* gram_hash: the top 32 - bloom_shift bits of the product */
    uint32_t step;        /* windows looked at: every step-th (1 .. GRAM_MAX_STEP) */
    gram_t *grams;        /* open addressing, n_slots a power of two */
    uint32_t n_slots;
    uint32_t *gram_tags;
    /* Aho-Corasick for shorter literals */
    uint8_t cls[256];         /* raw byte -> class (folding included) */
    uint8_t leaves_root[256]; /* raw byte that moves the automaton off its root */
    uint32_t n_cls;
    uint32_t *delta; /* n_states x n_cls; after build each entry is the target
                      * state's row offset (state x n_cls), top bit set when
                      * that state has outputs */
    uint32_t n_states;
    uint32_t *out_start; /* per state: range in outs */
    uint32_t *out_len;
    uint32_t *outs;
};

sigma_ac_t *sigma_ac_new(void)
{
    return calloc(1, sizeof(sigma_ac_t));
}

void sigma_ac_free(sigma_ac_t *ac)
{
    if (!ac)
        return;
    for (size_t i = 0; i < ac->n_lits; i++)
        free(ac->lits[i].s);
    free(ac->lits);
    free(ac->bloom);
    free(ac->grams);
    free(ac->gram_tags);
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

static int dfa_build(sigma_ac_t *ac)
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
    /* row offsets with an output flag: the scan does one load per byte */
    if ((uint64_t)ac->n_states * nc >= 0x80000000u)
        goto done;
    for (size_t k = 0; k < (size_t)ac->n_states * nc; k++) {
        uint32_t t = ac->delta[k];
        ac->delta[k] = t * nc | (ac->out_len[t] ? 0x80000000u : 0);
    }
    for (int b = 0; b < 256; b++)
        ac->leaves_root[b] = ac->delta[ac->cls[b]] != 0;
    rc = SW_OK;
done:
    if (outs)
        for (size_t s = 0; s < max_states; s++)
            free(outs[s].v);
    free(outs);
    free(fail);
    free(queue);
    return rc;
}

/* The key of the 4-byte window at p: its bytes little-endian, each with bit
 * 0x20 set. Setting it maps A-Z to a-z, as sigma_fold does, and also merges
 * a few other pairs ('@' and '`', '\\' and '|', '[' and '{', control bytes
 * with punctuation). For every byte b, (b | 0x20) == (sigma_fold[b] | 0x20),
 * so a window that equals a literal's window once folded has the same key:
 * the coarser key never misses a literal and at worst marks one that is not
 * there. It costs one load and one OR per window, no per-byte fold. */
#define GRAM_CASE_BITS 0x20202020u
static uint32_t gram_at(const uint8_t *p)
{
    uint32_t x;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&x, p, 4);
#else
    x = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
#endif
    return x | GRAM_CASE_BITS;
}

/* The bitmap bit of a gram: multiplicative hashing, the top bits. */
static uint32_t gram_hash(uint32_t key, uint32_t shift)
{
    return (key * 0x9E3779B1u) >> shift;
}

/* Slot of key in a table of n (power of two) slots: its own or the empty
 * one where it would go. */
static gram_t *gram_slot(gram_t *t, uint32_t n, uint32_t key)
{
    uint32_t h = (key * 0x9E3779B1u) & (n - 1);
    while (t[h].used && t[h].key != key)
        h = (h + 1) & (n - 1);
    return &t[h];
}

/* 4-grams that occur in most Windows event values (paths, executables,
 * URLs, command switches). A literal is represented by one of these only
 * when it has nothing else, since the filter would pass nearly every
 * event. Folded (lower case). */
static const char common_grams[][5] = {
    ".exe",   "exe\"", "exe ",  "exe'", ".dll", "dll ",  "dll,", "\\win", "wind",  "indo",  "ndow",
    "dows",   "ows\\", "\\sys", "syst", "yste", "stem",  "tem3", "em32",  "m32\\", "c:\\w", ":\\wi",
    ":\\pr",  ":\\us", "\\pro", "prog", "rogr", "ogra",  "gram", "\\use", "user",  "sers",  "ers\\",
    "\\app",  "appd",  "ppda",  "pdat", "data", "ata\\", "loca", "ocal",  "cal\\", "micr",  "icro",
    "cros",   "roso",  "osof",  "soft", "http", "ttp:",  "tp:/", "p://",  "ps:/",  "s://",  "\\tem",
    "temp",   "emp\\", " /c ",  " -c ", "cmd ", "cmd.",  "md.e", "d.ex",  "\\cmd", "powe",  "ower",
    "wers",   "ersh",  "rshe",  "shel", "hell", "ell.",  "ll.e", "l.ex",  "32.e",  "2.ex",  " \"c:",
    "\"c:\\", "\\bin", "ache",  "rver", "serv", "ervi",  "rvic", "vice",  "ices",
};

static int gram_common(const uint8_t *p)
{
    for (size_t i = 0; i < sizeof common_grams / sizeof common_grams[0]; i++)
        if (!memcmp(p, common_grams[i], 4))
            return 1;
    return 0;
}

/* Pick each long literal's least common run of step windows, then build
 * the table and the bitmap. O(total literal bytes x step). */
static int gram_build(sigma_ac_t *ac, const lit_t *lits, size_t n)
{
    int rc = SW_ENOMEM;
    size_t total = 0;
    uint32_t step = GRAM_MAX_STEP;
    size_t forced[GRAM_MAX_STEP + 1] = {0}; /* literals a step would force onto a common window */
    for (size_t i = 0; i < n; i++) {
        total += lits[i].len - 3;
        uint32_t run = 0, best_run = 0; /* longest run of uncommon windows */
        for (uint32_t j = 0; j + 4 <= lits[i].len; j++) {
            run = gram_common(lits[i].s + j) ? 0 : run + 1;
            if (run > best_run)
                best_run = run;
        }
        for (uint32_t st = best_run + 1; best_run && st <= GRAM_MAX_STEP; st++)
            forced[st]++;
        if (lits[i].len - 3 < step)
            step = lits[i].len - 3;
    }
    /* A step that forces common windows on a literal that has uncommon ones
     * makes its rule pass the filter far more often; a few such literals
     * (Image: "pcmd.exe", ":\temp\") cost less than looking at every
     * window, many do not. */
    while (step > 1 && forced[step] * GRAM_FORCED_DIV > n)
        step--;
    ac->step = step;
    uint32_t cn = 16;
    while (cn < total * 2)
        cn *= 2;
    gram_t *count = calloc(cn, sizeof *count);        /* tag_len counts literals with the window */
    uint32_t *pick = malloc(n * step * sizeof *pick); /* literal i's grams at i x step */
    if (!count || !pick)
        goto done;
    for (size_t i = 0; i < n; i++)
        for (uint32_t j = 0; j + 4 <= lits[i].len; j++) {
            gram_t *g = gram_slot(count, cn, gram_at(lits[i].s + j));
            g->used = 1;
            g->key = gram_at(lits[i].s + j);
            g->tag_len++;
        }
    for (size_t i = 0; i < n; i++) {
        uint32_t best = 0;
        uint64_t best_n = UINT64_MAX;
        for (uint32_t j = 0; j + 3 + step <= lits[i].len; j++) {
            uint64_t c = 0;
            for (uint32_t k = j; k < j + step; k++) {
                c += gram_slot(count, cn, gram_at(lits[i].s + k))->tag_len;
                if (gram_common(lits[i].s + k))
                    c += 1u << 20; /* frequent in the text itself: last resort */
            }
            if (c <= best_n) {
                best_n = c;
                best = j;
            }
        }
        for (uint32_t k = 0; k < step; k++)
            pick[i * step + k] = gram_at(lits[i].s + best + k);
    }
    /* table: key -> tags (deduplicated), laid out contiguously per key */
    const size_t n_picks = n * step;
    ac->n_slots = 16;
    while (ac->n_slots < n_picks * 2)
        ac->n_slots *= 2;
    uint32_t log2 = GRAM_BLOOM_MIN_LOG2;
    while (log2 < GRAM_BLOOM_MAX_LOG2 && ((size_t)1 << log2) < n_picks * GRAM_BLOOM_BITS_PER_GRAM)
        log2++;
    ac->bloom_shift = 32 - log2;
    ac->grams = calloc(ac->n_slots, sizeof *ac->grams);
    ac->gram_tags = malloc(n_picks * sizeof *ac->gram_tags);
    ac->bloom = calloc(((size_t)1 << log2) / 64, sizeof *ac->bloom);
    if (!ac->grams || !ac->gram_tags || !ac->bloom)
        goto done;
    for (size_t i = 0; i < n_picks; i++) { /* first pass: how many tags per key */
        gram_t *g = gram_slot(ac->grams, ac->n_slots, pick[i]);
        g->used = 1;
        g->key = pick[i];
        g->tag_len++;
    }
    uint32_t at = 0;
    for (uint32_t k = 0; k < ac->n_slots; k++)
        if (ac->grams[k].used) {
            ac->grams[k].tag_start = at;
            at += ac->grams[k].tag_len;
            ac->grams[k].tag_len = 0;
        }
    for (size_t i = 0; i < n_picks; i++) {
        gram_t *g = gram_slot(ac->grams, ac->n_slots, pick[i]);
        uint32_t tag = lits[i / step].tag, k = 0;
        while (k < g->tag_len && ac->gram_tags[g->tag_start + k] != tag)
            k++;
        if (k == g->tag_len)
            ac->gram_tags[g->tag_start + g->tag_len++] = tag;
        uint32_t h = gram_hash(pick[i], ac->bloom_shift);
        ac->bloom[h >> 6] |= (uint64_t)1 << (h & 63);
    }
    rc = SW_OK;
done:
    free(count);
    free(pick);
    return rc;
}

int sigma_ac_build(sigma_ac_t *ac)
{
    /* split: long literals to the 4-gram filter, short ones stay for the DFA */
    size_t n_long = 0, n_short = 0;
    lit_t *longs = malloc((ac->n_lits + 1) * sizeof *longs);
    int rc = SW_ENOMEM;
    if (!longs)
        goto done;
    for (size_t i = 0; i < ac->n_lits; i++) {
        if (ac->lits[i].len >= 4)
            longs[n_long++] = ac->lits[i];
        else
            ac->lits[n_short++] = ac->lits[i];
    }
    ac->n_lits = n_short;
    rc = n_long ? gram_build(ac, longs, n_long) : SW_OK;
    if (!rc && n_short)
        rc = dfa_build(ac);
done:
    for (size_t i = 0; i < n_long; i++)
        free(longs[i].s);
    free(longs);
    for (size_t i = 0; i < ac->n_lits; i++)
        free(ac->lits[i].s);
    free(ac->lits);
    ac->lits = NULL;
    ac->n_lits = ac->cap_lits = 0;
    return rc;
}

/* Mark the tags of gram key, if it is one of the scanner's. */
static void gram_hit(const sigma_ac_t *ac, uint32_t key, uint64_t *marks)
{
    const gram_t *g = gram_slot(ac->grams, ac->n_slots, key);
    for (uint32_t k = 0; g->used && k < g->tag_len; k++) {
        uint32_t t = ac->gram_tags[g->tag_start + k];
        marks[t >> 6] |= (uint64_t)1 << (t & 63);
    }
}

/* Every step-th 4-byte window of the text: one bitmap test each. */
static void gram_scan(const sigma_ac_t *ac, const uint8_t *text, size_t len, uint64_t *marks)
{
    const uint64_t *bloom = ac->bloom;
    const uint32_t shift = ac->bloom_shift, step = ac->step;
    for (size_t i = 0; i + 4 <= len; i += step) {
        uint32_t key = gram_at(text + i);
        uint32_t h = gram_hash(key, shift);
        if (bloom[h >> 6] >> (h & 63) & 1)
            gram_hit(ac, key, marks);
    }
}

void sigma_ac_scan(const sigma_ac_t *ac, const uint8_t *text, size_t len, uint64_t *marks)
{
    if (ac->bloom)
        gram_scan(ac, text, len, marks);
    if (!ac->delta)
        return;
    const uint32_t *delta = ac->delta;
    const uint8_t *cls = ac->cls;
    uint32_t off = 0;
    for (size_t i = 0; i < len; i++) {
        if (off == 0) { /* at the root: skip bytes that start no literal */
            while (i < len && !ac->leaves_root[text[i]])
                i++;
            if (i == len)
                break;
        }
        uint32_t v = delta[off + cls[text[i]]];
        off = v & 0x7FFFFFFFu;
        if (v >> 31) {
            uint32_t st = off / ac->n_cls;
            const uint32_t *o = ac->outs + ac->out_start[st];
            for (uint32_t k = 0, n = ac->out_len[st]; k < n; k++)
                marks[o[k] >> 6] |= (uint64_t)1 << (o[k] & 63);
        }
    }
}
