/* static.c — the browser interface, served from the files compiled into the
 * binary (web/, embedded by tools/embed.c with a gzipped copy of each), so
 * a built seawall needs no web root, no build step and no Node.
 *
 * Every path outside /api/ is a GET of the interface:
 *   /web/FILE or /FILE that exists   the file, with its Content-Type
 *   any other path without a dot     index.html (the interface's own routes:
 *                                    /team/palau/hunt, /control, ...)
 *   anything else                    404
 * Answers carry a strong ETag (a hash of the bytes, computed once) and
 * Cache-Control: no-cache, so a browser revalidates with one small request
 * and gets 304 when nothing changed; with Accept-Encoding: gzip the
 * precompressed copy is sent (Content-Encoding: gzip, Vary). A strict
 * Content-Security-Policy allows only this origin's scripts, styles and
 * connections: the interface loads nothing from elsewhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/embedded.h"
#include "server/srv_int.h"

#define STATIC_MAX_FILES 256

typedef struct asset {
    const sw_embedded_t *file, *gz;
    char etag[24];
} asset_t;

static asset_t assets[STATIC_MAX_FILES];
static size_t n_assets;
static pthread_once_t assets_once = PTHREAD_ONCE_INIT;

/* FNV-1a, 64 bits: an ETag needs only to change when the bytes do. */
static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* Index the embedded web/ files once (the table is fixed at build time). */
static void assets_init(void)
{
    for (const sw_embedded_t *e = sw_embedded_files; e->path; e++) {
        if (strncmp(e->path, "web/", 4) || ends_with(e->path, ".gz") ||
            n_assets == STATIC_MAX_FILES)
            continue;
        asset_t *a = &assets[n_assets++];
        a->file = e;
        char gzname[512];
        snprintf(gzname, sizeof gzname, "%s.gz", e->path);
        a->gz = sw_embedded_find(gzname);
        snprintf(a->etag, sizeof a->etag, "\"%016llx\"",
                 (unsigned long long)fnv1a(e->data, e->len));
    }
}

static const asset_t *asset_find(const char *name)
{
    for (size_t i = 0; i < n_assets; i++)
        if (!strcmp(assets[i].file->path + 4, name))
            return &assets[i];
    return NULL;
}

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (ends_with(path, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

/* Does the client take gzip? (a plain token match: "gzip" with q=0 is
 * rare enough that no browser sends it) */
static int takes_gzip(struct MHD_Connection *conn)
{
    const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
    return ae && strstr(ae, "gzip") != NULL;
}

static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

int srv_is_static(const char *url)
{
    return strncmp(url, "/api/", 5) != 0 && strcmp(url, "/api") != 0;
}

enum MHD_Result srv_static(struct MHD_Connection *conn, const char *url, const char *method)
{
    pthread_once(&assets_once, assets_init);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return answer_text(conn, 405, "the interface's files are read with GET\n");
    /* the path without its query, and without a leading /web/ or / */
    char path[512];
    snprintf(path, sizeof path, "%s", url);
    char *q = strpbrk(path, "?#");
    if (q)
        *q = '\0';
    const char *name = path[0] == '/' ? path + 1 : path;
    if (!strncmp(name, "web/", 4))
        name += 4;
    if (strstr(name, ".."))
        return answer_text(conn, 404, "not found\n");
    const asset_t *a = *name ? asset_find(name) : NULL;
    const char *last = strrchr(path, '/');
    if (!a && !strchr(last ? last : path, '.'))
        a = asset_find("index.html"); /* an interface route */
    if (!a)
        return answer_text(conn, 404, "not found\n");
    const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
    int fresh = inm && strstr(inm, a->etag) != NULL;
    int gz = a->gz && takes_gzip(conn);
    const sw_embedded_t *body = gz ? a->gz : a->file;
    struct MHD_Response *resp;
    if (fresh) /* (for HEAD, libmicrohttpd sends the headers alone) */
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    else
        resp =
            MHD_create_response_from_buffer(body->len, (void *)body->data, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", content_type(a->file->path));
    MHD_add_response_header(resp, "ETag", a->etag);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
                            "base-uri 'none'; form-action 'self'");
    if (gz && !fresh)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    enum MHD_Result rc = MHD_queue_response(conn, fresh ? 304 : 200, resp);
    MHD_destroy_response(resp);
    return rc;
}
