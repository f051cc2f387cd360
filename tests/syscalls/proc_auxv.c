/* SPDX-License-Identifier: Apache-2.0 */
/* The exec'd image gets a sane auxiliary vector (page size, uids, AT_RANDOM, AT_EXECFN, entry,
 * program headers) and /proc/self/cmdline, /proc/self/environ and /proc/self/auxv match what
 * the process sees. */
#include "test.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/auxv.h>

static size_t read_all(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, buf + got, len - got)) > 0)
        got += n;
    CHECK(n == 0);
    close(fd);
    return got;
}

int main(int argc, char **argv, char **envp)
{
    if (argc < 2 || strcmp(argv[1], "--child") != 0) {
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            char *args[] = { "auxv-test", "--child", "x y", NULL };
            char *env[] = { "A=1", "BB=two", NULL };
            execve("/proc/self/exe", args, env);
            _exit(99);
        }
        test_wait_exit(child, 0);
        TEST_OK();
    }

    CHECK_EQ(getauxval(AT_PAGESZ), 4096);
    CHECK_EQ(getauxval(AT_UID), getuid());
    CHECK_EQ(getauxval(AT_EUID), geteuid());
    CHECK_EQ(getauxval(AT_GID), getgid());
    CHECK_EQ(getauxval(AT_EGID), getegid());
    CHECK_EQ(getauxval(AT_SECURE), 0);
    CHECK_EQ(getauxval(AT_CLKTCK), 100);
    CHECK(getauxval(AT_ENTRY) != 0);
    CHECK(getauxval(AT_PHDR) != 0);
    CHECK_EQ(getauxval(AT_PHENT), sizeof(Elf64_Phdr));
    CHECK(getauxval(AT_PHNUM) > 0);
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(rnd != NULL);
    int nonzero = 0;
    for (int i = 0; i < 16; i++)
        nonzero |= rnd[i];
    CHECK(nonzero);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    CHECK(execfn != NULL);
    CHECK(strcmp(execfn, "/proc/self/exe") == 0);
    /* The first program header of a static binary describes itself or a LOAD segment. */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    CHECK(ph[0].p_type == PT_LOAD || ph[0].p_type == PT_PHDR);

    /* /proc/self/cmdline is argv, NUL separated. */
    char buf[4096];
    size_t n = read_all("/proc/self/cmdline", buf, sizeof(buf));
    static const char want[] = "auxv-test\0--child\0x y\0";
    CHECK_EQ(n, sizeof(want) - 1);
    CHECK(memcmp(buf, want, n) == 0);
    n = read_all("/proc/self/environ", buf, sizeof(buf));
    static const char want_env[] = "A=1\0BB=two\0";
    CHECK_EQ(n, sizeof(want_env) - 1);
    CHECK(memcmp(buf, want_env, n) == 0);
    CHECK(strcmp(envp[0], "A=1") == 0);

    /* /proc/self/auxv holds the same pairs, ending with AT_NULL. */
    n = read_all("/proc/self/auxv", buf, sizeof(buf));
    CHECK(n % 16 == 0 && n >= 16);
    const unsigned long *av = (const unsigned long *)buf;
    int found_pagesz = 0;
    for (size_t i = 0; i < n / 16; i++) {
        if (av[2 * i] == AT_PAGESZ && av[2 * i + 1] == 4096)
            found_pagesz = 1;
        if (av[2 * i] == AT_RANDOM)
            CHECK_EQ(av[2 * i + 1], (unsigned long)rnd);
    }
    CHECK(found_pagesz);
    CHECK_EQ(av[n / 8 - 2], AT_NULL);

    /* argv and envp are laid out on the stack: argv[argc] is NULL and envp follows it. */
    CHECK(argv[argc] == NULL);
    CHECK(envp == argv + argc + 1);
    return 0;
}
