/* bench_server.c — the exercise server under the load of a room, on
 * 127.0.0.1 only: `seawall serve` (SW_BIN, default build/seawall) playing
 * the Pacific exercise at 60x, measured from outside as a browser would.
 *
 *   1. API reads per second (wrk, 2 threads, 64 connections): a team's
 *      live network and service status, the exercise's clock, and the
 *      scoreboard when the server has one; against a baseline measured in
 *      the same run: libmicrohttpd answering a fixed 1 KB JSON document
 *      (the same library and thread pool, none of seawall's work), and
 *      nginx serving a 1 KB file when an nginx binary is installed.
 *   2. The live stream: 1,000 clients connected at once, the white cell
 *      broadcasting 100 messages; the delay from each POST to each
 *      client's receipt (p50, p99, max), how many deliveries arrived, and
 *      the server's memory (VmRSS before and with the clients, VmHWM).
 *   3. The Pacific exercise at 60x with 50 connected clients (streams
 *      open, each also polling its team's network once a second): does
 *      exercise time keep up with the clock?
 *   4. A player's searches one after another (POST /teams/palau/hunt):
 *      free text, a wildcard field, a count by, a wildcard count; the
 *      median of 20 each.
 *
 *   SW_BIN           the seawall binary (default build/seawall)
 *   SW_BENCH_RUNS    wrk runs per case, median (default 3)
 *   SW_BENCH_SECONDS each wrk run (default 5)
 *   SW_BENCH_CLIENTS stream clients (default 1000)
 *
 * Figures, not assertions. */
#include <arpa/inet.h>
#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ADMIN_PW "bench-admin-password"

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n ? v[n / 2] : 0;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof sa;
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    getsockname(fd, (struct sockaddr *)&sa, &l);
    close(fd);
    return ntohs(sa.sin_port);
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* ---- a small blocking HTTP/1.0 client --------------------------------------------- */

typedef struct session {
    char cookie[128]; /* "sw_session=..." */
    char csrf[64];
} session_t;

/* One request; the status, the body into out (NUL-ended). Set-Cookie and
 * the "csrf" member land in s when given. */
static int http(int port, const char *method, const char *path, session_t *s, const char *body,
                char *out, size_t cap)
{
    int fd = dial(port);
    if (fd < 0)
        return -1;
    char req[8192];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n%s%s%s%s%s%s"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     method, path, port, s && *s->cookie ? "Cookie: " : "",
                     s && *s->cookie ? s->cookie : "", s && *s->cookie ? "\r\n" : "",
                     s && *s->csrf ? "X-CSRF-Token: " : "", s && *s->csrf ? s->csrf : "",
                     s && *s->csrf ? "\r\n" : "", body ? strlen(body) : 0, body ? body : "");
    if (write(fd, req, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    ssize_t r;
    while (got + 1 < cap && (r = read(fd, out + got, cap - got - 1)) > 0)
        got += (size_t)r;
    out[got] = '\0';
    close(fd);
    int status = 0;
    sscanf(out, "HTTP/%*s %d", &status);
    char *c = s ? strstr(out, "sw_session=") : NULL;
    if (c) {
        size_t k = strcspn(c, ";\r\n");
        snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)k, c);
    }
    char *b = strstr(out, "\r\n\r\n");
    if (b)
        memmove(out, b + 4, strlen(b + 4) + 1);
    char *t = s ? strstr(out, "\"csrf\":\"") : NULL;
    if (t)
        sscanf(t + 8, "%63[^\"]", s->csrf);
    return status;
}

static int login(int port, const char *user, const char *pw, session_t *s)
{
    char body[256], out[4096];
    memset(s, 0, sizeof *s);
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", user, pw);
    return http(port, "POST", "/api/v1/login", s, body, out, sizeof out) == 200 ? 0 : -1;
}

static int64_t exercise_now(int port, session_t *s)
{
    char out[4096];
    if (http(port, "GET", "/api/v1/exercise", s, NULL, out, sizeof out) != 200)
        return -1;
    char *p = strstr(out, "\"now_ms\":");
    return p ? strtoll(p + 9, NULL, 10) : -1;
}

/* ---- processes ------------------------------------------------------------------- */

