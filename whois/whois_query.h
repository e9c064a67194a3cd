/*
 * One whois query line to its answer. Lines starting with '!' are IRRd-style
 * commands (irr_query.c), everything else is a RIPE-style query (ripe_query.c).
 * The session holds what a connection has set: multi-command mode, keepalive,
 * timeout, sources.
 */
#ifndef WHOIS_QUERY_H
#define WHOIS_QUERY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "store.h"
#include "strbuf.h"
#include "query.h"
#include "spool.h"

struct whois_session {
	bool multi;            /* "!!": keep the connection open between ! commands */
	bool keepalive;        /* "-k": keep the connection open between RIPE queries */
	bool close;            /* set by a query: close once the answer is written */
	unsigned timeout;      /* idle seconds before the server closes the connection */
	bool sources_set;      /* the client chose sources (!s / -s); else the default order */
	char sources[MAX_QUERY_SOURCES][MAX_SOURCE_NAME_LENGTH + 1];
	size_t source_count;
	char agent[64];        /* from !n / -V, for logs */
	bool no_rpki_filter;   /* "!fno-rpki-filter": RPKI-invalid routes are answered too */
	struct prefix peer;    /* the client's address (a host prefix), for access lists (NRTM) */
	/* "-k -g SOURCE:V:N-LAST": the stream stays open and each commit is pushed as a block */
	bool nrtm_follow;
	bool nrtm_push;        /* set by the server for a push: nothing new gives no answer */
	char nrtm_source[MAX_SOURCE_NAME_LENGTH + 1];
	int nrtm_version;
	int64_t nrtm_next;     /* the serial to push from */
	bool has_peer;
	bool has_policy;       /* the listener names a route policy (whois.listen "ADDR POLICY") */
	enum route_policy policy;
};

void whois_session_init(struct whois_session *s, const struct query_context *ctx);

/*
 * Answers one query line (without its line end) by appending to out. Decides
 * s->close for one-shot connections. The caller brings the origin index up to date
 * first (query_refresh) when the query needs it (whois_query_place).
 */
void whois_query(const struct query_context *ctx, struct whois_session *s, const char *line, size_t len,
		 struct spool *out);

/* Origins with at most this many prefixes are answered by !g / !6 on the I/O thread: an answer
 * of at most about 45 KB (IPv6), under the 64 KiB an answer may hold in memory. */
#define WHOIS_INLINE_ORIGIN_PREFIXES 1024

/* Where a query runs (see whois_server.h). */
enum whois_query_place {
	WHOIS_ON_IO_THREAD,    /* bounded work from memory: !v !! !n !t !q !s !j, !g/!6 of a small origin */
	WHOIS_ON_WORKER,       /* reads the database or may take long */
};

/*
 * Decides where a query line runs, from the session's sources and the origin
 * index's counts (ctx->sources must be a snapshot: this runs on the I/O thread and
 * reads no SQL). *needs_index: the answer reads the origin index, which must be
 * current first.
 */
enum whois_query_place whois_query_place(const struct query_context *ctx, const struct whois_session *s,
					 const char *line, size_t len, bool *needs_index);

/* The sources a query runs against: the session's choice or the default order. */
int whois_session_sources(const struct query_context *ctx, const struct whois_session *s,
			  struct query_sources *out);

/* IRRd-style command (line starts with '!'). */
void irr_query(const struct query_context *ctx, struct whois_session *s, const char *line, size_t len,
	       struct spool *out);
/* RIPE-style query. */
void ripe_query(const struct query_context *ctx, struct whois_session *s, const char *line, size_t len,
		struct spool *out);

/*
 * Appends prefix, the formatted message (at most 255 bytes) with control characters
 * replaced by '?' (messages may quote the client), and suffix: the error line of
 * either dialect ("F ...\n", "%% ERROR: ...\n\n").
 */
void whois_append_error(struct strbuf *out, const char *prefix, const char *suffix, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/* A RIPE-style error: "%% ERROR: <message>" and the blank line that ends every answer. */
void whois_ripe_error(struct strbuf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends an object's text for output: password hashes replaced by "# Filtered". */
void whois_append_filtered(struct strbuf *out, const char *text);

#endif
