#!/usr/bin/env bash
# Command-line tests: every subcommand, every exit code, and that a rejected
# file leaves the database byte-for-byte unchanged.  Run from the top of the
# tree as FW=path/to/forcewatch tests/cli/run.sh; prints "N passed, N failed".
set -u
FW=${FW:-./forcewatch}
FW=$(cd "$(dirname "$FW")" && pwd)/$(basename "$FW")
TOP=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export FORCEWATCH_ACTOR=cli-test
unset FORCEWATCH_DB
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# run EXPECTED_RC DESCRIPTION -- command...: runs it, keeps stdout/stderr in $T/out, $T/err
run() {
    local want=$1 what=$2
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want"; sed 's/^/  | /' "$T/err" >&2; fi
}
# has FILE PATTERN DESCRIPTION: the file contains the fixed string
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in output"; sed 's/^/  | /' "$1" | head -20 >&2; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then bad "$3: '$2' unexpectedly in output"; else ok; fi; }

DB="$T/fw.db"
BASE="$TOP/tests/data/base.json"

# ---- help and usage -------------------------------------------------------
run 0 "--help" -- "$FW" --help
has "$T/out" "usage: forcewatch" "--help"
for cmd in init add check show list history schema review policy verify log duties training user token serve import case; do
    run 0 "$cmd --help" -- "$FW" "$cmd" --help
    has "$T/out" "usage: forcewatch $cmd" "$cmd --help"
    run 0 "help $cmd" -- "$FW" help "$cmd"
    has "$T/out" "usage: forcewatch $cmd" "help $cmd"
done
run 0 "--version" -- "$FW" --version
has "$T/out" "forcewatch " "--version"
run 2 "no command" -- "$FW"
run 2 "unknown command" -- "$FW" frobnicate
has "$T/err" "unknown command 'frobnicate'" "unknown command"
run 2 "help unknown command" -- "$FW" help frobnicate
run 2 "unknown option" -- "$FW" --db "$DB" list --colour
has "$T/err" "unknown option '--colour'" "unknown option"
run 2 "option without value" -- "$FW" --db "$DB" show x --version
has "$T/err" "needs a value" "option without value"
run 2 "flag with a value" -- "$FW" --db "$DB" list --json=yes
run 2 "missing argument" -- "$FW" --db "$DB" show
has "$T/err" "usage: forcewatch show ID" "missing argument"
run 2 "extra argument" -- "$FW" --db "$DB" history a b
run 2 "add without files" -- "$FW" --db "$DB" add

# ---- before init ------------------------------------------------------------
run 1 "add before init" -- "$FW" --db "$DB" add "$BASE"
has "$T/err" "no database at $DB (create one with 'forcewatch init')" "add before init"
[ ! -e "$DB" ] && ok || bad "add before init created the database"
run 1 "list before init" -- "$FW" --db "$DB" list

# ---- init, add, versions ----------------------------------------------------
run 0 "init" -- "$FW" --db "$DB" init
has "$T/out" "schema version 4" "init"
has "$T/out" "verifier key: forcewatch.local/fw+" "init prints the verifier key"
[ "$(stat -c %a "$DB.key")" = 600 ] && ok || bad "the signing key is not mode 0600"
[ "$(stat -c %a "$DB")" = 600 ] && ok || bad "the database is not mode 0600: $(stat -c %a "$DB")"
run 0 "init again" -- "$FW" --db "$DB" init
# A signing key others may read is refused, naming the fix.
chmod 640 "$DB.key"
run 1 "a signing key others may read" -- "$FW" --db "$DB" add "$BASE"
has "$T/err" "permissions 0640 let others read the signing key (chmod 600 $DB.key)" "loose key"
chmod 600 "$DB.key"
run 0 "add" -- "$FW" --db "$DB" add "$BASE"
has "$T/out" "1 document: 1 created, 0 updated, 0 unchanged" "add"
run 0 "add again" -- "$FW" --db "$DB" add "$BASE"
has "$T/out" "0 created, 0 updated, 1 unchanged" "add again"
sed 's/"press release"/"press release, corrected"/' "$BASE" > "$T/v2.json"
run 0 "add new version" -- "$FW" --db "$DB" add "$T/v2.json"
has "$T/out" "0 created, 1 updated, 0 unchanged" "add new version"
run 0 "add quiet" -- "$FW" --db "$DB" add -q "$T/v2.json"
[ ! -s "$T/out" ] && ok || bad "add -q printed something"

