/* The read API; see query.h. The SQL is store_read.c's; this file composes it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "log.h"
#include "origin_index.h"
#include "rpki_view.h"
#include "query.h"
#include "query_rpki.h"
#include "xalloc.h"

struct sources_reader {
	struct query_sources *out;
	const char *only;        /* NULL: every source */
};

static int add_source(void *arg, const struct store_source_row *row)
{
	struct sources_reader *r = arg;
	struct query_source *s;

	if (r->only != NULL && strcmp(r->only, row->name) != 0)
		return 0;
	if (r->out->count == MAX_QUERY_SOURCES)
		return 1;
	s = &r->out->items[r->out->count++];
	s->id = row->id;
	snprintf(s->name, sizeof(s->name), "%s", row->name);
	return 0;
}

/* Logs a store error of a read and returns -1 (queries answer "internal error" without details). */
static int read_failed(char *err)
{
	log_error("query: %s", err);
	free(err);
	return -1;
}

static int add_source_state(void *arg, const struct store_source_row *row)
{
	struct query_source_snapshot *snap = arg;
	struct query_source_state *s;

	if (snap->count == MAX_QUERY_SOURCES)
		return 1;
	s = &snap->items[snap->count++];
	s->source.id = row->id;
	snprintf(s->source.name, sizeof(s->source.name), "%s", row->name);
	s->generation = row->generation;
	s->serial_oldest = row->serial_oldest;
	s->serial_newest = row->serial_newest;
	return 0;
}

int query_source_snapshot_read(struct store *st, const struct config *cfg, struct query_source_snapshot *out,
			       char **err)
{
	out->count = 0;
	return store_read_sources(st, cfg ? cfg->source : NULL, add_source_state, out, err);
}

int query_source_state(const struct query_context *ctx, const char *name, struct query_source_state *out)
{
	struct query_source_snapshot fresh;
	const struct query_source_snapshot *snap = ctx->sources;
	char *err = NULL;

	if (snap == NULL) {
		if (query_source_snapshot_read(ctx->st, ctx->cfg, &fresh, &err) < 0)
			return read_failed(err);
		snap = &fresh;
	}
	for (size_t i = 0; i < snap->count; i++) {
		if (strcmp(snap->items[i].source.name, name) == 0) {
			*out = snap->items[i];
			return 1;
		}
	}
	return 0;
}

int query_sources_all(const struct query_context *ctx, struct query_sources *out)
{
	struct sources_reader r = { .out = out };
	char *err = NULL;

	out->count = 0;
	if (ctx->sources != NULL) {
		for (size_t i = 0; i < ctx->sources->count; i++)
			out->items[out->count++] = ctx->sources->items[i].source;
		return 0;
	}
	if (store_read_sources(ctx->st, ctx->cfg ? ctx->cfg->source : NULL, add_source, &r, &err) < 0)
		return read_failed(err);
	return 0;
}

int query_source(const struct query_context *ctx, const char *name, struct query_source *out)
{
	int64_t id;
	char *err = NULL;

	if (strcmp(name, QUERY_SOURCE_RPKI_NAME) == 0 &&
	    (ctx->cfg->rpki_vrp_file != NULL || ctx->cfg->rpki_rtr_cache != NULL)) {
		out->id = QUERY_SOURCE_RPKI_ID;
		snprintf(out->name, sizeof(out->name), "%s", QUERY_SOURCE_RPKI_NAME);
		return 1;
	}

	if (ctx->sources != NULL) {
		for (size_t i = 0; i < ctx->sources->count; i++) {
			if (strcmp(ctx->sources->items[i].source.name, name) == 0) {
				*out = ctx->sources->items[i].source;
				return 1;
			}
		}
		return 0;
	}
	id = store_source_id(ctx->st, name, &err);
	if (id < 0)
		return read_failed(err);
	if (id == 0)
		return 0;
	out->id = id;
	snprintf(out->name, sizeof(out->name), "%s", name);
	return 1;
}

int query_sources_default(const struct query_context *ctx, struct query_sources *out)
{
	out->count = 0;
	if (ctx->cfg->sources_default_count == 0)
		return query_sources_all(ctx, out);
	for (size_t i = 0; i < ctx->cfg->sources_default_count; i++) {
		struct query_source src;
		int rc = query_source(ctx, ctx->cfg->sources_default[i], &src);

		if (rc < 0)
			return -1;
		if (rc == 1 && out->count < MAX_QUERY_SOURCES)
			out->items[out->count++] = src;
	}
	return 0;
}

static bool is_listed(const struct query_sources *list, int64_t id)
{
	for (size_t i = 0; i < list->count; i++)
		if (list->items[i].id == id)
			return true;
	return false;
}

