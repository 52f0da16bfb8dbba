/*
** The policy set (policyset.h): loading a policy directory in name order,
** and choosing the version of a family that applies at a date.  This is the
** only place that choice is made; the command line's review, the server's
** findings, what-if and duties all ask here.
*/
#include "policy/policyset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "base/banned.h"

fw_rc fw_policy_read_file(const char *path, fw_buf *out, fw_error *err)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    fw_rc rc = FW_OK;

    if (!f)
        return fw_error_set(err, FW_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    while (rc == FW_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (fw_buf_add(out, chunk, n) != FW_OK)
            rc = fw_error_set(err, FW_ERR_LIMIT, "%s: larger than %zu bytes", path, out->max);
    if (rc == FW_OK && ferror(f))
        rc = fw_error_set(err, FW_ERR_IO, "%s: read error", path);
    fclose(f);
    return rc;
}

void fw_policy_set_release(fw_policy_set *set)
{
    size_t i;
    for (i = 0; i < set->n; i++) {
        fw_policy_free(set->items[i].policy);
        free(set->items[i].path);
    }
    free(set->items);
    set->items = NULL;
    set->n = 0;
}

fw_rc fw_policy_set_add_text(fw_policy_set *set, const char *path, const char *text, size_t len,
                             fw_diag *diag, fw_error *err)
{
    fw_policy *p = NULL;
    fw_loaded_policy *grown;
    uint8_t digest[32];
    char *copy = NULL;
    fw_rc rc;

    if (fw_policy_parse(path, text, len, &p, diag) != FW_OK)
        return fw_error_set(err, FW_ERR_INVALID, "%s: not a valid policy", path);
    grown = realloc(set->items, (set->n + 1) * sizeof *grown);
    if (grown)
        set->items = grown;
    copy = strdup(path);
    if (!grown || !copy) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    set->items[set->n].policy = p;
    set->items[set->n].path = copy;
    fw_sha256(text, len, digest);
    fw_hex(digest, 32, set->items[set->n].sha256);
    set->n++;
    return FW_OK;
fail:
    free(copy);
    fw_policy_free(p);
    return rc;
}

fw_rc fw_policy_set_add_file(fw_policy_set *set, const char *path, fw_diag *diag,
                             fw_error *err)
{
    fw_buf text;
    fw_rc rc;

    fw_buf_init(&text, FW_POLICY_FILE_MAX);
    rc = fw_policy_read_file(path, &text, err);
    if (rc == FW_OK)
        rc = fw_policy_set_add_text(set, path, fw_buf_str(&text), text.len, diag, err);
    fw_buf_release(&text);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

fw_rc fw_policy_set_load(const char *dir, fw_policy_set *set, fw_diag *diag, fw_error *err)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL, path[4096];
    size_t n = 0, i;
    fw_error one;
    fw_rc rc = FW_OK;

    memset(set, 0, sizeof *set);
    d = opendir(dir);
    if (!d)
        return fw_error_set(err, FW_ERR_IO, "cannot open the policy directory %s: %s", dir,
                            strerror(errno));
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char **grown;
        if (len < 8 || strcmp(e->d_name + len - 7, ".policy") != 0)
            continue;
        grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown || !(grown[n] = strdup(e->d_name))) {
            if (grown)
                names = grown;
            rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
            break;
        }
        names = grown;
        n++;
    }
    closedir(d);
    if (rc == FW_OK)
        qsort(names, n, sizeof *names, name_cmp);
    for (i = 0; i < n; i++) {
        if (rc == FW_OK || rc == FW_ERR_INVALID) {
            fw_rc r;
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path) {
                fw_diag_add(diag, "%s/%s: path too long", dir, names[i]);
                rc = FW_ERR_INVALID;
            } else if ((r = fw_policy_set_add_file(set, path, diag, &one)) == FW_ERR_NOMEM) {
                rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
            } else if (r != FW_OK) {
                if (r != FW_ERR_INVALID)
                    fw_diag_add(diag, "%s", one.msg); /* a read error: parse problems are in diag */
                rc = fw_error_set(err, FW_ERR_INVALID, "the policy directory %s has problems",
                                  dir);
            }
        }
        free(names[i]);
    }
    free(names);
    if (rc != FW_OK)
        fw_policy_set_release(set);
    return rc;
}

const fw_loaded_policy *fw_policy_set_find(const fw_policy_set *set, const char *name)
{
    size_t i;
    for (i = 0; i < set->n; i++)
        if (strcmp(fw_policy_fullname(set->items[i].policy), name) == 0)
            return &set->items[i];
    return NULL;
}

