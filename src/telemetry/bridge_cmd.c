/* bridge_cmd.c — what an adversary's command line says about its records:
 * the image it runs, the scenario's names behind its placeholders, and what
 * the command does besides starting a process (files, registry values,
 * process access, child processes, connections and logons elsewhere).
 *
 * Design notes
 *  1. Recognised from the command line, whatever the step's technique says:
 *     the same ntdsutil, rundll32 comsvcs.dll or "reg save" leaves the same
 *     records in any playbook, as it does on a real host.
 *  2. Names come from the step's world (bridge_expand): "{dc}" is the
 *     domain controller of the target's organisation, "{account}" the
 *     account the step uses, so a hunter reads the exercise's real host and
 *     account names in every record.
 *  3. A UNC path to a host of the world is a connection to its port 445 and
 *     a network logon there, as the admin share really costs.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "scenario/procedure.h"
#include "telemetry/bridge_int.h"

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
    "cmd.exe",      "rundll32.exe",  "ldifde.exe",     "ntdsutil.exe", "netsh.exe",
    "mstsc.exe",    "reg.exe",       "schtasks.exe",   "sc.exe",       "whoami.exe",
    "net.exe",      "net1.exe",      "nltest.exe",     "vssadmin.exe", "wevtutil.exe",
    "certutil.exe", "bitsadmin.exe", "bcdedit.exe",    "wbadmin.exe",  "tasklist.exe",
    "ipconfig.exe", "auditpol.exe",  "cscript.exe",    "wscript.exe",  "mshta.exe",
    "regsvr32.exe", "curl.exe",      "systeminfo.exe", "netstat.exe",  "arp.exe",
    "ping.exe",     "route.exe",     "hostname.exe",   "nslookup.exe", "findstr.exe",
    "xcopy.exe",    "robocopy.exe",  "dnscmd.exe",     "csvde.exe",    "dsquery.exe",
    "esentutl.exe", "klist.exe",     "setspn.exe",     "gpresult.exe", "query.exe",
    "quser.exe",    "qwinsta.exe",   "taskkill.exe",   "fsutil.exe",   "icacls.exe",
    "tar.exe",      "msiexec.exe",   "timeout.exe",    "tracert.exe",  "conhost.exe",
};
#define PS_PATH "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"

/* ---- small string helpers ------------------------------------------------- */

/* The first place needle occurs in hay, case-insensitive, or NULL. */
static const char *ci_find(const char *hay, const char *needle)
{
    if (!hay || !needle)
        return NULL;
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return p;
    }
    return NULL;
}

int bridge_ci_contains(const char *hay, const char *needle)
{
    return ci_find(hay, needle) != NULL;
}

void bridge_arg_after(const char *cmd, const char *key, char *out, size_t n)
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

void bridge_url_host(const char *cmd, char *out, size_t n, char *path, size_t pn)
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

void bridge_token_ending(const char *cmd, const char *ext, char *out, size_t n)
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

/* The token after the first occurrence of key (a switch like "-o"), quotes
 * kept out: "-OutFile 'C:\x y.txt'" gives C:\x y.txt. */
static void quoted_after(const char *cmd, const char *key, char *out, size_t n)
{
    out[0] = 0;
    const char *p = cmd;
    size_t kl = strlen(key);
    for (; p && *p; p++) {
        if (strncasecmp(p, key, kl) || (p > cmd && !isspace((unsigned char)p[-1])) ||
            !isspace((unsigned char)p[kl]))
            continue;
        p += kl;
        while (*p == ' ')
            p++;
        char q = (*p == '"' || *p == '\'') ? *p++ : 0;
        size_t len = q ? strcspn(p, q == '"' ? "\"" : "'") : strcspn(p, " \t\"';|");
        if (len >= n)
            len = n - 1;
        memcpy(out, p, len);
        out[len] = 0;
        return;
    }
}

static const char *base_name(const char *path)
{
    const char *b = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/')
            b = p + 1;
    return b;
}

/* ---- images ------------------------------------------------------------------ */

void bridge_image(const char *t, const char *cmdline, sw_os_family_t osf, char *out, size_t n)
{
    char tool[128] = "";
    size_t len;
    if (t && *t) {
        len = strlen(t);
    } else {
        t = cmdline ? cmdline : "";
        if (*t == '"') {
            t++;
            len = strcspn(t, "\"");
        } else {
            len = strcspn(t, " \t");
        }
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
        size_t tl = strlen(tool);
        if (!strncasecmp(tool, "wmic", 4) && (tl == 4 || !strcasecmp(tool + 4, ".exe"))) {
            snprintf(out, n, "C:\\Windows\\System32\\wbem\\WMIC.exe");
            return;
        }
        if (!strncasecmp(tool, "powershell", 10) && (tl == 10 || !strcasecmp(tool + 10, ".exe"))) {
            snprintf(out, n, PS_PATH);
            return;
        }
        for (size_t i = 0; i < sizeof win_system32 / sizeof win_system32[0]; i++)
            if (!strncasecmp(tool, win_system32[i], tl) &&
                (ext ? win_system32[i][tl] == 0 : win_system32[i][tl] == '.')) {
                snprintf(out, n, "C:\\Windows\\System32\\%s", win_system32[i]);
                return;
            }
        snprintf(out, n, "C:\\Users\\Public\\%s%s", tool, suffix);
    } else {
        snprintf(out, n, "/usr/bin/%s", tool[0] ? tool : "sh");
    }
}

