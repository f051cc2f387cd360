/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/fdinfo for special files: eventfd shows "eventfd-count" in hex, timerfd its
 * clockid and ticks, inotify one "inotify wd:" line per watch with the inode in hex, epoll one
 * "tfd:" line per registered fd with the event mask; every file shows pos, flags and mnt_id. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

static int fdinfo_has(int fd, const char *key, char *val, size_t len)
{
    char path[64], line[512];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    int found = 0;
    size_t kl = strlen(key);
    while (fgets(line, sizeof(line), fp))
        if (strncmp(line, key, kl) == 0) {
            char *v = line + kl;
            while (*v == ' ' || *v == '\t' || *v == ':')
                v++;
            v[strcspn(v, "\n")] = 0;
            snprintf(val, len, "%s", v);
            found = 1;
            break;
        }
    fclose(fp);
    return found;
}

int main(void)
{
    char v[256];
    int efd = eventfd(0x1234, 0);
    CHECK(efd >= 0);
    CHECK(fdinfo_has(efd, "eventfd-count", v, sizeof(v)));
    CHECK_EQ(strtoull(v, NULL, 16), 0x1234);
    CHECK(fdinfo_has(efd, "pos", v, sizeof(v)));
    CHECK(fdinfo_has(efd, "flags", v, sizeof(v)));
    CHECK(fdinfo_has(efd, "mnt_id", v, sizeof(v)));

    int tfd = timerfd_create(CLOCK_BOOTTIME, 0);
    CHECK(tfd >= 0);
    CHECK(fdinfo_has(tfd, "clockid", v, sizeof(v)));
    CHECK_EQ(atoi(v), CLOCK_BOOTTIME);
    CHECK(fdinfo_has(tfd, "ticks", v, sizeof(v)));
    CHECK_EQ(atoi(v), 0);

    char dir[64];
    test_mkdtemp(dir);
    int ifd = inotify_init1(0);
    CHECK(ifd >= 0);
    int wd = inotify_add_watch(ifd, dir, IN_CREATE);
    CHECK(wd > 0);
    CHECK(fdinfo_has(ifd, "inotify wd", v, sizeof(v)));
    int got_wd = -1;
    unsigned long ino = 0;
    char *p = strstr(v, "ino:");
    CHECK(p != NULL);
    ino = strtoul(p + 4, NULL, 16);
    CHECK_EQ(sscanf(v, "%d", &got_wd), 1);
    CHECK_EQ(got_wd, wd);
    struct stat st;
    CHECK(stat(dir, &st) == 0);
    CHECK_EQ(ino, st.st_ino);

    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = 0xabcdef };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0);
    CHECK(fdinfo_has(ep, "tfd", v, sizeof(v)));
    int tfdno = -1;
    unsigned events = 0;
    unsigned long long data = 0;
    CHECK_EQ(sscanf(v, "%d events: %x data: %llx", &tfdno, &events, &data), 3);
    CHECK_EQ(tfdno, efd);
    CHECK_EQ(events & (EPOLLIN | EPOLLET), EPOLLIN | EPOLLET);
    CHECK_EQ(data, 0xabcdef);

    close(ep);
    close(ifd);
    close(tfd);
    close(efd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
