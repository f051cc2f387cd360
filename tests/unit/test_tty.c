/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of sentry terminals without a task: devpts nodes, the line discipline (canonical
 * editing, echo, input and output flags, ISIG, raw reads, packet status), hang-ups and the
 * console bridge over a host socket. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "sentry/fs/devpts/devpts.h"
#include "sentry/fs/devpts/devpts_internal.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

static struct super_block *g_sb;

/* Opens a new pair through the devpts root: the master and (unlocked) its replica. */
static struct tty *open_pair(struct file **m, struct file **s)
{
    struct inode *ptmx = NULL, *pts = NULL;
    struct tty *tty;
    char name[16];

    *m = *s = NULL;
    if (g_sb->root->ops->lookup(g_sb->root, "ptmx", &ptmx) < 0)
        return NULL;
    if (ptmx->ops->open(ptmx, O_RDWR | O_NOCTTY, m) < 0) {
        put_inode(ptmx);
        return NULL;
    }
    put_inode(ptmx);
    tty = (*m)->priv;
    snprintf(name, sizeof(name), "%d", tty->index);
    if (g_sb->root->ops->lookup(g_sb->root, name, &pts) < 0)
        return NULL;
    tap_ok(pts->ops->open(pts, O_RDWR | O_NOCTTY, s) == -EIO, "a new pty is locked (EIO)");
    tty->locked = false;
    if (pts->ops->open(pts, O_RDWR | O_NOCTTY, s) < 0)
        *s = NULL;
    put_inode(pts);
    return tty;
}

static long rd(struct file *f, char *buf, size_t len)
{
    long n = f->ops->read(f, buf, len - 1);

    buf[n > 0 ? n : 0] = '\0';
    return n;
}

static void wr(struct file *f, const char *s)
{
    f->ops->write(f, s, strlen(s));
}

static void set_lflag(struct tty *tty, uint32_t on, uint32_t off)
{
    struct tty_termios tio = tty->tio;

    tio.lflag = (tio.lflag | on) & ~off;
    pthread_mutex_lock(&tty->mu);
    ldisc_set_termios_locked(tty, &tio);
    pthread_mutex_unlock(&tty->mu);
}

static void test_nodes(void)
{
    struct file *m, *s, *m2, *s2;
    struct tty *tty = open_pair(&m, &s), *tty2;
    struct inode *ino = NULL;
    struct stat st;
    char name[16];

    tap_ok(tty != NULL && s != NULL, "ptmx gives a pair whose replica opens once unlocked");
    tap_ok(devpts_is_tty_file(m) && devpts_is_tty_file(s), "both sides are terminals");
    tty2 = open_pair(&m2, &s2);
    tap_ok(tty2 != NULL && tty2->index != tty->index, "each ptmx open is a new number");
    snprintf(name, sizeof(name), "%d", tty->index);
    tap_ok(g_sb->root->ops->lookup(g_sb->root, name, &ino) == 0, "pts/%s exists", name);
    vfs_inode_getattr(ino, &st);
    tap_ok(S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 &&
               minor(st.st_rdev) == (unsigned)tty->index,
           "pts nodes are char devices 136:N");
    put_inode(ino);
    tap_ok(g_sb->root->ops->lookup(g_sb->root, "4095", &ino) == -ENOENT &&
               g_sb->root->ops->lookup(g_sb->root, "01", &ino) == -ENOENT,
           "other names are ENOENT");
    /* The pair goes with its files: take its number first. */
    snprintf(name, sizeof(name), "%d", tty2->index);
    put_file(s2);
    put_file(m2);
    tap_ok(g_sb->root->ops->lookup(g_sb->root, name, &ino) == -ENOENT,
           "a closed pair's node is gone");
    put_file(s);
    put_file(m);
}

