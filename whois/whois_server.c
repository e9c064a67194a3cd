/* The whois event loop; see whois_server.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "event_loop.h"
#include "log.h"
#include "whois_server.h"
#include "xalloc.h"

#define READ_CHUNK (64 * 1024)
#define DRAIN_SECONDS 2

struct conn {
	struct whois_server *srv;
	int fd;
	struct event_watch *watch;
	struct sockaddr_storage peer;
	char peer_text[INET6_ADDRSTRLEN + 8];
	struct strbuf in, out;
	size_t out_offset;
	time_t last_active;
	unsigned events;           /* what the loop watches for */
	bool closing;              /* close once out is written */
	bool draining;             /* answered and shut down for writing: discard input until EOF */
	struct whois_session session;
	struct conn *prev, *next;
};

struct listener {
	struct whois_server *srv;
	int fd;
	struct event_watch *watch;
	char text[80];
};

struct whois_server {
	const struct query_context *ctx;
	struct event_loop *loop;
	struct event_timer *sweep;
	struct listener listeners[MAX_LISTEN_ADDRESSES];
	size_t listener_count;
	struct conn *conns;        /* doubly linked list, for timeouts and per-address counts */
	size_t conn_count;
};

static void conn_event(void *arg, unsigned events);
static void listener_event(void *arg, unsigned events);
static void expire_idle(void *arg, time_t now);

static void raise_fd_limit(unsigned want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want + 64) {
		rl.rlim_cur = want + 64 < rl.rlim_max ? want + 64 : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("cannot raise the open file limit to %u: %s", want + 64, strerror(errno));
	}
}

struct whois_server *whois_server_new(const struct query_context *ctx, struct event_loop *loop, char **err)
{
	struct whois_server *srv = xcalloc(1, sizeof(*srv));
	const struct config *cfg = ctx->cfg;

	srv->ctx = ctx;
	srv->loop = loop;
	raise_fd_limit(cfg->whois_max_connections);
	for (size_t i = 0; i < cfg->whois_listen_count; i++) {
		const struct listen_address *la = &cfg->whois_listen[i];
		struct listener *l = &srv->listeners[i];
		int one = 1;
		int fd = socket(la->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

		if (fd < 0)
			goto fail_errno;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (la->addr.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, (const struct sockaddr *)&la->addr, la->addr_len) < 0 || listen(fd, 1024) < 0) {
			*err = xasprintf("whois.listen %s: %s", la->text, strerror(errno));
			close(fd);
			whois_server_free(srv);
			return NULL;
		}
		l->srv = srv;
		l->fd = fd;
		srv->listener_count++;
		{
			/* Port 0 picks a free port: log the real one (tests read it from here). */
			struct sockaddr_storage bound;
			socklen_t blen = sizeof(bound);
			char host[INET6_ADDRSTRLEN] = "?";
			unsigned port = 0;

			if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0) {
				if (bound.ss_family == AF_INET) {
					inet_ntop(AF_INET, &((struct sockaddr_in *)&bound)->sin_addr, host, sizeof(host));
					port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
				} else {
					inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&bound)->sin6_addr, host, sizeof(host));
					port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
				}
			}
			snprintf(l->text, sizeof(l->text), bound.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, port);
		}
		l->watch = event_watch_fd(loop, fd, EVENT_READ, listener_event, l, err);
		if (l->watch == NULL) {
			whois_server_free(srv);
			return NULL;
		}
		log_info("whois: listening on %s", l->text);
	}
	srv->sweep = event_timer_every(loop, 1, expire_idle, srv);
	return srv;
fail_errno:
	*err = xasprintf("whois listener: %s", strerror(errno));
	whois_server_free(srv);
	return NULL;
}

static void conn_close(struct whois_server *srv, struct conn *c)
{
	event_unwatch(srv->loop, c->watch);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->conn_count--;
	strbuf_release(&c->in);
	strbuf_release(&c->out);
	free(c);
}

static void conn_update_events(struct whois_server *srv, struct conn *c)
{
	bool want_read = c->draining || (!c->closing && c->out.len - c->out_offset < MAX_PENDING_OUTPUT);
	bool want_write = c->out.len > c->out_offset;

	event_watch_set(srv->loop, c->watch, (want_read ? EVENT_READ : 0) | (want_write ? EVENT_WRITE : 0));
}

