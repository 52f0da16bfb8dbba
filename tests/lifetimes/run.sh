#!/usr/bin/env bash
# Lifetimes tests (issue 14, points 1 and 5): facts that expire and stated
# negatives.  The scenario files in tests/lifetimes/policies/tests are run
# against the real dhs-2023 policy and a test policy (lifetimes-1) on the small
# incidents in tests/lifetimes/incidents: a threat ends at compliance, restraint,
# disarming, out of reach, or after the threat window; a restraint ends at a
# release; an `absence` event makes the conduct facts and windows false.  Then
# the review as people and programs read it: what ended a threat ("ended by
# comply t=300"), the settings recorded in the review JSON, --threat-window (for one
# incident and for the what-if over all);
# the incident format's checks of the new events; and the duties, which must
# not take an absence of medical aid for aid.
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=lifetimes-test
unset FORCEWATCH_DB
NOW=2030-01-01T00:00:00Z
HERE="$TOP/tests/lifetimes"

# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# has TEXT NEEDLE DESCRIPTION
has() { case "$1" in *"$2"*) ok ;; *) bad "$3: '$2' not in: $1" ;; esac; }

# ---- scenario files ------------------------------------------------------------
# The real dhs-2023 beside the test policy; the tests files name the incidents
# relative to themselves (../../incidents).
mkdir -p "$T/p/tests"
cp "$TOP/policies/dhs-2023.policy" "$HERE/policies/lifetimes-1.policy" "$T/p/"
cp "$HERE"/policies/tests/*.tests "$T/p/tests/"
cp -r "$HERE/incidents" "$T/incidents"
"$FW" --policies "$T/p" policy test >"$T/out" 2>"$T/err"
same "$?" 0 "policy test on the lifetimes scenarios (exit)"
sed "s|$T/||g" "$T/err" | head -20 >&2
same "$(grep -c '^lifetimes-1 .* 190 checked, 0 failed' "$T/out")" 1 "lifetimes-1: 190 checks, none failed"
same "$(grep -c '^dhs-2023 .* 56 checked, 0 failed' "$T/out")" 1 "dhs-2023: 56 checks, none failed"

# ---- the review, for people and programs ---------------------------------------
DB="$T/l.db"
"$FW" --db "$DB" init >/dev/null 2>&1
fw() { "$FW" --db "$DB" "$@"; }
fw add "$HERE"/incidents/*.json >/dev/null 2>"$T/err" && ok || bad "add the incidents: $(head -3 "$T/err")"
# fact INCIDENT FACT [OPTIONS...]: "value|source|t" of FACT in the first rule of dhs-2023
fact() {
    local id=$1 f=$2
    shift 2
    fw review "$id" --policy dhs-2023 --no-store --json "$@" |
        jq -r --arg f "$f" '.[0].applications[0].rules[0].facts[$f] | "\(.value)|\(.source)|\(.t)"'
}
rule() {
    local id=$1
    shift
    fw review "$id" --policy dhs-2023 --no-store --json "$@" |
        jq -r '.[0].applications[0].rules[] | select(.rule == "deadly-force-imminent-threat") | .outcome'
}

# The issue's example: out, with what ended the threat.
out=$(fw review lt-01-issue --policy dhs-2023 --no-store)
has "$out" "OUT OF POLICY    deadly-force-imminent-threat" "the issue's example is out of policy"
has "$out" "threat.imminent=false (ended by comply t=300)" "the text says what ended the threat"
has "$out" "threat.target=unknown (ended by comply t=300)" "an ended detail says so too"
same "$(fact lt-01-issue threat.imminent)" "false|ended by comply|300" "JSON: ended by comply"
same "$(fact lt-01-issue threat.level)" "none|ended by comply|300" "JSON: an ended threat has level none"
same "$(fact lt-03-restrain threat.imminent)" "false|ended by restrain|8" "ended by restrain"
same "$(fact lt-06-disarmed threat.imminent)" "false|ended by disarmed|7" "ended by disarming"
same "$(fact lt-07-out-of-reach threat.imminent)" "false|ended by out of reach|8" "ended out of reach"
same "$(fact lt-08-firearm-far threat.imminent)" "true|stated|5" "a firearm threat reaches further"
same "$(fact lt-05-long-quiet threat.imminent)" "false|ended by no renewal since|5" "ended by the window"
same "$(fact lt-04-renewed threat.imminent)" "true|stated|100" "a renewed threat stands"

# The threat window: recorded in the JSON, and configurable.
same "$(fw review lt-05-long-quiet --policy dhs-2023 --no-store --json | jq -c '.[0].settings | [.threat_window_s, .reach_m]')" \
    "[60,6.4]" "the review JSON records the default settings"
same "$(fw review lt-05-long-quiet --policy dhs-2023 --no-store --json --threat-window 120 | jq '.[0].settings.threat_window_s')" \
    "120" "the review JSON records --threat-window"
same "$(rule lt-05-long-quiet)" "out" "95 s of quiet: out with the default window"
same "$(rule lt-05-long-quiet --threat-window 120)" "within" "95 s of quiet: within a 120 s window"
same "$(fact lt-05-long-quiet threat.imminent --threat-window 94)" "false|ended by no renewal since|5" "a 94 s window ends it"
same "$(fact lt-02-comply threat.imminent --threat-window 3600)" "false|ended by comply|8" "a long window does not keep a threat past a comply"
for badw in -1 abc 86401 "" 0x10 " 5" +5 nan inf 1e400; do
    fw review lt-05-long-quiet --policy dhs-2023 --no-store --threat-window "$badw" >/dev/null 2>&1
    same "$?" 2 "--threat-window '$badw' is a usage error"
done
# The what-if over every incident is judged with the same window as a single review: lt-05's
# shot after 95 s of quiet is out with the default 60 s, within with 120 s.
wi() { fw review --all --summary --policy dhs-2023 --incidents "$@" 2>/dev/null; }
out=$(wi)
has "$out" "judged with a threat window of 60 s" "what-if: the default window named"
has "$out" "    lt-05-long-quiet o-1@100 report" "what-if, default window: lt-05 out"
out=$(wi --threat-window 120)
has "$out" "judged with a threat window of 120 s" "what-if: --threat-window named"
case "$out" in *"lt-05-long-quiet o-1@100"*) bad "what-if --threat-window 120: lt-05 still out" ;; *) ok ;; esac
same "$(wi | grep -c '^    ')" "$(($(wi --threat-window 120 | grep -c '^    ') + 1))" \
    "what-if --threat-window 120: exactly one application fewer out (lt-05)"
fw review --all --summary --policy dhs-2023 --threat-window -1 >/dev/null 2>&1
same "$?" 2 "what-if --threat-window -1 is a usage error"
# A stored review keeps its settings, so a reader sees what window judged it.
fw review lt-05-long-quiet --policy dhs-2023 --threat-window 90 >/dev/null 2>&1 && ok || bad "store a review with --threat-window"
same "$(fw show --json --reason test lt-05-long-quiet:dhs-2023 2>/dev/null | jq '.settings.threat_window_s')" 90 "the stored review records its threat window"

# Stated negatives, as the review shows them.
out=$(fw --policies "$T/p" review lt-20-no-warning --policy lifetimes-1 --no-store --json)
same "$(jq -r '.[0].applications[0].rules[] | select(.rule == "warned") | .facts["warning.given"] | "\(.value)|\(.source)|\(.t)"' <<<"$out")" \
    "false|stated|5" "an absence of warning: warning.given false, stated t=5"
same "$(jq -r '.[0].applications[0].rules[] | select(.rule == "warned-lately") | .outcome' <<<"$out")" \
    "out" "an absence of warning: the window is false"

# A release ends a restraint; the seconds since it then have no value, ended by the release.
out=$(fw --policies "$T/p" review lt-10-released --policy lifetimes-1 --no-store --json)
same "$(jq -r '.[0].applications[0].rules[] | select(.rule == "not-restrained") | .facts["subject.restrained"] | "\(.value)|\(.source)|\(.t)"' <<<"$out")" \
    "false|stated|6" "a release: subject.restrained false, stated t=6"
out=$(fw --policies "$T/p" review lt-11-restrained --policy lifetimes-1 --no-store -v)
has "$out" "seconds_since_restraint=7 (stated t=3)" "the text shows the seconds since the restraint"

# ---- the incident format --------------------------------------------------------
# fmt EVENTS WANT-EXIT DESCRIPTION: check an incident with those events (3: refused)
fmt() {
    sed "s|\"EVENTS\"|$1|" >"$T/f.json" <<'EOF'
{"id": "lt-fmt", "agency": "dhs", "occurred_at": "2025-06-01T12:00:00Z",
 "officers": [{"id": "o-1", "role": "applied_force"}], "subjects": [{"id": "s-1"}],
 "accounts": [{"id": "r", "kind": "officer_report", "source": "s", "events": ["EVENTS"]}]}
EOF
    "$FW" check "$T/f.json" >/dev/null 2>"$T/err"
    same "$?" "$2" "$3"
}
fmt '{"t": 1, "type": "absence", "of": "warning"}' 0 "an absence of warning is valid"
fmt '{"t": 1, "type": "absence", "of": "medical_aid", "actor": "o-1"}' 0 "an absence with an actor is valid"
fmt '{"t": 1, "type": "absence"}' 3 "an absence without 'of' is refused"
fmt '{"t": 1, "type": "absence", "of": "force"}' 3 "an absence of something not an act is refused"
fmt '{"t": 1, "type": "absence", "of": "warning", "actor": "s-1"}' 3 "an absence's actor is an officer"
fmt '{"t": 1, "type": "release", "target": "s-1"}' 0 "a release is valid"
fmt '{"t": 1, "type": "release", "actor": "o-1"}' 3 "a release without a target is refused"
grep -q '"absence"' "$TOP/docs/incident.schema.json" && ok || bad "the JSON schema (make docs) has the absence event"

# ---- duties: an absence of medical aid is not aid -------------------------------
aid() { fw duties --json --now "$NOW" --incident "$1" 2>/dev/null | jq '[.[] | select(.kind == "medical_aid")] | length'; }
same "$(aid lt-24-no-aid)" 1 "an injury with an absence of medical aid is a medical-aid item"
jq '.id = "lt-25-aid" | .accounts[0].events |= .[0:2] + [{"t": 60, "type": "medical_aid", "person": "s-1", "status": "rendered"}] + .[2:]' \
    "$HERE/incidents/lt-24-no-aid.json" >"$T/aid.json"
fw add "$T/aid.json" >/dev/null 2>&1 && ok || bad "add the aided incident"
same "$(aid lt-25-aid)" 0 "the same injury with aid rendered is no item"

finish lifetimes
