/* procedure.c — reading a step's procedure text: its commands, their
 * technique annotations and placeholders (see procedure.h). */
#include "scenario/procedure.h"

#include <string.h>

#include "model/world.h"

const char *const sw_proc_placeholders[] = {
    "host",       "host_ip",       "src",      "src_ip",     "dc",      "dc_ip",
    "fileserver", "fileserver_ip", "domain",   "dns_domain", "account", "user",
    "user_ws",    "admin",         "admin_ws", "c2",         "c2_ip",   "c2_alt",
    "c2_alt_ip",  "lsass_pid",     "date",     NULL,
};

const char *const sw_proc_placeholder_help[] = {
    "the step's target host name",
    "its address",
    "the host the step acts from",
    "its address",
    "the target organisation's domain controller",
    "its address",
    "the target organisation's file server",
    "its address",
    "the organisation's NetBIOS domain",
    "its DNS domain",
    "the account the step uses",
    "a member of staff of the organisation",
    "that person's workstation",
    "a domain administrator of the organisation",
    "that administrator's workstation",
    "the adversary's first C2 domain",
    "its first C2 address",
    "its second C2 domain",
    "its second C2 address",
    "the PID of lsass.exe on the target",
    "the exercise date, YYYY-MM-DD",
    NULL,
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A technique id at s[0..n): T, four digits, optionally . and three. */
static int is_technique(const char *s, size_t n)
{
    if (n != 5 && n != 9)
        return 0;
    if (s[0] != 'T')
        return 0;
    for (size_t i = 1; i < 5; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    if (n == 5)
        return 1;
    if (s[5] != '.')
        return 0;
    for (size_t i = 6; i < 9; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int sw_proc_next(const char **cursor, int *line, sw_proc_line_t *out)
{
    const char *p = cursor ? *cursor : NULL;
    if (!p)
        return 0;
    while (*p) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        const char *next = eol ? eol + 1 : end;
        (*line)++;
        const char *b = p;
        while (b < end && is_blank(*b))
            b++;
        if (b == end || *b == '#') {
            p = next;
            continue;
        }
        const char *e = end;
        out->tech = "";
        out->tech_len = 0;
        /* "  # T1016" at the end: the command's technique */
        for (const char *h = e; h > b; h--) {
            if (h[-1] != '#')
                continue;
            const char *hash = h - 1, *t = h;
            if (hash == b || !is_blank(hash[-1]))
                break;
            while (t < e && is_blank(*t))
                t++;
            const char *te = t;
            while (te < e && !is_blank(*te))
                te++;
            const char *rest = te;
            while (rest < e && is_blank(*rest))
                rest++;
            if (rest == e && is_technique(t, (size_t)(te - t))) {
                out->tech = t;
                out->tech_len = (size_t)(te - t);
                e = hash;
            }
            break;
        }
        while (e > b && is_blank(e[-1]))
            e--;
        out->cmd = b;
        out->cmd_len = (size_t)(e - b);
        out->line = *line;
        *cursor = next;
        return 1;
    }
    *cursor = p;
    return 0;
}

int sw_proc_count(const char *procedure)
{
    const char *c = procedure;
    int line = 0, n = 0;
    sw_proc_line_t l;
    while (sw_proc_next(&c, &line, &l))
        n++;
    return n;
}

int sw_proc_next_placeholder(const char *s, const char **start, const char **end)
{
    for (const char *p = s ? strchr(s, '{') : NULL; p; p = strchr(p + 1, '{')) {
        const char *q = p + 1;
        if (*q < 'a' || *q > 'z' || (p > s && (p[-1] == '%' || p[-1] == '$' || p[-1] == '{')))
            continue;
        while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_' || *q == ':' ||
               *q == '-')
            q++;
        if (*q != '}')
            continue;
        *start = p + 1;
        *end = q;
        return 1;
    }
    return 0;
}

int sw_proc_placeholder_known(const char *name, size_t len)
{
    for (size_t i = 0; sw_proc_placeholders[i]; i++)
        if (strlen(sw_proc_placeholders[i]) == len && !strncmp(name, sw_proc_placeholders[i], len))
            return 1;
    if (len > 5 && !strncmp(name, "role:", 5)) {
        const char *r = name + 5;
        size_t rl = len - 5;
        if (rl > 3 && !strncmp(r + rl - 3, ":ip", 3))
            rl -= 3;
        for (int k = 0; k < SW_ROLE__COUNT; k++)
            if (strlen(sw_role_names[k]) == rl && !strncmp(r, sw_role_names[k], rl))
                return 1;
    }
    return 0;
}
