/* SPDX-License-Identifier: Apache-2.0 */
/* do_execveat(2): a path relative to a directory fd, AT_EMPTY_PATH with an fd of the program
 * (O_PATH too), AT_SYMLINK_NOFOLLOW refusing a symlink with ELOOP, and the errors for bad
 * flags, an empty path without AT_EMPTY_PATH, a bad dirfd and a non-directory dirfd. */
#include "test.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static long do_execveat(int dirfd, const char *path, char *const argv[], int flags)
{
    char *envp[] = { NULL };
    return syscall(SYS_execveat, dirfd, path, argv, envp, flags);
}

/* Runs execveat in a child and checks it exec'd (the program exits 42 in "child" mode). */
static void expect_runs(int dirfd, const char *path, int flags, const char *self)
{
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        char *argv[] = { (char *)self, "child", NULL };
        do_execveat(dirfd, path, argv, flags);
        _exit(100 + errno);
    }
    test_wait_exit(c, 42);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return 42;

    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    CHECK(n > 0);
    self[n] = 0;
    char dir[PATH_MAX], base[PATH_MAX];
    strcpy(dir, self);
    strcpy(base, self);
    char *d = dirname(dir), *b = basename(base);

    /* Relative to a directory fd. */
    int dfd = open(d, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    expect_runs(dfd, b, 0, self);
    /* An absolute path ignores dirfd. */
    expect_runs(-1, self, 0, self);
    /* AT_EMPTY_PATH: the fd itself, opened for reading or with O_PATH. */
    int fd = open(self, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    expect_runs(fd, "", AT_EMPTY_PATH, self);
    int pfd = open(self, O_PATH);
    CHECK(pfd >= 0);
    expect_runs(pfd, "", AT_EMPTY_PATH, self);

    /* A symlink to the program: followed by default, ELOOP with AT_SYMLINK_NOFOLLOW. */
    char tmp[64];
    test_mkdtemp(tmp);
    int tfd = open(tmp, O_RDONLY | O_DIRECTORY);
    CHECK(tfd >= 0);
    CHECK(symlinkat(self, tfd, "link") == 0);
    expect_runs(tfd, "link", 0, self);
    char *av[] = { self, "child", NULL };
    CHECK_ERR(do_execveat(tfd, "link", av, AT_SYMLINK_NOFOLLOW), ELOOP);

    /* Errors. */
    CHECK_ERR(do_execveat(dfd, b, av, 0x200), EINVAL);
    CHECK_ERR(do_execveat(fd, "", av, 0), ENOENT);
    CHECK_ERR(do_execveat(9999, b, av, 0), EBADF);
    CHECK_ERR(do_execveat(fd, b, av, 0), ENOTDIR);
    CHECK_ERR(do_execveat(dfd, "no-such-program", av, 0), ENOENT);
    /* A directory is not executable. */
    CHECK_ERR(do_execveat(dfd, "", av, AT_EMPTY_PATH), EACCES);

    CHECK(unlinkat(tfd, "link", 0) == 0);
    CHECK(rmdir(tmp) == 0);
    TEST_OK();
}
