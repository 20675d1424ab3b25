/* tel_windows.c — the records Windows writes: Sysmon (Microsoft-Windows-
 * Sysmon/Operational), the Security, System and Windows Defender/
 * Operational channels, in the JSON shape of the EVTX: the System block
 * (tel_win_head) then EventData or UserData. The activities that are
 * Windows' alone (registry, services, tasks, log clearing, the directory)
 * live here whole; for the shared ones (boot, logon, process start, power)
 * telemetry.c keeps the state and calls the tel_win_* parts below.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "telemetry/tel_internal.h"

/* ---- 1. the event header ------------------------------------------------- */

static const tel_prov_t PROV_SYSMON =
    TEL_PROV("Microsoft-Windows-Sysmon", "5770385F-C22A-43E0-BF4C-06F5698FFBD9",
             "Microsoft-Windows-Sysmon/Operational");
static const tel_prov_t PROV_SECURITY = TEL_PROV(
    "Microsoft-Windows-Security-Auditing", "54849625-5478-4994-A5BA-3E3B0328C30D", "Security");
static const tel_prov_t PROV_EVENTLOG_SEC =
    TEL_PROV("Microsoft-Windows-Eventlog", "FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148", "Security");
static const tel_prov_t PROV_EVENTLOG_SYS =
    TEL_PROV("Microsoft-Windows-Eventlog", "FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148", "System");
static const tel_prov_t PROV_SCM =
    TEL_PROV("Service Control Manager", "555908D1-A6D7-4695-8E1E-26931D2012F4", "System");
/* Classic providers: a name and an EventSourceName, no GUID. */
#define PROV_CLASSIC(name, channel)                                                                \
    {                                                                                              \
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" name                  \
        "\",\"EventSourceName\":\"" name "\"}},\"EventID\":",                                      \
            sizeof("{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" name       \
                   "\",\"EventSourceName\":\"" name "\"}},\"EventID\":") -                         \
                1,                                                                                 \
            "}},\"Channel\":\"" channel "\",\"Computer\":\"",                                      \
            sizeof("}},\"Channel\":\"" channel "\",\"Computer\":\"") - 1                           \
    }
static const tel_prov_t PROV_EVENTLOG_CLASSIC = PROV_CLASSIC("EventLog", "System");
static const tel_prov_t PROV_USER32 =
    TEL_PROV("User32", "B0AA8734-56F7-41CC-B2F4-DE228E98B946", "System");
static const tel_prov_t PROV_KERNEL_FILE =
    TEL_PROV("Microsoft-Windows-Kernel-File", "EDD08927-9CC4-4E65-B970-C2560FB5C289",
             "Microsoft-Windows-Kernel-File/Analytic");
static const tel_prov_t PROV_DEFENDER =
    TEL_PROV("Microsoft-Windows-Windows Defender", "11CD958A-C507-4EF3-B3F2-5FD9DFBD2C78",
             "Microsoft-Windows-Windows Defender/Operational");

/* The record preamble of every Windows event: a new record (tel_begin),
 * the System block, then "EventData" opened (or
 * "UserData":{"<wrap>":). qual: EventID Qualifiers (7045) or -1. */
static tel_out_t *win_head(sw_tel_t *tel, tel_host_t *h, const tel_prov_t *p, int eid, int qual,
                           int version, int level, int task, const char *keywords, int64_t unix_ms,
                           uint64_t recid, uint32_t exec_pid, const char *user_sid,
                           const char *wrap)
{
    tel_out_t *o = tel_begin(tel);
    tel_raw(o, p->head, p->head_len);
    if (qual >= 0) {
        TEL_LIT(o, "{\"#attributes\":{\"Qualifiers\":");
        tel_i64(o, qual);
        TEL_LIT(o, "},\"#text\":");
        tel_i64(o, eid);
        tel_ch(o, '}');
    } else {
        tel_i64(o, eid);
    }
    TEL_LIT(o, ",\"Version\":");
    tel_i64(o, version);
    TEL_LIT(o, ",\"Level\":");
    tel_i64(o, level);
    TEL_LIT(o, ",\"Task\":");
    tel_i64(o, task);
    TEL_LIT(o, ",\"Opcode\":0,\"Keywords\":\"");
    tel_rawz(o, keywords);
    TEL_LIT(o, "\",\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"");
    tel_ts(tel, o, unix_ms, 'T');
    TEL_LIT(o, "000Z\"}},\"EventRecordID\":");
    tel_u64(o, recid);
    TEL_LIT(o, ",\"Correlation\":null,\"Execution\":{\"#attributes\":{\"ProcessID\":");
    tel_u64(o, exec_pid);
    TEL_LIT(o, ",\"ThreadID\":");
    tel_u64(o, exec_pid + 4 + (recid % 97) * 4);
    tel_raw(o, p->chan, p->chan_len);
    tel_raw(o, h->fqdn_esc, h->fqdn_esc_len);
    TEL_LIT(o, "\",\"Security\":");
    if (user_sid) {
        TEL_LIT(o, "{\"#attributes\":{\"UserID\":\"");
        tel_rawz(o, user_sid);
        TEL_LIT(o, "\"}}");
    } else {
        TEL_LIT(o, "null");
    }
    if (wrap) {
        TEL_LIT(o, "},\"UserData\":{\"");
        tel_rawz(o, wrap);
        TEL_LIT(o, "\":{");
    } else {
        TEL_LIT(o, "},\"EventData\":{");
    }
    return o;
}

/* Sysmon header with the usual versions and tasks. */
static tel_out_t *sysmon_head(sw_tel_t *tel, tel_host_t *h, int eid, int64_t um)
{
    int ver = eid == 1 || eid == 3 || eid == 22               ? 5
              : eid == 5 || eid == 7 || eid == 4 || eid == 10 ? 3
              : eid == 17 || eid == 18                        ? 1
                                                              : 2;
    tel_out_t *o =
        win_head(tel, h, &PROV_SYSMON, eid, -1, ver, 4, eid, "0x8000000000000000", um,
                 ++h->rec_sysmon, h->sysmon_pid ? h->sysmon_pid : 3308, "S-1-5-18", NULL);
    if (eid != 4) {
        FL(o, "RuleName", "-");
        KEY(o, "UtcTime");
        tel_ts_utc(tel, o, um);
    }
    return o;
}

static tel_out_t *sec_head(sw_tel_t *tel, tel_host_t *h, int eid, int version, int task, int fail,
                           int64_t um)
{
    return win_head(tel, h, &PROV_SECURITY, eid, -1, version, 0, task,
                    fail ? "0x8010000000000000" : "0x8020000000000000", um, ++h->rec_security,
                    h->lsass_pid ? h->lsass_pid : 640, NULL, NULL);
}

static const char *integrity_of(const tel_sess_t *s)
{
    return s->system ? "System" : s->admin ? "High" : "Medium";
}

static const char *label_of(const tel_sess_t *s)
{
    return s->system ? "S-1-16-16384" : s->admin ? "S-1-16-12288" : "S-1-16-8192";
}

/* Subject* fields of Security events for the session. */
static void subject_fields(tel_out_t *o, const tel_sess_t *s, const tel_host_t *h)
{
    (void)h;
    tel_sep(o);
    tel_raw(o, s->subj, s->subj_len);
}

/* A fresh GUID, quoted and braced: "{8-4-4-4-12}" in upper or lower case. */
static void guid_braced(tel_out_t *o, sw_rng_t *r, int upper)
{
    static const int digits[5] = {8, 4, 4, 4, 12};
    TEL_LIT(o, "\"{");
    for (int i = 0; i < 5; i++) {
        if (i)
            tel_ch(o, '-');
        tel_hex(o, sw_rng_next(r), digits[i], upper);
    }
    TEL_LIT(o, "}\"");
}

/* ---- 2. processes and boot ----------------------------------------------- */

static int emit_sysmon1(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                        const tel_proc_t *pp, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_sess_t *s = &tel->sess[p->session];
    const tel_image_t *im = &tel->images[p->image];
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o = sysmon_head(tel, h, 1, um);
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
    tel_sep(o);
    tel_raw(o, im->meta, im->meta_len);
    FR(o, "CommandLine", p->cmd_esc, p->cmd_esc_len);
    KEY(o, "CurrentDirectory");
    if (s->system || !strcmp(im->base, "explorer.exe") || !strcmp(im->base, "userinit.exe")) {
        TEL_LIT(o, "\"C:\\\\Windows\\\\system32\\\\\"");
    } else {
        TEL_LIT(o, "\"C:\\\\Users\\\\");
        tel_escz(o, s->account);
        TEL_LIT(o, "\\\\\"");
    }
    KEY(o, "User");
    tel_user_field(o, s);
    KEY(o, "LogonGuid");
    tel_ch(o, '"');
    tel_hex(o, h->machine, 8, 1);
    tel_ch(o, '-');
    tel_hex(o, (uint64_t)s->logon_unix_s & 0xffff, 4, 1);
    tel_ch(o, '-');
    tel_hex(o, ((uint64_t)s->logon_unix_s >> 16) & 0xffff, 4, 1);
    tel_ch(o, '-');
    /* the LogonId's bytes, little-endian, as Sysmon writes them */
    uint64_t lid = s->logon_id;
    tel_hex(o, ((lid & 0xff) << 8) | ((lid >> 8) & 0xff), 4, 1);
    tel_ch(o, '-');
    tel_hex(o, (lid >> 16) & 0xff, 2, 1);
    TEL_LIT(o, "0000000000\"");
    FX(o, "LogonId", s->logon_id);
    FN(o, "TerminalSessionId", s->terminal);
    FS(o, "IntegrityLevel", integrity_of(s));
    FR(o, "Hashes", im->hashes, im->hashes_len);
    if (pp) {
        const tel_image_t *pim = &tel->images[pp->image];
        const tel_sess_t *ps = &tel->sess[pp->session];
        FR(o, "ParentProcessGuid", pp->guid, 36);
        FN(o, "ParentProcessId", pp->pid);
        FR(o, "ParentImage", pim->path_esc, pim->path_esc_len);
        FR(o, "ParentCommandLine", pp->cmd_esc, pp->cmd_esc_len);
        KEY(o, "ParentUser");
        tel_user_field(o, ps);
    } else {
        /* smss.exe: its parent is the kernel's System process */
        TEL_LIT(o, ",\"ParentProcessGuid\":\"");
        tel_hex(o, h->machine, 8, 1);
        TEL_LIT(o,
                "-0000-0000-0000-000000000000\",\"ParentProcessId\":4,\"ParentImage\":"
                "\"System\",\"ParentCommandLine\":\"\",\"ParentUser\":\"NT AUTHORITY\\\\SYSTEM\"");
    }
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 1, 6, t_ms, truth);
}

