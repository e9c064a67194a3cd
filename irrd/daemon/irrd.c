/*
 * irrd: the registry daemon. Runs in the foreground until SIGTERM/SIGINT, logging to
 * stderr (systemd and `make run` collect it). It opens and migrates the store and
 * runs the whois server's event loop; NRTM and timers attach here as they land.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <sys/wait.h>
#include <time.h>

#include "authlist_check.h"
#include "config.h"
#include "log.h"
#include "notify.h"
#include "subprocess.h"
#include "store.h"
#include "version.h"
#include "origin_index.h"
#include "whois_server.h"

/*
 * Periodic jobs: each runs in a child process with its own database connection, so
 * a consistency check over a million routes or a slow sendmail never stalls whois;
 * the parent only starts and reaps them. One child per job at a time.
 */
struct periodic_job {
	const char *name;
	unsigned interval;            /* seconds; 0: never */
	void (*run)(const struct config *cfg, struct store *st);
	time_t next;
	pid_t running;
};

struct periodic_jobs {
	const struct config *cfg;
	struct periodic_job jobs[2];
	size_t count;
};

/* The authorisation list's consistency check (authlist.check_interval). */
static void run_authlist_check(const struct config *cfg, struct store *st)
{
	struct authlist_check_result res;
	char *err = NULL;

	if (authlist_check(st, cfg, AUTHLIST_CHECK_NOTIFY, &res, &err) < 0) {
		log_error("authorisation list check: %s", err);
		_exit(1);
	}
	log_info("authorisation list check: %zu entries, %zu outside their allocations; %zu routes, %zu the list would"
		 " refuse now; %zu notifications", res.entries_checked, res.entries_flagged, res.routes_checked,
		 res.routes_refused, res.notifications);
}

/* Notifications that sendmail refused earlier (mail.notify_retry_interval). */
static void run_notify_retry(const struct config *cfg, struct store *st)
{
	char *err = NULL;
	int left = notify_queue_deliver(st, cfg, 0, 0, time(NULL), NULL, &err);

	if (left < 0) {
		log_error("notification queue: %s", err);
		_exit(1);
	}
}

/* A job stopped by irrd's shutdown takes its helper (a hanging sendmail) with it. */
static void job_terminated(int sig)
{
	(void)sig;
	subprocess_kill_running();
	_exit(1);
}

static void run_job_child(const struct config *cfg, const struct periodic_job *job)
{
	signal(SIGTERM, job_terminated);
	struct store *st = NULL;
	char *err = NULL;

	if (store_open(cfg->database, STORE_READ_WRITE, &st, &err) < 0) {
		log_error("%s: %s", job->name, err);
		_exit(1);
	}
	job->run(cfg, st);
	store_close(st);
	_exit(0);
}

static void periodic_tick(void *arg, time_t now)
{
	struct periodic_jobs *pj = arg;

	for (size_t i = 0; i < pj->count; i++) {
		struct periodic_job *job = &pj->jobs[i];
		int status;

		if (job->running > 0 && waitpid(job->running, &status, WNOHANG) == job->running) {
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				log_error("%s: the job's process failed (status %d)", job->name, status);
			job->running = 0;
		}
		if (job->interval == 0 || job->running > 0 || now < job->next)
			continue;
		job->next = now + (time_t)job->interval;
		job->running = fork();
		if (job->running == 0) {
			sigset_t none;

			/* the parent blocks SIGTERM for its signalfd; the child must die of it */
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			signal(SIGPIPE, SIG_IGN);
			run_job_child(pj->cfg, job);
		}
		if (job->running < 0) {
			log_error("%s: fork: %s", job->name, strerror(errno));
			job->running = 0;
		}
	}
}

