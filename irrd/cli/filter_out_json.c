/*
 * irrctl export filter --format json: every route that passed the policy with where
 * it comes from and why it passed: prefix, origin, source, mark (the authorisation
 * list entry that verified it, or null), rpki (RFC 6811 state, null when irrd has
 * no VRPs in force) and vrps (the VRPs covering it, the reason for the state).
 */
#include <jansson.h>
#include <stdlib.h>

#include "filter_export.h"
#include "vrp_file.h"

int filter_out_json(FILE *out, const struct filter_export *ex)
{
	json_t *root = json_object(), *routes = json_array();
	char text[PREFIX_STRLEN];
	char *dump;
	int rc;

	for (size_t i = 0; i < ex->count; i++) {
		const struct filter_route *r = &ex->items[i];
		json_t *o = json_object();

		prefix_format(&r->prefix, text);
		json_object_set_new(o, "prefix", json_string(text));
		json_object_set_new(o, "origin", json_integer((json_int_t)r->origin));
		json_object_set_new(o, "source", json_string(r->source));
		json_object_set_new(o, "mark", r->mark > 0 ? json_integer((json_int_t)r->mark) : json_null());
		json_object_set_new(o, "rpki", ex->is_rpki_loaded ? json_string(rov_state_name(r->rpki)) : json_null());
		json_object_set_new(o, "vrps", vrp_set_to_json(r->covering));
		json_array_append_new(routes, o);
	}
	json_object_set_new(root, "target", json_string(ex->target));
	json_object_set_new(root, "name", json_string(ex->name));
	json_object_set_new(root, "policy", json_string(route_policy_name(ex->policy)));
	json_object_set_new(root, "family", ex->family != 0 ? json_integer(ex->family) : json_null());
	json_object_set_new(root, "routes", routes);
	dump = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	if (dump == NULL)
		return -1;
	rc = fprintf(out, "%s\n", dump) < 0 ? -1 : 0;
	free(dump);
	return rc;
}
