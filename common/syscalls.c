/* SPDX-License-Identifier: Apache-2.0 */
/* Raw syscall(2) wrappers for calls glibc 2.36 lacks or hides. */
#include <sys/syscall.h>
#include <unistd.h>

#include "common/syscalls.h"

_Static_assert(sizeof(struct rt_clone_args) == 88, "clone_args is CLONE_ARGS_SIZE_VER2");
_Static_assert(sizeof(struct open_how) == 24, "open_how is OPEN_HOW_SIZE_VER0");

long rt_sys_clone3(struct rt_clone_args *args, size_t size)
{
    return syscall(SYS_clone3, args, size);
}

int rt_sys_pidfd_open(pid_t pid, unsigned int flags)
{
    return (int)syscall(SYS_pidfd_open, pid, flags);
}

int rt_sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

int rt_sys_pidfd_getfd(int pidfd, int targetfd, unsigned int flags)
{
    return (int)syscall(SYS_pidfd_getfd, pidfd, targetfd, flags);
}

int rt_sys_pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int rt_sys_seccomp(unsigned int op, unsigned int flags, void *args)
{
    return (int)syscall(SYS_seccomp, op, flags, args);
}

int rt_sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
    return (int)syscall(SYS_openat2, dirfd, path, how, size);
}

int rt_sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
    return (int)syscall(SYS_close_range, first, last, flags);
}

int rt_sys_execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
    return (int)syscall(SYS_execveat, dirfd, path, argv, envp, flags);
}

int rt_sys_open_tree(int dirfd, const char *path, unsigned int flags)
{
    return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

int rt_sys_move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path,
                      unsigned int flags)
{
    return (int)syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

int rt_sys_mount_setattr(int dirfd, const char *path, unsigned int flags, struct mount_attr *attr,
                         size_t size)
{
    return (int)syscall(SYS_mount_setattr, dirfd, path, flags, attr, size);
}

int rt_sys_fsopen(const char *fsname, unsigned int flags)
{
    return (int)syscall(SYS_fsopen, fsname, flags);
}

int rt_sys_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
    return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

int rt_sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
    return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}

int rt_sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
    return (int)syscall(SYS_tgkill, tgid, tid, sig);
}

pid_t rt_sys_gettid(void)
{
    return (pid_t)syscall(SYS_gettid);
}
