/*
 * The read API every reader of the registry uses (whois now; the web portal, NRTM,
 * RPKI and filter export next): sources in query order, objects by key, by lookup
 * attribute or by prefix (exact, less and more specific), route prefixes by origin
 * (the in-memory origin index when there is one), and the journal by serial. Set
 * expansion (set_expand.h) and the origin index (origin_index.h) build on it. Every
 * call reads in its own read transaction, so answers reflect the last committed
 * write of any process. Strings handed out are the caller's. SQL lives in
 * irrd/store (store_read.h); this layer composes it.
 */
#ifndef IRRD_QUERY_H
#define IRRD_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "irr_limits.h"
#include "prefix.h"
#include "rpsl_object.h"
#include "store.h"
#include "store_read.h"
#include "strbuf.h"

struct origin_index;
struct rpki_view;
struct query_source_snapshot;

/*
 * What every read needs: the store, the configuration, the origin index (NULL: SQL)
 * and a snapshot of the sources table (NULL: read it when asked). A reader that
 * answers many queries between changes of the database (the whois server's I/O
 * thread) keeps a snapshot, so that naming sources costs no SQL.
 */
struct query_context {
	struct store *st;
	const struct config *cfg;
	struct origin_index *origins;
	const struct query_source_snapshot *sources;
	const struct rpki_view *rpki;   /* the VRPs in force; NULL: RPKI off or nothing loaded */
};

struct query_source {
	int64_t id;
	char name[MAX_SOURCE_NAME_LENGTH + 1];
};

/*
 * The pseudo-source RPKI (as IRRd has it): one route object per VRP in force,
 * asked by name (!sRPKI, -s RPKI, sources.default) when RPKI is configured; never
 * part of "every source". Its id matches no row of the store. Origin lookups (!g,
 * !6, !a, AS members of route-sets) answer its VRPs' prefixes.
 */
#define QUERY_SOURCE_RPKI_NAME RPKI_PSEUDO_SOURCE_NAME
#define QUERY_SOURCE_RPKI_ID   (-1)

/* A source and its journal state, as the sources table had it. */
struct query_source_state {
	struct query_source source;
	int64_t generation;
	int64_t serial_oldest;   /* 0: the journal holds nothing */
	int64_t serial_newest;
};

/* Every source, our source (cfg->source) first, the rest by name. */
struct query_source_snapshot {
	struct query_source_state items[MAX_QUERY_SOURCES];
	size_t count;
};

/* Reads the sources table into a snapshot. 0, or -1 with *err (caller frees). */
int query_source_snapshot_read(struct store *st, const struct config *cfg, struct query_source_snapshot *out,
			       char **err);
/* One source's state by name (upper case): 1 found, 0 unknown, -1 error (logged). */
int query_source_state(const struct query_context *ctx, const char *name, struct query_source_state *out);

/* A list of sources in query order. */
struct query_sources {
	struct query_source items[MAX_QUERY_SOURCES];
	size_t count;
};

/* All sources in the database: our source (cfg->source) first, the rest by name. 0 or -1. */
int query_sources_all(const struct query_context *ctx, struct query_sources *out);
/* Looks up one source by name (upper case); returns 1 found, 0 unknown, -1 error. */
int query_source(const struct query_context *ctx, const char *name, struct query_source *out);
/* The configured default order (sources.default), or every source when it is empty. 0 or -1. */
int query_sources_default(const struct query_context *ctx, struct query_sources *out);

/*
 * Parses a comma-separated source list ("radb,JPIRR") into out, in that order.
 * Returns 0; -1 when the list is malformed (empty item, too long, too many);
 * -2 when a source is unknown, with its upper-cased name in unknown.
 */
int query_parse_sources(const struct query_context *ctx, const char *list, struct query_sources *out,
			char unknown[MAX_SOURCE_NAME_LENGTH + 1]);

/* Brings the origin index (if any) up to date with the database: call before answering. 0 or -1. */
int query_refresh(const struct query_context *ctx);

/* A stored object as read back. */
struct query_object {
	int64_t id;
	const char *source;  /* points into the sources list used for the query */
	char *cls;
	char *pkey;
	char *text;
};

struct query_objects {
	struct query_object *items;
	size_t count, capacity;
	bool truncated;          /* more than MAX_QUERY_OBJECTS matched: answer with an error */
	uint64_t *seen;          /* (source, id) already collected */
	size_t seen_count, seen_slots;
};

void query_objects_init(struct query_objects *v);
/*
 * Appends one object (pkey and text are taken over; cls copied) unless its id is in the
 * set already. Returns false when the answer is full (MAX_QUERY_OBJECTS: truncated set).
 */
bool query_objects_add(struct query_objects *out, const struct query_source *src, int64_t id, const char *cls,
		       char *pkey, char *text);
void query_objects_release(struct query_objects *v);

/* Exact lookup by class and primary key (any case) in one source: appends 0 or 1 object. 0 or -1. */
int query_by_key(const struct query_context *ctx, const struct query_source *src, const char *cls, const char *pkey,
		 struct query_objects *out);
/* Objects of `cls` (NULL: any) whose lookup attribute `attr` has `value` (any case). */
int query_by_attr(const struct query_context *ctx, const struct query_source *src, const char *attr,
		  const char *value, const char *cls, struct query_objects *out);

/* The smallest as-block whose range holds asn (RIPE: whois -T as-block AS64500). */
int query_as_block(const struct query_context *ctx, const struct query_source *src, uint32_t asn,
		   struct query_objects *out);

enum query_match { MATCH_EXACT, MATCH_LESS_ONE, MATCH_LESS_ALL, MATCH_MORE_ALL, MATCH_LESS_ALL_INCL_EXACT };

/*
 * Objects of class `cls` (NULL: any prefix-indexed class) by prefix: exact, one level
 * less specific (the closest covering prefix, excluding exact), all less specific
 * (excluding exact), all less specific including exact, or all more specific
 * (excluding exact).
 */
int query_by_prefix(const struct query_context *ctx, const struct query_source *src, const struct prefix *p,
		    enum query_match match, const char *cls, struct query_objects *out);

struct prefix_vec {
	struct prefix *items;
	size_t count, capacity;
};

void prefix_vec_push(struct prefix_vec *v, const struct prefix *p);
/* Makes room for n more prefixes (one allocation instead of growing by pushes). */
void prefix_vec_reserve(struct prefix_vec *v, size_t n);
/* Sorts (family, address, length) and removes duplicates. */
void prefix_vec_sort_unique(struct prefix_vec *v);
void prefix_vec_release(struct prefix_vec *v);

/*
 * Appends the prefixes of route (family 4), route6 (6) or both (0) objects with
 * origin `asn` in one source, in prefix_compare order without duplicates: from the
 * origin index when the context has one, else from the store. 0 or -1.
 */
int query_origin_prefixes(const struct query_context *ctx, const struct query_source *src, uint32_t asn,
			  uint8_t family, struct prefix_vec *out);


/*
 * Journal entries of a source with serial > after and <= upto (0: no bound), in
 * order, to fn (store_read.h). For NRTM, mirrors and caches that follow the registry.
 */
int query_journal(const struct query_context *ctx, const struct query_source *src, int64_t after, int64_t upto,
		  store_journal_fn fn, void *arg, char **err);

#endif
