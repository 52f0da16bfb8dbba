/*
** Unit tests of the alignment of accounts (lib/policy/review.c, issue 14
** point 2): one act told by several accounts at different times, matched by
** actor, event type and order within fw_geometry.align_tolerance_s, the same
** force kind preferred; decisive facts across aligned items; acts only one
** account tells.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "forcewatch.h"
#include "base/buf.h"
#include "policy/policy.h"
#include "policy/review.h"

static const char POLICY[] =
    "policy al \"alignment unit test\"\n"
    "version 1\n"
    "effective 2000-01-01\n"
    "status paraphrase\n"
    "define deadly = firearm_discharge\n"
    "rule moving-vehicle\n"
    "  cite \"1\"\n"
    "  says \"no shooting at a moving vehicle unless it comes at the officer\"\n"
    "  when force.kind = firearm_discharge and vehicle.moving\n"
    "  require vehicle.toward_officer\n";

static fw_policy *policy(void)
{
    fw_policy *p = NULL;
    fw_diag d;
    fw_diag_init(&d, 5);
    if (fw_policy_parse("al.policy", POLICY, strlen(POLICY), &p, &d) != FW_OK)
        fail_msg("policy: %s", d.msgs[0]);
    fw_diag_release(&d);
    return p;
}

/* An incident with up to three accounts a, b, c; each is a list of events (JSON, no
** brackets) or NULL for no such account. */
static fw_doc *doc3(const char *a, const char *b, const char *c)
{
    char text[8192];
    size_t len;
    fw_diag d;
    fw_doc *doc = NULL;
    len = (size_t)snprintf(text, sizeof text,
             "{\"id\":\"al-1\",\"agency\":\"a\",\"occurred_at\":\"2025-01-01T12:00:00Z\","
             "\"encounter\":\"vehicle_stop\","
             "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\"},"
             "{\"id\":\"o-2\",\"role\":\"applied_force\"}],"
             "\"subjects\":[{\"id\":\"s-1\",\"in_vehicle\":\"v-1\"}],"
             "\"vehicles\":[{\"id\":\"v-1\",\"kind\":\"car\",\"driver\":\"s-1\"}],"
             "\"accounts\":[{\"id\":\"a\",\"kind\":\"agency_statement\",\"source\":\"a\","
             "\"events\":[%s]}",
             a);
    if (b)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                ",{\"id\":\"b\",\"kind\":\"video_analysis\",\"source\":\"b\","
                                "\"complete\":true,\"events\":[%s]}", b);
    if (c)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                ",{\"id\":\"c\",\"kind\":\"civilian_witness\",\"source\":\"c\","
                                "\"events\":[%s]}", c);
    snprintf(text + len, sizeof text - len, "]}");
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test doc: %s", d.msgs[0]);
    fw_diag_release(&d);
    return doc;
}

#define SHOT(o, t) "{\"t\":" #t ",\"type\":\"force\",\"actor\":\"" o "\",\"kind\":\"firearm_discharge\",\"target\":\"s-1\"}"
#define FORCE(o, t, k) "{\"t\":" #t ",\"type\":\"force\",\"actor\":\"" o "\",\"kind\":\"" k "\",\"target\":\"s-1\"}"
#define MOTION(o, d) "{\"t\":1,\"type\":\"vehicle_motion\",\"vehicle\":\"v-1\",\"relative_to\":\"" o "\",\"direction\":\"" d "\",\"speed_mps\":3}"

typedef struct fixture {
    fw_policy *p;
    fw_doc *doc;
    fw_review rv;
} fixture;

static void review(fixture *f, const fw_geometry *geo, const char *account)
{
    fw_error err;
    f->p = policy();
    assert_int_equal(fw_review_run(f->doc, f->p, geo, account, &f->rv, &err), FW_OK);
}

static void done(fixture *f)
{
    fw_review_release(&f->rv);
    fw_policy_free(f->p);
    fw_doc_free(f->doc);
}

