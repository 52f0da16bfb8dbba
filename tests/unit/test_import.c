/*
** Unit tests of import profiles: United States daylight-saving offsets at
** their boundaries, "Last, First" names, times of day in both formats,
** hashed ids that ignore spacing, value maps to several values, the
** agencies join, over-long values refused, and profile errors by line.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "data/import.h"

static void expect_offset(const char *zone, int y, int mo, int d, int h, const char *want)
{
    char off[8];
    assert_true(fw_zone_offset(zone, y, mo, d, h, 0, off));
    assert_string_equal(off, want);
}

static void test_zones(void **state)
{
    char off[8];
    (void)state;
    /* 2007 on: second Sunday of March to first Sunday of November, at 02:00. */
    expect_offset("us-pacific", 2011, 3, 13, 1, "-08:00");
    expect_offset("us-pacific", 2011, 3, 13, 2, "-07:00");
    expect_offset("us-pacific", 2011, 11, 6, 1, "-07:00"); /* the repeated hour: daylight */
    expect_offset("us-pacific", 2011, 11, 6, 2, "-08:00");
    expect_offset("us-pacific", 2011, 8, 10, 13, "-07:00");
    expect_offset("us-eastern", 2019, 3, 14, 21, "-04:00");
    /* 1987-2006: first Sunday of April to last Sunday of October. */
    expect_offset("us-pacific", 2006, 4, 1, 12, "-08:00");
    expect_offset("us-pacific", 2006, 4, 2, 3, "-07:00");
    expect_offset("us-pacific", 2006, 10, 28, 12, "-07:00");
    expect_offset("us-pacific", 2006, 10, 29, 3, "-08:00");
    expect_offset("us-pacific", 2005, 3, 20, 12, "-08:00"); /* March is standard time then */
    expect_offset("us-arizona", 2015, 7, 1, 12, "-07:00");
    expect_offset("us-hawaii", 2015, 7, 1, 12, "-10:00");
    expect_offset("+05:30", 1950, 7, 1, 12, "+05:30");
    expect_offset("Z", 2020, 1, 1, 0, "Z");
    assert_false(fw_zone_offset("us-pacific", 1986, 7, 1, 12, 0, off)); /* rules not covered */
    assert_false(fw_zone_offset("europe-paris", 2020, 7, 1, 12, 0, off));
    assert_false(fw_zone_offset("+5", 2020, 7, 1, 12, 0, off));
}

static void test_names(void **state)
{
    char out[128];
    (void)state;
    fw_name_last_first("Alford, Jerome ", out, sizeof out);
    assert_string_equal(out, "Jerome Alford");
    fw_name_last_first("  Alvarez Ramos,   Jose  ", out, sizeof out);
    assert_string_equal(out, "Jose Alvarez Ramos");
    fw_name_last_first("Tim  Elliot ", out, sizeof out);
    assert_string_equal(out, "Tim Elliot");
    fw_name_last_first("Cher,", out, sizeof out);
    assert_string_equal(out, "Cher");
}

static const uint8_t test_key[FW_PROFILE_ID_KEY_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8};

/* A profile parsed from text (asserted to parse), with test_key for hashed ids. */
static fw_profile *profile(const char *text)
{
    fw_profile *p = NULL;
    fw_diag diag;
    size_t i;
    fw_diag_init(&diag, 10);
    if (fw_profile_parse("t.profile", text, strlen(text), &p, &diag) != FW_OK)
        for (i = 0; i < diag.n; i++)
            print_message("%s\n", diag.msgs[i]);
    fw_diag_release(&diag);
    assert_non_null(p);
    fw_profile_set_id_key(p, test_key);
    return p;
}

/* Map one row of n fields with the given header; the document's canonical JSON, or the
** reason it was refused as "!REASON".  Caller frees. */
static char *map_row(fw_profile *p, fw_profile_part part, const char *const *header,
                     const char *const *values, size_t n)
{
    fw_csv_row h, r;
    size_t lens[16], vl[16], i;
    char why[256];
    json_t *doc = NULL;
    char *out;
    for (i = 0; i < n; i++) {
        lens[i] = strlen(header[i]);
        vl[i] = strlen(values[i]);
    }
    memset(&h, 0, sizeof h);
    h.nfields = n;
    h.fields = header;
    h.lens = lens;
    r = h;
    r.line = 2;
    r.fields = values;
    r.lens = vl;
    assert_int_equal(fw_profile_bind(p, part, &h, why, sizeof why), FW_OK);
    if (fw_profile_map(p, part, &r, &doc, why, sizeof why) != FW_OK) {
        size_t len = strlen(why);
        out = malloc(len + 2);
        assert_non_null(out);
        out[0] = '!';
        memcpy(out + 1, why, len + 1);
        return out;
    }
    out = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    return out;
}

