/* Set expansion; see set_expand.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "irr_limits.h"
#include "rpsl_parse.h"
#include "set_expand.h"
#include "xalloc.h"

/*
 * What a set is expanded into. Nesting is followed with an explicit work list, not
 * recursion on the C stack, so a chain of 100,000 nested sets costs 100,000 list
 * entries, not 100,000 stack frames.
 */
enum pending_kind {
	PENDING_AS_SET,        /* an as-set: its AS numbers */
	PENDING_ROUTE_SET,     /* a route-set: its prefixes, under an outer operator */
	PENDING_AS_SET_ROUTES, /* an as-set inside a route-set: the routes of its ASNs, under an operator */
};

struct pending {
	enum pending_kind kind;
	struct set_range range; /* the operators above this set, composed (route-set context) */
	char *name;             /* upper case */
};

struct expander {
	const struct query_context *ctx;
	struct store *st;
	const struct query_sources *sources;
	struct set_result *r;
	/* Keys seen (sets with their context, ASNs already looked up, direct members): linear probing. */
	char **visited;
	size_t visited_count, visited_slots;
	size_t sets_queued;          /* sets put on the work list; bounded by MAX_SETS_VISITED */
	size_t prefixes_considered;  /* prefixes looked at, kept or dropped; bounded by MAX_SET_PREFIXES_CONSIDERED */
	struct pending *pending;     /* the work list (a stack) */
	size_t pending_count, pending_capacity;
	char *error;
	const struct set_range *outer; /* range applied to mbrs-by-ref routes */
	const struct set_route_filter *filter; /* which route objects may give prefixes; NULL: all */
	const char *claim_source;      /* the source of the member-of claimant being handed over */
};

/* Whether the answer's policy lets this route object give its prefix. */
static bool route_kept(const struct expander *e, const char *source, const struct prefix *p, uint32_t origin)
{
	return e->filter == NULL || e->filter->keep(e->filter->arg, source, p, origin);
}

