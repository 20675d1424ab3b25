/* sigma_int.h — what the sigma_*.c files share and nobody else needs.
 *
 * The pipeline for one rule:
 *   text --sigma_yaml_load (sigma_parse.c)--> sy_node_t tree (the rule AST,
 *        every node with its line and column)
 *        --sigma_rule_read (sigma_parse.c)--> metadata + detection/condition nodes
 *        --sigma_compile (sigma_compile.c)--> sigma_node_t matcher tree
 * and for the set: sigma_logsource_find (sigma_logsource.c) gives the record
 * types, sw_sigma_set_build / sw_sigma_set_match (sigma_match.c) index and
 * evaluate. All of a rule's memory lives in the set's arena except the PCRE2
 * codes, which the set keeps in a list to free. */
#ifndef SW_SIGMA_INT_H
#define SW_SIGMA_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "core/arena.h"
#include "detect/sigma.h"

/* ---- YAML tree (sigma_parse.c) ------------------------------------------ */
enum { SY_SCALAR, SY_SEQ, SY_MAP };

typedef struct sy_node {
    int kind;
    int line, col;
    int is_null;     /* plain scalar: null, Null, NULL, ~ or empty */
    int quoted;      /* scalar written in quotes or as a block */
    const char *str; /* scalar text, NUL-terminated */
    size_t len;
    struct sy_node **keys; /* SY_MAP: keys[i] -> vals[i]; SY_SEQ: vals only */
    struct sy_node **vals;
    size_t n;
} sy_node_t;

int sigma_yaml_load(sw_arena_t *a, const char *text, size_t len, sy_node_t **root,
                    sw_sigma_error_t *err);
sy_node_t *sigma_map_get(const sy_node_t *map, const char *key);

