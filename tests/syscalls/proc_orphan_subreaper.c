/* SPDX-License-Identifier: Apache-2.0 */
/* When a parent dies its children are reparented: to the nearest PR_SET_CHILD_SUBREAPER
 * ancestor if there is one, which can then wait for them; otherwise away from the dead parent
 * (to init or a subreaper further up). */
#include "test.h"

#include <signal.h>
#include <sys/prctl.h>

/* Without being a subreaper: the orphan's getppid() changes to someone other than the dead
 * parent and other than us. The orphan exits on its own and is reaped by its new parent. */
static void orphan_elsewhere(void)
{
    int p[2], q[2], ready[2];
    CHECK(pipe(p) == 0 && pipe(q) == 0 && pipe(ready) == 0);
    pid_t middle = fork();
    CHECK(middle >= 0);
    if (middle == 0) {
        pid_t gc = fork();
        if (gc < 0)
            _exit(1);
        if (gc == 0) {
            close(q[1]);
            pid_t before = getppid();
            if (write(ready[1], "r", 1) != 1)
                _exit(4);
            char c;
            if (read(q[0], &c, 1) != 0)
                _exit(2);
            pid_t after = getppid();
            for (int i = 0; i < 5000 && after == before; i++) {
                usleep(1000);
                after = getppid();
            }
            pid_t pids[2] = { before, after };
            _exit(write(p[1], pids, sizeof(pids)) == sizeof(pids) ? 0 : 3);
        }
        char c;
        _exit(read(ready[0], &c, 1) == 1 ? 0 : 1);
    }
    close(q[0]);
    close(p[1]);
    close(ready[0]);
    close(ready[1]);
    test_wait_exit(middle, 0);
    close(q[1]);
    pid_t pids[2];
    CHECK_EQ(read(p[0], pids, sizeof(pids)), sizeof(pids));
    close(p[0]);
    CHECK_EQ(pids[0], middle);
    CHECK(pids[1] != middle);
    CHECK(pids[1] != getpid());
    CHECK(pids[1] > 0);
    int st;
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
}

int main(void)
{
    orphan_elsewhere();

    int v = -1;
    CHECK(prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0) == 0);
    CHECK_EQ(v, 0);
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
    CHECK(prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0) == 0);
    CHECK_EQ(v, 1);

    int p[2], q[2], ready[2];
    CHECK(pipe(p) == 0);
    CHECK(pipe(q) == 0);
    CHECK(pipe(ready) == 0);
    pid_t me = getpid();
    pid_t middle = fork();
    CHECK(middle >= 0);
    if (middle == 0) {
        pid_t grandchild = fork();
        if (grandchild < 0)
            _exit(1);
        if (grandchild == 0) {
            close(p[0]);
            close(q[1]);
            pid_t before = getppid();
            if (write(ready[1], "r", 1) != 1)
                _exit(4);
            /* Wait for the middle process to die: its pid is no longer our parent. */
            char c;
            if (read(q[0], &c, 1) != 0)
                _exit(2);
            pid_t after = getppid();
            for (int i = 0; i < 5000 && after == before; i++) {
                usleep(1000);
                after = getppid();
            }
            pid_t pids[2] = { before, after };
            _exit(write(p[1], pids, sizeof(pids)) == sizeof(pids) ? 0 : 3);
        }
        /* Exit only once the grandchild has seen us as its parent. */
        char c;
        _exit(read(ready[0], &c, 1) == 1 ? 0 : 1);
    }
    close(q[0]);
    close(p[1]);
    close(ready[0]);
    close(ready[1]);
    test_wait_exit(middle, 0);
    /* The grandchild closed its q[1] and the middle one is gone: EOF once we close ours. */
    close(q[1]);

    pid_t pids[2];
    CHECK_EQ(read(p[0], pids, sizeof(pids)), sizeof(pids));
    CHECK_EQ(pids[0], middle);
    CHECK_EQ(pids[1], me);
    /* The subreaper reaps the orphan. */
    int st;
    pid_t r = wait(&st);
    CHECK(r > 0 && r != middle);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_ERR(wait(&st), ECHILD);

    /* The flag is not inherited by children. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int cv = -1;
        prctl(PR_GET_CHILD_SUBREAPER, &cv, 0, 0, 0);
        _exit(cv == 0 ? 0 : 1);
    }
    test_wait_exit(child, 0);
    TEST_OK();
}
