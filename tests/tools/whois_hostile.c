/*
 * Hostile whois clients for the regression tests of issue 14 (run by
 * tests/integration/whois_hostile.sh against a real irrd). Each subcommand attacks
 * the server one way, checks what docs/whois.md promises and prints TAP lines
 * ("ok - ..." / "not ok - ..."); each has a hard deadline (alarm) after which it
 * prints "not ok" and exits 1. Exit status 0 when every check passed, else 1; 2 for
 * a usage error.
 *
 *   whois_hostile -p PORT [-P PID] SUBCOMMAND [OPTIONS] [QUERY...]
 *   fair      flooders pipeline expensive QUERYs, a probe sends !v (and !g) one at a
 *             time: its slowest answer is bounded; with -k, SIGTERM to PID during the
 *             flood and irrd exits in time
 *   pipeline  two large answers then thousands of !v in one write; queries then a
 *             half-close; an over-long line after queries that are still answered
 *   outcap    many clients ask for large answers and never read: irrd's RSS (PID)
 *             stays bounded; then one of them reads and gets every answer whole
 *   slowsend  a byte at a time without a newline: closed at the idle timeout
 *   slowread  reads 1 KiB per 100 ms for a while, then the rest: not cut meanwhile
 * Answers are parsed by IRRd framing (A<n> data C, C, D, F); a large answer is
 * compared with the same query's answer on a fresh connection by length and hash.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static int port;
static pid_t server_pid;
static int failures;

/* ---- reporting and the hard deadline ---- */

static void ok(bool is_ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ok(bool is_ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", is_ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!is_ok)
		failures++;
}

static char deadline_message[256];
static size_t deadline_message_len;

static void on_deadline(int sig)
{
	ssize_t ignored = write(STDOUT_FILENO, deadline_message, deadline_message_len);

	(void)sig;
	(void)ignored;
	_exit(1);
}

/* From now on the subcommand named what must finish within seconds, or it fails. */
static void set_deadline(const char *what, unsigned seconds)
{
	int n = snprintf(deadline_message, sizeof(deadline_message),
			 "not ok - %s: no result within the hard deadline of %u s\n", what, seconds);

	deadline_message_len = n > 0 && (size_t)n < sizeof(deadline_message) ? (size_t)n : 0;
	signal(SIGALRM, on_deadline);
	alarm(seconds);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
	long whole = (long)ms;
	struct timespec ts = { .tv_sec = whole / 1000, .tv_nsec = (whole % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "whois_hostile: out of memory\n");
		exit(1);
	}
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL) {
		fprintf(stderr, "whois_hostile: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- the server process ---- */

/* irrd's resident set in KiB, from /proc/PID/status; -1 when it cannot be read. */
static long rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kib;
}

/* The process has exited: gone, or a zombie its parent (the test script) has not reaped yet. */
static bool has_exited(pid_t pid)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;
	char *paren;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren == NULL || paren[1] == '\0' || paren[2] == 'Z' || paren[2] == 'X';
}

/* ---- connections ---- */

/* A non-blocking connection to 127.0.0.1:port; rcvbuf > 0 sets SO_RCVBUF first (a small TCP window). */
static int connect_to(int rcvbuf)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (fd < 0)
		return -1;
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* ---- IRRd framing ---- */

struct answer {
	char kind;          /* 'A' data, 'C', 'D', 'F', '?' not IRRd framing */
	size_t bytes;       /* the whole answer, framing included */
	uint64_t hash;      /* FNV-1a over those bytes */
	char first[128];    /* its first line (the F message) */
};

enum parse_state { IN_LINE, IN_DATA, IN_END_LINE };

struct parser {
	enum parse_state state;
	char line[128];
	size_t line_len;
	size_t data_left;
	struct answer cur;
};

static void parser_init(struct parser *p)
{
	memset(p, 0, sizeof(*p));
	p->cur.hash = 14695981039346656037ull;
}

static void hash_bytes(struct answer *a, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		a->hash ^= (unsigned char)buf[i];
		a->hash *= 1099511628211ull;
	}
	a->bytes += len;
}

/*
 * Consumes bytes of buf (len) until an answer completes. Returns 1 with the answer in
 * *out (and *used set to the bytes consumed), or 0 when every byte was consumed
 * without completing one.
 */