/* Fill err (reason is a short group name, msg a printf message). Returns SW_EINVAL. */
int sigma_fail(sw_sigma_error_t *err, const sy_node_t *at, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- compiled matcher ---------------------------------------------------- */

/* A value with wildcards: 0..255 literal bytes, SYM_STAR, SYM_ONE. */
#define SYM_STAR 256
#define SYM_ONE 257

enum {
    PM_EQ,       /* whole value equals lit */
    PM_PREFIX,   /* value starts with lit */
    PM_SUFFIX,   /* value ends with lit */
    PM_CONTAINS, /* lit occurs in value */
    PM_GLOB,     /* wildcard pattern sym[] */
    PM_RE,       /* PCRE2; lit (if any) is a required substring */
    PM_CIDR,
    PM_NUM,      /* numeric comparison */
    PM_EXISTS,   /* field present (want) or absent (!want) */
    PM_NULL,     /* field absent or empty */
    PM_FIELDREF, /* value equals (or per mode) another field's value */
};
enum { CMP_LT, CMP_LTE, CMP_GT, CMP_GTE };

typedef struct sigma_pat {
    uint8_t kind;
    uint8_t cased;      /* compare bytes exactly */
    uint8_t cmp;        /* CMP_* for PM_NUM; match mode PM_EQ.. for PM_FIELDREF */
    uint8_t want;       /* PM_EXISTS */
    uint8_t family;     /* PM_CIDR: 4 or 6 */
    uint8_t prefix;     /* PM_CIDR bits */
    const uint8_t *lit; /* case-folded unless cased */
    uint32_t lit_len;
    const uint16_t *sym; /* PM_GLOB; folded unless cased */
    uint32_t sym_len;
    uint32_t ref_field; /* PM_FIELDREF */
    pcre2_code *re;     /* PM_RE: for the JIT matcher */
    pcre2_code *dfa;    /* PM_RE: \A(?s:.)*?(?:re), for the fallback; NULL: none */
    double num;
    uint8_t addr[16];
} sigma_pat_t;

enum { SN_AND, SN_OR, SN_NOT, SN_FIELD, SN_KEYWORD, SN_TRUE, SN_FALSE, SN_COUNT };

typedef struct sigma_node {
    uint8_t type;
    uint8_t all;    /* SN_FIELD/KEYWORD: every pattern must match, not one */
    uint32_t field; /* SN_FIELD: interned field id */
    uint32_t min;   /* SN_COUNT: at least min kids true */
    struct sigma_node **kids;
    uint32_t n_kids;
    sigma_pat_t *pats;
    uint32_t n_pats;
} sigma_node_t;

/* Field names the rules use, interned so each is looked up once per event. */
typedef struct sigma_fieldname {
    const char *name;
    uint32_t len;
    uint64_t hash;
} sigma_fieldname_t;

/* A slot of the set's open-addressing table over the interned names. The
 * hash and length are kept in the slot so a probe touches one 16-byte slot,
 * not the name table, until the name itself has to be compared. */
typedef struct sigma_slot {
    uint64_t hash; /* sw_field_hash of the name */
    uint32_t len;
    uint32_t id1; /* field id + 1; 0: empty */
} sigma_slot_t;

/* What one event has under a field id (sw_sigma_set_match fills it, see
 * index_event): valid only while gen equals the set's gen, so nothing is
 * cleared between events. */
typedef struct sigma_seen {
    const sw_field_t *first; /* the event's first field of that name */
    uint32_t gen;
    uint32_t multi; /* more fields of the event have that name */
} sigma_seen_t;

/* The compile context a rule is compiled in. */
typedef struct sigma_cctx {
    sw_arena_t *arena;
    sw_sigma_set_t *set;
    const sw_sigma_var_t *vars;
    size_t n_vars;
    sw_sigma_error_t *err;
    pcre2_code **res; /* regexes compiled for this rule (freed on failure) */
    size_t n_res, cap_res;
    size_t pattern_bytes; /* against SW_SIGMA_MAX_PATTERN_BYTES */
} sigma_cctx_t;

/* Intern a field name in the set; returns its id or a negative error. */
int64_t sigma_field_intern(sw_sigma_set_t *s, const char *name, size_t len);

/* Compile a rule's detection section into a matcher tree. */
int sigma_compile(sigma_cctx_t *cx, const sy_node_t *detection, sigma_node_t **out);

/* ---- logsource ----------------------------------------------------------- */

/* One record type a logsource applies to. A record is of the type when its
 * key field (key_field; NULL means Channel, as for every Windows record)
 * has the value channel (matched case-insensitively; NULL: any value, the
 * field only has to be there), it has one of the EventIDs (0-terminated,
 * empty for any), and the extra field condition holds. Renames give the
 * record's names for the fields rules use; keyword_field, when set, is the
 * field holding the raw log line, the only one keywords are searched in
 * (NULL: every field, as for Windows events). */
typedef struct sigma_variant {
    const char *channel;
    uint32_t event_ids[8];
    const char *extra_field; /* e.g. EventType for registry_add */
    const char *extra_values[4];
    const char *const (*renames)[2]; /* {rule name, record name}, NULL-terminated */
    const char *key_field;           /* NULL: Channel */
    const char *keyword_field;       /* NULL: keywords search every field */
} sigma_variant_t;

typedef struct sigma_logsource {
    const char *product, *category, *service; /* NULL: not given */
    const sigma_variant_t *variants;
    size_t n_variants;
} sigma_logsource_t;

/* The table entry for a rule's logsource, or NULL when seawall has no
 * record type for it. */
const sigma_logsource_t *sigma_logsource_find(const char *product, const char *category,
                                              const char *service);
/* The whole table (for documentation and tests). */
const sigma_logsource_t *sigma_logsource_table(size_t *n);

/* ---- the set (sigma_set.c builds it, sigma_match.c runs it) --------------- */

typedef struct sigma_ac sigma_ac_t;

/* A literal one of which must occur in a field for a rule to match. */
typedef struct sigma_need {
    uint32_t field;
    uint32_t group; /* needs of one group are alternatives; all groups must hold */
    const uint8_t *lit;
    uint32_t len;
    int anchor; /* NEED_ANYWHERE, NEED_AT_START (startswith), NEED_AT_END (endswith, equals) */
} sigma_need_t;

enum { NEED_ANYWHERE, NEED_AT_START, NEED_AT_END };

typedef struct sigma_rule {
    sw_sigma_rule_info_t info;
    uint32_t index; /* in the set's rules[] */
    sigma_node_t *root;
    const sigma_logsource_t *ls;
    sigma_need_t *needs; /* n_groups 0: no pre-filter, always evaluated */
    uint32_t n_needs;
    uint32_t n_groups;
} sigma_rule_t;

/* One rule under one record type: what a bucket lists. */
typedef struct sigma_entry {
    const sigma_rule_t *rule;
    const sigma_variant_t *variant;
    const uint32_t *remap; /* field id -> field id for this record type, or NULL */
    uint32_t extra_field;  /* field id, when variant->extra_field */
    uint32_t kw_field;     /* field id keywords search, or SIGMA_KW_ANY */
    uint32_t tag0;         /* the bucket's mark bits tag0 .. tag0+n_groups-1 */
    uint32_t n_groups;     /* 0: always evaluated */
} sigma_entry_t;

typedef struct sigma_scan {
    uint32_t field; /* the event field to scan (after renames) */
    sigma_ac_t *ac;
    int anywhere;        /* some literal may be anywhere: scan the whole value */
    uint32_t head, tail; /* else scan only the first head and last tail bytes */
} sigma_scan_t;

/* The rules for one (channel, EventID) or (channel, any EventID). */
#define SIGMA_FIRST_BIT 0x80000000u

typedef struct sigma_bucket {
    uint32_t event_id; /* UINT32_MAX: any */
    sigma_entry_t *entries;
    size_t n_entries;
    sigma_scan_t *scans;
    size_t n_scans;
    uint64_t *marks;     /* n_bits bits (one per entry group), reset per event */
    uint64_t *base;      /* marks at the start of an event: the bits of entries
                          * without a pre-filter are always set */
    uint32_t *bit_entry; /* bit -> entry index, | SIGMA_FIRST_BIT on an entry's first bit */
    size_t n_bits;
} sigma_bucket_t;

/* Invariant (after build): eid_slots finds every bucket with an EventID,
 * any_bucket the one for any EventID; bucket indices follow the order the
 * buckets were made in, and buckets run in that order. */
typedef struct sigma_channel {
    uint32_t key_field; /* the field that tells the record type (Channel, event.dataset, ...) */
    const char *name;   /* its value; NULL: rules for any value (the field is there) */
    size_t name_len;
    sigma_bucket_t *buckets;
    size_t n_buckets;
    uint32_t *eid_slots; /* open addressing EventID -> bucket index + 1 (0: empty) */
    uint32_t eid_mask;   /* slots - 1, a power of two minus one */
    uint32_t any_bucket; /* index of the any-EventID bucket, or UINT32_MAX */
} sigma_channel_t;

struct sw_sigma_set {
    sw_arena_t arena;
    sw_sigma_var_t *vars;
    size_t n_vars;
    sigma_rule_t **rules;
    size_t n_rules, cap_rules;
    sigma_fieldname_t *fields;
    size_t n_fields, cap_fields;
    sigma_slot_t *field_slots; /* open addressing over fields, n_slots a power of two */
    size_t n_slots;
    pcre2_code **res;
    size_t n_res, cap_res;
    int built;
    int no_prefilter;
    /* after build */
    sigma_channel_t *channels;
    size_t n_channels;
    uint32_t f_channel, f_event_id;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    int *dfa_ws;         /* SW_SIGMA_RE_DFA_WORKSPACE ints */
    uint64_t *undecided; /* per rule index */
    sw_sigma_alert_cb undecided_cb;
    void *undecided_ud;
    sigma_seen_t *seen; /* per field id, for the event being matched */
    uint32_t gen;
};

#define SIGMA_KW_ANY UINT32_MAX

/* The first slot of EventID eid in a channel's eid_slots. */
static inline uint32_t sigma_eid_slot(uint32_t eid, uint32_t mask)
{
    return (eid * 0x9E3779B1u >> 16) & mask;
}

/* Three-valued results: a regular expression neither matcher decided is
 * unknown, and so is whatever depends on it (Kleene logic: false and
 * unknown is false, true or unknown is true, not unknown is unknown). */
enum { SV_FALSE = 0, SV_TRUE = 1, SV_UNKNOWN = 2 };

/* Evaluate node for ev (record type renames remap, may be NULL; keywords
 * searched in field kw_field only, or in every field with SIGMA_KW_ANY):
 * SV_TRUE, SV_FALSE or SV_UNKNOWN. */
int sigma_eval(sw_sigma_set_t *s, const sigma_node_t *n, const sw_event_t *ev,
               const uint32_t *remap, uint32_t kw_field);
/* The event's (first) field for a field id, as resolved for this event by
 * sw_sigma_set_match; *multi (may be NULL) says whether more fields have
 * that name. */
const sw_field_t *sigma_field(sw_sigma_set_t *s, const sw_event_t *ev, uint32_t id, int *multi);

extern const uint8_t sigma_fold[256];

/* ---- prefilter (sigma_ac.c): Aho-Corasick over case-folded bytes --------- */
typedef struct sigma_ac sigma_ac_t;
sigma_ac_t *sigma_ac_new(void);
void sigma_ac_free(sigma_ac_t *ac);
/* Add a (folded) literal that, when seen, marks tag. */
int sigma_ac_add(sigma_ac_t *ac, const uint8_t *lit, size_t len, uint32_t tag);
int sigma_ac_build(sigma_ac_t *ac);
/* Scan text (folded on the fly); for every literal found set bit tag in marks. */
void sigma_ac_scan(const sigma_ac_t *ac, const uint8_t *text, size_t len, uint64_t *marks);

#endif
