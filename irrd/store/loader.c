/*
 * Dump loading; see loader.h. The work is pipelined: this thread reads and splits
 * paragraphs into batches, LOADER_WORKERS threads parse and render them, and this
 * thread hands the results to the bulk writer strictly in input order, so reports
 * and "last one wins" are the same as a sequential load.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loader.h"
#include "log.h"
#include "rpsl_parse.h"
#include "rpsl_reader.h"
#include "rpsl_render.h"
#include "store_write.h"
#include "strbuf.h"
#include "xalloc.h"

#define LOADER_WORKERS 2
#define BATCH_SLOTS 8                 /* batches in flight */
#define BATCH_MAX_OBJECTS 2048
#define BATCH_MAX_BYTES (1024 * 1024)

struct batch_item {
	uint32_t first_line;
	const char *problem;          /* from the reader: refuse without parsing */
	size_t text_offset, text_len; /* paragraph in batch->input */
};

enum batch_state { BATCH_FREE, BATCH_FILLING, BATCH_QUEUED, BATCH_WORKING, BATCH_DONE };

struct batch {
	enum batch_state state;
	uint64_t seq;
	const char *file;
	const struct loader_options *opts;
	struct strbuf input;          /* paragraphs as read */
	struct batch_item *items;
	size_t count, capacity;
	/* Results, written by a worker. */
	struct store_bulk_batch out;  /* valid objects, ready for the writer */
	struct strbuf report;         /* lines for the load report, in input order */
	uint64_t skipped, warnings;
};

struct pipeline {
	pthread_mutex_t lock;
	pthread_cond_t work_ready, work_done;
	struct batch slots[BATCH_SLOTS];
	bool shutting_down;
	pthread_t workers[LOADER_WORKERS];
	size_t worker_count;
};

/* One line naming where the object was and what it was, for reports. */
static void describe(struct strbuf *out, const char *file, uint32_t line, const struct rpsl_object *obj,
		     const char *verdict)
{
	strbuf_printf(out, "%s:%u: %s", file, line, verdict);
	if (obj != NULL && obj->cls != NULL)
		strbuf_printf(out, " %s %s", obj->cls->name, obj->pkey ? obj->pkey : "(no key)");
	strbuf_append_str(out, ": ");
}

static void report_messages(struct strbuf *out, const struct rpsl_object *obj, enum rpsl_severity sev)
{
	bool first = true;

	for (size_t i = 0; i < obj->message_count; i++) {
		const struct rpsl_message *m = &obj->messages[i];

		if (m->severity != sev)
			continue;
		if (!first)
			strbuf_append_str(out, "; ");
		first = false;
		if (m->line)
			strbuf_printf(out, "line %u: %s", m->line, m->text);
		else
			strbuf_append_str(out, m->text);
	}
	strbuf_append_char(out, '\n');
}

/* Parses, judges and renders every paragraph of a batch (runs on a worker thread). */
static void parse_batch(struct batch *b, struct strbuf *text)
{
	const struct loader_options *opts = b->opts;

	store_bulk_batch_reset(&b->out);
	strbuf_reset(&b->report);
	b->skipped = b->warnings = 0;
	for (size_t i = 0; i < b->count; i++) {
		struct batch_item *it = &b->items[i];
		struct rpsl_object *obj;

		if (it->problem != NULL) {
			strbuf_printf(&b->report, "%s:%u: skipped: %s\n", b->file, it->first_line, it->problem);
			b->skipped++;
			continue;
		}
		obj = rpsl_parse_object(b->input.data + it->text_offset, it->text_len, it->first_line,
					RPSL_TOLERANT);
		if (rpsl_object_has_errors(obj)) {
			describe(&b->report, b->file, it->first_line, obj, "skipped");
			report_messages(&b->report, obj, RPSL_ERROR);
			b->skipped++;
		} else if (obj->source == NULL || strcasecmp(obj->source, opts->source) != 0) {
			describe(&b->report, b->file, it->first_line, obj, "skipped");
			strbuf_printf(&b->report, "source %s does not match the source being loaded (%s)\n",
				      obj->source ? obj->source : "(none)", opts->source);
			b->skipped++;
		} else {
			for (size_t m = 0; m < obj->message_count; m++)
				b->warnings += obj->messages[m].severity == RPSL_WARNING;
			if (opts->verbose && obj->message_count > 0) {
				describe(&b->report, b->file, it->first_line, obj, "warning");
				report_messages(&b->report, obj, RPSL_WARNING);
			}
			strbuf_reset(text);
			rpsl_render(obj, text);
			store_bulk_batch_add(&b->out, obj, text->data, text->len, it->first_line);
		}
		rpsl_object_free(obj);
	}
}

