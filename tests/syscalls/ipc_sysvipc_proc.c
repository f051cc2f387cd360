/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/sysvipc/{sem,msg,shm}: Linux's header lines, and a line per object with its key, id,
 * mode and counters (nsems; cbytes, qnum, lspid; size, cpid, nattch); a removed object is
 * gone from the file; /proc/sys/kernel/shm* match shmctl(IPC_INFO). */
#include "test.h"

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

static int g_sem = -1, g_msg = -1, g_shm = -1;

static void cleanup(void)
{
    if (g_sem >= 0)
        semctl(g_sem, 0, IPC_RMID);
    if (g_msg >= 0)
        msgctl(g_msg, IPC_RMID, NULL);
    if (g_shm >= 0)
        shmctl(g_shm, IPC_RMID, NULL);
}

/* Copies the header into `head` and the line whose second field is `id` into `line`. */
static int find_line(const char *path, int id, char *head, char *line, size_t size)
{
    FILE *f = fopen(path, "r");
    int found = 0;

    CHECK(f != NULL);
    CHECK(fgets(head, (int)size, f) != NULL);
    while (fgets(line, (int)size, f) != NULL) {
        int key, lid;
        if (sscanf(line, "%d %d", &key, &lid) == 2 && lid == id) {
            found = 1;
            break;
        }
    }
    fclose(f);
    return found;
}

int main(void)
{
    atexit(cleanup);
    char head[512], line[512];
    key_t key = (key_t)(0x6c0c0000 | (getpid() & 0xffff));

    g_sem = semget(key, 3, IPC_CREAT | IPC_EXCL | 0640);
    CHECK(g_sem >= 0);
    CHECK(find_line("/proc/sysvipc/sem", g_sem, head, line, sizeof(line)));
    CHECK(strcmp(head, "       key      semid perms      nsems   uid   gid  cuid  cgid      otime"
                       "      ctime\n") == 0);
    int k, id;
    unsigned perms, nsems, uid;
    CHECK_EQ(sscanf(line, "%d %d %o %u %u", &k, &id, &perms, &nsems, &uid), 5);
    CHECK_EQ(k, key);
    CHECK_EQ(perms, 0640);
    CHECK_EQ(nsems, 3);
    CHECK_EQ(uid, geteuid());

    g_msg = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(g_msg >= 0);
    struct {
        long type;
        char text[16];
    } m = { 1, "0123456789" };
    CHECK(msgsnd(g_msg, &m, 10, 0) == 0);
    CHECK(msgsnd(g_msg, &m, 5, 0) == 0);
    CHECK(find_line("/proc/sysvipc/msg", g_msg, head, line, sizeof(line)));
    CHECK(strcmp(head, "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid"
                       "  cuid  cgid      stime      rtime      ctime\n") == 0);
    unsigned long cbytes, qnum;
    int lspid, lrpid;
    CHECK_EQ(
        sscanf(line, "%d %d %o %lu %lu %d %d", &k, &id, &perms, &cbytes, &qnum, &lspid, &lrpid), 7);
    CHECK_EQ(perms, 0600);
    CHECK_EQ(cbytes, 15);
    CHECK_EQ(qnum, 2);
    CHECK_EQ(lspid, getpid());
    CHECK_EQ(lrpid, 0);

    g_shm = shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(g_shm >= 0);
    void *p = shmat(g_shm, NULL, 0);
    CHECK(p != (void *)-1);
    CHECK(find_line("/proc/sysvipc/shm", g_shm, head, line, sizeof(line)));
    CHECK(strncmp(head, "       key      shmid perms                  size  cpid  lpid nattch",
                  67) == 0);
    unsigned long size, nattch;
    int cpid, lpid;
    CHECK_EQ(sscanf(line, "%d %d %o %lu %d %d %lu", &k, &id, &perms, &size, &cpid, &lpid, &nattch),
             7);
    CHECK_EQ(size, 8192);
    CHECK_EQ(cpid, getpid());
    CHECK_EQ(lpid, getpid());
    CHECK_EQ(nattch, 1);
    CHECK(shmdt(p) == 0);

    struct shminfo si;
    CHECK(shmctl(0, IPC_INFO, (struct shmid_ds *)&si) >= 0);
    FILE *f = fopen("/proc/sys/kernel/shmmni", "r");
    CHECK(f != NULL);
    unsigned long v;
    CHECK_EQ(fscanf(f, "%lu", &v), 1);
    fclose(f);
    CHECK_EQ(v, si.shmmni);
    f = fopen("/proc/sys/kernel/shmall", "r");
    CHECK(f != NULL);
    CHECK_EQ(fscanf(f, "%lu", &v), 1);
    fclose(f);
    CHECK_EQ(v, si.shmall);

    CHECK(semctl(g_sem, 0, IPC_RMID) == 0);
    CHECK(!find_line("/proc/sysvipc/sem", g_sem, head, line, sizeof(line)));
    g_sem = -1;
    TEST_OK();
}
