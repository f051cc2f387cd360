/* SPDX-License-Identifier: Apache-2.0 */
/* FD_CLOEXEC descriptors survive fork but are closed by execve; others stay open with the
 * same offset. */
#include "test.h"

#include <fcntl.h>

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--child") == 0) {
        int keep = atoi(argv[2]), gone = atoi(argv[3]);
        CHECK_ERR(fcntl(gone, F_GETFD), EBADF);
        CHECK_EQ(fcntl(keep, F_GETFD), 0);
        CHECK_EQ(lseek(keep, 0, SEEK_CUR), 3);
        return 40;
    }

    int keep = open("/proc/self/exe", O_RDONLY);
    int gone = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    CHECK(keep >= 0 && gone >= 0);
    CHECK_EQ(fcntl(gone, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(lseek(keep, 3, SEEK_SET), 3);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        /* After fork both are still open, flags unchanged. */
        if (fcntl(gone, F_GETFD) != FD_CLOEXEC || fcntl(keep, F_GETFD) != 0)
            _exit(1);
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", keep);
        snprintf(b, sizeof(b), "%d", gone);
        char *args[] = { argv[0], "--child", a, b, NULL };
        execv("/proc/self/exe", args);
        _exit(99);
    }
    test_wait_exit(child, 40);

    /* Setting FD_CLOEXEC later with F_SETFD has the same effect. */
    CHECK(fcntl(keep, F_SETFD, FD_CLOEXEC) == 0);
    CHECK(fcntl(gone, F_SETFD, 0) == 0);
    CHECK(lseek(gone, 3, SEEK_SET) == 3);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", gone);
        snprintf(b, sizeof(b), "%d", keep);
        char *args[] = { argv[0], "--child", a, b, NULL };
        execv("/proc/self/exe", args);
        _exit(99);
    }
    test_wait_exit(child, 40);
    TEST_OK();
}
