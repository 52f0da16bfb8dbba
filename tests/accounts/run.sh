#!/usr/bin/env bash
# Accounts (issue 12, finding 11): the password rule in the CLI and the API;
# the one-time password changed at first sign-in before anything else;
# PUT /api/v1/session/password ending the user's other sessions; tokens
# expiring, listed without their secrets, revoked by their owner and by
# administrators, and minted from a browser session only with the password;
# Secure cookies when configured; over-long agency, officer and name
# refused, never cut, in the CLI and the API.
set -u
. tests/lib.sh

DB="$T/acc.db"
"$FW" --db "$DB" init >/dev/null 2>&1

json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
LONG=$(printf 'a%.0s' $(seq 1 70))

# ---- the password rule, in the CLI -------------------------------------------------
for weak in "            " "short pw" "aaaaaaaaaaaaaaaa" "abababababababab" "121212121212"; do
    printf '%s\n' "$weak" | "$FW" --db "$DB" user add weak --role board --password-stdin >"$T/out" 2>&1
    rc=$?
    [ "$rc" = 2 ] && grep -q 'password: .*(rule: ' "$T/out" && ok ||
        bad "weak password '$weak' accepted by user add: rc $rc $(cat "$T/out")"
done
printf 'weakling123\n' | "$FW" --db "$DB" user add weakling123 --role board --password-stdin >"$T/out" 2>&1
grep -q '(rule: length)' "$T/out" && ok || bad "an 11-character password: $(cat "$T/out")"
printf 'correct horse battery\n' | "$FW" --db "$DB" user add chosen --role board --password-stdin >"$T/out" 2>&1 &&
    ok || bad "a good password refused: $(cat "$T/out")"

# ---- over-long fields refused, never cut, in the CLI ----------------------------------
"$FW" --db "$DB" user add cut1 --role supervisor --agency "$LONG" >"$T/out" 2>&1
[ $? = 2 ] && grep -q -- '--agency' "$T/out" && ok || bad "CLI over-long agency: $(cat "$T/out")"
"$FW" --db "$DB" user add cut2 --role officer --officer "$LONG" >"$T/out" 2>&1
[ $? = 2 ] && grep -q -- '--officer' "$T/out" && ok || bad "CLI over-long officer: $(cat "$T/out")"

# ---- users and tokens for the server --------------------------------------------------
ADMIN_PW=$("$FW" --db "$DB" user add acc-admin --role admin | sed -n 's/.*one-time password: //p')
BOARD_PW=$("$FW" --db "$DB" user add acc-board --role board | sed -n 's/.*one-time password: //p')
[ ${#ADMIN_PW} = 32 ] && ok || bad "no one-time password printed"
ADMIN_TOK=$("$FW" --db "$DB" token create acc-admin)
"$FW" --db "$DB" token create acc-board --days 0 >/dev/null 2>&1
[ $? = 2 ] && ok || bad "token create --days 0 accepted"
"$FW" --db "$DB" token create acc-board --days 367 >/dev/null 2>&1
[ $? = 2 ] && ok || bad "token create --days 367 accepted"
BOARD_TOK=$("$FW" --db "$DB" token create acc-board --days 10)
BOARD_ID=$(echo "$BOARD_TOK" | cut -d_ -f2)
"$FW" --db "$DB" token list acc-board >"$T/out" 2>&1
want=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(days=10)).strftime("%Y-%m-%d"))')
grep -q "^$BOARD_ID	acc-board	.*	$want" "$T/out" && ! grep -q "${BOARD_TOK#fwt_*_}" "$T/out" && ok ||
    bad "token list: no 10-day expiry, or the secret shown: $(cat "$T/out") (want $want)"
"$FW" --db "$DB" token list >"$T/out" 2>&1
[ "$(grep -c active "$T/out")" = 2 ] && ok || bad "token list of everyone: $(cat "$T/out")"

serve_start "$DB" || { bad "server did not start"; finish accounts; exit 1; }

