/* sim_bridge.c — adversary steps to the log records their activity leaves.
 *
 * Design notes
 *  1. One foothold per (adversary, host): the session the attacker's
 *     processes run under is opened by the first step on the host (4624 /
 *     sshd / router login) and kept, with the PID of the shell (cmd.exe or
 *     powershell.exe; /bin/sh) that later steps run under. A shell that died
 *     (a reboot, a logoff) is started again under the same session. A
 *     foothold won through a web application keeps its web server's PID and
 *     the web shell's URL: later steps there are requests to the shell and
 *     children of the server.
 *       none -> session [first successful step: bridge_host / bridge_device]
 *       session -> web shell [FX_EXPLOIT / FX_WEBSHELL]
 *       any -> none [FOOTHOLD_LOST, HOST_UP: the next step logs on again]
 *  2. truth = gt + 1 on every call: nonzero for attack records.
 *  3. What a step writes is data: technique_fx maps an ATT&CK prefix to a
 *     set of effects (prefix match, so sub-techniques of new scenarios are
 *     covered), ids_sigs to a network signature, av_threats a tool to what an
 *     antivirus calls it; bridge_cmdline_fx reads what the command line
 *     itself writes (ntdsutil IFM, .dmp, netsh portproxy, reg add ...\Run)
 *     whatever its technique. A failed or interrupted step still leaves what
 *     sensors log for an attempt: its connection, the lure that arrived, a
 *     failed logon for the logon-based techniques.
 *  4. Remote execution is split as it really is: PsExec / wmic /node: / an
 *     RDP or ssh client run on the source (where the adversary already has a
 *     foothold), the target sees PSEXESVC, WmiPrvSE's child or the logon.
 *  5. A network device with a session-hiding implant (T1542) writes no
 *     logins or config changes for that adversary any more, only its odd
 *     reloads (sw_tel_router_reboot with no user and no reason). An
 *     appliance's web portal (T1190, T1505.003) sees requests, not logins.
 *  6. Time order: background activity due before an event is generated
 *     before the event's own records (sw_tel_bridge_advance).
 */
#include <ctype.h>
#include <stdio.h> /* snprintf only */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "telemetry/sim_bridge.h"

typedef struct foothold {
    uint32_t adversary, host;
    sw_tel_session_t sess; /* SW_NONE: none (network device) */
    uint32_t shell_pid;    /* 0: none yet */
    uint32_t server_pid;   /* web server process the attacker came in through, 0: none */
    int hidden;            /* network device: implant hides its sessions */
    int logged_in;         /* network device: login written */
    char shell_uri[160];   /* web shell installed on the host: its path, "" none */
    char attacker_ip[48];  /* where web-shell requests come from */
} foothold_t;

struct sw_tel_bridge {
    sw_tel_t *tel;
    sw_tel_bg_t *bg;
    const sw_world_t *w;
    int64_t bg_ms; /* background generated up to here */
    foothold_t *fh;
    uint32_t n_fh, cap_fh;
    uint64_t n_steps;
    int error;
};

/* Side effects by technique (prefix match: "T1543" covers T1543.003); a
 * technique may have several. Command-line side effects that do not depend
 * on the technique id (netsh portproxy, a .dmp written, ntdsutil IFM) are
 * recognised from the command line (bridge_cmdline_fx). */
enum {
    FX_LOG_CLEAR = 1u << 0,   /* T1070.001: 1102 */
    FX_LOG_STOP = 1u << 1,    /* T1562.002: event logging stopped */
    FX_SERVICE = 1u << 2,     /* T1543.003, T1569.002: 7045 */
    FX_TASK = 1u << 3,        /* T1053: 4698 */
    FX_ACCOUNT = 1u << 4,     /* T1136: 4720 */
    FX_FIRMWARE = 1u << 5,    /* T1542: hidden implant, odd reloads */
    FX_LATERAL = 1u << 6,     /* logon-based: a failed attempt is a failed logon */
    FX_C2 = 1u << 7,          /* command and control: DNS, connection, proxy, IDS */
    FX_EXFIL = 1u << 8,       /* data out: like C2, megabytes out */
    FX_PHISH = 1u << 9,       /* T1566: the mail through the gateway */
    FX_USER_EXEC = 1u << 10,  /* T1566, T1204: the user's app (Office, explorer) runs it */
    FX_EXPLOIT = 1u << 11,    /* T1190: the request, the server spawning a shell */
    FX_WEBSHELL = 1u << 12,   /* T1505.003: shell file; later steps are requests to it */
    FX_RUNKEY = 1u << 13,     /* T1547.001: Run key value (Sysmon 13) */
    FX_ENCRYPT = 1u << 14,    /* T1486: encrypted copies and ransom notes (Sysmon 11) */
    FX_KERBEROAST = 1u << 15, /* T1558.003: RC4 service tickets (4769) */
    FX_RELOAD = 1u << 16,     /* T1601: a new image and a requested reload */
};

static const struct {
    const char *prefix;
    unsigned fx;
} technique_fx[] = {
    {"T1070.001", FX_LOG_CLEAR},
    {"T1562.002", FX_LOG_STOP},
    {"T1543.003", FX_SERVICE},
    {"T1569.002", FX_SERVICE},
    {"T1053", FX_TASK},
    {"T1136", FX_ACCOUNT},
    {"T1542", FX_FIRMWARE},
    {"T1601", FX_RELOAD},
    {"T1078", FX_LATERAL},
    {"T1021", FX_LATERAL},
    {"T1110", FX_LATERAL},
    {"T1071", FX_C2},
    {"T1090.002", FX_C2}, /* external proxy (T1090.001 portproxy: command line) */
    {"T1090.003", FX_C2},
    {"T1095", FX_C2},
    {"T1102", FX_C2},
    {"T1105", FX_C2},
    {"T1219", FX_C2},
    {"T1572", FX_C2},
    {"T1573", FX_C2},
    {"T1041", FX_EXFIL},
    {"T1048", FX_EXFIL},
    {"T1567", FX_EXFIL},
    {"T1566", FX_PHISH | FX_USER_EXEC},
    {"T1204", FX_USER_EXEC},
    {"T1190", FX_EXPLOIT},
    {"T1505.003", FX_WEBSHELL},
    {"T1547.001", FX_RUNKEY},
    {"T1486", FX_ENCRYPT},
    {"T1558.003", FX_KERBEROAST},
};

static unsigned bridge_fx(const char *technique)
{
    unsigned fx = 0;
    if (!technique)
        return 0;
    for (size_t i = 0; i < sizeof technique_fx / sizeof technique_fx[0]; i++)
        if (!strncmp(technique, technique_fx[i].prefix, strlen(technique_fx[i].prefix)))
            fx |= technique_fx[i].fx;
    return fx;
}

/* What a network signature would say about a step (Emerging Threats style
 * names and sid ranges; chosen to look like ET Open, not copied from it). */
typedef struct ids_sig {
    const char *prefix; /* technique */
    const char *needle; /* and, if set, this in the command line (case-insensitive) */
    uint32_t sid;
    const char *signature, *category;
    int severity;
} ids_sig_t;

