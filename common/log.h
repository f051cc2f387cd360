/* SPDX-License-Identifier: Apache-2.0 */
/* Logging: levels, text or runc-style JSON records, to stderr and an optional log file. */
#pragma once

#include <stdbool.h>

#include "common/error.h"

enum rt_log_level {
    RT_LOG_ERROR = 0,
    RT_LOG_WARNING,
    RT_LOG_INFO,
    RT_LOG_DEBUG,
};

enum rt_log_format {
    RT_LOG_FORMAT_TEXT = 0,
    RT_LOG_FORMAT_JSON,
};

/*
 * Configures logging. `path` (may be NULL) is opened in append mode and gets
 * every record at or above `level` in `format`; stderr gets warnings and
 * errors (and debug records when `level` is DEBUG) as plain text.
 * Returns < 0 and sets `*err` when the file cannot be opened.
 */
int rt_log_init(const char *path, enum rt_log_format format, enum rt_log_level level,
                rt_error_t *err);

/* Sets the program name used as the prefix of text records ("runsc-c"). Not copied. */
void rt_log_set_ident(const char *ident);

/* Parses "json" or "text" into `*out`; returns false for anything else. */
bool rt_log_parse_format(const char *s, enum rt_log_format *out);

/* Writes one record. Safe to call before rt_log_init (stderr only). */
void rt_log(enum rt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Reports a fatal error the way clients expect (CONTRACT.md): one JSON or text
 * record in the log file and the plain message on stderr.
 */
void rt_log_fatal_error(const rt_error_t err);

/* Returns true when records of `level` would be written somewhere. */
bool rt_log_enabled(enum rt_log_level level);

/* Closes the log file and the debug log (e.g. in a child that must not keep them). */
void rt_log_close(void);

/*
 * The log file descriptor (the --log file, else the debug log), or -1;
 * children may inherit it explicitly.
 */
int rt_log_fd(void);

/*
 * Opens the debug log (runsc's --debug-log) as a second sink that gets the
 * same records as the log file. `where` ending in '/' is a directory
 * (created when missing) with one file per process:
 * `<where>runsc-c.<id>.<YYYYmmdd-HHMMSS.uuuuuu>.<command>.log` (UTC; no
 * `<id>.` when `id` is NULL); otherwise a file appended by every process,
 * in whose name %ID%, %COMMAND% and %TIMESTAMP% are replaced. `where` and
 * `id` are remembered for rt_log_debug_file(). Records of stderr's are then
 * warnings and errors only. Returns 0, or < 0 with *err.
 */
int rt_log_open_debug(const char *where, const char *id, const char *command, rt_error_t *err);

/*
 * Opens the debug log file a child process named `command` ("boot",
 * "gofer") writes to, by rt_log_open_debug()'s rules with its `where` and
 * `id`: its own file in a directory, else the shared one. *fd is the new
 * descriptor (close-on-exec, owned by the caller), or -1 when there is no
 * debug log. Returns 0, or < 0 with *err.
 */
int rt_log_debug_file(const char *command, int *fd, rt_error_t *err);

/* Returns the path rt_log_open_debug() would open for `command` (owned by the caller). */
char *rt_log_debug_path(const char *where, const char *id, const char *command);

#define log_error(...)   rt_log(RT_LOG_ERROR, __VA_ARGS__)
#define log_warning(...) rt_log(RT_LOG_WARNING, __VA_ARGS__)
#define log_info(...)    rt_log(RT_LOG_INFO, __VA_ARGS__)
#define log_debug(...)                         \
    do {                                       \
        if (rt_log_enabled(RT_LOG_DEBUG))      \
            rt_log(RT_LOG_DEBUG, __VA_ARGS__); \
    } while (0)
