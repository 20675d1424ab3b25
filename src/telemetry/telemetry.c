/* telemetry.c — the activity -> records core: identities (hosts, sessions,
 * processes, images), sensor gating and the formatters of every record type.
 * See telemetry.h for the design notes and docs/telemetry.md for samples.
 *
 * Layout of this file:
 *   1. tables (sources, providers, image metadata) and time formatting
 *   2. state: sw_tel_new/free, hosts, images, sessions, processes
 *   3. record emission (tel_emit) and the Windows event header
 *   4. one section per activity function, in telemetry.h order
 */
#include "telemetry/telemetry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "telemetry/tel_internal.h"
#include "telemetry/tel_json.h"

/* ---- 1. tables ------------------------------------------------------------ */

const char *const sw_tel_source_names[SW_TEL__COUNT] = {
    "sysmon",   "security", "system", "defender", "linux_auth", "auditd", "zeek_conn", "zeek_dns",
    "suricata", "firewall", "proxy",  "netflow",  "device",     "av",     "mail",      "web_access",
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

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 (RFC 3629:
 * no overlongs, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

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
            size_t len = utf8_len((const unsigned char *)s + i - 1, n - i + 1);
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

/* A Windows event provider, with the constant text around the System
 * block's variable parts rendered once. */
typedef struct win_prov {
    const char *head; /* {"Event":{"System":{"Provider":...,"EventID": */
    size_t head_len;
    const char *chan; /* }},"Channel":"...","Computer":" */
    size_t chan_len;
} win_prov_t;

#define PROV(name, guid, channel)                                                                  \
    {                                                                                              \
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" name                  \
        "\",\"Guid\":\"" guid "\"}},\"EventID\":",                                                 \
            sizeof("{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" name       \
                   "\",\"Guid\":\"" guid "\"}},\"EventID\":") -                                    \
                1,                                                                                 \
            "}},\"Channel\":\"" channel "\",\"Computer\":\"",                                      \
            sizeof("}},\"Channel\":\"" channel "\",\"Computer\":\"") - 1                           \
    }

static const win_prov_t PROV_SYSMON =
    PROV("Microsoft-Windows-Sysmon", "5770385F-C22A-43E0-BF4C-06F5698FFBD9",
         "Microsoft-Windows-Sysmon/Operational");
/* Sysmon for Linux: the Windows event schema, written to syslog as XML by
 * the sysmon daemon; forwarded as JSON it has the same System block. */
static const win_prov_t PROV_LSYSMON =
    PROV("Linux-Sysmon", "FF032593-A8D3-4F13-B0D6-01FC615A0F97", "Linux-Sysmon/Operational");
static const win_prov_t PROV_SECURITY =
    PROV("Microsoft-Windows-Security-Auditing", "54849625-5478-4994-A5BA-3E3B0328C30D", "Security");
static const win_prov_t PROV_EVENTLOG_SEC =
    PROV("Microsoft-Windows-Eventlog", "FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148", "Security");
static const win_prov_t PROV_EVENTLOG_SYS =
    PROV("Microsoft-Windows-Eventlog", "FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148", "System");
static const win_prov_t PROV_SCM =
    PROV("Service Control Manager", "555908D1-A6D7-4695-8E1E-26931D2012F4", "System");
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
static const win_prov_t PROV_EVENTLOG_CLASSIC = PROV_CLASSIC("EventLog", "System");
static const win_prov_t PROV_USER32 =
    PROV("User32", "B0AA8734-56F7-41CC-B2F4-DE228E98B946", "System");
static const win_prov_t PROV_DEFENDER =
    PROV("Microsoft-Windows-Windows Defender", "11CD958A-C507-4EF3-B3F2-5FD9DFBD2C78",
         "Microsoft-Windows-Windows Defender/Operational");

#define MSW "Microsoft\xc2\xae Windows\xc2\xae Operating System"
#define MSC "Microsoft Corporation"
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
    {"ssh.exe", "-", "-", "-", "-", "-"},
};

/* Days since 1970-01-01 to civil date (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void tel_clock(sw_tel_t *tel, int64_t unix_ms)
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
    civil_from_days(days, &tel->ts_y, &tel->ts_mo, &tel->ts_d);
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

static unsigned ms_of(int64_t unix_ms)
{
    int64_t r = unix_ms % 1000;
    return (unsigned)(r < 0 ? r + 1000 : r);
}

/* "2025-10-25" + sep + "13:44:33.433"; the first 19 characters are
 * rendered once per second (tel_clock). */
static void ts_write(sw_tel_t *tel, tel_out_t *o, int64_t unix_ms, char sep_ch)
{
    tel_clock(tel, unix_ms);
    if (!tel_room(o, 23))
        return;
    memcpy(o->p, tel->ts_text, 19);
    o->p[10] = sep_ch;
    o->p[19] = '.';
    o->p += 20;
    tel_dec(o, ms_of(unix_ms), 3);
}

/* Sysmon UtcTime: "2025-10-25 13:44:33.433" */
static void ts_utc(sw_tel_t *tel, tel_out_t *o, int64_t unix_ms)
{
    tel_ch(o, '"');
    ts_write(tel, o, unix_ms, ' ');
    tel_ch(o, '"');
}

/* ECS @timestamp: "2025-10-25T13:44:33.433Z" */
static void ts_iso(sw_tel_t *tel, tel_out_t *o, int64_t unix_ms)
{
    tel_ch(o, '"');
    ts_write(tel, o, unix_ms, 'T');
    TEL_LIT(o, "Z\"");
}

/* Epoch seconds with fraction, as Zeek writes ts: 1761399873.433000 */
static void ts_epoch(tel_out_t *o, int64_t unix_ms)
{
    tel_i64(o, unix_ms / 1000);
    tel_ch(o, '.');
    tel_dec(o, ms_of(unix_ms), 3);
    TEL_LIT(o, "000");
}

static const char *const MON[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const WDAY[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* ---- 2. state ------------------------------------------------------------- */

static int64_t unix_of(const sw_tel_t *tel, int64_t t_ms)
{
    return tel->cfg.epoch_ms + t_ms;
}

static int64_t epoch_from_world(const sw_world_t *w)
{
    int y = 2026, m = 3, d = 10;
    const char *date = w->exercise.date;
    if (date && strlen(date) >= 10)
        if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3) {
            y = 2026;
            m = 3;
            d = 10;
        }
    int64_t s = days_from_civil(y, m, d) * 86400 + (int64_t)w->exercise.start_minute * 60 -
                (int64_t)w->exercise.utc_offset_min * 60;
    return s * 1000;
}

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
        tel->cfg.epoch_ms = epoch_from_world(w);
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

static void hex_into(char *d, uint64_t v, int digits)
{
    static const char hx[] = "0123456789ABCDEF";
    for (int i = digits - 1; i >= 0; i--) {
        d[i] = hx[v & 15];
        v >>= 4;
    }
}

/* Interned image for path: metadata by basename, hashes derived from the
 * path so the same file has the same hashes on every host. O(1) expected. */
static int image_get(sw_tel_t *tel, const char *path, uint32_t *out)
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
            return image_get(tel, path, out);
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
            hex_into(d, k, j < 2 ? 16 : 8);
            d += j < 2 ? 16 : 8;
        }
        memcpy(d, ",MD5=", 5);
        d += 5;
        for (int j = 0; j < 2; j++) {
            k = sw_hash64(&k, sizeof k, SW_HASH64_INIT);
            hex_into(d, k, 16);
            d += 16;
        }
        memcpy(d, ",SHA256=", 8);
        d += 8;
        for (int j = 0; j < 4; j++) {
            k = sw_hash64(&k, sizeof k, SW_HASH64_INIT);
            hex_into(d, k, 16);
            d += 16;
        }
        memcpy(d, ",IMPHASH=", 9);
        d += 9;
        for (int j = 0; j < 2; j++) {
            k = sw_hash64(&k, sizeof k, SW_HASH64_INIT);
            hex_into(d, k, 16);
            d += 16;
        }
        *d = '\0';
        im->hashes_len = (uint32_t)(d - im->hashes);
        *out = i;
        return SW_OK;
    }
}

static tel_proc_t *proc_find(tel_host_t *h, uint32_t pid)
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
    return proc_find(&tel->hosts[host], pid) != NULL;
}

static uint32_t pid_new(tel_host_t *h)
{
    if (h->boot_pid) { /* the boot chain gets the low PIDs, in order */
        uint32_t pid = h->boot_pid;
        h->boot_pid += 4 * (uint32_t)sw_rng_range(&h->rng, 1, 24);
        return pid;
    }
    for (;;) {
        uint32_t pid = h->linux_ ? (uint32_t)sw_rng_range(&h->rng, 1200, 65000)
                                 : (uint32_t)sw_rng_range(&h->rng, 200, 9000) * 4;
        if (!proc_find(h, pid))
            return pid;
    }
}

/* ---- 3. emission ---------------------------------------------------------- */

static tel_out_t *tel_begin(sw_tel_t *tel)
{
    tel->out.p = tel->buf;
    tel->out.end = tel->buf + TEL_MAX_RECORD;
    tel->out.over = 0;
    return &tel->out;
}

/* Hand the record in tel->out to the callback, attributed to host hi (its
 * team). A record over TEL_MAX_RECORD is dropped whole and reported. */
