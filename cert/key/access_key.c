/*
 * Access keys (see access_key.h). The stored hash is SHA-256 over a random salt and
 * both parts; the parts themselves are never stored. An attempt is claimed, atomically
 * and durably, before each comparison; the key is spent separately, in the caller's
 * transaction with the issuance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "access_key.h"
#include "ca_key_internal.h"
#include "xalloc.h"

/* 20 characters of a 32-letter alphabet without look-alikes: 100 bits. */
static int random_part(char out[24])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char bytes[20];

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return -1;
	for (int i = 0; i < 20; i++)
		out[i] = alphabet[bytes[i] & 31];
	out[20] = '\0';
	return 0;
}

static void key_hash(const char *salt, const char *mail_part, const char *admin_part, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, salt, strlen(salt));
	EVP_DigestUpdate(ctx, "\n", 1);
	EVP_DigestUpdate(ctx, mail_part, strlen(mail_part));
	EVP_DigestUpdate(ctx, "\n", 1);
	EVP_DigestUpdate(ctx, admin_part, strlen(admin_part));
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int access_key_create(const struct config *cfg, struct store *st, const struct ca_subject *who, const char *created_by,
		      time_t ttl, struct access_key *out, char **err)
{
	sqlite3_stmt *stmt;
	char salt[24], hash[65];
	struct strbuf req;
	time_t now = time(NULL);
	int rc;

	memset(out, 0, sizeof(*out));
	if (ca_check_subject(who, err) < 0 || ca_check_registry(cfg, st, who, err) < 0)
		return -1;
	if (ttl <= 0) {
		*err = xasprintf("an access key needs a validity of at least one second");
		return -1;
	}
	if (random_part(out->mail_part) < 0 || random_part(out->admin_part) < 0 || random_part(salt) < 0) {
		*err = xasprintf("no randomness for the access key");
		return -1;
	}
	key_hash(salt, out->mail_part, out->admin_part, hash);
	strbuf_init(&req);
	strbuf_printf(&req, "role=%s\nmntner=%s\nlir=%s\nholder=%s\nemail=%s\n", ca_role_name(who->role),
		      who->mntner ? who->mntner : "", who->lir ? who->lir : "", who->holder, who->email);
	stmt = store_stmt(st, "INSERT INTO access_keys(certificate_request, hash, salt, expires, created_by, created_at)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_text(stmt, 1, req.data, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, salt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (int64_t)(now + ttl));
	sqlite3_bind_text(stmt, 5, created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, (int64_t)now);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	strbuf_release(&req);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "storing the access key");
		return -1;
	}
	out->id = store_last_insert_id(st);
	out->expires = now + ttl;
	return 0;
}

/* Copies the value of "key=" from key=value lines. */
static void field(const char *lines, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);

	out[0] = '\0';
	for (const char *p = lines; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(out, size, "%.*s", (int)strcspn(p + klen + 1, "\n"), p + klen + 1);
			return;
		}
	}
}

/* Why key `id` could not claim an attempt: the refusal for its state now. */
static char *refusal(struct store *st, int64_t id, time_t now)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT expires, used_at FROM access_keys WHERE id = ?1");
	char *msg;
	int rc;

	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 1) != SQLITE_NULL)
		msg = xasprintf("access key refused: it was already used");
	else if (rc == SQLITE_ROW && sqlite3_column_int64(stmt, 0) < (int64_t)now)
		msg = xasprintf("access key refused: it has expired");
	else if (rc == SQLITE_ROW)
		msg = xasprintf("access key refused: locked after %d wrong attempts; ask for a new one",
				ACCESS_KEY_MAX_ATTEMPTS);
	else if (rc == SQLITE_DONE)
		msg = xasprintf("access key refused: unknown key");
	else
		msg = store_error(st, "reading the access key");
	sqlite3_reset(stmt);
	return msg;
}

int access_key_verify(struct store *st, int64_t id, const char *mail_part, const char *admin_part,
		      struct access_key_request *req, char **err)
{
	/*
	 * The claim: the counter is read and raised in one statement (one write
	 * transaction), and only a key that is unused, unexpired and under the limit
	 * returns a row. Concurrent processes serialise on SQLite's write lock.
	 */
	sqlite3_stmt *stmt = store_stmt(st, "UPDATE access_keys SET attempts = attempts + 1"
					    " WHERE id = ?1 AND used_at IS NULL AND expires >= ?2 AND attempts < ?3"
					    " RETURNING certificate_request, hash, salt");
	char *request = NULL, hash[65] = "", salt[24] = "", computed[65];
	time_t now = time(NULL);
	int rc = -1, step;

	memset(req, 0, sizeof(*req));
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (int64_t)now);
	sqlite3_bind_int(stmt, 3, ACCESS_KEY_MAX_ATTEMPTS);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		request = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		snprintf(hash, sizeof(hash), "%s", (const char *)sqlite3_column_text(stmt, 1));
		snprintf(salt, sizeof(salt), "%s", (const char *)sqlite3_column_text(stmt, 2));
		step = sqlite3_step(stmt); /* runs the statement to its end: the claim commits */
	}
	sqlite3_reset(stmt);
	if (step != SQLITE_DONE) {
		*err = store_error(st, "counting the access key attempt");
		goto out;
	}
	if (request == NULL) {
		*err = refusal(st, id, now);
		goto out;
	}
	key_hash(salt, mail_part ? mail_part : "", admin_part ? admin_part : "", computed);
	if (CRYPTO_memcmp(computed, hash, 64) != 0) {
		*err = xasprintf("access key refused: wrong key");
		goto out;
	}
	field(request, "role", req->role, sizeof(req->role));
	field(request, "mntner", req->mntner, sizeof(req->mntner));
	field(request, "lir", req->lir, sizeof(req->lir));
	field(request, "holder", req->holder, sizeof(req->holder));
	field(request, "email", req->email, sizeof(req->email));
	if (ca_role_parse(req->role, &req->who.role) < 0) {
		*err = xasprintf("access key refused: its request names an unknown role");
		goto out;
	}
	req->who.mntner = req->mntner[0] ? req->mntner : NULL;
	req->who.lir = req->lir[0] ? req->lir : NULL;
	req->who.holder = req->holder;
	req->who.email = req->email;
	rc = 0;
out:
	free(request);
	return rc;
}

int access_key_use(struct store *st, int64_t id, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "UPDATE access_keys SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL");
	int rc;

	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (int64_t)time(NULL));
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "spending the access key");
		return -1;
	}
	if (store_changes(st) != 1) {
		*err = xasprintf("access key refused: it was already used");
		return -1;
	}
	return 0;
}
