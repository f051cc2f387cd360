// SPDX-License-Identifier: Apache-2.0
// Tests of the gofer: the codec, an in-process server on a socketpair, and a real `gofer` child.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fdutil.h"
#include "common/sync.h"
#include "common/wire.h"
#include "gofer/gofer.h"
#include "proto/gofer.pb-c.h" /* only to forge hostile frames the codec would refuse to build */
#include "proto/gofer_codec.h"
#include "tests/unit/tap.h"

/* ---- a small client ---- */

struct client {
    int sock;
    uint64_t tag;
};

/*
 * Sends `req`, reads the reply into *resp (and its donated fd into *fd when
 * fd != NULL, else closes it). Returns the reply's errnum (0 on success), or
 * -1 when the exchange itself failed.
 */
static int call(struct client *cl, struct gofer_request *req, struct gofer_response *resp, int *fd)
{
    cleanup_error rt_error_t err = NULL;
    cleanup_free uint8_t *out = NULL;
    cleanup_free uint8_t *in = NULL;
    size_t len = 0, nfds = 0;
    int fds[4] = { -1, -1, -1, -1 };

    memset(resp, 0, sizeof(*resp));
    if (fd != NULL)
        *fd = -1;
    req->tag = ++cl->tag;
    if (gofer_request_encode(req, &out, &len, &err) < 0 ||
        rt_frame_send(cl->sock, out, len, NULL, 0, &err) < 0 ||
        rt_frame_recv(cl->sock, 0, &in, &len, fds, 4, &nfds, &err) <= 0 ||
        gofer_response_decode(req->op, in, len, fds, nfds, resp, &err) < 0) {
        tap_diag("call %s: %s", gofer_op_name(req->op), rt_error_msg(err));
        return -1;
    }
    if (resp->tag != req->tag) {
        tap_diag("tag %llu answered %llu", (unsigned long long)req->tag,
                 (unsigned long long)resp->tag);
        rt_close_fd_array(fds, nfds);
        return -1;
    }
    if (nfds > 0) {
        if (fd != NULL)
            *fd = fds[0];
        else
            close(fds[0]);
    }
    return resp->errnum;
}

/* Calls and frees the reply; *fid (may be NULL) gets a FID result. */
static int call_fid(struct client *cl, struct gofer_request *req, uint64_t *fid, int *fd)
{
    struct gofer_response resp;
    int ret = call(cl, req, &resp, fd);

    if (ret == 0 && fid != NULL)
        *fid = resp.kind == GOFER_RESULT_FID ? resp.fid.fid : 0;
    gofer_response_free(&resp);
    return ret;
}

static int g_attach(struct client *cl, uint64_t *fid)
{
    struct gofer_request req = { .op = GOFER_OP_ATTACH };

    return call_fid(cl, &req, fid, NULL);
}

static int g_walk(struct client *cl, uint64_t dir, const char *name, uint64_t *fid)
{
    struct gofer_request req = { .op = GOFER_OP_WALK, .fid = dir, .name = name };

    return call_fid(cl, &req, fid, NULL);
}

static int g_open(struct client *cl, uint64_t fid, uint32_t flags, int *fd)
{
    struct gofer_request req = { .op = GOFER_OP_OPEN, .fid = fid, .flags = flags };

    return call_fid(cl, &req, NULL, fd);
}

static int g_simple(struct client *cl, enum gofer_op op, uint64_t dir, const char *name)
{
    struct gofer_request req = { .op = op, .fid = dir, .name = name };

    return call_fid(cl, &req, NULL, NULL);
}

static int g_stat(struct client *cl, uint64_t fid, struct gofer_stat *st)
{
    struct gofer_request req = { .op = GOFER_OP_STAT, .fid = fid };
    struct gofer_response resp;
    int ret = call(cl, &req, &resp, NULL);

    if (ret == 0)
        *st = resp.stat;
    gofer_response_free(&resp);
    return ret;
}

static void g_close(struct client *cl, uint64_t fid)
{
    struct gofer_request req = { .op = GOFER_OP_CLOSE, .fids = &fid, .n_fids = 1 };

    if (fid == 0)
        return;
    call_fid(cl, &req, NULL, NULL);
}

/* Sends raw bytes as one frame and returns the errnum of the reply (-1: no reply). */
static int send_raw(struct client *cl, const void *buf, size_t len, const int *fds, size_t nfds)
{
    cleanup_error rt_error_t err = NULL;
    cleanup_free uint8_t *in = NULL;
    struct gofer_response resp;
    size_t rlen = 0, rn = 0;
    int rfds[4];
    int ret;

    if (rt_frame_send(cl->sock, buf, len, fds, nfds, &err) < 0 ||
        rt_frame_recv(cl->sock, 0, &in, &rlen, rfds, 4, &rn, &err) <= 0)
        return -1;
    /* Any op will do: an error reply looks the same for all. */
    if (gofer_response_decode(GOFER_OP_STAT, in, rlen, rfds, rn, &resp, &err) < 0)
        return -1;
    ret = resp.errnum;
    gofer_response_free(&resp);
    return ret;
}

/* A Walk that bypasses the client-side validation, as a hostile sentry would send it. */
static int raw_walk(struct client *cl, uint64_t dir, const char *name)
{
    Gofer__Request pb = GOFER__REQUEST__INIT;
    Gofer__Walk w = GOFER__WALK__INIT;
    uint8_t buf[512];
    size_t len;

    pb.version = GOFER_VERSION;
    pb.tag = 77;
    w.dir_fid = dir;
    w.name = (char *)name;
    pb.op_case = GOFER__REQUEST__OP_WALK;
    pb.walk = &w;
    if (gofer__request__get_packed_size(&pb) > sizeof(buf))
        return -1;
    len = gofer__request__pack(&pb, buf);
    return send_raw(cl, buf, len, NULL, 0);
}

/* ---- host helpers ---- */

static int write_file(const char *dir, const char *name, const char *content)
{
    char path[4096];
    int fd;
    ssize_t n;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    n = write(fd, content, strlen(content));
    close(fd);
    return n == (ssize_t)strlen(content) ? 0 : -1;
}

static char *read_fd_text(int fd)
{
    static char buf[256];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static int count_fds(pid_t pid)
{
    char path[64];
    DIR *d;
    struct dirent *de;
    int n = 0;

    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    d = opendir(path);
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.')
            n++;
    }
    closedir(d);
    return n - (pid == getpid() ? 1 : 0); /* not the DIR's own fd */
}

