/*
 * Issuing end-entity certificates: the CSR checklist, the profile of AUTHLIST.md
 * (v3, 2 years + 30 days, keyUsage digitalSignature+keyEncipherment critical, EKU
 * clientAuth+emailProtection, SAN rfc822Name, CRL distribution point, AKI/SKI,
 * basicConstraints CA:FALSE), subjects we build ourselves, sequence numbers per
 * person and role, PKCS#12 for users without a CSR, renewal.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ca_key_internal.h"
#include "x509.h"
#include "xalloc.h"

#define CERT_VALIDITY_DAYS (2 * 365 + 30)

/* Subject text pieces: characters that would confuse a DN or a log line are refused. */
static bool is_plain_text(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || strchr(",+=\"\\<>;/#", c) != NULL)
			return false;
	}
	return true;
}

static bool is_email(const char *s)
{
	const char *at = s ? strchr(s, '@') : NULL;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL || strlen(s) > 254)
		return false;
	for (const char *p = s; *p; p++) {
		if (!isgraph((unsigned char)*p) || strchr(",;<>\"\\()[]", *p) != NULL)
			return false;
	}
	return true;
}

int ca_check_subject(const struct ca_subject *who, char **err)
{
	if (!is_plain_text(who->holder, 64)) {
		*err = xasprintf("the holder (nic-handle or name) is missing, longer than 64 or holds , + = \" \\ < > ; / #");
		return -1;
	}
	if (!is_email(who->email)) {
		*err = xasprintf("the e-mail address \"%s\" is not valid", who->email ? who->email : "");
		return -1;
	}
	if ((who->role == CA_ROLE_MNTNER_ADMIN || who->role == CA_ROLE_REGISTRANT) && !is_plain_text(who->mntner, 80)) {
		*err = xasprintf("a %s certificate names the maintainer it acts for (--mntner)", ca_role_name(who->role));
		return -1;
	}
	if (who->role == CA_ROLE_LIR_STAFF && !is_plain_text(who->lir, 64)) {
		*err = xasprintf("a lir-staff certificate names its LIR account (--lir)");
		return -1;
	}
	return 0;
}

int ca_check_registry(const struct config *cfg, struct store *st, const struct ca_subject *who, char **err)
{
	int rc;

	if (who->role != CA_ROLE_MNTNER_ADMIN && who->role != CA_ROLE_REGISTRANT)
		return 0;
	rc = store_object_exists(st, cfg->source, "mntner", who->mntner);
	if (rc < 0) {
		*err = store_error(st, "looking up the maintainer");
		return -1;
	}
	if (rc == 0) {
		*err = xasprintf("the maintainer %s is not a mntner object in source %s", who->mntner, cfg->source);
		return -1;
	}
	rc = store_object_exists(st, cfg->source, "person", who->holder);
	if (rc == 0)
		rc = store_object_exists(st, cfg->source, "role", who->holder);
	if (rc < 0) {
		*err = store_error(st, "looking up the holder");
		return -1;
	}
	if (rc == 0) {
		*err = xasprintf("the holder %s is not the nic-hdl of a person or role object in source %s", who->holder,
				cfg->source);
		return -1;
	}
	return 0;
}

/* Both checks on who a certificate is for: the text, then the registry objects it names. */
static int check_who(struct ca *ca, struct store *st, const struct ca_subject *who, char **err)
{
	if (ca_check_subject(who, err) < 0)
		return -1;
	return ca_check_registry(ca->cfg, st, who, err);
}

/* The subject for a role (AUTHLIST.md): OUs and CN built from who and the sequence. */
static X509_NAME *build_subject(const struct config *cfg, const struct ca_subject *who, int seq)
{
	static const struct {
		const char *ou;
		const char *cn_prefix;
	} layout[CA_ROLE_COUNT] = {
		[CA_ROLE_STAFF] = { "IRR Administrator", "IRR-AD" },
		[CA_ROLE_LIR_STAFF] = { "LIR Staff", "LIR" },
		[CA_ROLE_MNTNER_ADMIN] = { "IRR Maintainer Administrator", "IRR-MA" },
		[CA_ROLE_REGISTRANT] = { "IRR Object Registrant", "IRR-OR" },
		[CA_ROLE_GATEWAY] = { "IRR Mail Gateway", "IRR-GW" },
	};
	X509_NAME *name = X509_NAME_new();
	const char *second_ou = who->role == CA_ROLE_LIR_STAFF ? who->lir
				: (who->role == CA_ROLE_MNTNER_ADMIN || who->role == CA_ROLE_REGISTRANT) ? who->mntner
													    : NULL;
	char cn[160];
	bool ok = name != NULL;

	snprintf(cn, sizeof(cn), "%s %s %02d", layout[who->role].cn_prefix, who->holder, seq);
	ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)cfg->ca_organization, -1, -1, 0);
	ok = ok && X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8, (const unsigned char *)layout[who->role].ou, -1, -1, 0);
	ok = ok && (second_ou == NULL ||
		    X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8, (const unsigned char *)second_ou, -1, -1, 0));
	ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	if (!ok) {
		X509_NAME_free(name);
		return NULL;
	}
	return name;
}

