/* fuzz_defender.c — libFuzzer target for the scripted-defender parser
 * (src/sim/defender.c): arbitrary bytes as a defender YAML against a small
 * fixed world; a file that parses is then run for two simulated hours so its
 * actions and rules go through the engine too. Must never crash, leak or
 * read out of bounds; errors are expected. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../tests/unit/sim_fixture.h"
#include "sim/defender.h"
#include "sim/sim.h"

typedef struct fz {
    sw_defender_t *d;
    sw_sim_t *sim;
    const sw_world_t *w;
} fz_t;

static void on_event(const sw_sim_event_t *ev, void *ud)
{
    fz_t *f = ud;
    if (f->sim)
        sw_defender_on_event(f->d, f->sim, f->w, ev);
}

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
    if (sw_defender_parse(&d, w, "fuzz.yaml", (const char *)data, size, &diags) == 0) {
        fz_t f = {&d, NULL, w};
        f.sim = sw_sim_new(w, 1, on_event, &f);
        if (f.sim) {
            sw_defender_start(&d, f.sim);
            sw_sim_run_until(f.sim, 2 * 3600 * 1000LL);
            sw_sim_free(f.sim);
        }
        sw_defender_free(&d);
    }
    sw_diags_free(&diags);
    return 0;
}
