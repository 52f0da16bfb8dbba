/*
** gen: writes synthetic use-of-force incidents for the benchmarks.  Each
** incident is a complete document in the format of lib/record/schema.c (officers,
** subjects, sometimes a vehicle, one sourced account or, in a tenth of them,
** two accounts that disagree the way real ones do) and is a function of the
** seed and its index only, so the same seed gives the same bytes on every
** machine and `-n 10` is a prefix of `-n 1000`.  By default the incidents go
** to stdout as JSON Lines; with --csv DIR the same incidents go to
** DIR/incidents.csv and DIR/events.csv, flat rows for the sqlite3 shell's
** .import, which is the reference the `add` benchmark compares against.
**
** Standalone on purpose (libc only): the benchmark must not depend on the code
** it measures.  Output is formatted by hand into a large buffer, since the
** generator has to run far faster than anything it feeds.
*/
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- random numbers: splitmix64 seeds xoshiro256** ------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Each incident gets its own stream, a function of (seed, index). */
static void rng_seed(rng *r, uint64_t seed, uint64_t index)
{
    uint64_t x = seed * 0xD1B54A32D192ED03u ^ index;
    int i;
    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n) (multiply-shift; the bias is far below anything we count). */
static int rng_below(rng *r, int n)
{
    return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static int rng_range(rng *r, int lo, int hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

/* True with probability pct / 100. */
static int rng_pct(rng *r, int pct)
{
    return rng_below(r, 100) < pct;
}

/* An index drawn with the given integer weights. */
static int rng_pick(rng *r, const int *w, int n)
{
    int i, total = 0, x;
    for (i = 0; i < n; i++)
        total += w[i];
    x = rng_below(r, total);
    for (i = 0; i < n - 1; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

#define PICK(r, w) rng_pick(r, w, N(w))

/* ---- output: a large buffer, formatted by hand ----------------------- */

typedef struct out {
    FILE *f;
    char *buf;
    size_t len, cap;
    int err;
} out;

static int out_open(out *o, FILE *f, size_t cap)
{
    o->f = f;
    o->len = 0;
    o->cap = cap;
    o->err = 0;
    o->buf = malloc(cap);
    return o->buf ? 0 : -1;
}

static void out_flush(out *o)
{
    if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->err = errno ? errno : EIO;
    o->len = 0;
}

static void out_room(out *o, size_t n)
{
    if (o->cap - o->len < n)
        out_flush(o);
}

static void put_mem(out *o, const char *s, size_t n)
{
    out_room(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

#define put_lit(o, s) put_mem(o, s, sizeof(s) - 1)

static void put_str(out *o, const char *s)
{
    put_mem(o, s, strlen(s));
}

static void put_char(out *o, char c)
{
    out_room(o, 1);
    o->buf[o->len++] = c;
}

static void put_uint(out *o, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_mem(o, tmp + sizeof tmp - n, n);
}

static void put_int(out *o, int64_t v)
{
    if (v < 0) {
        put_char(o, '-');
        put_uint(o, (uint64_t)0 - (uint64_t)v);
    } else {
        put_uint(o, (uint64_t)v);
    }
}

/* v / 10^dec with exactly dec decimals, e.g. (-9312345, 5) -> -93.12345. */
static void put_fixed(out *o, int64_t v, int dec)
{
    uint64_t u, scale = 1;
    char frac[20];
    int i;

    if (v < 0) {
        put_char(o, '-');
        u = (uint64_t)0 - (uint64_t)v;
    } else {
        u = (uint64_t)v;
    }
    for (i = 0; i < dec; i++)
        scale *= 10;
    put_uint(o, u / scale);
    u %= scale;
    for (i = dec - 1; i >= 0; i--) {
        frac[i] = (char)('0' + u % 10);
        u /= 10;
    }
    put_char(o, '.');
    put_mem(o, frac, (size_t)dec);
}

/* A JSON string.  Everything the generator writes is plain ASCII, but escape
** anyway so that a change to the word lists cannot produce invalid JSON. */
static void put_jstr(out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put_char(o, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            put_char(o, '\\');
            put_char(o, (char)c);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put_mem(o, esc, sizeof esc);
        } else {
            put_char(o, (char)c);
        }
    }
    put_char(o, '"');
}

/* Zero-padded decimal into a char array (no terminator). */
static char *fmt_pad(char *p, unsigned v, int width)
{
    int i;
    for (i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

static char *fmt_cat(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* ---- the format's vocabulary (values from lib/record/schema.c) -------------- */

static const char *const officer_roles[] = {"applied_force", "present", "witness", "supervisor"};
static const char *const contact_reasons[] = {
    "unlawful_activity", "traffic_stop", "warrant_service", "welfare_check", "routine_patrol",
    "follow_up_investigation", "off_duty", "crowd_control", "unknown"};
enum { CR_UNLAWFUL, CR_TRAFFIC, CR_WARRANT, CR_WELFARE, CR_PATROL, CR_FOLLOWUP, CR_OFFDUTY,
       CR_CROWD, CR_UNKNOWN };
static const char *const encounters[] = {
    "vehicle_stop", "pedestrian_stop", "foot_pursuit", "vehicle_pursuit", "arrest",
    "home_entry", "crowd_control", "custody", "off_duty", "welfare_check", "other", "unknown"};
enum { EN_VSTOP, EN_PSTOP, EN_FOOT, EN_VPURSUIT, EN_ARREST, EN_HOME, EN_CROWD, EN_CUSTODY,
       EN_OFFDUTY, EN_WELFARE, EN_OTHER, EN_UNKNOWN };
static const int encounter_w[] = {22, 12, 10, 6, 20, 8, 3, 5, 1, 8, 4, 1};
static const char *const location_types[] = {
    "street", "highway", "residence", "commercial", "parking_lot", "park", "school",
    "government", "jail", "medical_facility", "open_area", "waterway", "other", "unknown"};
static const char *const sexes[] = {"male", "female", "other", "unknown"};
static const int subject_sex_w[] = {176, 22, 1, 1};
static const int officer_sex_w[] = {87, 13, 0, 0};
static const char *const races[] = {"white",    "black",            "asian", "american_indian",
                                    "pacific_islander", "other", "unknown"};
static const int race_w[] = {40, 30, 2, 2, 1, 5, 20};
static const char *const ethnicities[] = {"hispanic", "not_hispanic", "unknown"};
static const int ethnicity_w[] = {18, 60, 22};
static const char *const impairments[] = {"mental_health", "alcohol", "drugs"};
static const char *const injuries[] = {"none", "minor", "serious", "fatal"};
static const char *const tones[] = {"professional", "firm", "courteous", "hostile"};
static const int tone_w[] = {45, 40, 10, 5};
static const char *const warning_of[] = {"deadly", "less_lethal"};
static const char *const tactics[] = {"distance", "time", "cover", "communication", "backup",
                                      "negotiation"};
static const char *const resist_levels[] = {"none", "passive", "active", "assaultive",
                                            "deadly"};
static const char *const threat_levels[] = {"none", "minor", "serious_bodily_injury", "death"};
static const char *const threat_means[] = {"firearm", "knife", "vehicle", "blunt_object",
                                           "hands", "other_weapon", "unknown"};
static const char *const threat_targets[] = {"officer", "other", "self", "property"};
static const char *const weapons[] = {"firearm", "knife",  "vehicle", "replica",
                                      "blunt_object", "other", "none", "unknown"};
enum { W_FIREARM, W_KNIFE, W_VEHICLE, W_REPLICA, W_BLUNT, W_OTHER, W_NONE, W_UNKNOWN };
static const char *const flee_modes[] = {"foot", "vehicle", "other"};
static const char *const directions[] = {"toward", "away", "past", "stationary"};
enum { D_TOWARD, D_AWAY, D_PAST, D_STATIONARY };
static const char *const force_kinds[] = {
    "firearm_drawn", "firearm_aimed", "firearm_discharge", "warning_shot", "ecd", "oc_spray",
    "impact_weapon", "takedown", "hands_on", "chokehold", "carotid_restraint", "canine",
    "less_lethal_projectile", "chemical_munition", "vehicle_contact", "other"};
enum { F_DRAWN, F_AIMED, F_DISCHARGE, F_WARNING_SHOT, F_ECD, F_OC, F_IMPACT, F_TAKEDOWN,
       F_HANDS, F_CHOKE, F_CAROTID, F_CANINE, F_LLP, F_CHEM, F_VCONTACT, F_OTHER };
static const char *const force_purposes[] = {
    "stop_threat", "prevent_escape", "effect_arrest", "overcome_resistance", "disable_vehicle",
    "disperse_crowd", "warning", "other"};
enum { P_STOP_THREAT, P_PREVENT_ESCAPE, P_ARREST, P_RESISTANCE, P_DISABLE_VEHICLE, P_DISPERSE,
       P_WARNING, P_OTHER };
static const char *const aid_statuses[] = {"requested", "rendered", "refused"};
static const char *const aid_providers[] = {"officer", "ems", "bystander", "hospital", "other"};
static const char *const vehicle_kinds[] = {"car", "suv", "truck", "van", "motorcycle"};
static const int vehicle_kind_w[] = {55, 22, 12, 7, 4};
static const char *const restraints[] = {"handcuffs", "hobble", "held_down", "other"};
static const int restraint_w[] = {85, 5, 8, 2};
static const char *const command_texts[] = {
    "Show me your hands", "Get out of the car", "Drop the weapon", "Stop, police",
    "Get on the ground", "Turn the engine off", "Put your hands behind your back"};

/* States with a rough centre and standard UTC offset in hours. */
static const struct state {
    const char *code;
    int lat, lon;    /* 1e-5 degrees */
    int utc;         /* standard time */
    int dst;         /* observes daylight saving time */
} states[] = {
    {"CA", 3720000, -11950000, -8, 1}, {"TX", 3100000, -9900000, -6, 1},
    {"FL", 2860000, -8240000, -5, 1},  {"NY", 4290000, -7550000, -5, 1},
    {"IL", 4000000, -8920000, -6, 1},  {"PA", 4090000, -7780000, -5, 1},
    {"OH", 4030000, -8280000, -5, 1},  {"GA", 3270000, -8340000, -5, 1},
    {"NC", 3550000, -7940000, -5, 1},  {"MI", 4430000, -8540000, -5, 1},
    {"NJ", 4010000, -7470000, -5, 1},  {"VA", 3750000, -7880000, -5, 1},
    {"WA", 4740000, -12050000, -8, 1}, {"AZ", 3430000, -11170000, -7, 0},
    {"MA", 4230000, -7180000, -5, 1},  {"TN", 3580000, -8630000, -6, 1},
    {"IN", 3990000, -8630000, -5, 1},  {"MO", 3840000, -9250000, -6, 1},
    {"MD", 3900000, -7680000, -5, 1},  {"WI", 4460000, -8990000, -6, 1},
    {"CO", 3900000, -10550000, -7, 1}, {"MN", 4630000, -9430000, -6, 1},
    {"SC", 3390000, -8090000, -5, 1},  {"AL", 3280000, -8680000, -6, 1},
    {"LA", 3110000, -9200000, -6, 1},  {"KY", 3750000, -8530000, -5, 1},
    {"OR", 4390000, -12060000, -8, 1}, {"OK", 3560000, -9750000, -6, 1},
    {"NM", 3440000, -10610000, -7, 1}, {"NV", 3930000, -11660000, -8, 1},
    {"UT", 3930000, -11170000, -7, 1},
};

#define NAGENCIES 50
#define FEDERAL_FROM 44   /* agencies 044..049 work in every state */

/* ---- the incident being generated ------------------------------------ */

enum { MAX_OFFICERS = 4, MAX_SUBJECTS = 2, MAX_ACCOUNTS = 2, MAX_EVENTS = 40, MAX_ATTRS = 8 };

typedef enum vtype { V_STR, V_INT, V_FIX1, V_BOOL } vtype;

typedef struct attr {
    const char *name;
    const char *s;     /* V_STR */
    int64_t i;         /* V_INT, V_BOOL; tenths for V_FIX1 */
    vtype type;
} attr;

typedef struct event {
    const char *type;
    int32_t t10;       /* tenths of a second from the start */
    int na;
    attr a[MAX_ATTRS];
    char text[16];     /* storage for a generated attribute value */
} event;

typedef struct account {
    const char *id;
    const char *kind;
    char source[96];
    int author;        /* officer index, -1 for none */
    char filed_at[32];
    int nev;
    event ev[MAX_EVENTS];
} account;

typedef struct officer {
    char id[16];
    int role;
    int sex;
    int years;
} officer;

typedef struct subject {
    char id[8];
    int sex, race, eth, age, impairment, armed, injury;
    int in_vehicle;
} subject;

typedef struct incident {
    char id[32];
    char agency[16];
    char occurred_at[32];
    int day;            /* days since 1970-01-01, local */
    int minute;         /* minute of the local day */
    const struct state *st;
    char offset[8];     /* "-05:00" */
    int32_t lat, lon;   /* 1e-5 degrees */
    int loc_type, contact_reason, encounter;
    char case_number[24];
    int nof, nsub, has_vehicle, vehicle_kind;
    officer of[MAX_OFFICERS];
    subject sub[MAX_SUBJECTS];
    int nacc;
    account acc[MAX_ACCOUNTS];
} incident;

/* What happened, before any account tells it. */
typedef struct truth {
    int identify, tone, command_text, second_command;
    int bystanders, by_count;
    int reach, reacher;
    int veh_motion, veh_dir, veh_speed10;
    int weapon, displayed;
    int resist;
    int flee, flee_mode, flee_dangerous;
    int threat, imminent, means, threat_target;   /* threat < 0: none perceived */
    int warning;                                  /* < 0: none */
    int deesc, tactic;
    int nforce, fkind[3], factor[3], fvehicle[3], rounds[3], purpose[3], hit;
    int intervene;
    int comply, restrain, restrainer, method;
    int injury, officer_injury;
    int aid, aid_status, aid_provider;
    int sub2_event;
} truth;

/* How one account tells it: what it leaves out and what it sees differently. */
typedef struct view {
    int identify, bystanders, threat, warning, deesc, weapon;
    int threat_shift;     /* added to the threat level */
    int force_imminent;   /* states the threat as imminent */
    int direction;        /* < 0: as happened; else the direction this account saw */
    int hostile;          /* hears the commands as hostile */
    int rounds_delta;
    int positions;        /* gives positions instead of a stated direction */
    int evidence;         /* cites video frames */
} view;

/* ---- dates ------------------------------------------------------------ */

/* Howard Hinnant's civil-from-days: days since 1970-01-01 to y-m-d. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, yy;
    unsigned doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* "YYYY-MM-DDThh:mm:00" + offset for a local day and minute. */
static void fmt_datetime(char *dst, int64_t day, int minute, const char *offset)
{
    int y, m, d;
    char *p = dst;
    day += minute / 1440;
    minute %= 1440;
    civil_from_days(day, &y, &m, &d);
    p = fmt_pad(p, (unsigned)y, 4);
    *p++ = '-';
    p = fmt_pad(p, (unsigned)m, 2);
    *p++ = '-';
    p = fmt_pad(p, (unsigned)d, 2);
    *p++ = 'T';
    p = fmt_pad(p, (unsigned)(minute / 60), 2);
    *p++ = ':';
    p = fmt_pad(p, (unsigned)(minute % 60), 2);
    p = fmt_cat(p, ":00");
    p = fmt_cat(p, offset);
    *p = '\0';
}

#define DAY_2015_01_01 16436
#define DAY_2026_12_31 20818

/* ---- building events --------------------------------------------------- */

static event overflow_event;   /* sink for events past MAX_EVENTS (never reached) */

static event *ev_new(account *a, int32_t t10, const char *type)
{
    event *e = a->nev < MAX_EVENTS ? &a->ev[a->nev++] : &overflow_event;
    e->type = type;
    e->t10 = t10;
    e->na = 0;
    return e;
}

static attr *ev_attr(event *e, const char *name, vtype type)
{
    attr *a = &e->a[e->na < MAX_ATTRS ? e->na++ : MAX_ATTRS - 1];
    a->name = name;
    a->type = type;
    a->s = NULL;
    a->i = 0;
    return a;
}

static void ev_str(event *e, const char *name, const char *s)
{
    ev_attr(e, name, V_STR)->s = s;
}

static void ev_int(event *e, const char *name, int64_t v)
{
    ev_attr(e, name, V_INT)->i = v;
}

static void ev_fix1(event *e, const char *name, int64_t tenths)
{
    ev_attr(e, name, V_FIX1)->i = tenths;
}

static void ev_bool(event *e, const char *name, int b)
{
    ev_attr(e, name, V_BOOL)->i = b != 0;
}

/* A frame reference for video accounts: 30 frames a second. */
static void ev_frame(event *e)
{
    char *p = fmt_cat(e->text, "frame ");
    p = fmt_pad(p, (unsigned)(e->t10 * 3), 6);
    *p = '\0';
    ev_str(e, "evidence", e->text);
}

/* ---- generating one incident ------------------------------------------- */

/* Unit vectors for the eight compass points, x east and y north, x1000. */
static const int compass_x[8] = {0, 707, 1000, 707, 0, -707, -1000, -707};
static const int compass_y[8] = {1000, 707, 0, -707, -1000, -707, 0, 707};

static int pick_officer_with_role(rng *r, const incident *inc, int role)
{
    int idx[MAX_OFFICERS], n = 0, i;
    for (i = 0; i < inc->nof; i++)
        if (inc->of[i].role == role)
            idx[n++] = i;
    return n ? idx[rng_below(r, n)] : 0;
}

static int other_officer(rng *r, const incident *inc, int not)
{
    int k;
    if (inc->nof < 2)
        return not;
    k = rng_below(r, inc->nof - 1);
    return k >= not ? k + 1 : k;
}

static void gen_parties(rng *r, incident *inc, int agency_index)
{
    static const int role_w[] = {25, 55, 15, 5};
    static const int nof_w[] = {35, 40, 17, 8};
    int i, k, num[MAX_OFFICERS], dup;
    char *p;

    inc->nof = 1 + PICK(r, nof_w);
    for (i = 0; i < inc->nof; i++) {
        officer *o = &inc->of[i];
        do {   /* officers recur across an agency's incidents */
            num[i] = agency_index * 1000 + rng_below(r, 400);
            dup = 0;
            for (k = 0; k < i; k++)
                dup |= num[k] == num[i];
        } while (dup);
        p = fmt_cat(o->id, "o-");
        p = fmt_pad(p, (unsigned)num[i], 5);
        *p = '\0';
        o->role = i == 0 ? 0 : PICK(r, role_w);
        o->sex = PICK(r, officer_sex_w);
        o->years = rng_pct(r, 70) ? rng_range(r, 0, 12) : rng_range(r, 13, 30);
    }

    inc->nsub = rng_pct(r, 85) ? 1 : 2;
    for (i = 0; i < inc->nsub; i++) {
        subject *s = &inc->sub[i];
        s->id[0] = 's';
        s->id[1] = '-';
        s->id[2] = (char)('1' + i);
        s->id[3] = '\0';
        s->sex = PICK(r, subject_sex_w);
        s->race = PICK(r, race_w);
        s->eth = rng_pct(r, 70) ? PICK(r, ethnicity_w) : -1;
        s->age = rng_pct(r, 5) ? rng_range(r, 55, 85) : 14 + rng_range(r, 0, 22) + rng_range(r, 0, 22);
        s->impairment = rng_pct(r, 25) ? rng_below(r, N(impairments)) : -1;
        s->armed = W_NONE;
        s->injury = 0;
        s->in_vehicle = 0;
    }
}

static void gen_truth(rng *r, incident *inc, truth *tr)
{
    static const int tier_w[] = {35, 30, 10, 25};   /* physical, intermediate, display, deadly */
    static const int weapon_deadly_w[] = {45, 15, 12, 4, 6, 6, 10, 2};
    static const int weapon_other_w[] = {6, 8, 2, 2, 6, 4, 68, 4};
    int tier, i, veh = inc->has_vehicle;

    memset(tr, 0, sizeof *tr);
    tier = PICK(r, tier_w);
    tr->identify = rng_pct(r, 80);
    tr->tone = PICK(r, tone_w);
    tr->command_text = rng_pct(r, 30) ? rng_below(r, N(command_texts)) : -1;
    tr->second_command = inc->nof > 1 && rng_pct(r, 65);
    tr->bystanders = rng_pct(r, 40);
    tr->by_count = rng_pct(r, 80) ? rng_range(r, 1, 12) : rng_range(r, 13, 200);

    tr->weapon = tier == 3 ? PICK(r, weapon_deadly_w) : PICK(r, weapon_other_w);
    if (tr->weapon == W_VEHICLE && !veh)
        tr->weapon = W_NONE;
    tr->displayed = rng_pct(r, 60);
    inc->sub[0].armed = tr->weapon;
    if (inc->nsub > 1)
        inc->sub[1].armed = rng_pct(r, 10) ? W_KNIFE : W_NONE;

    tr->veh_motion = veh && rng_pct(r, 75);
    if (tr->weapon == W_VEHICLE)
        tr->veh_dir = rng_pct(r, 70) ? D_TOWARD : rng_below(r, 4);
    else
        tr->veh_dir = rng_pct(r, 20) ? D_TOWARD : 1 + rng_below(r, 3);
    tr->veh_speed10 = tr->veh_dir == D_STATIONARY ? 0 : rng_range(r, 5, 150);
    tr->reach = veh && rng_pct(r, 12);
    tr->reacher = inc->nof > 1 && rng_pct(r, 50) ? 1 : 0;

    tr->resist = tier == 0 ? rng_range(r, 1, 3) : rng_pct(r, 70) ? rng_range(r, 1, 4) : 0;
    tr->flee = rng_pct(r, inc->encounter == EN_FOOT || inc->encounter == EN_VPURSUIT ? 90 : 15);
    tr->flee_mode = veh && (inc->encounter == EN_VPURSUIT || rng_pct(r, 50)) ? 1 : 0;
    tr->flee_dangerous = rng_pct(r, tier == 3 ? 50 : 15);

    tr->threat = -1;
    switch (tr->weapon) {
    case W_FIREARM:
    case W_REPLICA:
        tr->threat = 3;
        tr->means = 0;
        break;
    case W_KNIFE:
        tr->threat = rng_pct(r, 60) ? 3 : 2;
        tr->means = 1;
        break;
    case W_VEHICLE:
        tr->threat = 3;
        tr->means = 2;
        break;
    case W_BLUNT:
        tr->threat = 2;
        tr->means = 3;
        break;
    case W_OTHER:
        tr->threat = rng_range(r, 1, 3);
        tr->means = 5;
        break;
    default:
        if (rng_pct(r, tier >= 2 ? 70 : 40)) {
            tr->threat = tier == 3 ? 3 : rng_range(r, 0, 2);
            tr->means = tier == 3 ? 6 : 4;
        }
    }
    tr->imminent = tr->threat >= 2 ? rng_pct(r, 80) : rng_pct(r, 20);
    tr->threat_target = rng_pct(r, 80) ? 0 : rng_pct(r, 80) ? 1 : 2;
    tr->warning = tier == 3 ? (rng_pct(r, 45) ? 0 : -1) : tier >= 1 && rng_pct(r, 40) ? 1 : -1;
    tr->deesc = rng_pct(r, 20);
    tr->tactic = rng_below(r, N(tactics));

    /* The force applied, escalating to the incident's tier. */
    switch (tier) {
    case 0:
        tr->fkind[tr->nforce++] = F_HANDS;
        if (rng_pct(r, 60))
            tr->fkind[tr->nforce++] = rng_pct(r, 95) ? F_TAKEDOWN : rng_pct(r, 50) ? F_CHOKE : F_CAROTID;
        break;
    case 1: {
        static const int inter_w[] = {45, 15, 12, 8, 12, 8};
        static const int inter_k[] = {F_ECD, F_OC, F_IMPACT, F_CANINE, F_LLP, F_CHEM};
        int k = inter_k[PICK(r, inter_w)];
        if (inc->encounter != EN_CROWD && k == F_CHEM)
            k = F_OC;
        if (rng_pct(r, 40))
            tr->fkind[tr->nforce++] = F_HANDS;
        tr->fkind[tr->nforce++] = k;
        if (rng_pct(r, 30))
            tr->fkind[tr->nforce++] = F_TAKEDOWN;
        break;
    }
    case 2:
        tr->fkind[tr->nforce++] = F_DRAWN;
        tr->fkind[tr->nforce++] = F_AIMED;
        break;
    default:
        if (rng_pct(r, 50))
            tr->fkind[tr->nforce++] = F_DRAWN;
        if (rng_pct(r, 40))
            tr->fkind[tr->nforce++] = F_AIMED;
        tr->fkind[tr->nforce++] = rng_pct(r, 96) ? F_DISCHARGE : veh && rng_pct(r, 50) ? F_VCONTACT : F_WARNING_SHOT;
    }
    for (i = 0; i < tr->nforce; i++) {
        int k = tr->fkind[i];
        tr->factor[i] = pick_officer_with_role(r, inc, 0);
        tr->fvehicle[i] = veh && (k == F_VCONTACT || (k == F_DISCHARGE && rng_pct(r, 15)));
        tr->rounds[i] = 0;
        if (k == F_DISCHARGE)
            tr->rounds[i] = rng_pct(r, 60) ? rng_range(r, 1, 4) : rng_range(r, 5, 16);
        else if (k == F_ECD || k == F_LLP || k == F_OC)
            tr->rounds[i] = rng_range(r, 1, 3);
        else if (k == F_WARNING_SHOT)
            tr->rounds[i] = 1;
        if (tr->fvehicle[i])
            tr->purpose[i] = P_DISABLE_VEHICLE;
        else if (k == F_WARNING_SHOT)
            tr->purpose[i] = P_WARNING;
        else if (k == F_CHEM)
            tr->purpose[i] = P_DISPERSE;
        else if (k == F_DISCHARGE || k == F_AIMED || k == F_DRAWN)
            tr->purpose[i] = tr->flee && rng_pct(r, 30) ? P_PREVENT_ESCAPE : P_STOP_THREAT;
        else
            tr->purpose[i] = tr->resist >= 2 ? P_RESISTANCE : P_ARREST;
    }
    tr->hit = rng_pct(r, 75);
    tr->intervene = inc->nof > 1 && rng_pct(r, 3);

    /* Outcome. */
    if (tier == 3 && tr->fkind[tr->nforce - 1] == F_DISCHARGE)
        tr->injury = !tr->hit ? 0 : rng_pct(r, 45) ? 3 : rng_pct(r, 85) ? 2 : 1;
    else if (tier == 1)
        tr->injury = rng_pct(r, 60) ? 1 : rng_pct(r, 75) ? 0 : 2;
    else if (tier == 0)
        tr->injury = rng_pct(r, 50) ? 1 : rng_pct(r, 90) ? 0 : 2;
    else
        tr->injury = rng_pct(r, 10) ? 1 : 0;
    inc->sub[0].injury = tr->injury;
    tr->officer_injury = tr->resist >= 3 && rng_pct(r, 25) ? 1 + rng_pct(r, 10) : 0;
    tr->comply = tr->injury < 3 && rng_pct(r, 30);
    tr->restrain = tr->injury < 3 && rng_pct(r, 85);
    tr->restrainer = other_officer(r, inc, 0);
    tr->method = PICK(r, restraint_w);
    tr->aid = tr->injury > 0 && rng_pct(r, 85);
    tr->aid_status = rng_pct(r, 55) ? 1 : rng_pct(r, 95) ? 0 : 2;
    tr->aid_provider = rng_pct(r, 55) ? 1 : rng_pct(r, 80) ? 0 : 3;
    tr->sub2_event = inc->nsub > 1 ? rng_range(r, 0, 2) : 0;
}

/* Write one account's timeline of the truth, as this view tells it. */
static void render_account(rng *r, incident *inc, const truth *tr, const view *vw, account *a)
{
    const char *o0 = inc->of[0].id, *s0 = inc->sub[0].id;
    int32_t t = 0;
    event *e;
    int i, threat;

#define STEP(lo, hi) (t += rng_range(r, lo, hi))
#define FRAME() do { if (vw->evidence) ev_frame(e); } while (0)

    a->nev = 0;
    if (vw->identify && tr->identify) {
        e = ev_new(a, t, "identify");
        ev_str(e, "actor", o0);
        ev_str(e, "to", s0);
        STEP(5, 40);
    }
    e = ev_new(a, t, "command");
    ev_str(e, "actor", o0);
    ev_str(e, "to", s0);
    ev_str(e, "tone", vw->hostile ? "hostile" : tones[tr->tone]);
    if (tr->command_text >= 0)
        ev_str(e, "text", command_texts[tr->command_text]);
    FRAME();
    STEP(10, 120);
    if (tr->second_command) {
        e = ev_new(a, t, "command");
        ev_str(e, "actor", inc->of[1].id);
        ev_str(e, "to", s0);
        ev_str(e, "tone", vw->hostile ? "hostile" : tones[tr->tone]);
        FRAME();
        STEP(5, 60);
    }
    if (vw->bystanders && tr->bystanders) {
        e = ev_new(a, t, "bystanders");
        ev_bool(e, "present", 1);
        ev_int(e, "count", tr->by_count);
        STEP(1, 30);
    }
    if (inc->has_vehicle && tr->reach) {
        e = ev_new(a, t, "reach_into_vehicle");
        ev_str(e, "actor", inc->of[tr->reacher].id);
        ev_str(e, "vehicle", "v-1");
        FRAME();
        STEP(3, 25);
    }
    if (tr->weapon != W_NONE && vw->weapon) {
        e = ev_new(a, t, "armed");
        ev_str(e, "actor", s0);
        ev_str(e, "weapon", weapons[tr->weapon]);
        ev_bool(e, "displayed", tr->displayed);
        FRAME();
        STEP(2, 40);
    }
    if (tr->resist > 0) {
        e = ev_new(a, t, "resist");
        ev_str(e, "actor", s0);
        ev_str(e, "level", resist_levels[tr->resist]);
        FRAME();
        STEP(5, 80);
    }
    if (tr->flee) {
        e = ev_new(a, t, "flee");
        ev_str(e, "actor", s0);
        ev_str(e, "mode", flee_modes[tr->flee_mode]);
        ev_bool(e, "dangerous", tr->flee_dangerous);
        FRAME();
        STEP(5, 100);
    }
    if (inc->has_vehicle && tr->veh_motion) {
        int dir = vw->direction >= 0 ? vw->direction : tr->veh_dir;
        if (vw->positions) {
            /* Officer somewhere around the car; the car heading toward, away
            ** from or past them. */
            int c = rng_below(r, 8), dist = rng_range(r, 15, 120), heading;
            int jitter = rng_range(r, -10, 10);
            heading = c * 45 + (dir == D_AWAY ? 180 : dir == D_PAST ? 90 : 0) + jitter;
            heading = (heading % 360 + 360) % 360;
            e = ev_new(a, t, "position");
            ev_str(e, "actor", o0);
            ev_fix1(e, "x", compass_x[c] * dist / 1000);
            ev_fix1(e, "y", compass_y[c] * dist / 1000);
            FRAME();
            e = ev_new(a, t, "position");
            ev_str(e, "actor", "v-1");
            ev_fix1(e, "x", 0);
            ev_fix1(e, "y", 0);
            ev_int(e, "heading_deg", heading);
            ev_fix1(e, "speed_mps", dir == D_STATIONARY ? 0 : tr->veh_speed10);
            FRAME();
        } else {
            e = ev_new(a, t, "vehicle_motion");
            ev_str(e, "vehicle", "v-1");
            ev_str(e, "relative_to", o0);
            ev_str(e, "direction", directions[dir]);
            ev_fix1(e, "speed_mps", dir == D_STATIONARY ? 0 : tr->veh_speed10);
        }
        STEP(1, 10);
    }
    if (vw->positions && !(inc->has_vehicle && tr->veh_motion)) {
        /* Where the officer and the subject stood, from the video. */
        int c = rng_below(r, 8), dist = rng_range(r, 10, 150);
        e = ev_new(a, t, "position");
        ev_str(e, "actor", o0);
        ev_fix1(e, "x", 0);
        ev_fix1(e, "y", 0);
        FRAME();
        e = ev_new(a, t, "position");
        ev_str(e, "actor", s0);
        ev_fix1(e, "x", compass_x[c] * dist / 1000);
        ev_fix1(e, "y", compass_y[c] * dist / 1000);
        FRAME();
        STEP(1, 10);
    }
    threat = tr->threat + vw->threat_shift;
    if (tr->threat >= 0 && vw->threat && threat >= 0) {
        if (threat > 3)
            threat = 3;
        e = ev_new(a, t, "threat");
        ev_str(e, "actor", s0);
        ev_str(e, "level", threat_levels[threat]);
        ev_bool(e, "imminent", vw->force_imminent || (tr->imminent && vw->threat_shift >= 0));
        ev_str(e, "means", threat_means[tr->means]);
        ev_str(e, "target", threat_targets[tr->threat_target]);
        if (tr->threat_target == 0)
            ev_str(e, "target_id", o0);
        STEP(1, 15);
    }
    if (tr->warning >= 0 && vw->warning) {
        e = ev_new(a, t, "warning");
        ev_str(e, "actor", o0);
        ev_str(e, "to", s0);
        ev_str(e, "of", warning_of[tr->warning]);
        FRAME();
        STEP(5, 40);
    }
    if (tr->deesc && vw->deesc) {
        e = ev_new(a, t, "deescalate");
        ev_str(e, "actor", inc->of[inc->nof > 1 ? 1 : 0].id);
        ev_str(e, "tactic", tactics[tr->tactic]);
        STEP(10, 150);
    }
    for (i = 0; i < tr->nforce; i++) {
        int k = tr->fkind[i], rounds = tr->rounds[i];
        e = ev_new(a, t, "force");
        ev_str(e, "actor", inc->of[tr->factor[i]].id);
        ev_str(e, "kind", force_kinds[k]);
        ev_str(e, "target", tr->fvehicle[i] ? "v-1" : s0);
        if (rounds) {
            if (k == F_DISCHARGE)
                rounds += vw->rounds_delta;
            ev_int(e, "rounds", rounds < 1 ? 1 : rounds);
        }
        ev_str(e, "purpose", force_purposes[tr->purpose[i]]);
        if (k == F_DISCHARGE || k == F_ECD || k == F_LLP)
            ev_bool(e, "hit", tr->hit);
        FRAME();
        STEP(2, 30);
    }
    if (tr->intervene) {
        e = ev_new(a, t, "intervene");
        ev_str(e, "actor", inc->of[other_officer(r, inc, tr->factor[0])].id);
        ev_str(e, "target", inc->of[tr->factor[0]].id);
        STEP(2, 30);
    }
    if (tr->comply) {
        e = ev_new(a, t, "comply");
        ev_str(e, "actor", s0);
        STEP(5, 60);
    }
    if (tr->sub2_event == 1) {
        e = ev_new(a, t, "comply");
        ev_str(e, "actor", inc->sub[1].id);
        STEP(5, 60);
    } else if (tr->sub2_event == 2) {
        e = ev_new(a, t, "resist");
        ev_str(e, "actor", inc->sub[1].id);
        ev_str(e, "level", "passive");
        STEP(5, 60);
    }
    if (tr->restrain) {
        e = ev_new(a, t, "restrain");
        ev_str(e, "actor", inc->of[tr->restrainer].id);
        ev_str(e, "target", s0);
        ev_str(e, "method", restraints[tr->method]);
        FRAME();
        STEP(20, 300);
    }
    if (tr->injury > 0) {
        e = ev_new(a, t, "injury");
        ev_str(e, "person", s0);
        ev_str(e, "severity", injuries[tr->injury]);
        ev_str(e, "cause", force_kinds[tr->fkind[tr->nforce - 1]]);
        STEP(10, 200);
    }
    if (tr->officer_injury > 0) {
        e = ev_new(a, t, "injury");
        ev_str(e, "person", o0);
        ev_str(e, "severity", injuries[tr->officer_injury]);
        STEP(10, 100);
    }
    if (tr->aid) {
        int status = tr->aid_status, provider = tr->aid_provider;
        e = ev_new(a, t, "medical_aid");
        ev_str(e, "person", s0);
        ev_str(e, "status", aid_statuses[status]);
        if (status != 0)
            ev_str(e, "provider", aid_providers[provider]);
        if (status == 0 || provider == 0)
            ev_str(e, "actor", inc->of[tr->restrainer].id);
    }
#undef STEP
#undef FRAME
}

static void set_filed_at(incident *inc, account *a, int min_minutes, int max_minutes, rng *r)
{
    int delay = rng_range(r, min_minutes, max_minutes);
    fmt_datetime(a->filed_at, inc->day, inc->minute + delay, inc->offset);
}

static void gen_accounts(rng *r, incident *inc, const truth *tr)
{
    static const int second_w[] = {40, 30, 30};   /* agency, civilian witness, video */
    account *a = &inc->acc[0];
    view vw;
    char *p;

    memset(&vw, 0, sizeof vw);
    vw.identify = vw.bystanders = vw.threat = vw.warning = vw.deesc = vw.weapon = 1;
    vw.direction = -1;
    inc->nacc = rng_pct(r, 10) ? 2 : 1;

    a->id = "report";
    a->kind = "officer_report";
    a->author = 0;
    p = fmt_cat(a->source, "use-of-force report ");
    p = fmt_cat(p, inc->case_number);
    *p = '\0';
    set_filed_at(inc, a, 60, 72 * 60, r);
    render_account(r, inc, tr, &vw, a);
    if (inc->nacc == 1)
        return;

    a = &inc->acc[1];
    a->author = -1;
    memset(&vw, 0, sizeof vw);
    vw.identify = vw.threat = vw.warning = vw.weapon = 1;
    vw.direction = -1;
    switch (PICK(r, second_w)) {
    case 0:   /* the agency's public statement: the threat at its gravest */
        a->id = "agency";
        a->kind = "agency_statement";
        set_filed_at(inc, a, 6 * 60, 48 * 60, r);
        p = fmt_cat(a->source, "agency press release ");
        memcpy(p, a->filed_at, 10);
        p[10] = '\0';
        vw.threat_shift = rng_pct(r, 50);
        vw.force_imminent = 1;
        break;
    case 1:   /* a bystander: heard no identification, saw no threat */
        a->id = "witness";
        a->kind = "civilian_witness";
        set_filed_at(inc, a, 24 * 60, 30 * 1440, r);
        p = fmt_cat(a->source, "witness interview, case ");
        p = fmt_cat(p, inc->case_number);
        *p = '\0';
        vw.identify = rng_pct(r, 50);
        vw.bystanders = 1;
        vw.hostile = rng_pct(r, 40);
        vw.threat_shift = -rng_range(r, 0, 2);
        vw.warning = rng_pct(r, 40);
        vw.weapon = tr->weapon == W_FIREARM || tr->weapon == W_KNIFE ? rng_pct(r, 70) : 0;
        if (tr->veh_dir == D_TOWARD && rng_pct(r, 60))
            vw.direction = rng_pct(r, 50) ? D_AWAY : D_PAST;
        vw.rounds_delta = rng_pct(r, 40) ? rng_range(r, 1, 3) : 0;
        break;
    default:  /* frame-by-frame video: positions, no perceived threat */
        a->id = "video";
        a->kind = "video_analysis";
        set_filed_at(inc, a, 2 * 1440, 60 * 1440, r);
        p = fmt_cat(a->source, rng_pct(r, 50) ? "frame-by-frame analysis of bystander video"
                                              : "review of body-worn camera footage");
        *p = '\0';
        vw.threat = 0;
        vw.bystanders = 1;
        vw.positions = 1;
        vw.evidence = 1;
        if (tr->veh_dir == D_TOWARD && rng_pct(r, 50))
            vw.direction = D_AWAY;
        break;
    }
    render_account(r, inc, tr, &vw, a);
}

static void gen_incident(uint64_t seed, uint64_t index, incident *inc)
{
    static const int hour_w[] = {5, 4, 3, 3, 2, 2, 2, 3, 4, 4, 5, 5,
                                 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7, 6};
    static const int veh_loc_w[] = {55, 20, 0, 0, 25};
    static const int home_loc_w[] = {0, 0, 85, 5, 5, 0, 0, 0, 0, 0, 0, 0, 5};
    static const int custody_loc_w[] = {0, 0, 0, 0, 0, 0, 0, 20, 70, 10};
    static const int other_loc_w[] = {40, 0, 20, 15, 10, 5, 1, 2, 0, 1, 4, 0, 1, 1};
    static const int reason_w[] = {50, 0, 15, 0, 15, 10, 0, 0, 10};
    rng r;
    truth tr;
    int agency, y, m, d, utc, i;
    char *p;

    rng_seed(&r, seed, index);

    p = fmt_cat(inc->id, "gen-");
    p = fmt_pad(p, (unsigned)(index % 1000000000u), 9);
    *p = '\0';
    if (index >= 1000000000u) {   /* wider ids past a billion */
        p = fmt_cat(inc->id, "gen-");
        p = fmt_pad(p, (unsigned)(index / 1000000000u), 9);
        p = fmt_pad(p, (unsigned)(index % 1000000000u), 9);
        *p = '\0';
    }

    /* Large agencies have most incidents. */
    agency = (int)((uint64_t)rng_below(&r, 1 << 15) * (uint64_t)rng_below(&r, 1 << 15) *
                   NAGENCIES >> 30);
    p = fmt_cat(inc->agency, "agency-");
    p = fmt_pad(p, (unsigned)agency, 3);
    *p = '\0';
    inc->st = agency >= FEDERAL_FROM ? &states[rng_below(&r, N(states))]
                                     : &states[agency * 7 % N(states)];

    inc->day = rng_range(&r, DAY_2015_01_01, DAY_2026_12_31);
    inc->minute = PICK(&r, hour_w) * 60 + rng_below(&r, 60);
    civil_from_days(inc->day, &y, &m, &d);
    utc = inc->st->utc + (inc->st->dst && m >= 4 && m <= 10);
    p = inc->offset;
    *p++ = utc < 0 ? '-' : '+';
    p = fmt_pad(p, (unsigned)(utc < 0 ? -utc : utc), 2);
    p = fmt_cat(p, ":00");
    *p = '\0';
    fmt_datetime(inc->occurred_at, inc->day, inc->minute, inc->offset);

    inc->lat = inc->st->lat + rng_range(&r, -100000, 100000);
    inc->lon = inc->st->lon + rng_range(&r, -150000, 150000);

    inc->encounter = PICK(&r, encounter_w);
    switch (inc->encounter) {
    case EN_VSTOP:
        inc->contact_reason = rng_pct(&r, 70) ? CR_TRAFFIC : rng_pct(&r, 65) ? CR_UNLAWFUL : CR_WARRANT;
        break;
    case EN_VPURSUIT:
        inc->contact_reason = rng_pct(&r, 40) ? CR_TRAFFIC : CR_UNLAWFUL;
        break;
    case EN_CROWD:
        inc->contact_reason = CR_CROWD;
        break;
    case EN_WELFARE:
        inc->contact_reason = CR_WELFARE;
        break;
    case EN_HOME:
        inc->contact_reason = rng_pct(&r, 70) ? CR_WARRANT : CR_UNLAWFUL;
        break;
    case EN_OFFDUTY:
        inc->contact_reason = CR_OFFDUTY;
        break;
    default:
        inc->contact_reason = PICK(&r, reason_w);
    }
    inc->has_vehicle = inc->encounter == EN_VSTOP || inc->encounter == EN_VPURSUIT ||
                       rng_pct(&r, 8);
    if (inc->encounter == EN_VSTOP || inc->encounter == EN_VPURSUIT)
        inc->loc_type = PICK(&r, veh_loc_w);
    else if (inc->encounter == EN_HOME || inc->encounter == EN_WELFARE)
        inc->loc_type = PICK(&r, home_loc_w);
    else if (inc->encounter == EN_CUSTODY)
        inc->loc_type = PICK(&r, custody_loc_w);
    else
        inc->loc_type = PICK(&r, other_loc_w);
    inc->vehicle_kind = PICK(&r, vehicle_kind_w);

    p = fmt_cat(inc->case_number, "UOF-");
    p = fmt_pad(p, (unsigned)y, 4);
    *p++ = '-';
    p = fmt_pad(p, (unsigned)rng_below(&r, 1000000), 6);
    *p = '\0';

    gen_parties(&r, inc, agency);
    if (inc->has_vehicle) {
        inc->sub[0].in_vehicle = 1;
        for (i = 1; i < inc->nsub; i++)
            inc->sub[i].in_vehicle = rng_pct(&r, 60);
    }
    gen_truth(&r, inc, &tr);
    gen_accounts(&r, inc, &tr);
}

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

static void write_json(out *o, const incident *inc)
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

static void write_csv(out *inc_out, out *ev_out, const incident *inc)
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

/* ---- main ------------------------------------------------------------------ */

/* ---- the Washington Post v2 layout (bench/import) --------------------- */

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

static void write_wapo(out *o, uint64_t seed, uint64_t n)
{
    uint64_t i;
    put_lit(o, "\"id\",\"date\",\"threat_type\",\"flee_status\",\"armed_with\",\"city\","
               "\"county\",\"state\",\"latitude\",\"longitude\",\"location_precision\",\"name\","
               "\"age\",\"gender\",\"race\",\"race_source\",\"was_mental_illness_related\","
               "\"body_camera\",\"agency_ids\"\n");
    for (i = 0; i < n && !o->err; i++)
        write_wapo_row(o, seed, i, n);
}

static void usage(FILE *f)
{
    fputs("usage: gen [-n N] [--seed S] [--csv DIR | --wapo-v2]\n"
          "Writes N synthetic incidents (default 1000, seed 1) as JSON Lines to stdout,\n"
          "or with --csv the same incidents as DIR/incidents.csv and DIR/events.csv,\n"
          "or with --wapo-v2 N rows of a CSV in the Washington Post's v2 layout to stdout.\n",
          f);
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

static FILE *open_csv(const char *dir, const char *name, const char *header)
{
    char path[4096];
    FILE *f;
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "gen: path too long: %s/%s\n", dir, name);
        return NULL;
    }
    f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    fputs(header, f);
    return f;
}

static int finish(out *o, const char *what)
{
    int rc = 0;
    out_flush(o);
    if (o->err) {
        fprintf(stderr, "gen: writing %s: %s\n", what, strerror(o->err));
        rc = 1;
    }
    if (fclose(o->f) != 0 && !rc) {
        fprintf(stderr, "gen: closing %s: %s\n", what, strerror(errno));
        rc = 1;
    }
    free(o->buf);
    return rc;
}

int main(int argc, char **argv)
{
    uint64_t n = 1000, seed = 1, i;
    const char *csv_dir = NULL;
    int wapo = 0;
    static incident inc;
    out o, ev;
    int a, rc;

    for (a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if ((strcmp(arg, "-n") == 0) && a + 1 < argc) {
            if (parse_u64(argv[++a], &n)) {
                fprintf(stderr, "gen: -n: not a count: %s\n", argv[a]);
                return 2;
            }
        } else if (strcmp(arg, "--seed") == 0 && a + 1 < argc) {
            if (parse_u64(argv[++a], &seed)) {
                fprintf(stderr, "gen: --seed: not a number: %s\n", argv[a]);
                return 2;
            }
        } else if (strcmp(arg, "--csv") == 0 && a + 1 < argc) {
            csv_dir = argv[++a];
        } else if (strcmp(arg, "--wapo-v2") == 0) {
            wapo = 1;
        } else {
            usage(stderr);
            return 2;
        }
    }

    if (wapo) {
        if (out_open(&o, stdout, 1 << 20)) {
            fputs("gen: out of memory\n", stderr);
            return 1;
        }
        write_wapo(&o, seed, n);
        return finish(&o, "stdout");
    }
    if (!csv_dir) {
        if (out_open(&o, stdout, 1 << 20)) {
            fputs("gen: out of memory\n", stderr);
            return 1;
        }
        for (i = 0; i < n && !o.err; i++) {
            gen_incident(seed, i, &inc);
            write_json(&o, &inc);
        }
        return finish(&o, "stdout");
    }

    if (mkdir(csv_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen: %s: %s\n", csv_dir, strerror(errno));
        return 1;
    }
    {
        FILE *fi = open_csv(csv_dir, "incidents.csv",
                            "id,agency,occurred_at,encounter,contact_reason,lat,lon,state,"
                            "n_officers,n_subjects\n");
        FILE *fe = fi ? open_csv(csv_dir, "events.csv",
                                 "incident,account,seq,t,type,actor,kind,target,level,attrs\n")
                      : NULL;
        if (!fe) {
            if (fi)
                fclose(fi);
            return 1;
        }
        if (out_open(&o, fi, 1 << 20) || out_open(&ev, fe, 1 << 22)) {
            fputs("gen: out of memory\n", stderr);
            return 1;
        }
    }
    for (i = 0; i < n && !o.err && !ev.err; i++) {
        gen_incident(seed, i, &inc);
        write_csv(&o, &ev, &inc);
    }
    rc = finish(&o, "incidents.csv");
    rc |= finish(&ev, "events.csv");
    return rc;
}
