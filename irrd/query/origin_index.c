/*
 * The origin index; see origin_index.h. One hash table per source (origin AS ->
 * sorted prefixes) so that rebuilding a source after a reload happens off to the
 * side and is swapped in at once; a read-write lock lets lookups from several
 * threads run while one refresher works.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "asn.h"
#include "log.h"
#include "origin_index.h"
#include "store_read.h"
#include "xalloc.h"

struct origin_entry {
	uint32_t asn;
	bool is_used;
	uint32_t count, capacity;
	struct prefix *prefixes;  /* sorted by prefix_compare, no duplicates */
};

/* One source's routes, and the database state they reflect. */
struct source_table {
	int64_t source_id;
	int64_t generation;
	int64_t serial;
	struct origin_entry *slots;
	size_t slot_count, used;
	size_t prefix_total;
};

struct origin_index {
	pthread_rwlock_t lock;        /* readers: lookups; writer: swapping tables, applying changes */
	pthread_mutex_t refresh_lock; /* one refresher at a time */
	struct source_table *tables[MAX_QUERY_SOURCES];
	size_t table_count;
	uint64_t version;             /* bumped by every change */
};

struct origin_index *origin_index_new(void)
{
	struct origin_index *ix = xcalloc(1, sizeof(*ix));

	pthread_rwlock_init(&ix->lock, NULL);
	pthread_mutex_init(&ix->refresh_lock, NULL);
	return ix;
}

static void table_free(struct source_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->slot_count; i++)
		free(t->slots[i].prefixes);
	free(t->slots);
	free(t);
}

void origin_index_free(struct origin_index *ix)
{
	if (ix == NULL)
		return;
	for (size_t i = 0; i < ix->table_count; i++)
		table_free(ix->tables[i]);
	pthread_rwlock_destroy(&ix->lock);
	pthread_mutex_destroy(&ix->refresh_lock);
	free(ix);
}

static size_t slot_hash(uint32_t asn, size_t slots)
{
	return (size_t)(((uint64_t)asn * 0x9E3779B97F4A7C15ull) >> 17) & (slots - 1);
}

/* The entry for asn, or the empty slot where it would go; NULL when the table has no slots. */
static struct origin_entry *find_slot(const struct source_table *t, uint32_t asn)
{
	size_t i;

	if (t->slot_count == 0)
		return NULL;
	for (i = slot_hash(asn, t->slot_count); t->slots[i].is_used; i = (i + 1) & (t->slot_count - 1)) {
		if (t->slots[i].asn == asn)
			return &t->slots[i];
	}
	return &t->slots[i];
}

static void grow(struct source_table *t)
{
	struct origin_entry *old = t->slots;
	size_t old_count = t->slot_count;

	t->slot_count = old_count ? old_count * 2 : 1024;
	t->slots = xcalloc(t->slot_count, sizeof(*t->slots));
	for (size_t i = 0; i < old_count; i++) {
		if (old[i].is_used)
			*find_slot(t, old[i].asn) = old[i];
	}
	free(old);
}

static struct origin_entry *entry_for(struct source_table *t, uint32_t asn)
{
	struct origin_entry *e;

	if ((t->used + 1) * 2 > t->slot_count)
		grow(t);
	e = find_slot(t, asn);
	if (!e->is_used) {
		e->is_used = true;
		e->asn = asn;
		t->used++;
	}
	return e;
}

