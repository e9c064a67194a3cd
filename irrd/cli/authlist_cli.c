/*
 * irrctl lir / alloc / authlist: the operator's (and the LIR screens' stand-in)
 * commands over alloc.c, authlist.c and authlist_check.c. `--as-lir ID` acts as
 * staff of that LIR (rule 1 applies, only its entries), `--staff` as registry staff.
 * Exit codes: 0 done, 1 refused or failed, 2 usage.
 */
#include "authlist_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "alloc.h"
#include "asn.h"
#include "authlist.h"
#include "authlist_check.h"
#include "authlist_mark.h"
#include "irr_limits.h"
#include "xalloc.h"

#define EXIT_USAGE 2

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

	puts(s ? s : "null");
	free(s);
	json_decref(j);
}

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "irrctl %s: %s (see irrctl -h and docs/authlist.md)\n", cmd, msg);
	return EXIT_USAGE;
}

static int parse_prefix_arg(const char *cmd, const char *text, struct prefix *p)
{
	const char *why;

	if (prefix_parse(text, strlen(text), 0, p, &why) < 0) {
		fprintf(stderr, "irrctl %s: \"%s\" is not a prefix: %s\n", cmd, text, why);
		return -1;
	}
	return 0;
}

/* ---- lir ---- */

static int lir_show(struct store *st, const char *id, bool json)
{
	struct lir_account lir;
	struct allocation *allocs = NULL;
	size_t n = 0;
	char *err = NULL;
	int rc = lir_get(st, id, &lir, &err);

	if (rc <= 0) {
		fprintf(stderr, "irrctl lir show: %s\n", rc < 0 ? err : "no such LIR account");
		free(err);
		return EXIT_FAILURE;
	}
	if (alloc_list(st, id, &allocs, &n, &err) < 0) {
		fprintf(stderr, "irrctl lir show: %s\n", err);
		free(err);
		return EXIT_FAILURE;
	}
	if (json) {
		json_t *j = lir_json(&lir), *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, alloc_json(&allocs[i]));
		json_object_set_new(j, "allocations", a);
		print_json(j);
	} else {
		printf("lir:        %s\nname:       %s\nemails:     %s\nopaque-id:  %s\nrpsl-ref:   %s\n", lir.id, lir.name,
		       lir.emails, lir.opaque_id, lir.rpsl_ref);
		for (size_t i = 0; i < n; i++) {
			char p[PREFIX_STRLEN];

			prefix_format(&allocs[i].block, p);
			printf("allocation: %s %s %s\n", p, alloc_status_name(allocs[i].status), allocs[i].date);
		}
	}
	free(allocs);
	return EXIT_SUCCESS;
}

