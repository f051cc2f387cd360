/* SPDX-License-Identifier: Apache-2.0 */
/* exit_group from any thread ends the whole process with that code; SYS_exit from a
 * non-leader thread ends only that thread. */
#include "test.h"

#include <pthread.h>
#include <sys/syscall.h>

static void *exit_group_thread(void *arg)
{
    (void)arg;
    syscall(SYS_exit_group, 21);
    return NULL;
}

static void *exit_thread(void *arg)
{
    (void)arg;
    syscall(SYS_exit, 0);
    return NULL;
}

static int thread_count(void)
{
    int n = 0;
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

int main(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pthread_t th;
        for (int i = 0; i < 3; i++)
            pthread_create(&th, NULL, exit_group_thread, NULL);
        for (;;)
            pause();
    }
    test_wait_exit(child, 21);

    /* A thread leaving with SYS_exit does not end the process. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pthread_t th;
        if (pthread_create(&th, NULL, exit_thread, NULL) != 0)
            _exit(1);
        /* Cannot pthread_join (glibc cleanup skipped), so poll until the task is gone. */
        for (int i = 0; i < 5000; i++) {
            if (thread_count() == 1)
                _exit(22);
            usleep(1000);
        }
        _exit(2);
    }
    test_wait_exit(child, 22);

    /* When the leader calls SYS_exit, the other threads go on; the process exits with the
     * status of the last exit_group. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pthread_t th;
        if (pthread_create(&th, NULL, exit_group_thread, NULL) != 0)
            _exit(1);
        syscall(SYS_exit, 5);
    }
    test_wait_exit(child, 21);
    TEST_OK();
}
