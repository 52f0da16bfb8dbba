#!/usr/bin/env bash
# The officer registry (issue 13, point 1) through the command line and a real
# server: an officer in two incidents of one agency is one person (the profile
# lists both); the same label in another agency is another person (not in the
# profile, not in duties --officer); links are checked at every write, naming
# the path; an officer user sees only incidents they are linked in (404
# otherwise) and files statements only as that officer; training only for a
# registry officer of the writer's agency, found through the link; importing
# the public datasets creates no officer records; /api/v1/officers by role and
# agency.  Prints "registry: N passed, N failed".
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=registry-test
unset FORCEWATCH_DB
NOW=2030-01-01T00:00:00Z

same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# run WANT_RC DESCRIPTION -- command...: stdout in $T/out, stderr in $T/err
run() {
    local want=$1 what=$2
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$what: exit $rc, expected $want"; sed 's/^/  | /' "$T/err" | head -5 >&2; fi
}
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(head -c 400 "$1")"; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then bad "$3: '$2' unexpectedly in $(head -c 400 "$1")"; else ok; fi; }

DB="$T/r.db"
"$FW" --db "$DB" init >/dev/null 2>&1
fw() { "$FW" --db "$DB" "$@"; }
officers() { sqlite3 "$DB" "SELECT count(DISTINCT id) FROM records WHERE type = 'officer'"; }

# ---- registry officers ---------------------------------------------------------------
run 0 "add an officer from options" -- fw officer add --id metro-pd:o-7 --agency metro-pd --name "Officer Seven" --badge 707 --status active
has "$T/out" "metro-pd:o-7: version 1 (created)" "officer add --id"
cat > "$T/officers.jsonl" <<'JL'
{"record": "officer", "id": "county-so:o-7", "agency": "county-so", "name": "Deputy Seven", "assignments": [{"unit": "District 1", "from": "2018-01-01", "to": "2021-06-30"}, {"unit": "District 2", "from": "2021-07-01"}]}
{"record": "officer", "id": "metro-pd:o-8", "agency": "metro-pd", "name": "Officer Eight"}
JL
run 0 "add officers from a file" -- fw officer add "$T/officers.jsonl"
has "$T/out" "2 created" "officer add FILE"
jq -c '.id = "not-an-officer"' "$TOP/tests/data/base.json" > "$T/mixed.jsonl"
printf '%s\n' '{"record": "officer", "id": "metro-pd:o-9", "agency": "metro-pd"}' >> "$T/mixed.jsonl"
tac "$T/mixed.jsonl" > "$T/mixed2.jsonl"   # the officer first, then the incident
run 3 "officer add FILE refuses other documents" -- fw officer add "$T/mixed2.jsonl"
has "$T/err" "mixed2.jsonl:2: record: incident not-an-officer: only officer records are taken here" "the line and the kind named"
run 1 "nothing of it stored" -- fw show not-an-officer
run 1 "... not even the officer" -- fw show metro-pd:o-9
run 0 "a new version of an officer" -- fw officer add --id metro-pd:o-7 --agency metro-pd --name "Officer Seven" --badge 707 --rank sergeant --status active
has "$T/out" "metro-pd:o-7: version 2 (updated)" "officer versions"
run 3 "an id that is not AGENCY:LABEL" -- fw officer add --id o-9 --agency metro-pd
has "$T/err" "id: \"o-9\" must be the agency's id, ':' and a label (\"metro-pd:LABEL\")" "id rule named"
run 3 "another agency's prefix" -- fw officer add --id county-so:o-9 --agency metro-pd
run 3 "an unknown status" -- fw officer add --id metro-pd:o-9 --agency metro-pd --status fired
has "$T/err" "status: unknown value" "status named"
same "$(officers)" 3 "refused officers stored nothing"
run 0 "show an officer record" -- fw show metro-pd:o-7
has "$T/out" "Officer Seven" "show finds an officer record"
run 0 "show an officer record's first version" -- fw show metro-pd:o-7 --version 1 --json
same "$(jq -r '.record + " " + (has("rank") | tostring)' "$T/out")" "officer false" "show --version of an officer record"
run 0 "history of an officer record" -- fw history metro-pd:o-7
same "$(awk 'NR > 1 {print $1}' "$T/out" | tr '\n' ' ')" "1 2 " "history lists both versions of an officer record"
grep '"metro-pd"' examples/agencies.jsonl > "$T/metro.jsonl"
run 0 "the agency's record, for its name" -- fw add "$T/metro.jsonl"
run 0 "officer list" -- fw officer list
same "$(wc -l < "$T/out")" 3 "officer list lists every officer"
grep -Eq "^metro-pd:o-7 .* Metro City Police Department \(metro-pd\)$" "$T/out" && ok ||
    bad "officer list shows the agency's name: $(cat "$T/out")"