/* ---- placeholders (design note 2) ------------------------------------------- */

/* The first host of `role` in org, else in the org's team, else SW_NONE. */
static uint32_t role_host(const sw_world_t *w, uint32_t org, sw_role_t role)
{
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t h = 0; h < w->n_hosts; h++) {
            const sw_host_t *x = &w->hosts[h];
            if (x->role != role)
                continue;
            if (pass == 0 ? x->org == org
                          : org < w->n_orgs && x->org < w->n_orgs &&
                                w->orgs[x->org].team == w->orgs[org].team)
                return h;
        }
    return SW_NONE;
}

/* A user of org: the one at host (when host is their workstation), else the
 * first who is (admin) or is not (!admin) a domain administrator, else any. */
static uint32_t org_user(const sw_world_t *w, uint32_t org, uint32_t host, int admin)
{
    if (!admin)
        for (uint32_t u = 0; u < w->n_users; u++)
            if (w->users[u].workstation == host && w->users[u].org == org)
                return u;
    for (uint32_t u = 0; u < w->n_users; u++)
        if (w->users[u].org == org && (w->users[u].domain_admin != 0) == (admin != 0))
            return u;
    for (uint32_t u = 0; u < w->n_users; u++)
        if (w->users[u].org == org)
            return u;
    return SW_NONE;
}

static const char *host_name(const sw_world_t *w, uint32_t h, int ip)
{
    if (h == SW_NONE || h >= w->n_hosts)
        return ip ? "10.0.0.1" : "localhost";
    const sw_host_t *x = &w->hosts[h];
    if (ip)
        return x->ip_text ? x->ip_text : "10.0.0.1";
    return x->hostname ? x->hostname : x->id;
}

/* What placeholder name[0..len) stands for in ev's world, into v. */
static void placeholder_value(const sw_tel_bridge_t *b, const sw_sim_event_t *ev, const char *name,
                              size_t len, char *v, size_t vn)
{
    const sw_world_t *w = b->w;
    uint32_t host = ev->host < w->n_hosts ? ev->host : SW_NONE;
    uint32_t org = host != SW_NONE ? w->hosts[host].org : SW_NONE;
    const sw_adversary_t *a =
        ev->adversary < w->n_adversaries ? &w->adversaries[ev->adversary] : NULL;
#define IS(s) (len == sizeof(s) - 1 && !strncmp(name, s, len))
    v[0] = 0;
    if (IS("host") || IS("host_ip")) {
        snprintf(v, vn, "%s", host_name(w, host, IS("host_ip")));
    } else if (IS("src") || IS("src_ip")) {
        if (ev->src_host != SW_NONE && ev->src_host < w->n_hosts)
            snprintf(v, vn, "%s", host_name(w, ev->src_host, IS("src_ip")));
        else
            snprintf(v, vn, "%s", ev->src_ip ? ev->src_ip : "203.0.113.45");
    } else if (IS("dc") || IS("dc_ip")) {
        snprintf(v, vn, "%s",
                 host_name(w, role_host(w, org, SW_ROLE_DOMAIN_CONTROLLER), IS("dc_ip")));
    } else if (IS("fileserver") || IS("fileserver_ip")) {
        snprintf(v, vn, "%s",
                 host_name(w, role_host(w, org, SW_ROLE_FILE_SERVER), IS("fileserver_ip")));
    } else if (IS("domain") || IS("dns_domain")) {
        /* the domain of the host's directory: its org, else its team's DC's */
        uint32_t dc = role_host(w, org, SW_ROLE_DOMAIN_CONTROLLER);
        uint32_t dorg = dc != SW_NONE ? w->hosts[dc].org : org;
        snprintf(v, vn, "%s",
                 IS("domain") ? sw_tel_org_netbios(b->tel, dorg) : sw_tel_org_dns(b->tel, dorg));
    } else if (IS("account")) {
        uint32_t u = org_user(w, org, host, 1);
        snprintf(v, vn, "%s",
                 ev->account                           ? ev->account
                 : u != SW_NONE && w->users[u].account ? w->users[u].account
                                                       : "Administrator");
    } else if (IS("user") || IS("admin") || IS("user_ws") || IS("admin_ws")) {
        uint32_t u = org_user(w, org, host, name[0] == 'a');
        if (u == SW_NONE)
            snprintf(v, vn, "%s", name[0] == 'a' ? "Administrator" : "user");
        else if (len > 3 && name[len - 1] == 's')
            snprintf(v, vn, "%s", host_name(w, w->users[u].workstation, 0));
        else
            snprintf(v, vn, "%s", w->users[u].account ? w->users[u].account : "user");
    } else if (IS("c2") || IS("c2_alt")) {
        size_t k = IS("c2_alt") ? 1 : 0;
        if (a && a->c2_domains.n)
            snprintf(v, vn, "%s", a->c2_domains.s[k < a->c2_domains.n ? k : 0]);
        else
            snprintf(v, vn, "%s", "cdn-update.example");
    } else if (IS("c2_ip") || IS("c2_alt_ip")) {
        size_t k = IS("c2_alt_ip") ? 1 : 0;
        if (a && a->c2_ips.n)
            snprintf(v, vn, "%s", a->c2_ips.s[k < a->c2_ips.n ? k : 0]);
        else
            snprintf(v, vn, "%s", "203.0.113.45");
    } else if (IS("lsass_pid")) {
        uint32_t pid = host != SW_NONE ? sw_tel_find_process(b->tel, host, "lsass.exe") : 0;
        snprintf(v, vn, "%u", pid ? pid : 660u);
    } else if (IS("date")) {
        snprintf(v, vn, "%.10s", w->exercise.date ? w->exercise.date : "2026-03-10");
    } else if (len > 5 && !strncmp(name, "role:", 5)) {
        int ip = len > 8 && !strncmp(name + len - 3, ":ip", 3);
        size_t rl = len - 5 - (ip ? 3 : 0);
        for (int k = 0; k < SW_ROLE__COUNT; k++)
            if (strlen(sw_role_names[k]) == rl && !strncmp(name + 5, sw_role_names[k], rl))
                snprintf(v, vn, "%s", host_name(w, role_host(w, org, (sw_role_t)k), ip));
    }
#undef IS
}

