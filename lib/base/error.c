/*
** Result-code names and the error-detail helpers (see error.h).
*/
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/banned.h"

static const char *const rc_names[] = {
    [FW_OK] = "ok",
    [FW_ERR_INVALID] = "invalid input",
    [FW_ERR_NOTFOUND] = "not found",
    [FW_ERR_EXISTS] = "already exists",
    [FW_ERR_IO] = "i/o error",
    [FW_ERR_STORE] = "storage error",
    [FW_ERR_NOMEM] = "out of memory",
    [FW_ERR_LIMIT] = "limit exceeded",
    [FW_ERR_USAGE] = "usage error",
    [FW_ERR_INTERNAL] = "internal error",
    [FW_ERR_DENIED] = "not permitted",
};

const char *fw_strerror(fw_rc rc)
{
    if ((unsigned)rc >= sizeof rc_names / sizeof rc_names[0])
        return "unknown error";
    return rc_names[rc];
}

fw_rc fw_error_set(fw_error *err, fw_rc rc, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->rc = rc;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return rc;
}

void fw_error_clear(fw_error *err)
{
    if (err) {
        err->rc = FW_OK;
        err->msg[0] = '\0';
    }
}
