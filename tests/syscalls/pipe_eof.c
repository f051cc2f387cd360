/* SPDX-License-Identifier: Apache-2.0 */
/* A pipe reader sees EOF only after every write end (duplicates and forked copies) is
 * closed, and first drains the remaining data. */
#include "test.h"

#include <fcntl.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    int dupw = dup(p[1]);
    CHECK(dupw >= 0);
    int go[2];
    CHECK(pipe(go) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        /* Holds a copy of the write end until told to finish. */
        close(p[0]);
        close(dupw);
        close(go[1]);
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(1);
        if (write(p[1], "last", 4) != 4)
            _exit(2);
        _exit(0);
    }
    close(go[0]);
    CHECK_EQ(write(p[1], "ab", 2), 2);
    close(p[1]);
    CHECK_EQ(write(dupw, "cd", 2), 2);
    close(dupw);

    /* Still a writer (the child): a non-blocking read gives EAGAIN after the data. */
    CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
    char buf[16];
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "abcd", 4) == 0);
    CHECK_ERR(read(p[0], buf, sizeof(buf)), EAGAIN);
    CHECK(fcntl(p[0], F_SETFL, 0) == 0);

    CHECK_EQ(write(go[1], "g", 1), 1);
    /* Blocking reads: the child's data, then EOF once it exited. */
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "last", 4) == 0);
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
    test_wait_exit(child, 0);
    close(go[1]);
    close(p[0]);
    TEST_OK();
}
