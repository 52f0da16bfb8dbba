/*
** Open-data export (docs/export.md): the latest version of every incident
** matching a filter, as CSV (one row an incident), JSON Lines (the stored
** canonical documents) or the FBI National Use-of-Force Data Collection's
** layout (incident, subject and officer tables), each export stamped with
** the signed checkpoint current when it was taken.
**
** An export is one stream: a stamp line, the tables, an end line.  Every
** record row carries the incident's id, version, SHA-256 and log sequence
** number, so each row can be proven to be a logged version, and the stamp's
** checkpoint proven a prefix of any later log (fw_export_verify).
**
** The layouts are computed from the schema tables (schema.h): CSV columns
** from every field, NUFDC columns from the fields that carry an FBI
** data-collection element.  Rendering is pure; fw_export_run and
** fw_export_verify read the store inside one snapshot.
**
** Ownership: a layout is made by fw_export_layout_new and freed by
** fw_export_layout_free; rendering appends to the caller's buffer.
*/
#ifndef FW_EXPORT_H
#define FW_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "record/model.h"
#include "log/note.h"
#include "store/store.h"

typedef enum fw_export_format {
    FW_EXPORT_CSV,
    FW_EXPORT_JSON,
    FW_EXPORT_NUFDC
} fw_export_format;

/* "csv", "json", "nufdc"; parse returns -1 for an unknown name. */
const char *fw_export_format_name(fw_export_format f);
int fw_export_format_parse(const char *name);

/* ---- layouts and rows (pure) ------------------------------------------- */

typedef struct fw_export_layout fw_export_layout;

fw_rc fw_export_layout_new(fw_export_format f, bool deidentify, fw_export_layout **out);
void fw_export_layout_free(fw_export_layout *l);

/* Tables of the layout (1, or 3 for NUFDC) and their names. */
size_t fw_export_ntables(const fw_export_layout *l);
const char *fw_export_table_name(const fw_export_layout *l, size_t table);
/* Whether any column can carry personal data (FW_PERSONAL): such an export
** is for roles that may see it, and is logged as an access record. */
bool fw_export_personal(const fw_export_layout *l);
/* The personal columns, comma-separated, appended to out. */
fw_rc fw_export_personal_columns(const fw_export_layout *l, fw_buf *out);

/* One stored incident version to render. */
typedef struct fw_export_record {
    const char *id;
    const fw_doc *doc;         /* the version, parsed; may be NULL where
                                  fw_export_needs_doc says the layout does not read it */
    const char *body;          /* its stored canonical bytes */
    size_t body_len;
    int64_t version, log_seq;
    const char *sha256;        /* hex SHA-256 of body */
} fw_export_record;

/* Whether rows of this layout are rendered from the parsed document (all
** but full JSON, which writes the stored bytes as they are). */
bool fw_export_needs_doc(const fw_export_layout *l);

/* A table's opening (NUFDC's "# table NAME" line, the CSV header row). */
fw_rc fw_export_table_begin(const fw_export_layout *l, size_t table, fw_buf *out);
/* The rows of one incident in a table (one; for NUFDC subject and officer
** tables one a party, possibly none). */
fw_rc fw_export_table_row(const fw_export_layout *l, size_t table, const fw_export_record *r,
                          fw_buf *out);
/* The end line, which says how many incidents the export holds. */
fw_rc fw_export_end(const fw_export_layout *l, int64_t incidents, fw_buf *out);


/* ---- the stamp ---------------------------------------------------------- */

#define FW_EXPORT_NOTE_MAX 4096

typedef struct fw_export_stamp {
    fw_export_format format;
    bool deidentified;
    /* The filter ("" where not given). */
    char agency[65], since[11], until[11], encounter[33], force_kind[33];
    bool withdrawn;
    char taken_at[32];
    /* The checkpoint: its size and root as the stamp states them, and the
    ** signed note itself. */
    uint64_t size;
    uint8_t root[32];
    char note[FW_EXPORT_NOTE_MAX];
    size_t note_len;
} fw_export_stamp;