static const ids_sig_t ids_sigs[] = {
    {"T1190", "/api/v1/totp/", 2050263,
     "ET EXPLOIT Ivanti Connect Secure Authentication Bypass and Command Injection "
     "(CVE-2023-46805, CVE-2024-21887)",
     "Attempted Administrator Privilege Gain", 1},
    {"T1190", "../", 2013115, "ET WEB_SERVER Possible Directory Traversal Attempt",
     "Web Application Attack", 1},
    {"T1190", NULL, 2022028, "ET EXPLOIT Possible Remote Command Execution Attempt Inbound",
     "Attempted Administrator Privilege Gain", 1},
    {"T1505.003", NULL, 2016679, "ET WEB_SERVER WebShell Generic - Possible Command Execution",
     "Web Application Attack", 1},
    {"T1021.002", "psexec", 2010781, "ET POLICY PsExec service created", "Potentially Bad Traffic",
     2},
    {"T1558.003", NULL, 2034011,
     "ET POLICY Kerberos TGS-REQ with RC4 Encryption (Possible Kerberoasting)",
     "Potential Corporate Privacy Violation", 2},
    {"T1567", "mega", 2033966, "ET POLICY Observed MEGA Domain in TLS SNI (mega .co .nz)",
     "Potential Corporate Privacy Violation", 2},
    {"T1071.004", NULL, 2027863, "ET DNS Possible DNS Tunneling - Long Subdomain Query",
     "Potentially Bad Traffic", 2},
};

/* Tools an antivirus with current signatures names (substring of the
 * image name, lower case), and what it calls them. */
static const struct {
    const char *tool;
    const char *threat;
} av_threats[] = {
    {"mimikatz", "HackTool:Win32/Mimikatz"},  {"rubeus", "HackTool:MSIL/Rubeus"},
    {"locker", "Ransom:Win32/Filecoder"},     {"cve-2021-1732", "Exploit:Win32/CVE-2021-1732"},
    {"procdump", "HackTool:Win32/DumpLsass"},
};
#define AV_FRESH_DAYS 14 /* signatures older than this miss new tools */

/* Windows tools that live in System32 (the rest are dropped in Public). */
static const char *const win_system32[] = {
    "cmd.exe",      "powershell.exe", "rundll32.exe",  "ldifde.exe",   "ntdsutil.exe",
    "netsh.exe",    "mstsc.exe",      "reg.exe",       "schtasks.exe", "sc.exe",
    "whoami.exe",   "net.exe",        "net1.exe",      "nltest.exe",   "vssadmin.exe",
    "wevtutil.exe", "certutil.exe",   "bitsadmin.exe", "bcdedit.exe",  "wbadmin.exe",
    "tasklist.exe", "ipconfig.exe",   "auditpol.exe",  "cscript.exe",  "wscript.exe",
    "mshta.exe",    "regsvr32.exe",   "curl.exe",      "wmic.exe",
};

/* ---- small string helpers ------------------------------------------------- */

static int ci_contains(const char *hay, const char *needle)
{
    if (!hay || !needle)
        return 0;
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* The value after `key` (case-insensitive, e.g. "listenport=") up to a blank
 * or quote, into out; "" when absent. */
static void arg_after(const char *cmd, const char *key, char *out, size_t n)
{
    out[0] = 0;
    if (!cmd)
        return;
    size_t kl = strlen(key);
    for (const char *p = cmd; *p; p++) {
        size_t i = 0;
        while (i < kl && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)key[i]))
            i++;
        if (i < kl)
            continue;
        p += kl;
        while (*p == ' ' || *p == '"' || *p == '\'')
            p++;
        size_t len = strcspn(p, " \t\"'");
        if (len >= n)
            len = n - 1;
        memcpy(out, p, len);
        out[len] = 0;
        return;
    }
}

/* The host part of the first URL in cmd ("https://x.example/..."), or "". */
static void url_host(const char *cmd, char *out, size_t n, char *path, size_t pn)
{
    out[0] = 0;
    if (path)
        path[0] = 0;
    const char *p = cmd ? strstr(cmd, "://") : NULL;
    if (!p)
        return;
    p += 3;
    size_t len = strcspn(p, "/:\"' \t");
    if (len >= n)
        len = n - 1;
    memcpy(out, p, len);
    out[len] = 0;
    if (!path)
        return;
    const char *q = p + strcspn(p, "/\"' \t");
    if (*q == '/') {
        size_t pl = strcspn(q, "\"' \t");
        if (pl >= pn)
            pl = pn - 1;
        memcpy(path, q, pl);
        path[pl] = 0;
    }
}

/* The last token of cmd ending in ext (case-insensitive), or "". */
static void token_ending(const char *cmd, const char *ext, char *out, size_t n)
{
    out[0] = 0;
    if (!cmd)
        return;
    size_t el = strlen(ext);
    const char *p = cmd;
    while (*p) {
        while (*p == ' ' || *p == '"' || *p == '\'' || *p == ',' || *p == '>')
            p++;
        size_t len = strcspn(p, " \t\"',>");
        if (len >= el) {
            int match = 1;
            for (size_t i = 0; i < el && match; i++)
                match = tolower((unsigned char)p[len - el + i]) == tolower((unsigned char)ext[i]);
            if (match && len < n) {
                memcpy(out, p, len);
                out[len] = 0;
            }
        }
        p += len;
    }
}

int sw_tel_bridge_new(sw_tel_bridge_t **out, sw_tel_t *tel, sw_tel_bg_t *bg)
{
    *out = NULL;
    sw_tel_bridge_t *b = calloc(1, sizeof *b);
    if (!b)
        return SW_ENOMEM;
    b->tel = tel;
    b->bg = bg;
    b->w = sw_tel_world(tel);
    *out = b;
    return 0;
}

void sw_tel_bridge_free(sw_tel_bridge_t *b)
{
    if (!b)
        return;
    free(b->fh);
    free(b);
}

int sw_tel_bridge_error(const sw_tel_bridge_t *b)
{
    return b->error;
}
uint64_t sw_tel_bridge_steps(const sw_tel_bridge_t *b)
{
    return b->n_steps;
}

int sw_tel_bridge_advance(sw_tel_bridge_t *b, int64_t t_ms)
{
    if (!b->bg || t_ms <= b->bg_ms)
        return 0;
    int rc = sw_tel_background_run(b->bg, b->bg_ms, t_ms);
    b->bg_ms = t_ms;
    return rc;
}

/* The foothold of (adv, host), created empty when new. O(footholds). */
static foothold_t *bridge_foothold(sw_tel_bridge_t *b, uint32_t adv, uint32_t host)
{
    for (uint32_t i = 0; i < b->n_fh; i++)
        if (b->fh[i].adversary == adv && b->fh[i].host == host)
            return &b->fh[i];
    if (b->n_fh == b->cap_fh) {
        uint32_t ncap = b->cap_fh ? b->cap_fh * 2 : 16;
        if (ncap > SW_TEL_BRIDGE_MAX_FOOTHOLDS)
            return NULL;
        foothold_t *n = realloc(b->fh, ncap * sizeof *n);
        if (!n)
            return NULL;
        b->fh = n;
        b->cap_fh = ncap;
    }
    foothold_t *f = &b->fh[b->n_fh++];
    memset(f, 0, sizeof *f);
    f->adversary = adv;
    f->host = host;
    f->sess = SW_NONE;
    return f;
}

/* The command line a step runs: a lure chain "a.zip -> b.lnk -> cmd" runs
 * its last link. */
static const char *bridge_cmdline(const char *procedure)
{
    const char *p = procedure, *q;
    while (p && (q = strstr(p, " -> ")))
        p = q + 4;
    return p;
}

/* Image path of the step's tool (or the command line's first token) for
 * the host's OS family, into out. */
