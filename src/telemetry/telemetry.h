/* telemetry.h — activity in, log records out: what each host's sensors
 * would really write when something happens on it.
 *
 * The simulation engine (later) and the background generator (background.c)
 * describe activity — a process started, a logon, a connection, a DNS query, a
 * router login — by calling the sw_tel_* functions below in time order. Each
 * call writes the records the real sensors of the hosts involved would write
 * (Sysmon, the Windows Security and System logs, Linux auth and auditd, Zeek,
 * Suricata, firewall, proxy, NetFlow, device syslog, antivirus, mail gateway,
 * web server), in the field names and value shapes of the real thing, and
 * hands each one to the caller's record callback. docs/telemetry.md lists
 * every record type with a sample.
 *
 * Design notes
 *  1. Pure: no I/O, no wall clock, no globals. Time is exercise milliseconds
 *     (t_ms, from the exercise start); the wall-clock stamps in records are
 *     cfg.epoch_ms + t_ms. Randomness (PIDs, GUIDs, ports, logon ids) comes from
 *     per-host streams of the seed, so the same calls with the same seed give
 *     byte-identical records.
 *  2. Sensors decide what is seen. A record is written only when the host (or
 *     the observer on the path: pcap/netflow host, the organisation's
 *     firewall) has the sensor and its logging is running:
 *        sysmon        -> Sysmon/Operational (1,3,4,5,7,8,10,11,12,13,17,18,22);
 *                         Linux: Sysmon for Linux (1,3,11)
 *        security_log  -> Security (4624,4625,4634,4648,4672,4698,4720,
 *                         4728,4732,4769,1100,1102,4719), System (7045);
 *                         Linux: auth log (sshd, sudo) and auditd
 *        process audit -> Security 4688 (servers by default, every host
 *                         after sw_tel_enhanced_logging)
 *        pcap          -> Zeek conn/dns, Suricata EVE alerts
 *        netflow       -> NetFlow summaries
 *        syslog        -> device syslog (routers, firewalls), firewall and
 *                         proxy logs (from the organisation's firewall)
 *        av            -> antivirus detections
 *     Logging state per host:
 *        RUNNING -> STOPPED   [sw_tel_logging_stop: writes Sysmon 4 / Security
 *                              1100 or 4719 first, then nothing: the gap]
 *        STOPPED -> RUNNING   [sw_tel_logging_start, sw_tel_enhanced_logging]
 *     sw_tel_log_clear writes 1102 (Security) or System 104 and keeps logging.
 *  3. Consistent identities. Every Windows host has a boot process tree
 *     (System, smss, csrss, wininit, services, lsass, winlogon, svchost...)
 *     written when the host is first seen (sw_tel_host_boot); every process
 *     has a parent that exists on its host; every logon session (LogonId) is
 *     opened by a 4624 before anything runs in it. Hashes are stable per image.
 *  4. Ground truth never enters a record's text. Each call takes `truth`, the
 *     adversary step id behind it (0 for benign background); it reaches sinks
 *     only as sw_tel_record_t.truth, beside the record.
 *  5. Records of one call are written in order with non-decreasing time
 *     stamps, from t_ms on (a router reload's restart messages come 95 s
 *     later); callers make calls in non-decreasing t_ms per host.
 *
 * Cost: formatting writes into one reusable buffer with hand-written
 * appenders; a call allocates only when it creates a process or session,
 * through the caller's allocator (cfg.alloc). Any call may fail with
 * SW_ENOMEM; tel stays usable and freeable (tested with an allocator that
 * fails the Nth allocation).
 */
#ifndef SW_TELEMETRY_H
#define SW_TELEMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "model/world.h"