static int parser_feed(struct parser *p, const char *buf, size_t len, size_t *used, struct answer *out)
{
	size_t pos = 0;

	while (pos < len) {
		if (p->state == IN_DATA) {
			size_t take = len - pos < p->data_left ? len - pos : p->data_left;

			hash_bytes(&p->cur, buf + pos, take);
			pos += take;
			p->data_left -= take;
			if (p->data_left == 0)
				p->state = IN_END_LINE;
			continue;
		}
		/* a framing line: keep its first bytes */
		char ch = buf[pos++];
		bool is_done = false;

		hash_bytes(&p->cur, &ch, 1);
		if (ch != '\n') {
			if (p->line_len < sizeof(p->line) - 1)
				p->line[p->line_len++] = ch;
			continue;
		}
		p->line[p->line_len] = '\0';
		if (p->state == IN_END_LINE) {
			p->cur.kind = strcmp(p->line, "C") == 0 ? 'A' : '?';
			if (p->cur.kind == '?')
				snprintf(p->cur.first, sizeof(p->cur.first), "after data: %.100s", p->line);
			is_done = true;
		} else if (p->line[0] == 'A' && p->line[1] >= '0' && p->line[1] <= '9') {
			snprintf(p->cur.first, sizeof(p->cur.first), "%s", p->line);
			p->data_left = strtoul(p->line + 1, NULL, 10);
			p->state = p->data_left > 0 ? IN_DATA : IN_END_LINE;
		} else {
			snprintf(p->cur.first, sizeof(p->cur.first), "%s", p->line);
			p->cur.kind = strcmp(p->line, "C") == 0 ? 'C' : strcmp(p->line, "D") == 0 ? 'D' : p->line[0] == 'F' ? 'F' : '?';
			is_done = true;
		}
		p->line_len = 0;
		if (is_done) {
			*out = p->cur;
			parser_init(p);
			*used = pos;
			return 1;
		}
	}
	*used = pos;
	return 0;
}

/* A client connection: bytes to write, answers parsed as they arrive. */
struct client {
	int fd;
	struct parser parser;
	char *out;
	size_t out_len, out_off, out_cap;
	long queries_sent, answers;
	bool is_closed;      /* EOF or an error seen */
	double closed_at;
};

static void client_queue(struct client *c, const char *bytes, size_t len)
{
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len > c->out_cap) {
		c->out_cap = (c->out_len + len) * 2;
		c->out = realloc(c->out, c->out_cap);
		if (c->out == NULL) {
			fprintf(stderr, "whois_hostile: out of memory\n");
			exit(1);
		}
	}
	memcpy(c->out + c->out_len, bytes, len);
	c->out_len += len;
}

static void client_queue_query(struct client *c, const char *query)
{
	client_queue(c, query, strlen(query));
	client_queue(c, "\n", 1);
	c->queries_sent++;
}

/* Writes what the socket takes now. */
static void client_write(struct client *c)
{
	while (!c->is_closed && c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			c->is_closed = true; /* the server went away: reading shows how */
			c->closed_at = now_ms();
			return;
		}
		c->out_off += (size_t)n;
	}
}

/*
 * Reads what is there (at most max bytes; 0 for no limit) and calls on_answer for
 * every completed answer. Returns the bytes read; marks the client closed at EOF or
 * an error.
 */
static size_t client_read(struct client *c, size_t max, void (*on_answer)(struct client *, const struct answer *, void *),
			  void *arg)
{
	char buf[64 * 1024];
	size_t total = 0;

	while (!c->is_closed && (max == 0 || total < max)) {
		size_t want = max == 0 || max - total > sizeof(buf) ? sizeof(buf) : max - total;
		ssize_t n = recv(c->fd, buf, want, 0);
		size_t pos = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			c->is_closed = true;
			c->closed_at = now_ms();
			break;
		}
		total += (size_t)n;
		while (pos < (size_t)n) {
			struct answer a;
			size_t used;

			if (parser_feed(&c->parser, buf + pos, (size_t)n - pos, &used, &a)) {
				c->answers++;
				if (on_answer != NULL)
					on_answer(c, &a, arg);
			}
			pos += used;
		}
	}
	return total;
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->is_closed = true;
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = c->out_cap = 0;
}

/* Polls the clients for at most ms; then writes and reads what is ready. */
static void pump(struct client *cs, size_t n, int ms, void (*on_answer)(struct client *, const struct answer *, void *),
		 void *arg)
{
	struct pollfd *pfd = xcalloc(n, sizeof(*pfd));

	for (size_t i = 0; i < n; i++) {
		pfd[i].fd = cs[i].is_closed ? -1 : cs[i].fd;
		pfd[i].events = POLLIN | (cs[i].out_off < cs[i].out_len ? POLLOUT : 0);
	}
	if (poll(pfd, (nfds_t)n, ms) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (pfd[i].revents & POLLOUT)
				client_write(&cs[i]);
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				client_read(&cs[i], 0, on_answer, arg);
		}
	}
	free(pfd);
}

