/*
** Configuration as one table of keys: each key's name, where it lives in
** the caller's configuration struct, its default, its range (whole numbers)
** or buffer size (strings), and its help text, from which the documentation
** is made.  Files are lines `key = value`, `#` comments, blank lines.
** Nothing here prints: problems go to the caller's callback, one per line.
*/
#ifndef FW_CONFIG_H
#define FW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

typedef struct fw_config_key {
    const char *name;
    size_t offset;             /* into the configuration struct */
    bool is_string;            /* a char[size] buffer; else a long */
    long def, min, max;        /* whole numbers */
    const char *def_string;    /* strings */
    const char *help;
    size_t size;               /* of a string key's buffer */
} fw_config_key;

/* Set every key of cfg to its default (cfg is zeroed first: size bytes). */
void fw_config_defaults(const fw_config_key *keys, size_t n, void *cfg, size_t size);

/* The key named name, or NULL. */
const fw_config_key *fw_config_find(const fw_config_key *keys, size_t n, const char *name);

/* Set key k of cfg from text.  FW_ERR_INVALID, err naming the key ("threads:
** expected a whole number from 0 to 256, not 'lots'"), for a value out of
** range or too long; cfg is then unchanged. */
fw_rc fw_config_set(const fw_config_key *k, void *cfg, const char *value, fw_error *err);

/* Called for each problem of a file: where is "FILE:LINE". */
typedef void (*fw_config_problem_fn)(void *arg, const char *where, const char *msg);

/*
** Apply the settings of file to cfg (defaults are not set here).  A line
** that is not `key = value`, an unknown key or a bad value is reported to
** problem and skipped; the rest still apply; the result is then
** FW_ERR_INVALID.  FW_ERR_IO (err says why) if the file cannot be read.
*/
fw_rc fw_config_load_file(const fw_config_key *keys, size_t n, void *cfg, const char *file,
                          fw_config_problem_fn problem, void *arg, fw_error *err);

/* The keys as a Markdown table (key, default, range, meaning), appended to out. */
fw_rc fw_config_help(const fw_config_key *keys, size_t n, fw_buf *out);

#endif
