/*
 * The RTR client (rtr_client.h) on RTRlib 0.8's connection manager, one cache per client.
 *
 * How a sync reaches the caller whole. RTRlib calls us back from its own thread for
 * every record it adds to or removes from its prefix table, and for every change of
 * the session state. RTRlib 0.8 itself buffers the Prefix PDUs of a sync and touches
 * its table only once End of Data has arrived, so a cache that disconnects mid-sync
 * changes nothing there; but its table is not ours to trust blindly: an error while
 * applying a sync is undone record by record (callbacks in both directions), a reset
 * swaps in a new table and reports the difference, an expired or stopped session is
 * purged (callbacks removing everything), and later versions may order things
 * differently. So we rely on one property only: every change to the records of our
 * socket in RTRlib's table is reported by a callback. Every callback goes into
 * `pending`, never dropped; pending is therefore always exactly "RTRlib's table now"
 * minus "RTRlib's table at our last completed sync", whatever happened in between.
 * The one moment RTRlib's table is a complete sync is the state change from RTR_SYNC
 * to RTR_ESTABLISHED (rtr_sync returned success after End of Data): there, and only
 * there, pending is netted, checked and moved to `ready`, which rtr_client_take hands
 * to the caller. A purge (RTRlib dropping everything after its expire interval) thus
 * never reaches the caller: it waits in pending until a later complete sync, which
 * adds the records back and nets it out. A sync we refuse (an invalid VRP, too many)
 * also stays in pending, so a later sync that fixes it commits the right difference.
 *
 * RTRlib's state callback is what rtr_mgr uses to run its groups; it only reports a
 * group status change, and not a sync after the first, so we put our own callback in
 * front of it on the socket (a public field) and chain to it.
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rtrlib/rtr_mgr.h>
#include <rtrlib/transport/tcp/tcp_transport.h>

#include "irr_limits.h"
#include "log.h"
#include "rtr_client.h"
#include "xalloc.h"

/* Seconds RTRlib waits for a TCP connection; stopping the client may wait this long. */
#define RTR_CLIENT_CONNECT_TIMEOUT 10

/* One change to RTRlib's table: a record added (+1) or removed (-1); after netting, the sign. */
struct rtr_op {
	struct prefix prefix;
	uint8_t max_length;
	int8_t delta;
	uint32_t asn;
};

struct rtr_ops {
	struct rtr_op *items;
	size_t count, capacity;
};

struct rtr_client {
	/* RTRlib's objects: it keeps pointers to them, so they live as long as the client. */
	struct rtr_socket socket;
	struct rtr_socket *sockets[1];
	struct tr_socket transport;
	struct tr_tcp_config tcp;
	struct rtr_mgr_config *mgr;
	rtr_connection_state_fp mgr_state_fp; /* rtr_mgr's own state callback, called after ours */
	char *host, *port, *name;             /* name: "host:port" for messages */
	unsigned retry;
	bool is_started, has_transport;
	time_t lib_last_update; /* RTRlib's last_update (monotonic) at our last completed sync */
	int efd;

	pthread_mutex_t lock; /* guards the members below, written by RTRlib's thread */
	struct rtr_ops pending; /* table changes since the last completed sync */
	struct rtr_ops ready;   /* netted changes of completed syncs not yet taken */
	unsigned ready_syncs;
	enum rtr_socket_state state;
	bool is_stopping;
	bool is_failing_connect; /* connection attempts fail: said once, not at every retry */
	struct rtr_client_status status;
};

/* The client a socket belongs to: the socket is a member of it. */
static struct rtr_client *client_of(const struct rtr_socket *socket)
{
	return (struct rtr_client *)(void *)((char *)(uintptr_t)socket - offsetof(struct rtr_client, socket));
}

static void ops_push(struct rtr_ops *ops, const struct rtr_op *op)
{
	ops->items = xgrow(ops->items, &ops->capacity, ops->count + 1, sizeof(*ops->items));
	ops->items[ops->count++] = *op;
}

static void ops_release(struct rtr_ops *ops)
{
	free(ops->items);
	memset(ops, 0, sizeof(*ops));
}

static int op_compare(const void *pa, const void *pb)
{
	const struct rtr_op *a = pa, *b = pb;

	return vrp_triple_compare(&a->prefix, a->max_length, a->asn, &b->prefix, b->max_length, b->asn);
}

/*
 * Sorts by VRP and sums the changes of each VRP, dropping those that sum to nothing.
 * RTRlib's table holds a record at most once, so a sum is -1, 0 or +1; anything else
 * would be RTRlib reporting a change that did not happen, and is clamped to its sign.
 */
