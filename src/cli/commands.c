/* commands.c — the command table of the seawall program: every subcommand,
 * the options it takes (by key in opts.c's table), its arguments and its
 * help. main.c dispatches through it; --help is generated from it; a unit
 * test checks it against the option table. */
#include <stddef.h>

#include "cli/cli.h"
#include "cli/commands.h"

/* clang-format off */
const sw_cli_cmd_t sw_cli_commands[] = {
    {"run", cmd_run, "play the built-in default exercise headless, to its end, into a database",
     "scenario db seed until defender rules replace quiet", "", NULL, 0, 0,
     "  Plays an exercise at full speed through the exercise runtime: the simulation,\n"
     "  every team's telemetry (background and attack) into the database's event\n"
     "  store, alerts from deployed rules, then the summary and where to hunt.\n"
     "  A database that already holds this exercise is resumed (to its end), never\n"
     "  rewritten; --replace starts it over (only a seawall database is replaced).\n"
     "  Default: the built-in 'pacific-cable' into seawall.db.\n"},
    {"serve", cmd_serve, "serve the live exercise over HTTP: the browser interface and the API",
     "scenario db seed until speed paused replace fast listen tls-cert tls-key rules quiet routes",
     "",
     NULL, 0, 0,
     "  Starts a new exercise or resumes the one in the database exactly where it\n"
     "  stopped, and serves it: the browser interface at /, the JSON API under\n"
     "  /api/v1 (docs/api.md) and the live stream. On the first start it creates\n"
     "  the administrator 'admin' with a password printed once (or taken from\n"
     "  SEAWALL_ADMIN_PASSWORD). Default: the built-in 'pacific-cable' in\n"
     "  seawall.db on 127.0.0.1:8080. Ctrl-C stops it; the exercise resumes next time.\n"
     "  --rules DIR: SigmaHQ rules the after-action report names for what was missed.\n"},
    {"users", NULL, "the accounts of an exercise: add, list, disable, enable, passwd, import", NULL,
     NULL, NULL, 0, 0,
     "  users add NAME --role ROLE [--team TEAM]   one account, a one-time password\n"
     "  users list                                  every account\n"
     "  users disable NAME | users enable NAME\n"
     "  users passwd NAME                           a new one-time password\n"
     "  users import FILE.csv                       name,role,team lines: one-time passwords\n"},
    {"users add", cmd_users_add, "add an account", "db role team", "role", "NAME", 1, 1,
     "  Adds NAME (--role admin, instructor, player or observer; players and observers\n"
     "  name their --team) with a one-time password, printed once.\n"},
    {"users list", cmd_users_list, "list the accounts", "db json", "", NULL, 0, 0,
     "  Every account: name, role, team, disabled, must change its password.\n"},
    {"users disable", cmd_users_disable, "disable an account (its sessions end)", "db", "", "NAME",
     1, 1, "  NAME can no longer log in; its sessions end.\n"},
    {"users enable", cmd_users_enable, "enable an account again", "db", "", "NAME", 1, 1,
     "  NAME may log in again.\n"},
    {"users passwd", cmd_users_passwd, "give an account a new one-time password", "db", "", "NAME",
     1, 1, "  A new one-time password for NAME, printed once; its sessions end.\n"},
    {"users import", cmd_users_import, "add accounts from a CSV file", "db", "", "FILE.csv", 1, 1,
     "  Adds an account for each line name,role,team (a header line is skipped) and\n"
     "  prints name,role,team,password for each, with a one-time password: a room of\n"
     "  fifty in one go. Lines that are refused are named with the reason.\n"},
    {"play", cmd_play, "play an exercise live on its clock, in the foreground",
     "scenario db seed until speed paused defender replace fast quiet", "", NULL, 0, 0,
     "  Starts a live exercise (or resumes the one in the database exactly where it\n"
     "  stopped) and plays it on its clock: records reach each team's store as\n"
     "  exercise time passes, commands from `seawall act` in another shell are\n"
     "  journaled and applied, and what happens is printed as it happens.\n"
     "  Ctrl-C stops the process; the exercise resumes from the journal next time.\n"},
    {"act", cmd_act, "issue a command in an exercise: respond, deploy, share, clock, inject",
     "db team actor at", "", "COMMAND [ARGS...]", 1, -1,
     "  Sends one command to the exercise in the database: to the live `seawall play`\n"
     "  process if one runs (it journals the command at the current exercise time and\n"
     "  answers), else to the exercise itself, at the time it stopped. Commands:\n"
     "    isolate HOST | release HOST | kill-process HOST | quarantine-file HOST\n"
     "    patch HOST CVE | reimage HOST | restore HOST | reflash HOST\n"
     "    enhanced-logging HOST | block-ip IP | block-domain DOMAIN | block-port PORT\n"
     "    disable-account ACCOUNT | reset-password ACCOUNT | reset-krbtgt | failover\n"
     "    null-route IP | share-indicator VALUE [TEAM]\n"
     "    report TITLE | triage ALERT_ID STATUS [ASSIGNEE] | message TEXT\n"
     "    clock start|pause|resume|end | clock speed X     (instructors)\n"
     "    inject ID | send SUBJECT BODY | hint TEXT         (instructors; --team: to one)\n"
     "    penalty TEXT: a rule --team broke, in words       (instructors; scored)\n"
     "    message TEXT without --team: a broadcast          (instructors)\n"
     "  Hosts are named as the logs name them (NSO-WS04) or by scenario id; accounts\n"
     "  as the logs show them (PW\\jdoe, jdoe@pw.gov or jdoe). --team says who acts.\n"},
    {"replay", cmd_replay, "rebuild an exercise's state at any moment from its journal",
     "db until out json", "", NULL, 0, 0,
     "  Replays the journal of the exercise in the database (never changing it) and\n"
     "  prints the state at --until (default: where it stopped): objectives reached,\n"
     "  each team's services, footholds, records and alerts, and the state hash.\n"
     "  --out DIR writes DIR/state.json.\n"},
    {"report", cmd_report, "the after-action report and the score, at the end or any moment",
     "db team until format output rules series quiet", "", NULL, 0, 0,
     "  Replays the exercise in the database (never changing it) to its end, or to\n"
     "  --until, and writes the after-action report: the score of every team (or\n"
     "  --team's) with its breakdown, then per team the timeline in three lanes (what\n"
     "  the adversary did, what the team detected, what it did), time to detect and\n"
     "  to contain each attack stage, what was missed with the record and the SigmaHQ\n"
     "  rules that would have revealed it (--rules DIR..., default\n"
     "  ../shared/data/sigma/rules when present), each service's availability,\n"
     "  report accuracy, indicators shared and used, learning objectives.\n"
     "  --format html (default: one self-contained file, printable), json, md, or csv\n"
     "  (the timeline). The formula: docs/scoring.md.\n"
     "  --series A.db B.db ...: several exercises, oldest first, side by side: each\n"
     "  team's score, rank, categories and median times to detect and contain in\n"
     "  each (capacity building year on year), in the same formats.\n"},
    {"validate", cmd_validate, "check scenario files: FILE:LINE:COL for every problem",
     "", "", "FILE...", 1, -1,
     "  Loads each scenario (a file or a built-in name) and prints every problem as\n"
     "  FILE:LINE:COL: error: ..., or a one-line summary when it is sound.\n"},
    {"simulate", cmd_simulate, "run a scenario headless and summarise what happened",
     "seed until defender out json", "", "SCENARIO", 1, 1,
     "  Runs SCENARIO (a file or a built-in name) through the exercise runtime without\n"
     "  telemetry and prints what happened: objectives reached and when, each team's\n"
     "  service availability, attacker steps by technique, defender actions, and a\n"
     "  hash of the event stream (same scenario, seed and defender: same hash).\n"
     "  --out DIR writes DIR/events.jsonl and DIR/summary.json.\n"},
    {"sigma", cmd_sigma, "run Sigma rules over event files, or lint rules (--check)",
     "rules events check json truth verbose db team var", "", NULL, 0, 0,
     "  seawall sigma --rules RULE... --events FILE...   matches as they are found\n"
     "  seawall sigma --rules RULE... --db F --team T     over a team's store\n"
     "  seawall sigma --check RULE... [-v]                the load report\n"
     "  RULE is a Sigma YAML file or a folder of them (searched recursively); FILE\n"
     "  holds events as JSON lines or concatenated JSON objects. --var gives values\n"
     "  for %NAME% placeholders (the expand modifier); -v with --check prints one\n"
     "  FILE:LINE:COL line per refused rule; --truth with --db, INSTRUCTORS ONLY,\n"
     "  reads the ground truth and prints per rule: id, TP (attack records), FP\n"
     "  (background), title. docs/sigma.md.\n"},
    {"ingest", cmd_ingest, "append JSON event records to a team's event store",
     "db team", "db team", "FILE...", 1, -1,
     "  Appends JSON records (JSON lines or concatenated objects; '-' reads stdin) to\n"
     "  TEAM's events in the store FILE (created if missing). Nothing is stored if\n"
     "  any record is bad. A top-level \"_truth\" member is kept apart as ground\n"
     "  truth and never shown to players. Rules deployed for TEAM run on every new\n"
     "  record; their matches become alerts (seawall alerts).\n"},
    {"hunt", cmd_hunt, "search a team's events (docs/search.md)",
     "db team json now view", "db team", "'QUERY'", 1, 1,
     "  Searches TEAM's events. QUERY is Lucene/KQL-like, e.g.\n"
     "    'CommandLine:*ntdsutil*'  'EventID:4625 | count by IpAddress'\n"
     "  --json prints records as JSON lines (aggregates as {\"key\",\"count\"});\n"
     "  --now says what 'now' means in relative times (default: the clock).\n"
     "  An observer delegation looks at a player team with --team OBSERVER --view TEAM,\n"
     "  when the exercise lets observers see teams' records.\n"},
    {"rules", NULL, "test, deploy, withdraw and list a team's Sigma rules", NULL, NULL, NULL, 0, 0,
     "  rules test RULE.yml        how often RULE would have fired on TEAM's records\n"
     "  rules deploy RULE.yml...   run rules on TEAM's new records, raising alerts\n"
     "  rules withdraw RULE_ID     stop a deployed rule\n"
     "  rules list [--all]         TEAM's deployed rules\n"},
    {"rules test", cmd_rules_test, "how often a rule would have fired on a team's records",
     "db team json limit", "db team", "RULE.yml", 1, 1,
     "  Runs RULE over every record TEAM has, without deploying it: how many times it\n"
     "  would have fired, then the matches as `seawall sigma` prints them (the first\n"
     "  --limit, default 1000; --json: one JSON object per match, the count on stderr).\n"},
    {"rules deploy", cmd_rules_deploy, "deploy Sigma rules for a team",
     "db team actor scenario", "db team", "RULE.yml...", 1, -1,
     "  Deploys Sigma rules for TEAM through the exercise: journaled at the current\n"
     "  exercise time, they match every record TEAM receives from then on, and each\n"
     "  match is an alert (seawall alerts). Every file is checked first; if one is\n"
     "  refused, none is deployed. A database that does not exist yet is created as\n"
     "  a new exercise of --scenario (default pacific-cable), not started, so rules\n"
     "  can be in place before the first record.\n"},
    {"rules withdraw", cmd_rules_withdraw, "stop a team's deployed rule",
     "db team actor", "db team", "RULE_ID", 1, 1,
     "  Stops TEAM's deployed rule RULE_ID (its alerts stay), journaled at the current\n"
     "  exercise time.\n"},
    {"rules list", cmd_rules_list, "a team's deployed rules",
     "db team all json", "db team", NULL, 0, 0,
     "  TEAM's deployed rules, one line each: deployment, live or withdrawn, rule id,\n"
     "  level, title, author, the record count it applies after, when and by whom.\n"},
    {"alerts", cmd_alerts, "a team's alerts from its deployed rules",
     "db team json view", "db team", NULL, 0, 0,
     "  TEAM's alerts, oldest first: time, host, level, title, author, rule id and\n"
     "  record id; --json adds the alert number, deployment and the event.\n"},
    {"journal", cmd_journal, "the exercise journal: every act, in order",
     "db team kind json verify head upgrade actor", "db", NULL, 0, 0,
     "  The exercise journal, in order: seq, exercise time, wall time, actor, team,\n"
     "  kind, payload (long texts left out; --json prints every entry whole).\n"
     "  --verify checks its hash chain: exit 1 naming the first entry edited, deleted,\n"
     "  inserted or back-dated; else it prints the head. Note the head: --verify --head\n"
     "  HASH later shows nothing up to it was removed or rewritten. --upgrade chains a\n"
     "  journal written before tamper evidence, as it is (docs/security.md).\n"},
    {"share", cmd_share, "copy records one team found to another team, as a journaled act",
     "db from-team to-team actor max now", "db from-team to-team", "'QUERY'", 1, 1,
     "  Copies the records QUERY finds in --from's store into --to's, as one journaled\n"
     "  act (kind record.share) at the current exercise time. Records --to already\n"
     "  received from --from are not copied again; ground truth is never copied.\n"
     "  --max refuses (and shares nothing) when more than N match (default 1000).\n"},
    {"telemetry", cmd_telemetry, "generate log records to files or a syslog collector",
     "scenario defender demo-world teams hosts seed from until out syslog quiet", "", NULL, 0, 0,
     "  Generates the log records defenders hunt through: Sysmon, Windows Security\n"
     "  and System, Linux auth and auditd, Zeek, Suricata, firewall, proxy, NetFlow,\n"
     "  device syslog, antivirus, mail and web access logs (docs/telemetry.md).\n"
     "  --scenario plays the exercise through the exercise runtime (background at its\n"
     "  rates plus the attack; DIR/truth.jsonl links attack records to their steps,\n"
     "  for instructors); --demo-world gives background only, at any size.\n"
     "  --out DIR writes DIR/<team>/<source>.jsonl; --syslog sends RFC 5424.\n"},
};
/* clang-format on */

const size_t sw_cli_n_commands = sizeof sw_cli_commands / sizeof sw_cli_commands[0];
