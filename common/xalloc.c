/* SPDX-License-Identifier: Apache-2.0 */
/* Host-tier allocation helpers that abort on out-of-memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"

void rt_oom(void)
{
    static const char msg[] = "runsc-c: out of memory\n";

    /* Nothing that allocates is safe here. */
    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
    }
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (p == NULL)
        rt_oom();
    return p;
}

void *xmalloc0(size_t size)
{
    void *p = calloc(1, size ? size : 1);

    if (p == NULL)
        rt_oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p;

    if (n == 0 || size == 0)
        return xmalloc0(1);
    p = calloc(n, size);
    if (p == NULL)
        rt_oom();
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);

    if (p == NULL)
        rt_oom();
    return p;
}

char *xstrdup(const char *s)
{
    char *p = strdup(s ? s : "");

    if (p == NULL)
        rt_oom();
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);

    if (p == NULL)
        rt_oom();
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    char *p = NULL;

    if (vasprintf(&p, fmt, ap) < 0)
        rt_oom();
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}
