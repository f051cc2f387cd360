/* SPDX-License-Identifier: Apache-2.0 */
/* FUTEX_LOCK_PI / FUTEX_TRYLOCK_PI / FUTEX_UNLOCK_PI: the word holds the owner's tid, waiters
 * set FUTEX_WAITERS and ownership is handed over on unlock. */
#include "test.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

static uint32_t g_lock;
static volatile pid_t g_thread_tid;
static volatile int g_thread_got;

static long futex(void *uaddr, int op, uint32_t val, const void *ts)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void *locker(void *arg)
{
    (void)arg;
    g_thread_tid = gettid();
    /* Trylock while main holds it fails. */
    CHECK_ERR(futex(&g_lock, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL), EAGAIN);
    CHECK_ERR(futex(&g_lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), EPERM);
    long r;
    do {
        r = futex(&g_lock, FUTEX_LOCK_PI_PRIVATE, 0, NULL);
    } while (r == -1 && errno == EINTR);
    CHECK_EQ(r, 0);
    CHECK_EQ(__atomic_load_n(&g_lock, __ATOMIC_SEQ_CST) & FUTEX_TID_MASK, gettid());
    g_thread_got = 1;
    CHECK_EQ(futex(&g_lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), 0);
    return NULL;
}

int main(void)
{
    pid_t me = gettid();
    /* Uncontended lock in the kernel sets the word to our tid. */
    CHECK_EQ(futex(&g_lock, FUTEX_LOCK_PI_PRIVATE, 0, NULL), 0);
    CHECK_EQ(g_lock, me);
    /* Locking again is a deadlock. */
    CHECK_ERR(futex(&g_lock, FUTEX_LOCK_PI_PRIVATE, 0, NULL), EDEADLK);
    CHECK_ERR(futex(&g_lock, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL), EDEADLK);
    CHECK_EQ(futex(&g_lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), 0);
    CHECK_EQ(g_lock, 0);
    /* Unlocking a lock we do not own. */
    CHECK_ERR(futex(&g_lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), EPERM);
    CHECK_EQ(futex(&g_lock, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL), 0);
    CHECK_EQ(g_lock, me);

    /* Contended: the thread blocks, which sets FUTEX_WAITERS; unlock hands it over. */
    pthread_t th;
    CHECK(pthread_create(&th, NULL, locker, NULL) == 0);
    for (int i = 0; i < 5000 && !(__atomic_load_n(&g_lock, __ATOMIC_SEQ_CST) & FUTEX_WAITERS); i++)
        usleep(1000);
    uint32_t w = __atomic_load_n(&g_lock, __ATOMIC_SEQ_CST);
    CHECK(w & FUTEX_WAITERS);
    CHECK_EQ(w & FUTEX_TID_MASK, me);
    CHECK_EQ(g_thread_got, 0);
    CHECK_EQ(futex(&g_lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), 0);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK_EQ(g_thread_got, 1);
    CHECK_EQ(g_lock, 0);

    /* A word naming a tid that does not exist: the kernel refuses with ESRCH. */
    g_lock = 0x3ffffff0;
    CHECK_ERR(futex(&g_lock, FUTEX_LOCK_PI_PRIVATE, 0, NULL), ESRCH);
    TEST_OK();
}
