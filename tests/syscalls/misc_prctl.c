/* SPDX-License-Identifier: Apache-2.0 */
/* prctl: PR_SET_NAME truncates to 15 bytes and is per thread (visible in comm), NO_NEW_PRIVS
 * is sticky and inherited, bad options give EINVAL. */
#include "test.h"

#include <pthread.h>
#include <sys/prctl.h>

static void read_comm(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(fgets(buf, (int)len, f) != NULL);
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
}

static void *thread_main(void *arg)
{
    (void)arg;
    char name[16];
    CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
    /* A new thread inherits the name at creation. */
    CHECK(strcmp(name, "corpus-main") == 0);
    CHECK(prctl(PR_SET_NAME, "worker", 0, 0, 0) == 0);
    char path[64], comm[32];
    snprintf(path, sizeof(path), "/proc/self/task/%d/comm", gettid());
    read_comm(path, comm, sizeof(comm));
    CHECK(strcmp(comm, "worker") == 0);
    return NULL;
}

int main(void)
{
    char name[16] = { 0 };
    CHECK(prctl(PR_SET_NAME, "corpus-main", 0, 0, 0) == 0);
    CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
    CHECK(strcmp(name, "corpus-main") == 0);
    char comm[32];
    read_comm("/proc/self/comm", comm, sizeof(comm));
    CHECK(strcmp(comm, "corpus-main") == 0);

    pthread_t th;
    CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    /* Main's name is unchanged by the thread's. */
    CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
    CHECK(strcmp(name, "corpus-main") == 0);

    CHECK(prctl(PR_SET_NAME, "a-name-longer-than-fifteen", 0, 0, 0) == 0);
    CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
    CHECK(strcmp(name, "a-name-longer-t") == 0);
    read_comm("/proc/self/comm", comm, sizeof(comm));
    CHECK(strcmp(comm, "a-name-longer-t") == 0);

    CHECK_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
    CHECK_ERR(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            _exit(1);
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
            _exit(2);
        pid_t gc = fork();
        if (gc == 0)
            _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
        int st;
        waitpid(gc, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            _exit(3);
        /* Still not allowed to clear it. */
        _exit(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) == -1 && errno == EINVAL ? 0 : 4);
    }
    test_wait_exit(child, 0);
    CHECK_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);

    CHECK_ERR(prctl(0x7fffffff, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(prctl(PR_SET_PDEATHSIG, 100, 0, 0, 0), EINVAL);
    CHECK_ERR(prctl(PR_GET_NAME, (void *)8, 0, 0, 0), EFAULT);
    /* Dumpable is 1 for a normal process. */
    CHECK_EQ(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    TEST_OK();
}
