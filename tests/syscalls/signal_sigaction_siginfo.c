/* SPDX-License-Identifier: Apache-2.0 */
/* SA_SIGINFO handlers see si_code SI_USER/SI_TKILL and the sender's pid and uid. */
#include "test.h"

#include <signal.h>
#include <sys/syscall.h>

static volatile sig_atomic_t g_count;
static volatile siginfo_t g_info;

static void on_usr1(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    memcpy((void *)&g_info, info, sizeof(*info));
    g_info.si_signo = sig; /* volatile: kill() is declared leaf, see test.h */
    g_count++;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    /* The old action reports the flags and handler we installed. */
    struct sigaction old;
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0);
    CHECK(old.sa_sigaction == on_usr1);
    CHECK(old.sa_flags & SA_SIGINFO);

    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK_EQ(g_count, 1);
    CHECK_EQ(g_info.si_signo, SIGUSR1);
    CHECK_EQ(g_info.si_code, SI_USER);
    CHECK_EQ(g_info.si_pid, getpid());
    CHECK_EQ(g_info.si_uid, getuid());

    /* tgkill reports SI_TKILL. */
    CHECK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1) == 0);
    CHECK_EQ(g_count, 2);
    CHECK_EQ(g_info.si_code, SI_TKILL);
    CHECK_EQ(g_info.si_pid, getpid());

    /* A signal sent by a child carries the child's pid. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    test_wait_exit(child, 0);
    CHECK_EQ(g_count, 3);
    CHECK_EQ(g_info.si_code, SI_USER);
    CHECK_EQ(g_info.si_pid, child);

    /* Invalid signal numbers. */
    CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    /* Querying SIGKILL is allowed. */
    CHECK(sigaction(SIGKILL, NULL, &old) == 0);
    CHECK(old.sa_handler == SIG_DFL);
    CHECK_ERR(kill(getpid(), 65), EINVAL);
    CHECK_ERR(kill(getpid(), -1), EINVAL);
    /* Signal 0 only checks for existence. */
    CHECK(kill(getpid(), 0) == 0);
    CHECK_EQ(g_count, 3);
    TEST_OK();
}
