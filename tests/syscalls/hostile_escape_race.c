/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Escape attempts: raw `syscall` instructions from code written at run time into fresh
 * executable pages (by two threads at once, and from pages made RW then RX), an i386
 * `int $0x80` from 64-bit code, a second thread rewriting the syscall number in the code and
 * the path string a syscall reads while the first thread runs it. Every raw call must get the
 * same answer as the same call made through libc, i.e. be served by the same kernel: in the
 * sandbox that is the sentry's view (its pids, its /proc, its refusal of mount and reboot),
 * never the host's.
 */
#include "test.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/reboot.h>
#include <sys/utsname.h>

typedef long (*raw_fn)(long nr, long a0, long a1, long a2, long a3, long a4);

/* mov rax, rdi; mov rdi, rsi; mov rsi, rdx; mov rdx, rcx; mov r10, r8; mov r8, r9; syscall;
 * ret */
static const unsigned char g_code[] = { 0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48,
                                        0x89, 0xd6, 0x48, 0x89, 0xca, 0x4d, 0x89,
                                        0xc2, 0x4d, 0x89, 0xc8, 0x0f, 0x05, 0xc3 };

/* mov eax, imm32; syscall; ret: the byte at offset 1 is the syscall number. */
static const unsigned char g_fixed[] = { 0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3 };

/* mov eax, 20 (i386 getpid); int $0x80; ret */
static const unsigned char g_int80[] = { 0xb8, 0x14, 0x00, 0x00, 0x00, 0xcd, 0x80, 0xc3 };

/* A fresh RWX page holding `code`. */
static void *jit(const void *code, size_t len)
{
    void *page =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    memcpy(page, code, len);
    __builtin___clear_cache((char *)page, (char *)page + len);
    return page;
}

/* One raw syscall from a page written just now (RW, then RX), unmapped afterwards. */
static long raw_once(long nr, long a0, long a1, long a2)
{
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    memcpy(page, g_code, sizeof(g_code));
    CHECK(mprotect(page, 4096, PROT_READ | PROT_EXEC) == 0);
    long r = ((raw_fn)page)(nr, a0, a1, a2, 0, 0);
    CHECK(munmap(page, 4096) == 0);
    return r;
}

/* libc's answer as the raw ABI gives it: the value, or -errno. */
static long libc_syscall(long nr, long a0, long a1, long a2)
{
    long r = syscall(nr, a0, a1, a2);
    return r == -1 ? -errno : r;
}

static char g_path[64];
static volatile int g_stop;
static unsigned char *volatile g_shared_code;
static long g_pid, g_ppid;

/* The views a raw call must agree with libc on. Runs on both threads. */
static void check_views(raw_fn fn)
{
    pid_t tid = gettid();
    CHECK_EQ(fn(SYS_getpid, 0, 0, 0, 0, 0), getpid());
    CHECK_EQ(fn(SYS_gettid, 0, 0, 0, 0, 0), tid);
    CHECK_EQ(fn(SYS_getppid, 0, 0, 0, 0, 0), getppid());
    CHECK_EQ(fn(SYS_getuid, 0, 0, 0, 0, 0), getuid());
    struct utsname raw, lib;
    CHECK_EQ(fn(SYS_uname, (long)&raw, 0, 0, 0, 0), 0);
    CHECK(uname(&lib) == 0);
    CHECK(strcmp(raw.release, lib.release) == 0);
    CHECK(strcmp(raw.nodename, lib.nodename) == 0);
    /* /proc is the same kernel's: pid 1's executable and our own status. */
    char a[256] = { 0 }, b[256] = { 0 };
    long ra = fn(SYS_readlink, (long)"/proc/1/exe", (long)a, sizeof(a) - 1, 0, 0);
    long rb = libc_syscall(SYS_readlink, (long)"/proc/1/exe", (long)b, sizeof(b) - 1);
    CHECK_EQ(ra, rb);
    CHECK(strcmp(a, b) == 0);
    long fd = fn(SYS_openat, AT_FDCWD, (long)"/proc/self/status", O_RDONLY, 0, 0);
    CHECK(fd >= 0);
    char st[4096];
    long n = read((int)fd, st, sizeof(st) - 1);
    CHECK(n > 0);
    st[n] = 0;
    close((int)fd);
    char want[32];
    snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
    CHECK(strstr(st, want) != NULL);
    /* Privileged calls get the kernel's refusal, the same as through libc: a reboot with bad
     * magic numbers, a mount onto a missing directory, ptrace of a process not traced. */
    CHECK_EQ(fn(SYS_reboot, 1, 2, RB_POWER_OFF, 0, 0),
             libc_syscall(SYS_reboot, 1, 2, RB_POWER_OFF));
    long rm = fn(SYS_mount, (long)"none", (long)"/nonexistent/hostile", (long)"tmpfs", 0, 0);
    CHECK_EQ(rm,
             libc_syscall(SYS_mount, (long)"none", (long)"/nonexistent/hostile", (long)"tmpfs"));
    CHECK(rm < 0);
    CHECK_EQ(fn(SYS_ptrace, PTRACE_PEEKDATA, 1, 0, 0, 0),
             libc_syscall(SYS_ptrace, PTRACE_PEEKDATA, 1, 0));
}