static void bridge_image(const sw_sim_event_t *ev, const char *cmdline, sw_os_family_t osf,
                         char *out, size_t n)
{
    char tool[128] = "";
    const char *t = ev->tool;
    size_t len;
    if (t && *t) {
        len = strlen(t);
    } else {
        t = cmdline ? cmdline : "";
        len = strcspn(t, " \t");
    }
    /* a path already: keep its last component only for the lookup */
    if (len >= sizeof tool)
        len = sizeof tool - 1;
    memcpy(tool, t, len);
    tool[len] = 0;
    if (strchr(tool, '\\') || tool[0] == '/') {
        snprintf(out, n, "%s", tool);
        return;
    }
    /* the command line runs it by its full path: that is where it lives */
    if (cmdline && tool[0]) {
        size_t fl = strcspn(cmdline, " \t"), tl = strlen(tool);
        if (fl > tl && fl < n && (strchr(cmdline, '\\') < cmdline + fl || cmdline[0] == '/') &&
            strchr("\\/", cmdline[fl - tl - 1]) && !strncasecmp(cmdline + fl - tl, tool, tl)) {
            memcpy(out, cmdline, fl);
            out[fl] = 0;
            return;
        }
    }
    if (osf == SW_OSF_WINDOWS) {
        const char *ext = strrchr(tool, '.');
        const char *suffix = ext ? "" : ".exe";
        if (!strcmp(tool, "wmic.exe")) {
            snprintf(out, n, "C:\\Windows\\System32\\wbem\\WMIC.exe");
            return;
        }
        for (size_t i = 0; i < sizeof win_system32 / sizeof win_system32[0]; i++)
            if (!strncmp(tool, win_system32[i], strlen(tool)) &&
                (ext || win_system32[i][strlen(tool)] == '.')) {
                snprintf(out, n, "C:\\Windows\\System32\\%s", win_system32[i]);
                return;
            }
        snprintf(out, n, "C:\\Users\\Public\\%s%s", tool, suffix);
    } else {
        snprintf(out, n, "/usr/bin/%s", tool[0] ? tool : "sh");
    }
}

/* The world user with this account in the host's organisation, or SW_NONE
 * (a local or unknown account). O(users). */
static uint32_t bridge_user(const sw_world_t *w, uint32_t host, const char *account)
{
    for (uint32_t u = 0; u < w->n_users; u++)
        if (w->users[u].org == w->hosts[host].org && w->users[u].account &&
            !strcmp(w->users[u].account, account))
            return u;
    return SW_NONE;
}

static int bridge_is_lateral(const sw_sim_event_t *ev)
{
    return ev->src_host != SW_NONE && ev->src_host != ev->host;
}

/* The org's host with a packet sensor that would see traffic of `host`:
 * the host itself, else the org's firewall or edge/core router with pcap;
 * SW_NONE when nothing listens. O(hosts). */
static uint32_t bridge_ids_observer(const sw_world_t *w, uint32_t host)
{
    if (host >= w->n_hosts)
        return SW_NONE;
    if (w->hosts[host].sensors.pcap)
        return host;
    uint32_t org = w->hosts[host].org;
    static const sw_role_t edge[] = {SW_ROLE_FIREWALL, SW_ROLE_EDGE_ROUTER, SW_ROLE_INTL_GATEWAY,
                                     SW_ROLE_CORE_ROUTER};
    for (size_t r = 0; r < sizeof edge / sizeof edge[0]; r++)
        for (uint32_t h = 0; h < w->n_hosts; h++)
            if (w->hosts[h].org == org && w->hosts[h].role == edge[r] && w->hosts[h].sensors.pcap)
                return h;
    return SW_NONE;
}

/* A Suricata alert for the step when a signature covers it. */
static int bridge_ids(sw_tel_bridge_t *b, const sw_sim_event_t *ev, const char *cmdline,
                      const sw_tel_conn_t *c, uint32_t truth)
{
    if (!ev->technique)
        return 0;
    for (size_t i = 0; i < sizeof ids_sigs / sizeof ids_sigs[0]; i++) {
        const ids_sig_t *sg = &ids_sigs[i];
        if (strncmp(ev->technique, sg->prefix, strlen(sg->prefix)))
            continue;
        if (sg->needle && !ci_contains(cmdline, sg->needle) && !ci_contains(ev->tool, sg->needle))
            continue;
        uint32_t obs = bridge_ids_observer(b->w, ev->host);
        if (obs == SW_NONE)
            return 0;
        return sw_tel_ids_alert(b->tel, ev->at_ms + 200, obs, c, sg->sid, sg->signature,
                                sg->category, sg->severity, truth);
    }
    return 0;
}

/* The connection that carried the step (lateral or from the internet). */
static int bridge_conn(sw_tel_bridge_t *b, const sw_sim_event_t *ev, const char *cmdline,
                       uint32_t truth)
{
    if (!ev->src_ip || !ev->dst_ip || !ev->dst_port || ev->src_host == ev->host)
        return 0;
    sw_tel_conn_t c = {0};
    c.src_host = ev->src_host;
    c.dst_host = ev->host;
    c.src_ip = ev->src_ip;
    c.dst_ip = ev->dst_ip;
    c.dst_port = ev->dst_port;
    c.service = ev->dst_port == 443    ? "ssl"
                : ev->dst_port == 80   ? "http"
                : ev->dst_port == 445  ? "smb"
                : ev->dst_port == 3389 ? "rdp"
                : ev->dst_port == 22   ? "ssh"
                                       : NULL;
    c.bytes_out = 2048 + (uint64_t)(ev->gt % 7) * 512;
    c.bytes_in = 4096 + (uint64_t)(ev->gt % 5) * 1024;
    c.duration_ms = 1500;
    int rc = sw_tel_net_conn(b->tel, ev->at_ms, 0, &c, truth);
    if (!rc && !sw_tel_host_offline(b->tel, ev->host))
        rc = bridge_ids(b, ev, cmdline, &c, truth);
    return rc;
}

/* The adversary's infrastructure for a step: the first URL host in the
 * command line, else its first C2 domain; the address its first C2 IP, else
 * one derived from the name (TEST-NET-3). */
static void bridge_c2_target(const sw_tel_bridge_t *b, const sw_sim_event_t *ev,
                             const char *cmdline, char *dom, size_t dn, char *ip, size_t ipn,
                             char *path, size_t pn)
{
    const sw_adversary_t *a =
        ev->adversary < b->w->n_adversaries ? &b->w->adversaries[ev->adversary] : NULL;
    url_host(cmdline, dom, dn, path, pn);
    if (!dom[0] && ci_contains(cmdline, "mega:"))
        snprintf(dom, dn, "g.api.mega.co.nz");
    if (!dom[0] && a && a->c2_domains.n)
        snprintf(dom, dn, "%s", a->c2_domains.s[0]);
    if (a && a->c2_ips.n && (!dom[0] || (a->c2_domains.n && !strcmp(dom, a->c2_domains.s[0])))) {
        snprintf(ip, ipn, "%s", a->c2_ips.s[0]);
        return;
    }
    unsigned hsum = 0;
    for (const char *p = dom; *p; p++)
        hsum = hsum * 31u + (unsigned char)*p;
    snprintf(ip, ipn, "203.0.113.%u", 1 + hsum % 250);
}

/* Traffic to the adversary's infrastructure from pid on host: the lookup,
 * the connection (through the proxy when it is web), and what a signature
 * says of it. */
static int bridge_c2_traffic(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t host,
                             uint32_t pid, const char *dom, const char *ip, const char *path,
                             uint16_t port, uint64_t bytes_out, uint32_t truth)
{
    int rc;
    if (host >= b->w->n_hosts || b->w->hosts[host].os_family == SW_OSF_NETWORK)
        return 0;
    if (dom && dom[0] && (rc = sw_tel_dns(b->tel, t, host, pid, dom, ip, truth)))
        return rc;
    char url[512];
    sw_tel_conn_t c = {0};
    c.src_host = host;
    c.dst_host = SW_NONE;
    c.dst_ip = ip;
    c.dst_port = port ? port : 443;
    c.udp = c.dst_port == 53;
    c.dst_name = dom && dom[0] ? dom : NULL;
    c.service = c.dst_port == 53 ? "dns" : c.dst_port == 80 ? "http" : "ssl";
    if (c.dst_name && (c.dst_port == 443 || c.dst_port == 80)) {
        snprintf(url, sizeof url, "%s://%s%s", c.dst_port == 80 ? "http" : "https", dom,
                 path && path[0] ? path : "/");
        c.url = url;
    }
    c.bytes_out = bytes_out ? bytes_out : 1200 + (uint64_t)(ev->gt % 9) * 300;
    c.bytes_in = 5200 + (uint64_t)(ev->gt % 11) * 700;
    c.duration_ms = bytes_out > 1000000 ? (uint32_t)(bytes_out / 2000) : 900;
    if ((rc = sw_tel_net_conn(b->tel, t + 80, pid, &c, truth)))
        return rc;
    return sw_tel_host_offline(b->tel, host) ? 0 : bridge_ids(b, ev, dom, &c, truth);
}

