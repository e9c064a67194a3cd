/*
 * RFC 6811 origin validation: the cases of the RFC (covering, matching, maxLength,
 * several covering VRPs, IPv6) on the VRPs rpki-client made from our test ROAs, the
 * AS0 rules of RFC 6483/7607, edge lengths (/0, /32, /128), the index against a brute
 * force over random sets, and the incremental rule: a route not covered by a changed
 * VRP keeps its state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rov.h"
#include "rpki_view.h"
#include "strbuf.h"
#include "testlib.h"
#include "vrp.h"
#include "vrp_file.h"

static struct prefix pfx(const char *text)
{
	struct prefix p;
	const char *err;

	if (prefix_parse(text, strlen(text), 0, &p, &err) < 0)
		printf("# bad test prefix %s: %s\n", text, err);
	return p;
}

static void expect(const struct rov_index *idx, const char *route, uint32_t origin, enum rov_state want,
		   const char *why)
{
	struct prefix p = pfx(route);
	enum rov_state got = rov_validate(idx, &p, origin, NULL);

	CHECK(got == want, "%s AS%u: %s (%s)", route, origin, rov_state_name(want), why);
	if (got != want)
		printf("#   got %s\n", rov_state_name(got));
}

static void test_rfc6811(void)
{
	struct vrp_set *set = NULL;
	struct rov_index *idx;
	char *err = NULL;

	if (vrp_file_load("tests/fixtures/rpki/rpki-client.json", &set, &err) < 0) {
		CHECK(0, "fixture: %s", err);
		free(err);
		return;
	}
	idx = rov_index_build(set);
	expect(idx, "192.0.2.0/24", 64496, ROV_VALID, "exact prefix, same AS");
	expect(idx, "192.0.2.0/24", 64498, ROV_INVALID, "covered by the /24 of another AS; the /25 does not cover a /24");
	expect(idx, "192.0.2.0/25", 64498, ROV_VALID, "the more specific VRP matches");
	expect(idx, "192.0.2.64/26", 64498, ROV_VALID, "within maxLength 26");
	expect(idx, "192.0.2.0/27", 64498, ROV_INVALID, "longer than maxLength 26");
	expect(idx, "192.0.2.0/25", 64496, ROV_INVALID, "the /24 VRP's maxLength is 24");
	expect(idx, "192.0.2.128/25", 64498, ROV_INVALID, "only the /24 of AS64496 covers 192.0.2.128/25");
	expect(idx, "198.51.100.0/24", 64497, ROV_VALID, "two VRPs for one prefix: the first AS");
	expect(idx, "198.51.100.0/24", 64502, ROV_VALID, "two VRPs for one prefix: the second AS");
	expect(idx, "198.51.100.0/24", 64499, ROV_INVALID, "the /25 of AS64499 does not cover the /24");
	expect(idx, "198.51.100.200/32", 64499, ROV_VALID, "a host route within maxLength 32");
	expect(idx, "198.51.100.0/25", 64497, ROV_INVALID, "AS64497's maxLength is 24");
	expect(idx, "198.51.100.0/23", 64497, ROV_NOT_FOUND, "less specific than every VRP");
	expect(idx, "10.0.0.0/8", 64496, ROV_NOT_FOUND, "no VRP anywhere near");
	expect(idx, "0.0.0.0/0", 64496, ROV_NOT_FOUND, "the default route is covered by no VRP");
	expect(idx, "203.0.113.0/24", 0, ROV_INVALID, "origin AS0 under an AS0 VRP: never valid");
	expect(idx, "203.0.113.0/24", 64501, ROV_INVALID, "the AS0 VRP covers it, the /25 does not");
	expect(idx, "203.0.113.0/25", 64501, ROV_VALID, "a VRP of a real AS below an AS0 VRP");
	expect(idx, "203.0.113.128/25", 64501, ROV_INVALID, "AS0 covers, nothing matches");
	expect(idx, "203.0.113.0/25", 0, ROV_INVALID, "origin AS0 is never valid");
	expect(idx, "10.0.0.0/8", 0, ROV_NOT_FOUND, "origin AS0 without covering VRPs is not_found");
	expect(idx, "2001:db8::/32", 64500, ROV_VALID, "IPv6 exact");
	expect(idx, "2001:db8::/32", 64496, ROV_VALID, "IPv6, the other VRP of the prefix");
	expect(idx, "2001:db8:8000::/33", 64500, ROV_INVALID, "AS64500's maxLength is 32");
	expect(idx, "2001:db8:8000::/33", 64496, ROV_VALID, "AS64496 may announce up to /48");
	expect(idx, "2001:db8:1000::/40", 64499, ROV_VALID, "the /36 of AS64499");
	expect(idx, "2001:db8:1000::/40", 64496, ROV_VALID, "and the /32 of AS64496, both covering");
	expect(idx, "2001:db8:1000::/49", 64499, ROV_INVALID, "past both maxLengths");
	expect(idx, "2001:db8:ffff:ffff::/64", 4200000000u, ROV_VALID, "a 4-byte AS, maxLength 64");
	expect(idx, "2001:db8:ffff:ffff:8000::/65", 4200000000u, ROV_INVALID, "past maxLength 64");
	expect(idx, "2001:db9::/32", 64496, ROV_NOT_FOUND, "the next /32");
	expect(idx, "::/0", 64496, ROV_NOT_FOUND, "the IPv6 default route");
	expect(idx, "2001:db8::1/128", 64496, ROV_INVALID, "a /128 past maxLength 48");
	expect(idx, "192.0.2.0/24", 64496, ROV_VALID, "an IPv4 route is not compared with IPv6 VRPs");
	{
		struct rov_vrps cov;
		struct prefix p = pfx("2001:db8:1000::/44");
		char a[VRP_STRLEN], b[VRP_STRLEN], c[VRP_STRLEN];
		enum rov_state st;

		rov_vrps_init(&cov);
		st = rov_validate(idx, &p, 64511, &cov);
		CHECK(st == ROV_INVALID && cov.count == 3, "three VRPs cover 2001:db8:1000::/44 (got %zu)", cov.count);
		if (cov.count == 3) {
			vrp_format(cov.items[0], a);
			vrp_format(cov.items[1], b);
			vrp_format(cov.items[2], c);
			CHECK_STR(a, "2001:db8:1000::/36-48 AS64499", "the most specific first");
			CHECK_STR(b, "2001:db8::/32-32 AS64500", "then the /32 in set order");
			CHECK_STR(c, "2001:db8::/32-48 AS64496", "and its other VRP");
		}
		p = pfx("192.0.2.0/25");
		st = rov_validate(idx, &p, 64498, &cov);
		CHECK(st == ROV_VALID && cov.count == 2, "a valid route lists all covering VRPs too (%zu)", cov.count);
		p = pfx("10.0.0.0/8");
		st = rov_validate(idx, &p, 64498, &cov);
		CHECK(st == ROV_NOT_FOUND && cov.count == 0, "not_found: the list is emptied");
		rov_vrps_release(&cov);
	}
	rov_index_free(idx);
	vrp_set_free(set);
}

static int count_cb(void *ctx, const struct vrp *v)
{
	(void)v;
	return ++*(int *)ctx == 2 ? 7 : 0;
}

static void test_edges(void)
{
	struct vrp_set *set = vrp_set_new();
	struct rov_index *idx;
	struct prefix p;
	const char *err;
	struct vrp v;
	int calls = 0;

	p = pfx("0.0.0.0/0");
	vrp_set_add(set, &p, 32, 0, "t", 0, &err);
	p = pfx("::/0");
	vrp_set_add(set, &p, 128, 0, "t", 0, &err);
	p = pfx("255.255.255.255/32");
	vrp_set_add(set, &p, 32, 65000, "t", 0, &err);
	p = pfx("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	vrp_set_add(set, &p, 128, 65000, "t", 0, &err);
	p = pfx("0.0.0.0/32");
	vrp_set_add(set, &p, 32, 65001, "t", 0, &err);
	vrp_set_sort(set);
	idx = rov_index_build(set);
	expect(idx, "10.0.0.0/8", 65000, ROV_INVALID, "an AS0 VRP for 0.0.0.0/0 makes every IPv4 route invalid");
	expect(idx, "2001:db8::/32", 65000, ROV_INVALID, "and ::/0 every IPv6 route");
	expect(idx, "255.255.255.255/32", 65000, ROV_VALID, "the last IPv4 address (mask of 32 bits)");
	expect(idx, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 65000, ROV_VALID, "the last IPv6 address");
	expect(idx, "0.0.0.0/32", 65001, ROV_VALID, "the first IPv4 address");
	expect(idx, "0.0.0.0/0", 0, ROV_INVALID, "the default route from AS0");
	p = pfx("255.255.255.255/32");
	CHECK(rov_covering(idx, &p, count_cb, &calls) == 7 && calls == 2,
	      "rov_covering stops at the first non-zero answer and returns it");
	CHECK(rov_index_memory(idx) > 0, "the index reports its memory");
	rov_index_free(idx);
	vrp_set_free(set);
	p = pfx("192.0.2.0/24");
	CHECK(rov_validate(NULL, &p, 1, NULL) == ROV_NOT_FOUND, "no index: not_found");
	memset(&v, 0, sizeof(v));
	v.prefix = pfx("192.0.2.0/23");
	v.max_length = 24;
	v.asn = 1;
	CHECK(rov_vrp_covers(&v, &p) && rov_vrp_matches(&v, &p, 1), "a /23-24 VRP covers and matches a /24");
	p = pfx("192.0.2.0/25");
	CHECK(rov_vrp_covers(&v, &p) && !rov_vrp_matches(&v, &p, 1), "covers a /25 without matching it");
	p = pfx("192.0.0.0/22");
	CHECK(!rov_vrp_covers(&v, &p), "does not cover a /22");
	p = pfx("192.0.2.0/24");
	v.asn = 0;
	CHECK(rov_vrp_covers(&v, &p) && !rov_vrp_matches(&v, &p, 0), "an AS0 VRP matches nothing, not even origin AS0");
	CHECK(strcmp(rov_state_name(ROV_VALID), "valid") == 0 && strcmp(rov_state_name(ROV_INVALID), "invalid") == 0 &&
		      strcmp(rov_state_name(ROV_NOT_FOUND), "not_found") == 0,
	      "state names as IRRd's rpki-ov-state");
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A random prefix in a small space (10.0.0.0/10 or 2001:db8::/40) so that many nest. */
static struct prefix random_prefix(bool v6, unsigned min_len)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	if (v6) {
		p.family = 6;
		p.addr[0] = 0x20;
		p.addr[1] = 0x01;
		p.addr[2] = 0x0d;
		p.addr[3] = 0xb8;
		for (int i = 4; i < 16; i++)
			p.addr[i] = (uint8_t)(i < 6 ? rnd(4) : rnd(256));
		p.length = (uint8_t)(min_len + rnd(129 - min_len));
	} else {
		p.family = 4;
		p.addr[0] = 10;
		p.addr[1] = (uint8_t)rnd(64);
		p.addr[2] = (uint8_t)rnd(256);
		p.addr[3] = (uint8_t)rnd(256);
		p.length = (uint8_t)(min_len + rnd(33 - min_len));
	}
	return prefix_truncate(&p, p.length);
}

