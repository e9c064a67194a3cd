/* The audit table; see audit.h. */
#include "audit.h"

#include <sqlite3.h>

int audit_record(struct store *st, const struct audit_row *row, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"INSERT INTO audit(time, channel, origin, identity, operation, class, pkey, outcome, serial)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	int rc;

	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)row->time);
	sqlite3_bind_text(stmt, 2, row->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, row->identity, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, row->operation, -1, SQLITE_STATIC);
	if (row->cls != NULL)
		sqlite3_bind_text(stmt, 6, row->cls, -1, SQLITE_STATIC);
	if (row->pkey != NULL)
		sqlite3_bind_text(stmt, 7, row->pkey, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, row->outcome, -1, SQLITE_STATIC);
	if (row->serial > 0)
		sqlite3_bind_int64(stmt, 9, row->serial);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "writing the audit record");
		return -1;
	}
	return 0;
}