static int tel_emit(sw_tel_t *tel, uint32_t hi, sw_tel_source_t src, int event_id, int severity,
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
    r.unix_ms = unix_of(tel, t_ms);
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

/* Separator before a key: a comma unless the object/array just opened. */
TEL_INLINE void sep(tel_out_t *o)
{
    char c = o->p[-1];
    if (c != '{' && c != '[')
        tel_ch(o, ',');
}

#define KEY(o, k)                                                                                  \
    do {                                                                                           \
        sep(o);                                                                                    \
        TEL_LIT(o, "\"" k "\":");                                                                  \
    } while (0)
#define FS(o, k, v)                                                                                \
    do {                                                                                           \
        KEY(o, k);                                                                                 \
        tel_str(o, v);                                                                             \
    } while (0)
/* A field whose value is a literal needing no escaping: one copy. */
#define FL(o, k, v)                                                                                \
    do {                                                                                           \
        sep(o);                                                                                    \
        TEL_LIT(o, "\"" k "\":\"" v "\"");                                                         \
    } while (0)
#define FR(o, k, e, n)                                                                             \
    do {                                                                                           \
        KEY(o, k);                                                                                 \
        tel_ch(o, '"');                                                                            \
        tel_raw(o, e, n);                                                                          \
        tel_ch(o, '"');                                                                            \
    } while (0)
#define FN(o, k, v)                                                                                \
    do {                                                                                           \
        KEY(o, k);                                                                                 \
        tel_i64(o, (int64_t)(v));                                                                  \
    } while (0)
#define FX(o, k, v)                                                                                \
    do {                                                                                           \
        KEY(o, k);                                                                                 \
        tel_ch(o, '"');                                                                            \
        tel_hex0x(o, v);                                                                           \
        tel_ch(o, '"');                                                                            \
    } while (0)
#define FB(o, k, v)                                                                                \
    do {                                                                                           \
        KEY(o, k);                                                                                 \
        if (v)                                                                                     \
            TEL_LIT(o, "true");                                                                    \
        else                                                                                       \
            TEL_LIT(o, "false");                                                                   \
    } while (0)
#define OPEN(o, k)                                                                                 \
    do {                                                                                           \
        KEY(o, k);                                                                                 \
        tel_ch(o, '{');                                                                            \
    } while (0)
#define CLOSE(o) tel_ch(o, '}')

/* The System block of a Windows event, then opens "EventData" (or
 * "UserData":{"<wrap>":). qual: EventID Qualifiers (7045) or -1. */
static void win_head(sw_tel_t *tel, tel_out_t *o, tel_host_t *h, const win_prov_t *p, int eid,
                     int qual, int version, int level, int task, const char *keywords,
                     int64_t unix_ms, uint64_t recid, uint32_t exec_pid, const char *user_sid,
                     const char *wrap)
{
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
    ts_write(tel, o, unix_ms, 'T');
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
}

static void win_tail(tel_out_t *o, int wrapped)
{
    if (wrapped)
        TEL_LIT(o, "}}}}");
    else
        TEL_LIT(o, "}}}");
}

/* Sensor gates. */
static int g_sysmon(const tel_host_t *h)
{
    return h->windows && h->s.sysmon && h->sysmon_on;
}
static int g_lsysmon(const tel_host_t *h)
{
    return h->linux_ && h->s.sysmon && h->sysmon_on;
}
static int g_security(const tel_host_t *h)
{
    return h->s.security_log && h->eventlog_on && h->audit_on;
}
static int g_system(const tel_host_t *h)
{
    return h->windows && h->s.security_log && h->eventlog_on;
}

/* Sysmon header with the usual versions and tasks. */
static void sysmon_head(sw_tel_t *tel, tel_out_t *o, tel_host_t *h, int eid, int64_t um)
{
    int ver = eid == 1 || eid == 3 || eid == 22 ? 5 : eid == 5 || eid == 7 || eid == 4 ? 3 : 2;
    win_head(tel, o, h, &PROV_SYSMON, eid, -1, ver, 4, eid, "0x8000000000000000", um,
             ++h->rec_sysmon, h->sysmon_pid ? h->sysmon_pid : 3308, "S-1-5-18", NULL);
    if (eid != 4) {
        FL(o, "RuleName", "-");
        KEY(o, "UtcTime");
        ts_utc(tel, o, um);
    }
}

static void sec_head(sw_tel_t *tel, tel_out_t *o, tel_host_t *h, int eid, int version, int task,
                     int fail, int64_t um)
{
    win_head(tel, o, h, &PROV_SECURITY, eid, -1, version, 0, task,
             fail ? "0x8010000000000000" : "0x8020000000000000", um, ++h->rec_security,
             h->lsass_pid ? h->lsass_pid : 640, NULL, NULL);
}

/* ---- sessions ------------------------------------------------------------ */

static tel_sess_t *S(sw_tel_t *tel, sw_tel_session_t s)
{
    return s < tel->n_sess ? &tel->sess[s] : NULL;
}

/* "DOMAIN\\account" escaped, as Sysmon's User field: rendered once per
 * session (sess_render), copied per record. */
static const char *host_domain(sw_tel_t *tel, uint32_t hi);

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
    tel_str(&q, machine ? host_domain(tel, s->host) : s->domain);
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

static void user_field(tel_out_t *o, const tel_sess_t *s)
{
    tel_ch(o, '"');
    tel_raw(o, s->user_esc, s->user_esc_len);
    tel_ch(o, '"');
}

/* A host's name, quoted. */
static void tel_name(const sw_tel_t *tel, tel_out_t *o, uint32_t hi)
{
    const tel_host_t *h = &tel->hosts[hi];
    tel_ch(o, '"');
    tel_raw(o, h->name_esc, h->name_esc_len);
    tel_ch(o, '"');
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
    sep(o);
    tel_raw(o, s->subj, s->subj_len);
}

static const char *host_domain(sw_tel_t *tel, uint32_t hi)
{
    const sw_host_t *wh = &tel->w->hosts[hi];
    if (wh->domain_joined && wh->org < tel->w->n_orgs)
        return tel->orgs[wh->org].netbios;
    return tel->hosts[hi].computer_acct; /* workgroup: the machine name */
}

static int sess_system(sw_tel_t *tel, uint32_t hi, const char *account, const char *sid,
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

/* ---- processes ------------------------------------------------------------- */

static void guid_write(tel_host_t *h, int64_t unix_ms, char out[40])
{
    uint32_t secs = (uint32_t)(unix_ms / 1000);
    uint16_t ctr = h->guid_ctr++;
    char *d = out;
    hex_into(d, h->machine, 8);
    d += 8;
    *d++ = '-';
    hex_into(d, secs & 0xffff, 4);
    d += 4;
    *d++ = '-';
    hex_into(d, secs >> 16, 4);
    d += 4;
    *d++ = '-';
    hex_into(d, ctr, 4);
    d += 4;
    *d++ = '-';
    memcpy(d, "00000000", 8);
    d += 8;
    hex_into(d, h->guid_tail, 4);
    d += 4;
    *d = '\0';
}

static int proc_add(sw_tel_t *tel, uint32_t hi, int64_t unix_ms, uint32_t pid, uint32_t ppid,
                    uint32_t sess, const char *image, const char *cmd, tel_proc_t **out)
{
    tel_host_t *h = &tel->hosts[hi];
    uint32_t img;
    int rc = image_get(tel, image, &img);
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

static int emit_sysmon1(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                        const tel_proc_t *pp, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_sess_t *s = &tel->sess[p->session];
    const tel_image_t *im = &tel->images[p->image];
    int64_t um = unix_of(tel, t_ms);
    tel_out_t *o = tel_begin(tel);
    sysmon_head(tel, o, h, 1, um);
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
    sep(o);
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
    user_field(o, s);
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
        user_field(o, ps);
    } else {
        /* smss.exe: its parent is the kernel's System process */
        TEL_LIT(o, ",\"ParentProcessGuid\":\"");
        tel_hex(o, h->machine, 8, 1);
        TEL_LIT(o,
                "-0000-0000-0000-000000000000\",\"ParentProcessId\":4,\"ParentImage\":"
                "\"System\",\"ParentCommandLine\":\"\",\"ParentUser\":\"NT AUTHORITY\\\\SYSTEM\"");
    }
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 1, 6, t_ms, truth);
}

/* A user's name as Sysmon for Linux writes User and ParentUser: the
 * account alone, no domain. */
static void luser_field(tel_out_t *o, const tel_sess_t *s)
{
    tel_str(o, s->account);
}

/* Sysmon for Linux event 1. The EventData names are Windows Sysmon's (the
 * rules are shared), the values Linux's: no PE metadata ("-"), the user
 * name alone, LogonId the login uid and TerminalSessionId the audit
 * session (4294967295, unset, for daemons), IntegrityLevel "no level",
 * Hashes SHA256 only. A parent Sysmon never saw start (init, pid 1, runs
 * before the daemon) still has its GUID: Sysmon derives it from the
 * running process. */
static int emit_lsysmon1(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                         const tel_proc_t *pp, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_sess_t *s = &tel->sess[p->session];
    const tel_image_t *im = &tel->images[p->image];
    int64_t um = unix_of(tel, t_ms);
    uint64_t recid = ++h->rec_sysmon;
    uint32_t spid = h->sysmon_pid ? h->sysmon_pid : 812;
    tel_out_t *o = tel_begin(tel);
    tel_raw(o, PROV_LSYSMON.head, PROV_LSYSMON.head_len);
    TEL_LIT(o, "1,\"Version\":5,\"Level\":4,\"Task\":1,\"Opcode\":0,\"Keywords\":"
               "\"0x8000000000000000\",\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"");
    ts_write(tel, o, um, 'T');
    TEL_LIT(o, "000Z\"}},\"EventRecordID\":");
    tel_u64(o, recid);
    TEL_LIT(o, ",\"Correlation\":null,\"Execution\":{\"#attributes\":{\"ProcessID\":");
    tel_u64(o, spid);
    TEL_LIT(o, ",\"ThreadID\":");
    tel_u64(o, spid);
    tel_raw(o, PROV_LSYSMON.chan, PROV_LSYSMON.chan_len);
    tel_raw(o, h->name_esc, h->name_esc_len);
    TEL_LIT(o, "\",\"Security\":{\"#attributes\":{\"UserId\":\"0\"}}},\"EventData\":{");
    FL(o, "RuleName", "-");
    KEY(o, "UtcTime");
    ts_utc(tel, o, um);
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
    FL(o, "FileVersion", "-");
    FL(o, "Description", "-");
    FL(o, "Product", "-");
    FL(o, "Company", "-");
    FL(o, "OriginalFileName", "-");
    FR(o, "CommandLine", p->cmd_esc, p->cmd_esc_len);
    KEY(o, "CurrentDirectory");
    if (s->system) {
        TEL_LIT(o, "\"/\"");
    } else if (s->uid == 0) {
        TEL_LIT(o, "\"/root\"");
    } else {
        TEL_LIT(o, "\"/home/");
        tel_escz(o, s->account);
        tel_ch(o, '"');
    }
    KEY(o, "User");
    luser_field(o, s);
    /* the audit session: one per logon (seawall's logon id on the host);
     * LogonGuid is the machine, the logon time, then the session's bytes */
    uint32_t ses = s->system ? 0xffffffffu : (uint32_t)s->logon_id;
    KEY(o, "LogonGuid");
    tel_ch(o, '"');
    tel_hex(o, h->machine, 8, 1);
    tel_ch(o, '-');
    tel_hex(o, (uint64_t)s->logon_unix_s & 0xffff, 4, 1);
    tel_ch(o, '-');
    tel_hex(o, ((uint64_t)s->logon_unix_s >> 16) & 0xffff, 4, 1);
    TEL_LIT(o, "-0000-");
    for (int b = 0; b < 4; b++)
        tel_hex(o, (ses >> (8 * b)) & 0xff, 2, 1);
    TEL_LIT(o, "0000\"");
    KEY(o, "LogonId");
    tel_ch(o, '"');
    if (s->system)
        TEL_LIT(o, "4294967295");
    else
        tel_u64(o, s->uid);
    tel_ch(o, '"');
    FN(o, "TerminalSessionId", ses);
    FL(o, "IntegrityLevel", "no level");
    const char *sha = strstr(im->hashes, "SHA256=");
    KEY(o, "Hashes");
    tel_ch(o, '"');
    if (sha)
        tel_raw(o, sha, 7 + 64);
    else
        tel_ch(o, '-');
    tel_ch(o, '"');
    if (pp) {
        const tel_image_t *pim = &tel->images[pp->image];
        FR(o, "ParentProcessGuid", pp->guid, 36);
        FN(o, "ParentProcessId", pp->pid);
        FR(o, "ParentImage", pim->path_esc, pim->path_esc_len);
        FR(o, "ParentCommandLine", pp->cmd_esc, pp->cmd_esc_len);
        KEY(o, "ParentUser");
        luser_field(o, &tel->sess[pp->session]);
    } else {
        /* a parent gone before Sysmon looked: what Sysmon for Linux writes */
        FL(o, "ParentProcessGuid", "00000000-0000-0000-0000-000000000000");
        FN(o, "ParentProcessId", p->ppid);
        FL(o, "ParentImage", "-");
        FL(o, "ParentCommandLine", "-");
        FL(o, "ParentUser", "-");
    }
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 1, 6, t_ms, truth);
}

static int emit_4688(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                     const tel_proc_t *pp, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_sess_t *s = &tel->sess[p->session];
    const tel_image_t *im = &tel->images[p->image];
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4688, 2, 13312, 0, unix_of(tel, t_ms));
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
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4688, 6, t_ms, truth);
}

/* auditd: the SYSCALL record of execve and its EXECVE argv record. */
static int emit_auditd(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                       uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_sess_t *s = &tel->sess[p->session];
    const tel_image_t *im = &tel->images[p->image];
    int64_t um = unix_of(tel, t_ms);
    uint64_t serial = ++h->audit_serial;
    for (int rec = 0; rec < 2; rec++) {
        tel_out_t *o = tel_begin(tel);
        TEL_LIT(o, "{\"@timestamp\":");
        ts_iso(tel, o, um);
        TEL_LIT(o, ",\"host\":{\"name\":");
        tel_name(tel, o, hi);
        TEL_LIT(o, "},\"type\":");
        tel_rawz(o, rec == 0 ? "\"SYSCALL\"" : "\"EXECVE\"");
        TEL_LIT(o, ",\"msg\":\"audit(");
        tel_i64(o, um / 1000);
        tel_ch(o, '.');
        tel_dec(o, ms_of(um), 3);
        tel_ch(o, ':');
        tel_u64(o, serial);
        TEL_LIT(o, "):\"");
        if (rec == 0) {
            FL(o, "arch", "c000003e");
            FL(o, "syscall", "59");
            FL(o, "success", "yes");
            FL(o, "exit", "0");
            KEY(o, "ppid");
            tel_ch(o, '"');
            tel_u64(o, p->ppid);
            tel_ch(o, '"');
            KEY(o, "pid");
            tel_ch(o, '"');
            tel_u64(o, p->pid);
            tel_ch(o, '"');
            KEY(o, "auid");
            tel_ch(o, '"');
            if (s->system)
                TEL_LIT(o, "4294967295");
            else
                tel_u64(o, s->uid);
            tel_ch(o, '"');
            KEY(o, "uid");
            tel_ch(o, '"');
            tel_u64(o, s->uid);
            tel_ch(o, '"');
            KEY(o, "euid");
            tel_ch(o, '"');
            tel_u64(o, s->uid);
            tel_ch(o, '"');
            FS(o, "tty", s->system ? "(none)" : "pts0");
            KEY(o, "comm");
            tel_ch(o, '"');
            tel_esc(o, im->base, strlen(im->base) > 15 ? 15 : strlen(im->base));
            tel_ch(o, '"');
            FR(o, "exe", im->path_esc, im->path_esc_len);
            FL(o, "key", "exec");
        } else {
            /* argv split on blanks (quoting is not modelled) */
            const char *c = p->cmd;
            int argc = 0;
            char name[16];
            size_t mark = 0;
            KEY(o, "argc");
            mark = (size_t)(o->p - tel->buf);
            TEL_LIT(o, "\"   \""); /* patched below: up to 3 digits */
            while (*c && argc < 64) {
                while (*c == ' ')
                    c++;
                if (!*c)
                    break;
                const char *e = c;
                while (*e && *e != ' ')
                    e++;
                int nl = snprintf(name, sizeof name, "a%d", argc);
                sep(o);
                tel_ch(o, '"');
                tel_raw(o, name, (size_t)nl);
                TEL_LIT(o, "\":\"");
                tel_esc(o, c, (size_t)(e - c));
                tel_ch(o, '"');
                argc++;
                c = e;
            }
            if (!o->over) {
                char num[8];
                int nl = snprintf(num, sizeof num, "%d", argc);
                char *q = tel->buf + mark;
                /* rewrite "   " as "N" then shift the rest left */
                size_t tail = (size_t)(o->p - (q + 5));
                q[0] = '"';
                memcpy(q + 1, num, (size_t)nl);
                q[1 + nl] = '"';
                memmove(q + 2 + nl, q + 5, tail);
                o->p -= 3 - nl;
            }
        }
        tel_ch(o, '}');
        int rc = tel_emit(tel, hi, SW_TEL_AUDITD, 0, 6, t_ms, truth);
        if (rc)
            return rc;
    }
    return SW_OK;
}