/* The CSR checklist: parses, self-signature verifies, key type and size allowed. */
EVP_PKEY *ca_csr_public_key(const char *csr, size_t len, char **err)
{
	BIO *bio = BIO_new_mem_buf(csr, (int)len);
	X509_REQ *req = NULL;
	EVP_PKEY *key = NULL;
	int bits;

	if (bio != NULL && memmem(csr, len < 100 ? len : 100, "-----BEGIN", 10) != NULL)
		req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
	else if (bio != NULL)
		req = d2i_X509_REQ_bio(bio, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (req == NULL) {
		*err = xasprintf("the CSR cannot be parsed (expected a PKCS#10 request, PEM or DER)");
		return NULL;
	}
	key = X509_REQ_get_pubkey(req);
	if (key == NULL || X509_REQ_verify(req, key) != 1) {
		*err = xasprintf("the CSR's signature does not verify with its own public key");
		goto fail;
	}
	bits = EVP_PKEY_get_bits(key);
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
		if (bits < 2048) {
			*err = xasprintf("the CSR's RSA key has %d bits; at least 2048 are required", bits);
			goto fail;
		}
		break;
	case EVP_PKEY_EC: {
		char group[64] = "";
		size_t glen = 0;

		EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), &glen);
		if (strcmp(group, "prime256v1") != 0 && strcmp(group, "secp384r1") != 0) {
			*err = xasprintf("the CSR's elliptic curve %s is not supported (use P-256 or P-384)",
					group[0] ? group : "(unnamed)");
			goto fail;
		}
		break;
	}
	default:
		*err = xasprintf("the CSR's key type is not supported (use ECDSA P-256/P-384 or RSA of 2048 bits or more)");
		goto fail;
	}
	X509_REQ_free(req);
	ERR_clear_error();
	return key;
fail:
	EVP_PKEY_free(key);
	X509_REQ_free(req);
	ERR_clear_error();
	return NULL;
}

/* Next sequence number for the same person, role and maintainer/LIR. -1 on a store error. */
static int next_sequence(struct store *st, const struct ca_subject *who)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT coalesce(max(sequence), 0) + 1 FROM certificates"
		" WHERE role = ?1 AND holder = ?2 AND coalesce(mntner, '') = ?3 AND coalesce(lir, '') = ?4");
	int seq = -1;

	sqlite3_bind_text(stmt, 1, ca_role_name(who->role), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, who->holder, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, who->mntner ? who->mntner : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, who->lir ? who->lir : "", -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		seq = sqlite3_column_int(stmt, 0);
	sqlite3_reset(stmt);
	return seq;
}

static char *pem_of(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *copy = NULL;
	long n;

	if (bio != NULL && PEM_write_bio_X509(bio, cert)) {
		n = BIO_get_mem_data(bio, &data);
		copy = xstrndup(data, (size_t)n);
	}
	BIO_free(bio);
	return copy;
}

static int record(struct store *st, const struct ca_subject *who, const char *issued_by, struct ca_issued *out,
		  char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"INSERT INTO certificates(ca, serial, subject, role, mntner, lir, holder, sequence, email,"
		" not_before, not_after, issued_by, issued_at, pem)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	int rc;

	sqlite3_bind_text(stmt, 1, out->ca, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, out->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, out->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, ca_role_name(who->role), -1, SQLITE_STATIC);
	if (who->role == CA_ROLE_MNTNER_ADMIN || who->role == CA_ROLE_REGISTRANT)
		sqlite3_bind_text(stmt, 5, who->mntner, -1, SQLITE_STATIC);
	if (who->role == CA_ROLE_LIR_STAFF)
		sqlite3_bind_text(stmt, 6, who->lir, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, who->holder, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 8, out->sequence);
	sqlite3_bind_text(stmt, 9, who->email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 10, (int64_t)out->not_before);
	sqlite3_bind_int64(stmt, 11, (int64_t)out->not_after);
	sqlite3_bind_text(stmt, 12, issued_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 13, (int64_t)time(NULL));
	sqlite3_bind_text(stmt, 14, out->pem, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "recording the certificate");
		return -1;
	}
	return 0;
}

