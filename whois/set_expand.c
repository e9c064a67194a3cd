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
#include "whois_query.h"
#include "xalloc.h"

struct expander {
	const struct whois_context *ctx;
	struct store *st;
	const struct whois_sources *sources;
	struct set_result *r;
	char **visited;              /* upper-case set names, linear probing table */
	size_t visited_count, visited_slots;
	char *error;
	const struct rpsl_range_op *outer; /* operator applied to mbrs-by-ref routes */
};

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

/* Marks a set name visited; returns false when it already was (a cycle or a diamond). */
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
static struct rpsl_object *find_set(struct expander *e, const char *name, const struct whois_source **src_out,
				    char **err_out)
{
	static const char *const classes[] = { "as-set", "route-set" };

	for (size_t s = 0; s < e->sources->count; s++) {
		for (size_t c = 0; c < 2; c++) {
			struct whois_objects objs;
			struct rpsl_object *obj = NULL;

			whois_objects_init(&objs);
			if (whois_data_by_key(e->st, &e->sources->items[s], classes[c], name, &objs) < 0) {
				whois_objects_release(&objs);
				*err_out = store_error(e->st, "reading set");
				return NULL;
			}
			if (objs.count > 0) {
				obj = rpsl_parse_object(objs.items[0].text, strlen(objs.items[0].text), 1, RPSL_TOLERANT);
				*src_out = &e->sources->items[s];
			}
			whois_objects_release(&objs);
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
			struct whois_objects objs;

			whois_objects_init(&objs);
			if (whois_data_by_attr(e->st, &e->sources->items[s], "member-of", name, classes[c], &objs) < 0) {
				whois_objects_release(&objs);
				return -1;
			}
			for (size_t i = 0; i < objs.count; i++) {
				struct rpsl_object *claimant = rpsl_parse_object(objs.items[i].text,
										 strlen(objs.items[i].text), 1,
										 RPSL_TOLERANT);
				bool keep_going = true;

				if (claim_accepted(set, claimant))
					keep_going = fn(e, claimant);
				rpsl_object_free(claimant);
				if (!keep_going) {
					whois_objects_release(&objs);
					return 0;
				}
			}
			whois_objects_release(&objs);
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

		if (strcmp(obj->attrs[i].name, attr) != 0 || obj->attrs[i].def == NULL)
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

static bool expand_as_set(struct expander *e, const char *name, unsigned depth);

static bool member_aut_num(struct expander *e, const struct rpsl_object *aut_num)
{
	uint32_t asn;
	const char *err;
	const struct rpsl_attr *a = rpsl_object_get(aut_num, "aut-num");

	if (a != NULL && asn_parse(a->value, strlen(a->value), true, &asn, &err) == 0)
		return add_asn(e, asn);
	return true;
}

enum enter_result { ENTER_SKIP, ENTER_OPEN, ENTER_FAIL };

/*
 * Common start of both expanders: marks `visit_key` visited (returns ENTER_SKIP when
 * it already was), enforces the depth and size limits (ENTER_FAIL), and loads the
 * set `upper`; a name that does not resolve to a set of class `want` is skipped.
 */
static enum enter_result enter_set(struct expander *e, const char *visit_key, const char *upper,
				   enum rpsl_class_id want, unsigned depth, struct rpsl_object **set_out)
{
	const struct whois_source *src = NULL;
	struct rpsl_object *set;
	char *err = NULL;

	if (!visit(e, visit_key))
		return ENTER_SKIP;
	if (depth > MAX_SET_DEPTH) {
		fail(e, "set nesting is deeper than 32 levels");
		return ENTER_FAIL;
	}
	if (e->visited_count > MAX_SETS_VISITED) {
		fail(e, "set expansion visits more than 200,000 sets");
		return ENTER_FAIL;
	}
	set = find_set(e, upper, &src, &err);
	if (err != NULL) {
		fail(e, err);
		free(err);
		return ENTER_FAIL;
	}
	if (set == NULL || set->cls->id != want) {
		rpsl_object_free(set);
		return ENTER_SKIP; /* names that do not resolve are dropped */
	}
	*set_out = set;
	return ENTER_OPEN;
}

static bool expand_as_set(struct expander *e, const char *name, unsigned depth)
{
	static const char *const aut_num_class[] = { "aut-num" };
	char upper[MAX_PRIMARY_KEY_LENGTH];
	struct rpsl_object *set = NULL;
	struct item_list members = { 0 };
	bool ok = true;

	upper_copy(upper, sizeof(upper), name, strlen(name));
	switch (enter_set(e, upper, upper, RPSL_CLASS_AS_SET, depth, &set)) {
	case ENTER_SKIP:
		return true;
	case ENTER_FAIL:
		return false;
	case ENTER_OPEN:
		break;
	}

	collect_items(set, "members", &members);
	for (size_t i = 0; i < members.count && ok; i++) {
		const char *it = members.items[i].text, *ignored;
		size_t len = members.items[i].len;
		uint32_t asn;

		if (asn_parse(it, len, true, &asn, &ignored) == 0) {
			ok = add_asn(e, asn);
		} else {
			char member[MAX_PRIMARY_KEY_LENGTH];

			upper_copy(member, sizeof(member), it, len);
			ok = expand_as_set(e, member, depth + 1);
		}
	}
	if (!ok)
		goto out;
	if (for_each_member_by_ref(e, set, upper, aut_num_class, 1, member_aut_num) < 0)
		ok = fail(e, "store error while reading mbrs-by-ref members");
out:
	free(members.items);
	rpsl_object_free(set);
	return ok && e->error == NULL;
}

static bool expand_route_set(struct expander *e, const char *name, const struct rpsl_range_op *outer,
			     unsigned depth);

/* The prefix lengths an operator selects for prefix p, as [lo, hi]. */
static void op_bounds(const struct rpsl_range_op *op, const struct prefix *p, unsigned *lo, unsigned *hi)
{
	unsigned max = prefix_max_length(p->family);

	switch (op->kind) {
	case RANGE_OP_NONE:
		*lo = *hi = p->length;
		break;
	case RANGE_OP_PLUS:
		*lo = p->length, *hi = max;
		break;
	case RANGE_OP_MINUS:
		*lo = p->length + 1u, *hi = max;
		break;
	default:
		*lo = op->min, *hi = op->max;
		break;
	}
}

/*
 * The operator of a prefix reached through a set or AS member written with an
 * operator (RS-FOO^-, AS1^+), following RFC 2622 section 5.2: a prefix without an
 * operator of its own takes the outer one; a prefix with one keeps the intersection
 * of both length ranges, and is dropped (returns false) when they do not overlap.
 */
static bool effective_op(const struct rpsl_range_op *own, const struct rpsl_range_op *outer, const struct prefix *p,
			 struct rpsl_range_op *out)
{
	unsigned max = prefix_max_length(p->family), lo, hi, olo, ohi;

	if (outer->kind == RANGE_OP_NONE || own->kind == RANGE_OP_NONE) {
		*out = own->kind != RANGE_OP_NONE ? *own : *outer;
		op_bounds(out, p, &lo, &hi);
	} else {
		op_bounds(own, p, &lo, &hi);
		op_bounds(outer, p, &olo, &ohi);
		lo = lo > olo ? lo : olo;
		hi = hi < ohi ? hi : ohi;
	}
	if (lo > hi || lo < p->length || hi > max)
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

static bool route_prefixes_of_asn(struct expander *e, uint32_t asn, const struct rpsl_range_op *op)
{
	struct prefix_vec v = { 0 };
	bool ok = true;

	for (size_t s = 0; s < e->sources->count && ok; s++) {
		if (whois_origin_prefixes(e->ctx, &e->sources->items[s], asn, 0, &v) < 0)
			ok = fail(e, "store error while reading routes");
	}
	for (size_t i = 0; i < v.count && ok; i++) {
		static const struct rpsl_range_op none = { RANGE_OP_NONE, 0, 0 };
		struct rpsl_range_op eop;

		if (effective_op(&none, op, &v.items[i], &eop))
			ok = add_prefix(e, &v.items[i], &eop);
	}
	prefix_vec_release(&v);
	return ok;
}

static bool member_route(struct expander *e, const struct rpsl_object *route)
{
	static const struct rpsl_range_op none = { RANGE_OP_NONE, 0, 0 };
	struct rpsl_range_op op;

	if (!route->has_prefix || !effective_op(&none, e->outer, &route->prefix, &op))
		return true;
	return add_prefix(e, &route->prefix, &op);
}

static bool expand_route_set(struct expander *e, const char *name, const struct rpsl_range_op *outer,
			     unsigned depth)
{
	static const char *const route_classes[] = { "route", "route6" };
	char upper[MAX_PRIMARY_KEY_LENGTH], visit_key[MAX_PRIMARY_KEY_LENGTH + 32];
	struct rpsl_object *set = NULL;
	struct item_list members = { 0 };
	bool ok = true;

	upper_copy(upper, sizeof(upper), name, strlen(name));
	/* The same route-set under different operators yields different prefixes. */
	if (outer->kind != RANGE_OP_NONE)
		snprintf(visit_key, sizeof(visit_key), "%s^%d:%u-%u", upper, (int)outer->kind, outer->min, outer->max);
	else
		snprintf(visit_key, sizeof(visit_key), "%s", upper);
	switch (enter_set(e, visit_key, upper, RPSL_CLASS_ROUTE_SET, depth, &set)) {
	case ENTER_SKIP:
		return true;
	case ENTER_FAIL:
		return false;
	case ENTER_OPEN:
		break;
	}

	collect_items(set, "members", &members);
	collect_items(set, "mp-members", &members);
	for (size_t i = 0; i < members.count && ok; i++) {
		const char *it = members.items[i].text, *caret, *ignored;
		size_t len = members.items[i].len, base_len;
		struct rpsl_range_op op = { RANGE_OP_NONE, 0, 0 };
		struct prefix p;
		uint32_t asn;
		char member[MAX_PRIMARY_KEY_LENGTH];

		caret = memchr(it, '^', len);
		base_len = caret ? (size_t)(caret - it) : len;
		if (memchr(it, '/', base_len) != NULL) {
			if (prefix_parse(it, base_len, 0, &p, &ignored) < 0)
				continue;
			if (caret != NULL && rpsl_range_op_parse(caret + 1, len - base_len - 1, p.length,
								 prefix_max_length(p.family), &op, &ignored) < 0)
				continue;
			{
				struct rpsl_range_op eop;

				if (effective_op(&op, outer, &p, &eop))
					ok = add_prefix(e, &p, &eop);
			}
			continue;
		}
		/* A set or AS member's own operator combines with the outer one at each prefix. */
		if (caret != NULL)
			rpsl_range_op_parse(caret + 1, len - base_len - 1, 0, 128, &op, &ignored);
		if (op.kind == RANGE_OP_NONE)
			op = *outer;
		upper_copy(member, sizeof(member), it, base_len);
		if (asn_parse(it, base_len, true, &asn, &ignored) == 0) {
			ok = route_prefixes_of_asn(e, asn, &op);
		} else if (strcmp(member, "RS-ANY") == 0 || strcmp(member, "AS-ANY") == 0) {
			continue;
		} else if (rpsl_set_name_check(SET_KIND_ROUTE, member, strlen(member), &ignored) == 0) {
			ok = expand_route_set(e, member, &op, depth + 1);
		} else {
			/* an as-set inside a route-set: the routes of its ASNs */
			struct set_result sub = { 0 };
			struct expander se = { .ctx = e->ctx, .st = e->st, .sources = e->sources, .r = &sub };

			ok = expand_as_set(&se, member, depth + 1);
			if (se.error != NULL) {
				ok = fail(e, se.error);
				free(se.error);
			}
			for (size_t k = 0; ok && k < sub.asn_count; k++)
				ok = route_prefixes_of_asn(e, sub.asns[k], &op);
			expander_release(&se);
			set_result_release(&sub);
		}
	}
	if (!ok)
		goto out;
	e->outer = outer;
	if (for_each_member_by_ref(e, set, upper, route_classes, 2, member_route) < 0)
		ok = fail(e, "store error while reading mbrs-by-ref members");
out:
	free(members.items);
	rpsl_object_free(set);
	return ok && e->error == NULL;
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

static void add_direct_member(struct set_result *r, const char *text, size_t len)
{
	r->members = xgrow(r->members, &r->member_capacity, r->member_count + 1, sizeof(*r->members));
	r->members[r->member_count++] = xstrndup(text, len);
}

static bool direct_by_ref(struct expander *e, const struct rpsl_object *claimant)
{
	if (claimant->cls->id == RPSL_CLASS_AUT_NUM) {
		const struct rpsl_attr *a = rpsl_object_get(claimant, "aut-num");
		if (a != NULL)
			add_direct_member(e->r, a->value, strlen(a->value));
	} else if (claimant->has_prefix) {
		char buf[PREFIX_STRLEN];

		prefix_format(&claimant->prefix, buf);
		add_direct_member(e->r, buf, strlen(buf));
	}
	return true;
}

static int direct_members(struct expander *e, const char *name)
{
	static const char *const aut_num_class[] = { "aut-num" };
	static const char *const route_classes[] = { "route", "route6" };
	const struct whois_source *src = NULL;
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
			add_direct_member(e->r, members.items[i].text, members.items[i].len);
		free(members.items);
	}
	if (e->r->is_route_set)
		for_each_member_by_ref(e, set, upper, route_classes, 2, direct_by_ref);
	else
		for_each_member_by_ref(e, set, upper, aut_num_class, 1, direct_by_ref);
	rpsl_object_free(set);
	return 0;
}

int set_expand(const struct whois_context *ctx, const struct whois_sources *sources, const char *name,
	       bool recursive, struct set_result *r, char **err)
{
	struct expander e = { .ctx = ctx, .st = ctx->st, .sources = sources, .r = r };
	const struct whois_source *src = NULL;
	struct rpsl_object *set;
	char upper[MAX_PRIMARY_KEY_LENGTH], *find_err = NULL;
	static const struct rpsl_range_op no_op = { RANGE_OP_NONE, 0, 0 };

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
			if (r->is_route_set)
				expand_route_set(&e, upper, &no_op, 0);
			else
				expand_as_set(&e, upper, 0);
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
