/*
** API handlers for data: exact and public statistics, and the open-data
** export streamed with its checkpoint stamp.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "api_int.h"
#include "data/export.h"
#include "data/stats_cache.h"
#include "data/stats_run.h"
#include "base/banned.h"

/*
** Statistics.  Signed-in readers get exact counts (a user who belongs to an
** agency counts that agency's incidents only); anyone gets the public table:
** no filter, at most two dimensions, every value under k suppressed with
** complementary suppression (docs/statistics.md), as of the last boundary
** of the publication schedule (public_stats_every), never live, so that
** two requests cannot isolate one write: the answer says as_of and next.
** The public answer is fixed for a period, so it is counted once a period
** and query and kept (lib/data/stats_cache.h, public_stats_cache_bytes):
** an anonymous request costs a copy, not a count.
*/

/* One public answer to count: the request's store, query and publication;
** on a failure, the field to blame (NULL: the store). */
typedef struct public_fill {
    fw_store *st;
    const fw_stats_query *q;
    int k;
    const fw_stats_asof *when;
    const char *field;
} public_fill;

/* The public table as its JSON body, dumped as send_reply dumps r->json. */
static fw_rc fill_public(void *arg, fw_buf *body, fw_error *err)
{
    public_fill *pf = arg;
    fw_stats_table *t = NULL;
    json_t *j = NULL;
    char *text = NULL;
    fw_rc rc;

    rc = fw_stats_public(pf->st, pf->q, pf->k, pf->when, &t, &pf->field, err);
    if (rc)
        goto done;
    if (!(j = fw_stats_public_json(t, pf->when)) ||
        !(text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)))) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = fw_buf_adds(body, text)))
        fw_error_set(err, rc, "the answer does not fit");
done:
    free(text);
    json_decref(j);
    fw_stats_table_free(t);
    return rc;
}

static void public_stats(request *r, const fw_stats_query *q)
{
    fw_stats_asof when;
    public_fill pf;
    char key[FW_STATS_CACHE_KEY_MAX];
    size_t keylen;
    double now = server_now(r);
    bool hit;
    fw_error err;
    fw_rc rc;

    fw_stats_when(now, server_public_stats_every(r), &when);
    memset(&pf, 0, sizeof pf);
    pf.st = r->store;
    pf.q = q;
    pf.k = server_public_stats_k(r);
    pf.when = &when;
    keylen = fw_stats_cache_key(q, pf.k, &when, key);
    fw_buf_reset(&r->text);
    rc = fw_stats_cache_answer(server_public_stats_cache(r), key, keylen, now,
                               fw_stats_cache_expires(&when, now), fill_public, &pf, &r->text,
                               &hit, &err);
    if (rc)
        fw_buf_reset(&r->text);
    if (rc == FW_ERR_INVALID && pf.field && strcmp(pf.field, "k") != 0)
        reply_error(r, 400, "invalid", pf.field, "%s", err.msg);
    else if (rc == FW_ERR_INVALID)
        reply_error(r, 500, "internal", NULL, "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else {
        r->status = 200;
        r->content_type = "application/json";
    }
}

static void stats(request *r, bool public)
{
    static const char *const exact_args[] = {"by", "where", NULL};
    static const char *const public_args[] = {"by", NULL};
    const char *field, *other = query_other_arg(r, public ? public_args : exact_args);
    fw_stats_query q;
    fw_stats_table *t = NULL;
    fw_error err;
    fw_rc rc;

    if (other) {
        if (public)
            reply_error(r, 400, "invalid", other,
                        "public statistics take only 'by': they are not filtered, and never "
                        "show names, addresses or dates");
        else
            reply_error(r, 400, "invalid", other, "unknown parameter (by and where are known)");
        return;
    }
    if (fw_stats_query_parse(query_arg(r, "by"), query_arg(r, "where"), &q, &field, &err)) {
        reply_error(r, 400, "invalid", field, "%s", err.msg);
        return;
    }
    if (public) {
        public_stats(r, &q);
        return;
    }
    rc = fw_stats_run(r->store, &q, r->user.agency[0] ? r->user.agency : NULL, &t, &err);
    if (rc == FW_ERR_INVALID)
        reply_error(r, 500, "internal", NULL, "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 200, fw_stats_json(t));
    fw_stats_table_free(t);
}

void api_exact_stats(request *r)
{
    stats(r, false);
}

void api_public_stats(request *r)
{
    stats(r, true);
}

typedef struct export_job {
    fw_export_opts o;
    char agency[65], since[11], until[11], encounter[33], force_kind[33];
} export_job;

static fw_rc write_fd(void *arg, const char *data, size_t len)
{
    int fd = *(const int *)arg;
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return FW_ERR_IO;
        data += w;
        len -= (size_t)w;
    }
    return FW_OK;
}

