/* test_telemetry.c — telemetry records: schema of every record type (from
 * tests/data/telemetry/schema.txt, through detect/event's parser), process
 * trees, logon sessions, sensor gating and gaps, background rates,
 * determinism, the hidden truth, and the syslog frame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "detect/event.h"
#include "telemetry/demo_world.h"
#include "telemetry/sink.h"
#include "telemetry/telemetry.h"

/* ---- a collector: every record, in order ---------------------------------- */

typedef struct rec {
    sw_tel_source_t src;
    int eid;
    uint32_t host;
    uint32_t truth;
    int64_t t_ms;
    char *json;
} rec_t;

typedef struct coll {
    rec_t *v;
    size_t n, cap;
    uint64_t hash;
} coll_t;

static int collect(void *ud, const sw_tel_record_t *r)
{
    coll_t *c = ud;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        assert_non_null(c->v);
    }
    rec_t *x = &c->v[c->n++];
    x->src = r->source;
    x->eid = r->event_id;
    x->host = r->host;
    x->truth = r->truth;
    x->t_ms = r->t_ms;
    x->json = strndup(r->json, r->json_len);
    assert_non_null(x->json);
    assert_int_equal(strlen(x->json), r->json_len); /* no NUL inside */
    c->hash = sw_hash64(r->json, r->json_len, c->hash ? c->hash : SW_HASH64_INIT);
    c->hash = sw_hash64(&r->truth, sizeof r->truth, c->hash);
    return 0;
}

static void coll_free(coll_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].json);
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* ---- fixture: the demo world, a scripted run of every activity ------------ */

typedef struct fx {
    sw_world_t w;
    sw_tel_t *tel;
    sw_tel_bg_t *bg;
    coll_t c;
    uint32_t ws_a, ws_b; /* A: Sysmon, logging later stopped; B: no Sysmon, enhanced later */
    uint64_t seq_a_stopped, seq_b_enhanced;
} fx_t;

#define MIN 60000LL
#define HOUR 3600000LL

static uint32_t host_by_name(const sw_world_t *w, const char *name)
{
    uint32_t h = sw_world_host(w, name);
    assert_int_not_equal(h, SW_NONE);
    return h;
}

static uint32_t user_of(const sw_world_t *w, uint32_t ws)
{
    for (uint32_t u = 0; u < w->n_users; u++)
        if (w->users[u].workstation == ws)
            return u;
    fail_msg("no user for host %u", ws);
    return SW_NONE;
}

static void fx_world(fx_t *f, uint32_t teams, uint32_t hosts, uint64_t seed)
{
    memset(f, 0, sizeof *f);
    sw_world_init(&f->w);
    assert_int_equal(sw_tel_demo_world(&f->w, teams, hosts, seed), 0);
}

static void fx_start(fx_t *f, uint64_t seed)
{
    sw_tel_config_t cfg = {
        .seed = seed, .proc_audit = SW_TEL_AUDIT_SERVERS, .cb = collect, .ud = &f->c};
    assert_int_equal(sw_tel_new(&f->tel, &f->w, &cfg), 0);
    assert_int_equal(sw_tel_bg_new(&f->bg, f->tel, NULL, seed), 0);
}

static void fx_free(fx_t *f)
{
    sw_tel_bg_free(f->bg);
    sw_tel_free(f->tel);
    coll_free(&f->c);
    sw_world_free(&f->w);
}

