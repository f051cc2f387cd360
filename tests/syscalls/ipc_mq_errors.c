/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX queue error paths: a descriptor that is not a queue is EBADF for every mq call, the
 * access mode O_WRONLY|O_RDWR EINVAL, a name past NAME_MAX ENAMETOOLONG, "." and ".." EACCES,
 * a receive on a write-only descriptor EBADF, mq_setattr flags other than O_NONBLOCK EINVAL,
 * a bad sigev_notify or signal EINVAL, a second registration EBUSY, attribute limits EINVAL,
 * bad pointers EFAULT. */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/syscall.h>

static char g_name[64];

static void cleanup(void)
{
    mq_unlink(g_name);
}

int main(void)
{
    snprintf(g_name, sizeof(g_name), "/ipc-mq-err-%d", (int)getpid());
    atexit(cleanup);
    int p[2];
    CHECK(pipe(p) == 0);
    char buf[8192];
    struct mq_attr a;
    struct sigevent ev = { .sigev_notify = SIGEV_NONE };
    CHECK_ERR(mq_send(p[0], "x", 1, 0), EBADF);
    CHECK_ERR(mq_receive(p[0], buf, sizeof(buf), NULL), EBADF);
    CHECK_ERR(mq_getattr(p[0], &a), EBADF);
    CHECK_ERR(mq_notify(p[0], &ev), EBADF);
    CHECK_ERR(mq_getattr(999, &a), EBADF);

    /* O_WRONLY|O_RDWR creates (a descriptor that can neither read nor write) but does not
     * open an existing queue. */
    mqd_t odd = mq_open(g_name, O_CREAT | O_WRONLY | O_RDWR, 0600, NULL);
    CHECK(odd != (mqd_t)-1);
    CHECK_ERR(mq_send(odd, "x", 1, 0), EBADF);
    CHECK_ERR(mq_receive(odd, buf, sizeof(buf), NULL), EBADF);
    CHECK_ERR(mq_open(g_name, O_WRONLY | O_RDWR), EINVAL);
    CHECK(mq_close(odd) == 0);
    CHECK(mq_unlink(g_name) == 0);
    char longname[300];
    longname[0] = '/';
    memset(longname + 1, 'n', 256);
    longname[257] = 0;
    CHECK_ERR(mq_open(longname, O_CREAT | O_RDWR, 0600, NULL), ENAMETOOLONG);
    CHECK_ERR(syscall(SYS_mq_open, ".", O_RDONLY, 0, NULL), EACCES);
    CHECK_ERR(syscall(SYS_mq_open, "..", O_RDONLY, 0, NULL), EACCES);
    CHECK_ERR(syscall(SYS_mq_open, (char *)8, O_RDONLY, 0, NULL), EFAULT);
    CHECK_ERR(mq_unlink("/ipc-mq-err-none"), ENOENT);

    struct mq_attr big = { .mq_maxmsg = 65537, .mq_msgsize = 8 };
    CHECK_ERR(mq_open(g_name, O_CREAT | O_RDWR, 0600, &big), EINVAL);
    struct mq_attr neg = { .mq_maxmsg = 1, .mq_msgsize = -1 };
    CHECK_ERR(mq_open(g_name, O_CREAT | O_RDWR, 0600, &neg), EINVAL);
    CHECK_ERR(syscall(SYS_mq_open, g_name + 1, O_CREAT | O_RDWR, 0600, (void *)8), EFAULT);

    mqd_t w = mq_open(g_name, O_CREAT | O_EXCL | O_WRONLY, 0600, NULL);
    CHECK(w != (mqd_t)-1);
    CHECK_ERR(mq_receive(w, buf, sizeof(buf), NULL), EBADF);
    CHECK_ERR(read(w, buf, 1), EBADF);
    CHECK(mq_send(w, "m", 1, 0) == 0);
    CHECK_ERR(syscall(SYS_mq_timedsend, w, (void *)8, 1, 0, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_mq_timedsend, w, "x", 1, 0, (void *)8), EFAULT);

    struct mq_attr set = { .mq_flags = O_NONBLOCK | O_APPEND };
    CHECK_ERR(mq_setattr(w, &set, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_mq_getsetattr, w, NULL, (void *)8), EFAULT);
    set.mq_flags = O_NONBLOCK;
    struct mq_attr old;
    CHECK(mq_setattr(w, &set, &old) == 0);
    CHECK_EQ(old.mq_flags, 0);
    CHECK_EQ(old.mq_curmsgs, 1);
    CHECK(mq_getattr(w, &old) == 0);
    CHECK_EQ(old.mq_flags, O_NONBLOCK);
    CHECK_EQ(fcntl(w, F_GETFL) & O_NONBLOCK, O_NONBLOCK);

    struct sigevent badev = { .sigev_notify = 99 };
    CHECK_ERR(mq_notify(w, &badev), EINVAL);
    struct sigevent badsig = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 200 };
    CHECK_ERR(mq_notify(w, &badsig), EINVAL);
    CHECK_ERR(syscall(SYS_mq_notify, w, (void *)8), EFAULT);
    CHECK(mq_notify(w, &ev) == 0);
    CHECK_ERR(mq_notify(w, &ev), EBUSY);
    /* A child is not the owner: its removal does nothing, its registration is EBUSY. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(mq_notify(w, NULL) == 0 && mq_notify(w, &ev) == -1 && errno == EBUSY ? 0 : 1);
    test_wait_exit(child, 0);
    CHECK(mq_notify(w, NULL) == 0);
    CHECK(mq_notify(w, &ev) == 0);
    CHECK(mq_close(w) == 0);
    TEST_OK();
}
