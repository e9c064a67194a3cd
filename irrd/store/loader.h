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

/*
 * Default of loader_options.max_skipped_percent for `irrctl load`. A dump from a
 * healthy registry has next to nothing skipped (a few legacy objects per million);
 * the wrong file (a Makefile, JSON, a binary) has everything skipped. 10% refuses
 * every wrong file while leaving room for a mirror's occasional objects we refuse.
 */
#define LOADER_DEFAULT_MAX_SKIPPED_PERCENT 10.0
/*
 * Default of loader_options.max_shrink_percent: a registry does not lose half of its
 * objects between two dumps, a dump cut short in transfer does.
 */
#define LOADER_DEFAULT_MAX_SHRINK_PERCENT 50.0

struct loader_options {
	const char *source;   /* the source to replace */
	int64_t serial;       /* serial to record; 0: previous + 1 */
	bool verbose;         /* also report warnings of loaded objects */
	FILE *report;         /* where skipped objects and warnings are described */
	/*
	 * Guards against replacing a source with the wrong input; each refusal commits
	 * nothing. max_skipped_percent: refuse when more than this share of the objects
	 * read were skipped (100 or more: never). allow_empty: commit a load that yields
	 * no object at all (it empties the source). skip_binary: an object holding a NUL
	 * byte is skipped like any bad object instead of refusing the whole load.
	 */
	double max_skipped_percent;
	bool allow_empty;
	bool skip_binary;
	/*
	 * max_shrink_percent: refuse a load that would leave the source with fewer than
	 * (100 - this)% of the objects it holds now (a truncated dump, a saved whois
	 * answer); 100 or more: never.
	 */
	double max_shrink_percent;
	/* Run inside the load's transaction before it commits (store_bulk_set_before_commit); NULL: none. */
	int (*before_commit)(void *arg, struct store *st, char **err);
	void *before_commit_arg;
};

/* Why loader_run refused a load (a bit set; 0 when it did not refuse). */
enum loader_refusal {
	LOADER_REFUSED_EMPTY = 1 << 0,    /* no object to load, allow_empty not set */
	LOADER_REFUSED_SKIPPED = 1 << 1,  /* skipped share above max_skipped_percent */
	LOADER_REFUSED_BINARY = 1 << 2,   /* a NUL byte in the input, skip_binary not set */
	LOADER_REFUSED_SHRINK = 1 << 3,   /* the source would shrink by more than max_shrink_percent */
};

struct loader_result {
	uint64_t loaded;      /* objects stored (after duplicates replaced earlier ones) */
	uint64_t valid;       /* valid objects read, duplicates included */
	uint64_t skipped;     /* objects refused, each reported */
	uint64_t duplicates;  /* objects that replaced an earlier one with the same key */
	uint64_t warnings;
	uint64_t bytes;       /* uncompressed input */
	uint64_t previous;    /* objects the source held before */
	unsigned refused;     /* enum loader_refusal bits when a guard refused the load */
	FILE *report;         /* internal: where duplicates are reported */
};

/*
 * Loads every file in order into opts->source. A bad object is skipped and reported
 * ("FILE:LINE: skipped ...: reason"); an unreadable or corrupt file aborts the whole
 * load and leaves the source as it was, and so does a guard of loader_options
 * (result->refused says which; the counts are filled in). Returns 0 or -1 with *err
 * (caller frees).
 */
int loader_run(struct store *st, const struct loader_options *opts, char *const *files, size_t file_count,
	       struct loader_result *result, char **err);

#endif
