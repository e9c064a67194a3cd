/*
 * Route origin validation (RFC 6811) of route objects against a VRP set, with the
 * AS0 rules of RFC 6483 and RFC 7607. The index is built once per VRP set (a sorted
 * array of the distinct VRP prefixes, each linked to the nearest prefix containing
 * it) and answers a route in a few cache lines: the VRPs covering a prefix are a
 * chain of ancestors in that array.
 */
#ifndef IRRD_RPKI_ROV_H
#define IRRD_RPKI_ROV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"
#include "vrp.h"

enum rov_state {
	ROV_NOT_FOUND = 0, /* no VRP covers the route's prefix */
	ROV_VALID,         /* a covering VRP matches: its AS is the origin (not AS0), the length within maxLength */
	ROV_INVALID,       /* covered, but no covering VRP matches */
};

/* "valid", "invalid", "not_found": the words of IRRd's rpki-ov-state. */
const char *rov_state_name(enum rov_state state);

struct rov_index;

/*
 * Builds the index of a sorted set (vrp_set_sort). The index points into the set:
 * the set must not change or be freed while the index is in use. Free with
 * rov_index_free. Building is linear in the set (the set is sorted already).
 */
struct rov_index *rov_index_build(const struct vrp_set *set);
/* NULL-safe. */
void rov_index_free(struct rov_index *idx);
/* Bytes the index holds on top of its set. */
size_t rov_index_memory(const struct rov_index *idx);

/* A list of VRPs of an index's set, filled by rov_validate. */
struct rov_vrps {
	const struct vrp **items;
	size_t count, capacity;
};
void rov_vrps_init(struct rov_vrps *list);
/* Frees the array; the VRPs belong to their set. */
void rov_vrps_release(struct rov_vrps *list);

/*
 * The RFC 6811 state of a route (prefix and origin AS):
 *  - a VRP covers the route when the VRP's prefix contains the route's prefix (equal
 *    counts), whatever its maxLength and AS;
 *  - a covering VRP matches when the route's length is at most its maxLength and its
 *    AS is the origin; a VRP of AS0 matches nothing, so a route with origin AS0 is
 *    never valid (RFC 6483 section 4, RFC 7607);
 *  - valid when a covering VRP matches, invalid when VRPs cover it and none matches,
 *    not_found when none covers it.
 * With `covering` non-NULL, it is emptied and then holds every covering VRP, most
 * specific prefix first (what an update refusal lists). The index may be NULL: no VRPs.
 */
enum rov_state rov_validate(const struct rov_index *idx, const struct prefix *route, uint32_t origin,
			    struct rov_vrps *covering);

/*
 * Calls cb for every VRP covering `prefix`, most specific prefix first. Stops at the
 * first non-zero return of cb and returns it; returns 0 when every call returned 0.
 */
int rov_covering(const struct rov_index *idx, const struct prefix *prefix,
		 int (*cb)(void *ctx, const struct vrp *v), void *ctx);

/*
 * True when VRP v covers the route prefix (v's prefix contains it, equal counts).
 * A route's state depends only on the VRPs covering it, so after a change of VRPs
 * (vrp_set_diff) the routes to validate again are those covered by an added or a
 * removed VRP: with a prefix index of routes, the routes whose prefix lies within
 * each changed VRP's prefix (prefix_to_range of v->prefix, lengths from
 * v->prefix.length up), whatever their origin. This function is the test for one
 * route.
 */
bool rov_vrp_covers(const struct vrp *v, const struct prefix *route);
/* True when v covers the route and matches it (see rov_validate). */
bool rov_vrp_matches(const struct vrp *v, const struct prefix *route, uint32_t origin);

#endif