bool fw_policy_set_knows(const fw_policy_set *set, const char *name)
{
    size_t i;
    if (fw_policy_set_find(set, name))
        return true;
    for (i = 0; i < set->n; i++)
        if (strcmp(fw_policy_name(set->items[i].policy), name) == 0)
            return true;
    return false;
}

/* Whether a took effect no earlier than b (no effective date: the oldest). */
static bool not_older(const fw_policy *a, const fw_policy *b)
{
    const char *ea = fw_policy_effective(a), *eb = fw_policy_effective(b);
    if (!eb)
        return true;
    if (!ea)
        return false;
    return strncmp(ea, eb, 10) >= 0;
}

const fw_loaded_policy *fw_policy_set_choose(const fw_policy_set *set, const char *name,
                                             const char *date)
{
    const fw_loaded_policy *exact = fw_policy_set_find(set, name), *best = NULL, *last = NULL;
    bool adopted = false;
    size_t i;

    if (exact)
        return exact;
    for (i = 0; i < set->n; i++) {
        const fw_policy *p = set->items[i].policy;
        if (strcmp(fw_policy_name(p), name) != 0)
            continue;
        last = &set->items[i];
        if (strcmp(fw_policy_kind(p), "adopted") != 0)
            continue;
        adopted = true;
        if (date && !fw_policy_in_effect(p, date))
            continue;
        if (!best || not_older(p, best->policy))
            best = &set->items[i];
    }
    if (best)
        return best;
    return adopted ? NULL : last;
}

const fw_loaded_policy *fw_policy_set_in_effect_for(const fw_policy_set *set, const char *family,
                                                    const char *date, const fw_jurisdiction *j)
{
    const fw_loaded_policy *lp = date ? fw_policy_set_choose(set, family, date) : NULL;
    const fw_policy *p;
    size_t i;

    if (!date || !j)
        return NULL;
    /* A version adopted by its full name is that version, whatever the family's latest. */
    for (i = 0; i < set->n; i++) {
        p = set->items[i].policy;
        if (strcmp(fw_policy_name(p), family) == 0 &&
            fw_agency_chain_adopted(j->chain, "", fw_policy_fullname(p), date))
            return fw_policy_governs_what(p, j) ? &set->items[i] : NULL;
    }
    if (!lp)
        return NULL;
    p = lp->policy;
    if (!fw_agency_chain_adopted(j->chain, family, fw_policy_fullname(p), date) &&
        !(fw_policy_in_effect(p, date) && fw_policy_governs_whom(p, j)))
        return NULL;
    return fw_policy_governs_what(p, j) ? lp : NULL;
}

size_t fw_policy_set_in_effect(const fw_policy_set *set, const char *date,
                               const fw_jurisdiction *j, const fw_loaded_policy **out,
                               size_t max)
{
    size_t i, k, n = 0;
    for (i = 0; i < set->n && n < max; i++) {
        const char *family = fw_policy_name(set->items[i].policy);
        const fw_loaded_policy *lp;
        bool seen = false;
        for (k = 0; k < i && !seen; k++)
            seen = strcmp(fw_policy_name(set->items[k].policy), family) == 0;
        if (!seen && (lp = fw_policy_set_in_effect_for(set, family, date, j)) != NULL)
            out[n++] = lp;
    }
    return n;
}

bool fw_policy_set_governs(const fw_policy_set *set, const fw_loaded_policy *lp,
                           const char *date, const fw_jurisdiction *j)
{
    return lp && fw_policy_set_in_effect_for(set, fw_policy_name(lp->policy), date, j) == lp;
}

const char *fw_policy_set_what_if(const fw_policy_set *set, const fw_loaded_policy *lp,
                                  const char *date, const fw_jurisdiction *j)
{
    const fw_policy *p;
    bool adopted;

    if (fw_policy_set_governs(set, lp, date, j))
        return NULL;
    if (!lp || !date)
        return "not chosen for this incident";
    p = lp->policy;
    adopted = j && fw_agency_chain_adopted(j->chain, fw_policy_name(p), fw_policy_fullname(p),
                                           date);
    if (!adopted && strcmp(fw_policy_kind(p), "adopted") != 0 && !fw_policy_governs_whom(p, j))
        return "a model policy no agency of this incident adopted";
    if (!adopted && !fw_policy_governs_whom(p, j))
        return "it does not govern this agency";
    /* A model policy naming the agency: only an adoption puts it in effect. */
    if (!adopted && strcmp(fw_policy_kind(p), "adopted") != 0)
        return "a model policy this incident's agencies have not adopted by that date";
    if (!adopted && !fw_policy_in_effect(p, date))
        return "not in effect on that date";
    if (!fw_policy_governs_what(p, j))
        return "it does not govern this kind of encounter";
    return "another version is in effect on that date";
}
