/*
** forcewatch: the command-line front-end.  One binary with subcommands; this
** file holds the command table (names, options, help: the single source of
** truth for `--help` and docs/cli.md), the option parser and main.  Each
** command lives in a cmd_*.c file and uses only the library's public API.
*/
#include <errno.h>
#include <malloc.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "base/str.h"
#include "log/keyfile.h"

#include "base/banned.h"

#ifndef FW_POLICY_DIR
#define FW_POLICY_DIR "policies"
#endif

static const cli_opt global_opts[] = {
    {"db", 0, "PATH", "database file (default: $FORCEWATCH_DB, else ./forcewatch.db)", false},
    {"actor", 0, "NAME", "who is making the change, for the record log "
                         "(default: $FORCEWATCH_ACTOR, else cli:$USER)", false},
    {"signing-key", 0, "PATH", "the log's signing key file (default: $FORCEWATCH_SIGNING_KEY, "
                               "else the database path + .key); refused for writing unless "
                               "its public half is the database's verifier key", false},
    {"policies", 0, "DIR", "policy directory (default: $FORCEWATCH_POLICIES, else ./policies, "
                           "else the one built in)", false},
    {"help", 'h', NULL, "show help", false},
    {0, 0, 0, 0, false},
};

static const cli_opt no_opts[] = {{0, 0, 0, 0, false}};

static const cli_opt add_opts[] = {
    {"quiet", 'q', NULL, "print nothing on success", false},
    {"stats", 0, NULL, "print the time taken and the record log's share of it", false},
    {0, 0, 0, 0, false},
};

static const cli_opt show_opts[] = {
    {"version", 'v', "N", "show version N instead of the latest", false},
    {"json", 0, NULL, "print the stored canonical JSON (its SHA-256 is the record hash)", false},
    {"pretty", 0, NULL, "with --json: indent the JSON for reading", false},
    {"reason", 0, "TEXT", "why you read it, recorded when the incident holds personal data",
     false},
    {0, 0, 0, 0, false},
};

static const cli_opt list_opts[] = {
    {"agency", 0, "ID", "only incidents of this agency", false},
    {"agency-type", 0, "TYPE", "only incidents where one of the agencies (agency or "
                               "other_agencies) is stored as an agency of this type "
                               "(federal, sheriff, ...)", false},
    {"since", 0, "DATE", "only incidents on or after DATE (YYYY-MM-DD, the local date)", false},
    {"until", 0, "DATE", "only incidents on or before DATE", false},
    {"encounter", 0, "KIND", "only this kind of encounter (vehicle_stop, foot_pursuit, ...)", false},
    {"force-kind", 0, "KIND", "only incidents where some account has this force kind", false},
    {"limit", 'n', "N", "at most N incidents", false},
    {"withdrawn", 0, NULL, "also incidents their source has withdrawn", false},
    {"json", 0, NULL, "print a JSON array instead of a table", false},
    {0, 0, 0, 0, false},
};

static const cli_opt history_opts[] = {
    {"json", 0, NULL, "print a JSON array instead of a table", false},
    {0, 0, 0, 0, false},
};

static const cli_opt policy_opts[] = {
    {"verbose", 'v', NULL, "with test: print every expectation checked", false},
    {0, 0, 0, 0, false},
};

static const cli_opt review_opts[] = {
    {"policy", 'p', "NAME", "a policy (dhs: the version in effect; dhs-2023: that version); "
                            "repeat for several; default: every policy in effect for the "
                            "incident (its date and its agency's jurisdiction)", true},
    {"account", 0, "ID", "only this account", false},
    {"all", 0, NULL, "every stored incident (with --summary)", false},
    {"summary", 0, NULL, "with --all: out-of-policy applications per rule and account kind", false},
    {"incidents", 0, NULL, "with --summary: list the incidents behind each count", false},
    {"json", 0, NULL, "print JSON", false},
    {"verbose", 'v', NULL, "show every rule with the policy's words", false},
    {"no-store", 0, NULL, "do not store the review as a record", false},
    {"threat-window", 0, "SECONDS", "a threat not renewed for longer ends (default 60); "
                                    "judges the --all --summary what-if the same way", false},
    {0, 0, 0, 0, false},
};

static const cli_opt init_opts[] = {
    {"origin", 0, "NAME", "the log's name in its checkpoints (default forcewatch.local/DBNAME)",
     false},
    {0, 0, 0, 0, false},
};

static const cli_opt verify_opts[] = {
    {"checkpoint", 0, "FILE", "an older signed checkpoint to prove today's log extends", false},
    {"key", 0, "FILE", "the verifier key file to trust (or the key itself; default: the "
                       "pinned DB.pub, else, with a warning, the key stored in the database)",
     false},
    {"export", 0, "FILE", "check an export (forcewatch export) against today's log instead",
     false},
    {0, 0, 0, 0, false},
};