# ---- the one-time password must be changed at first sign-in -------------------------
J="$T/cookies"
sign_in() { # sign_in USER PASSWORD JAR: the session's CSRF token, body in $T/body
    curl -s -o "$T/body" -w '%{http_code}' -c "$3" -X POST \
        -d "{\"username\":\"$1\",\"password\":\"$2\"}" "$U/api/v1/session" >"$T/code"
    json "$T/body" 'd.get("csrf_token","")' 2>/dev/null
}
CSRF=$(sign_in acc-admin "$ADMIN_PW" "$J")
[ "$(cat "$T/code")" = 200 ] && [ "$(json "$T/body" 'd["user"]["must_change_password"]')" = True ] && ok ||
    bad "first sign-in: $(cat "$T/code") $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" "$U/api/v1/incidents")
[ "$code" = 403 ] && grep -q password_change_required "$T/body" && ok ||
    bad "a one-time-password session may list incidents: $code $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X POST \
    -d "{\"password\":\"$ADMIN_PW\"}" "$U/api/v1/tokens")
[ "$code" = 403 ] && grep -q password_change_required "$T/body" && ok ||
    bad "a one-time-password session may mint a token: $code $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X POST \
    -d '{"username":"sneaky","role":"admin"}' "$U/api/v1/users")
[ "$code" = 403 ] && ok || bad "a one-time-password session may create users: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" "$U/api/v1/session")
[ "$code" = 200 ] && ok || bad "whoami refused to a one-time-password session: $code"
# A second session with the same one-time password (it worked in four before).
J2="$T/cookies2"
CSRF2=$(sign_in acc-admin "$ADMIN_PW" "$J2")
[ "$(cat "$T/code")" = 200 ] && ok || bad "second sign-in: $(cat "$T/code")"

# ---- PUT /api/v1/session/password ----------------------------------------------------------
put_pw() { # put_pw JAR CSRF CURRENT NEW
    curl -s -o "$T/body" -w '%{http_code}' -b "$1" -H "X-CSRF-Token: $2" -X PUT \
        -d "{\"current\":\"$3\",\"new\":\"$4\"}" "$U/api/v1/session/password"
}
code=$(put_pw "$J" "$CSRF" "$ADMIN_PW" "            ")
[ "$code" = 400 ] && grep -q '"field":"new"' "$T/body" && grep -q 'rule: whitespace' "$T/body" && ok ||
    bad "twelve spaces as a new password: $code $(cat "$T/body")"
code=$(put_pw "$J" "$CSRF" "wrong password here" "a much better password")
[ "$code" = 403 ] && grep -q '"field":"current"' "$T/body" && ok || bad "wrong current password: $code $(cat "$T/body")"
code=$(put_pw "$J" "$CSRF" "$ADMIN_PW" "$ADMIN_PW")
[ "$code" = 400 ] && ok || bad "the same password again: $code $(cat "$T/body")"
NEW_PW="a much better password"
code=$(put_pw "$J" "$CSRF" "$ADMIN_PW" "$NEW_PW")
[ "$code" = 200 ] && ok || bad "password change: $code $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" "$U/api/v1/incidents")
[ "$code" = 200 ] && ok || bad "after the change the session still may not list: $code $(cat "$T/body")"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$J2" "$U/api/v1/session")
[ "$code" = 401 ] && ok || bad "the user's other session survived the password change: $code"
sign_in acc-admin "$ADMIN_PW" "$T/cookies3" >/dev/null
[ "$(cat "$T/code")" = 401 ] && ok || bad "the one-time password still signs in: $(cat "$T/code")"
CSRF=$(sign_in acc-admin "$NEW_PW" "$J")
[ "$(cat "$T/code")" = 200 ] && [ "$(json "$T/body" 'd["user"]["must_change_password"]')" = False ] && ok ||
    bad "sign-in with the new password: $(cat "$T/code") $(cat "$T/body")"