/* Builds, signs and records a certificate for `key`. */
static int issue(struct ca *ca, struct store *st, const struct ca_subject *who, EVP_PKEY *key, const char *issued_by,
		 struct ca_issued *out, char **err)
{
	int which = who->role == CA_ROLE_LIR_STAFF ? CA_RESOURCE : CA_IRR;
	X509 *issuer = ca->certs[which], *cert = NULL;
	X509_NAME *subject = NULL;
	char value[600];
	time_t now = time(NULL);
	int seq;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (ca->keys[which] == NULL) {
		*err = xasprintf("the CA was opened without its keys");
		return -1;
	}
	if (ca_check_subject(who, err) < 0)
		return -1;
	seq = next_sequence(st, who);
	if (seq < 0) {
		*err = store_error(st, "reading certificate sequence numbers");
		return -1;
	}
	if (seq > 99) {
		*err = xasprintf("%s already had 99 certificates in this role", who->holder);
		return -1;
	}
	subject = build_subject(ca->cfg, who, seq);
	cert = X509_new();
	ok = subject != NULL && cert != NULL && X509_set_version(cert, 2) && ca_random_serial(cert) == 0;
	ok = ok && X509_set_subject_name(cert, subject) && X509_set_issuer_name(cert, X509_get_subject_name(issuer));
	ok = ok && X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0, &now) &&
	     X509_time_adj_ex(X509_getm_notAfter(cert), CERT_VALIDITY_DAYS, 0, &now);
	ok = ok && X509_set_pubkey(cert, key);
	ok = ok && ca_add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE") == 0;
	ok = ok && ca_add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment") == 0;
	ok = ok && ca_add_ext(cert, issuer, NID_ext_key_usage, "clientAuth,emailProtection") == 0;
	snprintf(value, sizeof(value), "email:%s", who->email);
	ok = ok && ca_add_ext(cert, issuer, NID_subject_alt_name, value) == 0;
	snprintf(value, sizeof(value), "URI:%s%s.crl", ca->cfg->ca_crl_url, ca_file_stems[which]);
	ok = ok && ca_add_ext(cert, issuer, NID_crl_distribution_points, value) == 0;
	ok = ok && ca_add_ext(cert, issuer, NID_subject_key_identifier, "hash") == 0;
	ok = ok && ca_add_ext(cert, issuer, NID_authority_key_identifier, "keyid:always") == 0;
	ok = ok && X509_sign(cert, ca->keys[which], EVP_sha256()) > 0;
	X509_NAME_free(subject);
	if (!ok) {
		*err = x509_openssl_error("cannot issue the certificate");
		X509_free(cert);
		return -1;
	}
	snprintf(out->ca, sizeof(out->ca), "%s", which == CA_IRR ? "irr" : "resource");
	ca_serial_hex(X509_get0_serialNumber(cert), out->serial, sizeof(out->serial));
	{
		char *s = X509_NAME_oneline(X509_get_subject_name(cert), NULL, 0);

		snprintf(out->subject, sizeof(out->subject), "%s", s ? s : "");
		OPENSSL_free(s);
	}
	out->sequence = seq;
	out->not_before = now;
	out->not_after = now + (time_t)CERT_VALIDITY_DAYS * 86400;
	out->pem = pem_of(cert);
	X509_free(cert);
	if (out->pem == NULL || record(st, who, issued_by, out, err) < 0) {
		if (out->pem == NULL)
			*err = xasprintf("cannot encode the certificate");
		free(out->pem);
		out->pem = NULL;
		return -1;
	}
	return 0;
}

int ca_issue_from_csr(struct ca *ca, struct store *st, const struct ca_subject *who, const char *csr, size_t csr_len,
		      const char *issued_by, struct ca_issued *out, char **err)
{
	EVP_PKEY *key;
	int rc;

	if (check_who(ca, st, who, err) < 0)
		return -1;
	key = ca_csr_public_key(csr, csr_len, err);
	if (key == NULL)
		return -1;
	rc = issue(ca, st, who, key, issued_by, out, err);
	EVP_PKEY_free(key);
	return rc;
}

