/* SPDX-License-Identifier: Apache-2.0 */
/* procfs: /proc/<pid> and /proc/<pid>/task/<tid>: stat, status, fd/, maps, mounts ... */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/anon/inotify.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/fs/proc/proc_internal.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

/* What the files of one process show, copied under k->mu. */
struct proc_snap {
    int pid, tid, ppid, pgid, sid, nr_tasks, exit_signal;
    char comm[16];
    char state;
    unsigned int umask;
    uint64_t sigmask, pending, shpending, ignored, caught;
    struct rlimit rlimits[RLIM_NLIMITS];
    uint64_t cpu_ns;
    struct fd_table *fdt; /* a reference, or NULL */
    struct vfs_fs *fs;    /* a reference, or NULL */
    struct mm *mm;        /* Not owned: only used while `k->mu` was held (see snap_vmas) */
    bool no_new_privs;
    struct kernel_cred cred;
};

static void snap_put(struct proc_snap *s)
{
    if (s->fdt != NULL)
        put_fd_table(s->fdt);
    if (s->fs != NULL)
        put_vfs_fs(s->fs);
}

/* The task `c` names: the thread, or the process's leader (or any of its tasks). Needs k->mu. */
static struct task *task_of_locked(struct thread_group *tg, int tid)
{
    struct klist *pos;

    if (tid == 0 && tg->leader != NULL && !tg->leader->exited)
        return tg->leader;
    klist_for_each(pos, &tg->tasks)
    {
        struct task *o = klist_entry(pos, struct task, tg_node);

        if (tid == 0 || kernel_pid_vnr_locked(o->k, o->tid) == tid)
            return o;
    }
    return NULL;
}

/* Copies the state of the process (and task) `c` names. Returns 0 or -ENOENT. */
static long snap_get(const struct kfs_ctx *c, struct proc_snap *s, struct mm_vma **vmas, size_t *nr)
{
    struct kernel *k = proc_kernel();
    struct thread_group *tg;
    struct task *t;

    memset(s, 0, sizeof(*s));
    if (vmas != NULL) {
        *vmas = NULL;
        *nr = 0;
    }
    if (k == NULL)
        return -ENOENT;
    pthread_mutex_lock(&k->mu);
    tg = kernel_find_tg_locked(k, c->pid);
    if (tg == NULL || (c->tid != 0 && kernel_find_task_locked(k, c->tid) == NULL)) {
        pthread_mutex_unlock(&k->mu);
        return -ENOENT;
    }
    t = task_of_locked(tg, c->tid);
    /* c->pid and c->tid, and what is shown, are the reader's pid namespace's numbers. */
    s->pid = kernel_pid_vnr_locked(k, tg->pid);
    s->tid = t != NULL ? kernel_pid_vnr_locked(k, t->tid) : s->pid;
    s->ppid = tg->parent != NULL ? kernel_pid_vnr_locked(k, tg->parent->pid) : 0;
    s->pgid = kernel_pid_vnr_locked(k, tg->pgid);
    s->sid = kernel_pid_vnr_locked(k, tg->sid);
    s->nr_tasks = tg->nr_tasks;
    s->exit_signal = tg->exit_signal;
    s->umask = tg->umask;
    s->shpending = tg->pending.mask;
    memcpy(s->rlimits, tg->rlimits, sizeof(s->rlimits));
    s->cpu_ns = tg->cpu_ns;
    for (int i = 0; i < KERNEL_NSIG; i++) {
        if (tg->actions[i].handler == (uint64_t)(uintptr_t)SIG_IGN)
            s->ignored |= 1ULL << i;
        else if (tg->actions[i].handler != (uint64_t)(uintptr_t)SIG_DFL)
            s->caught |= 1ULL << i;
    }
    if (tg->zombie)
        s->state = 'Z';
    else if (tg->stopped)
        s->state = 'T';
    else if (t != NULL && t != g_kernel_current_task &&
             !__atomic_load_n(&t->in_app, __ATOMIC_RELAXED) &&
             __atomic_load_n(&t->sleeping, __ATOMIC_RELAXED))
        s->state = 'S'; /* in one of the sentry's blocking waits */
    else
        s->state = 'R'; /* the reader, app code, or a syscall being served */
    if (t != NULL) {
        memcpy(s->comm, t->comm, sizeof(s->comm));
        s->comm[sizeof(s->comm) - 1] = '\0';
        s->sigmask = t->sigmask;
        s->pending = t->pending.mask;
        s->no_new_privs = t->no_new_privs;
        s->cred = t->cred;
        if (t->fdt != NULL)
            s->fdt = get_fd_table(t->fdt);
        if (t->fs != NULL)
            s->fs = get_vfs_fs(t->fs);
        s->mm = t->mm;
        if (vmas != NULL && t->mm != NULL) {
            pthread_mutex_lock(&t->mm->mu);
            *vmas = calloc(t->mm->nr + 1, sizeof(**vmas));
            if (*vmas != NULL) {
                memcpy(*vmas, t->mm->vmas, t->mm->nr * sizeof(**vmas));
                *nr = t->mm->nr;
            }
            pthread_mutex_unlock(&t->mm->mu);
        }
    }
    pthread_mutex_unlock(&k->mu);
    return 0;
}

