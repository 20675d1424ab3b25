/* report.c — rendering the after-action report's model (report.h) as HTML,
 * Markdown and CSV. The HTML is one page a minister can read first (the
 * summary fits an A4 sheet) and an analyst can read on (per team: the
 * timeline, stages, what was missed, services, reports, sharing), with
 * charts drawn as inline SVG and no script at all. */
#include "score/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/text.h"

#define MIN_MS 60000
#define CHART_W 700.0 /* the charts' plotting width, px */
#define LABEL_W 130.0

static const char *const cat_keys[] = {"availability", "detection", "containment",
                                       "recovery",     "reporting", "sharing"};
static const char *const cat_short[] = {"Avail.",  "Detect",  "Contain",
                                        "Outcome", "Reports", "Sharing"};
static const char *const cat_colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c",
                                         "#9467bd", "#17becf", "#8c564b"};
#define N_CATS 6

/* ---- small helpers ------------------------------------------------------------------- */

static const char *js(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static double jnum(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static int64_t ji(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static void esc(sw_buf_t *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            sw_buf_puts(b, "&amp;");
            break;
        case '<':
            sw_buf_puts(b, "&lt;");
            break;
        case '>':
            sw_buf_puts(b, "&gt;");
            break;
        case '"':
            sw_buf_puts(b, "&quot;");
            break;
        default:
            sw_buf_putc(b, *s);
        }
    }
}

/* Markdown table cells: no pipes, no newlines. */
static void mdesc(sw_buf_t *b, const char *s)
{
    for (; s && *s; s++)
        sw_buf_putc(b, *s == '|' ? '/' : *s == '\n' ? ' ' : *s);
}

static void csvesc(sw_buf_t *b, const char *s)
{
    sw_buf_putc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"')
            sw_buf_putc(b, '"');
        sw_buf_putc(b, *s);
    }
    sw_buf_putc(b, '"');
}

static const char *tm(int64_t ms, char *buf, size_t len)
{
    if (ms < 0)
        return "-";
    return sw_format_ex_time(ms, buf, len);
}

/* A delay for people: "25 min", "1 h 05". */
static const char *dur(double ms, char *buf, size_t len)
{
    if (ms < 0) {
        snprintf(buf, len, "none");
        return buf;
    }
    long m = lround(ms / MIN_MS);
    if (m < 60)
        snprintf(buf, len, "%ld min", m);
    else
        snprintf(buf, len, "%ld h %02ld", m / 60, m % 60);
    return buf;
}

static const char *pct(double f, char *buf, size_t len)
{
    if (f < 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.0f %%", 100 * f);
    return buf;
}

/* ---- the timeline, three lanes ----------------------------------------------------------- */

enum { LANE_ADVERSARY, LANE_DETECTION, LANE_RESPONSE };
static const char *const lane_names[] = {"adversary", "detection", "response"};

typedef struct item {
    int lane;
    int64_t at_ms;
    const char *kind; /* stage, objective, detected, report, action, collateral, share, hint */
    char text[320];
    int bad; /* missed, reached, collateral, wrong */
} item_t;

typedef void (*item_cb)(const item_t *it, void *ud);

static void emit(item_cb cb, void *ud, int lane, int64_t at, const char *kind, int bad,
                 const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void emit(item_cb cb, void *ud, int lane, int64_t at, const char *kind, int bad,
                 const char *fmt, ...)
{
    item_t it = {lane, at, kind, "", bad};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it.text, sizeof it.text, fmt, ap);
    va_end(ap);
    cb(&it, ud);
}

static void hosts_text(const json_t *arr, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t n = json_array_size(arr);
    for (size_t i = 0; i < n && i < 4; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, len - l, "%s%s", i ? ", " : "",
                 json_string_value(json_array_get(arr, i)));
    }
    if (n > 4) {
        size_t l = strlen(buf);
        snprintf(buf + l, len - l, " +%zu", n - 4);
    }
}

/* Every item of a team's timeline, lane by lane. */
static void report_timeline(const json_t *team, item_cb cb, void *ud)
{
    const json_t *x;
    size_t i;
    char h[160];
    json_array_foreach(json_object_get(team, "stages"), i, x)
    {
        hosts_text(json_object_get(x, "hosts"), h, sizeof h);
        emit(cb, ud, LANE_ADVERSARY, ji(x, "start_ms"), "stage",
             json_is_true(json_object_get(x, "missed")), "%s %s (%s) on %s%s", js(x, "adversary"),
             js(x, "name"), js(x, "technique"), h,
             json_is_true(json_object_get(x, "missed")) ? ": missed" : "");
        if (ji(x, "detected_ms") >= 0)
            emit(cb, ud, LANE_DETECTION, ji(x, "detected_ms"), "detected", 0,
                 "detected %s (%s) by %s", js(x, "name"), js(x, "technique"), js(x, "detected_by"));
    }
    json_array_foreach(json_object_get(team, "objectives"), i, x)
    {
        if (ji(x, "reached_ms") >= 0)
            emit(cb, ud, LANE_ADVERSARY, ji(x, "reached_ms"), "objective", 1,
                 "objective reached: %s %s (%s)%s", js(x, "adversary"), js(x, "id"), js(x, "kind"),
                 json_is_true(json_object_get(x, "holds")) ? "" : ", since undone");
    }
    json_array_foreach(json_object_get(team, "reports"), i, x)
    {
        emit(cb, ud, LANE_DETECTION, ji(x, "at_ms"), "report", 0, "report \"%s\" (quality %.0f %%)",
             js(x, "title"), 100 * jnum(x, "quality"));
    }
    json_array_foreach(json_object_get(team, "actions"), i, x)
    {
        const char *what = *js(x, "host") ? js(x, "host") : js(x, "value");
        int coll = json_is_true(json_object_get(x, "collateral"));
        emit(cb, ud, LANE_RESPONSE, ji(x, "at_ms"), coll ? "collateral" : "action",
             coll || !json_is_true(json_object_get(x, "ok")), "%s %s%s%s", js(x, "action"), what,
             json_is_true(json_object_get(x, "ok")) ? "" : " (failed)",
             coll ? ": collateral damage, a healthy critical host" : "");
    }
    json_array_foreach(json_object_get(team, "hints"), i, x)
    {
        emit(cb, ud, LANE_RESPONSE, ji(x, "at_ms"), "hint", 1, "hint taken: %s", js(x, "text"));
    }
    json_array_foreach(json_object_get(team, "rules_broken"), i, x)
    {
        emit(cb, ud, LANE_RESPONSE, ji(x, "at_ms"), "rule", 1, "rule broken: %s", js(x, "text"));
    }
}

/* ---- CSV: the timeline -------------------------------------------------------------------- */

typedef struct csv_ctx {
    sw_buf_t *b;
    const char *team;
} csv_ctx_t;

static void csv_item(const item_t *it, void *ud)
{
    csv_ctx_t *c = ud;
    char t[32];
    sw_buf_printf(c->b, "%s,%s,%lld,%s,%s,", c->team, lane_names[it->lane], (long long)it->at_ms,
                  tm(it->at_ms, t, sizeof t), it->kind);
    csvesc(c->b, it->text);
    sw_buf_putc(c->b, '\n');
}

static int sort_items_by_time(const void *a, const void *b)
{
    const item_t *x = a, *y = b;
    if (x->at_ms != y->at_ms)
        return x->at_ms < y->at_ms ? -1 : 1;
    return x->lane - y->lane;
}

