/* Query dispatch and session state; see whois_query.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "origin_index.h"
#include "rpsl_filter.h"
#include "whois_query.h"

void whois_session_init(struct whois_session *s, const struct whois_context *ctx)
{
	memset(s, 0, sizeof(*s));
	s->timeout = ctx->cfg->whois_idle_timeout;
}

int whois_session_sources(const struct whois_context *ctx, const struct whois_session *s,
			  struct whois_sources *out)
{
	out->count = 0;
	if (!s->sources_set && ctx->cfg->sources_default_count == 0)
		return whois_data_all_sources(ctx->st, ctx->cfg->source, out);
	for (size_t i = 0; i < (s->sources_set ? s->source_count : ctx->cfg->sources_default_count); i++) {
		const char *name = s->sources_set ? s->sources[i] : ctx->cfg->sources_default[i];
		struct whois_source src;
		int rc = whois_data_source(ctx->st, name, &src);

		if (rc < 0)
			return -1;
		if (rc == 1 && out->count < MAX_QUERY_SOURCES)
			out->items[out->count++] = src;
	}
	return 0;
}

int whois_origin_prefixes(const struct whois_context *ctx, const struct whois_source *src, uint32_t asn,
			  uint8_t family, struct prefix_vec *out)
{
	if (ctx->origins != NULL) {
		origin_index_lookup(ctx->origins, src->id, asn, family, out);
		return 0;
	}
	return whois_data_origin_prefixes(ctx->st, src, asn, family, out);
}

void whois_query(const struct whois_context *ctx, struct whois_session *s, const char *line, size_t len,
		 struct strbuf *out)
{
	/* Follow loads and updates by other processes before answering. */
	if (ctx->origins != NULL && origin_index_refresh(ctx->origins, ctx->st) < 0)
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

int whois_parse_sources(const struct whois_context *ctx, const char *list, struct whois_sources *out,
			char unknown[MAX_SOURCE_NAME_LENGTH + 1])
{
	out->count = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		char name[MAX_SOURCE_NAME_LENGTH + 1];
		int rc;

		if (n == 0 || n > MAX_SOURCE_NAME_LENGTH || out->count == MAX_QUERY_SOURCES)
			return -1;
		for (size_t i = 0; i < n; i++)
			name[i] = (char)toupper((unsigned char)p[i]);
		name[n] = '\0';
		rc = whois_data_source(ctx->st, name, &out->items[out->count]);
		if (rc != 1) {
			memcpy(unknown, name, n + 1);
			return -2;
		}
		out->count++;
		p += n + (p[n] == ',');
	}
	return out->count > 0 ? 0 : -1;
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