void bridge_expand(const sw_tel_bridge_t *b, const sw_sim_event_t *ev, const char *cmd, size_t len,
                   char *out, size_t n)
{
    size_t o = 0;
    char buf[4096];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, cmd, len);
    buf[len] = 0;
    const char *p = buf, *a, *e;
    while (o + 1 < n && sw_proc_next_placeholder(p, &a, &e)) {
        size_t lit = (size_t)(a - 1 - p);
        if (lit > n - 1 - o)
            lit = n - 1 - o;
        memcpy(out + o, p, lit);
        o += lit;
        char v[256];
        if (sw_proc_placeholder_known(a, (size_t)(e - a)))
            placeholder_value(b, ev, a, (size_t)(e - a), v, sizeof v);
        else
            snprintf(v, sizeof v, "{%.*s}", (int)(e - a), a);
        size_t vl = strlen(v);
        if (vl > n - 1 - o)
            vl = n - 1 - o;
        memcpy(out + o, v, vl);
        o += vl;
        p = e + 1;
    }
    size_t rest = strlen(p);
    if (rest > n - 1 - o)
        rest = n - 1 - o;
    memcpy(out + o, p, rest);
    out[o + rest] = 0;
    /* "{{default}}": braces that are not a placeholder, one pair written */
    for (char *q = out; (q = strstr(q, "{{"));) {
        char *z = q + 2;
        while ((*z >= 'a' && *z <= 'z') || (*z >= '0' && *z <= '9') || *z == '_' || *z == '-')
            z++;
        if (z == q + 2 || strncmp(z, "}}", 2)) {
            q++;
            continue;
        }
        memmove(z + 1, z + 2, strlen(z + 2) + 1); /* the second closing brace */
        memmove(q, q + 1, strlen(q + 1) + 1);     /* the first opening one */
        q = z;
    }
}

/* ---- command-line effects ------------------------------------------------------- */

/* The world host a UNC or command-line name stands for (hostname or
 * address, case-insensitive), else SW_NONE. */
static uint32_t world_host(const sw_world_t *w, const char *name, size_t len)
{
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        const char *hn = w->hosts[h].hostname, *ip = w->hosts[h].ip_text;
        if ((hn && strlen(hn) == len && !strncasecmp(hn, name, len)) ||
            (ip && strlen(ip) == len && !strncmp(ip, name, len)))
            return h;
    }
    return SW_NONE;
}

/* Each other host of the world a UNC path of cmd names: an SMB connection
 * from pid to its port 445 and a network logon there with the step's
 * account (design note 3). At most three hosts per command. */
