/* scenario_read.c — files and includes: a scenario on disk or built in,
 * its `include:` files resolved relative to the including file (built-in
 * files against the embedded table), read depth first with cycles, missing
 * files and limits reported at the include item; one-of sections (exercise,
 * scoring, rules, seed) checked across files. Also sw_scenario_load, the
 * public entry that finds the main file.
 *
 * An include can name any readable file. One that is not a scenario (a
 * mapping none of whose keys is a section: a configuration file, a file of
 * secrets) is refused as a whole, and its keys are not echoed one by one
 * in "unknown key" errors: messages should not carry another file's content
 * to whoever reads them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "core/embedded.h"
#include "core/err.h"
#include "scenario/scenario_int.h"

/* ---- reading files -------------------------------------------------------- */

static const char *const top_keys[] = {
    "include",  "seed",        "exercise", "teams",   "observers", "orgs",      "links",
    "business", "adversaries", "injects",  "scoring", "rules",     "telemetry", NULL,
};

/* Normalise a relative/absolute path in place: drop "." segments and fold
 * "dir/.." pairs. Leading ".." segments of a relative path stay. */
static void path_normalise(char *p)
{
    char *segs[256];
    int n = 0;
    int abs = p[0] == '/';
    char *s = p;
    char tmp[PATH_MAX_LEN];
    while (*s && n < 256) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        char *e = strchr(s, '/');
        if (e)
            *e = '\0';
        if (!strcmp(s, ".")) {
        } else if (!strcmp(s, "..") && n > 0 && strcmp(segs[n - 1], "..")) {
            n--;
        } else if (!(abs && !strcmp(s, "..") && n == 0)) {
            segs[n++] = s;
        }
        if (!e)
            break;
        s = e + 1;
    }
    size_t used = 0;
    tmp[0] = '\0';
    if (abs)
        tmp[used++] = '/';
    for (int i = 0; i < n; i++) {
        size_t l = strlen(segs[i]);
        if (used + l + 2 >= sizeof tmp)
            break;
        if (i)
            tmp[used++] = '/';
        memcpy(tmp + used, segs[i], l);
        used += l;
    }
    tmp[used] = '\0';
    strcpy(p, tmp);
}

/* Join the directory of base with rel into out. */
static int path_join(const char *base, const char *rel, char *out, size_t len)
{
    int builtin = !strncmp(base, BUILTIN, strlen(BUILTIN));
    const char *b = builtin ? base + strlen(BUILTIN) : base;
    const char *slash = strrchr(b, '/');
    size_t dl = slash ? (size_t)(slash - b) : 0;
    int r;
    if (rel[0] == '/' && !builtin)
        r = snprintf(out, len, "%s", rel);
    else if (dl)
        r = snprintf(out, len, "%.*s/%s", (int)dl, b, rel);
    else
        r = snprintf(out, len, "%s", rel);
    if (r < 0 || (size_t)r >= len - strlen(BUILTIN) - 1)
        return SW_ETOOBIG;
    path_normalise(out);
    if (builtin) {
        memmove(out + strlen(BUILTIN), out, strlen(out) + 1);
        memcpy(out, BUILTIN, strlen(BUILTIN));
    }
    return SW_OK;
}

/* Read a whole file (at most YT_MAX_TEXT bytes) into the tmp arena. */
static int read_file(ld_t *L, const char *path, char **text, size_t *len, char *why, size_t why_len)
{
    /* only regular files: opening a FIFO would block, a device never ends */
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        return SW_ENOENT;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_len, "not a regular file");
        return SW_EIO;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_len, "%s", strerror(errno));
        return SW_ENOENT;
    }
    char *buf = sw_arena_alloc(&L->tmp, YT_MAX_TEXT + 2);
    if (!buf) {
        fclose(f);
        snprintf(why, why_len, "out of memory");
        return SW_ENOMEM;
    }
    size_t n = fread(buf, 1, YT_MAX_TEXT + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(why, why_len, "read error (is it a directory?)");
        return SW_EIO;
    }
    if (n > YT_MAX_TEXT) {
        snprintf(why, why_len, "file is larger than %zu bytes", YT_MAX_TEXT);
        return SW_ETOOBIG;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return SW_OK;
}

