/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c install` / `uninstall`: add or remove runsc-c as a runtime in Docker's daemon.json. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "runsc/runsc.h"

#define DEFAULT_CONFIG_FILE  "/etc/docker/daemon.json"
#define DEFAULT_RUNTIME_NAME "runsc-c"
/* daemon.json is a small hand-edited file; refuse anything absurdly large. */
#define MAX_CONFIG_SIZE (16 << 20)

struct install_args {
    const char *runtime;     /* --runtime NAME */
    const char *config_file; /* --config-file F */
    char **runtime_args;     /* after "--" (points into argv) */
    int n_runtime_args;
    bool help;
};

/* A daemon.json loaded into memory: its root object and the mode to keep. */
struct daemon_config {
    char *path;   /* the file written (symlinks resolved); owned */
    json_t *root; /* a JSON object; owned */
    mode_t mode;  /* permission bits of the existing file, 0644 when new */
    bool existed; /* the file was there */
};

static void daemon_config_release(struct daemon_config *c)
{
    free(c->path);
    json_decref(c->root);
}

static int parse_install_args(int argc, char **argv, bool allow_runtime_args,
                              struct install_args *a, rt_error_t *err)
{
    static const struct option opts[] = {
        { "runtime", required_argument, NULL, 'r' },
        { "config-file", required_argument, NULL, 'c' },
        /* runsc's spellings. */
        { "config_file", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    *a = (struct install_args){ .runtime = DEFAULT_RUNTIME_NAME,
                                .config_file = DEFAULT_CONFIG_FILE };
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            a->runtime = optarg;
            break;
        case 'c':
            a->config_file = optarg;
            break;
        case 'h':
            a->help = true;
            return 0;
        case ':':
            return rt_make_error(err, 0, "%s: option `%s` needs a value", argv[0],
                                 argv[optind - 1]);
        default:
            return rt_make_error(err, 0, "%s: unknown option `%s`", argv[0], argv[optind - 1]);
        }
    }
    /* getopt_long consumes a "--" that ends the options; runtime args follow it. */
    if (optind < argc) {
        if (!allow_runtime_args || strcmp(argv[optind - 1], "--") != 0)
            return rt_make_error(err, 0, "%s: unexpected argument `%s`%s", argv[0], argv[optind],
                                 allow_runtime_args ? " (runtime arguments go after `--`)" : "");
        a->runtime_args = &argv[optind];
        a->n_runtime_args = argc - optind;
    }
    if (a->runtime[0] == '\0')
        return rt_make_error(err, 0, "%s: --runtime: the name must not be empty", argv[0]);
    if (a->config_file[0] == '\0')
        return rt_make_error(err, 0, "%s: --config-file: the path must not be empty", argv[0]);
    return 0;
}

static void print_install_help(const char *name, bool install)
{
    runsc_print_command_help(name);
    printf("\n  --runtime NAME       the runtime's name in daemon.json (default %s)\n"
           "  --config-file F      Docker's configuration file (default %s)\n",
           DEFAULT_RUNTIME_NAME, DEFAULT_CONFIG_FILE);
    if (install)
        printf("  -- ARGS...           global options Docker passes to runsc-c (runtimeArgs)\n"
               "\nAdds or replaces runtimes.NAME = {\"path\": <this binary>, \"runtimeArgs\": "
               "[ARGS]}\nand keeps every other setting. Reload Docker afterwards "
               "(SIGHUP to dockerd).\n");
    else
        printf("\nRemoves runtimes.NAME and keeps every other setting. Reload Docker "
               "afterwards\n(SIGHUP to dockerd).\n");
}

/*
 * Loads `path` into *c. A missing file is `{}` (mode 0644), so is an empty
 * one; anything that is not a JSON object, or whose "runtimes" is not an
 * object, is an error. Returns 0 or < 0 with *err.
 */
static int daemon_config_load(const char *path, struct daemon_config *c, rt_error_t *err)
{
    cleanup_free char *data = NULL;
    cleanup_close int fd = -1;
    json_error_t jerr;
    struct stat st;
    size_t len = 0;
    json_t *runtimes;

    *c = (struct daemon_config){ .mode = 0644 };
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno != ENOENT)
        return rt_make_error(err, errno, "open `%s`", path);
    if (fd < 0) {
        c->path = xstrdup(path);
        c->root = json_object();
        return 0;
    }
    if (fstat(fd, &st) < 0)
        return rt_make_error(err, errno, "stat `%s`", path);
    if (!S_ISREG(st.st_mode))
        return rt_make_error(err, 0, "`%s` is not a regular file", path);
    if (st.st_size > MAX_CONFIG_SIZE)
        return rt_make_error(err, 0, "`%s` is too large (%lld bytes)", path, (long long)st.st_size);
    data = xmalloc((size_t)st.st_size + 1);
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, data + len, (size_t)st.st_size - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rt_make_error(err, errno, "read `%s`", path);
        if (n == 0)
            break;
        len += (size_t)n;
    }
    data[len] = '\0';

    c->existed = true;
    c->mode = st.st_mode & 07777;
    /* Write through a symlink (a config kept elsewhere), not over it. */
    c->path = realpath(path, NULL);
    if (c->path == NULL)
        return rt_make_error(err, errno, "resolve `%s`", path);
    if (strspn(data, " \t\r\n") == len) {
        c->root = json_object();
        return 0;
    }
    c->root = json_loadb(data, len, 0, &jerr);
    if (c->root == NULL)
        return rt_make_error(err, 0, "`%s` is not valid JSON: line %d column %d: %s", path,
                             jerr.line, jerr.column, jerr.text);
    if (!json_is_object(c->root))
        return rt_make_error(err, 0, "`%s`: the top level is not a JSON object", path);
    runtimes = json_object_get(c->root, "runtimes");
    if (runtimes != NULL && !json_is_object(runtimes) && !json_is_null(runtimes))
        return rt_make_error(err, 0, "`%s`: \"runtimes\" is not a JSON object", path);
    return 0;
}

/* Writes c->root back to c->path atomically with its mode. Returns 0 or < 0 with *err. */
static int daemon_config_save(const struct daemon_config *c, rt_error_t *err)
{
    cleanup_free char *dir = NULL;
    cleanup_free char *text = NULL;
    char *slash;
    size_t len;

    /* Like runsc install: create /etc/docker (and its parents) when Docker has never run. */
    dir = xstrdup(c->path);
    slash = strrchr(dir, '/');
    if (slash != NULL && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1;; p++) {
            bool last = *p == '\0';

            if (*p != '/' && !last)
                continue;
            *p = '\0';
            if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return rt_make_error(err, errno, "create directory `%s`", dir);
            if (last)
                break;
            *p = '/';
        }
    }
    text = json_dumps(c->root, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    if (text == NULL)
        return rt_make_error(err, ENOMEM, "encode `%s`", c->path);
    len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    if (rt_write_file_atomic(AT_FDCWD, c->path, text, len, c->mode, err) < 0)
        return rt_error_wrap(err, "writing `%s`", c->path);
    return 0;
}

/* Returns the absolute path of this binary (owned by the caller), or NULL with *err. */
static char *self_path(rt_error_t *err)
{
    char *p = realpath("/proc/self/exe", NULL);

    if (p == NULL)
        rt_make_error(err, errno, "resolve /proc/self/exe");
    return p;
}

int cmd_install(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    struct daemon_config c __attribute__((cleanup(daemon_config_release))) = { 0 };
    cleanup_free char *self = NULL;
    struct install_args a;
    json_t *runtimes, *entry, *args;
    bool replaced;

    if (parse_install_args(argc, argv, /*allow_runtime_args=*/true, &a, err) < 0)
        return -1;
    if (a.help) {
        print_install_help(argv[0], /*install=*/true);
        return 0;
    }
    self = self_path(err);
    if (self == NULL)
        return -1;
    if (daemon_config_load(a.config_file, &c, err) < 0)
        return rt_error_wrap(err, "install");

    runtimes = json_object_get(c.root, "runtimes");
    if (runtimes == NULL || json_is_null(runtimes)) {
        runtimes = json_object();
        json_object_set_new(c.root, "runtimes", runtimes);
    }
    replaced = json_object_get(runtimes, a.runtime) != NULL;
    entry = json_object();
    json_object_set_new(entry, "path", json_string(self));
    if (a.n_runtime_args > 0) {
        args = json_array();
        for (int i = 0; i < a.n_runtime_args; i++)
            json_array_append_new(args, json_string(a.runtime_args[i]));
        json_object_set_new(entry, "runtimeArgs", args);
    }
    /* set_new keeps the key's position when it already exists. */
    json_object_set_new(runtimes, a.runtime, entry);

    if (daemon_config_save(&c, err) < 0)
        return rt_error_wrap(err, "install");

    printf("%s runtime \"%s\" in %s: path %s", replaced ? "Replaced" : "Added", a.runtime, c.path,
           self);
    if (a.n_runtime_args > 0) {
        printf(", runtimeArgs");
        for (int i = 0; i < a.n_runtime_args; i++)
            printf(" %s", a.runtime_args[i]);
    }
    printf("\nReload Docker to use it: kill -HUP $(pidof dockerd), then "
           "docker run --runtime=%s ...\n",
           a.runtime);
    return 0;
}

int cmd_uninstall(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    struct daemon_config c __attribute__((cleanup(daemon_config_release))) = { 0 };
    struct install_args a;
    json_t *runtimes;

    if (parse_install_args(argc, argv, /*allow_runtime_args=*/false, &a, err) < 0)
        return -1;
    if (a.help) {
        print_install_help(argv[0], /*install=*/false);
        return 0;
    }
    if (daemon_config_load(a.config_file, &c, err) < 0)
        return rt_error_wrap(err, "uninstall");
    if (!c.existed) {
        printf("Runtime \"%s\" is not installed: %s does not exist; nothing to do\n", a.runtime,
               a.config_file);
        return 0;
    }
    runtimes = json_object_get(c.root, "runtimes");
    if (!json_is_object(runtimes) || json_object_get(runtimes, a.runtime) == NULL) {
        printf("Runtime \"%s\" is not installed in %s; nothing to do\n", a.runtime, c.path);
        return 0;
    }
    json_object_del(runtimes, a.runtime);
    if (daemon_config_save(&c, err) < 0)
        return rt_error_wrap(err, "uninstall");
    printf("Removed runtime \"%s\" from %s\nReload Docker: kill -HUP $(pidof dockerd)\n", a.runtime,
           c.path);
    return 0;
}
