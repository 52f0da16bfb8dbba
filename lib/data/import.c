/*
** Import profiles (see import.h): a line-oriented parser for the profile
** files, and the mapping of one CSV row onto an incident document with one
** "dataset_record" account (the row's facts as events at t = 0), or, for a
** profile's `join agencies` section, onto an agency record.
*/
#include "data/import.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "record/canon.h"
#include "record/schema.h"
#include "base/timeutil.h"
#include "base/str.h"

#include "base/banned.h"

#define MAX_MAP 64
#define MAX_RULES 32
#define MAX_COLS 8
#define HASH_HEX 16  /* hex digits of SHA-256 kept in a hashed id: 64 bits */

/* The fields a profile can fill, per part, with the enumeration their values must be in. */
typedef struct field_target {
    const char *name;
    const char *enumeration;  /* NULL: free text */
} field_target;

static const field_target incident_targets[] = {
    {"id", NULL},       {"date", NULL},          {"time", NULL},
    {"agency", NULL},   {"city", NULL},          {"county", NULL},
    {"state", NULL},    {"lat", NULL},           {"lon", NULL},
    {"name", NULL},     {"age", NULL},           {"sex", "sex"},
    {"race", "race"},   {"armed", "weapon"},     {"threat", "threat_level"},
    {"flee", "flee_mode"}, {"mental", "impairment"}, {"force", "force_kind"},
    {NULL, NULL},
};

static const field_target agency_targets[] = {
    {"id", NULL},   {"name", NULL}, {"type", "agency_type"}, {"state", NULL},
    {"ori", NULL},  {"parent", NULL}, {NULL, NULL},
};

/* Indexes into incident_targets and agency_targets. */
enum {
    T_ID, T_DATE, T_TIME, T_AGENCY, T_CITY, T_COUNTY, T_STATE, T_LAT, T_LON, T_NAME, T_AGE,
    T_SEX, T_RACE, T_ARMED, T_THREAT, T_FLEE, T_MENTAL, T_FORCE, NTARGETS
};
enum { A_ID, A_NAME, A_TYPE, A_STATE, A_ORI, A_PARENT };

typedef struct rule {
    const char *target;
    char column[128];           /* as written: "-", "name" or "name,date" */
    int cols[MAX_COLS];         /* indexes in the header, once bound */
    size_t ncols;
    char prefix[64], split, format[16], def[128], constant[128], zone[16];
    uint8_t id_key[FW_PROFILE_ID_KEY_BYTES]; /* for hash: set by fw_profile_set_id_key */
    char keys[MAX_MAP][64], values[MAX_MAP][64];
    size_t nmap;
    bool has_map, hash, last_first;
    char star[64];              /* the value for unmapped input ("*=") */
    bool has_star;
} rule;

typedef struct ruleset {
    rule rules[MAX_RULES];
    size_t n;
    int by_target[NTARGETS];    /* index in rules + 1 of each target's rule; 0: none */
} ruleset;

struct fw_profile {
    char name[64], title[256], source[256];
    char provenance[32];        /* every incident's "provenance"; "" until given */
    ruleset parts[2];           /* by fw_profile_part */
    bool joins_agencies;
    bool has_id_key;
};

bool fw_profile_hashes_ids(const fw_profile *p)
{
    size_t i, k;
    for (i = 0; i < 2; i++)
        for (k = 0; k < p->parts[i].n; k++)
            if (p->parts[i].rules[k].hash)
                return true;
    return false;
}

void fw_profile_set_id_key(fw_profile *p, const uint8_t key[FW_PROFILE_ID_KEY_BYTES])
{
    size_t i, k;
    for (i = 0; i < 2; i++)
        for (k = 0; k < p->parts[i].n; k++)
            memcpy(p->parts[i].rules[k].id_key, key, FW_PROFILE_ID_KEY_BYTES);
    p->has_id_key = true;
}

const char *fw_profile_name(const fw_profile *p)
{
    return p->name;
}

bool fw_profile_joins_agencies(const fw_profile *p)
{
    return p->joins_agencies;
}

void fw_profile_free(fw_profile *p)
{
    free(p);
}

static const rule *find_rule(const ruleset *rs, const char *target)
{
    size_t i;
    for (i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].target, target) == 0)
            return &rs->rules[i];
    return NULL;
}

/* The rule for a target (T_ or A_ index), or NULL: what mapping each row uses. */
static const rule *R(const ruleset *rs, int target)
{
    return rs->by_target[target] ? &rs->rules[rs->by_target[target] - 1] : NULL;
}

const char *fw_profile_id_prefix(const fw_profile *p)
{
    const rule *r = find_rule(&p->parts[FW_PROFILE_INCIDENTS], "id");
    return r ? r->prefix : "";
}

/* Next word of *s into w: up to unquoted white space; double quotes group
** (key="two words" or "two words"=value) and are not copied. */
static bool word(const char **s, char *w, size_t n)
{
    const char *p = *s;
    size_t k = 0;
    bool quoted = false;
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    if (!*p || *p == '#')
        return false;
    for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\r')); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (k + 1 < n)
            w[k++] = *p;
    }
    w[k] = '\0';
    *s = p;
    return true;
}

