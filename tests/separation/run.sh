#!/usr/bin/env bash
# Separation of duties and consequences in the review workflow (issue 13,
# points 6 and 7): each move refused for the wrong role; one person cannot
# take a case from investigation through board review, two people can;
# cases assigned to named investigators, the queue filtered by assignee with
# each stage's deadline; a closed case reopened only with a reason, as a
# logged version; closing out_of_policy needs the action per officer, and
# the no-action count counts "none" and not "suspension".  Through the API
# (the server's users and roles) and the CLI (--actor and --role).
set -u
. tests/lib.sh
export FORCEWATCH_ACTOR=separation-test
unset FORCEWATCH_DB
NOW=2030-01-01T00:00:00Z

# same GOT WANT DESCRIPTION
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }

DB="$T/s.db"
fw() { "$FW" --db "$DB" "$@"; }
fw init >/dev/null 2>&1
# The examples link their officers to the registry: its records first.
fw add examples/agencies.jsonl examples/officers.jsonl >/dev/null 2>&1 || bad "add the agencies and officers"
for n in 04-force-on-restrained-subject 06-chokehold 01-vehicle-stop-disputed; do
    fw add "examples/$n.json" >/dev/null 2>&1 || bad "add $n"
done
# Two more copies of the restrained-subject incident, for independent cases.
for id in sep-a sep-b sep-c; do
    jq --arg id "$id" '.id = $id | .sources = [$id]' examples/04-force-on-restrained-subject.json > "$T/$id.json"
    fw add "$T/$id.json" >/dev/null 2>&1 || bad "add $id"
done
for u in sup:supervisor ivy:investigator ivan:investigator bo:board bea:board adm:admin adm2:admin \
         aud:auditor ana:analyst; do
    fw user add "${u%%:*}" --role "${u#*:}" >/dev/null 2>&1 || bad "user add $u"
    eval "TOK_${u%%:*}=$(fw token create "${u%%:*}")"
done
serve_start "$DB" FORCEWATCH_NOW=$NOW ||
    { echo "separation: the server did not start"; cat "$T/serve.log"; echo "separation: 0 passed, 1 failed"; exit 1; }

# move USER CASE JSON: POST a transition; the status in $code, the body in $T/body
move() {
    code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $(eval echo "\$TOK_$1")" \
        -H 'Content-Type: application/json' -X POST -d "$3" "$U/api/v1/cases/$2/transitions")
}
assign() {
    code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $(eval echo "\$TOK_$1")" \
        -H 'Content-Type: application/json' -X POST -d "{\"assignee\":\"$3\"}" "$U/api/v1/cases/$2/assignment")
}
get() { curl -s -H "Authorization: Bearer $(eval echo "\$TOK_$1")" "$U$2"; }
status() { get adm "/api/v1/cases/$1" | jq -r .state; }
# expect CODE DESCRIPTION [ERROR-CODE]
expect() {
    same "$code" "$1" "$2"
    [ -z "${3:-}" ] || same "$(jq -r .error "$T/body" 2>/dev/null || jq -r .code "$T/body")" "$3" "$2: the error code"
}
errcode() { jq -r '.code // .error.code // .error // empty' "$T/body" | head -1; }

C=ex-04-restrained
# ---- each move refused for the wrong role ----------------------------------------
for u in ivy bo aud ana; do
    move $u $C '{"to":"supervisor_review"}'
    [ "$code" = 403 ] && ok || bad "$u took a case up: $code"
done
same "$(status $C)" reported "refused moves changed nothing"
grep -q 'reserved for supervisor or admin, not board' <(move bo $C '{"to":"supervisor_review"}'; cat "$T/body") && ok ||
    bad "the refusal names the roles: $(cat "$T/body")"
