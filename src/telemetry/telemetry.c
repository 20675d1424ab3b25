/* telemetry.c — the activity -> records core: identities (hosts, sessions,
 * processes, images), time, record emission and the activity preamble, and
 * the activities every family of hosts takes part in (boot, logon, process
 * start and end, antivirus, power), whose records the family files write
 * (tel_windows.c, tel_linux.c). See telemetry.h for the design notes,
 * tel_internal.h for how the files share the work, docs/telemetry.md for
 * samples.
 *
 * Layout of this file:
 *   1. tables (sources, image metadata) and time formatting
 *   2. state: sw_tel_new/free, hosts, images, processes
 *   3. record emission (tel_emit, the ECS openings) and the preamble
 *   4. sessions and processes
 *   5. the shared activities, in telemetry.h order
 */
#include "telemetry/telemetry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/rng.h"
#include "core/text.h"
#include "telemetry/tel_internal.h"

/* ---- 1. tables ----------------------------------------------------------- */

const char *const sw_tel_source_names[SW_TEL__COUNT] = {
    "sysmon",    "security", "system",   "defender",   "linux_auth",  "auditd",
    "zeek_conn", "zeek_dns", "suricata", "firewall",   "proxy",       "netflow",
    "device",    "av",       "mail",     "web_access", "kernel_file",
};

/* 0: copy; 1: backslash + letter; 2: \u00XX; 3: a byte >= 0x80, copied
 * only as part of a well-formed UTF-8 sequence (else U+FFFD). */
#define C3_16 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3
const unsigned char tel_esc_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2,     1,     1,     2,     2,     1,     2,     2,     2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2,     2,     2,     2,     0,     0,     1,     0,     0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0,     0,     0,     0,     0,     0,     0,     0,     0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0,     0,     0,     0,     0,     0,     0,     0,     0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0,     0,     0,     0,     1,     0,     0,     0,     0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0,     0,     0,     0,     0,     0,     0,     0,     0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 2, C3_16, C3_16, C3_16, C3_16, C3_16, C3_16, C3_16, C3_16,
};
#undef C3_16

const char tel_digits2[200] = "0001020304050607080910111213141516171819"
                              "2021222324252627282930313233343536373839"
                              "4041424344454647484950515253545556575859"
                              "6061626364656667686970717273747576777879"
                              "8081828384858687888990919293949596979899";

void tel_esc(tel_out_t *o, const char *s, size_t n)
{
    if (!tel_room(o, TEL_ESC_MAX(n)))
        return;
    static const char hex[] = "0123456789abcdef";
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    char *d = o->p;
    size_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            uint64_t lt = (x - 0x20 * ones) & ~x & highs;
            uint64_t q = x ^ (0x22 * ones), b = x ^ (0x5c * ones);
            q = (q - ones) & ~q & highs;
            b = (b - ones) & ~b & highs;
            if (lt | q | b | (x & highs)) /* highs: non-ASCII, validated below */
                break;
            memcpy(d, s + i, 8);
            d += 8;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i++];
        switch (tel_esc_class[c]) {
        case 0:
            *d++ = (char)c;
            break;
        case 3: {
            size_t len = sw_utf8_seq((const unsigned char *)s + i - 1, n - i + 1, NULL);
            if (len) {
                memcpy(d, s + i - 1, len);
                d += len;
                i += len - 1;
            } else { /* not UTF-8: the replacement character, as decoders do */
                memcpy(d, "\\ufffd", 6);
                d += 6;
            }
            break;
        }
        case 1:
            *d++ = '\\';
            *d++ = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : (char)c;
            break;
        default:
            memcpy(d, "\\u00", 4);
            d[4] = hex[c >> 4];
            d[5] = hex[c & 15];
            d += 6;
        }
    }
    o->p = d;
}

#define MSW "Microsoft\xc2\xae Windows\xc2\xae Operating System"
#define MSC TEL_MSC
#define WV "10.0.17763.1 (WinBuild.160101.0800)"

