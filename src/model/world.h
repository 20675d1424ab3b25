/* world.h — the world model: what a scenario describes, as plain data.
 *
 * The scenario loader (src/scenario/) builds an sw_world_t from YAML; the
 * simulation engine (src/sim/) reads it and never changes it (its own mutable
 * state lives in sim structures indexed like these arrays). Everything here is
 * static description: no state that changes while an exercise runs.
 *
 * Design notes
 *  1. Objects live in flat arrays inside the world and refer to each other by
 *     index (uint32_t, SW_NONE when absent), never by pointer: indices survive
 *     copying, make the sim's parallel state arrays trivial, and keep the
 *     engine's iteration order fixed (array order = file order), which the
 *     determinism guarantee depends on.
 *  2. Every object keeps the place it was defined (sw_loc_t), so later stages
 *     (validation, the sim refusing a command) can point at FILE:LINE:COL.
 *  3. All strings and arrays are owned by the world's arena and die with
 *     sw_world_free; nothing in a world is freed piecemeal.
 *  4. Times are milliseconds of exercise time (from the exercise start) unless
 *     a name says otherwise; probabilities are doubles in [0, 1].
 *  5. Enumerations have a *_NAMES table (model.c) giving the spelling used in
 *     scenario files, so loader, docs and output agree on one vocabulary.
 */
#ifndef SW_WORLD_H
#define SW_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define SW_NONE UINT32_MAX
#define SW_MAX_OPERATORS 8 /* an adversary's operators at work at once (sw_adversary_t) */

typedef struct sw_loc {
    const char *file; /* as given to the loader (or "builtin:NAME") */
    int line;         /* 1-based */
    int col;          /* 1-based */
} sw_loc_t;

/* A list of indices into one of the world's arrays. */
typedef struct sw_idlist {
    uint32_t *ids;
    uint32_t n;
} sw_idlist_t;

/* A list of strings. */
typedef struct sw_strlist {
    const char **s;
    uint32_t n;
} sw_strlist_t;

/* ---- enumerations (spellings in model.c, *_names tables) ------------------ */

typedef enum { SW_TEAM_PLAYER, SW_TEAM_OBSERVER } sw_team_kind_t;

/* What observer delegations see (an exercise setting, `observers_see`):
 * ordered, so >= comparisons mean "at least". */
typedef enum {
    SW_OBS_NOTHING,    /* "nothing": the exercise's name and clock */
    SW_OBS_SCOREBOARD, /* "scoreboard": plus the scoreboard and the timeline of acts */
    SW_OBS_TEAMS,      /* "teams": plus every player team's records, alerts and acts, read-only */
    SW_OBS_EVERYTHING, /* "everything": plus the white cell's ground truth */
    SW_OBS__COUNT
} sw_observer_view_t;

typedef enum {
    SW_ORG_GOVERNMENT,    /* "government": ministry networks */
    SW_ORG_TELECOM,       /* "telecom": fixed-line core, international gateway */
    SW_ORG_MOBILE,        /* "mobile" */
    SW_ORG_ISP,           /* "isp" */
    SW_ORG_UTILITY,       /* "utility": power, water */
    SW_ORG_CABLE_LANDING, /* "cable-landing": landing station operator */
    SW_ORG_OTHER,         /* "other" */
    SW_ORG__COUNT
} sw_org_kind_t;

typedef enum {
    SW_ZONE_INTERNET, /* "internet": outside everything */
    SW_ZONE_DMZ,      /* "dmz": internet-facing */
    SW_ZONE_INTERNAL, /* "internal" */
    SW_ZONE_MGMT,     /* "management" */
    SW_ZONE_OT,       /* "ot" */
    SW_ZONE_WAN,      /* "wan": inter-site links, provider backbone */
    SW_ZONE__COUNT
} sw_zone_t;

