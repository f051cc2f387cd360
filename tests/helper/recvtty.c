/* SPDX-License-Identifier: Apache-2.0 */
/* A console-socket client for tests (runc's recvtty): receives a pty master and scripts it. */
/*
 * recvtty [--timeout SECS] [--script FILE] SOCKET
 *
 * Listens on the unix socket SOCKET (created; removed at exit), accepts one
 * connection, receives the pty master sent with SCM_RIGHTS and then runs the
 * script (FILE, or stdin with "-"), one command per line:
 *
 *   send TEXT        writes TEXT to the master (C escapes: \n \r \t \e \\ \xHH)
 *   expect TEXT      waits until the output read since the last match contains
 *                    TEXT (same escapes); fails after the timeout
 *   resize ROWS COLS sets the window size on the master (TIOCSWINSZ)
 *   sleep MS         keeps reading for MS milliseconds
 *   eof              waits until the master reads EOF or EIO (every replica closed)
 *   # ...            a comment; empty lines are skipped
 *
 * Without --script it copies its stdin to the master until EOF. Everything
 * read from the master goes to stdout as it arrives. Exits 0 when every
 * command succeeded, 1 on a failed `expect` or `eof` (the output so far is
 * on stdout), 2 on a usage or setup error.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define OUT_MAX (1 << 20)

static int g_master = -1;
static char g_out[OUT_MAX];
static size_t g_out_len;  /* bytes read from the master */
static size_t g_match_at; /* where the next `expect` starts looking */
static bool g_eof;        /* the master read EOF or EIO */
static int g_timeout_ms = 10000;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads what the master has within `ms` milliseconds (one poll). Returns false at EOF. */
static bool pump(int ms)
{
    struct pollfd p = { .fd = g_master, .events = POLLIN };
    char buf[4096];
    ssize_t n;

    if (g_eof)
        return false;
    if (poll(&p, 1, ms) <= 0)
        return true;
    n = read(g_master, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0) {
        g_eof = true;
        return false;
    }
    fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
    if (g_out_len + (size_t)n > sizeof(g_out)) {
        fprintf(stderr, "recvtty: more than %d bytes of output\n", OUT_MAX);
        exit(2);
    }
    memcpy(g_out + g_out_len, buf, (size_t)n);
    g_out_len += (size_t)n;
    return true;
}

