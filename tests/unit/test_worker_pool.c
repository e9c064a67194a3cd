/*
 * Unit tests of the worker pool: tasks run on worker threads with their own state
 * and complete on the loop thread; a failing thread init stops the pool from
 * starting; shutdown interrupts the running task and completes queued ones as not
 * run, every done callback before worker_pool_free returns.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "event_loop.h"
#include "testlib.h"
#include "worker_pool.h"

struct thread_state {
	unsigned index;
	atomic_bool interrupted;
};

static atomic_int inits, finis;

static void *init_ok(void *arg, unsigned index, char **err)
{
	struct thread_state *ts = calloc(1, sizeof(*ts));

	(void)arg;
	(void)err;
	ts->index = index;
	atomic_fetch_add(&inits, 1);
	return ts;
}

static void *init_fails_second(void *arg, unsigned index, char **err)
{
	if (index == 1) {
		*err = strdup("thread 1 cannot open its database");
		return NULL;
	}
	return init_ok(arg, index, err);
}

static void fini(void *state)
{
	atomic_fetch_add(&finis, 1);
	free(state);
}

static void interrupt(void *state)
{
	struct thread_state *ts = state;

	atomic_store(&ts->interrupted, true);
}

struct sum_task {
	struct worker_task base;
	struct event_loop *loop;
	int input, output;
	pthread_t ran_on;
	int *remaining;
	int *done_not_run;
	int sleep_ms;
};

static void sum_run(void *state, struct worker_task *base)
{
	struct sum_task *t = (struct sum_task *)base;
	struct thread_state *ts = state;

	t->ran_on = pthread_self();
	/* a long task ends early when interrupted (as sqlite3_interrupt ends a query) */
	for (int i = 0; i < t->sleep_ms && !atomic_load(&ts->interrupted); i++)
		usleep(1000);
	t->output = t->input * 2;
}

static void sum_done(struct worker_task *base, bool was_run)
{
	struct sum_task *t = (struct sum_task *)base;

	if (!was_run)
		(*t->done_not_run)++;
	if (--*t->remaining == 0 && t->loop != NULL)
		event_loop_stop(t->loop);
}

int main(void)
{
	struct worker_thread_hooks hooks = { .init = init_ok, .fini = fini, .interrupt = interrupt, .nice = 1 };
	struct event_loop *loop;
	struct worker_pool *p;
	struct sum_task tasks[64];
	int remaining = 64, not_run = 0, right = 0, off_loop = 0;
	char *err = NULL;

	loop = event_loop_new(&err);
	p = worker_pool_new(loop, 3, &hooks, &err);
	CHECK(p != NULL && atomic_load(&inits) == 3, "three workers started, each with its state");
	memset(tasks, 0, sizeof(tasks));
	for (int i = 0; i < 64; i++) {
		tasks[i].loop = loop;
		tasks[i].input = i;
		tasks[i].remaining = &remaining;
		tasks[i].done_not_run = &not_run;
		worker_pool_submit(p, &tasks[i].base, sum_run, sum_done);
	}
	CHECK(worker_pool_busy(p) == 64, "64 tasks outstanding");
	event_loop_run(loop);
	for (int i = 0; i < 64; i++) {
		right += tasks[i].output == 2 * i;
		off_loop += !pthread_equal(tasks[i].ran_on, pthread_self());
	}
	CHECK(remaining == 0 && right == 64 && not_run == 0, "every task ran and completed on the loop (%d right)", right);
	CHECK(off_loop == 64, "tasks ran on worker threads, not the loop thread");
	CHECK(worker_pool_busy(p) == 0, "nothing outstanding after the completions");
	worker_pool_free(p);
	CHECK(atomic_load(&finis) == 3, "each worker freed its state");

	/* shutdown with a long task running and others queued */
	hooks.nice = 0;
	p = worker_pool_new(loop, 1, &hooks, &err);
	remaining = 8;
	not_run = 0;
	memset(tasks, 0, sizeof(tasks));
	for (int i = 0; i < 8; i++) {
		tasks[i].input = i;
		tasks[i].remaining = &remaining;
		tasks[i].done_not_run = &not_run;
		tasks[i].sleep_ms = 10000;
		worker_pool_submit(p, &tasks[i].base, sum_run, sum_done);
	}
	usleep(50 * 1000); /* let the first task start */
	{
		struct timespec a, b;
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &a);
		worker_pool_free(p);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		CHECK(remaining == 0, "every task completed before worker_pool_free returned");
		CHECK(not_run == 7, "queued tasks completed as not run (%d)", not_run);
		/* the task would sleep 10 s; interrupted it ends at once (bound generous for loaded machines) */
		CHECK(ms < 5000, "the running task was interrupted, not waited out (%ld ms)", ms);
	}

	/* a thread that cannot make its state: the pool does not start, and says why */
	hooks.init = init_fails_second;
	free(err);
	err = NULL;
	p = worker_pool_new(loop, 3, &hooks, &err);
	CHECK(p == NULL && err != NULL && strstr(err, "cannot open its database") != NULL,
	      "a failing thread init refuses the pool: %s", err ? err : "(no error)");
	free(err);
	event_loop_free(loop);
	return test_failures != 0;
}