static const char *const st_header[] = {"name", "date", "time", "weapon", "agency"};
static const char *const st_profile =
    "profile st \"test\"\n"
    "id     name,date hash prefix st-\n"
    "date   date      format MM/DD/YYYY\n"
    "time   time      format \"h:mm AM/PM\" zone us-pacific\n"
    "name   name      order last-first\n"
    "agency agency    split ; prefix a-\n"
    "force  weapon    map \"shot and Tasered\"=firearm_discharge;ecd *=firearm_discharge\n";

static void test_rows(void **state)
{
    fw_profile *p = profile(st_profile);
    const char *r1[] = {"Alford, Jerome ", "03/24/2007", "12:30 AM", "shot and Tasered", "1;2;1"};
    const char *r2[] = {"Alford,  Jerome", " 03/24/2007", "12:05 PM", "shot", ""};
    const char *r3[] = {"X, Y", "03/24/2007", "13:00 PM", "shot", "1"};
    const char *r4[] = {"X, Y", "02/30/2007", "1:00 PM", "shot", "1"};
    char *a, *b, *c, *id_a, *id_b;
    (void)state;

    a = map_row(p, FW_PROFILE_INCIDENTS, st_header, r1, 5);
    assert_non_null(strstr(a, "\"occurred_at\":\"2007-03-24T00:30-07:00\""));
    assert_non_null(strstr(a, "\"name\":\"Jerome Alford\""));
    assert_non_null(strstr(a, "\"kind\":\"ecd\""));
    assert_non_null(strstr(a, "\"kind\":\"firearm_discharge\""));
    assert_non_null(strstr(a, "\"agency\":\"a-1\""));
    assert_non_null(strstr(a, "\"other_agencies\":[\"a-2\"]")); /* distinct values */
    b = map_row(p, FW_PROFILE_INCIDENTS, st_header, r2, 5);
    assert_non_null(strstr(b, "\"occurred_at\":\"2007-03-24T12:05-07:00\""));
    assert_non_null(strstr(b, "\"agency\":\"unknown-agency\""));
    /* The hashed id ignores spacing, so a tidied name keeps the record's id. */
    id_a = strstr(a, "\"id\":\"st-");
    id_b = strstr(b, "\"id\":\"st-");
    assert_non_null(id_a);
    assert_non_null(id_b);
    assert_memory_equal(id_a, id_b, 8 + 3 + 16);
    /* Keyed: HMAC-SHA-256 under the database's key of the tidied columns, so an id
    ** cannot be recomputed from a name and a date without the key. */
    {
        uint8_t mac[32], plain[32], other[FW_PROFILE_ID_KEY_BYTES] = {9};
        char hex[65], want[40];
        const char joined[] = "Alford, Jerome\x1f" "03/24/2007";
        fw_profile *q;
        char *d;
        crypto_auth_hmacsha256(mac, (const unsigned char *)joined, strlen(joined), test_key);
        fw_hex(mac, sizeof mac, hex);
        snprintf(want, sizeof want, "\"id\":\"st-%.16s\"", hex);
        assert_non_null(strstr(a, want));
        fw_sha256(joined, strlen(joined), plain);
        fw_hex(plain, sizeof plain, hex);
        snprintf(want, sizeof want, "\"id\":\"st-%.16s\"", hex);
        assert_null(strstr(a, want));
        q = profile(st_profile);
        fw_profile_set_id_key(q, other);
        d = map_row(q, FW_PROFILE_INCIDENTS, st_header, r1, 5);
        assert_memory_not_equal(strstr(d, "\"id\":\"st-"), id_a, 8 + 3 + 16);
        free(d);
        fw_profile_free(q);
    }
    c = map_row(p, FW_PROFILE_INCIDENTS, st_header, r3, 5);
    assert_string_equal(c, "!time: invalid '13:00 PM'");
    free(c);
    c = map_row(p, FW_PROFILE_INCIDENTS, st_header, r4, 5);
    assert_string_equal(c, "!date: invalid '02/30/2007'");
    free(c);
    free(a);
    free(b);
    fw_profile_free(p);
}