/* Every activity function at least once, with truth ids 100+. */
static void script(fx_t *f, int64_t t)
{
    sw_tel_t *tel = f->tel;
    const sw_world_t *w = &f->w;
    uint32_t dc = host_by_name(w, "pw-dc01"), web = host_by_name(w, "pw-web01"),
             mail = host_by_name(w, "pw-mail01"), fw = host_by_name(w, "pw-fw01"),
             rtr = host_by_name(w, "pw-rtr01"), a = f->ws_a;
    uint32_t ua = user_of(w, a);
    sw_tel_session_t s, sdc, slx;
    uint32_t cmd, ps, child;
    assert_int_equal(sw_tel_logon_failed(tel, t, a, w->users[ua].account, 2, NULL, 100), 0);
    assert_int_equal(sw_tel_logon(tel, t + 1000, a, ua, NULL, 2, NULL, 101, &s), 0);
    assert_int_equal(sw_tel_process_start(tel, t + 5000, s, 0, "C:\\Windows\\System32\\cmd.exe",
                                          "\"C:\\Windows\\system32\\cmd.exe\"", 102, &cmd),
                     0);
    assert_int_equal(
        sw_tel_process_start(tel, t + 6000, s, cmd,
                             "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                             "powershell -nop -w hidden -enc SQBFAFgA \"quoted\\path\"", 103, &ps),
        0);
    assert_int_equal(
        sw_tel_dns(tel, t + 6100, a, ps, "update-check.example.net", "203.0.113.7", 104), 0);
    sw_tel_conn_t c2 = {.src_host = a,
                        .dst_host = SW_NONE,
                        .dst_ip = "203.0.113.7",
                        .dst_port = 443,
                        .dst_name = "update-check.example.net",
                        .service = "ssl",
                        .url = "https://update-check.example.net/a.php?id=1",
                        .bytes_out = 5000,
                        .bytes_in = 90000,
                        .duration_ms = 3000};
    assert_int_equal(sw_tel_net_conn(tel, t + 6200, ps, &c2, 105), 0);
    assert_int_equal(sw_tel_file_create(tel, t + 6300, a, ps, "C:\\Users\\Public\\svc.dll", 106),
                     0);
    assert_int_equal(sw_tel_file_rename(tel, t + 6310, a, ps, "C:\\Users\\Public\\a.docx",
                                        "C:\\Users\\Public\\a.docx.reef", 106),
                     0);
    assert_int_equal(sw_tel_file_delete(tel, t + 6320, a, ps, "C:\\Users\\Public\\b.docx", 106), 0);
    assert_int_equal(sw_tel_image_load(tel, t + 6400, a, ps, "C:\\Users\\Public\\svc.dll", 107), 0);
    assert_int_equal(
        sw_tel_registry_key(tel, t + 6500, a, ps, "HKCU\\Software\\Classes\\x", 1, 108), 0);
    assert_int_equal(
        sw_tel_registry_set(tel, t + 6600, a, ps,
                            "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd",
                            "rundll32.exe C:\\Users\\Public\\svc.dll,Start", 109),
        0);
    assert_int_equal(sw_tel_explicit_creds(tel, t + 6700, s, ps, "Administrator", "pw-dc01", 110),
                     0);
    assert_int_equal(sw_tel_task_create(tel, t + 6800, s, ps, "\\Microsoft\\Windows\\Update\\upd",
                                        "C:\\Windows\\System32\\rundll32.exe",
                                        "C:\\Users\\Public\\svc.dll,Start", 111),
                     0);
    assert_int_equal(sw_tel_service_install(tel, t + 6900, s, "updsvc",
                                            "%COMSPEC% /c C:\\Users\\Public\\u.bat", "auto start",
                                            112),
                     0);
    assert_int_equal(sw_tel_av_detection(tel, t + 7000, a, ps, "HackTool:Win32/Mimikatz",
                                         "C:\\Users\\Public\\m.exe", "Quarantine", 113),
                     0);
    /* credential theft and injection: lsass opened, a thread in explorer, a pipe */
    uint32_t lsass = sw_tel_find_process(tel, a, "LSASS.EXE");
    assert_true(lsass != 0);
    assert_int_equal(sw_tel_process_access(tel, t + 7020, a, ps, lsass, 0x1010, NULL, 113), 0);
    assert_int_equal(sw_tel_remote_thread(tel, t + 7030, a, ps, sw_tel_session_shell(tel, s),
                                          "C:\\Windows\\System32\\KERNEL32.DLL", "LoadLibraryW",
                                          113),
                     0);
    assert_int_equal(sw_tel_pipe(tel, t + 7040, a, ps, "\\MSSE-4242-server", 0, 113), 0);
    assert_int_equal(sw_tel_pipe(tel, t + 7050, a, ps, "\\MSSE-4242-server", 1, 113), 0);
    assert_int_equal(
        sw_tel_process_start(tel, t + 7100, s, ps, "C:\\Windows\\System32\\wbem\\WMIC.exe",
                             "wmic process call create \"cmd /c whoami\"", 114, &child),
        0);
    assert_int_equal(sw_tel_process_end(tel, t + 7200, a, child, 114), 0);
    /* on the DC: a network logon, then account and group changes */
    assert_int_equal(sw_tel_logon(tel, t + 8000, dc, ua, NULL, 3, w->hosts[a].ip_text, 115, &sdc),
                     0);
    assert_int_equal(sw_tel_account_created(tel, t + 8100, sdc, "helpdesk2", 116), 0);
    assert_int_equal(sw_tel_group_add(tel, t + 8200, sdc, "helpdesk2", "Domain Admins", 117), 0);
    assert_int_equal(sw_tel_group_add(tel, t + 8300, sdc, "helpdesk2", "Administrators", 118), 0);
    assert_int_equal(sw_tel_kerberos_tgs(tel, t + 8400, dc, w->users[ua].account,
                                         "MSSQLSvc/db01:1433", w->hosts[a].ip_text, 0x17, 119),
                     0);
    assert_int_equal(sw_tel_logoff(tel, t + 8500, sdc, 115), 0);
    /* network sensors, devices, servers */
    sw_tel_conn_t in = {.src_host = SW_NONE,
                        .dst_host = web,
                        .src_ip = "198.51.100.23",
                        .dst_port = 443,
                        .service = "http",
                        .bytes_out = 900,
                        .bytes_in = 300,
                        .duration_ms = 80};
    assert_int_equal(sw_tel_ids_alert(tel, t + 9000, fw, &in, 2027865,
                                      "ET EXPLOIT Possible Webshell Upload",
                                      "Web Application Attack", 1, 120),
                     0);
    assert_int_equal(sw_tel_flow(tel, t + 9100, rtr, &in, 121), 0);
    assert_int_equal(sw_tel_web_request(tel, t + 9200, web, "198.51.100.23", "POST",
                                        "/uploads/shell.php?cmd=whoami", 200, 21,
                                        "python-requests/2.31", 122),
                     0);
    assert_int_equal(sw_tel_mail(tel, t + 9300, mail, "hr@pacific-jobs.example", "x@gov.pw",
                                 "Job offer", "offer.docm", "192.0.2.9", "delivered", 123),
                     0);
    assert_int_equal(sw_tel_av_detection(tel, t + 9400, mail, 0, "Doc.Dropper.Agent-123",
                                         "/var/spool/mail/x/offer.docm", "Allow", 124),
                     0);
    assert_int_equal(sw_tel_router_login(tel, t + 9500, rtr, "admin", "198.51.100.23", 0, 125), 0);
    assert_int_equal(sw_tel_router_login(tel, t + 9600, rtr, "admin", "198.51.100.23", 1, 125), 0);
    assert_int_equal(sw_tel_router_config_change(tel, t + 9700, rtr, "admin", "198.51.100.23",
                                                 "no logging host 10.10.2.19", 126),
                     0);
    assert_int_equal(sw_tel_router_reboot(tel, t + 9800, rtr, NULL, NULL, 127), 0);
    assert_int_equal(sw_tel_router_login(tel, t + 9900, fw, "admin", "198.51.100.23", 1, 128), 0);
    assert_int_equal(sw_tel_router_config_change(tel, t + 10000, fw, "admin", "198.51.100.23",
                                                 "admin-sport 8443", 128),
                     0);
    assert_int_equal(sw_tel_router_reboot(tel, t + 10100, fw, "admin", "firmware upgrade", 128), 0);
    assert_int_equal(sw_tel_logon_failed(tel, t + 10200, web, "root", 3, "198.51.100.23", 129), 0);
    assert_int_equal(
        sw_tel_logon(tel, t + 10300, web, SW_NONE, "root", 3, "198.51.100.23", 130, &slx), 0);
    assert_int_equal(sw_tel_sudo(tel, t + 10400, slx, "/usr/bin/id", 130), 0);
    assert_int_equal(
        sw_tel_file_create(tel, t + 10450, web, sw_tel_session_shell(tel, slx), "/tmp/.x.sh", 130),
        0);
    assert_int_equal(sw_tel_logoff(tel, t + 10500, slx, 130), 0);
    /* anti-forensics on A: clear, then stop logging -> the gap */
    assert_int_equal(sw_tel_log_clear(tel, t + 11000, s, "Security", 131), 0);
    assert_int_equal(sw_tel_log_clear(tel, t + 11100, s, "System", 131), 0);
    assert_int_equal(sw_tel_logging_stop(tel, t + 11200, s, SW_TEL_LOG_AUDIT, 132), 0);
    assert_int_equal(sw_tel_logging_start(tel, t + 11250, a, SW_TEL_LOG_AUDIT), 0);
    assert_int_equal(sw_tel_logging_stop(tel, t + 11300, s, SW_TEL_LOG_SYSMON, 133), 0);
    assert_int_equal(sw_tel_logging_stop(tel, t + 11400, s, SW_TEL_LOG_EVENTLOG, 134), 0);
    f->seq_a_stopped = f->c.n;
    /* the defenders turn on enhanced logging on B */
    f->seq_b_enhanced = f->c.n;
    assert_int_equal(sw_tel_enhanced_logging(tel, t + 12000, f->ws_b), 0);
    /* power: an orderly restart of fs01 (1074, 6006; 6005, 4608), a power
     * loss on dc02 (6008 at boot); a cable flap on the edge router */
    uint32_t fs = host_by_name(w, "pw-fs01"), dc2 = host_by_name(w, "pw-dc02");
    assert_int_equal(sw_tel_host_down(tel, t + 13000, fs, "reboot", 0), 0);
    assert_int_equal(sw_tel_host_up(tel, t + 33000, fs, 0), 0);
    assert_int_equal(sw_tel_host_down(tel, t + 13100, dc2, "power", 0), 0);
    assert_int_equal(sw_tel_host_up(tel, t + 43000, dc2, 0), 0);
    assert_int_equal(
        sw_tel_link_state(tel, t + 14000, rtr, "GigabitEthernet0/0/0", "192.0.2.1", 0, 0), 0);
    assert_int_equal(
        sw_tel_link_state(tel, t + 14000 + 5 * MIN, rtr, "GigabitEthernet0/0/0", "192.0.2.1", 1, 0),
        0);
}

