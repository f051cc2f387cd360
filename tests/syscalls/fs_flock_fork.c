/* SPDX-License-Identifier: Apache-2.0 */
/* flock locks belong to the open file description: a forked child shares the parent's lock,
 * an unlock in the child releases it for everyone, and a lock only goes away when the last
 * descriptor (parent and child) is closed. A blocked LOCK_EX wakes when the holder unlocks. */
#include "test.h"

#include <fcntl.h>
#include <sys/file.h>
#include <time.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int a = open(f, O_RDWR | O_CREAT, 0600);
    int b = open(f, O_RDWR);
    CHECK(a >= 0 && b >= 0);
    CHECK(flock(a, LOCK_EX) == 0);

    /* Child closes its copy: the parent's lock stays. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(a);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);

    /* Child unlocks through its copy: released for the parent too. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(flock(a, LOCK_UN) == 0 ? 0 : 1);
    test_wait_exit(pid, 0);
    CHECK(flock(b, LOCK_EX | LOCK_NB) == 0);
    CHECK(flock(b, LOCK_UN) == 0);

    /* The child holds the shared description open after the parent closes: still locked. */
    CHECK(flock(a, LOCK_EX) == 0);
    int sync_p[2], done_p[2];
    CHECK(pipe(sync_p) == 0 && pipe(done_p) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char c;
        close(sync_p[1]);
        close(done_p[0]);
        if (write(done_p[1], "r", 1) != 1)
            _exit(2);
        if (read(sync_p[0], &c, 1) != 1) /* wait for the parent's check */
            _exit(3);
        _exit(0); /* closing the last reference */
    }
    close(sync_p[0]);
    close(done_p[1]);
    char c;
    CHECK_EQ(read(done_p[0], &c, 1), 1);
    close(a);
    CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_EQ(write(sync_p[1], "g", 1), 1);
    test_wait_exit(pid, 0);
    CHECK(flock(b, LOCK_EX | LOCK_NB) == 0);

    /* A blocking LOCK_EX in a child waits for our unlock. */
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int cfd = open(f, O_RDWR);
        if (cfd < 0)
            _exit(2);
        if (flock(cfd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK)
            _exit(3);
        if (write(ready[1], "w", 1) != 1)
            _exit(4);
        if (flock(cfd, LOCK_EX) != 0)
            _exit(5);
        _exit(0);
    }
    CHECK_EQ(read(ready[0], &c, 1), 1);
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    int st;
    CHECK_EQ(waitpid(pid, &st, WNOHANG), 0); /* still blocked */
    CHECK(flock(b, LOCK_UN) == 0);
    test_wait_exit(pid, 0);
    close(b);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
