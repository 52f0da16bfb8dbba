/*
** gen's writers (see gen.c): an incident as a JSON Lines document in the
** incident format, or as flat rows of incidents.csv and events.csv for the
** sqlite3 shell's .import (the `add` benchmark's reference).
*/
#include "gen.h"

/* ---- JSON Lines ---------------------------------------------------------- */

static void put_attr_value(out *o, const attr *a)
{
    switch (a->type) {
    case V_STR:
        put_jstr(o, a->s);
        break;
    case V_INT:
        put_int(o, a->i);
        break;
    case V_FIX1:
        put_fixed(o, a->i, 1);
        break;
    case V_BOOL:
        if (a->i)
            put_lit(o, "true");
        else
            put_lit(o, "false");
        break;
    }
}

static void put_key(out *o, const char *k)
{
    put_char(o, '"');
    put_str(o, k);
    put_lit(o, "\":");
}

void write_json(out *o, const incident *inc)
{
    int i, k, j;

    put_lit(o, "{\"id\":\"");
    put_str(o, inc->id);
    put_lit(o, "\",\"agency\":\"");
    put_str(o, inc->agency);
    put_lit(o, "\",\"occurred_at\":\"");
    put_str(o, inc->occurred_at);
    put_lit(o, "\",\"location\":{\"lat\":");
    put_fixed(o, inc->lat, 5);
    put_lit(o, ",\"lon\":");
    put_fixed(o, inc->lon, 5);
    put_lit(o, ",\"type\":\"");
    put_str(o, location_types[inc->loc_type]);
    put_lit(o, "\",\"state\":\"");
    put_str(o, inc->st->code);
    put_lit(o, "\"},\"contact_reason\":\"");
    put_str(o, contact_reasons[inc->contact_reason]);
    put_lit(o, "\",\"encounter\":\"");
    put_str(o, encounters[inc->encounter]);
    put_lit(o, "\",\"case_number\":\"");
    put_str(o, inc->case_number);

    put_lit(o, "\",\"officers\":[");
    for (i = 0; i < inc->nof; i++) {
        const officer *of = &inc->of[i];
        if (i)
            put_char(o, ',');
        put_lit(o, "{\"id\":\"");
        put_str(o, of->id);
        put_lit(o, "\",\"role\":\"");
        put_str(o, officer_roles[of->role]);
        put_lit(o, "\",\"sex\":\"");
        put_str(o, sexes[of->sex]);
        put_lit(o, "\",\"years_of_service\":");
        put_int(o, of->years);
        put_lit(o, ",\"on_duty\":");
        if (inc->encounter == EN_OFFDUTY)
            put_lit(o, "false}");
        else
            put_lit(o, "true}");
    }
    put_lit(o, "],\"subjects\":[");
    for (i = 0; i < inc->nsub; i++) {
        const subject *s = &inc->sub[i];
        if (i)
            put_char(o, ',');
        put_lit(o, "{\"id\":\"");
        put_str(o, s->id);
        put_lit(o, "\",\"sex\":\"");
        put_str(o, sexes[s->sex]);
        put_lit(o, "\",\"race\":\"");
        put_str(o, races[s->race]);
        if (s->eth >= 0) {
            put_lit(o, "\",\"ethnicity\":\"");
            put_str(o, ethnicities[s->eth]);
        }
        put_lit(o, "\",\"age\":");
        put_int(o, s->age);
        if (s->impairment >= 0) {
            put_lit(o, ",\"impairments\":[\"");
            put_str(o, impairments[s->impairment]);
            put_lit(o, "\"]");
        }
        put_lit(o, ",\"armed\":\"");
        put_str(o, weapons[s->armed]);
        put_lit(o, "\",\"injury\":\"");
        put_str(o, injuries[s->injury]);
        put_char(o, '"');
        if (s->in_vehicle)
            put_lit(o, ",\"in_vehicle\":\"v-1\"");
        put_char(o, '}');
    }
    put_char(o, ']');
    if (inc->has_vehicle) {
        put_lit(o, ",\"vehicles\":[{\"id\":\"v-1\",\"kind\":\"");
        put_str(o, vehicle_kinds[inc->vehicle_kind]);
        put_lit(o, "\",\"driver\":\"s-1\"}]");
    }
    put_lit(o, ",\"accounts\":[");
    for (i = 0; i < inc->nacc; i++) {
        const account *a = &inc->acc[i];
        if (i)
            put_char(o, ',');
        put_lit(o, "{\"id\":\"");
        put_str(o, a->id);
        put_lit(o, "\",\"kind\":\"");
        put_str(o, a->kind);
        put_lit(o, "\",\"source\":");
        put_jstr(o, a->source);
        if (a->author >= 0) {
            put_lit(o, ",\"author\":\"");
            put_str(o, inc->of[a->author].id);
            put_char(o, '"');
        }
        put_lit(o, ",\"filed_at\":\"");
        put_str(o, a->filed_at);
        put_lit(o, "\",\"events\":[");
        for (k = 0; k < a->nev; k++) {
            const event *e = &a->ev[k];
            if (k)
                put_char(o, ',');
            put_lit(o, "{\"t\":");
            put_fixed(o, e->t10, 1);
            put_lit(o, ",\"type\":\"");
            put_str(o, e->type);
            put_char(o, '"');
            for (j = 0; j < e->na; j++) {
                put_char(o, ',');
                put_key(o, e->a[j].name);
                put_attr_value(o, &e->a[j]);
            }
            put_char(o, '}');
        }
        put_lit(o, "]}");
    }
    put_lit(o, "]}\n");
}

