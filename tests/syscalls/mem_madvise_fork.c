/* SPDX-License-Identifier: Apache-2.0 */
/* MADV_WIPEONFORK gives the child zeroed pages, MADV_DONTFORK leaves the range unmapped in
 * the child, and MADV_DOFORK / MADV_KEEPONFORK undo them. */
#include "test.h"

#include <sys/mman.h>

static int child_sees(volatile char *w, volatile char *d, int want_w, int check_d_mapped)
{
    unsigned char vec[1];
    if (w[0] != want_w)
        return 1;
    int mapped = mincore((void *)d, 1, vec) == 0;
    if (mapped != check_d_mapped)
        return 2;
    if (mapped && d[0] != 'd')
        return 3;
    return 0;
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *w = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *d = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(w != MAP_FAILED && d != MAP_FAILED);
    w[0] = 'w';
    d[0] = 'd';
    CHECK(madvise(w, pg, MADV_WIPEONFORK) == 0);
    CHECK(madvise(d, pg, MADV_DONTFORK) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(child_sees(w, d, 0, 0));
    test_wait_exit(child, 0);
    /* The parent keeps its data. */
    CHECK_EQ(w[0], 'w');
    CHECK_EQ(d[0], 'd');

    CHECK(madvise(w, pg, MADV_KEEPONFORK) == 0);
    CHECK(madvise(d, pg, MADV_DOFORK) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(child_sees(w, d, 'w', 1));
    test_wait_exit(child, 0);

    /* WIPEONFORK is only for private anonymous memory. */
    char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    CHECK_ERR(madvise(s, pg, MADV_WIPEONFORK), EINVAL);
    CHECK(munmap(s, pg) == 0);
    CHECK(munmap(w, pg) == 0);
    CHECK(munmap(d, pg) == 0);
    TEST_OK();
}