/* Version information the PE files really carry (lower-case basename). */
static const struct {
    const char *base, *desc, *product, *company, *version, *orig;
} image_meta[] = {
    {"smss.exe", "Windows Session Manager", MSW, MSC, WV, "smss.exe"},
    {"csrss.exe", "Client Server Runtime Process", MSW, MSC, WV, "CSRSS.Exe"},
    {"wininit.exe", "Windows Start-Up Application", MSW, MSC, WV, "WinInit.exe"},
    {"winlogon.exe", "Windows Logon Application", MSW, MSC, WV, "WINLOGON.EXE"},
    {"services.exe", "Services and Controller app", MSW, MSC, WV, "services.exe"},
    {"lsass.exe", "Local Security Authority Process", MSW, MSC, WV, "lsass.exe"},
    {"svchost.exe", "Host Process for Windows Services", MSW, MSC, WV, "svchost.exe"},
    {"userinit.exe", "Userinit Logon Application", MSW, MSC, WV, "USERINIT.EXE"},
    {"explorer.exe", "Windows Explorer", MSW, MSC, WV, "EXPLORER.EXE"},
    {"cmd.exe", "Windows Command Processor", MSW, MSC, WV, "Cmd.Exe"},
    {"powershell.exe", "Windows PowerShell", MSW, MSC, WV, "PowerShell.EXE"},
    {"wmic.exe", "WMI Commandline Utility", MSW, MSC, WV, "wmic.exe"},
    {"netsh.exe", "Network Command Shell", MSW, MSC, WV, "netsh.exe"},
    {"ntdsutil.exe", "NT5DS", MSW, MSC, WV, "ntdsutil.exe"},
    {"mstsc.exe", "Remote Desktop Connection", MSW, MSC, WV, "mstsc.exe"},
    {"reg.exe", "Registry Console Tool", MSW, MSC, WV, "reg.exe"},
    {"schtasks.exe", "Task Scheduler Configuration Tool", MSW, MSC, WV, "schtasks.exe"},
    {"sc.exe", "Service Control Manager Configuration Tool", MSW, MSC, WV, "sc.exe"},
    {"net.exe", "Net Command", MSW, MSC, WV, "net.exe"},
    {"net1.exe", "Net Command", MSW, MSC, WV, "net1.exe"},
    {"ipconfig.exe", "IP Configuration Utility", MSW, MSC, WV, "ipconfig.exe"},
    {"nltest.exe", "Microsoft\xc2\xae Logon Server Test Utility", MSW, MSC, WV, "nltestrk.exe"},
    {"whoami.exe", "whoami - displays logged on user information", MSW, MSC, WV, "whoami.exe"},
    {"tasklist.exe", "Lists the current running tasks.", MSW, MSC, WV, "tasklist.exe"},
    {"quser.exe", "Query User Utility", MSW, MSC, WV, "quser.exe"},
    {"vssadmin.exe", "Command Line Interface for Microsoft\xc2\xae Volume Shadow Copy Service ",
     MSW, MSC, WV, "VSSADMIN.EXE"},
    {"wbadmin.exe", "Command Line Interface for Microsoft\xc2\xae BLB Backup", MSW, MSC, WV,
     "WBADMIN.EXE"},
    {"taskhostw.exe", "Host Process for Windows Tasks", MSW, MSC, WV, "taskhostw.exe"},
    {"rdpclip.exe", "RDP Clipboard Monitor", MSW, MSC, WV, "rdpclip.exe"},
    {"mousocoreworker.exe", "MoUSO Core Worker Process", MSW, MSC, WV, "MoUsoCoreWorker.exe"},
    {"defrag.exe", "Disk Defragmenter Module", MSW, MSC, WV, "Defrag.EXE"},
    {"gpupdate.exe", "Microsoft\xc2\xae Group Policy Update Utility", MSW, MSC, WV, "GPUpdate.exe"},
    {"wevtutil.exe", "Eventing Command Line Utility", MSW, MSC, WV, "wevtutil.exe"},
    {"spoolsv.exe", "Spooler SubSystem App", MSW, MSC, WV, "spoolsv.exe"},
    {"conhost.exe", "Console Window Host", MSW, MSC, WV, "CONHOST.EXE"},
    {"rundll32.exe", "Windows host process (Rundll32)", MSW, MSC, WV, "RUNDLL32.EXE"},
    {"mpcmdrun.exe", "Microsoft Malware Protection Command Line Utility",
     "Microsoft\xc2\xae Windows\xc2\xae Operating System", MSC,
     "4.18.23110.3 (WinBuild.160101.0800)", "MpCmdRun.exe"},
    {"msmpeng.exe", "Antimalware Service Executable", MSW, MSC,
     "4.18.23110.3 (WinBuild.160101.0800)", "MsMpEng.exe"},
    {"sysmon64.exe", "System activity monitor", "Sysinternals Sysmon",
     "Sysinternals - www.sysinternals.com", "15.14", "Sysmon.exe"},
    {"chrome.exe", "Google Chrome", "Google Chrome", "Google LLC", "120.0.6099.130", "chrome.exe"},
    {"msedge.exe", "Microsoft Edge", "Microsoft Edge", MSC, "120.0.2210.91", "msedge.exe"},
    {"outlook.exe", "Microsoft Outlook", "Microsoft Outlook", MSC, "16.0.17126.20132",
     "Outlook.exe"},
    {"winword.exe", "Microsoft Word", "Microsoft Office", MSC, "16.0.17126.20132", "WinWord.exe"},
    {"excel.exe", "Microsoft Excel", "Microsoft Office", MSC, "16.0.17126.20132", "Excel.exe"},
    {"acrord32.exe", "Adobe Acrobat Reader", "Adobe Acrobat Reader", "Adobe Systems Incorporated",
     "23.8.20421.0", "AcroRd32.exe"},
    {"notepad.exe", "Notepad", MSW, MSC, WV, "NOTEPAD.EXE"},
    {"ms-teams.exe", "Microsoft Teams", "Microsoft Teams", MSC, "23335.232.2637.4844",
     "ms-teams.exe"},
    {"googleupdate.exe", "Google Installer", "Google Update", "Google LLC", "1.3.36.352",
     "GoogleUpdate.exe"},
    {"systeminfo.exe", "Displays system information", MSW, MSC, WV, "sysinfo.exe"},
    {"netstat.exe", "TCP/IP Netstat Command", MSW, MSC, WV, "netstat.exe"},
    {"arp.exe", "TCP/IP Arp Command", MSW, MSC, WV, "arp.exe"},
    {"ping.exe", "TCP/IP Ping Command", MSW, MSC, WV, "ping.exe"},
    {"route.exe", "TCP/IP Route Command", MSW, MSC, WV, "route.exe"},
    {"hostname.exe", "Hostname APP", MSW, MSC, WV, "hostname.exe"},
    {"nslookup.exe", "nslookup", MSW, MSC, WV, "nslookup.exe"},
    {"findstr.exe", "Find String (QGREP) Utility", MSW, MSC, WV, "FINDSTR.EXE"},
    {"xcopy.exe", "Extended Copy Utility", MSW, MSC, WV, "XCOPY.EXE"},
    {"robocopy.exe", "Microsoft\xc2\xae Robocopy", MSW, MSC, WV, "robocopy.exe"},
    {"certutil.exe", "CertUtil.exe", MSW, MSC, WV, "CertUtil.exe"},
    {"dnscmd.exe", "A command line interface for managing DNS servers", MSW, MSC, WV, "dnscmd.exe"},
    {"ldifde.exe", "LDAP Directory Import and Export utility", MSW, MSC, WV, "ldifde.exe"},
    {"csvde.exe", "Active Directory CSV Import and Export utility", MSW, MSC, WV, "csvde.exe"},
    {"dsquery.exe", "Active Directory Domain Services Directory Query", MSW, MSC, WV,
     "dsquery.exe"},
    {"esentutl.exe", "Extensible Storage Engine Utilities", MSW, MSC, WV, "esentutl.exe"},
    {"klist.exe", "Kerberos List Tool", MSW, MSC, WV, "klist.exe"},
    {"setspn.exe", "Query or reset the computer's SPN attribute", MSW, MSC, WV, "setspn.exe"},
    {"gpresult.exe", "Query Group Policy RSOP Data", MSW, MSC, WV, "gprslt.exe"},
    {"query.exe", "Query Utility", MSW, MSC, WV, "query.exe"},
    {"qwinsta.exe", "Query Session Utility", MSW, MSC, WV, "qwinsta.exe"},
    {"taskkill.exe", "Terminates Processes", MSW, MSC, WV, "taskkill.exe"},
    {"fsutil.exe", "fsutil.exe", MSW, MSC, WV, "fsutil.exe"},
    {"icacls.exe", "icacls.exe", MSW, MSC, WV, "iCACLS.EXE"},
    {"bitsadmin.exe", "BITS administration utility", MSW, MSC, WV, "bitsadmin.exe"},
    {"bcdedit.exe", "Boot Configuration Data Editor", MSW, MSC, WV, "bcdedit.exe"},
    {"auditpol.exe", "Audit Policy Program", MSW, MSC, WV, "AUDITPOL.EXE"},
    {"curl.exe", "The curl executable", "The curl executable", "curl, https://curl.se/", "8.4.0",
     "curl.exe"},
    {"tar.exe", "bsdtar archive tool", "libarchive", "libarchive", "3.6.2", "bsdtar"},
    {"mshta.exe", "Microsoft (R) HTML Application host", MSW, MSC, WV, "MSHTA.EXE"},
    {"regsvr32.exe", "Microsoft(C) Register Server", MSW, MSC, WV, "REGSVR32.EXE"},
    {"cscript.exe", "Microsoft \xc2\xae Console Based Script Host", MSW, MSC, WV, "cscript.exe"},
    {"wscript.exe", "Microsoft \xc2\xae Windows Based Script Host", MSW, MSC, WV, "wscript.exe"},
    {"msiexec.exe", "Windows\xc2\xae installer", MSW, MSC, WV, "msiexec.exe"},
    {"wmiprvse.exe", "WMI Provider Host", MSW, MSC, WV, "Wmiprvse.exe"},
    {"psexesvc.exe", "PsExec Service", "Sysinternals PsExec", "Sysinternals - www.sysinternals.com",
     "2.43", "psexesvc.exe"},
    {"psexec.exe", "Execute processes remotely", "Sysinternals PsExec",
     "Sysinternals - www.sysinternals.com", "2.43", "psexec.c"},
    {"procdump64.exe", "Sysinternals process dump utility", "ProcDump",
     "Sysinternals - www.sysinternals.com", "11.0", "procdump"},
    {"rclone.exe", "Rsync for cloud storage", "Rclone", "https://rclone.org", "1.65.0",
     "rclone.exe"},
    {"7z.exe", "7-Zip Console", "7-Zip", "Igor Pavlov", "23.01", "7z.exe"},
    {"7za.exe", "7-Zip Standalone Console", "7-Zip", "Igor Pavlov", "23.01", "7za.exe"},
    {"rar.exe", "Command line RAR", "WinRAR", "Alexander Roshal", "6.24.0", "Rar.exe"},
    {"anydesk.exe", "AnyDesk", "AnyDesk", "AnyDesk Software GmbH", "8.0.6", "AnyDesk.exe"},
    {"ssh.exe", "-", "-", "-", "-", "-"},
};

