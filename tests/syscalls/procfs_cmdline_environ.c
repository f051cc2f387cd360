/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/<pid>/cmdline is argv joined with NULs (including empty arguments and a final NUL),
 * /proc/<pid>/environ is envp the same way, both read by another process (the parent); an
 * argument rewritten in place in the child's memory shows up in cmdline. */
#include "test.h"

#include <fcntl.h>

static long slurp(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    long tot = 0, n;
    while ((n = read(fd, buf + tot, len - (size_t)tot)) > 0)
        tot += n;
    CHECK(n == 0);
    close(fd);
    return tot;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "child") == 0) {
        /* Rewrite argv[2] in place ("abc" -> "xyz"), then wait. */
        memcpy(argv[2], "xyz", 3);
        char c;
        if (write(1, "r", 1) != 1 || read(0, &c, 1) != 1)
            _exit(2);
        _exit(0);
    }
    int to_child[2], from_child[2];
    CHECK(pipe(to_child) == 0 && pipe(from_child) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        char *args[] = { "progname", "child", "abc", "", "with space", NULL };
        char *envs[] = { "A=1", "EMPTY=", "LONG=0123456789", NULL };
        execve("/proc/self/exe", args, envs);
        _exit(127);
    }
    char c;
    CHECK_EQ(read(from_child[0], &c, 1), 1);
    char path[64], buf[4096];
    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    const char want[] = "progname\0child\0xyz\0\0with space";
    long n = slurp(path, buf, sizeof(buf));
    CHECK_EQ(n, (long)sizeof(want));
    CHECK(memcmp(buf, want, sizeof(want)) == 0);
    snprintf(path, sizeof(path), "/proc/%d/environ", pid);
    const char wenv[] = "A=1\0EMPTY=\0LONG=0123456789";
    n = slurp(path, buf, sizeof(buf));
    CHECK_EQ(n, (long)sizeof(wenv));
    CHECK(memcmp(buf, wenv, sizeof(wenv)) == 0);
    CHECK_EQ(write(to_child[1], "g", 1), 1);
    test_wait_exit(pid, 0);
    /* Once reaped, the process's files are gone. */
    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    CHECK_ERR(open(path, O_RDONLY), ENOENT);
    (void)argv;
    TEST_OK();
}
