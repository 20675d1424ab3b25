/* bridge_int.h — what the sim bridge's two files share (not a public
 * interface: sim_bridge.h is). sim_bridge.c follows the adversary through
 * the sim's events (footholds, sessions, shells, the queue of a burst's
 * commands); bridge_cmd.c reads a command line: the image it runs, the
 * scenario names its placeholders stand for, and the files, keys, network
 * and process access the command itself implies. */
#ifndef SW_TEL_BRIDGE_INT_H
#define SW_TEL_BRIDGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"
#include "telemetry/sim_bridge.h"
#include "telemetry/telemetry.h"

/* One adversary's hold on one host, as its records show it. gen counts the
 * times it was lost: a burst's queued commands of an older generation are
 * dropped. */
typedef struct foothold {
    uint32_t adversary, host;
    sw_tel_session_t sess; /* SW_NONE: none (network device) */
    uint32_t shell_pid;    /* 0: none yet */
    uint32_t server_pid;   /* web server process the attacker came in through, 0: none */
    int hidden;            /* network device: implant hides its sessions */
    int logged_in;         /* network device: login written */
    uint32_t gen;
    char shell_uri[160];  /* web shell installed on the host: its path, "" none */
    char attacker_ip[48]; /* where web-shell requests come from */
    char dev_user[64];    /* network device: the account logged in */
    char dev_src[48];     /* network device: where that session comes from */
} foothold_t;

/* A command of a burst waiting for its time (a min-heap on (t_ms, seq)). */
typedef struct burst_cmd {
    int64_t t_ms;
    uint64_t seq;
    uint32_t fh, fh_gen; /* foothold index and its generation when queued */
    uint32_t adversary, host, src_host, gt, step;
    uint16_t port;
    int first;             /* the burst's first command: the connection, the lure */
    const char *technique; /* the step's (world string) */
    const char *cmd;       /* into the step's procedure (world string) */
    uint32_t cmd_len;
    char line_tech[12]; /* the command's own technique, "" when none */
    char account[64];
    char src_ip[48], dst_ip[48];
} burst_cmd_t;

struct sw_tel_bridge {
    sw_tel_t *tel;
    sw_tel_bg_t *bg;
    const sw_world_t *w;
    int64_t bg_ms; /* background generated up to here */
    foothold_t *fh;
    uint32_t n_fh, cap_fh;
    burst_cmd_t *q; /* pending burst commands, a heap */
    uint32_t n_q, cap_q;
    uint64_t q_seq;
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

/* ---- command-line reading (bridge_cmd.c) ----------------------------------- */

int bridge_ci_contains(const char *hay, const char *needle);
/* The value after `key` (case-insensitive, e.g. "listenport=") up to a blank
 * or quote, into out; "" when absent. */
void bridge_arg_after(const char *cmd, const char *key, char *out, size_t n);
/* The host part of the first URL in cmd ("https://x.example/..."), or "";
 * path (may be NULL) gets the URL's path. */
void bridge_url_host(const char *cmd, char *out, size_t n, char *path, size_t pn);
/* The last token of cmd ending in ext (case-insensitive), or "". */
void bridge_token_ending(const char *cmd, const char *ext, char *out, size_t n);

/* Image path of the step's tool (or the command line's first token) for
 * the host's OS family, into out. */
void bridge_image(const char *tool, const char *cmdline, sw_os_family_t osf, char *out, size_t n);

/* The command cmd[0..len) with its placeholders ("{dc}", "{domain}") replaced
 * by the names of the step's world (procedure.h lists them), into out (cut
 * at n - 1). ev gives the target, source, adversary and account. */
void bridge_expand(const sw_tel_bridge_t *b, const sw_sim_event_t *ev, const char *cmd, size_t len,
                   char *out, size_t n);

/* What the command itself leaves besides its process: files it writes
 * (ntdsutil IFM, dumps, archives, hives, redirections, downloads), registry
 * values (PortProxy, Run keys), process access to lsass and the modules
 * dumping loads, net1.exe under net.exe, admin-share connections and the
 * logons they make, downloads and their traffic. pid ran cmd as image on
 * ev->host at t. */
int bridge_cmdline_fx(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                      const char *cmd, const char *image, unsigned fx, uint32_t truth);
/* Ransomware at work (T1486) by pid running image: files renamed and
 * rewritten encrypted, and notes; or, by an archiver, an archive and the
 * originals deleted. */
int bridge_encrypt(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
                   const char *image, const char *cmd, uint32_t truth);
/* An antivirus with fresh signatures names a known tool when it lands. */
int bridge_av(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t pid,
              const char *image, uint32_t truth);

/* ---- traffic (sim_bridge.c) -------------------------------------------------- */

/* The adversary's infrastructure for a step: the first URL host in the
 * command line, else its first C2 domain, and an address for it. */
void bridge_c2_target(const sw_tel_bridge_t *b, const sw_sim_event_t *ev, const char *cmdline,
                      char *dom, size_t dn, char *ip, size_t ipn, char *path, size_t pn);
/* Traffic to the adversary's infrastructure from pid on host. */
int bridge_c2_traffic(sw_tel_bridge_t *b, const sw_sim_event_t *ev, int64_t t, uint32_t host,
                      uint32_t pid, const char *dom, const char *ip, const char *path,
                      uint16_t port, uint64_t bytes_out, uint32_t truth);
/* The session the adversary's processes run under on host, or SW_NONE. */
sw_tel_session_t bridge_session_of(const sw_tel_bridge_t *b, uint32_t adv, uint32_t host);
/* The world user with this account in the host's organisation, or SW_NONE. */
uint32_t bridge_user(const sw_world_t *w, uint32_t host, const char *account);

#endif