/* Like word, into a destination of n bytes that a longer word must not be cut to
** fit: 1 for a word, 0 for none, -1 (and *s past it) for a word of n bytes or more. */
static int word_into(const char **s, char *dst, size_t n)
{
    char w[1024];
    if (!word(s, w, sizeof w))
        return 0;
    if (strlen(w) >= n || strlen(w) + 1 >= sizeof w)
        return -1;
    memcpy(dst, w, strlen(w) + 1);
    return 1;
}

static void perr(fw_diag *d, int *errors, const char *file, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void perr(fw_diag *d, int *errors, const char *file, size_t line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fw_diag_add(d, "%s:%zu: %s", file, line, msg);
    (*errors)++;
}

static const char *const time_formats[] = {"HH:MM", "h:mm AM/PM", NULL};
static const char *const date_formats[] = {"YYYY-MM-DD", "MM/DD/YYYY", NULL};

static bool in_list(const char *const *list, const char *v)
{
    for (; *list; list++)
        if (strcmp(*list, v) == 0)
            return true;
    return false;
}

/* Each ';'-separated value of v is in the target's enumeration (race may also say
** hispanic, which sets the subject's ethnicity). */
static bool enum_values_ok(const field_target *t, const char *v, char *bad, size_t badlen)
{
    char list[128], *save = NULL, *part;
    const fw_enum *e;
    if (!t->enumeration)
        return true;
    e = fw_enum_find(t->enumeration);
    if (fw_strlcpy(list, v, sizeof list) != FW_OK) {   /* cut short, a bad value could pass */
        snprintf(bad, badlen, "%.32s... (a list over %zu bytes)", v, sizeof list - 1);
        return false;
    }
    for (part = strtok_r(list, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
        if (fw_enum_index(e, part) >= 0 || (strcmp(t->name, "race") == 0 && strcmp(part, "hispanic") == 0))
            continue;
        snprintf(bad, badlen, "%s", part);
        return false;
    }
    return true;
}

/* The options after a field's column, into r. */
static void parse_options(const char **s, rule *r, const char *file, size_t lineno, fw_diag *diag,
                          int *errors)
{
    char w[256];
    while (word(s, w, sizeof w)) {
        char *dst = NULL;
        size_t dlen = 0;
        if (strcmp(w, "prefix") == 0) {
            dst = r->prefix;
            dlen = sizeof r->prefix;
        } else if (strcmp(w, "format") == 0) {
            dst = r->format;
            dlen = sizeof r->format;
        } else if (strcmp(w, "default") == 0) {
            dst = r->def;
            dlen = sizeof r->def;
        } else if (strcmp(w, "const") == 0) {
            dst = r->constant;
            dlen = sizeof r->constant;
        } else if (strcmp(w, "zone") == 0) {
            dst = r->zone;
            dlen = sizeof r->zone;
        } else if (strcmp(w, "hash") == 0) {
            r->hash = true;
            continue;
        } else if (strcmp(w, "order") == 0) {
            if (!word(s, w, sizeof w) || strcmp(w, "last-first") != 0)
                perr(diag, errors, file, lineno, "order: only 'order last-first' is known");
            else
                r->last_first = true;
            continue;
        } else if (strcmp(w, "split") == 0) {
            if (!word(s, w, sizeof w) || strlen(w) != 1)
                perr(diag, errors, file, lineno, "split needs one character");
            else
                r->split = w[0];
            continue;
        } else if (strcmp(w, "map") == 0) {
            r->has_map = true;
            while (word(s, w, sizeof w)) {
                char *eq = strchr(w, '=');
                if (!eq) {
                    perr(diag, errors, file, lineno, "map entries are key=value, not '%s'", w);
                    break;
                }
                *eq = '\0';
                if (strlen(w) >= 64 || strlen(eq + 1) >= 64) {
                    perr(diag, errors, file, lineno, "map entries are at most 63 bytes");
                    break;
                }
                if (strcmp(w, "*") == 0) {
                    r->has_star = true;
                    memcpy(r->star, eq + 1, strlen(eq + 1) + 1);
                } else if (r->nmap == MAX_MAP) {
                    perr(diag, errors, file, lineno, "more than %d map entries", MAX_MAP);
                    break;
                } else {
                    memcpy(r->keys[r->nmap], w, strlen(w) + 1);
                    memcpy(r->values[r->nmap], eq + 1, strlen(eq + 1) + 1);
                    r->nmap++;
                }
            }
            continue;
        } else {
            perr(diag, errors, file, lineno, "unknown option '%s'", w);
            break;
        }
        switch (word_into(s, dst, dlen)) {
        case 0:
            perr(diag, errors, file, lineno, "'%s' needs a value", w);
            break;
        case -1:
            perr(diag, errors, file, lineno, "%s: longer than %zu bytes", w, dlen - 1);
            break;
        }
    }
}

/* Whether a zone name is known (checked with a date its rules cover). */
static bool zone_known(const char *zone)
{
    char off[8];
    return fw_zone_offset(zone, 2020, 1, 1, 0, 0, off);
}

/* Problems a rule can have on its own: checked once its line is read. */
static void check_rule(const rule *r, const field_target *t, const char *file, size_t lineno,
                       fw_diag *diag, int *errors)
{
    char bad[128];
    size_t i;
    bool is_time = strcmp(r->target, "time") == 0;

    if (strcmp(r->column, "-") == 0 && !r->constant[0])
        perr(diag, errors, file, lineno, "'%s' reads no column: give 'const VALUE'", r->target);
    if (r->ncols > 1 && !r->hash)
        perr(diag, errors, file, lineno, "'%s' reads several columns: only 'hash' combines them",
             r->target);
    if (r->hash && strcmp(r->target, "id") != 0)
        perr(diag, errors, file, lineno, "'hash' makes ids; '%s' cannot use it", r->target);
    if (r->last_first && strcmp(r->target, "name") != 0)
        perr(diag, errors, file, lineno, "'order last-first' is for names, not '%s'", r->target);
    if (r->zone[0] && !is_time)
        perr(diag, errors, file, lineno, "'zone' goes with 'time', not '%s'", r->target);
    if (r->zone[0] && !zone_known(r->zone))
        perr(diag, errors, file, lineno,
             "zone: unknown '%s' (expected us-eastern, us-central, us-mountain, us-arizona, "
             "us-pacific, us-alaska, us-hawaii, Z or +hh:mm)", r->zone);
    if (r->format[0] && is_time && !in_list(time_formats, r->format))
        perr(diag, errors, file, lineno, "format: HH:MM or \"h:mm AM/PM\" for a time");
    else if (r->format[0] && !is_time && strcmp(r->target, "date") == 0 &&
             !in_list(date_formats, r->format))
        perr(diag, errors, file, lineno, "format: YYYY-MM-DD or MM/DD/YYYY");
    else if (r->format[0] && !is_time && strcmp(r->target, "date") != 0)
        perr(diag, errors, file, lineno, "'format' is for dates and times, not '%s'", r->target);
    for (i = 0; i < r->nmap; i++)
        if (r->values[i][0] && !enum_values_ok(t, r->values[i], bad, sizeof bad))
            perr(diag, errors, file, lineno, "map: '%s' is not a value of %s (docs/incident-format.md)",
                 bad, t->enumeration);
    if (r->has_star && r->star[0] && !enum_values_ok(t, r->star, bad, sizeof bad))
        perr(diag, errors, file, lineno, "map: '%s' is not a value of %s (docs/incident-format.md)",
             bad, t->enumeration);
    if (r->constant[0] && !r->has_map && !enum_values_ok(t, r->constant, bad, sizeof bad))
        perr(diag, errors, file, lineno, "const: '%s' is not a value of %s", bad, t->enumeration);
}

/* Split a rule's column list ("name,date") into its columns; counts them. */
static void count_columns(rule *r)
{
    const char *c;
    r->ncols = 1;
    for (c = r->column; *c; c++)
        r->ncols += *c == ',';
}

fw_rc fw_profile_parse(const char *file, const char *text, size_t len, fw_profile **out,
                       fw_diag *diag)
{
    fw_profile *p = calloc(1, sizeof *p);
    char line[2048], w[256];
    size_t lineno = 0, i = 0, part = FW_PROFILE_INCIDENTS;
    int errors = 0;

    *out = NULL;
    if (!p)
        return FW_ERR_NOMEM;
    while (i < len) {
        size_t n = 0;
        const char *s = line;
        lineno++;
        while (i < len && text[i] != '\n' && n + 1 < sizeof line)
            line[n++] = text[i++];
        line[n] = '\0';
        if (i < len && text[i] != '\n') {
            perr(diag, &errors, file, lineno, "line too long");
            while (i < len && text[i] != '\n')
                i++;
        }
        i++;
        if (!word(&s, w, sizeof w))
            continue;
        if (strcmp(w, "profile") == 0) {
            if (word_into(&s, p->name, sizeof p->name) != 1 ||
                word_into(&s, p->title, sizeof p->title) != 1)
                perr(diag, &errors, file, lineno,
                     "expected 'profile NAME \"TITLE\"' (at most %zu and %zu bytes)",
                     sizeof p->name - 1, sizeof p->title - 1);
            continue;
        }
        if (strcmp(w, "source") == 0) {
            if (word_into(&s, p->source, sizeof p->source) != 1)
                perr(diag, &errors, file, lineno, "expected 'source \"TEXT\"' (at most %zu bytes)",
                     sizeof p->source - 1);
            continue;
        }
        if (strcmp(w, "provenance") == 0) {
            if (word_into(&s, p->provenance, sizeof p->provenance) != 1 || word(&s, w, sizeof w) ||
                fw_enum_index(fw_enum_find("provenance"), p->provenance) < 0)
                perr(diag, &errors, file, lineno,
                     "expected 'provenance VALUE', one of workflow, investigation, public_record");
            continue;
        }
        if (strcmp(w, "join") == 0) {
            if (!word(&s, w, sizeof w) || strcmp(w, "agencies") != 0 || word(&s, w, sizeof w))
                perr(diag, &errors, file, lineno, "expected 'join agencies'");
            else if (p->joins_agencies)
                perr(diag, &errors, file, lineno, "'join agencies' given twice");
            p->joins_agencies = true;
            part = FW_PROFILE_AGENCIES;
            continue;
        }
        {
            const field_target *targets = part == FW_PROFILE_AGENCIES ? agency_targets : incident_targets;
            ruleset *rs = &p->parts[part];
            size_t t, k;
            rule *r;
            for (t = 0; targets[t].name && strcmp(targets[t].name, w) != 0; t++)
                ;
            if (!targets[t].name) {
                perr(diag, &errors, file, lineno, "unknown %sfield '%s'",
                     part == FW_PROFILE_AGENCIES ? "agency " : "", w);
                continue;
            }
            if (rs->n == MAX_RULES || find_rule(rs, targets[t].name)) {
                perr(diag, &errors, file, lineno, "'%s' given twice", w);
                continue;
            }
            r = &rs->rules[rs->n];
            memset(r, 0, sizeof *r);
            r->target = targets[t].name;
            for (k = 0; k < MAX_COLS; k++)
                r->cols[k] = -1;
            switch (word_into(&s, r->column, sizeof r->column)) {
            case 0:
                perr(diag, &errors, file, lineno, "'%s' needs a column name (or - for none)", w);
                continue;
            case -1:
                perr(diag, &errors, file, lineno, "'%s': column longer than %zu bytes", w,
                     sizeof r->column - 1);
                continue;
            }
            count_columns(r);
            if (r->ncols > MAX_COLS) {
                perr(diag, &errors, file, lineno, "at most %d columns", MAX_COLS);
                continue;
            }
            parse_options(&s, r, file, lineno, diag, &errors);
            check_rule(r, &targets[t], file, lineno, diag, &errors);
            rs->by_target[t] = (int)++rs->n;
        }
    }
    if (!p->name[0])
        perr(diag, &errors, file, 1, "no 'profile NAME \"TITLE\"' line");
    if (!p->provenance[0])  /* a dataset imported in bulk is a public record unless it says */
        memcpy(p->provenance, "public_record", sizeof "public_record");
    if (!find_rule(&p->parts[FW_PROFILE_INCIDENTS], "id") ||
        !find_rule(&p->parts[FW_PROFILE_INCIDENTS], "date"))
        perr(diag, &errors, file, 1, "a profile needs at least 'id' and 'date'");
    if (p->joins_agencies && (!find_rule(&p->parts[FW_PROFILE_AGENCIES], "id") ||
                              !find_rule(&p->parts[FW_PROFILE_AGENCIES], "name")))
        perr(diag, &errors, file, 1, "'join agencies' needs at least 'id' and 'name'");
    if (errors) {
        free(p);
        return FW_ERR_INVALID;
    }
    *out = p;
    return FW_OK;
}

fw_rc fw_profile_bind(fw_profile *p, fw_profile_part part, const fw_csv_row *header, char *why,
                      size_t whylen)
{
    ruleset *rs = &p->parts[part];
    size_t i, k, c;
    for (i = 0; i < rs->n; i++) {
        rule *r = &rs->rules[i];
        const char *name = r->column;
        if (strcmp(r->column, "-") == 0)
            continue;
        for (c = 0; c < r->ncols; c++) {
            const char *end = strchr(name, ',');
            size_t nlen = end ? (size_t)(end - name) : strlen(name);
            for (k = 0; k < header->nfields &&
                        (header->lens[k] != nlen || memcmp(header->fields[k], name, nlen) != 0);
                 k++)
                ;
            if (k == header->nfields) {
                snprintf(why, whylen, "the file has no column '%.*s' (for %s)", (int)nlen, name,
                         r->target);
                return FW_ERR_INVALID;
            }
            r->cols[c] = (int)k;
            name += nlen + 1;
        }
    }
    return FW_OK;
}

/* The row's raw text in a rule's (first) column ("" if absent). */
static const char *raw(const rule *r, const fw_csv_row *row)
{
    if (!r)
        return "";
    if (r->constant[0])
        return r->constant;
    if (r->cols[0] < 0 || (size_t)r->cols[0] >= row->nfields)
        return "";
    return row->fields[r->cols[0]];
}

/* s with white space trimmed and inner runs collapsed to one space, into out. */
static void tidy(const char *s, char *out, size_t n)
{
    size_t k = 0;
    bool space = false;
    if (n == 0)
        return;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
            space = k > 0;
            continue;
        }
        if (space && k + 1 < n)
            out[k++] = ' ';
        space = false;
        if (k + 1 < n)
            out[k++] = *s;
    }
    out[k] = '\0';
}