static uint64_t vm_pages(const struct mm_vma *v, size_t nr, int need_prot, bool reserved)
{
    uint64_t pages = 0;

    for (size_t i = 0; i < nr; i++) {
        if (v[i].reserved != reserved && !reserved)
            continue;
        if ((v[i].prot & need_prot) == need_prot)
            pages += (v[i].end - v[i].start) / 4096;
    }
    return pages;
}

static long show_stat(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    struct mm_vma *v;
    size_t nr;
    long ret = snap_get(c, &s, &v, &nr);
    uint64_t vsize;
    uintptr_t start_stack = 0, start_brk = 0, brk = 0;

    if (ret < 0)
        return ret;
    vsize = vm_pages(v, nr, 0, false) * 4096;
    if (s.mm != NULL) {
        start_stack = s.mm->stack_top;
        start_brk = s.mm->brk_start;
        brk = s.mm->brk;
    }
    fprintf(out,
            "%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 %lu 0 0 0 20 0 %d 0 0 %lu %lu "
            "18446744073709551615 0 0 %lu 0 0 %lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 %lu %lu %lu "
            "0 0 0 0 0\n",
            s.pid == s.tid || c->tid == 0 ? s.pid : s.tid, s.comm, s.state, s.ppid, s.pgid, s.sid,
            (unsigned long)(s.cpu_ns / 10000000ULL), s.nr_tasks, (unsigned long)vsize,
            (unsigned long)(vsize / 4096), (unsigned long)start_stack,
            (unsigned long)(s.pending | s.shpending), (unsigned long)s.sigmask,
            (unsigned long)s.ignored, (unsigned long)s.caught, s.exit_signal,
            (unsigned long)start_brk, (unsigned long)start_brk, (unsigned long)brk);
    free(v);
    snap_put(&s);
    return 0;
}

static const char *state_name(char st)
{
    switch (st) {
    case 'R':
        return "R (running)";
    case 'Z':
        return "Z (zombie)";
    case 'T':
        return "T (stopped)";
    default:
        return "S (sleeping)";
    }
}

/*
 * VmLck of the process `c` names when it is the reader's own (kernel_mlocked_bytes
 * takes k->mu, so it runs with no procfs lock held, on the reader's task, which
 * cannot go away meanwhile); 0 for another process, whose task could.
 */
static uint64_t self_mlocked_kb(const struct kfs_ctx *c)
{
    struct task *self = g_kernel_current_task;
    struct kernel *k = proc_kernel();
    bool mine;

    if (self == NULL || k == NULL)
        return 0;
    pthread_mutex_lock(&k->mu);
    mine = self->tg != NULL && kernel_find_tg_locked(k, c->pid) == self->tg;
    pthread_mutex_unlock(&k->mu);
    return mine ? kernel_mlocked_bytes(self) / 1024 : 0;
}