/* Process one `include:` item of the file `from`. */
static void ld_include(ld_t *L, const char *from, node_t *item)
{
    const char *rel = scn_scalar(L, item, "include", "a file name");
    if (!rel)
        return;
    char path[PATH_MAX_LEN];
    if (path_join(from, rel, path, sizeof path)) {
        ERR(L, item->loc, "include path '%s' is too long", rel);
        return;
    }
    for (int i = 0; i < L->depth; i++)
        if (!strcmp(L->stack[i], path)) {
            char chain[1024];
            size_t used = 0;
            chain[0] = '\0';
            for (int j = i; j < L->depth; j++) {
                int r = snprintf(chain + used, sizeof chain - used, "%s -> ", L->stack[j]);
                if (r < 0 || (size_t)r >= sizeof chain - used)
                    break;
                used += (size_t)r;
            }
            ERR(L, item->loc, "include cycle: %s%s", chain, path);
            return;
        }
    for (int i = 0; i < L->n_files; i++)
        if (!strcmp(L->names[i], path))
            return; /* already read through another include: once is enough */
    if (L->depth > SW_SCN_MAX_INCLUDE_DEPTH) {
        ERR(L, item->loc, "includes nested too deeply (limit %d)", SW_SCN_MAX_INCLUDE_DEPTH);
        return;
    }
    if (L->n_files >= SW_SCN_MAX_FILES) {
        ERR(L, item->loc, "too many included files (limit %d)", SW_SCN_MAX_FILES);
        return;
    }
    char *txt = NULL;
    size_t tlen = 0;
    char why[128];
    if (L->given) { /* an exercise's own copy of its scenario */
        const sw_scenario_file_t *g = NULL;
        for (uint32_t i = 0; i < L->given->n && !g; i++)
            if (!strcmp(L->given->v[i].name, path))
                g = &L->given->v[i];
        if (!g) {
            ERR(L, item->loc, "cannot read include '%s': not among the scenario's saved files",
                rel);
            return;
        }
        txt = g->text;
        tlen = g->len;
    } else if (!strncmp(path, BUILTIN, strlen(BUILTIN))) {
        const sw_embedded_t *e = sw_embedded_find(path + strlen(BUILTIN));
        if (!e) {
            ERR(L, item->loc, "cannot read include '%s': no such built-in file", rel);
            return;
        }
        txt = (char *)e->data;
        tlen = e->len;
    } else if (read_file(L, path, &txt, &tlen, why, sizeof why)) {
        ERR(L, item->loc, "cannot read include '%s': %s", rel, why);
        return;
    }
    scn_read(L, path, txt, tlen);
}

/* Does the mapping root have at least one scenario section among its keys? */
static int has_section(node_t *root)
{
    for (node_t *k = root->first; k && k->next; k = k->next->next)
        for (int i = 0; k->kind == YT_SCALAR && top_keys[i]; i++)
            if (!strcmp(top_keys[i], k->str))
                return 1;
    return root->n == 0; /* an empty file is an empty scenario */
}

/* Keep a copy of the file name[text, len) in L->keep. */
static int keep_file(ld_t *L, const char *name, const char *text, size_t len)
{
    sw_scenario_files_t *k = L->keep;
    sw_scenario_file_t *nv = realloc(k->v, (k->n + 1) * sizeof *nv);
    if (!nv)
        return SW_ENOMEM;
    k->v = nv;
    sw_scenario_file_t *f = &k->v[k->n];
    f->name = strdup(name);
    f->text = malloc(len + 1);
    if (!f->name || !f->text) {
        free(f->name);
        free(f->text);
        return SW_ENOMEM;
    }
    memcpy(f->text, text, len);
    f->text[len] = '\0';
    f->len = len;
    k->n++;
    return SW_OK;
}

void sw_scenario_files_free(sw_scenario_files_t *f)
{
    for (uint32_t i = 0; f && i < f->n; i++) {
        free(f->v[i].name);
        free(f->v[i].text);
    }
    if (f) {
        free(f->v);
        f->v = NULL;
        f->n = 0;
    }
}

int sw_scenario_load_files(const sw_scenario_files_t *files, sw_world_t *w, sw_diags_t *d)
{
    if (!files || files->n == 0) {
        sw_loc_t loc = {"<exercise>", 1, 1};
        sw_diags_add(d, loc, SW_DIAG_ERROR, "no scenario files");
        sw_world_init(w);
        sw_world_free(w);
        return SW_EINVAL;
    }
    return scn_load(files->v[0].name, files->v[0].text, files->v[0].len, w, d, NULL, files);
}

