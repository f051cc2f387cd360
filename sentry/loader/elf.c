/* SPDX-License-Identifier: Apache-2.0 */
/* ELF64 x86-64 loading (static, static-PIE, and dynamic programs with their PT_INTERP) into an app
 * address space. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/arch/arch.h"
#include "sentry/kernel/kernel.h"
#include "sentry/loader/loader_internal.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

/* Where Linux puts ET_DYN programs without an interpreter on x86-64 (2/3 of TASK_SIZE). */
#define ELF_ET_DYN_BASE 0x555555554000UL
/* Linux refuses more program headers than fit in 64 KiB. */
#define ELF_MAX_PHDRS (65536 / sizeof(Elf64_Phdr))
#define COPY_CHUNK    (64 * 1024)

static long pread_full(int fd, void *buf, size_t len, off_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, off + (off_t)done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO; /* truncated file: Linux's kernel_read gives a short count -> EIO */
        done += (size_t)n;
    }
    return 0;
}

static int elf_prot(uint32_t pf)
{
    return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) |
           ((pf & PF_X) ? PROT_EXEC : 0);
}

static long check_header(const Elf64_Ehdr *eh)
{
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_ident[EI_VERSION] != EV_CURRENT)
        return -ENOEXEC;
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return -ENOEXEC;
    if (eh->e_machine != EM_X86_64)
        return -ENOEXEC;
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
        return -ENOEXEC;
    return 0;
}

/* Copies the file bytes of one segment into app memory. */
static long copy_segment(struct task *t, int fd, const Elf64_Phdr *ph, uintptr_t bias)
{
    cleanup_free char *buf = malloc(COPY_CHUNK);
    uint64_t done = 0;

    if (buf == NULL)
        return -ENOMEM;
    while (done < ph->p_filesz) {
        size_t n = ph->p_filesz - done > COPY_CHUNK ? COPY_CHUNK : ph->p_filesz - done;
        long ret = pread_full(fd, buf, n, (off_t)(ph->p_offset + done));

        if (ret < 0)
            return ret;
        ret = task_copy_out(t, bias + ph->p_vaddr + done, buf, n);
        if (ret < 0)
            return ret;
        done += n;
    }
    return 0;
}

/*
 * Reads the PT_INTERP path of `ph` into `out` (PATH_MAX bytes). Linux wants
 * it between 2 and PATH_MAX bytes and NUL-terminated, else ENOEXEC.
 */
static long read_interp_path(int fd, const Elf64_Phdr *ph, char *out)
{
    long ret;

    if (ph->p_filesz < 2 || ph->p_filesz > PATH_MAX)
        return -ENOEXEC;
    ret = pread_full(fd, out, ph->p_filesz, (off_t)ph->p_offset);
    if (ret < 0)
        return ret == -EIO ? -ENOEXEC : ret;
    if (out[ph->p_filesz - 1] != '\0')
        return -ENOEXEC;
    return 0;
}