static long show_status(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    struct mm_vma *v;
    size_t nr;
    long ret = snap_get(c, &s, &v, &nr);
    uint64_t vm_kb, exec_kb, data_kb, lck_kb = 0;
    char groups[KERNEL_NGROUPS_MAX * 11 + 1];
    size_t glen = 0;

    if (ret < 0)
        return ret;
    lck_kb = self_mlocked_kb(c);
    groups[0] = '\0';
    for (uint32_t i = 0; i < s.cred.ngroups; i++)
        glen += (size_t)snprintf(groups + glen, sizeof(groups) - glen, "%s%u", i ? " " : "",
                                 s.cred.groups[i]);
    vm_kb = vm_pages(v, nr, 0, false) * 4;
    exec_kb = vm_pages(v, nr, PROT_EXEC, false) * 4;
    data_kb = vm_pages(v, nr, PROT_WRITE, false) * 4;
    fprintf(out,
            "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
            "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t%s \n"
            "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmHWM:\t%8lu kB\n"
            "VmRSS:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8d kB\nVmExe:\t%8lu kB\n"
            "Threads:\t%d\nSigQ:\t0/%lu\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n"
            "SigIgn:\t%016lx\nSigCgt:\t%016lx\nCapInh:\t%016lx\n"
            "CapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\n"
            "CapAmb:\t%016lx\nNoNewPrivs:\t%d\nSeccomp:\t0\n"
            "Cpus_allowed_list:\t0-%u\nvoluntary_ctxt_switches:\t0\n"
            "nonvoluntary_ctxt_switches:\t0\n",
            s.comm, s.umask, state_name(s.state), s.pid, c->tid != 0 ? s.tid : s.pid, s.ppid,
            s.cred.uid, s.cred.euid, s.cred.suid, s.cred.fsuid, s.cred.gid, s.cred.egid,
            s.cred.sgid, s.cred.fsgid,
            s.fdt != NULL ? ((fd_table_max_fd(s.fdt) + 63) / 64) * 64 : 0, groups,
            (unsigned long)vm_kb, (unsigned long)vm_kb, (unsigned long)lck_kb, (unsigned long)vm_kb,
            (unsigned long)vm_kb, (unsigned long)data_kb, 132, (unsigned long)exec_kb, s.nr_tasks,
            (unsigned long)s.rlimits[RLIMIT_SIGPENDING].rlim_cur, (unsigned long)s.pending,
            (unsigned long)s.shpending, (unsigned long)s.sigmask, (unsigned long)s.ignored,
            (unsigned long)s.caught, (unsigned long)s.cred.cap_inheritable,
            (unsigned long)s.cred.cap_permitted, (unsigned long)s.cred.cap_effective,
            (unsigned long)s.cred.cap_bounding, (unsigned long)s.cred.cap_ambient,
            s.no_new_privs ? 1 : 0,
            proc_kernel() != NULL && proc_kernel()->nr_cpus > 0 ? proc_kernel()->nr_cpus - 1 : 0);
    free(v);
    snap_put(&s);
    return 0;
}

static long show_statm(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    struct mm_vma *v;
    size_t nr;
    long ret = snap_get(c, &s, &v, &nr);
    uint64_t size;

    if (ret < 0)
        return ret;
    size = vm_pages(v, nr, 0, false);
    fprintf(out, "%lu %lu 0 %lu 0 %lu 0\n", (unsigned long)size, (unsigned long)size,
            (unsigned long)vm_pages(v, nr, PROT_EXEC, false),
            (unsigned long)vm_pages(v, nr, PROT_WRITE, false));
    free(v);
    snap_put(&s);
    return 0;
}

static long show_comm(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    long ret = snap_get(c, &s, NULL, NULL);

    if (ret < 0)
        return ret;
    fprintf(out, "%s\n", s.comm);
    snap_put(&s);
    return 0;
}

