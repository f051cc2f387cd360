/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The integration tests' container helper: one static program (installed as
 * /init in test root filesystems) whose subcommands each report one fact about
 * the environment it runs in, or do one thing, so tests need no distro image.
 * Every failure prints "init: <what>: <why>" on stderr and exits 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("init: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* Like die() with ": <strerror(errno)>" appended. */
#define die_errno(fmt, ...) die(fmt ": %s", ##__VA_ARGS__, strerror(errno))

static long parse_long(const char *s, const char *what)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        die("%s: not a number: \"%s\"", what, s);
    return v;
}

static const struct {
    int sig;
    const char *name;
} g_signals[] = {
    { SIGHUP, "SIGHUP" },       { SIGINT, "SIGINT" },   { SIGQUIT, "SIGQUIT" },
    { SIGILL, "SIGILL" },       { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
    { SIGBUS, "SIGBUS" },       { SIGFPE, "SIGFPE" },   { SIGKILL, "SIGKILL" },
    { SIGUSR1, "SIGUSR1" },     { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
    { SIGPIPE, "SIGPIPE" },     { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
    { SIGCHLD, "SIGCHLD" },     { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
    { SIGTSTP, "SIGTSTP" },     { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },
    { SIGURG, "SIGURG" },       { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
    { SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" },
    { SIGIO, "SIGIO" },         { SIGPWR, "SIGPWR" },   { SIGSYS, "SIGSYS" },
};

/* Returns "SIGTERM" for 15, "SIGRTMIN+3" style names for real-time signals. */
static const char *signal_name(int sig)
{
    static char buf[32];

    for (size_t i = 0; i < ARRAY_SIZE(g_signals); i++) {
        if (g_signals[i].sig == sig)
            return g_signals[i].name;
    }
    if (sig >= SIGRTMIN && sig <= SIGRTMAX)
        snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - SIGRTMIN);
    else
        snprintf(buf, sizeof(buf), "SIG%d", sig);
    return buf;
}

/* Accepts "15", "TERM" or "SIGTERM" (any case). */
static int parse_signal(const char *s)
{
    const char *name = s;

    if (s[0] >= '0' && s[0] <= '9') {
        long v = parse_long(s, "signal");
        if (v <= 0 || v >= NSIG)
            die("signal: out of range: %ld", v);
        return (int)v;
    }
    if (strncasecmp(name, "SIG", 3) == 0)
        name += 3;
    for (size_t i = 0; i < ARRAY_SIZE(g_signals); i++) {
        if (strcasecmp(g_signals[i].name + 3, name) == 0)
            return g_signals[i].sig;
    }
    die("signal: unknown signal \"%s\"", s);
}

static void need_args(int argc, int n, const char *usage)
{
    if (argc < n)
        die("usage: init %s", usage);
}

static int cmd_exit(int argc, char **argv)
{
    need_args(argc, 2, "exit N");
    return (int)parse_long(argv[1], "exit");
}

static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("%s%s", i > 1 ? " " : "", argv[i]);
    printf("\n");
    return 0;
}

static void copy_fd(int fd, const char *name)
{
    char buf[65536];

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die_errno("cat: read `%s`", name);
        if (n == 0)
            return;
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            die_errno("cat: write");
    }
}

static int cmd_cat(int argc, char **argv)
{
    if (argc < 2) {
        copy_fd(0, "stdin");
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        int fd;

        if (strcmp(argv[i], "-") == 0) {
            copy_fd(0, "stdin");
            continue;
        }
        fd = open(argv[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            die_errno("cat: open `%s`", argv[i]);
        copy_fd(fd, argv[i]);
        close(fd);
    }
    return 0;
}

static int cmd_gethostname(int argc, char **argv)
{
    char buf[HOST_NAME_MAX + 1] = { 0 };

    if (gethostname(buf, sizeof(buf) - 1) < 0)
        die_errno("gethostname");
    printf("%s\n", buf);
    return 0;
}

static int cmd_getdomainname(int argc, char **argv)
{
    char buf[256] = { 0 };

    if (getdomainname(buf, sizeof(buf) - 1) < 0)
        die_errno("getdomainname");
    printf("%s\n", buf);
    return 0;
}

static int cmd_getpid(int argc, char **argv)
{
    printf("%d\n", (int)getpid());
    return 0;
}

static int cmd_getppid(int argc, char **argv)
{
    printf("%d\n", (int)getppid());
    return 0;
}

static int cmd_id(int argc, char **argv)
{
    gid_t groups[NGROUPS_MAX];
    int n = getgroups((int)ARRAY_SIZE(groups), groups);

    if (n < 0)
        die_errno("id: getgroups");
    printf("uid=%u gid=%u groups=", (unsigned)getuid(), (unsigned)getgid());
    for (int i = 0; i < n; i++)
        printf("%s%u", i > 0 ? "," : "", (unsigned)groups[i]);
    printf("\n");
    if (geteuid() != getuid() || getegid() != getgid())
        printf("euid=%u egid=%u\n", (unsigned)geteuid(), (unsigned)getegid());
    return 0;
}

/* Prints the Cap* and NoNewPrivs lines of /proc/self/status. */
static int cmd_caps(int argc, char **argv)
{
    char line[512];
    bool found = false;
    FILE *f = fopen("/proc/self/status", "re");

    if (f == NULL)
        die_errno("caps: open `/proc/self/status`");
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "Cap", 3) == 0 || strncmp(line, "NoNewPrivs:", 11) == 0) {
            fputs(line, stdout);
            found = true;
        }
    }
    fclose(f);
    if (!found)
        die("caps: no Cap* lines in /proc/self/status");
    return 0;
}

static int cmd_isatty(int argc, char **argv)
{
    int fd;

    need_args(argc, 2, "isatty FD");
    fd = (int)parse_long(argv[1], "isatty");
    if (fcntl(fd, F_GETFD) < 0)
        die_errno("isatty: fd %d", fd);
    printf("%s\n", isatty(fd) ? "true" : "false");
    return 0;
}

static int cmd_sleep(int argc, char **argv)
{
    struct timespec ts;
    char *end;
    double secs;

    need_args(argc, 2, "sleep SECS");
    errno = 0;
    secs = strtod(argv[1], &end);
    if (errno != 0 || end == argv[1] || *end != '\0' || secs < 0)
        die("sleep: bad duration \"%s\"", argv[1]);
    ts.tv_sec = (time_t)secs;
    ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) < 0) {
        if (errno != EINTR)
            die_errno("sleep: nanosleep");
    }
    return 0;
}

