#!/usr/bin/env bash
# Acts other than force (issue 14, point 3): a rule 'on reach_into_vehicle' or 'on command'
# judges each such act at its own moment against its own actor, whether or not force
# follows.  Checked: the scenario file of a test policy (and that a wrong expectation in it
# fails); example 09's reach-in judged against o-901 at t=0 (video) and t=10 (report) under
# the bundled ICE guidance, its force applications no longer judged by the reach-in rule; a
# reach-in with no force after it judged; a hostile command judged against its own actor; a
# rule on command that never sees force facts (the checker refuses them; its items carry
# none); 'on' refused for events that are not an officer's act (a threat, an absence); scenario
# lines naming a repeat (KEY#2: '#' starts a comment only at a line start or after a blank); no
# duty to intervene from an act that is not force; what-if counts acts apart, and
# its governed count is of the incidents with force, whichever policies run together; a reach-in
# that an incomplete account tells with nothing before it is undetermined (silence is not a
# finding), out when the account states the absence of every step.
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=acts-test
unset FORCEWATCH_DB
HERE=$TOP/tests/acts

# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# run DESCRIPTION -- command...: expects exit 0; stdout in $T/out
run() {
    local what=$1
    shift 2
    if "$@" >"$T/out" 2>"$T/err"; then ok; else bad "$what: exit $?"; sed 's/^/  | /' "$T/err" | head -10 >&2; fi
}
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: no '$2'"; fi; }

