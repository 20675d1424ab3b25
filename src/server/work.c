/* work.c — slow requests off libmicrohttpd's threads.
 *
 * A search through a team's records can take seconds. Run by the thread
 * that owns the connection, it would stall every other connection that
 * thread serves (libmicrohttpd's pool gives each connection to one thread
 * for its life): four searches held a player of another team for 9 s.
 * So a handler that has something slow to do validates the request, then
 * hands the slow part to srv_defer: the connection is suspended, one of
 * SRV_WORKERS threads runs the job, leaves the answer in the request and
 * resumes the connection, and http.c sends the answer.
 *
 * An account's jobs run one at a time, in order (one player's searches take
 * one worker at most, the other stays free for everyone else), and at most
 * SRV_WORK_PER_ACCOUNT of them wait (429 past it; the interface sends a
 * few at once: the results, their histogram, the facets); at most
 * SRV_WORK_QUEUE wait in all (503 past it). At
 * shutdown the waiting jobs are answered 503 and the running ones are told
 * to stop (srv_work_stopping). */
#include <stdlib.h>
#include <string.h>

#include "server/srv_int.h"

typedef struct srv_job {
    srv_req_t *r;
    srv_work_fn fn;
    void *arg;
    void (*free_arg)(void *);
    char account[SW_ACCOUNT_MAX_NAME + 1];
    struct srv_job *next;
} srv_job_t;

/* Is an account's job running? (work_lock held) */
static int account_running(srv_t *s, const char *name)
{
    for (int i = 0; i < SRV_WORKERS; i++)
        if (s->work_running[i] && !strcmp(s->work_running[i]->account, name))
            return 1;
    return 0;
}

/* How many of an account's jobs wait? (work_lock held) */
static int account_waiting(srv_t *s, const char *name)
{
    int n = 0;
    for (srv_job_t *j = s->work_head; j; j = j->next)
        n += !strcmp(j->account, name);
    return n;
}

/* Take the first waiting job whose account has none running, so that one
 * account's searches take one worker at most (work_lock held). */
static srv_job_t *take_job(srv_t *s)
{
    srv_job_t **pp = &s->work_head, *prev = NULL;
    for (; *pp; prev = *pp, pp = &(*pp)->next) {
        srv_job_t *j = *pp;
        if (account_running(s, j->account))
            continue;
        *pp = j->next;
        if (s->work_tail == j)
            s->work_tail = prev;
        s->work_waiting--;
        return j;
    }
    return NULL;
}

static void job_done(srv_job_t *j)
{
    if (j->free_arg)
        j->free_arg(j->arg);
    srv_req_t *r = j->r;
    free(j);
    r->deferred = 2;
    MHD_resume_connection(r->conn); /* http.c's srv_access sends the answer */
}

static void *worker_main(void *ud)
{
    srv_t *s = ud;
    pthread_mutex_lock(&s->work_lock);
    int me = s->work_started++;
    for (;;) {
        srv_job_t *j = NULL;
        while (!s->work_stopping && !(j = take_job(s)))
            pthread_cond_wait(&s->work_cond, &s->work_lock);
        if (s->work_stopping)
            break;
        s->work_running[me] = j;
        pthread_mutex_unlock(&s->work_lock);
        j->fn(j->r, j->arg);
        pthread_mutex_lock(&s->work_lock);
        s->work_running[me] = NULL;
        pthread_cond_broadcast(&s->work_cond); /* the account's next may go */
        pthread_mutex_unlock(&s->work_lock);
        job_done(j);
        pthread_mutex_lock(&s->work_lock);
    }
    pthread_mutex_unlock(&s->work_lock);
    return NULL;
}

int srv_defer(srv_req_t *r, srv_work_fn fn, void *arg, void (*free_arg)(void *))
{
    srv_t *s = r->srv;
    srv_job_t *j = calloc(1, sizeof *j);
    if (!j) {
        if (free_arg)
            free_arg(arg);
        return srv_error(r, 503, "unavailable", "out of memory");
    }
    *j = (srv_job_t){.r = r, .fn = fn, .arg = arg, .free_arg = free_arg};
    snprintf(j->account, sizeof j->account, "%s", r->who.name);
    pthread_mutex_lock(&s->work_lock);
    unsigned status = 0;
    const char *code = NULL, *why = NULL;
    if (s->work_stopping || s->work_waiting >= SRV_WORK_QUEUE) {
        status = 503;
        code = "unavailable";
        why = s->work_stopping ? "the server is stopping" : "the server is busy: try again";
    } else if (account_waiting(s, j->account) >= SRV_WORK_PER_ACCOUNT) {
        status = 429;
        code = "rate_limited";
        why = "too many searches of this account wait: let them finish";
    }
    if (status) {
        pthread_mutex_unlock(&s->work_lock);
        if (free_arg)
            free_arg(arg);
        free(j);
        return srv_error(r, status, code, "%s", why);
    }
    r->deferred = 1;
    MHD_suspend_connection(r->conn);
    if (s->work_tail)
        s->work_tail->next = j;
    else
        s->work_head = j;
    s->work_tail = j;
    s->work_waiting++;
    pthread_cond_signal(&s->work_cond);
    pthread_mutex_unlock(&s->work_lock);
    return 0;
}

int srv_work_start(srv_t *s)
{
    pthread_mutex_init(&s->work_lock, NULL);
    pthread_cond_init(&s->work_cond, NULL);
    for (int i = 0; i < SRV_WORKERS; i++) {
        if (pthread_create(&s->workers[i], NULL, worker_main, s))
            return -1;
        s->n_workers++;
    }
    return 0;
}

void srv_work_stop(srv_t *s)
{
    if (!s->n_workers)
        return;
    pthread_mutex_lock(&s->work_lock);
    s->work_stopping = 1;
    srv_job_t *waiting = s->work_head;
    s->work_head = s->work_tail = NULL;
    s->work_waiting = 0;
    pthread_cond_broadcast(&s->work_cond);
    pthread_mutex_unlock(&s->work_lock);
    for (int i = 0; i < s->n_workers; i++)
        pthread_join(s->workers[i], NULL);
    while (waiting) {
        srv_job_t *next = waiting->next;
        srv_error(waiting->r, 503, "unavailable", "the server is stopping");
        job_done(waiting);
        waiting = next;
    }
    s->n_workers = 0;
}