typedef enum { SW_OSF_WINDOWS, SW_OSF_LINUX, SW_OSF_NETWORK, SW_OSF_OTHER } sw_os_family_t;

/* Host roles: what the machine is for. Planner targets and service outages
 * are expressed through roles. */
typedef enum {
    SW_ROLE_DOMAIN_CONTROLLER, /* "domain-controller" */
    SW_ROLE_MAIL,              /* "mail" */
    SW_ROLE_DNS,               /* "dns" */
    SW_ROLE_WEB,               /* "web" */
    SW_ROLE_FILE_SERVER,       /* "file-server" */
    SW_ROLE_DATABASE,          /* "database" */
    SW_ROLE_WORKSTATION,       /* "workstation" */
    SW_ROLE_EDGE_ROUTER,       /* "edge-router" */
    SW_ROLE_CORE_ROUTER,       /* "core-router" */
    SW_ROLE_FIREWALL,          /* "firewall" */
    SW_ROLE_VPN_GATEWAY,       /* "vpn-gateway" */
    SW_ROLE_NMS,               /* "nms" */
    SW_ROLE_BILLING,           /* "billing" */
    SW_ROLE_MOBILE_CORE,       /* "mobile-core" */
    SW_ROLE_INTL_GATEWAY,      /* "international-gateway" */
    SW_ROLE_SCADA_HMI,         /* "scada-hmi" */
    SW_ROLE_JUMP_HOST,         /* "jump-host" */
    SW_ROLE_BACKUP,            /* "backup" */
    SW_ROLE_SIEM,              /* "siem" */
    SW_ROLE_SOHO_ROUTER,       /* "soho-router": small-office routers (relay fodder) */
    SW_ROLE_APP_SERVER,        /* "app-server" */
    SW_ROLE__COUNT
} sw_role_t;

typedef enum { SW_CRIT_LOW, SW_CRIT_MEDIUM, SW_CRIT_HIGH, SW_CRIT_CRITICAL } sw_crit_t;

/* Attacker privilege on a host; ordered, so >= comparisons mean "at least". */
typedef enum { SW_PRIV_NONE, SW_PRIV_USER, SW_PRIV_ADMIN, SW_PRIV_SYSTEM } sw_priv_t;

typedef enum {
    SW_LINK_LAN,       /* "lan" */
    SW_LINK_WAN,       /* "wan": leased line, MPLS between sites */
    SW_LINK_INTERNET,  /* "internet": an uplink to a provider */
    SW_LINK_CABLE,     /* "cable": submarine cable segment */
    SW_LINK_SATELLITE, /* "satellite" */
    SW_LINK__COUNT
} sw_link_kind_t;

typedef enum { SW_PROTO_TCP, SW_PROTO_UDP } sw_proto_t;

/* ---- exercise, teams, organisations -------------------------------------- */

typedef struct sw_learning_obj { /* a learning objective */
    const char *id;
    const char *text;
    const char *category; /* detection, containment, recovery, reporting, cooperation */
    double weight;
    sw_loc_t loc;
} sw_learning_obj_t;

typedef struct sw_exercise_spec {
    const char *name;
    const char *description;
    int64_t duration_ms;
    int start_minute;     /* minute of the day the exercise clock starts (0..1439) */
    const char *timezone; /* IANA name, e.g. "Pacific/Palau" */
    int utc_offset_min;   /* offset of that zone at the exercise date, minutes */
    const char *date;     /* YYYY-MM-DD the exercise is set on */
    double speed;         /* default: exercise seconds per wall second */
    int observers_see;    /* sw_observer_view_t: what observer delegations may see */
    uint64_t seed;
    sw_learning_obj_t *objectives;
    uint32_t n_objectives;
    sw_loc_t loc;
} sw_exercise_spec_t;

