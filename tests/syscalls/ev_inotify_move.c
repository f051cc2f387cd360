/* SPDX-License-Identifier: Apache-2.0 */
/* A rename inside or between watched directories produces IN_MOVED_FROM and IN_MOVED_TO with
 * the same non-zero cookie (different per rename) and the old/new names; a watch on the file
 * itself gets IN_MOVE_SELF. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], a[96], b[96], sub[96], c[128];
    test_mkdtemp(dir);
    snprintf(a, sizeof(a), "%s/a", dir);
    snprintf(b, sizeof(b), "%s/b", dir);
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    snprintf(c, sizeof(c), "%s/sub/c", dir);
    CHECK(mkdir(sub, 0700) == 0);
    int ffd = open(a, O_WRONLY | O_CREAT, 0600);
    CHECK(ffd >= 0);
    close(ffd);

    int fd = inotify_init1(IN_NONBLOCK);
    CHECK(fd >= 0);
    int wd = inotify_add_watch(fd, dir, IN_MOVE);
    int wsub = inotify_add_watch(fd, sub, IN_MOVE);
    int wself = inotify_add_watch(fd, a, IN_MOVE_SELF);
    CHECK(wd > 0 && wsub > 0 && wself > 0 && wd != wsub && wsub != wself);

    CHECK(rename(a, b) == 0);
    CHECK(rename(b, c) == 0);

    char buf[4096] __attribute__((aligned(8)));
    long n = read(fd, buf, sizeof(buf));
    CHECK(n > 0);
    struct inotify_event *ev[8];
    int k = 0;
    for (long off = 0; off < n && k < 8;) {
        ev[k] = (struct inotify_event *)(buf + off);
        off += (long)sizeof(struct inotify_event) + ev[k]->len;
        k++;
    }
    CHECK_EQ(k, 6);
    /* First rename: FROM a, TO b (same dir), MOVE_SELF. */
    CHECK(ev[0]->wd == wd && ev[0]->mask == IN_MOVED_FROM && !strcmp(ev[0]->name, "a"));
    CHECK(ev[1]->wd == wd && ev[1]->mask == IN_MOVED_TO && !strcmp(ev[1]->name, "b"));
    CHECK(ev[0]->cookie != 0 && ev[0]->cookie == ev[1]->cookie);
    CHECK(ev[2]->wd == wself && ev[2]->mask == IN_MOVE_SELF && ev[2]->len == 0);
    /* Second rename: FROM b in dir, TO c in sub. */
    CHECK(ev[3]->wd == wd && ev[3]->mask == IN_MOVED_FROM && !strcmp(ev[3]->name, "b"));
    CHECK(ev[4]->wd == wsub && ev[4]->mask == IN_MOVED_TO && !strcmp(ev[4]->name, "c"));
    CHECK(ev[3]->cookie == ev[4]->cookie);
    CHECK(ev[3]->cookie != ev[0]->cookie);
    CHECK(ev[5]->wd == wself && ev[5]->mask == IN_MOVE_SELF);

    close(fd);
    CHECK(unlink(c) == 0);
    CHECK(rmdir(sub) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