static void test_canonical(void)
{
    struct file *m, *s;
    struct tty *tty = open_pair(&m, &s);
    char buf[64];

    wr(m, "ab");
    s->flags |= O_NONBLOCK;
    m->flags |= O_NONBLOCK;
    tap_ok(rd(s, buf, sizeof(buf)) == -EAGAIN, "no line yet: EAGAIN");
    tap_ok(rd(m, buf, sizeof(buf)) == 2 && strcmp(buf, "ab") == 0, "typed bytes are echoed");
    wr(m, "c\x7f"
          "d\r");
    tap_ok(rd(s, buf, sizeof(buf)) == 4 && strcmp(buf, "abd\n") == 0,
           "ERASE removes a byte, ICRNL ends the line");
    tap_ok(rd(m, buf, sizeof(buf)) > 0 && strcmp(buf, "c\b \bd\r\n") == 0,
           "ECHOE erases on screen, the NL echo gets ONLCR");
    tty->tio.iflag |= IUTF8;
    wr(m, "h\xc3\xa9\x7f\n");
    tap_ok(rd(s, buf, sizeof(buf)) == 2 && strcmp(buf, "h\n") == 0,
           "IUTF8: ERASE removes a whole UTF-8 character");
    tap_ok(rd(m, buf, sizeof(buf)) > 0 && strcmp(buf, "h\xc3\xa9\b \b\r\n") == 0,
           "IUTF8: one column erased on screen");
    rd(m, buf, sizeof(buf));
    wr(m, "\x13");
    wr(s, "held");
    tap_ok(rd(m, buf, sizeof(buf)) == -EAGAIN, "IXON: VSTOP holds the output");
    wr(m, "\x11");
    tap_ok(rd(m, buf, sizeof(buf)) == 4 && strcmp(buf, "held") == 0, "VSTART releases it");
    wr(m, "one two\x17x\n");
    tap_ok(rd(s, buf, sizeof(buf)) == 6 && strcmp(buf, "one x\n") == 0, "WERASE removes a word");
    wr(m, "junk\x15ok\n");
    tap_ok(rd(s, buf, sizeof(buf)) == 3 && strcmp(buf, "ok\n") == 0, "KILL removes the line");
    rd(m, buf, sizeof(buf));
    wr(m, "x\x04");
    tap_ok(rd(s, buf, sizeof(buf)) == 1 && strcmp(buf, "x") == 0, "VEOF ends a line unechoed");
    wr(m, "\x04");
    tap_ok(rd(s, buf, sizeof(buf)) == 0, "VEOF alone reads as end of file");
    wr(m, "abcdef\n");
    tap_ok(rd(s, buf, 4) == 3 && strcmp(buf, "abc") == 0, "a short read takes part of a line");
    tap_ok(rd(s, buf, sizeof(buf)) == 4 && strcmp(buf, "def\n") == 0, "the rest follows");
    rd(m, buf, sizeof(buf));
    wr(m, "\x03");
    tap_ok(rd(m, buf, sizeof(buf)) == 2 && strcmp(buf, "^C") == 0, "ECHOCTL shows ^C");
    tap_ok(tty->npending_sig == 0, "signals without a session are dropped");
    tty->pgrp = 42;
    wr(m, "zz\x1c");
    tap_ok(tty->npending_sig == 0 && tty->in_len == 0 && tty->line_len == 0,
           "ISIG flushes the line (no kernel: the signal is not sent)");
    tty->pgrp = 0;
    put_file(s);
    put_file(m);
}

static void test_flags_and_raw(void)
{
    struct file *m, *s;
    struct tty *tty = open_pair(&m, &s);
    struct tty_termios tio;
    char buf[64];

    s->flags |= O_NONBLOCK;
    m->flags |= O_NONBLOCK;
    set_lflag(tty, 0, ICANON | ECHO);
    wr(m, "a\rb");
    tap_ok(rd(s, buf, sizeof(buf)) == 3 && strcmp(buf, "a\nb") == 0, "raw mode keeps ICRNL");
    tio = tty->tio;
    tio.iflag = (tio.iflag & ~ICRNL) | IGNCR;
    pthread_mutex_lock(&tty->mu);
    ldisc_set_termios_locked(tty, &tio);
    pthread_mutex_unlock(&tty->mu);
    wr(m, "a\rb");
    tap_ok(rd(s, buf, sizeof(buf)) == 2 && strcmp(buf, "ab") == 0, "IGNCR drops CR");
    tio.iflag = INLCR;
    pthread_mutex_lock(&tty->mu);
    ldisc_set_termios_locked(tty, &tio);
    pthread_mutex_unlock(&tty->mu);
    wr(m, "\n");
    tap_ok(rd(s, buf, sizeof(buf)) == 1 && buf[0] == '\r', "INLCR maps NL to CR");
    wr(s, "x\ny");
    tap_ok(rd(m, buf, sizeof(buf)) == 4 && strcmp(buf, "x\r\ny") == 0, "ONLCR on output");
    tio.oflag = 0;
    pthread_mutex_lock(&tty->mu);
    ldisc_set_termios_locked(tty, &tio);
    pthread_mutex_unlock(&tty->mu);
    wr(s, "x\n");
    tap_ok(rd(m, buf, sizeof(buf)) == 2 && strcmp(buf, "x\n") == 0, "without OPOST bytes pass");
    tty->tio.cc[VMIN] = 0;
    tty->tio.cc[VTIME] = 0;
    s->flags &= ~(unsigned int)O_NONBLOCK;
    tap_ok(rd(s, buf, sizeof(buf)) == 0, "VMIN=0 VTIME=0 returns at once");
    tty->tio.cc[VTIME] = 1;
    tap_ok(rd(s, buf, sizeof(buf)) == 0, "VMIN=0 VTIME=1 times out with 0");
    /* Canonical to raw makes the edited line readable. */
    set_lflag(tty, ICANON, 0);
    wr(m, "half");
    set_lflag(tty, 0, ICANON);
    s->flags |= O_NONBLOCK;
    tap_ok(rd(s, buf, sizeof(buf)) == 4 && strcmp(buf, "half") == 0,
           "leaving ICANON commits the edited line");
    /* Packet mode. */
    tty->packet = true;
    wr(s, "pk");
    tap_ok(rd(m, buf, sizeof(buf)) == 3 && buf[0] == TIOCPKT_DATA && memcmp(buf + 1, "pk", 2) == 0,
           "packet mode prefixes TIOCPKT_DATA");
    pthread_mutex_lock(&tty->mu);
    ldisc_flush_input_locked(tty);
    pthread_mutex_unlock(&tty->mu);
    tap_ok(rd(m, buf, sizeof(buf)) == 1 && (buf[0] & TIOCPKT_FLUSHREAD),
           "an input flush is reported");
    tty->packet = false;
    tap_ok(m->ops->poll(m) & POLLOUT, "master writable");
    tap_ok(!(m->ops->poll(m) & POLLIN), "master not readable when empty");
    wr(s, "q");
    tap_ok((m->ops->poll(m) & POLLIN) && rd(m, buf, sizeof(buf)) == 1, "master readable");
    /* Hang-ups. */
    put_file(s);
    tap_ok((m->ops->poll(m) & POLLHUP) && rd(m, buf, sizeof(buf)) == -EIO,
           "without a replica the master reads EIO and polls POLLHUP");
    {
        struct inode *pts = NULL;
        char name[16];

        snprintf(name, sizeof(name), "%d", tty->index);
        g_sb->root->ops->lookup(g_sb->root, name, &pts);
        pts->ops->open(pts, O_RDWR | O_NOCTTY, &s);
        put_inode(pts);
    }
    tap_ok(rd(m, buf, sizeof(buf)) == -EAGAIN, "a reopened replica ends the hang-up");
    put_file(m);
    tap_ok(rd(s, buf, sizeof(buf)) == 0 && s->ops->write(s, "x", 1) == -EIO &&
               (s->ops->poll(s) & POLLHUP),
           "once the master closed: EOF, EIO, POLLHUP");
    put_file(s);
}

