/* VRPs and sorted, duplicate-free sets of them; see vrp.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irr_limits.h"
#include "log.h"
#include "vrp.h"
#include "xalloc.h"

#define STRINGIFY(x) #x
#define NUMBER_TEXT(x) STRINGIFY(x)

struct vrp_set {
	struct vrp *items;
	size_t count, capacity;
	char **ta_names; /* ta_names[v->ta]; index 0 is "" (no trust anchor named) */
	size_t ta_count, ta_capacity;
	size_t ta_last;  /* the name found last: files list thousands of VRPs per trust anchor */
	bool sorted;
};

struct vrp_set *vrp_set_new(void)
{
	struct vrp_set *set = xcalloc(1, sizeof(*set));

	set->ta_names = xgrow(NULL, &set->ta_capacity, 1, sizeof(*set->ta_names));
	set->ta_names[0] = xstrdup("");
	set->ta_count = 1;
	set->sorted = true;
	return set;
}

void vrp_set_free(struct vrp_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->ta_count; i++)
		free(set->ta_names[i]);
	free(set->ta_names);
	free(set->items);
	free(set);
}

int vrp_check(const struct prefix *prefix, unsigned max_length, const char **err)
{
	struct prefix t;

	if (prefix->family != 4 && prefix->family != 6) {
		*err = "not an IPv4 or IPv6 prefix";
		return -1;
	}
	if (prefix->length > prefix_max_length(prefix->family)) {
		*err = prefix->family == 4 ? "prefix length exceeds 32" : "prefix length exceeds 128";
		return -1;
	}
	t = prefix_truncate(prefix, prefix->length);
	if (memcmp(t.addr, prefix->addr, sizeof(t.addr)) != 0) {
		*err = "host bits set: address is not the network address for this length";
		return -1;
	}
	if (max_length < prefix->length) {
		*err = "maxLength is below the prefix length";
		return -1;
	}
	if (max_length > prefix_max_length(prefix->family)) {
		*err = prefix->family == 4 ? "maxLength exceeds 32" : "maxLength exceeds 128";
		return -1;
	}
	return 0;
}

/* The id of a trust anchor name in this set, added when new; -1 past MAX_TRUST_ANCHORS. */
static int ta_intern(struct vrp_set *set, const char *name, uint16_t *id)
{
	if (name == NULL || name[0] == '\0') {
		*id = 0;
		return 0;
	}
	if (strcmp(set->ta_names[set->ta_last], name) == 0) {
		*id = (uint16_t)set->ta_last;
		return 0;
	}
	for (size_t i = 1; i < set->ta_count; i++) {
		if (strcmp(set->ta_names[i], name) == 0) {
			set->ta_last = i;
			*id = (uint16_t)i;
			return 0;
		}
	}
	if (set->ta_count > MAX_TRUST_ANCHORS)
		return -1;
	set->ta_names = xgrow(set->ta_names, &set->ta_capacity, set->ta_count + 1, sizeof(*set->ta_names));
	set->ta_names[set->ta_count] = xstrdup(name);
	set->ta_last = set->ta_count;
	*id = (uint16_t)set->ta_count++;
	return 0;
}

int vrp_triple_compare(const struct prefix *pa, unsigned max_a, uint32_t asn_a, const struct prefix *pb, unsigned max_b,
		       uint32_t asn_b)
{
	int c = prefix_compare(pa, pb);

	if (c != 0)
		return c;
	if (max_a != max_b)
		return max_a < max_b ? -1 : 1;
	if (asn_a != asn_b)
		return asn_a < asn_b ? -1 : 1;
	return 0;
}

int vrp_compare(const struct vrp *a, const struct vrp *b)
{
	return vrp_triple_compare(&a->prefix, a->max_length, a->asn, &b->prefix, b->max_length, b->asn);
}

int vrp_set_add(struct vrp_set *set, const struct prefix *prefix, unsigned max_length, uint32_t asn,
		const char *ta, int64_t expires, const char **err)
{
	struct vrp v;

	if (vrp_check(prefix, max_length, err) < 0)
		return -1;
	memset(&v, 0, sizeof(v));
	v.prefix = *prefix;
	v.max_length = (uint8_t)max_length;
	v.asn = asn;
	v.expires = expires;
	if (ta_intern(set, ta, &v.ta) < 0) {
		*err = "more than " NUMBER_TEXT(MAX_TRUST_ANCHORS) " trust anchor names";
		return -1;
	}
	/* Appending in order keeps the set sorted: diffs and copies need no sort. */
	if (set->sorted && set->count > 0 && vrp_compare(&set->items[set->count - 1], &v) >= 0)
		set->sorted = false;
	set->items = xgrow(set->items, &set->capacity, set->count + 1, sizeof(*set->items));
	set->items[set->count++] = v;
	return 0;
}

static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v);
}

/*
 * vrp_compare's order, written out for qsort: sorting a million VRPs is most of the
 * work of taking a new set, and a call to memcmp per comparison doubled it.
 */