int query_parse_sources(const struct query_context *ctx, const char *list, struct query_sources *out,
			char unknown[MAX_SOURCE_NAME_LENGTH + 1])
{
	out->count = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		char name[MAX_SOURCE_NAME_LENGTH + 1];
		int rc;

		if (n == 0 || n > MAX_SOURCE_NAME_LENGTH || out->count == MAX_QUERY_SOURCES)
			return -1;
		for (size_t i = 0; i < n; i++)
			name[i] = (char)toupper((unsigned char)p[i]);
		name[n] = '\0';
		rc = query_source(ctx, name, &out->items[out->count]);
		if (rc != 1) {
			memcpy(unknown, name, n + 1);
			return -2;
		}
		if (!is_listed(out, out->items[out->count].id))
			out->count++; /* a source named twice is asked once, at its first place */
		p += n + (p[n] == ',');
	}
	return out->count > 0 ? 0 : -1;
}

int query_refresh(const struct query_context *ctx)
{
	return ctx->origins != NULL ? origin_index_refresh(ctx->origins, ctx->st) : 0;
}

void query_objects_init(struct query_objects *v)
{
	memset(v, 0, sizeof(*v));
}

void query_objects_release(struct query_objects *v)
{
	for (size_t i = 0; i < v->count; i++) {
		free(v->items[i].cls);
		free(v->items[i].pkey);
		free(v->items[i].text);
	}
	free(v->items);
	free(v->seen);
	memset(v, 0, sizeof(*v));
}

/*
 * Records an object in the seen-set; returns false when it was already there. The
 * object's row id names it in every source (one objects table), so the id alone is
 * the key: mixing the source in (it once was, by the name's address) let objects of
 * two sources collide and the second one vanish from !o and !r answers.
 */
static bool objects_mark_seen(struct query_objects *v, int64_t id)
{
	uint64_t key = (uint64_t)id;
	size_t i;

	if ((v->seen_count + 1) * 2 > v->seen_slots) {
		uint64_t *old = v->seen;
		size_t old_slots = v->seen_slots;

		v->seen_slots = old_slots ? old_slots * 2 : 64;
		v->seen = xcalloc(v->seen_slots, sizeof(*v->seen));
		for (size_t j = 0; j < old_slots; j++) {
			if (old[j] == 0)
				continue;
			for (i = (size_t)(old[j] * 0x9E3779B97F4A7C15ull) & (v->seen_slots - 1); v->seen[i] != 0;
			     i = (i + 1) & (v->seen_slots - 1))
				;
			v->seen[i] = old[j];
		}
		free(old);
	}
	key |= 1ull << 63; /* never 0, the empty mark */
	for (i = (size_t)(key * 0x9E3779B97F4A7C15ull) & (v->seen_slots - 1); v->seen[i] != 0;
	     i = (i + 1) & (v->seen_slots - 1)) {
		if (v->seen[i] == key)
			return false;
	}
	v->seen[i] = key;
	v->seen_count++;
	return true;
}

/* Collecting rows into a query_objects: each object once, at most MAX_QUERY_OBJECTS. */
struct collector {
	const struct query_source *src;
	struct query_objects *out;
};

bool query_objects_add(struct query_objects *out, const struct query_source *src, int64_t id, const char *cls,
		       char *pkey, char *text)
{
	struct query_object *o;

	/* A lookup may reach one object through several index rows. */
	if (!objects_mark_seen(out, id)) {
		free(pkey);
		free(text);
		return true;
	}
	if (out->count >= MAX_QUERY_OBJECTS) {
		out->truncated = true;
		free(pkey);
		free(text);
		return false;
	}
	out->items = xgrow(out->items, &out->capacity, out->count + 1, sizeof(*out->items));
	o = &out->items[out->count++];
	o->id = id;
	o->source = src->name;
	o->cls = xstrdup(cls);
	o->pkey = pkey;
	o->text = text;
	return true;
}

static int collect_object(void *arg, const struct store_object_row *row)
{
	struct collector *c = arg;

	return query_objects_add(c->out, c->src, row->id, row->cls, xstrdup(row->pkey),
				 xstrdup(row->text ? row->text : "")) ? 0 : 1;
}

int query_by_key(const struct query_context *ctx, const struct query_source *src, const char *cls, const char *pkey,
		 struct query_objects *out)
{
	struct collector c = { src, out };
	char *err = NULL;

	if (src->id == QUERY_SOURCE_RPKI_ID)
		return query_rpki_by_key(ctx, src, cls, pkey, out);
	return store_read_by_key(ctx->st, src->id, cls, pkey, collect_object, &c, &err) < 0 ? read_failed(err) : 0;
}

int query_by_attr(const struct query_context *ctx, const struct query_source *src, const char *attr,
		  const char *value, const char *cls, struct query_objects *out)
{
	struct collector c = { src, out };
	char *err = NULL;

	if (src->id == QUERY_SOURCE_RPKI_ID)
		return query_rpki_by_attr(ctx, src, attr, value, cls, out);
	return store_read_by_attr(ctx->st, src->id, attr, value, cls, collect_object, &c, &err) < 0 ? read_failed(err)
												      : 0;
}

int query_as_block(const struct query_context *ctx, const struct query_source *src, uint32_t asn,
		   struct query_objects *out)
{
	struct collector c = { src, out };
	char *err = NULL;

	return store_read_as_block(ctx->st, src->id, asn, collect_object, &c, &err) < 0 ? read_failed(err) : 0;
}