typedef struct items {
    item_t *v;
    size_t n, cap;
    int oom;
} items_t;

static void collect(const item_t *it, void *ud)
{
    items_t *s = ud;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        item_t *v = realloc(s->v, nc * sizeof *v);
        if (!v) {
            s->oom = 1;
            return;
        }
        s->v = v;
        s->cap = nc;
    }
    s->v[s->n++] = *it;
}

static int sorted_items(const json_t *team, items_t *s)
{
    memset(s, 0, sizeof *s);
    report_timeline(team, collect, s);
    if (s->oom)
        return SW_ENOMEM;
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, sort_items_by_time);
    return SW_OK;
}

static int render_csv(const json_t *m, sw_buf_t *b)
{
    sw_buf_puts(b, "team,lane,at_ms,time,kind,what\n");
    const json_t *t;
    size_t i;
    json_array_foreach(json_object_get(m, "teams"), i, t)
    {
        items_t s;
        if (sorted_items(t, &s))
            return SW_ENOMEM;
        csv_ctx_t c = {b, js(t, "id")};
        for (size_t k = 0; k < s.n; k++)
            csv_item(&s.v[k], &c);
        free(s.v);
    }
    return SW_OK;
}

/* ---- charts ----------------------------------------------------------------------------- */

static double xpos(int64_t at, int64_t span)
{
    if (span <= 0)
        span = 1;
    if (at < 0)
        at = 0;
    if (at > span)
        at = span;
    return LABEL_W + CHART_W * (double)at / (double)span;
}

static void axis(sw_buf_t *b, int64_t span, double y)
{
    for (int64_t h = 0; h * 3600000 <= span; h++) {
        double x = xpos(h * 3600000, span);
        sw_buf_printf(b,
                      "<line x1=\"%.1f\" y1=\"4\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">T+%lldh</text>",
                      x, x, y, x, y + 12, (long long)h);
    }
}

typedef struct svg_ctx {
    sw_buf_t *b;
    int64_t span;
} svg_ctx_t;

static void svg_item(const item_t *it, void *ud)
{
    svg_ctx_t *c = ud;
    double x = xpos(it->at_ms, c->span), y = 14 + it->lane * 26;
    const char *col = it->lane == LANE_ADVERSARY   ? (it->bad ? "#c0392b" : "#e67e22")
                      : it->lane == LANE_DETECTION ? "#1f77b4"
                      : it->bad                    ? "#c0392b"
                                                   : "#2ca02c";
    char t[32];
    sw_buf_printf(c->b, "<g><title>%s ", tm(it->at_ms, t, sizeof t));
    esc(c->b, it->text);
    sw_buf_puts(c->b, "</title>");
    if (!strcmp(it->kind, "objective"))
        sw_buf_printf(c->b,
                      "<path d=\"M%.1f %.1fl6 6 -6 6 -6 -6z\" fill=\"%s\" stroke=\"#000\" "
                      "stroke-width=\"0.6\"/>",
                      x, y - 6, col);
    else if (!strcmp(it->kind, "report"))
        sw_buf_printf(c->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\"/>",
                      x - 4, y - 4, col);
    else if (!strcmp(it->kind, "detected"))
        sw_buf_printf(c->b, "<path d=\"M%.1f %.1fl5 9h-10z\" fill=\"%s\"/>", x, y - 5, col);
    else if (it->lane == LANE_RESPONSE)
        sw_buf_printf(c->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"12\" fill=\"%s\"/>",
                      x - 1.5, y - 6, col);
    else
        sw_buf_printf(c->b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>", x, y, col);
    sw_buf_puts(c->b, "</g>");
}

static void timeline_svg(sw_buf_t *b, const json_t *team, int64_t span)
{
    double h = 14 + 3 * 26 + 6;
    sw_buf_printf(b,
                  "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                  "aria-label=\"timeline of %s\">",
                  LABEL_W + CHART_W + 24, h + 14, js(team, "name"));
    static const char *const labels[] = {"Adversary", "Team detected", "Team did"};
    for (int l = 0; l < 3; l++) {
        double y = 14 + l * 26;
        sw_buf_printf(b,
                      "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"20\" class=\"lane\"/>"
                      "<text x=\"4\" y=\"%.1f\" class=\"lab\">%s</text>",
                      LABEL_W, y - 10, CHART_W, y + 4, labels[l]);
    }
    axis(b, span, h);
    svg_ctx_t c = {b, span};
    report_timeline(team, svg_item, &c);
    sw_buf_puts(b, "</svg>");
}

static void services_svg(sw_buf_t *b, const json_t *team, int64_t at_ms, int64_t span)
{
    const json_t *svcs = json_object_get(team, "services");
    size_t n = json_array_size(svcs);
    if (!n)
        return;
    double h = 6 + 18 * (double)n;
    sw_buf_printf(b,
                  "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                  "aria-label=\"availability of each service\">",
                  LABEL_W + CHART_W + 50, h + 14);
    const json_t *s;
    size_t i;
    json_array_foreach(svcs, i, s)
    {
        double y = 4 + 18 * (double)i;
        char p[16];
        sw_buf_printf(b, "<text x=\"4\" y=\"%.1f\" class=\"lab\">", y + 11);
        char name[24];
        snprintf(name, sizeof name, "%s", js(s, "name"));
        esc(b, name);
        sw_buf_printf(b,
                      "</text><rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" "
                      "fill=\"#2ca02c\"/>",
                      LABEL_W, y, xpos(at_ms, span) - LABEL_W);
        const json_t *ch = json_object_get(s, "changes");
        for (size_t k = 0; k < json_array_size(ch); k++) {
            const json_t *c = json_array_get(ch, k);
            double v = json_number_value(json_array_get(c, 1));
            if (v >= 1)
                continue;
            int64_t from = (int64_t)json_integer_value(json_array_get(c, 0));
            int64_t to =
                k + 1 < json_array_size(ch)
                    ? (int64_t)json_integer_value(json_array_get(json_array_get(ch, k + 1), 0))
                    : at_ms;
            double x0 = xpos(from, span), x1 = xpos(to, span);
            sw_buf_printf(b,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\">"
                          "<title>%s from %s</title></rect>",
                          x0, y, x1 - x0 > 0.5 ? x1 - x0 : 0.5, v > 0 ? "#f0ad4e" : "#c0392b",
                          v > 0 ? "degraded" : "down", tm(from, p, sizeof p));
        }
        sw_buf_printf(b, "<text x=\"%.0f\" y=\"%.1f\" class=\"lab\">%s</text>",
                      LABEL_W + CHART_W + 6, y + 11, pct(jnum(s, "availability"), p, sizeof p));
    }
    axis(b, span, h);
    sw_buf_puts(b, "</svg>");
}

/* Points per category, stacked, one bar per team. */
static void scoreboard_svg(sw_buf_t *b, const json_t *teams, double points)
{
    size_t n = json_array_size(teams);
    double h = 6 + 18 * (double)n + 20;
    sw_buf_printf(b,
                  "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                  "aria-label=\"points per category and team\">",
                  LABEL_W + CHART_W + 10, h);
    const json_t *t;
    size_t i;
    json_array_foreach(teams, i, t)
    {
        double y = 4 + 18 * (double)i, x = LABEL_W;
        char name[22];
        snprintf(name, sizeof name, "%s", js(t, "name"));
        sw_buf_printf(b, "<text x=\"4\" y=\"%.1f\" class=\"lab\">", y + 12);
        esc(b, name);
        sw_buf_puts(b, "</text>");
        const json_t *cats = json_object_get(t, "categories");
        for (int c = 0; c < N_CATS; c++) {
            double p = jnum(json_object_get(cats, cat_keys[c]), "points");
            double w = points > 0 ? CHART_W * p / points : 0;
            if (w <= 0)
                continue;
            sw_buf_printf(b,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\">"
                          "<title>%s: %.0f points</title></rect>",
                          x, y, w, cat_colors[c], js(json_object_get(cats, cat_keys[c]), "title"),
                          p);
            x += w;
        }
        double pen = jnum(t, "penalties");
        if (pen > 0 && points > 0) {
            double w = CHART_W * pen / points;
            sw_buf_printf(b,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" "
                          "fill=\"none\" stroke=\"#c0392b\" stroke-dasharray=\"3 2\">"
                          "<title>penalties: %.0f points</title></rect>",
                          x - w, y, w, pen);
        }
        sw_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"lab\">%.0f</text>", x + 4, y + 12,
                      jnum(t, "total"));
    }
    double y = 6 + 18 * (double)n + 2, x = LABEL_W;
    for (int c = 0; c < N_CATS; c++) {
        const json_t *cat =
            json_object_get(json_object_get(json_array_get(teams, 0), "categories"), cat_keys[c]);
        sw_buf_printf(b,
                      "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                      "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\">%s</text>",
                      x, y, cat_colors[c], x + 13, y + 9, js(cat, "title"));
        x += 112;
    }
    sw_buf_puts(b, "</svg>");
}

