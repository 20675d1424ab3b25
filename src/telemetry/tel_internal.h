/* tel_internal.h — the telemetry core's shared state and helpers. Not a
 * public interface: telemetry.h is.
 *
 * The core is one module in five files, one per family of sensors, around
 * the state they share:
 *   telemetry.c   identities (hosts, organisations, images, sessions,
 *                 processes), time, record emission, the activity
 *                 preamble, and the activities every family takes part in
 *                 (boot, logon, process start, power, antivirus), which
 *                 hand each host's records to its family below
 *   tel_windows.c Sysmon, Security, System and Defender records
 *   tel_linux.c   Sysmon for Linux, auditd and auth.log records
 *   tel_network.c Zeek, Suricata, NetFlow, firewall and proxy records
 *   tel_devices.c router/firewall syslog, web server and mail gateway logs
 * background.c drives the core through the public sw_tel_* calls and reads
 * a host's well-known PIDs from tel_host_t.
 *
 * Every activity function reads the same way: the preamble
 * (tel_host_enter / tel_sess_enter: the host exists and has booted), the
 * sensor gate (tel_sees_*), then per record one begin (tel_begin, or the
 * family's head: tel_win_head, tel_ecs_host ...), the fields (FS, FN ...),
 * and tel_emit.
 */
#ifndef SW_TEL_INTERNAL_H
#define SW_TEL_INTERNAL_H

#include <stdint.h>

#include "core/rng.h"
#include "telemetry/tel_json.h"
#include "telemetry/telemetry.h"

#define TEL_MAX_RECORD (256u * 1024u) /* one record's JSON, hard limit */
#define TEL_MAX_ARG 4096u             /* longer strings are cut here */
#define TEL_MSC "Microsoft Corporation"

/* An executable seen on some host: escaped path, metadata, stable hashes. */
typedef struct tel_image {
    uint64_t key;   /* hash of the path; 0 = empty slot */
    char *path;     /* as given */
    char *path_esc; /* JSON-escaped */
    uint32_t path_esc_len;
    const char *base; /* basename inside path */
    const char *desc, *product, *company, *version, *orig;
    char hashes[232]; /* SHA1=..,MD5=..,SHA256=..,IMPHASH=.. */
    uint32_t hashes_len;
    char *meta; /* "FileVersion":"..",...,"OriginalFileName":"..", rendered once */
    uint32_t meta_len;
} tel_image_t;

typedef struct tel_proc {
    uint32_t pid;
    uint32_t ppid;
    uint32_t session;
    uint32_t image; /* index into tel->images */
    char guid[40];
    char *cmd_esc; /* escaped command line (owned) */
    uint32_t cmd_esc_len;
    char *cmd; /* raw command line (owned), for auditd argv */
} tel_proc_t;

typedef struct tel_sess {
    uint32_t host;
    uint32_t user; /* world user or SW_NONE */
    char account[64];
    char domain[40]; /* NetBIOS domain, "NT AUTHORITY" or host name */
    char sid[72];
    uint64_t logon_id;
    int logon_type;
    int admin;
    int system;        /* SYSTEM / service identity */
    uint32_t terminal; /* TerminalSessionId */
    int64_t logon_unix_s;
    uint32_t shell_pid; /* explorer.exe / sshd / services.exe */
    int open;
    uint32_t uid;   /* Linux uid */
    char *user_esc; /* "DOMAIN\\account", escaped; rendered once (owns the block) */
    uint32_t user_esc_len;
    char *subj; /* "SubjectUserSid":..."SubjectLogonId":"0x.." (same block) */
    uint32_t subj_len;
} tel_sess_t;

typedef struct tel_org {
    char netbios[16];
    char dns[64];
    char sid[64]; /* S-1-5-21-a-b-c */
    uint32_t dc, firewall, mail, dns_host, edge;
} tel_org_t;

