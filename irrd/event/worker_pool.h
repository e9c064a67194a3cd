/*
 * Worker threads for work that must not run on the event loop (whois queries that
 * read the database, rebuilding the origin index). The loop thread submits tasks;
 * a worker runs them with its own per-thread state (a read connection to the store,
 * say); the result comes back on the loop thread through an eventfd the loop
 * watches, so everything a task's completion touches stays single-threaded.
 * Tasks run in submission order (first come, first served).
 */
#ifndef IRRD_WORKER_POOL_H
#define IRRD_WORKER_POOL_H

#include <stdbool.h>

#include "event_loop.h"

struct worker_pool;
struct worker_task;

/* Runs in a worker thread with that thread's state. */
typedef void (*worker_run_fn)(void *thread_state, struct worker_task *task);
/* Runs on the loop thread after run, or instead of it when the pool shuts down (was_run false). */
typedef void (*worker_done_fn)(struct worker_task *task, bool was_run);

/* Embed this in the task's own struct (container_of). */
struct worker_task {
	worker_run_fn run;
	worker_done_fn done;
	struct worker_task *next;
	bool was_run;
};

/* Per-thread state: made in the thread before its first task, freed in it at exit. */
struct worker_thread_hooks {
	void *(*init)(void *arg, unsigned index, char **err);  /* NULL with *err: the pool does not start */
	void (*fini)(void *thread_state);
	void (*interrupt)(void *thread_state);                  /* from another thread: abandon the current task soon */
	void *arg;
	int nice;                                               /* added to the workers' nice value (lower priority) */
};

/*
 * Starts `threads` workers (>= 1) whose completions are delivered on `loop`.
 * Returns NULL with *err (caller frees) when a thread or its state cannot be made.
 */
struct worker_pool *worker_pool_new(struct event_loop *loop, unsigned threads, const struct worker_thread_hooks *hooks,
				    char **err);
/* Queues a task (loop thread only). */
void worker_pool_submit(struct worker_pool *p, struct worker_task *task, worker_run_fn run, worker_done_fn done);
/* Tasks queued or running (loop thread only). */
size_t worker_pool_busy(const struct worker_pool *p);
/*
 * Shuts down: tasks not started complete with was_run false, running ones are
 * interrupted (hooks->interrupt) and waited for; every done callback runs before
 * this returns. NULL-safe.
 */
void worker_pool_free(struct worker_pool *p);

#endif
