/*
 * irrd's event loop (epoll): file descriptors to watch and timers, run in one thread.
 * The whois server registers its listeners and connections here, the daemon its
 * signals and its periodic jobs (jobs.h); NRTM, mirror polling and RPKI refresh will
 * attach the same way. Callbacks must not block: slow work goes to a child process
 * (jobs.h) or a worker.
 */
#ifndef IRRD_EVENT_LOOP_H
#define IRRD_EVENT_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* What a watch waits for and what a callback is told. */
enum {
	EVENT_READ = 1u << 0,   /* readable, or the peer closed its side */
	EVENT_WRITE = 1u << 1,  /* writable */
	EVENT_ERROR = 1u << 2,  /* error or hang-up (told, never asked for) */
};

struct event_loop;
struct event_watch;
struct event_timer;

typedef void (*event_fd_fn)(void *arg, unsigned events);
typedef void (*event_timer_fn)(void *arg, time_t now);

/* A new loop, or NULL with *err (caller frees). Free with event_loop_free. */
struct event_loop *event_loop_new(char **err);
/* Frees the loop and every watch and timer still registered (the fds stay open: their owners close them). */
void event_loop_free(struct event_loop *loop);

/*
 * Watches fd for `events` (EVENT_READ, EVENT_WRITE or both; 0: registered but idle).
 * Returns the watch, or NULL with *err. The fd stays the caller's.
 */
struct event_watch *event_watch_fd(struct event_loop *loop, int fd, unsigned events, event_fd_fn fn, void *arg,
				   char **err);
/* Changes what a watch waits for (cheap when unchanged). */
void event_watch_set(struct event_loop *loop, struct event_watch *w, unsigned events);
/* Stops watching and frees the watch; safe from any callback, including the watch's own. */
void event_unwatch(struct event_loop *loop, struct event_watch *w);

/* Calls fn about every `seconds` (>= 1) seconds, first after one period. Returns the timer. */
struct event_timer *event_timer_every(struct event_loop *loop, unsigned seconds, event_timer_fn fn, void *arg);
/* Changes a timer's period (the next call comes one new period after the last). */
void event_timer_set_period(struct event_timer *t, unsigned seconds);
/* Stops and frees a timer; safe from any callback. */
void event_timer_cancel(struct event_loop *loop, struct event_timer *t);

/*
 * Calls fn after every round of fd callbacks and timers. fn returns true while it
 * still has work it left for later (a time-sliced scheduler): the loop then polls
 * without sleeping and calls it again after the next round. One hook per loop;
 * NULL removes it.
 */
typedef bool (*event_round_fn)(void *arg);
void event_loop_on_round(struct event_loop *loop, event_round_fn fn, void *arg);

/*
 * After a round in which a watched descriptor was ready, poll for up to usec
 * microseconds (epoll_wait without sleeping) before sleeping: a client that asks
 * one thing at a time sends its next request within a few microseconds of its
 * answer, and finding it awake saves the sleep and the wake-up (dear in a virtual
 * machine). Costs at most usec of CPU after each busy round; 0 (the default) never
 * polls. May be changed at any time.
 */
void event_loop_set_busy_poll(struct event_loop *loop, unsigned usec);

/* Runs until event_loop_stop. Returns 0, or -1 when the loop itself failed (logged). */
int event_loop_run(struct event_loop *loop);
/* Makes event_loop_run return after the current round of callbacks. */
void event_loop_stop(struct event_loop *loop);

#endif