typedef struct sw_team {
    const char *id;
    const char *name;
    const char *country; /* ISO 3166-1 alpha-2 */
    sw_team_kind_t kind;
    sw_idlist_t orgs; /* organisations this team defends */
    sw_loc_t loc;
    const char *timezone; /* where the team is (IANA); NULL: the exercise's */
    int utc_offset_min;   /* its offset from UTC, minutes (with timezone) */
} sw_team_t;

/* A firewall rule between two zones of one organisation; first match wins,
 * then the organisation's default (deny unless default_allow). */
typedef struct sw_fw_rule {
    sw_zone_t from;
    sw_zone_t to;
    uint16_t port_lo; /* 0..65535; 0-65535 means any */
    uint16_t port_hi;
    sw_proto_t proto;
    int allow;
    sw_loc_t loc;
} sw_fw_rule_t;

typedef struct sw_org {
    const char *id;
    const char *name;
    sw_org_kind_t kind;
    uint32_t team;
    sw_idlist_t networks;
    sw_idlist_t hosts;
    sw_idlist_t users;
    sw_fw_rule_t *fw;
    uint32_t n_fw;
    int fw_default_allow;
    /* International traffic: the links it rides on (all needed), and the
     * backup path used on failover (all needed). */
    sw_idlist_t intl_primary;
    sw_idlist_t intl_backup;
    /* A trusted link to another organisation (subsidiary to headquarters):
     * traffic between them passes without the internet in between. */
    sw_idlist_t trusts;
    sw_loc_t loc;
} sw_org_t;

/* ---- networks and hosts -------------------------------------------------- */

typedef struct sw_cidr {
    uint8_t addr[16]; /* IPv4 in the first 4 bytes when v4 */
    uint8_t prefix;
    uint8_t v6;
} sw_cidr_t;

typedef struct sw_network {
    const char *id;
    const char *name;
    sw_cidr_t cidr;
    sw_zone_t zone;
    uint32_t org;
    sw_idlist_t hosts;
    sw_loc_t loc;
} sw_network_t;

typedef struct sw_service {
    const char *name; /* unique within its host: "smtp", "https", "dns" */
    uint16_t port;
    sw_proto_t proto;
    int exposed; /* reachable from the internet (subject to firewall) */
    /* Dependencies on other services, as (host, service index) pairs. */
    uint32_t *dep_host;
    uint32_t *dep_svc;
    uint32_t n_deps;
    sw_loc_t loc;
} sw_service_t;

typedef struct sw_vuln {
    const char *cve;       /* "CVE-2023-46805" */
    const char *service;   /* service name it lives in, or NULL (local) */
    double exploitability; /* probability one attempt succeeds */
    int remote;            /* exploitable over the network */
    sw_priv_t grants;      /* privilege an exploit gives */
    sw_loc_t loc;
} sw_vuln_t;

typedef struct sw_account {
    const char *name;
    int admin;
    sw_loc_t loc;
} sw_account_t;

typedef struct sw_sensors {
    int sysmon;
    int edr;
    int av;
    int av_sig_age_days; /* signatures this many days old at start */
    int security_log;    /* Windows Security / Linux auth+audit */
    int log_forwarding;  /* logs leave the host (clearing them later leaves a copy) */
    int pcap;            /* full packet capture on its links */
    int netflow;
    int syslog; /* network devices: syslog to a collector */
} sw_sensors_t;

typedef struct sw_backup {
    int present;
    int64_t interval_ms;      /* schedule: every N ms */
    int64_t last_good_age_ms; /* age of the newest good backup at start */
    int offline;              /* offline/immutable copies survive ransomware */
    int64_t restore_ms;       /* how long a restore takes */
} sw_backup_t;

