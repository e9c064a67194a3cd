/* Failed password counts per maintainer; see auth_limit.h. */
#include "auth_limit.h"

#include <sqlite3.h>

#define AUTH_LIMIT_WINDOW 3600

int auth_limit_is_suspended(struct store *st, const struct config *cfg, const char *mntner, unsigned tries, time_t now,
			    time_t *until, char **err)
{
	sqlite3_stmt *stmt;
	int rc, suspended = 0;

	if (cfg->password_failures_per_hour == 0)
		return 0;
	stmt = store_stmt(st, "SELECT window_start, failures FROM auth_failures WHERE mntner = ?1");
	sqlite3_bind_text(stmt, 1, mntner, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		time_t start = (time_t)sqlite3_column_int64(stmt, 0);
		sqlite3_int64 failures = sqlite3_column_int64(stmt, 1);

		if (now - start < AUTH_LIMIT_WINDOW && failures + tries > cfg->password_failures_per_hour) {
			*until = start + AUTH_LIMIT_WINDOW;
			suspended = 1;
		}
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*err = store_error(st, "reading failed password counts");
		return -1;
	}
	return suspended;
}

int auth_limit_record(struct store *st, const char *mntner, unsigned failures, time_t now, char **err)
{
	/* a new hour starts the count again */
	sqlite3_stmt *stmt = store_stmt(st,
		"INSERT INTO auth_failures(mntner, window_start, failures) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(mntner) DO UPDATE SET"
		"  failures = CASE WHEN ?2 - window_start >= ?4 THEN ?3 ELSE failures + ?3 END,"
		"  window_start = CASE WHEN ?2 - window_start >= ?4 THEN ?2 ELSE window_start END");
	int rc;

	sqlite3_bind_text(stmt, 1, mntner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	sqlite3_bind_int64(stmt, 3, failures);
	sqlite3_bind_int(stmt, 4, AUTH_LIMIT_WINDOW);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "counting failed passwords");
		return -1;
	}
	return 0;
}
