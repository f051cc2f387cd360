/* SPDX-License-Identifier: Apache-2.0 */
/* MSG_WAITALL on a stream blocks until the whole buffer is filled from several writes; it
 * returns short only at EOF. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int go[2];
    CHECK(pipe(go) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(sv[1]);
        char b;
        for (int i = 0; i < 4; i++) {
            /* One piece per token from the parent, so the reader really waits. */
            CHECK_EQ(read(go[0], &b, 1), 1);
            char piece[5];
            memset(piece, 'a' + i, sizeof(piece));
            CHECK_EQ(write(sv[0], piece, sizeof(piece)), 5);
        }
        CHECK_EQ(read(go[0], &b, 1), 1);
        CHECK_EQ(write(sv[0], "tail", 4), 4);
        _exit(0);
    }
    close(sv[0]);
    close(go[0]);
    CHECK_EQ(write(go[1], "1234", 4), 4);
    char buf[20];
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_WAITALL), 20);
    for (int i = 0; i < 20; i++)
        CHECK_EQ(buf[i], 'a' + i / 5);

    /* Asking for more than will ever come: short at EOF. */
    CHECK_EQ(write(go[1], "5", 1), 1);
    close(go[1]);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_WAITALL), 4);
    CHECK(memcmp(buf, "tail", 4) == 0);
    test_wait_exit(child, 0);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_WAITALL), 0);
    close(sv[1]);
    TEST_OK();
}
