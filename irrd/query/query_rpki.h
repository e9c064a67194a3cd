/*
 * Reads of the pseudo-source RPKI (query.h): the same lookups as a stored source,
 * answered from the VRPs in force (ctx->rpki; none when NULL). query.c sends a read
 * here when its source is QUERY_SOURCE_RPKI_ID. Each returns 0.
 */
#ifndef IRRD_QUERY_RPKI_H
#define IRRD_QUERY_RPKI_H

#include "query.h"

/*
 * route/route6 "PREFIXASn/MLm" (IRRd's key of these objects): that VRP; "PREFIXASn": every
 * VRP of that prefix and AS (several maxLengths or trust anchors: several objects).
 */
int query_rpki_by_key(const struct query_context *ctx, const struct query_source *src, const char *cls,
		      const char *pkey, struct query_objects *out);
/* origin ASn: the VRPs of that AS; any other attribute: nothing. */
int query_rpki_by_attr(const struct query_context *ctx, const struct query_source *src, const char *attr,
		       const char *value, const char *cls, struct query_objects *out);
int query_rpki_by_prefix(const struct query_context *ctx, const struct query_source *src, const struct prefix *p,
			 enum query_match match, const char *cls, struct query_objects *out);

#endif
