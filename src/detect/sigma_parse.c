/* sigma_parse.c — a Sigma rule file (YAML, via libyaml's event API) to a tree
 * of nodes that remember their line and column, so every later complaint
 * about a rule can say FILE:LINE:COL.
 *
 * Only what Sigma rules use is accepted: one document of maps, sequences and
 * scalars. Aliases, non-scalar map keys, duplicate keys and several documents
 * in one file are refused with their position. Limits: SW_SIGMA_MAX_YAML_NODES
 * nodes, SW_SIGMA_MAX_YAML_DEPTH levels, SW_SIGMA_MAX_RULE_BYTES of text. */
#include "detect/sigma_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

int sigma_fail(sw_sigma_error_t *err, const sy_node_t *at, const char *reason, const char *fmt, ...)
{
    if (!err)
        return SW_EINVAL;
    err->line = at ? at->line : 0;
    err->col = at ? at->col : 0;
    snprintf(err->reason, sizeof err->reason, "%s", reason);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return SW_EINVAL;
}

sy_node_t *sigma_map_get(const sy_node_t *map, const char *key)
{
    if (!map || map->kind != SY_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i]->str, key))
            return map->vals[i];
    return NULL;
}

/* A node being built: its children grow in malloc'd arrays until it ends. */
typedef struct frame {
    sy_node_t *node;
    sy_node_t **keys, **vals;
    size_t n, cap;
    sy_node_t *pending_key; /* maps: key read, value not yet */
} frame_t;

static int frame_push_child(frame_t *f, sy_node_t *key, sy_node_t *val)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        sy_node_t **k = realloc(f->keys, cap * sizeof *k);
        if (!k)
            return SW_ENOMEM;
        f->keys = k;
        sy_node_t **v = realloc(f->vals, cap * sizeof *v);
        if (!v)
            return SW_ENOMEM;
        f->vals = v;
        f->cap = cap;
    }
    f->keys[f->n] = key;
    f->vals[f->n] = val;
    f->n++;
    return SW_OK;
}

/* Attach a finished node to the frame on top of the stack. */
static int attach(frame_t *top, sy_node_t *n, sw_sigma_error_t *err)
{
    if (top->node->kind == SY_SEQ)
        return frame_push_child(top, NULL, n);
    if (!top->pending_key) {
        if (n->kind != SY_SCALAR)
            return sigma_fail(err, n, "YAML structure", "a mapping key must be a plain value");
        for (size_t i = 0; i < top->n; i++)
            if (!strcmp(top->keys[i]->str, n->str))
                return sigma_fail(err, n, "YAML structure", "duplicate key '%s' (first at line %d)",
                                  n->str, top->keys[i]->line);
        top->pending_key = n;
        return SW_OK;
    }
    int rc = frame_push_child(top, top->pending_key, n);
    top->pending_key = NULL;
    return rc;
}

static int finish_frame(sw_arena_t *a, frame_t *f)
{
    sy_node_t *n = f->node;
    n->n = f->n;
    if (f->n) {
        n->vals = sw_arena_alloc(a, f->n * sizeof *n->vals);
        if (!n->vals)
            return SW_ENOMEM;
        memcpy(n->vals, f->vals, f->n * sizeof *n->vals);
        if (n->kind == SY_MAP) {
            n->keys = sw_arena_alloc(a, f->n * sizeof *n->keys);
            if (!n->keys)
                return SW_ENOMEM;
            memcpy(n->keys, f->keys, f->n * sizeof *n->keys);
        }
    }
    free(f->keys);
    free(f->vals);
    f->keys = f->vals = NULL;
    return SW_OK;
}

static int is_null_scalar(const yaml_event_t *e)
{
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)e->data.scalar.value;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* Parse text into *root (allocated in a). On error err has the position of
 * the problem. Cost: linear in len. */
int sigma_yaml_load(sw_arena_t *a, const char *text, size_t len, sy_node_t **root,
                    sw_sigma_error_t *err)
{
    *root = NULL;
    if (len > SW_SIGMA_MAX_RULE_BYTES)
        return sigma_fail(err, NULL, "too large",
                          "rule file of %zu bytes is over the %u-byte limit", len,
                          SW_SIGMA_MAX_RULE_BYTES);
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return SW_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    frame_t stack[SW_SIGMA_MAX_YAML_DEPTH + 1];
    int depth = 0, docs = 0, rc = SW_OK, done = 0;
    size_t nodes = 0;
    while (!done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            sy_node_t at = {.line = (int)p.problem_mark.line + 1,
                            .col = (int)p.problem_mark.column + 1};
            rc = sigma_fail(err, &at, "YAML syntax", "%s%s%s",
                            p.problem ? p.problem : "syntax error", p.context ? " " : "",
                            p.context ? p.context : "");
            break;
        }
        sy_node_t pos = {.line = (int)e.start_mark.line + 1, .col = (int)e.start_mark.column + 1};
        sy_node_t *n = NULL;
        switch (e.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                rc = sigma_fail(err, &pos, "several YAML documents",
                                "a rule file must hold one rule (one YAML document); rule "
                                "collections are not supported");
            break;
        case YAML_ALIAS_EVENT:
            rc = sigma_fail(err, &pos, "YAML structure", "YAML aliases are not supported");
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++nodes > SW_SIGMA_MAX_YAML_NODES) {
                rc = sigma_fail(err, &pos, "too large", "more than %d YAML nodes",
                                SW_SIGMA_MAX_YAML_NODES);
                break;
            }
            n = sw_arena_zalloc(a, sizeof *n);
            if (!n) {
                rc = SW_ENOMEM;
                break;
            }
            n->line = pos.line;
            n->col = pos.col;
            if (e.type == YAML_SCALAR_EVENT) {
                n->kind = SY_SCALAR;
                n->str =
                    sw_arena_strndup(a, (const char *)e.data.scalar.value, e.data.scalar.length);
                if (!n->str) {
                    rc = SW_ENOMEM;
                    break;
                }
                n->len = e.data.scalar.length;
                n->is_null = is_null_scalar(&e);
                n->quoted = e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
                if (depth == 0)
                    *root = n;
                else
                    rc = attach(&stack[depth - 1], n, err);
            } else {
                n->kind = e.type == YAML_MAPPING_START_EVENT ? SY_MAP : SY_SEQ;
                if (depth >= SW_SIGMA_MAX_YAML_DEPTH) {
                    rc = sigma_fail(err, &pos, "too large", "nesting deeper than %d levels",
                                    SW_SIGMA_MAX_YAML_DEPTH);
                    break;
                }
                stack[depth++] = (frame_t){.node = n};
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            frame_t *f = &stack[--depth];
            rc = finish_frame(a, f);
            if (rc)
                break;
            if (depth == 0)
                *root = f->node;
            else
                rc = attach(&stack[depth - 1], f->node, err);
            break;
        }
        default:
            break;
        }
        yaml_event_delete(&e);
        if (rc)
            break;
    }
    for (int i = 0; i < depth; i++) {
        free(stack[i].keys);
        free(stack[i].vals);
    }
    yaml_parser_delete(&p);
    if (!rc && !*root)
        rc = sigma_fail(err, NULL, "not a rule", "the file is empty");
    if (rc)
        *root = NULL;
    return rc;
}
