/* SPDX-License-Identifier: Apache-2.0 */
/* MAP_SHARED anonymous memory stays shared across fork in both directions; MAP_PRIVATE memory
 * is copied on write, so neither side sees the other's later writes. */
#include "test.h"

#include <sys/mman.h>

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    volatile int *sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *pr = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED && pr != MAP_FAILED);
    sh[0] = 1;
    pr[0] = 1;

    int to_child[2], to_parent[2];
    CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char c;
        /* Child sees the values at fork time. */
        if (sh[0] != 1 || pr[0] != 1)
            _exit(1);
        sh[1] = 2;
        pr[1] = 2;
        if (write(to_parent[1], "a", 1) != 1)
            _exit(2);
        /* Wait for the parent's writes. */
        if (read(to_child[0], &c, 1) != 1)
            _exit(3);
        if (sh[2] != 3)
            _exit(4);
        if (pr[2] != 0)
            _exit(5);
        _exit(0);
    }
    char c;
    CHECK_EQ(read(to_parent[0], &c, 1), 1);
    CHECK_EQ(sh[1], 2);
    CHECK_EQ(pr[1], 0);
    sh[2] = 3;
    pr[2] = 3;
    CHECK_EQ(write(to_child[1], "b", 1), 1);
    test_wait_exit(child, 0);

    /* The shared page is still shared with a second generation. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pid_t gc = fork();
        if (gc == 0) {
            sh[3] = 44;
            _exit(0);
        }
        int st;
        waitpid(gc, &st, 0);
        _exit(0);
    }
    test_wait_exit(child, 0);
    CHECK_EQ(sh[3], 44);
    TEST_OK();
}
