/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/status: Name, State, Tgid, Pid, PPid, Uid/Gid (real, effective, saved, fs),
 * Threads and SigBlk agree with what the process knows; a thread's /proc/self/task/<tid>/status
 * shows its own Pid with the shared Tgid. */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

static char *field(const char *path, const char *name, char *out, size_t len)
{
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    char line[512];
    size_t nl = strlen(name);
    char *res = NULL;
    while (fgets(line, sizeof(line), fp)) {
        if (strncmp(line, name, nl) == 0 && line[nl] == ':') {
            char *v = line + nl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            v[strcspn(v, "\n")] = 0;
            snprintf(out, len, "%s", v);
            res = out;
            break;
        }
    }
    fclose(fp);
    CHECK(res != NULL);
    return res;
}

static pthread_barrier_t bar;
static volatile pid_t thread_tid;

static void *worker(void *arg)
{
    (void)arg;
    thread_tid = (pid_t)syscall(SYS_gettid);
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    return NULL;
}

int main(void)
{
    char v[256];
    CHECK(prctl(PR_SET_NAME, "statustest") == 0);
    CHECK(strcmp(field("/proc/self/status", "Name", v, sizeof(v)), "statustest") == 0);
    CHECK(strncmp(field("/proc/self/status", "State", v, sizeof(v)), "R (running)", 11) == 0);
    CHECK_EQ(atoi(field("/proc/self/status", "Pid", v, sizeof(v))), getpid());
    CHECK_EQ(atoi(field("/proc/self/status", "Tgid", v, sizeof(v))), getpid());
    CHECK_EQ(atoi(field("/proc/self/status", "PPid", v, sizeof(v))), getppid());
    unsigned r, e, s, f;
    CHECK_EQ(sscanf(field("/proc/self/status", "Uid", v, sizeof(v)), "%u %u %u %u", &r, &e, &s, &f),
             4);
    CHECK(r == getuid() && e == geteuid() && s == getuid() && f == geteuid());
    CHECK_EQ(sscanf(field("/proc/self/status", "Gid", v, sizeof(v)), "%u %u %u %u", &r, &e, &s, &f),
             4);
    CHECK(r == getgid() && e == getegid());
    CHECK_EQ(atoi(field("/proc/self/status", "Threads", v, sizeof(v))), 1);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1); /* bit 9 */
    sigaddset(&set, SIGTERM); /* bit 14 */
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    unsigned long long blk = strtoull(field("/proc/self/status", "SigBlk", v, sizeof(v)), NULL, 16);
    CHECK_EQ(blk, (1ULL << (SIGUSR1 - 1)) | (1ULL << (SIGTERM - 1)));
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);

    CHECK(pthread_barrier_init(&bar, NULL, 2) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
    pthread_barrier_wait(&bar);
    CHECK_EQ(atoi(field("/proc/self/status", "Threads", v, sizeof(v))), 2);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/status", thread_tid);
    CHECK_EQ(atoi(field(path, "Pid", v, sizeof(v))), thread_tid);
    CHECK_EQ(atoi(field(path, "Tgid", v, sizeof(v))), getpid());
    pthread_barrier_wait(&bar);
    CHECK(pthread_join(t, NULL) == 0);

    /* A child's status, seen from the parent, after setuid. */
    int ready[2], go[2];
    CHECK(pipe(ready) == 0 && pipe(go) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setresgid(100, 100, 100) != 0 || setresuid(1000, 1001, 1002) != 0)
            _exit(2);
        char c;
        if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(3);
        _exit(0);
    }
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1);
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    CHECK_EQ(sscanf(field(path, "Uid", v, sizeof(v)), "%u %u %u %u", &r, &e, &s, &f), 4);
    CHECK(r == 1000 && e == 1001 && s == 1002 && f == 1001);
    CHECK_EQ(atoi(field(path, "PPid", v, sizeof(v))), getpid());
    CHECK_EQ(write(go[1], "g", 1), 1);
    test_wait_exit(pid, 0);
    TEST_OK();
}
