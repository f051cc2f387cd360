/* SPDX-License-Identifier: Apache-2.0 */
/* Dropping the process's capabilities down to a fixed list. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/caps.h"

static bool is_kept(const int *keep, size_t n, int cap)
{
    for (size_t i = 0; i < n; i++) {
        if (keep[i] == cap)
            return true;
    }
    return false;
}

int rt_caps_keep_only(const int *keep, size_t n, rt_error_t *err)
{
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct data[2];

    /* The bounding set first: it needs CAP_SETPCAP, which goes last. */
    for (int cap = 0; cap < 64; cap++) {
        if (is_kept(keep, n, cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                break; /* past the kernel's last capability */
            return rt_make_error(err, errno, "dropping capability %d from the bounding set", cap);
        }
    }
    if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0) < 0)
        return rt_make_error(err, errno, "setting securebits");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        return rt_make_error(err, errno, "clearing ambient capabilities");
    memset(data, 0, sizeof(data));
    for (size_t i = 0; i < n; i++) {
        data[keep[i] / 32].effective |= 1u << (keep[i] % 32);
        data[keep[i] / 32].permitted |= 1u << (keep[i] % 32);
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        return rt_make_error(err, errno, "capset");
    return 0;
}
