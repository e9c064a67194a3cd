/*
 * The findings of rpki_findings.h. Routes and marks come from authlist_routes_read,
 * states and covering VRPs from the rpki_table irrd writes.
 */
#include "rpki_findings.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "authlist.h"
#include "authlist_mark.h"
#include "mntner_contact.h"
#include "rpki_table.h"
#include "rpsl_object.h"
#include "store_read.h"
#include "strbuf.h"
#include "vrp_file.h"
#include "xalloc.h"

/* A route of our source in the scope. */
struct scoped_route {
	struct prefix prefix;
	uint32_t origin;
	const char *cls;             /* "route" or "route6" (static) */
	int64_t entry;               /* the entry that verified it; 0: none (or a staff override) */
	enum rov_state state;
	struct vrp_set *covering;    /* the VRPs covering it (owned) */
};

struct collection {
	const struct rpki_findings_scope *scope;
	struct allocation *allocs;   /* scope lir: its allocations */
	size_t alloc_count;
	char **keys;                 /* scope mntner: "CLASS PKEY" of its routes, sorted */
	size_t key_count, key_capacity;
	struct scoped_route *routes; /* sorted by prefix, then origin */
	size_t count, capacity;
	/*
	 * Scope "all" (the mailed reports): the whole VRP table in memory with its index,
	 * and the VRPs some route matches (sorted, unique), so that nothing is looked up
	 * per route, per entry or per VRP in SQLite. NULL otherwise.
	 */
	struct vrp_set *all;
	struct rov_index *idx;
	struct vrp *used;
	size_t used_count, used_capacity;
};

static const char *const kind_titles[RPKI_FINDING_KINDS] = {
	"RPKI-invalid routes",
	"routes verified by the authorisation list that no VRP covers (not_found)",
	"authorisation list entries whose origins disagree with the VRPs covering them",
	"VRPs in the allocations with no route object",
};
static const char *const kind_names[RPKI_FINDING_KINDS] = {
	"invalid", "not_found", "entries_disagreeing", "vrps_without_route",
};

const char *rpki_finding_kind_title(enum rpki_finding_kind kind)
{
	return kind_titles[kind];
}

const char *rpki_finding_kind_name(enum rpki_finding_kind kind)
{
	return kind_names[kind];
}

static void collection_release(struct collection *c)
{
	rov_index_free(c->idx);
	vrp_set_free(c->all);
	free(c->used);
	for (size_t i = 0; i < c->count; i++)
		vrp_set_free(c->routes[i].covering);
	free(c->routes);
	for (size_t i = 0; i < c->key_count; i++)
		free(c->keys[i]);
	free(c->keys);
	free(c->allocs);
}

