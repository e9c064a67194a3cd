/*
 * The whois listener: connections served on irrd's event loop (event_loop.h) in its
 * main thread (no thread per client). Queries are answered in request order; a
 * client that sends garbage, floods or stalls is answered or dropped and never
 * blocks the others. Limits: MAX_QUERY_LENGTH per line, MAX_PENDING_OUTPUT per
 * client, whois.max_connections, whois.max_connections_per_address,
 * whois.idle_timeout (or !t).
 */
#ifndef WHOIS_SERVER_H
#define WHOIS_SERVER_H

#include <time.h>

#include "whois_query.h"

struct whois_server;
struct event_loop;

/*
 * Binds every whois.listen address and watches them on the loop. Returns NULL with
 * *err (caller frees) on failure. ctx is read at every query: a reloaded
 * configuration (ctx->cfg swapped) applies to the next one.
 */
struct whois_server *whois_server_new(const struct query_context *ctx, struct event_loop *loop, char **err);
/* Closes the listeners (shutdown: connections already open are still answered). */
void whois_server_stop_listening(struct whois_server *srv);
/* Connections with an answer not yet written (shutdown waits for them). */
size_t whois_server_pending(const struct whois_server *srv);
/* Closes every connection and listener. NULL-safe. */
void whois_server_free(struct whois_server *srv);

#endif
