/* test_sigma_logsource.c — the logsource table for records that are not
 * Windows events (src/detect/sigma_logsource.c): for every such logsource,
 * a rule written with Sigma's field names (as SigmaHQ's rules for it are)
 * matches a record of the shape seawall's telemetry writes for it
 * (docs/telemetry.md), and does not match records of other types that carry
 * the same values or text - so a rule cannot fire on the wrong records.
 * Keywords are searched in the raw log line (message) where the record keeps
 * one, not in its other fields. Every non-Windows entry of the table has a
 * case here (checked), so a new entry comes with its test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "detect/event.h"
#include "detect/sigma.h"
#include "detect/sigma_int.h"

/* ---- records, in the shapes seawall writes -------------------------------------- */

#define CISCO(code, msg)                                                                           \
    "{\"@timestamp\":\"2026-02-12T01:36:37.480Z\",\"host\":{\"name\":\"PNI-CORE01\",\"ip\":"       \
    "\"10.60.0.1\"},\"observer\":{\"vendor\":\"Cisco\",\"product\":\"IOS\",\"type\":\"router\"},"  \
    "\"event\":{\"dataset\":\"cisco.ios\",\"action\":\"x\",\"outcome\":\"success\",\"code\":"      \
    "\"" code                                                                                      \
    "\"},\"user\":{\"name\":\"admin\"},\"source\":{\"ip\":\"10.60.9.10\"},\"log\":{\"level\":"     \
    "\"notice\"},\"message\":\"" msg "\"}"
#define CISCO_CMD(cmd)                                                                             \
    CISCO("PARSER-5-CFGLOG_LOGGEDCMD",                                                             \
          "%PARSER-5-CFGLOG_LOGGEDCMD: User:admin  logged command:" cmd)
#define FORTI_EVENT(msg)                                                                           \
    "{\"@timestamp\":\"2026-02-12T01:36:37.480Z\",\"host\":{\"name\":\"pw-fw01\"},\"observer\":{"  \
    "\"vendor\":\"Fortinet\",\"product\":\"FortiGate\",\"type\":\"firewall\"},\"event\":{"         \
    "\"dataset\":\"fortinet.firewall\",\"action\":\"accept\",\"outcome\":\"success\",\"code\":"    \
    "\"0100044547\"},\"destination\":{\"port\":23},\"message\":\"" msg "\"}"
#define AUTH(proc, msg)                                                                            \
    "{\"@timestamp\":\"2026-03-09T23:23:39.965Z\",\"host\":{\"name\":\"pw-app01\"},\"event\":{"    \
    "\"dataset\":\"system.auth\",\"category\":[\"authentication\"],\"action\":\"x\",\"outcome\":"  \
    "\"success\"},\"process\":{\"name\":\"" proc "\",\"pid\":23984},\"user\":{\"name\":"           \
    "\"kobe.aiono1\"},\"log\":{\"syslog\":{\"facility\":{\"name\":\"authpriv\"}}},\"message\":"    \
    "\"" msg "\"}"
#define SYSCALL(exe)                                                                               \
    "{\"@timestamp\":\"2026-03-04T00:55:05.903Z\",\"host\":{\"name\":\"pw-mail01\"},\"type\":"     \
    "\"SYSCALL\",\"msg\":\"audit(1772585705.903:94919):\",\"arch\":\"c000003e\",\"syscall\":"      \
    "\"59\",\"success\":\"yes\",\"exit\":\"0\",\"ppid\":\"1\",\"pid\":\"48472\",\"auid\":"         \
    "\"1000\",\"uid\":\"0\",\"euid\":\"0\",\"tty\":\"pts0\",\"comm\":\"x\",\"exe\":\"" exe         \
    "\",\"key\":\"exec\"}"
#define EXECVE(a0, a1)                                                                             \
    "{\"@timestamp\":\"2026-03-04T00:55:05.903Z\",\"host\":{\"name\":\"pw-mail01\"},\"type\":"     \
    "\"EXECVE\",\"msg\":\"audit(1772585705.903:94919):\",\"argc\":\"2\",\"a0\":\"" a0              \
    "\",\"a1\":\"" a1 "\"}"
