/*
** gen's vocabulary (see gen.c): the values of the incident format it draws
** from (from lib/record/schema.c), their weights, and the states with their
** centres and time zones.  Tables only, as static const arrays, so that every
** part sizes them with N(): the compiler keeps only those a part uses.
*/
#ifndef GEN_VOCAB_H
#define GEN_VOCAB_H

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

#endif
