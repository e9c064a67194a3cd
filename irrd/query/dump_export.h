/*
 * Dumps of a source for mirrors (issue 16): `<source>.db.gz` (every object, password
 * hashes removed, one blank line after each) and `<SOURCE>.CURRENTSERIAL` (the serial
 * the dump is the state of, one number and a newline), as IRRd and RADB publish them.
 * A mirror imports the dump, then asks NRTM from that serial + 1.
 *
 * Both are read in one snapshot of the database (the serial is exactly the dump's
 * state), written to temporary files in the same directory, flushed to disk, and
 * renamed over the old ones: the dump first, then the serial, so a reader never
 * finds a serial newer than the dump beside it (it would skip changes).
 */
#ifndef IRRD_DUMP_EXPORT_H
#define IRRD_DUMP_EXPORT_H

#include <stdint.h>

#include "config.h"
#include "irr_limits.h"
#include "store.h"

struct dump_result {
	uint64_t objects;
	uint64_t bytes;          /* uncompressed */
	int64_t serial;          /* the journal's newest serial in the snapshot; 0: none yet */
	char path[4096];         /* the dump written */
};

/* The sources irrd's timer dumps: dump.sources, else our source. Returns how many are in out. */
size_t dump_sources(const struct config *cfg, const char *out[MAX_QUERY_SOURCES]);

/* Writes the dump of `source` into `dir`. 1 done, 0 no such source, -1 with *err (caller frees). */
int dump_export(struct store *st, const char *source, const char *dir, struct dump_result *res, char **err);

#endif
