/* The origin index; see origin_index.h. */
#include <stdlib.h>
#include <string.h>

#include "asn.h"
#include "log.h"
#include "origin_index.h"
#include "xalloc.h"

struct origin_entry {
	int64_t source_id;        /* 0: empty slot */
	uint32_t asn;
	uint32_t count, capacity;
	struct prefix *prefixes;
};

struct source_state {
	int64_t source_id;
	int64_t generation;
	int64_t serial;
};

struct origin_index {
	struct origin_entry *slots;
	size_t slot_count, used;
	size_t prefix_total;
	struct source_state seen[MAX_QUERY_SOURCES];
	size_t seen_count;
};

struct origin_index *origin_index_new(void)
{
	return xcalloc(1, sizeof(struct origin_index));
}

static void clear_slots(struct origin_index *ix)
{
	for (size_t i = 0; i < ix->slot_count; i++)
		free(ix->slots[i].prefixes);
	free(ix->slots);
	ix->slots = NULL;
	ix->slot_count = ix->used = ix->prefix_total = 0;
}

void origin_index_free(struct origin_index *ix)
{
	if (ix == NULL)
		return;
	clear_slots(ix);
	free(ix);
}

static size_t slot_hash(int64_t source_id, uint32_t asn, size_t slots)
{
	uint64_t k = ((uint64_t)source_id << 32) ^ asn;

	return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 17) & (slots - 1);
}

static struct origin_entry *find_slot(const struct origin_index *ix, int64_t source_id, uint32_t asn)
{
	size_t i;

	if (ix->slot_count == 0)
		return NULL;
	for (i = slot_hash(source_id, asn, ix->slot_count); ix->slots[i].source_id != 0;
	     i = (i + 1) & (ix->slot_count - 1)) {
		if (ix->slots[i].source_id == source_id && ix->slots[i].asn == asn)
			return &ix->slots[i];
	}
	return &ix->slots[i]; /* the empty slot where it would go */
}

static void grow(struct origin_index *ix)
{
	struct origin_entry *old = ix->slots;
	size_t old_count = ix->slot_count;

	ix->slot_count = old_count ? old_count * 2 : 1024;
	ix->slots = xcalloc(ix->slot_count, sizeof(*ix->slots));
	for (size_t i = 0; i < old_count; i++) {
		if (old[i].source_id != 0)
			*find_slot(ix, old[i].source_id, old[i].asn) = old[i];
	}
	free(old);
}

static void add_prefix(struct origin_index *ix, int64_t source_id, uint32_t asn, const struct prefix *p)
{
	struct origin_entry *e;

	if ((ix->used + 1) * 2 > ix->slot_count)
		grow(ix);
	e = find_slot(ix, source_id, asn);
	if (e->source_id == 0) {
		e->source_id = source_id;
		e->asn = asn;
		ix->used++;
	}
	for (uint32_t i = 0; i < e->count; i++) {
		if (memcmp(&e->prefixes[i], p, sizeof(*p)) == 0)
			return; /* a modified route: already there */
	}
	if (e->count == e->capacity) {
		e->capacity = e->capacity ? e->capacity * 2 : 4;
		e->prefixes = xrealloc(e->prefixes, e->capacity * sizeof(*e->prefixes));
	}
	e->prefixes[e->count++] = *p;
	ix->prefix_total++;
}

static void remove_prefix(struct origin_index *ix, int64_t source_id, uint32_t asn, const struct prefix *p)
{
	struct origin_entry *e = find_slot(ix, source_id, asn);

	if (e == NULL || e->source_id == 0)
		return;
	for (uint32_t i = 0; i < e->count; i++) {
		if (memcmp(&e->prefixes[i], p, sizeof(*p)) == 0) {
			e->prefixes[i] = e->prefixes[--e->count];
			ix->prefix_total--;
			return;
		}
	}
}

/* Removes every entry of one source (rebuilding the table without them). */
static void drop_source(struct origin_index *ix, int64_t source_id)
{
	struct origin_entry *old = ix->slots;
	size_t old_count = ix->slot_count;

	ix->slots = old_count ? xcalloc(old_count, sizeof(*ix->slots)) : NULL;
	ix->used = 0;
	for (size_t i = 0; i < old_count; i++) {
		if (old[i].source_id == 0)
			continue;
		if (old[i].source_id == source_id) {
			ix->prefix_total -= old[i].count;
			free(old[i].prefixes);
			continue;
		}
		*find_slot(ix, old[i].source_id, old[i].asn) = old[i];
		ix->used++;
	}
	free(old);
}

