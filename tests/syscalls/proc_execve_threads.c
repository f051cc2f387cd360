/* SPDX-License-Identifier: Apache-2.0 */
/* execve from a multi-threaded process kills the other threads; when a non-leader thread
 * execs, it takes over the thread-group id. */
#include "test.h"

#include <dirent.h>
#include <pthread.h>

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

static char *g_exe_argv0;
static int g_fd;

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void do_exec(void)
{
    char fdbuf[16];
    snprintf(fdbuf, sizeof(fdbuf), "%d", g_fd);
    char *args[] = { g_exe_argv0, "--child", fdbuf, NULL };
    execv("/proc/self/exe", args);
    _exit(99);
}

static void *execer(void *arg)
{
    (void)arg;
    do_exec();
    return NULL;
}

/* In the child: start 3 sleeping threads and exec from main or from a thread. */
static void run_child(int from_thread)
{
    pthread_t th;
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&th, NULL, sleeper, NULL) == 0);
    CHECK_EQ(count_tasks(), 4);
    if (from_thread) {
        CHECK(pthread_create(&th, NULL, execer, NULL) == 0);
        for (;;)
            pause();
    }
    do_exec();
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--child") == 0) {
        /* After exec: one thread whose tid is the pid. */
        int fd = atoi(argv[2]);
        int info[3] = { count_tasks(), getpid(), gettid() };
        CHECK_EQ(write(fd, info, sizeof(info)), sizeof(info));
        return 0;
    }
    g_exe_argv0 = argv[0];
    for (int from_thread = 0; from_thread < 2; from_thread++) {
        int p[2];
        CHECK(pipe(p) == 0);
        g_fd = p[1];
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            close(p[0]);
            run_child(from_thread);
        }
        close(p[1]);
        int info[3];
        CHECK_EQ(read(p[0], info, sizeof(info)), sizeof(info));
        CHECK_EQ(info[0], 1);
        CHECK_EQ(info[1], child);
        CHECK_EQ(info[2], child);
        test_wait_exit(child, 0);
        close(p[0]);
    }
    TEST_OK();
}
