#!/usr/bin/env bash
# Import tests: the published datasets in ../shared/datasets imported through
# the built-in profiles reproduce their publishers' figures, counted through
# forcewatch's own commands; every quirk SOURCES.md lists is handled; updates
# by source id, withdrawals, agency joins, rejects by line, dry runs, profile
# errors.  Variants of the published files are made here at run time.
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=import-test
unset FORCEWATCH_DB

# run EXPECTED_RC DESCRIPTION -- command...: runs it, keeps stdout/stderr in $T/out, $T/err
run() {
    local want=$1 what=$2
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want"; sed 's/^/  | /' "$T/err" | head -20 >&2; fi
}
# has FILE PATTERN DESCRIPTION: the file contains the fixed string
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in output"; sed 's/^/  | /' "$1" | head -20 >&2; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then bad "$3: '$2' unexpectedly in output"; else ok; fi; }
# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }

DS="$TOP/../shared/datasets"
V1="$DS/wapo-v1/fatal-police-shootings-data-2016-07-09.csv"
V2="$DS/wapo-v2/fatal-police-shootings-data.csv"
AG="$DS/wapo-v2/fatal-police-shootings-agencies.csv"
ST="$DS/seattletimes/deadly-force-data.csv"
IDB="$T/import.db"
"$FW" --db "$IDB" init >/dev/null 2>&1
count() { "$FW" --db "$IDB" list "$@" 2>/dev/null | tail -n +2 | wc -l; }
doc() { "$FW" --db "$IDB" show --json --reason test "$1" 2>/dev/null; }

# ---- profile errors (need no dataset) ---------------------------------------
printf 'id,date\n1,2020-01-01\n' > "$T/tiny.csv"
run 3 "not a profile" -- "$FW" --db "$IDB" import "$T/tiny.csv" "$T/tiny.csv"
printf 'profile p "t"\nid id\nfrobnicate x\n' > "$T/p.profile"
run 3 "profile error" -- "$FW" --db "$IDB" import "$T/p.profile" "$T/tiny.csv"
has "$T/err" "p.profile:3: unknown field 'frobnicate'" "profile error names the line"
printf 'profile p "t"\nid id\ndate date\nsex s map M=male F=femail\n' > "$T/p.profile"
run 3 "map value outside the enumeration" -- "$FW" --db "$IDB" import "$T/p.profile" "$T/tiny.csv"
has "$T/err" "p.profile:4: map: 'femail' is not a value of sex" "map values are checked against the format"
printf 'profile p "t"\nid id,date\ndate date\n' > "$T/p.profile"
run 3 "several columns without hash" -- "$FW" --db "$IDB" import "$T/p.profile" "$T/tiny.csv"
has "$T/err" "p.profile:2: 'id' reads several columns: only 'hash' combines them" "hash needed"
printf 'profile p "t"\nid id\ndate date\ntime t zone mars\n' > "$T/p.profile"
run 3 "unknown zone" -- "$FW" --db "$IDB" import "$T/p.profile" "$T/tiny.csv"
has "$T/err" "p.profile:4: zone: unknown 'mars'" "unknown zone"
printf 'profile p "t"\nid id\ndate date\njoin agencies\nid id\nbadge b\n' > "$T/p.profile"
run 3 "unknown agency field" -- "$FW" --db "$IDB" import "$T/p.profile" "$T/tiny.csv"
has "$T/err" "p.profile:6: unknown agency field 'badge'" "agency fields"
has "$T/err" "'join agencies' needs at least 'id' and 'name'" "agency id and name"
run 2 "--agencies without a join" -- "$FW" --db "$IDB" import wapo-v1 "$T/tiny.csv" --agencies "$T/tiny.csv"
has "$T/err" "profile wapo-v1 has no 'join agencies' section" "--agencies needs a join"
run 3 "missing column" -- "$FW" --db "$IDB" import wapo-v2 "$T/tiny.csv"
has "$T/err" "header: the file has no column 'agency_ids' (for agency)" "missing column named"

# The worked example of docs/import.md, run as written there.
mkdir -p "$T/we"
awk '/^Suppose a state publishes/ { on = 1 } on && /^```$/ { n++; next } on && n == 1 { print > "'"$T/we/deaths.csv"'" }
     on && n == 3 { print > "'"$T/we/agencies.csv"'" } on && n == 5 { print > "'"$T/we/deaths.profile"'" }' "$TOP/docs/import.md"
