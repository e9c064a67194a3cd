/*
 * Revocation and CRLs: v2 CRLs with cRLNumber and authorityKeyIdentifier, one per
 * issuing CA, nextUpdate 15 days after thisUpdate, re-issued on every revocation
 * (and by `irrctl ca crl`, which a timer runs before nextUpdate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ca_key_internal.h"
#include "x509.h"
#include "xalloc.h"

#define CRL_VALIDITY_DAYS 15

static const struct {
	const char *name;
	int code;
} reasons[] = {
	{ "unspecified", CRL_REASON_UNSPECIFIED },
	{ "keyCompromise", CRL_REASON_KEY_COMPROMISE },
	{ "affiliationChanged", CRL_REASON_AFFILIATION_CHANGED },
	{ "superseded", CRL_REASON_SUPERSEDED },
	{ "cessationOfOperation", CRL_REASON_CESSATION_OF_OPERATION },
	{ "privilegeWithdrawn", CRL_REASON_PRIVILEGE_WITHDRAWN },
};

static int reason_code(const char *name)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (strcmp(reasons[i].name, name) == 0)
			return reasons[i].code;
	}
	return -1;
}

int ca_revoke(struct ca *ca, struct store *st, const char *serial, const char *reason, char **err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (reason_code(reason) < 0) {
		*err = xasprintf("unknown revocation reason \"%s\" (unspecified, keyCompromise, affiliationChanged,"
				" superseded, cessationOfOperation, privilegeWithdrawn)", reason);
		return -1;
	}
	stmt = store_stmt(st, "UPDATE certificates SET status = 'revoked', revoked_at = ?2, revoke_reason = ?3"
			      " WHERE serial = upper(?1) AND status = 'active'");
	sqlite3_bind_text(stmt, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (int64_t)time(NULL));
	sqlite3_bind_text(stmt, 3, reason, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "revoking");
		return -1;
	}
	if (store_changes(st) == 0) {
		*err = xasprintf("no active certificate with serial %s in our records", serial);
		return -1;
	}
	return ca_write_crls(ca, st, err);
}

/* Next cRLNumber for `which` ("irr"/"resource"), recorded with the update times. */
static long next_crl_number(struct store *st, const char *which, time_t now, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"INSERT INTO ca_crl(ca, number, this_update, next_update) VALUES (?1, 1, ?2, ?3)"
		" ON CONFLICT(ca) DO UPDATE SET number = number + 1, this_update = ?2, next_update = ?3"
		" RETURNING number");
	long number = -1;

	sqlite3_bind_text(stmt, 1, which, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (int64_t)now);
	sqlite3_bind_int64(stmt, 3, (int64_t)now + CRL_VALIDITY_DAYS * 86400);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		number = sqlite3_column_int(stmt, 0);
	sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (number < 0)
		*err = store_error(st, "numbering the CRL");
	return number;
}

static int add_revoked(X509_CRL *crl, const char *serial_hex, time_t when, const char *reason)
{
	X509_REVOKED *rev = X509_REVOKED_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *serial = NULL;
	ASN1_TIME *t = ASN1_TIME_set(NULL, when);
	ASN1_ENUMERATED *code = ASN1_ENUMERATED_new();
	int ok = rev != NULL && t != NULL && code != NULL && BN_hex2bn(&bn, serial_hex) > 0;

	ok = ok && (serial = BN_to_ASN1_INTEGER(bn, NULL)) != NULL;
	ok = ok && X509_REVOKED_set_serialNumber(rev, serial) && X509_REVOKED_set_revocationDate(rev, t);
	ok = ok && ASN1_ENUMERATED_set(code, reason_code(reason) < 0 ? 0 : reason_code(reason));
	ok = ok && X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, code, 0, 0);
	ok = ok && X509_CRL_add0_revoked(crl, rev);
	if (ok)
		rev = NULL;
	X509_REVOKED_free(rev);
	ASN1_ENUMERATED_free(code);
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	return ok ? 0 : -1;
}

static int write_crl(struct ca *ca, struct store *st, int which, char **err)
{
	const char *name = which == CA_IRR ? "irr" : "resource";
	X509 *issuer = ca->certs[which];
	X509_CRL *crl = X509_CRL_new();
	time_t now = time(NULL);
	ASN1_TIME *t1 = ASN1_TIME_set(NULL, now), *t2 = ASN1_TIME_set(NULL, now + CRL_VALIDITY_DAYS * 86400L);
	ASN1_INTEGER *number = NULL;
	sqlite3_stmt *stmt;
	X509V3_CTX ctx;
	X509_EXTENSION *aki = NULL;
	BIO *bio = NULL;
	char path[1024], *pem;
	long n, len;
	int rc = -1;
	bool ok;

	n = next_crl_number(st, name, now, err);
	if (n < 0)
		goto out;
	ok = crl != NULL && t1 != NULL && t2 != NULL && X509_CRL_set_version(crl, 1);
	ok = ok && X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
	ok = ok && X509_CRL_set1_lastUpdate(crl, t1) && X509_CRL_set1_nextUpdate(crl, t2);
	stmt = store_stmt(st, "SELECT serial, revoked_at, revoke_reason FROM certificates"
			      " WHERE ca = ?1 AND status = 'revoked' ORDER BY revoked_at");
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	while (ok && sqlite3_step(stmt) == SQLITE_ROW)
		ok = add_revoked(crl, (const char *)sqlite3_column_text(stmt, 0), (time_t)sqlite3_column_int64(stmt, 1),
				 (const char *)sqlite3_column_text(stmt, 2)) == 0;
	sqlite3_reset(stmt);
	ok = ok && (number = ASN1_INTEGER_new()) != NULL && ASN1_INTEGER_set(number, n);
	ok = ok && X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0);
	X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
	ok = ok && (aki = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always")) != NULL;
	ok = ok && X509_CRL_add_ext(crl, aki, -1);
	ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, ca->keys[which], EVP_sha256()) > 0;
	if (!ok) {
		*err = x509_openssl_error("cannot make the CRL");
		goto out;
	}
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || !PEM_write_bio_X509_CRL(bio, crl) || (len = BIO_get_mem_data(bio, &pem)) <= 0) {
		*err = x509_openssl_error("cannot encode the CRL");
		goto out;
	}
	/* Published: 0644 whatever the umask; written beside and renamed, so a reader never sees half a CRL. */
	ca_crl_path(ca->cfg, name, path, sizeof(path));
	if (ca_file_replace(path, pem, (size_t)len, 0644, err) < 0)
		goto out;
	rc = 0;
out:
	BIO_free(bio);
	X509_EXTENSION_free(aki);
	ASN1_INTEGER_free(number);
	ASN1_TIME_free(t1);
	ASN1_TIME_free(t2);
	X509_CRL_free(crl);
	ERR_clear_error();
	return rc;
}

int ca_write_crls(struct ca *ca, struct store *st, char **err)
{
	if (ca->keys[CA_IRR] == NULL || ca->keys[CA_RESOURCE] == NULL) {
		*err = xasprintf("the CA was opened without its keys");
		return -1;
	}
	if (write_crl(ca, st, CA_IRR, err) < 0 || write_crl(ca, st, CA_RESOURCE, err) < 0)
		return -1;
	return 0;
}

int ca_crls_due(struct store *st, time_t now)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT count(*), coalesce(min(next_update), 0) FROM ca_crl");
	int64_t count = 0, next = 0;
	int rc;

	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		count = sqlite3_column_int64(stmt, 0);
		next = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return -1;
	return count < 2 || next - (int64_t)now < CA_CRL_REISSUE_DAYS * 86400;
}
