#!/usr/bin/env bash
# API tests against a real server started on a free port with a temporary
# database: every route, malformed requests (which must get a 4xx naming the
# field and write nothing), cursor pagination, concurrent writers, the
# routes matching docs/openapi.yaml, and shutdown on SIGTERM.
# Prints "api: N passed, N failed".
set -u
. tests/lib.sh

DB="$T/api.db"
"$FW" --db "$DB" init >/dev/null 2>&1
# Registry officers: the examples' and test-agency's o-101, whom base.json's o-101 is linked to;
# the officer user is bound to that registry officer.
"$FW" --db "$DB" add -q "$TOP/examples/officers.jsonl"
"$FW" --db "$DB" officer add --id test-agency:o-101 --agency test-agency >/dev/null
sed 's/{"id": "o-101", /{"id": "o-101", "registry": "test-agency:o-101", /' "$TOP/tests/data/base.json" > "$T/base.json"
# A user and a token for every role, made with the command line.
ROLES="admin supervisor investigator board auditor officer analyst"
for role in $ROLES; do
    extra=
    [ "$role" = officer ] && extra="--officer test-agency:o-101"
    "$FW" --db "$DB" user add "u-$role" --role "$role" $extra > "$T/user-$role" 2>&1
    "$FW" --db "$DB" token create "u-$role" > "$T/token-$role"
done
"$FW" --db "$DB" user add u-local --role supervisor --agency other-agency > /dev/null 2>&1
"$FW" --db "$DB" token create u-local > "$T/token-local"
ADMIN=$(cat "$T/token-admin")
ADMIN_PW=$(sed -n 's/.*one-time password: //p' "$T/user-admin")
serve_start "$DB" FORCEWATCH_NOW=2030-01-01T00:00:00Z ||
    { echo "api: the server did not start"; cat "$T/serve.log"; echo "api: 0 passed, 1 failed"; exit 1; }

# req EXPECTED_STATUS DESCRIPTION curl-args...: body in $T/body
req() {
    local want=$1 what=$2
    shift 2
    local got
    got=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$@")
    if [ "$got" = "$want" ]; then ok; else bad "$what: status $got, expected $want: $(head -c 300 "$T/body")"; fi
}
has() { if grep -qF -- "$1" "$T/body"; then ok; else bad "$2: '$1' not in $(head -c 300 "$T/body")"; fi; }
leaves() { curl -s "$U/api/v1/log/checkpoint" | sed -n 2p; }

