/* attack_table.c — technique look-up over the embedded TSV. See attack_table.h. */
#include "scenario/attack_table.h"

#include <string.h>

#include "core/embedded.h"

#define ATTACK_TSV "data/attack/techniques.tsv"

int sw_attack_id_valid(const char *id)
{
    if (id[0] != 'T')
        return 0;
    for (int i = 1; i <= 4; i++)
        if (id[i] < '0' || id[i] > '9')
            return 0;
    if (id[5] == '\0')
        return 1;
    if (id[5] != '.')
        return 0;
    for (int i = 6; i <= 8; i++)
        if (id[i] < '0' || id[i] > '9')
            return 0;
    return id[9] == '\0';
}

/* Copy field [p, end) into out (NUL-terminated, truncated). */
static void copy_field(char *out, size_t out_len, const char *p, const char *end)
{
    if (!out || out_len == 0)
        return;
    size_t n = (size_t)(end - p);
    if (n >= out_len)
        n = out_len - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

int sw_attack_lookup(const char *id, char *name, size_t name_len, char *tactic, size_t tactic_len)
{
    if (!sw_attack_id_valid(id))
        return 0;
    const sw_embedded_t *t = sw_embedded_find(ATTACK_TSV);
    if (!t)
        return 0;
    size_t idlen = strlen(id);
    const char *p = t->data, *end = t->data + t->len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > idlen && !memcmp(p, id, idlen) && p[idlen] == '\t') {
            /* technique_id \t name \t tactics(comma list) \t platforms */
            const char *f1 = p + idlen + 1;
            const char *t1 = memchr(f1, '\t', (size_t)(eol - f1));
            if (!t1)
                t1 = eol;
            copy_field(name, name_len, f1, t1);
            const char *f2 = t1 < eol ? t1 + 1 : eol;
            const char *t2 = f2;
            while (t2 < eol && *t2 != '\t' && *t2 != ',')
                t2++;
            copy_field(tactic, tactic_len, f2, t2);
            return 1;
        }
        p = eol + 1;
    }
    return 0;
}
