/* fuzz_sigma_rule.c — libFuzzer target for the Sigma rule path: YAML parse,
 * rule checks, compilation, index build, and a match over two fixed events
 * (one Sysmon process creation, one Security 4688) so compiled patterns and
 * the pre-filter run too. Seeds: fuzz/corpus/sigma_rule/ (real SigmaHQ rules). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/event.h"
#include "detect/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const events[] = {
    "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,\"Computer\":\"ws1\","
    "\"Image\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\",\"CommandLine\":\"cmd /c whoami /all "
    "-enc SQBFAFgA\",\"ParentImage\":\"C:\\\\Windows\\\\explorer.exe\",\"User\":\"CORP\\\\bob\","
    "\"DestinationIp\":\"10.1.2.3\",\"DestinationPort\":445,\"OriginalFileName\":\"Cmd.Exe\"}",
    "{\"Channel\":\"Security\",\"EventID\":4688,\"NewProcessName\":\"C:\\\\x\\\\reg.exe\","
    "\"ParentProcessName\":\"C:\\\\x\\\\cmd.exe\",\"CommandLine\":\"reg save hklm\\\\sam\"}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *vals[] = {"alice", "bob"};
    sw_sigma_var_t vars[] = {{"admins", vals, 2}};
    sw_sigma_set_t *s = sw_sigma_set_new(vars, 1);
    if (!s)
        return 0;
    sw_sigma_error_t err;
    if (sw_sigma_set_add(s, (const char *)data, size, "fuzz.yml", &err) == SW_OK &&
        sw_sigma_set_build(s) == SW_OK) {
        sw_event_t ev;
        sw_event_init(&ev);
        for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
            if (sw_event_parse_json(&ev, events[i], strlen(events[i]), NULL) == SW_OK)
                sw_sigma_set_match(s, &ev, NULL, NULL);
        sw_event_free(&ev);
    }
    sw_sigma_set_free(s);
    return 0;
}
