/*
 * A misbehaving RPKI cache for tests/integration/rpki_rtr.sh: it speaks just enough
 * RTR (RFC 8210 and RFC 6810, answering in the version it is asked in) to serve a
 * sequence of VRP files as serials 1, 2, ..., and breaks off syncs on purpose, which
 * stayrtr cannot be made to do.
 *
 *   rtr_cut_cache [-c CUTS] [-b] [-t SECONDS] FILE1 FILE2 [FILE...]
 *
 * Serial 1 is FILE1, serial 2 FILE2, and so on (VRP files read by vrp_file_load). The
 * first client's Reset Query gets serial 1 whole; 0.3 s after each complete sync the
 * cache moves to the next serial and sends a Serial Notify. The first CUTS answers
 * for a serial above 1 (to a Serial Query or a Reset Query) send the Cache Response
 * and half of the Prefix PDUs, then close the connection: no End of Data. With -b,
 * serial 2 also announces 192.0.2.0/24 maxLength 16 AS64511, a VRP no validator may
 * send (maxLength below the prefix length), which serial 3 withdraws again. Prints
 * "port N" on stdout once listening on 127.0.0.1, then one line per answer; serves one
 * client at a time; exits after SECONDS (default 60) or on SIGTERM. Session ID 4242.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vrp.h"
#include "vrp_file.h"

#define SESSION_ID 4242
#define MAX_SERIALS 8

enum { PDU_SERIAL_NOTIFY = 0, PDU_SERIAL_QUERY = 1, PDU_RESET_QUERY = 2, PDU_CACHE_RESPONSE = 3, PDU_IPV4 = 4,
       PDU_IPV6 = 6, PDU_END_OF_DATA = 7 };

/* The VRP sets of serials 1..n_serials (sets[0] is serial 1). */
static struct vrp_set *sets[MAX_SERIALS];
static unsigned n_serials;
static unsigned current = 1; /* the serial the cache has now */
static unsigned cuts_left;
/* With -b: in serial 2 only, past the loader's checks, as a broken cache would send it. */
static bool has_bad;
static const struct vrp bad_vrp = { .prefix = { .family = 4, .length = 24, .addr = { 192, 0, 2 } },
				    .max_length = 16, .asn = 64511 };
static volatile sig_atomic_t is_interrupted;

/*
 * The first SIGTERM or SIGINT ends the run cleanly; later ones are ignored: `timeout`
 * sends its signal twice (to the command and to its group), and a signal arriving while
 * LeakSanitizer stops the process at exit to scan it can hang the scan for good.
 */
