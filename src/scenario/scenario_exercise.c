/* scenario_exercise.c — the scenario's exercise-wide sections: `exercise:`
 * (name, duration, clock, zone, seed, learning objectives), `teams:` and
 * `observers:`, `scoring:` and `rules:`, and `telemetry:`. Phase 3 (fill)
 * of the loader for them; scenario_load.c drives the phases.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "scenario/scenario_int.h"

static const char *const k_exercise[] = {"name",     "description", "duration",      "start",
                                         "timezone", "utc_offset",  "date",          "speed",
                                         "seed",     "objectives",  "observers_see", NULL};
static const char *const r_exercise[] = {"name", "duration", NULL};
static const char *const k_lobj[] = {"id", "text", "category", "weight", NULL};
static const char *const r_lobj[] = {"id", "text", NULL};
static const char *const k_team[] = {"id", "name", "country", "timezone", "utc_offset", NULL};
static const char *const r_team[] = {"id", "name", NULL};
static const char *const k_scoring[] = {"weights",    "points",    "detect", "contain",
                                        "share_goal", "penalties", NULL};
static const char *const k_penalties[] = {"collateral", "false_indicator", "rule_broken", NULL};
static const char *const k_weights[] = {"availability", "detection", "containment", "recovery",
                                        "reporting",    "sharing",   NULL};
static const char *const k_rules[] = {"allowed_actions", "hints", "hint_cost", NULL};

struct tz {
    const char *name;
    int offset_min;
};
static const struct tz tz_table[] = {
    {"UTC", 0},
    {"Etc/UTC", 0},
    {"Pacific/Palau", 540},
    {"Pacific/Guam", 600},
    {"Pacific/Saipan", 600},
    {"Pacific/Chuuk", 600},
    {"Pacific/Port_Moresby", 600},
    {"Australia/Brisbane", 600},
    {"Pacific/Pohnpei", 660},
    {"Pacific/Kosrae", 660},
    {"Pacific/Noumea", 660},
    {"Pacific/Guadalcanal", 660},
    {"Pacific/Efate", 660},
    {"Pacific/Majuro", 720},
    {"Pacific/Kwajalein", 720},
    {"Pacific/Nauru", 720},
    {"Pacific/Tarawa", 720},
    {"Pacific/Fiji", 720},
    {"Pacific/Funafuti", 720},
    {"Pacific/Wallis", 720},
    {"Pacific/Tongatapu", 780},
    {"Pacific/Apia", 780},
    {"Pacific/Kanton", 780},
    {"Pacific/Fakaofo", 780},
    {"Pacific/Kiritimati", 840},
    {"Pacific/Honolulu", -600},
    {"Pacific/Pago_Pago", -660},
    {"Pacific/Rarotonga", -600},
    {"Pacific/Niue", -660},
    {"Asia/Tokyo", 540},
    {"Asia/Singapore", 480},
    {NULL, 0},
};

static int date_ok(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

static uint64_t val_seed(ld_t *L, node_t *v)
{
    const char *s = scn_scalar(L, v, "seed", "a whole number from 0 to 2^64-1");
    if (!s)
        return 0;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (!*s || *s < '0' || *s > '9' || *end || errno) {
        ERR(L, v->loc, "'seed' must be a whole number from 0 to 2^64-1, got '%s'", s);
        return 0;
    }
    return (uint64_t)x;
}

/* `timezone` (an IANA name the table knows) and `utc_offset` (+HH:MM, which
 * any name may carry and an unknown one needs) of node n, into name and
 * offset; def/def_min when n has neither. */
static void ld_timezone(ld_t *L, node_t *n, const char *def, int def_min, const char **name,
                        int *offset_min)
{
    node_t *v;
    *name = scn_opt_str(L, n, "timezone", def);
    *offset_min = def_min;
    int known = !scn_mget(n, "timezone");
    for (int i = 0; !known && tz_table[i].name; i++)
        if (*name && !strcmp(*name, tz_table[i].name)) {
            *offset_min = tz_table[i].offset_min;
            known = 1;
        }
    if ((v = scn_mget(n, "utc_offset"))) {
        const char *s = scn_scalar(L, v, "utc_offset", "an offset like +09:00");
        if (s && sw_parse_utc_offset(s, offset_min))
            ERR(L, v->loc,
                "'utc_offset' must be an offset like +09:00 (-12:00 to +14:00), got '%s'", s);
    } else if (!known && (v = scn_mget(n, "timezone"))) {
        ERR(L, v->loc, "unknown time zone '%s': add 'utc_offset' (e.g. +10:00)", *name);
    }
}