typedef struct sw_host {
    const char *id;
    const char *hostname;
    uint8_t ip[16];
    int ip_v6;
    const char *ip_text;
    uint32_t network;
    uint32_t org;
    uint32_t team;
    const char *os; /* spelling from the OS table, e.g. "windows-server-2019" */
    sw_os_family_t os_family;
    sw_role_t role;
    sw_crit_t criticality;
    sw_service_t *services;
    uint32_t n_services;
    sw_account_t *accounts;
    uint32_t n_accounts;
    sw_strlist_t software;
    sw_vuln_t *vulns;
    uint32_t n_vulns;
    sw_sensors_t sensors;
    sw_backup_t backup;
    int domain_joined;
    int64_t reimage_ms; /* how long a reimage takes (default by role) */
    sw_loc_t loc;
} sw_host_t;

/* ---- people -------------------------------------------------------------- */

typedef struct sw_user {
    const char *id;
    const char *name;    /* the person */
    const char *account; /* sAMAccountName / login */
    uint32_t org;
    uint32_t workstation; /* host index or SW_NONE */
    sw_strlist_t groups;  /* "Domain Admins", "VPN Users", ... */
    int domain_admin;     /* derived: member of an admin group */
    int vpn;              /* has VPN access */
    int work_start_min;   /* working hours, minutes of day */
    int work_end_min;
    double phishing; /* probability of opening a lure */
    sw_loc_t loc;
} sw_user_t;

/* ---- links --------------------------------------------------------------- */

typedef struct sw_link {
    const char *id;
    const char *name;
    sw_link_kind_t kind;
    const char *end_a; /* landing point / site name */
    const char *end_b;
    double length_km;
    double capacity_mbps;
    double latency_ms; /* one way */
    int64_t repair_ms; /* time to repair a fault (cables: weeks) */
    sw_loc_t loc;
} sw_link_t;

/* ---- business services --------------------------------------------------- */

typedef enum {
    SW_DEP_HOST,     /* host is up and not isolated */
    SW_DEP_SERVICE,  /* a host's service is up */
    SW_DEP_LINK,     /* a link is up */
    SW_DEP_BUSINESS, /* another business service */
    SW_DEP_INTL,     /* the organisation's international transit */
} sw_dep_kind_t;

typedef struct sw_dep {
    sw_dep_kind_t kind;
    uint32_t ref; /* host, link, business service or org index */
    uint32_t svc; /* service index within host, for SW_DEP_SERVICE */
    sw_loc_t loc;
} sw_dep_t;

typedef struct sw_business {
    const char *id;
    const char *name;
    uint32_t team;
    uint32_t org;
    double weight; /* share of the team's availability score */
    sw_dep_t *all; /* every one must be up */
    uint32_t n_all;
    sw_dep_t *any; /* at least one must be up (n_any == 0: no such group) */
    uint32_t n_any;
    double min_capacity_mbps; /* international: below this on backup it degrades */
    sw_loc_t loc;
} sw_business_t;

/* ---- adversaries ---------------------------------------------------------- */

/* Which hosts a step or objective may act on. Empty fields match anything. */
typedef struct sw_selector {
    int has_role;
    sw_role_t role;
    uint32_t host; /* a specific host, or SW_NONE */
    uint32_t org;  /* restrict to an organisation, or SW_NONE */
    int org_kind;  /* sw_org_kind_t, or -1 */
    int zone;      /* sw_zone_t, or -1 */
    sw_loc_t loc;
} sw_selector_t;

typedef enum {
    SW_CRED_DOMAIN_USER,  /* "domain-user" */
    SW_CRED_DOMAIN_ADMIN, /* "domain-admin" */
    SW_CRED_LOCAL_ADMIN,  /* "local-admin" */
    SW_CRED_VPN,          /* "vpn" */
    SW_CRED_ROUTER_ADMIN, /* "router-admin" */
    SW_CRED_KRBTGT,       /* "krbtgt": golden tickets until the secret is reset twice */
    SW_CRED_SERVICE,      /* "service-account" */
    SW_CRED__COUNT
} sw_cred_kind_t;

typedef enum { SW_CREDF_PASSWORD, SW_CREDF_HASH, SW_CREDF_TICKET } sw_cred_form_t;

