/* cmd_share.c — `seawall share`: copy records of one team into another's
 * store, as a journaled act (issue #5: "records shared between teams are
 * copied in by an explicit, journaled act").
 *
 *   seawall share --db F --from T1 --to T2 [--actor NAME] [--max N] [--now TIME] 'QUERY'
 *
 * The records are the ones QUERY (the hunt language, docs/search.md) finds
 * in T1's store; aggregate queries (count by, top, histogram) are refused,
 * since they name no records. Order of work, write-ahead:
 *   1. parse the query, open both teams, collect the matching record ids
 *      (read-only; nothing is shared when there are more than --max);
 *   2. journal one "record.share" entry {"from","to","query","ids"} and
 *      wait for it to be on disk;
 *   3. copy each record (sw_store_share: its ground truth stays behind; the
 *      store's shares table maps each id to its copy) and flush.
 * A failure before 2 changes nothing. A failure in 3 leaves a journaled act
 * whose copies are partly missing; the message says so, and the shares table
 * says which were made (what a replay from the journal would complete).
 * Exit status: 0 success, 1 bad input or failure, 2 usage error. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "detect/query.h"
#include "journal/journal.h"
#include "store/evstore.h"

#define SHARE_MAX_DEFAULT 1000 /* records one act may share unless --max */

static const char share_usage[] =
    "usage: seawall share --db FILE --from TEAM --to TEAM [--actor NAME] [--max N]\n"
    "                     [--now TIME] 'QUERY'\n"
    "  Copies the records QUERY finds in --from's store into --to's, as one\n"
    "  journaled act (kind record.share). Ground truth is never copied.\n"
    "  --max N   refuse (and share nothing) when more than N records match\n"
    "            (default 1000)\n";

typedef struct ids {
    int64_t *v;
    size_t n, cap;
    int is_agg;
} ids_t;

static int collect(const sw_qrow_t *row, void *ud)
{
    ids_t *ids = ud;
    if (!row->is_record) {
        ids->is_agg = 1;
        return 1;
    }
    if (ids->n == ids->cap) {
        size_t ncap = ids->cap ? ids->cap * 2 : 64;
        int64_t *nv = realloc(ids->v, ncap * sizeof *nv);
        if (!nv)
            return SW_ENOMEM;
        ids->v = nv;
        ids->cap = ncap;
    }
    ids->v[ids->n++] = row->id;
    return 0;
}

