// SPDX-License-Identifier: Apache-2.0
// Tests of devfs, procfs's system files and the anonymous files (eventfd, timerfd, epoll).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

static struct task *fake_task(struct mount_ns *ns)
{
    struct task *t = calloc(1, sizeof(*t));

    t->k = calloc(1, sizeof(*t->k));
    t->tg = calloc(1, sizeof(*t->tg));
    t->tg->umask = 022;
    t->k->mntns = ns;
    t->fdt = fd_table_new();
    vfs_task_fs_init(t);
    return t;
}

static long open_at(struct task *t, const char *path, unsigned int flags, struct file **f)
{
    return vfs_open(t, AT_FDCWD, path, flags, 0, f);
}

static void test_devfs(struct task *t)
{
    struct file *f = NULL;
    struct stat st;
    char buf[64];
    struct vfs_path p;

    tap_ok(vfs_walk(t, AT_FDCWD, "/dev/null", VFS_WALK_FOLLOW, &p) == 0, "walk /dev/null");
    tap_ok(vfs_getattr(&p, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) &&
               (st.st_mode & 0777) == 0666,
           "/dev/null is chr 1:3, 0666");
    vfs_path_put(&p);
    tap_ok(vfs_walk(t, AT_FDCWD, "/dev/tty", VFS_WALK_FOLLOW, &p) == 0 &&
               vfs_getattr(&p, &st) == 0 && st.st_rdev == makedev(5, 0),
           "/dev/tty is chr 5:0");
    vfs_path_put(&p);
    tap_ok(open_at(t, "/dev/tty", O_RDWR, &f) == -ENXIO, "/dev/tty without a terminal: ENXIO");

    tap_ok(open_at(t, "/dev/null", O_RDWR, &f) == 0, "open /dev/null");
    tap_ok(f->ops->read(f, buf, sizeof(buf)) == 0, "/dev/null reads EOF");
    tap_ok(f->ops->write(f, buf, 10) == 10, "/dev/null swallows writes");
    put_file(f);

    tap_ok(open_at(t, "/dev/zero", O_RDWR, &f) == 0, "open /dev/zero");
    memset(buf, 'x', sizeof(buf));
    tap_ok(f->ops->read(f, buf, sizeof(buf)) == sizeof(buf) && buf[0] == 0 && buf[63] == 0,
           "/dev/zero reads zeroes");
    tap_ok(f->ops->lseek(f, 123, SEEK_SET) == 0, "lseek on /dev/zero is 0");
    put_file(f);

    tap_ok(open_at(t, "/dev/full", O_WRONLY, &f) == 0, "open /dev/full");
    tap_ok(f->ops->write(f, "x", 1) == -ENOSPC, "/dev/full: ENOSPC");
    put_file(f);

    tap_ok(open_at(t, "/dev/urandom", O_RDONLY, &f) == 0, "open /dev/urandom");
    {
        char a[32], b[32];

        tap_ok(f->ops->read(f, a, sizeof(a)) == sizeof(a) &&
                   f->ops->read(f, b, sizeof(b)) == sizeof(b) && memcmp(a, b, sizeof(a)) != 0,
               "/dev/urandom gives changing bytes");
    }
    put_file(f);

    {
        struct vfs_path d;
        char target[64];
        long n;

        tap_ok(vfs_walk(t, AT_FDCWD, "/dev/stdout", 0, &d) == 0, "walk /dev/stdout (nofollow)");
        n = d.d->inode->ops->readlink(d.d->inode, target, sizeof(target) - 1);
        if (n >= 0)
            target[n] = '\0';
        tap_ok(n >= 0 && strcmp(target, "/proc/self/fd/1") == 0, "/dev/stdout links to fd 1");
        vfs_path_put(&d);
    }
    tap_ok(vfs_walk(t, AT_FDCWD, "/dev/shm", VFS_WALK_FOLLOW, &p) == 0 &&
               vfs_getattr(&p, &st) == 0 && (st.st_mode & 07777) == 01777,
           "/dev/shm is a sticky directory");
    vfs_path_put(&p);
}

