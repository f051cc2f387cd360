// SPDX-License-Identifier: Apache-2.0
// Tests of the sandbox process: the seccomp filter, and a real `boot` started with sandbox_start.
#include <dirent.h>
#include <linux/netlink.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot/boot.h"
#include "common/common.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"
#include "tests/unit/tap.h"

#if defined(__SANITIZE_ADDRESS__)
/* The sanitizer's leak check at exit reads /proc and clones: the filter rightly kills it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}
#endif

static char *read_text(const char *path)
{
    char *s = NULL;
    rt_error_t err = NULL;

    if (rt_read_file(path, 1 << 20, &s, NULL, &err) < 0) {
        rt_error_release(&err);
        return NULL;
    }
    return s;
}

/* ---- the filter, in forked children ---- */

static void *thread_fn(void *arg)
{
    return arg;
}

enum filter_case {
    CASE_ALLOWED,
    CASE_THREAD,
    CASE_OPEN,
    CASE_EXEC_MAP,
    CASE_EXECVE,
    CASE_SOCKET,
    CASE_SOCKET_AUDIT,
    CASE_TRAP_OPEN,
};

/* Runs `c` under the filter in a child; returns its wait status. */
static int run_filtered(enum filter_case c, int err_pipe)
{
    pid_t pid = fork();
    int status = -1;

    if (pid == 0) {
        rt_error_t err = NULL;
        pthread_t t;

        if (err_pipe >= 0)
            dup2(err_pipe, 2);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            boot_filter_install(c == CASE_TRAP_OPEN, &err) < 0)
            _exit(100);
        switch (c) {
        case CASE_ALLOWED:
            if (getpid() > 0 && write(1, "", 0) == 0)
                _exit(0);
            _exit(1);
        case CASE_THREAD:
            if (pthread_create(&t, NULL, thread_fn, NULL) != 0 || pthread_join(t, NULL) != 0)
                _exit(2);
            _exit(0);
        case CASE_OPEN:
        case CASE_TRAP_OPEN:
            open("/etc/hostname", O_RDONLY);
            _exit(3);
        case CASE_EXEC_MAP:
            mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            _exit(4);
        case CASE_EXECVE: {
            char *argv[] = { (char *)"true", NULL };

            execve("/bin/true", argv, argv + 1);
            _exit(5);
        }
        case CASE_SOCKET:
            /* inet and NETLINK_ROUTE sockets serve the app's; nothing else may be made. */
            socket(AF_UNIX, SOCK_STREAM, 0);
            _exit(6);
        case CASE_SOCKET_AUDIT:
            socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
            _exit(6);
        }
        _exit(7);
    }
    waitpid(pid, &status, 0);
    return status;
}

static bool killed_by_sigsys(int status)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

static void test_filter(void)
{
    cleanup_error rt_error_t err = NULL;
    int fd = memfd_create("bpf", MFD_CLOEXEC);
    struct stat st;
    int p[2];
    int status;

    tap_ok(boot_filter_rule_count() > 20, "the allowlist has %zu rules", boot_filter_rule_count());
    st.st_size = 0;
    if (boot_filter_export(fd, &err) < 0 || fstat(fd, &st) < 0)
        tap_diag("export: %s", rt_error_msg(err));
    tap_ok(st.st_size > 0 && st.st_size % 8 == 0, "the filter compiles to BPF (%lld bytes)",
           (long long)st.st_size);
    close(fd);

    status = run_filtered(CASE_ALLOWED, -1);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "allowed syscalls run (status %#x)",
           status);
    status = run_filtered(CASE_THREAD, -1);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "threads can be created (status %#x)",
           status);
    tap_ok(killed_by_sigsys(run_filtered(CASE_OPEN, -1)), "open of a host path kills");
    tap_ok(killed_by_sigsys(run_filtered(CASE_EXEC_MAP, -1)), "an executable mapping kills");
    tap_ok(killed_by_sigsys(run_filtered(CASE_EXECVE, -1)), "execve kills");
    tap_ok(killed_by_sigsys(run_filtered(CASE_SOCKET, -1)), "a new unix socket kills");
    tap_ok(killed_by_sigsys(run_filtered(CASE_SOCKET_AUDIT, -1)),
           "a netlink socket other than NETLINK_ROUTE kills");

    if (pipe2(p, O_CLOEXEC) == 0) {
        char buf[256] = { 0 };
        ssize_t n;

        status = run_filtered(CASE_TRAP_OPEN, p[1]);
        close(p[1]);
        n = read(p[0], buf, sizeof(buf) - 1);
        close(p[0]);
        tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGSYS,
               "debug mode: the trap exits %d", 128 + SIGSYS);
        tap_ok(n > 0 && strstr(buf, "blocked system call 257") != NULL,
               "debug mode names the syscall (openat = 257): %s", buf);
    }
}

