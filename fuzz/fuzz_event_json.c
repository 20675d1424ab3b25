/* fuzz_event_json.c — libFuzzer target for detect/event: split the input
 * into records as the CLI does (sw_event_split) and flatten each one
 * (sw_event_parse_json), then look fields up. Seeds: fuzz/corpus/event_json/. */
#include <stddef.h>
#include <stdint.h>

#include "detect/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    sw_event_t ev;
    sw_event_init(&ev);
    size_t pos = 0, start, len;
    int records = 0;
    while (records++ < 64 && sw_event_split(text, size, &pos, &start, &len) == 1) {
        if (sw_event_parse_json(&ev, text + start, len, NULL) != SW_OK)
            continue;
        for (const sw_field_t *f = sw_event_get(&ev, "EventID"); f; f = sw_event_next(&ev, f))
            (void)f->value_len;
        (void)sw_event_get(&ev, "host.name");
    }
    /* the whole input as one record, too */
    (void)sw_event_parse_json(&ev, text, size, NULL);
    sw_event_free(&ev);
    return 0;
}