static void test_procfs(struct task *t)
{
    struct file *f = NULL;
    char buf[256];
    long n;

    tap_ok(open_at(t, "/proc/sys/kernel/ostype", O_RDONLY, &f) == 0, "open ostype");
    n = f->ops->read(f, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = '\0';
    tap_ok(strcmp(buf, "Linux\n") == 0, "ostype reads Linux");
    tap_ok(f->ops->read(f, buf, sizeof(buf)) == 0, "then EOF");
    put_file(f);
    tap_ok(open_at(t, "/proc/sys/kernel/ostype", O_WRONLY, &f) < 0, "ostype is not writable");
    tap_ok(open_at(t, "/proc/meminfo", O_RDONLY, &f) == 0, "open meminfo");
    n = f->ops->read(f, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = '\0';
    tap_ok(strncmp(buf, "MemTotal:", 9) == 0, "meminfo starts with MemTotal");
    put_file(f);
    tap_ok(open_at(t, "/proc/nonexistent", O_RDONLY, &f) == -ENOENT, "unknown names: ENOENT");
    tap_ok(open_at(t, "/proc/12345/status", O_RDONLY, &f) == -ENOENT,
           "a pid without a process: ENOENT");
}

static void test_eventfd(void)
{
    struct file *f = eventfd_file_new(3, EFD_NONBLOCK | EFD_SEMAPHORE);
    uint64_t v = 0;

    tap_ok(f != NULL, "eventfd created");
    tap_ok(anon_file_poll(f) == (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM),
           "eventfd with a count is readable and writable");
    tap_ok(f->ops->read(f, &v, 8) == 8 && v == 1, "semaphore read gives 1");
    v = UINT64_MAX;
    tap_ok(f->ops->write(f, &v, 8) == -EINVAL, "writing UINT64_MAX: EINVAL");
    v = UINT64_MAX - 1;
    tap_ok(f->ops->write(f, &v, 8) == -EAGAIN, "overflowing a non-blocking eventfd: EAGAIN");
    tap_ok(f->ops->read(f, &v, 8) == 8 && f->ops->read(f, &v, 8) == 8, "drain the semaphore");
    tap_ok(f->ops->read(f, &v, 8) == -EAGAIN, "empty non-blocking eventfd: EAGAIN");
    tap_ok(anon_file_poll(f) == (POLLOUT | POLLWRNORM), "empty eventfd is only writable");
    put_file(f);
}

static void test_timerfd(void)
{
    struct file *f = timerfd_file_new(CLOCK_MONOTONIC, O_NONBLOCK);
    struct timespec val = { 0, 1000000 }, iv = { 0, 1000000 }, ov, oi;
    struct timespec nap = { 0, 5500000 };
    uint64_t ticks = 0;

    tap_ok(f != NULL && is_timerfd_file(f), "timerfd created");
    tap_ok(f->ops->read(f, &ticks, 8) == -EAGAIN, "a disarmed timerfd: EAGAIN");
    timerfd_file_settime(f, 0, &val, &iv, &ov, &oi);
    tap_ok(ov.tv_sec == 0 && ov.tv_nsec == 0, "the old setting was disarmed");
    nanosleep(&nap, NULL);
    tap_ok(anon_file_poll(f) & POLLIN, "an expired timerfd is readable");
    tap_ok(f->ops->read(f, &ticks, 8) == 8 && ticks >= 5, "1 ms period over 5.5 ms: >= 5 ticks");
    put_file(f);
}

static void test_epoll(struct task *t)
{
    struct file *ep = epoll_file_new(0);
    struct file *efd = eventfd_file_new(0, EFD_NONBLOCK);
    struct epoll_event out[4];
    uint64_t one = 1;
    int fd;

    fd = (int)fd_table_install(t->fdt, efd, 0, false, 1024);
    tap_ok(ep != NULL && fd >= 0, "epoll and eventfd created");
    tap_ok(epoll_file_ctl(ep, t, EPOLL_CTL_ADD, fd, efd, EPOLLIN, 42) == 0, "EPOLL_CTL_ADD");
    tap_ok(epoll_file_ctl(ep, t, EPOLL_CTL_ADD, fd, efd, EPOLLIN, 42) == -EEXIST,
           "adding twice: EEXIST");
    tap_ok(epoll_file_collect(ep, t, out, 4) == 0, "nothing ready");
    efd->ops->write(efd, &one, 8);
    tap_ok(epoll_file_collect(ep, t, out, 4) == 1 && out[0].data.u64 == 42 &&
               out[0].events == EPOLLIN,
           "level-triggered EPOLLIN with the data");
    tap_ok(epoll_file_collect(ep, t, out, 4) == 1, "still reported while readable");
    tap_ok(epoll_file_ctl(ep, t, EPOLL_CTL_MOD, fd, efd, EPOLLIN | EPOLLONESHOT, 7) == 0,
           "EPOLL_CTL_MOD to one-shot");
    tap_ok(epoll_file_collect(ep, t, out, 4) == 1 && epoll_file_collect(ep, t, out, 4) == 0,
           "one-shot reports once");
    tap_ok(epoll_file_ctl(ep, t, EPOLL_CTL_ADD, 99, ep, EPOLLIN, 0) == -EINVAL,
           "adding an epoll to itself: EINVAL");
    fd_table_close(t->fdt, fd);
    put_file(efd);
    /* efd is gone now (the epoll dropped its last reference): only ep may be used. */
    tap_ok(epoll_file_collect(ep, t, out, 4) == 0, "a closed file drops out");
    efd = eventfd_file_new(0, 0);
    tap_ok(efd != NULL && epoll_file_ctl(ep, t, EPOLL_CTL_DEL, fd, efd, 0, 0) == -ENOENT,
           "EPOLL_CTL_DEL of a file that is not watched: ENOENT");
    put_file(efd);
    put_file(ep);
}

int main(void)
{
    struct super_block *root = tmpfs_new(0755, 0, 0), *sb;
    struct mount_ns *ns = mount_ns_new(root, 0);
    struct vfs_owner o = { 0, 0 };
    struct task *t;

    root->root->ops->mkdir(root->root, "dev", 0755, &o);
    root->root->ops->mkdir(root->root, "proc", 0555, &o);
    sb = devfs_new();
    tap_ok(sb != NULL && vfs_mount_at(ns, "/dev", sb, 0) == 0, "devfs mounted");
    put_super_block(sb);
    sb = procfs_new();
    tap_ok(sb != NULL && vfs_mount_at(ns, "/proc", sb, 0) == 0, "procfs mounted");
    put_super_block(sb);
    t = fake_task(ns);
    pthread_mutex_init(&t->k->mu, NULL);
    g_kernel_current_task = t;
    klist_init(&t->k->tgs);
    klist_init(&t->k->tasks);

    test_devfs(t);
    test_procfs(t);
    test_eventfd();
    test_timerfd();
    test_epoll(t);
    put_super_block(root);
    return tap_done();
}
