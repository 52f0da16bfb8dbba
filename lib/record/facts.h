/*
** The statistics facts of an incident version: what one stored incident
** contributes to the public statistics (docs/statistics.md), derived from
** the document when it is stored and kept beside it, in the store's
** statistics index, as FW_STATS_FACTS_BYTES bytes.  Defined here, beside the
** record format they are read from, so that the store (which keeps them) and
** the statistics (which count them) both depend on this file and not on
** each other.  Pure: no I/O.
*/
#ifndef FW_FACTS_H
#define FW_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/model.h"
#include "record/schema.h"

/*
** What the statistics index keeps for one incident version.  Single-valued
** dimensions hold a code; multi-valued ones (an incident may have several
** force kinds, subjects of several races...) a bit set of codes, bit 0
** meaning "unknown".  Enumerated values are the schema enumeration's index
** + 1 (so the enumerations' order is part of the stored index: test_stats
** pins it).  state is the location's (0: the incident names none; the
** agency's state is used then, at query time).  agency, agency_type and
** finding come from other records and are resolved at query time.
*/
typedef struct fw_stats_facts {
    uint16_t year;
    uint8_t month;        /* 1..12, 0 unknown */
    uint8_t state;        /* us_state index + 1 */
    uint8_t injury;       /* injury_severity index + 1: the most severe to a subject */
    uint8_t threat;       /* threat_level index + 1: the most severe stated */
    uint8_t encounter;    /* encounter index + 1 */
    uint8_t ethnicity;    /* bits: ethnicity index + 1, one a subject */
    uint32_t force_kinds; /* bits: force_kind index + 1 */
    uint16_t sex, race, age_band, armed, flight;
} fw_stats_facts;

/* The findings a closed case may record, NULL-terminated: a case's finding is
** one of the statistics' dimensions, resolved at query time. */
extern const char *const fw_case_findings[];

/* The consequences a closed case records per officer: what for (the force,
** or a failure of a duty), and the action taken, NULL-terminated; "none" is
** a recorded decision to take no action. */
extern const char *const fw_case_consequence_kinds[];
extern const char *const fw_case_actions[];

/* Whether s is one of the NULL-terminated list (false for NULL). */
bool fw_vocab_has(const char *const *list, const char *s);

/* The size of the encoded facts: the one definition of it. */
#define FW_STATS_FACTS_BYTES 22

/* The facts of an incident document (doc->type must be FW_RECORD_INCIDENT). */
void fw_stats_facts_of(const fw_doc *doc, fw_stats_facts *f);
void fw_stats_facts_encode(const fw_stats_facts *f, uint8_t out[FW_STATS_FACTS_BYTES]);
/* False if len is not FW_STATS_FACTS_BYTES. */
bool fw_stats_facts_decode(const void *data, size_t len, fw_stats_facts *f);

/*
** The encoded facts of a stored incident body (canonical JSON, len bytes),
** for rebuilding the statistics index from stored records.  FW_ERR_INVALID
** if the body does not parse, FW_ERR_NOMEM if out of memory.
*/
fw_rc fw_stats_facts_of_body(const void *body, size_t len, uint8_t out[FW_STATS_FACTS_BYTES]);

/* Age bands (docs/statistics.md): code 1 = under 18 ... 7 = 65 and over;
** 0 for a negative (unknown) age. */
int fw_stats_age_band(int age);

/* The number of values of an enumeration (0 for NULL). */
size_t fw_stats_enum_count(const fw_enum *e);
/* The code of an enumeration value: index + 1, and 0 for absent, unknown
** to the enumeration, or "unknown" (so that "unknown" is one value whether
** the source said it or not). */
int fw_stats_enum_code(const fw_enum *e, const char *v);

#endif
