/* Dump loading; see loader.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loader.h"
#include "rpsl_parse.h"
#include "rpsl_reader.h"
#include "rpsl_render.h"
#include "store_write.h"
#include "strbuf.h"
#include "xalloc.h"

/* One line naming where the object was and what it was, for reports. */
static void describe(FILE *out, const char *file, uint32_t line, const struct rpsl_object *obj,
		     const char *verdict)
{
	fprintf(out, "%s:%u: %s", file, line, verdict);
	if (obj != NULL && obj->cls != NULL)
		fprintf(out, " %s %s", obj->cls->name, obj->pkey ? obj->pkey : "(no key)");
	fputs(": ", out);
}

static void report_messages(FILE *out, const struct rpsl_object *obj, enum rpsl_severity sev)
{
	bool first = true;

	for (size_t i = 0; i < obj->message_count; i++) {
		const struct rpsl_message *m = &obj->messages[i];

		if (m->severity != sev)
			continue;
		if (!first)
			fputs("; ", out);
		first = false;
		if (m->line)
			fprintf(out, "line %u: %s", m->line, m->text);
		else
			fputs(m->text, out);
	}
	fputc('\n', out);
}

static int load_file(struct store_bulk *bulk, struct rpsl_reader *reader, const char *file,
		     const struct loader_options *opts, struct loader_result *res, struct strbuf *text,
		     char **err)
{
	struct rpsl_paragraph para;
	int rc;

	while ((rc = rpsl_reader_next(reader, &para, err)) == 1) {
		struct rpsl_object *obj;

		if (para.problem != NULL) {
			fprintf(opts->report, "%s:%u: skipped: %s\n", file, para.first_line, para.problem);
			res->skipped++;
			continue;
		}
		obj = rpsl_parse_object(para.text, para.len, para.first_line, RPSL_TOLERANT);
		if (rpsl_object_has_errors(obj)) {
			describe(opts->report, file, para.first_line, obj, "skipped");
			report_messages(opts->report, obj, RPSL_ERROR);
			res->skipped++;
			rpsl_object_free(obj);
			continue;
		}
		if (obj->source == NULL || strcasecmp(obj->source, opts->source) != 0) {
			describe(opts->report, file, para.first_line, obj, "skipped");
			fprintf(opts->report, "source %s does not match the source being loaded (%s)\n",
				obj->source ? obj->source : "(none)", opts->source);
			res->skipped++;
			rpsl_object_free(obj);
			continue;
		}
		for (size_t i = 0; i < obj->message_count; i++)
			res->warnings += obj->messages[i].severity == RPSL_WARNING;
		if (opts->verbose && obj->message_count > 0) {
			describe(opts->report, file, para.first_line, obj, "warning");
			report_messages(opts->report, obj, RPSL_WARNING);
		}
		strbuf_reset(text);
		rpsl_render(obj, text);
		store_bulk_add(bulk, obj, text->data, text->len, file, para.first_line);
		rpsl_object_free(obj);
	}
	return rc < 0 ? -1 : 0;
}

static void report_duplicate(void *ctx, const char *origin, uint32_t line, const char *cls, const char *pkey)
{
	struct loader_result *res = ctx;

	res->duplicates++;
	fprintf(res->report, "%s:%u: warning: duplicate %s %s: replaced by a later object with the same key"
		" (last one wins)\n", origin, line, cls, pkey);
}

int loader_run(struct store *st, const struct loader_options *opts, char *const *files, size_t file_count,
	       struct loader_result *result, char **err)
{
	struct rpsl_reader **readers = xcalloc(file_count, sizeof(*readers));
	struct store_bulk *bulk = NULL;
	struct strbuf text;
	int rc = -1;

	memset(result, 0, sizeof(*result));
	strbuf_init(&text);
	/* Open everything first: an unreadable file must change nothing. */
	for (size_t i = 0; i < file_count; i++) {
		readers[i] = rpsl_reader_open_file(files[i], err);
		if (readers[i] == NULL)
			goto out;
	}
	bulk = store_bulk_new(st, opts->source);
	for (size_t i = 0; i < file_count; i++) {
		if (load_file(bulk, readers[i], files[i], opts, result, &text, err) < 0)
			goto out;
		result->bytes += rpsl_reader_bytes(readers[i]);
	}
	result->report = opts->report;
	rc = store_bulk_commit(bulk, opts->serial, report_duplicate, result, &result->loaded, err);
	bulk = NULL;
out:
	store_bulk_free(bulk);
	for (size_t i = 0; i < file_count; i++)
		rpsl_reader_free(readers[i]);
	free(readers);
	strbuf_release(&text);
	return rc;
}
