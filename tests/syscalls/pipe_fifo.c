/* SPDX-License-Identifier: Apache-2.0 */
/* Named pipes: a non-blocking reader opens without a writer, a non-blocking writer without a
 * reader fails with ENXIO, a blocking open waits for the other side, O_RDWR never blocks,
 * and data flows like a pipe. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/fifo", dir);
    CHECK(mkfifo(path, 0600) == 0);
    CHECK_ERR(mkfifo(path, 0600), EEXIST);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));

    CHECK_ERR(open(path, O_WRONLY | O_NONBLOCK), ENXIO);
    int r = open(path, O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    char c;
    /* No writer has ever connected: read returns EOF, not EAGAIN. */
    CHECK_EQ(read(r, &c, 1), 0);
    int w = open(path, O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0);
    CHECK_ERR(read(r, &c, 1), EAGAIN);
    CHECK_EQ(write(w, "f", 1), 1);
    CHECK_EQ(read(r, &c, 1), 1);
    CHECK_EQ(c, 'f');
    close(w);
    CHECK_EQ(read(r, &c, 1), 0);
    close(r);

    /* O_RDWR opens immediately (Linux-specific) and sees its own writes. */
    int rw = open(path, O_RDWR);
    CHECK(rw >= 0);
    CHECK_EQ(write(rw, "x", 1), 1);
    CHECK_EQ(read(rw, &c, 1), 1);
    CHECK_EQ(c, 'x');
    close(rw);

    /* A blocking reader open waits until a writer appears (in a child). */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int wf = open(path, O_WRONLY);
        if (wf < 0)
            _exit(1);
        _exit(write(wf, "hello", 5) == 5 ? 0 : 2);
    }
    r = open(path, O_RDONLY);
    CHECK(r >= 0);
    char buf[8];
    size_t got = 0;
    ssize_t n;
    while ((n = read(r, buf + got, sizeof(buf) - got)) > 0)
        got += n;
    CHECK_EQ(n, 0);
    CHECK_EQ(got, 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    test_wait_exit(child, 0);
    close(r);

    /* lseek on a FIFO is ESPIPE; the file itself has size 0. */
    rw = open(path, O_RDWR);
    CHECK(rw >= 0);
    CHECK_ERR(lseek(rw, 0, SEEK_SET), ESPIPE);
    CHECK(fstat(rw, &st) == 0);
    CHECK_EQ(st.st_size, 0);
    close(rw);

    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