void tel_clock(sw_tel_t *tel, int64_t unix_ms)
{
    int64_t s = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
    if (s == tel->ts_cache_s)
        return;
    /* records often alternate between two seconds (a flow's start and end):
     * keep the previous second too */
    if (s == tel->ts_prev.s) {
        tel_ts_t cur = {tel->ts_cache_s, tel->ts_y, tel->ts_mo,   tel->ts_d, tel->ts_h,
                        tel->ts_mi,      tel->ts_s, tel->ts_wday, {0}};
        memcpy(cur.text, tel->ts_text, sizeof cur.text);
        tel->ts_cache_s = s;
        tel->ts_y = tel->ts_prev.y, tel->ts_mo = tel->ts_prev.mo, tel->ts_d = tel->ts_prev.d;
        tel->ts_h = tel->ts_prev.h, tel->ts_mi = tel->ts_prev.mi, tel->ts_s = tel->ts_prev.sec;
        tel->ts_wday = tel->ts_prev.wday;
        memcpy(tel->ts_text, tel->ts_prev.text, sizeof tel->ts_text);
        tel->ts_prev = cur;
        return;
    }
    tel->ts_prev = (tel_ts_t){tel->ts_cache_s, tel->ts_y, tel->ts_mo,   tel->ts_d, tel->ts_h,
                              tel->ts_mi,      tel->ts_s, tel->ts_wday, {0}};
    memcpy(tel->ts_prev.text, tel->ts_text, sizeof tel->ts_text);
    tel->ts_cache_s = s;
    int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
    int64_t sod = s - days * 86400;
    sw_civil_from_days(days, &tel->ts_y, &tel->ts_mo, &tel->ts_d);
    tel->ts_h = (int)(sod / 3600);
    tel->ts_mi = (int)(sod / 60 % 60);
    tel->ts_s = (int)(sod % 60);
    tel->ts_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    tel_out_t o = {tel->ts_text, tel->ts_text + sizeof tel->ts_text, 0};
    tel_dec(&o, (unsigned)tel->ts_y % 10000, 4);
    tel_ch(&o, '-');
    tel_dec(&o, (unsigned)tel->ts_mo, 2);
    tel_ch(&o, '-');
    tel_dec(&o, (unsigned)tel->ts_d, 2);
    tel_ch(&o, 'T');
    tel_dec(&o, (unsigned)tel->ts_h, 2);
    tel_ch(&o, ':');
    tel_dec(&o, (unsigned)tel->ts_mi, 2);
    tel_ch(&o, ':');
    tel_dec(&o, (unsigned)tel->ts_s, 2);
}

/* "2025-10-25" + sep + "13:44:33.433"; the first 19 characters are
 * rendered once per second (tel_clock). */
void tel_ts(sw_tel_t *tel, tel_out_t *o, int64_t unix_ms, char sep_ch)
{
    tel_clock(tel, unix_ms);
    if (!tel_room(o, 23))
        return;
    memcpy(o->p, tel->ts_text, 19);
    o->p[10] = sep_ch;
    o->p[19] = '.';
    o->p += 20;
    tel_dec(o, tel_ms_of(unix_ms), 3);
}