void fw_name_last_first(const char *in, char *out, size_t outlen)
{
    char buf[512], last[512], first[512];
    const char *comma;
    tidy(in, buf, sizeof buf);
    comma = strchr(buf, ',');
    if (!comma) {
        snprintf(out, outlen, "%s", buf);
        return;
    }
    snprintf(last, sizeof last, "%.*s", (int)(comma - buf), buf);
    tidy(last, last, sizeof last);
    tidy(comma + 1, first, sizeof first);
    if (!*first || !*last)
        snprintf(out, outlen, "%s%s", last, first);
    else
        snprintf(out, outlen, "%s %s", first, last);
}

/* The prefix and the first 16 hex digits of the HMAC-SHA-256, under the database's id
** key, of the rule's columns (each tidied, joined by 0x1F), into out.  Keyed, so that
** nobody without the key can turn candidate names into ids and so re-identify a
** de-identified record.  False if the joined columns or the id do not fit: the row is
** then refused, as two rows cut to the same bytes would get the same id. */
static bool hashed(const rule *r, const fw_csv_row *row, char *out, size_t n)
{
    char joined[4096], part[1024], hex[65];
    uint8_t digest[FW_SHA256_BYTES];
    size_t c, k = 0;
    for (c = 0; c < r->ncols; c++) {
        const char *v =
            r->cols[c] >= 0 && (size_t)r->cols[c] < row->nfields ? row->fields[r->cols[c]] : "";
        tidy(v, part, sizeof part);
        if (fw_snprintf(joined + k, sizeof joined - k, "%s%s", c ? "\x1f" : "", part) != FW_OK)
            return false;
        k += strlen(joined + k);
    }
    crypto_auth_hmacsha256(digest, (const unsigned char *)joined, k, r->id_key);
    fw_hex(digest, sizeof digest, hex);
    return fw_snprintf(out, n, "%s%.*s", r->prefix, HASH_HEX, hex) == FW_OK;
}

