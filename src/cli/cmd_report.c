/* cmd_report.c — `seawall report`: the after-action report. The exercise in
 * the database is replayed in memory (never changing it) to its end or to
 * --until; exercise/report_model.h gathers its score, the records behind
 * missed stages and the SigmaHQ rules that would have revealed them into
 * one model (the JSON report), which score/report.h renders as HTML,
 * Markdown or the timeline as CSV. The command parses, opens, loads the
 * rules, and writes. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "alerts/sigma_load.h"
#include "core/text.h"
#include "exercise/report_model.h"
#include "score/report.h"

/* The report model of the exercise in db (team's alone when not NULL),
 * replayed to its end or --until; with the records of missed stages when
 * records, and the rules (may be NULL) that match them. NULL after a
 * message. */
static json_t *report_of(sw_cli_t *a, const char *db, const char *team, int records,
                         sw_sigma_set_t *rules, const char *rules_from)
{
    sw_exercise_info_t info;
    sw_errbuf_t err;
    if (sw_exercise_read_info(db, &info, &err)) {
        fprintf(stderr, "seawall report: %s\n", err.msg);
        return NULL;
    }
    sw_exercise_t *ex = NULL;
    if (sw_cli_open(a, db, SW_EXO_REPLAY, SW_CLI_TELEMETRY, NULL, NULL, &ex))
        return NULL;
    if (team) {
        char why[256];
        uint32_t t = sw_exercise_find_team(ex, team, why, sizeof why);
        if (t == SW_NONE || sw_exercise_world(ex)->teams[t].kind != SW_TEAM_PLAYER) {
            fprintf(stderr, "seawall report: %s\n",
                    t == SW_NONE ? why : "an observer delegation has no score of its own");
            sw_exercise_close(ex, NULL);
            return NULL;
        }
    }
    sw_store_t *st = NULL;
    if (records && sw_store_open(db, &st, &err))
        st = NULL; /* the report goes without records */
    int rc = 0;
    json_t *m = sw_report_model(ex, team, st, rules, rules_from, &rc);
    if (st)
        sw_store_close(st);
    sw_exercise_close(ex, NULL);
    if (!m)
        fprintf(stderr, "seawall report: %s: %s\n", db, sw_strerror(rc ? rc : SW_ENOMEM));
    return m;
}

/* --series: each database's report (no records, no rules: the figures),
 * side by side. */
static json_t *series_of(sw_cli_t *a)
{
    json_t **reports = calloc((size_t)a->n_series, sizeof *reports);
    json_t *m = NULL;
    int i = 0;
    for (; reports && i < a->n_series; i++)
        if (!(reports[i] = report_of(a, a->series[i], a->team, 0, NULL, NULL)))
            break;
    const char **labels = calloc((size_t)a->n_series, sizeof *labels);
    for (int k = 0; labels && k < a->n_series; k++) { /* the file's name */
        const char *slash = strrchr(a->series[k], '/');
        labels[k] = slash && slash[1] ? slash + 1 : a->series[k];
    }
    if (reports && i == a->n_series &&
        (!labels || !(m = sw_report_series(reports, labels, (size_t)i))))
        fprintf(stderr, "seawall report: %s\n", sw_strerror(SW_ENOMEM));
    free(labels);
    for (int k = 0; reports && k < i; k++)
        json_decref(reports[k]);
    free(reports);
    return m;
}

int cmd_report(sw_cli_t *a)
{
    const char *fmt = a->format ? a->format : "html";
    sw_report_format_t rf;
    if (!strcmp(fmt, "html"))
        rf = SW_REPORT_HTML;
    else if (!strcmp(fmt, "json"))
        rf = SW_REPORT_JSON;
    else if (!strcmp(fmt, "md"))
        rf = SW_REPORT_MD;
    else if (!strcmp(fmt, "csv"))
        rf = SW_REPORT_CSV;
    else
        return sw_cli_usage_error(a, "--format '%s' is not html, json, md or csv", fmt);
    if (a->n_series && a->db)
        return sw_cli_usage_error(a, "--series names every database; --db is one of them");
    json_t *m;
    if (a->n_series) {
        m = series_of(a);
    } else {
        const char *rules_from = NULL;
        sw_sigma_set_t *rules = sw_sigma_load_set((const char *const *)a->rules, a->n_rules,
                                                  &rules_from, stderr, "seawall report");
        m = report_of(a, sw_cli_db(a), a->team, 1, rules, rules_from);
        sw_sigma_set_free(rules);
    }
    if (!m)
        return 1;
    sw_buf_t out;
    sw_buf_init(&out, 0);
    int rc = a->n_series ? sw_report_series_render(m, rf, &out) : sw_report_render(m, rf, &out);
    json_decref(m);
    if (rc) {
        sw_buf_free(&out);
        fprintf(stderr, "seawall report: %s\n", sw_strerror(rc));
        return 1;
    }
    FILE *fp = a->output ? fopen(a->output, "w") : stdout;
    if (!fp) {
        fprintf(stderr, "seawall report: %s: cannot write: %s\n", a->output, strerror(errno));
        sw_buf_free(&out);
        return 1;
    }
    int bad = fwrite(out.data ? out.data : "", 1, out.len, fp) != out.len;
    if (a->output)
        bad |= fclose(fp) != 0;
    else
        bad |= fflush(fp) != 0;
    sw_buf_free(&out);
    if (bad) {
        fprintf(stderr, "seawall report: %s: cannot write: %s\n", a->output ? a->output : "stdout",
                strerror(errno));
        return 1;
    }
    if (a->output && !a->quiet)
        fprintf(stderr, "seawall report: wrote %s (%s)\n", a->output, fmt);
    return 0;
}
