/* SPDX-License-Identifier: Apache-2.0 */
/* The line discipline (Linux's n_tty): input processing, canonical editing, echo, output. */
#include <signal.h>
#include <string.h>
#include <termios.h>

#include "sentry/fs/devpts/devpts_internal.h"

#define TTY_CTRL(c) ((uint8_t)((c)&0x1f))

void ldisc_init_termios(struct tty_termios *tio)
{
    /* Linux's tty_std_termios: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL, ISIG|ICANON|
     * ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, and INIT_C_CC. */
    memset(tio, 0, sizeof(*tio));
    tio->iflag = ICRNL | IXON;
    tio->oflag = OPOST | ONLCR;
    tio->cflag = B38400 | CS8 | CREAD | HUPCL;
    tio->lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    tio->cc[VINTR] = TTY_CTRL('C');
    tio->cc[VQUIT] = TTY_CTRL('\\');
    tio->cc[VERASE] = 0x7f;
    tio->cc[VKILL] = TTY_CTRL('U');
    tio->cc[VEOF] = TTY_CTRL('D');
    tio->cc[VTIME] = 0;
    tio->cc[VMIN] = 1;
    tio->cc[VSTART] = TTY_CTRL('Q');
    tio->cc[VSTOP] = TTY_CTRL('S');
    tio->cc[VSUSP] = TTY_CTRL('Z');
    tio->cc[VREPRINT] = TTY_CTRL('R');
    tio->cc[VDISCARD] = TTY_CTRL('O');
    tio->cc[VWERASE] = TTY_CTRL('W');
    tio->cc[VLNEXT] = TTY_CTRL('V');
}

static bool is_cc(const struct tty *tty, uint8_t c, int idx)
{
    /* A control character set to 0 (_POSIX_VDISABLE) is disabled. */
    return tty->tio.cc[idx] != 0 && tty->tio.cc[idx] == c;
}

static bool is_cntrl(uint8_t c)
{
    return c < 0x20 || c == 0x7f;
}

/* With IUTF8 a UTF-8 continuation byte takes no column and is erased with its lead byte. */
static bool is_continuation(const struct tty *tty, uint8_t c)
{
    return (tty->tio.iflag & IUTF8) && (c & 0xc0) == 0x80;
}

/* ---- output ---- */

static size_t out_room(const struct tty *tty)
{
    return TTY_OUT_SIZE - tty->out_len;
}

static void out_put(struct tty *tty, uint8_t c)
{
    if (tty->out_len < TTY_OUT_SIZE) {
        tty->out[(tty->out_head + tty->out_len) % TTY_OUT_SIZE] = c;
        tty->out_len++;
    }
}

/* One byte through OPOST processing (needs room for 2). Tracks the column for tab erase. */
static void output_char(struct tty *tty, uint8_t c)
{
    uint32_t o = tty->tio.oflag;

    if (!(o & OPOST)) {
        out_put(tty, c);
        return;
    }
    switch (c) {
    case '\n':
        if (o & ONLCR) {
            out_put(tty, '\r');
            tty->column = 0;
        }
        if (o & ONLRET)
            tty->column = 0;
        out_put(tty, '\n');
        return;
    case '\r':
        if ((o & ONOCR) && tty->column == 0)
            return;
        if (o & OCRNL) {
            if (o & ONLRET)
                tty->column = 0;
            out_put(tty, '\n');
            return;
        }
        tty->column = 0;
        out_put(tty, '\r');
        return;
    case '\t':
        tty->column = (tty->column | 7) + 1;
        out_put(tty, '\t');
        return;
    case '\b':
        if (tty->column > 0)
            tty->column--;
        out_put(tty, '\b');
        return;
    default:
        if (!is_cntrl(c) && !is_continuation(tty, c))
            tty->column++;
        out_put(tty, c);
        return;
    }
}

size_t ldisc_write_locked(struct tty *tty, const uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (out_room(tty) < 2)
            break;
        output_char(tty, buf[i]);
    }
    return i;
}