const char *const tel_mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char *const tel_wday[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* ---- 2. state ------------------------------------------------------------ */

static void copy_upper(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < cap; i++) {
        char c = src[i];
        dst[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    dst[i] = '\0';
}

static int is_server_role(sw_role_t r)
{
    return r != SW_ROLE_WORKSTATION && r != SW_ROLE_SOHO_ROUTER;
}

static int org_setup(sw_tel_t *tel)
{
    const sw_world_t *w = tel->w;
    for (uint32_t i = 0; i < w->n_orgs; i++) {
        tel_org_t *o = &tel->orgs[i];
        const char *id = w->orgs[i].id ? w->orgs[i].id : "org";
        char up[64];
        copy_upper(up, sizeof up, id);
        snprintf(o->netbios, sizeof o->netbios, "%.15s", up);
        snprintf(o->dns, sizeof o->dns, "%s.local", id);
        sw_rng_t r;
        sw_rng_init(&r, tel->cfg.seed, "tel.org.sid", i);
        snprintf(o->sid, sizeof o->sid, "S-1-5-21-%u-%u-%u",
                 (unsigned)sw_rng_range(&r, 1000000000, 4000000000),
                 (unsigned)sw_rng_range(&r, 1000000000, 4000000000),
                 (unsigned)sw_rng_range(&r, 1000000000, 4000000000));
        o->dc = o->firewall = o->mail = o->dns_host = o->edge = SW_NONE;
    }
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        uint32_t org = w->hosts[h].org;
        if (org >= w->n_orgs)
            continue;
        tel_org_t *o = &tel->orgs[org];
        switch (w->hosts[h].role) {
        case SW_ROLE_DOMAIN_CONTROLLER:
            if (o->dc == SW_NONE)
                o->dc = h;
            if (o->dns_host == SW_NONE)
                o->dns_host = h;
            break;
        case SW_ROLE_FIREWALL:
            if (o->firewall == SW_NONE)
                o->firewall = h;
            break;
        case SW_ROLE_MAIL:
            if (o->mail == SW_NONE)
                o->mail = h;
            break;
        case SW_ROLE_DNS:
            o->dns_host = h;
            break;
        case SW_ROLE_EDGE_ROUTER:
            if (o->edge == SW_NONE)
                o->edge = h;
            break;
        default:
            break;
        }
    }
    return SW_OK;
}

static void host_setup(sw_tel_t *tel, uint32_t hi)
{
    const sw_world_t *w = tel->w;
    const sw_host_t *wh = &w->hosts[hi];
    tel_host_t *h = &tel->hosts[hi];
    h->windows = wh->os_family == SW_OSF_WINDOWS;
    h->linux_ = wh->os_family == SW_OSF_LINUX;
    h->device = wh->os_family == SW_OSF_NETWORK;
    h->s = wh->sensors;
    h->sysmon_on = h->eventlog_on = h->audit_on = 1;
    sw_tel_audit_t a = tel->cfg.proc_audit;
    h->proc_audit =
        a == SW_TEL_AUDIT_ALL || (a == SW_TEL_AUDIT_SERVERS && is_server_role(wh->role));
    const char *hn = wh->hostname ? wh->hostname : (wh->id ? wh->id : "host");
    if (h->windows && wh->org < w->n_orgs && wh->domain_joined)
        snprintf(h->fqdn, sizeof h->fqdn, "%s.%s", hn, tel->orgs[wh->org].dns);
    else
        snprintf(h->fqdn, sizeof h->fqdn, "%s", hn);
    tel_out_t no = {h->name_esc, h->name_esc + sizeof h->name_esc, 0};
    tel_esc(&no, hn, strlen(hn) > 64 ? 64 : strlen(hn));
    h->name_esc_len = no.over ? 0 : (uint32_t)(no.p - h->name_esc);
    tel_out_t fo = {h->fqdn_esc, h->fqdn_esc + sizeof h->fqdn_esc, 0};
    tel_esc(&fo, h->fqdn, strlen(h->fqdn));
    h->fqdn_esc_len = fo.over ? 0 : (uint32_t)(fo.p - h->fqdn_esc);
    char up[40];
    copy_upper(up, sizeof up, hn);
    snprintf(h->computer_acct, sizeof h->computer_acct, "%.15s$", up);
    sw_rng_init(&h->rng, tel->cfg.seed, "tel.host", hi);
    h->machine = (uint32_t)sw_rng_next(&h->rng);
    h->guid_tail = 0x4000u | (uint32_t)sw_rng_below(&h->rng, 0x1000);
    h->guid_ctr = (uint16_t)sw_rng_next(&h->rng);
    h->rec_sysmon = 100000 + sw_rng_below(&h->rng, 9000000);
    h->rec_security = 100000 + sw_rng_below(&h->rng, 9000000);
    h->rec_system = 1000 + sw_rng_below(&h->rng, 90000);
    h->rec_defender = 100 + sw_rng_below(&h->rng, 9000);
    h->audit_serial = 1000 + sw_rng_below(&h->rng, 100000);
    h->next_logon = 0x30000 + sw_rng_below(&h->rng, 0x400000);
    h->sys_sess = SW_NONE;
}

static void *libc_alloc(void *ud, void *p, size_t n)
{
    (void)ud;
    if (n == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, n);
}

void *tel_realloc(sw_tel_t *tel, void *p, size_t n)
{
    return tel->cfg.alloc(tel->cfg.alloc_ud, p, n ? n : 1);
}

void *tel_zalloc(sw_tel_t *tel, size_t n)
{
    void *p = tel_realloc(tel, NULL, n);
    if (p)
        memset(p, 0, n ? n : 1);
    return p;
}

void tel_free(sw_tel_t *tel, void *p)
{
    if (p)
        tel->cfg.alloc(tel->cfg.alloc_ud, p, 0);
}

static char *tel_strdup(sw_tel_t *tel, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = tel_realloc(tel, NULL, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int sess_new(sw_tel_t *tel, uint32_t *out)
{
    if (tel->n_sess == tel->cap_sess) {
        uint32_t cap = tel->cap_sess ? tel->cap_sess * 2 : 1024;
        tel_sess_t *s = tel_realloc(tel, tel->sess, cap * sizeof *s);
        if (!s)
            return SW_ENOMEM;
        tel->sess = s;
        tel->cap_sess = cap;
    }
    *out = tel->n_sess++;
    memset(&tel->sess[*out], 0, sizeof tel->sess[*out]);
    return SW_OK;
}

int sw_tel_new(sw_tel_t **out, const sw_world_t *w, const sw_tel_config_t *cfg)
{
    *out = NULL;
    sw_tel_alloc_fn af = cfg->alloc ? cfg->alloc : libc_alloc;
    sw_tel_t *tel = af(cfg->alloc_ud, NULL, sizeof *tel);
    if (!tel)
        return SW_ENOMEM;
    memset(tel, 0, sizeof *tel);
    tel->w = w;
    tel->cfg = *cfg;
    tel->cfg.alloc = af;
    if (!tel->cfg.epoch_ms)
        tel->cfg.epoch_ms = sw_world_epoch_ms(w);
    tel->ts_cache_s = tel->ts_prev.s = INT64_MIN;
    tel->hosts = tel_zalloc(tel, (size_t)w->n_hosts * sizeof *tel->hosts);
    tel->orgs = tel_zalloc(tel, (size_t)w->n_orgs * sizeof *tel->orgs);
    tel->buf = tel_realloc(tel, NULL, TEL_MAX_RECORD);
    tel->cap_images = 64; /* grows by doubling; small so every run exercises the rehash */
    tel->images = tel_zalloc(tel, tel->cap_images * sizeof *tel->images);
    if (!tel->hosts || !tel->orgs || !tel->buf || !tel->images)
        goto fail;
    org_setup(tel);
    for (uint32_t h = 0; h < w->n_hosts; h++)
        host_setup(tel, h);
    *out = tel;
    return SW_OK;
fail:
    sw_tel_free(tel);
    return SW_ENOMEM;
}

static void proc_free_strings(sw_tel_t *tel, tel_proc_t *p)
{
    tel_free(tel, p->cmd_esc);
    tel_free(tel, p->cmd);
    p->cmd_esc = p->cmd = NULL;
}

void sw_tel_free(sw_tel_t *tel)
{
    if (!tel)
        return;
    if (tel->hosts) {
        for (uint32_t h = 0; h < tel->w->n_hosts; h++) {
            for (uint32_t i = 0; i < tel->hosts[h].n_procs; i++)
                proc_free_strings(tel, &tel->hosts[h].procs[i]);
            tel_free(tel, tel->hosts[h].procs);
        }
    }
    if (tel->images)
        for (uint32_t i = 0; i < tel->cap_images; i++) {
            tel_free(tel, tel->images[i].path);
            tel_free(tel, tel->images[i].path_esc);
            tel_free(tel, tel->images[i].meta);
        }
    tel_free(tel, tel->images);
    tel_free(tel, tel->hosts);
    tel_free(tel, tel->orgs);
    for (uint32_t i = 0; i < tel->n_sess; i++)
        tel_free(tel, tel->sess[i].user_esc);
    tel_free(tel, tel->sess);
    tel_free(tel, tel->buf);
    tel->cfg.alloc(tel->cfg.alloc_ud, tel, 0);
}

const sw_world_t *sw_tel_world(const sw_tel_t *tel)
{
    return tel->w;
}
uint64_t sw_tel_records(const sw_tel_t *tel)
{
    return tel->seq;
}

uint32_t sw_tel_org_role_host(const sw_tel_t *tel, uint32_t org, sw_role_t role)
{
    if (org >= tel->w->n_orgs)
        return SW_NONE;
    const tel_org_t *o = &tel->orgs[org];
    switch (role) {
    case SW_ROLE_DOMAIN_CONTROLLER:
        return o->dc;
    case SW_ROLE_FIREWALL:
        return o->firewall;
    case SW_ROLE_MAIL:
        return o->mail;
    case SW_ROLE_DNS:
        return o->dns_host;
    case SW_ROLE_EDGE_ROUTER:
        return o->edge;
    default:
        break;
    }
    for (uint32_t h = 0; h < tel->w->n_hosts; h++)
        if (tel->w->hosts[h].org == org && tel->w->hosts[h].role == role)
            return h;
    return SW_NONE;
}

const char *sw_tel_org_netbios(const sw_tel_t *tel, uint32_t org)
{
    return org < tel->w->n_orgs ? tel->orgs[org].netbios : "";
}

const char *sw_tel_org_dns(const sw_tel_t *tel, uint32_t org)
{
    return org < tel->w->n_orgs ? tel->orgs[org].dns : "";
}

uint32_t sw_tel_find_process(const sw_tel_t *tel, uint32_t host, const char *name)
{
    if (host >= tel->w->n_hosts || !name)
        return 0;
    const tel_host_t *h = &tel->hosts[host];
    uint32_t best = 0;
    for (uint32_t i = 0; i < h->n_procs; i++) {
        const tel_proc_t *p = &h->procs[i];
        if (!strcasecmp(tel->images[p->image].base, name) && (!best || p->pid < best))
            best = p->pid;
    }
    return best;
}

/* Escape s (cut at TEL_MAX_ARG) into a new heap string. */
static char *esc_dup(sw_tel_t *tel, const char *s, uint32_t *len_out)
{
    size_t n = s ? strlen(s) : 0;
    if (n > TEL_MAX_ARG)
        n = TEL_MAX_ARG;
    char *d = tel_realloc(tel, NULL, TEL_ESC_MAX(n) + 1);
    if (!d)
        return NULL;
    tel_out_t o = {d, d + TEL_ESC_MAX(n) + 1, 0};
    tel_esc(&o, s ? s : "", n);
    *o.p = '\0';
    *len_out = (uint32_t)(o.p - d);
    return d;
}

void tel_hex_into(char *d, uint64_t v, int digits)
{
    static const char hx[] = "0123456789ABCDEF";
    for (int i = digits - 1; i >= 0; i--) {
        d[i] = hx[v & 15];
        v >>= 4;
    }
}

/* Interned image for path: metadata by basename, hashes derived from the
 * path so the same file has the same hashes on every host. O(1) expected. */
int tel_image_get(sw_tel_t *tel, const char *path, uint32_t *out)
{
    uint64_t key = sw_hash64(path, strlen(path), SW_HASH64_INIT) | 1;
    uint32_t mask = tel->cap_images - 1;
    for (uint32_t i = (uint32_t)key & mask;; i = (i + 1) & mask) {
        tel_image_t *im = &tel->images[i];
        if (im->key == key && strcmp(im->path, path) == 0) {
            *out = i;
            return SW_OK;
        }
        if (im->key)
            continue;
        if (tel->n_images * 2 >= tel->cap_images) {
            /* grow and rehash */
            uint32_t ncap = tel->cap_images * 2;
            tel_image_t *ni = tel_zalloc(tel, ncap * sizeof *ni);
            if (!ni)
                return SW_ENOMEM;
            /* processes refer to images by slot: remap them */
            uint32_t *map = tel_realloc(tel, NULL, tel->cap_images * sizeof *map);
            if (!map) {
                tel_free(tel, ni);
                return SW_ENOMEM;
            }
            for (uint32_t j = 0; j < tel->cap_images; j++) {
                if (!tel->images[j].key)
                    continue;
                uint32_t k = (uint32_t)tel->images[j].key & (ncap - 1);
                while (ni[k].key)
                    k = (k + 1) & (ncap - 1);
                ni[k] = tel->images[j];
                map[j] = k;
            }
            for (uint32_t h = 0; h < tel->w->n_hosts; h++)
                for (uint32_t p = 0; p < tel->hosts[h].n_procs; p++)
                    tel->hosts[h].procs[p].image = map[tel->hosts[h].procs[p].image];
            tel_free(tel, map);
            tel_free(tel, tel->images);
            tel->images = ni;
            tel->cap_images = ncap;
            return tel_image_get(tel, path, out);
        }
        im->path = tel_strdup(tel, path);
        im->path_esc = esc_dup(tel, path, &im->path_esc_len);
        if (!im->path || !im->path_esc) {
            tel_free(tel, im->path);
            tel_free(tel, im->path_esc);
            im->path = im->path_esc = NULL;
            return SW_ENOMEM;
        }
        im->key = key;
        tel->n_images++;
        const char *b = im->path;
        for (const char *p = im->path; *p; p++)
            if (*p == '\\' || *p == '/')
                b = p + 1;
        im->base = b;
        char low[64];
        size_t bl = 0;
        for (; b[bl] && bl + 1 < sizeof low; bl++)
            low[bl] = (b[bl] >= 'A' && b[bl] <= 'Z') ? (char)(b[bl] + 32) : b[bl];
        low[bl] = '\0';
        im->desc = im->product = im->company = im->version = im->orig = "-";
        for (size_t m = 0; m < sizeof image_meta / sizeof image_meta[0]; m++)
            if (!strcmp(image_meta[m].base, low)) {
                im->desc = image_meta[m].desc;
                im->product = image_meta[m].product;
                im->company = image_meta[m].company;
                im->version = image_meta[m].version;
                im->orig = image_meta[m].orig;
                break;
            }
        char mbuf[2048];
        tel_out_t mo = {mbuf, mbuf + sizeof mbuf, 0};
        TEL_LIT(&mo, "\"FileVersion\":");
        tel_str(&mo, im->version);
        TEL_LIT(&mo, ",\"Description\":");
        tel_str(&mo, im->desc);
        TEL_LIT(&mo, ",\"Product\":");
        tel_str(&mo, im->product);
        TEL_LIT(&mo, ",\"Company\":");
        tel_str(&mo, im->company);
        TEL_LIT(&mo, ",\"OriginalFileName\":");
        tel_str(&mo, im->orig);
        im->meta_len = (uint32_t)(mo.p - mbuf);
        im->meta = tel_realloc(tel, NULL, im->meta_len);
        if (!im->meta) {
            tel_free(tel, im->path);
            tel_free(tel, im->path_esc);
            im->path = im->path_esc = NULL;
            im->key = 0;
            tel->n_images--;
            return SW_ENOMEM;
        }
        memcpy(im->meta, mbuf, im->meta_len);
        /* Hashes by file name + a stable salt: system binaries of the same
         * name are the same file on every host, as in a real fleet. */
        uint64_t k = sw_hash64(low, bl, 0x5ea3a11ULL);
        char *d = im->hashes;
        memcpy(d, "SHA1=", 5);
        d += 5;
        for (int j = 0; j < 3; j++) {
            k = sw_hash64(&k, sizeof k, SW_HASH64_INIT);
            tel_hex_into(d, k, j < 2 ? 16 : 8);
            d += j < 2 ? 16 : 8;
        }
        memcpy(d, ",MD5=", 5);
        d += 5;
        for (int j = 0; j < 2; j++) {
            k = sw_hash64(&k, sizeof k, SW_HASH64_INIT);
            tel_hex_into(d, k, 16);
            d += 16;
        }
        memcpy(d, ",SHA256=", 8);
        d += 8;
        for (int j = 0; j < 4; j++) {
            k = sw_hash64(&k, sizeof k, SW_HASH64_INIT);
            tel_hex_into(d, k, 16);
            d += 16;
        }
        memcpy(d, ",IMPHASH=", 9);
        d += 9;
        for (int j = 0; j < 2; j++) {
            k = sw_hash64(&k, sizeof k, SW_HASH64_INIT);
            tel_hex_into(d, k, 16);
            d += 16;
        }
        *d = '\0';
        im->hashes_len = (uint32_t)(d - im->hashes);
        *out = i;
        return SW_OK;
    }
}

tel_proc_t *tel_proc_find(tel_host_t *h, uint32_t pid)
{
    if (!pid)
        return NULL;
    for (uint32_t i = 0; i < h->n_procs; i++)
        if (h->procs[i].pid == pid)
            return &h->procs[i];
    return NULL;
}

int sw_tel_process_alive(const sw_tel_t *tel, uint32_t host, uint32_t pid)
{
    if (host >= tel->w->n_hosts)
        return 0;
    return tel_proc_find(&tel->hosts[host], pid) != NULL;
}

uint32_t tel_pid_new(tel_host_t *h)
{
    if (h->boot_pid) { /* the boot chain gets the low PIDs, in order */
        uint32_t pid = h->boot_pid;
        h->boot_pid += 4 * (uint32_t)sw_rng_range(&h->rng, 1, 24);
        return pid;
    }
    for (;;) {
        uint32_t pid = h->linux_ ? (uint32_t)sw_rng_range(&h->rng, 1200, 65000)
                                 : (uint32_t)sw_rng_range(&h->rng, 200, 9000) * 4;
        if (!tel_proc_find(h, pid))
            return pid;
    }
}

/* ---- 3. emission --------------------------------------------------------- */

int tel_emit(sw_tel_t *tel, uint32_t hi, sw_tel_source_t src, int event_id, int severity,
             int64_t t_ms, uint32_t truth)
{
    if (tel->out.over)
        return SW_ETOOBIG;
    if (tel->hosts[hi].offline)
        return SW_OK; /* a host that is down writes nothing */
    const sw_host_t *wh = &tel->w->hosts[hi];
    sw_tel_record_t r;
    r.seq = ++tel->seq;
    r.t_ms = t_ms;
    r.unix_ms = tel_unix(tel, t_ms);
    r.team = wh->team;
    r.team_id = wh->team < tel->w->n_teams && tel->w->teams[wh->team].id
                    ? tel->w->teams[wh->team].id
                    : "unassigned";
    r.host = hi;
    r.hostname = wh->hostname ? wh->hostname : wh->id;
    r.source = src;
    r.event_id = event_id;
    r.severity = severity;
    *tel->out.p = '\0';
    r.json = tel->buf;
    r.json_len = (size_t)(tel->out.p - tel->buf);
    r.truth = truth;
    return tel->cfg.cb ? tel->cfg.cb(tel->cfg.ud, &r) : SW_OK;
}

tel_out_t *tel_ecs_host(sw_tel_t *tel, uint32_t hi, int64_t unix_ms)
{
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    tel_ts_iso(tel, o, unix_ms);
    TEL_LIT(o, ",\"host\":{\"name\":");
    tel_name(tel, o, hi);
    return o;
}

tel_out_t *tel_ecs_observer(sw_tel_t *tel, uint32_t hi, int64_t unix_ms)
{
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    tel_ts_iso(tel, o, unix_ms);
    TEL_LIT(o, ",\"observer\":{\"name\":");
    tel_name(tel, o, hi);
    return o;
}

/* The activity preamble. A session's host has booted: sessions are opened
 * by sw_tel_logon after its boot, or by the boot itself. */
static int ensure_boot(sw_tel_t *tel, uint32_t hi, int64_t t_ms)
{
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    if (tel->hosts[hi].booted)
        return SW_OK;
    return sw_tel_host_boot(tel, t_ms, hi, 0);
}

int tel_host_enter(sw_tel_t *tel, int64_t t_ms, uint32_t hi, int boot, tel_host_t **h)
{
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    *h = &tel->hosts[hi];
    return boot ? ensure_boot(tel, hi, t_ms) : SW_OK;
}

int tel_sess_enter(sw_tel_t *tel, sw_tel_session_t sid, tel_sess_t **s, tel_host_t **h)
{
    if (sid >= tel->n_sess)
        return SW_EINVAL;
    *s = &tel->sess[sid];
    *h = &tel->hosts[(*s)->host];
    return SW_OK;
}

/* ---- 4. sessions and processes ------------------------------------------- */

tel_sess_t *tel_sess(sw_tel_t *tel, sw_tel_session_t s)
{
    return s < tel->n_sess ? &tel->sess[s] : NULL;
}

/* The session's "DOMAIN\\account" escaped, as Sysmon's User field, and the
 * Subject* fields of Security events: rendered once per session, copied
 * per record. */
static int sess_render(sw_tel_t *tel, tel_sess_t *s)
{
    char ubuf[TEL_ESC_MAX(sizeof s->domain + sizeof s->account) + 4], sbuf[1024];
    tel_out_t o = {ubuf, ubuf + sizeof ubuf, 0};
    tel_escz(&o, s->domain);
    TEL_LIT(&o, "\\\\");
    tel_escz(&o, s->account);
    size_t ulen = (size_t)(o.p - ubuf);
    /* Subject* of Security events: SYSTEM appears as the computer account */
    int machine = s->system && s->logon_id == 0x3e7;
    const tel_host_t *h = &tel->hosts[s->host];
    tel_out_t q = {sbuf, sbuf + sizeof sbuf, 0};
    TEL_LIT(&q, "\"SubjectUserSid\":");
    tel_str(&q, s->sid);
    TEL_LIT(&q, ",\"SubjectUserName\":");
    tel_str(&q, machine ? h->computer_acct : s->account);
    TEL_LIT(&q, ",\"SubjectDomainName\":");
    tel_str(&q, machine ? tel_host_domain(tel, s->host) : s->domain);
    TEL_LIT(&q, ",\"SubjectLogonId\":\"");
    tel_hex0x(&q, s->logon_id);
    tel_ch(&q, '"');
    if (o.over || q.over)
        return SW_ETOOBIG;
    size_t slen = (size_t)(q.p - sbuf);
    char *block = tel_realloc(tel, NULL, ulen + slen);
    if (!block)
        return SW_ENOMEM;
    memcpy(block, ubuf, ulen);
    memcpy(block + ulen, sbuf, slen);
    tel_free(tel, s->user_esc);
    s->user_esc = block;
    s->user_esc_len = (uint32_t)ulen;
    s->subj = block + ulen;
    s->subj_len = (uint32_t)slen;
    return SW_OK;
}

uint32_t tel_host_team(const sw_tel_t *tel, uint32_t hi)
{
    return tel->w->hosts[hi].team;
}

const char *tel_host_ip(const sw_tel_t *tel, uint32_t hi)
{
    const char *ip = hi < tel->w->n_hosts ? tel->w->hosts[hi].ip_text : NULL;
    return ip ? ip : "0.0.0.0";
}

uint32_t tel_org_of(const sw_tel_t *tel, uint32_t hi)
{
    return hi < tel->w->n_hosts ? tel->w->hosts[hi].org : SW_NONE;
}

const char *tel_host_domain(sw_tel_t *tel, uint32_t hi)
{
    const sw_host_t *wh = &tel->w->hosts[hi];
    if (wh->domain_joined && wh->org < tel->w->n_orgs)
        return tel->orgs[wh->org].netbios;
    return tel->hosts[hi].computer_acct; /* workgroup: the machine name */
}

int tel_sess_system(sw_tel_t *tel, uint32_t hi, const char *account, const char *sid,
                    uint64_t logon_id, uint32_t *out)
{
    int rc = sess_new(tel, out);
    if (rc)
        return rc;
    tel_sess_t *s = &tel->sess[*out];
    s->host = hi;
    s->user = SW_NONE;
    snprintf(s->account, sizeof s->account, "%s", account);
    snprintf(s->domain, sizeof s->domain, "%s", tel->hosts[hi].linux_ ? "" : "NT AUTHORITY");
    snprintf(s->sid, sizeof s->sid, "%s", sid);
    s->logon_id = logon_id;
    s->logon_type = 0;
    s->system = 1;
    s->admin = 1;
    s->open = 1;
    return sess_render(tel, s);
}

static void guid_write(tel_host_t *h, int64_t unix_ms, char out[40])
{
    uint32_t secs = (uint32_t)(unix_ms / 1000);
    uint16_t ctr = h->guid_ctr++;
    char *d = out;
    tel_hex_into(d, h->machine, 8);
    d += 8;
    *d++ = '-';
    tel_hex_into(d, secs & 0xffff, 4);
    d += 4;
    *d++ = '-';
    tel_hex_into(d, secs >> 16, 4);
    d += 4;
    *d++ = '-';
    tel_hex_into(d, ctr, 4);
    d += 4;
    *d++ = '-';
    memcpy(d, "00000000", 8);
    d += 8;
    tel_hex_into(d, h->guid_tail, 4);
    d += 4;
    *d = '\0';
}

int tel_proc_add(sw_tel_t *tel, uint32_t hi, int64_t unix_ms, uint32_t pid, uint32_t ppid,
                 uint32_t sess, const char *image, const char *cmd, tel_proc_t **out)
{
    tel_host_t *h = &tel->hosts[hi];
    uint32_t img;
    int rc = tel_image_get(tel, image, &img);
    if (rc)
        return rc;
    if (h->n_procs == h->cap_procs) {
        uint32_t cap = h->cap_procs ? h->cap_procs * 2 : 32;
        tel_proc_t *p = tel_realloc(tel, h->procs, cap * sizeof *p);
        if (!p)
            return SW_ENOMEM;
        h->procs = p;
        h->cap_procs = cap;
    }
    tel_proc_t *p = &h->procs[h->n_procs];
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->ppid = ppid;
    p->session = sess;
    p->image = img;
    guid_write(h, unix_ms, p->guid);
    p->cmd_esc = esc_dup(tel, cmd, &p->cmd_esc_len);
    p->cmd = tel_strdup(tel, cmd ? cmd : "");
    if (!p->cmd_esc || !p->cmd) {
        proc_free_strings(tel, p);
        return SW_ENOMEM;
    }
    h->n_procs++;
    *out = p;
    return SW_OK;
}

static void proc_remove(sw_tel_t *tel, tel_host_t *h, tel_proc_t *p)
{
    proc_free_strings(tel, p);
    *p = h->procs[--h->n_procs];
}

/* parent may be missing (smss: its parent is the kernel). */
int tel_proc_start(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sess, uint32_t ppid,
                   const char *image, const char *cmd, uint32_t truth, uint32_t *pid_out)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_proc_t *p;
    uint32_t pid = tel_pid_new(h);
    int rc = tel_proc_add(tel, hi, tel_unix(tel, t_ms), pid, ppid, sess, image, cmd, &p);
    if (rc)
        return rc;
    if (pid_out)
        *pid_out = pid;
    const tel_proc_t *pp = tel_proc_find(h, ppid); /* p stays valid: nothing was added since */
    if (h->windows)
        return tel_win_proc_started(tel, hi, t_ms, p, pp, truth);
    if (h->linux_)
        return tel_lx_proc_started(tel, hi, t_ms, p, pp, truth);
    return SW_OK;
}

/* ---- 5. shared activities ------------------------------------------------ */

int sw_tel_process_end(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, uint32_t truth)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, host, 0, &h);
    if (rc)
        return rc;
    tel_proc_t *p = tel_proc_find(h, pid);
    if (!p)
        return SW_ENOENT;
    if (h->windows)
        rc = tel_win_proc_ended(tel, host, t_ms, p, truth);
    /* children outlive their parent; their ParentProcessGuid stays valid
     * because it was written when they started */
    proc_remove(tel, h, p);
    return rc;
}

