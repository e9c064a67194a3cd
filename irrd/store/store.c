/* Opening the store and read queries; see store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "store_schema.h"
#include "strbuf.h"
#include "xalloc.h"

#define STMT_CACHE_SIZE 64

struct store {
	sqlite3 *db;
	struct {
		const char *sql; /* string literals: compared by address, then content */
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE_SIZE];
	size_t cache_count;
	long long busy_since_ms;     /* when the current wait for another process's lock began */
	enum store_fault fault;      /* tests: the operation to fail, and after how many calls */
	unsigned fault_countdown;
};

const char *store_column_text(sqlite3_stmt *stmt, int i)
{
	const char *s = (const char *)sqlite3_column_text(stmt, i);

	return s ? s : "";
}

void store_bind_prefix(sqlite3_stmt *stmt, int i, const struct prefix *p)
{
	sqlite3_bind_int(stmt, i, p->family);
	sqlite3_bind_blob(stmt, i + 1, p->addr, (int)prefix_addr_bytes(p->family), SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, i + 2, p->length);
}

void store_column_prefix(sqlite3_stmt *stmt, int i, struct prefix *p)
{
	const void *blob = sqlite3_column_blob(stmt, i + 1);
	int n = sqlite3_column_bytes(stmt, i + 1);

	memset(p, 0, sizeof(*p));
	p->family = (uint8_t)sqlite3_column_int(stmt, i);
	p->length = (uint8_t)sqlite3_column_int(stmt, i + 2);
	if (blob != NULL && n > 0 && n <= 16)
		memcpy(p->addr, blob, (size_t)n);
}

int store_exec(struct store *st, const char *sql, char **err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		*err = store_error(st, sql);
		return -1;
	}
	return 0;
}

int store_tx_begin(struct store *st, char **err)
{
	if (store_in_tx(st)) {
		*err = xstrdup("starting a transaction: one is already open");
		return -1;
	}
	return store_exec(st, "BEGIN IMMEDIATE", err);
}

int store_read_begin(struct store *st, char **err)
{
	if (store_in_tx(st)) {
		*err = xstrdup("starting a read snapshot: a transaction is already open");
		return -1;
	}
	/* a deferred transaction takes its snapshot at the first read and never the write lock */
	return store_exec(st, "BEGIN DEFERRED", err);
}

void store_read_end(struct store *st)
{
	store_tx_rollback(st);   /* nothing was written: ending it is all there is */
}

void store_fault_inject(struct store *st, enum store_fault where, unsigned n)
{
	st->fault = n > 0 ? where : STORE_FAULT_NONE;
	st->fault_countdown = n;
}

bool store_fault_due(struct store *st, enum store_fault where)
{
	if (st->fault != where || st->fault_countdown == 0 || --st->fault_countdown > 0)
		return false;
	st->fault = STORE_FAULT_NONE;
	return true;
}

int store_tx_commit(struct store *st, char **err)
{
	if (!store_in_tx(st)) {
		*err = xstrdup("committing: no transaction is open (it was rolled back)");
		return -1;
	}
	if (store_fault_due(st, STORE_FAULT_COMMIT)) {
		*err = xstrdup("COMMIT: injected fault");
		store_tx_rollback(st);
		return -1;
	}
	if (store_exec(st, "COMMIT", err) < 0) {
		store_tx_rollback(st);
		return -1;
	}
	return 0;
}

