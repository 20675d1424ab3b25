/* opts.c — the one option table of the seawall command line and its parser
 * (cli.h). Every option any subcommand takes is one row here: its key (what
 * a command lists), its spelling, its kind, where its value goes, and its
 * help line; the parser, the messages and the generated --help all come
 * from the rows, so no command parses argv itself.
 *
 * Kinds:
 *   FLAG   --json                 sets an int to 1
 *   STR    --db FILE              one value
 *   U64    --seed N               a whole number in [lo, hi]
 *   LONG   --limit N              the same, signed
 *   DUR    --until 1h30m|T+01:30  an exercise time (sw_parse_exercise_time)
 *   DBL    --speed X              a number in (0, hi]
 *   LIST   --rules A B ...        opens a list: the bare arguments after it (also
 *                                 after other options) are its values, until
 *                                 another list opens
 *   MULTI  --syslog URL           one value per use, repeatable
 * Two rows may share a spelling when no command takes both (`--from` is a
 * team for share and a duration for telemetry). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/text.h"
#include "scenario/scenario.h"

typedef enum { K_FLAG, K_STR, K_U64, K_LONG, K_DUR, K_DBL, K_LIST, K_MULTI } kind_t;

typedef struct opt {
    const char *key;  /* what commands list */
    const char *flag; /* spelling without the dashes */
    char short_flag;
    kind_t kind;
    size_t off;     /* the value in sw_cli_t */
    size_t has_off; /* its has_* flag, or count for LIST/MULTI (0: none) */
    const char *metavar;
    const char *help;
    double lo, hi; /* bounds of numbers */
    int cap;       /* entries of a LIST/MULTI array */
} opt_t;

#define OFF(f) offsetof(sw_cli_t, f)
#define NOHAS 0

