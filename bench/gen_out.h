/*
** gen's output (see gen.c): a large buffer written by hand (numbers, JSON
** strings, fixed-point values), since the generator has to run far faster
** than anything it feeds.  Header-only (static inline), shared by the
** writers of each layout.
*/
#ifndef GEN_OUT_H
#define GEN_OUT_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output: a large buffer, formatted by hand ----------------------- */

typedef struct out {
    FILE *f;
    char *buf;
    size_t len, cap;
    int err;
} out;

static inline int out_open(out *o, FILE *f, size_t cap)
{
    o->f = f;
    o->len = 0;
    o->cap = cap;
    o->err = 0;
    o->buf = malloc(cap);
    return o->buf ? 0 : -1;
}

static inline void out_flush(out *o)
{
    if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->err = errno ? errno : EIO;
    o->len = 0;
}

static inline void out_room(out *o, size_t n)
{
    if (o->cap - o->len < n)
        out_flush(o);
}

static inline void put_mem(out *o, const char *s, size_t n)
{
    out_room(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

#define put_lit(o, s) put_mem(o, s, sizeof(s) - 1)

static inline void put_str(out *o, const char *s)
{
    put_mem(o, s, strlen(s));
}

static inline void put_char(out *o, char c)
{
    out_room(o, 1);
    o->buf[o->len++] = c;
}

static inline void put_uint(out *o, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_mem(o, tmp + sizeof tmp - n, n);
}

static inline void put_int(out *o, int64_t v)
{
    if (v < 0) {
        put_char(o, '-');
        put_uint(o, (uint64_t)0 - (uint64_t)v);
    } else {
        put_uint(o, (uint64_t)v);
    }
}

/* v / 10^dec with exactly dec decimals, e.g. (-9312345, 5) -> -93.12345. */
static inline void put_fixed(out *o, int64_t v, int dec)
{
    uint64_t u, scale = 1;
    char frac[20];
    int i;

    if (v < 0) {
        put_char(o, '-');
        u = (uint64_t)0 - (uint64_t)v;
    } else {
        u = (uint64_t)v;
    }
    for (i = 0; i < dec; i++)
        scale *= 10;
    put_uint(o, u / scale);
    u %= scale;
    for (i = dec - 1; i >= 0; i--) {
        frac[i] = (char)('0' + u % 10);
        u /= 10;
    }
    put_char(o, '.');
    put_mem(o, frac, (size_t)dec);
}

/* A JSON string.  Everything the generator writes is plain ASCII, but escape
** anyway so that a change to the word lists cannot produce invalid JSON. */
static inline void put_jstr(out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put_char(o, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            put_char(o, '\\');
            put_char(o, (char)c);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put_mem(o, esc, sizeof esc);
        } else {
            put_char(o, (char)c);
        }
    }
    put_char(o, '"');
}

/* Zero-padded decimal into a char array (no terminator). */
static inline char *fmt_pad(char *p, unsigned v, int width)
{
    int i;
    for (i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

static inline char *fmt_cat(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

#endif
