/* SPDX-License-Identifier: Apache-2.0 */
/* Finds argv, envp and the exec file name in a process's initial stack (cmdline, environ, exe). */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/proc/proc_internal.h"
#include "sentry/mm/mm.h"

/*
 * The kernel does not record arg_start/env_start as Linux's mm does, so this
 * reads them back from the initial stack the loader (sentry/loader/stack.c)
 * builds, which has Linux's layout: at the top 8 zero bytes, the exec file
 * name, the env strings, the arg strings, "x86_64", 16 random bytes; below
 * them argc, argv[], NULL, envp[], NULL and auxv, whose AT_EXECFN and
 * AT_PLATFORM entries point at those strings. If the app overwrote its auxv
 * or argv pointers, the lookup fails with -ENOENT (Linux would still know).
 */

#define CHUNK     65536
#define MAX_SCAN  (MM_STACK_SIZE / 4 + CHUNK)
#define WORD_SIZE sizeof(uint64_t)

static long read_mem(struct mm *mm, uintptr_t addr, void *buf, size_t len)
{
    long n = mm_copy_in_partial(mm, buf, addr, len);

    return n < 0 ? n : (n == (long)len ? 0 : -EFAULT);
}

/* Finds the address of the word pair (a, b) followed by (c, *d) scanning down from `from`. */
static long find_aux(struct mm *mm, uintptr_t from, uint64_t a, uint64_t b, uint64_t c, uint64_t *d,
                     uintptr_t *at)
{
    uint64_t *w = malloc(CHUNK + 4 * WORD_SIZE);
    uintptr_t hi = from & ~(uintptr_t)(WORD_SIZE - 1);
    long ret = -ENOENT;

    if (w == NULL)
        return -ENOMEM;
    for (size_t scanned = 0; scanned < MAX_SCAN && hi > CHUNK; scanned += CHUNK) {
        uintptr_t lo = hi - CHUNK;
        size_t n;

        if (read_mem(mm, lo, w, CHUNK + 4 * WORD_SIZE) == 0)
            n = CHUNK / WORD_SIZE + 4;
        else if (read_mem(mm, lo, w, CHUNK) == 0)
            n = CHUNK / WORD_SIZE;
        else
            break;
        for (size_t i = n - 4 + 1; i-- > 0;) {
            if (w[i] == a && w[i + 1] == b && w[i + 2] == c) {
                *d = w[i + 3];
                *at = lo + i * WORD_SIZE;
                ret = 0;
                goto out;
            }
        }
        hi = lo;
    }
out:
    free(w);
    return ret;
}

long proc_stack_layout(struct mm *mm, struct proc_layout *l)
{
    char top[4096];
    uintptr_t stack_top = mm->stack_top, aux_at, pos;
    uint64_t platform, word, argc;
    long ret;
    size_t i;

    memset(l, 0, sizeof(*l));
    ret = read_mem(mm, stack_top - sizeof(top), top, sizeof(top));
    if (ret < 0)
        return -ENOENT;
    /* top[-8..-1] are zero; the exec file name ends just below them. */
    i = sizeof(top) - WORD_SIZE - 1;
    if (top[i] != '\0')
        return -ENOENT;
    while (i > 0 && top[i - 1] != '\0')
        i--;
    if (i == 0)
        return -ENOENT;
    l->execfn = stack_top - sizeof(top) + i;
    ret = find_aux(mm, l->execfn, AT_EXECFN, l->execfn, AT_PLATFORM, &platform, &aux_at);
    if (ret < 0)
        return ret;
    l->arg_start = platform + sizeof("x86_64");
    /* argv[0] is the first word below auxv equal to arg_start; argc precedes it. */
    for (pos = aux_at; pos > aux_at - MAX_SCAN; pos -= WORD_SIZE) {
        if (read_mem(mm, pos, &word, sizeof(word)) < 0)
            return -ENOENT;
        if (word == l->arg_start)
            break;
    }
    if (word != l->arg_start || read_mem(mm, pos - WORD_SIZE, &argc, sizeof(argc)) < 0 ||
        argc == 0 || argc > MAX_SCAN)
        return -ENOENT;
    if (read_mem(mm, pos + (argc + 1) * WORD_SIZE, &word, sizeof(word)) < 0)
        return -ENOENT;
    /* auxv follows envp's NULL; it ends with AT_NULL. */
    for (pos += (argc + 1) * WORD_SIZE;; pos += WORD_SIZE) {
        uint64_t e;

        if (pos > aux_at || read_mem(mm, pos, &e, sizeof(e)) < 0)
            return -ENOENT;
        if (e == 0)
            break;
    }
    l->auxv_start = pos + WORD_SIZE;
    for (l->auxv_end = l->auxv_start; l->auxv_end <= aux_at + 64 * 2 * WORD_SIZE;
         l->auxv_end += 2 * WORD_SIZE) {
        uint64_t type;

        if (read_mem(mm, l->auxv_end, &type, sizeof(type)) < 0)
            return -ENOENT;
        if (type == AT_NULL) {
            l->auxv_end += 2 * WORD_SIZE;
            break;
        }
    }
    l->env_end = l->execfn;
    l->env_start = word != 0 ? word : l->execfn;
    l->arg_end = l->env_start;
    if (l->arg_start > l->arg_end || l->env_start > l->env_end)
        return -ENOENT;
    return 0;
}