/* ---- HTML --------------------------------------------------------------------------------- */

static const char css[] =
    "@page{size:A4;margin:12mm}"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:9pt;color:#222;max-width:"
    "186mm;margin:0 auto;line-height:1.35}"
    "h1{font-size:16pt;margin:0 0 1mm}h2{font-size:12pt;margin:3mm 0 1.5mm;border-bottom:1px "
    "solid #999}h3{font-size:10.5pt;margin:3.5mm 0 1mm}"
    ".sub{color:#555;margin:0 0 3mm}"
    "table{border-collapse:collapse;width:100%;margin:1mm 0 2mm;font-size:8.5pt;table-layout:"
    "fixed;overflow-wrap:anywhere}"
    "table.wide td:first-child,table.wide th:first-child{width:6mm}"
    "table.wide td:nth-child(2),table.wide th:nth-child(2){width:34mm}"
    "th,td{border-bottom:1px solid #ddd;padding:0.8mm 1.2mm;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}td.n,th.n{text-align:right}td.n{white-space:nowrap}"
    ".chart{width:100%;height:auto;display:block}"
    ".chart .lab{font-size:10px;fill:#222}.chart .tick{font-size:9px;fill:#666}"
    ".chart .grid{stroke:#ddd;stroke-width:0.6}.chart .lane{fill:#f6f6f6}"
    ".bad{color:#c0392b;font-weight:bold}.good{color:#1e7b34}"
    "pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:2mm;font-size:"
    "7.5pt;margin:1mm 0}"
    ".summary{break-after:page}"
    ".team{break-before:page}"
    ".missed{border-left:3px solid #c0392b;padding-left:2mm;margin:2mm 0;break-inside:avoid}"
    ".key{font-size:8.5pt;color:#555}"
    "ul{margin:1mm 0 2mm 5mm;padding:0}li{margin:0.5mm 0}"
    "@media print{a{color:inherit;text-decoration:none}}";

static void html_head(sw_buf_t *b, const json_t *ex)
{
    sw_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; img-src data:\">"
                   "<title>After-action report: ");
    esc(b, js(ex, "name"));
    sw_buf_printf(b, "</title><style>%s</style></head><body>\n", css);
}

/* One sentence per team for the summary. */
static void glance(sw_buf_t *b, const json_t *t)
{
    const json_t *f = json_object_get(t, "figures");
    char d1[32], d2[32];
    sw_buf_puts(b, "<li><b>");
    esc(b, js(t, "name"));
    sw_buf_printf(b, "</b>: %lld attack stages succeeded, %lld detected",
                  (long long)ji(f, "stages"), (long long)ji(f, "detected"));
    if (!json_is_null(json_object_get(f, "median_detect_ms")))
        sw_buf_printf(b, " (median %s)", dur(jnum(f, "median_detect_ms"), d1, sizeof d1));
    sw_buf_printf(b, ", %lld of %lld contained", (long long)ji(f, "contained"),
                  (long long)ji(f, "containable"));
    if (!json_is_null(json_object_get(f, "median_contain_ms")))
        sw_buf_printf(b, " (median %s)", dur(jnum(f, "median_contain_ms"), d2, sizeof d2));
    sw_buf_printf(b, "; %lld of %lld objectives reached", (long long)ji(f, "reached"),
                  (long long)ji(f, "objectives"));
    sw_buf_printf(b, "; %lld reports; %lld indicators shared (%lld used by others).</li>",
                  (long long)ji(f, "reports"), (long long)ji(f, "shared"),
                  (long long)ji(f, "shared_used"));
}

/* Lessons across teams: the techniques missed most, and who saw them. */
static void lessons(sw_buf_t *b, const json_t *teams)
{
    typedef struct {
        const char *tech, *name;
        int missed, seen;
        char by[160];
    } lesson_t;
    lesson_t l[64];
    int n = 0;
    const json_t *t, *s;
    size_t i, k;
    json_array_foreach(teams, i, t)
    {
        json_array_foreach(json_object_get(t, "stages"), k, s)
        {
            int j = 0;
            while (j < n && strcmp(l[j].tech, js(s, "technique")))
                j++;
            if (j == n) {
                if (n == 64)
                    continue;
                memset(&l[n], 0, sizeof l[n]);
                l[n].tech = js(s, "technique");
                l[n].name = *js(s, "technique_name") ? js(s, "technique_name") : js(s, "name");
                n++;
            }
            if (json_is_true(json_object_get(s, "missed"))) {
                l[j].missed++;
            } else {
                l[j].seen++;
                size_t len = strlen(l[j].by);
                if (!strstr(l[j].by, js(t, "name")))
                    snprintf(l[j].by + len, sizeof l[j].by - len, "%s%s", len ? ", " : "",
                             js(t, "name"));
            }
        }
    }
    int shown = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < n && shown < 5; j++) {
            if (!l[j].missed || (pass == 0) != (l[j].seen > 0))
                continue;
            sw_buf_printf(b, "<li><b>%s</b> ", l[j].tech);
            esc(b, l[j].name);
            sw_buf_printf(b, ": missed %d time%s", l[j].missed, l[j].missed == 1 ? "" : "s");
            if (l[j].seen) {
                sw_buf_puts(b, "; seen by ");
                esc(b, l[j].by);
                sw_buf_puts(b, ": ask how");
            }
            sw_buf_puts(b, ".</li>");
            shown++;
        }
    if (!shown)
        sw_buf_puts(b, "<li>Every attack stage was detected by the team it hit.</li>");
}

