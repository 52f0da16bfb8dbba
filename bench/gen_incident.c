/*
** gen's incidents (see gen.c): what happened (the truth: parties, the
** encounter, the force, the aftermath), then how each account tells it (what
** it leaves out, what it sees differently), as timelines of events with
** attributes.  Each incident is a function of (seed, index) only.
*/
#include "gen.h"

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
void fmt_datetime(char *dst, int64_t day, int minute, const char *offset)
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

void gen_incident(uint64_t seed, uint64_t index, incident *inc)
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
