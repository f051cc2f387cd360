/* SPDX-License-Identifier: Apache-2.0 */
/* readdir reports d_type for every file type (regular, directory, symlink, FIFO, socket and,
 * as root, character and block devices), and d_ino matches lstat. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    int fd = openat(dfd, "reg", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK(mkdirat(dfd, "dir", 0700) == 0);
    CHECK(symlinkat("reg", dfd, "lnk") == 0);
    CHECK(mknodat(dfd, "fifo", S_IFIFO | 0600, 0) == 0);
    CHECK(mknodat(dfd, "sock", S_IFSOCK | 0600, 0) == 0);
    int devs = test_has_cap(CAP_MKNOD);
    if (devs) {
        CHECK(mknodat(dfd, "chr", S_IFCHR | 0600, makedev(1, 3)) == 0);
        CHECK(mknodat(dfd, "blk", S_IFBLK | 0600, makedev(7, 0)) == 0);
    }
    static const struct {
        const char *name;
        unsigned char type;
    } want[] = { { "reg", DT_REG },   { "dir", DT_DIR }, { "lnk", DT_LNK }, { "fifo", DT_FIFO },
                 { "sock", DT_SOCK }, { "chr", DT_CHR }, { "blk", DT_BLK } };
    int nwant = devs ? 7 : 5;
    int found[7] = { 0 };

    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e;
    int total = 0;
    while ((e = readdir(d)) != NULL) {
        total++;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        int k = -1;
        for (int i = 0; i < nwant; i++)
            if (!strcmp(e->d_name, want[i].name))
                k = i;
        CHECK(k >= 0);
        CHECK_EQ(e->d_type, want[k].type);
        struct stat st;
        CHECK(fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0);
        CHECK_EQ(e->d_ino, st.st_ino);
        found[k]++;
    }
    closedir(d);
    CHECK_EQ(total, nwant + 2);
    for (int i = 0; i < nwant; i++)
        CHECK_EQ(found[i], 1);

    for (int i = 0; i < nwant; i++)
        CHECK(unlinkat(dfd, want[i].name, i == 1 ? AT_REMOVEDIR : 0) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
