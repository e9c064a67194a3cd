/*
 * irrd: the registry daemon. Runs in the foreground, logging to stderr (systemd and
 * `make run` collect it). In order: reads the configuration, binds the whois ports,
 * drops root (`user`), opens and migrates the store, builds the origin index, then
 * runs the event loop (event_loop.h) with the whois server and the periodic jobs
 * (jobs.h). SIGHUP re-reads the configuration (what needs a restart is kept and
 * logged); SIGTERM and SIGINT stop accepting, let open connections receive what they
 * asked for (at most DRAIN_SECONDS), stop the jobs and exit 0.
 *
 * `irrd --run-job ID -c CONFIG` is how the jobs run: the daemon executes itself so
 * each job starts in a fresh, single-threaded process (see jobs.h, daemon_jobs.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon_jobs.h"
#include "daemon_rpki.h"
#include "event_loop.h"
#include "jobs.h"
#include "log.h"
#include "origin_index.h"
#include "privileges.h"
#include "query.h"
#include "store.h"
#include "version.h"
#include "whois_server.h"
#include "xalloc.h"

#define DRAIN_SECONDS 5

struct daemon {
	const char *config_path;
	char *exe;                   /* our own executable (/proc/self/exe), which the jobs run */
	struct config *cfg;          /* the running configuration; swapped by SIGHUP */
	struct query_context ctx;
	struct event_loop *loop;
	struct whois_server *whois;
	struct jobs *jobs;
	struct daemon_rpki *rpki;    /* the VRPs in force (rpki.vrp_file) */
	struct event_watch *signals;
	int signal_fd;
	time_t draining_since;       /* 0: serving */
	struct event_timer *drain_timer;
};

/* The mirror job looks every 10 s (a source is polled when its own interval has passed); none without mirrors. */
static unsigned mirror_job_interval(const struct config *cfg)
{
	return cfg->mirror_count > 0 ? 10 : 0;
}

/* Journal retention runs hourly when a limit is set. */
static unsigned journal_trim_interval(const struct config *cfg)
{
	return cfg->nrtm_journal_days > 0 || cfg->nrtm_journal_serials > 0 ? 3600 : 0;
}

/* Dumps run only where there is a directory to write them to. */
static unsigned dump_interval(const struct config *cfg)
{
	return cfg->dump_dir != NULL ? cfg->dump_interval : 0;
}

/* The mailed RPKI reports run only with a VRP source configured: without one nothing is known. */
static unsigned rpki_report_interval(const struct config *cfg)
{
	return cfg->rpki_vrp_file != NULL || cfg->rpki_rtr_cache != NULL ? cfg->rpki_report_interval : 0;
}

/* SIGHUP: a new configuration for everything that can change while running. */
static void reload(struct daemon *d)
{
	struct config *fresh = NULL, *old = d->cfg;
	const char *changed[8];
	size_t n;
	char *err = NULL;

	if (config_load(d->config_path, &fresh, &err) < 0) {
		log_error("SIGHUP: %s; the running configuration stays", err);
		free(err);
		return;
	}
	n = config_keep_restart_only(old, fresh, changed, 8);
	for (size_t i = 0; i < n; i++)
		log_warn("SIGHUP: %s changed in %s; it takes effect at the next restart", changed[i], d->config_path);
	log_set_level(fresh->log_level);
	d->cfg = fresh;
	d->ctx.cfg = fresh;
	jobs_set_interval(d->jobs, daemon_job_find(DAEMON_JOB_AUTHLIST_CHECK)->name, fresh->authlist_check_interval);
	jobs_set_interval(d->jobs, daemon_job_find(DAEMON_JOB_NOTIFY_RETRY)->name, fresh->mail_notify_retry_interval);
	jobs_set_interval(d->jobs, daemon_job_find(DAEMON_JOB_RPKI_REPORT)->name, rpki_report_interval(fresh));
	jobs_set_interval(d->jobs, daemon_job_find(DAEMON_JOB_EXPORT_DUMP)->name, dump_interval(fresh));
	jobs_set_interval(d->jobs, daemon_job_find(DAEMON_JOB_MIRROR)->name, mirror_job_interval(fresh));
	jobs_set_interval(d->jobs, daemon_job_find(DAEMON_JOB_JOURNAL_TRIM)->name, journal_trim_interval(fresh));
	config_free(old);
	log_info("SIGHUP: configuration re-read from %s", d->config_path);
}