static void html_summary(sw_buf_t *b, const json_t *m)
{
    const json_t *ex = json_object_get(m, "exercise"), *teams = json_object_get(m, "teams");
    const json_t *sc = json_object_get(m, "scoring");
    double points = jnum(sc, "points");
    sw_buf_puts(b, "<section class=\"summary\"><h1>After-action report: ");
    esc(b, js(ex, "name"));
    sw_buf_puts(b, "</h1><p class=\"sub\">");
    if (*js(ex, "date")) {
        esc(b, js(ex, "date"));
        sw_buf_puts(b, " · ");
    }
    sw_buf_printf(b, "state at <b>%s</b> (%s) · scenario ", js(ex, "at"), js(ex, "state"));
    esc(b, js(ex, "scenario"));
    sw_buf_printf(b, ", seed %s · computed from the exercise journal", js(ex, "seed"));
    const json_t *jr = json_object_get(ex, "journal");
    if (jr && json_is_true(json_object_get(jr, "intact")))
        sw_buf_printf(b, " (%lld entries, intact; head #%lld <code>%s</code>)",
                      (long long)json_integer_value(json_object_get(jr, "entries")),
                      (long long)json_integer_value(json_object_get(jr, "head_seq")),
                      js(jr, "head"));
    else if (jr) {
        sw_buf_puts(b, " — <b>the journal does not verify: ");
        esc(b, js(jr, "problem"));
        sw_buf_puts(b, "</b>");
    }
    sw_buf_puts(b, "</p>");
    sw_buf_printf(b,
                  "<h2>Scoreboard</h2><table class=\"wide\"><tr><th>#</th><th>Team</th>"
                  "<th class=\"n\">Score /%.0f</th>",
                  points);
    for (int c = 0; c < N_CATS; c++)
        sw_buf_printf(b, "<th class=\"n\">%s</th>", cat_short[c]);
    sw_buf_puts(b, "<th class=\"n\">Penalty</th></tr>");
    const json_t *t;
    size_t i;
    json_array_foreach(teams, i, t)
    {
        sw_buf_printf(b, "<tr><td>%lld</td><td><a href=\"#team-%s\">", (long long)ji(t, "rank"),
                      js(t, "id"));
        esc(b, js(t, "name"));
        sw_buf_printf(b, "</a></td><td class=\"n\"><b>%.0f</b></td>", jnum(t, "total"));
        for (int c = 0; c < N_CATS; c++) {
            char p[16];
            sw_buf_printf(b, "<td class=\"n\">%s</td>",
                          pct(jnum(json_object_get(json_object_get(t, "categories"), cat_keys[c]),
                                   "fraction"),
                              p, sizeof p));
        }
        sw_buf_printf(b, "<td class=\"n\">%s%.0f</td></tr>", jnum(t, "penalties") > 0 ? "−" : "",
                      jnum(t, "penalties"));
    }
    sw_buf_puts(b, "</table>");
    scoreboard_svg(b, teams, points);
    sw_buf_puts(b, "<p class=\"key\">Each category is a share of what could be earned, weighted "
                   "by the scenario; penalties (hints, collateral damage, wrong indicators, rules "
                   "broken) are taken off. How each figure is made: docs/scoring.md.</p>");
    sw_buf_puts(b, "<h2>At a glance</h2><ul>");
    json_array_foreach(teams, i, t) glance(b, t);
    sw_buf_puts(b, "</ul><h2>What to learn</h2><ul>");
    lessons(b, teams);
    sw_buf_puts(b, "</ul>");
    /* the adversaries against each team */
    const json_t *advs = json_object_get(m, "adversaries");
    sw_buf_puts(b, "<h2>The adversaries against each team</h2><table><tr><th>Adversary</th>");
    json_array_foreach(teams, i, t)
    {
        sw_buf_puts(b, "<th class=\"n\">");
        esc(b, js(t, "name"));
        sw_buf_puts(b, "</th>");
    }
    sw_buf_puts(b, "</tr>");
    const json_t *a;
    size_t k;
    json_array_foreach(advs, k, a)
    {
        sw_buf_puts(b, "<tr><td>");
        esc(b, js(a, "name"));
        sw_buf_puts(b, "</td>");
        json_array_foreach(teams, i, t)
        {
            const json_t *x = json_object_get(json_object_get(a, "teams"), js(t, "id"));
            if (!x) {
                sw_buf_puts(b, "<td class=\"n\">-</td>");
                continue;
            }
            long long reached = ji(x, "reached");
            sw_buf_printf(b,
                          "<td class=\"n\">%lld/%lld · <span class=\"%s\">%lld/%lld</span>"
                          "</td>",
                          (long long)ji(x, "detected"), (long long)ji(x, "stages"),
                          reached ? "bad" : "good", reached, (long long)ji(x, "objectives"));
        }
        sw_buf_puts(b, "</tr>");
    }
    sw_buf_puts(b, "</table><p class=\"key\">In each cell: attack stages detected / that "
                   "succeeded · objectives reached / aimed at the team.</p></section>\n");
}

static void html_stages(sw_buf_t *b, const json_t *t)
{
    const json_t *stages = json_object_get(t, "stages");
    sw_buf_puts(b, "<h3>Attack stages: time to detect and to contain</h3>");
    if (!json_array_size(stages)) {
        sw_buf_puts(b, "<p>No attack stage succeeded against this team.</p>");
        return;
    }
    sw_buf_puts(b, "<table><tr><th>Began</th><th>Adversary step</th><th>Technique</th>"
                   "<th>Hosts</th><th class=\"n\">Detected</th><th class=\"n\">Contained</th>"
                   "</tr>");
    const json_t *s;
    size_t i;
    json_array_foreach(stages, i, s)
    {
        char a[32], d[32], h[160];
        int64_t st = ji(s, "start_ms");
        sw_buf_printf(b, "<tr><td>%s</td><td>", tm(st, a, sizeof a));
        esc(b, js(s, "name"));
        sw_buf_printf(b, " <span class=\"key\">(%s)</span></td><td>%s ", js(s, "adversary"),
                      js(s, "technique"));
        esc(b, js(s, "technique_name"));
        hosts_text(json_object_get(s, "hosts"), h, sizeof h);
        sw_buf_puts(b, "</td><td>");
        esc(b, h);
        sw_buf_puts(b, "</td>");
        if (ji(s, "detected_ms") >= 0)
            sw_buf_printf(b, "<td class=\"n\">after %s <span class=\"key\">(%s)</span></td>",
                          dur((double)(ji(s, "detected_ms") - st), d, sizeof d),
                          js(s, "detected_by"));
        else
            sw_buf_puts(b, "<td class=\"n bad\">missed</td>");
        if (!json_is_true(json_object_get(s, "containable")))
            sw_buf_puts(b, "<td class=\"n key\">nothing held</td>");
        else if (ji(s, "contained_ms") >= 0)
            sw_buf_printf(b, "<td class=\"n\">after %s</td>",
                          dur((double)(ji(s, "contained_ms") - st), d, sizeof d));
        else
            sw_buf_puts(b, "<td class=\"n bad\">still held</td>");
        sw_buf_puts(b, "</tr>");
    }
    sw_buf_puts(b, "</table>");
}