static void ops_net(struct rtr_ops *ops)
{
	size_t out = 0;

	if (ops->count == 0)
		return;
	qsort(ops->items, ops->count, sizeof(*ops->items), op_compare);
	for (size_t i = 0; i < ops->count;) {
		size_t j = i;
		int sum = 0;

		while (j < ops->count && op_compare(&ops->items[i], &ops->items[j]) == 0)
			sum += ops->items[j++].delta;
		if (sum != 0) {
			ops->items[out] = ops->items[i];
			ops->items[out].delta = sum > 0 ? 1 : -1;
			out++;
		}
		i = j;
	}
	ops->count = out;
}

static void op_format(const struct rtr_op *op, char out[VRP_STRLEN])
{
	struct vrp v = { .prefix = op->prefix, .max_length = op->max_length, .asn = op->asn };

	vrp_format(&v, out);
}

/* RTRlib keeps addresses as host-order 32-bit words; ours are big-endian bytes. */
static int record_to_op(const struct pfx_record *r, bool added, struct rtr_op *op)
{
	memset(op, 0, sizeof(*op));
	if (r->prefix.ver == LRTR_IPV4) {
		uint32_t a = r->prefix.u.addr4.addr;

		op->prefix.family = 4;
		for (int i = 0; i < 4; i++)
			op->prefix.addr[i] = (uint8_t)(a >> (24 - 8 * i));
	} else if (r->prefix.ver == LRTR_IPV6) {
		op->prefix.family = 6;
		for (int w = 0; w < 4; w++)
			for (int i = 0; i < 4; i++)
				op->prefix.addr[4 * w + i] = (uint8_t)(r->prefix.u.addr6.addr[w] >> (24 - 8 * i));
	} else {
		return -1;
	}
	op->prefix.length = r->min_len;
	op->max_length = r->max_len;
	op->asn = r->asn;
	op->delta = added ? 1 : -1;
	return 0;
}

