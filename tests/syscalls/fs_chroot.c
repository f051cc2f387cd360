/* SPDX-License-Identifier: Apache-2.0 */
/* chroot (CAP_SYS_CHROOT): "/" then names the new root, ".." at the new root stays inside and
 * absolute symlinks resolve inside; a cwd left outside the new root is reported by the raw
 * getcwd syscall as "(unreachable)..." (glibc's getcwd turns that into ENOENT) and ".." from
 * there is not clamped. Files are ENOTDIR; without the capability the call is EPERM. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

static ino_t ino_of(const char *p)
{
    struct stat st;
    CHECK(stat(p, &st) == 0);
    return st.st_ino;
}

int main(void)
{
    char dir[64], p[128];
    test_mkdtemp(dir);
    snprintf(p, sizeof(p), "%s/inner", dir);
    CHECK(mkdir(p, 0755) == 0);
    snprintf(p, sizeof(p), "%s/marker", dir);
    int fd = open(p, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "in", 2), 2);
    close(fd);
    CHECK_ERR(chroot(p), ENOTDIR);
    snprintf(p, sizeof(p), "%s/inner/abs", dir);
    CHECK(symlink("/marker", p) == 0);
    CHECK_ERR(chroot("/nonexistent/x"), ENOENT);

    if (!test_has_cap(CAP_SYS_CHROOT)) {
        CHECK_ERR(chroot(dir), EPERM);
        goto out;
    }
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(chdir("/tmp") == 0);
        ino_t tmp_ino = ino_of(".");
        CHECK(chroot(dir) == 0);
        /* The cwd (/tmp) is outside the new root. */
        char buf[256];
        long n = syscall(SYS_getcwd, buf, sizeof(buf));
        CHECK(n > 0);
        CHECK(strcmp(buf, "(unreachable)/tmp") == 0);
        CHECK(getcwd(buf, sizeof(buf)) == NULL);
        CHECK_EQ(errno, ENOENT);
        /* From outside, ".." is the real parent: it holds a "tmp" that is our cwd. */
        int up = open("..", O_RDONLY | O_DIRECTORY);
        CHECK(up >= 0);
        struct stat st;
        CHECK(fstatat(up, "tmp", &st, 0) == 0);
        CHECK_EQ(st.st_ino, tmp_ino);
        close(up);

        CHECK(chdir("/") == 0);
        CHECK(getcwd(buf, sizeof(buf)) != NULL);
        CHECK(strcmp(buf, "/") == 0);
        CHECK_EQ(ino_of("/.."), ino_of("/"));
        CHECK_EQ(ino_of("/inner/../../../.."), ino_of("/"));
        CHECK(chdir("../../..") == 0);
        CHECK_EQ(ino_of("."), ino_of("/"));
        CHECK(access("/marker", F_OK) == 0);
        fd = open("/inner/abs", O_RDONLY);
        CHECK(fd >= 0);
        CHECK_EQ(read(fd, buf, sizeof(buf)), 2);
        close(fd);
        CHECK(chdir("/inner") == 0);
        CHECK(getcwd(buf, sizeof(buf)) != NULL);
        CHECK(strcmp(buf, "/inner") == 0);
        _exit(0);
    }
    test_wait_exit(pid, 0);
out:
    snprintf(p, sizeof(p), "%s/inner/abs", dir);
    CHECK(unlink(p) == 0);
    snprintf(p, sizeof(p), "%s/inner", dir);
    CHECK(rmdir(p) == 0);
    snprintf(p, sizeof(p), "%s/marker", dir);
    CHECK(unlink(p) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
