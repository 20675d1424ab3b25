/* report_model.h — the after-action report's model (the JSON report) and
 * the scoreboard, built from an exercise and its own score: what `seawall
 * report` and the server render (score/report.h), what the scoreboard
 * shows, and what the benchmark times. */
#ifndef SW_EXERCISE_REPORT_MODEL_H
#define SW_EXERCISE_REPORT_MODEL_H

#include <jansson.h>

#include "detect/sigma.h"
#include "exercise/exercise.h"
#include "store/evstore.h"

/* The model of ex at the time it reached: every player team (or team's
 * alone, when not NULL), ranked. st (may be NULL) gives the records of
 * missed stages, rules (may be NULL) the Sigma rules that match them,
 * rules_from where those came from. NULL with *err set (SW_ENOMEM). */
json_t *sw_report_model(sw_exercise_t *ex, const char *team, sw_store_t *st, sw_sigma_set_t *rules,
                        const char *rules_from, int *err);

/* The scoreboard now, as the one asking may see it: the white cell (white
 * non-zero) live, with the settings; players and observers what the white
 * cell lets them see ({"hidden": true} when hidden; the board as it stood
 * when frozen). {"at_ms", "hidden", "frozen", "frozen_at_ms", "teams": best
 * first [{"id", "name", "rank", "total", "penalties", "categories": {name:
 * {"title", "fraction", "points", "weight"}}}]}. NULL: out of memory. */
json_t *sw_exercise_scoreboard(sw_exercise_t *ex, int white);

#endif