static void rm_rf(const char *path)
{
    char cmd[4200];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", path);
}

/* ---- the codec ---- */

static void test_codec(void)
{
    cleanup_error rt_error_t err = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    struct gofer_request in = { .tag = 9,
                                .op = GOFER_OP_RENAME,
                                .fid = 3,
                                .name = "a",
                                .fid2 = 4,
                                .name2 = "b",
                                .flags = RENAME_NOREPLACE };
    struct gofer_request out;
    static const char *bad_names[] = { "", ".", "..", "a/b", "/" };
    char longname[300];
    int pipefd[2];
    bool all = true;

    tap_ok(gofer_request_encode(&in, &buf, &len, &err) == 0, "codec: encode rename");
    tap_ok(gofer_request_decode(buf, len, NULL, 0, &out, &err) == 0 && out.op == GOFER_OP_RENAME &&
               out.tag == 9 && out.fid == 3 && out.fid2 == 4 && strcmp(out.name, "a") == 0 &&
               strcmp(out.name2, "b") == 0 && out.flags == RENAME_NOREPLACE,
           "codec: round trip of rename");
    gofer_request_free(&out);
    /* A request never carries descriptors: they are closed, the request refused. */
    if (pipe2(pipefd, O_CLOEXEC) == 0) {
        int fds[1] = { pipefd[0] };

        tap_ok(gofer_request_decode(buf, len, fds, 1, &out, &err) < 0 &&
                   rt_error_status(err) == EINVAL && fcntl(pipefd[0], F_GETFD) < 0,
               "codec: descriptors with a request are refused and closed");
        rt_error_release(&err);
        close(pipefd[1]);
    }
    free(buf);
    for (size_t i = 0; i < ARRAY_SIZE(bad_names); i++) {
        struct gofer_request w = { .op = GOFER_OP_WALK, .fid = 1, .name = bad_names[i] };

        if (gofer_request_encode(&w, &buf, &len, &err) == 0) {
            all = false;
            free(buf);
        }
        rt_error_release(&err);
    }
    memset(longname, 'x', 256);
    longname[256] = '\0';
    {
        struct gofer_request w = { .op = GOFER_OP_WALK, .fid = 1, .name = longname };

        if (gofer_request_encode(&w, &buf, &len, &err) == 0) {
            all = false;
            free(buf);
        }
        rt_error_release(&err);
    }
    tap_ok(all, "codec: names \"\", \".\", \"..\", \"a/b\", \"/\" and 256 bytes are refused");
    {
        struct gofer_request r = { .op = GOFER_OP_OPEN, .fid = 1, .flags = O_CREAT };
        struct gofer_request z = { .op = GOFER_OP_STAT, .fid = 0 };
        struct gofer_request s = { .op = GOFER_OP_SETATTR, .fid = 1 };
        bool ok = gofer_request_encode(&r, &buf, &len, &err) < 0;

        rt_error_release(&err);
        ok = ok && gofer_request_encode(&z, &buf, &len, &err) < 0;
        rt_error_release(&err);
        s.setattr.mask = GOFER_SETATTR_ATIME | GOFER_SETATTR_ATIME_NOW;
        ok = ok && gofer_request_encode(&s, &buf, &len, &err) < 0;
        rt_error_release(&err);
        s.setattr.mask = 1u << 12;
        ok = ok && gofer_request_encode(&s, &buf, &len, &err) < 0;
        rt_error_release(&err);
        tap_ok(ok,
               "codec: O_CREAT in open, fid 0, ATIME with ATIME_NOW, unknown mask bits refused");
    }
    {
        struct gofer_response r = { .tag = 5, .kind = GOFER_RESULT_FID, .fid = { .fid = 7 } };
        struct gofer_response d;
        int p[2];
        bool ok;

        ok = gofer_response_encode(GOFER_OP_WALK, &r, &buf, &len, &err) == 0 &&
             gofer_response_decode(GOFER_OP_WALK, buf, len, NULL, 0, &d, &err) == 0 &&
             d.fid.fid == 7 && d.tag == 5;
        gofer_response_free(&d);
        /* A Create reply must come with exactly one fd. */
        ok = ok && gofer_response_decode(GOFER_OP_CREATE, buf, len, NULL, 0, &d, &err) < 0;
        rt_error_release(&err);
        /* A walk reply must not come with one: it is closed. */
        if (ok && pipe2(p, O_CLOEXEC) == 0) {
            ok = gofer_response_decode(GOFER_OP_WALK, buf, len, &p[0], 1, &d, &err) < 0 &&
                 fcntl(p[0], F_GETFD) < 0;
            rt_error_release(&err);
            close(p[1]);
        }
        /* Nor be a reply of another kind. */
        ok = ok && gofer_response_decode(GOFER_OP_STAT, buf, len, NULL, 0, &d, &err) < 0;
        rt_error_release(&err);
        free(buf);
        tap_ok(ok, "codec: replies checked against the op (kind, fd count)");
    }
}

/* ---- the protocol suite, run against both servers ---- */

struct suite {
    struct client *cl;
    const char *host; /* the served directory, as the test sees it */
    const char *label;
    bool real; /* the real gofer process (vs in-process) */
};

