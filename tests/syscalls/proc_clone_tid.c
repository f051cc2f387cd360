/* SPDX-License-Identifier: Apache-2.0 */
/* clone with CLONE_VM|CLONE_THREAD: CLONE_PARENT_SETTID stores the tid, CLONE_CHILD_SETTID in
 * the child, CLONE_CHILD_CLEARTID clears it and wakes a futex on exit; set_tid_address returns
 * the tid. */
#include "test.h"

#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static volatile pid_t g_ptid, g_ctid;
static volatile int g_ran;
static volatile long g_child_gettid;

/* Runs on the new thread: only raw syscalls, since it shares glibc's TLS with main. */
static int child_fn(void *arg)
{
    (void)arg;
    g_child_gettid = syscall(SYS_gettid);
    g_ran = 1;
    return 0;
}

int main(void)
{
    /* set_tid_address returns the caller's tid. */
    static int dummy;
    CHECK_EQ(syscall(SYS_set_tid_address, &dummy), gettid());

    size_t stack_size = 256 * 1024;
    char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    CHECK(stack != MAP_FAILED);
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
    g_ctid = -1;
    int tid =
        clone(child_fn, stack + stack_size, flags, NULL, (pid_t *)&g_ptid, NULL, (pid_t *)&g_ctid);
    CHECK(tid > 0);
    CHECK(tid != getpid());
    CHECK_EQ(g_ptid, tid);

    /* Wait for exit through the CLEARTID futex: the word becomes 0 and we are woken. */
    for (;;) {
        pid_t v = g_ctid;
        if (v == 0)
            break;
        long r = syscall(SYS_futex, &g_ctid, FUTEX_WAIT, v, NULL, NULL, 0);
        CHECK(r == 0 || errno == EAGAIN || errno == EINTR);
    }
    CHECK_EQ(g_ran, 1);
    CHECK_EQ(g_child_gettid, tid);
    /* The thread is gone. */
    for (int i = 0; i < 1000 && syscall(SYS_tgkill, getpid(), tid, 0) == 0; i++)
        usleep(1000);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), tid, 0), ESRCH);
    CHECK(munmap(stack, stack_size) == 0);

    /* Invalid flag combinations. */
    CHECK_ERR(syscall(SYS_clone, CLONE_THREAD, NULL, NULL, NULL, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clone, CLONE_SIGHAND, NULL, NULL, NULL, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clone, CLONE_NEWNS | CLONE_FS, NULL, NULL, NULL, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clone, CLONE_NEWUSER | CLONE_FS, NULL, NULL, NULL, NULL), EINVAL);
    TEST_OK();
}