static void html_missed(sw_buf_t *b, const json_t *m, const json_t *t)
{
    const json_t *s;
    size_t i;
    int any = 0;
    json_array_foreach(json_object_get(t, "stages"), i, s)
    {
        if (!json_is_true(json_object_get(s, "missed")))
            continue;
        if (!any++)
            sw_buf_puts(b, "<h3>What was missed, and what would have revealed it</h3>");
        char a[32], h[160];
        hosts_text(json_object_get(s, "hosts"), h, sizeof h);
        sw_buf_printf(b, "<div class=\"missed\"><b>%s</b> ", js(s, "technique"));
        esc(b, js(s, "name"));
        sw_buf_printf(b, " on ");
        esc(b, h);
        sw_buf_printf(b, " at %s. ", tm(ji(s, "start_ms"), a, sizeof a));
        const json_t *rec = json_object_get(s, "record");
        if (!rec) {
            sw_buf_puts(b, "No sensor recorded it: the team had no record of it to find "
                           "(a sensor, Sysmon or enhanced logging on that host would have).");
        } else {
            sw_buf_printf(b, "The first of its records (#%lld in the team's store):",
                          (long long)ji(s, "record_ordinal"));
            char *txt = json_is_string(rec) ? strdup(json_string_value(rec))
                                            : json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
            if (txt && strlen(txt) > 700)
                strcpy(txt + 690, " ...");
            sw_buf_puts(b, "<pre>");
            esc(b, txt ? txt : "");
            sw_buf_puts(b, "</pre>");
            free(txt);
            const json_t *rules = json_object_get(s, "sigma");
            if (json_array_size(rules)) {
                sw_buf_puts(b, "SigmaHQ rules that match it: <ul>");
                const json_t *r;
                size_t k;
                json_array_foreach(rules, k, r)
                {
                    sw_buf_puts(b, "<li>");
                    esc(b, js(r, "title"));
                    sw_buf_printf(b, " <span class=\"key\">(%s, level %s, author: ", js(r, "id"),
                                  *js(r, "level") ? js(r, "level") : "-");
                    esc(b, *js(r, "author") ? js(r, "author") : "unknown");
                    sw_buf_puts(b, ")</span></li>");
                }
                sw_buf_puts(b, "</ul>");
            } else if (*js(json_object_get(m, "exercise"), "sigma_rules")) {
                sw_buf_puts(b, "No SigmaHQ rule matches it: a rule of the team's own, or "
                               "hunting, would have been needed.");
            } else {
                sw_buf_puts(b, "<span class=\"key\">(no Sigma rules were given to the report: "
                               "--rules DIR)</span>");
            }
        }
        sw_buf_puts(b, "</div>");
    }
}

static void html_reports(sw_buf_t *b, const json_t *t)
{
    const json_t *reps = json_object_get(t, "reports");
    sw_buf_puts(b, "<h3>Reports</h3>");
    if (!json_array_size(reps)) {
        sw_buf_puts(b, "<p>No incident report was filed.</p>");
        return;
    }
    sw_buf_puts(b, "<table><tr><th>Filed</th><th>Title</th><th class=\"n\">Techniques P/R</th>"
                   "<th class=\"n\">Hosts P/R</th><th class=\"n\">Indicators P/R</th>"
                   "<th class=\"n\">Quality</th></tr>");
    const json_t *r;
    size_t i;
    static const char *const dims[] = {"techniques", "hosts", "indicators"};
    json_array_foreach(reps, i, r)
    {
        char a[32], p1[16], p2[16];
        sw_buf_printf(b, "<tr><td>%s</td><td>", tm(ji(r, "at_ms"), a, sizeof a));
        esc(b, js(r, "title"));
        sw_buf_puts(b, "</td>");
        for (int d = 0; d < 3; d++) {
            const json_t *p = json_object_get(json_object_get(r, "precision"), dims[d]);
            const json_t *rc = json_object_get(json_object_get(r, "recall"), dims[d]);
            sw_buf_printf(b, "<td class=\"n\">%s / %s</td>",
                          pct(json_is_null(p) ? -1 : json_number_value(p), p1, sizeof p1),
                          pct(json_is_null(rc) ? -1 : json_number_value(rc), p2, sizeof p2));
        }
        sw_buf_printf(b, "<td class=\"n\">%s</td></tr>", pct(jnum(r, "quality"), a, sizeof a));
    }
    sw_buf_puts(b, "</table><p class=\"key\">P: precision, of what the report named how much "
                   "was right; R: recall, of what had happened by then how much it named.</p>");
}

static void html_sharing(sw_buf_t *b, const json_t *t)
{
    const json_t *sh = json_object_get(t, "shared"), *rc = json_object_get(t, "received");
    sw_buf_puts(b, "<h3>Indicators shared and used</h3>");
    if (!json_array_size(sh) && !json_array_size(rc)) {
        sw_buf_puts(b, "<p>Nothing shared, nothing received.</p>");
        return;
    }
    sw_buf_puts(b, "<table><tr><th>When</th><th>From</th><th>To</th><th>Indicator</th>"
                   "<th>Right?</th><th>Used by the recipient</th></tr>");
    for (int pass = 0; pass < 2; pass++) {
        const json_t *x;
        size_t i;
        json_array_foreach(pass ? rc : sh, i, x)
        {
            char a[32], u[32];
            sw_buf_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>",
                          tm(ji(x, "at_ms"), a, sizeof a), js(x, "from"), js(x, "to"));
            esc(b, js(x, "value"));
            int ok = json_is_true(json_object_get(x, "correct"));
            sw_buf_printf(b, "</td><td class=\"%s\">%s</td><td>%s</td></tr>", ok ? "good" : "bad",
                          ok ? "yes" : "no",
                          ji(x, "used_ms") >= 0 ? tm(ji(x, "used_ms"), u, sizeof u) : "not used");
        }
    }
    sw_buf_puts(b, "</table>");
}

