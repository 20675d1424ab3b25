/* fuzz_i18n.c — libFuzzer target for scenario translations (scenario/
 * scenario_i18n.c): any bytes are read as the Japanese translation of the
 * built-in tutorial (its injects and business services are what ids are
 * checked against). The reader must never crash, hang or leak, and must
 * either succeed with no errors or fail with at least one; a translation
 * that loads answers look-ups. Seed corpus: fuzz/corpus/i18n/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/err.h"
#include "scenario/scenario.h"
#include "scenario/scenario_i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sw_world_t world;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loaded) {
        sw_diags_t d0;
        sw_diags_init(&d0);
        if (sw_scenario_load("tutorial", &world, &d0) != SW_OK)
            abort();
        sw_diags_free(&d0);
        loaded = 1;
    }
    sw_diags_t d;
    sw_diags_init(&d);
    sw_i18n_t *t = NULL;
    int rc = sw_i18n_parse(&world, "fuzz/ja.yaml", (const char *)data, size, "ja", &t, &d);
    if (rc == SW_OK) {
        if (d.n_errors || !t)
            abort(); /* success with errors, or nothing to show for it */
        (void)sw_i18n_get(t, "injects", "MSEL-01", "body");
        (void)sw_i18n_get(t, "exercise", NULL, "name");
        sw_i18n_free(t);
    } else if (d.n_errors == 0 && rc != SW_ENOMEM) {
        abort(); /* failure without a reason */
    }
    sw_diags_free(&d);
    return 0;
}