/* One team, 30 hosts; A has Sysmon, B has not; 4 hours with the script at 1h. */
static void fx_full(fx_t *f, uint64_t seed)
{
    fx_world(f, 1, 30, seed);
    f->ws_a = f->ws_b = SW_NONE;
    for (uint32_t h = 0; h < f->w.n_hosts; h++) {
        if (f->w.hosts[h].role != SW_ROLE_WORKSTATION)
            continue;
        if (f->ws_a == SW_NONE)
            f->ws_a = h, f->w.hosts[h].sensors.sysmon = 1, f->w.hosts[h].sensors.edr = 1;
        else if (f->ws_b == SW_NONE)
            f->ws_b = h, f->w.hosts[h].sensors.sysmon = 0;
    }
    fx_start(f, seed);
    assert_int_equal(sw_tel_background_run(f->bg, 0, HOUR), 0);
    script(f, HOUR);
    assert_int_equal(sw_tel_background_run(f->bg, HOUR, 4 * HOUR), 0);
}

/* ---- schema ------------------------------------------------------------------ */

typedef struct req {
    char type[32];
    char field[64];
    char shape[16];
    int seen;
} req_t;

static req_t *load_schema(size_t *n)
{
    FILE *fp = fopen("tests/data/telemetry/schema.txt", "r");
    assert_non_null(fp);
    req_t *v = NULL;
    size_t cap = 0;
    *n = 0;
    char line[256];
    while (fgets(line, sizeof line, fp)) {
        char *p = line;
        while (*p == ' ')
            p++;
        if (*p == '#' || *p == '\n' || !*p)
            continue;
        line[strcspn(line, "\n")] = '\0';
        /* TYPE FIELD... SHAPE: the field may hold spaces ("Threat Name") */
        char *sp1 = strchr(p, ' ');
        char *last = strrchr(p, ' ');
        assert_non_null(sp1);
        assert_true(last > sp1);
        if (*n == cap) {
            cap = cap ? cap * 2 : 128;
            v = realloc(v, cap * sizeof *v);
        }
        req_t *r = &v[(*n)++];
        memset(r, 0, sizeof *r);
        snprintf(r->type, sizeof r->type, "%.*s", (int)(sp1 - p), p);
        snprintf(r->shape, sizeof r->shape, "%s", last + 1);
        char *fs = sp1, *fe = last;
        while (*fs == ' ')
            fs++;
        while (fe > fs && fe[-1] == ' ')
            fe--;
        snprintf(r->field, sizeof r->field, "%.*s", (int)(fe - fs), fs);
    }
    fclose(fp);
    return v;
}

static int all_hex(const char *s, size_t n, int upper_only)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
                 (!upper_only && c >= 'a' && c <= 'f');
        if (!ok)
            return 0;
    }
    return 1;
}

static int is_guid(const char *s, int upper)
{
    static const int seg[5] = {8, 4, 4, 4, 12};
    for (int i = 0; i < 5; i++) {
        if (!all_hex(s, (size_t)seg[i], upper))
            return 0;
        s += seg[i];
        if (i < 4 && *s++ != '-')
            return 0;
    }
    return *s == '\0';
}

static int digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int shape_ok(const sw_field_t *f, const char *shape)
{
    const char *v = f->value;
    size_t n = f->value_len;
    if (!strcmp(shape, "any"))
        return 1;
    if (!strcmp(shape, "str"))
        return f->type == SW_FV_STRING && n > 0;
    if (!strcmp(shape, "num"))
        return f->type == SW_FV_NUMBER;
    if (!strcmp(shape, "bool"))
        return f->type == SW_FV_BOOL;
    if (!strcmp(shape, "digits"))
        return f->type == SW_FV_STRING && digits(v);
    if (!strcmp(shape, "hex"))
        return f->type == SW_FV_STRING && n > 2 && v[0] == '0' && v[1] == 'x' &&
               all_hex(v + 2, n - 2, 0);
    if (!strcmp(shape, "guid"))
        return f->type == SW_FV_STRING && is_guid(v, 1);
    if (!strcmp(shape, "bguid")) {
        if (n != 38 || v[0] != '{' || v[37] != '}')
            return 0;
        char tmp[40];
        memcpy(tmp, v + 1, 36);
        tmp[36] = '\0';
        return is_guid(tmp, 0);
    }
    if (!strcmp(shape, "utc"))
        return n == 23 && v[4] == '-' && v[7] == '-' && v[10] == ' ' && v[13] == ':' &&
               v[19] == '.';
    if (!strcmp(shape, "iso"))
        return n >= 24 && v[4] == '-' && v[10] == 'T' && v[13] == ':' && v[19] == '.' &&
               v[n - 1] == 'Z';
    if (!strcmp(shape, "ip")) {
        unsigned a, b, c, d;
        char end;
        return sscanf(v, "%u.%u.%u.%u%c", &a, &b, &c, &d, &end) == 4 && a < 256 && b < 256 &&
               c < 256 && d < 256;
    }
    if (!strcmp(shape, "sid"))
        return !strncmp(v, "S-1-", 4);
    if (!strcmp(shape, "winpath"))
        return n > 3 && v[1] == ':' && v[2] == '\\';
    if (!strcmp(shape, "path"))
        return n > 0 && v[0] == '/';
    if (!strcmp(shape, "sha256"))
        return n == 7 + 64 && !strncmp(v, "SHA256=", 7) && all_hex(v + 7, 64, 0);
    if (!strcmp(shape, "hashes"))
        return !strncmp(v, "SHA1=", 5) && strstr(v, ",MD5=") && strstr(v, ",SHA256=") &&
               strstr(v, ",IMPHASH=") && n == 5 + 40 + 5 + 32 + 8 + 64 + 9 + 32;
    if (!strcmp(shape, "epoch")) /* seconds since 1970; the parser may drop ".000000" */
        return f->type == SW_FV_NUMBER && n >= 10 && v[0] == '1';
    if (!strncmp(shape, "eid:", 4))
        return !strcmp(v, shape + 4);
    fail_msg("unknown shape %s", shape);
    return 0;
}

static int is_windows_src(sw_tel_source_t s)
{
    return s == SW_TEL_SYSMON || s == SW_TEL_SECURITY || s == SW_TEL_SYSTEM ||
           s == SW_TEL_DEFENDER || s == SW_TEL_KERNEL_FILE;
}
/* Sysmon for Linux: the sysmon source, its own channel and schema. */
static int is_lsysmon(const rec_t *r)
{
    return r->src == SW_TEL_SYSMON && strstr(r->json, "\"Channel\":\"Linux-Sysmon/Operational\"");
}

