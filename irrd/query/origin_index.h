/*
 * In-memory index origin AS -> route/route6 prefixes, per source, for !g, !6, !a
 * and route-set expansion (one SQL lookup per AS was too slow for sets whose routes
 * number hundreds of thousands). It follows the database: origin_index_refresh
 * compares every source's generation and serial with what the index has seen; a new
 * generation (bulk reload) rebuilds that source beside the old one and swaps it in,
 * a newer serial applies the journal entries since. Callers refresh before answering
 * (the whois server does when the database changed), so answers are current.
 * Thread-safe: lookups from any thread run beside one refresher at a time.
 */
#ifndef IRRD_ORIGIN_INDEX_H
#define IRRD_ORIGIN_INDEX_H

#include <stdint.h>

#include "store.h"
#include "query.h"

struct origin_index;

struct origin_index *origin_index_new(void);
void origin_index_free(struct origin_index *ix);

/* Brings the index up to date with the database. Returns 0 or -1 (the index is then empty and rebuilt next time). */
int origin_index_refresh(struct origin_index *ix, struct store *st);

/*
 * Appends the prefixes of routes (family 4, 6, or 0 for both) with this origin in
 * one source, in prefix_compare order without duplicates.
 */
void origin_index_lookup(struct origin_index *ix, int64_t source_id, uint32_t asn, uint8_t family,
			 struct prefix_vec *out);
/* How many prefixes (both families) one source has for this origin: the cost of a lookup. */
size_t origin_index_count(struct origin_index *ix, int64_t source_id, uint32_t asn);
/* A number that changes whenever the index changes (for caches of answers built from it). */
uint64_t origin_index_version(struct origin_index *ix);

/* Number of prefixes indexed (all sources), for logs and benchmarks. */
size_t origin_index_size(struct origin_index *ix);

#endif
