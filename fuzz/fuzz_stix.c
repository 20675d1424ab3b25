/* fuzz_stix.c — libFuzzer target for STIX 2.1 bundles from other tools
 * (src/exercise/stix.c, sw_stix_parse): arbitrary bytes as the bundle a
 * team posts. Must never crash, leak or read out of bounds; a refusal is
 * fine. What it reads must survive a round trip: every indicator seawall
 * accepts, written into its own bundle and read back, is the same
 * indicator (type and value), in the same number. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exercise/stix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sw_stix_read_t rd;
    sw_errbuf_t err;
    memset(&rd, 0, sizeof rd);
    if (sw_stix_parse((const char *)data, size, &rd, &err))
        return 0;
    /* keep what seawall would share (sw_stix_check, as the exercise does) */
    size_t kept = 0;
    for (size_t i = 0; i < rd.n; i++) {
        char why[256];
        if (!sw_stix_check(&rd.ind[i], why, sizeof why))
            rd.ind[kept++] = rd.ind[i];
    }
    json_t *b = sw_stix_bundle("fuzz", "Fuzz team", rd.ind, kept, rd.tlp[0] ? rd.tlp : NULL,
                               rd.note, 1767225600000LL);
    char *text = b ? json_dumps(b, JSON_COMPACT) : NULL;
    json_decref(b);
    if (!text)
        abort();
    sw_stix_read_t back;
    memset(&back, 0, sizeof back);
    if (sw_stix_parse(text, strlen(text), &back, &err))
        abort(); /* seawall cannot read its own bundle */
    if (back.n != kept)
        abort();
    for (size_t i = 0; i < kept; i++) {
        int found = 0;
        for (size_t k = 0; k < back.n && !found; k++)
            found = !strcmp(back.ind[k].type, rd.ind[i].type) &&
                    !strcmp(back.ind[k].value, rd.ind[i].value);
        if (!found)
            abort(); /* an indicator changed on the way */
    }
    free(text);
    sw_stix_read_free(&back);
    sw_stix_read_free(&rd);
    return 0;
}