/* Position of p in e (or where it would go); *found says whether it is there. */
static uint32_t entry_search(const struct origin_entry *e, const struct prefix *p, bool *found)
{
	uint32_t lo = 0, hi = e->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = prefix_compare(&e->prefixes[mid], p);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static void entry_reserve(struct origin_entry *e)
{
	if (e->count == e->capacity) {
		e->capacity = e->capacity ? e->capacity * 2 : 4;
		e->prefixes = xrealloc(e->prefixes, e->capacity * sizeof(*e->prefixes));
	}
}

/* Keeps the entry sorted (a journal change); a modified route is already there. */
static void table_insert(struct source_table *t, uint32_t asn, const struct prefix *p)
{
	struct origin_entry *e = entry_for(t, asn);
	bool found;
	uint32_t at = entry_search(e, p, &found);

	if (found)
		return;
	entry_reserve(e);
	memmove(&e->prefixes[at + 1], &e->prefixes[at], (e->count - at) * sizeof(*e->prefixes));
	e->prefixes[at] = *p;
	e->count++;
	t->prefix_total++;
}

static void table_remove(struct source_table *t, uint32_t asn, const struct prefix *p)
{
	struct origin_entry *e = find_slot(t, asn);
	bool found;
	uint32_t at;

	if (e == NULL || !e->is_used)
		return;
	at = entry_search(e, p, &found);
	if (!found)
		return;
	memmove(&e->prefixes[at], &e->prefixes[at + 1], (e->count - at - 1) * sizeof(*e->prefixes));
	e->count--;
	t->prefix_total--;
}

static int compare_prefix_items(const void *a, const void *b)
{
	return prefix_compare(a, b);
}

/* After a bulk build (appended unsorted): sort every entry and drop duplicates. */
static void table_sort(struct source_table *t)
{
	for (size_t i = 0; i < t->slot_count; i++) {
		struct origin_entry *e = &t->slots[i];
		uint32_t w = 0;

		if (!e->is_used || e->count == 0)
			continue;
		qsort(e->prefixes, e->count, sizeof(*e->prefixes), compare_prefix_items);
		for (uint32_t r = 1; r < e->count; r++) {
			if (prefix_compare(&e->prefixes[w], &e->prefixes[r]) != 0)
				e->prefixes[++w] = e->prefixes[r];
		}
		t->prefix_total -= e->count - (w + 1);
		e->count = w + 1;
	}
}

static int add_route_key(void *arg, const struct store_object_row *row)
{
	struct source_table *t = arg;
	struct prefix p;
	uint32_t asn;

	if (rpsl_route_key(row->pkey, &p, &asn)) {
		struct origin_entry *e = entry_for(t, asn);

		entry_reserve(e);
		e->prefixes[e->count++] = p;
		t->prefix_total++;
	}
	return 0;
}

/* A source's table read whole from the store (outside the lock). */
static struct source_table *table_build(struct store *st, int64_t source_id, char **err)
{
	struct source_table *t = xcalloc(1, sizeof(*t));

	t->source_id = source_id;
	if (store_read_route_keys(st, source_id, NULL, add_route_key, t, err) < 0) {
		table_free(t);
		return NULL;
	}
	table_sort(t);
	return t;
}

/* Route changes read from the journal, applied under the lock afterwards. */
struct route_change {
	bool is_delete;
	uint32_t asn;
	struct prefix prefix;
};

struct change_list {
	struct route_change *items;
	size_t count, capacity;
};

static int collect_change(void *arg, const struct store_journal_row *row)
{
	struct change_list *l = arg;
	struct route_change c;

	if (!rpsl_route_key(row->pkey, &c.prefix, &c.asn))
		return 0;
	c.is_delete = strcmp(row->operation, "DEL") == 0;
	l->items = xgrow(l->items, &l->capacity, l->count + 1, sizeof(*l->items));
	l->items[l->count++] = c;
	return 0;
}

/* The sources' states, read in one statement. */
struct states {
	struct {
		int64_t id, generation, serial, oldest;
	} now[MAX_QUERY_SOURCES];
	size_t count;
};

static int add_state(void *arg, const struct store_source_row *row)
{
	struct states *s = arg;

	if (s->count == MAX_QUERY_SOURCES)
		return 1;
	s->now[s->count].id = row->id;
	s->now[s->count].generation = row->generation;
	s->now[s->count].serial = row->serial_newest;
	s->now[s->count].oldest = row->serial_oldest;
	s->count++;
	return 0;
}

static struct source_table *table_of(const struct origin_index *ix, int64_t source_id)
{
	for (size_t i = 0; i < ix->table_count; i++) {
		if (ix->tables[i]->source_id == source_id)
			return ix->tables[i];
	}
	return NULL;
}

/* Puts a freshly built table in place of the source's old one; frees the old one after unlocking. */
static void swap_in(struct origin_index *ix, struct source_table *fresh)
{
	struct source_table *old = NULL;
	size_t i;

	pthread_rwlock_wrlock(&ix->lock);
	for (i = 0; i < ix->table_count && ix->tables[i]->source_id != fresh->source_id; i++)
		;
	if (i < ix->table_count) {
		old = ix->tables[i];
		ix->tables[i] = fresh;
	} else if (ix->table_count < MAX_QUERY_SOURCES) {
		ix->tables[ix->table_count++] = fresh;
	} else {
		old = fresh; /* more sources than queries can name: not indexed */
	}
	ix->version++;
	pthread_rwlock_unlock(&ix->lock);
	table_free(old);
}

/* Drops tables of sources no longer in the database. */
static void drop_missing(struct origin_index *ix, const struct states *states)
{
	struct source_table *gone[MAX_QUERY_SOURCES];
	size_t gone_count = 0, w = 0;

	pthread_rwlock_wrlock(&ix->lock);
	for (size_t i = 0; i < ix->table_count; i++) {
		bool present = false;

		for (size_t k = 0; k < states->count && !present; k++)
			present = states->now[k].id == ix->tables[i]->source_id;
		if (present)
			ix->tables[w++] = ix->tables[i];
		else
			gone[gone_count++] = ix->tables[i];
	}
	ix->table_count = w;
	if (gone_count > 0)
		ix->version++;
	pthread_rwlock_unlock(&ix->lock);
	for (size_t i = 0; i < gone_count; i++)
		table_free(gone[i]);
}

/* Brings one source up to date: replays the journal when it can, else rebuilds. */
static int refresh_source(struct origin_index *ix, struct store *st, int64_t id, int64_t generation, int64_t serial,
			  int64_t oldest)
{
	/* Only this (the one refresher) changes tables, so reading t's state unlocked is safe. */
	struct source_table *t = table_of(ix, id), *fresh;
	char *err = NULL;

	if (t != NULL && t->generation == generation && t->serial == serial)
		return 0; /* nothing changed: the common case */
	/* Same generation: only single-object changes happened, replay them (if the journal still has them). */
	if (t != NULL && t->generation == generation && oldest != 0 && oldest <= t->serial + 1) {
		struct change_list changes = { 0 };

		if (store_read_journal(st, id, t->serial, serial, "route", "route6", collect_change, &changes, &err) ==
		    0) {
			pthread_rwlock_wrlock(&ix->lock);
			for (size_t i = 0; i < changes.count; i++) {
				if (changes.items[i].is_delete)
					table_remove(t, changes.items[i].asn, &changes.items[i].prefix);
				else
					table_insert(t, changes.items[i].asn, &changes.items[i].prefix);
			}
			t->serial = serial;
			ix->version++;
			pthread_rwlock_unlock(&ix->lock);
			free(changes.items);
			return 0;
		}
		log_error("origin index: %s; rebuilding source %lld", err, (long long)id);
		free(err);
		err = NULL;
		free(changes.items);
	}
	fresh = table_build(st, id, &err);
	if (fresh == NULL) {
		log_error("origin index: %s", err);
		free(err);
		return -1;
	}
	fresh->generation = generation;
	fresh->serial = serial;
	log_debug("origin index: source %lld rebuilt, %zu prefixes", (long long)id, fresh->prefix_total);
	swap_in(ix, fresh);
	return 0;
}

int origin_index_refresh(struct origin_index *ix, struct store *st)
{
	struct states states = { .count = 0 };
	char *err = NULL;
	int rc = 0;

	pthread_mutex_lock(&ix->refresh_lock);
	if (store_read_sources(st, NULL, add_state, &states, &err) < 0) {
		log_error("origin index: %s", err);
		free(err);
		pthread_mutex_unlock(&ix->refresh_lock);
		return -1;
	}
	drop_missing(ix, &states);
	for (size_t i = 0; i < states.count && rc == 0; i++)
		rc = refresh_source(ix, st, states.now[i].id, states.now[i].generation, states.now[i].serial,
				    states.now[i].oldest);
	pthread_mutex_unlock(&ix->refresh_lock);
	return rc;
}

void origin_index_lookup(struct origin_index *ix, int64_t source_id, uint32_t asn, uint8_t family,
			 struct prefix_vec *out)
{
	const struct source_table *t;
	const struct origin_entry *e;

	pthread_rwlock_rdlock(&ix->lock);
	t = table_of(ix, source_id);
	e = t != NULL ? find_slot(t, asn) : NULL;
	if (e != NULL && e->is_used && e->count > 0) {
		prefix_vec_reserve(out, e->count);
		for (uint32_t i = 0; i < e->count; i++) {
			if (family == 0 || e->prefixes[i].family == family)
				out->items[out->count++] = e->prefixes[i];
		}
	}
	pthread_rwlock_unlock(&ix->lock);
}

size_t origin_index_count(struct origin_index *ix, int64_t source_id, uint32_t asn)
{
	const struct source_table *t;
	const struct origin_entry *e;
	size_t n = 0;

	pthread_rwlock_rdlock(&ix->lock);
	t = table_of(ix, source_id);
	e = t != NULL ? find_slot(t, asn) : NULL;
	if (e != NULL && e->is_used)
		n = e->count;
	pthread_rwlock_unlock(&ix->lock);
	return n;
}

uint64_t origin_index_version(struct origin_index *ix)
{
	uint64_t v;

	pthread_rwlock_rdlock(&ix->lock);
	v = ix->version;
	pthread_rwlock_unlock(&ix->lock);
	return v;
}

size_t origin_index_size(struct origin_index *ix)
{
	size_t n = 0;

	pthread_rwlock_rdlock(&ix->lock);
	for (size_t i = 0; i < ix->table_count; i++)
		n += ix->tables[i]->prefix_total;
	pthread_rwlock_unlock(&ix->lock);
	return n;
}