/* clang-format off */
static const opt_t opts[] = {
    {"db", "db", 0, K_STR, OFF(db), NOHAS, "FILE", "the exercise database", 0, 0, 0},
    {"team", "team", 0, K_STR, OFF(team), NOHAS, "TEAM", "the team (its id, as `seawall validate` lists them)", 0, 0, 0},
    {"actor", "actor", 0, K_STR, OFF(actor), NOHAS, "NAME", "who acts, for the journal (default: $USER)", 0, 0, 0},
    {"scenario", "scenario", 0, K_STR, OFF(scenario), NOHAS, "NAME|FILE", "a built-in scenario or a scenario file", 0, 0, 0},
    {"view", "view", 0, K_STR, OFF(view), NOHAS, "TEAM", "an observer's view of another team", 0, 0, 0},
    {"seed", "seed", 0, K_U64, OFF(seed), OFF(has_seed), "N", "random seed (default: the scenario's)", 0, 1.8e19, 0},
    {"until", "until", 0, K_DUR, OFF(until_ms), OFF(has_until), "TIME", "exercise time to stop at (1h30m or T+01:30)", 0, 0, 0},
    {"from", "from", 0, K_DUR, OFF(from_ms), OFF(has_from), "TIME", "exercise time to start at", 0, 0, 0},
    {"at", "at", 0, K_DUR, OFF(at_ms), OFF(has_at), "TIME", "exercise time", 0, 0, 0},
    {"speed", "speed", 0, K_DBL, OFF(speed), OFF(has_speed), "X", "exercise seconds per wall second (1 = real time)", 0, 3600, 0},
    {"paused", "paused", 0, K_FLAG, OFF(paused), NOHAS, NULL, "create or resume with the clock stopped", 0, 0, 0},
    {"replace", "replace", 0, K_FLAG, OFF(replace), NOHAS, NULL, "replace an existing exercise database (never another file)", 0, 0, 0},
    {"fast", "fast", 0, K_FLAG, OFF(fast), NOHAS, NULL, "run the clock as fast as the machine can", 0, 0, 0},
    {"json", "json", 0, K_FLAG, OFF(json), NOHAS, NULL, "print JSON", 0, 0, 0},
    {"quiet", "quiet", 'q', K_FLAG, OFF(quiet), NOHAS, NULL, "print less", 0, 0, 0},
    {"verbose", "verbose", 'v', K_FLAG, OFF(verbose), NOHAS, NULL, "print more", 0, 0, 0},
    {"all", "all", 0, K_FLAG, OFF(all), NOHAS, NULL, "include withdrawn rules", 0, 0, 0},
    {"out", "out", 0, K_STR, OFF(out), NOHAS, "DIR", "write files into DIR", 0, 0, 0},
    {"output", "output", 'o', K_STR, OFF(output), NOHAS, "FILE", "write to FILE (default: standard output)", 0, 0, 0},
    {"format", "format", 0, K_STR, OFF(format), NOHAS, "FORMAT", "html, json, md or csv (the timeline)", 0, 0, 0},
    {"now", "now", 0, K_STR, OFF(now), NOHAS, "TIME", "ISO 8601 time that relative query times count from", 0, 0, 0},
    {"kind", "kind", 0, K_STR, OFF(kind), NOHAS, "KIND", "only entries of this kind", 0, 0, 0},
    {"limit", "limit", 0, K_LONG, OFF(limit), OFF(has_limit), "N", "show at most N", 0, 1e12, 0},
    {"max", "max", 0, K_LONG, OFF(max), OFF(has_max), "N", "refuse when more than N records match", 1, 1e12, 0},
    {"from-team", "from", 0, K_STR, OFF(from_team), NOHAS, "TEAM", "the team that shares", 0, 0, 0},
    {"to-team", "to", 0, K_STR, OFF(to_team), NOHAS, "TEAM", "the team it shares with", 0, 0, 0},
    {"demo-world", "demo-world", 0, K_FLAG, OFF(demo_world), NOHAS, NULL, "background only, on the built-in demo world", 0, 0, 0},
    {"teams", "teams", 0, K_U64, OFF(teams), OFF(has_teams), "N", "teams in the demo world", 1, 8, 0},
    {"hosts", "hosts", 0, K_U64, OFF(hosts), OFF(has_hosts), "N", "hosts per team in the demo world", 16, 4000, 0},
    {"rules", "rules", 0, K_LIST, OFF(rules), OFF(n_rules), "RULE...", "Sigma rule files or folders", 0, 0, SW_CLI_MAX_LIST},
    {"events", "events", 0, K_LIST, OFF(events), OFF(n_events), "FILE...", "JSON-lines event files", 0, 0, SW_CLI_MAX_LIST},
    {"series", "series", 0, K_LIST, OFF(series), OFF(n_series), "DB...", "several exercise databases, oldest first: each team's figures year on year", 0, 0, SW_CLI_MAX_LIST},
    {"check", "check", 0, K_LIST, OFF(checks), OFF(n_checks), "RULE...", "lint rules and print the load report", 0, 0, SW_CLI_MAX_LIST},
    {"defender", "defender", 0, K_MULTI, OFF(defenders), OFF(n_defenders), "FILE", "a scripted defender (repeatable: one per team)", 0, 0, SW_CLI_MAX_LIST},
    {"syslog", "syslog", 0, K_MULTI, OFF(syslogs), OFF(n_syslogs), "URL", "send RFC 5424 syslog to udp://HOST:PORT or tcp://HOST:PORT (repeatable)", 0, 0, 6},
    {"var", "var", 0, K_MULTI, OFF(vars), OFF(n_vars), "NAME=V[,V]", "a Sigma placeholder's values (repeatable)", 0, 0, 64},
    {"truth", "truth", 0, K_FLAG, OFF(truth), NOHAS, NULL, "compare matches with the ground truth (instructors)", 0, 0, 0},
    {"verify", "verify", 0, K_FLAG, OFF(verify), NOHAS, NULL, "check the journal's chain of entries", 0, 0, 0},
    {"upgrade", "upgrade", 0, K_FLAG, OFF(upgrade), NOHAS, NULL, "chain a journal written before tamper evidence, as it is", 0, 0, 0},
    {"head", "head", 0, K_STR, OFF(head), NOHAS, "HASH", "with --verify: a head noted earlier, to check nothing up to it changed", 0, 0, 0},
    {"listen", "listen", 0, K_STR, OFF(listen), NOHAS, "ADDR:PORT", "where to listen (default 127.0.0.1:8080)", 0, 0, 0},
    {"tls-cert", "tls-cert", 0, K_STR, OFF(tls_cert), NOHAS, "FILE", "TLS certificate (PEM): serve HTTPS", 0, 0, 0},
    {"tls-key", "tls-key", 0, K_STR, OFF(tls_key), NOHAS, "FILE", "TLS private key (PEM)", 0, 0, 0},
    {"role", "role", 0, K_STR, OFF(role), NOHAS, "ROLE", "admin, instructor, player or observer", 0, 0, 0},
    {"routes", "routes", 0, K_FLAG, OFF(routes), NOHAS, NULL, "print the API's route table (JSON) and stop", 0, 0, 0},
};
/* clang-format on */