static void html_team(sw_buf_t *b, const json_t *m, const json_t *t)
{
    const json_t *ex = json_object_get(m, "exercise"), *f = json_object_get(t, "figures");
    int64_t at = ji(ex, "at_ms"), span = ji(ex, "until_ms") > 0 ? ji(ex, "until_ms") : at;
    char d1[32], d2[32], p[16];
    sw_buf_printf(b, "<section class=\"team\" id=\"team-%s\"><h2>%lld. ", js(t, "id"),
                  (long long)ji(t, "rank"));
    esc(b, js(t, "name"));
    sw_buf_printf(b, ": %.0f points</h2>", jnum(t, "total"));
    double av = jnum(json_object_get(json_object_get(t, "categories"), "availability"), "fraction");
    sw_buf_printf(
        b,
        "<p>The adversaries succeeded in <b>%lld</b> attack stages against this team; "
        "it detected <b>%lld</b> (median delay %s) and contained <b>%lld</b> "
        "of the %lld that held a host (median delay %s). <b>%lld</b> of %lld objectives "
        "were reached. Its services were available %s of the time.</p>",
        (long long)ji(f, "stages"), (long long)ji(f, "detected"),
        dur(json_is_null(json_object_get(f, "median_detect_ms")) ? -1 : jnum(f, "median_detect_ms"),
            d1, sizeof d1),
        (long long)ji(f, "contained"), (long long)ji(f, "containable"),
        dur(json_is_null(json_object_get(f, "median_contain_ms")) ? -1
                                                                  : jnum(f, "median_contain_ms"),
            d2, sizeof d2),
        (long long)ji(f, "reached"), (long long)ji(f, "objectives"), pct(av, p, sizeof p));
    sw_buf_puts(b, "<h3>Timeline</h3>");
    timeline_svg(b, t, span);
    sw_buf_puts(b, "<p class=\"key\">Adversary: orange, a stage began (red: never detected); "
                   "diamond, an objective reached. Detected: triangle, a stage detected; "
                   "square, a report. Did: green, an action; red, collateral damage or a hint. "
                   "Hover for details; every item is in the tables below and in the CSV.</p>");
    html_stages(b, t);
    html_missed(b, m, t);
    sw_buf_puts(b, "<h3>Services</h3>");
    services_svg(b, t, at, span);
    sw_buf_puts(b, "<p class=\"key\">Green up, amber degraded, red down; the figure is the "
                   "share of exercise minutes up (degraded counts half).</p>");
    html_reports(b, t);
    html_sharing(b, t);
    /* penalties, objectives, learning objectives */
    const json_t *pen = json_object_get(t, "penalty");
    sw_buf_printf(b,
                  "<h3>Penalties</h3><p>Hints: %lld (%.0f points) · collateral damage: %lld "
                  "(%.0f) · wrong indicators: %lld (%.0f) · rules broken: %lld (%.0f).</p>",
                  (long long)ji(json_object_get(pen, "hints"), "n"),
                  jnum(json_object_get(pen, "hints"), "points"),
                  (long long)ji(json_object_get(pen, "collateral"), "n"),
                  jnum(json_object_get(pen, "collateral"), "points"),
                  (long long)ji(json_object_get(pen, "false_indicators"), "n"),
                  jnum(json_object_get(pen, "false_indicators"), "points"),
                  (long long)ji(json_object_get(pen, "rules_broken"), "n"),
                  jnum(json_object_get(pen, "rules_broken"), "points"));
    const json_t *x;
    size_t i;
    sw_buf_puts(b, "<h3>The adversaries' objectives</h3><table><tr><th>Adversary</th>"
                   "<th>Objective</th><th>Outcome</th></tr>");
    json_array_foreach(json_object_get(t, "objectives"), i, x)
    {
        char a[32];
        sw_buf_printf(b, "<tr><td>%s</td><td>%s: ", js(x, "adversary"), js(x, "id"));
        esc(b, js(x, "description"));
        if (ji(x, "reached_ms") < 0)
            sw_buf_puts(b, "</td><td class=\"good\">denied</td></tr>");
        else
            sw_buf_printf(b, "</td><td class=\"bad\">reached at %s%s</td></tr>",
                          tm(ji(x, "reached_ms"), a, sizeof a),
                          json_is_true(json_object_get(x, "holds")) ? "" : ", since undone");
    }
    sw_buf_puts(b, "</table><h3>Learning objectives</h3><table>");
    json_array_foreach(json_object_get(t, "learning_objectives"), i, x)
    {
        const json_t *met = json_object_get(x, "met");
        sw_buf_printf(b, "<tr><td>%s</td><td>", js(x, "id"));
        esc(b, js(x, "text"));
        sw_buf_printf(b, "</td><td class=\"%s\">%s</td></tr>", json_is_true(met) ? "good" : "bad",
                      json_is_null(met)   ? "-"
                      : json_is_true(met) ? "met"
                                          : "not yet");
    }
    sw_buf_puts(b,
                "</table><p class=\"key\">Met when the team's score in the objective's "
                "category is at least half; the instructors' judgement decides.</p></section>\n");
}

static int render_html(const json_t *m, sw_buf_t *b)
{
    html_head(b, json_object_get(m, "exercise"));
    html_summary(b, m);
    const json_t *t;
    size_t i;
    json_array_foreach(json_object_get(m, "teams"), i, t) html_team(b, m, t);
    sw_buf_puts(b, "</body></html>\n");
    return SW_OK;
}

/* ---- Markdown ----------------------------------------------------------------------------- */

static int render_md(const json_t *m, sw_buf_t *b)
{
    const json_t *ex = json_object_get(m, "exercise"), *teams = json_object_get(m, "teams");
    sw_buf_puts(b, "# After-action report: ");
    mdesc(b, js(ex, "name"));
    sw_buf_printf(b, "\n\nState at %s (%s); scenario %s, seed %s.", js(ex, "at"), js(ex, "state"),
                  js(ex, "scenario"), js(ex, "seed"));
    const json_t *jr = json_object_get(ex, "journal");
    if (jr && json_is_true(json_object_get(jr, "intact")))
        sw_buf_printf(b, " Journal: %lld entries, intact; head #%lld `%s`.",
                      (long long)json_integer_value(json_object_get(jr, "entries")),
                      (long long)json_integer_value(json_object_get(jr, "head_seq")),
                      js(jr, "head"));
    else if (jr) {
        sw_buf_puts(b, " **The journal does not verify: ");
        mdesc(b, js(jr, "problem"));
        sw_buf_puts(b, "**");
    }
    sw_buf_puts(b, "\n\n## Scoreboard\n\n");
    sw_buf_puts(b, "| # | Team | Score |");
    for (int c = 0; c < N_CATS; c++)
        sw_buf_printf(b, " %s |", cat_keys[c]);
    sw_buf_puts(b, " Penalties |\n|---|---|---:|");
    for (int c = 0; c < N_CATS; c++)
        sw_buf_puts(b, "---:|");
    sw_buf_puts(b, "---:|\n");
    const json_t *t;
    size_t i;
    json_array_foreach(teams, i, t)
    {
        sw_buf_printf(b, "| %lld | ", (long long)ji(t, "rank"));
        mdesc(b, js(t, "name"));
        sw_buf_printf(b, " | %.0f |", jnum(t, "total"));
        for (int c = 0; c < N_CATS; c++) {
            char p[16];
            sw_buf_printf(b, " %s |",
                          pct(jnum(json_object_get(json_object_get(t, "categories"), cat_keys[c]),
                                   "fraction"),
                              p, sizeof p));
        }
        sw_buf_printf(b, " %.0f |\n", jnum(t, "penalties"));
    }
    json_array_foreach(teams, i, t)
    {
        sw_buf_puts(b, "\n## ");
        mdesc(b, js(t, "name"));
        sw_buf_printf(b, " (%.0f points)\n\n### Attack stages\n\n", jnum(t, "total"));
        sw_buf_puts(b, "| Began | Step | Technique | Hosts | Detected | Contained |\n"
                       "|---|---|---|---|---|---|\n");
        const json_t *s;
        size_t k;
        json_array_foreach(json_object_get(t, "stages"), k, s)
        {
            char a[32], d[32], h[160];
            int64_t st = ji(s, "start_ms");
            hosts_text(json_object_get(s, "hosts"), h, sizeof h);
            sw_buf_printf(b, "| %s | ", tm(st, a, sizeof a));
            mdesc(b, js(s, "name"));
            sw_buf_printf(b, " | %s | ", js(s, "technique"));
            mdesc(b, h);
            if (ji(s, "detected_ms") >= 0)
                sw_buf_printf(b, " | after %s (%s) |",
                              dur((double)(ji(s, "detected_ms") - st), d, sizeof d),
                              js(s, "detected_by"));
            else
                sw_buf_puts(b, " | **missed** |");
            if (!json_is_true(json_object_get(s, "containable")))
                sw_buf_puts(b, " nothing held |\n");
            else if (ji(s, "contained_ms") >= 0)
                sw_buf_printf(b, " after %s |\n",
                              dur((double)(ji(s, "contained_ms") - st), d, sizeof d));
            else
                sw_buf_puts(b, " still held |\n");
        }
        sw_buf_puts(b, "\n### Reports\n\n");
        json_array_foreach(json_object_get(t, "reports"), k, s)
        {
            char a[32], q[16];
            sw_buf_printf(b, "- %s \"", tm(ji(s, "at_ms"), a, sizeof a));
            mdesc(b, js(s, "title"));
            sw_buf_printf(b, "\": quality %s\n", pct(jnum(s, "quality"), q, sizeof q));
        }
        sw_buf_puts(b, "\n### Timeline\n\n");
        items_t it;
        if (sorted_items(t, &it))
            return SW_ENOMEM;
        for (size_t n = 0; n < it.n; n++) {
            char a[32];
            sw_buf_printf(b, "- %s [%s] ", tm(it.v[n].at_ms, a, sizeof a),
                          lane_names[it.v[n].lane]);
            mdesc(b, it.v[n].text);
            sw_buf_putc(b, '\n');
        }
        free(it.v);
    }
    return SW_OK;
}

