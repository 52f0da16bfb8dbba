/*
** The JSON Schema (draft 2020-12) of the incident format, generated from the
** schema tables so that it can never drift from what validation enforces.
** References between parties, time order and the other cross-field rules are
** beyond JSON Schema; the schema says so in its descriptions.
*/
#ifndef FW_JSONSCHEMA_H
#define FW_JSONSCHEMA_H

#include <jansson.h>

/* A new JSON Schema document; NULL if out of memory.  Caller decrefs. */
json_t *fw_json_schema(void);

#endif
