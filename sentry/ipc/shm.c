/* SPDX-License-Identifier: Apache-2.0 */
/* System V shared memory segments: the sandbox's registry, each segment a sentry memfd. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "sentry/arch/arch.h"
#include "sentry/ipc/ipc.h"
#include "sentry/ipc/ipc_internal.h"
#include "sentry/kernel/kernel.h"

/* Linux's ipc ids: index + sequence * SEQ_MULTIPLIER (ipc/util.h, IPCMNI). */
#define SHM_SEQ_MULTIPLIER 32768
/* The kernel's "new layout" command flag (linux/ipc.h); x86-64 has only that layout. */
#define SHM_IPC_64 0x0100

/* The app runs as root: the owner of every segment it makes (CAP_IPC_OWNER bypasses modes). */
#define SHM_UID 0
#define SHM_GID 0

struct ipc_shm {
    const struct ipc_ns *ns; /* Immutable; not a reference (removed when it ends) */
    int id;                  /* Immutable */
    int idx;                 /* slot in g_slots; Immutable */
    size_t size;             /* Immutable */
    int memfd;               /* the segment's bytes; Immutable, closed when freed */
    int32_t key;             /* IPC_PRIVATE once removed. Protected by g_mu (all fields below) */
    unsigned int mode;       /* permission bits | SHM_DEST | SHM_LOCKED */
    uid_t uid, gid, cuid, cgid;
    time_t atime, dtime, ctime;
    int cpid, lpid;
    unsigned long nattch;
    int holds; /* ipc_shm_attach_get not yet put */
    bool removed;
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
/* Protected by g_mu. */
static struct ipc_shm *g_slots[IPC_SHMMNI];
static unsigned int g_seq[IPC_SHMMNI];
static size_t g_nr;
static uint64_t g_total_pages;

static time_t now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec;
}

static uint64_t pages_of(size_t size)
{
    return (size + ARCH_PAGE_SIZE - 1) / ARCH_PAGE_SIZE;
}

/* Needs g_mu. */
static struct ipc_shm *find_id_locked(const struct ipc_ns *ns, int id)
{
    struct ipc_shm *s;

    if (id < 0)
        return NULL;
    s = g_slots[(unsigned int)id % SHM_SEQ_MULTIPLIER % IPC_SHMMNI];
    return s != NULL && s->id == id && s->ns == ns ? s : NULL;
}

/* Needs g_mu. */
static struct ipc_shm *find_key_locked(const struct ipc_ns *ns, int32_t key)
{
    for (size_t i = 0; i < IPC_SHMMNI; i++) {
        if (g_slots[i] != NULL && !g_slots[i]->removed && g_slots[i]->ns == ns &&
            g_slots[i]->key == key)
            return g_slots[i];
    }
    return NULL;
}

/* Frees `s` (removed, no attachment). Needs g_mu. */
static void destroy_locked(struct ipc_shm *s)
{
    g_slots[s->idx] = NULL;
    g_nr--;
    g_total_pages -= pages_of(s->size);
    close(s->memfd);
    free(s);
}

/* Creates a segment. Needs g_mu. Returns the id or -Exxx. */
static long create_locked(const struct ipc_ns *ns, int32_t key, size_t size, int shmflg, int pid)
{
    struct ipc_shm *s;
    size_t idx;
    int fd;

    if (size < IPC_SHMMIN || size > IPC_SHMMAX)
        return -EINVAL;
    if (g_nr >= IPC_SHMMNI || g_total_pages + pages_of(size) < g_total_pages ||
        g_total_pages + pages_of(size) > IPC_SHMALL)
        return -ENOSPC;
    for (idx = 0; idx < IPC_SHMMNI && g_slots[idx] != NULL; idx++)
        ;
    if (idx == IPC_SHMMNI)
        return -ENOSPC;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return -ENOMEM;
    fd = memfd_create("SYSV", MFD_CLOEXEC);
    if (fd < 0) {
        free(s);
        return errno == EMFILE || errno == ENFILE ? -ENOSPC : -ENOMEM;
    }
    if (ftruncate(fd, (off_t)size) < 0) {
        int e = errno;

        close(fd);
        free(s);
        return e == EFBIG ? -EINVAL : -ENOMEM;
    }
    s->ns = ns;
    s->idx = (int)idx;
    s->id = (int)(g_seq[idx] * SHM_SEQ_MULTIPLIER + idx);
    /* Linux keeps ids positive: the sequence wraps before the id would. */
    g_seq[idx] = (g_seq[idx] + 1) % (INT32_MAX / SHM_SEQ_MULTIPLIER);
    s->size = size;
    s->memfd = fd;
    s->key = key;
    s->mode = (unsigned int)shmflg & 0777;
    s->uid = s->cuid = SHM_UID;
    s->gid = s->cgid = SHM_GID;
    s->ctime = now();
    s->cpid = pid;
    g_slots[idx] = s;
    g_nr++;
    g_total_pages += pages_of(size);
    return s->id;
}

