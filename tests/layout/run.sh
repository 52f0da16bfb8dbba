#!/usr/bin/env bash
# Layout tests: the floor plan of docs/architecture.md holds in the code.
# - lib/ never includes src/ (nor climbs out with "../");
# - every #include of lib/, src/ and include/ goes to a folder the include
#   table allows (read from docs/architecture.md, between the layout:includes
#   markers: never copied here), and every folder is in the table;
# - the pure files (the layout:pure list) reach no store header, even
#   through other headers, and their objects call no I/O (nm);
# - no object of lib/ prints or exits (nm);
# - no file refers to a design file outside the repository (DESIGN.md,
#   POLICY-SOURCES.md) or to ../shared, except the tests reading the public
#   datasets from ../shared/datasets;
# - no C file is over 1,200 lines.
# Needs the objects of a build ($BUILD/lib/...): run after `make`.
set -u
. tests/lib.sh
BUILD=${BUILD:-build}
DOC=docs/architecture.md
MAX_LINES=1200

# ---- the tables of docs/architecture.md ------------------------------------
[ -f "$DOC" ] || { bad "$DOC is missing"; finish layout; exit; }
# section NAME: the lines between <!-- layout:NAME --> and <!-- /layout:NAME -->,
# without code fences, blank lines and '#' comments
section() {
    awk -v open="<!-- layout:$1 -->" -v shut="<!-- /layout:$1 -->" '
        index($0, shut) { on = 0 } on && !/^```/ && !/^[ \t]*(#.*)?$/ { print } index($0, open) { on = 1 }' "$DOC"
}
declare -A allowed=()
while IFS= read -r line; do
    if [[ $line =~ ^[[:space:]]*([a-z_/]+):([a-z_ ]*)$ ]]; then
        allowed[${BASH_REMATCH[1]}]=" ${BASH_REMATCH[2]} "
    else
        bad "$DOC: include table: cannot read '$line' (expected 'lib/record: base')"
    fi
done < <(section includes)
[ "${#allowed[@]}" -gt 0 ] || bad "$DOC: no include table between <!-- layout:includes --> and <!-- /layout:includes -->"
mapfile -t pure_globs < <(section pure | sed 's/^[[:space:]-]*//; s/`//g; s/[[:space:]].*//')
[ "${#pure_globs[@]}" -gt 0 ] || bad "$DOC: no pure list between <!-- layout:pure --> and <!-- /layout:pure -->"

# Every folder of lib/ and src/ (and include/) has a line, and every line a folder.
for d in lib/*/ src/*/ include/; do
    d=${d%/}
    [ -n "${allowed[$d]+x}" ] && ok || bad "$DOC: folder $d is not in the include table"
done
for d in "${!allowed[@]}"; do
    [ -d "$d" ] && ok || bad "$DOC: include table names $d, which does not exist"
done

# ---- includes ------------------------------------------------------------------
# resolve FILE HEADER: the repository path of a quoted include, as the build finds it
# (the file's own folder, then -Iinclude, -Ilib, and -Isrc for src/); empty if none.
resolve() {
    local dir h=$2
    dir=$(dirname "$1")
    if [ -f "$dir/$h" ]; then echo "$dir/$h"
    elif [ -f "include/$h" ]; then echo "include/$h"
    elif [ -f "lib/$h" ]; then echo "lib/$h"
    elif [ -f "src/$h" ]; then echo "src/$h"
    fi
}
includes() { sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1"; }
# the name a folder is included by: lib/store -> store, src/cli -> cli, include -> include
name_of() { case $1 in lib/* | src/*) echo "${1#*/}" ;; *) echo "$1" ;; esac; }

declare -A resolved=()   # FILE -> its resolved headers, one per line
for f in $(find lib src include -name '*.[ch]' | sort); do
    d=$(dirname "$f")
    out=
    while IFS= read -r h; do
        [ -n "$h" ] || continue
        case $h in
            ../* | */../*) bad "$f: #include \"$h\" climbs out of its folder"; continue ;;
        esac
        r=$(resolve "$f" "$h")
        if [ -z "$r" ]; then bad "$f: #include \"$h\": no such header in the repository"; continue; fi
        out+="$r"$'\n'
        td=$(dirname "$r")
        if [[ $f == lib/* && $td == src/* ]]; then
            bad "$f: the library includes the front-end header $r"
        elif [ "$td" != "$d" ] && [[ ${allowed[$d]-} != *" $(name_of "$td") "* ]]; then
            bad "$f: #include \"$h\": $d may not include $td (see the include table in $DOC)"
        else
            ok
        fi
    done < <(includes "$f")
    resolved[$f]=$out
done

# reaches FILE: every header FILE includes, directly or through other headers
reaches() {
    local -A seen=()
    local todo=("$1") f h
    while [ "${#todo[@]}" -gt 0 ]; do
        f=${todo[0]}
        todo=("${todo[@]:1}")
        while IFS= read -r h; do
            [ -n "$h" ] && [ -z "${seen[$h]+x}" ] || continue
            seen[$h]=1
            echo "$h"
            todo+=("$h")
        done <<< "${resolved[$f]-}"
    done
}

# ---- pure files: no store, no I/O ------------------------------------------------
IO_SYMS='open|openat|creat|fopen|fdopen|freopen|tmpfile|mkstemp|close|fclose|read|pread|readv|fread|write|pwrite|writev|fwrite|fgets|fgetc|getc|getchar|gets|getline|getdelim|ungetc|fputs|fputc|putc|putchar|puts|printf|fprintf|dprintf|vprintf|vfprintf|vdprintf|scanf|fscanf|vscanf|vfscanf|perror|fflush|fseek|fseeko|ftell|ftello|rewind|fileno|setvbuf|stat|fstat|lstat|fstatat|access|faccessat|unlink|unlinkat|rename|renameat|mkdir|rmdir|opendir|fdopendir|readdir|closedir|mmap|munmap|fsync|fdatasync|ftruncate|truncate|ioctl|fcntl|dup|dup2|pipe|socket|connect|accept|accept4|bind|listen|send|sendto|sendmsg|recv|recvfrom|recvmsg|poll|select|epoll_wait|system|popen|pclose|fork|execve|execvp|syslog|stdin|stdout|stderr|sqlite3_.*|MHD_.*'
PRINT_EXIT_SYMS='printf|fprintf|dprintf|vprintf|vfprintf|vdprintf|puts|putchar|perror|psignal|psiginfo|err|errx|verr|verrx|warn|warnx|vwarn|vwarnx|error|error_at_line|syslog|vsyslog|stdout|stderr|exit|_exit|_Exit|quick_exit|abort'
# calls OBJECT REGEX: the object's undefined symbols that are REGEX, with glibc's
# fortified (__printf_chk), large-file (open64) and ISO C99 (__isoc99_) spellings
calls() {
    nm -u "$1" 2>/dev/null | awk '{ print $NF }' | sed 's/@.*//' |
        awk -v re="^($2)$" '{ s = $0; sub(/^__isoc99_/, "", s); sub(/^__/, "", s); sub(/_chk$/, "", s);
                              sub(/64$/, "", s); if (s ~ re) print $0 }' | sort -u | tr '\n' ' '
}
npure=0
for g in "${pure_globs[@]}"; do
    matched=0
    for f in $g; do
        [ -f "$f" ] || continue
        matched=1 npure=$((npure + 1))
        case $f in
            lib/*.c) ;;
            *) bad "$DOC: pure list: $f is not a .c file of lib/"; continue ;;
        esac
        store=$(reaches "$f" | grep '^lib/store/' | tr '\n' ' ')
        [ -z "$store" ] && ok || bad "$f is pure but reaches the store: $store"
        o=$BUILD/${f%.c}.o
        if [ ! -f "$o" ]; then bad "$o not built: run make first"; continue; fi
        io=$(calls "$o" "$IO_SYMS")
        [ -z "$io" ] && ok || bad "$f is pure but calls I/O: $io"
    done
    [ "$matched" = 1 ] || bad "$DOC: pure list: '$g' names no file (moved or renamed? update the list)"
done
[ "$npure" -gt 0 ] || bad "no pure files checked"

# ---- the library never prints, never exits -------------------------------------
nobj=0
for f in $(find lib -name '*.c' | sort); do
    o=$BUILD/${f%.c}.o
    if [ ! -f "$o" ]; then bad "$o not built: run make first"; continue; fi
    nobj=$((nobj + 1))
    pe=$(calls "$o" "$PRINT_EXIT_SYMS")
    [ -z "$pe" ] && ok || bad "$f: library code prints or exits: $pe"
done
[ "$nobj" -gt 0 ] || bad "no library objects found under $BUILD/lib"

# ---- nothing refers to files outside the repository ---------------------------------
# Every file of the working tree (tracked or not, ignored ones left out) but this suite.
if git rev-parse --show-toplevel >/dev/null 2>&1; then
    files() { git ls-files -z --cached --others --exclude-standard | tr '\0' '\n'; }
else
    files() { find . -type f -not -path './.git/*' -not -path './web/node_modules/*' -not -path './build*' | sed 's|^\./||'; }
fi
files | grep -v '^tests/layout/' | while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done > "$T/files"
while IFS=: read -r f n text; do
    if [[ ($f == tests/* || $f == Makefile) && $text == *../shared/datasets* && $text != *DESIGN* && $text != *POLICY-SOURCES* ]]; then
        ok   # the published datasets the tests and `make run` read, when present beside a clone
    elif [[ $text == *DESIGN* || $text == *POLICY-SOURCES* ]]; then
        bad "$f:$n: refers to a design file outside the repository: $text"
    else
        bad "$f:$n: refers to ../shared, outside the repository: $text"
    fi
done < <(tr '\n' '\0' < "$T/files" | xargs -0 grep -nI -e 'DESIGN\.md' -e 'POLICY-SOURCES' -e '\.\./shared' /dev/null)

# ---- no C file over 1,200 lines ----------------------------------------------------
grep -E '\.[ch]$' "$T/files" | while IFS= read -r f; do
    n=$(wc -l < "$f")
    [ "$n" -le "$MAX_LINES" ] || echo "$n $f"
done > "$T/long"
while read -r n f; do
    bad "$f: $n lines, over $MAX_LINES"
done < "$T/long"
ok

finish layout
