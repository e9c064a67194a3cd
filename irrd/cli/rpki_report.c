/*
 * irrctl rpki report --lir ID | --mntner M [--json]: where the routes of our source
 * and the RPKI disagree, for one LIR (routes in its allocations) or one maintainer
 * (routes it maintains), against the VRPs irrd has in force (the rpki_vrp table).
 * The findings themselves are rpki_findings.c's; this file parses and prints.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rpki_findings.h"
#include "rpki_report.h"
#include "xalloc.h"

#define EXIT_USAGE 2

/* The findings, in plain text (a header, each kind's title with its count and lines) or as one JSON object. */
static int report_write(const struct config *cfg, const struct rpki_findings_scope *scope,
			const struct rpki_findings *f, bool is_json, char **err)
{
	/* a maintainer has no list entries or allocations: the two route kinds only */
	size_t kinds = scope->lir != NULL ? RPKI_FINDING_KINDS : RPKI_FINDING_ENTRY_DISAGREES;

	if (is_json) {
		json_t *root = json_object();
		char *dump;

		json_object_set_new(root, "source", json_string(cfg->source));
		json_object_set_new(root, scope->lir != NULL ? "lir" : "mntner",
				    json_string(scope->lir != NULL ? scope->lir : scope->mntner));
		for (size_t k = 0; k < kinds; k++) {
			json_t *items = json_array();

			for (size_t i = 0; i < f->count; i++)
				if (f->items[i].kind == k)
					json_array_append(items, f->items[i].json);
			json_object_set_new(root, rpki_finding_kind_name(k), items);
		}
		dump = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
		json_decref(root);
		if (dump == NULL || printf("%s\n", dump) < 0) {
			free(dump);
			*err = xstrdup("cannot write the output");
			return -1;
		}
		free(dump);
	} else {
		printf("RPKI report for %s %s, source %s\n", scope->lir != NULL ? "LIR" : "maintainer",
		       scope->lir != NULL ? scope->lir : scope->mntner, cfg->source);
		for (size_t k = 0; k < kinds; k++) {
			size_t n = 0;

			for (size_t i = 0; i < f->count; i++)
				n += f->items[i].kind == k;
			printf("\n%s: %zu\n", rpki_finding_kind_title(k), n);
			for (size_t i = 0; i < f->count; i++)
				if (f->items[i].kind == k)
					printf("  %s\n", f->items[i].line);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		*err = xstrdup("cannot write the output");
		return -1;
	}
	return 0;
}

int rpki_report_cli(const struct config *cfg, struct store *st, int argc, char **argv)
{
	static const struct option options[] = {
		{ "lir", required_argument, NULL, 'l' },
		{ "mntner", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct rpki_findings_scope scope = { 0 };
	struct rpki_findings findings = { 0 };
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
			scope.lir = optarg;
			break;
		case 'm':
			scope.mntner = optarg;
			break;
		case 'j':
			is_json = true;
			break;
		default:
			fprintf(stderr, "usage: irrctl rpki report --lir ID | --mntner M [--json]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (scope.lir == NULL) == (scope.mntner == NULL)) {
		fprintf(stderr, "irrctl rpki report: needs one of --lir ID or --mntner M\n");
		return EXIT_USAGE;
	}
	if (rpki_findings_vrps_loaded(st, &is_loaded, &err) < 0)
		goto out;
	if (!is_loaded) {
		err = xstrdup("irrd has not written the VRPs in force to the database (rpki.vrp_file or rpki.rtr unset,"
			      " or not loaded yet); nothing can be reported");
		goto out;
	}
	found = rpki_findings_collect(st, cfg, &scope, &findings, &err);
	if (found < 0)
		goto out;
	if (found == 0) {
		err = scope.lir != NULL ? xasprintf("no LIR \"%s\"", scope.lir)
					: xasprintf("no maintainer \"%s\" in %s", scope.mntner, cfg->source);
		goto out;
	}
	if (report_write(cfg, &scope, &findings, is_json, &err) < 0)
		goto out;
	rc = EXIT_SUCCESS;
out:
	if (err != NULL)
		fprintf(stderr, "irrctl rpki report: %s\n", err);
	free(err);
	rpki_findings_release(&findings);
	return rc;
}
