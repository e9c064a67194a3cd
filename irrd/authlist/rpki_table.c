/* The VRPs in force, in the database; see rpki_table.h. */
#include "rpki_table.h"

#include <stdlib.h>
#include <time.h>

int rpki_table_replace(struct store *st, const struct vrp_set *set, const char *origin, char **err)
{
	sqlite3_stmt *ins, *status;
	size_t n = vrp_set_count(set);

	if (store_tx_begin(st, err) < 0)
		return -1;
	if (store_exec(st, "DELETE FROM rpki_vrp", err) < 0)
		goto fail;
	ins = store_stmt(st, "INSERT INTO rpki_vrp(family, first, length, max_length, asn, ta) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	for (size_t i = 0; i < n; i++) {
		const struct vrp *v = vrp_set_get(set, i);
		int rc;

		store_bind_prefix(ins, 1, &v->prefix);
		sqlite3_bind_int(ins, 4, v->max_length);
		sqlite3_bind_int64(ins, 5, v->asn);
		sqlite3_bind_text(ins, 6, vrp_set_ta_name(set, v), -1, SQLITE_STATIC);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE) {
			*err = store_error(st, "writing the VRP table");
			goto fail;
		}
	}
	status = store_stmt(st, "INSERT OR REPLACE INTO rpki_status(id, written_at, vrp_count, origin) VALUES (1, ?1, ?2, ?3)");
	sqlite3_bind_int64(status, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(status, 2, (sqlite3_int64)n);
	sqlite3_bind_text(status, 3, origin, -1, SQLITE_STATIC);
	if (sqlite3_step(status) != SQLITE_DONE) {
		sqlite3_reset(status);
		*err = store_error(st, "writing the VRP table's status");
		goto fail;
	}
	sqlite3_reset(status);
	return store_tx_commit(st, err);
fail:
	store_tx_rollback(st);
	return -1;
}

/* Has irrd written the table? 0 with *is_loaded, or -1 with *err. */
static int table_loaded(struct store *st, bool *is_loaded, char **err)
{
	sqlite3_stmt *loaded = store_stmt(st, "SELECT count(*) FROM rpki_status");
	int rc = sqlite3_step(loaded);

	*is_loaded = rc == SQLITE_ROW && sqlite3_column_int(loaded, 0) > 0;
	sqlite3_reset(loaded);
	if (rc != SQLITE_ROW) {
		*err = store_error(st, "reading the VRP table's status");
		return -1;
	}
	return 0;
}

/* The columns every lookup selects, in this order: what add_rows reads. */
#define VRP_COLUMNS "SELECT family, first, length, max_length, asn, ta FROM rpki_vrp"

/* Adds the rows of a bound statement selecting VRP_COLUMNS to set; resets it. 0, or -1 with *err. */
static int add_rows(struct store *st, sqlite3_stmt *find, struct vrp_set *set, char **err)
{
	int rc;

	while ((rc = sqlite3_step(find)) == SQLITE_ROW) {
		struct prefix p;
		const char *why;

		store_column_prefix(find, 0, &p);
		vrp_set_add(set, &p, (unsigned)sqlite3_column_int(find, 3), (uint32_t)sqlite3_column_int64(find, 4),
			    store_column_text(find, 5), 0, &why);
	}
	sqlite3_reset(find);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "reading the VRP table");
		return -1;
	}
	return 0;
}

int rpki_table_covering(struct store *st, const struct prefix *route, struct vrp_set **out, bool *is_loaded,
			char **err)
{
	sqlite3_stmt *find = store_stmt(st, VRP_COLUMNS " WHERE family = ?1 AND first = ?2 AND length = ?3");
	struct vrp_set *set;

	*out = NULL;
	if (table_loaded(st, is_loaded, err) < 0)
		return -1;
	set = vrp_set_new();
	/* every prefix containing the route: the route cut to each length up to its own */
	for (unsigned len = 0; *is_loaded && len <= route->length; len++) {
		struct prefix covering = prefix_truncate(route, len);

		store_bind_prefix(find, 1, &covering);
		if (add_rows(st, find, set, err) < 0) {
			vrp_set_free(set);
			return -1;
		}
	}
	vrp_set_sort(set);
	*out = set;
	return 0;
}

int rpki_table_within(struct store *st, const struct prefix *block, struct vrp_set **out, bool *is_loaded,
		      char **err)
{
	/* the address blobs have one width per family and compare as big-endian numbers */
	sqlite3_stmt *find = store_stmt(st, VRP_COLUMNS " WHERE family = ?1 AND first >= ?2 AND first <= ?3 AND length >= ?4");
	struct vrp_set *set;
	struct addr_range r;
	size_t n = prefix_addr_bytes(block->family);

	*out = NULL;
	if (table_loaded(st, is_loaded, err) < 0)
		return -1;
	set = vrp_set_new();
	if (*is_loaded) {
		prefix_to_range(block, &r);
		sqlite3_bind_int(find, 1, block->family);
		sqlite3_bind_blob(find, 2, r.first, (int)n, SQLITE_TRANSIENT);
		sqlite3_bind_blob(find, 3, r.last, (int)n, SQLITE_TRANSIENT);
		sqlite3_bind_int(find, 4, block->length);
		if (add_rows(st, find, set, err) < 0) {
			vrp_set_free(set);
			return -1;
		}
	}
	vrp_set_sort(set);
	*out = set;
	return 0;
}

int rpki_table_state(struct store *st, const struct prefix *p, uint32_t origin, enum rov_state *state,
		     bool *is_loaded, struct vrp_set **covering_out, char **err)
{
	struct vrp_set *covering = NULL;
	size_t n;

	if (rpki_table_covering(st, p, &covering, is_loaded, err) < 0)
		return -1;
	n = vrp_set_count(covering);
	*state = n == 0 ? ROV_NOT_FOUND : ROV_INVALID;
	for (size_t i = 0; i < n; i++) {
		if (rov_vrp_matches(vrp_set_get(covering, i), p, origin)) {
			*state = ROV_VALID;
			break;
		}
	}
	if (covering_out != NULL) {
		*covering_out = covering;
		covering = NULL;
	}
	vrp_set_free(covering);
	return 0;
}

int rpki_table_read_all(struct store *st, struct vrp_set **out, bool *is_loaded, char **err)
{
	struct vrp_set *set;

	*out = NULL;
	if (table_loaded(st, is_loaded, err) < 0)
		return -1;
	set = vrp_set_new();
	if (add_rows(st, store_stmt(st, VRP_COLUMNS " ORDER BY family, first, length"), set, err) < 0) {
		vrp_set_free(set);
		return -1;
	}
	vrp_set_sort(set);
	*out = set;
	return 0;
}

int rpki_table_clear(struct store *st, char **err)
{
	if (store_tx_begin(st, err) < 0)
		return -1;
	if (store_exec(st, "DELETE FROM rpki_vrp; DELETE FROM rpki_status", err) < 0) {
		store_tx_rollback(st);
		return -1;
	}
	return store_tx_commit(st, err);
}