void set_result_release(struct set_result *r)
{
	for (size_t i = 0; i < r->member_count; i++)
		free(r->members[i]);
	free(r->members);
	free(r->asns);
	free(r->prefixes);
	memset(r, 0, sizeof(*r));
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Marks a key seen; returns false when it already was (for sets: a cycle or a diamond). */
static bool visit(struct expander *e, const char *upper)
{
	size_t i;

	if ((e->visited_count + 1) * 2 > e->visited_slots) {
		char **old = e->visited;
		size_t old_slots = e->visited_slots;

		e->visited_slots = old_slots ? old_slots * 2 : 64;
		e->visited = xcalloc(e->visited_slots, sizeof(*e->visited));
		for (size_t j = 0; j < old_slots; j++) {
			if (old[j] == NULL)
				continue;
			for (i = hash_name(old[j]) & (e->visited_slots - 1); e->visited[i];
			     i = (i + 1) & (e->visited_slots - 1))
				;
			e->visited[i] = old[j];
		}
		free(old);
	}
	for (i = hash_name(upper) & (e->visited_slots - 1); e->visited[i]; i = (i + 1) & (e->visited_slots - 1)) {
		if (strcmp(e->visited[i], upper) == 0)
			return false;
	}
	e->visited[i] = xstrdup(upper);
	e->visited_count++;
	return true;
}

static void expander_release(struct expander *e)
{
	for (size_t i = 0; i < e->visited_slots; i++)
		free(e->visited[i]);
	free(e->visited);
	for (size_t i = 0; i < e->pending_count; i++)
		free(e->pending[i].name);
	free(e->pending);
}

static bool fail(struct expander *e, const char *msg)
{
	if (e->error == NULL)
		e->error = xstrdup(msg);
	return false;
}

static bool add_asn(struct expander *e, uint32_t asn)
{
	struct set_result *r = e->r;

	if (r->asn_count >= MAX_SET_MEMBERS)
		return fail(e, "set expands to more than 2,000,000 AS numbers");
	r->asns = xgrow(r->asns, &r->asn_capacity, r->asn_count + 1, sizeof(*r->asns));
	r->asns[r->asn_count++] = asn;
	return true;
}

/*
 * Every prefix a route-set's expansion looks at counts, kept or not: a set listed
 * under thousands of range operators that each drop most of its routes does the
 * work of all of them, and must be refused like one that keeps them.
 */
static bool consider_prefix(struct expander *e)
{
	if (++e->prefixes_considered <= MAX_SET_PREFIXES_CONSIDERED)
		return true;
	return fail(e, "set expansion looks at more than 4,000,000 prefixes");
}

static bool add_prefix(struct expander *e, const struct prefix *p, const struct rpsl_range_op *op)
{
	struct set_result *r = e->r;

	if (r->prefix_count >= MAX_SET_MEMBERS)
		return fail(e, "set expands to more than 2,000,000 prefixes");
	r->prefixes = xgrow(r->prefixes, &r->prefix_capacity, r->prefix_count + 1, sizeof(*r->prefixes));
	r->prefixes[r->prefix_count].prefix = *p;
	r->prefixes[r->prefix_count].op = *op;
	r->prefix_count++;
	return true;
}

/* The set object: first source in order holding an as-set or route-set with this name. */
static struct rpsl_object *find_set(struct expander *e, const char *name, const struct query_source **src_out,
				    char **err_out)
{
	static const char *const classes[] = { "as-set", "route-set" };

	for (size_t s = 0; s < e->sources->count; s++) {
		for (size_t c = 0; c < 2; c++) {
			struct query_objects objs;
			struct rpsl_object *obj = NULL;

			query_objects_init(&objs);
			if (query_by_key(e->ctx, &e->sources->items[s], classes[c], name, &objs) < 0) {
				query_objects_release(&objs);
				*err_out = store_error(e->st, "reading set");
				return NULL;
			}
			if (objs.count > 0) {
				obj = rpsl_parse_object(objs.items[0].text, strlen(objs.items[0].text), 1, RPSL_TOLERANT);
				*src_out = &e->sources->items[s];
			}
			query_objects_release(&objs);
			if (obj != NULL)
				return obj;
		}
	}
	return NULL;
}

/* True when a member-of claim by `claimant` is accepted by the set's mbrs-by-ref list. */
static bool claim_accepted(const struct rpsl_object *set, const struct rpsl_object *claimant)
{
	for (size_t i = 0; i < set->attr_count; i++) {
		const struct rpsl_attr *ref = &set->attrs[i];
		const char *v;

		if (strcmp(ref->name, "mbrs-by-ref") != 0)
			continue;
		for (v = ref->value; *v;) {
			size_t n = strcspn(v, ",");
			const char *item = v;

			while (n > 0 && *item == ' ')
				item++, n--;
			if (n == 3 && strncasecmp(item, "ANY", 3) == 0)
				return rpsl_object_get(claimant, "mnt-by") != NULL;
			for (size_t k = 0; k < claimant->attr_count; k++) {
				const struct rpsl_attr *m = &claimant->attrs[k];
				const char *w;

				if (strcmp(m->name, "mnt-by") != 0)
					continue;
				for (w = m->value; *w;) {
					size_t wn = strcspn(w, ","), trimmed = wn;
					const char *witem = w;

					while (trimmed > 0 && *witem == ' ')
						witem++, trimmed--;
					while (trimmed > 0 && witem[trimmed - 1] == ' ')
						trimmed--;
					if (trimmed == n && strncasecmp(witem, item, n) == 0)
						return true;
					w += wn + (w[wn] == ',');
				}
			}
			v += strcspn(v, ",");
			if (*v == ',')
				v++;
		}
	}
	return false;
}

/* Calls fn for each object that claims membership of `name` by member-of and is accepted. */
static int for_each_member_by_ref(struct expander *e, const struct rpsl_object *set, const char *name,
				  const char *const *classes, size_t class_count,
				  bool (*fn)(struct expander *, const struct rpsl_object *))
{
	if (rpsl_object_get(set, "mbrs-by-ref") == NULL)
		return 0;
	for (size_t s = 0; s < e->sources->count; s++) {
		for (size_t c = 0; c < class_count; c++) {
			struct query_objects objs;

			query_objects_init(&objs);
			if (query_by_attr(e->ctx, &e->sources->items[s], "member-of", name, classes[c], &objs) < 0) {
				query_objects_release(&objs);
				return -1;
			}
			for (size_t i = 0; i < objs.count; i++) {
				struct rpsl_object *claimant = rpsl_parse_object(objs.items[i].text,
										 strlen(objs.items[i].text), 1,
										 RPSL_TOLERANT);
				bool keep_going = true;

				e->claim_source = e->sources->items[s].name;
				if (claim_accepted(set, claimant))
					keep_going = fn(e, claimant);
				rpsl_object_free(claimant);
				if (!keep_going) {
					query_objects_release(&objs);
					return 0;
				}
			}
			query_objects_release(&objs);
		}
	}
	return 0;
}

static void upper_copy(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[n] = '\0';
}

/* The comma-separated items of every attribute `attr` of an object, trimmed. */
struct item_list {
	struct item {
		const char *text;
		size_t len;
	} *items;
	size_t count, capacity;
};

static void collect_items(const struct rpsl_object *obj, const char *attr, struct item_list *out)
{
	for (size_t i = 0; i < obj->attr_count; i++) {
		const char *v = obj->attrs[i].value;

		/* an attribute whose value failed its syntax (one bad item in a mirrored set) still
		 * counts: each item is read on its own below, and only the bad ones are dropped */
		if (strcmp(obj->attrs[i].name, attr) != 0)
			continue;
		while (*v) {
			size_t n = strcspn(v, ",");
			const char *it = v;
			size_t len = n;

			while (len > 0 && (*it == ' ' || *it == '\t'))
				it++, len--;
			while (len > 0 && (it[len - 1] == ' ' || it[len - 1] == '\t'))
				len--;
			if (len > 0) {
				out->items = xgrow(out->items, &out->capacity, out->count + 1, sizeof(*out->items));
				out->items[out->count].text = it;
				out->items[out->count].len = len;
				out->count++;
			}
			v += n;
			if (*v == ',')
				v++;
		}
	}
}

/*
 * Queues a set for expansion, unless it was queued before in the same context (a
 * cycle or a diamond): each set is expanded once per composed range, and every
 * (set, range) queued counts against MAX_SETS_VISITED, which is what bounds the work
 * now that nesting depth is not limited.
 */
static bool push_set(struct expander *e, enum pending_kind kind, const char *name, size_t len,
		     const struct set_range *range)
{
	char upper[MAX_PRIMARY_KEY_LENGTH], key[MAX_PRIMARY_KEY_LENGTH + 32];
	struct pending *p;

	upper_copy(upper, sizeof(upper), name, len);
	/*
	 * The same route-set (or as-set of routes) under different composed ranges yields
	 * different prefixes, so the key is the pair: a set reached by two paths with
	 * different operators is expanded under each (their union is the answer), and a
	 * cycle ends because composing only narrows and the ranges are finitely many.
	 */
	if (range->is_set)
		snprintf(key, sizeof(key), "%d:%s^%u:%u-%u", (int)kind, upper, range->rel, range->lo, range->hi);
	else
		snprintf(key, sizeof(key), "%d:%s", (int)kind, upper);
	if (!visit(e, key))
		return true;
	if (++e->sets_queued > MAX_SETS_VISITED)
		return fail(e, "set expansion visits more than 200,000 sets");
	e->pending = xgrow(e->pending, &e->pending_capacity, e->pending_count + 1, sizeof(*e->pending));
	p = &e->pending[e->pending_count++];
	p->kind = kind;
	p->range = *range;
	p->name = xstrdup(upper);
	return true;
}

static bool route_prefixes_of_asn(struct expander *e, uint32_t asn, const struct set_range *range);

static bool member_aut_num(struct expander *e, const struct rpsl_object *aut_num)
{
	uint32_t asn;
	const char *err;
	const struct rpsl_attr *a = rpsl_object_get(aut_num, "aut-num");

	if (a != NULL && asn_parse(a->value, strlen(a->value), true, &asn, &err) == 0)
		return add_asn(e, asn);
	return true;
}

/* An aut-num that joined an as-set inside a route-set: its routes, under e->outer. */
static bool member_aut_num_routes(struct expander *e, const struct rpsl_object *aut_num)
{
	uint32_t asn;
	const char *err;
	const struct rpsl_attr *a = rpsl_object_get(aut_num, "aut-num");

	if (a != NULL && asn_parse(a->value, strlen(a->value), true, &asn, &err) == 0)
		return route_prefixes_of_asn(e, asn, e->outer);
	return true;
}

/*
 * Loads set `upper` for expansion. Returns false with e->error on a store error;
 * otherwise true with *set_out, NULL when the name does not resolve to a set of
 * class `want` (such names are dropped).
 */
static bool open_set(struct expander *e, const char *upper, enum rpsl_class_id want, struct rpsl_object **set_out)
{
	const struct query_source *src = NULL;
	struct rpsl_object *set;
	char *err = NULL;

	*set_out = NULL;
	set = find_set(e, upper, &src, &err);
	if (err != NULL) {
		fail(e, err);
		free(err);
		return false;
	}
	if (set == NULL || set->cls->id != want) {
		rpsl_object_free(set);
		return true;
	}
	*set_out = set;
	return true;
}

/*
 * Range operators as length ranges, and how they compose.
 *
 * RFC 2622 section 2 defines ^-, ^+, ^n and ^n-m on a prefix and says that an
 * operator applied to a set of prefixes distributes over its members; section 5.2
 * lets a route-set member be a set name with an operator (rs-foo^+), and section
 * 5.3 an AS number or as-set standing for the routes it originates. So an operator
 * reaches every prefix below it, however deep: RS-A = RS-B^32, RS-B = RS-C^+,
 * RS-C = 192.0.2.0/24 make RS-A hold 192.0.2.0/24^32, not ^+.
 *
 * The RFC does not say what an operator does to a member that already carries one
 * (rs-foo^32 where rs-foo holds 192.0.2.0/24^+). We take the lengths both operators
 * let through (the intersection), so an outer operator only narrows what a member
 * selects and a set's owner can never widen what the owner of a nested set or
 * route wrote; lengths that are not more specifics of the prefix (shorter than it,
 * or past the family's longest) are never selected. A member without an operator
 * takes the outer one unchanged. Intersection is associative and commutative, so
 * the order in which levels are composed does not matter, and every chain of
 * operators is one set_range. (IRRToolSet instead re-applies the outer operator to
 * each more specific, which can widen: ^26 then ^32 gives every /32; IRRd 4 drops
 * set and AS members written with an operator.)
 */
struct set_range set_range_of_op(const struct rpsl_range_op *op)
{
	switch (op->kind) {
	case RANGE_OP_NONE:
		break;
	case RANGE_OP_PLUS:
		return (struct set_range){ true, 0, 0, 128 };
	case RANGE_OP_MINUS:
		return (struct set_range){ true, 1, 0, 128 };
	case RANGE_OP_LENGTH:
	case RANGE_OP_RANGE:
		return (struct set_range){ true, 0, op->min, op->max };
	}
	return (struct set_range){ false, 0, 0, 0 };
}

struct set_range set_range_compose(struct set_range outer, struct set_range inner)
{
	if (!outer.is_set)
		return inner;
	if (!inner.is_set)
		return outer;
	return (struct set_range){
		true,
		outer.rel > inner.rel ? outer.rel : inner.rel,
		outer.lo > inner.lo ? outer.lo : inner.lo,
		outer.hi < inner.hi ? outer.hi : inner.hi,
	};
}

bool set_range_apply(struct set_range range, const struct prefix *p, struct rpsl_range_op *out)
{
	unsigned max = prefix_max_length(p->family), lo = p->length, hi = p->length;

	if (range.is_set) {
		lo = p->length + range.rel;
		if (range.lo > lo)
			lo = range.lo;
		hi = range.hi < max ? range.hi : max;
	}
	if (lo > hi)
		return false;
	/* Canonical form of [lo, hi] relative to this prefix. */
	if (lo == p->length && hi == p->length)
		*out = (struct rpsl_range_op){ RANGE_OP_NONE, 0, 0 };
	else if (lo == p->length && hi == max)
		*out = (struct rpsl_range_op){ RANGE_OP_PLUS, (uint8_t)lo, (uint8_t)hi };
	else if (lo == p->length + 1u && hi == max)
		*out = (struct rpsl_range_op){ RANGE_OP_MINUS, (uint8_t)lo, (uint8_t)hi };
	else if (lo == hi)
		*out = (struct rpsl_range_op){ RANGE_OP_LENGTH, (uint8_t)lo, (uint8_t)hi };
	else
		*out = (struct rpsl_range_op){ RANGE_OP_RANGE, (uint8_t)lo, (uint8_t)hi };
	return true;
}

static bool route_prefixes_of_asn(struct expander *e, uint32_t asn, const struct set_range *range)
{
	struct prefix_vec v = { 0 };
	char key[64];
	bool ok = true;

	/* An AS reached again under the same composed range adds nothing new: look it up once. */
	if (range->is_set)
		snprintf(key, sizeof(key), "AS%u^%u:%u-%u", asn, range->rel, range->lo, range->hi);
	else
		snprintf(key, sizeof(key), "AS%u", asn);
	if (!visit(e, key))
		return true;
	for (size_t s = 0; s < e->sources->count && ok; s++) {
		size_t first = v.count, kept = v.count;

		if (query_origin_prefixes(e->ctx, &e->sources->items[s], asn, 0, &v) < 0) {
			ok = fail(e, "store error while reading routes");
			break;
		}
		for (size_t i = first; i < v.count; i++)
			if (route_kept(e, e->sources->items[s].name, &v.items[i], asn))
				v.items[kept++] = v.items[i];
		v.count = kept;
	}
	for (size_t i = 0; i < v.count && ok; i++) {
		struct rpsl_range_op op;

		ok = consider_prefix(e);
		if (ok && set_range_apply(*range, &v.items[i], &op))
			ok = add_prefix(e, &v.items[i], &op);
	}
	prefix_vec_release(&v);
	return ok;
}

static bool member_route(struct expander *e, const struct rpsl_object *route)
{
	struct rpsl_range_op op;

	if (!consider_prefix(e))
		return false;
	if (!route->has_prefix || !set_range_apply(*e->outer, &route->prefix, &op))
		return true;
	if (route->has_origin && !route_kept(e, e->claim_source, &route->prefix, route->origin))
		return true;
	return add_prefix(e, &route->prefix, &op);
}

/*
 * One member of a route-set reached under `outer` (the operators above it, composed):
 * a prefix, an AS, a route-set or an as-set. The member's own operator composes with
 * `outer`, and what it names is expanded under the result, so the operators of
 * every level reach every prefix below them.
 */
static bool route_set_member(struct expander *e, const char *it, size_t len, const struct set_range *outer)
{
	const char *caret = memchr(it, '^', len), *ignored;
	size_t base_len = caret ? (size_t)(caret - it) : len;
	struct rpsl_range_op op = { RANGE_OP_NONE, 0, 0 };
	struct set_range range;
	struct prefix p;
	uint32_t asn;
	char member[MAX_PRIMARY_KEY_LENGTH];

	if (memchr(it, '/', base_len) != NULL) {
		struct rpsl_range_op eop;

		if (!consider_prefix(e))
			return false;
		if (prefix_parse(it, base_len, 0, &p, &ignored) < 0)
			return true;
		if (caret != NULL && rpsl_range_op_parse(caret + 1, len - base_len - 1, p.length,
							 prefix_max_length(p.family), &op, &ignored) < 0)
			return true;
		range = set_range_compose(*outer, set_range_of_op(&op));
		return set_range_apply(range, &p, &eop) ? add_prefix(e, &p, &eop) : true;
	}
	/*
	 * An operator on a set or AS member that does not parse drops the member: expanding
	 * it without the operator would answer more than its owner wrote.
	 */
	if (caret != NULL && rpsl_range_op_parse(caret + 1, len - base_len - 1, 0, 128, &op, &ignored) < 0)
		return true;
	range = set_range_compose(*outer, set_range_of_op(&op));
	upper_copy(member, sizeof(member), it, base_len);
	if (asn_parse(it, base_len, true, &asn, &ignored) == 0)
		return route_prefixes_of_asn(e, asn, &range);
	if (strcmp(member, "RS-ANY") == 0 || strcmp(member, "AS-ANY") == 0)
		return true;
	if (rpsl_set_name_check(SET_KIND_ROUTE, member, strlen(member), &ignored) == 0)
		return push_set(e, PENDING_ROUTE_SET, member, strlen(member), &range);
	/* an as-set inside a route-set: the routes of its ASNs */
	return push_set(e, PENDING_AS_SET_ROUTES, member, strlen(member), &range);
}

/* Expands one set taken from the work list; nested sets go back on the list. */
static bool expand_pending(struct expander *e, const struct pending *p)
{
	static const char *const aut_num_class[] = { "aut-num" };
	static const char *const route_classes[] = { "route", "route6" };
	bool is_route_set = p->kind == PENDING_ROUTE_SET, ok = true;
	struct rpsl_object *set = NULL;
	struct item_list members = { 0 };
	int rc;

	if (!open_set(e, p->name, is_route_set ? RPSL_CLASS_ROUTE_SET : RPSL_CLASS_AS_SET, &set))
		return false;
	if (set == NULL)
		return true;
	collect_items(set, "members", &members);
	if (is_route_set)
		collect_items(set, "mp-members", &members);
	for (size_t i = 0; i < members.count && ok; i++) {
		const char *it = members.items[i].text, *ignored;
		size_t len = members.items[i].len;
		uint32_t asn;

		if (is_route_set)
			ok = route_set_member(e, it, len, &p->range);
		else if (asn_parse(it, len, true, &asn, &ignored) == 0)
			ok = p->kind == PENDING_AS_SET ? add_asn(e, asn) : route_prefixes_of_asn(e, asn, &p->range);
		else
			ok = push_set(e, p->kind, it, len, &p->range);
	}
	if (!ok)
		goto out;
	e->outer = &p->range;
	if (is_route_set)
		rc = for_each_member_by_ref(e, set, p->name, route_classes, 2, member_route);
	else
		rc = for_each_member_by_ref(e, set, p->name, aut_num_class, 1,
					    p->kind == PENDING_AS_SET ? member_aut_num : member_aut_num_routes);
	e->outer = NULL;
	if (rc < 0)
		ok = fail(e, "store error while reading mbrs-by-ref members");
out:
	free(members.items);
	rpsl_object_free(set);
	return ok && e->error == NULL;
}

/* Works through the list until it is empty or a limit or the store failed. */
static void expand_all(struct expander *e)
{
	while (e->pending_count > 0 && e->error == NULL) {
		/* A copy: pushing nested sets may move the list. */
		struct pending p = e->pending[--e->pending_count];

		expand_pending(e, &p);
		free(p.name);
	}
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int compare_set_prefix(const void *a, const void *b)
{
	const struct set_prefix *x = a, *y = b;
	int c = (int)x->prefix.family - (int)y->prefix.family;

	if (c == 0)
		c = memcmp(x->prefix.addr, y->prefix.addr, 16);
	if (c == 0)
		c = (int)x->prefix.length - (int)y->prefix.length;
	if (c == 0)
		c = (int)x->op.kind - (int)y->op.kind;
	if (c == 0)
		c = (int)x->op.min - (int)y->op.min;
	if (c == 0)
		c = (int)x->op.max - (int)y->op.max;
	return c;
}

/*
 * Adds a direct member unless it was added before: a set listing a member twice (or
 * once in members and once by reference) answers it once, where it first appeared.
 * Names compare in any case, AS numbers in any notation.
 */
static void add_direct_member(struct expander *e, const char *text, size_t len)
{
	struct set_result *r = e->r;
	const char *ignored;
	uint32_t asn;
	char *key;
	bool is_new;

	if (asn_parse(text, len, true, &asn, &ignored) == 0) {
		key = xasprintf("AS%u", asn);
	} else {
		key = xstrndup(text, len);
		for (char *q = key; *q; q++)
			*q = (char)toupper((unsigned char)*q);
	}
	is_new = visit(e, key);
	free(key);
	if (!is_new)
		return;
	r->members = xgrow(r->members, &r->member_capacity, r->member_count + 1, sizeof(*r->members));
	r->members[r->member_count++] = xstrndup(text, len);
}

static bool direct_by_ref(struct expander *e, const struct rpsl_object *claimant)
{
	if (claimant->cls->id == RPSL_CLASS_AUT_NUM) {
		const struct rpsl_attr *a = rpsl_object_get(claimant, "aut-num");
		if (a != NULL)
			add_direct_member(e, a->value, strlen(a->value));
	} else if (claimant->has_prefix) {
		char buf[PREFIX_STRLEN];

		prefix_format(&claimant->prefix, buf);
		add_direct_member(e, buf, strlen(buf));
	}
	return true;
}

static int direct_members(struct expander *e, const char *name)
{
	static const char *const aut_num_class[] = { "aut-num" };
	static const char *const route_classes[] = { "route", "route6" };
	const struct query_source *src = NULL;
	char upper[MAX_PRIMARY_KEY_LENGTH], *err = NULL;
	struct rpsl_object *set;

	upper_copy(upper, sizeof(upper), name, strlen(name));
	set = find_set(e, upper, &src, &err);
	if (err != NULL) {
		fail(e, err);
		free(err);
		return -1;
	}
	if (set == NULL)
		return 0;
	e->r->found = true;
	e->r->is_route_set = set->cls->id == RPSL_CLASS_ROUTE_SET;
	{
		struct item_list members = { 0 };

		collect_items(set, "members", &members);
		collect_items(set, "mp-members", &members);
		for (size_t i = 0; i < members.count; i++)
			add_direct_member(e, members.items[i].text, members.items[i].len);
		free(members.items);
	}
	if (e->r->is_route_set)
		for_each_member_by_ref(e, set, upper, route_classes, 2, direct_by_ref);
	else
		for_each_member_by_ref(e, set, upper, aut_num_class, 1, direct_by_ref);
	rpsl_object_free(set);
	return 0;
}

int set_expand(const struct query_context *ctx, const struct query_sources *sources, const char *name,
	       bool recursive, struct set_result *r, char **err)
{
	return set_expand_filtered(ctx, sources, name, recursive, NULL, r, err);
}

int set_expand_filtered(const struct query_context *ctx, const struct query_sources *sources, const char *name,
			bool recursive, const struct set_route_filter *filter, struct set_result *r, char **err)
{
	struct expander e = { .ctx = ctx, .st = ctx->st, .sources = sources, .r = r, .filter = filter };
	const struct query_source *src = NULL;
	struct rpsl_object *set;
	char upper[MAX_PRIMARY_KEY_LENGTH], *find_err = NULL;
	static const struct set_range no_range = { false, 0, 0, 0 };

	memset(r, 0, sizeof(*r));
	if (!recursive) {
		direct_members(&e, name);
	} else {
		upper_copy(upper, sizeof(upper), name, strlen(name));
		set = find_set(&e, upper, &src, &find_err);
		if (set != NULL) {
			r->found = true;
			r->is_route_set = set->cls->id == RPSL_CLASS_ROUTE_SET;
			rpsl_object_free(set);
			if (push_set(&e, r->is_route_set ? PENDING_ROUTE_SET : PENDING_AS_SET, upper, strlen(upper),
				     &no_range))
				expand_all(&e);
		} else if (find_err != NULL) {
			fail(&e, find_err);
			free(find_err);
		}
	}
	expander_release(&e);
	if (e.error != NULL) {
		*err = e.error;
		set_result_release(r);
		return -1;
	}
	if (r->asn_count > 1) {
		size_t w = 0;

		qsort(r->asns, r->asn_count, sizeof(*r->asns), compare_u32);
		for (size_t i = 1; i < r->asn_count; i++) {
			if (r->asns[i] != r->asns[w])
				r->asns[++w] = r->asns[i];
		}
		r->asn_count = w + 1;
	}
	if (r->prefix_count > 1) {
		size_t w = 0;

		qsort(r->prefixes, r->prefix_count, sizeof(*r->prefixes), compare_set_prefix);
		for (size_t i = 1; i < r->prefix_count; i++) {
			if (compare_set_prefix(&r->prefixes[i], &r->prefixes[w]) != 0)
				r->prefixes[++w] = r->prefixes[i];
		}
		r->prefix_count = w + 1;
	}
	return 0;
}

void set_prefix_format(const struct set_prefix *p, struct strbuf *out)
{
	char buf[PREFIX_STRLEN];

	prefix_format(&p->prefix, buf);
	strbuf_append_str(out, buf);
	switch (p->op.kind) {
	case RANGE_OP_NONE:
		break;
	case RANGE_OP_PLUS:
		strbuf_append_str(out, "^+");
		break;
	case RANGE_OP_MINUS:
		strbuf_append_str(out, "^-");
		break;
	case RANGE_OP_LENGTH:
		strbuf_printf(out, "^%u", p->op.min);
		break;
	case RANGE_OP_RANGE:
		strbuf_printf(out, "^%u-%u", p->op.min, p->op.max);
		break;
	}
}
