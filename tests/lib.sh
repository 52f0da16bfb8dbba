# Shared by the shell test suites (tests/NAME/run.sh): the binary, a temporary
# directory removed on exit, pass/fail counting, and a server started on a
# free port with its /healthz polled (no fixed ports, no fixed sleeps).
# Source it, then call serve_start DB [ENV=VALUE...] and finish NAME.
FW=${FW:-./forcewatch}
FW=$(cd "$(dirname "$FW")" && pwd)/$(basename "$FW")
TOP=$(pwd)
T=$(mktemp -d)
pass=0 fail=0
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# serve_start DB [ENV=VALUE...]: serve DB on 127.0.0.1:0; sets pid and U.
# Server diagnostics go to $T/serve.log.  Returns 1 if it did not start.
serve_start() {
    local db=$1
    shift
    rm -f "$T/port"
    env "$@" "$FW" --db "$db" serve --listen 127.0.0.1:0 --port-file "$T/port" 2>>"$T/serve.log" &
    pid=$!
    for _ in $(seq 1 500); do
        [ -s "$T/port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    [ -s "$T/port" ] || return 1
    U="http://127.0.0.1:$(cat "$T/port")"
    curl -s --retry 20 --retry-connrefused --retry-delay 0 -o /dev/null "$U/healthz"
}

# finish NAME: the closing line tests/run reads, and the exit status.
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
