// SPDX-License-Identifier: Apache-2.0
// `runsc-c boot`: the sandbox process sets itself up, drops privileges and serves the control
// socket.
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <getopt.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "boot/boot.h"
#include "common/caps.h"
#include "common/common.h"
#include "common/syscalls.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/sentry.h"
#include "specutils/specutils.h"

#define BOOT_SPEC_MAX (16u << 20)

/*
 * The capabilities the sandbox keeps; every other one leaves the effective,
 * permitted, inheritable, ambient and bounding sets.
 *
 * - Tracing the stubs needs none: the stub factory (forked after this drop)
 *   creates them with our uid and capability sets no larger than ours, which
 *   is what ptrace_may_access asks of a tracer without CAP_SYS_PTRACE. (Yama
 *   ptrace_scope 1 would also want them to be our descendants: they are,
 *   through the factory.)
 * - Nothing on the host is opened by path (the gofer does that), app
 *   credentials and hostnames are the sentry's own: no DAC_*, SETUID,
 *   SETGID, SYS_ADMIN, CHOWN, FOWNER.
 * - Phase-1 networking serves the app's inet sockets with host sockets the
 *   sentry opens in the pod's netns: an app running as root may bind a port
 *   below 1024 (CAP_NET_BIND_SERVICE) and open raw/packet sockets for ping
 *   and, in phase 2, the user-space stack (CAP_NET_RAW). The sentry checks
 *   the app's own capability set before using either.
 */
static const int g_kept_caps[] = { CAP_NET_BIND_SERVICE, CAP_NET_RAW };

struct boot_options {
    int spec_fd, control_fd, sync_fd, log_fd;
    const char *id;
    enum rt_log_format log_format;
    bool debug;
    const char *platform; /* the sentry's platform; NULL: ptrace */
    bool strace;          /* every app syscall to the log */
    bool no_overlay;      /* --overlay=none: container roots are written through the gofer */
};

static int parse_fd(const char *flag, const char *s, int *out, rt_error_t *err)
{
    if (!rt_parse_fd(s, 0, out))
        return rt_make_error(err, EINVAL, "boot: %s: `%s` is not a descriptor", flag, s);
    return 0;
}

static int parse_args(int argc, char **argv, struct boot_options *o, rt_error_t *err)
{
    enum {
        OPT_SPEC = 1,
        OPT_CONTROL,
        OPT_SYNC,
        OPT_LOG,
        OPT_LOG_FORMAT,
        OPT_ID,
        OPT_DEBUG,
        OPT_PLATFORM,
        OPT_STRACE,
        OPT_OVERLAY,
    };
    static const struct option opts[] = {
        { "spec-fd", required_argument, NULL, OPT_SPEC },
        { "control-fd", required_argument, NULL, OPT_CONTROL },
        { "sync-fd", required_argument, NULL, OPT_SYNC },
        { "log-fd", required_argument, NULL, OPT_LOG },
        { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
        { "id", required_argument, NULL, OPT_ID },
        { "debug", no_argument, NULL, OPT_DEBUG },
        { "platform", required_argument, NULL, OPT_PLATFORM },
        { "strace", no_argument, NULL, OPT_STRACE },
        { "overlay", required_argument, NULL, OPT_OVERLAY },
        { NULL, 0, NULL, 0 },
    };
    int c;

    *o = (struct boot_options){ -1, -1, -1, -1, NULL, RT_LOG_FORMAT_TEXT, false, NULL, false };
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        int ret = 0;

        switch (c) {
        case OPT_SPEC:
            ret = parse_fd("--spec-fd", optarg, &o->spec_fd, err);
            break;
        case OPT_CONTROL:
            ret = parse_fd("--control-fd", optarg, &o->control_fd, err);
            break;
        case OPT_SYNC:
            ret = parse_fd("--sync-fd", optarg, &o->sync_fd, err);
            break;
        case OPT_LOG:
            ret = parse_fd("--log-fd", optarg, &o->log_fd, err);
            break;
        case OPT_LOG_FORMAT:
            if (!rt_log_parse_format(optarg, &o->log_format))
                ret = rt_make_error(err, EINVAL, "boot: unknown log format `%s`", optarg);
            break;
        case OPT_ID:
            o->id = optarg;
            break;
        case OPT_DEBUG:
            o->debug = true;
            break;
        case OPT_PLATFORM:
            o->platform = optarg;
            break;
        case OPT_STRACE:
            o->strace = true;
            break;
        case OPT_OVERLAY:
            if (strcmp(optarg, "none") != 0)
                ret = rt_make_error(err, EINVAL, "boot: --overlay=%s (only `none`)", optarg);
            o->no_overlay = true;
            break;
        default:
            return rt_make_error(err, EINVAL, "boot: unknown option `%s`", argv[optind - 1]);
        }
        if (ret < 0)
            return ret;
    }
    if (optind != argc)
        return rt_make_error(err, EINVAL, "boot: unexpected argument `%s`", argv[optind]);
    if (o->spec_fd < 3 || o->control_fd < 3 || o->sync_fd < 3)
        return rt_make_error(err, EINVAL,
                             "boot: --spec-fd, --control-fd and --sync-fd are required (>= 3)");
    return control_id_validate("boot: --id", o->id, err);
}