run 0 "officer list --agency" -- fw officer list --agency metro-pd
same "$(awk '{print $1}' "$T/out" | tr '\n' ' ')" "metro-pd:o-7 metro-pd:o-8 " "officer list of one agency"

# ---- incidents linked to them ------------------------------------------------------
# inc ID AGENCY REGISTRY-OF-o-101 [OTHER-AGENCY]: base.json as that incident.
inc() {
    local j
    j=$(jq --arg id "$1" --arg ag "$2" --arg reg "$3" --arg other "${4:-}" '
        .id = $id | .agency = $ag
        | (if $reg != "" then .officers[0].registry = $reg else . end)
        | (if $other != "" then .other_agencies = [$other] else . end)' "$TOP/tests/data/base.json")
    printf '%s\n' "$j" > "$T/$1.json"
}
inc i-1 metro-pd metro-pd:o-7
inc i-2 metro-pd metro-pd:o-7
inc i-3 county-so county-so:o-7          # the same label, another agency: another person
inc i-4 metro-pd ""                       # the same label, not linked: nobody in the registry
run 0 "add linked incidents" -- fw add "$T/i-1.json" "$T/i-2.json" "$T/i-3.json" "$T/i-4.json"
inc bad-1 metro-pd county-so:o-7
run 3 "a link to another agency's officer" -- fw add "$T/bad-1.json"
has "$T/err" "officers[0].registry: 'county-so:o-7' is not a registry officer of agency metro-pd or its other_agencies" "link error names the path"
inc bad-2 metro-pd metro-pd:o-99
run 3 "a link to no officer" -- fw add "$T/bad-2.json"
has "$T/err" "officers[0].registry: 'metro-pd:o-99' is not a registry officer of agency metro-pd or its other_agencies" "unknown link named"
inc mutual metro-pd county-so:o-7 county-so
run 0 "a link to an officer of an agency that took part" -- fw add "$T/mutual.json"
run 1 "a refused link stored nothing" -- fw show bad-1

# ---- one person across incidents ------------------------------------------------------
run 0 "officer show" -- fw officer show --json metro-pd:o-7
same "$(jq -r '[.incidents[].id] | sort | join(",")' "$T/out")" "i-1,i-2" "the profile lists both incidents of one person, and only theirs"
same "$(jq -r '.officer.rank' "$T/out")" "sergeant" "the profile shows the latest version"
same "$(jq -r '[.acts[].incident] | unique | join(",")' "$T/out")" "i-1,i-2" "acts of force of that person"
same "$(jq -r '.incidents[0].label' "$T/out")" "o-101" "the incident-local label kept"
# Findings: a stored review under a policy not in effect is marked what-if (and why); a
# review of an older version of the incident is not a finding on the latest.
run 0 "a what-if review of i-2 stored" -- fw review i-2 --policy dhs-2023 --json
run 0 "officer show after the review" -- fw officer show --json metro-pd:o-7
same "$(jq -r '[.findings[] | select(.incident == "i-2")] | length > 0' "$T/out")" true "the review's findings in the profile"
same "$(jq -r '[.findings[] | select(.incident == "i-2") | .what_if] | unique | join(",")' "$T/out")" true "findings of a policy not in effect are marked what_if"
same "$(jq -r '[.findings[] | select(.incident == "i-2") | .what_if_reason] | unique | join(",")' "$T/out")" "it does not govern this agency" "... with the reason"
jq '.officers[0].unit = "team-3"' "$T/i-2.json" > "$T/i-2b.json"
run 0 "a new version of i-2" -- fw add "$T/i-2b.json"
run 0 "officer show after the new version" -- fw officer show --json metro-pd:o-7
same "$(jq -r '[.findings[] | select(.incident == "i-2")] | length' "$T/out")" 0 "a review of an older version of the incident is not a finding"
run 0 "the other agency's o-7" -- fw officer show --json county-so:o-7
same "$(jq -r '[.incidents[].id] | sort | join(",")' "$T/out")" "i-3,mutual" "the same label in another agency is another person"
run 0 "officer show as text" -- fw officer show metro-pd:o-7
has "$T/out" "officer     metro-pd:o-7" "the text profile names the officer"
has "$T/out" "agency      Metro City Police Department (metro-pd)" "the text profile names the agency"
grep -Eq "^incidents \(2\)$" "$T/out" && grep -Eq "^  i-1 .* as o-101 " "$T/out" && ok ||
    bad "the text profile lists both incidents with the label: $(cat "$T/out")"
run 2 "officer show of no one" -- fw officer show metro-pd:o-99
has "$T/err" "no registry officer 'metro-pd:o-99'" "unknown officer"

nd() { fw duties --json --now "$NOW" "$@" 2>/dev/null; }
nd --officer metro-pd:o-7 > "$T/d7"
[ "$(jq length "$T/d7")" -gt 0 ] && ok || bad "duties --officer metro-pd:o-7 is empty"
same "$(jq -r '[.[].incident] | unique | join(",")' "$T/d7")" "i-1,i-2" "duties --officer: that person's incidents only"
same "$(jq -r '[.[].registry] | unique | join(",")' "$T/d7")" "metro-pd:o-7" "duties --officer: that person's items only"
same "$(nd --officer o-101 | jq length)" 0 "a bare label names nobody across incidents"
same "$(nd --officer county-so:o-7 | jq -r '[.[].incident] | unique | join(",")')" "i-3,mutual" "the other agency's o-7"
fw officer show --json metro-pd:o-7 | jq -S '.duties' > "$T/profile-duties"
nd --officer metro-pd:o-7 > /dev/null
[ "$(jq length "$T/profile-duties")" -gt 0 ] && ok || bad "the profile has no duty items"

# ---- training through the registry ---------------------------------------------------
run 1 "training for an unknown officer" -- fw training add metro-pd:o-99 firearm --completed 2020-01-01
has "$T/err" "officer: 'metro-pd:o-99' is not a registry officer" "unknown officer refused, named"
run 1 "training for a bare label" -- fw training add o-101 firearm --completed 2020-01-01
grep -q "training_device" "$T/d7" && ok || bad "no training item for an uncertified registry officer"
run 0 "training for a registry officer" -- fw training add metro-pd:o-7 firearm --completed 2020-01-01
same "$(nd --officer metro-pd:o-7 | jq '[.[] | select(.kind == "training_device")] | length')" 0 "training found through the link"
same "$(nd --officer county-so:o-7 | jq '[.[] | select(.kind == "training_device")] | length')" 2 "another agency's o-7 is not certified by it"
run 0 "officer show has training" -- fw officer show --json metro-pd:o-7
same "$(jq -r '.training.courses[0].course' "$T/out")" "firearm" "training in the profile"
same "$(jq -r '.training.agency' "$T/out")" "metro-pd" "a training record belongs to the officer's agency"

# ---- officer users ------------------------------------------------------------------------
run 0 "an officer user bound to a registry officer" -- fw user add seven --role officer --officer metro-pd:o-7 --password-stdin <<< "seven's passphrase 7x"
run 0 "an officer user whose id sorts late" -- fw user add eight --role officer --officer metro-pd:o-8 --password-stdin <<< "eight's passphrase 8x"
run 2 "an officer user of no registry officer" -- fw user add nobody --role officer --officer o-101 --password-stdin <<< "nobody's passphrase 9z"
has "$T/err" "officer: 'o-101' is not a registry officer" "a bare label refused"
run 2 "an officer user of another agency's officer" -- fw user add crossed --role officer --agency county-so --officer metro-pd:o-7 --password-stdin <<< "crossed passphrase 9z"
run 2 "an officer user without an officer" -- fw user add bare --role officer --password-stdin <<< "bare passphrase 99zz"
for u in "admin-all admin" "sup-metro supervisor metro-pd" "sup-county supervisor county-so" "analyst-all analyst"; do
    set -- $u
    fw user add "$1" --role "$2" ${3:+--agency $3} --password-stdin <<< "passphrase of $1 42" >/dev/null 2>&1 || bad "user $1"
done
for u in seven eight admin-all sup-metro sup-county analyst-all; do fw token create "$u" > "$T/tok-$u" || bad "token $u"; done
serve_start "$DB" FORCEWATCH_NOW=$NOW ||
    { echo "registry: the server did not start"; cat "$T/serve.log"; echo "registry: $pass passed, $((fail + 1)) failed"; exit 1; }
call() { # USER METHOD PATH [BODY]: the status; the body in $T/body
    local data=()
    [ -n "${4:-}" ] && data=(--data-binary "$4")
    curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/tok-$1")" -X "$2" "${data[@]}" "$U$3"
}
same "$(call seven GET /api/v1/incidents/i-1)" 200 "an officer sees an incident they are linked in"
same "$(call seven GET /api/v1/incidents/i-2)" 200 "... and the other one"
same "$(call seven GET /api/v1/incidents/i-3)" 404 "not another agency's o-101"
same "$(call seven GET /api/v1/incidents/i-4)" 404 "not an incident where the label is not linked"
cp "$T/body" "$T/hidden"
call seven GET /api/v1/incidents/no-such > /dev/null
sed 's/no-such/i-4/' "$T/body" > "$T/none"
cmp -s "$T/hidden" "$T/none" && ok || bad "an incident the officer is not in is told apart from none"
stmt='{"id":"seven-stmt","kind":"officer_report","source":"report","author":"o-101","events":[{"t":4.6,"type":"force","actor":"o-101","kind":"firearm_discharge","target":"s-1"}]}'
same "$(call seven POST /api/v1/incidents/i-1/accounts "$stmt")" 201 "an officer files their own statement"
same "$(call seven POST /api/v1/incidents/i-2/accounts "${stmt/\"author\":\"o-101\"/\"author\":\"o-102\"}")" 403 "not as another officer"
has "$T/body" '"field":"author"' "the refusal names author"
same "$(call seven POST /api/v1/incidents/i-3/accounts "$stmt")" 404 "not into another agency's incident with the same label"
same "$(call seven POST /api/v1/incidents/i-4/accounts "$stmt")" 404 "not into an incident where the label is unlinked"

# ---- /api/v1/officers by role and agency -------------------------------------------------------
ids() { jq -r '[.officers[].id] | join(",")' "$T/body"; }
same "$(call admin-all GET /api/v1/officers)" 200 "admin lists officers"
same "$(ids)" "county-so:o-7,metro-pd:o-7,metro-pd:o-8" "an admin of no agency sees every officer"
same "$(call admin-all GET '/api/v1/officers?agency=metro-pd&limit=1')" 200 "paged"
same "$(ids)" "metro-pd:o-7" "the first page"
cur=$(jq -r .next_cursor "$T/body")
same "$(call admin-all GET "/api/v1/officers?agency=metro-pd&limit=1&cursor=$cur")" 200 "the next page"
same "$(ids)" "metro-pd:o-8" "the second page"
same "$(jq -r 'has("next_cursor")' "$T/body")" false "the last page has no cursor"
same "$(call admin-all GET '/api/v1/officers?cursor=bogus')" 400 "a bad cursor"
same "$(call sup-metro GET /api/v1/officers)" 200 "an agency's supervisor lists"
same "$(ids)" "metro-pd:o-7,metro-pd:o-8" "an agency's users see its officers only"
same "$(call sup-metro GET '/api/v1/officers?agency=county-so')" 200 "another agency asked"
same "$(ids)" "" "another agency's officers are not listed"
same "$(call seven GET /api/v1/officers)" 200 "an officer lists"
same "$(ids)" "metro-pd:o-7" "an officer sees themself only"
same "$(call eight GET '/api/v1/officers?limit=1')" 200 "an officer whose id sorts late lists, paged"
same "$(ids)" "metro-pd:o-8" "... and sees themself on the first page"
same "$(jq -r 'has("next_cursor")' "$T/body")" false "... with no cursor to an empty page"
same "$(call seven GET '/api/v1/officers?limit=1')" 200 "an officer whose id sorts first lists, paged"
same "$(jq -r '[(.officers | length), has("next_cursor")] | join(",")' "$T/body")" "1,false" "... their own record alone, no next page"
same "$(call analyst-all GET /api/v1/officers)" 403 "analysts do not see the registry"
same "$(call sup-metro GET /api/v1/officers/metro-pd:o-7)" 200 "profile for the agency"
same "$(jq -r '.agency_name + " / " + .incidents[0].agency_name' "$T/body")" \
    "Metro City Police Department / Metro City Police Department" "the API's profile names the agency"
same "$(jq -r '[.incidents[].id] | sort | join(",")' "$T/body")" "i-1,i-2" "the API's profile lists both incidents"
curl -s -H "Authorization: Bearer $(cat "$T/tok-sup-metro")" "$U/api/v1/officers/metro-pd:o-7" | jq -S '.incidents' > "$T/api-inc"
fw officer show --json metro-pd:o-7 | jq -S '.incidents' > "$T/cli-inc"
cmp -s "$T/api-inc" "$T/cli-inc" && ok || bad "the CLI's and the API's profiles differ"
same "$(call sup-metro GET /api/v1/officers)" 200 "the agency's officers"
same "$(jq -r '.officers[0].agency_name' "$T/body")" "Metro City Police Department" "the API's officer rows name the agency"
same "$(call sup-metro GET /api/v1/officers/county-so:o-7)" 404 "another agency's officer: not found"
cp "$T/body" "$T/held"
call sup-metro GET /api/v1/officers/county-so:o-99 > /dev/null
sed 's/o-99/o-7/' "$T/body" > "$T/none"
cmp -s "$T/held" "$T/none" && ok || bad "another agency's officer is told apart from none"
same "$(call seven GET /api/v1/officers/metro-pd:o-7)" 200 "an officer's own profile"
same "$(jq -r '[has("findings"), has("duties"), has("training"), has("incidents")] | join(",")' "$T/body")" "false,false,false,true" "an officer's own profile leaves out findings, duties and training (no read_review, read_duties)"
same "$(call sup-metro GET /api/v1/officers/metro-pd:o-7)" 200 "the supervisor's view of the profile"
same "$(jq -r '[has("findings"), has("duties"), has("training")] | join(",")' "$T/body")" "true,true,true" "... has findings, duties and training"
same "$(call seven GET /api/v1/officers/metro-pd:o-8)" 404 "not a colleague's"
same "$(call admin-all POST /api/v1/users '{"username":"eight-too","role":"officer","officer":"metro-pd:o-8","password":"eight-too passphrase 88"}')" 201 "an officer user made through the API"
same "$(jq -r '.user.agency' "$T/body")" "metro-pd" "the answer is the stored user: the registry officer's agency"
same "$(call analyst-all GET /api/v1/officers/metro-pd:o-7)" 403 "not an analyst"
same "$(call sup-county GET /api/v1/officers/county-so:o-7)" 200 "county's own officer"
# mutual is a metro-pd incident county-so took part in: county-so sees it in its officer's profile.
same "$(jq -r '[.incidents[].id] | sort | join(",")' "$T/body")" "i-3,mutual" "the profile through mutual aid"
same "$(call sup-county POST /api/v1/officers/metro-pd:o-8/training '{"course":"ecd","completed":"2024-01-01"}')" 404 "training for another agency's officer"
has "$T/body" "not a registry officer of agency county-so" "the refusal says why"
same "$(call sup-county POST /api/v1/officers/county-so:o-7/training '{"course":"ecd","completed":"2024-01-01"}')" 201 "training for one's own officer"
inc api-bad metro-pd county-so:o-7
same "$(call admin-all POST /api/v1/incidents @"$T/api-bad.json")" 422 "the API refuses a link to another agency's officer"
has "$T/body" '"field":"officers"' "the refusal names officers"
has "$T/body" "officers[0].registry" "the refusal names the path"
kill -TERM "$pid" && wait "$pid"
pid=

run 0 "verify" -- fw verify
has "$T/out" "derived tables match" "verify after the registry"

# ---- imports create no officers ------------------------------------------------------------
before=$(officers)
cat > "$T/wapo.csv" <<'CSV'
"id","date","threat_type","flee_status","armed_with","city","county","state","latitude","longitude","location_precision","name","age","gender","race","race_source","was_mental_illness_related","body_camera","agency_ids"
"3","2015-01-02","point","not","gun","Shelton","Mason","WA","47.246826","-123.121592","not_available","Tim Elliot","53","male","A","not_available","True","False","73"
CSV
printf '"id","name","type","state","oricodes","total_shootings"\n"73","Mason County Sheriff'"'"'s Office","sheriff","WA","WA0230000","1"\n' > "$T/agencies.csv"
run 0 "import a sample" -- fw import wapo-v2 "$T/wapo.csv" --agencies "$T/agencies.csv"
same "$(officers)" "$before" "an import creates no officer records"
same "$(fw show wapo-3 | grep -c '"registry"')" 0 "an imported incident links no registry officer"
DS="$TOP/../shared/datasets"
if [ -f "$DS/wapo-v2/fatal-police-shootings-data.csv" ] && [ -f "$DS/seattletimes/deadly-force-data.csv" ]; then
    DB="$T/ds.db"
    "$FW" --db "$DB" init >/dev/null 2>&1
    run 0 "import wapo-v2" -- fw import wapo-v2 "$DS/wapo-v2/fatal-police-shootings-data.csv" --agencies "$DS/wapo-v2/fatal-police-shootings-agencies.csv"
    run 0 "import seattletimes" -- fw import seattletimes "$DS/seattletimes/deadly-force-data.csv"
    same "$(officers)" 0 "importing the published datasets creates no officer records"
    same "$(sqlite3 "$DB" "SELECT count(*) FROM records WHERE type = 'incident' AND body LIKE '%\"registry\"%'")" 0 "and links none"
    same "$(fw duties --json --now "$NOW" --officer o-1 | jq length)" 0 "the dataset's placeholder o-1 is nobody"
else
    echo "registry: ../shared/datasets not found; the published datasets not imported" >&2
fi

finish registry
