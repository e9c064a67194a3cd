/*
 * Syntax checkers for RPSL attribute values, one per enum rpsl_syntax. Each checks
 * one value (one item of a comma list) and may produce a canonical form (prefixes,
 * AS numbers, ranges) that rendering and the indexes use.
 */
#ifndef IRRD_RPSL_SYNTAX_H
#define IRRD_RPSL_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"
#include "rpsl_schema.h"
#include "strbuf.h"

/*
 * Checks `value` (len bytes, trimmed, no comments). Returns 0 when valid; appends a
 * canonical form to `canon` when it differs from the input (canon is left untouched
 * otherwise). Returns -1 with *err set to a static message naming the rule broken.
 */
int rpsl_syntax_check(enum rpsl_syntax syntax, const char *value, size_t len, struct strbuf *canon,
		      const char **err);

/* Is a NUL-terminated value valid (NULL is not)? For guards that need no message or canonical form. */
bool rpsl_syntax_is_valid(enum rpsl_syntax syntax, const char *value);

/* Human name of a syntax, for messages and templates ("IPv4 prefix"). */
const char *rpsl_syntax_describe(enum rpsl_syntax syntax);

/* RFC 2622 range operator after a prefix or set name. */
enum rpsl_range_op_kind {
	RANGE_OP_NONE,  /* exact */
	RANGE_OP_PLUS,  /* ^+  : the prefix and all more specifics */
	RANGE_OP_MINUS, /* ^-  : all more specifics, not the prefix itself */
	RANGE_OP_LENGTH,/* ^n  : more specifics of length n */
	RANGE_OP_RANGE  /* ^n-m: more specifics of length n to m */
};

struct rpsl_range_op {
	enum rpsl_range_op_kind kind;
	uint8_t min, max; /* for LENGTH (min == max) and RANGE */
};

/*
 * Parses the operator text after '^' ("+", "-", "24", "24-32"). prefix_len and
 * max_len bound n and m (len <= n <= m <= max). Returns 0 or -1 with *err.
 */
int rpsl_range_op_parse(const char *text, size_t len, unsigned prefix_len, unsigned max_len,
			struct rpsl_range_op *out, const char **err);

/* Kinds of set names, for rpsl_set_name_check. */
enum rpsl_set_kind { SET_KIND_AS, SET_KIND_ROUTE, SET_KIND_FILTER, SET_KIND_PEERING, SET_KIND_RTR };

/*
 * Validates a (possibly hierarchical) set name such as "AS65000:AS-FOO": components
 * separated by ':', each an AS number or a name with the kind's prefix, at least one
 * of the latter. Returns 0 or -1 with *err.
 */
int rpsl_set_name_check(enum rpsl_set_kind kind, const char *name, size_t len, const char **err);

#endif
