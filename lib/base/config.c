/*
** Configuration tables and files (see config.h).
*/
#include "base/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fw_config_defaults(const fw_config_key *keys, size_t n, void *cfg, size_t size)
{
    size_t i;
    memset(cfg, 0, size);
    for (i = 0; i < n; i++) {
        const fw_config_key *k = &keys[i];
        if (k->is_string)
            snprintf((char *)cfg + k->offset, k->size, "%s", k->def_string ? k->def_string : "");
        else
            *(long *)(void *)((char *)cfg + k->offset) = k->def;
    }
}

const fw_config_key *fw_config_find(const fw_config_key *keys, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

fw_rc fw_config_set(const fw_config_key *k, void *cfg, const char *value, fw_error *err)
{
    char *end;
    long v;
    if (k->is_string) {
        size_t len = strlen(value);
        if (len >= k->size)
            return fw_error_set(err, FW_ERR_INVALID, "%s: value too long", k->name);
        memcpy((char *)cfg + k->offset, value, len + 1);
        return FW_OK;
    }
    errno = 0;
    v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < k->min || v > k->max)
        return fw_error_set(err, FW_ERR_INVALID,
                            "%s: expected a whole number from %ld to %ld, not '%s'", k->name,
                            k->min, k->max, value);
    *(long *)(void *)((char *)cfg + k->offset) = v;
    return FW_OK;
}

/* Trim spaces and tabs from both ends of s, in place. */
static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
        ;
    *e = '\0';
    return s;
}

fw_rc fw_config_load_file(const fw_config_key *keys, size_t n, void *cfg, const char *file,
                          fw_config_problem_fn problem, void *arg, fw_error *err)
{
    FILE *f = fopen(file, "r");
    char line[1024], where[512], msg[600];
    size_t lineno = 0;
    fw_rc rc = FW_OK;

    if (!f)
        return fw_error_set(err, FW_ERR_IO, "cannot open %s: %s", file, strerror(errno));
    while (fgets(line, sizeof line, f)) {
        const fw_config_key *k;
        char *eq, *key, *value;
        fw_error e;
        lineno++;
        snprintf(where, sizeof where, "%s:%zu", file, lineno);
        line[strcspn(line, "#\r\n")] = '\0';
        if (!*trim(line))
            continue;
        eq = strchr(line, '=');
        if (!eq) {
            problem(arg, where, "expected 'key = value'");
            rc = FW_ERR_INVALID;
            continue;
        }
        *eq = '\0';
        key = trim(line);
        value = trim(eq + 1);
        if (!(k = fw_config_find(keys, n, key))) {
            snprintf(msg, sizeof msg, "unknown key '%.500s'", key);
            problem(arg, where, msg);
            rc = FW_ERR_INVALID;
            continue;
        }
        if (fw_config_set(k, cfg, value, &e) != FW_OK) {
            problem(arg, where, e.msg);
            rc = FW_ERR_INVALID;
        }
    }
    fclose(f);
    if (rc)
        fw_error_set(err, rc, "%s: invalid configuration", file);
    return rc;
}

fw_rc fw_config_help(const fw_config_key *keys, size_t n, fw_buf *out)
{
    size_t i;
    fw_rc rc = fw_buf_adds(out, "| key | default | range | meaning |\n|---|---|---|---|\n");
    for (i = 0; rc == FW_OK && i < n; i++) {
        const fw_config_key *k = &keys[i];
        if (k->is_string)
            rc = fw_buf_printf(out, "| `%s` | `%s` | | %s |\n", k->name, k->def_string, k->help);
        else
            rc = fw_buf_printf(out, "| `%s` | %ld | %ld to %ld | %s |\n", k->name, k->def, k->min,
                               k->max, k->help);
    }
    return rc;
}
