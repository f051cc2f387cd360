/* SPDX-License-Identifier: Apache-2.0 */
/* execve(2): argument copying, #! scripts, and the hand-over to the loader. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

/* Linux's limits: one string at most 32 pages, all of them a quarter of the stack limit. */
#define MAX_ARG_STRLEN (32 * 4096)
#define MAX_ARG_TOTAL  (MM_STACK_SIZE / 4)
/* Linux follows at most this many levels of #! interpreters. */
#define MAX_INTERP_DEPTH 4
#define BINPRM_BUF_SIZE  256

/* A NULL-terminated vector of strings in sentry memory, with its total size. */
struct str_vec {
    char **v;
    size_t n;
    size_t bytes;
};

static void str_vec_free(struct str_vec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

static long str_vec_push(struct str_vec *sv, const char *s, size_t at)
{
    char **v;
    char *copy;

    if (sv->bytes + strlen(s) + 1 > MAX_ARG_TOTAL)
        return -E2BIG;
    copy = strdup(s);
    v = realloc(sv->v, (sv->n + 2) * sizeof(*v));
    if (copy == NULL || v == NULL) {
        free(copy);
        if (v != NULL)
            sv->v = v;
        return -ENOMEM;
    }
    sv->v = v;
    memmove(&v[at + 1], &v[at], (sv->n - at) * sizeof(*v));
    v[at] = copy;
    sv->n++;
    v[sv->n] = NULL;
    sv->bytes += strlen(s) + 1;
    return 0;
}

/* Copies in an argv/envp array of app pointers (NULL array = empty). */
static long copy_in_strings(struct task *t, uint64_t addr, struct str_vec *sv)
{
    cleanup_free char *buf = malloc(MAX_ARG_STRLEN);
    long ret;

    if (buf == NULL)
        return -ENOMEM;
    sv->v = calloc(1, sizeof(char *));
    if (sv->v == NULL)
        return -ENOMEM;
    if (addr == 0)
        return 0;
    for (size_t i = 0;; i++) {
        uint64_t p;

        ret = task_copy_in(t, &p, addr + i * sizeof(p), sizeof(p));
        if (ret < 0)
            return ret;
        if (p == 0)
            return 0;
        ret = task_copy_in_string(t, p, buf, MAX_ARG_STRLEN);
        if (ret == -ENAMETOOLONG)
            return -E2BIG;
        if (ret < 0)
            return ret;
        ret = str_vec_push(sv, buf, sv->n);
        if (ret < 0)
            return ret;
    }
}

/*
 * FIRST LIGHT: maps an app path to the host path the loader opens. `runsc-c
 * do` runs with the host's / as the sandbox root and "/" as the working
 * directory, so relative paths are taken from "/". The gofer replaces this.
 */
static long host_path_of(const char *path, char *out, size_t size)
{
    int n = snprintf(out, size, "%s%s", path[0] == '/' ? "" : "/", path);

    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Checks what Linux checks before reading the file: it exists, is regular and executable. */
static long check_exec_file(const char *host_path)
{
    struct stat st;

    if (stat(host_path, &st) < 0)
        return -errno;
    if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode))
        return -EACCES;
    if (access(host_path, X_OK) < 0)
        return -EACCES;
    return 0;
}

/*
 * Handles "#!interp [arg]": rewrites argv to interp [arg] path argv[1..] and
 * `path` to interp. Returns 1 when it did, 0 for a non-script, or -Exxx.
 */
static long rewrite_script(char *path, size_t size, struct str_vec *argv)
{
    char head[BINPRM_BUF_SIZE + 1];
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    char *interp, *arg = NULL, *end;
    ssize_t n;
    long ret;

    if (fd < 0)
        return -errno;
    n = read(fd, head, BINPRM_BUF_SIZE);
    if (n < 0)
        return -errno;
    if (n < 2 || head[0] != '#' || head[1] != '!')
        return 0;
    head[n] = '\0';
    end = strchr(head, '\n');
    if (end == NULL && n == BINPRM_BUF_SIZE)
        return -ENOEXEC; /* Linux: an interpreter line longer than the buffer */
    if (end != NULL)
        *end = '\0';
    interp = head + 2;
    while (*interp == ' ' || *interp == '\t')
        interp++;
    if (*interp == '\0')
        return -ENOEXEC;
    for (end = interp; *end != '\0' && *end != ' ' && *end != '\t'; end++)
        ;
    if (*end != '\0') {
        *end++ = '\0';
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end != '\0') {
            arg = end;
            /* Linux keeps the rest of the line as one argument, minus trailing blanks. */
            for (char *e = arg + strlen(arg); e > arg && (e[-1] == ' ' || e[-1] == '\t'); e--)
                e[-1] = '\0';
        }
    }
    /* argv[0] is replaced by the script path; the interpreter (and its argument) go first. */
    if (argv->n > 0) {
        argv->bytes -= strlen(argv->v[0]) + 1;
        free(argv->v[0]);
        memmove(&argv->v[0], &argv->v[1], argv->n * sizeof(char *));
        argv->n--;
    }
    if ((ret = str_vec_push(argv, path, 0)) < 0)
        return ret;
    if (arg != NULL && (ret = str_vec_push(argv, arg, 0)) < 0)
        return ret;
    if ((ret = str_vec_push(argv, interp, 0)) < 0)
        return ret;
    if (strlen(interp) >= size)
        return -ENAMETOOLONG;
    memmove(path, interp, strlen(interp) + 1);
    return 1;
}

long sys_execve(struct task *t, const struct sys_args *a)
{
    char path[PATH_MAX], host[PATH_MAX + 1];
    struct str_vec argv = { 0 }, envp = { 0 };
    long ret;

    ret = task_copy_in_string(t, a->a[0], path, sizeof(path));
    if (ret == 0)
        ret = -ENOENT;
    if (ret < 0)
        return ret;
    ret = copy_in_strings(t, a->a[1], &argv);
    if (ret == 0)
        ret = copy_in_strings(t, a->a[2], &envp);
    if (ret == 0)
        ret = host_path_of(path, host, sizeof(host));
    for (int depth = 0; ret == 0; depth++) {
        ret = check_exec_file(host);
        if (ret < 0)
            break;
        ret = rewrite_script(host, sizeof(host), &argv);
        if (ret == 0)
            break;
        if (ret > 0) {
            ret = depth + 1 >= MAX_INTERP_DEPTH ? -ELOOP : 0;
            if (ret == 0 && host[0] != '/')
                ret = -ENOENT;
        }
    }
    if (ret == 0)
        ret = kernel_task_exec(t, host, argv.v, envp.v);
    str_vec_free(&argv);
    str_vec_free(&envp);
    if (ret == 0)
        t->regs_replaced = true;
    return ret;
}
