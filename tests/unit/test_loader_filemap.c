/* SPDX-License-Identifier: Apache-2.0 */
/* sentry/mm file mappings (the loader's and ld.so's mmap of files), msync and mincore, over a fake
 * platform that keeps app pages in sentry memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

#define PG      ARCH_PAGE_SIZE
#define MAX_PGS 256

/* ---- a fake platform: a sparse set of app pages with protections ---- */

struct fake_page {
    uintptr_t addr;
    int prot;
    unsigned char data[ARCH_PAGE_SIZE];
};

struct platform_as {
    struct fake_page *pages[MAX_PGS];
};

static struct fake_page **find_page(struct platform_as *as, uintptr_t addr)
{
    for (size_t i = 0; i < MAX_PGS; i++) {
        if (as->pages[i] != NULL && as->pages[i]->addr == addr)
            return &as->pages[i];
    }
    return NULL;
}

static long fake_munmap(struct platform_as *as, uintptr_t addr, size_t len)
{
    for (uintptr_t a = addr; a < addr + len; a += PG) {
        struct fake_page **p = find_page(as, a);

        if (p != NULL) {
            free(*p);
            *p = NULL;
        }
    }
    return 0;
}

static long fake_mmap(struct platform_as *as, uintptr_t addr, size_t len, int prot, int flags)
{
    (void)flags;
    fake_munmap(as, addr, len);
    for (uintptr_t a = addr; a < addr + len; a += PG) {
        size_t i = 0;

        while (i < MAX_PGS && as->pages[i] != NULL)
            i++;
        if (i == MAX_PGS || (as->pages[i] = calloc(1, sizeof(struct fake_page))) == NULL)
            return -ENOMEM;
        as->pages[i]->addr = a;
        as->pages[i]->prot = prot;
    }
    return (long)addr;
}

static long fake_mprotect(struct platform_as *as, uintptr_t addr, size_t len, int prot)
{
    for (uintptr_t a = addr; a < addr + len; a += PG) {
        struct fake_page **p = find_page(as, a);

        if (p == NULL)
            return -ENOMEM;
        (*p)->prot = prot;
    }
    return 0;
}

static long fake_mremap(struct platform_as *as, uintptr_t old, size_t old_len, size_t new_len,
                        uintptr_t new_addr)
{
    (void)as, (void)old, (void)old_len, (void)new_len, (void)new_addr;
    return -ENOSYS;
}

static long fake_madvise(struct platform_as *as, uintptr_t addr, size_t len, int advice)
{
    (void)as, (void)addr, (void)len, (void)advice;
    return 0;
}

/* Copies page by page while the page exists and has `need`; like the real platforms. */
static long fake_copy(struct platform_as *as, uintptr_t app, unsigned char *buf, size_t len,
                      int need, bool to_app)
{
    size_t done = 0;

    while (done < len) {
        uintptr_t a = app + done, base = ARCH_PAGE_DOWN(a);
        struct fake_page **p = find_page(as, base);
        size_t n = PG - (a - base);

        if (p == NULL || !((*p)->prot & need))
            break;
        if (n > len - done)
            n = len - done;
        if (to_app)
            memcpy((*p)->data + (a - base), buf + done, n);
        else
            memcpy(buf + done, (*p)->data + (a - base), n);
        done += n;
    }
    return done == 0 ? -EFAULT : (long)done;
}

static long fake_read(struct platform_as *as, void *dst, uintptr_t src, size_t len)
{
    return fake_copy(as, src, dst, len, PROT_READ, /*to_app=*/false);
}

static long fake_write(struct platform_as *as, uintptr_t dst, const void *src, size_t len)
{
    return fake_copy(as, dst, (unsigned char *)(uintptr_t)src, len, PROT_WRITE, /*to_app=*/true);
}

static const struct platform_as_info g_info = { .nr_reserved = 0 };

static const struct platform_as_info *fake_info(struct platform_as *as)
{
    (void)as;
    return &g_info;
}

static const struct platform_ops g_fake_ops = {
    .name = "fake",
    .as_info = fake_info,
    .as_mmap = fake_mmap,
    .as_munmap = fake_munmap,
    .as_mprotect = fake_mprotect,
    .as_mremap = fake_mremap,
    .as_madvise = fake_madvise,
    .as_read = fake_read,
    .as_write = fake_write,
};

/* The byte at `addr` whatever its protection, or -1 when unmapped. */
static int peek(struct platform_as *as, uintptr_t addr)
{
    struct fake_page **p = find_page(as, ARCH_PAGE_DOWN(addr));

    return p == NULL ? -1 : (*p)->data[addr - ARCH_PAGE_DOWN(addr)];
}

