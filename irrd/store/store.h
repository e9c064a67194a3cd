/*
 * The SQLite registry store: opening, schema migrations, sources and read queries.
 * All writes live in store_write.c (the one writer). The database runs in WAL mode
 * so readers never see half an update and never block the writer.
 */
#ifndef IRRD_STORE_H
#define IRRD_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "prefix.h"

/* Schema version this build writes; store_open migrates older files forward. */
#define STORE_SCHEMA_VERSION 9

struct store;

enum store_mode { STORE_READ_ONLY, STORE_READ_WRITE };

/*
 * Opens (creating when read-write and absent) and migrates the database.
 * Returns 0, or -1 with *err (caller frees). Close with store_close.
 */
int store_open(const char *path, enum store_mode mode, struct store **out, char **err);
void store_close(struct store *st);
sqlite3 *store_db(struct store *st);
/* After a write statement: the rowid it inserted, and how many rows it changed. */
int64_t store_last_insert_id(struct store *st);
int store_changes(struct store *st);

/*
 * A number that changes when another connection (any process) commits to the
 * database (PRAGMA data_version): a reader that caches what it read asks this
 * before trusting its cache. 0, or -1 with *err.
 */
int store_data_version(struct store *st, int64_t *out, char **err);
/* From any thread: makes the statement running on st fail soon (shutdown). */
void store_interrupt(struct store *st);

/* Prepares (once, cached for the store's life) a statement; fatal on a bug in the SQL. */
sqlite3_stmt *store_stmt(struct store *st, const char *sql);

/* A text column, "" for NULL. */
const char *store_column_text(sqlite3_stmt *stmt, int i);
/* Binds a prefix as the three columns (family, first BLOB, length) starting at index i. */
void store_bind_prefix(sqlite3_stmt *stmt, int i, const struct prefix *p);
/* Reads such three columns starting at index i. */
void store_column_prefix(sqlite3_stmt *stmt, int i, struct prefix *p);

/* Runs SQL without results ("PRAGMA ..."). 0, or -1 with *err naming it. */
int store_exec(struct store *st, const char *sql, char **err);

/*
 * Write transactions. A caller that changes several things which must stand or fall
 * together (an update submission: objects, index rows, journal entries, marks, audit
 * rows, queued notifications and a channel's replay claim) opens one transaction and
 * every store function called meanwhile joins it. store_tx_begin takes the write lock
 * (BEGIN IMMEDIATE, waiting up to the busy timeout); it is an error to begin twice.
 * Each returns 0, or -1 with *err (caller frees); store_tx_rollback never fails (a
 * transaction SQLite already rolled back is fine) and is a no-op outside one.
 */
int store_tx_begin(struct store *st, char **err);
int store_tx_commit(struct store *st, char **err);
void store_tx_rollback(struct store *st);
/*
 * A read snapshot: every read between store_read_begin and store_read_end sees the
 * database of one moment (WAL keeps it while writers go on). For a dump and the serial
 * it is written with. 0, or -1 with *err; store_read_end never fails.
 */
int store_read_begin(struct store *st, char **err);
void store_read_end(struct store *st);
/* True inside a transaction opened by store_tx_begin (or any open SQLite transaction). */
bool store_in_tx(struct store *st);

/*
 * Fault injection for tests: makes the n-th following call (n >= 1) of the named
 * operation on this store fail as a store error would ("injected fault: ..."),
 * once. STORE_FAULT_NONE clears it. The check is a counter compare on paths that
 * already do I/O; production code never sets it.
 */
enum store_fault { STORE_FAULT_NONE, STORE_FAULT_WRITE_OBJECT, STORE_FAULT_COMMIT };
void store_fault_inject(struct store *st, enum store_fault where, unsigned n);
/* Consumes one call of `where`: true when this call must fail (and clears the fault). */
bool store_fault_due(struct store *st, enum store_fault where);

/* Formats "what: sqlite message" into a new string (caller frees). */
char *store_error(struct store *st, const char *what);

struct store_source_info {
	int64_t id;
	char name[40];
	int64_t serial_oldest;   /* 0 when the journal holds nothing */
	int64_t serial_newest;
	int64_t generation;      /* bumped on every bulk reload */
	int64_t object_count;
};

/* The id of a source (name as stored, upper case): > 0, 0 when unknown, -1 with *err. Cheap: no counting. */
int64_t store_source_id(struct store *st, const char *name, char **err);

/* Looks up a source by name (case-insensitive). Returns 1 found, 0 unknown, -1 error. */
int store_source_get(struct store *st, const char *name, struct store_source_info *out, char **err);

/* Counts objects of a class in a source (class NULL: all). -1 on error. */
int64_t store_count_objects(struct store *st, const char *source, const char *cls);

/*
 * Fetches the text of one object by class and primary key (any case). Returns 1 with
 * *text (caller frees), 0 when absent, -1 on error.
 */
int store_get_object_text(struct store *st, const char *source, const char *cls, const char *pkey,
			  char **text, char **err);

/* Is there an object of class cls with this primary key (any case)? 1 yes, 0 no, -1 error. */
int store_object_exists(struct store *st, const char *source, const char *cls, const char *pkey);

/*
 * Texts of the objects of class `cls` in `source` whose primary key starts with
 * `pkey_prefix` (upper case, no GLOB characters). Appends to *texts (caller frees each
 * and the array). Returns the number found or -1 with *err.
 */
long store_list_objects(struct store *st, const char *source, const char *cls, const char *pkey_prefix,
			char ***texts, size_t *count, char **err);

/*
 * Texts of the objects of class `cls` in `source` whose text contains `needle` (any
 * case): a coarse filter for references that are not indexed (auth: lines hold
 * password hashes and stay out of attr_index); the caller parses and checks each.
 * Appends to *texts (caller frees each and the array). Returns how many, or -1.
 */
long store_find_text(struct store *st, const char *source, const char *cls, const char *needle, char ***texts,
		     size_t *count, char **err);

/*
 * The objects of class cls_a or cls_b (cls_b may be NULL) in `source` whose address
 * block most closely covers p: the exact block first when include_exact, else the
 * longest shorter one that has any. Appends their texts to *texts (caller frees each
 * and the array). Returns the number found (0: none at any length) or -1.
 */
long store_closest_covering(struct store *st, const char *source, const struct prefix *p, const char *cls_a,
			    const char *cls_b, bool include_exact, char ***texts, size_t *count, char **err);

#endif
