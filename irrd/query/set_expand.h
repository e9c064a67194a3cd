/*
 * Set expansion shared by !i, !i,1 and !a: as-sets to AS numbers, route-sets to
 * prefixes with range operators. Nesting is followed to any depth with an explicit
 * work list (no recursion on the C stack); every set is expanded once, which breaks
 * cycles and bounds the work. It honours mbrs-by-ref/member-of (a member-of claim
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
 * Expands `name` in `sources` (the first source holding the set wins).
 * recursive=false fills r->members; recursive=true fills r->asns (as-sets) or
 * r->prefixes (route-sets). Returns 0, or -1 with *err (caller frees) on a limit or
 * a store error.
 */
int set_expand(const struct query_context *ctx, const struct query_sources *sources, const char *name,
	       bool recursive, struct set_result *r, char **err);

/* Formats a set prefix with its range operator ("192.0.2.0/24^24-32"). */
void set_prefix_format(const struct set_prefix *p, struct strbuf *out);

#endif
