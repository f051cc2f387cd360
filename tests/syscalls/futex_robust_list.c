/* SPDX-License-Identifier: Apache-2.0 */
/* set_robust_list/get_robust_list round-trip, reject bad sizes, and when an owner dies the
 * kernel marks its robust futex FUTEX_OWNER_DIED (seen as EOWNERDEAD by pthread). */
#include "test.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

int main(void)
{
    /* glibc registered a list for the main thread. */
    struct robust_list_head *head = NULL;
    size_t len = 0;
    CHECK(syscall(SYS_get_robust_list, 0, &head, &len) == 0);
    CHECK(head != NULL);
    CHECK_EQ(len, sizeof(struct robust_list_head));

    CHECK_ERR(syscall(SYS_set_robust_list, head, len + 1), EINVAL);
    CHECK_ERR(syscall(SYS_get_robust_list, 0, (void *)8, &len), EFAULT);
    CHECK_ERR(syscall(SYS_get_robust_list, 0x3fffffff, &head, &len), ESRCH);

    static struct robust_list_head mine = { .list = { &mine.list }, .futex_offset = 0 };
    CHECK(syscall(SYS_set_robust_list, &mine, sizeof(mine)) == 0);
    struct robust_list_head *got = NULL;
    CHECK(syscall(SYS_get_robust_list, 0, &got, &len) == 0);
    CHECK(got == &mine);
    /* Restore glibc's list before using robust mutexes. */
    CHECK(syscall(SYS_set_robust_list, head, sizeof(*head)) == 0);

    /* A robust, process-shared mutex held by a child that dies. */
    pthread_mutex_t *mu =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(mu != MAP_FAILED);
    pthread_mutexattr_t attr;
    CHECK(pthread_mutexattr_init(&attr) == 0);
    CHECK(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) == 0);
    CHECK(pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) == 0);
    CHECK(pthread_mutex_init(mu, &attr) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (pthread_mutex_lock(mu) != 0)
            _exit(1);
        _exit(0); /* dies holding the lock */
    }
    test_wait_exit(child, 0);
    /* The lock word (the first int of the glibc mutex) now has OWNER_DIED and no owner. */
    uint32_t word = *(volatile uint32_t *)mu;
    CHECK(word & FUTEX_OWNER_DIED);
    CHECK_EQ(word & FUTEX_TID_MASK, 0);

    CHECK_EQ(pthread_mutex_lock(mu), EOWNERDEAD);
    CHECK_EQ(*(volatile uint32_t *)mu & FUTEX_TID_MASK, gettid());
    CHECK(pthread_mutex_consistent(mu) == 0);
    CHECK(pthread_mutex_unlock(mu) == 0);
    CHECK(pthread_mutex_lock(mu) == 0);
    CHECK(pthread_mutex_unlock(mu) == 0);
    TEST_OK();
}