/* 32 characters from an alphabet without look-alikes, for a password read aloud or typed. */
static int one_time_password(char out[33])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	unsigned char bytes[32];

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return -1;
	for (int i = 0; i < 32; i++)
		out[i] = alphabet[bytes[i] % (sizeof(alphabet) - 1)];
	out[32] = '\0';
	OPENSSL_cleanse(bytes, sizeof(bytes));
	return 0;
}

int ca_issue_pkcs12(struct ca *ca, struct store *st, const struct ca_subject *who, const char *issued_by,
		    struct ca_issued *out, unsigned char **p12_der, size_t *p12_len, char password[33], char **err)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	PKCS12 *p12 = NULL;
	STACK_OF(X509) *chain = NULL;
	BIO *bio = NULL;
	int which = who->role == CA_ROLE_LIR_STAFF ? CA_RESOURCE : CA_IRR, rc = -1, len;
	char friendly[sizeof(out->subject)];

	*p12_der = NULL;
	if (check_who(ca, st, who, err) < 0)
		return -1;
	key = ca_key_generate("ec", err);
	if (key == NULL || one_time_password(password) < 0)
		goto out;
	if (issue(ca, st, who, key, issued_by, out, err) < 0)
		goto out;
	bio = BIO_new_mem_buf(out->pem, -1);
	cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	chain = sk_X509_new_null();
	if (cert == NULL || chain == NULL || !sk_X509_push(chain, ca->certs[which]) ||
	    !sk_X509_push(chain, ca->certs[CA_ROOT])) {
		*err = x509_openssl_error("cannot build the PKCS#12");
		goto out;
	}
	snprintf(friendly, sizeof(friendly), "%s", out->subject);
	/* AES-256 with PBKDF2 for key and certificates, and a MAC */
	p12 = PKCS12_create(password, friendly, key, cert, chain, NID_aes_256_cbc, NID_aes_256_cbc, PKCS12_DEFAULT_ITER,
			    PKCS12_DEFAULT_ITER, 0);
	len = p12 ? i2d_PKCS12(p12, p12_der) : -1;
	if (len <= 0) {
		*err = x509_openssl_error("cannot build the PKCS#12");
		goto out;
	}
	*p12_len = (size_t)len;
	rc = 0;
out:
	if (rc < 0) {
		free(out->pem);
		out->pem = NULL;
		OPENSSL_cleanse(password, 33);
	}
	PKCS12_free(p12);
	sk_X509_free(chain);
	X509_free(cert);
	BIO_free(bio);
	EVP_PKEY_free(key);
	ERR_clear_error();
	return rc;
}

int ca_renew_from_csr(struct ca *ca, struct store *st, const char *serial, const char *csr, size_t csr_len,
		      const char *issued_by, struct ca_issued *out, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st,
		"SELECT role, mntner, lir, holder, email, status FROM certificates WHERE serial = upper(?1)");
	char role[32] = "", mntner[96] = "", lir[80] = "", holder[80] = "", email[260] = "", status[16] = "";
	struct ca_subject who;
	int rc;

	sqlite3_bind_text(stmt, 1, serial, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(role, sizeof(role), "%s", (const char *)sqlite3_column_text(stmt, 0));
		snprintf(mntner, sizeof(mntner), "%s", sqlite3_column_text(stmt, 1) ? (const char *)sqlite3_column_text(stmt, 1) : "");
		snprintf(lir, sizeof(lir), "%s", sqlite3_column_text(stmt, 2) ? (const char *)sqlite3_column_text(stmt, 2) : "");
		snprintf(holder, sizeof(holder), "%s", (const char *)sqlite3_column_text(stmt, 3));
		snprintf(email, sizeof(email), "%s", (const char *)sqlite3_column_text(stmt, 4));
		snprintf(status, sizeof(status), "%s", (const char *)sqlite3_column_text(stmt, 5));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW) {
		*err = xasprintf("no certificate with serial %s in our records", serial);
		return -1;
	}
	if (strcmp(status, "active") != 0) {
		*err = xasprintf("certificate %s is revoked; issue a new one instead of renewing", serial);
		return -1;
	}
	memset(&who, 0, sizeof(who));
	ca_role_parse(role, &who.role);
	who.mntner = mntner[0] ? mntner : NULL;
	who.lir = lir[0] ? lir : NULL;
	who.holder = holder;
	who.email = email;
	return ca_issue_from_csr(ca, st, &who, csr, csr_len, issued_by, out, err);
}
