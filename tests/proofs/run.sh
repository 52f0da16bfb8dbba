#!/usr/bin/env bash
# The log's proof routes served from the server's cached tree: proofs equal
# those the command line computes from every leaf, never for a size beyond
# the latest signed checkpoint, leaves written by another process picked up,
# POST /api/v1/log/verify from the cache, and log_requests_per_minute
# answering 429 with Retry-After.  Prints "proofs: N passed, N failed".
set -u
. tests/lib.sh

DB="$T/p.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$TOP/bench/gen" -n 300 --seed 5 > "$T/a.jsonl"
"$FW" --db "$DB" add -q "$T/a.jsonl" || bad "add the first incidents"
"$FW" --db "$DB" user add u-admin --role admin > /dev/null 2>&1
ADMIN=$("$FW" --db "$DB" token create u-admin)
serve_start "$DB" ||
    { echo "proofs: the server did not start"; cat "$T/serve.log"; echo "proofs: 0 passed, 1 failed"; exit 1; }

# get EXPECTED_STATUS DESCRIPTION URL: body in $T/body, headers in $T/headers
get() {
    local got
    got=$(curl -s -D "$T/headers" -o "$T/body" -w '%{http_code}' "${@:3}")
    if [ "$got" = "$1" ]; then ok; else bad "$2: status $got, expected $1: $(head -c 300 "$T/body")"; fi
}
# The JSON answer as the command line prints a proof: "key value" lines.
as_lines() {
    python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    print(k, j[k])
for h in j["proof"]:
    print("proof", h)' "$@"
}
same() { if cmp -s "$1" "$2"; then ok; else bad "$3: $(diff "$1" "$2" | head -5)"; fi; }

checkpoint_size() { "$FW" --db "$DB" log checkpoint | sed -n 2p; }
S1=$(checkpoint_size)
[ "$S1" -ge 300 ] && ok || bad "the first checkpoint covers the incidents: '$S1'"
"$FW" --db "$DB" log checkpoint > "$T/old.note"

# Every leaf of a small prefix and a spread of sizes: the cache's proofs are
# the full leaf list's.
for spec in "0 1" "0 2" "1 2" "5 16" "15 16" "16 17" "31 33" "100 257" "$((S1 - 1)) $S1" "7 $S1" "200 $((S1 - 3))"; do
    set -- $spec
    get 200 "inclusion $1 at $2" "$U/api/v1/log/proof/inclusion?seq=$1&size=$2"
    as_lines "$T/body" leaf_index tree_size leaf_hash root_hash > "$T/http.txt"
    "$FW" --db "$DB" log proof inclusion "$1" --size "$2" > "$T/cli.txt"
    same "$T/http.txt" "$T/cli.txt" "inclusion proof $1 at $2 differs from the command line's"
done
for spec in "1 2" "3 16" "16 17" "17 300" "64 $S1" "$((S1 - 1)) $S1" "$S1 $S1"; do
    set -- $spec
    get 200 "consistency $1 to $2" "$U/api/v1/log/proof/consistency?old=$1&new=$2"
    as_lines "$T/body" old_size new_size old_root new_root > "$T/http.txt"
    "$FW" --db "$DB" log proof consistency "$1" "$2" > "$T/cli.txt"
    same "$T/http.txt" "$T/cli.txt" "consistency proof $1 to $2 differs from the command line's"
done
# The default size is the latest signed checkpoint's, and nothing beyond it is served.
get 200 "inclusion at the default size" "$U/api/v1/log/proof/inclusion?seq=0"
grep -Eq "\"tree_size\":$S1[,}]" "$T/body" && ok || bad "default size is not the checkpoint's $S1: $(cat "$T/body")"
get 404 "inclusion beyond the checkpoint" "$U/api/v1/log/proof/inclusion?seq=0&size=$((S1 + 1))"
get 404 "leaf beyond the checkpoint" "$U/api/v1/log/proof/inclusion?seq=$S1"
get 400 "consistency beyond the checkpoint" "$U/api/v1/log/proof/consistency?old=1&new=$((S1 + 1))"
grep -q '"field":"old"' "$T/body" && ok || bad "consistency beyond names old: $(cat "$T/body")"

# Another process appends to the same database while the server runs: the
# server's cache picks the leaves up with the new checkpoint.
"$TOP/bench/gen" -n 40 --seed 6 | sed 's/"id":"/"id":"b-/' > "$T/b.jsonl"
"$FW" --db "$DB" add -q "$T/b.jsonl" || bad "add from another process"
S2=$(checkpoint_size)
[ "$S2" -gt "$S1" ] && ok || bad "the second checkpoint grew: $S1 -> $S2"
# A leaf after the checkpoint (appended by hand, as a writer between its
# insert and its signature would leave it), read into the cache with the
# others: never served.
sqlite3 "$DB" "INSERT INTO log(seq, leaf) VALUES ($S2, '{\"unsigned\":true}')"
get 404 "the unsigned leaf" "$U/api/v1/log/proof/inclusion?seq=$S2&size=$((S2 + 1))"
get 200 "the default size stays the signed one" "$U/api/v1/log/proof/inclusion?seq=0"
grep -Eq "\"tree_size\":$S2[,}]" "$T/body" && ok || bad "default size is not the checkpoint's $S2: $(cat "$T/body")"
get 400 "consistency to the unsigned size" "$U/api/v1/log/proof/consistency?old=1&new=$((S2 + 1))"

