/* SPDX-License-Identifier: Apache-2.0 */
/* fork from a multi-threaded process copies only the calling thread: the child has one task
 * whose tid is its pid, even when a non-main thread forks. */
#include "test.h"

#include <dirent.h>
#include <pthread.h>

static volatile int g_stop;

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void *sleeper(void *arg)
{
    (void)arg;
    while (!g_stop)
        usleep(1000);
    return NULL;
}

static void *forker(void *arg)
{
    (void)arg;
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(count_tasks() == 1 && gettid() == getpid() ? 0 : 1);
    test_wait_exit(child, 0);
    return NULL;
}

int main(void)
{
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&th[i], NULL, sleeper, NULL) == 0);
    CHECK_EQ(count_tasks(), 4);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(count_tasks() == 1 ? 0 : 1);
    test_wait_exit(child, 0);

    pthread_t f;
    CHECK(pthread_create(&f, NULL, forker, NULL) == 0);
    CHECK(pthread_join(f, NULL) == 0);

    g_stop = 1;
    for (int i = 0; i < 3; i++)
        CHECK(pthread_join(th[i], NULL) == 0);
    TEST_OK();
}
