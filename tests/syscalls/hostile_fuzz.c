/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A syscall fuzzer with a fixed seed: a non-root child calls every syscall number 0..460 but
 * the ones that would end or hijack it (exit, signals to itself, fork and exec, rt_sigreturn,
 * unmapping its own memory, seccomp, ...) or litter the host (SysV IPC, keyrings, mounts), with
 * random arguments: small and huge integers, -1, pointers into a guarded scratch area, bad
 * pointers, and the fds of a few open files. A one-shot timer interrupts calls that block. The
 * test passes when the child survives every call and the kernel (or the sentry) keeps serving.
 */
#include "test.h"

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#define MAX_NR  460
#define OUT_FD  1023
#define SCRATCH (64 * 1024)

/* What the child reports to its parent through shared memory. */
struct progress {
    volatile long done;
    volatile long nr;
    volatile uint64_t args[6];
};

static struct progress *g_prog;
static long g_calls = 4000;
static uint64_t g_rng = 0x9e3779b97f4a7c15ULL;
static char *g_scratch;
static void *g_bad[4];
static int g_fds[8];

static uint64_t rnd(void)
{
    /* xorshift64* */
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545f4914f6cdd1dULL;
}

/* Syscalls the fuzzer never makes: they end or hijack the process, block without a timeout, or
 * leave state on the host behind. */
static int is_skipped(long nr)
{
    switch (nr) {
    case SYS_mprotect:
    case SYS_munmap:
    case SYS_brk:
    case SYS_rt_sigreturn:
    case SYS_mremap:
    case SYS_madvise:
    case SYS_shmget:
    case SYS_shmat:
    case SYS_shmctl:
    case SYS_pause:
    case SYS_alarm:
    case SYS_setitimer:
    case SYS_clone:
    case SYS_fork:
    case SYS_vfork:
    case SYS_execve:
    case SYS_exit:
    case SYS_kill:
    case SYS_semget:
    case SYS_semop:
    case SYS_semctl:
    case SYS_shmdt:
    case SYS_msgget:
    case SYS_msgsnd:
    case SYS_msgrcv:
    case SYS_msgctl:
    case SYS_ptrace:
    case SYS_rt_sigqueueinfo:
    case SYS_rt_sigsuspend:
    case SYS_personality:
    case SYS_setpriority:
    case SYS_sched_setparam:
    case SYS_sched_setscheduler:
    case SYS_modify_ldt:
    case SYS_pivot_root:
    case SYS_prctl:
    case SYS_arch_prctl:
    case SYS_setrlimit:
    case SYS_sync:
    case SYS_acct:
    case SYS_mount:
    case SYS_umount2:
    case SYS_swapon:
    case SYS_swapoff:
    case SYS_reboot:
    case SYS_sethostname:
    case SYS_setdomainname:
    case SYS_iopl:
    case SYS_ioperm:
    case SYS_init_module:
    case SYS_delete_module:
    case SYS_tkill:
    case SYS_set_thread_area:
    case SYS_io_setup:
    case SYS_io_destroy:
    case SYS_io_getevents:
    case SYS_io_submit:
    case SYS_io_cancel:
    case SYS_remap_file_pages:
    case SYS_set_tid_address:
    case SYS_timer_create:
    case SYS_exit_group:
    case SYS_tgkill:
    case SYS_mbind:
    case SYS_set_mempolicy:
    case SYS_mq_open:
    case SYS_kexec_load:
    case SYS_add_key:
    case SYS_request_key:
    case SYS_keyctl:
    case SYS_migrate_pages:
    case SYS_unshare:
    case SYS_set_robust_list:
    case SYS_move_pages:
    case SYS_rt_tgsigqueueinfo:
    case SYS_perf_event_open:
    case SYS_setns:
    case SYS_process_vm_writev:
    case SYS_finit_module:
    case SYS_sched_setattr:
    case SYS_seccomp:
    case SYS_bpf:
    case SYS_execveat:
    case SYS_userfaultfd:
    case SYS_pkey_mprotect:
    case SYS_rseq:
    case 335 /* uretprobe */:
    case SYS_pidfd_send_signal:
    case SYS_io_uring_setup:
    case SYS_io_uring_enter:
    case SYS_io_uring_register:
    case SYS_open_tree:
    case SYS_move_mount:
    case SYS_fsopen:
    case SYS_fsconfig:
    case SYS_fsmount:
    case SYS_fspick:
    case SYS_clone3:
    case SYS_close_range:
    case SYS_mount_setattr:
    case SYS_process_madvise:
    case SYS_landlock_create_ruleset:
    case SYS_landlock_add_rule:
    case SYS_landlock_restrict_self:
    case SYS_kexec_file_load:
    case 453 /* map_shadow_stack */:
        return 1;
    }
    return 0;
}

