#!/usr/bin/env bash
# Hostile input that once slipped through: two records sharing a log seq
# (caught by verify), error replies and access-log lines that must stay valid
# JSON whatever bytes the request holds, the CSRF token a reloaded browser
# gets back from GET /session, and problem messages holding newlines in add.
# Prints "robust: N passed, N failed".
set -u
. tests/lib.sh
command -v sqlite3 >/dev/null || { echo "robust: sqlite3 shell missing (scripts/install-deps)"; exit 1; }
command -v python3 >/dev/null || { echo "robust: python3 missing"; exit 1; }

# ---- verify: two records claiming one log leaf ---------------------------------
DB="$T/v.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$FW" --db "$DB" add -q "$TOP"/examples/officers.jsonl "$TOP"/examples/*.json
"$FW" --db "$DB" verify >/dev/null 2>&1 && ok || bad "verify of an untouched database"
# records rebuilt without its UNIQUE constraints, with FIRST_SQL's rows first,
# so a copy sorts before (or after) the record it copies.
duplicate() { # NAME FIRST_SQL THEN_SQL
    cp "$DB" "$T/$1.db"
    sqlite3 "$T/$1.db" "DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete;
        CREATE TABLE r2(type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
          body BLOB NOT NULL, sha256 TEXT NOT NULL, created_at TEXT NOT NULL,
          actor TEXT NOT NULL, log_seq INTEGER NOT NULL);
        INSERT INTO r2 $2; INSERT INTO r2 $3;
        DROP TABLE records; ALTER TABLE r2 RENAME TO records;"
}
check_dup() { # NAME SEQ
    "$FW" --db "$T/$1.db" verify > "$T/out" 2> "$T/err"
    rc=$?
    [ "$rc" = 4 ] && ok || bad "verify $1: exit $rc, expected 4"
    grep -q "FAILED at seq $2: seq $2: two stored records claim this log leaf" "$T/err" && ok ||
        bad "verify $1 does not name seq $2: $(cat "$T/err")"
}
# An exact copy of the record at seq 3.
duplicate exactcopy "SELECT * FROM records" "SELECT * FROM records WHERE log_seq = 3"
check_dup exactcopy 3
# A forged record stored before the genuine one and claiming its leaf (seq 5).
duplicate forgedfirst \
    "SELECT type, 'forged', version, body, sha256, created_at, actor, log_seq FROM records WHERE log_seq = 5" \
    "SELECT * FROM records"
check_dup forgedfirst 5

# ---- error replies and the access log stay valid JSON -------------------------
SDB="$T/s.db"
"$FW" --db "$SDB" init >/dev/null 2>&1
"$FW" --db "$SDB" user add u-admin --role admin > "$T/admin" 2>&1
ADMIN_PW=$(sed -n 's/.*one-time password: //p' "$T/admin")
ADMIN=$("$FW" --db "$SDB" token create u-admin)
serve_start "$SDB" ||
    { echo "robust: the server did not start"; cat "$T/serve.log"; echo "robust: $pass passed, 1 failed"; exit 1; }
# json_reply STATUS DESCRIPTION curl-args...: the body must be a JSON error whose
# message holds U+FFFD where the request's bad bytes were.
json_reply() {
    local want=$1 what=$2 got
    shift 2
    got=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$@")
    [ "$got" = "$want" ] && ok || bad "$what: status $got, expected $want"
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert "\ufffd" in d["message"] + (d.get("field") or ""), d
' "$T/body" 2>/dev/null && ok || bad "$what: not a JSON error with U+FFFD: $(head -c 200 "$T/body" | od -c | head -3)"
}
json_reply 404 "unknown route with invalid UTF-8" "$U/no%ffsuch%c3"
json_reply 405 "method not allowed, invalid UTF-8 path" -X PUT "$U/api/v1/incidents/x%fe%ff"
json_reply 400 "invalid UTF-8 query value" "$U/api/v1/incidents?encounter=%ff%c3%28"
json_reply 400 "invalid UTF-8 date" "$U/api/v1/incidents?since=%e2%82"

# Path parameters that are not UTF-8 (or hold control characters) are refused
# by the dispatcher with 400, for every route, before any handler sees them;
# such an officer id once crashed the server in the training handler.
for p in %ff %c0%af %ed%a0%80 %f4%90%80%80 a%01b; do
    got=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
        -H 'Content-Type: application/json' -X POST \
        -d '{"course":"firearm","completed":"2025-01-01"}' "$U/api/v1/officers/$p/training")
    [ "$got" = 400 ] && grep -q '"field":"path"' "$T/body" && ok ||
        bad "training for officer $p: status $got, expected 400 naming the path: $(head -c 200 "$T/body")"
done
got=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$U/api/v1/incidents/%ed%a0%80/versions")
[ "$got" = 400 ] && ok || bad "an incident id that is not UTF-8: status $got, expected 400"
got=$(curl -s -o /dev/null -w '%{http_code}' "$U/healthz")
[ "$got" = 200 ] && ok || bad "the server is down after bad path parameters (healthz $got)"

# Paths with quotes, backslashes, control characters and invalid UTF-8.
curl -s -o /dev/null "$U/a%22b%5Cc%0Ad%01e%ff%22"
curl -s -o /dev/null --path-as-is "$U/q\"uote\\back"
curl -s -o /dev/null -X 'GE"T' "$U/healthz"
curl -s -o /dev/null "$U/healthz"   # a last line, so the ones before are complete
for _ in $(seq 1 100); do grep -q '"path":"/healthz","status":200' "$T/serve.log" && break; sleep 0.02; done
python3 -c '
import json, sys
paths, methods, n = set(), set(), 0
for line in open(sys.argv[1], encoding="utf-8", errors="strict"):
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    n += 1
    paths.add(d["path"]); methods.add(d["method"])
assert n >= 8, n
assert "/a\"b\\c\nd\x01e\ufffd\"" in paths, paths
assert "/q\"uote\\back" in paths, paths
assert "GE\"T" in methods, methods
' "$T/serve.log" && ok || bad "access log lines are not each valid JSON with the request's path: $(tail -5 "$T/serve.log")"

# ---- GET /session gives a cookie session its CSRF token again ------------------
J="$T/cookies"
curl -s -o "$T/body" -c "$J" -X POST -d "{\"username\":\"u-admin\",\"password\":\"$ADMIN_PW\"}" "$U/api/v1/session"
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$T/body")
[ ${#CSRF} = 64 ] && ok || bad "sign-in gave no CSRF token: $(cat "$T/body")"
curl -s -o "$T/body" -b "$J" "$U/api/v1/session"
AGAIN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("csrf_token",""))' "$T/body")
[ "$AGAIN" = "$CSRF" ] && ok || bad "GET /session did not give the session's CSRF token: $(cat "$T/body")"
# ... which works for a change, as the reloaded page will use it.
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $AGAIN" -X PUT -d "{\"current\":\"$ADMIN_PW\",\"new\":\"robust admin password\"}" "$U/api/v1/session/password")
[ "$code" = 200 ] && ok || bad "the CSRF token from GET /session was refused: $code"
# A bearer token is no browser session: no CSRF token in the answer.
curl -s -o "$T/body" -H "Authorization: Bearer $ADMIN" "$U/api/v1/session"
grep -q '"name":"u-admin"' "$T/body" && ! grep -q csrf "$T/body" && ok ||
    bad "GET /session with a bearer token: $(cat "$T/body")"
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=

# ---- add: problem messages holding newlines ------------------------------------
ADB="$T/a.db"
"$FW" --db "$ADB" init >/dev/null 2>&1
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["bad\nfield"] = 1
d["encounter"] = "x\ny"
print(json.dumps(d))' "$TOP/tests/data/base.json" > "$T/nl.jsonl"
"$FW" --db "$ADB" add "$T/nl.jsonl" > "$T/out" 2> "$T/err"
rc=$?
[ "$rc" = 3 ] && ok || bad "add of a document whose messages hold newlines: exit $rc, expected 3"
grep -q 'rejected: 2 problems in 1 of 1 document; nothing stored' "$T/err" && ok || bad "add summary: $(cat "$T/err")"
grep -q "nl.jsonl:1: encounter: unknown value \"x" "$T/err" && grep -q "^field: unknown field" "$T/err" && ok ||
    bad "add: both messages reported: $(cat "$T/err")"

finish robust
