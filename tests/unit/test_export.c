/*
** Unit tests of the export writers: RFC 4180 quoting of awkward values (read
** back with the project's CSV reader), ';'-joined party columns with their
** escapes, de-identification, the NUFDC columns against the schema's FBI
** element names, JSON rows holding the stored bytes, and the stamp's round
** trip and refusals.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "data/csv.h"
#include "data/export.h"
#include "log/note.h"

/* An incident with every awkward value a cell can hold. */
static const char awkward[] =
    "{\"id\":\"awk-1\",\"agency\":\"a-1\",\"occurred_at\":\"2025-03-04\","
    "\"summary\":\"He said \\\"stop, now\\\"\\r\\nthen ran\","
    "\"location\":{\"city\":\"Comma, Town\",\"address\":\"1 Main St\",\"type\":\"street\"},"
    "\"case_number\":\"=1+2\","
    "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\",\"name\":\"A; B\\\\C\",\"years_of_service\":3},"
    "{\"id\":\"o-2\",\"role\":\"present\"}],"
    "\"subjects\":[{\"id\":\"s-1\",\"name\":\"Private Person\",\"date_of_birth\":\"1990-01-02\","
    "\"sex\":\"male\",\"age\":34,\"impairments\":[\"alcohol\",\"drugs\"]},{\"id\":\"s-2\",\"sex\":\"female\"}],"
    "\"accounts\":[{\"id\":\"a\",\"kind\":\"agency_statement\",\"source\":\"release\",\"events\":["
    "{\"t\":0,\"type\":\"resist\",\"actor\":\"s-1\",\"level\":\"active\"},"
    "{\"t\":1,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"},"
    "{\"t\":2,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"takedown\",\"target\":\"s-1\"},"
    "{\"t\":3,\"type\":\"force\",\"actor\":\"o-2\",\"kind\":\"ecd\",\"target\":\"s-2\"}]}]}";

typedef struct rows {
    size_t n;
    char *cells[8][200];
    size_t ncells[8];
} rows;

static int collect(void *arg, const fw_csv_row *row)
{
    rows *r = arg;
    size_t i;
    assert_null(row->error);
    assert_true(r->n < 8);
    for (i = 0; i < row->nfields && i < 200; i++)
        r->cells[r->n][i] = strdup(row->fields[i]);
    r->ncells[r->n++] = row->nfields;
    return 0;
}

static void rows_free(rows *r)
{
    size_t i, k;
    for (i = 0; i < r->n; i++)
        for (k = 0; k < r->ncells[i] && k < 200; k++)
            free(r->cells[i][k]);
}

/* Parse CSV text (without '#' lines) into r. */
static void read_csv(const char *text, size_t len, rows *r)
{
    fw_csv *p = fw_csv_new(0, 0, collect, r);
    memset(r, 0, sizeof *r);
    assert_non_null(p);
    assert_int_equal(fw_csv_feed(p, text, len), FW_OK);
    assert_int_equal(fw_csv_finish(p), FW_OK);
    fw_csv_free(p);
}

/* The value of column name in row k, or NULL if there is no such column. */
static const char *cell(const rows *r, size_t k, const char *name)
{
    size_t i;
    for (i = 0; i < r->ncells[0]; i++)
        if (strcmp(r->cells[0][i], name) == 0)
            return i < r->ncells[k] ? r->cells[k][i] : NULL;
    return NULL;
}

static fw_doc *parse_doc(const char *text)
{
    fw_doc *doc = NULL;
    fw_diag d;
    fw_diag_init(&d, 4);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("%s", d.n ? d.msgs[0] : "invalid");
    fw_diag_release(&d);
    return doc;
}

static void record_of(const fw_doc *doc, fw_buf *body, fw_export_record *r, char *hex)
{
    uint8_t dig[32];
    fw_buf_init(body, 1 << 20);
    assert_int_equal(fw_doc_canonical(doc, body), FW_OK);
    fw_sha256(body->data, body->len, dig);
    fw_hex(dig, 32, hex);
    r->id = doc->id;
    r->doc = doc;
    r->body = body->data;
    r->body_len = body->len;
    r->version = 3;
    r->log_seq = 41;
    r->sha256 = hex;
}