static int unc_fx(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                  const char *cmd, uint32_t truth)
{
    const sw_world_t *w = b->w;
    uint32_t seen[3];
    int n = 0, rc;
    for (const char *p = strstr(cmd, "\\\\"); p && n < 3; p = strstr(p + 2, "\\\\")) {
        const char *s = p + 2;
        size_t len = strcspn(s, "\\\"' \t/");
        if (!len || (len == 1 && *s == '?'))
            continue;
        uint32_t h = world_host(w, s, len);
        if (h == SW_NONE || h == ev->host)
            continue;
        int dup = 0;
        for (int i = 0; i < n; i++)
            dup |= seen[i] == h;
        if (dup)
            continue;
        seen[n++] = h;
        sw_tel_conn_t c = {.src_host = ev->host,
                           .dst_host = h,
                           .dst_port = 445,
                           .service = "smb",
                           .bytes_out = 3400 + (uint64_t)(ev->gt % 7) * 900,
                           .bytes_in = 22000 + (uint64_t)(ev->gt % 5) * 7000,
                           .duration_ms = 2200};
        if ((rc = sw_tel_net_conn(b->tel, t + 40, pid, &c, truth)))
            return rc;
        if (ev->account && w->hosts[h].os_family == SW_OSF_WINDOWS) {
            sw_tel_session_t ns = SW_NONE;
            if ((rc = sw_tel_logon(b->tel, t + 90, h, bridge_user(w, h, ev->account), ev->account,
                                   SW_TEL_LOGON_NETWORK, w->hosts[ev->host].ip_text, truth, &ns)))
                return rc;
            if (ns != SW_NONE && (rc = sw_tel_logoff(b->tel, t + 2600, ns, truth)))
                return rc;
        }
    }
    return 0;
}

/* The file a Windows command writes, if it says: a redirection, -o /
 * -OutFile / Out-File, reg save, an archive, a copy's destination. */
static void written_file(const char *cmd, const char *image, char *out, size_t n)
{
    char a[400];
    out[0] = 0;
    const char *base = base_name(image);
    /* "cmd /c x > C:\path", "1> \\127.0.0.1\ADMIN$\__123 2>&1" */
    const char *r = strchr(cmd, '>');
    while (r && r[1] == '&')
        r = strchr(r + 1, '>');
    if (r) {
        const char *p = r + 1;
        while (*p == '>' || *p == ' ')
            p++;
        if (*p == '"')
            p++;
        size_t len = strcspn(p, " \"|&");
        if (len && len < sizeof a) {
            memcpy(a, p, len);
            a[len] = 0;
            if (!strncasecmp(a, "\\\\127.0.0.1\\ADMIN$\\", 19))
                snprintf(out, n, "C:\\Windows\\%s", a + 19);
            else if (strchr(a, '\\'))
                snprintf(out, n, "%s", a);
            if (out[0])
                return;
        }
    }
    quoted_after(cmd, "-OutFile", a, sizeof a);
    if (!a[0])
        quoted_after(cmd, "Out-File", a, sizeof a);
    if (!a[0])
        quoted_after(cmd, "-FilePath", a, sizeof a);
    if (!a[0] && (!strcasecmp(base, "curl.exe") || !strcasecmp(base, "certutil.exe")))
        quoted_after(cmd, "-o", a, sizeof a);
    if (a[0]) {
        snprintf(out, n, "%s", a);
        return;
    }
    if (bridge_ci_contains(cmd, "reg") && bridge_ci_contains(cmd, " save ")) {
        /* reg save HKLM\SYSTEM C:\Windows\Temp\SYSTEM: the last token */
        const char *last = strrchr(cmd, ' ');
        if (last && strchr(last, '\\'))
            snprintf(out, n, "%s", last + 1);
        return;
    }
    static const char *const arch[] = {".7z", ".zip", ".rar", ".gif", ".evtx", ".tgz", ".cab"};
    for (size_t i = 0; i < sizeof arch / sizeof arch[0]; i++) {
        bridge_token_ending(cmd, arch[i], a, sizeof a);
        if (a[0] && strchr(a, '\\')) {
            snprintf(out, n, "%s", a);
            return;
        }
    }
    /* copy / xcopy / move / esentutl /d: the destination, the last path
     * argument; a local one only (a copy to another host's share is
     * written there) */
    if (bridge_ci_contains(cmd, "copy ") || bridge_ci_contains(cmd, "move ") ||
        bridge_ci_contains(cmd, "esentutl")) {
        char args[8][320];
        int na = 0;
        for (const char *p = cmd; *p && na < 8;) {
            while (*p == ' ')
                p++;
            if (!*p)
                break;
            size_t len;
            if (*p == '"') {
                p++;
                len = strcspn(p, "\"");
            } else {
                len = strcspn(p, " ");
            }
            if (*p != '/' && len < sizeof args[0]) /* switches are not paths */
                snprintf(args[na++], sizeof args[0], "%.*s", (int)len, p);
            p += len;
            if (*p == '"')
                p++;
        }
        if (na < 3)
            return;
        const char *dst = args[na - 1], *src = args[na - 2];
        if (!isalpha((unsigned char)dst[0]) || dst[1] != ':' || dst[2] != '\\')
            return;
        size_t dl = strlen(dst);
        if (dst[dl - 1] != '\\') {
            snprintf(out, n, "%.300s", dst);
            return;
        }
        /* a folder: the file keeps its name (a wildcard copies files like it) */
        const char *sb = base_name(src);
        const char *star = strchr(sb, '*');
        if (star)
            snprintf(out, n, "%.300s%.*sdrawing-0001%.40s", dst, (int)(star - sb), sb, star + 1);
        else
            snprintf(out, n, "%.300s%.120s", dst, sb);
    }
}

