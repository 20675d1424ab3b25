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
#include "core/rng.h"
#include "scenario/procedure.h"
#include "telemetry/bridge_int.h"

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
    free(b->q);
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

/* Background up to t_ms (consecutive windows). */
static int bg_to(sw_tel_bridge_t *b, int64_t t_ms)
{
    if (!b->bg || t_ms <= b->bg_ms)
        return 0;
    int rc = sw_tel_background_run(b->bg, b->bg_ms, t_ms);
    b->bg_ms = t_ms;
    return rc;
}

static int burst_run(sw_tel_bridge_t *b, const burst_cmd_t *c);

/* ---- the burst queue: a min-heap on (t_ms, seq) ------------------------------ */

static int q_less(const burst_cmd_t *x, const burst_cmd_t *y)
{
    return x->t_ms < y->t_ms || (x->t_ms == y->t_ms && x->seq < y->seq);
}

static int q_push(sw_tel_bridge_t *b, burst_cmd_t *c)
{
    if (b->n_q == b->cap_q) {
        uint32_t ncap = b->cap_q ? b->cap_q * 2 : 64;
        if (ncap > SW_TEL_BRIDGE_MAX_QUEUE)
            return SW_ETOOBIG;
        burst_cmd_t *n = realloc(b->q, ncap * sizeof *n);
        if (!n)
            return SW_ENOMEM;
        b->q = n;
        b->cap_q = ncap;
    }
    c->seq = b->q_seq++;
    uint32_t i = b->n_q++;
    while (i > 0 && q_less(c, &b->q[(i - 1) / 2])) {
        b->q[i] = b->q[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    b->q[i] = *c;
    return 0;
}

static void q_pop(sw_tel_bridge_t *b, burst_cmd_t *out)
{
    *out = b->q[0];
    burst_cmd_t last = b->q[--b->n_q];
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        const burst_cmd_t *mv = &last;
        if (l < b->n_q && q_less(&b->q[l], mv))
            m = l, mv = &b->q[l];
        if (r < b->n_q && q_less(&b->q[r], mv))
            m = r;
        if (m == i)
            break;
        b->q[i] = b->q[m];
        i = m;
    }
    if (b->n_q)
        b->q[i] = last;
}

/* Background and queued burst commands up to t_ms, in time order (design
 * note 6): chunking the advance differently gives the same records. */
int sw_tel_bridge_advance(sw_tel_bridge_t *b, int64_t t_ms)
{
    int rc;
    while (b->n_q && b->q[0].t_ms < t_ms) {
        burst_cmd_t c;
        q_pop(b, &c);
        if ((rc = bg_to(b, c.t_ms)) || (rc = burst_run(b, &c)))
            return rc;
    }
    return bg_to(b, t_ms);
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

sw_tel_session_t bridge_session_of(const sw_tel_bridge_t *b, uint32_t adv, uint32_t host)
{
    for (uint32_t i = 0; i < b->n_fh; i++)
        if (b->fh[i].adversary == adv && b->fh[i].host == host)
            return b->fh[i].sess;
    return SW_NONE;
}

/* The account a step's records name: the credential's, except that the
 * krbtgt hash is used to forge tickets, not to log on: holding it, the
 * actor logs on as one of the domain's administrators. */
static const char *step_account(const sw_tel_bridge_t *b, uint32_t host, const char *account)
{
    if (!account || strcmp(account, "krbtgt") || host >= b->w->n_hosts)
        return account;
    const sw_world_t *w = b->w;
    uint32_t org = w->hosts[host].org;
    for (uint32_t u = 0; u < w->n_users; u++)
        if (w->users[u].org == org && w->users[u].domain_admin && w->users[u].account)
            return w->users[u].account;
    return "Administrator";
}

/* The foothold is gone (a reboot, a lost foothold): its next step logs on
 * again, and the burst commands queued for it are dropped. */
static void foothold_reset(foothold_t *f)
{
    f->sess = SW_NONE;
    f->shell_pid = 0;
    f->logged_in = 0;
    f->gen++;
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

/* The world user with this account in the host's organisation, or SW_NONE
 * (a local or unknown account). O(users). */
uint32_t bridge_user(const sw_world_t *w, uint32_t host, const char *account)
{
    for (uint32_t u = 0; u < w->n_users; u++)
        if (w->users[u].org == w->hosts[host].org && w->users[u].account &&
            !strcmp(w->users[u].account, account))
            return u;
    return SW_NONE;
}

enum { BURST_NONE, BURST_FIRST, BURST_NEXT }; /* a step's command in a burst, or not */

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
        if (sg->needle && !bridge_ci_contains(cmdline, sg->needle) &&
            !bridge_ci_contains(ev->tool, sg->needle))
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
void bridge_c2_target(const sw_tel_bridge_t *b, const sw_sim_event_t *ev, const char *cmdline,
                      char *dom, size_t dn, char *ip, size_t ipn, char *path, size_t pn)
{
    const sw_adversary_t *a =
        ev->adversary < b->w->n_adversaries ? &b->w->adversaries[ev->adversary] : NULL;
    bridge_url_host(cmdline, dom, dn, path, pn);
    if (!dom[0] && bridge_ci_contains(cmdline, "mega:"))
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
int bridge_c2_traffic(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t host,
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
    bridge_url_host(cmdline, host, sizeof host, path, sizeof path);
    snprintf(f->attacker_ip, sizeof f->attacker_ip, "%s", ev->src_ip ? ev->src_ip : "203.0.113.45");
    return sw_tel_web_request(
        b->tel, ev->at_ms, ev->host, f->attacker_ip,
        bridge_ci_contains(cmdline, " -d ") ? "POST" : "GET", path[0] ? path : "/", 200, 612,
        bridge_ci_contains(ev->tool, "curl") ? "curl/8.4.0" : "python-requests/2.31.0", truth);
}

/* Where the web shell file goes: the command line's .aspx/.cgi/.php/.jsp,
 * else a usual hiding place. */
static void bridge_shell_path(const char *cmdline, int win, char *shell, size_t n)
{
    bridge_token_ending(cmdline, win ? ".aspx" : ".cgi", shell, n);
    if (!shell[0])
        bridge_token_ending(cmdline, ".php", shell, n);
    if (!shell[0])
        bridge_token_ending(cmdline, ".jsp", shell, n);
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

/* The account "ssh user@host" or "ssh -l user host" logs on as, into out
 * ("" when cmd is not an SSH client). */
static void ssh_client_user(const char *cmd, char *out, size_t n)
{
    out[0] = 0;
    if (!cmd || strncmp(cmd, "ssh ", 4))
        return;
    const char *l = strstr(cmd, " -l ");
    if (l) {
        l += 4;
        snprintf(out, n, "%.*s", (int)strcspn(l, " "), l);
        return;
    }
    for (const char *p = cmd + 4; *p; p += strcspn(p, " ")) {
        p += strspn(p, " ");
        size_t w = strcspn(p, " ");
        const char *at = memchr(p, '@', w);
        if (at && *p != '-') {
            snprintf(out, n, "%.*s", (int)(at - p), p);
            return;
        }
    }
    snprintf(out, n, "admin");
}

/* The device's first administrator account, "admin" when it lists none. */
static const char *device_admin(const sw_world_t *w, uint32_t host)
{
    const sw_host_t *h = &w->hosts[host];
    for (uint32_t i = 0; i < h->n_accounts; i++)
        if (h->accounts[i].admin && h->accounts[i].name)
            return h->accounts[i].name;
    return "admin";
}

/* Network device: login once per foothold (an SSH client command is a login
 * of its own), then the change, by the session's account and from its
 * source; a hidden implant shows only as an unexplained reload. */
static int bridge_device(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f, unsigned fx,
                         uint32_t truth)
{
    const char *user = ev->account      ? ev->account
                       : f->dev_user[0] ? f->dev_user
                                        : device_admin(b->w, ev->host);
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
    char ssh_user[64];
    ssh_client_user(cmdline, ssh_user, sizeof ssh_user);
    if (ssh_user[0] && !ev->account)
        user = ssh_user;
    if (!f->logged_in || ssh_user[0]) {
        if ((rc = sw_tel_router_login(b->tel, t, ev->host, user, ev->src_ip, 1, truth)))
            return rc;
        f->logged_in = 1;
        snprintf(f->dev_user, sizeof f->dev_user, "%s", user);
        snprintf(f->dev_src, sizeof f->dev_src, "%s", ev->src_ip ? ev->src_ip : "");
        if (ssh_user[0])
            return 0; /* the login is the command */
    }
    const char *src = f->dev_src[0] ? f->dev_src : ev->src_ip;
    /* every command, as AAA command accounting records them (the Cisco
     * records Sigma's cisco/aaa rules read) */
    const char *cmd = bridge_cmdline(ev->procedure);
    if ((rc = sw_tel_router_config_change(b->tel, t + 1000, ev->host, user, src, cmd, truth)))
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
/* A lure that came in an archive ("a.rar -> b.scr -> cmd ..."): the user
 * unpacks it and explorer writes what was inside (Sysmon 11), where the
 * command runs it from, else in the user's Downloads. */
static int bridge_lure_unpacked(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t,
                                const char *cmdline, uint32_t truth)
{
    static const char *const archives[] = {".zip", ".rar", ".7z", ".iso", ".img"};
    const char *p = ev->procedure, *a1 = p ? strstr(p, " -> ") : NULL;
    const char *a2 = a1 ? strstr(a1 + 4, " -> ") : NULL;
    if (!a2)
        return 0;
    char first[256], inner[256], path[512];
    snprintf(first, sizeof first, "%.*s", (int)(a1 - p), p);
    snprintf(inner, sizeof inner, "%.*s", (int)(a2 - a1 - 4), a1 + 4);
    int archive = 0;
    for (size_t i = 0; i < sizeof archives / sizeof archives[0]; i++)
        archive |= bridge_ci_contains(first, archives[i]);
    if (!archive || !inner[0] || strchr(inner, ' '))
        return 0;
    const char *at = cmdline ? strstr(cmdline, inner) : NULL;
    if (at && at > cmdline && at[-1] == '\\') {
        const char *s = at;
        while (s > cmdline && s[-1] != ' ' && s[-1] != '"')
            s--;
        snprintf(path, sizeof path, "%.*s", (int)(at - s + strlen(inner)), s);
    } else {
        snprintf(path, sizeof path, "C:\\Users\\%s\\Downloads\\%s",
                 ev->account ? ev->account : "Public", inner);
    }
    uint32_t explorer = sw_tel_find_process(b->tel, ev->host, "explorer.exe");
    return explorer ? sw_tel_file_create(b->tel, t, ev->host, explorer, path, truth) : 0;
}

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
    if (bridge_ci_contains(seg, ".lnk"))
        return NULL; /* a shortcut: explorer runs it */
    for (size_t i = 0; i < sizeof apps / sizeof apps[0]; i++)
        if (bridge_ci_contains(seg, apps[i].ext))
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

/* Remote execution tools: the client on the source, the server side on
 * the target. */
typedef enum { REMOTE_NONE, REMOTE_PSEXEC, REMOTE_WMI, REMOTE_CLIENT } remote_t;

static remote_t bridge_remote_kind(const sw_sim_event_t *ev, const char *cmd)
{
    if (bridge_ci_contains(ev->tool, "psexec") || bridge_ci_contains(ev->tool, "paexec"))
        return REMOTE_PSEXEC;
    if ((bridge_ci_contains(ev->tool, "wmic") || bridge_ci_contains(cmd, "wmic")) &&
        bridge_ci_contains(cmd, "/node:") && bridge_ci_contains(cmd, "call create"))
        return REMOTE_WMI;
    if (bridge_ci_contains(ev->tool, "mstsc") || bridge_ci_contains(ev->tool, "xfreerdp") ||
        !strcmp(ev->tool ? ev->tool : "", "ssh"))
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
    bridge_image(ev->tool, cmd, sh->os_family, image, sizeof image);
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
                                       "C:\\Windows\\PSEXESVC.exe", truth, &spid)) ||
            (rc = sw_tel_pipe(b->tel, t + 350, ev->host, spid, "\\PSEXESVC", 0, truth)))
            return rc;
        /* what PsExec was asked to run: its last argument */
        {
            const char *last = strrchr(cmdline, ' ');
            snprintf(child, sizeof child, "%s", last ? last + 1 : "cmd.exe");
        }
        {
            char img[512];
            bridge_image(NULL, child, h->os_family, img, sizeof img);
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
        bridge_image(NULL, child, h->os_family, img, sizeof img);
        return sw_tel_process_start(b->tel, t + 500, f->sess, spid, img, child, truth, &cpid);
    }
    default:
        return 0; /* RDP / ssh: the logon is what the target sees */
    }
}

/* What the step's process did besides running: antivirus, files and keys
 * of its command line, traffic, web shell, encryption, tickets, and the
 * technique's own records (log cleared, service, task, account). pid is the
 * step's process, started at t + 500 (after the logon that opened its
 * session, when the step needed one). */
static int bridge_side_effects(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f,
                               int64_t t, unsigned fx, uint32_t pid, const char *image,
                               const char *cmdline, uint32_t truth)
{
    const sw_host_t *h = &b->w->hosts[ev->host];
    int win = h->os_family == SW_OSF_WINDOWS;
    int rc;
    if ((rc = bridge_av(b, ev, t + 500, pid, image, truth)))
        return rc;
    if ((rc = bridge_cmdline_fx(b, ev, t + 500, pid, cmdline, image, fx, truth)))
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
        if (win && (rc = bridge_encrypt(b, ev, t + 500, pid, image, cmdline, truth)))
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
        bridge_arg_after(cmdline, " cl ", chan, sizeof chan);
        if (!chan[0])
            bridge_arg_after(cmdline, "-LogName", chan, sizeof chan);
        return sw_tel_log_clear(b->tel, t + 1000, f->sess, chan[0] ? chan : "Security", truth);
    }
    if (fx & FX_LOG_STOP)
        return sw_tel_logging_stop(b->tel, t + 1000, f->sess, SW_TEL_LOG_EVENTLOG, truth);
    if (fx & FX_SERVICE) {
        /* "sc create NAME binPath= X": the name and image it gives */
        char name[96] = "", bin[300] = "";
        bridge_arg_after(cmdline, "create", name, sizeof name);
        bridge_arg_after(cmdline, "binPath=", bin, sizeof bin);
        return sw_tel_service_install(b->tel, t + 1000, f->sess, name[0] ? name : "WinSvcHelper",
                                      bin[0] ? bin : "C:\\Users\\Public\\svchelper.exe",
                                      "auto start", truth);
    }
    if (fx & FX_TASK) {
        /* "schtasks /create /tn NAME /tr CMD": the task and what it runs */
        char name[128] = "", run[300] = "";
        bridge_arg_after(cmdline, "/tn", name, sizeof name);
        bridge_arg_after(cmdline, "/tr", run, sizeof run);
        return sw_tel_task_create(b->tel, t + 1000, f->sess, pid,
                                  name[0] ? name : "\\Microsoft\\Windows\\Update",
                                  run[0] ? run : image, NULL, truth);
    }
    if (fx & FX_ACCOUNT)
        return win ? sw_tel_account_created(b->tel, t + 1000, f->sess,
                                            ev->account ? ev->account : "svc-mon", truth)
                   : 0;
    return 0;
}

/* A Windows or Linux host: session, shell, process, side effects. */
static int bridge_host(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f, unsigned fx,
                       uint32_t truth, int burst)
{
    const sw_host_t *h = &b->w->hosts[ev->host];
    int win = h->os_family == SW_OSF_WINDOWS;
    int64_t t = ev->at_ms;
    int rc;
    const char *cmdline = bridge_cmdline(ev->procedure);
    if ((fx & FX_PHISH) && burst != BURST_NEXT && (rc = bridge_phish_mail(b, ev, truth)))
        return rc;
    if (f->sess == SW_NONE) {
        if (!ev->account) {
            f->sess = sw_tel_system_session(b->tel, ev->host);
        } else {
            int rdp = (ev->technique && !strncmp(ev->technique, "T1021.001", 9)) ||
                      bridge_ci_contains(ev->tool, "mstsc") || bridge_ci_contains(ev->tool, "rdp");
            int type = !bridge_is_lateral(ev) ? SW_TEL_LOGON_INTERACTIVE
                       : rdp                  ? SW_TEL_LOGON_REMOTE_INTERACTIVE
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
            /* the desktop comes up before anything runs in it (a lure
             * opens in the desktop its user already has) */
            if (!(fx & FX_USER_EXEC))
                t += 1500;
        }
        if (f->sess == SW_NONE)
            return 0;
    }
    remote_t remote = bridge_remote_kind(ev, cmdline);
    if (remote != REMOTE_NONE && bridge_is_lateral(ev)) {
        /* the client on the source when the adversary holds it (not from an
         * appliance or the internet); the target sees its own side */
        int crc;
        bridge_client_side(b, ev, cmdline, truth, &crc);
        if (crc)
            return crc;
        return bridge_remote_target(b, ev, f, remote, cmdline, truth);
    }
    char image[512];
    bridge_image(ev->tool, cmdline, h->os_family, image, sizeof image);
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
    const char *base = strrchr(image, '\\') ? strrchr(image, '\\') + 1 : image;
    int runs_shell = win && (!strcasecmp(base, "powershell.exe") || !strcasecmp(base, "cmd.exe"));
    /* in a burst, "cmd.exe /C x" and "powershell -c x" run one command and
     * exit, children of the operator's shell */
    int oneshot = burst && (!runs_shell || bridge_ci_contains(cmdline, " /c ") ||
                            bridge_ci_contains(cmdline, " -c ") ||
                            bridge_ci_contains(cmdline, " -command ") ||
                            bridge_ci_contains(cmdline, " -enc"));
    if (oneshot)
        runs_shell = 0;
    uint32_t parent_pid = 0;
    const char *lure_app = (fx & FX_USER_EXEC) && win ? bridge_lure_app(ev->procedure) : NULL;
    if (lure_app) {
        /* the user opened the document: Office runs, and runs the payload */
        if ((rc = sw_tel_process_start(b->tel, t, f->sess, 0, lure_app, lure_app, truth,
                                       &parent_pid)))
            return rc;
    } else if ((fx & FX_USER_EXEC) && win) {
        parent_pid = 0; /* explorer: the session's shell */
        if ((rc = bridge_lure_unpacked(b, ev, t + 100, cmdline, truth)))
            return rc;
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
    if ((rc = bridge_side_effects(b, ev, f, t, fx, pid, image, cmdline, truth)))
        return rc;
    if (!oneshot)
        return 0;
    /* the command is done: a second or two, longer for a script */
    int64_t life = 700 + (int64_t)((ev->gt * 7919u + (uint32_t)t) % 2300u);
    if (bridge_ci_contains(image, "powershell"))
        life += 2500;
    return sw_tel_process_end(b->tel, t + 500 + life, ev->host, pid, truth);
}

static int bridge_step(sw_tel_bridge_t *b, const sw_sim_event_t *ev0)
{
    if (ev0->host == SW_NONE || ev0->host >= b->w->n_hosts)
        return 0;
    if (sw_proc_count(ev0->procedure) > 1) {
        b->n_steps++; /* a burst: its commands were queued when it started */
        return 0;
    }
    /* the scenario's names in place of the procedure's placeholders */
    char proc[4096];
    sw_sim_event_t evx = *ev0;
    const sw_sim_event_t *ev = &evx;
    evx.account = step_account(b, ev0->host, ev0->account);
    if (ev0->procedure) {
        /* a single command: without its technique annotation */
        const char *cur = ev0->procedure;
        int line = 0;
        sw_proc_line_t l;
        if (sw_proc_next(&cur, &line, &l))
            bridge_expand(b, &evx, l.cmd, l.cmd_len, proc, sizeof proc);
        else
            proc[0] = 0;
        evx.procedure = proc;
    }
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
    return bridge_host(b, ev, f, fx, truth, BURST_NONE);
}

/* ---- bursts (several commands in one step) ---------------------------------- */

#define BURST_MAX 128 /* commands of one step run; more are not */

/* When each of a burst's n commands runs, from the step's start: the first
 * after the operator has typed it, then a few seconds to half a minute
 * apart, and every five to nine commands a pause while the output is read;
 * squeezed into nine tenths of the step when longer. Deterministic in gt. */
static void burst_pacing(uint32_t gt, int n, int64_t dur, int64_t *off)
{
    uint64_t h = sw_hash64(&gt, sizeof gt, 0x6275727374ULL);
    int64_t t = 15000 + (int64_t)(h % 40000);
    int next_pause = 5 + (int)((h >> 20) % 5);
    for (int i = 0; i < n; i++) {
        off[i] = t;
        uint64_t k = sw_hash64(&i, sizeof i, h);
        int64_t gap = 2500 + (int64_t)(k % 22000);
        if (i + 1 == next_pause) {
            gap += 45000 + (int64_t)((k >> 16) % 150000);
            next_pause += 5 + (int)((k >> 40) % 5);
        }
        t += gap;
    }
    int64_t budget = dur * 9 / 10;
    if (n > 0 && off[n - 1] > budget && off[n - 1] > 0)
        for (int i = 0; i < n; i++)
            off[i] = off[i] * budget / off[n - 1];
}

/* A burst step starts: queue each of its commands at its time (its
 * duration is the event's value). */
static int bridge_step_start(sw_tel_bridge_t *b, const sw_sim_event_t *ev)
{
    if (ev->host == SW_NONE || ev->host >= b->w->n_hosts)
        return 0;
    int n = sw_proc_count(ev->procedure);
    if (n <= 1)
        return 0;
    if (n > BURST_MAX)
        n = BURST_MAX;
    foothold_t *f = bridge_foothold(b, ev->adversary, ev->host);
    if (!f)
        return SW_ENOMEM;
    int64_t off[BURST_MAX];
    burst_pacing(ev->gt, n, (int64_t)ev->value, off);
    const char *cur = ev->procedure;
    int line = 0, rc;
    sw_proc_line_t l;
    for (int i = 0; i < n && sw_proc_next(&cur, &line, &l); i++) {
        burst_cmd_t c;
        memset(&c, 0, sizeof c);
        c.t_ms = ev->at_ms + off[i];
        c.fh = (uint32_t)(f - b->fh);
        c.fh_gen = f->gen;
        c.adversary = ev->adversary;
        c.host = ev->host;
        c.src_host = ev->src_host;
        c.gt = ev->gt;
        c.step = ev->step;
        c.port = ev->dst_port;
        c.first = i == 0;
        c.technique = ev->technique;
        c.cmd = l.cmd;
        c.cmd_len = (uint32_t)l.cmd_len;
        snprintf(c.line_tech, sizeof c.line_tech, "%.*s", (int)l.tech_len, l.tech);
        const char *acct = step_account(b, ev->host, ev->account);
        snprintf(c.account, sizeof c.account, "%s", acct ? acct : "");
        snprintf(c.src_ip, sizeof c.src_ip, "%s", ev->src_ip ? ev->src_ip : "");
        snprintf(c.dst_ip, sizeof c.dst_ip, "%s", ev->dst_ip ? ev->dst_ip : "");
        if ((rc = q_push(b, &c)))
            return rc;
    }
    return 0;
}

/* One command of a burst, when its time comes: a step of its own (its
 * technique the line's annotation, else the step's), under the burst's
 * foothold, unless that foothold was lost since. */
static int burst_run(sw_tel_bridge_t *b, const burst_cmd_t *c)
{
    if (c->fh >= b->n_fh || b->fh[c->fh].gen != c->fh_gen || c->host >= b->w->n_hosts)
        return 0;
    const sw_host_t *h = &b->w->hosts[c->host];
    sw_sim_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SW_SEV_STEP;
    ev.at_ms = c->t_ms;
    ev.team = h->team;
    ev.org = h->org;
    ev.host = c->host;
    ev.src_host = c->src_host;
    ev.adversary = c->adversary;
    ev.step = c->step;
    ev.gt = c->gt;
    ev.outcome = SW_OUT_SUCCESS;
    ev.technique = c->line_tech[0] ? c->line_tech : c->technique;
    ev.account = c->account[0] ? c->account : NULL;
    ev.src_ip = c->src_ip[0] ? c->src_ip : NULL;
    ev.dst_ip = c->dst_ip[0] ? c->dst_ip : NULL;
    ev.dst_port = c->port;
    char cmd[4096];
    bridge_expand(b, &ev, c->cmd, c->cmd_len, cmd, sizeof cmd);
    ev.procedure = cmd;
    uint32_t truth = c->gt == SW_NONE ? SW_NONE : c->gt + 1;
    unsigned fx = bridge_fx(ev.technique);
    int rc;
    if (c->first && (rc = bridge_conn(b, &ev, cmd, truth)))
        return rc;
    foothold_t *f = &b->fh[c->fh];
    int burst = c->first ? BURST_FIRST : BURST_NEXT;
    if (h->os_family == SW_OSF_NETWORK)
        return bridge_device(b, &ev, f, fx, truth);
    return bridge_host(b, &ev, f, fx, truth, burst);
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
        if (!valid_host)
            return 0;
        for (uint32_t i = 0; i < b->n_fh; i++) /* the burst there stops */
            if (b->fh[i].host == ev->host)
                b->fh[i].gen++;
        return sw_tel_host_down(b->tel, ev->at_ms, ev->host, ev->detail, 0);
    case SW_SEV_HOST_UP:
        if (!valid_host)
            return 0;
        /* a boot ends every session: the attacker logs on again */
        for (uint32_t i = 0; i < b->n_fh; i++)
            if (b->fh[i].host == ev->host) {
                foothold_reset(&b->fh[i]);
                b->fh[i].server_pid = 0;
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
    if (ev->type == SW_SEV_STEP_START)
        return bridge_step_start(b, ev);
    if (ev->type == SW_SEV_FOOTHOLD_LOST && ev->host < b->w->n_hosts) {
        /* the foothold is gone: the next one logs on again */
        for (uint32_t i = 0; i < b->n_fh; i++)
            if (b->fh[i].adversary == ev->adversary && b->fh[i].host == ev->host) {
                foothold_reset(&b->fh[i]);
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