#define N_OPTS (sizeof opts / sizeof opts[0])

/* Is key in the space-separated list? */
static int listed(const char *list, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = list ? list : ""; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == n && !strncmp(p, key, n))
            return 1;
        p = e;
    }
    return 0;
}

static const opt_t *by_key(const char *key)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (!strcmp(opts[i].key, key))
            return &opts[i];
    return NULL;
}

/* The row cmd takes that is spelled flag (or short). */
static const opt_t *find(const sw_cli_cmd_t *cmd, const char *flag, char short_flag)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt_t *o = &opts[i];
        if (!listed(cmd->options, o->key))
            continue;
        if (flag ? !strcmp(o->flag, flag) : o->short_flag == short_flag)
            return o;
    }
    return NULL;
}

/* The flag cmd takes closest to a mistyped one, for "did you mean". */
static const char *closest(const sw_cli_cmd_t *cmd, const char *flag)
{
    const char *cands[N_OPTS];
    size_t n = 0;
    for (size_t i = 0; i < N_OPTS; i++)
        if (listed(cmd->options, opts[i].key))
            cands[n++] = opts[i].flag;
    const char *best = sw_closest(flag, cands, n, 0);
    for (size_t i = 0; !best && i < n; i++) /* --verb for --verbose */
        if (strlen(flag) >= 2 && !strncmp(cands[i], flag, strlen(flag)))
            best = cands[i];
    return best;
}

static int say(const sw_cli_cmd_t *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int say(const sw_cli_cmd_t *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "seawall %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (seawall %s --help for usage)\n", cmd->name);
    return 2;
}

/* Store text as o's value. Returns 0 or prints why and returns 2. */
static int set_value(const sw_cli_cmd_t *cmd, const opt_t *o, const char *text, sw_cli_t *a)
{
    char *base = (char *)a;
    char *end;
    switch (o->kind) {
    case K_STR:
        *(const char **)(base + o->off) = text;
        return 0;
    case K_U64:
    case K_LONG: {
        errno = 0;
        if (!*text || text[0] == '-' || text[0] == '+')
            errno = EINVAL;
        unsigned long long v = strtoull(text, &end, 10);
        if (errno || *end)
            return say(cmd, "--%s '%s' is not a whole number", o->flag, text);
        if ((double)v < o->lo || (double)v > o->hi)
            return say(cmd, "--%s %s is out of range (%.0f to %.0f)", o->flag, text, o->lo, o->hi);
        if (o->kind == K_U64)
            *(uint64_t *)(base + o->off) = (uint64_t)v;
        else
            *(long *)(base + o->off) = (long)v;
        break;
    }
    case K_DUR: {
        int64_t ms;
        if (sw_parse_exercise_time(text, &ms))
            return say(cmd, "--%s '%s' is not a duration (like 90s, 10m, 1h30m) or T+HH:MM",
                       o->flag, text);
        *(int64_t *)(base + o->off) = ms;
        break;
    }
    case K_DBL: {
        errno = 0;
        double v = strtod(text, &end);
        if (errno || end == text || *end || !isfinite(v))
            return say(cmd, "--%s '%s' is not a number", o->flag, text);
        if (!(v > o->lo && v <= o->hi))
            return say(cmd, "--%s %s is out of range (above %g, at most %g)", o->flag, text, o->lo,
                       o->hi);
        *(double *)(base + o->off) = v;
        break;
    }
    case K_MULTI: {
        int *n = (int *)(base + o->has_off);
        if (*n >= o->cap)
            return say(cmd, "at most %d --%s", o->cap, o->flag);
        ((const char **)(base + o->off))[(*n)++] = text;
        return 0;
    }
    default:
        return 0;
    }
    if (o->has_off)
        *(int *)(base + o->has_off) = 1;
    return 0;
}