static int prot_at(struct platform_as *as, uintptr_t addr)
{
    struct fake_page **p = find_page(as, ARCH_PAGE_DOWN(addr));

    return p == NULL ? -1 : (*p)->prot;
}

/* ---- a fake regular file: `size` bytes where byte i is (i * 7) & 0xff ---- */

struct fake_file {
    size_t size;
    mode_t mode;
};

static long ff_pread(struct file *f, void *buf, size_t len, int64_t off)
{
    struct fake_file *ff = f->priv;
    size_t n = 0;

    for (; (size_t)off + n < ff->size && n < len; n++)
        ((unsigned char *)buf)[n] = (unsigned char)(((size_t)off + n) * 7);
    return (long)n;
}

static long ff_fstat(struct file *f, struct stat *st)
{
    struct fake_file *ff = f->priv;

    memset(st, 0, sizeof(*st));
    st->st_mode = ff->mode;
    st->st_size = (off_t)ff->size;
    st->st_dev = 42;
    st->st_ino = 7;
    return 0;
}

static const struct file_ops g_ff_ops = {
    .name = "fake",
    .pread = ff_pread,
    .fstat = ff_fstat,
};

static const struct mm_vma *vma_at(struct mm *mm, uintptr_t addr)
{
    for (size_t i = 0; i < mm->nr; i++) {
        if (mm->vmas[i].start <= addr && addr < mm->vmas[i].end)
            return &mm->vmas[i];
    }
    return NULL;
}

static bool bytes_ok(struct platform_as *as, uintptr_t addr, size_t off, size_t n, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        int want = off + i < size ? (unsigned char)((off + i) * 7) : 0;

        if (peek(as, addr + i) != want)
            return false;
    }
    return true;
}