/* A user's name as Sysmon for Linux writes User and ParentUser: the
 * account alone, no domain. */

static int emit_4688(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                     const tel_proc_t *pp, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_sess_t *s = &tel->sess[p->session];
    const tel_image_t *im = &tel->images[p->image];
    tel_out_t *o = sec_head(tel, h, 4688, 2, 13312, 0, tel_unix(tel, t_ms));
    subject_fields(o, pp ? &tel->sess[pp->session] : s, h);
    FX(o, "NewProcessId", p->pid);
    FR(o, "NewProcessName", im->path_esc, im->path_esc_len);
    FS(o, "TokenElevationType", s->system ? "%%1936" : s->admin ? "%%1937" : "%%1938");
    FX(o, "ProcessId", pp ? pp->pid : 4);
    FR(o, "CommandLine", p->cmd_esc, p->cmd_esc_len);
    FL(o, "TargetUserSid", "S-1-0-0");
    FL(o, "TargetUserName", "-");
    FL(o, "TargetDomainName", "-");
    FL(o, "TargetLogonId", "0x0");
    if (pp)
        FR(o, "ParentProcessName", tel->images[pp->image].path_esc,
           tel->images[pp->image].path_esc_len);
    else
        FL(o, "ParentProcessName", "");
    FS(o, "MandatoryLabel", label_of(s));
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4688, 6, t_ms, truth);
}

int tel_win_proc_started(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                         const tel_proc_t *pp, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int rc;
    if (tel_sees_sysmon(h) && (rc = emit_sysmon1(tel, hi, t_ms, p, pp, truth)))
        return rc;
    if (tel_sees_security(h) && h->proc_audit && (rc = emit_4688(tel, hi, t_ms, p, pp, truth)))
        return rc;
    return SW_OK;
}

static int emit_sysmon5(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                        uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_image_t *im = &tel->images[p->image];
    tel_out_t *o = sysmon_head(tel, h, 5, tel_unix(tel, t_ms));
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
    KEY(o, "User");
    tel_user_field(o, &tel->sess[p->session]);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 5, 6, t_ms, truth);
}

int tel_win_proc_ended(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                       uint32_t truth)
{
    return tel_sees_sysmon(&tel->hosts[hi]) ? emit_sysmon5(tel, hi, t_ms, p, truth) : SW_OK;
}

/* The boot chain after the SYSTEM session `sys`: LOCAL SERVICE and NETWORK
 * SERVICE, then smss, csrss, wininit, services, lsass, winlogon and the
 * services. */
int tel_win_boot(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sys, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int rc;
    uint32_t ls, ns;
    int64_t um = tel_unix(tel, t_ms);
    if ((rc = tel_sess_system(tel, hi, "LOCAL SERVICE", "S-1-5-19", 0x3e5, &ls)) ||
        (rc = tel_sess_system(tel, hi, "NETWORK SERVICE", "S-1-5-20", 0x3e4, &ns)))
        return rc;
    tel->sess[ls].logon_unix_s = tel->sess[ns].logon_unix_s = um / 1000;
    /* Windows boot chain. The Sysmon service starts with the early services;
     * processes before it are logged from its boot-time scan, as Sysmon does. */
    uint32_t smss, wininit, csrss, svc, dummy;
    int64_t t = t_ms;
    h->boot_pid = 4 * (uint32_t)sw_rng_range(&h->rng, 70, 110);
    h->sysmon_pid = 0;
#define B(parent, sess_, img, cmd, out)                                                            \
    do {                                                                                           \
        t += 40 + (int64_t)sw_rng_below(&h->rng, 200);                                             \
        if ((rc = tel_proc_start(tel, hi, t, sess_, parent, img, cmd, truth, out)))                \
            return rc;                                                                             \
    } while (0)
    B(0, sys, "C:\\Windows\\System32\\smss.exe", "\\SystemRoot\\System32\\smss.exe", &smss);
    B(smss, sys, "C:\\Windows\\System32\\csrss.exe",
      "%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768 "
      "Windows=On SubSystemType=Windows ServerDll=basesrv,1 "
      "ServerDll=winsrv:UserServerDllInitialization,3 "
      "ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16",
      &csrss);
    B(smss, sys, "C:\\Windows\\System32\\wininit.exe", "wininit.exe", &wininit);
    B(wininit, sys, "C:\\Windows\\System32\\services.exe", "C:\\Windows\\system32\\services.exe",
      &svc);
    h->services_pid = svc;
    B(wininit, sys, "C:\\Windows\\System32\\lsass.exe", "C:\\Windows\\system32\\lsass.exe",
      &h->lsass_pid);
    B(smss, sys, "C:\\Windows\\System32\\winlogon.exe", "winlogon.exe", &h->winlogon_pid);
    B(svc, sys, "C:\\Windows\\System32\\svchost.exe",
      "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", &h->dcom_pid);
    B(svc, ls, "C:\\Windows\\System32\\svchost.exe",
      "C:\\Windows\\System32\\svchost.exe -k LocalServiceNetworkRestricted -p -s EventLog",
      &h->eventlog_pid);
    if (h->s.sysmon)
        B(svc, sys, "C:\\Windows\\Sysmon64.exe", "C:\\Windows\\Sysmon64.exe", &h->sysmon_pid);
    B(svc, ns, "C:\\Windows\\System32\\svchost.exe",
      "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s Dnscache", &h->dnscache_pid);
    B(svc, sys, "C:\\Windows\\System32\\svchost.exe",
      "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", &h->sched_pid);
    B(svc, sys, "C:\\Windows\\System32\\svchost.exe",
      "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s wuauserv", &h->wuau_pid);
    B(svc, sys, "C:\\Windows\\System32\\spoolsv.exe", "C:\\Windows\\System32\\spoolsv.exe", &dummy);
    if (h->s.av)
        B(svc, sys,
          "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MsMpEng.exe",
          "\"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\4.18.23110.3-0\\MsMpEng.exe\"",
          &dummy);
#undef B
    h->boot_pid = 0;
    (void)csrss;
    return SW_OK;
}

