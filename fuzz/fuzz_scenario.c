/* fuzz_scenario.c — libFuzzer target for the scenario loader: any bytes go
 * through sw_scenario_load_mem (YAML tree, declare, fill, checks,
 * reachability). The input is named as a built-in file under scenarios/, so
 * its includes resolve against the embedded table only (the library parts of
 * the example can be pulled in; nothing is read from disk). The loader must
 * never crash, hang or leak, and must either succeed with no errors or fail
 * with at least one. Seed corpus: fuzz/corpus/scenario/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/err.h"
#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sw_world_t w;
    sw_diags_t d;
    sw_diags_init(&d);
    int rc = sw_scenario_load_mem("builtin:scenarios/fuzz.yaml", (const char *)data, size, &w, &d);
    if (rc == SW_OK) {
        if (d.n_errors)
            abort(); /* success with errors: a contract violation */
        sw_world_free(&w);
    } else if (d.n_errors == 0) {
        abort(); /* failure without a reason */
    }
    sw_diags_free(&d);
    return 0;
}
