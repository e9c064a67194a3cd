/* Reading route marks; see authlist_mark.h. */
#include "authlist_mark.h"

#include <sqlite3.h>

int authlist_route_mark(struct store *st, const char *source, const char *cls, const char *pkey, int64_t *entry,
			int64_t *when)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT coalesce(v.entry, 0), v.verified_at FROM route_verification v"
					    " JOIN sources s ON s.id = v.source_id WHERE s.name = ?1 AND v.class = ?2 AND v.pkey = ?3");
	int rc;

	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, pkey, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*entry = sqlite3_column_int64(stmt, 0);
		*when = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int authlist_routes_read(struct store *st, const char *source,
			 int (*fn)(void *arg, const struct authlist_route_row *row), void *arg, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT o.class, o.pkey, coalesce(v.entry, 0), v.verified_at IS NOT NULL"
					    " FROM objects o JOIN sources s ON s.id = o.source_id"
					    " LEFT JOIN route_verification v ON v.source_id = o.source_id AND v.class = o.class AND v.pkey = o.pkey"
					    " WHERE s.name = ?1 AND o.class IN ('route', 'route6') ORDER BY o.class, o.pkey");
	int rc, verdict = 0;

	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	while (verdict == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct authlist_route_row row = {
			.cls = store_column_text(stmt, 0), .pkey = store_column_text(stmt, 1),
			.entry = sqlite3_column_int64(stmt, 2), .is_marked = sqlite3_column_int(stmt, 3) != 0,
		};

		verdict = fn(arg, &row);
	}
	sqlite3_reset(stmt);
	if (verdict == 0 && rc != SQLITE_DONE) {
		*err = store_error(st, "reading routes and their marks");
		return -1;
	}
	return 0;
}