/* Makes every mount private, then pivots into an empty tmpfs and remounts it read-only. */
static int enter_empty_root(rt_error_t *err)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return rt_make_error(err, errno, "making mounts private");
    /*
     * /proc exists on every host and nothing here needs it after this point:
     * the tmpfs covers it (in our own mount namespace only) and becomes the
     * root. pivot_root(".", ".") stacks the old root on the new one, and the
     * detach removes it, which leaves no path to a host directory.
     */
    if (mount("runsc-root", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=0555,size=4k,nr_inodes=4") < 0)
        return rt_make_error(err, errno, "mounting the empty root tmpfs");
    if (chdir("/proc") < 0)
        return rt_make_error(err, errno, "chdir to the new root");
    if (rt_sys_pivot_root(".", ".") < 0)
        return rt_make_error(err, errno, "pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        return rt_make_error(err, errno, "detaching the old root");
    if (chdir("/") < 0)
        return rt_make_error(err, errno, "chdir /");
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) < 0)
        return rt_make_error(err, errno, "remounting the root read-only");
    return 0;
}

static int drop_capabilities(rt_error_t *err)
{
    return rt_caps_keep_only(g_kept_caps, ARRAY_SIZE(g_kept_caps), err);
}

/*
 * Brings the loopback interface of our network namespace up: a new one starts
 * with it down, and containers expect 127.0.0.1 to work (runc leaves that to
 * the caller; Docker and CNI do it, a bare bundle has nobody to). Nothing to
 * do where it is already up (the host's, or a CNI namespace).
 */
static int loopback_up(rt_error_t *err)
{
    cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = { 0 };

    if (s < 0)
        return rt_make_error(err, errno, "socket");
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return rt_make_error(err, errno, "SIOCGIFFLAGS lo");
    if (ifr.ifr_flags & IFF_UP)
        return 0;
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        return rt_make_error(err, errno, "SIOCSIFFLAGS lo");
    return 0;
}

static int shutdown_handler(void *ctx, rt_error_t *err)
{
    log_info("sandbox %s: shutdown requested", (const char *)ctx);
    return 0;
}