long ipc_shm_get(const struct ipc_ns *ns, int32_t key, size_t size, int shmflg, int pid)
{
    struct ipc_shm *s;
    long ret;

    pthread_mutex_lock(&g_mu);
    if (key == IPC_PRIVATE) {
        ret = create_locked(ns, key, size, shmflg, pid);
        goto out;
    }
    s = find_key_locked(ns, key);
    if (s == NULL) {
        ret = (shmflg & IPC_CREAT) ? create_locked(ns, key, size, shmflg, pid) : -ENOENT;
        goto out;
    }
    if ((shmflg & IPC_CREAT) && (shmflg & IPC_EXCL)) {
        ret = -EEXIST;
        goto out;
    }
    /* Linux: an existing segment smaller than asked for is EINVAL (size 0 matches any). */
    if (size > s->size) {
        ret = -EINVAL;
        goto out;
    }
    ret = s->id;
out:
    pthread_mutex_unlock(&g_mu);
    return ret;
}

long ipc_shm_attach_get(const struct ipc_ns *ns, int id, struct ipc_shm **out, int *host_fd,
                        size_t *size)
{
    struct ipc_shm *s;

    pthread_mutex_lock(&g_mu);
    s = find_id_locked(ns, id);
    if (s == NULL) {
        pthread_mutex_unlock(&g_mu);
        return -EINVAL;
    }
    s->holds++;
    *out = s;
    *host_fd = s->memfd;
    *size = s->size;
    pthread_mutex_unlock(&g_mu);
    return 0;
}

void ipc_shm_attach_put(struct ipc_shm *s, bool attached, int pid)
{
    pthread_mutex_lock(&g_mu);
    s->holds--;
    if (attached) {
        s->atime = now();
        s->lpid = pid;
    }
    if (s->nattch == 0 && s->holds == 0 && s->removed)
        destroy_locked(s);
    pthread_mutex_unlock(&g_mu);
}

void ipc_shm_note_pid(struct ipc_shm *s, int pid)
{
    pthread_mutex_lock(&g_mu);
    s->lpid = pid;
    pthread_mutex_unlock(&g_mu);
}

void ipc_shm_vma_ref(struct ipc_shm *s, int delta, int pid)
{
    if (s == NULL || delta == 0)
        return;
    pthread_mutex_lock(&g_mu);
    if (delta > 0) {
        s->nattch += (unsigned long)delta;
        s->atime = now();
    } else {
        s->nattch -= (unsigned long)-delta;
        s->dtime = now();
    }
    if (pid > 0)
        s->lpid = pid;
    if (s->nattch == 0 && s->holds == 0 && s->removed)
        destroy_locked(s);
    pthread_mutex_unlock(&g_mu);
}

size_t ipc_shm_size(const struct ipc_shm *s)
{
    return s->size;
}

uint64_t ipc_shm_futex_id(const struct ipc_shm *s)
{
    /* Bit 62 apart from mm's file ids (bit 63) and the small MAP_SHARED counter ids. */
    return (1ULL << 62) | (uint64_t)(uintptr_t)s >> 3;
}

/* Fills `ds` from `s`. Needs g_mu. */
static void stat_locked(const struct ipc_shm *s, struct shmid_ds *ds)
{
    memset(ds, 0, sizeof(*ds));
    ds->shm_perm.__key = s->key;
    ds->shm_perm.uid = s->uid;
    ds->shm_perm.gid = s->gid;
    ds->shm_perm.cuid = s->cuid;
    ds->shm_perm.cgid = s->cgid;
    ds->shm_perm.mode = (unsigned short)s->mode;
    ds->shm_perm.__seq = (unsigned short)(s->id / SHM_SEQ_MULTIPLIER);
    ds->shm_segsz = s->size;
    ds->shm_atime = s->atime;
    ds->shm_dtime = s->dtime;
    ds->shm_ctime = s->ctime;
    ds->shm_cpid = s->cpid;
    ds->shm_lpid = s->lpid;
    ds->shm_nattch = s->nattch;
}

/* The highest index `ns` uses (IPC_INFO, SHM_INFO), 0 when none, and its segments and pages.
 * Needs g_mu. */
static long max_idx_locked(const struct ipc_ns *ns, int *nsegs, uint64_t *pages)
{
    long max = 0;

    *nsegs = 0;
    *pages = 0;
    for (size_t i = 0; i < IPC_SHMMNI; i++) {
        if (g_slots[i] != NULL && g_slots[i]->ns == ns) {
            max = (long)i;
            (*nsegs)++;
            *pages += pages_of(g_slots[i]->size);
        }
    }
    return max;
}