#define CLAMAV(sig, path)                                                                          \
    "{\"@timestamp\":\"2026-03-10T00:00:09.400Z\",\"host\":{\"name\":\"pw-mail01\"},\"observer\":" \
    "{\"vendor\":\"Cisco\",\"product\":\"ClamAV\",\"type\":\"antivirus\"},\"event\":{\"dataset\":" \
    "\"clamav.log\",\"kind\":\"alert\",\"category\":[\"malware\"],\"action\":\"Allow\"},"          \
    "\"threat\":{\"indicator_name\":\"" sig "\"},\"file\":{\"path\":\"" path                       \
    "\"},\"message\":\"" path ": " sig " FOUND\"}"
#define DEFENDER_1116(sig, path)                                                                   \
    "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Microsoft-Windows-Windows " \
    "Defender\"}},\"EventID\":1116,\"Channel\":\"Microsoft-Windows-Windows "                       \
    "Defender/Operational\","                                                                      \
    "\"Computer\":\"pw-ws001.pw-gov.local\"},\"EventData\":{\"Threat Name\":\"" sig "\",\"Path\":" \
    "\"" path "\"}}}"
#define ZEEK_DNS(q, qt)                                                                            \
    "{\"ts\":1773098784.019,\"uid\":\"CEu0LbC2OKsYkEyCi0\",\"id.orig_h\":\"10.10.1.10\","          \
    "\"id.orig_p\":53684,\"id.resp_h\":\"8.8.8.8\",\"id.resp_p\":53,\"proto\":\"udp\","            \
    "\"trans_id\":17459,\"query\":\"" q "\",\"qtype\":16,\"qtype_name\":\"" qt "\",\"rcode\":0,"   \
    "\"rcode_name\":\"NOERROR\",\"answers\":[\"20.113.107.227\"],\"rejected\":false}"
#define ZEEK_CONN(port)                                                                            \
    "{\"ts\":1773097352.386,\"uid\":\"COFv72b3y1hfw0LzUD\",\"id.orig_h\":\"182.170.145.248\","     \
    "\"id.orig_p\":58013,\"id.resp_h\":\"10.10.0.16\",\"id.resp_p\":" port ",\"proto\":\"tcp\","   \
    "\"service\":\"ssl\",\"duration\":0.15,\"conn_state\":\"SF\",\"history\":\"ShADadFf\"}"
#define FW_TRAFFIC(port, action)                                                                   \
    "{\"@timestamp\":\"2026-03-09T23:02:32.386Z\",\"observer\":{\"name\":\"pw-fw01\",\"vendor\":"  \
    "\"Fortinet\",\"product\":\"FortiGate\",\"type\":\"firewall\"},\"event\":{\"dataset\":"        \
    "\"fortinet.firewall\",\"category\":[\"network\"],\"type\":[\"connection\",\"end\"],"          \
    "\"action\":\"" action "\",\"outcome\":\"success\"},\"source\":{\"ip\":\"10.10.16.15\","       \
    "\"port\":58013},\"destination\":{\"ip\":\"203.0.113.9\",\"port\":" port "},\"network\":{"     \
    "\"transport\":\"tcp\"},\"fortinet\":{\"firewall\":{\"type\":\"traffic\",\"subtype\":"         \
    "\"forward\"}}}"
#define NETFLOW(port)                                                                              \
    "{\"@timestamp\":\"2026-03-09T23:02:32.536Z\",\"event\":{\"dataset\":\"netflow.log\","         \
    "\"action\":\"accept\"},\"source\":{\"ip\":\"10.10.16.15\"},\"destination\":{\"ip\":"          \
    "\"203.0.113.9\",\"port\":" port "}}"
#define PROXY(method, url)                                                                         \
    "{\"@timestamp\":\"2026-03-09T23:02:37.837Z\",\"observer\":{\"name\":\"pw-fw01\",\"type\":"    \
    "\"proxy\"},\"event\":{\"dataset\":\"fortinet.webfilter\",\"category\":[\"web\"],\"action\":"  \
    "\"passthrough\"},\"source\":{\"ip\":\"10.10.16.15\"},\"destination\":{\"ip\":"                \
    "\"20.19.25.203\",\"port\":443,\"domain\":\"www.spc.int\"},\"url\":{\"original\":"             \
    "\"https://www.spc.int" url "\",\"domain\":\"www.spc.int\",\"path\":\"" url "\",\"scheme\":"   \
    "\"https\"},\"http\":{\"request\":{\"method\":\"" method "\"},\"response\":{\"status_code\":"  \
    "200}},\"user_agent\":{\"original\":\"Mozilla/5.0\"}}"
