/* tel_internal.h — state shared by the telemetry core's files (telemetry.c
 * writes records, background.c drives it). Not a public interface. */
#ifndef SW_TEL_INTERNAL_H
#define SW_TEL_INTERNAL_H

#include <stdint.h>

#include "core/rng.h"
#include "telemetry/tel_json.h"
#include "telemetry/telemetry.h"

#define TEL_MAX_RECORD (256u * 1024u) /* one record's JSON, hard limit */
#define TEL_MAX_ARG 4096u             /* longer strings are cut here */

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
    uint64_t rec_sysmon, rec_security, rec_system, rec_defender;
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

/* Allocation through cfg.alloc (telemetry.c). tel_zalloc zero-fills. */
void *tel_zalloc(sw_tel_t *tel, size_t n);
void *tel_realloc(sw_tel_t *tel, void *p, size_t n);
void tel_free(sw_tel_t *tel, void *p);

#endif