/* The values of one field of one row, after splitting, mapping and prefixing. */
#define MAX_VALUES 33
#define VALUE_BYTES 256
typedef struct vals {
    size_t n;
    bool too_long;              /* a value did not fit: the row is refused, not truncated */
    char v[MAX_VALUES][VALUE_BYTES];
} vals;

static void add_value(vals *out, const char *v, size_t len)
{
    size_t k;
    if (len >= VALUE_BYTES) {
        out->too_long = true;
        return;
    }
    for (k = 0; k < out->n; k++)
        if (strlen(out->v[k]) == len && memcmp(out->v[k], v, len) == 0)
            return;
    if (out->n == MAX_VALUES)
        return;
    memcpy(out->v[out->n], v, len);
    out->v[out->n++][len] = '\0';
}

/* Every value of a rule: split, trimmed, mapped or prefixed, distinct, into out. */
static void values(const rule *r, const fw_csv_row *row, vals *out)
{
    const char *s, *end;
    char part[1024], named[1024];
    size_t i;

    out->n = 0;
    out->too_long = false;
    if (!r)
        return;
    if (r->hash) {
        out->too_long = !hashed(r, row, out->v[0], sizeof out->v[0]);
        out->n = 1;
        return;
    }
    for (s = raw(r, row); *s; s = *end ? end + 1 : end) {
        const char *v = part, *m;
        size_t len;
        end = r->split ? strchr(s, r->split) : NULL;
        if (!end)
            end = s + strlen(s);
        while (s < end && *s == ' ')
            s++;
        len = (size_t)(end - s);
        while (len && s[len - 1] == ' ')
            len--;
        if (len == 0)
            continue;
        if (len >= sizeof part) {
            out->too_long = true;
            continue;
        }
        memcpy(part, s, len);
        part[len] = '\0';
        if (r->last_first) {
            fw_name_last_first(part, named, sizeof named);
            v = named;
        }
        if (!r->has_map) {
            size_t plen = strlen(r->prefix);
            len = strlen(v);
            if (plen + len >= sizeof named) {
                out->too_long = true;
                continue;
            }
            memmove(named + plen, v, len + 1);
            memcpy(named, r->prefix, plen);
            add_value(out, named, plen + len);
            continue;
        }
        for (m = NULL, i = 0; i < r->nmap && !m; i++)
            if (strcmp(r->keys[i], v) == 0)
                m = r->values[i];
        if (!m && !r->has_star) {
            add_value(out, v, strlen(v)); /* passed through: the format will judge it */
            continue;
        }
        if (!m)
            m = r->star;
        /* A mapped value may itself list several ("firearm_discharge;ecd"). */
        while (*m) {
            const char *semi = strchr(m, ';');
            size_t mlen = semi ? (size_t)(semi - m) : strlen(m);
            if (mlen)
                add_value(out, m, mlen);
            m += mlen + (semi ? 1 : 0);
        }
    }
    if (out->n == 0 && r->def[0])
        add_value(out, r->def, strlen(r->def));
}

