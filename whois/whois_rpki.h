/*
 * RPKI and route policies in whois answers (issue 15): the state of a route object
 * under the VRPs in force, and whether an answer leaves it out: RPKI-invalid routes
 * (rpki.filter_invalid or the listener's policy, per source exclusions, a connection's
 * !fno-rpki-filter, as IRRd 4 does) and, on a listener with policy verified or strict,
 * every route the authorisation list did not verify.
 */
#ifndef WHOIS_RPKI_H
#define WHOIS_RPKI_H

#include <stdbool.h>
#include <stdint.h>

#include "prefix.h"
#include "query.h"
#include "rov.h"
#include "set_expand.h"
#include "whois_query.h"

/* True when invalid routes of this source are left out of this session's answers. */
bool whois_rpki_filters(const struct query_context *ctx, const struct whois_session *s, const char *source);

/* The route's prefix and origin from a route/route6 object's key; false for other classes. */
bool whois_route_key(const struct query_object *o, struct prefix *prefix, uint32_t *origin);

/*
 * For a route/route6 object when RPKI is on: its state (and true); false when the
 * object is no route or no VRPs are loaded (no state to print).
 */
bool whois_route_state(const struct query_context *ctx, const struct query_object *o, enum rov_state *state);

/* True on a listener whose policy keeps only routes the authorisation list verified. */
bool whois_policy_verified_only(const struct whois_session *s);

/* True when the answer leaves this object out: a route RPKI-invalid and filtered for its source, or unverified under the policy. */
bool whois_rpki_hides(const struct query_context *ctx, const struct whois_session *s, const struct query_object *o);

/* Drops (and frees) the objects whois_rpki_hides says an answer leaves out. */
void whois_rpki_drop_hidden(const struct query_context *ctx, const struct whois_session *s, struct query_objects *objs);

/*
 * Drops from v[first, count), the prefixes of `source`'s routes with this origin, those
 * the session's answers leave out: RPKI-invalid when filtered, unverified under policy
 * verified or strict.
 */
void whois_policy_trim(const struct query_context *ctx, const struct whois_session *s, const char *source,
		       struct prefix_vec *v, size_t first, uint32_t origin);

/* Whether this session's answers may hold the route (source, prefix, origin): not RPKI-invalid where filtered, verified under policy verified or strict. */
bool whois_route_kept(const struct query_context *ctx, const struct whois_session *s, const char *source,
		      const struct prefix *prefix, uint32_t origin);

/* The same as a filter for route-set expansion (set_expand_filtered); lives as long as ctx and s. */
struct whois_route_filter {
	struct set_route_filter filter;
	const struct query_context *ctx;
	const struct whois_session *s;
};
void whois_route_filter_init(struct whois_route_filter *f, const struct query_context *ctx,
			     const struct whois_session *s);

#endif