static void client_signal(struct rtr_client *c)
{
	uint64_t one = 1;

	/* Only fails when the counter is about to overflow, and then it is readable anyway. */
	if (write(c->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_debug("rtr %s: eventfd write: %s", c->name, strerror(errno));
}

/* Records an error for the status (lock held). */
static void set_error(struct rtr_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(struct rtr_client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->status.last_error, sizeof(c->status.last_error), fmt, ap);
	va_end(ap);
	c->status.last_error_time = time(NULL);
}

/* "the previous set (12 VRPs, serial 4) stays in force" or "there is no set yet" (lock held). */
static void describe_kept(const struct rtr_client *c, char *out, size_t cap)
{
	if (c->status.has_synced)
		snprintf(out, cap, "the previous set (%zu VRPs, serial %u) stays in force", c->status.vrp_count,
			 c->status.serial);
	else
		snprintf(out, cap, "there is no set from it yet");
}

/*
 * End of Data was applied by RTRlib (lock held): nets pending and, when every added
 * VRP is valid and the set stays within MAX_VRPS, moves it to ready. Returns 1 when
 * committed, 0 when refused (pending is kept: see the top of the file). *log_msg gets
 * what to log (caller frees).
 */
static int commit_sync(struct rtr_client *c, const struct rtr_socket *sock, char **log_msg)
{
	size_t n_added = 0, n_removed = 0;
	char kept[128], text[VRP_STRLEN];

	ops_net(&c->pending);
	for (size_t i = 0; i < c->pending.count; i++) {
		const struct rtr_op *op = &c->pending.items[i];
		const char *why;

		if (op->delta < 0) {
			n_removed++;
			continue;
		}
		n_added++;
		if (vrp_check(&op->prefix, op->max_length, &why) != 0) {
			op_format(op, text);
			describe_kept(c, kept, sizeof(kept));
			set_error(c, "RTR cache %s: sync to serial %u refused: invalid VRP %s (%s); %s", c->name,
				  sock->serial_number, text, why, kept);
			*log_msg = xstrdup(c->status.last_error);
			return 0;
		}
	}
	if (c->status.vrp_count + n_added - n_removed > MAX_VRPS) {
		describe_kept(c, kept, sizeof(kept));
		set_error(c, "RTR cache %s: sync to serial %u refused: %zu VRPs, more than %d; %s", c->name,
			  sock->serial_number, c->status.vrp_count + n_added - n_removed, MAX_VRPS, kept);
		*log_msg = xstrdup(c->status.last_error);
		return 0;
	}
	for (size_t i = 0; i < c->pending.count; i++)
		ops_push(&c->ready, &c->pending.items[i]);
	c->pending.count = 0;
	ops_net(&c->ready);
	c->ready_syncs++;
	c->status.vrp_count = c->status.vrp_count + n_added - n_removed;
	c->status.has_synced = true;
	c->status.serial = sock->serial_number;
	c->status.session_id = sock->session_id;
	c->status.version = sock->version;
	c->status.last_sync = time(NULL);
	c->status.syncs++;
	c->lib_last_update = sock->last_update;
	if (n_added != 0 || n_removed != 0 || c->status.syncs == 1)
		*log_msg = xasprintf("RTR cache %s: synced to serial %u (session %u, version %u): %zu added, "
				     "%zu withdrawn, %zu VRPs",
				     c->name, sock->serial_number, sock->session_id, sock->version, n_added, n_removed,
				     c->status.vrp_count);
	return 1;
}

static bool state_is_connected(enum rtr_socket_state s)
{
	return s == RTR_RESET || s == RTR_SYNC || s == RTR_ESTABLISHED;
}

/* RTRlib's thread (or rtr_client_free's, for RTR_SHUTDOWN) tells a new session state. */
static void on_state(const struct rtr_socket *sock, const enum rtr_socket_state state, void *mgr_config,
		     void *mgr_group)
{
	struct rtr_client *c = client_of(sock);
	char *msg = NULL, kept[128];
	bool is_warning = true, was_connected, is_stopping;
	enum rtr_socket_state prev;
	const char *name = rtr_state_to_str(state);

	pthread_mutex_lock(&c->lock);
	prev = c->state;
	c->state = state;
	snprintf(c->status.state, sizeof(c->status.state), "%s", name ? name : "?");
	was_connected = c->status.is_connected;
	c->status.is_connected = state_is_connected(state);
	describe_kept(c, kept, sizeof(kept));
	if (c->is_stopping) {
		/* rtr_client_free: nothing to report */
	} else if (state == RTR_ESTABLISHED && prev == RTR_SYNC) {
		is_warning = !commit_sync(c, sock, &msg);
	} else if ((state == RTR_ERROR_FATAL || state == RTR_ERROR_TRANSPORT) &&
		   (prev == RTR_SYNC || prev == RTR_RESET)) {
		set_error(c, "RTR cache %s: sync broken off before End of Data (%s); nothing of it is applied, %s; "
			  "the whole set is asked for next",
			  c->name,
			  state == RTR_ERROR_TRANSPORT ? "no answer in time or transport error"
						       : "connection closed, or an error or invalid PDU from the cache",
			  kept);
		msg = xstrdup(c->status.last_error);
		/*
		 * Ask for the whole set next time (Reset Query), not the delta from our serial
		 * again. RFC 8210 section 5.1 wants a router to flush and start a new session
		 * when the cache reports a Session ID mismatch (a restarted cache does, with
		 * Corrupt Data, to our Serial Query), but RTRlib 0.8 keeps the old session and
		 * repeats the Serial Query until its expire interval (600 s at least) purges
		 * everything. This thread is the socket's own, so its fields are ours to set;
		 * RTRlib then swaps in the new set as a whole and reports the difference.
		 */
		if (prev == RTR_SYNC && !c->socket.request_session_id) {
			c->socket.request_session_id = true;
			c->socket.serial_number = 0;
		}
		/*
		 * RTRlib 0.8 zeroes last_update when a Cache Response starts a reset, and
		 * applies a reset through a shadow table only when last_update is not zero.
		 * A reset broken off after the Cache Response thus leaves the old records in
		 * its table with last_update 0, and the next reset adds the whole set on top of
		 * them: duplicates, a fatal error, and the same again at every retry, for good
		 * (its expire purge skips a socket whose last_update is 0). Putting back the
		 * time of the last completed sync makes the next reset go through the shadow
		 * table again.
		 */
		if (c->socket.last_update == 0 && c->lib_last_update != 0)
			c->socket.last_update = c->lib_last_update;
	} else if ((state == RTR_ERROR_FATAL || state == RTR_ERROR_TRANSPORT) && !was_connected) {
		set_error(c, "RTR cache %s: cannot connect (retrying every %u s); %s", c->name, c->retry, kept);
		/* logged once per outage, not at every retry */
		if (!c->is_failing_connect)
			msg = xstrdup(c->status.last_error);
		c->is_failing_connect = true;
	} else if (state == RTR_ERROR_FATAL || state == RTR_ERROR_TRANSPORT) {
		set_error(c, "RTR cache %s: connection lost (%s); %s", c->name,
			  state == RTR_ERROR_TRANSPORT ? "no answer in time or transport error"
						       : "connection closed, or an error or invalid PDU from the cache",
			  kept);
		msg = xstrdup(c->status.last_error);
	} else if (state == RTR_ERROR_NO_DATA_AVAIL) {
		set_error(c, "RTR cache %s: the cache has no data yet (No Data Available); %s", c->name, kept);
		msg = xstrdup(c->status.last_error);
	} else if (state == RTR_ERROR_NO_INCR_UPDATE_AVAIL) {
		msg = xasprintf("RTR cache %s: no incremental update from serial %u (Cache Reset): asking for "
				"the whole set",
				c->name, c->status.serial);
		is_warning = false;
	} else if (state_is_connected(state) && !was_connected) {
		msg = xasprintf("RTR cache %s: connected (protocol version %u)", c->name, sock->version);
		is_warning = false;
	}
	if (state_is_connected(state))
		c->is_failing_connect = false;
	is_stopping = c->is_stopping;
	pthread_mutex_unlock(&c->lock);

	if (msg != NULL) {
		if (is_warning)
			log_warn("%s", msg);
		else
			log_info("%s", msg);
		free(msg);
	}
	if (!is_stopping)
		client_signal(c);
	if (c->mgr_state_fp != NULL)
		c->mgr_state_fp(sock, state, mgr_config, mgr_group);
}

/* RTRlib's thread tells a record added to or removed from its table. */
static void on_pfx_update(struct pfx_table *table, const struct pfx_record record, const bool added)
{
	struct rtr_client *c;
	struct rtr_op op;

	(void)table;
	if (record.socket == NULL || record_to_op(&record, added, &op) != 0)
		return;
	c = client_of(record.socket);
	pthread_mutex_lock(&c->lock);
	ops_push(&c->pending, &op);
	pthread_mutex_unlock(&c->lock);
}

struct rtr_client *rtr_client_new(const char *host, const char *port, unsigned refresh, unsigned retry,
				  unsigned expire, char **err)
{
	struct rtr_client *c = NULL;
	struct rtr_mgr_group groups[1];

	*err = NULL;
	if (host == NULL || host[0] == '\0' || port == NULL || port[0] == '\0') {
		*err = xstrdup("RTR cache: host and port are required");
		return NULL;
	}
	if (refresh < RTR_CLIENT_REFRESH_MIN || refresh > RTR_CLIENT_REFRESH_MAX || retry < RTR_CLIENT_RETRY_MIN ||
	    retry > RTR_CLIENT_RETRY_MAX || expire < RTR_CLIENT_EXPIRE_MIN || expire > RTR_CLIENT_EXPIRE_MAX) {
		*err = xasprintf("RTR cache %s:%s: intervals out of range (refresh %u: %d..%d, retry %u: %d..%d, "
				 "expire %u: %d..%d seconds)",
				 host, port, refresh, RTR_CLIENT_REFRESH_MIN, RTR_CLIENT_REFRESH_MAX, retry,
				 RTR_CLIENT_RETRY_MIN, RTR_CLIENT_RETRY_MAX, expire, RTR_CLIENT_EXPIRE_MIN,
				 RTR_CLIENT_EXPIRE_MAX);
		return NULL;
	}
	if (expire <= refresh || expire <= retry) {
		*err = xasprintf("RTR cache %s:%s: the expire interval (%u s) must be longer than the refresh (%u s) "
				 "and retry (%u s) intervals (RFC 8210 section 6)",
				 host, port, expire, refresh, retry);
		return NULL;
	}

	c = xcalloc(1, sizeof(*c));
	c->efd = -1;
	pthread_mutex_init(&c->lock, NULL);
	c->host = xstrdup(host);
	c->port = xstrdup(port);
	c->name = strchr(host, ':') ? xasprintf("[%s]:%s", host, port) : xasprintf("%s:%s", host, port);
	c->retry = retry;
	c->state = RTR_CLOSED;
	snprintf(c->status.state, sizeof(c->status.state), "RTR_CLOSED");
	c->status.version = 1;
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->efd < 0) {
		*err = xasprintf("RTR cache %s: eventfd: %s", c->name, strerror(errno));
		goto fail;
	}

	c->tcp.host = c->host;
	c->tcp.port = c->port;
	c->tcp.connect_timeout = RTR_CLIENT_CONNECT_TIMEOUT;
	if (tr_tcp_init(&c->tcp, &c->transport) != TR_SUCCESS) {
		*err = xasprintf("RTR cache %s: cannot set up the TCP transport", c->name);
		goto fail;
	}
	c->has_transport = true;
	c->socket.tr_socket = &c->transport;
	c->sockets[0] = &c->socket;
	/* rtr_mgr_init copies the group (not the sockets it points to). */
	groups[0].sockets = c->sockets;
	groups[0].sockets_len = 1;
	groups[0].preference = 1;
	groups[0].status = RTR_MGR_CLOSED;
	if (rtr_mgr_init(&c->mgr, groups, 1, refresh, expire, retry, on_pfx_update, NULL, NULL, NULL) != RTR_SUCCESS) {
		c->mgr = NULL;
		*err = xasprintf("RTR cache %s: RTRlib refused the configuration", c->name);
		goto fail;
	}
	/* From here rtr_mgr_free frees the transport. */
	c->has_transport = false;
	/* Our intervals, not the cache's (see rtr_client.h); then our callback in front of rtr_mgr's. */
	rtr_set_interval_mode(&c->socket, RTR_INTERVAL_MODE_IGNORE_ANY);
	c->mgr_state_fp = c->socket.connection_state_fp;
	c->socket.connection_state_fp = on_state;
	c->status.version = c->socket.version;
	return c;

fail:
	rtr_client_free(c);
	return NULL;
}

int rtr_client_set_version(struct rtr_client *c, unsigned version, char **err)
{
	*err = NULL;
	if (c->is_started) {
		*err = xasprintf("RTR cache %s: the protocol version is set before the client starts", c->name);
		return -1;
	}
	if (version > 1) {
		*err = xasprintf("RTR cache %s: protocol version %u not supported (0 or 1)", c->name, version);
		return -1;
	}
	c->socket.version = version;
	c->status.version = version;
	return 0;
}

int rtr_client_start(struct rtr_client *c, char **err)
{
	*err = NULL;
	if (c->is_started) {
		*err = xasprintf("RTR cache %s: already started", c->name);
		return -1;
	}
	if (rtr_mgr_start(c->mgr) != RTR_SUCCESS) {
		*err = xasprintf("RTR cache %s: cannot start RTRlib's thread", c->name);
		return -1;
	}
	c->is_started = true;
	return 0;
}

void rtr_client_free(struct rtr_client *c)
{
	if (c == NULL)
		return;
	if (c->mgr != NULL) {
		pthread_mutex_lock(&c->lock);
		c->is_stopping = true;
		pthread_mutex_unlock(&c->lock);
		/* Cancels and joins RTRlib's thread, then purges its table (callbacks into pending, ignored). */
		rtr_mgr_stop(c->mgr);
		rtr_mgr_free(c->mgr);
	} else if (c->has_transport && c->transport.free_fp != NULL) {
		c->transport.free_fp(&c->transport);
	}
	if (c->efd >= 0)
		close(c->efd);
	ops_release(&c->pending);
	ops_release(&c->ready);
	pthread_mutex_destroy(&c->lock);
	free(c->host);
	free(c->port);
	free(c->name);
	free(c);
}

int rtr_client_fd(const struct rtr_client *c)
{
	return c->efd;
}

unsigned rtr_client_take(struct rtr_client *c, struct vrp_set *added, struct vrp_set *removed)
{
	struct rtr_ops ready;
	unsigned syncs;
	uint64_t counter;
	bool has_added = false, has_removed = false;

	/* Empty the eventfd first: a sync committed after this read leaves it readable again. */
	if (read(c->efd, &counter, sizeof(counter)) < 0 && errno != EAGAIN)
		log_debug("rtr %s: eventfd read: %s", c->name, strerror(errno));
	pthread_mutex_lock(&c->lock);
	ready = c->ready;
	syncs = c->ready_syncs;
	memset(&c->ready, 0, sizeof(c->ready));
	c->ready_syncs = 0;
	pthread_mutex_unlock(&c->lock);

	for (size_t i = 0; i < ready.count; i++) {
		const struct rtr_op *op = &ready.items[i];
		const char *why;

		/* commit_sync checked every VRP it let in, and a withdrawn VRP was let in before */
		if (vrp_set_add(op->delta > 0 ? added : removed, &op->prefix, op->max_length, op->asn, NULL, 0,
				&why) != 0) {
			char text[VRP_STRLEN];

			op_format(op, text);
			fatal("rtr %s: VRP %s checked at its sync is refused now: %s", c->name, text, why);
		}
		if (op->delta > 0)
			has_added = true;
		else
			has_removed = true;
	}
	ops_release(&ready);
	if (has_added)
		vrp_set_sort(added);
	if (has_removed)
		vrp_set_sort(removed);
	return syncs;
}

void rtr_client_status(struct rtr_client *c, struct rtr_client_status *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->status;
	pthread_mutex_unlock(&c->lock);
}
