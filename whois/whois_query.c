/* Query dispatch and session state; see whois_query.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "log.h"
#include "origin_index.h"
#include "rpsl_filter.h"
#include "whois_query.h"
#include "whois_rpki.h"

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

/* Drops the blanks (and a CR) around a query line. */
static void trim_line(const char **line, size_t *len)
{
	while (*len > 0 && ((*line)[*len - 1] == '\r' || (*line)[*len - 1] == ' ' || (*line)[*len - 1] == '\t'))
		(*len)--;
	while (*len > 0 && (**line == ' ' || **line == '\t'))
		(*line)++, (*len)--;
}

/* !g / !6 of an origin with few prefixes in the session's sources: cheap enough for the I/O thread. */
static bool is_small_origin(const struct query_context *ctx, const struct whois_session *s, const char *arg,
			    size_t len)
{
	struct query_sources srcs;
	size_t total = 0;
	uint32_t asn;
	const char *err;

	if (ctx->origins == NULL || asn_parse(arg, len, false, &asn, &err) < 0)
		return true; /* answered with an error, or by SQL the same way */
	if (whois_session_sources(ctx, s, &srcs) < 0)
		return false;
	for (size_t i = 0; i < srcs.count; i++)
		total += origin_index_count(ctx->origins, srcs.items[i].id, asn);
	return total <= WHOIS_INLINE_ORIGIN_PREFIXES;
}

enum whois_query_place whois_query_place(const struct query_context *ctx, const struct whois_session *s,
					 const char *line, size_t len, bool *needs_index)
{
	trim_line(&line, &len);
	*needs_index = false;
	if (len < 2 || line[0] != '!')
		return len == 0 ? WHOIS_ON_IO_THREAD : WHOIS_ON_WORKER; /* RIPE-style queries read the database */
	switch (line[1]) {
	case '!':
	case 'q':
	case 't':
	case 'v':
	case 'n':
	case 's':
	case 'j':
		return WHOIS_ON_IO_THREAD;
	case 'g':
	case '6':
		*needs_index = true;
		/* under policy verified or strict every prefix's mark is read from the database */
		return !whois_policy_verified_only(s) && is_small_origin(ctx, s, line + 2, len - 2) ? WHOIS_ON_IO_THREAD
												    : WHOIS_ON_WORKER;
	case 'a':
	case 'i':
		*needs_index = true; /* set expansion reads routes by origin */
		return WHOIS_ON_WORKER;
	case 'm':
	case 'o':
	case 'r':
	case 'J': /* counts objects: the database's work */
		return WHOIS_ON_WORKER;
	default:
		return WHOIS_ON_IO_THREAD; /* an error answer */
	}
}

void whois_query(const struct query_context *ctx, struct whois_session *s, const char *line, size_t len,
		 struct spool *out)
{
	trim_line(&line, &len);
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

void whois_ripe_error(struct strbuf *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	whois_append_error(out, "%% ERROR: ", "\n\n", fmt, ap);
	va_end(ap);
}
