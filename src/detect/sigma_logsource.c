/* sigma_logsource.c — which records a rule's logsource applies to.
 *
 * One table, in the spirit of pySigma's pipelines: each
 * (product, category, service) names one or more record types ("variants"),
 * each a Windows event channel plus EventIDs - or, for other products, the
 * value of the field that tells seawall's record types apart (event.dataset,
 * auditd's type, a Zeek log's own field) - plus, for a few, one more field
 * condition, with field renames where the record type spells Sigma's names
 * differently (Security 4688 for process_creation, ECS for the proxy,
 * webserver and firewall categories) and the field keywords are searched in
 * where the record keeps its raw log line.
 * A logsource that is not in the table is refused with a reason: seawall
 * has no records for it, so a rule loaded for it could never fire — or
 * worse, would fire on the wrong records. docs/sigma.md shows the table. */
#include "detect/sigma_int.h"

#include <string.h>
#include <strings.h>

#define SYSMON "Microsoft-Windows-Sysmon/Operational"
#define LSYSMON "Linux-Sysmon/Operational"
#define PS_OP "Microsoft-Windows-PowerShell/Operational"
#define PS_CLASSIC "Windows PowerShell"

/* Security 4688 names for the fields Sigma rules take from Sysmon event 1
 * (as pySigma's windows-audit pipeline maps them). */
static const char *const proc_4688[][2] = {
    {"Image", "NewProcessName"},          {"ParentImage", "ParentProcessName"},
    {"ProcessId", "NewProcessId"},        {"ParentProcessId", "ProcessId"},
    {"User", "SubjectUserName"},          {"LogonId", "SubjectLogonId"},
    {"IntegrityLevel", "MandatoryLabel"}, {NULL, NULL},
};

#define V(ch, ...)                                                                                 \
    {                                                                                              \
        .channel = ch, .event_ids = { __VA_ARGS__ }                                                \
    }
#define CH(ch)                                                                                     \
    {                                                                                              \
        .channel = ch                                                                              \
    }

static const sigma_variant_t v_proc[] = {
    V(SYSMON, 1),
    {.channel = "Security", .event_ids = {4688}, .renames = proc_4688},
};
static const sigma_variant_t v_file_change[] = {V(SYSMON, 2)};
static const sigma_variant_t v_net[] = {V(SYSMON, 3)};
static const sigma_variant_t v_sysmon_status[] = {V(SYSMON, 4, 16)};
static const sigma_variant_t v_proc_term[] = {V(SYSMON, 5)};
static const sigma_variant_t v_driver[] = {V(SYSMON, 6)};
static const sigma_variant_t v_image[] = {V(SYSMON, 7)};
static const sigma_variant_t v_thread[] = {V(SYSMON, 8)};
static const sigma_variant_t v_raw[] = {V(SYSMON, 9)};
static const sigma_variant_t v_access[] = {V(SYSMON, 10)};
static const sigma_variant_t v_file[] = {V(SYSMON, 11)};
static const sigma_variant_t v_reg_add[] = {{.channel = SYSMON,
                                             .event_ids = {12},
                                             .extra_field = "EventType",
                                             .extra_values = {"CreateKey"}}};
static const sigma_variant_t v_reg_del[] = {{.channel = SYSMON,
                                             .event_ids = {12},
                                             .extra_field = "EventType",
                                             .extra_values = {"DeleteKey", "DeleteValue"}}};
static const sigma_variant_t v_reg_set[] = {V(SYSMON, 13)};
static const sigma_variant_t v_reg_ren[] = {V(SYSMON, 14)};
static const sigma_variant_t v_reg_ev[] = {V(SYSMON, 12, 13, 14)};
static const sigma_variant_t v_stream[] = {V(SYSMON, 15)};
static const sigma_variant_t v_pipe[] = {V(SYSMON, 17, 18)};
static const sigma_variant_t v_wmi_ev[] = {V(SYSMON, 19, 20, 21)};
static const sigma_variant_t v_dns[] = {V(SYSMON, 22)};
static const sigma_variant_t v_file_del[] = {V(SYSMON, 23, 26)};
static const sigma_variant_t v_clip[] = {V(SYSMON, 24)};
static const sigma_variant_t v_tamper[] = {V(SYSMON, 25)};
static const sigma_variant_t v_blk_exe[] = {V(SYSMON, 27)};
static const sigma_variant_t v_blk_shred[] = {V(SYSMON, 28)};
static const sigma_variant_t v_exe_det[] = {V(SYSMON, 29)};
static const sigma_variant_t v_sysmon_err[] = {V(SYSMON, 255)};
static const sigma_variant_t v_ps_module[] = {V(PS_OP, 4103)};
static const sigma_variant_t v_ps_script[] = {V(PS_OP, 4104)};
static const sigma_variant_t v_ps_c_start[] = {V(PS_CLASSIC, 400)};
static const sigma_variant_t v_ps_c_prov[] = {V(PS_CLASSIC, 600)};
static const sigma_variant_t v_ps_c_script[] = {V(PS_CLASSIC, 800)};
static const sigma_variant_t v_lproc[] = {V(LSYSMON, 1)};
static const sigma_variant_t v_lnet[] = {V(LSYSMON, 3)};
static const sigma_variant_t v_lfile[] = {V(LSYSMON, 11)};
static const sigma_variant_t v_any_windows[] = {CH(NULL)};

