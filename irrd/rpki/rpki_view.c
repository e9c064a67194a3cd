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
	size_t n = vrp_set_count(vrps);

	v->vrps = vrps;
	v->index = rov_index_build(vrps);
	v->by_origin = xcalloc(n + 1, sizeof(*v->by_origin));
	for (size_t i = 0; i < n; i++)
		v->by_origin[i] = (uint32_t)i;
	if (n > 1)
		qsort_r(v->by_origin, n, sizeof(*v->by_origin), compare_by_origin, (void *)vrp_set_items(vrps));
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
	free(v->by_origin);
	vrp_set_free(v->vrps);
	free(v);
}

int rpki_view_load(const char *vrp_path, const char *slurm_path, struct rpki_view **out, char **err)
{
	struct vrp_set *vrps = NULL;
	time_t now = time(NULL);

	*out = NULL;
	if (vrp_file_load(vrp_path, &vrps, err) < 0)
		return -1;
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

/* Appends every VRP of `from` to `to` (both sets' VRPs are valid already). */
static void add_all(struct vrp_set *to, const struct vrp_set *from, const struct vrp_set *skip)
{
	size_t n = vrp_set_count(from), k = 0, nskip = skip != NULL ? vrp_set_count(skip) : 0;

	for (size_t i = 0; i < n; i++) {
		const struct vrp *v = vrp_set_get(from, i);
		const char *err;
		int c = 1;

		/* both sorted: walk `skip` alongside */
		while (k < nskip && (c = vrp_compare(vrp_set_get(skip, k), v)) < 0)
			k++;
		if (k < nskip && c == 0)
			continue;
		vrp_set_add(to, &v->prefix, v->max_length, v->asn, vrp_set_ta_name(from, v), v->expires, &err);
	}
}

int rpki_view_apply(struct vrp_set **base, const struct vrp_set *added, const struct vrp_set *removed,
		    const char *slurm_path, struct rpki_view **out, char **err)
{
	struct vrp_set *next = vrp_set_new(), *vrps = vrp_set_new();
	struct slurm *slurm = NULL;

	*out = NULL;
	if (slurm_path != NULL && slurm_load(&slurm_path, 1, &slurm, err) < 0) {
		vrp_set_free(next);
		vrp_set_free(vrps);
		return -1;
	}
	if (*base != NULL)
		add_all(next, *base, removed);
	add_all(next, added, NULL);
	vrp_set_sort(next);
	/* the view owns its set; the cache's set stays apart for the next delta */
	slurm_apply(slurm, next, vrps);
	slurm_free(slurm);
	vrp_set_free(*base);
	*base = next;
	*out = rpki_view_new(vrps, time(NULL));
	return 0;
}

void rpki_view_for_origin(const struct rpki_view *v, uint32_t asn, void (*fn)(void *ctx, const struct vrp *vrp),
			  void *ctx)
{
	const struct vrp *items;
	size_t lo = 0, hi;

	if (v == NULL)
		return;
	items = vrp_set_items(v->vrps);
	hi = vrp_set_count(v->vrps);
	while (lo < hi) { /* the first index of this AS */
		size_t mid = lo + (hi - lo) / 2;

		if (items[v->by_origin[mid]].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < vrp_set_count(v->vrps) && items[v->by_origin[lo]].asn == asn; lo++)
		fn(ctx, &items[v->by_origin[lo]]);
}

enum rov_state rpki_view_state(const struct rpki_view *v, const struct prefix *route, uint32_t origin)
{
	return rov_validate(v != NULL ? v->index : NULL, route, origin, NULL);
}
