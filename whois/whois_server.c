/* The whois server; see whois_server.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "event_loop.h"
#include "log.h"
#include "origin_index.h"
#include "rpki_view.h"
#include "store.h"
#include "store_watch.h"
#include "whois_output.h"
#include "whois_server.h"
#include "worker_pool.h"
#include "xalloc.h"

/* Seconds a connection that was answered and shut down may keep sending before it is closed. */
#define DRAIN_SECONDS 2
/* A turn of the whole server runs queries for at most this long before the loop polls again. */
#define TURN_BUDGET_NS (2 * 1000 * 1000)
/* A runnable connection's answers are sent once this much is waiting (else at the end of the turn). */
#define FLUSH_BYTES (64 * 1024)
/* Priority of the query workers below the I/O thread's (nice increment). */
#define WORKER_NICE 5
#define MAX_DEFAULT_WORKERS 16

struct conn {
	struct whois_server *srv;
	int fd;
	struct event_watch *watch;
	struct sockaddr_storage peer;
	char peer_text[INET6_ADDRSTRLEN + 8];
	/* Input: lines in [in_start, tail_start) are complete, [tail_start, in.len) is the line being received. */
	struct strbuf in;
	size_t in_start, tail_start;
	char overlong_first;       /* first byte of a line that was too long (its dialect) */
	struct output_queue out;
	time_t last_progress;      /* monotonic: last complete query received, answer finished or bytes sent */
	int kernel_queued;         /* bytes in the kernel's send queue when the idle sweep last looked */
	bool is_eof;               /* the client finished sending: answer what it sent, then close */
	bool is_overlong;          /* a line passed MAX_QUERY_LENGTH: answer what came before, then refuse it */
	bool is_closing;           /* close once the answers are sent */
	bool is_draining;          /* answered and shut down for writing: discard input until EOF */
	bool is_busy;              /* a query of it runs on a worker, or waits for the origin index */
	bool is_queued;            /* in the run queue */
	bool is_dead;              /* closed; freed once no queue or task refers to it */
	bool wants_push;           /* an NRTM follower (session.nrtm_follow) with a commit to be sent */
	uint64_t index_wanted;     /* waiting: the refresh (by number) that must finish first */
	struct query_task *task;   /* its query on a worker, if any */
	struct whois_session session;
	struct conn *prev, *next;  /* every open connection */
	struct conn *run_next;     /* run queue */
	struct conn *wait_next;    /* waiting for the origin index */
};

struct listener {
	struct whois_server *srv;
	int fd;
	bool has_policy;           /* its answers follow a route policy (whois.listen "ADDR POLICY") */
	enum route_policy policy;
	struct event_watch *watch;
	char text[80];
};

struct whois_server {
	const struct query_context *ctx;   /* the daemon's: store, configuration (swapped by SIGHUP), origin index */
	struct query_context io_ctx;       /* for queries answered on the I/O thread: ctx plus the sources snapshot */
	struct query_source_snapshot sources;
	struct event_loop *loop;
	struct event_timer *sweep;
	struct listener listeners[MAX_LISTEN_ADDRESSES];
	size_t listener_count;
	struct conn *conns;                /* doubly linked, for timeouts and per-address counts */
	size_t conn_count;
	struct conn *run_head, *run_tail;  /* connections with a query to run, one query per turn each */
	struct conn *waiters;              /* connections whose next query waits for the origin index */
	struct worker_pool *queries;
	struct worker_pool *maintenance;   /* one thread: origin index refreshes, never behind queries */
	size_t tasks_out;                  /* queries and refreshes on worker threads */
	struct store_watch *db_watch;      /* says when data_version is worth asking */
	int64_t data_version;
	bool is_index_dirty;               /* the database changed since the last refresh started */
	bool is_index_refreshing;
	uint64_t refreshes_started, refreshes_finished;
	size_t output_memory;              /* unsent answer bytes in memory, every connection */
	bool is_memory_blocked;            /* a connection waits for output_memory to fall */
	bool is_shutting_down;
	bool is_accept_paused;             /* out of file descriptors: listeners unwatched until the next sweep */
	struct spool scratch;              /* answers built on the I/O thread */
	size_t followers;                  /* connections with session.nrtm_follow: the push work runs only then */
	int dir_watch_fd;                  /* inotify on the database's directory: wakes NRTM followers; -1 none */
	struct event_watch *dir_watch;
};

/* A query on a worker. */
struct query_task {
	struct worker_task base;
	struct whois_server *srv;
	struct conn *conn;
	atomic_bool is_cancelled;          /* the connection closed: a worker that has not started it skips it */
	struct config *cfg;                /* a reference: SIGHUP may replace the daemon's meanwhile */
	struct origin_index *origins;
	struct rpki_view *rpki;            /* a reference: a new VRP set may replace the daemon's meanwhile */
	struct whois_session session;      /* the connection's, copied back when done */
	char *line;
	size_t len;
	struct spool answer;
};

