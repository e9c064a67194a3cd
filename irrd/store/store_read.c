/* Row reads for the read API; see store_read.h. */
#include "store_read.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* The caller's visitor, one of three kinds. */
struct visitor {
	store_object_fn object;
	store_source_fn source;
	store_journal_fn journal;
	void *arg;
};

/* Steps stmt, handing each row to visit(); resets it. 0, or -1 with *err. */
static int step_rows(struct store *st, sqlite3_stmt *stmt, int (*visit)(sqlite3_stmt *stmt, const struct visitor *v),
		     const struct visitor *v, const char *what, char **err)
{
	int rc = SQLITE_DONE, verdict = 0;

	while (verdict == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		verdict = visit(stmt, v);
	if (verdict == 0 && rc != SQLITE_DONE) {
		*err = store_error(st, what);
		sqlite3_reset(stmt);
		return -1;
	}
	sqlite3_reset(stmt);
	if (verdict < 0) {
		*err = xasprintf("%s: stopped by its reader", what);
		return -1;
	}
	return 0;
}

/* Columns: id, class, pkey, text (text may be absent: key-only reads). */
static int visit_object(sqlite3_stmt *stmt, const struct visitor *v)
{
	struct store_object_row row = {
		.id = sqlite3_column_int64(stmt, 0),
		.cls = store_column_text(stmt, 1),
		.pkey = store_column_text(stmt, 2),
		.text = sqlite3_column_count(stmt) > 3 ? store_column_text(stmt, 3) : NULL,
	};

	return v->object(v->arg, &row);
}

static int visit_source(sqlite3_stmt *stmt, const struct visitor *v)
{
	struct store_source_row row = {
		.id = sqlite3_column_int64(stmt, 0),
		.name = store_column_text(stmt, 1),
		.generation = sqlite3_column_int64(stmt, 2),
		.serial_oldest = sqlite3_column_int64(stmt, 3),
		.serial_newest = sqlite3_column_int64(stmt, 4),
	};

	return v->source(v->arg, &row);
}

static int visit_journal(sqlite3_stmt *stmt, const struct visitor *v)
{
	struct store_journal_row row = {
		.serial = sqlite3_column_int64(stmt, 0),
		.operation = store_column_text(stmt, 1),
		.cls = store_column_text(stmt, 2),
		.pkey = store_column_text(stmt, 3),
		.text = store_column_text(stmt, 4),
		.timestamp = sqlite3_column_int64(stmt, 5),
	};

	return v->journal(v->arg, &row);
}

int store_read_sources(struct store *st, const char *first, store_source_fn fn, void *arg, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT id, name, generation, serial_oldest, serial_newest FROM sources"
		" ORDER BY (name = upper(?1)) DESC, name");

	sqlite3_bind_text(stmt, 1, first ? first : "", -1, SQLITE_STATIC);
	return step_rows(st, stmt, visit_source, &(struct visitor){ .source = fn, .arg = arg }, "reading sources", err);
}

int store_read_by_key(struct store *st, int64_t source_id, const char *cls, const char *pkey, store_object_fn fn,
		      void *arg, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT id, class, pkey, text FROM objects WHERE source_id = ?1 AND class = ?2 AND pkey = upper(?3)");

	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, pkey, -1, SQLITE_STATIC);
	return step_rows(st, stmt, visit_object, &(struct visitor){ .object = fn, .arg = arg }, "reading an object", err);
}

int store_read_by_attr(struct store *st, int64_t source_id, const char *attr, const char *value, const char *cls,
		       store_object_fn fn, void *arg, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.id, o.class, o.pkey, o.text FROM attr_index a JOIN objects o ON o.id = a.object_id"
		" WHERE a.source_id = ?1 AND a.attr = ?2 AND a.value = upper(?3) AND (?4 IS NULL OR o.class = ?4)"
		" ORDER BY o.id");

	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_text(stmt, 2, attr, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, value, -1, SQLITE_STATIC);
	if (cls != NULL)
		sqlite3_bind_text(stmt, 4, cls, -1, SQLITE_STATIC);
	return step_rows(st, stmt, visit_object, &(struct visitor){ .object = fn, .arg = arg }, "reading objects by attribute", err);
}

int store_read_as_block(struct store *st, int64_t source_id, uint32_t asn, store_object_fn fn, void *arg, char **err)
{
	/* as-block keys are stored canonical, "AS<lo> - AS<hi>"; there are few of them */
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT id, class, pkey, text FROM ("
		"  SELECT id, class, pkey, text,"
		"    CAST(substr(pkey, 3, instr(pkey, ' - ') - 3) AS INTEGER) AS lo,"
		"    CAST(substr(pkey, instr(pkey, ' - ') + 5) AS INTEGER) AS hi"
		"  FROM objects WHERE source_id = ?1 AND class = 'as-block')"
		" WHERE lo <= ?2 AND hi >= ?2 ORDER BY hi - lo LIMIT 1");

	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int64(stmt, 2, asn);
	return step_rows(st, stmt, visit_object, &(struct visitor){ .object = fn, .arg = arg }, "reading as-blocks", err);
}

