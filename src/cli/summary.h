/* summary.h — what happened in an exercise, as `run`, `simulate` and
 * `replay` print it: objectives reached and when, each team's service
 * availability, attacker steps by technique and outcome, defender actions,
 * and the hash of the event stream. Fed the exercise's notes. */
#ifndef SW_CLI_SUMMARY_H
#define SW_CLI_SUMMARY_H

#include <jansson.h>
#include <stdio.h>

#include "exercise/exercise.h"

typedef struct sw_tally_step {
    const char *technique;
    uint32_t n[SW_OUT__COUNT];
} sw_tally_step_t;

typedef struct sw_summary {
    uint64_t n_events;
    sw_tally_step_t *steps;
    uint32_t n_steps, cap_steps;
    uint32_t applied[SW_ACT__COUNT], failed[SW_ACT__COUNT], refused;
} sw_summary_t;

/* Count one note (sim events; others are ignored). */
void sw_summary_note(sw_summary_t *s, const sw_ex_note_t *n);
void sw_summary_free(sw_summary_t *s);

json_t *sw_summary_json(const sw_summary_t *s, const sw_exercise_t *ex, double wall_s);
void sw_summary_print(FILE *f, const sw_summary_t *s, const sw_exercise_t *ex, double wall_s);

#endif