size_t ldisc_take_output_locked(struct tty *tty, uint8_t *buf, size_t len)
{
    size_t n = 0;

    while (n < len && tty->out_len > 0) {
        buf[n++] = tty->out[tty->out_head];
        tty->out_head = (tty->out_head + 1) % TTY_OUT_SIZE;
        tty->out_len--;
    }
    if (tty->out_len == 0)
        tty->out_head = 0;
    return n;
}

/* ---- echo ---- */

/* Echoes `c` as typed: control characters as ^X with ECHOCTL (not TAB and NL). */
static void echo_char(struct tty *tty, uint8_t c)
{
    if (out_room(tty) < 4)
        return; /* Linux drops echoes the output cannot take, too */
    if ((tty->tio.lflag & ECHOCTL) && is_cntrl(c) && c != '\t' && c != '\n') {
        out_put(tty, '^');
        out_put(tty, c ^ 0x40);
        tty->column += 2;
        return;
    }
    output_char(tty, c);
}

static void echo_str(struct tty *tty, const char *s)
{
    for (; *s; s++) {
        if (out_room(tty) < 2)
            return;
        output_char(tty, (uint8_t)*s);
    }
}

/* The column the edited line reaches after its first `n` bytes. */
static size_t line_column_at(const struct tty *tty, size_t n)
{
    size_t col = tty->line_column;

    for (size_t i = 0; i < n; i++) {
        uint8_t c = tty->line[i];

        if (c == '\t')
            col = (col | 7) + 1;
        else if (is_cntrl(c))
            col += (tty->tio.lflag & ECHOCTL) ? 2 : 0;
        else if (!is_continuation(tty, c))
            col++;
    }
    return col;
}

/* Removes the last byte of the edited line, erasing it on the screen with ECHOE. */
static void erase_last(struct tty *tty)
{
    uint8_t c;

    if (tty->line_len == 0)
        return;
    c = tty->line[--tty->line_len];
    /* A multi-byte character goes as a whole, back to its lead byte. */
    while (is_continuation(tty, c) && tty->line_len > 0) {
        c = tty->line[--tty->line_len];
        if (!is_continuation(tty, c))
            break;
    }
    if (!(tty->tio.lflag & ECHO))
        return;
    if (c == '\t') {
        size_t col = line_column_at(tty, tty->line_len);

        while (tty->column > col && out_room(tty) >= 2)
            output_char(tty, '\b');
        return;
    }
    if (is_cntrl(c) && (tty->tio.lflag & ECHOCTL))
        echo_str(tty, "\b \b");
    if (!is_cntrl(c) || (tty->tio.lflag & ECHOCTL))
        echo_str(tty, "\b \b");
}

static void do_erase(struct tty *tty, uint8_t c)
{
    uint32_t l = tty->tio.lflag;

    if (tty->line_len == 0)
        return;
    if ((l & ECHO) && !(l & ECHOE)) {
        tty->line_len--;
        echo_char(tty, c);
        return;
    }
    erase_last(tty);
}

static void do_werase(struct tty *tty, uint8_t c)
{
    uint32_t l = tty->tio.lflag;

    if ((l & ECHO) && !(l & ECHOE)) {
        while (tty->line_len > 0 && tty->line[tty->line_len - 1] == ' ')
            tty->line_len--;
        while (tty->line_len > 0 && tty->line[tty->line_len - 1] != ' ')
            tty->line_len--;
        echo_char(tty, c);
        return;
    }
    while (tty->line_len > 0 && tty->line[tty->line_len - 1] == ' ')
        erase_last(tty);
    while (tty->line_len > 0 && tty->line[tty->line_len - 1] != ' ')
        erase_last(tty);
}

static void do_kill(struct tty *tty, uint8_t c)
{
    uint32_t l = tty->tio.lflag;

    if (tty->line_len == 0)
        return;
    if (!(l & ECHO)) {
        tty->line_len = 0;
        return;
    }
    if (!(l & ECHOK) || !(l & ECHOKE) || !(l & ECHOE)) {
        tty->line_len = 0;
        echo_char(tty, c);
        if (l & ECHOK)
            echo_char(tty, '\n');
        tty->line_column = tty->column;
        return;
    }
    while (tty->line_len > 0)
        erase_last(tty);
}

/* ---- input ---- */

