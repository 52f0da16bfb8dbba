#!/usr/bin/env bash
# Agreement: the command line and the API, on one database and one policy
# directory, give the same answers for findings (review), what-if and duties.
# The directory holds two adopted versions of one family both in effect at
# the incidents' dates (agr-2 from 2015, agr-10 from 2021) and a proposal of
# the same family (agr-1); their names sort agr-1 < agr-10 < agr-2, so a
# choice by name order differs from the rule: the version that took effect
# last (agr-10) wins, for review, findings and what-if alike.
# Prints "agree: N passed, N failed".
set -u
. tests/lib.sh

P="$T/policies"
mkdir -p "$P"
cat > "$P/agr-1.policy" <<'POL'
policy agr "Agreement test family"
version 1
kind proposal
status unverified

rule no-shooting
  cite "P1"
  says "no firearm discharge"
  require force.kind != firearm_discharge
POL
cat > "$P/agr-2.policy" <<'POL'
policy agr "Agreement test family"
version 2
effective 2015-01-01
governs agency test-agency
status paraphrase

rule no-deadly
  cite "2.1"
  says "no firearm discharge"
  require force.kind != firearm_discharge
POL
cat > "$P/agr-10.policy" <<'POL'
policy agr "Agreement test family"
version 10
effective 2021-01-01
governs agency test-agency
status paraphrase

rule imminent-threat
  cite "10.1"
  says "deadly force only against an imminent threat"
  when force.kind = firearm_discharge
  require threat.imminent and threat.level >= serious_bodily_injury

rule warned
  cite "10.2"
  says "warn before force"
  require warning.given
POL
export FORCEWATCH_POLICIES="$P"
NOW=2030-01-01T00:00:00Z

DB="$T/agree.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$FW" --db "$DB" add "$TOP/tests/data/base.json" >/dev/null 2>&1
sed 's/"base-0001"/"base-0002"/; s/"tone": "firm"}/"tone": "firm"}, {"t": 1.0, "type": "warning", "actor": "o-101", "of": "deadly"}/' \
    "$TOP/tests/data/base.json" > "$T/b2.json"
"$FW" --db "$DB" add "$T/b2.json" >/dev/null 2>&1 || bad "cannot add b2.json"
sed 's/"base-0001"/"base-0003"/; s/2026-01-07/2019-06-01/g' \
    "$TOP/tests/data/base.json" > "$T/b3.json"
"$FW" --db "$DB" add "$T/b3.json" >/dev/null 2>&1 || bad "cannot add b3.json"
"$FW" --db "$DB" user add agree-admin --role admin >/dev/null 2>&1
TOKEN=$("$FW" --db "$DB" token create agree-admin)
serve_start "$DB" FORCEWATCH_NOW=$NOW FORCEWATCH_POLICIES="$P" ||
    { echo "agree: the server did not start"; cat "$T/serve.log"; echo "agree: 0 passed, 1 failed"; exit 1; }
api() { curl -s -H "Authorization: Bearer $TOKEN" "$U$1"; }
same() { # same WHAT FILE_A FILE_B
    if cmp -s "$2" "$3"; then ok; else bad "$1: the command line and the API differ:"; diff "$2" "$3" | head -20 >&2; fi
}
is() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', expected '$3'"; fi; }

# The parts of a review both front-ends give (the command line adds what it stores with it).
NORM='del(.incident_version, .incident_sha256, .policy_sha256, .account)'

for id in base-0001 base-0002 base-0003; do
    # Findings under the family, by name.
    "$FW" --db "$DB" review "$id" --policy agr --json --no-store 2>"$T/err" |
        jq -S "map($NORM)" > "$T/cli-$id"
    api "/api/v1/incidents/$id/findings?policy=agr" | jq -S '.reviews' > "$T/api-$id"
    same "findings $id --policy agr" "$T/cli-$id" "$T/api-$id"
    # Findings under every policy in effect.
    "$FW" --db "$DB" review "$id" --json --no-store 2>/dev/null | jq -S "map($NORM)" > "$T/cli-all-$id"
    api "/api/v1/incidents/$id/findings" | jq -S '.reviews' > "$T/api-all-$id"
    same "findings $id" "$T/cli-all-$id" "$T/api-all-$id"
done
# The version that took effect last wins where both are in effect; before 2021 only agr-2 is.
is "version chosen for 2026" "$(jq -r '.[0].policy' "$T/cli-base-0001")" agr-10
is "version chosen for 2019" "$(jq -r '.[0].policy' "$T/cli-base-0003")" agr-2
is "one version per family in effect" "$(jq -r 'map(.policy) | join(",")' "$T/api-all-base-0001")" agr-10

# policy show of a family: the same version.
"$FW" policy show agr > "$T/show" 2>&1
is "policy show agr" "$(sed -n 's/^policy \([^:]*\):.*/\1/p' "$T/show")" agr-10

# What-if: the same version as the findings, and the same counts.
"$FW" --db "$DB" review --all --summary --policy agr > "$T/cli-whatif" 2>/dev/null
api "/api/v1/whatif?policy=agr" > "$T/api-whatif.json"
awk '/^what-if: policy/ { p=$3; n=$(NF-1) }
     /^force applications/ { gsub(/;/, ""); a=$5; o=$9 }
     /^RULE/ { r=1; next } /^$/ { r=0 } r && NF == 3 { rules = rules $1 ":" $2 ":" $3 " " }
     END { print p, n, a, o; print rules }' "$T/cli-whatif" > "$T/cli-whatif.txt"
jq -r '"\(.policy) \(.incidents) \(.applications) \(.out_of_policy)",
       (.rules | map("\(.rule):\(.out):\(.undetermined)") | join(" ") + " ")' \
    "$T/api-whatif.json" > "$T/api-whatif.txt"
same "what-if" "$T/cli-whatif.txt" "$T/api-whatif.txt"
is "what-if version is the findings' version" "$(jq -r .policy "$T/api-whatif.json")" \
    "$(jq -r '.[0].policy' "$T/api-base-0001")"

# Duties: every incident, and one.
"$FW" --db "$DB" duties --json --now $NOW 2>/dev/null | jq -S 'sort_by(.incident, .kind, .officer)' > "$T/cli-duties"
api "/api/v1/duties" | jq -S '.duties | sort_by(.incident, .kind, .officer)' > "$T/api-duties"
same "duties" "$T/cli-duties" "$T/api-duties"
if [ "$(jq length "$T/cli-duties")" -gt 0 ]; then ok; else bad "duties: none listed"; fi
"$FW" --db "$DB" duties --incident base-0002 --json --now $NOW 2>/dev/null | jq -S . > "$T/cli-duty-2"
api "/api/v1/duties?incident=base-0002" | jq -S '.duties' > "$T/api-duty-2"
same "duties of base-0002" "$T/cli-duty-2" "$T/api-duty-2"

kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
pid=
finish agree
