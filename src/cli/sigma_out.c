/* sigma_out.c — the command line's view of a Sigma match. See sigma_out.h. */
#include "cli/sigma_out.h"

#include <jansson.h>
#include <stdlib.h>

#include "cli/term_text.h"

void sw_sigma_print_match(FILE *f, const sw_sigma_alert_t *a, const char *rec, size_t rec_len,
                          int json)
{
    if (!json) {
        sw_term_printf(f, "%s\t%s\t%s\t%s\tauthor: %s\t%s\n", *a->time ? a->time : "-",
                       *a->host ? a->host : "-", *a->rule->level ? a->rule->level : "-",
                       a->rule->title, *a->rule->author ? a->rule->author : "unknown", a->rule->id);
        return;
    }
    json_t *j = json_object();
    json_object_set_new(j, "time", json_string(a->time));
    json_object_set_new(j, "host", json_string(a->host));
    json_object_set_new(j, "level", json_string(a->rule->level));
    json_object_set_new(j, "title", json_string(a->rule->title));
    json_object_set_new(j, "author", json_string(a->rule->author));
    json_object_set_new(j, "id", json_string(a->rule->id));
    json_object_set_new(j, "rule_file", json_string(a->rule->file));
    json_t *ev = json_loadb(rec, rec_len, 0, NULL);
    if (ev)
        json_object_set_new(j, "event", ev);
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (s) {
        fputs(s, f);
        fputc('\n', f);
    }
    free(s);
    json_decref(j);
}
