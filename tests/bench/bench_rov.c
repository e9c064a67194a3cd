/*
 * RPKI origin validation benchmark (make bench, "RPKI origin validation"):
 *   bench_rov [-f DUMP] [-r ROUTES] [-v VRPS] [-j JSON [-J JSON2 -n CHANGES]]
 * Routes come from the registry dump's route/route6 and origin lines (topped up with
 * synthetic ones to ROUTES, default 1,000,000); VRPS synthetic VRPs (default 800,000:
 * about 85% IPv4, many covering the routes with their origin or another AS, some with
 * maxLength past the prefix length, some AS0, the rest elsewhere). Times the set
 * (add, sort), the index, and validating every route; reports the states and the RSS
 * the VRPs and the index add. With -j, also writes the set as rpki-client JSON to
 * that file and times loading it back. With -J, also writes the same set with CHANGES
 * VRPs (spread evenly) given new AS numbers 4200000000 and up, and prints the first
 * such VRP ("changed: PREFIX AS4200000000"): what an RPKI cache's delta of CHANGES
 * withdrawals and CHANGES announcements looks like, for the RTR benchmark.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asn.h"
#include "bench_util.h"
#include "rov.h"
#include "vrp.h"
#include "vrp_file.h"

struct route {
	struct prefix prefix;
	uint32_t origin;
};

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* VmRSS of this process in KiB. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	return kib;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t token_len(const char *p)
{
	size_t n = 0;

	while (p[n] != '\0' && p[n] != '\n' && p[n] != ' ' && p[n] != '\t' && p[n] != '\r')
		n++;
	return n;
}

/* route:/route6: lines and the origin: that follows, up to max routes. */
static size_t read_dump(const char *path, struct route *routes, size_t max)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	bool have_prefix = false;
	struct prefix p;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while (n < max && getline(&line, &cap, f) > 0) {
		const char *err, *v;
		uint32_t asn;

		if (strncmp(line, "route:", 6) == 0 || strncmp(line, "route6:", 7) == 0) {
			v = skip_space(strchr(line, ':') + 1);
			have_prefix = prefix_parse(v, token_len(v), 0, &p, &err) == 0;
		} else if (have_prefix && strncmp(line, "origin:", 7) == 0) {
			v = skip_space(line + 7);
			if (asn_parse(v, token_len(v), true, &asn, &err) == 0)
				routes[n++] = (struct route){ p, asn };
			have_prefix = false;
		} else if (line[0] == '\n') {
			have_prefix = false;
		}
	}
	free(line);
	fclose(f);
	return n;
}

static struct prefix v4(uint32_t a, unsigned len)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.length = 32;
	p.addr[0] = (uint8_t)(a >> 24);
	p.addr[1] = (uint8_t)(a >> 16);
	p.addr[2] = (uint8_t)(a >> 8);
	p.addr[3] = (uint8_t)a;
	return prefix_truncate(&p, len);
}

static struct prefix v6(uint32_t top, uint32_t mid, unsigned len)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.family = 6;
	p.length = 128;
	p.addr[0] = (uint8_t)(top >> 24);
	p.addr[1] = (uint8_t)(top >> 16);
	p.addr[2] = (uint8_t)(top >> 8);
	p.addr[3] = (uint8_t)top;
	p.addr[4] = (uint8_t)(mid >> 24);
	p.addr[5] = (uint8_t)(mid >> 16);
	p.addr[6] = (uint8_t)(mid >> 8);
	p.addr[7] = (uint8_t)mid;
	return prefix_truncate(&p, len);
}

/* Routes beyond the dump: /24s and /48s in space of their own, origins in the dump's AS range. */
static void synthetic_routes(struct route *routes, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		bool is6 = rnd(100) < 13;
		uint32_t k = (uint32_t)i;

		routes[i].prefix = is6 ? v6(0x2a000000u | (k >> 16), k << 16, 48) : v4(0x64000000u + k * 256u, 24);
		routes[i].origin = 131072 + rnd(40000);
	}
}

struct mix {
	size_t v4, longer, as0;
};

static void add_vrp(struct vrp_set *set, struct prefix p, unsigned max_length, uint32_t asn, struct mix *mix)
{
	const char *err;
	unsigned top = prefix_max_length(p.family);

	if (max_length > top)
		max_length = top;
	if (max_length < p.length)
		max_length = p.length;
	if (vrp_set_add(set, &p, max_length, asn, p.family == 4 ? (rnd(2) ? "ripe" : "arin") : "apnic", 1800000000,
			&err) < 0) {
		fprintf(stderr, "bench_rov: %s\n", err);
		exit(1);
	}
	mix->v4 += p.family == 4;
	mix->longer += max_length > p.length;
	mix->as0 += asn == 0;
}

