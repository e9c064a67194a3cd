/* The VRPs in force, shared by reference; see rpki_view.h. */
#include "rpki_view.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "slurm.h"
#include "vrp_file.h"
#include "xalloc.h"

struct rpki_view *rpki_view_new(struct vrp_set *vrps, time_t loaded_at)
{
	struct rpki_view *v = xcalloc(1, sizeof(*v));

	v->vrps = vrps;
	v->index = rov_index_build(vrps);
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

enum rov_state rpki_view_state(const struct rpki_view *v, const struct prefix *route, uint32_t origin)
{
	return rov_validate(v != NULL ? v->index : NULL, route, origin, NULL);
}
