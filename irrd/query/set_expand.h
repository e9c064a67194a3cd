/*
 * Set expansion shared by !i, !i,1 and !a: as-sets to AS numbers, route-sets to
 * prefixes with range operators. Nesting is followed to any depth with an explicit
 * work list (no recursion on the C stack); every set is expanded once per range the
 * operators above it compose to, which breaks cycles and bounds the work, and the
 * operators of every level apply to every prefix below them. It honours mbrs-by-ref/member-of (a member-of claim
 * counts only when the set's mbrs-by-ref lists ANY or one of the claiming object's
 * mnt-by), drops names that do not resolve, and stops with an error past
 * MAX_SETS_VISITED or MAX_SET_MEMBERS instead of exhausting memory, never with a
 * partial answer.
 */
#ifndef IRRD_SET_EXPAND_H
#define IRRD_SET_EXPAND_H

#include <stdbool.h>
#include <stdint.h>

#include "rpsl_syntax.h"
#include "query.h"

struct set_prefix {
	struct prefix prefix;
	struct rpsl_range_op op;
};

struct set_result {
	bool found;               /* the named set exists in one of the sources */
	bool is_route_set;
	/* Direct members as written (non-recursive !i), each once, in first-seen order. */
	char **members;
	size_t member_count, member_capacity;
	/* Recursive results. */
	uint32_t *asns;           /* sorted, unique */
	size_t asn_count, asn_capacity;
	struct set_prefix *prefixes; /* sorted, unique */
	size_t prefix_count, prefix_capacity;
};

void set_result_release(struct set_result *r);

/*
 * The prefix lengths that the range operators met on the way down to a prefix let
 * through (RFC 2622 section 2: an operator applied to a set applies to every member,
 * at every level of nesting). For a prefix of length p in a family whose longest
 * prefix is max, the lengths are max(p + rel, lo) to min(hi, max): "^-" is
 * {rel 1, 0, 128}, "^+" {0, 0, 128}, "^n" {0, n, n}, "^n-m" {0, n, m}.
 * is_set false means no operator was met: a prefix keeps its own (or has none).
 */
struct set_range {
	bool is_set;
	uint8_t rel;    /* 0, or 1 when a "^-" excludes the prefix itself */
	uint8_t lo, hi; /* absolute lengths */
};

/* The range of one operator; RANGE_OP_NONE gives the unset range. */
struct set_range set_range_of_op(const struct rpsl_range_op *op);

/*
 * An operator `inner` inside an operator `outer` (a member `RS-B^32` of a set
 * reached as `RS-A^+`): the lengths both let through, so an outer operator only
 * narrows. Unset is the identity. Pure; see set_expand.c for the RFC reasoning.
 */
struct set_range set_range_compose(struct set_range outer, struct set_range inner);

/*
 * The operator a prefix is answered with when `range` applies to it, in canonical
 * form (none, ^+, ^-, ^n, ^n-m, relative to the prefix's own length). Returns false
 * when the range selects no length of the prefix (the prefix is dropped).
 */
bool set_range_apply(struct set_range range, const struct prefix *p, struct rpsl_range_op *out);

/*
 * Expands `name` in `sources` (the first source holding the set wins).
 * recursive=false fills r->members; recursive=true fills r->asns (as-sets) or
 * r->prefixes (route-sets). Returns 0, or -1 with *err (caller frees) on a limit or
 * a store error.
 */
int set_expand(const struct query_context *ctx, const struct query_sources *sources, const char *name,
	       bool recursive, struct set_result *r, char **err);

/*
 * Which route objects a route-set's expansion may take prefixes from: the answer's
 * policy (whois leaves RPKI-invalid routes out, or unverified ones on a strict
 * listener). keep() is asked for every route object found by origin (an AS member)
 * or by member-of; prefixes written into the set itself are no route objects and stay.
 */
struct set_route_filter {
	bool (*keep)(void *arg, const char *source, const struct prefix *prefix, uint32_t origin);
	void *arg;
};

/* set_expand with a route filter (NULL: every route). */
int set_expand_filtered(const struct query_context *ctx, const struct query_sources *sources, const char *name,
			bool recursive, const struct set_route_filter *filter, struct set_result *r, char **err);

/* Formats a set prefix with its range operator ("192.0.2.0/24^24-32"). */
void set_prefix_format(const struct set_prefix *p, struct strbuf *out);

#endif