/* The file a Linux command writes: a redirection, -o / -O. */
static void written_file_linux(const char *cmd, char *out, size_t n)
{
    char a[300];
    out[0] = 0;
    const char *r = strrchr(cmd, '>');
    if (r) {
        const char *p = r + 1;
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ;|&'\"");
        if (len && *p == '/') {
            snprintf(out, n, "%.*s", (int)(len < 280 ? len : 280), p);
            return;
        }
    }
    quoted_after(cmd, "-o", a, sizeof a);
    if (!a[0])
        quoted_after(cmd, "-O", a, sizeof a);
    if (!a[0]) {
        bridge_token_ending(cmd, ".tgz", a, sizeof a);
        if (!a[0])
            bridge_token_ending(cmd, ".tar.gz", a, sizeof a);
    }
    if (a[0] == '/')
        snprintf(out, n, "%s", a);
}

/* Credential dumping of lsass: the dumping module loaded and the process
 * access Sysmon 10 records (the mask the tool really asks for). */
static int lsass_fx(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                    const char *cmd, const char *image, uint32_t truth)
{
    const char *base = base_name(image);
    unsigned mask = 0;
    const char *dll = NULL;
    if (bridge_ci_contains(cmd, "comsvcs") && bridge_ci_contains(cmd, "minidump")) {
        mask = 0x1fffff;
        dll = "C:\\Windows\\System32\\comsvcs.dll";
    } else if (bridge_ci_contains(base, "procdump") && bridge_ci_contains(cmd, "lsass")) {
        mask = 0x1fffff;
        dll = "C:\\Windows\\System32\\dbgcore.dll";
    } else if (bridge_ci_contains(cmd, "sekurlsa") || bridge_ci_contains(base, "mimikatz")) {
        mask = 0x1010;
    } else {
        return 0;
    }
    int rc;
    if (dll && (rc = sw_tel_image_load(b->tel, t + 150, ev->host, pid, dll, truth)))
        return rc;
    uint32_t lsass = sw_tel_find_process(b->tel, ev->host, "lsass.exe");
    if (!lsass)
        return 0;
    return sw_tel_process_access(b->tel, t + 400, ev->host, pid, lsass, mask, NULL, truth);
}

/* net.exe hands its work to net1.exe, as Windows does. */
static int net1_fx(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                   const char *cmd, const char *image, uint32_t truth)
{
    if (strcasecmp(base_name(image), "net.exe"))
        return 0;
    static const char *const verbs[] = {" user",  " group", " localgroup", " accounts",
                                        " start", " share", " session",    " use"};
    const char *v = NULL;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0] && !v; i++) {
        const char *p = ci_find(cmd, verbs[i]);
        if (p && (!p[strlen(verbs[i])] || p[strlen(verbs[i])] == ' '))
            v = p;
    }
    if (!v)
        return 0;
    char c1[1024];
    snprintf(c1, sizeof c1, "C:\\Windows\\system32\\net1 %s", v);
    sw_tel_session_t s = bridge_session_of(b, ev->adversary, ev->host);
    uint32_t child = 0;
    int rc;
    if (s == SW_NONE)
        return 0;
    if ((rc = sw_tel_process_start(b->tel, t + 30, s, pid, "C:\\Windows\\System32\\net1.exe", c1,
                                   truth, &child)))
        return rc;
    return sw_tel_process_end(b->tel, t + 180, ev->host, child, truth);
}

/* cmd.exe's built-in commands: they start no process of their own. */
static int cmd_builtin(const char *w, size_t n)
{
    static const char *const builtins[] = {"mkdir", "md",    "cd",    "chdir",  "echo",  "type",
                                           "dir",   "copy",  "move",  "del",    "erase", "rd",
                                           "rmdir", "set",   "ren",   "rename", "cls",   "ver",
                                           "vol",   "title", "pushd", "popd",   "exit"};
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strlen(builtins[i]) == n && !strncasecmp(w, builtins[i], n))
            return 1;
    return 0;
}

/* Start cmdline on host in session s under parent at t, as Windows would:
 * its own process, and for "cmd.exe /c A & B" each of A and B that is a
 * program (not a built-in) as a child of that cmd.exe. The last process
 * started is in *last. */