/* Start a process record-wise and state-wise. parent may be NULL (smss). */
static int proc_start(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sess, uint32_t ppid,
                      const char *image, const char *cmd, uint32_t truth, uint32_t *pid_out)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_proc_t *p;
    uint32_t pid = pid_new(h);
    int rc = proc_add(tel, hi, unix_of(tel, t_ms), pid, ppid, sess, image, cmd, &p);
    if (rc)
        return rc;
    if (pid_out)
        *pid_out = pid;
    const tel_proc_t *pp = proc_find(h, ppid); /* p stays valid: nothing was added since */
    if (h->windows) {
        if (g_sysmon(h) && (rc = emit_sysmon1(tel, hi, t_ms, p, pp, truth)))
            return rc;
        if (g_security(h) && h->proc_audit && (rc = emit_4688(tel, hi, t_ms, p, pp, truth)))
            return rc;
    } else if (h->linux_) {
        if (g_lsysmon(h) && (rc = emit_lsysmon1(tel, hi, t_ms, p, pp, truth)))
            return rc;
        if (g_security(h) && (rc = emit_auditd(tel, hi, t_ms, p, truth)))
            return rc;
    }
    return SW_OK;
}

static int emit_sysmon5(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                        uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_image_t *im = &tel->images[p->image];
    tel_out_t *o = tel_begin(tel);
    sysmon_head(tel, o, h, 5, unix_of(tel, t_ms));
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
    KEY(o, "User");
    user_field(o, &tel->sess[p->session]);
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 5, 6, t_ms, truth);
}

int sw_tel_process_end(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, uint32_t truth)
{
    if (host >= tel->w->n_hosts)
        return SW_EINVAL;
    tel_host_t *h = &tel->hosts[host];
    tel_proc_t *p = proc_find(h, pid);
    if (!p)
        return SW_ENOENT;
    int rc = SW_OK;
    if (g_sysmon(h))
        rc = emit_sysmon5(tel, host, t_ms, p, truth);
    /* children outlive their parent; their ParentProcessGuid stays valid
     * because it was written when they started */
    proc_remove(tel, h, p);
    return rc;
}

/* ---- boot ----------------------------------------------------------------- */

int sw_tel_host_boot(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t truth)
{
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    tel_host_t *h = &tel->hosts[hi];
    /* a reboot: everything that ran is gone, sessions closed */
    for (uint32_t i = 0; i < h->n_procs; i++)
        proc_free_strings(tel, &h->procs[i]);
    h->n_procs = 0;
    for (uint32_t i = 0; i < tel->n_sess; i++)
        if (tel->sess[i].host == hi)
            tel->sess[i].open = 0;
    h->booted = 1;
    h->sysmon_on = h->eventlog_on = 1;
    int rc;
    uint32_t sys, ls, ns;
    if ((rc = sess_system(tel, hi, h->linux_ ? "root" : "SYSTEM", "S-1-5-18", 0x3e7, &sys)))
        return rc;
    h->sys_sess = sys;
    if (h->device)
        return SW_OK;
    int64_t um = unix_of(tel, t_ms);
    tel->sess[sys].logon_unix_s = um / 1000;
    if (h->linux_) {
        tel->sess[sys].uid = 0;
        tel_proc_t *p;
        if ((rc = proc_add(tel, hi, um, 1, 0, sys, "/usr/lib/systemd/systemd", "/sbin/init", &p)))
            return rc;
        (void)p;
        h->init_pid = 1;
        h->sysmon_pid = 0;
        if (h->s.sysmon) {
            /* the sysmon daemon (a systemd unit); its own start is before
             * its log, as on Windows */
            h->sysmon_on = 0;
            rc = proc_start(tel, hi, t_ms + 800, sys, 1, "/opt/sysmon/sysmon",
                            "/opt/sysmon/sysmon -i /opt/sysmon/config.xml", truth, &h->sysmon_pid);
            h->sysmon_on = 1;
            if (rc)
                return rc;
        }
        if ((rc = proc_start(tel, hi, t_ms + 900, sys, 1, "/usr/sbin/sshd",
                             "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", truth,
                             &h->sshd_pid)))
            return rc;
        return proc_start(tel, hi, t_ms + 950, sys, 1, "/usr/sbin/cron", "/usr/sbin/cron -f -P",
                          truth, &h->cron_pid);
    }
    if ((rc = sess_system(tel, hi, "LOCAL SERVICE", "S-1-5-19", 0x3e5, &ls)) ||
        (rc = sess_system(tel, hi, "NETWORK SERVICE", "S-1-5-20", 0x3e4, &ns)))
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
        if ((rc = proc_start(tel, hi, t, sess_, parent, img, cmd, truth, out)))                    \
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

static int ensure_boot(sw_tel_t *tel, uint32_t hi, int64_t t_ms)
{
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    if (tel->hosts[hi].booted)
        return SW_OK;
    return sw_tel_host_boot(tel, t_ms, hi, 0);
}

sw_tel_session_t sw_tel_system_session(sw_tel_t *tel, uint32_t host)
{
    if (ensure_boot(tel, host, 0))
        return SW_NONE;
    return tel->hosts[host].sys_sess;
}

uint32_t sw_tel_session_shell(const sw_tel_t *tel, sw_tel_session_t s)
{
    return s < tel->n_sess ? tel->sess[s].shell_pid : 0;
}

uint32_t sw_tel_session_host(const sw_tel_t *tel, sw_tel_session_t s)
{
    return s < tel->n_sess ? tel->sess[s].host : SW_NONE;
}

/* The parent to use for a new process in session s: the given PID if it is
 * alive, else the session's shell, else services.exe / init. */
static uint32_t parent_for(sw_tel_t *tel, const tel_sess_t *s, uint32_t ppid)
{
    tel_host_t *h = &tel->hosts[s->host];
    if (ppid && proc_find(h, ppid))
        return ppid;
    if (s->shell_pid && proc_find(h, s->shell_pid))
        return s->shell_pid;
    if (h->linux_)
        return h->sshd_pid && proc_find(h, h->sshd_pid) ? h->sshd_pid : 1;
    return h->services_pid;
}

int sw_tel_process_start(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, uint32_t parent_pid,
                         const char *image, const char *cmdline, uint32_t truth, uint32_t *pid_out)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || !image)
        return SW_EINVAL;
    int rc = ensure_boot(tel, s->host, t_ms);
    if (rc)
        return rc;
    if (tel->hosts[s->host].device)
        return SW_EINVAL;
    return proc_start(tel, s->host, t_ms, sid, parent_for(tel, s, parent_pid), image,
                      cmdline ? cmdline : image, truth, pid_out);
}

/* ---- 4a. logons -------------------------------------------------------------- */

static uint32_t host_team(const sw_tel_t *tel, uint32_t hi)
{
    return tel->w->hosts[hi].team;
}

static const char *host_ip(const sw_tel_t *tel, uint32_t hi)
{
    const char *ip = hi < tel->w->n_hosts ? tel->w->hosts[hi].ip_text : NULL;
    return ip ? ip : "0.0.0.0";
}

static int emit_4624(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_sess_t *s,
                     const char *src_ip, const char *src_ws, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int64_t um = unix_of(tel, t_ms);
    int network = s->logon_type == 3;
    int kerb = network && strcmp(s->domain, h->computer_acct) != 0;
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4624, 2, 12544, 0, um);
    if (network) {
        FL(o, "SubjectUserSid", "S-1-0-0");
        FL(o, "SubjectUserName", "-");
        FL(o, "SubjectDomainName", "-");
        FL(o, "SubjectLogonId", "0x0");
    } else {
        FL(o, "SubjectUserSid", "S-1-5-18");
        FS(o, "SubjectUserName", h->computer_acct);
        FS(o, "SubjectDomainName", host_domain(tel, hi));
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
        TEL_LIT(o, "\"{");
        tel_hex(o, sw_rng_next(&h->rng), 8, 0);
        tel_ch(o, '-');
        tel_hex(o, sw_rng_next(&h->rng), 4, 0);
        tel_ch(o, '-');
        tel_hex(o, sw_rng_next(&h->rng), 4, 0);
        tel_ch(o, '-');
        tel_hex(o, sw_rng_next(&h->rng), 4, 0);
        tel_ch(o, '-');
        tel_hex(o, sw_rng_next(&h->rng), 12, 0);
        TEL_LIT(o, "}\"");
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
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4624, 6, t_ms, truth);
}

static int emit_4672(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_sess_t *s, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4672, 0, 12548, 0, unix_of(tel, t_ms));
    subject_fields(o, s, h);
    FS(o, "PrivilegeList",
       "SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege\n\t\t\t"
       "SeTakeOwnershipPrivilege\n\t\t\tSeDebugPrivilege\n\t\t\tSeSystemEnvironmentPrivilege\n"
       "\t\t\tSeLoadDriverPrivilege\n\t\t\tSeImpersonatePrivilege\n\t\t\t"
       "SeDelegateSessionUserImpersonatePrivilege\n\t\t\tSeEnableDelegationPrivilege");
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4672, 6, t_ms, truth);
}

/* One auth.log line (sshd, sudo) as Filebeat's system/auth module ships it. */
static int emit_auth(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *prog, uint32_t pid,
                     const char *action, int success, const char *user, const char *src_ip,
                     uint32_t src_port, const char *msg, uint32_t truth)
{
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    ts_iso(tel, o, unix_of(tel, t_ms));
    TEL_LIT(o, ",\"host\":{\"name\":");
    tel_name(tel, o, hi);
    TEL_LIT(o, "},\"event\":{\"dataset\":\"system.auth\",\"category\":[\"authentication\"]");
    FS(o, "action", action);
    FS(o, "outcome", success ? "success" : "failure");
    TEL_LIT(o, "},\"process\":{\"name\":");
    tel_str(o, prog);
    FN(o, "pid", pid);
    CLOSE(o);
    if (user) {
        OPEN(o, "user");
        FS(o, "name", user);
        CLOSE(o);
    }
    if (src_ip) {
        OPEN(o, "source");
        FS(o, "ip", src_ip);
        FN(o, "port", src_port);
        CLOSE(o);
    }
    TEL_LIT(o, ",\"log\":{\"syslog\":{\"facility\":{\"name\":\"authpriv\"}}}");
    FS(o, "message", msg);
    CLOSE(o);
    return tel_emit(tel, hi, SW_TEL_LINUX_AUTH, 0, success ? 6 : 5, t_ms, truth);
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
    int rc = ensure_boot(tel, hi, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[hi];
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
    s->logon_unix_s = unix_of(tel, t_ms) / 1000;
    const sw_host_t *wh = &w->hosts[hi];
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
    const char *src_ws = NULL;
    if (h->linux_) {
        uint32_t port = (uint32_t)sw_rng_range(&h->rng, 40000, 65000);
        uint32_t pid = pid_new(h);
        char msg[512];
        snprintf(msg, sizeof msg,
                 "Accepted publickey for %s from %s port %u ssh2: ED25519 SHA256:%08x%08x",
                 s->account, src_ip ? src_ip : "127.0.0.1", port, (unsigned)sw_rng_next(&h->rng),
                 (unsigned)sw_rng_next(&h->rng));
        if (g_security(h)) {
            if ((rc = emit_auth(tel, hi, t_ms, "sshd", pid, "ssh_login", 1, s->account, src_ip,
                                port, msg, truth)))
                return rc;
            snprintf(msg, sizeof msg,
                     "pam_unix(sshd:session): session opened for user %s(uid=%u) by (uid=0)",
                     s->account, s->uid);
            if ((rc = emit_auth(tel, hi, t_ms + 12, "sshd", pid, "session_opened", 1, s->account,
                                NULL, 0, msg, truth)))
                return rc;
        }
        char cmd[128];
        snprintf(cmd, sizeof cmd, "sshd: %s [priv]", s->account);
        uint32_t priv;
        if ((rc = proc_start(tel, hi, t_ms + 20, h->sys_sess, h->sshd_pid, "/usr/sbin/sshd", cmd,
                             truth, &priv)))
            return rc;
        return proc_start(tel, hi, t_ms + 60, sid, priv, "/usr/bin/bash", "-bash", truth,
                          &s->shell_pid);
    }
    /* Windows */
    if (g_security(h)) {
        if ((rc = emit_4624(tel, hi, t_ms, s, src_ip, src_ws, truth)))
            return rc;
        if (s->admin && (rc = emit_4672(tel, hi, t_ms, s, truth)))
            return rc;
    }
    /* the domain controller issues a service ticket for the target host */
    uint32_t dc = wh->org < w->n_orgs ? tel->orgs[wh->org].dc : SW_NONE;
    if (user != SW_NONE && wh->domain_joined && dc != SW_NONE && dc != hi) {
        char spn[64];
        snprintf(spn, sizeof spn, "%s", h->computer_acct);
        if ((rc = sw_tel_kerberos_tgs(tel, t_ms, dc, s->account, spn,
                                      src_ip ? src_ip : host_ip(tel, hi), 0x12, truth)))
            return rc;
    }
    if (interactive) {
        uint32_t ui;
        int64_t t = t_ms + 150;
        if ((rc =
                 proc_start(tel, hi, t, sid, h->winlogon_pid, "C:\\Windows\\System32\\userinit.exe",
                            "C:\\Windows\\system32\\userinit.exe", truth, &ui)))
            return rc;
        if ((rc = proc_start(tel, hi, t + 180, sid, ui, "C:\\Windows\\explorer.exe",
                             "C:\\Windows\\Explorer.EXE", truth, &s->shell_pid)))
            return rc;
        if (logon_type == 10) {
            if ((rc = proc_start(tel, hi, t + 400, sid, h->services_pid,
                                 "C:\\Windows\\System32\\rdpclip.exe", "rdpclip", truth, NULL)))
                return rc;
        }
        if ((rc = sw_tel_process_end(tel, t + 900, hi, ui, truth)) && rc != SW_ENOENT)
            return rc;
    }
    return SW_OK;
}

int sw_tel_logon_failed(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *account,
                        int logon_type, const char *src_ip, uint32_t truth)
{
    if (hi >= tel->w->n_hosts || !account)
        return SW_EINVAL;
    int rc = ensure_boot(tel, hi, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[hi];
    if (h->device)
        return sw_tel_router_login(tel, t_ms, hi, account, src_ip, 0, truth);
    if (!g_security(h))
        return SW_OK;
    if (h->linux_) {
        uint32_t port = (uint32_t)sw_rng_range(&h->rng, 40000, 65000);
        char msg[512];
        snprintf(msg, sizeof msg, "Failed password for %s from %s port %u ssh2", account,
                 src_ip ? src_ip : "127.0.0.1", port);
        return emit_auth(tel, hi, t_ms, "sshd", pid_new(h), "ssh_login", 0, account, src_ip, port,
                         msg, truth);
    }
    const sw_host_t *wh = &tel->w->hosts[hi];
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4625, 0, 12544, 1, unix_of(tel, t_ms));
    int network = logon_type == 3;
    FS(o, "SubjectUserSid", network ? "S-1-0-0" : "S-1-5-18");
    FS(o, "SubjectUserName", network ? "-" : h->computer_acct);
    FS(o, "SubjectDomainName", network ? "-" : host_domain(tel, hi));
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
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4625, 5, t_ms, truth);
}

