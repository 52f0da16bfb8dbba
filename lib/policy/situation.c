/*
** The situation model (see situation.h and docs/policy-language.md, "Facts"):
** what one account says was true at the moment of one act, a force
** application or another act a rule is 'on' (a reach-in, a command...), with
** that act's actor as "the officer".
**
** fw_situation_build makes one pass over the account's events at or before
** the act's time, remembering for each kind of event the latest (or first)
** one that concerns the subject, the vehicle or the officer; the facts are
** then read off those events, and the act.* and force.* facts off the act's
** own event.  The order of events in the account decides
** "latest" and "before" among events of equal time, because that is the order
** the source gave them in.  Nothing here assumes more than fw_doc_parse
** guarantees: events of an unknown type are skipped, and every optional
** attribute may be missing.
**
** Values have lifetimes (docs/policy-language.md, "Persistence"): a threat
** ends at a later comply, restraint, disarming or move out of reach
** (fw_threat_end, lifetime.c) or after the threat window, and the ended facts
** say what ended them (FW_SRC_ENDED); a restraint ends at a release.  An
** `absence` event covering the force settles the conduct facts as false
** (fw_absence_find, lifetime.c).  Whether nothing came before an act
** (act.before_any_step, reached_into_vehicle_first) is known only from a
** complete account or from stated absences: silence leaves it unknown.
**
** Three kinds of "not true" are kept apart.  A fact nobody establishes is
** unknown (FW_V_UNKNOWN, FW_SRC_NONE).  A fact whose negative is established
** has a value: false or a level of none.  A fact established to have no value
** at all (the mode of a flight in a complete account that shows no flight,
** the driver of a vehicle that does not exist) is FW_V_UNKNOWN with a source
** other than FW_SRC_NONE, so that callers can tell it from a gap in the
** evidence.
*/
#include "policy/situation.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Indices into fw_fact_defs, in the order of the documentation's table. */
enum {
    F_ACT_TYPE,
    F_ACT_ACTOR,
    F_ACT_TARGET,
    F_ACT_TONE,
    F_ACT_OF,
    F_ACT_BEFORE_ANY_STEP,
    F_FORCE_KIND,
    F_FORCE_ACTOR,
    F_FORCE_TARGET,
    F_FORCE_TARGET_TYPE,
    F_FORCE_ROUNDS,
    F_FORCE_PURPOSE,
    F_FORCE_FROM_VEHICLE,
    F_THREAT_LEVEL,
    F_THREAT_IMMINENT,
    F_THREAT_MEANS,
    F_THREAT_TARGET,
    F_THREAT_OTHER_MEANS,
    F_SUBJECT_ARMED,
    F_SUBJECT_WEAPON,
    F_WEAPON_DISPLAYED,
    F_SUBJECT_RESISTING,
    F_RESISTANCE_LEVEL,
    F_SUBJECT_FLEEING,
    F_FLIGHT_MODE,
    F_FLIGHT_DANGEROUS,
    F_SUBJECT_RESTRAINED,
    F_SUBJECT_COMPLYING,
    F_SECONDS_SINCE_COMPLIANCE,
    F_SECONDS_SINCE_RESTRAINT,
    F_SECONDS_SINCE_THREAT,
    F_SUBJECT_IS_DRIVER,
    F_VEHICLE_PRESENT,
    F_VEHICLE_DRIVER,
    F_VEHICLE_MOVING,
    F_VEHICLE_SPEED,
    F_VEHICLE_TOWARD_OFFICER,
    F_OFFICER_IN_VEHICLE_PATH,
    F_WARNING_GIVEN,
    F_WARNING_DEADLY_GIVEN,
    F_IDENTIFIED,
    F_COMMAND_GIVEN,
    F_COMMAND_HOSTILE,
    F_DEESCALATION_ATTEMPTED,
    F_REACHED_INTO_VEHICLE,
    F_REACHED_INTO_VEHICLE_FIRST,
    F_BYSTANDERS_PRESENT,
    F_INTERVENED,
    F_OFFICERS_COUNT,
    F_COUNT
};

#define B(i, nm, d) [i] = {nm, FW_FACT_BOOL, NULL, d}
#define NUM(i, nm, d) [i] = {nm, FW_FACT_NUM, NULL, d}
#define EN(i, nm, e, d) [i] = {nm, FW_FACT_ENUM, e, d}
#define ID(i, nm, d) [i] = {nm, FW_FACT_ID, NULL, d}