/* ---- web exploitation and web shells (hosts and appliances) ------------------ */

/* The exploit's request in the target's access log (T1190). */
static int bridge_exploit_request(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f,
                                  const char *cmdline, uint32_t truth)
{
    char host[128], path[400];
    url_host(cmdline, host, sizeof host, path, sizeof path);
    snprintf(f->attacker_ip, sizeof f->attacker_ip, "%s", ev->src_ip ? ev->src_ip : "203.0.113.45");
    return sw_tel_web_request(
        b->tel, ev->at_ms, ev->host, f->attacker_ip, ci_contains(cmdline, " -d ") ? "POST" : "GET",
        path[0] ? path : "/", 200, 612,
        ci_contains(ev->tool, "curl") ? "curl/8.4.0" : "python-requests/2.31.0", truth);
}

/* Where the web shell file goes: the command line's .aspx/.cgi/.php/.jsp,
 * else a usual hiding place. */
static void bridge_shell_path(const char *cmdline, int win, char *shell, size_t n)
{
    token_ending(cmdline, win ? ".aspx" : ".cgi", shell, n);
    if (!shell[0])
        token_ending(cmdline, ".php", shell, n);
    if (!shell[0])
        token_ending(cmdline, ".jsp", shell, n);
    if (!shell[0])
        snprintf(shell, n, "%s",
                 win ? "C:\\inetpub\\wwwroot\\aspnet_client\\errors.aspx"
                     : "/var/www/html/.cache.php");
}

/* A web shell at `shell` (a file path): its URL (the path after the
 * document root, else the file name) is kept on the foothold, and the
 * attacker tries it once. */
static int bridge_shell_installed(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f,
                                  const char *shell, int win, uint32_t truth)
{
    static const char *const roots[] = {"htdocs", "wwwroot", "/html", "/www"};
    const char *u = NULL;
    for (size_t i = 0; i < sizeof roots / sizeof roots[0] && !u; i++)
        if ((u = strstr(shell, roots[i])))
            u += strlen(roots[i]);
    if (!u) {
        u = strrchr(shell, win ? '\\' : '/');
        u = u ? u : shell;
    }
    snprintf(f->shell_uri, sizeof f->shell_uri, "%s%.150s", (*u == '/' || *u == '\\') ? "" : "/",
             u);
    for (char *p = f->shell_uri; *p; p++)
        if (*p == '\\')
            *p = '/';
    if (!f->attacker_ip[0])
        snprintf(f->attacker_ip, sizeof f->attacker_ip, "%s",
                 ev->src_ip && ev->src_host == SW_NONE ? ev->src_ip : "203.0.113.45");
    return sw_tel_web_request(b->tel, ev->at_ms + 20000, ev->host, f->attacker_ip, "GET",
                              f->shell_uri, 200, 96, "curl/8.4.0", truth);
}

/* A command through the web shell: a POST to it. */
static int bridge_shell_request(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f,
                                int64_t t, uint32_t truth)
{
    return sw_tel_web_request(b->tel, t, ev->host,
                              f->attacker_ip[0] ? f->attacker_ip : "203.0.113.45", "POST",
                              f->shell_uri, 200, 180 + (uint64_t)(ev->gt % 13) * 40,
                              "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 "
                              "Firefox/115.0",
                              truth);
}

/* Network device: login once per foothold, then the change; a hidden
 * implant shows only as an unexplained reload. */
static int bridge_device(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f, unsigned fx,
                         uint32_t truth)
{
    const char *user = ev->account ? ev->account : "admin";
    int64_t t = ev->at_ms;
    int rc;
    if (fx & FX_FIRMWARE) {
        f->hidden = 1;
        return sw_tel_router_reboot(b->tel, t, ev->host, NULL, NULL, truth);
    }
    if (f->hidden)
        return 0;
    /* an appliance's web front end (a VPN portal): requests, not logins */
    const char *cmdline = bridge_cmdline(ev->procedure);
    if (fx & FX_EXPLOIT)
        return bridge_exploit_request(b, ev, f, cmdline, truth);
    if (fx & FX_WEBSHELL) {
        char shell[300];
        bridge_shell_path(cmdline, 0, shell, sizeof shell);
        return bridge_shell_installed(b, ev, f, shell, 0, truth);
    }
    if (f->shell_uri[0])
        return bridge_shell_request(b, ev, f, t, truth);
    if (!f->logged_in) {
        if ((rc = sw_tel_router_login(b->tel, t, ev->host, user, ev->src_ip, 1, truth)))
            return rc;
        f->logged_in = 1;
    }
    if ((rc = sw_tel_router_config_change(b->tel, t + 1000, ev->host, user, ev->src_ip,
                                          bridge_cmdline(ev->procedure), truth)))
        return rc;
    if (fx & FX_RELOAD)
        return sw_tel_router_reboot(b->tel, t + 60000, ev->host, user, "Reload Command", truth);
    return 0;
}

/* The recipient address of a user's mail, as the background writes it. */
static void bridge_mail_to(const sw_world_t *w, uint32_t host, const char *account, char *out,
                           size_t n)
{
    uint32_t team = w->hosts[host].team;
    const char *cc =
        team < w->n_teams && w->teams[team].country ? w->teams[team].country : "example";
    char tld[8];
    size_t i = 0;
    for (; cc[i] && i + 1 < sizeof tld; i++)
        tld[i] = (char)tolower((unsigned char)cc[i]);
    tld[i] = 0;
    snprintf(out, n, "%s@gov.%s", account ? account : "info", tld);
}

/* The lure: the mail through the gateway (T1566). The attachment is the
 * first link of a lure chain ("a.zip -> b.lnk -> cmd"). */
static int bridge_phish_mail(sw_tel_bridge_t *b, const sw_sim_event_t *ev, uint32_t truth)
{
    const sw_host_t *h = &b->w->hosts[ev->host];
    uint32_t mail = sw_tel_org_role_host(b->tel, h->org, SW_ROLE_MAIL);
    if (mail == SW_NONE)
        return 0;
    char att[128] = "", subject[192], from[160], to[160], dom[128], ip[48];
    const char *proc = ev->procedure ? ev->procedure : "";
    const char *arrow = strstr(proc, " -> ");
    if (arrow) {
        size_t len = (size_t)(arrow - proc);
        while (len && proc[0] == ' ')
            proc++, len--;
        if (len >= sizeof att)
            len = sizeof att - 1;
        memcpy(att, proc, len);
        att[len] = 0;
    }
    bridge_c2_target(b, ev, NULL, dom, sizeof dom, ip, sizeof ip, NULL, 0);
    snprintf(from, sizeof from, "billing@%s", dom[0] ? dom : "mail-notify.example");
    if (att[0]) {
        char stem[128];
        snprintf(stem, sizeof stem, "%s", att);
        char *dot = strchr(stem, '.');
        if (dot)
            *dot = 0;
        for (char *p = stem; *p; p++)
            if (*p == '_')
                *p = ' ';
        snprintf(subject, sizeof subject, "RE: %s - payment overdue", stem);
    } else {
        snprintf(subject, sizeof subject, "Action required: verify your mailbox");
    }
    bridge_mail_to(b->w, ev->host, ev->account, to, sizeof to);
    return sw_tel_mail(b->tel, ev->at_ms - 60000, mail, from, to, subject, att[0] ? att : NULL,
                       ev->src_ip ? ev->src_ip : ip, "delivered", truth);
}