/* Bringing the origin index up to date. */
struct refresh_task {
	struct worker_task base;
	struct whois_server *srv;
	uint64_t number;
	int rc;
};

/* A worker thread's own read connection. */
struct worker_state {
	struct store *st;
};

static void conn_event(void *arg, unsigned events);
static void listener_event(void *arg, unsigned events);
static void expire_idle(void *arg, time_t now);
static bool run_turn(void *arg);
static void conn_schedule(struct conn *c);
static bool conn_flush(struct conn *c);

static time_t monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const struct config *current_config(const struct whois_server *srv)
{
	return srv->ctx->cfg;
}

static size_t memory_cap(const struct whois_server *srv)
{
	return (size_t)current_config(srv)->whois_max_output_memory * 1024 * 1024;
}

/*
 * The loop polls briefly before sleeping (whois.busy_poll) only while no worker
 * runs a task of ours: polling then would take a CPU the workers need.
 */
static void update_busy_poll(struct whois_server *srv)
{
	event_loop_set_busy_poll(srv->loop, srv->tasks_out == 0 ? current_config(srv)->whois_busy_poll : 0);
}

/* ---- connections ---- */

static size_t unsent(const struct conn *c)
{
	return c->out.memory_bytes + c->out.file_bytes;
}

/* Call after anything changed c->out.memory_bytes, with its value before. */
static void account_output(struct conn *c, size_t before)
{
	c->srv->output_memory = c->srv->output_memory - before + c->out.memory_bytes;
}

static bool has_line(const struct conn *c)
{
	return c->in_start < c->tail_start || (c->is_eof && c->tail_start < c->in.len) || c->is_overlong ||
	       c->wants_push;
}

static bool conn_can_run(struct conn *c)
{
	struct whois_server *srv = c->srv;

	if (c->is_dead || c->is_busy || c->is_closing || c->is_draining || srv->is_shutting_down || !has_line(c))
		return false;
	if (unsent(c) >= MAX_UNSENT_PER_CLIENT)
		return false; /* its client reads slower than it asks: wait for it */
	if (srv->output_memory >= memory_cap(srv) && !output_queue_is_empty(&c->out)) {
		srv->is_memory_blocked = true;
		return false;
	}
	return true;
}

static void conn_update_events(struct conn *c)
{
	bool want_read, want_write;

	if (c->is_dead)
		return;
	want_read = c->is_draining || (!c->is_eof && !c->is_overlong && !c->is_closing && !c->srv->is_shutting_down &&
					c->in.len - c->in_start < MAX_UNANSWERED_INPUT);
	want_write = !output_queue_is_empty(&c->out);
	event_watch_set(c->srv->loop, c->watch, (want_read ? EVENT_READ : 0) | (want_write ? EVENT_WRITE : 0));
}

static void conn_free(struct conn *c)
{
	strbuf_release(&c->in);
	output_queue_release(&c->out);
	free(c);
}

/* Frees a closed connection once neither the run queue nor a task refers to it. */
static void conn_release_if_dead(struct conn *c)
{
	if (c->is_dead && !c->is_busy && !c->is_queued)
		conn_free(c);
}

static void conn_close(struct conn *c)
{
	struct whois_server *srv = c->srv;
	size_t before = c->out.memory_bytes;

	if (c->is_dead)
		return;
	event_unwatch(srv->loop, c->watch);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->conn_count--;
	if (c->session.nrtm_follow)
		srv->followers--;
	output_queue_release(&c->out);
	account_output(c, before);
	c->is_dead = true;
	if (c->task != NULL)
		atomic_store(&c->task->is_cancelled, true);
	conn_release_if_dead(c);
}

static void conn_schedule(struct conn *c)
{
	struct whois_server *srv = c->srv;

	if (c->is_queued || !conn_can_run(c))
		return;
	c->is_queued = true;
	c->run_next = NULL;
	if (srv->run_tail != NULL)
		srv->run_tail->run_next = c;
	else
		srv->run_head = c;
	srv->run_tail = c;
}

static struct conn *run_queue_pop(struct whois_server *srv)
{
	struct conn *c = srv->run_head;

	if (c == NULL)
		return NULL;
	srv->run_head = c->run_next;
	if (srv->run_head == NULL)
		srv->run_tail = NULL;
	c->is_queued = false;
	return c;
}

