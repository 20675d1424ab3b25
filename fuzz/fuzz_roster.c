/* fuzz_roster.c — libFuzzer target for CSV rosters (src/exercise/roster.c,
 * sw_roster_parse): arbitrary bytes as the file an organiser imports.
 * Must never crash, leak or read out of bounds; every line it refuses is
 * reported at a line inside the input; every row it accepts names a role
 * and, for players and observers, one of the exercise's teams. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exercise/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const teams[] = {"palau", "fsm", "fiji"};
    sw_exercise_info_t info;
    memset(&info, 0, sizeof info);
    info.n_teams = 3;
    for (int i = 0; i < 3; i++) {
        strcpy(info.teams[i].id, teams[i]);
        info.teams[i].observer = i == 2;
    }
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    sw_diags_t d;
    sw_diags_init(&d);
    sw_roster_row_t *rows = NULL;
    size_t n = 0;
    sw_errbuf_t err;
    int rc = sw_roster_parse(&info, "room.csv", (const char *)data, size, &rows, &n, &d, &err);
    for (size_t i = 0; i < d.n; i++)
        if (d.items[i].loc.line < 1 || (size_t)d.items[i].loc.line > lines)
            abort();
    if (rc == SW_OK) {
        if (d.n_errors)
            abort();
        for (size_t i = 0; i < n; i++) {
            const sw_roster_row_t *r = &rows[i];
            int needs = r->r == SW_ACCT_PLAYER || r->r == SW_ACCT_OBSERVER, known = 0;
            for (int t = 0; t < 3; t++)
                known |= !strcmp(r->team, teams[t]);
            if (needs != known || !*r->name)
                abort();
        }
    } else if (rows) {
        abort(); /* refused: nothing to add */
    }
    free(rows);
    sw_diags_free(&d);
    return 0;
}
