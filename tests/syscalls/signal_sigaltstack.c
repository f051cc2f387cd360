/* SPDX-License-Identifier: Apache-2.0 */
/* SA_ONSTACK handlers run on the sigaltstack, which reports SS_ONSTACK while in use. */
#include "test.h"

#include <signal.h>
#include <stdint.h>

static char *g_stack;
static size_t g_stack_size;
static volatile sig_atomic_t g_on_alt, g_ss_flags, g_calls, g_eperm;

static void on_usr1(int sig)
{
    (void)sig;
    char local;
    uintptr_t a = (uintptr_t)&local;
    g_on_alt = a >= (uintptr_t)g_stack && a < (uintptr_t)g_stack + g_stack_size;
    stack_t cur;
    sigaltstack(NULL, &cur);
    g_ss_flags = cur.ss_flags;
    /* Changing the stack while running on it fails with EPERM. */
    stack_t ns = { .ss_sp = g_stack, .ss_size = g_stack_size, .ss_flags = 0 };
    g_eperm = sigaltstack(&ns, NULL) == -1 && errno == EPERM;
    g_calls++;
}

int main(void)
{
    /* Initially there is no alternate stack. */
    stack_t cur;
    CHECK(sigaltstack(NULL, &cur) == 0);
    CHECK_EQ(cur.ss_flags, SS_DISABLE);

    g_stack_size = 64 * 1024;
    g_stack = malloc(g_stack_size);
    CHECK(g_stack != NULL);
    stack_t ss = { .ss_sp = g_stack, .ss_size = g_stack_size, .ss_flags = 0 };
    CHECK(sigaltstack(&ss, NULL) == 0);
    CHECK(sigaltstack(NULL, &cur) == 0);
    CHECK(cur.ss_sp == g_stack);
    CHECK_EQ(cur.ss_size, g_stack_size);
    CHECK_EQ(cur.ss_flags, 0);

    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_on_alt, 1);
    CHECK_EQ(g_ss_flags, SS_ONSTACK);
    CHECK_EQ(g_eperm, 1);

    /* Without SA_ONSTACK the handler runs on the normal stack. */
    sa.sa_flags = 0;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK_EQ(g_calls, 2);
    CHECK_EQ(g_on_alt, 0);
    CHECK_EQ(g_ss_flags, 0);

    /* SS_DISABLE turns it off; an SA_ONSTACK handler then uses the normal stack. */
    stack_t off = { .ss_flags = SS_DISABLE };
    CHECK(sigaltstack(&off, NULL) == 0);
    CHECK(sigaltstack(NULL, &cur) == 0);
    CHECK_EQ(cur.ss_flags, SS_DISABLE);
    sa.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK_EQ(g_calls, 3);
    CHECK_EQ(g_on_alt, 0);
    CHECK_EQ(g_ss_flags, SS_DISABLE);
    free(g_stack);
    TEST_OK();
}
