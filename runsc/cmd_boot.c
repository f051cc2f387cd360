// SPDX-License-Identifier: Apache-2.0
// `runsc-c boot`: the internal subcommand that becomes the sandbox process (see boot/boot.c).
#include "boot/boot.h"
#include "runsc/runsc.h"

int cmd_boot(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    return boot_main(argc, argv, err);
}
