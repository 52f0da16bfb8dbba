/*
** Import profiles (see import.h): a line-oriented parser for the profile
** files, and the mapping of one CSV row onto an incident document with one
** "dataset_record" account (the row's facts as events at t = 0), or, for a
** profile's `join agencies` section, onto an agency record.
*/
#include "import.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "schema.h"
#include "timeutil.h"

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

typedef struct rule {
    const char *target;
    char column[128];           /* as written: "-", "name" or "name,date" */
    int cols[MAX_COLS];         /* indexes in the header, once bound */
    size_t ncols;
    char prefix[64], split, format[16], def[128], constant[128], zone[16];
    char keys[MAX_MAP][64], values[MAX_MAP][64];
    size_t nmap;
    bool has_map, hash, last_first;
    char star[64];              /* the value for unmapped input ("*=") */
    bool has_star;
} rule;

typedef struct ruleset {
    rule rules[MAX_RULES];
    size_t n;
} ruleset;

struct fw_profile {
    char name[64], title[256], source[256];
    ruleset parts[2];           /* by fw_profile_part */
    bool joins_agencies;
};

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
    snprintf(list, sizeof list, "%s", v);
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
        if (!word(s, dst, dlen))
            perr(diag, errors, file, lineno, "'%s' needs a value", w);
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
            if (!word(&s, p->name, sizeof p->name) || !word(&s, p->title, sizeof p->title))
                perr(diag, &errors, file, lineno, "expected 'profile NAME \"TITLE\"'");
            continue;
        }
        if (strcmp(w, "source") == 0) {
            if (!word(&s, p->source, sizeof p->source))
                perr(diag, &errors, file, lineno, "expected 'source \"TEXT\"'");
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
            if (!word(&s, r->column, sizeof r->column)) {
                perr(diag, &errors, file, lineno, "'%s' needs a column name (or - for none)", w);
                continue;
            }
            count_columns(r);
            if (r->ncols > MAX_COLS) {
                perr(diag, &errors, file, lineno, "at most %d columns", MAX_COLS);
                continue;
            }
            parse_options(&s, r, file, lineno, diag, &errors);
            check_rule(r, &targets[t], file, lineno, diag, &errors);
            rs->n++;
        }
    }
    if (!p->name[0])
        perr(diag, &errors, file, 1, "no 'profile NAME \"TITLE\"' line");
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

/* Map one value; NULL when it maps to nothing. */
static const char *mapped(const rule *r, const char *v, char *tmp, size_t n)
{
    size_t i;
    if (!r->has_map) {
        snprintf(tmp, n, "%s%s", r->prefix, v);
        return *v ? tmp : NULL;
    }
    for (i = 0; i < r->nmap; i++)
        if (strcmp(r->keys[i], v) == 0)
            return r->values[i][0] ? r->values[i] : NULL;
    if (r->has_star)
        return r->star[0] ? r->star : NULL;
    return *v ? v : NULL;
}

/* The prefix and the first 16 hex digits of the SHA-256 of the rule's columns (each
** tidied, joined by 0x1F), into out. */
static void hashed(const rule *r, const fw_csv_row *row, char *out, size_t n)
{
    char joined[4096], part[1024], hex[65];
    uint8_t digest[FW_SHA256_BYTES];
    size_t c, k = 0;
    for (c = 0; c < r->ncols; c++) {
        const char *v =
            r->cols[c] >= 0 && (size_t)r->cols[c] < row->nfields ? row->fields[r->cols[c]] : "";
        tidy(v, part, sizeof part);
        k += (size_t)snprintf(joined + k, sizeof joined - k, "%s%s", c ? "\x1f" : "", part);
        if (k >= sizeof joined)
            k = sizeof joined - 1;
    }
    fw_sha256(joined, k, digest);
    fw_hex(digest, sizeof digest, hex);
    snprintf(out, n, "%s%.*s", r->prefix, HASH_HEX, hex);
}

/* Every value of a rule: split, trimmed, prefixed or mapped, into arr. */
static void values(const rule *r, const fw_csv_row *row, json_t *arr)
{
    char buf[1024], tmp[512], list[512], *save = NULL, *part, *inner, *s2;
    char sep[2] = {r && r->split ? r->split : '\x1f', '\0'};
    if (!r)
        return;
    if (r->hash) {
        hashed(r, row, tmp, sizeof tmp);
        json_array_append_new(arr, json_string(tmp));
        return;
    }
    snprintf(buf, sizeof buf, "%s", raw(r, row));
    for (part = strtok_r(buf, sep, &save); part; part = strtok_r(NULL, sep, &save)) {
        const char *m;
        size_t len;
        while (*part == ' ')
            part++;
        len = strlen(part);
        while (len && part[len - 1] == ' ')
            part[--len] = '\0';
        if (r->last_first) {
            fw_name_last_first(part, list, sizeof list);
            snprintf(part, len + 1, "%s", list); /* never longer than the input */
        }
        m = mapped(r, part, tmp, sizeof tmp);
        if (!m)
            continue;
        /* A mapped value may itself list several ("firearm_discharge;ecd"). */
        snprintf(list, sizeof list, "%s", m);
        s2 = NULL;
        for (inner = strtok_r(list, ";", &s2); inner; inner = strtok_r(NULL, ";", &s2)) {
            size_t k;
            bool dup = false;
            for (k = 0; k < json_array_size(arr); k++)
                dup |= strcmp(json_string_value(json_array_get(arr, k)), inner) == 0;
            if (!dup)
                json_array_append_new(arr, json_string(inner));
        }
    }
    if (json_array_size(arr) == 0 && r->def[0])
        json_array_append_new(arr, json_string(r->def));
}

