/* report_model.h — the after-action report's model (the JSON report) built
 * from an exercise opened in memory and its own score: what `seawall
 * report` renders (score/report.h), and what the benchmark times. */
#ifndef SW_CLI_REPORT_MODEL_H
#define SW_CLI_REPORT_MODEL_H

#include <jansson.h>

#include "detect/sigma.h"
#include "exercise/exercise.h"

/* The model of ex at the time it reached: every player team (or team's
 * alone, when not NULL), ranked. st (may be NULL) gives the records of
 * missed stages, rules (may be NULL) the Sigma rules that match them,
 * rules_from where those came from. NULL with *err set (SW_ENOMEM). */
json_t *sw_report_model(sw_exercise_t *ex, const char *team, sw_store_t *st, sw_sigma_set_t *rules,
                        const char *rules_from, int *err);

#endif
