/*
 * The verification every channel calls for a certificate it was shown. The
 * checklist, in order, each refusal naming the check:
 *   1. the chain leads to our root through our IRR or resource CA (unknown issuer);
 *   2. valid at the given time (expired, not yet valid);
 *   3. keyUsage digitalSignature and the EKU of the purpose (emailProtection for
 *      S/MIME, clientAuth for TLS);
 *   4. our issuance records hold this issuer + serial (never the subject alone);
 *   5. the record is active (revoked, with time and reason);
 *   6. the role is allowed here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ca_internal.h"
#include "x509.h"
#include "xalloc.h"
#include "timefmt.h"

static int chain_check(const struct ca *ca, X509 *cert, STACK_OF(X509) *untrusted, time_t now, int *which,
		       char **refusal)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *inter = untrusted ? sk_X509_dup(untrusted) : sk_X509_new_null();
	int rc = -1, ok, e;

	*which = -1;
	if (store == NULL || ctx == NULL || inter == NULL || !X509_STORE_add_cert(store, ca->certs[CA_ROOT]) ||
	    !sk_X509_push(inter, ca->certs[CA_IRR]) || !sk_X509_push(inter, ca->certs[CA_RESOURCE]) ||
	    !X509_STORE_CTX_init(ctx, store, cert, inter)) {
		*refusal = x509_openssl_error("cannot set up the certificate check");
		goto out;
	}
	X509_STORE_CTX_set_time(ctx, 0, now);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
	ok = X509_verify_cert(ctx);
	e = X509_STORE_CTX_get_error(ctx);
	if (ok != 1) {
		if (e == X509_V_ERR_CERT_HAS_EXPIRED)
			*refusal = xasprintf("certificate expired");
		else if (e == X509_V_ERR_CERT_NOT_YET_VALID)
			*refusal = xasprintf("certificate not yet valid");
		else if (e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
			 e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN || e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
			 e == X509_V_ERR_CERT_SIGNATURE_FAILURE)
			*refusal = xasprintf("unknown issuer: the certificate was not issued by this registry's CA");
		else
			*refusal = xasprintf("certificate refused: %s", X509_verify_cert_error_string(e));
		goto out;
	}
	{
		STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
		X509 *issuer = sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : NULL;

		if (issuer != NULL && X509_cmp(issuer, ca->certs[CA_IRR]) == 0)
			*which = CA_IRR;
		else if (issuer != NULL && X509_cmp(issuer, ca->certs[CA_RESOURCE]) == 0)
			*which = CA_RESOURCE;
	}
	if (*which < 0) {
		*refusal = xasprintf("not issued by us: end-entity certificates come from the IRR or the resource CA");
		goto out;
	}
	rc = 0;
out:
	sk_X509_free(inter);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return rc;
}

static int usage_check(X509 *cert, enum ca_purpose purpose, char **refusal)
{
	uint32_t ku = X509_get_key_usage(cert), xku = X509_get_extended_key_usage(cert);
	uint32_t want = purpose == CA_PURPOSE_SMIME ? XKU_SMIME : XKU_SSL_CLIENT;

	if (!(ku & KU_DIGITAL_SIGNATURE)) {
		*refusal = xasprintf("wrong key usage: digitalSignature is not allowed for this certificate");
		return -1;
	}
	if (!(X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) || !(xku & want)) {
		*refusal = xasprintf("wrong extended key usage: %s is not allowed for this certificate",
				    purpose == CA_PURPOSE_SMIME ? "emailProtection" : "clientAuth");
		return -1;
	}
	return 0;
}

int ca_verify(const struct ca *ca, struct store *st, X509 *cert, STACK_OF(X509) *untrusted, time_t now,
	      enum ca_purpose purpose, unsigned allowed_roles, struct ca_verdict *out, char **refusal)
{
	sqlite3_stmt *stmt;
	char serial[64], role[32] = "", status[16] = "", reason[64] = "";
	int which, rc;
	int64_t revoked_at = 0;
	enum ca_role r;

	memset(out, 0, sizeof(*out));
	if (chain_check(ca, cert, untrusted, now, &which, refusal) < 0 || usage_check(cert, purpose, refusal) < 0)
		return -1;
	ca_serial_hex(X509_get0_serialNumber(cert), serial, sizeof(serial));
	stmt = store_stmt(st, "SELECT role, coalesce(mntner, ''), coalesce(lir, ''), status, coalesce(revoked_at, 0),"
			      " coalesce(revoke_reason, ''), subject FROM certificates WHERE ca = ?1 AND serial = ?2");
	sqlite3_bind_text(stmt, 1, which == CA_IRR ? "irr" : "resource", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, serial, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(role, sizeof(role), "%s", (const char *)sqlite3_column_text(stmt, 0));
		snprintf(out->mntner, sizeof(out->mntner), "%s", (const char *)sqlite3_column_text(stmt, 1));
		snprintf(out->lir, sizeof(out->lir), "%s", (const char *)sqlite3_column_text(stmt, 2));
		snprintf(status, sizeof(status), "%s", (const char *)sqlite3_column_text(stmt, 3));
		revoked_at = sqlite3_column_int64(stmt, 4);
		snprintf(reason, sizeof(reason), "%s", (const char *)sqlite3_column_text(stmt, 5));
		snprintf(out->subject, sizeof(out->subject), "%s", (const char *)sqlite3_column_text(stmt, 6));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW) {
		*refusal = rc == SQLITE_DONE ? xasprintf("not issued by us: serial %s is not in our issuance records", serial)
					     : store_error(st, "reading issuance records");
		return -1;
	}
	if (strcmp(status, "active") != 0) {
		char when[TIMEFMT_UTC_SIZE];

		timefmt_utc((time_t)revoked_at, when);
		*refusal = xasprintf("certificate revoked on %s (%s)", when, reason);
		return -1;
	}
	if (ca_role_parse(role, &r) < 0 || !(allowed_roles & (1u << r))) {
		*refusal = xasprintf("role %s is not allowed here", role);
		return -1;
	}
	out->role = r;
	snprintf(out->serial, sizeof(out->serial), "%s", serial);
	return 0;
}
