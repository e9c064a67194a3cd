/* The VRPs in force, shared by reference; see rpki_view.h. */
#include "rpki_view.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "slurm.h"
#include "vrp_file.h"
#include "xalloc.h"

/* qsort context: the set whose indices are ordered (qsort_r). */
static int compare_by_origin(const void *a, const void *b, void *arg)
{
	const struct vrp *items = arg, *x = &items[*(const uint32_t *)a], *y = &items[*(const uint32_t *)b];

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

struct rpki_view *rpki_view_new(struct vrp_set *vrps, time_t loaded_at)
{
	struct rpki_view *v = xcalloc(1, sizeof(*v));

	vrp_set_sort(vrps);   /* lookups by prefix need the order; a linear check when it holds */
	v->vrps = vrps;
	for (size_t i = 0; i < vrp_set_count(vrps); i++) {
		int64_t e = vrp_set_get(vrps, i)->expires;

		if (e > 0 && (v->next_expiry == 0 || e < (int64_t)v->next_expiry))
			v->next_expiry = (time_t)e;
	}
	v->index = rov_index_build(vrps);
	pthread_mutex_init(&v->by_origin_lock, NULL);
	v->loaded_at = loaded_at;
	atomic_init(&v->refs, 1);
	return v;
}

struct rpki_view *rpki_view_ref(struct rpki_view *v)
{
	atomic_fetch_add(&v->refs, 1);
	return v;
}

void rpki_view_unref(struct rpki_view *v)
{
	if (v == NULL || atomic_fetch_sub(&v->refs, 1) != 1)
		return;
	rov_index_free(v->index);
	free(atomic_load(&v->by_origin));
	pthread_mutex_destroy(&v->by_origin_lock);
	vrp_set_free(v->vrps);
	free(v);
}

/*
 * A validator writes how long each VRP stays valid ("expires"): one past it no longer
 * authorises anything (PROTOCOLS.md: drop expired entries), even from a file nobody
 * renews. Takes `set`, returns it or a copy without the expired VRPs.
 */
static struct vrp_set *drop_expired(struct vrp_set *set, time_t now)
{
	struct vrp_set *kept;
	size_t n = vrp_set_count(set), expired = 0;

	for (size_t i = 0; i < n; i++) {
		const struct vrp *v = vrp_set_get(set, i);

		expired += v->expires > 0 && v->expires <= (int64_t)now;
	}
	if (expired == 0)
		return set;
	kept = vrp_set_new();
	for (size_t i = 0; i < n; i++) {
		const struct vrp *v = vrp_set_get(set, i);
		const char *why;

		if (v->expires == 0 || v->expires > (int64_t)now)
			vrp_set_add(kept, &v->prefix, v->max_length, v->asn, vrp_set_ta_name(set, v), v->expires, &why);
	}
	vrp_set_free(set);
	vrp_set_sort(kept);
	return kept;
}

int rpki_view_load(const char *vrp_path, const char *slurm_path, struct rpki_view **out, char **err)
{
	struct vrp_set *vrps = NULL;
	time_t now = time(NULL);

	*out = NULL;
	if (vrp_file_load(vrp_path, &vrps, err) < 0)
		return -1;
	vrps = drop_expired(vrps, now);
	if (slurm_path != NULL) {
		struct slurm *slurm = NULL;
		struct vrp_set *applied;

		if (slurm_load(&slurm_path, 1, &slurm, err) < 0) {
			vrp_set_free(vrps);
			return -1;
		}
		applied = vrp_set_new();
		slurm_apply(slurm, vrps, applied);
		slurm_free(slurm);
		vrp_set_free(vrps);
		vrps = applied;
	}
	*out = rpki_view_new(vrps, now);
	return 0;
}

/* Appends (a less skip) and b to `to` in order (all three sorted): the new set needs no sort. */
static void merge(struct vrp_set *to, const struct vrp_set *a, const struct vrp_set *skip, const struct vrp_set *b)
{
	size_t na = vrp_set_count(a), nb = vrp_set_count(b), ns = vrp_set_count(skip), i = 0, j = 0, k = 0;
	const char *err;

	while (i < na || j < nb) {
		const struct vrp *va = i < na ? vrp_set_get(a, i) : NULL, *vb = j < nb ? vrp_set_get(b, j) : NULL;
		int c;

		if (va != NULL) {
			while (k < ns && vrp_compare(vrp_set_get(skip, k), va) < 0)
				k++;
			if (k < ns && vrp_compare(vrp_set_get(skip, k), va) == 0) {
				i++;
				continue;
			}
		}
		c = va == NULL ? 1 : vb == NULL ? -1 : vrp_compare(va, vb);
		if (c <= 0) {
			vrp_set_add(to, &va->prefix, va->max_length, va->asn, vrp_set_ta_name(a, va), va->expires, &err);
			i++;
			j += c == 0; /* the same VRP announced again: once */
		} else {
			vrp_set_add(to, &vb->prefix, vb->max_length, vb->asn, vrp_set_ta_name(b, vb), vb->expires, &err);
			j++;
		}
	}
}

int rpki_view_apply(struct vrp_set **base, const struct vrp_set *added, const struct vrp_set *removed,
		    const char *slurm_path, struct rpki_view **out, struct rpki_view **bare, char **err)
{
	struct vrp_set *next = vrp_set_new(), *vrps = vrp_set_new();
	struct slurm *slurm = NULL;

	*out = NULL;
	if (bare != NULL)
		*bare = NULL;
	/* the delta first: a SLURM file broken now must not make us forget what the cache said */
	merge(next, *base, removed, added);
	vrp_set_sort(next); /* in order already: a linear check */
	vrp_set_free(*base);
	*base = next;
	if (slurm_path != NULL && slurm_load(&slurm_path, 1, &slurm, err) < 0) {
		if (bare != NULL) {
			slurm_apply(NULL, next, vrps);
			*bare = rpki_view_new(vrps, time(NULL));
		} else {
			vrp_set_free(vrps);
		}
		return -1;
	}
	/* the view owns its set; the cache's set stays apart for the next delta */
	slurm_apply(slurm, next, vrps);
	slurm_free(slurm);
	*out = rpki_view_new(vrps, time(NULL));
	return 0;
}

/* The set's indices ordered by AS, made once, by the first caller (any thread). */
static uint32_t *origin_order(struct rpki_view *v)
{
	uint32_t *order = atomic_load(&v->by_origin);
	size_t n;

	if (order != NULL)
		return order;
	pthread_mutex_lock(&v->by_origin_lock);
	order = atomic_load(&v->by_origin);
	if (order == NULL) {
		n = vrp_set_count(v->vrps);
		order = xcalloc(n + 1, sizeof(*order));
		for (size_t i = 0; i < n; i++)
			order[i] = (uint32_t)i;
		if (n > 1)
			qsort_r(order, n, sizeof(*order), compare_by_origin, (void *)vrp_set_items(v->vrps));
		atomic_store(&v->by_origin, order);
	}
	pthread_mutex_unlock(&v->by_origin_lock);
	return order;
}

void rpki_view_for_origin(const struct rpki_view *v, uint32_t asn, void (*fn)(void *ctx, const struct vrp *vrp),
			  void *ctx)
{
	const struct vrp *items;
	size_t lo = 0, hi;

	uint32_t *by_origin;

	if (v == NULL)
		return;
	items = vrp_set_items(v->vrps);
	by_origin = origin_order((struct rpki_view *)v);
	hi = vrp_set_count(v->vrps);
	while (lo < hi) { /* the first index of this AS */
		size_t mid = lo + (hi - lo) / 2;

		if (items[by_origin[mid]].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < vrp_set_count(v->vrps) && items[by_origin[lo]].asn == asn; lo++)
		fn(ctx, &items[by_origin[lo]]);
}

void rpki_view_for_prefix(const struct rpki_view *v, const struct prefix *p, bool more_specific,
			  void (*fn)(void *ctx, const struct vrp *vrp), void *ctx)
{
	const struct vrp *items;
	size_t lo = 0, hi, n;

	if (v == NULL)
		return;
	items = vrp_set_items(v->vrps);
	n = hi = vrp_set_count(v->vrps);
	/* the set is in prefix order (a view's set is sorted): what p holds is one run from p on */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_compare(&items[mid].prefix, p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && prefix_contains(p, &items[lo].prefix); lo++) {
		bool is_exact = items[lo].prefix.length == p->length;

		if (is_exact != more_specific)
			fn(ctx, &items[lo]);
		else if (!more_specific)
			break;   /* past the exact ones */
	}
}

size_t rpki_view_vrp_index(const struct rpki_view *v, const struct vrp *vrp)
{
	return (size_t)(vrp - vrp_set_items(v->vrps));
}

const char *rpki_view_ta_name(const struct rpki_view *v, const struct vrp *vrp)
{
	return vrp_set_ta_name(v->vrps, vrp);
}

enum rov_state rpki_view_state(const struct rpki_view *v, const struct prefix *route, uint32_t origin)
{
	return rov_validate(v != NULL ? v->index : NULL, route, origin, NULL);
}
