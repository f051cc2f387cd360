/* SPDX-License-Identifier: Apache-2.0 */
/* Shared futexes on MAP_SHARED memory work across processes; a FUTEX_PRIVATE wake does not
 * match a shared waiter. */
#include "test.h"

#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static long futex(void *uaddr, int op, uint32_t val, long val2, void *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, (void *)val2, uaddr2, val3);
}

int main(void)
{
    uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(w != MAP_FAILED);
    w[0] = 0; /* gate the child waits on */
    w[1] = 0; /* where the child is requeued to */
    w[2] = 0; /* set to 1 by the child after it wakes */

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        long r;
        do {
            r = futex(&w[0], FUTEX_WAIT, 0, 0, NULL, 0);
        } while (r == -1 && errno == EINTR);
        __atomic_store_n(&w[2], 1, __ATOMIC_SEQ_CST);
        _exit(r == 0 ? 0 : 1);
    }
    /* Wait until the child is blocked: requeue it (shared) from w[0] to w[1]. */
    long moved = 0;
    while (moved == 0) {
        moved = futex(&w[0], FUTEX_CMP_REQUEUE, 0, INT_MAX, &w[1], 0);
        CHECK(moved >= 0);
        if (moved == 0)
            usleep(1000);
    }
    CHECK_EQ(moved, 1);
    /* The private key differs from the shared one even for the same address. */
    CHECK_EQ(futex(&w[1], FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 0);
    CHECK_EQ(w[2], 0);
    CHECK_EQ(futex(&w[1], FUTEX_WAKE, INT_MAX, 0, NULL, 0), 1);
    test_wait_exit(child, 0);
    CHECK_EQ(w[2], 1);

    CHECK(munmap(w, 4096) == 0);
    TEST_OK();
}