req 200 "healthz" "$U/healthz"
has '"status":"ok"' "healthz"
# HEAD wherever GET is: the same status and headers, no body.
code=$(curl -s -I -o "$T/head" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$U/api/v1/incidents")
[ "$code" = 200 ] && grep -qi '^content-type: application/json' "$T/head" && ok || bad "HEAD /api/v1/incidents: $code"
code=$(curl -s -I -o /dev/null -w '%{http_code}' "$U/api/v1/incidents")
[ "$code" = 401 ] && ok || bad "HEAD without credentials: $code"
req 201 "create" -X POST --data-binary @"$T/base.json" "$U/api/v1/incidents"
SEQ1=$(sed -n 's/.*"log_seq":\([0-9]*\).*/\1/p' "$T/body")
has '"action":"created"' "create"
req 200 "create again" -X POST --data-binary @"$T/base.json" "$U/api/v1/incidents"
has '"action":"unchanged"' "unchanged"
sed 's/"press release"/"press release, corrected"/' "$T/base.json" > "$T/v2.json"
req 200 "update" -X POST --data-binary @"$T/v2.json" "$U/api/v1/incidents"
has '"version":2' "update"
req 200 "get" "$U/api/v1/incidents/base-0001"
has '"latest":2' "get latest"
has 'press release, corrected' "get body"
req 200 "get version" "$U/api/v1/incidents/base-0001/versions/1"
has '"version":1' "get version"
req 404 "get missing version" "$U/api/v1/incidents/base-0001/versions/9"
req 400 "bad version" "$U/api/v1/incidents/base-0001/versions/x"
has '"field":"version"' "bad version field"
req 404 "get missing" "$U/api/v1/incidents/nope"
has '"field":"id"' "missing field"
req 200 "versions" "$U/api/v1/incidents/base-0001/versions"
has "\"log_seq\":$SEQ1," "versions: the first version's leaf is the create's"

# ---- malformed requests: a 4xx naming the field, and nothing written ----
before=$(leaves)
head -c 200 "$T/base.json" > "$T/truncated.json"
req 422 "truncated JSON" -X POST --data-binary @"$T/truncated.json" "$U/api/v1/incidents"
has 'invalid JSON at line' "truncated JSON message"
sed 's/"tone": "firm"/"tone": 7/' "$T/base.json" > "$T/wrongtype.json"
req 422 "wrong type" -X POST --data-binary @"$T/wrongtype.json" "$U/api/v1/incidents"
has '"field":"accounts[0].events[0].tone"' "wrong type field"
sed 's/"id": "base-0001",/"id": "base-0001", "colour": "red",/' "$T/base.json" > "$T/unknown.json"
req 422 "unknown field" -X POST --data-binary @"$T/unknown.json" "$U/api/v1/incidents"
has '"field":"colour"' "unknown field named"
python_free_deep() { local s='{"id":"d","agency":"a","occurred_at":"2020-01-01","officers":[],"accounts":[{"id":"x","kind":"other","source":"s","events":[{"t":0,"type":"odd","x":'; for _ in $(seq 30); do s="$s{\"a\":"; done; s="${s}1"; for _ in $(seq 30); do s="$s}"; done; printf '%s}]}]}' "$s"; }
python_free_deep > "$T/deep.json"
req 422 "deep nesting" -X POST --data-binary @"$T/deep.json" "$U/api/v1/incidents"
has 'nesting deeper than' "deep nesting message"
printf '{"id":"\xff"}' > "$T/utf8.json"
req 422 "invalid UTF-8" -X POST --data-binary @"$T/utf8.json" "$U/api/v1/incidents"
has 'invalid UTF-8' "invalid UTF-8 message"
head -c 10485760 /dev/zero | tr '\0' ' ' > "$T/big.json"
req 413 "10 MB body" -X POST --data-binary @"$T/big.json" "$U/api/v1/incidents"
req 400 "empty body" -X POST "$U/api/v1/incidents"
has '"field":"body"' "empty body field"
printf '{"record":"agency","id":"a","name":"A"}' > "$T/agency.json"
req 422 "agency on the incident route" -X POST --data-binary @"$T/agency.json" "$U/api/v1/incidents"
[ "$(leaves)" = "$before" ] && ok || bad "a rejected request wrote to the log"

# ---- listing and cursors -------------------------------------------------------
for i in 1 2 3 4 5; do
    sed -e "s/\"base-0001\"/\"page-$i\"/" -e "s/2026-01-07/2025-0$i-07/g" "$T/base.json" > "$T/p$i.json"
    curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" -X POST --data-binary @"$T/p$i.json" "$U/api/v1/incidents"
done
req 200 "list page 1" "$U/api/v1/incidents?limit=2"
has '"id":"page-1"' "page 1"
cursor=$(grep -o '"next_cursor":"[^"]*"' "$T/body" | cut -d'"' -f4)
[ -n "$cursor" ] && ok || bad "no next_cursor"
req 200 "list page 2" "$U/api/v1/incidents?limit=2&cursor=$cursor"
has '"id":"page-3"' "page 2"
cursor=$(grep -o '"next_cursor":"[^"]*"' "$T/body" | cut -d'"' -f4)
req 200 "list page 3" "$U/api/v1/incidents?limit=2&cursor=$cursor"
has '"id":"page-5"' "page 3"
has '"id":"base-0001"' "page 3 last"
grep -q next_cursor "$T/body" && bad "page 3 has a next cursor" || ok
req 200 "list filter" "$U/api/v1/incidents?since=2025-03-01&until=2025-04-30"
has '"id":"page-3"' "filter"
grep -q '"page-5"' "$T/body" && bad "filter let page-5 through" || ok
req 400 "bad cursor" "$U/api/v1/incidents?cursor=garbage!!"
has '"field":"cursor"' "bad cursor field"
req 400 "bad limit" "$U/api/v1/incidents?limit=0"
has '"field":"limit"' "bad limit field"
req 400 "bad date" "$U/api/v1/incidents?since=yesterday"
has '"field":"since"' "bad date field"
req 400 "bad enum" "$U/api/v1/incidents?force_kind=taser"
has '"field":"force_kind"' "bad enum field"

# ---- the record log over HTTP ---------------------------------------------------
req 200 "checkpoint" "$U/api/v1/log/checkpoint"
grep -q '^forcewatch.local/api$' "$T/body" && ok || bad "checkpoint origin"
req 200 "inclusion proof" "$U/api/v1/log/proof/inclusion?seq=1"
has '"leaf_index":1' "inclusion proof"
req 200 "consistency proof" "$U/api/v1/log/proof/consistency?old=2"
has '"old_size":2' "consistency proof"
req 400 "proof without seq" "$U/api/v1/log/proof/inclusion"
has '"field":"seq"' "proof without seq field"
req 400 "proof bad old" "$U/api/v1/log/proof/consistency?old=-1"
req 404 "no such route" "$U/api/v2/nothing"
req 405 "wrong method" -X DELETE "$U/api/v1/incidents"
req 200 "metrics" "$U/metrics"
has 'forcewatch_requests_total{route="POST /api/v1/incidents",status="4xx"}' "metrics by route and status"
has 'forcewatch_request_seconds_bucket{le="+Inf"}' "metrics histogram"
has 'forcewatch_log_leaves' "metrics log size"
has 'forcewatch_database_bytes' "metrics database size"
grep -q '"method":"POST","path":"/api/v1/incidents","status":413' "$T/serve.log" && ok || bad "no access log line"

# ---- concurrent writers: every acknowledged create is readable -----------------
"$TOP/bench/gen" -n 400 --seed 11 > "$T/many.jsonl"
split -n l/8 -d "$T/many.jsonl" "$T/w-"
for f in "$T"/w-*; do
    ( while read -r line; do
        printf '%s' "$line" > "$f.doc"
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -X POST --data-binary @"$f.doc" "$U/api/v1/incidents")
        id=$(printf '%s' "$line" | grep -o '"id":"gen-[0-9]*"' | head -1 | cut -d'"' -f4)
        [ "$code" = 201 ] && echo "$id"
      done < "$f" > "$f.acked" ) &
