/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny TAP producer for unit tests: the binary counts its own tests and prints the plan last. */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count_;
static int tap_failed_;

/* Records one test result; `fmt` names the test. Returns `cond` so callers can chain. */
static inline int __attribute__((format(printf, 2, 3))) tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;

    tap_count_++;
    if (!cond)
        tap_failed_++;
    printf("%s %d - ", cond ? "ok" : "not ok", tap_count_);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return cond;
}

/* Prints a diagnostic line (ignored by TAP consumers). */
static inline void __attribute__((format(printf, 1, 2))) tap_diag(const char *fmt, ...)
{
    va_list ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* Prints the plan and returns the process exit status (0 when every test passed). */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count_);
    return tap_failed_ ? 1 : 0;
}

#define TAP_STR_EQ(a, b, name)                                                           \
    tap_ok((a) != NULL && (b) != NULL && strcmp((a), (b)) == 0, "%s (got \"%s\")", name, \
           (a) ? (a) : "(null)")