/* The host's processes and sessions are gone; its SYSTEM session opens and
 * its family writes the boot (tel_win_boot, tel_lx_boot). */
int sw_tel_host_boot(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t truth)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 0, &h);
    if (rc)
        return rc;
    /* a reboot: everything that ran is gone, sessions closed */
    for (uint32_t i = 0; i < h->n_procs; i++)
        proc_free_strings(tel, &h->procs[i]);
    h->n_procs = 0;
    for (uint32_t i = 0; i < tel->n_sess; i++)
        if (tel->sess[i].host == hi)
            tel->sess[i].open = 0;
    h->booted = 1;
    h->sysmon_on = h->eventlog_on = 1;
    uint32_t sys;
    if ((rc = tel_sess_system(tel, hi, h->linux_ ? "root" : "SYSTEM", "S-1-5-18", 0x3e7, &sys)))
        return rc;
    h->sys_sess = sys;
    if (h->device)
        return SW_OK;
    tel->sess[sys].logon_unix_s = tel_unix(tel, t_ms) / 1000;
    if (h->linux_)
        return tel_lx_boot(tel, hi, t_ms, sys, truth);
    return tel_win_boot(tel, hi, t_ms, sys, truth);
}

sw_tel_session_t sw_tel_system_session(sw_tel_t *tel, uint32_t host)
{
    tel_host_t *h;
    if (tel_host_enter(tel, 0, host, 1, &h))
        return SW_NONE;
    return h->sys_sess;
}