# ---- the scenario file of the test policy ------------------------------------------
run "policy test acts-test-1" -- "$FW" --policies "$HERE/policies" policy test acts-test-1
has "$T/out" "policy tests: 7 passed, 0 failed" "scenario file: every act checked"
# The runner must fail when an act's outcome is not the expected one, and when an act
# has no expectation at all: a copy of the file with one line changed, one line dropped.
mkdir -p "$T/pol/tests" "$T/incidents"
cp "$HERE/policies/acts-test-1.policy" "$T/pol/"
cp "$HERE"/incidents/*.json "$T/incidents/"
sed 's|^o-2@2/command video command-tone out$|o-2@2/command video command-tone within|' \
    "$HERE/policies/tests/acts-test-1.tests" > "$T/pol/tests/acts-test-1.tests"
if "$FW" --policies "$T/pol" policy test acts-test-1 >"$T/out" 2>&1; then
    bad "a wrong outcome for o-2's hostile command passed"
else
    has "$T/out" "o-2@2/command video command-tone: expected within, got out" "wrong outcome reported"
fi
grep -v '^o-1@0/reach_into_vehicle ' "$HERE/policies/tests/acts-test-1.tests" > "$T/pol/tests/acts-test-1.tests"
if "$FW" --policies "$T/pol" policy test acts-test-1 >"$T/out" 2>&1; then
    bad "a reach-in without an expectation passed"
else
    has "$T/out" "no expectation for o-1@0/reach_into_vehicle video reach-first (got out)" "missing act reported"
fi

# A repeat in one account (two reach-ins by o-1 at t=0, two takedowns at t=8) has the key
# ACTOR@T#2: a scenario line can name it, since '#' starts a comment only at a line's start
# or after a space or tab.
mkdir -p "$T/rep/tests"
cp "$HERE/policies/acts-test-1.policy" "$T/rep/"
cat > "$T/rep/repeat.json" <<'JSON'
{"id": "acts-repeat", "agency": "ice-ero-stp", "occurred_at": "2026-02-03T10:00:00-06:00",
 "location": {"type": "street", "city": "Saint Paul", "state": "MN"}, "encounter": "vehicle_stop",
 "summary": "Test incident (tests/acts): o-1 reaches in twice at once, then takes the driver down twice.",
 "officers": [{"id": "o-1", "role": "applied_force"}],
 "subjects": [{"id": "s-1", "in_vehicle": "v-1"}],
 "vehicles": [{"id": "v-1", "kind": "car", "driver": "s-1"}],
 "accounts": [{"id": "video", "kind": "video_analysis", "source": "test", "complete": true, "events": [
   {"t": 0, "type": "reach_into_vehicle", "actor": "o-1", "vehicle": "v-1"},
   {"t": 0, "type": "reach_into_vehicle", "actor": "o-1", "vehicle": "v-1"},
   {"t": 6, "type": "resist", "actor": "s-1", "level": "active"},
   {"t": 8, "type": "force", "actor": "o-1", "kind": "takedown", "target": "s-1"},
   {"t": 8, "type": "force", "actor": "o-1", "kind": "takedown", "target": "s-1"}]}]}
JSON
printf '%s\n' '# repeats: the second of each is KEY#2' 'incident ../repeat.json   # one account' \
    'o-1@0/reach_into_vehicle video reach-first out' \
    'o-1@0/reach_into_vehicle#2 video reach-first out	# a tab before the comment' \
    'o-1@8 video takedown-resisting within' 'o-1@8#2 video takedown-resisting within #2 again' \
    > "$T/rep/tests/acts-test-1.tests"
run "policy test with #2 keys" -- "$FW" --policies "$T/rep" policy test acts-test-1
has "$T/out" "policy tests: 4 passed, 0 failed" "scenario lines with #2 keys"
sed -i 's|^o-1@8#2 video takedown-resisting within|o-1@8#2 video takedown-resisting out|' "$T/rep/tests/acts-test-1.tests"
if "$FW" --policies "$T/rep" policy test acts-test-1 >"$T/out" 2>&1; then
    bad "a wrong outcome on a #2 line passed"
else
    has "$T/out" "o-1@8#2 video takedown-resisting: expected out, got within" "a #2 line is checked"
fi

# ---- reviews of stored incidents ------------------------------------------------------
DB="$T/a.db"
"$FW" --db "$DB" init >/dev/null 2>&1
fw() { "$FW" --db "$DB" "$@"; }
run "add incidents" -- fw add "$TOP/examples/agencies.jsonl" "$TOP/examples/officers.jsonl" \
    "$TOP/examples/09-reach-into-car-first.json" "$HERE"/incidents/*.json

# Example 09 under the ICE guidance: the reach-in is o-901's, at t=0 in the video (out)
# and at t=10 in o-901's report (within); no force application is judged by it.
run "review ex-09" -- fw review ex-09-reach-in --policy ice-vehicle-stops --json --no-store
R=$T/ex09.json
cp "$T/out" "$R"
app() { jq -r --arg k "$1" --arg a "$2" '.[0].applications[] | select(.key == $k and .account == $a) | '"$3" "$R"; }
same "$(app o-901@0/reach_into_vehicle passenger-video .actor)" o-901 "ex-09 video: the reach-in's actor"
same "$(app o-901@0/reach_into_vehicle passenger-video .type)" reach_into_vehicle "ex-09 video: the item is the reach-in"
same "$(app o-901@0/reach_into_vehicle passenger-video '.rules[] | select(.rule == "no-reach-in-first") | .outcome')" out "ex-09 video: reach-in at t=0 out"
same "$(app o-901@10/reach_into_vehicle o-901-report '.rules[] | select(.rule == "no-reach-in-first") | .outcome')" within "ex-09 report: reach-in at t=10 within"
same "$(app o-901@1.5/command passenger-video '.rules[] | select(.rule == "command-tone") | .outcome')" out "ex-09 video: o-901's hostile command out"
same "$(jq '[.[0].applications[] | select(.type == "force") | .rules[] | select(.rule == "no-reach-in-first" or .rule == "command-tone")] | length' "$R")" 0 \
    "ex-09: no force application judged by the reach-in or command rules"
same "$(jq '[.[0].applications[] | select(.type == "force" and .actor == "o-902")] | length' "$R")" 2 \
    "ex-09: o-902's force applications still reviewed"
same "$(jq '[.[0].applications[] | select(.type != "force") | .rules | length] | unique' -c "$R")" '[1]' \
    "ex-09: each act gets only the rule on its type"
run "review ex-09 text" -- fw review ex-09-reach-in --policy ice-vehicle-stops --no-store
has "$T/out" "o-901 reach_into_vehicle at t=0 s" "text names the reach-in and its actor"
has "$T/out" "OUT OF POLICY    no-reach-in-first" "text: reach-in flagged"

# A reach-in that no force follows is judged; so is the hostile command, against o-2.
run "review reach without force" -- fw --policies "$HERE/policies" review acts-reach-no-force --policy acts-test --json --no-store
R=$T/reach.json
cp "$T/out" "$R"
same "$(app o-1@0/reach_into_vehicle video .outcome)" out "reach-in with no force: judged, out"
same "$(app o-2@4/reach_into_vehicle video .outcome)" within "a later reach by another officer after a command: within"
same "$(app o-2@2/command video .actor)" o-2 "hostile command attributed to o-2"
same "$(jq '[.[0].applications[] | select(.type == "force")] | length' "$R")" 0 "no force applications"

# A hostile command judged against its own actor, not against the force that follows.
run "review command and force" -- fw --policies "$HERE/policies" review acts-command-force --policy acts-test --json --no-store
R=$T/cmd.json
cp "$T/out" "$R"
same "$(app o-2@3/command report .outcome)" out "o-2's hostile command out"
same "$(app o-1@0/command report .outcome)" within "o-1's professional command within"
same "$(app o-1@8 report .outcome)" within "o-1's takedown judged by the force rule only: within"
same "$(app o-1@8 report '[.rules[].rule] | join(",")')" takedown-resisting "the force application gets only the force rule"
# The rule on command never sees force facts: none among the facts its items read ...
same "$(jq '[.[0].applications[] | select(.type == "command") | .rules[].facts | keys[] | select(startswith("force."))] | length' "$R")" 0 \
    "command items read no force facts"
same "$(app o-2@3/command report '.rules[0].facts["act.tone"].value')" hostile "the command's own tone is read"
# ... and the checker refuses one, with FILE:LINE:COLUMN.
printf 'policy bad "t"\nversion 1\nrule r\n  cite "1"\n  says "x"\n  on command\n  require force.kind = hands_on\n' > "$T/bad.policy"
if "$FW" policy check "$T/bad.policy" >"$T/out" 2>&1; then bad "a force fact in a rule on command was accepted"; else
    has "$T/out" "bad.policy:7:11: rule r is on command: 'force.kind' is a fact of force events only" "force fact refused"; fi
printf 'policy bad "t"\nversion 1\nrule r\n  cite "1"\n  says "x"\n  on reach_in\n  require true\n' > "$T/bad.policy"
if "$FW" policy check "$T/bad.policy" >"$T/out" 2>&1; then bad "an unknown event type after 'on' was accepted"; else
    has "$T/out" "bad.policy:6:6: rule r: unknown event type 'reach_in' after 'on'" "unknown event type refused"; fi
# 'on' takes force and the officers' acts only: a threat is the subject's ("the officer"
# would be the subject), and an absence is an account's statement, attributed to no one.
printf 'policy bad "t"\nversion 1\nrule r\n  cite "1"\n  says "x"\n  on command, threat\n  require true\n' > "$T/bad.policy"
if "$FW" policy check "$T/bad.policy" >"$T/out" 2>&1; then bad "'on threat' was accepted"; else
    has "$T/out" "bad.policy:6:15: rule r: 'threat' is not an officer's act (after 'on': force, warning," "'on threat' refused"; fi
printf 'policy bad "t"\nversion 1\nrule r\n  cite "1"\n  says "x"\n  on absence\n  require true\n' > "$T/bad.policy"
if "$FW" policy check "$T/bad.policy" >"$T/out" 2>&1; then bad "'on absence' was accepted"; else
    has "$T/out" "bad.policy:6:6: rule r: 'on absence' is not allowed: an absence is an account's statement" "'on absence' refused"; fi

# ---- duties: no duty to intervene from an act that is not force -------------------------
# Under the ICE guidance (in effect for ice-ero-stp), o-1's reach-in and o-2's command are
# out of policy; neither is force, so o-2 and o-1 owe no intervention.
run "duties" -- fw duties --json --incident acts-reach-no-force --now 2030-01-01T00:00:00Z
same "$(jq '[.[] | select(.kind == "intervention")] | length' "$T/out")" 0 "no intervention item from acts"
run "review reach under ice" -- fw review acts-reach-no-force --json --no-store
same "$(jq -r '[.[] | .applications[] | select(.key == "o-1@0/reach_into_vehicle") | .outcome] | join(",")' "$T/out")" out \
    "the reach-in is out of policy under the policy in effect (so the duty check above means something)"

# ---- what-if: acts counted apart, incidents without force walked -----------------------
run "what-if" -- fw --policies "$HERE/policies" review --all --policy acts-test --summary
has "$T/out" "force applications (per account): 5; out of policy: 0; undetermined: 0" "what-if: force counted as before"
has "$T/out" "other acts judged (per account; not counted as force): 10; out of policy: 5; undetermined: 1" \
    "what-if: acts counted apart, the forceless incident included"
# "governed" counts the incidents WITH FORCE where the policy is in effect, whatever other
# policies run beside it: DHS governs ex-09 and acts-command-force alone and beside the ICE
# guidance (whose rules on acts walk acts-reach-no-force, an ICE incident without force);
# the ICE guidance governs acts-command-force, not the forceless reach-in.
gov() { sed -n "/^what-if: policy $1 /,/^\$/p" "$T/out" | sed -n 's/^in effect (by date and jurisdiction) for \([0-9]*\) of the incidents with force.*/\1/p'; }
run "what-if dhs" -- fw review --all --summary --policy dhs
same "$(gov dhs-2023)" 2 "what-if: DHS governs 2 incidents with force"
run "what-if dhs beside ice" -- fw review --all --summary --policy dhs --policy ice-vehicle-stops
same "$(gov dhs-2023)" 2 "what-if: DHS governs the same 2 beside the ICE guidance"
same "$(gov ice-vehicle-stops-1)" 1 "what-if: the ICE guidance's governed leaves out the incident without force"
run "what-if ice" -- fw review --all --summary --policy ice-vehicle-stops
same "$(gov ice-vehicle-stops-1)" 1 "what-if: the ICE guidance alone, the same"

