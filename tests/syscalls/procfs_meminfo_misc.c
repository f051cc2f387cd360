/* SPDX-License-Identifier: Apache-2.0 */
/* System-wide /proc files parse: meminfo has MemTotal >= MemFree and MemAvailable in kB,
 * cpuinfo has one "processor" entry per online CPU, uptime has two non-negative floats with
 * uptime consistent with CLOCK_BOOTTIME, loadavg has three floats and running/total counts
 * and the last pid; the files are not writable (EIO for root, EACCES otherwise). */
#include "test.h"

#include <fcntl.h>
#include <time.h>

static long meminfo(const char *key)
{
    FILE *fp = fopen("/proc/meminfo", "r");
    CHECK(fp != NULL);
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof(line), fp))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            char unit[8] = { 0 };
            CHECK_EQ(sscanf(line + kl + 1, "%ld %7s", &v, unit), 2);
            CHECK(strcmp(unit, "kB") == 0);
        }
    fclose(fp);
    return v;
}

int main(void)
{
    long total = meminfo("MemTotal"), free_ = meminfo("MemFree"), avail = meminfo("MemAvailable");
    CHECK(total > 0 && free_ >= 0 && avail >= 0);
    CHECK(free_ <= total && avail <= total);
    CHECK(meminfo("SwapTotal") >= 0);
    CHECK(meminfo("Cached") >= 0);

    FILE *fp = fopen("/proc/cpuinfo", "r");
    CHECK(fp != NULL);
    char line[512];
    int cpus = 0;
    while (fgets(line, sizeof(line), fp))
        if (strncmp(line, "processor", 9) == 0)
            cpus++;
    fclose(fp);
    CHECK_EQ(cpus, sysconf(_SC_NPROCESSORS_ONLN));

    fp = fopen("/proc/uptime", "r");
    CHECK(fp != NULL);
    double up = -1, idle = -1;
    CHECK_EQ(fscanf(fp, "%lf %lf", &up, &idle), 2);
    fclose(fp);
    struct timespec bt;
    CHECK(clock_gettime(CLOCK_BOOTTIME, &bt) == 0);
    CHECK(up > 0 && idle >= 0);
    CHECK(up <= bt.tv_sec + 1.0 && up >= bt.tv_sec - 1.0);

    fp = fopen("/proc/loadavg", "r");
    CHECK(fp != NULL);
    double l1, l5, l15;
    int running, tot, lastpid;
    CHECK_EQ(fscanf(fp, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &tot, &lastpid), 6);
    fclose(fp);
    CHECK(l1 >= 0 && l5 >= 0 && l15 >= 0);
    CHECK(running >= 1 && running <= tot);
    CHECK(lastpid > 0);
    /* /proc/stat starts with the aggregate "cpu" line. */
    fp = fopen("/proc/stat", "r");
    CHECK(fp != NULL);
    CHECK(fgets(line, sizeof(line), fp) != NULL);
    CHECK(strncmp(line, "cpu ", 4) == 0);
    fclose(fp);
    /* Mode 0444: root may open it for writing (DAC override), but writes fail with EIO;
     * an unprivileged user gets EACCES at open. */
    int wfd = open("/proc/meminfo", O_WRONLY);
    if (test_has_cap(CAP_DAC_OVERRIDE)) {
        CHECK(wfd >= 0);
        CHECK_ERR(write(wfd, "x", 1), EIO);
        close(wfd);
    } else {
        CHECK(wfd == -1 && errno == EACCES);
    }
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        _exit(open("/proc/meminfo", O_WRONLY) == -1 && errno == EACCES ? 0 : 3);
    }
    test_wait_exit(pid, 0);
    TEST_OK();
}