void rpki_findings_release(struct rpki_findings *f)
{
	for (size_t i = 0; i < f->count; i++) {
		struct rpki_finding *x = &f->items[i];

		free(x->key);
		free(x->line);
		json_decref(x->json);
		for (size_t k = 0; k < x->mntner_count; k++)
			free(x->mntners[k]);
		free(x->mntners);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static struct rpki_finding *finding_add(struct rpki_findings *f, enum rpki_finding_kind kind, char *key,
					struct strbuf *line, json_t *json)
{
	struct rpki_finding *x;

	if (f->count == f->capacity) {
		f->capacity = f->capacity ? f->capacity * 2 : 64;
		f->items = xrealloc(f->items, f->capacity * sizeof(*f->items));
	}
	x = &f->items[f->count++];
	if (f->is_text_only) {
		json_decref(json);
		json = NULL;
	}
	*x = (struct rpki_finding){ .kind = kind, .key = key, .line = strbuf_detach(line, NULL), .json = json };
	return x;
}

static int key_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_key(void *arg, const struct store_object_row *row)
{
	struct collection *c = arg;

	c->keys = xgrow(c->keys, &c->key_capacity, c->key_count + 1, sizeof(*c->keys));
	c->keys[c->key_count++] = xasprintf("%s %s", row->cls, row->pkey);
	return 0;
}

static bool is_in_scope(const struct collection *c, const struct authlist_route_row *row, const struct prefix *p)
{
	if (c->scope->lir != NULL) {
		for (size_t i = 0; i < c->alloc_count; i++)
			if (prefix_contains(&c->allocs[i].block, p))
				return true;
		return false;
	}
	if (c->scope->mntner != NULL) {
		char *key = xasprintf("%s %s", row->cls, row->pkey);
		bool is_found = c->key_count > 0 &&
				bsearch(&key, c->keys, c->key_count, sizeof(*c->keys), key_compare) != NULL;

		free(key);
		return is_found;
	}
	return true;
}

static int collect_route(void *arg, const struct authlist_route_row *row)
{
	struct collection *c = arg;
	struct scoped_route r = { .cls = strcmp(row->cls, "route6") == 0 ? "route6" : "route" };

	if (!rpsl_route_key(row->pkey, &r.prefix, &r.origin) || !is_in_scope(c, row, &r.prefix))
		return 0;
	r.entry = row->is_marked && row->entry > 0 ? row->entry : 0;
	c->routes = xgrow(c->routes, &c->capacity, c->count + 1, sizeof(*c->routes));
	c->routes[c->count++] = r;
	return 0;
}

static int route_compare(const void *a, const void *b)
{
	const struct scoped_route *x = a, *y = b;
	int c = prefix_compare(&x->prefix, &y->prefix);

	if (c != 0)
		return c;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/*
 * Every route's state from one index of the whole table in memory (0.4 us a route)
 * instead of up to 33 or 129 index lookups in SQLite per route; the covering VRPs are
 * copied out for the invalid ones only, the rest need none. 0 or -1 *err.
 */
static int vrp_order(const void *a, const void *b)
{
	return vrp_compare(a, b);
}

static int validate_in_memory(struct store *st, struct collection *c, char **err)
{
	struct rov_vrps cov;
	bool is_loaded;
	size_t w = 0;

	if (rpki_table_read_all(st, &c->all, &is_loaded, err) < 0)
		return -1;
	c->idx = rov_index_build(c->all);
	rov_vrps_init(&cov);
	for (size_t i = 0; i < c->count; i++) {
		struct scoped_route *r = &c->routes[i];

		r->state = rov_validate(c->idx, &r->prefix, r->origin, &cov);
		r->covering = vrp_set_new();
		for (size_t k = 0; k < cov.count; k++) {
			const char *why;

			if (r->state == ROV_INVALID)
				vrp_set_add(r->covering, &cov.items[k]->prefix, cov.items[k]->max_length, cov.items[k]->asn,
					    vrp_set_ta_name(c->all, cov.items[k]), cov.items[k]->expires, &why);
			else if (rov_vrp_matches(cov.items[k], &r->prefix, r->origin)) {
				c->used = xgrow(c->used, &c->used_capacity, c->used_count + 1, sizeof(*c->used));
				c->used[c->used_count++] = *cov.items[k];
			}
		}
		vrp_set_sort(r->covering);
	}
	rov_vrps_release(&cov);
	if (c->used_count > 1)
		qsort(c->used, c->used_count, sizeof(*c->used), vrp_order);
	for (size_t i = 0; i < c->used_count; i++)
		if (w == 0 || vrp_compare(&c->used[w - 1], &c->used[i]) != 0)
			c->used[w++] = c->used[i];
	c->used_count = w;
	return 0;
}

static int copy_vrp(void *arg, const struct vrp *v)
{
	struct vrp_set **pair = arg;   /* [0] the whole set (names), [1] the copy */
	const char *why;

	vrp_set_add(pair[1], &v->prefix, v->max_length, v->asn, vrp_set_ta_name(pair[0], v), v->expires, &why);
	return 0;
}

/* The VRPs covering p: from the index in memory (scope "all") or the table. 0 or -1 *err. */
static int covering_of(struct store *st, const struct collection *c, const struct prefix *p, struct vrp_set **out,
		       char **err)
{
	bool is_loaded;

	if (c->idx != NULL) {
		struct vrp_set *pair[2] = { c->all, vrp_set_new() };

		rov_covering(c->idx, p, copy_vrp, pair);
		vrp_set_sort(pair[1]);
		*out = pair[1];
		return 0;
	}
	return rpki_table_covering(st, p, out, &is_loaded, err);
}

/* The VRPs inside block: the run of the sorted set in memory (scope "all") or the table. 0 or -1 *err. */
static int within_of(struct store *st, const struct collection *c, const struct prefix *block, struct vrp_set **out,
		     char **err)
{
	bool is_loaded;

	if (c->all != NULL) {
		const struct vrp *items = vrp_set_items(c->all);
		size_t lo = 0, hi = vrp_set_count(c->all), n = hi;
		struct vrp_set *pair[2] = { c->all, vrp_set_new() };

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (prefix_compare(&items[mid].prefix, block) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && prefix_contains(block, &items[lo].prefix); lo++)
			copy_vrp(pair, &items[lo]);
		*out = pair[1];
		return 0;
	}
	return rpki_table_within(st, block, out, &is_loaded, err);
}

/* The routes in scope, sorted, each with its state and covering VRPs. 1 done, 0 no such LIR, -1 *err. */
static int collect_routes(struct store *st, const struct config *cfg, struct collection *c, char **err)
{
	if (c->scope->lir != NULL) {
		struct lir_account acct;
		int found = lir_get(st, c->scope->lir, &acct, err);

		if (found <= 0)
			return found;
		if (alloc_list(st, c->scope->lir, &c->allocs, &c->alloc_count, err) < 0)
			return -1;
	} else if (c->scope->mntner != NULL) {
		int64_t sid = store_source_id(st, cfg->source, err);
		int known;

		if (sid < 0)
			return -1;
		known = store_object_exists(st, cfg->source, "mntner", c->scope->mntner);
		if (known <= 0) {
			if (known < 0)
				*err = xstrdup("store error looking up the maintainer");
			return known;
		}
		if (sid > 0 &&
		    (store_read_by_attr(st, sid, "mnt-by", c->scope->mntner, "route", collect_key, c, err) < 0 ||
		     store_read_by_attr(st, sid, "mnt-by", c->scope->mntner, "route6", collect_key, c, err) < 0))
			return -1;
		if (c->key_count > 0)
			qsort(c->keys, c->key_count, sizeof(*c->keys), key_compare);
	}
	if (authlist_routes_read(st, cfg->source, collect_route, c, err) < 0)
		return -1;
	if (c->count > 0)
		qsort(c->routes, c->count, sizeof(*c->routes), route_compare);
	if (c->scope->lir == NULL && c->scope->mntner == NULL)
		return validate_in_memory(st, c, err) < 0 ? -1 : 1;
	for (size_t i = 0; i < c->count; i++) {
		struct scoped_route *r = &c->routes[i];
		bool is_loaded;

		if (rpki_table_state(st, &r->prefix, r->origin, &r->state, &is_loaded, &r->covering, err) < 0)
			return -1;
	}
	return 1;
}

/* ---- the findings: a key, a line and a JSON object each ---- */

static void vrps_to_text(const struct vrp_set *set, struct strbuf *out)
{
	char text[VRP_STRLEN];

	for (size_t i = 0; i < vrp_set_count(set); i++) {
		vrp_format(vrp_set_get(set, i), text);
		strbuf_append_str(out, i > 0 ? ", " : "");
		strbuf_append_str(out, text);
	}
}

static bool is_scope_all(const struct collection *c)
{
	return c->scope->lir == NULL && c->scope->mntner == NULL;
}

/* Scope "all": whose the route's finding is, the LIR holding its space and its maintainers. 0 or -1 *err. */
static int attribute_route(struct store *st, const struct config *cfg, const struct scoped_route *r,
			   struct rpki_finding *f, char **err)
{
	struct allocation holder;
	char p[PREFIX_STRLEN], pkey[PREFIX_STRLEN + 16];
	int found = alloc_covering(st, &r->prefix, NULL, &holder, err);

	if (found < 0)
		return -1;
	if (found == 1)
		snprintf(f->lir, sizeof(f->lir), "%s", holder.lir);
	prefix_format(&r->prefix, p);
	snprintf(pkey, sizeof(pkey), "%sAS%u", p, r->origin);
	return object_mntners(st, cfg, r->cls, pkey, &f->mntners, &f->mntner_count, err);
}

/*
 * The route kinds: invalid (a route RPKI-invalid, with the VRPs that cover it, none
 * matching) and not_found (a route the list verifies that no VRP covers, with the ROA
 * to create: RFC 9319, the route's prefix and origin, no maxLength). 0 or -1 *err.
 */
static int find_route_kinds(struct store *st, const struct config *cfg, const struct collection *c,
			    struct rpki_findings *out, char **err)
{
	char p[PREFIX_STRLEN];

	for (size_t i = 0; i < c->count; i++) {
		const struct scoped_route *r = &c->routes[i];
		bool is_invalid = r->state == ROV_INVALID;
		struct rpki_finding *f;
		struct strbuf line;
		json_t *o;

		if (!is_invalid && (r->state != ROV_NOT_FOUND || r->entry == 0))
			continue;
		prefix_format(&r->prefix, p);
		o = json_object();
		json_object_set_new(o, "prefix", json_string(p));
		json_object_set_new(o, "origin", json_integer((json_int_t)r->origin));
		strbuf_init(&line);
		if (is_invalid) {
			json_object_set_new(o, "vrps", vrp_set_to_json(r->covering));
			strbuf_printf(&line, "%s AS%u: conflicting VRPs ", p, r->origin);
			vrps_to_text(r->covering, &line);
		} else {
			json_object_set_new(o, "entry", json_integer((json_int_t)r->entry));
			json_object_set_new(o, "suggested_roa", json_pack("{s:s, s:I, s:n}", "prefix", p, "asn",
									  (json_int_t)r->origin, "max_length"));
			strbuf_printf(&line, "%s AS%u (entry #%lld): suggested ROA %s AS%u, no maxLength", p, r->origin,
				      (long long)r->entry, p, r->origin);
		}
		f = finding_add(out, is_invalid ? RPKI_FINDING_INVALID : RPKI_FINDING_NOT_FOUND,
				xasprintf("%s %s AS%u", is_invalid ? "invalid" : "not_found", p, r->origin), &line, o);
		if (is_scope_all(c) && attribute_route(st, cfg, r, f, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * entry_disagrees: allow entries of `lir` with an origin list whose prefix VRPs cover,
 * where the two disagree: a listed origin no covering VRP lets announce the entry's
 * prefix, or a covering VRP's AS (not AS0) the list leaves out. 0 or -1 *err.
 */
static int find_entries(struct store *st, const struct collection *c, const char *lir, struct rpki_findings *out,
			char **err)
{
	struct authlist_query q = { .lir = lir, .sort = AUTHLIST_SORT_PREFIX };
	struct authlist_entry *e = NULL;
	size_t n = 0;
	int rc = -1;

	if (authlist_search(st, &q, &e, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct vrp_set *cov = NULL;
		json_t *without, *unlisted, *origins, *o;
		struct strbuf w, u, line;
		struct rpki_finding *f;
		char p[PREFIX_STRLEN];

		if (e[i].action != AUTHLIST_ALLOW || e[i].origin_count == 0)
			continue;
		if (covering_of(st, c, &e[i].prefix, &cov, err) < 0)
			goto out;
		if (vrp_set_count(cov) == 0) {
			vrp_set_free(cov);
			continue;
		}
		without = json_array();
		unlisted = json_array();
		origins = json_array();
		strbuf_init(&w);
		strbuf_init(&u);
		for (size_t k = 0; k < e[i].origin_count; k++) {
			bool is_matched = false;

			json_array_append_new(origins, json_integer((json_int_t)e[i].origins[k]));
			for (size_t j = 0; j < vrp_set_count(cov) && !is_matched; j++)
				is_matched = rov_vrp_matches(vrp_set_get(cov, j), &e[i].prefix, e[i].origins[k]);
			if (!is_matched) {
				json_array_append_new(without, json_integer((json_int_t)e[i].origins[k]));
				strbuf_printf(&w, " AS%u", e[i].origins[k]);
			}
		}
		for (size_t j = 0; j < vrp_set_count(cov); j++) {
			uint32_t asn = vrp_set_get(cov, j)->asn;
			bool is_repeat = false;

			if (asn == 0 || authlist_origin_allowed(&e[i], asn))
				continue;
			/* one mention per AS, though several VRPs may name it */
			for (size_t k = 0; k < j; k++)
				is_repeat = is_repeat || vrp_set_get(cov, k)->asn == asn;
			if (is_repeat)
				continue;
			json_array_append_new(unlisted, json_integer((json_int_t)asn));
			strbuf_printf(&u, " AS%u", asn);
		}
		if (w.len == 0 && u.len == 0) {
			json_decref(origins);
			json_decref(without);
			json_decref(unlisted);
		} else {
			prefix_format(&e[i].prefix, p);
			o = json_object();
			json_object_set_new(o, "entry", json_integer((json_int_t)e[i].id));
			json_object_set_new(o, "prefix", json_string(p));
			json_object_set_new(o, "mntner", json_string(e[i].mntner));
			json_object_set_new(o, "origins", origins);
			json_object_set_new(o, "origins_without_vrp", without);
			json_object_set_new(o, "vrp_origins_not_listed", unlisted);
			json_object_set_new(o, "vrps", vrp_set_to_json(cov));
			strbuf_init(&line);
			strbuf_printf(&line, "#%lld %s %s:", (long long)e[i].id, p, e[i].mntner);
			if (w.len > 0)
				strbuf_printf(&line, " listed without a VRP%s;", w.data);
			if (u.len > 0)
				strbuf_printf(&line, " VRPs for unlisted%s;", u.data);
			strbuf_append_str(&line, " VRPs ");
			vrps_to_text(cov, &line);
			/* the same entry wrong in another way is new: the key holds the disagreement */
			f = finding_add(out, RPKI_FINDING_ENTRY_DISAGREES,
					xasprintf("entry %lld %s without%s; unlisted%s", (long long)e[i].id, p,
						  w.len ? w.data : "", u.len ? u.data : ""),
					&line, o);
			snprintf(f->lir, sizeof(f->lir), "%s", lir);
		}
		strbuf_release(&w);
		strbuf_release(&u);
		vrp_set_free(cov);
	}
	rc = 0;
out:
	free(e);
	return rc;
}

/* The first route at or after `block`'s first address (routes are in prefix order). */
static size_t first_route_within(const struct collection *c, const struct prefix *block)
{
	size_t lo = 0, hi = c->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_compare(&c->routes[mid].prefix, block) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* vrp_without_route: VRPs (not AS0) inside `lir`'s allocations that match no route object of ours. 0 or -1 *err. */
static int find_orphan_vrps(struct store *st, const char *lir, const struct allocation *allocs, size_t alloc_count,
			    const struct collection *c, struct rpki_findings *out, char **err)
{
	for (size_t a = 0; a < alloc_count; a++) {
		struct vrp_set *inside = NULL;
		size_t from = first_route_within(c, &allocs[a].block);

		if (within_of(st, c, &allocs[a].block, &inside, err) < 0)
			return -1;
		for (size_t j = 0; j < vrp_set_count(inside); j++) {
			const struct vrp *v = vrp_set_get(inside, j);
			char text[VRP_STRLEN];
			struct rpki_finding *f;
			struct strbuf line;
			bool is_used = false;

			if (v->asn == 0)
				continue;
			if (c->all != NULL) {
				/* scope "all": the VRPs some route matched were noted while validating */
				is_used = c->used_count > 0 &&
					  bsearch(v, c->used, c->used_count, sizeof(*c->used), vrp_order) != NULL;
			} else {
				/* a route v can match lies inside v's prefix, so inside the allocation: a contiguous run */
				for (size_t i = from; i < c->count &&
						      prefix_contains(&allocs[a].block, &c->routes[i].prefix) && !is_used; i++)
					is_used = rov_vrp_matches(v, &c->routes[i].prefix, c->routes[i].origin);
			}
			if (is_used)
				continue;
			vrp_format(v, text);
			strbuf_init(&line);
			strbuf_append_str(&line, text);
			f = finding_add(out, RPKI_FINDING_VRP_WITHOUT_ROUTE, xasprintf("vrp %s", text), &line,
					vrp_to_json(inside, v));
			snprintf(f->lir, sizeof(f->lir), "%s", lir);
		}
		vrp_set_free(inside);
	}
	return 0;
}

/* The two LIR kinds for every LIR (scope "all"). 0 or -1 *err. */
static int find_lir_kinds_all(struct store *st, const struct collection *c, struct rpki_findings *out, char **err)
{
	struct lir_account *lirs = NULL;
	size_t lir_count = 0;
	int rc = -1;

	if (lir_list(st, &lirs, &lir_count, err) < 0)
		return -1;
	for (size_t i = 0; i < lir_count; i++)
		if (find_entries(st, c, lirs[i].id, out, err) < 0)
			goto out;
	for (size_t i = 0; i < lir_count; i++) {
		struct allocation *allocs = NULL;
		size_t n = 0;
		int failed;

		if (alloc_list(st, lirs[i].id, &allocs, &n, err) < 0)
			goto out;
		failed = find_orphan_vrps(st, lirs[i].id, allocs, n, c, out, err) < 0;
		free(allocs);
		if (failed)
			goto out;
	}
	rc = 0;
out:
	free(lirs);
	return rc;
}

int rpki_findings_collect(struct store *st, const struct config *cfg, const struct rpki_findings_scope *scope,
			  struct rpki_findings *out, char **err)
{
	struct collection c = { .scope = scope };
	/* one read snapshot: consistent, and SQLite locks once instead of per statement */
	bool is_own_snapshot = !store_in_tx(st);
	int found;

	if (is_own_snapshot && store_read_begin(st, err) < 0)
		return -1;
	found = collect_routes(st, cfg, &c, err);
	if (found <= 0)
		goto out;
	found = -1;
	if (find_route_kinds(st, cfg, &c, out, err) < 0)
		goto out;
	if (scope->lir != NULL) {
		if (find_entries(st, &c, scope->lir, out, err) < 0 ||
		    find_orphan_vrps(st, scope->lir, c.allocs, c.alloc_count, &c, out, err) < 0)
			goto out;
	} else if (scope->mntner == NULL && find_lir_kinds_all(st, &c, out, err) < 0) {
		goto out;
	}
	found = 1;
out:
	if (is_own_snapshot)
		store_read_end(st);
	collection_release(&c);
	return found;
}

int rpki_findings_vrps_loaded(struct store *st, bool *is_loaded, char **err)
{
	struct prefix none = { .family = 4 };
	enum rov_state unused;

	return rpki_table_state(st, &none, 0, &unused, is_loaded, NULL, err);
}
