/* SPDX-License-Identifier: Apache-2.0 */
/* When more events are generated than fs.inotify.max_queued_events allows, the queue ends
 * with one IN_Q_OVERFLOW event (wd -1, no name) and later events are dropped until it is
 * read. Open/close pairs are used because identical consecutive events are merged. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/inotify.h>

int main(void)
{
    FILE *fp = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
    CHECK(fp != NULL);
    long maxq = 0;
    CHECK_EQ(fscanf(fp, "%ld", &maxq), 1);
    fclose(fp);
    CHECK(maxq > 0 && maxq <= 1000000);

    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int ffd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(ffd >= 0);
    close(ffd);
    int fd = inotify_init1(IN_NONBLOCK);
    CHECK(fd >= 0);
    int wd = inotify_add_watch(fd, f, IN_OPEN | IN_CLOSE_NOWRITE);
    CHECK(wd > 0);
    for (long i = 0; i < maxq / 2 + 10; i++) {
        int t = open(f, O_RDONLY);
        CHECK(t >= 0);
        close(t);
    }
    static char buf[1 << 16] __attribute__((aligned(8)));
    long total = 0, overflow = 0, last_overflow = 0;
    for (;;) {
        long n = read(fd, buf, sizeof(buf));
        if (n < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        for (long off = 0; off < n;) {
            struct inotify_event *e = (struct inotify_event *)(buf + off);
            total++;
            last_overflow = 0;
            if (e->mask & IN_Q_OVERFLOW) {
                CHECK_EQ(e->wd, -1);
                CHECK_EQ(e->len, 0);
                overflow++;
                last_overflow = 1;
            } else {
                CHECK_EQ(e->wd, wd);
            }
            off += (long)sizeof(*e) + e->len;
        }
    }
    CHECK_EQ(overflow, 1);
    CHECK(last_overflow);
    CHECK_EQ(total, maxq + 1);
    /* After reading, new events are queued again. */
    int t = open(f, O_RDONLY);
    CHECK(t >= 0);
    CHECK(read(fd, buf, sizeof(buf)) > 0);
    close(t);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
