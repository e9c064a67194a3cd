/*
 * Load client for whois servers (ours and IRRd legacy), for misuse tests and benchmarks.
 *   whois_load -p PORT -n CONNS -q QUERY hold
 *       opens CONNS connections at once, keeps them all open, then sends QUERY
 *       (a "!!" session) on each and waits for an answer on every one; prints
 *       "connected C answered A refused R failed F".
 *   whois_load -p PORT -n CLIENTS -c QUERIES -d DEPTH -q QUERY bench
 *       CLIENTS connections each send QUERIES copies of QUERY keeping DEPTH of them
 *       in flight (default 16; 1 = one query at a time) and time every answer;
 *       prints queries/s and p50/p99 latency.
 *   whois_load -p PORT -n FLOODERS -d DEPTH -q FLOOD [-q FLOOD...] -P PROBE [-P PROBE...]
 *              -c PROBES fair
 *       FLOODERS connections pipeline the FLOOD queries in turn (DEPTH in flight,
 *       answers read and dropped) while one probe connection sends PROBES queries,
 *       the PROBE queries in turn, one at a time 1 ms apart, from its own thread;
 *       prints the probe latency per probe query and the flood's answers/s.
 *   -b ADDRS spreads connections over the source addresses 127.0.0.1..127.0.0.ADDRS
 *   (IRRd legacy accepts at most 5 connections per client address).
 * Answers are read by IRRd framing (A<n> ... C, C, D or F lines), in any size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int source_addresses = 1; /* -b */
static int connections_made;

/* Connects to 127.0.0.1:port from the next of the -b source addresses. */
static int connect_to(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct sockaddr_in src = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	src.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)(connections_made++ % source_addresses));
	if (fd >= 0 && source_addresses > 1 && bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		close(fd);
		return -1;
	}
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Per-connection parse state for IRRd framing. */
struct reader {
	char buf[1 << 16];
	size_t len;
	long pending_data; /* bytes of A data still to skip, -1 when between answers */
};

/* Consumes complete answers from r; returns how many completed. */
static int parse_answers(struct reader *r, int *refused)
{
	int done = 0;
	size_t pos = 0;

	for (;;) {
		if (r->pending_data >= 0) {
			size_t avail = r->len - pos;

			if ((long)avail < r->pending_data) { /* a large answer: drop what came */
				r->pending_data -= (long)avail;
				pos = r->len;
				break;
			}
			pos += (size_t)r->pending_data;
			r->pending_data = -1;
			continue; /* then expect the "C" line */
		}
		char *nl = memchr(r->buf + pos, '\n', r->len - pos);
		if (nl == NULL)
			break;
		if (r->buf[pos] == 'A') {
			r->pending_data = strtol(r->buf + pos + 1, NULL, 10);
		} else {
			if (r->buf[pos] == '%')
				(*refused)++;
			done++;
		}
		pos = (size_t)(nl - r->buf) + 1;
	}
	memmove(r->buf, r->buf + pos, r->len - pos);
	r->len -= pos;
	return done;
}