/* The stamp line: canonical JSON, after "# " for the CSV formats, with the
** format's line end. */
fw_rc fw_export_stamp_write(const fw_export_stamp *st, fw_buf *out);
/*
** Parse a stamp line (with or without the "# " and the line end), or a bare
** stamp object.  FW_ERR_INVALID with the member at fault otherwise.  Pure.
*/
fw_rc fw_export_stamp_parse(const char *line, size_t len, fw_export_stamp *st, fw_error *err);

/*
** Whether the stamp's size and root are those of its signed checkpoint note,
** not a claim beside it.  FW_ERR_INVALID with the reason ("the stamp's
** checkpoint is not a checkpoint note", "the stamp's size or root is not its
** checkpoint's") otherwise.  Pure: the signature and the log are checked by
** fw_export_verify and fw_verify_checkpoint_tree.
*/
fw_rc fw_export_stamp_check(const fw_export_stamp *st, fw_error *err);

/* ---- exporting and verifying (read the store) --------------------------- */

/* Read incident id's version from the store into body (reset first) and
** render its rows of table t, appended to out; info gets its metadata.
** FW_ERR_NOTFOUND if there is no such version. */
fw_rc fw_export_render_version(fw_store *s, const fw_export_layout *l, size_t t,
                               const char *id, int64_t version, fw_buf *body, fw_buf *out,
                               fw_record_info *info, fw_error *err);

/* Where rendered bytes go; a non-OK return stops the export with it. */
typedef fw_rc (*fw_export_sink)(void *arg, const char *data, size_t len);

typedef struct fw_export_opts {
    fw_export_format format;
    bool deidentify;
    fw_list_filter filter;     /* limit and cursor are ignored */
    const char *taken_at;      /* UTC time for the stamp; NULL: now */
} fw_export_opts;

/*
** Export inside one read snapshot: the stamp (the checkpoint current in the
** snapshot), then every table, then the end line, written to sink as each
** incident is read (memory does not grow with the export).  The number of
** incidents goes to *count.  FW_ERR_NOTFOUND if the log has no checkpoint.
*/
fw_rc fw_export_run(fw_store *s, const fw_export_opts *o, fw_export_sink sink, void *arg,
                    int64_t *count, fw_error *err);

/*
** Record that an export with personal data is being taken: an access
** record (action "export", the format, filter, personal columns, reader and
** reason) stored and logged in its own transaction.  Call it before
** fw_export_run, and export nothing if it fails.
*/
fw_rc fw_export_log_access(fw_store *s, const fw_export_opts *o, const char *actor,
                           const char *reason, fw_error *err);

/* The export to verify, read twice from the start. */
typedef struct fw_export_input {
    size_t (*read)(void *arg, char *buf, size_t n);  /* 0 at the end */
    bool (*rewind)(void *arg);
    void *arg;
} fw_export_input;

typedef struct fw_export_check {
    fw_export_stamp stamp;
    int64_t incidents;         /* record rows checked */
    int64_t current_size;      /* today's log size */
    char bad_id[80];           /* the first bad record, "" if none or not a record */
    int64_t bad_line;          /* its line, or -1 */
    char problem[768];         /* what is wrong, "" if nothing */
} fw_export_check;

/*
** Check an export against today's log: the stamp's checkpoint is signed by
** v (NULL: the store's verifier key) and is a prefix of today's signed tree;
** each record row names a version whose log leaf is in the tree at or
** before the stamp's size; and every byte after the stamp is what that
** version renders to.  FW_OK if all holds; FW_ERR_INVALID with c->problem
** (and c->bad_id, c->bad_line for a record) naming the first failure;
** another code if the store or the input could not be read.
*/
fw_rc fw_export_verify(fw_store *s, const fw_note_verifier *v, const fw_export_input *in,
                       fw_export_check *c, fw_error *err);

#endif