/* Shutdown: asks running jobs to stop, waits a little, then kills what is left. */
static void periodic_stop(struct periodic_jobs *pj)
{
	for (size_t i = 0; i < pj->count; i++) {
		if (pj->jobs[i].running > 0)
			kill(pj->jobs[i].running, SIGTERM);
	}
	for (int tick = 0; tick < 50; tick++) {
		bool any = false;

		for (size_t i = 0; i < pj->count; i++) {
			if (pj->jobs[i].running > 0 && waitpid(pj->jobs[i].running, NULL, WNOHANG) == pj->jobs[i].running)
				pj->jobs[i].running = 0;
			any |= pj->jobs[i].running > 0;
		}
		if (!any)
			return;
		usleep(100000);
	}
	for (size_t i = 0; i < pj->count; i++) {
		if (pj->jobs[i].running > 0) {
			log_warn("%s: the job did not stop within 5 s of SIGTERM; killed", pj->jobs[i].name);
			kill(pj->jobs[i].running, SIGKILL);
			waitpid(pj->jobs[i].running, NULL, 0);
		}
	}
}

static void periodic_add(struct periodic_jobs *pj, const char *name, unsigned interval,
			 void (*run)(const struct config *cfg, struct store *st), time_t first)
{
	struct periodic_job *job = &pj->jobs[pj->count++];

	job->name = name;
	job->interval = interval;
	job->run = run;
	job->next = first;
}

static void usage(FILE *out)
{
	fputs("usage: irrd -c CONFIG [-V]\n", out);
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_source_info info;
	struct query_context ctx = { 0 };
	struct whois_server *whois = NULL;
	struct periodic_jobs jobs = { 0 };
	struct signalfd_siginfo si;
	sigset_t block;
	int stop_fd = -1;
	char *err = NULL;
	int c, rc = EXIT_FAILURE;

	log_set_program("irrd");
	while ((c = getopt(argc, argv, "c:hV")) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("irrd (routereg) %s\n", ROUTEREG_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (config_path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(config_path, &cfg, &err) < 0) {
		log_error("bad configuration: %s", err);
		goto out;
	}
	log_set_level(cfg->log_level);
	if (store_open(cfg->database, STORE_READ_WRITE, &st, &err) < 0) {
		log_error("%s", err);
		goto out;
	}
	switch (store_source_get(st, cfg->source, &info, &err)) {
	case 1:
		log_info("source %s: %lld objects, serial %lld", info.name, (long long)info.object_count,
			 (long long)info.serial_newest);
		break;
	case 0:
		log_info("source %s has no objects yet (load a dump with irrctl load)", cfg->source);
		break;
	default:
		log_error("%s", err);
		goto out;
	}

	/* SIGTERM/SIGINT arrive through a signalfd the event loop watches. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
	stop_fd = signalfd(-1, &block, SFD_CLOEXEC);
	if (stop_fd < 0) {
		log_error("signalfd: %s", strerror(errno));
		goto out;
	}
	ctx.st = st;
	ctx.cfg = cfg;
	ctx.origins = origin_index_new();
	if (origin_index_refresh(ctx.origins, st) < 0) {
		log_error("cannot build the origin index: %s", sqlite3_errmsg(store_db(st)));
		goto out;
	}
	log_info("origin index: %zu route prefixes", origin_index_size(ctx.origins));
	whois = whois_server_new(&ctx, &err);
	if (whois == NULL) {
		log_error("%s", err);
		goto out;
	}
	jobs.cfg = cfg;
	periodic_add(&jobs, "authorisation list check", cfg->authlist_check_interval, run_authlist_check,
		     time(NULL) + (time_t)cfg->authlist_check_interval);
	periodic_add(&jobs, "notification queue", cfg->mail_notify_retry_interval, run_notify_retry, time(NULL));
	whois_server_set_tick(whois, periodic_tick, &jobs);
	log_info("routereg %s ready (database %s, pid %d)", ROUTEREG_VERSION, cfg->database, (int)getpid());
	if (whois_server_run(whois, stop_fd) < 0)
		goto out;
	if (read(stop_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		log_info("received %s, shutting down", strsignal((int)si.ssi_signo));
	rc = EXIT_SUCCESS;
out:
	periodic_stop(&jobs);
	whois_server_free(whois);
	origin_index_free(ctx.origins);
	if (stop_fd >= 0)
		close(stop_fd);
	free(err);
	store_close(st);
	config_free(cfg);
	return rc;
}