typedef struct tel_host {
    int booted;
    int windows, linux_, device;
    sw_sensors_t s;  /* sensors now (world's, plus enhanced logging) */
    int sysmon_on;   /* Sysmon service running */
    int eventlog_on; /* EventLog service running */
    int audit_on;    /* audit policy in force */
    int proc_audit;  /* 4688 audited */
    int offline;     /* down (sw_tel_host_down): writes nothing until sw_tel_host_up */
    int isolated;    /* no traffic to or from it (sw_tel_host_isolate) */
    int unclean;     /* went down without a shutdown: the next boot says so (6008) */
    int64_t down_ms; /* when it went down */
    char fqdn[128];
    char fqdn_esc[TEL_ESC_MAX(128)];
    uint32_t fqdn_esc_len;
    char computer_acct[40];         /* HOST$ */
    char name_esc[TEL_ESC_MAX(64)]; /* the world's hostname, escaped */
    uint32_t name_esc_len;
    uint32_t machine;   /* first ProcessGuid field */
    uint32_t guid_tail; /* last 4 hex digits of ProcessGuid */
    uint16_t guid_ctr;
    uint64_t rec_sysmon, rec_security, rec_system, rec_defender, rec_kfile;
    uint64_t audit_serial;
    uint64_t next_logon;
    uint32_t boot_pid; /* next PID of the boot chain, 0 after boot */
    uint32_t sys_sess;
    uint32_t services_pid, lsass_pid, winlogon_pid, sysmon_pid, eventlog_pid, sched_pid, dcom_pid,
        wuau_pid, dnscache_pid, sshd_pid, cron_pid, init_pid;
    sw_rng_t rng;
    tel_proc_t *procs;
    uint32_t n_procs, cap_procs;
} tel_host_t;

typedef struct tel_ts {
    int64_t s;
    int y, mo, d, h, mi, sec, wday;
    char text[24];
} tel_ts_t;

struct sw_tel {
    const sw_world_t *w;
    sw_tel_config_t cfg;
    tel_host_t *hosts;
    tel_org_t *orgs;
    tel_sess_t *sess;
    uint32_t n_sess, cap_sess;
    tel_image_t *images; /* open addressing on key */
    uint32_t cap_images, n_images;
    char *buf; /* TEL_MAX_RECORD bytes: the record being written */
    tel_out_t out;
    uint64_t seq;
    int64_t ts_cache_s; /* second of the cached calendar fields */
    int ts_y, ts_mo, ts_d, ts_h, ts_mi, ts_s, ts_wday;
    char ts_text[24]; /* "YYYY-MM-DDTHH:MM:SS" of that second */
    tel_ts_t ts_prev; /* the second before it */
};

/* ---- allocation through cfg.alloc; tel_zalloc zero-fills ----------------- */
void *tel_zalloc(sw_tel_t *tel, size_t n);
void *tel_realloc(sw_tel_t *tel, void *p, size_t n);
void tel_free(sw_tel_t *tel, void *p);

/* ---- time ---------------------------------------------------------------- */
extern const char *const tel_mon[12]; /* "Jan".."Dec" */
extern const char *const tel_wday[7]; /* "Sun".."Sat" */

static inline int64_t tel_unix(const sw_tel_t *tel, int64_t t_ms)
{
    return tel->cfg.epoch_ms + t_ms;
}

static inline unsigned tel_ms_of(int64_t unix_ms)
{
    int64_t r = unix_ms % 1000;
    return (unsigned)(r < 0 ? r + 1000 : r);
}

/* The calendar fields of unix_ms's second into tel->ts_* (cached). */
void tel_clock(sw_tel_t *tel, int64_t unix_ms);
/* "2025-10-25" + sep + "13:44:33.433" */
void tel_ts(sw_tel_t *tel, tel_out_t *o, int64_t unix_ms, char sep_ch);

/* Sysmon UtcTime: "2025-10-25 13:44:33.433" */
static inline void tel_ts_utc(sw_tel_t *tel, tel_out_t *o, int64_t unix_ms)
{
    tel_ch(o, '"');
    tel_ts(tel, o, unix_ms, ' ');
    tel_ch(o, '"');
}

/* ECS @timestamp: "2025-10-25T13:44:33.433Z" */
static inline void tel_ts_iso(sw_tel_t *tel, tel_out_t *o, int64_t unix_ms)
{
    tel_ch(o, '"');
    tel_ts(tel, o, unix_ms, 'T');
    TEL_LIT(o, "Z\"");
}

/* Epoch seconds with fraction, as Zeek writes ts: 1761399873.433000 */
static inline void tel_ts_epoch(tel_out_t *o, int64_t unix_ms)
{
    tel_i64(o, unix_ms / 1000);
    tel_ch(o, '.');
    tel_dec(o, tel_ms_of(unix_ms), 3);
    TEL_LIT(o, "000");
}

/* ---- fields -------------------------------------------------------------- */

/* Separator before a key: a comma unless the object/array just opened. */
TEL_INLINE void tel_sep(tel_out_t *o)
{
    char c = o->p[-1];
    if (c != '{' && c != '[')
        tel_ch(o, ',');
}