uint32_t sw_tel_session_shell(const sw_tel_t *tel, sw_tel_session_t s)
{
    return s < tel->n_sess ? tel->sess[s].shell_pid : 0;
}

uint32_t sw_tel_session_host(const sw_tel_t *tel, sw_tel_session_t s)
{
    return s < tel->n_sess ? tel->sess[s].host : SW_NONE;
}

uint32_t tel_parent_for(sw_tel_t *tel, const tel_sess_t *s, uint32_t ppid)
{
    tel_host_t *h = &tel->hosts[s->host];
    if (ppid && tel_proc_find(h, ppid))
        return ppid;
    if (s->shell_pid && tel_proc_find(h, s->shell_pid))
        return s->shell_pid;
    if (h->linux_)
        return h->sshd_pid && tel_proc_find(h, h->sshd_pid) ? h->sshd_pid : 1;
    return h->services_pid;
}

int sw_tel_process_start(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, uint32_t parent_pid,
                         const char *image, const char *cmdline, uint32_t truth, uint32_t *pid_out)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || !image || h->device)
        return SW_EINVAL;
    return tel_proc_start(tel, s->host, t_ms, sid, tel_parent_for(tel, s, parent_pid), image,
                          cmdline ? cmdline : image, truth, pid_out);
}

/* The domain controller account of org named account (a service account the
 * scenario lists on its DC, not a person): its index on that DC's list, or
 * -1. The well-known local names stay local wherever they log on. */
