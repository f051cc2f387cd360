/* SPDX-License-Identifier: Apache-2.0 */
/* Watching a file itself: opens, reads and closes give IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE;
 * the last unlink (after the last close) gives IN_ATTRIB (link count), IN_DELETE_SELF and then
 * IN_IGNORED; a watched directory being removed gives IN_DELETE_SELF + IN_IGNORED too. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96], sub[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    int ffd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(ffd >= 0);
    CHECK_EQ(write(ffd, "abc", 3), 3);
    close(ffd);
    CHECK(mkdir(sub, 0700) == 0);

    int fd = inotify_init1(IN_NONBLOCK);
    CHECK(fd >= 0);
    int wf = inotify_add_watch(fd, f, IN_ALL_EVENTS);
    int wd = inotify_add_watch(fd, sub, IN_DELETE_SELF);
    CHECK(wf > 0 && wd > 0);

    ffd = open(f, O_RDONLY);
    CHECK(ffd >= 0);
    char c[4];
    CHECK_EQ(read(ffd, c, sizeof(c)), 3);
    close(ffd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(sub) == 0);

    char buf[4096] __attribute__((aligned(8)));
    long n = read(fd, buf, sizeof(buf));
    CHECK(n > 0);
    uint32_t want_mask[] = { IN_OPEN,        IN_ACCESS,  IN_CLOSE_NOWRITE, IN_ATTRIB,
                             IN_DELETE_SELF, IN_IGNORED, IN_DELETE_SELF,   IN_IGNORED };
    int want_wd[] = { wf, wf, wf, wf, wf, wf, wd, wd };
    int k = 0;
    for (long off = 0; off < n;) {
        struct inotify_event *e = (struct inotify_event *)(buf + off);
        CHECK(k < 8);
        if (e->mask != want_mask[k] || e->wd != want_wd[k]) {
            fprintf(stderr, "FAIL: event %d: wd %d mask 0x%x, want wd %d mask 0x%x\n", k, e->wd,
                    e->mask, want_wd[k], want_mask[k]);
            exit(1);
        }
        CHECK_EQ(e->len, 0);
        off += (long)sizeof(*e) + e->len;
        k++;
    }
    CHECK_EQ(k, 8);
    /* Both watches are gone. */
    CHECK_ERR(inotify_rm_watch(fd, wf), EINVAL);
    CHECK_ERR(inotify_rm_watch(fd, wd), EINVAL);
    close(fd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
