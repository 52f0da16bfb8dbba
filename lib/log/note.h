/*
** Signed notes (the C2SP signed-note format) with Ed25519 keys, and the
** transparency-log checkpoint carried in one (C2SP tlog-checkpoint): an
** origin line, the tree size, the base64 root hash.  Keys are text in the
** same encodings as the Go reference implementation:
**
**   signer (private, keep secret)  PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>
**   verifier (public, publish it)  <name>+<hex key id>+<base64(0x01 || public key)>
**
** key id = the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
** A note is its text (ending in a newline), a blank line, and signature
** lines "— <name> <base64(key id || signature)>".  Pure apart from
** fw_note_generate, which asks libsodium for random bytes.
*/
#ifndef FW_NOTE_H
#define FW_NOTE_H

#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

#define FW_NOTE_NAME_MAX 128

typedef struct fw_note_signer {
    char name[FW_NOTE_NAME_MAX];
    uint32_t id;
    uint8_t pk[32];
    uint8_t sk[64];
} fw_note_signer;

typedef struct fw_note_verifier {
    char name[FW_NOTE_NAME_MAX];
    uint32_t id;
    uint8_t pk[32];
} fw_note_verifier;

/* A new random key named name (a log origin such as "example.org/forcewatch"). */
fw_rc fw_note_generate(const char *name, fw_note_signer *s, fw_error *err);

/* Read and write the text encodings above (no trailing newline). */
fw_rc fw_note_signer_parse(const char *text, fw_note_signer *s, fw_error *err);
fw_rc fw_note_signer_format(const fw_note_signer *s, fw_buf *out);
fw_rc fw_note_verifier_parse(const char *text, fw_note_verifier *v, fw_error *err);
fw_rc fw_note_verifier_format(const fw_note_signer *s, fw_buf *out);
void fw_note_verifier_of(const fw_note_signer *s, fw_note_verifier *v);

/* Sign text (non-empty, ending in '\n', no blank line) into a note appended to out. */
fw_rc fw_note_sign(const fw_note_signer *s, const char *text, size_t len, fw_buf *out,
                   fw_error *err);

/*
** Check that note carries a valid signature by v; on success append its
** text (with the final newline) to text.  FW_ERR_INVALID with a message
** saying what is wrong otherwise.
*/
fw_rc fw_note_open(const char *note, size_t len, const fw_note_verifier *v, fw_buf *text,
                   fw_error *err);

/* Checkpoint text: "<origin>\n<size>\n<base64 root>\n". */
fw_rc fw_checkpoint_text(const char *origin, uint64_t size, const uint8_t root[32], fw_buf *out);
/* Parse a checkpoint's text (as fw_note_open returns it). */
fw_rc fw_checkpoint_parse(const char *text, size_t len, char origin[FW_NOTE_NAME_MAX],
                          uint64_t *size, uint8_t root[32], fw_error *err);

#endif
