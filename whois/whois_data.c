/* Store reads for the query front end; see whois_data.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "whois_data.h"
#include "xalloc.h"

int whois_data_all_sources(struct store *st, const char *first, struct whois_sources *out)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT id, name FROM sources ORDER BY (name = upper(?1)) DESC, name");
	int rc;

	out->count = 0;
	sqlite3_bind_text(stmt, 1, first ? first : "", -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && out->count < MAX_QUERY_SOURCES) {
		struct whois_source *s = &out->items[out->count++];

		s->id = sqlite3_column_int64(stmt, 0);
		snprintf(s->name, sizeof(s->name), "%s", (const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int whois_data_source(struct store *st, const char *name, struct whois_source *out)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT id, name FROM sources WHERE name = ?1");
	int rc;

	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(stmt, 0);
		snprintf(out->name, sizeof(out->name), "%s", (const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void whois_objects_init(struct whois_objects *v)
{
	memset(v, 0, sizeof(*v));
}

void whois_objects_release(struct whois_objects *v)
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

/* Records (source, id) in the seen-set; returns false when it was already there. */
static bool objects_mark_seen(struct whois_objects *v, const char *source, int64_t id)
{
	uint64_t key = (uint64_t)id ^ ((uint64_t)(uintptr_t)source << 1);
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

/* Appends every row (id, class, pkey, text) of a stepped statement. */
static int collect_objects(sqlite3_stmt *stmt, const struct whois_source *src, struct whois_objects *out)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct whois_object *o;
		int64_t id = sqlite3_column_int64(stmt, 0);

		/* A lookup may reach one object through several index rows. */
		if (!objects_mark_seen(out, src->name, id))
			continue;
		if (out->count >= MAX_QUERY_OBJECTS) {
			out->truncated = true;
			break;
		}
		out->items = xgrow(out->items, &out->capacity, out->count + 1, sizeof(*out->items));
		o = &out->items[out->count++];
		o->id = id;
		o->source = src->name;
		o->cls = xstrdup((const char *)sqlite3_column_text(stmt, 1));
		o->pkey = xstrdup((const char *)sqlite3_column_text(stmt, 2));
		o->text = xstrdup((const char *)sqlite3_column_text(stmt, 3));
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE || out->truncated ? 0 : -1;
}

int whois_data_by_key(struct store *st, const struct whois_source *src, const char *cls, const char *pkey,
		      struct whois_objects *out)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT id, class, pkey, text FROM objects WHERE source_id = ?1 AND class = ?2 AND pkey = upper(?3)");

	sqlite3_bind_int64(stmt, 1, src->id);
	sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, pkey, -1, SQLITE_STATIC);
	return collect_objects(stmt, src, out);
}

int whois_data_by_attr(struct store *st, const struct whois_source *src, const char *attr, const char *value,
		       const char *cls, struct whois_objects *out)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.id, o.class, o.pkey, o.text FROM attr_index a JOIN objects o ON o.id = a.object_id"
		" WHERE a.source_id = ?1 AND a.attr = ?2 AND a.value = upper(?3) AND (?4 IS NULL OR o.class = ?4)"
		" ORDER BY o.id");

	sqlite3_bind_int64(stmt, 1, src->id);
	sqlite3_bind_text(stmt, 2, attr, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, value, -1, SQLITE_STATIC);
	if (cls != NULL)
		sqlite3_bind_text(stmt, 4, cls, -1, SQLITE_STATIC);
	return collect_objects(stmt, src, out);
}

int whois_data_as_block(struct store *st, const struct whois_source *src, uint32_t asn, struct whois_objects *out)
{
	/* as-block keys are stored canonical, "AS<lo> - AS<hi>"; there are few of them */
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT id, class, pkey, text FROM ("
		"  SELECT id, class, pkey, text,"
		"    CAST(substr(pkey, 3, instr(pkey, ' - ') - 3) AS INTEGER) AS lo,"
		"    CAST(substr(pkey, instr(pkey, ' - ') + 5) AS INTEGER) AS hi"
		"  FROM objects WHERE source_id = ?1 AND class = 'as-block')"
		" WHERE lo <= ?2 AND hi >= ?2 ORDER BY hi - lo LIMIT 1");

	sqlite3_bind_int64(stmt, 1, src->id);
	sqlite3_bind_int64(stmt, 2, asn);
	return collect_objects(stmt, src, out);
}

