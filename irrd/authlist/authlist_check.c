/*
 * The consistency check, in memory: allocations and entries go into hash tables
 * keyed by (maintainer, block), so each route costs one probe per prefix length and
 * maintainer instead of SQL round trips (the same decision as authlist_decide).
 */
#include "authlist_check.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alloc.h"
#include "authlist.h"
#include "log.h"
#include "mntner_contact.h"
#include "notify.h"
#include "rpsl_object.h"
#include "rpsl_parse.h"
#include "timefmt.h"
#include "xalloc.h"


/* ---- a hash of (owner, block) -> index ---- */

struct block_key {
	uint32_t owner;     /* interned maintainer (entries), 0 for allocations and "any entry" */
	uint8_t family, length;
	uint8_t addr[16];
};

struct block_slot {
	struct block_key key;
	int32_t value;      /* -1: empty */
};

struct block_map {
	struct block_slot *slots;
	size_t mask, used;
};

static uint64_t key_hash(const struct block_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static void map_init(struct block_map *m, size_t expected)
{
	size_t n = 64;

	while (n < expected * 2)
		n <<= 1;
	m->slots = xmalloc(n * sizeof(*m->slots));
	for (size_t i = 0; i < n; i++)
		m->slots[i].value = -1;
	m->mask = n - 1;
	m->used = 0;
}

/* Inserts when absent (the first value wins); returns the stored value. */
static int32_t map_put(struct block_map *m, const struct block_key *k, int32_t value)
{
	size_t i = key_hash(k) & m->mask;

	while (m->slots[i].value >= 0) {
		if (memcmp(&m->slots[i].key, k, sizeof(*k)) == 0)
			return m->slots[i].value;
		i = (i + 1) & m->mask;
	}
	m->slots[i].key = *k;
	m->slots[i].value = value;
	m->used++;
	return value;
}

static int32_t map_get(const struct block_map *m, const struct block_key *k)
{
	size_t i = key_hash(k) & m->mask;

	while (m->slots[i].value >= 0) {
		if (memcmp(&m->slots[i].key, k, sizeof(*k)) == 0)
			return m->slots[i].value;
		i = (i + 1) & m->mask;
	}
	return -1;
}

static struct block_key make_key(uint32_t owner, const struct prefix *p)
{
	struct block_key k;

	memset(&k, 0, sizeof(k));
	k.owner = owner;
	k.family = p->family;
	k.length = p->length;
	memcpy(k.addr, p->addr, 16);
	return k;
}

/* ---- interned maintainer names ---- */

struct names {
	char (*items)[80];
	size_t count, cap;
	uint32_t *table;   /* open addressing over items, index + 1; 0 empty */
	size_t mask;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)toupper((unsigned char)*s)) * 1099511628211ull;
	return h;
}

/* The id (1-based) of a name; 0 when absent and !add. */
static uint32_t name_id(struct names *n, const char *name, bool add)
{
	size_t i;

	if (n->table == NULL) {
		n->mask = 4095;
		n->table = xcalloc(n->mask + 1, sizeof(*n->table));
	}
	if (add && (n->count + 1) * 2 > n->mask + 1) {
		size_t size = (n->mask + 1) * 2;

		free(n->table);
		n->table = xcalloc(size, sizeof(*n->table));
		n->mask = size - 1;
		for (size_t k = 0; k < n->count; k++) {
			i = str_hash(n->items[k]) & n->mask;
			while (n->table[i])
				i = (i + 1) & n->mask;
			n->table[i] = (uint32_t)k + 1;
		}
	}
	i = str_hash(name) & n->mask;
	while (n->table[i]) {
		if (strcasecmp(n->items[n->table[i] - 1], name) == 0)
			return n->table[i];
		i = (i + 1) & n->mask;
	}
	if (!add)
		return 0;
	n->items = xgrow(n->items, &n->cap, n->count + 1, sizeof(*n->items));
	snprintf(n->items[n->count], sizeof(n->items[0]), "%s", name);
	n->table[i] = (uint32_t)++n->count;
	return n->table[i];
}

/* ---- findings ---- */

struct finding {
	char lir[LIR_ID_SIZE];
	uint32_t *mntners;  /* interned: the entry's maintainer, or the route's mnt-by (every one of them) */
	size_t mntner_count;
	int64_t entry;      /* entry findings */
	char *route;        /* route findings: the primary key */
	char *reason;
};

/* A route whose verified mark names an entry that no longer allows it. */
struct stale_mark {
	char cls[8];
	char *pkey;
};