# Every signed-in user may change theirs, with a bearer token too.
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $BOARD_TOK" -X PUT \
    -d "{\"current\":\"$BOARD_PW\",\"new\":\"board member passphrase\"}" "$U/api/v1/session/password")
[ "$code" = 200 ] && ok || bad "password change with a bearer token: $code $(cat "$T/body")"

# ---- a token from a browser session only with the password ----------------------------
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X POST "$U/api/v1/tokens")
[ "$code" = 400 ] && grep -q '"field":"password"' "$T/body" && ok ||
    bad "a session minted a token without the password: $code $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X POST \
    -d '{"password":"not the password!"}' "$U/api/v1/tokens")
[ "$code" = 403 ] && ok || bad "a session minted a token with a wrong password: $code $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X POST \
    -d "{\"password\":\"$NEW_PW\",\"expires_days\":400}" "$U/api/v1/tokens")
[ "$code" = 400 ] && grep -q expires_days "$T/body" && ok || bad "expires_days 400 accepted: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" -X POST \
    -d "{\"password\":\"$NEW_PW\",\"expires_days\":5}" "$U/api/v1/tokens")
want=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(days=5)).strftime("%Y-%m-%d"))')
[ "$code" = 201 ] && json "$T/body" 'd["expires_at"]' | grep -q "^$want" && ok ||
    bad "session token with the password: $code $(cat "$T/body")"
SESS_TOK=$(json "$T/body" 'd["token"]')
SESS_ID=$(json "$T/body" 'd["id"]')
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOK" -X POST "$U/api/v1/tokens")
want=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(days=90)).strftime("%Y-%m-%d"))')
[ "$code" = 201 ] && json "$T/body" 'd["expires_at"]' | grep -q "^$want" && ok ||
    bad "a bearer-minted token has no 90-day expiry: $code $(cat "$T/body")"

# ---- tokens listed and revoked ---------------------------------------------------------------
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $BOARD_TOK" "$U/api/v1/tokens")
[ "$code" = 200 ] && [ "$(json "$T/body" '[t["id"] for t in d["tokens"]]')" = "['$BOARD_ID']" ] &&
    ! grep -q "${BOARD_TOK#fwt_*_}" "$T/body" && ! grep -q secret "$T/body" && ok ||
    bad "a board member's token list: $code $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $BOARD_TOK" "$U/api/v1/tokens?user=acc-admin")
[ "$code" = 403 ] && ok || bad "a board member listed the admin's tokens: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOK" "$U/api/v1/tokens")
[ "$code" = 200 ] && [ "$(json "$T/body" 'len(d["tokens"])')" = 4 ] && ok || bad "the admin's list of every token: $code $(cat "$T/body")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BOARD_TOK" -X DELETE "$U/api/v1/tokens/$SESS_ID")
[ "$code" = 404 ] && ok || bad "a board member revoked the admin's token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOK" -X DELETE "$U/api/v1/tokens/$SESS_ID")
[ "$code" = 200 ] && ok || bad "the owner could not revoke: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $SESS_TOK" "$U/api/v1/session")
[ "$code" = 401 ] && ok || bad "a revoked token still works: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOK" "$U/api/v1/tokens?user=acc-admin")
[ "$code" = 200 ] && [ "$(json "$T/body" '[t["revoked"] for t in d["tokens"] if t["id"]=="'"$SESS_ID"'"]')" = "[True]" ] && ok ||
    bad "the revoked token is not listed revoked: $(cat "$T/body")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOK" -X DELETE "$U/api/v1/tokens/$BOARD_ID")
[ "$code" = 200 ] && ok || bad "an admin could not revoke another's token: $code"

