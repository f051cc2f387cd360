/* SPDX-License-Identifier: Apache-2.0 */
/* getdents64 over a directory of 600 entries returns each exactly once across many calls with
 * a small buffer, d_off values are usable with lseek to resume, and removing an entry that was
 * already returned does not make later entries repeat or vanish. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#define N 600

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static unsigned char seen[N];

static void account(const char *name)
{
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return;
    CHECK(name[0] == 'e');
    int i = atoi(name + 1);
    CHECK(i >= 0 && i < N);
    seen[i]++;
}

int main(void)
{
    char dir[64], name[32];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "e%d", i);
        int fd = openat(dfd, name, O_WRONLY | O_CREAT, 0600);
        CHECK(fd >= 0);
        close(fd);
    }

    char buf[512] __attribute__((aligned(8)));
    int calls = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
        CHECK(n >= 0);
        if (n == 0)
            break;
        calls++;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            account(d->d_name);
            off += d->d_reclen;
        }
    }
    CHECK(calls > 10);
    for (int i = 0; i < N; i++)
        CHECK_EQ(seen[i], 1);
    /* At EOF getdents keeps returning 0. */
    CHECK_EQ(syscall(SYS_getdents64, dfd, buf, sizeof(buf)), 0);

    /* Resume from a d_off cookie in the middle, then delete entries already returned. */
    memset(seen, 0, sizeof(seen));
    CHECK_EQ(lseek(dfd, 0, SEEK_SET), 0);
    long n = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
    CHECK(n > 0);
    int64_t cookie = 0;
    for (long off = 0; off < n;) {
        struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
        account(d->d_name);
        cookie = d->d_off;
        off += d->d_reclen;
    }
    /* Remove the entries returned so far. */
    for (int i = 0; i < N; i++)
        if (seen[i]) {
            snprintf(name, sizeof(name), "e%d", i);
            CHECK(unlinkat(dfd, name, 0) == 0);
        }
    CHECK(lseek(dfd, cookie, SEEK_SET) >= 0);
    for (;;) {
        n = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
        CHECK(n >= 0);
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            account(d->d_name);
            off += d->d_reclen;
        }
    }
    for (int i = 0; i < N; i++)
        CHECK_EQ(seen[i], 1);

    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "e%d", i);
        unlinkat(dfd, name, 0);
    }
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
