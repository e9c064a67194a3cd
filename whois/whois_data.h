/*
 * What the query front end reads from the store: sources, objects by key or by
 * lookup attribute, routes by origin, prefix searches. Every call runs in its own
 * read transaction, so answers always reflect the last committed write (the loader
 * or the update engine in another process). Strings handed out are the caller's.
 */
#ifndef WHOIS_DATA_H
#define WHOIS_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irr_limits.h"
#include "prefix.h"
#include "store.h"
#include "strbuf.h"

struct whois_source {
	int64_t id;
	char name[MAX_SOURCE_NAME_LENGTH + 1];
};

/* A list of sources in query order. */
struct whois_sources {
	struct whois_source items[MAX_QUERY_SOURCES];
	size_t count;
};

/* All sources in the database: `first` (our source) first, the rest by name. */
int whois_data_all_sources(struct store *st, const char *first, struct whois_sources *out);
/* Looks up one source by name; returns 1 found, 0 unknown, -1 error. */
int whois_data_source(struct store *st, const char *name, struct whois_source *out);

/* A stored object as read back. */
struct whois_object {
	int64_t id;
	const char *source;  /* points into the sources list used for the query */
	char *cls;
	char *pkey;
	char *text;
};

struct whois_objects {
	struct whois_object *items;
	size_t count, capacity;
	bool truncated;          /* more than MAX_QUERY_OBJECTS matched: answer with an error */
	uint64_t *seen;          /* (source, id) already collected */
	size_t seen_count, seen_slots;
};

void whois_objects_init(struct whois_objects *v);
void whois_objects_release(struct whois_objects *v);

/* Exact lookup by class and primary key (any case) in one source: appends 0 or 1 object. */
int whois_data_by_key(struct store *st, const struct whois_source *src, const char *cls, const char *pkey,
		      struct whois_objects *out);
/* Objects of `cls` (NULL: any) whose lookup attribute `attr` has `value` (any case). */
int whois_data_by_attr(struct store *st, const struct whois_source *src, const char *attr, const char *value,
		       const char *cls, struct whois_objects *out);

/* The smallest as-block whose range holds asn (RIPE: whois -T as-block AS64500). */
int whois_data_as_block(struct store *st, const struct whois_source *src, uint32_t asn, struct whois_objects *out);

enum whois_match { MATCH_EXACT, MATCH_LESS_ONE, MATCH_LESS_ALL, MATCH_MORE_ALL, MATCH_LESS_ALL_INCL_EXACT };

/*
 * Objects of class `cls` (NULL: any prefix-indexed class) by prefix: exact, one level
 * less specific (the closest covering prefix, excluding exact), all less specific
 * (excluding exact), all less specific including exact, or all more specific
 * (excluding exact).
 */
int whois_data_by_prefix(struct store *st, const struct whois_source *src, const struct prefix *p,
			 enum whois_match match, const char *cls, struct whois_objects *out);

struct prefix_vec {
	struct prefix *items;
	size_t count, capacity;
};

void prefix_vec_push(struct prefix_vec *v, const struct prefix *p);
/* Sorts (family, address, length) and removes duplicates. */
void prefix_vec_sort_unique(struct prefix_vec *v);
void prefix_vec_release(struct prefix_vec *v);

/* Appends the prefixes of route (family 4), route6 (6) or both (0) objects with origin `asn`. */
int whois_data_origin_prefixes(struct store *st, const struct whois_source *src, uint32_t asn,
			       uint8_t family, struct prefix_vec *out);

/* The prefix text of a route/route6 primary key ("192.0.2.0/24AS1" -> "192.0.2.0/24"), canonical. */
bool whois_route_key_prefix(const char *pkey, struct prefix *out);

#endif