void scn_fill_exercise(ld_t *L)
{
    sw_exercise_spec_t *ex = &L->w->exercise;
    ex->speed = 1;
    ex->timezone = "UTC";
    ex->start_minute = 8 * 60;
    ex->seed = 1;
    node_t *e = L->exercise;
    if (L->seed)
        ex->seed = val_seed(L, L->seed);
    if (!e) {
        sw_loc_t loc = {L->names[L->n_files - 1], 1, 1};
        ERR(L, loc, "the scenario is missing required section 'exercise'");
        return;
    }
    ex->loc = e->loc;
    if (scn_check_keys(L, e, "exercise", k_exercise, r_exercise))
        return;
    ex->name = scn_opt_str(L, e, "name", NULL);
    ex->description = scn_opt_str(L, e, "description", NULL);
    node_t *v;
    if ((v = scn_mget(e, "duration"))) {
        ex->duration_ms = scn_val_dur(L, v, "duration", 0);
        if (ex->duration_ms == 0 || ex->duration_ms > (int64_t)7 * 86400000) {
            if (ex->duration_ms)
                ERR(L, v->loc, "'duration' must be from 1m to 7d, got '%s'", v->str);
            else if (v->kind == YT_SCALAR && !strcmp(v->str, "0"))
                ERR(L, v->loc, "'duration' must be from 1m to 7d, got '%s'", v->str);
            ex->duration_ms = 0;
        }
    }
    if ((v = scn_mget(e, "start"))) {
        const char *s = scn_scalar(L, v, "start", "a time of day HH:MM");
        if (s && sw_parse_time_of_day(s, &ex->start_minute))
            ERR(L, v->loc, "'start' must be a time of day HH:MM, got '%s'", s);
    }
    ld_timezone(L, e, "UTC", 0, &ex->timezone, &ex->utc_offset_min);
    if ((v = scn_mget(e, "date"))) {
        const char *s = scn_scalar(L, v, "date", "a date YYYY-MM-DD");
        if (s && !date_ok(s))
            ERR(L, v->loc, "'date' must be a date YYYY-MM-DD, got '%s'", s);
        else if (s)
            ex->date = scn_wstr(L, s);
    }
    ex->speed = scn_opt_num(L, e, "speed", 1, 0.1, 3600,
                            "a speed from 0.1 to 3600 (exercise seconds per second)");
    ex->observers_see =
        scn_opt_enum(L, e, "observers_see", sw_observer_view_names, SW_OBS__COUNT, SW_OBS_TEAMS);
    if ((v = scn_mget(e, "seed"))) {
        if (L->seed)
            ERR(L, v->loc, "'seed' is already defined at %s:%d:%d", L->seed->loc.file,
                L->seed->loc.line, L->seed->loc.col);
        else
            ex->seed = val_seed(L, v);
    }
    node_t *objs = scn_mget(e, "objectives");
    if (objs && !scn_list_ok(L, objs, "objectives", "a list"))
        return;
    if (!objs)
        return;
    ex->objectives = scn_wz(L, objs->n * sizeof *ex->objectives);
    if (!ex->objectives)
        return;
    for (node_t *o = objs->first; o; o = o->next) {
        if (scn_check_keys(L, o, "learning objective", k_lobj, r_lobj))
            continue;
        sw_learning_obj_t *lo = &ex->objectives[ex->n_objectives++];
        lo->loc = o->loc;
        lo->id = scn_opt_str(L, o, "id", NULL);
        lo->text = scn_opt_str(L, o, "text", NULL);
        int cat = scn_opt_enum(L, o, "category", scn_lobj_cat_names, 5, 0);
        lo->category = scn_lobj_cat_names[cat];
        lo->weight = scn_opt_num(L, o, "weight", 1, 0, 1, "a weight from 0 to 1");
        for (uint32_t i = 0; i + 1 < ex->n_objectives; i++)
            if (lo->id && ex->objectives[i].id && !strcmp(lo->id, ex->objectives[i].id))
                ERR(L, scn_kloc(o, "id"),
                    "duplicate learning objective id '%s' (first defined at %s:%d:%d)", lo->id,
                    ex->objectives[i].loc.file, ex->objectives[i].loc.line,
                    ex->objectives[i].loc.col);
    }
}