static void test_too_long(void **state)
{
    fw_profile *p = profile(st_profile);
    char name[600];
    const char *r[] = {name, "03/24/2007", "", "shot", "1"};
    char *out;
    (void)state;
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    out = map_row(p, FW_PROFILE_INCIDENTS, st_header, r, 5);
    assert_string_equal(out, "!name: a value over 255 bytes");
    free(out);
    fw_profile_free(p);
}

static void test_agencies(void **state)
{
    static const char *const header[] = {"id", "name", "type", "state", "oricodes"};
    const char *r1[] = {"6196", "Bureau of Alcohol, Tobacco and Firearms", "federal", "US",
                        "ARATF0100;ARATF0200"};
    const char *r2[] = {"7", "", "sheriff", "WA", ""};
    fw_profile *p = profile("profile a \"t\"\nid id prefix w-\ndate date\n"
                            "join agencies\n"
                            "id id prefix w-agency-\nname name\n"
                            "type type map local_other=other *=unknown federal=federal\n"
                            "state state\nori oricodes split ;\n");
    char *out;
    (void)state;
    assert_true(fw_profile_joins_agencies(p));
    out = map_row(p, FW_PROFILE_AGENCIES, header, r1, 5);
    assert_string_equal(out, "{\"id\":\"w-agency-6196\",\"name\":\"Bureau of Alcohol, Tobacco and "
                             "Firearms\",\"ori\":\"ARATF0100\",\"record\":\"agency\",\"type\":\"federal\"}");
    free(out);
    out = map_row(p, FW_PROFILE_AGENCIES, header, r2, 5);
    assert_string_equal(out, "!no name");
    free(out);
    fw_profile_free(p);
}

static void expect_error(const char *text, const char *want)
{
    fw_profile *p = NULL;
    fw_diag diag;
    size_t i;
    bool found = false;
    fw_diag_init(&diag, 10);
    assert_int_equal(fw_profile_parse("t.profile", text, strlen(text), &p, &diag), FW_ERR_INVALID);
    assert_null(p);
    for (i = 0; i < diag.n; i++)
        found |= strcmp(diag.msgs[i], want) == 0;
    if (!found)
        for (i = 0; i < diag.n; i++)
            print_message("got: %s\n", diag.msgs[i]);
    assert_true(found);
    fw_diag_release(&diag);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("profile p \"t\"\nid id\ndate d\nsex s map M=man\n",
                 "t.profile:4: map: 'man' is not a value of sex (docs/incident-format.md)");
    expect_error("profile p \"t\"\nid id\ndate d\nforce - const firearm_discharge;kick\n",
                 "t.profile:4: const: 'kick' is not a value of force_kind");
    expect_error("profile p \"t\"\nid id\ndate d\ntime t format 24h\n",
                 "t.profile:4: format: HH:MM or \"h:mm AM/PM\" for a time");
    expect_error("profile p \"t\"\nid id\ndate d\ncity c hash\n",
                 "t.profile:4: 'hash' makes ids; 'city' cannot use it");
    expect_error("profile p \"t\"\nid id\ndate d\ncity c order last-first\n",
                 "t.profile:4: 'order last-first' is for names, not 'city'");
    expect_error("profile p \"t\"\nid id\ndate d zone us-pacific\n",
                 "t.profile:3: 'zone' goes with 'time', not 'date'");
    expect_error("profile p \"t\"\nid id\ndate d\njoin agencies\nid i\nname n\njoin agencies\n",
                 "t.profile:7: 'join agencies' given twice");
    expect_error("profile p \"t\"\nid id\ndate d\njoin agencies\nid i\ntype t map x=bureau\n",
                 "t.profile:6: map: 'bureau' is not a value of agency_type (docs/incident-format.md)");
    /* Words too long for where they go are refused, never cut to fit. */
    {
        char text[1024], long_word[200];
        memset(long_word, 'x', sizeof long_word - 1);
        long_word[sizeof long_word - 1] = '\0';
        snprintf(text, sizeof text, "profile p \"t\"\nid id prefix %.64s\ndate d\n", long_word);
        expect_error(text, "t.profile:2: prefix: longer than 63 bytes");
        snprintf(text, sizeof text, "profile p \"t\"\nid %.128s\ndate d\n", long_word);
        expect_error(text, "t.profile:2: 'id': column longer than 127 bytes");
        snprintf(text, sizeof text, "profile %.64s \"t\"\nid id\ndate d\n", long_word);
        expect_error(text, "t.profile:1: expected 'profile NAME \"TITLE\"' (at most 63 and 255 bytes)");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones),     cmocka_unit_test(test_names),
        cmocka_unit_test(test_rows),      cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_agencies),  cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