/* Render table t of the layout: its header row and this incident's rows. */
static void render(fw_export_format f, bool deid, size_t t, const fw_export_record *r, fw_buf *out)
{
    fw_export_layout *l;
    assert_int_equal(fw_export_layout_new(f, deid, &l), FW_OK);
    assert_int_equal(fw_export_table_begin(l, t, out), FW_OK);
    assert_int_equal(fw_export_table_row(l, t, r, out), FW_OK);
    fw_export_layout_free(l);
}

/* The part of out after a "# table" line, if any. */
static const char *csv_part(const fw_buf *out)
{
    const char *p = fw_buf_str(out);
    if (p[0] == '#')
        p = strchr(p, '\n') + 1;
    return p;
}

static void test_cells(void **state)
{
    static const struct { const char *in, *want; } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"line\nbreak", "\"line\nbreak\""},
        {"cr\rlf", "\"cr\rlf\""},
        {" spaced ", " spaced "},
        {"\"", "\"\"\"\""},
        {"é;ü", "é;ü"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fw_buf b;
        fw_buf_init(&b, 1024);
        assert_int_equal(fw_csv_write_field(cases[i].in, strlen(cases[i].in), &b), FW_OK);
        assert_string_equal(fw_buf_str(&b), cases[i].want);
        fw_buf_release(&b);
    }
}

static void test_csv_row(void **state)
{
    fw_doc *doc = parse_doc(awkward);
    fw_export_record r;
    fw_buf body, out;
    char hex[65];
    rows rs;
    (void)state;

    record_of(doc, &body, &r, hex);
    fw_buf_init(&out, 1 << 20);
    render(FW_EXPORT_CSV, false, 0, &r, &out);
    read_csv(csv_part(&out), strlen(csv_part(&out)), &rs);
    assert_int_equal(rs.n, 2);
    assert_int_equal(rs.ncells[0], rs.ncells[1]);
    assert_string_equal(rs.cells[0][0], "id");
    assert_string_equal(cell(&rs, 1, "id"), "awk-1");
    assert_string_equal(cell(&rs, 1, "version"), "3");
    assert_string_equal(cell(&rs, 1, "sha256"), hex);
    assert_string_equal(cell(&rs, 1, "log_seq"), "41");
    assert_string_equal(cell(&rs, 1, "summary"), "He said \"stop, now\"\r\nthen ran");
    assert_string_equal(cell(&rs, 1, "location.city"), "Comma, Town");
    assert_string_equal(cell(&rs, 1, "location.address"), "1 Main St");
    assert_string_equal(cell(&rs, 1, "case_number"), "=1+2");
    assert_string_equal(cell(&rs, 1, "officers"), "2");
    assert_string_equal(cell(&rs, 1, "officers.id"), "o-1;o-2");
    assert_string_equal(cell(&rs, 1, "officers.name"), "A\\; B\\\\C;");
    assert_string_equal(cell(&rs, 1, "officers.years_of_service"), "3;");
    assert_string_equal(cell(&rs, 1, "subjects.impairments"), "alcohol,drugs;");
    assert_string_equal(cell(&rs, 1, "subjects.name"), "Private Person;");
    assert_string_equal(cell(&rs, 1, "events"), "4");
    assert_string_equal(cell(&rs, 1, "force_kinds"), "ecd;takedown");
    assert_string_equal(cell(&rs, 1, "withdrawn"), "");
    rows_free(&rs);

    /* De-identified: the personal columns are gone, the rest is the same. */
    fw_buf_reset(&out);
    render(FW_EXPORT_CSV, true, 0, &r, &out);
    assert_null(strstr(fw_buf_str(&out), "Private Person"));
    assert_null(strstr(fw_buf_str(&out), "1 Main St"));
    assert_null(strstr(fw_buf_str(&out), "1990-01-02"));
    read_csv(csv_part(&out), strlen(csv_part(&out)), &rs);
    assert_null(cell(&rs, 1, "subjects.name"));
    assert_null(cell(&rs, 1, "subjects.date_of_birth"));
    assert_null(cell(&rs, 1, "location.address"));
    assert_string_equal(cell(&rs, 1, "officers.name"), "A\\; B\\\\C;");
    assert_string_equal(cell(&rs, 1, "subjects.sex"), "male;female");
    rows_free(&rs);

    fw_buf_release(&out);
    fw_buf_release(&body);
    fw_doc_free(doc);
}