# ---- silence is not a finding -----------------------------------------------------------
# (Added after the what-if, whose counts it would change.)  A civilian witness tells only
# o-1's reach-in at t=30 and is not complete: whether a command, identification, warning or
# de-escalation came before it is unknown, so the ICE reach-in rule is undetermined, not
# out.  The same account stating the absence of all four steps at t=30 makes it out.
silent() {
    local id=$1 extra=$2
    cat <<JSON
{"id": "$id", "agency": "ice-ero-stp", "occurred_at": "2026-02-04T10:00:00-06:00",
 "location": {"type": "street", "city": "Saint Paul", "state": "MN"}, "encounter": "vehicle_stop",
 "summary": "Test incident (tests/acts): a witness tells only a reach-in.",
 "officers": [{"id": "o-1", "role": "present"}],
 "subjects": [{"id": "s-1", "in_vehicle": "v-1"}],
 "vehicles": [{"id": "v-1", "kind": "car", "driver": "s-1"}],
 "accounts": [{"id": "witness", "kind": "civilian_witness", "source": "test", "events": [
   {"t": 30, "type": "reach_into_vehicle", "actor": "o-1", "vehicle": "v-1"}$extra]}]}
JSON
}
silent acts-silent-witness "" > "$T/silent.json"
silent acts-stated-witness ',
   {"t": 30, "type": "absence", "of": "command"}, {"t": 30, "type": "absence", "of": "identify"},
   {"t": 30, "type": "absence", "of": "warning"}, {"t": 30, "type": "absence", "of": "deescalate"}' > "$T/stated.json"
