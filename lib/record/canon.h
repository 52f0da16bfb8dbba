/*
** Canonical JSON: the one byte sequence a record is stored, hashed and
** logged as, so that the same record always has the same SHA-256.
**
** Rules (docs/incident-format.md, "Canonical form"): object keys sorted by
** their UTF-8 bytes; no whitespace; strings escaped minimally (", \ and
** control characters only, other characters as raw UTF-8); integers in plain
** decimal; a real with an integral value below 2^53 written as an integer;
** other reals as printf's %.15g, %.16g or %.17g, the first that reads back
** to the same double (the shortest form, for any value that has one of 15
** digits or fewer), with exponents written without "+" or leading zeros.
*/
#ifndef FW_CANON_H
#define FW_CANON_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"

#define FW_SHA256_BYTES 32

/* Append the canonical form of v to out. */
fw_rc fw_canon_write(const json_t *v, fw_buf *out);

/* Append the canonical form of a number to out (used for messages too). */
fw_rc fw_canon_number(double d, fw_buf *out);

/* Append len bytes of s as a JSON string (quoted, escaped as above); s must
** be valid UTF-8 (model.h's fw_utf8_repair makes any text so). */
fw_rc fw_canon_string(const char *s, size_t len, fw_buf *out);

/* Append the decimal digits of an integer to out (its canonical form; as "%lld"). */
fw_rc fw_canon_int(long long v, fw_buf *out);

/* SHA-256 of len bytes of data into digest. */
void fw_sha256(const void *data, size_t len, uint8_t digest[FW_SHA256_BYTES]);

/* Lower-case hex of a digest into hex (65 bytes with the NUL). */
void fw_hex(const uint8_t *bytes, size_t n, char *hex);

#endif