int store_read_prefix_exact(struct store *st, int64_t source_id, const struct prefix *p, const char *cls,
			    store_object_fn fn, void *arg, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.id, o.class, o.pkey, o.text FROM prefix_index x"
		" JOIN objects o ON o.id = x.object_id"
		" WHERE x.source_id = ?1 AND x.family = ?2 AND x.first = ?3 AND x.length = ?4"
		" AND (?5 IS NULL OR x.class = ?5) ORDER BY o.id");

	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int(stmt, 2, p->family);
	sqlite3_bind_blob(stmt, 3, p->addr, (int)prefix_addr_bytes(p->family), SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, p->length);
	if (cls != NULL)
		sqlite3_bind_text(stmt, 5, cls, -1, SQLITE_STATIC);
	return step_rows(st, stmt, visit_object, &(struct visitor){ .object = fn, .arg = arg }, "reading objects by prefix", err);
}

int store_read_prefix_more(struct store *st, int64_t source_id, const struct prefix *p, const char *cls,
			   store_object_fn fn, void *arg, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.id, o.class, o.pkey, o.text FROM prefix_index x JOIN objects o ON o.id = x.object_id"
		" WHERE x.source_id = ?1 AND x.family = ?2 AND x.first BETWEEN ?3 AND ?4 AND x.length > ?5"
		" AND (?6 IS NULL OR x.class = ?6)"
		" AND (x.range_first IS NULL OR (x.range_first >= ?3 AND x.range_last <= ?4))"
		" ORDER BY x.first, x.length, o.id");
	struct addr_range r;
	size_t bytes = prefix_addr_bytes(p->family);

	prefix_to_range(p, &r);
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int(stmt, 2, p->family);
	sqlite3_bind_blob(stmt, 3, r.first, (int)bytes, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 4, r.last, (int)bytes, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 5, p->length);
	if (cls != NULL)
		sqlite3_bind_text(stmt, 6, cls, -1, SQLITE_STATIC);
	return step_rows(st, stmt, visit_object, &(struct visitor){ .object = fn, .arg = arg }, "reading more specific objects", err);
}

int store_read_route_keys(struct store *st, int64_t source_id, const char *origin, store_object_fn fn, void *arg,
			  char **err)
{
	sqlite3_stmt *stmt;

	if (origin == NULL) {
		stmt = store_stmt(st, "SELECT id, class, pkey FROM objects WHERE source_id = ?1 AND class IN ('route', 'route6')");
	} else {
		stmt = store_stmt(st,
			"SELECT o.id, o.class, o.pkey FROM attr_index a JOIN objects o ON o.id = a.object_id"
			" WHERE a.source_id = ?1 AND a.attr = 'origin' AND a.value = upper(?2)"
			" AND o.class IN ('route', 'route6')");
		sqlite3_bind_text(stmt, 2, origin, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(stmt, 1, source_id);
	return step_rows(st, stmt, visit_object, &(struct visitor){ .object = fn, .arg = arg }, "reading route keys", err);
}

int store_read_source_objects(struct store *st, int64_t source_id, store_object_fn fn, void *arg, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT id, class, pkey, text FROM objects WHERE source_id = ?1"
					    " ORDER BY source_id, class, pkey");

	sqlite3_bind_int64(stmt, 1, source_id);
	return step_rows(st, stmt, visit_object, &(struct visitor){ .object = fn, .arg = arg }, "reading the objects",
			 err);
}

int store_read_journal(struct store *st, int64_t source_id, int64_t after, int64_t upto, const char *cls,
		       const char *cls2, store_journal_fn fn, void *arg, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT serial, operation, class, pkey, text, timestamp FROM journal"
		" WHERE source_id = ?1 AND serial > ?2 AND (?3 = 0 OR serial <= ?3)"
		" AND (?4 IS NULL OR class IN (?4, coalesce(?5, ?4))) ORDER BY serial");

	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int64(stmt, 2, after);
	sqlite3_bind_int64(stmt, 3, upto);
	if (cls != NULL)
		sqlite3_bind_text(stmt, 4, cls, -1, SQLITE_STATIC);
	if (cls2 != NULL)
		sqlite3_bind_text(stmt, 5, cls2, -1, SQLITE_STATIC);
	return step_rows(st, stmt, visit_journal, &(struct visitor){ .journal = fn, .arg = arg }, "reading the journal", err);
}
