/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of platform backends. */
#include <string.h>

#include "sentry/platform/platform.h"
#include "sentry/platform/systrap/systrap.h"

static const struct platform_ops *const g_platforms[] = {
    &g_platform_ptrace_ops,
    &g_platform_systrap_ops,
};

const struct platform_ops *platform_lookup(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(g_platforms); i++) {
        if (strcmp(g_platforms[i]->name, name) == 0)
            return g_platforms[i];
    }
    return NULL;
}
