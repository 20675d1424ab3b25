/* scenario_int.h — what the loader's own files share (not for other layers):
 * the loading context (ld_t), the typed accessors that turn YAML nodes into
 * values with located diagnostics (scenario_fields.c), file and include
 * reading (scenario_read.c), the id map used to declare and resolve
 * references, and the "did you mean" suggestion (scenario_util.c).
 * scenario_load.c drives the phases; the fill phase of each world section
 * is in scenario_exercise.c (exercise, teams, scoring, rules, telemetry),
 * scenario_network.c (orgs, networks, hosts, users, links, business) and
 * scenario_adversary.c (adversaries, injects); scenario_check.c checks the
 * result. */
#ifndef SW_SCENARIO_INT_H
#define SW_SCENARIO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "model/world.h"
#include "scenario/diag.h"
#include "scenario/scenario.h"
#include "scenario/yaml_tree.h"

/* A string -> index map (open addressing, power-of-two capacity). Keys are
 * borrowed, not copied: they must outlive the map. */
typedef struct scn_idmap {
    const char **keys;
    uint32_t *vals;
    uint32_t cap, n;
} scn_idmap_t;

void scn_idmap_free(scn_idmap_t *m);
/* Insert key -> val. Returns SW_OK, SW_EEXIST (then *old is the existing
 * value) or SW_ENOMEM. */
int scn_idmap_put(scn_idmap_t *m, const char *key, uint32_t val, uint32_t *old);
/* The value for key, or SW_NONE. */
uint32_t scn_idmap_get(const scn_idmap_t *m, const char *key);

/* The candidate closest to word by edit distance, if close enough to be a
 * likely typo (distance <= max(1, min(3, len/3))), else NULL. Candidates come
 * from a NULL-terminated list (cands) or a map (m); either may be NULL.
 * Each comparison costs up to 64*64 steps; budget (may be NULL: unlimited)
 * is decreased by the work done and no suggestion is made once it is spent,
 * so a hostile file full of unknown names cannot make validation quadratic. */
const char *scn_suggest(const char *word, const char *const *cands, const scn_idmap_t *m,
                        uint64_t *budget);

/* ---- the loading context ---------------------------------------------------- */

#define BUILTIN "builtin:"
#define PATH_MAX_LEN 1024

typedef const yt_node_t node_t;

typedef struct ld {
    sw_world_t *w;
    sw_diags_t *d;
    sw_arena_t tmp;
    /* files read, in post-order (includes first); stack = the include chain */
    node_t *roots[SW_SCN_MAX_FILES];
    const char *names[SW_SCN_MAX_FILES];
    int n_files;
    const char *stack[SW_SCN_MAX_INCLUDE_DEPTH + 2];
    int depth;
    /* singletons and where they were defined */
    node_t *exercise, *scoring, *rules, *seed, *telemetry;
    /* the YAML entry of every declared object */
    node_t **team_n, **org_n, **net_n, **host_n, **user_n, **link_n, **biz_n, **adv_n, **inj_n;
    uint32_t *host_first; /* first host of the count group the host belongs to */
    scn_idmap_t m_team, m_org, m_net, m_host, m_user, m_link, m_biz, m_adv, m_inj;
    int oom;                          /* an allocation failed: the load ends with SW_ENOMEM */
    int stop;                         /* a hard limit was hit: nothing more is worth reporting */
    uint64_t suggest_budget;          /* "did you mean" work left (scn_suggest) */
    sw_scenario_files_t *keep;        /* every file read goes here too (may be NULL) */
    const sw_scenario_files_t *given; /* includes come only from here (may be NULL) */
} ld_t;

#define DECLARE(L, m, id, i, arr, what)                                                            \
    scn_declare_id((L), (m), (id), (i), (arr)[i].loc, &(arr)[0].loc, sizeof(arr)[0], (what))

#define ERR(L, loc, ...) sw_diags_add((L)->d, (loc), SW_DIAG_ERROR, __VA_ARGS__)
#define WARN(L, loc, ...) sw_diags_add((L)->d, (loc), SW_DIAG_WARNING, __VA_ARGS__)

/* Nested lists (services of a host, steps of an adversary, ...) are checked
 * for duplicates by scanning; this bound keeps that scan cheap. */
#define LIST_MAX 1000

/* Iterate the items of top-level list `key` across every file read. */
#define FOR_ITEMS(L, key, it)                                                                      \
    for (int fi_ = 0; fi_ < (L)->n_files; fi_++)                                                   \
        for (node_t *lst_ = scn_mget((L)->roots[fi_], (key)),                                      \
                    *it = lst_ && lst_->kind == YT_SEQ ? lst_->first : NULL;                       \
             it; it = it->next)

/* Items of a nested list (NULL-safe). */
#define FOR_SUB(map, key, it)                                                                      \
    for (node_t *lst_##it = scn_mget((map), (key)),                                                \
                *it = lst_##it && lst_##it->kind == YT_SEQ ? lst_##it->first : NULL;               \
         it; it = it->next)

/* The object name for messages: "host 'dc01'" or "host" when id is NULL. */
const char *scn_what(char *buf, size_t len, const char *kind, const char *id);