/* Once a second while draining: stop when every answer is out, or when time is up. */
static void drain_tick(void *arg, time_t now)
{
	struct daemon *d = arg;
	size_t pending = whois_server_pending(d->whois);

	if (pending == 0 || now - d->draining_since >= DRAIN_SECONDS) {
		if (pending > 0)
			log_warn("shutdown: %zu connections still had answers to send after %d s", pending, DRAIN_SECONDS);
		event_loop_stop(d->loop);
	}
}

static void start_drain(struct daemon *d, const char *why)
{
	if (d->draining_since != 0)
		return;
	log_info("received %s, shutting down", why);
	d->draining_since = time(NULL);
	whois_server_shutdown(d->whois);
	if (whois_server_pending(d->whois) == 0)
		event_loop_stop(d->loop);
	else
		d->drain_timer = event_timer_every(d->loop, 1, drain_tick, d);
}

static void signal_event(void *arg, unsigned events)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(d->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else
			start_drain(d, strsignal((int)si.ssi_signo));
	}
}

/* SIGTERM, SIGINT and SIGHUP arrive through a signalfd the loop watches. */
static int watch_signals(struct daemon *d, char **err)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	d->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->signal_fd < 0) {
		*err = xasprintf("signalfd: %s", strerror(errno));
		return -1;
	}
	d->signals = event_watch_fd(d->loop, d->signal_fd, EVENT_READ, signal_event, d, err);
	return d->signals == NULL ? -1 : 0;
}

/* The store, our source's state in the log, and the origin index. */
static int open_registry(struct daemon *d, char **err)
{
	struct store_source_info info;

	if (store_open(d->cfg->database, STORE_READ_WRITE, &d->ctx.st, err) < 0)
		return -1;
	switch (store_source_get(d->ctx.st, d->cfg->source, &info, err)) {
	case 1:
		log_info("source %s: %lld objects, serial %lld", info.name, (long long)info.object_count,
			 (long long)info.serial_newest);
		break;
	case 0:
		log_info("source %s has no objects yet (load a dump with irrctl load)", d->cfg->source);
		break;
	default:
		return -1;
	}
	d->ctx.origins = origin_index_new();
	if (origin_index_refresh(d->ctx.origins, d->ctx.st) < 0) {
		*err = xstrdup("cannot build the origin index (see the error above)");
		return -1;
	}
	log_info("origin index: %zu route prefixes", origin_index_size(d->ctx.origins));
	return 0;
}

/*
 * The path of our own executable, read while we may still read /proc/self as root.
 * Returns it (caller frees) or NULL with *err.
 */
static char *self_exe(char **err)
{
	size_t size = 256;

	for (;;) {
		char *buf = xmalloc(size);
		ssize_t n = readlink("/proc/self/exe", buf, size);

		if (n < 0) {
			*err = xasprintf("cannot find irrd's own executable (readlink /proc/self/exe): %s", strerror(errno));
			free(buf);
			return NULL;
		}
		if ((size_t)n < size) {
			buf[n] = '\0';
			return buf;
		}
		free(buf);
		size *= 2;
	}
}

/*
 * Adds the job ID, which runs as `EXE --run-job ID -c CONFIG --database DB --source
 * SOURCE`: the job reads the file as it is then, but with the database and source
 * this irrd runs with (changing them needs a restart; SIGHUP keeps them).
 */
static void add_job(struct daemon *d, const char *id, unsigned interval, unsigned first_delay)
{
	const char *argv[] = {
		d->exe, "--run-job", id, "-c", d->config_path, "--database", d->cfg->database, "--source", d->cfg->source,
		NULL,
	};

	jobs_add(d->jobs, daemon_job_find(id)->name, interval, first_delay, argv);
}

/* The running daemon's settings a job takes over from it instead of the file (NULL: the file's). */
struct job_pins {
	const char *database;
	const char *source;
};

/*
 * irrd --run-job ID: one job in this process, with the configuration as the file
 * says now (but for `pins`); started as root, as the configured user. Returns the
 * exit status (2: no such job).
 */