int sw_tel_logoff(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || s->system)
        return SW_EINVAL;
    if (!s->open)
        return SW_OK;
    uint32_t hi = s->host;
    tel_host_t *h = &tel->hosts[hi];
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
    if (!g_security(h))
        return SW_OK;
    if (h->linux_) {
        char msg[256];
        snprintf(msg, sizeof msg, "pam_unix(sshd:session): session closed for user %s", s->account);
        return emit_auth(tel, hi, t_ms + 5, "sshd", pid_new(h), "session_closed", 1, s->account,
                         NULL, 0, msg, truth);
    }
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4634, 0, 12545, 0, unix_of(tel, t_ms + 5));
    FS(o, "TargetUserSid", s->sid);
    FS(o, "TargetUserName", s->account);
    FS(o, "TargetDomainName", s->domain);
    FX(o, "TargetLogonId", s->logon_id);
    FN(o, "LogonType", s->logon_type);
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4634, 6, t_ms + 5, truth);
}

int sw_tel_explicit_creds(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, uint32_t parent_pid,
                          const char *target_account, const char *target_server, uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || !target_account)
        return SW_EINVAL;
    tel_host_t *h = &tel->hosts[s->host];
    if (!h->windows || !g_security(h))
        return SW_OK;
    tel_proc_t *p = proc_find(h, parent_for(tel, s, parent_pid));
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4648, 0, 12544, 0, unix_of(tel, t_ms));
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
    win_tail(o, 0);
    return tel_emit(tel, s->host, SW_TEL_SECURITY, 4648, 6, t_ms, truth);
}

/* ---- 4b. host activity ------------------------------------------------------ */

/* Sysmon event for process pid with the common head fields; returns NULL
 * (write nothing) when Sysmon does not see it. */
static tel_proc_t *sysmon_proc(sw_tel_t *tel, uint32_t hi, uint32_t pid)
{
    if (hi >= tel->w->n_hosts)
        return NULL;
    tel_host_t *h = &tel->hosts[hi];
    if (!g_sysmon(h))
        return NULL;
    return proc_find(h, pid);
}

static void sysmon_proc_fields(sw_tel_t *tel, tel_out_t *o, const tel_proc_t *p)
{
    const tel_image_t *im = &tel->images[p->image];
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
}

int sw_tel_file_create(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *path,
                       uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (!p || !path)
        return SW_OK;
    int64_t um = unix_of(tel, t_ms);
    tel_out_t *o = tel_begin(tel);
    sysmon_head(tel, o, &tel->hosts[hi], 11, um);
    sysmon_proc_fields(tel, o, p);
    FS(o, "TargetFilename", path);
    KEY(o, "CreationUtcTime");
    ts_utc(tel, o, um);
    KEY(o, "User");
    user_field(o, &tel->sess[p->session]);
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 11, 6, t_ms, truth);
}

int sw_tel_image_load(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *dll,
                      uint32_t truth)
{
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (!p || !dll)
        return SW_OK;
    uint32_t img;
    int rc = image_get(tel, dll, &img);
    if (rc)
        return rc;
    const tel_image_t *im = &tel->images[img];
    tel_out_t *o = tel_begin(tel);
    sysmon_head(tel, o, &tel->hosts[hi], 7, unix_of(tel, t_ms));
    sysmon_proc_fields(tel, o, p);
    FR(o, "ImageLoaded", im->path_esc, im->path_esc_len);
    FS(o, "FileVersion", im->version);
    FS(o, "Description", im->desc);
    FS(o, "Product", im->product);
    FS(o, "Company", im->company);
    FS(o, "OriginalFileName", im->orig);
    FS(o, "Hashes", strchr(im->hashes, ',') + 1); /* no SHA1, as the sample configs */
    int ms = strcmp(im->company, MSC) == 0;
    FS(o, "Signed", ms ? "true" : "false");
    FS(o, "Signature", ms ? "Microsoft Windows" : "-");
    FS(o, "SignatureStatus", ms ? "Valid" : "Unavailable");
    KEY(o, "User");
    user_field(o, &tel->sess[p->session]);
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 7, 6, t_ms, truth);
}

static int emit_reg(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const tel_proc_t *p, int eid,
                    const char *type, const char *key, const char *details, uint32_t truth)
{
    tel_out_t *o = tel_begin(tel);
    int64_t um = unix_of(tel, t_ms);
    win_head(tel, o, &tel->hosts[hi], &PROV_SYSMON, eid, -1, 2, 4, eid, "0x8000000000000000", um,
             ++tel->hosts[hi].rec_sysmon, tel->hosts[hi].sysmon_pid, "S-1-5-18", NULL);
    FL(o, "RuleName", "-");
    FS(o, "EventType", type);
    KEY(o, "UtcTime");
    ts_utc(tel, o, um);
    sysmon_proc_fields(tel, o, p);
    FS(o, "TargetObject", key);
    if (details)
        FS(o, "Details", details);
    KEY(o, "User");
    user_field(o, &tel->sess[p->session]);
    win_tail(o, 0);
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

int sw_tel_service_install(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *name,
                           const char *image_path, const char *start_type, uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || !name || !image_path)
        return SW_EINVAL;
    uint32_t hi = s->host;
    int rc = ensure_boot(tel, hi, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[hi];
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
    if (!g_system(h))
        return SW_OK;
    tel_out_t *o = tel_begin(tel);
    win_head(tel, o, h, &PROV_SCM, 7045, 16384, 0, 4, 0, "0x8080000000000000",
             unix_of(tel, t_ms + 2), ++h->rec_system, h->services_pid, s->sid, NULL);
    FS(o, "ServiceName", name);
    FS(o, "ImagePath", image_path);
    FL(o, "ServiceType", "user mode service");
    FS(o, "StartType", start_type ? start_type : "demand start");
    FL(o, "AccountName", "LocalSystem");
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSTEM, 7045, 6, t_ms + 2, truth);
}

int sw_tel_task_create(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, uint32_t pid,
                       const char *task_name, const char *command, const char *arguments,
                       uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || !task_name || !command)
        return SW_EINVAL;
    uint32_t hi = s->host;
    int rc = ensure_boot(tel, hi, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[hi];
    if (!h->windows)
        return SW_OK;
    /* the Schedule service writes the task file */
    tel_proc_t *sched = sysmon_proc(tel, hi, h->sched_pid);
    if (sched) {
        char path[512];
        snprintf(path, sizeof path, "C:\\Windows\\System32\\Tasks%s%s",
                 task_name[0] == '\\' ? "" : "\\", task_name);
        int64_t um = unix_of(tel, t_ms);
        tel_out_t *o = tel_begin(tel);
        sysmon_head(tel, o, h, 11, um);
        sysmon_proc_fields(tel, o, sched);
        FS(o, "TargetFilename", path);
        KEY(o, "CreationUtcTime");
        ts_utc(tel, o, um);
        FS(o, "User", "NT AUTHORITY\\SYSTEM");
        win_tail(o, 0);
        if ((rc = tel_emit(tel, hi, SW_TEL_SYSMON, 11, 6, t_ms, truth)))
            return rc;
    }
    (void)pid;
    if (!g_security(h))
        return SW_OK;
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4698, 1, 12804, 0, unix_of(tel, t_ms + 1));
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
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4698, 6, t_ms + 1, truth);
}

int sw_tel_log_clear(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *channel,
                     uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || !channel)
        return SW_EINVAL;
    uint32_t hi = s->host;
    tel_host_t *h = &tel->hosts[hi];
    if (!h->windows || !h->s.security_log || !h->eventlog_on)
        return SW_OK;
    tel_out_t *o = tel_begin(tel);
    int64_t um = unix_of(tel, t_ms);
    if (!strcmp(channel, "Security")) {
        win_head(tel, o, h, &PROV_EVENTLOG_SEC, 1102, -1, 0, 4, 104, "0x4020000000000000", um,
                 ++h->rec_security, h->eventlog_pid, NULL, "LogFileCleared");
        subject_fields(o, s, h);
        win_tail(o, 1);
        return tel_emit(tel, hi, SW_TEL_SECURITY, 1102, 4, t_ms, truth);
    }
    win_head(tel, o, h, &PROV_EVENTLOG_SYS, 104, -1, 1, 4, 104, "0x8000000000000000", um,
             ++h->rec_system, h->eventlog_pid, s->sid, "LogFileCleared");
    FS(o, "SubjectUserName", s->account);
    FS(o, "SubjectDomainName", s->domain);
    FS(o, "Channel", channel);
    FL(o, "BackupPath", "");
    win_tail(o, 1);
    return tel_emit(tel, hi, SW_TEL_SYSTEM, 104, 4, t_ms, truth);
}

int sw_tel_logging_stop(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, sw_tel_logtarget_t what,
                        uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s)
        return SW_EINVAL;
    uint32_t hi = s->host;
    tel_host_t *h = &tel->hosts[hi];
    int rc = SW_OK;
    int64_t um = unix_of(tel, t_ms);
    switch (what) {
    case SW_TEL_LOG_SYSMON:
        if (g_sysmon(h)) {
            tel_out_t *o = tel_begin(tel);
            sysmon_head(tel, o, h, 4, um);
            KEY(o, "UtcTime");
            ts_utc(tel, o, um);
            FL(o, "State", "Stopped");
            FL(o, "Version", "15.14");
            FL(o, "SchemaVersion", "4.90");
            win_tail(o, 0);
            rc = tel_emit(tel, hi, SW_TEL_SYSMON, 4, 4, t_ms, truth);
        }
        h->sysmon_on = 0;
        break;
    case SW_TEL_LOG_EVENTLOG:
        if (h->windows && h->s.security_log && h->eventlog_on) {
            tel_out_t *o = tel_begin(tel);
            win_head(tel, o, h, &PROV_EVENTLOG_SEC, 1100, -1, 0, 4, 103, "0x4020000000000000", um,
                     ++h->rec_security, h->eventlog_pid, NULL, "ServiceShutdown");
            win_tail(o, 1);
            rc = tel_emit(tel, hi, SW_TEL_SECURITY, 1100, 4, t_ms, truth);
        }
        h->eventlog_on = 0;
        break;
    case SW_TEL_LOG_AUDIT:
        if (g_security(h) && h->windows) {
            tel_out_t *o = tel_begin(tel);
            sec_head(tel, o, h, 4719, 0, 13568, 0, um);
            subject_fields(o, s, h);
            FL(o, "CategoryId", "%%8274");
            FL(o, "SubcategoryId", "%%12544");
            FL(o, "SubcategoryGuid", "{0CCE9215-69AE-11D9-BED3-505054503030}");
            FL(o, "AuditPolicyChanges", "%%8448, %%8450");
            win_tail(o, 0);
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
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    tel_host_t *h = &tel->hosts[hi];
    int64_t um = unix_of(tel, t_ms);
    switch (what) {
    case SW_TEL_LOG_SYSMON:
        h->sysmon_on = 1;
        if (g_sysmon(h)) {
            tel_out_t *o = tel_begin(tel);
            sysmon_head(tel, o, h, 4, um);
            KEY(o, "UtcTime");
            ts_utc(tel, o, um);
            FL(o, "State", "Started");
            FL(o, "Version", "15.14");
            FL(o, "SchemaVersion", "4.90");
            win_tail(o, 0);
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
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    int rc = ensure_boot(tel, hi, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[hi];
    h->s.security_log = 1;
    h->s.log_forwarding = 1;
    h->eventlog_on = h->audit_on = 1;
    h->proc_audit = 1;
    if (h->windows && !(h->s.sysmon && h->sysmon_on)) {
        /* Sysmon installed now: its own start is not in its log (4688 may
         * see it); it logs from its "Started" state change on, and does not
         * log processes that were already running. */
        if (!h->s.sysmon && h->services_pid)
            if ((rc = proc_start(tel, hi, t_ms, h->sys_sess, h->services_pid,
                                 "C:\\Windows\\Sysmon64.exe", "C:\\Windows\\Sysmon64.exe", 0,
                                 &h->sysmon_pid)))
                return rc;
        h->s.sysmon = 1;
        return sw_tel_logging_start(tel, t_ms + 1, hi, SW_TEL_LOG_SYSMON);
    }
    return SW_OK;
}

/* ---- 4c. directory ------------------------------------------------------------ */

static int dc_session_ok(sw_tel_t *tel, const tel_sess_t *s)
{
    tel_host_t *h = &tel->hosts[s->host];
    return h->windows && g_security(h);
}

int sw_tel_account_created(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *account,
                           uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || !account)
        return SW_EINVAL;
    if (!dc_session_ok(tel, s))
        return SW_OK;
    uint32_t hi = s->host;
    tel_host_t *h = &tel->hosts[hi];
    const char *dom = host_domain(tel, hi);
    const sw_host_t *wh = &tel->w->hosts[hi];
    const char *dsid = wh->org < tel->w->n_orgs ? tel->orgs[wh->org].sid : "S-1-5-21-1-2-3";
    char nsid[96];
    snprintf(nsid, sizeof nsid, "%s-%u", dsid, 3000u + (unsigned)sw_rng_below(&h->rng, 5000));
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4720, 0, 13824, 0, unix_of(tel, t_ms));
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
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, 4720, 6, t_ms, truth);
}

int sw_tel_group_add(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *member,
                     const char *group, uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || !member || !group)
        return SW_EINVAL;
    if (!dc_session_ok(tel, s))
        return SW_OK;
    uint32_t hi = s->host;
    tel_host_t *h = &tel->hosts[hi];
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
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, eid, 0, 13826, 0, unix_of(tel, t_ms)); /* Security Group Management */
    FS(o, "MemberName", mname);
    FS(o, "MemberSid", msid);
    FS(o, "TargetUserName", group);
    FS(o, "TargetDomainName", local ? "Builtin" : host_domain(tel, hi));
    FS(o, "TargetSid", gsid);
    subject_fields(o, s, h);
    FL(o, "PrivilegeList", "-");
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SECURITY, eid, 6, t_ms, truth);
}

