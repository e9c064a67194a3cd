/*
 * The one writer. Every change to objects, their indexes and the serial journal
 * goes through these functions, each change in one SQLite transaction so that
 * readers see the old state or the new one, never a mix.
 */
#ifndef IRRD_STORE_WRITE_H
#define IRRD_STORE_WRITE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "rpsl_object.h"
#include "store.h"
#include "store_index.h"
#include "strbuf.h"

/* ---- Bulk replacement of a whole source (loader, mirror full sync) ---- */

/*
 * A bulk load collects objects in memory, then writes them in one transaction in key
 * order, so every B-tree is built by appends. The write lock is only held during
 * store_bulk_commit; readers keep seeing the old data until it commits.
 */
struct store_bulk;

/* Starts collecting a replacement for `source` (created if new). Free with store_bulk_free. */
struct store_bulk *store_bulk_new(struct store *st, const char *source);
/*
 * Adds one valid object with its rendered text; `origin` (must outlive the bulk) and
 * `line` say where it came from, for the duplicate report.
 */
void store_bulk_add(struct store_bulk *bulk, const struct rpsl_object *obj, const char *text, size_t len,
		    const char *origin, uint32_t line);

/*
 * A batch of objects prepared for store_bulk_add_batch away from the writer's thread
 * (the loader's workers build these): their strings and index rows, ready to merge.
 */
struct store_bulk_batch {
	struct index_rows rows;  /* seq = position of the object in this batch */
	struct strbuf strings;   /* each object's key and text, NUL terminated */
	struct store_bulk_batch_object {
		const char *cls;     /* static class name */
		size_t pkey_offset, text_offset;
		uint32_t text_len, line;
	} *objects;
	size_t count, capacity;
};

void store_bulk_batch_init(struct store_bulk_batch *batch);
void store_bulk_batch_reset(struct store_bulk_batch *batch);
void store_bulk_batch_release(struct store_bulk_batch *batch);
/* Adds one valid object and its rendered text to a batch (any thread). */
void store_bulk_batch_add(struct store_bulk_batch *batch, const struct rpsl_object *obj, const char *text,
			  size_t len, uint32_t line);
/* Merges a batch into the bulk load, after everything added before it. */
void store_bulk_add_batch(struct store_bulk *bulk, const struct store_bulk_batch *batch, const char *origin);

/*
 * Work that must commit with the load, run inside its transaction after the new
 * objects are written and before the commit (the authorisation list re-decides the
 * marks of our source's routes). Returns 0, or -1 with *err: the load rolls back.
 */
typedef int (*store_bulk_hook_fn)(void *arg, struct store *st, char **err);
void store_bulk_set_before_commit(struct store_bulk *bulk, store_bulk_hook_fn fn, void *arg);

/* Called for each object that a later object with the same class and key replaced. */
typedef void (*store_bulk_duplicate_fn)(void *ctx, const char *origin, uint32_t line, const char *cls,
					const char *pkey);

/*
 * Replaces the source with the collected objects (last wins among equal keys) in one
 * transaction. The source's serial becomes `serial` when > 0, else its previous newest
 * serial + 1; its journal is emptied (a reload is a discontinuity: NRTM clients must
 * re-sync from a dump) and its generation bumped so readers with caches rebuild.
 * *stored gets the number of objects now in the source. Returns 0 or -1 with *err;
 * on failure the source is unchanged.
 */
int store_bulk_commit(struct store_bulk *bulk, int64_t serial, store_bulk_duplicate_fn on_duplicate,
		      void *ctx, uint64_t *stored, char **err);
void store_bulk_free(struct store_bulk *bulk);

/*
 * A mirror that skipped the changes up to `serial` (objects it could not read, deletions
 * of what it does not hold) moves the source's newest serial there anyway, in the
 * caller's transaction: its own mirrors then ask from the same serial as it does (NRTM
 * allows gaps) instead of hearing "do not exist". Never moves it backwards. 0 or -1 *err.
 */
int store_source_advance_serial(struct store *st, const char *source, int64_t serial, char **err);

/*
 * Journal retention: deletes the entries of every source older than `keep_seconds`
 * (0: no age limit) or beyond the newest `keep_serials` of their source (0: no count
 * limit), in one transaction, and moves each source's oldest serial up, so NRTM
 * answers "Serials A - B do not exist" for what is gone. *removed counts the entries.
 * 0, or -1 with *err.
 */
int store_journal_trim(struct store *st, int64_t keep_seconds, int64_t keep_serials, time_t now, int64_t *removed,
		       char **err);

/* ---- Single-object changes with journal (update engine, NRTM mirror) ---- */

enum store_operation { STORE_ADD, STORE_DELETE };

/*
 * Creates or replaces (STORE_ADD) or deletes (STORE_DELETE) one object of `source`,
 * its index rows and a journal entry, inside the caller's transaction (store_tx_begin;
 * calling it outside one is a bug and fatal): the caller commits this change together
 * with whatever belongs to it (marks, audit rows) or rolls all of it back. For a
 * delete, obj only needs its class and key; the journal records the stored text.
 * Returns 0 with the new serial in *serial_out, 1 when a delete found no such object,
 * -1 with *err (the caller must then roll back: the transaction is half written).
 */
int store_write_object(struct store *st, const char *source, enum store_operation op,
		       const struct rpsl_object *obj, const char *text, int64_t *serial_out, char **err);
/*
 * The same with the journal serial given (*serial > the source's newest: a mirror keeps
 * its upstream's serials, so the mirrors of a mirror ask with the same numbers); *serial
 * 0 takes the next one. A serial not above the newest is an error.
 */
int store_write_object_at(struct store *st, const char *source, enum store_operation op,
			  const struct rpsl_object *obj, const char *text, int64_t *serial, char **err);

#endif
