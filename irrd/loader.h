/*
 * Bulk loading of RPSL dump files into one source, replacing it atomically. Used
 * by `irrctl load`; the NRTM mirror's full sync will use it too.
 */
#ifndef IRRD_LOADER_H
#define IRRD_LOADER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

struct loader_options {
	const char *source;   /* the source to replace */
	int64_t serial;       /* serial to record; 0: previous + 1 */
	bool verbose;         /* also report warnings of loaded objects */
	FILE *report;         /* where skipped objects and warnings are described */
};

struct loader_result {
	uint64_t loaded;      /* objects stored (after duplicates replaced earlier ones) */
	uint64_t skipped;     /* objects refused, each reported */
	uint64_t duplicates;  /* objects that replaced an earlier one with the same key */
	uint64_t warnings;
	uint64_t bytes;       /* uncompressed input */
	FILE *report;         /* internal: where duplicates are reported */
};

/*
 * Loads every file in order into opts->source. A bad object is skipped and reported
 * ("FILE:LINE: skipped ...: reason"); an unreadable or corrupt file aborts the whole
 * load and leaves the source as it was. Returns 0 or -1 with *err (caller frees).
 */
int loader_run(struct store *st, const struct loader_options *opts, char *const *files, size_t file_count,
	       struct loader_result *result, char **err);

#endif
