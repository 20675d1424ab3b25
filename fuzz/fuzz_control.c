/* fuzz_control.c — libFuzzer target for the exercise's control requests
 * (src/exercise/control.c, sw_control_handle): arbitrary bytes as the JSON a
 * client sends over the control socket, answered by an exercise on a small
 * fixed world (no database). Must never crash, leak or read out of bounds,
 * and must always answer; refusals are expected. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../tests/unit/sim_fixture.h"
#include "exercise/control.h"
#include "exercise/exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sw_world_t *w;
    if (!w) {
        w = fx_world();
        fx_add_apt(w);
    }
    sw_exercise_opts_t o;
    sw_exercise_opts_init(&o);
    o.how = SW_EXO_CREATE;
    o.world = w;
    o.telemetry = 0;
    sw_exercise_t *ex = NULL;
    sw_errbuf_t err;
    if (sw_exercise_open(&o, &ex, NULL, &err))
        abort();
    char *ans = sw_control_handle(ex, (const char *)data, size);
    if (!ans)
        abort(); /* every request gets an answer */
    free(ans);
    /* and the exercise still runs after whatever it was asked */
    sw_exercise_advance(ex, 30 * 60 * 1000LL, &err);
    sw_exercise_close(ex, NULL);
    return 0;
}
