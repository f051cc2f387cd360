/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of container state: ids, prefixes, atomic writes, locks, meta.json, liveness. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runsc/container.h"
#include "runsc/runsc.h"

#include "common/fileutil.h"
#include "tests/unit/tap.h"

static char g_tmp[256];

static char *tmp_path(const char *name)
{
    return xasprintf("%s/%s", g_tmp, name);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "re");
    struct strbuf sb = STRBUF_INIT;
    char buf[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_append_len(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb);
}

static void write_text(const char *path, const char *s)
{
    FILE *f = fopen(path, "we");

    if (f == NULL || fputs(s, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* Counts entries of `dir` whose name contains `needle`. */
static int count_entries(const char *dir, const char *needle)
{
    cleanup_dir DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    while (d != NULL && (de = readdir(d)) != NULL) {
        if (strstr(de->d_name, needle) != NULL)
            n++;
    }
    return n;
}

static bool contains(const char *hay, const char *needle)
{
    return hay != NULL && strstr(hay, needle) != NULL;
}

static void test_id_validation(void)
{
    static const char *const good[] = { "a", "abc", "A-Z_0.9+x", "...", ".a", "a..b", "-", "+" };
    static const char *const bad[] = { "",     ".", "..",  "a/b",        "/", "a b",
                                       "a\nb", "é", "a:b", "a~deleting", "*" };
    char *longid = xmalloc(CONTAINER_ID_MAX + 2);

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        cleanup_error rt_error_t err = NULL;

        tap_ok(container_id_validate(good[i], &err) == 0, "id \"%s\" is valid", good[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        cleanup_error rt_error_t err = NULL;
        int ret = container_id_validate(bad[i], &err);

        /* Bad ids may hold a newline: name them by index to keep the TAP stream clean. */
        tap_ok(ret < 0 && rt_error_status(err) == EINVAL, "bad id #%zu is invalid", i);
    }
    memset(longid, 'x', CONTAINER_ID_MAX);
    longid[CONTAINER_ID_MAX] = '\0';
    {
        cleanup_error rt_error_t err = NULL;

        tap_ok(container_id_validate(longid, &err) == 0, "id of %d bytes is valid",
               CONTAINER_ID_MAX);
    }
    longid[CONTAINER_ID_MAX] = 'x';
    longid[CONTAINER_ID_MAX + 1] = '\0';
    {
        cleanup_error rt_error_t err = NULL;

        tap_ok(container_id_validate(longid, &err) < 0, "id of %d bytes is invalid",
               CONTAINER_ID_MAX + 1);
    }
    free(longid);
}

static void test_resolve(void)
{
    cleanup_free char *root = tmp_path("resolve");
    static const char *const ids[] = { "abc", "abc123", "abd456", "xyz" };

    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        cleanup_error rt_error_t err = NULL;

        if (container_create_dir(root, ids[i], &err) < 0)
            tap_diag("create_dir %s: %s", ids[i], rt_error_msg(err));
    }
    /* Not directories, or not ids: never resolved. */
    {
        cleanup_free char *f = xasprintf("%s/xyzfile", root);
        cleanup_free char *d = xasprintf("%s/xy~deleting", root);

        write_text(f, "x");
        mkdir(d, 0700);
    }
    struct {
        const char *prefix;
        const char *want; /* NULL: error */
        int status;
        const char *msg;
    } cases[] = {
        { "abc", "abc", 0, NULL }, /* exact beats the prefix of abc123 */
        { "abc1", "abc123", 0, NULL },
        { "abd", "abd456", 0, NULL },
        { "x", "xyz", 0, NULL }, /* the file xyzfile and xy~deleting do not count */
        { "ab", NULL, EINVAL, "ambiguous: it matches abc, abc123, abd456" },
        { "q", NULL, ENOENT, "container `q` does not exist" },
        { "abc1234", NULL, ENOENT, "does not exist" },
        { "a/b", NULL, EINVAL, "invalid container id" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        cleanup_error rt_error_t err = NULL;
        cleanup_free char *id = NULL;
        int ret = container_resolve_id(root, cases[i].prefix, &id, &err);

        if (cases[i].want != NULL) {
            tap_ok(ret == 0 && id != NULL && strcmp(id, cases[i].want) == 0,
                   "resolve \"%s\" -> %s (got %s)", cases[i].prefix, cases[i].want,
                   id ? id : rt_error_msg(err));
        } else {
            tap_ok(ret < 0 && rt_error_status(err) == cases[i].status &&
                       contains(rt_error_msg(err), cases[i].msg),
                   "resolve \"%s\" fails: %s", cases[i].prefix, rt_error_msg(err));
        }
    }
    {
        cleanup_error rt_error_t err = NULL;
        cleanup_free char *id = NULL;
        cleanup_free char *missing = tmp_path("no-such-root");

        tap_ok(container_resolve_id(missing, "a", &id, &err) < 0 && rt_error_status(err) == ENOENT,
               "resolve in a missing root: does not exist");
    }
}

static void test_atomic_write(void)
{
    cleanup_free char *dir = tmp_path("atomic");
    cleanup_free char *file = NULL;
    cleanup_free char *text = NULL;
    struct stat st;
    pid_t pid;
    int status;

    mkdir(dir, 0755);
    file = xasprintf("%s/f.json", dir);
    {
        cleanup_error rt_error_t err = NULL;

        tap_ok(rt_write_file_atomic(AT_FDCWD, file, "old-data", 8, 0640, &err) == 0,
               "atomic write of a new file");
        tap_ok(stat(file, &st) == 0 && (st.st_mode & 07777) == 0640,
               "mode is exactly 0640, not umasked");
    }

    /* A write that fails half-way (file size limit): the old file must survive. */
    pid = fork();
    if (pid == 0) {
        struct rlimit rl = { 4096, 4096 };
        size_t big = 1 << 20;
        char *data = xmalloc(big);
        rt_error_t err = NULL;
        int ret;

        memset(data, 'n', big);
        signal(SIGXFSZ, SIG_IGN);
        setrlimit(RLIMIT_FSIZE, &rl);
        ret = rt_write_file_atomic(AT_FDCWD, file, data, big, 0640, &err);
        _exit(ret < 0 && rt_error_status(err) == EFBIG ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "write failing mid-way reports EFBIG");
    text = read_text(file);
    TAP_STR_EQ(text, "old-data", "old file intact after a failed write");
    tap_ok(count_entries(dir, ".tmp-") == 0, "no temp file left after a failed write");

    /* The rename itself fails (target is a non-empty directory). */
    {
        cleanup_error rt_error_t err = NULL;
        cleanup_free char *d = xasprintf("%s/adir", dir);
        cleanup_free char *inner = xasprintf("%s/adir/keep", dir);

        mkdir(d, 0755);
        write_text(inner, "k");
        tap_ok(rt_write_file_atomic(AT_FDCWD, d, "x", 1, 0644, &err) < 0,
               "rename over a directory fails (%s)", rt_error_msg(err));
        tap_ok(access(inner, F_OK) == 0, "the directory is intact");
        tap_ok(count_entries(dir, ".tmp-") == 0, "no temp file left after a failed rename");
    }

    /* An unwritable directory: even creating the temp file fails. */
    if (geteuid() == 0) {
        chmod(dir, 0755);
        pid = fork();
        if (pid == 0) {
            rt_error_t err = NULL;

            if (setgid(65534) < 0 || setuid(65534) < 0)
                _exit(2);
            _exit(rt_write_file_atomic(AT_FDCWD, file, "new-data", 8, 0644, &err) < 0 &&
                          rt_error_status(err) == EACCES
                      ? 0
                      : 1);
        }
        waitpid(pid, &status, 0);
        tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "write into an unwritable dir fails with EACCES");
    } else {
        cleanup_error rt_error_t err = NULL;

        chmod(dir, 0555);
        tap_ok(rt_write_file_atomic(AT_FDCWD, file, "new-data", 8, 0644, &err) < 0,
               "write into an unwritable dir fails");
        chmod(dir, 0755);
    }
    free(text);
    text = read_text(file);
    TAP_STR_EQ(text, "old-data", "old file intact after the unwritable-dir attempt");

    /* Replacing works and relative paths resolve against dirfd. */
    {
        cleanup_error rt_error_t err = NULL;
        cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        tap_ok(rt_write_file_atomic(dfd, "f.json", "new-data", 8, 0600, &err) == 0,
               "atomic replace relative to a dirfd");
        free(text);
        text = read_text(file);
        TAP_STR_EQ(text, "new-data", "new contents visible");
        tap_ok(count_entries(dir, ".tmp-") == 0, "no temp file left after success");
    }
}

static void test_lock(void)
{
    cleanup_free char *path = tmp_path("a.lock");
    cleanup_error rt_error_t err = NULL;
    int fd = -1, status;
    int pfd[2];
    pid_t pid;
    struct timespec t0, t1;

    tap_ok(rt_lock_file(path, true, true, &fd, &err) == 0, "exclusive lock taken");
    tap_ok(fcntl(fd, F_GETFD) & FD_CLOEXEC, "lock fd is close-on-exec");

    pid = fork();
    if (pid == 0) {
        rt_error_t e = NULL;
        int cfd = -1;
        int ret = rt_lock_file(path, true, false, &cfd, &e);

        if (ret == 0)
            _exit(1);
        if (rt_error_status(e) != EWOULDBLOCK)
            _exit(2);
        rt_error_release(&e);
        if (rt_lock_file(path, false, false, &cfd, &e) == 0)
            _exit(3);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "another process cannot take it, exclusive or shared (child status %d)",
           WEXITSTATUS(status));

    /* A blocking waiter gets the lock only after we release it. */
    if (pipe2(pfd, O_CLOEXEC) < 0)
        exit(2);
    pid = fork();
    if (pid == 0) {
        rt_error_t e = NULL;
        int cfd = -1;

        /* The inherited fd shares our lock (flock belongs to the open file). */
        close(fd);
        close(pfd[0]);
        if (write(pfd[1], "r", 1) != 1)
            _exit(2);
        _exit(rt_lock_file(path, true, true, &cfd, &e) == 0 ? 0 : 1);
    }
    close(pfd[1]);
    {
        char c;

        if (read(pfd[0], &c, 1) != 1)
            exit(2);
        close(pfd[0]);
    }
    usleep(200 * 1000);
    tap_ok(waitpid(pid, &status, WNOHANG) == 0, "blocking locker still waits after 200ms");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    close(fd);
    waitpid(pid, &status, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "blocking locker got it after release");
    tap_ok((t1.tv_sec - t0.tv_sec) < 2, "and promptly");

    /* container_lock on a container. */
    {
        cleanup_free char *root = tmp_path("lockroot");
        cleanup_error rt_error_t e = NULL;
        cleanup_close int lfd = -1;
        int lfd2 = -1;

        container_create_dir(root, "c1", &e);
        tap_ok(container_lock(root, "c1", &lfd, &e) == 0, "container_lock c1");
        pid = fork();
        if (pid == 0) {
            cleanup_free char *lp = xasprintf("%s/c1/meta.lock", root);
            rt_error_t ce = NULL;
            int cfd = -1;

            _exit(rt_lock_file(lp, true, false, &cfd, &ce) < 0 && rt_error_status(ce) == EWOULDBLOCK
                      ? 0
                      : 1);
        }
        waitpid(pid, &status, 0);
        tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "container lock excludes another process");
        tap_ok(container_lock(root, "nope", &lfd2, &e) < 0 && rt_error_status(e) == ENOENT,
               "container_lock of a missing container: %s", rt_error_msg(e));
    }
}

/* Start time of `pid`, or exits the test. */
static unsigned long long start_of(pid_t pid)
{
    cleanup_error rt_error_t err = NULL;
    unsigned long long st = 0;

    if (rt_process_start_time(pid, &st, &err) < 0) {
        tap_diag("start time of %d: %s", (int)pid, rt_error_msg(err));
        exit(2);
    }
    return st;
}

static void fill_meta(struct container_meta *m)
{
    char now[64];
    struct container_exec x1 = { .pid = 7, .waiter_pid = 4321, .waiter_start_time = 99 };
    struct container_exec x2 = {
        .pid = 8, .waiter_pid = 0, .exited = true, .exit_status = 137 << 8
    };

    container_now_rfc3339(now, sizeof(now));
    m->bundle = xstrdup("/b/und le");
    m->config_path = xstrdup("/b/und le/config.json");
    m->config_digest = xstrdup("sha256:0123");
    m->status = CONTAINER_RUNNING;
    m->created = xstrdup(now);
    m->owner = 1234;
    m->sandbox_id = xstrdup("pod");
    m->sandbox_pid = getpid();
    m->sandbox_start_time = start_of(getpid());
    m->gofer_pid = 555;
    m->gofer_start_time = 556;
    m->waiter_pid = getpid();
    m->waiter_start_time = m->sandbox_start_time;
    m->control_socket = xstrdup("/run/x/pod/sandbox.sock");
    container_meta_set_annotation(m, "io.kubernetes.cri.container-type", "container");
    container_meta_set_annotation(m, "quote\"and\\back", "line\nbreak");
    container_meta_add_exec(m, &x1);
    container_meta_add_exec(m, &x2);
}

static bool str_eq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void test_meta_roundtrip(void)
{
    cleanup_free char *root = tmp_path("meta");
    cleanup_error rt_error_t err = NULL;
    cleanup_close int lockfd = -1;
    struct container_meta *m = container_meta_new("ctr-1");
    struct container_meta *l = NULL;
    char now[64];
    bool execs_ok;

    container_now_rfc3339(now, sizeof(now));
    tap_ok(strlen(now) == 30 && now[10] == 'T' && now[19] == '.' && now[29] == 'Z',
           "created time is RFC3339 with nanoseconds, UTC (%s)", now);
    fill_meta(m);
    tap_ok(container_create_dir(root, m->id, &err) == 0, "create dir");
    tap_ok(container_lock(root, m->id, &lockfd, &err) == 0, "lock");
    tap_ok(container_meta_save_locked(root, m, &err) == 0, "save: %s", rt_error_msg(err));
    tap_ok(container_meta_load(root, m->id, &l, &err) == 0, "load: %s", rt_error_msg(err));
    if (l == NULL) {
        container_meta_free(m);
        return;
    }
    tap_ok(l->version == CONTAINER_META_VERSION, "version");
    tap_ok(str_eq(l->id, m->id), "id");
    tap_ok(str_eq(l->bundle, m->bundle), "bundle");
    tap_ok(str_eq(l->config_path, m->config_path), "config path");
    tap_ok(str_eq(l->config_digest, m->config_digest), "config digest");
    tap_ok(l->status == CONTAINER_RUNNING, "status running (we are alive)");
    tap_ok(str_eq(l->created, m->created), "created");
    tap_ok(l->owner == m->owner, "owner");
    tap_ok(str_eq(l->sandbox_id, m->sandbox_id), "sandbox id");
    tap_ok(l->sandbox_pid == m->sandbox_pid && l->sandbox_start_time == m->sandbox_start_time,
           "sandbox pid and start time");
    tap_ok(l->gofer_pid == 555 && l->gofer_start_time == 556, "gofer pid and start time");
    tap_ok(l->waiter_pid == m->waiter_pid && l->waiter_start_time == m->waiter_start_time,
           "waiter pid and start time");
    tap_ok(str_eq(l->control_socket, m->control_socket), "control socket");
    tap_ok(
        l->n_annotations == 2 &&
            str_eq(container_meta_annotation(l, "io.kubernetes.cri.container-type"), "container") &&
            str_eq(container_meta_annotation(l, "quote\"and\\back"), "line\nbreak"),
        "annotations");
    execs_ok = l->n_execs == 2 && l->execs[0].pid == 7 && l->execs[0].waiter_pid == 4321 &&
               l->execs[0].waiter_start_time == 99 && !l->execs[0].exited && l->execs[1].pid == 8 &&
               l->execs[1].exited && l->execs[1].exit_status == 137 << 8;
    tap_ok(execs_ok, "execs");
    {
        cleanup_free char *path = xasprintf("%s/ctr-1/meta.json", root);
        struct stat st;

        tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "meta.json is 0600");
    }
    {
        cleanup_free char *js = container_state_json(l, false);

        tap_ok(contains(js, "\"id\":\"ctr-1\"") && contains(js, "\"status\":\"running\"") &&
                   contains(js, "\"ociVersion\":\"" RUNSC_OCI_VERSION "\"") &&
                   contains(js, "\"bundle\":\"/b/und le\"") &&
                   contains(js, "\"annotations\":{\"io.kubernetes.cri.container-type\""),
               "state JSON: %s", js);
    }
    container_meta_free(l);
    l = NULL;

    /* Every status name survives a round trip. */
    for (int s = CONTAINER_CREATING; s <= CONTAINER_STOPPED; s++) {
        enum container_status out;

        tap_ok(container_status_parse(container_status_name(s), &out) && (int)out == s,
               "status %s round-trips", container_status_name(s));
    }
    container_meta_free(m);
}

/* Saves `m` under `root` (creating its dir when needed) and loads it back. */
static struct container_meta *save_and_load(const char *root, struct container_meta *m)
{
    cleanup_error rt_error_t err = NULL;
    cleanup_close int lockfd = -1;
    struct container_meta *l = NULL;

    container_create_dir(root, m->id, &err);
    rt_error_release(&err);
    if (container_lock(root, m->id, &lockfd, &err) < 0 ||
        container_meta_save_locked(root, m, &err) < 0 ||
        container_meta_load(root, m->id, &l, &err) < 0) {
        tap_diag("save_and_load: %s", rt_error_msg(err));
        return NULL;
    }
    return l;
}

static void test_liveness(void)
{
    cleanup_free char *root = tmp_path("live");
    struct container_meta *m, *l;
    unsigned long long me = start_of(getpid());
    unsigned long long dead_start;
    pid_t child;
    int status;

    /* A pid that exited (and was reaped). */
    child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    dead_start = start_of(child);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    m = container_meta_new("exited");
    m->status = CONTAINER_RUNNING;
    m->sandbox_pid = child;
    m->sandbox_start_time = dead_start;
    l = save_and_load(root, m);
    tap_ok(l != NULL && l->status == CONTAINER_STOPPED, "sandbox exited -> stopped");
    container_meta_free(l);
    container_meta_free(m);

    /* A live pid, but its start time says it is another process. */
    m = container_meta_new("recycled");
    m->status = CONTAINER_RUNNING;
    m->sandbox_pid = getpid();
    m->sandbox_start_time = me + 1;
    l = save_and_load(root, m);
    tap_ok(l != NULL && l->status == CONTAINER_STOPPED, "live pid, wrong start time -> stopped");
    container_meta_free(l);
    m->sandbox_start_time = me;
    l = save_and_load(root, m);
    tap_ok(l != NULL && l->status == CONTAINER_RUNNING, "live pid, right start time -> running");
    container_meta_free(l);
    m->status = CONTAINER_PAUSED;
    l = save_and_load(root, m);
    tap_ok(l != NULL && l->status == CONTAINER_PAUSED, "paused stays paused while alive");
    container_meta_free(l);

    /* The sandbox lives but the container's waiter is a zombie: the container exited. */
    child = fork();
    if (child == 0)
        _exit(7);
    m->status = CONTAINER_RUNNING;
    m->waiter_pid = child;
    m->waiter_start_time = start_of(child);
    usleep(50 * 1000);
    l = save_and_load(root, m);
    tap_ok(l != NULL && l->status == CONTAINER_STOPPED, "waiter exited (zombie) -> stopped");
    if (l != NULL) {
        cleanup_free char *js = container_state_json(l, true);

        tap_ok(contains(js, "\"pid\": 0") && contains(js, "\"status\": \"stopped\""),
               "stopped state reports pid 0");
    }
    container_meta_free(l);
    waitpid(child, &status, 0);
    container_meta_free(m);

    /* Creating, no sandbox yet: still creating. Created with no sandbox: stopped. */
    m = container_meta_new("creating");
    m->status = CONTAINER_CREATING;
    l = save_and_load(root, m);
    tap_ok(l != NULL && l->status == CONTAINER_CREATING, "creating without a sandbox yet");
    container_meta_free(l);
    m->status = CONTAINER_CREATED;
    l = save_and_load(root, m);
    tap_ok(l != NULL && l->status == CONTAINER_STOPPED, "created without a sandbox -> stopped");
    container_meta_free(l);
    container_meta_free(m);
}

static void test_process_stat(void)
{
    cleanup_error rt_error_t err = NULL;
    unsigned long long mine = 0, theirs = 0;
    char state = 0;
    int pfd[2], ret;
    pid_t child;

    if (pipe2(pfd, O_CLOEXEC) < 0)
        exit(2);
    child = fork();
    if (child == 0) {
        /* A command name built to confuse a naive parser. */
        prctl(PR_SET_NAME, "a) b (c) 1 2", 0, 0, 0);
        close(pfd[0]);
        if (write(pfd[1], "r", 1) != 1)
            _exit(2);
        pause();
        _exit(0);
    }
    close(pfd[1]);
    {
        char c;

        if (read(pfd[0], &c, 1) != 1)
            exit(2);
        close(pfd[0]);
    }
    mine = start_of(getpid());
    ret = rt_process_stat(child, &state, &theirs, &err);
    tap_ok(ret == 0, "parse stat of a child named \"a) b (c) 1 2\": %s", rt_error_msg(err));
    tap_ok(state == 'S' || state == 'R', "its state is S or R (%c)", state);
    tap_ok(theirs >= mine && theirs - mine < 100000, "its start time is plausible (%llu >= %llu)",
           theirs, mine);
    tap_ok(rt_process_is_alive(child, theirs), "alive with the right start time");
    tap_ok(!rt_process_is_alive(child, theirs + 1), "not alive with a wrong start time");
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    tap_ok(!rt_process_is_alive(child, theirs), "not alive once reaped");
    rt_error_release(&err);
    tap_ok(rt_process_start_time(child, &theirs, &err) < 0 && rt_error_status(err) == ESRCH,
           "start time of a reaped pid: ESRCH");
}

static void test_garbage(void)
{
    cleanup_free char *root = tmp_path("garbage");
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        { "", "torn or not JSON" },
        { "{\"version\": 1, \"id\": \"g\", \"sta", "torn or not JSON" },
        { "\x01\x02garbage\xff", "torn or not JSON" },
        { "[1,2]", "not a JSON object" },
        { "{\"id\":\"g\",\"status\":\"running\"}", "\"version\" is missing" },
        { "{\"version\":99,\"id\":\"g\",\"status\":\"running\"}", "newer" },
        { "{\"version\":1,\"id\":\"g\",\"status\":\"dancing\"}", "not a known status" },
        { "{\"version\":1,\"id\":\"g\",\"status\":\"running\",\"sandboxPid\":\"7\"}",
          "\"sandboxPid\" is not an integer" },
        { "{\"version\":1,\"id\":\"g\",\"status\":\"running\",\"sandboxPid\":-5}", "out of range" },
        { "{\"version\":1,\"id\":\"g\",\"status\":\"running\",\"annotations\":[]}",
          "\"annotations\" is not an object" },
        { "{\"version\":1,\"id\":\"g\",\"status\":\"running\",\"execs\":[3]}", "execs" },
        { "{\"version\":1,\"id\":\"other\",\"status\":\"running\"}", "describes container" },
        { "{\"version\":1,\"id\":\"g\",\"id\":\"g\",\"status\":\"running\"}", "duplicate" },
        { "{\"version\":1,\"id\":\"../x\",\"status\":\"running\"}", "not a valid container id" },
    };
    cleanup_free char *path = NULL;
    cleanup_error rt_error_t err = NULL;

    container_create_dir(root, "g", &err);
    path = xasprintf("%s/g/meta.json", root);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct container_meta *m = NULL;
        int ret;

        rt_error_release(&err);
        write_text(path, cases[i].text);
        ret = container_meta_load(root, "g", &m, &err);
        tap_ok(ret < 0 && m == NULL && rt_error_status(err) == EINVAL &&
                   contains(rt_error_msg(err), path) && contains(rt_error_msg(err), cases[i].msg),
               "garbage meta.json #%zu -> %s", i, rt_error_msg(err));
        container_meta_free(m);
    }
    /* list skips it rather than failing. */
    {
        struct container_meta **list = NULL;
        size_t n = 99;

        rt_error_release(&err);
        tap_ok(container_list(root, &list, &n, &err) == 0 && n == 0,
               "list skips a container with garbage state");
        container_meta_list_free(list, n);
    }
}

