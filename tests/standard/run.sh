#!/usr/bin/env bash
# The general standard in the bundled policies (issue 14, point 4), through the
# CLI as a user runs it: examples 03 (40 mm rounds at a man walking away with
# his hands raised) and 04 (baton strikes on a handcuffed, still man) are judged
# by the rules the policies now carry, with the outcome per account and the
# decisive fact the issue names; neck restraints outside a deadly-force
# situation are out when the facts say so and undetermined when they are not
# known; force at an ICE vehicle stop judged by DHS's general standard (ICE's own
# file has no "minimal force" rule), a threat ended by a surrender no longer
# justifying an intermediate weapon, a 40 mm round at a fleeing man, and 8 Can't
# Wait's continuum, on small incidents made here; and the scenario files of every
# bundled policy pass.
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=standard-test
unset FORCEWATCH_DB FORCEWATCH_POLICIES

# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# run DESCRIPTION -- command...: expects exit 0; stdout in $T/out
run() {
    local what=$1
    shift 2
    if "$@" >"$T/out" 2>"$T/err"; then ok; else bad "$what: exit $?"; sed 's/^/  | /' "$T/err" | head -10 >&2; fi
}

DB="$T/s.db"
fw() { "$FW" --db "$DB" --policies "$TOP/policies" "$@"; }
fw init >/dev/null 2>&1
run "add the examples" -- fw add examples/agencies.jsonl examples/officers.jsonl examples/*.json

# review ID POLICY: the review's JSON (not stored), in $T/ID.POLICY.json
review() { fw review --no-store --json "$1" --policy "$2" >"$T/$1.$2.json" 2>"$T/err" || bad "review $1 $2: $(cat "$T/err")"; }
# outcome ID POLICY KEY ACCOUNT RULE: one rule's outcome for one force application and account
outcome() {
    jq -r --arg k "$3" --arg a "$4" --arg r "$5" \
        '[.[0].applications[] | select(.key == $k and .account == $a) | .rules[] | select(.rule == $r) | .outcome] | join(",")' \
        "$T/$1.$2.json"
}
# unknown ID POLICY KEY ACCOUNT RULE: its unknown facts, sorted, space-separated
unknown() {
    jq -r --arg k "$3" --arg a "$4" --arg r "$5" \
        '[.[0].applications[] | select(.key == $k and .account == $a) | .rules[] | select(.rule == $r) | .unknown[]] | sort | join(" ")' \
        "$T/$1.$2.json"
}
# decisive ID POLICY KEY RULE: the decisive facts with each account's value
decisive() {
    jq -r --arg k "$3" --arg r "$4" \
        '[.[0].decisive[] | select(.key == $k and .rule == $r) | "\(.fact) " + ([.values | to_entries[] | "\(.key)=\(.value)"] | join(" "))] | join("; ")' \
        "$T/$1.$2.json"
}
# judged ID POLICY: how many rule outcomes are not n/a
judged() { jq '[.[0].applications[].rules[] | select(.outcome != "n/a")] | length' "$T/$1.$2.json"; }

# ---- example 03: less-lethal rounds at a retreating person posing no threat -------------
review ex-03-crowd-control dhs-2023
same "$(jq -r '.[0].what_if' "$T/ex-03-crowd-control.dhs-2023.json")" false "03: DHS is in effect for CBP"
R=intermediate-force-no-threat
same "$(outcome ex-03-crowd-control dhs-2023 o-304@440 livestream $R)" out \
    "03 DHS: 40 mm rounds at s-1, complying (t=435) with no threat, in the livestream"
same "$(outcome ex-03-crowd-control dhs-2023 o-304@440 after-action $R)" within \
    "03 DHS: the after-action report states a threat of serious bodily injury at 436"
same "$(decisive ex-03-crowd-control dhs-2023 o-304@440 $R)" \
    "threat.level after-action=serious_bodily_injury livestream=none" "03 DHS: threat.level decides"
same "$(outcome ex-03-crowd-control dhs-2023 o-303@425 livestream $R)" within "03 DHS: CS at s-2, who resists passively"
same "$(jq -r '[.[0].applications[0].rules[] | select(.rule == "intermediate-force-no-threat") | .status] | .[0]' \
    "$T/ex-03-crowd-control.dhs-2023.json")" paraphrase "03 DHS: the general-standard rule is marked paraphrase"
same "$(outcome ex-03-crowd-control dhs-2023 o-304@440 after-action restrained-compliant-subject)" undetermined \
    "03 DHS: the report says nothing of s-1's compliance or restraint"
same "$(unknown ex-03-crowd-control dhs-2023 o-304@440 after-action restrained-compliant-subject)" \
    "subject.complying subject.restrained" "03 DHS: names the unknown facts"
[ "$(judged ex-03-crowd-control dhs-2023)" -gt 0 ] && ok || bad "03 DHS: still n/a throughout"
run "03 DHS text" -- fw review --no-store ex-03-crowd-control --policy dhs-2023
grep -q "OUT OF POLICY    intermediate-force-no-threat \[general standard (2023 statement; II.B of the 2018 statement), paraphrase\]" \
    "$T/out" && ok || bad "03 DHS text: the out-of-policy line with its paraphrase label: $(grep -c OUT "$T/out")"
review ex-03-crowd-control eight-cant-wait-2020
same "$(outcome ex-03-crowd-control eight-cant-wait-2020 o-304@440 livestream continuum-intermediate-force)" out \
    "03 8CW #2: rounds at a complying man"
same "$(outcome ex-03-crowd-control eight-cant-wait-2020 o-304@440 livestream continuum-no-resistance)" out \
    "03 8CW #2: no resistance, flight or threat"
same "$(outcome ex-03-crowd-control eight-cant-wait-2020 o-304@440 after-action continuum-intermediate-force)" within \
    "03 8CW #2: the report's threat"
review ex-03-crowd-control perf-2016
same "$(outcome ex-03-crowd-control perf-2016 o-304@440 livestream proportionality-intermediate-weapons)" out "03 PERF #3"
# DOJ: the clauses we have hold no standard for force that is not deadly (doj-2022.policy)
review ex-03-crowd-control doj-2022
same "$(judged ex-03-crowd-control doj-2022)" 0 "03 DOJ: nothing of its wording applies to less-lethal force"

# ---- example 04: baton strikes on a handcuffed, still man ------------------------------
review ex-04-restrained dhs-2023
same "$(jq -r '.[0].what_if' "$T/ex-04-restrained.dhs-2023.json")" true "04: a what-if for the city police"
R=restrained-compliant-subject
same "$(outcome ex-04-restrained dhs-2023 o-402@42 bwc $R)" out "04 DHS: handcuffed (25), still (31), baton (42) in the bwc"
same "$(outcome ex-04-restrained dhs-2023 o-402@42 o-403-statement $R)" out "04 DHS: the same in o-403's statement"
same "$(outcome ex-04-restrained dhs-2023 o-402@45 o-401-report $R)" within "04 DHS: o-401's report has him kicking at 40"
same "$(outcome ex-04-restrained dhs-2023 o-401@10 bwc $R)" within "04 DHS: the takedown follows active resistance"
same "$(outcome ex-04-restrained dhs-2023 o-402@42 bwc intermediate-force-no-threat)" out "04 DHS: a baton on a complying man, no threat"
same "$(outcome ex-04-restrained dhs-2023 o-402@42 o-403-statement intermediate-force-no-threat)" undetermined \
    "04 DHS: the statement states no threat"
same "$(unknown ex-04-restrained dhs-2023 o-402@42 o-403-statement intermediate-force-no-threat)" threat.level \
    "04 DHS: names threat.level"
[ "$(judged ex-04-restrained dhs-2023)" -gt 0 ] && ok || bad "04 DHS: still n/a throughout"
review ex-04-restrained eight-cant-wait-2020
same "$(outcome ex-04-restrained eight-cant-wait-2020 o-402@42 bwc continuum-no-resistance)" out "04 8CW #2: no resistance"
review ex-04-restrained perf-2016
same "$(outcome ex-04-restrained perf-2016 o-402@42 bwc proportionality-restrained-subject)" out "04 PERF #3"
review ex-04-restrained doj-2022
same "$(judged ex-04-restrained doj-2022)" 0 "04 DOJ: nothing of its wording applies"
review ex-04-restrained ice-vehicle-stops-1
same "$(judged ex-04-restrained ice-vehicle-stops-1)" 0 "04 ICE: no vehicle"

# ---- incidents made here -----------------------------------------------------------------
# A neck restraint on a man who only resists passively: the complete video shows no threat
# (out), the officer's report states none (undetermined), his partner states a threat of
# serious bodily injury (within).
cat >"$T/neck.json" <<'EOF'
{"id": "std-neck", "agency": "cbp-sd", "occurred_at": "2025-05-12T17:45:00-07:00", "encounter": "arrest",
 "officers": [{"id": "o-1", "role": "applied_force"}, {"id": "o-2", "role": "present"}],
 "subjects": [{"id": "s-1"}],
 "accounts": [
  {"id": "video", "kind": "video_analysis", "source": "test video", "complete": true, "events": [
    {"t": 20, "type": "resist", "actor": "s-1", "level": "passive"},
    {"t": 30, "type": "force", "actor": "o-1", "kind": "carotid_restraint", "target": "s-1"}]},
  {"id": "report", "kind": "officer_report", "source": "test report", "author": "o-1", "events": [
    {"t": 20, "type": "resist", "actor": "s-1", "level": "passive"},
    {"t": 30, "type": "force", "actor": "o-1", "kind": "carotid_restraint", "target": "s-1"}]},
  {"id": "partner", "kind": "witness_officer_statement", "source": "test statement", "author": "o-2", "events": [
    {"t": 25, "type": "threat", "actor": "s-1", "level": "serious_bodily_injury", "imminent": true, "means": "hands", "target": "officer"},
    {"t": 30, "type": "force", "actor": "o-1", "kind": "carotid_restraint", "target": "s-1"}]}
 ]}
EOF
# ICE vehicle stop: the driver handcuffed and complying is struck; the passenger, complying with
# no threat, is sprayed.  The agent's report states a threat by the passenger.  ICE's guidance
# has no rule on this force ("minimal force" when removing people from cars has no fact); DHS's
# general standard, which governs ICE, judges it.
cat >"$T/ice.json" <<'EOF'
{"id": "std-ice", "agency": "ice-ero-stp", "occurred_at": "2026-02-01T08:00:00-06:00", "encounter": "vehicle_stop",
 "vehicles": [{"id": "v-1", "kind": "car", "driver": "s-1"}],
 "officers": [{"id": "o-1", "role": "applied_force"}, {"id": "o-2", "role": "applied_force"}],
 "subjects": [{"id": "s-1", "in_vehicle": "v-1"}, {"id": "s-2", "in_vehicle": "v-1"}],
 "accounts": [
  {"id": "video", "kind": "video_analysis", "source": "test video", "complete": true, "events": [
    {"t": 0, "type": "command", "actor": "o-1", "to": "s-1", "tone": "firm"},
    {"t": 5, "type": "restrain", "actor": "o-1", "target": "s-1", "method": "handcuffs"},
    {"t": 6, "type": "comply", "actor": "s-1"},
    {"t": 7, "type": "comply", "actor": "s-2"},
    {"t": 10, "type": "force", "actor": "o-1", "kind": "hands_on", "target": "s-1"},
    {"t": 12, "type": "force", "actor": "o-2", "kind": "oc_spray", "target": "s-2"}]},
  {"id": "report", "kind": "officer_report", "source": "test report", "author": "o-2", "events": [
    {"t": 0, "type": "command", "actor": "o-1", "to": "s-1", "tone": "firm"},
    {"t": 7, "type": "comply", "actor": "s-2"},
    {"t": 11, "type": "threat", "actor": "s-2", "level": "minor", "imminent": true, "means": "hands", "target": "officer"},
    {"t": 12, "type": "force", "actor": "o-2", "kind": "oc_spray", "target": "s-2"}]}
 ]}
EOF
# A 40 mm round at a man running away who poses no threat: flight is not compliance, and DHS's
# intermediate-force-no-threat does not weigh flight (within: its case is not shown; whether
# the round was reasonable is for the reviewer, see dhs-2023.policy), while 8 Can't Wait's
# continuum and PERF #3 ask for active resistance or a threat (out).
cat >"$T/flee.json" <<'EOF'
{"id": "std-flee", "agency": "cbp-sd", "occurred_at": "2025-06-08T19:05:00-07:00", "encounter": "crowd_control",
 "officers": [{"id": "o-1", "role": "applied_force"}],
 "subjects": [{"id": "s-1"}],
 "accounts": [
  {"id": "video", "kind": "video_analysis", "source": "test video", "complete": true, "events": [
    {"t": 10, "type": "flee", "actor": "s-1", "mode": "foot"},
    {"t": 12, "type": "force", "actor": "o-1", "kind": "less_lethal_projectile", "target": "s-1", "rounds": 1}]}
 ]}
EOF
# A threat, then a surrender: s-1 threatens the line with his fists at 10 and complies (hands
# raised, walking away) at 20; OC spray at 25.  The comply ends the threat (threat.level none),
# so the spray is judged on the compliance: out under DHS and 8 Can't Wait.  The report tells
# no comply: the threat stands (15 s, inside the threat window), within.
cat >"$T/surrender.json" <<'EOF'
{"id": "std-surrender", "agency": "cbp-sd", "occurred_at": "2025-06-08T19:30:00-07:00", "encounter": "crowd_control",
 "officers": [{"id": "o-1", "role": "applied_force"}],
 "subjects": [{"id": "s-1"}],
 "accounts": [
  {"id": "video", "kind": "video_analysis", "source": "test video", "complete": true, "events": [
    {"t": 10, "type": "threat", "actor": "s-1", "level": "minor", "imminent": true, "means": "hands", "target": "officer"},
    {"t": 20, "type": "comply", "actor": "s-1"},
    {"t": 25, "type": "force", "actor": "o-1", "kind": "oc_spray", "target": "s-1"}]},
  {"id": "report", "kind": "officer_report", "source": "test report", "author": "o-1", "events": [
    {"t": 10, "type": "threat", "actor": "s-1", "level": "minor", "imminent": true, "means": "hands", "target": "officer"},
    {"t": 25, "type": "force", "actor": "o-1", "kind": "oc_spray", "target": "s-1"}]}
 ]}
EOF
run "add the incidents made here" -- fw add "$T/neck.json" "$T/ice.json" "$T/flee.json" "$T/surrender.json"

for p in dhs-2023 eight-cant-wait-2020 perf-2016 doj-2022; do review std-neck $p; done
same "$(outcome std-neck dhs-2023 o-1@30 video chokehold-carotid)" out "neck DHS: no threat in the complete video"
same "$(outcome std-neck dhs-2023 o-1@30 report chokehold-carotid)" undetermined "neck DHS: the report states no threat"
same "$(unknown std-neck dhs-2023 o-1@30 report chokehold-carotid)" "threat.imminent threat.level threat.target" \
    "neck DHS: names the threat facts"
same "$(outcome std-neck dhs-2023 o-1@30 partner chokehold-carotid)" within "neck DHS: an imminent threat of serious injury"
same "$(outcome std-neck eight-cant-wait-2020 o-1@30 video chokeholds-and-strangleholds)" out "neck 8CW #3: out"
same "$(outcome std-neck eight-cant-wait-2020 o-1@30 report chokeholds-and-strangleholds)" undetermined "neck 8CW #3: unknown"
same "$(outcome std-neck eight-cant-wait-2020 o-1@30 video continuum-deadly-force)" out "neck 8CW #2: passive resistance only"
same "$(outcome std-neck perf-2016 o-1@30 video proportionality-deadly-force)" out "neck PERF #3"
same "$(outcome std-neck doj-2022 o-1@30 video deadly-force-imminent-danger)" out "neck DOJ: deadly force without danger"
same "$(outcome std-neck dhs-2023 o-1@30 video restrained-compliant-subject)" n/a "neck DHS: deadly force, not this rule"

review std-ice ice-vehicle-stops-1
same "$(jq -r '.[0].what_if' "$T/std-ice.ice-vehicle-stops-1.json")" false "ICE governs its vehicle stop"
same "$(jq -r '[.[0].applications[] | select(.type == "force") | .rules[].rule] | unique | join(",")' \
    "$T/std-ice.ice-vehicle-stops-1.json")" deadly-force-lives-in-danger "ICE: its only rule on force is the deadly-force one"
same "$(outcome std-ice ice-vehicle-stops-1 o-1@10 video deadly-force-lives-in-danger)" n/a "ICE: a strike is not deadly force"
review std-ice dhs-2023
same "$(jq -r '.[0].what_if' "$T/std-ice.dhs-2023.json")" false "DHS is in effect for the ICE vehicle stop"
same "$(outcome std-ice dhs-2023 o-1@10 video restrained-compliant-subject)" out "DHS: force on the handcuffed, complying driver"
same "$(outcome std-ice dhs-2023 o-1@10 video intermediate-force-no-threat)" n/a "DHS: hands-on is no intermediate weapon"
same "$(outcome std-ice dhs-2023 o-2@12 video intermediate-force-no-threat)" out "DHS: OC on a complying passenger, no threat"
same "$(outcome std-ice dhs-2023 o-2@12 report intermediate-force-no-threat)" within "DHS: the report's threat"
same "$(outcome std-ice dhs-2023 o-2@12 report restrained-compliant-subject)" undetermined \
    "DHS: the report says nothing of a restraint"
same "$(decisive std-ice dhs-2023 o-2@12 intermediate-force-no-threat)" "threat.level report=minor video=none" \
    "DHS: threat.level decides"
# Reviewed as a user does, with the policies in effect chosen by date and agency: DHS's
# judgement of the strike is among them.
fw review --no-store --json std-ice >"$T/std-ice.all.json" 2>"$T/err" || bad "review std-ice: $(cat "$T/err")"
same "$(jq -r '[.[] | select(.in_effect) | .policy] | sort | join(",")' "$T/std-ice.all.json")" \
    "dhs-2023,ice-vehicle-stops-1" "ICE stop: DHS and the ICE guidance are in effect"
same "$(jq -r '[.[] | select(.policy == "dhs-2023") | .applications[] | select(.key == "o-1@10" and .account == "video")
    | .rules[] | select(.rule == "restrained-compliant-subject") | .outcome] | join(",")' "$T/std-ice.all.json")" out \
    "ICE stop: DHS judges the strike out without naming a policy"

for p in dhs-2023 eight-cant-wait-2020 perf-2016; do review std-flee $p; done
same "$(outcome std-flee dhs-2023 o-1@12 video intermediate-force-no-threat)" within \
    "flee DHS: flight is not compliance, and the rule does not weigh flight"
same "$(jq -r '[.[0].applications[] | select(.key == "o-1@12") | .rules[] | select(.rule == "intermediate-force-no-threat")
    | .facts["subject.complying"].value, .facts["threat.level"].value] | join(",")' "$T/std-flee.dhs-2023.json")" \
    "false,none" "flee DHS: within because he is not complying, though there is no threat"
same "$(outcome std-flee eight-cant-wait-2020 o-1@12 video continuum-intermediate-force)" out "flee 8CW #2: no active resistance, no threat"
same "$(outcome std-flee eight-cant-wait-2020 o-1@12 video continuum-no-resistance)" within "flee 8CW #2: flight answers the lowest step"
same "$(outcome std-flee perf-2016 o-1@12 video proportionality-intermediate-weapons)" out "flee PERF #3"

for p in dhs-2023 eight-cant-wait-2020; do review std-surrender $p; done
same "$(outcome std-surrender dhs-2023 o-1@25 video intermediate-force-no-threat)" out \
    "surrender DHS: the comply ended the threat; OC on a complying man"
same "$(jq -r '[.[0].applications[] | select(.key == "o-1@25" and .account == "video") | .rules[]
    | select(.rule == "intermediate-force-no-threat") | .facts["threat.level"] | "\(.value) \(.source) \(.t)"] | join(",")' \
    "$T/std-surrender.dhs-2023.json")" "none ended by comply 20" "surrender DHS: threat.level none, ended by the comply"
same "$(outcome std-surrender dhs-2023 o-1@25 report intermediate-force-no-threat)" within \
    "surrender DHS: the report tells no comply, the threat stands"
same "$(decisive std-surrender dhs-2023 o-1@25 intermediate-force-no-threat)" "threat.level report=minor video=none" \
    "surrender DHS: threat.level decides"
same "$(outcome std-surrender eight-cant-wait-2020 o-1@25 video continuum-intermediate-force)" out \
    "surrender 8CW #2: no resistance, the threat ended"
same "$(outcome std-surrender eight-cant-wait-2020 o-1@25 report continuum-intermediate-force)" within \
    "surrender 8CW #2: the report's threat stands"

# ---- the scenario files of every bundled policy -------------------------------------------
run "policy test" -- fw policy test
grep -q "policy tests: [0-9]* passed, 0 failed" "$T/out" && ok || bad "policy test: $(tail -1 "$T/out")"
for p in dhs-2023 ice-vehicle-stops-1 eight-cant-wait-2020; do
    grep -q "^$p .* 0 failed" "$T/out" && ok || bad "policy test $p: $(grep "^$p" "$T/out")"
done

finish standard
