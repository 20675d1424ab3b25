/* api_attack.c — the ATT&CK technique table (data/attack/techniques.tsv,
 * compiled into the binary) searched by id or name, for the incident
 * report's technique picker: "T1003", "t1003.001", "credential dump",
 * "ntds". A technique matches when every word of the query is in its id,
 * name or tactics; ids that start with the query come first. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/embedded.h"
#include "server/srv_int.h"

#define ATTACK_LIMIT_DEFAULT 20
#define ATTACK_LIMIT_MAX 200
#define ATTACK_MAX_WORDS 8

/* Does hay contain needle, ignoring ASCII case? */
static int has_word(const char *hay, size_t hay_len, const char *needle, size_t n)
{
    for (size_t i = 0; n && i + n <= hay_len; i++)
        if (!strncasecmp(hay + i, needle, n))
            return 1;
    return 0;
}

int api_attack_get(srv_req_t *r)
{
    const sw_embedded_t *e = sw_embedded_find("data/attack/techniques.tsv");
    if (!e)
        return srv_error(r, 500, "internal", "this build carries no ATT&CK table");
    const char *q = srv_arg(r, "q");
    const char *lim = srv_arg(r, "limit");
    long limit = lim ? strtol(lim, NULL, 10) : ATTACK_LIMIT_DEFAULT;
    if (limit < 1 || limit > ATTACK_LIMIT_MAX)
        return srv_error(r, 400, "bad_field", "\"limit\" is 1 to %d", ATTACK_LIMIT_MAX);
    if (!q)
        q = "";
    if (strlen(q) > 200)
        return srv_error(r, 400, "bad_field", "the search is at most 200 characters");
    /* the query's words */
    char words[ATTACK_MAX_WORDS][64];
    size_t n_words = 0;
    for (const char *p = q; *p && n_words < ATTACK_MAX_WORDS;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        size_t n = 0;
        while (p[n] && !isspace((unsigned char)p[n]))
            n++;
        if (n) {
            snprintf(words[n_words++], sizeof words[0], "%.*s", (int)(n < 63 ? n : 63), p);
            p += n;
        }
    }
    json_t *first = json_array(), *rest = json_array();
    const char *line = e->data, *end = e->data + e->len;
    int header = 1;
    size_t total = 0;
    while (line < end) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
        const char *next = nl ? nl + 1 : end;
        if (header || !len) {
            header = 0;
            line = next;
            continue;
        }
        /* technique_id \t name \t tactics \t platforms */
        const char *f[4] = {line, NULL, NULL, NULL};
        size_t fl[4] = {0};
        int k = 0;
        for (const char *p = line; p < line + len && k < 4; p++)
            if (*p == '\t') {
                fl[k] = (size_t)(p - f[k]);
                if (++k < 4)
                    f[k] = p + 1;
            }
        if (k < 3) {
            line = next;
            continue;
        }
        if (k == 3)
            fl[3] = (size_t)(line + len - f[3]);
        int ok = 1;
        for (size_t w = 0; w < n_words && ok; w++) {
            size_t wl = strlen(words[w]);
            ok = has_word(f[0], fl[0], words[w], wl) || has_word(f[1], fl[1], words[w], wl) ||
                 has_word(f[2], fl[2], words[w], wl);
        }
        if (ok) {
            total++;
            int prefix = n_words == 1 && !strncasecmp(f[0], words[0], strlen(words[0]));
            json_t *a = prefix ? first : rest;
            if (json_array_size(first) + json_array_size(rest) < (size_t)limit * 2)
                json_array_append_new(a, json_pack("{s:s%, s:s%, s:s%}", "id", f[0], fl[0], "name",
                                                   f[1], fl[1], "tactics", f[2], fl[2]));
        }
        line = next;
    }
    json_array_extend(first, rest);
    json_decref(rest);
    while (json_array_size(first) > (size_t)limit)
        json_array_remove(first, json_array_size(first) - 1);
    return srv_ok(r, 200, json_pack("{s:o, s:I}", "techniques", first, "total", (json_int_t)total));
}