/* The accounts of act i, e.g. "a:o-1@6.4 b:o-1@7.1". */
static const char *act_items(const fw_review *rv, size_t act, char *out, size_t n)
{
    size_t i, len = 0;
    out[0] = '\0';
    for (i = 0; i < rv->nitems; i++)
        if (rv->items[i].act == act)
            len += (size_t)snprintf(out + len, n - len, "%s%s:%s", len ? " " : "",
                                    rv->doc->accounts[rv->items[i].account].id, rv->items[i].key);
    return out;
}

static double item_t(const fw_review *rv, size_t i)
{
    return rv->doc->accounts[rv->items[i].account].events[rv->items[i].event].t;
}

static void default_tolerance(void **state)
{
    fw_geometry g;
    (void)state;
    fw_geometry_default(&g);
    assert_float_equal(g.align_tolerance_s, 10.0, 1e-12);
}

static void timed_differently(void **state)
{
    fixture f;
    char buf[256];
    fw_buf text;
    (void)state;
    f.doc = doc3(MOTION("o-1", "toward") "," SHOT("o-1", 6.4), MOTION("o-1", "away") "," SHOT("o-1", 7.1), NULL);
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nitems, 2);
    assert_int_equal(f.rv.nacts, 1);
    assert_string_equal(f.rv.acts[0].id, "o-1 firearm_discharge #1");
    assert_string_equal(act_items(&f.rv, 0, buf, sizeof buf), "a:o-1@6.4 b:o-1@7.1");
    assert_false(f.rv.acts[0].only_one);
    assert_false(f.rv.acts[0].kinds_differ);
    /* The keys differ, the act is one: its decisive fact is found. */
    assert_int_equal(f.rv.ndecisive, 1);
    assert_int_equal(f.rv.decisive[0].act, 0);
    assert_string_equal(fw_fact_defs[f.rv.decisive[0].fact].name, "vehicle.toward_officer");
    fw_buf_init(&text, FW_BUF_UNLIMITED);
    assert_int_equal(fw_review_text(&f.rv, false, &text), FW_OK);
    assert_non_null(strstr(fw_buf_str(&text), "  aligned: a t=6.4 <-> b t=7.1\n"));
    assert_non_null(strstr(fw_buf_str(&text), "decisive (moving-vehicle): vehicle.toward_officer  a=true  b=false"));
    fw_buf_release(&text);
    done(&f);
}

static void tolerance_is_a_setting(void **state)
{
    fixture f;
    fw_geometry g;
    char msg[256];
    (void)state;
    fw_geometry_default(&g);
    g.align_tolerance_s = 0.5;
    f.doc = doc3(MOTION("o-1", "toward") "," SHOT("o-1", 6.4), MOTION("o-1", "away") "," SHOT("o-1", 7.1), NULL);
    review(&f, &g, NULL);
    assert_int_equal(f.rv.nacts, 2);
    assert_true(f.rv.acts[0].only_one);
    assert_true(f.rv.acts[1].only_one);
    assert_int_equal(f.rv.ndecisive, 0);
    fw_review_only_text(&f.rv, 1, msg, sizeof msg);
    assert_string_equal(msg, "o-1's second firearm_discharge appears only in account b");
    done(&f);
}

