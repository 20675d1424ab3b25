/* tel_linux.c — the records a Linux server writes: Sysmon for Linux
 * (Linux-Sysmon/Operational, the Windows Sysmon schema with Linux values),
 * auditd (SYSCALL and EXECVE records of each execve) and auth.log (sshd,
 * sudo) as Filebeat ships them, and ClamAV's detections. For the shared
 * activities telemetry.c keeps the state and calls the tel_lx_* parts.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "telemetry/tel_internal.h"

/* ---- 1. processes and boot ----------------------------------------------- */

/* Sysmon for Linux: the Windows event schema, written to syslog as XML by
 * the sysmon daemon; forwarded as JSON it has the same System block. */
static const tel_prov_t PROV_LSYSMON =
    TEL_PROV("Linux-Sysmon", "FF032593-A8D3-4F13-B0D6-01FC615A0F97", "Linux-Sysmon/Operational");

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
/* The record preamble of a Sysmon for Linux event: the System block as the
 * daemon writes it (the host name, not an FQDN; the daemon's own PID as the
 * thread), EventData opened with RuleName and UtcTime. */
static tel_out_t *lsysmon_head(sw_tel_t *tel, tel_host_t *h, int eid, int version, int64_t um)
{
    uint64_t recid = ++h->rec_sysmon;
    uint32_t spid = h->sysmon_pid ? h->sysmon_pid : 812;
    tel_out_t *o = tel_begin(tel);
    tel_raw(o, PROV_LSYSMON.head, PROV_LSYSMON.head_len);
    tel_i64(o, eid);
    TEL_LIT(o, ",\"Version\":");
    tel_i64(o, version);
    TEL_LIT(o, ",\"Level\":4,\"Task\":");
    tel_i64(o, eid);
    TEL_LIT(o, ",\"Opcode\":0,\"Keywords\":"
               "\"0x8000000000000000\",\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"");
    tel_ts(tel, o, um, 'T');
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
    tel_ts_utc(tel, o, um);
    return o;
}

static int emit_lsysmon1(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                         const tel_proc_t *pp, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_sess_t *s = &tel->sess[p->session];
    const tel_image_t *im = &tel->images[p->image];
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o = lsysmon_head(tel, h, 1, 5, um);
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
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 1, 6, t_ms, truth);
}