static long proc_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    size_t fl = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, fl) && line[fl] == ':')
            v = strtol(line + fl + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static pid_t start_serve(const char *bin, const char *dir, int port)
{
    char db[512], listen[64], log[600];
    snprintf(db, sizeof db, "%s/ex.db", dir);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(log, sizeof log, "%s/serve.log", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        setenv("SEAWALL_ADMIN_PASSWORD", ADMIN_PW, 1);
        execl(bin, bin, "serve", "--db", db, "--listen", listen, "--scenario", "pacific-cable",
              "--speed", "60", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 600; i++) { /* up to a minute */
        char out[1024];
        if (http(port, "GET", "/api/v1/me", NULL, NULL, out, sizeof out) == 401)
            return pid;
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return -1;
        usleep(100000);
    }
    kill(pid, SIGKILL);
    return -1;
}

static void stop(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGINT);
    for (int i = 0; i < 300 && waitpid(pid, NULL, WNOHANG) != pid; i++)
        usleep(100000);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* wrk's requests per second for url (with a cookie header): one run, -1 on
 * failure or when any answer was not 2xx (then it is not the page's figure). */
static double wrk_once(const char *url, const char *cookie, int seconds)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "wrk -t2 -c64 -d%ds %s%s%s '%s' 2>&1", seconds,
             cookie ? "-H 'Cookie: " : "", cookie ? cookie : "", cookie ? "'" : "", url);
    FILE *p = popen(cmd, "r");
    char line[512];
    double rps = -1;
    long non2xx = 0;
    while (p && fgets(line, sizeof line, p)) {
        sscanf(line, "Requests/sec: %lf", &rps);
        sscanf(line, " Non-2xx or 3xx responses: %ld", &non2xx);
    }
    if (p)
        pclose(p);
    return non2xx ? -1 : rps;
}

/* ---- the baselines --------------------------------------------------------------- */

static char doc1k[1025];

static enum MHD_Result baseline_answer(void *cls, struct MHD_Connection *c, const char *url,
                                       const char *method, const char *version, const char *upload,
                                       size_t *upload_size, void **con_cls)
{
    (void)cls, (void)url, (void)method, (void)version, (void)upload, (void)upload_size;
    static int first;
    if (!*con_cls) { /* the request line and headers: answer when it is whole, as seawall does */
        *con_cls = &first;
        return MHD_YES;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(1024, doc1k, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

/* nginx serving the same 1 KB as a file, when installed: its pid, or -1. */
static pid_t nginx_start(const char *dir, int port)
{
    if (system("command -v nginx >/dev/null 2>&1") != 0)
        return -1;
    char conf[600], doc[600];
    snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
    snprintf(doc, sizeof doc, "%s/doc.json", dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f,
            "daemon off; worker_processes 2; pid %s/nginx.pid; error_log %s/nginx.err;\n"
            "events { worker_connections 1024; }\n"
            "http { access_log off; server { listen 127.0.0.1:%d; root %s; } }\n",
            dir, dir, port, dir);
    fclose(f);
    if ((f = fopen(doc, "w"))) {
        fwrite(doc1k, 1, 1024, f);
        fclose(f);
    }
    pid_t pid = fork();
    if (pid == 0) {
        execlp("nginx", "nginx", "-c", conf, "-p", dir, (char *)NULL);
        _exit(127);
    }
    usleep(500000);
    return pid;
}

/* ---- stream clients ------------------------------------------------------------------ */

typedef struct client {
    int fd;
    char tail[96]; /* the end of the last read: a marker may straddle reads */
    size_t tail_len;
    int got;
} client_t;

typedef struct lat {
    double *ms;
    size_t n, cap;
} lat_t;

static void lat_add(lat_t *l, double ms)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4096;
        l->ms = realloc(l->ms, l->cap * sizeof *l->ms);
    }
    l->ms[l->n++] = ms;
}

/* When each broadcast's POST was answered (index k of "t=T,k=K"). */
static int64_t acked_ns[128];

/* Scan what a client read for "t=T,k=K" markers (a broadcast's send time
 * and number): delays from the POST (l) and from its answer (la). */
static void scan(client_t *c, const char *buf, size_t n, lat_t *l, lat_t *la, int64_t now)
{
    char tmp[65536 + 96];
    memcpy(tmp, c->tail, c->tail_len);
    memcpy(tmp + c->tail_len, buf, n);
    size_t len = c->tail_len + n;
    tmp[len] = '\0';
    const char *p = tmp, *consumed = tmp;
    while ((p = strstr(p, "\"text\":\"t=")) != NULL) {
        char *end, *end2;
        long long t = strtoll(p + 10, &end, 10);
        long k = *end == ',' && end[1] == 'k' && end[2] == '=' ? strtol(end + 3, &end2, 10) : -1;
        if (k < 0 || k >= 128 || *end2 != '"') /* cut off: the next read completes it */
            break;
        end = end2;
        lat_add(l, (double)(now - t) / 1e6);
        if (acked_ns[k])
            lat_add(la, (double)(now - acked_ns[k]) / 1e6);
        c->got++;
        consumed = p = end;
    }
    /* keep the last bytes (a marker cut off is among them), never a counted one */
    size_t keep = len < sizeof c->tail ? len : sizeof c->tail;
    const char *from = tmp + len - keep;
    if (from < consumed)
        from = consumed;
    c->tail_len = (size_t)(tmp + len - from);
    memcpy(c->tail, from, c->tail_len);
}

static int open_stream(int port, const char *cookie)
{
    int fd = dial(port);
    if (fd < 0)
        return -1;
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET /api/v1/stream HTTP/1.0\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n"
                     "Accept: text/event-stream\r\n\r\n",
                     port, cookie);
    if (write(fd, req, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

/* Read every client until deadline (monotonic ns). */
static void pump(int ep, client_t *cl, lat_t *l, lat_t *la, int64_t deadline)
{
    struct epoll_event evs[256];
    static char buf[65536];
    while (mono_ns() < deadline) {
        int ms = (int)((deadline - mono_ns()) / 1000000);
        int n = epoll_wait(ep, evs, 256, ms < 1 ? 1 : ms > 20 ? 20 : ms);
        int64_t now = mono_ns();
        for (int i = 0; i < n; i++) {
            client_t *c = &cl[evs[i].data.u32];
            ssize_t r;
            while ((r = read(c->fd, buf, sizeof buf)) > 0)
                scan(c, buf, (size_t)r, l, la, now);
        }
        if (n == 0 && deadline - mono_ns() <= 0)
            break;
    }
}

static void stream_bench(int port, pid_t pid, session_t *white, int nclients)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < (rlim_t)nclients + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)nclients + 64 ? rl.rlim_max : (rlim_t)nclients + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    long rss0 = proc_kb(pid, "VmRSS");
    client_t *cl = calloc((size_t)nclients, sizeof *cl);
    int ep = epoll_create1(0), open_ok = 0;
    for (int i = 0; i < nclients; i++) {
        cl[i].fd = open_stream(port, white->cookie);
        if (cl[i].fd < 0)
            continue;
        open_ok++;
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &e);
    }
    lat_t l = {0}, la = {0};
    pump(ep, cl, &l, &la, mono_ns() + 2000000000LL); /* headers, the first clock */
    long rss1 = proc_kb(pid, "VmRSS");
    int events = 100;
    double post_ms[100];
    for (int k = 0; k < events; k++) {
        char body[128], out[4096];
        int64_t t = mono_ns();
        snprintf(body, sizeof body, "{\"text\":\"t=%lld,k=%d\"}", (long long)t, k);
        http(port, "POST", "/api/v1/broadcasts", white, body, out, sizeof out);
        acked_ns[k] = mono_ns();
        post_ms[k] = (double)(acked_ns[k] - t) / 1e6;
        pump(ep, cl, &l, &la, mono_ns() + 20000000LL);
    }
    pump(ep, cl, &l, &la, mono_ns() + 3000000000LL);
    long rss2 = proc_kb(pid, "VmRSS"), hwm = proc_kb(pid, "VmHWM");
    qsort(l.ms, l.n, sizeof *l.ms, cmp_d);
    double p50 = l.n ? l.ms[l.n / 2] : -1, p99 = l.n ? l.ms[(size_t)((double)l.n * 0.99)] : -1,
           mx = l.n ? l.ms[l.n - 1] : -1;
    printf("  live stream, %d clients (%d connected), %d broadcasts:\n", nclients, open_ok, events);
    printf("    deliveries %zu of %lld; delay from POST to receipt p50 %.1f ms, p99 %.1f ms, "
           "max %.1f ms (target p99 < 100 ms)\n",
           l.n, (long long)open_ok * events, p50, p99, mx);
    qsort(la.ms, la.n, sizeof *la.ms, cmp_d);
    printf("    of which the POST (journaled durably, then answered) median %.1f ms; from the "
           "answer to receipt p50 %.1f ms, p99 %.1f ms\n",
           median(post_ms, events), la.n ? la.ms[la.n / 2] : -1,
           la.n ? la.ms[(size_t)((double)la.n * 0.99)] : -1);
    printf("    server memory: %ld MB before, %ld MB with the clients connected, %ld MB after "
           "the broadcasts, peak %ld MB (%.1f KB a client)\n",
           rss0 / 1024, rss1 / 1024, rss2 / 1024, hwm / 1024,
           open_ok ? (double)(rss1 - rss0) / open_ok : 0);
    for (int i = 0; i < nclients; i++)
        if (cl[i].fd >= 0)
            close(cl[i].fd);
    close(ep);
    free(cl);
    free(l.ms);
    free(la.ms);
}

/* 50 clients at 60x: exercise time against wall time. */
static void keeps_up(int port, session_t *white, session_t *player)
{
    int n = 50;
    client_t cl[50];
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        memset(&cl[i], 0, sizeof cl[i]);
        cl[i].fd = open_stream(port, i % 2 ? white->cookie : player->cookie);
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (cl[i].fd >= 0)
            epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &e);
    }
    lat_t l = {0};
    int64_t w0 = mono_ns(), e0 = exercise_now(port, white);
    double worst_lag = 0;
    for (int s = 0; s < 20; s++) {
        for (int i = 0; i < n; i++) { /* each client polls its team's network once a second */
            char out[65536];
            http(port, "GET", "/api/v1/teams/palau/network", i % 2 ? white : player, NULL, out,
                 sizeof out);
        }
        pump(ep, cl, &l, &l, w0 + (int64_t)(s + 1) * 1000000000LL);
        int64_t e = exercise_now(port, white);
        double want = (double)(mono_ns() - w0) / 1e6 * 60.0 + (double)e0;
        double lag = (want - (double)e) / 60.0; /* in wall ms */
        if (lag > worst_lag)
            worst_lag = lag;
    }
    int64_t w1 = mono_ns(), e1 = exercise_now(port, white);
    double speed = (double)(e1 - e0) / ((double)(w1 - w0) / 1e6);
    printf("  the Pacific exercise at 60x with %d clients (streams + a network poll a second "
           "each): exercise time ran at %.1fx over %.0f s; worst lag behind the clock %.0f ms\n",
           n, speed, (double)(w1 - w0) / 1e9, worst_lag);
    for (int i = 0; i < n; i++)
        if (cl[i].fd >= 0)
            close(cl[i].fd);
    close(ep);
    free(l.ms);
}

