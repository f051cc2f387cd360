// SPDX-License-Identifier: Apache-2.0
// The control-socket server: accepts connections, one bounded thread each, decodes and dispatches.
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "boot/boot.h"
#include "common/common.h"
#include "common/wire.h"

struct control_server {
    struct control_server_config cfg; /* immutable after new */
    int stop_fd;                      /* eventfd, readable once stopping; immutable */
    atomic_bool stopping;

    pthread_mutex_t mu;
    pthread_cond_t idle; /* signalled when `active` drops */
    unsigned active;     /* protected by mu */
    int *conn_fds;       /* cfg.max_conns slots, -1 when free; protected by mu */
};

struct control_conn {
    struct control_server *srv; /* not owned */
    int fd;                     /* owned by the connection thread */
    unsigned slot;              /* index in srv->conn_fds */
    struct ucred cred;
};

int control_server_new(const struct control_server_config *cfg, struct control_server **out,
                       rt_error_t *err)
{
    cleanup_close int listen_fd = cfg->listen_fd;
    struct control_server *s;

    if (cfg->handlers == NULL)
        return rt_make_error(err, EINVAL, "control server: no handlers");
    s = xmalloc0(sizeof(*s));
    s->cfg = *cfg;
    if (s->cfg.max_conns == 0)
        s->cfg.max_conns = CONTROL_SERVER_MAX_CONNS_DEFAULT;
    if (s->cfg.io_timeout_ms <= 0)
        s->cfg.io_timeout_ms = CONTROL_SERVER_IO_TIMEOUT_DEFAULT;
    s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->stop_fd < 0) {
        free(s);
        return rt_make_error(err, errno, "control server: eventfd");
    }
    s->conn_fds = xcalloc(s->cfg.max_conns, sizeof(int));
    for (unsigned i = 0; i < s->cfg.max_conns; i++)
        s->conn_fds[i] = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->idle, NULL);
    s->cfg.listen_fd = take_fd(&listen_fd);
    *out = s;
    return 0;
}

void control_server_stop(struct control_server *s)
{
    uint64_t one = 1;

    atomic_store(&s->stopping, true);
    /* Only write(2): safe from a signal handler. EAGAIN means it is already readable. */
    if (write(s->stop_fd, &one, sizeof(one)) < 0) {
        /* nothing to do */
    }
}

unsigned control_server_active(struct control_server *s)
{
    unsigned n;

    pthread_mutex_lock(&s->mu);
    n = s->active;
    pthread_mutex_unlock(&s->mu);
    return n;
}

pid_t control_conn_peer_pid(const struct control_conn *conn)
{
    return conn->cred.pid;
}

uid_t control_conn_peer_uid(const struct control_conn *conn)
{
    return conn->cred.uid;
}

int control_conn_wait(struct control_conn *conn, int fd, int timeout_ms, rt_error_t *err)
{
    struct pollfd p[3] = {
        { .fd = fd, .events = POLLIN },
        /*
         * The client sends one request and then only reads: anything
         * readable on the connection now is EOF (or a protocol violation),
         * so it means the client is gone.
         */
        { .fd = conn->fd, .events = POLLIN | POLLRDHUP },
        { .fd = conn->srv->stop_fd, .events = POLLIN },
    };
    int n;

    for (;;) {
        n = poll(p, 3, timeout_ms);
        if (n >= 0 || errno != EINTR)
            break;
    }
    if (n < 0)
        return rt_make_error(err, errno, "waiting on the control connection");
    if (p[1].revents != 0)
        return rt_make_error(err, ECONNRESET, "the control client went away");
    if (p[2].revents != 0)
        return rt_make_error(err, ECONNRESET, "the control server is stopping");
    if (p[0].revents != 0)
        return 1;
    return 0;
}

/* ---- one connection ---- */