# ---- show -------------------------------------------------------------------
run 0 "show" -- "$FW" --db "$DB" show base-0001
has "$T/out" "incident base-0001  version 2 of 2" "show"
has "$T/out" "account video (video_analysis): bystander video" "show accounts"
has "$T/out" "reach_into_vehicle o-102 vehicle=v-1" "show events"
has "$T/out" "press release, corrected" "show latest"
run 0 "show --version 1" -- "$FW" --db "$DB" show base-0001 --version 1
has "$T/out" "version 1 of 2" "show --version 1"
hasnt "$T/out" "corrected" "show --version 1"
run 1 "show missing version" -- "$FW" --db "$DB" show base-0001 --version 3
has "$T/err" "incident base-0001 has no version 3" "show missing version"
run 2 "show bad version" -- "$FW" --db "$DB" show base-0001 --version two
run 1 "show missing id" -- "$FW" --db "$DB" show nothing-here
has "$T/err" "no incident with id nothing-here" "show missing id"
run 2 "pretty without json" -- "$FW" --db "$DB" show base-0001 --pretty
run 0 "show --json --pretty" -- "$FW" --db "$DB" show base-0001 --json --pretty
has "$T/out" '  "accounts": [' "show --json --pretty"

# The stored canonical bytes hash to the sha256 that history reports.
"$FW" --db "$DB" show base-0001 --json | tr -d '\n' | sha256sum | cut -d' ' -f1 > "$T/h1"
"$FW" --db "$DB" history base-0001 --json | grep -o '"sha256":"[0-9a-f]*"' | tail -1 | cut -d'"' -f4 > "$T/h2"
if [ -s "$T/h1" ] && cmp -s "$T/h1" "$T/h2"; then ok; else bad "show --json bytes do not hash to the history sha256"; fi

# ---- history ----------------------------------------------------------------
run 0 "history" -- "$FW" --db "$DB" history base-0001
[ "$(grep -c 'cli-test' "$T/out")" -eq 2 ] && ok || bad "history: expected 2 versions"
has "$T/out" "VERSION" "history header"
run 0 "history --json" -- "$FW" --db "$DB" history base-0001 --json
has "$T/out" '"version":2' "history --json"
run 1 "history missing" -- "$FW" --db "$DB" history nothing-here

# ---- list -------------------------------------------------------------------
sed -e 's/"base-0001"/"base-0002"/' -e 's/"test-agency"/"other-agency"/' \
    -e 's/"2026-01-07T09:37:00-06:00"/"2019-03-04T21:00:00-05:00"/' \
    -e 's/"2026-01-07T09:38:30-06:00"/"2019-03-04T21:01:30-05:00"/' \
    -e 's/"vehicle_stop"/"foot_pursuit"/' -e 's/"firearm_discharge"/"ecd"/g' "$BASE" > "$T/b2.json"
run 0 "add second" -- "$FW" --db "$DB" add "$T/b2.json"
run 0 "list" -- "$FW" --db "$DB" list
has "$T/out" "base-0001" "list"
has "$T/out" "base-0002" "list"
[ "$(grep -n base-0002 "$T/out" | cut -d: -f1)" -lt "$(grep -n base-0001 "$T/out" | cut -d: -f1)" ] && ok || bad "list not ordered by date"
run 0 "list --agency" -- "$FW" --db "$DB" list --agency other-agency
has "$T/out" "base-0002" "list --agency"
hasnt "$T/out" "base-0001" "list --agency"
run 0 "list --since" -- "$FW" --db "$DB" list --since 2020-01-01
hasnt "$T/out" "base-0002" "list --since"
has "$T/out" "base-0001" "list --since"
run 0 "list --until" -- "$FW" --db "$DB" list --until 2020-01-01
has "$T/out" "base-0002" "list --until"
run 0 "list --encounter" -- "$FW" --db "$DB" list --encounter foot_pursuit
has "$T/out" "base-0002" "list --encounter"
hasnt "$T/out" "base-0001" "list --encounter"
run 0 "list --force-kind" -- "$FW" --db "$DB" list --force-kind firearm_discharge
has "$T/out" "base-0001" "list --force-kind"
hasnt "$T/out" "base-0002" "list --force-kind"
run 0 "list --json" -- "$FW" --db "$DB" list --json --limit 1
has "$T/out" '"id":"base-0002"' "list --json"
hasnt "$T/out" '"id":"base-0001"' "list --limit"
run 0 "list nothing" -- "$FW" --db "$DB" list --agency nobody --json
has "$T/out" "[]" "list nothing --json"
run 2 "list bad date" -- "$FW" --db "$DB" list --since 2020-13-01
has "$T/err" "--since needs a date YYYY-MM-DD" "list bad date"
run 2 "list bad encounter" -- "$FW" --db "$DB" list --encounter joyride
has "$T/err" "expected one of vehicle_stop" "list bad encounter"
run 2 "list bad force kind" -- "$FW" --db "$DB" list --force-kind taser
run 2 "list bad limit" -- "$FW" --db "$DB" list --limit 0

