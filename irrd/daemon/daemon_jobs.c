/* irrd's periodic jobs; see daemon_jobs.h. */
#include "daemon_jobs.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authlist_check.h"
#include "config.h"
#include "dump_export.h"
#include "mirror.h"
#include "log.h"
#include "notify.h"
#include "rpki_notify.h"
#include "store.h"
#include "store_write.h"

static struct store *open_store(const struct config *cfg, const char *job)
{
	struct store *st = NULL;
	char *err = NULL;

	if (store_open(cfg->database, STORE_READ_WRITE, &st, &err) < 0) {
		log_error("%s: %s", job, err);
		free(err);
		return NULL;
	}
	return st;
}

static int authlist_check_job(const struct config *cfg)
{
	struct authlist_check_result res;
	struct store *st = open_store(cfg, "authorisation list check");
	char *err = NULL;

	if (st == NULL)
		return 1;
	if (authlist_check(st, cfg, AUTHLIST_CHECK_NOTIFY, &res, &err) < 0) {
		log_error("authorisation list check: %s", err);
		free(err);
		store_close(st);
		return 1;
	}
	log_info("authorisation list check: %zu entries, %zu outside their allocations; %zu routes, %zu the list would"
		 " refuse now; %zu notifications", res.entries_checked, res.entries_flagged, res.routes_checked,
		 res.routes_refused, res.notifications);
	authlist_check_result_release(&res);
	store_close(st);
	return 0;
}

static int notify_retry_job(const struct config *cfg)
{
	struct store *st = open_store(cfg, "notification queue");
	char *err = NULL;
	int left;

	if (st == NULL)
		return 1;
	left = notify_queue_deliver(st, cfg, 0, 0, time(NULL), NULL, &err);
	if (left < 0) {
		log_error("notification queue: %s", err);
		free(err);
	}
	store_close(st);
	return left < 0 ? 1 : 0;
}

static int rpki_report_job(const struct config *cfg)
{
	struct rpki_notify_result res;
	struct store *st = open_store(cfg, "RPKI report");
	char *err = NULL;
	int ran;

	if (st == NULL)
		return 1;
	ran = rpki_notify_run(st, cfg, time(NULL), &res, &err);
	if (ran < 0)
		log_error("RPKI report: %s", err);
	else if (ran == 0)
		log_info("RPKI report: irrd has written no VRPs yet; nothing to report");
	else
		log_info("RPKI report: %zu findings for %zu addresses; %zu mails with %zu new findings (%zu left queued)",
			 res.findings, res.addresses, res.mails, res.new_findings, res.still_queued);
	free(err);
	store_close(st);
	return ran < 0 ? 1 : 0;
}

static int export_dump_job(const struct config *cfg)
{
	struct store *st = open_store(cfg, "dump");
	const char *sources[MAX_QUERY_SOURCES];
	size_t count = dump_sources(cfg, sources);
	int rc = 0;

	if (st == NULL)
		return 1;
	for (size_t i = 0; i < count; i++) {
		const char *source = sources[i];
		struct dump_result res;
		char *err = NULL;
		int done = dump_export(st, source, cfg->dump_dir, &res, &err);

		if (done == 1)
			log_info("dump: %s: %llu objects at serial %lld in %s", source, (unsigned long long)res.objects,
				 (long long)res.serial, res.path);
		else
			log_error("dump: %s: %s", source, done == 0 ? "no such source" : err);
		free(err);
		rc = done == 1 ? rc : 1;
	}
	store_close(st);
	return rc;
}

/* Every mirrored source whose interval has passed since its last attempt (the job itself runs every 10 s). */
static int mirror_job(const struct config *cfg)
{
	struct store *st = open_store(cfg, "mirror");
	time_t now = time(NULL);
	int rc = 0;

	if (st == NULL)
		return 1;
	for (size_t i = 0; i < cfg->mirror_count; i++) {
		const struct mirror_config *m = &cfg->mirrors[i];
		struct mirror_state state;
		struct mirror_result res;
		char *err = NULL;

		if (mirror_state_read(st, m->source, &state, &err) < 0) {
			log_error("mirror %s: %s", m->source, err);
			free(err);
			rc = 1;
			continue;
		}
		if (state.exists && !state.reload_requested && now - state.last_attempt < (time_t)m->interval)
			continue;
		if (mirror_run(st, cfg, m, now, &res, &err) < 0) {
			log_error("mirror %s: %s", m->source, err);
			free(err);
			err = NULL;   /* the read below sets it only when it fails */
			rc = 1;
			if (mirror_state_read(st, m->source, &state, &err) == 0 && mirror_is_stalled(m, &state, now))
				log_error("mirror %s: STALLED: serial %lld has not advanced for %lld s (mirror.%s.stall_after = %u);"
					  " last error: %s", m->source, (long long)state.serial,
					  (long long)(now - (state.last_progress ? state.last_progress : state.last_success)),
					  m->source, m->stall_after, state.last_error);
			free(err);
			continue;
		}
		if (res.imported || res.serial_after != res.serial_before)
			log_info("mirror %s: serial %lld -> %lld, %llu changes applied%s", m->source,
				 (long long)res.serial_before, (long long)res.serial_after, (unsigned long long)res.changes,
				 res.imported ? " after a full import" : "");
	}
	store_close(st);
	return rc;
}

/* Journal retention (nrtm.journal_days, nrtm.journal_serials). */
static int journal_trim_job(const struct config *cfg)
{
	struct store *st = open_store(cfg, "journal retention");
	int64_t removed = 0;
	char *err = NULL;
	int rc = 0;

	if (st == NULL)
		return 1;
	if (store_journal_trim(st, (int64_t)cfg->nrtm_journal_days * 86400, cfg->nrtm_journal_serials, time(NULL),
			       &removed, &err) < 0) {
		log_error("journal retention: %s", err);
		free(err);
		rc = 1;
	} else if (removed > 0) {
		log_info("journal retention: %lld entries older than the retention deleted", (long long)removed);
	}
	store_close(st);
	return rc;
}

const struct daemon_job daemon_jobs[] = {
	{ DAEMON_JOB_AUTHLIST_CHECK, "authorisation list check", authlist_check_job },
	{ DAEMON_JOB_NOTIFY_RETRY, "notification queue", notify_retry_job },
	{ DAEMON_JOB_RPKI_REPORT, "RPKI report", rpki_report_job },
	{ DAEMON_JOB_EXPORT_DUMP, "dump", export_dump_job },
	{ DAEMON_JOB_MIRROR, "mirror", mirror_job },
	{ DAEMON_JOB_JOURNAL_TRIM, "journal retention", journal_trim_job },
	{ NULL, NULL, NULL },
};

const struct daemon_job *daemon_job_find(const char *id)
{
	for (const struct daemon_job *job = daemon_jobs; job->id != NULL; job++) {
		if (strcmp(job->id, id) == 0)
			return job;
	}
	return NULL;
}
