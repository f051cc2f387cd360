/* SPDX-License-Identifier: Apache-2.0 */
/* sysinfo reports a positive uptime consistent with /proc/uptime and CLOCK_BOOTTIME, memory
 * totals consistent with /proc/meminfo's MemTotal, and at least one process. */
#include "test.h"

#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <time.h>

int main(void)
{
    struct sysinfo si;
    CHECK(sysinfo(&si) == 0);
    CHECK(si.uptime > 0);
    CHECK(si.totalram > 0);
    CHECK(si.freeram <= si.totalram);
    CHECK(si.mem_unit >= 1);
    CHECK(si.procs >= 1);

    struct timespec bt;
    CHECK(clock_gettime(CLOCK_BOOTTIME, &bt) == 0);
    CHECK(bt.tv_sec - si.uptime >= -1 && bt.tv_sec - si.uptime <= 1);

    FILE *f = fopen("/proc/uptime", "r");
    CHECK(f != NULL);
    double up = 0;
    CHECK(fscanf(f, "%lf", &up) == 1);
    fclose(f);
    CHECK(up - si.uptime >= -1.5 && up - si.uptime <= 1.5);

    f = fopen("/proc/meminfo", "r");
    CHECK(f != NULL);
    char line[128];
    unsigned long kb = 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "MemTotal: %lu kB", &kb) == 1)
            break;
    fclose(f);
    CHECK(kb > 0);
    unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
    CHECK_EQ(total / 1024, kb);

    CHECK(get_nprocs() >= 1);
    CHECK_ERR(syscall(SYS_sysinfo, (void *)8), EFAULT);
    TEST_OK();
}
