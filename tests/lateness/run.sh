#!/usr/bin/env bash
# Statement lateness (issue 13, point 5): a statement is judged by the time
# the record log received it, never by its own filed_at.  Records are stamped
# by the store's (wall) clock, so the incidents here happened relative to
# today, and the duties are judged with --now / FORCEWATCH_NOW an hour from
# now.  A statement POSTed eleven months late with no filed_at is late; one
# backdated to within the deadline is late and flagged backdated; one filed
# in a new incident version is judged by that version's time; an on-time one
# raises nothing; as of a moment before the log received it, a statement is
# not filed yet.  The CLI and the API agree.
# Prints "lateness: N passed, N failed".
set -u
. tests/lib.sh

DB="$T/late.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$FW" --db "$DB" user add late-admin --role admin >/dev/null 2>&1
ADMIN=$("$FW" --db "$DB" token create late-admin)

utc() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
OLD=$(utc '-335 days')           # eleven months ago
OLD_2H=$(utc "$OLD + 2 hours")   # within the 24-hour deadline of OLD
RECENT=$(utc '-1 hour')
NOW=$(utc '+1 hour')             # the clock duties are judged by
BEFORE=$(utc "$OLD + 3 days")    # after the deadline, before the log received anything

# incident ID OCCURRED [ACCOUNT_JSON]: an incident with officers o-1 (force) and
# o-2 (present), a subject's complaint, and optionally one more account.
incident() {
    printf '{"id":"%s","agency":"late-pd","occurred_at":"%s","encounter":"arrest",' "$1" "$2"
    printf '"officers":[{"id":"o-1","role":"applied_force"},{"id":"o-2","role":"present"}],'
    printf '"subjects":[{"id":"s-1"}],"accounts":[{"id":"complaint","kind":"subject_statement","source":"s",'
    printf '"events":[{"t":0,"type":"force","actor":"o-1","kind":"takedown","target":"s-1"}]}%s]}\n' "${3:+,$3}"
}
# statement ID AUTHOR [FILED_AT]
statement() {
    printf '{"id":"%s","kind":"officer_report","source":"report","author":"%s",%s' "$1" "$2" \
        "${3:+\"filed_at\":\"$3\",}"
    printf '"events":[{"t":0,"type":"force","actor":"o-1","kind":"takedown","target":"s-1"}]}'
}

for id in late-nofiled late-backdated ontime; do
    occ=$OLD
    [ $id = ontime ] && occ=$RECENT
    incident $id "$occ" > "$T/$id.json"
done
# A statement carried by a new incident version: v1 without it, v2 with it, backdated.
incident late-version "$OLD" > "$T/late-version.json"
incident late-version "$OLD" "$(statement v-o1 o-1 "$OLD_2H")" > "$T/late-version-2.json"
# Filed in the incident's first version, with a filed_at (today) matching when the log got it.
incident late-honest "$OLD" "$(statement h-o1 o-1 "$(utc now)")" > "$T/late-honest.json"
"$FW" --db "$DB" add "$T"/late-nofiled.json "$T"/late-backdated.json "$T"/ontime.json \
    "$T"/late-version.json "$T"/late-honest.json >"$T/out" 2>&1 && ok || bad "add: $(cat "$T/out")"
"$FW" --db "$DB" add "$T/late-version-2.json" >"$T/out" 2>&1 && ok || bad "add v2: $(cat "$T/out")"

serve_start "$DB" FORCEWATCH_NOW="$NOW" ||
    { echo "lateness: the server did not start"; cat "$T/serve.log"; echo "lateness: 0 passed, 1 failed"; exit 1; }

post() { # post INCIDENT ACCOUNT_JSON
    local code
    code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -X POST \
        -d "$2" "$U/api/v1/incidents/$1/accounts")
    [ "$code" = 201 ] && ok || bad "POST account to $1: $code $(cat "$T/body")"
}
post late-nofiled "$(statement n-o1 o-1)"
post late-backdated "$(statement b-o1 o-1 "$OLD_2H")"
post ontime "$(statement t-o1 o-1)"
post ontime "$(statement t-o2 o-2 "$RECENT")"

