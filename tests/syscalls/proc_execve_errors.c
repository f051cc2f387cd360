/* SPDX-License-Identifier: Apache-2.0 */
/* execve errors: ENOENT, EACCES (no execute bit, directory), ENOEXEC for an
 * unknown format, ENOTDIR, EFAULT, and ENOENT for a script whose interpreter is missing. The
 * process survives every failed execve. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static void write_file(const char *path, const char *content, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, content, strlen(content)), (long)strlen(content));
    CHECK(close(fd) == 0);
    CHECK(chmod(path, mode) == 0);
}

int main(void)
{
    char dir[64], path[128], sub[160];
    test_mkdtemp(dir);
    char *args[] = { "x", NULL };
    char *env[] = { NULL };

    snprintf(path, sizeof(path), "%s/missing", dir);
    CHECK_ERR(execve(path, args, env), ENOENT);

    snprintf(path, sizeof(path), "%s/noexec", dir);
    write_file(path,
               "\x7f"
               "ELF garbage",
               0644);
    CHECK_ERR(execve(path, args, env), EACCES);

    /* Executable but not a known format (too short for ELF, no #!). */
    snprintf(path, sizeof(path), "%s/garbage", dir);
    write_file(path, "this is not a program\n", 0755);
    CHECK_ERR(execve(path, args, env), ENOEXEC);

    /* An empty executable file. */
    char empty[128];
    snprintf(empty, sizeof(empty), "%s/empty", dir);
    write_file(empty, "", 0755);
    CHECK_ERR(execve(empty, args, env), ENOEXEC);

    /* A directory. */
    CHECK_ERR(execve(dir, args, env), EACCES);

    /* A path through a regular file. */
    snprintf(sub, sizeof(sub), "%s/x", path);
    CHECK_ERR(execve(sub, args, env), ENOTDIR);

    /* Script with a missing interpreter reports ENOENT. */
    char script[128];
    snprintf(script, sizeof(script), "%s/script", dir);
    write_file(script, "#!/nonexistent/interpreter\n", 0755);
    CHECK_ERR(execve(script, args, env), ENOENT);

    CHECK_ERR(syscall(SYS_execve, (void *)8, args, env), EFAULT);
    CHECK_ERR(syscall(SYS_execve, path, (void *)8, env), EFAULT);
    CHECK_ERR(execve("", args, env), ENOENT);

    CHECK(unlink(path) == 0);
    snprintf(path, sizeof(path), "%s/noexec", dir);
    CHECK(unlink(path) == 0);
    CHECK(unlink(empty) == 0);
    CHECK(unlink(script) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