static void test_personal(void **state)
{
    static const fw_export_format fs[] = {FW_EXPORT_CSV, FW_EXPORT_JSON, FW_EXPORT_NUFDC};
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        fw_export_layout *l;
        fw_buf cols;
        fw_buf_init(&cols, 4096);
        assert_int_equal(fw_export_layout_new(fs[i], false, &l), FW_OK);
        fw_export_personal_columns(l, &cols);
        /* NUFDC carries no personal field: none has an FBI element. */
        assert_int_equal(fw_export_personal(l), fs[i] != FW_EXPORT_NUFDC);
        assert_int_equal(cols.len > 0, fs[i] != FW_EXPORT_NUFDC);
        if (fs[i] != FW_EXPORT_NUFDC)
            assert_non_null(strstr(fw_buf_str(&cols), "subjects.name"));
        fw_export_layout_free(l);
        assert_int_equal(fw_export_layout_new(fs[i], true, &l), FW_OK);
        assert_false(fw_export_personal(l));
        fw_export_layout_free(l);
        fw_buf_release(&cols);
    }
}

/* Every field of obj with an FBI element (recursing into plain objects) is
** a column of header. */
static void expect_elements(const fw_object *obj, const char *header)
{
    size_t i;
    for (i = 0; i < obj->nfields; i++) {
        const fw_field *f = &obj->fields[i];
        if (f->type == FW_F_OBJECT)
            expect_elements(f->obj, header);
        else if (f->nufdc && f->type != FW_F_OBJECT_LIST && !strstr(header, f->nufdc))
            fail_msg("NUFDC column '%s' (%s.%s) missing from %s", f->nufdc, obj->name, f->name,
                     header);
    }
}

static void test_nufdc(void **state)
{
    fw_doc *doc = parse_doc(awkward);
    fw_export_record r;
    fw_buf body, out;
    char hex[65];
    rows rs;
    (void)state;

    record_of(doc, &body, &r, hex);
    fw_buf_init(&out, 1 << 20);

    render(FW_EXPORT_NUFDC, false, 0, &r, &out);
    assert_true(strncmp(fw_buf_str(&out), "# table incident\r\n", 18) == 0);
    read_csv(csv_part(&out), strlen(csv_part(&out)), &rs);
    assert_int_equal(rs.n, 2);
    assert_string_equal(rs.cells[0][0], "incident_id");
    assert_string_equal(cell(&rs, 1, "incident_id"), "awk-1");
    assert_string_equal(cell(&rs, 1, "sha256"), hex);
    assert_string_equal(cell(&rs, 1, "incident date/time"), "2025-03-04");
    assert_string_equal(cell(&rs, 1, "location type"), "street");
    assert_string_equal(cell(&rs, 1, "case number"), "=1+2");
    assert_null(cell(&rs, 1, "summary"));
    expect_elements(&fw_schema_incident, fw_buf_str(&out));
    rows_free(&rs);

    /* One subject row a subject, with the force used on each. */
    fw_buf_reset(&out);
    render(FW_EXPORT_NUFDC, false, 1, &r, &out);
    read_csv(csv_part(&out), strlen(csv_part(&out)), &rs);
    assert_int_equal(rs.n, 3);
    assert_string_equal(cell(&rs, 1, "subject_id"), "s-1");
    assert_string_equal(cell(&rs, 1, "subject sex"), "male");
    assert_string_equal(cell(&rs, 1, "subject age"), "34");
    assert_string_equal(cell(&rs, 1, "apparent impairments"), "alcohol,drugs");
    assert_string_equal(cell(&rs, 1, "type of force used"), "ecd;takedown");
    assert_string_equal(cell(&rs, 1, "subject resistance"), "active");
    assert_string_equal(cell(&rs, 2, "subject_id"), "s-2");
    assert_string_equal(cell(&rs, 2, "type of force used"), "ecd");
    assert_string_equal(cell(&rs, 2, "subject resistance"), "");
    assert_null(strstr(fw_buf_str(&out), "Private Person"));
    expect_elements(fw_object_field(&fw_schema_incident, "subjects")->obj, fw_buf_str(&out));
    rows_free(&rs);

    /* One officer row an officer; resistance is never an officer's column. */
    fw_buf_reset(&out);
    render(FW_EXPORT_NUFDC, false, 2, &r, &out);
    read_csv(csv_part(&out), strlen(csv_part(&out)), &rs);
    assert_int_equal(rs.n, 3);
    assert_string_equal(cell(&rs, 1, "officer_id"), "o-1");
    assert_string_equal(cell(&rs, 1, "officer years of service"), "3");
    assert_string_equal(cell(&rs, 1, "type of force used"), "ecd;takedown");
    assert_string_equal(cell(&rs, 2, "type of force used"), "ecd");
    assert_null(cell(&rs, 1, "subject resistance"));
    expect_elements(fw_object_field(&fw_schema_incident, "officers")->obj, fw_buf_str(&out));
    rows_free(&rs);

    fw_buf_release(&out);
    fw_buf_release(&body);
    fw_doc_free(doc);
}