int query_by_prefix(const struct query_context *ctx, const struct query_source *src, const struct prefix *p,
		    enum query_match match, const char *cls, struct query_objects *out)
{
	struct collector c = { src, out };
	char *err = NULL;

	if (src->id == QUERY_SOURCE_RPKI_ID)
		return query_rpki_by_prefix(ctx, src, p, match, cls, out);
	if (match == MATCH_EXACT || match == MATCH_MORE_ALL) {
		int rc = match == MATCH_EXACT ? store_read_prefix_exact(ctx->st, src->id, p, cls, collect_object, &c, &err)
					      : store_read_prefix_more(ctx->st, src->id, p, cls, collect_object, &c, &err);

		return rc < 0 ? read_failed(err) : 0;
	}
	/* Less specific: one point lookup per shorter length, most specific first. */
	for (int len = match == MATCH_LESS_ALL_INCL_EXACT ? p->length : p->length - 1; len >= 0 && !out->truncated;
	     len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		size_t before = out->count;

		if (store_read_prefix_exact(ctx->st, src->id, &t, cls, collect_object, &c, &err) < 0)
			return read_failed(err);
		if (match == MATCH_LESS_ONE && out->count > before)
			break;
	}
	return 0;
}

void prefix_vec_reserve(struct prefix_vec *v, size_t n)
{
	v->items = xgrow(v->items, &v->capacity, v->count + n, sizeof(*v->items));
}

void prefix_vec_push(struct prefix_vec *v, const struct prefix *p)
{
	v->items = xgrow(v->items, &v->capacity, v->count + 1, sizeof(*v->items));
	v->items[v->count++] = *p;
}

static int compare_prefixes(const void *a, const void *b)
{
	return prefix_compare(a, b);
}

void prefix_vec_sort_unique(struct prefix_vec *v)
{
	size_t w = 0, i;

	/* One source's lookup comes sorted already (origin_index.h): then only check. */
	for (i = 1; i < v->count && prefix_compare(&v->items[i - 1], &v->items[i]) < 0; i++)
		;
	if (i >= v->count)
		return;
	qsort(v->items, v->count, sizeof(*v->items), compare_prefixes);
	for (size_t r = 1; r < v->count; r++) {
		if (compare_prefixes(&v->items[w], &v->items[r]) != 0)
			v->items[++w] = v->items[r];
	}
	v->count = w + 1;
}

void prefix_vec_release(struct prefix_vec *v)
{
	free(v->items);
	memset(v, 0, sizeof(*v));
}

struct origin_collector {
	uint8_t family;
	struct prefix_vec *out;
};

static int collect_origin_prefix(void *arg, const struct store_object_row *row)
{
	struct origin_collector *c = arg;
	struct prefix p;

	if (rpsl_route_key_prefix(row->pkey, &p) && (c->family == 0 || p.family == c->family))
		prefix_vec_push(c->out, &p);
	return 0;
}

/* The prefixes of the pseudo-source RPKI's route objects: one per VRP. */
static void collect_vrp_prefix(void *ctx, const struct vrp *v)
{
	prefix_vec_push(ctx, &v->prefix);
}

static void collect_vrp_prefix4(void *ctx, const struct vrp *v)
{
	if (v->prefix.family == 4)
		prefix_vec_push(ctx, &v->prefix);
}

static void collect_vrp_prefix6(void *ctx, const struct vrp *v)
{
	if (v->prefix.family == 6)
		prefix_vec_push(ctx, &v->prefix);
}

/* Sorts and dedups the prefixes v got since first, leaving those before alone. */
static void sort_unique_from(struct prefix_vec *v, size_t first)
{
	struct prefix_vec tail = { v->items + first, v->count - first, v->count - first };

	if (v->count - first < 2)
		return;
	prefix_vec_sort_unique(&tail);
	v->count = first + tail.count;
}

int query_origin_prefixes(const struct query_context *ctx, const struct query_source *src, uint32_t asn,
			  uint8_t family, struct prefix_vec *out)
{
	struct origin_collector c = { family, out };
	char asn_text[ASN_STRLEN], *err = NULL;
	size_t first = out->count;

	if (src->id == QUERY_SOURCE_RPKI_ID) {
		rpki_view_for_origin(ctx->rpki, asn, family == 4 ? collect_vrp_prefix4 : family == 6 ? collect_vrp_prefix6
											     : collect_vrp_prefix, out);
		sort_unique_from(out, first); /* VRPs differing only in maxLength share a prefix */
		return 0;
	}
	if (ctx->origins != NULL) {
		origin_index_lookup(ctx->origins, src->id, asn, family, out); /* sorted, unique */
		return 0;
	}
	asn_format(asn, asn_text);
	if (store_read_route_keys(ctx->st, src->id, asn_text, collect_origin_prefix, &c, &err) < 0)
		return read_failed(err);
	sort_unique_from(out, first);
	return 0;
}

int query_journal(const struct query_context *ctx, const struct query_source *src, int64_t after, int64_t upto,
		  store_journal_fn fn, void *arg, char **err)
{
	return store_read_journal(ctx->st, src->id, after, upto, NULL, NULL, fn, arg, err);
}
