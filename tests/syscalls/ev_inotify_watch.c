/* SPDX-License-Identifier: Apache-2.0 */
/* inotify watch management: adding the same inode twice returns the same wd and replaces the
 * mask (IN_MASK_ADD ors it), IN_ONESHOT fires once then sends IN_IGNORED, inotify_rm_watch
 * queues IN_IGNORED and a second rm_watch is EINVAL; IN_ONLYDIR on a file is ENOTDIR, an
 * empty mask EINVAL, IN_MASK_CREATE on an existing watch EEXIST. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/stat.h>

static int read_events(int fd, struct inotify_event **ev, int max, char *buf, size_t size)
{
    long n = read(fd, buf, size);
    if (n < 0 && errno == EAGAIN)
        return 0;
    CHECK(n > 0);
    int k = 0;
    for (long off = 0; off < n && k < max;) {
        ev[k] = (struct inotify_event *)(buf + off);
        off += (long)sizeof(struct inotify_event) + ev[k]->len;
        k++;
    }
    return k;
}

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int ffd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(ffd >= 0);
    int fd = inotify_init1(IN_NONBLOCK);
    CHECK(fd >= 0);
    char buf[4096] __attribute__((aligned(8)));
    struct inotify_event *ev[8];

    int w1 = inotify_add_watch(fd, f, IN_MODIFY);
    CHECK(w1 > 0);
    int w2 = inotify_add_watch(fd, f, IN_ATTRIB);
    CHECK_EQ(w2, w1);
    CHECK_EQ(write(ffd, "x", 1), 1); /* IN_MODIFY no longer watched */
    CHECK(fchmod(ffd, 0644) == 0);
    CHECK_EQ(read_events(fd, ev, 8, buf, sizeof(buf)), 1);
    CHECK_EQ(ev[0]->mask, IN_ATTRIB);
    CHECK_EQ(inotify_add_watch(fd, f, IN_MODIFY | IN_MASK_ADD), w1);
    CHECK_EQ(write(ffd, "y", 1), 1);
    CHECK(fchmod(ffd, 0600) == 0);
    CHECK_EQ(read_events(fd, ev, 8, buf, sizeof(buf)), 2);
    CHECK_EQ(ev[0]->mask, IN_MODIFY);
    CHECK_EQ(ev[1]->mask, IN_ATTRIB);
    CHECK_ERR(inotify_add_watch(fd, f, IN_MODIFY | IN_MASK_CREATE), EEXIST);
    CHECK_ERR(inotify_add_watch(fd, f, IN_MODIFY | IN_MASK_CREATE | IN_MASK_ADD), EINVAL);

    CHECK(inotify_rm_watch(fd, w1) == 0);
    CHECK_EQ(read_events(fd, ev, 8, buf, sizeof(buf)), 1);
    CHECK_EQ(ev[0]->wd, w1);
    CHECK_EQ(ev[0]->mask, IN_IGNORED);
    CHECK_ERR(inotify_rm_watch(fd, w1), EINVAL);
    CHECK_ERR(inotify_rm_watch(fd, 12345), EINVAL);

    /* A new watch gets a new wd (wds are not reused at once). */
    int w3 = inotify_add_watch(fd, f, IN_MODIFY | IN_ONESHOT);
    CHECK(w3 > 0 && w3 != w1);
    CHECK_EQ(write(ffd, "z", 1), 1);
    CHECK_EQ(write(ffd, "z", 1), 1);
    CHECK_EQ(read_events(fd, ev, 8, buf, sizeof(buf)), 2);
    CHECK_EQ(ev[0]->wd, w3);
    CHECK_EQ(ev[0]->mask, IN_MODIFY);
    CHECK_EQ(ev[1]->wd, w3);
    CHECK_EQ(ev[1]->mask, IN_IGNORED);
    CHECK_ERR(inotify_rm_watch(fd, w3), EINVAL);

    CHECK_ERR(inotify_add_watch(fd, f, IN_MODIFY | IN_ONLYDIR), ENOTDIR);
    CHECK_ERR(inotify_add_watch(fd, f, 0), EINVAL);
    CHECK_ERR(inotify_add_watch(fd, "/nonexistent/x", IN_MODIFY), ENOENT);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(inotify_add_watch(p[0], f, IN_MODIFY), EINVAL);
    close(p[0]);
    close(p[1]);
    CHECK_ERR(inotify_init1(0x1), EINVAL);

    close(ffd);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
