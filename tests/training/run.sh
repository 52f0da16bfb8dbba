#!/usr/bin/env bash
# Training that matches the encounter (issue 13, point 8), through the CLI and
# the API: force in a vehicle encounter by an officer without vehicle-stop
# training current at the date of the force raises a training_vehicle_stop
# item saying why (none, expired on DATE, completed after the force); current
# training raises none; device certifications and crowd-control training are
# read at the date of the force the same way; one training item per officer
# and course in an incident, and each incident its own.
# Prints "training: N passed, N failed".
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=training-test
unset FORCEWATCH_DB
NOW=2030-01-01T00:00:00Z

# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# run WANT DESCRIPTION -- command...: expects exit WANT; stdout in $T/out, stderr in $T/err
run() {
    local want=$1 what=$2 rc
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$what: exit $rc, expected $want"; sed 's/^/  | /' "$T/err" | head -10 >&2; fi
}

DB="$T/t.db"
"$FW" --db "$DB" init >/dev/null 2>&1
fw() { "$FW" --db "$DB" "$@"; }
# item INCIDENT KIND OFFICER: that item as JSON ("null" if none)
item() { fw duties --json --now "$NOW" --incident "$1" 2>/dev/null |
    jq -c --arg k "$2" --arg o "$3" '[.[] | select(.kind == $k and .officer == $o)] | if length == 1 then .[0] elif length == 0 then null else "several" end'; }
# why INCIDENT KIND OFFICER: "TRAINING DATE" of that item, or "no item"
why() { item "$@" | jq -r 'if . == null then "no item" else "\(.training) \(.expired // .completed // "-")" end'; }

# ---- fixtures -----------------------------------------------------------------
# A vehicle stop on 2025-03-10 (local date, -05:00: 21:30 there is the 11th in
# UTC): four officers use hands-on force on the driver, o-exp also an ECD.
force() { printf '{"t":%s,"type":"force","actor":"%s","kind":"%s","target":"s-1"}' "$1" "$2" "$3"; }
incident() { # ID ENCOUNTER OCCURRED PARTIES EVENTS
    cat <<JSON
{"id":"$1","agency":"metro-pd","occurred_at":"$3","encounter":"$2","provenance":"workflow",
 "officers":[{"id":"o-none","role":"applied_force","registry":"metro-pd:o-none"},
             {"id":"o-cur","role":"applied_force","registry":"metro-pd:o-cur"},
             {"id":"o-exp","role":"applied_force","registry":"metro-pd:o-exp"},
             {"id":"o-late","role":"applied_force","registry":"metro-pd:o-late"},
             {"id":"o-by","role":"present","registry":"metro-pd:o-by"}],
 $4,
 "accounts":[{"id":"r","kind":"officer_report","source":"report","author":"o-none",
              "filed_at":"$3","events":[$5]},
             {"id":"v","kind":"video_analysis","source":"video","events":[$5]}]}
JSON
}
CAR='"subjects":[{"id":"s-1"}],"vehicles":[{"id":"v-1","kind":"car","driver":"s-1"}]'
FOOT='"subjects":[{"id":"s-1"}]'
EV="$(force 1 o-none hands_on),$(force 2 o-cur hands_on),$(force 3 o-exp hands_on),$(force 4 o-exp ecd),$(force 5 o-late hands_on),$(force 6 o-exp ecd)"
incident vs-1 vehicle_stop 2025-03-10T21:30:00-05:00 "$FOOT" "$EV" > "$T/vs-1.json"
# The same force at the driver of a car after a pursuit, and in an arrest on foot.
incident vp-1 vehicle_pursuit 2025-03-10T12:00:00Z "$CAR" "$EV" > "$T/vp-1.json"
incident ar-1 arrest 2025-03-10T12:00:00Z "$FOOT" "$EV" > "$T/ar-1.json"
# A crowd-control deployment on the same date.
incident cc-1 crowd_control 2025-03-10T12:00:00Z "$FOOT" "$(force 1 o-none hands_on)" > "$T/cc-1.json"
# The agency and its registry officers, whom the incidents link to and the
# training records belong to.
for o in o-none o-cur o-exp o-late o-by; do
    printf '{"record":"officer","id":"metro-pd:%s","agency":"metro-pd"}\n' "$o"
done > "$T/officers.jsonl"
run 0 "add the agency and its officers" -- fw add examples/agencies.jsonl "$T/officers.jsonl"
run 0 "add the fixtures" -- fw add "$T/vs-1.json" "$T/vp-1.json" "$T/ar-1.json" "$T/cc-1.json"