typedef enum {
    SW_PERSIST_WEBSHELL,  /* "webshell" */
    SW_PERSIST_SCHEDTASK, /* "scheduled-task" */
    SW_PERSIST_SERVICE,   /* "service" */
    SW_PERSIST_FIRMWARE,  /* "firmware": survives reboot and reimage; only reflash removes */
    SW_PERSIST_ACCOUNT,   /* "account": a created account */
    SW_PERSIST_REGISTRY,  /* "registry": run key */
    SW_PERSIST__COUNT
} sw_persist_t;

/* A precondition of a playbook step. */
typedef enum {
    SW_PRE_ON_TARGET,  /* attacker holds >= priv on the target host */
    SW_PRE_FOOTHOLD,   /* attacker holds >= priv on some host matching sel */
    SW_PRE_REACH,      /* target's port reachable from the attacker's position */
    SW_PRE_VULN,       /* target has an unpatched vuln (cve, or any remote when cve NULL) */
    SW_PRE_CREDENTIAL, /* attacker holds a valid credential of this kind */
    SW_PRE_PHISHABLE,  /* target is a workstation whose user may open a lure */
    SW_PRE_FACT,       /* attacker has learned/done a named fact */
    SW_PRE_NOT_FACT,   /* ... has not */
    SW_PRE_C2,         /* a working command-and-control channel */
    SW_PRE_AFTER,      /* exercise time >= at_ms (trigger times) */
} sw_pre_kind_t;

typedef struct sw_pre {
    sw_pre_kind_t kind;
    sw_priv_t priv;
    sw_selector_t sel;
    uint16_t port;
    const char *cve;
    sw_cred_kind_t cred;
    const char *fact;
    int64_t at_ms;
    sw_loc_t loc;
} sw_pre_t;

typedef enum {
    SW_EFF_FOOTHOLD,        /* gain priv on the target */
    SW_EFF_CREDENTIAL,      /* harvest a credential (kind, form) */
    SW_EFF_PERSIST,         /* install persistence on the target */
    SW_EFF_FACT,            /* learn a named fact */
    SW_EFF_C2,              /* establish a C2 channel (channel name) */
    SW_EFF_PROXY,           /* target becomes a relay node (proxy network) */
    SW_EFF_ENCRYPT,         /* target's data encrypted: its services down until restored */
    SW_EFF_WIPE,            /* target's data destroyed */
    SW_EFF_EXFIL,           /* data leaves from the target (megabytes) */
    SW_EFF_DISRUPT,         /* target's services stopped (e.g. routing config pushed) */
    SW_EFF_TAMPER_LOGS,     /* target's local logs cleared / logging stopped */
    SW_EFF_DESTROY_BACKUPS, /* shadow copies and online backups gone */
    SW_EFF_SPREAD,          /* malware copies itself to reachable hosts matching sel */
} sw_eff_kind_t;

typedef struct sw_eff {
    sw_eff_kind_t kind;
    sw_priv_t priv;
    sw_cred_kind_t cred;
    sw_cred_form_t form;
    const char *account; /* credential: the account it yields (NULL: one drawn) */
    sw_persist_t persist;
    const char *fact;
    const char *channel; /* c2: "https", "dns", "proxy", ... */
    double megabytes;
    sw_selector_t sel; /* spread: which hosts */
    sw_loc_t loc;
} sw_eff_t;

typedef struct sw_step {
    const char *id;
    const char *name;
    const char *technique; /* ATT&CK id, "T1003.003" */
    const char *tactic;    /* first tactic of the technique (from the table) */
    const char *procedure; /* the real command line or protocol action */
    const char *tool;      /* executable or tool, e.g. "ntdsutil.exe" */
    sw_selector_t target;
    sw_pre_t *pre;
    uint32_t n_pre;
    sw_eff_t *eff;
    uint32_t n_eff;
    int64_t dur_min_ms;
    int64_t dur_max_ms;
    double success;
    double noise; /* detectability, 0 silent .. 1 loud */
    sw_loc_t loc;
} sw_step_t;