/* ---- records of other products ------------------------------------------------
 * Not Windows events: ECS records (told apart by event.dataset), auditd
 * records (by type) and Zeek logs (by a field only that log has). Where the
 * record keeps the original log line (message), Sigma keywords - written to
 * be searched in the raw line - are searched there only. */
#define DS "event.dataset"

/* Cisco IOS syslog. AAA command accounting is the CLI commands, which IOS
 * logs as %PARSER-5-CFGLOG_LOGGEDCMD (archive log config); the other
 * services read the whole syslog stream (BGP, IOS XE messages). */
static const sigma_variant_t v_cisco_cmd[] = {{.key_field = DS,
                                               .channel = "cisco.ios",
                                               .extra_field = "event.code",
                                               .extra_values = {"PARSER-5-CFGLOG_LOGGEDCMD"},
                                               .keyword_field = "message"}};
static const sigma_variant_t v_cisco_log[] = {
    {.key_field = DS, .channel = "cisco.ios", .keyword_field = "message"}};

/* /var/log/auth.log (Filebeat system.auth): sshd and sudo lines. */
static const sigma_variant_t v_lauth[] = {
    {.key_field = DS, .channel = "system.auth", .keyword_field = "message"}};
static const sigma_variant_t v_lsshd[] = {{.key_field = DS,
                                           .channel = "system.auth",
                                           .extra_field = "process.name",
                                           .extra_values = {"sshd"},
                                           .keyword_field = "message"}};
static const sigma_variant_t v_lsudo[] = {{.key_field = DS,
                                           .channel = "system.auth",
                                           .extra_field = "process.name",
                                           .extra_values = {"sudo"},
                                           .keyword_field = "message"}};

/* auditd: one record per audit record, audit's own field names, which are
 * what the rules use; no raw line kept, so keywords search every field. */
static const sigma_variant_t v_auditd[] = {{.key_field = "type", .channel = "SYSCALL"},
                                           {.key_field = "type", .channel = "EXECVE"}};

/* ClamAV (clamav.log, ECS; the "FOUND" line in message). */
static const sigma_variant_t v_clamav[] = {
    {.key_field = DS, .channel = "clamav.log", .keyword_field = "message"}};

/* The generic antivirus category: Signature is the threat's name, Filename
 * the file it was found in. */
static const char *const av_clamav[][2] = {
    {"Signature", "threat.indicator_name"}, {"Filename", "file.path"}, {NULL, NULL}};
static const char *const av_defender[][2] = {
    {"Signature", "Threat Name"}, {"Filename", "Path"}, {NULL, NULL}};
static const sigma_variant_t v_antivirus[] = {
    {.key_field = DS, .channel = "clamav.log", .renames = av_clamav, .keyword_field = "message"},
    {.channel = "Microsoft-Windows-Windows Defender/Operational",
     .event_ids = {1116},
     .renames = av_defender}};

/* Zeek logs (Zeek's JSON writer): dns.log has trans_id, conn.log
 * conn_state; the rules use Zeek's own names. */
static const sigma_variant_t v_zeek_dns[] = {{.key_field = "trans_id"}};
static const sigma_variant_t v_zeek_conn[] = {{.key_field = "conn_state"}};

/* The generic dns category (query, answer, record_type) over Zeek dns.log. */
static const char *const dns_zeek[][2] = {
    {"answer", "answers"}, {"record_type", "qtype_name"}, {NULL, NULL}};
static const sigma_variant_t v_dns_cat[] = {{.key_field = "trans_id", .renames = dns_zeek}};

/* The firewall category over the FortiGate traffic log (ECS); its event
 * log records share the dataset but are not traffic. */