/* The program a user opens a lure with: Office for documents, explorer
 * (the session's shell: parent 0) for shortcuts, archives and scripts. */
static const char *bridge_lure_app(const char *procedure)
{
    static const struct {
        const char *ext, *app;
    } apps[] = {
        {".doc", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE"},
        {".rtf", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE"},
        {".xls", "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE"},
        {".ppt", "C:\\Program Files\\Microsoft Office\\root\\Office16\\POWERPNT.EXE"},
        {".one", "C:\\Program Files\\Microsoft Office\\root\\Office16\\ONENOTE.EXE"},
    };
    /* the link before the command: what the user opened last */
    const char *last = NULL, *p = procedure, *q;
    while (p && (q = strstr(p, " -> "))) {
        last = p;
        p = q + 4;
    }
    if (!last)
        return NULL;
    char seg[256];
    size_t len = (size_t)(strstr(last, " -> ") - last);
    if (len >= sizeof seg)
        len = sizeof seg - 1;
    memcpy(seg, last, len);
    seg[len] = 0;
    if (ci_contains(seg, ".lnk"))
        return NULL; /* a shortcut: explorer runs it */
    for (size_t i = 0; i < sizeof apps / sizeof apps[0]; i++)
        if (ci_contains(seg, apps[i].ext))
            return apps[i].app;
    return NULL;
}

/* The web server process of a host (w3wp / apache2), started once. */
static int bridge_server_proc(sw_tel_bridge_t *b, int64_t t, foothold_t *f, int win, uint32_t truth)
{
    if (f->server_pid && sw_tel_process_alive(b->tel, f->host, f->server_pid))
        return 0;
    sw_tel_session_t sys = sw_tel_system_session(b->tel, f->host);
    if (sys == SW_NONE)
        return 0;
    (void)truth; /* the server was running before the attacker came */
    return sw_tel_process_start(
        b->tel, t - 1000, sys, 0,
        win ? "C:\\Windows\\System32\\inetsrv\\w3wp.exe" : "/usr/sbin/apache2",
        win ? "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"DefaultAppPool\" -v \"v4.0\" -l "
              "\"webengine4.dll\" -a \\\\.\\pipe\\iisipm1b7c2a7e -h "
              "\"C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config\" -w \"\" -m 0"
            : "/usr/sbin/apache2 -k start",
        0, &f->server_pid);
}

/* Files and registry values the step's command line writes (whatever the
 * technique id says): ntdsutil IFM and ntds.dit copies, memory dumps,
 * netsh portproxy, reg add ...\Run. */
static int bridge_cmdline_fx(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                             const char *cmd, const char *image, unsigned fx, uint32_t truth)
{
    uint32_t host = ev->host;
    char a[256], c[256], path[600], val[300];
    int rc;
    if (!cmd)
        return 0;
    if (ci_contains(cmd, "ifm") && ci_contains(cmd, "create full")) {
        arg_after(cmd, "create full", a, sizeof a);
        if (!a[0])
            snprintf(a, sizeof a, "C:\\Windows\\Temp\\ifm");
        static const char *const parts[] = {"\\Active Directory\\ntds.dit",
                                            "\\Active Directory\\ntds.jfm", "\\registry\\SYSTEM",
                                            "\\registry\\SECURITY"};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            snprintf(path, sizeof path, "%s%s", a, parts[i]);
            if ((rc = sw_tel_file_create(b->tel, t + 2000 + (int64_t)i * 700, host, pid, path,
                                         truth)))
                return rc;
        }
    } else if (ci_contains(cmd, "ntds.dit") &&
               (ci_contains(cmd, "copy") || ci_contains(cmd, "HarddiskVolumeShadowCopy"))) {
        token_ending(cmd, "ntds.dit", a, sizeof a);
        const char *dst = a[0] && !ci_contains(a, "ShadowCopy") ? a : "C:\\Windows\\Temp\\ntds.dit";
        if ((rc = sw_tel_file_create(b->tel, t + 1500, host, pid, dst, truth)))
            return rc;
    }
    token_ending(cmd, ".dmp", a, sizeof a);
    if (a[0] && (rc = sw_tel_file_create(b->tel, t + 1200, host, pid, a, truth)))
        return rc;
    if (ci_contains(cmd, "portproxy") && ci_contains(cmd, " add ")) {
        char lp[16], la[64], cp[16], ca[64];
        arg_after(cmd, "listenport=", lp, sizeof lp);
        arg_after(cmd, "listenaddress=", la, sizeof la);
        arg_after(cmd, "connectport=", cp, sizeof cp);
        arg_after(cmd, "connectaddress=", ca, sizeof ca);
        snprintf(path, sizeof path,
                 "HKLM\\SYSTEM\\CurrentControlSet\\Services\\PortProxy\\%s\\tcp\\%s/%s",
                 ci_contains(cmd, "v4tov6")   ? "v4tov6"
                 : ci_contains(cmd, "v6tov4") ? "v6tov4"
                 : ci_contains(cmd, "v6tov6") ? "v6tov6"
                                              : "v4tov4",
                 la[0] ? la : "*", lp[0] ? lp : "0");
        snprintf(val, sizeof val, "%s/%s", ca[0] ? ca : "127.0.0.1", cp[0] ? cp : lp);
        if ((rc = sw_tel_registry_set(b->tel, t + 300, host, pid, path, val, truth)))
            return rc;
    }
    if ((fx & FX_RUNKEY) ||
        (ci_contains(cmd, "reg") && ci_contains(cmd, "\\CurrentVersion\\Run"))) {
        arg_after(cmd, "/v", a, sizeof a);
        arg_after(cmd, "/d", c, sizeof c);
        int hkcu = ci_contains(cmd, "HKCU");
        snprintf(path, sizeof path, "%s\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\%s",
                 hkcu ? "HKU\\S-1-5-21-1004336348-1177238915-682003330-1105" : "HKLM",
                 a[0] ? a : "OneDriveUpdate");
        if ((rc = sw_tel_registry_set(b->tel, t + 400, host, pid, path, c[0] ? c : image, truth)))
            return rc;
    }
    return 0;
}

/* Ransomware at work (T1486): encrypted copies with the new extension and
 * a note in each folder (Sysmon 11), a handful per step, not every file. */
static int bridge_encrypt(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                          const char *cmd, uint32_t truth)
{
    static const char *const dirs[] = {"C:\\Users\\Public\\Documents", "C:\\Shares\\Finance",
                                       "C:\\Shares\\HR", "C:\\Users\\Public\\Desktop"};
    static const char *const files[] = {"budget_2026.xlsx",     "payroll_march.xlsx",
                                        "minutes_cabinet.docx", "tender_eval.pdf",
                                        "staff_list.xlsx",      "audit_report.docx"};
    char ext[32], note[64], path[400];
    arg_after(cmd, "-ext", ext, sizeof ext);
    arg_after(cmd, "-note", note, sizeof note);
    int rc;
    int64_t at = t + 3000;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
            snprintf(path, sizeof path, "%s\\%s%s", dirs[d], files[i], ext[0] ? ext : ".locked");
            if ((rc = sw_tel_file_create(b->tel, at, ev->host, pid, path, truth)))
                return rc;
            at += 37;
        }
        snprintf(path, sizeof path, "%s\\%s", dirs[d], note[0] ? note : "README.txt");
        if ((rc = sw_tel_file_create(b->tel, at, ev->host, pid, path, truth)))
            return rc;
        at += 11;
    }
    return 0;
}