#define WEB(host, method, path, query, line_uri)                                                   \
    "{\"@timestamp\":\"2026-03-09T23:02:32.426Z\",\"host\":{\"name\":\"" host "\"},\"event\":{"    \
    "\"dataset\":\"apache.access\",\"category\":[\"web\"],\"outcome\":\"success\"},\"source\":{"   \
    "\"ip\":\"182.170.145.248\"},\"url\":{\"original\":\"" path "?" query "\",\"path\":\"" path    \
    "\",\"query\":\"" query "\"},\"http\":{\"version\":\"1.1\",\"request\":{\"method\":\"" method  \
    "\"},\"response\":{\"status_code\":200}},\"user_agent\":{\"original\":\"curl/8.5\"},"          \
    "\"message\":\"182.170.145.248 - - [09/Mar/2026:23:02:32 +0000] \\\"" method " " line_uri      \
    " HTTP/1.1\\\" 200 9422 \\\"-\\\" \\\"curl/8.5\\\"\"}"

/* Sysmon for Linux event 1 and the Windows Sysmon event 1 with the same
 * values: told apart by their channel only. */
#define SYSMON_1(prov, chan, img, cmd)                                                             \
    "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" prov "\"}},"              \
    "\"EventID\":1,\"Channel\":\"" chan "\",\"Computer\":\"ITC-NMS01\"},\"EventData\":{"           \
    "\"RuleName\":\"-\",\"ProcessId\":4242,\"Image\":\"" img "\",\"CommandLine\":\"" cmd           \
    "\",\"CurrentDirectory\":\"/home/netops\",\"User\":\"netops\",\"LogonId\":\"1001\","           \
    "\"ParentImage\":\"/usr/bin/bash\",\"ParentCommandLine\":\"-bash\",\"ParentUser\":"            \
    "\"netops\"}}}"
#define LSYSMON_1(img, cmd) SYSMON_1("Linux-Sysmon", "Linux-Sysmon/Operational", img, cmd)
#define WSYSMON_1(img, cmd)                                                                        \
    SYSMON_1("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", img, cmd)

/* ---- cases -------------------------------------------------------------------- */

typedef struct lcase {
    const char *name;
    const char *rule;   /* YAML */
    const char *yes[3]; /* records it must match (NULL-terminated) */
    const char *no[4];  /* records it must not match */
} lcase_t;

#define RULE(ls, det) "title: t\nid: 1\nlogsource:\n" ls "detection:\n" det

