#!/usr/bin/env bash
# Browser tests of the dashboard (tests/web/*.test.mjs, node's test runner,
# playwright-core driving /usr/bin/chromium) against $FW, which the tests
# start themselves.  Needs `make web` (web/dist and web/node_modules).
# Prints "web: N passed, N failed".
set -u
. tests/lib.sh
if [ ! -f "$TOP/web/dist/index.html" ] || [ ! -d "$TOP/web/node_modules/playwright-core" ]; then
    echo "web: the dashboard is not built (make web)"; echo "web: 0 passed, 1 failed"; exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
    echo "web: /usr/bin/chromium is missing (scripts/install-deps)"; echo "web: 0 passed, 1 failed"; exit 1
fi
FW="$FW" node --test --test-reporter=tap "$TOP"/tests/web/*.test.mjs > "$T/tap" 2>&1
cat "$T/tap"
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$T/tap")
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$T/tap")
pass=${pass:-0} fail=${fail:-1}
finish web
