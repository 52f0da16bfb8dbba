#!/usr/bin/env bash
# The authorization matrix as data: every route of the route table
# (`forcewatch serve --routes`) x every role x agency scope, with the status
# expected, in tests/authz/matrix.tsv; how each route is asked is in
# tests/authz/requests.tsv.  A real server is started on a free port with a
# user and a token for every role, of no agency and of agency-a; every cell
# is asked and its status checked.  A route of the table without its rows
# (or a row for a route that is not served) fails, so a new route cannot
# land without deciding who may use it.  Then what the statuses cannot show:
# writes that would leave their agency, answers that would tell an id
# exists, and aggregates (what-if, statistics, cases, duties, listings,
# export) that would count what the user may not see.
# Prints "authz: N passed, N failed".
set -u
. tests/lib.sh

DIR="$TOP/tests/authz"
ROLES="admin supervisor investigator board auditor officer analyst"
DB="$T/authz.db"
"$FW" --db "$DB" init > /dev/null 2>&1
# Registry officers: one of agency-a, one of agency-b; officer users are bound to agency-a's.
"$FW" --db "$DB" officer add --id agency-a:o-a --agency agency-a --name "Officer A" > /dev/null ||
    bad "cannot add registry officer agency-a:o-a"
"$FW" --db "$DB" officer add --id agency-b:o-b --agency agency-b --name "Officer B" > /dev/null ||
    bad "cannot add registry officer agency-b:o-b"
declare -A tokens
tok() { [ -n "${tokens[$1]:-}" ] || tokens[$1]=$(cat "$T/token-$1"); printf '%s' "${tokens[$1]}"; }
# Users: ROLE-all (no agency), ROLE-a (agency-a); sup-b (supervisor of agency-b).
mkuser() {   # mkuser NAME ROLE [AGENCY]
    local extra=()
    [ -n "${3:-}" ] && extra=(--agency "$3")
    [ "$2" = officer ] && extra+=(--officer agency-a:o-a)
    "$FW" --db "$DB" user add "$1" --role "$2" "${extra[@]}" > /dev/null 2>&1 &&
        "$FW" --db "$DB" token create "$1" > "$T/token-$1" 2>/dev/null || bad "cannot create user $1"
}
for role in $ROLES; do
    mkuser "$role-all" "$role"
    mkuser "$role-a" "$role" agency-a
    tok "$role-all" > /dev/null
    tok "$role-a" > /dev/null
done
mkuser sup-b supervisor agency-b
tok sup-b > /dev/null
serve_start "$DB" FORCEWATCH_NOW=2026-06-01T00:00:00Z ||
    { echo "authz: the server did not start"; cat "$T/serve.log"; echo "authz: 0 passed, 1 failed"; exit 1; }

# call TOKEN METHOD PATH [BODY-FILE]: the status; the body in $T/body.
call() {
    local auth=() data=()
    [ -n "$1" ] && auth=(-H "Authorization: Bearer $1")
    [ -n "${4:-}" ] && data=(--data-binary "@$4")
    curl -s -o "$T/body" -w '%{http_code}' "${auth[@]}" -X "$2" "${data[@]}" "$U$3"
}
ADMIN=$(tok admin-all)
# incident ID AGENCY REGISTRY [PARTNER]: base.json as that incident, its o-101 linked to
# registry officer REGISTRY, into $T/ID.json.
incident() {
    local partner=
    [ -n "${4:-}" ] && partner=", \"other_agencies\": [\"$4\"]"
    sed -e "s/\"id\": \"base-0001\",/\"id\": \"$1\",/" -e "s/\"agency\": \"test-agency\",/\"agency\": \"$2\"$partner,/" \
        -e "s/{\"id\": \"o-101\", /{\"id\": \"o-101\", \"registry\": \"$3\", /" \
        "$TOP/tests/data/base.json" > "$T/$1.json"
}

