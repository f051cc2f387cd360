/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The futex ops that update the word atomically (WAKE_OP's operation,
 * LOCK_PI, UNLOCK_PI) fail with EFAULT on a read-only or unmapped word, as
 * Linux's futex_atomic_* do, and the process carries on: in the sandbox the
 * update runs as a locked instruction of the app thread itself, whose fault
 * must come back as EFAULT rather than a signal.
 */
#include "test.h"

#include <linux/futex.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static uint32_t g_dummy;

/* WAKE_OP: nr_wake2 1; the PI ops: no timeout. */
static long futex(uint32_t *uaddr, int op, uint32_t val, uint32_t *uaddr2, uint32_t val3)
{
    uintptr_t val2 = (op & FUTEX_CMD_MASK) == FUTEX_WAKE_OP ? 1 : 0;

    return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

int main(void)
{
    const uint32_t add = FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0);
    uint32_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    CHECK(ro != MAP_FAILED && gone != MAP_FAILED && rw != MAP_FAILED);
    CHECK(munmap(gone, 4096) == 0);
    for (int i = 0; i < 100; i++) {
        CHECK_ERR(futex(&g_dummy, FUTEX_WAKE_OP_PRIVATE, 1, ro, add), EFAULT);
        CHECK_ERR(futex(&g_dummy, FUTEX_WAKE_OP_PRIVATE, 1, gone, add), EFAULT);
        CHECK_ERR(futex(ro, FUTEX_LOCK_PI_PRIVATE, 0, NULL, 0), EFAULT);
        CHECK_ERR(futex(gone, FUTEX_LOCK_PI_PRIVATE, 0, NULL, 0), EFAULT);
        CHECK_ERR(futex(gone, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, 0), EFAULT);
        CHECK_ERR(futex(ro, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, 0), EFAULT);
    }
    CHECK_EQ(*ro, 0);
    /* The same calls on a writable word work (the app's state survived the faults). */
    CHECK_EQ(futex(&g_dummy, FUTEX_WAKE_OP_PRIVATE, 1, rw, add), 0);
    CHECK_EQ(*rw, 1);
    *rw = 0;
    CHECK_EQ(futex(rw, FUTEX_LOCK_PI_PRIVATE, 0, NULL, 0), 0);
    CHECK_EQ(*rw, (uint32_t)syscall(SYS_gettid));
    CHECK_EQ(futex(rw, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, 0), 0);
    CHECK_EQ(*rw, 0);
    TEST_OK();
}