const fw_fact_def fw_fact_defs[] = {
    EN(F_ACT_TYPE, "act.type", NULL,
       "the act's event type: force, reach_into_vehicle, command, ... (a rule's 'on')"),
    ID(F_ACT_ACTOR, "act.actor", "the officer who did the act (\"the officer\")"),
    ID(F_ACT_TARGET, "act.target",
       "whom or what the act was aimed at: its target, to, vehicle or person"),
    EN(F_ACT_TONE, "act.tone", "tone", "the act's tone of voice (commands)"),
    EN(F_ACT_OF, "act.of", NULL,
       "what the act is of: a warning's force announced (deadly, less_lethal), or the act a "
       "stated absence says did not happen"),
    B(F_ACT_BEFORE_ANY_STEP, "act.before_any_step",
      "no command, identification, warning or de-escalation came before the act (true "
      "only in a complete account or from stated absences of all four)"),
    EN(F_FORCE_KIND, "force.kind", "force_kind", "the force event's kind"),
    ID(F_FORCE_ACTOR, "force.actor", "the officer applying force"),
    ID(F_FORCE_TARGET, "force.target", "the force event's target"),
    EN(F_FORCE_TARGET_TYPE, "force.target_type", NULL,
       "what the target is: subject or vehicle"),
    NUM(F_FORCE_ROUNDS, "force.rounds", "rounds fired, cartridges or applications"),
    EN(F_FORCE_PURPOSE, "force.purpose", "force_purpose", "the force's stated purpose"),
    B(F_FORCE_FROM_VEHICLE, "force.from_vehicle", "fired or applied from a moving vehicle"),
    EN(F_THREAT_LEVEL, "threat.level", "threat_level",
       "level of the latest threat by the subject (by any subject if none); none once "
       "that threat ended (comply, restrain, disarmed, out of reach, threat window)"),
    B(F_THREAT_IMMINENT, "threat.imminent",
      "whether that threat was imminent; false once it ended"),
    EN(F_THREAT_MEANS, "threat.means", "threat_means",
       "the means of that threat; no value once it ended"),
    EN(F_THREAT_TARGET, "threat.target", "threat_target",
       "who or what that threat was against; no value once it ended"),
    B(F_THREAT_OTHER_MEANS, "threat.other_means",
      "the threat's means is known and is not the vehicle, or the subject is armed with a "
      "weapon other than a vehicle"),
    B(F_SUBJECT_ARMED, "subject.armed",
      "the subject's latest armed event names a weapon other than none"),
    EN(F_SUBJECT_WEAPON, "subject.weapon", "weapon", "the weapon of that armed event"),
    B(F_WEAPON_DISPLAYED, "weapon.displayed", "whether that weapon was displayed"),
    B(F_SUBJECT_RESISTING, "subject.resisting",
      "the subject's latest resistance is above none, with no comply or restrain after it"),
    EN(F_RESISTANCE_LEVEL, "resistance.level", "resistance_level",
       "that resistance level; none after a comply or restrain"),
    B(F_SUBJECT_FLEEING, "subject.fleeing",
      "the subject fled, with no comply or restrain after it"),
    EN(F_FLIGHT_MODE, "flight.mode", "flee_mode", "how the subject fled"),
    B(F_FLIGHT_DANGEROUS, "flight.dangerous",
      "whether the fleeing subject posed a significant threat if they escaped"),
    B(F_SUBJECT_RESTRAINED, "subject.restrained",
      "the subject has been restrained, with no release after it"),
    B(F_SUBJECT_COMPLYING, "subject.complying",
      "the latest of the subject's comply, resist and flee is a comply"),
    NUM(F_SECONDS_SINCE_COMPLIANCE, "seconds_since_compliance",
        "seconds since the subject's latest comply"),
    NUM(F_SECONDS_SINCE_RESTRAINT, "seconds_since_restraint",
        "seconds since the restraint subject.restrained reads; no value once released"),
    NUM(F_SECONDS_SINCE_THREAT, "seconds_since_threat",
        "seconds since the threat threat.level reads (ended or not); no value for a threat "
        "of level none"),
    B(F_SUBJECT_IS_DRIVER, "subject.is_driver",
      "the subject is a vehicle's driver (from the incident's parties)"),
    B(F_VEHICLE_PRESENT, "vehicle.present",
      "there is a vehicle the facts speak of (from the incident's parties)"),
    ID(F_VEHICLE_DRIVER, "vehicle.driver", "the vehicle's driver"),
    B(F_VEHICLE_MOVING, "vehicle.moving",
      "the vehicle's latest vehicle_motion, else its latest position with a speed, says it "
      "moves"),
    NUM(F_VEHICLE_SPEED, "vehicle.speed", "the vehicle's speed in m/s"),
    B(F_VEHICLE_TOWARD_OFFICER, "vehicle.toward_officer",
      "the vehicle moves toward the officer: stated by a vehicle_motion, else derived from "
      "positions"),
    B(F_OFFICER_IN_VEHICLE_PATH, "officer.in_vehicle_path",
      "the officer is inside the corridor the moving vehicle sweeps over the next seconds "
      "(from positions)"),
    B(F_WARNING_GIVEN, "warning.given", "an officer gave a warning"),
    B(F_WARNING_DEADLY_GIVEN, "warning.deadly_given", "an officer warned of deadly force"),
    B(F_IDENTIFIED, "identified", "an officer identified as law enforcement"),
    B(F_COMMAND_GIVEN, "command.given", "an officer gave a command"),
    B(F_COMMAND_HOSTILE, "command.hostile", "a command was given in a hostile tone"),
    B(F_DEESCALATION_ATTEMPTED, "deescalation.attempted", "an officer tried to de-escalate"),
    B(F_REACHED_INTO_VEHICLE, "reached_into_vehicle",
      "an officer reached into an occupied vehicle"),
    B(F_REACHED_INTO_VEHICLE_FIRST, "reached_into_vehicle_first",
      "a reach into a vehicle came before any command, identification, warning or "
      "de-escalation (true only in a complete account or from stated absences of all four)"),
    B(F_BYSTANDERS_PRESENT, "bystanders.present", "bystanders were present"),
    B(F_INTERVENED, "intervened", "another officer intervened against this officer's force"),
    NUM(F_OFFICERS_COUNT, "officers.count", "officers listed in the incident"),
};
const size_t fw_n_facts = N(fw_fact_defs);

_Static_assert(N(fw_fact_defs) == F_COUNT, "one fact definition per fact index");

