/* SPDX-License-Identifier: Apache-2.0 */
/* getpid/gettid/getppid agree with each other, with threads, with children and with the
 * /proc/self and /proc/thread-self links. */
#include "test.h"

#include <pthread.h>
#include <sys/syscall.h>

static volatile pid_t g_tid, g_pid, g_ppid;

static void *thread_main(void *arg)
{
    (void)arg;
    g_tid = gettid();
    g_pid = getpid();
    g_ppid = getppid();
    return NULL;
}

static pid_t link_pid(const char *path)
{
    char buf[64];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    CHECK(n > 0);
    buf[n] = 0;
    /* "/proc/thread-self" points to "<pid>/task/<tid>". */
    char *t = strstr(buf, "/task/");
    return t ? atoi(t + 6) : atoi(buf);
}

int main(void)
{
    pid_t pid = getpid();
    CHECK_EQ(gettid(), pid);
    CHECK_EQ(syscall(SYS_getpid), pid);
    CHECK_EQ(syscall(SYS_gettid), pid);
    CHECK(getppid() > 0);
    CHECK(getppid() != pid);
    CHECK_EQ(link_pid("/proc/self"), pid);
    CHECK_EQ(link_pid("/proc/thread-self"), pid);

    pthread_t th;
    CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK(g_tid != pid);
    CHECK(g_tid > 0);
    CHECK_EQ(g_pid, pid);
    CHECK_EQ(g_ppid, getppid());

    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pid_t v[3] = { getpid(), gettid(), getppid() };
        _exit(write(p[1], v, sizeof(v)) == sizeof(v) ? 0 : 1);
    }
    pid_t v[3];
    CHECK_EQ(read(p[0], v, sizeof(v)), sizeof(v));
    CHECK_EQ(v[0], child);
    CHECK_EQ(v[1], child);
    CHECK_EQ(v[2], pid);
    test_wait_exit(child, 0);

    /* Real and effective ids agree for a plain process. */
    CHECK_EQ(getuid(), geteuid());
    CHECK_EQ(getgid(), getegid());
    TEST_OK();
}
