/* irrd's periodic jobs; see daemon_jobs.h. */
#include "daemon_jobs.h"

#include <stdlib.h>
#include <time.h>

#include "authlist_check.h"
#include "config.h"
#include "log.h"
#include "notify.h"
#include "store.h"

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

int daemon_job_authlist_check(void *arg)
{
	const struct config *cfg = *(struct config **)arg;
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

int daemon_job_notify_retry(void *arg)
{
	const struct config *cfg = *(struct config **)arg;
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
