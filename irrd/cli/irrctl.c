/*
 * irrctl: the operator's command-line tool. Exit codes: 0 success, 1 the operation
 * failed (for load: also refused by a guard, nothing committed; a load with a few
 * skipped objects is still 0), 2 usage or configuration error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "authlist_cli.h"
#include "ca_cli.h"
#include "dump_cli.h"
#include "filter_export.h"
#include "mirror_cli.h"
#include "rpki_report.h"
#include "config.h"
#include "loader.h"
#include "notify.h"
#include "log.h"
#include "store.h"
#include "store_read.h"
#include "signed_input.h"
#include "authlist.h"
#include "authlist_enforce.h"
#include "update.h"
#include "version.h"

#define EXIT_USAGE 2

static void usage(FILE *out)
{
	fputs("usage: irrctl -c CONFIG COMMAND [ARGS]\n"
	      "commands:\n"
	      "  load --source NAME [--serial N] [--verbose] [--max-skipped PERCENT] [--max-shrink PERCENT]\n"
	      "       [--force] [--allow-empty] FILE...\n"
	      "                        replace source NAME with the objects in the RPSL dump FILEs\n"
	      "                        (plain or gzip); prints skipped objects and a summary. Refuses\n"
	      "                        (commits nothing, exit 1) binary input, more than PERCENT\n"
	      "                        (default 10) skipped objects, a source shrinking by more than\n"
	      "                        PERCENT (default 50) unless --force, and input without objects\n"
	      "                        unless --allow-empty\n"
	      "  submit [--dry-run] [--signature SIGFILE] < FILE\n"
	      "                        process a submission (objects, password:, override:, delete:)\n"
	      "                        and print the report; exit 1 when an object failed. FILE may be\n"
	      "                        PGP clear-signed or CMS SignedData (PEM/DER); SIGFILE a detached\n"
	      "                        PGP or CMS signature over FILE\n"
	      "  lir add|list|show ...   LIR accounts (docs/authlist.md)\n"
	      "  alloc load|list|add ... allocation data: --format delegated|rpsl FILE...\n"
	      "  authlist add|change|delete|list|export|check|routes (--as-lir ID | --staff) ...\n"
	      "                        the authorisation list (docs/authlist.md)\n"
	      "  ca init|issue|renew|revoke|list|show|crl|verify ...\n"
	      "                        the registry's certificate authority (docs/ca.md)\n"
	      "  export filter AS-SET|ASN --policy irr|rpki|verified|strict [--format plain|json|bird|openbgpd]\n"
	      "       [--name NAME] [-4|-6]\n"
	      "                        the prefixes the AS or as-set may announce, as a router filter\n"
	      "                        (docs/rpki.md, \"Filter export\")\n"
	      "  rpki report --lir ID | --mntner M [--json]\n"
	      "                        routes RPKI-invalid or verified without a ROA, list entries and VRPs\n"
	      "                        that disagree (docs/irrctl.md)\n"
	      "  notify list|send [--all]\n"
	      "                        the notification queue: list what waits; send what is due\n"
	      "                        (--all: everything now); exit 1 while messages stay queued\n"
	      "  show [--source NAME] CLASS KEY\n"
	      "                        print one object\n"
	      "  sources               list sources with serials and object counts\n"
	      "  version               print the version\n",
	      out);
}

/* Parses --max-skipped: a percentage from 0 to 100, "%" optional. */
static bool parse_percent(const char *text, double *out)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text)
		return false;
	if (*end == '%')
		end++;
	if (*end != '\0' || !(v >= 0.0 && v <= 100.0))
		return false;
	*out = v;
	return true;
}