/* ---- 3. logons ----------------------------------------------------------- */

static int emit_4624(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_sess_t *s,
                     const char *src_ip, const char *src_ws, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int64_t um = tel_unix(tel, t_ms);
    int network = s->logon_type == 3;
    int kerb = network && strcmp(s->domain, h->computer_acct) != 0;
    tel_out_t *o = sec_head(tel, h, 4624, 2, 12544, 0, um);
    if (network) {
        FL(o, "SubjectUserSid", "S-1-0-0");
        FL(o, "SubjectUserName", "-");
        FL(o, "SubjectDomainName", "-");
        FL(o, "SubjectLogonId", "0x0");
    } else {
        FL(o, "SubjectUserSid", "S-1-5-18");
        FS(o, "SubjectUserName", h->computer_acct);
        FS(o, "SubjectDomainName", tel_host_domain(tel, hi));
        FL(o, "SubjectLogonId", "0x3e7");
    }
    FS(o, "TargetUserSid", s->sid);
    FS(o, "TargetUserName", s->account);
    FS(o, "TargetDomainName", s->domain);
    FX(o, "TargetLogonId", s->logon_id);
    FN(o, "LogonType", s->logon_type);
    FS(o, "LogonProcessName", network ? (kerb ? "Kerberos" : "NtLmSsp ") : "User32 ");
    FS(o, "AuthenticationPackageName", network ? (kerb ? "Kerberos" : "NTLM") : "Negotiate");
    if (network) {
        FS(o, "WorkstationName", !kerb && src_ws ? src_ws : "-");
    } else {
        KEY(o, "WorkstationName");
        tel_ch(o, '"');
        tel_esc(o, h->computer_acct, strlen(h->computer_acct) - 1); /* without the $ */
        tel_ch(o, '"');
    }
    if (kerb) {
        KEY(o, "LogonGuid");
        guid_braced(o, &h->rng, 0);
    } else {
        FL(o, "LogonGuid", "{00000000-0000-0000-0000-000000000000}");
    }
    FL(o, "TransmittedServices", "-");
    FS(o, "LmPackageName", network && !kerb ? "NTLM V2" : "-");
    FN(o, "KeyLength", network && !kerb ? 128 : 0);
    if (network) {
        FL(o, "ProcessId", "0x0");
        FL(o, "ProcessName", "-");
    } else {
        FX(o, "ProcessId", h->winlogon_pid);
        FS(o, "ProcessName", "C:\\Windows\\System32\\svchost.exe");
    }
    FS(o, "IpAddress", src_ip ? src_ip : network ? "-" : "127.0.0.1");
    KEY(o, "IpPort");
    tel_ch(o, '"');
    if (src_ip)
        tel_u64(o, (uint64_t)sw_rng_range(&h->rng, 49152, 65535));
    else
        tel_ch(o, '0');
    tel_ch(o, '"');
    FL(o, "ImpersonationLevel", "%%1833");
    FS(o, "RestrictedAdminMode", s->logon_type == 10 ? "%%1843" : "-");
    FL(o, "TargetOutboundUserName", "-");
    FL(o, "TargetOutboundDomainName", "-");
    FL(o, "VirtualAccount", "%%1843");
    FL(o, "TargetLinkedLogonId", "0x0");
    FS(o, "ElevatedToken", s->admin ? "%%1842" : "%%1843");
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4624, 6, t_ms, truth);
}

static int emit_4672(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_sess_t *s, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_out_t *o = sec_head(tel, h, 4672, 0, 12548, 0, tel_unix(tel, t_ms));
    subject_fields(o, s, h);
    FS(o, "PrivilegeList",
       "SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege\n\t\t\t"
       "SeTakeOwnershipPrivilege\n\t\t\tSeDebugPrivilege\n\t\t\tSeSystemEnvironmentPrivilege\n"
       "\t\t\tSeLoadDriverPrivilege\n\t\t\tSeImpersonatePrivilege\n\t\t\t"
       "SeDelegateSessionUserImpersonatePrivilege\n\t\t\tSeEnableDelegationPrivilege");
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4672, 6, t_ms, truth);
}

/* The Windows records of sw_tel_logon's session sid: 4624 (+4672), the
 * domain controller's 4769, and for an interactive logon userinit and
 * explorer (rdpclip over RDP). */
int tel_win_logon(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sid, const char *src_ip,
                  uint32_t truth)
{
    const sw_world_t *w = tel->w;
    const sw_host_t *wh = &w->hosts[hi];
    tel_host_t *h = &tel->hosts[hi];
    tel_sess_t *s = &tel->sess[sid];
    int logon_type = s->logon_type, rc;
    int interactive = logon_type == 2 || logon_type == 10 || logon_type == 11;
    if (tel_sees_security(h)) {
        if ((rc = emit_4624(tel, hi, t_ms, s, src_ip, NULL, truth)))
            return rc;
        if (s->admin && (rc = emit_4672(tel, hi, t_ms, s, truth)))
            return rc;
    }
    /* the domain controller issues a service ticket for the target host */
    uint32_t dc = wh->org < w->n_orgs ? tel->orgs[wh->org].dc : SW_NONE;
    if (s->user != SW_NONE && wh->domain_joined && dc != SW_NONE && dc != hi) {
        char spn[64];
        snprintf(spn, sizeof spn, "%s", h->computer_acct);
        if ((rc = sw_tel_kerberos_tgs(tel, t_ms, dc, s->account, spn,
                                      src_ip ? src_ip : tel_host_ip(tel, hi), 0x12, truth)))
            return rc;
        s = &tel->sess[sid]; /* the DC's first boot may have moved the sessions */
    }
    if (interactive) {
        uint32_t ui;
        int64_t t = t_ms + 150;
        if ((rc = tel_proc_start(tel, hi, t, sid, h->winlogon_pid,
                                 "C:\\Windows\\System32\\userinit.exe",
                                 "C:\\Windows\\system32\\userinit.exe", truth, &ui)))
            return rc;
        if ((rc = tel_proc_start(tel, hi, t + 180, sid, ui, "C:\\Windows\\explorer.exe",
                                 "C:\\Windows\\Explorer.EXE", truth, &s->shell_pid)))
            return rc;
        if (logon_type == 10) {
            if ((rc = tel_proc_start(tel, hi, t + 400, sid, h->services_pid,
                                     "C:\\Windows\\System32\\rdpclip.exe", "rdpclip", truth, NULL)))
                return rc;
        }
        if ((rc = sw_tel_process_end(tel, t + 900, hi, ui, truth)) && rc != SW_ENOENT)
            return rc;
    }
    return SW_OK;
}

