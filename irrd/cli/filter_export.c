/*
 * irrctl export filter: collects the routes of an AS or as-set as whois !a does (set
 * expansion, then route/route6 prefixes by origin over the default sources), applies
 * the policy (RPKI state from the VRP table irrd writes, marks of the authorisation
 * list), and hands the result to one output format.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "authlist_mark.h"
#include "filter_export.h"
#include "query.h"
#include "rpki_table.h"
#include "set_expand.h"
#include "vrp.h"
#include "xalloc.h"

#define EXIT_USAGE 2

void filter_export_release(struct filter_export *ex)
{
	for (size_t i = 0; i < ex->count; i++)
		vrp_set_free(ex->items[i].covering);
	free(ex->items);
	ex->items = NULL;
	ex->count = ex->capacity = 0;
}

/* A verified route of our source, from the route_verification table. */
struct mark {
	struct prefix prefix;
	uint32_t origin;
	int64_t entry;
};

struct marks {
	struct mark *items;
	size_t count, capacity;
};

static int mark_compare(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;
	int c = prefix_compare(&x->prefix, &y->prefix);

	if (c != 0)
		return c;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/* Keeps the routes verified by an entry; an override (entry 0) is not a verification by the list. */
static int collect_mark(void *arg, const struct authlist_route_row *row)
{
	struct marks *m = arg;
	struct mark k;

	if (!row->is_marked || row->entry <= 0 || !rpsl_route_key(row->pkey, &k.prefix, &k.origin))
		return 0;
	k.entry = row->entry;
	if (m->count == m->capacity) {
		m->capacity = m->capacity ? m->capacity * 2 : 64;
		m->items = xrealloc(m->items, m->capacity * sizeof(*m->items));
	}
	m->items[m->count++] = k;
	return 0;
}

static int64_t mark_of(const struct marks *m, const struct prefix *p, uint32_t origin)
{
	struct mark k = { .prefix = *p, .origin = origin };
	const struct mark *hit;

	if (m->count == 0)
		return 0;
	hit = bsearch(&k, m->items, m->count, sizeof(k), mark_compare);
	return hit != NULL ? hit->entry : 0;
}

static void push_route(struct filter_export *ex, const struct filter_route *r)
{
	if (ex->count == ex->capacity) {
		ex->capacity = ex->capacity ? ex->capacity * 2 : 64;
		ex->items = xrealloc(ex->items, ex->capacity * sizeof(*ex->items));
	}
	ex->items[ex->count++] = *r;
}

/* Prefix, origin; the order of sources is kept by a stable tie-break on the source rank below. */
struct ranked {
	struct filter_route route;
	size_t rank;
};

static int ranked_compare(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c = prefix_compare(&x->route.prefix, &y->route.prefix);

	if (c != 0)
		return c;
	if (x->route.origin != y->route.origin)
		return x->route.origin < y->route.origin ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

int filter_export_collect(struct store *st, const struct config *cfg, struct filter_export *ex, char **err)
{
	struct query_context ctx = { .st = st, .cfg = cfg };
	struct query_sources srcs;
	struct set_result r = { 0 };
	struct marks marks = { 0 };
	struct ranked *all = NULL;
	size_t all_count = 0, all_capacity = 0;
	uint32_t single;
	const char *why;
	bool is_policy_rpki = ex->policy == ROUTE_POLICY_RPKI || ex->policy == ROUTE_POLICY_STRICT;
	bool is_policy_mark = ex->policy == ROUTE_POLICY_VERIFIED || ex->policy == ROUTE_POLICY_STRICT;
	bool is_loaded = false, is_probed = false;
	int rc = -1;

	filter_export_release(ex);
	if (query_sources_default(&ctx, &srcs) < 0) {
		*err = xstrdup("cannot read the sources");
		return -1;
	}
	if (asn_parse(ex->target, strlen(ex->target), true, &single, &why) == 0) {
		r.found = true;
		r.asns = xmalloc(sizeof(*r.asns));
		r.asns[0] = single;
		r.asn_count = r.asn_capacity = 1;
	} else if (set_expand(&ctx, &srcs, ex->target, true, &r, err) < 0) {
		goto out;
	}
	if (!r.found || r.is_route_set) {
		rc = 0;
		goto out;
	}
	if (authlist_routes_read(st, cfg->source, collect_mark, &marks, err) < 0)
		goto out;
	if (marks.count > 0)
		qsort(marks.items, marks.count, sizeof(*marks.items), mark_compare);

	for (size_t i = 0; i < r.asn_count; i++) {
		for (size_t k = 0; k < srcs.count; k++) {
			struct prefix_vec v = { 0 };

			if (srcs.items[k].id == QUERY_SOURCE_RPKI_ID)
				continue;   /* VRPs are not routes in the IRR */
			if (query_origin_prefixes(&ctx, &srcs.items[k], r.asns[i], ex->family, &v) < 0) {
				prefix_vec_release(&v);
				*err = xstrdup("cannot read the routes");
				goto out;
			}
			for (size_t j = 0; j < v.count; j++) {
				struct ranked e = { .rank = k };

				e.route.prefix = v.items[j];
				e.route.origin = r.asns[i];
				snprintf(e.route.source, sizeof(e.route.source), "%s", srcs.items[k].name);
				if (all_count == all_capacity) {
					all_capacity = all_capacity ? all_capacity * 2 : 256;
					all = xrealloc(all, all_capacity * sizeof(*all));
				}
				all[all_count++] = e;
			}
			prefix_vec_release(&v);
			if (all_count > MAX_SET_MEMBERS) {
				*err = xasprintf("%s has more than %d routes", ex->target, MAX_SET_MEMBERS);
				goto out;
			}
		}
	}
	if (all_count > 0)
		qsort(all, all_count, sizeof(*all), ranked_compare);

	for (size_t i = 0; i < all_count; i++) {
		struct filter_route *fr = &all[i].route;

		if (i > 0 && ranked_compare(&all[i - 1], &all[i]) == 0)
			continue;   /* the same route twice: one object, reached through two ASes of the set */
		fr->mark = strcasecmp(fr->source, cfg->source) == 0 ? mark_of(&marks, &fr->prefix, fr->origin) : 0;
		if (is_policy_mark && fr->mark == 0)
			continue;
		/* the RPKI state is read for every exported route, so every format can show it */
		if (rpki_table_state(st, &fr->prefix, fr->origin, &fr->rpki, &is_loaded, &fr->covering, err) < 0)
			goto out;
		is_probed = true;
		if (!is_loaded && is_policy_rpki) {
			vrp_set_free(fr->covering);
			*err = xasprintf("policy %s: irrd has not written the VRPs in force to the database"
				       " (rpki.vrp_file or rpki.rtr unset, or not loaded yet); nothing can be decided",
				  route_policy_name(ex->policy));
			goto out;
		}
		if (is_policy_rpki && fr->rpki == ROV_INVALID) {
			vrp_set_free(fr->covering);
			continue;
		}
		push_route(ex, fr);
	}
	if (!is_probed) {
		/* nothing exported: still say whether RPKI was known (and refuse as above) */
		struct prefix none = { .family = 4 };
		enum rov_state unused;

		if (rpki_table_state(st, &none, 0, &unused, &is_loaded, NULL, err) < 0)
			goto out;
		if (!is_loaded && is_policy_rpki) {
			*err = xasprintf("policy %s: irrd has not written the VRPs in force to the database"
				       " (rpki.vrp_file or rpki.rtr unset, or not loaded yet); nothing can be decided",
				  route_policy_name(ex->policy));
			goto out;
		}
	}
	ex->is_rpki_loaded = is_loaded;
	rc = 1;
out:
	if (rc < 0)
		filter_export_release(ex);
	free(all);
	free(marks.items);
	set_result_release(&r);
	return rc;
}

void filter_export_each_prefix(const struct filter_export *ex, uint8_t fam,
			       void (*fn)(void *arg, const struct prefix *p, bool is_first), void *arg)
{
	const struct prefix *last = NULL;

	/* routes are sorted by prefix first, so equal prefixes are neighbours */
	for (size_t i = 0; i < ex->count; i++) {
		const struct prefix *p = &ex->items[i].prefix;

		if (fam != 0 && p->family != fam)
			continue;
		if (last != NULL && prefix_compare(last, p) == 0)
			continue;
		fn(arg, p, last == NULL);
		last = p;
	}
}

/* One dispatch over the formats. */
static int (*const writers[])(FILE *, const struct filter_export *) = {
	[FILTER_FORMAT_PLAIN] = filter_out_plain,
	[FILTER_FORMAT_JSON] = filter_out_json,
	[FILTER_FORMAT_BIRD] = filter_out_bird,
	[FILTER_FORMAT_OPENBGPD] = filter_out_openbgpd,
};
static const char *const format_names[] = {
	[FILTER_FORMAT_PLAIN] = "plain",
	[FILTER_FORMAT_JSON] = "json",
	[FILTER_FORMAT_BIRD] = "bird",
	[FILTER_FORMAT_OPENBGPD] = "openbgpd",
};

int filter_export_write(FILE *out, enum filter_format format, const struct filter_export *ex)
{
	if (writers[format](out, ex) < 0)
		return -1;
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/*
 * Words of bgpd.conf's grammar (OpenBGPD 7) that are also valid names: bgpd reads
 * "prefix-set from { ... }" as a syntax error. Keywords are lower case; BIRD's names
 * carry a _v4/_v6 suffix and meet none of its keywords.
 */
static const char *const openbgpd_keywords[] = {
	"allow", "announce", "any", "blackhole", "community", "connected", "deny", "descr", "drop", "dump",
	"ebgp", "enforce", "export", "filtered", "from", "group", "holdtime", "ibgp", "ignore", "import",
	"include", "inet", "inet6", "inherit", "interface", "local", "localpref", "match", "maxlen", "med",
	"metric", "minholdtime", "neighbor", "network", "nexthop", "none", "on", "or", "origin", "out",
	"passive", "password", "pftable", "port", "prefix", "prefixlen", "priority", "qualify", "quick", "rde",
	"reject", "restart", "restricted", "rtable", "rtr", "self", "set", "socket", "static", "tcp",
	"to", "up", "via", "weight", "with",
};

/* A name BIRD and OpenBGPD both take bare: [A-Za-z_][A-Za-z0-9_]*, at most MAX_FILTER_NAME_LENGTH, no keyword. */
static bool is_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MAX_FILTER_NAME_LENGTH || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < sizeof(openbgpd_keywords) / sizeof(openbgpd_keywords[0]); i++)
		if (strcmp(s, openbgpd_keywords[i]) == 0)
			return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* The default name: the target with every other character made '_' ("AS-EXAMPLE" -> "AS_EXAMPLE"). */
static void default_name(const char *target, char out[MAX_FILTER_NAME_LENGTH + 1])
{
	size_t n = 0;

	for (; target[n] != '\0' && n < MAX_FILTER_NAME_LENGTH; n++)
		out[n] = isalnum((unsigned char)target[n]) ? (char)toupper((unsigned char)target[n]) : '_';
	out[n] = '\0';
}

int filter_export_cli(const struct config *cfg, struct store *st, int argc, char **argv)
{
	static const struct option options[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct filter_export ex = { .family = 0 };
	enum filter_format format = FILTER_FORMAT_PLAIN;
	const char *name = NULL;
	bool has_policy = false, is_format_known;
	char *err = NULL;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "filter") != 0) {
		fprintf(stderr, "irrctl export: the exports are \"filter\" and \"dump\"\n");
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 0;   /* 0: GNU getopt starts afresh (main parsed with "+", which stops at the target) */
	while ((c = getopt_long(argc, argv, "46", options, NULL)) != -1) {
		switch (c) {
		case '4':
		case '6':
			if (ex.family != 0) {
				fprintf(stderr, "irrctl export filter: -4 and -6 exclude each other (neither: both)\n");
				return EXIT_USAGE;
			}
			ex.family = c == '4' ? 4 : 6;
			break;
		case 'p':
			if (!route_policy_parse(optarg, &ex.policy)) {
				fprintf(stderr, "irrctl export filter: --policy is irr, rpki, verified or strict, not \"%s\"\n",
					optarg);
				return EXIT_USAGE;
			}
			has_policy = true;
			break;
		case 'f':
			is_format_known = false;
			for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
				if (strcmp(optarg, format_names[i]) == 0) {
					format = (enum filter_format)i;
					is_format_known = true;
				}
			}
			if (!is_format_known) {
				fprintf(stderr, "irrctl export filter: --format is plain, json, bird or openbgpd, not \"%s\"\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'n':
			name = optarg;
			break;
		default:
			fprintf(stderr, "usage: irrctl export filter AS-SET|ASN --policy irr|rpki|verified|strict"
					" [--format plain|json|bird|openbgpd] [--name NAME] [-4|-6]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !has_policy) {
		fprintf(stderr, "irrctl export filter: needs one AS-SET or ASN and --policy irr|rpki|verified|strict\n");
		return EXIT_USAGE;
	}
	ex.target = argv[optind];
	if (name != NULL && !is_valid_name(name)) {
		fprintf(stderr, "irrctl export filter: --name must be letters, digits and '_', not starting with a digit,"
				" at most %d characters, and no word of bgpd.conf (from, prefix, any, ...)\n",
			MAX_FILTER_NAME_LENGTH);
		return EXIT_USAGE;
	}
	if (name != NULL)
		snprintf(ex.name, sizeof(ex.name), "%s", name);
	else
		default_name(ex.target, ex.name);
	if (!is_valid_name(ex.name)) {
		fprintf(stderr, "irrctl export filter: \"%s\" makes no set name; give one with --name\n", ex.target);
		return EXIT_USAGE;
	}
	rc = filter_export_collect(st, cfg, &ex, &err);
	if (rc < 0) {
		fprintf(stderr, "irrctl export filter: %s\n", err);
		free(err);
		return EXIT_FAILURE;
	}
	if (rc == 0) {
		fprintf(stderr, "irrctl export filter: no as-set or AS \"%s\" in the default sources\n", ex.target);
		return EXIT_FAILURE;
	}
	rc = filter_export_write(stdout, format, &ex) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	if (rc != EXIT_SUCCESS)
		fprintf(stderr, "irrctl export filter: cannot write the output\n");
	filter_export_release(&ex);
	return rc;
}