static void *worker_main(void *arg)
{
	struct pipeline *pl = arg;
	struct strbuf text;

	strbuf_init(&text);
	pthread_mutex_lock(&pl->lock);
	for (;;) {
		struct batch *next = NULL;

		for (size_t i = 0; i < BATCH_SLOTS; i++) {
			struct batch *b = &pl->slots[i];
			if (b->state == BATCH_QUEUED && (next == NULL || b->seq < next->seq))
				next = b;
		}
		if (next == NULL) {
			if (pl->shutting_down)
				break;
			pthread_cond_wait(&pl->work_ready, &pl->lock);
			continue;
		}
		next->state = BATCH_WORKING;
		pthread_mutex_unlock(&pl->lock);
		parse_batch(next, &text);
		pthread_mutex_lock(&pl->lock);
		next->state = BATCH_DONE;
		pthread_cond_broadcast(&pl->work_done);
	}
	pthread_mutex_unlock(&pl->lock);
	strbuf_release(&text);
	return NULL;
}

/* Everything the consuming side needs. */
struct load_state {
	struct pipeline pl;
	struct store_bulk *bulk;
	const struct loader_options *opts;
	struct loader_result *res;
	uint64_t next_seq, next_to_consume;
	struct batch *filling;
};

/* Writes a parsed batch's report and hands its objects to the writer, in order. */
static void consume_batch(struct load_state *ls, struct batch *b)
{
	fwrite(b->report.data, 1, b->report.len, ls->opts->report);
	ls->res->valid += b->out.count;
	ls->res->skipped += b->skipped;
	ls->res->warnings += b->warnings;
	store_bulk_add_batch(ls->bulk, &b->out, b->file);
	b->count = 0;
	strbuf_reset(&b->input);
}

/* Waits for the oldest batch in flight and consumes it. Returns false when none is in flight. */
static bool consume_oldest(struct load_state *ls)
{
	struct pipeline *pl = &ls->pl;
	struct batch *oldest = NULL;

	pthread_mutex_lock(&pl->lock);
	for (;;) {
		oldest = NULL;
		for (size_t i = 0; i < BATCH_SLOTS; i++) {
			struct batch *b = &pl->slots[i];
			if (b->state >= BATCH_QUEUED && b->seq == ls->next_to_consume)
				oldest = b;
		}
		if (oldest == NULL || oldest->state == BATCH_DONE)
			break;
		pthread_cond_wait(&pl->work_done, &pl->lock);
	}
	pthread_mutex_unlock(&pl->lock);
	if (oldest == NULL)
		return false;
	consume_batch(ls, oldest);
	pthread_mutex_lock(&pl->lock);
	oldest->state = BATCH_FREE;
	ls->next_to_consume++;
	pthread_mutex_unlock(&pl->lock);
	return true;
}

static void submit_filling(struct load_state *ls)
{
	struct batch *b = ls->filling;

	if (b == NULL)
		return;
	ls->filling = NULL;
	if (b->count == 0) {
		b->state = BATCH_FREE;
		return;
	}
	pthread_mutex_lock(&ls->pl.lock);
	b->state = BATCH_QUEUED;
	pthread_cond_signal(&ls->pl.work_ready);
	pthread_mutex_unlock(&ls->pl.lock);
}

/* Returns a batch to fill for `file`, consuming finished work when all slots are busy. */
static struct batch *filling_batch(struct load_state *ls, const char *file)
{
	if (ls->filling != NULL && ls->filling->file == file)
		return ls->filling;
	submit_filling(ls);
	for (;;) {
		for (size_t i = 0; i < BATCH_SLOTS; i++) {
			struct batch *b = &ls->pl.slots[i];
			bool is_free;

			pthread_mutex_lock(&ls->pl.lock);
			is_free = b->state == BATCH_FREE;
			if (is_free)
				b->state = BATCH_FILLING;
			pthread_mutex_unlock(&ls->pl.lock);
			if (is_free) {
				b->seq = ls->next_seq++;
				b->file = file;
				b->opts = ls->opts;
				b->count = 0;
				strbuf_reset(&b->input);
				ls->filling = b;
				return b;
			}
		}
		consume_oldest(ls);
	}
}