static void test_console(void)
{
    int sv[2];
    struct file *s = NULL;
    char buf[64];
    long n = 0;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        tap_ok(0, "socketpair");
        return;
    }
    tap_ok(devpts_console_new(sv[0], &s) == 0 && devpts_is_tty_file(s),
           "the console is a terminal over the host fd");
    tap_ok(write(sv[1], "ls\r", 3) == 3, "the user types");
    n = rd(s, buf, sizeof(buf));
    tap_ok(n == 3 && strcmp(buf, "ls\n") == 0, "the app reads a cooked line");
    wr(s, "out\n");
    {
        size_t got = 0;

        /* The echo "ls\r\n" comes first, then "out\r\n". */
        while (got < 9) {
            ssize_t r = read(sv[1], buf + got, sizeof(buf) - 1 - got);

            if (r <= 0)
                break;
            got += (size_t)r;
        }
        buf[got] = '\0';
        tap_ok(strcmp(buf, "ls\r\nout\r\n") == 0, "echo and output reach the host with ONLCR");
    }
    close(sv[1]);
    tap_ok(rd(s, buf, sizeof(buf)) == 0, "a host hang-up reads as EOF");
    put_file(s);
}

/* The console over a real host pty: raw host side, sizes followed. */
static void test_console_host_pty(void)
{
    int hm = posix_openpt(O_RDWR | O_NOCTTY), hr;
    struct winsize ws = { .ws_row = 24, .ws_col = 80 };
    struct termios tio;
    struct file *s = NULL;
    struct tty *tty;
    char buf[64];
    long n;

    if (hm < 0 || grantpt(hm) < 0 || unlockpt(hm) < 0 || ptsname_r(hm, buf, sizeof(buf)) != 0 ||
        (hr = open(buf, O_RDWR | O_NOCTTY)) < 0) {
        tap_ok(0, "a host pty");
        return;
    }
    ioctl(hm, TIOCSWINSZ, &ws);
    tap_ok(devpts_console_new(hr, &s) == 0, "console over a host pty replica");
    tty = s->priv;
    tap_ok(tcgetattr(hm, &tio) == 0 && !(tio.c_lflag & (ICANON | ECHO)),
           "the host pty was put in raw mode");
    tap_ok(tty->ws.ws_row == 24 && tty->ws.ws_col == 80, "the host's size is taken");
    ws.ws_row = 50;
    ioctl(hm, TIOCSWINSZ, &ws);
    for (int i = 0; i < 100 && tty->ws.ws_row != 50; i++)
        usleep(10 * 1000);
    tap_ok(tty->ws.ws_row == 50, "a host resize reaches the sentry terminal");
    tap_ok(write(hm, "hi\r", 3) == 3, "the user types on the host master");
    n = rd(s, buf, sizeof(buf));
    tap_ok(n == 3 && strcmp(buf, "hi\n") == 0, "one line discipline: the sentry's (ICRNL once)");
    close(hm);
    tap_ok(rd(s, buf, sizeof(buf)) == 0, "closing the host master hangs the console up");
    put_file(s);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    g_sb = devpts_new();
    tap_ok(g_sb != NULL, "devpts_new");
    test_nodes();
    test_canonical();
    test_flags_and_raw();
    test_console();
    test_console_host_pty();
    put_super_block(g_sb);
    return tap_done();
}
