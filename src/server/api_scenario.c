/* api_scenario.c — the scenario's words for people: its briefings and its
 * translations (scenario/scenario_i18n.h). The interface asks with ?lang=
 * (the user's language); what a translation lacks comes back in the
 * scenario's own text, and the answer says which language it is in.
 *
 *   GET /api/v1/scenario/text         exercise name and description, the
 *                                     business services' names, the
 *                                     languages the scenario has
 *   GET /api/v1/briefings/players     the players' briefing (Markdown)
 *   GET /api/v1/briefings/instructors the white cell's (route: white cell only)
 *
 * Inject texts are translated where they are read (the inbox, the inject
 * timeline) through srv_translate_injects, so a team never receives the
 * text of an inject that has not reached it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_i18n.h"
#include "server/srv_int.h"

/* The request's language's translation (NULL: none, or English). */
static sw_i18n_t *load_lang(srv_req_t *r, const char **lang)
{
    *lang = srv_arg(r, "lang");
    if (!*lang || !strcmp(*lang, "en"))
        return NULL;
    sw_i18n_t *t = NULL;
    sw_diags_t d;
    sw_diags_init(&d);
    sw_i18n_load(r->srv->w, *lang, &t, &d); /* a bad file: the scenario's own text */
    sw_diags_free(&d);
    return t;
}

void srv_translate_injects(srv_req_t *r, json_t *injects)
{
    const char *lang;
    sw_i18n_t *t = load_lang(r, &lang);
    if (!t)
        return;
    static const char *const fields[] = {"title", "from", "subject", "body"};
    size_t i;
    json_t *x;
    json_array_foreach(injects, i, x)
    {
        const char *id = json_string_value(json_object_get(x, "id"));
        if (!id || !*id)
            continue; /* written on the day: in the words it was written in */
        int any = 0;
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
            const char *s = sw_i18n_get(t, "injects", id, fields[k]);
            if (s && json_object_get(x, fields[k])) {
                json_object_set_new(x, fields[k], json_string(s));
                any = 1;
            }
        }
        if (any)
            json_object_set_new(x, "lang", json_string(lang));
    }
    sw_i18n_free(t);
}

static const char *pick(const sw_i18n_t *t, const char *section, const char *id, const char *field,
                        const char *own)
{
    const char *s = t ? sw_i18n_get(t, section, id, field) : NULL;
    return s ? s : own ? own : "";
}

int api_scenario_text(srv_req_t *r)
{
    const char *lang;
    sw_i18n_t *t = load_lang(r, &lang);
    const sw_world_t *w = r->srv->w;
    char langs[SW_I18N_MAX_LANGS][16];
    size_t n = sw_i18n_languages(w, langs, SW_I18N_MAX_LANGS);
    json_t *la = json_array();
    json_array_append_new(la, json_string("en"));
    for (size_t i = 0; i < n; i++)
        json_array_append_new(la, json_string(langs[i]));
    json_t *biz = json_object();
    for (uint32_t i = 0; i < w->n_business; i++)
        json_object_set_new(
            biz, w->business[i].id,
            json_string(pick(t, "business", w->business[i].id, "name", w->business[i].name)));
    json_t *j = json_pack(
        "{s:s, s:o, s:{s:s, s:s}, s:o}", "language", t ? lang : "en", "languages", la, "exercise",
        "name", pick(t, "exercise", NULL, "name", w->exercise.name), "description",
        pick(t, "exercise", NULL, "description", w->exercise.description), "business", biz);
    sw_i18n_free(t);
    return srv_ok(r, 200, j);
}

static int briefing(srv_req_t *r, const char *audience)
{
    const char *lang = srv_arg(r, "lang");
    size_t len = 0;
    char *text = sw_i18n_briefing(r->srv->w, audience, lang, &len);
    const char *got = lang && strcmp(lang, "en") ? lang : "en";
    if (!text) { /* not translated: the scenario's own */
        text = sw_i18n_briefing(r->srv->w, audience, NULL, &len);
        got = "en";
    }
    if (!text)
        return srv_error(r, 404, "not_found", "this scenario has no %s' briefing", audience);
    json_t *j =
        json_pack("{s:s, s:s, s:s%}", "audience", audience, "language", got, "text", text, len);
    free(text);
    return srv_ok(r, 200, j);
}

int api_briefing_players(srv_req_t *r)
{
    return briefing(r, "players");
}

int api_briefing_instructors(srv_req_t *r)
{
    return briefing(r, "instructors");
}
