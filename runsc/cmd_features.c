/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c features`: placeholder until specutils lists what it parses. */
#include "runsc/runsc.h"

int cmd_features(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    return runsc_cmd_not_yet(g, argc, argv, err);
}