/* Source types: one output file per team and source (sw_tel_source_names). */
typedef enum {
    SW_TEL_SYSMON,      /* "sysmon": Microsoft-Windows-Sysmon/Operational */
    SW_TEL_SECURITY,    /* "security": Windows Security log */
    SW_TEL_SYSTEM,      /* "system": Windows System log (7045, 104) */
    SW_TEL_DEFENDER,    /* "defender": Windows Defender/Operational (1116) */
    SW_TEL_LINUX_AUTH,  /* "linux_auth": sshd, sudo (auth.log lines) */
    SW_TEL_AUDITD,      /* "auditd": SYSCALL + EXECVE records */
    SW_TEL_ZEEK_CONN,   /* "zeek_conn" */
    SW_TEL_ZEEK_DNS,    /* "zeek_dns" */
    SW_TEL_SURICATA,    /* "suricata": EVE alerts */
    SW_TEL_FIREWALL,    /* "firewall": FortiGate traffic log, ECS */
    SW_TEL_PROXY,       /* "proxy": web proxy, ECS */
    SW_TEL_NETFLOW,     /* "netflow": flow summaries, ECS */
    SW_TEL_DEVICE,      /* "device": router/firewall syslog (Cisco IOS, FortiOS), ECS */
    SW_TEL_AV,          /* "av": non-Windows antivirus (ClamAV), ECS */
    SW_TEL_MAIL,        /* "mail": mail gateway, ECS */
    SW_TEL_WEB,         /* "web_access": web server access log, ECS */
    SW_TEL_KERNEL_FILE, /* "kernel_file": Microsoft-Windows-Kernel-File renames (edr) */
    SW_TEL__COUNT
} sw_tel_source_t;

extern const char *const sw_tel_source_names[SW_TEL__COUNT];

/* One record as sinks receive it. json is one line (no newline), valid only
 * during the callback. truth is the hidden ground-truth step (0: benign); it
 * is not in json and must never be shown to players. */
typedef struct sw_tel_record {
    uint64_t seq;         /* 1, 2, ... in emission order */
    int64_t t_ms;         /* exercise time */
    int64_t unix_ms;      /* wall-clock stamp written in the record */
    uint32_t team;        /* world team index that sees it */
    uint32_t host;        /* host that wrote it (sensor/observer), or SW_NONE */
    const char *hostname; /* its hostname (syslog HOSTNAME) */
    const char *team_id;
    sw_tel_source_t source;
    int event_id; /* Windows EventID, else 0 */
    int severity; /* syslog severity 0..7 */
    const char *json;
    size_t json_len;
    uint32_t truth;
} sw_tel_record_t;

/* Return 0, or a negative SW_E* code to stop the calling sw_tel_* function
 * (which returns that code). */
typedef int (*sw_tel_record_cb)(void *ud, const sw_tel_record_t *rec);

/* Which hosts audit process creation (Security 4688) before any
 * enhanced-logging action. */
typedef enum {
    SW_TEL_AUDIT_NONE,    /* no host */
    SW_TEL_AUDIT_SERVERS, /* servers and domain controllers (default) */
    SW_TEL_AUDIT_ALL,     /* every Windows host with security_log */
} sw_tel_audit_t;

/* An allocator, Lua style: p == NULL allocates n bytes, n == 0 frees p (and
 * returns NULL), otherwise resizes p to n. Returns NULL when out of memory. */
typedef void *(*sw_tel_alloc_fn)(void *ud, void *p, size_t n);

typedef struct sw_tel_config {
    uint64_t seed;
    int64_t epoch_ms; /* Unix ms of exercise t=0; 0: from the world's
                         exercise date, start_minute and utc_offset_min */
    sw_tel_audit_t proc_audit;
    sw_tel_record_cb cb;
    void *ud;
    sw_tel_alloc_fn alloc; /* NULL: the C library's */
    void *alloc_ud;
} sw_tel_config_t;

typedef struct sw_tel sw_tel_t;

/* Create telemetry state for world w (which must outlive it). O(hosts). */
int sw_tel_new(sw_tel_t **out, const sw_world_t *w, const sw_tel_config_t *cfg);
void sw_tel_free(sw_tel_t *tel);
const sw_world_t *sw_tel_world(const sw_tel_t *tel);
uint64_t sw_tel_records(const sw_tel_t *tel); /* written so far */

/* ---- identities: sessions and processes ---------------------------------
 * A session is a logon on a host (Windows LogonId / Linux login); a handle is
 * a small integer valid for the life of tel. Built-in SYSTEM sessions exist
 * on every host (sw_tel_system_session). A process is named by its PID on its
 * host; PID 0 as a parent means "the session's shell" (explorer.exe for an
 * interactive Windows logon, services.exe for SYSTEM, sshd for Linux). */