static int emit_auditd(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                       uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    const tel_sess_t *s = &tel->sess[p->session];
    const tel_image_t *im = &tel->images[p->image];
    int64_t um = tel_unix(tel, t_ms);
    uint64_t serial = ++h->audit_serial;
    for (int rec = 0; rec < 2; rec++) {
        tel_out_t *o = tel_ecs_host(tel, hi, um);
        TEL_LIT(o, "},\"type\":");
        tel_rawz(o, rec == 0 ? "\"SYSCALL\"" : "\"EXECVE\"");
        TEL_LIT(o, ",\"msg\":\"audit(");
        tel_i64(o, um / 1000);
        tel_ch(o, '.');
        tel_dec(o, tel_ms_of(um), 3);
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
                tel_sep(o);
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

int tel_lx_proc_started(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                        const tel_proc_t *pp, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int rc;
    if (tel_sees_lsysmon(h) && (rc = emit_lsysmon1(tel, hi, t_ms, p, pp, truth)))
        return rc;
    if (tel_sees_security(h) && (rc = emit_auditd(tel, hi, t_ms, p, truth)))
        return rc;
    return SW_OK;
}

/* init (before any sensor), the sysmon daemon, sshd and cron. */
int tel_lx_boot(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sys, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    int64_t um = tel_unix(tel, t_ms);
    int rc;
    tel->sess[sys].uid = 0;
    tel_proc_t *p;
    if ((rc = tel_proc_add(tel, hi, um, 1, 0, sys, "/usr/lib/systemd/systemd", "/sbin/init", &p)))
        return rc;
    (void)p;
    h->init_pid = 1;
    h->sysmon_pid = 0;
    if (h->s.sysmon) {
        /* the sysmon daemon (a systemd unit); its own start is before
         * its log, as on Windows */
        h->sysmon_on = 0;
        rc = tel_proc_start(tel, hi, t_ms + 800, sys, 1, "/opt/sysmon/sysmon",
                            "/opt/sysmon/sysmon -i /opt/sysmon/config.xml", truth, &h->sysmon_pid);
        h->sysmon_on = 1;
        if (rc)
            return rc;
    }
    if ((rc = tel_proc_start(tel, hi, t_ms + 900, sys, 1, "/usr/sbin/sshd",
                             "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", truth,
                             &h->sshd_pid)))
        return rc;
    return tel_proc_start(tel, hi, t_ms + 950, sys, 1, "/usr/sbin/cron", "/usr/sbin/cron -f -P",
                          truth, &h->cron_pid);
}

/* The process pid on host when Sysmon for Linux logs it, else NULL. */
static tel_proc_t *lsysmon_proc(sw_tel_t *tel, uint32_t hi, uint32_t pid)
{
    tel_host_t *h = &tel->hosts[hi];
    return tel_sees_lsysmon(h) ? tel_proc_find(h, pid) : NULL;
}

/* Sysmon for Linux 11: a file created (opened for writing anew). */
int tel_lx_file_create(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *path,
                       uint32_t truth)
{
    tel_proc_t *p = lsysmon_proc(tel, hi, pid);
    if (!p)
        return SW_OK;
    const tel_image_t *im = &tel->images[p->image];
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o = lsysmon_head(tel, &tel->hosts[hi], 11, 2, um);
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
    FS(o, "TargetFilename", path);
    KEY(o, "CreationUtcTime");
    tel_ts_utc(tel, o, um);
    KEY(o, "User");
    luser_field(o, &tel->sess[p->session]);
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 11, 6, t_ms, truth);
}

/* Sysmon for Linux 3: an outbound connection by pid. */
int tel_lx_net_conn(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const tel_flow_t *f,
                    uint32_t truth)
{
    tel_proc_t *p = lsysmon_proc(tel, hi, pid);
    if (!p)
        return SW_OK;
    const sw_tel_conn_t *c = f->c;
    const tel_image_t *im = &tel->images[p->image];
    tel_out_t *o = lsysmon_head(tel, &tel->hosts[hi], 3, 5, tel_unix(tel, t_ms));
    FR(o, "ProcessGuid", p->guid, 36);
    FN(o, "ProcessId", p->pid);
    FR(o, "Image", im->path_esc, im->path_esc_len);
    KEY(o, "User");
    luser_field(o, &tel->sess[p->session]);
    FS(o, "Protocol", c->udp ? "udp" : "tcp");
    FB(o, "Initiated", 1);
    FB(o, "SourceIsIpv6", 0);
    KEY(o, "SourceIp");
    tel_raw(o, f->src_q, f->src_q_len);
    KEY(o, "SourceHostname");
    tel_name(tel, o, hi);
    FN(o, "SourcePort", f->sport);
    FL(o, "SourcePortName", "-");
    FB(o, "DestinationIsIpv6", 0);
    KEY(o, "DestinationIp");
    tel_raw(o, f->dst_q, f->dst_q_len);
    FS(o, "DestinationHostname",
       c->dst_host != SW_NONE ? tel->w->hosts[c->dst_host].hostname
       : c->dst_name          ? c->dst_name
                              : "-");
    FN(o, "DestinationPort", f->dport);
    FS(o, "DestinationPortName", tel_port_name(f->dport));
    tel_win_tail(o, 0);
    return tel_emit(tel, hi, SW_TEL_SYSMON, 3, 6, t_ms, truth);
}

/* ---- 2. logons: auth.log ------------------------------------------------- */

/* One auth.log line (sshd, sudo) as Filebeat's system/auth module ships it. */
static int emit_auth(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *prog, uint32_t pid,
                     const char *action, int success, const char *user, const char *src_ip,
                     uint32_t src_port, const char *msg, uint32_t truth)
{
    tel_out_t *o = tel_ecs_host(tel, hi, tel_unix(tel, t_ms));
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

/* sshd's lines for sw_tel_logon's session sid, its privileged child and
 * the user's shell. */
int tel_lx_logon(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sid, const char *src_ip,
                 uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    tel_sess_t *s = &tel->sess[sid];
    int rc;
    uint32_t port = (uint32_t)sw_rng_range(&h->rng, 40000, 65000);
    uint32_t pid = tel_pid_new(h);
    char msg[512];
    snprintf(msg, sizeof msg,
             "Accepted publickey for %s from %s port %u ssh2: ED25519 SHA256:%08x%08x", s->account,
             src_ip ? src_ip : "127.0.0.1", port, (unsigned)sw_rng_next(&h->rng),
             (unsigned)sw_rng_next(&h->rng));
    if (tel_sees_security(h)) {
        if ((rc = emit_auth(tel, hi, t_ms, "sshd", pid, "ssh_login", 1, s->account, src_ip, port,
                            msg, truth)))
            return rc;
        snprintf(msg, sizeof msg,
                 "pam_unix(sshd:session): session opened for user %s(uid=%u) by (uid=0)",
                 s->account, s->uid);
        if ((rc = emit_auth(tel, hi, t_ms + 12, "sshd", pid, "session_opened", 1, s->account, NULL,
                            0, msg, truth)))
            return rc;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "sshd: %s [priv]", s->account);
    uint32_t priv;
    if ((rc = tel_proc_start(tel, hi, t_ms + 20, h->sys_sess, h->sshd_pid, "/usr/sbin/sshd", cmd,
                             truth, &priv)))
        return rc;
    return tel_proc_start(tel, hi, t_ms + 60, sid, priv, "/usr/bin/bash", "-bash", truth,
                          &s->shell_pid);
}

int tel_lx_logon_failed(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *account,
                        const char *src_ip, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    uint32_t port = (uint32_t)sw_rng_range(&h->rng, 40000, 65000);
    char msg[512];
    snprintf(msg, sizeof msg, "Failed password for %s from %s port %u ssh2", account,
             src_ip ? src_ip : "127.0.0.1", port);
    return emit_auth(tel, hi, t_ms, "sshd", tel_pid_new(h), "ssh_login", 0, account, src_ip, port,
                     msg, truth);
}

int tel_lx_logoff(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_sess_t *s, uint32_t truth)
{
    tel_host_t *h = &tel->hosts[hi];
    char msg[256];
    snprintf(msg, sizeof msg, "pam_unix(sshd:session): session closed for user %s", s->account);
    return emit_auth(tel, hi, t_ms + 5, "sshd", tel_pid_new(h), "session_closed", 1, s->account,
                     NULL, 0, msg, truth);
}

int sw_tel_sudo(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t sid, const char *command,
                uint32_t truth)
{
    tel_sess_t *s;
    tel_host_t *h;
    if (tel_sess_enter(tel, sid, &s, &h) || !command)
        return SW_EINVAL;
    uint32_t hi = s->host;
    if (!h->linux_)
        return SW_EINVAL;
    int rc;
    uint32_t sudo_pid = 0;
    if ((rc = tel_proc_start(tel, hi, t_ms, sid, tel_parent_for(tel, s, 0), "/usr/bin/sudo",
                             command, truth, &sudo_pid)))
        return rc;
    /* the sudo line, then the command as root under sudo */
    if (tel_sees_security(h)) {
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
    if ((rc =
             tel_proc_start(tel, hi, t_ms + 8, h->sys_sess, sudo_pid, image, command, truth, &pid)))
        return rc;
    if ((rc = sw_tel_process_end(tel, t_ms + 400, hi, pid, truth)))
        return rc;
    return sw_tel_process_end(tel, t_ms + 410, hi, sudo_pid, truth);
}

/* ---- 3. ClamAV ----------------------------------------------------------- */

int tel_lx_clamav(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *threat, const char *path,
                  const char *action, uint32_t truth)
{
    int64_t um = tel_unix(tel, t_ms);
    char msg[TEL_MAX_ARG + 128];
    snprintf(msg, sizeof msg, "%.3000s: %.200s FOUND", path, threat);
    tel_out_t *o = tel_ecs_host(tel, hi, um);
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
