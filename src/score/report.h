/* report.h — the after-action report rendered from its model: the JSON
 * document `seawall report --format json` writes (built by
 * cli/cmd_report.c from the exercise's score), as one self-contained HTML
 * page (inline SVG charts, no scripts, nothing fetched; a one-page summary
 * first, printable to A4), as Markdown, or its timeline as CSV. Pure: the
 * model in, text into a buffer out.
 *
 * The timeline has three lanes per team, built once (report_timeline) for
 * the HTML chart and the CSV alike:
 *   adversary   a stage's first activity, an objective reached
 *   detection   a stage detected (by an alert triaged, or a report), a
 *               report filed
 *   response    an action taken (share-indicator among them), a hint taken */
#ifndef SW_REPORT_H
#define SW_REPORT_H

#include <jansson.h>

#include "core/buf.h"

typedef enum { SW_REPORT_HTML, SW_REPORT_JSON, SW_REPORT_MD, SW_REPORT_CSV } sw_report_format_t;

/* Render model (as cmd_report.c builds it) in format f, appended to out.
 * SW_OK, SW_ENOMEM, or SW_EINVAL for a model without teams. */
int sw_report_render(const json_t *model, sw_report_format_t f, sw_buf_t *out);

/* Several exercises side by side (capacity building year on year): from n
 * report models (oldest first), each labelled (the database it came from),
 * {"format": "seawall-series/1", "exercises": [{"label", "name", "date",
 * "scenario", "seed", "at", "state", "journal_head"}], "teams": [{"id",
 * "name", "per": [one per exercise: null when the team did not play, else
 * {"total", "rank", "of", "penalties", "categories": {name: fraction},
 * "stages", "detected", "median_detect_ms", "median_contain_ms"}]}]}, teams
 * in the order first met. NULL: out of memory. */
json_t *sw_report_series(json_t *const *reports, const char *const *labels, size_t n);
/* The series in format f (HTML, Markdown, CSV one row per team and
 * exercise, or JSON), appended to out. */
int sw_report_series_render(const json_t *series, sw_report_format_t f, sw_buf_t *out);

#endif
