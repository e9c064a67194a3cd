/*
 * In-memory index origin AS -> route/route6 prefixes, per source, for !g, !6, !a
 * and route-set expansion (one SQL lookup per AS was too slow for sets whose routes
 * number hundreds of thousands). It follows the database: before each query,
 * origin_index_refresh compares every source's generation and serial with what the
 * index has seen; a new generation (bulk reload) rebuilds that source, a newer
 * serial applies the journal entries since, so answers are current at once.
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

/* Appends the prefixes of routes (family 4, 6, or 0 for both) with this origin in one source. */
void origin_index_lookup(const struct origin_index *ix, int64_t source_id, uint32_t asn, uint8_t family,
			 struct prefix_vec *out);

/* Number of prefixes indexed (all sources), for logs and benchmarks. */
size_t origin_index_size(const struct origin_index *ix);

#endif