/* The first value of a rule, using tmp; NULL if none. */
static const char *first(const rule *r, const fw_csv_row *row, vals *tmp)
{
    values(r, row, tmp);
    return tmp->n ? tmp->v[0] : NULL;
}

static bool parse_date(const char *v, const char *format, int *y, int *m, int *d)
{
    fw_time t;
    char iso[16], rest;
    if (format && strcmp(format, "MM/DD/YYYY") == 0) {
        if (sscanf(v, "%2d/%2d/%4d%c", m, d, y, &rest) != 3 || *y < 1900 || *y > 9999 ||
            *m < 1 || *m > 12 || *d < 1 || *d > 31)
            return false;
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", *y, *m, *d);
    } else {
        /* The date part of an ISO date or date-time. */
        snprintf(iso, sizeof iso, "%.10s", v);
    }
    return strlen(iso) == 10 && fw_time_parse(iso, &t) && sscanf(iso, "%4d-%2d-%2d", y, m, d) == 3;
}

/* A time of day in the rule's format into hours and minutes. */
static bool parse_time(const char *v, const char *format, int *h, int *mi)
{
    char ampm[3] = "", rest;
    int n;
    if (format && strcmp(format, "h:mm AM/PM") == 0) {
        n = sscanf(v, "%2d:%2d %2[AaPpMm]%c", h, mi, ampm, &rest);
        if (n != 3 || *h < 1 || *h > 12 || *mi < 0 || *mi > 59 || (ampm[1] != 'M' && ampm[1] != 'm'))
            return false;
        if (*h == 12)
            *h = 0;
        if (ampm[0] == 'P' || ampm[0] == 'p')
            *h += 12;
        return ampm[0] == 'A' || ampm[0] == 'a' || ampm[0] == 'P' || ampm[0] == 'p';
    }
    n = sscanf(v, "%2d:%2d%c", h, mi, &rest);
    return n == 2 && *h >= 0 && *h <= 23 && *mi >= 0 && *mi <= 59;
}

