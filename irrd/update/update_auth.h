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
	bool passwords_tried;  /* the maintainer has password auth: lines and passwords were verified against them */
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
 * How an X509-<n> auth: line is resolved: the SHA-256 (hex) of the certificate that
 * key-cert holds in our source. Returns 1 with out filled, 0 when there is no such
 * key-cert or it holds no readable certificate, -1 on a store error.
 */
typedef int (*auth_keycert_digest_fn)(void *arg, const char *keycert, char out[IDENTITY_CERT_DIGEST_SIZE]);

/*
 * Tries every auth: line of `mntner` (a parsed mntner object) against the passwords
 * and identities. Password schemes follow the configured policy (disable: never
 * matches) and a hash must have its label's format (a DES hash under BCRYPT-PW
 * matches nothing). An identity of a certificate matches auth: X509-<n> when that
 * key-cert holds the very certificate (keycert_digest; NULL: X.509 never matches), so
 * every maintainer naming any key-cert with the certificate is satisfied. Returns
 * true with *out filled when one matches; *out says whether passwords were tried.
 */
bool update_auth_mntner(const struct config *cfg, const struct rpsl_object *mntner, char *const *passwords,
			size_t password_count, const struct identity *ids, size_t id_count,
			struct auth_cache *cache, auth_keycert_digest_fn keycert_digest, void *digest_arg,
			struct auth_outcome *out);

/* True when `password` matches a crypt(3) hash (bcrypt, MD5-crypt or DES crypt). */
bool update_auth_password_matches(const char *hash, const char *password);

/* Is a password scheme name ("MD5-PW") one of ours? */
bool update_auth_is_password_scheme(const char *scheme, size_t len);

/*
 * Does `hash` have the format its label promises: BCRYPT-PW $2a$/$2b$/$2y$ bcrypt,
 * MD5-PW $1$ MD5-crypt, CRYPT-PW 13-character DES crypt? NULL when it does, else a
 * static sentence naming the expected format.
 */
const char *update_auth_hash_format_problem(const char *scheme, size_t len, const char *hash);

/* The policy for a password scheme name ("MD5-PW"); PASSWORD_ENABLE for non-password schemes. */
enum password_policy update_auth_policy(const struct config *cfg, const char *scheme, size_t len);

#endif
