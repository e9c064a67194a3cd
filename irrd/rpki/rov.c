/*
 * RFC 6811 origin validation over an index of VRP prefixes; see rov.h.
 * The distinct VRP prefixes of each family sit in one array in set order (address,
 * then length), each with the index of the nearest prefix containing it. Every
 * prefix containing a route's prefix sorts at or before the route and contains the
 * last prefix sorting at or before it, so the covering VRPs are found by one
 * predecessor search and a walk up the parents (at most 33 or 129 steps, a few in
 * practice). IPv4 narrows the search with a table over the first 16 address bits.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rov.h"
#include "xalloc.h"

/* One distinct IPv4 prefix and its VRPs: set items [first, first + count). */
struct node4 {
	uint32_t addr; /* host order */
	uint8_t len;
	int32_t parent; /* nearest containing prefix, -1 for none */
	uint32_t first, count;
};

struct node6 {
	uint64_t hi, lo; /* host order */
	uint8_t len;
	int32_t parent;
	uint32_t first, count;
};

#define BUCKET_BITS 16
#define BUCKETS (1u << BUCKET_BITS)

struct rov_index {
	const struct vrp *items; /* the set's array */
	struct node4 *v4;
	size_t n4;
	struct node6 *v6;
	size_t n6;
	uint32_t *bucket4; /* BUCKETS + 1 entries: bucket4[b] = first v4 node whose address starts with >= b */
};

/* The most prefixes a chain of containing prefixes can hold: lengths 0..128. */
#define MAX_CHAIN 129

const char *rov_state_name(enum rov_state state)
{
	switch (state) {
	case ROV_VALID: return "valid";
	case ROV_INVALID: return "invalid";
	case ROV_NOT_FOUND: break;
	}
	return "not_found";
}

static uint32_t mask4(unsigned len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

static void mask6(unsigned len, uint64_t *hi, uint64_t *lo)
{
	if (len == 0) {
		*hi = *lo = 0;
	} else if (len <= 64) {
		*hi = ~0ull << (64 - len);
		*lo = 0;
	} else {
		*hi = ~0ull;
		*lo = ~0ull << (128 - len);
	}
}

static uint32_t addr4(const uint8_t a[16])
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static uint64_t addr64(const uint8_t *a)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | a[i];
	return v;
}

static bool node4_contains(const struct node4 *n, uint32_t a, unsigned len)
{
	return n->len <= len && ((a ^ n->addr) & mask4(n->len)) == 0;
}

static bool node6_contains(const struct node6 *n, uint64_t hi, uint64_t lo, unsigned len)
{
	uint64_t mh, ml;

	mask6(n->len, &mh, &ml);
	return n->len <= len && ((hi ^ n->hi) & mh) == 0 && ((lo ^ n->lo) & ml) == 0;
}

/* Links each node to its nearest containing node: a stack of the open chain. */
static void link4(struct node4 *v, size_t n)
{
	int32_t stack[MAX_CHAIN];
	size_t depth = 0;

	for (size_t i = 0; i < n; i++) {
		while (depth > 0 && !node4_contains(&v[stack[depth - 1]], v[i].addr, v[i].len))
			depth--;
		v[i].parent = depth > 0 ? stack[depth - 1] : -1;
		if (depth == MAX_CHAIN)
			fatal("rov: prefix chain deeper than %d", MAX_CHAIN);
		stack[depth++] = (int32_t)i;
	}
}

static void link6(struct node6 *v, size_t n)
{
	int32_t stack[MAX_CHAIN];
	size_t depth = 0;

	for (size_t i = 0; i < n; i++) {
		while (depth > 0 && !node6_contains(&v[stack[depth - 1]], v[i].hi, v[i].lo, v[i].len))
			depth--;
		v[i].parent = depth > 0 ? stack[depth - 1] : -1;
		if (depth == MAX_CHAIN)
			fatal("rov: prefix chain deeper than %d", MAX_CHAIN);
		stack[depth++] = (int32_t)i;
	}
}

struct rov_index *rov_index_build(const struct vrp_set *set)
{
	struct rov_index *idx = xcalloc(1, sizeof(*idx));
	size_t n = vrp_set_count(set), cap4 = 0, cap6 = 0;
	const struct vrp *items = vrp_set_items(set);

	if (!vrp_set_is_sorted(set))
		fatal("rov_index_build: the VRP set is not sorted");
	if (n > INT32_MAX)
		fatal("rov_index_build: %zu VRPs", n);
	idx->items = items;
	for (size_t i = 0; i < n; i++) {
		const struct vrp *v = &items[i];

		if (i > 0 && prefix_compare(&items[i - 1].prefix, &v->prefix) == 0) {
			if (v->prefix.family == 4)
				idx->v4[idx->n4 - 1].count++;
			else
				idx->v6[idx->n6 - 1].count++;
			continue;
		}
		if (v->prefix.family == 4) {
			idx->v4 = xgrow(idx->v4, &cap4, idx->n4 + 1, sizeof(*idx->v4));
			idx->v4[idx->n4++] = (struct node4){ .addr = addr4(v->prefix.addr), .len = v->prefix.length,
							     .first = (uint32_t)i, .count = 1 };
		} else {
			idx->v6 = xgrow(idx->v6, &cap6, idx->n6 + 1, sizeof(*idx->v6));
			idx->v6[idx->n6++] = (struct node6){ .hi = addr64(v->prefix.addr), .lo = addr64(v->prefix.addr + 8),
							     .len = v->prefix.length, .first = (uint32_t)i, .count = 1 };
		}
	}
	/* Give back the doubling slack: the index lives as long as its set. */
	if (idx->n4 > 0)
		idx->v4 = xrealloc(idx->v4, idx->n4 * sizeof(*idx->v4));
	if (idx->n6 > 0)
		idx->v6 = xrealloc(idx->v6, idx->n6 * sizeof(*idx->v6));
	link4(idx->v4, idx->n4);
	link6(idx->v6, idx->n6);
	idx->bucket4 = xmalloc((BUCKETS + 1) * sizeof(*idx->bucket4));
	for (size_t b = 0, i = 0; b <= BUCKETS; b++) {
		while (i < idx->n4 && (idx->v4[i].addr >> (32 - BUCKET_BITS)) < b)
			i++;
		idx->bucket4[b] = (uint32_t)i;
	}
	return idx;
}