static const cli_opt export_opts[] = {
    {"format", 'f', "FORMAT", "csv (default), json (JSON Lines) or nufdc (FBI use-of-force "
                              "tables)", false},
    {"out", 'o', "FILE", "write to FILE instead of standard output", false},
    {"agency", 0, "ID", "only incidents of this agency", false},
    {"since", 0, "DATE", "only incidents on or after DATE (YYYY-MM-DD)", false},
    {"until", 0, "DATE", "only incidents on or before DATE", false},
    {"encounter", 0, "KIND", "only this kind of encounter", false},
    {"force-kind", 0, "KIND", "only incidents where some account has this force kind", false},
    {"withdrawn", 0, NULL, "also incidents their source has withdrawn", false},
    {"deidentify", 0, NULL, "leave out every personal field (names, addresses, dates of birth)",
     false},
    {"reason", 0, "TEXT", "why you export personal data, recorded in the access record", false},
    {0, 0, 0, 0, false},
};

static const cli_opt log_opts[] = {
    {"size", 0, "N", "with proof inclusion: the tree size (default: the latest checkpoint's)",
     false},
    {0, 0, 0, 0, false},
};

static const cli_opt serve_opts[] = {
    {"listen", 'l', "ADDR:PORT", "where to listen (default 127.0.0.1:8080; port 0 picks one)",
     false},
    {"config", 'c', "FILE", "configuration file of 'key = value' lines (docs/server.md)", false},
    {"port-file", 0, "FILE", "write the port listened on to FILE once ready", false},
    {"routes", 0, NULL, "print the routes served and exit", false},
    {"config-keys", 0, NULL, "print the configuration keys as a Markdown table and exit", false},
    {0, 0, 0, 0, false},
};

static const cli_opt user_opts[] = {
    {"role", 0, "ROLE", "admin, supervisor, investigator, board, auditor, officer or analyst",
     false},
    {"agency", 0, "ID", "the agency the user belongs to (none: spans agencies)", false},
    {"officer", 0, "ID", "for officers: their registry officer (AGENCY:LABEL)", false},
    {"password-stdin", 0, NULL,
     "read the password from the first line of standard input instead of generating a "
     "one-time one (the user need not change it)", false},
    {0, 0, 0, 0, false},
};

static const cli_opt token_opts[] = {
    {"days", 0, "N", "create: the token expires after N days (1 to 366; default 90)", false},
    {0, 0, 0, 0, false},
};

static const cli_opt duties_opts[] = {
    {"incident", 0, "ID", "only this incident", false},
    {"officer", 0, "ID", "only this registry officer's items (AGENCY:LABEL)", false},
    {"now", 0, "DATETIME", "judge deadlines as of this time (default: now)", false},
    {"statement-hours", 0, "H", "hours officers have to file a statement (default 24)", false},
    {"json", 0, NULL, "print JSON", false},
    {0, 0, 0, 0, false},
};

static const cli_opt training_opts[] = {
    {"completed", 0, "DATE", "when the course was completed (YYYY-MM-DD)", false},
    {"expires", 0, "DATE", "when the certification expires", false},
    {0, 0, 0, 0, false},
};

static const cli_opt officer_opts[] = {
    {"agency", 0, "ID", "list: only this agency's officers; add: the officer's agency", false},
    {"id", 0, "ID", "add: the officer's registry id, AGENCY:LABEL", false},
    {"json", 0, NULL, "show: print the profile as JSON (as GET /api/v1/officers/{id} serves it)",
     false},
    {"name", 0, "TEXT", "add: the officer's name", false},
    {"badge", 0, "TEXT", "add: badge or star number", false},
    {"rank", 0, "TEXT", "add: rank or title", false},
    {"unit", 0, "TEXT", "add: current unit", false},
    {"status", 0, "STATUS", "add: active, leave, suspended, separated, retired or deceased",
     false},
    {0, 0, 0, 0, false},
};

