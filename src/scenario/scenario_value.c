/* scenario_value.c — the small value syntaxes of scenario files: durations,
 * duration ranges, times of day, working hours, UTC offsets. Pure functions
 * over NUL-terminated text; see scenario.h for each grammar. */
#include <string.h>

#include "core/err.h"
#include "scenario/scenario.h"

/* Up to 7 decimal digits at *p; advances p. -1 when there is no digit. */
static long read_num(const char **p)
{
    const char *s = *p;
    long v = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9') {
        if (++n > 7)
            return -1;
        v = v * 10 + (*s - '0');
        s++;
    }
    if (n == 0)
        return -1;
    *p = s;
    return v;
}

int sw_parse_duration(const char *s, int64_t *ms)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {
        {"d", 86400000}, {"h", 3600000}, {"ms", 1}, {"m", 60000}, {"s", 1000},
    };
    /* rank of each unit, largest first, so "30m1h" is refused */
    static const int rank[] = {0, 1, 4, 2, 3};
    const char *p = s;
    int64_t total = 0;
    int last_rank = -1;
    if (!strcmp(s, "0")) {
        *ms = 0;
        return SW_OK;
    }
    if (!*p)
        return SW_EINVAL;
    while (*p) {
        long v = read_num(&p);
        if (v < 0)
            return SW_EINVAL;
        size_t i;
        for (i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t ul = strlen(units[i].unit);
            if (!strncmp(p, units[i].unit, ul)) {
                /* "m" must not swallow the "m" of "ms" */
                if (ul == 1 && units[i].unit[0] == 'm' && p[1] == 's')
                    continue;
                p += ul;
                break;
            }
        }
        if (i == sizeof units / sizeof units[0])
            return SW_EINVAL;
        if (rank[i] <= last_rank)
            return SW_EINVAL;
        last_rank = rank[i];
        total += (int64_t)v * units[i].ms;
        if (total > SW_SCN_MAX_DURATION_MS)
            return SW_EINVAL;
    }
    *ms = total;
    return SW_OK;
}

int sw_parse_exercise_time(const char *s, int64_t *ms)
{
    if (strncmp(s, "T+", 2))
        return sw_parse_duration(s, ms);
    /* T+H:MM or T+H:MM:SS, hours unbounded by the day */
    const char *p = s + 2;
    long part[3];
    int n = 0;
    for (;;) {
        const char *q = p;
        long v = read_num(&p);
        if (v < 0 || (n > 0 && p - q != 2) || (n > 0 && v > 59))
            return SW_EINVAL;
        part[n++] = v;
        if (!*p)
            break;
        if (*p != ':' || n == 3)
            return SW_EINVAL;
        p++;
    }
    if (n < 2)
        return SW_EINVAL;
    int64_t t = ((int64_t)part[0] * 3600 + part[1] * 60 + (n == 3 ? part[2] : 0)) * 1000;
    if (t > SW_SCN_MAX_DURATION_MS)
        return SW_EINVAL;
    *ms = t;
    return SW_OK;
}

int sw_parse_time_of_day(const char *s, int *minute)
{
    const char *p = s;
    long h = read_num(&p);
    if (h < 0 || p - s > 2 || *p != ':')
        return SW_EINVAL;
    const char *q = ++p;
    long m = read_num(&p);
    if (m < 0 || p - q != 2 || *p)
        return SW_EINVAL;
    if (h > 23 || m > 59)
        return SW_EINVAL;
    *minute = (int)(h * 60 + m);
    return SW_OK;
}

int sw_parse_duration_range(const char *s, int64_t *min_ms, int64_t *max_ms)
{
    const char *dots = strstr(s, "..");
    if (!dots) {
        if (sw_parse_duration(s, min_ms))
            return SW_EINVAL;
        *max_ms = *min_ms;
        return SW_OK;
    }
    char a[32], b[32];
    size_t la = (size_t)(dots - s), lb = strlen(dots + 2);
    if (la == 0 || lb == 0 || la >= sizeof a || lb >= sizeof b)
        return SW_EINVAL;
    memcpy(a, s, la);
    a[la] = '\0';
    memcpy(b, dots + 2, lb + 1);
    if (sw_parse_duration(a, min_ms) || sw_parse_duration(b, max_ms))
        return SW_EINVAL;
    return *min_ms <= *max_ms ? SW_OK : SW_EINVAL;
}

int sw_parse_hours(const char *s, int *start_min, int *end_min)
{
    const char *dash = strchr(s, '-');
    if (!dash)
        return SW_EINVAL;
    char a[8];
    size_t la = (size_t)(dash - s);
    if (la == 0 || la >= sizeof a)
        return SW_EINVAL;
    memcpy(a, s, la);
    a[la] = '\0';
    if (sw_parse_time_of_day(a, start_min) || sw_parse_time_of_day(dash + 1, end_min))
        return SW_EINVAL;
    return *start_min == *end_min ? SW_EINVAL : SW_OK;
}

int sw_parse_utc_offset(const char *s, int *minutes)
{
    if (!strcmp(s, "0") || !strcmp(s, "+00:00") || !strcmp(s, "Z")) {
        *minutes = 0;
        return SW_OK;
    }
    int sign;
    if (s[0] == '+')
        sign = 1;
    else if (s[0] == '-')
        sign = -1;
    else
        return SW_EINVAL;
    int m;
    if (sw_parse_time_of_day(s + 1, &m))
        return SW_EINVAL;
    m *= sign;
    if (m < -720 || m > 840)
        return SW_EINVAL;
    *minutes = m;
    return SW_OK;
}
