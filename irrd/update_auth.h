/*
 * Authentication of an object change against maintainers (RFC 2725): each
 * maintainer's auth: lines are tried against the submission's passwords and the
 * identities the channel established.
 */
#ifndef IRRD_UPDATE_AUTH_H
#define IRRD_UPDATE_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "rpsl_object.h"
#include "update.h"

/* What authenticated a maintainer, for the report and the audit record. */
struct auth_outcome {
	bool ok;
	char how[256];    /* "password (BCRYPT-PW)", "PGP key 1A2B3C4D", "certificate ..." */
};

/*
 * Results of password checks within one submission: bcrypt is deliberately slow
 * (about 0.25 s at cost 12), and a submission of many objects under one maintainer
 * would otherwise verify the same password against the same hash for every object.
 */
struct auth_cache {
	struct auth_cache_entry {
		char *hash;
		size_t password_index;
		bool matches;
	} *entries;
	size_t count, capacity;
};

void auth_cache_release(struct auth_cache *cache);

/*
 * Tries every auth: line of `mntner` (a parsed mntner object) against the passwords
 * and identities. Password schemes follow the configured policy (disable: never
 * matches). Returns true with *out filled when one matches.
 */
bool update_auth_mntner(const struct config *cfg, const struct rpsl_object *mntner, char *const *passwords,
			size_t password_count, const struct update_identity *ids, size_t id_count,
			struct auth_cache *cache, struct auth_outcome *out);

/* True when `password` matches a crypt(3) hash (bcrypt, MD5-crypt or DES crypt). */
bool update_auth_password_matches(const char *hash, const char *password);

/* The policy for a password scheme name ("MD5-PW"); PASSWORD_ENABLE for non-password schemes. */
enum password_policy update_auth_policy(const struct config *cfg, const char *scheme, size_t len);

#endif