static const char *const fw_ecs[][2] = {{"src_ip", "source.ip"},
                                        {"dst_ip", "destination.ip"},
                                        {"src_port", "source.port"},
                                        {"dst_port", "destination.port"},
                                        {"action", "event.action"},
                                        {"protocol", "network.transport"},
                                        {"dst_hostname", "destination.domain"},
                                        {NULL, NULL}};
static const sigma_variant_t v_firewall_cat[] = {{.key_field = DS,
                                                  .channel = "fortinet.firewall",
                                                  .extra_field = "fortinet.firewall.type",
                                                  .extra_values = {"traffic"},
                                                  .renames = fw_ecs}};

/* The proxy category (W3C names, as in SigmaHQ's taxonomy) over the
 * FortiGate web filter log (ECS). Its url.path keeps the query, and there
 * is no url.query, so c-uri-query reads the whole URL, as c-uri does. */
static const char *const proxy_ecs[][2] = {{"c-uri", "url.original"},
                                           {"cs-uri", "url.original"},
                                           {"c-uri-query", "url.original"},
                                           {"c-uri-stem", "url.path"},
                                           {"cs-uri-stem", "url.path"},
                                           {"c-uri-extension", "url.extension"},
                                           {"c-useragent", "user_agent.original"},
                                           {"cs-method", "http.request.method"},
                                           {"cs-host", "url.domain"},
                                           {"r-dns", "url.domain"},
                                           {"cs-referrer", "http.request.referrer"},
                                           {"cs-cookie", "http.cookie"},
                                           {"sc-status", "http.response.status_code"},
                                           {"src_ip", "source.ip"},
                                           {"dst_ip", "destination.ip"},
                                           {NULL, NULL}};
static const sigma_variant_t v_proxy_cat[] = {
    {.key_field = DS, .channel = "fortinet.webfilter", .renames = proxy_ecs}};

/* The webserver category over the access log (Filebeat apache.access; the
 * combined log line in message, which keywords search). SigmaHQ's rules
 * use cs-uri-query for the request URI as a whole (paths, traversal,
 * endswith), so it reads url.original; cs-uri-stem is the path alone. */
static const char *const web_ecs[][2] = {{"cs-uri-query", "url.original"},
                                         {"cs-uri", "url.original"},
                                         {"c-uri", "url.original"},
                                         {"cs-uri-stem", "url.path"},
                                         {"cs-method", "http.request.method"},
                                         {"sc-status", "http.response.status_code"},
                                         {"cs-user-agent", "user_agent.original"},
                                         {"c-useragent", "user_agent.original"},
                                         {"cs-referer", "http.request.referrer"},
                                         {"cs-username", "user.name"},
                                         {"cs-host", "url.domain"},
                                         {"c-ip", "source.ip"},
                                         {NULL, NULL}};
static const sigma_variant_t v_webserver_cat[] = {
    {.key_field = DS, .channel = "apache.access", .renames = web_ecs, .keyword_field = "message"}};

/* Windows services: the event channel, any EventID. */
static const sigma_variant_t v_security[] = {CH("Security")};
static const sigma_variant_t v_system[] = {CH("System")};
static const sigma_variant_t v_application[] = {CH("Application")};
static const sigma_variant_t v_sysmon[] = {CH(SYSMON)};
static const sigma_variant_t v_powershell[] = {CH(PS_OP)};
static const sigma_variant_t v_ps_classic[] = {CH(PS_CLASSIC)};
static const sigma_variant_t v_tasksched[] = {CH("Microsoft-Windows-TaskScheduler/Operational")};
static const sigma_variant_t v_windefend[] = {CH("Microsoft-Windows-Windows Defender/Operational")};
static const sigma_variant_t v_wmi[] = {CH("Microsoft-Windows-WMI-Activity/Operational")};
static const sigma_variant_t v_dns_server[] = {CH("DNS Server")};
static const sigma_variant_t v_dns_client[] = {
    CH("Microsoft-Windows-DNS Client Events/Operational")};
static const sigma_variant_t v_bits[] = {CH("Microsoft-Windows-Bits-Client/Operational")};
static const sigma_variant_t v_codeint[] = {CH("Microsoft-Windows-CodeIntegrity/Operational")};
static const sigma_variant_t v_firewall[] = {
    CH("Microsoft-Windows-Windows Firewall With Advanced Security/Firewall")};
static const sigma_variant_t v_applocker[] = {
    CH("Microsoft-Windows-AppLocker/MSI and Script"), CH("Microsoft-Windows-AppLocker/EXE and DLL"),
    CH("Microsoft-Windows-AppLocker/Packaged app-Deployment"),
    CH("Microsoft-Windows-AppLocker/Packaged app-Execution")};