static void every_record_type_has_its_required_fields(void **state)
{
    (void)state;
    fx_t f;
    fx_full(&f, 11);
    size_t n_req;
    req_t *req = load_schema(&n_req);
    assert_true(n_req > 100);
    sw_event_t ev;
    sw_event_init(&ev);
    sw_errbuf_t err;
    size_t failures = 0;
    for (size_t i = 0; i < f.c.n; i++) {
        const rec_t *r = &f.c.v[i];
        if (sw_event_parse_json(&ev, r->json, strlen(r->json), &err)) {
            print_error("record %zu does not parse: %s\n%s\n", i, err.msg, r->json);
            failures++;
            continue;
        }
        char type[48], wtype[8] = "win:*";
        const char *src = sw_tel_source_names[r->src];
        if (is_lsysmon(r)) {
            snprintf(type, sizeof type, "lsysmon:%d", r->eid);
        } else if (is_windows_src(r->src)) {
            snprintf(type, sizeof type, "%s:%d", src, r->eid);
        } else if (r->src == SW_TEL_AUDITD) {
            const sw_field_t *t = sw_event_get(&ev, "type");
            assert_non_null(t);
            snprintf(type, sizeof type, "auditd:%s", t->value);
        } else {
            snprintf(type, sizeof type, "%s:*", src);
        }
        int known = 0;
        for (size_t k = 0; k < n_req; k++) {
            int match = !strcmp(req[k].type, type) ||
                        (is_windows_src(r->src) && !strcmp(req[k].type, wtype));
            if (!match)
                continue;
            if (strcmp(req[k].type, wtype))
                known = 1;
            req[k].seen++;
            const sw_field_t *fl = sw_event_get(&ev, req[k].field);
            if (!fl || !shape_ok(fl, req[k].shape)) {
                if (failures++ < 10)
                    print_error("%s: field %s %s (value '%s')\n%s\n", type, req[k].field,
                                fl ? "has the wrong shape" : "is missing", fl ? fl->value : "",
                                r->json);
            }
        }
        if (!known && failures++ < 10)
            print_error("record type %s has no schema lines\n", type);
        if (is_windows_src(r->src)) {
            char eid[16];
            snprintf(eid, sizeof eid, "%d", r->eid);
            assert_string_equal(sw_event_get(&ev, "EventID")->value, eid);
        }
    }
    /* SW_TEL_SAMPLES=FILE: the first record of each type, for docs/telemetry.md */
    const char *dump = getenv("SW_TEL_SAMPLES");
    if (dump) {
        FILE *fp = fopen(dump, "w");
        assert_non_null(fp);
        char done[64][48];
        int n_done = 0;
        for (size_t i = 0; i < f.c.n && n_done < 64; i++) {
            const rec_t *r = &f.c.v[i];
            char type[48];
            if (is_lsysmon(r))
                snprintf(type, sizeof type, "lsysmon:%d", r->eid);
            else if (is_windows_src(r->src))
                snprintf(type, sizeof type, "%s:%d", sw_tel_source_names[r->src], r->eid);
            else if (r->src == SW_TEL_AUDITD)
                snprintf(type, sizeof type, "auditd:%s",
                         strstr(r->json, "SYSCALL") ? "SYSCALL" : "EXECVE");
            else
                snprintf(type, sizeof type, "%s:*", sw_tel_source_names[r->src]);
            int seen = 0;
            for (int k = 0; k < n_done; k++)
                seen |= !strcmp(done[k], type);
            /* the samples: Sysmon 1 of powershell, Sysmon for Linux 1 of sudo's id */
            if (seen ||
                (r->src == SW_TEL_SYSMON && r->eid == 1 &&
                 !strstr(r->json, is_lsysmon(r) ? "\"Image\":\"/usr/bin/id\"" : "powershell")))
                continue;
            snprintf(done[n_done++], sizeof done[0], "%s", type);
            fprintf(fp, "%s\t%s\n", type, r->json);
        }
        fclose(fp);
    }
    for (size_t k = 0; k < n_req; k++)
        if (!req[k].seen && failures++ < 20)
            print_error(
                "schema type %s (field %s) never produced: the test would not notice it breaking\n",
                req[k].type, req[k].field);
    assert_int_equal(failures, 0);
    sw_event_free(&ev);
    free(req);
    fx_free(&f);
}

/* ---- process trees and logon sessions ---------------------------------------------- */

typedef struct strset {
    char **v;
    size_t n, cap;
} strset_t;

static void set_add(strset_t *s, const char *k)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = strdup(k);
}

static int set_has(const strset_t *s, const char *k)
{
    for (size_t i = s->n; i-- > 0;)
        if (!strcmp(s->v[i], k))
            return 1;
    return 0;
}

