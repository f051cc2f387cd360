/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/stat: field 1 is the pid, field 2 the comm in parentheses (which may itself hold
 * spaces and parentheses, so parse from the last ')'), state 'R' for ourselves, then ppid,
 * pgrp, session, and num_threads (field 20) counts our threads. */
#include "test.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

static void read_stat(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    long n = read(fd, buf, len - 1);
    CHECK(n > 0);
    buf[n] = 0;
    close(fd);
}

static pthread_barrier_t bar;

static void *idle(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    return NULL;
}

int main(void)
{
    CHECK(prctl(PR_SET_NAME, "we (ird) n") == 0);
    char buf[1024];
    read_stat("/proc/self/stat", buf, sizeof(buf));
    CHECK_EQ(atoi(buf), getpid());
    char *open_p = strchr(buf, '(');
    char *close_p = strrchr(buf, ')');
    CHECK(open_p && close_p && close_p > open_p);
    *close_p = 0;
    CHECK(strcmp(open_p + 1, "we (ird) n") == 0);
    char state;
    int ppid, pgrp, session;
    CHECK_EQ(sscanf(close_p + 2, "%c %d %d %d", &state, &ppid, &pgrp, &session), 4);
    CHECK_EQ(state, 'R');
    CHECK_EQ(ppid, getppid());
    CHECK_EQ(pgrp, getpgrp());
    CHECK_EQ(session, getsid(0));

    /* num_threads is field 20; count fields after the comm. */
    CHECK(pthread_barrier_init(&bar, NULL, 3) == 0);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&t[i], NULL, idle, NULL) == 0);
    pthread_barrier_wait(&bar);
    read_stat("/proc/self/stat", buf, sizeof(buf));
    char *p = strrchr(buf, ')') + 2;
    /* p points at field 3. */
    int field = 3;
    long threads = -1;
    for (char *tok = strtok(p, " "); tok; tok = strtok(NULL, " "), field++)
        if (field == 20)
            threads = atol(tok);
    CHECK_EQ(threads, 3);
    CHECK(field >= 52); /* modern kernels have 52 fields */
    pthread_barrier_wait(&bar);
    for (int i = 0; i < 2; i++)
        CHECK(pthread_join(t[i], NULL) == 0);

    /* /proc/<pid>/stat of a stopped child shows 'T'; of a zombie 'Z'. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    read_stat(path, buf, sizeof(buf));
    CHECK_EQ(strrchr(buf, ')')[2], 'T');
    CHECK(kill(pid, SIGKILL) == 0);
    siginfo_t si;
    CHECK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0);
    read_stat(path, buf, sizeof(buf));
    CHECK_EQ(strrchr(buf, ')')[2], 'Z');
    test_wait(pid);
    TEST_OK();
}