/* Sends what the socket takes; returns false when the connection was closed. */
static bool conn_flush(struct conn *c)
{
	if (c->is_dead)
		return false;
	if (!output_queue_is_empty(&c->out)) {
		size_t before = c->out.memory_bytes;
		ssize_t n = output_queue_send(&c->out, c->fd);

		account_output(c, before);
		if (n < 0) {
			log_debug("whois: %s: sending failed: %s", c->peer_text, strerror(errno));
			conn_close(c);
			return false;
		}
		if (n > 0)
			c->last_progress = monotonic_seconds();
	}
	if (output_queue_is_empty(&c->out) && !c->is_busy) {
		if (c->is_closing && !c->is_draining) {
			/*
			 * Close gracefully: closing with unread input makes the kernel send a
			 * reset that can destroy the answer in flight. Shut down our side and
			 * discard what the client still sends, for DRAIN_SECONDS at most.
			 */
			if (shutdown(c->fd, SHUT_WR) < 0) {
				conn_close(c);
				return false;
			}
			c->is_draining = true;
			c->last_progress = monotonic_seconds();
		} else if (c->is_eof && !has_line(c) && !c->is_draining) {
			conn_close(c); /* everything the client sent is answered */
			return false;
		}
	}
	conn_schedule(c);
	conn_update_events(c);
	return true;
}


/* ---- queries ---- */

static void run_query_task(void *thread_state, struct worker_task *base)
{
	struct query_task *t = (struct query_task *)base;
	struct worker_state *ws = thread_state;
	struct query_context ctx = { .st = ws->st, .cfg = t->cfg, .origins = t->origins, .sources = NULL, .rpki = t->rpki };

	if (atomic_load(&t->is_cancelled))
		return; /* nobody to answer */
	whois_query(&ctx, &t->session, t->line, t->len, &t->answer);
	spool_finish(&t->answer);
	if (t->answer.is_broken) {
		/* the spool file failed under the answer: say so instead of sending a torn answer */
		spool_release(&t->answer);
		spool_init(&t->answer, 0, NULL);
		strbuf_append_str(&t->answer.text, t->len > 0 && t->line[0] == '!'
							   ? "F internal error: cannot spool the answer\n"
							   : "%% ERROR: internal error: cannot spool the answer\n\n");
	}
}

static void query_task_free(struct query_task *t)
{
	spool_release(&t->answer);
	config_free(t->cfg);
	rpki_view_unref(t->rpki);
	free(t->line);
	free(t);
}

static void query_task_done(struct worker_task *base, bool was_run)
{
	struct query_task *t = (struct query_task *)base;
	struct conn *c = t->conn;

	t->srv->tasks_out--;
	update_busy_poll(t->srv);
	c->is_busy = false;
	c->task = NULL;
	if (c->is_dead) {
		query_task_free(t);
		conn_release_if_dead(c);
		return;
	}
	if (was_run) {
		size_t before = c->out.memory_bytes;

		if (t->session.nrtm_follow != c->session.nrtm_follow)
			t->srv->followers += t->session.nrtm_follow ? 1 : (size_t)-1;
		c->session = t->session;
		c->session.nrtm_push = false;
		output_queue_take(&c->out, &t->answer);
		account_output(c, before);
		if (c->session.close)
			c->is_closing = true;
	} else {
		c->is_closing = true; /* shutting down: the query was not run */
	}
	c->last_progress = monotonic_seconds();
	query_task_free(t);
	conn_flush(c);
}

/* Parks a connection until the origin index reflects the database as it is now. */
static void wait_for_index(struct conn *c)
{
	struct whois_server *srv = c->srv;

	c->is_busy = true;
	/* a refresh already running covers every change seen before it started, unless one came since */
	c->index_wanted = srv->is_index_dirty ? srv->refreshes_started + 1 : srv->refreshes_started;
	c->wait_next = srv->waiters;
	srv->waiters = c;
}

/* The next line: a complete one, or the last one at EOF. Points into c->in; *consumed is where the next starts. */
static bool peek_line(const struct conn *c, const char **line, size_t *len, size_t *consumed)
{
	if (c->in_start < c->tail_start) {
		const char *start = c->in.data + c->in_start;
		const char *nl = memchr(start, '\n', c->tail_start - c->in_start);

		*line = start;
		*len = (size_t)(nl - start);
		*consumed = (size_t)(nl - c->in.data) + 1;
		return true;
	}
	if (c->is_eof && c->tail_start < c->in.len) {
		*line = c->in.data + c->tail_start;
		*len = c->in.len - c->tail_start;
		*consumed = c->in.len;
		return true;
	}
	return false;
}

/* Hands a query to a worker: its answer is appended to c's output when it is done. */
static void submit_query(struct conn *c, const struct whois_session *session, const char *line, size_t len)
{
	struct whois_server *srv = c->srv;
	struct query_task *t = xcalloc(1, sizeof(*t));
	struct config *cfg = config_ref((struct config *)current_config(srv));

	t->srv = srv;
	t->conn = c;
	t->cfg = cfg;
	t->origins = srv->ctx->origins;
	t->rpki = srv->ctx->rpki != NULL ? rpki_view_ref((struct rpki_view *)srv->ctx->rpki) : NULL;
	t->session = *session;
	t->line = xstrndup(line, len);
	t->len = len;
	spool_init(&t->answer, MAX_ANSWER_IN_MEMORY, cfg->whois_spool_directory);
	c->is_busy = true;
	c->task = t;
	srv->tasks_out++;
	update_busy_poll(srv);
	worker_pool_submit(srv->queries, &t->base, run_query_task, query_task_done);
}