/* The settings are checked (fw_geometry_check) by the review itself, not only by the CLI,
** and the JSON records the alignment tolerance it aligned with. */
static void settings_checked_and_recorded(void **state)
{
    fixture f;
    fw_geometry g;
    fw_error err;
    json_t *j;
    const double bad[] = {-1, 86401, NAN, INFINITY};
    size_t i;
    (void)state;
    f.doc = doc3(SHOT("o-1", 6.4), SHOT("o-1", 7.1), NULL);
    f.p = policy();
    fw_geometry_default(&g);
    assert_int_equal(fw_geometry_check(&g, &err), FW_OK);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fw_geometry_default(&g);
        g.threat_window_s = bad[i];
        assert_int_equal(fw_geometry_check(&g, &err), FW_ERR_INVALID);
        assert_string_equal(err.msg, "threat_window_s: expected seconds from 0 to 86400");
        assert_int_equal(fw_review_run(f.doc, f.p, &g, NULL, &f.rv, &err), FW_ERR_INVALID);
        assert_int_equal(f.rv.nitems, 0);
        fw_review_release(&f.rv);
        fw_geometry_default(&g);
        g.align_tolerance_s = bad[i];
        assert_int_equal(fw_review_run(f.doc, f.p, &g, NULL, &f.rv, &err), FW_ERR_INVALID);
        assert_string_equal(err.msg, "align_tolerance_s: expected seconds from 0 to 86400");
        fw_review_release(&f.rv);
    }
    fw_geometry_default(&g);
    g.reach_m = -0.5;
    assert_int_equal(fw_geometry_check(&g, &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "reach_m: expected metres from 0 to 10000");
    fw_geometry_default(&g);
    g.align_tolerance_s = 0.25;
    assert_int_equal(fw_review_run(f.doc, f.p, &g, NULL, &f.rv, &err), FW_OK);
    assert_int_equal(f.rv.nacts, 2);   /* 0.7 s apart: beyond 0.25 */
    j = fw_review_json(&f.rv);
    assert_non_null(j);
    assert_float_equal(json_real_value(json_object_get(json_object_get(j, "settings"),
                                                        "align_tolerance_s")), 0.25, 1e-12);
    json_decref(j);
    fw_review_release(&f.rv);
    /* Without settings: the defaults, recorded. */
    assert_int_equal(fw_review_run(f.doc, f.p, NULL, NULL, &f.rv, &err), FW_OK);
    assert_int_equal(f.rv.nacts, 1);
    j = fw_review_json(&f.rv);
    assert_float_equal(json_real_value(json_object_get(json_object_get(j, "settings"),
                                                        "align_tolerance_s")), 10.0, 1e-12);
    json_decref(j);
    done(&f);
}

static void extra_shot(void **state)
{
    fixture f;
    char buf[256];
    json_t *j;
    (void)state;
    f.doc = doc3(SHOT("o-1", 6.4) "," SHOT("o-1", 9),
                 SHOT("o-1", 7.1) "," SHOT("o-1", 8) "," SHOT("o-1", 9.5), NULL);
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nacts, 3);
    assert_string_equal(act_items(&f.rv, 0, buf, sizeof buf), "a:o-1@6.4 b:o-1@7.1");
    assert_string_equal(act_items(&f.rv, 1, buf, sizeof buf), "b:o-1@8");
    assert_string_equal(act_items(&f.rv, 2, buf, sizeof buf), "a:o-1@9 b:o-1@9.5");
    assert_true(f.rv.acts[1].only_one);
    assert_false(f.rv.acts[0].only_one || f.rv.acts[2].only_one);
    assert_string_equal(f.rv.acts[1].id, "o-1 firearm_discharge #2");
    j = fw_review_json(&f.rv);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "acts")), 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "acts"), 1), "only_in")), "b");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "acts"), 1), "disputed")),
                        "o-1's second firearm_discharge appears only in account b");
    json_decref(j);
    done(&f);
}

static void two_officers(void **state)
{
    fixture f;
    char buf[256];
    (void)state;
    f.doc = doc3(SHOT("o-1", 6.4) "," SHOT("o-2", 6.5), SHOT("o-2", 7), NULL);
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nacts, 2);
    assert_string_equal(act_items(&f.rv, 0, buf, sizeof buf), "a:o-1@6.4");
    assert_string_equal(act_items(&f.rv, 1, buf, sizeof buf), "a:o-2@6.5 b:o-2@7");
    assert_true(f.rv.acts[0].only_one);
    done(&f);
}