static void test_json_row(void **state)
{
    fw_doc *doc = parse_doc(awkward);
    fw_export_record r;
    fw_buf body, out;
    char hex[65], want[256];
    const char *inc;
    json_t *j;
    (void)state;

    record_of(doc, &body, &r, hex);
    fw_buf_init(&out, 1 << 20);
    render(FW_EXPORT_JSON, false, 0, &r, &out);
    snprintf(want, sizeof want, "{\"id\":\"awk-1\",\"version\":3,\"log_seq\":41,\"sha256\":\"%s\","
                                "\"incident\":", hex);
    assert_true(strncmp(fw_buf_str(&out), want, strlen(want)) == 0);
    inc = fw_buf_str(&out) + strlen(want);
    /* The stored bytes exactly, so the line's incident hashes to its sha256. */
    assert_int_equal(out.len, strlen(want) + body.len + 2);
    assert_memory_equal(inc, body.data, body.len);
    assert_string_equal(inc + body.len, "}\n");

    fw_buf_reset(&out);
    render(FW_EXPORT_JSON, true, 0, &r, &out);
    j = json_loads(fw_buf_str(&out), 0, NULL);
    assert_non_null(j);
    assert_null(strstr(fw_buf_str(&out), "Private Person"));
    assert_null(strstr(fw_buf_str(&out), "1990-01-02"));
    assert_null(strstr(fw_buf_str(&out), "1 Main St"));
    assert_non_null(strstr(fw_buf_str(&out), "\"sex\":\"male\""));
    json_decref(j);
    fw_buf_release(&out);
    fw_buf_release(&body);
    fw_doc_free(doc);
}