move sup $C '{"to":"supervisor_review"}'; same "$code" 200 "a supervisor takes a case up"
move ivy $C '{"to":"investigation"}'; same "$code" 403 "an investigator cannot send a case to investigation"
move bo $C '{"to":"investigation"}'; same "$code" 403 "the board cannot send a case to investigation"
move sup $C '{"to":"investigation"}'; same "$code" 200 "a supervisor sends it to investigation"

# ---- assignment, the queue by assignee, deadlines per stage ------------------------
assign ivy $C ivan; same "$code" 403 "an investigator cannot assign"
assign sup $C bo; same "$code" 409 "only an investigator can be assigned"
same "$(jq -r .field "$T/body" 2>/dev/null)" assignee "the refusal names assignee"
assign sup $C nobody; same "$code" 409 "an unknown user cannot be assigned"
assign sup $C ivy; same "$code" 200 "a supervisor assigns an investigator"
same "$(jq -r '.assignee + " " + .state + " " + .due' "$T/body")" "ivy investigation 2030-04-01T00:00:00Z" \
    "the assigned case shows its assignee and the investigation deadline (90 days)"
same "$(jq -r '.transitions[-1] | .assigned + " by " + .by' "$T/body")" "ivy by sup" "the assignment is logged: whom, by whom"
same "$(jq -r '.transitions[-1].at' "$T/body")" "$NOW" "the assignment is logged: when"
same "$(get ivy "/api/v1/cases?assignee=ivy" | jq -r '[.cases[] | .incident + ":" + .due] | join(",")')" \
    "$C:2030-04-01T00:00:00Z" "the queue filtered by assignee, with the deadline"
same "$(get ivy "/api/v1/cases?assignee=ivan" | jq '.cases | length')" 0 "another investigator's queue is empty"
# sep-c waits in reported since 2025: overdue (3 days); the overdue filter finds it.
same "$(get sup "/api/v1/cases?overdue=true&limit=1000" | jq -r '[.cases[] | select(.incident == "sep-c") | .overdue] | join(",")')" \
    true "the queue shows the overdue case"
same "$(get sup "/api/v1/cases?overdue=true&limit=1000" | jq '[.cases[] | select(.overdue != true)] | length')" 0 \
    "the overdue filter shows only overdue cases"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_sup" "$U/api/v1/cases?overdue=maybe")
same "$code" 400 "overdue must be true or false"
same "$(get adm /api/v1/meta | jq -r '.cases.move_roles.investigation.board_review | join(",")')" investigator,admin \
    "/api/v1/meta serves the roles of each move"

# ---- investigation -> board review -> closed ------------------------------------------
move sup $C '{"to":"board_review"}'; same "$code" 403 "a supervisor cannot send a case to the board"
move bo $C '{"to":"board_review"}'; same "$code" 403 "the board cannot send a case to itself"
move ivy $C '{"to":"board_review"}'; same "$code" 200 "the investigator sends it to the board"
move ivy $C '{"to":"closed","finding":"within_policy"}'; same "$code" 403 "an investigator cannot close"
move sup $C '{"to":"closed","finding":"within_policy"}'; same "$code" 403 "a supervisor cannot close from board review"
same "$(status $C)" board_review "refused closings changed nothing"

# Consequences: out_of_policy needs the action for the officers' force.
move bo $C '{"to":"closed","finding":"out_of_policy"}'; same "$code" 409 "closing out_of_policy with no consequences"
same "$(jq -r .field "$T/body")" consequences "the refusal names consequences"
move bo $C '{"to":"closed","finding":"out_of_policy","consequences":[{"officer":"o-999","for":"force","action":"none"}]}'
same "$code" 409 "a consequence for an officer not of the incident"
move bo $C '{"to":"closed","finding":"out_of_policy","consequences":[{"officer":"o-403","for":"force","action":"none"}]}'
same "$code" 409 "a consequence for force by an officer who used none"
move bo $C '{"to":"closed","finding":"out_of_policy","consequences":[{"officer":"o-401","for":"force","action":"pay_rise"}]}'
same "$code" 409 "an unknown action"
move bo $C '{"to":"closed","finding":"out_of_policy","consequences":[{"officer":"o-401","for":"force","action":"none"},{"officer":"o-403","for":"failure_to_intervene","action":"none"}]}'
same "$code" 200 "the board closes out_of_policy with no action for o-401"
same "$(jq -r '[.consequences[] | .officer + ":" + .for + ":" + .action] | join(",")' "$T/body")" \
    "o-401:force:none,o-403:failure_to_intervene:none" "the closed case records the consequences"