static const char *first(const rule *r, const fw_csv_row *row, json_t **hold)
{
    *hold = json_array();
    values(r, row, *hold);
    return json_string_value(json_array_get(*hold, 0));
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
    const rule *dr = find_rule(rs, "date"), *tr = find_rule(rs, "time");
    const char *tv = tr ? raw(tr, row) : "";
    char tidied[64], zone[8] = "";
    int y, m, d, h, mi;
    if (!parse_date(raw(dr, row), dr->format, &y, &m, &d)) {
        snprintf(why, whylen, "date: invalid '%s'", raw(dr, row));
        return false;
    }
    tidy(tv, tidied, sizeof tidied);
    if (!*tidied) {
        snprintf(out, n, "%04d-%02d-%02d", y, m, d);
        return true;
    }
    if (!parse_time(tidied, tr->format, &h, &mi)) {
        snprintf(why, whylen, "time: invalid '%s'", tv);
        return false;
    }
    if (tr->zone[0])
        fw_zone_offset(tr->zone, y, m, d, h, mi, zone); /* left off where the rules stop */
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d%s", y, m, d, h, mi, zone);
    return true;
}

static fw_rc map_agency(const ruleset *rs, const fw_csv_row *row, json_t **doc, char *why,
                        size_t whylen)
{
    json_t *hold[8] = {0}, *root;
    const char *id, *v;
    size_t i, h = 0;
    fw_rc rc = FW_ERR_INVALID;

    id = first(find_rule(rs, "id"), row, &hold[h++]);
    if (!id || !*id) {
        snprintf(why, whylen, "no id");
        goto done;
    }
    v = first(find_rule(rs, "name"), row, &hold[h++]);
    if (!v) {
        snprintf(why, whylen, "no name");
        goto done;
    }
    root = json_pack("{s:s, s:s, s:s}", "record", "agency", "id", id, "name", v);
    if (!root) {
        snprintf(why, whylen, "out of memory");
        rc = FW_ERR_NOMEM;
        goto done;
    }
    if ((v = first(find_rule(rs, "type"), row, &hold[h++])) != NULL)
        json_object_set_new(root, "type", json_string(v));
    /* A code that is not a state (the Post's "US" for federal agencies) is left out. */
    if ((v = first(find_rule(rs, "state"), row, &hold[h++])) != NULL &&
        fw_enum_index(fw_enum_find("us_state"), v) >= 0)
        json_object_set_new(root, "state", json_string(v));
    /* One ORI a record: the first of a list, if it is one (9 characters at most). */
    if ((v = first(find_rule(rs, "ori"), row, &hold[h++])) != NULL && strlen(v) <= 9)
        json_object_set_new(root, "ori", json_string(v));
    if ((v = first(find_rule(rs, "parent"), row, &hold[h++])) != NULL)
        json_object_set_new(root, "parent", json_string(v));
    *doc = root;
    rc = FW_OK;
done:
    for (i = 0; i < h; i++)
        json_decref(hold[i]);
    return rc;
}

