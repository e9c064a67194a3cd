/*
 * Periodic jobs of irrd (the authorisation-list check, notification retries; later
 * dump exports, mirror polling, RPKI refresh), each run in a fresh process so that
 * slow work never stalls the event loop, at most one process per job at a time. A
 * one-second timer on the loop starts and reaps them. On shutdown they are asked to
 * stop (SIGTERM), then killed.
 *
 * The daemon has threads (whois workers): a child of fork() that ran the daemon's
 * code would find every lock another thread held at the fork (SQLite's, malloc's)
 * held forever. So the child does only async-signal-safe things: it resets its
 * signal mask and dispositions, closes every descriptor but 0-2 (listening and
 * client sockets must not outlive irrd's wish to close them) and executes the job's
 * command, irrd itself in job mode (irrd --run-job ID -c CONFIG), which starts from
 * nothing and reads the configuration file itself.
 */
#ifndef IRRD_JOBS_H
#define IRRD_JOBS_H

#include <sys/types.h>

#include "event_loop.h"

struct jobs;

struct jobs *jobs_new(struct event_loop *loop);
/*
 * Adds a job run every `interval` seconds (0: never, until jobs_set_interval), the
 * first time `first_delay` seconds from now, by executing argv[0] (a path, not
 * searched in PATH) with argv (NULL-terminated; copied). `name` (static) names it in
 * logs. When the command cannot be executed the child logs why and exits 127.
 */
void jobs_add(struct jobs *j, const char *name, unsigned interval, unsigned first_delay, const char *const argv[]);
/* Changes a job's interval (SIGHUP). Unknown names are ignored. */
void jobs_set_interval(struct jobs *j, const char *name, unsigned interval);
/* Asks running children to stop, waits up to 5 s, kills what is left. */
void jobs_stop(struct jobs *j);
/* jobs_stop, then frees. NULL-safe. */
void jobs_free(struct jobs *j);

/*
 * First thing in the job's own process (the command jobs_add runs), before its work:
 * SIGHUP and SIGPIPE are ignored, the signal mask emptied; SIGTERM (irrd's shutdown)
 * and SIGINT kill the helper subprocess_feed is running (a hanging sendmail) and exit
 * with status 1.
 */
void jobs_child_setup(void);

#endif
