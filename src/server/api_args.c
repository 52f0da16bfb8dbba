/*
** Helpers shared by the API's handlers for reading a request's arguments:
** query-string values, JSON bodies and their members, and answering the
** 422 of an invalid document.  Each returns false (or NULL) after answering
** a 400 that names the field.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "api_int.h"

/* "path: message" → the field is the path, when there is one. */
void reply_invalid(request *r, const fw_diag *d)
{
    const char *msg = d->n ? d->msgs[0] : "invalid document";
    const char *colon = strstr(msg, ": ");
    char field[256] = "";
    json_t *all = json_array();
    size_t i;

    /* A path has no spaces; "invalid JSON at line 1, ..." names no field. */
    if (colon && (size_t)(colon - msg) < sizeof field &&
        memchr(msg, ' ', (size_t)(colon - msg)) == NULL)
        snprintf(field, sizeof field, "%.*s", (int)(colon - msg), msg);
    for (i = 0; i < d->n; i++)
        json_array_append_new(all, json_string(d->msgs[i]));
    reply_json(r, 422, json_pack("{s:s, s:s, s:s?, s:o}", "error", "invalid", "message", msg,
                                 "field", *field ? field : NULL, "problems", all));
}

bool check_enum_arg(request *r, const char *name, const char *en, const char *v)
{
    if (v && fw_enum_index(fw_enum_find(en), v) < 0) {
        reply_error(r, 400, "invalid", name, "unknown value '%s'", v);
        return false;
    }
    return true;
}

bool check_date_arg(request *r, const char *name, const char *v)
{
    fw_time t;
    if (v && (strlen(v) != 10 || !fw_time_parse(v, &t))) {
        reply_error(r, 400, "invalid", name, "expected a date YYYY-MM-DD, not '%s'", v);
        return false;
    }
    return true;
}

bool parse_version(request *r, const char *s, int64_t *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    if (errno || *end || end == s || *v < 1) {
        reply_error(r, 400, "invalid", "version", "expected a version number, not '%s'", s);
        return false;
    }
    return true;
}


bool u64_arg(request *r, const char *name, uint64_t *out, bool required)
{
    const char *v = query_arg(r, name);
    char *end;
    if (!v) {
        if (required)
            reply_error(r, 400, "invalid", name, "'%s' is required", name);
        return !required;
    }
    errno = 0;
    *out = strtoull(v, &end, 10);
    if (errno || *end || end == v || *v == '-') {
        reply_error(r, 400, "invalid", name, "expected a whole number, not '%s'", v);
        return false;
    }
    return true;
}

json_t *body_json(request *r)
{
    json_error_t e;
    json_t *j;
    if (fw_utf8_check(r->body.data ? r->body.data : "", r->body.len) < r->body.len) {
        reply_error(r, 400, "invalid", "body", "invalid UTF-8");
        return NULL;
    }
    j = r->body.len ? json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &e) : NULL;
    if (!json_is_object(j)) {
        json_decref(j);
        reply_error(r, 400, "invalid", "body", "expected a JSON object");
        return NULL;
    }
    return j;
}

/* A string member of j, or NULL after answering 400 naming it. */
const char *member(request *r, json_t *j, const char *name, bool required)
{
    json_t *v = json_object_get(j, name);
    if (!v && !required)
        return NULL;
    if (!json_is_string(v) || json_string_length(v) > 256) {
        reply_error(r, 400, "invalid", name, "expected a string of at most 256 bytes");
        return NULL;
    }
    return json_string_value(v);
}

bool only_members(request *r, json_t *j, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        size_t i;
        for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
            ;
        if (!allowed[i]) {
            reply_error(r, 400, "invalid", key, "unknown field");
            return false;
        }
    }
    return true;
}

/* A query argument copied into dst (n bytes); false after answering 400. */
bool copy_arg(request *r, const char *name, char *dst, size_t n, const char **into)
{
    const char *v = query_arg(r, name);
    *into = NULL;
    if (!v)
        return true;
    if (strlen(v) >= n || !*v) {
        reply_error(r, 400, "invalid", name, "expected a value of 1 to %zu bytes", n - 1);
        return false;
    }
    memcpy(dst, v, strlen(v) + 1);
    *into = dst;
    return true;
}

bool bool_arg(request *r, const char *name, bool *out)
{
    const char *v = query_arg(r, name);
    *out = false;
    if (!v)
        return true;
    if (strcmp(v, "true") && strcmp(v, "false")) {
        reply_error(r, 400, "invalid", name, "expected true or false, not '%s'", v);
        return false;
    }
    *out = strcmp(v, "true") == 0;
    return true;
}
