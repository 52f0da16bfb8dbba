#!/usr/bin/env bash
# Provenance tests (issue 13, point 4): every imported incident is a
# public_record; a public record raises no duty item and opens no review case,
# while the same incident reported through the workflow (by `add` or the API)
# raises both; a public record is still listed, counted in statistics,
# reviewable, and its case can be moved on purpose.  Small samples in the
# published layouts are made here; the published datasets (../shared/datasets)
# are imported too when present, but nothing depends on them.
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=provenance-test
unset FORCEWATCH_DB
NOW=2030-01-01T00:00:00Z

# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# run DESCRIPTION -- command...: expects exit 0; stdout in $T/out
run() {
    local what=$1
    shift 2
    if "$@" >"$T/out" 2>"$T/err"; then ok; else bad "$what: exit $?"; sed 's/^/  | /' "$T/err" | head -10 >&2; fi
}

DB="$T/p.db"
"$FW" --db "$DB" init >/dev/null 2>&1
fw() { "$FW" --db "$DB" "$@"; }
ndut() { fw duties --json --now "$NOW" "$@" 2>/dev/null | jq length; }
# work INCIDENT: the kinds of its statement and medical-aid items, sorted (the
# training item depends on the other incidents listed before it)
work() { fw duties --json --now "$NOW" --incident "$1" 2>/dev/null |
    jq -r '[.[].kind | select(. == "statement_overdue" or . == "medical_aid")] | sort | join(",")'; }

# ---- samples in the published layouts -----------------------------------------
cat > "$T/wapo.csv" <<'EOF'
"id","date","threat_type","flee_status","armed_with","city","county","state","latitude","longitude","location_precision","name","age","gender","race","race_source","was_mental_illness_related","body_camera","agency_ids"
"3","2015-01-02","point","not","gun","Shelton","Mason","WA","47.246826","-123.121592","not_available","Tim Elliot","53","male","A","not_available","True","False","73"
"4","2015-01-02","point","not","gun","Aloha","Washington","OR","45.4874214","-122.8916961","not_available","Lewis Lee Lembke","47","male","W","not_available","False","False","70"
EOF
cat > "$T/agencies.csv" <<'EOF'
"id","name","type","state","oricodes","total_shootings"
"73","Mason County Sheriff's Office","sheriff","WA","WA0230000","1"
"70","Washington County Sheriff's Office","sheriff","OR","OR0340000","1"
EOF
cat > "$T/st.csv" <<'EOF'
county,name,weapon,weaponDetail,age,race,gender,date,time
King,"Albrecht, David Gary",Firearm,,22,White,Male,08/10/2011,1:10 PM
Spokane,"Alford, Jerome ",No weapon,,33,Black,Male,03/24/2007,10:14 AM
EOF
run "import wapo-v2 sample" -- fw import wapo-v2 "$T/wapo.csv" --agencies "$T/agencies.csv"
run "import seattletimes sample" -- fw import seattletimes "$T/st.csv"
same "$(fw list --json | jq length)" 4 "the imported incidents are listed"