long ipc_shm_ctl(const struct ipc_ns *ns, int id, int cmd, void *buf)
{
    struct ipc_shm *s = NULL;
    uint64_t pages;
    long ret = 0;
    int nsegs;

    cmd &= ~SHM_IPC_64;
    pthread_mutex_lock(&g_mu);
    switch (cmd) {
    case IPC_INFO: {
        struct shminfo *info = buf;

        memset(info, 0, sizeof(*info));
        info->shmmax = IPC_SHMMAX;
        info->shmmin = IPC_SHMMIN;
        info->shmmni = IPC_SHMMNI;
        info->shmseg = IPC_SHMSEG;
        info->shmall = IPC_SHMALL;
        ret = max_idx_locked(ns, &nsegs, &pages);
        goto out;
    }
    case SHM_INFO: {
        struct shm_info *info = buf;

        memset(info, 0, sizeof(*info));
        ret = max_idx_locked(ns, &nsegs, &pages);
        info->used_ids = nsegs;
        info->shm_tot = pages;
        info->shm_rss = pages;
        goto out;
    }
    case SHM_STAT:
    case SHM_STAT_ANY:
        /* These take an index, not an id, and return the id. */
        if (id < 0 || id >= (int)IPC_SHMMNI || g_slots[id] == NULL || g_slots[id]->ns != ns) {
            ret = -EINVAL;
            goto out;
        }
        stat_locked(g_slots[id], buf);
        ret = g_slots[id]->id;
        goto out;
    case IPC_STAT:
    case IPC_SET:
    case IPC_RMID:
    case SHM_LOCK:
    case SHM_UNLOCK:
        break;
    default:
        ret = -EINVAL;
        goto out;
    }
    s = find_id_locked(ns, id);
    if (s == NULL) {
        ret = -EINVAL;
        goto out;
    }
    switch (cmd) {
    case IPC_STAT:
        stat_locked(s, buf);
        break;
    case IPC_SET: {
        const struct shmid_ds *ds = buf;

        s->uid = ds->shm_perm.uid;
        s->gid = ds->shm_perm.gid;
        s->mode = (s->mode & ~0777u) | (ds->shm_perm.mode & 0777u);
        s->ctime = now();
        break;
    }
    case IPC_RMID:
        s->removed = true;
        s->key = IPC_PRIVATE;
        s->mode |= SHM_DEST;
        if (s->nattch == 0 && s->holds == 0)
            destroy_locked(s);
        break;
    case SHM_LOCK:
        s->mode |= SHM_LOCKED;
        break;
    case SHM_UNLOCK:
        s->mode &= ~(unsigned int)SHM_LOCKED;
        break;
    }
out:
    pthread_mutex_unlock(&g_mu);
    return ret;
}

/* What /proc/sysvipc/shm prints of a segment, taken under g_mu. */
struct shm_line {
    struct shmid_ds ds;
    int id;
    size_t rss;
};

void ipc_shm_ns_gone(const struct ipc_ns *ns)
{
    pthread_mutex_lock(&g_mu);
    for (size_t i = 0; i < IPC_SHMMNI; i++) {
        struct ipc_shm *s = g_slots[i];

        if (s == NULL || s->ns != ns)
            continue;
        /* Attached segments stay until their last detach, as after IPC_RMID. */
        s->removed = true;
        s->key = IPC_PRIVATE;
        s->mode |= SHM_DEST;
        if (s->nattch == 0 && s->holds == 0)
            destroy_locked(s);
    }
    pthread_mutex_unlock(&g_mu);
}

void ipc_shm_proc_show(struct kernel *k, FILE *out)
{
    const struct ipc_ns *ns = ipc_ns_current();
    struct shm_line *lines;
    size_t n = 0;

    fputs("       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid"
          "  cgid      atime      dtime      ctime                   rss                  swap\n",
          out);
    pthread_mutex_lock(&g_mu);
    lines = calloc(g_nr > 0 ? g_nr : 1, sizeof(*lines));
    for (size_t i = 0; lines != NULL && i < IPC_SHMMNI; i++) {
        if (g_slots[i] == NULL || g_slots[i]->ns != ns)
            continue;
        stat_locked(g_slots[i], &lines[n].ds);
        lines[n].id = g_slots[i]->id;
        lines[n].rss = pages_of(g_slots[i]->size) * ARCH_PAGE_SIZE;
        n++;
    }
    pthread_mutex_unlock(&g_mu);
    if (lines == NULL)
        return;
    /* The pids are global: translate them for the reader under the kernel's lock. */
    pthread_mutex_lock(&k->mu);
    for (size_t i = 0; i < n; i++) {
        const struct shmid_ds *ds = &lines[i].ds;

        fprintf(out,
                "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu "
                "%21lu\n",
                ds->shm_perm.__key, lines[i].id, ds->shm_perm.mode & 01777u,
                (unsigned long)ds->shm_segsz, (unsigned int)kernel_pid_vnr_locked(k, ds->shm_cpid),
                (unsigned int)kernel_pid_vnr_locked(k, ds->shm_lpid), (unsigned long)ds->shm_nattch,
                ds->shm_perm.uid, ds->shm_perm.gid, ds->shm_perm.cuid, ds->shm_perm.cgid,
                (unsigned long long)ds->shm_atime, (unsigned long long)ds->shm_dtime,
                (unsigned long long)ds->shm_ctime, (unsigned long)lines[i].rss, 0UL);
    }
    pthread_mutex_unlock(&k->mu);
    free(lines);
}