static const char *const g_paths[] = { ".",         "f",    "d", "/proc/self/status",
                                       "/dev/null", "nope", "/", "d/../f" };

static uint64_t rnd_arg(void)
{
    uint64_t v;
    switch (rnd() % 12) {
    case 0:
        v = 0;
        break;
    case 1:
        v = rnd() % 16;
        break;
    case 2:
        v = (uint64_t)-1;
        break;
    case 3:
        v = (uint32_t)rnd();
        break;
    case 4:
        v = rnd();
        break;
    case 5:
        v = (uint64_t)(uintptr_t)(g_scratch + (rnd() % 256) * 8);
        break;
    case 6:
        v = (uint64_t)(uintptr_t)g_bad[rnd() % 4];
        break;
    case 7:
        v = (uint64_t)g_fds[rnd() % 8];
        break;
    case 8:
        v = 4096 * (1 + rnd() % 16);
        break;
    case 9:
        v = 1ULL << (rnd() % 32);
        break;
    case 10:
        v = (uint64_t)(uintptr_t)(g_scratch + SCRATCH / 2 + 64 * (rnd() % 8));
        break;
    default:
        v = rnd() % 4096;
        break;
    }
    /* The fd the child reports through is not the fuzzer's to touch. */
    return v == OUT_FD ? 0 : v;
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* The signal state every call starts from: SIGALRM interrupts, every other catchable signal
 * is ignored, nothing blocked. */
static void reset_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    for (int s = 1; s < 65; s++) {
        if (s == SIGKILL || s == SIGSTOP || s == SIGALRM || (s > 31 && s < SIGRTMIN))
            continue;
        sa.sa_handler = SIG_IGN;
        sigaction(s, &sa, NULL);
    }
    sa.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    sigset_t none;
    sigemptyset(&none);
    CHECK(sigprocmask(SIG_SETMASK, &none, NULL) == 0);
}

