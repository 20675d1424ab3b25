/* scenario_i18n.c — a scenario's translations: find them beside the
 * scenario (on disk, or in the built-in table for a built-in scenario),
 * read them with the loader's located YAML tree, check every id and field
 * against the loaded world, and look texts up. See scenario_i18n.h for the
 * format. Translations are presentation only: they never change the world,
 * so an exercise's journal does not keep them and a resumed exercise shows
 * the translations on disk at the time. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/embedded.h"
#include "core/err.h"
#include "scenario/scenario_i18n.h"
#include "scenario/yaml_tree.h"

#define I18N_BUILTIN "builtin:"
#define I18N_MAX_ENTRIES 4096
#define I18N_MAX_FILE ((size_t)1 << 20)

typedef struct entry {
    const char *section, *id, *field, *text;
} entry_t;

struct sw_i18n {
    sw_arena_t arena;
    char *file_text;
    size_t file_len;
    entry_t *v;
    size_t n;
};

/* The fields each section may translate. */
static const char *const exercise_fields[] = {"name", "description", NULL};
static const char *const business_fields[] = {"name", NULL};
static const char *const inject_fields[] = {"title", "from", "subject", "body", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (!strcmp(*list, s))
            return 1;
    return 0;
}

/* The scenario's directory as the loader named its main file: "" when it
 * has none (text given in memory). builtin is set for the built-in table. */
static void scenario_dir(const sw_world_t *w, char *dir, size_t len, int *builtin)
{
    dir[0] = '\0';
    *builtin = 0;
    if (!w->files.n || !w->files.s[0])
        return;
    const char *main = w->files.s[0];
    if (!strncmp(main, I18N_BUILTIN, strlen(I18N_BUILTIN))) {
        main += strlen(I18N_BUILTIN);
        *builtin = 1;
    }
    const char *slash = strrchr(main, '/');
    if (!slash) {
        snprintf(dir, len, "%s", *builtin ? "" : ".");
        return;
    }
    snprintf(dir, len, "%.*s", (int)(slash - main), main);
}

/* Read a file beside the scenario: the built-in table or the disk. */
static char *read_beside(const sw_world_t *w, const char *rel, size_t *len, char *name,
                         size_t name_len)
{
    char dir[512];
    int builtin;
    scenario_dir(w, dir, sizeof dir, &builtin);
    if (!dir[0])
        return NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    if (builtin) {
        const sw_embedded_t *e = sw_embedded_find(path);
        if (!e)
            return NULL;
        snprintf(name, name_len, "%s%s", I18N_BUILTIN, path);
        char *copy = malloc(e->len + 1);
        if (copy) {
            memcpy(copy, e->data, e->len);
            copy[e->len] = '\0';
            *len = e->len;
        }
        return copy;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(I18N_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, I18N_MAX_FILE + 1, f) : 0;
    fclose(f);
    if (!buf || n > I18N_MAX_FILE) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    snprintf(name, name_len, "%s", path);
    return buf;
}

static int is_lang(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 15)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') ||
              (i >= 2 && (s[i] == '-' || (s[i] >= 'A' && s[i] <= 'Z')))))
            return 0;
    return 1;
}

static int add(sw_i18n_t *t, const char *section, const char *id, const char *field,
               const char *text)
{
    if (t->n == I18N_MAX_ENTRIES)
        return SW_ETOOBIG;
    if (!t->v) {
        t->v = sw_arena_alloc(&t->arena, I18N_MAX_ENTRIES * sizeof *t->v);
        if (!t->v)
            return SW_ENOMEM;
    }
    t->v[t->n++] = (entry_t){section, id, field, text};
    return SW_OK;
}

static int has_inject(const sw_world_t *w, const char *id)
{
    for (uint32_t i = 0; i < w->n_injects; i++)
        if (w->injects[i].id && !strcmp(w->injects[i].id, id))
            return 1;
    return 0;
}

static int has_business(const sw_world_t *w, const char *id)
{
    for (uint32_t i = 0; i < w->n_business; i++)
        if (w->business[i].id && !strcmp(w->business[i].id, id))
            return 1;
    return 0;
}

#define ERR(node, ...) sw_diags_add(d, (node)->loc, SW_DIAG_ERROR, __VA_ARGS__)