"$FW" --db "$T/we.db" init >/dev/null 2>&1
run 0 "docs/import.md worked example: dry run" -- "$FW" --db "$T/we.db" import "$T/we/deaths.profile" "$T/we/deaths.csv" --agencies "$T/we/agencies.csv" --dry-run --rejects "$T/we/rejects.tsv"
has "$T/out" "deaths.csv: 2 rows (state-deaths): 2 inserted, 0 updated, 0 unchanged, 0 withdrawn, 0 rejected (dry run" "worked example: both rows"
run 0 "docs/import.md worked example" -- "$FW" --db "$T/we.db" import "$T/we/deaths.profile" "$T/we/deaths.csv" --agencies "$T/we/agencies.csv"
"$FW" --db "$T/we.db" list --json > "$T/we/list.json"
has "$T/we/list.json" '"occurred_at":"2019-03-14T21:05-04:00"' "worked example: Jane Doe's time, as the doc says"
has "$T/we/list.json" '"occurred_at":"2019-07-02"' "worked example: Richard Roe's date, as the doc says"
same "$("$FW" --db "$T/we.db" list --agency-type sheriff | tail -n +2 | wc -l)" 1 "worked example: list --agency-type sheriff"
run 0 "worked example: again" -- "$FW" --db "$T/we.db" import "$T/we/deaths.profile" "$T/we/deaths.csv" --agencies "$T/we/agencies.csv"
has "$T/out" "0 inserted, 0 updated, 2 unchanged" "worked example: re-import updates, not duplicates"

if [ ! -d "$DS" ]; then
    echo "import: ../shared/datasets not found; dataset figures not checked" >&2
    finish import
    exit
fi

# ---- wapo-v1 (2016-07-09): CRLF, doubled quotes --------------------------------
run 0 "import wapo-v1" -- "$FW" --db "$IDB" import wapo-v1 "$V1"
has "$T/out" "1502 rows (wapo-v1): 1502 inserted, 0 updated, 0 unchanged, 0 withdrawn, 0 rejected" "wapo-v1: 1,502 records"
same "$(count)" 1502 "wapo-v1: 1502 people shot and killed since 2015-01-01"
same "$(count --since 2015-01-01 --until 2015-12-31)" 990 "wapo-v1: 990 in 2015"
same "$(count --since 2016-01-01 --until 2016-12-31)" 512 "wapo-v1: 512 in 2016"
doc wapo-1203 > "$T/d"
has "$T/d" '"name":"Robert \"LaVoy\" Finicum"' "v1: doubled quotes inside a quoted field"
hasnt "$T/d" '\r' "v1: CRLF line ends leave no CR in the last columns"
doc wapo-1395 > "$T/d"
has "$T/d" '"kind":"ecd"' "v1: 'shot and Tasered' gives two force kinds (ecd)"
has "$T/d" '"kind":"firearm_discharge"' "v1: 'shot and Tasered' gives two force kinds (firearm)"
# A quoted comma in a v1-layout row ("car, knife and mace" is the SOURCES.md example).
{ head -1 "$V1"; printf '99001,"Hubert Thomas Burns, Jr.",2016-06-03,shot,"car, knife and mace",34,M,N,Parker,AZ,False,other,Not fleeing,False\r\n'; } > "$T/v1-commas.csv"
"$FW" --db "$T/commas.db" init >/dev/null 2>&1
run 0 "v1 quoted commas" -- "$FW" --db "$T/commas.db" import wapo-v1 "$T/v1-commas.csv"
"$FW" --db "$T/commas.db" show --json --reason test wapo-99001 > "$T/d" 2>/dev/null
has "$T/d" '"name":"Hubert Thomas Burns, Jr."' "v1: quoted comma kept in the name"
has "$T/d" '"weapon":"other"' "v1: 'car, knife and mace' is one value"
has "$T/d" '"state":"AZ"' "v1: columns after a quoted comma in place"

