/* SPDX-License-Identifier: Apache-2.0 */
/* A pipe read interrupted by a handler without SA_RESTART fails with EINTR; with SA_RESTART it
 * restarts and returns the data written later. */
#include "test.h"

#include <fcntl.h>
#include <signal.h>

static volatile sig_atomic_t g_count;

static void on_usr1(int sig)
{
    (void)sig;
    g_count++;
}

static void install(int flags)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
}

/* Without SA_RESTART: a child keeps signalling until the parent reports the EINTR. */
static void test_no_restart(void)
{
    int data[2], stop[2];
    CHECK(pipe(data) == 0);
    CHECK(pipe2(stop, O_NONBLOCK) == 0);
    install(0);
    g_count = 0;
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(stop[1]);
        for (int i = 0; i < 5000; i++) {
            kill(getppid(), SIGUSR1);
            usleep(1000);
            char c;
            if (read(stop[0], &c, 1) == 0)
                _exit(0);
        }
        _exit(2);
    }
    close(stop[0]);
    char buf[4];
    CHECK_ERR(read(data[0], buf, sizeof(buf)), EINTR);
    CHECK(g_count >= 1);
    close(stop[1]);
    test_wait_exit(child, 0);
    close(data[0]);
    close(data[1]);
}

/* With SA_RESTART: signals arrive while the parent blocks, then data; read returns the data. */
static void test_restart(void)
{
    int data[2];
    CHECK(pipe(data) == 0);
    install(SA_RESTART);
    g_count = 0;
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        for (int i = 0; i < 20; i++) {
            kill(getppid(), SIGUSR1);
            usleep(1000);
        }
        _exit(write(data[1], "xyz", 3) == 3 ? 0 : 1);
    }
    char buf[4] = { 0 };
    ssize_t n = read(data[0], buf, sizeof(buf));
    CHECK_EQ(n, 3);
    CHECK(memcmp(buf, "xyz", 3) == 0);
    /* Every kill happened before the write, so the handler ran at least once. */
    CHECK(g_count >= 1);
    test_wait_exit(child, 0);
    close(data[0]);
    close(data[1]);
}

int main(void)
{
    test_no_restart();
    test_restart();
    TEST_OK();
}
