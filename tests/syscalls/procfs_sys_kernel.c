/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/sys/kernel: ostype is "Linux\n", osrelease and hostname match uname, pid_max is a
 * number above our pid, random/boot_id is a UUID that stays the same while random/uuid changes
 * on every read; /proc/version starts with "Linux version". */
#include "test.h"

#include <fcntl.h>
#include <sys/utsname.h>

static void slurp(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    long n = read(fd, buf, len - 1);
    CHECK(n > 0);
    buf[n] = 0;
    close(fd);
}

static int is_uuid(const char *s)
{
    if (strlen(s) != 37 || s[36] != '\n')
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!strchr("0123456789abcdef", s[i])) {
            return 0;
        }
    }
    return 1;
}

int main(void)
{
    char buf[256], want[300];
    struct utsname u;
    CHECK(uname(&u) == 0);
    slurp("/proc/sys/kernel/ostype", buf, sizeof(buf));
    CHECK(strcmp(buf, "Linux\n") == 0);
    slurp("/proc/sys/kernel/osrelease", buf, sizeof(buf));
    snprintf(want, sizeof(want), "%s\n", u.release);
    CHECK(strcmp(buf, want) == 0);
    slurp("/proc/sys/kernel/hostname", buf, sizeof(buf));
    snprintf(want, sizeof(want), "%s\n", u.nodename);
    CHECK(strcmp(buf, want) == 0);
    slurp("/proc/sys/kernel/pid_max", buf, sizeof(buf));
    CHECK(atol(buf) > getpid());
    slurp("/proc/version", buf, sizeof(buf));
    CHECK(strncmp(buf, "Linux version ", 14) == 0);

    char b1[64], b2[64], u1[64], u2[64];
    slurp("/proc/sys/kernel/random/boot_id", b1, sizeof(b1));
    slurp("/proc/sys/kernel/random/boot_id", b2, sizeof(b2));
    CHECK(is_uuid(b1));
    CHECK(strcmp(b1, b2) == 0);
    slurp("/proc/sys/kernel/random/uuid", u1, sizeof(u1));
    slurp("/proc/sys/kernel/random/uuid", u2, sizeof(u2));
    CHECK(is_uuid(u1) && is_uuid(u2));
    CHECK(strcmp(u1, u2) != 0);
    CHECK_EQ(u1[14], '4'); /* version 4 UUID */

    /* Writing a read-only sysctl fails. */
    CHECK_ERR(open("/proc/sys/kernel/ostype", O_WRONLY), EACCES);
    CHECK_ERR(open("/proc/sys/kernel/no-such-sysctl", O_RDONLY), ENOENT);
    TEST_OK();
}
