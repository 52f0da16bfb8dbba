#!/usr/bin/env bash
# Alignment tests (issue 14, point 2): the same act told by several accounts at
# different times is one act (same act timed differently; one extra shot in one
# account; two officers firing, never matched across officers; a disagreement on
# the force kind, the same kind preferred); decisive disputed facts across the
# aligned items; an act only one account tells listed as disputed, in the review
# text and JSON and as a required "only" line of scenario files.  The incidents
# and the test policy are in this folder; examples 04 and 09 are reviewed under
# the bundled policies.
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=alignment-test
unset FORCEWATCH_DB
HERE="$TOP/tests/alignment"
AP="$HERE/policies"

# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# run STATUS DESCRIPTION -- command...: expects exit STATUS; stdout+stderr in $T/out
run() {
    local want=$1 what=$2 got
    shift 3
    "$@" >"$T/out" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want"; sed 's/^/  | /' "$T/out" | head -10 >&2; fi
}
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: no '$2'"; sed 's/^/  | /' "$1" | head -30 >&2; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then bad "$3: '$2' present"; else ok; fi; }

# ---- scenario files ------------------------------------------------------------
run 0 "alignment scenario tests" -- "$FW" --policies "$AP" policy test
has "$T/out" "al-1                           66 checked, 0 failed" "every expectation checked"

# A copy of the test policy whose scenario file is changed by one sed expression;
# the incidents are found through absolute paths.
mutate() {
    rm -rf "$T/pol"
    mkdir -p "$T/pol/tests"
    cp "$AP/al-1.policy" "$T/pol/"
    sed -e "s|\.\./\.\./incidents/|$HERE/incidents/|" -e "$1" "$AP/tests/al-1.tests" > "$T/pol/tests/al-1.tests"
    run 1 "$2" -- "$FW" --policies "$T/pol" policy test
}
mutate '/^only o-31@8 video/d' "an act one account tells, unlisted"
has "$T/out" "no 'only o-31@8 video' line, but o-31's second firearm_discharge appears only in account video" "unlisted only-act named"
mutate 's/^only o-31@8 video/only o-31@9.5 video/' "an only line for an act both accounts tell"
has "$T/out" "only o-31@9.5 video: no act of that key that account alone tells" "only line for an aligned act"
mutate 's/^only o-31@6.4 agency/only o-31@6.4 video/' "an only line naming the wrong account"
has "$T/out" "only o-31@6.4 video: no act of that key that account alone tells" "only line, wrong account"
mutate 's/^only o-31@8 video/only o-31@8/' "a malformed only line"
has "$T/out" "expected 'only KEY ACCOUNT'" "malformed only line"
mutate '/^decisive o-31@6.4 moving-vehicle/d' "a decisive fact across aligned items, unlisted"
has "$T/out" "no 'decisive o-31@6.4 moving-vehicle' line, but vehicle.toward_officer is decisive" "unlisted decisive fact of an aligned act"
mutate 's/^decisive o-31@6.4 moving-vehicle/decisive o-31@7.1 moving-vehicle/' "a decisive line naming the act by its second account's key"
has "$T/out" "decisive o-31@7.1 moving-vehicle: expected vehicle.toward_officer, got none" "decisive lines use the first account's key"
mutate 's/^decisive o-41@60 impact .*/decisive o-41@60 impact resistance.level/' "the kind disagreement's decisive facts, one left out"
has "$T/out" "decisive o-41@60 impact: expected resistance.level, got force.kind resistance.level" "force.kind is decisive"

