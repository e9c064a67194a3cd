/*
 * Authorisation-list entries: the A.1.2.1 rules, writes (table authlist and its
 * origin index authlist_origin), searches, text and JSON forms.
 */
#include "authlist.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "asn.h"
#include "authlist_enforce.h"
#include "rpsl_parse.h"
#include "xalloc.h"

#define ENTRY_COLUMNS                                                                                        \
	"id, lir, family, first, length, action, mntner, origins, remarks, created_by, created_at, modified_by, " \
	"modified_at, coalesce(flagged, '')"

const char *authlist_action_name(enum authlist_action a)
{
	return a == AUTHLIST_ALLOW ? "allow" : "deny";
}

int authlist_parse_origins(const char *text, struct authlist_entry *e, char **refusal)
{
	size_t n = 0, i = 0, len = strlen(text);

	while (i < len) {
		size_t k;
		uint32_t asn;
		const char *why;

		while (i < len && (isspace((unsigned char)text[i]) || text[i] == ','))
			i++;
		if (i == len)
			break;
		k = i;
		while (k < len && !isspace((unsigned char)text[k]) && text[k] != ',')
			k++;
		if (asn_parse(text + i, k - i, false, &asn, &why) < 0) {
			*refusal = xasprintf("\"%.*s\" is not an AS number (%s)", (int)(k - i > 40 ? 40 : k - i), text + i, why);
			return -1;
		}
		if (n < AUTHLIST_MAX_ORIGINS)
			e->origins[n] = asn;
		n++;
		i = k;
	}
	if (n > AUTHLIST_MAX_ORIGINS) {
		*refusal = xasprintf("Rule 6: %zu origin ASes given; an entry may list at most %d", n, AUTHLIST_MAX_ORIGINS);
		return -1;
	}
	e->origin_count = n;
	return 0;
}

void authlist_format_origins(const struct authlist_entry *e, struct strbuf *out)
{
	for (size_t i = 0; i < e->origin_count; i++)
		strbuf_printf(out, "%sAS%u", i ? " " : "", e->origins[i]);
}

bool authlist_origin_allowed(const struct authlist_entry *e, uint32_t asn)
{
	if (e->origin_count == 0)
		return true;
	for (size_t i = 0; i < e->origin_count; i++) {
		if (e->origins[i] == asn)
			return true;
	}
	return false;
}

void authlist_describe(const struct authlist_entry *e, struct strbuf *out)
{
	char p[PREFIX_STRLEN];

	prefix_format(&e->prefix, p);
	strbuf_printf(out, "#%lld %s %s %s", (long long)e->id, p, authlist_action_name(e->action), e->mntner);
	if (e->origin_count > 0) {
		strbuf_append_str(out, " (origins ");
		authlist_format_origins(e, out);
		strbuf_append_char(out, ')');
	}
}

static void entry_from_row(sqlite3_stmt *stmt, struct authlist_entry *e)
{
	char *ignored = NULL;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(stmt, 0);
	snprintf(e->lir, sizeof(e->lir), "%s", store_column_text(stmt, 1));
	store_column_prefix(stmt, 2, &e->prefix);
	e->action = strcmp(store_column_text(stmt, 5), "deny") == 0 ? AUTHLIST_DENY : AUTHLIST_ALLOW;
	snprintf(e->mntner, sizeof(e->mntner), "%s", store_column_text(stmt, 6));
	if (authlist_parse_origins(store_column_text(stmt, 7), e, &ignored) < 0)
		free(ignored);
	snprintf(e->remarks, sizeof(e->remarks), "%s", store_column_text(stmt, 8));
	snprintf(e->created_by, sizeof(e->created_by), "%s", store_column_text(stmt, 9));
	e->created_at = sqlite3_column_int64(stmt, 10);
	snprintf(e->modified_by, sizeof(e->modified_by), "%s", store_column_text(stmt, 11));
	e->modified_at = sqlite3_column_int64(stmt, 12);
	snprintf(e->flagged, sizeof(e->flagged), "%s", store_column_text(stmt, 13));
}

struct entries {
	struct authlist_entry *items;
	size_t count, cap;
};

/* Runs a bound statement, appending its rows. Returns 0 or -1 with *err. */
static int collect(struct store *st, sqlite3_stmt *stmt, struct entries *out, char **err)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		out->items = xgrow(out->items, &out->cap, out->count + 1, sizeof(*out->items));
		entry_from_row(stmt, &out->items[out->count++]);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "reading the authorisation list");
		return -1;
	}
	return 0;
}

int authlist_get(struct store *st, int64_t id, struct authlist_entry *out, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist WHERE id = ?1");
	struct entries got = { 0 };
	int rc;

	sqlite3_bind_int64(stmt, 1, id);
	rc = collect(st, stmt, &got, err);
	if (rc == 0 && got.count == 1)
		*out = got.items[0];
	free(got.items);
	return rc < 0 ? -1 : got.count == 1;
}