int main(void)
{
    struct platform_as as = { 0 };
    struct fake_file ff = { .size = 2 * PG + 100, .mode = S_IFREG | 0644 };
    struct fake_file fifo = { .size = 10, .mode = S_IFIFO | 0644 };
    struct file *rd = file_new(&g_ff_ops, O_RDONLY, &ff);
    struct file *wr = file_new(&g_ff_ops, O_WRONLY, &ff);
    struct file *rw = file_new(&g_ff_ops, O_RDWR, &ff);
    struct file *pipe = file_new(&g_ff_ops, O_RDONLY, &fifo);
    struct mm *mm = NULL;
    unsigned char vec[8];
    const struct mm_vma *v;
    long a, b;

    if (!tap_ok(mm_new(&g_fake_ops, &as, &mm) == 0 && rd && wr && rw && pipe, "setup"))
        return tap_done();

    /* A private mapping of the whole file plus one page past EOF, read-only. */
    a = mm_mmap_file(mm, 0, 4 * PG, PROT_READ, MAP_PRIVATE, rd, 0);
    tap_ok(a > 0, "MAP_PRIVATE file mapping succeeds");
    tap_ok(bytes_ok(&as, (uintptr_t)a, 0, 3 * PG, ff.size), "file bytes, zero tail of EOF page");
    tap_ok(peek(&as, (uintptr_t)a + 3 * PG) == 0, "page past EOF reads zero (no SIGBUS)");
    tap_ok(prot_at(&as, (uintptr_t)a) == PROT_READ, "host pages get the asked protection");
    v = vma_at(mm, (uintptr_t)a);
    tap_ok(v && v->file && v->file_off == 0 && v->file_dev == 42 && v->file_ino == 7 &&
               (v->flags & MAP_TYPE) == MAP_PRIVATE && !(v->flags & MAP_ANONYMOUS),
           "vma records the file");

    /* mprotect of the middle page splits the vma with the right file offsets. */
    tap_ok(mm_mprotect(mm, (uintptr_t)a + PG, PG, PROT_READ | PROT_WRITE) == 0,
           "private file mapping can become writable");
    v = vma_at(mm, (uintptr_t)a + PG);
    tap_ok(v && v->start == (uintptr_t)a + PG && v->file_off == PG, "split keeps file_off");
    v = vma_at(mm, (uintptr_t)a + 2 * PG);
    tap_ok(v && v->file_off == 2 * PG, "tail vma file_off");
    tap_ok(mm_mprotect(mm, (uintptr_t)a + PG, PG, PROT_READ) == 0 && mm->nr == 1,
           "equal neighbours merge again");

    /* An offset mapping over the old range (MAP_FIXED), writable private. */
    b = mm_mmap_file(mm, (uintptr_t)a + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, rd,
                     2 * PG);
    tap_ok(b == a + (long)PG, "MAP_FIXED file mapping lands on the address");
    tap_ok(bytes_ok(&as, (uintptr_t)b, 2 * PG, PG, ff.size), "offset mapping shows its pages");
    v = vma_at(mm, (uintptr_t)b);
    tap_ok(v && v->file_off == 2 * PG && v->prot == (PROT_READ | PROT_WRITE), "offset vma");

    /* Linux's errors. */
    tap_ok(mm_mmap_file(mm, 0, PG, PROT_READ, MAP_PRIVATE, wr, 0) == -EACCES,
           "write-only file: EACCES");
    tap_ok(mm_mmap_file(mm, 0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rd, 0) == -EACCES,
           "writable MAP_SHARED of a read-only file: EACCES");
    tap_ok(mm_mmap_file(mm, 0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0) == -ENODEV,
           "writable MAP_SHARED of a file: ENODEV (not supported)");
    tap_ok(mm_mmap_file(mm, 0, PG, PROT_READ, MAP_PRIVATE, pipe, 0) == -ENODEV,
           "non-regular file: ENODEV");
    tap_ok(mm_mmap_file(mm, 0, PG, PROT_READ, MAP_PRIVATE, rd, 100) == -EINVAL,
           "unaligned offset: EINVAL");
    tap_ok(mm_mmap_file(mm, 0, 0, PROT_READ, MAP_PRIVATE, rd, 0) == -EINVAL, "length 0: EINVAL");
    tap_ok(mm_mmap_file(mm, 0, 2 * PG, PROT_READ, MAP_PRIVATE, rd, (off_t)-PG) == -EOVERFLOW,
           "offset + length wraps: EOVERFLOW");
    tap_ok(mm_mmap(mm, 0, PG, PROT_READ, MAP_PRIVATE, 3, 0) == -ENODEV &&
               mm_mmap(mm, 0, PG, PROT_READ, MAP_PRIVATE, -1, 0) == -EBADF,
           "mm_mmap without MAP_ANONYMOUS: ENODEV / EBADF");

    /* Read-only MAP_SHARED is a snapshot that can never become writable. */
    b = mm_mmap_file(mm, 0, PG, PROT_READ, MAP_SHARED, rw, PG);
    tap_ok(b > 0 && bytes_ok(&as, (uintptr_t)b, PG, PG, ff.size), "read-only MAP_SHARED works");
    tap_ok(mm_mprotect(mm, (uintptr_t)b, PG, PROT_READ | PROT_WRITE) == -EACCES,
           "shared file mapping cannot become writable");
    tap_ok(mm_mremap(mm, (uintptr_t)a, 0, PG, MREMAP_MAYMOVE, 0) == -EINVAL,
           "mremap old_len 0 of a private mapping: EINVAL");

    /* msync and mincore. */
    tap_ok(mm_msync(mm, (uintptr_t)b, PG, MS_SYNC) == 0, "msync MS_SYNC");
    tap_ok(mm_msync(mm, (uintptr_t)b, PG, MS_SYNC | MS_ASYNC) == -EINVAL, "msync SYNC|ASYNC");
    tap_ok(mm_msync(mm, (uintptr_t)b + 1, PG, MS_SYNC) == -EINVAL, "msync unaligned");
    tap_ok(mm_msync(mm, (uintptr_t)b, PG, 0x100) == -EINVAL, "msync unknown flag");
    tap_ok(mm_munmap(mm, (uintptr_t)b, PG) == 0, "munmap");
    tap_ok(mm_msync(mm, (uintptr_t)b, PG, MS_SYNC) == -ENOMEM, "msync of a hole: ENOMEM");
    memset(vec, 0xee, sizeof(vec));
    tap_ok(mm_mincore(mm, (uintptr_t)a, 4 * PG, vec, sizeof(vec)) == 4 && vec[0] == 1 &&
               vec[3] == 1 && vec[4] == 0xee,
           "mincore fills one byte per page");
    tap_ok(mm_mincore(mm, (uintptr_t)a, 1, vec, sizeof(vec)) == 1, "mincore partial page");
    tap_ok(mm_mincore(mm, (uintptr_t)a + 1, PG, vec, sizeof(vec)) == -EINVAL, "mincore unaligned");
    tap_ok(mm_mincore(mm, (uintptr_t)a, 5 * PG, vec, sizeof(vec)) == -ENOMEM,
           "mincore over a hole");

    tap_ok(mm_munmap(mm, (uintptr_t)a, 4 * PG) == 0 && peek(&as, (uintptr_t)a) == -1,
           "munmap of a file mapping");
    mm_free(mm);
    put_file(rd);
    put_file(wr);
    put_file(rw);
    put_file(pipe);
    for (size_t i = 0; i < MAX_PGS; i++)
        free(as.pages[i]);
    return tap_done();
}