/* Writes what it can; returns false when the connection was closed. */
static bool conn_flush(struct whois_server *srv, struct conn *c)
{
	while (c->out.len > c->out_offset) {
		ssize_t n = send(c->fd, c->out.data + c->out_offset, c->out.len - c->out_offset, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			conn_close(srv, c);
			return false;
		}
		c->out_offset += (size_t)n;
	}
	if (c->out_offset == c->out.len) {
		strbuf_reset(&c->out);
		c->out_offset = 0;
		if (c->closing && !c->draining) {
			/*
			 * Close gracefully: closing with unread input makes the kernel send a
			 * reset that can destroy the answer in flight. Shut down our side and
			 * discard what the client still sends, for DRAIN_SECONDS at most.
			 */
			if (shutdown(c->fd, SHUT_WR) < 0) {
				conn_close(srv, c);
				return false;
			}
			c->draining = true;
			c->session.timeout = DRAIN_SECONDS;
			c->last_active = time(NULL);
		}
	} else if (c->out_offset > 1024 * 1024) {
		/* Drop what was sent so the buffer does not grow without bound. */
		memmove(c->out.data, c->out.data + c->out_offset, c->out.len - c->out_offset);
		c->out.len -= c->out_offset;
		c->out.data[c->out.len] = '\0';
		c->out_offset = 0;
	}
	conn_update_events(srv, c);
	return true;
}

/* Answers every complete line in the input buffer, in order. */
static void conn_process(struct whois_server *srv, struct conn *c)
{
	size_t consumed = 0;

	while (!c->closing && c->out.len - c->out_offset < MAX_PENDING_OUTPUT) {
		char *start = c->in.data + consumed;
		char *nl = memchr(start, '\n', c->in.len - consumed);
		size_t len;

		if (nl == NULL)
			break;
		len = (size_t)(nl - start);
		if (len > 0 && start[len - 1] == '\r')
			len--;
		whois_query(srv->ctx, &c->session, start, len, &c->out);
		consumed = (size_t)(nl - c->in.data) + 1;
		if (c->session.close)
			c->closing = true;
	}
	if (consumed > 0) {
		memmove(c->in.data, c->in.data + consumed, c->in.len - consumed);
		c->in.len -= consumed;
		c->in.data[c->in.len] = '\0';
	}
	if (!c->closing && c->in.len > MAX_QUERY_LENGTH) {
		/* A line longer than any query: answer in the client's dialect and drop it. */
		if (c->in.data[0] == '!')
			strbuf_append_str(&c->out, "F Query too long (more than 16384 bytes)\n");
		else
			strbuf_append_str(&c->out, "%% ERROR: query too long (more than 16384 bytes)\n\n");
		log_warn("whois: %s: query longer than %d bytes, closing", c->peer_text, MAX_QUERY_LENGTH);
		c->closing = true;
		strbuf_reset(&c->in);
	}
}

/* Discards input of a connection that was answered and shut down; closes at EOF. */
static void conn_drain(struct whois_server *srv, struct conn *c)
{
	char scratch[READ_CHUNK];

	for (int rounds = 0; rounds < 16; rounds++) {
		ssize_t n = recv(c->fd, scratch, sizeof(scratch), 0);

		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		conn_close(srv, c);
		return;
	}
}

static void conn_read(struct whois_server *srv, struct conn *c)
{
	if (c->draining) {
		conn_drain(srv, c);
		return;
	}
	for (int rounds = 0; rounds < 4; rounds++) {
		ssize_t n;

		strbuf_reserve(&c->in, READ_CHUNK);
		n = recv(c->fd, c->in.data + c->in.len, READ_CHUNK, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			conn_close(srv, c);
			return;
		}
		if (n == 0) {
			/* Client finished sending: answer what is complete, then close. */
			c->in.data[c->in.len] = '\0';
			conn_process(srv, c);
			if (!c->closing && c->in.len > 0) {
				/* a last query without a newline */
				strbuf_append_char(&c->in, '\n');
				conn_process(srv, c);
			}
			c->closing = true;
			break;
		}
		c->in.len += (size_t)n;
		c->in.data[c->in.len] = '\0';
		c->last_active = time(NULL);
		conn_process(srv, c);
		if (c->closing || c->in.len > MAX_QUERY_LENGTH)
			break;
	}
	conn_flush(srv, c);
}

static size_t count_from_address(const struct whois_server *srv, const struct sockaddr_storage *peer)
{
	size_t n = 0;

	for (const struct conn *c = srv->conns; c != NULL; c = c->next) {
		if (c->peer.ss_family != peer->ss_family)
			continue;
		if (peer->ss_family == AF_INET
			    ? ((const struct sockaddr_in *)&c->peer)->sin_addr.s_addr ==
				      ((const struct sockaddr_in *)peer)->sin_addr.s_addr
			    : memcmp(&((const struct sockaddr_in6 *)&c->peer)->sin6_addr,
				     &((const struct sockaddr_in6 *)peer)->sin6_addr, 16) == 0)
			n++;
	}
	return n;
}