static struct vrp_set *random_set(size_t n)
{
	struct vrp_set *set = vrp_set_new();

	for (size_t i = 0; i < n; i++) {
		bool v6 = rnd(5) == 0;
		struct prefix p = random_prefix(v6, v6 ? 36 : 16);
		unsigned max = prefix_max_length(p.family);
		unsigned ml = p.length + (rnd(3) == 0 ? rnd(max - p.length + 1) : 0);
		const char *err;

		if (vrp_set_add(set, &p, ml, rnd(5), "r", 0, &err) < 0)
			printf("# %s\n", err);
	}
	vrp_set_sort(set);
	return set;
}

static enum rov_state brute(const struct vrp_set *set, const struct prefix *route, uint32_t origin, size_t *covering)
{
	enum rov_state st = ROV_NOT_FOUND;

	*covering = 0;
	for (size_t i = 0; i < vrp_set_count(set); i++) {
		const struct vrp *v = vrp_set_get(set, i);

		if (!rov_vrp_covers(v, route))
			continue;
		(*covering)++;
		if (rov_vrp_matches(v, route, origin))
			st = ROV_VALID;
		else if (st == ROV_NOT_FOUND)
			st = ROV_INVALID;
	}
	return st;
}

#define ROUTES 20000

static void test_against_brute_force(void)
{
	struct vrp_set *set = random_set(3000), *next = random_set(3000), *merged = vrp_set_new();
	struct vrp_set *added, *removed;
	struct rov_index *idx = rov_index_build(set), *idx2;
	struct prefix *routes = calloc(ROUTES, sizeof(*routes));
	uint32_t *origins = calloc(ROUTES, sizeof(*origins));
	enum rov_state *before = calloc(ROUTES, sizeof(*before));
	struct rov_vrps cov;
	size_t wrong = 0, counts[3] = { 0, 0, 0 }, kept_wrong = 0, recheck = 0;
	const char *err;

	rov_vrps_init(&cov);
	for (size_t i = 0; i < ROUTES; i++) {
		bool v6 = rnd(5) == 0;
		size_t n_brute;
		enum rov_state want, got;

		routes[i] = random_prefix(v6, v6 ? 32 : 10);
		origins[i] = rnd(5);
		want = brute(set, &routes[i], origins[i], &n_brute);
		got = rov_validate(idx, &routes[i], origins[i], &cov);
		if (got != want || cov.count != n_brute) {
			char t[PREFIX_STRLEN];

			prefix_format(&routes[i], t);
			if (wrong++ < 5)
				printf("# %s AS%u: index %s (%zu covering), brute force %s (%zu)\n", t, origins[i],
				       rov_state_name(got), cov.count, rov_state_name(want), n_brute);
		}
		before[i] = got;
		counts[got]++;
	}
	CHECK(wrong == 0, "%d random routes against 3,000 random VRPs: index and brute force agree (%zu differ)", ROUTES,
	      wrong);
	CHECK(counts[ROV_VALID] > 500 && counts[ROV_INVALID] > 500 && counts[ROV_NOT_FOUND] > 500,
	      "the random mix has every state (%zu valid, %zu invalid, %zu not_found)", counts[ROV_VALID],
	      counts[ROV_INVALID], counts[ROV_NOT_FOUND]);

	/* A new set: the old one less every tenth VRP, plus every tenth of another random set. */
	for (size_t i = 0; i < vrp_set_count(set); i++) {
		const struct vrp *v = vrp_set_get(set, i);

		if (i % 10 != 0)
			vrp_set_add(merged, &v->prefix, v->max_length, v->asn, "r", 0, &err);
	}
	for (size_t i = 0; i < vrp_set_count(next); i += 10) {
		const struct vrp *v = vrp_set_get(next, i);

		vrp_set_add(merged, &v->prefix, v->max_length, v->asn, "r", 0, &err);
	}
	vrp_set_sort(merged);
	vrp_set_diff(set, merged, &added, &removed);
	idx2 = rov_index_build(merged);
	for (size_t i = 0; i < ROUTES; i++) {
		bool affected = false;

		for (size_t k = 0; k < vrp_set_count(added) && !affected; k++)
			affected = rov_vrp_covers(vrp_set_get(added, k), &routes[i]);
		for (size_t k = 0; k < vrp_set_count(removed) && !affected; k++)
			affected = rov_vrp_covers(vrp_set_get(removed, k), &routes[i]);
		if (affected)
			recheck++;
		else if (rov_validate(idx2, &routes[i], origins[i], NULL) != before[i])
			kept_wrong++;
	}
	CHECK(kept_wrong == 0 && recheck > 0 && ROUTES - recheck > counts[ROV_NOT_FOUND],
	      "after %zu added and %zu removed VRPs, the %zu routes no changed VRP covers keep their state (%zu did not)",
	      vrp_set_count(added), vrp_set_count(removed), ROUTES - recheck, kept_wrong);
	rov_vrps_release(&cov);
	rov_index_free(idx);
	rov_index_free(idx2);
	vrp_set_free(set);
	vrp_set_free(next);
	vrp_set_free(merged);
	vrp_set_free(added);
	vrp_set_free(removed);
	free(routes);
	free(origins);
	free(before);
}