static int compare_for_sort(const void *pa, const void *pb)
{
	const struct vrp *a = pa, *b = pb;
	uint64_t x, y;

	if (a->prefix.family != b->prefix.family)
		return a->prefix.family < b->prefix.family ? -1 : 1;
	x = load_be64(a->prefix.addr);
	y = load_be64(b->prefix.addr);
	if (x == y) {
		x = load_be64(a->prefix.addr + 8);
		y = load_be64(b->prefix.addr + 8);
	}
	if (x != y)
		return x < y ? -1 : 1;
	if (a->prefix.length != b->prefix.length)
		return a->prefix.length < b->prefix.length ? -1 : 1;
	if (a->max_length != b->max_length)
		return a->max_length < b->max_length ? -1 : 1;
	if (a->asn != b->asn)
		return a->asn < b->asn ? -1 : 1;
	/* Of duplicates, the one expiring last comes first and is kept. */
	if (a->expires != b->expires)
		return a->expires > b->expires ? -1 : 1;
	return 0;
}

void vrp_set_sort(struct vrp_set *set)
{
	size_t kept = 0;

	if (set->sorted)
		return;
	/* built in order already (a merge, a copy): a linear check instead of a sort */
	for (kept = 1; kept < set->count && vrp_compare(&set->items[kept - 1], &set->items[kept]) < 0; kept++)
		;
	if (set->count < 2 || kept == set->count) {
		set->sorted = true;
		return;
	}
	kept = 0;
	qsort(set->items, set->count, sizeof(*set->items), compare_for_sort);
	for (size_t i = 0; i < set->count; i++) {
		if (kept > 0 && vrp_compare(&set->items[kept - 1], &set->items[i]) == 0)
			continue;
		set->items[kept++] = set->items[i];
	}
	set->count = kept;
	set->sorted = true;
}

bool vrp_set_is_sorted(const struct vrp_set *set)
{
	return set->sorted;
}

size_t vrp_set_count(const struct vrp_set *set)
{
	return set == NULL ? 0 : set->count;
}

const struct vrp *vrp_set_get(const struct vrp_set *set, size_t i)
{
	if (i >= set->count)
		fatal("vrp_set_get: index %zu past %zu VRPs", i, set->count);
	return &set->items[i];
}

const struct vrp *vrp_set_items(const struct vrp_set *set)
{
	return set == NULL || set->count == 0 ? NULL : set->items;
}

const char *vrp_set_ta_name(const struct vrp_set *set, const struct vrp *v)
{
	return v->ta < set->ta_count ? set->ta_names[v->ta] : "";
}

void vrp_format(const struct vrp *v, char out[VRP_STRLEN])
{
	char p[PREFIX_STRLEN];

	prefix_format(&v->prefix, p);
	snprintf(out, VRP_STRLEN, "%s-%u AS%u", p, (unsigned)v->max_length, v->asn);
}

/* Appends v of `from` to `to`, which is kept sorted when v comes in order. */
static void copy_into(struct vrp_set *to, const struct vrp_set *from, const struct vrp *v)
{
	const char *err;

	if (vrp_set_add(to, &v->prefix, v->max_length, v->asn, vrp_set_ta_name(from, v), v->expires, &err) < 0)
		fatal("vrp_set_diff: VRP of a set refused: %s", err);
}

void vrp_set_diff(const struct vrp_set *old_set, const struct vrp_set *new_set, struct vrp_set **added,
		  struct vrp_set **removed)
{
	size_t i = 0, j = 0, n_old = vrp_set_count(old_set), n_new = vrp_set_count(new_set);
	struct vrp_set *add = vrp_set_new(), *rem = vrp_set_new();

	if ((old_set != NULL && !old_set->sorted) || (new_set != NULL && !new_set->sorted))
		fatal("vrp_set_diff: a set is not sorted");
	while (i < n_old || j < n_new) {
		int c;

		if (i == n_old)
			c = 1;
		else if (j == n_new)
			c = -1;
		else
			c = vrp_compare(&old_set->items[i], &new_set->items[j]);
		if (c < 0) {
			copy_into(rem, old_set, &old_set->items[i++]);
		} else if (c > 0) {
			copy_into(add, new_set, &new_set->items[j++]);
		} else {
			i++;
			j++;
		}
	}
	*added = add;
	*removed = rem;
}

bool vrp_set_equal(const struct vrp_set *a, const struct vrp_set *b)
{
	if (vrp_set_count(a) != vrp_set_count(b))
		return false;
	for (size_t i = 0; i < vrp_set_count(a); i++) {
		const struct vrp *x = &a->items[i], *y = &b->items[i];

		if (vrp_compare(x, y) != 0 || x->expires != y->expires ||
		    strcmp(vrp_set_ta_name(a, x), vrp_set_ta_name(b, y)) != 0)
			return false;
	}
	return true;
}

void vrp_quote(const char *text, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	if (cap < 80)
		fatal("vrp_quote: buffer of %zu bytes", cap);
	out[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (o + 8 >= cap) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
}
