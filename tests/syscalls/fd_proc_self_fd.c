/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/fd lists exactly the open descriptors, each a link to its file ("pipe:[ino]" for
 * pipes), and /proc/self/fdinfo shows the offset and flags. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

static int listed(int fd)
{
    DIR *d = opendir("/proc/self/fd");
    CHECK(d != NULL);
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && atoi(e->d_name) == fd)
            found = 1;
    closedir(d);
    return found;
}

int main(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(listed(fd));
    char link[64], target[128];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    CHECK(n > 0);
    target[n] = 0;
    CHECK(strcmp(target, "/dev/null") == 0);

    int p[2];
    CHECK(pipe(p) == 0);
    struct stat st;
    CHECK(fstat(p[0], &st) == 0);
    snprintf(link, sizeof(link), "/proc/self/fd/%d", p[0]);
    n = readlink(link, target, sizeof(target) - 1);
    CHECK(n > 0);
    target[n] = 0;
    char want[64];
    snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
    CHECK(strcmp(target, want) == 0);
    /* Opening the link of a pipe's read end gives another read end of the same pipe. */
    int again = open(link, O_RDONLY | O_NONBLOCK);
    CHECK(again >= 0);
    CHECK_EQ(write(p[1], "q", 1), 1);
    char c;
    CHECK_EQ(read(again, &c, 1), 1);
    CHECK_EQ(c, 'q');
    close(again);

    /* fdinfo: pos and flags (octal, includes O_CLOEXEC as 02000000). */
    int f = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    CHECK(f >= 0);
    CHECK_EQ(lseek(f, 123, SEEK_SET), 123);
    snprintf(link, sizeof(link), "/proc/self/fdinfo/%d", f);
    FILE *fi = fopen(link, "r");
    CHECK(fi != NULL);
    char line[128];
    long pos = -1;
    unsigned flags = 0;
    while (fgets(line, sizeof(line), fi)) {
        sscanf(line, "pos: %ld", &pos);
        sscanf(line, "flags: %o", &flags);
    }
    fclose(fi);
    CHECK_EQ(pos, 123);
    CHECK(flags & O_CLOEXEC);
    CHECK_EQ(flags & O_ACCMODE, O_RDONLY);

    /* Use a high number: listed() itself would reuse the lowest free slot. */
    CHECK_EQ(dup2(fd, 150), 150);
    CHECK(listed(150));
    close(150);
    CHECK(!listed(150));
    snprintf(link, sizeof(link), "/proc/self/fd/%d", 150);
    CHECK_ERR(readlink(link, target, sizeof(target)), ENOENT);
    close(fd);
    close(f);
    close(p[0]);
    close(p[1]);
    TEST_OK();
}
