/* sigma.h — Sigma detection rules: load (YAML), compile once, match many
 * rules over each event fast.
 *
 * A rule set is built in two phases:
 *
 *   EMPTY --sw_sigma_set_add (per rule file)--> LOADING
 *   LOADING --sw_sigma_set_build--> READY --sw_sigma_set_match (per event)--> READY
 *
 * sw_sigma_set_add parses one rule (SigmaHQ specification), checks that
 * seawall can evaluate all of it, and compiles it; a rule seawall cannot
 * evaluate fully is refused as a whole with a short reason (for the load
 * report) and a located message, never loaded half-way. sw_sigma_set_build
 * groups the rules by the record types their logsource maps to and builds the
 * literal pre-filter. Matching allocates nothing per event.
 *
 * The engine does no I/O: callers hand it rule text and parsed events
 * (detect/event.h). A set is used by one thread at a time (it keeps scratch
 * space for matching).
 *
 * Regular expressions (the re modifier) run under budgets, so no record
 * can stall the matcher. First PCRE2's JIT matcher, with at most
 * SW_SIGMA_RE_MATCH_LIMIT backtracking steps and SW_SIGMA_RE_JIT_STACK bytes
 * of stack; a value it cannot decide within those goes to a second matcher
 * with no backtracking (PCRE2's DFA over the pattern prefixed with a lazy
 * `.*?`, one pass over the value: its cost is the value's length times the
 * states it holds, at most SW_SIGMA_RE_DFA_WORKSPACE ints of them, for values
 * up to SW_SIGMA_RE_DFA_MAX_BYTES). Patterns only a backtracking matcher can
 * evaluate (back references, backtracking verbs such as (*SKIP), conditional
 * groups, \C) are refused at load, reason "regex needs backtracking". When
 * neither matcher decides, the regex is unknown and the rule is evaluated in
 * three-valued logic: if its condition holds or fails whatever the regex
 * says, that is its result; otherwise the rule is *undecided* on the event:
 * not a match, not a miss, but counted per rule (sw_sigma_set_undecided) and
 * reported (sw_sigma_set_on_undecided), so padding a value past the budget
 * cannot silently evade a rule.
 *
 * Detection Rule License: any view that shows a match must show the rule's
 * author (sw_sigma_rule_info_t.author). */
#ifndef SW_SIGMA_H
#define SW_SIGMA_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "detect/event.h"

/* Limits on outside input. */
#define SW_SIGMA_MAX_RULE_BYTES (1u << 20) /* one rule file */
#define SW_SIGMA_MAX_YAML_NODES 50000      /* nodes in one rule document */
#define SW_SIGMA_MAX_YAML_DEPTH 32
#define SW_SIGMA_MAX_VALUES 65536 /* values after expansion in one selection field */
#define SW_SIGMA_MAX_COND_BYTES 4096
#define SW_SIGMA_MAX_PATTERN_BYTES (16u << 20) /* all patterns of one rule, after expansion */
#define SW_SIGMA_RE_MATCH_LIMIT 1000000        /* PCRE2 backtracking budget per match */
#define SW_SIGMA_RE_JIT_STACK (1u << 20)       /* bytes of JIT stack a match may use */
#define SW_SIGMA_RE_DFA_WORKSPACE 4096         /* ints of state for the fallback matcher */
#define SW_SIGMA_RE_DFA_MAX_BYTES (64u << 10)  /* longest value the fallback takes */

/* Why a rule was refused: a short, stable reason (grouped by the load
 * report), the position in the rule file and a sentence for a person. */
typedef struct sw_sigma_error {
    int line; /* 1-based; 0 when it concerns the whole file */
    int col;
    char reason[64];
    char msg[SW_ERRBUF_LEN];
} sw_sigma_error_t;

/* What a rule says about itself. Strings are never NULL ("" when absent). */
typedef struct sw_sigma_rule_info {
    const char *title;
    const char *id;
    const char *status;
    const char *level;
    const char *author;
    const char *description;
    const char *file; /* as passed to sw_sigma_set_add */
    const char *product, *category, *service;
    const char *const *tags;
    size_t n_tags;
} sw_sigma_rule_info_t;

/* One match. Valid during the callback only. */
typedef struct sw_sigma_alert {
    const sw_sigma_rule_info_t *rule;
    const sw_event_t *event;
    const char *host; /* Computer, host.name, hostname, host, observer.name or "" */
    const char *time; /* TimeCreated, @timestamp, UtcTime or "" */
} sw_sigma_alert_t;

typedef void (*sw_sigma_alert_cb)(const sw_sigma_alert_t *alert, void *ud);

/* A placeholder for the expand modifier: %name% stands for each of values. */
typedef struct sw_sigma_var {
    const char *name; /* without the percent signs */
    const char *const *values;
    size_t n_values;
} sw_sigma_var_t;

typedef struct sw_sigma_set sw_sigma_set_t;

/* A new, empty set. vars (may be NULL) is copied. NULL when out of memory. */
sw_sigma_set_t *sw_sigma_set_new(const sw_sigma_var_t *vars, size_t n_vars);
void sw_sigma_set_free(sw_sigma_set_t *s);

/* Parse, check and compile the rule in yaml[0..len) and add it to s. file
 * names the rule in messages and alerts. Returns SW_OK, or SW_EINVAL /
 * SW_ETOOBIG with err filled and the set unchanged, or SW_ENOMEM, or
 * SW_ESTATE after sw_sigma_set_build. Cost: linear in the rule's size, plus
 * PCRE2 compilation of its regular expressions. */
int sw_sigma_set_add(sw_sigma_set_t *s, const char *yaml, size_t len, const char *file,
                     sw_sigma_error_t *err);

/* Index the loaded rules by record type and build the literal pre-filter.
 * After this the set accepts no more rules. Returns SW_OK or SW_ENOMEM. */
int sw_sigma_set_build(sw_sigma_set_t *s);

/* Turn the literal pre-filter off (on = 0) or on (the default). Results
 * are the same either way; tests and benchmarks compare the two. */
void sw_sigma_set_prefilter(sw_sigma_set_t *s, int on);

size_t sw_sigma_set_count(const sw_sigma_set_t *s);
const sw_sigma_rule_info_t *sw_sigma_set_rule(const sw_sigma_set_t *s, size_t i);

/* Evaluate every rule whose logsource fits ev and call cb for each match,
 * by record type, then in load order. Returns the number of matches (>= 0), or SW_ESTATE before
 * sw_sigma_set_build. Cost: the record type lookup, one pre-filter pass over
 * the fields the rules name, then only the rules the pre-filter lets through. */
int sw_sigma_set_match(sw_sigma_set_t *s, const sw_event_t *ev, sw_sigma_alert_cb cb, void *ud);

/* Call cb (NULL: none) for each rule left undecided on an event by
 * sw_sigma_set_match (a regular expression over both budgets, see above),
 * with the same fields a match has. */
void sw_sigma_set_on_undecided(sw_sigma_set_t *s, sw_sigma_alert_cb cb, void *ud);

/* How many events rule i was undecided on since the set was built. */
uint64_t sw_sigma_set_undecided(const sw_sigma_set_t *s, size_t i);

/* The host and time of an event as alerts report them ("" when absent). */
const char *sw_sigma_event_host(const sw_event_t *ev);
const char *sw_sigma_event_time(const sw_event_t *ev);

#endif
