/* SPDX-License-Identifier: Apache-2.0 */
/* Host-tier error objects: an errno plus a message, built once and wrapped with context. */
#pragma once

#include <stdarg.h>

/*
 * A failed host-tier function sets `*err` exactly once and returns < 0. Callers
 * either propagate (optionally after rt_error_wrap) or consume it with
 * rt_error_release; never both.
 */
struct rt_error {
    int status; /* errno value, 0 when there is none */
    char *msg;  /* owned, never NULL */
};

typedef struct rt_error *rt_error_t;

/*
 * Sets `*err` to a new error with `status` (an errno, or 0) and the formatted
 * message; when status is non-zero, ": strerror(status)" is appended.
 * Returns -status - 1, which is always negative.
 */
int rt_make_error(rt_error_t *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like rt_make_error with a va_list. */
int rt_make_verror(rt_error_t *err, int status, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * Prefixes the message of `*err` with the formatted context and ": ".
 * Returns -status - 1 so it can be used as `return rt_error_wrap(err, "...")`.
 */
int rt_error_wrap(rt_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Frees `*err` (if any) and sets it to NULL. */
void rt_error_release(rt_error_t *err);

/* Returns the errno carried by `err`, or 0. */
int rt_error_status(const rt_error_t err);

/* Returns the message of `err` (borrowed), or "" when `err` is NULL. */
const char *rt_error_msg(const rt_error_t err);