typedef enum {
    SW_OBJ_EXFILTRATE,  /* "exfiltrate": data out of a place */
    SW_OBJ_PREPOSITION, /* "preposition": persistent access to a place, held */
    SW_OBJ_DISRUPT,     /* "disrupt": stop a place's services at a trigger time */
    SW_OBJ_ENCRYPT,     /* "encrypt": ransom a place's data */
    SW_OBJ_IMPLANT,     /* "implant": firmware implant on routers */
    SW_OBJ__COUNT
} sw_obj_kind_t;

typedef struct sw_adv_objective {
    const char *id;
    const char *description;
    sw_obj_kind_t kind;
    sw_selector_t target;
    int64_t at_ms;      /* disrupt: trigger time; 0 otherwise */
    double megabytes;   /* exfiltrate: how much counts as done */
    uint32_t min_hosts; /* encrypt/implant: how many target hosts count as done */
    sw_loc_t loc;
} sw_adv_objective_t;

typedef struct sw_adversary {
    const char *id;
    const char *name;
    const char *group;   /* ATT&CK group modelled on, "G1017", or NULL */
    sw_idlist_t targets; /* teams */
    int64_t start_ms;    /* when it begins */
    double patience;     /* 0..1: tendency to go quiet and wait when opposed */
    uint32_t operators;  /* steps it runs at once (its hands on keyboards); 0 or 1: one */
    sw_adv_objective_t *objectives;
    uint32_t n_objectives;
    sw_step_t *steps;
    uint32_t n_steps;
    sw_strlist_t c2_domains; /* infrastructure, for blocks and indicators */
    sw_strlist_t c2_ips;
    sw_loc_t loc;
} sw_adversary_t;

/* ---- injects -------------------------------------------------------------- */

typedef enum {
    SW_INJ_EMAIL,
    SW_INJ_NEWS,
    SW_INJ_PHONE,
    SW_INJ_ADVISORY,
    SW_INJ_CHAT,
    SW_INJ_TECHNICAL,
    SW_INJ__COUNT
} sw_inject_kind_t;

typedef enum {
    SW_TRIG_TIME,        /* at at_ms */
    SW_TRIG_ATTACKER_ON, /* attacker reaches a host matching sel (in team) */
    SW_TRIG_STEP,        /* an adversary step succeeds */
    SW_TRIG_OBJECTIVE,   /* an adversary objective is reached */
} sw_trigger_kind_t;

typedef enum {
    SW_TECH_NONE,
    SW_TECH_CABLE_FAULT, /* cut a link */
    SW_TECH_LINK_REPAIR, /* restore a link */
    SW_TECH_POWER_LOSS,  /* hosts of an org (or one host) go down for a while */
} sw_tech_kind_t;

typedef struct sw_indicator {
    const char *type; /* STIX-ish: "ipv4-addr", "domain-name", "file:hashes.SHA-256", "url" */
    const char *value;
    sw_loc_t loc;
} sw_indicator_t;

typedef struct sw_inject {
    const char *id; /* control number, "MSEL-007" */
    const char *title;
    sw_inject_kind_t kind;
    sw_trigger_kind_t trigger;
    int64_t at_ms;      /* SW_TRIG_TIME; also the earliest time for conditions */
    sw_selector_t sel;  /* SW_TRIG_ATTACKER_ON */
    uint32_t adversary; /* SW_TRIG_STEP/OBJECTIVE: which adversary */
    uint32_t index;     /* step or objective index within it */
    const char *from;
    sw_idlist_t to;     /* teams; empty means all player teams */
    int to_instructors; /* white cell only */
    const char *subject;
    const char *body;
    sw_indicator_t *indicators;
    uint32_t n_indicators;
    sw_tech_kind_t tech;
    uint32_t tech_link; /* cable fault / repair */
    uint32_t tech_org;  /* power loss: org, or SW_NONE */
    uint32_t tech_host; /* power loss: host, or SW_NONE */
    int64_t tech_duration_ms;
    sw_loc_t loc;
} sw_inject_t;