/* Everything up to "ready", in order: this list is the sandbox's security story. */
static int boot_setup(const struct boot_options *o, struct spec **spec, struct sentry **sentry,
                      rt_error_t *err)
{
    struct sentry_opts sopts = { 0 };
    cleanup_free char *json = NULL;
    size_t len = 0;
    int keep[4] = { o->spec_fd, o->control_fd, o->sync_fd, o->log_fd };

    /* 1. Nothing inherited beyond the named descriptors (and stdio, /dev/null). */
    if (rt_close_fds_except(keep, ARRAY_SIZE(keep)) < 0)
        return rt_make_error(err, errno, "closing inherited descriptors");
    /* 2. The log, while /proc can still turn the fd into a file of our own. */
    if (o->log_fd >= 0) {
        char path[64];

        snprintf(path, sizeof(path), "/proc/self/fd/%d", o->log_fd);
        if (rt_log_init(path, o->log_format, o->debug ? RT_LOG_DEBUG : RT_LOG_INFO, err) < 0)
            return -1;
        close(o->log_fd);
    }
    rt_log_set_ident("runsc-c boot");
    /*
     * Log timestamps go through strftime, which reads /etc/localtime the
     * first time: do it now, while the file is reachable and open is allowed.
     */
    tzset();
    /* 3. We are pid 1 of a new pid namespace: sandbox_start cloned us with CLONE_NEWPID. */
    if (getpid() != 1)
        return rt_make_error(err, EINVAL,
                             "boot: not pid 1 of a new pid namespace (started by hand?)");
    /* 4. The spec, as validated by the runtime that started us. */
    if (rt_read_fd_all(o->spec_fd, BOOT_SPEC_MAX, &json, &len, err) < 0)
        return rt_error_wrap(err, "reading the spec");
    close(o->spec_fd);
    if (specutils_parse(json, len, spec, err) < 0)
        return rt_error_wrap(err, "parsing the spec");
    /*
     * 5. The sentry's kernel and platform, while /proc still shows our own
     *    maps: the ptrace platform finds the vDSO there, which every stub
     *    keeps at the same address.
     */
    sopts.hostname = (*spec)->hostname;
    sopts.platform = o->platform;
    sopts.strace = o->strace;
    if (sentry_new(&sopts, sentry, err) < 0)
        return rt_error_wrap(err, "starting the sentry");
    /* 5b. The network namespace's loopback is up (a new one starts down). */
    if (loopback_up(err) < 0)
        return rt_error_wrap(err, "bringing up the loopback interface");
    /*
     * 5c. The namespace's counters for /proc/net/snmp and netstat: files kept
     *     open (the filter allows no open); missing ones leave those absent.
     */
    procfs_set_net_counters(open("/proc/self/net/snmp", O_RDONLY | O_CLOEXEC),
                            open("/proc/self/net/netstat", O_RDONLY | O_CLOEXEC));
    /* 6. An empty, read-only root: no host path is reachable from here on. */
    if (enter_empty_root(err) < 0)
        return rt_error_wrap(err, "entering the empty root");
    /* 7. Privileges drop: the capabilities go, and no exec may ever gain new ones. */
    if (drop_capabilities(err) < 0)
        return rt_error_wrap(err, "dropping capabilities");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return rt_make_error(err, errno, "setting no_new_privs");
    /*
     * 8. The ptrace stub factory: forked now, so that it and its stubs hold
     *    exactly our (dropped) capabilities and we may trace them, and before
     *    the seccomp filter, which forbids fork and executable mappings. It
     *    dies with this thread, its stubs with it.
     */
    if (sentry_prepare_filter(*sentry, err) < 0)
        return rt_error_wrap(err, "preparing the sentry");
    return 0;
}

static int boot_run(const struct boot_options *o, rt_error_t *err)
{
    struct spec *spec = NULL;
    struct sentry *sentry = NULL;
    struct control_server *srv = NULL;
    struct control_handlers handlers = {
        .ctx = (void *)o->id, .shutdown = shutdown_handler,
        /* The container handlers come from boot/containers.c; the rest answer ENOSYS. */
    };
    struct control_server_config cfg = {
        .listen_fd = o->control_fd,
        .owner_uid = geteuid(),
        .handlers = &handlers,
    };
    bool ready = false;
    int ret = -1;

    boot_containers_handlers(&handlers);
    /*
     * App output may outlive its reader: a write to a closed pipe is EPIPE
     * for the sentry to turn into the app's SIGPIPE, never our death.
     */
    signal(SIGPIPE, SIG_IGN);
    if (boot_setup(o, &spec, &sentry, err) < 0)
        goto out;
    boot_containers_set_sentry(sentry);
    boot_containers_set_no_overlay(o->no_overlay);
    /* 9. The control server's own resources (eventfd, memory) before the filter. */
    if (control_server_new(&cfg, &srv, err) < 0)
        goto out;
    /* 10. The seccomp allowlist (boot/filter.c): the last step before serving. */
    if (boot_filter_install(o->debug, err) < 0)
        goto out;
    /* 11. Ready: the parent's `create` may return. */
    if (rt_sync_ready(o->sync_fd, err) < 0)
        goto out;
    ready = true;
    close(o->sync_fd);
    log_debug("sandbox %s: serving the control socket", o->id);
    /* 12. Serve until a Shutdown request is answered. */
    ret = control_server_run(srv, err);
out:
    if (ret < 0 && !ready) {
        rt_sync_fail(o->sync_fd, *err);
    }
    /*
     * After shutdown, threads may still be blocked in Waits: exiting ends
     * them (and, as pid 1, everything in the sandbox), so neither the server
     * nor the sentry is freed here.
     */
    (void)srv;
    (void)sentry;
    specutils_free(spec);
    return ret;
}

int boot_main(int argc, char **argv, rt_error_t *err)
{
    struct boot_options o;

    if (parse_args(argc, argv, &o, err) < 0)
        return -1;
    return boot_run(&o, err);
}