/* The answer to query on a fresh connection (no "!!": the server answers once and closes). */
static bool fresh_answer(const char *query, struct answer *out)
{
	struct client c = { .fd = connect_to(0) };
	struct answer first = { .kind = 0 };
	long answers;
	double end = now_ms() + 30000;

	if (c.fd < 0)
		return false;
	parser_init(&c.parser);
	client_queue_query(&c, query);
	while (!c.is_closed && now_ms() < end) {
		struct pollfd p = { c.fd, POLLIN | (c.out_off < c.out_len ? POLLOUT : 0), 0 };
		struct answer a;
		char buf[64 * 1024];
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		if (p.revents & POLLOUT)
			client_write(&c);
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(c.fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		for (size_t pos = 0, used; pos < (size_t)n; pos += used) {
			if (parser_feed(&c.parser, buf + pos, (size_t)n - pos, &used, &a) && c.answers++ == 0)
				first = a;
		}
	}
	answers = c.answers;
	client_close(&c);
	*out = first;
	return answers == 1 && first.kind != '?';
}

static const char *describe(const struct answer *a, char *buf, size_t size)
{
	snprintf(buf, size, "%s (%zu bytes)", a->first, a->bytes);
	return buf;
}

/* ---- fair: a probe is answered while others flood ---- */

struct flood {
	long answers;
	long broken;         /* answers not in IRRd framing */
};

static void flood_answer(struct client *c, const struct answer *a, void *arg)
{
	struct flood *f = arg;

	(void)c;
	f->answers++;
	if (a->kind == '?')
		f->broken++;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Keeps each flooder window queries ahead of its answers, cycling through the queries. */
static void flood_refill(struct client *cs, size_t n, char **queries, int nq, long window)
{
	for (size_t i = 0; i < n; i++) {
		struct client *c = &cs[i];

		while (!c->is_closed && c->queries_sent - c->answers < window)
			client_queue_query(c, queries[(size_t)(c->queries_sent + (long)i) % (size_t)nq]);
		client_write(c);
	}
}

static int cmd_fair(int argc, char **argv)
{
	int flooders = 6, seconds = 4, opt;
	long window = 200, limit_ms = 1000, exit_limit_ms = 3000;
	const char *origin = NULL;
	bool do_kill = false;
	struct client *cs, *probe;
	struct flood flood = { 0 };
	double *lat, start, max_lat = 0;
	size_t nlat = 0, cap_lat = 4096;
	long probe_broken = 0;
	char desc[256];

	while ((opt = getopt(argc, argv, "n:s:l:w:g:kx:")) != -1) {
		switch (opt) {
		case 'n': flooders = atoi(optarg); break;
		case 's': seconds = atoi(optarg); break;
		case 'l': limit_ms = atol(optarg); break;
		case 'w': window = atol(optarg); break;
		case 'g': origin = optarg; break;
		case 'k': do_kill = true; break;
		case 'x': exit_limit_ms = atol(optarg); break;
		default: return 2;
		}
	}
	if (optind >= argc || flooders < 1 || (do_kill && server_pid <= 0)) {
		fprintf(stderr, "usage: whois_hostile -p PORT [-P PID] fair [-n FLOODERS] [-s SECONDS] [-l MAX_MS] "
				"[-w WINDOW] [-g ORIGIN] [-k [-x EXIT_MS]] QUERY...\n");
		return 2;
	}
	set_deadline("fair", (unsigned)seconds + 40);
	cs = xcalloc((size_t)flooders + 1, sizeof(*cs));
	lat = xmalloc(cap_lat * sizeof(*lat));
	for (int i = 0; i <= flooders; i++) {
		cs[i].fd = connect_to(0);
		parser_init(&cs[i].parser);
		if (cs[i].fd < 0) {
			ok(false, "fair: connection %d: %s", i, strerror(errno));
			return 1;
		}
		client_queue(&cs[i], "!!\n", 3);
	}
	probe = &cs[flooders];
	client_write(probe);
	/* the flood builds up first */
	start = now_ms();
	while (now_ms() - start < 500) {
		flood_refill(cs, (size_t)flooders, argv + optind, argc - optind, window);
		pump(cs, (size_t)flooders, 50, flood_answer, &flood);
	}
	start = now_ms();
	for (long k = 0; now_ms() - start < seconds * 1000.0; k++) {
		const char *q = origin != NULL && k % 2 ? "!g" : "!v";
		double sent_at, waited;
		long before = probe->answers;
		char line[128];

		snprintf(line, sizeof(line), "%s%s", q, q[1] == 'g' ? origin : "");
		client_queue_query(probe, line);
		client_write(probe);
		sent_at = now_ms();
		/* the probe waits for its answer (the hard deadline bounds a stall) while the flood goes on */
		while (probe->answers == before && !probe->is_closed) {
			struct answer a = { .kind = 0 };
			struct pollfd p = { probe->fd, POLLIN, 0 };

			flood_refill(cs, (size_t)flooders, argv + optind, argc - optind, window);
			pump(cs, (size_t)flooders, 0, flood_answer, &flood);
			if (poll(&p, 1, 5) > 0) {
				char buf[4096];
				ssize_t n = recv(probe->fd, buf, sizeof(buf), 0);

				if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
					probe->is_closed = true;
					break;
				}
				for (size_t pos = 0, used; n > 0 && pos < (size_t)n; pos += used) {
					if (parser_feed(&probe->parser, buf + pos, (size_t)n - pos, &used, &a)) {
						probe->answers++;
						probe_broken += a.kind != 'A' && a.kind != 'D';
					}
				}
			}
		}
		waited = now_ms() - sent_at;
		if (waited > max_lat)
			max_lat = waited; /* a probe closed while it waited counts what it waited */
		if (probe->is_closed)
			break;
		if (nlat == cap_lat) {
			cap_lat *= 2;
			lat = realloc(lat, cap_lat * sizeof(*lat));
			if (lat == NULL)
				return 1;
		}
		lat[nlat++] = waited;
		/* a short pause between probes, the flood still going */
		for (double until = now_ms() + 20; now_ms() < until;) {
			flood_refill(cs, (size_t)flooders, argv + optind, argc - optind, window);
			pump(cs, (size_t)flooders, 5, flood_answer, &flood);
		}
	}
	qsort(lat, nlat, sizeof(*lat), compare_double);
	{
		long open_flooders = 0;

		for (int i = 0; i < flooders; i++)
			open_flooders += !cs[i].is_closed;
		ok(!probe->is_closed && nlat > 0 && open_flooders == flooders && flood.answers >= flooders,
		   "fair: the flood ran: %d flooders pipelining %ld queries each, %ld answers in %d s, %ld flooders still open",
		   flooders, window, flood.answers, seconds, open_flooders);
	}
	ok(nlat > 0 && !probe->is_closed && max_lat < (double)limit_ms,
	   "fair: probe not stalled behind the flood: %zu answers to %s one at a time, slowest %.0f ms (limit %ld ms), "
	   "median %.1f ms%s",
	   nlat, origin != NULL ? "!v and !g" : "!v", max_lat, limit_ms, nlat ? lat[nlat / 2] : 0.0,
	   probe->is_closed ? "; the server closed the probe while it waited" : "");
	ok(probe_broken == 0 && flood.broken == 0, "fair: every answer in IRRd framing (probe %ld, flood %ld not)",
	   probe_broken, flood.broken);
	if (do_kill) {
		double t0;
		bool is_gone = false;

		t0 = now_ms();
		if (kill(server_pid, SIGTERM) < 0) {
			ok(false, "fair: SIGTERM to %ld: %s", (long)server_pid, strerror(errno));
		} else {
			while (now_ms() - t0 < exit_limit_ms + 7000.0) {
				flood_refill(cs, (size_t)flooders, argv + optind, argc - optind, window);
				pump(cs, (size_t)flooders + 1, 20, flood_answer, &flood);
				if ((is_gone = has_exited(server_pid)))
					break;
			}
			snprintf(desc, sizeof(desc), "%s %.0f ms", is_gone ? "exits" : "still runs", now_ms() - t0);
			ok(is_gone && now_ms() - t0 < (double)exit_limit_ms,
			   "fair: irrd %s after SIGTERM with %d flooders active (limit %ld ms)", desc, flooders,
			   exit_limit_ms);
		}
	}
	for (int i = 0; i <= flooders; i++)
		client_close(&cs[i]);
	free(cs);
	free(lat);
	return failures ? 1 : 0;
}

/* ---- pipeline: every query received is answered, in order ---- */

/* An over-long line: more than the server reads ahead (32 KiB), so it never sees its end. */
#define LONG_LINE (64 * 1024)

struct collected {
	struct answer *a;
	size_t n, cap;
};

static void collect_answer(struct client *c, const struct answer *a, void *arg)
{
	struct collected *col = arg;

	(void)c;
	if (col->n == col->cap) {
		col->cap = col->cap ? col->cap * 2 : 64;
		col->a = realloc(col->a, col->cap * sizeof(*col->a));
		if (col->a == NULL) {
			fprintf(stderr, "whois_hostile: out of memory\n");
			exit(1);
		}
	}
	col->a[col->n++] = *a;
}

/*
 * Sends bytes (then half-closes when asked) and collects answers until EOF or ms
 * passed. Returns the milliseconds it took.
 */
static double exchange(const char *bytes, size_t len, bool half_close, double ms, struct collected *col, bool *saw_eof)
{
	struct client c = { .fd = connect_to(0) };
	double start = now_ms();

	parser_init(&c.parser);
	col->n = 0;
	*saw_eof = false;
	if (c.fd < 0)
		return 0;
	/* one send: the server sees it all at once (as far as TCP lets it) */
	client_queue(&c, bytes, len);
	client_write(&c);
	while (!c.is_closed && now_ms() - start < ms) {
		if (half_close && c.out_off == c.out_len) {
			shutdown(c.fd, SHUT_WR);
			half_close = false;
		}
		pump(&c, 1, 100, collect_answer, col);
	}
	*saw_eof = c.is_closed;
	client_close(&c);
	return now_ms() - start;
}

static bool same_answer(const struct answer *a, const struct answer *ref)
{
	return a->kind == ref->kind && a->bytes == ref->bytes && a->hash == ref->hash;
}

static int cmd_pipeline(int argc, char **argv)
{
	long count = 6000;
	int opt;
	const char *big1, *big2;
	struct answer ref1, ref2, refv;
	struct collected col = { 0 };
	char *buf, d1[160], d2[160];
	size_t len, cap;
	bool saw_eof;
	double ms;

	while ((opt = getopt(argc, argv, "v:")) != -1) {
		switch (opt) {
		case 'v': count = atol(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: whois_hostile -p PORT pipeline [-v COUNT] BIG-QUERY1 BIG-QUERY2\n");
		return 2;
	}
	big1 = argv[optind];
	big2 = argv[optind + 1];
	set_deadline("pipeline", 110);
	if (!fresh_answer(big1, &ref1) || !fresh_answer(big2, &ref2) || !fresh_answer("!v", &refv) || ref1.kind != 'A' ||
	    ref2.kind != 'A') {
		ok(false, "pipeline: reference answers on fresh connections: %s, %s", describe(&ref1, d1, sizeof(d1)),
		   describe(&ref2, d2, sizeof(d2)));
		return 1;
	}
	cap = 64 + 2 * strlen(big1) + strlen(big2) + (size_t)count * 3 + LONG_LINE + 64;
	buf = xmalloc(cap);

	/* 1. two large answers, then thousands of !v, in one write */
	len = (size_t)snprintf(buf, cap, "!!\n%s\n%s\n", big1, big2);
	for (long i = 0; i < count; i++) {
		memcpy(buf + len, "!v\n", 3);
		len += 3;
	}
	memcpy(buf + len, "!q\n", 3); /* then close, so the answers end with EOF */
	ms = exchange(buf, len + 3, false, 60000, &col, &saw_eof);
	{
		size_t too_long = 0, v_ok = 0;

		for (size_t i = 0; i < col.n; i++) {
			too_long += strstr(col.a[i].first, "Query too long") != NULL;
			v_ok += i >= 2 && same_answer(&col.a[i], &refv);
		}
		ok(col.n == (size_t)count + 2, "pipeline: %ld queries (%zu bytes) in one write: %zu answers of %ld in %.0f ms%s",
		   count + 2, len, col.n, count + 2, ms, saw_eof ? "" : " (no EOF after !q)");
		ok(too_long == 0, "pipeline: no answer is \"Query too long\" (%zu are)", too_long);
		ok(col.n >= 2 && same_answer(&col.a[0], &ref1) && same_answer(&col.a[1], &ref2),
		   "pipeline: the two large answers come first and whole (%zu and %zu bytes, as on a fresh connection)",
		   ref1.bytes, ref2.bytes);
		ok(v_ok == (size_t)count, "pipeline: %zu of %ld !v answers after them are right", v_ok, count);
	}

	/* 2. four queries, then a half-close: all four answered, then the server closes */
	len = (size_t)snprintf(buf, cap, "!!\n%s\n%s\n!v\n%s\n", big1, big1, big2);
	ms = exchange(buf, len, true, 60000, &col, &saw_eof);
	ok(col.n == 4 && same_answer(&col.a[0], &ref1) && same_answer(&col.a[1], &ref1) && same_answer(&col.a[2], &refv) &&
		   same_answer(&col.a[3], &ref2) && saw_eof,
	   "pipeline: 4 queries then shutdown(SHUT_WR): %zu answers of 4, in order and whole%s (%.0f ms)", col.n,
	   saw_eof ? ", then closed" : ", no EOF", ms);

	/* 3. half-close after large answers and a last line without a newline: that one is answered too */
	len = (size_t)snprintf(buf, cap, "!!\n%s\n%s\n!v", big1, big2);
	ms = exchange(buf, len, true, 60000, &col, &saw_eof);
	ok(col.n == 3 && same_answer(&col.a[0], &ref1) && same_answer(&col.a[1], &ref2) && same_answer(&col.a[2], &refv) &&
		   saw_eof,
	   "pipeline: 2 large answers and a last query without a newline, then shutdown(SHUT_WR): %zu answers of 3%s "
	   "(%.0f ms)",
	   col.n, saw_eof ? ", then closed" : ", no EOF", ms);

	/* 4. a line far over 16 KiB after queries: those are answered, the line refused, then close */
	len = (size_t)snprintf(buf, cap, "!!\n!v\n%s\n%s\n!v\n!", big1, big1);
	memset(buf + len, 'x', LONG_LINE);
	len += LONG_LINE;
	buf[len++] = '\n';
	ms = exchange(buf, len, false, 60000, &col, &saw_eof);
	ok(col.n == 5 && same_answer(&col.a[0], &refv) && same_answer(&col.a[1], &ref1) && same_answer(&col.a[2], &ref1) &&
		   same_answer(&col.a[3], &refv) && col.a[4].kind == 'F' &&
		   strstr(col.a[4].first, "Query too long") != NULL && saw_eof,
	   "pipeline: a %d KiB line after 4 queries: the 4 answered whole, then \"%s\", then closed (%zu answers of 5%s, "
	   "%.0f ms)",
	   LONG_LINE / 1024, col.n == 5 ? col.a[4].first : "F Query too long", col.n, saw_eof ? "" : ", no EOF", ms);

	/* 5. a complete line of 17 KiB that arrives in one read with the query before it */
	len = (size_t)snprintf(buf, cap, "!!\n!v\n!");
	memset(buf + len, 'x', 17 * 1024);
	len += 17 * 1024;
	buf[len++] = '\n';
	ms = exchange(buf, len, false, 5000, &col, &saw_eof); /* a server that runs it keeps the session open */
	ok(col.n == 2 && same_answer(&col.a[0], &refv) && col.a[1].kind == 'F' &&
		   strstr(col.a[1].first, "Query too long") != NULL && saw_eof,
	   "pipeline: a complete 17 KiB line in one write after !v: !v answered, then \"%s\" (expected \"F Query too "
	   "long\"), then closed (%zu answers of 2%s, %.0f ms)",
	   col.n == 2 ? col.a[1].first : "-", col.n, saw_eof ? "" : ", no EOF", ms);
	free(buf);
	free(col.a);
	return failures ? 1 : 0;
}

/* ---- outcap: clients that never read cost bounded memory ---- */

/* Bytes in the send queues of the server's side of connections to port (IPv4, from /proc/net/tcp). */
static long long server_send_queues(void)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	long long total = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned local_port;
		unsigned long long tx;

		if (sscanf(line, " %*d: %*x:%x %*x:%*x %*x %llx:%*x", &local_port, &tx) == 2 && (int)local_port == port)
			total += (long long)tx;
	}
	fclose(f);
	return total;
}

static int cmd_outcap(int argc, char **argv)
{
	int conns = 60, copies = 10, rcvbuf = 16384, settle_s = 20, warm_copies = 2, opt, nq;
	long max_growth_mib = 64, rss0, rss_max, kib;
	struct client *cs;
	struct answer *refs;
	char d[160];
	double start, last_growth_at, settled_ms;
	long long queued_max = 0;
	int waiting = 0;
	struct collected col = { 0 };

	while ((opt = getopt(argc, argv, "n:k:m:b:s:w:")) != -1) {
		switch (opt) {
		case 'w': warm_copies = atoi(optarg); break;
		case 'n': conns = atoi(optarg); break;
		case 'k': copies = atoi(optarg); break;
		case 'm': max_growth_mib = atol(optarg); break;
		case 'b': rcvbuf = atoi(optarg); break;
		case 's': settle_s = atoi(optarg); break;
		default: return 2;
		}
	}
	nq = argc - optind;
	if (nq < 1 || server_pid <= 0 || conns < 2) {
		fprintf(stderr, "usage: whois_hostile -p PORT -P PID outcap [-n CONNS] [-k COPIES] [-m MAX_GROWTH_MIB] "
				"[-b RCVBUF] [-s SETTLE_S] QUERY...\n");
		return 2;
	}
	set_deadline("outcap", (unsigned)settle_s + 100);
	refs = xcalloc((size_t)nq, sizeof(*refs));
	for (int q = 0; q < nq; q++) {
		if (!fresh_answer(argv[optind + q], &refs[q])) {
			ok(false, "outcap: reference answer to %s: %s", argv[optind + q], describe(&refs[q], d, sizeof(d)));
			return 1;
		}
	}
	/*
	 * First the same queries with clients that read (warm_copies each): the server's
	 * caches and allocator reach their working size, so that what grows afterwards is
	 * the answers waiting for clients.
	 */
	if (warm_copies > 0) {
		double warm_start = now_ms();
		long warm_answers = 0;

		cs = xcalloc((size_t)conns, sizeof(*cs));
		for (int i = 0; i < conns; i++) {
			cs[i].fd = connect_to(0);
			parser_init(&cs[i].parser);
			if (cs[i].fd < 0) {
				ok(false, "outcap: warm-up connection %d: %s", i, strerror(errno));
				return 1;
			}
			client_queue(&cs[i], "!!\n", 3);
			for (int k = 0; k < warm_copies; k++) {
				for (int q = 0; q < nq; q++)
					client_queue_query(&cs[i], argv[optind + q]);
			}
			client_queue(&cs[i], "!q\n", 3);
		}
		for (bool is_open = true; is_open && now_ms() - warm_start < 60000;) {
			pump(cs, (size_t)conns, 100, NULL, NULL);
			is_open = false;
			for (int i = 0; i < conns; i++)
				is_open |= !cs[i].is_closed;
		}
		for (int i = 0; i < conns; i++) {
			warm_answers += cs[i].answers;
			client_close(&cs[i]);
		}
		free(cs);
		printf("# outcap: warm-up: %ld answers to %d reading clients in %.1f s\n", warm_answers, conns,
		       (now_ms() - warm_start) / 1000);
	}
	rss0 = rss_max = rss_kib(server_pid);
	if (rss0 < 0) {
		ok(false, "outcap: cannot read /proc/%ld/status", (long)server_pid);
		return 1;
	}
	cs = xcalloc((size_t)conns, sizeof(*cs));
	for (int i = 0; i < conns; i++) {
		cs[i].fd = connect_to(rcvbuf);
		parser_init(&cs[i].parser);
		if (cs[i].fd < 0) {
			ok(false, "outcap: connection %d: %s", i, strerror(errno));
			return 1;
		}
		client_queue(&cs[i], "!!\n!t60\n", 8);
		for (int k = 0; k < copies; k++) {
			for (int q = 0; q < nq; q++)
				client_queue_query(&cs[i], argv[optind + q]);
		}
		client_write(&cs[i]);
	}
	/*
	 * Never read; watch the server until it stops producing: the bytes in socket
	 * buffers (the server's send queues and ours) no longer grow. Those are the
	 * kernel's memory; what irrd holds beyond them shows in its RSS.
	 */
	start = last_growth_at = now_ms();
	while (now_ms() - start < settle_s * 1000.0) {
		long long queued;

		for (int i = 0; i < conns; i++)
			client_write(&cs[i]);
		sleep_ms(100);
		if ((kib = rss_kib(server_pid)) > rss_max)
			rss_max = kib;
		if (rss_max - rss0 > 4 * max_growth_mib * 1024)
			break; /* far over the bound: no need to see how far */
		waiting = 0;
		queued = server_send_queues();
		for (int i = 0; i < conns; i++) {
			int avail = 0;

			if (ioctl(cs[i].fd, FIONREAD, &avail) == 0 && avail > 0) {
				waiting++;
				queued += avail;
			}
		}
		if (queued > queued_max + 64 * 1024) {
			queued_max = queued;
			last_growth_at = now_ms();
		}
		if (waiting == conns && now_ms() - last_growth_at > 1500)
			break;
	}
	settled_ms = now_ms() - start;
	ok(rss_max - rss0 < max_growth_mib * 1024,
	   "outcap: %d clients asking %d large answers each and never reading: irrd's RSS grew %.1f MiB (limit %ld MiB; "
	   "%.1f -> %.1f MiB) while socket buffers took %.1f MiB, over %.1f s",
	   conns, copies * nq, (double)(rss_max - rss0) / 1024, max_growth_mib, (double)rss0 / 1024,
	   (double)rss_max / 1024, (double)queued_max / (1 << 20), settled_ms / 1000);
	if (rss_max - rss0 > 4 * max_growth_mib * 1024)
		ok(false, "outcap: stopped watching after %.1f s: irrd's RSS far over the bound (answers arriving on "
			  "%d of %d)", settled_ms / 1000, waiting, conns);
	else
		ok(waiting == conns && settled_ms < settle_s * 1000.0,
		   "outcap: the server stopped producing for the non-readers (answers arriving on %d of %d, %s after "
		   "%.1f s)",
		   waiting, conns, settled_ms < settle_s * 1000.0 ? "settled" : "still growing", settled_ms / 1000);

	/* one of them starts reading: every answer arrives whole and in order */
	{
		struct client *r = &cs[0];
		long want = 1 + (long)copies * nq;
		size_t good = 0;
		double end = now_ms() + 60000;

		while (!r->is_closed && (long)col.n < want && now_ms() < end)
			pump(r, 1, 200, collect_answer, &col);
		good = col.n > 0 && col.a[0].kind == 'C';
		for (size_t i = 1; i < col.n; i++)
			good += same_answer(&col.a[i], &refs[(i - 1) % (size_t)nq]);
		ok((long)col.n == want && (long)good == want,
		   "outcap: a non-reader that starts reading gets all %ld answers, each whole (%zu arrived, %zu right)", want,
		   col.n, good);
	}
	for (int i = 0; i < conns; i++)
		client_close(&cs[i]);
	{
		struct answer v;

		ok(fresh_answer("!v", &v) && v.kind == 'A', "outcap: the server answers once the non-readers are gone");
	}
	kib = rss_kib(server_pid);
	printf("# outcap: RSS %.1f MiB at the start, %.1f MiB at most, %.1f MiB at the end\n", (double)rss0 / 1024,
	       (double)rss_max / 1024, (double)kib / 1024);
	free(cs);
	free(refs);
	free(col.a);
	return failures ? 1 : 0;
}

/* ---- slowsend: a line that never ends does not hold a connection ---- */

static int cmd_slowsend(int argc, char **argv)
{
	int idle_s = 2, interval_ms = 500, opt;
	long limit_ms = 4500;
	struct client c = { .fd = -1 };
	double start, closed_at = 0;
	long sent = 0;

	while ((opt = getopt(argc, argv, "i:e:l:")) != -1) {
		switch (opt) {
		case 'i': idle_s = atoi(optarg); break;
		case 'e': interval_ms = atoi(optarg); break;
		case 'l': limit_ms = atol(optarg); break;
		default: return 2;
		}
	}
	(void)argv;
	set_deadline("slowsend", (unsigned)(limit_ms / 1000) + 15);
	c.fd = connect_to(0);
	if (c.fd < 0) {
		ok(false, "slowsend: connect: %s", strerror(errno));
		return 1;
	}
	start = now_ms();
	while (now_ms() - start < limit_ms + 5000.0) {
		char byte = sent == 0 ? '!' : 'g';
		struct pollfd p = { c.fd, POLLIN, 0 };
		char buf[256];

		if (send(c.fd, &byte, 1, MSG_NOSIGNAL) == 1)
			sent++;
		else if (errno != EAGAIN && errno != EINTR) {
			closed_at = now_ms();
			break;
		}
		if (poll(&p, 1, interval_ms) > 0) {
			ssize_t n = recv(c.fd, buf, sizeof(buf), 0);

			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				closed_at = now_ms();
				break;
			}
			/* bytes from the server to a query never sent would be wrong, but closing is what counts */
		}
	}
	ok(closed_at > 0 && closed_at - start <= (double)limit_ms && closed_at - start >= (idle_s - 1) * 1000.0,
	   "slowsend: a byte every %d ms and never a newline: %s %.0f ms (idle timeout %d s, limit %ld ms; "
	   "%ld bytes sent)",
	   interval_ms, closed_at > 0 ? "closed after" : "still open after", closed_at > 0 ? closed_at - start : now_ms() - start,
	   idle_s, limit_ms, sent);
	client_close(&c);
	return failures ? 1 : 0;
}