# ---- the fixtures, made through the API ----------------------------------------------
setup() {   # setup TOKEN METHOD PATH [BODY-FILE] EXPECTED
    local want=${!#} got
    got=$(call "${@:1:$#-1}")
    [ "$got" = "$want" ] || bad "setup $2 $3: $got, expected $want: $(head -c 300 "$T/body")"
}
incident inc-a agency-a agency-a:o-a
incident inc-b agency-b agency-b:o-b
incident inc-b-shared agency-b agency-a:o-a agency-a  # agency-a took part: it may read, not write
for i in inc-a inc-b inc-b-shared; do setup "$ADMIN" POST /api/v1/incidents "$T/$i.json" 201; done
printf '{"policy":"dhs"}' > "$T/review.json"
for i in inc-a inc-b; do setup "$ADMIN" POST "/api/v1/incidents/$i/reviews" "$T/review.json" 200; done
printf '{"course":"firearm","completed":"2025-01-01"}' > "$T/course.json"
setup "$(tok supervisor-a)" POST /api/v1/officers/agency-a:o-a/training "$T/course.json" 201
setup "$(tok sup-b)" POST /api/v1/officers/agency-b:o-b/training "$T/course.json" 201
printf '{"username":"signer","role":"analyst","password":"matrix-signer-passphrase-7Qx"}' > "$T/signer.json"
setup "$ADMIN" POST /api/v1/users "$T/signer.json" 201
curl -s "$U/api/v1/log/checkpoint" > "$T/checkpoint"

# ---- every route has its rows, and every row its route -------------------------------
"$FW" serve --routes | awk '{ print $1 "\t" $2 }' | sort -u > "$T/routes"
grep -v '^#' "$DIR/matrix.tsv" | awk -F'\t' 'NF { print $1 "\t" $2 }' | sort -u > "$T/matrix-routes"
grep -v '^#' "$DIR/requests.tsv" | awk -F'\t' 'NF { print $1 "\t" $2 }' | sort -u > "$T/request-routes"
if cmp -s "$T/routes" "$T/matrix-routes"; then ok; else
    bad "the route table and matrix.tsv differ: $(diff "$T/routes" "$T/matrix-routes" | grep '^[<>]' | tr '\t\n' '  ')"
fi
if cmp -s "$T/routes" "$T/request-routes"; then ok; else
    bad "the route table and requests.tsv differ: $(diff "$T/routes" "$T/request-routes" | grep '^[<>]' | tr '\t\n' '  ')"
fi
# Every route has every cell: public once, each role in each scope.
want_cells=$(( $(wc -l < "$T/routes") * (1 + 3 * $(echo $ROLES | wc -w)) ))
cells=$(grep -v '^#' "$DIR/matrix.tsv" | awk -F'\t' 'NF { print $1, $2, $3, $4 }' | sort -u | wc -l)
[ "$cells" -eq "$want_cells" ] && ok || bad "matrix.tsv has $cells distinct cells, expected $want_cells (every route x public + 7 roles x 3 scopes)"
rows=$(grep -v '^#' "$DIR/matrix.tsv" | awk -F'\t' 'NF' | wc -l)
[ "$rows" -eq "$cells" ] && ok || bad "matrix.tsv repeats cells ($rows rows, $cells distinct)"

# ---- every cell ------------------------------------------------------------------------
declare -A request
while IFS=$'\t' read -r method pattern path body; do
    case $method in ''|'#'*) continue ;; esac
    request["$method $pattern"]="$path"$'\t'"$body"