struct check {
	struct store *st;
	const struct config *cfg;
	struct allocation *allocs;
	size_t alloc_count;
	struct authlist_entry *entries;
	bool *in_force;     /* per entry: inside an allocation of its LIR, or entered by registry staff */
	size_t entry_count;
	struct block_map alloc_map, entry_map, any_map;
	struct names mntners;
	struct finding *findings;
	size_t finding_count, finding_cap;
	struct stale_mark *stale;
	size_t stale_count, stale_cap;
};

static void add_finding(struct check *c, const char *lir, const uint32_t *mntners, size_t mntner_count, int64_t entry,
			const char *route, char *reason)
{
	struct finding *f;

	c->findings = xgrow(c->findings, &c->finding_cap, c->finding_count + 1, sizeof(*c->findings));
	f = &c->findings[c->finding_count++];
	memset(f, 0, sizeof(*f));
	snprintf(f->lir, sizeof(f->lir), "%s", lir ? lir : "");
	if (mntner_count > 0) {
		f->mntners = xmalloc(mntner_count * sizeof(*f->mntners));
		memcpy(f->mntners, mntners, mntner_count * sizeof(*f->mntners));
		f->mntner_count = mntner_count;
	}
	f->entry = entry;
	f->route = route ? xstrdup(route) : NULL;
	f->reason = reason;
}

static const char *mntner_name(const struct check *c, uint32_t id)
{
	return c->mntners.items[id - 1];
}

/* "MNT1, MNT2": a finding's maintainers as the report and the JSON name them. */
static void format_mntners(const struct check *c, const struct finding *f, struct strbuf *out)
{
	for (size_t i = 0; i < f->mntner_count; i++)
		strbuf_printf(out, "%s%s", i ? ", " : "", mntner_name(c, f->mntners[i]));
}

/* The most specific allocation holding p (of lir, or any when lir is NULL), or NULL. */
static const struct allocation *holder(const struct check *c, const struct prefix *p, const char *lir)
{
	for (int len = p->length; len >= 0; len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		struct block_key k = make_key(0, &t);
		int32_t v = map_get(&c->alloc_map, &k);

		if (v >= 0 && (lir == NULL || strcmp(c->allocs[v].lir, lir) == 0))
			return &c->allocs[v];
	}
	return NULL;
}

/*
 * The deciding entry of a maintainer, as authlist_deciding_entry: the most specific one
 * in force; *outside gets the most specific one out of force (NULL: none).
 */
static const struct authlist_entry *deciding(const struct check *c, uint32_t mntner, const struct prefix *p,
					     const struct authlist_entry **outside)
{
	*outside = NULL;
	for (int len = p->length; len >= 0; len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		struct block_key k = make_key(mntner, &t);
		int32_t v = map_get(&c->entry_map, &k);

		/* entries in force went into the map first, so an equal one out of force never hides them */
		if (v >= 0 && c->in_force[v])
			return &c->entries[v];
		if (v >= 0 && *outside == NULL)
			*outside = &c->entries[v];
	}
	return NULL;
}

static bool any_entry_covers(const struct check *c, const struct prefix *p)
{
	for (int len = p->length; len >= 0; len--) {
		struct prefix t = prefix_truncate(p, (unsigned)len);
		struct block_key k = make_key(0, &t);

		if (map_get(&c->any_map, &k) >= 0)
			return true;
	}
	return false;
}

static int load(struct check *c, char **err)
{
	struct authlist_query all = { .sort = AUTHLIST_SORT_ID };

	if (alloc_list(c->st, NULL, &c->allocs, &c->alloc_count, err) < 0 ||
	    authlist_search(c->st, &all, &c->entries, &c->entry_count, err) < 0)
		return -1;
	map_init(&c->alloc_map, c->alloc_count);
	map_init(&c->entry_map, c->entry_count);
	map_init(&c->any_map, c->entry_count);
	for (size_t i = 0; i < c->alloc_count; i++) {
		struct block_key k = make_key(0, &c->allocs[i].block);

		map_put(&c->alloc_map, &k, (int32_t)i);
	}
	/* the rule of authlist_entry_in_force, from the map */
	c->in_force = xcalloc(c->entry_count ? c->entry_count : 1, sizeof(*c->in_force));
	for (size_t i = 0; i < c->entry_count; i++)
		c->in_force[i] = authlist_entry_is_staff(&c->entries[i]) ||
				 holder(c, &c->entries[i].prefix, c->entries[i].lir) != NULL;
	/* entries in force first: where one and an entry out of force have the same key, it decides */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < c->entry_count; i++) {
			struct block_key k, any;

			if (c->in_force[i] != (pass == 0))
				continue;
			k = make_key(name_id(&c->mntners, c->entries[i].mntner, true), &c->entries[i].prefix);
			any = make_key(0, &c->entries[i].prefix);
			map_put(&c->entry_map, &k, (int32_t)i);
			map_put(&c->any_map, &any, (int32_t)i);
		}
	}
	return 0;
}