static void test_basics(struct suite *s, uint64_t root)
{
    struct client *cl = s->cl;
    uint64_t f = 0, nf = 0;
    int fd = -1;
    char path[4096];
    struct stat st;
    ssize_t n;

    tap_ok(g_walk(cl, root, "file", &f) == 0 && f != 0, "%s: walk file", s->label);
    tap_ok(g_open(cl, f, O_RDONLY, &fd) == 0 && fd >= 0, "%s: open donates an fd", s->label);
    if (fd >= 0) {
        TAP_STR_EQ(read_fd_text(fd), "hello", "read through the donated fd");
        close(fd);
    }
    tap_ok(g_walk(cl, root, "nosuch", &nf) == ENOENT, "%s: walk of a missing name: ENOENT",
           s->label);
    tap_ok(g_walk(cl, f, "x", &nf) == ENOTDIR, "%s: walk from a file: ENOTDIR", s->label);
    tap_ok(g_open(cl, 999999, O_RDONLY, &fd) == EBADF, "%s: unknown fid: EBADF", s->label);
    tap_ok(g_open(cl, root, O_RDWR, &fd) == EISDIR, "%s: open a directory for writing: EISDIR",
           s->label);
    g_close(cl, f);
    tap_ok(g_open(cl, f, O_RDONLY, &fd) == EBADF, "%s: a closed fid is gone", s->label);

    /* create + write */
    {
        struct gofer_request req = { .op = GOFER_OP_CREATE,
                                     .fid = root,
                                     .name = "new",
                                     .flags = O_RDWR,
                                     .mode = 0640,
                                     .uid = 1234,
                                     .gid = 4321 };
        uint64_t cf = 0;

        tap_ok(call_fid(cl, &req, &cf, &fd) == 0 && cf != 0 && fd >= 0,
               "%s: create gives a fid and an fd", s->label);
        if (fd >= 0) {
            n = write(fd, "data", 4);
            close(fd);
            snprintf(path, sizeof(path), "%s/new", s->host);
            tap_ok(n == 4 && stat(path, &st) == 0 && st.st_size == 4 &&
                       (st.st_mode & 07777) == 0640 && st.st_uid == 1234 && st.st_gid == 4321,
                   "%s: created with mode 0640, owner 1234:4321, 4 bytes written", s->label);
        }
        tap_ok(call_fid(cl, &req, NULL, &fd) == EEXIST, "%s: create again: EEXIST", s->label);
        g_close(cl, cf);
    }
    /* mkdir, unlink, rmdir */
    {
        struct gofer_request req = { .op = GOFER_OP_MKDIR,
                                     .fid = root,
                                     .name = "d",
                                     .mode = 0750,
                                     .uid = GOFER_UID_KEEP,
                                     .gid = GOFER_UID_KEEP };
        uint64_t d = 0, x = 0;
        struct gofer_request cr = { .op = GOFER_OP_CREATE,
                                    .name = "inner",
                                    .flags = O_WRONLY,
                                    .mode = 0600,
                                    .uid = GOFER_UID_KEEP,
                                    .gid = GOFER_UID_KEEP };

        tap_ok(call_fid(cl, &req, &d, NULL) == 0 && d != 0, "%s: mkdir", s->label);
        snprintf(path, sizeof(path), "%s/d", s->host);
        tap_ok(stat(path, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0750,
               "%s: the directory is on the host with mode 0750", s->label);
        cr.fid = d;
        tap_ok(call_fid(cl, &cr, &x, &fd) == 0, "%s: create inside it", s->label);
        if (fd >= 0)
            close(fd);
        tap_ok(g_simple(cl, GOFER_OP_RMDIR, root, "d") == ENOTEMPTY,
               "%s: rmdir non-empty: ENOTEMPTY", s->label);
        tap_ok(g_simple(cl, GOFER_OP_UNLINK, root, "d") == EISDIR, "%s: unlink a directory: EISDIR",
               s->label);
        tap_ok(g_simple(cl, GOFER_OP_RMDIR, d, "inner") == ENOTDIR, "%s: rmdir a file: ENOTDIR",
               s->label);
        tap_ok(g_simple(cl, GOFER_OP_UNLINK, d, "inner") == 0, "%s: unlink", s->label);
        tap_ok(g_simple(cl, GOFER_OP_RMDIR, root, "d") == 0 && stat(path, &st) < 0 &&
                   errno == ENOENT,
               "%s: rmdir removed it from the host", s->label);
        g_close(cl, x);
        g_close(cl, d);
        tap_ok(g_simple(cl, GOFER_OP_UNLINK, root, "new") == 0, "%s: unlink new", s->label);
    }
    /* mknod: fifo ok, device refused */
    {
        struct gofer_request req = { .op = GOFER_OP_MKNOD,
                                     .fid = root,
                                     .name = "fifo",
                                     .mode = S_IFIFO | 0600,
                                     .uid = GOFER_UID_KEEP,
                                     .gid = GOFER_UID_KEEP };
        uint64_t ff = 0;

        tap_ok(call_fid(cl, &req, &ff, NULL) == 0 && ff != 0, "%s: mknod a FIFO", s->label);
        tap_ok(g_open(cl, ff, O_RDONLY, &fd) == 0 && fd >= 0,
               "%s: opening a FIFO does not block the connection", s->label);
        if (fd >= 0)
            close(fd);
        g_close(cl, ff);
        req.name = "dev";
        req.mode = S_IFCHR | 0600;
        req.rdev = makedev(1, 3);
        tap_ok(call_fid(cl, &req, NULL, NULL) == EPERM, "%s: mknod of a device: EPERM", s->label);
        g_simple(cl, GOFER_OP_UNLINK, root, "fifo");
    }
}

static void test_rename_link(struct suite *s, uint64_t root)
{
    struct client *cl = s->cl;
    char path[4096];
    struct gofer_request req = { .op = GOFER_OP_RENAME, .fid = root, .fid2 = root };
    uint64_t f = 0, l = 0, sl = 0;
    int fd = -1;

    write_file(s->host, "ra", "A");
    write_file(s->host, "rb", "B");
    req.name = "ra";
    req.name2 = "rc";
    tap_ok(call_fid(cl, &req, NULL, NULL) == 0, "%s: rename", s->label);
    req.name = "rc";
    req.name2 = "rb";
    req.flags = RENAME_NOREPLACE;
    tap_ok(call_fid(cl, &req, NULL, NULL) == EEXIST, "%s: RENAME_NOREPLACE: EEXIST", s->label);
    req.flags = RENAME_EXCHANGE;
    tap_ok(call_fid(cl, &req, NULL, NULL) == 0, "%s: RENAME_EXCHANGE", s->label);
    if (g_walk(cl, root, "rc", &f) == 0 && g_open(cl, f, O_RDONLY, &fd) == 0) {
        TAP_STR_EQ(read_fd_text(fd), "B", "exchanged contents");
        close(fd);
    } else {
        tap_ok(0, "%s: walk rc after exchange", s->label);
    }
    /* link */
    {
        struct gofer_request lr = { .op = GOFER_OP_LINK, .fid = root, .fid2 = f, .name = "hard" };
        struct gofer_stat st = { 0 };

        tap_ok(call_fid(cl, &lr, &l, NULL) == 0 && l != 0, "%s: link", s->label);
        tap_ok(g_stat(cl, f, &st) == 0 && st.nlink == 2, "%s: nlink is 2 (%llu)", s->label,
               (unsigned long long)st.nlink);
        lr.fid2 = root;
        lr.name = "dirlink";
        tap_ok(call_fid(cl, &lr, NULL, NULL) == EPERM, "%s: link a directory: EPERM", s->label);
    }
    /* symlink + readlink */
    {
        struct gofer_request sr = { .op = GOFER_OP_SYMLINK,
                                    .fid = root,
                                    .name = "sl",
                                    .name2 = "some/target",
                                    .uid = GOFER_UID_KEEP,
                                    .gid = GOFER_UID_KEEP };
        struct gofer_request rl = { .op = GOFER_OP_READLINK };
        struct gofer_response resp;
        char buf[64] = "";

        tap_ok(call_fid(cl, &sr, &sl, NULL) == 0 && sl != 0, "%s: symlink", s->label);
        rl.fid = sl;
        tap_ok(call(cl, &rl, &resp, NULL) == 0 && resp.readlink != NULL &&
                   strcmp(resp.readlink, "some/target") == 0,
               "%s: readlink", s->label);
        gofer_response_free(&resp);
        snprintf(path, sizeof(path), "%s/sl", s->host);
        tap_ok(readlink(path, buf, sizeof(buf) - 1) == 11, "%s: the host sees the symlink",
               s->label);
        rl.fid = f;
        tap_ok(call(cl, &rl, &resp, NULL) == EINVAL, "%s: readlink of a file: EINVAL", s->label);
        gofer_response_free(&resp);
    }
    g_close(cl, f);
    g_close(cl, l);
    g_close(cl, sl);
    g_simple(cl, GOFER_OP_UNLINK, root, "rb");
    g_simple(cl, GOFER_OP_UNLINK, root, "rc");
    g_simple(cl, GOFER_OP_UNLINK, root, "hard");
    g_simple(cl, GOFER_OP_UNLINK, root, "sl");
}

static void test_getdents(struct suite *s, uint64_t root)
{
    struct client *cl = s->cl;
    char path[4096], name[32];
    uint64_t d = 0;
    bool seen[50] = { false };
    int total = 0, calls = 0, dups = 0, dots = 0;
    uint64_t cookie = 0;
    bool types_ok = true;

    snprintf(path, sizeof(path), "%s/many", s->host);
    mkdir(path, 0755);
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof(name), "f%02d", i);
        write_file(path, name, "x");
    }
    if (!tap_ok(g_walk(cl, root, "many", &d) == 0, "%s: walk many", s->label))
        return;
    for (;;) {
        struct gofer_request req = {
            .op = GOFER_OP_GETDENTS, .fid = d, .offset = cookie, .count = 7
        };
        struct gofer_response resp;

        if (call(cl, &req, &resp, NULL) != 0 || calls++ > 100)
            break;
        if (resp.dirents.n == 0) {
            gofer_response_free(&resp);
            break;
        }
        for (size_t i = 0; i < resp.dirents.n; i++) {
            const struct gofer_dirent *e = &resp.dirents.v[i];
            int k;

            if (strcmp(e->name, ".") == 0 || strcmp(e->name, "..") == 0) {
                dots++;
                continue;
            }
            if (sscanf(e->name, "f%d", &k) == 1 && k >= 0 && k < 50) {
                dups += seen[k];
                seen[k] = true;
            }
            types_ok = types_ok && e->type == DT_REG && e->ino != 0;
            total++;
        }
        cookie = resp.dirents.v[resp.dirents.n - 1].offset;
        gofer_response_free(&resp);
    }
    tap_ok(total == 50 && dups == 0 && dots == 0,
           "%s: getdents in batches of 7 with cookies: %d entries, %d duplicates, %d dots",
           s->label, total, dups, dots);
    tap_ok(calls == 9, "%s: 8 batches and an empty one (%d calls)", s->label, calls);
    tap_ok(types_ok, "%s: entries carry DT_REG and inode numbers", s->label);
    {
        struct gofer_request req = { .op = GOFER_OP_GETDENTS, .fid = d, .count = 1 };
        struct gofer_response resp;
        uint64_t f = 0;

        g_walk(cl, d, "f00", &f);
        req.fid = f;
        tap_ok(call(cl, &req, &resp, NULL) == ENOTDIR, "%s: getdents of a file: ENOTDIR", s->label);
        gofer_response_free(&resp);
        g_close(cl, f);
    }
    g_close(cl, d);
    rm_rf(path);
}