static int cmd_lir(struct store *st, int argc, char **argv)
{
	static const struct option options[] = {
		{ "id", required_argument, NULL, 'i' },      { "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },   { "opaque-id", required_argument, NULL, 'o' },
		{ "rpsl-ref", required_argument, NULL, 'r' }, { "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct lir_account lir = { 0 };
	bool json = false;
	char *err = NULL;
	int c;

	if (argc < 2)
		return usage_error("lir", "needs add, list or show");
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", options, NULL)) != -1) {
		switch (c) {
		case 'i': snprintf(lir.id, sizeof(lir.id), "%s", optarg); break;
		case 'n': snprintf(lir.name, sizeof(lir.name), "%s", optarg); break;
		case 'e': {
			size_t l = strlen(lir.emails);

			snprintf(lir.emails + l, sizeof(lir.emails) - l, "%s%s", l ? " " : "", optarg);
			break;
		}
		case 'o': snprintf(lir.opaque_id, sizeof(lir.opaque_id), "%s", optarg); break;
		case 'r': snprintf(lir.rpsl_ref, sizeof(lir.rpsl_ref), "%s", optarg); break;
		case 'j': json = true; break;
		default: return EXIT_USAGE;
		}
	}
	if (strcmp(argv[1], "add") == 0) {
		if (lir_add(st, &lir, &err) < 0) {
			fprintf(stderr, "irrctl lir add: %s\n", err);
			free(err);
			return EXIT_FAILURE;
		}
		printf("LIR account %s added\n", lir.id);
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "show") == 0) {
		/* getopt ran over argv + 1: positional arguments start at argv[optind + 1] */
		if (optind + 1 >= argc)
			return usage_error("lir show", "needs the account id");
		return lir_show(st, argv[optind + 1], json);
	}
	if (strcmp(argv[1], "list") == 0) {
		struct lir_account *all = NULL;
		size_t n = 0;

		if (lir_list(st, &all, &n, &err) < 0) {
			fprintf(stderr, "irrctl lir list: %s\n", err);
			free(err);
			return EXIT_FAILURE;
		}
		if (json) {
			json_t *a = json_array();

			for (size_t i = 0; i < n; i++)
				json_array_append_new(a, lir_json(&all[i]));
			print_json(a);
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%-16s %-40s %s\n", all[i].id, all[i].name, all[i].emails);
		}
		free(all);
		return EXIT_SUCCESS;
	}
	return usage_error("lir", "needs add, list or show");
}

/* ---- alloc ---- */

static void print_check_summary(const struct authlist_check_result *r)
{
	printf("consistency check: %zu entries checked, %zu outside their LIR's allocations (%zu newly flagged);"
	       " %zu route objects checked, %zu the list would now refuse; %zu notifications sent\n",
	       r->entries_checked, r->entries_flagged, r->entries_newly_flagged, r->routes_checked, r->routes_refused,
	       r->notifications);
}

static int alloc_load(struct store *st, const struct config *cfg, enum alloc_format fmt, char **files, int nfiles)
{
	struct alloc_raw *all = NULL;
	size_t count = 0, cap = 0;
	struct strbuf problems;
	struct alloc_reload_result res;
	char *err = NULL;
	int rc = EXIT_FAILURE;

	strbuf_init(&problems);
	for (int f = 0; f < nfiles; f++) {
		size_t len, n;
		char *text = strbuf_read_file(files[f], MAX_SUBMISSION_SIZE * 16, &len);
		struct alloc_raw *recs;

		if (text == NULL) {
			fprintf(stderr, "irrctl alloc load: cannot read %s\n", files[f]);
			goto out;
		}
		strbuf_reset(&problems);
		n = alloc_import_parse(text, len, fmt, cfg->alloc_rpsl_attribute, &recs, &problems);
		free(text);
		if (problems.len > 0) {
			/* every line prefixed with the file name */
			for (char *line = problems.data, *nl; *line; line = nl + 1) {
				nl = strchr(line, '\n');
				/* "line N: why" from the parser becomes "FILE:N: why" */
				printf("skipped: %s:%.*s\n", files[f], (int)(nl - line - 5), line + 5);
			}
		}
		for (size_t i = 0; i < n; i++) {
			all = xgrow(all, &cap, count + 1, sizeof(*all));
			all[count++] = recs[i];
		}
		free(recs);
	}
	if (alloc_reload(st, cfg, fmt, all, count, &res, &err) < 0) {
		fprintf(stderr, "irrctl alloc load: %s; allocations left unchanged\n", err);
		free(err);
		goto out;
	}
	fputs(res.report.data, stdout);
	printf("allocations: %zu added, %zu changed, %zu returned, %zu unchanged, %zu unmapped\n", res.added, res.changed,
	       res.returned, res.unchanged, res.unmapped);
	if (res.returned > 0 || res.moved > 0) {
		/* returns and moves are what the consistency check is for: flag, list, notify */
		struct authlist_check_result check;

		if (authlist_check(st, cfg, AUTHLIST_CHECK_NOTIFY, &check, &err) < 0) {
			fprintf(stderr, "irrctl alloc load: the consistency check failed: %s\n", err);
			free(err);
			alloc_reload_result_release(&res);
			goto out;
		}
		print_check_summary(&check);
		authlist_check_result_release(&check);
	}
	alloc_reload_result_release(&res);
	rc = EXIT_SUCCESS;
out:
	free(all);
	strbuf_release(&problems);
	return rc;
}

static int cmd_alloc(struct store *st, const struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' }, { "lir", required_argument, NULL, 'l' },
		{ "prefix", required_argument, NULL, 'p' }, { "status", required_argument, NULL, 's' },
		{ "date", required_argument, NULL, 'd' },   { "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *lir = NULL, *prefix = NULL, *status = NULL, *date = NULL;
	bool json = false;
	char *err = NULL;
	int c;

	if (argc < 2)
		return usage_error("alloc", "needs load, list or add");
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", options, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'l': lir = optarg; break;
		case 'p': prefix = optarg; break;
		case 's': status = optarg; break;
		case 'd': date = optarg; break;
		case 'j': json = true; break;
		default: return EXIT_USAGE;
		}
	}
	if (strcmp(argv[1], "load") == 0) {
		if (format == NULL || (strcmp(format, "delegated") != 0 && strcmp(format, "rpsl") != 0) || optind + 1 >= argc)
			return usage_error("alloc load", "needs --format delegated|rpsl and at least one FILE");
		return alloc_load(st, cfg, strcmp(format, "delegated") == 0 ? ALLOC_FORMAT_DELEGATED : ALLOC_FORMAT_RPSL,
				  argv + optind + 1, argc - optind - 1);
	}
	if (strcmp(argv[1], "add") == 0) {
		struct prefix p;
		enum alloc_status s;

		if (lir == NULL || prefix == NULL || status == NULL)
			return usage_error("alloc add", "needs --lir, --prefix and --status allocated|assigned|pi");
		if (parse_prefix_arg("alloc add", prefix, &p) < 0)
			return EXIT_USAGE;
		if (strcmp(status, "allocated") == 0)
			s = ALLOC_ALLOCATED;
		else if (strcmp(status, "assigned") == 0)
			s = ALLOC_ASSIGNED;
		else if (strcmp(status, "pi") == 0)
			s = ALLOC_PI;
		else
			return usage_error("alloc add", "--status must be allocated, assigned or pi");
		if (alloc_add_staff(st, cfg, lir, &p, s, date, &err) < 0) {
			fprintf(stderr, "irrctl alloc add: %s\n", err);
			free(err);
			return EXIT_FAILURE;
		}
		printf("allocation %s added to %s\n", prefix, lir);
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "list") == 0) {
		struct allocation *a = NULL;
		size_t n = 0;

		if (alloc_list(st, lir, &a, &n, &err) < 0) {
			fprintf(stderr, "irrctl alloc list: %s\n", err);
			free(err);
			return EXIT_FAILURE;
		}
		if (json) {
			json_t *arr = json_array();

			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr, alloc_json(&a[i]));
			print_json(arr);
		} else {
			for (size_t i = 0; i < n; i++) {
				char p[PREFIX_STRLEN];

				prefix_format(&a[i].block, p);
				printf("%-43s %-12s %-9s %-8s %s\n", p, a[i].lir, alloc_status_name(a[i].status),
				       a[i].date[0] ? a[i].date : "-", a[i].origin);
			}
		}
		free(a);
		return EXIT_SUCCESS;
	}
	return usage_error("alloc", "needs load, list or add");
}

