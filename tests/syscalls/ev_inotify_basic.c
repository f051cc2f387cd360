/* SPDX-License-Identifier: Apache-2.0 */
/* inotify on a directory: creating, writing, closing and deleting a file produce IN_CREATE,
 * IN_MODIFY, IN_CLOSE_WRITE and IN_DELETE events with the wd and the name (NUL padded);
 * subdirectories get IN_ISDIR; FIONREAD reports the queued bytes; reads too small for one
 * event are EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

static char buf[4096] __attribute__((aligned(8)));
static int nev, pos;
static long len;

static struct inotify_event *next_event(int fd)
{
    if (pos >= len) {
        len = read(fd, buf, sizeof(buf));
        CHECK(len > 0);
        pos = 0;
    }
    struct inotify_event *e = (struct inotify_event *)(buf + pos);
    pos += (int)sizeof(*e) + (int)e->len;
    nev++;
    return e;
}

static void expect(int fd, int wd, uint32_t mask, const char *name)
{
    struct inotify_event *e = next_event(fd);
    if (e->wd != wd || e->mask != mask || (name && (e->len == 0 || strcmp(e->name, name)))) {
        fprintf(stderr, "FAIL: event %d: wd %d mask 0x%x name '%s', want wd %d mask 0x%x '%s'\n",
                nev, e->wd, e->mask, e->len ? e->name : "", wd, mask, name ? name : "");
        exit(1);
    }
    if (!name)
        CHECK_EQ(e->len, 0);
    else
        CHECK_EQ(e->len % 16, 0); /* padded */
}

int main(void)
{
    char dir[64], f[96], d[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/file", dir);
    snprintf(d, sizeof(d), "%s/sub", dir);
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(fd >= 0);
    int wd = inotify_add_watch(fd, dir, IN_CREATE | IN_MODIFY | IN_DELETE | IN_CLOSE_WRITE);
    CHECK(wd >= 1);
    CHECK_ERR(read(fd, buf, sizeof(buf)), EAGAIN);

    int ffd = open(f, O_WRONLY | O_CREAT, 0600);
    CHECK(ffd >= 0);
    CHECK_EQ(write(ffd, "x", 1), 1);
    close(ffd);
    CHECK(mkdir(d, 0700) == 0);
    CHECK(rmdir(d) == 0);
    CHECK(unlink(f) == 0);

    int queued = 0;
    CHECK(ioctl(fd, FIONREAD, &queued) == 0);
    CHECK(queued > 0);
    char tiny[8];
    CHECK_ERR(read(fd, tiny, sizeof(tiny)), EINVAL);

    expect(fd, wd, IN_CREATE, "file");
    expect(fd, wd, IN_MODIFY, "file");
    expect(fd, wd, IN_CLOSE_WRITE, "file");
    expect(fd, wd, IN_CREATE | IN_ISDIR, "sub");
    expect(fd, wd, IN_DELETE | IN_ISDIR, "sub");
    expect(fd, wd, IN_DELETE, "file");
    CHECK_EQ(pos, len);
    CHECK_ERR(read(fd, buf, sizeof(buf)), EAGAIN);
    /* Identical consecutive events are coalesced: two writes give one IN_MODIFY. */
    ffd = open(f, O_WRONLY | O_CREAT, 0600);
    CHECK(ffd >= 0);
    CHECK_EQ(write(ffd, "a", 1), 1);
    CHECK_EQ(write(ffd, "b", 1), 1);
    pos = len = 0;
    expect(fd, wd, IN_CREATE, "file");
    expect(fd, wd, IN_MODIFY, "file");
    CHECK_EQ(pos, len);
    close(ffd);
    expect(fd, wd, IN_CLOSE_WRITE, "file");
    CHECK(unlink(f) == 0);
    expect(fd, wd, IN_DELETE, "file");

    /* poll works. */
    struct pollfd pf = { .fd = fd, .events = POLLIN };
    CHECK_EQ(poll(&pf, 1, 0), 0);
    close(fd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