get 200 "inclusion of a leaf another process wrote" "$U/api/v1/log/proof/inclusion?seq=$((S2 - 1))"
as_lines "$T/body" leaf_index tree_size leaf_hash root_hash > "$T/http.txt"
"$FW" --db "$DB" log proof inclusion "$((S2 - 1))" > "$T/cli.txt"
same "$T/http.txt" "$T/cli.txt" "proof for another process's leaf"
grep -q "^tree_size $S2$" "$T/http.txt" && ok || bad "proof not at the new size $S2: $(cat "$T/http.txt")"
get 200 "consistency to the new checkpoint" "$U/api/v1/log/proof/consistency?old=$S1"
as_lines "$T/body" old_size new_size old_root new_root > "$T/http.txt"
"$FW" --db "$DB" log proof consistency "$S1" "$S2" > "$T/cli.txt"
same "$T/http.txt" "$T/cli.txt" "consistency proof to another process's checkpoint"
root2=$("$FW" --db "$DB" log checkpoint | sed -n 3p)
grep -qx "new_root $root2" "$T/http.txt" && ok || bad "new root is not the signed one $root2"

# POST /api/v1/log/verify from the cache: the old checkpoint is a prefix of today's.
get 200 "verify the old checkpoint" -X POST --data-binary @"$T/old.note" "$U/api/v1/log/verify"
grep -q '"consistent":true' "$T/body" && grep -q "\"current_size\":$S2" "$T/body" && ok ||
    bad "old checkpoint not consistent at $S2: $(cat "$T/body")"
# The first character of the root always changes: a root that starts with X
# becomes Y, so the forgery never equals the original.
sed '3{s/^X/Y/;t;s/^./X/}' "$T/old.note" > "$T/forged.note"
cmp -s "$T/old.note" "$T/forged.note" && bad "the forged checkpoint equals the original" || ok
get 200 "verify a forged checkpoint" -X POST --data-binary @"$T/forged.note" "$U/api/v1/log/verify"
grep -q '"consistent":false' "$T/body" && ok || bad "forged checkpoint accepted: $(cat "$T/body")"
# The tree's memory is reported: about 36 bytes a leaf (and some slack).
bytes=$(curl -s -H "Authorization: Bearer $ADMIN" "$U/metrics" | sed -n 's/^forcewatch_log_tree_bytes //p')
[ -n "$bytes" ] && [ "$bytes" -ge $((S2 * 36)) ] && [ "$bytes" -le $((S2 * 54 + 262144)) ] && ok ||
    bad "forcewatch_log_tree_bytes '$bytes' for $S2 leaves"
kill "$pid" && wait "$pid" 2>/dev/null
pid=

# log_requests_per_minute: the next request from the same address gets 429
# with Retry-After; other routes are not limited.
printf 'log_requests_per_minute = 3\n' > "$T/limit.conf"
rm -f "$T/port"
"$FW" --db "$DB" serve --config "$T/limit.conf" --listen 127.0.0.1:0 --port-file "$T/port" 2>>"$T/serve.log" &
pid=$!
for _ in $(seq 1 500); do [ -s "$T/port" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
U="http://127.0.0.1:$(cat "$T/port")"
curl -s --retry 20 --retry-connrefused --retry-delay 0 -o /dev/null "$U/healthz"
get 200 "first of three" "$U/api/v1/log/proof/inclusion?seq=0"
get 200 "second of three" "$U/api/v1/log/proof/consistency?old=1"
get 200 "third of three" -X POST --data-binary @"$T/old.note" "$U/api/v1/log/verify"
get 429 "fourth proof request" "$U/api/v1/log/proof/inclusion?seq=0"
grep -qi '^retry-after: [1-9]' "$T/headers" && ok || bad "no Retry-After on 429: $(cat "$T/headers")"
grep -q '"error":"rate_limited"' "$T/body" && ok || bad "429 body: $(cat "$T/body")"
get 429 "fourth verify request" -X POST --data-binary @"$T/old.note" "$U/api/v1/log/verify"
get 200 "checkpoint is not limited" "$U/api/v1/log/checkpoint"
get 200 "healthz is not limited" "$U/healthz"
kill "$pid" && wait "$pid" 2>/dev/null
pid=

# The configuration key is documented from the table.
"$FW" serve --config-keys | grep -q 'log_requests_per_minute' && ok || bad "config key not listed"
finish proofs
