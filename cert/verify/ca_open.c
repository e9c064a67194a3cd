/*
 * The verify half's view of the CA: roles, file names, and the CA certificates
 * loaded for ca_verify. Reads certificates only; no private key is opened here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <sqlite3.h>
#include <openssl/pem.h>

#include "ca_internal.h"
#include "x509.h"
#include "xalloc.h"

const char *const ca_file_stems[CA_COUNT] = { "root", "irr-ca", "resource-ca" };

static const char *const role_names[CA_ROLE_COUNT] = { "staff", "lir-staff", "maintainer-admin", "registrant",
						       "gateway" };

const char *ca_role_name(enum ca_role role)
{
	return (unsigned)role < CA_ROLE_COUNT ? role_names[role] : "?";
}

int ca_role_parse(const char *name, enum ca_role *out)
{
	for (int i = 0; i < CA_ROLE_COUNT; i++) {
		if (strcmp(name, role_names[i]) == 0) {
			*out = (enum ca_role)i;
			return 0;
		}
	}
	return -1;
}

const char *ca_for_role(enum ca_role role)
{
	return role == CA_ROLE_LIR_STAFF ? "resource" : "irr";
}

void ca_path(const struct config *cfg, int which, const char *suffix, char *out, size_t size)
{
	snprintf(out, size, "%s/%s%s", cfg->ca_dir, ca_file_stems[which], suffix);
}

void ca_crl_path(const struct config *cfg, const char *which, char *out, size_t size)
{
	snprintf(out, size, "%s/%s-ca.crl", cfg->ca_dir, which);
}

X509 *ca_cert_read(const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	X509 *cert;

	if (f == NULL) {
		*err = xasprintf("cannot open %s: %s (run irrctl ca init first?)", path, strerror(errno));
		return NULL;
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (cert == NULL)
		*err = x509_openssl_error("cannot parse a CA certificate");
	return cert;
}

void ca_serial_hex(const ASN1_INTEGER *serial, char *out, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(out, size, "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
}

int ca_open_certificates(const struct config *cfg, struct ca **out, char **err)
{
	struct ca *ca = xcalloc(1, sizeof(*ca));
	char path[1024];

	ca->cfg = cfg;
	for (int i = 0; i < CA_COUNT; i++) {
		ca_path(cfg, i, ".pem", path, sizeof(path));
		ca->certs[i] = ca_cert_read(path, err);
		if (ca->certs[i] == NULL) {
			ca_free(ca);
			return -1;
		}
	}
	*out = ca;
	return 0;
}

void ca_free(struct ca *ca)
{
	if (ca == NULL)
		return;
	for (int i = 0; i < CA_COUNT; i++) {
		X509_free(ca->certs[i]);
		EVP_PKEY_free(ca->keys[i]);
	}
	free(ca);
}

X509 *ca_certificate(const struct ca *ca, int which)
{
	return which >= 0 && which < CA_COUNT ? ca->certs[which] : NULL;
}

/* NULL for an SQL NULL: the record's optional fields stay optional. */
static const char *column_or_null(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

int ca_records_read(struct store *st, const char *serial, int (*fn)(void *arg, const struct ca_record *rec), void *arg,
		    char **err)
{
#define RECORD_COLUMNS                                                                                                \
	"ca, serial, subject, role, mntner, lir, holder, email, status, revoke_reason, issued_by, not_before,"        \
	" not_after, revoked_at, sequence, pem"
	sqlite3_stmt *stmt = store_stmt(st, serial ? "SELECT " RECORD_COLUMNS " FROM certificates WHERE serial = upper(?1)"
						   : "SELECT " RECORD_COLUMNS " FROM certificates ORDER BY id");
	int rc, n = 0, verdict = 0;

	if (serial)
		sqlite3_bind_text(stmt, 1, serial, -1, SQLITE_STATIC);
	while (verdict == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct ca_record rec = {
			.ca = column_or_null(stmt, 0), .serial = column_or_null(stmt, 1), .subject = column_or_null(stmt, 2),
			.role = column_or_null(stmt, 3), .mntner = column_or_null(stmt, 4), .lir = column_or_null(stmt, 5),
			.holder = column_or_null(stmt, 6), .email = column_or_null(stmt, 7), .status = column_or_null(stmt, 8),
			.revoke_reason = column_or_null(stmt, 9), .issued_by = column_or_null(stmt, 10),
			.not_before = (time_t)sqlite3_column_int64(stmt, 11), .not_after = (time_t)sqlite3_column_int64(stmt, 12),
			.revoked_at = (time_t)sqlite3_column_int64(stmt, 13), .sequence = sqlite3_column_int(stmt, 14),
			.pem = column_or_null(stmt, 15),
		};

		n++;
		verdict = fn(arg, &rec);
	}
	sqlite3_reset(stmt);
	if (verdict == 0 && rc != SQLITE_DONE) {
		*err = store_error(st, "reading certificate records");
		return -1;
	}
	return n;
#undef RECORD_COLUMNS
}