static int dc_account(const sw_world_t *w, uint32_t org, const char *account, uint32_t *dc)
{
    if (!account || !strcmp(account, "Administrator") || !strcmp(account, "root") ||
        !strcmp(account, "krbtgt") || !strcmp(account, "Guest"))
        return -1;
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        if (w->hosts[h].org != org || w->hosts[h].role != SW_ROLE_DOMAIN_CONTROLLER)
            continue;
        for (uint32_t i = 0; i < w->hosts[h].n_accounts; i++)
            if (w->hosts[h].accounts[i].name && !strcmp(w->hosts[h].accounts[i].name, account)) {
                *dc = h;
                return (int)i;
            }
    }
    return -1;
}

int sw_tel_logon(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t user, const char *account,
                 int logon_type, const char *src_ip, uint32_t truth, sw_tel_session_t *out)
{
    const sw_world_t *w = tel->w;
    if (out)
        *out = SW_NONE; /* until a session exists */
    if (hi >= w->n_hosts || (user == SW_NONE && !account) ||
        (user != SW_NONE && user >= w->n_users))
        return SW_EINVAL;
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 1, &h);
    if (rc)
        return rc;
    if (h->device) /* a device login (router_login) has no session to hand back */
        return sw_tel_router_login(
            tel, t_ms, hi, user != SW_NONE ? w->users[user].account : account, src_ip, 1, truth);
    uint32_t sid;
    if ((rc = sess_new(tel, &sid)))
        return rc;
    tel_sess_t *s = &tel->sess[sid];
    s->host = hi;
    s->user = user;
    s->logon_type = logon_type;
    s->open = 1;
    s->logon_unix_s = tel_unix(tel, t_ms) / 1000;
    const sw_host_t *wh = &w->hosts[hi];
    uint32_t dc = SW_NONE;
    int dca = user == SW_NONE && wh->os_family == SW_OSF_WINDOWS && wh->org < w->n_orgs
                  ? dc_account(w, wh->org, account, &dc)
                  : -1;
    if (user != SW_NONE) {
        const sw_user_t *u = &w->users[user];
        snprintf(s->account, sizeof s->account, "%s", u->account);
        uint32_t org = u->org < w->n_orgs ? u->org : wh->org;
        snprintf(s->domain, sizeof s->domain, "%s",
                 org < w->n_orgs ? tel->orgs[org].netbios : "WORKGROUP");
        snprintf(s->sid, sizeof s->sid, "%s-%u",
                 org < w->n_orgs ? tel->orgs[org].sid : "S-1-5-21-1-2-3", 1100 + user);
        s->admin = u->domain_admin;
        s->uid = 1001 + user;
    } else if (dca >= 0) {
        /* a domain service account: the domain's name and SID */
        snprintf(s->account, sizeof s->account, "%s", account);
        snprintf(s->domain, sizeof s->domain, "%s", tel->orgs[wh->org].netbios);
        snprintf(s->sid, sizeof s->sid, "%s-%u", tel->orgs[wh->org].sid,
                 3100u + dc * 16u + (uint32_t)dca);
        s->admin = w->hosts[dc].accounts[dca].admin != 0;
        s->uid = 1000;
    } else {
        snprintf(s->account, sizeof s->account, "%s", account);
        int local_admin = !strcmp(account, "Administrator") || !strcmp(account, "root");
        snprintf(s->domain, sizeof s->domain, "%.15s", h->computer_acct);
        size_t dl = strlen(s->domain);
        if (dl && s->domain[dl - 1] == '$')
            s->domain[dl - 1] = '\0';
        snprintf(s->sid, sizeof s->sid, "S-1-5-21-%u-%u-%u-%u", h->machine,
                 h->machine ^ 0x5a5a5a5au, h->machine >> 3, local_admin ? 500u : 1001u);
        s->admin = local_admin;
        s->uid = local_admin ? 0 : 1000;
    }
    h->next_logon += 1 + sw_rng_below(&h->rng, 0x4000);
    s->logon_id = h->next_logon;
    if ((rc = sess_render(tel, s)))
        return rc;
    int interactive = logon_type == 2 || logon_type == 10 || logon_type == 11;
    if (interactive) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < tel->n_sess; i++)
            if (tel->sess[i].host == hi && tel->sess[i].open && tel->sess[i].terminal)
                n++;
        s->terminal = n + 1;
    }
    if (out)
        *out = sid;
    if (h->linux_)
        return tel_lx_logon(tel, hi, t_ms, sid, src_ip, truth);
    return tel_win_logon(tel, hi, t_ms, sid, src_ip, truth);
}