static int cmd_pause(int argc, char **argv)
{
    /* pause() only returns (EINTR) after a handler ran; none is installed. */
    while (pause() < 0 && errno == EINTR)
        ;
    die_errno("pause");
}

/*
 * Blocks every signal and prints each one received, one line each. Prints
 * "ready" once waiting so a test knows when to send; exits 0 on SIGTERM.
 */
static int cmd_signals(int argc, char **argv)
{
    sigset_t all;

    sigfillset(&all);
    if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
        die_errno("signals: sigprocmask");
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        siginfo_t si;
        int sig = sigwaitinfo(&all, &si);

        if (sig < 0) {
            if (errno == EINTR)
                continue;
            die_errno("signals: sigwaitinfo");
        }
        printf("%s\n", signal_name(sig));
        fflush(stdout);
        if (sig == SIGTERM)
            return 0;
    }
}

static int cmd_env(int argc, char **argv)
{
    for (char **e = environ; *e != NULL; e++)
        printf("%s\n", *e);
    return 0;
}

static int cmd_cwd(int argc, char **argv)
{
    char buf[PATH_MAX];

    if (getcwd(buf, sizeof(buf)) == NULL)
        die_errno("cwd: getcwd");
    printf("%s\n", buf);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the entries of DIR (without . and ..), sorted, one per line. */
static int cmd_ls(int argc, char **argv)
{
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    DIR *d;

    need_args(argc, 2, "ls DIR");
    d = opendir(argv[1]);
    if (d == NULL)
        die_errno("ls: opendir `%s`", argv[1]);
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof(*names));
            if (names == NULL)
                die("ls: out of memory");
        }
        names[n] = strdup(de->d_name);
        if (names[n] == NULL)
            die("ls: out of memory");
        n++;
        errno = 0;
    }
    if (errno != 0)
        die_errno("ls: readdir `%s`", argv[1]);
    closedir(d);
    qsort(names, n, sizeof(*names), compare_names);
    for (size_t i = 0; i < n; i++) {
        printf("%s\n", names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}

/* Writes TEXT (exactly, no newline added) to FILE, creating or truncating it. */
static int cmd_write(int argc, char **argv)
{
    size_t len, off = 0;
    int fd;

    need_args(argc, 3, "write FILE TEXT");
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die_errno("write: open `%s`", argv[1]);
    len = strlen(argv[2]);
    while (off < len) {
        ssize_t n = write(fd, argv[2] + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die_errno("write: write `%s`", argv[1]);
        off += (size_t)n;
    }
    if (close(fd) < 0)
        die_errno("write: close `%s`", argv[1]);
    return 0;
}

static const char *file_type(mode_t m)
{
    switch (m & S_IFMT) {
    case S_IFREG:
        return "file";
    case S_IFDIR:
        return "dir";
    case S_IFLNK:
        return "symlink";
    case S_IFCHR:
        return "chardev";
    case S_IFBLK:
        return "blockdev";
    case S_IFIFO:
        return "fifo";
    case S_IFSOCK:
        return "socket";
    default:
        return "unknown";
    }
}

/* Prints "type=file mode=0644 uid=0 gid=0 size=5 nlink=1" (stat(2), follows symlinks). */
static int cmd_stat(int argc, char **argv)
{
    struct stat st;

    need_args(argc, 2, "stat FILE");
    if (stat(argv[1], &st) < 0)
        die_errno("stat: `%s`", argv[1]);
    printf("type=%s mode=%04o uid=%u gid=%u size=%lld nlink=%lu\n", file_type(st.st_mode),
           (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid,
           (long long)st.st_size, (unsigned long)st.st_nlink);
    return 0;
}

static int cmd_readlink(int argc, char **argv)
{
    char buf[PATH_MAX + 1];
    ssize_t n;

    need_args(argc, 2, "readlink PATH");
    n = readlink(argv[1], buf, sizeof(buf) - 1);
    if (n < 0)
        die_errno("readlink: `%s`", argv[1]);
    buf[n] = '\0';
    printf("%s\n", buf);
    return 0;
}

/* Prints "exited N" or "killed by SIGX" the way a test compares it. */
static void print_wait_status(int status)
{
    if (WIFEXITED(status))
        printf("exited %d\n", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("killed by %s%s\n", signal_name(WTERMSIG(status)),
               WCOREDUMP(status) ? " (core dumped)" : "");
    else
        printf("status 0x%x\n", (unsigned)status);
}

static int cmd_fork_exec(int argc, char **argv)
{
    pid_t pid;
    int status;

    need_args(argc, 2, "fork-exec PROG [ARGS...]");
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die_errno("fork-exec: fork");
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "init: fork-exec: exec `%s`: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die_errno("fork-exec: waitpid");
    }
    print_wait_status(status);
    return 0;
}

/* Dies of SIG with its default action; fails if still alive afterwards. */
static int cmd_kill_self(int argc, char **argv)
{
    sigset_t set;
    int sig;

    need_args(argc, 2, "kill-self SIG");
    sig = parse_signal(argv[1]);
    fflush(stdout);
    signal(sig, SIG_DFL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    if (kill(getpid(), sig) < 0)
        die_errno("kill-self: kill %s", signal_name(sig));
    /* A fatal signal is delivered before kill() returns; give slow ones a moment. */
    sleep(1);
    die("kill-self: still alive after %s", signal_name(sig));
}

/*
 * Forks N children that wait for their parent's end, prints "forked K of N",
 * then kills and reaps them. Fails (exit 1) when a fork fails.
 */
static int cmd_forkbomb(int argc, char **argv)
{
    long n, k;
    pid_t *pids;
    int fork_errno = 0;

    need_args(argc, 2, "forkbomb N");
    n = parse_long(argv[1], "forkbomb");
    if (n < 0 || n > 100000)
        die("forkbomb: N out of range: %ld", n);
    pids = calloc((size_t)n + 1, sizeof(*pids));
    if (pids == NULL)
        die("forkbomb: out of memory");
    fflush(stdout);
    for (k = 0; k < n; k++) {
        pid_t pid = fork();
        if (pid < 0) {
            fork_errno = errno;
            break;
        }
        if (pid == 0) {
            for (;;)
                pause();
        }
        pids[k] = pid;
    }
    printf("forked %ld of %ld\n", k, n);
    fflush(stdout);
    for (long i = 0; i < k; i++)
        kill(pids[i], SIGKILL);
    for (long i = 0; i < k; i++) {
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
            ;
    }
    free(pids);
    if (fork_errno != 0)
        die("forkbomb: fork %ld: %s", k + 1, strerror(fork_errno));
    return 0;
}

static const struct {
    const char *name;
    int resource;
} g_rlimits[] = {
    { "AS", RLIMIT_AS },
    { "CORE", RLIMIT_CORE },
    { "CPU", RLIMIT_CPU },
    { "DATA", RLIMIT_DATA },
    { "FSIZE", RLIMIT_FSIZE },
    { "LOCKS", RLIMIT_LOCKS },
    { "MEMLOCK", RLIMIT_MEMLOCK },
    { "MSGQUEUE", RLIMIT_MSGQUEUE },
    { "NICE", RLIMIT_NICE },
    { "NOFILE", RLIMIT_NOFILE },
    { "NPROC", RLIMIT_NPROC },
    { "RSS", RLIMIT_RSS },
    { "RTPRIO", RLIMIT_RTPRIO },
    { "RTTIME", RLIMIT_RTTIME },
    { "SIGPENDING", RLIMIT_SIGPENDING },
    { "STACK", RLIMIT_STACK },
};

static void print_rlim(rlim_t v)
{
    if (v == RLIM_INFINITY)
        printf("unlimited");
    else
        printf("%llu", (unsigned long long)v);
}

/* Prints "SOFT HARD" for NAME ("NOFILE", "nofile" or "RLIMIT_NOFILE"). */
static int cmd_rlimit(int argc, char **argv)
{
    const char *name;
    struct rlimit rl;

    need_args(argc, 2, "rlimit NAME");
    name = argv[1];
    if (strncasecmp(name, "RLIMIT_", 7) == 0)
        name += 7;
    for (size_t i = 0; i < ARRAY_SIZE(g_rlimits); i++) {
        if (strcasecmp(g_rlimits[i].name, name) != 0)
            continue;
        if (getrlimit(g_rlimits[i].resource, &rl) < 0)
            die_errno("rlimit: getrlimit %s", g_rlimits[i].name);
        print_rlim(rl.rlim_cur);
        printf(" ");
        print_rlim(rl.rlim_max);
        printf("\n");
        return 0;
    }
    die("rlimit: unknown limit \"%s\"", argv[1]);
}

static int cmd_umask(int argc, char **argv)
{
    mode_t m = umask(0);

    umask(m);
    printf("%04o\n", (unsigned)m);
    return 0;
}

/*
 * Issues a raw syscall instruction from code written at run time into a fresh
 * executable page, so no libc wrapper or known code address is involved.
 * Prints the syscall's raw return value (negative errno on failure).
 */
static long jit_syscall(long nr, long a0, long a1, long a2)
{
    /* mov rax, rdi; mov rdi, rsi; mov rsi, rdx; mov rdx, rcx; syscall; ret */
    static const unsigned char code[] = { 0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89,
                                          0xd6, 0x48, 0x89, 0xca, 0x0f, 0x05, 0xc3 };
    long (*fn)(long, long, long, long);
    void *page =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (page == MAP_FAILED)
        return -errno;
    memcpy(page, code, sizeof(code));
    fn = (long (*)(long, long, long, long))page;
    long ret = fn(nr, a0, a1, a2);
    munmap(page, 4096);
    return ret;
}

static int cmd_jit_syscall(int argc, char **argv)
{
    static const struct {
        const char *name;
        long nr;
    } calls[] = {
        { "getpid", SYS_getpid },
        { "getppid", SYS_getppid },
        { "getuid", SYS_getuid },
        { "reboot", SYS_reboot },
    };

    if (argc < 2) {
        fprintf(stderr, "init: jit-syscall: need a syscall name\n");
        return 2;
    }
    for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
        if (strcmp(argv[1], calls[i].name) == 0) {
            /* reboot with bad magic numbers: EINVAL or EPERM, never a reboot. */
            printf("%ld\n", jit_syscall(calls[i].nr, 0, 0, 0));
            return 0;
        }
    }
    fprintf(stderr, "init: jit-syscall: unknown syscall %s\n", argv[1]);
    return 2;
}

static int cmd_true(int argc, char **argv)
{
    return 0;
}

static int cmd_false(int argc, char **argv)
{
    return 1;
}

static int cmd_help(int argc, char **argv);

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
} g_cmds[] = {
    { "true", cmd_true, "exit 0" },
    { "false", cmd_false, "exit 1" },
    { "exit", cmd_exit, "N: exit with status N" },
    { "echo", cmd_echo, "ARGS...: print ARGS separated by spaces" },
    { "cat", cmd_cat, "[FILE...]: copy FILEs (or stdin) to stdout" },
    { "gethostname", cmd_gethostname, ": print the host name" },
    { "getdomainname", cmd_getdomainname, ": print the NIS domain name" },
    { "getpid", cmd_getpid, ": print the pid" },
    { "getppid", cmd_getppid, ": print the parent's pid" },
    { "id", cmd_id, ": print uid=U gid=G groups=A,B" },
    { "caps", cmd_caps, ": print the Cap* lines of /proc/self/status" },
    { "isatty", cmd_isatty, "FD: print true or false" },
    { "sleep", cmd_sleep, "SECS: sleep (fractions allowed)" },
    { "pause", cmd_pause, ": wait for a signal forever" },
    { "signals", cmd_signals, ": print \"ready\", then each signal received; exit 0 on SIGTERM" },
    { "env", cmd_env, ": print the environment" },
    { "cwd", cmd_cwd, ": print the working directory" },
    { "ls", cmd_ls, "DIR: print DIR's entries, sorted" },
    { "write", cmd_write, "FILE TEXT: write TEXT (no newline) to FILE" },
    { "stat", cmd_stat, "FILE: print type, mode, uid, gid, size, nlink" },
    { "readlink", cmd_readlink, "PATH: print the target of a symlink" },
    { "fork-exec", cmd_fork_exec,
      "PROG [ARGS...]: run PROG, print \"exited N\" or \"killed by SIGX\"" },
    { "kill-self", cmd_kill_self, "SIG: die of signal SIG" },
    { "forkbomb", cmd_forkbomb, "N: fork N children, print \"forked K of N\"" },
    { "rlimit", cmd_rlimit, "NAME: print the soft and hard limit" },
    { "umask", cmd_umask, ": print the umask in octal" },
    { "jit-syscall", cmd_jit_syscall,
      "NAME: raw syscall from a run-time code page (getpid, getppid, getuid, reboot)" },
    { "help", cmd_help, ": print this list" },
};

static int cmd_help(int argc, char **argv)
{
    printf("usage: init COMMAND [ARGS...]\n");
    for (size_t i = 0; i < ARRAY_SIZE(g_cmds); i++)
        printf("  %s %s\n", g_cmds[i].name, g_cmds[i].usage);
    return 0;
}

int main(int argc, char **argv)
{
    int ret;

    if (argc < 2) {
        cmd_help(argc, argv);
        return 1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(g_cmds); i++) {
        if (strcmp(g_cmds[i].name, argv[1]) == 0) {
            ret = g_cmds[i].fn(argc - 1, argv + 1);
            if (fflush(stdout) != 0 || ferror(stdout))
                die_errno("writing stdout");
            return ret;
        }
    }
    die("unknown command \"%s\"; try `init help`", argv[1]);
}
