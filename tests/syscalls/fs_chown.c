/* SPDX-License-Identifier: Apache-2.0 */
/* chown/fchown/lchown/fchownat (as root): -1 keeps an id, lchown and AT_SYMLINK_NOFOLLOW change
 * the link itself, chown clears set-user-ID and set-group-ID (with group exec) bits, and a
 * non-root caller cannot give a file away (EPERM). Without CAP_CHOWN, EPERM is asserted. */
#include "test.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>

static struct stat st_of(const char *p)
{
    struct stat st;
    CHECK(lstat(p, &st) == 0);
    return st;
}

int main(void)
{
    char dir[64], f[96], l[96];
    test_mkdtemp(dir);
    CHECK(chmod(dir, 0755) == 0); /* let the unprivileged child search it */
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(l, sizeof(l), "%s/l", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(symlink("f", l) == 0);

    if (!test_has_cap(CAP_CHOWN)) {
        CHECK_ERR(chown(f, 1234, 1234), EPERM);
        /* Changing to one's own ids is always allowed. */
        CHECK(chown(f, getuid(), getgid()) == 0);
        goto out;
    }
    CHECK(chown(f, 1000, 2000) == 0);
    CHECK(st_of(f).st_uid == 1000 && st_of(f).st_gid == 2000);
    CHECK(chown(f, (uid_t)-1, 3000) == 0);
    CHECK(st_of(f).st_uid == 1000 && st_of(f).st_gid == 3000);
    CHECK(fchown(fd, 1001, (gid_t)-1) == 0);
    CHECK(st_of(f).st_uid == 1001 && st_of(f).st_gid == 3000);

    /* chown follows the link; lchown changes the link only. */
    CHECK(chown(l, 5, 6) == 0);
    CHECK(st_of(f).st_uid == 5 && st_of(f).st_gid == 6);
    CHECK(st_of(l).st_uid == 0);
    CHECK(lchown(l, 7, 8) == 0);
    CHECK(st_of(l).st_uid == 7 && st_of(l).st_gid == 8);
    CHECK(st_of(f).st_uid == 5);
    CHECK(fchownat(AT_FDCWD, l, 9, 9, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(st_of(l).st_uid == 9 && st_of(f).st_uid == 5);
    CHECK(fchownat(fd, "", 11, 12, AT_EMPTY_PATH) == 0);
    CHECK(st_of(f).st_uid == 11 && st_of(f).st_gid == 12);
    CHECK_ERR(fchownat(AT_FDCWD, f, 0, 0, 0x1), EINVAL);

    /* Set-id bits are cleared by chown of a regular file, even by root... */
    CHECK(chmod(f, 06755) == 0);
    CHECK(chown(f, 20, 20) == 0);
    CHECK_EQ(st_of(f).st_mode & 07777, 0755);
    /* ...but setgid without group exec (mandatory-locking marker) stays. */
    CHECK(chmod(f, 02745) == 0);
    CHECK(chown(f, 21, 21) == 0);
    CHECK_EQ(st_of(f).st_mode & 07777, 02745);
    /* chown(-1, -1) still clears set-id bits. */
    CHECK(chmod(f, 04755) == 0);
    CHECK(chown(f, (uid_t)-1, (gid_t)-1) == 0);
    CHECK_EQ(st_of(f).st_mode & 07777, 0755);

    /* The owner without CAP_CHOWN can change the group only to one of its groups. */
    CHECK(chown(f, 65534, 65534) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        gid_t none = 65534;
        if (setgroups(1, &none) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        if (chown(f, 0, (gid_t)-1) == 0 || errno != EPERM)
            _exit(3);
        if (chown(f, (uid_t)-1, 0) == 0 || errno != EPERM)
            _exit(4);
        if (chown(f, 65534, 65534) != 0)
            _exit(5);
        _exit(0);
    }
    test_wait_exit(pid, 0);
out:
    close(fd);
    CHECK(unlink(l) == 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