/* An antivirus with fresh signatures names a known tool when it lands. */
static int bridge_av(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                     const char *image, uint32_t truth)
{
    const sw_sensors_t *sn = &b->w->hosts[ev->host].sensors;
    if (!sn->av || sn->av_sig_age_days > AV_FRESH_DAYS)
        return 0;
    const char *base = strrchr(image, '\\');
    base = base ? base + 1 : (base = strrchr(image, '/')) ? base + 1 : image;
    for (size_t i = 0; i < sizeof av_threats / sizeof av_threats[0]; i++)
        if (ci_contains(base, av_threats[i].tool))
            return sw_tel_av_detection(b->tel, t + 700, ev->host, pid, av_threats[i].threat, image,
                                       "Quarantine", truth);
    return 0;
}

/* Remote execution tools: the client on the source, the server side on
 * the target. */
typedef enum { REMOTE_NONE, REMOTE_PSEXEC, REMOTE_WMI, REMOTE_CLIENT } remote_t;

static remote_t bridge_remote_kind(const sw_sim_event_t *ev, const char *cmd)
{
    if (ci_contains(ev->tool, "psexec") || ci_contains(ev->tool, "paexec"))
        return REMOTE_PSEXEC;
    if ((ci_contains(ev->tool, "wmic") || ci_contains(cmd, "wmic")) && ci_contains(cmd, "/node:") &&
        ci_contains(cmd, "call create"))
        return REMOTE_WMI;
    if (ci_contains(ev->tool, "mstsc") || !strcmp(ev->tool ? ev->tool : "", "ssh"))
        return REMOTE_CLIENT;
    return REMOTE_NONE;
}

/* The shell the attacker's processes run under on this foothold, started
 * (again) when needed: under the web server for a web-shell foothold, else
 * under the session. *pid gets it (0: none). */
static int bridge_shell(sw_tel_bridge_t *b, int64_t t, foothold_t *f, int win, uint32_t truth)
{
    if (f->shell_pid && sw_tel_process_alive(b->tel, f->host, f->shell_pid))
        return 0;
    uint32_t parent = 0;
    if (f->server_pid && sw_tel_process_alive(b->tel, f->host, f->server_pid))
        parent = f->server_pid;
    uint32_t pid = 0;
    int rc = sw_tel_process_start(
        b->tel, t, f->sess, parent, win ? "C:\\Windows\\System32\\cmd.exe" : "/bin/sh",
        win ? (parent ? "cmd.exe /c \"cd /d C:\\inetpub\\wwwroot & whoami\""
                      : "\"C:\\Windows\\System32\\cmd.exe\"")
            : "/bin/sh -i",
        truth, &pid);
    f->shell_pid = pid;
    return rc;
}

/* Run the step's tool as a client on the source host, where the adversary
 * already has a foothold. Returns 1 when it did. */
static int bridge_client_side(sw_tel_bridge_t *b, const sw_sim_event_t *ev, const char *cmd,
                              uint32_t truth, int *rc)
{
    *rc = 0;
    if (ev->src_host == SW_NONE || ev->src_host >= b->w->n_hosts || ev->src_host == ev->host)
        return 0;
    foothold_t *src = NULL;
    for (uint32_t i = 0; i < b->n_fh; i++)
        if (b->fh[i].adversary == ev->adversary && b->fh[i].host == ev->src_host &&
            b->fh[i].sess != SW_NONE)
            src = &b->fh[i];
    const sw_host_t *sh = &b->w->hosts[ev->src_host];
    if (!src || sh->os_family == SW_OSF_NETWORK)
        return 0;
    int win = sh->os_family == SW_OSF_WINDOWS;
    char image[512];
    bridge_image(ev, cmd, sh->os_family, image, sizeof image);
    if ((*rc = bridge_shell(b, ev->at_ms - 1500, src, win, truth)))
        return 1;
    uint32_t pid = 0;
    *rc = sw_tel_process_start(b->tel, ev->at_ms - 1000, src->sess, src->shell_pid, image,
                               cmd ? cmd : image, truth, &pid);
    return 1;
}

/* The target's side of remote execution from a source foothold: PSEXESVC
 * (7045, the service and its child, as SYSTEM) or WmiPrvSE starting the
 * command; nothing more for RDP and ssh (their logon is the record). */
static int bridge_remote_target(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f,
                                remote_t remote, const char *cmdline, uint32_t truth)
{
    const sw_host_t *h = &b->w->hosts[ev->host];
    int win = h->os_family == SW_OSF_WINDOWS;
    int64_t t = ev->at_ms;
    int rc;
    sw_tel_session_t sys = sw_tel_system_session(b->tel, ev->host);
    uint32_t spid = 0, cpid = 0;
    char child[512];
    switch (remote) {
    case REMOTE_PSEXEC:
        if (!win || sys == SW_NONE)
            return 0;
        if ((rc = sw_tel_service_install(b->tel, t, f->sess, "PSEXESVC",
                                         "%SystemRoot%\\PSEXESVC.exe", "demand start", truth)) ||
            (rc = sw_tel_process_start(b->tel, t + 300, sys, 0, "C:\\Windows\\PSEXESVC.exe",
                                       "C:\\Windows\\PSEXESVC.exe", truth, &spid)))
            return rc;
        /* what PsExec was asked to run: its last argument */
        {
            const char *last = strrchr(cmdline, ' ');
            snprintf(child, sizeof child, "%s", last ? last + 1 : "cmd.exe");
        }
        {
            char img[512];
            sw_sim_event_t e2 = *ev;
            e2.tool = NULL;
            bridge_image(&e2, child, h->os_family, img, sizeof img);
            if ((rc = sw_tel_process_start(b->tel, t + 600, sys, spid, img, child, truth, &cpid)))
                return rc;
            f->sess = sys;
            f->shell_pid = cpid;
        }
        return 0;
    case REMOTE_WMI: {
        if (!win || sys == SW_NONE)
            return 0;
        if ((rc = sw_tel_process_start(
                 b->tel, t + 200, sys, 0, "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
                 "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", truth, &spid)))
            return rc;
        const char *q = strstr(cmdline, "call create");
        q = q ? q + 11 : "";
        while (*q == ' ' || *q == '"')
            q++;
        snprintf(child, sizeof child, "%s", q);
        size_t cl = strlen(child);
        if (cl && child[cl - 1] == '"')
            child[cl - 1] = 0;
        char img[512];
        sw_sim_event_t e2 = *ev;
        e2.tool = NULL;
        bridge_image(&e2, child, h->os_family, img, sizeof img);
        return sw_tel_process_start(b->tel, t + 500, f->sess, spid, img, child, truth, &cpid);
    }
    default:
        return 0; /* RDP / ssh: the logon is what the target sees */
    }
}

/* What the step's process did besides running: antivirus, files and keys
 * of its command line, traffic, web shell, encryption, tickets, and the
 * technique's own records (log cleared, service, task, account). pid is the
 * step's process. */