# Training: o-cur current, o-exp expired on 2025-03-10 (the date of the force),
# o-late completed after the force; o-none none.
run 0 "a vehicle_stops course is recorded" -- fw training add metro-pd:o-cur vehicle_stops --completed 2024-01-01 --expires 2026-01-01
run 0 "an expiring course" -- fw training add metro-pd:o-exp vehicle_stops --completed 2023-03-10 --expires 2025-03-10
run 0 "an expiring device certification" -- fw training add metro-pd:o-exp ecd --completed 2023-01-01 --expires 2025-01-31
run 0 "a course completed after the force" -- fw training add metro-pd:o-late vehicle_stops --completed 2025-03-11
run 0 "crowd-control training" -- fw training add metro-pd:o-cur crowd_control --completed 2020-01-01
run 2 "an unknown course is refused" -- fw training add metro-pd:o-cur vehicle_stop --completed 2024-01-01
grep -q "course: 'vehicle_stop' is not a known course (.*vehicle_stops)" "$T/err" && ok ||
    bad "the refusal names the courses: $(cat "$T/err")"

# ---- vehicle-stop training -------------------------------------------------------
same "$(why vs-1 training_vehicle_stop o-none)" "none -" "force in a vehicle stop without training raises an item"
same "$(item vs-1 training_vehicle_stop o-none | jq -r .course)" vehicle_stops "the item names the course"
item vs-1 training_vehicle_stop o-none | jq -r .detail | grep -q "in a vehicle encounter without current vehicle_stops training: none recorded" &&
    ok || bad "the detail says none: $(item vs-1 training_vehicle_stop o-none)"
same "$(why vs-1 training_vehicle_stop o-cur)" "no item" "current vehicle-stop training raises no item"
same "$(why vs-1 training_vehicle_stop o-exp)" "expired 2025-03-10" "training expiring on the date of the force raises an item saying expired"
item vs-1 training_vehicle_stop o-exp | jq -r .detail | grep -q "expired on 2025-03-10" &&
    ok || bad "the detail says expired on DATE"
# (The force's date is the incident's own, 2025-03-10 at -05:00, though it is
# already the 11th in UTC, when o-late's course would have counted.)
same "$(why vs-1 training_vehicle_stop o-late)" "completed_after 2025-03-11" "training completed after the force raises an item"
same "$(why vs-1 training_vehicle_stop o-by)" "no item" "an officer present who used no force has no item"
same "$(why vp-1 training_vehicle_stop o-none)" "none -" "force at a vehicle's driver after a pursuit is a vehicle encounter"
same "$(why ar-1 training_vehicle_stop o-none)" "no item" "force in an arrest on foot is not"

# ---- device certification, crowd control ------------------------------------------
same "$(why vs-1 training_device o-exp)" "expired 2025-01-31" "a device certification expired before the force raises an item"
item vs-1 training_device o-exp | jq -r .detail | grep -q "used ecd without a current ecd certification: expired on 2025-01-31" &&
    ok || bad "the device item says expired on DATE"
same "$(fw duties --json --now "$NOW" --incident vs-1 | jq '[.[] | select(.kind | startswith("training"))] | length')" 4 \
    "one item per officer and course: two ECD uses in two accounts make one"
same "$(why ar-1 training_device o-exp)" "expired 2025-01-31" "the same officer label in another incident gets its own item"
same "$(why cc-1 training_crowd_control o-none)" "none -" "crowd control without training raises an item"
same "$(why cc-1 training_crowd_control o-by)" "none -" "crowd control checks every officer deployed"
same "$(why cc-1 training_crowd_control o-cur)" "no item" "crowd-control training counts"

# ---- the CLI's table --------------------------------------------------------------
run 0 "duties table" -- fw duties --now "$NOW" --incident vs-1
grep -Eq "^vs-1 +training_vehicle_stop +metro-pd:o-none +used force" "$T/out" && ok || bad "the table lists the vehicle-stop item: $(cat "$T/out")"

# ---- the API ---------------------------------------------------------------------
"$FW" --db "$DB" user add u-admin --role admin >/dev/null 2>&1
ADMIN=$("$FW" --db "$DB" token create u-admin)
serve_start "$DB" FORCEWATCH_NOW=$NOW ||
    { echo "training: the server did not start"; cat "$T/serve.log"; echo "training: $pass passed, $((fail + 1)) failed"; exit 1; }
get() { curl -s -H "Authorization: Bearer $ADMIN" "$U$1"; }
get "/api/v1/meta" > "$T/meta.json"
same "$(jq '.duty_kinds | index("training_vehicle_stop") != null' "$T/meta.json")" true "/api/v1/meta serves the item kind"
same "$(jq '.training_courses | index("vehicle_stops") != null' "$T/meta.json")" true "/api/v1/meta serves the course"
same "$(get "/api/v1/duties?incident=vs-1" | jq -c '[.duties[] | select(.kind == "training_vehicle_stop") | [.officer, .training, (.expired // .completed // "-")]] | sort')" \
    '[["o-exp","expired","2025-03-10"],["o-late","completed_after","2025-03-11"],["o-none","none","-"]]' \
    "the API's duties: the vehicle-stop items with why"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    --data-binary '{"course":"vehicle_stops","completed":"2024-06-01"}' "$U/api/v1/officers/metro-pd:o-none/training")
same "$code" 201 "the API records a vehicle_stops course"
same "$(why vs-1 training_vehicle_stop o-none)" "no item" "then the officer's item is gone"

finish training
