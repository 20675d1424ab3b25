/* rng.h — deterministic, splittable random streams.
 *
 * Each purpose in the simulation draws from its own stream, derived from the
 * scenario seed and a purpose label (and an index, e.g. a host number), so a
 * new draw in one place never reshuffles another. The generator is
 * xoshiro256** seeded through SplitMix64; a stream is 32 bytes, copied freely.
 * Same seed and label give the same sequence on every platform. */
#ifndef SW_RNG_H
#define SW_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct sw_rng {
    uint64_t s[4];
} sw_rng_t;

/* A stream for (seed, label, index). label is any NUL-terminated string. */
void sw_rng_init(sw_rng_t *r, uint64_t seed, const char *label, uint64_t index);
/* A child stream of r for (label, index); r itself is not advanced. */
void sw_rng_split(const sw_rng_t *r, sw_rng_t *child, const char *label, uint64_t index);

uint64_t sw_rng_next(sw_rng_t *r);
/* Uniform in [0, n) without modulo bias; n == 0 returns 0. */
uint64_t sw_rng_below(sw_rng_t *r, uint64_t n);
/* Uniform in [lo, hi] inclusive (lo <= hi). */
int64_t sw_rng_range(sw_rng_t *r, int64_t lo, int64_t hi);
/* Uniform double in [0, 1). */
double sw_rng_double(sw_rng_t *r);
/* True with probability p (p <= 0 never, p >= 1 always). */
int sw_rng_chance(sw_rng_t *r, double p);

/* 64-bit FNV-1a of bytes, for deriving stream keys and stable ids. */
uint64_t sw_hash64(const void *p, size_t n, uint64_t h);
#define SW_HASH64_INIT 0xcbf29ce484222325ULL
/* A content hash of bytes, eight at a time (several times faster than
 * sw_hash64 on records; its values differ from sw_hash64's): for state
 * hashes over everything an exercise writes, never for stream keys. */
uint64_t sw_hash64_bulk(const void *p, size_t n, uint64_t h);

#endif