run "add witness incidents" -- fw add "$T/silent.json" "$T/stated.json"
run "review silent witness" -- fw review acts-silent-witness --policy ice-vehicle-stops --json --no-store
R=$T/silent-review.json
cp "$T/out" "$R"
same "$(app o-1@30/reach_into_vehicle witness '.rules[] | select(.rule == "no-reach-in-first") | .outcome')" undetermined \
    "silent incomplete account: reach-in undetermined, not out"
same "$(app o-1@30/reach_into_vehicle witness '.rules[] | select(.rule == "no-reach-in-first") | .unknown | join(",")')" \
    act.before_any_step "silent incomplete account: act.before_any_step unknown"
run "review stated witness" -- fw review acts-stated-witness --policy ice-vehicle-stops --json --no-store
cp "$T/out" "$R"
same "$(app o-1@30/reach_into_vehicle witness '.rules[] | select(.rule == "no-reach-in-first") | .outcome')" out \
    "absences of every step stated: reach-in out"
same "$(app o-1@30/reach_into_vehicle witness '.rules[] | select(.rule == "no-reach-in-first") | .facts["act.before_any_step"] | "\(.value) \(.source) \(.t)"')" \
    "true stated 30" "absences of every step stated: act.before_any_step true, stated at t=30"

finish acts