static void test_parallel_create(void)
{
    cleanup_free char *root = tmp_path("race");
    enum { N = 10 };
    pid_t pids[N];
    int go[2];
    int won = 0, lost = 0, other = 0;

    if (pipe2(go, O_CLOEXEC) < 0)
        exit(2);
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            rt_error_t err = NULL;
            char c;

            close(go[1]);
            /* Everyone starts at once: when the parent closes the pipe. */
            if (read(go[0], &c, 1) != 0)
                _exit(3);
            if (container_create_dir(root, "same", &err) == 0)
                _exit(0);
            _exit(rt_error_status(err) == EEXIST &&
                          contains(rt_error_msg(err), "container `same` already exists")
                      ? 1
                      : 2);
        }
    }
    close(go[0]);
    close(go[1]);
    for (int i = 0; i < N; i++) {
        int status;

        waitpid(pids[i], &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            won++;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
            lost++;
        else
            other++;
    }
    tap_ok(won == 1 && lost == N - 1 && other == 0,
           "10 parallel creates: exactly one wins (won %d, lost %d, other %d)", won, lost, other);
}

static void test_list_and_remove(void)
{
    cleanup_free char *root = tmp_path("list");
    static const char *const ids[] = { "zeta", "alpha", "mid" };
    struct container_meta **list = NULL;
    cleanup_error rt_error_t err = NULL;
    size_t n = 0;
    int ret;

    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        struct container_meta *m = container_meta_new(ids[i]);

        m->status = CONTAINER_STOPPED;
        container_meta_free(save_and_load(root, m));
        container_meta_free(m);
    }
    container_create_dir(root, "nometa", &err);
    ret = container_list(root, &list, &n, &err);
    tap_ok(ret == 0 && n == 3 && strcmp(list[0]->id, "alpha") == 0 &&
               strcmp(list[1]->id, "mid") == 0 && strcmp(list[2]->id, "zeta") == 0,
           "list: 3 containers sorted, the dir without meta.json skipped (n=%zu)", n);
    container_meta_list_free(list, n);
    list = NULL;
    {
        cleanup_free char *missing = tmp_path("nothing-here");

        tap_ok(container_list(missing, &list, &n, &err) == 0 && n == 0,
               "list of a missing root is empty");
        container_meta_list_free(list, n);
    }

    /* A delete holding the lock; a second locker waits and then finds it gone. */
    {
        cleanup_close int lockfd = -1;
        cleanup_free char *dir = xasprintf("%s/mid", root);
        pid_t pid;
        int status;

        tap_ok(container_lock(root, "mid", &lockfd, &err) == 0, "lock mid");
        pid = fork();
        if (pid == 0) {
            rt_error_t e = NULL;
            int fd = -1;

            close(lockfd);
            _exit(container_lock(root, "mid", &fd, &e) < 0 && rt_error_status(e) == ENOENT ? 0 : 1);
        }
        usleep(100 * 1000);
        tap_ok(container_remove_dir(root, "mid", &err) == 0, "remove mid while locked");
        close(take_fd(&lockfd));
        waitpid(pid, &status, 0);
        tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "a waiting locker learns the container is gone");
        tap_ok(access(dir, F_OK) < 0 && errno == ENOENT, "mid's dir is gone");
        tap_ok(container_remove_dir(root, "mid", &err) == 0, "removing again is a no-op");
    }

    /* An interrupted removal: the next removal finishes it. */
    {
        cleanup_free char *left = xasprintf("%s/alpha~deleting", root);
        cleanup_free char *sub = xasprintf("%s/alpha~deleting/sub", root);
        cleanup_free char *f = xasprintf("%s/alpha~deleting/sub/f", root);

        mkdir(left, 0700);
        mkdir(sub, 0700);
        write_text(f, "x");
        ret = container_remove_dir(root, "alpha", &err);
        tap_ok(ret == 0, "remove alpha with leftovers: %s", rt_error_msg(err));
        tap_ok(count_entries(root, "alpha") == 0, "alpha and its leftovers are gone");
        mkdir(left, 0700);
        mkdir(sub, 0700);
        write_text(f, "x");
        tap_ok(container_remove_dir(root, "alpha", &err) == 0 && count_entries(root, "alpha") == 0,
               "leftovers of a gone container are finished too");
    }
    {
        cleanup_free char *id = NULL;

        tap_ok(container_resolve_id(root, "zeta", &id, &err) == 0, "zeta still there");
    }
}