static const lcase_t cases[] = {
    {"linux process_creation: Sysmon for Linux event 1, not auditd, not Windows Sysmon",
     RULE("  product: linux\n  category: process_creation\n",
          "  sel:\n    Image|endswith: '/rm'\n    CommandLine|contains: '/.bash_history'\n"
          "  condition: sel\n"),
     {LSYSMON_1("/usr/bin/rm", "rm -f /home/netops/.bash_history")},
     {/* the same execution as auditd records it; Windows Sysmon's event 1 */
      SYSCALL("/usr/bin/rm"), EXECVE("rm", "/home/netops/.bash_history"),
      WSYSMON_1("/usr/bin/rm", "rm -f /home/netops/.bash_history"),
      /* Sysmon for Linux's other events */
      "{\"Event\":{\"System\":{\"EventID\":3,\"Channel\":\"Linux-Sysmon/Operational\"},"
      "\"EventData\":{\"Image\":\"/usr/bin/rm\",\"CommandLine\":\"/.bash_history\"}}}"}},
    {"cisco aaa: keywords over the logged CLI command",
     RULE("  product: cisco\n  service: aaa\n",
          "  keywords:\n    - 'username'\n    - 'aaa'\n  condition: keywords\n"),
     {CISCO_CMD("configure; username svc-mon group root-lr secret 0 Mon!t0r2024; commit")},
     {/* the same text in another cisco message (not a command), in auth.log,
       * in a FortiGate event; and 'aaa' only in a field that is not the line */
      CISCO("SYS-5-CONFIG_I", "%SYS-5-CONFIG_I: Configured from console by username on vty0"),
      AUTH("sshd", "Invalid user username from 10.0.0.1 port 22"),
      FORTI_EVENT("logdesc=username added"),
      "{\"host\":{\"name\":\"aaa-core\"},\"event\":{\"dataset\":\"cisco.ios\",\"code\":"
      "\"PARSER-5-CFGLOG_LOGGEDCMD\"},\"user\":{\"name\":\"username\"},\"message\":"
      "\"%PARSER-5-CFGLOG_LOGGEDCMD: User:admin  logged command:show version\"}"}},
    {"cisco bgp: keywords over the router's syslog",
     RULE("  product: cisco\n  service: bgp\n",
          "  keywords:\n    '|all':\n      - 'BGP-5-ADJCHANGE'\n      - 'Down'\n"
          "  condition: keywords\n"),
     {CISCO("BGP-5-ADJCHANGE", "%BGP-5-ADJCHANGE: neighbor 192.0.2.1 Down Interface flap")},
     {AUTH("sshd", "%BGP-5-ADJCHANGE: neighbor 192.0.2.1 Down Interface flap"),
      FORTI_EVENT("%BGP-5-ADJCHANGE: neighbor 192.0.2.1 Down")}},
    {"cisco syslog: keywords over the router's syslog",
     RULE("  product: cisco\n  service: syslog\n",
          "  kw:\n    - '%SYS-5-CONFIG_I:'\n  user:\n    - 'cisco_support'\n"
          "  condition: kw and user\n"),
     {CISCO("SYS-5-CONFIG_I", "%SYS-5-CONFIG_I: Configured from console by cisco_support on vty0")},
     {FORTI_EVENT("%SYS-5-CONFIG_I: Configured from console by cisco_support"),
      AUTH("sshd", "%SYS-5-CONFIG_I: Configured from console by cisco_support")}},
    {"linux: keywords over auth.log",
     RULE("  product: linux\n", "  keywords:\n    - 'session opened for user root'\n"
                                "  condition: keywords\n"),
     {AUTH("sshd", "pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)")},
     {CISCO("X", "session opened for user root"), EXECVE("session opened for user root", "x")}},
    {"linux auth: keywords over auth.log",
     RULE("  product: linux\n  service: auth\n",
          "  keywords:\n    '|all':\n      - 'pkexec'\n      - 'USER=root'\n"
          "  condition: keywords\n"),
     {AUTH("sudo", "bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/pkexec")},
     {CISCO_CMD("pkexec USER=root"), EXECVE("pkexec", "USER=root"),
      WEB("w", "GET", "/pkexec", "USER=root", "/pkexec?USER=root")}},
    {"linux sshd: auth.log lines of sshd only",
     RULE("  product: linux\n  service: sshd\n",
          "  keywords:\n    - 'Failed password'\n  condition: keywords\n"),
     {AUTH("sshd", "Failed password for root from 198.51.100.23 port 40022 ssh2")},
     {AUTH("sudo", "Failed password for root"), CISCO("X", "Failed password for root")}},
    {"linux sudo: auth.log lines of sudo only",
     RULE("  product: linux\n  service: sudo\n",
          "  keywords:\n    - 'COMMAND=/bin/bash'\n  condition: keywords\n"),
     {AUTH("sudo", "bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash")},
     {AUTH("sshd", "COMMAND=/bin/bash"), EXECVE("sudo", "COMMAND=/bin/bash")}},
    {"linux auditd: audit's field names (EXECVE)",
     RULE("  product: linux\n  service: auditd\n",
          "  sel:\n    type: EXECVE\n    a0: nc\n    a1|contains: '-e'\n  condition: sel\n"),
     {EXECVE("nc", "-e /bin/sh")},
     {AUTH("sshd", "nc -e /bin/sh"), SYSCALL("/usr/bin/nc")}},
    {"linux auditd: keywords over every field (no raw line kept)",
     RULE("  product: linux\n  service: auditd\n",
          "  keywords:\n    - '/usr/bin/nc'\n  condition: keywords\n"),
     {SYSCALL("/usr/bin/nc"), EXECVE("/usr/bin/nc", "-lvp")},
     {AUTH("sudo", "COMMAND=/usr/bin/nc"), CISCO_CMD("/usr/bin/nc")}},
    {"linux clamav: keywords over the FOUND line",
     RULE("  product: linux\n  service: clamav\n",
          "  keywords:\n    - 'Trojan*FOUND'\n  condition: keywords\n"),
     {CLAMAV("Unix.Trojan.Mirai-123", "/tmp/x")},
     {AUTH("sshd", "Unix.Trojan.Mirai FOUND"),
      DEFENDER_1116("Trojan:Win32/Emotet FOUND", "C:\\\\Users\\\\Public\\\\x.exe")}},
    {"antivirus: Signature and Filename on ClamAV and Defender 1116",
     RULE("  category: antivirus\n",
          "  sel:\n    Signature|contains: 'Mimikatz'\n    Filename|contains: 'Public'\n"
          "  condition: sel\n"),
     {CLAMAV("Win.Tool.Mimikatz-1", "/srv/share/Public/m.exe"),
      DEFENDER_1116("HackTool:Win32/Mimikatz", "file:_C:\\\\Users\\\\Public\\\\m.exe")},
     {/* Defender's other EventIDs; another ECS record with the same fields */
      "{\"Event\":{\"System\":{\"EventID\":1117,\"Channel\":\"Microsoft-Windows-Windows "
      "Defender/Operational\"},\"EventData\":{\"Threat Name\":\"HackTool:Win32/Mimikatz\","
      "\"Path\":\"C:\\\\Users\\\\Public\\\\m.exe\"}}}",
      "{\"event\":{\"dataset\":\"email.gateway\"},\"threat\":{\"indicator_name\":\"Mimikatz\"},"
      "\"file\":{\"path\":\"/Public/m.exe\"},\"Signature\":\"Mimikatz\",\"Filename\":\"Public\"}"}},
    {"zeek dns: Zeek's names on dns.log",
     RULE("  product: zeek\n  service: dns\n",
          "  sel:\n    query|endswith: '.onion'\n    qtype_name: A\n  condition: sel\n"),
     {ZEEK_DNS("abcdef.onion", "A")},
     {"{\"id.orig_h\":\"10.0.0.1\",\"conn_state\":\"SF\",\"query\":\"x.onion\","
      "\"qtype_name\":\"A\"}",
      AUTH("sshd", "x.onion")}},
    {"zeek conn: Zeek's names on conn.log",
     RULE("  product: zeek\n  service: conn\n", "  sel:\n    id.resp_p: 3389\n  condition: sel\n"),
     {ZEEK_CONN("3389")},
     {/* dns.log has id.resp_p too */
      "{\"ts\":1.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"id.resp_p\":3389,\"trans_id\":1,"
      "\"query\":\"x\"}",
      FW_TRAFFIC("3389", "accept")}},
    {"dns: query, record_type and answer over Zeek dns.log",
     RULE("  category: dns\n", "  sel:\n    query|contains: 'mining'\n    record_type: TXT\n"
                               "    answer|startswith: '20.'\n  condition: sel\n"),
     {ZEEK_DNS("pool.mining.example", "TXT")},
     {ZEEK_DNS("pool.mining.example", "A"),
      "{\"conn_state\":\"SF\",\"query\":\"pool.mining.example\",\"record_type\":\"TXT\","
      "\"answer\":\"20.1.1.1\"}"}},
    {"firewall: src/dst names over the FortiGate traffic log",
     RULE("  category: firewall\n",
          "  sel:\n    dst_port: 23\n  allow:\n    action: accept\n  condition: sel and allow\n"),
     {FW_TRAFFIC("23", "accept")},
     {FW_TRAFFIC("22", "accept"), FW_TRAFFIC("23", "deny"), FORTI_EVENT("telnet"), NETFLOW("23")}},
    {"proxy: W3C names over the web filter log",
     RULE("  category: proxy\n",
          "  sel:\n    c-uri|contains: '/wp-login.php'\n    cs-method: POST\n"
          "    cs-host: 'www.spc.int'\n    c-useragent|startswith: 'Mozilla'\n"
          "  condition: sel\n"),
     {PROXY("POST", "/wp-login.php?x=1")},
     {PROXY("GET", "/wp-login.php"),
      WEB("www.spc.int", "POST", "/wp-login.php", "x=1", "/wp-login.php?x=1")}},
    {"webserver: W3C names over the access log",
     RULE("  category: webserver\n",
          "  sel:\n    cs-uri-query|contains: '/../../etc/passwd'\n    cs-method: GET\n"
          "    cs-uri-stem|startswith: '/cgi-bin/'\n    sc-status: 200\n  condition: sel\n"),
     {WEB("pw-web01", "GET", "/cgi-bin/../../etc/passwd", "a=1", "/cgi-bin/../../etc/passwd?a=1")},
     {WEB("pw-web01", "GET", "/index.html", "a=1", "/index.html?a=1"),
      PROXY("GET", "/cgi-bin/../../etc/passwd")}},
    {"webserver: keywords over the access log line only",
     RULE("  category: webserver\n", "  keywords:\n    - 'wget%20'\n  condition: keywords\n"),
     {WEB("pw-web01", "GET", "/index.php", "c=wget%20x", "/index.php?c=wget%20x")},
     {/* in the host name, not in the line */
      WEB("wget%20host", "GET", "/index.php", "a=1", "/index.php?a=1"),
      PROXY("GET", "/index.php?c=wget%20x")}},
};