static void test_attrs(struct suite *s, uint64_t root)
{
    struct client *cl = s->cl;
    struct gofer_request req = { .op = GOFER_OP_SETATTR };
    struct gofer_response resp;
    struct gofer_stat st = { 0 };
    uint64_t f = 0;
    char path[4096];
    struct statfs hs;
    time_t now = time(NULL);

    write_file(s->host, "attr", "0123456789");
    if (!tap_ok(g_walk(cl, root, "attr", &f) == 0, "%s: walk attr", s->label))
        return;
    tap_ok(g_stat(cl, f, &st) == 0 && S_ISREG(st.mode) && st.size == 10 && st.nlink == 1,
           "%s: stat: a regular file of 10 bytes", s->label);
    req.fid = f;
    req.setattr.mask = GOFER_SETATTR_MODE | GOFER_SETATTR_SIZE | GOFER_SETATTR_ATIME |
                       GOFER_SETATTR_MTIME | GOFER_SETATTR_UID | GOFER_SETATTR_GID;
    req.setattr.mode = 0604;
    req.setattr.size = 3;
    req.setattr.atime_sec = 1000;
    req.setattr.atime_nsec = 5;
    req.setattr.mtime_sec = 2000;
    req.setattr.mtime_nsec = 7;
    req.setattr.uid = 1111;
    req.setattr.gid = 2222;
    tap_ok(call(cl, &req, &resp, NULL) == 0 && resp.kind == GOFER_RESULT_STAT &&
               (resp.stat.mode & 07777) == 0604 && resp.stat.size == 3 &&
               resp.stat.atime_sec == 1000 && resp.stat.atime_nsec == 5 &&
               resp.stat.mtime_sec == 2000 && resp.stat.mtime_nsec == 7 && resp.stat.uid == 1111 &&
               resp.stat.gid == 2222,
           "%s: setattr mode, size, atime, mtime, uid, gid; the reply is the new stat", s->label);
    gofer_response_free(&resp);
    req.setattr.mask = GOFER_SETATTR_MTIME_NOW;
    tap_ok(call(cl, &req, &resp, NULL) == 0 && resp.stat.mtime_sec >= now - 5 &&
               resp.stat.atime_sec == 1000,
           "%s: MTIME_NOW sets mtime, leaves atime (UTIME_OMIT)", s->label);
    gofer_response_free(&resp);
    req.fid = root;
    req.setattr.mask = GOFER_SETATTR_SIZE;
    tap_ok(call(cl, &req, &resp, NULL) == EISDIR, "%s: truncate a directory: EISDIR", s->label);
    gofer_response_free(&resp);
    /* statfs */
    {
        struct gofer_request sr = { .op = GOFER_OP_STATFS, .fid = f };

        tap_ok(statfs(s->host, &hs) == 0 && call(cl, &sr, &resp, NULL) == 0 &&
                   resp.statfs.type == (uint64_t)hs.f_type && resp.statfs.bsize > 0 &&
                   resp.statfs.namelen == (uint64_t)hs.f_namelen,
               "%s: statfs matches the host (type 0x%llx)", s->label,
               (unsigned long long)resp.statfs.type);
        gofer_response_free(&resp);
    }
    /* xattrs: whatever the host says for the same kind of file */
    {
        struct gofer_request sx = { .op = GOFER_OP_SETXATTR,
                                    .fid = f,
                                    .name = "user.test",
                                    .value = (const uint8_t *)"v1",
                                    .value_len = 2 };
        struct gofer_request gx = { .op = GOFER_OP_GETXATTR, .fid = f, .name = "user.test" };
        struct gofer_request lx = { .op = GOFER_OP_LISTXATTR, .fid = f, .size = 1024 };
        struct gofer_request rx = { .op = GOFER_OP_REMOVEXATTR, .fid = f, .name = "user.test" };
        int host_errno = 0, ret;

        snprintf(path, sizeof(path), "%s/xattr-probe", s->host);
        write_file(s->host, "xattr-probe", "");
        if (setxattr(path, "user.probe", "x", 1, 0) < 0)
            host_errno = errno;
        unlink(path);
        ret = call_fid(cl, &sx, NULL, NULL);
        tap_ok(ret == host_errno, "%s: setxattr answers what the host does (%d vs %d)", s->label,
               ret, host_errno);
        if (host_errno == 0) {
            bool found = false;

            tap_ok(call(cl, &gx, &resp, NULL) == 0 && resp.getxattr.size == 2 &&
                       resp.getxattr.len == 0,
                   "%s: getxattr size 0 gives the length", s->label);
            gofer_response_free(&resp);
            gx.size = 16;
            tap_ok(call(cl, &gx, &resp, NULL) == 0 && resp.getxattr.len == 2 &&
                       memcmp(resp.getxattr.value, "v1", 2) == 0,
                   "%s: getxattr value", s->label);
            gofer_response_free(&resp);
            gx.size = 1;
            tap_ok(call(cl, &gx, &resp, NULL) == ERANGE, "%s: getxattr too small: ERANGE",
                   s->label);
            gofer_response_free(&resp);
            if (call(cl, &lx, &resp, NULL) == 0) {
                for (size_t i = 0; i < resp.listxattr.n; i++)
                    found = found || strcmp(resp.listxattr.names[i], "user.test") == 0;
            }
            gofer_response_free(&resp);
            tap_ok(found, "%s: listxattr names user.test", s->label);
            tap_ok(call_fid(cl, &rx, NULL, NULL) == 0, "%s: removexattr", s->label);
            gx.size = 16;
            tap_ok(call(cl, &gx, &resp, NULL) == ENODATA, "%s: then getxattr: ENODATA", s->label);
            gofer_response_free(&resp);
        }
        /* Only user.* reaches the host: a hostile sentry gets no trusted.* or security.*. */
        sx.name = "trusted.evil";
        tap_ok(call_fid(cl, &sx, NULL, NULL) == EOPNOTSUPP, "%s: setxattr trusted.*: EOPNOTSUPP",
               s->label);
        sx.name = "security.capability";
        tap_ok(call_fid(cl, &sx, NULL, NULL) == EOPNOTSUPP,
               "%s: setxattr security.capability: EOPNOTSUPP", s->label);
        gx.name = "security.selinux";
        tap_ok(call(cl, &gx, &resp, NULL) == EOPNOTSUPP, "%s: getxattr security.*: EOPNOTSUPP",
               s->label);
        gofer_response_free(&resp);
        rx.name = "trusted.x";
        tap_ok(call_fid(cl, &rx, NULL, NULL) == EOPNOTSUPP, "%s: removexattr trusted.*: EOPNOTSUPP",
               s->label);
        lx.size = 0;
        tap_ok(call(cl, &lx, &resp, NULL) == 0 && resp.listxattr.n == 0,
               "%s: listxattr size 0: the length alone (%u)", s->label, resp.listxattr.size);
        gofer_response_free(&resp);
    }
    g_close(cl, f);
    g_simple(cl, GOFER_OP_UNLINK, root, "attr");
}

