/* SPDX-License-Identifier: Apache-2.0 */
/* Copying to and from app memory through the platform, with Linux's EFAULT semantics. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/mm/mm_internal.h"

long mm_copy_in_partial(struct mm *mm, void *dst, uintptr_t src, size_t len)
{
    if (len == 0)
        return 0;
    if (src >= ARCH_TASK_SIZE || len > ARCH_TASK_SIZE - src)
        return -EFAULT;
    return mm->ops->as_read(mm->as, dst, src, len);
}

long mm_copy_out_partial(struct mm *mm, uintptr_t dst, const void *src, size_t len)
{
    if (len == 0)
        return 0;
    if (dst >= ARCH_TASK_SIZE || len > ARCH_TASK_SIZE - dst)
        return -EFAULT;
    return mm->ops->as_write(mm->as, dst, src, len);
}

long mm_copy_in(struct mm *mm, void *dst, uintptr_t src, size_t len)
{
    long n = mm_copy_in_partial(mm, dst, src, len);

    if (n < 0)
        return n;
    return (size_t)n == len ? 0 : -EFAULT;
}

long mm_copy_out(struct mm *mm, uintptr_t dst, const void *src, size_t len)
{
    long n = mm_copy_out_partial(mm, dst, src, len);

    if (n < 0)
        return n;
    return (size_t)n == len ? 0 : -EFAULT;
}

long task_copy_in(struct task *t, void *dst, uintptr_t src, size_t len)
{
    return mm_copy_in(t->mm, dst, src, len);
}

long task_copy_out(struct task *t, uintptr_t dst, const void *src, size_t len)
{
    return mm_copy_out(t->mm, dst, src, len);
}

long task_copy_in_partial(struct task *t, void *dst, uintptr_t src, size_t len)
{
    return mm_copy_in_partial(t->mm, dst, src, len);
}

long task_copy_out_partial(struct task *t, uintptr_t dst, const void *src, size_t len)
{
    return mm_copy_out_partial(t->mm, dst, src, len);
}

long task_copy_in_string(struct task *t, uintptr_t src, char *dst, size_t size)
{
    size_t done = 0;

    if (size == 0)
        return -ENAMETOOLONG;
    /* Read page by page so that a string ending just before an unmapped page works. */
    while (done < size) {
        size_t chunk = ARCH_PAGE_SIZE - ((src + done) & (ARCH_PAGE_SIZE - 1));
        long n;
        char *nul;

        if (chunk > size - done)
            chunk = size - done;
        n = mm_copy_in_partial(t->mm, dst + done, src + done, chunk);
        if (n <= 0)
            return -EFAULT;
        nul = memchr(dst + done, '\0', (size_t)n);
        if (nul != NULL)
            return nul - dst;
        done += (size_t)n;
        if ((size_t)n < chunk)
            return -EFAULT;
    }
    dst[size - 1] = '\0';
    return -ENAMETOOLONG;
}

size_t mm_writable_prefix(struct mm *mm, uintptr_t addr, size_t len)
{
    uintptr_t end, at = addr;

    if (addr >= ARCH_TASK_SIZE)
        return 0;
    end = len > ARCH_TASK_SIZE - addr ? ARCH_TASK_SIZE : addr + len;
    mm_lock(mm);
    for (size_t i = vma_lower_bound(mm, addr); i < mm->nr && at < end; i++) {
        const struct mm_vma *v = &mm->vmas[i];

        if (v->start > at || v->reserved || !(v->prot & PROT_WRITE))
            break;
        at = v->end;
    }
    mm_unlock(mm);
    return at >= end ? len : (size_t)(at - addr);
}
