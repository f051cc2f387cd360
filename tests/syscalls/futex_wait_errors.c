/* SPDX-License-Identifier: Apache-2.0 */
/* FUTEX_WAIT returns EAGAIN on a value mismatch, EINVAL for unaligned addresses and bad
 * timeouts, EFAULT for bad pointers and ENOSYS for unknown operations. */
#include "test.h"

#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

static long futex(void *uaddr, int op, uint32_t val, const struct timespec *ts, void *uaddr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

int main(void)
{
    static uint32_t words[4] = { 5, 0, 0, 0 };
    CHECK_ERR(futex(&words[0], FUTEX_WAIT, 4, NULL, NULL, 0), EAGAIN);
    CHECK_ERR(futex(&words[0], FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0), EAGAIN);
    CHECK_ERR(futex((char *)&words[0] + 1, FUTEX_WAIT, 5, NULL, NULL, 0), EINVAL);
    CHECK_ERR(futex((void *)8, FUTEX_WAIT, 5, NULL, NULL, 0), EFAULT);
    CHECK_ERR(futex(NULL, FUTEX_WAIT_PRIVATE, 5, NULL, NULL, 0), EFAULT);

    struct timespec bad = { .tv_sec = 0, .tv_nsec = 1000000000 };
    CHECK_ERR(futex(&words[0], FUTEX_WAIT, 5, &bad, NULL, 0), EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    CHECK_ERR(futex(&words[0], FUTEX_WAIT, 5, &bad, NULL, 0), EINVAL);
    CHECK_ERR(futex(&words[0], FUTEX_WAIT, 5, (void *)8, NULL, 0), EFAULT);

    /* Unknown command. */
    CHECK_ERR(futex(&words[0], 99, 0, NULL, NULL, 0), ENOSYS);
    /* FUTEX_CLOCK_REALTIME is only valid with the absolute-timeout operations. */
    CHECK_ERR(futex(&words[0], FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS);
    /* A zero bitset is invalid. */
    CHECK_ERR(futex(&words[0], FUTEX_WAIT_BITSET, 5, NULL, NULL, 0), EINVAL);
    CHECK_ERR(futex(&words[0], FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);

    /* Wake with nobody waiting returns 0; wake on an unaligned address is EINVAL. */
    CHECK_EQ(futex(&words[0], FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    CHECK_EQ(futex(&words[0], FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0), 0);
    CHECK_ERR(futex((char *)&words[0] + 2, FUTEX_WAKE, 1, NULL, NULL, 0), EINVAL);
    TEST_OK();
}