# item FILE INCIDENT OFFICER KIND: the item's JSON (empty if none)
item() { jq -c --arg i "$2" --arg o "$3" --arg k "$4" \
    '.[] | select(.incident == $i and .officer == $o and .kind == $k)' "$1"; }

"$FW" --db "$DB" duties --json --now "$NOW" > "$T/cli.json" 2>"$T/err" && ok || bad "duties: $(cat "$T/err")"
curl -s -H "Authorization: Bearer $ADMIN" "$U/api/v1/duties" | jq '.duties' > "$T/api.json"

for src in cli api; do
    f="$T/$src.json"
    # Eleven months late with no filed_at: late, not backdated (today the item cleared silently).
    it=$(item "$f" late-nofiled o-1 statement_late)
    [ -n "$it" ] && [ "$(jq -r .backdated <<<"$it")" = false ] && [ "$(jq -r .account <<<"$it")" = n-o1 ] &&
        ok || bad "$src: a statement POSTed eleven months late is not late: $it"
    [ -z "$(item "$f" late-nofiled o-1 statement_overdue)" ] && ok || bad "$src: late-nofiled also overdue"
    # Backdated to within the deadline: late and flagged.
    it=$(item "$f" late-backdated o-1 statement_late)
    [ "$(jq -r .backdated <<<"$it")" = true ] && [ "$(jq -r .filed_at <<<"$it")" = "$OLD_2H" ] &&
        grep -q backdated <<<"$(jq -r .detail <<<"$it")" && ok ||
        bad "$src: a backdated statement is not late and backdated: $it"
    # In a new incident version: judged by that version's time, backdated.
    it=$(item "$f" late-version o-1 statement_late)
    [ "$(jq -r .backdated <<<"$it")" = true ] && ok || bad "$src: statement of a new version: $it"
    # Received late, but its filed_at says so: late, not backdated.
    it=$(item "$f" late-honest o-1 statement_late)
    [ -n "$it" ] && [ "$(jq -r .backdated <<<"$it")" = false ] && ok || bad "$src: late-honest: $it"
    # o-2 never filed: overdue, as before.
    [ -n "$(item "$f" late-nofiled o-2 statement_overdue)" ] && ok || bad "$src: o-2 not overdue"
    # On time: nothing about statements.
    [ "$(jq '[.[] | select(.incident == "ontime" and (.kind | startswith("statement")))] | length' "$f")" = 0 ] &&
        ok || bad "$src: on-time statements listed: $(jq -c '.[] | select(.incident == "ontime")' "$f")"
done
# The two front-ends agree.
[ "$(jq -S 'sort_by(.incident, .kind, .officer)' "$T/cli.json")" = \
  "$(jq -S 'sort_by(.incident, .kind, .officer)' "$T/api.json")" ] && ok || bad "CLI and API disagree"
# One incident, by id, in both.
"$FW" --db "$DB" duties --json --now "$NOW" --incident late-backdated > "$T/one.json" 2>"$T/err"
[ "$(jq -r '.[] | select(.kind == "statement_late") | .backdated' "$T/one.json")" = true ] && ok ||
    bad "duties --incident: $(cat "$T/one.json" "$T/err")"
curl -s -H "Authorization: Bearer $ADMIN" "$U/api/v1/duties?incident=late-nofiled" > "$T/body"
[ "$(jq -r '.duties[] | select(.officer == "o-1") | .kind' "$T/body")" = statement_late ] && ok ||
    bad "GET /api/v1/duties?incident=: $(cat "$T/body")"
# The table the CLI prints says backdated.
"$FW" --db "$DB" duties --now "$NOW" --incident late-backdated > "$T/out" 2>&1
grep -q 'statement_late .*backdated' "$T/out" && ok || bad "duties table: $(cat "$T/out")"

# As of a moment before the log received them, the statements were not filed: overdue.
"$FW" --db "$DB" duties --json --now "$BEFORE" > "$T/before.json" 2>"$T/err"
for id in late-nofiled late-backdated late-version late-honest; do
    [ -n "$(item "$T/before.json" $id o-1 statement_overdue)" ] && ok ||
        bad "as of $BEFORE, $id's statement was not yet received: $(jq -c ".[] | select(.incident == \"$id\")" "$T/before.json")"
done

finish lateness
