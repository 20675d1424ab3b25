/* tel_devices.c — what network devices and server applications write:
 * router and firewall syslog (Cisco IOS messages, FortiOS event-log lines)
 * in ECS around the device's own text, a web server's access log and the
 * mail gateway's log.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "telemetry/tel_internal.h"

/* ---- 1. routers and firewalls -------------------------------------------- */

/* A FortiGate: the firewalls, and any device running FortiOS (a FortiGate
 * SSL-VPN); every other network device logs as Cisco IOS does. */
static int is_forti(const sw_tel_t *tel, uint32_t hi)
{
    const sw_host_t *h = &tel->w->hosts[hi];
    return h->role == SW_ROLE_FIREWALL || (h->os && !strncmp(h->os, "fortios", 7));
}

/* " at 10:15:22 UTC Tue Nov 25 2026" as IOS ends login messages. */
static void ios_when(sw_tel_t *tel, char *d, size_t cap, int64_t um)
{
    tel_clock(tel, um);
    snprintf(d, cap, "%02d:%02d:%02d UTC %s %s %d %d", tel->ts_h, tel->ts_mi, tel->ts_s,
             tel_wday[tel->ts_wday], tel_mon[tel->ts_mo - 1], tel->ts_d, tel->ts_y);
}

/* A device syslog record (ECS) around the device's own message text. */
static int emit_device(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *action, int success,
                       const char *code, const char *user, const char *src_ip, int level,
                       const char *msg, uint32_t truth)
{
    int forti = is_forti(tel, hi);
    static const char *const lv[8] = {"emergency", "alert",  "critical",      "error",
                                      "warning",   "notice", "informational", "debug"};
    tel_out_t *o = tel_ecs_host(tel, hi, tel_unix(tel, t_ms));
    FS(o, "ip", tel_host_ip(tel, hi));
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

/* The devices' preamble: SW_EINVAL for no such host, 0 when it sends no
 * syslog, 1 when its messages are collected. */
static int device_enter(sw_tel_t *tel, int64_t t_ms, uint32_t hi)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 0, &h);
    return rc ? rc : h->s.syslog != 0;
}

int sw_tel_router_login(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *user,
                        const char *src_ip, int success, uint32_t truth)
{
    if (!user)
        return SW_EINVAL;
    int rc = device_enter(tel, t_ms, hi);
    if (rc <= 0)
        return rc;
    int64_t um = tel_unix(tel, t_ms);
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
    if (!user || !what)
        return SW_EINVAL;
    int rc = device_enter(tel, t_ms, hi);
    if (rc <= 0)
        return rc;
    int64_t um = tel_unix(tel, t_ms);
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
    rc = emit_device(tel, hi, t_ms, "logged-command", 1, "PARSER-5-CFGLOG_LOGGEDCMD", user, src_ip,
                     5, msg, truth);
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
    int rc = device_enter(tel, t_ms, hi);
    if (rc <= 0)
        return rc;
    char msg[1024];
    const char *hn = tel->w->hosts[hi].hostname;
    if (is_forti(tel, hi)) {
        char rest[512];
        if (reason) {
            snprintf(rest, sizeof rest,
                     "user=\"%s\" action=\"reboot\" msg=\"User %s rebooted the device from ssh. "
                     "The reason is '%s'\"",
                     user ? user : "admin", user ? user : "admin", reason);
            forti_line(tel, msg, sizeof msg, hi, tel_unix(tel, t_ms), "0100032002", "critical",
                       "Admin performed an action from GUI", rest);
            if ((rc = emit_device(tel, hi, t_ms, "reboot", 1, "0100032002", user, NULL, 2, msg,
                                  truth)))
                return rc;
        }
        forti_line(tel, msg, sizeof msg, hi, tel_unix(tel, t_ms + 95000), "0100032009",
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

/* ---- 2. servers ---------------------------------------------------------- */

int sw_tel_web_request(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *src_ip,
                       const char *method, const char *uri, int status, uint64_t bytes,
                       const char *ua, uint32_t truth)
{
    if (!src_ip || !method || !uri)
        return SW_EINVAL;
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 0, &h);
    if (rc)
        return rc;
    if (h->isolated)
        return SW_OK;
    if (!h->s.security_log && !h->s.log_forwarding && !h->s.syslog)
        return SW_OK; /* the access log is not collected */
    int64_t um = tel_unix(tel, t_ms);
    tel_clock(tel, um);
    const char *q = strchr(uri, '?');
    char line[TEL_MAX_ARG + 512];
    snprintf(line, sizeof line,
             "%s - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"%s %.3000s HTTP/1.1\" %d %llu \"-\" "
             "\"%.300s\"",
             src_ip, tel->ts_d, tel_mon[tel->ts_mo - 1], tel->ts_y, tel->ts_h, tel->ts_mi,
             tel->ts_s, method, uri, status, (unsigned long long)bytes, ua ? ua : "-");
    tel_out_t *o = tel_ecs_host(tel, hi, um);
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
    if (!from || !to || !verdict)
        return SW_EINVAL;
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 0, &h);
    if (rc)
        return rc;
    if (!h->s.security_log && !h->s.log_forwarding && !h->s.syslog)
        return SW_OK;
    int ok = !strcmp(verdict, "delivered");
    tel_out_t *o = tel_ecs_observer(tel, hi, tel_unix(tel, t_ms));
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

int sw_tel_link_state(sw_tel_t *tel, int64_t t_ms, uint32_t hi, const char *ifname,
                      const char *peer_ip, int up, uint32_t truth)
{
    if (!ifname)
        return SW_EINVAL;
    int rc = device_enter(tel, t_ms, hi);
    if (rc <= 0)
        return rc;
    char msg[512];
    if (is_forti(tel, hi)) {
        char rest[256];
        snprintf(rest, sizeof rest,
                 "action=\"interface-stat-change\" status=\"%s\" "
                 "msg=\"Link monitor: Interface %s was turned %s\"",
                 up ? "up" : "down", ifname, up ? "up" : "down");
        forti_line(tel, msg, sizeof msg, hi, tel_unix(tel, t_ms), "0100020099",
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
