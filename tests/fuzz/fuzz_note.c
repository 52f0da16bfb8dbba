/*
** Fuzz target for the signed-note, checkpoint and key parsers: whatever the
** input, opening it as a note, a checkpoint, a verifier key or a signing
** key must refuse it with a message or accept it, never crash; a note that
** opens must hold text that is a prefix of the input.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "log/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char vkey[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    fw_note_verifier v, v2;
    fw_note_signer s;
    fw_buf text;
    fw_error err;
    char origin[FW_NOTE_NAME_MAX], *str;
    uint8_t root[32];
    uint64_t n;

    if (fw_note_verifier_parse(vkey, &v, &err) != FW_OK)
        abort();
    fw_buf_init(&text, 1 << 20);
    if (fw_note_open((const char *)data, size, &v, &text, &err) == FW_OK &&
        (text.len > size || memcmp(text.data, data, text.len) != 0))
        abort();
    fw_checkpoint_parse((const char *)data, size, origin, &n, root, &err);
    str = malloc(size + 1);
    if (str) {
        memcpy(str, data, size);
        str[size] = '\0';
        fw_note_verifier_parse(str, &v2, &err);
        fw_note_signer_parse(str, &s, &err);
        free(str);
    }
    fw_buf_release(&text);
    return 0;
}