int sw_cli_parse(const sw_cli_cmd_t *cmd, int argc, char **argv, int first, sw_cli_t *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd->name;
    a->args = calloc((size_t)argc + 1, sizeof *a->args);
    if (!a->args) {
        fprintf(stderr, "seawall %s: out of memory\n", cmd->name);
        return 2;
    }
    int opts_done = 0;
    const opt_t *list = NULL; /* the list bare arguments go to */
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        int is_opt = !opts_done && arg[0] == '-' && arg[1] != '\0';
        if (is_opt && !strcmp(arg, "--")) {
            opts_done = 1;
            continue;
        }
        if (!is_opt && list) {
            int *n = (int *)((char *)a + list->has_off);
            if (*n >= list->cap)
                return say(cmd, "at most %d values after --%s", list->cap, list->flag);
            ((const char **)((char *)a + list->off))[(*n)++] = argv[i];
            continue;
        }
        if (!is_opt) {
            a->args[a->n_args++] = argv[i];
            continue;
        }
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            sw_cli_usage(cmd, stdout);
            return 0;
        }
        const opt_t *o = NULL;
        const char *inline_val = NULL;
        char name[64];
        if (arg[1] == '-') {
            const char *eq = strchr(arg + 2, '=');
            size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
            if (n < sizeof name) {
                memcpy(name, arg + 2, n);
                name[n] = '\0';
                o = find(cmd, name, 0);
                inline_val = eq ? eq + 1 : NULL;
            }
        } else if (!arg[2]) {
            o = find(cmd, NULL, arg[1]);
        }
        if (!o) {
            const char *near = arg[1] == '-' && strlen(arg) < 66 ? closest(cmd, arg + 2) : NULL;
            if (near)
                return say(cmd, "unknown option '%s' (did you mean --%s?)", arg, near);
            return say(cmd, "unknown option '%s'", arg);
        }
        if (o->kind == K_FLAG) {
            if (inline_val)
                return say(cmd, "--%s takes no value", o->flag);
            *(int *)((char *)a + o->off) = 1;
            continue;
        }
        if (o->kind == K_LIST) {
            list = o;
            int *n = (int *)((char *)a + o->has_off);
            if (inline_val && *n < o->cap)
                ((const char **)((char *)a + o->off))[(*n)++] = inline_val;
            continue;
        }
        const char *val = inline_val;
        if (!val) {
            if (i + 1 >= argc)
                return say(cmd, "--%s needs a value (%s)", o->flag, o->metavar);
            val = argv[++i];
        }
        int rc = set_value(cmd, o, val, a);
        if (rc)
            return rc;
    }
    /* a list opened and left empty */
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt_t *o = &opts[i];
        if (o->kind != K_LIST || !listed(cmd->options, o->key))
            continue;
        int given = 0;
        for (int k = first; k < argc && !given; k++)
            given = argv[k][0] == '-' && argv[k][1] == '-' &&
                    !strncmp(argv[k] + 2, o->flag, strlen(o->flag)) &&
                    (argv[k][2 + strlen(o->flag)] == '\0' || argv[k][2 + strlen(o->flag)] == '=');
        if (given && *(const int *)((const char *)a + o->has_off) == 0)
            return say(cmd, "--%s needs at least one %s", o->flag, o->metavar);
    }
    /* what the command cannot do without */
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt_t *o = &opts[i];
        if (!listed(cmd->required, o->key))
            continue;
        const char *base = (const char *)a;
        int set = o->kind == K_STR ? *(const char *const *)(base + o->off) != NULL
                  : o->has_off     ? *(const int *)(base + o->has_off) != 0
                                   : *(const int *)(base + o->off) != 0;
        if (!set)
            return say(cmd, "--%s is required", o->flag);
    }
    if (a->n_args < cmd->min_args)
        return say(cmd, "%s %s", cmd->min_args == 1 && cmd->max_args == 1 ? "give" : "needs",
                   cmd->args ? cmd->args : "arguments");
    if (cmd->max_args >= 0 && a->n_args > cmd->max_args)
        return say(cmd,
                   cmd->max_args == 0 ? "unexpected argument '%s'"
                                      : "unexpected argument '%s' (quote a query with spaces)",
                   a->args[cmd->max_args]);
    return -1;
}