/* On the stream's thread: the export goes out as it is read.  A failure
** midway cuts the answer short of its end line, which verification reports. */
static void export_stream(void *arg, fw_store *st, int fd)
{
    export_job *j = arg;
    int64_t n;
    fw_error err;
    if (fw_export_run(st, &j->o, write_fd, &fd, &n, &err) != FW_OK) {
        json_t *line = json_pack("{s:s, s:s}", "export", "cut short", "message", err.msg);
        char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
        if (text)
            fprintf(stderr, "%s\n", text);
        free(text);
        json_decref(line);
    }
}

static void free_job(void *arg)
{
    free(arg);
}

void api_export_records(request *r)
{
    const char *format = query_arg(r, "format");
    export_job *j = calloc(1, sizeof *j);
    fw_export_layout *l = NULL;
    fw_list_filter *f;
    fw_store *st;
    fw_error err;
    int64_t size;
    int fmt;
    fw_rc rc;

    if (!j) {
        reply_error(r, 503, "busy", NULL, "out of memory");
        return;
    }
    f = &j->o.filter;
    fmt = format ? fw_export_format_parse(format) : FW_EXPORT_CSV;
    if (fmt < 0) {
        reply_error(r, 400, "invalid", "format", "expected csv, json or nufdc, not '%s'", format);
        goto fail;
    }
    j->o.format = (fw_export_format)fmt;
    if (!copy_arg(r, "agency", j->agency, sizeof j->agency, &f->agency) ||
        !copy_arg(r, "since", j->since, sizeof j->since, &f->since) ||
        !copy_arg(r, "until", j->until, sizeof j->until, &f->until) ||
        !copy_arg(r, "encounter", j->encounter, sizeof j->encounter, &f->encounter) ||
        !copy_arg(r, "force_kind", j->force_kind, sizeof j->force_kind, &f->force_kind) ||
        !check_date_arg(r, "since", f->since) || !check_date_arg(r, "until", f->until) ||
        !check_enum_arg(r, "encounter", "encounter", f->encounter) ||
        !check_enum_arg(r, "force_kind", "force_kind", f->force_kind) ||
        !bool_arg(r, "withdrawn", &f->include_withdrawn) ||
        !bool_arg(r, "deidentify", &j->o.deidentify))
        goto fail;
    /* A user who belongs to an agency exports that agency's incidents only. */
    if (r->user.agency[0]) {
        if (f->agency && strcmp(f->agency, r->user.agency) != 0) {
            reply_error(r, 403, "forbidden", "agency", "you may export incidents of agency %s only",
                        r->user.agency);
            goto fail;
        }
        snprintf(j->agency, sizeof j->agency, "%s", r->user.agency);
        f->agency = j->agency;
    }
    if (r->user.role == FW_ROLE_ANALYST)
        j->o.deidentify = true;
    if (fw_export_layout_new(j->o.format, j->o.deidentify, &l) != FW_OK) {
        reply_error(r, 503, "busy", NULL, "out of memory");
        goto fail;
    }
    st = r->store;
    rc = fw_store_checkpoint(st, &size, NULL, &err);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", NULL, "the log has no checkpoint yet: nothing to export");
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    /* Reading personal data is logged first; if it cannot be, nothing is sent. */
    else if (fw_export_personal(l) &&
             (rc = fw_export_log_access(st, &j->o, API_ACTOR, query_arg(r, "reason"), &err)) !=
                 FW_OK) {
        if (rc == FW_ERR_INVALID)
            reply_error(r, 400, "invalid", "reason", "%s", err.msg);
        else
            reply_error(r, 503, "store", NULL, "the export could not be logged: %s", err.msg);
    }
    fw_export_layout_free(l);
    if (r->status)
        goto fail;
    if (!reply_stream(r, 200, j->o.format == FW_EXPORT_JSON ? "application/x-ndjson"
                                                            : "text/csv; charset=utf-8",
                      export_stream, j, free_job))
        reply_error(r, 503, "busy", NULL, "too many exports running; try again shortly");
    return;
fail:
    free(j);
}
