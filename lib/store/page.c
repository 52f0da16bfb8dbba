/*
** Paging through a listing (see page.h): the page size and the cursor.
*/
#include "store/page.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

fw_rc fw_page_limit(const char *text, long *n, fw_error *err)
{
    char *end;
    *n = FW_PAGE_DEFAULT;
    if (!text)
        return FW_OK;
    errno = 0;
    *n = strtol(text, &end, 10);
    if (errno || *end || end == text || *n < 1 || *n > FW_PAGE_MAX)
        return fw_error_set(err, FW_ERR_INVALID, "expected 1 to %d, not '%s'", FW_PAGE_MAX, text);
    return FW_OK;
}

bool fw_page_cursor_encode(const char *occurred, const char *id, char *out, size_t n)
{
    char raw[160];
    int k = snprintf(raw, sizeof raw, "%s\n%s", occurred, id);
    if (k < 0 || (size_t)k >= sizeof raw ||
        n < sodium_base64_ENCODED_LEN((size_t)k, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
        return false;
    sodium_bin2base64(out, n, (const unsigned char *)raw, (size_t)k,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return true;
}

fw_rc fw_page_cursor_decode(const char *cursor, char *occ, size_t on, char *id, size_t idn,
                            fw_error *err)
{
    unsigned char bin[256];
    size_t len;
    char *nl;
    if (sodium_base642bin(bin, sizeof bin - 1, cursor, strlen(cursor), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        goto bad;
    bin[len] = '\0';
    nl = strchr((char *)bin, '\n');
    if (!nl || (size_t)(nl - (char *)bin) >= on || strlen(nl + 1) >= idn || !nl[1])
        goto bad;
    *nl = '\0';
    memcpy(occ, bin, (size_t)(nl - (char *)bin) + 1);   /* lengths checked above */
    memcpy(id, nl + 1, strlen(nl + 1) + 1);
    return FW_OK;
bad:
    return fw_error_set(err, FW_ERR_INVALID, "not a cursor this server gave");
}
