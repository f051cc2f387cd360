/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FUTEX_WAKE_OP under contention. (1) The operation is atomic against app
 * code: two threads add to a word with lock-prefixed adds while two others
 * add to it with FUTEX_WAKE_OP (FUTEX_OP_ADD): the sum is exact. (2) The
 * condition variable of older glibc, whose signal releases the mutex and
 * wakes a waiter in one FUTEX_WAKE_OP (FUTEX_OP_SET 0, wake a mutex waiter if
 * it was contended): producers and consumers pass 40,000 items through it
 * while the mutex's user-space fast path (cmpxchg, xchg) runs on the same
 * word; every item arrives and nobody hangs. (3) glibc's own condition
 * variable in the same pattern.
 */
#include "test.h"

#include <limits.h>
#include <stdbool.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

#define ADDERS     2
#define ADD_ROUNDS 200000
#define OPERS      2
#define OP_ROUNDS  20000
#define PRODUCERS  2
#define CONSUMERS  2
#define ITEMS      20000 /* per producer */

static long futex(uint32_t *uaddr, int op, uint32_t val, uintptr_t val2, uint32_t *uaddr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

/* ---- (1) atomic adds against FUTEX_OP_ADD ---- */

static uint32_t g_sum;
static uint32_t g_dummy;

static void *adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ADD_ROUNDS; i++)
        __atomic_fetch_add(&g_sum, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void *oper(void *arg)
{
    (void)arg;
    for (int i = 0; i < OP_ROUNDS; i++) {
        /* Nobody waits on either word: 0 woken, the add happens all the same. */
        CHECK_EQ(futex(&g_dummy, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_sum,
                       FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)),
                 0);
    }
    return NULL;
}

/* ---- (2) a futex mutex (0 free, 1 held, 2 contended) and a WAKE_OP condition variable ---- */

static uint32_t g_mutex;
static uint32_t g_seq; /* the condition's sequence word */
static long g_queue, g_consumed, g_produced;

static void mutex_lock(void)
{
    uint32_t c = 0;

    if (__atomic_compare_exchange_n(&g_mutex, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (c != 2)
        c = __atomic_exchange_n(&g_mutex, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        futex(&g_mutex, FUTEX_WAIT_PRIVATE, 2, 0, NULL, 0);
        c = __atomic_exchange_n(&g_mutex, 2, __ATOMIC_ACQUIRE);
    }
}

static void mutex_unlock(void)
{
    if (__atomic_exchange_n(&g_mutex, 0, __ATOMIC_RELEASE) == 2)
        futex(&g_mutex, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
}

/* Waits with the mutex held; returns with it held (contended: waiters may remain). */
static void cond_wait(void)
{
    uint32_t seq = __atomic_load_n(&g_seq, __ATOMIC_RELAXED);

    mutex_unlock();
    futex(&g_seq, FUTEX_WAIT_PRIVATE, seq, 0, NULL, 0);
    uint32_t c = __atomic_exchange_n(&g_mutex, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        futex(&g_mutex, FUTEX_WAIT_PRIVATE, 2, 0, NULL, 0);
        c = __atomic_exchange_n(&g_mutex, 2, __ATOMIC_ACQUIRE);
    }
}

/* Signals `n` waiters and releases the mutex in one call: old glibc's pthread_cond_signal. */
static void cond_signal_unlock(int n)
{
    long r;

    __atomic_fetch_add(&g_seq, 1, __ATOMIC_RELEASE);
    r = futex(&g_seq, FUTEX_WAKE_OP_PRIVATE, (uint32_t)n, 1, &g_mutex,
              FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GT, 1));
    CHECK(r >= 0);
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        mutex_lock();
        g_queue++;
        g_produced++;
        cond_signal_unlock(1);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long *mine = arg;

    for (;;) {
        mutex_lock();
        while (g_queue == 0 && g_consumed < (long)PRODUCERS * ITEMS)
            cond_wait();
        if (g_consumed == (long)PRODUCERS * ITEMS) {
            /* The end: every other consumer must see it too. */
            cond_signal_unlock(INT_MAX);
            return NULL;
        }
        g_queue--;
        g_consumed++;
        (*mine)++;
        if (g_consumed == (long)PRODUCERS * ITEMS)
            cond_signal_unlock(INT_MAX);
        else
            mutex_unlock();
    }
}

/* ---- (3) the same with glibc's pthread_cond_t ---- */

static pthread_mutex_t g_pmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_pcond = PTHREAD_COND_INITIALIZER;
static long g_pqueue, g_pconsumed;

static void *pproducer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        CHECK_EQ(pthread_mutex_lock(&g_pmu), 0);
        g_pqueue++;
        CHECK_EQ(pthread_cond_signal(&g_pcond), 0);
        CHECK_EQ(pthread_mutex_unlock(&g_pmu), 0);
    }
    return NULL;
}

static void *pconsumer(void *arg)
{
    long *mine = arg;

    CHECK_EQ(pthread_mutex_lock(&g_pmu), 0);
    for (;;) {
        while (g_pqueue == 0 && g_pconsumed < (long)PRODUCERS * ITEMS)
            CHECK_EQ(pthread_cond_wait(&g_pcond, &g_pmu), 0);
        if (g_pconsumed == (long)PRODUCERS * ITEMS)
            break;
        g_pqueue--;
        g_pconsumed++;
        (*mine)++;
        if (g_pconsumed == (long)PRODUCERS * ITEMS)
            CHECK_EQ(pthread_cond_broadcast(&g_pcond), 0);
    }
    CHECK_EQ(pthread_mutex_unlock(&g_pmu), 0);
    return NULL;
}

int main(void)
{
    pthread_t th[8];
    long got[CONSUMERS] = { 0 };
    int n = 0;

    /* A lost wake-up hangs: fail instead (SIGALRM's default action kills). */
    alarm(600);

    for (int i = 0; i < ADDERS; i++)
        CHECK_EQ(pthread_create(&th[n++], NULL, adder, NULL), 0);
    for (int i = 0; i < OPERS; i++)
        CHECK_EQ(pthread_create(&th[n++], NULL, oper, NULL), 0);
    for (int i = 0; i < n; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    CHECK_EQ(g_sum, (uint32_t)(ADDERS * ADD_ROUNDS + OPERS * OP_ROUNDS));

    n = 0;
    for (int i = 0; i < CONSUMERS; i++)
        CHECK_EQ(pthread_create(&th[n++], NULL, consumer, &got[i]), 0);
    for (int i = 0; i < PRODUCERS; i++)
        CHECK_EQ(pthread_create(&th[n++], NULL, producer, NULL), 0);
    for (int i = 0; i < n; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    CHECK_EQ(g_produced, (long)PRODUCERS * ITEMS);
    CHECK_EQ(got[0] + got[1], (long)PRODUCERS * ITEMS);
    CHECK_EQ(g_queue, 0);

    n = 0;
    got[0] = got[1] = 0;
    for (int i = 0; i < CONSUMERS; i++)
        CHECK_EQ(pthread_create(&th[n++], NULL, pconsumer, &got[i]), 0);
    for (int i = 0; i < PRODUCERS; i++)
        CHECK_EQ(pthread_create(&th[n++], NULL, pproducer, NULL), 0);
    for (int i = 0; i < n; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    CHECK_EQ(got[0] + got[1], (long)PRODUCERS * ITEMS);
    CHECK_EQ(g_pqueue, 0);
    TEST_OK();
}