static void on_signal(int sig)
{
	struct sigaction ignore;

	(void)sig;
	memset(&ignore, 0, sizeof(ignore));
	ignore.sa_handler = SIG_IGN;
	sigaction(SIGTERM, &ignore, NULL);
	sigaction(SIGINT, &ignore, NULL);
	is_interrupted = 1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int send_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_header(int fd, uint8_t version, uint8_t type, uint16_t field, uint32_t len, const uint32_t *serial)
{
	uint8_t b[12];

	b[0] = version;
	b[1] = type;
	put16(b + 2, field);
	put32(b + 4, len);
	if (serial)
		put32(b + 8, *serial);
	return send_all(fd, b, serial ? 12 : 8);
}

static int send_prefix(int fd, uint8_t version, const struct vrp *v, bool announce)
{
	uint8_t b[32];
	size_t len = v->prefix.family == 4 ? 20 : 32;

	memset(b, 0, sizeof(b));
	b[0] = version;
	b[1] = v->prefix.family == 4 ? PDU_IPV4 : PDU_IPV6;
	put32(b + 4, (uint32_t)len);
	b[8] = announce ? 1 : 0;
	b[9] = v->prefix.length;
	b[10] = v->max_length;
	memcpy(b + 12, v->prefix.addr, v->prefix.family == 4 ? 4 : 16);
	put32(b + len - 4, v->asn);
	return send_all(fd, b, len);
}

static int send_end_of_data(int fd, uint8_t version, uint32_t serial)
{
	uint8_t b[24];

	b[0] = version;
	b[1] = PDU_END_OF_DATA;
	put16(b + 2, SESSION_ID);
	put32(b + 4, version == 0 ? 12 : 24);
	put32(b + 8, serial);
	put32(b + 12, 3600); /* refresh, retry, expire (version 1 only) */
	put32(b + 16, 600);
	put32(b + 20, 7200);
	return send_all(fd, b, version == 0 ? 12 : 24);
}

/* The changes from serial `from` to serial `to`: withdrawals then announcements. */
struct change {
	const struct vrp *v;
	bool announce;
};

static size_t diff(unsigned from, unsigned to, struct change *out)
{
	const struct vrp_set *a = sets[from - 1], *b = sets[to - 1];
	size_t i = 0, j = 0, n = 0;

	while (i < vrp_set_count(a) || j < vrp_set_count(b)) {
		int c;

		if (i == vrp_set_count(a))
			c = 1;
		else if (j == vrp_set_count(b))
			c = -1;
		else
			c = vrp_compare(vrp_set_get(a, i), vrp_set_get(b, j));
		if (c < 0)
			out[n++] = (struct change){ vrp_set_get(a, i++), false };
		else if (c > 0)
			out[n++] = (struct change){ vrp_set_get(b, j++), true };
		else
			i++, j++;
	}
	return n;
}

/*
 * Answers a query: the changes from `from` (0: a Reset Query, the whole set) to the
 * current serial, cut short when cuts are left. Returns 0 to keep the connection, -1
 * to close it.
 */
static int answer(int fd, uint8_t version, unsigned from)
{
	size_t cap = vrp_set_count(sets[current - 1]) + (from ? vrp_set_count(sets[from - 1]) : 0) + 2;
	struct change *changes = calloc(cap, sizeof(*changes));
	size_t n = 0;
	bool is_cut = current > 1 && cuts_left > 0;
	int rc = 0;

	if (changes == NULL)
		return -1;
	if (from == 0) {
		for (size_t i = 0; i < vrp_set_count(sets[current - 1]); i++)
			changes[n++] = (struct change){ vrp_set_get(sets[current - 1], i), true };
	} else {
		n = diff(from, current, changes);
	}
	if (has_bad && (from == 2) != (current == 2))
		changes[n++] = (struct change){ &bad_vrp, current == 2 };
	if (send_header(fd, version, PDU_CACHE_RESPONSE, SESSION_ID, 8, NULL) != 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < (is_cut ? (n + 1) / 2 : n); i++)
		rc = send_prefix(fd, version, changes[i].v, changes[i].announce);
	if (is_cut) {
		cuts_left--;
		printf("cut %s for serial %u after %zu of %zu prefix PDUs\n", from ? "serial query" : "reset query",
		       current, (n + 1) / 2, n);
		rc = -1;
	} else if (rc == 0) {
		rc = send_end_of_data(fd, version, current);
		printf("answered %s from %u to serial %u (version %u): %zu prefix PDUs\n",
		       from ? "serial query" : "reset query", from, current, version, n);
	}
	free(changes);
	return rc;
}

/* Reads exactly len bytes within a second; -1 on close, error or timeout. */
static int read_exact(int fd, uint8_t *buf, size_t len)
{
	double deadline = now_seconds() + 1;

	while (len > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, (int)((deadline - now_seconds()) * 1000) + 1) <= 0)
			return -1;
		n = read(fd, buf, len);
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void serve(int fd, double end)
{
	double notify_at = 0;
	uint8_t version = 1;

	while (!is_interrupted && now_seconds() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint8_t h[12];
		uint32_t serial;
		int rc;

		if (notify_at != 0 && now_seconds() >= notify_at) {
			notify_at = 0;
			current++;
			serial = current;
			printf("serial %u published, notify sent\n", current);
			if (send_header(fd, version, PDU_SERIAL_NOTIFY, SESSION_ID, 12, &serial) != 0)
				return;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (read_exact(fd, h, 8) != 0)
			return;
		version = h[0];
		if (h[1] == PDU_RESET_QUERY) {
			rc = answer(fd, version, 0);
		} else if (h[1] == PDU_SERIAL_QUERY) {
			if (read_exact(fd, h + 8, 4) != 0)
				return;
			serial = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 | (uint32_t)h[10] << 8 | h[11];
			if (((unsigned)h[2] << 8 | h[3]) != SESSION_ID || serial < 1 || serial > current) {
				printf("serial query for session %u serial %u: closing\n", (unsigned)h[2] << 8 | h[3],
				       serial);
				return;
			}
			rc = answer(fd, version, serial);
		} else {
			printf("unexpected PDU type %u: closing\n", h[1]);
			return;
		}
		if (rc != 0)
			return;
		if (current < n_serials)
			notify_at = now_seconds() + 0.3;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t alen = sizeof(addr);
	struct sigaction sa;
	double seconds = 60, end;
	int opt, lfd, one = 1;

	while ((opt = getopt(argc, argv, "c:bt:")) != -1) {
		if (opt == 'c')
			cuts_left = (unsigned)strtoul(optarg, NULL, 10);
		else if (opt == 'b')
			has_bad = true;
		else if (opt == 't')
			seconds = atof(optarg);
		else
			goto usage;
	}
	if (argc - optind < 2 || argc - optind > MAX_SERIALS)
		goto usage;
	for (int i = optind; i < argc; i++) {
		char *err;

		if (vrp_file_load(argv[i], &sets[n_serials], &err) != 0) {
			fprintf(stderr, "rtr_cut_cache: %s\n", err);
			free(err);
			return 2;
		}
		n_serials++;
	}
	if (has_bad && n_serials < 3)
		goto usage;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(lfd, 4) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen) != 0) {
		perror("rtr_cut_cache: listen");
		return 2;
	}
	printf("port %u\n", ntohs(addr.sin_port));
	end = now_seconds() + seconds;
	while (!is_interrupted && now_seconds() < end) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		int fd;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		serve(fd, end);
		close(fd);
	}
	close(lfd);
	for (unsigned i = 0; i < n_serials; i++)
		vrp_set_free(sets[i]);
	return 0;

usage:
	fprintf(stderr, "usage: rtr_cut_cache [-c CUTS] [-b] [-t SECONDS] FILE1 FILE2 [FILE...] (-b needs three)\n");
	return 2;
}