static int bridge_side_effects(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f,
                               unsigned fx, uint32_t pid, const char *image, const char *cmdline,
                               uint32_t truth)
{
    const sw_host_t *h = &b->w->hosts[ev->host];
    int win = h->os_family == SW_OSF_WINDOWS;
    int64_t t = ev->at_ms;
    int rc;
    if ((rc = bridge_av(b, ev, t + 500, pid, image, truth)))
        return rc;
    if (win && (rc = bridge_cmdline_fx(b, ev, t + 500, pid, cmdline, image, fx, truth)))
        return rc;
    if (fx & (FX_C2 | FX_EXFIL | FX_USER_EXEC)) {
        char dom[128], ip[48], path[256];
        bridge_c2_target(b, ev, cmdline, dom, sizeof dom, ip, sizeof ip, path, sizeof path);
        if ((rc = bridge_c2_traffic(
                 b, ev, t + 900, ev->host, pid, dom, ip, path, 443,
                 (fx & FX_EXFIL) ? 48000000 + (uint64_t)(ev->gt % 9) * 1000000 : 0, truth)))
            return rc;
    }
    if (fx & FX_WEBSHELL) {
        char shell[300];
        bridge_shell_path(cmdline, win, shell, sizeof shell);
        if (win && (rc = sw_tel_file_create(b->tel, t + 900, ev->host, pid, shell, truth)))
            return rc;
        if ((rc = bridge_server_proc(b, t, f, win, truth)) ||
            (rc = bridge_shell_installed(b, ev, f, shell, win, truth)))
            return rc;
    }
    if (fx & FX_ENCRYPT) {
        if (win && (rc = bridge_encrypt(b, ev, t + 500, pid, cmdline, truth)))
            return rc;
    }
    if ((fx & FX_KERBEROAST) && win) {
        uint32_t dc = sw_tel_org_role_host(b->tel, h->org, SW_ROLE_DOMAIN_CONTROLLER);
        static const char *const spns[] = {"MSSQLSvc/db01:1433", "HTTP/intranet", "svc_backup"};
        for (size_t i = 0; dc != SW_NONE && i < sizeof spns / sizeof spns[0]; i++)
            if ((rc = sw_tel_kerberos_tgs(b->tel, t + 1500 + (int64_t)i * 40, dc,
                                          ev->account ? ev->account : "user", spns[i], h->ip_text,
                                          0x17, truth)))
                return rc;
    }
    if (fx & FX_LOG_CLEAR) {
        /* the channel the command names (wevtutil cl X, Clear-EventLog
         * -LogName X), Security when it names none */
        char chan[64];
        arg_after(cmdline, " cl ", chan, sizeof chan);
        if (!chan[0])
            arg_after(cmdline, "-LogName", chan, sizeof chan);
        return sw_tel_log_clear(b->tel, t + 1000, f->sess, chan[0] ? chan : "Security", truth);
    }
    if (fx & FX_LOG_STOP)
        return sw_tel_logging_stop(b->tel, t + 1000, f->sess, SW_TEL_LOG_EVENTLOG, truth);
    if (fx & FX_SERVICE)
        return sw_tel_service_install(b->tel, t + 1000, f->sess, "WinSvcHelper",
                                      "C:\\Users\\Public\\svchelper.exe", "auto start", truth);
    if (fx & FX_TASK)
        return sw_tel_task_create(b->tel, t + 1000, f->sess, pid, "\\Microsoft\\Windows\\Update",
                                  image, NULL, truth);
    if (fx & FX_ACCOUNT)
        return win ? sw_tel_account_created(b->tel, t + 1000, f->sess,
                                            ev->account ? ev->account : "svc-mon", truth)
                   : 0;
    return 0;
}

/* A Windows or Linux host: session, shell, process, side effects. */
static int bridge_host(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f, unsigned fx,
                       uint32_t truth)
{
    const sw_host_t *h = &b->w->hosts[ev->host];
    int win = h->os_family == SW_OSF_WINDOWS;
    int64_t t = ev->at_ms;
    int rc;
    const char *cmdline = bridge_cmdline(ev->procedure);
    if ((fx & FX_PHISH) && (rc = bridge_phish_mail(b, ev, truth)))
        return rc;
    if (f->sess == SW_NONE) {
        if (!ev->account) {
            f->sess = sw_tel_system_session(b->tel, ev->host);
        } else {
            int type = !bridge_is_lateral(ev) ? SW_TEL_LOGON_INTERACTIVE
                       : (ev->technique && !strncmp(ev->technique, "T1021.001", 9))
                           ? SW_TEL_LOGON_REMOTE_INTERACTIVE
                           : SW_TEL_LOGON_NETWORK;
            sw_tel_session_t s = SW_NONE;
            /* a lure runs in the user's own logon: that logon is not the
             * attacker's doing */
            uint32_t logon_truth = (fx & FX_USER_EXEC) ? 0 : truth;
            if ((rc = sw_tel_logon(b->tel, t, ev->host, bridge_user(b->w, ev->host, ev->account),
                                   ev->account, type, bridge_is_lateral(ev) ? ev->src_ip : NULL,
                                   logon_truth, &s)))
                return rc;
            f->sess = s;
        }
        if (f->sess == SW_NONE)
            return 0;
    }
    remote_t remote = bridge_remote_kind(ev, cmdline);
    if (remote != REMOTE_NONE && bridge_is_lateral(ev)) {
        int crc;
        int on_src = bridge_client_side(b, ev, cmdline, truth, &crc);
        if (crc)
            return crc;
        if (on_src)
            return bridge_remote_target(b, ev, f, remote, cmdline, truth);
    }
    char image[512];
    bridge_image(ev, cmdline, h->os_family, image, sizeof image);
    if (fx & FX_EXPLOIT) {
        /* the attacker's own tool (curl) ran on their machine: the target
         * sees the request, and its web server spawning a shell */
        if ((rc = bridge_exploit_request(b, ev, f, cmdline, truth)) ||
            (rc = bridge_server_proc(b, t, f, win, truth)))
            return rc;
        f->shell_pid = 0;
        return bridge_shell(b, t + 400, f, win, truth);
    }
    if (f->shell_uri[0]) {
        /* a command through the web shell: the request, then the server's child */
        if ((rc = bridge_shell_request(b, ev, f, t - 300, truth)))
            return rc;
        f->shell_pid = 0;
    }
    int runs_shell = win ? (strstr(image, "powershell.exe") || strstr(image, "cmd.exe")) : 0;
    uint32_t parent_pid = 0;
    const char *lure_app = (fx & FX_USER_EXEC) && win ? bridge_lure_app(ev->procedure) : NULL;
    if (lure_app) {
        /* the user opened the document: Office runs, and runs the payload */
        if ((rc = sw_tel_process_start(b->tel, t, f->sess, 0, lure_app, lure_app, truth,
                                       &parent_pid)))
            return rc;
    } else if ((fx & FX_USER_EXEC) && win) {
        parent_pid = 0; /* explorer: the session's shell */
    } else if (!runs_shell || f->shell_uri[0]) {
        if ((rc = bridge_shell(b, t, f, win, truth)))
            return rc;
        parent_pid = f->shell_pid;
    }
    uint32_t pid = 0;
    if ((rc = sw_tel_process_start(b->tel, t + 500, f->sess, parent_pid, image,
                                   cmdline ? cmdline : image, truth, &pid)))
        return rc;
    if (runs_shell && !f->shell_uri[0])
        f->shell_pid = pid;
    return bridge_side_effects(b, ev, f, fx, pid, image, cmdline, truth);
}

static int bridge_step(sw_tel_bridge_t *b, const sw_sim_event_t *ev)
{
    if (ev->host == SW_NONE || ev->host >= b->w->n_hosts)
        return 0;
    uint32_t truth = ev->gt == SW_NONE ? SW_NONE : ev->gt + 1;
    const sw_host_t *h = &b->w->hosts[ev->host];
    unsigned fx = bridge_fx(ev->technique);
    int rc = bridge_conn(b, ev, bridge_cmdline(ev->procedure), truth);
    if (rc)
        return rc;
    b->n_steps++;
    if (ev->outcome != SW_OUT_SUCCESS) {
        /* what sensors log of an attempt: the connection, the lure that
         * arrived, a failed logon */
        if ((fx & FX_PHISH) && h->os_family != SW_OSF_NETWORK)
            return bridge_phish_mail(b, ev, truth);
        if (!(fx & FX_LATERAL) || !ev->account)
            return 0;
        if (h->os_family == SW_OSF_NETWORK)
            return sw_tel_router_login(b->tel, ev->at_ms, ev->host, ev->account, ev->src_ip, 0,
                                       truth);
        return sw_tel_logon_failed(b->tel, ev->at_ms, ev->host, ev->account,
                                   bridge_is_lateral(ev) ? SW_TEL_LOGON_NETWORK
                                                         : SW_TEL_LOGON_INTERACTIVE,
                                   ev->src_ip, truth);
    }
    foothold_t *f = bridge_foothold(b, ev->adversary, ev->host);
    if (!f)
        return SW_ENOMEM;
    if (h->os_family == SW_OSF_NETWORK)
        return bridge_device(b, ev, f, fx, truth);
    return bridge_host(b, ev, f, fx, truth);
}

