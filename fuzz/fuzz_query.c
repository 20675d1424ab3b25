/* fuzz_query.c — libFuzzer target for the hunt language parser
 * (detect/query.c): any bytes must parse or fail with a message, never
 * crash; what parses is evaluated on a fixed event and run through its
 * pipeline, which must not crash either. Corpus: fuzz/corpus/query/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/event.h"
#include "detect/query.h"

static const char event_json[] =
    "{\"@timestamp\":\"2026-02-10T09:01:00Z\",\"EventID\":1,\"Computer\":\"DC01\","
    "\"Image\":\"C:\\\\Windows\\\\System32\\\\ntdsutil.exe\","
    "\"CommandLine\":\"ntdsutil \\\"ac i ntds\\\" ifm q q\",\"User\":\"MOH\\\\bob\","
    "\"tags\":[\"a\",\"b\"],\"source\":{\"ip\":\"10.0.0.1\",\"port\":443}}";

static int row_cb(const sw_qrow_t *row, void *ud)
{
    (void)row;
    (void)ud;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sw_query_t q;
    sw_errbuf_t err;
    sw_query_opts_t o = {.now_ms = 1770714000000LL};
    int rc = sw_query_parse(&q, (const char *)data, size, &o, &err);
    if (rc == SW_OK) {
        sw_event_t ev;
        sw_event_init(&ev);
        if (sw_event_parse_json(&ev, event_json, sizeof event_json - 1, NULL) == SW_OK) {
            int m = sw_query_match(&q, &ev);
            sw_qrun_t *run;
            if (sw_qrun_new(&run, &q, row_cb, NULL) == SW_OK) {
                for (int i = 0; i < 3 && m; i++)
                    if (sw_qrun_feed(run, i, 1770714000000LL + i * 60000, &ev, event_json,
                                     sizeof event_json - 1, &err))
                        break;
                sw_qrun_finish(run, &err);
                sw_qrun_free(run);
            }
        }
        sw_event_free(&ev);
    } else if (err.msg[0] == '\0') {
        __builtin_trap(); /* every failure carries a message */
    }
    sw_query_free(&q);
    return 0;
}
