/* SPDX-License-Identifier: Apache-2.0 */
/* Host-tier allocation helpers that abort on out-of-memory. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* Each returns new memory owned by the caller, or aborts the process on OOM. */
void *xmalloc(size_t size);
void *xmalloc0(size_t size);
void *xrealloc(void *ptr, size_t size);
/* Allocates n * size zeroed bytes; aborts on overflow or OOM. */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Prints "out of memory" and aborts. */
void rt_oom(void) __attribute__((noreturn));