int tel_win_logon_failed(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *account,
                         int logon_type, const char *src_ip, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const sw_host_t *wh = &tel->w->hosts[hi];
    tel_out_t *o = sec_head(tel, h, 4625, 0, 12544, 1, tel_unix(tel, t_ms));
    int network = logon_type == 3;
    FS(o, "SubjectUserSid", network ? "S-1-0-0" : "S-1-5-18");
    FS(o, "SubjectUserName", network ? "-" : h->computer_acct);
    FS(o, "SubjectDomainName", network ? "-" : tel_host_domain(tel, hi));
    FS(o, "SubjectLogonId", network ? "0x0" : "0x3e7");
    FL(o, "TargetUserSid", "S-1-0-0");
    FS(o, "TargetUserName", account);
    FS(o, "TargetDomainName",
       wh->domain_joined && wh->org < tel->w->n_orgs ? tel->orgs[wh->org].netbios : "");
    FL(o, "Status", "0xc000006d");
    FL(o, "FailureReason", "%%2313");
    FL(o, "SubStatus", "0xc000006a");
    FN(o, "LogonType", logon_type);
    FS(o, "LogonProcessName", network ? "NtLmSsp " : "User32 ");
    FS(o, "AuthenticationPackageName", network ? "NTLM" : "Negotiate");
    FS(o, "WorkstationName", network ? "-" : tel->w->hosts[hi].hostname);
    FL(o, "TransmittedServices", "-");
    FL(o, "LmPackageName", "-");
    FN(o, "KeyLength", 0);
    if (network) {
        FL(o, "ProcessId", "0x0");
        FL(o, "ProcessName", "-");
    } else {
        FX(o, "ProcessId", h->winlogon_pid);
        FS(o, "ProcessName", "C:\\Windows\\System32\\svchost.exe");
    }
    FS(o, "IpAddress", src_ip ? src_ip : network ? "-" : "127.0.0.1");
    KEY(o, "IpPort");
    tel_ch(o, '"');
    tel_u64(o, src_ip ? (uint64_t)sw_rng_range(&h->rng, 49152, 65535) : 0);
    tel_ch(o, '"');
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4625, 5, t_ms, truth);
}

int tel_win_logoff(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_sess_t *s, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_out_t *o = sec_head(tel, h, 4634, 0, 12545, 0, tel_unix(tel, t_ms + 5));
    FS(o, "TargetUserSid", s->sid);
    FS(o, "TargetUserName", s->account);
    FS(o, "TargetDomainName", s->domain);
    FX(o, "TargetLogonId", s->logon_id);
    FN(o, "LogonType", s->logon_type);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4634, 6, t_ms + 5, truth);
}

int sw_tel_explicit_creds(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, uint32_t parent_pid,
                          const char *target_account, const char *target_server, uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || !target_account)
        return SW_EINVAL;
    if (!h->windows || !tel_sees_security(h))
        return SW_OK;
    tel_proc_t *p = tel_proc_find(h, tel_parent_for(tel, s, parent_pid));
    tel_out_t *o = sec_head(tel, h, 4648, 0, 12544, 0, tel_unix(tel, t_ms));
    subject_fields(o, s, h);
    FL(o, "LogonGuid", "{00000000-0000-0000-0000-000000000000}");
    FS(o, "TargetUserName", target_account);
    FS(o, "TargetDomainName", s->domain);
    FL(o, "TargetLogonGuid", "{00000000-0000-0000-0000-000000000000}");
    FS(o, "TargetServerName", target_server ? target_server : "localhost");
    FS(o, "TargetInfo", target_server ? target_server : "localhost");
    FX(o, "ProcessId", p ? p->pid : 4);
    if (p)
        FR(o, "ProcessName", tel->images[p->image].path_esc, tel->images[p->image].path_esc_len);
    else
        FL(o, "ProcessName", "-");
    FL(o, "IpAddress", "-");
    FL(o, "IpPort", "-");
    tel_win_tail(o, 0);
    return tel_emit(tel, s->host, SW_TEL_SECURITY, 4648, 6, t_ms, truth);
}

/* ---- 4. host activity ---------------------------------------------------- */

/* Sysmon event for process pid with the common head fields; returns NULL
 * (write nothing) when Sysmon does not see it. */
static tel_proc_t *sysmon_proc(sw_tel_t *tel, uint32_t hi, uint32_t pid)
{
    if (hi >= tel->w->n_hosts)
        return NULL;
    tel_host_t *h = &tel->hosts[hi];
    if (!tel_sees_sysmon(h))
        return NULL;
    return tel_proc_find(h, pid);
}

static void sysmon_proc_fields(sw_tel_t *tel, tel_out_t *o, const tel_proc_t *p)
{
    const tel_image_t *im = &tel->images[p->image];
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
}

int tel_win_file_create(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *path,
                        uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (!p || !path)
        return SW_OK;
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o = sysmon_head(tel, &tel->hosts[hi], 11, um);
    sysmon_proc_fields(tel, o, p);
    FS(o, "TargetFilename", path);
    KEY(o, "CreationUtcTime");
    tel_ts_utc(tel, o, um);
    KEY(o, "User");
    tel_user_field(o, &tel->sess[p->session]);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 11, 6, t_ms, truth);
}

/* Sysmon 26: a file deleted (logged, not archived: Sysmon 23 would keep a
 * copy). */
int tel_win_file_delete(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *path,
                        uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (!p || !path)
        return SW_OK;
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o = sysmon_head(tel, &tel->hosts[hi], 26, um);
    sysmon_proc_fields(tel, o, p);
    KEY(o, "User");
    tel_user_field(o, &tel->sess[p->session]);
    FS(o, "TargetFilename", path);
    FL(o, "Hashes", "-");
    size_t n = strlen(path);
    int exe = n > 4 && (!strcasecmp(path + n - 4, ".exe") || !strcasecmp(path + n - 4, ".dll"));
    FS(o, "IsExecutable", exe ? "true" : "false");
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 26, 6, t_ms, truth);
}

/* Kernel-File 27 (RenamePath) as an EDR's collector keeps it: the event's
 * own fields (FileObject, FileKey, FilePath: the new name) and, joined from
 * the file object's earlier name, SourceFilename and TargetFilename, with the
 * issuing process (Sigma's file_rename category). */
int tel_win_file_rename(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *from,
                        const char *to, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_proc_t *p = tel_proc_find(h, pid);
    if (!p || !h->eventlog_on)
        return SW_OK;
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o = win_head(tel, h, &PROV_KERNEL_FILE, 27, -1, 1, 4, 27, "0x8000000000001000", um,
                            ++h->rec_kfile, p->pid, NULL, NULL);
    char obj[24];
    /* kernel addresses: from the process and the record, not the host's
     * random stream (other records' GUIDs stay as they were) */
    uint64_t r =
        ((uint64_t)p->pid * 0x9E3779B97F4A7C15ull) ^ (h->rec_kfile * 0xBF58476D1CE4E5B9ull);
    snprintf(obj, sizeof obj, "0xFFFF%012llX", (unsigned long long)(r & 0xFFFFFFFFFF0ull));
    FS(o, "FileObject", obj);
    snprintf(obj, sizeof obj, "0xFFFF%012llX",
             (unsigned long long)((r >> 20) & 0xFFFFFFFFFF0ull) ^ 0x8000000000ull);
    FS(o, "FileKey", obj);
    FL(o, "ExtraInformation", "0x0");
    FN(o, "IssuingThreadId", p->pid + 4);
    FL(o, "InfoClass", "10");
    FS(o, "FilePath", to);
    FS(o, "SourceFilename", from);
    FS(o, "TargetFilename", to);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", tel->images[p->image].path_esc, tel->images[p->image].path_esc_len);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_KERNEL_FILE, 27, 6, t_ms, truth);
}

int sw_tel_image_load(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *dll,
                      uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (!p || !dll)
        return SW_OK;
    uint32_t img;
    int rc = tel_image_get(tel, dll, &img);
    if (rc)
        return rc;
    const tel_image_t *im = &tel->images[img];
    tel_out_t *o = sysmon_head(tel, &tel->hosts[hi], 7, tel_unix(tel, t_ms));
    sysmon_proc_fields(tel, o, p);
    FR(o, "ImageLoaded", im->path_esc, im->path_esc_len);
    FS(o, "FileVersion", im->version);
    FS(o, "Description", im->desc);
    FS(o, "Product", im->product);
    FS(o, "Company", im->company);
    FS(o, "OriginalFileName", im->orig);
    FS(o, "Hashes", strchr(im->hashes, ',') + 1); /* no SHA1, as the sample configs */
    int ms = strcmp(im->company, TEL_MSC) == 0;
    FS(o, "Signed", ms ? "true" : "false");
    FS(o, "Signature", ms ? "Microsoft Windows" : "-");
    FS(o, "SignatureStatus", ms ? "Valid" : "Unavailable");
    KEY(o, "User");
    tel_user_field(o, &tel->sess[p->session]);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 7, 6, t_ms, truth);
}

