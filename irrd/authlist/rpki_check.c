/* RPKI on updates; see rpki_check.h. */
#include "rpki_check.h"

#include <stdlib.h>

#include "rov.h"
#include "rpki_table.h"

/* At most this many conflicting VRPs are listed in a refusal (the report line has room for them). */
#define MAX_LISTED_VRPS 10

int rpki_check_route(struct store *st, const struct config *cfg, const struct rpsl_object *route, bool is_override,
		     struct strbuf *why, struct strbuf *note)
{
	struct vrp_set *covering = NULL;
	bool is_loaded = false, matched = false;
	char prefix_text[PREFIX_STRLEN], *err = NULL;
	size_t n;

	/*
	 * Whether to check is the table's to say, not this process's configuration: irrd
	 * empties it when it runs without RPKI, so the channels, the exports and whois
	 * always agree on the set in force.
	 */
	if (!route->has_origin)
		return 1;
	if (rpki_table_covering(st, &route->prefix, &covering, &is_loaded, &err) < 0) {
		strbuf_append_str(why, err);
		free(err);
		return -1;
	}
	if (!is_loaded) {
		vrp_set_free(covering);
		return 1; /* irrd has not written its VRPs yet: nothing is known to decide with */
	}
	prefix_format(&route->prefix, prefix_text);
	n = vrp_set_count(covering);
	for (size_t i = 0; i < n && !matched; i++)
		matched = rov_vrp_matches(vrp_set_get(covering, i), &route->prefix, route->origin);
	if (n == 0) {
		strbuf_printf(note, "RPKI: no ROA covers %s (not_found); publish one for %s with origin AS%u"
				    " (RFC 9319: one ROA per announced prefix, no maxLength)",
			      prefix_text, prefix_text, route->origin);
	} else if (!matched) {
		struct strbuf *out = cfg->rpki_reject_invalid_updates && !is_override ? why : note;

		/* IRRd's sentence first: people and scripts that know IRRd look for it */
		strbuf_printf(out, "RPKI ROAs were found that conflict with this object. RPKI-invalid: %s AS%u conflicts"
				   " with the ROAs covering it:", prefix_text, route->origin);
		for (size_t i = 0; i < n && i < MAX_LISTED_VRPS; i++) {
			char v[VRP_STRLEN];

			vrp_format(vrp_set_get(covering, i), v);
			strbuf_printf(out, "%s %s", i ? "," : "", v);
		}
		if (n > MAX_LISTED_VRPS)
			strbuf_printf(out, " and %zu more", n - MAX_LISTED_VRPS);
		vrp_set_free(covering);
		if (out == why)
			return 0;
		strbuf_append_str(note, is_override ? " (accepted: registry staff override)"
						    : " (accepted: rpki.reject_invalid_updates = no)");
		return 1;
	}
	vrp_set_free(covering);
	return 1;
}
