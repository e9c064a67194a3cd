/* LIR accounts and allocations in the store (tables lir, allocation), and reloads as diffs. */
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "authlist.h"
#include "rpsl_syntax.h"
#include "xalloc.h"

static const char *const status_names[] = { "allocated", "assigned", "pi" };
static const char *const format_names[] = { "delegated", "rpsl" };

const char *alloc_status_name(enum alloc_status s)
{
	return status_names[s];
}

static int status_parse(const char *text, enum alloc_status *out)
{
	for (int i = 0; i < 3; i++) {
		if (text && strcmp(text, status_names[i]) == 0) {
			*out = (enum alloc_status)i;
			return 0;
		}
	}
	return -1;
}

/* ---- accounts ---- */

static bool emails_valid(const char *emails)
{
	char *copy = xstrdup(emails), *save = NULL;
	bool ok = true, any = false;

	for (char *w = strtok_r(copy, " ,", &save); w && ok; w = strtok_r(NULL, " ,", &save)) {
		ok = rpsl_syntax_is_valid(SYN_EMAIL, w);
		any = true;
	}
	free(copy);
	return ok && any;
}

int lir_add(struct store *st, const struct lir_account *lir, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "INSERT INTO lir(id, name, emails, opaque_id, rpsl_ref, created_at)"
					    " VALUES (?1, ?2, ?3, nullif(?4, ''), nullif(?5, ''), ?6)");
	int rc;

	if (lir->id[0] == '\0' || strpbrk(lir->id, " \t\r\n,") != NULL) {
		*err = xasprintf("an LIR account id is one word (got \"%s\")", lir->id);
		return -1;
	}
	if (lir->name[0] == '\0') {
		*err = xstrdup("an LIR account needs a name");
		return -1;
	}
	if (!emails_valid(lir->emails)) {
		*err = xasprintf("the contact addresses \"%s\" are not valid e-mail addresses", lir->emails);
		return -1;
	}
	sqlite3_bind_text(stmt, 1, lir->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, lir->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, lir->emails, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, lir->opaque_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, lir->rpsl_ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_CONSTRAINT) {
		*err = xasprintf("LIR account %s, or its opaque-id or RPSL reference, exists already", lir->id);
		return -1;
	}
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "adding the LIR account");
		return -1;
	}
	return 0;
}

static void lir_from_row(sqlite3_stmt *stmt, struct lir_account *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", store_column_text(stmt, 0));
	snprintf(out->name, sizeof(out->name), "%s", store_column_text(stmt, 1));
	snprintf(out->emails, sizeof(out->emails), "%s", store_column_text(stmt, 2));
	snprintf(out->opaque_id, sizeof(out->opaque_id), "%s", store_column_text(stmt, 3));
	snprintf(out->rpsl_ref, sizeof(out->rpsl_ref), "%s", store_column_text(stmt, 4));
}

int lir_get(struct store *st, const char *id, struct lir_account *out, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT id, name, emails, opaque_id, rpsl_ref FROM lir WHERE id = ?1");
	int rc;

	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		lir_from_row(stmt, out);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*err = store_error(st, "reading the LIR account");
		return -1;
	}
	return rc == SQLITE_ROW;
}

int lir_list(struct store *st, struct lir_account **out, size_t *count, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT id, name, emails, opaque_id, rpsl_ref FROM lir ORDER BY id");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out = xgrow(*out, &cap, *count + 1, sizeof(**out));
		lir_from_row(stmt, &(*out)[(*count)++]);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "listing LIR accounts");
		return -1;
	}
	return 0;
}

json_t *lir_json(const struct lir_account *lir)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "id", lir->id, "name", lir->name, "emails", lir->emails,
			 "opaque_id", lir->opaque_id[0] ? lir->opaque_id : NULL, "rpsl_ref",
			 lir->rpsl_ref[0] ? lir->rpsl_ref : NULL);
}

/* ---- allocations ---- */

