/* fuzz_defender.c — libFuzzer target for the scripted-defender parser
 * (src/scenario/defender_load.c): arbitrary bytes as a defender YAML against
 * a small fixed world; a file that parses is then played for two simulated
 * hours by the exercise runtime, so its actions and rules go through the
 * exercise's commands and the engine too. Must never crash, leak or read
 * out of bounds; errors are expected. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../tests/unit/sim_fixture.h"
#include "exercise/exercise.h"
#include "scenario/defender.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sw_world_t *w;
    if (!w) {
        w = fx_world();
        fx_add_apt(w);
    }
    sw_defender_t d;
    sw_diags_t diags;
    sw_diags_init(&diags);
    int ok = sw_defender_parse(&d, w, "fuzz.yaml", (const char *)data, size, &diags) == 0;
    if (ok)
        sw_defender_free(&d);
    sw_diags_free(&diags);
    if (!ok)
        return 0;
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.world = w;
    o.telemetry = 0;
    o.seed = 1;
    o.has_seed = 1;
    o.until_ms = 2 * 3600 * 1000LL;
    o.has_until = 1;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    sw_ex_reply_t rp;
    if (sw_exercise_open(&o, &ex, NULL, &err) == 0) {
        if (sw_exercise_attach_defender(ex, "fuzz", "fuzz.yaml", (const char *)data, size, NULL,
                                        &rp) == 0 &&
            sw_exercise_clock(ex, "fuzz", SW_CLOCK_START, 0, &rp) == 0)
            sw_exercise_advance(ex, sw_exercise_until(ex), &err);
        sw_exercise_close(ex, NULL);
    }
    return 0;
}