static void kind_preferred(void **state)
{
    fixture f;
    char buf[256];
    (void)state;
    /* b's baton at 42 is a's baton at 44, not a's hands_on at 41, nearer in time. */
    f.doc = doc3(FORCE("o-1", 41, "hands_on") "," FORCE("o-1", 44, "impact_weapon"),
                 FORCE("o-1", 42, "impact_weapon"), NULL);
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nacts, 2);
    assert_string_equal(act_items(&f.rv, 0, buf, sizeof buf), "a:o-1@41");
    assert_string_equal(act_items(&f.rv, 1, buf, sizeof buf), "a:o-1@44 b:o-1@42");
    assert_string_equal(f.rv.acts[0].id, "o-1 hands_on #1");
    assert_string_equal(f.rv.acts[1].id, "o-1 impact_weapon #1");
    done(&f);
}

static void kind_differs(void **state)
{
    fixture f;
    char buf[256];
    (void)state;
    /* Example 04's shape: one act, hands_on in one account, a baton in two. */
    f.doc = doc3(FORCE("o-1", 45, "hands_on"), FORCE("o-1", 42, "impact_weapon"),
                 FORCE("o-1", 42, "impact_weapon"));
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nacts, 1);
    assert_string_equal(act_items(&f.rv, 0, buf, sizeof buf), "a:o-1@45 b:o-1@42 c:o-1@42");
    assert_true(f.rv.acts[0].kinds_differ);
    assert_string_equal(f.rv.acts[0].label, "impact_weapon");   /* what most accounts say */
    assert_int_equal(f.rv.acts[0].first, 0);
    done(&f);
}

static void order_kept(void **state)
{
    fixture f;
    char buf[256];
    (void)state;
    /* Swapped kinds cannot both match their kind without crossing: the order wins. */
    f.doc = doc3(FORCE("o-1", 10, "hands_on") "," FORCE("o-1", 12, "impact_weapon"),
                 FORCE("o-1", 10, "impact_weapon") "," FORCE("o-1", 12, "hands_on"), NULL);
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nacts, 2);
    assert_string_equal(act_items(&f.rv, 0, buf, sizeof buf), "a:o-1@10 b:o-1@10");
    assert_string_equal(act_items(&f.rv, 1, buf, sizeof buf), "a:o-1@12 b:o-1@12");
    done(&f);
}

static void third_account(void **state)
{
    fixture f;
    char buf[256];
    (void)state;
    /* c's shot matches the act b alone told, not a's (too far from a's). */
    f.doc = doc3(SHOT("o-1", 0), SHOT("o-1", 20), SHOT("o-1", 21));
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nacts, 2);
    assert_string_equal(act_items(&f.rv, 0, buf, sizeof buf), "a:o-1@0");
    assert_string_equal(act_items(&f.rv, 1, buf, sizeof buf), "b:o-1@20 c:o-1@21");
    assert_true(f.rv.acts[0].only_one);
    assert_false(f.rv.acts[1].only_one);
    done(&f);
}

static void one_account(void **state)
{
    fixture f;
    fw_buf text;
    (void)state;
    f.doc = doc3(SHOT("o-1", 6.4), SHOT("o-1", 7.1) "," SHOT("o-1", 8), NULL);
    review(&f, NULL, "b");
    assert_int_equal(f.rv.nacts, 2);
    assert_false(f.rv.acts[0].only_one || f.rv.acts[1].only_one);
    fw_buf_init(&text, FW_BUF_UNLIMITED);
    assert_int_equal(fw_review_text(&f.rv, false, &text), FW_OK);
    assert_null(strstr(fw_buf_str(&text), "disputed"));
    assert_null(strstr(fw_buf_str(&text), "aligned"));
    fw_buf_release(&text);
    done(&f);
}

static void ordinals(void **state)
{
    fixture f;
    char msg[256];
    (void)state;
    f.doc = doc3(SHOT("o-1", 0), "{\"t\":0,\"type\":\"comply\",\"actor\":\"s-1\"}", NULL);
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nacts, 1);
    f.rv.acts[0].nth = 21;
    fw_review_only_text(&f.rv, 0, msg, sizeof msg);
    assert_string_equal(msg, "o-1's 21st firearm_discharge appears only in account a");
    f.rv.acts[0].nth = 12;
    fw_review_only_text(&f.rv, 0, msg, sizeof msg);
    assert_string_equal(msg, "o-1's 12th firearm_discharge appears only in account a");
    done(&f);
}