done
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null
acked=$(cat "$T"/w-*.acked | wc -l)
[ "$acked" -eq 400 ] && ok || bad "only $acked of 400 concurrent creates acknowledged"
missing=0
while read -r id; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$U/api/v1/incidents/$id")" = 200 ] || missing=$((missing + 1))
done < <(cat "$T"/w-*.acked)
[ "$missing" -eq 0 ] && ok || bad "$missing acknowledged incidents are not readable"


# ---- the dashboard's tables, from the C tables (public) ---------------------------
code=$(curl -s -o "$T/meta" -w '%{http_code}' "$U/api/v1/meta")
[ "$code" = 200 ] && ok || bad "meta without signing in: status $code"
for want in '"roles":["public","admin","supervisor","investigator","board","auditor","officer","analyst"]' \
            '"states":["reported","supervisor_review","investigation","board_review","closed"]' \
            '"reported":["supervisor_review"]' '"board_review":["investigation","closed"]' \
            '"move_case":{"roles":["admin","supervisor","investigator","board"]' \
            '"statement_overdue"' '"encounter":["vehicle_stop"' '"force_kind":['; do
    grep -qF -- "$want" "$T/meta" && ok || bad "meta lacks $want: $(head -c 300 "$T/meta")"
done
# Each action's roles in meta are the roles --routes prints for its routes.
"$FW" serve --routes | awk '$1 == "POST" && $2 == "/api/v1/cases/{id}/transitions" { print $3 }' | grep -qx 'admin,supervisor,investigator,board' && ok || bad "move_case roles differ from the route table"