static void set_free(strset_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static const char *get(const sw_event_t *ev, const char *name)
{
    const sw_field_t *f = sw_event_get(ev, name);
    return f ? f->value : NULL;
}

static void every_parent_and_logon_session_exists_first(void **state)
{
    (void)state;
    fx_t f;
    fx_full(&f, 12);
    sw_event_t ev;
    sw_event_init(&ev);
    strset_t guids = {0}, logons = {0};
    int64_t sysmon_since[64] = {0};           /* Unix ms Sysmon started, per host */
    const int64_t epoch_ms = 1773097200000LL; /* demo world: 2026-03-10 08:00 +09:00 */
    char key[256];
    size_t n_proc = 0, n_sess_checked = 0, n_lnx = 0;
    for (size_t i = 0; i < f.c.n; i++) {
        const rec_t *r = &f.c.v[i];
        if (r->src != SW_TEL_SYSMON && r->src != SW_TEL_SECURITY)
            continue;
        assert_int_equal(sw_event_parse_json(&ev, r->json, strlen(r->json), NULL), 0);
        const char *comp = get(&ev, "Computer");
        if (r->src == SW_TEL_SYSMON && r->eid == 4 && !strcmp(get(&ev, "State"), "Started") &&
            r->host < 64)
            sysmon_since[r->host] = r->t_ms + epoch_ms;
        if (r->src == SW_TEL_SECURITY && r->eid == 4624) {
            snprintf(key, sizeof key, "%s|%s", comp, get(&ev, "TargetLogonId"));
            set_add(&logons, key);
        }
        if (r->src == SW_TEL_SECURITY && r->eid == 4634) {
            snprintf(key, sizeof key, "%s|%s", comp, get(&ev, "TargetLogonId"));
            if (!set_has(&logons, key))
                fail_msg("4634 closes a logon no 4624 opened: %s", r->json);
        }
        if (r->src != SW_TEL_SYSMON || r->eid != 1)
            continue;
        n_proc++;
        snprintf(key, sizeof key, "%s|%s", comp, get(&ev, "ProcessGuid"));
        if (set_has(&guids, key))
            fail_msg("ProcessGuid reused: %s", r->json);
        int lnx = is_lsysmon(r);
        if (lnx && !strcmp(get(&ev, "ParentProcessId"), "1")) {
            /* Linux: init started before any sensor, its GUID is Sysmon's
             * view of the running process; only its image can be checked */
            assert_string_equal(get(&ev, "ParentImage"), "/usr/lib/systemd/systemd");
        } else if (strcmp(get(&ev, "ParentImage"), "System") != 0) {
            char pk[256];
            const char *pg = get(&ev, "ParentProcessGuid");
            snprintf(pk, sizeof pk, "%s|%s", comp, pg);
            /* where Sysmon was installed late (enhanced logging), parents
             * that started before it are legitimately unseen: the GUID
             * carries the parent's start time (seconds, fields 2-3) */
            unsigned lo = 0, hi = 0;
            sscanf(pg + 9, "%4x-%4x", &lo, &hi);
            int64_t parent_s = (int64_t)hi << 16 | lo;
            int64_t since = r->host < 64 ? sysmon_since[r->host] : 0;
            if (!set_has(&guids, pk) && !(since && parent_s * 1000 <= since))
                fail_msg("parent not seen before on %s: %s", comp, r->json);
        } else {
            assert_string_equal(get(&ev, "ParentProcessId"), "4");
        }
        set_add(&guids, key);
        const char *lid = get(&ev, "LogonId");
        if (lnx) {
            /* the login uid, not a logon id (4294967295: a daemon, no login) */
            assert_true(strspn(lid, "0123456789") == strlen(lid));
            n_lnx++;
            continue;
        }
        if (strcmp(lid, "0x3e7") && strcmp(lid, "0x3e5") && strcmp(lid, "0x3e4")) {
            /* a user session: its 4624 precedes it on hosts with a Security log */
            uint32_t h = r->host;
            if (f.w.hosts[h].sensors.security_log) {
                snprintf(key, sizeof key, "%s|%s", comp, lid);
                if (!set_has(&logons, key))
                    fail_msg("LogonId %s used before any 4624 opened it: %s", lid, r->json);
                n_sess_checked++;
            }
        }
    }
    print_message("%zu process creations (%zu Linux), %zu in user sessions checked\n", n_proc,
                  n_lnx, n_sess_checked);
    assert_true(n_lnx > 10);
    assert_true(n_proc > 200);
    /* time order: per host, a record is never more than the longest
     * activity span (about a minute: a scripted backup) behind the latest */
    int64_t latest[64];
    for (int i = 0; i < 64; i++)
        latest[i] = INT64_MIN;
    for (size_t i = 0; i < f.c.n; i++) {
        const rec_t *r = &f.c.v[i];
        if (r->host >= 64 ||
            r->src == SW_TEL_DEVICE) /* a reload spans the device's 95 s downtime */
            continue;
        if (latest[r->host] != INT64_MIN && r->t_ms < latest[r->host] - 65000)
            fail_msg("record %zu on host %u is %lld ms behind its host's latest", i, r->host,
                     (long long)(latest[r->host] - r->t_ms));
        if (r->t_ms > latest[r->host])
            latest[r->host] = r->t_ms;
    }
    assert_true(n_sess_checked > 100);
    set_free(&guids);
    set_free(&logons);
    sw_event_free(&ev);
    fx_free(&f);
}

/* ---- sensors --------------------------------------------------------------------- */

static void sensors_decide_what_is_seen(void **state)
{
    (void)state;
    fx_t f;
    fx_full(&f, 13);
    size_t sysmon_before_b = 0, sysmon_after_b = 0, audit_after_b = 0, a_after_gap = 0;
    int saw_1102 = 0, saw_1100 = 0, saw_s4 = 0, saw_104 = 0;
    for (size_t i = 0; i < f.c.n; i++) {
        const rec_t *r = &f.c.v[i];
        const sw_host_t *h = &f.w.hosts[r->host];
        /* no Sysmon sensor, no Sysmon records (B only after enhanced logging) */
        if (r->src == SW_TEL_SYSMON && !h->sensors.sysmon && r->host != f.ws_b)
            fail_msg("Sysmon record from %s, which has no Sysmon: %s", h->hostname, r->json);
        if (r->src == SW_TEL_SECURITY && !h->sensors.security_log)
            fail_msg("Security record from %s, which has no Security log", h->hostname);
        if ((r->src == SW_TEL_DEVICE) && !h->sensors.syslog)
            fail_msg("device record from %s without syslog", h->hostname);
        if (r->src == SW_TEL_ZEEK_CONN && !h->sensors.pcap)
            fail_msg("zeek record attributed to %s without pcap", h->hostname);
        if (r->host == f.ws_b && r->src == SW_TEL_SYSMON) {
            if (i < f.seq_b_enhanced)
                sysmon_before_b++;
            else
                sysmon_after_b++;
        }
        if (r->host == f.ws_b && r->src == SW_TEL_SECURITY && r->eid == 4688 &&
            i >= f.seq_b_enhanced)
            audit_after_b++;
        if (r->host == f.ws_a && i < f.seq_a_stopped) {
            saw_1102 |= r->eid == 1102;
            saw_104 |= r->src == SW_TEL_SYSTEM && r->eid == 104;
            saw_1100 |= r->eid == 1100;
            saw_s4 |= r->src == SW_TEL_SYSMON && r->eid == 4;
        }
        if (r->host == f.ws_a && i >= f.seq_a_stopped &&
            (r->src == SW_TEL_SYSMON || r->src == SW_TEL_SECURITY || r->src == SW_TEL_SYSTEM)) {
            print_error("written after logging stopped: %s\n", r->json);
            a_after_gap++;
        }
    }
    assert_true(saw_1102 && saw_104 && saw_1100 && saw_s4);
    assert_int_equal(a_after_gap, 0);
    assert_int_equal(sysmon_before_b, 0);
    assert_true(sysmon_after_b > 0);
    assert_true(audit_after_b > 0);
    /* the workstation of A keeps producing network records seen by others */
    fx_free(&f);
}

/* ---- power, isolation, links -------------------------------------------------------- */

static size_t count_host(const coll_t *c, size_t from, uint32_t host, sw_tel_source_t src, int eid)
{
    size_t n = 0;
    for (size_t i = from; i < c->n; i++)
        n += c->v[i].host == host && c->v[i].src == src && (eid < 0 || c->v[i].eid == eid);
    return n;
}

/* A host that is down writes nothing; its restart says so the way Windows
 * does; an isolated host's traffic is not seen; a cable flap shows on the
 * edge router. */
static void power_isolation_and_links_are_what_sensors_see(void **state)
{
    (void)state;
    fx_t f;
    fx_world(&f, 1, 30, 21);
    fx_start(&f, 21);
    const sw_world_t *w = &f.w;
    uint32_t fs = host_by_name(w, "pw-fs01"), dc2 = host_by_name(w, "pw-dc02"),
             rtr = host_by_name(w, "pw-rtr01"), ws = SW_NONE;
    for (uint32_t h = 0; h < w->n_hosts && ws == SW_NONE; h++)
        if (w->hosts[h].role == SW_ROLE_WORKSTATION)
            ws = h;
    assert_int_equal(sw_tel_background_run(f.bg, 0, 9 * HOUR), 0);
    size_t before = f.c.n;
    assert_int_equal(sw_tel_host_down(f.tel, 9 * HOUR, fs, "reboot", 0), 0);
    assert_int_equal(sw_tel_host_down(f.tel, 9 * HOUR, dc2, "power", 0), 0);
    assert_int_equal(sw_tel_host_isolate(f.tel, ws, 1), 0);
    assert_true(sw_tel_host_offline(f.tel, fs) && sw_tel_host_offline(f.tel, ws));
    size_t down_at = f.c.n;
    assert_int_equal(sw_tel_dns(f.tel, 9 * HOUR + 1000, ws, 0, "c2.example.net", "203.0.113.9", 1),
                     0);
    assert_int_equal(f.c.n, down_at); /* the isolated host's lookup never left it */
    assert_int_equal(sw_tel_background_run(f.bg, 9 * HOUR, 10 * HOUR), 0);
    size_t up_at = f.c.n;
    assert_int_equal(sw_tel_host_up(f.tel, 10 * HOUR, fs, 0), 0);
    assert_int_equal(sw_tel_host_up(f.tel, 10 * HOUR, dc2, 0), 0);
    assert_int_equal(sw_tel_host_isolate(f.tel, ws, 0), 0);
    assert_int_equal(
        sw_tel_link_state(f.tel, 10 * HOUR, rtr, "GigabitEthernet0/0/1", "192.0.2.7", 0, 0), 0);
    assert_int_equal(sw_tel_background_run(f.bg, 10 * HOUR, 11 * HOUR), 0);

    /* the orderly restart: 1074 then 6006; the power loss: nothing */
    assert_int_equal(count_host(&f.c, before, fs, SW_TEL_SYSTEM, 1074), 1);
    assert_int_equal(count_host(&f.c, before, fs, SW_TEL_SYSTEM, 6006), 1);
    assert_int_equal(count_host(&f.c, before, dc2, SW_TEL_SYSTEM, 1074), 0);
    /* while down, not one record from either host */
    for (size_t i = down_at; i < up_at; i++)
        if (f.c.v[i].host == fs || f.c.v[i].host == dc2)
            fail_msg("record from a host that is down: %s", f.c.v[i].json);
    /* while isolated: no network record names the workstation's address */
    const char *ip = w->hosts[ws].ip_text;
    char quoted[40];
    snprintf(quoted, sizeof quoted, "\"%s\"", ip);
    for (size_t i = down_at; i < up_at; i++) {
        const rec_t *r = &f.c.v[i];
        int net = r->src == SW_TEL_ZEEK_CONN || r->src == SW_TEL_ZEEK_DNS ||
                  r->src == SW_TEL_FIREWALL || r->src == SW_TEL_PROXY || r->src == SW_TEL_NETFLOW ||
                  (r->src == SW_TEL_SYSMON && (r->eid == 3 || r->eid == 22));
        if (net && strstr(r->json, quoted))
            fail_msg("network record of an isolated host: %s", r->json);
    }
    /* at boot: 6005 and 4608 on both, 6008 only after the power loss */
    assert_int_equal(count_host(&f.c, up_at, fs, SW_TEL_SYSTEM, 6005), 1);
    assert_int_equal(count_host(&f.c, up_at, fs, SW_TEL_SECURITY, 4608), 1);
    assert_int_equal(count_host(&f.c, up_at, fs, SW_TEL_SYSTEM, 6008), 0);
    assert_int_equal(count_host(&f.c, up_at, dc2, SW_TEL_SYSTEM, 6008), 1);
    assert_true(count_host(&f.c, up_at, fs, SW_TEL_SYSMON, 1) > 5); /* a new boot tree */
    /* and the router: link, line protocol, BGP */
    int link = 0, proto = 0, bgp = 0;
    for (size_t i = up_at; i < f.c.n; i++) {
        if (f.c.v[i].host != rtr || f.c.v[i].src != SW_TEL_DEVICE)
            continue;
        link |= strstr(f.c.v[i].json, "%LINK-3-UPDOWN: Interface GigabitEthernet0/0/1, changed "
                                      "state to down") != NULL;
        proto |= strstr(f.c.v[i].json, "%LINEPROTO-5-UPDOWN") != NULL;
        bgp |= strstr(f.c.v[i].json, "%BGP-5-ADJCHANGE: neighbor 192.0.2.7 Down") != NULL;
    }
    assert_true(link && proto && bgp);
    fx_free(&f);
}

/* ---- truth -------------------------------------------------------------------------- */

static void truth_rides_beside_records_never_inside(void **state)
{
    (void)state;
    fx_t f;
    fx_full(&f, 14);
    size_t marked = 0;
    int seen[40] = {0};
    for (size_t i = 0; i < f.c.n; i++) {
        const rec_t *r = &f.c.v[i];
        if (!r->truth)
            continue;
        marked++;
        assert_true(r->truth >= 100 && r->truth < 140);
        seen[r->truth - 100] = 1;
        assert_null(strstr(r->json, "truth"));
    }
    assert_true(marked > 40);
    for (int k = 0; k <= 34; k++)
        if (!seen[k] && k != 2 && k != 32 && k != 27)
            fail_msg("truth id %d produced no record", 100 + k);
    fx_free(&f);
}

/* ---- rates -------------------------------------------------------------------------- */

static void background_rates_match_the_configured_rates_over_a_day(void **state)
{
    (void)state;
    fx_t f;
    fx_world(&f, 1, 60, 21);
    fx_start(&f, 21);
    assert_int_equal(sw_tel_background_run(f.bg, 0, 24 * HOUR), 0);
    sw_tel_rates_t r;
    sw_tel_rates_default(&r);
    sw_event_t ev;
    sw_event_init(&ev);
    double users = 0, user_hours = 0;
    for (uint32_t u = 0; u < f.w.n_users; u++) {
        users++;
        user_hours += (f.w.users[u].work_end_min - f.w.users[u].work_start_min) / 60.0;
    }
    size_t logons = 0, proxy = 0, mail = 0, web = 0, ifm = 0;
    uint32_t webh = host_by_name(&f.w, "pw-web01");
    for (size_t i = 0; i < f.c.n; i++) {
        const rec_t *x = &f.c.v[i];
        if (x->src == SW_TEL_SECURITY && x->eid == 4624 &&
            f.w.hosts[x->host].role == SW_ROLE_WORKSTATION) {
            assert_int_equal(sw_event_parse_json(&ev, x->json, strlen(x->json), NULL), 0);
            const char *lt = get(&ev, "LogonType");
            logons += !strcmp(lt, "2") || !strcmp(lt, "7");
        }
        proxy += x->src == SW_TEL_PROXY && strstr(x->json, "ws") != NULL &&
                 strstr(x->json, "\"10.") != NULL;
        mail += x->src == SW_TEL_MAIL;
        web += x->src == SW_TEL_WEB && x->host == webh;
        ifm += x->src == SW_TEL_SECURITY && x->eid == 4688 && strstr(x->json, "ntdsutil") != NULL;
    }
    double per_user_day = (double)logons / users;
    double web_rate = (double)proxy / user_hours; /* includes a few update/apt URLs */
    double mail_rate = (double)mail / user_hours;
    print_message(
        "logons/user/day %.2f (rate %.1f), web/user-hour %.2f (%.1f), mail/user-hour %.2f (%.1f), "
        "web hits %zu (%.0f), IFM backups %zu\n",
        per_user_day, r.logons_per_user_day, web_rate, r.web_per_user_hour, mail_rate,
        r.mail_per_user_hour, web, r.web_hits_per_server_hour * 24, ifm);
    /* shares of each kind follow the rates; the first wake-up of the day is the logon */
    assert_true(per_user_day > r.logons_per_user_day * 0.6 &&
                per_user_day < r.logons_per_user_day * 1.4);
    assert_true(web_rate > r.web_per_user_hour * 0.7 && web_rate < r.web_per_user_hour * 1.3);
    assert_true(mail_rate > r.mail_per_user_hour * 0.7 && mail_rate < r.mail_per_user_hour * 1.3);
    assert_true(web > r.web_hits_per_server_hour * 24 * 0.85 &&
                web < r.web_hits_per_server_hour * 24 * 1.15);
    assert_true(ifm >= 1 && ifm <= 8); /* two DCs, one a day each; Poisson */
    /* nobody works at night: no interactive logons between 20:00 and 06:00 local */
    for (size_t i = 0; i < f.c.n; i++) {
        const rec_t *x = &f.c.v[i];
        if (x->src != SW_TEL_SECURITY || x->eid != 4624 || x->t_ms < 0)
            continue;
        int minute = (int)((8 * 60 + x->t_ms / 60000) % 1440);
        if (minute >= 20 * 60 || minute < 6 * 60) {
            assert_int_equal(sw_event_parse_json(&ev, x->json, strlen(x->json), NULL), 0);
            if (!strcmp(get(&ev, "LogonType"), "2"))
                fail_msg("interactive logon at night: %s", x->json);
        }
    }
    sw_event_free(&ev);
    fx_free(&f);
}

/* ---- determinism -------------------------------------------------------------------- */

static uint64_t run_hash(uint64_t seed, size_t *n)
{
    fx_t f;
    fx_full(&f, seed);
    uint64_t h = f.c.hash;
    *n = f.c.n;
    fx_free(&f);
    return h;
}

static void same_seed_gives_byte_identical_records(void **state)
{
    (void)state;
    size_t n1, n2, n3;
    uint64_t a = run_hash(31, &n1), b = run_hash(31, &n2), c = run_hash(32, &n3);
    assert_int_equal(n1, n2);
    assert_int_equal(a, b);
    assert_int_not_equal(a, c);
}

/* ---- formatting edge cases ------------------------------------------------------------ */

static void strings_are_escaped_and_records_stay_valid(void **state)
{
    (void)state;
    fx_t f;
    fx_world(&f, 1, 16, 5);
    uint32_t ws = host_by_name(&f.w, "pw-ws001");
    f.w.hosts[ws].sensors.sysmon = 1;
    fx_start(&f, 5);
    sw_tel_session_t s;
    assert_int_equal(sw_tel_logon(f.tel, 0, ws, user_of(&f.w, ws), NULL, 2, NULL, 0, &s), 0);
    char nasty[6000];
    for (size_t i = 0; i < sizeof nasty - 1; i++)
        nasty[i] = (char)(1 + i % 127); /* every control character, quotes, backslashes */
    nasty[sizeof nasty - 1] = '\0';
    uint32_t pid;
    size_t before = f.c.n;
    assert_int_equal(sw_tel_process_start(f.tel, 10, s, 0, "C:\\x\\\"q\".exe", nasty, 7, &pid), 0);
    assert_true(f.c.n > before);
    sw_event_t ev;
    sw_event_init(&ev);
    const rec_t *r = &f.c.v[f.c.n - 1];
    assert_int_equal(sw_event_parse_json(&ev, r->json, strlen(r->json), NULL), 0);
    const sw_field_t *cl = sw_event_get(&ev, "CommandLine");
    assert_non_null(cl);
    assert_int_equal(cl->value_len, 4096); /* cut at TEL_MAX_ARG */
    assert_memory_equal(cl->value, nasty, 4096);
    assert_string_equal(get(&ev, "Image"), "C:\\x\\\"q\".exe");
    /* UTF-8: kept when well-formed, U+FFFD when not, and a cut at the length
     * limit never splits a character into invalid bytes */
    char utf[6200];
    size_t k = 0;
    utf[k++] = 'x'; /* odd offset: the 4096-byte cut lands inside a character */
    while (k + 2 < sizeof utf - 16) {
        utf[k++] = (char)0xC3;
        utf[k++] = (char)0xB1; /* n with tilde */
    }
    memcpy(utf + k, "\xff\xfe\xed\xa0\x80", 6); /* not UTF-8; a surrogate */
    k += 5;
    utf[k] = '\0';
    assert_int_equal(
        sw_tel_process_start(f.tel, 20, s, 0, "C:\\caf\xc3\xa9\\t\xff.exe", utf, 7, &pid), 0);
    r = &f.c.v[f.c.n - 1];
    assert_int_equal(sw_event_parse_json(&ev, r->json, strlen(r->json), NULL), 0);
    assert_string_equal(get(&ev, "Image"), "C:\\caf\xc3\xa9\\t\xef\xbf\xbd.exe");
    cl = sw_event_get(&ev, "CommandLine");
    assert_int_equal(cl->value_len, 4095 + 3); /* 'x' + 2047 whole characters + U+FFFD */
    assert_memory_equal(cl->value + 4095, "\xef\xbf\xbd", 3);
    sw_event_free(&ev);
    fx_free(&f);
}

static void syslog_frame_is_rfc5424(void **state)
{
    (void)state;
    sw_tel_record_t r = {.seq = 1,
                         .unix_ms = 1773097230292LL,
                         .hostname = "pw-dc01",
                         .team_id = "pw",
                         .source = SW_TEL_SECURITY,
                         .event_id = 4624,
                         .severity = 6,
                         .json = "{\"a\":1}",
                         .json_len = 7,
                         .truth = 9};
    char buf[512];
    size_t n = sw_tel_syslog_format(buf, sizeof buf, &r);
    buf[n] = '\0';
    assert_string_equal(buf, "<166>1 2026-03-09T23:00:30.292Z pw-dc01 security - 4624 "
                             "[seawall@32473 team=\"pw\"] {\"a\":1}");
    r.source = SW_TEL_LINUX_AUTH;
    r.event_id = 0;
    r.severity = 5;
    n = sw_tel_syslog_format(buf, sizeof buf, &r);
    buf[n] = '\0';
    assert_true(!strncmp(buf, "<85>1 ", 6));
    assert_non_null(strstr(buf, " linux_auth - - "));
    assert_int_equal(sw_tel_syslog_format(buf, 20, &r), 0); /* does not fit */
}

static void bad_arguments_are_refused(void **state)
{
    (void)state;
    fx_t f;
    fx_world(&f, 1, 16, 5);
    fx_start(&f, 5);
    sw_tel_session_t s;
    assert_int_equal(sw_tel_logon(f.tel, 0, 9999, 0, NULL, 2, NULL, 0, &s), SW_EINVAL);
    assert_int_equal(sw_tel_logon(f.tel, 0, 0, SW_NONE, NULL, 2, NULL, 0, &s), SW_EINVAL);
    assert_int_equal(sw_tel_process_start(f.tel, 0, 12345, 0, "x", "x", 0, NULL), SW_EINVAL);
    assert_int_equal(sw_tel_process_end(f.tel, 0, 0, 424242, 0), SW_ENOENT);
    sw_tel_conn_t c = {.src_host = SW_NONE, .dst_host = SW_NONE};
    assert_int_equal(sw_tel_net_conn(f.tel, 0, 0, &c, 0), SW_EINVAL);
    assert_int_equal(sw_tel_background_run(f.bg, 10, 5), SW_EINVAL);
    fx_free(&f);
}

/* ---- file sink ---------------------------------------------------------------------- */

static char *read_line(const char *path, unsigned long want)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    static char line[1 << 16];
    unsigned long n = 0;
    char *res = NULL;
    while (fgets(line, sizeof line, fp))
        if (++n == want) {
            res = line;
            break;
        }
    fclose(fp);
    return res;
}