/* The edge routers that carry an organisation's international link l, with
 * the interface index of l among their org's transit links; calls fn. */
static int bridge_link(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int up)
{
    const sw_world_t *w = b->w;
    int rc;
    for (uint32_t o = 0; o < w->n_orgs; o++) {
        const sw_idlist_t *lists[2] = {&w->orgs[o].intl_primary, &w->orgs[o].intl_backup};
        for (int k = 0; k < 2; k++)
            for (uint32_t i = 0; i < lists[k]->n; i++) {
                if (lists[k]->ids[i] != ev->link)
                    continue;
                uint32_t r = sw_tel_org_role_host(b->tel, o, SW_ROLE_EDGE_ROUTER);
                if (r == SW_NONE)
                    r = sw_tel_org_role_host(b->tel, o, SW_ROLE_INTL_GATEWAY);
                if (r == SW_NONE)
                    continue;
                char ifname[48], peer[24];
                snprintf(ifname, sizeof ifname, "GigabitEthernet0/0/%u", (unsigned)(k * 2 + i));
                snprintf(peer, sizeof peer, "192.0.2.%u", 1 + (unsigned)(ev->link % 250));
                if ((rc = sw_tel_link_state(b->tel, ev->at_ms, r, ifname, peer, up, 0)))
                    return rc;
            }
    }
    return 0;
}

/* The defenders move an organisation's transit to its backup link: the
 * NOC's change on each edge router of the orgs the command covers (the
 * backup neighbour preferred), as the router logs it. */
static int bridge_failover(sw_tel_bridge_t *b, const sw_sim_event_t *ev)
{
    const sw_world_t *w = b->w;
    int rc;
    for (uint32_t o = 0; o < w->n_orgs; o++) {
        if (ev->org != SW_NONE ? o != ev->org : w->orgs[o].team != ev->team)
            continue;
        if (!w->orgs[o].intl_backup.n)
            continue;
        uint32_t r = sw_tel_org_role_host(b->tel, o, SW_ROLE_EDGE_ROUTER);
        if (r == SW_NONE)
            continue;
        char what[160];
        snprintf(what, sizeof what,
                 "router bgp 64512 ; neighbor 192.0.2.%u weight 200 ; clear ip bgp * soft",
                 1 + (unsigned)(w->orgs[o].intl_backup.ids[0] % 250));
        if ((rc = sw_tel_router_login(b->tel, ev->at_ms, r, "noc", NULL, 1, 0)) ||
            (rc = sw_tel_router_config_change(b->tel, ev->at_ms + 20000, r, "noc", NULL, what, 0)))
            return rc;
    }
    return 0;
}

/* A defender's action, a host's power, its isolation: what the sensors see. */
static int bridge_world_event(sw_tel_bridge_t *b, const sw_sim_event_t *ev)
{
    int valid_host = ev->host != SW_NONE && ev->host < b->w->n_hosts;
    switch (ev->type) {
    case SW_SEV_ACTION:
        if (ev->action == SW_ACT_ENHANCED_LOGGING && valid_host)
            return sw_tel_enhanced_logging(b->tel, ev->at_ms, ev->host);
        if (ev->action == SW_ACT_FAILOVER)
            return bridge_failover(b, ev);
        return 0;
    case SW_SEV_HOST_DOWN:
        return valid_host ? sw_tel_host_down(b->tel, ev->at_ms, ev->host, ev->detail, 0) : 0;
    case SW_SEV_HOST_UP:
        if (!valid_host)
            return 0;
        /* a boot ends every session: the attacker logs on again */
        for (uint32_t i = 0; i < b->n_fh; i++)
            if (b->fh[i].host == ev->host) {
                b->fh[i].sess = SW_NONE;
                b->fh[i].shell_pid = b->fh[i].server_pid = 0;
                b->fh[i].logged_in = 0;
            }
        return sw_tel_host_up(b->tel, ev->at_ms, ev->host, 0);
    case SW_SEV_HOST_ISOLATED:
    case SW_SEV_HOST_RELEASED:
        return valid_host ? sw_tel_host_isolate(b->tel, ev->host, ev->type == SW_SEV_HOST_ISOLATED)
                          : 0;
    case SW_SEV_LINK_DOWN:
    case SW_SEV_LINK_UP:
        return ev->link < b->w->n_links ? bridge_link(b, ev, ev->type == SW_SEV_LINK_UP) : 0;
    case SW_SEV_C2_UP:
        if (valid_host && ev->adversary < b->w->n_adversaries) {
            /* the implant's first beacon */
            uint32_t truth = ev->cause == SW_NONE ? 0 : ev->cause + 1;
            char ip[48];
            snprintf(ip, sizeof ip, "%s", ev->dst_ip ? ev->dst_ip : "203.0.113.7");
            /* the beacon comes from the implant: the foothold's shell */
            uint32_t pid = 0;
            for (uint32_t i = 0; i < b->n_fh; i++)
                if (b->fh[i].adversary == ev->adversary && b->fh[i].host == ev->host &&
                    b->fh[i].shell_pid &&
                    sw_tel_process_alive(b->tel, ev->host, b->fh[i].shell_pid))
                    pid = b->fh[i].shell_pid;
            return bridge_c2_traffic(b, ev, ev->at_ms, ev->host, pid, ev->domain, ip, "/",
                                     ev->dst_port, 0, truth);
        }
        return 0;
    case SW_SEV_EXFIL:
        if (valid_host && ev->dst_ip && ev->value > 0) {
            uint32_t truth = ev->gt == SW_NONE ? 0 : ev->gt + 1;
            return bridge_c2_traffic(b, ev, ev->at_ms + 5000, ev->host, 0, NULL, ev->dst_ip, NULL,
                                     443, (uint64_t)(ev->value * 1e6), truth);
        }
        return 0;
    default:
        return 0;
    }
}

int sw_tel_bridge_event(sw_tel_bridge_t *b, const sw_sim_event_t *ev)
{
    int rc = sw_tel_bridge_advance(b, ev->at_ms);
    if (rc)
        return rc;
    if (ev->type == SW_SEV_STEP)
        return bridge_step(b, ev);
    if (ev->type == SW_SEV_FOOTHOLD_LOST && ev->host < b->w->n_hosts) {
        /* the foothold is gone: the next one logs on again */
        for (uint32_t i = 0; i < b->n_fh; i++)
            if (b->fh[i].adversary == ev->adversary && b->fh[i].host == ev->host) {
                b->fh[i].sess = SW_NONE;
                b->fh[i].shell_pid = 0;
                b->fh[i].logged_in = 0;
                b->fh[i].shell_uri[0] = 0;
            }
        return 0;
    }
    return bridge_world_event(b, ev);
}

void sw_tel_bridge_sim_cb(const sw_sim_event_t *ev, void *ud)
{
    sw_tel_bridge_t *b = ud;
    if (!b->error)
        b->error = sw_tel_bridge_event(b, ev);
}
