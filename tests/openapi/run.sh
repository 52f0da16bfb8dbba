#!/usr/bin/env bash
# docs/openapi.yaml parsed and validated by a real OpenAPI parser
# (@apidevtools/swagger-parser, a devDependency of the dashboard in
# web/package.json, installed by `make web`), and its operations and x-roles
# compared with the server's route table (`forcewatch serve --routes`) both
# ways.  A copy with a YAML error and a copy with an invalid operation must be
# refused, so a validator that accepts anything fails here too.
# Prints "openapi: N passed, N failed".
set -u
. tests/lib.sh

SPEC="$TOP/docs/openapi.yaml"
PKG="$TOP/web/package.json"
validate() { node "$TOP/tests/openapi/validate.mjs" "$1" "$PKG"; }

if [ ! -d "$TOP/web/node_modules/@apidevtools/swagger-parser" ]; then
    bad "web/node_modules lacks @apidevtools/swagger-parser (run make web)"
    finish openapi
    exit 1
fi

# ---- the document is valid OpenAPI -------------------------------------------------
if validate "$SPEC" > "$T/documented" 2> "$T/err"; then ok; else bad "docs/openapi.yaml is not valid: $(cat "$T/err")"; fi
[ -s "$T/documented" ] && ok || bad "the parser found no operations"

# ---- ... and documents exactly the served routes, with their roles -----------------
"$FW" serve --routes | awk '{ print $1, $2, $3 }' | sort > "$T/served"
sort "$T/documented" > "$T/documented.sorted"
if cmp -s "$T/served" "$T/documented.sorted"; then ok; else
    bad "served and documented routes or roles differ: $(diff "$T/served" "$T/documented.sorted" | tr '\n' ' ')"
fi
[ "$(wc -l < "$T/served")" -gt 20 ] && ok || bad "the route table looks empty"

# ---- the validator refuses what it should ------------------------------------------
# (copies beside the schema the document refers to)
cp "$TOP/docs/incident.schema.json" "$T/"
# The kind of YAML error issue 12 found: ": " inside a plain scalar.
sed 's/^\(  \/healthz:\)$/\1\n    description: Body `{"a": "b"}`; c/' "$SPEC" > "$T/yaml-error.yaml"
if validate "$T/yaml-error.yaml" > /dev/null 2> "$T/err"; then bad "a YAML error was accepted"; else ok; fi
# A parameter in a place OpenAPI does not know is not OpenAPI.
awk '{ print } /^  \/healthz:$/ { print "    put:"; print "      parameters:"; print "        - {name: x, in: nowhere, schema: {type: string}}"; print "      responses:"; print "        \"200\": {description: ok}" }' "$SPEC" > "$T/bad-param.yaml"
if validate "$T/bad-param.yaml" > /dev/null 2> "$T/err"; then bad "a parameter in: nowhere was accepted"; else ok; fi
# A documented route the server does not serve is told apart.
awk '{ print } /^paths:$/ { print "  /api/v1/nowhere:"; print "    get:"; print "      x-roles: [admin]"; print "      responses:"; print "        \"200\": {description: ok}" }' "$SPEC" > "$T/extra.yaml"
validate "$T/extra.yaml" 2> "$T/err" | sort > "$T/extra"
grep -q '^GET /api/v1/nowhere admin$' "$T/extra" && ok || bad "the added route was not parsed: $(cat "$T/err")"
cmp -s "$T/served" "$T/extra" && bad "a route the server does not serve went unnoticed" || ok

finish openapi
