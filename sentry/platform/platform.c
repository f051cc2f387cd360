/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of platform backends, and what the backends share. */
#include <errno.h>
#include <stdio.h>
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

int platform_find_vdso(struct platform_range *ranges, size_t *n, size_t max, uintptr_t *vdso_base,
                       rt_error_t *err)
{
    cleanup_file FILE *f = fopen("/proc/self/maps", "re");
    char line[512];

    if (f == NULL)
        return rt_make_error(err, errno, "open /proc/self/maps");
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned long start, end;
        const char *name = NULL;

        if (sscanf(line, "%lx-%lx", &start, &end) != 2)
            continue;
        if (strstr(line, "[vdso]") != NULL)
            name = "[vdso]";
        else if (strstr(line, "[vvar_vclock]") != NULL)
            name = "[vvar_vclock]";
        else if (strstr(line, "[vvar]") != NULL)
            name = "[vvar]";
        if (name == NULL)
            continue;
        if (*n >= max)
            return rt_make_error(err, 0, "too many vDSO mappings in /proc/self/maps");
        ranges[(*n)++] = (struct platform_range){ .start = start, .end = end, .name = name };
        if (strcmp(name, "[vdso]") == 0)
            *vdso_base = start;
    }
    return 0;
}