void rov_index_free(struct rov_index *idx)
{
	if (idx == NULL)
		return;
	free(idx->v4);
	free(idx->v6);
	free(idx->bucket4);
	free(idx);
}

size_t rov_index_memory(const struct rov_index *idx)
{
	if (idx == NULL)
		return 0;
	return sizeof(*idx) + idx->n4 * sizeof(*idx->v4) + idx->n6 * sizeof(*idx->v6) +
	       (BUCKETS + 1) * sizeof(*idx->bucket4);
}

/* The last node in [lo, hi) whose (address, length) is at most the key; lo - 1 when none. */
static long pred4(const struct node4 *v, size_t lo, size_t hi, uint32_t a, unsigned len)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr < a || (v[mid].addr == a && v[mid].len <= len))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

static long pred6(const struct node6 *v, size_t n, uint64_t hi, uint64_t lo, unsigned len)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;
		const struct node6 *m = &v[mid];

		if (m->hi < hi || (m->hi == hi && (m->lo < lo || (m->lo == lo && m->len <= len))))
			a = mid + 1;
		else
			b = mid;
	}
	return (long)a - 1;
}

struct span {
	uint32_t first, count;
};

/* The VRP ranges of every prefix containing `p`, most specific first; returns how many. */
static size_t covering_spans(const struct rov_index *idx, const struct prefix *p, struct span out[MAX_CHAIN])
{
	size_t n = 0;
	long i;

	if (idx == NULL)
		return 0;
	if (p->family == 4) {
		uint32_t a = addr4(p->addr);
		uint32_t b = a >> (32 - BUCKET_BITS);

		if (idx->n4 == 0)
			return 0;
		i = pred4(idx->v4, idx->bucket4[b], idx->bucket4[b + 1], a, p->length);
		while (i >= 0 && !node4_contains(&idx->v4[i], a, p->length))
			i = idx->v4[i].parent;
		for (; i >= 0 && n < MAX_CHAIN; i = idx->v4[i].parent)
			out[n++] = (struct span){ idx->v4[i].first, idx->v4[i].count };
	} else if (p->family == 6) {
		uint64_t hi = addr64(p->addr), lo = addr64(p->addr + 8);

		i = pred6(idx->v6, idx->n6, hi, lo, p->length);
		while (i >= 0 && !node6_contains(&idx->v6[i], hi, lo, p->length))
			i = idx->v6[i].parent;
		for (; i >= 0 && n < MAX_CHAIN; i = idx->v6[i].parent)
			out[n++] = (struct span){ idx->v6[i].first, idx->v6[i].count };
	}
	return n;
}

void rov_vrps_init(struct rov_vrps *list)
{
	memset(list, 0, sizeof(*list));
}

void rov_vrps_release(struct rov_vrps *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

static bool matches_covering(const struct vrp *v, unsigned route_length, uint32_t origin)
{
	return v->asn != 0 && v->asn == origin && route_length <= v->max_length;
}

enum rov_state rov_validate(const struct rov_index *idx, const struct prefix *route, uint32_t origin,
			    struct rov_vrps *covering)
{
	struct span spans[MAX_CHAIN];
	size_t n = covering_spans(idx, route, spans);
	enum rov_state state = n > 0 ? ROV_INVALID : ROV_NOT_FOUND;

	if (covering != NULL)
		covering->count = 0;
	for (size_t s = 0; s < n; s++) {
		for (uint32_t k = 0; k < spans[s].count; k++) {
			const struct vrp *v = &idx->items[spans[s].first + k];

			if (matches_covering(v, route->length, origin)) {
				state = ROV_VALID;
				if (covering == NULL)
					return state;
			}
			if (covering != NULL) {
				covering->items = xgrow(covering->items, &covering->capacity, covering->count + 1,
							sizeof(*covering->items));
				covering->items[covering->count++] = v;
			}
		}
	}
	return state;
}

int rov_covering(const struct rov_index *idx, const struct prefix *prefix,
		 int (*cb)(void *ctx, const struct vrp *v), void *ctx)
{
	struct span spans[MAX_CHAIN];
	size_t n = covering_spans(idx, prefix, spans);

	for (size_t s = 0; s < n; s++) {
		for (uint32_t k = 0; k < spans[s].count; k++) {
			int rc = cb(ctx, &idx->items[spans[s].first + k]);

			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

bool rov_vrp_covers(const struct vrp *v, const struct prefix *route)
{
	return prefix_contains(&v->prefix, route);
}

bool rov_vrp_matches(const struct vrp *v, const struct prefix *route, uint32_t origin)
{
	return rov_vrp_covers(v, route) && matches_covering(v, route->length, origin);
}