int sw_report_render(const json_t *model, sw_report_format_t f, sw_buf_t *out)
{
    if (!json_is_array(json_object_get(model, "teams")))
        return SW_EINVAL;
    int rc;
    switch (f) {
    case SW_REPORT_JSON: {
        char *s = json_dumps(model, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (!s)
            return SW_ENOMEM;
        sw_buf_puts(out, s);
        sw_buf_putc(out, '\n');
        free(s);
        rc = SW_OK;
        break;
    }
    case SW_REPORT_MD:
        rc = render_md(model, out);
        break;
    case SW_REPORT_CSV:
        rc = render_csv(model, out);
        break;
    default:
        rc = render_html(model, out);
        break;
    }
    return rc ? rc : out->failed ? SW_ENOMEM : SW_OK;
}

/* ---- several exercises: each team's figures year on year ------------------------------ */

/* A team's figures from one report (NULL when it did not play). */
static json_t *series_cell(const json_t *t, size_t n_teams)
{
    const json_t *cats = json_object_get(t, "categories");
    const json_t *fig = json_object_get(t, "figures");
    json_t *c = json_object();
    for (int k = 0; k < N_CATS; k++)
        json_object_set_new(c, cat_keys[k],
                            json_real(jnum(json_object_get(cats, cat_keys[k]), "fraction")));
    json_t *o =
        json_pack("{s:f, s:I, s:I, s:f, s:o, s:I, s:I}", "total", jnum(t, "total"), "rank",
                  (json_int_t)ji(t, "rank"), "of", (json_int_t)n_teams, "penalties",
                  jnum(t, "penalties"), "categories", c, "stages", (json_int_t)ji(fig, "stages"),
                  "detected", (json_int_t)ji(fig, "detected"));
    json_object_set(o, "median_detect_ms", json_object_get(fig, "median_detect_ms"));
    json_object_set(o, "median_contain_ms", json_object_get(fig, "median_contain_ms"));
    return o;
}

json_t *sw_report_series(json_t *const *reports, const char *const *labels, size_t n)
{
    json_t *exs = json_array(), *teams = json_array();
    json_t *m = json_pack("{s:s, s:o, s:o}", "format", "seawall-series/1", "exercises", exs,
                          "teams", teams);
    for (size_t i = 0; m && i < n; i++) {
        const json_t *ex = json_object_get(reports[i], "exercise");
        const json_t *jo = json_object_get(ex, "journal");
        json_array_append_new(exs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "label",
                                             labels[i], "name", js(ex, "name"), "date",
                                             js(ex, "date"), "scenario", js(ex, "scenario"), "seed",
                                             js(ex, "seed"), "at", js(ex, "at"), "state",
                                             js(ex, "state"), "journal_head", js(jo, "head")));
        const json_t *ts = json_object_get(reports[i], "teams");
        size_t k;
        const json_t *t;
        json_array_foreach(ts, k, t)
        {
            json_t *row = NULL, *r;
            size_t j;
            json_array_foreach(teams, j, r) if (!strcmp(js(r, "id"), js(t, "id"))) row = r;
            if (!row) { /* first seen: null in every exercise so far */
                json_t *per = json_array();
                for (size_t p = 0; p < n; p++)
                    json_array_append_new(per, json_null());
                row = json_pack("{s:s, s:s, s:o}", "id", js(t, "id"), "name", js(t, "name"), "per",
                                per);
                json_array_append_new(teams, row);
            }
            json_array_set_new(json_object_get(row, "per"), i, series_cell(t, json_array_size(ts)));
        }
    }
    return m;
}

static void series_md(const json_t *m, sw_buf_t *b)
{
    const json_t *exs = json_object_get(m, "exercises"), *x, *t;
    size_t i, k;
    char a[32], d[32];
    sw_buf_puts(b, "# Year on year\n\n| Exercise | Date | Scenario | State | Journal head |\n"
                   "|---|---|---|---|---|\n");
    json_array_foreach(exs, i, x)
    {
        sw_buf_puts(b, "| ");
        mdesc(b, js(x, "name"));
        sw_buf_puts(b, " (");
        mdesc(b, js(x, "label"));
        sw_buf_printf(b, ") | %s | %s | %s at %s | `%.16s` |\n", js(x, "date"), js(x, "scenario"),
                      js(x, "state"), js(x, "at"), js(x, "journal_head"));
    }
    json_array_foreach(json_object_get(m, "teams"), k, t)
    {
        sw_buf_puts(b, "\n## ");
        mdesc(b, js(t, "name"));
        sw_buf_puts(b, "\n\n| Exercise | Score | Rank |");
        for (int c = 0; c < N_CATS; c++)
            sw_buf_printf(b, " %s |", cat_short[c]);
        sw_buf_puts(b, " Detect (median) | Contain (median) |\n|---|---:|---:|");
        for (int c = 0; c < N_CATS; c++)
            sw_buf_puts(b, "---:|");
        sw_buf_puts(b, "---:|---:|\n");
        json_array_foreach(json_object_get(t, "per"), i, x)
        {
            const json_t *e = json_array_get(exs, i);
            sw_buf_puts(b, "| ");
            mdesc(b, js(e, "label"));
            if (json_is_null(x)) {
                sw_buf_puts(b, " | did not play | |\n");
                continue;
            }
            sw_buf_printf(b, " | %.0f | %lld of %lld |", jnum(x, "total"), (long long)ji(x, "rank"),
                          (long long)ji(x, "of"));
            for (int c = 0; c < N_CATS; c++)
                sw_buf_printf(
                    b, " %s |",
                    pct(jnum(json_object_get(x, "categories"), cat_keys[c]), a, sizeof a));
            int64_t dm = ji(x, "median_detect_ms"), cm = ji(x, "median_contain_ms");
            sw_buf_printf(b, " %s | %s |\n", dm < 0 ? "-" : dur((double)dm, a, sizeof a),
                          cm < 0 ? "-" : dur((double)cm, d, sizeof d));
        }
    }
}