/* ---- CSV ------------------------------------------------------------------ */

/* The attributes that get their own column in events.csv. */
static const char *const event_columns[] = {"actor", "kind", "target", "level"};

static void put_csv_attrs(out *o, const event *e)
{
    int j, c, first = 1;
    for (j = 0; j < e->na; j++) {
        const attr *a = &e->a[j];
        const char *s;
        for (c = 0; c < N(event_columns); c++)
            if (strcmp(a->name, event_columns[c]) == 0)
                break;
        if (c < N(event_columns))
            continue;
        /* A JSON object inside a quoted CSV field: quotes doubled. */
        if (first)
            put_lit(o, "\"{\"\"");
        else
            put_lit(o, ",\"\"");
        first = 0;
        put_str(o, a->name);
        put_lit(o, "\"\":");
        if (a->type == V_STR) {
            put_lit(o, "\"\"");
            for (s = a->s; *s; s++) {
                if (*s == '"')
                    put_lit(o, "\\\"\"");
                else if (*s == '\\')
                    put_lit(o, "\\\\");
                else
                    put_char(o, *s);
            }
            put_lit(o, "\"\"");
        } else {
            put_attr_value(o, a);
        }
    }
    if (!first)
        put_lit(o, "}\"");
}

void write_csv(out *inc_out, out *ev_out, const incident *inc)
{
    int i, k, j, c;

    put_str(inc_out, inc->id);
    put_char(inc_out, ',');
    put_str(inc_out, inc->agency);
    put_char(inc_out, ',');
    put_str(inc_out, inc->occurred_at);
    put_char(inc_out, ',');
    put_str(inc_out, encounters[inc->encounter]);
    put_char(inc_out, ',');
    put_str(inc_out, contact_reasons[inc->contact_reason]);
    put_char(inc_out, ',');
    put_fixed(inc_out, inc->lat, 5);
    put_char(inc_out, ',');
    put_fixed(inc_out, inc->lon, 5);
    put_char(inc_out, ',');
    put_str(inc_out, inc->st->code);
    put_char(inc_out, ',');
    put_int(inc_out, inc->nof);
    put_char(inc_out, ',');
    put_int(inc_out, inc->nsub);
    put_char(inc_out, '\n');

    for (i = 0; i < inc->nacc; i++) {
        const account *a = &inc->acc[i];
        for (k = 0; k < a->nev; k++) {
            const event *e = &a->ev[k];
            put_str(ev_out, inc->id);
            put_char(ev_out, ',');
            put_str(ev_out, a->id);
            put_char(ev_out, ',');
            put_int(ev_out, k);
            put_char(ev_out, ',');
            put_fixed(ev_out, e->t10, 1);
            put_char(ev_out, ',');
            put_str(ev_out, e->type);
            for (c = 0; c < N(event_columns); c++) {
                put_char(ev_out, ',');
                for (j = 0; j < e->na; j++)
                    if (strcmp(e->a[j].name, event_columns[c]) == 0) {
                        put_str(ev_out, e->a[j].s ? e->a[j].s : "");
                        break;
                    }
            }
            put_char(ev_out, ',');
            put_csv_attrs(ev_out, e);
            put_char(ev_out, '\n');
        }
    }
}