void scn_fill_teams(ld_t *L)
{
    char wb[160];
    for (uint32_t i = 0; i < L->w->n_teams; i++) {
        sw_team_t *t = &L->w->teams[i];
        node_t *n = L->team_n[i];
        const char *kind = t->kind == SW_TEAM_OBSERVER ? "observer" : "team";
        if (scn_check_keys(L, n, scn_what(wb, sizeof wb, kind, t->id), k_team, r_team))
            continue;
        t->name = scn_opt_str(L, n, "name", t->id);
        t->country = scn_opt_str(L, n, "country", NULL);
        ld_timezone(L, n, L->w->exercise.timezone, L->w->exercise.utc_offset_min, &t->timezone,
                    &t->utc_offset_min);
        node_t *c = scn_mget(n, "country");
        if (t->country && !(strlen(t->country) == 2 && t->country[0] >= 'A' &&
                            t->country[0] <= 'Z' && t->country[1] >= 'A' && t->country[1] <= 'Z'))
            ERR(L, c->loc, "'country' must be an ISO 3166-1 alpha-2 code like PW, got '%s'",
                t->country);
    }
}

/* scoring.detect / scoring.contain: "FULL..ZERO", full credit up to FULL,
 * none from ZERO on (docs/scoring.md). */
static void ld_scoring_window(ld_t *L, const char *key, int64_t *full, int64_t *zero)
{
    node_t *v = scn_mget(L->scoring, key);
    if (!v)
        return;
    const char *s = scn_scalar(L, v, key, "a range of durations like 30m..2h30m");
    int64_t lo, hi;
    if (!s)
        return;
    if (sw_parse_duration_range(s, &lo, &hi) || hi <= lo)
        ERR(L, v->loc,
            "'%s' must be a range like 30m..2h30m: full credit up to the first, none from the "
            "second (which must be later), got '%s'",
            key, s);
    else
        *full = lo, *zero = hi;
}

