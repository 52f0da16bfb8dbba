/*
** The incident format's tables (see schema.h).  Enumerations follow the FBI
** National Use-of-Force Data Collection where it has a code for the concept;
** event types are forcewatch's own (docs/incident-format.md).
*/
#include "record/schema.h"

#include <string.h>

#include "base/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define ENUM(id, nm, ord, d, ...)                                               \
    static const char *const id##_values[] = {__VA_ARGS__, NULL};               \
    static const fw_enum id = {nm, id##_values, ord, d}

/* ---- enumerations ---------------------------------------------------- */

ENUM(en_officer_role, "officer_role", false, "what the officer did in the incident",
     "applied_force", "present", "witness", "supervisor");
ENUM(en_account_kind, "account_kind", false, "who tells the account",
     "officer_report", "witness_officer_statement", "agency_statement", "civilian_witness",
     "subject_statement", "family_statement", "video_analysis", "medical_examiner",
     "court_finding", "dataset_record", "other");
ENUM(en_contact_reason, "contact_reason", false,
     "reason for initial contact (FBI use-of-force data collection)",
     "unlawful_activity", "traffic_stop", "warrant_service", "welfare_check", "routine_patrol",
     "follow_up_investigation", "off_duty", "crowd_control", "unknown");
ENUM(en_encounter, "encounter", false, "the kind of encounter in which force was used",
     "vehicle_stop", "pedestrian_stop", "foot_pursuit", "vehicle_pursuit", "arrest",
     "home_entry", "crowd_control", "custody", "off_duty", "welfare_check", "other",
     "unknown");
ENUM(en_location_type, "location_type", false, "location type (FBI data collection)",
     "street", "highway", "residence", "commercial", "parking_lot", "park", "school",
     "government", "jail", "medical_facility", "open_area", "waterway", "other", "unknown");
ENUM(en_agency_type, "agency_type", false, "kind of law-enforcement agency",
     "federal", "state_police", "local_police", "sheriff", "tribal", "university", "other",
     "unknown", "federal_department", "federal_component", "federal_field_office");
ENUM(en_state, "us_state", false, "two-letter US state, district or territory code (USPS)",
     "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
     "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
     "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
     "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP");
ENUM(en_sex, "sex", false, "sex as recorded", "male", "female", "other", "unknown");
ENUM(en_race, "race", false, "race (FBI data collection codes)",
     "white", "black", "asian", "american_indian", "pacific_islander", "other", "unknown");
ENUM(en_ethnicity, "ethnicity", false, "ethnicity (FBI data collection codes)",
     "hispanic", "not_hispanic", "unknown");
ENUM(en_impairment, "impairment", false, "apparent impairment (FBI data collection)",
     "mental_health", "alcohol", "drugs", "none", "unknown");
ENUM(en_injury, "injury_severity", true, "injury severity, least to most",
     "none", "minor", "serious", "fatal");
ENUM(en_tone, "tone", false, "tone of a verbal command",
     "professional", "firm", "courteous", "hostile");
ENUM(en_warning_of, "warning_of", false, "what force a warning announced",
     "deadly", "less_lethal");
ENUM(en_tactic, "tactic", false, "de-escalation tactic",
     "distance", "time", "cover", "communication", "backup", "negotiation");
ENUM(en_resist_level, "resistance_level", true, "subject resistance, least to most",
     "none", "passive", "active", "assaultive", "deadly");
ENUM(en_threat_level, "threat_level", true, "perceived threat, least to most",
     "none", "minor", "serious_bodily_injury", "death");
ENUM(en_means, "threat_means", false, "the means of a threat",
     "firearm", "knife", "vehicle", "blunt_object", "hands", "other_weapon", "unknown");
ENUM(en_threat_target, "threat_target", false, "who or what a threat was against",
     "officer", "other", "self", "property");
ENUM(en_weapon, "weapon", false, "a subject's weapon",
     "firearm", "knife", "vehicle", "replica", "blunt_object", "other", "none", "unknown");
ENUM(en_flee_mode, "flee_mode", false, "how a subject fled", "foot", "vehicle", "other");
ENUM(en_direction, "direction", false, "a vehicle's motion relative to a person",
     "toward", "away", "past", "stationary");
ENUM(en_force_kind, "force_kind", false, "a kind of force application",
     "firearm_drawn", "firearm_aimed", "firearm_discharge", "warning_shot", "ecd",
     "oc_spray", "impact_weapon", "takedown", "hands_on", "chokehold", "carotid_restraint",
     "canine", "less_lethal_projectile", "chemical_munition", "vehicle_contact", "other");
ENUM(en_force_purpose, "force_purpose", false, "the stated purpose of a force application",
     "stop_threat", "prevent_escape", "effect_arrest", "overcome_resistance",
     "disable_vehicle", "disperse_crowd", "warning", "other");
ENUM(en_aid_status, "aid_status", false, "medical aid requested or given",
     "requested", "rendered", "refused");
ENUM(en_aid_provider, "aid_provider", false, "who gave medical aid",
     "officer", "ems", "bystander", "hospital", "other");
ENUM(en_vehicle_kind, "vehicle_kind", false, "kind of vehicle",
     "car", "suv", "truck", "van", "motorcycle", "bicycle", "other", "unknown");
ENUM(en_restraint, "restraint", false, "how a subject was restrained",
     "handcuffs", "hobble", "held_down", "other");
ENUM(en_officer_status, "officer_status", false, "an officer's employment status",
     "active", "leave", "suspended", "separated", "retired", "deceased");
ENUM(en_act, "act", false, "an act an absence event says did not happen",
     "warning", "identify", "command", "deescalate", "intervene", "medical_aid",
     "reach_into_vehicle");
ENUM(en_provenance, "provenance", false, "what kind of source an incident record comes from",
     "workflow", "investigation", "public_record");

const fw_enum *const fw_enums[] = {
    &en_officer_role, &en_officer_status, &en_account_kind, &en_contact_reason, &en_encounter,
    &en_location_type, &en_agency_type, &en_state, &en_sex, &en_race, &en_ethnicity,
    &en_impairment, &en_injury, &en_tone, &en_warning_of, &en_tactic,
    &en_resist_level, &en_threat_level, &en_means, &en_threat_target, &en_weapon,
    &en_flee_mode, &en_direction, &en_force_kind, &en_force_purpose, &en_aid_status,
    &en_aid_provider, &en_vehicle_kind, &en_restraint, &en_provenance,
    &en_act,
    NULL,
};

/* ---- field shorthands ------------------------------------------------- */

#define F_ID(nm, fl, d) {nm, FW_F_ID, fl, NULL, 0, 1, 64, NULL, d, NULL}
#define F_STR(nm, fl, mx, d) {nm, FW_F_STRING, fl, NULL, 0, 0, mx, NULL, d, NULL}
#define F_INT(nm, fl, lo, hi, d) {nm, FW_F_INT, fl, NULL, 0, lo, hi, NULL, d, NULL}
#define F_NUM(nm, fl, lo, hi, d) {nm, FW_F_NUMBER, fl, NULL, 0, lo, hi, NULL, d, NULL}
#define F_BOOL(nm, fl, d) {nm, FW_F_BOOL, fl, NULL, 0, 0, 0, NULL, d, NULL}
#define F_ENUM(nm, fl, e, d) {nm, FW_F_ENUM, fl, &e, 0, 0, 0, NULL, d, NULL}
#define F_ENUMS(nm, fl, e, d) {nm, FW_F_ENUM_LIST, fl, &e, 0, 0, 32, NULL, d, NULL}
#define F_REF(nm, fl, r, d) {nm, FW_F_REF, fl, NULL, r, 1, 64, NULL, d, NULL}
#define F_TIME(nm, fl, d) {nm, FW_F_DATETIME, fl, NULL, 0, 0, 0, NULL, d, NULL}

/* ---- parties ---------------------------------------------------------- */

static const fw_field officer_fields[] = {
    F_ID("id", FW_REQUIRED, "officer identifier, unique among the incident's parties"),
    F_ENUM("role", FW_REQUIRED, en_officer_role, "what the officer did"),
    F_STR("name", 0, 200, "officer's name (public employee acting officially)"),
    F_STR("badge", 0, 32, "badge or star number"),
    F_STR("unit", 0, 200, "unit or team, used to compare peers"),
    {"sex", FW_F_ENUM, 0, &en_sex, 0, 0, 0, NULL, "officer sex", "officer sex"},
    {"race", FW_F_ENUM, 0, &en_race, 0, 0, 0, NULL, "officer race", "officer race"},
    {"ethnicity", FW_F_ENUM, 0, &en_ethnicity, 0, 0, 0, NULL, "officer ethnicity",
     "officer ethnicity"},
    {"age", FW_F_INT, 0, NULL, 0, 16, 100, NULL, "age in years", "officer age"},
    {"height_cm", FW_F_INT, 0, NULL, 0, 100, 250, NULL, "height in cm", "officer height"},
    {"weight_kg", FW_F_INT, 0, NULL, 0, 30, 300, NULL, "weight in kg", "officer weight"},
    {"years_of_service", FW_F_INT, 0, NULL, 0, 0, 60, NULL, "years of service",
     "officer years of service"},
    {"full_time", FW_F_BOOL, 0, NULL, 0, 0, 0, NULL, "full-time officer",
     "officer full/part time"},
    {"on_duty", FW_F_BOOL, 0, NULL, 0, 0, 0, NULL, "on duty at the time",
     "officer on duty"},
    {"injury", FW_F_ENUM, 0, &en_injury, 0, 0, 0, NULL, "most severe injury to the officer",
     "officer injuries"},
    F_ID("registry", 0,
         "the registry officer (an officer record's id) this officer is, if known; must "
         "belong to the incident's agency or one of its other_agencies; linked by one officer "
         "of the incident at most"),
};
static const fw_object officer_obj = {"officer", officer_fields, N(officer_fields),
                                      "a law-enforcement officer in the incident"};

static const fw_field subject_fields[] = {
    F_ID("id", FW_REQUIRED, "subject identifier, unique among the incident's parties"),
    F_STR("name", FW_PERSONAL, 200, "subject's name (personal data)"),
    F_TIME("date_of_birth", FW_PERSONAL, "date of birth (personal data)"),
    F_STR("address", FW_PERSONAL, 300, "home address (personal data)"),
    {"sex", FW_F_ENUM, 0, &en_sex, 0, 0, 0, NULL, "subject sex", "subject sex"},
    {"race", FW_F_ENUM, 0, &en_race, 0, 0, 0, NULL, "subject race", "subject race"},
    {"ethnicity", FW_F_ENUM, 0, &en_ethnicity, 0, 0, 0, NULL, "subject ethnicity",
     "subject ethnicity"},
    {"age", FW_F_INT, 0, NULL, 0, 0, 120, NULL, "age in years", "subject age"},
    {"height_cm", FW_F_INT, 0, NULL, 0, 40, 250, NULL, "height in cm", "subject height"},
    {"weight_kg", FW_F_INT, 0, NULL, 0, 2, 400, NULL, "weight in kg", "subject weight"},
    {"impairments", FW_F_ENUM_LIST, 0, &en_impairment, 0, 0, 8, NULL,
     "apparent impairments", "apparent impairments"},
    {"armed", FW_F_ENUM, 0, &en_weapon, 0, 0, 0, NULL,
     "weapon the subject was armed with, as finally established", "subject armed"},
    F_REF("in_vehicle", 0, FW_REF_VEHICLE, "vehicle the subject was in, if any"),
    {"injury", FW_F_ENUM, 0, &en_injury, 0, 0, 0, NULL, "most severe injury to the subject",
     "subject injuries"},
};
static const fw_object subject_obj = {"subject", subject_fields, N(subject_fields),
                                      "a person force was used on or who was present"};

static const fw_field vehicle_fields[] = {
    F_ID("id", FW_REQUIRED, "vehicle identifier, unique among the incident's parties"),
    F_ENUM("kind", 0, en_vehicle_kind, "kind of vehicle"),
    F_REF("driver", 0, FW_REF_PERSON, "who was driving"),
    F_STR("description", 0, 200, "make, model, colour"),
};
static const fw_object vehicle_obj = {"vehicle", vehicle_fields, N(vehicle_fields),
                                      "a vehicle in the incident"};

static const fw_field location_fields[] = {
    F_NUM("lat", 0, -90, 90, "latitude, WGS 84"),
    F_NUM("lon", 0, -180, 180, "longitude, WGS 84"),
    {"type", FW_F_ENUM, 0, &en_location_type, 0, 0, 0, NULL, "location type",
     "location type"},
    F_STR("address", FW_PERSONAL, 300, "street address (personal data if a residence)"),
    F_STR("city", 0, 100, "city or town"),
    F_STR("county", 0, 100, "county"),
    F_ENUM("state", 0, en_state, "two-letter US state or territory code"),
    F_STR("zip", 0, 10, "postal code"),
};
static const fw_object location_obj = {"location", location_fields, N(location_fields),
                                       "where the incident happened"};

/* ---- accounts and events ---------------------------------------------- */

static const fw_field event_common_fields[] = {
    {"t", FW_F_EVENT_TIME, FW_REQUIRED, NULL, 0, 0, FW_MAX_EVENT_SECONDS, NULL,
     "seconds from the start of the encounter, or a date-time; never decreases within an "
     "account", NULL},
    F_STR("type", FW_REQUIRED, 64, "event type; unknown types are kept but not interpreted"),
    F_STR("note", 0, 2000, "free text: what the source says"),
    F_STR("evidence", 0, 500, "where in the source this is shown (page, frame, timestamp)"),
};
const fw_object fw_schema_event_common = {"event", event_common_fields,
                                          N(event_common_fields), "one event of an account"};

static const fw_field ev_identify[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_OFFICER, "officer who identified"),
    F_REF("to", 0, FW_REF_SUBJECT, "subject identified to"),
};
static const fw_field ev_command[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_OFFICER, "officer giving the command"),
    F_REF("to", 0, FW_REF_SUBJECT, "subject commanded"),
    F_ENUM("tone", 0, en_tone, "tone of voice"),
    F_STR("text", 0, 500, "the words, if known"),
};
static const fw_field ev_warning[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_OFFICER, "officer warning"),
    F_REF("to", 0, FW_REF_SUBJECT, "subject warned"),
    F_ENUM("of", FW_REQUIRED, en_warning_of, "force announced"),
};
static const fw_field ev_deescalate[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_OFFICER, "officer de-escalating"),
    F_ENUM("tactic", FW_REQUIRED, en_tactic, "tactic used"),
};
static const fw_field ev_resist[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_SUBJECT, "subject resisting"),
    {"level", FW_F_ENUM, FW_REQUIRED, &en_resist_level, 0, 0, 0, NULL, "resistance level",
     "subject resistance"},
};
static const fw_field ev_threat[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_SUBJECT, "subject posing the threat"),
    F_ENUM("level", FW_REQUIRED, en_threat_level, "threat level"),
    F_BOOL("imminent", 0, "whether the threat was imminent"),
    F_ENUM("means", 0, en_means, "means of the threat"),
    F_ENUM("target", 0, en_threat_target, "who or what was threatened"),
    F_REF("target_id", 0, FW_REF_PERSON, "the person threatened, if named"),
};
static const fw_field ev_armed[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_SUBJECT, "subject"),
    F_ENUM("weapon", FW_REQUIRED, en_weapon, "weapon"),
    F_BOOL("displayed", 0, "whether the weapon was displayed"),
};
static const fw_field ev_flee[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_SUBJECT, "subject fleeing"),
    F_ENUM("mode", 0, en_flee_mode, "how"),
    F_BOOL("dangerous", 0, "whether the subject posed a significant threat if they escaped"),
};
static const fw_field ev_comply[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_SUBJECT, "subject complying"),
};
static const fw_field ev_restrain[] = {
    F_REF("actor", 0, FW_REF_OFFICER, "officer restraining"),
    F_REF("target", FW_REQUIRED, FW_REF_SUBJECT, "subject restrained"),
    F_ENUM("method", 0, en_restraint, "how"),
};
static const fw_field ev_release[] = {
    F_REF("actor", 0, FW_REF_OFFICER, "officer releasing"),
    F_REF("target", FW_REQUIRED, FW_REF_SUBJECT, "subject released from restraint"),
};
static const fw_field ev_absence[] = {
    F_ENUM("of", FW_REQUIRED, en_act, "the act that did not happen"),
    F_REF("actor", 0, FW_REF_OFFICER, "the officer who did not act; none: no officer did"),
};
static const fw_field ev_vehicle_motion[] = {
    F_REF("vehicle", FW_REQUIRED, FW_REF_VEHICLE, "vehicle moving"),
    F_REF("relative_to", 0, FW_REF_PERSON, "person the direction is relative to"),
    F_ENUM("direction", 0, en_direction, "direction relative to that person"),
    F_NUM("speed_mps", 0, 0, 100, "speed in metres per second"),
};
static const fw_field ev_position[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_ANY, "person or vehicle"),
    F_NUM("x", FW_REQUIRED, -10000, 10000, "metres east of the scene origin"),
    F_NUM("y", FW_REQUIRED, -10000, 10000, "metres north of the scene origin"),
    F_NUM("heading_deg", 0, 0, 360, "heading, degrees clockwise from north"),
    F_NUM("speed_mps", 0, 0, 100, "speed in metres per second"),
};
static const fw_field ev_reach_into_vehicle[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_OFFICER, "officer reaching in"),
    F_REF("vehicle", FW_REQUIRED, FW_REF_VEHICLE, "vehicle reached into"),
};
static const fw_field ev_force[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_OFFICER, "officer applying force"),
    {"kind", FW_F_ENUM, FW_REQUIRED, &en_force_kind, 0, 0, 0, NULL, "kind of force",
     "type of force used"},
    F_REF("target", 0, FW_REF_SUBJECT | FW_REF_VEHICLE, "subject or vehicle the force was aimed at"),
    F_INT("rounds", 0, 1, 500, "rounds fired, cartridges or applications"),
    F_ENUM("purpose", 0, en_force_purpose, "stated purpose"),
    F_BOOL("from_vehicle", 0, "fired or applied from a moving vehicle"),
    F_BOOL("hit", 0, "whether it struck the target"),
};
static const fw_field ev_injury[] = {
    F_REF("person", FW_REQUIRED, FW_REF_PERSON, "person injured"),
    F_ENUM("severity", FW_REQUIRED, en_injury, "severity"),
    F_STR("cause", 0, 200, "what caused it"),
};
static const fw_field ev_medical_aid[] = {
    F_REF("person", FW_REQUIRED, FW_REF_PERSON, "person aided"),
    F_ENUM("status", FW_REQUIRED, en_aid_status, "requested, rendered or refused"),
    F_ENUM("provider", 0, en_aid_provider, "who gave it"),
    F_REF("actor", 0, FW_REF_OFFICER, "officer who requested or gave it"),
};
static const fw_field ev_intervene[] = {
    F_REF("actor", FW_REQUIRED, FW_REF_OFFICER, "officer intervening"),
    F_REF("target", 0, FW_REF_OFFICER, "officer whose force was stopped"),
};
static const fw_field ev_bystanders[] = {
    F_BOOL("present", 0, "whether bystanders were present"),
    F_INT("count", 0, 0, 1000000, "how many"),
};

