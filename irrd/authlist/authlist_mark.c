/* Reading route marks; see authlist_mark.h. */
#include "authlist_mark.h"

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
