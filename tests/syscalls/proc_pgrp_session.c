/* SPDX-License-Identifier: Apache-2.0 */
/* setpgid/getpgid/setsid/getsid, including EPERM for a group leader calling setsid, EPERM
 * for joining a group in another session, ESRCH for non-children and EINVAL for bad ids. */
#include "test.h"

#include <signal.h>

static int run(void)
{
    /* Running in a child of the test: become a group leader, then setsid fails. */
    CHECK(setpgid(0, 0) == 0);
    CHECK_EQ(getpgrp(), getpid());
    CHECK_EQ(getpgid(0), getpid());
    CHECK_ERR(setsid(), EPERM);

    /* A child (not a group leader) can create a session. */
    int p[2], go[2];
    CHECK(pipe(p) == 0);
    CHECK(pipe(go) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pid_t sid = setsid();
        pid_t info[3] = { sid, getsid(0), getpgrp() };
        if (write(p[1], info, sizeof(info)) != sizeof(info))
            _exit(1);
        char c;
        _exit(read(go[0], &c, 1) >= 0 ? 0 : 1);
    }
    pid_t info[3];
    CHECK_EQ(read(p[0], info, sizeof(info)), sizeof(info));
    CHECK_EQ(info[0], child);
    CHECK_EQ(info[1], child);
    CHECK_EQ(info[2], child);
    CHECK_EQ(getsid(child), child);
    CHECK(getsid(0) != child);
    /* Moving a child that is in another session fails with EPERM. */
    CHECK_ERR(setpgid(child, getpid()), EPERM);
    CHECK(write(go[1], "x", 1) == 1);
    test_wait_exit(child, 0);

    /* Move a child into a new group, then into ours. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char c;
        _exit(read(go[0], &c, 1) == 1 ? 0 : 1);
    }
    CHECK(setpgid(child, child) == 0);
    CHECK_EQ(getpgid(child), child);
    CHECK(setpgid(child, getpid()) == 0);
    CHECK_EQ(getpgid(child), getpid());
    /* A group that does not exist in our session. */
    CHECK_ERR(setpgid(child, 0x3ffffff0), EPERM);
    CHECK_ERR(setpgid(child, -1), EINVAL);
    CHECK(write(go[1], "x", 1) == 1);
    test_wait_exit(child, 0);

    /* Not our child. */
    CHECK_ERR(setpgid(getppid(), getppid()), ESRCH);
    CHECK_ERR(setpgid(0x3ffffff0, 0), ESRCH);
    CHECK_ERR(getpgid(0x3ffffff0), ESRCH);
    CHECK_ERR(getsid(0x3ffffff0), ESRCH);
    return 0;
}

int main(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(run());
    test_wait_exit(child, 0);
    TEST_OK();
}