/* ---- phase 3, fill: one function per world section -------------------------
 * Each reads its section's YAML entries (L->*_n, declared in phase 2) into
 * the world, reporting every problem and leaving defaults. */

void scn_fill_exercise(ld_t *L);              /* exercise: (scenario_exercise.c) */
void scn_fill_teams(ld_t *L);                 /* teams:, observers: */
void scn_fill_scoring(ld_t *L);               /* scoring:, rules: */
void scn_fill_telemetry(ld_t *L);             /* telemetry: */
void scn_fill_links(ld_t *L);                 /* links: (scenario_network.c) */
void scn_fill_orgs(ld_t *L);                  /* orgs: networks, hosts, users */
void scn_fill_service_deps(ld_t *L);          /* services' depends_on (needs every host) */
void scn_fill_business(ld_t *L);              /* business: */
void scn_fill_adversary(ld_t *L, uint32_t i); /* adversaries: (scenario_adversary.c) */
void scn_fill_inject(ld_t *L, uint32_t i);    /* injects: */

/* ---- reading (scenario_read.c) -------------------------------------------- */

/* Load the scenario name[text, len) (sw_scenario_load_mem), keeping a copy
 * of every file read in keep, or reading includes only from given (either
 * may be NULL). In scenario_load.c. */
int scn_load(const char *name, const char *text, size_t len, sw_world_t *w, sw_diags_t *d,
             sw_scenario_files_t *keep, const sw_scenario_files_t *given);

/* Parse the file name[text, len) and, depth first, its includes; record each
 * root in L->roots in post-order (includes before the including file). The
 * main file is therefore L->roots[L->n_files - 1]. Reports problems to L->d. */
int scn_read(ld_t *L, const char *name, const char *text, size_t len);

/* ---- typed accessors (scenario_fields.c) ------------------------------------
 *
 * scn_val_X reads value node v for key `key`; scn_opt_X looks `key` up in
 * mapping m and returns def when it is absent. On a wrong type or an out of
 * range value they report "'key' must be ..., got ..." at the value and
 * return def, so loading goes on. Strings come back copied into the world's
 * arena. Allocation failures set L->oom and return NULL/def. */

void *scn_wz(ld_t *L, size_t n);
const char *scn_wstr(ld_t *L, const char *s);
node_t *scn_mget(node_t *map, const char *key);
sw_loc_t scn_kloc(node_t *map, const char *key);
const char *scn_list_names(const char *const *names, int n, char *buf, size_t len);
int scn_check_keys(ld_t *L, node_t *node, const char *what, const char *const *allowed,
                   const char *const *required);
const char *scn_scalar(ld_t *L, node_t *v, const char *key, const char *expect);
const char *scn_opt_str(ld_t *L, node_t *m, const char *key, const char *def);
int scn_val_bool(ld_t *L, node_t *v, const char *key, int def);
int scn_opt_bool(ld_t *L, node_t *m, const char *key, int def);
double scn_val_num(ld_t *L, node_t *v, const char *key, double def, double lo, double hi,
                   const char *expect);
double scn_opt_num(ld_t *L, node_t *m, const char *key, double def, double lo, double hi,
                   const char *expect);
double scn_opt_prob(ld_t *L, node_t *m, const char *key, double def);
long scn_val_int(ld_t *L, node_t *v, const char *key, long def, long lo, long hi);
long scn_opt_int(ld_t *L, node_t *m, const char *key, long def, long lo, long hi);
int64_t scn_val_dur(ld_t *L, node_t *v, const char *key, int64_t def);
int64_t scn_opt_dur(ld_t *L, node_t *m, const char *key, int64_t def);
const char *scn_dur_text(int64_t ms, char *buf, size_t len);
int64_t scn_val_time(ld_t *L, node_t *v, const char *key, int64_t def);
int64_t scn_opt_time(ld_t *L, node_t *m, const char *key, int64_t def);
int scn_val_enum(ld_t *L, node_t *v, const char *key, const char *const *names, int n, int def);
int scn_opt_enum(ld_t *L, node_t *m, const char *key, const char *const *names, int n, int def);
sw_strlist_t scn_opt_strlist(ld_t *L, node_t *m, const char *key);
uint32_t scn_val_ref(ld_t *L, node_t *v, const char *key, const scn_idmap_t *m, const char *what);
uint32_t scn_opt_ref(ld_t *L, node_t *m, const char *key, const scn_idmap_t *map, const char *what);
sw_idlist_t scn_opt_reflist(ld_t *L, node_t *m, const char *key, const scn_idmap_t *map,
                            const char *what);
int scn_list_ok(ld_t *L, node_t *v, const char *key, const char *expect);
int scn_id_ok(const char *s);
int scn_cve_ok(const char *s); /* "CVE-YYYY-NNNN..." */
const char *scn_entry_id(ld_t *L, node_t *entry, const char *key, const char *what);
void scn_declare_id(ld_t *L, scn_idmap_t *m, const char *id, uint32_t i, sw_loc_t loc,
                    const sw_loc_t *locs_base, size_t stride, const char *what);

/* Value vocabularies local to the loader (the model's are in world.c/vocab.c). */
extern const char *const scn_lobj_cat_names[];
extern const char *const scn_sensor_names[];
extern const char *const scn_indicator_names[];
extern const char *const scn_fw_action_names[];

#endif