/* ---- scoring and rules ---------------------------------------------------- */

typedef enum {
    SW_ACT_ISOLATE,
    SW_ACT_RELEASE,
    SW_ACT_BLOCK_IP,
    SW_ACT_BLOCK_DOMAIN,
    SW_ACT_BLOCK_PORT,
    SW_ACT_DISABLE_ACCOUNT,
    SW_ACT_RESET_PASSWORD,
    SW_ACT_RESET_KRBTGT,
    SW_ACT_KILL_PROCESS,
    SW_ACT_QUARANTINE_FILE,
    SW_ACT_PATCH,
    SW_ACT_REIMAGE,
    SW_ACT_RESTORE,
    SW_ACT_REFLASH,
    SW_ACT_ENHANCED_LOGGING,
    SW_ACT_FAILOVER,
    SW_ACT_NULL_ROUTE,
    SW_ACT_SHARE_INDICATOR,
    SW_ACT_REPORT,
    SW_ACT__COUNT
} sw_action_t;

typedef struct sw_scoring {
    double w_availability;
    double w_detection;
    double w_containment;
    double w_recovery;
    double w_reporting;
    double w_sharing;
    double hint_cost; /* points per hint taken */
    /* the score (docs/scoring.md): its scale, timeliness, cooperation, penalties */
    double points;           /* a perfect team's total */
    int64_t detect_full_ms;  /* a stage detected this soon after it began: full credit */
    int64_t detect_zero_ms;  /* ... this late or never: none (linear between) */
    int64_t contain_full_ms; /* the same for containment */
    int64_t contain_zero_ms;
    double share_goal;           /* cooperation credit for full marks */
    double collateral_cost;      /* points per healthy critical host isolated, reimaged... */
    double false_indicator_cost; /* points per wrong indicator shared */
    double rule_broken_cost;     /* points per rule broken */
    uint32_t allowed_actions;    /* bit set over sw_action_t; all by default */
    int hints;                   /* hints offered */
    sw_loc_t loc;
} sw_scoring_t;

/* ---- telemetry (scenario `telemetry:`) ----------------------------------- */

/* Background activity rates a scenario may set (docs/telemetry.md has their
 * meaning and defaults); the telemetry layer maps them onto sw_tel_rates_t. */
typedef enum {
    SW_RATE_LOGONS_PER_USER_DAY,
    SW_RATE_WEB_PER_USER_HOUR,
    SW_RATE_MAIL_PER_USER_HOUR,
    SW_RATE_SPAM_RATIO,
    SW_RATE_APPS_PER_USER_HOUR,
    SW_RATE_SHARE_PER_USER_HOUR,
    SW_RATE_FAILED_LOGON_RATIO,
    SW_RATE_ADMIN_ACTIONS_PER_HOUR,
    SW_RATE_TASKS_PER_HOST_DAY,
    SW_RATE_UPDATES_PER_HOST_DAY,
    SW_RATE_DNS_PER_SERVER_HOUR,
    SW_RATE_IFM_BACKUPS_PER_DC_DAY,
    SW_RATE_WEB_HITS_PER_SERVER_HOUR,
    SW_RATE_ROUTER_LOGINS_PER_DAY,
    SW_RATE_ROUTER_CHANGES_PER_DAY,
    SW_RATE_SSH_LOGINS_PER_LINUX_DAY,
    SW_RATE_CRON_PER_LINUX_HOUR,
    SW_RATE__COUNT
} sw_rate_t;

