/* irrctl export dump; see dump_cli.h. */
#include "dump_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "dump_export.h"
#include "irr_limits.h"

#define EXIT_USAGE 2

int dump_cli(const struct config *cfg, struct store *st, int argc, char **argv)
{
	static const struct option options[] = {
		{ "source", required_argument, NULL, 's' },
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sources[MAX_QUERY_SOURCES], *dir = cfg->dump_dir;
	size_t count = 0;
	int c, rc = EXIT_SUCCESS;

	optind = 0;   /* GNU getopt starts afresh (main parsed with "+") */
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (count == MAX_QUERY_SOURCES) {
				fprintf(stderr, "irrctl export dump: at most %d sources\n", MAX_QUERY_SOURCES);
				return EXIT_USAGE;
			}
			sources[count++] = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: irrctl export dump [--source NAME]... [--dir DIR]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc || dir == NULL) {
		fprintf(stderr, "irrctl export dump: %s\n", optind != argc ? "unexpected arguments"
								    : "no directory: give --dir or set dump.dir");
		return EXIT_USAGE;
	}
	if (count == 0)
		count = dump_sources(cfg, sources);   /* none named: what irrd's timer dumps */
	for (size_t i = 0; i < count; i++) {
		struct dump_result res;
		char *err = NULL;
		int done = dump_export(st, sources[i], dir, &res, &err);

		if (done == 1) {
			printf("%s: %llu objects (%llu bytes before gzip) at serial %lld in %s\n", sources[i],
			       (unsigned long long)res.objects, (unsigned long long)res.bytes, (long long)res.serial,
			       res.path);
			continue;
		}
		fprintf(stderr, "irrctl export dump: %s: %s\n", sources[i], done == 0 ? "no such source" : err);
		free(err);
		rc = EXIT_FAILURE;
	}
	return rc;
}