# ---- wapo-v2 over v1, with its agencies file -----------------------------------
run 0 "import wapo-v2 over v1, with agencies" -- "$FW" --db "$IDB" import wapo-v2 "$V2" --agencies "$AG"
has "$T/out" "3528 rows (wapo-v2 agencies): 3528 inserted, 0 updated, 0 unchanged, 0 rejected" "3,528 agencies"
has "$T/out" "9518 rows (wapo-v2): 8021 inserted, 1497 updated, 0 unchanged, 5 withdrawn, 0 rejected" "wapo-v2 updates v1, no duplicates"
same "$(count)" 9518 "wapo-v2: 9,518 records"
same "$(count --withdrawn)" 9523 "the 5 v1 records v2 dropped are kept, withdrawn"
for yc in 2015:995 2016:958 2017:984 2018:992 2019:997 2020:1020 2021:1050 2022:1095 2023:1162 2024:265; do
    y=${yc%:*} c=${yc#*:}
    same "$(count --since "$y-01-01" --until "$y-12-31")" "$c" "wapo-v2 $y, as published"
done
same "$(count --agency-type federal)" 255 "federal agencies appear in 255 incidents"
same "$(count --agency-type tribal)" 0 "no agency is typed tribal"
"$FW" --db "$IDB" show wapo-agency-6196 --json > "$T/d" 2>/dev/null
has "$T/d" '"name":"Bureau of Alcohol, Tobacco and Firearms"' "agency record: name with commas"
has "$T/d" '"type":"federal"' "agency record: type"
has "$T/d" '"ori":"ARATF0100"' "agency record: the first of its ORI codes"
"$FW" --db "$IDB" show wapo-agency-2229 --json > "$T/d" 2>/dev/null
has "$T/d" '"type":"other"' "local_other becomes other"
hasnt "$T/d" 'total_shootings' "total_shootings is not imported"
# total_shootings disagrees with the data for 26 agencies: counts come from the incidents.
"$FW" --db "$IDB" list --json | jq -r '.[] | [.agency] + (.other_agencies // []) | unique | .[]' |
    sort | uniq -c | awk '{ sub("wapo-agency-", "", $2); print $2 "," $1 }' > "$T/counts.csv"
sqlite3 "$T/cmp.db" ".import --csv $AG agencies" "create table counted(id text, n int)" \
    ".import --csv $T/counts.csv counted" \
    "select count(*) from agencies a left join counted c on c.id = a.id where coalesce(c.n, 0) != cast(a.total_shootings as int)" > "$T/n"
same "$(cat "$T/n")" 26 "total_shootings disagrees with forcewatch's counts for 26 agencies"
same "$(wc -l < "$T/counts.csv")" 3518 "the incidents name 3,518 of the 3,528 agencies"

# Progress only on a terminal: rows, rows/s (and the share read and time left while running).
run 0 "no progress without a terminal" -- "$FW" --db "$IDB" import wapo-v2 "$V2" --dry-run
hasnt "$T/err" "rows/s" "no progress line when stderr is not a terminal"
if command -v script >/dev/null; then
    script -qec "'$FW' --db '$IDB' import wapo-v2 '$V2' --dry-run" /dev/null < /dev/null | tr '\r' '\n' > "$T/tty"
    has "$T/tty" "fatal-police-shootings-data.csv: 9518 rows, " "progress line on a terminal"
    has "$T/tty" " rows/s" "progress shows rows/s"
    has "$T/tty" "9518 rows (wapo-v2): 0 inserted" "summary after the progress line"
else
    echo "import: script(1) not found; progress on a terminal not checked" >&2
fi

# v2 quirks, row by row.
run 0 "re-import unchanged" -- "$FW" --db "$IDB" import wapo-v2 "$V2" --agencies "$AG"
has "$T/out" "3528 rows (wapo-v2 agencies): 0 inserted, 0 updated, 3528 unchanged" "agencies re-import changes nothing"
has "$T/out" "0 inserted, 0 updated, 9518 unchanged, 0 withdrawn" "re-import changes nothing"
doc wapo-9473 > "$T/d"
hasnt "$T/d" '"lon"' "id 9473: junk longitude dropped"
has "$T/d" '"lat":32.506799382041685' "id 9473: its latitude kept"
doc wapo-8518 > "$T/d"
has "$T/d" $'"city":"\xd0\x95asley"' "id 8518: Cyrillic first letter kept intact"
has "$T/d" '"other_agencies":["wapo-agency-2639"]' "agency_ids split on ;"
doc wapo-3990 > "$T/d"
has "$T/d" '"weapon":"firearm"' "armed_with gun;vehicle: firearm"
has "$T/d" '"weapon":"vehicle"' "armed_with gun;vehicle: vehicle"
doc wapo-8366 > "$T/d"
has "$T/d" '"race":"black"' "race B;H: black"
has "$T/d" '"ethnicity":"hispanic"' "race B;H: hispanic"
doc wapo-369 > "$T/d"
has "$T/d" '"city":"Cañon City"' "non-ASCII city kept"
doc wapo-6790 > "$T/d"
has "$T/d" '"name":"Ma’Khia Bryant"' "curly apostrophe kept"
doc wapo-1591 > "$T/d"
has "$T/d" '"name":"Hubert Thomas Burns, Jr."' "v2: quoted comma in a name"
doc wapo-2328 > "$T/d"
hasnt "$T/d" '"age"' "empty fields: no age"
hasnt "$T/d" '"race"' "empty fields: no race"
has "$T/d" '"agency":"wapo-agency-1108"' "empty fields: the rest mapped"
doc wapo-8061 > "$T/d"
has "$T/d" '"city":"Doña Ana County"' "non-ASCII: Doña Ana County"
# Ids are not in date order: listing is by date, and each id keeps its own row.
"$FW" --db "$IDB" list --since 2015-01-09 --until 2015-01-11 --json | jq -r '.[].id' | tr '\n' ' ' > "$T/ids"
case "$(cat "$T/ids")" in *wapo-325*wapo-42*) ok ;; *) bad "ids not in date order: $(cat "$T/ids")" ;; esac
same "$(doc wapo-42 | jq -r .occurred_at)" 2015-01-11 "id 42's date, though after id 325"

