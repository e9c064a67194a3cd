/* The mail_replay table: one row per signed message applied, keyed by its replay key (mail_verify.h). */
#include "mail_replay.h"

#include <sqlite3.h>

int mail_replay_claim(struct store *st, const char *digest, const char *message_id, time_t now, unsigned window,
		      time_t *seen_at, char **err)
{
	sqlite3_stmt *purge = store_stmt(st, "DELETE FROM mail_replay WHERE seen < ?1");
	sqlite3_stmt *insert = store_stmt(st, "INSERT OR IGNORE INTO mail_replay(digest, seen, message_id) VALUES (?1, ?2, ?3)");
	sqlite3_stmt *lookup = store_stmt(st, "SELECT seen FROM mail_replay WHERE digest = ?1");
	int rc;

	sqlite3_bind_int64(purge, 1, (sqlite3_int64)now - 2 * (sqlite3_int64)window);
	rc = sqlite3_step(purge);
	sqlite3_reset(purge);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "forgetting old replay digests");
		return -1;
	}
	sqlite3_bind_text(insert, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(insert, 2, (sqlite3_int64)now);
	sqlite3_bind_text(insert, 3, message_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(insert);
	sqlite3_reset(insert);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "recording the replay digest");
		return -1;
	}
	if (store_changes(st) == 1)
		return 1;
	sqlite3_bind_text(lookup, 1, digest, -1, SQLITE_STATIC);
	rc = sqlite3_step(lookup);
	*seen_at = rc == SQLITE_ROW ? (time_t)sqlite3_column_int64(lookup, 0) : now;
	sqlite3_reset(lookup);
	return 0;
}
