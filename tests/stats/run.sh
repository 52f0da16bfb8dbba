#!/usr/bin/env bash
# Statistics end to end: the stats command and GET /api/v1/stats and
# /public/stats on real databases.  The example incidents (agency types from
# agency records, findings from review cases, a new version replacing the
# old one's counts), a database of an older schema upgraded by init with its
# index backfilled, withdrawn incidents left out, and the Washington Post's
# file: its published per-year figures reproduced, and the public table of
# year by state with nothing under k, no name, address or date, and no
# suppressed cell alone in its row or column.
source "$(dirname "$0")/../lib.sh"
# The public table is published as of the last 00:00 UTC (docs/statistics.md):
# the clock, for the server and the command, is a day after anything stored here.
export FORCEWATCH_NOW=2030-01-01T12:00:00Z

DB="$T/ex.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$FW" --db "$DB" add -q "$TOP"/examples/agencies.jsonl "$TOP"/examples/officers.jsonl "$TOP"/examples/*.json

# stats ARGS...: run the command, output in $T/out; exit status checked.
stats() {
    local want=$1
    shift
    "$FW" --db "$DB" stats "$@" > "$T/out" 2> "$T/err"
    local rc=$?
    [ "$rc" = "$want" ] && ok || bad "stats $*: exit $rc, expected $want: $(cat "$T/err")"
}
line() { grep -qE "$1" "$T/out" && ok || bad "$2: no line /$1/ in: $(tr '\n' '|' < "$T/out")"; }

# ---- the examples: agency records, cases, versions ------------------------------
stats 0 --by agency_type --format csv
line '^federal_field_office,6$' "agency types from the agency records (the examples' federal agencies are field offices)"
line '^local_police,5$' "local police"
stats 0 --by agency_type,state --format csv
line '^sheriff,TX,4$' "state from the location"
stats 0 --by year --where 'force_kind=ecd|oc_spray' --format csv
[ "$(tail -n +2 "$T/out" | awk -F, '{ s += $2 } END { print s }')" = "$("$FW" --db "$DB" list --force-kind ecd | tail -n +2 | wc -l | awk -v o="$("$FW" --db "$DB" list --force-kind oc_spray | tail -n +2 | wc -l)" '{ print $1 + o }')" ] && ok || bad "where force_kind counts the incidents list finds: $(cat "$T/out")"
stats 0 --by finding --format csv
line '^none,15$' "no cases yet"
# Each encounter's count is what `list --encounter` finds.
stats 0 --by encounter --format csv
for e in arrest vehicle_stop pedestrian_stop foot_pursuit welfare_check; do
    n=$("$FW" --db "$DB" list --encounter "$e" | tail -n +2 | wc -l)
    [ "$n" -gt 0 ] && line "^$e,$n\$" "encounter $e as list finds it" || bad "test setup: no $e example"
done
stats 0 --by encounter --where encounter=arrest --format csv
[ "$(tail -n +2 "$T/out")" = "arrest,4" ] && ok || bad "where encounter: $(cat "$T/out")"
"$FW" --db "$DB" case move ex-12-within-policy supervisor_review >/dev/null 2>&1
"$FW" --db "$DB" case move ex-13-aimed-only supervisor_review >/dev/null 2>&1
"$FW" --db "$DB" case move ex-13-aimed-only closed --finding exonerated >/dev/null 2>&1
stats 0 --by finding --format csv
line '^open,1$' "an open case"
line '^exonerated,1$' "a closed case's finding"
line '^none,13$' "incidents without a case"
# A new version moves the incident's count; the old version no longer counts.
sed 's/"state": *"OH"/"state": "WA"/' "$TOP/examples/12-within-policy.json" > "$T/moved.json"
grep -q '"WA"' "$T/moved.json" && ok || bad "test setup: example 12 has no OH state"
stats 0 --by state --format csv
line '^OH,5$' "before the new version"
"$FW" --db "$DB" add -q "$T/moved.json"
stats 0 --by state --format csv
line '^OH,4$' "the old version no longer counts"
line '^WA,1$' "the new version counts"
stats 0 --by state,year --format json
grep -q '"total": 15' "$T/out" && ok || bad "json total: $(head -c 300 "$T/out")"

# Bad requests name what is wrong.
stats 2 --by name
grep -q "unknown dimension 'name'" "$T/err" && ok || bad "unknown dimension: $(cat "$T/err")"
stats 2 --by year --where date=2020-01-01
grep -q "where: unknown dimension 'date'" "$T/err" && ok || bad "where: $(cat "$T/err")"
stats 2 --by year,state,race --public
grep -q "at most two dimensions" "$T/err" && ok || bad "public 3 dims: $(cat "$T/err")"
stats 2 --by year --public --where state=CA
stats 2 --by year --format xml
# Ranges of years and months: bad bounds are named, an empty range refused.
stats 2 --by year --where month=2015-13..2016-07
grep -q "its start '2015-13' is not a month" "$T/err" && ok || bad "bad range start: $(cat "$T/err")"
stats 2 --by year --where year=2015..20x9
grep -q "its end '20x9' is not a year" "$T/err" && ok || bad "bad range end: $(cat "$T/err")"
stats 2 --by year --where year=2019..2015
grep -q "range '2019..2015' is empty" "$T/err" && ok || bad "empty range: $(cat "$T/err")"
stats 2 --by year --where state=AL..CA
grep -q "year and month only" "$T/err" && ok || bad "range of states: $(cat "$T/err")"

# ---- an older database is upgraded and its index backfilled ------------------------
stats 0 --by year,state,force_kind,race --format csv
cp "$T/out" "$T/before.csv"
stats 0 --by encounter,ethnicity,month --format csv
cp "$T/out" "$T/before2.csv"
cp "$DB" "$T/old.db"
cp "$DB.key" "$T/old.db.key"
sqlite3 "$T/old.db" "DROP TRIGGER stats_index_no_update; DROP TRIGGER stats_index_no_delete;
                     DROP TRIGGER stats_ledger_no_update; DROP TRIGGER stats_ledger_no_delete;
                     DROP TABLE stats_index; DROP TABLE stats_ledger; PRAGMA user_version = 3;"
"$FW" --db "$T/old.db" stats --by year > /dev/null 2> "$T/err"
[ $? -ne 0 ] && grep -q "forcewatch init" "$T/err" && ok || bad "an old schema read without upgrading: $(cat "$T/err")"
"$FW" --db "$T/old.db" init > "$T/out" 2>&1
grep -q "schema version 4" "$T/out" && ok || bad "init did not upgrade: $(cat "$T/out")"
"$FW" --db "$T/old.db" stats --by year,state,force_kind,race --format csv > "$T/after.csv"
cmp -s "$T/before.csv" "$T/after.csv" && ok || bad "the backfilled index counts differently: $(diff "$T/before.csv" "$T/after.csv" | head -5)"
"$FW" --db "$T/old.db" stats --by encounter,ethnicity,month --format csv > "$T/after2.csv"
cmp -s "$T/before2.csv" "$T/after2.csv" && ok || bad "the backfilled encounter and ethnicity differ: $(diff "$T/before2.csv" "$T/after2.csv" | head -5)"
[ "$(grep -c '^arrest,' "$T/after2.csv")" -gt 0 ] && ok || bad "the backfill lost the encounters: $(head -3 "$T/after2.csv")"
"$FW" --db "$T/old.db" verify > /dev/null 2>&1 && ok || bad "verify after the upgrade"
sqlite3 "$T/old.db" "DELETE FROM stats_index" 2> "$T/err"
grep -q "append-only" "$T/err" && ok || bad "the statistics index accepted a DELETE"
sqlite3 "$T/old.db" "UPDATE stats_ledger SET snapshot = 0" 2> "$T/err"
grep -q "append-only" "$T/err" && ok || bad "the statistics ledger accepted an UPDATE"
[ "$(sqlite3 "$T/old.db" "SELECT count(*) FROM stats_ledger WHERE snapshot")" = 1 ] && ok || bad "the upgrade wrote no snapshot"

# ---- the Washington Post's file ------------------------------------------------------
DS="$TOP/../shared/datasets"
CSV="$DS/wapo-v2/fatal-police-shootings-data.csv"
if [ -f "$CSV" ]; then
    DB="$T/wapo.db"
    "$FW" --db "$DB" init >/dev/null 2>&1
    "$FW" --db "$DB" import wapo-v2 "$CSV" > /dev/null 2>&1
    stats 0 --by year --format csv
    for yc in 2015:995 2016:958 2017:984 2018:992 2019:997 2020:1020 2021:1050 2022:1095 2023:1162 2024:265; do
        line "^${yc%:*},${yc#*:}\$" "wapo-v2 ${yc%:*} as published"
    done
    stats 0 --by year
    line '^total: 9518 incidents$' "wapo-v2 total as published"
    stats 0 --by force_kind --format csv
    line '^firearm_discharge,9518$' "every incident a shooting"

    # Ranges: 2015..2019 is the sum of the years published; a month range
    # the sum of its months, bounds included.
    stats 0 --by year --where year=2015..2019
    line '^total: 4926 incidents$' "years 2015..2019 (995+958+984+992+997)"
    stats 0 --by year --where 'year=2015|2016|2017|2018|2019'
    line '^total: 4926 incidents$' "the same years listed"
    stats 0 --by month --format csv
    want=$(awk -F, '$1 >= "2015-03" && $1 <= "2016-07" { s += $2 } END { print s }' "$T/out")
    stats 0 --by month --where month=2015-03..2016-07 --format csv
    [ "$(head -2 "$T/out" | tail -1 | cut -d, -f1)" = 2015-03 ] && [ "$(tail -1 "$T/out" | cut -d, -f1)" = 2016-07 ] &&
        [ "$(tail -n +2 "$T/out" | awk -F, '{ s += $2 } END { print s }')" = "$want" ] && ok ||
        bad "month range 2015-03..2016-07: want $want: $(head -3 "$T/out" | tr '\n' '|')"
    # The Post's race code H is an ethnicity: counted as hispanic, not lost.
    hisp=$(python3 -c 'import csv, sys
print(sum("H" in (r["race"] or "").split(";") for r in csv.DictReader(open(sys.argv[1]))))' "$CSV")
    stats 0 --by ethnicity --format csv
    [ "$hisp" -gt 1000 ] && line "^hispanic,$hisp\$" "ethnicity hispanic as the file's race H" || bad "test setup: $hisp H rows"
    stats 0 --by encounter --format csv
    line '^unknown,9518$' "the Post's file states no encounter"

    # The public table of year by state.
    serve_start "$DB" || bad "server did not start: $(cat "$T/serve.log")"
    code=$(curl -s -o "$T/pub.json" -w '%{http_code}' "$U/public/stats?by=year,state")
    [ "$code" = 200 ] && ok || bad "public stats: $code $(head -c 200 "$T/pub.json")"
    small=$(grep -oE '"count":[0-9]+' "$T/pub.json" | cut -d: -f2 | awk '$1 > 0 && $1 < 5' | wc -l)
    [ "$small" -eq 0 ] && ok || bad "$small published counts under 5"
    nsup=$(grep -o '"suppressed":true' "$T/pub.json" | wc -l)
    [ "$nsup" -gt 0 ] && ok || bad "nothing suppressed in year by state (the file has small states)"
    keys=$(grep -oE '"[a-z_]+":' "$T/pub.json" | sort -u | tr -d '":' | tr '\n' ' ')
    [ "$keys" = "as_of by cells count k margins next state suppressed total year " ] && ok || bad "public keys: $keys"
    grep -q '"as_of":"2030-01-01T00:00:00Z"' "$T/pub.json" && grep -q '"next":"2030-01-02T00:00:00Z"' "$T/pub.json" &&
        ok || bad "public as_of and next: $(head -c 200 "$T/pub.json")"
    grep -qE '"name"|"address"|date|occurred|"id"|wapo-' "$T/pub.json" && bad "public stats hold personal data" || ok
    grep -q '"total":9518' "$T/pub.json" && ok || bad "public total"
    grep -q '"k":5' "$T/pub.json" && ok || bad "public k"
    code=$(curl -s -o "$T/pubeth.json" -w '%{http_code}' "$U/public/stats?by=encounter,ethnicity")
    [ "$code" = 200 ] && grep -q '"ethnicity":"hispanic"' "$T/pubeth.json" && grep -q '"total":9518' "$T/pubeth.json" &&
        ok || bad "public encounter by ethnicity: $code $(head -c 200 "$T/pubeth.json")"
    # The API's table is the command's.
    "$FW" --db "$DB" stats --by year,state --public --format json > "$T/cli.json"
    [ "$(grep -oE '"count": ?(null|[0-9]+)' "$T/cli.json" | tr -d ' ' | md5sum)" = \
      "$(grep -oE '"count":(null|[0-9]+)' "$T/pub.json" | md5sum)" ] && ok || bad "API and CLI public tables differ"
    # No suppressed cell alone in its row or column with its margin published.
    "$FW" --db "$DB" stats --by year,state --public --format csv > "$T/cells.csv"
    "$FW" --db "$DB" stats --by year --public --format csv > "$T/years.csv"
    "$FW" --db "$DB" stats --by state --public --format csv > "$T/states.csv"
    alone=$(awk -F, 'FNR == 1 { f++; next }
        f == 1 { ysup[$1] = ($2 == ""); next }
        f == 2 { ssup[$1] = ($2 == ""); next }
        $3 == "" { yn[$1]++; sn[$2]++ }
        END { for (y in yn) if (yn[y] + ysup[y] == 1) print y
              for (s in sn) if (sn[s] + ssup[s] == 1) print s }' \
        "$T/years.csv" "$T/states.csv" "$T/cells.csv" | wc -l)
    [ "$alone" -eq 0 ] && ok || bad "$alone rows or columns with a single suppressed value"
    # Published cells are the exact counts.
    "$FW" --db "$DB" stats --by year,state --format csv > "$T/exact.csv"
    awk -F, 'NR == FNR { c[$1","$2] = $3; next } FNR > 1 && $3 != "" && c[$1","$2] != $3 { bad++ }
             END { exit bad > 0 }' "$T/exact.csv" "$T/cells.csv" && ok || bad "a published cell differs from the exact count"

    # The public route refuses filters and personal fields; the exact one needs a reader.
    for q in "by=year&where=state=CA" "by=name" "by=year&since=2020-01-01" "by=year,state,race" "by=occurred_at"; do
        code=$(curl -s -o "$T/body" -w '%{http_code}' "$U/public/stats?$q")
        [ "$code" = 400 ] && grep -q '"field"' "$T/body" && ok || bad "public stats?$q: $code $(cat "$T/body")"
    done
    grep -q '"field":"by"' "$T/body" && ok || bad "the error names the parameter: $(cat "$T/body")"
    code=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/stats?by=year")
    [ "$code" = 401 ] && ok || bad "exact stats without signing in: $code"
    "$FW" --db "$DB" user add analyst1 --role analyst > /dev/null 2>&1
    tok=$("$FW" --db "$DB" token create analyst1 2>/dev/null)
    "$FW" --db "$DB" user add local1 --role supervisor --agency wapo-agency-73 > /dev/null 2>&1
    ltok=$("$FW" --db "$DB" token create local1 2>/dev/null)
    code=$(curl -s -o "$T/exact.json" -w '%{http_code}' -H "Authorization: Bearer $tok" "$U/api/v1/stats?by=year,state&where=state=WA")
    [ "$code" = 200 ] && grep -q '"k":0' "$T/exact.json" && ok || bad "exact stats: $code $(head -c 200 "$T/exact.json")"
    grep -q '"suppressed"' "$T/exact.json" && bad "exact stats suppressed something" || ok
    want=$("$FW" --db "$DB" stats --by state --where state=WA --format csv | tail -1 | cut -d, -f2)
    grep -q "\"total\":$want" "$T/exact.json" && ok || bad "exact total for WA: want $want: $(head -c 200 "$T/exact.json")"
    code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$U/api/v1/stats?by=encounter&where=year=2015..2019,ethnicity=hispanic")
    want=$("$FW" --db "$DB" stats --by encounter --where year=2015..2019,ethnicity=hispanic | tail -1)
    [ "$code" = 200 ] && [ "$want" != "total: 0 incidents" ] && grep -qE "\"total\":${want//[!0-9]/}[,}]" "$T/body" && ok ||
        bad "exact stats over a range: $code want $want: $(head -c 200 "$T/body")"
    code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$U/api/v1/stats?by=year&where=year=2016..2015")
    [ "$code" = 400 ] && grep -q '"field":"where"' "$T/body" && grep -q 'is empty' "$T/body" && ok || bad "empty range via the API: $code $(cat "$T/body")"
    code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$U/api/v1/stats?by=year&where=state=ZZ")
    [ "$code" = 400 ] && grep -q '"field":"where"' "$T/body" && ok || bad "bad where: $code $(cat "$T/body")"
    code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ltok" "$U/api/v1/stats?by=agency")
    [ "$code" = 200 ] && grep -q '"total":' "$T/body" && ! grep -q 'wapo-agency-1"' "$T/body" &&
        [ "$(grep -o '"agency":' "$T/body" | wc -l)" -eq 1 ] && ok || bad "an agency user counted other agencies: $(head -c 300 "$T/body")"
    kill "$pid"
    wait "$pid" 2>/dev/null
    pid=

    # A configured k.
    printf 'public_stats_k = 20\n' > "$T/k.conf"
    rm -f "$T/port"
    "$FW" --db "$DB" serve --listen 127.0.0.1:0 --port-file "$T/port" --config "$T/k.conf" 2>>"$T/serve.log" &
    pid=$!
    for _ in $(seq 1 500); do [ -s "$T/port" ] && break; sleep 0.02; done
    U="http://127.0.0.1:$(cat "$T/port")"
    curl -s --retry 20 --retry-connrefused --retry-delay 0 -o "$T/pub20.json" "$U/public/stats?by=year,state"
    grep -q '"k":20' "$T/pub20.json" && ok || bad "configured k: $(head -c 100 "$T/pub20.json")"
    small=$(grep -oE '"count":[0-9]+' "$T/pub20.json" | cut -d: -f2 | awk '$1 > 0 && $1 < 20' | wc -l)
    [ "$small" -eq 0 ] && ok || bad "$small published counts under 20"
    kill "$pid"
    wait "$pid" 2>/dev/null
    pid=

    # Withdrawn incidents do not count: import a file of 100 rows, then 90 of them.
    DB="$T/withdrawn.db"
    "$FW" --db "$DB" init >/dev/null 2>&1
    head -n 101 "$CSV" > "$T/100.csv"
    head -n 91 "$CSV" > "$T/90.csv"
    "$FW" --db "$DB" import wapo-v2 "$T/100.csv" > /dev/null 2>&1
    "$FW" --db "$DB" import wapo-v2 "$T/90.csv" > "$T/out" 2>&1
    grep -q "10 withdrawn" "$T/out" && ok || bad "test setup: $(cat "$T/out")"
    stats 0 --by year
    line '^total: 90 incidents$' "withdrawn incidents are not counted"
else
    echo "stats: ../shared/datasets not found; published figures not checked" >&2
fi

finish stats
