/*
 * irrctl rpki report --lir ID | --mntner M [--json]: where the routes of our source
 * and the RPKI disagree, for one LIR (routes in its allocations) or one maintainer
 * (routes it maintains), against the VRPs irrd has in force (the rpki_vrp table).
 * Routes and marks come from authlist_routes_read, states from filter_export's.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "authlist.h"
#include "authlist_mark.h"
#include "filter_export.h"
#include "query.h"
#include "rpki_report.h"
#include "rpki_table.h"
#include "store_read.h"
#include "xalloc.h"

#define EXIT_USAGE 2

/* A route of our source in the report's scope. */
struct report_route {
	struct prefix prefix;
	uint32_t origin;
	int64_t entry;               /* the entry that verified it; 0: none (or a staff override) */
	enum rov_state state;
	struct vrp_set *covering;    /* the VRPs covering it (owned) */
};

struct report {
	const char *lir, *mntner;    /* one of them (not owned) */
	struct allocation *allocs;   /* --lir: its allocations */
	size_t alloc_count;
	char **keys;                 /* --mntner: "CLASS PKEY" of its routes, sorted */
	size_t key_count, key_capacity;
	struct report_route *routes;
	size_t count, capacity;
};

static void report_release(struct report *r)
{
	for (size_t i = 0; i < r->count; i++)
		vrp_set_free(r->routes[i].covering);
	free(r->routes);
	for (size_t i = 0; i < r->key_count; i++)
		free(r->keys[i]);
	free(r->keys);
	free(r->allocs);
}

static int key_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_key(void *arg, const struct store_object_row *row)
{
	struct report *r = arg;

	if (r->key_count == r->key_capacity) {
		r->key_capacity = r->key_capacity ? r->key_capacity * 2 : 64;
		r->keys = xrealloc(r->keys, r->key_capacity * sizeof(*r->keys));
	}
	r->keys[r->key_count++] = xasprintf("%s %s", row->cls, row->pkey);
	return 0;
}

static bool is_in_scope(const struct report *r, const struct authlist_route_row *row, const struct prefix *p)
{
	if (r->lir != NULL) {
		for (size_t i = 0; i < r->alloc_count; i++)
			if (prefix_contains(&r->allocs[i].block, p))
				return true;
		return false;
	} else {
		char *key = xasprintf("%s %s", row->cls, row->pkey);
		bool found = r->key_count > 0 &&
			     bsearch(&key, r->keys, r->key_count, sizeof(*r->keys), key_compare) != NULL;

		free(key);
		return found;
	}
}

static int collect_route(void *arg, const struct authlist_route_row *row)
{
	struct report *r = arg;
	struct report_route rr = { 0 };

	if (!query_route_key(row->pkey, &rr.prefix, &rr.origin) || !is_in_scope(r, row, &rr.prefix))
		return 0;
	rr.entry = row->is_marked && row->entry > 0 ? row->entry : 0;
	if (r->count == r->capacity) {
		r->capacity = r->capacity ? r->capacity * 2 : 64;
		r->routes = xrealloc(r->routes, r->capacity * sizeof(*r->routes));
	}
	r->routes[r->count++] = rr;
	return 0;
}

