/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c features`: prints what this runtime parses and supports, in runc's JSON shape. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runsc/runsc.h"
#include "specutils/specutils.h"

int cmd_features(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    cleanup_free char *json = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            runsc_print_command_help(argv[0]);
            return 0;
        }
        return rt_make_error(err, 0, "features: unexpected argument `%s`", argv[i]);
    }
    json = specutils_features_json(RUNSC_VERSION);
    if (printf("%s\n", json) < 0 || fflush(stdout) != 0)
        return rt_make_error(err, errno, "features: write to stdout");
    return 0;
}