# ---- rejection: every problem reported, nothing changed ----------------------
sha() { sha256sum "$DB" | cut -d' ' -f1; }
before=$(sha)
sed -e 's/"tone": "firm"/"tone": "angry"/' -e 's/"o-101", "role"/"o-101", "role": "hero", "x"/' "$BASE" > "$T/bad.json"
run 3 "add invalid" -- "$FW" --db "$DB" add "$T/bad.json"
has "$T/err" "$T/bad.json: accounts[0].events[0].tone: unknown value \"angry\"" "invalid: first problem"
has "$T/err" "$T/bad.json: rejected: " "invalid: summary"
has "$T/err" "nothing stored" "invalid: summary"
[ "$before" = "$(sha)" ] && ok || bad "a rejected file changed the database"
[ ! -e "$DB-wal" ] && ok || bad "a rejected file left a WAL file behind"

# JSON Lines: good lines then bad ones; nothing from the file is stored.
{ "$FW" --db "$DB" show base-0001 --json | sed 's/"base-0001"/"jl-1"/'
  "$FW" --db "$DB" show base-0001 --json | sed 's/"base-0001"/"jl-2"/'
  "$FW" --db "$DB" show base-0001 --json | sed -e 's/"base-0001"/"jl-3"/' -e 's/"fatal"/"dead"/'
  echo
  echo '{"id": "jl-4", "agency": "x"}'
  echo '{not json'
} > "$T/mixed.jsonl"
run 3 "add mixed JSON Lines" -- "$FW" --db "$DB" add "$T/mixed.jsonl"
has "$T/err" "$T/mixed.jsonl:3: accounts[1].events[5].severity: unknown value \"dead\"" "jsonl line 3"
has "$T/err" "$T/mixed.jsonl:5: occurred_at: required field missing" "jsonl line 5"
has "$T/err" "$T/mixed.jsonl:5: officers: required field missing" "jsonl line 5 again"
has "$T/err" "$T/mixed.jsonl:6: invalid JSON at line 1" "jsonl line 6"
has "$T/err" "5 problems in 3 of 5 documents" "jsonl summary"
[ "$before" = "$(sha)" ] && ok || bad "a rejected JSON Lines file changed the database"
run 1 "rejected docs not stored" -- "$FW" --db "$DB" show jl-1

# One good and one bad file: the good one is stored, the exit code says invalid.
head -2 "$T/mixed.jsonl" > "$T/good.jsonl"
run 3 "good and bad files" -- "$FW" --db "$DB" add "$T/good.jsonl" "$T/bad.json"
has "$T/out" "good.jsonl: 2 documents: 2 created" "good file stored"
run 0 "good file readable" -- "$FW" --db "$DB" show jl-2

# Standard input, auto-detected JSON Lines and whole documents.
before=$(sha)
run 0 "add from stdin (JSON Lines)" -- sh -c "sed 's/jl-/in-/' '$T/good.jsonl' | '$FW' --db '$DB' add -"
has "$T/out" "-: 2 documents: 2 created" "stdin JSON Lines"
run 0 "add from stdin (one document)" -- sh -c "'$FW' --db '$DB' add - < '$T/b2.json'"
has "$T/out" "-: 1 document: 0 created, 0 updated, 1 unchanged" "stdin document"
run 3 "empty input" -- sh -c "'$FW' --db '$DB' add - < /dev/null"
has "$T/err" "-: no documents" "empty input"
run 1 "unreadable file" -- "$FW" --db "$DB" add "$T/does-not-exist.json"
has "$T/err" "cannot open $T/does-not-exist.json" "unreadable file"