int fw_fact_index(const char *name)
{
    size_t i;
    if (!name)
        return -1;
    for (i = 0; i < fw_n_facts; i++)
        if (strcmp(fw_fact_defs[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- reading events ---------------------------------------------------- */

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* The event types facts are read from; everything else is EV_OTHER. */
typedef enum ev_kind {
    EV_OTHER,
    EV_IDENTIFY,
    EV_COMMAND,
    EV_WARNING,
    EV_DEESCALATE,
    EV_RESIST,
    EV_THREAT,
    EV_ARMED,
    EV_FLEE,
    EV_COMPLY,
    EV_RESTRAIN,
    EV_VEHICLE_MOTION,
    EV_POSITION,
    EV_REACH,
    EV_FORCE,
    EV_INTERVENE,
    EV_BYSTANDERS,
    EV_RELEASE,
    EV_ABSENCE
} ev_kind;

static ev_kind event_kind(const fw_event *e)
{
    static const struct {
        const char *name;
        ev_kind kind;
    } kinds[] = {
        {"identify", EV_IDENTIFY},   {"command", EV_COMMAND},
        {"warning", EV_WARNING},     {"deescalate", EV_DEESCALATE},
        {"resist", EV_RESIST},       {"threat", EV_THREAT},
        {"armed", EV_ARMED},         {"flee", EV_FLEE},
        {"comply", EV_COMPLY},       {"restrain", EV_RESTRAIN},
        {"vehicle_motion", EV_VEHICLE_MOTION},
        {"position", EV_POSITION},   {"reach_into_vehicle", EV_REACH},
        {"force", EV_FORCE},         {"intervene", EV_INTERVENE},
        {"bystanders", EV_BYSTANDERS},
        {"release", EV_RELEASE},     {"absence", EV_ABSENCE},
    };
    size_t i;

    /* Unknown types are kept by the model but never interpreted. */
    if (!e->type || !e->type->name)
        return EV_OTHER;
    for (i = 0; i < N(kinds); i++)
        if (strcmp(kinds[i].name, e->type->name) == 0)
            return kinds[i].kind;
    return EV_OTHER;
}

static bool is_party(const fw_doc *doc, const char *id, unsigned kind)
{
    const fw_party *p = id ? fw_doc_party(doc, id) : NULL;
    return p && p->kind == kind;
}

/* A vehicle's driver, from the incident's parties; NULL if none is given. */
static const char *vehicle_driver(const fw_doc *doc, const char *vehicle)
{
    const fw_party *p = vehicle ? fw_doc_party(doc, vehicle) : NULL;
    const json_t *d;
    if (!p || p->kind != FW_REF_VEHICLE)
        return NULL;
    d = json_object_get(p->obj, "driver");
    return json_is_string(d) ? json_string_value(d) : NULL;
}

/* "The vehicle": the targeted one, else the one the subject drives or is
** in, else the incident's only vehicle. */
static const char *choose_vehicle(const fw_doc *doc, const char *target, const char *subject)
{
    const fw_party *p;
    const json_t *in;
    size_t i;

    if (is_party(doc, target, FW_REF_VEHICLE))
        return target;
    if (subject) {
        for (i = 0; i < doc->nparties; i++) {
            p = &doc->parties[i];
            if (p->kind == FW_REF_VEHICLE && same(vehicle_driver(doc, p->id), subject))
                return p->id;
        }
        p = fw_doc_party(doc, subject);
        in = p ? json_object_get(p->obj, "in_vehicle") : NULL;
        if (json_is_string(in) && is_party(doc, json_string_value(in), FW_REF_VEHICLE))
            return json_string_value(in);
    }
    if (doc->nvehicles == 1) {
        for (i = 0; i < doc->nparties; i++)
            if (doc->parties[i].kind == FW_REF_VEHICLE)
                return doc->parties[i].id;
    }
    return NULL;
}

/* ---- setting facts ----------------------------------------------------- */

typedef struct ctx {
    fw_situation *s;
    const fw_account *a;
    const char *officer;  /* the act's actor: the officer applying force, reaching in... */
    const char *target;   /* the act's target (fw_act_target), or NULL */
    const char *subject;  /* "the subject", or NULL */
    bool complete;        /* the account says it holds every event it observed */
    const fw_geometry *geo;   /* the situation settings */
} ctx;

static fw_fact *fact(ctx *c, int i)
{
    return &c->s->facts[i];
}

static void from_event(ctx *c, fw_fact *f, int ev)
{
    f->source = FW_SRC_EVENT;
    f->event_index = ev;
    f->t = c->a->events[ev].t;
}

static void ev_bool(ctx *c, int i, bool b, int ev)
{
    fw_fact *f = fact(c, i);
    f->v.type = FW_V_BOOL;
    f->v.b = b;
    from_event(c, f, ev);
}

static void ev_num(ctx *c, int i, double d, int ev)
{
    fw_fact *f = fact(c, i);
    f->v.type = FW_V_NUM;
    f->v.num = d;
    from_event(c, f, ev);
}

/* A string from event ev; a NULL string (the event does not say) leaves
** the fact unknown. */
static void ev_str(ctx *c, int i, const char *str, int ev)
{
    fw_fact *f = fact(c, i);
    if (!str)
        return;
    f->v.type = FW_V_STR;
    f->v.str = str;
    from_event(c, f, ev);
}

static void src_bool(ctx *c, int i, bool b, fw_source src)
{
    fw_fact *f = fact(c, i);
    f->v.type = FW_V_BOOL;
    f->v.b = b;
    f->source = src;
}

/* Fact i takes the value and provenance of fact j. */
static void copy_fact(ctx *c, int i, int j)
{
    fw_fact *f = fact(c, i);
    const fw_fact *g = fact(c, j);
    f->v = g->v;
    f->source = g->source;
    f->event_index = g->event_index;
    f->t = g->t;
}

/* No event establishes fact i.  In a complete account that absence is the
** answer: false for a boolean, `none` where the caller names one, else no
** value.  Otherwise the fact stays unknown. */
static void absent(ctx *c, int i, const char *none)
{
    fw_fact *f = fact(c, i);
    if (!c->complete)
        return;
    f->source = FW_SRC_COMPLETE;
    if (fw_fact_defs[i].type == FW_FACT_BOOL) {
        f->v.type = FW_V_BOOL;
        f->v.b = false;
    } else if (none) {
        f->v.type = FW_V_STR;
        f->v.str = none;
    }
}

static int later(int a, int b)
{
    return a > b ? a : b;
}

/* ---- the replay -------------------------------------------------------- */

/* What the replay remembers: event indices, -1 for none. */
typedef struct seen {
    int threat_subject, threat_any;
    int armed, resist, flee, comply, restrain, release;
    int motion;            /* latest vehicle_motion of the vehicle */
    int motion_officer;    /* ... relative to the officer, with a direction */
    int vpos, opos;        /* latest position of the vehicle, of the officer */
    int vpos_speed;        /* latest position of the vehicle with a speed */
    int warning, warning_deadly, identify, command, command_hostile, command_untoned;
    int deescalate, reach, first_reach, first_step, bystanders, intervene;
} seen;

static void seen_init(seen *w)
{
    w->threat_subject = w->threat_any = -1;
    w->armed = w->resist = w->flee = w->comply = w->restrain = w->release = -1;
    w->motion = w->motion_officer = -1;
    w->vpos = w->opos = w->vpos_speed = -1;
    w->warning = w->warning_deadly = w->identify = w->command = -1;
    w->command_hostile = w->command_untoned = -1;
    w->deescalate = w->reach = w->first_reach = w->first_step = -1;
    w->bystanders = w->intervene = -1;
}

/* A command, identification, warning or de-escalation: the steps that
** should come before reaching into a vehicle. */
static void step(seen *w, int idx)
{
    if (w->first_step < 0)
        w->first_step = idx;
}

static void replay(const ctx *c, seen *w)
{
    const fw_account *a = c->a;
    const char *vehicle = c->s->vehicle, *subject = c->subject, *officer = c->officer;
    size_t i;
    bool b;
    double d;

    seen_init(w);
    for (i = 0; i < a->nevents && i <= (size_t)INT_MAX; i++) {
        const fw_event *e = &a->events[i];
        const char *str;
        int idx = (int)i;

        /* Later events never count; events listed after the act at the
        ** same time do: the source saw them at that moment. */
        if (!(e->t <= c->s->t))
            continue;
        switch (event_kind(e)) {
        case EV_IDENTIFY:
            w->identify = idx;
            step(w, idx);
            break;
        case EV_COMMAND:
            w->command = idx;
            str = fw_event_str(e, "tone");
            if (same(str, "hostile"))
                w->command_hostile = idx;
            else if (!str)
                w->command_untoned = idx;
            step(w, idx);
            break;
        case EV_WARNING:
            w->warning = idx;
            if (same(fw_event_str(e, "of"), "deadly"))
                w->warning_deadly = idx;
            step(w, idx);
            break;
        case EV_DEESCALATE:
            w->deescalate = idx;
            step(w, idx);
            break;
        case EV_REACH:
            w->reach = idx;
            if (w->first_reach < 0)
                w->first_reach = idx;
            break;
        case EV_RESIST:
            if (same(e->actor, subject))
                w->resist = idx;
            break;
        case EV_THREAT:
            if (same(e->actor, subject))
                w->threat_subject = idx;
            if (is_party(c->s->doc, e->actor, FW_REF_SUBJECT))
                w->threat_any = idx;
            break;
        case EV_ARMED:
            if (same(e->actor, subject))
                w->armed = idx;
            break;
        case EV_FLEE:
            if (same(e->actor, subject))
                w->flee = idx;
            break;
        case EV_COMPLY:
            if (same(e->actor, subject))
                w->comply = idx;
            break;
        case EV_RESTRAIN:
            if (same(fw_event_str(e, "target"), subject))
                w->restrain = idx;
            break;
        case EV_RELEASE:
            if (same(fw_event_str(e, "target"), subject))
                w->release = idx;
            break;
        case EV_VEHICLE_MOTION:
            if (!same(fw_event_str(e, "vehicle"), vehicle))
                break;
            w->motion = idx;
            if (same(fw_event_str(e, "relative_to"), officer) && fw_event_str(e, "direction"))
                w->motion_officer = idx;
            break;
        case EV_POSITION:
            if (same(e->actor, vehicle)) {
                w->vpos = idx;
                if (fw_event_num(e, "speed_mps", &d))
                    w->vpos_speed = idx;
            } else if (same(e->actor, officer)) {
                w->opos = idx;
            }
            break;
        case EV_INTERVENE:
            /* By another officer, against this officer's force (or against
            ** force in general when the event names no one). */
            str = fw_event_str(e, "target");
            if (e->actor && !same(e->actor, officer) && (!str || same(str, officer)))
                w->intervene = idx;
            break;
        case EV_BYSTANDERS:
            /* Only an event that says something; one with neither field
            ** leaves the question where it was. */
            if (fw_event_bool(e, "present", &b) || fw_event_num(e, "count", &d))
                w->bystanders = idx;
            break;
        case EV_FORCE:
        case EV_ABSENCE:   /* read by fw_absence_find: it may come after the force */
        case EV_OTHER:
            break;
        }
    }
}

/* ---- the act itself ----------------------------------------------------- */

static bool is_step(const fw_event *e)
{
    ev_kind k = event_kind(e);
    return k == EV_IDENTIFY || k == EV_COMMAND || k == EV_WARNING || k == EV_DEESCALATE;
}

/* The steps (command, identify, warning, deescalate) are stated not to have
** happened, by any officer, up to the situation's moment (so also before any
** earlier act): the index of the latest of the four absences that say so
** (every one must), or -1 if one of them is missing.  Absences stated between
** an earlier act and this moment are not read (fw_lifetimes_read keeps those
** at or after it): the fact then stays unknown, never wrongly false. */
static int steps_absent(const ctx *c)
{
    static const char *const steps[] = {"command", "identify", "warning", "deescalate"};
    int latest = -1, no;
    size_t k;

    for (k = 0; k < N(steps); k++) {
        no = fw_absence_find(c->s, steps[k], NULL, NULL);
        if (no < 0)
            return -1;
        latest = later(latest, no);
    }
    return latest;
}

/* Facts of the act event (force or another act), whatever its type. */
static void act_facts(ctx *c)
{
    const fw_event *e = &c->a->events[c->s->event_index];
    int ai = (int)c->s->event_index, no;
    size_t j;

    ev_str(c, F_ACT_TYPE, e->type_name, ai);
    ev_str(c, F_ACT_ACTOR, e->actor, ai);
    ev_str(c, F_ACT_TARGET, c->target, ai);
    if (event_kind(e) == EV_COMMAND)
        ev_str(c, F_ACT_TONE, fw_event_str(e, "tone"), ai);
    ev_str(c, F_ACT_OF, fw_event_str(e, "of"), ai);
    /* Before: earlier in time, or at the same time and listed before it. */
    for (j = 0; j < c->a->nevents; j++) {
        const fw_event *x = &c->a->events[j];
        if (j == c->s->event_index || !is_step(x))
            continue;
        if (x->t < e->t || (x->t == e->t && j < c->s->event_index)) {
            ev_bool(c, F_ACT_BEFORE_ANY_STEP, false, (int)j);
            return;
        }
    }
    /* None told before it.  That is a finding only where the account says so:
    ** a complete account (its silence is the answer), or stated absences of all
    ** four steps covering the act.  Otherwise silence leaves it unknown. */
    if (c->complete)
        src_bool(c, F_ACT_BEFORE_ANY_STEP, true, FW_SRC_COMPLETE);
    else if ((no = steps_absent(c)) >= 0)
        ev_bool(c, F_ACT_BEFORE_ANY_STEP, true, no);
}

/* ---- the force event itself -------------------------------------------- */

static void force_facts(ctx *c)
{
    const fw_event *e = &c->a->events[c->s->event_index];
    int fi = (int)c->s->event_index;
    double d;
    bool b;

    /* Another act has no force facts: they stay unknown, from nowhere. */
    if (event_kind(e) != EV_FORCE)
        return;

    ev_str(c, F_FORCE_KIND, fw_event_str(e, "kind"), fi);
    ev_str(c, F_FORCE_ACTOR, e->actor, fi);
    ev_str(c, F_FORCE_TARGET, c->target, fi);
    if (is_party(c->s->doc, c->target, FW_REF_SUBJECT))
        ev_str(c, F_FORCE_TARGET_TYPE, "subject", fi);
    else if (is_party(c->s->doc, c->target, FW_REF_VEHICLE))
        ev_str(c, F_FORCE_TARGET_TYPE, "vehicle", fi);
    /* Attributes the force event leaves out stay unknown even in a complete
    ** account: completeness is about events, not about their details. */
    if (fw_event_num(e, "rounds", &d))
        ev_num(c, F_FORCE_ROUNDS, d, fi);
    ev_str(c, F_FORCE_PURPOSE, fw_event_str(e, "purpose"), fi);
    if (fw_event_bool(e, "from_vehicle", &b))
        ev_bool(c, F_FORCE_FROM_VEHICLE, b, fi);
}

/* ---- threat and weapon ------------------------------------------------- */

typedef enum tv { TV_UNKNOWN, TV_FALSE, TV_TRUE } tv;

/* Fact i no longer stands: ended by event ev (why says how). */
static void ended(ctx *c, int i, int ev, const char *why)
{
    fw_fact *f = fact(c, i);
    f->source = FW_SRC_ENDED;
    f->event_index = ev;
    f->t = c->a->events[ev].t;
    f->why = why;
}

static void threat_facts(ctx *c, const seen *w)
{
    int ti = w->threat_subject >= 0 ? w->threat_subject : w->threat_any;
    int end = -1;
    tv by_threat = TV_UNKNOWN, by_weapon = TV_UNKNOWN;
    const char *level, *means, *weapon, *why = NULL;
    bool b;

    if (ti >= 0) {
        const fw_event *e = &c->a->events[ti];
        level = fw_event_str(e, "level");
        means = fw_event_str(e, "means");
        if (!same(level, "none")) {
            ev_num(c, F_SECONDS_SINCE_THREAT, c->s->t - e->t, ti);
            end = fw_threat_end(c->s, (size_t)ti, c->geo, &why);
            if (end < 0 && c->s->t - e->t > c->geo->threat_window_s) {
                end = ti;   /* the window runs from the threat itself */
                why = "no renewal since";
            }
        } else {
            /* A threat of level none says there is none: no age to count. */
            ended(c, F_SECONDS_SINCE_THREAT, ti, "a threat of level none");
        }
    }
    if (end >= 0) {
        /* The threat no longer stands: no current threat, so none of its
        ** details, and no threat by any means. */
        fw_fact *f = fact(c, F_THREAT_LEVEL);
        f->v.type = FW_V_STR;
        f->v.str = "none";
        ended(c, F_THREAT_LEVEL, end, why);
        f = fact(c, F_THREAT_IMMINENT);
        f->v.type = FW_V_BOOL;
        f->v.b = false;
        ended(c, F_THREAT_IMMINENT, end, why);
        ended(c, F_THREAT_MEANS, end, why);
        ended(c, F_THREAT_TARGET, end, why);
        by_threat = TV_FALSE;
    } else if (ti >= 0) {
        const fw_event *e = &c->a->events[ti];
        level = fw_event_str(e, "level");
        means = fw_event_str(e, "means");
        ev_str(c, F_THREAT_LEVEL, level, ti);
        if (fw_event_bool(e, "imminent", &b))
            ev_bool(c, F_THREAT_IMMINENT, b, ti);
        else if (same(level, "none"))
            ev_bool(c, F_THREAT_IMMINENT, false, ti);   /* no threat is not imminent */
        ev_str(c, F_THREAT_MEANS, means, ti);
        ev_str(c, F_THREAT_TARGET, fw_event_str(e, "target"), ti);
        /* "unknown" is a value of threat_means but does not make the means
        ** known. */
        if (same(level, "none"))
            by_threat = TV_FALSE;   /* no threat is no threat by any means */
        else if (means && !same(means, "unknown"))
            by_threat = same(means, "vehicle") ? TV_FALSE : TV_TRUE;
    } else {
        absent(c, F_THREAT_LEVEL, "none");
        absent(c, F_THREAT_IMMINENT, NULL);
        absent(c, F_THREAT_MEANS, NULL);
        absent(c, F_THREAT_TARGET, NULL);
        absent(c, F_SECONDS_SINCE_THREAT, NULL);
        if (c->complete)
            by_threat = TV_FALSE;
    }

    if (w->armed >= 0) {
        const fw_event *e = &c->a->events[w->armed];
        weapon = fw_event_str(e, "weapon");
        if (weapon)
            ev_bool(c, F_SUBJECT_ARMED, !same(weapon, "none"), w->armed);
        ev_str(c, F_SUBJECT_WEAPON, weapon, w->armed);
        if (fw_event_bool(e, "displayed", &b))
            ev_bool(c, F_WEAPON_DISPLAYED, b, w->armed);
        else if (same(weapon, "none"))
            ev_bool(c, F_WEAPON_DISPLAYED, false, w->armed);   /* nothing to display */
        if (same(weapon, "none") || same(weapon, "vehicle"))
            by_weapon = TV_FALSE;
        else if (weapon && !same(weapon, "unknown"))
            by_weapon = TV_TRUE;
    } else if (c->subject) {
        absent(c, F_SUBJECT_ARMED, NULL);
        absent(c, F_SUBJECT_WEAPON, "none");
        absent(c, F_WEAPON_DISPLAYED, NULL);
        if (c->complete)
            by_weapon = TV_FALSE;
    }

    /* threat.other_means is by_threat or by_weapon (Kleene), credited to
    ** the event that decides it. */
    if (by_threat == TV_TRUE) {
        ev_bool(c, F_THREAT_OTHER_MEANS, true, ti);
    } else if (by_weapon == TV_TRUE) {
        ev_bool(c, F_THREAT_OTHER_MEANS, true, w->armed);
    } else if (by_threat == TV_FALSE && by_weapon == TV_FALSE) {
        if (end >= 0) {
            src_bool(c, F_THREAT_OTHER_MEANS, false, FW_SRC_ENDED);
            ended(c, F_THREAT_OTHER_MEANS, end, why);
        } else if (ti >= 0)
            ev_bool(c, F_THREAT_OTHER_MEANS, false, ti);
        else if (w->armed >= 0)
            ev_bool(c, F_THREAT_OTHER_MEANS, false, w->armed);
        else
            src_bool(c, F_THREAT_OTHER_MEANS, false, FW_SRC_COMPLETE);
    }
}

/* ---- the subject's conduct --------------------------------------------- */

static void subject_facts(ctx *c, const seen *w)
{
    const fw_doc *doc = c->s->doc;
    int stop = later(w->comply, w->restrain);   /* ends resistance and flight */
    int last;
    size_t i;
    bool driver = false;
    const char *level;

    /* Without a subject there is no one these facts speak of: unknown. */
    if (!c->subject)
        return;

    if (w->resist >= 0 && stop > w->resist) {
        ev_bool(c, F_SUBJECT_RESISTING, false, stop);
        ev_str(c, F_RESISTANCE_LEVEL, "none", stop);
    } else if (w->resist >= 0) {
        level = fw_event_str(&c->a->events[w->resist], "level");
        if (level)
            ev_bool(c, F_SUBJECT_RESISTING, !same(level, "none"), w->resist);
        ev_str(c, F_RESISTANCE_LEVEL, level, w->resist);
    } else if (stop >= 0) {
        ev_bool(c, F_SUBJECT_RESISTING, false, stop);
        ev_str(c, F_RESISTANCE_LEVEL, "none", stop);
    } else {
        absent(c, F_SUBJECT_RESISTING, NULL);
        absent(c, F_RESISTANCE_LEVEL, "none");
    }

    if (w->flee >= 0) {
        const fw_event *e = &c->a->events[w->flee];
        bool ended = stop > w->flee, b;
        ev_bool(c, F_SUBJECT_FLEEING, !ended, ended ? stop : w->flee);
        /* The flight's details stay those of the flight, ended or not. */
        ev_str(c, F_FLIGHT_MODE, fw_event_str(e, "mode"), w->flee);
        if (fw_event_bool(e, "dangerous", &b))
            ev_bool(c, F_FLIGHT_DANGEROUS, b, w->flee);
    } else {
        if (stop >= 0)
            ev_bool(c, F_SUBJECT_FLEEING, false, stop);
        else
            absent(c, F_SUBJECT_FLEEING, NULL);
        absent(c, F_FLIGHT_MODE, NULL);
        absent(c, F_FLIGHT_DANGEROUS, NULL);
    }

    /* Restrained from the latest restraint until a release after it. */
    if (w->release >= 0 && w->release > w->restrain) {
        ev_bool(c, F_SUBJECT_RESTRAINED, false, w->release);
        ended(c, F_SECONDS_SINCE_RESTRAINT, w->release, "release");   /* no value */
    } else if (w->restrain >= 0) {
        ev_bool(c, F_SUBJECT_RESTRAINED, true, w->restrain);
        ev_num(c, F_SECONDS_SINCE_RESTRAINT, c->s->t - c->a->events[w->restrain].t,
               w->restrain);
    } else {
        absent(c, F_SUBJECT_RESTRAINED, NULL);
        absent(c, F_SECONDS_SINCE_RESTRAINT, NULL);
    }

    last = later(w->comply, later(w->resist, w->flee));
    if (last >= 0)
        ev_bool(c, F_SUBJECT_COMPLYING, last == w->comply, last);
    else
        absent(c, F_SUBJECT_COMPLYING, NULL);

    if (w->comply >= 0)
        ev_num(c, F_SECONDS_SINCE_COMPLIANCE, c->s->t - c->a->events[w->comply].t, w->comply);
    else
        absent(c, F_SECONDS_SINCE_COMPLIANCE, NULL);

    for (i = 0; i < doc->nparties; i++)
        if (doc->parties[i].kind == FW_REF_VEHICLE &&
            same(vehicle_driver(doc, doc->parties[i].id), c->subject))
            driver = true;
    src_bool(c, F_SUBJECT_IS_DRIVER, driver, FW_SRC_INCIDENT);
}

/* ---- the vehicle ------------------------------------------------------- */

/* Geometry from the latest positions of the vehicle and of the officer.
** Returns false when they do not allow it: a position missing, or a moving
** vehicle without a heading. */
static bool derive(ctx *c, const seen *w, const fw_geometry *geo, bool *toward, bool *in_path)
{
    const fw_event *ve, *oe;
    double vx, vy, heading = 0, speed, ox, oy, closing;

    if (w->vpos < 0 || w->opos < 0)
        return false;
    ve = &c->a->events[w->vpos];
    oe = &c->a->events[w->opos];
    if (!fw_event_num(ve, "x", &vx) || !fw_event_num(ve, "y", &vy) || !fw_event_num(oe, "x", &ox) ||
        !fw_event_num(oe, "y", &oy) || !fw_event_num(ve, "speed_mps", &speed))
        return false;
    if (!fw_event_num(ve, "heading_deg", &heading) && speed > 0)
        return false;
    fw_vehicle_geometry(geo, vx, vy, heading, speed, ox, oy, &closing, in_path);
    *toward = closing > geo->min_closing_mps;
    return true;
}

static void set_derived(ctx *c, int i, bool b, const seen *w)
{
    fw_fact *f = fact(c, i);
    int ev = later(w->vpos, w->opos);
    f->v.type = FW_V_BOOL;
    f->v.b = b;
    f->source = FW_SRC_DERIVED;
    f->event_index = ev;   /* the later of the two positions it rests on */
    f->t = c->a->events[ev].t;
}

static void motion_facts(ctx *c, const seen *w)
{
    const fw_event *e = &c->a->events[w->motion];
    const char *dir = fw_event_str(e, "direction");
    double speed = 0;
    bool has_speed = fw_event_num(e, "speed_mps", &speed), moving;

    /* A vehicle_motion event says the vehicle moves unless its direction
    ** or its speed says it stands still. */
    if (has_speed && speed > 0)
        moving = true;
    else if (dir)
        moving = !same(dir, "stationary");
    else
        moving = !has_speed;
    ev_bool(c, F_VEHICLE_MOVING, moving, w->motion);

    if (has_speed)
        ev_num(c, F_VEHICLE_SPEED, speed, w->motion);
    else if (same(dir, "stationary"))
        ev_num(c, F_VEHICLE_SPEED, 0, w->motion);
    else if (w->vpos_speed >= 0 &&
             fw_event_num(&c->a->events[w->vpos_speed], "speed_mps", &speed))
        ev_num(c, F_VEHICLE_SPEED, speed, w->vpos_speed);
}

static void vehicle_facts(ctx *c, const seen *w, const fw_geometry *geo)
{
    const fw_doc *doc = c->s->doc;
    const char *driver;
    fw_fact *f;
    bool d_toward = false, d_path = false, derived, stated, standing;
    double speed;

    src_bool(c, F_VEHICLE_PRESENT, c->s->vehicle != NULL, FW_SRC_INCIDENT);
    if (!c->s->vehicle) {
        /* No vehicle: nothing moves toward anyone; driver and speed have no
        ** value, and the incident's parties say so. */
        fact(c, F_VEHICLE_DRIVER)->source = FW_SRC_INCIDENT;
        fact(c, F_VEHICLE_SPEED)->source = FW_SRC_INCIDENT;
        src_bool(c, F_VEHICLE_MOVING, false, FW_SRC_INCIDENT);
        src_bool(c, F_VEHICLE_TOWARD_OFFICER, false, FW_SRC_INCIDENT);
        src_bool(c, F_OFFICER_IN_VEHICLE_PATH, false, FW_SRC_INCIDENT);
        return;
    }

    driver = vehicle_driver(doc, c->s->vehicle);
    if (driver) {
        f = fact(c, F_VEHICLE_DRIVER);
        f->v.type = FW_V_STR;
        f->v.str = driver;
        f->source = FW_SRC_INCIDENT;
    }

    if (w->motion >= 0) {
        motion_facts(c, w);
    } else if (w->vpos_speed >= 0 &&
               fw_event_num(&c->a->events[w->vpos_speed], "speed_mps", &speed)) {
        ev_bool(c, F_VEHICLE_MOVING, speed > 0, w->vpos_speed);
        ev_num(c, F_VEHICLE_SPEED, speed, w->vpos_speed);
    } else if (c->complete) {
        /* No motion recorded by an account that records everything: the
        ** vehicle stood still. */
        src_bool(c, F_VEHICLE_MOVING, false, FW_SRC_COMPLETE);
        f = fact(c, F_VEHICLE_SPEED);
        f->v.type = FW_V_NUM;
        f->v.num = 0;
        f->source = FW_SRC_COMPLETE;
    }

    /* Where neither a statement nor positions say, a vehicle known to stand
    ** still moves toward no one and sweeps no path. */
    f = fact(c, F_VEHICLE_MOVING);
    standing = f->v.type == FW_V_BOOL && !f->v.b;
    derived = derive(c, w, geo, &d_toward, &d_path);
    stated = w->motion_officer >= 0;
    f = fact(c, F_VEHICLE_TOWARD_OFFICER);
    if (stated) {
        ev_bool(c, F_VEHICLE_TOWARD_OFFICER,
                same(fw_event_str(&c->a->events[w->motion_officer], "direction"), "toward"),
                w->motion_officer);
        if (derived) {
            f->has_alt = true;
            f->alt.type = FW_V_BOOL;
            f->alt.b = d_toward;
            f->alt_source = FW_SRC_DERIVED;
            f->conflict = f->v.b != d_toward;
        }
    } else if (derived) {
        set_derived(c, F_VEHICLE_TOWARD_OFFICER, d_toward, w);
    } else if (standing) {
        copy_fact(c, F_VEHICLE_TOWARD_OFFICER, F_VEHICLE_MOVING);
    }

    if (derived)
        set_derived(c, F_OFFICER_IN_VEHICLE_PATH, d_path, w);
    else if (standing)
        copy_fact(c, F_OFFICER_IN_VEHICLE_PATH, F_VEHICLE_MOVING);
}

/* ---- what the officers did, and the scene ------------------------------ */

/* An act told by the account (event ev) makes fact i true; else a stated
** absence of it covering this moment (event no) makes it false; else it is
** as absent() says.  A told act wins over a stated absence: the absence
** contradicts it, and the act is the specific statement. */
static void act_fact(ctx *c, int i, int ev, int no)
{
    if (ev >= 0)
        ev_bool(c, i, true, ev);
    else if (no >= 0)
        ev_bool(c, i, false, no);
    else
        absent(c, i, NULL);
}

static int stated_absence(const ctx *c, const char *act, const char *except)
{
    return fw_absence_find(c->s, act, NULL, except);
}

static void conduct_facts(ctx *c, const seen *w)
{
    const fw_event *e;
    bool present = false, b;
    double count;
    int no_warning = stated_absence(c, "warning", NULL);
    int no_command = stated_absence(c, "command", NULL);
    int no_reach = stated_absence(c, "reach_into_vehicle", NULL);

    act_fact(c, F_WARNING_GIVEN, w->warning, no_warning);
    /* No warning at all is no warning of deadly force; a warning of
    ** another kind leaves the question open. */
    act_fact(c, F_WARNING_DEADLY_GIVEN, w->warning_deadly, w->warning < 0 ? no_warning : -1);
    act_fact(c, F_IDENTIFIED, w->identify, stated_absence(c, "identify", NULL));
    act_fact(c, F_COMMAND_GIVEN, w->command, no_command);
    act_fact(c, F_DEESCALATION_ATTEMPTED, w->deescalate, stated_absence(c, "deescalate", NULL));
    act_fact(c, F_REACHED_INTO_VEHICLE, w->reach, no_reach);
    /* Intervention by another officer: the force's own officer is left out. */
    act_fact(c, F_INTERVENED, w->intervene, stated_absence(c, "intervene", c->officer));

    /* Hostile if any command was; a command whose tone is not given could
    ** have been, so only commands that all have a tone establish false. */
    if (w->command_hostile >= 0)
        ev_bool(c, F_COMMAND_HOSTILE, true, w->command_hostile);
    else if (w->command < 0 && no_command >= 0)
        ev_bool(c, F_COMMAND_HOSTILE, false, no_command);   /* no command, none hostile */
    else if (w->command < 0)
        absent(c, F_COMMAND_HOSTILE, NULL);
    else if (w->command_untoned < 0)
        ev_bool(c, F_COMMAND_HOSTILE, false, w->command);

    /* A reach with no step told before it (events are in time order, so
    ** indices order them) came first only where the account says no step came:
    ** complete, or absences of all four steps covering the reach.  Silence
    ** leaves it unknown. */
    if (w->first_reach >= 0 && (w->first_step < 0 || w->first_reach < w->first_step)) {
        int no_step = steps_absent(c);
        if (c->complete)
            ev_bool(c, F_REACHED_INTO_VEHICLE_FIRST, true, w->first_reach);
        else if (no_step >= 0)
            ev_bool(c, F_REACHED_INTO_VEHICLE_FIRST, true, no_step);
    } else if (w->first_step >= 0)
        ev_bool(c, F_REACHED_INTO_VEHICLE_FIRST, false, w->first_step);
    else if (w->first_reach < 0 && no_reach >= 0)
        ev_bool(c, F_REACHED_INTO_VEHICLE_FIRST, false, no_reach);   /* no reach at all */
    else
        absent(c, F_REACHED_INTO_VEHICLE_FIRST, NULL);

    if (w->bystanders >= 0) {
        e = &c->a->events[w->bystanders];
        if (fw_event_bool(e, "present", &b) && b)
            present = true;
        if (fw_event_num(e, "count", &count) && count > 0)
            present = true;
        ev_bool(c, F_BYSTANDERS_PRESENT, present, w->bystanders);
    } else {
        absent(c, F_BYSTANDERS_PRESENT, NULL);
    }
}

/* ---- entry points ------------------------------------------------------ */

const char *fw_act_target(const fw_event *e)
{
    static const char *const keys[] = {"target", "to", "vehicle", "person"};
    size_t i;
    if (!e)
        return NULL;
    for (i = 0; i < N(keys); i++)
        if (fw_event_str(e, keys[i]))
            return fw_event_str(e, keys[i]);
    return NULL;
}

const char *fw_situation_act_type(const fw_situation *s)
{
    const fw_event *e;
    /* A situation made by hand, not from an event (tests, tools), is force. */
    if (!s || !s->account || s->event_index >= s->account->nevents)
        return "force";
    e = &s->account->events[s->event_index];
    return e->type && e->type_name ? e->type_name : "force";
}

fw_situation *fw_situation_build(const fw_doc *doc, const fw_account *a, size_t event_index,
                                 const fw_geometry *geo)
{
    fw_geometry def;
    fw_situation *s = NULL;
    const fw_event *act;
    const fw_party *target;
    const json_t *complete;
    fw_fact *f;
    ctx c;
    seen w;
    size_t i;

    if (!doc || !a || event_index >= a->nevents || event_index > (size_t)INT_MAX)
        return NULL;
    act = &a->events[event_index];
    if (!act->type || !act->type_name)
        return NULL;
    if (!geo) {
        fw_geometry_default(&def);
        geo = &def;
    }

    s = calloc(1, sizeof *s + fw_n_facts * sizeof s->facts[0]);
    if (!s)
        return NULL;
    s->doc = doc;
    s->account = a;
    s->event_index = event_index;
    s->t = act->t;
    for (i = 0; i < fw_n_facts; i++) {
        f = &s->facts[i];
        f->v.type = FW_V_UNKNOWN;
        f->source = FW_SRC_NONE;
        f->event_index = -1;
        f->alt.type = FW_V_UNKNOWN;
        f->alt_source = FW_SRC_NONE;
    }
    if (!fw_lifetimes_read(doc, a, s->t, &s->lifetimes)) {
        free(s);
        return NULL;
    }

    memset(&c, 0, sizeof c);
    c.s = s;
    c.a = a;
    c.officer = act->actor;
    c.target = fw_act_target(act);
    complete = json_object_get(a->obj, "complete");
    c.complete = json_is_true(complete);
    c.geo = geo;

    /* The subject: the target if a subject, else the driver of the targeted
    ** vehicle when that driver is a subject (an officer at the wheel is not
    ** "the subject"). */
    target = c.target ? fw_doc_party(doc, c.target) : NULL;
    if (target && target->kind == FW_REF_SUBJECT)
        c.subject = target->id;
    else if (target && target->kind == FW_REF_VEHICLE &&
             is_party(doc, vehicle_driver(doc, target->id), FW_REF_SUBJECT))
        c.subject = vehicle_driver(doc, target->id);
    s->vehicle = choose_vehicle(doc, c.target, c.subject);

    replay(&c, &w);
    act_facts(&c);
    force_facts(&c);
    threat_facts(&c, &w);
    subject_facts(&c, &w);
    vehicle_facts(&c, &w, geo);
    conduct_facts(&c, &w);

    f = &s->facts[F_OFFICERS_COUNT];
    f->v.type = FW_V_NUM;
    f->v.num = (double)doc->nofficers;
    f->source = FW_SRC_INCIDENT;
    return s;
}

void fw_situation_free(fw_situation *s)
{
    fw_lifetimes_free(s ? s->lifetimes : NULL);
    free(s);
}

const fw_fact *fw_situation_fact(const fw_situation *s, const char *name)
{
    int i = fw_fact_index(name);
    if (!s || i < 0)
        return NULL;
    return &s->facts[i];
}
