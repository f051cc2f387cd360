/* SPDX-License-Identifier: Apache-2.0 */
/* access/faccessat/faccessat2 use the real ids by default and the effective ids with
 * AT_EACCESS; AT_SYMLINK_NOFOLLOW checks the link; unknown flags or modes are EINVAL; a
 * missing or non-directory path component is ENOENT/ENOTDIR. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

static long faccessat2_(const char *p, int mode, int flags)
{
    return syscall(SYS_faccessat2, AT_FDCWD, p, mode, flags);
}

int main(void)
{
    char dir[64], f[96], l[96], fslash[128];
    test_mkdtemp(dir);
    CHECK(chmod(dir, 0755) == 0);
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(l, sizeof(l), "%s/l", dir);
    snprintf(fslash, sizeof(fslash), "%s/f/x", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0640);
    CHECK(fd >= 0);
    close(fd);
    CHECK(chown(f, 65534, 65534) == 0 || !test_has_cap(CAP_CHOWN));
    CHECK(symlink("missing-target", l) == 0);

    CHECK(access(f, F_OK) == 0);
    CHECK_ERR(access(l, F_OK), ENOENT);
    CHECK(faccessat2_(l, F_OK, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK_ERR(access(fslash, F_OK), ENOTDIR);
    CHECK_ERR(faccessat2_(f, F_OK, 0x1), EINVAL);
    CHECK_ERR(access(f, 0x10), EINVAL);

    if (test_has_cap(CAP_CHOWN) && test_has_cap(CAP_SETUID)) {
        /* Real uid 0, effective uid 65534 (owner, rw-): real-id check passes everything but
         * X (no x bit at all), effective-id check follows the owner bits. */
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            if (setresgid(0, 1234, 0) != 0 || setresuid(0, 1234, 0) != 0)
                _exit(2);
            /* euid 1234: "other" has no bits. */
            if (access(f, R_OK | W_OK) != 0)
                _exit(3);
            if (faccessat2_(f, R_OK, AT_EACCESS) == 0 || errno != EACCES)
                _exit(4);
            if (access(f, X_OK) == 0 || errno != EACCES)
                _exit(5);
            if (seteuid(0) != 0 || setresuid(0, 65534, 0) != 0)
                _exit(6);
            if (faccessat2_(f, R_OK | W_OK, AT_EACCESS) != 0)
                _exit(7);
            if (faccessat2_(f, X_OK, AT_EACCESS) == 0 || errno != EACCES)
                _exit(8);
            _exit(0);
        }
        test_wait_exit(pid, 0);
    }
    /* A plain unprivileged user. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(4321) != 0 || setuid(4321) != 0)
            _exit(2);
        if (access(f, F_OK) != 0)
            _exit(3);
        if (access(f, R_OK) == 0 || errno != EACCES)
            _exit(4);
        if (access(dir, R_OK | X_OK) != 0)
            _exit(5);
        if (access(dir, W_OK) == 0 || errno != EACCES)
            _exit(6);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK(unlink(l) == 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
