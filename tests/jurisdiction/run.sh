#!/usr/bin/env bash
# Jurisdiction tests (issue 13, points 2 and 3): agencies as a hierarchy
# (parents checked at write, names shown beside ids, a withdrawn mark) and
# policies in effect by date AND jurisdiction: a city police shooting is not
# judged under DHS, DOJ or ICE guidance unless named, and then as a what-if;
# an ICE shooting is judged under DHS and, with a vehicle, the ICE vehicle
# guidance; CBP gets no DOJ duty-to-intervene items and a DOJ component does;
# an agency adopting a model policy is judged under it from that date on.
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=jurisdiction-test
unset FORCEWATCH_DB
NOW=2030-01-01T00:00:00Z

# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# has FILE TEXT DESCRIPTION / hasnt FILE TEXT DESCRIPTION
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: no '$2' in:"; sed 's/^/  | /' "$1" | head -20 >&2; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then bad "$3: '$2' in:"; grep -F -- "$2" "$1" | head -5 | sed 's/^/  | /' >&2; else ok; fi; }
# run DESCRIPTION -- command...: expects exit 0; stdout in $T/out
run() {
    local what=$1
    shift 2
    if "$@" >"$T/out" 2>"$T/err"; then ok; else bad "$what: exit $?"; sed 's/^/  | /' "$T/err" | head -10 >&2; fi
}
# refused DESCRIPTION TEXT -- command...: expects a non-zero exit and TEXT on stderr
refused() {
    local what=$1 text=$2
    shift 3
    if "$@" >"$T/out" 2>"$T/err"; then bad "$what: accepted"; else has "$T/err" "$text" "$what"; fi
}

DB="$T/j.db"
"$FW" --db "$DB" init >/dev/null 2>&1
fw() { "$FW" --db "$DB" "$@"; }
# policies NAME: the policies of stored-nothing review --json of an incident, sorted
policies() { fw review --no-store --json "$@" 2>/dev/null | jq -r '[.[].policy] | unique | join(",")'; }
doj_items() { fw duties --json --now "$NOW" --incident "$1" 2>/dev/null |
    jq '[.[] | select(.kind == "intervention" and (.detail | contains("doj-2022")))] | length'; }

