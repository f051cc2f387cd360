/* SPDX-License-Identifier: Apache-2.0 */
/* A POSIX queue descriptor is a file: close-on-exec, fstat shows a regular file with the
 * queue's mode (umask applied), read() shows "QSIZE:<bytes> NOTIFY:<n> SIGNO:<s>
 * NOTIFY_PID:<pid>", mq_getattr's defaults come from /proc/sys/fs/mqueue, and an unlinked
 * queue keeps working while open. */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/stat.h>

static char g_name[64];

static void cleanup(void)
{
    mq_unlink(g_name);
}

static long read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;

    CHECK(f != NULL);
    CHECK_EQ(fscanf(f, "%ld", &v), 1);
    fclose(f);
    return v;
}

int main(void)
{
    snprintf(g_name, sizeof(g_name), "/ipc-mq-file-%d", (int)getpid());
    atexit(cleanup);
    umask(022);
    mqd_t q = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0666, NULL);
    CHECK(q != (mqd_t)-1);
    CHECK_EQ(fcntl(q, F_GETFD), FD_CLOEXEC);
    struct stat st;
    CHECK(fstat(q, &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0644);
    CHECK_EQ(st.st_uid, geteuid());

    struct mq_attr a;
    CHECK(mq_getattr(q, &a) == 0);
    CHECK_EQ(a.mq_maxmsg, read_long("/proc/sys/fs/mqueue/msg_default"));
    CHECK_EQ(a.mq_msgsize, read_long("/proc/sys/fs/mqueue/msgsize_default"));
    CHECK(read_long("/proc/sys/fs/mqueue/msg_max") >= a.mq_maxmsg);
    CHECK(read_long("/proc/sys/fs/mqueue/msgsize_max") >= a.mq_msgsize);
    CHECK(read_long("/proc/sys/fs/mqueue/queues_max") > 0);

    CHECK(mq_send(q, "hello", 5, 1) == 0);
    CHECK(mq_send(q, "abc", 3, 2) == 0);
    struct sigevent ev = { .sigev_notify = SIGEV_NONE };
    mqd_t q2 = mq_open(g_name, O_RDONLY);
    CHECK(q2 != (mqd_t)-1);
    CHECK(mq_notify(q2, &ev) == 0);
    char buf[128] = { 0 };
    ssize_t n = read(q, buf, sizeof(buf) - 1);
    CHECK(n > 0);
    unsigned long qsize = 99;
    int notify = -1, signo = -1, pid = -1;
    CHECK_EQ(
        sscanf(buf, "QSIZE:%lu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d", &qsize, &notify, &signo, &pid),
        4);
    CHECK_EQ(qsize, 8);
    CHECK_EQ(notify, SIGEV_NONE);
    CHECK_EQ(signo, 0);
    CHECK_EQ(pid, getpid());
    CHECK_EQ(read(q, buf, sizeof(buf)), 0);
    /* Closing the registering descriptor drops the notification. */
    CHECK(mq_close(q2) == 0);
    CHECK(lseek(q, 0, SEEK_SET) == 0);
    n = read(q, buf, sizeof(buf) - 1);
    CHECK(n > 0);
    buf[n] = 0;
    CHECK_EQ(
        sscanf(buf, "QSIZE:%lu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d", &qsize, &notify, &signo, &pid),
        4);
    CHECK_EQ(pid, 0);

    /* Unlinked but open: still usable; the name is free again. */
    CHECK(mq_unlink(g_name) == 0);
    char r[8192];
    CHECK_EQ(mq_receive(q, r, sizeof(r), NULL), 3);
    CHECK(mq_send(q, "again", 5, 0) == 0);
    mqd_t q3 = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    CHECK(q3 != (mqd_t)-1);
    CHECK(mq_getattr(q3, &a) == 0);
    CHECK_EQ(a.mq_curmsgs, 0);
    CHECK(mq_getattr(q, &a) == 0);
    CHECK_EQ(a.mq_curmsgs, 2);
    CHECK(mq_close(q3) == 0);
    CHECK(mq_close(q) == 0);
    TEST_OK();
}