int sw_tel_kerberos_tgs(sw_tel_t *tel, int64_t t_ms, uint32_t dc, const char *account,
                        const char *service, const char *src_ip, unsigned enc_type, uint32_t truth)
{
    if (dc >= tel->w->n_hosts || !account || !service)
        return SW_EINVAL;
    int rc = ensure_boot(tel, dc, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[dc];
    if (!h->windows || !g_security(h))
        return SW_OK;
    const sw_host_t *wh = &tel->w->hosts[dc];
    const char *dns = wh->org < tel->w->n_orgs ? tel->orgs[wh->org].dns : "corp.local";
    tel_out_t *o = tel_begin(tel);
    sec_head(tel, o, h, 4769, 0, 14337, 0, unix_of(tel, t_ms));
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
    TEL_LIT(o, "\"{");
    tel_hex(o, sw_rng_next(&h->rng), 8, 0);
    tel_ch(o, '-');
    tel_hex(o, sw_rng_next(&h->rng), 4, 0);
    tel_ch(o, '-');
    tel_hex(o, sw_rng_next(&h->rng), 4, 0);
    tel_ch(o, '-');
    tel_hex(o, sw_rng_next(&h->rng), 4, 0);
    tel_ch(o, '-');
    tel_hex(o, sw_rng_next(&h->rng), 12, 0);
    TEL_LIT(o, "}\"");
    FL(o, "TransmittedServices", "-");
    win_tail(o, 0);
    return tel_emit(tel, dc, SW_TEL_SECURITY, 4769, 6, t_ms, truth);
}

/* ---- 4d. network --------------------------------------------------------------- */

static int zone_of(const sw_tel_t *tel, uint32_t hi)
{
    if (hi == SW_NONE || hi >= tel->w->n_hosts)
        return SW_ZONE_INTERNET;
    uint32_t n = tel->w->hosts[hi].network;
    return n < tel->w->n_networks ? (int)tel->w->networks[n].zone : SW_ZONE_INTERNAL;
}

static uint32_t org_of(const sw_tel_t *tel, uint32_t hi)
{
    return hi < tel->w->n_hosts ? tel->w->hosts[hi].org : SW_NONE;
}

/* Observers of one flow, at most one per team (the first that sees it). */
typedef struct obs {
    uint32_t host[8];
    int n;
} obs_t;

static void obs_add(const sw_tel_t *tel, obs_t *ob, uint32_t hi)
{
    if (hi == SW_NONE || hi >= tel->w->n_hosts || ob->n == 8)
        return;
    for (int i = 0; i < ob->n; i++)
        if (host_team(tel, ob->host[i]) == host_team(tel, hi))
            return;
    ob->host[ob->n++] = hi;
}

static int crosses_edge(const sw_tel_t *tel, uint32_t a, uint32_t b)
{
    return a == SW_NONE || b == SW_NONE || org_of(tel, a) != org_of(tel, b);
}

/* pcap (which=0) or netflow (which=1) observers of a flow between a and b. */
static void observers(sw_tel_t *tel, uint32_t a, uint32_t b, int which, obs_t *ob)
{
    ob->n = 0;
    uint32_t ends[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        uint32_t hi = ends[i];
        if (hi == SW_NONE || hi >= tel->w->n_hosts)
            continue;
        const sw_sensors_t *s = &tel->hosts[hi].s;
        if (which == 0 ? s->pcap : s->netflow)
            obs_add(tel, ob, hi);
    }
    if (!crosses_edge(tel, a, b))
        return;
    for (int i = 0; i < 2; i++) {
        uint32_t org = org_of(tel, ends[i]);
        if (org == SW_NONE || org >= tel->w->n_orgs)
            continue;
        uint32_t cand[2] = {tel->orgs[org].firewall, tel->orgs[org].edge};
        for (int j = 0; j < 2; j++) {
            uint32_t hi = cand[j];
            if (hi == SW_NONE)
                continue;
            const sw_sensors_t *s = &tel->hosts[hi].s;
            if (which == 0 ? s->pcap : s->netflow)
                obs_add(tel, ob, hi);
        }
    }
}

static const char *port_name(unsigned port)
{
    switch (port) {
    case 22:
        return "ssh";
    case 25:
        return "smtp";
    case 53:
        return "domain";
    case 80:
        return "http";
    case 88:
        return "kerberos";
    case 135:
        return "epmap";
    case 389:
        return "ldap";
    case 443:
        return "https";
    case 445:
        return "microsoft-ds";
    case 3389:
        return "ms-wbt-server";
    case 5985:
        return "wsman";
    default:
        return "-";
    }
}

/* A flow with its resolved addresses and ports. */
typedef struct flow {
    const sw_tel_conn_t *c;
    const char *src_ip, *dst_ip;
    unsigned sport, dport;
    char uid[19]; /* Zeek connection uid */
    char src_q[TEL_ESC_MAX(64) + 2],
        dst_q[TEL_ESC_MAX(64) + 2]; /* quoted, escaped, once per flow */
    uint32_t src_q_len, dst_q_len;
    uint64_t flow_id;
} flow_t;

static int flow_resolve(sw_tel_t *tel, const sw_tel_conn_t *c, flow_t *f)
{
    const sw_world_t *w = tel->w;
    if ((c->src_host != SW_NONE && c->src_host >= w->n_hosts) ||
        (c->dst_host != SW_NONE && c->dst_host >= w->n_hosts))
        return SW_EINVAL;
    uint32_t rh = c->src_host != SW_NONE ? c->src_host : c->dst_host;
    if (rh == SW_NONE)
        return SW_EINVAL;
    sw_rng_t *r = &tel->hosts[rh].rng;
    f->c = c;
    f->src_ip = c->src_ip ? c->src_ip : c->src_host != SW_NONE ? host_ip(tel, c->src_host) : NULL;
    f->dst_ip = c->dst_ip ? c->dst_ip : c->dst_host != SW_NONE ? host_ip(tel, c->dst_host) : NULL;
    if (!f->src_ip || !f->dst_ip || strlen(f->src_ip) > 64 || strlen(f->dst_ip) > 64)
        return SW_EINVAL;
    tel_out_t q = {f->src_q, f->src_q + sizeof f->src_q, 0};
    tel_str(&q, f->src_ip);
    f->src_q_len = (uint32_t)(q.p - f->src_q);
    if (q.over)
        return SW_EINVAL;
    q = (tel_out_t){f->dst_q, f->dst_q + sizeof f->dst_q, 0};
    tel_str(&q, f->dst_ip);
    f->dst_q_len = (uint32_t)(q.p - f->dst_q);
    if (q.over)
        return SW_EINVAL;
    f->sport = c->src_port ? c->src_port : (unsigned)sw_rng_range(r, 49152, 65535);
    f->dport = c->dst_port;
    /* base62 letters from 6 bits each (two letters appear twice as often:
     * nobody reads uids for statistics) */
    static const char b64[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz01";
    f->uid[0] = 'C';
    uint64_t x = sw_rng_next(r), y = sw_rng_next(r);
    for (int i = 1; i < 18; i++) {
        uint64_t *v = i < 10 ? &x : &y;
        f->uid[i] = b64[*v & 63];
        *v >>= 6;
    }
    f->uid[18] = '\0';
    f->flow_id = sw_rng_next(r) & 0x7fffffffffffffULL;
    return SW_OK;
}

static uint64_t pkts(uint64_t bytes)
{
    return bytes / 1200 + 2;
}

static int emit_zeek_conn(sw_tel_t *tel, uint32_t ob, int64_t t_ms, const flow_t *f, uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"ts\":");
    ts_epoch(o, unix_of(tel, t_ms));
    FR(o, "uid", f->uid, 18);
    KEY(o, "id.orig_h");
    tel_raw(o, f->src_q, f->src_q_len);
    FN(o, "id.orig_p", f->sport);
    KEY(o, "id.resp_h");
    tel_raw(o, f->dst_q, f->dst_q_len);
    FN(o, "id.resp_p", f->dport);
    FS(o, "proto", c->udp ? "udp" : "tcp");
    if (c->service && !c->denied)
        FS(o, "service", c->service);
    if (!c->denied) {
        KEY(o, "duration");
        tel_u64(o, c->duration_ms / 1000);
        tel_ch(o, '.');
        tel_dec(o, c->duration_ms % 1000, 3);
        TEL_LIT(o, "000");
        FN(o, "orig_bytes", c->bytes_out);
        FN(o, "resp_bytes", c->bytes_in);
    }
    FS(o, "conn_state", c->denied ? "S0" : c->udp ? "SF" : "SF");
    FB(o, "local_orig", c->src_host != SW_NONE);
    FB(o, "local_resp", c->dst_host != SW_NONE);
    FN(o, "missed_bytes", 0);
    FS(o, "history", c->denied ? "S" : c->udp ? "Dd" : "ShADadFf");
    uint64_t po = c->denied ? 1 : pkts(c->bytes_out), pi = c->denied ? 0 : pkts(c->bytes_in);
    FN(o, "orig_pkts", po);
    FN(o, "orig_ip_bytes", (c->denied ? 0 : c->bytes_out) + po * 52);
    FN(o, "resp_pkts", pi);
    FN(o, "resp_ip_bytes", (c->denied ? 0 : c->bytes_in) + pi * 52);
    CLOSE(o);
    return tel_emit(tel, ob, SW_TEL_ZEEK_CONN, 0, 6, t_ms, truth);
}

static int emit_netflow(sw_tel_t *tel, uint32_t ob, int64_t t_ms, const flow_t *f, uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    int64_t um = unix_of(tel, t_ms);
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    ts_iso(tel, o, um + c->duration_ms);
    TEL_LIT(o,
            ",\"event\":{\"dataset\":\"netflow.log\",\"kind\":\"event\",\"category\":[\"network\"],"
            "\"action\":\"netflow_flow\",\"start\":");
    ts_iso(tel, o, um);
    KEY(o, "end");
    ts_iso(tel, o, um + c->duration_ms);
    FN(o, "duration", (int64_t)c->duration_ms * 1000000);
    CLOSE(o);
    OPEN(o, "observer");
    KEY(o, "name");
    tel_name(tel, o, ob);
    FS(o, "ip", host_ip(tel, ob));
    CLOSE(o);
    OPEN(o, "source");
    KEY(o, "ip");
    tel_raw(o, f->src_q, f->src_q_len);
    FN(o, "port", f->sport);
    FN(o, "bytes", c->bytes_out);
    FN(o, "packets", pkts(c->bytes_out));
    CLOSE(o);
    OPEN(o, "destination");
    KEY(o, "ip");
    tel_raw(o, f->dst_q, f->dst_q_len);
    FN(o, "port", f->dport);
    FN(o, "bytes", c->bytes_in);
    FN(o, "packets", pkts(c->bytes_in));
    CLOSE(o);
    OPEN(o, "network");
    FS(o, "transport", c->udp ? "udp" : "tcp");
    FS(o, "iana_number", c->udp ? "17" : "6");
    FN(o, "bytes", c->bytes_out + c->bytes_in);
    FN(o, "packets", pkts(c->bytes_out) + pkts(c->bytes_in));
    FS(o, "community_id", f->uid); /* stands in for the real community id hash */
    CLOSE(o);
    TEL_LIT(o,
            ",\"netflow\":{\"type\":\"netflow_flow\",\"exporter\":{\"version\":9,\"address\":\"");
    tel_escz(o, host_ip(tel, ob));
    TEL_LIT(o, ":2055\"},\"protocol_identifier\":");
    tel_u64(o, c->udp ? 17 : 6);
    FN(o, "tcp_control_bits", c->udp ? 0 : c->denied ? 2 : 27);
    TEL_LIT(o, "}}");
    return tel_emit(tel, ob, SW_TEL_NETFLOW, 0, 6, t_ms, truth);
}

static int emit_firewall(sw_tel_t *tel, uint32_t fw, int64_t t_ms, const flow_t *f, uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    ts_iso(tel, o, unix_of(tel, t_ms));
    TEL_LIT(o, ",\"observer\":{\"name\":");
    tel_name(tel, o, fw);
    TEL_LIT(o, ",\"vendor\":\"Fortinet\",\"product\":\"FortiGate\",\"type\":\"firewall\"},"
               "\"event\":{\"dataset\":\"fortinet.firewall\",\"category\":[\"network\"],"
               "\"type\":[\"connection\",\"end\"]");
    FS(o, "action", c->denied ? "deny" : "accept");
    FS(o, "outcome", c->denied ? "failure" : "success");
    CLOSE(o);
    OPEN(o, "source");
    KEY(o, "ip");
    tel_raw(o, f->src_q, f->src_q_len);
    FN(o, "port", f->sport);
    FN(o, "bytes", c->denied ? 0 : c->bytes_out);
    CLOSE(o);
    OPEN(o, "destination");
    KEY(o, "ip");
    tel_raw(o, f->dst_q, f->dst_q_len);
    FN(o, "port", f->dport);
    FN(o, "bytes", c->denied ? 0 : c->bytes_in);
    CLOSE(o);
    OPEN(o, "network");
    FS(o, "transport", c->udp ? "udp" : "tcp");
    FS(o, "protocol", c->service ? c->service : port_name(f->dport));
    CLOSE(o);
    OPEN(o, "rule");
    FS(o, "id", c->denied ? "0" : "12");
    FS(o, "name", c->denied ? "implicit-deny" : "outbound-web");
    CLOSE(o);
    TEL_LIT(o, ",\"fortinet\":{\"firewall\":{\"type\":\"traffic\",\"subtype\":\"forward\"}}}");
    return tel_emit(tel, fw, SW_TEL_FIREWALL, 0, c->denied ? 4 : 6, t_ms, truth);
}

static int emit_proxy(sw_tel_t *tel, uint32_t fw, int64_t t_ms, const flow_t *f, uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    const char *url = c->url;
    const char *dom = c->dst_name ? c->dst_name : f->dst_ip;
    const char *path = strstr(url, "://");
    path = path ? strchr(path + 3, '/') : NULL;
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    ts_iso(tel, o, unix_of(tel, t_ms));
    TEL_LIT(o, ",\"observer\":{\"name\":");
    tel_name(tel, o, fw);
    TEL_LIT(o, ",\"vendor\":\"Fortinet\",\"product\":\"FortiGate\",\"type\":\"proxy\"},"
               "\"event\":{\"dataset\":\"fortinet.webfilter\",\"category\":[\"web\"]");
    FS(o, "action", c->denied ? "blocked" : "passthrough");
    FS(o, "outcome", c->denied ? "failure" : "success");
    CLOSE(o);
    OPEN(o, "source");
    KEY(o, "ip");
    tel_raw(o, f->src_q, f->src_q_len);
    FN(o, "port", f->sport);
    CLOSE(o);
    OPEN(o, "destination");
    KEY(o, "ip");
    tel_raw(o, f->dst_q, f->dst_q_len);
    FN(o, "port", f->dport);
    FS(o, "domain", dom);
    CLOSE(o);
    OPEN(o, "url");
    FS(o, "original", url);
    FS(o, "domain", dom);
    FS(o, "path", path ? path : "/");
    FS(o, "scheme", f->dport == 80 ? "http" : "https");
    CLOSE(o);
    TEL_LIT(o, ",\"http\":{\"request\":{\"method\":\"GET\"},\"response\":{\"status_code\":");
    tel_u64(o, c->denied ? 403 : 200);
    TEL_LIT(o, ",\"bytes\":");
    tel_u64(o, c->bytes_in);
    TEL_LIT(o, "}},\"user_agent\":{\"original\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
               "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\"}}");
    return tel_emit(tel, fw, SW_TEL_PROXY, 0, 6, t_ms, truth);
}

static int emit_sysmon3(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                        const flow_t *f, uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    tel_out_t *o = tel_begin(tel);
    sysmon_head(tel, o, &tel->hosts[hi], 3, unix_of(tel, t_ms));
    sysmon_proc_fields(tel, o, p);
    KEY(o, "User");
    user_field(o, &tel->sess[p->session]);
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
    FS(o, "DestinationPortName", port_name(f->dport));
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 3, 6, t_ms, truth);
}