/* Objects whose index block is exactly (p truncated to len). */
static int prefix_point(struct store *st, const struct whois_source *src, const struct prefix *p, const char *cls,
			struct whois_objects *out)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.id, o.class, o.pkey, o.text, x.range_first, x.range_last FROM prefix_index x"
		" JOIN objects o ON o.id = x.object_id"
		" WHERE x.source_id = ?1 AND x.family = ?2 AND x.first = ?3 AND x.length = ?4"
		" AND (?5 IS NULL OR x.class = ?5) ORDER BY o.id");
	size_t bytes = prefix_addr_bytes(p->family);

	sqlite3_bind_int64(stmt, 1, src->id);
	sqlite3_bind_int(stmt, 2, p->family);
	sqlite3_bind_blob(stmt, 3, p->addr, (int)bytes, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, p->length);
	if (cls != NULL)
		sqlite3_bind_text(stmt, 5, cls, -1, SQLITE_STATIC);
	return collect_objects(stmt, src, out);
}

int whois_data_by_prefix(struct store *st, const struct whois_source *src, const struct prefix *p,
			 enum whois_match match, const char *cls, struct whois_objects *out)
{
	if (match == MATCH_EXACT)
		return prefix_point(st, src, p, cls, out);
	if (match == MATCH_MORE_ALL) {
		sqlite3_stmt *stmt = store_stmt(st,
			"SELECT o.id, o.class, o.pkey, o.text FROM prefix_index x JOIN objects o ON o.id = x.object_id"
			" WHERE x.source_id = ?1 AND x.family = ?2 AND x.first BETWEEN ?3 AND ?4 AND x.length > ?5"
			" AND (?6 IS NULL OR x.class = ?6)"
			" AND (x.range_first IS NULL OR (x.range_first >= ?3 AND x.range_last <= ?4))"
			" ORDER BY x.first, x.length, o.id");
		struct addr_range r;
		size_t bytes = prefix_addr_bytes(p->family);

		prefix_to_range(p, &r);
		sqlite3_bind_int64(stmt, 1, src->id);
		sqlite3_bind_int(stmt, 2, p->family);
		sqlite3_bind_blob(stmt, 3, r.first, (int)bytes, SQLITE_STATIC);
		sqlite3_bind_blob(stmt, 4, r.last, (int)bytes, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 5, p->length);
		if (cls != NULL)
			sqlite3_bind_text(stmt, 6, cls, -1, SQLITE_STATIC);
		return collect_objects(stmt, src, out);
	}
	/* Less specific: one point lookup per shorter length, most specific first. */
	for (int len = match == MATCH_LESS_ALL_INCL_EXACT ? p->length : p->length - 1; len >= 0; len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		size_t before = out->count;

		if (prefix_point(st, src, &t, cls, out) < 0)
			return -1;
		if (match == MATCH_LESS_ONE && out->count > before)
			break;
	}
	return 0;
}

bool whois_route_key_prefix(const char *pkey, struct prefix *out)
{
	const char *as = strrchr(pkey, 'A');
	const char *err;

	/* The key is PREFIX + "AS" + digits; the last 'A' starts the origin. */
	if (as == NULL || as == pkey || (as[1] != 'S' && as[1] != 's'))
		return false;
	return prefix_parse(pkey, (size_t)(as - pkey), 0, out, &err) == 0;
}

void prefix_vec_push(struct prefix_vec *v, const struct prefix *p)
{
	v->items = xgrow(v->items, &v->capacity, v->count + 1, sizeof(*v->items));
	v->items[v->count++] = *p;
}

static int compare_prefixes(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;
	int c = (int)x->family - (int)y->family;

	if (c == 0)
		c = memcmp(x->addr, y->addr, 16);
	if (c == 0)
		c = (int)x->length - (int)y->length;
	return c;
}

void prefix_vec_sort_unique(struct prefix_vec *v)
{
	size_t w = 0;

	if (v->count == 0)
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

int whois_data_origin_prefixes(struct store *st, const struct whois_source *src, uint32_t asn,
			       uint8_t family, struct prefix_vec *out)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.pkey FROM attr_index a JOIN objects o ON o.id = a.object_id"
		" WHERE a.source_id = ?1 AND a.attr = 'origin' AND a.value = ?2"
		" AND o.class IN ('route', 'route6')");
	char asn_text[ASN_STRLEN];
	int rc;

	asn_format(asn, asn_text);
	sqlite3_bind_int64(stmt, 1, src->id);
	sqlite3_bind_text(stmt, 2, asn_text, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct prefix p;

		if (!whois_route_key_prefix((const char *)sqlite3_column_text(stmt, 0), &p))
			continue;
		if (family == 0 || p.family == family)
			prefix_vec_push(out, &p);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}
