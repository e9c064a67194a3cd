/*
 * The bodies of irrd's periodic jobs. jobs.h runs each in a fresh process, irrd
 * started as `irrd --run-job ID -c CONFIG`, which reads the configuration file, finds
 * the job here by its ID and runs it; each opens its own database connection.
 */
#ifndef IRRD_DAEMON_JOBS_H
#define IRRD_DAEMON_JOBS_H

#include "config.h"

/* The authorisation list's consistency check with notifications (authlist.check_interval). */
#define DAEMON_JOB_AUTHLIST_CHECK "authlist-check"
/* Notifications sendmail refused earlier (mail.notify_retry_interval). */
#define DAEMON_JOB_NOTIFY_RETRY "notify-retry"
/* Mails what is newly wrong between routes, the authorisation list and the RPKI (rpki_notify.h). */
#define DAEMON_JOB_RPKI_REPORT "rpki-report"
/* Writes the dumps mirrors import (dump.dir, dump.sources, dump.interval; dump_export.h). */
#define DAEMON_JOB_EXPORT_DUMP "export-dump"
/* Follows the mirrored sources (mirror.SOURCE.*; mirror.h): each when its interval has passed. */
#define DAEMON_JOB_MIRROR "mirror"
/* Deletes journal entries past nrtm.journal_days / nrtm.journal_serials (hourly; never when both are 0). */
#define DAEMON_JOB_JOURNAL_TRIM "journal-trim"

struct daemon_job {
	const char *id;       /* on the command line: irrd --run-job ID */
	const char *name;     /* in the log */
	/* the job's work; returns the process's exit status (0: fine) */
	int (*run)(const struct config *cfg);
};

/* Every job, ended by an entry whose id is NULL. */
extern const struct daemon_job daemon_jobs[];

/* The job with this ID, or NULL. */
const struct daemon_job *daemon_job_find(const char *id);

#endif
