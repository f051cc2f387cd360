/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c spec`: writes runc's default config.json into a bundle, never overwriting one. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runsc/runsc.h"
#include "specutils/specutils.h"

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int cmd_spec(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "bundle", required_argument, NULL, 'b' },
        { "rootless", no_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    cleanup_free char *json = NULL;
    cleanup_free char *path = NULL;
    cleanup_close int fd = -1;
    const char *bundle = ".";
    bool rootless = false;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            bundle = optarg;
            break;
        case 'r':
            rootless = true;
            break;
        case 'h':
            runsc_print_command_help(argv[0]);
            printf("\n  -b, --bundle DIR   write DIR/config.json (default: the current directory)\n"
                   "  --rootless         a spec for a rootless container (user namespace)\n");
            return 0;
        case ':':
            return rt_make_error(err, 0, "spec: option `%s` needs a value", argv[optind - 1]);
        default:
            return rt_make_error(err, 0, "spec: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return rt_make_error(err, 0, "spec: unexpected argument `%s`", argv[optind]);

    path = xasprintf("%s/config.json", bundle);
    json = specutils_default_spec_json(rootless);
    /* O_EXCL: an existing config.json (or a symlink in its place) is never replaced. */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno == EEXIST)
        return rt_make_error(err, 0, "spec: `%s` already exists; remove it first", path);
    if (fd < 0)
        return rt_make_error(err, errno, "spec: create `%s`", path);
    if (write_all(fd, json, strlen(json)) < 0 || write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
        int saved = errno;

        unlink(path);
        return rt_make_error(err, saved, "spec: write `%s`", path);
    }
    if (close(take_fd(&fd)) < 0)
        return rt_make_error(err, errno, "spec: close `%s`", path);
    return 0;
}
