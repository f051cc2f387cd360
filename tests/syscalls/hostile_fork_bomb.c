/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fork bomb bounded by RLIMIT_NPROC: a non-root user (root and CAP_SYS_RESOURCE bypass the
 * limit) forks until fork fails with EAGAIN, which happens exactly when the user's process
 * count reaches the limit. Zombies count until they are reaped; after reaping, fork works
 * again. Threads count too. The process keeps working throughout.
 */
#include "test.h"

#include <grp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#define LIMIT 24

static void *idle_thread(void *arg)
{
    (void)arg;
    return NULL;
}

/* The bomb, run as a fresh non-root user with RLIMIT_NPROC = LIMIT. Exits 0 when all is well. */
static void bomb(void)
{
    int gate[2];
    CHECK(pipe(gate) == 0);
    pid_t kids[LIMIT + 8];
    int n = 0;
    for (;;) {
        CHECK(n < LIMIT + 8);
        pid_t pid = fork();
        if (pid == 0) {
            /* Each child waits for the gate to close, then exits. */
            char c;
            close(gate[1]);
            while (read(gate[0], &c, 1) < 0 && errno == EINTR) {
            }
            _exit(7);
        }
        if (pid < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        kids[n++] = pid;
    }
    /* The user owns this process and its children: LIMIT in all. */
    CHECK_EQ(n, LIMIT - 1);
    /* Again: still EAGAIN, and a thread is refused too (pthread_create returns EAGAIN). */
    CHECK_ERR(fork(), EAGAIN);
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, idle_thread, NULL), EAGAIN);
    /* The process itself still works. */
    CHECK(getpid() > 1);
    close(gate[0]);
    close(gate[1]);
    /* A zombie still counts: wait until one child is dead but not yet reaped. */
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    CHECK(waitid(P_PID, kids[0], &si, WEXITED | WNOWAIT) == 0);
    CHECK_EQ(si.si_pid, kids[0]);
    CHECK_ERR(fork(), EAGAIN);
    for (int i = 0; i < n; i++)
        test_wait_exit(kids[i], 7);
    /* Everyone reaped: forking works again. */
    pid_t again = fork();
    if (again == 0)
        _exit(3);
    CHECK(again > 0);
    test_wait_exit(again, 3);
    CHECK(pthread_create(&th, NULL, idle_thread, NULL) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    exit(0);
}

/*
 * `hostile_fork_bomb bomb`: a real, unbounded fork bomb for tests/integration/hostile.sh,
 * which runs it in a container with a pids limit. Every process forks forever and retries
 * after EAGAIN; none ever exits. Never run it natively.
 */
static void real_bomb(void)
{
    for (;;) {
        pid_t pid = fork();
        if (pid < 0)
            nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bomb") == 0)
        real_bomb();
    /* A uid nobody else uses, so that only our processes count against the limit. */
    uid_t uid = 40000 + (uid_t)(getpid() % 20000);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = { LIMIT, LIMIT };
        CHECK(setrlimit(RLIMIT_NPROC, &rl) == 0);
        CHECK(setgroups(0, NULL) == 0);
        CHECK(setresgid(uid, uid, uid) == 0);
        CHECK(setresuid(uid, uid, uid) == 0);
        CHECK(!test_has_cap(CAP_SYS_RESOURCE));
        bomb();
    }
    test_wait_exit(pid, 0);

    /* Root is not limited (Linux exempts the root user and CAP_SYS_RESOURCE). */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = { 1, 1 };
        CHECK(setrlimit(RLIMIT_NPROC, &rl) == 0);
        pid_t c = fork();
        if (c == 0)
            _exit(5);
        CHECK(c > 0);
        test_wait_exit(c, 5);
        exit(0);
    }
    test_wait_exit(pid, 0);
    TEST_OK();
}