typedef uint32_t sw_tel_session_t;

enum {
    SW_TEL_LOGON_INTERACTIVE = 2,
    SW_TEL_LOGON_NETWORK = 3,
    SW_TEL_LOGON_BATCH = 4,
    SW_TEL_LOGON_SERVICE = 5,
    SW_TEL_LOGON_UNLOCK = 7,
    SW_TEL_LOGON_NEW_CREDENTIALS = 9,
    SW_TEL_LOGON_REMOTE_INTERACTIVE = 10,
    SW_TEL_LOGON_CACHED = 11,
};

/* Boot the host's process tree (Windows) / daemons (Linux) at t_ms. Called
 * implicitly when a host is first used; calling it again is a reboot (old
 * processes and sessions are gone). */
int sw_tel_host_boot(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t truth);

sw_tel_session_t sw_tel_system_session(sw_tel_t *tel, uint32_t host);

/* A successful logon of world user `user` (or, when user is SW_NONE, of
 * `account`, a local or unknown account) to host: Security 4624 (+4672 for
 * admins), Kerberos 4769 on the organisation's domain controller for domain
 * accounts, and for interactive/RDP logons userinit + explorer; Linux: sshd
 * auth lines; on a network device, sw_tel_router_login. src_ip is the client
 * (NULL: local). *out is the session, or SW_NONE (device, or an error). */
int sw_tel_logon(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t user, const char *account,
                 int logon_type, const char *src_ip, uint32_t truth, sw_tel_session_t *out);
/* A failed logon: 4625 (status 0xC000006D, sub-status bad password) / sshd
 * "Failed password". */
int sw_tel_logon_failed(sw_tel_t *tel, int64_t t_ms, uint32_t host, const char *account,
                        int logon_type, const char *src_ip, uint32_t truth);
int sw_tel_logoff(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, uint32_t truth);
/* Explicit credentials (runas, PsExec -u): 4648 on the session's host. */
int sw_tel_explicit_creds(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, uint32_t parent_pid,
                          const char *target_account, const char *target_server, uint32_t truth);

/* A process started in session s under parent_pid (0, or a PID no longer
 * alive: the session's shell, else services.exe / init). image is the full
 * path, cmdline the full command line. Sysmon 1, Security 4688 (if
 * audited); Linux: auditd SYSCALL+EXECVE. *pid_out gets the PID. */
int sw_tel_process_start(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, uint32_t parent_pid,
                         const char *image, const char *cmdline, uint32_t truth, uint32_t *pid_out);
int sw_tel_process_end(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, uint32_t truth);

/* ---- host activity by a process (pid on host) ------------------------------ */
int sw_tel_file_create(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, const char *path,
                       uint32_t truth);
/* Sysmon 26 (FileDeleteDetected): pid on host deleted path. */
int sw_tel_file_delete(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, const char *path,
                       uint32_t truth);
/* pid on host renamed from to to: Microsoft-Windows-Kernel-File 27
 * (RenamePath), on hosts with the edr sensor, with SourceFilename and
 * TargetFilename as a collector normalises them. Sysmon has no rename event. */
int sw_tel_file_rename(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, const char *from,
                       const char *to, uint32_t truth);
int sw_tel_image_load(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid,
                      const char *dll_path, uint32_t truth);
/* Sysmon 13 (value set): key is "HKLM\\...\\Value", details the data. */
int sw_tel_registry_set(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, const char *key,
                        const char *details, uint32_t truth);
/* Sysmon 12: create (1) or delete (0) a key. */
int sw_tel_registry_key(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, const char *key,
                        int create, uint32_t truth);
/* Sysmon 10: process pid on host opened process target_pid with access
 * mask granted_access (0x1010 reads lsass.exe memory as Mimikatz does,
 * 0x1fffff is all access); call_trace NULL: the usual ntdll ->
 * KERNELBASE -> caller's module stack. */