/* An isolated end: the packets never leave (or reach) the host. */
static int conn_cut(const sw_tel_t *tel, const sw_tel_conn_t *c)
{
    return (c->src_host < tel->w->n_hosts && tel->hosts[c->src_host].isolated) ||
           (c->dst_host < tel->w->n_hosts && tel->hosts[c->dst_host].isolated);
}

int sw_tel_net_conn(sw_tel_t *tel, int64_t t_ms, uint32_t pid, const sw_tel_conn_t *c,
                    uint32_t truth)
{
    if (conn_cut(tel, c))
        return SW_OK;
    flow_t f;
    int rc = flow_resolve(tel, c, &f);
    if (rc)
        return rc;
    if (c->src_host != SW_NONE) {
        if ((rc = ensure_boot(tel, c->src_host, t_ms)))
            return rc;
        tel_proc_t *p = sysmon_proc(tel, c->src_host, pid);
        if (p && (rc = emit_sysmon3(tel, c->src_host, t_ms, p, &f, truth)))
            return rc;
    }
    obs_t ob;
    observers(tel, c->src_host, c->dst_host, 0, &ob);
    for (int i = 0; i < ob.n; i++)
        if ((rc = emit_zeek_conn(tel, ob.host[i], t_ms, &f, truth)))
            return rc;
    observers(tel, c->src_host, c->dst_host, 1, &ob);
    for (int i = 0; i < ob.n; i++)
        if ((rc = emit_netflow(tel, ob.host[i], t_ms, &f, truth)))
            return rc;
    if (zone_of(tel, c->src_host) != zone_of(tel, c->dst_host) ||
        crosses_edge(tel, c->src_host, c->dst_host)) {
        uint32_t org = c->src_host != SW_NONE ? org_of(tel, c->src_host) : org_of(tel, c->dst_host);
        uint32_t fw = org < tel->w->n_orgs ? tel->orgs[org].firewall : SW_NONE;
        if (fw != SW_NONE && tel->hosts[fw].s.syslog) {
            if ((rc = emit_firewall(tel, fw, t_ms, &f, truth)))
                return rc;
            if (c->url && c->dst_host == SW_NONE && (rc = emit_proxy(tel, fw, t_ms, &f, truth)))
                return rc;
        }
    }
    return SW_OK;
}

int sw_tel_flow(sw_tel_t *tel, int64_t t_ms, uint32_t exporter, const sw_tel_conn_t *c,
                uint32_t truth)
{
    if (exporter >= tel->w->n_hosts)
        return SW_EINVAL;
    if (!tel->hosts[exporter].s.netflow)
        return SW_OK;
    flow_t f;
    int rc = flow_resolve(tel, c, &f);
    if (rc)
        return rc;
    return emit_netflow(tel, exporter, t_ms, &f, truth);
}

/* One DNS query/answer on the wire, c's source to c's resolver: Zeek dns
 * where a packet sensor sees it. */
static int dns_leg(sw_tel_t *tel, int64_t t_ms, const sw_tel_conn_t *c, const char *qname,
                   const char *answer, uint32_t truth)
{
    int rc;
    flow_t f;
    if ((rc = flow_resolve(tel, c, &f)))
        return rc;
    obs_t ob;
    observers(tel, c->src_host, c->dst_host, 0, &ob);
    for (int i = 0; i < ob.n; i++) {
        tel_out_t *o = tel_begin(tel);
        TEL_LIT(o, "{\"ts\":");
        ts_epoch(o, unix_of(tel, t_ms));
        FR(o, "uid", f.uid, 18);
        KEY(o, "id.orig_h");
        tel_raw(o, f.src_q, f.src_q_len);
        FN(o, "id.orig_p", f.sport);
        KEY(o, "id.resp_h");
        tel_raw(o, f.dst_q, f.dst_q_len);
        FN(o, "id.resp_p", 53);
        FL(o, "proto", "udp");
        FN(o, "trans_id", f.flow_id & 0xffff);
        TEL_LIT(o, ",\"rtt\":0.012");
        FS(o, "query", qname);
        TEL_LIT(o, ",\"qclass\":1,\"qclass_name\":\"C_INTERNET\",\"qtype\":1,\"qtype_name\":\"A\"");
        FN(o, "rcode", answer ? 0 : 3);
        FS(o, "rcode_name", answer ? "NOERROR" : "NXDOMAIN");
        TEL_LIT(o, ",\"AA\":false,\"TC\":false,\"RD\":true,\"RA\":true,\"Z\":0");
        if (answer) {
            KEY(o, "answers");
            tel_ch(o, '[');
            tel_str(o, answer);
            TEL_LIT(o, "],\"TTLs\":[300.0]");
        }
        FB(o, "rejected", 0);
        CLOSE(o);
        if ((rc = tel_emit(tel, ob.host[i], SW_TEL_ZEEK_DNS, 0, 6, t_ms, truth)))
            return rc;
    }
    return SW_OK;
}

int sw_tel_dns(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *qname,
               const char *answer, uint32_t truth)
{
    if (hi >= tel->w->n_hosts || !qname)
        return SW_EINVAL;
    if (tel->hosts[hi].isolated)
        return SW_OK; /* the query never leaves the host (and has no answer) */
    int rc = ensure_boot(tel, hi, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[hi];
    tel_proc_t *p = sysmon_proc(tel, hi, pid);
    if (p) {
        tel_out_t *o = tel_begin(tel);
        sysmon_head(tel, o, h, 22, unix_of(tel, t_ms));
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
        user_field(o, &tel->sess[p->session]);
        win_tail(o, 0);
        if ((rc = tel_emit(tel, hi, SW_TEL_SYSMON, 22, 6, t_ms, truth)))
            return rc;
    }
    uint32_t org = org_of(tel, hi);
    uint32_t resolver = org < tel->w->n_orgs ? tel->orgs[org].dns_host : SW_NONE;
    if (resolver == hi)
        resolver = SW_NONE;
    sw_tel_conn_t c = {.src_host = hi,
                       .dst_host = resolver,
                       .dst_port = 53,
                       .udp = 1,
                       .dst_ip = resolver == SW_NONE ? "8.8.8.8" : NULL,
                       .service = "dns",
                       .bytes_out = 40 + strlen(qname),
                       .bytes_in = answer ? 56 + strlen(qname) : 40,
                       .duration_ms = 12};
    if ((rc = dns_leg(tel, t_ms, &c, qname, answer, truth)))
        return rc;
    /* the organisation's resolver asks upstream for names outside its zone:
     * that query crosses the edge, where a sensor sees the name */
    uint32_t org_ok = org < tel->w->n_orgs;
    size_t ql = strlen(qname), zl = org_ok ? strlen(tel->orgs[org].dns) : 0;
    int internal = org_ok && ql >= zl && !strcmp(qname + ql - zl, tel->orgs[org].dns);
    if (resolver == SW_NONE || internal)
        return SW_OK;
    sw_tel_conn_t up = c;
    up.src_host = resolver;
    up.dst_host = SW_NONE;
    up.dst_ip = "8.8.8.8";
    return dns_leg(tel, t_ms + 3, &up, qname, answer, truth);
}

int sw_tel_ids_alert(sw_tel_t *tel, int64_t t_ms, uint32_t observer, const sw_tel_conn_t *c,
                     uint32_t signature_id, const char *signature, const char *category,
                     int severity, uint32_t truth)
{
    if (observer >= tel->w->n_hosts || !signature)
        return SW_EINVAL;
    if (!tel->hosts[observer].s.pcap)
        return SW_OK;
    flow_t f;
    int rc = flow_resolve(tel, c, &f);
    if (rc)
        return rc;
    int64_t um = unix_of(tel, t_ms);
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"timestamp\":\"");
    ts_write(tel, o, um, 'T');
    TEL_LIT(o, "000+0000\"");
    FN(o, "flow_id", f.flow_id);
    FL(o, "in_iface", "eth1");
    FL(o, "event_type", "alert");
    KEY(o, "src_ip");
    tel_raw(o, f.src_q, f.src_q_len);
    FN(o, "src_port", f.sport);
    KEY(o, "dest_ip");
    tel_raw(o, f.dst_q, f.dst_q_len);
    FN(o, "dest_port", f.dport);
    FS(o, "proto", c->udp ? "UDP" : "TCP");
    OPEN(o, "alert");
    FL(o, "action", "allowed");
    FN(o, "gid", 1);
    FN(o, "signature_id", signature_id);
    FN(o, "rev", 1 + signature_id % 7);
    FS(o, "signature", signature);
    FS(o, "category", category ? category : "Misc activity");
    FN(o, "severity", severity);
    CLOSE(o);
    if (c->service)
        FS(o, "app_proto", c->service);
    KEY(o, "host");
    tel_name(tel, o, observer);
    CLOSE(o);
    return tel_emit(tel, observer, SW_TEL_SURICATA, 0,
                    severity <= 1   ? 1
                    : severity == 2 ? 3
                                    : 4,
                    t_ms, truth);
}

