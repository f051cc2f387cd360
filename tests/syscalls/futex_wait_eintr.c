/* SPDX-License-Identifier: Apache-2.0 */
/* A handler interrupts FUTEX_WAIT with EINTR unless SA_RESTART is set and there is no timeout;
 * with a timeout it is never restarted. */
#include "test.h"

#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

static uint32_t g_word;
static volatile int g_stop;
static volatile sig_atomic_t g_calls;
static pid_t g_main_tid;

static long futex(void *uaddr, int op, uint32_t val, const struct timespec *ts)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void on_usr1(int sig)
{
    (void)sig;
    g_calls++;
}

/* Signals main every millisecond until g_stop; with `finish` set, sends 20 signals, then
 * changes the word and wakes main. */
static void *pinger(void *arg)
{
    int finish = (int)(intptr_t)arg;
    for (int i = 0; i < 5000 && !g_stop; i++) {
        syscall(SYS_tgkill, getpid(), g_main_tid, SIGUSR1);
        usleep(1000);
        if (finish && i == 20) {
            __atomic_store_n(&g_word, 1, __ATOMIC_SEQ_CST);
            futex(&g_word, FUTEX_WAKE_PRIVATE, 1, NULL);
            break;
        }
    }
    return NULL;
}

static void install(int flags)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
}

int main(void)
{
    g_main_tid = gettid();
    pthread_t th;

    /* No SA_RESTART: EINTR. */
    install(0);
    g_stop = 0;
    CHECK(pthread_create(&th, NULL, pinger, (void *)0) == 0);
    CHECK_ERR(futex(&g_word, FUTEX_WAIT_PRIVATE, 0, NULL), EINTR);
    g_stop = 1;
    CHECK(pthread_join(th, NULL) == 0);

    /* SA_RESTART with a timeout: still EINTR. */
    install(SA_RESTART);
    g_stop = 0;
    CHECK(pthread_create(&th, NULL, pinger, (void *)0) == 0);
    struct timespec ts = { .tv_sec = 5 };
    CHECK_ERR(futex(&g_word, FUTEX_WAIT_PRIVATE, 0, &ts), EINTR);
    g_stop = 1;
    CHECK(pthread_join(th, NULL) == 0);

    /* SA_RESTART without a timeout: restarted until the real wake. A restart after the word
     * changed sees the new value and reports EAGAIN; EINTR never escapes. */
    g_calls = 0;
    g_stop = 0;
    CHECK(pthread_create(&th, NULL, pinger, (void *)1) == 0);
    long r = futex(&g_word, FUTEX_WAIT_PRIVATE, 0, NULL);
    int e = errno;
    CHECK(r == 0 || (r == -1 && e == EAGAIN));
    CHECK(pthread_join(th, NULL) == 0);
    CHECK(g_calls >= 1);
    CHECK_EQ(g_word, 1);
    TEST_OK();
}
