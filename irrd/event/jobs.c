/* Periodic jobs, each in a fresh process; see jobs.h. */
#include "jobs.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "subprocess.h"
#include "xalloc.h"

#define MAX_JOBS 8
/* Where close_range(2) is refused (an old kernel, a seccomp filter), the child closes one by one up to this. */
#define MAX_FD_FALLBACK (1 << 20)

struct job {
	const char *name;
	unsigned interval;
	time_t next;
	char **argv;                 /* NULL-terminated, owned */
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

void jobs_child_setup(void)
{
	struct sigaction term = { .sa_handler = job_terminated };
	sigset_t none;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&term.sa_mask);
	sigaction(SIGTERM, &term, NULL);
	sigaction(SIGINT, &term, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * The child between fork and exec: async-signal-safe calls only, no allocation, no
 * stdio, no lock. msg (len bytes) is the log line prepared by the parent, to which
 * the reason is added when execv fails.
 */
__attribute__((noreturn)) static void exec_job(char *const argv[], const char *msg, size_t len, unsigned max_fd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ign = { .sa_handler = SIG_IGN };
	char line[1200];
	const char *reason;
	sigset_t none;
	size_t n;
	int e;

	/* handlers go at exec, but ignored signals and the mask would stay: irrd blocks SIGTERM and SIGHUP */
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&ign.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, sig == SIGHUP || sig == SIGPIPE ? &ign : &dfl, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* 0-2 stay (stderr is the log); the listening and client sockets, the store, epoll, go */
	if (close_range(3, ~0U, 0) < 0) {
		for (unsigned fd = 3; fd < max_fd; fd++)
			close((int)fd);
	}
	execv(argv[0], argv);
	e = errno;
	reason = strerrordesc_np(e);
	if (reason == NULL)
		reason = "unknown error";
	n = len < sizeof(line) - 200 ? len : sizeof(line) - 200;
	memcpy(line, msg, n);
	for (const char *r = reason; *r != '\0' && n < sizeof(line) - 1; r++)
		line[n++] = *r;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nothing left to tell it to */
	}
	_exit(127);
}

/* The highest descriptor number the child may have to close when close_range fails. */
static unsigned fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > MAX_FD_FALLBACK)
		return MAX_FD_FALLBACK;
	return (unsigned)rl.rlim_cur;
}

static void start(struct job *job)
{
	char msg[1024];
	size_t len;
	unsigned max_fd = fd_limit();
	pid_t pid;

	/* formatted before the fork: the child may not allocate, use stdio or take any lock */
	len = log_format_error(msg, sizeof(msg), "%s: cannot execute %s: ", job->name, job->argv[0]);
	pid = fork();
	if (pid == 0)
		exec_job(job->argv, msg, len, max_fd);
	if (pid < 0) {
		log_error("%s: fork: %s", job->name, strerror(errno));
		return;
	}
	job->running = pid;
}

/* "exit status 3", "killed by signal 9 (Killed)" */
static void describe_status(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "wait status %d", status);
}

static void tick(void *arg, time_t now)
{
	struct jobs *j = arg;

	for (size_t i = 0; i < j->count; i++) {
		struct job *job = &j->items[i];
		int status;

		if (job->running > 0 && waitpid(job->running, &status, WNOHANG) == job->running) {
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				char how[96];

				describe_status(status, how, sizeof(how));
				log_error("%s: the job's process failed (%s)", job->name, how);
			}
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

void jobs_add(struct jobs *j, const char *name, unsigned interval, unsigned first_delay, const char *const argv[])
{
	struct job *job;
	size_t n = 0;

	if (j->count == MAX_JOBS)
		fatal("jobs: more than %d jobs", MAX_JOBS);
	job = &j->items[j->count++];
	memset(job, 0, sizeof(*job));
	job->name = name;
	job->interval = interval;
	job->next = time(NULL) + (time_t)first_delay;
	while (argv[n] != NULL)
		n++;
	if (n == 0)
		fatal("jobs: %s: an empty command", name);
	job->argv = xcalloc(n + 1, sizeof(*job->argv));
	for (size_t i = 0; i < n; i++)
		job->argv[i] = xstrdup(argv[i]);
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
	for (size_t i = 0; i < j->count; i++) {
		for (char **a = j->items[i].argv; *a != NULL; a++)
			free(*a);
		free(j->items[i].argv);
	}
	free(j);
}
