/* SPDX-License-Identifier: Apache-2.0 */
/* Touching a file mapping past the last page of the file raises SIGBUS with BUS_ADRERR; the
 * tail of the last page reads as zeroes. */
#include "test.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf g_jmp;
static volatile siginfo_t g_info;

static void on_bus(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    memcpy((void *)&g_info, info, sizeof(*info));
    siglongjmp(g_jmp, 1);
}

int main(void)
{
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    CHECK(write(fd, "hello", 5) == 5);

    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGBUS, &sa, NULL) == 0);

    volatile char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    CHECK(m[0] == 'h' && m[4] == 'o');
    /* Beyond EOF but in the same page: zero-filled. */
    CHECK_EQ(m[100], 0);
    CHECK_EQ(m[pg - 1], 0);

    volatile char *bad = m + pg + 8;
    if (sigsetjmp(g_jmp, 1) == 0) {
        (void)*bad;
        CHECK(0);
    }
    CHECK_EQ(g_info.si_signo, SIGBUS);
    CHECK_EQ(g_info.si_code, BUS_ADRERR);
    CHECK(g_info.si_addr == (void *)bad);

    /* Truncating a mapped file makes previously valid pages fault. */
    CHECK(ftruncate(fd, 2 * pg) == 0);
    m[pg + 8] = 'x';
    CHECK(ftruncate(fd, 0) == 0);
    if (sigsetjmp(g_jmp, 1) == 0) {
        (void)m[0];
        CHECK(0);
    }
    CHECK_EQ(g_info.si_code, BUS_ADRERR);
    CHECK(g_info.si_addr == (void *)m);

    CHECK(munmap((void *)m, 2 * pg) == 0);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
