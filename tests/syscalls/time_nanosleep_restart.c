/* SPDX-License-Identifier: Apache-2.0 */
/* Sleeps and signals: a handler ends nanosleep with EINTR even with SA_RESTART (Linux never
 * restarts it after a handler), a stop and continue resumes the sleep to its original end,
 * a signal whose default action is to ignore it does not end the sleep, relative
 * clock_nanosleep returns EINTR with the remainder, and SIGKILL ends a sleeper at once. */
#include "test.h"

#include <signal.h>
#include <time.h>

static volatile sig_atomic_t g_hits;

static void on_usr1(int sig)
{
    (void)sig;
    g_hits++;
}

static long long now_ms(void)
{
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Forks a child that sends `sig` to the caller after `ms` milliseconds (then `sig2` after
 * `ms2` more when nonzero). */
static pid_t send_later(int sig, int ms, int sig2, int ms2)
{
    pid_t parent = getpid();
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        usleep(ms * 1000);
        kill(parent, sig);
        if (sig2 != 0) {
            usleep(ms2 * 1000);
            kill(parent, sig2);
        }
        _exit(0);
    }
    return child;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    /* A handler with SA_RESTART: still EINTR, with the remaining time. */
    struct timespec req = { 2, 0 }, rem = { 0, 0 };
    pid_t c = send_later(SIGUSR1, 50, 0, 0);
    long long t0 = now_ms();
    CHECK_ERR(nanosleep(&req, &rem), EINTR);
    CHECK(now_ms() - t0 < 1500);
    CHECK_EQ(g_hits, 1);
    CHECK(rem.tv_sec >= 1 && rem.tv_sec <= 2);
    test_wait_exit(c, 0);

    /* Relative clock_nanosleep: the error number is the return value. */
    c = send_later(SIGUSR1, 50, 0, 0);
    rem.tv_sec = rem.tv_nsec = 0;
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem), EINTR);
    CHECK(rem.tv_sec >= 1);
    test_wait_exit(c, 0);

    /* Stopped and continued: the sleep goes on to its original end and succeeds. */
    req.tv_sec = 0;
    req.tv_nsec = 400000000;
    c = send_later(SIGSTOP, 50, SIGCONT, 100);
    t0 = now_ms();
    CHECK_EQ(nanosleep(&req, NULL), 0);
    long long took = now_ms() - t0;
    CHECK(took >= 390);
    CHECK(took < 2000);
    test_wait_exit(c, 0);

    /* A signal ignored by default (SIGWINCH) does not end the sleep. */
    req.tv_nsec = 200000000;
    c = send_later(SIGWINCH, 30, 0, 0);
    t0 = now_ms();
    CHECK_EQ(nanosleep(&req, NULL), 0);
    CHECK(now_ms() - t0 >= 190);
    test_wait_exit(c, 0);

    /* SIGKILL ends a long sleep at once. */
    pid_t sleeper = fork();
    CHECK(sleeper >= 0);
    if (sleeper == 0) {
        struct timespec forever = { 100, 0 };
        nanosleep(&forever, NULL);
        _exit(0);
    }
    usleep(50000);
    t0 = now_ms();
    CHECK(kill(sleeper, SIGKILL) == 0);
    int status = test_wait(sleeper);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK(now_ms() - t0 < 2000);
    TEST_OK();
}
