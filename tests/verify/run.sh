#!/usr/bin/env bash
# verify (issue 12, findings 5 and 6): every derived table rebuilt from the
# records and compared (data-driven: every table of the schema that is not
# the records, the log, the checkpoints or the settings must be one verify
# names, and each one emptied or edited fails verify naming it); every
# stored checkpoint checked, not only the latest; the verifier key taken
# from outside the database (DB.pub pinned by init, or --key FILE), with a
# loud warning when verify falls back to the stored one; and a signing key
# that is not the database's refused for every write, nothing written.
# Run from the top of the tree as FW=path/to/forcewatch tests/verify/run.sh.
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=verify-test
unset FORCEWATCH_DB FORCEWATCH_SIGNING_KEY
# The examples without their links to registry officers: this suite is about the log, and
# its checkpoint sizes follow one example per leaf (tests/registry covers the links).
EX="$T/ex"
mkdir -p "$EX"
for f in "$TOP"/examples/*.json; do jq 'del(.officers[].registry)' "$f" > "$EX/$(basename "$f")"; done

# run EXPECTED_RC DESCRIPTION -- command...: stdout in $T/out, stderr in $T/err
run() {
    local want=$1 what=$2
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want"; sed 's/^/  | /' "$T/err" "$T/out" | head -20 >&2; fi
}
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(basename "$1")"; sed 's/^/  | /' "$1" | head -20 >&2; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then bad "$3: '$2' unexpectedly in $(basename "$1")"; else ok; fi; }

# A database with updates (ledger entries taken back) and a withdrawn incident.
DB="$T/fw.db"
"$FW" --db "$DB" init >"$T/init.out" 2>&1 || bad "init"
VKEY=$(sed -n 's/^verifier key: //p' "$T/init.out")
"$FW" --db "$DB" add "$EX"/0[1-6]*.json >/dev/null || bad "add"
jq '.summary = "Edited: " + .summary' "$EX/01-vehicle-stop-disputed.json" >"$T/v2.json"
jq '.withdrawn = true' "$EX/02-off-duty-shooting-conflicting.json" >"$T/wd.json"
"$FW" --db "$DB" add "$T/v2.json" "$T/wd.json" >/dev/null || bad "add v2"
"$FW" --db "$DB" add "$EX"/0[7-9]*.json "$EX"/1*.json >/dev/null || bad "add rest"

# init pins the verifier key beside the database.
[ -f "$DB.pub" ] && ok || bad "init writes DB.pub"
[ "$(cat "$DB.pub")" = "$VKEY" ] && ok || bad "DB.pub holds the verifier key"
[ "$(stat -c %a "$DB.pub")" = 644 ] && ok || bad "DB.pub is 0644"
run 0 "init again" -- "$FW" --db "$DB" init
[ "$(cat "$DB.pub")" = "$VKEY" ] && ok || bad "init again leaves DB.pub"

run 0 "verify" -- "$FW" --db "$DB" verify
has "$T/out" "stored checkpoints verified" "verify counts checkpoints"
has "$T/out" "verifier key: $DB.pub" "verify says where the key came from"
hasnt "$T/err" "WARNING" "no warning with a pinned key"
TABLES=$(sed -n 's/^derived tables match their records ([0-9]* rows and entries)://p' "$T/out")
[ -n "$TABLES" ] && ok || bad "verify names the derived tables it checked"

# Every table of the schema is the record log's or one verify checks.
SCHEMA=$(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
    AND name NOT IN ('records', 'log', 'checkpoints', 'settings') ORDER BY name" | tr '\n' ' ')
[ "$(echo $SCHEMA | tr ' ' '\n' | sort)" = "$(echo $TABLES | tr ' ' '\n' | sort)" ] && ok ||
    bad "derived tables of the schema ($SCHEMA) are not the ones verify checks ($TABLES)"

# tamper NAME SQL: a copy of the database (and its pinned key) edited behind forcewatch's
# back, every append-only trigger dropped first.
tamper() {
    cp "$DB" "$T/$1.db"
    cp "$DB.pub" "$T/$1.db.pub"
    local drops
    drops=$(sqlite3 "$T/$1.db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'")
    sqlite3 "$T/$1.db" "$drops $2" || bad "tamper $1: sql failed"
}
# fails NAME WHAT PATTERN: verify of the tampered copy exits 4 with PATTERN on stderr
fails() {
    run 4 "verify: $2" -- "$FW" --db "$T/$1.db" verify
    has "$T/err" "$3" "$2"
}

# One edit per derived table, beside emptying it: a row changed, a row added.
edit_sql() {
    case $1 in
    incident_index) echo "UPDATE incident_index SET agency = 'forged' WHERE id = 'demo-0007' AND version = 2" ;;
    stats_index) echo "UPDATE stats_index SET facts = (SELECT facts FROM stats_index WHERE id <> 'demo-0007' LIMIT 1) WHERE id = 'demo-0007' AND version = 1" ;;
    stats_ledger) echo "INSERT INTO stats_ledger(snapshot, entries) SELECT 0, entries FROM stats_ledger WHERE seq = 2" ;;
    *) echo "" ;;
    esac
}
add_sql() {
    case $1 in
    incident_index) echo "INSERT INTO incident_index SELECT 'ghost', 1, agency, occurred_at, encounter, force_kinds, naccounts, nevents, withdrawn FROM incident_index LIMIT 1" ;;
    stats_index) echo "INSERT INTO stats_index SELECT 'ghost', 1, agency, withdrawn, facts FROM stats_index LIMIT 1" ;;
    stats_ledger) echo "INSERT INTO stats_ledger(snapshot, entries) SELECT 1, x''" ;;
    *) echo "" ;;
    esac
}
for t in $TABLES; do
    tamper "empty-$t" "DELETE FROM $t"
    fails "empty-$t" "$t emptied" "$t: "
    sql=$(edit_sql "$t")
    if [ -n "$sql" ]; then
        tamper "edit-$t" "$sql"
        fails "edit-$t" "$t edited" "$t: "
    else
        bad "no edit case for the derived table $t: add one to tests/verify/run.sh"
    fi
    sql=$(add_sql "$t")
    if [ -n "$sql" ]; then
        tamper "add-$t" "$sql"
        fails "add-$t" "a row added to $t" "$t: "
    else
        bad "no added-row case for the derived table $t: add one to tests/verify/run.sh"
    fi
done
# The issue's example: the ledger emptied makes stats count nothing, and verify says why.
run 0 "stats of the emptied ledger" -- "$FW" --db "$T/empty-stats_ledger.db" stats --by year --format csv
fails "empty-stats_ledger" "emptied ledger named" "FAILED at seq 2: stats_ledger: seq 2: incident ex-03-crowd-control is not counted"
fails "edit-incident_index" "edited index row named" "FAILED at seq 6: incident_index: seq 6: the row of incident demo-0007 version 2 does not match"
fails "add-stats_index" "ghost row named" "stats_index: a row for incident ghost version 1, which no stored incident version has"
# Only the latest snapshot on is what stats reads: a forged snapshot after it is caught too.
tamper "snapshot" "INSERT INTO stats_ledger(snapshot, entries) SELECT 1, entries FROM stats_ledger WHERE seq = 2"
fails "snapshot" "a forged latest snapshot" "stats_ledger: "

# Every stored checkpoint, not only the latest.
NCK=$(sqlite3 "$DB" "SELECT count(*) FROM checkpoints")
[ "$NCK" -ge 4 ] && ok || bad "the database has several checkpoints ($NCK)"
tamper "ck-swapped" "UPDATE checkpoints SET note = (SELECT note FROM checkpoints WHERE size = 2) WHERE size = 3"
fails "ck-swapped" "an older checkpoint replaced by another" "the checkpoint stored as size 3 signs tree size 2"
tamper "ck-badsig" "UPDATE checkpoints SET note = replace(note, substr(note, length(note) - 5, 4), 'AAAA') WHERE size = 3"
fails "ck-badsig" "an older checkpoint's signature broken" "the checkpoint of size 3 does not verify"
tamper "ck-state" "UPDATE checkpoints SET state = (SELECT state FROM checkpoints WHERE size = 2) WHERE size = (SELECT max(size) FROM checkpoints)"
fails "ck-state" "the saved tree state changed" "the tree state stored with the checkpoint of size"
# A checkpoint validly signed with the same key over another log: its root is not this log's.
"$FW" --db "$T/twin.db" --signing-key "$DB.key" init >/dev/null 2>&1 || bad "twin init"
"$FW" --db "$T/twin.db" --signing-key "$DB.key" add "$EX/10-witness-officer-no-statement.json" \
    "$EX/11-ecd-taser.json" "$EX/12-within-policy.json" >/dev/null || bad "twin add"
tamper "ck-root" "ATTACH '$T/twin.db' AS twin;
    UPDATE checkpoints SET note = (SELECT note FROM twin.checkpoints WHERE size = 3) WHERE size = 3"
fails "ck-root" "an older checkpoint signed over another tree" "the log's tree at size 3 does not match its signed checkpoint"
tamper "ck-deleted" "DELETE FROM checkpoints WHERE size = 3"
run 0 "verify: a checkpoint deleted (the rest still hold)" -- "$FW" --db "$T/ck-deleted.db" verify

# The verifier key from outside the database.
"$FW" --db "$T/other.db" --signing-key "$T/other.key" init --origin other.example/log >"$T/other.out" 2>&1
OTHER=$(sed -n 's/^verifier key: //p' "$T/other.out")
"$FW" --db "$T/other.db" --signing-key "$T/other.key" add "$EX"/0*.json >/dev/null
# Someone replaces the whole database with one of their own: the pinned key sees it.
cp "$T/other.db" "$T/swapped.db"
cp "$DB.pub" "$T/swapped.db.pub"
fails "swapped" "a database signed with another key" "the latest checkpoint does not verify: no signature by forcewatch.local/fw+"
# The stored key replaced: the pinned one still rules, and the mismatch is named.
tamper "storedkey" "UPDATE settings SET value = '$OTHER' WHERE key = 'verifier_key'"
fails "storedkey" "the stored verifier key replaced" "the verifier key stored in the database ($OTHER) is not the one trusted"
# Without DB.pub or --key: the stored key, loudly.
cp "$DB" "$T/nopub.db"
run 0 "verify without a pinned key" -- "$FW" --db "$T/nopub.db" verify
has "$T/err" "WARNING" "fallback warned on stderr"
has "$T/err" "trusting the verifier key stored inside the database" "fallback warning says what"
has "$T/out" "verifier key: the key stored inside the database (not independent)" "fallback said in the result"
cp "$T/other.db" "$T/nopub2.db"
run 0 "the stored key verifies its own database (why it cannot be the default)" -- "$FW" --db "$T/nopub2.db" verify
# --key FILE, or the key itself.
printf '%s\n' "$OTHER" >"$T/other.pub"
run 4 "verify --key another key's file" -- "$FW" --db "$DB" verify --key "$T/other.pub"
has "$T/err" "no signature by other.example/log" "--key FILE used"
has "$T/err" "verifier key: --key $T/other.pub" "--key FILE named"
run 0 "verify --key the right file" -- "$FW" --db "$T/nopub.db" verify --key "$DB.pub"
hasnt "$T/err" "WARNING" "no warning with --key"
run 0 "verify --key the key's text" -- "$FW" --db "$T/nopub.db" verify --key "$VKEY"
run 2 "verify --key nonsense" -- "$FW" --db "$DB" verify --key "$T/nonsense"
echo "not a key" >"$T/bad.pub"
run 2 "verify --key a file that is not a key" -- "$FW" --db "$DB" verify --key "$T/bad.pub"
has "$T/err" "$T/bad.pub" "the bad key file named"
cp "$DB" "$T/badpin.db"
cp "$T/bad.pub" "$T/badpin.db.pub"
run 1 "a pinned file that is not a key" -- "$FW" --db "$T/badpin.db" verify
# init never replaces a pinned key with another.
cp "$T/other.db.pub" "$T/repin.db.pub"
run 1 "init with another key pinned" -- "$FW" --db "$T/repin.db" init
has "$T/err" "holds another verifier key" "init refuses to repin"
[ "$(cat "$T/repin.db.pub")" = "$OTHER" ] && ok || bad "pinned key left as it was"

# Finding 6: a signing key that is not the database's is refused for writing.
before=$(sqlite3 "$DB" "SELECT count(*) FROM log")
bsum=$(sqlite3 "$DB" "SELECT count(*) || ':' || max(size) FROM checkpoints")
run 1 "add with another signing key" -- "$FW" --db "$DB" --signing-key "$T/other.key" add "$T/v2.json" "$EX/13-firearm-aimed-only.json"
has "$T/err" "the signing key $T/other.key is not this database's" "the refused key file named"
jq '.summary = "Edited twice"' "$T/v2.json" >"$T/v3.json"
run 1 "add a change with another signing key" -- "$FW" --db "$DB" --signing-key "$T/other.key" add "$T/v3.json"
printf 'id,name,date,manner_of_death,armed,age,gender,race,city,state,signs_of_mental_illness,threat_level,flee,body_camera\n1,A B,2015-01-02,shot,gun,53,M,A,Shelton,WA,True,attack,Not fleeing,False\n' >"$T/w.csv"
for cmd in "user add someone --role analyst" "review demo-0007 --policy dhs" \
    "training add off-1 firearm --completed 2025-01-01" "import wapo-v1 $T/w.csv" \
    "case move demo-0007 supervisor_review" "show ex-11-ecd --reason test"; do
    # shellcheck disable=SC2086
    run 1 "$cmd with another signing key" -- "$FW" --db "$DB" --signing-key "$T/other.key" $cmd
    has "$T/err" "is not this database's" "$cmd refused for the key"
done
run 1 "serve with another signing key" -- "$FW" --db "$DB" --signing-key "$T/other.key" serve --listen 127.0.0.1:0 --port-file "$T/port"
has "$T/err" "is not this database's" "serve refuses to start"
[ ! -s "$T/port" ] && ok || bad "serve did not listen"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM log")" = "$before" ] && ok || bad "nothing written with another key"
[ "$(sqlite3 "$DB" "SELECT count(*) || ':' || max(size) FROM checkpoints")" = "$bsum" ] && ok || bad "no checkpoint written with another key"
run 0 "verify after the refused writes" -- "$FW" --db "$DB" verify
run 0 "the right key still writes" -- "$FW" --db "$DB" add "$T/v3.json"
run 0 "verify after a write" -- "$FW" --db "$DB" verify

finish verify
