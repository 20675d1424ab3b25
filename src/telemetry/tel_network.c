/* tel_network.c — what the wire sensors write about a flow: Zeek conn and
 * dns logs where a packet sensor (pcap) sees either end or the edge, NetFlow
 * where a flow exporter does, Suricata EVE alerts, and the organisation
 * firewall's traffic and web-filter logs when the flow leaves its zone. The
 * source host's own record of a connection or lookup (Sysmon 3, 22) is its
 * family's (tel_win_net_conn, tel_win_dns).
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "telemetry/tel_internal.h"

/* ---- 1. observers -------------------------------------------------------- */

static int zone_of(const sw_tel_t *tel, uint32_t hi)
{
    if (hi == SW_NONE || hi >= tel->w->n_hosts)
        return SW_ZONE_INTERNET;
    uint32_t n = tel->w->hosts[hi].network;
    return n < tel->w->n_networks ? (int)tel->w->networks[n].zone : SW_ZONE_INTERNAL;
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
        if (tel_host_team(tel, ob->host[i]) == tel_host_team(tel, hi))
            return;
    ob->host[ob->n++] = hi;
}

static int crosses_edge(const sw_tel_t *tel, uint32_t a, uint32_t b)
{
    return a == SW_NONE || b == SW_NONE || tel_org_of(tel, a) != tel_org_of(tel, b);
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
        uint32_t org = tel_org_of(tel, ends[i]);
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

const char *tel_port_name(unsigned port)
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

/* ---- 2. flows ------------------------------------------------------------ */

static int flow_resolve(sw_tel_t *tel, const sw_tel_conn_t *c, tel_flow_t *f)
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
    f->src_ip = c->src_ip                ? c->src_ip
                : c->src_host != SW_NONE ? tel_host_ip(tel, c->src_host)
                                         : NULL;
    f->dst_ip = c->dst_ip                ? c->dst_ip
                : c->dst_host != SW_NONE ? tel_host_ip(tel, c->dst_host)
                                         : NULL;
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

static int emit_zeek_conn(sw_tel_t *tel, uint32_t ob, int64_t t_ms, const tel_flow_t *f,
                          uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"ts\":");
    tel_ts_epoch(o, tel_unix(tel, t_ms));
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

static int emit_netflow(sw_tel_t *tel, uint32_t ob, int64_t t_ms, const tel_flow_t *f,
                        uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"@timestamp\":");
    tel_ts_iso(tel, o, um + c->duration_ms);
    TEL_LIT(o,
            ",\"event\":{\"dataset\":\"netflow.log\",\"kind\":\"event\",\"category\":[\"network\"],"
            "\"action\":\"netflow_flow\",\"start\":");
    tel_ts_iso(tel, o, um);
    KEY(o, "end");
    tel_ts_iso(tel, o, um + c->duration_ms);
    FN(o, "duration", (int64_t)c->duration_ms * 1000000);
    CLOSE(o);
    OPEN(o, "observer");
    KEY(o, "name");
    tel_name(tel, o, ob);
    FS(o, "ip", tel_host_ip(tel, ob));
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
    tel_escz(o, tel_host_ip(tel, ob));
    TEL_LIT(o, ":2055\"},\"protocol_identifier\":");
    tel_u64(o, c->udp ? 17 : 6);
    FN(o, "tcp_control_bits", c->udp ? 0 : c->denied ? 2 : 27);
    TEL_LIT(o, "}}");
    return tel_emit(tel, ob, SW_TEL_NETFLOW, 0, 6, t_ms, truth);
}

static int emit_firewall(sw_tel_t *tel, uint32_t fw, int64_t t_ms, const tel_flow_t *f,
                         uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    tel_out_t *o = tel_ecs_observer(tel, fw, tel_unix(tel, t_ms));
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
    FS(o, "protocol", c->service ? c->service : tel_port_name(f->dport));
    CLOSE(o);
    OPEN(o, "rule");
    FS(o, "id", c->denied ? "0" : "12");
    FS(o, "name", c->denied ? "implicit-deny" : "outbound-web");
    CLOSE(o);
    TEL_LIT(o, ",\"fortinet\":{\"firewall\":{\"type\":\"traffic\",\"subtype\":\"forward\"}}}");
    return tel_emit(tel, fw, SW_TEL_FIREWALL, 0, c->denied ? 4 : 6, t_ms, truth);
}

/* The User-Agent a program sends: its own where it has one (PowerShell's
 * Invoke-WebRequest, curl, certutil, BITS, wget), a browser's otherwise. */
static const char *user_agent(const char *image)
{
    static const struct {
        const char *exe, *ua;
    } uas[] = {
        {"powershell.exe",
         "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.17763.5458"},
        {"pwsh.exe", "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.17763; en-US) "
                     "PowerShell/7.4.1"},
        {"curl.exe", "curl/8.4.0"},
        {"curl", "curl/7.81.0"},
        {"certutil.exe", "Microsoft-CryptoAPI/10.0"},
        {"bitsadmin.exe", "Microsoft BITS/7.8"},
        {"wget", "Wget/1.21.2"},
    };
    const char *b = image ? image : "";
    for (const char *p = b; *p; p++)
        if (*p == '\\' || *p == '/')
            b = p + 1;
    for (size_t i = 0; i < sizeof uas / sizeof uas[0]; i++)
        if (!strcasecmp(b, uas[i].exe))
            return uas[i].ua;
    return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Safari/537.36";
}