static void file_sink_keeps_truth_out_of_team_files(void **state)
{
    (void)state;
    fx_t f;
    fx_world(&f, 2, 16, 9);
    char dir[] = "/tmp/seawall-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    sw_tel_files_t *files;
    sw_errbuf_t err;
    assert_int_equal(sw_tel_files_open(&files, dir, &err), 0);
    sw_tel_fanout_t fan = {0};
    assert_int_equal(sw_tel_fanout_add(&fan, collect, &f.c), 0);
    assert_int_equal(sw_tel_fanout_add(&fan, sw_tel_files_write, files), 0);
    sw_tel_config_t cfg = {.seed = 9, .cb = sw_tel_fanout_cb, .ud = &fan};
    assert_int_equal(sw_tel_new(&f.tel, &f.w, &cfg), 0);
    assert_int_equal(sw_tel_bg_new(&f.bg, f.tel, NULL, 9), 0);
    assert_int_equal(sw_tel_background_run(f.bg, 0, 30 * MIN), 0);
    uint32_t ws = host_by_name(&f.w, "fm-ws002");
    sw_tel_session_t s;
    uint32_t pid;
    assert_int_equal(sw_tel_logon(f.tel, 30 * MIN, ws, user_of(&f.w, ws), NULL, 2, NULL, 77, &s),
                     0);
    assert_int_equal(sw_tel_process_start(f.tel, 30 * MIN + 10, s, 0,
                                          "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c whoami", 78,
                                          &pid),
                     0);
    assert_int_equal(sw_tel_files_close(files, &err), 0);
    size_t with_truth = 0;
    for (size_t i = 0; i < f.c.n; i++)
        with_truth += f.c.v[i].truth != 0;
    assert_true(with_truth >= 3);
    char path[512];
    snprintf(path, sizeof path, "%s/truth.jsonl", dir);
    FILE *tp = fopen(path, "r");
    assert_non_null(tp);
    char line[1024];
    size_t n = 0;
    sw_event_t ev;
    sw_event_init(&ev);
    while (fgets(line, sizeof line, tp)) {
        n++;
        assert_int_equal(sw_event_parse_json(&ev, line, strlen(line), NULL), 0);
        assert_string_equal(get(&ev, "team"), "fm");
        /* the line it names is the record, and the record does not carry the truth */
        char rp[512];
        snprintf(rp, sizeof rp, "%s/%s", dir, get(&ev, "file"));
        char *rec = read_line(rp, strtoul(get(&ev, "line"), NULL, 10));
        assert_non_null(rec);
        assert_true(strstr(rec, "fm-ws002") || strstr(rec, "FM-WS002")); /* 4769 names FM-WS002$ */
        assert_null(strstr(rec, "truth"));
    }
    fclose(tp);
    assert_int_equal(n, with_truth);
    /* per team directories hold only their team's hosts */
    snprintf(path, sizeof path, "%s/pw/security.jsonl", dir);
    FILE *pw = fopen(path, "r");
    assert_non_null(pw);
    char *big = malloc(1 << 16);
    while (fgets(big, 1 << 16, pw))
        assert_null(strstr(big, "\"Computer\":\"fm-"));
    free(big);
    fclose(pw);
    sw_event_free(&ev);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    fx_free(&f);
}

