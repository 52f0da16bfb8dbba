#!/usr/bin/env bash
# Crash test: `forcewatch add` is killed with SIGKILL in the middle of a bulk
# load, 20 times at different moments.  Afterwards the log must verify and
# every file whose add was acknowledged (its summary line printed, after its
# commit) must be fully present.  Prints "crash: N passed, N failed".
set -u
FW=${FW:-./forcewatch}
FW=$(cd "$(dirname "$FW")" && pwd)/$(basename "$FW")
GEN=${GEN:-bench/gen}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# 40 files of 50 incidents each, distinct ids.
"$GEN" -n 2000 --seed 7 > "$T/all.jsonl"
split -l 50 -d -a 2 --additional-suffix=.jsonl "$T/all.jsonl" "$T/part-"

for round in $(seq 1 20); do
    db="$T/r$round.db"
    "$FW" --db "$db" init >/dev/null 2>&1
    out="$T/r$round.out"
    : > "$out"
    "$FW" --db "$db" add "$T"/part-*.jsonl > "$out" 2>/dev/null &
    pid=$!
    # Kill after a varying number of acknowledged files (0 .. 19), polling
    # the output for it rather than sleeping for a guessed time.
    want=$(( (round * 7) % 20 ))
    for _ in $(seq 1 20000); do
        [ "$(wc -l < "$out")" -ge "$want" ] && break
        kill -0 "$pid" 2>/dev/null || break
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if "$FW" --db "$db" verify > "$T/v.out" 2>&1; then ok; else bad "round $round: verify failed: $(cat "$T/v.out")"; fi
    acked=0
    while read -r line; do
        file=${line%%:*}
        [ -f "$file" ] || continue
        acked=$((acked + 1))
        first=$(head -1 "$file" | grep -o '"id":"gen-[0-9]*"' | head -1 | cut -d'"' -f4)
        last=$(tail -1 "$file" | grep -o '"id":"gen-[0-9]*"' | head -1 | cut -d'"' -f4)
        if "$FW" --db "$db" history "$first" >/dev/null 2>&1 && "$FW" --db "$db" history "$last" >/dev/null 2>&1; then
            ok
        else
            bad "round $round: acknowledged $file is missing ($first .. $last)"
        fi
    done < "$out"
    [ "$acked" -ge "$want" ] || [ "$want" -eq 0 ] || true
done
echo "crash: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