/* A player's searches one after another, as the hunt page sends them: the
 * median time from POST to answer of each query over the records so far. */
static void hunts(int port, session_t *player)
{
    static const char *const q[] = {
        "\"smss.exe\" | count",
        "CommandLine:*powershell*",
        "EventID:4624 | count by TargetUserName",
        "*a*b*c* | count",
    };
    char body[256];
    static char out[1 << 20];
    printf("  searches, one at a time (POST /teams/palau/hunt; medians of 20):\n");
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        double ms[20];
        int n = 0, st = 0;
        json_t *req = json_pack("{s:s}", "query", q[i]);
        char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
        json_decref(req);
        snprintf(body, sizeof body, "%s", text ? text : "{}");
        free(text);
        for (int k = 0; k < 20; k++) {
            int64_t t0 = mono_ns();
            st = http(port, "POST", "/api/v1/teams/palau/hunt", player, body, out, sizeof out);
            if (st == 200)
                ms[n++] = (double)(mono_ns() - t0) / 1e6;
        }
        if (n)
            printf("    %-44s %7.2f ms\n", q[i], median(ms, n));
        else
            printf("    %-44s answers %d\n", q[i], st);
    }
}

int main(void)
{
    const char *bin = getenv("SW_BIN") ? getenv("SW_BIN") : "build/seawall";
    int runs = getenv("SW_BENCH_RUNS") ? atoi(getenv("SW_BENCH_RUNS")) : 3;
    int secs = getenv("SW_BENCH_SECONDS") ? atoi(getenv("SW_BENCH_SECONDS")) : 5;
    int nclients = getenv("SW_BENCH_CLIENTS") ? atoi(getenv("SW_BENCH_CLIENTS")) : 1000;
    if (runs < 1 || runs > 15)
        runs = 3;
    signal(SIGPIPE, SIG_IGN);
    if (system("command -v wrk >/dev/null 2>&1") != 0) {
        printf("bench_server: wrk is not installed (scripts/bootstrap.sh check installs it)\n");
        return 1;
    }
    char dir[] = "/tmp/sw-bench-server-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    memset(doc1k, ' ', 1024);
    memcpy(doc1k, "{\"doc\":\"", 8);
    memcpy(doc1k + 1022, "\"}", 2);
    printf("bench_server: %s serve, pacific-cable at 60x, 127.0.0.1; wrk -t2 -c64 -d%ds, "
           "medians of %d runs\n",
           bin, secs, runs);

    /* the baselines, up beside the server: each run measures all of them in turn,
     * so a busy moment of the machine touches every figure alike */
    int bport = free_port(), nport = free_port();
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO, (uint16_t)bport, NULL,
        NULL, baseline_answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, 4u, MHD_OPTION_CONNECTION_LIMIT,
        4000u, MHD_OPTION_END);
    pid_t ngx = nginx_start(dir, nport);

    int port = free_port();
    pid_t pid = start_serve(bin, dir, port);
    if (pid < 0) {
        printf("bench_server: %s serve did not start (see %s/serve.log)\n", bin, dir);
        return 1;
    }
    session_t admin, ana, ina;
    char out[65536];
    if (login(port, "admin", ADMIN_PW, &admin)) {
        printf("bench_server: cannot log in\n");
        stop(pid);
        return 1;
    }
    http(
        port, "POST", "/api/v1/users", &admin,
        "{\"user\":\"ana\",\"role\":\"player\",\"team\":\"palau\",\"password\":\"ana-password-1\"}",
        out, sizeof out);
    http(port, "POST", "/api/v1/users", &admin,
         "{\"user\":\"ina\",\"role\":\"instructor\",\"password\":\"ina-password-1\"}", out,
         sizeof out);
    login(port, "ana", "ana-password-1", &ana);
    login(port, "ina", "ina-password-1", &ina);

    enum { N_CASES = 5 };
    static const struct {
        const char *path, *what;
        int seawall;
    } cases[N_CASES] = {
        {"/", "baseline: libmicrohttpd answering a fixed 1 KB JSON", 0},
        {"/doc.json", "baseline: nginx serving a 1 KB JSON file", 0},
        {"/api/v1/teams/palau/network", "a team's network and service status", 1},
        {"/api/v1/exercise", "the exercise and its clock", 1},
        {"/api/v1/scoreboard", "the scoreboard", 1},
    };
    double v[N_CASES][16];
    int nv[N_CASES] = {0}, on[N_CASES];
    size_t bytes[N_CASES] = {0};
    for (int c = 0; c < N_CASES; c++) {
        on[c] = c == 0 ? d != NULL : c == 1 ? ngx > 0 : 0;
        if (cases[c].seawall) {
            int st = http(port, "GET", cases[c].path, &ana, NULL, out, sizeof out);
            on[c] = st == 200;
            bytes[c] = strlen(out);
            if (!on[c])
                printf("  %s answers %d here: not measured\n", cases[c].path, st);
        }
    }
    for (int r = 0; r < runs; r++)
        for (int c = 0; c < N_CASES; c++) {
            if (!on[c])
                continue;
            char url[256];
            snprintf(url, sizeof url, "http://127.0.0.1:%d%s",
                     c == 0   ? bport
                     : c == 1 ? nport
                              : port,
                     cases[c].path);
            double x = wrk_once(url, cases[c].seawall ? ana.cookie : NULL, secs);
            if (x > 0)
                v[c][nv[c]++] = x;
        }
    double base = nv[0] ? median(v[0], nv[0]) : -1, nginx = nv[1] ? median(v[1], nv[1]) : -1;
    printf("  API reads per second (wrk; a player's session):\n");
    for (int c = 0; c < N_CASES; c++) {
        if (!on[c] && c == 1) {
            printf("    %-52s (nginx not installed)\n", cases[c].what);
            continue;
        }
        if (!on[c] || !nv[c])
            continue;
        double m = median(v[c], nv[c]);
        if (!cases[c].seawall) {
            printf("    %-52s %9.0f req/s\n", cases[c].what, m);
            continue;
        }
        printf("    GET %-48s %9.0f req/s  %5zu bytes  %.2fx libmicrohttpd%s", cases[c].path, m,
               bytes[c], base > 0 ? m / base : 0, nginx > 0 ? "" : "\n");
        if (nginx > 0)
            printf("  %.2fx nginx\n", m / nginx);
    }
    printf("    (target: >= 20,000 reads/s)\n");
    if (d)
        MHD_stop_daemon(d);
    if (ngx > 0) {
        kill(ngx, SIGTERM);
        waitpid(ngx, NULL, 0);
    }
    printf("    server memory after the reads: %ld MB\n", proc_kb(pid, "VmRSS") / 1024);

    stream_bench(port, pid, &ina, nclients);
    keeps_up(port, &ina, &ana);
    hunts(port, &ana); /* over the records of the exercise's first half hour or so */
    stop(pid);
    char rm[300];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (system(rm) != 0)
        return 1;
    return 0;
}
