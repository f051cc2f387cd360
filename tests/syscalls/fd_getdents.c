/* SPDX-License-Identifier: Apache-2.0 */
/* getdents64 lists exactly ".", ".." and the created entries with the right d_type and
 * inode numbers, across several small-buffer calls; too-small buffers give EINVAL and
 * non-directories ENOTDIR. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

int main(void)
{
    char dir[64], p[128];
    test_mkdtemp(dir);
    static const char *files[] = { "alpha", "beta", "gamma-with-a-longer-name" };
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
        int fd = open(p, O_WRONLY | O_CREAT, 0600);
        CHECK(fd >= 0);
        close(fd);
    }
    snprintf(p, sizeof(p), "%s/subdir", dir);
    CHECK(mkdir(p, 0700) == 0);
    snprintf(p, sizeof(p), "%s/link", dir);
    CHECK(symlink("alpha", p) == 0);

    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    /* Small buffer: forces several calls. */
    char buf[64] __attribute__((aligned(8)));
    int seen = 0, dot = 0, dotdot = 0, found[3] = { 0 }, sub = 0, lnk = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
        CHECK(n >= 0);
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            CHECK(d->d_reclen > 0 && d->d_reclen % 8 == 0);
            seen++;
            struct stat st;
            if (strcmp(d->d_name, ".") == 0) {
                dot++;
                CHECK_EQ(d->d_type, DT_DIR);
                CHECK(stat(dir, &st) == 0);
                CHECK_EQ(d->d_ino, st.st_ino);
            } else if (strcmp(d->d_name, "..") == 0) {
                dotdot++;
                CHECK_EQ(d->d_type, DT_DIR);
            } else if (strcmp(d->d_name, "subdir") == 0) {
                sub++;
                CHECK_EQ(d->d_type, DT_DIR);
            } else if (strcmp(d->d_name, "link") == 0) {
                lnk++;
                CHECK_EQ(d->d_type, DT_LNK);
            } else {
                int k = -1;
                for (int i = 0; i < 3; i++)
                    if (strcmp(d->d_name, files[i]) == 0)
                        k = i;
                CHECK(k >= 0);
                found[k]++;
                CHECK_EQ(d->d_type, DT_REG);
                CHECK(fstatat(dfd, d->d_name, &st, 0) == 0);
                CHECK_EQ(d->d_ino, st.st_ino);
            }
            off += d->d_reclen;
        }
    }
    CHECK_EQ(seen, 7);
    CHECK(dot == 1 && dotdot == 1 && sub == 1 && lnk == 1);
    CHECK(found[0] == 1 && found[1] == 1 && found[2] == 1);

    /* Rewinding lists again from the start. */
    CHECK_EQ(lseek(dfd, 0, SEEK_SET), 0);
    CHECK(syscall(SYS_getdents64, dfd, buf, sizeof(buf)) > 0);
    /* Buffer too small for one entry. */
    CHECK_EQ(lseek(dfd, 0, SEEK_SET), 0);
    CHECK_ERR(syscall(SYS_getdents64, dfd, buf, 8), EINVAL);
    snprintf(p, sizeof(p), "%s/alpha", dir);
    int ffd = open(p, O_RDONLY);
    CHECK(ffd >= 0);
    CHECK_ERR(syscall(SYS_getdents64, ffd, buf, sizeof(buf)), ENOTDIR);
    CHECK_ERR(syscall(SYS_getdents64, 12345, buf, sizeof(buf)), EBADF);
    close(ffd);
    close(dfd);

    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
        CHECK(unlink(p) == 0);
    }
    snprintf(p, sizeof(p), "%s/link", dir);
    CHECK(unlink(p) == 0);
    snprintf(p, sizeof(p), "%s/subdir", dir);
    CHECK(rmdir(p) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