static int run_job(const char *id, const char *config_path, const struct job_pins *pins)
{
	const struct daemon_job *job = daemon_job_find(id);
	struct config *cfg = NULL;
	char *err = NULL;
	int rc = 1;

	if (job == NULL) {
		fprintf(stderr, "irrd: --run-job: no job named \"%s\"; the jobs are:", id);
		for (job = daemon_jobs; job->id != NULL; job++)
			fprintf(stderr, " %s", job->id);
		fputc('\n', stderr);
		return 2;
	}
	jobs_child_setup();
	if (config_load(config_path, &cfg, &err) < 0) {
		log_error("%s: bad configuration: %s", job->name, err);
		goto out;
	}
	log_set_level(cfg->log_level);
	if (pins->database != NULL) {
		free(cfg->database);
		cfg->database = xstrdup(pins->database);
	}
	if (pins->source != NULL) {
		free(cfg->source);
		cfg->source = xstrdup(pins->source);
	}
	/*
	 * Run by hand as root: files the job creates (SQLite's -wal, -shm) must belong to
	 * irrd's user. Started by irrd, it already runs as whoever irrd became.
	 */
	if (geteuid() == 0 && privileges_drop(cfg->user, &err) < 0) {
		log_error("%s: %s", job->name, err);
		goto out;
	}
	rc = job->run(cfg);
	log_debug("%s: done in process %d (exit status %d)", job->name, (int)getpid(), rc);
out:
	free(err);
	config_free(cfg);
	return rc;
}

static void usage(FILE *out)
{
	fputs("usage: irrd -c CONFIG [-V]\n"
	      "       irrd --run-job JOB -c CONFIG [--database FILE] [--source NAME]   (one periodic job now)\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "run-job", required_argument, NULL, 'J' },
		{ "database", required_argument, NULL, 'D' },
		{ "source", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .signal_fd = -1 };
	const char *job_id = NULL;
	struct job_pins pins = { NULL, NULL };
	char *err = NULL;
	int c, rc = EXIT_FAILURE;

	log_set_program("irrd");
	while ((c = getopt_long(argc, argv, "c:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			d.config_path = optarg;
			break;
		case 'J':
			job_id = optarg;
			break;
		case 'D':
			pins.database = optarg;
			break;
		case 'S':
			pins.source = optarg;
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
	if (d.config_path == NULL || optind != argc || (job_id == NULL && (pins.database || pins.source))) {
		usage(stderr);
		return 2;
	}
	if (job_id != NULL)
		return run_job(job_id, d.config_path, &pins);
	if (config_load(d.config_path, &d.cfg, &err) < 0) {
		log_error("bad configuration: %s", err);
		goto out;
	}
	log_set_level(d.cfg->log_level);
	d.ctx.cfg = d.cfg;
	d.loop = event_loop_new(&err);
	if (d.loop == NULL || watch_signals(&d, &err) < 0)
		goto fail;
	/* bind first (port 43 needs root), then drop root before touching data or clients */
	d.whois = whois_server_new(&d.ctx, d.loop, &err);
	if (d.whois == NULL || (d.exe = self_exe(&err)) == NULL || privileges_drop(d.cfg->user, &err) < 0 ||
	    open_registry(&d, &err) < 0 || (d.rpki = daemon_rpki_start(d.loop, &d.ctx, &d.cfg, &err)) == NULL ||
	    whois_server_start(d.whois, &err) < 0)
		goto fail;
	d.jobs = jobs_new(d.loop);
	add_job(&d, DAEMON_JOB_AUTHLIST_CHECK, d.cfg->authlist_check_interval, d.cfg->authlist_check_interval);
	add_job(&d, DAEMON_JOB_NOTIFY_RETRY, d.cfg->mail_notify_retry_interval, 0);
	add_job(&d, DAEMON_JOB_RPKI_REPORT, rpki_report_interval(d.cfg), rpki_report_interval(d.cfg));
	add_job(&d, DAEMON_JOB_EXPORT_DUMP, dump_interval(d.cfg), 0);   /* a fresh dump at start */
	add_job(&d, DAEMON_JOB_MIRROR, mirror_job_interval(d.cfg), 0);
	add_job(&d, DAEMON_JOB_JOURNAL_TRIM, journal_trim_interval(d.cfg), 0);
	log_info("routereg %s ready (database %s, pid %d)", ROUTEREG_VERSION, d.cfg->database, (int)getpid());
	if (event_loop_run(d.loop) == 0)
		rc = EXIT_SUCCESS;
	goto out;
fail:
	log_error("%s", err ? err : "cannot start");
out:
	jobs_free(d.jobs);
	whois_server_free(d.whois);
	daemon_rpki_free(d.rpki);
	event_timer_cancel(d.loop, d.drain_timer);
	event_unwatch(d.loop, d.signals);
	event_loop_free(d.loop);
	if (d.signal_fd >= 0)
		close(d.signal_fd);
	origin_index_free(d.ctx.origins);
	store_close(d.ctx.st);
	free(err);
	config_free(d.cfg);
	free(d.exe);
	return rc;
}