/* Day of the week (0 = Sunday) of a date. */
static int weekday(int y, int m, int d)
{
    int64_t days = fw_days_from_civil(y, (unsigned)m, (unsigned)d);
    return (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
}

/* The day of month of the nth Sunday (n = -1: the last) of a month. */
static int nth_sunday(int y, int m, int n)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int first = 1 + (7 - weekday(y, m, 1)) % 7, last = mdays[m - 1];
    if (n > 0)
        return first + 7 * (n - 1);
    return first + 7 * ((last - first) / 7);
}

bool fw_zone_offset(const char *zone, int y, int mo, int d, int h, int mi, char out[8])
{
    static const struct {
        const char *name;
        int standard;   /* hours east of UTC */
        bool dst;
    } zones[] = {
        {"us-eastern", -5, true},  {"us-central", -6, true}, {"us-mountain", -7, true},
        {"us-arizona", -7, false}, {"us-pacific", -8, true}, {"us-alaska", -9, true},
        {"us-hawaii", -10, false},
    };
    size_t i;
    int oh, om;
    char sign, rest;
    (void)mi;
    if (strcmp(zone, "Z") == 0) {
        snprintf(out, 8, "Z");
        return true;
    }
    if (sscanf(zone, "%c%2d:%2d%c", &sign, &oh, &om, &rest) == 3 && (sign == '+' || sign == '-') &&
        strlen(zone) == 6 && oh <= 14 && om <= 59) {
        snprintf(out, 8, "%s", zone);
        return true;
    }
    for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        int off = zones[i].standard, start_m, start_d, end_m, end_d;
        bool summer;
        if (strcmp(zones[i].name, zone) != 0)
            continue;
        if (zones[i].dst) {
            /* United States rules: the Energy Policy Act of 2005 from 2007, the 1986 act
            ** from 1987; earlier years had other rules, not covered. */
            if (y < 1987)
                return false;
            if (y >= 2007) {
                start_m = 3, start_d = nth_sunday(y, 3, 2), end_m = 11, end_d = nth_sunday(y, 11, 1);
            } else {
                start_m = 4, start_d = nth_sunday(y, 4, 1), end_m = 10, end_d = nth_sunday(y, 10, -1);
            }
            /* Clocks change at 02:00 local time; the repeated hour is read as daylight time. */
            summer = (mo > start_m || (mo == start_m && (d > start_d || (d == start_d && h >= 2)))) &&
                     (mo < end_m || (mo == end_m && (d < end_d || (d == end_d && h < 2))));
            off += summer;
        }
        snprintf(out, 8, "%c%02d:00", off < 0 ? '-' : '+', (off < 0 ? -off : off) % 24);
        return true;
    }
    return false;
}

static bool number(const char *v, double lo, double hi, double *out)
{
    char *end;
    if (!*v)
        return false;
    errno = 0;
    *out = strtod(v, &end);
    return !errno && !*end && isfinite(*out) && *out >= lo && *out <= hi;
}