static int hold(int port, int n, const char *query)
{
	int *fds = calloc((size_t)n, sizeof(int)), connected = 0, answered = 0, refused = 0, failed = 0;
	struct reader *rd = calloc((size_t)n, sizeof(*rd));
	char msg[4096];
	int len = snprintf(msg, sizeof(msg), "!!\n%s\n", query);

	for (int i = 0; i < n; i++) {
		fds[i] = connect_to(port);
		rd[i].pending_data = -1;
		if (fds[i] >= 0)
			connected++;
	}
	for (int i = 0; i < n; i++) {
		if (fds[i] >= 0 && write(fds[i], msg, (size_t)len) != len) {
			close(fds[i]);
			fds[i] = -1;
			failed++;
		}
	}
	for (int i = 0; i < n; i++) {
		double deadline = now_ms() + 10000;
		int got = 0;

		while (fds[i] >= 0 && !got && now_ms() < deadline) {
			struct pollfd p = { fds[i], POLLIN, 0 };
			ssize_t r;

			if (poll(&p, 1, 1000) <= 0)
				continue;
			r = read(fds[i], rd[i].buf + rd[i].len, sizeof(rd[i].buf) - rd[i].len);
			if (r <= 0) {
				/* closed: a refusal line may have arrived first */
				got = parse_answers(&rd[i], &refused) > 0 ? 1 : -1;
				break;
			}
			rd[i].len += (size_t)r;
			got = parse_answers(&rd[i], &refused) > 0;
		}
		if (got > 0)
			answered++;
		else if (fds[i] >= 0)
			failed++;
	}
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	printf("connected %d answered %d refused %d failed %d\n", connected, answered - refused, refused, failed);
	free(fds);
	free(rd);
	return 0;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void print_latency(const char *what, double *lat, size_t n)
{
	qsort(lat, n, sizeof(*lat), compare_double);
	printf("%s: %zu answers, latency p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", what, n, n ? lat[n / 2] : 0.0,
	       n ? lat[(n * 99) / 100] : 0.0, n ? lat[n - 1] : 0.0);
}

static int bench(int port, int clients, int per_client, int depth, const char *query)
{
	int *fds = calloc((size_t)clients, sizeof(int));
	struct reader *rd = calloc((size_t)clients, sizeof(*rd));
	int *sent = calloc((size_t)clients, sizeof(int)), *done = calloc((size_t)clients, sizeof(int));
	double *sent_at = calloc((size_t)clients * (size_t)per_client, sizeof(double));
	double *lat = calloc((size_t)clients * (size_t)per_client, sizeof(double));
	size_t nlat = 0;
	char q[1024];
	int qlen = snprintf(q, sizeof(q), "%s\n", query), refused = 0, remaining = clients;
	double start, elapsed;
	struct pollfd *pfd = calloc((size_t)clients, sizeof(*pfd));

	for (int i = 0; i < clients; i++) {
		fds[i] = connect_to(port);
		if (fds[i] < 0 || write(fds[i], "!!\n", 3) != 3) {
			fprintf(stderr, "connect failed\n");
			return 1;
		}
		rd[i].pending_data = -1;
	}
	start = now_ms();
	while (remaining > 0) {
		for (int i = 0; i < clients; i++) {
			/* keep `depth` queries in flight per client */
			while (sent[i] < per_client && sent[i] - done[i] < depth) {
				if (write(fds[i], q, (size_t)qlen) != qlen)
					return 1;
				sent_at[(size_t)i * (size_t)per_client + (size_t)sent[i]] = now_ms();
				sent[i]++;
			}
			pfd[i].fd = done[i] < per_client ? fds[i] : -1;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)clients, 5000) <= 0)
			break;
		for (int i = 0; i < clients; i++) {
			ssize_t r;
			int got;

			if (pfd[i].fd < 0 || !(pfd[i].revents & POLLIN))
				continue;
			r = read(fds[i], rd[i].buf + rd[i].len, sizeof(rd[i].buf) - rd[i].len);
			if (r <= 0)
				return 1;
			rd[i].len += (size_t)r;
			got = parse_answers(&rd[i], &refused);
			for (int k = 0; k < got; k++) {
				lat[nlat++] = now_ms() - sent_at[(size_t)i * (size_t)per_client + (size_t)done[i]];
				if (++done[i] == per_client)
					remaining--;
			}
		}
	}
	elapsed = now_ms() - start;
	printf("queries %zu in %.0f ms: %.0f queries/s (%d clients, %d in flight each); ", nlat, elapsed,
	       (double)nlat / (elapsed / 1000.0), clients, depth);
	print_latency("all", lat, nlat);
	for (int i = 0; i < clients; i++)
		close(fds[i]);
	free(fds);
	free(rd);
	free(sent);
	free(done);
	free(sent_at);
	free(lat);
	free(pfd);
	return nlat == (size_t)clients * (size_t)per_client ? 0 : 1;
}

#define MAX_QUERY_KINDS 8

/* The probe of `fair`: one connection, one query at a time, from its own thread so
 * that the flood's reading never delays the measurement. */
struct probe {
	int port, count, kinds;
	const char *query[MAX_QUERY_KINDS];
	double *lat[MAX_QUERY_KINDS];
	size_t nlat[MAX_QUERY_KINDS];
	int failed;
	atomic_int finished;
};

static void *probe_run(void *arg)
{
	struct probe *p = arg;
	struct reader *rd = calloc(1, sizeof(*rd));
	int fd = connect_to(p->port), refused = 0;

	rd->pending_data = -1;
	if (fd < 0 || write(fd, "!!\n", 3) != 3)
		p->failed = 1;
	for (int i = 0; i < p->count && !p->failed; i++) {
		int kind = i % p->kinds, got = 0;
		char q[1024];
		int qlen = snprintf(q, sizeof(q), "%s\n", p->query[kind]);
		double t0 = now_ms();

		if (write(fd, q, (size_t)qlen) != qlen) {
			p->failed = 1;
			break;
		}
		while (!got) {
			struct pollfd pf = { fd, POLLIN, 0 };
			ssize_t r;

			if (poll(&pf, 1, 30000) <= 0 ||
			    (r = read(fd, rd->buf + rd->len, sizeof(rd->buf) - rd->len)) <= 0) {
				p->failed = 1;
				break;
			}
			rd->len += (size_t)r;
			got = parse_answers(rd, &refused);
		}
		p->lat[kind][p->nlat[kind]++] = now_ms() - t0;
		usleep(1000);
	}
	if (fd >= 0)
		close(fd);
	free(rd);
	atomic_store(&p->finished, 1);
	return NULL;
}