static int count_matches(sw_sigma_set_t *s, const char *json)
{
    sw_event_t ev;
    sw_event_init(&ev);
    sw_errbuf_t err;
    int rc = sw_event_parse_json(&ev, json, strlen(json), &err);
    if (rc) {
        print_error("bad test record (%s): %s\n", err.msg, json);
        sw_event_free(&ev);
        return -100;
    }
    int n = sw_sigma_set_match(s, &ev, NULL, NULL);
    sw_event_free(&ev);
    return n;
}

static void each_logsource_matches_its_records_only(void **state)
{
    (void)state;
    int failures = 0, n_checks = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const lcase_t *c = &cases[i];
        sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
        assert_non_null(s);
        sw_sigma_error_t err;
        if (sw_sigma_set_add(s, c->rule, strlen(c->rule), c->name, &err)) {
            print_error("%s: refused: %s [%s]\n", c->name, err.msg, err.reason);
            failures++;
            sw_sigma_set_free(s);
            continue;
        }
        assert_int_equal(sw_sigma_set_build(s), SW_OK);
        for (int pf = 0; pf < 2; pf++) {
            sw_sigma_set_prefilter(s, pf);
            for (size_t k = 0; k < 3 && c->yes[k]; k++, n_checks++) {
                int got = count_matches(s, c->yes[k]);
                if (got != 1) {
                    print_error("%s: record %zu: expected 1 match, got %d\n", c->name, k, got);
                    failures++;
                }
            }
            for (size_t k = 0; k < 4 && c->no[k]; k++, n_checks++) {
                int got = count_matches(s, c->no[k]);
                if (got != 0) {
                    print_error("%s: other record %zu: expected no match, got %d\n", c->name, k,
                                got);
                    failures++;
                }
            }
        }
        sw_sigma_set_free(s);
    }
    print_message("%zu cases, %d checks\n", sizeof cases / sizeof cases[0], n_checks);
    assert_int_equal(failures, 0);
}