static void test_escapes(struct suite *s, uint64_t root)
{
    struct client *cl = s->cl;
    char path[4096];
    uint64_t l = 0, x = 0;
    int fd = -1;
    struct gofer_stat st = { 0 };

    tap_ok(raw_walk(cl, root, "..") == EINVAL, "%s: walk \"..\": EINVAL", s->label);
    tap_ok(raw_walk(cl, root, ".") == EINVAL, "%s: walk \".\": EINVAL", s->label);
    tap_ok(raw_walk(cl, root, "a/b") == EINVAL, "%s: walk \"a/b\": EINVAL", s->label);
    tap_ok(raw_walk(cl, root, "") == EINVAL, "%s: walk \"\": EINVAL", s->label);
    snprintf(path, sizeof(path), "%s/evil", s->host);
    if (symlink("/etc/passwd", path) < 0 && errno != EEXIST)
        tap_diag("symlink: %s", strerror(errno));
    snprintf(path, sizeof(path), "%s/evildir", s->host);
    if (symlink("/etc", path) < 0 && errno != EEXIST)
        tap_diag("symlink: %s", strerror(errno));
    tap_ok(g_walk(cl, root, "evil", &l) == 0 && g_stat(cl, l, &st) == 0 && S_ISLNK(st.mode),
           "%s: a symlink to /etc/passwd walks to a symlink fid", s->label);
    tap_ok(g_open(cl, l, O_RDONLY, &fd) == ELOOP, "%s: opening it: ELOOP", s->label);
    tap_ok(g_open(cl, l, O_RDONLY | O_NOFOLLOW, &fd) == ELOOP, "%s: with O_NOFOLLOW too", s->label);
    g_close(cl, l);
    tap_ok(g_walk(cl, root, "evildir", &l) == 0 && g_walk(cl, l, "passwd", &x) == ENOTDIR,
           "%s: walking through a symlink to /etc: ENOTDIR", s->label);
    {
        struct gofer_request req = { .op = GOFER_OP_CREATE,
                                     .fid = root,
                                     .name = "evil",
                                     .flags = O_WRONLY,
                                     .mode = 0600,
                                     .uid = GOFER_UID_KEEP,
                                     .gid = GOFER_UID_KEEP };

        tap_ok(call_fid(cl, &req, NULL, &fd) == EEXIST,
               "%s: create over a symlink does not follow it: EEXIST", s->label);
    }
    g_close(cl, l);
}

