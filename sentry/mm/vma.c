/* SPDX-License-Identifier: Apache-2.0 */
/* The sorted vma array of an address space: lookup, split, insert, remove, free-range search. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/ipc/ipc.h"
#include "sentry/mm/mm_internal.h"

size_t vma_lower_bound(const struct mm *mm, uintptr_t addr)
{
    size_t lo = 0, hi = mm->nr;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (mm->vmas[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool vma_overlaps(const struct mm *mm, uintptr_t start, uintptr_t end)
{
    size_t i = vma_lower_bound(mm, start);

    return i < mm->nr && mm->vmas[i].start < end;
}

bool vma_overlaps_reserved(const struct mm *mm, uintptr_t start, uintptr_t end)
{
    for (size_t i = vma_lower_bound(mm, start); i < mm->nr && mm->vmas[i].start < end; i++) {
        if (mm->vmas[i].reserved)
            return true;
    }
    return false;
}

bool vma_covers(const struct mm *mm, uintptr_t start, uintptr_t end)
{
    uintptr_t cur = start;

    for (size_t i = vma_lower_bound(mm, start); i < mm->nr && cur < end; i++) {
        if (mm->vmas[i].start > cur)
            return false;
        cur = mm->vmas[i].end;
    }
    return cur >= end;
}

static long vma_reserve(struct mm *mm, size_t extra)
{
    size_t cap;
    struct mm_vma *v;

    if (mm->nr + extra <= mm->cap)
        return 0;
    if (mm->nr + extra > MM_MAX_VMAS)
        return -ENOMEM;
    cap = mm->cap ? mm->cap * 2 : 32;
    while (cap < mm->nr + extra)
        cap *= 2;
    v = realloc(mm->vmas, cap * sizeof(*v));
    if (v == NULL)
        return -ENOMEM;
    mm->vmas = v;
    mm->cap = cap;
    return 0;
}

long vma_split_at(struct mm *mm, uintptr_t addr)
{
    size_t i = vma_lower_bound(mm, addr);
    long ret;

    if (i >= mm->nr || mm->vmas[i].start >= addr)
        return 0; /* nothing straddles addr */
    ret = vma_reserve(mm, 1);
    if (ret < 0)
        return ret;
    memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nr - i) * sizeof(mm->vmas[0]));
    mm->nr++;
    mm->vmas[i].end = addr;
    mm->vmas[i + 1].start = addr;
    mm->vmas[i + 1].shared_off += addr - mm->vmas[i].start;
    if (mm->vmas[i + 1].file)
        mm->vmas[i + 1].file_off += addr - mm->vmas[i].start;
    /* Linux counts both halves of a split attachment (shm_open on the new vma). */
    ipc_shm_vma_ref(mm->vmas[i + 1].shm, 1, 0);
    return 0;
}

long vma_insert(struct mm *mm, const struct mm_vma *v)
{
    size_t i = vma_lower_bound(mm, v->start);
    long ret = vma_reserve(mm, 1);

    if (ret < 0)
        return ret;
    memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nr - i) * sizeof(mm->vmas[0]));
    mm->vmas[i] = *v;
    mm->nr++;
    ipc_shm_vma_ref(v->shm, 1, 0);
    return 0;
}

long vma_remove_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
    size_t i, j;
    long ret;

    /* Both splits may need room: reserve first so that failure changes nothing. */
    ret = vma_reserve(mm, 2);
    if (ret < 0)
        return ret;
    vma_split_at(mm, start);
    vma_split_at(mm, end);
    i = vma_lower_bound(mm, start);
    for (j = i; j < mm->nr && mm->vmas[j].start < end; j++)
        ipc_shm_vma_ref(mm->vmas[j].shm, -1, 0);
    memmove(&mm->vmas[i], &mm->vmas[j], (mm->nr - j) * sizeof(mm->vmas[0]));
    mm->nr -= j - i;
    return 0;
}

static bool vma_mergeable(const struct mm_vma *a, const struct mm_vma *b)
{
    return a->end == b->start && a->prot == b->prot && a->flags == b->flags && !a->reserved &&
           !b->reserved && a->name == b->name && a->shared_id == b->shared_id &&
           (a->shared_id == 0 || a->shared_off + (a->end - a->start) == b->shared_off) &&
           a->file == b->file && a->file_dev == b->file_dev && a->file_ino == b->file_ino &&
           a->fd_backed == b->fd_backed && a->may_write == b->may_write &&
           a->dontfork == b->dontfork && a->wipeonfork == b->wipeonfork && a->shm == NULL &&
           b->shm == NULL && (!a->file || a->file_off + (a->end - a->start) == b->file_off);
}

void vma_merge_all(struct mm *mm)
{
    size_t out = 0;

    for (size_t i = 0; i < mm->nr; i++) {
        if (out > 0 && vma_mergeable(&mm->vmas[out - 1], &mm->vmas[i]))
            mm->vmas[out - 1].end = mm->vmas[i].end;
        else
            mm->vmas[out++] = mm->vmas[i];
    }
    mm->nr = out;
}

uintptr_t vma_find_free_topdown(const struct mm *mm, size_t len, uintptr_t limit)
{
    /* vmas[i] is the first vma ending above `limit`; vmas[i - 1] ends at or below it. */
    size_t i = vma_lower_bound(mm, limit);
    uintptr_t top = limit;

    if (len == 0)
        return 0;
    if (i < mm->nr && mm->vmas[i].start < top)
        top = mm->vmas[i].start;
    for (;;) {
        uintptr_t bottom = i > 0 ? mm->vmas[i - 1].end : 0;

        if (bottom < MM_MIN_ADDR)
            bottom = MM_MIN_ADDR;
        if (top > bottom && top - bottom >= len)
            return top - len;
        if (i == 0)
            return 0;
        i--;
        top = mm->vmas[i].start;
    }
}
