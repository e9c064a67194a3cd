/*
 * The one writer; see store_write.h. Bulk loads stream objects into `objects` and
 * keep index rows in memory, then insert them sorted (the B-trees are then built
 * by appends, which is what makes a million-object load fast).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "rpsl_parse.h"
#include "store_index.h"
#include "store_write.h"
#include "strbuf.h"
#include "xalloc.h"

static int step_done(struct store *st, sqlite3_stmt *stmt, const char *what, char **err)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		*err = store_error(st, what);
		return -1;
	}
	return 0;
}

/* Finds or creates the source row. */
static int source_ensure(struct store *st, const char *source, int64_t *id, int64_t *serial, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "INSERT OR IGNORE INTO sources(name) VALUES (upper(?1))");

	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	if (step_done(st, stmt, "creating source", err) < 0)
		return -1;
	stmt = store_stmt(st, "SELECT id, serial_newest FROM sources WHERE name = ?1");
	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		*err = store_error(st, "reading source");
		sqlite3_reset(stmt);
		return -1;
	}
	*id = sqlite3_column_int64(stmt, 0);
	*serial = sqlite3_column_int64(stmt, 1);
	sqlite3_reset(stmt);
	return 0;
}

/* qsort_r comparator; arg is the index_rows holding the value pool. */
static int compare_attr_rows(const void *a, const void *b, void *arg)
{
	const struct index_attr_row *x = a, *y = b;
	const struct index_rows *rows = arg;
	int c = strcmp(x->attr, y->attr);

	if (c == 0)
		c = strcmp(index_rows_value(rows, x), index_rows_value(rows, y));
	if (c == 0)
		c = (x->object_id > y->object_id) - (x->object_id < y->object_id);
	return c;
}

static int compare_prefix_rows(const void *a, const void *b)
{
	const struct index_prefix_row *x = a, *y = b;
	int c = (int)x->family - (int)y->family;

	if (c == 0)
		c = memcmp(x->first, y->first, prefix_addr_bytes(x->family));
	if (c == 0)
		c = (int)x->length - (int)y->length;
	if (c == 0)
		c = (x->object_id > y->object_id) - (x->object_id < y->object_id);
	return c;
}

#define POOL_CHUNK_SIZE (16u * 1024 * 1024)

/* Append-only string storage with stable addresses (no realloc of what was handed out). */
struct pool_chunk {
	struct pool_chunk *next;
	size_t used, size;
	char data[];
};

struct bulk_object {
	int64_t id;              /* assigned at commit, in key order */
	const char *cls;
	const char *pkey;
	const char *text;
	const char *origin;
	uint32_t text_len;
	uint32_t line;
	uint32_t seq;
};

struct store_bulk {
	struct store *st;
	char *source;
	store_bulk_hook_fn before_commit;
	void *before_commit_arg;
	struct bulk_object *objects;
	size_t object_count, object_capacity;
	struct index_rows rows;
	struct pool_chunk *pool;
};