int sw_tel_process_access(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid,
                          uint32_t target_pid, unsigned granted_access, const char *call_trace,
                          uint32_t truth);
/* Sysmon 8: pid on host started a thread in target_pid (code injection);
 * start_module and start_function name where it starts (NULL: "-"). */
int sw_tel_remote_thread(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid,
                         uint32_t target_pid, const char *start_module, const char *start_function,
                         uint32_t truth);
/* Sysmon 17 (connect 0: the pipe created) or 18 (connect 1: connected to):
 * a named pipe such as "\PSEXESVC" by pid on host. */
int sw_tel_pipe(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, const char *pipe_name,
                int connect, uint32_t truth);
/* System 7045 + the services registry key (Sysmon 13). */
int sw_tel_service_install(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, const char *name,
                           const char *image_path, const char *start_type, uint32_t truth);
/* Security 4698 + the task file (Sysmon 11). */
int sw_tel_task_create(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, uint32_t pid,
                       const char *task_name, const char *command, const char *arguments,
                       uint32_t truth);
/* Log cleared: channel "Security" -> 1102, anything else -> System 104. */
int sw_tel_log_clear(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, const char *channel,
                     uint32_t truth);

/* What sw_tel_logging_stop/start act on. */
typedef enum {
    SW_TEL_LOG_SYSMON,   /* Sysmon service stopped: Sysmon 4 State=Stopped */
    SW_TEL_LOG_EVENTLOG, /* EventLog service stopped: Security 1100; all Windows logs */
    SW_TEL_LOG_AUDIT,    /* audit policy off (auditpol /clear): 4719; Security only */
} sw_tel_logtarget_t;

int sw_tel_logging_stop(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, sw_tel_logtarget_t what,
                        uint32_t truth);
int sw_tel_logging_start(sw_tel_t *tel, int64_t t_ms, uint32_t host, sw_tel_logtarget_t what);
/* The defenders' enhanced-logging action: Sysmon deployed, process-creation
 * auditing with command lines on, Security logging restored, from t_ms on. */
int sw_tel_enhanced_logging(sw_tel_t *tel, int64_t t_ms, uint32_t host);

/* ---- directory (on a domain controller session) ---------------------------- */
int sw_tel_account_created(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, const char *account,
                           uint32_t truth);
/* 4728 (global group, e.g. "Domain Admins") or 4732 (local group,
 * "Administrators"): chosen by the group's scope. */
int sw_tel_group_add(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, const char *member,
                     const char *group, uint32_t truth);
/* 4769 on dc: account asks for a service ticket. enc_type 0x12 (AES) or 0x17
 * (RC4: Kerberoasting). */
int sw_tel_kerberos_tgs(sw_tel_t *tel, int64_t t_ms, uint32_t dc, const char *account,
                        const char *service, const char *src_ip, unsigned enc_type, uint32_t truth);

/* ---- network --------------------------------------------------------------- */
typedef struct sw_tel_conn {
    uint32_t src_host; /* world host, or SW_NONE (internet/unknown) */
    uint32_t dst_host;
    const char *src_ip; /* NULL: the host's address */
    const char *dst_ip;
    uint16_t src_port; /* 0: an ephemeral port is chosen */
    uint16_t dst_port;
    int udp;              /* 0: TCP */
    const char *dst_name; /* destination DNS name, or NULL */
    const char *service;  /* zeek service: "dns","http","ssl","smb","rdp","ssh"... or NULL */
    const char *url;      /* web through the proxy: the URL; NULL otherwise */
    uint64_t bytes_out;   /* originator -> responder */
    uint64_t bytes_in;
    uint32_t duration_ms;
    int denied; /* the firewall dropped it */
} sw_tel_conn_t;

/* A connection by process pid on c->src_host (pid 0: kernel/unknown):
 * Sysmon 3 on the source; Zeek conn where a pcap sensor sees either end;
 * NetFlow where a netflow sensor does; firewall (and proxy, for URLs) logs
 * when it leaves the zone and the organisation has a logging firewall. */
int sw_tel_net_conn(sw_tel_t *tel, int64_t t_ms, uint32_t pid, const sw_tel_conn_t *c,
                    uint32_t truth);
