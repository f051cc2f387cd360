/* SPDX-License-Identifier: Apache-2.0 */
/* An mqueue file system lists the POSIX queues of the IPC namespace: a queue made with
 * mq_open shows up as a file whose read gives "QSIZE:<bytes> NOTIFY:..." for what is queued,
 * and it is gone from the listing after mq_unlink. The test mounts its own instance. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/stat.h>

static char g_name[64], g_dir[64];

static void cleanup(void)
{
    mq_unlink(g_name);
    umount2(g_dir, MNT_DETACH);
    rmdir(g_dir);
}

static int listed(const char *name)
{
    DIR *d = opendir(g_dir);
    struct dirent *e;
    int found = 0;

    CHECK(d != NULL);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, name) == 0)
            found = 1;
    closedir(d);
    return found;
}

int main(void)
{
    snprintf(g_dir, sizeof(g_dir), "/tmp/ipc_mq_mount.XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
    snprintf(g_name, sizeof(g_name), "/ipc-mq-mount-%d", (int)getpid());
    atexit(cleanup);
    CHECK(mount("mqueue", g_dir, "mqueue", 0, NULL) == 0);
    struct statfs sf;
    CHECK(statfs(g_dir, &sf) == 0);
    CHECK_EQ(sf.f_type, 0x19800202); /* MQUEUE_MAGIC */
    CHECK(!listed(g_name + 1));

    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 32 };
    mqd_t q = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK(listed(g_name + 1));
    CHECK(mq_send(q, "12345", 5, 0) == 0);
    CHECK(mq_send(q, "678", 3, 0) == 0);

    char path[160], buf[128] = { 0 };
    snprintf(path, sizeof(path), "%s/%s", g_dir, g_name + 1);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, buf, sizeof(buf) - 1) > 0);
    close(fd);
    unsigned long qsize = 0;
    int notify = -1;
    CHECK_EQ(sscanf(buf, "QSIZE:%lu NOTIFY:%d", &qsize, &notify), 2);
    CHECK_EQ(qsize, 8);
    CHECK_EQ(notify, 0);

    CHECK(mq_close(q) == 0);
    CHECK(mq_unlink(g_name) == 0);
    CHECK(!listed(g_name + 1));
    CHECK_ERR(stat(path, &st), ENOENT);
    TEST_OK();
}
