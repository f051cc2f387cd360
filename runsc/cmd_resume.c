/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c resume ID`: thaw a paused container. */
#include "runsc/runsc.h"

int runsc_set_paused(struct runsc_global_opts *g, int argc, char **argv, bool pause,
                     rt_error_t *err);

int cmd_resume(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    return runsc_set_paused(g, argc, argv, /*pause=*/false, err);
}