static const char *pool_copy(struct store_bulk *bulk, const char *s, size_t n)
{
	struct pool_chunk *c = bulk->pool;
	char *p;

	if (c == NULL || c->size - c->used < n + 1) {
		size_t size = n + 1 > POOL_CHUNK_SIZE ? n + 1 : POOL_CHUNK_SIZE;

		c = xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		c->next = bulk->pool;
		bulk->pool = c;
	}
	p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

struct store_bulk *store_bulk_new(struct store *st, const char *source)
{
	struct store_bulk *bulk = xcalloc(1, sizeof(*bulk));

	bulk->st = st;
	bulk->source = xstrdup(source);
	index_rows_init(&bulk->rows);
	return bulk;
}

void store_bulk_free(struct store_bulk *bulk)
{
	if (bulk == NULL)
		return;
	while (bulk->pool != NULL) {
		struct pool_chunk *next = bulk->pool->next;

		free(bulk->pool);
		bulk->pool = next;
	}
	index_rows_release(&bulk->rows);
	free(bulk->objects);
	free(bulk->source);
	free(bulk);
}

void store_bulk_add(struct store_bulk *bulk, const struct rpsl_object *obj, const char *text, size_t len,
		    const char *origin, uint32_t line)
{
	struct bulk_object *o;

	bulk->objects = xgrow(bulk->objects, &bulk->object_capacity, bulk->object_count + 1,
			      sizeof(*bulk->objects));
	o = &bulk->objects[bulk->object_count];
	o->cls = obj->cls->name;
	o->pkey = pool_copy(bulk, obj->pkey, strlen(obj->pkey));
	o->text = pool_copy(bulk, text, len);
	o->text_len = (uint32_t)len;
	o->origin = origin;
	o->line = line;
	o->seq = (uint32_t)bulk->object_count;
	/* object_id is filled in at commit, once ids are assigned in key order */
	index_rows_collect(&bulk->rows, obj, 0, o->seq);
	bulk->object_count++;
}

void store_bulk_batch_init(struct store_bulk_batch *batch)
{
	memset(batch, 0, sizeof(*batch));
	index_rows_init(&batch->rows);
	strbuf_init(&batch->strings);
}

void store_bulk_batch_reset(struct store_bulk_batch *batch)
{
	index_rows_reset(&batch->rows);
	strbuf_reset(&batch->strings);
	batch->count = 0;
}

void store_bulk_batch_release(struct store_bulk_batch *batch)
{
	index_rows_release(&batch->rows);
	strbuf_release(&batch->strings);
	free(batch->objects);
	memset(batch, 0, sizeof(*batch));
}

void store_bulk_batch_add(struct store_bulk_batch *batch, const struct rpsl_object *obj, const char *text,
			  size_t len, uint32_t line)
{
	struct store_bulk_batch_object *o;

	batch->objects = xgrow(batch->objects, &batch->capacity, batch->count + 1, sizeof(*batch->objects));
	o = &batch->objects[batch->count];
	o->cls = obj->cls->name;
	o->pkey_offset = batch->strings.len;
	strbuf_append(&batch->strings, obj->pkey, strlen(obj->pkey) + 1);
	o->text_offset = batch->strings.len;
	strbuf_append(&batch->strings, text, len);
	strbuf_append_char(&batch->strings, '\0');
	o->text_len = (uint32_t)len;
	o->line = line;
	index_rows_collect(&batch->rows, obj, 0, (uint32_t)batch->count);
	batch->count++;
}

void store_bulk_add_batch(struct store_bulk *bulk, const struct store_bulk_batch *batch, const char *origin)
{
	const char *strings;
	uint32_t seq_base = (uint32_t)bulk->object_count;
	size_t pool_base = bulk->rows.pool.len;
	struct index_rows *rows = &bulk->rows;

	if (batch->count == 0)
		return;
	strings = pool_copy(bulk, batch->strings.data, batch->strings.len);
	bulk->objects = xgrow(bulk->objects, &bulk->object_capacity, bulk->object_count + batch->count,
			      sizeof(*bulk->objects));
	for (size_t i = 0; i < batch->count; i++) {
		const struct store_bulk_batch_object *in = &batch->objects[i];
		struct bulk_object *o = &bulk->objects[bulk->object_count++];

		o->cls = in->cls;
		o->pkey = strings + in->pkey_offset;
		o->text = strings + in->text_offset;
		o->text_len = in->text_len;
		o->origin = origin;
		o->line = in->line;
		o->seq = seq_base + (uint32_t)i;
	}
	/* Index rows: same rows, object numbers and value offsets rebased. */
	strbuf_append(&rows->pool, batch->rows.pool.data, batch->rows.pool.len);
	rows->prefixes = xgrow(rows->prefixes, &rows->prefix_capacity, rows->prefix_count + batch->rows.prefix_count,
			       sizeof(*rows->prefixes));
	for (size_t i = 0; i < batch->rows.prefix_count; i++) {
		struct index_prefix_row *r = &rows->prefixes[rows->prefix_count++];

		*r = batch->rows.prefixes[i];
		r->seq += seq_base;
	}
	rows->attrs = xgrow(rows->attrs, &rows->attr_capacity, rows->attr_count + batch->rows.attr_count,
			    sizeof(*rows->attrs));
	for (size_t i = 0; i < batch->rows.attr_count; i++) {
		struct index_attr_row *r = &rows->attrs[rows->attr_count++];

		*r = batch->rows.attrs[i];
		r->seq += seq_base;
		r->value_offset += pool_base;
	}
}

/* Key order of the objects_by_key index (BINARY collation), then arrival order. */
static int compare_objects(const void *a, const void *b)
{
	const struct bulk_object *x = a, *y = b;
	int c = strcmp(x->cls, y->cls);

	if (c == 0)
		c = strcmp(x->pkey, y->pkey);
	if (c == 0)
		c = (x->seq > y->seq) - (x->seq < y->seq);
	return c;
}

static void sort_index_rows(struct index_rows *rows)
{
	/* (qsort must not see a NULL base, even for zero elements) */
	if (rows->attr_count > 1)
		qsort_r(rows->attrs, rows->attr_count, sizeof(*rows->attrs), compare_attr_rows, rows);
	if (rows->prefix_count > 1)
		qsort(rows->prefixes, rows->prefix_count, sizeof(*rows->prefixes), compare_prefix_rows);
}

static void *sort_index_rows_thread(void *arg)
{
	sort_index_rows(arg);
	return NULL;
}

/*
 * Batched inserts: one statement carries BATCH_ROWS rows, which amortises SQLite's
 * per-statement cost over a million-row load. The SQL holds only placeholders.
 */
#define BATCH_ROWS 256

struct batch_spec {
	const char *what;          /* for error messages */
	const char *head;          /* "INSERT ... VALUES " */
	const char *tuple;         /* "(?,?,?)" */
	int columns;
	/* Binds one row at parameter index `first`; returns false to skip the row. */
	bool (*bind)(sqlite3_stmt *stmt, int first, const void *row, const void *ctx);
	char single[256], batch[256 + BATCH_ROWS * 40]; /* built once */
};

static void batch_build_sql(struct batch_spec *spec)
{
	struct strbuf sb;

	if (spec->single[0] != '\0')
		return;
	strbuf_init(&sb);
	strbuf_printf(&sb, "%s%s", spec->head, spec->tuple);
	if (sb.len >= sizeof(spec->single))
		fatal("batch SQL too long");
	memcpy(spec->single, sb.data, sb.len + 1);
	strbuf_reset(&sb);
	strbuf_append_str(&sb, spec->head);
	for (int i = 0; i < BATCH_ROWS; i++) {
		if (i > 0)
			strbuf_append_char(&sb, ',');
		strbuf_append_str(&sb, spec->tuple);
	}
	if (sb.len >= sizeof(spec->batch))
		fatal("batch SQL too long");
	memcpy(spec->batch, sb.data, sb.len + 1);
	strbuf_release(&sb);
}

static int insert_batched(struct store *st, struct batch_spec *spec, const void *rows, size_t count,
			  size_t elem, const void *ctx, char **err)
{
	sqlite3_stmt *batch, *single;
	size_t i = 0;

	batch_build_sql(spec);
	batch = store_stmt(st, spec->batch);
	single = store_stmt(st, spec->single);
	while (i < count) {
		int filled = 0;

		/* Fill a full batch if enough rows remain, else fall back to single rows. */
		if (count - i >= BATCH_ROWS) {
			while (filled < BATCH_ROWS && i < count) {
				const void *row = (const char *)rows + i * elem;

				i++;
				if (spec->bind(batch, filled * spec->columns + 1, row, ctx))
					filled++;
			}
			if (filled == BATCH_ROWS) {
				if (step_done(st, batch, spec->what, err) < 0)
					return -1;
				sqlite3_clear_bindings(batch);
				continue;
			}
			/* Skipped rows left the batch short: write what was bound one by one. */
			sqlite3_clear_bindings(batch);
			i -= (size_t)BATCH_ROWS;
			for (int k = 0; k < BATCH_ROWS && i < count; k++, i++) {
				if (spec->bind(single, 1, (const char *)rows + i * elem, ctx) &&
				    step_done(st, single, spec->what, err) < 0)
					return -1;
			}
			continue;
		}
		if (spec->bind(single, 1, (const char *)rows + i * elem, ctx) &&
		    step_done(st, single, spec->what, err) < 0)
			return -1;
		i++;
	}
	return 0;
}

struct index_bind_ctx {
	int64_t source_id;
	const struct index_rows *rows;
};

static bool bind_prefix_row(sqlite3_stmt *stmt, int p, const void *row, const void *ctx)
{
	const struct index_prefix_row *r = row;
	const struct index_bind_ctx *c = ctx;
	int bytes = (int)prefix_addr_bytes(r->family);

	if (r->object_id == 0)
		return false; /* superseded by a later object with the same key */
	sqlite3_bind_int64(stmt, p, c->source_id);
	sqlite3_bind_int(stmt, p + 1, r->family);
	sqlite3_bind_blob(stmt, p + 2, r->first, bytes, SQLITE_STATIC);
	sqlite3_bind_int(stmt, p + 3, r->length);
	sqlite3_bind_int64(stmt, p + 4, r->object_id);
	sqlite3_bind_text(stmt, p + 5, r->cls, -1, SQLITE_STATIC);
	if (r->partial) {
		sqlite3_bind_blob(stmt, p + 6, r->range_first, bytes, SQLITE_STATIC);
		sqlite3_bind_blob(stmt, p + 7, r->range_last, bytes, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(stmt, p + 6);
		sqlite3_bind_null(stmt, p + 7);
	}
	return true;
}

static bool bind_attr_row(sqlite3_stmt *stmt, int p, const void *row, const void *ctx)
{
	const struct index_attr_row *r = row;
	const struct index_bind_ctx *c = ctx;

	if (r->object_id == 0)
		return false;
	sqlite3_bind_int64(stmt, p, c->source_id);
	sqlite3_bind_text(stmt, p + 1, r->attr, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, p + 2, index_rows_value(c->rows, r), (int)r->value_len, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, p + 3, r->object_id);
	return true;
}

static struct batch_spec prefix_batch = {
	.what = "writing prefix index",
	.head = "INSERT OR IGNORE INTO prefix_index(source_id, family, first, length, object_id, class,"
		" range_first, range_last) VALUES ",
	.tuple = "(?,?,?,?,?,?,?,?)",
	.columns = 8,
	.bind = bind_prefix_row,
};

static struct batch_spec attr_batch = {
	.what = "writing attribute index",
	.head = "INSERT OR IGNORE INTO attr_index(source_id, attr, value, object_id) VALUES ",
	.tuple = "(?,?,?,?)",
	.columns = 4,
	.bind = bind_attr_row,
};

/* Inserts index rows; shared by bulk commit and single writes. */
static int insert_index_rows(struct store *st, int64_t source_id, const struct index_rows *rows,
			     char **err)
{
	struct index_bind_ctx ctx = { source_id, rows };

	if (insert_batched(st, &prefix_batch, rows->prefixes, rows->prefix_count, sizeof(*rows->prefixes), &ctx,
			   err) < 0)
		return -1;
	return insert_batched(st, &attr_batch, rows->attrs, rows->attr_count, sizeof(*rows->attrs), &ctx, err);
}

struct object_bind_ctx {
	int64_t source_id;
	int64_t now;
};

static bool bind_object_row(sqlite3_stmt *stmt, int p, const void *row, const void *ctx)
{
	const struct bulk_object *o = row;
	const struct object_bind_ctx *c = ctx;

	if (o->cls == NULL)
		return false; /* superseded duplicate */
	sqlite3_bind_int64(stmt, p, o->id);
	sqlite3_bind_int64(stmt, p + 1, c->source_id);
	sqlite3_bind_text(stmt, p + 2, o->cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, p + 3, o->pkey, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, p + 4, o->text, (int)o->text_len, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, p + 5, c->now);
	return true;
}

static struct batch_spec object_batch = {
	.what = "storing object",
	.head = "INSERT INTO objects(id, source_id, class, pkey, text, updated) VALUES ",
	.tuple = "(?,?,?,?,?,?)",
	.columns = 6,
	.bind = bind_object_row,
};

/* Size of the database's write-ahead log file, -1 when it cannot be told. */
static long long wal_size(struct store *st)
{
	const char *db_path = sqlite3_db_filename(store_db(st), "main");
	const char *wal_path = db_path != NULL && db_path[0] != '\0' ? sqlite3_filename_wal(db_path) : NULL;
	struct stat sb;

	if (wal_path == NULL || stat(wal_path, &sb) < 0)
		return -1;
	return (long long)sb.st_size;
}

/*
 * After a failed bulk commit: roll back, then checkpoint and truncate the WAL. A load
 * larger than the page cache spills its pages into the WAL as it goes, so when it
 * fails on a full disk the WAL holds most of the free space; a rollback only marks
 * those frames unused, and without the truncation the disk would stay full until
 * the next successful write happened to checkpoint.
 */
static void bulk_rollback(struct store *st, const char *source, const char *why)
{
	long long before = wal_size(st), after;
	int rc;

	store_tx_rollback(st);
	rc = sqlite3_wal_checkpoint_v2(store_db(st), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	after = wal_size(st);
	if (rc == SQLITE_OK)
		log_warn("bulk load of source %s failed (%s): rolled back, source unchanged; write-ahead log"
			 " checkpointed and truncated (%lld bytes before, %lld after)", source, why, before, after);
	else
		log_error("bulk load of source %s failed (%s): rolled back, source unchanged; the write-ahead log"
			  " (%lld bytes) could not be truncated: %s; the next write or checkpoint truncates it",
			  source, why, before, sqlite3_errmsg(store_db(st)));
}

void store_bulk_set_before_commit(struct store_bulk *bulk, store_bulk_hook_fn fn, void *arg)
{
	bulk->before_commit = fn;
	bulk->before_commit_arg = arg;
}

int store_bulk_commit(struct store_bulk *bulk, int64_t serial, store_bulk_duplicate_fn on_duplicate,
		      void *ctx, uint64_t *stored, char **err)
{
	static const char *const deletes[] = {
		"DELETE FROM attr_index WHERE source_id = ?1",
		"DELETE FROM prefix_index WHERE source_id = ?1",
		"DELETE FROM objects WHERE source_id = ?1",
		"DELETE FROM journal WHERE source_id = ?1",
	};
	struct store *st = bulk->st;
	int64_t source_id, previous_serial, next_id, *id_by_seq = NULL;
	pthread_t sorter;
	bool sorter_started = false;
	sqlite3_stmt *stmt;
	uint64_t count = 0;
	time_t now = time(NULL);
	int rc = -1;

	/* Sort and de-duplicate before taking the write lock. */
	log_debug("bulk: %zu objects collected", bulk->object_count);
	if (bulk->object_count > 1)
		qsort(bulk->objects, bulk->object_count, sizeof(*bulk->objects), compare_objects);
	id_by_seq = xcalloc(bulk->object_count + 1, sizeof(*id_by_seq));
	for (size_t i = 0; i < bulk->object_count; i++) {
		const struct bulk_object *o = &bulk->objects[i], *next = o + 1;

		if (i + 1 < bulk->object_count && strcmp(o->cls, next->cls) == 0 &&
		    strcmp(o->pkey, next->pkey) == 0) {
			if (on_duplicate != NULL)
				on_duplicate(ctx, o->origin, o->line, o->cls, o->pkey);
			bulk->objects[i].cls = NULL; /* superseded */
		}
	}
	log_debug("bulk: %zu objects sorted", bulk->object_count);

	if (store_exec(st, "PRAGMA cache_size = -65536", err) < 0 || store_tx_begin(st, err) < 0)
		goto out_free;
	if (source_ensure(st, bulk->source, &source_id, &previous_serial, err) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(deletes) / sizeof(deletes[0]); i++) {
		stmt = store_stmt(st, deletes[i]);
		sqlite3_bind_int64(stmt, 1, source_id);
		if (step_done(st, stmt, "clearing source", err) < 0)
			goto out;
	}
	stmt = store_stmt(st, "SELECT coalesce(max(id), 0) + 1 FROM objects");
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		*err = store_error(st, "reading object ids");
		sqlite3_reset(stmt);
		goto out;
	}
	next_id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);

	for (size_t i = 0; i < bulk->object_count; i++) {
		struct bulk_object *o = &bulk->objects[i];

		if (o->cls == NULL)
			continue;
		o->id = next_id++;
		id_by_seq[o->seq] = o->id;
		count++;
	}
	for (size_t i = 0; i < bulk->rows.prefix_count; i++)
		bulk->rows.prefixes[i].object_id = id_by_seq[bulk->rows.prefixes[i].seq];
	for (size_t i = 0; i < bulk->rows.attr_count; i++)
		bulk->rows.attrs[i].object_id = id_by_seq[bulk->rows.attrs[i].seq];
	/* Sort the index rows on the other core while the objects are written. */
	sorter_started = pthread_create(&sorter, NULL, sort_index_rows_thread, &bulk->rows) == 0;
	{
		struct object_bind_ctx octx = { source_id, (int64_t)now };

		if (insert_batched(st, &object_batch, bulk->objects, bulk->object_count, sizeof(*bulk->objects),
				   &octx, err) < 0)
			goto out;
	}
	log_debug("bulk: %llu objects written", (unsigned long long)count);
	if (sorter_started) {
		pthread_join(sorter, NULL);
		sorter_started = false;
	} else {
		sort_index_rows(&bulk->rows);
	}
	log_debug("bulk: %zu prefix and %zu attribute index rows sorted", bulk->rows.prefix_count,
		  bulk->rows.attr_count);
	if (insert_index_rows(st, source_id, &bulk->rows, err) < 0)
		goto out;
	log_debug("bulk: index rows written");
	stmt = store_stmt(st,
		"UPDATE sources SET serial_oldest = 0, serial_newest = ?2, generation = generation + 1,"
		" loaded_at = ?3 WHERE id = ?1");
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int64(stmt, 2, serial > 0 ? serial : previous_serial + 1);
	sqlite3_bind_int64(stmt, 3, (int64_t)now);
	if (step_done(st, stmt, "updating source", err) < 0 ||
	    (bulk->before_commit != NULL && bulk->before_commit(bulk->before_commit_arg, st, err) < 0) ||
	    store_tx_commit(st, err) < 0)
		goto out;
	log_debug("bulk: committed");
	/* Fold the load into the main file so the WAL does not stay as large as the load. */
	sqlite3_wal_checkpoint_v2(store_db(st), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	*stored = count;
	rc = 0;
out:
	if (sorter_started)
		pthread_join(sorter, NULL);
	if (rc != 0)
		bulk_rollback(st, bulk->source, *err != NULL ? *err : "unknown error");
	sqlite3_exec(store_db(st), "PRAGMA cache_size = -2000", NULL, NULL, NULL);
out_free:
	free(id_by_seq);
	store_bulk_free(bulk);
	return rc;
}

/* Deletes the index rows of a stored object, recomputed from its stored text. */
static int delete_index_rows(struct store *st, int64_t source_id, int64_t object_id, const char *text,
			     char **err)
{
	struct rpsl_object *old = rpsl_parse_object(text, strlen(text), 1, RPSL_TOLERANT);
	struct index_rows rows;
	sqlite3_stmt *ps = store_stmt(st,
		"DELETE FROM prefix_index WHERE source_id = ?1 AND family = ?2 AND first = ?3"
		" AND length = ?4 AND object_id = ?5");
	sqlite3_stmt *as = store_stmt(st,
		"DELETE FROM attr_index WHERE source_id = ?1 AND attr = ?2 AND value = ?3 AND object_id = ?4");
	int rc = 0;

	index_rows_init(&rows);
	if (old->cls != NULL)
		index_rows_collect(&rows, old, object_id, 0);
	for (size_t i = 0; i < rows.prefix_count && rc == 0; i++) {
		const struct index_prefix_row *r = &rows.prefixes[i];

		sqlite3_bind_int64(ps, 1, source_id);
		sqlite3_bind_int(ps, 2, r->family);
		sqlite3_bind_blob(ps, 3, r->first, (int)prefix_addr_bytes(r->family), SQLITE_STATIC);
		sqlite3_bind_int(ps, 4, r->length);
		sqlite3_bind_int64(ps, 5, object_id);
		rc = step_done(st, ps, "deleting prefix index", err);
	}
	for (size_t i = 0; i < rows.attr_count && rc == 0; i++) {
		const struct index_attr_row *r = &rows.attrs[i];

		sqlite3_bind_int64(as, 1, source_id);
		sqlite3_bind_text(as, 2, r->attr, -1, SQLITE_STATIC);
		sqlite3_bind_text(as, 3, index_rows_value(&rows, r), (int)r->value_len, SQLITE_STATIC);
		sqlite3_bind_int64(as, 4, object_id);
		rc = step_done(st, as, "deleting attribute index", err);
	}
	index_rows_release(&rows);
	rpsl_object_free(old);
	return rc;
}

int store_write_object(struct store *st, const char *source, enum store_operation op,
		       const struct rpsl_object *obj, const char *text, int64_t *serial_out, char **err)
{
	*serial_out = 0;
	return store_write_object_at(st, source, op, obj, text, serial_out, err);
}

int store_write_object_at(struct store *st, const char *source, enum store_operation op,
			  const struct rpsl_object *obj, const char *text, int64_t *serial_out, char **err)
{
	int64_t wanted = *serial_out;
	int64_t source_id, serial, object_id = 0;
	char *old_text = NULL;
	sqlite3_stmt *stmt;
	int result = -1;
	time_t now = time(NULL);

	if (!store_in_tx(st))
		fatal("store_write_object called outside a transaction");
	if (store_fault_due(st, STORE_FAULT_WRITE_OBJECT)) {
		*err = xstrdup("writing object: injected fault");
		return -1;
	}
	if (source_ensure(st, source, &source_id, &serial, err) < 0)
		goto out;
	stmt = store_stmt(st, "SELECT id, text FROM objects WHERE source_id = ?1 AND class = ?2 AND pkey = ?3");
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_text(stmt, 2, obj->cls->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, obj->pkey, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		object_id = sqlite3_column_int64(stmt, 0);
		old_text = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_reset(stmt);
	if (op == STORE_DELETE && old_text == NULL) {
		result = 1;
		goto out;
	}
	if (old_text != NULL && delete_index_rows(st, source_id, object_id, old_text, err) < 0)
		goto out;
	if (op == STORE_DELETE) {
		stmt = store_stmt(st, "DELETE FROM objects WHERE id = ?1");
		sqlite3_bind_int64(stmt, 1, object_id);
	} else if (old_text != NULL) {
		stmt = store_stmt(st, "UPDATE objects SET text = ?2, updated = ?3 WHERE id = ?1");
		sqlite3_bind_int64(stmt, 1, object_id);
		sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, (int64_t)now);
	} else {
		stmt = store_stmt(st, "INSERT INTO objects(source_id, class, pkey, text, updated)"
				      " VALUES (?1, ?2, ?3, ?4, ?5)");
		sqlite3_bind_int64(stmt, 1, source_id);
		sqlite3_bind_text(stmt, 2, obj->cls->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, obj->pkey, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 5, (int64_t)now);
	}
	if (step_done(st, stmt, "writing object", err) < 0)
		goto out;
	if (op == STORE_ADD) {
		struct index_rows rows;
		int rc;

		if (object_id == 0)
			object_id = sqlite3_last_insert_rowid(store_db(st));
		index_rows_init(&rows);
		index_rows_collect(&rows, obj, object_id, 0);
		rc = insert_index_rows(st, source_id, &rows, err);
		index_rows_release(&rows);
		if (rc < 0)
			goto out;
	}
	if (wanted > 0 && wanted <= serial) {
		*err = xasprintf("journal serial %lld is not above %lld, the newest of %s", (long long)wanted,
				 (long long)serial, source);
		goto out;
	}
	serial = wanted > 0 ? wanted : serial + 1;
	stmt = store_stmt(st, "INSERT INTO journal(source_id, serial, operation, class, pkey, text, timestamp)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int64(stmt, 2, serial);
	sqlite3_bind_text(stmt, 3, op == STORE_ADD ? "ADD" : "DEL", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, obj->cls->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, obj->pkey, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, op == STORE_ADD ? text : old_text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, (int64_t)now);
	if (step_done(st, stmt, "writing journal", err) < 0)
		goto out;
	stmt = store_stmt(st, "UPDATE sources SET serial_newest = ?2,"
			      " serial_oldest = CASE WHEN serial_oldest = 0 THEN ?2 ELSE serial_oldest END"
			      " WHERE id = ?1");
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int64(stmt, 2, serial);
	if (step_done(st, stmt, "updating serial", err) < 0)
		goto out;
	*serial_out = serial;
	result = 0;
out:
	free(old_text);
	return result;
}

int store_journal_trim(struct store *st, int64_t keep_seconds, int64_t keep_serials, time_t now, int64_t *removed,
		       char **err)
{
	sqlite3_stmt *del;
	int rc;

	*removed = 0;
	if (keep_seconds <= 0 && keep_serials <= 0)
		return 0;
	if (store_tx_begin(st, err) < 0)
		return -1;
	/* the newest entry of a source always stays: its serial is what mirrors resume from */
	del = store_stmt(st, "DELETE FROM journal WHERE serial < (SELECT s.serial_newest FROM sources s WHERE s.id = journal.source_id)"
			     " AND ((?1 > 0 AND timestamp < ?2)"
			     " OR (?3 > 0 AND serial <= (SELECT s.serial_newest FROM sources s WHERE s.id = journal.source_id) - ?3))");
	sqlite3_bind_int64(del, 1, keep_seconds);
	sqlite3_bind_int64(del, 2, (int64_t)now - keep_seconds);
	sqlite3_bind_int64(del, 3, keep_serials);
	rc = sqlite3_step(del);
	sqlite3_reset(del);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "trimming the journal");
		store_tx_rollback(st);
		return -1;
	}
	*removed = store_changes(st);
	if (store_exec(st, "UPDATE sources SET serial_oldest = coalesce((SELECT min(serial) FROM journal j"
			   " WHERE j.source_id = sources.id), 0)", err) < 0) {
		store_tx_rollback(st);
		return -1;
	}
	return store_tx_commit(st, err);
}

int store_source_advance_serial(struct store *st, const char *source, int64_t serial, char **err)
{
	sqlite3_stmt *q = store_stmt(st, "UPDATE sources SET serial_newest = ?2 WHERE name = ?1 AND serial_newest < ?2");
	int rc;

	sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, serial);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "moving the source's serial");
		return -1;
	}
	return 0;
}
