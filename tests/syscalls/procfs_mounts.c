/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/mounts lists "/" and "/proc" (type proc) in fstab format with six fields;
 * /proc/self/mountinfo has matching entries with a mount id, parent id, major:minor, root and
 * mount point and a " - " separator before the fs type; /proc/mounts is the same as
 * /proc/self/mounts. */
#include "test.h"

#include <fcntl.h>
#include <mntent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
    FILE *fp = setmntent("/proc/self/mounts", "r");
    CHECK(fp != NULL);
    struct mntent *e;
    int root = 0, proc = 0, n = 0;
    while ((e = getmntent(fp)) != NULL) {
        n++;
        if (strcmp(e->mnt_dir, "/") == 0)
            root++;
        if (strcmp(e->mnt_dir, "/proc") == 0 && strcmp(e->mnt_type, "proc") == 0)
            proc++;
        CHECK(e->mnt_opts[0] != 0);
    }
    endmntent(fp);
    CHECK(root >= 1);
    CHECK(proc >= 1);

    fp = fopen("/proc/self/mountinfo", "r");
    CHECK(fp != NULL);
    char line[1024];
    int mi = 0, proc_mi = 0;
    struct stat pst;
    CHECK(stat("/proc", &pst) == 0);
    while (fgets(line, sizeof(line), fp)) {
        int id, parent;
        unsigned maj, min;
        char rootp[256], mnt[256];
        CHECK_EQ(sscanf(line, "%d %d %u:%u %255s %255s", &id, &parent, &maj, &min, rootp, mnt), 6);
        char *sep = strstr(line, " - ");
        CHECK(sep != NULL);
        mi++;
        if (strcmp(mnt, "/proc") == 0 && strncmp(sep, " - proc ", 8) == 0) {
            proc_mi++;
            CHECK_EQ(makedev(maj, min), pst.st_dev);
            CHECK(strcmp(rootp, "/") == 0);
        }
    }
    fclose(fp);
    CHECK_EQ(mi, n);
    CHECK(proc_mi >= 1);

    /* /proc/mounts is a link to self/mounts. */
    char link[64];
    ssize_t l = readlink("/proc/mounts", link, sizeof(link) - 1);
    CHECK(l > 0);
    link[l] = 0;
    CHECK(strcmp(link, "self/mounts") == 0);
    TEST_OK();
}