# An over-long line is reported by number and skipped, not read into memory.
{ head -1 "$T/good.jsonl"; head -c 1100000 /dev/zero | tr '\0' ' '; echo; } > "$T/long.jsonl"
run 3 "over-long line" -- "$FW" --db "$DB" add "$T/long.jsonl"
has "$T/err" "$T/long.jsonl:2: document is 1100000 bytes, over the limit of 1048576" "over-long line"

# ---- environment ------------------------------------------------------------
run 0 "FORCEWATCH_DB" -- env FORCEWATCH_DB="$DB" "$FW" list --agency other-agency
has "$T/out" "base-0002" "FORCEWATCH_DB"
(cd "$T" && "$FW" init >/dev/null 2>&1) && [ -f "$T/forcewatch.db" ] && ok || bad "default database ./forcewatch.db"


# ---- policies and reviews -------------------------------------------------------
TP="$TOP/tests/data/policies"
run 0 "policy list" -- "$FW" --policies "$TP" policy list
has "$T/out" "vt-2023" "policy list"
has "$T/out" "2015-01-01 2022-12-31" "policy list dates"
run 0 "policy show" -- "$FW" --policies "$TP" policy show vt-2023
has "$T/out" "require vehicle.toward_officer or officer.in_vehicle_path" "policy show"
run 1 "policy show missing" -- "$FW" --policies "$TP" policy show nope
run 2 "policy bad subcommand" -- "$FW" --policies "$TP" policy frob
run 0 "policy test" -- "$FW" --policies "$TP" policy test
has "$T/out" "policy tests: 11 passed, 0 failed" "policy test"
run 0 "policy test one" -- "$FW" --policies "$TP" policy test vt-2020
has "$T/out" "policy tests: 2 passed, 0 failed" "policy test one"
# A wrong expectation and a missing one are both failures.
mkdir -p "$T/pol/tests"
cp "$TP"/vt-2023.policy "$T/pol/"
sed -e 's/video   moving-vehicle   out/video   moving-vehicle   within/' -e '/agency  aimed/d' -e '/^decisive/d' \
    -e "s|\.\./\.\./base.json|$TOP/tests/data/base.json|" "$TP/tests/vt-2023.tests" > "$T/pol/tests/vt-2023.tests"
run 1 "policy test failing" -- "$FW" --policies "$T/pol" policy test
has "$T/err" "o-101@4.6 video moving-vehicle: expected within, got out" "policy test wrong expectation"
has "$T/err" "no expectation for o-101@4.6 agency aimed (got n/a)" "policy test missing expectation"
has "$T/err" "no 'decisive o-101@4.6 moving-vehicle' line, but vehicle.toward_officer is decisive" "policy test unlisted decisive fact"
has "$T/out" "policy tests: 4 passed, 3 failed" "policy test failing count"
printf 'policy x "t"\nversion 1\nrule r\n  cite "1"\n  says "x"\n  require threat.level >= severe\n' > "$T/bad.policy"
run 3 "policy check bad" -- "$FW" policy check "$T/bad.policy"
has "$T/err" "$T/bad.policy:6:27: 'severe' is not a value of threat_level" "policy check position"
run 0 "policy check good" -- "$FW" policy check "$TP/vt-2023.policy"
run 1 "missing policy directory" -- "$FW" --policies "$T/nowhere" policy list

