/* SPDX-License-Identifier: Apache-2.0 */
/* A shared file mapping follows truncation: after shrinking, pages past the new EOF raise
 * SIGBUS while the page holding EOF reads zeros past it; growing the file back makes the pages
 * accessible again, reading zeros (the old data is gone). */
#include "test.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf env;
static volatile int bus_code;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    bus_code = si->si_code;
    siglongjmp(env, 1);
}

static int touch(volatile char *p)
{
    bus_code = 0;
    if (sigsetjmp(env, 1) == 0) {
        (void)*p;
        return 0;
    }
    return 1;
}

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    CHECK(ftruncate(fd, 4 * pg) == 0);
    char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    memset(m, 'x', 4 * pg);

    struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
    CHECK(sigaction(SIGBUS, &sa, NULL) == 0);

    CHECK(ftruncate(fd, pg + 100) == 0);
    CHECK_EQ(touch(m), 0);
    CHECK(m[0] == 'x' && m[pg + 99] == 'x');
    CHECK(m[pg + 100] == 0); /* the tail of the EOF page is zeroed */
    CHECK(m[2 * pg - 1] == 0);
    CHECK_EQ(touch(m + 2 * pg), 1);
    CHECK_EQ(bus_code, BUS_ADRERR);
    CHECK_EQ(touch(m + 3 * pg + 5), 1);

    CHECK(ftruncate(fd, 4 * pg) == 0);
    CHECK_EQ(touch(m + 3 * pg), 0);
    CHECK(m[2 * pg] == 0 && m[3 * pg + 5] == 0);
    /* Writes through the mapping reach the file. */
    m[3 * pg] = 'w';
    char c;
    CHECK_EQ(pread(fd, &c, 1, 3 * pg), 1);
    CHECK(c == 'w');

    CHECK(munmap(m, 4 * pg) == 0);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