/* ---- out of memory ---------------------------------------------------------------- */

typedef struct failing {
    long n;       /* allocations so far */
    long fail_at; /* the one that fails (0: none) */
    long live;    /* blocks not yet freed */
} failing_t;

static void *failing_alloc(void *ud, void *p, size_t n)
{
    failing_t *f = ud;
    if (n == 0) {
        if (p)
            f->live--;
        free(p);
        return NULL;
    }
    if (++f->n == f->fail_at)
        return NULL;
    void *q = realloc(p, n);
    if (q && !p)
        f->live++;
    return q;
}

static int count_only(void *ud, const sw_tel_record_t *r)
{
    (*(size_t *)ud)++;
    (void)r;
    return 0;
}

static int rc_ok(int rc)
{
    return rc == 0 || rc == SW_ENOMEM || rc == SW_EINVAL || rc == SW_ENOENT;
}

/* One small run through an allocator failing its fail_at-th allocation:
 * every call returns 0 or an error, nothing crashes, and everything
 * allocated is freed. Returns the number of allocations made. */
static long oom_run(long fail_at, size_t *records)
{
    sw_world_t w;
    sw_world_init(&w);
    assert_int_equal(sw_tel_demo_world(&w, 1, 16, 3), 0);
    failing_t fa = {0, fail_at, 0};
    *records = 0;
    sw_tel_config_t cfg = {
        .seed = 3, .cb = count_only, .ud = records, .alloc = failing_alloc, .alloc_ud = &fa};
    sw_tel_t *tel = NULL;
    sw_tel_bg_t *bg = NULL;
    int rc = sw_tel_new(&tel, &w, &cfg);
    assert_true(rc == 0 || rc == SW_ENOMEM);
    if (rc == 0) {
        rc = sw_tel_bg_new(&bg, tel, NULL, 3);
        assert_true(rc == 0 || rc == SW_ENOMEM);
    }
    if (bg) {
        for (int64_t t = 0; t < 40 * MIN; t += 10 * MIN)
            assert_true(rc_ok(sw_tel_background_run(bg, t, t + 10 * MIN)));
        uint32_t ws = host_by_name(&w, "pw-ws003");
        sw_tel_session_t s = SW_NONE;
        uint32_t pid = 0;
        assert_true(
            rc_ok(sw_tel_logon(tel, 40 * MIN, ws, user_of(&w, ws), NULL, 10, "10.10.1.12", 5, &s)));
        for (int i = 0; i < 40; i++) { /* new images: the image table grows past 64 here */
            char img[64];
            snprintf(img, sizeof img, "C:\\Tools\\tool%02d.exe", i);
            assert_true(rc_ok(sw_tel_process_start(tel, 40 * MIN + i, s, 0, img, img, 6, &pid)));
        }
        sw_tel_conn_t c = {
            .src_host = ws, .dst_host = SW_NONE, .dst_ip = "203.0.113.5", .dst_port = 443};
        assert_true(rc_ok(sw_tel_net_conn(tel, 41 * MIN, pid, &c, 7)));
        assert_true(rc_ok(sw_tel_logoff(tel, 42 * MIN, s, 8)));
    }
    sw_tel_bg_free(bg);
    sw_tel_free(tel);
    assert_int_equal(fa.live, 0); /* nothing leaked */
    sw_world_free(&w);
    return fa.n;
}

