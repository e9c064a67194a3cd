/* Serving NRTM from the journal; see nrtm_serve.h. */
#include "nrtm_serve.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decimal.h"
#include "rpsl_filter.h"
#include "store_read.h"
#include "xalloc.h"

static bool is_permitted(const struct query_context *ctx, const struct whois_session *s, const char *source)
{
	const struct config *cfg = ctx->cfg;

	if (!s->has_peer)
		return false;
	for (size_t i = 0; i < cfg->nrtm_access_count; i++) {
		const struct nrtm_access *a = &cfg->nrtm_access[i];

		if ((a->source[0] == '\0' || strcasecmp(a->source, source) == 0) &&
		    prefix_contains(&a->prefix, &s->peer))
			return true;
	}
	return false;
}

struct journal_writer {
	struct spool *answer;
	int version;
	struct strbuf filtered;
};

static int write_change(void *arg, const struct store_journal_row *row)
{
	struct journal_writer *w = arg;
	struct strbuf *out = &w->answer->text;
	size_t n;

	strbuf_printf(out, "\n%s", row->operation);
	if (w->version == 3)
		strbuf_printf(out, " %lld", (long long)row->serial);
	strbuf_append_str(out, "\n\n");
	strbuf_reset(&w->filtered);
	rpsl_filter_hashes(&w->filtered, row->text != NULL ? row->text : "");
	n = w->filtered.len;
	strbuf_append(out, w->filtered.data, n);
	if (n == 0 || w->filtered.data[n - 1] != '\n')
		strbuf_append_char(out, '\n');
	spool_checkpoint(w->answer);   /* a million changes go to the spool file, not memory */
	return 0;
}

/* -k with LAST: follow the source from `next` on (the server pushes what commits later). */
static void follow(struct whois_session *s, const char *source, int version, bool is_last, int64_t next)
{
	if (!s->keepalive || !is_last)
		return;
	s->nrtm_follow = true;
	snprintf(s->nrtm_source, sizeof(s->nrtm_source), "%s", source);
	s->nrtm_version = version;
	s->nrtm_next = next;
}

void nrtm_serve(const struct query_context *ctx, struct whois_session *s, const char *arg, struct spool *answer)
{
	struct strbuf *out = &answer->text;
	const char *first_colon = strchr(arg, ':'), *second_colon, *range, *dash;
	char source[MAX_SOURCE_NAME_LENGTH + 1];
	struct query_source_state state;
	struct journal_writer w = { .answer = answer };
	int64_t start, end = 0, oldest, newest;
	bool is_last = false;
	char *err = NULL;
	size_t n;

	if (s->nrtm_push)
		s->nrtm_follow = false;   /* a push that fails ends the following; success follows again */
	second_colon = first_colon != NULL ? strchr(first_colon + 1, ':') : NULL;
	if (first_colon == NULL || second_colon == NULL || strchr(second_colon + 1, ':') != NULL) {
		whois_ripe_error(out, "Invalid parameter: must contain three elements");
		return;
	}
	range = second_colon + 1;
	dash = strchr(range, '-');
	if (dash == NULL || strchr(dash + 1, '-') != NULL || !decimal_parse(range, (size_t)(dash - range), &start) ||
	    !((is_last = strcasecmp(dash + 1, "LAST") == 0) || decimal_parse(dash + 1, strlen(dash + 1), &end))) {
		whois_ripe_error(out, "Invalid serial range: %s", range);
		return;
	}
	if ((size_t)(second_colon - first_colon - 1) != 1 || (first_colon[1] != '1' && first_colon[1] != '3')) {
		whois_ripe_error(out, "Invalid NRTM version: %.*s", (int)(second_colon - first_colon - 1), first_colon + 1);
		return;
	}
	w.version = first_colon[1] - '0';
	n = (size_t)(first_colon - arg);
	if (n > MAX_SOURCE_NAME_LENGTH || n == 0) {
		whois_ripe_error(out, "Unknown source: %.*s", (int)n, arg);
		return;
	}
	for (size_t i = 0; i < n; i++)
		source[i] = (char)toupper((unsigned char)arg[i]);
	source[n] = '\0';
	if (strcmp(source, QUERY_SOURCE_RPKI_NAME) == 0 || query_source_state(ctx, source, &state) != 1) {
		whois_ripe_error(out, "Unknown source: %s", source);
		return;
	}
	if (!is_permitted(ctx, s, source)) {
		whois_ripe_error(out, "Access denied");
		return;
	}
	if (!is_last && end < start) {
		whois_ripe_error(out, "Start of the serial range (%lld) must be lower or equal to end of the serial range (%lld)",
			   (long long)start, (long long)end);
		return;
	}
	oldest = state.serial_oldest;
	newest = state.serial_newest;
	if (oldest == 0) {
		if (!s->nrtm_push)
			strbuf_append_str(out, "% Warning: there are no updates available\n\n");
		follow(s, source, w.version, is_last, start);
		return;
	}
	if (start < oldest) {
		whois_ripe_error(out, "Serials %lld - %lld do not exist", (long long)start, (long long)oldest);
		return;
	}
	if (!is_last && end > newest) {
		whois_ripe_error(out, "Serials %lld - %lld do not exist", (long long)newest, (long long)end);
		return;
	}
	if (is_last && start == newest + 1) {
		if (!s->nrtm_push)   /* a push with nothing new says nothing */
			strbuf_append_str(out, "% Warning: there are no newer updates available\n\n");
		follow(s, source, w.version, is_last, start);
		return;
	}
	if (is_last && start > newest) {
		whois_ripe_error(out, "Serials %lld - %lld do not exist", (long long)newest, (long long)start);
		return;
	}
	strbuf_printf(out, "%%START Version: %d %s %lld-%lld\n", w.version, source, (long long)start,
		      (long long)(is_last ? newest : end));
	strbuf_init(&w.filtered);
	/* up to the newest serial of the snapshot the range was checked against */
	if (store_read_journal(ctx->st, state.source.id, start - 1, is_last ? newest : end, NULL, NULL, write_change, &w,
			       &err) < 0) {
		strbuf_release(&w.filtered);
		strbuf_reset(out);
		spool_release(answer);
		spool_init(answer, answer->spill_at, answer->directory);
		whois_ripe_error(&answer->text, "internal error reading the journal");
		free(err);
		return;
	}
	strbuf_release(&w.filtered);
	strbuf_printf(out, "\n%%END %s\n\n", source);
	follow(s, source, w.version, is_last, (is_last ? newest : end) + 1);
}
