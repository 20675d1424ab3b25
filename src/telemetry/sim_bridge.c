/* sim_bridge.c — adversary steps to the log records their activity leaves.
 *
 * Design notes
 *  1. One foothold per (adversary, host): the session the attacker's
 *     processes run under is opened by the first step on the host (4624 /
 *     sshd / router login) and kept, with the PID of the shell (cmd.exe or
 *     powershell.exe; /bin/sh) that later steps run under. A shell that died
 *     (a reboot, a logoff) is started again under the same session.
 *  2. truth = gt + 1 on every call: nonzero for attack records.
 *  3. What a step writes is data: os_paths maps a tool to its image path,
 *     technique_fx maps a technique prefix to its side effect. A failed or
 *     interrupted step still leaves what sensors log for an attempt: its
 *     network connection, and a failed logon for the logon-based techniques.
 *  4. A network device with a session-hiding implant (T1542) writes no
 *     logins or config changes for that adversary any more, only its odd
 *     reloads (sw_tel_router_reboot with no user and no reason).
 *  5. Time order: background activity due before an event is generated
 *     before the event's own records (bridge_catch_up).
 */
#include <stdio.h> /* snprintf only */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "telemetry/sim_bridge.h"

typedef struct foothold {
    uint32_t adversary, host;
    sw_tel_session_t sess; /* SW_NONE: none (network device) */
    uint32_t shell_pid;    /* 0: none yet */
    int hidden;            /* network device: implant hides its sessions */
    int logged_in;         /* network device: login written */
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

/* Side effects by technique (prefix match: "T1543" covers T1543.003). */
typedef enum {
    FX_NONE,
    FX_LOG_CLEAR, /* T1070.001 */
    FX_LOG_STOP,  /* T1562.002: event logging stopped */
    FX_SERVICE,   /* T1543.003, T1569.002 */
    FX_TASK,      /* T1053 */
    FX_ACCOUNT,   /* T1136 */
    FX_FIRMWARE,  /* T1542: hidden implant, odd reloads */
    FX_LATERAL,   /* logon-based: a failed attempt is a failed logon */
} fx_t;

static const struct {
    const char *prefix;
    fx_t fx;
} technique_fx[] = {
    {"T1070.001", FX_LOG_CLEAR}, {"T1562.002", FX_LOG_STOP}, {"T1543.003", FX_SERVICE},
    {"T1569.002", FX_SERVICE},   {"T1053", FX_TASK},         {"T1136", FX_ACCOUNT},
    {"T1542", FX_FIRMWARE},      {"T1078", FX_LATERAL},      {"T1021", FX_LATERAL},
    {"T1110", FX_LATERAL},
};

static fx_t bridge_fx(const char *technique)
{
    if (!technique)
        return FX_NONE;
    for (size_t i = 0; i < sizeof technique_fx / sizeof technique_fx[0]; i++)
        if (!strncmp(technique, technique_fx[i].prefix, strlen(technique_fx[i].prefix)))
            return technique_fx[i].fx;
    return FX_NONE;
}

/* Windows tools that live in System32 (the rest are dropped in Public). */
static const char *const win_system32[] = {
    "cmd.exe",      "powershell.exe", "rundll32.exe",  "ldifde.exe",   "ntdsutil.exe",
    "netsh.exe",    "mstsc.exe",      "reg.exe",       "schtasks.exe", "sc.exe",
    "whoami.exe",   "net.exe",        "net1.exe",      "nltest.exe",   "vssadmin.exe",
    "wevtutil.exe", "certutil.exe",   "bitsadmin.exe", "bcdedit.exe",  "wbadmin.exe",
    "tasklist.exe", "ipconfig.exe",   "auditpol.exe",  "cscript.exe",  "wscript.exe",
    "mshta.exe",    "regsvr32.exe",
};

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

/* The connection that carried the step (lateral or from the internet). */
static int bridge_conn(sw_tel_bridge_t *b, const sw_sim_event_t *ev, uint32_t truth)
{
    if (!ev->src_ip || !ev->dst_ip || !ev->dst_port || ev->src_host == ev->host)
        return 0;
    sw_tel_conn_t c = {0};
    c.src_host = ev->src_host;
    c.dst_host = ev->host;
    c.src_ip = ev->src_ip;
    c.dst_ip = ev->dst_ip;
    c.dst_port = ev->dst_port;
    c.bytes_out = 2048 + (uint64_t)(ev->gt % 7) * 512;
    c.bytes_in = 4096 + (uint64_t)(ev->gt % 5) * 1024;
    c.duration_ms = 1500;
    return sw_tel_net_conn(b->tel, ev->at_ms, 0, &c, truth);
}

/* Network device: login once per foothold, then the change; a hidden
 * implant shows only as an unexplained reload. */
static int bridge_device(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f, fx_t fx,
                         uint32_t truth)
{
    const char *user = ev->account ? ev->account : "admin";
    int64_t t = ev->at_ms;
    int rc;
    if (fx == FX_FIRMWARE) {
        f->hidden = 1;
        return sw_tel_router_reboot(b->tel, t, ev->host, NULL, NULL, truth);
    }
    if (f->hidden)
        return 0;
    if (!f->logged_in) {
        if ((rc = sw_tel_router_login(b->tel, t, ev->host, user, ev->src_ip, 1, truth)))
            return rc;
        f->logged_in = 1;
    }
    return sw_tel_router_config_change(b->tel, t + 1000, ev->host, user, ev->src_ip,
                                       bridge_cmdline(ev->procedure), truth);
}

/* A Windows or Linux host: session, shell, process, side effect. */
static int bridge_host(sw_tel_bridge_t *b, const sw_sim_event_t *ev, foothold_t *f, fx_t fx,
                       uint32_t truth)
{
    const sw_host_t *h = &b->w->hosts[ev->host];
    int win = h->os_family == SW_OSF_WINDOWS;
    int64_t t = ev->at_ms;
    int rc;
    if (f->sess == SW_NONE) {
        if (!ev->account) {
            f->sess = sw_tel_system_session(b->tel, ev->host);
        } else {
            int type = !bridge_is_lateral(ev) ? SW_TEL_LOGON_INTERACTIVE
                       : (ev->technique && !strncmp(ev->technique, "T1021.001", 9))
                           ? SW_TEL_LOGON_REMOTE_INTERACTIVE
                           : SW_TEL_LOGON_NETWORK;
            sw_tel_session_t s = SW_NONE;
            if ((rc = sw_tel_logon(b->tel, t, ev->host, bridge_user(b->w, ev->host, ev->account),
                                   ev->account, type, bridge_is_lateral(ev) ? ev->src_ip : NULL,
                                   truth, &s)))
                return rc;
            f->sess = s;
        }
        if (f->sess == SW_NONE)
            return 0;
    }
    const char *cmdline = bridge_cmdline(ev->procedure);
    char image[512];
    bridge_image(ev, cmdline, h->os_family, image, sizeof image);
    const char *shell_img = win ? "C:\\Windows\\System32\\cmd.exe" : "/bin/sh";
    int runs_shell = win ? (strstr(image, "powershell.exe") || strstr(image, "cmd.exe")) : 0;
    if (!runs_shell && (!f->shell_pid || !sw_tel_process_alive(b->tel, ev->host, f->shell_pid))) {
        uint32_t pid = 0;
        if ((rc = sw_tel_process_start(b->tel, t, f->sess, 0, shell_img,
                                       win ? "\"C:\\Windows\\System32\\cmd.exe\"" : "/bin/sh -i",
                                       truth, &pid)))
            return rc;
        f->shell_pid = pid;
    }
    uint32_t pid = 0;
    if ((rc = sw_tel_process_start(b->tel, t + 500, f->sess, runs_shell ? 0 : f->shell_pid, image,
                                   cmdline ? cmdline : image, truth, &pid)))
        return rc;
    if (runs_shell)
        f->shell_pid = pid;
    switch (fx) {
    case FX_LOG_CLEAR:
        return sw_tel_log_clear(b->tel, t + 1000, f->sess, "Security", truth);
    case FX_LOG_STOP:
        return sw_tel_logging_stop(b->tel, t + 1000, f->sess, SW_TEL_LOG_EVENTLOG, truth);
    case FX_SERVICE:
        return sw_tel_service_install(b->tel, t + 1000, f->sess, "WinSvcHelper",
                                      "C:\\Users\\Public\\svchelper.exe", "auto start", truth);
    case FX_TASK:
        return sw_tel_task_create(b->tel, t + 1000, f->sess, pid, "\\Microsoft\\Windows\\Update",
                                  image, NULL, truth);
    case FX_ACCOUNT:
        return win ? sw_tel_account_created(b->tel, t + 1000, f->sess,
                                            ev->account ? ev->account : "svc-mon", truth)
                   : 0;
    default:
        return 0;
    }
}

static int bridge_step(sw_tel_bridge_t *b, const sw_sim_event_t *ev)
{
    if (ev->host == SW_NONE || ev->host >= b->w->n_hosts)
        return 0;
    uint32_t truth = ev->gt == SW_NONE ? SW_NONE : ev->gt + 1;
    const sw_host_t *h = &b->w->hosts[ev->host];
    fx_t fx = bridge_fx(ev->technique);
    int rc = bridge_conn(b, ev, truth);
    if (rc)
        return rc;
    b->n_steps++;
    if (ev->outcome != SW_OUT_SUCCESS) {
        /* what sensors log of an attempt: the connection, a failed logon */
        if (fx != FX_LATERAL || !ev->account)
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
            }
    }
    return 0;
}

void sw_tel_bridge_sim_cb(const sw_sim_event_t *ev, void *ud)
{
    sw_tel_bridge_t *b = ud;
    if (!b->error)
        b->error = sw_tel_bridge_event(b, ev);
}