/* occurred_at from the date and (if the profile maps one) the time of day. */
static bool occurred_at(const ruleset *rs, const fw_csv_row *row, char *out, size_t n, char *why,
                        size_t whylen)
{
    const rule *dr = R(rs, T_DATE), *tr = R(rs, T_TIME);
    const char *tv = tr ? raw(tr, row) : "";
    char tidied[64], zone[8] = "";
    int y, m, d, h, mi;
    if (!parse_date(raw(dr, row), dr->format, &y, &m, &d)) {
        snprintf(why, whylen, "date: invalid '%.64s'", raw(dr, row));
        return false;
    }
    tidy(tv, tidied, sizeof tidied);
    if (!*tidied) {
        snprintf(out, n, "%04d-%02d-%02d", y, m, d);
        return true;
    }
    if (!parse_time(tidied, tr->format, &h, &mi)) {
        snprintf(why, whylen, "time: invalid '%.64s'", tv);
        return false;
    }
    if (tr->zone[0])
        fw_zone_offset(tr->zone, y, m, d, h, mi, zone); /* left off where the rules stop */
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d%s", y, m, d, h, mi, zone);
    return true;
}

/* A row whose field holds a value too long to keep is refused, never truncated. */
static bool fits(const rule *r, const vals *v, char *why, size_t whylen)
{
    if (!v->too_long)
        return true;
    snprintf(why, whylen, "%s: a value over %d bytes", r->target, VALUE_BYTES - 1);
    return false;
}

/* Set key to the rule's first value, if any; false (with why) if a value is too long. */
static bool set_first(json_t *obj, const char *key, const rule *r, const fw_csv_row *row,
                      vals *tmp, char *why, size_t whylen)
{
    const char *v = first(r, row, tmp);
    if (!fits(r, tmp, why, whylen))
        return false;
    if (v)
        json_object_set_new(obj, key, json_string(v));
    return true;
}

static fw_rc map_agency(const ruleset *rs, const fw_csv_row *row, json_t **doc, char *why,
                        size_t whylen)
{
    vals values_of_field, *tmp = &values_of_field; /* on the stack: a row maps without malloc */
    json_t *root = NULL;
    const char *v;
    fw_rc rc = FW_ERR_INVALID;

    root = json_pack("{s:s}", "record", "agency");
    if (!set_first(root, "id", R(rs, A_ID), row, tmp, why, whylen) ||
        !set_first(root, "name", R(rs, A_NAME), row, tmp, why, whylen) ||
        !set_first(root, "type", R(rs, A_TYPE), row, tmp, why, whylen) ||
        !set_first(root, "parent", R(rs, A_PARENT), row, tmp, why, whylen))
        goto done;
    if (!json_object_get(root, "id")) {
        snprintf(why, whylen, "no id");
        goto done;
    }
    if (!json_object_get(root, "name")) {
        snprintf(why, whylen, "no name");
        goto done;
    }
    /* A code that is not a state (the Post's "US" for federal agencies) is left out. */
    if ((v = first(R(rs, A_STATE), row, tmp)) != NULL && fw_enum_index(fw_enum_find("us_state"), v) >= 0)
        json_object_set_new(root, "state", json_string(v));
    /* One ORI a record: the first of a list, if it is one (9 characters at most). */
    if ((v = first(R(rs, A_ORI), row, tmp)) != NULL && strlen(v) <= 9)
        json_object_set_new(root, "ori", json_string(v));
    *doc = root;
    root = NULL;
    rc = FW_OK;
done:
    json_decref(root);
    return rc;
}

/* An event of the dataset account at t = 0: {"t":0,"type":TYPE,K1:V1,K2:V2}. */
static json_t *event(const char *type, const char *k1, const char *v1, const char *k2, const char *v2)
{
    json_t *e = json_object();
    json_object_set_new(e, "t", json_integer(0));
    json_object_set_new(e, "type", json_string(type));
    json_object_set_new(e, k1, json_string(v1));
    json_object_set_new(e, k2, json_string(v2));
    return e;
}