# A newer file without a record withdraws it; a later file with it again restores it.
grep -v '^"4",' "$V2" > "$T/v2-less.csv"
run 0 "import a file that dropped a record" -- "$FW" --db "$IDB" import wapo-v2 "$T/v2-less.csv"
has "$T/out" "9517 rows (wapo-v2): 0 inserted, 0 updated, 9517 unchanged, 1 withdrawn, 0 rejected" "the dropped record is withdrawn"
same "$(count)" 9517 "withdrawn records are not listed"
same "$(doc wapo-4 | jq -r .withdrawn)" true "the withdrawn record is kept, marked withdrawn"
run 0 "import the record again" -- "$FW" --db "$IDB" import wapo-v2 "$V2"
has "$T/out" "0 inserted, 1 updated, 9517 unchanged, 0 withdrawn" "a record back in the file is restored"
same "$(count)" 9518 "restored record listed again"
# A file with a header and no rows (a truncated download) would withdraw everything: refused.
head -1 "$V2" > "$T/v2-empty.csv"
before=$(sha256sum "$IDB" | cut -d' ' -f1)
run 3 "a file with no rows is refused" -- "$FW" --db "$IDB" import wapo-v2 "$T/v2-empty.csv"
has "$T/err" "v2-empty.csv: no rows after the header: nothing imported, nothing withdrawn" "the refusal says why"
same "$(sha256sum "$IDB" | cut -d' ' -f1)" "$before" "a refused empty file changes nothing"
same "$(count)" 9518 "a refused empty file withdraws nothing"
run 0 "an empty file with --allow-empty, dry run" -- "$FW" --db "$IDB" import wapo-v2 "$T/v2-empty.csv" --allow-empty --dry-run
has "$T/out" "0 rows (wapo-v2): 0 inserted, 0 updated, 0 unchanged, 9518 withdrawn, 0 rejected (dry run" "--allow-empty withdraws every incident"
# A row rejected by a typo is still listed by the file: its incident is not withdrawn.
sed 's/^"3","2015-01-02",/"3","2015-13-45",/' "$V2" > "$T/v2-typo.csv"
run 0 "import a file with a bad date in one row" -- "$FW" --db "$IDB" import wapo-v2 "$T/v2-typo.csv"
has "$T/out" "0 inserted, 0 updated, 9517 unchanged, 0 withdrawn, 1 rejected" "a rejected row withdraws nothing"
same "$(doc wapo-3 | jq -r '.withdrawn // false')" false "the rejected row's incident is not withdrawn"
# ... and a file whose every row is rejected withdraws nothing either.
{ head -1 "$V2"; tail -n +2 "$V2" | sed 's/^\("[0-9]*"\),"[^"]*",/\1,"bad",/'; } > "$T/v2-allbad.csv"
run 0 "import a file whose rows are all rejected" -- "$FW" --db "$IDB" import wapo-v2 "$T/v2-allbad.csv" --dry-run
has "$T/out" "0 inserted, 0 updated, 0 unchanged, 0 withdrawn, 9518 rejected" "all rows rejected: nothing withdrawn"
# A revised record (the Post corrects rows between releases) becomes a new version.
sed 's/^"3","2015-01-02","point","not","gun","Shelton"/"3","2015-01-02","point","not","knife","Shelton"/' "$V2" > "$T/v2-revised.csv"
run 0 "import a revised file" -- "$FW" --db "$IDB" import wapo-v2 "$T/v2-revised.csv" --dry-run
has "$T/out" "0 inserted, 1 updated, 9517 unchanged, 0 withdrawn, 0 rejected (dry run: nothing stored)" "a dry run counts exactly"
same "$("$FW" --db "$IDB" history wapo-3 | tail -n +2 | wc -l)" 2 "a dry run stores nothing"
run 0 "verify after import" -- "$FW" --db "$IDB" verify

