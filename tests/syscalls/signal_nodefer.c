/* SPDX-License-Identifier: Apache-2.0 */
/* A handler runs with its own signal blocked unless SA_NODEFER is set; sa_mask is added. */
#include "test.h"

#include <signal.h>

static volatile sig_atomic_t g_depth, g_max_depth, g_calls;
static volatile sig_atomic_t g_self_blocked, g_mask_blocked, g_pending_in_handler;

static void on_usr1(int sig)
{
    (void)sig;
    g_calls++;
    g_depth++;
    if (g_depth > g_max_depth)
        g_max_depth = g_depth;
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    g_self_blocked = sigismember(&cur, SIGUSR1);
    g_mask_blocked = sigismember(&cur, SIGUSR2);
    if (g_calls == 1) {
        raise(SIGUSR1);
        sigset_t pend;
        sigpending(&pend);
        g_pending_in_handler = sigismember(&pend, SIGUSR1);
    }
    g_depth--;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    /* Default: nested raise stays pending until the handler returns. */
    CHECK(raise(SIGUSR1) == 0);
    CHECK_EQ(g_calls, 2);
    CHECK_EQ(g_max_depth, 1);
    CHECK_EQ(g_pending_in_handler, 1);
    CHECK_EQ(g_mask_blocked, 1);

    /* The mask is restored after the handler. */
    sigset_t cur;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &cur) == 0);
    CHECK(!sigismember(&cur, SIGUSR1));
    CHECK(!sigismember(&cur, SIGUSR2));

    /* SA_NODEFER: the nested raise is delivered immediately, inside the first handler. */
    g_calls = g_max_depth = 0;
    sa.sa_flags = SA_NODEFER;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK_EQ(g_calls, 2);
    CHECK_EQ(g_max_depth, 2);
    CHECK_EQ(g_pending_in_handler, 0);
    CHECK_EQ(g_self_blocked, 0);
    /* sa_mask still applies with SA_NODEFER. */
    CHECK_EQ(g_mask_blocked, 1);
    TEST_OK();
}
