/* SPDX-License-Identifier: Apache-2.0 */
/* name_to_handle_at on a /tmp file returns a handle and mount id; a too-small handle_bytes
 * gives EOVERFLOW and reports the needed size; open_by_handle_at (CAP_DAC_READ_SEARCH)
 * reopens the same inode, even after a rename, and ESTALE once it is deleted. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96], g[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(g, sizeof(g), "%s/g", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "handle", 6), 6);
    close(fd);

    struct file_handle *fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);
    CHECK(fh != NULL);
    int mnt = -1;
    fh->handle_bytes = 0;
    CHECK_ERR(name_to_handle_at(AT_FDCWD, f, fh, &mnt, 0), EOVERFLOW);
    unsigned need = fh->handle_bytes;
    CHECK(need > 0 && need <= MAX_HANDLE_SZ);
    fh->handle_bytes = MAX_HANDLE_SZ + 1;
    CHECK_ERR(name_to_handle_at(AT_FDCWD, f, fh, &mnt, 0), EINVAL);
    fh->handle_bytes = MAX_HANDLE_SZ;
    CHECK(name_to_handle_at(AT_FDCWD, f, fh, &mnt, 0) == 0);
    CHECK_EQ(fh->handle_bytes, need);
    CHECK_ERR(name_to_handle_at(AT_FDCWD, f, fh, &mnt, 0x4000000), EINVAL);
    CHECK_ERR(name_to_handle_at(AT_FDCWD, "/nonexistent/x", fh, &mnt, 0), ENOENT);

    /* The same file always gets the same handle. */
    struct file_handle *fh2 = calloc(1, sizeof(*fh2) + MAX_HANDLE_SZ);
    CHECK(fh2 != NULL);
    fh2->handle_bytes = MAX_HANDLE_SZ;
    int mnt2 = -1;
    CHECK(name_to_handle_at(AT_FDCWD, f, fh2, &mnt2, 0) == 0);
    CHECK_EQ(mnt, mnt2);
    CHECK_EQ(fh->handle_type, fh2->handle_type);
    CHECK(memcmp(fh->f_handle, fh2->f_handle, need) == 0);

    if (test_has_cap(CAP_DAC_READ_SEARCH)) {
        int mfd = open(dir, O_RDONLY | O_DIRECTORY);
        CHECK(mfd >= 0);
        CHECK(rename(f, g) == 0);
        int hfd = open_by_handle_at(mfd, fh, O_RDONLY);
        CHECK(hfd >= 0);
        char buf[8];
        CHECK_EQ(read(hfd, buf, sizeof(buf)), 6);
        CHECK(memcmp(buf, "handle", 6) == 0);
        struct stat a, b;
        CHECK(fstat(hfd, &a) == 0);
        CHECK(stat(g, &b) == 0);
        CHECK_EQ(a.st_ino, b.st_ino);
        close(hfd);
        CHECK(unlink(g) == 0);
        CHECK_ERR(open_by_handle_at(mfd, fh, O_RDONLY), ESTALE);
        close(mfd);
    } else {
        CHECK_ERR(open_by_handle_at(AT_FDCWD, fh, O_RDONLY), EPERM);
        CHECK(unlink(f) == 0);
    }
    free(fh);
    free(fh2);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