static void in_put(struct tty *tty, uint16_t e)
{
    tty->in[(tty->in_head + tty->in_len) % TTY_IN_SIZE] = e;
    tty->in_len++;
}

/* Moves the edited line into the input queue, `term` (a byte | TTY_ENT_EOF) ending it. */
static void commit_line(struct tty *tty, uint16_t term)
{
    for (size_t i = 0; i < tty->line_len; i++)
        in_put(tty, tty->line[i]);
    in_put(tty, term | TTY_ENT_LINE_END);
    tty->in_lines++;
    tty->line_len = 0;
    tty->line_column = tty->column;
}

static void queue_signal(struct tty *tty, int sig)
{
    if (tty->npending_sig < (int)(sizeof(tty->pending_sig) / sizeof(tty->pending_sig[0])))
        tty->pending_sig[tty->npending_sig++] = sig;
}

bool ldisc_receive_locked(struct tty *tty, uint8_t c)
{
    uint32_t i = tty->tio.iflag, l = tty->tio.lflag;
    bool canon = l & ICANON;

    if (i & ISTRIP)
        c &= 0x7f;
    if (tty->lnext) {
        tty->lnext = false;
        goto literal;
    }
    if (c == '\r') {
        if (i & IGNCR)
            return true;
        if (i & ICRNL)
            c = '\n';
    } else if (c == '\n' && (i & INLCR)) {
        c = '\r';
    }
    if (i & IXON) {
        /* Flow control: VSTOP holds the output, VSTART (or any byte with IXANY) resumes. */
        if (is_cc(tty, c, VSTOP) || (is_cc(tty, c, VSTART) && tty->stopped)) {
            tty->stopped = is_cc(tty, c, VSTOP);
            if (tty->packet)
                tty->pkt_status |= tty->stopped ? TIOCPKT_STOP : TIOCPKT_START;
            return true;
        }
        if (is_cc(tty, c, VSTART))
            return true;
        if (tty->stopped && (i & IXANY))
            tty->stopped = false;
    }
    if (canon && (l & IEXTEN) && is_cc(tty, c, VLNEXT)) {
        tty->lnext = true;
        if ((l & ECHO) && (l & ECHOCTL) && out_room(tty) >= 4) {
            /* Linux shows "^" and moves back onto it until the next byte arrives. */
            out_put(tty, '^');
            out_put(tty, '\b');
        }
        return true;
    }
    if (l & ISIG) {
        int sig = is_cc(tty, c, VINTR)   ? SIGINT
                  : is_cc(tty, c, VQUIT) ? SIGQUIT
                  : is_cc(tty, c, VSUSP) ? SIGTSTP
                                         : 0;

        if (sig != 0) {
            if (!(l & NOFLSH)) {
                ldisc_flush_input_locked(tty);
                ldisc_flush_output_locked(tty);
            }
            if (l & ECHO)
                echo_char(tty, c);
            queue_signal(tty, sig);
            return true;
        }
    }
    if (canon) {
        if (is_cc(tty, c, VERASE)) {
            do_erase(tty, c);
            return true;
        }
        if (is_cc(tty, c, VKILL)) {
            do_kill(tty, c);
            return true;
        }
        if ((l & IEXTEN) && is_cc(tty, c, VWERASE)) {
            do_werase(tty, c);
            return true;
        }
        if (is_cc(tty, c, VEOF)) {
            if (tty->in_len + tty->line_len + 1 > TTY_IN_SIZE)
                return false;
            commit_line(tty, c | TTY_ENT_EOF);
            return true;
        }
        if (c == '\n' || is_cc(tty, c, VEOL) || ((l & IEXTEN) && is_cc(tty, c, VEOL2))) {
            if (tty->in_len + tty->line_len + 1 > TTY_IN_SIZE)
                return false;
            if ((l & ECHO) || (c == '\n' && (l & ECHONL)))
                echo_char(tty, c);
            commit_line(tty, c);
            return true;
        }
    }
literal:
    if (canon) {
        /* A line holds 4095 bytes; Linux drops what does not fit (leaving room for NL). */
        if (tty->line_len >= TTY_IN_SIZE - 1 || tty->in_len + tty->line_len + 2 > TTY_IN_SIZE)
            return true;
        if (tty->line_len == 0)
            tty->line_column = tty->column;
        tty->line[tty->line_len++] = c;
    } else {
        if (tty->in_len >= TTY_IN_SIZE)
            return false;
        in_put(tty, c);
    }
    if (l & ECHO)
        echo_char(tty, c);
    return true;
}