struct race {
    const char *host;
    volatile bool stop;
    long swaps;
};

static void *race_thread(void *arg)
{
    struct race *r = arg;
    char a[4096], b[4096];

    snprintf(a, sizeof(a), "%s/racer", r->host);
    snprintf(b, sizeof(b), "%s/racer-link", r->host);
    while (!r->stop) {
        if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
            r->swaps++;
    }
    return NULL;
}

static void test_race(struct suite *s, uint64_t root)
{
    struct client *cl = s->cl;
    struct race r = { .host = s->host };
    char path[4096];
    pthread_t t;
    int escapes = 0, inside = 0, links = 0, other = 0;

    snprintf(path, sizeof(path), "%s/racer", s->host);
    mkdir(path, 0755);
    write_file(path, "passwd", "inside");
    snprintf(path, sizeof(path), "%s/racer-link", s->host);
    if (symlink("/etc", path) < 0 && errno != EEXIST)
        tap_diag("symlink: %s", strerror(errno));
    pthread_create(&t, NULL, race_thread, &r);
    for (int i = 0; i < 2000; i++) {
        uint64_t d = 0, f = 0;
        int fd = -1, ret;

        ret = g_walk(cl, root, "racer", &d);
        if (ret != 0) {
            other++;
            continue;
        }
        ret = g_walk(cl, d, "passwd", &f);
        if (ret == 0 && g_open(cl, f, O_RDONLY, &fd) == 0) {
            if (strcmp(read_fd_text(fd), "inside") == 0)
                inside++;
            else
                escapes++;
            close(fd);
        } else if (ret == ENOTDIR) {
            links++;
        } else {
            other++;
        }
        g_close(cl, f);
        g_close(cl, d);
    }
    r.stop = true;
    pthread_join(t, NULL);
    tap_ok(escapes == 0,
           "%s: symlink swapped in during 2000 walks (%ld swaps): %d opened inside, %d saw the "
           "link, %d other, %d escapes",
           s->label, r.swaps, inside, links, other, escapes);
    snprintf(path, sizeof(path), "%s/racer", s->host);
    unlink(path);
    rm_rf(path);
    snprintf(path, sizeof(path), "%s/racer-link", s->host);
    unlink(path);
    rm_rf(path);
}

static void test_hostile(struct suite *s, uint64_t root)
{
    struct client *cl = s->cl;
    uint8_t buf[256];
    int replies = 0, einval = 0;
    uint64_t r2 = 0;
    unsigned seed = 12345;

    for (int i = 0; i < 200; i++) {
        size_t len = 1 + (size_t)(rand_r(&seed) % sizeof(buf));
        int ret;

        for (size_t k = 0; k < len; k++)
            buf[k] = (uint8_t)rand_r(&seed);
        ret = send_raw(cl, buf, len, NULL, 0);
        if (ret >= 0)
            replies++;
        if (ret == EINVAL || ret == EPROTONOSUPPORT)
            einval++;
        if (ret < 0)
            break;
    }
    tap_ok(replies == 200 && einval == 200,
           "%s: 200 random frames: %d error replies (%d EINVAL/EPROTONOSUPPORT)", s->label, replies,
           einval);
    /* An empty message is a Request of version 0. */
    tap_ok(send_raw(cl, "", 0, NULL, 0) == EPROTONOSUPPORT, "%s: an empty frame: EPROTONOSUPPORT",
           s->label);
    {
        struct gofer_request w = { .op = GOFER_OP_WALK, .fid = root, .name = "file" };
        cleanup_free uint8_t *out = NULL;
        cleanup_error rt_error_t err = NULL;
        size_t len = 0;
        int bad = 0;

        if (gofer_request_encode(&w, &out, &len, &err) == 0) {
            for (size_t cut = 1; cut < len; cut++) {
                int ret = send_raw(cl, out, len - cut, NULL, 0);

                bad += ret == EINVAL;
            }
        }
        tap_ok(len > 1 && bad == (int)len - 1, "%s: a walk truncated %zu ways: all EINVAL",
               s->label, len - 1);
    }
    {
        Gofer__Request pb = GOFER__REQUEST__INIT;
        Gofer__StatRequest st = GOFER__STAT_REQUEST__INIT;
        size_t len;
        int p[2], ret = -1;

        pb.version = 2;
        pb.tag = 1;
        pb.op_case = GOFER__REQUEST__OP_STAT;
        pb.stat = &st;
        st.fid = root;
        len = gofer__request__pack(&pb, buf);
        tap_ok(send_raw(cl, buf, len, NULL, 0) == EPROTONOSUPPORT, "%s: version 2: EPROTONOSUPPORT",
               s->label);
        pb.version = GOFER_VERSION;
        len = gofer__request__pack(&pb, buf);
        if (pipe2(p, O_CLOEXEC) == 0) {
            ret = send_raw(cl, buf, len, &p[0], 1);
            close(p[0]);
            /* The gofer closed its copy: our write end sees no reader once ours is gone. */
            tap_ok(ret == EINVAL && write(p[1], "x", 1) < 0 && errno == EPIPE,
                   "%s: a request carrying an fd: EINVAL, and the fd was closed", s->label);
            close(p[1]);
        }
        st.fid = 123456789;
        len = gofer__request__pack(&pb, buf);
        tap_ok(send_raw(cl, buf, len, NULL, 0) == EBADF, "%s: stat of a bad fid: EBADF", s->label);
    }
    tap_ok(g_walk(cl, root, "file", &r2) == 0, "%s: the connection still serves", s->label);
    g_close(cl, r2);
}

