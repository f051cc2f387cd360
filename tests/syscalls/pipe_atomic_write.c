/* SPDX-License-Identifier: Apache-2.0 */
/* Writes of at most PIPE_BUF bytes from concurrent writer processes are never interleaved:
 * every PIPE_BUF-sized record read back is uniform. */
#include "test.h"

#include <limits.h>

#define WRITERS 4
#define RECORDS 200

int main(void)
{
    CHECK_EQ(PIPE_BUF, 4096);
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t kids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        kids[w] = fork();
        CHECK(kids[w] >= 0);
        if (kids[w] == 0) {
            close(p[0]);
            char rec[PIPE_BUF];
            memset(rec, 'A' + w, sizeof(rec));
            for (int i = 0; i < RECORDS; i++)
                if (write(p[1], rec, sizeof(rec)) != sizeof(rec))
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    int counts[WRITERS] = { 0 };
    static char rec[PIPE_BUF];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(p[0], rec + have, sizeof(rec) - have);
        CHECK(n >= 0);
        if (n == 0)
            break;
        have += n;
        if (have < sizeof(rec))
            continue;
        int w = rec[0] - 'A';
        CHECK(w >= 0 && w < WRITERS);
        for (size_t i = 1; i < sizeof(rec); i++)
            if (rec[i] != rec[0]) {
                fprintf(stderr, "FAIL: record mixes writers at byte %zu\n", i);
                exit(1);
            }
        counts[w]++;
        have = 0;
    }
    CHECK_EQ(have, 0);
    for (int w = 0; w < WRITERS; w++) {
        CHECK_EQ(counts[w], RECORDS);
        test_wait_exit(kids[w], 0);
    }
    TEST_OK();
}