same "$(status $C)" closed "closed"

# ---- reopen needs a reason, and is a logged version ---------------------------------
n=$(get adm "/api/v1/cases/$C" | jq '.transitions | length')
move bo $C '{"to":"investigation"}'; same "$code" 409 "reopening without a reason"
same "$(jq -r .field "$T/body")" reason "the refusal names reason"
move bo $C "{\"to\":\"investigation\",\"reason\":\"$(head -c 1001 /dev/zero | tr '\0' x)\"}"
same "$code" 409 "a reason over 1000 bytes"
move sup $C '{"to":"investigation","reason":"new video"}'; same "$code" 403 "a supervisor cannot reopen"
same "$(status $C)" closed "refused reopenings changed nothing"
move bea $C '{"to":"investigation","reason":"new video"}'; same "$code" 200 "the board reopens with a reason"
same "$(jq -r '.state + " " + (.finding // "none") + " " + .assignee' "$T/body")" "investigation none ivy" \
    "reopened: back to investigation, the finding dropped, still assigned"
same "$(jq -r '.transitions[-1] | .from + ">" + .to + " " + .reason + " " + .by' "$T/body")" "closed>investigation new video bea" \
    "the reopening is logged with its reason"
same "$(jq '.transitions | length' "$T/body")" $((n + 1)) "one more logged move"
same "$(jq -r '.transitions[-2].consequences[0].action' "$T/body")" none "the earlier closing keeps its consequences"

# ---- one person cannot take a case from investigation through board review --------------
A=sep-a
move adm $A '{"to":"supervisor_review"}'; move adm $A '{"to":"investigation"}'
move adm $A '{"to":"board_review"}'; same "$code" 200 "an admin sends a case to the board"
move adm $A '{"to":"closed","finding":"within_policy"}'
same "$code" 403 "the same admin cannot also close it"
same "$(jq -r .error "$T/body")" separation_of_duties "the refusal names the rule"
grep -q 'separation of duties' "$T/body" && ok || bad "the message names the rule: $(cat "$T/body")"
move adm $A '{"to":"investigation"}'; same "$code" 403 "nor send it back"
same "$(status $A)" board_review "the case did not move"
move adm2 $A '{"to":"closed","finding":"out_of_policy","consequences":[{"officer":"o-401","for":"force","action":"suspension"},{"officer":"o-402","for":"force","action":"retraining"}]}'
same "$code" 200 "another admin closes it"
same "$(get adm "/api/v1/cases/$A" | jq -r '.state + " " + .reviewer')" "closed adm2" "two people took it through"

# ---- no-action statistics --------------------------------------------------------------
# sep-b: out_of_policy, one officer suspended, the other's force answered "none".
B=sep-b
move sup $B '{"to":"supervisor_review"}'; move sup $B '{"to":"investigation"}'; assign sup $B ivan
move ivan $B '{"to":"board_review"}'
move bo $B '{"to":"closed","finding":"out_of_policy","consequences":[{"officer":"o-401","for":"force","action":"suspension"},{"officer":"o-402","for":"force","action":"none"},{"officer":"o-403","for":"failure_to_report","action":"counselling"}]}'
same "$code" 200 "close sep-b"
get aud /api/v1/stats/consequences > "$T/stats.json"
same "$(jq -r '[.closed, .out_of_policy, .out_of_policy_no_action, .officers_out_of_policy, .officers_no_action, .duty_failures, .duty_failures_no_action] | map(tostring) | join(",")' "$T/stats.json")" \
    "2,2,1,4,1,1,0" "stats: sep-a (suspension, retraining) not counted as no action; sep-b's 'none' is"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_ana" "$U/api/v1/stats/consequences")
