/* SPDX-License-Identifier: Apache-2.0 */
/* mlock accounting without CAP_IPC_LOCK: RLIMIT_MEMLOCK bounds what may be locked (ENOMEM past
 * it, already locked pages count once, munlock gives room back), a zero limit is EPERM,
 * mlockall(MCL_CURRENT) needs the whole address space under the limit, unmapped ranges are
 * ENOMEM, and bad flags EINVAL. */
#include "test.h"

#include <sys/mman.h>
#include <sys/resource.h>

static int run(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *a = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);

    /* Four pages at most, and no capability to pass that. */
    struct rlimit rl = { .rlim_cur = 4 * pg, .rlim_max = 4 * pg };
    CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
    if (getuid() == 0)
        CHECK(setuid(65534) == 0);
    CHECK(!test_has_cap(CAP_IPC_LOCK));

    CHECK(mlock(a, 3 * pg) == 0);
    /* Re-locking what is locked costs nothing; one more page fits, two do not. */
    CHECK(mlock(a, 3 * pg) == 0);
    CHECK(mlock(a + 2 * pg, 2 * pg) == 0);
    CHECK_ERR(mlock(a + 4 * pg, pg), ENOMEM);
    CHECK(munlock(a, 2 * pg) == 0);
    CHECK(mlock(a + 4 * pg, 2 * pg) == 0);
    CHECK_ERR(mlock2(a + 6 * pg, pg, 0), ENOMEM);
    CHECK(munlockall() == 0);
    CHECK(mlock2(a, 4 * pg, MLOCK_ONFAULT) == 0);
    CHECK_ERR(mlock2(a, pg, 4), EINVAL);
    CHECK(munlockall() == 0);

    /* The whole address space is far more than four pages. */
    CHECK_ERR(mlockall(MCL_CURRENT), ENOMEM);
    CHECK(mlockall(MCL_FUTURE) == 0);
    CHECK(munlockall() == 0);
    CHECK_ERR(mlockall(MCL_ONFAULT), EINVAL);
    CHECK_ERR(mlockall(0x100), EINVAL);

    /* Unmapped memory. */
    CHECK(munmap(a + 7 * pg, pg) == 0);
    CHECK_ERR(mlock(a + 6 * pg, 2 * pg), ENOMEM);
    CHECK_ERR(munlock(a + 6 * pg, 2 * pg), ENOMEM);

    /* A zero limit: EPERM. */
    rl.rlim_cur = 0;
    CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
    CHECK_ERR(mlock(a, pg), EPERM);
    CHECK_ERR(mlockall(MCL_CURRENT), EPERM);
    return 0;
}

int main(void)
{
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0)
        _exit(run());
    test_wait_exit(c, 0);
    TEST_OK();
}
