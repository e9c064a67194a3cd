/* RPKI states and filtering in whois answers; see whois_rpki.h. */
#include "whois_rpki.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "rpki_view.h"

bool whois_rpki_filters(const struct query_context *ctx, const struct whois_session *s, const char *source)
{
	const struct config *cfg = ctx->cfg;

	if (ctx->rpki == NULL || !cfg->rpki_filter_invalid || s->no_rpki_filter ||
	    strcmp(source, QUERY_SOURCE_RPKI_NAME) == 0)
		return false;
	for (size_t i = 0; i < cfg->rpki_excluded_source_count; i++)
		if (strcasecmp(cfg->rpki_excluded_sources[i], source) == 0)
			return false;
	return true;
}

bool whois_route_key(const struct query_object *o, struct prefix *prefix, uint32_t *origin)
{
	const char *as, *err;

	if (strcmp(o->cls, "route") != 0 && strcmp(o->cls, "route6") != 0)
		return false;
	/* the key is prefix and origin written together: "192.0.2.0/24AS64500" */
	as = strpbrk(o->pkey, "aA");
	return as != NULL && prefix_parse(o->pkey, (size_t)(as - o->pkey), 0, prefix, &err) == 0 &&
	       asn_parse(as, strlen(as), true, origin, &err) == 0;
}

bool whois_route_state(const struct query_context *ctx, const struct query_object *o, enum rov_state *state)
{
	struct prefix prefix;
	uint32_t origin;

	if (ctx->rpki == NULL || !whois_route_key(o, &prefix, &origin))
		return false;
	*state = rpki_view_state(ctx->rpki, &prefix, origin);
	return true;
}

bool whois_rpki_hides(const struct query_context *ctx, const struct whois_session *s, const struct query_object *o)
{
	enum rov_state state;

	return whois_rpki_filters(ctx, s, o->source) && whois_route_state(ctx, o, &state) && state == ROV_INVALID;
}

void whois_rpki_drop_invalid(const struct query_context *ctx, struct prefix_vec *v, size_t first, uint32_t origin)
{
	size_t kept = first;

	for (size_t i = first; i < v->count; i++)
		if (rpki_view_state(ctx->rpki, &v->items[i], origin) != ROV_INVALID)
			v->items[kept++] = v->items[i];
	v->count = kept;
}

void whois_rpki_drop_hidden(const struct query_context *ctx, const struct whois_session *s, struct query_objects *objs)
{
	size_t kept = 0;

	if (ctx->rpki == NULL)
		return;
	for (size_t i = 0; i < objs->count; i++) {
		struct query_object *o = &objs->items[i];

		if (whois_rpki_hides(ctx, s, o)) {
			free(o->cls);
			free(o->pkey);
			free(o->text);
			continue;
		}
		objs->items[kept++] = *o;
	}
	objs->count = kept;
}