int cmd_share(int argc, char **argv)
{
    const char *db = NULL, *from = NULL, *to = NULL, *actor = NULL, *now = NULL, *text = NULL;
    long max = SHARE_MAX_DEFAULT;
    for (int i = 1; i < argc; i++) { /* argv[0] is "share" */
        const char *a = argv[i];
        if (!strcmp(a, "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(a, "--from") && i + 1 < argc)
            from = argv[++i];
        else if (!strcmp(a, "--to") && i + 1 < argc)
            to = argv[++i];
        else if (!strcmp(a, "--actor") && i + 1 < argc)
            actor = argv[++i];
        else if (!strcmp(a, "--now") && i + 1 < argc)
            now = argv[++i];
        else if (!strcmp(a, "--max") && i + 1 < argc) {
            char *end;
            max = strtol(argv[++i], &end, 10);
            if (*end || max < 1) {
                fprintf(stderr, "seawall share: --max needs a number >= 1\n");
                return 2;
            }
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("%s", share_usage);
            return 0;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "seawall share: unknown option '%s'\n%s", a, share_usage);
            return 2;
        } else if (!text) {
            text = a;
        } else {
            fprintf(stderr, "seawall share: one query only (quote it)\n%s", share_usage);
            return 2;
        }
    }
    if (!db || !from || !to || !text) {
        fprintf(stderr, "seawall share: --db, --from, --to and a query are required\n%s",
                share_usage);
        return 2;
    }
    if (!strcasecmp(from, to)) {
        fprintf(stderr, "seawall share: --from and --to are the same team ('%s')\n", from);
        return 2;
    }
    if (!actor) {
        const char *u = getenv("USER");
        actor = u && *u ? u : "cli";
    }
    sw_query_opts_t qo = {.now_ms = (int64_t)time(NULL) * 1000};
    if (now && sw_query_parse_time(now, strlen(now), &qo.now_ms)) {
        fprintf(stderr, "seawall share: --now '%s' is not an ISO 8601 time\n", now);
        return 2;
    }

    int status = 1;
    sw_errbuf_t err;
    sw_query_t q;
    sw_store_t *s = NULL;
    sw_store_team_t *tf = NULL, *tt = NULL;
    sw_journal_t *j = NULL;
    ids_t ids = {0};
    char *payload = NULL;
    int parsed = 1; /* sw_query_free on success or failure */
    if (sw_query_parse(&q, text, strlen(text), &qo, &err)) {
        fprintf(stderr, "seawall share: bad query: %s\n", err.msg);
        goto done;
    }
    if (access(db, F_OK) != 0) {
        fprintf(stderr, "seawall share: %s: no such exercise database\n", db);
        goto done;
    }
    if (sw_store_open(db, &s, &err) || sw_store_team_open(s, from, 0, &tf, &err) ||
        sw_store_team_open(s, to, 0, &tt, &err)) {
        fprintf(stderr, "seawall share: %s: %s\n", db, err.msg);
        goto done;
    }
    int rc = sw_store_search(tf, &q, collect, &ids, &err);
    if (rc < 0) {
        fprintf(stderr, "seawall share: %s\n", err.msg);
        goto done;
    }
    if (ids.is_agg) {
        fprintf(stderr, "seawall share: the query ends in an aggregate (count, top, histogram): it "
                        "names no records to share\n");
        goto done;
    }
    if (ids.n == 0) {
        fprintf(stderr, "seawall share: no records of %s match; nothing shared\n", from);
        goto done;
    }
    if (ids.n > (size_t)max) {
        fprintf(stderr,
                "seawall share: %zu records of %s match, more than --max %ld; nothing shared "
                "(narrow the query or raise --max)\n",
                ids.n, from, max);
        goto done;
    }

    /* 2. the act, on disk before any copy */
    json_t *arr = json_array();
    for (size_t i = 0; i < ids.n; i++)
        json_array_append_new(arr, json_integer((json_int_t)ids.v[i]));
    json_t *pl = json_pack("{s:s, s:s, s:s, s:o}", "from", sw_store_team_name(tf), "to",
                           sw_store_team_name(tt), "query", text, "ids", arr);
    payload = pl ? json_dumps(pl, JSON_COMPACT) : NULL;
    json_decref(pl);
    if (!payload) {
        fprintf(stderr, "seawall share: out of memory\n");
        goto done;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sw_journal_entry_t e = {
        0,      SW_JOURNAL_NO_TIME,     (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
        actor,  sw_store_team_name(tf), "record.share",
        payload};
    int64_t seq = 0;
    if (sw_store_flush(s, &err) || sw_journal_open(db, &j, &err) ||
        sw_journal_append(j, &e, NULL, NULL, &seq, &err)) {
        fprintf(stderr, "seawall share: %s; nothing shared\n", err.msg);
        goto done;
    }

    /* 3. the copies */
    size_t done_n = 0;
    for (; done_n < ids.n; done_n++) {
        int64_t new_id;
        if (sw_store_share(tf, ids.v[done_n], tt, &new_id, &err))
            break;
    }
    if (done_n == ids.n && !sw_store_flush(s, &err)) {
        printf("shared %zu record%s of %s with %s (journal seq %lld)\n", ids.n,
               ids.n == 1 ? "" : "s", sw_store_team_name(tf), sw_store_team_name(tt),
               (long long)seq);
        status = 0;
    } else {
        fprintf(stderr,
                "seawall share: journaled as seq %lld, but copying failed after %zu of %zu "
                "records: %s\n",
                (long long)seq, done_n, ids.n, err.msg);
    }
done:
    free(payload);
    free(ids.v);
    sw_journal_close(j);
    sw_store_team_close(tt);
    sw_store_team_close(tf);
    sw_store_close(s);
    if (parsed)
        sw_query_free(&q);
    return status;
}
