// SPDX-License-Identifier: Apache-2.0
// Converts gofer-protocol messages between plain C structs and protobuf-c, validating both ways.
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "common/common.h"
#include "common/fdutil.h"
#include "common/wire.h"
#include "proto/gofer.pb-c.h"
#include "proto/gofer_codec.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static const char *const g_op_names[GOFER_OP_COUNT_] = {
    [GOFER_OP_ATTACH] = "attach",       [GOFER_OP_WALK] = "walk",
    [GOFER_OP_OPEN] = "open",           [GOFER_OP_CREATE] = "create",
    [GOFER_OP_MKDIR] = "mkdir",         [GOFER_OP_MKNOD] = "mknod",
    [GOFER_OP_UNLINK] = "unlink",       [GOFER_OP_RMDIR] = "rmdir",
    [GOFER_OP_RENAME] = "rename",       [GOFER_OP_LINK] = "link",
    [GOFER_OP_SYMLINK] = "symlink",     [GOFER_OP_READLINK] = "readlink",
    [GOFER_OP_GETDENTS] = "getdents",   [GOFER_OP_STAT] = "stat",
    [GOFER_OP_SETATTR] = "setattr",     [GOFER_OP_STATFS] = "statfs",
    [GOFER_OP_GETXATTR] = "getxattr",   [GOFER_OP_SETXATTR] = "setxattr",
    [GOFER_OP_LISTXATTR] = "listxattr", [GOFER_OP_REMOVEXATTR] = "removexattr",
    [GOFER_OP_CLOSE] = "close",
};

static bool is_known_op(enum gofer_op op)
{
    return (int)op > 0 && op < GOFER_OP_COUNT_;
}

const char *gofer_op_name(enum gofer_op op)
{
    return is_known_op(op) ? g_op_names[op] : "unknown";
}

bool gofer_op_is_mutation(enum gofer_op op)
{
    switch (op) {
    case GOFER_OP_CREATE:
    case GOFER_OP_MKDIR:
    case GOFER_OP_MKNOD:
    case GOFER_OP_UNLINK:
    case GOFER_OP_RMDIR:
    case GOFER_OP_RENAME:
    case GOFER_OP_LINK:
    case GOFER_OP_SYMLINK:
    case GOFER_OP_SETATTR:
    case GOFER_OP_SETXATTR:
    case GOFER_OP_REMOVEXATTR:
        return true;
    default:
        return false;
    }
}

enum gofer_result_kind gofer_op_result_kind(enum gofer_op op)
{
    switch (op) {
    case GOFER_OP_ATTACH:
    case GOFER_OP_WALK:
    case GOFER_OP_CREATE:
    case GOFER_OP_MKDIR:
    case GOFER_OP_MKNOD:
    case GOFER_OP_LINK:
    case GOFER_OP_SYMLINK:
        return GOFER_RESULT_FID;
    case GOFER_OP_OPEN:
        return GOFER_RESULT_OPEN;
    case GOFER_OP_READLINK:
        return GOFER_RESULT_READLINK;
    case GOFER_OP_GETDENTS:
        return GOFER_RESULT_GETDENTS;
    case GOFER_OP_STAT:
    case GOFER_OP_SETATTR:
        return GOFER_RESULT_STAT;
    case GOFER_OP_STATFS:
        return GOFER_RESULT_STATFS;
    case GOFER_OP_GETXATTR:
        return GOFER_RESULT_GETXATTR;
    case GOFER_OP_LISTXATTR:
        return GOFER_RESULT_LISTXATTR;
    default:
        return GOFER_RESULT_NONE;
    }
}

size_t gofer_reply_fd_count(enum gofer_op op, int errnum)
{
    if (errnum != 0)
        return 0;
    return op == GOFER_OP_OPEN || op == GOFER_OP_CREATE ? 1 : 0;
}