/*
 * An NRTM follower and a commit: the changes from the serial it is at, as a block of
 * their own, by the same query a client would ask (on a worker, after what it asked).
 */
static void push_changes(struct conn *c)
{
	struct whois_session session = c->session;
	char line[128];
	int n = snprintf(line, sizeof(line), "-g %s:%d:%lld-LAST", c->session.nrtm_source, c->session.nrtm_version,
			 (long long)c->session.nrtm_next);

	c->wants_push = false;
	session.nrtm_push = true;
	submit_query(c, &session, line, (size_t)n);
}

/* Runs c's next query: answers it here, or hands it to a worker. */
static void run_one(struct conn *c)
{
	struct whois_server *srv = c->srv;
	const char *line;
	size_t len, consumed;
	bool needs_index;
	enum whois_query_place place;

	if (c->wants_push) {
		push_changes(c);
		return;
	}
	if (!peek_line(c, &line, &len, &consumed)) {
		/* only the line that was too long is left: refuse it in its dialect */
		size_t before = c->out.memory_bytes;
		static const char irr_error[] = "F Query too long (more than 16384 bytes)\n";
		static const char ripe_error[] = "%% ERROR: query too long (more than 16384 bytes)\n\n";

		if (c->overlong_first == '!')
			output_queue_append(&c->out, irr_error, sizeof(irr_error) - 1);
		else
			output_queue_append(&c->out, ripe_error, sizeof(ripe_error) - 1);
		account_output(c, before);
		log_warn("whois: %s: query longer than %d bytes, closing", c->peer_text, MAX_QUERY_LENGTH);
		c->is_overlong = false;
		c->is_closing = true;
		return;
	}
	place = whois_query_place(&srv->io_ctx, &c->session, line, len, &needs_index);
	if (needs_index && (srv->is_index_dirty || srv->is_index_refreshing)) {
		wait_for_index(c);
		return;
	}
	if (place == WHOIS_ON_IO_THREAD) {
		size_t before = c->out.memory_bytes;

		strbuf_reset(&srv->scratch.text);
		whois_query(&srv->io_ctx, &c->session, line, len, &srv->scratch);
		output_queue_append(&c->out, srv->scratch.text.data, srv->scratch.text.len);
		account_output(c, before);
		if (srv->scratch.text.capacity > FLUSH_BYTES) {
			strbuf_release(&srv->scratch.text); /* do not keep the biggest answer's buffer */
			strbuf_init(&srv->scratch.text);
		}
		if (c->session.close)
			c->is_closing = true;
	} else {
		submit_query(c, &c->session, line, len);
	}
	c->in_start = consumed;
	if (c->tail_start < c->in_start)
		c->tail_start = c->in_start; /* the last line at EOF */
}

/* ---- the origin index and the sources snapshot ---- */

static void refresh_run(void *thread_state, struct worker_task *base)
{
	struct refresh_task *t = (struct refresh_task *)base;
	struct worker_state *ws = thread_state;

	t->rc = origin_index_refresh(t->srv->ctx->origins, ws->st);
}

static void start_refresh(struct whois_server *srv);

static void refresh_done(struct worker_task *base, bool was_run)
{
	struct refresh_task *t = (struct refresh_task *)base;
	struct whois_server *srv = t->srv;
	struct conn **link = &srv->waiters;

	srv->is_index_refreshing = false;
	srv->tasks_out--;
	update_busy_poll(srv);
	if (was_run && t->rc < 0)
		log_warn("origin index: cannot read the database; answering from what is indexed");
	srv->refreshes_finished = t->number;
	free(t);
	/* resume those whose changes this refresh covered */
	while (*link != NULL) {
		struct conn *c = *link;

		if (c->index_wanted > srv->refreshes_finished) {
			link = &c->wait_next;
			continue;
		}
		*link = c->wait_next;
		c->is_busy = false;
		if (c->is_dead) {
			conn_release_if_dead(c);
			continue;
		}
		conn_schedule(c);
		conn_update_events(c);
	}
	start_refresh(srv);
}

static void start_refresh(struct whois_server *srv)
{
	struct refresh_task *t;

	if (srv->is_index_refreshing || !srv->is_index_dirty || srv->maintenance == NULL || srv->is_shutting_down)
		return;
	t = xcalloc(1, sizeof(*t));
	t->srv = srv;
	t->number = ++srv->refreshes_started;
	srv->is_index_dirty = false;
	srv->is_index_refreshing = true;
	srv->tasks_out++;
	update_busy_poll(srv);
	worker_pool_submit(srv->maintenance, &t->base, refresh_run, refresh_done);
}

/*
 * Once per turn: has another process committed since we looked? Then read the
 * sources again and refresh the origin index (queries that read it wait for that).
 * The file watch answers most turns with one read(2); SQLite's change counter is
 * asked only after a write to the database's files.
 */
