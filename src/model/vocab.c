/* vocab.c — spellings for the rest of the world's enums and the OS table.
 * See vocab.h. */
#include "model/vocab.h"

#include <string.h>

const char *const sw_pre_kind_names[SW_PRE__COUNT] = {
    "on_target", "foothold", "reach",    "vuln", "credential",
    "phishable", "fact",     "not_fact", "c2",   "after",
};
const char *const sw_eff_kind_names[SW_EFF__COUNT] = {
    "foothold",    "credential",      "persist", "fact",  "c2",
    "proxy",       "encrypt",         "wipe",    "exfil", "disrupt",
    "tamper_logs", "destroy_backups", "spread",
};
const char *const sw_trigger_kind_names[SW_TRIG__COUNT] = {
    "at",
    "attacker_on",
    "step",
    "objective",
};
const char *const sw_tech_kind_names[SW_TECH__COUNT] = {
    "none",
    "cable_fault",
    "link_repair",
    "power_loss",
};
const char *const sw_cred_form_names[3] = {"password", "hash", "ticket"};
const char *const sw_proto_names[2] = {"tcp", "udp"};
const char *const sw_os_family_names[4] = {"windows", "linux", "network", "other"};
const char *const sw_team_kind_names[2] = {"player", "observer"};

const sw_os_info_t sw_os_table[] = {
    {"windows-server-2012r2", SW_OSF_WINDOWS},
    {"windows-server-2016", SW_OSF_WINDOWS},
    {"windows-server-2019", SW_OSF_WINDOWS},
    {"windows-server-2022", SW_OSF_WINDOWS},
    {"windows-server-2025", SW_OSF_WINDOWS},
    {"windows-7", SW_OSF_WINDOWS},
    {"windows-10", SW_OSF_WINDOWS},
    {"windows-11", SW_OSF_WINDOWS},
    {"ubuntu-20.04", SW_OSF_LINUX},
    {"ubuntu-22.04", SW_OSF_LINUX},
    {"ubuntu-24.04", SW_OSF_LINUX},
    {"debian-11", SW_OSF_LINUX},
    {"debian-12", SW_OSF_LINUX},
    {"rhel-7", SW_OSF_LINUX},
    {"rhel-8", SW_OSF_LINUX},
    {"rhel-9", SW_OSF_LINUX},
    {"centos-7", SW_OSF_LINUX},
    {"rocky-9", SW_OSF_LINUX},
    {"suse-15", SW_OSF_LINUX},
    {"cisco-ios", SW_OSF_NETWORK},
    {"cisco-ios-xe", SW_OSF_NETWORK},
    {"cisco-ios-xr", SW_OSF_NETWORK},
    {"cisco-asa", SW_OSF_NETWORK},
    {"junos", SW_OSF_NETWORK},
    {"fortios", SW_OSF_NETWORK},
    {"panos", SW_OSF_NETWORK},
    {"ivanti-connect-secure", SW_OSF_NETWORK},
    {"huawei-vrp", SW_OSF_NETWORK},
    {"mikrotik-routeros", SW_OSF_NETWORK},
    {"netgear-soho", SW_OSF_NETWORK},
    {"cisco-rv-soho", SW_OSF_NETWORK},
    {"vmware-esxi", SW_OSF_OTHER},
    {"appliance", SW_OSF_OTHER},
    {NULL, SW_OSF_OTHER},
};

const sw_os_info_t *sw_os_find(const char *name)
{
    for (const sw_os_info_t *o = sw_os_table; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}