/* ---- authlist ---- */

struct authlist_args {
	struct authlist_actor who;
	bool has_actor, json, desc, flagged, verified, unverified, notify;
	const char *lir, *prefix, *match, *mntner, *origin, *origins, *action, *remarks, *sort, *limit;
};

static int parse_authlist_args(int argc, char **argv, struct authlist_args *a)
{
	static const struct option options[] = {
		{ "as-lir", required_argument, NULL, 'L' },  { "staff", no_argument, NULL, 'S' },
		{ "user", required_argument, NULL, 'u' },    { "lir", required_argument, NULL, 'l' },
		{ "prefix", required_argument, NULL, 'p' },  { "match", required_argument, NULL, 'm' },
		{ "mntner", required_argument, NULL, 'M' },  { "origin", required_argument, NULL, 'o' },
		{ "origins", required_argument, NULL, 'O' }, { "action", required_argument, NULL, 'a' },
		{ "remarks", required_argument, NULL, 'r' }, { "sort", required_argument, NULL, 's' },
		{ "desc", no_argument, NULL, 'd' },          { "limit", required_argument, NULL, 'n' },
		{ "flagged", no_argument, NULL, 'F' },       { "json", no_argument, NULL, 'j' },
		{ "verified", no_argument, NULL, 'v' },      { "unverified", no_argument, NULL, 'U' },
		{ "notify", no_argument, NULL, 'N' },        { NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", options, NULL)) != -1) {
		switch (c) {
		case 'L': a->has_actor = true; snprintf(a->who.lir, sizeof(a->who.lir), "%s", optarg); break;
		case 'S': a->has_actor = true; a->who.is_staff = true; break;
		case 'u': snprintf(a->who.name, sizeof(a->who.name), "%s", optarg); break;
		case 'l': a->lir = optarg; break;
		case 'p': a->prefix = optarg; break;
		case 'm': a->match = optarg; break;
		case 'M': a->mntner = optarg; break;
		case 'o': a->origin = optarg; break;
		case 'O': a->origins = optarg; break;
		case 'a': a->action = optarg; break;
		case 'r': a->remarks = optarg; break;
		case 's': a->sort = optarg; break;
		case 'd': a->desc = true; break;
		case 'n': a->limit = optarg; break;
		case 'F': a->flagged = true; break;
		case 'j': a->json = true; break;
		case 'v': a->verified = true; break;
		case 'U': a->unverified = true; break;
		case 'N': a->notify = true; break;
		default: return -1;
		}
	}
	if (a->who.name[0] == '\0') {
		const char *u = getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");

		snprintf(a->who.name, sizeof(a->who.name), "%s", u ? u : "irrctl");
	}
	return 0;
}

/* Refusals are printed as they are (they name the rule) and exit 1. */
static int outcome(const char *cmd, int rc, char *refusal)
{
	if (rc != 0) {
		fprintf(stderr, "irrctl authlist %s: %s\n", cmd, refusal ? refusal : "failed");
		free(refusal);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* Fills the fields given on the command line into e. 0, or -1 after printing why. */
static int entry_fields(const struct authlist_args *a, struct authlist_entry *e)
{
	char *refusal = NULL;

	if (a->prefix && parse_prefix_arg("authlist", a->prefix, &e->prefix) < 0)
		return -1;
	if (a->action) {
		if (strcmp(a->action, "allow") != 0 && strcmp(a->action, "deny") != 0) {
			fprintf(stderr, "irrctl authlist: --action must be allow or deny\n");
			return -1;
		}
		e->action = strcmp(a->action, "allow") == 0 ? AUTHLIST_ALLOW : AUTHLIST_DENY;
	}
	if (a->mntner)
		snprintf(e->mntner, sizeof(e->mntner), "%s", a->mntner);
	if (a->origins && authlist_parse_origins(a->origins, e, &refusal) < 0) {
		fprintf(stderr, "irrctl authlist: %s\n", refusal);
		free(refusal);
		return -1;
	}
	if (a->remarks)
		snprintf(e->remarks, sizeof(e->remarks), "%s", a->remarks);
	if (a->lir)
		snprintf(e->lir, sizeof(e->lir), "%s", a->lir);
	return 0;
}

static int parse_id(const char *text, int64_t *id)
{
	char *end;

	*id = strtoll(text && text[0] == '#' ? text + 1 : text ? text : "", &end, 10);
	return text && *end == '\0' && *id > 0 ? 0 : -1;
}

static int authlist_list(struct store *st, const struct authlist_args *a, bool is_export)
{
	struct authlist_query q = { .lir = a->lir, .mntner = a->mntner, .descending = a->desc, .flagged_only = a->flagged };
	struct authlist_entry *e = NULL;
	size_t n = 0;
	char *err = NULL;

	/* LIR staff see their own LIR's entries only */
	if (a->has_actor && !a->who.is_staff)
		q.lir = a->who.lir;
	if (a->prefix) {
		if (parse_prefix_arg("authlist list", a->prefix, &q.prefix) < 0)
			return EXIT_USAGE;
		q.has_prefix = true;
		q.match = AUTHLIST_MATCH_EXACT;
		if (a->match && strcmp(a->match, "less") == 0)
			q.match = AUTHLIST_MATCH_LESS;
		else if (a->match && strcmp(a->match, "more") == 0)
			q.match = AUTHLIST_MATCH_MORE;
		else if (a->match && strcmp(a->match, "exact") != 0)
			return usage_error("authlist list", "--match must be exact, less or more");
	}
	if (a->origin) {
		const char *why;

		if (asn_parse(a->origin, strlen(a->origin), false, &q.origin, &why) < 0)
			return usage_error("authlist list", "--origin must be an AS number");
		q.has_origin = true;
	}
	if (a->sort) {
		static const char *const names[] = { "id", "prefix", "mntner", "origin" };
		bool ok = false;

		for (int i = 0; i < 4; i++) {
			if (strcmp(a->sort, names[i]) == 0) {
				q.sort = (enum authlist_sort)i;
				ok = true;
			}
		}
		if (!ok)
			return usage_error("authlist list", "--sort must be id, prefix, mntner or origin");
	}
	if (a->limit)
		q.limit = (size_t)strtoul(a->limit, NULL, 10);
	if (authlist_search(st, &q, &e, &n, &err) < 0) {
		fprintf(stderr, "irrctl authlist list: %s\n", err);
		free(err);
		return EXIT_FAILURE;
	}
	if (a->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, authlist_entry_json(&e[i]));
		print_json(arr);
	} else {
		struct strbuf out;

		strbuf_init(&out);
		authlist_format_text(e, n, &out);
		if (!is_export)
			strbuf_printf(&out, "# %zu entr%s\n", n, n == 1 ? "y" : "ies");
		fputs(out.data, stdout);
		strbuf_release(&out);
	}
	free(e);
	return EXIT_SUCCESS;
}

/* What `authlist routes` asked for, and where it goes. */
struct routes_printer {
	bool verified;
	json_t *arr;            /* --json: collected; else printed at once */
};

static int print_route(void *arg, const struct authlist_route_row *row)
{
	struct routes_printer *p = arg;

	if (row->is_marked != p->verified)
		return 0;
	if (p->arr)
		json_array_append_new(p->arr, json_pack("{s:s, s:s, s:I}", "class", row->cls, "key", row->pkey, "entry",
							(json_int_t)row->entry));
	else if (row->is_marked && row->entry > 0)
		printf("%-7s %-50s verified by authorisation list entry #%lld\n", row->cls, row->pkey, (long long)row->entry);
	else if (row->is_marked)
		printf("%-7s %-50s accepted by the registry staff override\n", row->cls, row->pkey);
	else
		printf("%-7s %-50s not verified by the authorisation list\n", row->cls, row->pkey);
	return 0;
}

/* Route objects of our source with their mark, or without one. */
static int authlist_routes(struct store *st, const struct config *cfg, const struct authlist_args *a)
{
	struct routes_printer p = { .verified = a->verified };
	char *err = NULL;

	if (a->verified == a->unverified)
		return usage_error("authlist routes", "needs --verified or --unverified");
	p.arr = a->json ? json_array() : NULL;
	if (authlist_routes_read(st, cfg->source, print_route, &p, &err) < 0) {
		fprintf(stderr, "irrctl authlist routes: %s\n", err);
		free(err);
		json_decref(p.arr);
		return EXIT_FAILURE;
	}
	if (p.arr)
		print_json(p.arr);
	return EXIT_SUCCESS;
}

static int cmd_authlist(struct store *st, const struct config *cfg, int argc, char **argv)
{
	struct authlist_args a;
	const char *sub = argc > 1 ? argv[1] : "";
	char *refusal = NULL;
	int rc;

	if (parse_authlist_args(argc, argv, &a) < 0)
		return EXIT_USAGE;
	if (strcmp(sub, "list") == 0 || strcmp(sub, "export") == 0)
		return authlist_list(st, &a, strcmp(sub, "export") == 0);
	if (strcmp(sub, "routes") == 0)
		return authlist_routes(st, cfg, &a);
	if (strcmp(sub, "check") == 0) {
		struct authlist_check_result res;
		char *err = NULL;

		if (authlist_check(st, cfg, (a.notify ? AUTHLIST_CHECK_NOTIFY : 0) | (a.json ? AUTHLIST_CHECK_FINDINGS : AUTHLIST_CHECK_REPORT),
				   &res, &err) < 0) {
			fprintf(stderr, "irrctl authlist check: %s\n", err);
			free(err);
			return EXIT_FAILURE;
		}
		if (a.json) {
			json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:O}", "entries_checked", (json_int_t)res.entries_checked,
					      "entries_flagged", (json_int_t)res.entries_flagged, "routes_checked",
					      (json_int_t)res.routes_checked, "routes_refused", (json_int_t)res.routes_refused,
					      "notifications", (json_int_t)res.notifications, "findings", res.findings);

			print_json(j);
		} else {
			fputs(res.report.data, stdout);
		}
		authlist_check_result_release(&res);
		return EXIT_SUCCESS;
	}
	if (!a.has_actor)
		return usage_error("authlist", "add, change and delete need --as-lir ID or --staff");
	if (strcmp(sub, "add") == 0) {
		struct authlist_entry e = { .action = AUTHLIST_ALLOW };
		int64_t id = 0;

		if (a.prefix == NULL || a.mntner == NULL || a.action == NULL)
			return usage_error("authlist add", "needs --prefix, --action allow|deny and --mntner");
		if (a.who.is_staff && a.lir == NULL)
			return usage_error("authlist add", "registry staff name the LIR the entry belongs to with --lir");
		if (entry_fields(&a, &e) < 0)
			return EXIT_FAILURE;
		rc = authlist_add(st, cfg, &a.who, &e, &id, &refusal);
		if (rc == 0) {
			if (a.json) {
				struct authlist_entry saved;
				char *err = NULL;

				if (authlist_get(st, id, &saved, &err) == 1)
					print_json(authlist_entry_json(&saved));
				free(err);
			} else {
				printf("entry #%lld added\n", (long long)id);
			}
		}
		return outcome("add", rc, refusal);
	}
	if (strcmp(sub, "change") == 0 || strcmp(sub, "delete") == 0) {
		struct authlist_entry e;
		int64_t id;
		char *err = NULL;

		if (optind + 1 >= argc || parse_id(argv[optind + 1], &id) < 0)
			return usage_error(sub, "needs the entry id (#N or N)");
		if (strcmp(sub, "delete") == 0) {
			rc = authlist_delete(st, cfg, &a.who, id, &refusal);
			if (rc == 0)
				printf("entry #%lld deleted\n", (long long)id);
			return outcome("delete", rc, refusal);
		}
		rc = authlist_get(st, id, &e, &err);
		if (rc <= 0) {
			fprintf(stderr, "irrctl authlist change: %s\n", rc < 0 ? err : "no such entry");
			free(err);
			return EXIT_FAILURE;
		}
		if (entry_fields(&a, &e) < 0)
			return EXIT_FAILURE;
		rc = authlist_change(st, cfg, &a.who, &e, &refusal);
		if (rc == 0)
			printf("entry #%lld changed\n", (long long)id);
		return outcome("change", rc, refusal);
	}
	return usage_error("authlist", "needs add, change, delete, list, export, check or routes");
}

int authlist_cli(const struct config *cfg, struct store *st, const char *command, int argc, char **argv)
{
	if (strcmp(command, "lir") == 0)
		return cmd_lir(st, argc, argv);
	if (strcmp(command, "alloc") == 0)
		return cmd_alloc(st, cfg, argc, argv);
	return cmd_authlist(st, cfg, argc, argv);
}
