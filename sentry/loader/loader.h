/* SPDX-License-Identifier: Apache-2.0 */
/* Program loading: ELF images into an address space, the initial stack with argv, envp, auxv. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct task;

/* Where the loaded program starts. */
struct loader_image {
    uintptr_t entry;       /* first instruction (the program's, or ld.so's) */
    uintptr_t prog_entry;  /* AT_ENTRY: the program's own entry */
    uintptr_t phdr;        /* AT_PHDR */
    uint64_t phnum;        /* AT_PHNUM */
    uint64_t phent;        /* AT_PHENT */
    uintptr_t interp_base; /* AT_BASE, 0 without an interpreter */
    uintptr_t bias;        /* load bias of this image (0 for ET_EXEC) */
    uintptr_t brk_start;   /* page-aligned end of the image */
    bool exec_stack;       /* PT_GNU_STACK asked for an executable stack */
};

/*
 * Loads the program at `host_path` into `t`'s (empty) address space: "#!"
 * scripts run their interpreter (with argv rewritten as Linux does, ELOOP
 * past 5 levels), ELF programs are loaded with their PT_INTERP interpreter
 * (ld.so) when they have one. It builds the initial
 * stack from `argv` and `envp` (sentry memory) and sets `t`'s registers to
 * start it. The path (and the interpreter's) is the app's, opened through
 * the VFS (vfs_open_exec) once the sandbox has a root; before that (first
 * light) it is a host path. Returns 0 or -Exxx (ENOENT, EACCES, ENOEXEC for
 * a file that is not a loadable x86-64 ELF, E2BIG, ENOMEM).
 */
long loader_exec_host_path(struct task *t, const char *host_path, char *const argv[],
                           char *const envp[]);

/*
 * Maps the ELF image read from host fd `fd` into `t`'s address space and
 * describes it in `*img`; a PT_INTERP is ignored (as for an interpreter).
 * Returns 0 or -Exxx.
 */
long loader_load_elf(struct task *t, int fd, struct loader_image *img);

/*
 * Maps the stack and writes argc, argv, envp and auxv for `img`. `execfn` is
 * AT_EXECFN. Returns the initial stack pointer or -Exxx.
 */
long loader_build_stack(struct task *t, const struct loader_image *img, const char *execfn,
                        char *const argv[], char *const envp[]);