static long show_maps(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    struct mm_vma *v;
    size_t nr;
    long ret = snap_get(c, &s, &v, &nr);

    if (ret < 0)
        return ret;
    for (size_t i = 0; i < nr; i++) {
        const char *name = v[i].name;

        if (v[i].reserved && name == NULL)
            continue;
        fprintf(out, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu", (unsigned long)v[i].start,
                (unsigned long)v[i].end, (v[i].prot & PROT_READ) ? 'r' : '-',
                (v[i].prot & PROT_WRITE) ? 'w' : '-', (v[i].prot & PROT_EXEC) ? 'x' : '-',
                (v[i].flags & MAP_SHARED) ? 's' : 'p',
                (unsigned long)(v[i].file ? v[i].file_off : 0),
                v[i].file ? (unsigned int)((v[i].file_dev >> 8) & 0xfff) : 0,
                v[i].file ? (unsigned int)(v[i].file_dev & 0xff) : 0,
                (unsigned long)(v[i].file ? v[i].file_ino : 0));
        if (name != NULL)
            fprintf(out, "%*s%s", 25, "", name);
        fputc('\n', out);
    }
    free(v);
    snap_put(&s);
    return 0;
}

static const char *const g_limit_names[RLIM_NLIMITS] = {
    [RLIMIT_CPU] = "Max cpu time",
    [RLIMIT_FSIZE] = "Max file size",
    [RLIMIT_DATA] = "Max data size",
    [RLIMIT_STACK] = "Max stack size",
    [RLIMIT_CORE] = "Max core file size",
    [RLIMIT_RSS] = "Max resident set",
    [RLIMIT_NPROC] = "Max processes",
    [RLIMIT_NOFILE] = "Max open files",
    [RLIMIT_MEMLOCK] = "Max locked memory",
    [RLIMIT_AS] = "Max address space",
    [RLIMIT_LOCKS] = "Max file locks",
    [RLIMIT_SIGPENDING] = "Max pending signals",
    [RLIMIT_MSGQUEUE] = "Max msgqueue size",
    [RLIMIT_NICE] = "Max nice priority",
    [RLIMIT_RTPRIO] = "Max realtime priority",
    [RLIMIT_RTTIME] = "Max realtime timeout",
};
static const char *const g_limit_units[RLIM_NLIMITS] = {
    [RLIMIT_CPU] = "seconds",     [RLIMIT_FSIZE] = "bytes",  [RLIMIT_DATA] = "bytes",
    [RLIMIT_STACK] = "bytes",     [RLIMIT_CORE] = "bytes",   [RLIMIT_RSS] = "bytes",
    [RLIMIT_NPROC] = "processes", [RLIMIT_NOFILE] = "files", [RLIMIT_MEMLOCK] = "bytes",
    [RLIMIT_AS] = "bytes",        [RLIMIT_LOCKS] = "locks",  [RLIMIT_SIGPENDING] = "signals",
    [RLIMIT_MSGQUEUE] = "bytes",  [RLIMIT_NICE] = "",        [RLIMIT_RTPRIO] = "",
    [RLIMIT_RTTIME] = "us",
};

static void limit_out(FILE *out, rlim_t v)
{
    if (v == RLIM_INFINITY)
        fprintf(out, "%-21s", "unlimited");
    else
        fprintf(out, "%-21lu", (unsigned long)v);
}

static long show_limits(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    long ret = snap_get(c, &s, NULL, NULL);

    if (ret < 0)
        return ret;
    fprintf(out, "%-26s%-21s%-21s%-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (int i = 0; i < RLIM_NLIMITS; i++) {
        fprintf(out, "%-26s", g_limit_names[i]);
        limit_out(out, s.rlimits[i].rlim_cur);
        limit_out(out, s.rlimits[i].rlim_max);
        fprintf(out, "%-10s\n", g_limit_units[i]);
    }
    snap_put(&s);
    return 0;
}

static long show_cgroup(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    fprintf(out, "0::/\n");
    return 0;
}

static const char *mnt_opts(const struct mount *m)
{
    return (m->flags & VFS_MNT_RDONLY) ? "ro" : "rw";
}

/* The mounts of `ns` oldest first (the namespace lists them newest first). Free the array. */
static size_t mounts_in_order(struct mount_ns *ns, struct mount ***out)
{
    size_t n = 0, i;

    for (struct mount *m = ns->list; m != NULL; m = m->next)
        n++;
    *out = calloc(n + 1, sizeof(**out));
    if (*out == NULL)
        return 0;
    i = n;
    for (struct mount *m = ns->list; m != NULL; m = m->next)
        (*out)[--i] = m;
    return n;
}

