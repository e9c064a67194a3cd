/*
 * What the store indexes for an object: address blocks (prefix_index) and lookup-key
 * values (attr_index). Derived from the parsed object the same way on every write
 * path, so a bulk load and a single update produce identical index rows.
 */
#ifndef IRRD_STORE_INDEX_H
#define IRRD_STORE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpsl_object.h"
#include "strbuf.h"

struct index_prefix_row {
	int64_t object_id;
	uint32_t seq;            /* which parsed object produced it (bulk loads) */
	uint8_t family, length;
	bool partial;            /* block of a larger non-CIDR range: range_* hold the range */
	const char *cls;         /* static class name */
	uint8_t first[16];
	uint8_t range_first[16], range_last[16];
};

struct index_attr_row {
	int64_t object_id;
	uint32_t seq;
	const char *attr;        /* static attribute name from the schema */
	size_t value_offset;     /* into index_rows.pool */
	uint32_t value_len;
};

struct index_rows {
	struct index_prefix_row *prefixes;
	size_t prefix_count, prefix_capacity;
	struct index_attr_row *attrs;
	size_t attr_count, attr_capacity;
	struct strbuf pool;      /* upper-case values, NUL separated */
};

void index_rows_init(struct index_rows *rows);
void index_rows_release(struct index_rows *rows);
void index_rows_reset(struct index_rows *rows);
/* Appends the rows of obj (object_id and seq filled in as given). */
void index_rows_collect(struct index_rows *rows, const struct rpsl_object *obj, int64_t object_id,
			uint32_t seq);
static inline const char *index_rows_value(const struct index_rows *rows, const struct index_attr_row *r)
{
	return rows->pool.data + r->value_offset;
}

#endif