/* A DNS lookup by pid on host, answered with answer_ip (NULL: NXDOMAIN):
 * Sysmon 22 and Zeek dns (pcap). */
int sw_tel_dns(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid, const char *qname,
               const char *answer_ip, uint32_t truth);
/* A NetFlow summary exported by `exporter` (a router with netflow). */
int sw_tel_flow(sw_tel_t *tel, int64_t t_ms, uint32_t exporter, const sw_tel_conn_t *c,
                uint32_t truth);
/* A Suricata alert seen by `observer` (a host with pcap). */
int sw_tel_ids_alert(sw_tel_t *tel, int64_t t_ms, uint32_t observer, const sw_tel_conn_t *c,
                     uint32_t signature_id, const char *signature, const char *category,
                     int severity, uint32_t truth);

/* ---- devices and servers ----------------------------------------------------- */
int sw_tel_router_login(sw_tel_t *tel, int64_t t_ms, uint32_t host, const char *user,
                        const char *src_ip, int success, uint32_t truth);
int sw_tel_router_config_change(sw_tel_t *tel, int64_t t_ms, uint32_t host, const char *user,
                                const char *src_ip, const char *what, uint32_t truth);
/* reason NULL: an unexplained restart (a crash, or an implant's reload). */
int sw_tel_router_reboot(sw_tel_t *tel, int64_t t_ms, uint32_t host, const char *user,
                         const char *reason, uint32_t truth);
int sw_tel_web_request(sw_tel_t *tel, int64_t t_ms, uint32_t server, const char *src_ip,
                       const char *method, const char *uri, int status, uint64_t bytes,
                       const char *user_agent, uint32_t truth);
/* A message through the mail gateway `mail_host`. verdict "delivered",
 * "quarantined" or "rejected"; attachment may be NULL. */
int sw_tel_mail(sw_tel_t *tel, int64_t t_ms, uint32_t mail_host, const char *from, const char *to,
                const char *subject, const char *attachment, const char *src_ip,
                const char *verdict, uint32_t truth);
/* Antivirus detection on host (Defender 1116 on Windows). action "Quarantine",
 * "Remove", "Allow" (detected, not blocked). */
int sw_tel_av_detection(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t pid,
                        const char *threat, const char *path, const char *action, uint32_t truth);
/* Linux: sudo by account on host, running command. */
int sw_tel_sudo(sw_tel_t *tel, int64_t t_ms, sw_tel_session_t s, const char *command,
                uint32_t truth);

/* ---- power, isolation, links ------------------------------------------------- */
/* The host goes down at t_ms. why "reboot", "reimage", "restore", "reflash"
 * is orderly (Windows: User32 1074 + EventLog 6006; a device: its reload
 * messages); anything else ("power", a crash) writes nothing and the next
 * boot reports it (6008). From then on the host writes nothing (records it
 * would write are dropped) until sw_tel_host_up, which boots it again
 * (processes and sessions gone; Windows: EventLog 6005, Security 4608). */
int sw_tel_host_down(sw_tel_t *tel, int64_t t_ms, uint32_t host, const char *why, uint32_t truth);
int sw_tel_host_up(sw_tel_t *tel, int64_t t_ms, uint32_t host, uint32_t truth);
/* Network isolation (on = 1) or release (0): no connection, DNS lookup or
 * web request to or from the host is written while isolated; what happens
 * on the host itself is still logged (the EDR keeps its channel). */
int sw_tel_host_isolate(sw_tel_t *tel, uint32_t host, int on);
/* Down or isolated now? (Callers skip activity that needs the network.) */
int sw_tel_host_offline(const sw_tel_t *tel, uint32_t host);
/* An interface of router/firewall host changed state: Cisco %LINK-3-UPDOWN
 * and %LINEPROTO-5-UPDOWN, plus %BGP-5-ADJCHANGE for peer_ip (NULL: no BGP
 * session on it); FortiOS an interface status event. */
int sw_tel_link_state(sw_tel_t *tel, int64_t t_ms, uint32_t host, const char *ifname,
                      const char *peer_ip, int up, uint32_t truth);

