/*
 * The whois listener: one epoll event loop in irrd's main thread serving every
 * connection (no thread per client). Queries are answered in request order; a
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

/* Binds every whois.listen address. Returns NULL with *err (caller frees) on failure. */
struct whois_server *whois_server_new(const struct query_context *ctx, char **err);
/*
 * Runs until stop_fd becomes readable (a signalfd for SIGTERM/SIGINT). Returns 0, or
 * -1 on a fatal error of the loop itself.
 */
int whois_server_run(struct whois_server *srv, int stop_fd);
/* Calls tick(arg, now) about once a second from the event loop (irrd's timers). Keep it short. */
void whois_server_set_tick(struct whois_server *srv, void (*tick)(void *arg, time_t now), void *arg);
void whois_server_free(struct whois_server *srv);

#endif
