/*
** gen's random numbers (see gen.c): splitmix64 seeds xoshiro256**, one
** stream per incident, a function of (seed, index) only, so the same seed
** gives the same bytes on every machine.  Header-only (static inline) so the
** hot paths inline as they did in one file.
*/
#ifndef GEN_RNG_H
#define GEN_RNG_H

#include <stdint.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- random numbers: splitmix64 seeds xoshiro256** ------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static inline uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Each incident gets its own stream, a function of (seed, index). */
static inline void rng_seed(rng *r, uint64_t seed, uint64_t index)
{
    uint64_t x = seed * 0xD1B54A32D192ED03u ^ index;
    int i;
    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n) (multiply-shift; the bias is far below anything we count). */
static inline int rng_below(rng *r, int n)
{
    return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline int rng_range(rng *r, int lo, int hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

/* True with probability pct / 100. */
static inline int rng_pct(rng *r, int pct)
{
    return rng_below(r, 100) < pct;
}

/* An index drawn with the given integer weights. */
static inline int rng_pick(rng *r, const int *w, int n)
{
    int i, total = 0, x;
    for (i = 0; i < n; i++)
        total += w[i];
    x = rng_below(r, total);
    for (i = 0; i < n - 1; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

#define PICK(r, w) rng_pick(r, w, N(w))

#endif