static int send_response(int fd, struct control_response *resp, rt_error_t *err)
{
    cleanup_free uint8_t *buf = NULL;
    size_t len = 0;

    if (control_response_encode(resp, &buf, &len, err) < 0) {
        /* A handler produced something we refuse to send: say so instead. */
        rt_error_t inner = *err;

        *err = NULL;
        control_response_set_error(resp, resp->id, EIO, rt_error_msg(inner));
        log_warning("control: %s", rt_error_msg(inner));
        rt_error_release(&inner);
        if (control_response_encode(resp, &buf, &len, err) < 0)
            return -1;
    }
    return rt_frame_send(fd, buf, len, NULL, 0, err);
}

static void fail_response(struct control_response *resp, uint64_t id, rt_error_t *e)
{
    control_response_set_error(resp, id, rt_error_status(*e), rt_error_msg(*e));
    rt_error_release(e);
}

static int not_supported(enum control_request_kind kind, rt_error_t *err)
{
    return rt_make_error(err, ENOSYS, "%s: not yet supported by this sandbox",
                         control_request_kind_name(kind));
}

/* Runs the handler of `req`; fills `resp` (result or error). Returns true for a shutdown. */
static bool dispatch(struct control_conn *conn, struct control_request *req,
                     struct control_response *resp)
{
    const struct control_handlers *h = conn->srv->cfg.handlers;
    cleanup_error rt_error_t e = NULL;
    int ret = -1;

    resp->id = req->id;
    switch (req->kind) {
    case CONTROL_REQ_CREATE:
        ret = h->create ? h->create(h->ctx, &req->create, req->fds, req->nfds, &e)
                        : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_START:
        ret = h->start ? h->start(h->ctx, req->container_id, &e) : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_EXEC: {
        int32_t pid = 0;

        ret = h->exec ? h->exec(h->ctx, &req->exec, req->fds, req->nfds, &pid, &e)
                      : not_supported(req->kind, &e);
        if (ret >= 0) {
            resp->kind = CONTROL_RESULT_EXEC;
            resp->exec_pid = pid;
        }
        break;
    }
    case CONTROL_REQ_WAIT: {
        int32_t status = 0;

        ret =
            h->wait ? h->wait(h->ctx, conn, &req->wait, &status, &e) : not_supported(req->kind, &e);
        if (ret >= 0) {
            resp->kind = CONTROL_RESULT_WAIT;
            resp->wait_status = status;
        }
        break;
    }
    case CONTROL_REQ_SIGNAL:
        ret = h->signal ? h->signal(h->ctx, &req->signal, &e) : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_PAUSE:
        ret = h->pause ? h->pause(h->ctx, &e) : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_RESUME:
        ret = h->resume ? h->resume(h->ctx, &e) : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_PROCESSES: {
        struct control_process_info *v = NULL;
        size_t n = 0;

        ret = h->processes ? h->processes(h->ctx, req->container_id, &v, &n, &e)
                           : not_supported(req->kind, &e);
        if (ret >= 0) {
            resp->kind = CONTROL_RESULT_PROCESSES;
            resp->processes.v = v;
            resp->processes.n = n;
        }
        break;
    }
    case CONTROL_REQ_STATS:
        ret = h->stats ? h->stats(h->ctx, req->container_id, &resp->stats, &e)
                       : not_supported(req->kind, &e);
        if (ret >= 0)
            resp->kind = CONTROL_RESULT_STATS;
        break;
    case CONTROL_REQ_CHECKPOINT:
        ret = h->checkpoint ? h->checkpoint(h->ctx, &req->ckpt, req->fds, req->nfds, &e)
                            : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_RESTORE:
        ret = h->restore ? h->restore(h->ctx, &req->create, req->fds, req->nfds, &e)
                         : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_DESTROY:
        ret = h->destroy ? h->destroy(h->ctx, req->container_id, &e) : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_SHUTDOWN:
        ret = h->shutdown ? h->shutdown(h->ctx, &e) : 0;
        break;
    case CONTROL_REQ_UPDATE:
        ret = h->update ? h->update(h->ctx, &req->update, &e) : not_supported(req->kind, &e);
        break;
    case CONTROL_REQ_COUNT_:
        ret = not_supported(req->kind, &e);
        break;
    }
    if (ret < 0) {
        if (e == NULL)
            rt_make_error(&e, EIO, "%s: handler failed without saying why",
                          control_request_kind_name(req->kind));
        log_debug("control: %s failed: %s", control_request_kind_name(req->kind), rt_error_msg(e));
        fail_response(resp, req->id, &e);
        return false;
    }
    return req->kind == CONTROL_REQ_SHUTDOWN;
}