# Bad rows are reported by line and skipped; a dry run stores nothing.
{ head -3 "$V2"
  printf '"x1","not a date","point","not","gun","A","B","WA","","","","N","","male","W","","","","1"\n'
  printf '"3","2015-01-02","point","not","gun","A","B","WA","","","","N","","male","W","","","","1"\n'
  printf '"x2","2020-01-01","point\n'; } > "$T/bad.csv"
before=$(sha256sum "$IDB" | cut -d' ' -f1)
run 0 "import with rejects" -- "$FW" --db "$IDB" import wapo-v2 "$T/bad.csv" --dry-run --rejects "$T/rejects.tsv"
has "$T/out" "5 rows (wapo-v2): 0 inserted, 0 updated, 2 unchanged, 0 withdrawn, 3 rejected (dry run: nothing stored)" "dry run summary"
# Line 6 has no id the reader could see, so which incidents the file lists is unknown.
has "$T/err" "bad.csv: nothing withdrawn: 1 rejected rows have no id" "no withdrawals after a row without an id"
same "$(sed -n 1p "$T/rejects.tsv")" $'4\tdate: invalid \'not a date\'' "rejected line 4 listed"
same "$(sed -n 2p "$T/rejects.tsv")" $'5\tduplicate id wapo-3 (also on line 2)' "a second row with the same id is refused"
same "$(sed -n 3p "$T/rejects.tsv")" $'6\tunterminated quoted field' "rejected line 6 listed"
same "$before" "$(sha256sum "$IDB" | cut -d' ' -f1)" "a dry run changed the database"
run 0 "rejects on stderr" -- "$FW" --db "$IDB" import wapo-v2 "$T/bad.csv" --dry-run
has "$T/err" "bad.csv:4: rejected: date: invalid 'not a date'" "each rejected row on stderr without --rejects"
has "$T/err" "bad.csv:6: rejected: unterminated quoted field" "each rejected row on stderr"
# A bad agency row is rejected with its file and line.
{ head -2 "$AG"; printf '"77777","","federal","DC","",""\n'; } > "$T/ag-bad.csv"
"$FW" --db "$T/ag.db" init >/dev/null 2>&1
run 0 "bad agency row" -- "$FW" --db "$T/ag.db" import wapo-v2 "$T/bad.csv" --agencies "$T/ag-bad.csv" --rejects "$T/rejects.tsv"
has "$T/rejects.tsv" "ag-bad.csv:3	no name" "agency rejects name the agencies file and line"
has "$T/out" "2 rows (wapo-v2 agencies): 1 inserted, 0 updated, 0 unchanged, 1 rejected" "agency summary"

