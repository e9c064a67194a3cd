/*
 * The bodies of irrd's periodic jobs (jobs.h runs them in child processes): each
 * opens its own database connection. arg is the daemon's configuration pointer
 * (struct config **), read at the fork, so a SIGHUP reload applies to the next run.
 */
#ifndef IRRD_DAEMON_JOBS_H
#define IRRD_DAEMON_JOBS_H

/* The authorisation list's consistency check with notifications (authlist.check_interval). */
int daemon_job_authlist_check(void *arg);
/* Notifications sendmail refused earlier (mail.notify_retry_interval). */
int daemon_job_notify_retry(void *arg);

#endif
