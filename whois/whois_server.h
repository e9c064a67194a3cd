/*
 * The whois server: listeners and connections on irrd's event loop (the I/O
 * thread), queries that read the database on worker threads (worker_pool.h).
 *
 * Fairness: connections take turns, one query each per turn; a turn of the whole
 * server is bounded in time, so new input and signals are seen every few
 * milliseconds. Cheap queries (whois_query_place) are answered on the I/O thread,
 * the rest go to the workers, one query per connection at a time, in arrival order.
 * Answers to a connection keep the order of its queries.
 *
 * Memory (limits in irr_limits.h): a connection's input is read only while less than
 * MAX_UNANSWERED_INPUT of it waits to be answered (TCP holds the rest); no new query
 * of a connection starts while MAX_UNSENT_PER_CLIENT of its answers are unsent, nor,
 * past whois.max_output_memory for all connections together, while any of its
 * answers are unsent; answers past MAX_ANSWER_IN_MEMORY (64 KiB under memory
 * pressure) go to temporary files (spool.h). A
 * client that neither sends a complete query nor reads for whois.idle_timeout
 * seconds (or !t) is disconnected.
 */
#ifndef WHOIS_SERVER_H
#define WHOIS_SERVER_H

#include <time.h>

#include "whois_query.h"

struct whois_server;
struct event_loop;

/*
 * Binds every whois.listen address, starts the workers (whois.workers, each with its
 * own read connection to the database) and watches the listeners on the loop.
 * Returns NULL with *err (caller frees) on failure. ctx is read at every query: a
 * reloaded configuration (ctx->cfg swapped) applies to the next one; the old one is
 * kept (config_ref) while queries started under it run.
 */
struct whois_server *whois_server_new(const struct query_context *ctx, struct event_loop *loop, char **err);
/*
 * Starts the workers. Separate from whois_server_new because the listeners are bound
 * as root and the workers open the database after privileges are dropped.
 */
int whois_server_start(struct whois_server *srv, char **err);
/*
 * Shutdown: closes the listeners and starts no further query; queries already
 * running finish and their answers are sent (whois_server_pending says how many).
 */
void whois_server_shutdown(struct whois_server *srv);
/* Connections with a query running or an answer not yet written. */
size_t whois_server_pending(const struct whois_server *srv);
/* Closes every connection and listener, stops the workers. NULL-safe. */
void whois_server_free(struct whois_server *srv);

#endif
