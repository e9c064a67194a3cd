/* Worker threads with completions on the event loop; see worker_pool.h. */
#include "worker_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

struct worker_thread {
	struct worker_pool *pool;
	pthread_t thread;
	unsigned index;
	void *state;
	bool is_started;
	bool is_running_task;      /* under the pool's lock: interrupt only such a thread (its state is alive) */
};

struct worker_pool {
	struct event_loop *loop;
	struct worker_thread_hooks hooks;
	struct worker_thread *threads;
	unsigned thread_count;
	int event_fd;
	struct event_watch *watch;

	pthread_mutex_t lock;
	pthread_cond_t work_ready;
	pthread_cond_t started;
	struct worker_task *queue_head, *queue_tail;   /* submitted, not started */
	struct worker_task *done_head, *done_tail;     /* finished, done() not yet called */
	unsigned init_finished, init_failed;
	char *init_error;
	bool is_stopping;

	size_t busy;                                    /* loop thread: submitted and not yet done() */
};

static void append(struct worker_task **head, struct worker_task **tail, struct worker_task *t)
{
	t->next = NULL;
	if (*tail != NULL)
		(*tail)->next = t;
	else
		*head = t;
	*tail = t;
}

static void *worker_main(void *arg)
{
	struct worker_thread *w = arg;
	struct worker_pool *p = w->pool;
	char *err = NULL;

	if (p->hooks.nice != 0 && setpriority(PRIO_PROCESS, (id_t)gettid(), p->hooks.nice) < 0)
		log_debug("worker %u: cannot lower its priority: %s", w->index, strerror(errno));
	if (p->hooks.init != NULL)
		w->state = p->hooks.init(p->hooks.arg, w->index, &err);
	pthread_mutex_lock(&p->lock);
	p->init_finished++;
	if (p->hooks.init != NULL && w->state == NULL) {
		p->init_failed++;
		if (p->init_error == NULL)
			p->init_error = err ? err : xstrdup("cannot start a worker");
		else
			free(err);
		pthread_cond_broadcast(&p->started);
		pthread_mutex_unlock(&p->lock);
		return NULL;
	}
	pthread_cond_broadcast(&p->started);
	for (;;) {
		struct worker_task *t;
		uint64_t one = 1;

		while (p->queue_head == NULL && !p->is_stopping)
			pthread_cond_wait(&p->work_ready, &p->lock);
		if (p->queue_head == NULL)
			break; /* stopping and nothing left that was started */
		t = p->queue_head;
		p->queue_head = t->next;
		if (p->queue_head == NULL)
			p->queue_tail = NULL;
		if (p->is_stopping) {
			t->was_run = false;
		} else {
			w->is_running_task = true;
			pthread_mutex_unlock(&p->lock);
			t->run(w->state, t);
			t->was_run = true;
			pthread_mutex_lock(&p->lock);
			w->is_running_task = false;
		}
		append(&p->done_head, &p->done_tail, t);
		if (write(p->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_error("worker %u: cannot wake the event loop: %s", w->index, strerror(errno));
	}
	pthread_mutex_unlock(&p->lock);
	if (p->hooks.fini != NULL)
		p->hooks.fini(w->state);
	return NULL;
}

/* Loop thread: calls done() for every finished task. */
static void deliver(struct worker_pool *p)
{
	struct worker_task *t;

	pthread_mutex_lock(&p->lock);
	t = p->done_head;
	p->done_head = p->done_tail = NULL;
	pthread_mutex_unlock(&p->lock);
	while (t != NULL) {
		struct worker_task *next = t->next;

		p->busy--;
		t->done(t, t->was_run);
		t = next;
	}
}

static void completion_event(void *arg, unsigned events)
{
	struct worker_pool *p = arg;
	uint64_t count;

	(void)events;
	if (read(p->event_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		log_error("worker pool: reading its eventfd: %s", strerror(errno));
	deliver(p);
}

struct worker_pool *worker_pool_new(struct event_loop *loop, unsigned threads, const struct worker_thread_hooks *hooks,
				    char **err)
{
	struct worker_pool *p = xcalloc(1, sizeof(*p));

	p->loop = loop;
	p->hooks = *hooks;
	p->thread_count = threads ? threads : 1;
	p->threads = xcalloc(p->thread_count, sizeof(*p->threads));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_ready, NULL);
	pthread_cond_init(&p->started, NULL);
	p->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->event_fd < 0) {
		*err = xasprintf("eventfd: %s", strerror(errno));
		goto fail;
	}
	p->watch = event_watch_fd(loop, p->event_fd, EVENT_READ, completion_event, p, err);
	if (p->watch == NULL)
		goto fail;
	for (unsigned i = 0; i < p->thread_count; i++) {
		struct worker_thread *w = &p->threads[i];
		int rc;

		w->pool = p;
		w->index = i;
		rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc != 0) {
			*err = xasprintf("starting worker thread %u: %s", i, strerror(rc));
			goto fail;
		}
		w->is_started = true;
	}
	pthread_mutex_lock(&p->lock);
	while (p->init_finished < p->thread_count)
		pthread_cond_wait(&p->started, &p->lock);
	pthread_mutex_unlock(&p->lock);
	if (p->init_failed > 0) {
		*err = p->init_error;
		p->init_error = NULL;
		goto fail;
	}
	return p;
fail:
	worker_pool_free(p);
	return NULL;
}

void worker_pool_submit(struct worker_pool *p, struct worker_task *task, worker_run_fn run, worker_done_fn done)
{
	task->run = run;
	task->done = done;
	task->was_run = false;
	p->busy++;
	pthread_mutex_lock(&p->lock);
	append(&p->queue_head, &p->queue_tail, task);
	pthread_cond_signal(&p->work_ready);
	pthread_mutex_unlock(&p->lock);
}

size_t worker_pool_busy(const struct worker_pool *p)
{
	return p->busy;
}

void worker_pool_free(struct worker_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->is_stopping = true;
	pthread_cond_broadcast(&p->work_ready);
	/* under the lock: a thread running a task cannot reach its fini meanwhile */
	for (unsigned i = 0; i < p->thread_count && p->hooks.interrupt != NULL; i++) {
		if (p->threads[i].is_running_task)
			p->hooks.interrupt(p->threads[i].state);
	}
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->thread_count; i++) {
		if (p->threads[i].is_started)
			pthread_join(p->threads[i].thread, NULL);
	}
	/* Tasks still queued (no thread was left to take them) complete as not run. */
	while (p->queue_head != NULL) {
		struct worker_task *t = p->queue_head;

		p->queue_head = t->next;
		t->was_run = false;
		append(&p->done_head, &p->done_tail, t);
	}
	p->queue_tail = NULL;
	deliver(p);
	event_unwatch(p->loop, p->watch);
	if (p->event_fd >= 0)
		close(p->event_fd);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work_ready);
	pthread_cond_destroy(&p->started);
	free(p->init_error);
	free(p->threads);
	free(p);
}
