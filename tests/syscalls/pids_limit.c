/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's pids limit (linux.resources.pids.limit) as the pids cgroup
 * enforces it, for tests/integration/pids.sh, which runs the modes below in
 * a container with a limit (natively under runc, and on the sentry):
 *   `pids_limit bomb`: the init forks until fork fails (it must be EAGAIN)
 *     and prints "forks N" (N + 1 = the limit: the init counts), then
 *     "thread EAGAIN" when pthread_create fails as it must (threads count),
 *     then "ready"; then every process forks forever, retrying after
 *     EAGAIN, none ever exits: a fork bomb held at the limit.
 *   `pids_limit tryfork`: one fork, "fork EAGAIN" or "fork ok" (an exec'd
 *     process in the bomb's container).
 *   `pids_limit threads`: threads until pthread_create fails (it must be
 *     EAGAIN), "threads N" (N + 1 = the limit: threads count), then "fork
 *     EAGAIN" when fork fails as it must.
 * Without arguments (the syscall runner, where no limit is set) it checks
 * that processes and threads come and go in bulk, zombies reaped, with the
 * same counts every round: the paths the sentry's count follows.
 */
#include "test.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define ROUNDS   3
#define CHILDREN 32
#define THREADS  16

static void *idle_thread(void *arg)
{
    return arg;
}

static void *sleeping_thread(void *arg)
{
    for (;;)
        pause();
    return arg;
}

static void __attribute__((noreturn)) threads(void)
{
    pthread_attr_t attr;
    pthread_t th;
    pid_t pid;
    int n = 0, ret;

    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setstacksize(&attr, 64 * 1024) == 0);
    while ((ret = pthread_create(&th, &attr, sleeping_thread, NULL)) == 0)
        n++;
    CHECK(ret == EAGAIN);
    printf("threads %d\n", n);
    pid = fork();
    if (pid == 0)
        _exit(0);
    printf("fork %s\n", pid > 0 ? "ok" : errno == EAGAIN ? "EAGAIN" : strerror(errno));
    fflush(stdout);
    exit(0);
}

/* Forks forever, retrying 50 times a second after a failure; never returns. */
static void __attribute__((noreturn)) bomb_forever(void)
{
    for (;;) {
        if (fork() < 0)
            nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
    }
}

static void __attribute__((noreturn)) bomb(void)
{
    int gate[2];
    int n = 0, ret;
    pthread_t th;
    char c;

    CHECK(pipe(gate) == 0);
    for (;;) {
        pid_t pid = fork();

        if (pid == 0) {
            /* Held at the gate until the count is taken, then a bomb of its own. */
            close(gate[1]);
            while (read(gate[0], &c, 1) < 0 && errno == EINTR) {
            }
            bomb_forever();
        }
        if (pid < 0) {
            CHECK(errno == EAGAIN);
            break;
        }
        n++;
    }
    printf("forks %d\n", n);
    ret = pthread_create(&th, NULL, idle_thread, NULL);
    printf("thread %s\n", ret == EAGAIN ? "EAGAIN" : ret == 0 ? "ok" : strerror(ret));
    printf("ready\n");
    fflush(stdout);
    close(gate[1]);
    bomb_forever();
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bomb") == 0)
        bomb();
    if (argc > 1 && strcmp(argv[1], "threads") == 0)
        threads();
    if (argc > 1 && strcmp(argv[1], "tryfork") == 0) {
        pid_t pid = fork();

        if (pid == 0)
            _exit(0);
        printf("fork %s\n", pid > 0 ? "ok" : errno == EAGAIN ? "EAGAIN" : strerror(errno));
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return 0;
    }

    for (int round = 0; round < ROUNDS; round++) {
        pid_t kids[CHILDREN];
        pthread_t ths[THREADS];

        for (int i = 0; i < CHILDREN; i++) {
            kids[i] = fork();
            CHECK(kids[i] >= 0);
            if (kids[i] == 0)
                _exit(i);
        }
        /* All of them zombies at some point, then reaped. */
        for (int i = 0; i < CHILDREN; i++) {
            int status;

            CHECK(waitpid(kids[i], &status, 0) == kids[i]);
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == i);
        }
        CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
        for (int i = 0; i < THREADS; i++)
            CHECK(pthread_create(&ths[i], NULL, idle_thread, (void *)(intptr_t)(i + 1)) == 0);
        for (int i = 0; i < THREADS; i++) {
            void *ret = NULL;

            CHECK(pthread_join(ths[i], &ret) == 0);
            CHECK(ret == (void *)(intptr_t)(i + 1));
        }
    }
    TEST_OK();
}