/* "192.0.2.0/24AS64500" -> prefix and origin. */
static bool parse_route_key(const char *pkey, struct prefix *p, uint32_t *asn)
{
	const char *as = strrchr(pkey, 'A'), *err;

	return whois_route_key_prefix(pkey, p) && as != NULL && asn_parse(as, strlen(as), true, asn, &err) == 0;
}

static int rebuild_source(struct origin_index *ix, struct store *st, int64_t source_id)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT pkey FROM objects WHERE source_id = ?1 AND class IN ('route', 'route6')");
	size_t before;
	int rc;

	drop_source(ix, source_id);
	before = ix->prefix_total;
	sqlite3_bind_int64(stmt, 1, source_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct prefix p;
		uint32_t asn;

		if (parse_route_key((const char *)sqlite3_column_text(stmt, 0), &p, &asn))
			add_prefix(ix, source_id, asn, &p);
	}
	sqlite3_reset(stmt);
	log_debug("origin index: source %lld rebuilt, %zu prefixes", (long long)source_id, ix->prefix_total - before);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Applies journal entries after `from` for route objects. Returns 0, or -1 when the journal has a gap. */
static int follow_journal(struct origin_index *ix, struct store *st, int64_t source_id, int64_t from,
			  int64_t oldest)
{
	sqlite3_stmt *stmt;
	int rc;

	if (oldest == 0 || oldest > from + 1)
		return -1; /* entries we need are not there: rebuild instead */
	stmt = store_stmt(st, "SELECT operation, pkey FROM journal WHERE source_id = ?1 AND serial > ?2"
			      " AND class IN ('route', 'route6') ORDER BY serial");
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_int64(stmt, 2, from);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct prefix p;
		uint32_t asn;

		if (!parse_route_key((const char *)sqlite3_column_text(stmt, 1), &p, &asn))
			continue;
		if (strcmp((const char *)sqlite3_column_text(stmt, 0), "DEL") == 0)
			remove_prefix(ix, source_id, asn, &p);
		else
			add_prefix(ix, source_id, asn, &p);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int origin_index_refresh(struct origin_index *ix, struct store *st)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT id, generation, serial_oldest, serial_newest FROM sources");
	struct source_state now[MAX_QUERY_SOURCES];
	int64_t oldest[MAX_QUERY_SOURCES];
	size_t count = 0;
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && count < MAX_QUERY_SOURCES) {
		now[count].source_id = sqlite3_column_int64(stmt, 0);
		now[count].generation = sqlite3_column_int64(stmt, 1);
		oldest[count] = sqlite3_column_int64(stmt, 2);
		now[count].serial = sqlite3_column_int64(stmt, 3);
		count++;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct source_state *seen = NULL;

		for (size_t k = 0; k < ix->seen_count; k++) {
			if (ix->seen[k].source_id == now[i].source_id)
				seen = &ix->seen[k];
		}
		if (seen != NULL && seen->generation == now[i].generation && seen->serial == now[i].serial)
			continue; /* nothing changed: the common case, one small read per query */
		/* Same generation: only single-object changes happened, replay them. */
		if (seen == NULL || seen->generation != now[i].generation ||
		    follow_journal(ix, st, now[i].source_id, seen->serial, oldest[i]) < 0) {
			if (rebuild_source(ix, st, now[i].source_id) < 0)
				return -1;
		}
		if (seen == NULL) {
			if (ix->seen_count == MAX_QUERY_SOURCES)
				continue;
			seen = &ix->seen[ix->seen_count++];
		}
		*seen = now[i];
	}
	return 0;
}

void origin_index_lookup(const struct origin_index *ix, int64_t source_id, uint32_t asn, uint8_t family,
			 struct prefix_vec *out)
{
	const struct origin_entry *e = find_slot(ix, source_id, asn);

	if (e == NULL || e->source_id == 0)
		return;
	for (uint32_t i = 0; i < e->count; i++) {
		if (family == 0 || e->prefixes[i].family == family)
			prefix_vec_push(out, &e->prefixes[i]);
	}
}

size_t origin_index_size(const struct origin_index *ix)
{
	return ix->prefix_total;
}
