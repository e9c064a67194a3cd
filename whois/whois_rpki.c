/* RPKI states and filtering in whois answers; see whois_rpki.h. */
#include "whois_rpki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "authlist_mark.h"
#include "rpki_view.h"

bool whois_rpki_filters(const struct query_context *ctx, const struct whois_session *s, const char *source)
{
	const struct config *cfg = ctx->cfg;

	bool is_policy_rpki = s->has_policy ? s->policy == ROUTE_POLICY_RPKI || s->policy == ROUTE_POLICY_STRICT
					    : cfg->rpki_filter_invalid;

	if (ctx->rpki == NULL || !is_policy_rpki || s->no_rpki_filter || strcmp(source, QUERY_SOURCE_RPKI_NAME) == 0)
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

bool whois_policy_verified_only(const struct whois_session *s)
{
	return s->has_policy && (s->policy == ROUTE_POLICY_VERIFIED || s->policy == ROUTE_POLICY_STRICT);
}

/* Whether the authorisation list verified this route of `source` (a staff override is no verification). */
static bool is_verified(const struct query_context *ctx, const char *source, const struct prefix *p, uint32_t origin)
{
	char text[PREFIX_STRLEN], pkey[PREFIX_STRLEN + 16];
	int64_t entry = 0, when;

	if (strcasecmp(source, ctx->cfg->source) != 0)
		return false;
	prefix_format(p, text);
	snprintf(pkey, sizeof(pkey), "%sAS%u", text, origin);
	return authlist_route_mark(ctx->st, source, p->family == 4 ? "route" : "route6", pkey, &entry, &when) == 1 &&
	       entry > 0;
}

bool whois_rpki_hides(const struct query_context *ctx, const struct whois_session *s, const struct query_object *o)
{
	enum rov_state state;
	struct prefix prefix;
	uint32_t origin;

	if (whois_policy_verified_only(s) && whois_route_key(o, &prefix, &origin) &&
	    !is_verified(ctx, o->source, &prefix, origin))
		return true;
	return whois_rpki_filters(ctx, s, o->source) && whois_route_state(ctx, o, &state) && state == ROV_INVALID;
}

void whois_policy_trim(const struct query_context *ctx, const struct whois_session *s, const char *source,
		       struct prefix_vec *v, size_t first, uint32_t origin)
{
	bool is_rpki = whois_rpki_filters(ctx, s, source), is_verified_only = whois_policy_verified_only(s);
	size_t kept = first;

	if (!is_rpki && !is_verified_only)
		return;
	for (size_t i = first; i < v->count; i++) {
		if (is_rpki && rpki_view_state(ctx->rpki, &v->items[i], origin) == ROV_INVALID)
			continue;
		if (is_verified_only && !is_verified(ctx, source, &v->items[i], origin))
			continue;
		v->items[kept++] = v->items[i];
	}
	v->count = kept;
}

bool whois_route_kept(const struct query_context *ctx, const struct whois_session *s, const char *source,
		      const struct prefix *prefix, uint32_t origin)
{
	if (whois_rpki_filters(ctx, s, source) && rpki_view_state(ctx->rpki, prefix, origin) == ROV_INVALID)
		return false;
	return !whois_policy_verified_only(s) || is_verified(ctx, source, prefix, origin);
}

static bool filter_keep(void *arg, const char *source, const struct prefix *prefix, uint32_t origin)
{
	const struct whois_route_filter *f = arg;

	return whois_route_kept(f->ctx, f->s, source, prefix, origin);
}

void whois_route_filter_init(struct whois_route_filter *f, const struct query_context *ctx,
			     const struct whois_session *s)
{
	*f = (struct whois_route_filter){ .filter = { .keep = filter_keep, .arg = f }, .ctx = ctx, .s = s };
}

void whois_rpki_drop_hidden(const struct query_context *ctx, const struct whois_session *s, struct query_objects *objs)
{
	size_t kept = 0;

	if (ctx->rpki == NULL && !whois_policy_verified_only(s))
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