/* A case's logsource, read from its rule text. */
static int case_has(const lcase_t *c, const char *key, const char *val)
{
    char want[96];
    if (!val)
        return 1;
    snprintf(want, sizeof want, "  %s: %s\n", key, val);
    return strstr(c->rule, want) != NULL;
}

static int case_is(const lcase_t *c, const sigma_logsource_t *ls)
{
    static const char *const keys[] = {"product", "category", "service"};
    const char *vals[] = {ls->product, ls->category, ls->service};
    for (int k = 0; k < 3; k++) {
        if (!case_has(c, keys[k], vals[k]))
            return 0;
        char absent[32];
        snprintf(absent, sizeof absent, "  %s: ", keys[k]);
        if (!vals[k] && strstr(c->rule, absent))
            return 0;
    }
    return 1;
}

static void every_non_windows_logsource_has_a_case(void **state)
{
    (void)state;
    size_t n;
    const sigma_logsource_t *t = sigma_logsource_table(&n);
    int missing = 0, covered = 0;
    for (size_t i = 0; i < n; i++) {
        int other = 0;
        for (size_t v = 0; v < t[i].n_variants; v++)
            other |= t[i].variants[v].key_field != NULL;
        if (!other)
            continue;
        size_t k = 0;
        while (k < sizeof cases / sizeof cases[0] && !case_is(&cases[k], &t[i]))
            k++;
        if (k == sizeof cases / sizeof cases[0]) {
            print_error("no case for product=%s category=%s service=%s\n",
                        t[i].product ? t[i].product : "-", t[i].category ? t[i].category : "-",
                        t[i].service ? t[i].service : "-");
            missing++;
        } else {
            covered++;
        }
    }
    print_message("%d non-Windows logsources, each with a case\n", covered);
    assert_true(covered >= 16);
    assert_int_equal(missing, 0);
}

