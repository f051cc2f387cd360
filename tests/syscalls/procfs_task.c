/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/task lists exactly one directory per thread (named by tid); each task's comm is
 * the thread's own name (pthread_setname_np); /proc/thread-self points at our task; a joined
 * thread disappears from the list. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>

#define N 4

static pthread_barrier_t bar;
static pid_t tids[N];

static void *worker(void *arg)
{
    int i = (int)(long)arg;
    tids[i] = (pid_t)syscall(SYS_gettid);
    char name[16];
    snprintf(name, sizeof(name), "worker-%d", i);
    pthread_setname_np(pthread_self(), name);
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    return NULL;
}

static int list_tasks(pid_t *out, int max)
{
    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        CHECK(n < max);
        out[n++] = atoi(e->d_name);
    }
    closedir(d);
    return n;
}

int main(void)
{
    CHECK(pthread_barrier_init(&bar, NULL, N + 1) == 0);
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        CHECK(pthread_create(&t[i], NULL, worker, (void *)(long)i) == 0);
    pthread_barrier_wait(&bar);

    pid_t seen[16];
    int n = list_tasks(seen, 16);
    CHECK_EQ(n, N + 1);
    for (int i = 0; i < N; i++) {
        int found = 0;
        for (int k = 0; k < n; k++)
            if (seen[k] == tids[i])
                found = 1;
        CHECK(found);
        char path[64], comm[32] = { 0 }, want[32];
        snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tids[i]);
        int fd = open(path, O_RDONLY);
        CHECK(fd >= 0);
        CHECK(read(fd, comm, sizeof(comm) - 1) > 0);
        close(fd);
        snprintf(want, sizeof(want), "worker-%d\n", i);
        CHECK(strcmp(comm, want) == 0);
    }
    int main_found = 0;
    for (int k = 0; k < n; k++)
        if (seen[k] == getpid())
            main_found = 1;
    CHECK(main_found);
    char link[64];
    ssize_t l = readlink("/proc/thread-self", link, sizeof(link) - 1);
    CHECK(l > 0);
    link[l] = 0;
    char want[64];
    snprintf(want, sizeof(want), "%d/task/%d", getpid(), getpid());
    CHECK(strcmp(link, want) == 0);

    pthread_barrier_wait(&bar);
    for (int i = 0; i < N; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    /* Joined threads disappear. pthread_join returns when the kernel clears the tid, which is
     * slightly before the task is released, so poll for a while. */
    for (int i = 0; i < 2000 && list_tasks(seen, 16) != 1; i++) {
        struct timespec ts = { 0, 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    CHECK_EQ(list_tasks(seen, 16), 1);
    CHECK_EQ(seen[0], getpid());
    TEST_OK();
}
