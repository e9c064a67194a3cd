/* Query dispatch and session state; see whois_query.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "rpsl_filter.h"
#include "whois_query.h"

void whois_session_init(struct whois_session *s, const struct query_context *ctx)
{
	memset(s, 0, sizeof(*s));
	s->timeout = ctx->cfg->whois_idle_timeout;
}

int whois_session_sources(const struct query_context *ctx, const struct whois_session *s,
			  struct query_sources *out)
{
	out->count = 0;
	if (!s->sources_set)
		return query_sources_default(ctx, out);
	for (size_t i = 0; i < s->source_count; i++) {
		struct query_source src;
		int rc = query_source(ctx, s->sources[i], &src);

		if (rc < 0)
			return -1;
		if (rc == 1 && out->count < MAX_QUERY_SOURCES)
			out->items[out->count++] = src;
	}
	return 0;
}

void whois_query(const struct query_context *ctx, struct whois_session *s, const char *line, size_t len,
		 struct strbuf *out)
{
	/* Follow loads and updates by other processes before answering. */
	if (query_refresh(ctx) < 0)
		log_warn("origin index: cannot read the database; answering from what is indexed");
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	if (len > 0 && line[0] == '!') {
		irr_query(ctx, s, line, len, out);
		if (!s->multi)
			s->close = true;
		return;
	}
	if (len == 0 && (s->multi || s->keepalive))
		return; /* empty lines between queries are ignored on persistent connections */
	ripe_query(ctx, s, line, len, out);
	if (!s->keepalive && !s->multi)
		s->close = true;
}

void whois_append_error(struct strbuf *out, const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	strbuf_append_str(out, prefix);
	for (const char *p = msg; *p; p++) {
		unsigned char c = (unsigned char)*p;
		strbuf_append_char(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	strbuf_append_str(out, suffix);
}

void whois_append_filtered(struct strbuf *out, const char *text)
{
	rpsl_filter_hashes(out, text);
}