static uint16_t in_peek(const struct tty *tty, size_t i)
{
    return tty->in[(tty->in_head + i) % TTY_IN_SIZE];
}

static void in_pop(struct tty *tty)
{
    tty->in_head = (tty->in_head + 1) % TTY_IN_SIZE;
    tty->in_len--;
    if (tty->in_len == 0)
        tty->in_head = 0;
}

size_t ldisc_read_locked(struct tty *tty, uint8_t *buf, size_t len, bool *eof)
{
    size_t n = 0;

    *eof = false;
    if (!(tty->tio.lflag & ICANON)) {
        while (n < len && tty->in_len > 0) {
            uint16_t e = in_peek(tty, 0);

            in_pop(tty);
            if (e & TTY_ENT_EOF)
                continue;
            buf[n++] = (uint8_t)e;
        }
        return n;
    }
    while (tty->in_len > 0) {
        uint16_t e = in_peek(tty, 0);

        if (e & TTY_ENT_EOF) {
            in_pop(tty);
            tty->in_lines--;
            *eof = n == 0;
            return n;
        }
        if (n == len) {
            break;
        }
        buf[n++] = (uint8_t)e;
        in_pop(tty);
        if (e & TTY_ENT_LINE_END) {
            tty->in_lines--;
            return n;
        }
    }
    /* The buffer filled up: a VEOF right behind the data belongs to this read. */
    if (tty->in_len > 0 && (in_peek(tty, 0) & TTY_ENT_EOF)) {
        in_pop(tty);
        tty->in_lines--;
    }
    return n;
}

bool ldisc_readable_locked(const struct tty *tty, size_t min)
{
    if (tty->tio.lflag & ICANON)
        return tty->in_lines > 0;
    return tty->in_len >= (min == 0 ? 1 : min);
}

size_t ldisc_input_bytes_locked(const struct tty *tty)
{
    size_t n = 0;

    for (size_t i = 0; i < tty->in_len; i++) {
        if (!(in_peek(tty, i) & TTY_ENT_EOF))
            n++;
    }
    return n;
}

static void recount_lines(struct tty *tty)
{
    tty->in_lines = 0;
    for (size_t i = 0; i < tty->in_len; i++) {
        if (in_peek(tty, i) & TTY_ENT_LINE_END)
            tty->in_lines++;
    }
}

void ldisc_set_termios_locked(struct tty *tty, const struct tty_termios *tio)
{
    bool was_canon = tty->tio.lflag & ICANON;

    tty->tio = *tio;
    if (!(tio->iflag & IXON))
        tty->stopped = false;
    if (was_canon && !(tio->lflag & ICANON)) {
        /* Leaving canonical mode makes the edited line readable as it is. */
        for (size_t i = 0; i < tty->line_len && tty->in_len < TTY_IN_SIZE; i++)
            in_put(tty, tty->line[i]);
        tty->line_len = 0;
        tty->lnext = false;
    } else if (!was_canon && (tio->lflag & ICANON) && tty->in_len > 0) {
        /* Raw input still queued reads as one line. */
        size_t last = (tty->in_head + tty->in_len - 1) % TTY_IN_SIZE;

        tty->in[last] |= TTY_ENT_LINE_END;
        tty->line_column = tty->column;
    }
    recount_lines(tty);
}

void ldisc_flush_input_locked(struct tty *tty)
{
    tty->in_head = tty->in_len = tty->in_lines = 0;
    tty->line_len = 0;
    tty->lnext = false;
    if (tty->packet)
        tty->pkt_status |= TIOCPKT_FLUSHREAD;
}

void ldisc_flush_output_locked(struct tty *tty)
{
    tty->out_head = tty->out_len = 0;
    if (tty->packet)
        tty->pkt_status |= TIOCPKT_FLUSHWRITE;
}