/* 1. Entries outside their LIR's allocations: flag them, unflag the rest. */
static int check_entries(struct check *c, struct authlist_check_result *res, char **err)
{
	sqlite3_stmt *flag = store_stmt(c->st, "UPDATE authlist SET flagged = ?2 WHERE id = ?1");
	int rc = 0;

	if (store_tx_begin(c->st, err) < 0)
		return -1;
	for (size_t i = 0; i < c->entry_count && rc == 0; i++) {
		struct authlist_entry *e = &c->entries[i];
		/* in force: see load (registry staff enter PI and multihoming space outside allocations on purpose) */
		bool outside = !c->in_force[i];
		uint32_t mntner = name_id(&c->mntners, e->mntner, true);
		char why[256] = "";
		int step = SQLITE_DONE;

		res->entries_checked++;
		if (outside) {
			char p[PREFIX_STRLEN];
			struct strbuf reason;

			prefix_format(&e->prefix, p);
			snprintf(why, sizeof(why), "%s is no longer inside an allocation of LIR %s", p, e->lir);
			strbuf_init(&reason);
			strbuf_append_str(&reason, "entry ");
			authlist_describe(e, &reason);
			strbuf_printf(&reason, ": %s", why);
			add_finding(c, e->lir, &mntner, 1, e->id, NULL, strbuf_detach(&reason, NULL));
			res->entries_flagged++;
		}
		if (outside && strcmp(e->flagged, why) != 0) {
			res->entries_newly_flagged++;
			sqlite3_bind_int64(flag, 1, e->id);
			sqlite3_bind_text(flag, 2, why, -1, SQLITE_TRANSIENT);
			step = sqlite3_step(flag);
			sqlite3_reset(flag);
		} else if (!outside && e->flagged[0]) {
			res->entries_unflagged++;
			sqlite3_bind_int64(flag, 1, e->id);
			sqlite3_bind_null(flag, 2);
			step = sqlite3_step(flag);
			sqlite3_reset(flag);
		}
		if (step != SQLITE_DONE) {
			*err = store_error(c->st, "flagging entries");
			rc = -1;
		}
	}
	if (rc == 0 && store_tx_commit(c->st, err) < 0)
		rc = -1;
	if (rc < 0)
		store_tx_rollback(c->st);
	return rc;
}

/*
 * The decision of authlist_decide, without authentication, from the maps: NULL when
 * the list accepts the route, else why. names/n: its mnt-by. *lir_out: the holder of
 * the space, else the LIR of the first deciding entry. *mark_ok: marked (a verified
 * mark's entry) is the deciding entry of one of the maintainers and allows the route.
 */
static char *route_refusal(struct check *c, const struct rpsl_object *o, char names[][MAX_PRIMARY_KEY_LENGTH], size_t n,
			   int64_t marked, bool *mark_ok, char *lir_out, size_t lir_size)
{
	const struct allocation *a = holder(c, &o->prefix, NULL);
	char p[PREFIX_STRLEN];
	struct strbuf why;
	bool accepted = false;

	*mark_ok = false;
	prefix_format(&o->prefix, p);
	snprintf(lir_out, lir_size, "%s", a ? a->lir : "");
	if (a == NULL && !any_entry_covers(c, &o->prefix))
		return c->cfg->authlist_allow_unallocated ? NULL
							  : xasprintf("no LIR holds %s and no authorisation list entry covers it", p);
	strbuf_init(&why);
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		uint32_t id = name_id(&c->mntners, name, false);
		const struct authlist_entry *outside = NULL, *e = id ? deciding(c, id, &o->prefix, &outside) : NULL;

		if (e != NULL && e->action == AUTHLIST_ALLOW && authlist_origin_allowed(e, o->origin)) {
			accepted = true;
			*mark_ok = *mark_ok || e->id == marked;
			continue;
		}
		if (lir_out[0] == '\0' && (e != NULL || outside != NULL))
			snprintf(lir_out, lir_size, "%s", e ? e->lir : outside->lir);
		strbuf_printf(&why, "%s%s: ", why.len ? "; " : "", name);
		if (e == NULL && outside != NULL) {
			strbuf_printf(&why, "entry #%lld of LIR %s is outside that LIR's current allocations and authorises nothing",
				      (long long)outside->id, outside->lir);
		} else if (e == NULL) {
			strbuf_printf(&why, "no entry of %s covers %s", name, p);
		} else if (e->action == AUTHLIST_DENY) {
			strbuf_append_str(&why, "denied by entry ");
			authlist_describe(e, &why);
		} else {
			strbuf_printf(&why, "origin AS%u is not in the list of entry #%lld (allowed: ", o->origin,
				      (long long)e->id);
			authlist_format_origins(e, &why);
			strbuf_append_char(&why, ')');
		}
	}
	if (accepted) {
		strbuf_release(&why);
		return NULL;
	}
	if (why.len == 0)
		strbuf_append_str(&why, "the object has no mnt-by");
	return strbuf_detach(&why, NULL);
}