# ---- reviews -------------------------------------------------------------------
DB="$T/a.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$FW" --db "$DB" add "$HERE"/incidents/*.json >/dev/null || bad "adding the incidents"
rv() { "$FW" --db "$DB" --policies "$AP" review "$@" --policy al --no-store; }
# jqs ID FILTER [review options]: a jq filter over the JSON review of ID
jqs() { local id=$1 f=$2; shift 2; rv "$id" --json "$@" | jq -r ".[0] | $f"; }

run 0 "review al-timed" -- rv al-timed
has "$T/out" "al-timed  o-31 firearm_discharge at t=6.4 s  policy al-1" "one act, headed by the first account"
has "$T/out" "  aligned: agency t=6.4 <-> video t=7.1" "the match shown"
has "$T/out" "  decisive (moving-vehicle): vehicle.toward_officer  agency=true  video=false" "decisive across aligned items"
same "$(grep -c 'firearm_discharge at t=' "$T/out")" 1 "the two accounts' items are one act"
same "$(jqs al-timed '.acts | length')" 1 "JSON: one act"
same "$(jqs al-timed '.settings.align_tolerance_s')" 10 "JSON: the settings record the alignment tolerance"
same "$(jqs al-timed '.acts[0].act')" "o-31 firearm_discharge #1" "JSON: act id"
same "$(jqs al-timed '[.acts[0].items[] | "\(.account) \(.key) \(.t)"] | join(", ")')" "agency o-31@6.4 6.4, video o-31@7.1 7.1" "JSON: the act's items per account"
same "$(jqs al-timed '[.applications[].act] | unique | join(",")')" "o-31 firearm_discharge #1" "JSON: each application names its act"
same "$(jqs al-timed '.decisive[0] | "\(.key) \(.act) \(.fact) \(.values.agency) \(.values.video)"')" \
    "o-31@6.4 o-31 firearm_discharge #1 vehicle.toward_officer true false" "JSON: decisive names the act"

run 0 "review al-extra" -- rv al-extra
has "$T/out" "  aligned: agency t=6.4 <-> video t=7.1" "first shots aligned"
has "$T/out" "  aligned: agency t=9 <-> video t=9.5" "last shots aligned"
has "$T/out" "  disputed: o-31's second firearm_discharge appears only in account video" "the extra shot listed as disputed"
same "$(jqs al-extra '[.acts[] | .act] | join(", ")')" \
    "o-31 firearm_discharge #1, o-31 firearm_discharge #2, o-31 firearm_discharge #3" "JSON: three acts in time order"
same "$(jqs al-extra '.acts[1] | "\(.only_in) \(.items | length) \(.items[0].key)"')" "video 1 o-31@8" "JSON: only_in"
same "$(jqs al-extra '.acts[1].disputed')" "o-31's second firearm_discharge appears only in account video" "JSON: the dispute in words"
same "$(jqs al-extra '[.acts[] | select(.only_in)] | length')" 1 "JSON: only one act is one account's"
# docs/openapi.yaml names every key of an act and says what an application's type and act are.
documented=$(tr '\n' ' ' < "$TOP/docs/openapi.yaml" | tr -s ' ' | grep -o '`acts`: the aligned acts.*`decisive`' | grep -o '"[a-z_]*"' | tr -d '"' | sort -u)
for key in $(jqs al-extra '[.acts[] | keys[], (.items[] | keys[])] | unique | .[]'); do
    if grep -qx "$key" <<<"$documented"; then ok; else bad "docs/openapi.yaml: the review's acts[] key '$key' is not documented"; fi
done
has "$TOP/docs/openapi.yaml" 'its `type` the event type' "docs/openapi.yaml: an application's type is its event type"
# Reviewing one account leaves nothing to compare.
run 0 "review al-extra, one account" -- rv al-extra --account video
hasnt "$T/out" "disputed:" "one account: no act is disputed"
same "$(jqs al-extra '[.acts[] | select(.only_in)] | length' --account video)" 0 "one account: JSON has no only_in"

run 0 "review al-officers" -- rv al-officers
has "$T/out" "  disputed: o-31's first firearm_discharge appears only in account agency" "o-31's shot is the agency's alone"
has "$T/out" "  aligned: agency t=6.5 <-> video t=7" "o-32's shots aligned"
same "$(jqs al-officers '[.acts[] | "\(.act): \([.items[] | .account] | join(" "))"] | join("; ")')" \
    "o-31 firearm_discharge #1: agency; o-32 firearm_discharge #1: agency video" "JSON: no cross-officer match"
same "$(jqs al-officers '[.decisive[] | .key] | unique | join(" ")')" "o-32@6.5" "decisive only for o-32's act"

run 0 "review al-kinds" -- rv al-kinds
has "$T/out" "  aligned: report t=44 <-> bwc t=42" "the same kind preferred over the nearer time"
has "$T/out" "  disputed: o-40's first hands_on appears only in account report" "the hands_on is the report's alone"
has "$T/out" "  aligned: report t=60 hands_on <-> bwc t=58 impact_weapon" "kinds shown where they differ"
has "$T/out" "  decisive (impact): force.kind  report=hands_on  bwc=impact_weapon" "force.kind decisive"
same "$(jqs al-kinds '[.acts[] | select(.kinds_differ) | .act] | join(",")')" "o-41 hands_on #1" "JSON: kinds_differ (the tie goes to the first account)"
same "$(jqs al-kinds '[.acts[] | .act] | join(", ")')" "o-40 hands_on #1, o-40 impact_weapon #1, o-41 hands_on #1" "JSON: act ids"

run 0 "review al-apart" -- rv al-apart
hasnt "$T/out" "aligned:" "beyond the tolerance: not aligned"
has "$T/out" "  disputed: o-31's first firearm_discharge appears only in account agency" "beyond the tolerance: first"
has "$T/out" "  disputed: o-31's second firearm_discharge appears only in account video" "beyond the tolerance: second"

# Each act is headed by its own first item (not the item of the act's index): the reach-in
# only account b tells comes first, then the hands_on both tell.
run 0 "review al-hdr" -- "$FW" --db "$DB" review al-hdr --policy ice-vehicle-stops --no-store
same "$(grep ' at t=' "$T/out" | sed 's/  policy.*//')" "al-hdr  o-31 reach_into_vehicle at t=0 s
al-hdr  o-31 hands_on at t=5 s" "act headings name each act's own type and kind"