static int emit_proxy(sw_tel_t *tel, uint32_t fw, int64_t t_ms, const tel_flow_t *f,
                      const char *image, uint32_t truth)
{
    const sw_tel_conn_t *c = f->c;
    const char *url = c->url;
    const char *dom = c->dst_name ? c->dst_name : f->dst_ip;
    const char *path = strstr(url, "://");
    path = path ? strchr(path + 3, '/') : NULL;
    tel_out_t *o = tel_ecs_observer(tel, fw, tel_unix(tel, t_ms));
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
    if (path) {
        /* the last segment's extension, as ECS ingest writes it ("ps1") */
        size_t pl = strcspn(path, "?#");
        const char *seg = path, *dot = NULL;
        for (const char *p = path; p < path + pl; p++)
            if (*p == '/')
                seg = p + 1, dot = NULL;
            else if (*p == '.')
                dot = p;
        if (dot && dot > seg && path + pl - dot - 1 > 0 && path + pl - dot - 1 <= 8) {
            char ext[12];
            snprintf(ext, sizeof ext, "%.*s", (int)(path + pl - dot - 1), dot + 1);
            FS(o, "extension", ext);
        }
    }
    CLOSE(o);
    TEL_LIT(o, ",\"http\":{\"request\":{\"method\":\"GET\"},\"response\":{\"status_code\":");
    tel_u64(o, c->denied ? 403 : 200);
    TEL_LIT(o, ",\"bytes\":");
    tel_u64(o, c->bytes_in);
    TEL_LIT(o, "}},\"user_agent\":{");
    FS(o, "original", user_agent(image));
    TEL_LIT(o, "}}");
    return tel_emit(tel, fw, SW_TEL_PROXY, 0, 6, t_ms, truth);
}

/* An isolated end: the packets never leave (or reach) the host. */
static int conn_cut(const sw_tel_t *tel, const sw_tel_conn_t *c)
{
    return (c->src_host < tel->w->n_hosts && tel->hosts[c->src_host].isolated) ||
           (c->dst_host < tel->w->n_hosts && tel->hosts[c->dst_host].isolated);
}

/* ---- 3. the activities --------------------------------------------------- */

int sw_tel_net_conn(sw_tel_t *tel, int64_t t_ms, uint32_t pid, const sw_tel_conn_t *c,
                    uint32_t truth)
{
    if (conn_cut(tel, c))
        return SW_OK;
    tel_flow_t f;
    int rc = flow_resolve(tel, c, &f);
    if (rc)
        return rc;
    const char *image = NULL; /* the program behind it, for its User-Agent */
    if (c->src_host != SW_NONE) {
        tel_host_t *h;
        if ((rc = tel_host_enter(tel, t_ms, c->src_host, 1, &h)))
            return rc;
        const tel_proc_t *p = pid ? tel_proc_find(h, pid) : NULL;
        if (p)
            image = tel->images[p->image].path;
        if (h->windows && (rc = tel_win_net_conn(tel, c->src_host, t_ms, pid, &f, truth)))
            return rc;
        if (h->linux_ && (rc = tel_lx_net_conn(tel, c->src_host, t_ms, pid, &f, truth)))
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
        uint32_t org =
            c->src_host != SW_NONE ? tel_org_of(tel, c->src_host) : tel_org_of(tel, c->dst_host);
        uint32_t fw = org < tel->w->n_orgs ? tel->orgs[org].firewall : SW_NONE;
        if (fw != SW_NONE && tel->hosts[fw].s.syslog) {
            if ((rc = emit_firewall(tel, fw, t_ms, &f, truth)))
                return rc;
            if (c->url && c->dst_host == SW_NONE &&
                (rc = emit_proxy(tel, fw, t_ms, &f, image, truth)))
                return rc;
        }
    }
    return SW_OK;
}

int sw_tel_flow(sw_tel_t *tel, int64_t t_ms, uint32_t exporter, const sw_tel_conn_t *c,
                uint32_t truth)
{
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, exporter, 0, &h);
    if (rc)
        return rc;
    if (!h->s.netflow)
        return SW_OK;
    tel_flow_t f;
    if ((rc = flow_resolve(tel, c, &f)))
        return rc;
    return emit_netflow(tel, exporter, t_ms, &f, truth);
}

/* One DNS query/answer on the wire, c's source to c's resolver: Zeek dns
 * where a packet sensor sees it. */
static int dns_leg(sw_tel_t *tel, int64_t t_ms, const sw_tel_conn_t *c, const char *qname,
                   const char *answer, uint32_t truth)
{
    int rc;
    tel_flow_t f;
    if ((rc = flow_resolve(tel, c, &f)))
        return rc;
    obs_t ob;
    observers(tel, c->src_host, c->dst_host, 0, &ob);
    for (int i = 0; i < ob.n; i++) {
        tel_out_t *o = tel_begin(tel);
        TEL_LIT(o, "{\"ts\":");
        tel_ts_epoch(o, tel_unix(tel, t_ms));
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
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, hi, 1, &h);
    if (rc)
        return rc;
    if (h->windows && (rc = tel_win_dns(tel, hi, t_ms, pid, qname, answer, truth)))
        return rc;
    uint32_t org = tel_org_of(tel, hi);
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
    if (!signature)
        return SW_EINVAL;
    tel_host_t *h;
    int rc = tel_host_enter(tel, t_ms, observer, 0, &h);
    if (rc)
        return rc;
    if (!h->s.pcap)
        return SW_OK;
    tel_flow_t f;
    if ((rc = flow_resolve(tel, c, &f)))
        return rc;
    int64_t um = tel_unix(tel, t_ms);
    tel_out_t *o = tel_begin(tel);
    TEL_LIT(o, "{\"timestamp\":\"");
    tel_ts(tel, o, um, 'T');
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
