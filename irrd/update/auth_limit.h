/*
 * The limit on password guessing: failed password verifications are counted per
 * maintainer and hour in table auth_failures, so the limit holds across processes
 * (every mail is its own irr-mailgate). Past auth.password_failures_per_hour a
 * maintainer's passwords are not verified until its hour is over; signatures and
 * certificates still authenticate it.
 */
#ifndef IRRD_AUTH_LIMIT_H
#define IRRD_AUTH_LIMIT_H

#include <time.h>

#include "config.h"
#include "store.h"

/*
 * Would verifying `tries` more passwords for `mntner` (upper case) at `now` go past
 * the limit? 1 yes (*until: when the hour ends), 0 no, -1 with *err on a store error.
 */
int auth_limit_is_suspended(struct store *st, const struct config *cfg, const char *mntner, unsigned tries, time_t now,
			    time_t *until, char **err);

/* Counts `failures` failed verifications for `mntner` at `now` (joins the caller's transaction). 0, or -1 with *err. */
int auth_limit_record(struct store *st, const char *mntner, unsigned failures, time_t now, char **err);

#endif