static int run_child(sw_tel_bridge_t *b, uint32_t host, sw_tel_session_t s, uint32_t parent,
                     int64_t t, const char *cmdline, uint32_t truth, uint32_t *last)
{
    char image[512];
    bridge_image(NULL, cmdline, b->w->hosts[host].os_family, image, sizeof image);
    uint32_t pid = 0;
    int rc = sw_tel_process_start(b->tel, t, s, parent, image, cmdline, truth, &pid);
    if (rc)
        return rc;
    *last = pid;
    const char *c = ci_find(cmdline, "cmd.exe /c ");
    if (!c)
        c = ci_find(cmdline, "cmd /c ");
    if (!c || strcasecmp(base_name(image), "cmd.exe"))
        return 0;
    c = strchr(c, '/') + 3;
    char part[1024];
    for (int k = 0; *c && k < 8; k++) {
        size_t len = strcspn(c, "&");
        while (len && c[len - 1] == ' ')
            len--;
        while (*c == ' ' && len)
            c++, len--;
        snprintf(part, sizeof part, "%.*s", (int)(len < 1000 ? len : 1000), c);
        char *redir = strchr(part, '>'); /* cmd.exe does the redirection */
        if (redir) {
            while (redir > part && (redir[-1] == ' ' || redir[-1] == '1' || redir[-1] == '2'))
                redir--;
            *redir = 0;
        }
        size_t w = strcspn(part, " ");
        if (part[0] && !cmd_builtin(part, w)) {
            uint32_t child = 0;
            bridge_image(NULL, part, b->w->hosts[host].os_family, image, sizeof image);
            if ((rc = sw_tel_process_start(b->tel, t + 200 + k * 300, s, pid, image, part, truth,
                                           &child)))
                return rc;
            *last = child;
        }
        c += strcspn(c, "&");
        while (*c == '&' || *c == ' ')
            c++;
    }
    return 0;
}

/* wmic ... process call create "X": WmiPrvSE.exe starts X (on the host
 * /node: names, after a connection to its RPC port and a network logon
 * there, else locally in the caller's session). */
static int wmi_fx(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                  const char *cmd, const char *image, uint32_t truth)
{
    if (strcasecmp(base_name(image), "wmic.exe") || !bridge_ci_contains(cmd, "call create"))
        return 0;
    const sw_world_t *w = b->w;
    uint32_t target = ev->host;
    char node[128];
    bridge_arg_after(cmd, "/node:", node, sizeof node);
    if (node[0]) {
        target = world_host(w, node, strlen(node));
        if (target == SW_NONE)
            return 0;
    }
    if (w->hosts[target].os_family != SW_OSF_WINDOWS)
        return 0;
    int rc;
    sw_tel_session_t s = bridge_session_of(b, ev->adversary, ev->host);
    if (target != ev->host) {
        sw_tel_conn_t c = {.src_host = ev->host,
                           .dst_host = target,
                           .dst_port = 135,
                           .bytes_out = 6200,
                           .bytes_in = 4100,
                           .duration_ms = 900};
        if ((rc = sw_tel_net_conn(b->tel, t + 60, pid, &c, truth)))
            return rc;
        s = SW_NONE;
        const char *acct = ev->account ? ev->account : "Administrator";
        if ((rc = sw_tel_logon(b->tel, t + 120, target, bridge_user(w, target, acct), acct,
                               SW_TEL_LOGON_NETWORK, w->hosts[ev->host].ip_text, truth, &s)))
            return rc;
    }
    if (s == SW_NONE)
        return 0;
    uint32_t prv = sw_tel_find_process(b->tel, target, "wmiprvse.exe");
    if (!prv) {
        sw_tel_session_t sys = sw_tel_system_session(b->tel, target);
        if ((rc = sw_tel_process_start(
                 b->tel, t + 200, sys, 0, "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
                 "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", truth, &prv)))
            return rc;
    }
    /* the command, its quotes and escaped quotes taken off */
    const char *q = ci_find(cmd, "call create") + 11;
    while (*q == ' ')
        q++;
    char child[1024];
    size_t o = 0;
    int quoted = *q == '"';
    if (quoted)
        q++;
    for (; *q && o + 1 < sizeof child; q++) {
        if (q[0] == '\\' && q[1] == '"') {
            child[o++] = '"';
            q++;
            continue;
        }
        if (quoted && *q == '"')
            break;
        child[o++] = *q;
    }
    child[o] = 0;
    uint32_t last;
    return child[0] ? run_child(b, target, s, prv, t + 400, child, truth, &last) : 0;
}

