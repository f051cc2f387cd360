/* SPDX-License-Identifier: Apache-2.0 */
/* Host-tier error objects. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/xalloc.h"

int rt_make_verror(rt_error_t *err, int status, const char *fmt, va_list ap)
{
    char *base = xvasprintf(fmt, ap);
    struct rt_error *e = xmalloc0(sizeof(*e));

    e->status = status;
    if (status != 0) {
        e->msg = xasprintf("%s: %s", base, strerror(status));
        free(base);
    } else {
        e->msg = base;
    }
    if (err == NULL) {
        /* Nobody wants it: drop it rather than leak it. */
        free(e->msg);
        free(e);
        return -status - 1;
    }
    *err = e;
    return -status - 1;
}

int rt_make_error(rt_error_t *err, int status, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = rt_make_verror(err, status, fmt, ap);
    va_end(ap);
    return ret;
}

int rt_error_wrap(rt_error_t *err, const char *fmt, ...)
{
    va_list ap;
    char *ctx;
    char *msg;

    if (err == NULL || *err == NULL)
        return -1;
    va_start(ap, fmt);
    ctx = xvasprintf(fmt, ap);
    va_end(ap);
    msg = xasprintf("%s: %s", ctx, (*err)->msg);
    free(ctx);
    free((*err)->msg);
    (*err)->msg = msg;
    return -(*err)->status - 1;
}

void rt_error_release(rt_error_t *err)
{
    if (err == NULL || *err == NULL)
        return;
    free((*err)->msg);
    free(*err);
    *err = NULL;
}

int rt_error_status(const rt_error_t err)
{
    return err ? err->status : 0;
}

const char *rt_error_msg(const rt_error_t err)
{
    return err ? err->msg : "";
}
