/*
** Import profiles (see import.h): a line-oriented parser for the profile
** files, and the mapping of one CSV row onto an incident document with one
** "dataset_record" account (the row's facts as events at t = 0).
*/
#include "import.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "timeutil.h"

#define MAX_MAP 64
#define MAX_RULES 32

/* The fields a profile can fill. */
static const char *const targets[] = {
    "id", "date", "time", "agency", "city", "county", "state", "lat", "lon", "name", "age",
    "sex", "race", "armed", "threat", "flee", "mental", "force", NULL,
};

typedef struct rule {
    const char *target;
    char column[64];            /* "-" for a constant */
    int col;                    /* index in the header, once bound */
    char prefix[64], split, format[16], def[128], constant[128];
    char keys[MAX_MAP][64], values[MAX_MAP][64];
    size_t nmap;
    bool has_map;
    char star[64];              /* the value for unmapped input ("*=") */
    bool has_star;
} rule;

struct fw_profile {
    char name[64], title[256], source[256];
    rule rules[MAX_RULES];
    size_t nrules;
};

const char *fw_profile_name(const fw_profile *p)
{
    return p->name;
}

void fw_profile_free(fw_profile *p)
{
    free(p);
}

static const rule *find_rule(const fw_profile *p, const char *target)
{
    size_t i;
    for (i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].target, target) == 0)
            return &p->rules[i];
    return NULL;
}

const char *fw_profile_id_prefix(const fw_profile *p)
{
    const rule *r = find_rule(p, "id");
    return r ? r->prefix : "";
}

/* Next word of *s into w: up to unquoted white space; double quotes group
** (key="two words" or "two words"=value) and are not copied. */
static bool word(const char **s, char *w, size_t n)
{
    const char *p = *s;
    size_t k = 0;
    bool quoted = false;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p || *p == '#')
        return false;
    for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
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

fw_rc fw_profile_parse(const char *file, const char *text, size_t len, fw_profile **out,
                       fw_diag *diag)
{
    fw_profile *p = calloc(1, sizeof *p);
    char line[2048], w[256];
    size_t lineno = 0, i = 0;
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
        {
            size_t t;
            rule *r;
            for (t = 0; targets[t] && strcmp(targets[t], w) != 0; t++)
                ;
            if (!targets[t]) {
                perr(diag, &errors, file, lineno, "unknown field '%s'", w);
                continue;
            }
            if (p->nrules == MAX_RULES || find_rule(p, targets[t])) {
                perr(diag, &errors, file, lineno, "'%s' given twice", w);
                continue;
            }
            r = &p->rules[p->nrules];
            memset(r, 0, sizeof *r);
            r->target = targets[t];
            r->col = -1;
            if (!word(&s, r->column, sizeof r->column)) {
                perr(diag, &errors, file, lineno, "'%s' needs a column name (or - for none)", w);
                continue;
            }
            while (word(&s, w, sizeof w)) {
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
                } else if (strcmp(w, "split") == 0) {
                    if (!word(&s, w, sizeof w) || strlen(w) != 1)
                        perr(diag, &errors, file, lineno, "split needs one character");
                    else
                        r->split = w[0];
                    continue;
                } else if (strcmp(w, "map") == 0) {
                    r->has_map = true;
                    while (word(&s, w, sizeof w)) {
                        char *eq = strchr(w, '=');
                        if (!eq) {
                            perr(diag, &errors, file, lineno, "map entries are key=value, not '%s'", w);
                            break;
                        }
                        *eq = '\0';
                        if (strlen(w) >= 64 || strlen(eq + 1) >= 64) {
                            perr(diag, &errors, file, lineno, "map entries are at most 63 bytes");
                            break;
                        }
                        if (strcmp(w, "*") == 0) {
                            r->has_star = true;
                            memcpy(r->star, eq + 1, strlen(eq + 1) + 1);
                        } else if (r->nmap == MAX_MAP) {
                            perr(diag, &errors, file, lineno, "more than %d map entries", MAX_MAP);
                            break;
                        } else {
                            memcpy(r->keys[r->nmap], w, strlen(w) + 1);
                            memcpy(r->values[r->nmap], eq + 1, strlen(eq + 1) + 1);
                            r->nmap++;
                        }
                    }
                    continue;
                } else {
                    perr(diag, &errors, file, lineno, "unknown option '%s'", w);
                    break;
                }
                if (!word(&s, dst, dlen))
                    perr(diag, &errors, file, lineno, "'%s' needs a value", w);
            }
            if (strcmp(r->column, "-") == 0 && !r->constant[0])
                perr(diag, &errors, file, lineno, "'%s' reads no column: give 'const VALUE'", r->target);
            if (r->format[0] && strcmp(r->format, "YYYY-MM-DD") && strcmp(r->format, "MM/DD/YYYY"))
                perr(diag, &errors, file, lineno, "format: YYYY-MM-DD or MM/DD/YYYY");
            p->nrules++;
        }
    }
    if (!p->name[0])
        perr(diag, &errors, file, 1, "no 'profile NAME \"TITLE\"' line");
    if (!find_rule(p, "id") || !find_rule(p, "date"))
        perr(diag, &errors, file, 1, "a profile needs at least 'id' and 'date'");
    if (errors) {
        free(p);
        return FW_ERR_INVALID;
    }
    *out = p;
    return FW_OK;
}

