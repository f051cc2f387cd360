/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A PTHREAD_PRIO_INHERIT mutex under contention: 4 threads x 100,000
 * lock/unlock rounds around a shared counter. glibc takes and releases a
 * free PI mutex in user space with a cmpxchg of the owner's tid and goes to
 * the kernel (FUTEX_LOCK_PI / UNLOCK_PI) only when it sees FUTEX_WAITERS, so
 * the kernel's word updates race with those cmpxchgs all the time: a lost
 * update shows as a wrong count or a waiter that never wakes (the alarm).
 * Under the sandbox on a loaded machine every contended round is a kernel
 * hand-over (~50 us), so each thread stops early after BUDGET_S seconds (the
 * runner's limit is 30 s): the count must then equal the rounds done.
 */
#include "test.h"

#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <time.h>

#define THREADS  4
#define ROUNDS   100000
#define BUDGET_S 18

static pthread_mutex_t g_mu;
static long g_counter;
static long g_done[THREADS];
static struct timespec g_start;

static bool over_budget(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec - g_start.tv_sec >= BUDGET_S;
}

static void *worker(void *arg)
{
    long id = (long)arg, i;

    for (i = 0; i < ROUNDS; i++) {
        if (i % 1024 == 0 && over_budget())
            break;
        CHECK_EQ(pthread_mutex_lock(&g_mu), 0);
        g_counter++;
        /* Now and then hold the lock across a yield so that others queue in the kernel. */
        if ((i + id) % 64 == 0)
            sched_yield();
        CHECK_EQ(pthread_mutex_unlock(&g_mu), 0);
    }
    g_done[id] = i;
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_t th[THREADS];
    long total = 0;

    /* A lost wake-up hangs: fail instead (SIGALRM's default action kills). */
    alarm(600);
    CHECK_EQ(pthread_mutexattr_init(&attr), 0);
    CHECK_EQ(pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT), 0);
    CHECK_EQ(pthread_mutex_init(&g_mu, &attr), 0);
    clock_gettime(CLOCK_MONOTONIC, &g_start);
    for (long i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, worker, (void *)i), 0);
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < THREADS; i++)
        total += g_done[i];
    if (total < (long)THREADS * ROUNDS)
        fprintf(stderr, "note: %ld of %ld rounds in %d s\n", total, (long)THREADS * ROUNDS,
                BUDGET_S);
    CHECK_EQ(g_counter, total);
    /* The word is free again: a trylock takes it in user space. */
    CHECK_EQ(pthread_mutex_trylock(&g_mu), 0);
    CHECK_EQ(pthread_mutex_unlock(&g_mu), 0);
    CHECK_EQ(pthread_mutex_destroy(&g_mu), 0);
    TEST_OK();
}
