/* SPDX-License-Identifier: Apache-2.0 */
/* getrlimit/setrlimit/prlimit: lowering RLIMIT_NOFILE makes open fail with EMFILE (and dup
 * with EMFILE, F_DUPFD with EINVAL), soft above hard is EINVAL, prlimit reads and sets another
 * process, bad resources give EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <sys/resource.h>

static int run(void)
{
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK(rl.rlim_cur <= rl.rlim_max);

    /* Inherited descriptors may leave holes: count the free slots below the new limit. */
    int maxfd = 0, nopen = 0;
    for (int fd = 0; fd < 64; fd++)
        if (fcntl(fd, F_GETFD) != -1) {
            maxfd = fd;
            nopen++;
        }
    struct rlimit low = { .rlim_cur = maxfd + 3, .rlim_max = rl.rlim_max };
    CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
    int free_slots = (int)low.rlim_cur - nopen;
    int opened[64], a = -1, b = -1;
    for (int i = 0; i < free_slots; i++) {
        opened[i] = open("/dev/null", O_RDONLY);
        CHECK(opened[i] >= 0);
        CHECK(opened[i] < (int)low.rlim_cur);
    }
    a = opened[free_slots - 2];
    b = opened[free_slots - 1];
    CHECK_EQ(b, maxfd + 2);
    CHECK_ERR(open("/dev/null", O_RDONLY), EMFILE);
    CHECK_ERR(dup(a), EMFILE);
    int p[2];
    CHECK_ERR(pipe(p), EMFILE);
    CHECK_ERR(fcntl(a, F_DUPFD, (int)low.rlim_cur), EINVAL);
    CHECK_ERR(dup2(a, (int)low.rlim_cur), EBADF);
    close(b);
    CHECK_EQ(dup(a), b);
    for (int i = 0; i < free_slots - 2; i++)
        close(opened[i]);

    /* prlimit on ourselves returns the old value. */
    struct rlimit old;
    struct rlimit lower = { .rlim_cur = low.rlim_cur - 1, .rlim_max = rl.rlim_max };
    CHECK(prlimit(0, RLIMIT_NOFILE, &lower, &old) == 0);
    CHECK_EQ(old.rlim_cur, low.rlim_cur);
    CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
    CHECK_EQ(old.rlim_cur, lower.rlim_cur);

    struct rlimit bad = { .rlim_cur = 100, .rlim_max = 50 };
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
    CHECK_ERR(getrlimit((__rlimit_resource_t)100, &old), EINVAL);
    CHECK_ERR(setrlimit((__rlimit_resource_t)100, &rl), EINVAL);
    /* NOFILE above the system's nr_open is EPERM even for root. */
    struct rlimit huge = { .rlim_cur = RLIM_INFINITY, .rlim_max = RLIM_INFINITY };
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &huge), EPERM);

    /* prlimit on a child: set its RLIMIT_CORE, which it then reports as its exit status.
     * Restore the descriptor limit first: with no inherited holes below it, the lowered
     * limit leaves a single free slot and pipe() would fail. */
    int go[2];
    CHECK(close(a) == 0);
    CHECK(close(b) == 0);
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK(pipe(go) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(99);
        struct rlimit mine;
        getrlimit(RLIMIT_CORE, &mine);
        _exit((int)mine.rlim_cur);
    }
    struct rlimit core = { .rlim_cur = 17, .rlim_max = 4096 };
    CHECK(prlimit(child, RLIMIT_CORE, &core, NULL) == 0);
    struct rlimit seen;
    CHECK(prlimit(child, RLIMIT_CORE, NULL, &seen) == 0);
    CHECK_EQ(seen.rlim_cur, 17);
    CHECK_EQ(seen.rlim_max, 4096);
    CHECK_EQ(write(go[1], "g", 1), 1);
    test_wait_exit(child, 17);
    CHECK_ERR(prlimit(0x3ffffff0, RLIMIT_CORE, NULL, &seen), ESRCH);
    return 0;
}

int main(void)
{
    /* Limits are process-wide; change them in a child. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(run());
    test_wait_exit(child, 0);
    TEST_OK();
}