/*
 * Two thirds of the VRPs are about routes: mostly the route's own prefix and origin
 * (valid), some a shorter prefix with a maxLength reaching the route (valid), some
 * another AS or a maxLength short of it (invalid), some AS0. The rest cover space
 * with no routes, IPv4 more than IPv6 so the whole set is about 85% IPv4.
 */
static struct vrp_set *make_vrps(const struct route *routes, size_t n_routes, size_t n_vrps, struct mix *mix)
{
	struct vrp_set *set = vrp_set_new();
	size_t about_routes = n_vrps * 2 / 3;

	for (size_t i = 0; i < n_vrps; i++) {
		if (i < about_routes && n_routes > 0) {
			const struct route *r = &routes[rnd((uint32_t)n_routes)];
			unsigned kind = rnd(100), len = r->prefix.length;
			struct prefix shorter = prefix_truncate(&r->prefix, len > 4 ? len - 1 - rnd(4) : len);

			if (kind < 60)
				add_vrp(set, r->prefix, len + (rnd(5) == 0 ? 2 : 0), r->origin, mix);
			else if (kind < 75)
				add_vrp(set, shorter, len, r->origin, mix);
			else if (kind < 88)
				add_vrp(set, r->prefix, len, r->origin + 1 + rnd(1000), mix);
			else if (kind < 95)
				add_vrp(set, shorter, shorter.length, r->origin, mix);
			else
				add_vrp(set, rnd(2) ? r->prefix : shorter, prefix_max_length(r->prefix.family), 0, mix);
		} else {
			bool is6 = rnd(100) < 19;
			unsigned len = is6 ? 32 + rnd(17) : 16 + rnd(9);
			struct prefix p = is6 ? v6(0x24000000u | rnd(1u << 20), rnd(UINT32_MAX), len)
					      : v4(0xb0000000u + rnd(0x20000000u), len);

			add_vrp(set, p, len + (rnd(4) == 0 ? rnd(8) : 0), rnd(50) == 0 ? 0 : 200000 + rnd(60000), mix);
		}
	}
	return set;
}

