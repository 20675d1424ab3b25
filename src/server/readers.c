/* readers.c — the store handles the server keeps for reading a team's
 * records and alerts from one request to the next.
 *
 * A team handle checks its files when it opens (one pass over the time
 * column: 8 bytes a record) and its field index's checksums the first time
 * it searches. Opened for every request, those were paid by every request:
 * at 333,847 records a free-text count took 13 ms on a new handle and 1 ms
 * on a kept one, and an alerts list, which needs only the team's name and
 * the alert table, paid the open alone. So a request takes an idle (store,
 * team) pair from the pool, or opens one, and gives it back when done.
 * A pair is used by one thread at a time (its SQLite connection and its
 * segment view are its own); at most SRV_KEPT_PER_TEAM idle pairs are kept
 * a team, the rest closed. A kept pair still sees what is written after it
 * opened: each search brings its view up to the files. */
#include <stdlib.h>
#include <string.h>

#include "server/srv_int.h"

int srv_team_take(srv_t *s, uint32_t team, const char *team_id, sw_store_t **store,
                  sw_store_team_t **t, sw_errbuf_t *err)
{
    *store = NULL;
    *t = NULL;
    pthread_mutex_lock(&s->kept_lock);
    for (size_t i = s->n_kept; i-- > 0;)
        if (s->kept[i].team == team) {
            *store = s->kept[i].store;
            *t = s->kept[i].t;
            s->kept[i] = s->kept[--s->n_kept];
            break;
        }
    pthread_mutex_unlock(&s->kept_lock);
    if (*t)
        return SW_OK;
    int rc = sw_store_open(s->o.ex.db, store, err);
    if (!rc && (rc = sw_store_team_open(*store, team_id, 0, t, err))) {
        sw_store_close(*store);
        *store = NULL;
    }
    return rc;
}

void srv_team_give(srv_t *s, uint32_t team, sw_store_t *store, sw_store_team_t *t, int ok)
{
    if (!t && !store)
        return;
    size_t idle = 0;
    pthread_mutex_lock(&s->kept_lock);
    for (size_t i = 0; i < s->n_kept; i++)
        idle += s->kept[i].team == team;
    if (ok && t && idle < SRV_KEPT_PER_TEAM) {
        if (s->n_kept == s->cap_kept) {
            size_t nc = s->cap_kept ? s->cap_kept * 2 : 16;
            srv_kept_t *v = realloc(s->kept, nc * sizeof *v);
            if (v) {
                s->kept = v;
                s->cap_kept = nc;
            }
        }
        if (s->n_kept < s->cap_kept) {
            s->kept[s->n_kept++] = (srv_kept_t){store, t, team};
            store = NULL;
            t = NULL;
        }
    }
    pthread_mutex_unlock(&s->kept_lock);
    sw_store_team_close(t); /* not kept: after an error, or the pool is full */
    sw_store_close(store);
}

void srv_readers_close(srv_t *s)
{
    for (size_t i = 0; i < s->n_kept; i++) {
        sw_store_team_close(s->kept[i].t);
        sw_store_close(s->kept[i].store);
    }
    free(s->kept);
    s->kept = NULL;
    s->n_kept = s->cap_kept = 0;
}
