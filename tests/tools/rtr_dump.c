/*
 * The RTR client of irrd/rpki (rtr_client.h) on the command line, for
 * tests/integration/rpki_rtr.sh: waits for the first complete sync from a cache and
 * prints the VRP set, one "192.0.2.0/24-24 AS64496" per line in set order; in follow
 * mode it then applies and prints every delta and status change until its time is up.
 *
 *   rtr_dump [-0] [-w SECONDS] [-f SECONDS] [-r REFRESH] [-R RETRY] HOST PORT
 *     -0  speak RTR version 0 only (RFC 6810)
 *     -w  how long to wait for the first sync (default 10 s): exit 2 after it
 *     -f  follow for SECONDS after the first sync: "+ VRP" / "- VRP" lines and a
 *         "# delta ..." line per take, "# status ..." when the status changes, and at
 *         the end the set held ("= VRP" lines) and "# end ..."
 *   rtr_dump -l FILE   prints the VRPs of a VRP file (rpki-client/Routinator JSON or
 *                      CSV, read by vrp_file_load) the same way
 * Exit status: 0; 1 when a delta did not fit the set held (a withdrawn VRP that was not
 * there, an added one that was) or a file was refused; 2 for usage or no first sync.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rtr_client.h"
#include "vrp.h"
#include "vrp_file.h"

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

static void print_set(const struct vrp_set *set, const char *mark)
{
	char text[VRP_STRLEN];

	for (size_t i = 0; i < vrp_set_count(set); i++) {
		vrp_format(vrp_set_get(set, i), text);
		printf("%s%s\n", mark, text);
	}
}

static bool set_has(const struct vrp_set *set, const struct vrp *v)
{
	size_t lo = 0, hi = vrp_set_count(set);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = vrp_compare(vrp_set_get(set, mid), v);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * The set held after a delta: `cur` less `removed`, plus `added`. Counts in *bad the
 * VRPs that do not fit (withdrawn but not held, added but held already).
 */
static struct vrp_set *apply_delta(const struct vrp_set *cur, const struct vrp_set *added,
				   const struct vrp_set *removed, unsigned *bad)
{
	struct vrp_set *next = vrp_set_new();
	char text[VRP_STRLEN];
	const char *why;

	for (size_t i = 0; i < vrp_set_count(removed); i++) {
		if (!set_has(cur, vrp_set_get(removed, i))) {
			vrp_format(vrp_set_get(removed, i), text);
			printf("# inconsistent: %s withdrawn but not held\n", text);
			(*bad)++;
		}
	}
	for (size_t i = 0; i < vrp_set_count(cur); i++) {
		const struct vrp *v = vrp_set_get(cur, i);

		if (!set_has(removed, v))
			vrp_set_add(next, &v->prefix, v->max_length, v->asn, NULL, 0, &why);
	}
	for (size_t i = 0; i < vrp_set_count(added); i++) {
		const struct vrp *v = vrp_set_get(added, i);

		if (set_has(cur, v) && !set_has(removed, v)) {
			vrp_format(v, text);
			printf("# inconsistent: %s added but held already\n", text);
			(*bad)++;
		}
		vrp_set_add(next, &v->prefix, v->max_length, v->asn, NULL, 0, &why);
	}
	vrp_set_sort(next);
	return next;
}

static void print_status(const struct rtr_client_status *st)
{
	printf("# status connected=%d synced=%d version=%u serial=%" PRIu32 " last_sync=%" PRId64 " syncs=%" PRIu64
	       " count=%zu state=%s error=\"%s\"\n",
	       st->is_connected, st->has_synced, st->version, st->serial, st->last_sync, st->syncs, st->vrp_count,
	       st->state, st->last_error);
}

static bool status_differs(const struct rtr_client_status *a, const struct rtr_client_status *b)
{
	return a->is_connected != b->is_connected || a->has_synced != b->has_synced || a->version != b->version ||
	       a->serial != b->serial || a->last_sync != b->last_sync || a->syncs != b->syncs ||
	       a->vrp_count != b->vrp_count || strcmp(a->state, b->state) != 0 ||
	       strcmp(a->last_error, b->last_error) != 0;
}

/* Waits up to `seconds` for the client's fd (or a signal). */
static void wait_fd(int fd, double seconds)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ms = (int)(seconds * 1000);

	if (ms < 0)
		ms = 0;
	if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
		perror("rtr_dump: poll");
}

