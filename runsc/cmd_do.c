/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c do`: run a command in a sandbox rooted at the host's /, like runsc do. */
#include "runsc/runsc.h"

int cmd_do(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    return runsc_cmd_not_yet(g, argc, argv, err);
}