/* The second thread: its own fresh page, then rewriting the code and the path of the first. */
static void *racer(void *arg)
{
    (void)arg;
    raw_fn own = (raw_fn)jit(g_code, sizeof(g_code));
    check_views(own);
    unsigned long i = 0;
    while (!g_stop) {
        /* Flip the syscall number between getpid (39) and getppid (110), and the path between a
         * file that exists and one that does not. */
        g_shared_code[1] = (i & 1) ? 39 : 110;
        g_path[12] = (i & 2) ? 's' : 'X';
        /* A raw call of this thread between the writes. */
        CHECK_EQ(own(SYS_gettid, 0, 0, 0, 0, 0), gettid());
        i++;
    }
    return NULL;
}

int main(void)
{
    g_pid = getpid();
    g_ppid = getppid();
    raw_fn fn = (raw_fn)jit(g_code, sizeof(g_code));
    check_views(fn);

    /* Pages written, protected RX and unmapped, many times over. */
    for (int i = 0; i < 200; i++)
        CHECK_EQ(raw_once(SYS_getpid, 0, 0, 0), g_pid);

    /* The i386 entry from 64-bit code: Linux serves its getpid (20), which is our pid; the
     * sandbox offers only the 64-bit ABI and answers ENOSYS. Either way never another pid. */
    raw_fn i386 = (raw_fn)jit(g_int80, sizeof(g_int80));
    long r32 = i386(0, 0, 0, 0, 0, 0);
    if (r32 != g_pid && r32 != -ENOSYS) {
        fprintf(stderr, "FAIL: int $0x80 getpid returned %ld, want %ld or -ENOSYS\n", r32, g_pid);
        exit(1);
    }

    /* The race: this thread runs the shared code and opens the shared path while the other
     * rewrites both. */
    strcpy(g_path, "/proc/self/status");
    g_shared_code = jit(g_fixed, sizeof(g_fixed));
    raw_fn shared = (raw_fn)g_shared_code;
    pthread_t th;
    CHECK(pthread_create(&th, NULL, racer, NULL) == 0);
    long seen_pid = 0, seen_ppid = 0, opened = 0, missing = 0;
    for (int i = 0; i < 20000; i++) {
        long r = shared(0, 0, 0, 0, 0, 0);
        if (r == g_pid)
            seen_pid++;
        else if (r == g_ppid)
            seen_ppid++;
        else {
            fprintf(stderr, "FAIL: raw call %d returned %ld: neither pid %ld nor ppid %ld\n", i, r,
                    g_pid, g_ppid);
            exit(1);
        }
        if (i % 10 == 0) {
            long fd = fn(SYS_openat, AT_FDCWD, (long)g_path, O_RDONLY, 0, 0);
            if (fd >= 0) {
                opened++;
                close((int)fd);
            } else {
                CHECK_EQ(fd, -ENOENT);
                missing++;
            }
        }
    }
    g_stop = 1;
    CHECK(pthread_join(th, NULL) == 0);
    CHECK_EQ(seen_pid + seen_ppid, 20000);
    CHECK_EQ(opened + missing, 2000);
    TEST_OK();
}
