/* SPDX-License-Identifier: Apache-2.0 */
/* A "#!" script runs its interpreter with argv = [interpreter, optional-arg, script path,
 * original argv[1..]]; the original argv[0] is dropped. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "one-arg with spaces") == 0) {
        /* Running as the interpreter. */
        CHECK_EQ(argc, 5);
        CHECK(strstr(argv[2], "/script") != NULL);
        CHECK(strcmp(argv[3], "a1") == 0);
        CHECK(strcmp(argv[4], "a2") == 0);
        return 55;
    }

    char exe[256];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n] = 0;

    char dir[64], script[128];
    test_mkdtemp(dir);
    snprintf(script, sizeof(script), "%s/script", dir);
    int fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 0);
    /* Everything after the interpreter up to the newline is a single argument. */
    dprintf(fd, "#!%s one-arg with spaces\nrest of the file is ignored\n", exe);
    CHECK(close(fd) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char *args[] = { "argv0-dropped", "a1", "a2", NULL };
        execv(script, args);
        _exit(99);
    }
    test_wait_exit(child, 55);

    /* Leading whitespace after "#!" is skipped. */
    fd = open(script, O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    dprintf(fd, "#!  \t%s one-arg with spaces\n", exe);
    CHECK(close(fd) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char *args[] = { "x", "a1", "a2", NULL };
        execv(script, args);
        _exit(99);
    }
    test_wait_exit(child, 55);

    CHECK(unlink(script) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
