/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound cleanup macros and explicit ownership hand-over helpers. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/error.h"

static inline void rt_cleanup_freep(void *p)
{
    void **pp = (void **)p;

    free(*pp);
}

static inline void rt_cleanup_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;

        close(*fd);
        errno = saved;
    }
}

static inline void rt_cleanup_filep(FILE **f)
{
    if (*f)
        fclose(*f);
}

static inline void rt_cleanup_dirp(DIR **d)
{
    if (*d)
        closedir(*d);
}

static inline void rt_cleanup_errorp(rt_error_t *err)
{
    rt_error_release(err);
}

/* Frees a NULL-terminated vector of strings and the vector itself. */
static inline void rt_cleanup_strvp(char ***v)
{
    if (*v) {
        for (char **p = *v; *p; p++)
            free(*p);
        free(*v);
    }
}

#define cleanup_free  __attribute__((cleanup(rt_cleanup_freep)))
#define cleanup_close __attribute__((cleanup(rt_cleanup_closep)))
#define cleanup_file  __attribute__((cleanup(rt_cleanup_filep)))
#define cleanup_dir   __attribute__((cleanup(rt_cleanup_dirp)))
#define cleanup_error __attribute__((cleanup(rt_cleanup_errorp)))
#define cleanup_strv  __attribute__((cleanup(rt_cleanup_strvp)))

/* Returns *fd and sets it to -1: the caller now owns the descriptor. */
static inline int take_fd(int *fd)
{
    int ret = *fd;

    *fd = -1;
    return ret;
}

/* Returns *pp and sets it to NULL: the caller now owns the pointer. */
#define steal_pointer(pp)                     \
    ({                                        \
        __typeof__(*(pp)) steal_tmp_ = *(pp); \
        *(pp) = NULL;                         \
        steal_tmp_;                           \
    })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