static void test_fid_flood(struct suite *s, uint64_t root, int n)
{
    struct client *cl = s->cl;
    uint64_t *fids = xcalloc((size_t)n, sizeof(uint64_t));
    int ok = 0, emfile = 0, other = 0;
    uint64_t f = 0;

    for (int i = 0; i < n; i++) {
        int ret = g_walk(cl, root, "file", &fids[i]);

        if (ret == 0)
            ok++;
        else if (ret == EMFILE || ret == ENFILE)
            emfile++;
        else
            other++;
        if (ret < 0)
            break;
    }
    tap_ok(ok > 0 && emfile > 0 && other == 0 && ok + emfile == n,
           "%s: %d walks without closing: %d fids, then %d EMFILE", s->label, n, ok, emfile);
    for (int i = 0; i < n;) {
        uint64_t batch[GOFER_CLOSE_MAX];
        size_t k = 0;
        struct gofer_request req = { .op = GOFER_OP_CLOSE, .fids = batch };

        for (; i < n && k < GOFER_CLOSE_MAX; i++) {
            if (fids[i] != 0)
                batch[k++] = fids[i];
        }
        req.n_fids = k;
        call_fid(cl, &req, NULL, NULL);
    }
    tap_ok(g_walk(cl, root, "file", &f) == 0, "%s: after closing them, walks work again", s->label);
    g_close(cl, f);
    free(fids);
}

static void run_suite(struct suite *s, int flood)
{
    uint64_t root = 0;
    struct gofer_stat st = { 0 };

    if (!tap_ok(g_attach(s->cl, &root) == 0 && root != 0, "%s: attach gives the root fid",
                s->label))
        return;
    tap_ok(g_stat(s->cl, root, &st) == 0 && S_ISDIR(st.mode), "%s: the root is a directory",
           s->label);
    test_basics(s, root);
    test_rename_link(s, root);
    test_getdents(s, root);
    test_attrs(s, root);
    test_escapes(s, root);
    test_race(s, root);
    test_hostile(s, root);
    test_fid_flood(s, root, flood);
    g_close(s->cl, root);
}

/* Read-only: every mutation is EROFS, reads work. */
static void test_readonly(struct client *cl, const char *label)
{
    uint64_t root = 0, f = 0;
    int fd = -1;
    struct gofer_request cr = { .op = GOFER_OP_CREATE,
                                .name = "x",
                                .flags = O_WRONLY,
                                .mode = 0600,
                                .uid = GOFER_UID_KEEP,
                                .gid = GOFER_UID_KEEP };
    struct gofer_request mk = { .op = GOFER_OP_MKDIR,
                                .name = "x",
                                .mode = 0700,
                                .uid = GOFER_UID_KEEP,
                                .gid = GOFER_UID_KEEP };
    struct gofer_request sa = { .op = GOFER_OP_SETATTR,
                                .setattr = { .mask = GOFER_SETATTR_MODE, .mode = 0777 } };
    struct gofer_request sx = {
        .op = GOFER_OP_SETXATTR, .name = "user.x", .value = (const uint8_t *)"1", .value_len = 1
    };
    struct gofer_request rn = { .op = GOFER_OP_RENAME, .name = "file", .name2 = "file2" };
    bool all;

    if (!tap_ok(g_attach(cl, &root) == 0 && g_walk(cl, root, "file", &f) == 0,
                "%s: attach and walk", label))
        return;
    tap_ok(g_open(cl, f, O_RDONLY, &fd) == 0 && fd >= 0 && strcmp(read_fd_text(fd), "ro") == 0,
           "%s: reading works", label);
    if (fd >= 0)
        close(fd);
    cr.fid = mk.fid = root;
    sa.fid = sx.fid = f;
    rn.fid = rn.fid2 = root;
    all = g_open(cl, f, O_WRONLY, &fd) == EROFS &&
          g_open(cl, f, O_RDONLY | O_TRUNC, &fd) == EROFS &&
          call_fid(cl, &cr, NULL, &fd) == EROFS && call_fid(cl, &mk, NULL, NULL) == EROFS &&
          call_fid(cl, &sa, NULL, NULL) == EROFS && call_fid(cl, &sx, NULL, NULL) == EROFS &&
          call_fid(cl, &rn, NULL, NULL) == EROFS &&
          g_simple(cl, GOFER_OP_UNLINK, root, "file") == EROFS &&
          g_simple(cl, GOFER_OP_RMDIR, root, "file") == EROFS;
    tap_ok(all,
           "%s: open for writing, O_TRUNC, create, mkdir, setattr, setxattr, rename, "
           "unlink, rmdir: EROFS",
           label);
    g_close(cl, f);
    g_close(cl, root);
}

/* ---- in-process server ---- */

struct server_thread {
    pthread_t t;
    struct gofer_conn_config cfg;
    int ret;
};

static void *server_main(void *arg)
{
    struct server_thread *st = arg;
    rt_error_t err = NULL;

    st->ret = gofer_conn_serve(&st->cfg, &err);
    if (st->ret < 0) {
        tap_diag("server: %s", rt_error_msg(err));
        rt_error_release(&err);
    }
    return NULL;
}

static int start_server(struct server_thread *st, const char *dir, bool ro, size_t max_fids,
                        struct client *cl)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    st->cfg = (struct gofer_conn_config){
        .sock_fd = sv[1],
        .root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC),
        .readonly = ro,
        .fd_dir = "/proc/self/fd",
        .max_fids = max_fids,
    };
    cl->sock = sv[0];
    cl->tag = 0;
    return pthread_create(&st->t, NULL, server_main, st);
}

static void stop_server(struct server_thread *st, struct client *cl)
{
    close(cl->sock);
    pthread_join(st->t, NULL);
    close(st->cfg.root_fd);
}

static void test_in_process(const char *dir, const char *rodir)
{
    struct server_thread st;
    struct client cl;
    struct suite s = { .cl = &cl, .host = dir, .label = "in-process" };
    int before = count_fds(getpid());

    if (start_server(&st, dir, false, 1000, &cl) != 0) {
        tap_ok(0, "in-process server");
        return;
    }
    run_suite(&s, 1100);
    stop_server(&st, &cl);
    tap_ok(st.ret == 0, "in-process: clean end at EOF");
    if (start_server(&st, rodir, true, 0, &cl) == 0) {
        test_readonly(&cl, "in-process read-only");
        stop_server(&st, &cl);
    }
    /* An oversized frame header: the stream is out of step, the connection ends. */
    if (start_server(&st, dir, false, 0, &cl) == 0) {
        uint8_t hdr[4] = { 0xff, 0xff, 0xff, 0x7f };
        char c;

        tap_ok(write(cl.sock, hdr, 4) == 4 && read(cl.sock, &c, 1) == 0,
               "in-process: a 2 GiB frame header closes the connection");
        stop_server(&st, &cl);
        tap_ok(st.ret < 0, "in-process: ... and the server says why");
    }
    tap_ok(count_fds(getpid()) == before, "in-process: no descriptor leaked (%d before, %d after)",
           before, count_fds(getpid()));
}

