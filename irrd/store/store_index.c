/* Index row derivation; see store_index.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "store_index.h"
#include "xalloc.h"

void index_rows_init(struct index_rows *rows)
{
	memset(rows, 0, sizeof(*rows));
	strbuf_init(&rows->pool);
}

void index_rows_release(struct index_rows *rows)
{
	free(rows->prefixes);
	free(rows->attrs);
	strbuf_release(&rows->pool);
	memset(rows, 0, sizeof(*rows));
}

void index_rows_reset(struct index_rows *rows)
{
	rows->prefix_count = rows->attr_count = 0;
	strbuf_reset(&rows->pool);
}

static void add_prefix(struct index_rows *rows, const struct rpsl_object *obj, const struct prefix *p,
		       bool partial, int64_t object_id, uint32_t seq)
{
	struct index_prefix_row *r;

	rows->prefixes = xgrow(rows->prefixes, &rows->prefix_capacity, rows->prefix_count + 1,
			       sizeof(*rows->prefixes));
	r = &rows->prefixes[rows->prefix_count++];
	r->object_id = object_id;
	r->seq = seq;
	r->family = p->family;
	r->length = p->length;
	r->partial = partial;
	r->cls = obj->cls->name;
	memcpy(r->first, p->addr, 16);
	if (partial) {
		memcpy(r->range_first, obj->range.first, 16);
		memcpy(r->range_last, obj->range.last, 16);
	}
}

static void add_value(struct index_rows *rows, const char *attr, const char *v, size_t len,
		      int64_t object_id, uint32_t seq)
{
	struct index_attr_row *r;
	size_t off;

	while (len > 0 && (*v == ' ' || *v == '\t'))
		v++, len--;
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len == 0)
		return;
	off = rows->pool.len;
	strbuf_reserve(&rows->pool, len + 1);
	for (size_t i = 0; i < len; i++)
		rows->pool.data[off + i] = (char)toupper((unsigned char)v[i]);
	rows->pool.data[off + len] = '\0';
	rows->pool.len += len + 1;
	rows->attrs = xgrow(rows->attrs, &rows->attr_capacity, rows->attr_count + 1, sizeof(*rows->attrs));
	r = &rows->attrs[rows->attr_count++];
	r->object_id = object_id;
	r->seq = seq;
	r->attr = attr;
	r->value_offset = off;
	r->value_len = (uint32_t)len;
}

void index_rows_collect(struct index_rows *rows, const struct rpsl_object *obj, int64_t object_id,
			uint32_t seq)
{
	if (obj->has_prefix) {
		add_prefix(rows, obj, &obj->prefix, false, object_id, seq);
	} else if (obj->has_range) {
		struct prefix blocks[256];
		size_t n = addr_range_to_prefixes(&obj->range, blocks);

		for (size_t i = 0; i < n; i++)
			add_prefix(rows, obj, &blocks[i], n > 1, object_id, seq);
	}
	for (size_t i = 0; i < obj->attr_count; i++) {
		const struct rpsl_attr *a = &obj->attrs[i];
		const char *v = a->value;

		if (a->def == NULL || !(a->def->flags & ATTR_LOOKUP_KEY))
			continue;
		if (a->def->syntax == SYN_MNT_ROUTES) {
			/* index the maintainer, not its prefix list */
			size_t n = strcspn(v, " \t{");
			add_value(rows, a->def->name, v, n, object_id, seq);
		} else if (a->def->flags & ATTR_LIST) {
			while (*v) {
				size_t n = strcspn(v, ",");
				/* "RS-FOO^+" is found by "-i members RS-FOO": drop the range operator */
				size_t base = strcspn(v, ",^");

				add_value(rows, a->def->name, v, base < n ? base : n, object_id, seq);
				v += n;
				if (*v == ',')
					v++;
			}
		} else {
			add_value(rows, a->def->name, v, strlen(v), object_id, seq);
		}
	}
}