static const sigma_variant_t v_exchange[] = {CH("MSExchange Management")};
static const sigma_variant_t v_appx[] = {CH("Microsoft-Windows-AppXDeploymentServer/Operational")};
static const sigma_variant_t v_ntlm[] = {CH("Microsoft-Windows-NTLM/Operational")};
static const sigma_variant_t v_mitig[] = {CH("Microsoft-Windows-Security-Mitigations/Kernel Mode"),
                                          CH("Microsoft-Windows-Security-Mitigations/User Mode")};
static const sigma_variant_t v_print_admin[] = {CH("Microsoft-Windows-PrintService/Admin")};
static const sigma_variant_t v_print_op[] = {CH("Microsoft-Windows-PrintService/Operational")};
static const sigma_variant_t v_smbc_sec[] = {CH("Microsoft-Windows-SmbClient/Security")};
static const sigma_variant_t v_smbc_conn[] = {CH("Microsoft-Windows-SmbClient/Connectivity")};
static const sigma_variant_t v_smbs_conn[] = {CH("Microsoft-Windows-SMBServer/Connectivity")};
static const sigma_variant_t v_tslsm[] = {
    CH("Microsoft-Windows-TerminalServices-LocalSessionManager/Operational")};
static const sigma_variant_t v_openssh[] = {CH("OpenSSH/Operational")};
static const sigma_variant_t v_ldap[] = {CH("Microsoft-Windows-LDAP-Client/Debug")};
static const sigma_variant_t v_capi2[] = {CH("Microsoft-Windows-CAPI2/Operational")};
static const sigma_variant_t v_certlc[] = {
    CH("Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational")};
static const sigma_variant_t v_drvfw[] = {
    CH("Microsoft-Windows-DriverFrameworks-UserMode/Operational")};
static const sigma_variant_t v_lsa[] = {CH("Microsoft-Windows-LSA/Operational")};
static const sigma_variant_t v_appmodel[] = {CH("Microsoft-Windows-AppModel-Runtime/Admin")};
static const sigma_variant_t v_appxpkg[] = {CH("Microsoft-Windows-AppxPackaging/Operational")};
static const sigma_variant_t v_diagscr[] = {CH("Microsoft-Windows-Diagnosis-Scripted/Operational")};
static const sigma_variant_t v_shellcore[] = {CH("Microsoft-Windows-Shell-Core/Operational")};
static const sigma_variant_t v_sbus[] = {CH("Microsoft-ServiceBus-Client")};
static const sigma_variant_t v_iiscfg[] = {CH("Microsoft-IIS-Configuration/Operational")};
static const sigma_variant_t v_dnsanal[] = {CH("Microsoft-Windows-DNS-Server/Analytical")};
static const sigma_variant_t v_vhdmp[] = {CH("Microsoft-Windows-VHDMP/Operational")};

#define E(p, c, s, v)                                                                              \
    {                                                                                              \
        p, c, s, v, sizeof v / sizeof v[0]                                                         \
    }