#define EV(nm, tbl, d) {nm, tbl, N(tbl), d}
const fw_event_type fw_event_types[] = {
    EV("identify", ev_identify, "officer identifies as law enforcement"),
    EV("command", ev_command, "verbal command"),
    EV("warning", ev_warning, "warning that force will be used"),
    EV("deescalate", ev_deescalate, "de-escalation tactic"),
    EV("resist", ev_resist, "subject resistance"),
    EV("threat", ev_threat, "perceived threat"),
    EV("armed", ev_armed, "subject weapon"),
    EV("flee", ev_flee, "subject flight"),
    EV("comply", ev_comply, "subject stops resisting"),
    EV("restrain", ev_restrain, "subject is restrained"),
    EV("vehicle_motion", ev_vehicle_motion, "vehicle moving relative to a person"),
    EV("position", ev_position, "position of a person or vehicle, for geometry"),
    EV("reach_into_vehicle", ev_reach_into_vehicle, "officer reaches into an occupied vehicle"),
    EV("force", ev_force, "a force application"),
    EV("injury", ev_injury, "an injury"),
    EV("medical_aid", ev_medical_aid, "medical aid requested or given"),
    EV("intervene", ev_intervene, "an officer intervenes in another's force"),
    EV("bystanders", ev_bystanders, "bystanders present"),
    EV("release", ev_release, "subject is released from restraint"),
    EV("absence", ev_absence, "the account states that up to t no such act happened"),
};
const size_t fw_n_event_types = N(fw_event_types);

