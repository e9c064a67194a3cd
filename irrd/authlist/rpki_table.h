/*
 * The VRPs irrd has in force, kept in the database for the other processes: the
 * update engine's channels (irrctl submit, the mail gateway, the web portal) check
 * new routes against them without reading an 80 MB VRP file per submission. irrd
 * writes the table whenever its set changes; readers look up the VRPs covering one
 * route (at most 33 or 129 index lookups).
 */
#ifndef IRRD_RPKI_TABLE_H
#define IRRD_RPKI_TABLE_H

#include <stdbool.h>

#include "prefix.h"
#include "rov.h"
#include "store.h"
#include "vrp.h"

/* Replaces the table's VRPs with set's, in one transaction; origin names where they came from. 0 or -1 with *err. */
int rpki_table_replace(struct store *st, const struct vrp_set *set, const char *origin, char **err);

/*
 * Empties the table (irrd runs without RPKI): every reader then knows no VRPs, as
 * whois does, instead of deciding with a set nothing keeps current. 0 or -1 *err.
 */
int rpki_table_clear(struct store *st, char **err);

/*
 * The VRPs covering a route's prefix, as a new sorted set in *out (caller frees);
 * *is_loaded false when irrd never wrote the table (RPKI off, or not loaded yet):
 * then no VRP is known and nothing can be decided. 0, or -1 with *err.
 */
int rpki_table_covering(struct store *st, const struct prefix *route, struct vrp_set **out, bool *is_loaded,
			char **err);

/*
 * The VRPs whose prefix lies inside block (equal or more specific), as a new sorted set
 * in *out (caller frees); *is_loaded as above. 0, or -1 with *err.
 */
int rpki_table_within(struct store *st, const struct prefix *block, struct vrp_set **out, bool *is_loaded,
		      char **err);

/*
 * Every VRP of the table, as a new sorted set in *out (caller frees): for work over
 * every route (the mailed reports), where one index in memory beats a lookup per route.
 * *is_loaded as above. 0, or -1 with *err.
 */
int rpki_table_read_all(struct store *st, struct vrp_set **out, bool *is_loaded, char **err);

/*
 * RFC 6811 state of (p, origin) from the table (rpki_table_covering); with covering_out
 * non-NULL, the covering VRPs too (sorted; caller frees). *is_loaded false: irrd never
 * wrote the table (then not_found, nothing decided). 0, or -1 with *err.
 */
int rpki_table_state(struct store *st, const struct prefix *p, uint32_t origin, enum rov_state *state,
		     bool *is_loaded, struct vrp_set **covering_out, char **err);

#endif
