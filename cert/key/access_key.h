/*
 * Access keys for certificate pick-up: when an admin registers a person, the system
 * makes a one-time key in two parts, one for the e-mail with the pick-up URL, one
 * the admin hands over offline. Random, single use, expiring, stored hashed,
 * compared in constant time, and locked after a few wrong attempts.
 */
#ifndef CERT_ACCESS_KEY_H
#define CERT_ACCESS_KEY_H

#include <stdint.h>
#include <time.h>

#include "ca_key.h"
#include "store.h"

#define ACCESS_KEY_MAX_ATTEMPTS 5

struct access_key {
	int64_t id;
	char mail_part[24];   /* goes in the pick-up URL sent by e-mail */
	char admin_part[24];  /* shown once to the issuing admin */
	time_t expires;
};

/* The certificate an access key lets its holder pick up. */
struct access_key_request {
	struct ca_subject who;
	char role[32], mntner[96], lir[80], holder[80], email[260]; /* storage for who's strings */
};

/*
 * Makes a key for a certificate to be issued for `who`, valid for ttl seconds. `who`
 * must pass ca_check_subject and ca_check_registry (the maintainer and holder exist
 * in cfg->source).
 */
int access_key_create(const struct config *cfg, struct store *st, const struct ca_subject *who, const char *created_by,
		      time_t ttl, struct access_key *out, char **err);

/*
 * Checks both parts of key `id` and fills *req; does not spend the key. Each check
 * first claims one of the key's ACCESS_KEY_MAX_ATTEMPTS attempts in one conditional
 * UPDATE (the read of the counter and its increment are one write), so at most that
 * many comparisons ever run for a key however many processes race, and a crash
 * cannot grant a free guess. Right and wrong keys both use an attempt.
 * Refusals (*err): unknown key, used, expired, locked after too many attempts, wrong
 * key. Returns 0 or -1.
 */
int access_key_verify(struct store *st, int64_t id, const char *mail_part, const char *admin_part,
		      struct access_key_request *req, char **err);

/*
 * Spends key `id` (single use): one conditional UPDATE, so of two redemptions only
 * one can succeed. Call it inside the write transaction that records the certificate
 * and commit only when the certificate is safely handed out: a failed pick-up rolls
 * back and leaves the key unused. Returns 0, or -1 with *err ("already used").
 */
int access_key_use(struct store *st, int64_t id, char **err);

#endif