static int emit_reg(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const tel_proc_t *p, int eid,
                    const char *type, const char *key, const char *details, uint32_t truth)
{
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o =
        win_head(tel, &tel->hosts[hi], &PROV_SYSMON, eid, -1, 2, 4, eid, "0x8000000000000000", um,
                 ++tel->hosts[hi].rec_sysmon, tel->hosts[hi].sysmon_pid, "S-1-5-18", NULL);
    FL(o, "RuleName", "-");
    FS(o, "EventType", type);
    KEY(o, "UtcTime");
    tel_ts_utc(tel, o, um);
    sysmon_proc_fields(tel, o, p);
    FS(o, "TargetObject", key);
    if (details)
        FS(o, "Details", details);
    KEY(o, "User");
    tel_user_field(o, &tel->sess[p->session]);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, eid, 6, t_ms, truth);
}

int sw_tel_registry_set(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *key,
                        const char *details, uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (!p || !key)
        return SW_OK;
    return emit_reg(tel, t_ms, hi, p, 13, "SetValue", key, details ? details : "(Empty)", truth);
}

int sw_tel_registry_key(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *key,
                        int create, uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (!p || !key)
        return SW_OK;
    return emit_reg(tel, t_ms, hi, p, 12, create ? "CreateKey" : "DeleteKey", key, NULL, truth);
}

/* Source and target process fields of Sysmon 8 and 10: the GUID field is
 * spelled ...ProcessGuid in 8 and ...ProcessGUID in 10, as Sysmon does. */
static void access_fields(sw_tel_t *tel, tel_out_t *o, const tel_proc_t *p, const tel_proc_t *tp,
                          int eid)
{
    const tel_image_t *im = &tel->images[p->image], *tim = &tel->images[tp->image];
    if (eid == 10) {
        FR(o, "SourceProcessGUID", p->guid, 36);
        FN(o, "SourceProcessId", p->pid);
        FN(o, "SourceThreadId", p->pid + 4 + (tp->pid % 31) * 4);
    } else {
        FR(o, "SourceProcessGuid", p->guid, 36);
        FN(o, "SourceProcessId", p->pid);
    }
    FR(o, "SourceImage", im->path_esc, im->path_esc_len);
    if (eid == 10)
        FR(o, "TargetProcessGUID", tp->guid, 36);
    else
        FR(o, "TargetProcessGuid", tp->guid, 36);
    FN(o, "TargetProcessId", tp->pid);
    FR(o, "TargetImage", tim->path_esc, tim->path_esc_len);
}

int sw_tel_process_access(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid,
                          uint32_t target_pid, unsigned granted_access, const char *call_trace,
                          uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid), *tp = sysmon_proc(tel, hi, target_pid);
    if (!p || !tp)
        return SW_OK;
    tel_out_t *o = sysmon_head(tel, &tel->hosts[hi], 10, tel_unix(tel, t_ms));
    access_fields(tel, o, p, tp, 10);
    KEY(o, "GrantedAccess");
    tel_ch(o, '"');
    tel_hex0x(o, granted_access);
    tel_ch(o, '"');
    KEY(o, "CallTrace");
    if (call_trace) {
        tel_str(o, call_trace);
    } else {
        /* ntdll's NtOpenProcess, KERNELBASE's OpenProcess, then the caller */
        const tel_image_t *im = &tel->images[p->image];
        TEL_LIT(o, "\"C:\\\\Windows\\\\SYSTEM32\\\\ntdll.dll+9d4c4|C:\\\\Windows\\\\System32\\\\"
                   "KERNELBASE.dll+2c13e|");
        tel_raw(o, im->path_esc, im->path_esc_len);
        TEL_LIT(o, "+1a2b3\"");
    }
    KEY(o, "SourceUser");
    tel_user_field(o, &tel->sess[p->session]);
    KEY(o, "TargetUser");
    tel_user_field(o, &tel->sess[tp->session]);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 10, 6, t_ms, truth);
}

int sw_tel_remote_thread(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid,
                         uint32_t target_pid, const char *start_module, const char *start_function,
                         uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid), *tp = sysmon_proc(tel, hi, target_pid);
    if (!p || !tp)
        return SW_OK;
    tel_host_t *h = &tel->hosts[hi];
    tel_out_t *o = sysmon_head(tel, h, 8, tel_unix(tel, t_ms));
    access_fields(tel, o, p, tp, 8);
    FN(o, "NewThreadId", 1000 + sw_rng_below(&h->rng, 12000) * 4);
    KEY(o, "StartAddress");
    tel_ch(o, '"');
    TEL_LIT(o, "0x00000");
    tel_hex(o, sw_rng_next(&h->rng), 11, 1);
    tel_ch(o, '"');
    FS(o, "StartModule", start_module ? start_module : "-");
    FS(o, "StartFunction", start_function ? start_function : "-");
    KEY(o, "SourceUser");
    tel_user_field(o, &tel->sess[p->session]);
    KEY(o, "TargetUser");
    tel_user_field(o, &tel->sess[tp->session]);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 8, 6, t_ms, truth);
}

int sw_tel_pipe(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *pipe_name,
                int connect, uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (!p || !pipe_name)
        return SW_OK;
    int eid = connect ? 18 : 17;
    int64_t um = tel_unix(tel, t_ms);
    /* the EventType comes before UtcTime in pipe events */
    tel_out_t *o =
        win_head(tel, &tel->hosts[hi], &PROV_SYSMON, eid, -1, 1, 4, eid, "0x8000000000000000", um,
                 ++tel->hosts[hi].rec_sysmon, tel->hosts[hi].sysmon_pid, "S-1-5-18", NULL);
    FL(o, "RuleName", "-");
    FS(o, "EventType", connect ? "ConnectPipe" : "CreatePipe");
    KEY(o, "UtcTime");
    tel_ts_utc(tel, o, um);
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FS(o, "PipeName", pipe_name);
    FR(o, "Image", tel->images[p->image].path_esc, tel->images[p->image].path_esc_len);
    KEY(o, "User");
    tel_user_field(o, &tel->sess[p->session]);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, eid, 6, t_ms, truth);
}

int sw_tel_service_install(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *name,
                           const char *image_path, const char *start_type, uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || !name || !image_path)
        return SW_EINVAL;
    uint32_t hi = s->host;
    int rc;
    if (!h->windows)
        return SW_OK;
    /* services.exe writes the service's key */
    tel_proc_t *svc = sysmon_proc(tel, hi, h->services_pid);
    if (svc) {
        char key[512];
        snprintf(key, sizeof key, "HKLM\\System\\CurrentControlSet\\Services\\%s\\ImagePath", name);
        if ((rc = emit_reg(tel, t_ms, hi, svc, 13, "SetValue", key, image_path, truth)))
            return rc;
    }
    if (!tel_sees_system(h))
        return SW_OK;
    tel_out_t *o =
        win_head(tel, h, &PROV_SCM, 7045, 16384, 0, 4, 0, "0x8080000000000000",
                 tel_unix(tel, t_ms + 2), ++h->rec_system, h->services_pid, s->sid, NULL);
    FS(o, "ServiceName", name);
    FS(o, "ImagePath", image_path);
    FL(o, "ServiceType", "user mode service");
    FS(o, "StartType", start_type ? start_type : "demand start");
    FL(o, "AccountName", "LocalSystem");
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSTEM, 7045, 6, t_ms + 2, truth);
}

