/*
** Import profiles (docs/import.md): declarative files that map a public
** dataset's CSV columns onto the incident model.  A profile names, for each
** target field, the column it comes from and how: a prefix, a split on a
** separator, a date format, a value map.  Each row becomes one incident told
** by one "dataset_record" account.  Pure: no I/O.
*/
#ifndef FW_IMPORT_H
#define FW_IMPORT_H

#include <jansson.h>

#include "csv.h"
#include "model.h"

typedef struct fw_profile fw_profile;

/* Parse a profile's text; every problem as FILE:LINE: message in diag. */
fw_rc fw_profile_parse(const char *file, const char *text, size_t len, fw_profile **out,
                       fw_diag *diag);
void fw_profile_free(fw_profile *p);
const char *fw_profile_name(const fw_profile *p);
/* The prefix of the ids it makes ("wapo-"), for withdrawing records a newer file lacks. */
const char *fw_profile_id_prefix(const fw_profile *p);

/* Check the header row has every column the profile reads; names the first missing. */
fw_rc fw_profile_bind(fw_profile *p, const fw_csv_row *header, char *why, size_t whylen);

/*
** Map one data row to an incident document (a new reference in *doc).
** FW_ERR_INVALID with the reason in why for a row that cannot be imported.
*/
fw_rc fw_profile_map(const fw_profile *p, const fw_csv_row *row, json_t **doc, char *why,
                     size_t whylen);

#endif