# ---- authorization matrix: every route x every role, from the route table -------
"$FW" serve --routes | awk '{ print $1, $2, $3 }' > "$T/routes"
matrix_bad=0 cells=0
while read -r method pattern allowed; do
    path=$(printf '%s' "$pattern" | sed -e 's/{id}/base-0001/' -e 's/{version}/1/' -e 's/{name}/u-admin/' -e 's/{policy}/dhs-2023/')
    [ "$pattern" = "/api/v1/tokens/{id}" ] && path=/api/v1/tokens/0000000000000000
    for role in public $ROLES; do
        auth=()
        [ "$role" != public ] && auth=(-H "Authorization: Bearer $(cat "$T/token-$role")")
        code=$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" -X "$method" "$U$path")
        cells=$((cells + 1))
        if printf ',%s,' "$allowed" | grep -q ",$role,"; then
            case $code in 401|403) matrix_bad=$((matrix_bad + 1)); echo "  $role $method $pattern: $code, but allowed" >&2 ;; esac
        else
            want=403; [ "$role" = public ] && want=401
            [ "$code" = "$want" ] || { matrix_bad=$((matrix_bad + 1)); echo "  $role $method $pattern: $code, expected $want" >&2; }
        fi
    done
done < "$T/routes"
[ "$matrix_bad" -eq 0 ] && ok || bad "authorization matrix: $matrix_bad of $cells cells wrong"
[ "$cells" -ge 120 ] && ok || bad "authorization matrix too small ($cells cells)"

# ---- sign-in, sessions, CSRF, tokens ----------------------------------------------
J="$T/cookies"
code=$(curl -s -o "$T/body" -w '%{http_code}' -c "$J" -X POST -d "{\"username\":\"u-admin\",\"password\":\"$ADMIN_PW\"}" "$U/api/v1/session")
[ "$code" = 200 ] && ok || bad "sign-in: $code $(cat "$T/body")"
CSRF=$(grep -o '"csrf_token":"[0-9a-f]*"' "$T/body" | cut -d'"' -f4)
grep -qi 'HttpOnly' "$J" || grep -q '#HttpOnly_' "$J" && ok || bad "session cookie is not HttpOnly"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" "$U/api/v1/session")
[ "$code" = 200 ] && grep -q '"name":"u-admin"' "$T/body" && ok || bad "session whoami: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" -X POST "$U/api/v1/tokens")
[ "$code" = 403 ] && grep -q '"field":"X-CSRF-Token"' "$T/body" && ok || bad "unsafe cookie request without CSRF token: $code"
# The one-time password is changed first (tests/accounts covers the rest).
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X PUT -d "{\"current\":\"$ADMIN_PW\",\"new\":\"api admin password\"}" "$U/api/v1/session/password")
[ "$code" = 200 ] && ok || bad "password change: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X POST -d '{"password":"api admin password"}' "$U/api/v1/tokens")
[ "$code" = 201 ] && ok || bad "cookie request with CSRF token: $code"
NEWTOK=$(grep -o '"token":"[^"]*"' "$T/body" | cut -d'"' -f4)
NEWID=$(grep -o '"id":"[^"]*"' "$T/body" | cut -d'"' -f4)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $NEWTOK" "$U/api/v1/session")
[ "$code" = 200 ] && ok || bad "new token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X DELETE "$U/api/v1/tokens/$NEWID")
[ "$code" = 200 ] && ok || bad "revoke: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $NEWTOK" "$U/api/v1/session")
[ "$code" = 401 ] && ok || bad "revoked token still works: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer fwt_nonsense" "$U/api/v1/session")
[ "$code" = 401 ] && ok || bad "bad token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X DELETE "$U/api/v1/session")
[ "$code" = 200 ] && ok || bad "sign out: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$J" "$U/api/v1/session")
[ "$code" = 401 ] && ok || bad "session still valid after sign-out: $code"
for i in 1 2 3 4 5; do
    curl -s -o /dev/null -X POST -d '{"username":"u-board","password":"wrong password!"}' "$U/api/v1/session"
