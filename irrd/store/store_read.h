/*
 * Row reads of the registry tables (sources, objects and their index rows, the
 * journal) for the read API in irrd/query and whoever needs rows rather than whole
 * texts. Each function steps one prepared statement and hands every row to a
 * visitor; the strings in a row are valid only during that call. Every read runs in
 * its own implicit read transaction (WAL): it sees the last committed state.
 *
 * Visitors return 0 to go on, 1 to stop early (not an error), -1 to fail; the read
 * functions return 0, or -1 with *err (caller frees; for a visitor's failure a
 * generic text, the visitor keeps its own reason).
 */
#ifndef IRRD_STORE_READ_H
#define IRRD_STORE_READ_H

#include <stdint.h>

#include "prefix.h"
#include "store.h"

struct store_source_row {
	int64_t id;
	const char *name;
	int64_t generation;      /* bumped by every bulk reload */
	int64_t serial_oldest;   /* 0: the journal holds nothing */
	int64_t serial_newest;
};
typedef int (*store_source_fn)(void *arg, const struct store_source_row *row);

/* Every source; `first` (a source name, may be NULL) comes first, the rest by name. */
int store_read_sources(struct store *st, const char *first, store_source_fn fn, void *arg, char **err);

struct store_object_row {
	int64_t id;
	const char *cls;
	const char *pkey;        /* upper case */
	const char *text;        /* NULL for the key-only reads */
};
typedef int (*store_object_fn)(void *arg, const struct store_object_row *row);

/* The object of class cls with primary key pkey (any case) in a source: 0 or 1 rows. */
int store_read_by_key(struct store *st, int64_t source_id, const char *cls, const char *pkey, store_object_fn fn,
		      void *arg, char **err);
/* Objects of class cls (NULL: any) whose lookup attribute attr has value (any case), by id. */
int store_read_by_attr(struct store *st, int64_t source_id, const char *attr, const char *value, const char *cls,
		       store_object_fn fn, void *arg, char **err);
/* The smallest as-block whose range holds asn: 0 or 1 rows. */
int store_read_as_block(struct store *st, int64_t source_id, uint32_t asn, store_object_fn fn, void *arg, char **err);
/* Objects of class cls (NULL: any prefix-indexed class) whose address block is exactly p, by id. */
int store_read_prefix_exact(struct store *st, int64_t source_id, const struct prefix *p, const char *cls,
			    store_object_fn fn, void *arg, char **err);
/*
 * Objects of class cls (NULL: any) with a block inside p and longer than p; a range
 * object (inetnum that is not one CIDR block) only when its whole range lies in p.
 * In address order.
 */
int store_read_prefix_more(struct store *st, int64_t source_id, const struct prefix *p, const char *cls,
			   store_object_fn fn, void *arg, char **err);
/* Keys (no text) of the route and route6 objects of a source; with origin (AS text, "AS64500") only those. */
int store_read_route_keys(struct store *st, int64_t source_id, const char *origin, store_object_fn fn, void *arg,
			  char **err);

/*
 * Every object of a source with its text, by class then key (the objects_by_key order:
 * no sort). For dumps; run it inside a read transaction (store_read_begin) to get the
 * objects of one moment.
 */
int store_read_source_objects(struct store *st, int64_t source_id, store_object_fn fn, void *arg, char **err);

struct store_journal_row {
	int64_t serial;
	const char *operation;   /* "ADD" or "DEL" */
	const char *cls;
	const char *pkey;
	const char *text;        /* ADD: the new version; DEL: the deleted one */
	int64_t timestamp;
};
typedef int (*store_journal_fn)(void *arg, const struct store_journal_row *row);

/*
 * Journal entries of a source with serial > after and <= upto (upto 0: no bound), in
 * serial order; cls NULL: every class, else that class and cls2 (may be NULL).
 */
int store_read_journal(struct store *st, int64_t source_id, int64_t after, int64_t upto, const char *cls,
		       const char *cls2, store_journal_fn fn, void *arg, char **err);

#endif
