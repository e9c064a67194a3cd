/*
 * Reading the mark of a route object ("verified by authorisation list entry #N",
 * table route_verification), for whois and the web portal. Only reads: the marks
 * are written by the list's route check (authlist_enforce.h) and kept in step with
 * the list (authlist.h, authlist_marks_refresh).
 */
#ifndef IRRD_AUTHLIST_MARK_H
#define IRRD_AUTHLIST_MARK_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* The mark of a route of our source: 1 verified (*entry, 0 = override; *when), 0 none, -1 error. */
int authlist_route_mark(struct store *st, const char *source, const char *cls, const char *pkey, int64_t *entry,
			int64_t *when);

/* A route of our source with its mark, as authlist_routes_read hands it over. */
struct authlist_route_row {
	const char *cls, *pkey;
	bool is_marked;
	int64_t entry;          /* the deciding entry; 0 with is_marked: the registry staff override */
};

/* Every route and route6 of `source` with its mark, by class and key, to fn (0 go on, 1 stop). 0 or -1 with *err. */
int authlist_routes_read(struct store *st, const char *source,
			 int (*fn)(void *arg, const struct authlist_route_row *row), void *arg, char **err);

#endif
