/* SPDX-License-Identifier: Apache-2.0 */
/* Many threads share the pid, get distinct tids, show up in /proc/self/task, and join with
 * their return values. */
#include "test.h"

#include <dirent.h>
#include <pthread.h>

#define N 64

static pid_t g_tids[N];
static pthread_barrier_t g_barrier;

static void *thread_main(void *arg)
{
    long i = (long)arg;
    g_tids[i] = gettid();
    CHECK_EQ(getpid(), getpid());
    pthread_barrier_wait(&g_barrier);
    /* Everyone is alive here; main counts the tasks. */
    pthread_barrier_wait(&g_barrier);
    return (void *)(i * 3);
}

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

int main(void)
{
    CHECK_EQ(gettid(), getpid());
    CHECK_EQ(count_tasks(), 1);
    CHECK(pthread_barrier_init(&g_barrier, NULL, N + 1) == 0);
    pthread_t th[N];
    for (long i = 0; i < N; i++)
        CHECK(pthread_create(&th[i], NULL, thread_main, (void *)i) == 0);
    pthread_barrier_wait(&g_barrier);
    CHECK_EQ(count_tasks(), N + 1);
    for (int i = 0; i < N; i++) {
        CHECK(g_tids[i] != getpid());
        CHECK(g_tids[i] > 0);
        for (int j = 0; j < i; j++)
            CHECK(g_tids[i] != g_tids[j]);
        /* Each thread is visible by tid. */
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/task/%d", g_tids[i]);
        CHECK(access(path, F_OK) == 0);
    }
    pthread_barrier_wait(&g_barrier);
    for (long i = 0; i < N; i++) {
        void *ret;
        CHECK(pthread_join(th[i], &ret) == 0);
        CHECK(ret == (void *)(i * 3));
    }
    CHECK_EQ(count_tasks(), 1);
    TEST_OK();
}