fw_rc fw_profile_bind(fw_profile *p, const fw_csv_row *header, char *why, size_t whylen)
{
    size_t i, k;
    for (i = 0; i < p->nrules; i++) {
        rule *r = &p->rules[i];
        if (strcmp(r->column, "-") == 0)
            continue;
        for (k = 0; k < header->nfields && strcmp(header->fields[k], r->column) != 0; k++)
            ;
        if (k == header->nfields) {
            snprintf(why, whylen, "the file has no column '%s' (for %s)", r->column, r->target);
            return FW_ERR_INVALID;
        }
        r->col = (int)k;
    }
    return FW_OK;
}

/* The row's raw text for a rule ("" if absent). */
static const char *raw(const rule *r, const fw_csv_row *row)
{
    if (!r)
        return "";
    if (r->constant[0])
        return r->constant;
    if (r->col < 0 || (size_t)r->col >= row->nfields)
        return "";
    return row->fields[r->col];
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

/* Every value of a rule: split, trimmed, prefixed or mapped, into arr. */
static void values(const rule *r, const fw_csv_row *row, json_t *arr)
{
    char buf[1024], tmp[256], list[256], *save = NULL, *part, *inner, *s2;
    char sep[2] = {r && r->split ? r->split : '\x1f', '\0'};
    if (!r)
        return;
    snprintf(buf, sizeof buf, "%s", raw(r, row));
    for (part = strtok_r(buf, sep, &save); part; part = strtok_r(NULL, sep, &save)) {
        const char *m;
        size_t len;
        while (*part == ' ')
            part++;
        len = strlen(part);
        while (len && part[len - 1] == ' ')
            part[--len] = '\0';
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

static bool parse_date(const char *v, const char *format, char *out, size_t n)
{
    int y, m, d;
    fw_time t;
    char iso[16];
    if (format && strcmp(format, "MM/DD/YYYY") == 0) {
        if (sscanf(v, "%d/%d/%d", &m, &d, &y) != 3)
            return false;
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    } else {
        snprintf(iso, sizeof iso, "%.10s", v);
    }
    if (strlen(iso) != 10 || !fw_time_parse(iso, &t))
        return false;
    snprintf(out, n, "%s", iso);
    return true;
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

fw_rc fw_profile_map(const fw_profile *p, const fw_csv_row *row, json_t **doc, char *why,
                     size_t whylen)
{
    json_t *hold[16] = {0}, *root = NULL, *subject, *events, *loc, *agencies = json_array();
    const char *id, *v;
    char date[16], idbuf[128];
    double num;
    size_t i, h = 0;
    fw_rc rc = FW_ERR_INVALID;

    *doc = NULL;
    id = first(find_rule(p, "id"), row, &hold[h++]);
    if (!id || !*id) {
        snprintf(why, whylen, "no id");
        goto done;
    }
    snprintf(idbuf, sizeof idbuf, "%s", id);
    if (!parse_date(raw(find_rule(p, "date"), row), find_rule(p, "date")->format, date,
                    sizeof date)) {
        snprintf(why, whylen, "date: invalid '%s'", raw(find_rule(p, "date"), row));
        goto done;
    }
    values(find_rule(p, "agency"), row, agencies);
    if (json_array_size(agencies) == 0)
        json_array_append_new(agencies, json_string("unknown-agency"));

    subject = json_pack("{s:s, s:s}", "id", "s-1", "injury", "fatal");
    if ((v = first(find_rule(p, "name"), row, &hold[h++])) != NULL)
        json_object_set_new(subject, "name", json_string(v));
    if (number(raw(find_rule(p, "age"), row), 0, 120, &num))
        json_object_set_new(subject, "age", json_integer((json_int_t)num));
    if ((v = first(find_rule(p, "sex"), row, &hold[h++])) != NULL)
        json_object_set_new(subject, "sex", json_string(v));
    {
        json_t *races = json_array();
        values(find_rule(p, "race"), row, races);
        for (i = 0; i < json_array_size(races); i++) {
            const char *rv = json_string_value(json_array_get(races, i));
            if (strcmp(rv, "hispanic") == 0)
                json_object_set_new(subject, "ethnicity", json_string("hispanic"));
            else if (!json_object_get(subject, "race"))
                json_object_set_new(subject, "race", json_string(rv));
        }
        json_decref(races);
    }
    if ((v = first(find_rule(p, "mental"), row, &hold[h++])) != NULL)
        json_object_set_new(subject, "impairments", json_pack("[s]", v));

    events = json_array();
    {
        json_t *arms = json_array();
        values(find_rule(p, "armed"), row, arms);
        /* The most dangerous weapon is the subject's "armed"; each one is an event. */
        for (i = 0; i < json_array_size(arms); i++)
            json_array_append_new(events, json_pack("{s:i, s:s, s:s, s:s}", "t", 0, "type", "armed",
                                                    "actor", "s-1", "weapon",
                                                    json_string_value(json_array_get(arms, i))));
        if (json_array_size(arms))
            json_object_set(subject, "armed", json_array_get(arms, 0));
        json_decref(arms);
    }
    if ((v = first(find_rule(p, "threat"), row, &hold[h++])) != NULL)
        json_array_append_new(events, json_pack("{s:i, s:s, s:s, s:s}", "t", 0, "type", "threat",
                                                "actor", "s-1", "level", v));
    if ((v = first(find_rule(p, "flee"), row, &hold[h++])) != NULL)
        json_array_append_new(events, json_pack("{s:i, s:s, s:s, s:s}", "t", 0, "type", "flee",
                                                "actor", "s-1", "mode", v));
    {
        json_t *forces = json_array();
        values(find_rule(p, "force"), row, forces);
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
    if (number(raw(find_rule(p, "lat"), row), -90, 90, &num))
        json_object_set_new(loc, "lat", json_real(num));
    if (number(raw(find_rule(p, "lon"), row), -180, 180, &num))
        json_object_set_new(loc, "lon", json_real(num)); /* a junk longitude is dropped */
    if ((v = first(find_rule(p, "city"), row, &hold[h++])) != NULL && strlen(v) <= 100)
        json_object_set_new(loc, "city", json_string(v));
    if ((v = first(find_rule(p, "county"), row, &hold[h++])) != NULL && strlen(v) <= 100)
        json_object_set_new(loc, "county", json_string(v));
    if ((v = first(find_rule(p, "state"), row, &hold[h++])) != NULL &&
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
