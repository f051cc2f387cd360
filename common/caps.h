/* SPDX-License-Identifier: Apache-2.0 */
/* Dropping the process's capabilities down to a fixed list. */
#pragma once

#include <stddef.h>

#include "common/error.h"

/*
 * Reduces the bounding, permitted and effective sets to `keep` (n entries),
 * clears the inheritable and ambient sets, and locks SECBIT_NOROOT so uid 0
 * cannot regain capabilities through exec. Returns 0 or < 0 with *err.
 */
int rt_caps_keep_only(const int *keep, size_t n, rt_error_t *err);