static void set_timeouts(int fd, int ms)
{
    struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Serves the single request of a connection. Returns true when it was an answered shutdown. */
static bool serve_conn(struct control_conn *conn)
{
    struct control_server *s = conn->srv;
    cleanup_free uint8_t *buf = NULL;
    cleanup_error rt_error_t e = NULL;
    struct control_response resp = { 0 };
    struct control_request req = { 0 };
    int fds[CONTROL_MAX_FDS];
    size_t len = 0, nfds = 0;
    bool shutdown_now = false;
    int ret;

    if (conn->cred.uid != 0 && conn->cred.uid != s->cfg.owner_uid) {
        rt_make_error(&e, EACCES, "uid %u may not use this sandbox's control socket",
                      (unsigned)conn->cred.uid);
        log_warning("control: refused pid %d: %s", (int)conn->cred.pid, rt_error_msg(e));
        fail_response(&resp, 0, &e);
        goto reply;
    }
    set_timeouts(conn->fd, s->cfg.io_timeout_ms);
    ret = rt_frame_recv(conn->fd, RT_FRAME_MAX, &buf, &len, fds, CONTROL_MAX_FDS, &nfds, &e);
    if (ret == 0)
        return false; /* closed before sending anything */
    if (ret < 0) {
        /* The stream may be out of step: answer once (best effort) and drop it. */
        log_debug("control: reading a request: %s", rt_error_msg(e));
        if (rt_error_status(e) == ECONNRESET)
            return false;
        fail_response(&resp, 0, &e);
        goto reply;
    }
    /* Does not block: a Wait must not keep its timeouts once the request is in. */
    set_timeouts(conn->fd, 0);
    if (control_request_decode(buf, len, fds, nfds, &req, &e) < 0) {
        log_debug("control: %s", rt_error_msg(e));
        fail_response(&resp, req.id, &e);
        goto reply;
    }
    log_debug("control: %s request %llu from pid %d", control_request_kind_name(req.kind),
              (unsigned long long)req.id, (int)conn->cred.pid);
    shutdown_now = dispatch(conn, &req, &resp);
    control_request_free(&req);
    set_timeouts(conn->fd, s->cfg.io_timeout_ms);
reply:
    if (send_response(conn->fd, &resp, &e) < 0) {
        log_debug("control: sending the reply: %s", rt_error_msg(e));
        rt_error_release(&e);
    }
    control_response_free(&resp);
    return shutdown_now;
}

static void release_slot(struct control_server *s, unsigned slot)
{
    pthread_mutex_lock(&s->mu);
    s->conn_fds[slot] = -1;
    s->active--;
    pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->mu);
}

static void *conn_thread(void *arg)
{
    struct control_conn *conn = arg;
    struct control_server *s = conn->srv;

    if (serve_conn(conn))
        control_server_stop(s);
    /* The slot is released first so that control_server_free never shuts down a reused fd. */
    pthread_mutex_lock(&s->mu);
    s->conn_fds[conn->slot] = -1;
    pthread_mutex_unlock(&s->mu);
    close(conn->fd);
    release_slot(s, conn->slot);
    free(conn);
    return NULL;
}