done
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -d '{"username":"u-board","password":"wrong password!"}' "$U/api/v1/session")
[ "$code" = 429 ] && ok || bad "sign-in not rate limited: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -d '{"username":"u-x","pass":"y"}' "$U/api/v1/session")
[ "$code" = 400 ] && grep -q '"field":"pass"' "$T/body" && ok || bad "sign-in unknown field: $code"
req 201 "create user" -X POST -d '{"username":"new-one","role":"board"}' "$U/api/v1/users"
has '"password":' "one-time password"
req 409 "create user again" -X POST -d '{"username":"new-one","role":"board"}' "$U/api/v1/users"
req 400 "bad role" -X POST -d '{"username":"x2","role":"king"}' "$U/api/v1/users"
has '"field":"role"' "bad role field"

# ---- de-identified for analysts, own incidents for officers, reads logged --------
req 201 "incident with personal data" -X POST --data-binary @"$TOP/examples/11-ecd-taser.json" "$U/api/v1/incidents"
before=$(leaves)
curl -s -o "$T/body" -H "Authorization: Bearer $(cat "$T/token-analyst")" "$U/api/v1/incidents/ex-11-ecd"
grep -q '"date_of_birth"' "$T/body" && bad "the analyst saw a date of birth" || ok
grep -q '"subjects"' "$T/body" && ok || bad "the analyst saw no subjects at all"
[ "$(leaves)" = "$before" ] && ok || bad "a de-identified read was logged as a personal-data read"
req 200 "personal read" "$U/api/v1/incidents/ex-11-ecd?reason=audit"
has '"date_of_birth"' "admin sees personal data"
[ "$(leaves)" -gt "$before" ] && ok || bad "a personal-data read was not logged"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/token-officer")" "$U/api/v1/incidents/base-0001")
[ "$code" = 200 ] && ok || bad "an officer cannot read an incident they are in: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/token-officer")" "$U/api/v1/incidents/ex-11-ecd")
[ "$code" = 404 ] && ok || bad "an officer read an incident they are not in: $code"