static void fuzz(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    /* The scratch area sits between two PROT_NONE guards; the bad pointers around it. */
    char *m = mmap(NULL, SCRATCH + 4 * (size_t)pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    g_scratch = m + pg;
    CHECK(mprotect(g_scratch, SCRATCH, PROT_READ | PROT_WRITE) == 0);
    CHECK(munmap(m + pg + SCRATCH + pg, (size_t)pg) == 0);
    g_bad[0] = (void *)1;
    g_bad[1] = (void *)0xffff800000000000ULL;
    g_bad[2] = m;                     /* PROT_NONE */
    g_bad[3] = m + pg + SCRATCH + pg; /* unmapped */

    int p[2], s[2];
    CHECK(pipe(p) == 0);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
    g_fds[0] = p[0];
    g_fds[1] = p[1];
    g_fds[2] = s[0];
    g_fds[3] = s[1];
    g_fds[4] = open("f", O_RDWR | O_CREAT, 0600);
    g_fds[5] = open(".", O_RDONLY | O_DIRECTORY);
    g_fds[6] = epoll_create1(0);
    g_fds[7] = eventfd(0, 0);
    for (int i = 4; i < 8; i++)
        CHECK(g_fds[i] >= 0);
    CHECK(mkdir("d", 0700) == 0);

    reset_signals();
    struct itimerval watchdog = { .it_value = { 0, 5000 } };
    for (long i = 0; i < g_calls; i++) {
        long nr;
        do {
            nr = (long)(rnd() % (MAX_NR + 1));
        } while (is_skipped(nr));
        uint64_t a[6];
        for (int k = 0; k < 6; k++)
            a[k] = rnd_arg();
        if (nr == SYS_mmap)
            a[3] &= ~(uint64_t)(MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_POPULATE | MAP_LOCKED);
        /* Random bytes (paths end at the first NUL), then a few valid path strings. */
        for (int k = 0; k < SCRATCH / 2; k += 8) {
            uint64_t r = rnd();
            memcpy(g_scratch + k, &r, 8);
        }
        for (int k = 0; k < 8; k++)
            strcpy(g_scratch + SCRATCH / 2 + 64 * k, g_paths[k]);
        g_prog->nr = nr;
        memcpy((void *)g_prog->args, a, sizeof(a));
        CHECK(setitimer(ITIMER_REAL, &watchdog, NULL) == 0);
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        setitimer(ITIMER_REAL, &(struct itimerval){ 0 }, NULL);
        if (nr == SYS_rt_sigaction || nr == SYS_rt_sigprocmask || nr == SYS_sigaltstack)
            reset_signals();
        g_prog->done = i + 1;
    }
    dprintf(OUT_FD, "%ld calls survived\n", g_calls);
    _exit(0);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

int main(int argc, char **argv)
{
    /* Exploring: another seed and count (the test itself uses the fixed ones). */
    if (argc > 2) {
        g_rng = strtoull(argv[1], NULL, 0);
        g_calls = strtol(argv[2], NULL, 0);
    }
    /* The child runs in a directory of its own below one it cannot write. */
    char top[64], dir[96];
    test_mkdtemp(top);
    CHECK(chmod(top, 0755) == 0);
    snprintf(dir, sizeof(dir), "%s/w", top);
    CHECK(mkdir(dir, 0700) == 0);
    uid_t uid = 40000 + (uid_t)(getpid() % 20000);
    CHECK(chown(dir, uid, uid) == 0);

    g_prog = mmap(NULL, sizeof(*g_prog), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(g_prog != MAP_FAILED);
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(dup2(1, OUT_FD) == OUT_FD);
        int null = open("/dev/null", O_RDWR);
        CHECK(null >= 0);
        CHECK(dup2(null, 0) == 0 && dup2(null, 1) == 1 && dup2(null, 2) == 2);
        CHECK(chdir(dir) == 0);
        struct rlimit fsize = { 1 << 20, 1 << 20 }, nproc = { 16, 16 };
        CHECK(setrlimit(RLIMIT_FSIZE, &fsize) == 0);
        CHECK(setrlimit(RLIMIT_NPROC, &nproc) == 0);
        CHECK(setgroups(0, NULL) == 0);
        CHECK(setresgid(uid, uid, uid) == 0);
        CHECK(setresuid(uid, uid, uid) == 0);
        fuzz();
    }
    int status = test_wait(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr,
                "FAIL: fuzzer status 0x%x after %ld calls, last syscall %ld (%#lx, %#lx, "
                "%#lx, %#lx, %#lx, %#lx)\n",
                status, g_prog->done, g_prog->nr, (unsigned long)g_prog->args[0],
                (unsigned long)g_prog->args[1], (unsigned long)g_prog->args[2],
                (unsigned long)g_prog->args[3], (unsigned long)g_prog->args[4],
                (unsigned long)g_prog->args[5]);
        exit(1);
    }
    CHECK_EQ(g_prog->done, g_calls);
    /* The kernel still serves this process. */
    CHECK(getpid() > 0);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_EQ(write(p[1], "ok", 2), 2);
    char buf[2];
    CHECK_EQ(read(p[0], buf, 2), 2);
    CHECK(nftw(top, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0);
    TEST_OK();
}
