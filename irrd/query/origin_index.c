/* The origin index; see origin_index.h. */
#include <stdlib.h>
#include <string.h>

#include "asn.h"
#include "log.h"
#include "origin_index.h"
#include "store_read.h"
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

/* Rebuilding a source: every route key. */
struct rebuild {
	struct origin_index *ix;
	int64_t source_id;
};

static int add_route_key(void *arg, const struct store_object_row *row)
{
	struct rebuild *r = arg;
	struct prefix p;
	uint32_t asn;

	if (query_route_key(row->pkey, &p, &asn))
		add_prefix(r->ix, r->source_id, asn, &p);
	return 0;
}

static int rebuild_source(struct origin_index *ix, struct store *st, int64_t source_id)
{
	struct rebuild r = { ix, source_id };
	size_t before;
	char *err = NULL;

	drop_source(ix, source_id);
	before = ix->prefix_total;
	if (store_read_route_keys(st, source_id, NULL, add_route_key, &r, &err) < 0) {
		log_error("origin index: %s", err);
		free(err);
		return -1;
	}
	log_debug("origin index: source %lld rebuilt, %zu prefixes", (long long)source_id, ix->prefix_total - before);
	return 0;
}

static int apply_journal_entry(void *arg, const struct store_journal_row *row)
{
	struct rebuild *r = arg;
	struct prefix p;
	uint32_t asn;

	if (!query_route_key(row->pkey, &p, &asn))
		return 0;
	if (strcmp(row->operation, "DEL") == 0)
		remove_prefix(r->ix, r->source_id, asn, &p);
	else
		add_prefix(r->ix, r->source_id, asn, &p);
	return 0;
}

/* Applies journal entries after `from` for route objects. Returns 0, or -1 when the journal has a gap. */
static int follow_journal(struct origin_index *ix, struct store *st, int64_t source_id, int64_t from,
			  int64_t oldest)
{
	struct rebuild r = { ix, source_id };
	char *err = NULL;

	if (oldest == 0 || oldest > from + 1)
		return -1; /* entries we need are not there: rebuild instead */
	if (store_read_journal(st, source_id, from, 0, "route", "route6", apply_journal_entry, &r, &err) < 0) {
		log_error("origin index: %s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* The sources' states, read in one statement. */
struct states {
	struct source_state now[MAX_QUERY_SOURCES];
	int64_t oldest[MAX_QUERY_SOURCES];
	size_t count;
};

static int add_state(void *arg, const struct store_source_row *row)
{
	struct states *s = arg;

	if (s->count == MAX_QUERY_SOURCES)
		return 1;
	s->now[s->count].source_id = row->id;
	s->now[s->count].generation = row->generation;
	s->now[s->count].serial = row->serial_newest;
	s->oldest[s->count] = row->serial_oldest;
	s->count++;
	return 0;
}

int origin_index_refresh(struct origin_index *ix, struct store *st)
{
	struct states states = { .count = 0 };
	struct source_state *now = states.now;
	int64_t *oldest = states.oldest;
	size_t count;
	char *err = NULL;

	if (store_read_sources(st, NULL, add_state, &states, &err) < 0) {
		log_error("origin index: %s", err);
		free(err);
		return -1;
	}
	count = states.count;
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