/* Entries of one maintainer (NULL: any) that equal or cover p: one point lookup per length. */
static int covering(struct store *st, const char *mntner, const struct prefix *p, bool first_only, struct entries *out,
		    char **err)
{
	sqlite3_stmt *by_mntner = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist"
						 " WHERE mntner = ?4 AND family = ?1 AND first = ?2 AND length = ?3 ORDER BY id");
	sqlite3_stmt *any = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist"
					   " WHERE family = ?1 AND first = ?2 AND length = ?3 ORDER BY id");

	for (int len = p->length; len >= 0; len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		sqlite3_stmt *stmt = mntner ? by_mntner : any;
		size_t before = out->count;

		store_bind_prefix(stmt, 1, &t);
		if (mntner)
			sqlite3_bind_text(stmt, 4, mntner, -1, SQLITE_STATIC);
		if (collect(st, stmt, out, err) < 0)
			return -1;
		if (first_only && out->count > before)
			return 0;
	}
	return 0;
}

/* Entries (of one maintainer, or any) equal to or more specific than p: a range scan. */
static int more_specific(struct store *st, const char *mntner, const struct prefix *p, struct entries *out, char **err)
{
	sqlite3_stmt *by_mntner = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist WHERE mntner = ?5 AND family = ?1"
						 " AND first BETWEEN ?2 AND ?3 AND length >= ?4");
	sqlite3_stmt *any = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist WHERE family = ?1"
					   " AND first BETWEEN ?2 AND ?3 AND length >= ?4");
	sqlite3_stmt *stmt = mntner ? by_mntner : any;
	struct addr_range r;
	size_t n = prefix_addr_bytes(p->family);

	prefix_to_range(p, &r);
	sqlite3_bind_int(stmt, 1, p->family);
	sqlite3_bind_blob(stmt, 2, r.first, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 3, r.last, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 4, p->length);
	if (mntner)
		sqlite3_bind_text(stmt, 5, mntner, -1, SQLITE_STATIC);
	return collect(st, stmt, out, err);
}

bool authlist_entry_is_staff(const struct authlist_entry *e)
{
	/* the last change decides: an entry LIR staff changed is theirs, bound to their allocations */
	return strncmp(e->modified_by, "staff:", 6) == 0;
}

int authlist_entry_in_force(struct store *st, const struct authlist_entry *e, char **err)
{
	if (authlist_entry_is_staff(e))
		return 1;
	return alloc_covering(st, &e->prefix, e->lir, NULL, err);
}

int authlist_deciding_entry(struct store *st, const char *mntner, const struct prefix *p, struct authlist_entry *out,
			    struct authlist_entry *outside, char **err)
{
	struct entries got = { 0 };
	int len = p->length, found = 0, rc = 0;

	if (outside != NULL)
		memset(outside, 0, sizeof(*outside));
	/* most specific first; an entry out of force authorises nothing and does not hide the ones above it */
	while (rc == 0 && !found && len >= 0) {
		struct prefix t = prefix_truncate(p, (unsigned)len);

		got.count = 0;
		if (covering(st, mntner, &t, true, &got, err) < 0) {
			rc = -1;
			break;
		}
		if (got.count == 0)
			break;
		for (size_t i = 0; i < got.count && !found && rc == 0; i++) {
			int in_force = authlist_entry_in_force(st, &got.items[i], err);

			if (in_force < 0) {
				rc = -1;
			} else if (in_force) {
				*out = got.items[i];
				found = 1;
			} else if (outside != NULL && outside->id == 0) {
				*outside = got.items[i];
			}
		}
		/* the next less specific length */
		len = got.items[0].prefix.length - 1;
	}
	free(got.items);
	return rc < 0 ? -1 : found;
}

int authlist_any_covering(struct store *st, const struct prefix *p, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT 1 FROM authlist WHERE family = ?1 AND first = ?2 AND length = ?3 LIMIT 1");

	for (int len = p->length; len >= 0; len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		int rc;

		store_bind_prefix(stmt, 1, &t);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc == SQLITE_ROW)
			return 1;
		if (rc != SQLITE_DONE) {
			*err = store_error(st, "reading the authorisation list");
			return -1;
		}
	}
	return 0;
}

/* ---- the rules ---- */

static char *rule1_refusal(struct store *st, const struct authlist_entry *e, char **err)
{
	struct allocation *allocs = NULL;
	size_t n = 0;
	struct strbuf sb;
	char p[PREFIX_STRLEN];

	if (alloc_list(st, e->lir, &allocs, &n, err) < 0)
		return NULL;
	prefix_format(&e->prefix, p);
	strbuf_init(&sb);
	strbuf_printf(&sb, "Rule 1: %s is not inside an allocation of LIR %s (its allocations: ", p, e->lir);
	for (size_t i = 0; i < n && i < 10; i++) {
		char a[PREFIX_STRLEN];

		prefix_format(&allocs[i].block, a);
		strbuf_printf(&sb, "%s%s", i ? ", " : "", a);
	}
	strbuf_append_str(&sb, n == 0 ? "none)" : n > 10 ? ", ...)" : ")");
	free(allocs);
	return strbuf_detach(&sb, NULL);
}