static const fw_field account_fields[] = {
    F_ID("id", FW_REQUIRED, "account identifier, unique within the incident"),
    F_ENUM("kind", FW_REQUIRED, en_account_kind, "who tells it"),
    F_STR("source", FW_REQUIRED, 500, "where it comes from: document, report number, publication"),
    F_REF("author", 0, FW_REF_OFFICER, "officer who filed it, for officer statements"),
    F_TIME("filed_at", 0, "when the account was filed or published"),
    F_BOOL("complete", 0,
           "the account records every event it could observe (a full video, a body-camera "
           "transcript): an event it does not contain did not happen, rather than is unknown"),
    {"events", FW_F_OBJECT_LIST, FW_REQUIRED, NULL, 0, 0, 10000, &fw_schema_event_common,
     "the timeline, in order", NULL},
};
static const fw_object account_obj = {"account", account_fields, N(account_fields),
                                      "one source's timeline of the incident"};

/* ---- records ---------------------------------------------------------- */

static const fw_field incident_fields[] = {
    F_STR("record", 0, 16, "\"incident\" (may be omitted)"),
    F_ID("id", FW_REQUIRED, "incident identifier; a new document with the same id is a new version"),
    F_ID("agency", FW_REQUIRED, "identifier of the agency whose officers used force"),
    {"other_agencies", FW_F_ID_LIST, 0, NULL, 0, 0, 32, NULL,
     "other agencies whose officers took part", NULL},
    {"occurred_at", FW_F_DATETIME, FW_REQUIRED, NULL, 0, 0, 0, NULL,
     "date, or date and time, when the encounter began", "incident date/time"},
    {"location", FW_F_OBJECT, 0, NULL, 0, 0, 0, &location_obj, "where", "location"},
    {"contact_reason", FW_F_ENUM, 0, &en_contact_reason, 0, 0, 0, NULL,
     "reason for initial contact", "reason for initial contact"},
    F_STR("offense", 0, 200, "most serious offense, for unlawful_activity"),
    F_ENUM("encounter", 0, en_encounter, "kind of encounter"),
    F_STR("operation", 0, 200, "named operation the officers were deployed to, if any"),
    {"case_number", FW_F_STRING, 0, NULL, 0, 0, 64, NULL, "agency case number",
     "case number"},
    {"officer_approached", FW_F_BOOL, 0, NULL, 0, 0, 0, NULL,
     "whether the officer approached the subject", "officer approached subject"},
    {"ambush", FW_F_BOOL, 0, NULL, 0, 0, 0, NULL, "whether it was an ambush", "ambush"},
    {"supervisor_present", FW_F_BOOL, 0, NULL, 0, 0, 0, NULL,
     "whether a supervisor was present or consulted", "supervisor on scene"},
    F_STR("summary", 0, 4000, "a short neutral description"),
    {"officers", FW_F_OBJECT_LIST, FW_REQUIRED, NULL, 0, 0, 1000, &officer_obj,
     "officers involved", NULL},
    {"subjects", FW_F_OBJECT_LIST, 0, NULL, 0, 0, 1000, &subject_obj, "subjects", NULL},
    {"vehicles", FW_F_OBJECT_LIST, 0, NULL, 0, 0, 1000, &vehicle_obj, "vehicles", NULL},
    {"accounts", FW_F_OBJECT_LIST, FW_REQUIRED | FW_NONEMPTY, NULL, 0, 0, 100, &account_obj,
     "the accounts of what happened", NULL},
    {"sources", FW_F_ID_LIST, 0, NULL, 0, 0, 32, NULL,
     "identifiers of the dataset rows this incident was imported from", NULL},
    F_ENUM("provenance", 0, en_provenance,
           "what kind of source the record is: reported through the agency's workflow "
           "(the default when absent), an oversight investigation, or a public dataset or "
           "press record; duty items and review cases follow only the first two"),
    F_BOOL("withdrawn", 0,
           "the source no longer lists this record (a re-import did not find it); kept, never "
           "deleted"),
};
const fw_object fw_schema_incident = {"incident", incident_fields, N(incident_fields),
                                      "a use-of-force incident"};

