/* irrctl mirror status | reload SOURCE; see mirror_cli.h. */
#include "mirror_cli.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mirror.h"
#include "timefmt.h"

#define EXIT_USAGE 2

static json_t *time_json(int64_t t)
{
	char text[TIMEFMT_UTC_SIZE];

	if (t <= 0)
		return json_null();
	timefmt_utc((time_t)t, text);
	return json_string(text);
}

/* One line per mirrored source, or a JSON array. 0, or 1 when one is stalled or the store failed. */
static int status(const struct config *cfg, struct store *st, bool is_json)
{
	json_t *all = json_array();
	time_t now = time(NULL);
	int rc = EXIT_SUCCESS;

	for (size_t i = 0; i < cfg->mirror_count; i++) {
		const struct mirror_config *m = &cfg->mirrors[i];
		struct mirror_state s;
		char *err = NULL, success[TIMEFMT_UTC_SIZE] = "never", progress[TIMEFMT_UTC_SIZE] = "never";
		bool is_stalled;
		int64_t since;

		if (mirror_state_read(st, m->source, &s, &err) < 0) {
			fprintf(stderr, "irrctl mirror status: %s\n", err);
			free(err);
			json_decref(all);
			return EXIT_FAILURE;
		}
		is_stalled = mirror_is_stalled(m, &s, now);
		since = s.last_progress > 0 ? s.last_progress : s.last_success;
		if (is_stalled)
			rc = EXIT_FAILURE;
		if (is_json) {
			json_array_append_new(all, json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:s?, s:I, s:b, s:o, s:s, s:s?}",
				"source", m->source, "serial", (json_int_t)s.serial, "last_attempt", time_json(s.last_attempt),
				"last_success", time_json(s.last_success), "last_progress", time_json(s.last_progress),
				"last_error_at", time_json(s.last_error_at), "last_error", s.last_error[0] ? s.last_error : NULL,
				"failures", (json_int_t)s.failures, "stalled", is_stalled,
				"seconds_since_progress", since > 0 ? json_integer(now - since) : json_null(),
				"nrtm", m->nrtm, "dump", m->dump));
			continue;
		}
		if (s.last_success > 0)
			timefmt_utc((time_t)s.last_success, success);
		if (s.last_progress > 0)
			timefmt_utc((time_t)s.last_progress, progress);
		printf("%s: serial %lld, last success %s, last progress %s, %lld failures in a row%s%s%s\n", m->source,
		       (long long)s.serial, success, progress, (long long)s.failures, is_stalled ? ", STALLED" : "",
		       s.last_error[0] ? "; last error: " : "", s.last_error);
	}
	if (is_json) {
		char *dump = json_dumps(all, JSON_INDENT(2));

		printf("%s\n", dump);
		free(dump);
	}
	json_decref(all);
	return rc;
}

int mirror_cli(const struct config *cfg, struct store *st, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "status") == 0 && (argc == 2 || (argc == 3 && strcmp(argv[2], "--json") == 0)))
		return status(cfg, st, argc == 3);
	if (argc == 3 && strcmp(argv[1], "reload") == 0) {
		char source[MAX_SOURCE_NAME_LENGTH + 1];
		size_t n = strlen(argv[2]);
		char *err = NULL;
		bool is_known = false;

		for (size_t i = 0; i < n && i < MAX_SOURCE_NAME_LENGTH; i++)
			source[i] = (char)toupper((unsigned char)argv[2][i]);
		source[n < MAX_SOURCE_NAME_LENGTH ? n : MAX_SOURCE_NAME_LENGTH] = '\0';
		for (size_t i = 0; i < cfg->mirror_count; i++)
			is_known = is_known || strcmp(cfg->mirrors[i].source, source) == 0;
		if (!is_known) {
			fprintf(stderr, "irrctl mirror reload: %s is not a mirrored source (no mirror.%s.* keys)\n", source,
				source);
			return EXIT_FAILURE;
		}
		if (mirror_request_reload(st, source, &err) < 0) {
			fprintf(stderr, "irrctl mirror reload: %s\n", err);
			free(err);
			return EXIT_FAILURE;
		}
		printf("%s: a full reload from the dump at irrd's next mirror run\n", source);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "usage: irrctl mirror status [--json] | reload SOURCE\n");
	return EXIT_USAGE;
}
