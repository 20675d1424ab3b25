/* bench_util.h — what the store's benchmarks (bench_store.c, bench_hunt.c)
 * share: a monotonic clock, the median of a few runs and timing ripgrep
 * beside them. A header of static functions: each benchmark is a program
 * of its own. */
#ifndef SW_BENCH_UTIL_H
#define SW_BENCH_UTIL_H

#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds on the monotonic clock. */
static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (n >= 1; v is sorted). */
static inline double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median seconds of `argv` (ripgrep with -c: it prints a count) run
 * `runs` times (at most 15), its output read; *hits the count. -1 when it
 * cannot run or fails. */
static inline double time_count_cmd(char *const *argv, int runs, long long *hits)
{
    double v[15];
    if (runs > 15)
        runs = 15;
    for (int i = 0; i < runs; i++) {
        int pfd[2];
        if (pipe(pfd))
            return -1;
        double t0 = now_s();
        pid_t pid = fork();
        if (pid == 0) {
            dup2(pfd[1], 1);
            close(pfd[0]);
            execvp(argv[0], argv);
            _exit(127);
        }
        close(pfd[1]);
        char buf[64] = {0};
        ssize_t got = read(pfd[0], buf, sizeof buf - 1);
        close(pfd[0]);
        int st;
        waitpid(pid, &st, 0);
        v[i] = now_s() - t0;
        if (!WIFEXITED(st) || WEXITSTATUS(st) > 1)
            return -1;
        *hits = got > 0 ? atoll(buf) : 0;
    }
    return median(v, runs);
}

#endif