static fw_rc map_incident(const fw_profile *p, const ruleset *rs, const fw_csv_row *row,
                          json_t **doc, char *why, size_t whylen)
{
    json_t *hold[16] = {0}, *root = NULL, *subject, *events, *loc, *agencies = json_array();
    const char *id, *v;
    char date[40], idbuf[128];
    double num;
    size_t i, h = 0;
    fw_rc rc = FW_ERR_INVALID;

    id = first(find_rule(rs, "id"), row, &hold[h++]);
    if (!id || !*id) {
        snprintf(why, whylen, "no id");
        goto done;
    }
    snprintf(idbuf, sizeof idbuf, "%s", id);
    if (!occurred_at(rs, row, date, sizeof date, why, whylen))
        goto done;
    values(find_rule(rs, "agency"), row, agencies);
    if (json_array_size(agencies) == 0)
        json_array_append_new(agencies, json_string("unknown-agency"));

    subject = json_pack("{s:s, s:s}", "id", "s-1", "injury", "fatal");
    if ((v = first(find_rule(rs, "name"), row, &hold[h++])) != NULL)
        json_object_set_new(subject, "name", json_string(v));
    if (number(raw(find_rule(rs, "age"), row), 0, 120, &num))
        json_object_set_new(subject, "age", json_integer((json_int_t)num));
    if ((v = first(find_rule(rs, "sex"), row, &hold[h++])) != NULL)
        json_object_set_new(subject, "sex", json_string(v));
    {
        json_t *races = json_array();
        values(find_rule(rs, "race"), row, races);
        for (i = 0; i < json_array_size(races); i++) {
            const char *rv = json_string_value(json_array_get(races, i));
            if (strcmp(rv, "hispanic") == 0)
                json_object_set_new(subject, "ethnicity", json_string("hispanic"));
            else if (!json_object_get(subject, "race"))
                json_object_set_new(subject, "race", json_string(rv));
        }
        json_decref(races);
    }
    if ((v = first(find_rule(rs, "mental"), row, &hold[h++])) != NULL)
        json_object_set_new(subject, "impairments", json_pack("[s]", v));

    events = json_array();
    {
        json_t *arms = json_array();
        values(find_rule(rs, "armed"), row, arms);
        /* The most dangerous weapon is the subject's "armed"; each one is an event. */
        for (i = 0; i < json_array_size(arms); i++)
            json_array_append_new(events, json_pack("{s:i, s:s, s:s, s:s}", "t", 0, "type", "armed",
                                                    "actor", "s-1", "weapon",
                                                    json_string_value(json_array_get(arms, i))));
        if (json_array_size(arms))
            json_object_set(subject, "armed", json_array_get(arms, 0));
        json_decref(arms);
    }
    if ((v = first(find_rule(rs, "threat"), row, &hold[h++])) != NULL)
        json_array_append_new(events, json_pack("{s:i, s:s, s:s, s:s}", "t", 0, "type", "threat",
                                                "actor", "s-1", "level", v));
    if ((v = first(find_rule(rs, "flee"), row, &hold[h++])) != NULL)
        json_array_append_new(events, json_pack("{s:i, s:s, s:s, s:s}", "t", 0, "type", "flee",
                                                "actor", "s-1", "mode", v));
    {
        json_t *forces = json_array();
        values(find_rule(rs, "force"), row, forces);
        for (i = 0; i < json_array_size(forces); i++)
            json_array_append_new(events, json_pack("{s:i, s:s, s:s, s:s, s:s}", "t", 0, "type",
                                                    "force", "actor", "o-1", "kind",
                                                    json_string_value(json_array_get(forces, i)),
                                                    "target", "s-1"));
        json_decref(forces);
    }
    json_array_append_new(events, json_pack("{s:i, s:s, s:s, s:s}", "t", 0, "type", "injury",
                                            "person", "s-1", "severity", "fatal"));

    loc = json_object();
    if (number(raw(find_rule(rs, "lat"), row), -90, 90, &num))
        json_object_set_new(loc, "lat", json_real(num));
    if (number(raw(find_rule(rs, "lon"), row), -180, 180, &num))
        json_object_set_new(loc, "lon", json_real(num)); /* a junk longitude is dropped */
    if ((v = first(find_rule(rs, "city"), row, &hold[h++])) != NULL && strlen(v) <= 100)
        json_object_set_new(loc, "city", json_string(v));
    if ((v = first(find_rule(rs, "county"), row, &hold[h++])) != NULL && strlen(v) <= 100)
        json_object_set_new(loc, "county", json_string(v));
    if ((v = first(find_rule(rs, "state"), row, &hold[h++])) != NULL &&
        fw_enum_index(fw_enum_find("us_state"), v) >= 0)
        json_object_set_new(loc, "state", json_string(v));

    root = json_pack("{s:s, s:s, s:s, s:s, s:o, s:[{s:s, s:s}], s:[o], s:[{s:s, s:s, s:s, s:o}], s:[s]}",
                     "id", idbuf, "agency", json_string_value(json_array_get(agencies, 0)),
                     "occurred_at", date, "encounter", "unknown", "location", loc, "officers",
                     "id", "o-1", "role", "applied_force", "subjects", subject, "accounts", "id",
                     "dataset", "kind", "dataset_record", "source",
                     p->source[0] ? p->source : p->title, "events", events, "sources", idbuf);
    if (root && json_array_size(agencies) > 1) {
        json_t *others = json_array();
        for (i = 1; i < json_array_size(agencies) && i <= 32; i++)
            json_array_append(others, json_array_get(agencies, i));
        json_object_set_new(root, "other_agencies", others);
    }
    if (!root) {
        snprintf(why, whylen, "out of memory");
        rc = FW_ERR_NOMEM;
        goto done;
    }
    *doc = root;
    rc = FW_OK;
done:
    for (i = 0; i < h; i++)
        json_decref(hold[i]);
    json_decref(agencies);
    return rc;
}

fw_rc fw_profile_map(const fw_profile *p, fw_profile_part part, const fw_csv_row *row,
                     json_t **doc, char *why, size_t whylen)
{
    *doc = NULL;
    if (part == FW_PROFILE_AGENCIES)
        return map_agency(&p->parts[part], row, doc, why, whylen);
    return map_incident(p, &p->parts[part], row, doc, why, whylen);
}
