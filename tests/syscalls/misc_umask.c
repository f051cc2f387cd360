/* SPDX-License-Identifier: Apache-2.0 */
/* umask returns the previous mask, only keeps 0777 bits, filters the mode of new files,
 * directories and FIFOs, and is inherited by children. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    mode_t old = umask(027);
    CHECK_EQ(umask(027), 027);
    CHECK_EQ(umask(07777), 027);
    CHECK_EQ(umask(022), 0777);

    char dir[64], p[96];
    umask(0);
    test_mkdtemp(dir);
    umask(027);
    struct stat st;

    snprintf(p, sizeof(p), "%s/f", dir);
    int fd = open(p, O_WRONLY | O_CREAT, 0777);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_mode & 07777, 0750);
    close(fd);
    /* fchmod is not filtered. */
    CHECK(chmod(p, 0777) == 0);
    CHECK(stat(p, &st) == 0);
    CHECK_EQ(st.st_mode & 07777, 0777);
    CHECK(unlink(p) == 0);

    snprintf(p, sizeof(p), "%s/d", dir);
    CHECK(mkdir(p, 0777) == 0);
    CHECK(stat(p, &st) == 0);
    CHECK_EQ(st.st_mode & 07777, 0750);
    CHECK(rmdir(p) == 0);

    snprintf(p, sizeof(p), "%s/fifo", dir);
    CHECK(mkfifo(p, 0666) == 0);
    CHECK(stat(p, &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0640);
    CHECK(unlink(p) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(umask(0) == 027 ? 0 : 1);
    test_wait_exit(child, 0);

    /* /proc/self/status shows it too. */
    FILE *f = fopen("/proc/self/status", "r");
    CHECK(f != NULL);
    char line[128];
    unsigned m = 0;
    int found = 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "Umask: %o", &m) == 1)
            found = 1;
    fclose(f);
    CHECK(found);
    CHECK_EQ(m, 027);

    CHECK(rmdir(dir) == 0);
    umask(old);
    TEST_OK();
}
