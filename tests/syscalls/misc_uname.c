/* SPDX-License-Identifier: Apache-2.0 */
/* uname fields are non-empty and NUL terminated, sysname is "Linux" and machine "x86_64",
 * and they agree with /proc/sys/kernel and gethostname. */
#include "test.h"

#include <sys/syscall.h>
#include <sys/utsname.h>

static void read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(fgets(buf, (int)len, f) != NULL);
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
}

int main(void)
{
    struct utsname u;
    CHECK(uname(&u) == 0);
    CHECK(strcmp(u.sysname, "Linux") == 0);
    CHECK(strcmp(u.machine, "x86_64") == 0);
    CHECK(u.nodename[0] != 0);
    CHECK(u.release[0] != 0);
    CHECK(u.version[0] != 0);
    CHECK(memchr(u.release, 0, sizeof(u.release)) != NULL);
    /* release looks like "<major>.<minor>...". */
    int major = 0, minor = 0;
    CHECK(sscanf(u.release, "%d.%d", &major, &minor) == 2);
    CHECK(major >= 4);

    char buf[256];
    read_line("/proc/sys/kernel/ostype", buf, sizeof(buf));
    CHECK(strcmp(buf, u.sysname) == 0);
    read_line("/proc/sys/kernel/osrelease", buf, sizeof(buf));
    CHECK(strcmp(buf, u.release) == 0);
    read_line("/proc/sys/kernel/hostname", buf, sizeof(buf));
    CHECK(strcmp(buf, u.nodename) == 0);
    CHECK(gethostname(buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, u.nodename) == 0);
    /* gethostname into a too-small buffer fails with ENAMETOOLONG. */
    if (strlen(u.nodename) > 1)
        CHECK_ERR(gethostname(buf, 1), ENAMETOOLONG);
    CHECK_ERR(syscall(SYS_uname, (void *)8), EFAULT);
    TEST_OK();
}