static void alloc_from_row(sqlite3_stmt *stmt, struct allocation *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(stmt, 0);
	snprintf(a->lir, sizeof(a->lir), "%s", store_column_text(stmt, 1));
	store_column_prefix(stmt, 2, &a->block);
	snprintf(a->range, sizeof(a->range), "%s", store_column_text(stmt, 5));
	status_parse(store_column_text(stmt, 6), &a->status);
	snprintf(a->date, sizeof(a->date), "%s", store_column_text(stmt, 7));
	snprintf(a->origin, sizeof(a->origin), "%s", store_column_text(stmt, 8));
}

#define ALLOC_COLUMNS "id, lir, family, first, length, range, status, coalesce(date, ''), origin"

int alloc_list(struct store *st, const char *lir, struct allocation **out, size_t *count, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT " ALLOC_COLUMNS " FROM allocation"
					    " WHERE ?1 IS NULL OR lir = ?1 ORDER BY family, first, length");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	sqlite3_bind_text(stmt, 1, lir, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out = xgrow(*out, &cap, *count + 1, sizeof(**out));
		alloc_from_row(stmt, &(*out)[(*count)++]);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "listing allocations");
		return -1;
	}
	return 0;
}

json_t *alloc_json(const struct allocation *a)
{
	char p[PREFIX_STRLEN];

	prefix_format(&a->block, p);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s}", "id", (json_int_t)a->id, "lir", a->lir, "prefix", p,
			 "range", a->range, "status", alloc_status_name(a->status), "date", a->date[0] ? a->date : NULL,
			 "origin", a->origin);
}

int alloc_covering(struct store *st, const struct prefix *p, const char *lir, struct allocation *holder, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT " ALLOC_COLUMNS " FROM allocation"
					    " WHERE family = ?1 AND first = ?2 AND length = ?3 AND (?4 IS NULL OR lir = ?4)");

	/* one point lookup per length, most specific first: at most 33 or 129 */
	for (int len = p->length; len >= 0; len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		int rc;

		store_bind_prefix(stmt, 1, &t);
		sqlite3_bind_text(stmt, 4, lir, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW && holder != NULL)
			alloc_from_row(stmt, holder);
		sqlite3_reset(stmt);
		if (rc == SQLITE_ROW)
			return 1;
		if (rc != SQLITE_DONE) {
			*err = store_error(st, "looking up allocations");
			return -1;
		}
	}
	return 0;
}

static int insert_block(struct store *st, const char *lir, const struct prefix *block, const char *range,
			enum alloc_status status, const char *date, const char *origin, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "INSERT INTO allocation(lir, family, first, length, prefix, range, status, date, origin)"
					    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, ''), ?9)");
	char text[PREFIX_STRLEN];
	int rc;

	prefix_format(block, text);
	sqlite3_bind_text(stmt, 1, lir, -1, SQLITE_STATIC);
	store_bind_prefix(stmt, 2, block);
	sqlite3_bind_text(stmt, 5, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, range, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, alloc_status_name(status), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, date ? date : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, origin, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_CONSTRAINT) {
		*err = xasprintf("%s is already an allocation", text);
		return -1;
	}
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "writing an allocation");
		return -1;
	}
	return 0;
}

int alloc_add_staff(struct store *st, const struct config *cfg, const char *lir, const struct prefix *block,
		    enum alloc_status status, const char *date, char **err)
{
	struct lir_account acct;
	char text[PREFIX_STRLEN];
	int rc = lir_get(st, lir, &acct, err);

	if (rc <= 0) {
		if (rc == 0)
			*err = xasprintf("no LIR account %s", lir);
		return -1;
	}
	prefix_format(block, text);
	if (store_tx_begin(st, err) < 0)
		return -1;
	if (insert_block(st, lir, block, text, status, date, "staff", err) < 0 ||
	    authlist_marks_refresh_blocks(st, cfg, block, 1, err) < 0 || store_tx_commit(st, err) < 0) {
		store_tx_rollback(st);
		return -1;
	}
	return 0;
}

/* ---- reloads ---- */

struct mapped {
	char lir[LIR_ID_SIZE];
	struct prefix block;
	char range[128];
	enum alloc_status status;
	char date[16];
	bool seen;
};

static int cmp_block(const struct prefix *a, const struct prefix *b)
{
	int c = a->family - b->family;

	if (c == 0)
		c = memcmp(a->addr, b->addr, 16);
	if (c == 0)
		c = a->length - b->length;
	return c;
}