/* The set builds one remap table per distinct rename list, up to a fixed
 * number (sigma_set.c SIGMA_MAX_REMAPS = 32); past it the build fails. */
static void rename_lists_fit_the_set(void **state)
{
    (void)state;
    size_t n, n_lists = 0;
    const char *const(*seen[64])[2];
    const sigma_logsource_t *t = sigma_logsource_table(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t v = 0; v < t[i].n_variants; v++) {
            const char *const(*r)[2] = t[i].variants[v].renames;
            size_t k = 0;
            while (r && k < n_lists && seen[k] != r)
                k++;
            if (r && k == n_lists && n_lists < 64)
                seen[n_lists++] = r;
        }
    assert_in_range(n_lists, 1, 32);
}

/* Windows records still go by Channel: a rule for the ECS proxy category
 * does not fire on a Windows event carrying the same ECS-named fields, and a
 * Windows rule does not fire on an ECS record with the same field names. */
static void windows_and_other_records_stay_apart(void **state)
{
    (void)state;
    sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
    const char *win = RULE("  product: windows\n  category: process_creation\n",
                           "  sel:\n    CommandLine|contains: 'wget'\n  condition: sel\n");
    const char *any = RULE("  product: windows\n", "  keywords:\n    - 'wget'\n"
                                                   "  condition: keywords\n");
    assert_int_equal(sw_sigma_set_add(s, win, strlen(win), "win", NULL), SW_OK);
    assert_int_equal(sw_sigma_set_add(s, any, strlen(any), "any", NULL), SW_OK);
    assert_int_equal(sw_sigma_set_build(s), SW_OK);
    assert_int_equal(count_matches(s, "{\"Event\":{\"System\":{\"EventID\":1,\"Channel\":"
                                      "\"Microsoft-Windows-Sysmon/Operational\"},\"EventData\":{"
                                      "\"CommandLine\":\"wget x\"}}}"),
                     2);
    assert_int_equal(count_matches(s, "{\"EventID\":1,\"CommandLine\":\"wget x\",\"event\":{"
                                      "\"dataset\":\"system.auth\"},\"message\":\"wget\"}"),
                     0);
    assert_int_equal(count_matches(s, AUTH("sshd", "wget")), 0);
    sw_sigma_set_free(s);
}

/* Alerts name the host: a firewall or proxy record's is its observer. */
static void alert_host_of_a_sensor_record_is_the_observer(void **state)
{
    (void)state;
    sw_event_t ev;
    sw_event_init(&ev);
    const char *rec = FW_TRAFFIC("23", "accept");
    assert_int_equal(sw_event_parse_json(&ev, rec, strlen(rec), NULL), SW_OK);
    assert_string_equal(sw_sigma_event_host(&ev), "pw-fw01");
    sw_event_free(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_logsource_matches_its_records_only),
        cmocka_unit_test(every_non_windows_logsource_has_a_case),
        cmocka_unit_test(rename_lists_fit_the_set),
        cmocka_unit_test(windows_and_other_records_stay_apart),
        cmocka_unit_test(alert_host_of_a_sensor_record_is_the_observer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
