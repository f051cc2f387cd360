/* SPDX-License-Identifier: Apache-2.0 */
/* SysV shm error paths: shmget with a size above shmmax EINVAL, unknown shmctl command
 * EINVAL, operations on a removed id EINVAL/EIDRM, shmat of a read-only attachment faults on
 * write (SIGSEGV), SHM_RND rounding of an unaligned address, shmdt of a non-attached address
 * EINVAL. */
#include "test.h"

#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        shmctl(g_id, IPC_RMID, NULL);
}

int main(void)
{
    atexit(cleanup);
    FILE *f = fopen("/proc/sys/kernel/shmmax", "r");
    CHECK(f != NULL);
    unsigned long long shmmax = 0;
    CHECK_EQ(fscanf(f, "%llu", &shmmax), 1);
    fclose(f);
    if (shmmax < (1ULL << 62))
        CHECK_ERR(shmget(IPC_PRIVATE, (size_t)shmmax + 1, IPC_CREAT | 0600), EINVAL);

    g_id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    struct shmid_ds ds;
    CHECK_ERR(shmctl(g_id, 12345, &ds), EINVAL);

    /* Read-only attachment: a write kills with SIGSEGV. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        volatile char *ro = shmat(g_id, NULL, SHM_RDONLY);
        if (ro == (void *)-1)
            _exit(2);
        ro[0] = 1;
        _exit(0);
    }
    int st = test_wait(child);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);

    /* SHM_RND: an address inside a free, SHMLBA-aligned area gets rounded down. */
    char *area = mmap(NULL, 4 * SHMLBA, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    char *aligned = (char *)(((unsigned long)area + SHMLBA - 1) & ~(unsigned long)(SHMLBA - 1));
    CHECK(munmap(area, 4 * SHMLBA) == 0);
    CHECK_ERR(shmat(g_id, aligned + 100, 0), EINVAL);
    char *p = shmat(g_id, aligned + 100, SHM_RND);
    CHECK(p == aligned);
    CHECK_ERR(shmdt(p + 4096), EINVAL);
    CHECK(shmdt(p) == 0);

    CHECK(shmctl(g_id, IPC_RMID, NULL) == 0);
    CHECK_ERR(shmat(g_id, NULL, 0), EINVAL);
    CHECK_ERR(shmctl(g_id, IPC_RMID, NULL), EINVAL);
    g_id = -1;
    TEST_OK();
}