static char *conflict(const char *rule, const struct authlist_entry *other)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_append_str(&sb, rule);
	strbuf_append_str(&sb, ": entry ");
	authlist_describe(other, &sb);
	return strbuf_detach(&sb, NULL);
}

/* Rules 1 to 6 for e (an existing entry's own row excluded). 0 fine, 1 refused, -1 store error; *refusal either way. */
static int check_rules(struct store *st, const struct config *cfg, const struct authlist_actor *who,
		       const struct authlist_entry *e, char **refusal)
{
	struct entries near = { 0 };
	char *err = NULL;
	int rc;

	if (e->origin_count > AUTHLIST_MAX_ORIGINS) {
		*refusal = xasprintf("Rule 6: %zu origin ASes given; an entry may list at most %d", e->origin_count,
				     AUTHLIST_MAX_ORIGINS);
		return 1;
	}
	if (!who->is_staff) {
		rc = alloc_covering(st, &e->prefix, e->lir, NULL, &err);
		if (rc < 0)
			goto store_error;
		if (rc == 0) {
			*refusal = rule1_refusal(st, e, &err);
			if (*refusal == NULL)
				goto store_error;
			return 1;
		}
	}
	rc = store_object_exists(st, cfg->source, "mntner", e->mntner);
	if (rc < 0) {
		err = store_error(st, "looking up the maintainer");
		goto store_error;
	}
	if (rc == 0) {
		*refusal = xasprintf("Rule 2: maintainer %s does not exist (no mntner object in %s)", e->mntner, cfg->source);
		return 1;
	}
	/* everything of the same maintainer that overlaps: covering it, or inside it */
	if (covering(st, e->mntner, &e->prefix, false, &near, &err) < 0 ||
	    more_specific(st, e->mntner, &e->prefix, &near, &err) < 0)
		goto store_error;
	for (size_t i = 0; i < near.count; i++) {
		const struct authlist_entry *o = &near.items[i];
		bool o_contains_e = prefix_contains(&o->prefix, &e->prefix), e_contains_o = prefix_contains(&e->prefix, &o->prefix);

		if (o->id == e->id)
			continue;
		/* an entry out of force (its LIR no longer holds the space) authorises nothing and
		 * stays only for the record: it must not stop the new holder's entries */
		rc = authlist_entry_in_force(st, o, &err);
		if (rc < 0)
			goto store_error;
		if (rc == 0)
			continue;
		if (o->action == e->action) {
			*refusal = conflict(e->action == AUTHLIST_ALLOW
						    ? "Rule 3: two allow entries of the same maintainer may not overlap"
						    : "Rule 3: two deny entries of the same maintainer may not overlap",
					    o);
			free(near.items);
			return 1;
		}
		if (e->action == AUTHLIST_ALLOW && o_contains_e) {
			*refusal = conflict("Rule 4: an allow may not equal or lie inside a deny of the same maintainer", o);
			free(near.items);
			return 1;
		}
		if (e->action == AUTHLIST_DENY && e_contains_o) {
			*refusal = conflict("Rule 5: a deny may not equal or contain an allow of the same maintainer", o);
			free(near.items);
			return 1;
		}
	}
	free(near.items);
	return 0;
store_error:
	free(near.items);
	*refusal = err;
	return -1;
}

static void actor_name(const struct authlist_actor *who, char *out, size_t size)
{
	if (who->is_staff)
		snprintf(out, size, "staff:%s", who->name[0] ? who->name : "registry");
	else
		snprintf(out, size, "lir:%s:%s", who->lir, who->name[0] ? who->name : "staff");
}