# ---- cases, duties, training --------------------------------------------------------
req 200 "case" "$U/api/v1/cases/base-0001"
has '"state":"reported"' "new case is reported"
has '"mandatory_review":true' "firearm discharge makes review mandatory"
req 200 "case to supervisor" -X POST -d '{"to":"supervisor_review"}' "$U/api/v1/cases/base-0001/transitions"
req 409 "mandatory case closed early" -X POST -d '{"to":"closed","finding":"exonerated"}' "$U/api/v1/cases/base-0001/transitions"
has 'needs investigation and board review' "mandatory routing"
req 409 "skip a state" -X POST -d '{"to":"board_review"}' "$U/api/v1/cases/base-0001/transitions"
has '"field":"to"' "illegal transition field"
has 'allowed: investigation, closed' "illegal transition names the allowed moves"
req 200 "to investigation" -X POST -d '{"to":"investigation","note":"assigned"}' "$U/api/v1/cases/base-0001/transitions"
req 200 "to board" -X POST -d '{"to":"board_review"}' "$U/api/v1/cases/base-0001/transitions"
# The admin sent it to the board: separation of duties keeps them from deciding it.
req 403 "the admin who investigated closes" -X POST -d '{"to":"closed","finding":"out_of_policy"}' "$U/api/v1/cases/base-0001/transitions"
has '"error":"separation_of_duties"' "separation of duties"
BOARD=$(cat "$T/token-board")
breq() {   # as req, as the board member
    local want=$1 what=$2 got
    shift 2
    got=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $BOARD" "$@")
    if [ "$got" = "$want" ]; then ok; else bad "$what: status $got, expected $want: $(head -c 300 "$T/body")"; fi
}
breq 409 "close without finding" -X POST -d '{"to":"closed"}' "$U/api/v1/cases/base-0001/transitions"
has '"field":"finding"' "close without finding field"
breq 409 "close out of policy without consequences" -X POST -d '{"to":"closed","finding":"out_of_policy"}' "$U/api/v1/cases/base-0001/transitions"
has '"field":"consequences"' "close without consequences field"
breq 200 "close" -X POST -d '{"to":"closed","finding":"out_of_policy","consequences":[{"officer":"o-101","for":"force","action":"retraining"}]}' "$U/api/v1/cases/base-0001/transitions"
has '"reviewer":"u-board"' "closing records the reviewer"
breq 409 "reopen closed without a reason" -X POST -d '{"to":"investigation"}' "$U/api/v1/cases/base-0001/transitions"
has '"field":"reason"' "reopening needs a reason"
req 400 "case unknown field" -X POST -d '{"to":"investigation","x":1}' "$U/api/v1/cases/base-0001/transitions"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/token-analyst")" -X POST -d '{"to":"supervisor_review"}' "$U/api/v1/cases/page-1/transitions")
[ "$code" = 403 ] && ok || bad "an analyst moved a case: $code"
req 200 "duties" "$U/api/v1/duties?incident=base-0001"
has '"kind":"statement_overdue"' "duties with the injected clock (2030)"
has '"officer":"o-102"' "o-102 owes a statement"
req 200 "duties per officer" "$U/api/v1/duties?officer=test-agency:o-101"
grep -q '"officer":"o-102"' "$T/body" && bad "officer filter let o-102 through" || ok
req 201 "add training" -X POST -d '{"course":"firearm","completed":"2024-01-01"}' "$U/api/v1/officers/test-agency:o-101/training"
req 200 "get training" "$U/api/v1/officers/test-agency:o-101/training"
has '"course":"firearm"' "training record"
req 400 "bad training date" -X POST -d '{"course":"ecd","completed":"soon"}' "$U/api/v1/officers/test-agency:o-101/training"
has '"field":"completed"' "bad training field"