void store_tx_rollback(struct store *st)
{
	if (store_in_tx(st))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

bool store_in_tx(struct store *st)
{
	return sqlite3_get_autocommit(st->db) == 0;
}

char *store_error(struct store *st, const char *what)
{
	return xasprintf("%s: %s", what, st->db ? sqlite3_errmsg(st->db) : "no database");
}

/*
 * Waiting for another process's write lock: SQLite's own busy timeout sleeps in
 * growing steps (up to 100 ms), so two mail gateways taking turns lose most of their
 * time asleep after the lock is free. Short, even sleeps for STORE_BUSY_TIMEOUT_MS.
 */
#define STORE_BUSY_TIMEOUT_MS 10000
#define STORE_BUSY_STEP_US 500

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_for_lock(void *arg, int attempts)
{
	struct store *st = arg;

	/* the clock, not the count of short sleeps, decides: each sleep lasts longer than asked */
	if (attempts == 0)
		st->busy_since_ms = monotonic_ms();
	if (monotonic_ms() - st->busy_since_ms >= STORE_BUSY_TIMEOUT_MS)
		return 0;
	usleep(STORE_BUSY_STEP_US);
	return 1;
}

int store_open(const char *path, enum store_mode mode, struct store **out, char **err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int flags = mode == STORE_READ_WRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
					     : SQLITE_OPEN_READONLY;

	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		struct strbuf sb;

		strbuf_init(&sb);
		strbuf_printf(&sb, "%s: cannot open database: %s", path,
			      st->db ? sqlite3_errmsg(st->db) : "out of memory");
		*err = strbuf_detach(&sb, NULL);
		store_close(st);
		return -1;
	}
	/* Another process (the loader, the update engine) may hold the write lock briefly. */
	sqlite3_busy_handler(st->db, wait_for_lock, st);
	if (mode == STORE_READ_WRITE) {
		/* Only takes effect when the file is new: 16 KiB pages suit 200-byte objects and bulk loads. */
		if (sqlite3_exec(st->db, "PRAGMA page_size = 16384", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
					 "PRAGMA foreign_keys = ON;",
				 NULL, NULL, NULL) != SQLITE_OK) {
			*err = store_error(st, path);
			store_close(st);
			return -1;
		}
		if (store_schema_migrate(st->db, err) < 0) {
			store_close(st);
			return -1;
		}
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->cache_count; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	free(st);
}

int store_data_version(struct store *st, int64_t *out, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "PRAGMA data_version");
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW) {
		*err = store_error(st, "reading the database's change counter");
		return -1;
	}
	return 0;
}

void store_interrupt(struct store *st)
{
	sqlite3_interrupt(st->db);
}

sqlite3 *store_db(struct store *st)
{
	return st->db;
}

int64_t store_last_insert_id(struct store *st)
{
	return sqlite3_last_insert_rowid(st->db);
}

int store_changes(struct store *st)
{
	return sqlite3_changes(st->db);
}

sqlite3_stmt *store_stmt(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;

	for (size_t i = 0; i < st->cache_count; i++) {
		if (st->cache[i].sql == sql || strcmp(st->cache[i].sql, sql) == 0) {
			stmt = st->cache[i].stmt;
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			return stmt;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
		fatal("preparing SQL failed (%s): %s", sqlite3_errmsg(st->db), sql);
	if (st->cache_count == STMT_CACHE_SIZE)
		fatal("statement cache full: raise STMT_CACHE_SIZE");
	st->cache[st->cache_count].sql = sql;
	st->cache[st->cache_count].stmt = stmt;
	st->cache_count++;
	return stmt;
}

int64_t store_source_id(struct store *st, const char *name, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT id FROM sources WHERE name = ?1");
	int64_t id = 0;
	int rc;

	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*err = store_error(st, "reading the source");
		return -1;
	}
	return id;
}

int store_source_get(struct store *st, const char *name, struct store_source_info *out, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT s.id, s.name, s.serial_oldest, s.serial_newest, s.generation,"
		" (SELECT count(*) FROM objects o WHERE o.source_id = s.id)"
		" FROM sources s WHERE s.name = ?1");
	int rc;

	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		*err = store_error(st, "reading source");
		return -1;
	}
	out->id = sqlite3_column_int64(stmt, 0);
	snprintf(out->name, sizeof(out->name), "%s", (const char *)sqlite3_column_text(stmt, 1));
	out->serial_oldest = sqlite3_column_int64(stmt, 2);
	out->serial_newest = sqlite3_column_int64(stmt, 3);
	out->generation = sqlite3_column_int64(stmt, 4);
	out->object_count = sqlite3_column_int64(stmt, 5);
	sqlite3_reset(stmt);
	return 1;
}