/* 2. Route objects of our source the list would refuse now, and verified marks that no longer hold. */
static int check_routes(struct check *c, struct authlist_check_result *res, char **err)
{
	sqlite3_stmt *stmt = store_stmt(c->st, "SELECT o.class, o.pkey, o.text, v.verified_at IS NOT NULL, coalesce(v.entry, 0)"
					       " FROM objects o JOIN sources s ON s.id = o.source_id"
					       " LEFT JOIN route_verification v ON v.source_id = o.source_id AND v.class = o.class"
					       " AND v.pkey = o.pkey"
					       " WHERE s.name = ?1 AND o.class IN ('route', 'route6')");
	int rc;

	sqlite3_bind_text(stmt, 1, c->cfg->source, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *cls = (const char *)sqlite3_column_text(stmt, 0);
		const char *pkey = (const char *)sqlite3_column_text(stmt, 1);
		const char *text = (const char *)sqlite3_column_text(stmt, 2);
		bool has_mark = sqlite3_column_int(stmt, 3) != 0, mark_ok;
		int64_t marked = sqlite3_column_int64(stmt, 4);
		struct rpsl_object *o = rpsl_parse_object(text, (size_t)sqlite3_column_bytes(stmt, 2), 1, RPSL_TOLERANT);
		char names[MAX_ROUTE_MNTNERS][MAX_PRIMARY_KEY_LENGTH], lir[LIR_ID_SIZE], *why;
		uint32_t ids[MAX_ROUTE_MNTNERS];
		size_t n;

		res->routes_checked++;
		if (o == NULL || !o->has_prefix || !o->has_origin) {
			rpsl_object_free(o);
			continue;
		}
		n = rpsl_object_list_items(o, "mnt-by", names, MAX_ROUTE_MNTNERS);
		why = route_refusal(c, o, names, n, marked, &mark_ok, lir, sizeof(lir));
		if (why != NULL) {
			/* every maintainer of the route is named and told, whoever holds the space (or nobody) */
			for (size_t i = 0; i < n; i++)
				ids[i] = name_id(&c->mntners, names[i], true);
			add_finding(c, lir, ids, n, 0, pkey, why);
			res->routes_refused++;
		}
		if (has_mark && marked > 0 && !mark_ok) {
			struct stale_mark *m;

			c->stale = xgrow(c->stale, &c->stale_cap, c->stale_count + 1, sizeof(*c->stale));
			m = &c->stale[c->stale_count++];
			snprintf(m->cls, sizeof(m->cls), "%s", cls);
			m->pkey = xstrdup(pkey);
		}
		rpsl_object_free(o);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(c->st, "reading route objects");
		return -1;
	}
	return 0;
}

/*
 * Verified marks naming an entry that no longer allows the route: every change of the
 * list and the allocations re-decides marks at once, so these come from routes whose
 * mnt-by changed, or from before marks followed the list. Re-decided from the store
 * under the write lock (the list may have changed since the scan).
 */
static int fix_stale_marks(struct check *c, struct authlist_check_result *res, char **err)
{
	int rc = 0;

	if (c->stale_count == 0)
		return 0;
	if (store_tx_begin(c->st, err) < 0)
		return -1;
	for (size_t i = 0; i < c->stale_count && rc == 0; i++)
		rc = authlist_marks_refresh_route(c->st, c->cfg, c->stale[i].cls, c->stale[i].pkey, err);
	if (rc == 0 && store_tx_commit(c->st, err) < 0)
		rc = -1;
	if (rc < 0)
		store_tx_rollback(c->st);
	else
		res->marks_redecided = c->stale_count;
	return rc;
}

