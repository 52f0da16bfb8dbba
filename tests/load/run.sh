#!/usr/bin/env bash
# Load tests on a real server (port 0, temporary database): 200 concurrent
# clients create incidents for 10 s and lose nothing (every 201 is readable
# afterwards and the log verifies); then SIGTERM under load loses no
# acknowledged write.  Request loops are bounded in time and count, and
# only loopback is used.  Prints "load: N passed, N failed".
set -u
. tests/lib.sh
CLIENTS=${LOAD_CLIENTS:-200}
SECONDS_LOAD=${LOAD_SECONDS:-10}
start() { serve_start "$T/load.db"; }

"$FW" --db "$T/load.db" init >/dev/null 2>&1
"$FW" --db "$T/load.db" user add loader --role admin >/dev/null
TOKEN=$("$FW" --db "$T/load.db" token create loader)
# One line of JSON with ID in place of the incident's id.
tr -d '\n' < "$TOP/tests/data/base.json" | sed 's/"base-0001"/"ID"/' > "$T/template"

# client NAME DEADLINE MAX: create incidents until the deadline; print the acknowledged ids.
client() {
    local name=$1 deadline=$2 max=$3 i=0 doc code
    local template
    template=$(cat "$T/template")
    while [ "$(date +%s)" -lt "$deadline" ] && [ "$i" -lt "$max" ]; do
        i=$((i + 1))
        doc=${template/\"ID\"/\"$name-$i\"}
        code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -H "Authorization: Bearer $TOKEN" \
            -X POST --data-binary "$doc" "$U/api/v1/incidents" 2>/dev/null)
        [ "$code" = 201 ] && echo "$name-$i"
        [ "$code" = 000 ] && break   # the server is gone
    done
}

stored_ids() { "$FW" --db "$T/load.db" list --json 2>/dev/null | grep -o '"id":"[^"]*"' | cut -d'"' -f4 | sort; }

# ---- 200 clients for 10 s ---------------------------------------------------------
start
deadline=$(($(date +%s) + SECONDS_LOAD))
for c in $(seq 1 "$CLIENTS"); do client "c$c" "$deadline" 100000 > "$T/acked-$c" & done
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null
cat "$T"/acked-* | sort > "$T/acked"
n=$(wc -l < "$T/acked")
[ "$n" -gt 0 ] && ok || bad "no create was acknowledged"
stored_ids > "$T/stored"
missing=$(comm -23 "$T/acked" "$T/stored" | wc -l)
[ "$missing" -eq 0 ] && ok || bad "$missing of $n acknowledged creates are missing"
# Readable over HTTP too, a sample of them.
for id in $(shuf -n 20 "$T/acked" 2>/dev/null || head -20 "$T/acked"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$U/api/v1/incidents/$id")" = 200 ] || missing=$((missing + 1))
done
[ "$missing" -eq 0 ] && ok || bad "acknowledged incidents not readable over HTTP"
echo "load: $CLIENTS clients, $SECONDS_LOAD s: $n incidents created" >&2

# ---- SIGTERM under load ---------------------------------------------------------------
deadline=$(($(date +%s) + 30))
for c in $(seq 1 50); do client "t$c" "$deadline" 100000 > "$T/term-$c" & done
for _ in $(seq 1 300); do [ "$(cat "$T"/term-* | wc -l)" -ge 200 ] && break; sleep 0.02; done
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 0 ] && ok || bad "the server exited $rc on SIGTERM under load"
wait 2>/dev/null
cat "$T"/term-* | sort > "$T/term-acked"
stored_ids > "$T/stored"
missing=$(comm -23 "$T/term-acked" "$T/stored" | wc -l)
[ "$(wc -l < "$T/term-acked")" -gt 0 ] && ok || bad "nothing acknowledged before SIGTERM"
[ "$missing" -eq 0 ] && ok || bad "$missing writes acknowledged before SIGTERM are missing"
"$FW" --db "$T/load.db" verify > "$T/verify" 2>&1 && ok || bad "the log does not verify after the load: $(cat "$T/verify")"

finish load
[ "$fail" -eq 0 ]