/* One object's fields: {field: text, ...}. */
static void read_fields(sw_i18n_t *t, const char *section, const char *id, yt_node_t *m,
                        const char *const *allowed, sw_diags_t *d)
{
    if (m->kind != YT_MAP) {
        ERR(m, "%s%s%s: expected a mapping of translated fields, found %s", section, id ? " " : "",
            id ? id : "", yt_kind_name(m));
        return;
    }
    for (yt_node_t *k = m->first; k && k->next; k = k->next->next) {
        yt_node_t *v = k->next;
        if (k->kind != YT_SCALAR || !in_list(allowed, k->str)) {
            char list[256] = "";
            for (const char *const *a = allowed; *a; a++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         a == allowed ? "" : ", ", *a);
            ERR(k, "unknown field '%s' in %s%s%s: a translation carries %s",
                k->kind == YT_SCALAR ? k->str : "?", section, id ? " " : "", id ? id : "", list);
            continue;
        }
        if (v->kind != YT_SCALAR || yt_is_null(v)) {
            ERR(v, "%s: expected the translated text, found %s", k->str,
                yt_is_null(v) ? "nothing" : yt_kind_name(v));
            continue;
        }
        if (add(t, section, id, k->str, v->str))
            ERR(k, "too many translated texts (at most %d)", I18N_MAX_ENTRIES);
    }
}

/* Parse and check one translation file into t. */
static void read_file(sw_i18n_t *t, const sw_world_t *w, const char *name, const char *lang,
                      sw_diags_t *d)
{
    yt_node_t *root = yt_parse(&t->arena, name, t->file_text, t->file_len, d);
    if (!root)
        return;
    if (root->kind != YT_MAP) {
        ERR(root, "a translation is a mapping (language, exercise, business, injects)");
        return;
    }
    int saw_lang = 0;
    for (yt_node_t *k = root->first; k && k->next; k = k->next->next) {
        yt_node_t *v = k->next;
        const char *key = k->kind == YT_SCALAR ? k->str : "";
        if (!strcmp(key, "language")) {
            saw_lang = 1;
            if (v->kind != YT_SCALAR || strcmp(v->str, lang))
                ERR(v, "language is '%s' but the file is named for '%s'",
                    v->kind == YT_SCALAR ? v->str : "?", lang);
        } else if (!strcmp(key, "exercise")) {
            read_fields(t, "exercise", NULL, v, exercise_fields, d);
        } else if (!strcmp(key, "business") || !strcmp(key, "injects")) {
            int inj = key[0] == 'i';
            if (v->kind != YT_MAP) {
                ERR(v, "%s: expected a mapping of ids, found %s", key, yt_kind_name(v));
                continue;
            }
            for (yt_node_t *ik = v->first; ik && ik->next; ik = ik->next->next) {
                const char *id = ik->kind == YT_SCALAR ? ik->str : "";
                if (inj ? !has_inject(w, id) : !has_business(w, id)) {
                    ERR(ik, "no %s '%s' in the scenario", inj ? "inject" : "business service", id);
                    continue;
                }
                read_fields(t, inj ? "injects" : "business", id, ik->next,
                            inj ? inject_fields : business_fields, d);
            }
        } else {
            ERR(k, "unknown key '%s': a translation has language, exercise, business, injects",
                key);
        }
    }
    if (!saw_lang)
        ERR(root, "a translation names its language (language: %s)", lang);
}