/* Refuses a connection with a one-line reason, without blocking. */
static void refuse(int fd, const char *message)
{
	ssize_t ignored = send(fd, message, strlen(message), MSG_NOSIGNAL | MSG_DONTWAIT);

	(void)ignored;
	close(fd);
}

static void accept_all(struct whois_server *srv, int lfd)
{
	const struct config *cfg = srv->ctx->cfg;

	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;
		char host[INET6_ADDRSTRLEN], *err = NULL;
		int one = 1;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				log_warn("whois: out of file descriptors, not accepting for now");
			return;
		}
		inet_ntop(peer.ss_family,
			  peer.ss_family == AF_INET ? (const void *)&((struct sockaddr_in *)&peer)->sin_addr
						    : (const void *)&((struct sockaddr_in6 *)&peer)->sin6_addr,
			  host, sizeof(host));
		if (srv->conn_count >= cfg->whois_max_connections) {
			log_warn("whois: %s refused: %zu connections open (whois.max_connections)", host,
				 srv->conn_count);
			refuse(fd, "%% ERROR: too many connections, try again later\n");
			continue;
		}
		if (count_from_address(srv, &peer) >= cfg->whois_max_connections_per_address) {
			log_warn("whois: %s refused: whois.max_connections_per_address reached", host);
			refuse(fd, "%% ERROR: too many connections from your address\n");
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = xcalloc(1, sizeof(*c));
		c->srv = srv;
		c->fd = fd;
		c->peer = peer;
		snprintf(c->peer_text, sizeof(c->peer_text), "%s", host);
		strbuf_init(&c->in);
		strbuf_init(&c->out);
		c->last_active = time(NULL);
		whois_session_init(&c->session, srv->ctx);
		c->watch = event_watch_fd(srv->loop, fd, EVENT_READ, conn_event, c, &err);
		if (c->watch == NULL) {
			log_warn("whois: %s: %s", host, err);
			free(err);
			close(fd);
			strbuf_release(&c->in);
			strbuf_release(&c->out);
			free(c);
			continue;
		}
		c->next = srv->conns;
		if (srv->conns)
			srv->conns->prev = c;
		srv->conns = c;
		srv->conn_count++;
	}
}

static void listener_event(void *arg, unsigned events)
{
	struct listener *l = arg;

	(void)events;
	accept_all(l->srv, l->fd);
}

static void conn_event(void *arg, unsigned events)
{
	struct conn *c = arg;
	struct whois_server *srv = c->srv;

	if (events & EVENT_ERROR) {
		conn_close(srv, c);
		return;
	}
	if (events & EVENT_READ) {
		conn_read(srv, c);
		return; /* c may be gone */
	}
	if ((events & EVENT_WRITE) && conn_flush(srv, c) && c->in.len > 0 && !c->closing) {
		/* output drained below the limit: answer queued queries */
		conn_process(srv, c);
		conn_flush(srv, c);
	}
}

static void expire_idle(void *arg, time_t now)
{
	struct whois_server *srv = arg;

	for (struct conn *c = srv->conns, *next; c != NULL; c = next) {
		next = c->next;
		if (now - c->last_active >= (time_t)c->session.timeout) {
			log_debug("whois: %s idle for %u s, closing", c->peer_text, c->session.timeout);
			conn_close(srv, c);
		}
	}
}

void whois_server_stop_listening(struct whois_server *srv)
{
	for (size_t i = 0; i < srv->listener_count; i++) {
		event_unwatch(srv->loop, srv->listeners[i].watch);
		close(srv->listeners[i].fd);
		log_info("whois: no longer listening on %s", srv->listeners[i].text);
	}
	srv->listener_count = 0;
}

size_t whois_server_pending(const struct whois_server *srv)
{
	size_t n = 0;

	for (const struct conn *c = srv->conns; c != NULL; c = c->next)
		n += c->out.len > c->out_offset;
	return n;
}

void whois_server_free(struct whois_server *srv)
{
	if (srv == NULL)
		return;
	while (srv->conns != NULL)
		conn_close(srv, srv->conns);
	whois_server_stop_listening(srv);
	event_timer_cancel(srv->loop, srv->sweep);
	free(srv);
}
