/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c spec`: placeholder until specutils writes a default config.json. */
#include "runsc/runsc.h"

int cmd_spec(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    return runsc_cmd_not_yet(g, argc, argv, err);
}