static void finding_line(const struct check *c, const struct finding *f, struct strbuf *out)
{
	if (f->route == NULL) {
		strbuf_printf(out, "%s\n", f->reason);
		return;
	}
	strbuf_printf(out, "route %s (", f->route);
	if (f->mntner_count > 0) {
		strbuf_append_str(out, "mnt-by ");
		format_mntners(c, f, out);
	} else {
		strbuf_append_str(out, "no mnt-by");
	}
	strbuf_printf(out, "): the list would refuse it now: %s\n", f->reason);
}

static int by_lir(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->lir, y->lir);

	return c ? c : (x->route != NULL) - (y->route != NULL);
}

/* The per-maintainer view: one row per (maintainer, finding), a route with two maintainers in both groups. */
struct by_mntner_row {
	const char *mntner;
	const struct finding *f;
};

static int by_mntner(const void *a, const void *b)
{
	const struct by_mntner_row *x = a, *y = b;
	int c = strcmp(x->mntner, y->mntner);

	return c ? c : (x->f->route != NULL) - (y->f->route != NULL);
}

/* One mail per recipient group; addresses come from our records and are re-validated by sendmail's caller. */
static void notify_group(const struct check *c, const char *to_list, const char *what, const struct strbuf *lines,
			 size_t n, struct authlist_check_result *res)
{
	char *copy = xstrdup(to_list), *save = NULL;
	struct strbuf subject, body;

	/* one text for every address of the group */
	strbuf_init(&subject);
	strbuf_init(&body);
	strbuf_printf(&subject, "%s authorisation list check: %zu finding%s for %s", c->cfg->source, n, n == 1 ? "" : "s",
		      what);
	strbuf_printf(&body, "The periodic check of the %s authorisation list found the following for %s.\n"
			     "Nothing was changed or deleted: entries are flagged, route objects stay as they are.\n"
			     "Please correct the list or the objects.\n\n",
		      c->cfg->source, what);
	strbuf_append(&body, lines->data, lines->len);
	/* through the queue: a mail sendmail refuses now is retried by irrd, not lost */
	for (char *to = strtok_r(copy, " ,", &save); to; to = strtok_r(NULL, " ,", &save)) {
		char *err = NULL;
		int sent = notify_queue_text(c->st, c->cfg, to, subject.data, body.data, body.len, &err);

		if (sent >= 0)
			res->notifications++;
		if (sent > 0)
			log_warn("authorisation list check: mail to %s queued for a retry (sendmail failed)", to);
		else if (sent < 0)
			log_error("authorisation list check: mail to %s: %s", to, err);
		free(err);
	}
	strbuf_release(&subject);
	strbuf_release(&body);
	free(copy);
}

static json_t *finding_json(const struct check *c, const struct finding *f)
{
	json_t *names = json_array();
	struct strbuf joined;
	json_t *j;

	strbuf_init(&joined);
	format_mntners(c, f, &joined);
	for (size_t i = 0; i < f->mntner_count; i++)
		json_array_append_new(names, json_string(mntner_name(c, f->mntners[i])));
	j = json_pack("{s:s, s:s, s:s, s:o, s:I, s:s?, s:s}", "kind", f->route ? "route" : "entry", "lir", f->lir,
		      "mntner", joined.data, "mntners", names, "entry", (json_int_t)f->entry, "route", f->route, "reason",
		      f->reason);
	strbuf_release(&joined);
	return j;
}