static const cli_opt case_opts[] = {
    {"finding", 0, "FINDING", "when closing: within_policy, out_of_policy, not_sustained, "
                              "exonerated or unfounded", false},
    {"consequence", 0, "OFFICER:FOR:ACTION", "when closing: the action taken (none, counselling, "
     "retraining, suspension, termination, referral_for_prosecution) for an officer's force, "
     "failure_to_intervene or failure_to_report; repeat for several", true},
    {"reason", 0, "TEXT", "when reopening a closed case: why (required)", false},
    {"note", 0, "TEXT", "a note kept with the transition", false},
    {"role", 0, "ROLE", "the role the actor acts in (default: a stored user's own, else admin)",
     false},
    {"now", 0, "DATETIME", "the transition's time, or the queue's deadlines' (default: now)",
     false},
    {"state", 0, "STATE", "list: only cases in this state", false},
    {"assignee", 0, "USER", "list: only cases assigned to this investigator", false},
    {"overdue", 0, NULL, "list: only overdue cases", false},
    {"agency", 0, "ID", "list, stats: only this agency's incidents", false},
    {"limit", 0, "N", "list: at most N cases (default 100)", false},
    {"json", 0, NULL, "list, stats: print JSON", false},
    {0, 0, 0, 0, false},
};

static const cli_opt import_opts[] = {
    {"dry-run", 0, NULL, "read and check everything, store nothing", false},
    {"agencies", 0, "FILE", "the agencies file the profile joins (join agencies): stored as "
                            "agency records in the same transaction", false},
    {"rejects", 0, "FILE", "write every rejected row as LINE<TAB>REASON to FILE (agency rows "
                           "as AGENCIES-FILE:LINE)", false},
    {"allow-empty", 0, NULL, "accept a FILE with a header and no rows, which withdraws every "
                             "incident of the profile (refused without it)", false},
    {0, 0, 0, 0, false},
};

static const cli_opt stats_opts[] = {
    {"by", 0, "DIM[,DIM...]", "group by up to four of: year, month, agency, agency_type, state, "
                              "encounter, force_kind, injury, sex, race, ethnicity, age_band, "
                              "armed, threat, flight, finding", false},
    {"where", 0, "DIM=V[|V...][,...]", "only incidents with one of these values in each "
                                       "dimension named; year and month also take inclusive "
                                       "ranges (state=CA|WA,month=2015-03..2016-07)", false},
    {"format", 0, "FORMAT", "table (default), csv or json", false},
    {"public", 0, NULL, "suppress small cells as the public sees them (at most two dimensions)",
     false},
    {"k", 0, "N", "with --public: the threshold (default 5): counts under it are suppressed",
     false},
    {"every", 0, "SCHEDULE", "with --public: daily (default), hourly or a number of seconds, "
                             "the server's public_stats_every: counts as of the last boundary",
     false},
    {0, 0, 0, 0, false},
};