# Every imported incident is marked, whatever profile imported it.
same "$(fw show --json --reason test wapo-3 | jq -r .provenance)" public_record "wapo-v2 marks public_record"
st=$(fw list --json | jq -r '.[].id' | grep '^seattletimes-' | head -1)
same "$(fw show --json --reason test "$st" | jq -r .provenance)" public_record "seattletimes marks public_record"
for p in "$TOP"/profiles/*.profile; do
    grep -qx 'provenance public_record' "$p" && ok || bad "$(basename "$p") does not say 'provenance public_record'"
done
# wapo-v1: the same rows in its 14-column layout.
printf 'id,name,date,manner_of_death,armed,age,gender,race,city,state,signs_of_mental_illness,threat_level,flee,body_camera\r\n3,Tim Elliot,2015-01-02,shot,gun,53,M,A,Shelton,WA,True,attack,Not fleeing,False\r\n' > "$T/v1.csv"
V1DB="$T/v1.db"
"$FW" --db "$V1DB" init >/dev/null 2>&1
run "import wapo-v1 sample" -- "$FW" --db "$V1DB" import wapo-v1 "$T/v1.csv"
same "$("$FW" --db "$V1DB" show --json --reason test wapo-3 | jq -r .provenance)" public_record "wapo-v1 marks public_record"
same "$("$FW" --db "$V1DB" duties --json --now "$NOW" | jq length)" 0 "wapo-v1 import raises no duty item"

# A profile's own `provenance` line: an agency importing its own reports says
# workflow; a value outside the enumeration is refused with its line.
sed 's/^provenance public_record$/provenance workflow/' "$TOP/profiles/wapo-v2.profile" > "$T/own.profile"
OWN="$T/own.db"
"$FW" --db "$OWN" init >/dev/null 2>&1
run "import through a profile that says workflow" -- "$FW" --db "$OWN" import "$T/own.profile" "$T/wapo.csv"
same "$("$FW" --db "$OWN" show --json --reason test wapo-3 | jq -r .provenance)" workflow "the profile's provenance is stored"
same "$("$FW" --db "$OWN" duties --json --now "$NOW" --incident wapo-3 | jq '[.[] | select(.kind == "statement_overdue")] | length')" 1 \
    "an agency's own import raises work"
grep -v '^provenance' "$TOP/profiles/wapo-v2.profile" > "$T/none.profile"
run "import through a profile without a provenance line" -- "$FW" --db "$OWN" import "$T/none.profile" "$T/wapo.csv"
same "$("$FW" --db "$OWN" show --json --reason test wapo-3 | jq -r .provenance)" public_record "a profile without the line imports public records"
sed 's/^provenance public_record$/provenance press/' "$TOP/profiles/wapo-v2.profile" > "$T/bad.profile"
if "$FW" --db "$OWN" import "$T/bad.profile" "$T/wapo.csv" >"$T/out" 2>"$T/err"; then bad "provenance press accepted"; else ok; fi
grep -qF "bad.profile:6: expected 'provenance VALUE', one of workflow, investigation, public_record" "$T/err" && ok ||
    bad "the profile error names the line: $(head -c 200 "$T/err")"
same "$("$FW" schema | jq -r '."$defs".provenance.enum | join(",")')" \
    "workflow,investigation,public_record" "the JSON Schema has the enumeration"

# ---- public records raise no work -----------------------------------------------
same "$(ndut)" 0 "imported public records raise no duty item"
same "$(ndut --incident wapo-3)" 0 "no duty item for one public record either"
same "$(ndut --officer o-1)" 0 "the placeholder officer o-1 owes no statement"
fw case show wapo-3 > "$T/case.json" 2>/dev/null
same "$(jq -r .opened "$T/case.json")" false "a public record's case is not opened"
same "$(jq -r .state "$T/case.json")" reported "its unopened case shows its state"

# ---- the same incident, reported through the workflow, raises them ----------------
fw show --json --reason test wapo-3 | jq '.id = "wf-3" | .sources = ["wf-3"] | del(.provenance)' > "$T/wf.json"
run "add as workflow (no provenance: the default)" -- fw add "$T/wf.json"
fw show --json --reason test wapo-3 | jq '.id = "inv-3" | .sources = ["inv-3"] | .provenance = "investigation"' > "$T/inv.json"
run "add as investigation" -- fw add "$T/inv.json"
fw duties --json --now "$NOW" > "$T/duties.json"
same "$(work wf-3)" "medical_aid,statement_overdue" "the workflow incident raises its items"
same "$(jq '[.[] | select(.incident == "wf-3")] | length > 0' "$T/duties.json")" true "the list of all duties has them"
same "$(work inv-3)" "medical_aid,statement_overdue" "an investigation raises items"
same "$(jq '[.[] | select(.incident | startswith("wapo-") or startswith("seattletimes-"))] | length' "$T/duties.json")" 0 \
    "still none for the public records"
same "$(fw case show wf-3 | jq -r 'has("opened")')" false "a workflow incident's case is open"
# An explicit "provenance": "workflow" is the same as none.
jq '.id = "wf-3b" | .sources = ["wf-3b"] | .provenance = "workflow"' "$T/wf.json" > "$T/wfb.json"
run "add with provenance workflow" -- fw add "$T/wfb.json"
same "$(work wf-3b)" "medical_aid,statement_overdue" "explicit workflow raises items"
# A value outside the enumeration is refused, with its path.
jq '.id = "bad-3" | .provenance = "press"' "$T/wf.json" > "$T/bad.json"
if fw add "$T/bad.json" >"$T/out" 2>"$T/err"; then bad "an unknown provenance was accepted"; else ok; fi
grep -q 'provenance' "$T/err" && ok || bad "the refusal names provenance: $(head -c 200 "$T/err")"

# ---- a public record stays listed, counted and reviewable ------------------------
same "$(fw list --json | jq '[.[] | select(.id == "wapo-3")] | length')" 1 "a public record is listed"
same "$(fw stats --by state --format json | jq '[.. | objects | select(.state? == "OR") | .count] | add')" 1 \
    "a public record is counted in statistics"
run "review a public record" -- fw review wapo-4
grep -q 'wapo-4' "$T/out" && ok || bad "review names the incident"
run "move a public record's case on purpose" -- fw case move wapo-4 supervisor_review --now "$NOW"
same "$(fw case show wapo-4 | jq -r '.state + " " + (has("opened") | tostring)')" "supervisor_review false" \
    "moving it opens the case"

# ---- the API: the queue, duties, meta, and an incident POSTed --------------------
"$FW" --db "$DB" user add u-admin --role admin > /dev/null 2>&1
ADMIN=$("$FW" --db "$DB" token create u-admin)
serve_start "$DB" FORCEWATCH_NOW=$NOW ||
    { echo "provenance: the server did not start"; cat "$T/serve.log"; echo "provenance: 0 passed, 1 failed"; exit 1; }
get() { curl -s -H "Authorization: Bearer $ADMIN" "$U$1"; }
get "/api/v1/cases?limit=1000" > "$T/cases.json"
same "$(jq -r '[.cases[].incident] | sort | join(",")' "$T/cases.json")" "inv-3,wapo-4,wf-3,wf-3b" \
    "the queue: the workflow incidents and the public record taken up, no other public record"
same "$(get "/api/v1/cases?state=reported&limit=1000" | jq -r '[.cases[].incident] | sort | join(",")')" "inv-3,wf-3,wf-3b" \
    "the reported queue holds no public record"
get "/api/v1/duties" > "$T/apiduties.json"
same "$(jq '[.duties[].incident | select(startswith("wapo-") or startswith("seattletimes-"))] | length' "$T/apiduties.json")" 0 \
    "the API's duties hold no public record"
same "$(jq '[.duties[].incident | select(. == "wf-3")] | length > 0' "$T/apiduties.json")" true \
    "the API's duties hold the workflow incident's"
same "$(get "/api/v1/meta" | jq -r '.enums.provenance | join(",")')" "workflow,investigation,public_record" \
    "/api/v1/meta serves the enumeration"
jq '.id = "api-3" | .sources = ["api-3"]' "$T/wf.json" > "$T/api.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    --data-binary @"$T/api.json" "$U/api/v1/incidents")
same "$code" 201 "POST an incident without provenance"
same "$(get "/api/v1/cases?state=reported&limit=1000" | jq '[.cases[] | select(.incident == "api-3")] | length')" 1 \
    "an incident sent through the API opens a case"
same "$(work api-3)" "medical_aid,statement_overdue" "an incident sent through the API raises items"
jq '.id = "api-pub" | .sources = ["api-pub"] | .provenance = "public_record"' "$T/wf.json" > "$T/apipub.json"
curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    --data-binary @"$T/apipub.json" "$U/api/v1/incidents"
same "$(get "/api/v1/cases?limit=1000" | jq '[.cases[] | select(.incident == "api-pub")] | length')" 0 \
    "a press record sent through the API opens no case"
same "$(ndut --incident api-pub)" 0 "a press record sent through the API raises no item"

# ---- the published datasets, when present -------------------------------------------
DS="$TOP/../shared/datasets"
if [ -d "$DS" ]; then
    RDB="$T/real.db"
    "$FW" --db "$RDB" init >/dev/null 2>&1
    run "import the published wapo-v2 file" -- "$FW" --db "$RDB" import wapo-v2 "$DS/wapo-v2/fatal-police-shootings-data.csv" \
        --agencies "$DS/wapo-v2/fatal-police-shootings-agencies.csv"
    run "import the published seattletimes file" -- "$FW" --db "$RDB" import seattletimes "$DS/seattletimes/deadly-force-data.csv"
    same "$("$FW" --db "$RDB" duties --json --now "$NOW" | jq length)" 0 "the published datasets raise no duty item"
    same "$("$FW" --db "$RDB" list --json | jq '[.[] | select(.id | startswith("wapo-") or startswith("seattletimes-"))] | length')" 9731 \
        "every published row is listed"
else
    echo "provenance: ../shared/datasets not found; the published datasets not checked" >&2
fi

finish provenance