/* Parse one file, record its root, then read its includes (depth first). */
int scn_read(ld_t *L, const char *name, const char *text, size_t len)
{
    const char *fname = scn_wstr(L, name); /* locations point here: lives with the world */
    if (!fname)
        return SW_ENOMEM;
    if (L->keep && keep_file(L, name, text, len)) {
        L->oom = 1;
        return SW_ENOMEM;
    }
    node_t *root = yt_parse(&L->tmp, fname, text, len, L->d);
    if (!root)
        return SW_EINVAL;
    if (root->kind != YT_MAP) {
        ERR(L, root->loc,
            "a scenario file must be a mapping of sections (exercise, teams, ...), "
            "got %s",
            yt_kind_name(root));
        return SW_EINVAL;
    }
    if (L->depth > 0 && !has_section(root)) { /* an included file */
        ERR(L, root->loc,
            "not a seawall scenario file: none of its %u top-level keys is a scenario section "
            "(exercise, teams, orgs, ...); refused without showing its content",
            root->n / 2);
        return SW_EINVAL;
    }
    scn_check_keys(L, root, "the scenario", top_keys, NULL);
    for (int i = 3; top_keys[i]; i++) { /* the lists */
        if (!strcmp(top_keys[i], "scoring") || !strcmp(top_keys[i], "rules") ||
            !strcmp(top_keys[i], "telemetry"))
            continue;
        node_t *v = scn_mget(root, top_keys[i]);
        if (v && v->kind != YT_SEQ && !yt_is_null(v))
            ERR(L, v->loc, "'%s' must be a list, got %s", top_keys[i], yt_kind_name(v));
    }
    node_t *inc = scn_mget(root, "include");
    L->stack[L->depth++] = fname;
    if (!inc) {
    } else if (inc->kind == YT_SCALAR) {
        ld_include(L, fname, inc);
    } else if (inc->kind == YT_SEQ) {
        for (node_t *it = inc->first; it; it = it->next)
            ld_include(L, fname, it);
    } else {
        ERR(L, inc->loc, "'include' must be a file name or a list of them, got %s",
            yt_kind_name(inc));
    }
    L->depth--;
    /* singletons may be defined once across all files (post-order too) */
    static const char *const single[] = {"exercise", "scoring", "rules", "seed", "telemetry"};
    node_t **slot[] = {&L->exercise, &L->scoring, &L->rules, &L->seed, &L->telemetry};
    for (int i = 0; i < 5; i++) {
        node_t *v = scn_mget(root, single[i]);
        if (!v)
            continue;
        if (*slot[i])
            ERR(L, v->loc, "'%s' is already defined at %s:%d:%d", single[i], (*slot[i])->loc.file,
                (*slot[i])->loc.line, (*slot[i])->loc.col);
        else
            *slot[i] = v;
    }
    /* post-order: a file's includes come before it, as with #include, so a
     * clash is reported in the file that adds the second definition */
    if (L->n_files >= SW_SCN_MAX_FILES) {
        ERR(L, root->loc, "too many included files (limit %d)", SW_SCN_MAX_FILES);
        return SW_ETOOBIG;
    }
    L->roots[L->n_files] = root;
    L->names[L->n_files] = fname;
    L->n_files++;
    return SW_OK;
}

static int load_path(const char *path_or_name, sw_world_t *w, sw_diags_t *d,
                     sw_scenario_files_t *keep);

int sw_scenario_load(const char *path_or_name, sw_world_t *w, sw_diags_t *d)
{
    return load_path(path_or_name, w, d, NULL);
}

int sw_scenario_load_keep(const char *path_or_name, sw_world_t *w, sw_diags_t *d,
                          sw_scenario_files_t *files)
{
    return load_path(path_or_name, w, d, files);
}

static int load_path(const char *path_or_name, sw_world_t *w, sw_diags_t *d,
                     sw_scenario_files_t *keep)
{
    char path[PATH_MAX_LEN];
    struct stat st;
    if (!path_or_name)
        path_or_name = "";
    /* "builtin:scenarios/x.yaml", as locations print built-in files */
    if (!strncmp(path_or_name, BUILTIN, strlen(BUILTIN))) {
        const sw_embedded_t *e = sw_embedded_find(path_or_name + strlen(BUILTIN));
        if (e)
            return scn_load(path_or_name, e->data, e->len, w, d, keep, NULL);
    }
    if (stat(path_or_name, &st) == 0) {
        ld_t tmp;
        memset(&tmp, 0, sizeof tmp);
        sw_arena_init(&tmp.tmp, 0);
        char *text = NULL, why[128];
        size_t len = 0;
        int r = read_file(&tmp, path_or_name, &text, &len, why, sizeof why);
        if (r) {
            sw_loc_t loc = {path_or_name, 1, 1};
            sw_diags_add(d, loc, SW_DIAG_ERROR, "cannot read '%s': %s", path_or_name, why);
            sw_arena_free(&tmp.tmp);
            sw_world_init(w);
            sw_world_free(w);
            return r == SW_ENOENT ? SW_ENOENT : SW_EINVAL;
        }
        r = scn_load(path_or_name, text, len, w, d, keep, NULL);
        sw_arena_free(&tmp.tmp);
        return r;
    }
    int err = errno;
    static const char *const forms[] = {"scenarios/%s.yaml", "scenarios/%s/scenario.yaml"};
    for (int i = 0; i < 2 && !strchr(path_or_name, '/'); i++) {
        snprintf(path, sizeof path, forms[i], path_or_name);
        const sw_embedded_t *e = sw_embedded_find(path);
        if (e) {
            char name[PATH_MAX_LEN + 16];
            snprintf(name, sizeof name, BUILTIN "%s", path);
            return scn_load(name, e->data, e->len, w, d, keep, NULL);
        }
    }
    sw_loc_t loc = {path_or_name, 1, 1};
    sw_diags_add(d, loc, SW_DIAG_ERROR, "cannot read '%s': %s%s", path_or_name, strerror(err),
                 strchr(path_or_name, '/') ? "" : " (and no built-in scenario has that name)");
    sw_world_init(w);
    sw_world_free(w);
    return SW_ENOENT;
}
