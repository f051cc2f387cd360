/* SPDX-License-Identifier: Apache-2.0 */
/* F_SETLKW blocks until the conflicting lock is released; two processes each waiting for the
 * other's lock get EDEADLK for the one that would close the cycle; a signal interrupts
 * F_SETLKW with EINTR. */
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &fl);
}

static void on_alarm(int sig)
{
    (void)sig;
}

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 1) == 0);

    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int cfd = open(f, O_RDWR);
        if (cfd < 0 || lk(cfd, F_SETLK, F_WRLCK, 1, 1) != 0)
            _exit(2);
        if (write(ready[1], "1", 1) != 1)
            _exit(3);
        /* Wait for byte 0 held by the parent. */
        if (lk(cfd, F_SETLKW, F_WRLCK, 0, 1) != 0)
            _exit(4);
        _exit(0);
    }
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1);
    /* Wait until the child sleeps ('S' in /proc/<pid>/stat): it is then blocked in F_SETLKW.
     * If it were not, our F_SETLKW below would make the child's one fail and we would not see
     * EDEADLK, so a race fails the test rather than passing it. */
    for (int i = 0; i < 2000; i++) {
        char path[64], buf[256];
        snprintf(path, sizeof(path), "/proc/%d/stat", pid);
        FILE *fp = fopen(path, "r");
        CHECK(fp != NULL);
        CHECK(fgets(buf, sizeof(buf), fp) != NULL);
        fclose(fp);
        char *p = strrchr(buf, ')');
        if (p && p[2] == 'S')
            break;
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    /* We now wait for byte 1 (child) while the child waits for byte 0 (us): deadlock. */
    CHECK_ERR(lk(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK);
    CHECK(lk(fd, F_SETLK, F_UNLCK, 0, 1) == 0);
    test_wait_exit(pid, 0);

    /* EINTR: hold a lock in a child, wait for it here with an alarm. */
    int hold[2], rel[2];
    CHECK(pipe(hold) == 0 && pipe(rel) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int cfd = open(f, O_RDWR);
        if (cfd < 0 || lk(cfd, F_SETLK, F_WRLCK, 0, 0) != 0)
            _exit(2);
        if (write(hold[1], "h", 1) != 1 || read(rel[0], &c, 1) != 1)
            _exit(3);
        _exit(0);
    }
    CHECK_EQ(read(hold[0], &c, 1), 1);
    struct sigaction sa = { .sa_handler = on_alarm };
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { .it_value = { 0, 20000 } };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERR(lk(fd, F_SETLKW, F_RDLCK, 0, 1), EINTR);
    CHECK_EQ(write(rel[1], "r", 1), 1);
    test_wait_exit(pid, 0);
    CHECK(lk(fd, F_SETLKW, F_WRLCK, 0, 0) == 0);

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
