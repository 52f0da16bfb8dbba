/*
** Import profiles (docs/import.md): declarative files that map a public
** dataset's CSV columns onto the incident model.  A profile names, for each
** target field, the column(s) it comes from and how: a prefix, a split on a
** separator, a date or time format, a value map, a hash of several columns
** for datasets without an id.  Each row becomes one incident told by one
** "dataset_record" account, whose provenance is the profile's `provenance`
** line ("public_record" when it has none: such an incident raises no duty
** item and opens no review case).  A `join agencies` section maps a second file,
** one agency a row, onto agency records.  Pure: no I/O; a parsed profile is
** read-only while mapping, so rows may be mapped on several threads at once.
*/
#ifndef FW_IMPORT_H
#define FW_IMPORT_H

#include <stdint.h>

#include <jansson.h>
#include <stdbool.h>

#include "data/csv.h"
#include "record/model.h"

typedef struct fw_profile fw_profile;

/* The files a profile reads: the dataset itself, and the joined agencies file. */
typedef enum fw_profile_part {
    FW_PROFILE_INCIDENTS,
    FW_PROFILE_AGENCIES
} fw_profile_part;

/* Parse a profile's text; every problem as FILE:LINE: message in diag.
** On success *out is a new profile the caller frees with fw_profile_free. */
fw_rc fw_profile_parse(const char *file, const char *text, size_t len, fw_profile **out,
                       fw_diag *diag);
void fw_profile_free(fw_profile *p);
const char *fw_profile_name(const fw_profile *p);
/* The prefix of the incident ids it makes ("wapo-"), for withdrawing records a newer file
** lacks. */
const char *fw_profile_id_prefix(const fw_profile *p);
/* Whether the profile has a `join agencies` section. */
bool fw_profile_joins_agencies(const fw_profile *p);

/* Check the header row of a part's file has every column the part reads; names the first
** missing. */
fw_rc fw_profile_bind(fw_profile *p, fw_profile_part part, const fw_csv_row *header, char *why,
                      size_t whylen);

/*
** Hashed ids (`id COLUMNS hash`) are keyed with a secret the database keeps
** (HMAC-SHA-256), so that nobody without it can hash candidate names into
** ids and re-identify de-identified records.  A profile that hashes ids maps
** no row (FW_ERR_USAGE) until it is given the key.
*/
#define FW_PROFILE_ID_KEY_BYTES 32
bool fw_profile_hashes_ids(const fw_profile *p);
void fw_profile_set_id_key(fw_profile *p, const uint8_t key[FW_PROFILE_ID_KEY_BYTES]);

/* The id a data row would get (prefix included) into out; false if the row yields
** none that fits in n bytes.  For rows fw_profile_map refuses: a rejected row is still
** listed by its file, so its incident must not be withdrawn. */
bool fw_profile_row_id(const fw_profile *p, fw_profile_part part, const fw_csv_row *row,
                       char *out, size_t n);

/*
** Map one data row of a part's file to an incident (or agency) document, a new
** reference in *doc.  FW_ERR_INVALID with the reason in why for a row that cannot be
** imported.
*/
fw_rc fw_profile_map(const fw_profile *p, fw_profile_part part, const fw_csv_row *row,
                     json_t **doc, char *why, size_t whylen);

/* "First Last" from "Last, First" (white space trimmed and collapsed) into out; a name
** without a comma is only tidied.  Exposed for the unit tests. */
void fw_name_last_first(const char *in, char *out, size_t outlen);

/* The UTC offset ("-07:00") of a local date and time in a named zone ("us-pacific", with
** United States daylight-saving rules from 1987; or a fixed "+hh:mm"); false if the zone
** is unknown or its rules do not cover the year.  Exposed for the unit tests. */
bool fw_zone_offset(const char *zone, int y, int mo, int d, int h, int mi, char out[8]);

#endif
