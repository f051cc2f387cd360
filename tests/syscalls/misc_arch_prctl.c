/* SPDX-License-Identifier: Apache-2.0 */
/* arch_prctl(ARCH_GET_FS) returns the thread pointer (the TCB's self pointer at %fs:0), which
 * differs per thread; ARCH_SET_GS/GET_GS round-trip; unknown codes give EINVAL. */
#include "test.h"

#include <asm/prctl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

static uintptr_t get_fs(void)
{
    unsigned long fs = 0;
    CHECK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0);
    return fs;
}

static uintptr_t tcb_self(void)
{
    uintptr_t v;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}

static volatile uintptr_t g_thread_fs, g_thread_self;

static void *thread_main(void *arg)
{
    (void)arg;
    g_thread_fs = get_fs();
    g_thread_self = tcb_self();
    return NULL;
}

int main(void)
{
    uintptr_t fs = get_fs();
    CHECK(fs != 0);
    CHECK_EQ(fs, tcb_self());
    CHECK_EQ(fs, (uintptr_t)pthread_self());

    pthread_t th;
    CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK(g_thread_fs != fs);
    CHECK_EQ(g_thread_fs, g_thread_self);

    static unsigned long gs_target[4] = { 0x1122334455667788UL };
    unsigned long gs = 1;
    CHECK(syscall(SYS_arch_prctl, ARCH_GET_GS, &gs) == 0);
    CHECK_EQ(gs, 0);
    CHECK(syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)gs_target) == 0);
    CHECK(syscall(SYS_arch_prctl, ARCH_GET_GS, &gs) == 0);
    CHECK_EQ(gs, (unsigned long)gs_target);
    unsigned long v;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    CHECK_EQ(v, 0x1122334455667788UL);
    CHECK(syscall(SYS_arch_prctl, ARCH_SET_GS, 0UL) == 0);

    CHECK_ERR(syscall(SYS_arch_prctl, 0x9999, &v), EINVAL);
    CHECK_ERR(syscall(SYS_arch_prctl, ARCH_GET_FS, (void *)8), EFAULT);
    /* Non-canonical addresses are rejected. */
    CHECK_ERR(syscall(SYS_arch_prctl, ARCH_SET_GS, 0x8000000000000000UL), EPERM);
    TEST_OK();
}