static int route_compare(const void *a, const void *b)
{
	const struct report_route *x = a, *y = b;
	int c = prefix_compare(&x->prefix, &y->prefix);

	if (c != 0)
		return c;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/* The routes in scope, sorted, each with its state and covering VRPs. 1 done, 0 no such LIR, -1 *err. */
static int report_collect(struct store *st, const struct config *cfg, struct report *r, char **err)
{
	if (r->lir != NULL) {
		struct lir_account acct;
		int found = lir_get(st, r->lir, &acct, err);

		if (found <= 0)
			return found;
		if (alloc_list(st, r->lir, &r->allocs, &r->alloc_count, err) < 0)
			return -1;
	} else {
		int64_t sid = store_source_id(st, cfg->source, err);

		if (sid < 0)
			return -1;
		if (sid > 0 && (store_read_by_attr(st, sid, "mnt-by", r->mntner, "route", collect_key, r, err) < 0 ||
				store_read_by_attr(st, sid, "mnt-by", r->mntner, "route6", collect_key, r, err) < 0))
			return -1;
		if (r->key_count > 0)
			qsort(r->keys, r->key_count, sizeof(*r->keys), key_compare);
	}
	if (authlist_routes_read(st, cfg->source, collect_route, r, err) < 0)
		return -1;
	if (r->count > 0)
		qsort(r->routes, r->count, sizeof(*r->routes), route_compare);
	for (size_t i = 0; i < r->count; i++) {
		struct report_route *rr = &r->routes[i];
		bool is_loaded;

		if (filter_export_rpki_state(st, &rr->prefix, rr->origin, &rr->state, &is_loaded, &rr->covering, err) < 0)
			return -1;
	}
	return 1;
}

/* ---- the sections: each writes plain text or appends to a JSON array ---- */

static json_t *vrp_to_json(const struct vrp_set *set, const struct vrp *v)
{
	char text[PREFIX_STRLEN];
	json_t *o = json_object();

	prefix_format(&v->prefix, text);
	json_object_set_new(o, "prefix", json_string(text));
	json_object_set_new(o, "max_length", json_integer(v->max_length));
	json_object_set_new(o, "asn", json_integer((json_int_t)v->asn));
	json_object_set_new(o, "ta", json_string(vrp_set_ta_name(set, v)));
	return o;
}

static json_t *vrps_to_json(const struct vrp_set *set)
{
	json_t *a = json_array();

	for (size_t i = 0; i < vrp_set_count(set); i++)
		json_array_append_new(a, vrp_to_json(set, vrp_set_get(set, i)));
	return a;
}

static void vrps_to_text(const struct vrp_set *set, struct strbuf *out)
{
	char text[VRP_STRLEN];

	for (size_t i = 0; i < vrp_set_count(set); i++) {
		vrp_format(vrp_set_get(set, i), text);
		strbuf_append_str(out, i > 0 ? ", " : "");
		strbuf_append_str(out, text);
	}
}

struct section {
	json_t *items;               /* JSON output */
	struct strbuf text;          /* plain output: the lines */
	size_t count;
};

/* 1. routes RPKI-invalid, each with the VRPs that cover it (none matches). */
static void section_invalid(const struct report *r, struct section *s)
{
	char p[PREFIX_STRLEN];

	for (size_t i = 0; i < r->count; i++) {
		const struct report_route *rr = &r->routes[i];
		json_t *o;

		if (rr->state != ROV_INVALID)
			continue;
		s->count++;
		prefix_format(&rr->prefix, p);
		o = json_object();
		json_object_set_new(o, "prefix", json_string(p));
		json_object_set_new(o, "origin", json_integer((json_int_t)rr->origin));
		json_object_set_new(o, "vrps", vrps_to_json(rr->covering));
		json_array_append_new(s->items, o);
		strbuf_printf(&s->text, "  %s AS%u: conflicting VRPs ", p, rr->origin);
		vrps_to_text(rr->covering, &s->text);
		strbuf_append_str(&s->text, "\n");
	}
}

/* 2. routes the list verifies that no VRP covers, each with the ROA to create (RFC 9319: no maxLength). */
static void section_not_found(const struct report *r, struct section *s)
{
	char p[PREFIX_STRLEN];

	for (size_t i = 0; i < r->count; i++) {
		const struct report_route *rr = &r->routes[i];
		json_t *o, *roa;

		if (rr->state != ROV_NOT_FOUND || rr->entry == 0)
			continue;
		s->count++;
		prefix_format(&rr->prefix, p);
		o = json_object();
		json_object_set_new(o, "prefix", json_string(p));
		json_object_set_new(o, "origin", json_integer((json_int_t)rr->origin));
		json_object_set_new(o, "entry", json_integer((json_int_t)rr->entry));
		roa = json_object();
		json_object_set_new(roa, "prefix", json_string(p));
		json_object_set_new(roa, "asn", json_integer((json_int_t)rr->origin));
		json_object_set_new(roa, "max_length", json_null());
		json_object_set_new(o, "suggested_roa", roa);
		json_array_append_new(s->items, o);
		strbuf_printf(&s->text, "  %s AS%u (entry #%lld): suggested ROA %s AS%u, no maxLength\n", p, rr->origin,
			       (long long)rr->entry, p, rr->origin);
	}
}

/*
 * 3. allow entries with an origin list whose prefix VRPs cover, where the two disagree:
 * a listed origin no covering VRP lets announce the entry's prefix, or a covering VRP's
 * AS (not AS0) the list leaves out. 0 or -1 *err.
 */
static int section_entries(struct store *st, const struct report *r, struct section *s, char **err)
{
	struct authlist_query q = { .lir = r->lir, .sort = AUTHLIST_SORT_PREFIX };
	struct authlist_entry *e = NULL;
	size_t n = 0;
	int rc = -1;

	if (authlist_search(st, &q, &e, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct vrp_set *cov = NULL;
		json_t *without = json_array(), *unlisted = json_array(), *origins = json_array(), *o;
		struct strbuf w, u;
		char p[PREFIX_STRLEN];
		bool is_loaded;

		if (e[i].action != AUTHLIST_ALLOW || e[i].origin_count == 0 ||
		    rpki_table_covering(st, &e[i].prefix, &cov, &is_loaded, err) < 0) {
			json_decref(without);
			json_decref(unlisted);
			json_decref(origins);
			if (e[i].action == AUTHLIST_ALLOW && e[i].origin_count > 0)
				goto out;   /* the store failed */
			continue;
		}
		strbuf_init(&w);
		strbuf_init(&u);
		for (size_t k = 0; k < e[i].origin_count; k++) {
			bool is_matched = false;

			json_array_append_new(origins, json_integer((json_int_t)e[i].origins[k]));
			for (size_t j = 0; j < vrp_set_count(cov) && !is_matched; j++)
				is_matched = rov_vrp_matches(vrp_set_get(cov, j), &e[i].prefix, e[i].origins[k]);
			if (!is_matched) {
				json_array_append_new(without, json_integer((json_int_t)e[i].origins[k]));
				strbuf_printf(&w, " AS%u", e[i].origins[k]);
			}
		}
		for (size_t j = 0; j < vrp_set_count(cov); j++) {
			uint32_t asn = vrp_set_get(cov, j)->asn;
			bool is_repeat = false;

			if (asn == 0 || authlist_origin_allowed(&e[i], asn))
				continue;
			/* one mention per AS, though several VRPs may name it */
			for (size_t k = 0; k < j; k++)
				is_repeat = is_repeat || vrp_set_get(cov, k)->asn == asn;
			if (is_repeat)
				continue;
			json_array_append_new(unlisted, json_integer((json_int_t)asn));
			strbuf_printf(&u, " AS%u", asn);
		}
		if (vrp_set_count(cov) > 0 && (json_array_size(without) > 0 || json_array_size(unlisted) > 0)) {
			s->count++;
			prefix_format(&e[i].prefix, p);
			o = json_object();
			json_object_set_new(o, "entry", json_integer((json_int_t)e[i].id));
			json_object_set_new(o, "prefix", json_string(p));
			json_object_set_new(o, "mntner", json_string(e[i].mntner));
			json_object_set_new(o, "origins", origins);
			json_object_set_new(o, "origins_without_vrp", without);
			json_object_set_new(o, "vrp_origins_not_listed", unlisted);
			json_object_set_new(o, "vrps", vrps_to_json(cov));
			json_array_append_new(s->items, o);
			strbuf_printf(&s->text, "  #%lld %s %s:", (long long)e[i].id, p, e[i].mntner);
			if (w.len > 0)
				strbuf_printf(&s->text, " listed without a VRP%s;", w.data);
			if (u.len > 0)
				strbuf_printf(&s->text, " VRPs for unlisted%s;", u.data);
			strbuf_append_str(&s->text, " VRPs ");
			vrps_to_text(cov, &s->text);
			strbuf_append_str(&s->text, "\n");
		} else {
			json_decref(origins);
			json_decref(without);
			json_decref(unlisted);
		}
		strbuf_release(&w);
		strbuf_release(&u);
		vrp_set_free(cov);
	}
	rc = 0;
out:
	free(e);
	return rc;
}

/* 4. VRPs (not AS0) inside the LIR's allocations that match no route object of our source. 0 or -1 *err. */
static int section_orphan_vrps(struct store *st, const struct report *r, struct section *s, char **err)
{
	for (size_t a = 0; a < r->alloc_count; a++) {
		struct vrp_set *inside = NULL;
		bool is_loaded;

		if (rpki_table_within(st, &r->allocs[a].block, &inside, &is_loaded, err) < 0)
			return -1;
		for (size_t j = 0; j < vrp_set_count(inside); j++) {
			const struct vrp *v = vrp_set_get(inside, j);
			char text[VRP_STRLEN];
			bool is_used = false;

			if (v->asn == 0)
				continue;
			/* the routes in scope are every route in the allocations, so every route v can match */
			for (size_t i = 0; i < r->count && !is_used; i++)
				is_used = rov_vrp_matches(v, &r->routes[i].prefix, r->routes[i].origin);
			if (is_used)
				continue;
			s->count++;
			json_array_append_new(s->items, vrp_to_json(inside, v));
			vrp_format(v, text);
			strbuf_printf(&s->text, "  %s\n", text);
		}
		vrp_set_free(inside);
	}
	return 0;
}

static const char *const section_titles[] = {
	"RPKI-invalid routes",
	"routes verified by the authorisation list that no VRP covers (not_found)",
	"authorisation list entries whose origins disagree with the VRPs covering them",
	"VRPs in the allocations with no route object",
};
static const char *const section_keys[] = {
	"invalid", "not_found", "entries_disagreeing", "vrps_without_route",
};
#define SECTIONS 4

static int report_write(struct store *st, const struct config *cfg, const struct report *r, bool is_json,
			char **err)
{
	struct section s[SECTIONS];
	size_t n = r->lir != NULL ? SECTIONS : 2;   /* a maintainer has no list entries or allocations */
	int rc = -1;

	for (size_t i = 0; i < SECTIONS; i++) {
		s[i] = (struct section){ .items = json_array() };
		strbuf_init(&s[i].text);
	}
	section_invalid(r, &s[0]);
	section_not_found(r, &s[1]);
	if (n == SECTIONS && (section_entries(st, r, &s[2], err) < 0 || section_orphan_vrps(st, r, &s[3], err) < 0))
		goto out;
	if (is_json) {
		json_t *root = json_object();
		char *dump;

		json_object_set_new(root, "source", json_string(cfg->source));
		json_object_set_new(root, r->lir != NULL ? "lir" : "mntner", json_string(r->lir != NULL ? r->lir : r->mntner));
		for (size_t i = 0; i < n; i++)
			json_object_set(root, section_keys[i], s[i].items);
		dump = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
		json_decref(root);
		if (dump == NULL || printf("%s\n", dump) < 0) {
			free(dump);
			*err = xstrdup("cannot write the output");
			goto out;
		}
		free(dump);
	} else {
		printf("RPKI report for %s %s, source %s\n", r->lir != NULL ? "LIR" : "maintainer",
		       r->lir != NULL ? r->lir : r->mntner, cfg->source);
		for (size_t i = 0; i < n; i++)
			printf("\n%s: %zu\n%s", section_titles[i], s[i].count, s[i].text.len > 0 ? s[i].text.data : "");
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		*err = xstrdup("cannot write the output");
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < SECTIONS; i++) {
		json_decref(s[i].items);
		strbuf_release(&s[i].text);
	}
	return rc;
}

int rpki_report_cli(const struct config *cfg, struct store *st, int argc, char **argv)
{
	static const struct option options[] = {
		{ "lir", required_argument, NULL, 'l' },
		{ "mntner", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct report r = { 0 };
	struct prefix none = { .family = 4 };
	enum rov_state unused;
	bool is_json = false, is_loaded = false;
	char *err = NULL;
	int c, rc = EXIT_FAILURE, found;

	if (argc < 2 || strcmp(argv[1], "report") != 0) {
		fprintf(stderr, "irrctl rpki: the one command is \"report\"\n");
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 0;   /* GNU getopt starts afresh (main parsed with "+") */
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'l':
			r.lir = optarg;
			break;
		case 'm':
			r.mntner = optarg;
			break;
		case 'j':
			is_json = true;
			break;
		default:
			fprintf(stderr, "usage: irrctl rpki report --lir ID | --mntner M [--json]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (r.lir == NULL) == (r.mntner == NULL)) {
		fprintf(stderr, "irrctl rpki report: needs one of --lir ID or --mntner M\n");
		return EXIT_USAGE;
	}
	if (filter_export_rpki_state(st, &none, 0, &unused, &is_loaded, NULL, &err) < 0)
		goto out;
	if (!is_loaded) {
		err = xstrdup("irrd has not written the VRPs in force to the database (rpki.vrp_file or rpki.rtr unset,"
			      " or not loaded yet); nothing can be reported");
		goto out;
	}
	found = report_collect(st, cfg, &r, &err);
	if (found < 0)
		goto out;
	if (found == 0) {
		err = xasprintf("no LIR \"%s\"", r.lir);
		goto out;
	}
	if (report_write(st, cfg, &r, is_json, &err) < 0)
		goto out;
	rc = EXIT_SUCCESS;
out:
	if (err != NULL)
		fprintf(stderr, "irrctl rpki report: %s\n", err);
	free(err);
	report_release(&r);
	return rc;
}
