/*
** Canonical JSON serialization and hashing (see canon.h).  Pure: no I/O.
*/
#include "record/canon.h"

#include <assert.h>
#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

fw_rc fw_canon_string(const char *s, size_t len, fw_buf *out)
{
    static const char hexd[] = "0123456789abcdef";
    size_t i, run = 0;
    fw_rc rc = fw_buf_addc(out, '"');

    for (i = 0; i < len && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc = fw_buf_add(out, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            memcpy(u, "\\u00", 4);
            u[4] = hexd[c >> 4];
            u[5] = hexd[c & 15];
            u[6] = '\0';
            esc = u;
        }
        if (!rc)
            rc = fw_buf_adds(out, esc);
    }
    if (!rc)
        rc = fw_buf_add(out, s + run, len - run);
    if (!rc)
        rc = fw_buf_addc(out, '"');
    return rc;
}

fw_rc fw_canon_number(double d, fw_buf *out)
{
    char tmp[40], clean[40];
    int prec;
    char *e;
    size_t j = 0;

    if (!isfinite(d))
        return FW_ERR_INVALID;
    if (d == 0)
        return fw_buf_addc(out, '0'); /* also folds -0 */
    if (d == floor(d) && fabs(d) < 9007199254740992.0)
        return fw_canon_int((long long)d, out);
    /* %g drops trailing zeros, so 15 digits already give the shortest form
    ** of any value that has one of 15 digits or fewer. */
    for (prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* Rewrite "1e-05" / "1e+21" as "1e-5" / "1e21". */
    e = strchr(tmp, 'e');
    if (!e)
        return fw_buf_adds(out, tmp);
    memcpy(clean, tmp, (size_t)(e - tmp) + 1);
    j = (size_t)(e - tmp) + 1;
    e++;
    if (*e == '-')
        clean[j++] = *e++;
    else if (*e == '+')
        e++;
    while (*e == '0' && e[1])
        e++;
    while (*e && j < sizeof clean - 1)
        clean[j++] = *e++;
    clean[j] = '\0';
    return fw_buf_adds(out, clean);
}

/* Without printf: integers are most of a record. */
fw_rc fw_canon_int(long long v, fw_buf *out)
{
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return fw_buf_add(out, p, (size_t)(tmp + sizeof tmp - p));
}

/* An object's members: sorted by key on the stack for the usual small object. */
typedef struct member {
    const char *key;
    size_t len;
    const json_t *val;
} member;

#define STACK_MEMBERS 32

/* strcmp compares as unsigned char: UTF-8 byte order = code point order. */
static void sort_members(member *m, size_t n)
{
    size_t i, k;
    for (i = 1; i < n; i++) {
        member x = m[i];
        for (k = i; k > 0 && strcmp(m[k - 1].key, x.key) > 0; k--)
            m[k] = m[k - 1];
        m[k] = x;
    }
}

static int member_cmp(const void *a, const void *b)
{
    return strcmp(((const member *)a)->key, ((const member *)b)->key);
}

static fw_rc write_object(const json_t *v, fw_buf *out)
{
    size_t n = json_object_size(v), i = 0;
    member stack[STACK_MEMBERS], *m = stack;
    const char *k;
    json_t *val;
    fw_rc rc;

    if (n == 0)
        return fw_buf_adds(out, "{}");
    if (n > STACK_MEMBERS && !(m = malloc(n * sizeof *m)))
        return FW_ERR_NOMEM;
    json_object_foreach((json_t *)v, k, val) {
        m[i].key = k;
        m[i].len = strlen(k);
        m[i++].val = val;
    }
    assert(i == n);
    if (n <= STACK_MEMBERS)
        sort_members(m, n);
    else
        qsort(m, n, sizeof *m, member_cmp);
    rc = fw_buf_addc(out, '{');
    for (i = 0; i < n && !rc; i++) {
        if (i)
            rc = fw_buf_addc(out, ',');
        if (!rc)
            rc = fw_canon_string(m[i].key, m[i].len, out);
        if (!rc)
            rc = fw_buf_addc(out, ':');
        if (!rc)
            rc = fw_canon_write(m[i].val, out);
    }
    if (!rc)
        rc = fw_buf_addc(out, '}');
    if (m != stack)
        free(m);
    return rc;
}

fw_rc fw_canon_write(const json_t *v, fw_buf *out)
{
    size_t i;
    fw_rc rc;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return write_object(v, out);
    case JSON_ARRAY:
        rc = fw_buf_addc(out, '[');
        for (i = 0; i < json_array_size(v) && !rc; i++) {
            if (i)
                rc = fw_buf_addc(out, ',');
            if (!rc)
                rc = fw_canon_write(json_array_get(v, i), out);
        }
        return rc ? rc : fw_buf_addc(out, ']');
    case JSON_STRING:
        return fw_canon_string(json_string_value(v), json_string_length(v), out);
    case JSON_INTEGER:
        return fw_canon_int((long long)json_integer_value(v), out);
    case JSON_REAL:
        return fw_canon_number(json_real_value(v), out);
    case JSON_TRUE:
        return fw_buf_adds(out, "true");
    case JSON_FALSE:
        return fw_buf_adds(out, "false");
    case JSON_NULL:
        return fw_buf_adds(out, "null");
    }
    return FW_ERR_INTERNAL;
}

/* OpenSSL's SHA-256 uses the processor's SHA instructions where it has them (libsodium's
** is portable C, about six times slower on a record): it is fetched once, and libsodium's
** gives the same digest if OpenSSL cannot. */
static EVP_MD *openssl_sha256;
static pthread_once_t openssl_sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    openssl_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void fw_sha256(const void *data, size_t len, uint8_t digest[FW_SHA256_BYTES])
{
    pthread_once(&openssl_sha256_once, fetch_sha256);
    if (openssl_sha256 && EVP_Digest(data, len, digest, NULL, openssl_sha256, NULL) == 1)
        return;
    crypto_hash_sha256(digest, data, len);
}

void fw_hex(const uint8_t *bytes, size_t n, char *hex)
{
    static const char d[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        hex[2 * i] = d[bytes[i] >> 4];
        hex[2 * i + 1] = d[bytes[i] & 15];
    }
    hex[2 * n] = '\0';
}