long loader_load_elf_file(struct task *t, int fd, struct loader_image *img, char *interp)
{
    cleanup_free Elf64_Phdr *ph = NULL;
    uintptr_t lo = UINTPTR_MAX, hi = 0, bias = 0, prev_end = 0;
    int prev_prot = 0;
    Elf64_Ehdr eh;
    long ret;

    memset(img, 0, sizeof(*img));
    if (interp != NULL)
        interp[0] = '\0';
    ret = pread_full(fd, &eh, sizeof(eh), 0);
    if (ret < 0)
        return ret == -EIO ? -ENOEXEC : ret;
    ret = check_header(&eh);
    if (ret < 0)
        return ret;
    ph = calloc(eh.e_phnum, sizeof(*ph));
    if (ph == NULL)
        return -ENOMEM;
    ret = pread_full(fd, ph, eh.e_phnum * sizeof(*ph), (off_t)eh.e_phoff);
    if (ret < 0)
        return ret == -EIO ? -ENOEXEC : ret;

    for (size_t i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_INTERP && interp != NULL) {
            if (interp[0] != '\0')
                return -EINVAL; /* Linux: a second PT_INTERP */
            ret = read_interp_path(fd, &ph[i], interp);
            if (ret < 0)
                return ret;
        }
        if (ph[i].p_type == PT_GNU_STACK)
            img->exec_stack = (ph[i].p_flags & PF_X) != 0;
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (ph[i].p_memsz < ph[i].p_filesz || ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr ||
            ph[i].p_vaddr + ph[i].p_memsz > ARCH_TASK_SIZE)
            return -ENOEXEC;
        if (i > 0 && ph[i].p_vaddr < ph[i - 1].p_vaddr && ph[i - 1].p_type == PT_LOAD)
            return -ENOEXEC; /* the ELF spec requires ascending PT_LOADs */
        if (ARCH_PAGE_DOWN(ph[i].p_vaddr) < lo)
            lo = ARCH_PAGE_DOWN(ph[i].p_vaddr);
        if (ARCH_PAGE_UP(ph[i].p_vaddr + ph[i].p_memsz) > hi)
            hi = ARCH_PAGE_UP(ph[i].p_vaddr + ph[i].p_memsz);
    }
    if (hi <= lo)
        return -ENOEXEC;

    /* One anonymous RW mapping for the whole image: data is copied in, then protected. */
    if (eh.e_type == ET_DYN) {
        ret = mm_mmap(t->mm, interp == NULL ? 0 : ELF_ET_DYN_BASE, hi - lo, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (ret < 0)
            return ret;
        bias = (uintptr_t)ret - lo;
    } else {
        ret = mm_mmap(t->mm, lo, hi - lo, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (ret < 0)
            return ret == -EEXIST ? -ENOMEM : ret;
    }

    for (size_t i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && (ret = copy_segment(t, fd, &ph[i], bias)) < 0)
            return ret;
    }

    /*
     * Final protections, segment by segment. A page shared by two segments
     * gets both protections; holes between segments are unmapped, as Linux
     * leaves them.
     */
    prev_end = lo + bias;
    for (size_t i = 0; i < eh.e_phnum; i++) {
        uintptr_t s, e;
        int prot;

        if (ph[i].p_type != PT_LOAD)
            continue;
        s = ARCH_PAGE_DOWN(bias + ph[i].p_vaddr);
        e = ARCH_PAGE_UP(bias + ph[i].p_vaddr + ph[i].p_memsz);
        prot = elf_prot(ph[i].p_flags);
        if (s < prev_end) {
            ret = mm_mprotect(t->mm, s, prev_end - s, prot | prev_prot);
            if (ret < 0)
                return ret;
            s = prev_end;
        } else if (s > prev_end && (ret = mm_munmap(t->mm, prev_end, s - prev_end)) < 0) {
            return ret;
        }
        if (e > s && (ret = mm_mprotect(t->mm, s, e - s, prot)) < 0)
            return ret;
        if (e > prev_end) {
            prev_end = e;
            prev_prot = prot;
        }
    }

    img->bias = bias;
    img->entry = bias + eh.e_entry;
    img->prog_entry = img->entry;
    img->phnum = eh.e_phnum;
    img->phent = sizeof(Elf64_Phdr);
    img->brk_start = hi + bias;
    for (size_t i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_PHDR) {
            img->phdr = bias + ph[i].p_vaddr;
            break;
        }
        if (ph[i].p_type == PT_LOAD && eh.e_phoff >= ph[i].p_offset &&
            eh.e_phoff < ph[i].p_offset + ph[i].p_filesz && img->phdr == 0)
            img->phdr = bias + ph[i].p_vaddr + (eh.e_phoff - ph[i].p_offset);
    }
    return 0;
}

long loader_load_elf(struct task *t, int fd, struct loader_image *img)
{
    return loader_load_elf_file(t, fd, img, /*interp=*/NULL);
}
