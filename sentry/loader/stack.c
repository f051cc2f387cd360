/* SPDX-License-Identifier: Apache-2.0 */
/* The initial stack of a new program: strings, argv, envp and the auxiliary vector. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "common/common.h"
#include "sentry/kernel/kernel.h"
#include "sentry/loader/loader.h"
#include "sentry/mm/mm.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define PLATFORM_STRING "x86_64"
/* Linux's default AT_MINSIGSTKSZ floor when the host does not say (legacy MINSIGSTKSZ). */
#define DEFAULT_MINSIGSTKSZ 2048
#define MAX_AUXV            24

static size_t count_strings(char *const v[], size_t *bytes)
{
    size_t n = 0;

    for (; v != NULL && v[n] != NULL; n++)
        *bytes += strlen(v[n]) + 1;
    return n;
}

long loader_build_stack(struct task *t, const struct loader_image *img, const char *execfn,
                        char *const argv[], char *const envp[])
{
    const struct platform_as_info *info = t->k->pops->as_info(t->mm->as);
    uintptr_t top = t->mm->stack_top, bottom = top - MM_STACK_SIZE;
    size_t str_bytes = 0, argc, envc, nptrs, total;
    uint64_t auxv[2 * MAX_AUXV];
    size_t na = 0;
    cleanup_free char *buf = NULL;
    uintptr_t sp, strp, execfn_p, platform_p, random_p, *ptrs;
    unsigned char rnd[16];
    unsigned long minsig;
    char *p;
    long ret;

    argc = count_strings(argv, &str_bytes);
    envc = count_strings(envp, &str_bytes);
    str_bytes += strlen(execfn) + 1 + sizeof(PLATFORM_STRING) + sizeof(rnd) + sizeof(uint64_t);
    /* Linux caps argv + envp at a quarter of the stack limit. */
    if (str_bytes > MM_STACK_SIZE / 4)
        return -E2BIG;

    ret = mm_mmap(t->mm, bottom, MM_STACK_SIZE,
                  PROT_READ | PROT_WRITE | (img->exec_stack ? PROT_EXEC : 0),
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (ret < 0)
        return ret;
    mm_set_name(t->mm, bottom, "[stack]");

    /* Strings live at the top, in Linux's order (execfn highest, then envp, argv). */
    strp = top - sizeof(uint64_t);
    strp -= strlen(execfn) + 1;
    execfn_p = strp;
    for (size_t i = 0; i < envc; i++)
        strp -= strlen(envp[i]) + 1;
    for (size_t i = 0; i < argc; i++)
        strp -= strlen(argv[i]) + 1;
    strp -= sizeof(PLATFORM_STRING);
    platform_p = strp;
    strp -= sizeof(rnd);
    random_p = strp;

    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
        return -EAGAIN;
    minsig = getauxval(AT_MINSIGSTKSZ);
    if (minsig == 0)
        minsig = DEFAULT_MINSIGSTKSZ;

#define AUX(type, val)                \
    do {                              \
        auxv[na++] = (type);          \
        auxv[na++] = (uint64_t)(val); \
    } while (0)
    if (info->vdso_base != 0)
        AUX(AT_SYSINFO_EHDR, info->vdso_base);
    AUX(AT_MINSIGSTKSZ, minsig);
    AUX(AT_HWCAP, getauxval(AT_HWCAP));
    AUX(AT_PAGESZ, ARCH_PAGE_SIZE);
    AUX(AT_CLKTCK, 100);
    AUX(AT_PHDR, img->phdr);
    AUX(AT_PHENT, img->phent);
    AUX(AT_PHNUM, img->phnum);
    AUX(AT_BASE, img->interp_base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, img->prog_entry);
    AUX(AT_UID, 0);
    AUX(AT_EUID, 0);
    AUX(AT_GID, 0);
    AUX(AT_EGID, 0);
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random_p);
    AUX(AT_HWCAP2, getauxval(AT_HWCAP2));
    AUX(AT_EXECFN, execfn_p);
    AUX(AT_PLATFORM, platform_p);
    AUX(AT_NULL, 0);
#undef AUX

    /* argc, argv[], NULL, envp[], NULL, auxv; rsp 16-byte aligned at entry. */
    nptrs = 1 + argc + 1 + envc + 1;
    sp = (random_p - (nptrs * sizeof(uint64_t) + na * sizeof(uint64_t))) & ~(uintptr_t)15;
    total = top - sp;
    buf = calloc(1, total);
    if (buf == NULL)
        return -ENOMEM;

#define AT(addr) (buf + ((addr)-sp))
    ptrs = (uintptr_t *)(void *)buf;
    ptrs[0] = argc;
    p = AT(strp + sizeof(rnd) + sizeof(PLATFORM_STRING));
    for (size_t i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;

        ptrs[1 + i] = sp + (uintptr_t)(p - buf);
        memcpy(p, argv[i], n);
        p += n;
    }
    ptrs[1 + argc] = 0;
    for (size_t i = 0; i < envc; i++) {
        size_t n = strlen(envp[i]) + 1;

        ptrs[2 + argc + i] = sp + (uintptr_t)(p - buf);
        memcpy(p, envp[i], n);
        p += n;
    }
    ptrs[2 + argc + envc] = 0;
    memcpy(&ptrs[nptrs], auxv, na * sizeof(uint64_t));
    memcpy(AT(execfn_p), execfn, strlen(execfn) + 1);
    memcpy(AT(platform_p), PLATFORM_STRING, sizeof(PLATFORM_STRING));
    memcpy(AT(random_p), rnd, sizeof(rnd));
#undef AT

    ret = task_copy_out(t, sp, buf, total);
    if (ret < 0)
        return ret;
    return (long)sp;
}