/* The report per LIR and per maintainer, mailing each group when asked. */
static void report(struct check *c, unsigned parts, struct authlist_check_result *res)
{
	bool notify = parts & AUTHLIST_CHECK_NOTIFY, text = parts & AUTHLIST_CHECK_REPORT;
	struct strbuf discard, lines, *out = text ? &res->report : &discard;
	struct by_mntner_row *rows = NULL;
	size_t row_count = 0, row_cap = 0;
	char when[TIMEFMT_UTC_SIZE];

	strbuf_init(&discard);
	strbuf_init(&lines);

	timefmt_utc(time(NULL), when);
	strbuf_printf(out, "Authorisation list consistency check of %s, %s\n", c->cfg->source, when);
	strbuf_printf(out, "entries checked: %zu; outside their LIR's allocations: %zu (newly flagged %zu, no longer flagged %zu)\n",
		      res->entries_checked, res->entries_flagged, res->entries_newly_flagged, res->entries_unflagged);
	strbuf_printf(out, "route objects checked: %zu; that the list would now refuse: %zu\n", res->routes_checked,
		      res->routes_refused);
	if (res->marks_redecided > 0)
		strbuf_printf(out, "verified marks that named an entry no longer allowing the route, re-decided: %zu\n",
			      res->marks_redecided);
	res->findings = parts & AUTHLIST_CHECK_FINDINGS ? json_array() : NULL;
	if (c->finding_count > 1)
		qsort(c->findings, c->finding_count, sizeof(*c->findings), by_lir);
	for (size_t i = 0; i < c->finding_count;) {
		size_t j = i;
		struct lir_account acct;
		char *err = NULL;
		bool known;

		while (j < c->finding_count && strcmp(c->findings[j].lir, c->findings[i].lir) == 0)
			j++;
		known = c->findings[i].lir[0] && lir_get(c->st, c->findings[i].lir, &acct, &err) == 1;
		free(err);
		strbuf_printf(out, "\n== LIR %s%s%s%s\n", c->findings[i].lir[0] ? c->findings[i].lir : "(none: space nobody holds)",
			      known ? " (" : "", known ? acct.name : "", known ? ")" : "");
		strbuf_reset(&lines);
		for (size_t k = i; k < j; k++) {
			const struct finding *f = &c->findings[k];

			if (text || (notify && known))
				finding_line(c, f, &lines);
			if (res->findings != NULL)
				json_array_append_new(res->findings, finding_json(c, f));
		}
		if (text)
			strbuf_append(out, lines.data, lines.len);
		if (notify && known) {
			char what[160];

			snprintf(what, sizeof(what), "LIR %s", acct.id);
			notify_group(c, acct.emails, what, &lines, j - i, res);
		}
		i = j;
	}
	/* every maintainer a finding names: the entry's, or each one in the route's mnt-by */
	for (size_t i = 0; i < c->finding_count; i++) {
		for (size_t k = 0; k < c->findings[i].mntner_count; k++) {
			rows = xgrow(rows, &row_cap, row_count + 1, sizeof(*rows));
			rows[row_count].mntner = mntner_name(c, c->findings[i].mntners[k]);
			rows[row_count++].f = &c->findings[i];
		}
	}
	if (row_count > 1)
		qsort(rows, row_count, sizeof(*rows), by_mntner);
	for (size_t i = 0; i < row_count;) {
		size_t j = i;

		while (j < row_count && strcmp(rows[j].mntner, rows[i].mntner) == 0)
			j++;
		strbuf_printf(out, "\n== maintainer %s\n", rows[i].mntner);
		strbuf_reset(&lines);
		for (size_t k = i; (text || notify) && k < j; k++)
			finding_line(c, rows[k].f, &lines);
		if (text)
			strbuf_append(out, lines.data, lines.len);
		if (notify) {
			char *to = mntner_upd_to(c->st, c->cfg, rows[i].mntner);
			char what[160];

			snprintf(what, sizeof(what), "maintainer %s", rows[i].mntner);
			if (to != NULL && to[0])
				notify_group(c, to, what, &lines, j - i, res);
			free(to);
		}
		i = j;
	}
	free(rows);
	strbuf_release(&lines);
	strbuf_release(&discard);
}

int authlist_check(struct store *st, const struct config *cfg, unsigned what, struct authlist_check_result *res,
		   char **err)
{
	struct check c = { .st = st, .cfg = cfg };
	int rc = -1;

	memset(res, 0, sizeof(*res));
	strbuf_init(&res->report);
	if (load(&c, err) < 0 || check_entries(&c, res, err) < 0 || check_routes(&c, res, err) < 0 ||
	    fix_stale_marks(&c, res, err) < 0)
		goto out;
	report(&c, what, res);
	rc = 0;
out:
	for (size_t i = 0; i < c.finding_count; i++) {
		free(c.findings[i].mntners);
		free(c.findings[i].route);
		free(c.findings[i].reason);
	}
	for (size_t i = 0; i < c.stale_count; i++)
		free(c.stale[i].pkey);
	free(c.stale);
	free(c.findings);
	free(c.allocs);
	free(c.entries);
	free(c.in_force);
	free(c.alloc_map.slots);
	free(c.entry_map.slots);
	free(c.any_map.slots);
	free(c.mntners.items);
	free(c.mntners.table);
	return rc;
}

void authlist_check_result_release(struct authlist_check_result *res)
{
	strbuf_release(&res->report);
	json_decref(res->findings);
	res->findings = NULL;
}