int sw_tel_task_create(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, uint32_t pid,
                       const char *task_name, const char *command, const char *arguments,
                       uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || !task_name || !command)
        return SW_EINVAL;
    uint32_t hi = s->host;
    int rc;
    if (!h->windows)
        return SW_OK;
    /* the Schedule service writes the task file */
    tel_proc_t *sched = sysmon_proc(tel, hi, h->sched_pid);
    if (sched) {
        char path[512];
        snprintf(path, sizeof path, "C:\\Windows\\System32\\Tasks%s%s",
                 task_name[0] == '\\' ? "" : "\\", task_name);
        int64_t um = tel_unix(tel, t_ms);
        tel_out_t *o = sysmon_head(tel, h, 11, um);
        sysmon_proc_fields(tel, o, sched);
        FS(o, "TargetFilename", path);
        KEY(o, "CreationUtcTime");
        tel_ts_utc(tel, o, um);
        FS(o, "User", "NT AUTHORITY\\SYSTEM");
        tel_win_tail(o, 0);
        if ((rc = tel_emit(tel, hi, SW_TEL_SYSMON, 11, 6, t_ms, truth)))
            return rc;
    }
    (void)pid;
    if (!tel_sees_security(h))
        return SW_OK;
    tel_out_t *o = sec_head(tel, h, 4698, 1, 12804, 0, tel_unix(tel, t_ms + 1));
    subject_fields(o, s, h);
    FS(o, "TaskName", task_name);
    /* TaskContent: the task XML as Windows writes it (shortened) */
    KEY(o, "TaskContent");
    TEL_LIT(o,
            "\"<?xml version=\\\"1.0\\\" encoding=\\\"UTF-16\\\"?>\\r\\n<Task version=\\\"1.2\\\" "
            "xmlns=\\\"http://schemas.microsoft.com/windows/2004/02/mit/task\\\">\\r\\n  "
            "<RegistrationInfo>\\r\\n    <Author>");
    tel_escz(o, s->domain);
    TEL_LIT(o, "\\\\");
    tel_escz(o, s->account);
    TEL_LIT(o, "</Author>\\r\\n    <URI>");
    tel_escz(o, task_name);
    TEL_LIT(o, "</URI>\\r\\n  </RegistrationInfo>\\r\\n  <Actions Context=\\\"Author\\\">\\r\\n    "
               "<Exec>\\r\\n      <Command>");
    tel_escz(o, command);
    TEL_LIT(o, "</Command>\\r\\n");
    if (arguments) {
        TEL_LIT(o, "      <Arguments>");
        tel_escz(o, arguments);
        TEL_LIT(o, "</Arguments>\\r\\n");
    }
    TEL_LIT(o, "    </Exec>\\r\\n  </Actions>\\r\\n</Task>\"");
    FL(o, "ClientProcessStartKey", "10133099161583632");
    FN(o, "ClientProcessId", pid ? pid : h->sched_pid);
    FN(o, "ParentProcessId", h->services_pid);
    FL(o, "RpcCallClientLocality", "0");
    FS(o, "FQDN", h->fqdn);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4698, 6, t_ms + 1, truth);
}

int sw_tel_log_clear(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *channel,
                     uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || !channel)
        return SW_EINVAL;
    uint32_t hi = s->host;
    if (!h->windows || !h->s.security_log || !h->eventlog_on)
        return SW_OK;
    int64_t um = tel_unix(tel, t_ms);
    if (!strcmp(channel, "Security")) {
        tel_out_t *o =
            win_head(tel, h, &PROV_EVENTLOG_SEC, 1102, -1, 0, 4, 104, "0x4020000000000000", um,
                     ++h->rec_security, h->eventlog_pid, NULL, "LogFileCleared");
        subject_fields(o, s, h);
        tel_win_tail(o, 1);
        return tel_emit(tel, hi, SW_TEL_SECURITY, 1102, 4, t_ms, truth);
    }
    tel_out_t *o = win_head(tel, h, &PROV_EVENTLOG_SYS, 104, -1, 1, 4, 104, "0x8000000000000000",
                            um, ++h->rec_system, h->eventlog_pid, s->sid, "LogFileCleared");
    FS(o, "SubjectUserName", s->account);
    FS(o, "SubjectDomainName", s->domain);
    FS(o, "Channel", channel);
    FL(o, "BackupPath", "");
    tel_win_tail(o, 1);
    return tel_emit(tel, hi, SW_TEL_SYSTEM, 104, 4, t_ms, truth);
}

int sw_tel_logging_stop(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, sw_tel_logtarget_t what,
                        uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h))
        return SW_EINVAL;
    uint32_t hi = s->host;
    int rc = SW_OK;
    int64_t um = tel_unix(tel, t_ms);
    switch (what) {
    case SW_TEL_LOG_SYSMON:
        if (tel_sees_sysmon(h)) {
            tel_out_t *o = sysmon_head(tel, h, 4, um);
            KEY(o, "UtcTime");
            tel_ts_utc(tel, o, um);
            FL(o, "State", "Stopped");
            FL(o, "Version", "15.14");
            FL(o, "SchemaVersion", "4.90");
            tel_win_tail(o, 0);
            rc = tel_emit(tel, hi, SW_TEL_SYSMON, 4, 4, t_ms, truth);
        }
        h->sysmon_on = 0;
        break;
    case SW_TEL_LOG_EVENTLOG:
        if (h->windows && h->s.security_log && h->eventlog_on) {
            tel_out_t *o =
                win_head(tel, h, &PROV_EVENTLOG_SEC, 1100, -1, 0, 4, 103, "0x4020000000000000", um,
                         ++h->rec_security, h->eventlog_pid, NULL, "ServiceShutdown");
            tel_win_tail(o, 1);
            rc = tel_emit(tel, hi, SW_TEL_SECURITY, 1100, 4, t_ms, truth);
        }
        h->eventlog_on = 0;
        break;
    case SW_TEL_LOG_AUDIT:
        if (tel_sees_security(h) && h->windows) {
            tel_out_t *o = sec_head(tel, h, 4719, 0, 13568, 0, um);
            subject_fields(o, s, h);
            FL(o, "CategoryId", "%%8274");
            FL(o, "SubcategoryId", "%%12544");
            FL(o, "SubcategoryGuid", "{0CCE9215-69AE-11D9-BED3-505054503030}");
            FL(o, "AuditPolicyChanges", "%%8448, %%8450");
            tel_win_tail(o, 0);
            rc = tel_emit(tel, hi, SW_TEL_SECURITY, 4719, 4, t_ms, truth);
        }
        h->audit_on = 0;
        break;
    default:
        return SW_EINVAL;
    }
    return rc;
}

int sw_tel_logging_start(sw_tel_t *tel, int64_t t_ms, uint32_t hi, sw_tel_logtarget_t what)
{
    tel_host_t *h;
    if (tel_host_enter(tel, t_ms, hi, 0, &h))
        return SW_EINVAL;
    int64_t um = tel_unix(tel, t_ms);
    switch (what) {
    case SW_TEL_LOG_SYSMON:
        h->sysmon_on = 1;
        if (tel_sees_sysmon(h)) {
            tel_out_t *o = sysmon_head(tel, h, 4, um);
            KEY(o, "UtcTime");
            tel_ts_utc(tel, o, um);
            FL(o, "State", "Started");
            FL(o, "Version", "15.14");
            FL(o, "SchemaVersion", "4.90");
            tel_win_tail(o, 0);
            return tel_emit(tel, hi, SW_TEL_SYSMON, 4, 6, t_ms, 0);
        }
        return SW_OK;
    case SW_TEL_LOG_EVENTLOG:
        h->eventlog_on = 1;
        return SW_OK;
    case SW_TEL_LOG_AUDIT:
        h->audit_on = 1;
        return SW_OK;
    }
    return SW_EINVAL;
}

int sw_tel_enhanced_logging(sw_tel_t *tel, int64_t t_ms, uint32_t hi)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 1, &h);
    if (rc)
        return rc;
    h->s.security_log = 1;
    h->s.log_forwarding = 1;
    h->eventlog_on = h->audit_on = 1;
    h->proc_audit = 1;
    if (h->windows && !(h->s.sysmon && h->sysmon_on)) {
        /* Sysmon installed now: its own start is not in its log (4688 may
         * see it); it logs from its "Started" state change on, and does not
         * log processes that were already running. */
        if (!h->s.sysmon && h->services_pid)
            if ((rc = tel_proc_start(tel, hi, t_ms, h->sys_sess, h->services_pid,
                                     "C:\\Windows\\Sysmon64.exe", "C:\\Windows\\Sysmon64.exe", 0,
                                     &h->sysmon_pid)))
                return rc;
        h->s.sysmon = 1;
        return sw_tel_logging_start(tel, t_ms + 1, hi, SW_TEL_LOG_SYSMON);
    }
    return SW_OK;
}

