/* SPDX-License-Identifier: Apache-2.0 */
/* close_range closes [first, last], ~0U means "to the end", CLOSE_RANGE_CLOEXEC only marks
 * them, and first > last or unknown flags give EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>

static int is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

int main(void)
{
    int base = open("/dev/null", O_RDONLY);
    CHECK(base >= 0);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(dup2(base, 100 + i), 100 + i);

    CHECK(syscall(SYS_close_range, 101, 102, 0) == 0);
    CHECK(is_open(100));
    CHECK(!is_open(101));
    CHECK(!is_open(102));
    CHECK(is_open(103));

    CHECK(syscall(SYS_close_range, 103, 104, CLOSE_RANGE_CLOEXEC) == 0);
    CHECK_EQ(fcntl(103, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(104, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(105, F_GETFD), 0);

    /* Ranges with nothing open are fine. */
    CHECK(syscall(SYS_close_range, 500, 600, 0) == 0);
    CHECK(syscall(SYS_close_range, 104, ~0U, 0) == 0);
    CHECK(is_open(103));
    CHECK(!is_open(104));
    CHECK(!is_open(105));

    CHECK_ERR(syscall(SYS_close_range, 10, 5, 0), EINVAL);
    CHECK_ERR(syscall(SYS_close_range, 100, 200, 0x80), EINVAL);

    /* CLOSE_RANGE_UNSHARE works on an unshared table too. */
    CHECK(syscall(SYS_close_range, 100, 103, CLOSE_RANGE_UNSHARE) == 0);
    CHECK(!is_open(100));
    CHECK(!is_open(103));
    CHECK(is_open(base));
    close(base);
    TEST_OK();
}