/* The row and its origin index rows; inside the caller's transaction. */
static int write_entry(struct store *st, const struct authlist_actor *who, const struct authlist_entry *e, bool is_new,
		       int64_t *id, char **err)
{
	sqlite3_stmt *ins = store_stmt(st, "INSERT INTO authlist(lir, family, first, length, prefix, action, mntner, origins,"
					   " remarks, created_by, created_at, modified_by, modified_at)"
					   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)");
	sqlite3_stmt *upd = store_stmt(st, "UPDATE authlist SET family = ?2, first = ?3, length = ?4, prefix = ?5, action = ?6,"
					   " mntner = ?7, origins = ?8, remarks = ?9, modified_by = ?10, modified_at = ?11,"
					   " flagged = NULL WHERE id = ?1");
	sqlite3_stmt *del_origins = store_stmt(st, "DELETE FROM authlist_origin WHERE entry = ?1");
	sqlite3_stmt *add_origin = store_stmt(st, "INSERT OR IGNORE INTO authlist_origin(asn, entry) VALUES (?1, ?2)");
	sqlite3_stmt *stmt = is_new ? ins : upd;
	struct strbuf origins;
	char p[PREFIX_STRLEN], by[160];
	int rc;

	strbuf_init(&origins);
	authlist_format_origins(e, &origins);
	prefix_format(&e->prefix, p);
	actor_name(who, by, sizeof(by));
	if (is_new)
		sqlite3_bind_text(stmt, 1, e->lir, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(stmt, 1, e->id);
	store_bind_prefix(stmt, 2, &e->prefix);
	sqlite3_bind_text(stmt, 5, p, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, authlist_action_name(e->action), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, e->mntner, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, origins.data, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 9, e->remarks, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 10, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 11, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	strbuf_release(&origins);
	if (rc != SQLITE_DONE)
		goto fail;
	*id = is_new ? store_last_insert_id(st) : e->id;
	sqlite3_bind_int64(del_origins, 1, *id);
	rc = sqlite3_step(del_origins);
	sqlite3_reset(del_origins);
	for (size_t i = 0; rc == SQLITE_DONE && i < e->origin_count; i++) {
		sqlite3_bind_int64(add_origin, 1, e->origins[i]);
		sqlite3_bind_int64(add_origin, 2, *id);
		rc = sqlite3_step(add_origin);
		sqlite3_reset(add_origin);
	}
	if (rc == SQLITE_DONE)
		return 0;
fail:
	*err = store_error(st, "writing the authorisation list");
	return -1;
}

/* LIR staff may touch only their own LIR's entries. 0 fine, 1 refused, -1 error. */
static int check_owner(struct store *st, const struct authlist_actor *who, int64_t id, struct authlist_entry *current,
		       char **refusal)
{
	int rc = authlist_get(st, id, current, refusal);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		*refusal = xasprintf("There is no authorisation list entry #%lld", (long long)id);
		return 1;
	}
	if (!who->is_staff && strcmp(current->lir, who->lir) != 0) {
		*refusal = xasprintf("Entry #%lld belongs to LIR %s; staff of LIR %s may change only their own entries",
				     (long long)id, current->lir, who->lir);
		return 1;
	}
	return 0;
}

static void normalise(struct authlist_entry *e)
{
	for (char *p = e->mntner; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

/*
 * Writes e (a new entry, or a change of entry e->id) in one transaction with the
 * marks of the routes it can affect: those under the old and the new prefix of its
 * old and new maintainer.
 */
static int save(struct store *st, const struct config *cfg, const struct authlist_actor *who, struct authlist_entry *e,
		bool is_new, int64_t *id, char **refusal)
{
	struct authlist_entry old;
	bool moved;
	int rc;

	if (store_tx_begin(st, refusal) < 0)
		return -1;
	/* the entry as it is now, read under the write lock: the marks to re-decide follow from it */
	rc = is_new ? 0 : authlist_get(st, e->id, &old, refusal);
	if (rc < 0)
		goto fail;
	if (!is_new && rc == 0) {
		*refusal = xasprintf("There is no authorisation list entry #%lld", (long long)e->id);
		rc = 1;
		goto fail;
	}
	rc = check_rules(st, cfg, who, e, refusal);
	if (rc != 0)
		goto fail;
	/* the old scope too when the change moved the entry to another prefix or maintainer */
	moved = !is_new && (strcmp(old.mntner, e->mntner) != 0 || !prefix_contains(&old.prefix, &e->prefix) ||
			    !prefix_contains(&e->prefix, &old.prefix));
	if (write_entry(st, who, e, is_new, id, refusal) < 0 ||
	    (moved && authlist_marks_refresh(st, cfg, old.mntner, &old.prefix, old.id, refusal) < 0) ||
	    authlist_marks_refresh(st, cfg, e->mntner, &e->prefix, *id, refusal) < 0 ||
	    store_tx_commit(st, refusal) < 0) {
		rc = -1;
		goto fail;
	}
	return 0;
fail:
	store_tx_rollback(st);
	return rc;
}

int authlist_add(struct store *st, const struct config *cfg, const struct authlist_actor *who,
		 const struct authlist_entry *e, int64_t *id, char **refusal)
{
	struct authlist_entry n = *e;
	struct lir_account acct;
	int rc;

	n.id = 0;
	if (!who->is_staff)
		snprintf(n.lir, sizeof(n.lir), "%s", who->lir);
	normalise(&n);
	rc = lir_get(st, n.lir, &acct, refusal);
	if (rc <= 0) {
		if (rc == 0)
			*refusal = xasprintf("There is no LIR account %s", n.lir);
		return rc < 0 ? -1 : 1;
	}
	return save(st, cfg, who, &n, true, id, refusal);
}

int authlist_change(struct store *st, const struct config *cfg, const struct authlist_actor *who,
		    const struct authlist_entry *e, char **refusal)
{
	struct authlist_entry current, n = *e;
	int64_t id;
	int rc = check_owner(st, who, e->id, &current, refusal);

	if (rc != 0)
		return rc;
	snprintf(n.lir, sizeof(n.lir), "%s", current.lir);
	normalise(&n);
	return save(st, cfg, who, &n, false, &id, refusal);
}

int authlist_delete(struct store *st, const struct config *cfg, const struct authlist_actor *who, int64_t id,
		    char **refusal)
{
	sqlite3_stmt *del = store_stmt(st, "DELETE FROM authlist WHERE id = ?1");
	sqlite3_stmt *del_origins = store_stmt(st, "DELETE FROM authlist_origin WHERE entry = ?1");
	struct authlist_entry current;
	int rc = check_owner(st, who, id, &current, refusal), s1, s2;

	if (rc != 0)
		return rc;
	if (store_tx_begin(st, refusal) < 0)
		return -1;
	/* read again under the write lock: the routes to re-decide are those under it as it is */
	rc = authlist_get(st, id, &current, refusal);
	if (rc <= 0) {
		if (rc == 0)
			*refusal = xasprintf("There is no authorisation list entry #%lld", (long long)id);
		store_tx_rollback(st);
		return rc < 0 ? -1 : 1;
	}
	sqlite3_bind_int64(del, 1, id);
	sqlite3_bind_int64(del_origins, 1, id);
	s1 = sqlite3_step(del);
	sqlite3_reset(del);
	s2 = sqlite3_step(del_origins);
	sqlite3_reset(del_origins);
	if (s1 != SQLITE_DONE || s2 != SQLITE_DONE) {
		*refusal = store_error(st, "deleting the entry");
		store_tx_rollback(st);
		return -1;
	}
	/* the routes it decided for: another entry decides now, or their mark goes */
	if (authlist_marks_refresh(st, cfg, current.mntner, &current.prefix, id, refusal) < 0 ||
	    store_tx_commit(st, refusal) < 0) {
		store_tx_rollback(st);
		return -1;
	}
	return 0;
}

/* ---- searching ---- */

static int cmp_prefix(const struct prefix *a, const struct prefix *b)
{
	int c = a->family - b->family;

	if (c == 0)
		c = memcmp(a->addr, b->addr, 16);
	if (c == 0)
		c = a->length - b->length;
	return c;
}

static int cmp_entries(const void *pa, const void *pb, void *arg)
{
	const struct authlist_entry *a = pa, *b = pb;
	enum authlist_sort sort_key = *(const enum authlist_sort *)arg;
	int c = 0;

	switch (sort_key) {
	case AUTHLIST_SORT_ID:
		break;
	case AUTHLIST_SORT_PREFIX:
		c = cmp_prefix(&a->prefix, &b->prefix);
		break;
	case AUTHLIST_SORT_MNTNER:
		c = strcmp(a->mntner, b->mntner);
		if (c == 0)
			c = cmp_prefix(&a->prefix, &b->prefix);
		break;
	case AUTHLIST_SORT_ORIGIN: {
		/* by the smallest AS listed; entries for any origin first */
		uint32_t x = a->origin_count ? a->origins[0] : 0, y = b->origin_count ? b->origins[0] : 0;

		for (size_t i = 1; i < a->origin_count; i++)
			x = a->origins[i] < x ? a->origins[i] : x;
		for (size_t i = 1; i < b->origin_count; i++)
			y = b->origins[i] < y ? b->origins[i] : y;
		c = (a->origin_count > 0) - (b->origin_count > 0);
		if (c == 0)
			c = x < y ? -1 : x > y;
		break;
	}
	}
	if (c == 0)
		c = a->id < b->id ? -1 : a->id > b->id;
	return c;
}

static bool matches(const struct authlist_query *q, const struct authlist_entry *e)
{
	if (q->lir && strcmp(e->lir, q->lir) != 0)
		return false;
	if (q->mntner && strcasecmp(e->mntner, q->mntner) != 0)
		return false;
	if (q->flagged_only && e->flagged[0] == '\0')
		return false;
	if (q->has_origin) {
		bool found = false;

		for (size_t i = 0; i < e->origin_count && !found; i++)
			found = e->origins[i] == q->origin;
		if (!found)
			return false;
	}
	if (q->has_prefix) {
		if (e->prefix.family != q->prefix.family)
			return false;
		switch (q->match) {
		case AUTHLIST_MATCH_EXACT:
			return cmp_prefix(&e->prefix, &q->prefix) == 0;
		case AUTHLIST_MATCH_LESS:
			return prefix_contains(&e->prefix, &q->prefix);
		case AUTHLIST_MATCH_MORE:
			return prefix_contains(&q->prefix, &e->prefix);
		}
	}
	return true;
}

int authlist_search(struct store *st, const struct authlist_query *q, struct authlist_entry **out, size_t *count,
		    char **err)
{
	struct entries got = { 0 };
	struct authlist_query upper = *q;
	char mntner[80];
	size_t kept = 0;
	int rc;

	/* maintainers are stored upper case */
	if (q->mntner != NULL) {
		size_t i;

		for (i = 0; q->mntner[i] && i + 1 < sizeof(mntner); i++)
			mntner[i] = (char)toupper((unsigned char)q->mntner[i]);
		mntner[i] = '\0';
		upper.mntner = mntner;
	}
	q = &upper;
	/* candidates from the most selective index, then every condition in C */
	if (q->has_prefix && q->match != AUTHLIST_MATCH_MORE) {
		rc = covering(st, q->mntner, &q->prefix, false, &got, err);
	} else if (q->has_prefix) {
		rc = more_specific(st, q->mntner, &q->prefix, &got, err);
	} else if (q->has_origin) {
		sqlite3_stmt *stmt = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist WHERE id IN"
						    " (SELECT entry FROM authlist_origin WHERE asn = ?1)");

		sqlite3_bind_int64(stmt, 1, q->origin);
		rc = collect(st, stmt, &got, err);
	} else if (q->mntner && q->limit > 0 && !q->lir && !q->flagged_only &&
		   (q->sort == AUTHLIST_SORT_PREFIX || q->sort == AUTHLIST_SORT_MNTNER)) {
		/* a page of a large maintainer's list, in prefix order: straight off the index */
		sqlite3_stmt *stmt = store_stmt(st, q->descending
			? "SELECT " ENTRY_COLUMNS " FROM authlist WHERE mntner = ?1 ORDER BY family DESC, first DESC, length DESC, id DESC LIMIT ?2"
			: "SELECT " ENTRY_COLUMNS " FROM authlist WHERE mntner = ?1 ORDER BY family, first, length, id LIMIT ?2");

		sqlite3_bind_text(stmt, 1, q->mntner, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)q->limit);
		rc = collect(st, stmt, &got, err);
	} else if (q->mntner) {
		sqlite3_stmt *stmt = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist WHERE mntner = ?1");

		sqlite3_bind_text(stmt, 1, q->mntner, -1, SQLITE_TRANSIENT);
		rc = collect(st, stmt, &got, err);
	} else if (q->lir) {
		sqlite3_stmt *stmt = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist WHERE lir = ?1");

		sqlite3_bind_text(stmt, 1, q->lir, -1, SQLITE_STATIC);
		rc = collect(st, stmt, &got, err);
	} else {
		rc = collect(st, store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM authlist"), &got, err);
	}
	if (rc < 0) {
		free(got.items);
		return -1;
	}
	for (size_t i = 0; i < got.count; i++) {
		if (matches(q, &got.items[i]))
			got.items[kept++] = got.items[i];
	}
	if (kept > 1)
		qsort_r(got.items, kept, sizeof(*got.items), cmp_entries, (void *)&q->sort);
	if (q->descending) {
		for (size_t i = 0; i < kept / 2; i++) {
			struct authlist_entry t = got.items[i];

			got.items[i] = got.items[kept - 1 - i];
			got.items[kept - 1 - i] = t;
		}
	}
	if (q->limit > 0 && kept > q->limit)
		kept = q->limit;
	*out = got.items;
	*count = kept;
	return 0;
}

void authlist_format_text(const struct authlist_entry *e, size_t count, struct strbuf *out)
{
	strbuf_printf(out, "# %-6s %-12s %-43s %-6s %-24s %s\n", "id", "lir", "prefix", "action", "maintainer", "origins");
	for (size_t i = 0; i < count; i++) {
		char p[PREFIX_STRLEN];

		prefix_format(&e[i].prefix, p);
		strbuf_printf(out, "%-8lld %-12s %-43s %-6s %-24s ", (long long)e[i].id, e[i].lir, p,
			      authlist_action_name(e[i].action), e[i].mntner);
		if (e[i].origin_count == 0)
			strbuf_append_str(out, "any");
		else
			authlist_format_origins(&e[i], out);
		if (e[i].flagged[0])
			strbuf_printf(out, "  # FLAGGED: %s", e[i].flagged);
		strbuf_append_char(out, '\n');
	}
}

json_t *authlist_entry_json(const struct authlist_entry *e)
{
	char p[PREFIX_STRLEN];
	json_t *origins = json_array();

	prefix_format(&e->prefix, p);
	for (size_t i = 0; i < e->origin_count; i++) {
		char a[24];

		snprintf(a, sizeof(a), "AS%u", e->origins[i]);
		json_array_append_new(origins, json_string(a));
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:s, s:I, s:s?}", "id", (json_int_t)e->id, "lir",
			 e->lir, "prefix", p, "action", authlist_action_name(e->action), "mntner", e->mntner, "origins",
			 origins, "remarks", e->remarks, "created_by", e->created_by, "created_at", (json_int_t)e->created_at,
			 "modified_by", e->modified_by, "modified_at", (json_int_t)e->modified_at, "flagged",
			 e->flagged[0] ? e->flagged : NULL);
}

/* ---- marks: "verified by authorisation list entry #N" follows the list ---- */

/* A route whose mark may change, read before any is written. */
struct mark_candidate {
	char cls[8];
	char *pkey, *text;
	bool has_mark;      /* a row in route_verification */
	int64_t entry;      /* its entry; 0: the registry staff override */
};

struct mark_candidates {
	struct mark_candidate *items;
	size_t count, cap;
};

static void candidates_free(struct mark_candidates *c)
{
	for (size_t i = 0; i < c->count; i++) {
		free(c->items[i].pkey);
		free(c->items[i].text);
	}
	free(c->items);
}

/* Rows of (class, pkey, text, has_mark, entry). Returns 0 or -1 with *err. */
static int collect_candidates(struct store *st, sqlite3_stmt *stmt, struct mark_candidates *out, char **err)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct mark_candidate *m;

		out->items = xgrow(out->items, &out->cap, out->count + 1, sizeof(*out->items));
		m = &out->items[out->count++];
		snprintf(m->cls, sizeof(m->cls), "%s", store_column_text(stmt, 0));
		m->pkey = xstrdup(store_column_text(stmt, 1));
		m->text = xstrdup(store_column_text(stmt, 2));
		m->has_mark = sqlite3_column_int(stmt, 3) != 0;
		m->entry = sqlite3_column_int64(stmt, 4);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "reading the route objects whose marks follow the list");
		return -1;
	}
	return 0;
}

