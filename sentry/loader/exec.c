/* SPDX-License-Identifier: Apache-2.0 */
/* Program start: opening the executable, "#!" interpreters (binfmt_script), ELF with ld.so. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/arch/arch.h"
#include "sentry/kernel/kernel.h"
#include "sentry/loader/loader_internal.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

/* Linux reads this much of a file to recognise "#!" (BINPRM_BUF_SIZE). */
#define SCRIPT_BUF_SIZE 256
/* Linux's exec_binprm gives up after this many handler rounds (a chain of 5 scripts). */
#define MAX_EXEC_DEPTH 5

/* A NULL-terminated argv in sentry memory, owned. */
struct arg_vec {
    char **v;
    size_t n;
};

static void arg_vec_free(struct arg_vec *a)
{
    for (size_t i = 0; a->v != NULL && i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

/* Inserts a copy of `s` at index `at`. Returns 0 or -ENOMEM. */
static long arg_vec_insert(struct arg_vec *a, size_t at, const char *s)
{
    char *copy = strdup(s);
    char **v;

    if (copy == NULL)
        return -ENOMEM;
    v = realloc(a->v, (a->n + 2) * sizeof(*v));
    if (v == NULL) {
        free(copy);
        return -ENOMEM;
    }
    a->v = v;
    memmove(&v[at + 1], &v[at], (a->n - at) * sizeof(*v));
    v[at] = copy;
    a->n++;
    v[a->n] = NULL;
    return 0;
}

static long arg_vec_copy(struct arg_vec *a, char *const src[])
{
    long ret;

    a->v = calloc(1, sizeof(char *));
    if (a->v == NULL)
        return -ENOMEM;
    for (size_t i = 0; src != NULL && src[i] != NULL; i++) {
        if ((ret = arg_vec_insert(a, a->n, src[i])) < 0)
            return ret;
    }
    return 0;
}

/*
 * Opens `path` for execution and returns a host fd with its bytes (owned):
 * through the VFS (vfs_open_exec: regular, executable, not noexec) once the
 * sandbox has a root; before that (first light) a host path, relative to /.
 */
static long open_exec_fd(struct task *t, const char *path)
{
    struct file *f = NULL;
    long ret;
    int fd;

    if (t->k->mntns == NULL) {
        char host[PATH_MAX + 1];

        if (snprintf(host, sizeof(host), "%s%s", path[0] == '/' ? "" : "/", path) >=
            (int)sizeof(host))
            return -ENAMETOOLONG;
        fd = open(host, O_RDONLY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
    }
    ret = vfs_task_fs_init(t);
    if (ret == 0)
        ret = vfs_open_exec(t, path, &f);
    if (ret < 0)
        return ret;
    fd = vfs_file_host_fd(f) < 0 ? -1 : fcntl(vfs_file_host_fd(f), F_DUPFD_CLOEXEC, 0);
    put_file(f);
    if (fd < 0)
        return -EACCES; /* a file without bytes on the host cannot be executed */
    return fd;
}

/*
 * Parses "#!interp [arg]" in the first bytes of a file. Returns 1 with
 * `*interp` and `*arg` (NULL when none) pointing into `head`, 0 when the file
 * is not a script, or -ENOEXEC (Linux's answers for a bad line).
 */
static long parse_script(char *head, size_t n, char **interp, char **arg)
{
    char *end, *p;

    *arg = NULL;
    if (n < 2 || head[0] != '#' || head[1] != '!')
        return 0;
    head[n] = '\0';
    end = memchr(head, '\n', n);
    if (end == NULL && n == SCRIPT_BUF_SIZE) {
        /* Linux accepts a truncated line only if the interpreter name ends inside the buffer. */
        for (p = head + 2; *p == ' ' || *p == '\t'; p++)
            ;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
        if (*p == '\0')
            return -ENOEXEC;
    }
    if (end != NULL)
        *end = '\0';
    for (p = head + 2; *p == ' ' || *p == '\t'; p++)
        ;
    if (*p == '\0')
        return -ENOEXEC;
    *interp = p;
    while (*p != '\0' && *p != ' ' && *p != '\t')
        p++;
    if (*p != '\0') {
        *p++ = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '\0') {
            /* The rest of the line is one argument, minus trailing blanks. */
            char *e = p + strlen(p);

            while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
            *arg = p;
        }
    }
    return 1;
}

/*
 * Rewrites argv for a script `path` run by `interp` [`arg`]: argv[0] goes,
 * and interp, [arg,] path come first (Linux's load_script). Returns 0 or -Exxx.
 */
static long rewrite_argv(struct arg_vec *argv, const char *path, const char *interp,
                         const char *arg)
{
    long ret;

    if (argv->n > 0) {
        free(argv->v[0]);
        memmove(&argv->v[0], &argv->v[1], argv->n * sizeof(char *));
        argv->n--;
    }
    if ((ret = arg_vec_insert(argv, 0, path)) < 0)
        return ret;
    if (arg != NULL && (ret = arg_vec_insert(argv, 0, arg)) < 0)
        return ret;
    return arg_vec_insert(argv, 0, interp);
}

/* Loads the ELF on `fd` (from the app's `path`) and its interpreter; fills `*img`. */
static long load_program(struct task *t, int fd, struct loader_image *img)
{
    cleanup_free char *interp = malloc(PATH_MAX);
    struct loader_image iimg;
    cleanup_close int ifd = -1;
    long ret;

    if (interp == NULL)
        return -ENOMEM;
    ret = loader_load_elf_file(t, fd, img, interp);
    if (ret < 0 || interp[0] == '\0')
        return ret;
    /* A dynamic program: ld.so is loaded too and runs first (Linux's load_elf_interp). */
    ret = open_exec_fd(t, interp);
    if (ret < 0)
        return ret;
    ifd = (int)ret;
    ret = loader_load_elf_file(t, ifd, &iimg, /*interp=*/NULL);
    if (ret < 0)
        return ret;
    img->entry = iimg.entry;
    img->interp_base = iimg.bias;
    return 0;
}

long loader_exec_host_path(struct task *t, const char *host_path, char *const argv[],
                           char *const envp[])
{
    struct arg_vec args = { 0 };
    cleanup_free char *path = strdup(host_path);
    cleanup_close int fd = -1;
    struct loader_image img;
    long ret, sp;

    if (path == NULL)
        return -ENOMEM;
    if (path[0] == '\0')
        return -ENOENT;
    ret = arg_vec_copy(&args, argv);
    for (int depth = 0; ret == 0; depth++) {
        char head[SCRIPT_BUF_SIZE + 1];
        char *interp, *arg;
        ssize_t n;

        if (depth > MAX_EXEC_DEPTH) {
            ret = -ELOOP;
            break;
        }
        if (fd >= 0)
            close(take_fd(&fd));
        ret = open_exec_fd(t, path);
        if (ret < 0)
            break;
        fd = (int)ret;
        n = pread(fd, head, SCRIPT_BUF_SIZE, 0);
        if (n < 0) {
            ret = -errno;
            break;
        }
        ret = parse_script(head, (size_t)n, &interp, &arg);
        if (ret <= 0)
            break; /* not a script: an ELF (or ENOEXEC) */
        ret = rewrite_argv(&args, path, interp, arg);
        if (ret == 0) {
            char *next = strdup(interp);

            if (next == NULL) {
                ret = -ENOMEM;
                break;
            }
            free(path);
            path = next;
        }
    }
    if (ret == 0)
        ret = load_program(t, fd, &img);
    if (ret == 0) {
        mm_set_brk_start(t->mm, img.brk_start);
        /* AT_EXECFN is the name execve was given, even for a script. */
        sp = loader_build_stack(t, &img, host_path, args.v, envp);
        if (sp < 0)
            ret = sp;
        else
            arch_regs_init_exec(&t->regs, img.entry, (uintptr_t)sp);
    }
    arg_vec_free(&args);
    return ret;
}
