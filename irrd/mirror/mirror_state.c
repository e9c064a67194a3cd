/*
 * The recorded state of the mirrored sources (table mirror_status): read by irrctl,
 * whois (!J) and the mirror job; kept apart from mirror.c so that readers do not pull
 * in the fetching (libcurl) and NRTM code.
 */
#include "mirror_state.h"

#include <stdio.h>
#include <string.h>

int mirror_state_read(struct store *st, const char *source, struct mirror_state *out, char **err)
{
	sqlite3_stmt *q = store_stmt(st, "SELECT serial, last_attempt, last_success, last_progress, last_error,"
					 " last_error_at, failures, reload_requested FROM mirror_status WHERE source = ?1");
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->exists = true;
		out->serial = sqlite3_column_int64(q, 0);
		out->last_attempt = sqlite3_column_int64(q, 1);
		out->last_success = sqlite3_column_int64(q, 2);
		out->last_progress = sqlite3_column_int64(q, 3);
		snprintf(out->last_error, sizeof(out->last_error), "%s", store_column_text(q, 4));
		out->last_error_at = sqlite3_column_int64(q, 5);
		out->failures = sqlite3_column_int64(q, 6);
		out->reload_requested = sqlite3_column_int(q, 7) != 0;
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*err = store_error(st, "reading the mirror status");
		return -1;
	}
	return 0;
}

int mirror_status_exec(struct store *st, const char *sql, const char *source, int64_t a, int64_t b, const char *text,
		       char **err)
{
	sqlite3_stmt *q = store_stmt(st, sql);
	int rc, params = sqlite3_bind_parameter_count(q);

	sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
	if (params >= 2)
		sqlite3_bind_int64(q, 2, a);
	if (params >= 3)
		sqlite3_bind_int64(q, 3, b);
	if (params >= 4)
		sqlite3_bind_text(q, 4, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "writing the mirror status");
		return -1;
	}
	return 0;
}

int mirror_request_reload(struct store *st, const char *source, char **err)
{
	return mirror_status_exec(st,
			   "INSERT INTO mirror_status(source, reload_requested) VALUES (?1, 1)"
			   " ON CONFLICT(source) DO UPDATE SET reload_requested = 1",
			   source, 0, 0, NULL, err);
}

bool mirror_is_stalled(const struct mirror_config *m, const struct mirror_state *state, time_t now)
{
	int64_t since = state->last_progress > 0 ? state->last_progress : state->last_success;

	return state->failures > 0 && since > 0 && now - since >= (time_t)m->stall_after;
}

