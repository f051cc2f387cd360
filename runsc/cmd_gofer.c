// SPDX-License-Identifier: Apache-2.0
// `runsc-c gofer`: the internal subcommand that becomes a container's file proxy (gofer/gofer.c).
#include "gofer/gofer.h"
#include "runsc/runsc.h"

int cmd_gofer(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    return gofer_main(argc, argv, err);
}