static void every_allocation_failure_is_survived(void **state)
{
    (void)state;
    size_t full, rec;
    long total = oom_run(0, &full);
    assert_true(total > 100);
    assert_true(full > 100);
    long step = total > 600 ? total / 600 : 1;
    long tried = 0;
    for (long k = 1; k <= total; k += (k < 200 ? 1 : step), tried++)
        oom_run(k, &rec);
    print_message("%zu records and %ld allocations in a run; failed %ld of them in turn\n", full,
                  total, tried);
    /* the allocator is only a hook: the same run through it writes the same records */
    size_t again;
    oom_run(0, &again);
    assert_int_equal(again, full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_record_type_has_its_required_fields),
        cmocka_unit_test(every_parent_and_logon_session_exists_first),
        cmocka_unit_test(sensors_decide_what_is_seen),
        cmocka_unit_test(power_isolation_and_links_are_what_sensors_see),
        cmocka_unit_test(truth_rides_beside_records_never_inside),
        cmocka_unit_test(background_rates_match_the_configured_rates_over_a_day),
        cmocka_unit_test(same_seed_gives_byte_identical_records),
        cmocka_unit_test(strings_are_escaped_and_records_stay_valid),
        cmocka_unit_test(syslog_frame_is_rfc5424),
        cmocka_unit_test(bad_arguments_are_refused),
        cmocka_unit_test(file_sink_keeps_truth_out_of_team_files),
        cmocka_unit_test(every_allocation_failure_is_survived),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
