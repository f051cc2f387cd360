/* SPDX-License-Identifier: Apache-2.0 */
/* Logging to stderr and a log file, as text or runc-style JSON records. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

static int g_log_fd = -1;
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
}

int rt_log_fd(void)
{
    return g_log_fd;
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
    if (g_log_fd >= 0 && level <= g_log_level) {
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
        write_all_quiet(g_log_fd, sb.buf, sb.len);
        strbuf_release(&sb);
    }
    if (level <= RT_LOG_WARNING || (level <= g_log_level && g_log_fd < 0)) {
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
