/* Periodic child-process jobs; see jobs.h. */
#include "jobs.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "subprocess.h"
#include "xalloc.h"

#define MAX_JOBS 8

struct job {
	const char *name;
	unsigned interval;
	time_t next;
	job_fn run;
	void *arg;
	pid_t running;
};

struct jobs {
	struct event_loop *loop;
	struct event_timer *timer;
	struct job items[MAX_JOBS];
	size_t count;
};

/* A job stopped by irrd's shutdown takes its helper (a hanging sendmail) with it. */
static void job_terminated(int sig)
{
	(void)sig;
	subprocess_kill_running();
	_exit(1);
}

static void start(struct job *job)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		/* the parent blocks SIGTERM and SIGHUP for its signalfd; the child must die of SIGTERM */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, job_terminated);
		_exit(job->run(job->arg));
	}
	if (pid < 0) {
		log_error("%s: fork: %s", job->name, strerror(errno));
		return;
	}
	job->running = pid;
}

static void tick(void *arg, time_t now)
{
	struct jobs *j = arg;

	for (size_t i = 0; i < j->count; i++) {
		struct job *job = &j->items[i];
		int status;

		if (job->running > 0 && waitpid(job->running, &status, WNOHANG) == job->running) {
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				log_error("%s: the job's process failed (status %d)", job->name, status);
			job->running = 0;
		}
		if (job->interval == 0 || job->running > 0 || now < job->next)
			continue;
		job->next = now + (time_t)job->interval;
		start(job);
	}
}

struct jobs *jobs_new(struct event_loop *loop)
{
	struct jobs *j = xcalloc(1, sizeof(*j));

	j->loop = loop;
	j->timer = event_timer_every(loop, 1, tick, j);
	return j;
}

void jobs_add(struct jobs *j, const char *name, unsigned interval, unsigned first_delay, job_fn run, void *arg)
{
	struct job *job;

	if (j->count == MAX_JOBS)
		fatal("jobs: more than %d jobs", MAX_JOBS);
	job = &j->items[j->count++];
	memset(job, 0, sizeof(*job));
	job->name = name;
	job->interval = interval;
	job->next = time(NULL) + (time_t)first_delay;
	job->run = run;
	job->arg = arg;
}

void jobs_set_interval(struct jobs *j, const char *name, unsigned interval)
{
	for (size_t i = 0; i < j->count; i++) {
		struct job *job = &j->items[i];

		if (strcmp(job->name, name) != 0 || job->interval == interval)
			continue;
		/* the next run comes one new interval after the last one was due */
		job->next = job->next - (time_t)job->interval + (time_t)interval;
		job->interval = interval;
	}
}

void jobs_stop(struct jobs *j)
{
	for (size_t i = 0; i < j->count; i++) {
		if (j->items[i].running > 0)
			kill(j->items[i].running, SIGTERM);
	}
	for (int round = 0; round < 50; round++) {
		bool any = false;

		for (size_t i = 0; i < j->count; i++) {
			struct job *job = &j->items[i];

			if (job->running > 0 && waitpid(job->running, NULL, WNOHANG) == job->running)
				job->running = 0;
			any |= job->running > 0;
		}
		if (!any)
			return;
		usleep(100000);
	}
	for (size_t i = 0; i < j->count; i++) {
		if (j->items[i].running > 0) {
			log_warn("%s: the job did not stop within 5 s of SIGTERM; killed", j->items[i].name);
			kill(j->items[i].running, SIGKILL);
			waitpid(j->items[i].running, NULL, 0);
			j->items[i].running = 0;
		}
	}
}

void jobs_free(struct jobs *j)
{
	if (j == NULL)
		return;
	jobs_stop(j);
	event_timer_cancel(j->loop, j->timer);
	free(j);
}