/* ---- a real sandbox ---- */

static bool same_ns(pid_t pid, const char *ns)
{
    char a[64], b[64], la[128] = { 0 }, lb[128] = { 0 };

    snprintf(a, sizeof(a), "/proc/%d/ns/%s", (int)pid, ns);
    snprintf(b, sizeof(b), "/proc/self/ns/%s", ns);
    if (readlink(a, la, sizeof(la) - 1) < 0 || readlink(b, lb, sizeof(lb) - 1) < 0)
        return true; /* unknown counts as not isolated */
    return strcmp(la, lb) == 0;
}

static int count_entries(const char *path, char *names, size_t cap)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;

    if (names)
        names[0] = '\0';
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (names && strlen(names) + strlen(e->d_name) + 2 < cap) {
            strcat(names, e->d_name);
            strcat(names, " ");
        }
    }
    closedir(d);
    return n;
}

static const char *status_field(const char *status, const char *field, char *out, size_t cap)
{
    const char *p = status ? strstr(status, field) : NULL;
    size_t n = 0;

    out[0] = '\0';
    if (p == NULL)
        return out;
    p += strlen(field);
    while (*p == ' ' || *p == '\t')
        p++;
    while (p[n] != '\n' && p[n] != '\0' && n + 1 < cap)
        n++;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static void dump_log(const char *path)
{
    cleanup_free char *log = read_text(path);

    if (log != NULL && log[0] != '\0')
        tap_diag("sandbox log:\n%s", log);
}

static void test_sandbox(void)
{
    char dir[] = "/tmp/test-boot.XXXXXX";
    char logpath[128], path[128], buf[64], names[256];
    cleanup_free char *spec = specutils_default_spec_json(false);
    cleanup_free char *mounts_before = read_text("/proc/self/mountinfo");
    cleanup_free char *mounts_after = NULL;
    cleanup_free char *status = NULL;
    cleanup_free char *mountinfo = NULL;
    cleanup_error rt_error_t err = NULL;
    struct sandbox sb;
    struct control_request req;
    struct control_response resp;
    struct sandbox_config cfg;
    int leaked[2];
    const char *exe;
    int log_fd, wstatus = -1;

    if (!tap_ok(mkdtemp(dir) != NULL && spec != NULL, "test directory and spec"))
        return;
    snprintf(logpath, sizeof(logpath), "%s/boot.log", dir);
    log_fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    /* Like the containerd shim's fd 3: not close-on-exec, and it must not reach the sandbox. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, leaked);

    /* Under tests/run.sh, the real binary's `boot`; otherwise this binary's (see main). */
    exe = getenv("RUNSC");
    if (exe != NULL && access(exe, X_OK) < 0)
        exe = NULL;
    tap_diag("sandbox binary: %s", exe ? exe : "/proc/self/exe (this test)");
    cfg = (struct sandbox_config){
        .id = "sb-test",
        .exe = exe,
        .state_dir = dir,
        .spec_json = spec,
        .spec_json_len = strlen(spec),
        .log_fd = log_fd,
        .debug = true,
    };
    if (!tap_ok(sandbox_start(&cfg, &sb, &err) == 0, "sandbox_start: %s", rt_error_msg(err))) {
        dump_log(logpath);
        return;
    }
    tap_ok(sb.pid > 0 && sb.pidfd >= 0, "the sandbox runs as pid %d", (int)sb.pid);
    tap_ok(!same_ns(sb.pid, "pid"), "new pid namespace");
    tap_ok(!same_ns(sb.pid, "mnt"), "new mount namespace");
    tap_ok(!same_ns(sb.pid, "ipc"), "new ipc namespace");
    tap_ok(!same_ns(sb.pid, "uts"), "new uts namespace");
    tap_ok(!same_ns(sb.pid, "net"), "new network namespace");

    snprintf(path, sizeof(path), "/proc/%d/root", (int)sb.pid);
    tap_ok(count_entries(path, names, sizeof(names)) == 0, "its root is empty (%s)", names);
    snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)sb.pid);
    mountinfo = read_text(path);
    tap_ok(mountinfo != NULL && strchr(mountinfo, '\n') == mountinfo + strlen(mountinfo) - 1 &&
               strstr(mountinfo, " / / ro,") != NULL && strstr(mountinfo, " tmpfs ") != NULL,
           "exactly one mount, a read-only tmpfs at /: %s", mountinfo ? mountinfo : "?");
    snprintf(path, sizeof(path), "/proc/%d/status", (int)sb.pid);
    status = read_text(path);
    tap_ok(strcmp(status_field(status, "Seccomp:", buf, sizeof(buf)), "2") == 0,
           "seccomp mode 2 (%s)", buf);
    tap_ok(strcmp(status_field(status, "NoNewPrivs:", buf, sizeof(buf)), "1") == 0,
           "no_new_privs (%s)", buf);
    tap_ok(strcmp(status_field(status, "CapEff:", buf, sizeof(buf)), "0000000000002400") == 0,
           "effective caps: NET_BIND_SERVICE, NET_RAW only (%s)", buf);
    tap_ok(strcmp(status_field(status, "CapBnd:", buf, sizeof(buf)), "0000000000002400") == 0,
           "bounding set reduced (%s)", buf);
    tap_ok(strcmp(status_field(status, "CapInh:", buf, sizeof(buf)), "0000000000000000") == 0,
           "no inheritable caps (%s)", buf);
    req = (struct control_request){ .id = 1, .kind = CONTROL_REQ_START };
    req.container_id = "ctr";
    tap_ok(control_call(sb.socket_path, &req, NULL, 0, &resp, &err) < 0 &&
               rt_error_status(err) == ENOENT &&
               strstr(rt_error_msg(err), "no container `ctr`") != NULL,
           "start of an unknown container is answered ENOENT: %s", rt_error_msg(err));
    rt_error_release(&err);
    /* After one answered request, the boot process is past its setup (sync fd closed). */
    snprintf(path, sizeof(path), "/proc/%d/fd", (int)sb.pid);
    /* The server closes the start request's connection just after its reply: allow it 1 s. */
    for (int i = 0; i < 100 && count_entries(path, names, sizeof(names)) != 10; i++)
        usleep(10000);
    tap_ok(count_entries(path, names, sizeof(names)) == 10,
           "10 fds: stdio, control socket, its eventfd, log, stub factory socket, the ptrace "
           "platform's fd-passing socket, the netns's /proc/net/snmp and netstat (%s)",
           names);
    {
        /* The ptrace stub factory: boot's only child, forked after the drop, before the filter. */
        cleanup_free char *children = NULL, *fstatus = NULL;
        int fpid = 0;

        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)sb.pid, (int)sb.pid);
        children = read_text(path);
        tap_ok(children != NULL && sscanf(children, "%d", &fpid) == 1 && fpid > 0,
               "the stub factory runs (children: %s)", children ? children : "?");
        snprintf(path, sizeof(path), "/proc/%d/status", fpid);
        fstatus = read_text(path);
        /* Forked before boot's filter, it has one of its own (no exec, no ptrace), only. */
        tap_ok(fstatus != NULL &&
                   strcmp(status_field(fstatus, "Seccomp:", buf, sizeof(buf)), "2") == 0,
               "the factory has a seccomp filter (Seccomp %s)", buf);
        tap_ok(fstatus != NULL &&
                   (strstr(fstatus, "Seccomp_filters:") == NULL ||
                    strcmp(status_field(fstatus, "Seccomp_filters:", buf, sizeof(buf)), "1") == 0),
               "exactly one: its own, not boot's (Seccomp_filters %s)", buf);
        tap_ok(fstatus != NULL &&
                   strcmp(status_field(fstatus, "CapEff:", buf, sizeof(buf)), "0000000000002400") ==
                       0 &&
                   strcmp(status_field(fstatus, "CapPrm:", buf, sizeof(buf)), "0000000000002400") ==
                       0,
               "the factory holds boot's capabilities, no more (CapPrm %s)", buf);
        tap_ok(fstatus != NULL &&
                   strcmp(status_field(fstatus, "NoNewPrivs:", buf, sizeof(buf)), "1") == 0,
               "the factory has no_new_privs (%s)", buf);
    }
    {
        struct stat a, b;
        bool leak = false, devnull = true;
        char fdpath[64], target[256];

        fstat(leaked[0], &a);
        fstat(leaked[1], &b);
        for (int fd = 0; fd < 64; fd++) {
            struct stat s;

            snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%d", (int)sb.pid, fd);
            if (stat(fdpath, &s) < 0)
                continue;
            if (s.st_ino == a.st_ino || s.st_ino == b.st_ino)
                leak = true;
            if (fd <= 2) {
                ssize_t n = readlink(fdpath, target, sizeof(target) - 1);

                target[n > 0 ? n : 0] = '\0';
                devnull = devnull && strcmp(target, "/dev/null") == 0;
            }
        }
        tap_ok(!leak, "the leaked socket (like the shim's fd 3) did not reach the sandbox");
        tap_ok(devnull, "its stdio is /dev/null");
    }

    req = (struct control_request){ .id = 2, .kind = CONTROL_REQ_SHUTDOWN };
    tap_ok(control_call(sb.socket_path, &req, NULL, 0, &resp, &err) == 0 && resp.id == 2,
           "shutdown is answered %s", rt_error_msg(err));
    rt_error_release(&err);
    tap_ok(waitpid(sb.pid, &wstatus, 0) == sb.pid, "the sandbox exits");
    tap_ok(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, "with status 0 (%#x)", wstatus);
    if (!(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0))
        dump_log(logpath);
    tap_ok(kill(sb.pid, 0) < 0 && errno == ESRCH, "no process left");
    tap_ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "no child left");
    mounts_after = read_text("/proc/self/mountinfo");
    tap_ok(mounts_before && mounts_after && strcmp(mounts_before, mounts_after) == 0,
           "host mounts unchanged");
    unlink(sb.socket_path);
    sandbox_release(&sb);

    /* Joining a network namespace by path, and the host network. */
    {
        char *joined = NULL;
        const char *needle = "\"type\": \"network\"";
        char *at = strstr(spec, needle);

        if (at != NULL) {
            *at = '\0';
            joined = xasprintf("%s\"type\": \"network\", \"path\": \"/proc/self/ns/net\"%s", spec,
                               at + strlen(needle));
            *at = '"';
        }
        if (tap_ok(joined != NULL, "spec with a netns path")) {
            struct spec *parsed = NULL;

            if (tap_ok(specutils_parse(joined, strlen(joined), &parsed, &err) == 0, "parsed %s",
                       rt_error_msg(err))) {
                cfg.spec_json = joined;
                cfg.spec_json_len = strlen(joined);
                cfg.spec = parsed;
                if (tap_ok(sandbox_start(&cfg, &sb, &err) == 0, "start with a netns path %s",
                           rt_error_msg(err))) {
                    tap_ok(same_ns(sb.pid, "net"), "the spec's network namespace was joined");
                    tap_ok(!same_ns(sb.pid, "ipc"), "ipc still new");
                    req = (struct control_request){ .id = 3, .kind = CONTROL_REQ_SHUTDOWN };
                    control_call(sb.socket_path, &req, NULL, 0, &resp, &err);
                    waitpid(sb.pid, &wstatus, 0);
                    tap_ok(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, "and shut down");
                    unlink(sb.socket_path);
                    sandbox_release(&sb);
                }
                rt_error_release(&err);
                specutils_free(parsed);
            }
            rt_error_release(&err);
            free(joined);
        }
        cfg.spec = NULL;
        cfg.spec_json = spec;
        cfg.spec_json_len = strlen(spec);
    }

    /* A boot failure comes back with the child's own message, and nothing is left. */
    cfg.spec_json = "this is not json";
    cfg.spec_json_len = strlen(cfg.spec_json);
    tap_ok(sandbox_start(&cfg, &sb, &err) < 0 && strstr(rt_error_msg(err), "parsing the spec"),
           "a bad spec fails with the sandbox's message: %s", rt_error_msg(err));
    rt_error_release(&err);
    snprintf(path, sizeof(path), "%s/" CONTROL_SOCKET_NAME, dir);
    tap_ok(access(path, F_OK) < 0, "and the socket is removed");
    tap_ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "and the child is reaped");

    cfg.id = "../x";
    tap_ok(sandbox_start(&cfg, &sb, &err) < 0 && rt_error_status(err) == EINVAL,
           "a bad sandbox id is refused");
    rt_error_release(&err);

    close(leaked[0]);
    close(leaked[1]);
    close(log_fd);
    unlink(logpath);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    /* This binary is also the sandbox: sandbox_start runs /proc/self/exe boot ... */
    if (argc >= 2 && strcmp(argv[1], "boot") == 0) {
        rt_error_t err = NULL;

        if (boot_main(argc - 1, argv + 1, &err) < 0) {
            rt_log_fatal_error(err);
            return 1;
        }
        return 0;
    }
    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root (namespaces, pivot_root)\n");
        return 0;
    }
    test_filter();
    test_sandbox();
    return tap_done();
}