done < "$DIR/requests.tsv"
# fill TEXT: the placeholders of requests.tsv replaced for the current cell.
fill() {
    local s=$1
    s=${s//\{inc\}/$inc}
    s=${s//\{agency\}/$agency}
    s=${s//\{officer\}/$officer}
    s=${s//\{user\}/$target_user}
    s=${s//\{uniq\}/$$-$asked}
    if [[ $s == *"{token}"* ]]; then
        # a token to revoke: the acting user's own, or one of agency-b's supervisor
        local owner=$token
        [ "$scope" = other ] || [ -z "$owner" ] && owner=$(tok sup-b)
        curl -s -o "$T/tok.json" -H "Authorization: Bearer $owner" -X POST "$U/api/v1/tokens"
        s=${s//\{token\}/$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$T/tok.json")}
    fi
    printf '%s' "$s"
}
# Every cell becomes one request of one curl run (a process per request is
# slow on a loaded machine): its status and body land in $T/cells/N.
mkdir -p "$T/cells"
asked=0
: > "$T/cells.conf"
: > "$T/cells.tsv"
while IFS=$'\t' read -r method pattern role scope want; do
    case $method in ''|'#'*) continue ;; esac
    req=${request["$method $pattern"]:-}
    asked=$((asked + 1))
    path=${req%%$'\t'*} body=${req#*$'\t'}
    token=
    [ "$role" = public ] || if [ "$scope" = unscoped ]; then token=${tokens[$role-all]}; else token=${tokens[$role-a]}; fi
    if [ "$scope" = other ]; then
        inc=inc-b agency=agency-b officer=agency-b:o-b target_user=sup-b
    else
        inc=inc-a agency=agency-a officer=agency-a:o-a target_user=supervisor-a
    fi
    [[ $path == *"{"* ]] && path=$(fill "$path")
    bodyfile=
    case $body in
        -|'') ;;
        @checkpoint) bodyfile=$T/checkpoint ;;
        @incident) bodyfile=$T/cells/$asked.in
                   sed -e "s/\"id\": \"inc-a\",/\"id\": \"$inc\",/" \
                       -e "s/\"press release\"/\"press release $$-$asked\"/" "$T/inc-a.json" > "$bodyfile" ;;
        *) bodyfile=$T/cells/$asked.in; fill "$body" > "$bodyfile" ;;
    esac
    {
        [ "$asked" -gt 1 ] && echo next
        echo "silent"
        echo "url = \"$U$path\""
        echo "request = \"$method\""
        [ -n "$token" ] && echo "header = \"Authorization: Bearer $token\""
        [ -n "$bodyfile" ] && echo "data-binary = \"@$bodyfile\""
        echo "output = \"$T/cells/$asked.out\""
        echo "write-out = \"%{http_code}\\n\""
    } >> "$T/cells.conf"
    printf '%s\t%s\t%s\t%s\t%s\n' "$method" "$pattern" "$role" "$scope" "$want" >> "$T/cells.tsv"
done < "$DIR/matrix.tsv"
curl -K "$T/cells.conf" > "$T/statuses"
paste "$T/statuses" "$T/cells.tsv" | awk -F'\t' '$1 != $6 { print NR "\t" $0 }' > "$T/wrong"
wrong=$(wc -l < "$T/wrong")
while IFS=$'\t' read -r i got method pattern role scope want; do
    echo "  $method $pattern as $role ($scope): $got, expected $want: $(head -c 160 "$T/cells/$i.out" 2>/dev/null)" >&2
done < "$T/wrong"
[ "$wrong" -eq 0 ] && ok || bad "authorization matrix: $wrong of $asked cells wrong"
[ "$asked" -eq "$want_cells" ] && ok || bad "asked $asked cells, expected $want_cells"
[ "$(wc -l < "$T/statuses")" -eq "$asked" ] && ok || bad "curl answered $(wc -l < "$T/statuses") of $asked cells"

# ---- no answer tells that an id exists ------------------------------------------------
SA=$(tok supervisor-a)
# A write naming another agency's incident is answered exactly as a read of it.
sed -e 's/"id": "inc-a",/"id": "inc-b",/' "$T/inc-a.json" > "$T/steal.json"
call "$SA" POST /api/v1/incidents "$T/steal.json" > "$T/status"; cp "$T/body" "$T/write-answer"
call "$SA" GET /api/v1/incidents/inc-b > "$T/status2"
[ "$(cat "$T/status")" = 404 ] && cmp -s "$T/write-answer" "$T/body" && ok ||
    bad "a write of another agency's id answered $(cat "$T/status") $(cat "$T/write-answer"), a read $(cat "$T/status2") $(cat "$T/body")"
sed -e 's/"id": "inc-a",/"id": "inc-nobody",/' "$T/inc-a.json" > "$T/fresh.json"
call "$SA" GET /api/v1/incidents/inc-nobody > /dev/null
sed 's/inc-nobody/inc-b/' "$T/body" > "$T/none-answer"
cmp -s "$T/write-answer" "$T/none-answer" && ok || bad "a held id and a free one are answered differently: $(cat "$T/write-answer") / $(cat "$T/none-answer")"
# A document of another agency is refused the same whether its id is held or free.
sed -e 's/"agency": "agency-a"/"agency": "agency-b"/' "$T/steal.json" > "$T/held-b.json"
sed -e 's/"agency": "agency-a"/"agency": "agency-b"/' "$T/fresh.json" > "$T/free-b.json"
code=$(call "$SA" POST /api/v1/incidents "$T/held-b.json"); cp "$T/body" "$T/held-answer"
code2=$(call "$SA" POST /api/v1/incidents "$T/free-b.json")
[ "$code" = 403 ] && [ "$code2" = 403 ] && cmp -s "$T/held-answer" "$T/body" && grep -q '"field":"agency"' "$T/body" && ok ||
    bad "another agency's document: $code $(cat "$T/held-answer") / $code2 $(cat "$T/body")"
code=$(call "$SA" GET /api/v1/incidents/inc-nobody)
[ "$code" = 404 ] && ok || bad "a refused write stored an incident: $code"
# Users and training records of another agency: not found, as none.
AA=$(tok admin-a)
call "$AA" GET /api/v1/users/sup-b > /dev/null; cp "$T/body" "$T/held-answer"
call "$AA" GET /api/v1/users/nobody-at-all > /dev/null
sed 's/nobody-at-all/sup-b/' "$T/body" > "$T/none-answer"
cmp -s "$T/held-answer" "$T/none-answer" && ok || bad "another agency's user is told apart: $(cat "$T/held-answer") / $(cat "$T/none-answer")"
call "$SA" GET /api/v1/officers/agency-b:o-b/training > /dev/null; cp "$T/body" "$T/held-answer"
call "$SA" GET /api/v1/officers/agency-b:o-zz/training > /dev/null
sed 's/o-zz/o-b/' "$T/body" > "$T/none-answer"
cmp -s "$T/held-answer" "$T/none-answer" && ok || bad "another agency's training record is told apart: $(cat "$T/held-answer") / $(cat "$T/none-answer")"
# A training write for another agency's registry officer is answered as one for no officer.
call "$SA" POST /api/v1/officers/agency-b:o-b/training "$T/course.json" > /dev/null; cp "$T/body" "$T/held-answer"
call "$SA" POST /api/v1/officers/agency-b:o-zz/training "$T/course.json" > /dev/null
sed 's/o-zz/o-b/' "$T/body" > "$T/none-answer"
cmp -s "$T/held-answer" "$T/none-answer" && grep -q "not a registry officer of agency agency-a" "$T/body" && ok ||
    bad "a training write to another agency's officer is told apart: $(cat "$T/held-answer") / $(cat "$T/none-answer")"
# Registry officers of another agency: not found, as none.
call "$SA" GET /api/v1/officers/agency-b:o-b > /dev/null; cp "$T/body" "$T/held-answer"
call "$SA" GET /api/v1/officers/agency-b:o-zz > /dev/null
sed 's/o-zz/o-b/' "$T/body" > "$T/none-answer"
cmp -s "$T/held-answer" "$T/none-answer" && ok || bad "another agency's officer is told apart: $(cat "$T/held-answer") / $(cat "$T/none-answer")"

# ---- writes stay in their agency --------------------------------------------------------
# agency-a took part in inc-b-shared: it reads it, and changes nothing of it.
code=$(call "$SA" GET /api/v1/incidents/inc-b-shared)
[ "$code" = 200 ] && ok || bad "a partner agency cannot read the incident: $code"
before=$(curl -s "$U/api/v1/log/checkpoint" | sed -n 2p)
printf '{"id":"acc-x","kind":"officer_report","source":"x","author":"o-101","events":[{"t":0,"type":"command","actor":"o-101"}]}' > "$T/acc.json"
printf '{"to":"supervisor_review"}' > "$T/move.json"
sed -e 's/"id": "inc-a",/"id": "inc-b-shared",/' "$T/inc-a.json" > "$T/shared-as-a.json"
for w in "POST /api/v1/incidents $T/shared-as-a.json" "POST /api/v1/incidents/inc-b-shared/accounts $T/acc.json" \
         "POST /api/v1/incidents/inc-b-shared/reviews $T/review.json" "POST /api/v1/cases/inc-b-shared/transitions $T/move.json"; do
    set -- $w
    code=$(call "$SA" "$1" "$2" "$3")
    [ "$code" = 403 ] && grep -q '"field":"id"' "$T/body" && ok || bad "a partner agency wrote: $1 $2: $code $(head -c 200 "$T/body")"
done
code=$(call "$(tok investigator-all)" POST /api/v1/incidents/inc-b-shared/reviews "$T/review.json")
[ "$code" = 200 ] && ok || bad "a user of no agency cannot review: $code"
code=$(call "$(tok supervisor-a)" POST /api/v1/cases/inc-a/transitions "$T/move.json")
[ "$code" = 200 ] && ok || bad "an agency's supervisor cannot move its own case: $code $(cat "$T/body")"
after=$(curl -s "$U/api/v1/log/checkpoint" | sed -n 2p)
[ "$after" -eq $((before + 2)) ] && ok || bad "refused writes reached the log ($before to $after leaves, expected 2 more)"

# ---- aggregates count only what the user may see ----------------------------------------
# agency-a sees inc-a and inc-b-shared (its partner); never inc-b.
whatif_total() { call "$1" GET "/api/v1/whatif?policy=dhs" > /dev/null; grep -o '"incidents":[0-9]*' "$T/body" | head -1 | cut -d: -f2; }
[ "$(whatif_total "$SA")" = 2 ] && ok || bad "what-if for agency-a counts $(whatif_total "$SA") incidents, expected 2: $(head -c 300 "$T/body")"
[ "$(whatif_total "$ADMIN")" = 3 ] && ok || bad "what-if for everyone counts $(whatif_total "$ADMIN") incidents, expected 3"
OA=$(tok officer-a)
for q in "/api/v1/incidents" "/api/v1/incidents?agency=agency-b" "/api/v1/cases" "/api/v1/cases?agency=agency-b" \
         "/api/v1/duties" "/api/v1/duties?officer=agency-b:o-b" "/api/v1/officers" "/api/v1/officers?agency=agency-b" "/api/v1/export?format=json&reason=matrix" \
         "/api/v1/whatif?policy=dhs"; do
    code=$(call "$SA" GET "$q")
    [ "$code" = 200 ] && ! grep -q '"inc-b"' "$T/body" && ok || bad "GET $q as agency-a: $code, tells of inc-b: $(head -c 300 "$T/body")"
done
stats_total() { call "$1" GET "$2" > /dev/null; sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$T/body"; }
[ "$(stats_total "$SA" "/api/v1/stats?by=agency")" = 1 ] && ! grep -q agency-b "$T/body" && ok ||
    bad "exact statistics for agency-a: $(head -c 300 "$T/body")"
[ "$(stats_total "$SA" "/api/v1/stats?by=year&where=agency=agency-b")" = 0 ] && ok ||
    bad "exact statistics of agency-b for agency-a: $(head -c 300 "$T/body")"
[ "$(stats_total "$ADMIN" "/api/v1/stats?by=agency")" = 3 ] && ok || bad "exact statistics for everyone: $(head -c 300 "$T/body")"
# The no-action counts: inc-b closed out of policy with no action counts for
# everyone, never for agency-a.
for m in supervisor_review investigation board_review; do
    printf '{"to":"%s"}' "$m" > "$T/m.json"; call "$ADMIN" POST /api/v1/cases/inc-b/transitions "$T/m.json" > /dev/null
done
printf '{"to":"closed","finding":"out_of_policy","consequences":[{"officer":"o-101","for":"force","action":"none"}]}' > "$T/m.json"
code=$(call "$(tok board-all)" POST /api/v1/cases/inc-b/transitions "$T/m.json")
[ "$code" = 200 ] && ok || bad "close inc-b: $code $(head -c 300 "$T/body")"
call "$ADMIN" GET /api/v1/stats/consequences > /dev/null
[ "$(jq -r .out_of_policy_no_action "$T/body")" = 1 ] && ok || bad "no-action counts for everyone: $(cat "$T/body")"
call "$SA" GET /api/v1/stats/consequences > /dev/null
[ "$(jq -r '.closed + .out_of_policy_no_action' "$T/body")" = 0 ] && ok || bad "no-action counts for agency-a count inc-b: $(cat "$T/body")"
code=$(call "$OA" GET /api/v1/incidents/inc-b)
[ "$code" = 404 ] && ok || bad "an agency-a officer reads agency-b's incident they took part in: $code"

# ---- training: a fixed vocabulary, dates in order -----------------------------------------
call "" GET /api/v1/meta > /dev/null
courses=$(sed -n 's/.*"training_courses":\[\([^]]*\)\].*/\1/p' "$T/body" | tr -d '"')
[ -n "$courses" ] && ok || bad "meta has no training_courses"
documented=$(sed -n 's/.*course: {type: string, enum: \[\(.*\)\]}.*/\1/p' "$TOP/docs/openapi.yaml" | tr -d ' ')
[ "$courses" = "$documented" ] && ok || bad "meta's courses ($courses) are not docs/openapi.yaml's ($documented)"
printf '{"course":"basket weaving","completed":"2025-01-01"}' > "$T/bad-course.json"
code=$(call "$SA" POST /api/v1/officers/agency-a:o-a/training "$T/bad-course.json")
[ "$code" = 400 ] && grep -q '"field":"course"' "$T/body" && ok || bad "a course outside the vocabulary: $code $(cat "$T/body")"
printf '{"course":"ecd","completed":"2025-01-01","expires":"2024-12-31"}' > "$T/bad-dates.json"
code=$(call "$SA" POST /api/v1/officers/agency-a:o-a/training "$T/bad-dates.json")
[ "$code" = 400 ] && grep -q '"field":"expires"' "$T/body" && ok || bad "an expiry before completion: $code $(cat "$T/body")"
code=$(call "$(tok supervisor-all)" GET /api/v1/officers/agency-a:o-a/training)
[ "$code" = 200 ] && grep -q '"agency":"agency-a"' "$T/body" && ok || bad "o-a's record does not belong to agency-a: $code $(cat "$T/body")"
code=$(call "$(tok sup-b)" GET /api/v1/officers/agency-b:o-b/training)
[ "$code" = 200 ] && [ "$(grep -o '"course"' "$T/body" | wc -l)" = 1 ] && ok || bad "agency-b's record was written by others: $(cat "$T/body")"
# An agency's admin makes users of that agency only.
printf '{"username":"spanner","role":"board","password":"matrix-user-passphrase-spanner-Zq"}' > "$T/spanner.json"
code=$(call "$AA" POST /api/v1/users "$T/spanner.json")
[ "$code" = 403 ] && grep -q '"field":"agency"' "$T/body" && ok || bad "an agency's admin made a user of no agency: $code $(cat "$T/body")"
kill -TERM "$pid" && wait "$pid"
pid=
finish authz
