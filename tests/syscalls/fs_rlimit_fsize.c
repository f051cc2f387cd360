/* SPDX-License-Identifier: Apache-2.0 */
/* RLIMIT_FSIZE: a write that would cross the limit is cut short at the limit; a write starting
 * at the limit raises SIGXFSZ (default action kills with a core) or, with SIGXFSZ ignored,
 * fails with EFBIG; ftruncate beyond the limit is EFBIG too. */
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);

    /* Default action: the child dies of SIGXFSZ. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = { 100, 100 };
        struct rlimit nocore = { 0, 0 };
        setrlimit(RLIMIT_CORE, &nocore);
        int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(2);
        char buf[150];
        memset(buf, 'a', sizeof(buf));
        if (write(fd, buf, sizeof(buf)) != 100)
            _exit(3);
        (void)write(fd, buf, 1);
        _exit(4);
    }
    int st = test_wait(pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGXFSZ);

    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { 100, 100 };
        int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(2);
        char buf[150];
        memset(buf, 'a', sizeof(buf));
        if (pwrite(fd, buf, sizeof(buf), 60) != 40)
            _exit(3);
        if (pwrite(fd, buf, 1, 100) != -1 || errno != EFBIG)
            _exit(4);
        if (ftruncate(fd, 101) != -1 || errno != EFBIG)
            _exit(5);
        if (ftruncate(fd, 100) != 0 || ftruncate(fd, 10) != 0)
            _exit(6);
        /* Writes below the limit still work. */
        if (pwrite(fd, buf, 10, 0) != 10)
            _exit(7);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