/* A child that sleeps until killed; its start time goes to `*start`. */
static pid_t spawn_sleeper(unsigned long long *start)
{
    pid_t pid = fork();

    if (pid == 0) {
        for (;;)
            pause();
    }
    *start = start_of(pid);
    return pid;
}

/* Runs `runsc-c --root root delete ARGS...`; returns its result, the error in `*msg`. */
static int run_delete(const char *root, char **msg, const char *a1, const char *a2)
{
    struct runsc_global_opts g = { .root = root };
    char *argv[] = { (char *)"delete", (char *)a1, (char *)a2, NULL };
    rt_error_t err = NULL;
    int ret;

    optind = 0;
    ret = cmd_delete(&g, a2 ? 3 : 2, argv, &err);
    *msg = xstrdup(rt_error_msg(err));
    rt_error_release(&err);
    return ret;
}

/* Returns true when `pid` (our child) was killed by SIGKILL; reaps it either way. */
static bool was_killed(pid_t pid)
{
    int status;

    if (waitpid(pid, &status, WNOHANG) != pid) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return false;
    }
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void test_delete(void)
{
    cleanup_free char *root = tmp_path("delete");
    struct container_meta *m, *l;
    unsigned long long s_st, w_st, g_st;
    pid_t s, w, g;
    char *msg = NULL;
    int ret;

    /* A running container that owns its sandbox. */
    s = spawn_sleeper(&s_st);
    w = spawn_sleeper(&w_st);
    g = spawn_sleeper(&g_st);
    m = container_meta_new("run1");
    m->status = CONTAINER_RUNNING;
    m->sandbox_id = xstrdup("run1");
    m->sandbox_pid = s, m->sandbox_start_time = s_st;
    m->waiter_pid = w, m->waiter_start_time = w_st;
    m->gofer_pid = g, m->gofer_start_time = g_st;
    l = save_and_load(root, m);
    tap_ok(l != NULL && l->status == CONTAINER_RUNNING, "run1 is running");
    container_meta_free(l);
    container_meta_free(m);
    ret = run_delete(root, &msg, "run1", NULL);
    tap_ok(ret < 0 && contains(msg, "cannot delete running container run1, use --force"),
           "delete of a running container without --force: %s", msg);
    free(msg);
    tap_ok(kill(s, 0) == 0 && kill(w, 0) == 0 && kill(g, 0) == 0, "nothing was killed");
    ret = run_delete(root, &msg, "run", "--force");
    tap_ok(ret == 0, "delete run --force (prefix, option "
                     "after the id)");
    free(msg);
    tap_ok(was_killed(s) && was_killed(w) && was_killed(g), "sandbox, waiter and gofer SIGKILLed");
    tap_ok(count_entries(root, "run1") == 0, "run1's directory is gone");

    /* A pod member: its waiter and gofer die, the pod's sandbox does not. */
    s = spawn_sleeper(&s_st);
    w = spawn_sleeper(&w_st);
    m = container_meta_new("member");
    m->status = CONTAINER_RUNNING;
    m->sandbox_id = xstrdup("pause");
    m->sandbox_pid = s, m->sandbox_start_time = s_st;
    m->waiter_pid = w, m->waiter_start_time = w_st;
    container_meta_free(save_and_load(root, m));
    container_meta_free(m);
    ret = run_delete(root, &msg, "-f", "member");
    tap_ok(ret == 0, "delete -f member");
    free(msg);
    tap_ok(was_killed(w), "the member's waiter is killed");
    tap_ok(!was_killed(s), "the pod's sandbox is left alone");

    /* Recorded pids now name other processes (wrong start times): never killed. */
    s = spawn_sleeper(&s_st);
    w = spawn_sleeper(&w_st);
    m = container_meta_new("recycled");
    m->status = CONTAINER_RUNNING;
    m->sandbox_pid = s, m->sandbox_start_time = s_st + 1;
    m->waiter_pid = w, m->waiter_start_time = w_st + 1;
    container_meta_free(save_and_load(root, m));
    container_meta_free(m);
    ret = run_delete(root, &msg, "recycled", NULL);
    tap_ok(ret == 0, "a container with recycled pids reads "
                     "stopped and is deleted without --force");
    free(msg);
    tap_ok(!was_killed(s) && !was_killed(w), "the processes now owning those pids live on");

    /* Unknown ids, leftovers, garbage. */
    ret = run_delete(root, &msg, "--force", "nope");
    tap_ok(ret == 0, "delete --force of an unknown id: 0");
    free(msg);
    ret = run_delete(root, &msg, "nope", NULL);
    tap_ok(ret < 0 && contains(msg, "container `nope` does not exist"),
           "delete of an unknown id without --force: %s", msg);
    free(msg);
    {
        cleanup_free char *left = xasprintf("%s/gone~deleting", root);
        cleanup_free char *bad = xasprintf("%s/bad", root);
        cleanup_free char *badmeta = xasprintf("%s/bad/meta.json", root);
        cleanup_free char *crashed = xasprintf("%s/crashed", root);

        mkdir(left, 0700);
        ret = run_delete(root, &msg, "-f", "gone");
        tap_ok(ret == 0 && count_entries(root, "gone") == 0,
               "a half-removed container is finished by the next delete");
        free(msg);
        mkdir(crashed, 0711);
        ret = run_delete(root, &msg, "crashed", NULL);
        tap_ok(ret == 0 && count_entries(root, "crashed") == 0,
               "a directory without meta.json (crashed create) is removed");
        free(msg);
        mkdir(bad, 0711);
        write_text(badmeta, "{\"version\":1,");
        ret = run_delete(root, &msg, "bad", NULL);
        tap_ok(ret < 0 && contains(msg, badmeta),
               "garbage state without --force: an error naming the file");
        free(msg);
        ret = run_delete(root, &msg, "bad", "--force");
        tap_ok(ret == 0 && count_entries(root, "bad") == 0, "garbage state with --force: removed");
        free(msg);
    }
    ret = run_delete(root, &msg, "--help", NULL);
    tap_ok(ret == 0, "delete --help");
    free(msg);
}

