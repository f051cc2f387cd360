/* SPDX-License-Identifier: Apache-2.0 */
/* Real-time signals queue every instance in FIFO order per signal, lower numbers first;
 * standard signals below SIGRTMIN are delivered before real-time ones and do not queue. */
#include "test.h"

#include <signal.h>

static volatile int g_log_sig[32], g_log_val[32];
static volatile int g_n;

static void on_sig(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    if (g_n < 32) {
        g_log_sig[g_n] = sig;
        g_log_val[g_n] = info->si_value.sival_int;
        g_n++;
    }
}

int main(void)
{
    int r1 = SIGRTMIN + 1, r3 = SIGRTMIN + 3;
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    sigfillset(&sa.sa_mask); /* handlers do not nest, so the log is in delivery order */
    CHECK(sigaction(r1, &sa, NULL) == 0);
    CHECK(sigaction(r3, &sa, NULL) == 0);
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, r1);
    sigaddset(&set, r3);
    sigaddset(&set, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);

    union sigval v;
    for (int i = 0; i < 3; i++) {
        v.sival_int = 30 + i;
        CHECK(sigqueue(getpid(), r3, v) == 0);
        v.sival_int = 10 + i;
        CHECK(sigqueue(getpid(), r1, v) == 0);
        v.sival_int = 20 + i;
        CHECK(sigqueue(getpid(), SIGUSR2, v) == 0);
    }
    CHECK_EQ(g_n, 0);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);

    /* SIGUSR2 once (first value), then r1 x3 in order, then r3 x3 in order. */
    static const int want_sig_off[] = { -1, 1, 1, 1, 3, 3, 3 };
    static const int want_val[] = { 20, 10, 11, 12, 30, 31, 32 };
    CHECK_EQ(g_n, 7);
    for (int i = 0; i < 7; i++) {
        int want = want_sig_off[i] < 0 ? SIGUSR2 : SIGRTMIN + want_sig_off[i];
        CHECK_EQ(g_log_sig[i], want);
        CHECK_EQ(g_log_val[i], want_val[i]);
    }
    TEST_OK();
}