# ---- the API: weak passwords and over-long fields refused, created users must change ---------
admin() { curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOK" "$@"; }
code=$(admin -X POST -d '{"username":"api-weak","role":"board","password":"            "}' "$U/api/v1/users")
[ "$code" = 400 ] && grep -q '"field":"password"' "$T/body" && grep -q 'rule: whitespace' "$T/body" && ok ||
    bad "API: twelve spaces accepted: $code $(cat "$T/body")"
code=$(admin -X POST -d "{\"username\":\"api-cut\",\"role\":\"supervisor\",\"agency\":\"$LONG\"}" "$U/api/v1/users")
[ "$code" = 400 ] && grep -q '"field":"agency"' "$T/body" && ok ||
    bad "API: over-long agency not refused: $code $(cat "$T/body")"
code=$(admin "$U/api/v1/users/api-cut")
[ "$code" = 404 ] && ok || bad "API: the user with the over-long agency was stored ($code)"
code=$(admin -X POST -d "{\"username\":\"api-cut2\",\"role\":\"officer\",\"officer\":\"$LONG\"}" "$U/api/v1/users")
[ "$code" = 400 ] && grep -q '"field":"officer"' "$T/body" && ok || bad "API: over-long officer: $code $(cat "$T/body")"
code=$(admin -X POST -d "{\"username\":\"$LONG\",\"role\":\"board\"}" "$U/api/v1/users")
[ "$code" = 400 ] && grep -q '"field":"username"' "$T/body" && ok || bad "API: over-long username: $code $(cat "$T/body")"
code=$(admin -X POST -d '{"username":"api-set","role":"board","password":"set by the admin 1"}' "$U/api/v1/users")
[ "$code" = 201 ] && ok || bad "API: create with a password: $code $(cat "$T/body")"
CSRF4=$(sign_in api-set "set by the admin 1" "$T/cookies4")
[ "$(json "$T/body" 'd["user"]["must_change_password"]')" = True ] && ok ||
    bad "a password set by an administrator need not be changed: $(cat "$T/body")"
# Asking the password again is throttled as sign-in is: no faster guessing there.
for i in 1 2 3 4 5; do put_pw "$T/cookies4" "$CSRF4" "guess number $i!" "a new password 123" >/dev/null; done
code=$(put_pw "$T/cookies4" "$CSRF4" "set by the admin 1" "a new password 123")
[ "$code" = 429 ] && ok || bad "password guesses through PUT /session/password not throttled: $code $(cat "$T/body")"

# ---- cookies: Secure when configured ---------------------------------------------------------
curl -s -D "$T/headers" -o /dev/null -X POST -d "{\"username\":\"acc-admin\",\"password\":\"$NEW_PW\"}" "$U/api/v1/session"
grep -i '^Set-Cookie:' "$T/headers" | grep -qv 'Secure' && ok || bad "Secure cookie by default: $(grep -i set-cookie "$T/headers")"
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=
printf 'cookie_secure = 1\n' >"$T/tls.conf"
rm -f "$T/port"
"$FW" --db "$DB" serve --config "$T/tls.conf" --listen 127.0.0.1:0 --port-file "$T/port" 2>>"$T/serve.log" &
pid=$!
for _ in $(seq 1 500); do [ -s "$T/port" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
if [ -s "$T/port" ]; then
    U="http://127.0.0.1:$(cat "$T/port")"
    curl -s --retry 20 --retry-connrefused --retry-delay 0 -o /dev/null "$U/healthz"
    curl -s -D "$T/headers" -o /dev/null -X POST -d "{\"username\":\"acc-admin\",\"password\":\"$NEW_PW\"}" "$U/api/v1/session"
    grep -i '^Set-Cookie:' "$T/headers" | grep -q '; Secure' && ok ||
        bad "cookie_secure = 1 gives no Secure cookie: $(grep -i set-cookie "$T/headers")"
    kill -TERM "$pid"; wait "$pid" 2>/dev/null
else
    bad "the server did not start with cookie_secure = 1: $(tail -2 "$T/serve.log")"
fi
pid=

# ---- every change is a logged record: the log still verifies --------------------------------
"$FW" --db "$DB" verify >"$T/out" 2>&1 && ok || bad "verify after account changes: $(cat "$T/out")"

finish accounts