static void follow_database(struct whois_server *srv)
{
	int64_t version;
	char *err = NULL;

	if (!store_watch_may_have_changed(srv->db_watch))
		return;
	if (store_data_version(srv->ctx->st, &version, &err) < 0) {
		log_error("whois: %s", err);
		free(err);
		return;
	}
	if (version == srv->data_version)
		return;
	srv->data_version = version;
	/* NRTM followers: the commit goes out now, not at their next query */
	for (struct conn *c = srv->followers > 0 ? srv->conns : NULL; c != NULL; c = c->next) {
		if (c->session.nrtm_follow && !c->is_dead) {
			c->wants_push = true;
			conn_schedule(c);
		}
	}
	if (query_source_snapshot_read(srv->ctx->st, current_config(srv), &srv->sources, &err) < 0) {
		log_error("whois: %s", err);
		free(err);
	}
	if (srv->ctx->origins != NULL) {
		srv->is_index_dirty = true;
		start_refresh(srv);
	}
}

/* ---- the turn ---- */

/* The event loop's round hook: runs queries, one per connection per pass, for at most TURN_BUDGET_NS. */
static bool run_turn(void *arg)
{
	struct whois_server *srv = arg;
	uint64_t start;

	if (srv->is_memory_blocked && srv->output_memory < memory_cap(srv)) {
		/* memory was freed: those that waited for it may run again */
		srv->is_memory_blocked = false;
		for (struct conn *c = srv->conns; c != NULL; c = c->next)
			conn_schedule(c);
	}
	if (srv->run_head == NULL)
		return false;
	srv->io_ctx.cfg = current_config(srv);
	srv->io_ctx.rpki = srv->ctx->rpki; /* the daemon swaps it when the VRPs change */
	update_busy_poll(srv); /* SIGHUP may have changed whois.busy_poll */
	follow_database(srv);
	start = monotonic_ns();
	while (srv->run_head != NULL && monotonic_ns() - start < TURN_BUDGET_NS) {
		struct conn *c = run_queue_pop(srv);

		if (!conn_can_run(c)) {
			if (c->is_dead)
				conn_release_if_dead(c);
			else
				conn_flush(c);
			continue;
		}
		run_one(c);
		if (conn_can_run(c) && unsent(c) < FLUSH_BYTES)
			conn_schedule(c); /* another query next pass: answers go out together */
		else
			conn_flush(c);
	}
	/* what the connections still queued have answered so far goes out now */
	for (struct conn *c = srv->run_head; c != NULL; c = c->run_next) {
		if (!c->is_dead && !output_queue_is_empty(&c->out)) {
			size_t before = c->out.memory_bytes;
			ssize_t n = output_queue_send(&c->out, c->fd);

			account_output(c, before);
			if (n < 0) {
				conn_close(c); /* stays queued (and allocated) until the next turn pops it */
				continue;
			}
			if (n > 0)
				c->last_progress = monotonic_seconds();
			conn_update_events(c);
		}
	}
	return srv->run_head != NULL;
}

/* ---- input ---- */

/* Discards input of a connection that was answered and shut down; closes at EOF. */
static void conn_drain(struct conn *c)
{
	char scratch[16 * 1024];

	for (int rounds = 0; rounds < 16; rounds++) {
		ssize_t n = recv(c->fd, scratch, sizeof(scratch), 0);

		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		conn_close(c);
		return;
	}
}

/*
 * The start of the first line in buf[from, to) (complete lines, to just after a
 * newline) longer than MAX_QUERY_LENGTH without its line end, or SIZE_MAX. A line
 * whose newline arrives in the same read as its start is measured here; a line
 * still unfinished is measured by conn_read as it grows.
 */
static size_t first_overlong_line(const char *buf, size_t from, size_t to)
{
	while (from < to) {
		const char *nl = memchr(buf + from, '\n', to - from);
		size_t len = (size_t)(nl - (buf + from));

		if (len > 0 && buf[from + len - 1] == '\r')
			len--;
		if (len > MAX_QUERY_LENGTH)
			return from;
		from += (size_t)(nl - (buf + from)) + 1;
	}
	return SIZE_MAX;
}

/* True when the bytes hold something other than blanks and line ends. */
static bool has_query_text(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return true;
	return false;
}

/* The unfinished line's length as first_overlong_line counts it: a CR waiting for its LF is not the query's. */
static size_t tail_length(const struct conn *c)
{
	size_t n = c->in.len - c->tail_start;

	return n > 0 && c->in.data[c->in.len - 1] == '\r' ? n - 1 : n;
}