static long show_mounts(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    long ret = snap_get(c, &s, NULL, NULL);

    if (ret < 0)
        return ret;
    if (s.fs != NULL) {
        struct mount **ms;
        size_t n = mounts_in_order(s.fs->ns, &ms);

        for (size_t i = 0; i < n; i++) {
            struct mount *m = ms[i];
            struct vfs_path p = { .mnt = m->parent != NULL ? m->parent : m,
                                  .d = m->parent != NULL ? m->mountpoint : m->root };
            char path[4096];

            if (vfs_path_name(&s.fs->root, &p, path, sizeof(path)) < 0)
                continue;
            fprintf(out, "%s %s %s %s%s%s%s 0 0\n", m->sb->fs_name, path, m->sb->fs_name,
                    mnt_opts(m), (m->flags & VFS_MNT_NOSUID) ? ",nosuid" : "",
                    (m->flags & VFS_MNT_NODEV) ? ",nodev" : "",
                    (m->flags & VFS_MNT_NOEXEC) ? ",noexec" : "");
        }
        free(ms);
    }
    snap_put(&s);
    return 0;
}

static long show_mountinfo(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    long ret = snap_get(c, &s, NULL, NULL);
    int id = 1;

    if (ret < 0)
        return ret;
    if (s.fs != NULL) {
        struct mount **ms;
        size_t n = mounts_in_order(s.fs->ns, &ms);

        for (size_t mi = 0; mi < n; mi++, id++) {
            struct mount *m = ms[mi];
            struct vfs_path p = { .mnt = m->parent != NULL ? m->parent : m,
                                  .d = m->parent != NULL ? m->mountpoint : m->root };
            char path[4096];
            int parent_id = 1;

            if (vfs_path_name(&s.fs->root, &p, path, sizeof(path)) < 0)
                continue;
            if (m->parent != NULL) {
                for (size_t o = 0; o < n; o++) {
                    if (ms[o] == m->parent)
                        parent_id = (int)o + 1;
                }
            }
            fprintf(out, "%d %d %u:%u / %s %s - %s %s %s\n", id, parent_id,
                    (unsigned int)(m->sb->dev >> 8), (unsigned int)(m->sb->dev & 0xff), path,
                    mnt_opts(m), m->sb->fs_name, m->sb->fs_name, mnt_opts(m));
        }
        free(ms);
    }
    snap_put(&s);
    return 0;
}

/* ---- cmdline, environ, exe: from the initial stack ---- */

enum stack_part { PART_ARGS, PART_ENV, PART_EXECFN, PART_AUXV };

/* Copies a part of the initial stack of process `c` into `out` (malloc'd, `*len` bytes). */
static long read_stack_part(const struct kfs_ctx *c, enum stack_part part, char **out, size_t *len)
{
    struct kernel *k = proc_kernel();
    struct thread_group *tg;
    struct task *t;
    struct proc_layout l;
    uintptr_t start = 0, end = 0;
    long ret = -ENOENT;

    *out = NULL;
    *len = 0;
    if (k == NULL)
        return -ENOENT;
    /* k->mu keeps the task, and so its mm, alive while its memory is read. */
    pthread_mutex_lock(&k->mu);
    tg = kernel_find_tg_locked(k, c->pid);
    t = tg != NULL ? task_of_locked(tg, c->tid) : NULL;
    if (t == NULL || t->mm == NULL) {
        /* A zombie: Linux shows empty files. */
        ret = tg != NULL ? 0 : -ENOENT;
        goto out;
    }
    ret = proc_stack_layout(t->mm, &l);
    if (ret < 0)
        goto out;
    if (part == PART_ARGS) {
        start = l.arg_start;
        end = l.arg_end;
    } else if (part == PART_ENV) {
        start = l.env_start;
        end = l.env_end;
    } else if (part == PART_AUXV) {
        start = l.auxv_start;
        end = l.auxv_end;
    } else {
        start = l.execfn;
        end = l.execfn + 4096;
    }
    *out = calloc(1, end - start + 1);
    if (*out == NULL) {
        ret = -ENOMEM;
        goto out;
    }
    ret = mm_copy_in_partial(t->mm, *out, start, end - start);
    if (ret > 0) {
        *len = (size_t)ret;
        ret = 0;
    } else {
        ret = 0;
    }
out:
    pthread_mutex_unlock(&k->mu);
    return ret;
}

