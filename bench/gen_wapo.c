/*
** gen's Washington Post layout (see gen.c): rows of "Fatal Force" v2 for the
** import benchmark, with the Post's quirks.
*/
#include "gen.h"

/*
** One row of "Fatal Force" v2 as the Post writes it: every field quoted,
** ';' between the values of armed_with, race and agency_ids, empty fields
** where the Post has no value, names with commas and doubled quotes, non-ASCII
** place names, and ids that are not in date order (rows are by date).
*/
static const char *const wapo_threats[] = {"shoot", "point", "attack", "threat", "move",
                                           "flee", "accident", "undetermined", ""};
static const int wapo_threat_w[] = {30, 20, 15, 15, 6, 5, 1, 4, 4};
static const char *const wapo_flee[] = {"not", "car", "foot", "other", ""};
static const int wapo_flee_w[] = {55, 15, 14, 4, 12};
static const char *const wapo_armed[] = {"gun", "knife", "vehicle", "unarmed", "replica",
                                         "blunt_object", "undetermined", "other", "unknown", ""};
static const int wapo_armed_w[] = {55, 14, 6, 6, 3, 2, 4, 4, 3, 3};
static const char *const wapo_races[] = {"W", "B", "H", "A", "N", "O", ""};
static const int wapo_race_w[] = {40, 22, 15, 2, 1, 1, 19};
static const char *const wapo_cities[] = {"Phoenix", "Los Angeles", "Houston", "Las Vegas",
                                          "San Antonio", "Cañon City", "Española", "Chicago",
                                          "Coeur d’Alene", "Albuquerque", "Tulsa", "Columbus"};
static const char *const wapo_counties[] = {"Maricopa", "Los Angeles", "Harris", "Clark",
                                            "Bexar", "Fremont", "Doña Ana", "Cook", "Kootenai",
                                            "Bernalillo", "Tulsa", "Franklin"};
static const char *const first_names[] = {"James", "Michael", "Robert", "John", "David",
                                          "William", "Maria", "Jose", "Jennifer", "Ma’Khia",
                                          "Luis", "Andre", "Tyrone", "Kevin", "Anthony"};
static const char *const last_names[] = {"Smith", "Johnson", "Williams", "Brown", "Jones",
                                         "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
                                         "Hernandez", "Lopez", "O’Neal", "Wilson", "Anderson"};
static const char *const precisions[] = {"not_available", "address", "block", "intersection"};

static void put_q(out *o, const char *s)
{
    put_char(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            put_char(o, '"');
        put_char(o, *s);
    }
    put_char(o, '"');
}

static void put_qnum(out *o, int64_t v, int dec)
{
    put_char(o, '"');
    put_fixed(o, v, dec);
    put_char(o, '"');
}

/* Values with ';' between them: the first weighted, a second one now and then. */
static void put_multi(out *o, rng *r, const char *const *v, const int *w, int n, int pct_two)
{
    int a = rng_pick(r, w, n), b;
    put_char(o, '"');
    put_str(o, v[a]);
    if (*v[a] && rng_pct(r, pct_two) && (b = rng_pick(r, w, n)) != a && *v[b]) {
        put_char(o, ';');
        put_str(o, v[b]);
    }
    put_char(o, '"');
}

static void write_wapo_row(out *o, uint64_t seed, uint64_t i, uint64_t n)
{
    rng r;
    const struct state *st;
    char date[16], name[160], *p;
    int64_t day;
    int city, k;
    uint64_t id;

    rng_seed(&r, seed ^ 0x57415030u, i);
    /* Dates from 2015 on, in file order; ids mostly rise with them but not always. */
    day = 16437 + (int64_t)(i * 3650 / (n ? n : 1));
    fmt_datetime(date, day, 0, "");
    date[10] = '\0';
    id = i + 3 + (rng_pct(&r, 3) ? (uint64_t)rng_range(&r, 1, 40) * n : 0);
    st = &states[rng_below(&r, N(states))];
    city = rng_below(&r, N(wapo_cities));

    put_char(o, '"');
    put_uint(o, id);
    put_lit(o, "\",\"");
    put_str(o, date);
    put_lit(o, "\",");
    put_q(o, wapo_threats[PICK(&r, wapo_threat_w)]);
    put_char(o, ',');
    put_q(o, wapo_flee[PICK(&r, wapo_flee_w)]);
    put_char(o, ',');
    put_multi(o, &r, wapo_armed, wapo_armed_w, N(wapo_armed), 5);
    put_char(o, ',');
    put_q(o, wapo_cities[city]);
    put_char(o, ',');
    put_q(o, rng_pct(&r, 30) ? "" : wapo_counties[city]);
    put_char(o, ',');
    put_q(o, st->code);
    put_char(o, ',');
    if (rng_pct(&r, 8)) {
        put_lit(o, "\"\",\"\",");
    } else {
        put_qnum(o, st->lat + rng_range(&r, -150000, 150000), 5);
        put_char(o, ',');
        if (rng_pct(&r, 1)) /* the Post's junk longitude */
            put_lit(o, "\"-9007175462532118.0\"");
        else
            put_qnum(o, st->lon + rng_range(&r, -150000, 150000), 5);
        put_char(o, ',');
    }
    put_q(o, precisions[rng_below(&r, N(precisions))]);
    put_char(o, ',');
    p = name;
    if (rng_pct(&r, 4)) {
        name[0] = '\0';
    } else {
        p = fmt_cat(p, first_names[rng_below(&r, N(first_names))]);
        if (rng_pct(&r, 2))
            p = fmt_cat(p, " \"Junior\"");
        p = fmt_cat(p, " ");
        p = fmt_cat(p, last_names[rng_below(&r, N(last_names))]);
        if (rng_pct(&r, 2))
            p = fmt_cat(p, ", Jr.");
        *p = '\0';
    }
    put_q(o, name);
    put_char(o, ',');
    if (rng_pct(&r, 4))
        put_lit(o, "\"\"");
    else {
        put_char(o, '"');
        put_uint(o, (uint64_t)rng_range(&r, 13, 85));
        put_char(o, '"');
    }
    put_char(o, ',');
    put_q(o, rng_pct(&r, 95) ? "male" : rng_pct(&r, 95) ? "female" : rng_pct(&r, 50) ? "non-binary" : "");
    put_char(o, ',');
    put_multi(o, &r, wapo_races, wapo_race_w, N(wapo_races), 2);
    put_char(o, ',');
    put_q(o, rng_pct(&r, 50) ? "not_available" : "public_record");
    put_char(o, ',');
    put_q(o, rng_pct(&r, 20) ? "True" : "False");
    put_char(o, ',');
    put_q(o, rng_pct(&r, 15) ? "True" : "False");
    put_lit(o, ",\"");
    put_uint(o, (uint64_t)rng_range(&r, 1, 3500));
    for (k = 0; k < 3 && rng_pct(&r, 6); k++) {
        put_char(o, ';');
        put_uint(o, (uint64_t)rng_range(&r, 1, 3500));
    }
    put_lit(o, "\"\n");
}

void write_wapo(out *o, uint64_t seed, uint64_t n)
{
    uint64_t i;
    put_lit(o, "\"id\",\"date\",\"threat_type\",\"flee_status\",\"armed_with\",\"city\","
               "\"county\",\"state\",\"latitude\",\"longitude\",\"location_precision\",\"name\","
               "\"age\",\"gender\",\"race\",\"race_source\",\"was_mental_illness_related\","
               "\"body_camera\",\"agency_ids\"\n");
    for (i = 0; i < n && !o->err; i++)
        write_wapo_row(o, seed, i, n);
}