/*
 * A NUL byte never occurs in RPSL text: it means the file is binary (an executable,
 * an image, a database file), not a dump. Returns 0, or -1 with *err naming the file
 * and line, unless skip_binary makes the object one more skipped object.
 */
static int check_binary(struct load_state *ls, const char *file, const struct rpsl_paragraph *p,
			const char **problem, char **err)
{
	const char *nul = memchr(p->text, '\0', p->len);
	uint32_t line = p->first_line;

	if (nul == NULL)
		return 0;
	if (ls->opts->skip_binary) {
		if (*problem == NULL)
			*problem = "binary data (a NUL byte) in the object";
		return 0;
	}
	for (const char *q = p->text; q < nul; q++)
		line += *q == '\n';
	ls->res->refused |= LOADER_REFUSED_BINARY;
	*err = xasprintf("%s:%u: binary data (a NUL byte): this is not an RPSL dump", file, line);
	return -1;
}

static int add_paragraph(struct load_state *ls, const char *file, const struct rpsl_paragraph *p, char **err)
{
	struct batch *b;
	struct batch_item *it;
	const char *problem = p->problem;

	if (check_binary(ls, file, p, &problem, err) < 0)
		return -1;
	b = filling_batch(ls, file);
	b->items = xgrow(b->items, &b->capacity, b->count + 1, sizeof(*b->items));
	it = &b->items[b->count++];
	it->first_line = p->first_line;
	it->problem = problem;
	it->text_offset = b->input.len;
	it->text_len = p->len;
	strbuf_append(&b->input, p->text, p->len);
	if (b->count >= BATCH_MAX_OBJECTS || b->input.len >= BATCH_MAX_BYTES)
		submit_filling(ls);
	return 0;
}

static void pipeline_start(struct pipeline *pl)
{
	memset(pl, 0, sizeof(*pl));
	pthread_mutex_init(&pl->lock, NULL);
	pthread_cond_init(&pl->work_ready, NULL);
	pthread_cond_init(&pl->work_done, NULL);
	for (size_t i = 0; i < BATCH_SLOTS; i++) {
		strbuf_init(&pl->slots[i].input);
		strbuf_init(&pl->slots[i].report);
		store_bulk_batch_init(&pl->slots[i].out);
	}
	for (size_t i = 0; i < LOADER_WORKERS; i++) {
		if (pthread_create(&pl->workers[pl->worker_count], NULL, worker_main, pl) == 0)
			pl->worker_count++;
	}
	if (pl->worker_count == 0)
		fatal("cannot start loader worker threads");
}

/* Stops the workers (after they finish queued work) and frees every batch. */
static void pipeline_stop(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->lock);
	pl->shutting_down = true;
	pthread_cond_broadcast(&pl->work_ready);
	pthread_mutex_unlock(&pl->lock);
	for (size_t i = 0; i < pl->worker_count; i++)
		pthread_join(pl->workers[i], NULL);
	for (size_t i = 0; i < BATCH_SLOTS; i++) {
		struct batch *b = &pl->slots[i];

		free(b->items);
		strbuf_release(&b->input);
		strbuf_release(&b->report);
		store_bulk_batch_release(&b->out);
	}
	pthread_cond_destroy(&pl->work_ready);
	pthread_cond_destroy(&pl->work_done);
	pthread_mutex_destroy(&pl->lock);
}

static void report_duplicate(void *ctx, const char *origin, uint32_t line, const char *cls, const char *pkey)
{
	struct loader_result *res = ctx;

	res->duplicates++;
	fprintf(res->report, "%s:%u: warning: duplicate %s %s: replaced by a later object with the same key"
		" (last one wins)\n", origin, line, cls, pkey);
}

/*
 * The guards against the wrong input, checked once everything was read and before
 * anything is written. Returns 0, or -1 with *err and result->refused set.
 */