bool gofer_name_is_valid(const char *name)
{
    size_t len;

    if (name == NULL || name[0] == '\0')
        return false;
    len = strnlen(name, GOFER_NAME_MAX + 1);
    if (len > GOFER_NAME_MAX || memchr(name, '/', len) != NULL)
        return false;
    return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* ---- validation of the C structs (shared by encode and decode) ---- */

static int check_fid(const char *op, const char *field, uint64_t fid, rt_error_t *err)
{
    if (fid == GOFER_FID_NONE)
        return rt_make_error(err, EINVAL, "%s.%s: fid 0 is never valid", op, field);
    return 0;
}

static int check_name(const char *op, const char *field, const char *name, rt_error_t *err)
{
    if (!gofer_name_is_valid(name))
        return rt_make_error(err, EINVAL,
                             "%s.%s: not one path component (empty, \".\", \"..\", '/' or "
                             "longer than %d bytes)",
                             op, field, GOFER_NAME_MAX);
    return 0;
}

static bool is_valid_xattr_name(const char *name)
{
    size_t len;

    if (name == NULL || name[0] == '\0')
        return false;
    len = strnlen(name, GOFER_XATTR_NAME_MAX + 1);
    return len <= GOFER_XATTR_NAME_MAX;
}

static int check_xattr_name(const char *op, const char *name, rt_error_t *err)
{
    if (!is_valid_xattr_name(name))
        return rt_make_error(err, EINVAL, "%s.name: empty or longer than %d bytes", op,
                             GOFER_XATTR_NAME_MAX);
    return 0;
}

static int check_open_flags(const char *op, uint32_t flags, rt_error_t *err)
{
    if ((flags & ~(uint32_t)GOFER_OPEN_FLAGS_MASK) != 0)
        return rt_make_error(err, EINVAL, "%s.flags: unsupported open flags 0%o", op,
                             flags & ~(uint32_t)GOFER_OPEN_FLAGS_MASK);
    if ((flags & O_ACCMODE) == O_ACCMODE)
        return rt_make_error(err, EINVAL, "%s.flags: invalid access mode", op);
    return 0;
}

static int check_perm(const char *op, uint32_t mode, rt_error_t *err)
{
    if ((mode & ~07777u) != 0)
        return rt_make_error(err, EINVAL, "%s.mode: 0%o has bits beyond 07777", op, mode);
    return 0;
}

static int check_stat(const char *field, const struct gofer_stat *s, rt_error_t *err)
{
    if (s->atime_nsec > GOFER_TIME_NSEC_MAX || s->mtime_nsec > GOFER_TIME_NSEC_MAX ||
        s->ctime_nsec > GOFER_TIME_NSEC_MAX)
        return rt_make_error(err, EINVAL, "%s: nanoseconds out of range", field);
    return 0;
}

static int validate_request(const struct gofer_request *r, rt_error_t *err)
{
    const char *op = gofer_op_name(r->op);

    switch (r->op) {
    case GOFER_OP_ATTACH:
        return 0;
    case GOFER_OP_WALK:
    case GOFER_OP_UNLINK:
    case GOFER_OP_RMDIR:
        if (check_fid(op, "dir_fid", r->fid, err) < 0)
            return -1;
        return check_name(op, "name", r->name, err);
    case GOFER_OP_OPEN:
        if (check_fid(op, "fid", r->fid, err) < 0)
            return -1;
        return check_open_flags(op, r->flags, err);
    case GOFER_OP_CREATE:
        if (check_fid(op, "dir_fid", r->fid, err) < 0 || check_name(op, "name", r->name, err) < 0 ||
            check_open_flags(op, r->flags, err) < 0)
            return -1;
        if ((r->flags & O_DIRECTORY) != 0)
            return rt_make_error(err, EINVAL, "create.flags: O_DIRECTORY");
        return check_perm(op, r->mode, err);
    case GOFER_OP_MKDIR:
        if (check_fid(op, "dir_fid", r->fid, err) < 0 || check_name(op, "name", r->name, err) < 0)
            return -1;
        return check_perm(op, r->mode, err);
    case GOFER_OP_MKNOD: {
        uint32_t type = r->mode & S_IFMT;

        if (check_fid(op, "dir_fid", r->fid, err) < 0 || check_name(op, "name", r->name, err) < 0)
            return -1;
        if ((r->mode & ~(uint32_t)(S_IFMT | 07777)) != 0)
            return rt_make_error(err, EINVAL, "mknod.mode: 0%o has unknown bits", r->mode);
        if (type != 0 && type != S_IFREG && type != S_IFIFO && type != S_IFSOCK &&
            type != S_IFCHR && type != S_IFBLK)
            return rt_make_error(err, EINVAL, "mknod.mode: file type 0%o", type);
        return 0;
    }
    case GOFER_OP_RENAME:
        if (check_fid(op, "old_dir_fid", r->fid, err) < 0 ||
            check_name(op, "old_name", r->name, err) < 0 ||
            check_fid(op, "new_dir_fid", r->fid2, err) < 0 ||
            check_name(op, "new_name", r->name2, err) < 0)
            return -1;
        if ((r->flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0)
            return rt_make_error(err, EINVAL, "rename.flags: unsupported flags 0x%x", r->flags);
        return 0;
    case GOFER_OP_LINK:
        if (check_fid(op, "target_fid", r->fid2, err) < 0 ||
            check_fid(op, "dir_fid", r->fid, err) < 0)
            return -1;
        return check_name(op, "name", r->name, err);
    case GOFER_OP_SYMLINK:
        if (check_fid(op, "dir_fid", r->fid, err) < 0 || check_name(op, "name", r->name, err) < 0)
            return -1;
        if (r->name2 == NULL || r->name2[0] == '\0' ||
            strnlen(r->name2, GOFER_TARGET_MAX + 1) > GOFER_TARGET_MAX)
            return rt_make_error(err, EINVAL, "symlink.target: empty or longer than %d bytes",
                                 GOFER_TARGET_MAX);
        return 0;
    case GOFER_OP_READLINK:
    case GOFER_OP_STAT:
    case GOFER_OP_STATFS:
        return check_fid(op, "fid", r->fid, err);
    case GOFER_OP_GETDENTS:
        if (check_fid(op, "dir_fid", r->fid, err) < 0)
            return -1;
        if (r->count == 0 || r->count > GOFER_GETDENTS_MAX)
            return rt_make_error(err, EINVAL, "getdents.count: %u is not in 1..%d", r->count,
                                 GOFER_GETDENTS_MAX);
        return 0;
    case GOFER_OP_SETATTR: {
        uint32_t m = r->setattr.mask;

        if (check_fid(op, "fid", r->fid, err) < 0)
            return -1;
        if ((m & ~GOFER_SETATTR_ALL) != 0)
            return rt_make_error(err, EINVAL, "setattr.mask: unknown bits 0x%x",
                                 m & ~GOFER_SETATTR_ALL);
        if (((m & GOFER_SETATTR_ATIME) && (m & GOFER_SETATTR_ATIME_NOW)) ||
            ((m & GOFER_SETATTR_MTIME) && (m & GOFER_SETATTR_MTIME_NOW)))
            return rt_make_error(err, EINVAL, "setattr.mask: a time both given and now");
        if ((m & GOFER_SETATTR_MODE) && check_perm(op, r->setattr.mode, err) < 0)
            return -1;
        if ((m & GOFER_SETATTR_SIZE) && r->setattr.size > (uint64_t)INT64_MAX)
            return rt_make_error(err, EINVAL, "setattr.size: out of range");
        if (r->setattr.atime_nsec > GOFER_TIME_NSEC_MAX ||
            r->setattr.mtime_nsec > GOFER_TIME_NSEC_MAX)
            return rt_make_error(err, EINVAL, "setattr: nanoseconds out of range");
        return 0;
    }
    case GOFER_OP_GETXATTR:
        if (check_fid(op, "fid", r->fid, err) < 0 || check_xattr_name(op, r->name, err) < 0)
            return -1;
        if (r->size > GOFER_XATTR_SIZE_MAX)
            return rt_make_error(err, EINVAL, "getxattr.size: more than %d", GOFER_XATTR_SIZE_MAX);
        return 0;
    case GOFER_OP_SETXATTR:
        if (check_fid(op, "fid", r->fid, err) < 0 || check_xattr_name(op, r->name, err) < 0)
            return -1;
        if (r->value_len > GOFER_XATTR_SIZE_MAX || (r->value_len > 0 && r->value == NULL))
            return rt_make_error(err, EINVAL, "setxattr.value: more than %d bytes",
                                 GOFER_XATTR_SIZE_MAX);
        if ((r->flags & ~(uint32_t)(XATTR_CREATE | XATTR_REPLACE)) != 0)
            return rt_make_error(err, EINVAL, "setxattr.flags: unknown flags 0x%x", r->flags);
        return 0;
    case GOFER_OP_LISTXATTR:
        if (check_fid(op, "fid", r->fid, err) < 0)
            return -1;
        if (r->size > GOFER_XATTR_LIST_MAX)
            return rt_make_error(err, EINVAL, "listxattr.size: more than %d", GOFER_XATTR_LIST_MAX);
        return 0;
    case GOFER_OP_REMOVEXATTR:
        if (check_fid(op, "fid", r->fid, err) < 0)
            return -1;
        return check_xattr_name(op, r->name, err);
    case GOFER_OP_CLOSE:
        if (r->n_fids > GOFER_CLOSE_MAX || (r->n_fids > 0 && r->fids == NULL))
            return rt_make_error(err, EINVAL, "close.fids: more than %d", GOFER_CLOSE_MAX);
        for (size_t i = 0; i < r->n_fids; i++) {
            if (check_fid(op, "fids", r->fids[i], err) < 0)
                return -1;
        }
        return 0;
    default:
        break;
    }
    return rt_make_error(err, EINVAL, "request: unknown operation %d", (int)r->op);
}

int gofer_request_validate(const struct gofer_request *req, rt_error_t *err)
{
    return validate_request(req, err);
}

static int validate_response(enum gofer_op op, const struct gofer_response *r, rt_error_t *err)
{
    /* An error reply is the same for every op (and answers undecodable requests too). */
    if (r->errnum != 0) {
        if (r->errnum < 0 || r->errnum > 4095)
            return rt_make_error(err, EINVAL, "error.errnum: %d is not an errno", r->errnum);
        if (r->kind != GOFER_RESULT_NONE)
            return rt_make_error(err, EINVAL, "an error reply with a result");
        return 0;
    }
    if (!is_known_op(op))
        return rt_make_error(err, EINVAL, "response to an unknown operation %d", (int)op);
    if (r->kind != gofer_op_result_kind(op))
        return rt_make_error(err, EINVAL, "%s: reply of the wrong kind %d", gofer_op_name(op),
                             (int)r->kind);
    switch (r->kind) {
    case GOFER_RESULT_NONE:
        return 0;
    case GOFER_RESULT_FID:
        if (check_fid("reply", "fid", r->fid.fid, err) < 0)
            return -1;
        return check_stat("reply.fid.stat", &r->fid.stat, err);
    case GOFER_RESULT_OPEN:
    case GOFER_RESULT_STAT:
        return check_stat("reply.stat", &r->stat, err);
    case GOFER_RESULT_READLINK:
        if (r->readlink == NULL || r->readlink[0] == '\0' ||
            strnlen(r->readlink, GOFER_TARGET_MAX + 1) > GOFER_TARGET_MAX)
            return rt_make_error(err, EINVAL, "readlink.target: empty or too long");
        return 0;
    case GOFER_RESULT_GETDENTS:
        if (r->dirents.n > GOFER_GETDENTS_MAX || (r->dirents.n > 0 && r->dirents.v == NULL))
            return rt_make_error(err, EINVAL, "getdents: more than %d entries", GOFER_GETDENTS_MAX);
        for (size_t i = 0; i < r->dirents.n; i++) {
            if (!gofer_name_is_valid(r->dirents.v[i].name))
                return rt_make_error(err, EINVAL, "getdents.entries[%zu].name: invalid", i);
            if (r->dirents.v[i].type > 15)
                return rt_make_error(err, EINVAL, "getdents.entries[%zu].type: %u", i,
                                     r->dirents.v[i].type);
        }
        return 0;
    case GOFER_RESULT_STATFS:
        return 0;
    case GOFER_RESULT_GETXATTR:
        if (r->getxattr.size > GOFER_XATTR_SIZE_MAX || r->getxattr.len > r->getxattr.size ||
            (r->getxattr.len > 0 && r->getxattr.value == NULL))
            return rt_make_error(err, EINVAL, "getxattr: value of %zu/%u bytes", r->getxattr.len,
                                 r->getxattr.size);
        return 0;
    case GOFER_RESULT_LISTXATTR:
        if (r->listxattr.size > GOFER_XATTR_LIST_MAX || r->listxattr.n > GOFER_XATTR_LIST_MAX / 2 ||
            (r->listxattr.n > 0 && r->listxattr.names == NULL))
            return rt_make_error(err, EINVAL, "listxattr: too many names");
        for (size_t i = 0; i < r->listxattr.n; i++) {
            if (!is_valid_xattr_name(r->listxattr.names[i]))
                return rt_make_error(err, EINVAL, "listxattr.names[%zu]: invalid", i);
        }
        return 0;
    }
    return rt_make_error(err, EINVAL, "response: unknown result kind %d", (int)r->kind);
}

int gofer_response_validate(enum gofer_op op, const struct gofer_response *resp, rt_error_t *err)
{
    return validate_response(op, resp, err);
}

/* ---- C -> protobuf-c ---- */

/* protobuf-c takes `char *` for strings it only reads while packing. */
static char *pb_str(const char *s)
{
    return (char *)(s == NULL ? "" : s);
}

/* Every submessage a request can hold, so that encoding needs no allocation but the output. */
struct request_pb {
    Gofer__Request req;
    union {
        Gofer__Attach attach;
        Gofer__Walk walk;
        Gofer__Open open;
        Gofer__Create create;
        Gofer__Mkdir mkdir;
        Gofer__Mknod mknod;
        Gofer__Unlink unlink;
        Gofer__Rmdir rmdir;
        Gofer__Rename rename;
        Gofer__Link link;
        Gofer__Symlink symlink;
        Gofer__Readlink readlink;
        Gofer__Getdents getdents;
        Gofer__StatRequest stat;
        Gofer__Setattr setattr;
        Gofer__Statfs statfs;
        Gofer__GetXattr getxattr;
        Gofer__SetXattr setxattr;
        Gofer__ListXattr listxattr;
        Gofer__RemoveXattr removexattr;
        Gofer__Close close;
    } u;
};

static void request_to_pb(const struct gofer_request *r, struct request_pb *p)
{
    p->req = (Gofer__Request)GOFER__REQUEST__INIT;
    p->req.version = GOFER_VERSION;
    p->req.tag = r->tag;
    switch (r->op) {
    case GOFER_OP_ATTACH:
        p->u.attach = (Gofer__Attach)GOFER__ATTACH__INIT;
        p->req.op_case = GOFER__REQUEST__OP_ATTACH;
        p->req.attach = &p->u.attach;
        break;
    case GOFER_OP_WALK:
        p->u.walk = (Gofer__Walk)GOFER__WALK__INIT;
        p->u.walk.dir_fid = r->fid;
        p->u.walk.name = pb_str(r->name);
        p->req.op_case = GOFER__REQUEST__OP_WALK;
        p->req.walk = &p->u.walk;
        break;
    case GOFER_OP_OPEN:
        p->u.open = (Gofer__Open)GOFER__OPEN__INIT;
        p->u.open.fid = r->fid;
        p->u.open.flags = r->flags;
        p->req.op_case = GOFER__REQUEST__OP_OPEN;
        p->req.open = &p->u.open;
        break;
    case GOFER_OP_CREATE:
        p->u.create = (Gofer__Create)GOFER__CREATE__INIT;
        p->u.create.dir_fid = r->fid;
        p->u.create.name = pb_str(r->name);
        p->u.create.flags = r->flags;
        p->u.create.mode = r->mode;
        p->u.create.uid = r->uid;
        p->u.create.gid = r->gid;
        p->req.op_case = GOFER__REQUEST__OP_CREATE;
        p->req.create = &p->u.create;
        break;
    case GOFER_OP_MKDIR:
        p->u.mkdir = (Gofer__Mkdir)GOFER__MKDIR__INIT;
        p->u.mkdir.dir_fid = r->fid;
        p->u.mkdir.name = pb_str(r->name);
        p->u.mkdir.mode = r->mode;
        p->u.mkdir.uid = r->uid;
        p->u.mkdir.gid = r->gid;
        p->req.op_case = GOFER__REQUEST__OP_MKDIR;
        p->req.mkdir = &p->u.mkdir;
        break;
    case GOFER_OP_MKNOD:
        p->u.mknod = (Gofer__Mknod)GOFER__MKNOD__INIT;
        p->u.mknod.dir_fid = r->fid;
        p->u.mknod.name = pb_str(r->name);
        p->u.mknod.mode = r->mode;
        p->u.mknod.rdev = r->rdev;
        p->u.mknod.uid = r->uid;
        p->u.mknod.gid = r->gid;
        p->req.op_case = GOFER__REQUEST__OP_MKNOD;
        p->req.mknod = &p->u.mknod;
        break;
    case GOFER_OP_UNLINK:
        p->u.unlink = (Gofer__Unlink)GOFER__UNLINK__INIT;
        p->u.unlink.dir_fid = r->fid;
        p->u.unlink.name = pb_str(r->name);
        p->req.op_case = GOFER__REQUEST__OP_UNLINK;
        p->req.unlink = &p->u.unlink;
        break;
    case GOFER_OP_RMDIR:
        p->u.rmdir = (Gofer__Rmdir)GOFER__RMDIR__INIT;
        p->u.rmdir.dir_fid = r->fid;
        p->u.rmdir.name = pb_str(r->name);
        p->req.op_case = GOFER__REQUEST__OP_RMDIR;
        p->req.rmdir = &p->u.rmdir;
        break;
    case GOFER_OP_RENAME:
        p->u.rename = (Gofer__Rename)GOFER__RENAME__INIT;
        p->u.rename.old_dir_fid = r->fid;
        p->u.rename.old_name = pb_str(r->name);
        p->u.rename.new_dir_fid = r->fid2;
        p->u.rename.new_name = pb_str(r->name2);
        p->u.rename.flags = r->flags;
        p->req.op_case = GOFER__REQUEST__OP_RENAME;
        p->req.rename = &p->u.rename;
        break;
    case GOFER_OP_LINK:
        p->u.link = (Gofer__Link)GOFER__LINK__INIT;
        p->u.link.target_fid = r->fid2;
        p->u.link.dir_fid = r->fid;
        p->u.link.name = pb_str(r->name);
        p->req.op_case = GOFER__REQUEST__OP_LINK;
        p->req.link = &p->u.link;
        break;
    case GOFER_OP_SYMLINK:
        p->u.symlink = (Gofer__Symlink)GOFER__SYMLINK__INIT;
        p->u.symlink.dir_fid = r->fid;
        p->u.symlink.name = pb_str(r->name);
        p->u.symlink.target = pb_str(r->name2);
        p->u.symlink.uid = r->uid;
        p->u.symlink.gid = r->gid;
        p->req.op_case = GOFER__REQUEST__OP_SYMLINK;
        p->req.symlink = &p->u.symlink;
        break;
    case GOFER_OP_READLINK:
        p->u.readlink = (Gofer__Readlink)GOFER__READLINK__INIT;
        p->u.readlink.fid = r->fid;
        p->req.op_case = GOFER__REQUEST__OP_READLINK;
        p->req.readlink = &p->u.readlink;
        break;
    case GOFER_OP_GETDENTS:
        p->u.getdents = (Gofer__Getdents)GOFER__GETDENTS__INIT;
        p->u.getdents.dir_fid = r->fid;
        p->u.getdents.offset = r->offset;
        p->u.getdents.count = r->count;
        p->req.op_case = GOFER__REQUEST__OP_GETDENTS;
        p->req.getdents = &p->u.getdents;
        break;
    case GOFER_OP_STAT:
        p->u.stat = (Gofer__StatRequest)GOFER__STAT_REQUEST__INIT;
        p->u.stat.fid = r->fid;
        p->req.op_case = GOFER__REQUEST__OP_STAT;
        p->req.stat = &p->u.stat;
        break;
    case GOFER_OP_SETATTR:
        p->u.setattr = (Gofer__Setattr)GOFER__SETATTR__INIT;
        p->u.setattr.fid = r->fid;
        p->u.setattr.mask = r->setattr.mask;
        p->u.setattr.mode = r->setattr.mode;
        p->u.setattr.uid = r->setattr.uid;
        p->u.setattr.gid = r->setattr.gid;
        p->u.setattr.size = r->setattr.size;
        p->u.setattr.atime_sec = r->setattr.atime_sec;
        p->u.setattr.atime_nsec = r->setattr.atime_nsec;
        p->u.setattr.mtime_sec = r->setattr.mtime_sec;
        p->u.setattr.mtime_nsec = r->setattr.mtime_nsec;
        p->req.op_case = GOFER__REQUEST__OP_SETATTR;
        p->req.setattr = &p->u.setattr;
        break;
    case GOFER_OP_STATFS:
        p->u.statfs = (Gofer__Statfs)GOFER__STATFS__INIT;
        p->u.statfs.fid = r->fid;
        p->req.op_case = GOFER__REQUEST__OP_STATFS;
        p->req.statfs = &p->u.statfs;
        break;
    case GOFER_OP_GETXATTR:
        p->u.getxattr = (Gofer__GetXattr)GOFER__GET_XATTR__INIT;
        p->u.getxattr.fid = r->fid;
        p->u.getxattr.name = pb_str(r->name);
        p->u.getxattr.size = r->size;
        p->req.op_case = GOFER__REQUEST__OP_GETXATTR;
        p->req.getxattr = &p->u.getxattr;
        break;
    case GOFER_OP_SETXATTR:
        p->u.setxattr = (Gofer__SetXattr)GOFER__SET_XATTR__INIT;
        p->u.setxattr.fid = r->fid;
        p->u.setxattr.name = pb_str(r->name);
        p->u.setxattr.value.data = (uint8_t *)r->value;
        p->u.setxattr.value.len = r->value_len;
        p->u.setxattr.flags = r->flags;
        p->req.op_case = GOFER__REQUEST__OP_SETXATTR;
        p->req.setxattr = &p->u.setxattr;
        break;
    case GOFER_OP_LISTXATTR:
        p->u.listxattr = (Gofer__ListXattr)GOFER__LIST_XATTR__INIT;
        p->u.listxattr.fid = r->fid;
        p->u.listxattr.size = r->size;
        p->req.op_case = GOFER__REQUEST__OP_LISTXATTR;
        p->req.listxattr = &p->u.listxattr;
        break;
    case GOFER_OP_REMOVEXATTR:
        p->u.removexattr = (Gofer__RemoveXattr)GOFER__REMOVE_XATTR__INIT;
        p->u.removexattr.fid = r->fid;
        p->u.removexattr.name = pb_str(r->name);
        p->req.op_case = GOFER__REQUEST__OP_REMOVEXATTR;
        p->req.removexattr = &p->u.removexattr;
        break;
    case GOFER_OP_CLOSE:
        p->u.close = (Gofer__Close)GOFER__CLOSE__INIT;
        p->u.close.n_fids = r->n_fids;
        p->u.close.fids = (uint64_t *)r->fids;
        p->req.op_case = GOFER__REQUEST__OP_CLOSE;
        p->req.close = &p->u.close;
        break;
    default:
        break;
    }
}

static int pack(const ProtobufCMessage *msg, uint8_t **out, size_t *len, rt_error_t *err)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf;

    if (n > RT_FRAME_MAX)
        return rt_make_error(err, EMSGSIZE, "gofer message of %zu bytes", n);
    buf = xmalloc(n + 1);
    protobuf_c_message_pack(msg, buf);
    *out = buf;
    *len = n;
    return 0;
}

int gofer_request_encode(const struct gofer_request *req, uint8_t **out, size_t *len,
                         rt_error_t *err)
{
    struct request_pb p;

    if (validate_request(req, err) < 0)
        return rt_error_wrap(err, "encoding gofer request");
    request_to_pb(req, &p);
    return pack(&p.req.base, out, len, err);
}

static void stat_to_pb(const struct gofer_stat *s, Gofer__Stat *p)
{
    *p = (Gofer__Stat)GOFER__STAT__INIT;
    p->dev = s->dev;
    p->ino = s->ino;
    p->mode = s->mode;
    p->nlink = s->nlink;
    p->uid = s->uid;
    p->gid = s->gid;
    p->rdev = s->rdev;
    p->size = s->size;
    p->blksize = s->blksize;
    p->blocks = s->blocks;
    p->atime_sec = s->atime_sec;
    p->atime_nsec = s->atime_nsec;
    p->mtime_sec = s->mtime_sec;
    p->mtime_nsec = s->mtime_nsec;
    p->ctime_sec = s->ctime_sec;
    p->ctime_nsec = s->ctime_nsec;
}

int gofer_response_encode(enum gofer_op op, const struct gofer_response *resp, uint8_t **out,
                          size_t *len, rt_error_t *err)
{
    Gofer__Response pb = GOFER__RESPONSE__INIT;
    Gofer__Error error = GOFER__ERROR__INIT;
    Gofer__Stat stat;
    Gofer__FidResult fid = GOFER__FID_RESULT__INIT;
    Gofer__OpenResult open = GOFER__OPEN_RESULT__INIT;
    Gofer__ReadlinkResult readlink = GOFER__READLINK_RESULT__INIT;
    Gofer__GetdentsResult getdents = GOFER__GETDENTS_RESULT__INIT;
    Gofer__StatfsResult statfs = GOFER__STATFS_RESULT__INIT;
    Gofer__GetXattrResult getxattr = GOFER__GET_XATTR_RESULT__INIT;
    Gofer__ListXattrResult listxattr = GOFER__LIST_XATTR_RESULT__INIT;
    cleanup_free Gofer__Dirent *ents = NULL;
    cleanup_free Gofer__Dirent **entp = NULL;
    int ret;

    if (validate_response(op, resp, err) < 0)
        return rt_error_wrap(err, "encoding gofer response");
    pb.version = GOFER_VERSION;
    pb.tag = resp->tag;
    if (resp->errnum != 0) {
        error.errnum = resp->errnum;
        pb.error = &error;
    }
    switch (resp->kind) {
    case GOFER_RESULT_NONE:
        break;
    case GOFER_RESULT_FID:
        stat_to_pb(&resp->fid.stat, &stat);
        fid.fid = resp->fid.fid;
        fid.stat = &stat;
        pb.result_case = GOFER__RESPONSE__RESULT_FID;
        pb.fid = &fid;
        break;
    case GOFER_RESULT_OPEN:
        stat_to_pb(&resp->stat, &stat);
        open.stat = &stat;
        pb.result_case = GOFER__RESPONSE__RESULT_OPEN;
        pb.open = &open;
        break;
    case GOFER_RESULT_STAT:
        stat_to_pb(&resp->stat, &stat);
        pb.result_case = GOFER__RESPONSE__RESULT_STAT;
        pb.stat = &stat;
        break;
    case GOFER_RESULT_READLINK:
        readlink.target = pb_str(resp->readlink);
        pb.result_case = GOFER__RESPONSE__RESULT_READLINK;
        pb.readlink = &readlink;
        break;
    case GOFER_RESULT_GETDENTS:
        ents = xcalloc(resp->dirents.n + 1, sizeof(*ents));
        entp = xcalloc(resp->dirents.n + 1, sizeof(*entp));
        for (size_t i = 0; i < resp->dirents.n; i++) {
            ents[i] = (Gofer__Dirent)GOFER__DIRENT__INIT;
            ents[i].ino = resp->dirents.v[i].ino;
            ents[i].offset = resp->dirents.v[i].offset;
            ents[i].type = resp->dirents.v[i].type;
            ents[i].name = resp->dirents.v[i].name;
            entp[i] = &ents[i];
        }
        getdents.n_entries = resp->dirents.n;
        getdents.entries = entp;
        pb.result_case = GOFER__RESPONSE__RESULT_GETDENTS;
        pb.getdents = &getdents;
        break;
    case GOFER_RESULT_STATFS: {
        const struct gofer_statfs *s = &resp->statfs;

        statfs.type = s->type;
        statfs.bsize = s->bsize;
        statfs.blocks = s->blocks;
        statfs.bfree = s->bfree;
        statfs.bavail = s->bavail;
        statfs.files = s->files;
        statfs.ffree = s->ffree;
        statfs.namelen = s->namelen;
        statfs.frsize = s->frsize;
        statfs.flags = s->flags;
        pb.result_case = GOFER__RESPONSE__RESULT_STATFS;
        pb.statfs = &statfs;
        break;
    }
    case GOFER_RESULT_GETXATTR:
        getxattr.value.data = resp->getxattr.value;
        getxattr.value.len = resp->getxattr.len;
        getxattr.size = resp->getxattr.size;
        pb.result_case = GOFER__RESPONSE__RESULT_GETXATTR;
        pb.getxattr = &getxattr;
        break;
    case GOFER_RESULT_LISTXATTR:
        listxattr.n_names = resp->listxattr.n;
        listxattr.names = resp->listxattr.names;
        listxattr.size = resp->listxattr.size;
        pb.result_case = GOFER__RESPONSE__RESULT_LISTXATTR;
        pb.listxattr = &listxattr;
        break;
    }
    ret = pack(&pb.base, out, len, err);
    return ret;
}

/* ---- protobuf-c -> C ---- */

static int check_canonical(const ProtobufCMessage *msg, size_t len, rt_error_t *err)
{
    size_t packed = protobuf_c_message_get_packed_size(msg);

    if (packed != len)
        return rt_make_error(err, EINVAL,
                             "message is not in canonical form (%zu bytes repack to %zu): "
                             "embedded NUL, duplicate or default-valued field",
                             len, packed);
    return 0;
}

static char *dup_str(const char *s)
{
    return s == NULL ? NULL : xstrdup(s);
}

static void free_const(const void *p)
{
    free((void *)p);
}

void gofer_request_free(struct gofer_request *req)
{
    free_const(req->name);
    free_const(req->name2);
    free_const(req->value);
    free_const(req->fids);
    memset(req, 0, sizeof(*req));
}

static int request_from_pb(const Gofer__Request *pb, struct gofer_request *r, rt_error_t *err)
{
    switch (pb->op_case) {
    case GOFER__REQUEST__OP_ATTACH:
        r->op = GOFER_OP_ATTACH;
        return 0;
    case GOFER__REQUEST__OP_WALK:
        r->op = GOFER_OP_WALK;
        r->fid = pb->walk->dir_fid;
        r->name = dup_str(pb->walk->name);
        return 0;
    case GOFER__REQUEST__OP_OPEN:
        r->op = GOFER_OP_OPEN;
        r->fid = pb->open->fid;
        r->flags = pb->open->flags;
        return 0;
    case GOFER__REQUEST__OP_CREATE:
        r->op = GOFER_OP_CREATE;
        r->fid = pb->create->dir_fid;
        r->name = dup_str(pb->create->name);
        r->flags = pb->create->flags;
        r->mode = pb->create->mode;
        r->uid = pb->create->uid;
        r->gid = pb->create->gid;
        return 0;
    case GOFER__REQUEST__OP_MKDIR:
        r->op = GOFER_OP_MKDIR;
        r->fid = pb->mkdir->dir_fid;
        r->name = dup_str(pb->mkdir->name);
        r->mode = pb->mkdir->mode;
        r->uid = pb->mkdir->uid;
        r->gid = pb->mkdir->gid;
        return 0;
    case GOFER__REQUEST__OP_MKNOD:
        r->op = GOFER_OP_MKNOD;
        r->fid = pb->mknod->dir_fid;
        r->name = dup_str(pb->mknod->name);
        r->mode = pb->mknod->mode;
        r->rdev = pb->mknod->rdev;
        r->uid = pb->mknod->uid;
        r->gid = pb->mknod->gid;
        return 0;
    case GOFER__REQUEST__OP_UNLINK:
        r->op = GOFER_OP_UNLINK;
        r->fid = pb->unlink->dir_fid;
        r->name = dup_str(pb->unlink->name);
        return 0;
    case GOFER__REQUEST__OP_RMDIR:
        r->op = GOFER_OP_RMDIR;
        r->fid = pb->rmdir->dir_fid;
        r->name = dup_str(pb->rmdir->name);
        return 0;
    case GOFER__REQUEST__OP_RENAME:
        r->op = GOFER_OP_RENAME;
        r->fid = pb->rename->old_dir_fid;
        r->name = dup_str(pb->rename->old_name);
        r->fid2 = pb->rename->new_dir_fid;
        r->name2 = dup_str(pb->rename->new_name);
        r->flags = pb->rename->flags;
        return 0;
    case GOFER__REQUEST__OP_LINK:
        r->op = GOFER_OP_LINK;
        r->fid2 = pb->link->target_fid;
        r->fid = pb->link->dir_fid;
        r->name = dup_str(pb->link->name);
        return 0;
    case GOFER__REQUEST__OP_SYMLINK:
        r->op = GOFER_OP_SYMLINK;
        r->fid = pb->symlink->dir_fid;
        r->name = dup_str(pb->symlink->name);
        r->name2 = dup_str(pb->symlink->target);
        r->uid = pb->symlink->uid;
        r->gid = pb->symlink->gid;
        return 0;
    case GOFER__REQUEST__OP_READLINK:
        r->op = GOFER_OP_READLINK;
        r->fid = pb->readlink->fid;
        return 0;
    case GOFER__REQUEST__OP_GETDENTS:
        r->op = GOFER_OP_GETDENTS;
        r->fid = pb->getdents->dir_fid;
        r->offset = pb->getdents->offset;
        r->count = pb->getdents->count;
        return 0;
    case GOFER__REQUEST__OP_STAT:
        r->op = GOFER_OP_STAT;
        r->fid = pb->stat->fid;
        return 0;
    case GOFER__REQUEST__OP_SETATTR: {
        const Gofer__Setattr *s = pb->setattr;

        r->op = GOFER_OP_SETATTR;
        r->fid = s->fid;
        r->setattr.mask = s->mask;
        r->setattr.mode = s->mode;
        r->setattr.uid = s->uid;
        r->setattr.gid = s->gid;
        r->setattr.size = s->size;
        r->setattr.atime_sec = s->atime_sec;
        r->setattr.atime_nsec = s->atime_nsec;
        r->setattr.mtime_sec = s->mtime_sec;
        r->setattr.mtime_nsec = s->mtime_nsec;
        return 0;
    }
    case GOFER__REQUEST__OP_STATFS:
        r->op = GOFER_OP_STATFS;
        r->fid = pb->statfs->fid;
        return 0;
    case GOFER__REQUEST__OP_GETXATTR:
        r->op = GOFER_OP_GETXATTR;
        r->fid = pb->getxattr->fid;
        r->name = dup_str(pb->getxattr->name);
        r->size = pb->getxattr->size;
        return 0;
    case GOFER__REQUEST__OP_SETXATTR: {
        uint8_t *v;

        r->op = GOFER_OP_SETXATTR;
        r->fid = pb->setxattr->fid;
        r->name = dup_str(pb->setxattr->name);
        r->flags = pb->setxattr->flags;
        if (pb->setxattr->value.len > GOFER_XATTR_SIZE_MAX)
            return rt_make_error(err, EINVAL, "setxattr.value: more than %d bytes",
                                 GOFER_XATTR_SIZE_MAX);
        v = xmalloc(pb->setxattr->value.len + 1);
        if (pb->setxattr->value.len > 0)
            memcpy(v, pb->setxattr->value.data, pb->setxattr->value.len);
        r->value = v;
        r->value_len = pb->setxattr->value.len;
        return 0;
    }
    case GOFER__REQUEST__OP_LISTXATTR:
        r->op = GOFER_OP_LISTXATTR;
        r->fid = pb->listxattr->fid;
        r->size = pb->listxattr->size;
        return 0;
    case GOFER__REQUEST__OP_REMOVEXATTR:
        r->op = GOFER_OP_REMOVEXATTR;
        r->fid = pb->removexattr->fid;
        r->name = dup_str(pb->removexattr->name);
        return 0;
    case GOFER__REQUEST__OP_CLOSE: {
        uint64_t *v;

        r->op = GOFER_OP_CLOSE;
        if (pb->close->n_fids > GOFER_CLOSE_MAX)
            return rt_make_error(err, EINVAL, "close.fids: more than %d", GOFER_CLOSE_MAX);
        v = xcalloc(pb->close->n_fids + 1, sizeof(*v));
        if (pb->close->n_fids > 0)
            memcpy(v, pb->close->fids, pb->close->n_fids * sizeof(*v));
        r->fids = v;
        r->n_fids = pb->close->n_fids;
        return 0;
    }
    default:
        break;
    }
    return rt_make_error(err, EINVAL, "request: no or unknown operation %d", (int)pb->op_case);
}

int gofer_request_decode(const uint8_t *buf, size_t len, int *fds, size_t nfds,
                         struct gofer_request *out, rt_error_t *err)
{
    Gofer__Request *pb;
    uint64_t tag;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    rt_close_fd_array(fds, nfds);
    if (len > RT_FRAME_MAX)
        return rt_make_error(err, EMSGSIZE, "decoding gofer request of %zu bytes", len);
    pb = gofer__request__unpack(NULL, len, buf);
    if (pb == NULL)
        return rt_make_error(err, EINVAL, "decoding gofer request: malformed (%zu bytes)", len);
    out->tag = pb->tag;
    if (pb->version != GOFER_VERSION)
        rt_make_error(err, EPROTONOSUPPORT,
                      "gofer protocol version %u is not supported (this gofer speaks %d)",
                      pb->version, GOFER_VERSION);
    else if (nfds > 0)
        rt_make_error(err, EINVAL, "%zu unexpected descriptors", nfds);
    else if (check_canonical(&pb->base, len, err) == 0 && request_from_pb(pb, out, err) == 0 &&
             validate_request(out, err) == 0)
        ret = 0;
    gofer__request__free_unpacked(pb, NULL);
    if (ret < 0) {
        tag = out->tag;
        gofer_request_free(out);
        out->tag = tag;
        return rt_error_wrap(err, "decoding gofer request");
    }
    return 0;
}

void gofer_response_free(struct gofer_response *resp)
{
    switch (resp->kind) {
    case GOFER_RESULT_READLINK:
        free(resp->readlink);
        break;
    case GOFER_RESULT_GETDENTS:
        if (resp->dirents.v != NULL) {
            for (size_t i = 0; i < resp->dirents.n; i++)
                free(resp->dirents.v[i].name);
            free(resp->dirents.v);
        }
        break;
    case GOFER_RESULT_GETXATTR:
        free(resp->getxattr.value);
        break;
    case GOFER_RESULT_LISTXATTR:
        if (resp->listxattr.names != NULL) {
            for (size_t i = 0; i < resp->listxattr.n; i++)
                free(resp->listxattr.names[i]);
            free(resp->listxattr.names);
        }
        break;
    default:
        break;
    }
    memset(resp, 0, sizeof(*resp));
}

static int stat_from_pb(const Gofer__Stat *p, struct gofer_stat *s, rt_error_t *err)
{
    if (p == NULL)
        return rt_make_error(err, EINVAL, "reply: missing stat");
    *s = (struct gofer_stat){
        .dev = p->dev,
        .ino = p->ino,
        .mode = p->mode,
        .nlink = p->nlink,
        .uid = p->uid,
        .gid = p->gid,
        .rdev = p->rdev,
        .size = p->size,
        .blksize = p->blksize,
        .blocks = p->blocks,
        .atime_sec = p->atime_sec,
        .atime_nsec = p->atime_nsec,
        .mtime_sec = p->mtime_sec,
        .mtime_nsec = p->mtime_nsec,
        .ctime_sec = p->ctime_sec,
        .ctime_nsec = p->ctime_nsec,
    };
    return 0;
}

static int response_from_pb(const Gofer__Response *pb, struct gofer_response *r, rt_error_t *err)
{
    if (pb->error != NULL) {
        r->errnum = pb->error->errnum;
        if (r->errnum == 0)
            return rt_make_error(err, EINVAL, "error.errnum: 0 in an error");
    }
    switch (pb->result_case) {
    case GOFER__RESPONSE__RESULT__NOT_SET:
        return 0;
    case GOFER__RESPONSE__RESULT_FID:
        r->kind = GOFER_RESULT_FID;
        r->fid.fid = pb->fid->fid;
        return stat_from_pb(pb->fid->stat, &r->fid.stat, err);
    case GOFER__RESPONSE__RESULT_OPEN:
        r->kind = GOFER_RESULT_OPEN;
        return stat_from_pb(pb->open->stat, &r->stat, err);
    case GOFER__RESPONSE__RESULT_STAT:
        r->kind = GOFER_RESULT_STAT;
        return stat_from_pb(pb->stat, &r->stat, err);
    case GOFER__RESPONSE__RESULT_READLINK:
        r->kind = GOFER_RESULT_READLINK;
        r->readlink = dup_str(pb->readlink->target);
        return 0;
    case GOFER__RESPONSE__RESULT_GETDENTS: {
        size_t n = pb->getdents->n_entries;

        r->kind = GOFER_RESULT_GETDENTS;
        if (n > GOFER_GETDENTS_MAX)
            return rt_make_error(err, EINVAL, "getdents: more than %d entries", GOFER_GETDENTS_MAX);
        r->dirents.v = xcalloc(n + 1, sizeof(*r->dirents.v));
        r->dirents.n = n;
        for (size_t i = 0; i < n; i++) {
            const Gofer__Dirent *d = pb->getdents->entries[i];

            if (d->type > 15)
                return rt_make_error(err, EINVAL, "getdents.entries[%zu].type: %u", i, d->type);
            r->dirents.v[i] = (struct gofer_dirent){
                .ino = d->ino,
                .offset = d->offset,
                .type = (uint8_t)d->type,
                .name = dup_str(d->name),
            };
        }
        return 0;
    }
    case GOFER__RESPONSE__RESULT_STATFS: {
        const Gofer__StatfsResult *s = pb->statfs;

        r->kind = GOFER_RESULT_STATFS;
        r->statfs = (struct gofer_statfs){
            .type = s->type,
            .bsize = s->bsize,
            .blocks = s->blocks,
            .bfree = s->bfree,
            .bavail = s->bavail,
            .files = s->files,
            .ffree = s->ffree,
            .namelen = s->namelen,
            .frsize = s->frsize,
            .flags = s->flags,
        };
        return 0;
    }
    case GOFER__RESPONSE__RESULT_GETXATTR: {
        size_t n = pb->getxattr->value.len;

        r->kind = GOFER_RESULT_GETXATTR;
        if (n > GOFER_XATTR_SIZE_MAX)
            return rt_make_error(err, EINVAL, "getxattr.value: more than %d bytes",
                                 GOFER_XATTR_SIZE_MAX);
        r->getxattr.size = pb->getxattr->size;
        r->getxattr.len = n;
        if (n > 0) {
            r->getxattr.value = xmalloc(n);
            memcpy(r->getxattr.value, pb->getxattr->value.data, n);
        }
        return 0;
    }
    case GOFER__RESPONSE__RESULT_LISTXATTR: {
        size_t n = pb->listxattr->n_names;

        r->kind = GOFER_RESULT_LISTXATTR;
        if (n > GOFER_XATTR_LIST_MAX / 2)
            return rt_make_error(err, EINVAL, "listxattr: too many names");
        r->listxattr.names = xcalloc(n + 1, sizeof(char *));
        r->listxattr.n = n;
        r->listxattr.size = pb->listxattr->size;
        for (size_t i = 0; i < n; i++)
            r->listxattr.names[i] = dup_str(pb->listxattr->names[i]);
        return 0;
    }
    default:
        break;
    }
    return rt_make_error(err, EINVAL, "reply: unknown result %d", (int)pb->result_case);
}

int gofer_response_decode(enum gofer_op op, const uint8_t *buf, size_t len, int *fds, size_t nfds,
                          struct gofer_response *out, rt_error_t *err)
{
    Gofer__Response *pb;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    if (len > RT_FRAME_MAX) {
        rt_close_fd_array(fds, nfds);
        return rt_make_error(err, EMSGSIZE, "decoding gofer reply of %zu bytes", len);
    }
    pb = gofer__response__unpack(NULL, len, buf);
    if (pb == NULL) {
        rt_close_fd_array(fds, nfds);
        return rt_make_error(err, EINVAL, "decoding gofer reply: malformed (%zu bytes)", len);
    }
    out->tag = pb->tag;
    if (pb->version != GOFER_VERSION)
        rt_make_error(err, EPROTONOSUPPORT, "gofer protocol version %u is not supported",
                      pb->version);
    else if (check_canonical(&pb->base, len, err) == 0 && response_from_pb(pb, out, err) == 0 &&
             validate_response(op, out, err) == 0) {
        if (nfds != gofer_reply_fd_count(op, out->errnum))
            rt_make_error(err, EINVAL, "%s reply with %zu descriptors, expected %zu",
                          gofer_op_name(op), nfds, gofer_reply_fd_count(op, out->errnum));
        else
            ret = 0;
    }
    gofer__response__free_unpacked(pb, NULL);
    if (ret < 0) {
        rt_close_fd_array(fds, nfds);
        gofer_response_free(out);
        return rt_error_wrap(err, "decoding gofer reply");
    }
    return 0;
}

void gofer_response_set_error(struct gofer_response *resp, uint64_t tag, int errnum)
{
    gofer_response_free(resp);
    resp->tag = tag;
    resp->errnum = errnum > 0 && errnum <= 4095 ? errnum : EIO;
}