/* Explains a load refused by a guard: what was found, the limit, how to override. */
static void explain_refusal(const struct loader_options *opts, const struct loader_result *res, const char *why)
{
	fprintf(stderr, "irrctl load: refused: %s.\n", why);
	fprintf(stderr, "irrctl load: nothing was committed; source %s is unchanged.\n", opts->source);
	if (res->refused & LOADER_REFUSED_BINARY) {
		fprintf(stderr, "irrctl load: check that the FILE arguments are RPSL dumps; --force skips objects"
				" with NUL bytes as bad objects instead.\n");
		return;
	}
	if (res->skipped > 0)
		fprintf(stderr, "irrctl load: the skipped objects and why are listed on standard output.\n");
	if (res->refused & LOADER_REFUSED_SKIPPED)
		fprintf(stderr, "irrctl load: if the input is right, raise --max-skipped PERCENT (now %g) or use --force"
				" to load the valid objects anyway.\n", opts->max_skipped_percent);
	if (res->refused & LOADER_REFUSED_SHRINK)
		fprintf(stderr, "irrctl load: if the source really shrank, raise --max-shrink PERCENT (now %g) or use"
				" --force.\n", opts->max_shrink_percent);
	if (res->refused & LOADER_REFUSED_EMPTY)
		fprintf(stderr, "irrctl load: to empty source %s deliberately, use --allow-empty%s.\n", opts->source,
			res->refused & LOADER_REFUSED_SKIPPED ? " (with --force)" : "");
}

/* Inside the load's transaction: authlist_marks_refresh_all for our source. */
static int reload_marks(void *arg, struct store *st, char **err)
{
	return authlist_marks_refresh_all(st, arg, err);
}