static int check_guards(const struct loader_options *opts, struct loader_result *res, char **err)
{
	uint64_t read = res->valid + res->skipped;
	double share = read > 0 ? 100.0 * (double)res->skipped / (double)read : 0.0;

	if (opts->max_skipped_percent < 100.0 && share > opts->max_skipped_percent)
		res->refused |= LOADER_REFUSED_SKIPPED;
	if (res->valid == 0 && !opts->allow_empty)
		res->refused |= LOADER_REFUSED_EMPTY;
	/* valid objects bound what will be stored from above (duplicates collapse) */
	if (res->valid > 0 && opts->max_shrink_percent < 100.0 &&
	    (double)res->valid < (double)res->previous * (100.0 - opts->max_shrink_percent) / 100.0)
		res->refused |= LOADER_REFUSED_SHRINK;
	if (res->refused == 0)
		return 0;
	if (res->refused & LOADER_REFUSED_SHRINK)
		*err = xasprintf("source %s holds %llu objects and the input only %llu valid ones, a drop of %.1f%%, more"
				 " than the %g%% allowed: the input may be cut short",
				 opts->source, (unsigned long long)res->previous, (unsigned long long)res->valid,
				 100.0 - 100.0 * (double)res->valid / (double)res->previous, opts->max_shrink_percent);
	else if (res->refused & LOADER_REFUSED_SKIPPED)
		*err = xasprintf("%llu of %llu objects were skipped (%.1f%%), more than the %g%% allowed;"
				 " %llu valid object%s",
				 (unsigned long long)res->skipped, (unsigned long long)read, share,
				 opts->max_skipped_percent, (unsigned long long)res->valid, res->valid == 1 ? "" : "s");
	else
		*err = xasprintf("the input holds no valid object (%llu skipped): loading it would empty source %s",
				 (unsigned long long)res->skipped, opts->source);
	return -1;
}

int loader_run(struct store *st, const struct loader_options *opts, char *const *files, size_t file_count,
	       struct loader_result *result, char **err)
{
	struct rpsl_reader **readers = xcalloc(file_count, sizeof(*readers));
	struct load_state ls = { .opts = opts, .res = result };
	bool pipeline_running = false;
	int rc = -1;

	memset(result, 0, sizeof(*result));
	result->report = opts->report;
	{
		int64_t previous = store_count_objects(st, opts->source, NULL);

		result->previous = previous > 0 ? (uint64_t)previous : 0;
	}
	/* Open everything first: an unreadable file must change nothing. */
	for (size_t i = 0; i < file_count; i++) {
		readers[i] = rpsl_reader_open_file(files[i], err);
		if (readers[i] == NULL)
			goto out;
		/* other registries' dumps, read as IRRd reads them */
		rpsl_reader_whitespace_continues(readers[i], true);
	}
	ls.bulk = store_bulk_new(st, opts->source);
	pipeline_start(&ls.pl);
	pipeline_running = true;
	for (size_t i = 0; i < file_count; i++) {
		struct rpsl_paragraph p;
		int r;

		while ((r = rpsl_reader_next(readers[i], &p, err)) == 1) {
			if (add_paragraph(&ls, files[i], &p, err) < 0)
				goto out;
		}
		if (r < 0)
			goto out;
		result->bytes += rpsl_reader_bytes(readers[i]);
	}
	submit_filling(&ls);
	while (consume_oldest(&ls))
		;
	pipeline_stop(&ls.pl);
	pipeline_running = false;
	if (check_guards(opts, result, err) < 0)
		goto out;
	if (opts->before_commit != NULL)
		store_bulk_set_before_commit(ls.bulk, opts->before_commit, opts->before_commit_arg);
	rc = store_bulk_commit(ls.bulk, opts->serial, report_duplicate, result, &result->loaded, err);
	ls.bulk = NULL;
out:
	if (pipeline_running) {
		submit_filling(&ls);
		while (consume_oldest(&ls))
			;
		pipeline_stop(&ls.pl);
	}
	store_bulk_free(ls.bulk);
	for (size_t i = 0; i < file_count; i++)
		rpsl_reader_free(readers[i]);
	free(readers);
	return rc;
}