/* authlist_decide's view of authentication when a mark is kept: only the marked entry's maintainer counts. */
static bool is_that_mntner(void *ctx, const char *mntner)
{
	return strcasecmp(ctx, mntner) == 0;
}

/* Re-decides one route and writes its mark. 0, or -1 with *err. */
static int refresh_one(struct store *st, const struct config *cfg, sqlite3_int64 source_id, const struct mark_candidate *m,
		       char **err)
{
	sqlite3_stmt *put = store_stmt(st, "INSERT OR REPLACE INTO route_verification(source_id, class, pkey, entry, verified_at)"
					   " VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_stmt *del = store_stmt(st, "DELETE FROM route_verification WHERE source_id = ?1 AND class = ?2 AND pkey = ?3");
	struct rpsl_object *o = rpsl_parse_object(m->text, strlen(m->text), 1, RPSL_TOLERANT);
	struct authlist_entry marked;
	struct strbuf why;
	int64_t entry = 0;
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	strbuf_init(&why);
	/* an object the store holds but we cannot read as a route keeps what it has */
	if (o == NULL || !o->has_prefix || !o->has_origin)
		goto out;
	/* the marked entry's maintainer first: its (possibly changed) entry keeps the mark if it still allows the route */
	if (m->has_mark && m->entry > 0) {
		rc = authlist_get(st, m->entry, &marked, err);
		if (rc < 0)
			goto out;
		if (rc == 1)
			rc = authlist_decide(st, cfg, o, -1, is_that_mntner, marked.mntner, &entry, &why);
		if (rc < 0)
			goto fail;
	}
	if (rc != 1) {
		strbuf_reset(&why);
		rc = authlist_decide(st, cfg, o, -1, NULL, NULL, &entry, &why);
		if (rc < 0)
			goto fail;
	}
	rc = 0;
	if (entry > 0 && !(m->has_mark && m->entry == entry)) {
		stmt = put;
		sqlite3_bind_int64(put, 4, entry);
		sqlite3_bind_int64(put, 5, (sqlite3_int64)time(NULL));
	} else if (entry == 0 && m->has_mark && m->entry > 0) {
		/* refused, or accepted unmarked (space nobody holds): the verification no longer holds */
		stmt = del;
	}
	/* else unchanged: the same entry, or an override mark the list does not replace */
	if (stmt != NULL) {
		sqlite3_bind_int64(stmt, 1, source_id);
		sqlite3_bind_text(stmt, 2, m->cls, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, m->pkey, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
		sqlite3_reset(stmt);
		if (rc < 0)
			*err = store_error(st, "writing the mark of a route");
	}
	goto out;
fail:
	/* authlist_decide put the store's error into why */
	*err = strbuf_detach(&why, NULL);
	strbuf_init(&why);
	rc = -1;
out:
	strbuf_release(&why);
	rpsl_object_free(o);
	return rc;
}

static int refresh_all(struct store *st, const struct config *cfg, sqlite3_int64 source_id,
		       const struct mark_candidates *c, char **err)
{
	for (size_t i = 0; i < c->count; i++) {
		if (refresh_one(st, cfg, source_id, &c->items[i], err) < 0)
			return -1;
	}
	return 0;
}

#define CANDIDATE_COLUMNS "o.class, o.pkey, o.text, v.verified_at IS NOT NULL, coalesce(v.entry, 0)"
#define CANDIDATE_MARK                                                                                              \
	" LEFT JOIN route_verification v ON v.source_id = o.source_id AND v.class = o.class AND v.pkey = o.pkey"

int authlist_marks_refresh(struct store *st, const struct config *cfg, const char *mntner, const struct prefix *p,
			   int64_t entry, char **err)
{
	/* routes under p (prefix_index), maintained by mntner (attr_index holds mnt-by upper case) or marked
	 * by entry: a mark only ever names an entry covering the route, and every change of an entry's
	 * prefix comes through here, so the routes it marks lie under its prefix */
	sqlite3_stmt *stmt = store_stmt(st, "SELECT " CANDIDATE_COLUMNS " FROM prefix_index x JOIN objects o ON o.id = x.object_id"
					    CANDIDATE_MARK
					    " WHERE x.source_id = ?1 AND x.family = ?2 AND x.first BETWEEN ?3 AND ?4 AND x.length >= ?5"
					    " AND x.class IN ('route', 'route6')"
					    " AND (v.entry = ?6 OR EXISTS (SELECT 1 FROM attr_index a WHERE a.source_id = ?1"
					    " AND a.attr = 'mnt-by' AND a.value = ?7 AND a.object_id = o.id))");
	struct mark_candidates c = { 0 };
	struct addr_range r;
	size_t n = prefix_addr_bytes(p->family);
	char upper[80];
	sqlite3_int64 source_id = store_source_id(st, cfg->source, err);
	int rc;

	if (source_id <= 0)
		return (int)source_id;
	snprintf(upper, sizeof(upper), "%s", mntner);
	for (char *q = upper; *q; q++)
		*q = (char)toupper((unsigned char)*q);
	prefix_to_range(p, &r);
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int(stmt, 2, p->family);
	sqlite3_bind_blob(stmt, 3, r.first, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 4, r.last, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 5, p->length);
	sqlite3_bind_int64(stmt, 6, entry);
	sqlite3_bind_text(stmt, 7, upper, -1, SQLITE_TRANSIENT);
	rc = collect_candidates(st, stmt, &c, err);
	if (rc == 0)
		rc = refresh_all(st, cfg, source_id, &c, err);
	candidates_free(&c);
	return rc;
}

int authlist_marks_refresh_blocks(struct store *st, const struct config *cfg, const struct prefix *blocks, size_t n,
				  char **err)
{
	/* a block that changes holder puts the entries inside it in or out of force: their routes follow */
	for (size_t b = 0; b < n; b++) {
		struct entries inside = { 0 };

		if (more_specific(st, NULL, &blocks[b], &inside, err) < 0) {
			free(inside.items);
			return -1;
		}
		for (size_t i = 0; i < inside.count; i++) {
			const struct authlist_entry *e = &inside.items[i];

			if (authlist_marks_refresh(st, cfg, e->mntner, &e->prefix, e->id, err) < 0) {
				free(inside.items);
				return -1;
			}
		}
		free(inside.items);
	}
	return 0;
}

int authlist_marks_refresh_route(struct store *st, const struct config *cfg, const char *cls, const char *pkey,
				 char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT " CANDIDATE_COLUMNS " FROM objects o" CANDIDATE_MARK
					    " WHERE o.source_id = ?1 AND o.class = ?2 AND o.pkey = ?3");
	struct mark_candidates c = { 0 };
	sqlite3_int64 source_id = store_source_id(st, cfg->source, err);
	int rc;

	if (source_id <= 0)
		return (int)source_id;
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_text(stmt, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, pkey, -1, SQLITE_STATIC);
	rc = collect_candidates(st, stmt, &c, err);
	if (rc == 0)
		rc = refresh_all(st, cfg, source_id, &c, err);
	candidates_free(&c);
	return rc;
}

int authlist_marks_refresh_all(struct store *st, const struct config *cfg, char **err)
{
	/* marks of routes the reload removed go with them */
	sqlite3_stmt *orphans = store_stmt(st, "DELETE FROM route_verification WHERE source_id = ?1 AND NOT EXISTS"
					       " (SELECT 1 FROM objects o WHERE o.source_id = route_verification.source_id"
					       " AND o.class = route_verification.class AND o.pkey = route_verification.pkey)");
	sqlite3_stmt *stmt = store_stmt(st, "SELECT " CANDIDATE_COLUMNS " FROM objects o" CANDIDATE_MARK
					    " WHERE o.source_id = ?1 AND o.class IN ('route', 'route6') AND v.verified_at IS NOT NULL");
	struct mark_candidates c = { 0 };
	sqlite3_int64 source_id = store_source_id(st, cfg->source, err);
	int rc;

	if (source_id <= 0)
		return (int)source_id;
	sqlite3_bind_int64(orphans, 1, source_id);
	rc = sqlite3_step(orphans);
	sqlite3_reset(orphans);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "removing the marks of routes that are gone");
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, source_id);
	rc = collect_candidates(st, stmt, &c, err);
	if (rc == 0)
		rc = refresh_all(st, cfg, source_id, &c, err);
	candidates_free(&c);
	return rc;
}
