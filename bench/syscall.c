/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syscall round-trip benchmark: N raw getppid syscalls per batch, 5 batches
 * after a warm-up of N/10, timed on the application side. Prints the median
 * (and min, max) cost per call in ns. Usage: syscall [N].
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>

#define BATCHES 5

static long raw_getppid(void)
{
    long ret;

    __asm__ volatile("syscall" : "=a"(ret) : "0"((long)SYS_getppid) : "rcx", "r11", "memory");
    return ret;
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    double per[BATCHES];
    long first = raw_getppid();

    if (n <= 0) {
        fprintf(stderr, "usage: %s [N]\n", argv[0]);
        return 2;
    }
    for (long i = 0; i < n / 10; i++)
        raw_getppid();
    for (int b = 0; b < BATCHES; b++) {
        double start = now_ns();

        for (long i = 0; i < n; i++) {
            if (raw_getppid() != first) {
                fprintf(stderr, "getppid changed\n");
                return 1;
            }
        }
        per[b] = (now_ns() - start) / (double)n;
    }
    qsort(per, BATCHES, sizeof(per[0]), cmp_double);
    printf("getppid: %.0f ns/call (min %.0f, max %.0f; %ld calls x %d batches)\n", per[BATCHES / 2],
           per[0], per[BATCHES - 1], n, BATCHES);
    return 0;
}