# ---- accounts and reviews ------------------------------------------------------------
OFF=$(cat "$T/token-officer")
stmt='{"id":"o-101-statement","kind":"witness_officer_statement","source":"written statement","author":"o-101","filed_at":"2026-01-07","events":[{"t":4.6,"type":"force","actor":"o-101","kind":"firearm_discharge","target":"s-1"}]}'
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $OFF" -X POST -d "$stmt" "$U/api/v1/incidents/base-0001/accounts")
[ "$code" = 201 ] && ok || bad "officer's own statement: $code $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $OFF" -X POST -d "${stmt//o-101-statement/x2}" "$U/api/v1/incidents/page-1/accounts")
[ "$code" = 201 ] && ok || bad "officer on another incident they are part of: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $OFF" -X POST -d "$(printf '%s' "$stmt" | sed 's/"author":"o-101"/"author":"o-102"/; s/o-101-statement/x3/')" "$U/api/v1/incidents/base-0001/accounts")
[ "$code" = 403 ] && grep -q '"field":"author"' "$T/body" && ok || bad "officer filing for another: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $OFF" -X POST -d "${stmt//o-101-statement/x4}" "$U/api/v1/incidents/ex-11-ecd/accounts")
[ "$code" = 404 ] && ok || bad "officer on an incident they are not in: $code"
req 409 "duplicate account id" -X POST -d "$stmt" "$U/api/v1/incidents/base-0001/accounts"
req 422 "invalid account" -X POST -d '{"id":"bad","kind":"rumour","source":"s","events":[]}' "$U/api/v1/incidents/base-0001/accounts"
has '"field":"accounts[3].kind"' "invalid account field"
req 200 "run review" -X POST -d '{"policy":"dhs"}' "$U/api/v1/incidents/base-0001/reviews"
has '"policy":"dhs-2023"' "review picks the version in effect"
has '"review_version":1' "review stored"
req 200 "run review again" -X POST -d '{"policy":"dhs-2023"}' "$U/api/v1/incidents/base-0001/reviews"
has '"review_version":1' "unchanged review, no new version"
req 200 "fetch review" "$U/api/v1/incidents/base-0001/reviews/dhs-2023"
has '"applications"' "fetched review"
req 404 "no stored review" "$U/api/v1/incidents/base-0001/reviews/doj-2022"
# Incident ids may hold ':', policy names never do: the review of "base-0001:x"
# (stored as "base-0001:x:dhs-2023") is not the review of base-0001 under "x:dhs-2023".
sed 's/"id": *"base-0001"/"id":"base-0001:x"/' "$T/base.json" > "$T/colon.json"
req 201 "an incident id holding a colon" -X POST --data-binary @"$T/colon.json" "$U/api/v1/incidents"
req 200 "review of the colon id" -X POST -d '{"policy":"dhs"}' "$U/api/v1/incidents/base-0001:x/reviews"
req 200 "fetch the colon id's review" "$U/api/v1/incidents/base-0001:x/reviews/dhs-2023"
has '"incident":"base-0001:x"' "the colon id's review"
req 400 "a policy name holding a colon" "$U/api/v1/incidents/base-0001/reviews/x:dhs-2023"
has '"field":"policy"' "a policy name holding a colon"
req 200 "what-if" "$U/api/v1/whatif?policy=no-shoot-pledge"
has '"policy":"no-shoot-pledge-1"' "what-if policy"
has '"out_of_policy":' "what-if counts"
has '"undetermined_acts":' "what-if counts the undetermined other acts"
req 400 "what-if without policy" "$U/api/v1/whatif"
has '"field":"policy"' "what-if field"
req 400 "no such policy" -X POST -d '{"policy":"nope"}' "$U/api/v1/incidents/base-0001/reviews"
has '"field":"policy"' "no such policy field"

# ---- users who belong to an agency see its incidents only ----------------------------
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/token-local")" "$U/api/v1/incidents")
[ "$code" = 200 ] && ! grep -q '"id"' "$T/body" && ok || bad "an agency user listed another agency's incidents: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/token-local")" "$U/api/v1/incidents/base-0001")
[ "$code" = 404 ] && ok || bad "an agency user read another agency's incident: $code"
# ... and write only their own agency's incidents: listing their agency among
# other_agencies does not let them write another agency's incident.
sed 's/"id": *"base-0001"/"id":"local-0001"/; s/"agency": *"test-agency"/"agency":"test-agency", "other_agencies":["other-agency"]/' \
    "$T/base.json" > "$T/elsewhere.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/token-local")" \
    -X POST --data-binary @"$T/elsewhere.json" "$U/api/v1/incidents")
[ "$code" = 403 ] && grep -q '"field":"agency"' "$T/body" && ok ||
    bad "an agency user wrote another agency's incident: $code $(head -c 200 "$T/body")"
req 404 "the refused write stored nothing" "$U/api/v1/incidents/local-0001"
# ... and cannot tell a version past the latest from a missing incident.
curl -s -o "$T/body" -H "Authorization: Bearer $(cat "$T/token-local")" "$U/api/v1/incidents/base-0001/versions/99"
grep -q '"message":"no incident with id base-0001"' "$T/body" && ok ||
    bad "a hidden incident's missing version was told apart: $(cat "$T/body")"