/* Answers a connection that cannot be served (over the limit, no thread) and closes it. */
static void refuse(int fd, int errnum, const char *msg)
{
    struct control_response resp = { 0 };
    cleanup_error rt_error_t e = NULL;

    set_timeouts(fd, 1000);
    control_response_set_error(&resp, 0, errnum, msg);
    if (send_response(fd, &resp, &e) < 0)
        log_debug("control: refusing a connection: %s", rt_error_msg(e));
    control_response_free(&resp);
    close(fd);
}

static void start_conn(struct control_server *s, int fd)
{
    struct control_conn *conn;
    socklen_t len = sizeof(conn->cred);
    pthread_attr_t attr;
    pthread_t tid;
    unsigned slot = 0;
    int ret;

    pthread_mutex_lock(&s->mu);
    if (s->active >= s->cfg.max_conns) {
        pthread_mutex_unlock(&s->mu);
        log_warning("control: %u connections already being served, refusing one", s->cfg.max_conns);
        refuse(fd, EAGAIN, "too many concurrent control connections");
        return;
    }
    while (s->conn_fds[slot] >= 0)
        slot++;
    s->conn_fds[slot] = fd;
    s->active++;
    pthread_mutex_unlock(&s->mu);

    conn = xmalloc0(sizeof(*conn));
    conn->srv = s;
    conn->fd = fd;
    conn->slot = slot;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &conn->cred, &len) < 0) {
        /* Unknown peer: treat it as nobody, which the uid check refuses. */
        conn->cred.uid = (uid_t)-1;
        conn->cred.pid = 0;
    }
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    ret = pthread_create(&tid, &attr, conn_thread, conn);
    pthread_attr_destroy(&attr);
    if (ret != 0) {
        log_warning("control: cannot start a connection thread: %s", strerror(ret));
        free(conn);
        pthread_mutex_lock(&s->mu);
        s->conn_fds[slot] = -1;
        pthread_mutex_unlock(&s->mu);
        refuse(fd, EAGAIN, "the sandbox cannot start a thread for this connection");
        release_slot(s, slot);
    }
}

int control_server_run(struct control_server *s, rt_error_t *err)
{
    struct pollfd p[2] = {
        { .fd = s->cfg.listen_fd, .events = POLLIN },
        { .fd = s->stop_fd, .events = POLLIN },
    };

    while (!atomic_load(&s->stopping)) {
        int fd;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return rt_make_error(err, errno, "control server: poll");
        }
        if (p[1].revents != 0)
            break;
        if (p[0].revents & (POLLERR | POLLNVAL))
            return rt_make_error(err, EBADF, "control server: the listening socket failed");
        if (!(p[0].revents & POLLIN))
            continue;
        fd = accept4(s->cfg.listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            switch (errno) {
            case EINTR:
            case EAGAIN:
            case ECONNABORTED:
            case EPROTO:
                continue;
            case EMFILE:
            case ENFILE:
            case ENOBUFS:
            case ENOMEM: {
                /* Out of something: back off instead of spinning on a pending connection. */
                struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };

                log_warning("control: accept: %s", strerror(errno));
                nanosleep(&ts, NULL);
                continue;
            }
            default:
                return rt_make_error(err, errno, "control server: accept");
            }
        }
        start_conn(s, fd);
    }
    return 0;
}

void control_server_free(struct control_server *s)
{
    if (s == NULL)
        return;
    control_server_stop(s);
    pthread_mutex_lock(&s->mu);
    /* Wakes threads blocked reading a request or in control_conn_wait. */
    for (unsigned i = 0; i < s->cfg.max_conns; i++) {
        if (s->conn_fds[i] >= 0)
            shutdown(s->conn_fds[i], SHUT_RDWR);
    }
    while (s->active > 0)
        pthread_cond_wait(&s->idle, &s->mu);
    pthread_mutex_unlock(&s->mu);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->idle);
    close(s->cfg.listen_fd);
    close(s->stop_fd);
    free(s->conn_fds);
    free(s);
}
