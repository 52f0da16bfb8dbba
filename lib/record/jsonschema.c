/*
** JSON Schema generation from the schema tables (see jsonschema.h).
*/
#include "record/jsonschema.h"

#include <string.h>

#include "record/schema.h"

#include "base/banned.h"

static json_t *field_schema(const fw_field *f);

static json_t *enum_values(const fw_enum *e)
{
    json_t *arr = json_array();
    int i;
    for (i = 0; e->values[i]; i++)
        json_array_append_new(arr, json_string(e->values[i]));
    return arr;
}

static json_t *object_schema(const fw_object *o, const fw_field *extra, size_t nextra,
                             const char *type_const)
{
    json_t *s = json_object(), *props = json_object(), *req = json_array();
    size_t i;

    json_object_set_new(s, "type", json_string("object"));
    json_object_set_new(s, "description", json_string(o->doc));
    for (i = 0; i < o->nfields + nextra; i++) {
        const fw_field *f = i < o->nfields ? &o->fields[i] : &extra[i - o->nfields];
        json_t *fs = field_schema(f);
        if (type_const && strcmp(f->name, "type") == 0)
            json_object_set_new(fs, "const", json_string(type_const));
        json_object_set_new(props, f->name, fs);
        if (f->flags & FW_REQUIRED)
            json_array_append_new(req, json_string(f->name));
    }
    json_object_set_new(s, "properties", props);
    json_object_set_new(s, "required", req);
    json_object_set_new(s, "additionalProperties", json_false());
    return s;
}

static json_t *event_schema(void)
{
    json_t *any = json_array(), *known = json_array(), *unknown;
    size_t i;

    for (i = 0; i < fw_n_event_types; i++) {
        const fw_event_type *et = &fw_event_types[i];
        json_t *s = object_schema(&fw_schema_event_common, et->fields, et->nfields, et->name);
        json_object_set_new(s, "description", json_string(et->doc));
        json_array_append_new(any, s);
        json_array_append_new(known, json_string(et->name));
    }
    /* A type the format does not define is kept, not interpreted. */
    unknown = json_pack("{s:s, s:s, s:{s:{}, s:{s:{s:o}}}, s:[s, s]}", "type", "object",
                        "description", "an event of a type this format does not define",
                        "properties", "t", "type", "not", "enum", known, "required", "t",
                        "type");
    json_array_append_new(any, unknown);
    return json_pack("{s:o}", "oneOf", any);
}

static json_t *field_schema(const fw_field *f)
{
    json_t *s = json_object();

    json_object_set_new(s, "description", json_string(f->doc));
    switch (f->type) {
    case FW_F_STRING:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "maxLength", json_integer((json_int_t)f->max));
        if (f->flags & FW_REQUIRED)
            json_object_set_new(s, "minLength", json_integer(1));
        break;
    case FW_F_ID:
    case FW_F_REF:
        json_object_set_new(s, "$ref", json_string("#/$defs/id"));
        break;
    case FW_F_INT:
    case FW_F_NUMBER:
        json_object_set_new(s, "type", json_string(f->type == FW_F_INT ? "integer" : "number"));
        json_object_set_new(s, "minimum", json_real(f->min));
        json_object_set_new(s, "maximum", json_real(f->max));
        break;
    case FW_F_BOOL:
        json_object_set_new(s, "type", json_string("boolean"));
        break;
    case FW_F_ENUM:
        json_object_set_new(s, "$ref", json_sprintf("#/$defs/%s", f->en->name));
        break;
    case FW_F_ENUM_LIST:
    case FW_F_ID_LIST:
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "uniqueItems", json_true());
        json_object_set_new(s, "maxItems", json_integer((json_int_t)f->max));
        json_object_set_new(s, "items",
                            f->type == FW_F_ENUM_LIST
                                ? json_pack("{s:s++}", "$ref", "#/$defs/", f->en->name)
                                : json_pack("{s:s}", "$ref", "#/$defs/id"));
        break;
    case FW_F_DATETIME:
        json_object_set_new(s, "$ref", json_string("#/$defs/datetime"));
        break;
    case FW_F_EVENT_TIME:
        json_object_set_new(
            s, "oneOf",
            json_pack("[{s:s, s:i, s:f}, {s:s}]", "type", "number", "minimum", 0, "maximum",
                      f->max, "$ref", "#/$defs/datetime"));
        break;
    case FW_F_OBJECT:
        json_object_set_new(s, "$ref", json_sprintf("#/$defs/%s", f->obj->name));
        break;
    case FW_F_OBJECT_LIST:
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "maxItems", json_integer((json_int_t)f->max));
        if (f->flags & FW_NONEMPTY)
            json_object_set_new(s, "minItems", json_integer(1));
        json_object_set_new(s, "items", json_pack("{s:s++}", "$ref", "#/$defs/", f->obj->name));
        break;
    }
    if (f->flags & FW_PERSONAL)
        json_object_set_new(s, "x-personal-data", json_true());
    if (f->nufdc)
        json_object_set_new(s, "x-fbi-use-of-force-element", json_string(f->nufdc));
    return s;
}

/* Every object reachable from o, into defs by name. */
static void add_objects(json_t *defs, const fw_object *o)
{
    size_t i;
    if (json_object_get(defs, o->name))
        return;
    json_object_set_new(defs, o->name, object_schema(o, NULL, 0, NULL));
    for (i = 0; i < o->nfields; i++)
        if (o->fields[i].obj && o->fields[i].obj != &fw_schema_event_common)
            add_objects(defs, o->fields[i].obj);
}

json_t *fw_json_schema(void)
{
    json_t *root, *defs = json_object();
    size_t i;

    add_objects(defs, &fw_schema_incident);
    json_object_set_new(defs, "event", event_schema());
    add_objects(defs, &fw_schema_agency);
    add_objects(defs, &fw_schema_officer);
    for (i = 0; fw_enums[i]; i++) {
        json_t *e = json_pack("{s:s, s:o}", "description", fw_enums[i]->doc, "enum",
                              enum_values(fw_enums[i]));
        if (fw_enums[i]->ordinal)
            json_object_set_new(e, "x-ordinal", json_true());
        json_object_set_new(defs, fw_enums[i]->name, e);
    }
    json_object_set_new(defs, "id",
                        json_pack("{s:s, s:s}", "type", "string", "pattern",
                                  "^[A-Za-z0-9._:-]{1,64}$"));
    json_object_set_new(
        defs, "datetime",
        json_pack("{s:s, s:s, s:s}", "type", "string", "description",
                  "YYYY-MM-DD, or YYYY-MM-DDThh:mm[:ss[.fff]] with an optional Z or +hh:mm",
                  "pattern",
                  "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?"
                  "(Z|[+-][0-9]{2}:[0-9]{2})?)?$"));
    root = json_pack("{s:s, s:s, s:s, s:[{s:s}, {s:s}, {s:s}], s:o}", "$schema",
                     "https://json-schema.org/draft/2020-12/schema", "title",
                     "forcewatch incident, agency and officer documents", "description",
                     "Generated by 'forcewatch schema' from lib/record/schema.c. Cross-field rules "
                     "(references to parties, unique ids, time order) are checked by "
                     "forcewatch and described in docs/incident-format.md.",
                     "oneOf", "$ref", "#/$defs/incident", "$ref", "#/$defs/agency", "$ref",
                     "#/$defs/officer_record", "$defs",
                     defs);
    return root;
}
