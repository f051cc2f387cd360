/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared by the loader's files. */
#pragma once

#include "sentry/loader/loader.h"

/*
 * Maps the ELF file open on host fd `fd` into `t`'s address space and
 * describes it in `*img`. `interp` (PATH_MAX bytes) receives the PT_INTERP
 * path of a program, or "" for none; pass NULL when loading the interpreter
 * itself (Linux ignores an interpreter's own PT_INTERP). An ET_DYN program
 * goes at ELF_ET_DYN_BASE (no randomisation, as with ADDR_NO_RANDOMIZE), an
 * ET_DYN interpreter wherever mmap puts it. Returns 0 or -Exxx (ENOEXEC for
 * what is not a loadable x86-64 ELF).
 */
long loader_load_elf_file(struct task *t, int fd, struct loader_image *img, char *interp);