/* ---- helpers for callers ------------------------------------------------------- */
/* The host's parent-of-everything for a session: explorer.exe PID of an
 * interactive Windows session, else 0. */
uint32_t sw_tel_session_shell(const sw_tel_t *tel, sw_tel_session_t s);
uint32_t sw_tel_session_host(const sw_tel_t *tel, sw_tel_session_t s);
/* Is the process alive? */
int sw_tel_process_alive(const sw_tel_t *tel, uint32_t host, uint32_t pid);
/* The organisation's domain controller / firewall / mail host, or SW_NONE. */
uint32_t sw_tel_org_role_host(const sw_tel_t *tel, uint32_t org, sw_role_t role);
/* The organisation's domain as records name it: NetBIOS ("PW-MOF") and DNS
 * ("pw-mof.local"); "" for no such organisation. */
const char *sw_tel_org_netbios(const sw_tel_t *tel, uint32_t org);
const char *sw_tel_org_dns(const sw_tel_t *tel, uint32_t org);
/* The PID of a running process on host whose image file name is name
 * (case-insensitive: "lsass.exe"), the lowest PID; 0 when none. O(processes). */
uint32_t sw_tel_find_process(const sw_tel_t *tel, uint32_t host, const char *name);

/* ---- background activity (background.c) ----------------------------------- */

/* Rates of benign activity. Per-user rates apply within the user's working
 * hours; per-host rates through the whole day. sw_tel_rates_default fills
 * the defaults (documented in docs/telemetry.md). */
typedef struct sw_tel_rates {
    double logons_per_user_day;      /* interactive logons/unlocks (4624 type 2/7/11) */
    double web_per_user_hour;        /* page visits: DNS + conn + proxy */
    double mail_per_user_hour;       /* inbound mails */
    double spam_ratio;               /* share of inbound mail quarantined */
    double apps_per_user_hour;       /* office/browser process starts */
    double share_per_user_hour;      /* file-server accesses (4624 type 3, 4769, SMB) */
    double failed_logon_ratio;       /* mistyped passwords per logon */
    double admin_actions_per_hour;   /* admins: PowerShell, wmic, netsh, RDP, ... */
    double tasks_per_host_day;       /* scheduled tasks running on Windows hosts */
    double updates_per_host_day;     /* software update checks */
    double dns_per_server_hour;      /* servers' own lookups */
    double ifm_backups_per_dc_day;   /* ntdsutil IFM backups on domain controllers */
    double web_hits_per_server_hour; /* requests to web servers from the internet */
    double router_logins_per_day;    /* admin logins on each router/firewall */
    double router_changes_per_day;   /* config changes on each router/firewall */
    double ssh_logins_per_linux_day; /* admin ssh logins on each Linux server */
    double cron_per_linux_hour;      /* cron jobs on each Linux server */
} sw_tel_rates_t;

void sw_tel_rates_default(sw_tel_rates_t *r);
/* The defaults, overridden by the rates the scenario gives (its
 * `telemetry: rates:` section, world.telemetry). */
void sw_tel_rates_from_world(sw_tel_rates_t *r, const sw_world_t *w);
/* The scenario's `telemetry: process_audit:`, SW_TEL_AUDIT_SERVERS unset. */
sw_tel_audit_t sw_tel_audit_from_world(const sw_world_t *w);

typedef struct sw_tel_bg sw_tel_bg_t;

/* Background generator over tel's world, with its own streams of seed. It
 * allocates through tel's allocator: free it before tel. */
int sw_tel_bg_new(sw_tel_bg_t **out, sw_tel_t *tel, const sw_tel_rates_t *rates, uint64_t seed);
void sw_tel_bg_free(sw_tel_bg_t *bg);
/* Generate the background activity with start times in [from_ms, to_ms), in
 * time order, through tel's sw_tel_* functions. Windows must be consecutive
 * (from_ms of one call = to_ms of the previous); a sim interleaves its own
 * calls between windows. Cost: O(activities * log actors). */
int sw_tel_background_run(sw_tel_bg_t *bg, int64_t from_ms, int64_t to_ms);

#endif
