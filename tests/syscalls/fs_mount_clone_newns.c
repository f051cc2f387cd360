/* SPDX-License-Identifier: Apache-2.0 */
/*
 * clone(CLONE_NEWNS): the child gets a copy of the mount namespace; its
 * mounts stay invisible to the parent and the parent's later mounts to it.
 * CLONE_NEWNS with CLONE_FS is EINVAL; without CAP_SYS_ADMIN, EPERM. Needs
 * root (natively harmless: the mounts live in the test's own namespaces).
 */
#include "test.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static char dir[64];

static int child(void *arg)
{
    char path[128];

    (void)arg;
    /* Our own copy: a tmpfs mounted here is ours only. */
    if (mount("t", dir, "tmpfs", 0, "size=64k") != 0)
        return 10;
    snprintf(path, sizeof(path), "%s/only-child", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return 11;
    fclose(f);
    return 0;
}

static char stack[256 * 1024] __attribute__((aligned(16)));

int main(void)
{
    struct stat st;
    char path[128];

    /* A namespace of our own, so that the host's is never touched. */
    CHECK(unshare(CLONE_NEWNS) == 0);
    CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    snprintf(dir, sizeof(dir), "/tmp/newns-%d", (int)getpid());
    CHECK(mkdir(dir, 0755) == 0);

    pid_t pid = clone(child, stack + sizeof(stack), CLONE_NEWNS | SIGCHLD, NULL);
    CHECK(pid > 0);
    test_wait_exit(pid, 0);
    /* The child's tmpfs (and its file) are not in our namespace. */
    snprintf(path, sizeof(path), "%s/only-child", dir);
    CHECK_ERR(stat(path, &st), ENOENT);

    /* CLONE_NEWNS | CLONE_FS is EINVAL. */
    CHECK_ERR(clone(child, stack + sizeof(stack), CLONE_NEWNS | CLONE_FS | SIGCHLD, NULL), EINVAL);

    /* Without CAP_SYS_ADMIN: EPERM. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setuid(65534) != 0)
            _exit(20);
        errno = 0;
        long r = clone(child, stack + sizeof(stack), CLONE_NEWNS | SIGCHLD, NULL);
        _exit(r == -1 && errno == EPERM ? 0 : 21);
    }
    test_wait_exit(pid, 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
