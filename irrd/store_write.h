/*
 * The one writer. Every change to objects, their indexes and the serial journal
 * goes through these functions, each change in one SQLite transaction so that
 * readers see the old state or the new one, never a mix.
 */
#ifndef IRRD_STORE_WRITE_H
#define IRRD_STORE_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "rpsl_object.h"
#include "store.h"

/* ---- Bulk replacement of a whole source (loader, mirror full sync) ---- */

struct store_bulk;

/*
 * Starts replacing `source` (created if new): everything of that source is deleted
 * inside the transaction, readers keep seeing the old data until commit.
 * Returns 0 or -1 with *err (caller frees).
 */
int store_bulk_begin(struct store *st, const char *source, struct store_bulk **out, char **err);
/*
 * Adds one valid object with its rendered text. When the source already received an
 * object with the same class and key in this load, the new one replaces it and
 * *was_duplicate is set (last wins). Returns 0 or -1 with *err.
 */
int store_bulk_add(struct store_bulk *bulk, const struct rpsl_object *obj, const char *text, size_t len,
		   bool *was_duplicate, char **err);
/*
 * Writes the indexes and commits. The source's serial becomes `serial` when > 0,
 * otherwise its previous newest serial + 1; the journal of the source is emptied (a
 * reload is a discontinuity: NRTM clients must re-sync from a dump) and its
 * generation is bumped so readers with caches rebuild. Frees bulk.
 */
int store_bulk_commit(struct store_bulk *bulk, int64_t serial, char **err);
/* Rolls back and frees; NULL-safe. */
void store_bulk_abort(struct store_bulk *bulk);

/* ---- Single-object changes with journal (update engine, NRTM mirror) ---- */

enum store_operation { STORE_ADD, STORE_DELETE };

/*
 * Creates or replaces (STORE_ADD) or deletes (STORE_DELETE) one object of `source`,
 * its index rows and a journal entry, in one transaction. For a delete, obj only
 * needs its class and key; the journal records the stored text. Returns 0 with the
 * new serial in *serial_out, 1 when a delete found no such object, -1 with *err.
 */
int store_write_object(struct store *st, const char *source, enum store_operation op,
		       const struct rpsl_object *obj, const char *text, int64_t *serial_out, char **err);

#endif