# ---- the Seattle Times: no id column, "Last, First", MM/DD/YYYY, h:mm AM/PM ---
SDB="$T/st.db"
"$FW" --db "$SDB" init >/dev/null 2>&1
run 0 "import seattletimes" -- "$FW" --db "$SDB" import seattletimes "$ST"
has "$T/out" "213 rows (seattletimes): 213 inserted, 0 updated, 0 unchanged, 0 withdrawn, 0 rejected" "seattletimes: 213 rows"
"$FW" --db "$SDB" list --json --withdrawn | jq -r '.[].id' > "$T/st.ids"
same "$(wc -l < "$T/st.ids")" 213 "seattletimes: 213 deaths"
# Hashed ids are keyed by a secret of the database: another database gets other ids,
# and no id is the plain SHA-256 of the name and date it was made from.
"$FW" --db "$T/st2.db" init >/dev/null 2>&1
"$FW" --db "$T/st2.db" import seattletimes "$ST" >/dev/null 2>&1
"$FW" --db "$T/st2.db" list --json --withdrawn | jq -r '.[].id' > "$T/st2.ids"
same "$(sort "$T/st.ids" "$T/st2.ids" | uniq -d | wc -l)" 0 "two databases share no hashed id"
plain=$(printf 'Albrecht, David Gary\03708/10/2011' | sha256sum | cut -c1-16)
grep -q "seattletimes-$plain" "$T/st.ids" && bad "an id is the plain SHA-256 of name and date" || ok
n0509=$("$FW" --db "$SDB" list --since 2005-01-01 --until 2009-12-31 | tail -n +2 | wc -l)
same "$((n0509 / 5))" 16 "seattletimes: an average of 16 a year for 2005-2009 ($n0509 in 5 years)"
same "$((n0509 % 5))" 0 "seattletimes: exactly 16 a year on average"
while read -r id; do "$FW" --db "$SDB" show --json --reason test "$id"; echo; done < "$T/st.ids" > "$T/st.jsonl" 2>/dev/null
same "$(jq -s '[.[] | .subjects[0] | select(.sex == "female")] | length' "$T/st.jsonl")" 3 "seattletimes: 3 women"
same "$(jq -s '[.[] | .subjects[0] | select(.age >= 13 and .age <= 19)] | length' "$T/st.jsonl")" 7 "seattletimes: 7 teenagers"
same "$(jq -s '[.[] | .subjects[0] | select(.armed == "firearm")] | length' "$T/st.jsonl")" 109 "seattletimes: 109 with a firearm"
same "$(jq -s '[.[] | .subjects[0].name | select(test(",| $|  "))] | length' "$T/st.jsonl")" 0 "no name left as 'Last, First' or with trailing spaces"
grep -F '"Alford, Jerome "' "$ST" >/dev/null && ok || bad "the file no longer has 'Alford, Jerome ' (test needs a new example)"
same "$(jq -s -r '.[] | select(.subjects[0].name == "Jerome Alford") | .occurred_at' "$T/st.jsonl")" 2007-03-24T10:14-07:00 \
    "'Alford, Jerome ' is Jerome Alford; 03/24/2007 10:14 AM Pacific daylight time"
same "$(jq -s -r '.[] | select(.subjects[0].name == "David Gary Albrecht") | .occurred_at' "$T/st.jsonl")" 2011-08-10T13:10-07:00 \
    "1:10 PM is 13:10"
same "$(jq -s -r '[.[] | select(.occurred_at | test("T")) ] | length' "$T/st.jsonl")" 211 "rows without a time keep the date only (2 of 213)"
same "$(jq -s -r '[.[] | select(.occurred_at | test("-08:00$"))] | length > 0' "$T/st.jsonl")" true "winter times are Pacific standard time"
# Re-import updates rather than duplicates: the id is a hash of name and date, which a
# tidied name (no trailing space) does not change.
sed 's/"Alford, Jerome "/"Alford, Jerome"/; s/^King,"Albrecht, David Gary",Firearm,,22/King,"Albrecht, David Gary",Firearm,,23/' "$ST" > "$T/st2.csv"
run 0 "re-import seattletimes, corrected" -- "$FW" --db "$SDB" import seattletimes "$T/st2.csv"
has "$T/out" "213 rows (seattletimes): 0 inserted, 1 updated, 212 unchanged, 0 withdrawn, 0 rejected" "seattletimes re-import updates by the hashed id"

finish import