/* Decodes the escapes of `s` in place; returns the length. */
static size_t unescape(char *s)
{
    char *w = s;

    for (const char *r = s; *r != '\0'; r++) {
        if (*r != '\\' || r[1] == '\0') {
            *w++ = *r;
            continue;
        }
        r++;
        switch (*r) {
        case 'n':
            *w++ = '\n';
            break;
        case 'r':
            *w++ = '\r';
            break;
        case 't':
            *w++ = '\t';
            break;
        case 'e':
            *w++ = '\033';
            break;
        case 'x': {
            char hex[3] = { 0 };

            if (r[1] != '\0') {
                hex[0] = r[1];
                if (r[2] != '\0')
                    hex[1] = r[2];
            }
            *w++ = (char)strtol(hex, NULL, 16);
            r += strlen(hex);
            break;
        }
        default:
            *w++ = *r;
            break;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static bool write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(g_master, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static bool expect(const char *text, size_t len)
{
    long deadline = now_ms() + g_timeout_ms;

    for (;;) {
        char *hit = memmem(g_out + g_match_at, g_out_len - g_match_at, text, len);

        if (hit != NULL) {
            g_match_at = (size_t)(hit - g_out) + len;
            return true;
        }
        if (now_ms() >= deadline || !pump((int)(deadline - now_ms()))) {
            if (memmem(g_out + g_match_at, g_out_len - g_match_at, text, len) != NULL)
                continue;
            return false;
        }
    }
}

static int run_line(char *line, int lineno)
{
    char *arg = strchr(line, ' ');
    size_t len;

    if (arg != NULL)
        *arg++ = '\0';
    else
        arg = line + strlen(line);
    if (strcmp(line, "send") == 0) {
        len = unescape(arg);
        if (!write_all(arg, len)) {
            fprintf(stderr, "recvtty: line %d: writing to the master: %s\n", lineno,
                    strerror(errno));
            return 1;
        }
        return 0;
    }
    if (strcmp(line, "expect") == 0) {
        len = unescape(arg);
        if (!expect(arg, len)) {
            fprintf(stderr, "recvtty: line %d: `%s` not seen within %d ms%s\n", lineno, arg,
                    g_timeout_ms, g_eof ? " (the master read EOF)" : "");
            return 1;
        }
        return 0;
    }
    if (strcmp(line, "resize") == 0) {
        struct winsize ws = { 0 };
        unsigned rows, cols;

        if (sscanf(arg, "%u %u", &rows, &cols) != 2) {
            fprintf(stderr, "recvtty: line %d: resize ROWS COLS\n", lineno);
            return 2;
        }
        ws.ws_row = (unsigned short)rows;
        ws.ws_col = (unsigned short)cols;
        if (ioctl(g_master, TIOCSWINSZ, &ws) < 0) {
            fprintf(stderr, "recvtty: line %d: TIOCSWINSZ: %s\n", lineno, strerror(errno));
            return 1;
        }
        return 0;
    }
    if (strcmp(line, "sleep") == 0) {
        long deadline = now_ms() + atol(arg);

        while (now_ms() < deadline && pump((int)(deadline - now_ms())))
            ;
        return 0;
    }
    if (strcmp(line, "eof") == 0) {
        long deadline = now_ms() + g_timeout_ms;

        while (now_ms() < deadline && pump((int)(deadline - now_ms())))
            ;
        if (!g_eof) {
            fprintf(stderr, "recvtty: line %d: no EOF within %d ms\n", lineno, g_timeout_ms);
            return 1;
        }
        return 0;
    }
    fprintf(stderr, "recvtty: line %d: unknown command `%s`\n", lineno, line);
    return 2;
}

static int run_script(FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, ret = 0;

    while (ret == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        ret = run_line(line, lineno);
    }
    free(line);
    return ret;
}

/* No script: stdin to the master, the master to stdout, until stdin's EOF. */
static int copy_stdin(void)
{
    for (;;) {
        struct pollfd p[2] = { { .fd = 0, .events = POLLIN },
                               { .fd = g_master, .events = POLLIN } };
        char buf[4096];
        ssize_t n;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return 2;
        }
        if (p[1].revents != 0 && !pump(0))
            return 0;
        if (p[0].revents != 0) {
            n = read(0, buf, sizeof(buf));
            if (n <= 0)
                return 0;
            if (!write_all(buf, (size_t)n))
                return 1;
        }
    }
}

static int receive_master(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    char data[64], cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    struct cmsghdr *cm;
    int s, c, fd = -1;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "recvtty: socket path too long\n");
        return -1;
    }
    strcpy(addr.sun_path, path);
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0) {
        fprintf(stderr, "recvtty: listening on `%s`: %s\n", path, strerror(errno));
        return -1;
    }
    c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    close(s);
    unlink(path);
    if (c < 0) {
        fprintf(stderr, "recvtty: accept: %s\n", strerror(errno));
        return -1;
    }
    if (recvmsg(c, &msg, MSG_CMSG_CLOEXEC) < 0) {
        fprintf(stderr, "recvtty: recvmsg: %s\n", strerror(errno));
        close(c);
        return -1;
    }
    for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
            memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
    }
    close(c);
    if (fd < 0)
        fprintf(stderr, "recvtty: no descriptor received\n");
    return fd;
}

int main(int argc, char **argv)
{
    const char *script = NULL, *path = NULL;
    FILE *f = NULL;
    int ret;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            g_timeout_ms = atoi(argv[++i]) * 1000;
        else if (strcmp(argv[i], "--script") == 0 && i + 1 < argc)
            script = argv[++i];
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else {
            fprintf(stderr, "usage: recvtty [--timeout SECS] [--script FILE|-] SOCKET\n");
            return 2;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "usage: recvtty [--timeout SECS] [--script FILE|-] SOCKET\n");
        return 2;
    }
    if (script != NULL) {
        f = strcmp(script, "-") == 0 ? stdin : fopen(script, "r");
        if (f == NULL) {
            fprintf(stderr, "recvtty: %s: %s\n", script, strerror(errno));
            return 2;
        }
    }
    g_master = receive_master(path);
    if (g_master < 0)
        return 2;
    ret = f != NULL ? run_script(f) : copy_stdin();
    close(g_master);
    return ret;
}
