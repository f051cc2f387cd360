/* SPDX-License-Identifier: Apache-2.0 */
/* vfork suspends the parent until the child exits or execs, and the child shares the
 * parent's memory meanwhile. */
#include "test.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

static volatile int g_shared;

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-child") == 0)
        return 23;

    g_shared = 1;
    pid_t child = vfork();
    CHECK(child >= 0);
    if (child == 0) {
        /* Only the shared-memory write and _exit are allowed here. */
        g_shared = 2;
        _exit(7);
    }
    /* The parent resumes only after _exit, so the write is visible. */
    CHECK_EQ(g_shared, 2);
    test_wait_exit(child, 7);

    /* Also resumed by execve; the exec'd child then runs on its own. */
    g_shared = 1;
    child = vfork();
    CHECK(child >= 0);
    if (child == 0) {
        g_shared = 3;
        char *args[] = { argv[0], "--exec-child", NULL };
        execv("/proc/self/exe", args);
        _exit(99);
    }
    CHECK_EQ(g_shared, 3);
    test_wait_exit(child, 23);

    /* clone(CLONE_VFORK) without CLONE_VM: the parent still waits, but memory is copied. */
    g_shared = 1;
    long r = syscall(SYS_clone, CLONE_VFORK | SIGCHLD, NULL, NULL, NULL, NULL);
    CHECK(r >= 0);
    if (r == 0) {
        g_shared = 5;
        _exit(8);
    }
    CHECK_EQ(g_shared, 1);
    /* The parent resumes when the child releases its memory, which is before it becomes a
     * zombie, so a blocking wait is needed here. */
    test_wait_exit((pid_t)r, 8);
    TEST_OK();
}