/* ---- slowread: a client that keeps reading is not cut ---- */

/* The most a socket's send buffer may hold (the kernel's tcp_wmem maximum), in bytes; 4 MiB if unknown. */
static long socket_buffer_max(void)
{
	long lo = 0, def = 0, max = 4 << 20;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_wmem", "r");

	if (f != NULL) {
		if (fscanf(f, "%ld %ld %ld", &lo, &def, &max) != 3)
			max = 4 << 20;
		fclose(f);
	}
	return max;
}

static int cmd_slowread(int argc, char **argv)
{
	int chunk = 1024, interval_ms = 100, rcvbuf = 4096, idle_s = 2, slow_ms = 0, opt;
	struct answer ref, got = { .kind = 0 };
	struct client c = { .fd = -1 };
	double start, elapsed, slow_end = 0;
	long answers = 0, kernel_max = socket_buffer_max();
	size_t bytes = 0, bytes_slow = 0;
	char d[160];

	while ((opt = getopt(argc, argv, "r:e:b:i:t:")) != -1) {
		switch (opt) {
		case 'r': chunk = atoi(optarg); break;
		case 'e': interval_ms = atoi(optarg); break;
		case 'b': rcvbuf = atoi(optarg); break;
		case 'i': idle_s = atoi(optarg); break;
		case 't': slow_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: whois_hostile -p PORT slowread [-r BYTES] [-e INTERVAL_MS] [-b RCVBUF] [-i IDLE_S] "
				"[-t SLOW_MS] QUERY\n");
		return 2;
	}
	set_deadline("slowread", 100);
	if (!fresh_answer(argv[optind], &ref) || ref.kind != 'A') {
		ok(false, "slowread: reference answer to %s: %s", argv[optind], describe(&ref, d, sizeof(d)));
		return 1;
	}
	c.fd = connect_to(rcvbuf);
	parser_init(&c.parser);
	if (c.fd < 0) {
		ok(false, "slowread: connect: %s", strerror(errno));
		return 1;
	}
	client_queue_query(&c, argv[optind]);
	client_write(&c);
	start = now_ms();
	/* slowly (for slow_ms, or to the end), then as fast as it comes */
	while (!c.is_closed && now_ms() - start < 90000) {
		char buf[64 * 1024];
		bool is_slow = slow_ms == 0 || now_ms() - start < slow_ms;
		size_t want = is_slow && (size_t)chunk < sizeof(buf) ? (size_t)chunk : sizeof(buf);
		ssize_t n;

		if (is_slow) {
			sleep_ms(interval_ms);
		} else {
			struct pollfd p = { c.fd, POLLIN, 0 };

			if (slow_end == 0) {
				slow_end = now_ms();
				bytes_slow = bytes;
			}
			poll(&p, 1, 1000);
		}
		n = recv(c.fd, buf, want, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			c.is_closed = true;
			break;
		}
		bytes += (size_t)n;
		for (size_t pos = 0, used; pos < (size_t)n; pos += used) {
			struct answer a;

			if (parser_feed(&c.parser, buf + pos, (size_t)n - pos, &used, &a) && answers++ == 0)
				got = a;
		}
	}
	elapsed = now_ms() - start;
	if (slow_end == 0) {
		slow_end = now_ms();
		bytes_slow = bytes;
	}
	ok(answers == 1 && same_answer(&got, &ref) && bytes == ref.bytes,
	   "slowread: reading %d bytes every %d ms for %.1f s (SO_RCVBUF %d), then at full speed: got %zu of %zu bytes "
	   "in %.1f s, %s",
	   chunk, interval_ms, (slow_end - start) / 1000, rcvbuf, bytes, ref.bytes, elapsed / 1000,
	   answers == 1 && same_answer(&got, &ref) ? "the whole answer" : "cut short");
	/* the check means something only if the server itself, not the kernel, held answer bytes meanwhile */
	ok(slow_end - start > (idle_s + 1) * 1000.0 && (long)(ref.bytes - bytes_slow) > kernel_max + 2L * rcvbuf,
	   "slowread: the slow reading outlasted the idle timeout (%.1f s > %d s + 1 s) with more answer left (%zu bytes) "
	   "than socket buffers hold (%ld)",
	   (slow_end - start) / 1000, idle_s, ref.bytes - bytes_slow, kernel_max + 2L * rcvbuf);
	client_close(&c);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int opt;
	const char *cmd;
	struct rlimit rl;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	while ((opt = getopt(argc, argv, "+p:P:")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'P': server_pid = (pid_t)atol(optarg); break;
		default: return 2;
		}
	}
	if (port <= 0 || optind >= argc) {
		fprintf(stderr, "usage: whois_hostile -p PORT [-P PID] fair|pipeline|outcap|slowsend|slowread [OPTIONS] [QUERY...]\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1024) {
		rl.rlim_cur = rl.rlim_max < 1024 ? rl.rlim_max : 1024;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0; /* the subcommand's options: getopt starts over with its name as argv[0] */
	if (strcmp(cmd, "fair") == 0)
		return cmd_fair(argc, argv);
	if (strcmp(cmd, "pipeline") == 0)
		return cmd_pipeline(argc, argv);
	if (strcmp(cmd, "outcap") == 0)
		return cmd_outcap(argc, argv);
	if (strcmp(cmd, "slowsend") == 0)
		return cmd_slowsend(argc, argv);
	if (strcmp(cmd, "slowread") == 0)
		return cmd_slowread(argc, argv);
	fprintf(stderr, "whois_hostile: unknown subcommand %s\n", cmd);
	return 2;
}
