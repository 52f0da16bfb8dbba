#!/usr/bin/env bash
# Open-data export (docs/export.md), on the command line and over the API:
# every format verifies against the log, and still does after more records
# are added; one changed byte in a record, a changed stamp root or signature,
# a cut-short file or another log's export fail with exit 4 naming the
# problem; personal data is logged as read, or left out with --deidentify
# and for analysts; the public route checks saved checkpoints and stamps.
# Prints "export: N passed, N failed".
set -u
. tests/lib.sh

DB="$T/x.db"
"$FW" --db "$DB" init > /dev/null 2>&1
"$FW" --db "$DB" add examples/agencies.jsonl examples/officers.jsonl examples/*.json > /dev/null 2>&1 || bad "loading the examples"
size() { "$FW" --db "$DB" log checkpoint | sed -n 2p; }
verify_ok() { # FILE WHAT
    if "$FW" --db "$DB" verify --export "$1" > "$T/v.out" 2>&1; then ok; else bad "$2: $(cat "$T/v.out")"; fi
}
verify_fails() { # FILE WHAT EXPECTED-TEXT
    "$FW" --db "$DB" verify --export "$1" > "$T/v.out" 2>&1
    local rc=$?
    if [ "$rc" -eq 4 ] && grep -qF -- "$3" "$T/v.out"; then ok; else bad "$2: exit $rc, wanted 4 with '$3': $(cat "$T/v.out")"; fi
}

# ---- every format exports and verifies --------------------------------------
before=$(size)
for f in csv json nufdc; do
    "$FW" --db "$DB" export --format "$f" --out "$T/a.$f" 2> "$T/err" && ok || bad "export $f: $(cat "$T/err")"
    grep -q "exported 15 incidents" "$T/err" && ok || bad "export $f count: $(cat "$T/err")"
    verify_ok "$T/a.$f" "fresh $f export"
done
# CSV and JSON can hold names: each of those exports was logged as a read first.
[ "$(size)" -eq $((before + 2)) ] && ok || bad "personal-data exports were not logged (size $before -> $(size))"
"$FW" --db "$DB" log leaf "$before" | grep -q '"record_type":"access"' && ok || bad "the export's access leaf"
"$FW" --db "$DB" show "export:read:$before" | grep -q '"action": "export"' && ok || bad "the export access record"
grep -q "Renee Alder" "$T/a.csv" && ok || bad "a full CSV export lacks the subject's name"
head -1 "$T/a.csv" | grep -q '^# {"checkpoint":"' && ok || bad "the CSV stamp line"
sed -n 2p "$T/a.csv" | grep -q '^id,version,sha256,log_seq,agency,' && ok || bad "the CSV header row"
tail -1 "$T/a.csv" | grep -q '^# end 15 incidents' && ok || bad "the CSV end line"
grep -c '^# table ' "$T/a.nufdc" | grep -q '^3$' && ok || bad "NUFDC has three tables"
grep -q '^incident_id,version,subject_id,subject sex,subject race' "$T/a.nufdc" && ok || bad "NUFDC subject columns"
grep -q 'type of force used' "$T/a.nufdc" && ok || bad "NUFDC force column"

# The stamp's checkpoint is the one current when the export was taken.
head -1 "$T/a.json" | grep -q "\"size\":$((before + 2))" && ok || bad "the JSON stamp's size"

# De-identified: no personal columns or values, and no access record.
n=$(size)
"$FW" --db "$DB" export --deidentify --out "$T/d.csv" 2> /dev/null && ok || bad "de-identified export"
"$FW" --db "$DB" export --format json --deidentify --out "$T/d.json" 2> /dev/null && ok || bad "de-identified json"
[ "$(size)" -eq "$n" ] && ok || bad "a de-identified export was logged as a read of personal data"
! grep -q "Renee Alder" "$T/d.csv" "$T/d.json" && ok || bad "a de-identified export holds a name"
! sed -n 2p "$T/d.csv" | grep -q 'subjects.name\|location.address\|date_of_birth' && ok || bad "de-identified columns"
verify_ok "$T/d.csv" "de-identified CSV"
verify_ok "$T/d.json" "de-identified JSON"

# By hand: a JSON record's "incident" bytes hash to its sha256.
line=$(sed -n 2p "$T/a.json")
want=$(printf '%s' "$line" | sed 's/^.*"sha256":"\([0-9a-f]*\)".*$/\1/')
got=$(printf '%s' "$line" | sed 's/^{[^{]*"incident"://; s/}$//' | tr -d '\n' | sha256sum | cut -c1-64)
[ "$want" = "$got" ] && ok || bad "a JSON record's bytes do not hash to its sha256 ($want vs $got)"

# Filters.
"$FW" --db "$DB" export --agency cbp-sd --deidentify --out "$T/cbp.csv" 2> /dev/null
rows=$(grep -vc '^#' "$T/cbp.csv")
[ "$rows" -ge 2 ] && ! grep -v '^#' "$T/cbp.csv" | sed 1d | grep -vq '^[^,]*,[^,]*,[^,]*,[^,]*,cbp-sd,' && ok ||
    bad "the agency filter: $(cut -c1-80 "$T/cbp.csv")"
verify_ok "$T/cbp.csv" "filtered export"
head -1 "$T/cbp.csv" | grep -q '"filter":{"agency":"cbp-sd"}' && ok || bad "the stamp records the filter"
# Withdrawn incidents only on request.
sed -e 's/"base-0001"/"gone-0001"/' -e 's/^{/{"withdrawn": true,/' tests/data/base.json > "$T/gone.json"
"$FW" --db "$DB" add "$T/gone.json" > /dev/null 2>&1 || bad "storing a withdrawn incident"
"$FW" --db "$DB" export --deidentify --out "$T/w0.csv" 2> /dev/null
! grep -q '^gone-0001,' "$T/w0.csv" && ok || bad "a withdrawn incident was exported without --withdrawn"
"$FW" --db "$DB" export --deidentify --withdrawn --out "$T/w1.csv" 2> /dev/null
grep -q '^gone-0001,.*,true,[0-9]*,[a-z_;]*.$' "$T/w1.csv" && ok || bad "--withdrawn left the withdrawn incident out"
head -1 "$T/w1.csv" | grep -q '"withdrawn":true' && ok || bad "the stamp records --withdrawn"
verify_ok "$T/w1.csv" "an export with withdrawn incidents"
"$FW" --db "$DB" export --since 2026-13-01 > /dev/null 2>&1; [ $? -eq 2 ] && ok || bad "a bad date is a usage error"
"$FW" --db "$DB" export --format xml > /dev/null 2>&1; [ $? -eq 2 ] && ok || bad "an unknown format is a usage error"
"$FW" --db "$DB" verify --export "$T/a.csv" --checkpoint "$T/a.csv" > /dev/null 2>&1; [ $? -eq 2 ] && ok ||
    bad "--export with --checkpoint is a usage error"

# ---- more records later: the old exports still verify --------------------------
sed 's/"press release"/"press release, corrected"/' tests/data/base.json > "$T/v1.json"
"$FW" --db "$DB" add tests/data/base.json > /dev/null 2>&1
"$FW" --db "$DB" add "$T/v1.json" > /dev/null 2>&1
sed 's/"Renee Alder (fictional)"/"R. Alder (fictional)"/' examples/01-vehicle-stop-disputed.json > "$T/demo-v2.json"
"$FW" --db "$DB" add "$T/demo-v2.json" > /dev/null 2>&1 || bad "storing a new version of demo-0007"
for f in csv json nufdc; do verify_ok "$T/a.$f" "the $f export after more records"; done
grep -q '"consistent":\|prefix' "$T/v.out" && ok || bad "verify output: $(cat "$T/v.out")"
"$FW" --db "$DB" export --format json --out "$T/b.json" 2> /dev/null
grep -q '"id":"demo-0007","version":2' "$T/b.json" && ok || bad "a new export has the new version"
verify_ok "$T/b.json" "the new export"

# ---- tampering ------------------------------------------------------------------
# One byte of a record: the record is named.
awk 'NR == 4 { sub(/"agency":"/, "\"agency\":\"X") } { print }' "$T/a.json" > "$T/t1.json"
id4=$(sed -n 4p "$T/a.json" | cut -d'"' -f4)
verify_fails "$T/t1.json" "one byte changed in a JSON record" "$id4 (line 4)"
awk 'NR == 3 { sub(/,1,/, ",1,x") } { print }' "$T/a.csv" > "$T/t2.csv"
cmp -s "$T/a.csv" "$T/t2.csv" && bad "the CSV edit changed nothing"
id3=$(sed -n 3p "$T/a.csv" | cut -d, -f1)
verify_fails "$T/t2.csv" "one byte changed in a CSV row" "$id3 (line 3)"
sed 's/fictional/fictionaL/' "$T/a.csv" > "$T/t3.csv"
verify_fails "$T/t3.csv" "a name changed in a CSV row" "the exported row differs"
awk '/^# table subject/ { s = 1 } s && /,s-1,male,/ && !done { sub(/,male,/, ",female,"); done = 1 } { print }' "$T/a.nufdc" > "$T/t4.nufdc"
verify_fails "$T/t4.nufdc" "a subject row changed" "subject rows differ"
# A record claimed at another version, or a row dropped.
sed '3s/^\([^,]*\),1,/\1,2,/' "$T/a.csv" > "$T/t5.csv"
verify_fails "$T/t5.csv" "a row claiming another version" "$id3 (line 3)"
sed '3d' "$T/a.csv" > "$T/t6.csv"
verify_fails "$T/t6.csv" "a dropped row" "the end line says 15 incidents but the export holds 14"
sed '$d' "$T/a.json" > "$T/t7.json"
verify_fails "$T/t7.json" "a cut-short export" "cut short"
# Rows the stamp's export would not have held: repeated, outside its filter, not the latest.
awk 'NR == 3 { print } { print }' "$T/a.csv" | sed 's/^# end 15 incidents/# end 16 incidents/' > "$T/t12.csv"
verify_fails "$T/t12.csv" "a repeated row" "out of the list's order (occurred_at, id), or repeated"
sed '1s/"filter":{"agency":"cbp-sd"}/"filter":{"agency":"ice-ero-stp"}/' "$T/cbp.csv" > "$T/t13.csv"
verify_fails "$T/t13.csv" "a stamp whose filter was changed" "another agency's, outside the stamp's filter"
old_demo=$(grep '^{"id":"demo-0007"' "$T/a.json")
awk -v row="$old_demo" '/^\{"id":"demo-0007"/ { print row; next } { print }' "$T/b.json" > "$T/t14.json"
verify_fails "$T/t14.json" "an older version in a newer export" "demo-0007 (line"
grep -q "was not its latest at the stamp's tree size (version 2 was)" "$T/v.out" && ok || bad "not the latest: $(cat "$T/v.out")"

# The stamp: a changed root, a changed signature, a changed size.
root=$(head -1 "$T/a.json" | sed 's/.*"root":"\([^"]*\)".*/\1/')
other=$(printf '%s' "$root" | sed 's/^./A/; t; s/^/A/'); [ "$other" = "$root" ] && other=$(printf '%s' "$root" | sed 's/^./B/')
sed "1s|\"root\":\"$root\"|\"root\":\"$other\"|" "$T/a.json" > "$T/t8.json"
verify_fails "$T/t8.json" "a stamp with a changed root" "line 1: the stamp's size or root is not its checkpoint's"
sed "1s|$root|$other|g" "$T/a.json" > "$T/t9.json"
verify_fails "$T/t9.json" "a stamp whose note and root both changed" "not signed by this log's key"
sig=$(head -1 "$T/a.json" | sed 's/.*— [^ ]* \([A-Za-z0-9+\/]\{10\}\).*/\1/')
sed "1s|$sig|AAAAAAAAAA|" "$T/a.json" > "$T/t10.json"
verify_fails "$T/t10.json" "a stamp with a changed signature" "not signed by this log's key"
sed '1s/"format":"json"/"format":"jsn"/' "$T/a.json" > "$T/t11.json"
verify_fails "$T/t11.json" "an unreadable stamp" "line 1: stamp: format"
# Another log's export does not verify against this one.
"$FW" --db "$T/other.db" init > /dev/null 2>&1
"$FW" --db "$T/other.db" add examples/agencies.jsonl examples/officers.jsonl examples/*.json > /dev/null 2>&1
"$FW" --db "$T/other.db" export --format json --out "$T/other.json" 2> /dev/null
verify_fails "$T/other.json" "another log's export" "not signed by this log's key"

# ---- an empty log has nothing to export -----------------------------------------
"$FW" --db "$T/empty.db" init > /dev/null 2>&1
"$FW" --db "$T/empty.db" export --deidentify > /dev/null 2> "$T/err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "no checkpoint" "$T/err" && ok || bad "export of an empty log: $rc $(cat "$T/err")"

# ---- the API ---------------------------------------------------------------------
for role in admin analyst officer; do
    extra=; [ "$role" = officer ] && extra="--officer ice-ero-stp:o-101"
    "$FW" --db "$DB" user add "u-$role" --role "$role" $extra > /dev/null 2>&1
    "$FW" --db "$DB" token create "u-$role" > "$T/token-$role"
done
"$FW" --db "$DB" user add u-local --role supervisor --agency cbp-sd > /dev/null 2>&1
"$FW" --db "$DB" token create u-local > "$T/token-local"
serve_start "$DB" || { echo "export: the server did not start"; cat "$T/serve.log"; finish export; exit 1; }
get() { # ROLE EXPECTED QUERY
    local code
    code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/token-$1")" "$U/api/v1/export$3")
    if [ "$code" = "$2" ]; then ok; else bad "GET /api/v1/export$3 as $1: $code, expected $2: $(head -c 200 "$T/body")"; fi
}
leaves() { curl -s "$U/api/v1/log/checkpoint" | sed -n 2p; }

n=$(leaves)
get analyst 200 "?format=csv"
! grep -q "Renee\|R. Alder" "$T/body" && ok || bad "an analyst's export holds a name"
head -1 "$T/body" | grep -q '"deidentified":true' && ok || bad "an analyst's export is not stamped de-identified"
[ "$(leaves)" -eq "$n" ] && ok || bad "an analyst's de-identified export was logged as a read"
cp "$T/body" "$T/api-analyst.csv"
verify_ok "$T/api-analyst.csv" "the analyst's API export"
get admin 200 "?format=json"
grep -q '"name":"R. Alder (fictional)"' "$T/body" && ok || bad "an admin's export lacks the name"
[ "$(leaves)" -eq $((n + 1)) ] && ok || bad "an admin's export with personal data was not logged"
cp "$T/body" "$T/api-admin.json"
verify_ok "$T/api-admin.json" "the admin's API export"
get admin 200 "?format=nufdc&encounter=vehicle_stop"
grep -q '^# table officer' "$T/body" && ok || bad "API NUFDC tables"
cp "$T/body" "$T/api.nufdc"
verify_ok "$T/api.nufdc" "the API NUFDC export"
get admin 200 "?format=json&deidentify=true"
! grep -q "Alder" "$T/body" && ok || bad "deidentify=true over the API"
get local 200 "?format=csv&deidentify=true"
! grep -v '^#' "$T/body" | sed 1d | grep -vq '^[^,]*,[^,]*,[^,]*,[^,]*,cbp-sd,' && ok || bad "an agency user exported another agency's incidents"
get local 403 "?agency=ice-ero-stp"
get admin 400 "?format=xml"
grep -q '"field":"format"' "$T/body" && ok || bad "a bad format names the field"
get admin 400 "?since=yesterday"
grep -q '"field":"since"' "$T/body" && ok || bad "a bad date names the field"
get admin 400 "?deidentify=maybe"
grep -q '"field":"deidentify"' "$T/body" && ok || bad "a bad flag names the field"
get officer 403 ""
code=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/export")
[ "$code" = 401 ] && ok || bad "the public exported records: $code"
head -c 10000 "$T/api-admin.json" > /dev/null

# POST /api/v1/log/verify: saved checkpoints and stamps.
post() { # EXPECTED FILE WHAT
    local code
    code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST --data-binary @"$2" "$U/api/v1/log/verify")
    if [ "$code" = "$1" ]; then ok; else bad "$3: $code, expected $1: $(head -c 200 "$T/body")"; fi
}
curl -s "$U/api/v1/log/checkpoint" > "$T/now.ckpt"
post 200 "$T/now.ckpt" "today's checkpoint"
grep -q '"consistent":true' "$T/body" && ok || bad "today's checkpoint is consistent"
head -1 "$T/a.csv" > "$T/stamp"
post 200 "$T/stamp" "an old export's stamp"
grep -q '"consistent":true' "$T/body" && grep -q "\"size\":$((before + 1))" "$T/body" && ok || bad "the old stamp: $(cat "$T/body")"
head -1 "$T/t8.json" > "$T/stamp-root"
post 200 "$T/stamp-root" "a stamp with a changed root"
grep -q '"consistent":false' "$T/body" && ok || bad "a changed root was consistent"
head -1 "$T/t10.json" > "$T/stamp-sig"
post 200 "$T/stamp-sig" "a stamp with a changed signature"
grep -q '"consistent":false' "$T/body" && grep -q 'not signed' "$T/body" && ok || bad "a changed signature: $(cat "$T/body")"
"$FW" --db "$T/other.db" log checkpoint > "$T/other.ckpt"
post 200 "$T/other.ckpt" "another log's checkpoint"
grep -q '"consistent":false' "$T/body" && ok || bad "another log's checkpoint was consistent"
printf 'hello\n' > "$T/junk"
post 400 "$T/junk" "not a checkpoint"
grep -q '"field":"body"' "$T/body" && ok || bad "not a checkpoint names the body"
printf '{"forcewatch_export":1}' > "$T/junk-stamp"
post 400 "$T/junk-stamp" "a broken stamp"
grep -q 'stamp: format' "$T/body" && ok || bad "a broken stamp names the member: $(cat "$T/body")"
head -c 20000 /dev/zero | tr '\0' 'a' > "$T/big"
post 413 "$T/big" "an oversized body"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$U/api/v1/log/verify")
[ "$code" = 400 ] && ok || bad "an empty body: $code"

# An export larger than the pipe between the export's thread and the server
# streams whole, and verifies.
"$TOP/bench/gen" -n 2000 --seed 5 > "$T/many.jsonl"
"$FW" --db "$DB" add -q "$T/many.jsonl" || bad "storing 2000 generated incidents"
get analyst 200 "?format=csv"
cp "$T/body" "$T/api-many.csv"
[ "$(tail -1 "$T/api-many.csv" | tr -d '\r')" = "# end 2016 incidents" ] && ok || bad "the large export's end line: $(tail -1 "$T/api-many.csv")"
[ "$(stat -c %s "$T/api-many.csv")" -gt 500000 ] && ok || bad "the large export is small"
verify_ok "$T/api-many.csv" "the large API export"

# A client that goes away mid-export leaves the server serving.
curl -s -H "Authorization: Bearer $(cat "$T/token-analyst")" "$U/api/v1/export?format=json" | head -c 100 > /dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' "$U/healthz")
[ "$code" = 200 ] && ok || bad "the server after an abandoned export: $code"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 0 ] && ok || bad "the server exited $rc on SIGTERM"
"$FW" --db "$DB" verify > "$T/verify.out" 2>&1 && ok || bad "the log does not verify: $(cat "$T/verify.out")"

finish export
