#!/usr/bin/env bash
# The server side of the dashboard, on a real server with its own web_dir:
# static files with their types, caching and CSP; traversal, hidden files,
# symbolic links, directories and oversized files refused; the API routes
# the dashboard added (policies, findings computed without storing, the
# review queue with deadlines) with their role rules.
# Prints "dashboard: N passed, N failed".
set -u
. tests/lib.sh

DB="$T/dash.db"
"$FW" --db "$DB" init >/dev/null 2>&1
"$FW" --db "$DB" add "$TOP/examples/agencies.jsonl" "$TOP/examples/officers.jsonl" "$TOP"/examples/*.json >/dev/null 2>&1
for role in admin analyst officer auditor; do
    extra=; [ "$role" = officer ] && extra="--officer ice-ero-stp:o-101"
    "$FW" --db "$DB" user add "u-$role" --role "$role" $extra >/dev/null 2>&1
    "$FW" --db "$DB" token create "u-$role" > "$T/token-$role"
done
"$FW" --db "$DB" user add u-local --role supervisor --agency metro-pd >/dev/null 2>&1
"$FW" --db "$DB" token create u-local > "$T/token-local"

# A web directory of our own: an index, a hashed bundle, a hidden file,
# symbolic links out of it (to a file, to a directory), a file over the size
# bound, a file of no served type.
W="$T/www"
mkdir -p "$W/sub" "$W/.hidden"
printf '<!doctype html><title>t</title>' > "$W/index.html"
printf 'export{};' > "$W/app-ABCDEFGH.js"
printf 'body{}' > "$W/sub/plain.css"
printf 'secret' > "$W/.hidden/x.js"
printf 'secret' > "$T/outside.js"
ln -s "$T/outside.js" "$W/link.js"
mkdir -p "$T/outdir" && printf 'secret' > "$T/outdir/y.js"
ln -s "$T/outdir" "$W/linkdir"
head -c $((8 * 1024 * 1024 + 1)) /dev/zero > "$W/big.js"
printf 'x' > "$W/run.sh"
printf 'web_dir = %s\n' "$W" > "$T/web.conf"
rm -f "$T/port"
"$FW" --db "$DB" serve --listen 127.0.0.1:0 --port-file "$T/port" --config "$T/web.conf" 2>>"$T/serve.log" &
pid=$!
for _ in $(seq 1 500); do [ -s "$T/port" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
[ -s "$T/port" ] || { cat "$T/serve.log"; echo "dashboard: 0 passed, 1 failed"; exit 1; }
U="http://127.0.0.1:$(cat "$T/port")"
curl -s --retry 20 --retry-connrefused --retry-delay 0 -o /dev/null "$U/healthz"

# get PATH: status in $code, headers in $T/h, body in $T/body (the path sent as is).
get() { code=$(curl -s --path-as-is -D "$T/h" -o "$T/body" -w '%{http_code}' "$@"); }
header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }
expect() { if [ "$code" = "$1" ]; then ok; else bad "$2: status $code, expected $1: $(head -c 200 "$T/body")"; fi; }

# ---- static files ------------------------------------------------------------------
get "$U/"
expect 200 "the index"
[ "$(header Content-Type)" = "text/html; charset=utf-8" ] && ok || bad "index type: $(header Content-Type)"
[ "$(header Cache-Control)" = "no-cache" ] && ok || bad "index caching: $(header Cache-Control)"
header Content-Security-Policy | grep -q "default-src 'none'; script-src 'self'" && ok || bad "no CSP on the index"
cmp -s "$T/body" "$W/index.html" && ok || bad "the index's bytes differ"
get "$U/app-ABCDEFGH.js"
expect 200 "a hashed bundle"
[ "$(header Content-Type)" = "text/javascript; charset=utf-8" ] && ok || bad "bundle type: $(header Content-Type)"
header Cache-Control | grep -q 'immutable' && ok || bad "a hashed bundle is not cached for good: $(header Cache-Control)"
get "$U/sub/plain.css"
expect 200 "a file in a subdirectory"
[ "$(header Content-Type)" = "text/css; charset=utf-8" ] && ok || bad "css type: $(header Content-Type)"
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$U/sub/plain.css")
expect 200 "HEAD of a file"
get -X POST "$U/index.html"
[ "$code" = 404 ] && ok || bad "POST to a file: $code"

# Traversal and everything else that is not a file of the directory: 404 JSON.
for path in '/../outside.js' '/sub/../../outside.js' '/%2e%2e/outside.js' '/sub/%2e%2e/%2e%2e/outside.js' \
            '/..%2foutside.js' '/.hidden/x.js' '/%2ehidden/x.js' '//etc/passwd' '/link.js' '/linkdir/y.js' '/big.js' \
            '/run.sh' '/sub' '/sub/' '/sub\..\index.html' '/api/v1/nothing' '/nothing.js'; do
    get "$U$path"
    if [ "$code" = 404 ] && ! grep -q secret "$T/body" && grep -q '"error"' "$T/body"; then ok
    else bad "$path: status $code: $(head -c 120 "$T/body")"; fi
done
# The API keeps its answers: a missing route under /api/ is the API's 404.
get "$U/api/v1/incidents"
expect 401 "the API behind the files"

# No web_dir: no files.
printf 'web_dir =\n' > "$T/noweb.conf"
"$FW" --db "$DB" serve --config "$T/noweb.conf" --config-keys > /dev/null && ok || bad "config-keys with an empty web_dir"
printf 'web_dir = %0600d\n' 0 > "$T/long.conf"
"$FW" --db "$DB" serve --listen 127.0.0.1:0 --config "$T/long.conf" > /dev/null 2> "$T/long.err" &&
    bad "a web_dir longer than its buffer was taken" || { grep -q 'web_dir: value too long' "$T/long.err" && ok || bad "long web_dir: $(cat "$T/long.err")"; }

# ---- the dashboard's API routes ------------------------------------------------------------
ADMIN=$(cat "$T/token-admin")
api() { code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" "${@:2}"); }
jq_() { python3 -c "import json,sys; d=json.load(open('$T/body')); print($1)"; }

api "$ADMIN" "$U/api/v1/policies"
expect 200 "policies"
[ "$(jq_ '",".join(sorted(p["version"] for p in d["policies"]))')" = "$(cd "$TOP/policies" && ls *.policy | sed 's/\.policy$//' | sort | paste -sd,)" ] && ok ||
    bad "policies listed differ from policies/: $(head -c 300 "$T/body")"
api "$(cat "$T/token-analyst")" "$U/api/v1/policies"; expect 200 "analysts list policies"
api "$(cat "$T/token-officer")" "$U/api/v1/policies"; expect 403 "officers do not list policies"
code=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/policies"); expect 401 "the public does not list policies"

before=$(curl -s "$U/api/v1/log/checkpoint" | sed -n 2p)
api "$ADMIN" "$U/api/v1/incidents/demo-0007/findings"
expect 200 "findings of demo-0007"
[ "$(jq_ '[(a["account"], a["outcome"]) for r in d["reviews"] if r["policy"] == "dhs-2023" for a in r["applications"]]')" = "[('agency', 'within'), ('video', 'out')]" ] && ok ||
    bad "dhs-2023 findings per account: $(head -c 300 "$T/body")"
jq_ '[x["fact"] for r in d["reviews"] if r["policy"] == "dhs-2023" for x in r["decisive"]]' | grep -q "'vehicle.toward_officer'" && ok ||
    bad "the decisive fact is missing"
[ "$(curl -s "$U/api/v1/log/checkpoint" | sed -n 2p)" = "$before" ] && ok || bad "reading findings wrote to the log"
cp "$T/body" "$T/findings.json"
api "$ADMIN" "$U/api/v1/incidents/demo-0007/reviews/dhs-2023"; expect 404 "findings stored no review"
# The same as the command line's review (which stores one).
"$FW" --db "$DB" review demo-0007 --policy dhs-2023 --json > "$T/cli.json" 2>/dev/null
python3 -c "
import json,sys
api=[r for r in json.load(open('$T/findings.json'))['reviews'] if r['policy']=='dhs-2023'][0]
cli=json.load(open('$T/cli.json'))
cli=cli[0] if isinstance(cli,list) else cli
sys.exit(0 if api['applications']==cli['applications'] and api['decisive']==cli['decisive'] else 1)" && ok || bad "findings differ from 'review --json'"
api "$ADMIN" "$U/api/v1/incidents/demo-0007/findings?policy=no-shoot-pledge"
expect 200 "findings under a named policy"
[ "$(jq_ '[r["policy"] for r in d["reviews"]]')" = "['no-shoot-pledge-1']" ] && ok || bad "named policy: $(head -c 200 "$T/body")"
api "$ADMIN" "$U/api/v1/incidents/demo-0007/findings?policy=nope"; expect 400 "an unknown policy"
api "$ADMIN" "$U/api/v1/incidents/nope/findings"; expect 404 "findings of no incident"
api "$(cat "$T/token-analyst")" "$U/api/v1/incidents/demo-0007/findings"; expect 200 "analysts read findings"
api "$(cat "$T/token-officer")" "$U/api/v1/incidents/demo-0007/findings"; expect 403 "officers read no findings"
api "$(cat "$T/token-local")" "$U/api/v1/incidents/demo-0007/findings"; expect 404 "another agency's findings"

# The review queue.
api "$ADMIN" "$U/api/v1/cases"
expect 200 "the queue"
# Every example opens a case but the public record (ex-15, provenance public_record).
n=$(jq -s '[.[] | select((.provenance // "workflow") != "public_record")] | length' "$TOP"/examples/*.json)
[ "$(jq_ 'len(d["cases"])')" = "$n" ] && [ "$(jq_ 'd["more"]')" = False ] && ok || bad "the queue lists $(jq_ 'len(d["cases"])') of $n"
[ "$(jq_ '[c for c in d["cases"] if c["incident"]=="demo-0007"][0]["due"]')" = "2026-01-10T15:37:00Z" ] && ok ||
    bad "demo-0007's deadline: $(jq_ '[c for c in d["cases"] if c["incident"]=="demo-0007"]')"
api "$ADMIN" -X POST -d '{"to":"supervisor_review"}' "$U/api/v1/cases/demo-0007/transitions"; expect 200 "a move"
at=$(jq_ 'd["transitions"][-1]["at"]')
api "$ADMIN" "$U/api/v1/cases?state=supervisor_review"
expect 200 "the queue by state"
[ "$(jq_ '[c["incident"] for c in d["cases"]]')" = "['demo-0007']" ] && ok || bad "supervisor_review queue: $(head -c 300 "$T/body")"
due=$(python3 -c "import datetime as t; print((t.datetime.strptime('$at','%Y-%m-%dT%H:%M:%SZ')+t.timedelta(days=14)).strftime('%Y-%m-%dT%H:%M:%SZ'))")
[ "$(jq_ 'd["cases"][0]["due"]')" = "$due" ] && [ "$(jq_ 'd["cases"][0]["overdue"]')" = False ] && ok || bad "due $due expected: $(head -c 300 "$T/body")"
api "$ADMIN" "$U/api/v1/cases?state=reported"
[ "$(jq_ 'len(d["cases"])')" = "$((n - 1))" ] && ok || bad "reported now lists $(jq_ 'len(d["cases"])')"
api "$ADMIN" "$U/api/v1/cases?state=reported&limit=2"
[ "$(jq_ 'len(d["cases"])')" = 2 ] && [ "$(jq_ 'd["more"]')" = True ] && ok || bad "limit: $(head -c 200 "$T/body")"
api "$ADMIN" "$U/api/v1/cases?state=open"; expect 400 "an unknown state"
grep -q '"field":"state"' "$T/body" && ok || bad "the bad state is not named"
api "$ADMIN" "$U/api/v1/cases?limit=0"; expect 400 "limit 0"
api "$(cat "$T/token-local")" "$U/api/v1/cases"
expect 200 "an agency's queue"
[ "$(jq_ 'sorted(set(c["agency"] for c in d["cases"]))')" = "['metro-pd']" ] && ok || bad "an agency user saw: $(jq_ 'sorted(set(c["agency"] for c in d["cases"]))')"
api "$(cat "$T/token-analyst")" "$U/api/v1/cases"; expect 403 "analysts see no queue"
api "$(cat "$T/token-auditor")" "$U/api/v1/cases"; expect 200 "auditors see the queue"

kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=
# Long after the deadlines, every open case is overdue.
serve_start "$DB" FORCEWATCH_NOW=2030-01-01T00:00:00Z || { echo "dashboard: the server did not start"; finish dashboard; exit 1; }
api "$ADMIN" "$U/api/v1/cases"
[ "$(jq_ 'all(c["overdue"] for c in d["cases"])')" = True ] && ok || bad "not all overdue in 2030"

finish dashboard