/* ---- 5. directory -------------------------------------------------------- */

int sw_tel_account_created(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *account,
                           uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || !account)
        return SW_EINVAL;
    if (!h->windows || !tel_sees_security(h))
        return SW_OK;
    uint32_t hi = s->host;
    const char *dom = tel_host_domain(tel, hi);
    const sw_host_t *wh = &tel->w->hosts[hi];
    const char *dsid = wh->org < tel->w->n_orgs ? tel->orgs[wh->org].sid : "S-1-5-21-1-2-3";
    char nsid[96];
    snprintf(nsid, sizeof nsid, "%s-%u", dsid, 3000u + (unsigned)sw_rng_below(&h->rng, 5000));
    tel_out_t *o = sec_head(tel, h, 4720, 0, 13824, 0, tel_unix(tel, t_ms));
    FS(o, "TargetUserName", account);
    FS(o, "TargetDomainName", dom);
    FS(o, "TargetSid", nsid);
    subject_fields(o, s, h);
    FL(o, "PrivilegeList", "-");
    FS(o, "SamAccountName", account);
    FL(o, "DisplayName", "%%1793");
    FL(o, "UserPrincipalName", "-");
    FL(o, "HomeDirectory", "%%1793");
    FL(o, "HomePath", "%%1793");
    FL(o, "ScriptPath", "%%1793");
    FL(o, "ProfilePath", "%%1793");
    FL(o, "UserWorkstations", "%%1793");
    FL(o, "PasswordLastSet", "%%1794");
    FL(o, "AccountExpires", "%%1794");
    FL(o, "PrimaryGroupId", "513");
    FL(o, "AllowedToDelegateTo", "-");
    FL(o, "OldUacValue", "0x0");
    FL(o, "NewUacValue", "0x15");
    FS(o, "UserAccountControl", "\n\t\t%%2080\n\t\t%%2082\n\t\t%%2084");
    FL(o, "UserParameters", "%%1793");
    FL(o, "SidHistory", "-");
    FL(o, "LogonHours", "%%1797");
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4720, 6, t_ms, truth);
}

int sw_tel_group_add(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *member,
                     const char *group, uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || !member || !group)
        return SW_EINVAL;
    if (!h->windows || !tel_sees_security(h))
        return SW_OK;
    uint32_t hi = s->host;
    /* built-in local groups live in BUILTIN and are 4732; the rest global */
    int local = !strcmp(group, "Administrators") || !strcmp(group, "Remote Desktop Users") ||
                !strcmp(group, "Backup Operators") || !strcmp(group, "Server Operators");
    const sw_host_t *wh = &tel->w->hosts[hi];
    const char *dsid = wh->org < tel->w->n_orgs ? tel->orgs[wh->org].sid : "S-1-5-21-1-2-3";
    char gsid[96], msid[96], mname[160];
    if (local)
        snprintf(gsid, sizeof gsid, "S-1-5-32-%u", !strcmp(group, "Administrators") ? 544u : 555u);
    else
        snprintf(gsid, sizeof gsid, "%s-%u", dsid, !strcmp(group, "Domain Admins") ? 512u : 1105u);
    snprintf(msid, sizeof msid, "%s-%u", dsid,
             3000u + (unsigned)(sw_hash64(member, strlen(member), SW_HASH64_INIT) % 5000));
    snprintf(mname, sizeof mname, "CN=%s,CN=Users,DC=%s,DC=local", member,
             wh->org < tel->w->n_orgs ? tel->w->orgs[wh->org].id : "corp");
    int eid = local ? 4732 : 4728;
    tel_out_t *o =
        sec_head(tel, h, eid, 0, 13826, 0, tel_unix(tel, t_ms)); /* Security Group Management */
    FS(o, "MemberName", mname);
    FS(o, "MemberSid", msid);
    FS(o, "TargetUserName", group);
    FS(o, "TargetDomainName", local ? "Builtin" : tel_host_domain(tel, hi));
    FS(o, "TargetSid", gsid);
    subject_fields(o, s, h);
    FL(o, "PrivilegeList", "-");
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, eid, 6, t_ms, truth);
}

int sw_tel_kerberos_tgs(sw_tel_t *tel, int64_t t_ms, uint32_t dc, const char *account,
                        const char *service, const char *src_ip, unsigned enc_type, uint32_t truth)
{
    if (!account || !service)
        return SW_EINVAL;
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, dc, 1, &h);
    if (rc)
        return rc;
    if (!h->windows || !tel_sees_security(h))
        return SW_OK;
    const sw_host_t *wh = &tel->w->hosts[dc];
    const char *dns = wh->org < tel->w->n_orgs ? tel->orgs[wh->org].dns : "corp.local";
    tel_out_t *o = sec_head(tel, h, 4769, 0, 14337, 0, tel_unix(tel, t_ms));
    KEY(o, "TargetUserName");
    tel_ch(o, '"');
    tel_escz(o, account);
    tel_ch(o, '@');
    for (const char *c = dns; *c; c++)
        tel_ch(o, (*c >= 'a' && *c <= 'z') ? (char)(*c - 32) : *c);
    tel_ch(o, '"');
    KEY(o, "TargetDomainName");
    tel_ch(o, '"');
    for (const char *c = dns; *c; c++)
        tel_ch(o, (*c >= 'a' && *c <= 'z') ? (char)(*c - 32) : *c);
    tel_ch(o, '"');
    FS(o, "ServiceName", service);
    KEY(o, "ServiceSid");
    tel_ch(o, '"');
    tel_escz(o, wh->org < tel->w->n_orgs ? tel->orgs[wh->org].sid : "S-1-5-21-1-2-3");
    tel_ch(o, '-');
    tel_u64(o, 1000 + sw_hash64(service, strlen(service), SW_HASH64_INIT) % 9000);
    tel_ch(o, '"');
    FS(o, "TicketOptions", enc_type == 0x17 ? "0x40810000" : "0x40810010");
    FX(o, "TicketEncryptionType", enc_type);
    KEY(o, "IpAddress");
    tel_ch(o, '"');
    TEL_LIT(o, "::ffff:");
    tel_escz(o, src_ip ? src_ip : "127.0.0.1");
    tel_ch(o, '"');
    KEY(o, "IpPort");
    tel_ch(o, '"');
    tel_u64(o, (uint64_t)sw_rng_range(&h->rng, 49152, 65535));
    tel_ch(o, '"');
    FL(o, "Status", "0x0");
    KEY(o, "LogonGuid");
    guid_braced(o, &h->rng, 0);
    FL(o, "TransmittedServices", "-");
    tel_win_tail(o, 0);
    return tel_emit(tel, dc, SW_TEL_SECURITY, 4769, 6, t_ms, truth);
}

/* ---- 6. network ---------------------------------------------------------- */

static int emit_sysmon3(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                        const tel_flow_t *f, uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    tel_out_t *o = sysmon_head(tel, &tel->hosts[hi], 3, tel_unix(tel, t_ms));
    sysmon_proc_fields(tel, o, p);
    KEY(o, "User");
    tel_user_field(o, &tel->sess[p->session]);
    FS(o, "Protocol", c->udp ? "udp" : "tcp");
    FB(o, "Initiated", 1);
    FB(o, "SourceIsIpv6", 0);
    KEY(o, "SourceIp");
    tel_raw(o, f->src_q, f->src_q_len);
    FS(o, "SourceHostname", tel->hosts[hi].fqdn);
    FN(o, "SourcePort", f->sport);
    FL(o, "SourcePortName", "-");
    FB(o, "DestinationIsIpv6", 0);
    KEY(o, "DestinationIp");
    tel_raw(o, f->dst_q, f->dst_q_len);
    FS(o, "DestinationHostname",
       c->dst_host != SW_NONE ? tel->hosts[c->dst_host].fqdn
       : c->dst_name          ? c->dst_name
                              : "-");
    FN(o, "DestinationPort", f->dport);
    FS(o, "DestinationPortName", tel_port_name(f->dport));
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 3, 6, t_ms, truth);
}