static int fair(int port, int flooders, int depth, const char **flood, int flood_kinds, struct probe *probe)
{
	int *fds = calloc((size_t)flooders, sizeof(int)), *in_flight = calloc((size_t)flooders, sizeof(int));
	int *next_kind = calloc((size_t)flooders, sizeof(int)), refused = 0, status = 0;
	struct reader *rd = calloc((size_t)flooders, sizeof(*rd));
	struct pollfd *pfd = calloc((size_t)flooders, sizeof(*pfd));
	long answers = 0;
	double start;
	pthread_t thread;

	for (int i = 0; i < flooders; i++) {
		fds[i] = connect_to(port);
		if (fds[i] < 0 || write(fds[i], "!!\n", 3) != 3) {
			fprintf(stderr, "flooder %d: connect failed\n", i);
			return 1;
		}
		rd[i].pending_data = -1;
	}
	for (int k = 0; k < probe->kinds; k++)
		probe->lat[k] = calloc((size_t)probe->count, sizeof(double));
	/* The flood gets going before the first probe. */
	for (int i = 0; i < flooders; i++) {
		for (; in_flight[i] < depth; in_flight[i]++) {
			char q[1024];
			int qlen = snprintf(q, sizeof(q), "%s\n", flood[next_kind[i]++ % flood_kinds]);
			if (write(fds[i], q, (size_t)qlen) != qlen)
				return 1;
		}
	}
	usleep(200000);
	start = now_ms();
	pthread_create(&thread, NULL, probe_run, probe);
	while (!atomic_load(&probe->finished)) {
		for (int i = 0; i < flooders; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)flooders, 100) < 0)
			break;
		for (int i = 0; i < flooders; i++) {
			ssize_t r;
			int got;

			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			r = read(fds[i], rd[i].buf + rd[i].len, sizeof(rd[i].buf) - rd[i].len);
			if (r <= 0) {
				fprintf(stderr, "flooder %d: connection closed\n", i);
				status = 1;
				fds[i] = -1;
				continue;
			}
			rd[i].len += (size_t)r;
			got = parse_answers(&rd[i], &refused);
			answers += got;
			in_flight[i] -= got;
			for (; in_flight[i] < depth; in_flight[i]++) {
				char q[1024];
				int qlen = snprintf(q, sizeof(q), "%s\n", flood[next_kind[i]++ % flood_kinds]);
				if (write(fds[i], q, (size_t)qlen) != qlen)
					return 1;
			}
		}
	}
	pthread_join(thread, NULL);
	double elapsed = now_ms() - start;
	printf("flood: %d clients x %d in flight; %ld answers in %.0f ms = %.1f answers/s\n", flooders, depth,
	       answers, elapsed, (double)answers / (elapsed / 1000.0));
	for (int k = 0; k < probe->kinds; k++) {
		char what[1100];

		snprintf(what, sizeof(what), "probe %s", probe->query[k]);
		print_latency(what, probe->lat[k], probe->nlat[k]);
		free(probe->lat[k]);
	}
	for (int i = 0; i < flooders; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	free(in_flight);
	free(next_kind);
	free(rd);
	free(pfd);
	return status || probe->failed;
}

int main(int argc, char **argv)
{
	int port = 0, n = 1, per = 1000, depth = 16, c, flood_kinds = 0;
	const char *flood[MAX_QUERY_KINDS];
	struct probe probe = { 0 };
	struct rlimit rl;

	while ((c = getopt(argc, argv, "p:n:c:d:q:P:b:")) != -1) {
		switch (c) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'c':
			per = atoi(optarg);
			break;
		case 'd':
			depth = atoi(optarg);
			break;
		case 'b':
			source_addresses = atoi(optarg) > 0 ? atoi(optarg) : 1;
			break;
		case 'q':
			if (flood_kinds < MAX_QUERY_KINDS)
				flood[flood_kinds++] = optarg;
			break;
		case 'P':
			if (probe.kinds < MAX_QUERY_KINDS)
				probe.query[probe.kinds++] = optarg;
			break;
		default:
			return 2;
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = (rlim_t)n + 64 < rl.rlim_max ? (rlim_t)n + 64 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (port == 0 || optind >= argc || depth < 1) {
		fprintf(stderr, "usage: whois_load -p PORT [-n N] [-c QUERIES] [-d DEPTH] [-b ADDRS] "
				"[-q QUERY]... [-P PROBE]... hold|bench|fair\n");
		return 2;
	}
	if (flood_kinds == 0)
		flood[flood_kinds++] = "!v";
	if (strcmp(argv[optind], "hold") == 0)
		return hold(port, n, flood[0]);
	if (strcmp(argv[optind], "fair") == 0) {
		if (probe.kinds == 0)
			probe.query[probe.kinds++] = "!v";
		probe.port = port;
		probe.count = per;
		return fair(port, n, depth, flood, flood_kinds, &probe);
	}
	return bench(port, n, per, depth, flood[0]);
}