static const cli_command commands[] = {
    {"init", cmd_init, "", "create a database and its signing key, or upgrade its schema",
     init_opts, 0, 0,
     "Creates the database file named by --db if it does not exist and brings its schema\n"
     "to the current version.  Creates the record log's signing key (mode 0600, at\n"
     "--signing-key or DB.key) if missing, and prints the verifier key: publish it, so\n"
     "that anyone can check the log's checkpoints.  Pins the verifier key in DB.pub\n"
     "beside the database (never replacing one that holds another key): verify trusts\n"
     "that file, not the key stored inside the database.  Running it again is harmless."},
    {"add", cmd_add, "FILE...", "validate and store incident and agency documents", add_opts,
     1, -1,
     "Each FILE holds one JSON document, or JSON Lines (one document a line; files\n"
     "ending in .jsonl or .ndjson, or any input whose first line is a whole document).\n"
     "Use - for standard input.  Each file is all-or-nothing: every document in it is\n"
     "validated, every problem is reported as FILE:LINE: PATH: MESSAGE, and if any is\n"
     "found nothing from that file is stored.  A document whose id is already stored\n"
     "becomes a new version; one identical to the latest version changes nothing.\n"
     "Every stored version appends a leaf to the record log."},
    {"check", cmd_check, "FILE...", "validate documents without storing them", no_opts, 1, -1,
     "Reads FILE as add does and reports every problem; never opens the database."},
    {"show", cmd_show, "ID", "show an incident, agency, review or registry officer record",
     show_opts, 1, 1,
     "Prints the latest version, or --version N.  --json prints the canonical bytes\n"
     "exactly as stored and hashed.  Showing an incident that holds personal data of\n"
     "private people (names, addresses, dates of birth) first stores an access record\n"
     "(who, what, when, --reason) in the record log."},
    {"list", cmd_list, "", "list the latest version of each incident", list_opts, 0, 0,
     "Filters combine with AND.  Incidents are ordered by when they occurred."},
    {"history", cmd_history, "ID", "list every stored version of a record", history_opts, 1,
     1, "One line a version: when and by whom it was stored, its log sequence number and\n"
        "the SHA-256 of its canonical bytes."},
    {"review", cmd_review, "ID...", "judge each force application against policy, per account",
     review_opts, 0, -1,
     "For every force application of each incident, under every account, evaluates every\n"
     "rule of each policy at the moment the force was applied: within policy, OUT OF\n"
     "POLICY, undetermined (with the unknown facts that would decide it) or not applicable.\n"
     "Other acts a rule is 'on' (a reach into a vehicle, a command) are judged the same\n"
     "way by those rules, at their own moment, against their own actor (ACTOR@T/TYPE).\n"
     "Where accounts disagree, names the decisive disputed facts.  Each review is stored\n"
     "as a versioned record (type review, id INCIDENT:POLICY-VERSION) unless --no-store.\n"
     "Without --policy, the policies in effect are those whose dates contain the incident's\n"
     "and that govern its agency or were adopted by it or a parent (docs/policy-language.md);\n"
     "with none, it says \"no bundled policy governs AGENCY\".  A named policy that is not\n"
     "in effect for the incident is still run, marked \"what-if\" (JSON: \"what_if\": true).\n"
     "'review --all --policy NAME --summary' is what-if analysis over every incident,\n"
     "judged with the same settings (--threat-window) as a review of one incident; its\n"
     "count of incidents where the policy is in effect is of the incidents with force."},
    {"policy", cmd_policy, "list | show NAME | test [NAME...] | check FILE...",
     "list, show, test or check policies", policy_opts, 1, -1,
     "list: every policy version in the policy directory.  show: one version's rules.\n"
     "test: run the scenario tests in policies/tests/ (all, or the named versions).\n"
     "check: parse and check policy files, reporting FILE:LINE:COLUMN: problems."},
    {"verify", cmd_verify, "", "prove the records and the log were not rewritten", verify_opts,
     0, 0,
     "Recomputes every log leaf from the stored records, checks the tree against every\n"
     "stored signed checkpoint (signature, root at its size, saved tree state), rebuilds\n"
     "every derived table (incident_index, stats_index, stats_ledger) from the records\n"
     "and compares, and with --checkpoint proves that an older checkpoint (one a reader\n"
     "saved) is a prefix of today's log.  The verifier key comes from outside the\n"
     "database: --key FILE, else the DB.pub init pinned; with neither it falls back to\n"
     "the key stored in the database, with a warning, and says so.  A stored key that is\n"
     "not the trusted one fails.  On failure names the first bad sequence number (and the\n"
     "derived table) and what is wrong, and exits 4.  --export FILE instead checks an export:\n"
     "its stamp's signed checkpoint is a prefix of today's log, and each record row is a\n"
     "logged version at or before the stamp, rendered byte for byte (docs/export.md);\n"
     "on failure it names the first bad record and exits 4."},
    {"export", cmd_export, "[--format csv|json|nufdc] [FILTERS]",
     "export incidents as open data, stamped with the log's checkpoint", export_opts, 0, 0,
     "Writes the latest version of every incident matching the filters (withdrawn ones only\n"
     "with --withdrawn) as CSV, JSON Lines of the stored documents, or the FBI National\n"
     "Use-of-Force Data Collection's incident, subject and officer tables.  The first line\n"
     "is the stamp: the signed checkpoint current when the export was taken; every record\n"
     "row carries its id, version, SHA-256 and log sequence number; the last line counts\n"
     "the incidents.  An export that can hold personal data (not --deidentify) first stores\n"
     "an access record in the log.  'forcewatch verify --export FILE' checks one."},
    {"log", cmd_log, "checkpoint | leaf SEQ | proof inclusion SEQ | proof consistency OLD NEW",
     "print log artefacts for outside checking", log_opts, 1, 4,
     "checkpoint: the latest signed checkpoint.  leaf: one leaf's bytes.  proof inclusion:\n"
     "the RFC 9162 inclusion proof of leaf SEQ.  proof consistency: the consistency proof\n"
     "between tree sizes OLD and NEW.  Hashes are base64, as in checkpoints; see\n"
     "docs/record-log.md for checking them by hand."},
    {"serve", cmd_serve, "", "serve the HTTP API", serve_opts, 0, 0,
     "Serves API v1 (docs/openapi.yaml) on --listen, with a pool of threads, a pool of\n"
     "database handles and the limits of the configuration file.  Logs one JSON line a\n"
     "request on stderr.  SIGTERM or SIGINT stops it: no new connections are taken, and\n"
     "requests in flight are finished (up to 10 s)."},
    {"user", cmd_user, "add NAME --role ROLE | passwd NAME", "create a user of the server, or set a password",
     user_opts, 2, 2,
     "add creates a user with a random one-time password, printed once: the user must\n"
     "change it at first sign-in before doing anything else (PUT /api/v1/session/password).\n"
     "passwd gives an existing user a new one-time password (a reset), printed once.\n"
     "With --password-stdin either takes the password from standard input instead, and the\n"
     "user need not change it.  Passwords: at least 12 characters, at least 5 different ones,\n"
     "not only whitespace, not the username (docs/server.md).  Over-long names, agencies\n"
     "and officer ids are refused, never cut.  The user record (with the password's\n"
     "Argon2id hash) is stored and logged like any other."},
    {"token", cmd_token, "create USER [--days N] | list [USER] | revoke ID",
     "create, list or revoke API tokens", token_opts, 1, 2,
     "create prints a new bearer token for USER, once; only its SHA-256 is kept.  It\n"
     "expires after --days days (default 90, at most 366).  list shows every token (or\n"
     "USER's): id, user, created, expires and whether revoked, never the secret.\n"
     "revoke stores a new version of the token marked revoked."},
    {"duties", cmd_duties, "", "list the duties that follow uses of force", duties_opts, 0, 0,
     "Items for review, never findings: statements overdue or late for every officer\n"
     "listed; officers present at force out of policy (under the policies in effect by\n"
     "date and jurisdiction) with no intervene event; injuries without medical aid in\n"
     "time; force with a device the officer was not certified for (training_device),\n"
     "crowd-control deployments without crowd-control training\n"
     "(training_crowd_control), and force in a vehicle encounter without vehicle-stop\n"
     "training (training_vehicle_stop).\n"
     "\n"
     "Force is in a vehicle encounter when the incident's encounter is vehicle_stop, or\n"
     "the force is aimed at a vehicle or at a subject in one (in_vehicle) or driving one,\n"
     "or the officer reached into a vehicle (reach_into_vehicle) before it.  Training\n"
     "counts when it was current on the date of the force (the incident's local date):\n"
     "completed on or before it, and, if it has an expiry, expiring after it.  The item\n"
     "says why (none recorded, expired on DATE, or completed after the force); one item\n"
     "per officer and course in an incident.\n"
     "\n"
     "A statement is judged by when the record log received it (the time the first\n"
     "stored version of the incident that carried it was stored), never by its own\n"
     "filed_at: received after the deadline, it is late (statement_late); not received\n"
     "as of --now, it is not filed.  A late statement whose filed_at is more than a day\n"
     "earlier than when the log received it is flagged backdated."},
    {"training", cmd_training, "add OFFICER COURSE --completed DATE | show OFFICER",
     "record or show officers' training", training_opts, 2, 3,
     "OFFICER is a registry officer (AGENCY:LABEL, 'forcewatch officer'); the duty check\n"
     "finds the record through an incident officer's \"registry\" link.  Courses that\n"
     "certify devices: ecd, chemical_agents, less_lethal_launcher, impact_weapon, canine,\n"
     "firearm; and crowd_control and vehicle_stops.  A course covers force from its\n"
     "completion date until the day before --expires (no --expires: it does not\n"
     "expire); duties checks it at the date of the force."},
    {"officer", cmd_officer, "list [--agency A] | show ID | add FILE|--id ID --agency A",
     "list, show or add registry officers", officer_opts, 1, 2,
     "Registry officers are versioned records of their agency: id AGENCY:LABEL (LABEL\n"
     "holds no ':'; AGENCY may), so one label in two agencies is two people.  An\n"
     "incident's officer links to one with \"registry\": \"ID\"; the officer must serve\n"
     "the incident's agency or one of its other_agencies.  show prints the profile: the\n"
     "officer record, the incidents they are linked in, their acts of force, findings of\n"
     "stored reviews, duty items and training.  add FILE stores the file's officer\n"
     "records as 'add' does (one JSON document or JSON Lines); any other document is\n"
     "refused, its line named, and nothing is stored.  add --id stores one officer from\n"
     "the options."},
    {"case", cmd_case,
     "show ID | move ID STATE [--finding F] | assign ID USER | list | stats",
     "show, move, assign or list review cases; how often they end with no action", case_opts,
     1, 3,
     "States: reported, supervisor_review, investigation, board_review, closed.  A death,\n"
     "serious bodily injury or firearm discharge at a person cannot be closed before\n"
     "investigation and board review.  Every move is a new, logged version of the case.\n"
     "\n"
     "Each move is reserved for roles: a supervisor takes a case up, sends it to\n"
     "investigation or closes it; an investigator sends it to board review; the board\n"
     "sends it back, closes it, or reopens a closed case to investigation with --reason.\n"
     "An admin may make any move.  Whoever investigated a case (was assigned to it, or moved it from\n"
     "investigation) cannot make its board review move.  assign names the investigator\n"
     "(a stored investigator user; supervisor or admin).  The actor acts in --role,\n"
     "their own if they are a stored user, admin otherwise.\n"
     "\n"
     "Closing records --consequence OFFICER:FOR:ACTION for officers of the incident;\n"
     "closing out_of_policy needs at least one FOR force entry (an officer who applied\n"
     "force, with an action; none is a recorded decision): which officers' force was\n"
     "out of policy is the board's to list, not checked.  list is the review queue\n"
     "with deadlines; stats counts closed cases, those out of policy, and how many\n"
     "ended with no action (exact counts, for oversight only)."},
    {"import", cmd_import, "PROFILE FILE", "import a public dataset through a profile",
     import_opts, 2, 2,
     "PROFILE is a built-in profile (wapo-v1, wapo-v2, seattletimes) or a .profile\n"
     "file (docs/import.md).  FILE is CSV ('-' for standard input).  With --agencies,\n"
     "a profile that joins agencies (wapo-v2) also stores that file's rows as agency\n"
     "records.  Everything is stored in one transaction.  Rows that cannot be imported\n"
     "(and a second row with an id already seen) are reported with their line and\n"
     "reason and skipped.  A record already stored becomes a new version only if it\n"
     "changed; incidents of the profile that FILE no longer lists are marked withdrawn,\n"
     "never deleted.  A FILE with a header and no rows would withdraw them all: it is\n"
     "refused (nothing stored) unless --allow-empty.  On a terminal a progress line\n"
     "shows rows, rows/s and the time left; the summary counts inserted, updated,\n"
     "unchanged, withdrawn and rejected rows.  --dry-run does everything, then rolls\n"
     "back: its counts are exact."},
    {"stats", cmd_stats, "--by DIM[,DIM...]", "count incidents grouped by dimensions",
     stats_opts, 0, 0,
     "Counts the latest version of every incident its source has not withdrawn, grouped\n"
     "by the dimensions named (docs/statistics.md defines each, and how incidents with\n"
     "several values count: once in each).  Values are text; a missing one is 'unknown'.\n"
     "--public prints what GET /public/stats serves: cells, margins and total under k\n"
     "suppressed, with complementary suppression so none can be derived from the rest,\n"
     "as of the schedule's last boundary (00:00 UTC for daily; FORCEWATCH_NOW sets the\n"
     "clock), never live: what was stored since counts from the next boundary on.\n"
     "Reads the statistics index, never the documents, so it is fast on large databases."},
    {"schema", cmd_schema, "", "print the JSON Schema of the document format", no_opts, 0, 0,
     "Generated from the same tables validation uses; docs/incident.schema.json is its\n"
     "output."},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *running;

static void print_opts(FILE *f, const cli_opt *opts)
{
    char lhs[64];
    for (; opts && opts->name; opts++) {
        if (opts->shortname)
            snprintf(lhs, sizeof lhs, "-%c, --%s%s%s", opts->shortname, opts->name,
                     opts->arg ? " " : "", opts->arg ? opts->arg : "");
        else
            snprintf(lhs, sizeof lhs, "    --%s%s%s", opts->name, opts->arg ? " " : "",
                     opts->arg ? opts->arg : "");
        fprintf(f, "  %-22s %s\n", lhs, opts->help);
    }
}

static void main_help(FILE *f)
{
    size_t i;
    fprintf(f, "usage: forcewatch [--db PATH] [--actor NAME] [--policies DIR] COMMAND [ARGS]\n\n"
               "Record use-of-force incidents as sourced accounts and keep every version.\n\n"
               "commands:\n");
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-10s %s\n", "help", "show help for a command");
    fprintf(f, "\nglobal options:\n");
    print_opts(f, global_opts);
    fprintf(f, "      --version          print the version\n"
               "\nexit codes: 0 ok, 1 runtime error, 2 usage error, 3 invalid input,\n"
               "4 verification failed\n"
               "'forcewatch help COMMAND' or 'forcewatch COMMAND --help' for details.\n");
}

static void command_help(FILE *f, const cli_command *c)
{
    fprintf(f, "usage: forcewatch %s%s%s\n\n%s.\n\n%s\n", c->name, *c->usage ? " " : "",
            c->usage, c->summary, c->help);
    if (c->opts && c->opts->name) {
        fprintf(f, "\noptions:\n");
        print_opts(f, c->opts);
    }
    fprintf(f, "\nglobal options:\n");
    print_opts(f, global_opts);
}

static const cli_command *find_command(const char *name)
{
    size_t i;
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int cli_fail(int code, const char *fmt, ...)
{
    va_list ap;
    fputs("forcewatch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("forcewatch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (running)
        fprintf(stderr, "\nusage: forcewatch %s%s%s\n(see 'forcewatch %s --help')\n",
                running->name, *running->usage ? " " : "", running->usage, running->name);
    else
        fprintf(stderr, "\n(see 'forcewatch --help')\n");
    return EXIT_USAGE;
}

const char *cli_value(const cli_args *a, const char *name)
{
    int i;
    for (i = 0; a->opts && a->opts[i].name; i++)
        if (strcmp(a->opts[i].name, name) == 0)
            return a->set[i] ? a->values[i] : NULL;
    return NULL;
}

bool cli_flag(const cli_args *a, const char *name)
{
    int i;
    for (i = 0; a->opts && a->opts[i].name; i++)
        if (strcmp(a->opts[i].name, name) == 0)
            return a->set[i];
    return false;
}

bool cli_read_file(const char *path, fw_buf *b)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (!f) {
        cli_fail(EXIT_RUNTIME, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (fw_buf_add(b, chunk, n) != FW_OK) {
            fclose(f);
            cli_fail(EXIT_RUNTIME, "%s: larger than %zu bytes", path, b->max);
            return false;
        }
    }
    if (ferror(f)) {
        fclose(f);
        cli_fail(EXIT_RUNTIME, "%s: read error", path);
        return false;
    }
    fclose(f);
    return true;
}

const char *cli_key_path(cli_args *a)
{
    static char path[4096];
    if (a->signing_key)
        return a->signing_key;
    if (fw_keyfile_default_path(a->db, path, sizeof path) != FW_OK) {
        cli_usage_error("--db: a path too long for its key file (use --signing-key)");
        return NULL;
    }
    return path;
}

/* Load the signing key from its file; prints the error. */
static bool load_signer(cli_args *a)
{
    const char *key = cli_key_path(a);
    fw_error err;
    fw_rc rc;

    if (!key)
        return false;
    rc = fw_keyfile_read(key, &a->signer, &err);
    if (rc == FW_ERR_NOTFOUND)
        cli_fail(EXIT_RUNTIME, "%s (forcewatch init creates one; --signing-key names another)",
                 err.msg);
    else if (rc)
        cli_fail(EXIT_RUNTIME, "%s", err.msg);
    return rc == FW_OK;
}

fw_store *cli_open_store(cli_args *a, unsigned flags)
{
    return cli_open_store_cache(a, flags, 0);
}

fw_store *cli_open_store_cache(cli_args *a, unsigned flags, size_t cache_kib)
{
    fw_store_opts o;
    fw_store *s;
    fw_error err;

    memset(&o, 0, sizeof o);
    o.flags = flags;
    o.cache_kib = cache_kib;
    /* A missing database is the first thing to say, before a missing key. */
    if (!(flags & (FW_STORE_READONLY | FW_STORE_CREATE)) && access(a->db, F_OK) == 0) {
        if (!load_signer(a))
            return NULL;
        o.signer = &a->signer;
        o.signer_path = cli_key_path(a);
    }
    if (fw_store_open(a->db, &o, &s, &err) != FW_OK) {
        cli_fail(EXIT_RUNTIME, "%s", err.msg);
        return NULL;
    }
    return s;
}

/* Find an option by long or short name in opts; index or -1. */
static int opt_index(const cli_opt *opts, const char *name, size_t len, char shortname)
{
    int i;
    for (i = 0; opts && opts[i].name; i++) {
        if (shortname ? opts[i].shortname == shortname
                      : strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return i;
    }
    return -1;
}

/*
** Parse argv[*i] as an option of the command or a global one.  Returns 0 on
** success, EXIT_USAGE after reporting an error, or -1 for --help.
*/
static int parse_option(cli_args *a, int argc, char **argv, int *i, bool *global_help)
{
    const char *arg = argv[*i], *name, *eq, *value = NULL;
    size_t len;
    char shortname = 0;
    const cli_opt *opt;
    int k;
    bool global = false;

    if (arg[1] == '-') {
        name = arg + 2;
        eq = strchr(name, '=');
        len = eq ? (size_t)(eq - name) : strlen(name);
        if (eq)
            value = eq + 1;
    } else {
        name = arg + 1;
        len = 1;
        shortname = arg[1];
        if (arg[2])
            value = arg + 2;
    }
    k = opt_index(a->opts, name, len, shortname);
    if (k < 0) {
        k = opt_index(global_opts, name, len, shortname);
        global = true;
    }
    if (k < 0)
        return cli_usage_error("unknown option '%s'", arg);
    opt = global ? &global_opts[k] : &a->opts[k];
    if (opt->arg && !value) {
        if (*i + 1 >= argc)
            return cli_usage_error("option '--%s' needs a value (%s)", opt->name, opt->arg);
        value = argv[++*i];
    } else if (!opt->arg && value) {
        return cli_usage_error("option '--%s' takes no value", opt->name);
    }
    if (global) {
        if (strcmp(opt->name, "db") == 0)
            a->db = value;
        else if (strcmp(opt->name, "actor") == 0)
            a->actor = value;
        else if (strcmp(opt->name, "policies") == 0)
            a->policies = value;
        else if (strcmp(opt->name, "signing-key") == 0)
            a->signing_key = value;
        else
            *global_help = true;
        return 0;
    }
    if (opt->repeat) {
        if (a->nextra == (int)(sizeof a->extra / sizeof a->extra[0]))
            return cli_usage_error("too many '--%s' options", opt->name);
        a->extra[a->nextra++] = value;
    }
    a->set[k] = true;
    a->values[k] = value;
    return 0;
}

int main(int argc, char **argv)
{
    static char actor_buf[128];
    cli_args a;
    const cli_command *cmd = NULL;
    bool help = false;
    int i, rc;
    const char *user;

#ifdef M_TRIM_THRESHOLD
    /* Bulk adds allocate and free the same sizes millions of times; keeping
    ** freed memory instead of returning it to the kernel saves re-faulting
    ** (and re-zeroing) pages, about a tenth of an add's time. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
#endif
    memset(&a, 0, sizeof a);
    a.db = getenv("FORCEWATCH_DB");
    if (!a.db || !*a.db)
        a.db = "forcewatch.db";
    a.actor = getenv("FORCEWATCH_ACTOR");
    if (!a.actor || !*a.actor) {
        const struct passwd *pw = getpwuid(getuid());
        user = getenv("USER");
        if ((!user || !*user) && pw)
            user = pw->pw_name;
        if (fw_snprintf(actor_buf, sizeof actor_buf, "cli:%s", user && *user ? user : "unknown"))
            return cli_usage_error("the user name is too long to be the actor "
                                   "(set FORCEWATCH_ACTOR)");
        a.actor = actor_buf;
    }
    a.signing_key = getenv("FORCEWATCH_SIGNING_KEY");
    if (a.signing_key && !*a.signing_key)
        a.signing_key = NULL;
    a.policies = getenv("FORCEWATCH_POLICIES");
    if (!a.policies || !*a.policies)
        a.policies = access("policies", F_OK) == 0 ? "policies" : FW_POLICY_DIR;
    a.pos = calloc((size_t)argc + 1, sizeof *a.pos);
    if (!a.pos)
        return cli_fail(EXIT_RUNTIME, "out of memory");

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!cmd && strcmp(arg, "--version") == 0) {
            printf("forcewatch %s\n", FORCEWATCH_VERSION);
            free(a.pos);
            return EXIT_OK;
        }
        if (arg[0] == '-' && arg[1] && !(arg[1] == '-' && !arg[2])) {
            rc = parse_option(&a, argc, argv, &i, &help);
            if (rc) {
                free(a.pos);
                return rc;
            }
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            while (++i < argc)
                a.pos[a.npos++] = argv[i];
            break;
        }
        if (!cmd) {
            if (strcmp(arg, "help") == 0) {
                cmd = i + 1 < argc ? find_command(argv[i + 1]) : NULL;
                if (i + 1 < argc && !cmd) {
                    free(a.pos);
                    return cli_usage_error("unknown command '%s'", argv[i + 1]);
                }
                if (cmd)
                    command_help(stdout, cmd);
                else
                    main_help(stdout);
                free(a.pos);
                return EXIT_OK;
            }
            cmd = find_command(arg);
            if (!cmd) {
                free(a.pos);
                return cli_usage_error("unknown command '%s'", arg);
            }
            running = cmd;
            a.opts = cmd->opts;
            continue;
        }
        a.pos[a.npos++] = argv[i];
    }

    if (!cmd) {
        main_help(help ? stdout : stderr);
        free(a.pos);
        return help ? EXIT_OK : EXIT_USAGE;
    }
    if (help) {
        command_help(stdout, cmd);
        free(a.pos);
        return EXIT_OK;
    }
    if (a.npos < cmd->min_pos) {
        rc = cli_usage_error("'%s' needs %s", cmd->name, cmd->usage);
    } else if (cmd->max_pos >= 0 && a.npos > cmd->max_pos) {
        rc = cli_usage_error("unexpected argument '%s'", a.pos[cmd->max_pos]);
    } else {
        rc = cmd->run(&a);
    }
    free(a.pos);
    return rc;
}
