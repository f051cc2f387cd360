/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Huge and absurd mmap requests get Linux's answers: 1 TB PROT_NONE and MAP_NORESERVE mappings
 * succeed and can be touched in a few places; 1 TB of committed private memory follows the
 * overcommit policy of /proc/sys/vm/overcommit_memory (heuristic mode refuses a single mapping
 * larger than RAM + swap with ENOMEM); absurd lengths, offsets and addresses fail with EINVAL or
 * ENOMEM.
 */
#include "test.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>

#define TB (1ULL << 40)

static int overcommit_mode(void)
{
    FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
    int mode = -1;
    CHECK(f != NULL);
    CHECK(fscanf(f, "%d", &mode) == 1);
    fclose(f);
    return mode;
}

/* Touches the first, a middle and the last page of [p, p + len). */
static void touch(char *p, size_t len)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t offs[3] = { 0, (len / 2) & ~(size_t)(pg - 1), len - (size_t)pg };
    for (int i = 0; i < 3; i++) {
        p[offs[i]] = (char)(i + 1);
        CHECK_EQ(p[offs[i]], i + 1);
    }
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);

    /* 1 TB of address space without access: always fine. */
    char *none = mmap(NULL, TB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(none != MAP_FAILED);
    /* Make three pages of it usable and use them. */
    CHECK(mprotect(none, pg, PROT_READ | PROT_WRITE) == 0);
    none[0] = 'a';
    CHECK_EQ(none[0], 'a');
    CHECK(munmap(none, TB) == 0);

    /* MAP_NORESERVE read-write: no commit charge, touching a few pages works. */
    char *nores =
        mmap(NULL, TB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    int mode = overcommit_mode();
    if (mode == 2) {
        /* Strict accounting ignores MAP_NORESERVE. */
        CHECK(nores == MAP_FAILED && errno == ENOMEM);
    } else {
        CHECK(nores != MAP_FAILED);
        touch(nores, TB);
        CHECK(munmap(nores, TB) == 0);
    }

    /* 1 TB committed: the overcommit policy decides. */
    struct sysinfo si;
    CHECK(sysinfo(&si) == 0);
    unsigned long long ram_swap = ((unsigned long long)si.totalram + si.totalswap) * si.mem_unit;
    char *rw = mmap(NULL, TB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mode == 1) {
        CHECK(rw != MAP_FAILED);
        touch(rw, TB);
        CHECK(munmap(rw, TB) == 0);
    } else {
        /* Heuristic (0) and strict (2) modes refuse a mapping larger than RAM + swap. */
        CHECK(ram_swap < TB);
        CHECK(rw == MAP_FAILED);
        CHECK_EQ(errno, ENOMEM);
    }
    /* A shared 1 TB mapping the same way (shmem is committed too). */
    char *sh = mmap(NULL, TB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mode == 1) {
        CHECK(sh != MAP_FAILED);
        touch(sh, TB);
        CHECK(munmap(sh, TB) == 0);
    } else {
        CHECK(sh == MAP_FAILED);
        CHECK_EQ(errno, ENOMEM);
    }
    /* 64 MB committed: fine in every mode; touch it. */
    char *small = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(small != MAP_FAILED);
    touch(small, 64 << 20);
    CHECK(munmap(small, 64 << 20) == 0);

    /* Absurd requests. */
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* A length that rounds up past the end of the address space. */
    CHECK(mmap(NULL, SIZE_MAX, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    CHECK(mmap(NULL, SIZE_MAX - (size_t)pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
          MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    /* Larger than the user address space (128 TB). */
    CHECK(mmap(NULL, 1ULL << 48, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) ==
          MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    /* An offset that is not page aligned. */
    CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* MAP_FIXED at an unaligned address, and in the kernel half. */
    CHECK(mmap((void *)0x10001, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
          MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mmap((void *)0xffff800000000000ULL, pg, PROT_READ,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    /* A fixed mapping that would wrap around the address space. */
    CHECK(mmap((void *)(uintptr_t)(0x7fffffffe000ULL), 16 * (size_t)pg, PROT_READ,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    /* A hint in the kernel half is only a hint. */
    char *h =
        mmap((void *)0xffff800000000000ULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(h != MAP_FAILED);
    CHECK((uintptr_t)h < 0x800000000000ULL);
    CHECK(munmap(h, pg) == 0);
    /* Neither private nor shared. */
    CHECK(mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* A file mapping of a bad fd, and a file offset past what off_t allows in pages. */
    CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EBADF);
    /* munmap and mprotect of absurd ranges. */
    CHECK_ERR(munmap(NULL, 0), EINVAL);
    CHECK_ERR(munmap((void *)1, (size_t)pg), EINVAL);
    CHECK_ERR(munmap((void *)0xffff800000000000ULL, (size_t)pg), EINVAL);
    CHECK_ERR(munmap(NULL, SIZE_MAX), EINVAL);
    CHECK_ERR(mprotect((void *)1, (size_t)pg, PROT_READ), EINVAL);
    CHECK_ERR(mprotect(NULL, SIZE_MAX, PROT_READ), ENOMEM);
    /* The process still works. */
    char *after = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(after != MAP_FAILED);
    after[0] = 1;
    CHECK(munmap(after, pg) == 0);
    TEST_OK();
}