typedef enum {
    SW_PROC_AUDIT_DEFAULT = -1, /* not set: the telemetry default (servers) */
    SW_PROC_AUDIT_NONE,         /* "none" */
    SW_PROC_AUDIT_SERVERS,      /* "servers" */
    SW_PROC_AUDIT_ALL,          /* "all" */
    SW_PROC_AUDIT__COUNT
} sw_proc_audit_t;

typedef struct sw_telemetry_spec {
    double rates[SW_RATE__COUNT];
    uint32_t rates_set;         /* bit (1u << sw_rate_t) per rate the scenario gives */
    sw_proc_audit_t proc_audit; /* which hosts write 4688 before enhanced logging */
    sw_loc_t loc;
} sw_telemetry_spec_t;

/* ---- the world ------------------------------------------------------------ */

typedef struct sw_world {
    sw_arena_t arena;
    sw_exercise_spec_t exercise;
    sw_team_t *teams;
    uint32_t n_teams;
    sw_org_t *orgs;
    uint32_t n_orgs;
    sw_network_t *networks;
    uint32_t n_networks;
    sw_host_t *hosts;
    uint32_t n_hosts;
    sw_user_t *users;
    uint32_t n_users;
    sw_link_t *links;
    uint32_t n_links;
    sw_business_t *business;
    uint32_t n_business;
    sw_adversary_t *adversaries;
    uint32_t n_adversaries;
    sw_inject_t *injects;
    uint32_t n_injects;
    sw_scoring_t scoring;
    sw_telemetry_spec_t telemetry;
    sw_strlist_t files; /* every file read (main first, then includes) */
} sw_world_t;

/* Spellings used in scenario files and output; indexed by the enum value. */
extern const char *const sw_org_kind_names[SW_ORG__COUNT];
extern const char *const sw_zone_names[SW_ZONE__COUNT];
extern const char *const sw_role_names[SW_ROLE__COUNT];
extern const char *const sw_crit_names[4];
extern const char *const sw_priv_names[4];
extern const char *const sw_link_kind_names[SW_LINK__COUNT];
extern const char *const sw_cred_kind_names[SW_CRED__COUNT];
extern const char *const sw_persist_names[SW_PERSIST__COUNT];
extern const char *const sw_obj_kind_names[SW_OBJ__COUNT];
extern const char *const sw_inject_kind_names[SW_INJ__COUNT];
extern const char *const sw_observer_view_names[SW_OBS__COUNT];
extern const char *const sw_action_names[SW_ACT__COUNT];
extern const char *const sw_rate_names[SW_RATE__COUNT];
extern const char *const sw_proc_audit_names[SW_PROC_AUDIT__COUNT];

/* Index of name in a names table of n entries, or -1. Exact match. */
int sw_enum_lookup(const char *const *names, int n, const char *name);

void sw_world_init(sw_world_t *w);
void sw_world_free(sw_world_t *w);

/* Look-ups by id; SW_NONE when absent. O(n) — build an index if hot. */
uint32_t sw_world_team(const sw_world_t *w, const char *id);
uint32_t sw_world_host(const sw_world_t *w, const char *id);
uint32_t sw_world_link(const sw_world_t *w, const char *id);
uint32_t sw_world_org(const sw_world_t *w, const char *id);

/* Unix ms of exercise time 0: the exercise's date (2026-03-10 when it has
 * none) at its start time in its zone. What telemetry stamps records with. */
int64_t sw_world_epoch_ms(const sw_world_t *w);

/* Does host h match selector s? */
int sw_selector_match(const sw_world_t *w, const sw_selector_t *s, uint32_t h);

/* CIDR helpers. sw_cidr_parse returns 0 or SW_EINVAL. */
int sw_cidr_parse(const char *text, sw_cidr_t *out);
int sw_ip_parse(const char *text, uint8_t ip[16], int *v6);
int sw_cidr_contains(const sw_cidr_t *c, const uint8_t ip[16], int v6);
int sw_cidr_overlap(const sw_cidr_t *a, const sw_cidr_t *b);

#endif
