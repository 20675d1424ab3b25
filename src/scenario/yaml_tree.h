/* yaml_tree.h — YAML text to a small generic tree with source marks.
 *
 * The scenario loader never sees libyaml: it walks this tree of scalars,
 * sequences and mappings, each carrying FILE:LINE:COL. Parsing is bounded for
 * outside input: text size, nesting depth and node count have hard limits,
 * and aliases are rejected outright (no alias bombs, no shared subtrees).
 * Nodes and strings live in the caller's arena. Only the first document of a
 * stream is read; a second one is an error. */
#ifndef SW_YAML_TREE_H
#define SW_YAML_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "scenario/diag.h"

#define YT_MAX_TEXT ((size_t)4 << 20) /* bytes per file */
#define YT_MAX_DEPTH 64
#define YT_MAX_NODES 1000000 /* per file (a 4 MiB file cannot hold many more) */

typedef enum { YT_SCALAR, YT_SEQ, YT_MAP } yt_kind_t;

typedef struct yt_node yt_node_t;
struct yt_node {
    yt_kind_t kind;
    sw_loc_t loc;
    /* scalar */
    const char *str; /* NUL-terminated, no embedded NUL */
    size_t len;
    int plain; /* unquoted plain scalar (so `null`, `true`, `42` are typed) */
    /* sequence: items in order; mapping: key, value, key, value, ... */
    yt_node_t *first, *last;
    uint32_t n;      /* number of children (a mapping has 2 per entry) */
    yt_node_t *next; /* next sibling */
};

/* Parse text[0..len) named file (the name is stored in the nodes as given; it
 * must outlive them). Returns the root (an empty mapping for an empty
 * document) or NULL after adding at least one error to d. */
yt_node_t *yt_parse(sw_arena_t *a, const char *file, const char *text, size_t len, sw_diags_t *d);

/* A printable name for a node's type: "a string", "a list", "a mapping". */
const char *yt_kind_name(const yt_node_t *n);
/* Is n a null scalar (plain empty, ~, null)? */
int yt_is_null(const yt_node_t *n);

#endif