/* An act's nth counts the earlier acts of its officer and kind only, whatever comes between. */
static void nth_per_officer_and_kind(void **state)
{
    fixture f;
    static const char *const ids[] = {"o-1 ecd #1", "o-2 ecd #1", "o-1 hands_on #1",
                                      "o-1 ecd #2", "o-2 ecd #2", "o-1 hands_on #2"};
    size_t i;
    (void)state;
    f.doc = doc3(FORCE("o-1", 1, "ecd") "," FORCE("o-2", 2, "ecd") "," FORCE("o-1", 3, "hands_on") ","
                 FORCE("o-1", 4, "ecd") "," FORCE("o-2", 5, "ecd") "," FORCE("o-1", 6, "hands_on"),
                 NULL, NULL);
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nacts, 6);
    for (i = 0; i < 6; i++)
        assert_string_equal(f.rv.acts[i].id, ids[i]);
    done(&f);
}

/* Many shots of one officer in two accounts: matched greedily past the table's size, in
** bounded time and memory, the nth with the nth. */
static void large_group(void **state)
{
    enum { N = 600 };
    fw_buf a, b;
    fw_doc *doc;
    fixture f;
    size_t i, matched = 0;
    (void)state;
    fw_buf_init(&a, FW_BUF_UNLIMITED);
    fw_buf_init(&b, FW_BUF_UNLIMITED);
    for (i = 0; i < N; i++) {
        fw_buf_printf(&a, "%s{\"t\":%zu,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"}",
                      i ? "," : "", i * 10);
        fw_buf_printf(&b, "%s{\"t\":%zu.5,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"}",
                      i ? "," : "", i * 10);
    }
    {
        fw_buf text;
        fw_diag d;
        fw_buf_init(&text, FW_BUF_UNLIMITED);
        fw_buf_printf(&text,
                      "{\"id\":\"al-2\",\"agency\":\"a\",\"occurred_at\":\"2025-01-01T12:00:00Z\","
                      "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\"}],"
                      "\"subjects\":[{\"id\":\"s-1\"}],\"accounts\":["
                      "{\"id\":\"a\",\"kind\":\"agency_statement\",\"source\":\"a\",\"events\":[%s]},"
                      "{\"id\":\"b\",\"kind\":\"video_analysis\",\"source\":\"b\",\"events\":[%s]}]}",
                      fw_buf_str(&a), fw_buf_str(&b));
        fw_diag_init(&d, 5);
        doc = NULL;
        if (fw_doc_parse(fw_buf_str(&text), text.len, NULL, &doc, &d) != FW_OK)
            fail_msg("test doc: %s", d.msgs[0]);
        fw_diag_release(&d);
        fw_buf_release(&text);
    }
    f.doc = doc;
    review(&f, NULL, NULL);
    assert_int_equal(f.rv.nitems, 2 * N);
    assert_int_equal(f.rv.nacts, N);
    for (i = 0; i < f.rv.nacts; i++)
        matched += f.rv.acts[i].nitems == 2 &&
                   item_t(&f.rv, f.rv.items[f.rv.acts[i].first].next) -
                   item_t(&f.rv, f.rv.acts[i].first) == 0.5;
    assert_int_equal(matched, N);
    assert_string_equal(f.rv.acts[N - 1].id, "o-1 ecd #600");
    fw_buf_release(&a);
    fw_buf_release(&b);
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_tolerance), cmocka_unit_test(timed_differently),
        cmocka_unit_test(tolerance_is_a_setting), cmocka_unit_test(extra_shot),
        cmocka_unit_test(two_officers), cmocka_unit_test(kind_preferred),
        cmocka_unit_test(kind_differs), cmocka_unit_test(order_kept),
        cmocka_unit_test(third_account), cmocka_unit_test(one_account),
        cmocka_unit_test(ordinals), cmocka_unit_test(large_group),
        cmocka_unit_test(settings_checked_and_recorded), cmocka_unit_test(nth_per_officer_and_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
