/* The epoll event loop; see event_loop.h. */
#include "event_loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

struct event_watch {
	int fd;
	unsigned events;          /* what epoll waits for now */
	event_fd_fn fn;
	void *arg;
	bool is_dead;             /* unwatched: freed once the round of callbacks is over */
	struct event_watch *next_dead;
};

struct event_timer {
	unsigned period;
	time_t due;
	event_timer_fn fn;
	void *arg;
	bool is_dead;             /* cancelled: freed once the round is over */
	struct event_timer *next;
};

struct event_loop {
	int epoll_fd;
	bool is_stopping;
	struct event_watch *dead;  /* unwatched during a round */
	struct event_timer *timers;
	size_t watch_count;
	event_round_fn round_fn;
	void *round_arg;
	bool has_pending_work;     /* the round hook left work: poll, do not sleep */
	uint64_t busy_poll_ns;     /* after a busy round, poll this long before sleeping */
};

struct event_loop *event_loop_new(char **err)
{
	struct event_loop *loop = xcalloc(1, sizeof(*loop));

	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0) {
		*err = xasprintf("epoll_create: %s", strerror(errno));
		free(loop);
		return NULL;
	}
	return loop;
}

/* Frees what was unwatched or cancelled during the last round. */
static void reap_dead(struct event_loop *loop)
{
	while (loop->dead != NULL) {
		struct event_watch *w = loop->dead;

		loop->dead = w->next_dead;
		free(w);
	}
	for (struct event_timer **p = &loop->timers; *p != NULL;) {
		struct event_timer *t = *p;

		if (t->is_dead) {
			*p = t->next;
			free(t);
		} else {
			p = &t->next;
		}
	}
}

void event_loop_free(struct event_loop *loop)
{
	if (loop == NULL)
		return;
	reap_dead(loop);
	while (loop->timers != NULL) {
		struct event_timer *t = loop->timers;

		loop->timers = t->next;
		free(t);
	}
	if (loop->watch_count > 0)
		log_debug("event loop freed with %zu watches still registered", loop->watch_count);
	close(loop->epoll_fd);
	free(loop);
}

static uint32_t to_epoll(unsigned events)
{
	return (events & EVENT_READ ? EPOLLIN | EPOLLRDHUP : 0) | (events & EVENT_WRITE ? EPOLLOUT : 0);
}

struct event_watch *event_watch_fd(struct event_loop *loop, int fd, unsigned events, event_fd_fn fn, void *arg,
				   char **err)
{
	struct event_watch *w = xcalloc(1, sizeof(*w));
	struct epoll_event ev = { .events = to_epoll(events), .data.ptr = w };

	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->arg = arg;
	if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		*err = xasprintf("epoll_ctl: %s", strerror(errno));
		free(w);
		return NULL;
	}
	loop->watch_count++;
	return w;
}

void event_watch_set(struct event_loop *loop, struct event_watch *w, unsigned events)
{
	struct epoll_event ev = { .events = to_epoll(events), .data.ptr = w };

	if (w->is_dead || w->events == events)
		return;
	if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_MOD, w->fd, &ev) == 0)
		w->events = events;
}

void event_unwatch(struct event_loop *loop, struct event_watch *w)
{
	if (w == NULL || w->is_dead)
		return;
	epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
	/* events for it may still be in this round's list: free after the round */
	w->is_dead = true;
	w->next_dead = loop->dead;
	loop->dead = w;
	loop->watch_count--;
}

struct event_timer *event_timer_every(struct event_loop *loop, unsigned seconds, event_timer_fn fn, void *arg)
{
	struct event_timer *t = xcalloc(1, sizeof(*t));

	t->period = seconds ? seconds : 1;
	t->due = time(NULL) + (time_t)t->period;
	t->fn = fn;
	t->arg = arg;
	t->next = loop->timers;
	loop->timers = t;
	return t;
}

void event_timer_set_period(struct event_timer *t, unsigned seconds)
{
	time_t last = t->due - (time_t)t->period;

	t->period = seconds ? seconds : 1;
	t->due = last + (time_t)t->period;
}

void event_timer_cancel(struct event_loop *loop, struct event_timer *t)
{
	(void)loop;
	if (t != NULL)
		t->is_dead = true;
}

/* Milliseconds until the next timer is due (at most a second: time may jump). */
static int next_timeout(const struct event_loop *loop, time_t now)
{
	int ms = 1000;

	for (const struct event_timer *t = loop->timers; t != NULL; t = t->next) {
		if (!t->is_dead && t->due <= now)
			return 0;
	}
	return ms;
}

static void run_timers(struct event_loop *loop, time_t now)
{
	for (struct event_timer *t = loop->timers; t != NULL && !loop->is_stopping; t = t->next) {
		if (t->is_dead || t->due > now)
			continue;
		t->due = now + (time_t)t->period;
		t->fn(t->arg, now);
	}
}

void event_loop_set_busy_poll(struct event_loop *loop, unsigned usec)
{
	loop->busy_poll_ns = (uint64_t)usec * 1000;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The next round's events: at once when work is pending; after a busy round, what
 * comes within the busy-poll time without sleeping; else sleep until an event or
 * the next timer. epoll_wait's result (-1 with errno on failure).
 */
static int wait_for_events(struct event_loop *loop, struct epoll_event *events, int max, bool was_busy)
{
	if (loop->has_pending_work)
		return epoll_wait(loop->epoll_fd, events, max, 0);
	if (was_busy && loop->busy_poll_ns > 0) {
		uint64_t start = monotonic_ns();

		do {
			int n = epoll_wait(loop->epoll_fd, events, max, 0);

			if (n != 0)
				return n;
		} while (monotonic_ns() - start < loop->busy_poll_ns);
	}
	return epoll_wait(loop->epoll_fd, events, max, next_timeout(loop, time(NULL)));
}

void event_loop_on_round(struct event_loop *loop, event_round_fn fn, void *arg)
{
	loop->round_fn = fn;
	loop->round_arg = arg;
}

int event_loop_run(struct event_loop *loop)
{
	struct epoll_event events[256];
	bool was_busy = false;

	loop->is_stopping = false;
	while (!loop->is_stopping) {
		int n = wait_for_events(loop, events, 256, was_busy);

		was_busy = n > 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("event loop: epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n && !loop->is_stopping; i++) {
			struct event_watch *w = events[i].data.ptr;
			uint32_t e = events[i].events;
			unsigned told = 0;

			if (w->is_dead)
				continue;
			if (e & (EPOLLERR | EPOLLHUP))
				told |= EVENT_ERROR;
			if (e & (EPOLLIN | EPOLLRDHUP))
				told |= EVENT_READ;
			if (e & EPOLLOUT)
				told |= EVENT_WRITE;
			w->fn(w->arg, told);
		}
		run_timers(loop, time(NULL));
		loop->has_pending_work = loop->round_fn != NULL && !loop->is_stopping && loop->round_fn(loop->round_arg);
		reap_dead(loop);
	}
	return 0;
}

void event_loop_stop(struct event_loop *loop)
{
	loop->is_stopping = true;
}