static void conn_read(struct conn *c)
{
	size_t waiting = c->in.len - c->in_start, room;
	ssize_t n;

	if (c->is_draining) {
		conn_drain(c);
		return;
	}
	if (c->in_start > 0 && (waiting == 0 || c->in_start >= c->in.capacity / 2)) {
		/* drop what was answered */
		memmove(c->in.data, c->in.data + c->in_start, waiting);
		c->in.len = waiting;
		c->tail_start -= c->in_start;
		c->in_start = 0;
		c->in.data[c->in.len] = '\0';
	}
	if (waiting >= MAX_UNANSWERED_INPUT) {
		conn_update_events(c);
		return;
	}
	room = MAX_UNANSWERED_INPUT - waiting;
	strbuf_reserve(&c->in, room);
	n = recv(c->fd, c->in.data + c->in.len, room, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_close(c);
		return;
	}
	if (n == 0) {
		c->is_eof = true; /* answer everything it sent, the last line even without a newline */
	} else {
		const char *fresh = c->in.data + c->in.len;
		const char *nl = memrchr(fresh, '\n', (size_t)n);

		c->in.len += (size_t)n;
		c->in.data[c->in.len] = '\0';
		if (nl != NULL) {
			size_t end = (size_t)(nl - c->in.data) + 1;
			size_t over = first_overlong_line(c->in.data, c->tail_start, end);

			/* a complete query is progress; a trickle of bytes or of empty lines is not */
			if (has_query_text(c->in.data + c->tail_start, end - c->tail_start))
				c->last_progress = monotonic_seconds();
			if (over != SIZE_MAX) {
				/* a complete line too long: the lines before it are answered, then the refusal */
				c->is_overlong = true;
				c->overlong_first = c->in.data[over];
				c->in.len = c->tail_start = over;
				c->in.data[c->in.len] = '\0';
				conn_schedule(c);
				conn_update_events(c);
				return;
			}
			c->tail_start = (size_t)(nl - c->in.data) + 1;
		}
		if (tail_length(c) > MAX_QUERY_LENGTH) {
			c->is_overlong = true;
			c->overlong_first = c->in.data[c->tail_start];
			c->in.len = c->tail_start; /* the lines before it are still answered */
			c->in.data[c->in.len] = '\0';
		}
	}
	conn_schedule(c);
	if (c->is_eof && !c->is_queued)
		conn_flush(c); /* nothing left to run: close once the answers are out */
	else
		conn_update_events(c);
}

static void conn_event(void *arg, unsigned events)
{
	struct conn *c = arg;

	if (c->is_dead)
		return;
	if (events & EVENT_ERROR) {
		conn_close(c);
		return;
	}
	if ((events & EVENT_WRITE) && !conn_flush(c))
		return;
	if (events & EVENT_READ)
		conn_read(c);
}

/* ---- connections arriving and leaving ---- */

static void raise_fd_limit(unsigned want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want + 64) {
		rl.rlim_cur = want + 64 < rl.rlim_max ? want + 64 : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("cannot raise the open file limit to %u: %s", want + 64, strerror(errno));
	}
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
/*
 * Refuses a connection with a message. Closing a socket with unread input makes the
 * kernel send a reset, which can destroy the message in flight: what the client
 * already sent is read and dropped first (without waiting for more).
 */
