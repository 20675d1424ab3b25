/* yaml_tree.c — YAML events (libyaml) to an arena tree with marks.
 * See yaml_tree.h for the limits and why aliases are refused. */
#include "scenario/yaml_tree.h"

#include <string.h>
#include <yaml.h>

#include "core/err.h"

typedef struct tree_ctx {
    sw_arena_t *a;
    const char *file;
    sw_diags_t *d;
    yt_node_t *stack[YT_MAX_DEPTH + 1];
    int depth;
    uint32_t n_nodes;
    yt_node_t *root;
} tree_ctx_t;

static sw_loc_t mark_loc(const char *file, yaml_mark_t m)
{
    sw_loc_t l = {file, (int)m.line + 1, (int)m.column + 1};
    return l;
}

/* Where byte offset off of text[0..len) is, as libyaml's marks count: the
 * line (from 1) and the character on it (from 1; a UTF-8 sequence is one
 * character, a stray continuation byte is not counted). libyaml's reader
 * reports bad input (bytes that are not UTF-8, control characters) by
 * offset only, its mark left at the start. Line breaks: LF, CR, CR LF. */
static sw_loc_t offset_loc(const char *file, const char *text, size_t len, size_t off)
{
    sw_loc_t l = {file, 1, 1};
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' || (c == '\r' && !(i + 1 < off && text[i + 1] == '\n'))) {
            l.line++;
            l.col = 1;
        } else if ((c & 0xC0) != 0x80 && c != '\r') {
            l.col++;
        }
    }
    return l;
}

const char *yt_kind_name(const yt_node_t *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case YT_SCALAR:
        return yt_is_null(n) ? "null" : "a scalar";
    case YT_SEQ:
        return "a list";
    case YT_MAP:
        return "a mapping";
    }
    return "?";
}

int yt_is_null(const yt_node_t *n)
{
    return n && n->kind == YT_SCALAR && n->plain &&
           (n->len == 0 || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
            !strcmp(n->str, "Null") || !strcmp(n->str, "NULL"));
}