int sw_i18n_parse(const sw_world_t *w, const char *name, const char *text, size_t len,
                  const char *lang, sw_i18n_t **out, sw_diags_t *d)
{
    *out = NULL;
    if (len > I18N_MAX_FILE) {
        sw_loc_t loc = {name, 1, 1};
        sw_diags_add(d, loc, SW_DIAG_ERROR, "a translation is at most %zu bytes",
                     (size_t)I18N_MAX_FILE);
        return SW_ETOOBIG;
    }
    sw_i18n_t *t = calloc(1, sizeof *t);
    char *copy = malloc(len + 1);
    if (!t || !copy) {
        free(t);
        free(copy);
        return SW_ENOMEM;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    sw_arena_init(&t->arena, (size_t)64 << 20);
    t->file_text = copy;
    t->file_len = len;
    size_t before = d->n_errors;
    /* the file name outlives the tree's locations: keep it in the arena */
    const char *fname = sw_arena_strdup(&t->arena, name);
    read_file(t, w, fname ? fname : "?", lang, d);
    if (d->n_errors != before) {
        sw_i18n_free(t);
        return SW_EINVAL;
    }
    *out = t;
    return SW_OK;
}

int sw_i18n_load(const sw_world_t *w, const char *lang, sw_i18n_t **out, sw_diags_t *d)
{
    *out = NULL;
    if (!lang || !is_lang(lang))
        return SW_OK;
    char rel[64], name[1100];
    snprintf(rel, sizeof rel, "i18n/%s.yaml", lang);
    size_t len = 0;
    char *text = read_beside(w, rel, &len, name, sizeof name);
    if (!text)
        return SW_OK;
    int rc = sw_i18n_parse(w, name, text, len, lang, out, d);
    free(text);
    return rc;
}

void sw_i18n_free(sw_i18n_t *t)
{
    if (!t)
        return;
    sw_arena_free(&t->arena);
    free(t->file_text);
    free(t);
}

const char *sw_i18n_get(const sw_i18n_t *t, const char *section, const char *id, const char *field)
{
    for (size_t i = 0; t && i < t->n; i++) {
        const entry_t *e = &t->v[i];
        if (!strcmp(e->section, section) && !strcmp(e->field, field) &&
            (!id ? !e->id : e->id && !strcmp(e->id, id)))
            return e->text;
    }
    return NULL;
}

size_t sw_i18n_languages(const sw_world_t *w, char langs[][16], size_t max)
{
    char dir[512];
    int builtin;
    size_t n = 0;
    scenario_dir(w, dir, sizeof dir, &builtin);
    if (!dir[0])
        return 0;
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s/i18n/", dir);
    size_t plen = strlen(prefix);
    if (builtin) {
        for (const sw_embedded_t *e = sw_embedded_files; e->path && n < max; e++) {
            const char *base = e->path + plen;
            size_t bl = strncmp(e->path, prefix, plen) ? 0 : strlen(base);
            if (bl > 5 && bl - 5 < 16 && !strcmp(base + bl - 5, ".yaml") && !strchr(base, '/')) {
                snprintf(langs[n], 16, "%.*s", (int)(bl - 5), base);
                n++;
            }
        }
        return n;
    }
    DIR *dd = opendir(prefix);
    if (!dd)
        return 0;
    struct dirent *de;
    while ((de = readdir(dd)) && n < max) {
        size_t bl = strlen(de->d_name);
        if (bl > 5 && bl - 5 < 16 && !strcmp(de->d_name + bl - 5, ".yaml")) {
            snprintf(langs[n], 16, "%.*s", (int)(bl - 5), de->d_name);
            n++;
        }
    }
    closedir(dd);
    /* readdir's order is the file system's: sort for stable output */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(langs[j - 1], langs[j]) > 0; j--) {
            char tmp[16];
            memcpy(tmp, langs[j], 16);
            memcpy(langs[j], langs[j - 1], 16);
            memcpy(langs[j - 1], tmp, 16);
        }
    return n;
}

size_t sw_i18n_check(const sw_world_t *w, sw_diags_t *d)
{
    char langs[SW_I18N_MAX_LANGS][16];
    size_t n = sw_i18n_languages(w, langs, SW_I18N_MAX_LANGS), before = d->n_errors;
    for (size_t i = 0; i < n; i++) {
        sw_i18n_t *t = NULL;
        if (!is_lang(langs[i])) {
            char dir[512];
            int builtin;
            scenario_dir(w, dir, sizeof dir, &builtin);
            sw_loc_t loc = {w->files.s[0], 1, 1};
            sw_diags_add(d, loc, SW_DIAG_ERROR,
                         "%s/i18n/%s.yaml: a translation file is named by its language "
                         "(ja.yaml, fr.yaml)",
                         dir, langs[i]);
            continue;
        }
        sw_i18n_load(w, langs[i], &t, d);
        sw_i18n_free(t);
    }
    return d->n_errors - before;
}

char *sw_i18n_briefing(const sw_world_t *w, const char *audience, const char *lang, size_t *len)
{
    if (strcmp(audience, "players") && strcmp(audience, "instructors"))
        return NULL;
    char rel[96], name[1100];
    if (!lang || !strcmp(lang, "en") || !is_lang(lang))
        snprintf(rel, sizeof rel, "briefing-%s.md", audience);
    else
        snprintf(rel, sizeof rel, "briefing-%s.%s.md", audience, lang);
    size_t n = 0;
    char *text = read_beside(w, rel, &n, name, sizeof name);
    if (len)
        *len = n;
    return text;
}