static long show_stack_part(const struct kfs_ctx *c, FILE *out, enum stack_part part)
{
    char *buf;
    size_t len;
    long ret = read_stack_part(c, part, &buf, &len);

    if (ret < 0)
        return ret;
    if (len > 0)
        fwrite(buf, 1, len, out);
    free(buf);
    return 0;
}

static long show_cmdline(const struct kfs_ctx *c, FILE *out)
{
    return show_stack_part(c, out, PART_ARGS);
}

static long show_environ(const struct kfs_ctx *c, FILE *out)
{
    return show_stack_part(c, out, PART_ENV);
}

static long show_auxv(const struct kfs_ctx *c, FILE *out)
{
    return show_stack_part(c, out, PART_AUXV);
}

static long link_cwd(const struct kfs_ctx *c, char *buf, size_t size);

/* The exec file name, made absolute against the process's cwd when it was relative. */
static long link_exe(const struct kfs_ctx *c, char *buf, size_t size)
{
    char *name;
    size_t len;
    long ret = read_stack_part(c, PART_EXECFN, &name, &len);

    if (ret < 0)
        return ret;
    if (name == NULL || name[0] == '\0') {
        free(name);
        return -ENOENT;
    }
    if (name[0] == '/') {
        snprintf(buf, size, "%s", name);
    } else {
        char cwd[4096];

        ret = link_cwd(c, cwd, sizeof(cwd));
        if (ret == 0)
            snprintf(buf, size, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
                     strncmp(name, "./", 2) == 0 ? name + 2 : name);
    }
    free(name);
    return ret;
}

/* ---- links ---- */

static long path_link(const struct kfs_ctx *c, char *buf, size_t size, bool root)
{
    struct proc_snap s;
    long ret = snap_get(c, &s, NULL, NULL);

    if (ret < 0)
        return ret;
    if (s.fs == NULL)
        ret = -ENOENT;
    else
        ret = vfs_path_name(&s.fs->root, root ? &s.fs->root : &s.fs->cwd, buf, size);
    snap_put(&s);
    return ret < 0 ? ret : 0;
}

static long link_cwd(const struct kfs_ctx *c, char *buf, size_t size)
{
    return path_link(c, buf, size, false);
}

static long link_root(const struct kfs_ctx *c, char *buf, size_t size)
{
    return path_link(c, buf, size, true);
}

/* The fd `c->fd` of the process: a new reference, or NULL. `root` gets the fs root. */
static struct file *fd_of(const struct kfs_ctx *c, struct proc_snap *s)
{
    struct file *f;

    if (snap_get(c, s, NULL, NULL) < 0)
        return NULL;
    f = s->fdt != NULL ? fd_table_get(s->fdt, c->fd) : NULL;
    if (f == NULL)
        snap_put(s);
    return f;
}

static long link_fd(const struct kfs_ctx *c, char *buf, size_t size)
{
    struct proc_snap s;
    struct file *f = fd_of(c, &s);
    struct stat st;
    long ret = 0;

    if (f == NULL)
        return -ENOENT;
    if (f->dentry != NULL && f->mnt != NULL && s.fs != NULL) {
        struct vfs_path p = { .mnt = f->mnt, .d = f->dentry };

        ret = vfs_path_name(&s.fs->root, &p, buf, size);
        if (ret >= 0 && f->dentry->dead && (size_t)ret + 11 < size)
            strcat(buf, " (deleted)");
    } else if (strncmp(f->ops->name, "anon_inode:", 11) == 0) {
        snprintf(buf, size, "%s", f->ops->name);
    } else if (f->ops->fstat != NULL && f->ops->fstat(f, &st) == 0 && S_ISFIFO(st.st_mode)) {
        snprintf(buf, size, "pipe:[%lu]", (unsigned long)st.st_ino);
    } else if (f->ops->fstat != NULL && f->ops->fstat(f, &st) == 0 && S_ISSOCK(st.st_mode)) {
        snprintf(buf, size, "socket:[%lu]", (unsigned long)st.st_ino);
    } else {
        snprintf(buf, size, "anon_inode:[%s]", f->ops->name);
    }
    put_file(f);
    snap_put(&s);
    return ret < 0 ? ret : 0;
}

