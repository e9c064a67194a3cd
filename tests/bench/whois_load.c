/*
 * Load client for the whois server, for misuse tests and benchmarks.
 *   whois_load -p PORT -n CONNS -q QUERY hold
 *       opens CONNS connections at once, keeps them all open, then sends QUERY
 *       (a "!!" session) on each and waits for an answer on every one; prints
 *       "connected C answered A refused R failed F".
 *   whois_load -p PORT -n CLIENTS -c QUERIES -q QUERY bench
 *       CLIENTS connections each pipeline QUERIES copies of QUERY (in windows of 16)
 *       and time every answer; prints queries/s and p50/p99 latency.
 * Answers are read by IRRd framing (A<n> ... C, C, D or F lines).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
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

static int connect_to(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
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

			if ((long)avail < r->pending_data)
				break;
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

#define WINDOW 16

static int bench(int port, int clients, int per_client, const char *query)
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
			/* keep WINDOW queries in flight per client */
			while (sent[i] < per_client && sent[i] - done[i] < WINDOW) {
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
	qsort(lat, nlat, sizeof(*lat), compare_double);
	printf("queries %zu in %.0f ms: %.0f queries/s, latency p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", nlat,
	       elapsed, (double)nlat / (elapsed / 1000.0), nlat ? lat[nlat / 2] : 0.0,
	       nlat ? lat[(nlat * 99) / 100] : 0.0, nlat ? lat[nlat - 1] : 0.0);
	return nlat == (size_t)clients * (size_t)per_client ? 0 : 1;
}

int main(int argc, char **argv)
{
	int port = 0, n = 1, per = 1000, c;
	const char *query = "!v";
	struct rlimit rl;

	while ((c = getopt(argc, argv, "p:n:c:q:")) != -1) {
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
		case 'q':
			query = optarg;
			break;
		default:
			return 2;
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = (rlim_t)n + 64 < rl.rlim_max ? (rlim_t)n + 64 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (port == 0 || optind >= argc) {
		fprintf(stderr, "usage: whois_load -p PORT [-n N] [-c QUERIES] [-q QUERY] hold|bench\n");
		return 2;
	}
	if (strcmp(argv[optind], "hold") == 0)
		return hold(port, n, query);
	return bench(port, n, per, query);
}