# Warnings: what force one announced (of) is its kind.
run 0 "review al-warnings" -- rv al-warnings
has "$T/out" "  aligned: agency t=8 <-> video t=4" "warnings of deadly force aligned"
has "$T/out" "  disputed: o-31's first warning (less_lethal) appears only in account agency" "the less-lethal warning is the agency's alone"
has "$T/out" "al-warnings  o-31 warning (deadly) at t=8 s" "a warning's heading names what it announced"
same "$(jqs al-warnings '[.acts[] | "\(.act)=\(.kind):\([.items[] | .key] | join(" "))"] | join(", ")')" \
    "o-31 warning (less_lethal) #1=less_lethal:o-31@3/warning, o-31 warning (deadly) #1=deadly:o-31@8/warning o-31@4/warning" "JSON: warning acts by what they announced"

# ---- examples built as disputes ------------------------------------------------
EDB="$T/examples.db"
"$FW" --db "$EDB" init >/dev/null 2>&1
"$FW" --db "$EDB" add "$TOP"/examples/agencies.jsonl "$TOP"/examples/officers.jsonl "$TOP"/examples/*.json >/dev/null ||
    bad "adding the examples"
run 0 "review example 09" -- "$FW" --db "$EDB" review ex-09-reach-in --policy ice-vehicle-stops --no-store
has "$T/out" "  aligned: passenger-video t=9 <-> o-901-report t=12" "example 09: o-902's hands_on aligned"
has "$T/out" "  aligned: passenger-video t=0 <-> o-901-report t=10" "example 09: o-901's reach-in aligned (10 s apart)"
has "$T/out" "  decisive (no-reach-in-first): act.before_any_step  passenger-video=true  o-901-report=false" "example 09: decisive fact on the reach-in"
has "$T/out" "  decisive (command-tone): act.tone  passenger-video=hostile  o-901-report=professional" "example 09: decisive fact on the command"
run 0 "review example 04" -- "$FW" --db "$EDB" review ex-04-restrained --policy perf --no-store
has "$T/out" "  aligned: o-401-report t=45 hands_on <-> o-403-statement t=42 impact_weapon <-> bwc t=42 impact_weapon" "example 04: one act, three accounts"
has "$T/out" "  decisive (proportionality-intermediate-weapons): force.kind  o-401-report=hands_on  o-403-statement=impact_weapon  bwc=impact_weapon" "example 04: force.kind decisive"
run 0 "review example 11" -- "$FW" --db "$EDB" review ex-11-ecd --policy dhs --no-store
has "$T/out" "  disputed: o-1101's third ecd appears only in account ecd-log" "example 11: the third cycle"

finish alignment