/* Following /proc/<pid>/fd/N: the open file itself (Linux's proc_fd_link). */
static long link_fd_file(const struct kfs_ctx *c, struct file **out)
{
    struct proc_snap s;
    struct file *f = fd_of(c, &s);

    if (f == NULL)
        return -ENOENT;
    snap_put(&s);
    *out = f;
    return 0;
}

static long show_fdinfo(const struct kfs_ctx *c, FILE *out)
{
    struct proc_snap s;
    struct file *f = fd_of(c, &s);
    struct inode *ino;
    long cloexec;

    if (f == NULL)
        return -ENOENT;
    cloexec = fd_table_get_cloexec(s.fdt, c->fd);
    ino = file_inode(f);
    fprintf(out, "pos:\t%lld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", (long long)f->pos,
            f->flags | (cloexec > 0 ? O_CLOEXEC : 0), 1,
            (unsigned long)(ino != NULL ? ino->st.st_ino : 0));
    anon_file_fdinfo(f, out);
    if (is_inotify_file(f))
        inotify_file_fdinfo(f, out);
    put_file(f);
    snap_put(&s);
    return 0;
}

/* ---- fd/, fdinfo/, task/ ---- */

static const struct kfs_entry g_fd_link = {
    .name = "", .mode = S_IFLNK | 0700, .link = link_fd, .link_file = link_fd_file
};
static const struct kfs_entry g_fdinfo_file = { .name = "",
                                                .mode = S_IFREG | 0444,
                                                .show = show_fdinfo };

static long fd_list(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg, unsigned int type)
{
    struct proc_snap s;
    long ret = snap_get(c, &s, NULL, NULL);
    int max;

    if (ret < 0)
        return ret;
    max = s.fdt != NULL ? fd_table_max_fd(s.fdt) : 0;
    for (int fd = 0; fd < max; fd++) {
        struct file *f = fd_table_get(s.fdt, fd);
        char name[16];

        if (f == NULL)
            continue;
        put_file(f);
        snprintf(name, sizeof(name), "%d", fd);
        if (!emit(arg, name, type))
            break;
    }
    snap_put(&s);
    return 0;
}

static long fd_dir_list(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg)
{
    return fd_list(c, emit, arg, 10 /* DT_LNK */);
}

static long fdinfo_dir_list(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg)
{
    return fd_list(c, emit, arg, 8 /* DT_REG */);
}

static long fd_lookup_common(const struct kfs_ctx *c, const char *name, struct kfs_ctx *child)
{
    struct proc_snap s;
    struct file *f;
    char *end;
    long fd = strtol(name, &end, 10);

    if (*name == '\0' || *end != '\0' || fd < 0 || fd > INT32_MAX)
        return -ENOENT;
    *child = *c;
    child->fd = (int)fd;
    f = fd_of(child, &s);
    if (f == NULL)
        return -ENOENT;
    put_file(f);
    snap_put(&s);
    return 0;
}

static long fd_dir_lookup(const struct kfs_ctx *c, const char *name, const struct kfs_entry **entry,
                          struct kfs_ctx *child)
{
    *entry = &g_fd_link;
    return fd_lookup_common(c, name, child);
}

static long fdinfo_dir_lookup(const struct kfs_ctx *c, const char *name,
                              const struct kfs_entry **entry, struct kfs_ctx *child)
{
    *entry = &g_fdinfo_file;
    return fd_lookup_common(c, name, child);
}

static const struct kfs_dyn_dir g_fd_dyn = { .list = fd_dir_list, .lookup = fd_dir_lookup };
static const struct kfs_dyn_dir g_fdinfo_dyn = { .list = fdinfo_dir_list,
                                                 .lookup = fdinfo_dir_lookup };

static const struct kfs_entry g_empty[] = { { .name = NULL } };

#define RO(n, fn)                                         \
    {                                                     \
        .name = (n), .mode = S_IFREG | 0444, .show = (fn) \
    }
#define LNK(n, fn)                                        \
    {                                                     \
        .name = (n), .mode = S_IFLNK | 0777, .link = (fn) \
    }