static const sigma_logsource_t table[] = {
    E("windows", "process_creation", NULL, v_proc),
    E("windows", "file_change", NULL, v_file_change),
    E("windows", "network_connection", NULL, v_net),
    E("windows", "sysmon_status", NULL, v_sysmon_status),
    E("windows", "process_termination", NULL, v_proc_term),
    E("windows", "driver_load", NULL, v_driver),
    E("windows", "image_load", NULL, v_image),
    E("windows", "create_remote_thread", NULL, v_thread),
    E("windows", "raw_access_thread", NULL, v_raw),
    E("windows", "process_access", NULL, v_access),
    E("windows", "file_event", NULL, v_file),
    E("windows", "registry_add", NULL, v_reg_add),
    E("windows", "registry_delete", NULL, v_reg_del),
    E("windows", "registry_set", NULL, v_reg_set),
    E("windows", "registry_rename", NULL, v_reg_ren),
    E("windows", "registry_event", NULL, v_reg_ev),
    E("windows", "create_stream_hash", NULL, v_stream),
    E("windows", "pipe_created", NULL, v_pipe),
    E("windows", "wmi_event", NULL, v_wmi_ev),
    E("windows", "dns_query", NULL, v_dns),
    E("windows", "file_delete", NULL, v_file_del),
    E("windows", "clipboard_capture", NULL, v_clip),
    E("windows", "process_tampering", NULL, v_tamper),
    E("windows", "file_block_executable", NULL, v_blk_exe),
    E("windows", "file_block_shredding", NULL, v_blk_shred),
    E("windows", "file_executable_detected", NULL, v_exe_det),
    E("windows", "sysmon_error", NULL, v_sysmon_err),
    E("windows", "ps_module", NULL, v_ps_module),
    E("windows", "ps_script", NULL, v_ps_script),
    E("windows", "ps_classic_start", NULL, v_ps_c_start),
    E("windows", "ps_classic_provider_start", NULL, v_ps_c_prov),
    E("windows", "ps_classic_script", NULL, v_ps_c_script),
    E("windows", NULL, NULL, v_any_windows),
    E("windows", NULL, "security", v_security),
    E("windows", NULL, "system", v_system),
    E("windows", NULL, "application", v_application),
    E("windows", NULL, "sysmon", v_sysmon),
    E("windows", NULL, "powershell", v_powershell),
    E("windows", NULL, "powershell-classic", v_ps_classic),
    E("windows", NULL, "taskscheduler", v_tasksched),
    E("windows", NULL, "windefend", v_windefend),
    E("windows", NULL, "wmi", v_wmi),
    E("windows", NULL, "dns-server", v_dns_server),
    E("windows", NULL, "dns-client", v_dns_client),
    E("windows", NULL, "bits-client", v_bits),
    E("windows", NULL, "codeintegrity-operational", v_codeint),
    E("windows", NULL, "firewall-as", v_firewall),
    E("windows", NULL, "applocker", v_applocker),
    E("windows", NULL, "msexchange-management", v_exchange),
    E("windows", NULL, "appxdeployment-server", v_appx),
    E("windows", NULL, "ntlm", v_ntlm),
    E("windows", NULL, "security-mitigations", v_mitig),
    E("windows", NULL, "printservice-admin", v_print_admin),
    E("windows", NULL, "printservice-operational", v_print_op),
    E("windows", NULL, "smbclient-security", v_smbc_sec),
    E("windows", NULL, "smbclient-connectivity", v_smbc_conn),
    E("windows", NULL, "smbserver-connectivity", v_smbs_conn),
    E("windows", NULL, "terminalservices-localsessionmanager", v_tslsm),
    E("windows", NULL, "openssh", v_openssh),
    E("windows", NULL, "ldap", v_ldap),
    E("windows", NULL, "capi2", v_capi2),
    E("windows", NULL, "certificateservicesclient-lifecycle-system", v_certlc),
    E("windows", NULL, "driver-framework", v_drvfw),
    E("windows", NULL, "lsa-server", v_lsa),
    E("windows", NULL, "appmodel-runtime", v_appmodel),
    E("windows", NULL, "appxpackaging-om", v_appxpkg),
    E("windows", NULL, "diagnosis-scripted", v_diagscr),
    E("windows", NULL, "shell-core", v_shellcore),
    E("windows", NULL, "microsoft-servicebus-client", v_sbus),
    E("windows", NULL, "iis-configuration", v_iiscfg),
    E("windows", NULL, "dns-server-analytic", v_dnsanal),
    E("windows", NULL, "vhdmp", v_vhdmp),
    E("linux", "process_creation", NULL, v_lproc),
    E("linux", "network_connection", NULL, v_lnet),
    E("linux", "file_event", NULL, v_lfile),
    E("linux", NULL, NULL, v_lauth),
    E("linux", NULL, "auth", v_lauth),
    E("linux", NULL, "sshd", v_lsshd),
    E("linux", NULL, "sudo", v_lsudo),
    E("linux", NULL, "auditd", v_auditd),
    E("linux", NULL, "clamav", v_clamav),
    E("cisco", NULL, "aaa", v_cisco_cmd),
    E("cisco", NULL, "bgp", v_cisco_log),
    E("cisco", NULL, "syslog", v_cisco_log),
    E("zeek", NULL, "dns", v_zeek_dns),
    E("zeek", NULL, "conn", v_zeek_conn),
    E(NULL, "dns", NULL, v_dns_cat),
    E(NULL, "firewall", NULL, v_firewall_cat),
    E(NULL, "proxy", NULL, v_proxy_cat),
    E(NULL, "webserver", NULL, v_webserver_cat),
    E(NULL, "antivirus", NULL, v_antivirus),
};

static int eq_opt(const char *want, const char *have)
{
    if (!want)
        return !have || !*have;
    return have && !strcasecmp(want, have);
}

const sigma_logsource_t *sigma_logsource_find(const char *product, const char *category,
                                              const char *service)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (eq_opt(table[i].product, product) && eq_opt(table[i].category, category) &&
            eq_opt(table[i].service, service))
            return &table[i];
    return NULL;
}

const sigma_logsource_t *sigma_logsource_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}
