/* SPDX-License-Identifier: Apache-2.0 */
/* sigaltstack rejects small stacks with ENOMEM, bad flags with EINVAL and bad pointers with
 * EFAULT. */
#include "test.h"

#include <signal.h>
#include <sys/syscall.h>

int main(void)
{
    static char buf[64 * 1024];
    stack_t ss = { .ss_sp = buf, .ss_size = 100, .ss_flags = 0 };
    CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);

    /* MINSIGSTKSZ for the kernel check is 2048 on x86-64 (it may be larger with AVX-512). */
    ss.ss_size = sizeof(buf);
    ss.ss_flags = 0x1234;
    CHECK_ERR(sigaltstack(&ss, NULL), EINVAL);
    ss.ss_flags = SS_ONSTACK;
    /* SS_ONSTACK is accepted as a synonym for 0 for compatibility. */
    CHECK(sigaltstack(&ss, NULL) == 0);
    stack_t cur;
    CHECK(sigaltstack(NULL, &cur) == 0);
    CHECK_EQ(cur.ss_flags, 0);
    CHECK(cur.ss_sp == buf);

    /* The old stack is returned when setting a new one. */
    static char buf2[64 * 1024];
    stack_t ss2 = { .ss_sp = buf2, .ss_size = sizeof(buf2) };
    stack_t old;
    CHECK(sigaltstack(&ss2, &old) == 0);
    CHECK(old.ss_sp == buf);
    CHECK_EQ(old.ss_size, sizeof(buf));

    /* SS_DISABLE ignores the size. */
    stack_t off = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
    CHECK(sigaltstack(&off, NULL) == 0);

    CHECK_ERR(syscall(SYS_sigaltstack, (void *)1, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_sigaltstack, NULL, (void *)1), EFAULT);
    TEST_OK();
}