static const struct kfs_entry g_task_entries[] = {
    RO("stat", show_stat),
    RO("status", show_status),
    RO("statm", show_statm),
    { .name = "comm", .mode = S_IFREG | 0644, .show = show_comm },
    RO("maps", show_maps),
    RO("cmdline", show_cmdline),
    { .name = "environ", .mode = S_IFREG | 0400, .show = show_environ },
    LNK("exe", link_exe),
    LNK("cwd", link_cwd),
    LNK("root", link_root),
    { .name = "fd", .mode = S_IFDIR | 0500, .children = g_empty, .dyn = &g_fd_dyn },
    { .name = "fdinfo", .mode = S_IFDIR | 0500, .children = g_empty, .dyn = &g_fdinfo_dyn },
    { .name = NULL },
};

static const struct kfs_entry g_task_dir = {
    .name = "",
    .mode = S_IFDIR | 0555,
    .children = g_task_entries,
};

static long task_list(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg)
{
    struct kernel *k = proc_kernel();
    struct thread_group *tg;
    int tids[256], n = 0;

    if (k == NULL)
        return 0;
    pthread_mutex_lock(&k->mu);
    tg = kernel_find_tg_locked(k, c->pid);
    if (tg != NULL) {
        struct klist *pos;

        klist_for_each(pos, &tg->tasks)
        {
            struct task *o = klist_entry(pos, struct task, tg_node);

            if (n < (int)(sizeof(tids) / sizeof(tids[0])) && !o->exited)
                tids[n++] = kernel_pid_vnr_locked(k, o->tid);
        }
    }
    pthread_mutex_unlock(&k->mu);
    for (int i = 0; i < n; i++) {
        char name[16];

        snprintf(name, sizeof(name), "%d", tids[i]);
        if (!emit(arg, name, 4 /* DT_DIR */))
            break;
    }
    return 0;
}

static long task_lookup(const struct kfs_ctx *c, const char *name, const struct kfs_entry **entry,
                        struct kfs_ctx *child)
{
    struct kernel *k = proc_kernel();
    struct task *o;
    char *end;
    long tid = strtol(name, &end, 10);
    bool ok;

    if (k == NULL || *name == '\0' || *end != '\0' || tid <= 0 || tid > KERNEL_PID_MAX)
        return -ENOENT;
    pthread_mutex_lock(&k->mu);
    o = kernel_find_task_locked(k, (int)tid);
    ok = o != NULL && o->tg == kernel_find_tg_locked(k, c->pid) && !o->exited;
    pthread_mutex_unlock(&k->mu);
    if (!ok)
        return -ENOENT;
    *entry = &g_task_dir;
    *child = *c;
    child->tid = (int)tid;
    return 0;
}

static const struct kfs_dyn_dir g_task_dyn = { .list = task_list, .lookup = task_lookup };

static const struct kfs_entry g_pid_entries[] = {
    RO("stat", show_stat),
    RO("status", show_status),
    RO("statm", show_statm),
    { .name = "comm", .mode = S_IFREG | 0644, .show = show_comm },
    RO("maps", show_maps),
    RO("cmdline", show_cmdline),
    { .name = "environ", .mode = S_IFREG | 0400, .show = show_environ },
    { .name = "auxv", .mode = S_IFREG | 0400, .show = show_auxv },
    LNK("exe", link_exe),
    RO("mounts", show_mounts),
    RO("mountinfo", show_mountinfo),
    RO("limits", show_limits),
    RO("cgroup", show_cgroup),
    LNK("cwd", link_cwd),
    LNK("root", link_root),
    { .name = "fd", .mode = S_IFDIR | 0500, .children = g_empty, .dyn = &g_fd_dyn },
    { .name = "fdinfo", .mode = S_IFDIR | 0500, .children = g_empty, .dyn = &g_fdinfo_dyn },
    { .name = "task", .mode = S_IFDIR | 0555, .children = g_empty, .dyn = &g_task_dyn },
    { .name = NULL },
};

const struct kfs_entry g_proc_pid_dir = {
    .name = "",
    .mode = S_IFDIR | 0555,
    .children = g_pid_entries,
};