/* Writes the set as rpki-client JSON; every `stride`-th VRP (0: none) gets AS 4200000000 + its rank. */
static void write_json(const char *path, const struct vrp_set *set, size_t stride)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fprintf(f, "{\n\t\"metadata\": {\n\t\t\"buildmachine\": \"bench\",\n\t\t\"vrps\": %zu\n\t},\n\n\t\"roas\": [\n",
		vrp_set_count(set));
	for (size_t i = 0; i < vrp_set_count(set); i++) {
		const struct vrp *v = vrp_set_get(set, i);
		char p[PREFIX_STRLEN];

		uint32_t asn = v->asn;

		prefix_format(&v->prefix, p);
		if (stride > 0 && i % stride == 0) {
			asn = 4200000000u + (uint32_t)(i / stride);
			if (i == 0)
				printf("changed: %s AS%" PRIu32 "\n", p, asn);
		}
		fprintf(f, "\t\t{ \"asn\": %" PRIu32 ", \"prefix\": \"%s\", \"maxLength\": %u, \"ta\": \"%s\", \"expires\": %" PRId64
			   " }%s\n",
			asn, p, (unsigned)v->max_length, vrp_set_ta_name(set, v), v->expires,
			i + 1 < vrp_set_count(set) ? "," : "");
	}
	fprintf(f, "\t],\n\n\t\"bgpsec_keys\": [\n\t]\n}\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *dump = NULL, *json = NULL, *json2 = NULL;
	size_t changes = 1000;
	size_t n_routes = 1000000, n_vrps = 800000, from_dump = 0, counts[3] = { 0, 0, 0 }, n4 = 0;
	struct route *routes;
	struct vrp_set *set;
	struct rov_index *idx;
	struct mix mix = { 0, 0, 0 };
	double t0, t_add, t_sort, t_index, t_validate;
	long rss_routes, rss_set, rss_index, rss_end;
	int c;

	while ((c = getopt(argc, argv, "f:r:v:j:J:n:")) != -1) {
		switch (c) {
		case 'f': dump = optarg; break;
		case 'r': n_routes = strtoul(optarg, NULL, 10); break;
		case 'v': n_vrps = strtoul(optarg, NULL, 10); break;
		case 'j': json = optarg; break;
		case 'J': json2 = optarg; break;
		case 'n': changes = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: bench_rov [-f DUMP] [-r ROUTES] [-v VRPS] [-j JSON [-J JSON2 -n CHANGES]]\n");
			return 2;
		}
	}
	routes = calloc(n_routes ? n_routes : 1, sizeof(*routes));
	if (dump != NULL)
		from_dump = read_dump(dump, routes, n_routes);
	synthetic_routes(routes, from_dump, n_routes);
	for (size_t i = 0; i < n_routes; i++)
		n4 += routes[i].prefix.family == 4;
	/* Validated in random order: the dump is in address order, which would flatter the caches. */
	for (size_t i = n_routes; i > 1; i--) {
		size_t k = rnd((uint32_t)i);
		struct route t = routes[i - 1];

		routes[i - 1] = routes[k];
		routes[k] = t;
	}
	rss_routes = rss_kib();
	printf("routes: %zu (%zu from %s, %zu synthetic), %.1f%% IPv4\n", n_routes, from_dump, dump ? dump : "no dump",
	       n_routes - from_dump, n_routes ? 100.0 * (double)n4 / (double)n_routes : 0);

	t0 = bench_now_ms();
	set = make_vrps(routes, n_routes, n_vrps, &mix);
	t_add = bench_now_ms() - t0;
	t0 = bench_now_ms();
	vrp_set_sort(set);
	t_sort = bench_now_ms() - t0;
	rss_set = rss_kib();
	printf("VRPs: %zu generated (%.1f%% IPv4, %.1f%% with maxLength past the length, %.1f%% AS0), %zu distinct; "
	       "added in %.0f ms (generation included), sorted in %.0f ms\n",
	       n_vrps, 100.0 * (double)mix.v4 / (double)n_vrps, 100.0 * (double)mix.longer / (double)n_vrps,
	       100.0 * (double)mix.as0 / (double)n_vrps, vrp_set_count(set), t_add, t_sort);

	t0 = bench_now_ms();
	idx = rov_index_build(set);
	t_index = bench_now_ms() - t0;
	rss_index = rss_kib();
	printf("index: built in %.0f ms, %.1f MiB on top of the set\n", t_index,
	       (double)rov_index_memory(idx) / 1048576.0);

	t0 = bench_now_ms();
	for (size_t i = 0; i < n_routes; i++)
		counts[rov_validate(idx, &routes[i].prefix, routes[i].origin, NULL)]++;
	t_validate = bench_now_ms() - t0;
	rss_end = rss_kib();
	printf("validation: %zu routes in random order in %.0f ms (%.0f ns per route): valid %zu, invalid %zu, not_found %zu\n", n_routes,
	       t_validate, n_routes ? t_validate * 1e6 / (double)n_routes : 0, counts[ROV_VALID], counts[ROV_INVALID],
	       counts[ROV_NOT_FOUND]);
	printf("RSS: %ld MiB with the routes, %ld MiB with the VRP set, %ld MiB with the index, %ld MiB after validation\n",
	       rss_routes / 1024, rss_set / 1024, rss_index / 1024, rss_end / 1024);
	printf("first full validation: %.2f s (sort %.2f + index %.2f + validation %.2f; target < 5 s), "
	       "extra RSS %ld MiB (target < 300 MiB)\n",
	       (t_sort + t_index + t_validate) / 1000, t_sort / 1000, t_index / 1000, t_validate / 1000,
	       (rss_end - rss_routes) / 1024);
	if (json != NULL) {
		struct vrp_set *loaded = NULL;
		char *err = NULL;

		write_json(json, set, 0);
		if (json2 != NULL && changes > 0)
			write_json(json2, set, vrp_set_count(set) / changes);
		t0 = bench_now_ms();
		if (vrp_file_load(json, &loaded, &err) < 0) {
			fprintf(stderr, "bench_rov: %s\n", err);
			return 1;
		}
		printf("rpki-client JSON of %zu VRPs loaded in %.0f ms (%s the generated set)\n", vrp_set_count(loaded),
		       bench_now_ms() - t0, vrp_set_equal(loaded, set) ? "equal to" : "DIFFERENT from");
		vrp_set_free(loaded);
	}
	rov_index_free(idx);
	vrp_set_free(set);
	free(routes);
	return 0;
}
