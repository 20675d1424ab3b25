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
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "cli/sigma_load.h"
#include "core/text.h"
#include "exercise/report_model.h"
#include "score/report.h"

/* Where SigmaHQ's rules are looked for without --rules. */
static const char *const default_rules[] = {"../shared/data/sigma/rules", "data/sigma/rules"};

/* ---- the command ---------------------------------------------------------------------- */

static sw_sigma_set_t *load_rules(const sw_cli_t *a, const char **from)
{
    const char *paths[SW_CLI_MAX_LIST];
    int n = 0;
    for (int i = 0; i < a->n_rules; i++)
        paths[n++] = a->rules[i];
    struct stat sb;
    for (size_t i = 0; !n && i < sizeof default_rules / sizeof default_rules[0]; i++)
        if (stat(default_rules[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            paths[n++] = default_rules[i];
    *from = n ? paths[0] : NULL;
    if (!n)
        return NULL;
    sw_sigma_set_t *s = sw_sigma_set_new(NULL, 0);
    sw_sigma_report_t rep;
    sw_sigma_report_init(&rep);
    for (int i = 0; s && i < n; i++) {
        sw_errbuf_t err;
        if (sw_sigma_load_path(s, paths[i], &rep, &err))
            fprintf(stderr, "seawall report: %s (the report names no Sigma rules from it)\n",
                    err.msg);
    }
    sw_sigma_report_free(&rep);
    if (s && sw_sigma_set_build(s)) {
        sw_sigma_set_free(s);
        s = NULL;
    }
    return s;
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
    const char *db = sw_cli_db(a);
    sw_exercise_info_t info;
    sw_errbuf_t err;
    if (sw_exercise_read_info(db, &info, &err)) {
        fprintf(stderr, "seawall report: %s\n", err.msg);
        return 1;
    }
    sw_exercise_t *ex = NULL;
    if (sw_cli_open(a, db, SW_EXO_REPLAY, SW_CLI_TELEMETRY, NULL, NULL, &ex))
        return 1;
    if (a->team) {
        char why[256];
        uint32_t t = sw_exercise_find_team(ex, a->team, why, sizeof why);
        if (t == SW_NONE || sw_exercise_world(ex)->teams[t].kind != SW_TEAM_PLAYER) {
            fprintf(stderr, "seawall report: %s\n",
                    t == SW_NONE ? why : "an observer delegation has no score of its own");
            sw_exercise_close(ex, NULL);
            return 1;
        }
    }
    const char *rules_from = NULL;
    sw_sigma_set_t *rules = load_rules(a, &rules_from);
    sw_store_t *st = NULL;
    if (sw_store_open(db, &st, &err))
        st = NULL; /* the report goes without records */
    int rc = 0;
    json_t *m = sw_report_model(ex, a->team, st, rules, rules_from, &rc);
    if (st)
        sw_store_close(st);
    sw_sigma_set_free(rules);
    sw_exercise_close(ex, NULL);
    if (!m) {
        fprintf(stderr, "seawall report: %s\n", sw_strerror(rc ? rc : SW_ENOMEM));
        return 1;
    }
    sw_buf_t out;
    sw_buf_init(&out, 0);
    rc = sw_report_render(m, rf, &out);
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