static int dump_file(const char *path)
{
	struct vrp_set *set;
	char *err;

	if (vrp_file_load(path, &set, &err) != 0) {
		fprintf(stderr, "rtr_dump: %s\n", err);
		free(err);
		return 1;
	}
	print_set(set, "");
	vrp_set_free(set);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: rtr_dump [-0] [-w SECONDS] [-f SECONDS] [-r REFRESH] [-R RETRY] HOST PORT\n"
			"       rtr_dump -l FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double wait_first = 10, follow = -1, deadline;
	unsigned refresh = 60, retry = 1, bad = 0;
	bool is_v0 = false;
	struct rtr_client *client = NULL;
	struct rtr_client_status st, shown;
	struct vrp_set *cur = NULL;
	struct sigaction sa;
	char *err = NULL;
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "0w:f:r:R:l:")) != -1) {
		switch (opt) {
		case '0':
			is_v0 = true;
			break;
		case 'w':
			wait_first = atof(optarg);
			break;
		case 'f':
			follow = atof(optarg);
			break;
		case 'r':
			refresh = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'R':
			retry = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'l':
			return dump_file(optarg);
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	client = rtr_client_new(argv[optind], argv[optind + 1], refresh, retry, RTR_CLIENT_EXPIRE_MIN, &err);
	if (client == NULL || (is_v0 && rtr_client_set_version(client, 0, &err) != 0) ||
	    rtr_client_start(client, &err) != 0) {
		fprintf(stderr, "rtr_dump: %s\n", err);
		free(err);
		rtr_client_free(client);
		return 2;
	}

	/* The first sync: the whole set arrives as added. */
	deadline = now_seconds() + wait_first;
	cur = vrp_set_new();
	for (;;) {
		struct vrp_set *added = vrp_set_new(), *removed = vrp_set_new();
		unsigned syncs = rtr_client_take(client, added, removed);

		if (syncs > 0) {
			struct vrp_set *next = apply_delta(cur, added, removed, &bad);

			vrp_set_free(cur);
			cur = next;
		}
		vrp_set_free(added);
		vrp_set_free(removed);
		if (syncs > 0)
			break;
		if (is_interrupted || now_seconds() >= deadline) {
			rtr_client_status(client, &st);
			printf("# no sync within %.1f s\n", wait_first);
			print_status(&st);
			status = 2;
			goto done;
		}
		wait_fd(rtr_client_fd(client), deadline - now_seconds());
	}
	print_set(cur, "");
	rtr_client_status(client, &st);
	printf("# synced serial=%" PRIu32 " session=%" PRIu32 " version=%u count=%zu\n", st.serial, st.session_id,
	       st.version, vrp_set_count(cur));
	if (follow < 0)
		goto done;

	/* Follow: deltas and status changes until the time is up. */
	print_status(&st);
	shown = st;
	deadline = now_seconds() + follow;
	while (!is_interrupted && now_seconds() < deadline) {
		struct vrp_set *added = vrp_set_new(), *removed = vrp_set_new();
		unsigned syncs;
		double left = deadline - now_seconds();

		wait_fd(rtr_client_fd(client), left < 0.2 ? left : 0.2);
		syncs = rtr_client_take(client, added, removed);
		if (syncs > 0 && (vrp_set_count(added) > 0 || vrp_set_count(removed) > 0)) {
			struct vrp_set *next = apply_delta(cur, added, removed, &bad);

			print_set(removed, "- ");
			print_set(added, "+ ");
			vrp_set_free(cur);
			cur = next;
			rtr_client_status(client, &st);
			printf("# delta serial=%" PRIu32 " syncs=%u added=%zu removed=%zu count=%zu\n", st.serial, syncs,
			       vrp_set_count(added), vrp_set_count(removed), vrp_set_count(cur));
		}
		vrp_set_free(added);
		vrp_set_free(removed);
		rtr_client_status(client, &st);
		if (status_differs(&st, &shown)) {
			print_status(&st);
			shown = st;
		}
	}
	print_set(cur, "= ");
	rtr_client_status(client, &st);
	printf("# end count=%zu last_sync=%" PRId64 "\n", vrp_set_count(cur), st.last_sync);

done:
	rtr_client_free(client);
	vrp_set_free(cur);
	if (bad > 0)
		status = 1;
	return status;
}