int bridge_cmdline_fx(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                      const char *cmd, const char *image, unsigned fx, uint32_t truth)
{
    uint32_t host = ev->host;
    char a[400], c[256], path[600], val[300];
    int rc;
    if (!cmd)
        return 0;
    int win = b->w->hosts[host].os_family == SW_OSF_WINDOWS;
    /* downloads and uploads to the adversary's infrastructure */
    if (strstr(cmd, "://") &&
        (bridge_ci_contains(cmd, "certutil") || bridge_ci_contains(cmd, "curl") ||
         bridge_ci_contains(cmd, "wget") || bridge_ci_contains(cmd, "Invoke-WebRequest") ||
         bridge_ci_contains(cmd, "iwr ") || bridge_ci_contains(cmd, "bitsadmin") ||
         bridge_ci_contains(cmd, "DownloadString") || bridge_ci_contains(cmd, "DownloadFile")) &&
        !(fx & (FX_C2 | FX_EXFIL | FX_USER_EXEC | FX_EXPLOIT))) {
        char dom[128], ip[48], up[256];
        bridge_c2_target(b, ev, cmd, dom, sizeof dom, ip, sizeof ip, up, sizeof up);
        if ((rc = bridge_c2_traffic(b, ev, t + 200, host, pid, dom, ip, up,
                                    strstr(cmd, "http://") ? 80 : 443, 0, truth)))
            return rc;
    }
    if (!win) {
        written_file_linux(cmd, path, sizeof path);
        if (path[0] && (rc = sw_tel_file_create(b->tel, t + 700, host, pid, path, truth)))
            return rc;
        return 0;
    }
    if ((rc = net1_fx(b, ev, t, pid, cmd, image, truth)) ||
        (rc = lsass_fx(b, ev, t, pid, cmd, image, truth)) ||
        (rc = wmi_fx(b, ev, t, pid, cmd, image, truth)) || (rc = unc_fx(b, ev, t, pid, cmd, truth)))
        return rc;
    if (!strcasecmp(base_name(image), "powershell.exe") &&
        (rc = sw_tel_image_load(
             b->tel, t + 250, host, pid,
             "C:\\Windows\\assembly\\NativeImages_v4.0.30319_64\\System.Manaa57fc8cc#\\"
             "a2d5e3c8d0e2c4b1f3e4a5b6c7d8e9f0\\System.Management.Automation.ni.dll",
             truth)))
        return rc;
    if (bridge_ci_contains(cmd, "CopyFromScreen") &&
        (rc = sw_tel_image_load(b->tel, t + 320, host, pid, "C:\\Windows\\System32\\gdiplus.dll",
                                truth)))
        return rc;
    if (bridge_ci_contains(cmd, "ifm") && bridge_ci_contains(cmd, "create full")) {
        bridge_arg_after(cmd, "create full", a, sizeof a);
        if (!a[0])
            snprintf(a, sizeof a, "C:\\Windows\\Temp\\ifm");
        size_t al = strlen(a);
        while (al && a[al - 1] == '\\') /* "create full C:\x\" */
            a[--al] = 0;
        static const char *const parts[] = {"\\Active Directory\\ntds.dit",
                                            "\\Active Directory\\ntds.jfm", "\\registry\\SYSTEM",
                                            "\\registry\\SECURITY"};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            snprintf(path, sizeof path, "%s%s", a, parts[i]);
            if ((rc = sw_tel_file_create(b->tel, t + 2000 + (int64_t)i * 700, host, pid, path,
                                         truth)))
                return rc;
        }
    } else if (bridge_ci_contains(cmd, "ntds.dit") &&
               (bridge_ci_contains(cmd, "copy") ||
                bridge_ci_contains(cmd, "HarddiskVolumeShadowCopy"))) {
        bridge_token_ending(cmd, "ntds.dit", a, sizeof a);
        const char *dst =
            a[0] && !bridge_ci_contains(a, "ShadowCopy") ? a : "C:\\Windows\\Temp\\ntds.dit";
        if ((rc = sw_tel_file_create(b->tel, t + 1500, host, pid, dst, truth)))
            return rc;
    } else if (!bridge_ci_contains(cmd, "call create")) { /* wmic's redirect runs there */
        written_file(cmd, image, path, sizeof path);
        if (path[0] && (rc = sw_tel_file_create(b->tel, t + 900, host, pid, path, truth)))
            return rc;
    }
    bridge_token_ending(cmd, ".dmp", a, sizeof a);
    if (a[0] && (rc = sw_tel_file_create(b->tel, t + 1200, host, pid, a, truth)))
        return rc;
    if (bridge_ci_contains(cmd, "portproxy") && bridge_ci_contains(cmd, " add ")) {
        char lp[16], la[64], cp[16], ca[64];
        bridge_arg_after(cmd, "listenport=", lp, sizeof lp);
        bridge_arg_after(cmd, "listenaddress=", la, sizeof la);
        bridge_arg_after(cmd, "connectport=", cp, sizeof cp);
        bridge_arg_after(cmd, "connectaddress=", ca, sizeof ca);
        snprintf(path, sizeof path,
                 "HKLM\\SYSTEM\\CurrentControlSet\\Services\\PortProxy\\%s\\tcp\\%s/%s",
                 bridge_ci_contains(cmd, "v4tov6")   ? "v4tov6"
                 : bridge_ci_contains(cmd, "v6tov4") ? "v6tov4"
                 : bridge_ci_contains(cmd, "v6tov6") ? "v6tov6"
                                                     : "v4tov4",
                 la[0] ? la : "*", lp[0] ? lp : "0");
        snprintf(val, sizeof val, "%s/%s", ca[0] ? ca : "127.0.0.1", cp[0] ? cp : lp);
        if ((rc = sw_tel_registry_set(b->tel, t + 300, host, pid, path, val, truth)))
            return rc;
    }
    if ((fx & FX_RUNKEY) ||
        (bridge_ci_contains(cmd, "reg") && bridge_ci_contains(cmd, "\\CurrentVersion\\Run"))) {
        bridge_arg_after(cmd, "/v", a, sizeof a);
        bridge_arg_after(cmd, "/d", c, sizeof c);
        int hkcu = bridge_ci_contains(cmd, "HKCU");
        snprintf(path, sizeof path, "%s\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\%s",
                 hkcu ? "HKU\\S-1-5-21-1004336348-1177238915-682003330-1105" : "HKLM",
                 a[0] ? a : "OneDriveUpdate");
        if ((rc = sw_tel_registry_set(b->tel, t + 400, host, pid, path, c[0] ? c : image, truth)))
            return rc;
    }
    return 0;
}

