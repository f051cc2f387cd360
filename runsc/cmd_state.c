/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c state ID`: print the OCI state of a container as JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runsc/container.h"
#include "runsc/runsc.h"

int cmd_state(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    cleanup_free char *id = NULL;
    cleanup_free char *json = NULL;
    struct container_meta *m = NULL;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            runsc_print_command_help(argv[0]);
            return 0;
        default:
            return rt_make_error(err, 0, "state: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return rt_make_error(err, 0, "state: expects exactly one container ID");
    if (container_resolve_id(g->root, argv[optind], &id, err) < 0)
        return -1;
    if (container_meta_load(g->root, id, &m, err) < 0)
        return -1;
    json = container_state_json(m, /*pretty=*/true);
    container_meta_free(m);
    printf("%s\n", json);
    return 0;
}