void sw_cli_usage(const sw_cli_cmd_t *cmd, FILE *f)
{
    fprintf(f, "usage: seawall %s", cmd->name);
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt_t *o = &opts[i];
        if (!listed(cmd->required, o->key))
            continue;
        fprintf(f, " --%s %s", o->flag, o->metavar ? o->metavar : "");
    }
    if (cmd->options && *cmd->options)
        fprintf(f, " [options]");
    if (cmd->args)
        fprintf(f, " %s", cmd->args);
    fprintf(f, "\n");
    if (cmd->help)
        fprintf(f, "%s", cmd->help);
    int any = 0;
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt_t *o = &opts[i];
        if (!listed(cmd->options, o->key))
            continue;
        if (!any++)
            fprintf(f, "\noptions:\n");
        char left[64];
        if (o->short_flag)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_flag, o->flag,
                     o->metavar ? " " : "", o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof left, "--%s%s%s", o->flag, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        fprintf(f, "  %-24s %s%s\n", left, o->help,
                listed(cmd->required, o->key) ? " (required)" : "");
    }
    fprintf(f, "  %-24s %s\n", "-h, --help", "this text");
}

int sw_cli_usage_error(const sw_cli_t *a, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "seawall %s: ", a->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (seawall %s --help for usage)\n", a->cmd);
    return 2;
}

const char *sw_cli_actor(const sw_cli_t *a)
{
    if (a->actor && *a->actor)
        return a->actor;
    const char *u = getenv("USER");
    return u && *u ? u : "cli";
}

int64_t sw_cli_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sw_cli_table_check(const sw_cli_cmd_t *cmds, size_t n, char *err, size_t err_len)
{
    for (size_t c = 0; c < n; c++) {
        const char *lists[2] = {cmds[c].options, cmds[c].required};
        for (int l = 0; l < 2; l++) {
            for (const char *p = lists[l] ? lists[l] : ""; *p;) {
                while (*p == ' ')
                    p++;
                const char *e = p;
                while (*e && *e != ' ')
                    e++;
                char key[64];
                size_t len = (size_t)(e - p);
                if (len && len < sizeof key) {
                    memcpy(key, p, len);
                    key[len] = '\0';
                    if (!by_key(key)) {
                        snprintf(err, err_len, "%s: no option '%s' in the table", cmds[c].name,
                                 key);
                        return -1;
                    }
                    if (l == 1 && !listed(cmds[c].options, key)) {
                        snprintf(err, err_len, "%s: requires '%s' but does not take it",
                                 cmds[c].name, key);
                        return -1;
                    }
                }
                p = e;
            }
        }
        for (size_t i = 0; i < N_OPTS; i++)
            for (size_t j = i + 1; j < N_OPTS; j++)
                if (listed(cmds[c].options, opts[i].key) && listed(cmds[c].options, opts[j].key) &&
                    (!strcmp(opts[i].flag, opts[j].flag) ||
                     (opts[i].short_flag && opts[i].short_flag == opts[j].short_flag))) {
                    snprintf(err, err_len, "%s: takes --%s twice", cmds[c].name, opts[i].flag);
                    return -1;
                }
    }
    return 0;
}