run "add the example agencies and incidents" -- fw add "$TOP"/examples/agencies.jsonl "$TOP"/examples/officers.jsonl "$TOP"/examples/*.json

# ---- fixtures ------------------------------------------------------------------
# A city police shooting as the Washington Post publishes it (wapo-9268, Blue Island).
cat > "$T/wapo.csv" <<'EOF'
"id","date","threat_type","flee_status","armed_with","city","county","state","latitude","longitude","location_precision","name","age","gender","race","race_source","was_mental_illness_related","body_camera","agency_ids"
"9268","2023-06-01","threat","not","gun","Blue Island","Cook","IL","41.6507016524259","-87.67019200396958","block","William Burruss","21","male","B","photo","False","False","5544"
EOF
cat > "$T/agencies.csv" <<'EOF'
"id","name","type","state","oricodes","total_shootings"
"5544","Blue Island Police Department","local_police","IL","IL01610","1"
EOF
run "import the city shooting" -- fw import wapo-v2 "$T/wapo.csv" --agencies "$T/agencies.csv"
# An ICE shooting with no vehicle (example 02's facts, an ICE office's officers).
jq 'del(.officers[].registry) | .id = "j-ice-novehicle" | .agency = "ice-ero-stp"' "$TOP/examples/02-off-duty-shooting-conflicting.json" > "$T/ice-nv.json"
# Example 07's warning shot by CBP, and the same by a DOJ component.
jq 'del(.officers[].registry) | .id = "j-usms-07" | .agency = "usms"' "$TOP/examples/07-warning-shot.json" > "$T/usms.json"
# An agency that adopted 8 Can't Wait from 2025-06-01, and its chokeholds before and after.
cat > "$T/adopt.jsonl" <<'EOF'
{"record": "agency", "id": "adopt-pd", "name": "Adopting City Police Department (fictional)", "type": "local_police", "state": "OH", "adopts": [{"policy": "eight-cant-wait", "from": "2025-06-01"}]}
{"record": "agency", "id": "adopt-pd-east", "name": "Adopting City Police, East District (fictional)", "type": "local_police", "state": "OH", "parent_id": "adopt-pd"}
EOF
jq 'del(.officers[].registry) | .id = "j-adopt-before" | .agency = "adopt-pd-east"' "$TOP/examples/06-chokehold.json" > "$T/before.json"
jq 'del(.officers[].registry) | .id = "j-adopt-after" | .agency = "adopt-pd-east" | .occurred_at = "2025-09-12T17:45:00-04:00"' \
    "$TOP/examples/06-chokehold.json" > "$T/after.json"
run "add the fixtures" -- fw add "$T/adopt.jsonl" "$T/ice-nv.json" "$T/usms.json" "$T/before.json" "$T/after.json"

# ---- a city police shooting: no federal policy unless named ---------------------
run "review the city shooting" -- fw review --no-store wapo-9268
has "$T/out" "agency Blue Island Police Department (wapo-agency-5544)" "the review names the agency"
has "$T/out" "no bundled policy governs Blue Island Police Department (wapo-agency-5544)" "says none governs it"
hasnt "$T/out" "dhs-2023" "no DHS policy"
hasnt "$T/out" "doj-2022" "no DOJ policy"
hasnt "$T/out" "ice-vehicle-stops" "no ICE guidance"
same "$(policies wapo-9268)" "" "no review in JSON"
same "$(policies ex-04-restrained)" "" "the example city police incident: none either"
run "name DHS's policy for the city shooting" -- fw review --no-store wapo-9268 --policy dhs
has "$T/out" "what-if: dhs-2023 is not in effect for this incident: it does not govern this agency" "named: a what-if line"
has "$T/out" "policy dhs-2023 (what-if: it does not govern this agency)" "named: the review header says what-if"
same "$(fw review --no-store --json wapo-9268 --policy dhs | jq -r '.[0].what_if')" true "named: what_if in JSON"
same "$(fw review --no-store --json wapo-9268 --policy ice-vehicle-stops | jq -r '.[0].what_if')" true "the ICE guidance named: what_if"

# ---- an ICE shooting ------------------------------------------------------------------
same "$(policies demo-0007)" "dhs-2023,ice-vehicle-stops-1" "ICE at a vehicle stop: DHS and the ICE vehicle guidance"
same "$(fw review --no-store --json demo-0007 | jq -r '[.[].what_if] | unique | join(",")')" false "in effect: not what-if"
same "$(policies j-ice-novehicle)" "dhs-2023" "ICE without a vehicle: DHS only"
same "$(fw review --no-store --json j-ice-novehicle --policy ice-vehicle-stops | jq -r '.[0].what_if_reason')" \
    "it does not govern this kind of encounter" "ICE guidance named without a vehicle: what-if"
same "$(policies ex-14-vehicle-toward)" "dhs-2023" "CBP at a vehicle stop: DHS, not ICE's guidance"

# ---- duties: DOJ's duty to intervene only for DOJ components ------------------------
same "$(doj_items ex-07-warning-shot)" 0 "CBP officers get no DOJ duty-to-intervene items"
same "$(doj_items ex-14-vehicle-toward)" 0 "nor at a vehicle stop"
n=$(doj_items j-usms-07)
[ "$n" -gt 0 ] && ok || bad "a DOJ component gets DOJ duty-to-intervene items: got $n"
same "$(policies j-usms-07)" "doj-2022" "a DOJ component is judged under DOJ's policy"

# ---- adoption from a date, inherited through the parent --------------------------
same "$(policies j-adopt-before)" "" "before the adoption: not under 8 Can't Wait"
same "$(policies j-adopt-after)" "eight-cant-wait-2020" "after the adoption: under it"
same "$(fw review --no-store --json j-adopt-after | jq -r '.[0].what_if')" false "adopted: not a what-if"

# ---- what-if over every incident says where the policy is in effect ----------------------
run "what-if of DHS's policy over every incident" -- fw review --all --summary --policy dhs
has "$T/out" "in effect (by date and jurisdiction) for 7 of the incidents with force; a what-if for the others" \
    "what-if counts the ICE and CBP incidents since 2023-02-06 as governed"
run "what-if of 8 Can't Wait" -- fw review --all --summary --policy eight-cant-wait
has "$T/out" "in effect (by date and jurisdiction) for 1 of the incidents" "only the adopting agency's later incident"
# A what-if of an older version counts only where that version (not the family) is in effect.
mkdir -p "$T/p2" && cp "$TOP"/policies/*.policy "$T/p2/"
sed -e 's/^version 2023/version 2025/' -e 's/^effective 2023-02-06/effective 2025-10-01/' \
    "$TOP/policies/dhs-2023.policy" > "$T/p2/dhs-2025.policy"
run "what-if of the older DHS version" -- env FORCEWATCH_POLICIES="$T/p2" "$FW" --db "$DB" review --all --summary --policy dhs-2023
has "$T/out" "in effect (by date and jurisdiction) for 1 of the incidents" "older version: only the CBP incident before the newer one took effect"
run "what-if of the newer DHS version" -- env FORCEWATCH_POLICIES="$T/p2" "$FW" --db "$DB" review --all --summary --policy dhs-2025
has "$T/out" "in effect (by date and jurisdiction) for 6 of the incidents" "newer version: the ICE and CBP incidents since 2025-10-01"
same "$(FORCEWATCH_POLICIES="$T/p2" fw review --no-store --json ex-07-warning-shot --policy dhs-2023 | jq -r '.[0].what_if')" true \
    "the single review agrees: the older version is a what-if there"

# A model policy that names the agency is still only in effect by adoption: the reason says so.
mkdir -p "$T/p3" && cp "$TOP"/policies/*.policy "$T/p3/"
sed -i '/^kind proposal/a governs agency metro-pd' "$T/p3/eight-cant-wait-2020.policy"
same "$(FORCEWATCH_POLICIES="$T/p3" fw review --no-store --json ex-06-chokehold --policy eight-cant-wait | jq -r '.[0].what_if_reason')" \
    "a model policy this incident's agencies have not adopted by that date" "a model policy naming the agency: the real reason"

# ---- names, withdrawn, parents ------------------------------------------------------
run "list" -- fw list
has "$T/out" "Metro City Police Department (metro-pd)" "list shows the agency's name"
has "$T/out" "Blue Island Police Department (wapo-agency-5544)" "list shows an imported agency's name"
same "$(fw list --json | jq -r '.[] | select(.id == "demo-0007") | .agency_name')" \
    "Northern Plains Immigration Enforcement Field Office (fictional)" "list --json: agency_name"
run "case list" -- fw case list --limit 1000
grep -Eq "^demo-0007 .*Northern Plains Immigration Enforcement Field Office \(fictional\) \(ice-ero-stp\)$" "$T/out" &&
    ok || bad "case list shows the agency's name: $(grep demo-0007 "$T/out")"
run "show an incident" -- fw show --reason test demo-0007
has "$T/out" "part of    U.S. Immigration and Customs Enforcement (ice) < U.S. Department of Homeland Security (dhs)" "show: the chain of parents"
jq -c '.withdrawn = true' <(grep '"county-so"' "$TOP/examples/agencies.jsonl") > "$T/withdrawn.jsonl"
run "withdraw an agency" -- fw add "$T/withdrawn.jsonl"
run "list after the withdrawal" -- fw list
has "$T/out" "Lake Verde County Sheriff's Office (county-so, withdrawn)" "a withdrawn agency is marked"
same "$(fw show --json county-so | jq -r .withdrawn)" true "the agency is kept, marked"
same "$(fw history county-so | tail -n +2 | wc -l | tr -d ' ')" 2 "withdrawal is a new version"

echo '{"record": "agency", "id": "dhs", "name": "U.S. Department of Homeland Security", "type": "federal_department", "parent_id": "ice-ero-stp"}' > "$T/cycle.json"
refused "a parent cycle" "parent_id: ice-ero-stp would make a cycle" -- fw add "$T/cycle.json"
same "$(fw show --json dhs | jq -r '.parent_id // "none"')" none "the refused cycle changed nothing"
echo '{"record": "agency", "id": "x-pd", "name": "X", "parent_id": "no-such-agency"}' > "$T/orphan.json"
refused "an unknown parent" "parent_id: no agency record no-such-agency is stored" -- fw add "$T/orphan.json"
echo '{"record": "agency", "id": "x-pd", "name": "X", "parent_id": "x-pd"}' > "$T/self.json"
refused "its own parent" "parent_id: agency x-pd cannot be its own parent" -- fw add "$T/self.json"
# A chain longer than 8 agencies is refused.
prev=""
: > "$T/deep.jsonl"
for i in 1 2 3 4 5 6 7 8 9; do
    if [ -n "$prev" ]; then p=", \"parent_id\": \"$prev\""; else p=""; fi
    echo "{\"record\": \"agency\", \"id\": \"deep-$i\", \"name\": \"Deep $i\"$p}" >> "$T/deep.jsonl"
    prev=deep-$i
done
refused "a chain of 9" "parent_id: the chain of parents above deep-9 would be longer than 8" -- fw add "$T/deep.jsonl"
run "verify after all that" -- fw verify

# ---- the policy language ------------------------------------------------------------------
sed 's/^governs agency dhs$/governs type federal_ministry/' "$TOP/policies/dhs-2023.policy" > "$T/bad.policy"
refused "an unknown agency type in governs" "governs type: unknown value 'federal_ministry'" -- fw policy check "$T/bad.policy"
run "policy show says whom" -- fw policy show ice-vehicle-stops
has "$T/out" "governs agency ice; vehicle; encounter vehicle_stop, vehicle_pursuit" "policy show: governs"
run "policy show of a model policy" -- fw policy show perf
has "$T/out" "governs nobody unless an agency adopts it" "policy show: model policies govern nobody"
run "policy tests still pass" -- fw policy test

# ---- the API ----------------------------------------------------------------------------
"$FW" --db "$DB" user add u-admin --role admin > /dev/null 2>&1
ADMIN=$("$FW" --db "$DB" token create u-admin)
serve_start "$DB" FORCEWATCH_NOW=$NOW ||
    { echo "jurisdiction: the server did not start"; cat "$T/serve.log"; echo "jurisdiction: 0 passed, 1 failed"; exit 1; }
get() { curl -s -H "Authorization: Bearer $ADMIN" "$U$1"; }
get "/api/v1/incidents?limit=100" > "$T/rows.json"
same "$(jq -r '.incidents[] | select(.id == "wapo-9268") | .agency_name' "$T/rows.json")" \
    "Blue Island Police Department" "API rows: agency_name"
same "$(jq -r '.incidents[] | select(.id == "ex-05-foot-pursuit") | .agency_withdrawn' "$T/rows.json")" \
    true "API rows: a withdrawn agency is marked"
same "$(get "/api/v1/incidents/demo-0007?reason=test" | jq -r '.incident.agency + " " + .agency_name')" \
    "ice-ero-stp Northern Plains Immigration Enforcement Field Office (fictional)" "API detail: agency_name"
get "/api/v1/cases?state=reported&limit=1000" > "$T/cases.json"
same "$(jq -r '.cases[] | select(.incident == "demo-0007") | .agency_name' "$T/cases.json")" \
    "Northern Plains Immigration Enforcement Field Office (fictional)" "API review queue: agency_name"
same "$(jq -r '.cases[] | select(.incident == "ex-05-foot-pursuit") | .agency_withdrawn' "$T/cases.json")" \
    true "API review queue: a withdrawn agency is marked"
get "/api/v1/incidents/wapo-9268/findings" > "$T/f.json"
same "$(jq -r '.reviews | length' "$T/f.json")" 0 "API findings: no policy for the city shooting"
same "$(jq -r .note "$T/f.json")" "no bundled policy governs Blue Island Police Department (wapo-agency-5544)" \
    "API findings: the note says so"
same "$(get "/api/v1/incidents/wapo-9268/findings?policy=dhs" | jq -r '.reviews[0].what_if')" true \
    "API findings named: what_if"
same "$(get "/api/v1/incidents/demo-0007/findings" | jq -r '[.reviews[] | .policy + ":" + (.what_if | tostring)] | join(",")')" \
    "dhs-2023:false,ice-vehicle-stops-1:false" "API findings for ICE"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    --data '{"policy": "doj"}' "$U/api/v1/incidents/ex-04-restrained/reviews")
same "$code" 200 "API review run under a named policy"
same "$(jq -r .what_if "$T/body")" true "API review run: what_if"
same "$(get "/api/v1/whatif?policy=dhs" | jq -r '.governed')" 7 "API what-if: governed"
same "$(get "/api/v1/duties" | jq '[.duties[] | select(.incident == "ex-07-warning-shot" and (.detail | contains("doj-2022")))] | length')" \
    0 "API duties: no DOJ items for CBP"
# An agency chain that cannot be read: duties answer an error, not a partial list.
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
cp "$DB" "$T/broken.db"; cp "$DB.key" "$T/broken.db.key"
sqlite3 "$T/broken.db" "DROP TRIGGER records_no_update;
    UPDATE records SET body = CAST('not json' AS BLOB) WHERE type = 'agency' AND id = 'ice-ero-stp'"
serve_start "$T/broken.db" FORCEWATCH_NOW=$NOW || { bad "the server did not start on the broken copy"; tail -5 "$T/serve.log" >&2; }
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$U/api/v1/duties?incident=demo-0007")
same "$code" 503 "API duties of an incident whose agency cannot be read: an error"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$U/api/v1/duties")
same "$code" 503 "API duties of every incident, one agency unreadable: an error"

# ---- a re-import keeps an agency's hierarchy and adoptions ---------------------------------
RDB="$T/reimport.db"
"$FW" --db "$RDB" init >/dev/null 2>&1
rfw() { "$FW" --db "$RDB" "$@"; }
run "re-import: the first import" -- rfw import wapo-v2 "$T/wapo.csv" --agencies "$T/agencies.csv"
cat > "$T/re-agencies.jsonl" <<'EOF2'
{"record": "agency", "id": "re-county", "name": "Cook County (fictional parent)", "type": "local_police", "state": "IL"}
{"record": "agency", "id": "wapo-agency-5544", "name": "Blue Island Police Department", "type": "local_police", "state": "IL", "parent_id": "re-county", "adopts": [{"policy": "eight-cant-wait", "from": "2020-01-01"}]}
EOF2
run "re-import: an analyst places the agency under a parent" -- rfw add "$T/re-agencies.jsonl"
sed 's/"IL01610","1"/"IL01610","2"/' "$T/agencies.csv" > "$T/agencies2.csv"
run "re-import: the dataset again, the agency's row changed" -- rfw import wapo-v2 "$T/wapo.csv" --agencies "$T/agencies2.csv"
run "re-import: show" -- rfw show --reason test wapo-9268
has "$T/out" "Cook County (fictional parent) (re-county)" "re-import keeps parent_id"
same "$(rfw review --no-store --json wapo-9268 2>/dev/null | jq -r '[.[].policy] | unique | join(",")')" \
    "eight-cant-wait-2020" "re-import keeps adopts"
same "$(sqlite3 "$RDB" "SELECT count(*) FROM records WHERE type = 'agency' AND id = 'wapo-agency-5544'")" 3 \
    "re-import: the changed row is a new version"
rfw verify >/dev/null 2>&1 && ok || bad "re-import: verify"

# ---- re-parenting may not push a descendant's chain past 8 agencies ------------------------
: > "$T/deep.jsonl"
for i in 0 1 2 3 4 5 6 7; do
    parent=$([ "$i" -gt 0 ] && echo ", \"parent_id\": \"deep-$((i - 1))\"")
    echo "{\"record\": \"agency\", \"id\": \"deep-$i\", \"name\": \"Deep $i\", \"type\": \"other\"$parent}" >> "$T/deep.jsonl"
done
cat >> "$T/deep.jsonl" <<'EOF2'
{"record": "agency", "id": "sub-0", "name": "Sub 0", "type": "other"}
{"record": "agency", "id": "sub-1", "name": "Sub 1", "type": "other", "parent_id": "sub-0"}
EOF2
run "a chain of 8 agencies, and a parent with a child" -- fw add "$T/deep.jsonl"
echo '{"record": "agency", "id": "sub-0", "name": "Sub 0", "type": "other", "parent_id": "deep-6"}' > "$T/reparent.jsonl"
refused "re-parenting would push the child to 9" "parent_id: deep-6 would make the chain of parents of sub-0's descendants longer than 8" \
    -- fw add "$T/reparent.jsonl"
echo '{"record": "agency", "id": "sub-0", "name": "Sub 0", "type": "other", "parent_id": "deep-5"}' > "$T/reparent.jsonl"
run "re-parenting that keeps every chain within 8" -- fw add "$T/reparent.jsonl"

# ---- the published dataset, when present ------------------------------------------------
DS="$TOP/../shared/datasets/wapo-v2"
if [ -d "$DS" ]; then
    PDB="$T/wapo.db"
    "$FW" --db "$PDB" init >/dev/null 2>&1
    if "$FW" --db "$PDB" import wapo-v2 "$DS/fatal-police-shootings-data.csv" \
        --agencies "$DS/fatal-police-shootings-agencies.csv" >/dev/null 2>&1; then ok; else bad "import the published wapo-v2"; fi
    "$FW" --db "$PDB" review --no-store wapo-9268 > "$T/out" 2>&1
    has "$T/out" "no bundled policy governs Blue Island Police Department (wapo-agency-5544) on 2023-06-01" "the published wapo-9268"
else
    echo "jurisdiction: ../shared/datasets not found; the published dataset not checked" >&2
fi

finish jurisdiction