static void series_csv(const json_t *m, sw_buf_t *b)
{
    const json_t *exs = json_object_get(m, "exercises"), *x, *t;
    size_t i, k;
    sw_buf_puts(b, "team,exercise,date,score,rank,of");
    for (int c = 0; c < N_CATS; c++)
        sw_buf_printf(b, ",%s", cat_keys[c]);
    sw_buf_puts(b, ",median_detect_ms,median_contain_ms\n");
    json_array_foreach(json_object_get(m, "teams"), k, t)
    {
        json_array_foreach(json_object_get(t, "per"), i, x)
        {
            if (json_is_null(x))
                continue;
            const json_t *e = json_array_get(exs, i);
            csvesc(b, js(t, "id"));
            sw_buf_putc(b, ',');
            csvesc(b, js(e, "label"));
            sw_buf_putc(b, ',');
            csvesc(b, js(e, "date"));
            sw_buf_printf(b, ",%.2f,%lld,%lld", jnum(x, "total"), (long long)ji(x, "rank"),
                          (long long)ji(x, "of"));
            for (int c = 0; c < N_CATS; c++)
                sw_buf_printf(b, ",%.4f", jnum(json_object_get(x, "categories"), cat_keys[c]));
            int64_t dm = ji(x, "median_detect_ms"), cm = ji(x, "median_contain_ms");
            if (dm >= 0)
                sw_buf_printf(b, ",%lld", (long long)dm);
            else
                sw_buf_puts(b, ",");
            if (cm >= 0)
                sw_buf_printf(b, ",%lld\n", (long long)cm);
            else
                sw_buf_puts(b, ",\n");
        }
    }
}

/* Each team's score in each exercise, side by side (one bar per exercise). */
static void series_svg(sw_buf_t *b, const json_t *m)
{
    const json_t *teams = json_object_get(m, "teams"), *t, *x;
    size_t n_ex = json_array_size(json_object_get(m, "exercises")), n_t = json_array_size(teams);
    double max = 1;
    size_t i, k;
    json_array_foreach(teams, k, t) json_array_foreach(
        json_object_get(t, "per"), i, x) if (!json_is_null(x) && jnum(x, "total") > max) max =
        jnum(x, "total");
    const double W = 700, H = 170, top = 12, base = 140, gw = W / (double)(n_t ? n_t : 1);
    const double bw = (gw - 16) / (double)(n_ex ? n_ex : 1);
    static const char *const shade[] = {"#c6dbef", "#6baed6", "#2171b5", "#08306b"};
    sw_buf_printf(b,
                  "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                  "aria-label=\"Each team's score in each exercise\">",
                  W, H);
    json_array_foreach(teams, k, t)
    {
        json_array_foreach(json_object_get(t, "per"), i, x)
        {
            if (json_is_null(x))
                continue;
            double h = (base - top) * jnum(x, "total") / max, px = k * gw + 8 + i * bw;
            sw_buf_printf(b,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\"><title>%.0f</title></rect>"
                          "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                          "%.0f</text>",
                          px, base - h, bw - 2, h, shade[n_ex > 1 ? i * 3 / (n_ex - 1) : 2],
                          jnum(x, "total"), px + (bw - 2) / 2, base - h - 2, jnum(x, "total"));
        }
        sw_buf_printf(b, "<text class=\"lab\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                      k * gw + gw / 2, base + 14);
        esc(b, js(t, "name"));
        sw_buf_puts(b, "</text>");
    }
    sw_buf_puts(b, "</svg>\n");
}

static void series_html(const json_t *m, sw_buf_t *b)
{
    const json_t *exs = json_object_get(m, "exercises"), *x, *t;
    size_t i, k;
    char a[32], d[32];
    sw_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; img-src data:\">"
                   "<title>Year on year</title>");
    sw_buf_printf(b, "<style>%s</style></head><body>\n<h1>Year on year</h1>\n", css);
    sw_buf_puts(b, "<p class=\"sub\">Each team's figures in successive exercises, oldest first. "
                   "Bars: the score in each exercise, lighter is earlier.</p>\n");
    series_svg(b, m);
    sw_buf_puts(b, "<table><tr><th style=\"width:34%\">Exercise</th><th>Date</th>"
                   "<th>Scenario</th><th>State</th><th>Journal head</th></tr>\n");
    json_array_foreach(exs, i, x)
    {
        sw_buf_puts(b, "<tr><td>");
        esc(b, js(x, "name"));
        sw_buf_puts(b, " (");
        esc(b, js(x, "label"));
        sw_buf_puts(b, ")</td><td>");
        esc(b, js(x, "date"));
        sw_buf_puts(b, "</td><td>");
        esc(b, js(x, "scenario"));
        sw_buf_printf(b, "</td><td>%s at %s</td><td><code>%.16s</code></td></tr>\n", js(x, "state"),
                      js(x, "at"), js(x, "journal_head"));
    }
    sw_buf_puts(b, "</table>\n");
    json_array_foreach(json_object_get(m, "teams"), k, t)
    {
        sw_buf_puts(b, "<h2>");
        esc(b, js(t, "name"));
        sw_buf_puts(b, "</h2>\n<table style=\"overflow-wrap:normal\"><tr>"
                       "<th style=\"width:14%\">Exercise</th>"
                       "<th class=\"n\">Score</th><th class=\"n\" style=\"width:8%\">Rank</th>");
        for (int c = 0; c < N_CATS; c++)
            sw_buf_printf(b, "<th class=\"n\">%s</th>", cat_short[c]);
        sw_buf_puts(b, "<th class=\"n\">Time to detect</th><th class=\"n\">Time to contain</th>"
                       "</tr>\n");
        json_array_foreach(json_object_get(t, "per"), i, x)
        {
            sw_buf_puts(b, "<tr><td>");
            esc(b, js(json_array_get(exs, i), "label"));
            if (json_is_null(x)) {
                sw_buf_printf(b, "</td><td colspan=\"%d\">did not play</td></tr>\n", N_CATS + 4);
                continue;
            }
            sw_buf_printf(b, "</td><td class=\"n\">%.0f</td><td class=\"n\">%lld of %lld</td>",
                          jnum(x, "total"), (long long)ji(x, "rank"), (long long)ji(x, "of"));
            for (int c = 0; c < N_CATS; c++)
                sw_buf_printf(
                    b, "<td class=\"n\">%s</td>",
                    pct(jnum(json_object_get(x, "categories"), cat_keys[c]), a, sizeof a));
            int64_t dm = ji(x, "median_detect_ms"), cm = ji(x, "median_contain_ms");
            sw_buf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
                          dm < 0 ? "-" : dur((double)dm, a, sizeof a),
                          cm < 0 ? "-" : dur((double)cm, d, sizeof d));
        }
        sw_buf_puts(b, "</table>\n");
    }
    sw_buf_puts(b, "</body></html>\n");
}

int sw_report_series_render(const json_t *series, sw_report_format_t f, sw_buf_t *out)
{
    if (!json_is_array(json_object_get(series, "teams")))
        return SW_EINVAL;
    switch (f) {
    case SW_REPORT_JSON: {
        char *s = json_dumps(series, JSON_INDENT(2));
        if (!s)
            return SW_ENOMEM;
        sw_buf_puts(out, s);
        sw_buf_putc(out, '\n');
        free(s);
        break;
    }
    case SW_REPORT_MD:
        series_md(series, out);
        break;
    case SW_REPORT_CSV:
        series_csv(series, out);
        break;
    default:
        series_html(series, out);
        break;
    }
    return out->failed ? SW_ENOMEM : SW_OK;
}