static fw_rc map_incident(const fw_profile *p, const ruleset *rs, const fw_csv_row *row,
                          json_t **doc, char *why, size_t whylen)
{
    vals values_of_field, *tmp = &values_of_field;
    json_t *root = json_object(), *subject = json_object(), *events = json_array(),
           *loc = json_object(), *account, *others;
    const char *v;
    char date[40];
    double num;
    size_t i;
    fw_rc rc = FW_ERR_INVALID;

    if (!root || !subject || !events || !loc) {
        snprintf(why, whylen, "out of memory");
        rc = FW_ERR_NOMEM;
        goto done;
    }
    if (!set_first(root, "id", R(rs, T_ID), row, tmp, why, whylen))
        goto done;
    if (!json_object_get(root, "id")) {
        snprintf(why, whylen, "no id");
        goto done;
    }
    json_object_set_new(root, "sources", json_pack("[O]", json_object_get(root, "id")));
    json_object_set_new(root, "provenance", json_string(p->provenance));
    if (!occurred_at(rs, row, date, sizeof date, why, whylen))
        goto done;
    json_object_set_new(root, "occurred_at", json_string(date));

    values(R(rs, T_AGENCY), row, tmp);
    if (!fits(R(rs, T_AGENCY), tmp, why, whylen))
        goto done;
    json_object_set_new(root, "agency", json_string(tmp->n ? tmp->v[0] : "unknown-agency"));
    if (tmp->n > 1) {
        others = json_array();
        for (i = 1; i < tmp->n; i++)
            json_array_append_new(others, json_string(tmp->v[i]));
        json_object_set_new(root, "other_agencies", others);
    }
    json_object_set_new(root, "encounter", json_string("unknown"));
    json_object_set_new(root, "officers", json_pack("[{s:s, s:s}]", "id", "o-1", "role", "applied_force"));

    json_object_set_new(subject, "id", json_string("s-1"));
    json_object_set_new(subject, "injury", json_string("fatal"));
    if (!set_first(subject, "name", R(rs, T_NAME), row, tmp, why, whylen) ||
        !set_first(subject, "sex", R(rs, T_SEX), row, tmp, why, whylen))
        goto done;
    if (number(raw(R(rs, T_AGE), row), 0, 120, &num))
        json_object_set_new(subject, "age", json_integer((json_int_t)num));
    values(R(rs, T_RACE), row, tmp);
    for (i = 0; i < tmp->n; i++) {
        if (strcmp(tmp->v[i], "hispanic") == 0)
            json_object_set_new(subject, "ethnicity", json_string("hispanic"));
        else if (!json_object_get(subject, "race"))
            json_object_set_new(subject, "race", json_string(tmp->v[i]));
    }
    if ((v = first(R(rs, T_MENTAL), row, tmp)) != NULL)
        json_object_set_new(subject, "impairments", json_pack("[s]", v));

    /* The most dangerous weapon is the subject's "armed"; each one is an event. */
    values(R(rs, T_ARMED), row, tmp);
    for (i = 0; i < tmp->n; i++)
        json_array_append_new(events, event("armed", "actor", "s-1", "weapon", tmp->v[i]));
    if (tmp->n)
        json_object_set_new(subject, "armed", json_string(tmp->v[0]));
    if ((v = first(R(rs, T_THREAT), row, tmp)) != NULL)
        json_array_append_new(events, event("threat", "actor", "s-1", "level", v));
    if ((v = first(R(rs, T_FLEE), row, tmp)) != NULL)
        json_array_append_new(events, event("flee", "actor", "s-1", "mode", v));
    values(R(rs, T_FORCE), row, tmp);
    for (i = 0; i < tmp->n; i++) {
        json_t *e = event("force", "actor", "o-1", "kind", tmp->v[i]);
        json_object_set_new(e, "target", json_string("s-1"));
        json_array_append_new(events, e);
    }
    json_array_append_new(events, event("injury", "person", "s-1", "severity", "fatal"));

    if (number(raw(R(rs, T_LAT), row), -90, 90, &num))
        json_object_set_new(loc, "lat", json_real(num));
    if (number(raw(R(rs, T_LON), row), -180, 180, &num))
        json_object_set_new(loc, "lon", json_real(num)); /* a junk longitude is dropped */
    if ((v = first(R(rs, T_CITY), row, tmp)) != NULL && strlen(v) <= 100)
        json_object_set_new(loc, "city", json_string(v));
    if ((v = first(R(rs, T_COUNTY), row, tmp)) != NULL && strlen(v) <= 100)
        json_object_set_new(loc, "county", json_string(v));
    if ((v = first(R(rs, T_STATE), row, tmp)) != NULL && fw_enum_index(fw_enum_find("us_state"), v) >= 0)
        json_object_set_new(loc, "state", json_string(v));
    json_object_set_new(root, "location", loc);
    loc = NULL;
    json_object_set_new(root, "subjects", json_pack("[o]", subject));
    subject = NULL;
    account = json_pack("{s:s, s:s, s:s}", "id", "dataset", "kind", "dataset_record", "source",
                        p->source[0] ? p->source : p->title);
    json_object_set_new(account, "events", events);
    events = NULL;
    json_object_set_new(root, "accounts", json_pack("[o]", account));
    *doc = root;
    root = NULL;
    rc = FW_OK;
done:
    json_decref(root);
    json_decref(subject);
    json_decref(events);
    json_decref(loc);
    return rc;
}

bool fw_profile_row_id(const fw_profile *p, fw_profile_part part, const fw_csv_row *row,
                       char *out, size_t n)
{
    const ruleset *rs = &p->parts[part];
    vals v;
    if (!p->has_id_key && fw_profile_hashes_ids(p))
        return false;
    values(R(rs, part == FW_PROFILE_AGENCIES ? A_ID : T_ID), row, &v);
    if (v.n == 0 || v.too_long || strlen(v.v[0]) >= n)
        return false;
    memcpy(out, v.v[0], strlen(v.v[0]) + 1);
    return true;
}

fw_rc fw_profile_map(const fw_profile *p, fw_profile_part part, const fw_csv_row *row,
                     json_t **doc, char *why, size_t whylen)
{
    *doc = NULL;
    if (!p->has_id_key && fw_profile_hashes_ids(p)) {
        snprintf(why, whylen, "hashed ids need the database's id key");
        return FW_ERR_USAGE;
    }
    if (part == FW_PROFILE_AGENCIES)
        return map_agency(&p->parts[part], row, doc, why, whylen);
    return map_incident(p, &p->parts[part], row, doc, why, whylen);
}
