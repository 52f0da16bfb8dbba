#!/usr/bin/env bash
# Public statistics published on a schedule (issue 12, finding 12): GET
# /public/stats answers as of the schedule's last boundary, never from the
# live ledger, so a request before and one after a write in the same period
# are identical (the write's year, race, sex, armed, injury, encounter, state,
# force kind and threat cannot be isolated by their difference); the write
# counts once the boundary passes; the answer names as_of and next, is the
# same after a restart and from `stats --public`; signed-in readers' exact
# statistics stay live.  FORCEWATCH_NOW is the clock.
# Prints "snapshots: N passed, N failed".
set -u
. tests/lib.sh

DB="$T/snap.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$FW" --db "$DB" add -q "$TOP"/examples/agencies.jsonl "$TOP"/examples/officers.jsonl "$TOP"/examples/*.json
"$FW" --db "$DB" user add u-admin --role admin >/dev/null 2>&1
"$FW" --db "$DB" token create u-admin > "$T/token"
ADMIN=$(cat "$T/token")
# Records are stamped by the wall clock: the boundary (every second here) is
# a second after the last of them, and whatever is stored from now on is
# stored at or after it.
sleep 1.1
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
NEXT=$(date -u -d "$NOW + 1 second" +%Y-%m-%dT%H:%M:%SZ)
TOMORROW=$(date -u -d "$NOW + 1 day" +%Y-%m-%dT%H:%M:%SZ)
TODAY0=$(date -u -d "$NOW" +%Y-%m-%dT00:00:00Z)
DAY_AFTER0=$(date -u -d "$NOW + 1 day" +%Y-%m-%dT00:00:00Z)
printf 'public_stats_k = 1\npublic_stats_every = 1\n' > "$T/every1.conf"
printf 'public_stats_k = 1\n' > "$T/daily.conf"

# start CONF NOW: serve the database with that configuration and clock.
start() {
    if [ -n "$pid" ]; then kill "$pid"; wait "$pid" 2>/dev/null; pid=; fi
    rm -f "$T/port"
    FORCEWATCH_NOW=$2 "$FW" --db "$DB" serve --listen 127.0.0.1:0 --port-file "$T/port" \
        --config "$1" 2>>"$T/serve.log" &
    pid=$!
    for _ in $(seq 1 500); do
        [ -s "$T/port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    [ -s "$T/port" ] || { bad "the server did not start: $(tail -3 "$T/serve.log")"; return 1; }
    U="http://127.0.0.1:$(cat "$T/port")"
    curl -s --retry 20 --retry-connrefused --retry-delay 0 -o /dev/null "$U/healthz"
}
# The nine attributes finding 12 saw change, and more: every dimension the
# public may group by.
BYS="year,race sex,armed injury,encounter state,force_kind threat finding agency_type,age_band flight,ethnicity month"
# snap NAME: every public table into $T/NAME.BY.json.
snap() {
    local by code
    for by in $BYS; do
        code=$(curl -s -o "$T/$1.$by.json" -w '%{http_code}' "$U/public/stats?by=$by")
        [ "$code" = 200 ] || bad "GET /public/stats?by=$by: $code $(head -c 200 "$T/$1.$by.json")"
    done
}
# same A B: whether every public table of snap A is byte for byte snap B's.
same() {
    local by
    for by in $BYS; do cmp -s "$T/$1.$by.json" "$T/$2.$by.json" || return 1; done
}
total() { jq -r .total "$1"; }
exact_total() {
    curl -s -H "Authorization: Bearer $ADMIN" "$U/api/v1/stats?by=year" | jq -r .total
}

# ---- one period: a write in it changes nothing public ---------------------------
start "$T/every1.conf" "$NOW" || { finish snapshots; exit 1; }
snap before
live_before=$(exact_total)
[ "$(total "$T/before.year,race.json")" = "$live_before" ] && ok ||
    bad "as of $NOW everything stored before counts: $(total "$T/before.year,race.json") public, $live_before live"
[ "$(jq -r .as_of "$T/before.year,race.json")" = "$NOW" ] && [ "$(jq -r .next "$T/before.year,race.json")" = "$NEXT" ] &&
    ok || bad "as_of and next: $(jq -c '{as_of, next}' "$T/before.year,race.json"), expected $NOW and $NEXT"
# A new incident through the API (the finding's probe), a correction of an
# example moving it between cells, and one more through the command line.
sed -e 's/"base-0001"/"snap-new-1"/' -e 's/"female"/"male"/' "$TOP/tests/data/base.json" > "$T/new1.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -X POST \
    --data-binary @"$T/new1.json" "$U/api/v1/incidents")
[ "$code" = 201 ] && ok || bad "POST a new incident: $code $(head -c 200 "$T/body")"
jq -c '.id = "snap-new-2" | .location.state = "TX"' "$TOP/tests/data/base.json" > "$T/new2.json"
"$FW" --db "$DB" add -q "$T/new2.json" && ok || bad "add through the command line"
ex=$(ls "$TOP"/examples/*.json | head -1)
jq -c '.location.state = "AK" | .encounter = "other"' "$ex" > "$T/corrected.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -X POST \
    --data-binary @"$T/corrected.json" "$U/api/v1/incidents")
[ "$code" = 200 ] && ok || bad "POST a correction: $code $(head -c 200 "$T/body")"
snap after
same before after && ok || {
    bad "a write changed the public statistics within one period"
    for by in $BYS; do cmp -s "$T/before.$by.json" "$T/after.$by.json" || echo "  differs: by=$by" >&2; done
}
# Signed-in readers' exact statistics stay live.
[ "$(exact_total)" = $((live_before + 2)) ] && ok || bad "exact stats are not live: $(exact_total), expected $((live_before + 2))"

# ---- deterministic: the same after a restart, and from the command line ---------
start "$T/every1.conf" "$NOW" || { finish snapshots; exit 1; }
snap restarted
same before restarted && ok || bad "a restart changed the public statistics of the same period"
FORCEWATCH_NOW=$NOW "$FW" --db "$DB" stats --public --k 1 --every 1 --by year,race --format json > "$T/cli.json" 2>"$T/err"
[ "$(jq -cS . "$T/cli.json")" = "$(jq -cS . "$T/before.year,race.json")" ] && ok ||
    bad "stats --public differs from GET /public/stats: $(head -c 300 "$T/cli.json") $(cat "$T/err")"
FORCEWATCH_NOW=$NOW "$FW" --db "$DB" stats --public --every 1 --by state 2>"$T/err" >/dev/null
grep -qF "as of $NOW (the next at $NEXT)" "$T/err" && ok || bad "stats --public says as of when: $(cat "$T/err")"

# ---- the boundary passes: the writes count --------------------------------------
start "$T/every1.conf" "$TOMORROW" || { finish snapshots; exit 1; }
snap tomorrow
[ "$(total "$T/tomorrow.year,race.json")" = $((live_before + 2)) ] && ok ||
    bad "after the boundary the new incidents count: $(total "$T/tomorrow.year,race.json"), expected $((live_before + 2))"
same before tomorrow && bad "after the boundary the public statistics did not change" || ok
for by in sex,armed state,force_kind; do
    cmp -s "$T/before.$by.json" "$T/tomorrow.$by.json" && bad "by=$by: the new incidents do not count" || ok
done
grep -q '"state":"AK"' "$T/tomorrow.state,force_kind.json" && ok || bad "the correction to AK does not count"
grep -q '"state":"AK"' "$T/before.state,force_kind.json" && bad "AK counted before the correction" || ok

# ---- the default schedule: daily, as of 00:00 UTC -------------------------------
start "$T/daily.conf" "$NOW" || { finish snapshots; exit 1; }
curl -s -o "$T/daily.json" "$U/public/stats?by=year"
[ "$(jq -r .as_of "$T/daily.json")" = "$TODAY0" ] && [ "$(jq -r .next "$T/daily.json")" = "$DAY_AFTER0" ] &&
    ok || bad "daily as_of and next: $(jq -c '{as_of, next}' "$T/daily.json"), expected $TODAY0 and $DAY_AFTER0"
# Everything here was stored today, after 00:00: none of it is published yet.
[ "$(total "$T/daily.json")" = 0 ] && ok || bad "daily: today's records are published today: $(head -c 200 "$T/daily.json")"
start "$T/daily.conf" "$TOMORROW" || { finish snapshots; exit 1; }
curl -s -o "$T/daily2.json" "$U/public/stats?by=year"
[ "$(total "$T/daily2.json")" = $((live_before + 2)) ] && ok || bad "daily: yesterday's records count: $(head -c 200 "$T/daily2.json")"
kill "$pid"; wait "$pid" 2>/dev/null; pid=

# ---- an answer is counted once a period and query (the cache) ------------------
# An anonymous request would otherwise cost a live count plus the period's
# writes: the answer is fixed until the next boundary, so the server keeps it
# (forcewatch_public_stats_cache_*), and a request after the boundary moved
# counts afresh.
metric() {
    curl -s -H "Authorization: Bearer $ADMIN" "$U/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}
hits() { metric forcewatch_public_stats_cache_hits_total; }
misses() { metric forcewatch_public_stats_cache_misses_total; }
start "$T/every1.conf" "$NOW" || { finish snapshots; exit 1; }
[ "$(hits)/$(misses)" = 0/0 ] && ok || bad "a new server's cache counts $(hits)/$(misses) hits/misses"
curl -s -o "$T/c1.json" "$U/public/stats?by=year,race"
[ "$(hits)/$(misses)" = 0/1 ] && ok || bad "the first request: $(hits)/$(misses) hits/misses, expected 0/1"
curl -s -o "$T/c2.json" "$U/public/stats?by=year,race"
[ "$(hits)/$(misses)" = 1/1 ] && ok || bad "the second identical request was not a hit: $(hits)/$(misses) hits/misses, expected 1/1"
cmp -s "$T/c1.json" "$T/c2.json" && cmp -s "$T/c1.json" "$T/before.year,race.json" && ok ||
    bad "the kept answer differs: $(head -c 200 "$T/c2.json")"
# Another query is another answer; the same dimensions in another order too.
curl -s -o /dev/null "$U/public/stats?by=race,year"
curl -s -o /dev/null "$U/public/stats?by=year"
[ "$(hits)/$(misses)" = 1/3 ] && ok || bad "other queries: $(hits)/$(misses) hits/misses, expected 1/3"
# A refused query is never kept.
for _ in 1 2; do curl -s -o /dev/null "$U/public/stats?by=year,race,sex"; done
[ "$(misses)" = 5 ] && ok || bad "a refused query was kept: $(misses) misses, expected 5"
# Identical requests that miss together count once.
cpids=
for i in 1 2 3 4 5 6 7 8; do curl -s -o "$T/par.$i.json" "$U/public/stats?by=state,threat" & cpids+=" $!"; done
wait $cpids
[ "$(hits)/$(misses)" = 8/6 ] && ok || bad "8 identical requests at once: $(hits)/$(misses) hits/misses, expected 8/6 (one count)"
for i in 2 3 4 5 6 7 8; do cmp -s "$T/par.1.json" "$T/par.$i.json" || bad "concurrent answer $i differs"; done
grep -q '"as_of"' "$T/par.1.json" && ok || bad "concurrent answer: $(head -c 200 "$T/par.1.json")"
b=$(metric forcewatch_public_stats_cache_bytes)
[ "${b:-0}" -gt 0 ] && ok || bad "forcewatch_public_stats_cache_bytes: '$b'"
# public_stats_cache_bytes = 0 keeps nothing: every request counts, and the
# answer is byte for byte the kept one.
printf 'public_stats_k = 1\npublic_stats_every = 1\npublic_stats_cache_bytes = 0\n' > "$T/nocache.conf"
start "$T/nocache.conf" "$NOW" || { finish snapshots; exit 1; }
curl -s -o "$T/n1.json" "$U/public/stats?by=year,race"
curl -s -o /dev/null "$U/public/stats?by=year,race"
[ "$(hits)/$(misses)" = 0/2 ] && ok || bad "public_stats_cache_bytes = 0: $(hits)/$(misses) hits/misses, expected 0/2"
cmp -s "$T/n1.json" "$T/c1.json" && ok || bad "the uncached answer differs from the kept one"
# The real clock, a period of 2 seconds: two requests in one period, one hit;
# once the boundary moved, a miss with the new as_of.
printf 'public_stats_k = 1\npublic_stats_every = 2\n' > "$T/every2.conf"
start "$T/every2.conf" "" || { finish snapshots; exit 1; }
for _ in 1 2 3; do
    h0=$(hits) m0=$(misses)
    curl -s -o "$T/r1.json" "$U/public/stats?by=sex,armed"
    curl -s -o "$T/r2.json" "$U/public/stats?by=sex,armed"
    [ "$(jq -r .as_of "$T/r1.json")" = "$(jq -r .as_of "$T/r2.json")" ] && break
done
[ "$(jq -r .as_of "$T/r1.json")" = "$(jq -r .as_of "$T/r2.json")" ] &&
    [ "$(hits)/$(misses)" = "$((h0 + 1))/$((m0 + 1))" ] && ok ||
    bad "two requests in one period: $(hits)/$(misses) hits/misses after $h0/$m0"
asof1=$(jq -r .as_of "$T/r1.json")
for _ in $(seq 1 40); do
    [ "$(date -u +%s)" -ge "$(date -u -d "$(jq -r .next "$T/r1.json")" +%s)" ] && break
    sleep 0.1
done
m0=$(misses)
curl -s -o "$T/r3.json" "$U/public/stats?by=sex,armed"
[ "$(jq -r .as_of "$T/r3.json")" != "$asof1" ] && [ "$(misses)" = $((m0 + 1)) ] && ok ||
    bad "after the boundary moved: as_of $(jq -r .as_of "$T/r3.json") (was $asof1), $(misses) misses after $m0"
kill "$pid"; wait "$pid" 2>/dev/null; pid=

# ---- the schedule's setting -----------------------------------------------------
for v in 0 -1 daily 31622401; do
    printf 'public_stats_every = %s\n' "$v" > "$T/bad.conf"
    "$FW" --db "$DB" serve --listen 127.0.0.1:0 --config "$T/bad.conf" >/dev/null 2>&1 &
    bpid=$!
    for _ in $(seq 1 100); do kill -0 "$bpid" 2>/dev/null || break; sleep 0.02; done
    if kill -0 "$bpid" 2>/dev/null; then kill "$bpid"; wait "$bpid" 2>/dev/null; bad "public_stats_every = $v accepted"; else ok; fi
done
"$FW" --db "$DB" stats --public --every weekly --by year >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "every" "$T/err" && ok || bad "--every weekly: $(cat "$T/err")"
"$FW" --db "$DB" stats --every 3600 --by year >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "only with --public" "$T/err" && ok || bad "--every without --public: $(cat "$T/err")"
FORCEWATCH_NOW=$TOMORROW "$FW" --db "$DB" stats --public --every hourly --by year --format json > "$T/h.json" 2>/dev/null
[ "$(jq -r .as_of "$T/h.json")" = "$(date -u -d "$TOMORROW" +%Y-%m-%dT%H:00:00Z)" ] && ok || bad "--every hourly: $(jq -c '{as_of, next}' "$T/h.json")"

finish snapshots