static void refuse(int fd, const char *message)
{
	char scratch[4096];
	ssize_t ignored = send(fd, message, strlen(message), MSG_NOSIGNAL | MSG_DONTWAIT);

	(void)ignored;
	shutdown(fd, SHUT_WR);
	for (int i = 0; i < 16 && recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

/*
 * Out of file descriptors: the pending connection stays in the kernel's backlog and
 * the listener would be ready again at once, so stop watching the listeners (the
 * loop would spin, logging each time) until the next idle sweep, a second later,
 * when connections may have closed.
 */
static void pause_accepting(struct whois_server *srv)
{
	if (srv->is_accept_paused)
		return;
	srv->is_accept_paused = true;
	for (size_t i = 0; i < srv->listener_count; i++)
		event_watch_set(srv->loop, srv->listeners[i].watch, 0);
	log_warn("whois: out of file descriptors (%zu connections open): not accepting for a second", srv->conn_count);
}

static void resume_accepting(struct whois_server *srv)
{
	if (!srv->is_accept_paused)
		return;
	srv->is_accept_paused = false;
	for (size_t i = 0; i < srv->listener_count; i++)
		event_watch_set(srv->loop, srv->listeners[i].watch, EVENT_READ);
}

static void accept_all(struct whois_server *srv, const struct listener *l)
{
	const struct config *cfg = current_config(srv);

	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;
		char host[INET6_ADDRSTRLEN], *err = NULL;
		const char *why;
		int one = 1;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				pause_accepting(srv);
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
		output_queue_init(&c->out);
		c->last_progress = monotonic_seconds();
		whois_session_init(&c->session, srv->ctx);
		c->session.has_peer = prefix_parse_address(host, strlen(host), 0, &c->session.peer, &why) == 0;
		c->session.has_policy = l->has_policy;
		c->session.policy = l->policy;
		c->watch = event_watch_fd(srv->loop, fd, EVENT_READ, conn_event, c, &err);
		if (c->watch == NULL) {
			log_warn("whois: %s: %s", host, err);
			free(err);
			close(fd);
			conn_free(c);
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
	accept_all(l->srv, l);
}

/*
 * Has the client taken bytes from the kernel's send queue since we last looked?
 * Our own sends count as progress when they succeed, but with a send buffer of
 * megabytes the socket becomes writable again only after a third of it drained, so
 * a client reading slowly but steadily would look idle without this. One ioctl, and
 * only for a connection about to be closed.
 */
static bool kernel_queue_moved(struct conn *c)
{
	int queued = 0;

	if (ioctl(c->fd, SIOCOUTQ, &queued) < 0 || queued == c->kernel_queued)
		return false;
	c->kernel_queued = queued;
	return queued > 0 || !output_queue_is_empty(&c->out);
}

static void expire_idle(void *arg, time_t wall_now)
{
	struct whois_server *srv = arg;
	time_t now = monotonic_seconds();

	(void)wall_now;
	if (!srv->is_shutting_down)
		resume_accepting(srv);
	if (srv->dir_watch == NULL && srv->followers > 0)
		follow_database(srv);   /* no inotify: NRTM followers get commits within a second */
	for (struct conn *c = srv->conns, *next; c != NULL; c = next) {
		unsigned limit = c->is_draining ? DRAIN_SECONDS : c->session.timeout;

		next = c->next;
		if (c->is_busy)
			continue; /* the server, not the client, is the one taking time */
		if (c->session.nrtm_follow && output_queue_is_empty(&c->out)) {
			c->last_progress = now; /* an NRTM follower waits for commits, not for its client */
			continue;
		}
		if (now - c->last_progress >= (time_t)limit && kernel_queue_moved(c))
			c->last_progress = now;
		if (now - c->last_progress >= (time_t)limit) {
			log_debug("whois: %s: %s for %u s, closing", c->peer_text,
				  !output_queue_is_empty(&c->out) ? "not reading its answers" : "no complete query", limit);
			conn_close(c);
		}
	}
}

/* ---- the server ---- */

static void *worker_init(void *arg, unsigned index, char **err)
{
	const struct whois_server *srv = arg;
	struct worker_state *ws = xcalloc(1, sizeof(*ws));

	(void)index;
	if (store_open(current_config(srv)->database, STORE_READ_ONLY, &ws->st, err) < 0) {
		free(ws);
		return NULL;
	}
	return ws;
}

static void worker_fini(void *thread_state)
{
	struct worker_state *ws = thread_state;

	if (ws == NULL)
		return;
	store_close(ws->st);
	free(ws);
}

static void worker_interrupt(void *thread_state)
{
	struct worker_state *ws = thread_state;

	store_interrupt(ws->st);
}

static int bind_listener(struct whois_server *srv, const struct listen_address *la, char **err)
{
	struct listener *l = &srv->listeners[srv->listener_count];
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	int one = 1;
	int fd = socket(la->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		*err = xasprintf("whois listener: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (la->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&la->addr, la->addr_len) < 0 || listen(fd, 1024) < 0) {
		*err = xasprintf("whois.listen %s: %s", la->text, strerror(errno));
		close(fd);
		return -1;
	}
	l->srv = srv;
	l->fd = fd;
	l->has_policy = la->has_policy;
	l->policy = la->policy;
	srv->listener_count++;
	/* Port 0 picks a free port: log the real one (tests read it from here). */
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
	l->watch = event_watch_fd(srv->loop, fd, EVENT_READ, listener_event, l, err);
	if (l->watch == NULL)
		return -1;
	log_info("whois: listening on %s", l->text);
	return 0;
}

struct whois_server *whois_server_new(const struct query_context *ctx, struct event_loop *loop, char **err)
{
	struct whois_server *srv = xcalloc(1, sizeof(*srv));
	const struct config *cfg = ctx->cfg;

	srv->ctx = ctx;
	srv->loop = loop;
	srv->dir_watch_fd = -1;
	srv->io_ctx = *ctx;
	srv->io_ctx.sources = &srv->sources;
	spool_init(&srv->scratch, 0, NULL);
	/* each connection: its socket, and the spool file of an answer it has not read */
	raise_fd_limit(2 * cfg->whois_max_connections);
	for (size_t i = 0; i < cfg->whois_listen_count; i++) {
		if (bind_listener(srv, &cfg->whois_listen[i], err) < 0) {
			whois_server_free(srv);
			return NULL;
		}
	}
	return srv;
}

/* A write in the database's directory (a commit by any process): NRTM followers get it now. */
static void database_dir_event(void *arg, unsigned events)
{
	struct whois_server *srv = arg;
	char buf[4096];

	(void)events;
	while (read(srv->dir_watch_fd, buf, sizeof(buf)) > 0)
		;
	if (srv->followers > 0)
		follow_database(srv);   /* schedules the followers when the data changed */
}

/*
 * Pushed NRTM must not wait for a poll: inotify on the database's directory wakes the
 * loop at every write of a commit (the WAL file's, or the database's). Without
 * inotify, followers get commits at their next turn or the idle sweep (each second).
 */
static void watch_database_dir(struct whois_server *srv, const char *database)
{
	char *dir = xstrdup(database), *slash = strrchr(dir, '/');
	char *err = NULL;

	if (slash != NULL)
		*slash = '\0';
	srv->dir_watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (srv->dir_watch_fd >= 0 &&
	    inotify_add_watch(srv->dir_watch_fd, slash != NULL ? (dir[0] ? dir : "/") : ".", IN_MODIFY | IN_CLOSE_WRITE) >= 0)
		srv->dir_watch = event_watch_fd(srv->loop, srv->dir_watch_fd, EVENT_READ, database_dir_event, srv, &err);
	if (srv->dir_watch == NULL) {
		log_warn("whois: cannot watch %s for commits (%s): NRTM followers get them within a second",
			 slash != NULL ? dir : ".", err != NULL ? err : strerror(errno));
		if (srv->dir_watch_fd >= 0)
			close(srv->dir_watch_fd);
		srv->dir_watch_fd = -1;
	}
	free(err);
	free(dir);
}

int whois_server_start(struct whois_server *srv, char **err)
{
	const struct config *cfg = current_config(srv);
	struct worker_thread_hooks hooks = {
		.init = worker_init, .fini = worker_fini, .interrupt = worker_interrupt, .arg = srv,
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned workers = cfg->whois_workers;

	if (workers == 0)
		workers = cpus < 2 ? 2 : cpus > MAX_DEFAULT_WORKERS ? MAX_DEFAULT_WORKERS : (unsigned)cpus;
	srv->io_ctx = *srv->ctx;
	srv->io_ctx.sources = &srv->sources;
	srv->db_watch = store_watch_new(srv->ctx->st); /* before the first look: no change slips between */
	if (store_data_version(srv->ctx->st, &srv->data_version, err) < 0 ||
	    query_source_snapshot_read(srv->ctx->st, cfg, &srv->sources, err) < 0)
		return -1;
	hooks.nice = WORKER_NICE;
	srv->queries = worker_pool_new(srv->loop, workers, &hooks, err);
	if (srv->queries == NULL)
		return -1;
	hooks.nice = 0;
	srv->maintenance = worker_pool_new(srv->loop, 1, &hooks, err);
	if (srv->maintenance == NULL)
		return -1;
	srv->sweep = event_timer_every(srv->loop, 1, expire_idle, srv);
	watch_database_dir(srv, cfg->database);
	event_loop_on_round(srv->loop, run_turn, srv);
	log_info("whois: %u query workers", workers);
	return 0;
}

static void close_listeners(struct whois_server *srv)
{
	for (size_t i = 0; i < srv->listener_count; i++) {
		event_unwatch(srv->loop, srv->listeners[i].watch);
		close(srv->listeners[i].fd);
		log_info("whois: no longer listening on %s", srv->listeners[i].text);
	}
	srv->listener_count = 0;
}

void whois_server_shutdown(struct whois_server *srv)
{
	close_listeners(srv);
	srv->is_shutting_down = true;
	/* queries waiting for the index were not started: they are dropped like the rest */
	while (srv->waiters != NULL) {
		struct conn *c = srv->waiters;

		srv->waiters = c->wait_next;
		c->is_busy = false;
		if (c->is_dead)
			conn_release_if_dead(c);
	}
	for (struct conn *c = srv->conns, *next; c != NULL; c = next) {
		next = c->next;
		c->is_closing = true;
		conn_flush(c);
	}
}

size_t whois_server_pending(const struct whois_server *srv)
{
	size_t n = 0;

	for (const struct conn *c = srv->conns; c != NULL; c = c->next)
		n += c->is_busy || !output_queue_is_empty(&c->out);
	return n;
}

void whois_server_free(struct whois_server *srv)
{
	if (srv == NULL)
		return;
	srv->is_shutting_down = true;
	event_loop_on_round(srv->loop, NULL, NULL);
	while (srv->conns != NULL)
		conn_close(srv->conns);
	/* tasks still out come back (not run, or finished) and free their closed connections */
	worker_pool_free(srv->queries);
	worker_pool_free(srv->maintenance);
	store_watch_free(srv->db_watch);
	if (srv->dir_watch != NULL)
		event_unwatch(srv->loop, srv->dir_watch);
	if (srv->dir_watch_fd >= 0)
		close(srv->dir_watch_fd);
	while (srv->waiters != NULL) {
		struct conn *c = srv->waiters;

		srv->waiters = c->wait_next;
		c->is_busy = false;
		conn_release_if_dead(c);
	}
	while (srv->run_head != NULL)
		conn_release_if_dead(run_queue_pop(srv));
	close_listeners(srv);
	event_timer_cancel(srv->loop, srv->sweep);
	spool_release(&srv->scratch);
	free(srv);
}