int tel_win_net_conn(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const tel_flow_t *f,
                     uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    return p ? emit_sysmon3(tel, hi, t_ms, p, f, truth) : SW_OK;
}

/* Sysmon 22: the lookup by process pid. */
int tel_win_dns(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *qname,
                const char *answer, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int rc;
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (p) {
        tel_out_t *o = sysmon_head(tel, h, 22, tel_unix(tel, t_ms));
        FR(o, "ProcessGuid", p->guid, 36);
        FN(o, "ProcessId", p->pid);
        FS(o, "QueryName", qname);
        FS(o, "QueryStatus", answer ? "0" : "9003");
        KEY(o, "QueryResults");
        tel_ch(o, '"');
        if (answer) {
            TEL_LIT(o, "::ffff:");
            tel_escz(o, answer);
            tel_ch(o, ';');
        } else {
            tel_ch(o, '-');
        }
        tel_ch(o, '"');
        FR(o, "Image", tel->images[p->image].path_esc, tel->images[p->image].path_esc_len);
        KEY(o, "User");
        tel_user_field(o, &tel->sess[p->session]);
        tel_win_tail(o, 0);
        if ((rc = tel_emit(tel, hi, SW_TEL_SYSMON, 22, 6, t_ms, truth)))
            return rc;
    }
    return SW_OK;
}

/* ---- 7. Defender --------------------------------------------------------- */

int tel_win_defender(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                     const char *threat, const char *path, const char *action, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int64_t um = tel_unix(tel, t_ms);
    int quarantine = !strcmp(action, "Quarantine");
    tel_out_t *o = win_head(tel, h, &PROV_DEFENDER, 1116, -1, 0, 3, 0, "0x8000000000000000", um,
                            ++h->rec_defender, 3000, "S-1-5-18", NULL);
    FL(o, "Product Name", "Microsoft Defender Antivirus");
    FL(o, "Product Version", "4.18.23110.3");
    KEY(o, "Detection ID");
    guid_braced(o, &h->rng, 1);
    KEY(o, "Detection Time");
    tel_ts_iso(tel, o, um);
    FL(o, "Threat ID", "2147735505");
    FS(o, "Threat Name", threat);
    FL(o, "Severity ID", "5");
    FL(o, "Severity Name", "Severe");
    FL(o, "Category ID", "34");
    FL(o, "Category Name", "Tool");
    FL(o, "FWLink", "https://go.microsoft.com/fwlink/?linkid=37020&name=");
    FL(o, "Status Code", "1");
    FL(o, "Source ID", "3");
    FL(o, "Source Name", "Real-Time Protection");
    KEY(o, "Process Name");
    if (p)
        tel_str(o, tel->images[p->image].path);
    else
        TEL_LIT(o, "\"Unknown\"");
    KEY(o, "Detection User");
    if (p)
        tel_user_field(o, &tel->sess[p->session]);
    else
        TEL_LIT(o, "\"NT AUTHORITY\\\\SYSTEM\"");
    KEY(o, "Path");
    TEL_LIT(o, "\"file:_");
    tel_escz(o, path);
    tel_ch(o, '"');
    FL(o, "Origin ID", "1");
    FL(o, "Origin Name", "Local machine");
    FL(o, "Type ID", "0");
    FL(o, "Type Name", "Concrete");
    FS(o, "Action ID", quarantine ? "2" : !strcmp(action, "Remove") ? "3" : "6");
    FS(o, "Action Name",
       quarantine                  ? "Quarantine"
       : !strcmp(action, "Remove") ? "Remove"
                                   : "Allow");
    FL(o, "Error Code", "0x00000000");
    FL(o, "Error Description", "The operation completed successfully. ");
    FL(o, "Security intelligence Version", "AV: 1.403.1234.0, AS: 1.403.1234.0, NIS: 1.403.1234.0");
    FL(o, "Engine Version", "AM: 1.1.23110.2, NIS: 1.1.23110.2");
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_DEFENDER, 1116, 4, t_ms, truth);
}

/* ---- 8. power ------------------------------------------------------------ */

/* System log record of a classic or User32 provider with numbered params. */
static int emit_system_params(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const tel_prov_t *prov,
                              int eid, int qual, int level, const char *const *params, int n,
                              uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_out_t *o =
        win_head(tel, h, prov, eid, qual, 0, level, 0, "0x80000000000000", tel_unix(tel, t_ms),
                 ++h->rec_system, h->eventlog_pid ? h->eventlog_pid : 1284,
                 prov == &PROV_USER32 ? "S-1-5-18" : NULL, NULL);
    if (n == 0) {
        TEL_LIT(o, "\"Data\":null");
    } else {
        char key[16];
        for (int i = 0; i < n; i++) {
            snprintf(key, sizeof key, "param%d", i + 1);
            tel_sep(o);
            tel_str(o, key);
            tel_ch(o, ':');
            tel_str(o, params[i]);
        }
    }
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSTEM, eid, level <= 2 ? 2 : level == 3 ? 3 : 6, t_ms, truth);
}

/* An orderly restart: User32 1074 names who asked, EventLog 6006. */
int tel_win_shutdown(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t truth)
{
    int rc;
    char p1[160];
    snprintf(p1, sizeof p1, "C:\\Windows\\system32\\shutdown.exe (%s)",
             tel->w->hosts[hi].hostname ? tel->w->hosts[hi].hostname : "localhost");
    const char *prm[7] = {p1,
                          tel->w->hosts[hi].hostname ? tel->w->hosts[hi].hostname : "localhost",
                          "Other (Planned)",
                          "0x80000000",
                          "restart",
                          "",
                          "NT AUTHORITY\\SYSTEM"};
    if ((rc = emit_system_params(tel, t_ms, hi, &PROV_USER32, 1074, 32768, 4, prm, 7, truth)))
        return rc;
    if ((rc = emit_system_params(tel, t_ms + 4000, hi, &PROV_EVENTLOG_CLASSIC, 6006, 32768, 4, NULL,
                                 0, truth)))
        return rc;
    return SW_OK;
}

/* After the boot: 6005 (and 6008 after an unclean stop), Security 4608. */
int tel_win_startup(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int rc;
    if (tel_sees_system(h)) {
        if (h->unclean) {
            /* "The previous system shutdown at 9:14:02 AM on 3/10/2026 was
             * unexpected." param1 the time, param2 the date */
            char when[32], day[32];
            tel_clock(tel, tel_unix(tel, h->down_ms));
            snprintf(when, sizeof when, "%d:%02d:%02d %s", tel->ts_h % 12 ? tel->ts_h % 12 : 12,
                     tel->ts_mi, tel->ts_s, tel->ts_h < 12 ? "AM" : "PM");
            snprintf(day, sizeof day, "%d/%d/%04d", tel->ts_mo, tel->ts_d, tel->ts_y);
            const char *prm[2] = {when, day};
            if ((rc = emit_system_params(tel, t_ms + 2, hi, &PROV_EVENTLOG_CLASSIC, 6008, 32768, 2,
                                         prm, 2, truth)))
                return rc;
        }
        if ((rc = emit_system_params(tel, t_ms + 1, hi, &PROV_EVENTLOG_CLASSIC, 6005, 32768, 4,
                                     NULL, 0, truth)))
            return rc;
    }
    h->unclean = 0;
    if (tel_sees_security(h)) {
        tel_out_t *o = sec_head(tel, h, 4608, 0, 12288, 0, tel_unix(tel, t_ms + 1));
        TEL_LIT(o, "\"Data\":null");
        tel_win_tail(o, 0);
        if ((rc = tel_emit(tel, hi, SW_TEL_SECURITY, 4608, 6, t_ms + 1, truth)))
            return rc;
    }
    return SW_OK;
}
