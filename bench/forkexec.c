/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmark: fork + execve + wait of a program (default /bin/true), N times; prints us per round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    const char *prog = argc > 2 ? argv[2] : "/bin/true";
    double start;

    if (n <= 0) {
        fprintf(stderr, "forkexec: bad count\n");
        return 2;
    }
    start = now_us();
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        int status;

        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            execl(prog, prog, (char *)NULL);
            _exit(127);
        }
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "forkexec: %s failed (status 0x%x)\n", prog, status);
            return 1;
        }
    }
    printf("forkexec: %.0f us/round (%d rounds of fork+exec+wait of %s)\n", (now_us() - start) / n,
           n, prog);
    return 0;
}