static int cmd_load(struct store *st, const struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "source", required_argument, NULL, 's' },
		{ "serial", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "max-skipped", required_argument, NULL, 'm' },
		{ "max-shrink", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' },
		{ "allow-empty", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct loader_options opts = { .report = stdout, .max_skipped_percent = LOADER_DEFAULT_MAX_SKIPPED_PERCENT,
				       .max_shrink_percent = LOADER_DEFAULT_MAX_SHRINK_PERCENT };
	struct loader_result res;
	bool is_forced = false;
	char *err = NULL, *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:n:v", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (strcasecmp(optarg, RPKI_PSEUDO_SOURCE_NAME) == 0) {
				fprintf(stderr, "irrctl load: RPKI is the name of the pseudo-source of the VRPs;"
						" a stored source cannot take it\n");
				return EXIT_USAGE;
			}
			opts.source = optarg;
			break;
		case 'n':
			opts.serial = strtoll(optarg, &end, 10);
			if (*end != '\0' || opts.serial <= 0) {
				fprintf(stderr, "irrctl load: --serial must be a positive number\n");
				return EXIT_USAGE;
			}
			break;
		case 'v':
			opts.verbose = true;
			break;
		case 'm':
			if (!parse_percent(optarg, &opts.max_skipped_percent)) {
				fprintf(stderr, "irrctl load: --max-skipped must be a percentage from 0 to 100, not \"%s\"\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'k':
			if (!parse_percent(optarg, &opts.max_shrink_percent)) {
				fprintf(stderr, "irrctl load: --max-shrink must be a percentage from 0 to 100, not \"%s\"\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			is_forced = true;
			break;
		case 'e':
			opts.allow_empty = true;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (opts.source == NULL || optind >= argc) {
		fprintf(stderr, "irrctl load: needs --source NAME and at least one FILE\n");
		return EXIT_USAGE;
	}
	if (is_forced) {
		opts.max_skipped_percent = 100.0;
		opts.max_shrink_percent = 100.0;
		opts.skip_binary = true;
	}
	/* a reload of our own source: the routes' marks must say what the list decides of the new objects */
	if (strcasecmp(opts.source, cfg->source) == 0) {
		opts.before_commit = reload_marks;
		opts.before_commit_arg = (void *)cfg;
	}
	if (loader_run(st, &opts, argv + optind, (size_t)(argc - optind), &res, &err) < 0) {
		fflush(stdout);
		if (res.refused != 0)
			explain_refusal(&opts, &res, err);
		else
			fprintf(stderr, "irrctl load: %s; source %s left unchanged\n", err, opts.source);
		free(err);
		return EXIT_FAILURE;
	}
	printf("loaded %llu objects, skipped %llu\n", (unsigned long long)res.loaded,
	       (unsigned long long)res.skipped);
	return EXIT_SUCCESS;
}

static int cmd_submit(struct store *st, const struct config *cfg, int argc, char **argv)
{
	struct update_request req = { .channel = "irrctl", .origin = "irrctl submit" };
	struct update_route_check route_check;
	struct authlist_hook_state route_check_state;
	struct update_result res;
	struct signed_input si;
	const char *sig_path = NULL;
	char *text, *sig = NULL, *err = NULL;
	size_t len, sig_len = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0) {
			req.dry_run = true;
		} else if (strcmp(argv[i], "--signature") == 0 && i + 1 < argc) {
			sig_path = argv[++i];
		} else {
			fprintf(stderr, "irrctl submit: unknown argument \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (sig_path != NULL && (sig = strbuf_read_file(sig_path, MAX_SUBMISSION_SIZE, &sig_len)) == NULL) {
		fprintf(stderr, "irrctl submit: cannot read the signature file %s\n", sig_path);
		return EXIT_USAGE;
	}
	text = strbuf_read_file(NULL, MAX_SUBMISSION_SIZE, &len);
	if (text == NULL) {
		fprintf(stderr, "irrctl submit: cannot read the submission (larger than %d bytes?)\n", MAX_SUBMISSION_SIZE);
		free(sig);
		return EXIT_USAGE;
	}
	signed_input_init(&si);
	if (signed_input_open(st, cfg, text, len, sig, sig_len, &si, &err) < 0) {
		fprintf(stderr, "irrctl submit: %s\n", err);
		free(err);
		rc = EXIT_FAILURE;
		goto out;
	}
	req.text = si.text.data;
	req.len = si.text.len;
	req.identities = si.identities;
	req.identity_count = si.identity_count;
	req.notes = si.notes.data;
	req.refusal = si.refusal;
	/* the authorisation list is this channel's route check */
	authlist_hook_init(&route_check, &route_check_state, st, cfg);
	req.route_check = &route_check;
	if (update_run(st, cfg, &req, &res, &err) < 0) {
		fputs(res.report.data, stdout);
		fprintf(stderr, "irrctl submit: %s\n", err);
		free(err);
		rc = EXIT_FAILURE;
	} else {
		fputs(res.report.data, stdout);
		rc = res.failed > 0 || res.found == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	strbuf_release(&res.report);
out:
	signed_input_release(&si);
	free(text);
	free(sig);
	return rc;
}

/* notify list | notify send [--all] */
static int cmd_notify(struct store *st, const struct config *cfg, int argc, char **argv)
{
	struct strbuf out;
	char *err = NULL;
	int rc = EXIT_SUCCESS;

	strbuf_init(&out);
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		if (notify_queue_list(st, &out, &err) < 0)
			goto fail;
		fputs(out.data, stdout);
	} else if ((argc == 2 || (argc == 3 && strcmp(argv[2], "--all") == 0)) && strcmp(argv[1], "send") == 0) {
		time_t now = time(NULL);
		int left;

		if (argc == 3 && notify_queue_make_due(st, now, &err) < 0)
			goto fail;
		left = notify_queue_deliver(st, cfg, 0, 0, now, &out, &err);
		if (left < 0)
			goto fail;
		fputs(out.data, stdout);
		printf("%d still queued, %lld in the queue\n", left, (long long)notify_queue_count(st));
		rc = left > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	} else {
		fprintf(stderr, "irrctl notify: list | send [--all]\n");
		rc = EXIT_USAGE;
	}
	strbuf_release(&out);
	return rc;
fail:
	fprintf(stderr, "irrctl notify: %s\n", err);
	free(err);
	strbuf_release(&out);
	return EXIT_FAILURE;
}

static int cmd_show(struct store *st, const struct config *cfg, int argc, char **argv)
{
	const char *source = cfg->source;
	char *text = NULL, *err = NULL;
	int rc, argi = 1;

	if (argc > 2 && strcmp(argv[1], "--source") == 0) {
		source = argv[2];
		argi = 3;
	}
	if (argc - argi != 2) {
		fprintf(stderr, "irrctl show: needs CLASS and KEY\n");
		return EXIT_USAGE;
	}
	rc = store_get_object_text(st, source, argv[argi], argv[argi + 1], &text, &err);
	if (rc < 0) {
		fprintf(stderr, "irrctl show: %s\n", err);
		free(err);
		return EXIT_FAILURE;
	}
	if (rc == 0) {
		fprintf(stderr, "irrctl show: no %s %s in source %s\n", argv[argi], argv[argi + 1], source);
		return EXIT_FAILURE;
	}
	fputs(text, stdout);
	free(text);
	return EXIT_SUCCESS;
}

static int print_source(void *arg, const struct store_source_row *row)
{
	struct store *st = arg;
	int64_t objects = store_count_objects(st, row->name, NULL);

	printf("%-16s %12lld %12lld %10lld %10lld\n", row->name, (long long)row->serial_oldest,
	       (long long)row->serial_newest, (long long)row->generation, (long long)objects);
	return 0;
}

static int cmd_sources(struct store *st)
{
	char *err = NULL;

	printf("%-16s %12s %12s %10s %10s\n", "source", "oldest", "newest", "reloads", "objects");
	if (store_read_sources(st, NULL, print_source, st, &err) < 0) {
		fprintf(stderr, "irrctl sources: %s\n", err);
		free(err);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	struct config *cfg = NULL;
	struct store *st = NULL;
	char *err = NULL;
	int c, rc = EXIT_USAGE;

	log_set_program("irrctl");
	/* a helper (sendmail) that exits early must cost an error message, not the report */
	signal(SIGPIPE, SIG_IGN);
	while ((c = getopt(argc, argv, "+c:hV")) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("irrctl (routereg) %s\n", ROUTEREG_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[0], "version") == 0) {
		printf("irrctl (routereg) %s\n", ROUTEREG_VERSION);
		return EXIT_SUCCESS;
	}
	if (config_path == NULL) {
		fprintf(stderr, "irrctl: -c CONFIG is required\n");
		return EXIT_USAGE;
	}
	if (config_load(config_path, &cfg, &err) < 0) {
		fprintf(stderr, "irrctl: %s\n", err);
		goto out;
	}
	log_set_level(cfg->log_level);
	if (store_open(cfg->database, STORE_READ_WRITE, &st, &err) < 0) {
		fprintf(stderr, "irrctl: %s\n", err);
		rc = EXIT_FAILURE;
		goto out;
	}
	if (strcmp(argv[0], "load") == 0) {
		rc = cmd_load(st, cfg, argc, argv);
	} else if (strcmp(argv[0], "lir") == 0 || strcmp(argv[0], "alloc") == 0 || strcmp(argv[0], "authlist") == 0) {
		rc = authlist_cli(cfg, st, argv[0], argc, argv);
	} else if (strcmp(argv[0], "ca") == 0) {
		rc = ca_cli(cfg, st, argc, argv);
	} else if (strcmp(argv[0], "export") == 0 && argc > 1 && strcmp(argv[1], "dump") == 0) {
		rc = dump_cli(cfg, st, argc - 1, argv + 1);
	} else if (strcmp(argv[0], "export") == 0) {
		rc = filter_export_cli(cfg, st, argc, argv);
	} else if (strcmp(argv[0], "mirror") == 0) {
		rc = mirror_cli(cfg, st, argc, argv);
	} else if (strcmp(argv[0], "rpki") == 0) {
		rc = rpki_report_cli(cfg, st, argc, argv);
	} else if (strcmp(argv[0], "submit") == 0) {
		rc = cmd_submit(st, cfg, argc, argv);
	} else if (strcmp(argv[0], "show") == 0) {
		rc = cmd_show(st, cfg, argc, argv);
	} else if (strcmp(argv[0], "notify") == 0) {
		rc = cmd_notify(st, cfg, argc, argv);
	} else if (strcmp(argv[0], "sources") == 0) {
		rc = cmd_sources(st);
	} else {
		fprintf(stderr, "irrctl: unknown command \"%s\"\n", argv[0]);
		usage(stderr);
		rc = EXIT_USAGE;
	}
out:
	free(err);
	store_close(st);
	config_free(cfg);
	return rc;
}
