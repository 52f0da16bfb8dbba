#!/usr/bin/env bash
# HTTP edge cases against a real server (issue 12, findings 1, 8, 9 and 10),
# sent raw where curl would tidy them: parameters that are not UTF-8, bodies
# and connections before any credentials, conflicting Content-Length, %00 in
# the path, the one body limit, and what the dashboard directory may hold (a
# named pipe, a symbolic link out of it) with a prompt SIGTERM after.
# Prints "edge: N passed, N failed".
set -u
. tests/lib.sh
trap '' PIPE

DB="$T/edge.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$FW" --db "$DB" add examples/agencies.jsonl examples/officers.jsonl examples/*.json >/dev/null 2>&1
"$FW" --db "$DB" user add e-super --role supervisor >/dev/null 2>&1
"$FW" --db "$DB" user add e-metro --role supervisor --agency metro-pd >/dev/null 2>&1
"$FW" --db "$DB" token create e-super > "$T/token-super"
"$FW" --db "$DB" token create e-metro > "$T/token-metro"
SUPER=$(cat "$T/token-super")
METRO=$(cat "$T/token-metro")

# The dashboard: a page, a named pipe, a socket-free device stand-in (a
# directory named like a file) and a symbolic link to a file outside.
mkdir -p "$T/web/sub.js"
printf '<!doctype html><p>edge</p>\n' > "$T/web/index.html"
mkfifo "$T/web/pipe.js"
printf 'secret\n' > "$T/outside.js"
ln -s "$T/outside.js" "$T/web/link.js"
printf 'web_dir = %s\nmax_connections_per_address = 4\nmax_anonymous_body_bytes = 16384\n' \
    "$T/web" > "$T/edge.conf"

# serve_start takes no server arguments: the configuration goes through a wrapper.
cat > "$T/fw-conf" <<EOF
#!/bin/sh
exec "$FW" "\$@" --config "$T/edge.conf"
EOF
chmod +x "$T/fw-conf"
REAL_FW=$FW
FW="$T/fw-conf"
serve_start "$DB" FORCEWATCH_NOW=2030-01-01T00:00:00Z ||
    { echo "edge: the configured server did not start"; cat "$T/serve.log"; echo "edge: 0 passed, 1 failed"; exit 1; }
FW=$REAL_FW
PORT=${U##*:}

# status EXPECTED WHAT curl-args...: the body in $T/body
status() {
    local want=$1 what=$2 got
    shift 2
    got=$(curl -s -m 10 -o "$T/body" -w '%{http_code}' "$@")
    if [ "$got" = "$want" ]; then ok; else bad "$what: status $got, expected $want: $(head -c 300 "$T/body")"; fi
}
alive() { status 200 "alive after $1" "$U/healthz"; }
# raw REQUEST-TEXT: sent on one connection as is; the answer in $T/raw
raw() {
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || { : > "$T/raw"; return; }
    # The server may close as soon as it has answered: a write after that is no error here.
    printf '%b' "$1" >&3 2>/dev/null
    timeout 5 cat <&3 > "$T/raw"
    exec 3>&- 3<&-
}
first_status() { head -1 "$T/raw" | cut -d' ' -f2; }

# ---- finding 1: every path and query parameter checked before any use -----------
for id in %ff %c0%af %ed%a0%80 %f4%90%80%80; do
    status 400 "training for officer $id" -X POST -H "Authorization: Bearer $SUPER" \
        -H 'Content-Type: application/json' --data '{"course":"firearm","completed":"2025-01-01"}' \
        "$U/api/v1/officers/$id/training"
done
alive "non-UTF-8 officer ids"
for q in 'agency=%ff' 'reason=%c0%af' 'since=%ed%a0%80' 'cursor=a%01b'; do
    status 400 "incident list with $q" -H "Authorization: Bearer $METRO" "$U/api/v1/incidents?$q"
    grep -q '"error":"invalid"' "$T/body" && ok || bad "$q: not named invalid: $(cat "$T/body")"
done
status 400 "export reason that is not UTF-8" -H "Authorization: Bearer $SUPER" \
    "$U/api/v1/export?format=csv&reason=%ff"
status 400 "a query argument over 4096 bytes" -H "Authorization: Bearer $SUPER" \
    "$U/api/v1/incidents?reason=$(head -c 5000 /dev/zero | tr '\0' a)"
alive "non-UTF-8 query arguments"

# ---- finding 8: resources before authentication -----------------------------------
head -c 20000 /dev/zero | tr '\0' a > "$T/20k"
status 413 "an anonymous 20 KB sign-in" -X POST --data-binary @"$T/20k" "$U/api/v1/session"
grep -q 'without credentials' "$T/body" && ok || bad "the 413 does not say why: $(cat "$T/body")"
# Announced too large: refused before the body is sent (curl would wait for 100 Continue).
raw 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n'
[ "$(first_status)" = 413 ] && ok || bad "an announced 2 MB anonymous body: $(head -1 "$T/raw")"
# Chunked (no length announced): counted as it arrives, never held past the limit.
head -c 200000 /dev/zero | tr '\0' a > "$T/200k"
status 413 "an anonymous chunked 200 KB body" -X POST -H 'Transfer-Encoding: chunked' \
    --data-binary @"$T/200k" "$U/api/v1/log/verify"
# A bad token is no credential.
status 413 "a 20 KB body with a bad token" -X POST -H 'Authorization: Bearer fwt_bad_bad' \
    --data-binary @"$T/20k" "$U/api/v1/incidents"
# Signed in, the same body is read (and judged by the handler).
status 422 "a signed-in 20 KB body" -X POST -H "Authorization: Bearer $SUPER" \
    --data-binary @"$T/20k" "$U/api/v1/incidents"
alive "anonymous bodies"
# One address may hold max_connections_per_address (4) connections; the fifth is refused.
for fd in 5 6 7 8; do eval "exec $fd<>/dev/tcp/127.0.0.1/$PORT"; done
sleep 0.3
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$U/healthz")
[ "$code" = 000 ] && ok || bad "a fifth connection from one address was served ($code)"
for fd in 5 6 7 8; do eval "exec $fd>&- $fd<&-"; done
sleep 0.3
alive "the connections closed"
"$FW" serve --config-keys | grep -q 'max_connections_per_address' && ok || bad "max_connections_per_address not listed"
"$FW" serve --config-keys | grep -q 'max_anonymous_body_bytes' && ok || bad "max_anonymous_body_bytes not listed"
grep -qF "$("$FW" serve --config-keys | grep max_anonymous_body_bytes)" docs/server.md && ok ||
    bad "docs/server.md lacks max_anonymous_body_bytes"

# ---- finding 9: HTTP edge cases -------------------------------------------------------
# Two Content-Length headers that disagree: 400 before any body, and the rest is no
# second request (request smuggling).
raw 'POST /api/v1/log/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhelloGET /api/v1/nosuch HTTP/1.1\r\nHost: x\r\n\r\n'
[ "$(first_status)" = 400 ] && ok || bad "conflicting Content-Length: $(head -1 "$T/raw")"
grep -q '"field":"Content-Length"' "$T/raw" && ok ||
    bad "conflicting Content-Length not named: $(tr '\r\n' '  ' < "$T/raw" | head -c 400)"
[ "$(grep -o 'HTTP/1.1 [0-9]' "$T/raw" | wc -l)" = 1 ] && ! grep -q 'no such route' "$T/raw" && ok ||
    bad "a second request was read after conflicting lengths"
# Content-Length beside Transfer-Encoding: which one a proxy reads is anyone's guess.
raw 'POST /api/v1/log/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
[ "$(first_status)" = 400 ] && grep -q '"field":"Content-Length"' "$T/raw" && ok ||
    bad "Content-Length with Transfer-Encoding: $(head -1 "$T/raw")"
# The same length twice is one length.
raw 'POST /api/v1/log/verify HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello'
[ "$(first_status)" = 400 ] && grep -q '"field":"body"' "$T/raw" && ok || bad "a repeated equal Content-Length: $(tr '\r\n' '  ' < "$T/raw" | head -c 300)"
# %00 in the path: 400, not a shortened route.
raw 'GET /healthz%00junk HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
[ "$(first_status)" = 400 ] && ok || bad "%00 in the path: $(head -1 "$T/raw")"
raw 'GET /api/v1/incidents/demo-0007%00x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
[ "$(first_status)" = 400 ] && ok || bad "%00 in an id: $(head -1 "$T/raw")"
grep -qi '^Content-Security-Policy:' "$T/raw" && grep -q '^{"error"' "$T/raw" && ok || bad "the %00 answer is not JSON with the CSP"
# A document between 1 and 2 MiB: 413 (the one limit), not 422.
{ printf '{"id":"big","agency":"metro-pd","occurred_at":"2020-01-01","narrative":"'
  head -c 1500000 /dev/zero | tr '\0' a; printf '"}'; } > "$T/big.json"
status 413 "a 1.5 MB document" -X POST -H "Authorization: Bearer $SUPER" \
    --data-binary @"$T/big.json" "$U/api/v1/incidents"
grep -q '"error":"too_large"' "$T/body" && grep -q '1048576' "$T/body" && ok || bad "the 413 does not give the limit: $(cat "$T/body")"
"$FW" serve --config-keys | grep 'max_body_bytes' | grep -q '1048576 | 1024 to 1048576' && ok ||
    bad "max_body_bytes is not the document limit: $("$FW" serve --config-keys | grep max_body_bytes)"
alive "HTTP edge cases"

# ---- finding 10: only regular files under web_dir ------------------------------------
status 200 "the dashboard page" "$U/"
start=$(date +%s)
status 404 "a named pipe in web_dir" "$U/pipe.js"
[ $(( $(date +%s) - start )) -le 3 ] && ok || bad "the named pipe took $(( $(date +%s) - start )) s"
status 404 "a symbolic link out of web_dir" "$U/link.js"
grep -q secret "$T/body" && bad "the link's target was served" || ok
status 404 "a directory named like a file" "$U/sub.js"
alive "the named pipe"
# SIGTERM still stops the server promptly.
kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then bad "SIGTERM did not stop the server within 5 s"; else ok; fi
wait "$pid" 2>/dev/null
pid=

finish edge
