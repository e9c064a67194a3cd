/* Maintainer authentication; see update_auth.h. */
#include <crypt.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "update_auth.h"
#include "xalloc.h"

/* Compares n bytes without stopping at the first difference (no timing signal). */
static bool equal_constant_time(const char *a, const char *b, size_t n)
{
	unsigned char diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

bool update_auth_password_matches(const char *hash, const char *password)
{
	struct crypt_data data;
	const char *result;
	size_t n = strlen(hash);

	if (n == 0 || n >= CRYPT_OUTPUT_SIZE)
		return false;
	memset(&data, 0, sizeof(data));
	result = crypt_r(password, hash, &data);
	/* crypt_r returns a string starting with '*' on failure; compare the whole hash. */
	return result != NULL && result[0] != '*' && strlen(result) == n && equal_constant_time(result, hash, n);
}

void auth_cache_release(struct auth_cache *cache)
{
	for (size_t i = 0; i < cache->count; i++)
		free(cache->entries[i].hash);
	free(cache->entries);
	memset(cache, 0, sizeof(*cache));
}

static bool cached_match(struct auth_cache *cache, const char *hash, char *const *passwords, size_t index)
{
	bool matches;

	for (size_t i = 0; cache != NULL && i < cache->count; i++) {
		if (cache->entries[i].password_index == index && strcmp(cache->entries[i].hash, hash) == 0)
			return cache->entries[i].matches;
	}
	matches = update_auth_password_matches(hash, passwords[index]);
	if (cache != NULL) {
		cache->entries = xgrow(cache->entries, &cache->capacity, cache->count + 1, sizeof(*cache->entries));
		cache->entries[cache->count].hash = xstrdup(hash);
		cache->entries[cache->count].password_index = index;
		cache->entries[cache->count].matches = matches;
		cache->count++;
	}
	return matches;
}

enum password_policy update_auth_policy(const struct config *cfg, const char *scheme, size_t len)
{
	if (len == 9 && strncasecmp(scheme, "BCRYPT-PW", 9) == 0)
		return cfg->bcrypt_pw;
	if (len == 6 && strncasecmp(scheme, "MD5-PW", 6) == 0)
		return cfg->md5_pw;
	if (len == 8 && strncasecmp(scheme, "CRYPT-PW", 8) == 0)
		return cfg->crypt_pw;
	return PASSWORD_ENABLE;
}

bool update_auth_is_password_scheme(const char *scheme, size_t len)
{
	return (len == 9 && strncasecmp(scheme, "BCRYPT-PW", 9) == 0) ||
	       (len == 6 && strncasecmp(scheme, "MD5-PW", 6) == 0) ||
	       (len == 8 && strncasecmp(scheme, "CRYPT-PW", 8) == 0);
}

/* crypt(3)'s alphabet for salts and hashes. */
static size_t crypt64_span(const char *p)
{
	return strspn(p, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}

/*
 * The label decides the policy (auth.md5_pw = disable), so it must also decide the
 * algorithm: crypt(3) picks the algorithm from the hash itself, and an MD5 or DES hash
 * filed under BCRYPT-PW would otherwise slip past a policy that disables those.
 */
const char *update_auth_hash_format_problem(const char *scheme, size_t len, const char *hash)
{
	if (len == 9 && strncasecmp(scheme, "BCRYPT-PW", 9) == 0) {
		/* $2b$12$ + 22 characters of salt + 31 of hash */
		if (strlen(hash) == 60 && hash[0] == '$' && hash[1] == '2' && strchr("aby", hash[2]) != NULL &&
		    hash[2] != '\0' && hash[3] == '$' && hash[4] >= '0' && hash[4] <= '3' && hash[5] >= '0' &&
		    hash[5] <= '9' && hash[6] == '$' && crypt64_span(hash + 7) == 53)
			return NULL;
		return "a BCRYPT-PW hash must be a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters)";
	}
	if (len == 6 && strncasecmp(scheme, "MD5-PW", 6) == 0) {
		const char *salt_end = strncmp(hash, "$1$", 3) == 0 ? strchr(hash + 3, '$') : NULL;

		if (salt_end != NULL && salt_end - (hash + 3) <= 8 && crypt64_span(hash + 3) == (size_t)(salt_end - (hash + 3)) &&
		    strlen(salt_end + 1) == 22 && crypt64_span(salt_end + 1) == 22)
			return NULL;
		return "an MD5-PW hash must be an MD5-crypt hash ($1$, salt of up to 8 characters, 22 characters)";
	}
	if (len == 8 && strncasecmp(scheme, "CRYPT-PW", 8) == 0) {
		if (strlen(hash) == 13 && crypt64_span(hash) == 13)
			return NULL;
		return "a CRYPT-PW hash must be a 13-character DES crypt hash";
	}
	return NULL;
}

/* auth: PGPKEY-<id> signed by that key (the key-cert of that name supplied the key). */
static bool pgp_matches(const struct identity *id, const char *v, size_t scheme_len)
{
	return id->kind == IDENTITY_PGP_KEY && scheme_len == 15 && strncasecmp(v, "PGPKEY-", 7) == 0 &&
	       strncasecmp(v + 7, id->key_id, 8) == 0;
}

bool update_auth_mntner(const struct config *cfg, const struct rpsl_object *mntner, char *const *passwords,
			size_t password_count, const struct identity *ids, size_t id_count,
			struct auth_cache *cache, auth_keycert_digest_fn keycert_digest, void *digest_arg,
			struct auth_outcome *out)
{
	const struct rpsl_attr *name = rpsl_object_get(mntner, "mntner");

	out->ok = false;
	out->passwords_tried = false;
	out->how[0] = '\0';
	/* A certificate from our CA names the maintainer it acts for. */
	for (size_t k = 0; name != NULL && k < id_count; k++) {
		if (ids[k].kind == IDENTITY_CA_CERT && strcasecmp(ids[k].mntner, name->value) == 0) {
			snprintf(out->how, sizeof(out->how), "%s", ids[k].description);
			return out->ok = true;
		}
	}
	for (size_t i = 0; i < mntner->attr_count; i++) {
		const struct rpsl_attr *a = &mntner->attrs[i];
		const char *v = a->value, *sp;
		size_t scheme_len;

		if (strcmp(a->name, "auth") != 0)
			continue;
		sp = strchr(v, ' ');
		scheme_len = sp ? (size_t)(sp - v) : strlen(v);
		if (update_auth_is_password_scheme(v, scheme_len)) {
			const char *hash = sp ? sp + 1 : "";

			while (*hash == ' ')
				hash++;
			if (update_auth_policy(cfg, v, scheme_len) == PASSWORD_DISABLE ||
			    update_auth_hash_format_problem(v, scheme_len, hash) != NULL)
				continue;
			for (size_t p = 0; p < password_count; p++) {
				out->passwords_tried = true;
				if (cached_match(cache, hash, passwords, p)) {
					snprintf(out->how, sizeof(out->how), "password (%.*s)", (int)scheme_len, v);
					return out->ok = true;
				}
			}
			continue;
		}
		for (size_t k = 0; k < id_count; k++) {
			const struct identity *id = &ids[k];

			if (pgp_matches(id, v, scheme_len)) {
				snprintf(out->how, sizeof(out->how), "%s", id->description);
				return out->ok = true;
			}
			if (id->kind == IDENTITY_X509_CERT && keycert_digest != NULL && scheme_len > 5 && scheme_len < 32 &&
			    strncasecmp(v, "X509-", 5) == 0) {
				char keycert[32], digest[IDENTITY_CERT_DIGEST_SIZE];

				snprintf(keycert, sizeof(keycert), "%.*s", (int)scheme_len, v);
				if (keycert_digest(digest_arg, keycert, digest) == 1 && strcmp(digest, id->cert_sha256) == 0) {
					/* the description names every key-cert holding the certificate; say which one counted */
					const char *paren = strchr(id->description, '(');
					const char *comma = strchr(id->description, ',');

					if (comma == NULL || (paren != NULL && comma > paren))
						snprintf(out->how, sizeof(out->how), "%s", id->description);
					else
						snprintf(out->how, sizeof(out->how), "%.200s as %s", id->description, keycert);
					return out->ok = true;
				}
			}
		}
	}
	return false;
}