static void test_digest(void)
{
    static const struct {
        const char *in;
        const char *hex;
    } v[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    };
    cleanup_free char *path = tmp_path("digest");

    for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
        cleanup_error rt_error_t err = NULL;
        cleanup_free char *d = NULL;
        cleanup_free char *want = xasprintf("sha256:%s", v[i].hex);

        write_text(path, v[i].in);
        int ret = container_config_digest(path, &d, &err);

        tap_ok(ret == 0 && str_eq(d, want), "sha256 of a %zu-byte file (%s)", strlen(v[i].in),
               d ? d : rt_error_msg(err));
    }
    {
        /* One million 'a': many blocks, and reads that do not align with them. */
        size_t n = 1000000;
        char *big = xmalloc(n + 1);
        cleanup_error rt_error_t err = NULL;
        cleanup_free char *d = NULL;

        memset(big, 'a', n);
        big[n] = '\0';
        write_text(path, big);
        free(big);
        tap_ok(container_config_digest(path, &d, &err) == 0 &&
                   str_eq(d, "sha256:"
                             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
               "sha256 of a million 'a'");
    }
}

int main(void)
{
    cleanup_error rt_error_t err = NULL;

    snprintf(g_tmp, sizeof(g_tmp), "/tmp/test_container.XXXXXX");
    if (mkdtemp(g_tmp) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    test_id_validation();
    test_resolve();
    test_atomic_write();
    test_lock();
    test_meta_roundtrip();
    test_liveness();
    test_process_stat();
    test_garbage();
    test_parallel_create();
    test_list_and_remove();
    test_digest();
    test_delete();

    if (rt_remove_tree_at(AT_FDCWD, g_tmp, &err) < 0)
        tap_diag("cleanup: %s", rt_error_msg(err));
    return tap_done();
}
