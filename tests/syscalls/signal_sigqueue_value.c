/* SPDX-License-Identifier: Apache-2.0 */
/* sigqueue delivers si_code SI_QUEUE with the sender's pid and the queued value. */
#include "test.h"

#include <signal.h>

static volatile sig_atomic_t g_count;
static volatile siginfo_t g_info;

static void on_sig(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    memcpy((void *)&g_info, info, sizeof(*info));
    g_count++;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGRTMIN, &sa, NULL) == 0);

    union sigval v = { .sival_int = 0x1234 };
    CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
    CHECK_EQ(g_count, 1);
    CHECK_EQ(g_info.si_signo, SIGRTMIN);
    CHECK_EQ(g_info.si_code, SI_QUEUE);
    CHECK_EQ(g_info.si_pid, getpid());
    CHECK_EQ(g_info.si_uid, getuid());
    CHECK_EQ(g_info.si_value.sival_int, 0x1234);

    /* A pointer value survives unchanged. */
    static int target;
    v.sival_ptr = &target;
    CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
    CHECK_EQ(g_count, 2);
    CHECK(g_info.si_value.sival_ptr == &target);

    /* sigwaitinfo on a blocked signal returns the same info synchronously. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    v.sival_int = -7;
    CHECK(sigqueue(getpid(), SIGUSR2, v) == 0);
    siginfo_t info;
    CHECK_EQ(sigwaitinfo(&set, &info), SIGUSR2);
    CHECK_EQ(info.si_code, SI_QUEUE);
    CHECK_EQ(info.si_value.sival_int, -7);
    CHECK_EQ(info.si_pid, getpid());

    /* A child's queued value arrives in the parent. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        union sigval cv = { .sival_int = 99 };
        _exit(sigqueue(getppid(), SIGUSR2, cv) == 0 ? 0 : 1);
    }
    CHECK_EQ(sigwaitinfo(&set, &info), SIGUSR2);
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_value.sival_int, 99);
    test_wait_exit(child, 0);

    CHECK_ERR(sigqueue(getpid(), 100, v), EINVAL);
    TEST_OK();
}