/* ---- the real gofer process ---- */

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
    while (p[n] != '\0' && p[n] != '\n' && n + 1 < cap)
        n++;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static bool same_ns(pid_t pid, const char *ns)
{
    char a[64], b[64];
    struct stat sa, sb;

    snprintf(a, sizeof(a), "/proc/self/ns/%s", ns);
    snprintf(b, sizeof(b), "/proc/%d/ns/%s", (int)pid, ns);
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino;
}

static void test_process(const char *dir, const char *rodir)
{
    cleanup_error rt_error_t err = NULL;
    const char *exe = getenv("RUNSC");
    int sv[2], mv[2], sync[2], leak[2];
    char logpath[] = "/tmp/gofer-log.XXXXXX";
    int logfd = mkstemp(logpath);
    pid_t pid;
    int status = -1;
    char buf[256], *st;
    struct client cl = { 0 }, rcl = { 0 };
    struct suite s = { .cl = &cl, .host = dir, .label = "gofer process", .real = true };
    int fds_idle;

    if (exe != NULL && access(exe, X_OK) < 0)
        exe = NULL;
    tap_diag("gofer binary: %s", exe ? exe : "/proc/self/exe (this test)");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, mv) < 0 ||
        rt_sync_pipe(sync, &err) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, leak) < 0) {
        tap_ok(0, "gofer process: setup");
        return;
    }
    pid = fork();
    if (pid == 0) {
        int root = open(dir, O_PATH | O_DIRECTORY);
        int ro = open(rodir, O_PATH | O_DIRECTORY);
        char *argv[] = { (char *)(exe ? exe : "/proc/self/exe"),
                         (char *)"gofer",
                         (char *)"--sock-fd=10",
                         (char *)"--root-fd=11",
                         (char *)"--mount-fds=12,13,ro",
                         (char *)"--sync-fd=14",
                         (char *)"--log-fd=15",
                         (char *)"--debug",
                         NULL };
        /* The leak check at exit stops the world with clone and /proc: the filter forbids both. */
        char *envp[] = { (char *)"ASAN_OPTIONS=detect_leaks=0", NULL };

        if (dup2(sv[1], 10) < 0 || dup2(root, 11) < 0 || dup2(mv[1], 12) < 0 || dup2(ro, 13) < 0 ||
            dup2(sync[1], 14) < 0 || dup2(logfd, 15) < 0)
            _exit(120);
        execve(argv[0], argv, envp);
        _exit(121);
    }
    close(sv[1]);
    close(mv[1]);
    close(sync[1]);
    close(leak[1]);
    cl.sock = sv[0];
    rcl.sock = mv[0];
    if (!tap_ok(rt_sync_wait(sync[0], 10000, &err) == 0, "gofer process: ready (%s)",
                rt_error_msg(err))) {
        char *log = read_text(logpath);

        tap_diag("log: %s", log ? log : "");
        free(log);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return;
    }
    close(sync[0]);
    snprintf(buf, sizeof(buf), "/proc/%d/status", (int)pid);
    st = read_text(buf);
    tap_ok(strcmp(status_field(st, "Seccomp:", buf, sizeof(buf)), "2") == 0,
           "gofer process: seccomp filter mode (%s)", buf);
    tap_ok(strcmp(status_field(st, "NoNewPrivs:", buf, sizeof(buf)), "1") == 0,
           "gofer process: no_new_privs (%s)", buf);
    tap_ok(strcmp(status_field(st, "CapEff:", buf, sizeof(buf)), "000000000000001b") == 0,
           "gofer process: CapEff is CHOWN, DAC_OVERRIDE, FOWNER, FSETID (%s)", buf);
    tap_ok(strcmp(status_field(st, "CapBnd:", buf, sizeof(buf)), "000000000000001b") == 0,
           "gofer process: bounding set reduced (%s)", buf);
    free(st);
    tap_ok(!same_ns(pid, "mnt"), "gofer process: its own mount namespace");
    {
        char path[64], names[256] = "";
        DIR *d;
        struct dirent *de;

        snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
        d = opendir(path);
        while (d != NULL && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            strncat(names, de->d_name, sizeof(names) - strlen(names) - 2);
            strcat(names, " ");
        }
        if (d != NULL)
            closedir(d);
        tap_ok(strcmp(names, "0 1 fd ") == 0 || strcmp(names, "0 fd 1 ") == 0 ||
                   strcmp(names, "fd 0 1 ") == 0 || strcmp(names, "1 0 fd ") == 0 ||
                   strcmp(names, "fd 1 0 ") == 0 || strcmp(names, "1 fd 0 ") == 0,
               "gofer process: its root holds only the served trees and fd (%s)", names);
    }
    fds_idle = count_fds(pid);
    tap_ok(count_fds(pid) <= 8, "gofer process: %d descriptors (nothing inherited leaked)",
           fds_idle);
    run_suite(&s, 70000);
    test_readonly(&rcl, "gofer process, read-only bind mount");
    tap_ok(count_fds(pid) == fds_idle, "gofer process: no descriptor leaked (%d, was %d)",
           count_fds(pid), fds_idle);
    close(cl.sock);
    close(rcl.sock);
    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "gofer process: exits 0 once the sentry closed every connection (status 0x%x)", status);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *log = read_text(logpath);

        tap_diag("log: %s", log ? log : "");
        free(log);
    }
    close(leak[0]);
    close(logfd);
    unlink(logpath);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/gofer-root.XXXXXX";
    char rodir[] = "/tmp/gofer-ro.XXXXXX";
    struct rlimit rl;

    /* This binary is also the gofer when $RUNSC is not set. */
    if (argc >= 2 && strcmp(argv[1], "gofer") == 0) {
        rt_error_t err = NULL;

        if (gofer_main(argc - 1, argv + 1, &err) < 0) {
            rt_log_fatal_error(err);
            return 1;
        }
        return 0;
    }
    umask(0);
    signal(SIGPIPE, SIG_IGN);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    test_codec();
    if (mkdtemp(dir) == NULL || mkdtemp(rodir) == NULL || write_file(dir, "file", "hello") < 0 ||
        write_file(rodir, "file", "ro") < 0) {
        tap_ok(0, "temporary trees");
        return tap_done();
    }
    test_in_process(dir, rodir);
    if (geteuid() != 0)
        tap_diag("the gofer process needs root (mount namespace, pivot_root): skipped");
    else
        test_process(dir, rodir);
    rm_rf(dir);
    rm_rf(rodir);
    return tap_done();
}
