/*
 * VRPs from an RPKI cache over RTR (RPKI to Router, RFC 8210 version 1 and RFC 6810
 * version 0), through RTRlib. RTRlib runs the session in its own thread; this client
 * gathers what it changes and hands the changes over whole syncs at a time (End of
 * Data to End of Data) to the caller's thread, which watches rtr_client_fd().
 * What the caller holds is never a half-applied sync: see rtr_client.c.
 */
#ifndef IRRD_RPKI_RTR_CLIENT_H
#define IRRD_RPKI_RTR_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrp.h"

/* Interval limits RTRlib 0.8 accepts (RFC 8210 section 6 gives the same ranges). */
#define RTR_CLIENT_REFRESH_MIN 1
#define RTR_CLIENT_REFRESH_MAX 86400
#define RTR_CLIENT_RETRY_MIN 1
#define RTR_CLIENT_RETRY_MAX 7200
#define RTR_CLIENT_EXPIRE_MIN 600
#define RTR_CLIENT_EXPIRE_MAX 172800
/* RFC 8210 section 6's defaults. */
#define RTR_CLIENT_REFRESH_DEFAULT 3600
#define RTR_CLIENT_RETRY_DEFAULT 600
#define RTR_CLIENT_EXPIRE_DEFAULT 7200

/* Room for an error text in the status. */
#define RTR_CLIENT_ERROR_LEN 256

struct rtr_client;

struct rtr_client_status {
	bool is_connected;     /* a transport is open and the session is up (RTRlib reset, sync or established) */
	bool has_synced;       /* at least one sync completed since rtr_client_start */
	unsigned version;      /* RTR protocol version of the session (1, or 0 after a downgrade or when forced) */
	uint32_t session_id;   /* of the last completed sync */
	uint32_t serial;       /* serial of the last completed sync */
	int64_t last_sync;     /* Unix time of the last completed sync; 0: none yet */
	uint64_t syncs;        /* syncs completed since start (a serial query answered with no change counts) */
	size_t vrp_count;      /* VRPs of the set after the last completed sync */
	char state[32];        /* RTRlib's name for the session state ("RTR_ESTABLISHED", ...) */
	char last_error[RTR_CLIENT_ERROR_LEN]; /* the last failure, "" when none; kept after later successes */
	int64_t last_error_time;               /* Unix time of last_error; 0: none */
};

/*
 * A client for the cache at host:port (port a number or service name) that polls
 * every `refresh` seconds, retries a failed connection or query after `retry` seconds
 * and tells RTRlib to drop its own copy after `expire` seconds without a sync (this
 * client keeps its last complete set whatever RTRlib drops: deciding when that set is
 * stale is the caller's business, with rtr_client_status's last_sync). These intervals
 * are ours: those a version 1 cache sends in End of Data are not applied. Nothing is
 * started. Returns the client, or NULL with *err (caller frees) for an interval out of
 * range (RTR_CLIENT_*_MIN/MAX), an expire not above refresh and retry (RFC 8210
 * section 6), an empty host or port, or a failure to make the eventfd. Free with
 * rtr_client_free.
 */
struct rtr_client *rtr_client_new(const char *host, const char *port, unsigned refresh, unsigned retry,
				  unsigned expire, char **err);

/*
 * The highest protocol version to speak, before rtr_client_start: 1 (default; RTRlib
 * falls back to 0 when the cache closes the connection on a version 1 query before any
 * session), or 0 (RFC 6810 only). Returns 0, or -1 with *err (caller frees).
 */
int rtr_client_set_version(struct rtr_client *client, unsigned version, char **err);

/*
 * Starts RTRlib's thread: it connects, asks for the whole set (Reset Query), then
 * follows the cache's Serial Notify PDUs and polls every refresh interval (Serial Query).
 * Returns 0, or -1 with *err (caller frees). A cache that cannot be reached is not an
 * error here: the client retries and says so in its status.
 */
int rtr_client_start(struct rtr_client *client, char **err);

/*
 * Stops RTRlib's thread and waits for it, closes the eventfd and frees. NULL-safe.
 * RTRlib lets its thread be stopped while it waits for data or for the next retry; in a
 * TCP connect it finishes that first (10 s at most), and after a cache said it has no
 * data (No Data Available) it finishes its retry wait first.
 */
void rtr_client_free(struct rtr_client *client);

/*
 * An eventfd (non-blocking) that becomes readable when a sync completed (a delta may be
 * waiting: call rtr_client_take) or the status changed (connected, lost, an error).
 * rtr_client_take reads it empty. The fd belongs to the client.
 */
int rtr_client_fd(const struct rtr_client *client);

/*
 * Hands over what the completed syncs changed since the last take: VRPs the cache
 * added go to `added`, VRPs it withdrew to `removed` (a VRP added and then withdrawn
 * in between appears in neither). The first take after the first sync holds the whole
 * set in `added`. Both sets are appended to and sorted (vrp_set_sort); their VRPs carry
 * no trust anchor name and no expiry (RTR does not send them). Applying `removed` then
 * `added` to the set from the previous takes gives the cache's set as of its last End
 * of Data. Returns the number of syncs completed since the last take (0: nothing new,
 * the sets are untouched, though the status may have changed). Call from one thread.
 */
unsigned rtr_client_take(struct rtr_client *client, struct vrp_set *added, struct vrp_set *removed);

/* A snapshot of the session and the last sync (any thread). */
void rtr_client_status(struct rtr_client *client, struct rtr_client_status *out);

#endif