int64_t store_count_objects(struct store *st, const char *source, const char *cls)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT count(*) FROM objects o JOIN sources s ON s.id = o.source_id"
		" WHERE s.name = ?1 AND (?2 IS NULL OR o.class = ?2)");
	int64_t n = -1;

	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	if (cls != NULL)
		sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return n;
}

int store_get_object_text(struct store *st, const char *source, const char *cls, const char *pkey,
			  char **text, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.text FROM objects o JOIN sources s ON s.id = o.source_id"
		" WHERE s.name = ?1 AND o.class = ?2 AND o.pkey = upper(?3)");
	int rc;

	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, pkey, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*text = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		sqlite3_reset(stmt);
		return 1;
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	*err = store_error(st, "reading object");
	return -1;
}

int store_object_exists(struct store *st, const char *source, const char *cls, const char *pkey)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT 1 FROM objects o JOIN sources s ON s.id = o.source_id"
		" WHERE s.name = ?1 AND o.class = ?2 AND o.pkey = upper(?3)");
	int rc;

	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, pkey, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Shared by the listing functions: appends the first column of every row. */
static long collect_texts(struct store *st, sqlite3_stmt *stmt, char ***texts, size_t *count, const char *what,
			  char **err)
{
	size_t capacity = *count;
	long found = 0;
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*texts = xgrow(*texts, &capacity, *count + 1, sizeof(**texts));
		(*texts)[(*count)++] = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		found++;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, what);
		return -1;
	}
	return found;
}

long store_list_objects(struct store *st, const char *source, const char *cls, const char *pkey_prefix,
			char ***texts, size_t *count, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.text FROM objects o JOIN sources s ON s.id = o.source_id"
		" WHERE s.name = ?1 AND o.class = ?2 AND o.pkey GLOB ?3 || '*' ORDER BY o.pkey");

	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, pkey_prefix, -1, SQLITE_STATIC);
	return collect_texts(st, stmt, texts, count, "listing objects", err);
}

long store_find_text(struct store *st, const char *source, const char *cls, const char *needle, char ***texts,
		     size_t *count, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT o.text FROM objects o JOIN sources s ON s.id = o.source_id"
		" WHERE s.name = ?1 AND o.class = ?2 AND instr(upper(o.text), upper(?3)) > 0 ORDER BY o.pkey");

	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, needle, -1, SQLITE_STATIC);
	return collect_texts(st, stmt, texts, count, "searching object texts", err);
}

long store_closest_covering(struct store *st, const char *source, const struct prefix *p, const char *cls_a,
			    const char *cls_b, bool include_exact, char ***texts, size_t *count, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT DISTINCT o.text FROM prefix_index x JOIN objects o ON o.id = x.object_id"
		" JOIN sources s ON s.id = x.source_id"
		" WHERE s.name = ?1 AND x.family = ?2 AND x.first = ?3 AND x.length = ?4 AND x.class IN (?5, ?6)");
	size_t capacity = 0, start = *count;

	for (int len = include_exact ? p->length : p->length - 1; len >= 0; len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		int rc;

		sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 2, t.family);
		sqlite3_bind_blob(stmt, 3, t.addr, (int)prefix_addr_bytes(t.family), SQLITE_TRANSIENT);
		sqlite3_bind_int(stmt, 4, len);
		sqlite3_bind_text(stmt, 5, cls_a, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 6, cls_b ? cls_b : cls_a, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			*texts = xgrow(*texts, &capacity, *count + 1, sizeof(**texts));
			(*texts)[(*count)++] = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		}
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE) {
			*err = store_error(st, "reading covering objects");
			return -1;
		}
		if (*count > start)
			break;
	}
	return (long)(*count - start);
}