static void collect_text(void *ctx, const struct vrp *v)
{
	char text[VRP_STRLEN];

	vrp_format(v, text);
	strbuf_printf(ctx, "%s%s", ((struct strbuf *)ctx)->len ? " " : "", text);
}

/* The pseudo-source's lookups by prefix: exact, strictly inside; edges of the run. */
static void test_view_by_prefix(void)
{
	static const char *const vrps[] = { "0.0.0.0/0 0", "10.0.0.0/8 8", "10.0.0.0/16 24", "10.0.0.0/24 24",
					    "10.0.1.0/24 24", "10.1.0.0/16 16", "11.0.0.0/8 8", "2001:db8::/32 48",
					    "10.0.0.0/8 9" };
	struct vrp_set *set = vrp_set_new();
	struct rpki_view *view;
	struct strbuf got;
	struct prefix p;
	const char *err;

	for (size_t i = 0; i < sizeof(vrps) / sizeof(vrps[0]); i++) {
		char text[64];
		unsigned max;

		sscanf(vrps[i], "%63s %u", text, &max);
		p = pfx(text);
		vrp_set_add(set, &p, max, 64496, "t", 0, &err);
	}
	view = rpki_view_new(set, 0);   /* sorts the set */
	strbuf_init(&got);
	p = pfx("10.0.0.0/8");
	rpki_view_for_prefix(view, &p, false, collect_text, &got);
	CHECK(strcmp(got.data, "10.0.0.0/8-8 AS64496 10.0.0.0/8-9 AS64496") == 0, "exact: both VRPs of 10.0.0.0/8 (%s)",
	      got.data);
	strbuf_reset(&got);
	rpki_view_for_prefix(view, &p, true, collect_text, &got);
	CHECK(strcmp(got.data, "10.0.0.0/16-24 AS64496 10.0.0.0/24-24 AS64496 10.0.1.0/24-24 AS64496 "
			       "10.1.0.0/16-16 AS64496") == 0,
	      "more specific: inside only, not the /8s, not 11/8 (%s)", got.data);
	strbuf_reset(&got);
	p = pfx("0.0.0.0/0");
	rpki_view_for_prefix(view, &p, true, collect_text, &got);
	CHECK(strstr(got.data, "2001:db8") == NULL && strstr(got.data, "11.0.0.0/8-8") != NULL &&
		      strstr(got.data, "0.0.0.0/0") == NULL,
	      "more specific than 0/0: every IPv4 VRP but itself, no IPv6 (%s)", got.data);
	strbuf_reset(&got);
	p = pfx("10.0.2.0/24");
	rpki_view_for_prefix(view, &p, false, collect_text, &got);
	rpki_view_for_prefix(view, &p, true, collect_text, &got);
	CHECK(got.len == 0, "a prefix no VRP has: nothing");
	p = pfx("10.0.0.0/24");
	strbuf_reset(&got);
	rpki_view_for_prefix(view, &p, false, collect_text, &got);
	CHECK(strcmp(got.data, "10.0.0.0/24-24 AS64496") == 0, "exact /24 past a /16 of the same address (%s)",
	      got.data);
	rpki_view_for_prefix(NULL, &p, false, collect_text, &got);
	CHECK(strcmp(got.data, "10.0.0.0/24-24 AS64496") == 0, "no view: nothing");
	strbuf_release(&got);
	rpki_view_unref(view);
}

int main(void)
{
	test_rfc6811();
	test_edges();
	test_against_brute_force();
	test_view_by_prefix();
	return TEST_DONE();
}