void scn_fill_scoring(ld_t *L)
{
    sw_scoring_t *s = &L->w->scoring;
    s->w_availability = 0.30;
    s->w_detection = 0.25;
    s->w_containment = 0.15;
    s->w_recovery = 0.10;
    s->w_reporting = 0.10;
    s->w_sharing = 0.10;
    s->allowed_actions = (1u << SW_ACT__COUNT) - 1;
    s->hints = 1;
    s->hint_cost = 5;
    /* the defaults docs/scoring.md states */
    s->points = 1000;
    s->detect_full_ms = 30 * 60000;
    s->detect_zero_ms = 150 * 60000;
    s->contain_full_ms = 60 * 60000;
    s->contain_zero_ms = 240 * 60000;
    s->share_goal = 4;
    s->collateral_cost = 25;
    s->false_indicator_cost = 10;
    s->rule_broken_cost = 50;
    node_t *v;
    if (L->scoring && !scn_check_keys(L, L->scoring, "scoring", k_scoring, NULL)) {
        s->loc = L->scoring->loc;
        s->points =
            scn_opt_num(L, L->scoring, "points", s->points, 1, 1e6, "points from 1 to 1000000");
        ld_scoring_window(L, "detect", &s->detect_full_ms, &s->detect_zero_ms);
        ld_scoring_window(L, "contain", &s->contain_full_ms, &s->contain_zero_ms);
        s->share_goal = scn_opt_num(L, L->scoring, "share_goal", s->share_goal, 1, 1000,
                                    "a number from 1 to 1000");
        if ((v = scn_mget(L->scoring, "penalties")) &&
            !scn_check_keys(L, v, "penalties", k_penalties, NULL)) {
            double *f[] = {&s->collateral_cost, &s->false_indicator_cost, &s->rule_broken_cost};
            for (int i = 0; i < 3; i++)
                *f[i] =
                    scn_opt_num(L, v, k_penalties[i], *f[i], 0, 1e6, "points from 0 to 1000000");
        }
        if ((v = scn_mget(L->scoring, "weights")) &&
            !scn_check_keys(L, v, "weights", k_weights, NULL)) {
            double *f[] = {&s->w_availability, &s->w_detection, &s->w_containment,
                           &s->w_recovery,     &s->w_reporting, &s->w_sharing};
            double sum = 0;
            for (int i = 0; i < 6; i++) {
                if (scn_mget(v, k_weights[i]))
                    *f[i] = scn_opt_num(L, v, k_weights[i], 0, 0, 1, "a weight from 0 to 1");
                else
                    *f[i] = 0;
                sum += *f[i];
            }
            if (sum < 0.999 || sum > 1.001)
                ERR(L, v->loc, "scoring weights must add up to 1, they add up to %g", sum);
        }
    }
    if (L->rules && !scn_check_keys(L, L->rules, "rules", k_rules, NULL)) {
        if (!s->loc.file)
            s->loc = L->rules->loc;
        if ((v = scn_mget(L->rules, "allowed_actions"))) {
            if (v->kind == YT_SCALAR && !strcmp(v->str, "all")) {
            } else if (v->kind != YT_SEQ) {
                ERR(L, v->loc, "'allowed_actions' must be all or a list of actions, got %s",
                    yt_kind_name(v));
            } else {
                s->allowed_actions = 0;
                for (node_t *x = v->first; x; x = x->next) {
                    int a = scn_val_enum(L, x, "action", sw_action_names, SW_ACT__COUNT, -1);
                    if (a >= 0)
                        s->allowed_actions |= 1u << a;
                }
            }
        }
        s->hints = scn_opt_bool(L, L->rules, "hints", 1);
        s->hint_cost = scn_opt_num(L, L->rules, "hint_cost", 5, 0, 1000, "points from 0 to 1000");
    }
}

/* telemetry: {rates: {NAME: N, ...}, process_audit: none|servers|all} */
static const char *const k_telemetry[] = {"rates", "process_audit", NULL};

void scn_fill_telemetry(ld_t *L)
{
    sw_telemetry_spec_t *t = &L->w->telemetry;
    t->proc_audit = SW_PROC_AUDIT_DEFAULT;
    node_t *tn = L->telemetry, *v;
    if (!tn || yt_is_null(tn))
        return;
    if (tn->kind != YT_MAP) {
        ERR(L, tn->loc, "'telemetry' must be a mapping, got %s", yt_kind_name(tn));
        return;
    }
    if (scn_check_keys(L, tn, "telemetry", k_telemetry, NULL))
        return;
    t->loc = tn->loc;
    if (scn_mget(tn, "process_audit"))
        t->proc_audit = (sw_proc_audit_t)scn_opt_enum(L, tn, "process_audit", sw_proc_audit_names,
                                                      SW_PROC_AUDIT__COUNT, SW_PROC_AUDIT_SERVERS);
    if (!(v = scn_mget(tn, "rates")) || yt_is_null(v))
        return;
    if (v->kind != YT_MAP) {
        ERR(L, v->loc, "'rates' must be a mapping of rate names to numbers, got %s",
            yt_kind_name(v));
        return;
    }
    const char *names[SW_RATE__COUNT + 1];
    for (int i = 0; i < SW_RATE__COUNT; i++)
        names[i] = sw_rate_names[i];
    names[SW_RATE__COUNT] = NULL;
    if (scn_check_keys(L, v, "rates", names, NULL))
        return;
    for (int i = 0; i < SW_RATE__COUNT; i++) {
        if (!scn_mget(v, sw_rate_names[i]))
            continue;
        int ratio = i == SW_RATE_SPAM_RATIO || i == SW_RATE_FAILED_LOGON_RATIO;
        t->rates[i] = scn_opt_num(L, v, sw_rate_names[i], 0, 0, ratio ? 1 : 100000,
                                  ratio ? "a ratio from 0 to 1" : "a rate from 0 to 100000");
        t->rates_set |= 1u << i;
    }
}