/* ---- 4e. devices and servers --------------------------------------------------- */

static int is_forti(const sw_tel_t *tel, uint32_t hi)
{
    return tel->w->hosts[hi].role == SW_ROLE_FIREWALL;
}

/* " at 10:15:22 UTC Tue Nov 25 2026" as IOS ends login messages. */
static void ios_when(sw_tel_t *tel, char *d, size_t cap, int64_t um)
{
    tel_clock(tel, um);
    snprintf(d, cap, "%02d:%02d:%02d UTC %s %s %d %d", tel->ts_h, tel->ts_mi, tel->ts_s,
             WDAY[tel->ts_wday], MON[tel->ts_mo - 1], tel->ts_d, tel->ts_y);
}

/* A device syslog record (ECS) around the device's own message text. */
static int emit_device(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *action, int success,
                       const char *code, const char *user, const char *src_ip, int level,
                       const char *msg, uint32_t truth)
{
    int forti = is_forti(tel, hi);
    static const char *const lv[8] = {"emergency", "alert",  "critical",      "error",
                                      "warning",   "notice", "informational", "debug"};
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    ts_iso(tel, o, unix_of(tel, t_ms));
    TEL_LIT(o, ",\"host\":{\"name\":");
    tel_name(tel, o, hi);
    FS(o, "ip", host_ip(tel, hi));
    CLOSE(o);
    if (forti)
        TEL_LIT(o, ",\"observer\":{\"vendor\":\"Fortinet\",\"product\":\"FortiGate\",\"type\":"
                   "\"firewall\"}");
    else
        TEL_LIT(o, ",\"observer\":{\"vendor\":\"Cisco\",\"product\":\"IOS\",\"type\":\"router\"}");
    if (forti)
        TEL_LIT(o, ",\"event\":{\"dataset\":\"fortinet.firewall\"");
    else
        TEL_LIT(o, ",\"event\":{\"dataset\":\"cisco.ios\"");
    FS(o, "action", action);
    FS(o, "outcome", success ? "success" : "failure");
    FS(o, "code", code);
    CLOSE(o);
    if (user) {
        OPEN(o, "user");
        FS(o, "name", user);
        CLOSE(o);
    }
    if (src_ip) {
        OPEN(o, "source");
        FS(o, "ip", src_ip);
        CLOSE(o);
    }
    TEL_LIT(o, ",\"log\":{\"level\":");
    tel_str(o, lv[level & 7]);
    TEL_LIT(o, ",\"syslog\":{\"severity\":{\"code\":");
    tel_u64(o, (uint64_t)(level & 7));
    TEL_LIT(o, "}}}");
    FS(o, "message", msg);
    CLOSE(o);
    return tel_emit(tel, hi, SW_TEL_DEVICE, 0, level, t_ms, truth);
}

static int device_ok(sw_tel_t *tel, uint32_t hi)
{
    return hi < tel->w->n_hosts && tel->hosts[hi].s.syslog;
}

/* FortiOS event-log line for an admin action. */
static void forti_line(sw_tel_t *tel, char *d, size_t cap, uint32_t hi, int64_t um,
                       const char *logid, const char *level, const char *desc, const char *rest)
{
    tel_clock(tel, um);
    snprintf(d, cap,
             "date=%04d-%02d-%02d time=%02d:%02d:%02d devname=\"%s\" devid=\"FG100FTK%08X\" "
             "logid=\"%s\" type=\"event\" subtype=\"system\" level=\"%s\" vd=\"root\" "
             "logdesc=\"%s\" %s",
             tel->ts_y, tel->ts_mo, tel->ts_d, tel->ts_h, tel->ts_mi, tel->ts_s,
             tel->w->hosts[hi].hostname, tel->hosts[hi].machine, logid, level, desc, rest);
}

int sw_tel_router_login(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *user,
                        const char *src_ip, int success, uint32_t truth)
{
    if (hi >= tel->w->n_hosts || !user)
        return SW_EINVAL;
    if (!device_ok(tel, hi))
        return SW_OK;
    int64_t um = unix_of(tel, t_ms);
    char msg[1024], rest[512];
    const char *ip = src_ip ? src_ip : "0.0.0.0";
    if (is_forti(tel, hi)) {
        snprintf(
            rest, sizeof rest,
            "user=\"%s\" ui=\"ssh(%s)\" method=\"ssh\" srcip=%s action=\"login\" status=\"%s\" "
            "reason=\"%s\" msg=\"Administrator %s %s from ssh(%s)\"",
            user, ip, ip, success ? "success" : "failed", success ? "none" : "passwd_invalid", user,
            success ? "logged in successfully" : "login failed", ip);
        forti_line(tel, msg, sizeof msg, hi, um, success ? "0100032001" : "0100032002",
                   success ? "information" : "alert",
                   success ? "Admin login successful" : "Admin login failed", rest);
        return emit_device(tel, hi, t_ms, "login", success, success ? "0100032001" : "0100032002",
                           user, src_ip, success ? 6 : 1, msg, truth);
    }
    char when[64];
    ios_when(tel, when, sizeof when, um);
    if (success)
        snprintf(msg, sizeof msg,
                 "%%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: %s] [Source: %s] "
                 "[localport: 22] at %s",
                 user, ip, when);
    else
        snprintf(msg, sizeof msg,
                 "%%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: %s] [Source: %s] [localport: 22] "
                 "[Reason: Login Authentication Failed] at %s",
                 user, ip, when);
    return emit_device(tel, hi, t_ms, success ? "login-success" : "login-failed", success,
                       success ? "SEC_LOGIN-5-LOGIN_SUCCESS" : "SEC_LOGIN-4-LOGIN_FAILED", user,
                       src_ip, success ? 5 : 4, msg, truth);
}

int sw_tel_router_config_change(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *user,
                                const char *src_ip, const char *what, uint32_t truth)
{
    if (hi >= tel->w->n_hosts || !user || !what)
        return SW_EINVAL;
    if (!device_ok(tel, hi))
        return SW_OK;
    int64_t um = unix_of(tel, t_ms);
    char msg[2048], rest[1536];
    const char *ip = src_ip ? src_ip : "0.0.0.0";
    if (is_forti(tel, hi)) {
        snprintf(rest, sizeof rest,
                 "user=\"%s\" ui=\"ssh(%s)\" action=\"Edit\" cfgtid=%u cfgpath=\"system.global\" "
                 "cfgattr=\"%.900s\" msg=\"Edit system.global\"",
                 user, ip, (unsigned)(t_ms & 0xffffff), what);
        forti_line(tel, msg, sizeof msg, hi, um, "0100044547", "information",
                   "Attribute configured", rest);
        return emit_device(tel, hi, t_ms, "config-change", 1, "0100044547", user, src_ip, 6, msg,
                           truth);
    }
    snprintf(msg, sizeof msg, "%%PARSER-5-CFGLOG_LOGGEDCMD: User:%s  logged command:%.1500s", user,
             what);
    int rc = emit_device(tel, hi, t_ms, "logged-command", 1, "PARSER-5-CFGLOG_LOGGEDCMD", user,
                         src_ip, 5, msg, truth);
    if (rc)
        return rc;
    snprintf(msg, sizeof msg, "%%SYS-5-CONFIG_I: Configured from console by %s on vty0 (%s)", user,
             ip);
    return emit_device(tel, hi, t_ms + 800, "config-change", 1, "SYS-5-CONFIG_I", user, src_ip, 5,
                       msg, truth);
}

int sw_tel_router_reboot(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *user,
                         const char *reason, uint32_t truth)
{
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    if (!device_ok(tel, hi))
        return SW_OK;
    char msg[1024];
    int rc;
    const char *hn = tel->w->hosts[hi].hostname;
    if (is_forti(tel, hi)) {
        char rest[512];
        if (reason) {
            snprintf(rest, sizeof rest,
                     "user=\"%s\" action=\"reboot\" msg=\"User %s rebooted the device from ssh. "
                     "The reason is '%s'\"",
                     user ? user : "admin", user ? user : "admin", reason);
            forti_line(tel, msg, sizeof msg, hi, unix_of(tel, t_ms), "0100032002", "critical",
                       "Admin performed an action from GUI", rest);
            if ((rc = emit_device(tel, hi, t_ms, "reboot", 1, "0100032002", user, NULL, 2, msg,
                                  truth)))
                return rc;
        }
        forti_line(tel, msg, sizeof msg, hi, unix_of(tel, t_ms + 95000), "0100032009",
                   "information", "FortiGate started",
                   "action=\"startup\" msg=\"FortiGate started\"");
        return emit_device(tel, hi, t_ms + 95000, "startup", 1, "0100032009", NULL, NULL, 6, msg,
                           truth);
    }
    if (reason) {
        snprintf(msg, sizeof msg,
                 "%%SYS-5-RELOAD: Reload requested by %s on vty0. Reload Reason: %s.",
                 user ? user : "console", reason);
        if ((rc = emit_device(tel, hi, t_ms, "reload", 1, "SYS-5-RELOAD", user, NULL, 5, msg,
                              truth)))
            return rc;
    }
    if ((rc = emit_device(tel, hi, t_ms + 95000, "restart", 1, "SYS-5-RESTART", NULL, NULL, 5,
                          "%SYS-5-RESTART: System restarted --", truth)))
        return rc;
    snprintf(msg, sizeof msg,
             "%%SNMP-5-COLDSTART: SNMP agent on host %s is undergoing a cold start", hn);
    return emit_device(tel, hi, t_ms + 96000, "coldstart", 1, "SNMP-5-COLDSTART", NULL, NULL, 5,
                       msg, truth);
}

int sw_tel_web_request(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *src_ip,
                       const char *method, const char *uri, int status, uint64_t bytes,
                       const char *ua, uint32_t truth)
{
    if (hi >= tel->w->n_hosts || !src_ip || !method || !uri)
        return SW_EINVAL;
    tel_host_t *h = &tel->hosts[hi];
    if (h->isolated)
        return SW_OK;
    if (!h->s.security_log && !h->s.log_forwarding && !h->s.syslog)
        return SW_OK; /* the access log is not collected */
    int64_t um = unix_of(tel, t_ms);
    tel_clock(tel, um);
    const char *q = strchr(uri, '?');
    char line[TEL_MAX_ARG + 512];
    snprintf(line, sizeof line,
             "%s - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"%s %.3000s HTTP/1.1\" %d %llu \"-\" "
             "\"%.300s\"",
             src_ip, tel->ts_d, MON[tel->ts_mo - 1], tel->ts_y, tel->ts_h, tel->ts_mi, tel->ts_s,
             method, uri, status, (unsigned long long)bytes, ua ? ua : "-");
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    ts_iso(tel, o, um);
    TEL_LIT(o, ",\"host\":{\"name\":");
    tel_name(tel, o, hi);
    TEL_LIT(o, "},\"event\":{\"dataset\":\"apache.access\",\"category\":[\"web\"]");
    FS(o, "outcome", status < 400 ? "success" : "failure");
    CLOSE(o);
    OPEN(o, "source");
    FS(o, "ip", src_ip);
    CLOSE(o);
    OPEN(o, "url");
    FS(o, "original", uri);
    KEY(o, "path");
    tel_ch(o, '"');
    tel_esc(o, uri, q ? (size_t)(q - uri) : strlen(uri));
    tel_ch(o, '"');
    if (q)
        FS(o, "query", q + 1);
    CLOSE(o);
    TEL_LIT(o, ",\"http\":{\"version\":\"1.1\",\"request\":{\"method\":");
    tel_str(o, method);
    TEL_LIT(o, "},\"response\":{\"status_code\":");
    tel_u64(o, (uint64_t)status);
    TEL_LIT(o, ",\"body\":{\"bytes\":");
    tel_u64(o, bytes);
    TEL_LIT(o, "}}}");
    OPEN(o, "user_agent");
    FS(o, "original", ua ? ua : "-");
    CLOSE(o);
    FS(o, "message", line);
    CLOSE(o);
    return tel_emit(tel, hi, SW_TEL_WEB, 0, status >= 500 ? 3 : 6, t_ms, truth);
}