RDB="$T/review.db"
"$FW" --db "$RDB" init >/dev/null
"$FW" --db "$RDB" add "$BASE" "$T/b2.json" >/dev/null
run 0 "review" -- "$FW" --db "$RDB" --policies "$TP" review base-0001
has "$T/out" "base-0001  o-101 firearm_discharge at t=4.6 s  policy vt-2023" "review header"
has "$T/out" "OUT OF POLICY    moving-vehicle [2.b, paraphrase]: " "review out of policy"
has "$T/out" "vehicle.toward_officer=false (derived from positions t=3.9)" "review derived fact"
has "$T/out" "decisive (moving-vehicle): vehicle.toward_officer  agency=true  video=false" "review decisive"
hasnt "$T/out" "vt-2020" "review picks the version in effect"
run 0 "review older incident" -- "$FW" --db "$RDB" --policies "$TP" review base-0002
has "$T/out" "policy vt-2020" "review older incident uses the older version"
run 0 "review named version" -- "$FW" --db "$RDB" --policies "$TP" review base-0001 --policy vt-2020
has "$T/out" "(what-if: not in effect on that date)" "review what-if"
run 0 "review proposal" -- "$FW" --db "$RDB" --policies "$TP" review base-0001 --policy prop
has "$T/out" "policy prop-1 (what-if: a model policy no agency of this incident adopted)" "review proposal"
run 0 "review one account" -- "$FW" --db "$RDB" --policies "$TP" review base-0001 --account video
hasnt "$T/out" "agency    :" "review --account"
run 0 "review --json" -- "$FW" --db "$RDB" --policies "$TP" review base-0001 --json --no-store
has "$T/out" '"fact": "vehicle.toward_officer"' "review --json decisive"
has "$T/out" '"outcome": "undetermined"' "review --json"
run 1 "review missing incident" -- "$FW" --db "$RDB" --policies "$TP" review nope
run 1 "review unknown policy" -- "$FW" --db "$RDB" --policies "$TP" review base-0001 --policy nope
run 2 "review without ids" -- "$FW" --db "$RDB" --policies "$TP" review
run 2 "review --all without --summary" -- "$FW" --db "$RDB" --policies "$TP" review --all
# Reviews are versioned records: the same review again changes nothing; a
# changed policy makes a new version and keeps the old one.
run 0 "review stored" -- "$FW" --db "$RDB" history base-0001:vt-2023
[ "$(grep -c '^[0-9]' "$T/out")" -eq 1 ] && ok || bad "a repeated review made a new version"
cp "$TP"/*.policy "$T/pol/"
sed -i 's/says "aiming is not deadly force"/says "aiming a firearm is not deadly force"/' "$T/pol/vt-2023.policy"
run 0 "review under a changed policy" -- "$FW" --db "$RDB" --policies "$T/pol" review base-0001
run 0 "review history" -- "$FW" --db "$RDB" history base-0001:vt-2023
[ "$(grep -c '^[0-9]' "$T/out")" -eq 2 ] && ok || bad "a changed policy did not make a new review version"
run 0 "old review readable" -- "$FW" --db "$RDB" show base-0001:vt-2023 --version 1
has "$T/out" '"says": "aiming is not deadly force"' "old review keeps the old words"
run 0 "what-if summary" -- "$FW" --db "$RDB" --policies "$TP" review --all --summary --policy vt-2023 --incidents
has "$T/out" "what-if: policy vt-2023 (adopted) over 2 incidents" "summary header"
has "$T/out" "    base-0001 o-101@4.6 video" "summary incidents"


# ---- the bundled policies --------------------------------------------------------
BP="$TOP/policies"
run 0 "bundled policy scenario tests" -- "$FW" --policies "$BP" policy test
has "$T/out" " 0 failed" "bundled policy scenario tests"
for p in dhs-2023 doj-2022 ice-vehicle-stops-1 eight-cant-wait-2020 perf-2016 no-shoot-pledge-1; do
    has "$T/out" "$p " "scenario tests of $p"
done
EDB="$T/examples.db"
"$FW" --db "$EDB" init >/dev/null
"$FW" --db "$EDB" add "$TOP"/examples/agencies.jsonl "$TOP"/examples/officers.jsonl "$TOP"/examples/*.json >/dev/null
# The disputed vehicle stop: within under the agency, out under the video,
# with vehicle.toward_officer deciding DHS's moving-vehicle rule.
run 0 "review demo-0007 under dhs" -- "$FW" --db "$EDB" --policies "$BP" review demo-0007 --policy dhs --no-store --verbose
# One account's block: from its line to the next account or decisive line.
block() { awk -v a="  $2" 'index($0, a) == 1 { on = 1; print; next } on && /^  [a-z]/ { on = 0 } on' "$1"; }
block "$T/out" agency > "$T/agency"
block "$T/out" video > "$T/video"
has "$T/agency" "within policy    moving-vehicle [VI.B.2.a]" "demo-0007: agency within on moving-vehicle"
has "$T/video" "OUT OF POLICY    moving-vehicle [VI.B.2.a]" "demo-0007: video out on moving-vehicle"
has "$T/out" "decisive (moving-vehicle): vehicle.toward_officer  agency=true  video=false" "demo-0007: decisive fact"
# The reach-in as the first step is flagged by the ICE vehicle-stop guidance.
run 0 "review reach-in" -- "$FW" --db "$EDB" --policies "$BP" review ex-09-reach-in --policy ice-vehicle-stops --no-store
has "$T/out" "OUT OF POLICY    no-reach-in-first" "reach-in flagged"
# Aiming a firearm is not deadly force under DHS 2023.
run 0 "review aimed firearm" -- "$FW" --db "$EDB" --policies "$BP" review ex-13-aimed-only --policy dhs-2023 --no-store --verbose
hasnt "$T/out" "OUT OF POLICY" "aimed firearm: nothing out of policy"
hasnt "$T/out" "undetermined     deadly" "aimed firearm: deadly-force rules do not apply"
has "$T/out" "not applicable   deadly-force-imminent-threat" "aimed firearm: deadly-force rule not applicable"



# ---- duties and training ----------------------------------------------------------
run 0 "duties" -- "$FW" --db "$EDB" --policies "$BP" duties --now 2026-11-23T00:00:00Z
has "$T/out" "demo-0007                intervention           ice-ero-stp:o-102" "intervention item for the officer present"
has "$T/out" "ex-10-silent-witness     statement_overdue      metro-pd:o-1002" "silent witness overdue"
run 0 "duties before the deadline" -- "$FW" --db "$EDB" --policies "$BP" duties --incident ex-10-silent-witness --now 2025-10-05T22:00:00-04:00
[ ! -s "$T/out" ] && ok || bad "duties before the deadline listed items"
run 0 "duties per officer" -- "$FW" --db "$EDB" --policies "$BP" duties --officer metro-pd:o-1002 --now 2026-11-23T00:00:00Z --json
has "$T/out" '"officer": "o-1002"' "duties --officer"
has "$T/out" '"registry": "metro-pd:o-1002"' "duties --officer: the registry officer's items"
hasnt "$T/out" '"officer": "o-102"' "duties --officer filters"
run 2 "duties bad time" -- "$FW" --db "$EDB" duties --now soon
for h in 0x10 inf " 12" +12 0; do
    run 2 "duties --statement-hours '$h'" -- "$FW" --db "$EDB" duties --statement-hours "$h"
    has "$T/err" "--statement-hours: expected a positive number" "statement hours '$h' refused"
done
run 0 "duties --statement-hours 12" -- "$FW" --db "$EDB" --policies "$BP" duties --statement-hours 12 --now 2026-11-23T00:00:00Z
run 0 "duties before training" -- "$FW" --db "$EDB" --policies "$BP" duties --incident ex-11-ecd --now 2026-11-23T00:00:00Z
has "$T/out" "training_device        county-so:o-1101" "an uncertified officer's item, by their registry id"
run 1 "training for an officer the registry does not hold" -- "$FW" --db "$EDB" training add o-1101 ecd --completed 2024-01-01
has "$T/err" "officer: 'o-1101' is not a registry officer" "training for a bare label"
run 0 "training add" -- "$FW" --db "$EDB" training add county-so:o-1101 ecd --completed 2024-01-01 --expires 2026-01-01
run 2 "training expiring before completion" -- "$FW" --db "$EDB" training add county-so:o-1101 ecd --completed 2024-01-01 --expires 2023-12-31
has "$T/err" "expires: 2023-12-31 is before the completion date 2024-01-01" "training dates"
run 2 "a course holding a control character" -- "$FW" --db "$EDB" training add county-so:o-1101 "$(printf 'e\tcd')" --completed 2024-01-01
has "$T/err" "course: a control character at byte 2" "course text"
run 0 "training show" -- "$FW" --db "$EDB" training show county-so:o-1101
has "$T/out" '"course":"ecd"' "training show"
run 2 "training bad date" -- "$FW" --db "$EDB" training add county-so:o-1101 ecd --completed yesterday
run 0 "duties after training" -- "$FW" --db "$EDB" --policies "$BP" duties --incident ex-11-ecd --now 2026-11-23T00:00:00Z
hasnt "$T/out" "training_device        county-so:o-1101" "certified officer has no training item"
run 0 "user add" -- "$FW" --db "$EDB" user add clerk --role board
has "$T/out" "one-time password:" "user add"
run 2 "user add bad role" -- "$FW" --db "$EDB" user add clerk2 --role king
run 1 "user add twice" -- "$FW" --db "$EDB" user add clerk --role board
run 0 "token create" -- "$FW" --db "$EDB" token create clerk
grep -qE '^fwt_[0-9a-f]{16}_[0-9a-f]{64}$' "$T/out" && ok || bad "token format"

# ---- the record log: verify, proofs, tampering ----------------------------------
command -v sqlite3 >/dev/null || { echo "cli: sqlite3 shell missing (scripts/install-deps)"; exit 1; }
LDB="$T/log.db"
"$FW" --db "$LDB" init >/dev/null 2>&1
# The examples' 33 registry officers (one file, one checkpoint), then the 15 examples.
"$FW" --db "$LDB" add "$TOP"/examples/officers.jsonl "$TOP"/examples/*.json >/dev/null
"$FW" --db "$LDB" log checkpoint > "$T/old.ckpt"
"$FW" --db "$LDB" add "$BASE" "$T/b2.json" >/dev/null
run 0 "verify" -- "$FW" --db "$LDB" verify --checkpoint "$T/old.ckpt"
has "$T/out" "verified 50 leaves and 50 records" "verify counts"
has "$T/out" "latest signed checkpoint (size 50) matches the log" "verify checkpoint"
has "$T/out" "the older checkpoint (size 48) is a prefix of today's log" "verify consistency"
run 0 "log checkpoint" -- "$FW" --db "$LDB" log checkpoint
has "$T/out" "forcewatch.local/log" "checkpoint origin"
sed -n 2p "$T/out" | grep -qx 50 && ok || bad "checkpoint tree size"
run 0 "log leaf" -- "$FW" --db "$LDB" log leaf 0
has "$T/out" '"action":"create"' "log leaf"
run 0 "log proof inclusion" -- "$FW" --db "$LDB" log proof inclusion 3
has "$T/out" "tree_size 50" "inclusion proof size"
[ "$(grep -c '^proof ' "$T/out")" -eq 6 ] && ok || bad "inclusion proof length"
run 0 "log proof consistency" -- "$FW" --db "$LDB" log proof consistency 48 50
grep -q "^old_root $(sed -n 3p "$T/old.ckpt")\$" "$T/out" && ok || bad "consistency proof old root is the old checkpoint's"
run 1 "log proof bad" -- "$FW" --db "$LDB" log proof consistency 51 50
run 2 "log bad command" -- "$FW" --db "$LDB" log frob

# Reading personal data is logged before it is shown.
run 0 "show personal data" -- "$FW" --db "$LDB" show ex-11-ecd --reason "IA case 12"
run 0 "access record" -- "$FW" --db "$LDB" show ex-11-ecd:read:50
has "$T/out" '"reason": "IA case 12"' "access record reason"
has "$T/out" '"reader": "cli-test"' "access record reader"
has "$T/out" 'subjects[0].name' "access record names the fields"
run 0 "access leaf" -- "$FW" --db "$LDB" log leaf 50
has "$T/out" '"record_type":"access"' "access leaf"
run 0 "verify after access" -- "$FW" --db "$LDB" verify
run 0 "show without personal data" -- "$FW" --db "$LDB" show base-0002
run 1 "no leaf for a plain read" -- "$FW" --db "$LDB" log leaf 51
run 1 "personal data without the key" -- "$FW" --db "$LDB" --signing-key "$T/nokey" show ex-11-ecd
has "$T/err" "its reading cannot be logged: not shown" "personal data refused without logging"
hasnt "$T/out" "occurred" "nothing shown"
# Another key does not verify the log.
"$FW" --db "$T/other.db" --signing-key "$T/other.key" init --origin other.example/log > "$T/other.out" 2>&1
OTHERKEY=$(sed -n 's/^verifier key: //p' "$T/other.out")
run 4 "verify with another key" -- "$FW" --db "$LDB" verify --key "$OTHERKEY"
has "$T/err" "the latest checkpoint does not verify: no signature by other.example/log" "verify with another key"
run 2 "verify bad key" -- "$FW" --db "$LDB" verify --key nonsense
# Writing needs the signing key.
run 1 "add without the key" -- "$FW" --db "$LDB" --signing-key "$T/nokey" add "$BASE"
has "$T/err" "no signing key at $T/nokey" "add without the key"

# Tampering: a copy of the database edited behind forcewatch's back.
tamper() { # NAME SQL: copy the log db, drop the append-only triggers, run SQL
    cp "$LDB" "$T/$1.db"
    sqlite3 "$T/$1.db" "DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete;
        DROP TRIGGER log_no_update; DROP TRIGGER log_no_delete;
        DROP TRIGGER checkpoints_no_update; DROP TRIGGER checkpoints_no_delete; $2"
}
tamper edited "UPDATE records SET body = CAST(replace(CAST(body AS TEXT), '\"firm\"', '\"calm\"') AS BLOB) WHERE log_seq = 33"
run 4 "verify: edited record" -- "$FW" --db "$T/edited.db" verify
has "$T/err" "FAILED at seq 33: seq 33: incident demo-0007 version 1 was changed" "edited record named"
tamper deleted "DELETE FROM records WHERE log_seq = 5"
run 4 "verify: deleted record" -- "$FW" --db "$T/deleted.db" verify
has "$T/err" "FAILED at seq 5: seq 5: no stored record for the leaf's" "deleted record named"
tamper swapped "UPDATE log SET seq = 1000000 WHERE seq = 3; UPDATE log SET seq = 3 WHERE seq = 4; UPDATE log SET seq = 4 WHERE seq = 1000000"
run 4 "verify: swapped leaves" -- "$FW" --db "$T/swapped.db" verify
has "$T/err" "FAILED at seq 3: seq 3: the leaf here says it is seq 4 (the log was reordered)" "swapped leaves named"
tamper leafedit "UPDATE log SET leaf = CAST(replace(CAST(leaf AS TEXT), '\"actor\":\"cli-test\"', '\"actor\":\"someone\"') AS BLOB) WHERE seq = 7"
run 4 "verify: edited leaf" -- "$FW" --db "$T/leafedit.db" verify
has "$T/err" "FAILED at seq 7: seq 7: the log leaf" "edited leaf named"
tamper leafgone "DELETE FROM log WHERE seq = 6"
run 4 "verify: deleted leaf" -- "$FW" --db "$T/leafgone.db" verify
has "$T/err" "FAILED at seq 6: seq 6 is missing from the log" "deleted leaf named"
"$FW" --db "$T/other.db" --signing-key "$T/other.key" add "$BASE" "$T/b2.json" >/dev/null
FORGED=$("$FW" --db "$T/other.db" log checkpoint | sed 's/other.example/forcewatch.local/')
tamper forged "DELETE FROM checkpoints; INSERT INTO checkpoints VALUES (50, '$FORGED', x'', '2026-01-01T00:00:00Z')"
run 4 "verify: forged checkpoint" -- "$FW" --db "$T/forged.db" verify
has "$T/err" "the latest checkpoint does not verify" "forged checkpoint"
tamper stale "DELETE FROM checkpoints WHERE size = (SELECT max(size) FROM checkpoints)"
run 4 "verify: stale checkpoint" -- "$FW" --db "$T/stale.db" verify
has "$T/err" "the latest checkpoint (size 50) is stale" "stale checkpoint"
# A log rebuilt with different history, even signed with the right key, is
# not an extension of a checkpoint a reader saved.
"$FW" --db "$T/rewrite.db" --signing-key "$T/log.db.key" init >/dev/null 2>&1
"$FW" --db "$T/rewrite.db" --signing-key "$T/log.db.key" add "$BASE" "$TOP"/examples/officers.jsonl "$TOP"/examples/*.json >/dev/null
run 4 "verify: rewritten history" -- "$FW" --db "$T/rewrite.db" --signing-key "$T/log.db.key" verify --checkpoint "$T/old.ckpt"
has "$T/err" "is not an extension of the older checkpoint of size 48" "rewritten history"


# Importing datasets: tests/import/run.sh.

# ---- check and schema -------------------------------------------------------
run 0 "check valid" -- "$FW" check "$BASE" "$T/good.jsonl"
has "$T/out" "base.json: 1 document valid" "check valid"
run 3 "check invalid" -- "$FW" --db "$T/never.db" check "$T/bad.json"
[ ! -e "$T/never.db" ] && ok || bad "check touched the database"
run 0 "check examples" -- sh -c "'$FW' check '$TOP'/examples/*.json '$TOP'/examples/*.jsonl"
run 0 "schema" -- "$FW" schema
has "$T/out" '"$schema": "https://json-schema.org/draft/2020-12/schema"' "schema"
if cmp -s "$T/out" "$TOP/docs/incident.schema.json"; then ok; else bad "docs/incident.schema.json is stale: run 'make docs'"; fi
"$TOP/scripts/gen-cli-doc" "$FW" > "$T/cli.md"
if cmp -s "$T/cli.md" "$TOP/docs/cli.md"; then ok; else bad "docs/cli.md is stale: run 'make docs'"; fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
