/* search_cases.h — shared by test_query.c and test_evstore.c: the
 * data-driven hunt cases in tests/data/search/ (events.jsonl and queries.tsv)
 * and a row collector that renders a result as the .tsv spells it. */
#ifndef SW_TEST_SEARCH_CASES_H
#define SW_TEST_SEARCH_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "detect/query.h"

#define CASES_EVENTS "tests/data/search/events.jsonl"
#define CASES_QUERIES "tests/data/search/queries.tsv"
#define CASES_NOW "2026-02-10T10:00:00Z"

/* The lines of a file (malloc'd array of malloc'd strings, no '\n'). */
static char **cases_lines(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
        }
        v[(*n)++] = strdup(line);
    }
    fclose(f);
    return v;
}

static void cases_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Rendering: records count up; aggregate rows append "key=count;". */
typedef struct cases_out {
    size_t n_records;
    sw_buf_t agg;
    int64_t ids[64];
    size_t n_ids;
} cases_out_t;

static int cases_row(const sw_qrow_t *row, void *ud)
{
    cases_out_t *o = ud;
    if (row->is_record) {
        if (o->n_ids < 64)
            o->ids[o->n_ids++] = row->id;
        o->n_records++;
        return 0;
    }
    if (o->agg.len)
        sw_buf_putc(&o->agg, ';');
    sw_buf_printf(&o->agg, "%s=%llu", row->key, (unsigned long long)row->count);
    return 0;
}

/* The result as the .tsv's expected column spells it. */
static void cases_render(const sw_query_t *q, const cases_out_t *o, char *out, size_t n)
{
    if (sw_query_is_aggregate(q))
        snprintf(out, n, "%s", sw_buf_str(&o->agg));
    else
        snprintf(out, n, "%zu", o->n_records);
}

#endif
