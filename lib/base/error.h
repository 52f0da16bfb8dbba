/*
** Result codes and error details shared by every module of the library.
**
** Every library function that can fail returns an fw_rc and, when given a
** non-NULL fw_error, fills it with a one-line message that says what failed
** first, in lowercase, with no trailing period (git's convention).  The
** library never prints and never exits; front-ends decide what to show.
*/
#ifndef FW_ERROR_H
#define FW_ERROR_H

#include <stddef.h>

typedef enum fw_rc {
    FW_OK = 0,
    FW_ERR_INVALID,   /* input failed validation (user's fault) */
    FW_ERR_NOTFOUND,  /* the record or version asked for does not exist */
    FW_ERR_EXISTS,    /* the thing to create is already there */
    FW_ERR_IO,        /* a file or the operating system failed */
    FW_ERR_STORE,     /* the storage backend failed */
    FW_ERR_NOMEM,     /* out of memory */
    FW_ERR_LIMIT,     /* an input exceeded a configured limit */
    FW_ERR_USAGE,     /* the API was called wrongly */
    FW_ERR_INTERNAL,  /* a bug: an invariant did not hold */
    FW_ERR_DENIED     /* the caller may not do this (authorization) */
} fw_rc;

#define FW_ERROR_MSG_MAX 512

typedef struct fw_error {
    fw_rc rc;
    char msg[FW_ERROR_MSG_MAX];
} fw_error;

/* A short fixed description of a result code ("invalid input", ...). */
const char *fw_strerror(fw_rc rc);

/* Record rc and a printf-style message in err (if non-NULL); returns rc so
** callers can write `return fw_error_set(err, FW_ERR_IO, "...", ...)`. */
fw_rc fw_error_set(fw_error *err, fw_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset err to FW_OK with an empty message. */
void fw_error_clear(fw_error *err);

#endif