curl -s -o "$T/body" -H "Authorization: Bearer $(cat "$T/token-local")" "$U/api/v1/incidents/no-such-0001/versions/99"
grep -q '"message":"no incident with id no-such-0001"' "$T/body" && ok || bad "missing incident: $(cat "$T/body")"
req 404 "a missing version, to one who may see the incident" "$U/api/v1/incidents/base-0001/versions/99"
has '"field":"version"' "missing version field"

# ---- a reason that cannot be recorded is refused, and nothing is logged ----------------
before=$(leaves)
req 400 "a reason that is not UTF-8" "$U/api/v1/incidents/ex-11-ecd?reason=%ff%fe"
has '"field":"reason"' "bad reason field"
req 400 "an over-long reason" "$U/api/v1/incidents/ex-11-ecd?reason=$(head -c 501 /dev/zero | tr '\0' x)"
has 'longer than 500 bytes' "long reason message"
req 400 "an export with a reason that is not UTF-8" "$U/api/v1/export?format=json&reason=%ff"
has '"field":"reason"' "bad export reason field"
[ "$(leaves)" = "$before" ] && ok || bad "a refused reason still logged a read"

# ---- routes and their documentation agree ---------------------------------------
"$FW" serve --routes | awk '{ print $1, $2 }' | sort > "$T/served"
awk '/^  \//{ sub(":", "", $1); path = $1 } /^    (get|post|put|delete|patch):/{ m = toupper($1); sub(":", "", m); print m, path }' \
    "$TOP/docs/openapi.yaml" | sort > "$T/documented"
if cmp -s "$T/served" "$T/documented"; then ok; else bad "served and documented routes differ: $(diff "$T/served" "$T/documented" | tr '\n' ' ')"; fi
"$FW" serve --routes | awk '{ print $1, $2, $3 }' | sort > "$T/served-roles"
awk '/^  \//{ sub(":", "", $1); path = $1 } /^    (get|post|put|delete|patch):/{ m = toupper($1); sub(":", "", m) }
     /^      x-roles:/{ r = $0; sub(/.*\[/, "", r); sub(/\].*/, "", r); gsub(/, /, ",", r); print m, path, r }' \
    "$TOP/docs/openapi.yaml" | sort > "$T/documented-roles"
if cmp -s "$T/served-roles" "$T/documented-roles"; then ok; else bad "served and documented roles differ: $(diff "$T/served-roles" "$T/documented-roles" | tr '\n' ' ')"; fi

# ---- configuration ---------------------------------------------------------------
printf 'max_body_bytes = 12\nthreads = lots\n' > "$T/bad.conf"
"$FW" --db "$DB" serve --config "$T/bad.conf" > /dev/null 2> "$T/conf.err"
[ $? -eq 2 ] && ok || bad "a bad configuration file did not exit 2"
grep -q "bad.conf:1: max_body_bytes: expected a whole number from 1024" "$T/conf.err" && ok || bad "config error line 1: $(cat "$T/conf.err")"
grep -q "bad.conf:2: threads: expected a whole number" "$T/conf.err" && ok || bad "config error line 2"
"$FW" serve --config-keys > "$T/keys.md"
grep -qF "$(sed -n 3p "$T/keys.md")" "$TOP/docs/server.md" && ok || bad "docs/server.md lacks the configuration table"

# ---- shutdown ---------------------------------------------------------------------
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 0 ] && ok || bad "the server exited $rc on SIGTERM"
grep -q "finishing requests in flight" "$T/serve.log" && ok || bad "no shutdown message"
"$FW" --db "$DB" verify > "$T/verify.out" 2>&1 && ok || bad "the log does not verify after the server: $(cat "$T/verify.out")"

finish api
[ "$fail" -eq 0 ]