static const fw_field adoption_fields[] = {
    F_ID("policy", FW_REQUIRED, "the policy family (\"eight-cant-wait\") or version adopted"),
    F_TIME("from", FW_REQUIRED, "the first day it applies"),
    F_TIME("to", 0, "the last day it applies (none: still adopted)"),
};
static const fw_object adoption_obj = {"adoption", adoption_fields, N(adoption_fields),
                                       "a policy an agency adopted, from a date"};

static const fw_field agency_fields[] = {
    F_STR("record", FW_REQUIRED, 16, "\"agency\""),
    F_ID("id", FW_REQUIRED, "agency identifier"),
    F_STR("name", FW_REQUIRED, 200, "agency name"),
    F_ENUM("type", 0, en_agency_type, "kind of agency"),
    F_ENUM("state", 0, en_state, "two-letter state code of the agency's seat"),
    F_STR("ori", 0, 9, "FBI originating agency identifier"),
    F_STR("parent", 0, 200,
          "the department it belongs to, as free text (kept for old records; parent_id is the "
          "link that counts)"),
    F_ID("parent_id", 0, "id of the agency record it is part of (a component's department, a "
                         "field office's component); the chain is acyclic, at most 8 "
                         "agencies long"),
    {"adopts", FW_F_OBJECT_LIST, 0, NULL, 0, 0, FW_AGENCY_ADOPTS_MAX, &adoption_obj,
     "the policies the agency adopted, with dates; its components inherit them", NULL},
    F_BOOL("withdrawn", 0, "the agency is no longer listed (kept, never deleted)"),
};
const fw_object fw_schema_agency = {"agency", agency_fields, N(agency_fields),
                                    "a law-enforcement agency"};