/* Attach a new node under the current container (or as the root). */
static yt_node_t *tree_add(tree_ctx_t *c, yt_kind_t kind, yaml_mark_t m)
{
    if (++c->n_nodes > YT_MAX_NODES) {
        sw_diags_add(c->d, mark_loc(c->file, m), SW_DIAG_ERROR,
                     "too many YAML nodes in one file (limit %d)", YT_MAX_NODES);
        return NULL;
    }
    yt_node_t *n = sw_arena_zalloc(c->a, sizeof *n);
    if (!n) {
        sw_diags_add(c->d, mark_loc(c->file, m), SW_DIAG_ERROR, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->loc = mark_loc(c->file, m);
    if (c->depth == 0) {
        c->root = n;
    } else {
        yt_node_t *parent = c->stack[c->depth - 1];
        if (parent->last)
            parent->last->next = n;
        else
            parent->first = n;
        parent->last = n;
        parent->n++;
    }
    return n;
}

static int tree_push(tree_ctx_t *c, yt_node_t *n, yaml_mark_t m)
{
    if (c->depth >= YT_MAX_DEPTH) {
        sw_diags_add(c->d, mark_loc(c->file, m), SW_DIAG_ERROR,
                     "YAML nested too deeply (limit %d levels)", YT_MAX_DEPTH);
        return SW_ETOOBIG;
    }
    c->stack[c->depth++] = n;
    return SW_OK;
}

/* One event into the tree. Returns 1 at the end of the first document, 0 to
 * go on, negative on error (already reported). */
static int tree_event(tree_ctx_t *c, const yaml_event_t *ev)
{
    yt_node_t *n;
    switch (ev->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_START_EVENT:
        return 0;
    case YAML_DOCUMENT_END_EVENT:
    case YAML_STREAM_END_EVENT:
        return 1;
    case YAML_ALIAS_EVENT:
        sw_diags_add(c->d, mark_loc(c->file, ev->start_mark), SW_DIAG_ERROR,
                     "YAML aliases (*%s) are not supported: write the value out",
                     (const char *)ev->data.alias.anchor);
        return SW_EINVAL;
    case YAML_SCALAR_EVENT: {
        const char *v = (const char *)ev->data.scalar.value;
        size_t len = ev->data.scalar.length;
        if (memchr(v, '\0', len)) {
            sw_diags_add(c->d, mark_loc(c->file, ev->start_mark), SW_DIAG_ERROR,
                         "string contains a NUL character");
            return SW_EINVAL;
        }
        if (!(n = tree_add(c, YT_SCALAR, ev->start_mark)))
            return SW_ETOOBIG;
        n->str = sw_arena_strndup(c->a, v, len);
        if (!n->str)
            return SW_ENOMEM;
        n->len = len;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
        return c->depth == 0 ? 1 : 0;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        n = tree_add(c, ev->type == YAML_SEQUENCE_START_EVENT ? YT_SEQ : YT_MAP, ev->start_mark);
        if (!n)
            return SW_ETOOBIG;
        return tree_push(c, n, ev->start_mark);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (c->depth > 0)
            c->depth--;
        return 0;
    default:
        return 0;
    }
}

yt_node_t *yt_parse(sw_arena_t *a, const char *file, const char *text, size_t len, sw_diags_t *d)
{
    tree_ctx_t c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.file = file;
    c.d = d;
    sw_loc_t top = {file, 1, 1};
    if (len > YT_MAX_TEXT) {
        sw_diags_add(d, top, SW_DIAG_ERROR, "file is too large (%zu bytes, limit %zu)", len,
                     YT_MAX_TEXT);
        return NULL;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        sw_diags_add(d, top, SW_DIAG_ERROR, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int done = 0, rc = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            yaml_mark_t m = p.problem_mark;
            const char *prob = p.problem ? p.problem : "malformed input";
            if (p.error == YAML_READER_ERROR && p.problem_value >= 0)
                sw_diags_add(d, offset_loc(file, text, len, p.problem_offset), SW_DIAG_ERROR,
                             "YAML syntax error: %s (0x%02x)", prob, (unsigned)p.problem_value);
            else if (p.error == YAML_READER_ERROR)
                sw_diags_add(d, offset_loc(file, text, len, p.problem_offset), SW_DIAG_ERROR,
                             "YAML syntax error: %s", prob);
            else if (p.context)
                sw_diags_add(d, mark_loc(file, m), SW_DIAG_ERROR, "YAML syntax error: %s %s", prob,
                             p.context);
            else
                sw_diags_add(d, mark_loc(file, m), SW_DIAG_ERROR, "YAML syntax error: %s", prob);
            rc = SW_EINVAL;
            break;
        }
        int r = tree_event(&c, &ev);
        yaml_event_delete(&ev);
        if (r < 0) {
            rc = r;
            break;
        }
        done = r;
    }
    /* A second document is a mistake worth naming (a stray `---`). */
    if (rc == 0) {
        yaml_event_t ev;
        for (int i = 0; i < 4; i++) {
            if (!yaml_parser_parse(&p, &ev))
                break; /* errors past the first document: it was a stray --- anyway */
            yaml_event_type_t t = ev.type;
            yaml_mark_t m = ev.start_mark;
            yaml_event_delete(&ev);
            if (t == YAML_STREAM_END_EVENT)
                break;
            if (t == YAML_DOCUMENT_START_EVENT) {
                sw_diags_add(d, mark_loc(file, m), SW_DIAG_ERROR,
                             "a second YAML document (---) in one scenario file");
                rc = SW_EINVAL;
                break;
            }
        }
    }
    yaml_parser_delete(&p);
    if (rc < 0)
        return NULL;
    if (!c.root) { /* empty stream */
        c.root = sw_arena_zalloc(a, sizeof *c.root);
        if (!c.root) {
            sw_diags_add(d, top, SW_DIAG_ERROR, "out of memory");
            return NULL;
        }
        c.root->kind = YT_MAP;
        c.root->loc = top;
    }
    return c.root;
}
