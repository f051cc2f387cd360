/* SPDX-License-Identifier: Apache-2.0 */
/* The vma list operations shared by the mm files. */
#pragma once

#include "sentry/mm/mm.h"

/* Returns the index of the first vma whose end is above `addr` (nr when none). */
size_t vma_lower_bound(const struct mm *mm, uintptr_t addr);

/* Returns true when any vma intersects [start, end). */
bool vma_overlaps(const struct mm *mm, uintptr_t start, uintptr_t end);

/* Returns true when a reserved vma intersects [start, end). */
bool vma_overlaps_reserved(const struct mm *mm, uintptr_t start, uintptr_t end);

/* Returns true when [start, end) is covered by vmas without holes. */
bool vma_covers(const struct mm *mm, uintptr_t start, uintptr_t end);

/* Splits the vma straddling `addr` in two. Returns 0 or -ENOMEM. */
long vma_split_at(struct mm *mm, uintptr_t addr);

/* Inserts a vma that overlaps nothing. Returns 0 or -ENOMEM. */
long vma_insert(struct mm *mm, const struct mm_vma *v);

/* Forgets every vma inside [start, end) after splitting at both ends. Returns 0 or -ENOMEM. */
long vma_remove_range(struct mm *mm, uintptr_t start, uintptr_t end);

/* Merges neighbours with equal attributes (keeps the list short). */
void vma_merge_all(struct mm *mm);

/*
 * Finds the highest free range of `len` bytes ending at or below `limit` and
 * starting at or above MM_MIN_ADDR. Returns its start, or 0 when none.
 */
uintptr_t vma_find_free_topdown(const struct mm *mm, size_t len, uintptr_t limit);
