/* fuzz_event_flat.c — differential libFuzzer target: whatever the fast
 * reader (detect/event_flat.c: every shape, nested Windows events, ECS,
 * arrays, reals, escapes, UTF-8) accepts, the full parser (detect/event.c,
 * jansson) must accept too and give the same fields, in the same order,
 * with the same values and types. Corpus: fuzz/corpus/event_flat/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/event.h"
#include "detect/event_flat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sw_event_t a, b;
    sw_event_init(&a);
    sw_event_init(&b);
    if (sw_event_parse_flat(&a, (const char *)data, size) == SW_OK) {
        if (sw_event_parse_json(&b, (const char *)data, size, NULL) != SW_OK)
            __builtin_trap(); /* flat accepted what the full parser rejects */
        if (a.n_fields != b.n_fields)
            __builtin_trap();
        for (size_t i = 0; i < a.n_fields; i++) {
            const sw_field_t *x = &a.fields[i], *y = &b.fields[i];
            if (x->name_len != y->name_len || x->value_len != y->value_len ||
                x->type != y->type || memcmp(x->name, y->name, x->name_len) ||
                memcmp(x->value, y->value, x->value_len))
                __builtin_trap();
        }
    }
    sw_event_free(&a);
    sw_event_free(&b);
    return 0;
}