same "$code" 403 "an analyst cannot read the exact no-action counts"
code=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/stats/consequences")
same "$code" 401 "nor the public"
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=

# ---- the CLI: the same rules, --actor and --role -------------------------------------
D=ex-06-chokehold
fw case move $D supervisor_review --now "$NOW" >/dev/null 2>&1 || bad "cli: take up"
fw case move $D investigation --now "$NOW" >/dev/null 2>&1 || bad "cli: to investigation"
if fw --actor ivy case move $D investigation --role board >/dev/null 2>"$T/err"; then bad "cli: --role overrode a stored user's role"; else ok; fi
fw --actor carl case move $D board_review --role investigator --now "$NOW" >/dev/null 2>&1 || bad "cli: carl investigates"
fw --actor carl case move $D closed --role board --finding within_policy >/dev/null 2>"$T/err"
same "$?" 3 "cli: the same person cannot close what they investigated"
grep -q 'separation of duties' "$T/err" && ok || bad "cli: the message names the rule: $(cat "$T/err")"
same "$(fw case show $D | jq -r .state)" board_review "cli: the refused closing changed nothing"
fw --actor dora case move $D closed --role investigator --finding within_policy >/dev/null 2>"$T/err"
same "$?" 3 "cli: the wrong role is refused"
fw --actor dora case move $D closed --role board --finding out_of_policy --consequence 'o-601:force' >/dev/null 2>&1
same "$?" 2 "cli: a malformed --consequence"
fw --actor dora case move $D closed --role board --finding out_of_policy --consequence o-601:force:termination >/dev/null 2>&1
same "$?" 0 "cli: another person closes it with a consequence"
same "$(fw case show $D | jq -r '.consequences[0].action')" termination "cli: the consequence is stored"
same "$(fw case show $D | jq -r '.consequences[0].officer + " " + .consequences[0].registry')" "o-601 metro-pd:o-601" \
    "cli: the consequence names the registry officer the label is linked to"
fw --actor dora case move $D investigation --role board >/dev/null 2>"$T/err"
same "$?" 3 "cli: reopening needs --reason"
fw --actor dora case move $D investigation --role board --reason "complaint upheld on appeal" --now "$NOW" >/dev/null 2>&1
same "$?" 0 "cli: reopened with a reason"
fw case assign $D ivan --now "$NOW" >/dev/null 2>&1 || bad "cli: assign"
# The assignee must be able to write the incident, from the command line too.
fw user add ivo --role investigator --agency county-so >/dev/null 2>&1 || bad "user add ivo"
fw case assign $D ivo --now "$NOW" >/dev/null 2>"$T/err"
same "$?" 3 "cli: an investigator of another agency cannot be assigned"
grep -q "assignee: ivo may not write incident $D" "$T/err" && ok || bad "cli: the refusal says why: $(cat "$T/err")"
same "$(fw case list --assignee ivan --now "$NOW" --json | jq -r '[.cases[].incident] | sort | join(",")')" "$D,$B" \
    "cli: the queue by assignee (sep-b closed, and the reopened case)"
same "$(fw case list --assignee ivan --state investigation --now "$NOW" --json | jq -r '.cases[0].due')" 2030-04-01T00:00:00Z \
    "cli: the reopened case's deadline runs from its reopening"
same "$(fw case stats --json | jq -c '[.closed, .out_of_policy, .out_of_policy_no_action]')" "[2,2,1]" \
    "cli: the same counts (the reopened case no longer closed)"
# Every move was a logged version: the log verifies.
fw verify >/dev/null 2>&1 && ok || bad "verify after the moves"

finish separation
