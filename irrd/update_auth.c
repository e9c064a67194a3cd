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

bool update_auth_mntner(const struct config *cfg, const struct rpsl_object *mntner, char *const *passwords,
			size_t password_count, const struct update_identity *ids, size_t id_count,
			struct auth_cache *cache, struct auth_outcome *out)
{
	const struct rpsl_attr *name = rpsl_object_get(mntner, "mntner");

	out->ok = false;
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
		if (sp != NULL && update_auth_policy(cfg, v, scheme_len) != PASSWORD_DISABLE &&
		    (strncasecmp(v, "BCRYPT-PW", scheme_len) == 0 || strncasecmp(v, "MD5-PW", scheme_len) == 0 ||
		     strncasecmp(v, "CRYPT-PW", scheme_len) == 0)) {
			const char *hash = sp + 1;

			while (*hash == ' ')
				hash++;
			for (size_t p = 0; p < password_count; p++) {
				if (cached_match(cache, hash, passwords, p)) {
					snprintf(out->how, sizeof(out->how), "password (%.*s)", (int)scheme_len, v);
					return out->ok = true;
				}
			}
			continue;
		}
		for (size_t k = 0; k < id_count; k++) {
			const struct update_identity *id = &ids[k];

			if ((id->kind == IDENTITY_PGP_KEY && scheme_len == 15 && strncasecmp(v, "PGPKEY-", 7) == 0 &&
			     strncasecmp(v + 7, id->key_id, 8) == 0) ||
			    (id->kind == IDENTITY_X509_KEYCERT && strlen(id->key_cert) == scheme_len &&
			     strncasecmp(v, id->key_cert, scheme_len) == 0)) {
				snprintf(out->how, sizeof(out->how), "%s", id->description);
				return out->ok = true;
			}
		}
	}
	return false;
}
