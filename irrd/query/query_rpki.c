/*
 * The objects of the pseudo-source RPKI (query.h): one route or route6 object per VRP
 * in force, made from the view when asked, never stored. Each is named by its VRP's
 * place in the view (a negative id, so it never meets a stored row's id in a
 * seen-set) and lives as long as the answer that holds its text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "query.h"
#include "query_rpki.h"
#include "rpki_view.h"
#include "rpsl_object.h"
#include "strbuf.h"
#include "xalloc.h"

struct pseudo_collector {
	const struct query_context *ctx;
	const struct query_source *src;
	struct query_objects *out;
	const char *cls;             /* "route", "route6" or NULL: both */
	bool has_origin;             /* only VRPs of this origin */
	uint32_t origin;
	int max_length;              /* only VRPs of this maxLength; -1: any */
};

/*
 * The object's text, laid out as IRRd 4.5 lays out its RPKI objects: descr, remarks,
 * max-length, origin, and the trust anchor as a comment after the source.
 */
static char *pseudo_text(const struct rpki_view *view, const struct vrp *v, const char *cls)
{
	char p[PREFIX_STRLEN], name[24];
	struct strbuf t;

	prefix_format(&v->prefix, p);
	snprintf(name, sizeof(name), "%s:", cls);
	strbuf_init(&t);
	strbuf_printf(&t,
		      "%-16s%s\n"
		      "descr:          RPKI ROA for %s / AS%u\n"
		      "remarks:        This route object represents a validated ROA payload of the RPKI\n"
		      "                in force at this registry; it is not registered in any IRR.\n"
		      "max-length:     %u\n"
		      "origin:         AS%u\n"
		      "source:         " QUERY_SOURCE_RPKI_NAME "  # Trust Anchor: %s\n",
		      name, p, p, v->asn, v->max_length, v->asn, rpki_view_ta_name(view, v));
	return strbuf_detach(&t, NULL);
}

static void collect_vrp(void *arg, const struct vrp *v)
{
	struct pseudo_collector *c = arg;
	const char *cls = v->prefix.family == 4 ? "route" : "route6";
	char p[PREFIX_STRLEN], *pkey;

	if ((c->cls != NULL && strcasecmp(c->cls, cls) != 0) || (c->has_origin && v->asn != c->origin) ||
	    (c->max_length >= 0 && v->max_length != c->max_length) || c->out->truncated)
		return;
	prefix_format(&v->prefix, p);
	/* the route key every reader of route objects parses; !m also takes IRRd's "/MLm" form */
	pkey = xasprintf("%sAS%u", p, v->asn);
	query_objects_add(c->out, c->src, -1 - (int64_t)rpki_view_vrp_index(c->ctx->rpki, v), cls, pkey,
			  pseudo_text(c->ctx->rpki, v, cls));
}

/* A class filter the pseudo-source can answer: route, route6 or any (NULL). */
static bool is_route_class(const char *cls)
{
	return cls == NULL || strcasecmp(cls, "route") == 0 || strcasecmp(cls, "route6") == 0;
}

int query_rpki_by_key(const struct query_context *ctx, const struct query_source *src, const char *cls,
		      const char *pkey, struct query_objects *out)
{
	struct pseudo_collector c = { ctx, src, out, cls, true, 0, -1 };
	const char *ml = strstr(pkey, "/ML");
	char route_key[MAX_PRIMARY_KEY_LENGTH];
	struct prefix p;

	/* "PREFIXASn/MLm" names one VRP (IRRd's key); "PREFIXASn" every VRP of that prefix and AS */
	snprintf(route_key, sizeof(route_key), "%.*s", ml != NULL ? (int)(ml - pkey) : (int)strlen(pkey), pkey);
	if (ml != NULL) {
		char *end;
		long m = strtol(ml + 3, &end, 10);

		if (end == ml + 3 || *end != '\0' || m < 0 || m > 128)
			return 0;
		c.max_length = (int)m;
	}
	if (ctx->rpki == NULL || !is_route_class(cls) || !rpsl_route_key(route_key, &p, &c.origin))
		return 0;
	rpki_view_for_prefix(ctx->rpki, &p, false, collect_vrp, &c);
	return 0;
}

int query_rpki_by_attr(const struct query_context *ctx, const struct query_source *src, const char *attr,
		       const char *value, const char *cls, struct query_objects *out)
{
	struct pseudo_collector c = { ctx, src, out, cls, false, 0, -1 };
	const char *err;
	uint32_t asn;

	/* origin is the one lookup attribute these objects have (no mnt-by, no contacts) */
	if (ctx->rpki == NULL || !is_route_class(cls) || strcasecmp(attr, "origin") != 0 ||
	    asn_parse(value, strlen(value), true, &asn, &err) < 0)
		return 0;
	rpki_view_for_origin(ctx->rpki, asn, collect_vrp, &c);
	return 0;
}

int query_rpki_by_prefix(const struct query_context *ctx, const struct query_source *src, const struct prefix *p,
			 enum query_match match, const char *cls, struct query_objects *out)
{
	struct pseudo_collector c = { ctx, src, out, cls, false, 0, -1 };

	if (ctx->rpki == NULL || !is_route_class(cls))
		return 0;
	if (match == MATCH_EXACT || match == MATCH_MORE_ALL) {
		rpki_view_for_prefix(ctx->rpki, p, match == MATCH_MORE_ALL, collect_vrp, &c);
		return 0;
	}
	/* less specific: one exact lookup per shorter length, most specific first (as the store's) */
	for (int len = match == MATCH_LESS_ALL_INCL_EXACT ? p->length : p->length - 1; len >= 0 && !out->truncated;
	     len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		size_t before = out->count;

		rpki_view_for_prefix(ctx->rpki, &t, false, collect_vrp, &c);
		if (match == MATCH_LESS_ONE && out->count > before)
			break;
	}
	return 0;
}
