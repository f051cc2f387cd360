/* SPDX-License-Identifier: Apache-2.0 */
/* Logging to stderr and a log file, as text or runc-style JSON records. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

static int g_log_fd = -1;
static int g_debug_fd = -1; /* --debug-log */
static char *g_debug_where; /* owned: --debug-log's value */
static char *g_debug_id;    /* owned: the container id its files are named after */
static enum rt_log_format g_log_format = RT_LOG_FORMAT_TEXT;
static enum rt_log_level g_log_level = RT_LOG_WARNING;
static const char *g_log_ident = "runsc-c";

static const char *const g_level_names[] = {
    [RT_LOG_ERROR] = "error",
    [RT_LOG_WARNING] = "warning",
    [RT_LOG_INFO] = "info",
    [RT_LOG_DEBUG] = "debug",
};

void rt_log_set_ident(const char *ident)
{
    g_log_ident = ident;
}

bool rt_log_parse_format(const char *s, enum rt_log_format *out)
{
    if (strcmp(s, "json") == 0) {
        *out = RT_LOG_FORMAT_JSON;
        return true;
    }
    if (strcmp(s, "text") == 0) {
        *out = RT_LOG_FORMAT_TEXT;
        return true;
    }
    return false;
}

int rt_log_init(const char *path, enum rt_log_format format, enum rt_log_level level,
                rt_error_t *err)
{
    g_log_format = format;
    g_log_level = level;
    if (path != NULL && path[0] != '\0') {
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

        if (fd < 0)
            return rt_make_error(err, errno, "open log file `%s`", path);
        rt_log_close();
        g_log_fd = fd;
    }
    return 0;
}

void rt_log_close(void)
{
    if (g_log_fd >= 0)
        close(g_log_fd);
    g_log_fd = -1;
    if (g_debug_fd >= 0)
        close(g_debug_fd);
    g_debug_fd = -1;
}

int rt_log_fd(void)
{
    return g_log_fd >= 0 ? g_log_fd : g_debug_fd;
}

/* Appends `s` to `sb` with every %ID%, %COMMAND% and %TIMESTAMP% replaced. */
static void expand_debug_name(struct strbuf *sb, const char *s, const char *id, const char *command,
                              const char *stamp)
{
    static const char *const names[] = { "%ID%", "%COMMAND%", "%TIMESTAMP%" };
    const char *values[] = { id != NULL ? id : "", command, stamp };

    while (*s != '\0') {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(names); i++) {
            if (strncmp(s, names[i], strlen(names[i])) == 0)
                break;
        }
        if (i < ARRAY_SIZE(names)) {
            strbuf_append(sb, values[i]);
            s += strlen(names[i]);
        } else {
            strbuf_appendf(sb, "%c", *s++);
        }
    }
}

char *rt_log_debug_path(const char *where, const char *id, const char *command)
{
    struct strbuf sb = STRBUF_INIT;
    size_t len = strlen(where);
    char stamp[40], base[24];
    struct timeval tv;
    struct tm tm;

    /* runsc's %TIMESTAMP%: 20060102-150405.000000 */
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(base, sizeof(base), "%Y%m%d-%H%M%S", &tm);
    snprintf(stamp, sizeof(stamp), "%s.%06ld", base, (long)tv.tv_usec);
    if (len > 0 && where[len - 1] == '/') {
        strbuf_appendf(&sb, "%srunsc-c.", where);
        if (id != NULL)
            strbuf_appendf(&sb, "%s.", id);
        strbuf_appendf(&sb, "%s.%s.log", stamp, command);
    } else {
        expand_debug_name(&sb, where, id, command, stamp);
    }
    return strbuf_detach(&sb);
}

/* Opens the debug log file for `command`: a new one in a directory, else the shared one. */
static int open_debug_file(const char *command, rt_error_t *err)
{
    cleanup_free char *path = rt_log_debug_path(g_debug_where, g_debug_id, command);
    char *slash = strrchr(path, '/');
    int fd;

    /* mkdir -p of its directory, which may be new. */
    for (char *p = path + 1; slash != NULL && p <= slash; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            return rt_make_error(err, errno, "creating the debug log directory `%s`", path);
        *p = '/';
    }
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return rt_make_error(err, errno, "open debug log `%s`", path);
    return fd;
}

int rt_log_open_debug(const char *where, const char *id, const char *command, rt_error_t *err)
{
    int fd;

    free(g_debug_where);
    free(g_debug_id);
    g_debug_where = xstrdup(where);
    g_debug_id = id != NULL ? xstrdup(id) : NULL;
    fd = open_debug_file(command, err);
    if (fd < 0)
        return -1;
    if (g_debug_fd >= 0)
        close(g_debug_fd);
    g_debug_fd = fd;
    return 0;
}

int rt_log_debug_file(const char *command, int *fd, rt_error_t *err)
{
    *fd = -1;
    if (g_debug_where == NULL)
        return 0;
    *fd = open_debug_file(command, err);
    return *fd < 0 ? -1 : 0;
}

bool rt_log_enabled(enum rt_log_level level)
{
    return level <= g_log_level;
}

static void write_all_quiet(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

static void format_time(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    char base[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

static void log_record(enum rt_log_level level, const char *msg)
{
    int saved = errno;
    char when[64];

    format_time(when, sizeof(when));
    if ((g_log_fd >= 0 || g_debug_fd >= 0) && level <= g_log_level) {
        struct strbuf sb = STRBUF_INIT;

        if (g_log_format == RT_LOG_FORMAT_JSON) {
            strbuf_append(&sb, "{\"level\":\"");
            strbuf_append(&sb, g_level_names[level]);
            strbuf_append(&sb, "\",\"msg\":");
            strbuf_append_json_string(&sb, msg);
            strbuf_appendf(&sb, ",\"time\":\"%s\"}\n", when);
        } else {
            strbuf_appendf(&sb, "%s %s[%d]: %s: %s\n", when, g_log_ident, (int)getpid(),
                           g_level_names[level], msg);
        }
        if (g_log_fd >= 0)
            write_all_quiet(g_log_fd, sb.buf, sb.len);
        if (g_debug_fd >= 0)
            write_all_quiet(g_debug_fd, sb.buf, sb.len);
        strbuf_release(&sb);
    }
    if (level <= RT_LOG_WARNING || (level <= g_log_level && g_log_fd < 0 && g_debug_fd < 0)) {
        struct strbuf sb = STRBUF_INIT;

        if (level == RT_LOG_ERROR)
            strbuf_appendf(&sb, "%s: %s\n", g_log_ident, msg);
        else
            strbuf_appendf(&sb, "%s: %s: %s\n", g_log_ident, g_level_names[level], msg);
        write_all_quiet(STDERR_FILENO, sb.buf, sb.len);
        strbuf_release(&sb);
    }
    errno = saved;
}

void rt_log(enum rt_log_level level, const char *fmt, ...)
{
    cleanup_free char *msg = NULL;
    va_list ap;

    if (level > g_log_level && level > RT_LOG_WARNING)
        return;
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    log_record(level, msg);
}

void rt_log_fatal_error(const rt_error_t err)
{
    log_record(RT_LOG_ERROR, rt_error_msg(err));
}
