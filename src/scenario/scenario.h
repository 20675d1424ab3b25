/* scenario.h — load a scenario (YAML) into a world model, with validation.
 *
 * The loader reads the file and its includes into located YAML trees
 * (scenario_read.c, yaml_tree.c), builds the sw_world_t the simulation engine
 * runs (scenario_load.c and a file per world section, through the typed
 * accessors of scenario_fields.c, technique look-ups in attack_table.c),
 * then checks what the structure
 * alone cannot show (scenario_check.c): addresses, overlaps, dependency
 * cycles, objectives the playbooks cannot reach. Every problem goes to the
 * diagnostic list (diag.h) with its FILE:LINE:COL; loading goes on after an
 * error so one run reports all of them. The format is documented in
 * docs/scenario-format.md. */
#ifndef SW_SCENARIO_H
#define SW_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "model/world.h"
#include "scenario/diag.h"

/* Hard limits on what a scenario may grow (outside input). */
#define SW_SCN_MAX_FILES 32 /* files read, the main one included */
#define SW_SCN_MAX_INCLUDE_DEPTH 8
#define SW_SCN_MAX_COUNT 99      /* `count:` expansion per host entry (2-digit suffix) */
#define SW_SCN_MAX_OBJECTS 20000 /* per kind: hosts, users, steps, ... */
#define SW_SCN_MAX_DURATION_MS ((int64_t)366 * 24 * 3600 * 1000)

/* Load a scenario file, or a built-in scenario by name ("example" -> the
 * embedded scenarios/example.yaml or scenarios/example/scenario.yaml; also
 * "builtin:scenarios/..."); a path that exists on disk wins over a built-in
 * name. Includes resolve relative to the including file (built-in includes
 * from the embedded table). The loader initialises *w itself.
 *
 * Returns SW_OK (warnings may be in d; the caller frees w with
 * sw_world_free), or SW_EINVAL / SW_ENOENT / SW_ENOMEM with every problem in
 * d, all of them from one run (w is then already freed).
 *
 * Cost: linear in the input for reading and resolving (hash maps), plus
 * O(n log n) address checks and the reachability fixpoint, which is bounded
 * (a playbook too large to analyse gets a warning instead). */
int sw_scenario_load(const char *path_or_name, sw_world_t *w, sw_diags_t *d);

/* The same for text in memory named name (used in messages and as the base
 * for includes, which are read from disk relative to name's directory, or
 * from the embedded table when name starts with "builtin:"). */
int sw_scenario_load_mem(const char *name, const char *text, size_t len, sw_world_t *w,
                         sw_diags_t *d);

/* The files of one scenario with their text, main first: what an exercise
 * keeps (in its journal) to load exactly the same scenario again later,
 * whatever happens to the files on disk or the built-in ones. */
typedef struct sw_scenario_file {
    char *name; /* as the loader named it: a path, or "builtin:scenarios/..." */
    char *text;
    size_t len;
} sw_scenario_file_t;

typedef struct sw_scenario_files {
    sw_scenario_file_t *v;
    uint32_t n;
} sw_scenario_files_t;

void sw_scenario_files_free(sw_scenario_files_t *f);

/* sw_scenario_load, also handing back every file it read in *files (empty
 * at the call; the caller frees it, also on failure). */
int sw_scenario_load_keep(const char *path_or_name, sw_world_t *w, sw_diags_t *d,
                          sw_scenario_files_t *files);

/* Load the scenario files->v[0], its includes read only from files (by the
 * name the loader gives them): nothing from disk or the built-in table. */
int sw_scenario_load_files(const sw_scenario_files_t *files, sw_world_t *w, sw_diags_t *d);

/* ---- value syntax, shared with the CLI and tests ------------------------ */

/* "4h", "90m", "1h30m", "45s", "2d", "500ms", "0": at least one number+unit,
 * units d h m s ms each at most once, largest first; 0..SW_SCN_MAX_DURATION_MS.
 * Returns SW_OK or SW_EINVAL. */
int sw_parse_duration(const char *s, int64_t *ms);
/* An exercise time: a duration from the start ("1h23m") or the exercise
 * clock's own notation "T+01:23" / "T+1:23:45" (hours, minutes, seconds).
 * Same bounds as sw_parse_duration. */
int sw_parse_exercise_time(const char *s, int64_t *ms);
/* "HH:MM" (00:00..23:59; one-digit hours allowed) to minutes of the day. */
int sw_parse_time_of_day(const char *s, int *minute);
/* "10m..40m" or a single duration (min == max); min <= max. */
int sw_parse_duration_range(const char *s, int64_t *min_ms, int64_t *max_ms);
/* "08:00-17:00" to start and end minutes (end may be before start: night shift). */
int sw_parse_hours(const char *s, int *start_min, int *end_min);
/* "+09:00", "-10:00", "+5:45", "0" to minutes east of UTC (-720..840). */
int sw_parse_utc_offset(const char *s, int *minutes);

/* Semantic checks over a loaded world (scenario_check.c): IPs inside their
 * networks, overlapping CIDRs, dependency cycles (business and service),
 * technique ids, and (when reach is set) objective reachability. Adds errors
 * to d and returns how many it added. Safe on a partly resolved world:
 * SW_NONE references are skipped. */
size_t sw_scenario_check(const sw_world_t *w, sw_diags_t *d, int reach);

/* Relaxed forward reachability (scenario_check.c): from no foothold, apply
 * every step of adversary a whose preconditions can hold (ignoring chance,
 * time order and defenders) until nothing changes; then ok[i] says whether
 * objective i could be reached. ok has n_objectives entries. Returns SW_OK or
 * SW_ENOMEM. */
int sw_scenario_reach(const sw_world_t *w, uint32_t a, int *ok);

#endif
