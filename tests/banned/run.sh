#!/usr/bin/env bash
# The banned-functions header (lib/base/banned.h) is enforced: every .c file
# under lib/ and src/ includes it as its last #include, and a file that calls
# a banned function does not compile (while the same file calling the
# replacement does, so the failure is the ban and not the test).
# Prints "banned: N passed, N failed".
set -u
. tests/lib.sh
CC=${CC:-cc}

# 1. Included last in every .c file.
for f in lib/*/*.c src/*/*.c; do
    last=$(grep -n '^[[:space:]]*#[[:space:]]*include' "$f" | tail -1)
    case "$last" in
    *'"base/banned.h"'*) ok ;;
    *) bad "$f: the last #include is not \"base/banned.h\" (${last:-no #include})" ;;
    esac
done

# 2. A banned call is a compile error; the allowed replacement is not.
CFLAGS_T="-std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -Ilib -c -o $T/out.o"
try() {   # try NAME BODY: compile a function whose body is BODY
    cat > "$T/$1.c" <<EOC
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

int probe(char *dst, size_t n, const char *src, va_list ap);
int probe(char *dst, size_t n, const char *src, va_list ap)
{
    time_t t = 0;
    struct tm tm;
    char *save = NULL;
    (void)n; (void)src; (void)ap; (void)t; (void)tm; (void)save;
    $2;
    return 0;
}
EOC
    $CC $CFLAGS_T "$T/$1.c" >"$T/$1.log" 2>&1
}
if try allowed 'snprintf(dst, n, "%s", src); vsnprintf(dst, n, "%s", ap); (void)strtok_r(dst, ",", &save); (void)gmtime_r(&t, &tm); (void)localtime_r(&t, &tm)'; then
    ok
else
    bad "the allowed replacements do not compile with banned.h:"; cat "$T/allowed.log" >&2
fi
for call in 'strcpy(dst, src)' 'strcat(dst, src)' 'strncpy(dst, src, n)' 'strncat(dst, src, n)' \
            'sprintf(dst, "%s", src)' 'vsprintf(dst, "%s", ap)' 'strtok(dst, ",")' \
            'gmtime(&t)' 'localtime(&t)' 'ctime(&t)' 'asctime(&tm)'; do
    name=${call%%(*}
    if try "$name" "(void)$call"; then
        bad "$name compiles although banned"
    elif grep -q "sorry_${name}_is_a_banned_function" "$T/$name.log"; then
        ok
    else
        bad "$name fails to compile but not because of the ban:"; cat "$T/$name.log" >&2
    fi
done

finish banned
