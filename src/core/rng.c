/* rng.c — xoshiro256** streams seeded by SplitMix64. See rng.h.
 * Algorithms by Blackman and Vigna (public domain reference descriptions). */
#include "core/rng.h"

#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t sw_hash64(const void *p, size_t n, uint64_t h)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t sw_hash64_bulk(const void *p, size_t n, uint64_t h)
{
    const unsigned char *c = p;
    uint64_t w;
    for (; n >= 8; n -= 8, c += 8) {
        memcpy(&w, c, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
    }
    w = n; /* the tail, with its length, so "a" and "a\0" differ */
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)c[i] << (8 * (i + 1) % 64);
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 32);
}

static void rng_seed(sw_rng_t *r, uint64_t key)
{
    uint64_t x = key;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1; /* the all-zero state is the one xoshiro must avoid */
}

static uint64_t rng_key(uint64_t base, const char *label, uint64_t index)
{
    uint64_t h = sw_hash64(&base, sizeof base, SW_HASH64_INIT);
    h = sw_hash64(label, strlen(label), h);
    h = sw_hash64(&index, sizeof index, h);
    return h;
}

void sw_rng_init(sw_rng_t *r, uint64_t seed, const char *label, uint64_t index)
{
    rng_seed(r, rng_key(seed, label, index));
}

void sw_rng_split(const sw_rng_t *r, sw_rng_t *child, const char *label, uint64_t index)
{
    uint64_t base = r->s[0] ^ (r->s[1] << 1) ^ (r->s[2] << 2) ^ (r->s[3] << 3);
    rng_seed(child, rng_key(base, label, index));
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t sw_rng_next(sw_rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t sw_rng_below(sw_rng_t *r, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = sw_rng_next(r);
    } while (x >= limit);
    return x % n;
}

int64_t sw_rng_range(sw_rng_t *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    if (span == 0) /* full 64-bit range */
        return (int64_t)sw_rng_next(r);
    return (int64_t)((uint64_t)lo + sw_rng_below(r, span));
}

double sw_rng_double(sw_rng_t *r)
{
    return (double)(sw_rng_next(r) >> 11) * 0x1.0p-53;
}

int sw_rng_chance(sw_rng_t *r, double p)
{
    if (p <= 0.0)
        return 0;
    if (p >= 1.0)
        return 1;
    return sw_rng_double(r) < p;
}