int sw_tel_logon_failed(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *account,
                        int logon_type, const char *src_ip, uint32_t truth)
{
    if (!account)
        return SW_EINVAL;
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 1, &h);
    if (rc)
        return rc;
    if (h->device)
        return sw_tel_router_login(tel, t_ms, hi, account, src_ip, 0, truth);
    if (!tel_sees_security(h))
        return SW_OK;
    if (h->linux_)
        return tel_lx_logon_failed(tel, hi, t_ms, account, src_ip, truth);
    return tel_win_logon_failed(tel, hi, t_ms, account, logon_type, src_ip, truth);
}

int sw_tel_logoff(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || s->system)
        return SW_EINVAL;
    if (!s->open)
        return SW_OK;
    uint32_t hi = s->host;
    int rc;
    /* the session's processes end first, last started first */
    for (uint32_t i = h->n_procs; i-- > 0;) {
        if (h->procs[i].session != sid)
            continue;
        if ((rc = sw_tel_process_end(tel, t_ms, hi, h->procs[i].pid, truth)))
            return rc;
    }
    s->open = 0;
    s = &tel->sess[sid];
    if (!tel_sees_security(h))
        return SW_OK;
    if (h->linux_)
        return tel_lx_logoff(tel, hi, t_ms, s, truth);
    return tel_win_logoff(tel, hi, t_ms, s, truth);
}

int sw_tel_file_create(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *path,
                       uint32_t truth)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 0, &h);
    if (rc || !path)
        return rc;
    if (h->windows)
        return tel_win_file_create(tel, hi, t_ms, pid, path, truth);
    if (h->linux_)
        return tel_lx_file_create(tel, hi, t_ms, pid, path, truth);
    return SW_OK;
}

int sw_tel_file_delete(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *path,
                       uint32_t truth)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 0, &h);
    if (rc || !path || !h->windows)
        return rc;
    return tel_win_file_delete(tel, hi, t_ms, pid, path, truth);
}

int sw_tel_file_rename(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *from,
                       const char *to, uint32_t truth)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 0, &h);
    if (rc || !from || !to || !h->windows || !h->s.edr)
        return rc;
    return tel_win_file_rename(tel, hi, t_ms, pid, from, to, truth);
}

int sw_tel_av_detection(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *threat,
                        const char *path, const char *action, uint32_t truth)
{
    if (!threat || !path || !action)
        return SW_EINVAL;
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 1, &h);
    if (rc)
        return rc;
    if (!h->s.av)
        return SW_OK;
    if (h->windows) {
        if (!h->eventlog_on)
            return SW_OK;
        return tel_win_defender(tel, hi, t_ms, tel_proc_find(h, pid), threat, path, action, truth);
    }
    return tel_lx_clamav(tel, hi, t_ms, threat, path, action, truth);
}

int sw_tel_host_down(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *why, uint32_t truth)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 1, &h);
    if (rc)
        return rc;
    if (h->offline)
        return SW_OK;
    int clean = why && (!strcmp(why, "reboot") || !strcmp(why, "reimage") ||
                        !strcmp(why, "restore") || !strcmp(why, "reflash"));
    if (h->device) {
        if (clean && (rc = sw_tel_router_reboot(tel, t_ms, hi, "admin", why, truth)))
            return rc;
    } else if (h->windows && clean && tel_sees_system(h)) {
        if ((rc = tel_win_shutdown(tel, hi, t_ms, truth)))
            return rc;
    }
    h->offline = 1;
    h->unclean = !clean;
    h->down_ms = t_ms;
    return SW_OK;
}

int sw_tel_host_up(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t truth)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 0, &h);
    if (rc)
        return rc;
    if (!h->offline)
        return SW_OK;
    h->offline = 0;
    if (h->device)
        return SW_OK; /* its restart messages came with sw_tel_router_reboot */
    if ((rc = sw_tel_host_boot(tel, t_ms, hi, truth)))
        return rc;
    if (!h->windows)
        return SW_OK;
    return tel_win_startup(tel, hi, t_ms, truth);
}

int sw_tel_host_isolate(sw_tel_t *tel, uint32_t hi, int on)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, 0, hi, 0, &h);
    if (rc)
        return rc;
    h->isolated = on != 0;
    return SW_OK;
}

int sw_tel_host_offline(const sw_tel_t *tel, uint32_t hi)
{
    return hi < tel->w->n_hosts && (tel->hosts[hi].offline || tel->hosts[hi].isolated);
}
