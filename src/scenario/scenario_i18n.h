/* scenario_i18n.h — translations of a scenario's text (docs/scenario-format.md,
 * "Translations"), kept in files of their own beside the scenario so the
 * scenario's author and its translators never edit the same file:
 *
 *   scenarios/pacific-cable/scenario.yaml
 *   scenarios/pacific-cable/i18n/ja.yaml              exercise, business, injects
 *   scenarios/pacific-cable/briefing-instructors.ja.md
 *
 * A translation file maps the scenario's ids to translated fields:
 *
 *   language: ja
 *   exercise: {name: ..., description: ...}
 *   business: {pw-mof-email: {name: ...}}
 *   injects:  {MSEL-01: {title: ..., from: ..., subject: ..., body: ...}}
 *
 * Every id must exist in the scenario and every field be one a translation
 * may carry: anything else is an error at its FILE:LINE:COL, reported by
 * sw_i18n_check (which the scenario loader runs, so `seawall validate`
 * reports it). What is not translated shows in the scenario's own text. */
#ifndef SW_SCENARIO_I18N_H
#define SW_SCENARIO_I18N_H

#include <stddef.h>

#include "model/world.h"
#include "scenario/diag.h"

#define SW_I18N_MAX_LANGS 16

typedef struct sw_i18n sw_i18n_t;

/* The translation into lang ("ja") of the scenario w was loaded from (its
 * main file, w->files.s[0]). *out is NULL when there is none. Errors (a file
 * that does not validate) go to d and return SW_EINVAL with *out NULL. */
int sw_i18n_load(const sw_world_t *w, const char *lang, sw_i18n_t **out, sw_diags_t *d);
void sw_i18n_free(sw_i18n_t *t);

/* The same for a translation's text in memory named name (in messages):
 * what sw_i18n_load does once it has read the file (and the fuzz target). */
int sw_i18n_parse(const sw_world_t *w, const char *name, const char *text, size_t len,
                  const char *lang, sw_i18n_t **out, sw_diags_t *d);

/* A translated field of one object ("injects", "MSEL-01", "body";
 * "exercise", NULL, "name"), or NULL when the translation has none. */
const char *sw_i18n_get(const sw_i18n_t *t, const char *section, const char *id, const char *field);

/* Check every translation file beside the scenario w was loaded from; errors
 * go to d. Returns how many errors it added. */
size_t sw_i18n_check(const sw_world_t *w, sw_diags_t *d);

/* The languages the scenario has translations for (file names of i18n/),
 * into langs (each up to 15 characters). Returns how many. */
size_t sw_i18n_languages(const sw_world_t *w, char langs[][16], size_t max);

/* A briefing ("players", "instructors") in lang (NULL or "en": the
 * scenario's own briefing-AUDIENCE.md; else briefing-AUDIENCE.LANG.md), as
 * a new NUL-terminated string, or NULL when there is none. */
char *sw_i18n_briefing(const sw_world_t *w, const char *audience, const char *lang, size_t *len);

#endif