/* The documents an encryptor or an archiver finds in each folder. */
static const char *const enc_files[] = {"budget_2026.xlsx",     "payroll_march.xlsx",
                                        "minutes_cabinet.docx", "tender_eval.pdf",
                                        "staff_list.xlsx",      "audit_report.docx"};

/* An archiver that deletes what it packs (7z a -sdel, rar a -df, zip -m):
 * the archive is written (the command line's written file), then each
 * original in the folder of its last argument ("Z:\*") is deleted. */
static int encrypt_by_archive(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                              const char *cmd, uint32_t truth)
{
    const char *last = cmd, *p = cmd;
    while ((p = strchr(p, ' '))) /* the last word: what is packed */
        last = ++p;
    char dir[300];
    size_t n = strcspn(last, " \"");
    const char *slash = NULL;
    for (const char *q = last; q < last + n; q++)
        if (*q == '\\')
            slash = q;
    if (!slash)
        return 0;
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - last), last);
    int64_t at = t + 2500;
    char path[400];
    for (size_t i = 0; i < sizeof enc_files / sizeof enc_files[0]; i++) {
        snprintf(path, sizeof path, "%s\\%s", dir, enc_files[i]);
        int rc = sw_tel_file_delete(b->tel, at, ev->host, pid, path, truth);
        if (rc)
            return rc;
        at += 180 + (int64_t)((ev->gt * 31u + (uint32_t)i * 17u) % 240u);
    }
    return 0;
}

int bridge_encrypt(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                   const char *image, const char *cmd, uint32_t truth)
{
    static const char *const dirs[] = {"C:\\Users\\Public\\Documents", "C:\\Shares\\Finance",
                                       "C:\\Shares\\HR", "C:\\Users\\Public\\Desktop"};
    const char *base = base_name(image);
    if (!strncasecmp(base, "7z", 2) || !strncasecmp(base, "rar", 3) ||
        !strncasecmp(base, "winrar", 6) || !strncasecmp(base, "zip", 3))
        return encrypt_by_archive(b, ev, t, pid, cmd ? cmd : "", truth);
    char ext[32], note[64], orig[400], path[440];
    bridge_arg_after(cmd, "-ext", ext, sizeof ext);
    bridge_arg_after(cmd, "-note", note, sizeof note);
    int rc;
    int64_t at = t + 3000;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        for (size_t i = 0; i < sizeof enc_files / sizeof enc_files[0]; i++) {
            /* renamed to the new extension (an EDR sees it), then rewritten
             * encrypted under that name (Sysmon 11) */
            snprintf(orig, sizeof orig, "%s\\%s", dirs[d], enc_files[i]);
            snprintf(path, sizeof path, "%s%s", orig, ext[0] ? ext : ".locked");
            if ((rc = sw_tel_file_rename(b->tel, at - 5, ev->host, pid, orig, path, truth)) ||
                (rc = sw_tel_file_create(b->tel, at, ev->host, pid, path, truth)))
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

int bridge_av(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
              const char *image, uint32_t truth)
{
    const sw_sensors_t *sn = &b->w->hosts[ev->host].sensors;
    if (!sn->av || sn->av_sig_age_days > AV_FRESH_DAYS)
        return 0;
    const char *base = base_name(image);
    for (size_t i = 0; i < sizeof av_threats / sizeof av_threats[0]; i++)
        if (bridge_ci_contains(base, av_threats[i].tool))
            return sw_tel_av_detection(b->tel, t + 700, ev->host, pid, av_threats[i].threat, image,
                                       "Quarantine", truth);
    return 0;
}
