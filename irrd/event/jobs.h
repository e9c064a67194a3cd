/*
 * Periodic jobs of irrd (the authorisation-list check, notification retries; later
 * dump exports, mirror polling, RPKI refresh), each run in a child process so that
 * slow work never stalls the event loop, at most one child per job at a time. A
 * one-second timer on the loop starts and reaps them. On shutdown they are asked to
 * stop (SIGTERM), then killed.
 */
#ifndef IRRD_JOBS_H
#define IRRD_JOBS_H

#include <sys/types.h>

#include "event_loop.h"

struct jobs;

/*
 * The body of a job, run in the child: returns the child's exit status (0: fine).
 * arg is the one given to jobs_add; it may point to state the parent changes later
 * (a reloaded configuration): the child sees it as it was at the fork.
 */
typedef int (*job_fn)(void *arg);

struct jobs *jobs_new(struct event_loop *loop);
/*
 * Adds a job run every `interval` seconds (0: never, until jobs_set_interval), the
 * first time `first_delay` seconds from now. `name` (static) names it in logs.
 */
void jobs_add(struct jobs *j, const char *name, unsigned interval, unsigned first_delay, job_fn run, void *arg);
/* Changes a job's interval (SIGHUP). Unknown names are ignored. */
void jobs_set_interval(struct jobs *j, const char *name, unsigned interval);
/* Asks running children to stop, waits up to 5 s, kills what is left. */
void jobs_stop(struct jobs *j);
/* jobs_stop, then frees. NULL-safe. */
void jobs_free(struct jobs *j);

#endif