int sw_tel_mail(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *from, const char *to,
                const char *subject, const char *attachment, const char *src_ip,
                const char *verdict, uint32_t truth)
{
    if (hi >= tel->w->n_hosts || !from || !to || !verdict)
        return SW_EINVAL;
    tel_host_t *h = &tel->hosts[hi];
    if (!h->s.security_log && !h->s.log_forwarding && !h->s.syslog)
        return SW_OK;
    int ok = !strcmp(verdict, "delivered");
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    ts_iso(tel, o, unix_of(tel, t_ms));
    TEL_LIT(o, ",\"observer\":{\"name\":");
    tel_name(tel, o, hi);
    TEL_LIT(o, ",\"product\":\"mail-gateway\",\"type\":\"mail\"},"
               "\"event\":{\"dataset\":\"email.gateway\",\"category\":[\"email\"]");
    FS(o, "action", verdict);
    FS(o, "outcome", ok ? "success" : "failure");
    CLOSE(o);
    OPEN(o, "email");
    FL(o, "direction", "inbound");
    KEY(o, "from");
    TEL_LIT(o, "{\"address\":[");
    tel_str(o, from);
    TEL_LIT(o, "]}");
    KEY(o, "to");
    TEL_LIT(o, "{\"address\":[");
    tel_str(o, to);
    TEL_LIT(o, "]}");
    FS(o, "subject", subject ? subject : "");
    KEY(o, "message_id");
    TEL_LIT(o, "\"<");
    tel_hex(o, sw_rng_next(&h->rng), 16, 0);
    tel_ch(o, '@');
    const char *at = strchr(from, '@');
    tel_escz(o, at ? at + 1 : "localhost");
    TEL_LIT(o, ">\"");
    if (attachment) {
        const char *dot = strrchr(attachment, '.');
        KEY(o, "attachments");
        TEL_LIT(o, "[{\"file\":{\"name\":");
        tel_str(o, attachment);
        if (dot)
            FS(o, "extension", dot + 1);
        TEL_LIT(o, ",\"hash\":{\"sha256\":\"");
        uint64_t k = sw_hash64(attachment, strlen(attachment), 0xa77ac4ULL);
        for (int j = 0; j < 4; j++) {
            k = sw_hash64(&k, sizeof k, SW_HASH64_INIT);
            tel_hex(o, k, 16, 0);
        }
        TEL_LIT(o, "\"}}}]");
    }
    CLOSE(o);
    OPEN(o, "source");
    FS(o, "ip", src_ip ? src_ip : "0.0.0.0");
    CLOSE(o);
    CLOSE(o);
    return tel_emit(tel, hi, SW_TEL_MAIL, 0, ok ? 6 : 4, t_ms, truth);
}

int sw_tel_av_detection(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t pid, const char *threat,
                        const char *path, const char *action, uint32_t truth)
{
    if (hi >= tel->w->n_hosts || !threat || !path || !action)
        return SW_EINVAL;
    int rc = ensure_boot(tel, hi, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[hi];
    if (!h->s.av)
        return SW_OK;
    int64_t um = unix_of(tel, t_ms);
    tel_proc_t *p = proc_find(h, pid);
    if (h->windows) {
        if (!h->eventlog_on)
            return SW_OK;
        int quarantine = !strcmp(action, "Quarantine");
        tel_out_t *o = tel_begin(tel);
        win_head(tel, o, h, &PROV_DEFENDER, 1116, -1, 0, 3, 0, "0x8000000000000000", um,
                 ++h->rec_defender, 3000, "S-1-5-18", NULL);
        FL(o, "Product Name", "Microsoft Defender Antivirus");
        FL(o, "Product Version", "4.18.23110.3");
        KEY(o, "Detection ID");
        TEL_LIT(o, "\"{");
        tel_hex(o, sw_rng_next(&h->rng), 8, 1);
        tel_ch(o, '-');
        tel_hex(o, sw_rng_next(&h->rng), 4, 1);
        tel_ch(o, '-');
        tel_hex(o, sw_rng_next(&h->rng), 4, 1);
        tel_ch(o, '-');
        tel_hex(o, sw_rng_next(&h->rng), 4, 1);
        tel_ch(o, '-');
        tel_hex(o, sw_rng_next(&h->rng), 12, 1);
        TEL_LIT(o, "}\"");
        KEY(o, "Detection Time");
        ts_iso(tel, o, um);
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
            user_field(o, &tel->sess[p->session]);
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
        FL(o, "Security intelligence Version",
           "AV: 1.403.1234.0, AS: 1.403.1234.0, NIS: 1.403.1234.0");
        FL(o, "Engine Version", "AM: 1.1.23110.2, NIS: 1.1.23110.2");
        win_tail(o, 0);
        return tel_emit(tel, hi, SW_TEL_DEFENDER, 1116, 4, t_ms, truth);
    }
    char msg[TEL_MAX_ARG + 128];
    snprintf(msg, sizeof msg, "%.3000s: %.200s FOUND", path, threat);
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    ts_iso(tel, o, um);
    TEL_LIT(o, ",\"host\":{\"name\":");
    tel_name(tel, o, hi);
    TEL_LIT(o,
            "},\"observer\":{\"vendor\":\"Cisco\",\"product\":\"ClamAV\",\"type\":\"antivirus\"},"
            "\"event\":{\"dataset\":\"clamav.log\",\"kind\":\"alert\",\"category\":[\"malware\"]");
    FS(o, "action", action);
    CLOSE(o);
    OPEN(o, "threat");
    FS(o, "indicator_name", threat);
    CLOSE(o);
    OPEN(o, "file");
    FS(o, "path", path);
    CLOSE(o);
    FS(o, "message", msg);
    CLOSE(o);
    return tel_emit(tel, hi, SW_TEL_AV, 0, 4, t_ms, truth);
}

int sw_tel_sudo(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *command,
                uint32_t truth)
{
    tel_sess_t *s = S(tel, sid);
    if (!s || !command)
        return SW_EINVAL;
    uint32_t hi = s->host;
    tel_host_t *h = &tel->hosts[hi];
    if (!h->linux_)
        return SW_EINVAL;
    int rc;
    uint32_t sudo_pid = 0;
    if ((rc = proc_start(tel, hi, t_ms, sid, parent_for(tel, s, 0), "/usr/bin/sudo", command, truth,
                         &sudo_pid)))
        return rc;
    /* the sudo line, then the command as root under sudo */
    if (g_security(h)) {
        char msg[TEL_MAX_ARG + 256];
        snprintf(msg, sizeof msg, "%s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=%.3000s",
                 s->account, s->account, command);
        if ((rc = emit_auth(tel, hi, t_ms + 3, "sudo", sudo_pid, "sudo", 1, s->account, NULL, 0,
                            msg, truth)))
            return rc;
    }
    const char *sp = strchr(command, ' ');
    char image[256];
    snprintf(image, sizeof image, "%.*s", (int)(sp ? sp - command : (ptrdiff_t)strlen(command)),
             command);
    uint32_t pid;
    if ((rc = proc_start(tel, hi, t_ms + 8, h->sys_sess, sudo_pid, image, command, truth, &pid)))
        return rc;
    if ((rc = sw_tel_process_end(tel, t_ms + 400, hi, pid, truth)))
        return rc;
    return sw_tel_process_end(tel, t_ms + 410, hi, sudo_pid, truth);
}

/* ---- 4f. power, isolation, links ----------------------------------------------- */

/* System log record of a classic or User32 provider with numbered params. */
static int emit_system_params(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const win_prov_t *prov,
                              int eid, int qual, int level, const char *const *params, int n,
                              uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_out_t *o = tel_begin(tel);
    win_head(tel, o, h, prov, eid, qual, 0, level, 0, "0x80000000000000", unix_of(tel, t_ms),
             ++h->rec_system, h->eventlog_pid ? h->eventlog_pid : 1284,
             prov == &PROV_USER32 ? "S-1-5-18" : NULL, NULL);
    if (n == 0) {
        TEL_LIT(o, "\"Data\":null");
    } else {
        char key[16];
        for (int i = 0; i < n; i++) {
            snprintf(key, sizeof key, "param%d", i + 1);
            sep(o);
            tel_str(o, key);
            tel_ch(o, ':');
            tel_str(o, params[i]);
        }
    }
    win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSTEM, eid, level <= 2 ? 2 : level == 3 ? 3 : 6, t_ms, truth);
}

int sw_tel_host_down(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *why, uint32_t truth)
{
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    int rc = ensure_boot(tel, hi, t_ms);
    if (rc)
        return rc;
    tel_host_t *h = &tel->hosts[hi];
    if (h->offline)
        return SW_OK;
    int clean = why && (!strcmp(why, "reboot") || !strcmp(why, "reimage") ||
                        !strcmp(why, "restore") || !strcmp(why, "reflash"));
    if (h->device) {
        if (clean && (rc = sw_tel_router_reboot(tel, t_ms, hi, "admin", why, truth)))
            return rc;
    } else if (h->windows && clean && g_system(h)) {
        /* an orderly restart: User32 1074 names who asked, EventLog 6006 */
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
        if ((rc = emit_system_params(tel, t_ms + 4000, hi, &PROV_EVENTLOG_CLASSIC, 6006, 32768, 4,
                                     NULL, 0, truth)))
            return rc;
    }
    h->offline = 1;
    h->unclean = !clean;
    h->down_ms = t_ms;
    return SW_OK;
}

int sw_tel_host_up(sw_tel_t *tel, int64_t t_ms, uint32_t hi, uint32_t truth)
{
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    tel_host_t *h = &tel->hosts[hi];
    if (!h->offline)
        return SW_OK;
    h->offline = 0;
    int rc;
    if (h->device)
        return SW_OK; /* its restart messages came with sw_tel_router_reboot */
    if ((rc = sw_tel_host_boot(tel, t_ms, hi, truth)))
        return rc;
    if (!h->windows)
        return SW_OK;
    if (g_system(h)) {
        if (h->unclean) {
            /* "The previous system shutdown at 9:14:02 AM on 3/10/2026 was
             * unexpected." param1 the time, param2 the date */
            char when[32], day[32];
            tel_clock(tel, unix_of(tel, h->down_ms));
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
    if (g_security(h)) {
        tel_out_t *o = tel_begin(tel);
        sec_head(tel, o, h, 4608, 0, 12288, 0, unix_of(tel, t_ms + 1));
        TEL_LIT(o, "\"Data\":null");
        win_tail(o, 0);
        if ((rc = tel_emit(tel, hi, SW_TEL_SECURITY, 4608, 6, t_ms + 1, truth)))
            return rc;
    }
    return SW_OK;
}

int sw_tel_host_isolate(sw_tel_t *tel, uint32_t hi, int on)
{
    if (hi >= tel->w->n_hosts)
        return SW_EINVAL;
    tel->hosts[hi].isolated = on != 0;
    return SW_OK;
}

int sw_tel_host_offline(const sw_tel_t *tel, uint32_t hi)
{
    return hi < tel->w->n_hosts && (tel->hosts[hi].offline || tel->hosts[hi].isolated);
}

int sw_tel_link_state(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *ifname,
                      const char *peer_ip, int up, uint32_t truth)
{
    if (hi >= tel->w->n_hosts || !ifname)
        return SW_EINVAL;
    if (!device_ok(tel, hi))
        return SW_OK;
    char msg[512];
    int rc;
    if (is_forti(tel, hi)) {
        char rest[256];
        snprintf(rest, sizeof rest,
                 "action=\"interface-stat-change\" status=\"%s\" "
                 "msg=\"Link monitor: Interface %s was turned %s\"",
                 up ? "up" : "down", ifname, up ? "up" : "down");
        forti_line(tel, msg, sizeof msg, hi, unix_of(tel, t_ms), "0100020099",
                   up ? "notice" : "warning", "Interface status changed", rest);
        return emit_device(tel, hi, t_ms, up ? "link-up" : "link-down", 1, "0100020099", NULL, NULL,
                           up ? 5 : 4, msg, truth);
    }
    snprintf(msg, sizeof msg, "%%LINK-3-UPDOWN: Interface %s, changed state to %s", ifname,
             up ? "up" : "down");
    if ((rc = emit_device(tel, hi, t_ms, up ? "link-up" : "link-down", 1, "LINK-3-UPDOWN", NULL,
                          NULL, 3, msg, truth)))
        return rc;
    snprintf(msg, sizeof msg,
             "%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to %s", ifname,
             up ? "up" : "down");
    if ((rc = emit_device(tel, hi, t_ms + 1000, up ? "lineproto-up" : "lineproto-down", 1,
                          "LINEPROTO-5-UPDOWN", NULL, NULL, 5, msg, truth)))
        return rc;
    if (!peer_ip)
        return SW_OK;
    if (up)
        snprintf(msg, sizeof msg, "%%BGP-5-ADJCHANGE: neighbor %s Up", peer_ip);
    else
        snprintf(msg, sizeof msg, "%%BGP-5-ADJCHANGE: neighbor %s Down Interface flap", peer_ip);
    if ((rc = emit_device(tel, hi, t_ms + (up ? 31000 : 1500), "bgp-adjchange", up,
                          "BGP-5-ADJCHANGE", NULL, peer_ip, 5, msg, truth)))
        return rc;
    if (up)
        return SW_OK;
    snprintf(msg, sizeof msg,
             "%%BGP_SESSION-5-ADJCHANGE: neighbor %s IPv4 Unicast topology base removed from "
             "session  Interface flap",
             peer_ip);
    return emit_device(tel, hi, t_ms + 1501, "bgp-session-down", 0, "BGP_SESSION-5-ADJCHANGE", NULL,
                       peer_ip, 5, msg, truth);
}