#define KEY(o, k)                                                                                  \
    do {                                                                                           \
        tel_sep(o);                                                                                \
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
        tel_sep(o);                                                                                \
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

/* A host's name, quoted. */
static inline void tel_name(const sw_tel_t *tel, tel_out_t *o, uint32_t hi)
{
    const tel_host_t *h = &tel->hosts[hi];
    tel_ch(o, '"');
    tel_raw(o, h->name_esc, h->name_esc_len);
    tel_ch(o, '"');
}

/* The session's "DOMAIN\\account", quoted, as Sysmon's User field. */
static inline void tel_user_field(tel_out_t *o, const tel_sess_t *s)
{
    tel_ch(o, '"');
    tel_raw(o, s->user_esc, s->user_esc_len);
    tel_ch(o, '"');
}

/* ---- emission ------------------------------------------------------------ */

/* Start the record in tel->buf (one record at a time). */
static inline tel_out_t *tel_begin(sw_tel_t *tel)
{
    tel->out.p = tel->buf;
    tel->out.end = tel->buf + TEL_MAX_RECORD;
    tel->out.over = 0;
    return &tel->out;
}

/* Hand the record in tel->out to the callback, attributed to host hi (its
 * team). A record over TEL_MAX_RECORD is dropped whole and reported
 * (SW_ETOOBIG); a host that is down writes nothing. */
int tel_emit(sw_tel_t *tel, uint32_t hi, sw_tel_source_t src, int event_id, int severity,
             int64_t t_ms, uint32_t truth);

/* The ECS records' opening: {"@timestamp":"...","host":{"name":"HOST"
 * (tel_ecs_host) or ...,"observer":{"name":"HOST" (tel_ecs_observer), the
 * object left open for the caller's next field. */
tel_out_t *tel_ecs_host(sw_tel_t *tel, uint32_t hi, int64_t unix_ms);
tel_out_t *tel_ecs_observer(sw_tel_t *tel, uint32_t hi, int64_t unix_ms);

/* A Windows event provider (Windows and Sysmon for Linux), with the
 * constant text around the System block's variable parts rendered once. */
typedef struct tel_prov {
    const char *head; /* {"Event":{"System":{"Provider":...,"EventID": */
    size_t head_len;
    const char *chan; /* }},"Channel":"...","Computer":" */
    size_t chan_len;
} tel_prov_t;

#define TEL_PROV(name, guid, channel)                                                              \
    {                                                                                              \
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" name                  \
        "\",\"Guid\":\"" guid "\"}},\"EventID\":",                                                 \
            sizeof("{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" name       \
                   "\",\"Guid\":\"" guid "\"}},\"EventID\":") -                                    \
                1,                                                                                 \
            "}},\"Channel\":\"" channel "\",\"Computer\":\"",                                      \
            sizeof("}},\"Channel\":\"" channel "\",\"Computer\":\"") - 1                           \
    }

/* The end of a Windows event: EventData (or UserData's wrapper) and the
 * event closed. */
static inline void tel_win_tail(tel_out_t *o, int wrapped)
{
    if (wrapped)
        TEL_LIT(o, "}}}}");
    else
        TEL_LIT(o, "}}}");
}

/* ---- the activity preamble ----------------------------------------------- */

/* Host hi exists (else SW_EINVAL) and, with boot, has booted: its boot
 * records are written at t_ms the first time it is used. *h is its state. */
int tel_host_enter(sw_tel_t *tel, int64_t t_ms, uint32_t hi, int boot, tel_host_t **h);
/* Session sid exists (else SW_EINVAL); *s is it, *h its host (booted). */
int tel_sess_enter(sw_tel_t *tel, sw_tel_session_t sid, tel_sess_t **s, tel_host_t **h);

/* Sensor gates: does the host write this kind of record now? */
static inline int tel_sees_sysmon(const tel_host_t *h)
{
    return h->windows && h->s.sysmon && h->sysmon_on;
}
static inline int tel_sees_lsysmon(const tel_host_t *h)
{
    return h->linux_ && h->s.sysmon && h->sysmon_on;
}
static inline int tel_sees_security(const tel_host_t *h)
{
    return h->s.security_log && h->eventlog_on && h->audit_on;
}
static inline int tel_sees_system(const tel_host_t *h)
{
    return h->windows && h->s.security_log && h->eventlog_on;
}
/* Device syslog and the organisation firewall's logs. */
static inline int tel_sees_syslog(const sw_tel_t *tel, uint32_t hi)
{
    return hi < tel->w->n_hosts && tel->hosts[hi].s.syslog;
}

/* ---- identities (telemetry.c) -------------------------------------------- */
void tel_hex_into(char *d, uint64_t v, int digits);
int tel_image_get(sw_tel_t *tel, const char *path, uint32_t *out);
tel_proc_t *tel_proc_find(tel_host_t *h, uint32_t pid);
uint32_t tel_pid_new(tel_host_t *h);
/* Record a process without writing anything (init, which runs before any
 * sensor). */
int tel_proc_add(sw_tel_t *tel, uint32_t hi, int64_t unix_ms, uint32_t pid, uint32_t ppid,
                 uint32_t sess, const char *image, const char *cmd, tel_proc_t **out);
/* Start a process record-wise (the host family's records) and state-wise. */
int tel_proc_start(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sess, uint32_t ppid,
                   const char *image, const char *cmd, uint32_t truth, uint32_t *pid_out);
/* The parent to use for a new process in session s: the given PID if it is
 * alive, else the session's shell, else services.exe / sshd / init. */
uint32_t tel_parent_for(sw_tel_t *tel, const tel_sess_t *s, uint32_t ppid);
tel_sess_t *tel_sess(sw_tel_t *tel, sw_tel_session_t s);
int tel_sess_system(sw_tel_t *tel, uint32_t hi, const char *account, const char *sid,
                    uint64_t logon_id, uint32_t *out);
const char *tel_host_domain(sw_tel_t *tel, uint32_t hi);
const char *tel_host_ip(const sw_tel_t *tel, uint32_t hi);
uint32_t tel_host_team(const sw_tel_t *tel, uint32_t hi);
uint32_t tel_org_of(const sw_tel_t *tel, uint32_t hi);

/* ---- the families' part of shared activities ----------------------------- */

/* A flow with its resolved addresses and ports (tel_network.c). */
typedef struct tel_flow {
    const sw_tel_conn_t *c;
    const char *src_ip, *dst_ip;
    unsigned sport, dport;
    char uid[19]; /* Zeek connection uid */
    char src_q[TEL_ESC_MAX(64) + 2],
        dst_q[TEL_ESC_MAX(64) + 2]; /* quoted, escaped, once per flow */
    uint32_t src_q_len, dst_q_len;
    uint64_t flow_id;
} tel_flow_t;

const char *tel_port_name(unsigned port);

/* Windows (tel_windows.c). */
int tel_win_boot(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sys, uint32_t truth);
int tel_win_proc_started(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                         const tel_proc_t *pp, uint32_t truth);
int tel_win_proc_ended(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                       uint32_t truth);
int tel_win_logon(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sid, const char *src_ip,
                  uint32_t truth);
int tel_win_logon_failed(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *account,
                         int logon_type, const char *src_ip, uint32_t truth);
int tel_win_logoff(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_sess_t *s, uint32_t truth);
int tel_win_file_create(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *path,
                        uint32_t truth);
int tel_win_file_delete(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *path,
                        uint32_t truth);
int tel_win_file_rename(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *from,
                        const char *to, uint32_t truth);
int tel_win_net_conn(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const tel_flow_t *f,
                     uint32_t truth);
int tel_win_dns(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *qname,
                const char *answer, uint32_t truth);
int tel_win_defender(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                     const char *threat, const char *path, const char *action, uint32_t truth);
int tel_win_shutdown(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t truth);
int tel_win_startup(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t truth);

/* Linux (tel_linux.c). */
int tel_lx_boot(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sys, uint32_t truth);
int tel_lx_proc_started(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_proc_t *p,
                        const tel_proc_t *pp, uint32_t truth);
int tel_lx_logon(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t sid, const char *src_ip,
                 uint32_t truth);
int tel_lx_logon_failed(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *account,
                        const char *src_ip, uint32_t truth);
int tel_lx_logoff(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const tel_sess_t *s, uint32_t truth);
int tel_lx_file_create(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const char *path,
                       uint32_t truth);
int tel_lx_net_conn(sw_tel_t *tel, uint32_t hi, int64_t t_ms, uint32_t pid, const tel_flow_t *f,
                    uint32_t truth);
int tel_lx_clamav(sw_tel_t *tel, uint32_t hi, int64_t t_ms, const char *threat, const char *path,
                  const char *action, uint32_t truth);

#endif