static int cmp_mapped(const void *a, const void *b)
{
	return cmp_block(&((const struct mapped *)a)->block, &((const struct mapped *)b)->block);
}

static struct mapped *find_mapped(struct mapped *want, size_t n, const struct prefix *block)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_block(&want[mid].block, block);

		if (c == 0)
			return &want[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int map_key(struct store *st, enum alloc_format fmt, const char *key, char lir[LIR_ID_SIZE], char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, fmt == ALLOC_FORMAT_DELEGATED ? "SELECT id FROM lir WHERE opaque_id = ?1"
									  : "SELECT id FROM lir WHERE rpsl_ref = ?1 COLLATE NOCASE");
	int rc;

	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		snprintf(lir, LIR_ID_SIZE, "%s", store_column_text(stmt, 0));
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*err = store_error(st, "mapping import keys to LIR accounts");
		return -1;
	}
	return rc == SQLITE_ROW;
}

int alloc_reload(struct store *st, const struct config *cfg, enum alloc_format fmt, const struct alloc_raw *records,
		 size_t count, struct alloc_reload_result *res, char **err)
{
	const char *origin = format_names[fmt];
	struct mapped *want = NULL;
	struct allocation *have = NULL;
	struct prefix *moved = NULL;  /* blocks whose holder changed: added, returned, to another LIR */
	size_t want_count = 0, want_cap = 0, ret_cap = 0, have_count = 0, have_cap = 0, moved_count = 0, moved_cap = 0;
	sqlite3_stmt *cur, *del, *upd;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	strbuf_init(&res->report);
	/* map every record's key to an account, splitting ranges into CIDR blocks */
	for (size_t i = 0; i < count; i++) {
		char lir[LIR_ID_SIZE];
		struct prefix blocks[256];
		char range[128];
		int m = map_key(st, fmt, records[i].key, lir, err);
		size_t nb;

		if (m < 0)
			goto out;
		addr_range_format(&records[i].range, range, sizeof(range));
		if (m == 0) {
			strbuf_printf(&res->report, "unmapped: %s (line %u) belongs to %s, which is no LIR account's %s\n", range,
				      records[i].line, records[i].key, fmt == ALLOC_FORMAT_DELEGATED ? "opaque-id" : "RPSL reference");
			res->unmapped++;
			continue;
		}
		nb = addr_range_to_prefixes(&records[i].range, blocks);
		for (size_t b = 0; b < nb; b++) {
			struct mapped *w;

			want = xgrow(want, &want_cap, want_count + 1, sizeof(*want));
			w = &want[want_count++];
			memset(w, 0, sizeof(*w));
			snprintf(w->lir, sizeof(w->lir), "%s", lir);
			w->block = blocks[b];
			snprintf(w->range, sizeof(w->range), "%s", range);
			w->status = records[i].status;
			snprintf(w->date, sizeof(w->date), "%s", records[i].date);
		}
	}
	/* sorted, duplicates (the same block twice in a file) dropped: the last one wins */
	if (want_count > 1)
		qsort(want, want_count, sizeof(*want), cmp_mapped);
	{
		size_t o = 0;

		for (size_t k = 0; k < want_count; k++) {
			if (o > 0 && cmp_block(&want[o - 1].block, &want[k].block) == 0)
				want[o - 1] = want[k];
			else
				want[o++] = want[k];
		}
		want_count = o;
	}
	if (store_tx_begin(st, err) < 0)
		goto out;
	cur = store_stmt(st, "SELECT " ALLOC_COLUMNS " FROM allocation WHERE origin = ?1");
	del = store_stmt(st, "DELETE FROM allocation WHERE id = ?1");
	upd = store_stmt(st, "UPDATE allocation SET lir = ?2, range = ?3, status = ?4, date = nullif(?5, '') WHERE id = ?1");
	/* what is there now (read whole first: rows change below) */
	sqlite3_bind_text(cur, 1, origin, -1, SQLITE_STATIC);
	for (;;) {
		int step = sqlite3_step(cur);

		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			*err = store_error(st, "reading allocations");
			sqlite3_reset(cur);
			goto rollback;
		}
		have = xgrow(have, &have_cap, have_count + 1, sizeof(*have));
		alloc_from_row(cur, &have[have_count++]);
	}
	sqlite3_reset(cur);
	/* compare it with what the file says: unchanged, changed, returned */
	for (size_t h = 0; h < have_count; h++) {
		struct allocation *a = &have[h];
		struct mapped *w = find_mapped(want, want_count, &a->block);
		char text[PREFIX_STRLEN];
		int step;

		prefix_format(&a->block, text);
		if (w == NULL) {
			sqlite3_bind_int64(del, 1, a->id);
			step = sqlite3_step(del);
			sqlite3_reset(del);
			strbuf_printf(&res->report, "returned: %s by %s (%s)\n", text, a->lir, alloc_status_name(a->status));
			res->returned_blocks = xgrow(res->returned_blocks, &ret_cap, res->returned_count + 1,
						     sizeof(*res->returned_blocks));
			res->returned_lirs = xrealloc(res->returned_lirs, ret_cap * sizeof(*res->returned_lirs));
			res->returned_blocks[res->returned_count] = a->block;
			snprintf(res->returned_lirs[res->returned_count], LIR_ID_SIZE, "%s", a->lir);
			res->returned_count++;
			res->returned++;
			moved = xgrow(moved, &moved_cap, moved_count + 1, sizeof(*moved));
			moved[moved_count++] = a->block;
		} else {
			w->seen = true;
			if (strcmp(w->lir, a->lir) == 0 && w->status == a->status && strcmp(w->date, a->date) == 0) {
				res->unchanged++;
				continue;
			}
			sqlite3_bind_int64(upd, 1, a->id);
			sqlite3_bind_text(upd, 2, w->lir, -1, SQLITE_STATIC);
			sqlite3_bind_text(upd, 3, w->range, -1, SQLITE_STATIC);
			sqlite3_bind_text(upd, 4, alloc_status_name(w->status), -1, SQLITE_STATIC);
			sqlite3_bind_text(upd, 5, w->date, -1, SQLITE_STATIC);
			step = sqlite3_step(upd);
			sqlite3_reset(upd);
			strbuf_printf(&res->report, "changed: %s %s %s -> %s %s %s\n", text, a->lir,
				      alloc_status_name(a->status), w->lir, alloc_status_name(w->status), w->date);
			res->changed++;
			if (strcmp(w->lir, a->lir) != 0) {
				res->moved++;
				moved = xgrow(moved, &moved_cap, moved_count + 1, sizeof(*moved));
				moved[moved_count++] = a->block;
			}
		}
		if (step != SQLITE_DONE) {
			*err = store_error(st, "updating allocations");
			goto rollback;
		}
	}
	for (size_t k = 0; k < want_count; k++) {
		char text[PREFIX_STRLEN];

		if (want[k].seen)
			continue;
		if (insert_block(st, want[k].lir, &want[k].block, want[k].range, want[k].status, want[k].date, origin, err) < 0)
			goto rollback;
		prefix_format(&want[k].block, text);
		strbuf_printf(&res->report, "added: %s to %s (%s)\n", text, want[k].lir, alloc_status_name(want[k].status));
		res->added++;
		want[k].seen = true;
		moved = xgrow(moved, &moved_cap, moved_count + 1, sizeof(*moved));
		moved[moved_count++] = want[k].block;
	}
	/* entries inside those blocks came into or went out of force: their routes' marks follow, in this transaction */
	if (authlist_marks_refresh_blocks(st, cfg, moved, moved_count, err) < 0)
		goto rollback;
	if (store_tx_commit(st, err) < 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	store_tx_rollback(st);
out:
	/* a failure changed nothing: nothing to report, and nothing for the caller to release */
	if (rc < 0)
		alloc_reload_result_release(res);
	free(want);
	free(have);
	free(moved);
	return rc;
}

void alloc_reload_result_release(struct alloc_reload_result *res)
{
	strbuf_release(&res->report);
	free(res->returned_blocks);
	free(res->returned_lirs);
	memset(res, 0, sizeof(*res));
}