static const fw_field assignment_fields[] = {
    F_STR("unit", FW_REQUIRED, 200, "unit or team"),
    F_TIME("from", FW_REQUIRED, "first day of the assignment"),
    F_TIME("to", 0, "last day of the assignment; absent while it lasts"),
};
static const fw_object assignment_obj = {"assignment", assignment_fields,
                                         N(assignment_fields), "a unit an officer served in"};

static const fw_field officer_record_fields[] = {
    F_STR("record", FW_REQUIRED, 16, "\"officer\""),
    F_ID("id", FW_REQUIRED,
         "registry id: the agency's id, ':' and the agency's own label, which holds no ':' "
         "(\"metro-pd:o-101\"), so the same label in two agencies names two people"),
    F_ID("agency", FW_REQUIRED, "the agency the officer serves; part of the id"),
    F_STR("name", 0, 200, "officer's name (public employee acting officially)"),
    F_STR("badge", 0, 32, "badge or star number"),
    F_STR("rank", 0, 100, "rank or title"),
    F_STR("unit", 0, 200, "current unit or team"),
    F_ENUM("status", 0, en_officer_status, "employment status"),
    {"assignments", FW_F_OBJECT_LIST, 0, NULL, 0, 0, 200, &assignment_obj,
     "units served in, with dates", NULL},
    F_BOOL("withdrawn", 0, "entered in error; kept, never deleted"),
};
const fw_object fw_schema_officer = {"officer_record", officer_record_fields,
                                     N(officer_record_fields),
                                     "a registry officer: one person serving one agency"};

/* ---- look-ups --------------------------------------------------------- */

const fw_event_type *fw_event_type_find(const char *name)
{
    size_t i;
    for (i = 0; i < fw_n_event_types; i++)
        if (strcmp(fw_event_types[i].name, name) == 0)
            return &fw_event_types[i];
    return NULL;
}

const fw_field *fw_object_field(const fw_object *o, const char *name)
{
    size_t i;
    /* The first byte first: this runs for every member of every document validated. */
    for (i = 0; i < o->nfields; i++)
        if (o->fields[i].name[0] == name[0] && strcmp(o->fields[i].name, name) == 0)
            return &o->fields[i];
    return NULL;
}

const fw_enum *fw_enum_find(const char *name)
{
    size_t i;
    for (i = 0; fw_enums[i]; i++)
        if (strcmp(fw_enums[i]->name, name) == 0)
            return fw_enums[i];
    return NULL;
}

int fw_enum_index(const fw_enum *e, const char *value)
{
    int i;
    for (i = 0; e->values[i]; i++)
        if (e->values[i][0] == value[0] && strcmp(e->values[i], value) == 0)
            return i;
    return -1;
}
