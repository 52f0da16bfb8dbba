/*
** Helpers shared by the situation model's unit tests (test_situation.c,
** test_facts.c): small incidents written inline (single quotes stand for
** double quotes, to keep them readable), the examples read from files, the
** situation of an account's nth force event, and assertions on one fact that
** name it when they fail.  Static inline, so each test uses what it needs.
*/
#ifndef SITUATION_UTIL_H
#define SITUATION_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "policy/situation.h"

/* ---- building documents ------------------------------------------------ */

static inline fw_doc *parse_text(const char *text, size_t len)
{
    fw_diag d;
    fw_doc *doc = NULL;
    size_t i;

    fw_diag_init(&d, 10);
    if (fw_doc_parse(text, len, NULL, &doc, &d) != FW_OK) {
        for (i = 0; i < d.n; i++)
            print_error("%s\n", d.msgs[i]);
        fw_diag_release(&d);
        fail_msg("document does not parse");
    }
    fw_diag_release(&d);
    return doc;
}

/* The parties of most tests: officers o-1 (applied force) and o-2, subject
** s-1 in and driving v-1, subject s-2 on foot, and any further vehicles. */
#define PARTIES_WITH(vehicles)                                                      \
    "'officers':[{'id':'o-1','role':'applied_force'},{'id':'o-2','role':'present'}]," \
    "'subjects':[{'id':'s-1','in_vehicle':'v-1'},{'id':'s-2'}],"                      \
    "'vehicles':[{'id':'v-1','driver':'s-1'}" vehicles "],"
#define PARTIES PARTIES_WITH("")

/* An incident with the given parties and accounts (JSON with ' for "). */
static inline fw_doc *incident_with(const char *parties, const char *accounts)
{
    fw_buf b;
    fw_doc *doc;
    size_t i;

    fw_buf_init(&b, FW_BUF_UNLIMITED);
    assert_int_equal(fw_buf_printf(&b,
                                   "{'id':'t-1','agency':'test','occurred_at':"
                                   "'2026-01-07T09:37:00-06:00',%s'accounts':[%s]}",
                                   parties, accounts),
                     FW_OK);
    for (i = 0; i < b.len; i++)
        if (b.data[i] == '\'')
            b.data[i] = '"';
    doc = parse_text(b.data, b.len);
    fw_buf_release(&b);
    return doc;
}

static inline fw_doc *incident(const char *accounts)
{
    return incident_with(PARTIES, accounts);
}

static inline fw_doc *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    fw_buf b;
    char chunk[4096];
    size_t n;
    fw_doc *doc;

    assert_non_null(f);
    fw_buf_init(&b, FW_BUF_UNLIMITED);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(fw_buf_add(&b, chunk, n), FW_OK);
    fclose(f);
    doc = parse_text(b.data, b.len);
    fw_buf_release(&b);
    return doc;
}

static inline const fw_account *account(const fw_doc *doc, const char *id)
{
    size_t i;
    for (i = 0; i < doc->naccounts; i++)
        if (strcmp(doc->accounts[i].id, id) == 0)
            return &doc->accounts[i];
    fail_msg("no account %s", id);
    return NULL;
}

/* The situation of the nth (from 0) force event of an account. */
static inline fw_situation *sit_n(const fw_doc *doc, const char *acc, int nth)
{
    const fw_account *a = account(doc, acc);
    fw_situation *s;
    size_t i;

    for (i = 0; i < a->nevents; i++) {
        if (!a->events[i].type || strcmp(a->events[i].type_name, "force") != 0)
            continue;
        if (nth-- == 0) {
            s = fw_situation_build(doc, a, i, NULL);
            assert_non_null(s);
            assert_int_equal(s->event_index, i);
            return s;
        }
    }
    fail_msg("account %s has too few force events", acc);
    return NULL;
}

static inline fw_situation *sit(const fw_doc *doc, const char *acc)
{
    return sit_n(doc, acc, 0);
}

static inline const fw_fact *fact(const fw_situation *s, const char *name)
{
    const fw_fact *f = fw_situation_fact(s, name);
    if (!f)
        fail_msg("no fact %s", name);
    return f;
}

/* Assertions on one fact, reporting its name when they fail. */
static inline void check_bool(const fw_situation *s, const char *name, bool want, fw_source src)
{
    const fw_fact *f = fact(s, name);
    if (f->v.type != FW_V_BOOL || f->v.b != want || f->source != src)
        fail_msg("%s: want %s (source %d), got type %d value %d source %d", name,
                 want ? "true" : "false", src, f->v.type, f->v.b, f->source);
}

static inline void check_str(const fw_situation *s, const char *name, const char *want, fw_source src)
{
    const fw_fact *f = fact(s, name);
    if (f->v.type != FW_V_STR || strcmp(f->v.str, want) != 0 || f->source != src)
        fail_msg("%s: want %s (source %d), got type %d value %s source %d", name, want, src,
                 f->v.type, f->v.type == FW_V_STR ? f->v.str : "-", f->source);
}

static inline void check_num(const fw_situation *s, const char *name, double want, fw_source src)
{
    const fw_fact *f = fact(s, name);
    if (f->v.type != FW_V_NUM || f->v.num != want || f->source != src)
        fail_msg("%s: want %g (source %d), got type %d value %g source %d", name, want, src,
                 f->v.type, f->v.num, f->source);
}

static inline void check_unknown(const fw_situation *s, const char *name)
{
    const fw_fact *f = fact(s, name);
    if (f->v.type != FW_V_UNKNOWN || f->source != FW_SRC_NONE)
        fail_msg("%s: want unknown, got type %d source %d", name, f->v.type, f->source);
}

static inline void check_event(const fw_situation *s, const char *name, int index, double t)
{
    const fw_fact *f = fact(s, name);
    if (f->event_index != index || f->t != t)
        fail_msg("%s: want event %d at t=%g, got event %d at t=%g", name, index, t,
                 f->event_index, f->t);
}

#endif