static void test_stamp(void **state)
{
    fw_export_stamp st, back;
    fw_export_layout *l;
    fw_buf out;
    fw_error err;
    size_t i;
    static const char *const bad[] = {
        "",
        "[]",
        "{\"forcewatch_export\":2}",
        "{\"forcewatch_export\":1,\"format\":\"csv\",\"deidentified\":false,\"filter\":{},"
        "\"taken_at\":\"t\",\"size\":1,\"root\":\"short\",\"checkpoint\":\"x\"}",
        "{\"forcewatch_export\":1,\"format\":\"csv\",\"deidentified\":false,\"filter\":{\"x\":1},"
        "\"taken_at\":\"t\",\"size\":1,\"root\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
        "\"checkpoint\":\"x\"}",
        "{\"forcewatch_export\":1,\"forcewatch_export\":1}",
        "{\"forcewatch_export\":1,\"format\":\"csv\",\"deidentified\":false,\"filter\":{},"
        "\"taken_at\":\"t\",\"size\":-1,\"root\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
        "\"checkpoint\":\"x\"}",
        "{\"forcewatch_export\":1,\"format\":\"csv\",\"deidentified\":false,\"filter\":{},"
        "\"taken_at\":\"t\",\"size\":1,\"root\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
        "\"checkpoint\":\"x\",\"extra\":1}",
    };
    (void)state;

    memset(&st, 0, sizeof st);
    st.format = FW_EXPORT_NUFDC;
    st.deidentified = true;
    snprintf(st.agency, sizeof st.agency, "cbp-sd");
    snprintf(st.since, sizeof st.since, "2024-01-01");
    st.withdrawn = true;
    snprintf(st.taken_at, sizeof st.taken_at, "2026-12-01T00:00:00Z");
    st.size = 42;
    for (i = 0; i < 32; i++)
        st.root[i] = (uint8_t)(i * 7);
    st.note_len = (size_t)snprintf(st.note, sizeof st.note, "o\n42\nroot\n\n— o sig\n");
    fw_buf_init(&out, 1 << 16);
    assert_int_equal(fw_export_stamp_write(&st, &out), FW_OK);
    assert_true(strncmp(fw_buf_str(&out), "# {\"checkpoint\":", 16) == 0);
    assert_int_equal(out.data[out.len - 2], '\r');
    assert_int_equal(fw_export_stamp_parse(out.data, out.len, &back, &err), FW_OK);
    assert_int_equal(back.format, FW_EXPORT_NUFDC);
    assert_true(back.deidentified && back.withdrawn);
    assert_string_equal(back.agency, "cbp-sd");
    assert_string_equal(back.since, "2024-01-01");
    assert_string_equal(back.until, "");
    assert_int_equal(back.size, 42);
    assert_memory_equal(back.root, st.root, 32);
    assert_int_equal(back.note_len, st.note_len);
    assert_string_equal(back.note, st.note);
    /* Written again, the same bytes: verification compares them. */
    {
        fw_buf again;
        fw_buf_init(&again, 1 << 16);
        fw_export_stamp_write(&back, &again);
        assert_string_equal(fw_buf_str(&again), fw_buf_str(&out));
        fw_buf_release(&again);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.msg[0] = '\0';
        assert_int_equal(fw_export_stamp_parse(bad[i], strlen(bad[i]), &back, &err),
                         FW_ERR_INVALID);
        assert_true(strncmp(err.msg, "stamp: ", 7) == 0);
    }
    /* End lines. */
    assert_int_equal(fw_export_layout_new(FW_EXPORT_CSV, false, &l), FW_OK);
    fw_buf_reset(&out);
    fw_export_end(l, 7, &out);
    assert_string_equal(fw_buf_str(&out), "# end 7 incidents\r\n");
    fw_export_layout_free(l);
    assert_int_equal(fw_export_layout_new(FW_EXPORT_JSON, false, &l), FW_OK);
    fw_buf_reset(&out);
    fw_export_end(l, 7, &out);
    assert_string_equal(fw_buf_str(&out), "{\"forcewatch_export_end\":{\"incidents\":7}}\n");
    fw_export_layout_free(l);
    fw_buf_release(&out);
}

/* The stamp's size and root must be its signed checkpoint's (the one check both the
** command line's export verification and the API's log verification make). */
static void test_stamp_check(void **state)
{
    fw_export_stamp st;
    fw_buf text;
    fw_error err;
    size_t i;
    (void)state;

    memset(&st, 0, sizeof st);
    st.size = 42;
    for (i = 0; i < 32; i++)
        st.root[i] = (uint8_t)(i * 7);
    fw_buf_init(&text, 4096);
    assert_int_equal(fw_checkpoint_text("example.org/log", 42, st.root, &text), FW_OK);
    st.note_len = (size_t)snprintf(st.note, sizeof st.note, "%s\n\u2014 example.org/log sig\n",
                                   fw_buf_str(&text));
    assert_int_equal(fw_export_stamp_check(&st, &err), FW_OK);
    st.size = 41;
    assert_int_equal(fw_export_stamp_check(&st, &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "the stamp's size or root is not its checkpoint's");
    st.size = 42;
    st.root[0] ^= 1;
    assert_int_equal(fw_export_stamp_check(&st, &err), FW_ERR_INVALID);
    st.root[0] ^= 1;
    snprintf(st.note, sizeof st.note, "not a note");
    assert_int_equal(fw_export_stamp_check(&st, &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "the stamp's checkpoint is not a checkpoint note");
    fw_buf_release(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_csv_row),
        cmocka_unit_test(test_personal),
        cmocka_unit_test(test_nufdc),
        cmocka_unit_test(test_json_row),
        cmocka_unit_test(test_stamp),
        cmocka_unit_test(test_stamp_check),
    };
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
