/*
 * The verify half of the registry's certificate authority (AUTHLIST.md,
 * "Certificates"): the CA certificates (root, IRR CA, resource CA), the roles, and
 * ca_verify, the check every channel calls for a certificate presented in S/MIME or
 * TLS. It never opens a private key: irrd, irr-mailgate and irr-web link only this
 * half; issuing, revoking and signing CRLs live in cert/key (ca_key.h).
 */
#ifndef CERT_CA_VERIFY_H
#define CERT_CA_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "config.h"
#include "store.h"

enum ca_role { CA_ROLE_STAFF, CA_ROLE_LIR_STAFF, CA_ROLE_MNTNER_ADMIN, CA_ROLE_REGISTRANT, CA_ROLE_GATEWAY };
#define CA_ROLE_COUNT 5

/* "staff", "lir-staff", "maintainer-admin", "registrant", "gateway" */
const char *ca_role_name(enum ca_role role);
int ca_role_parse(const char *name, enum ca_role *out);

/* Which intermediate issues a role: "resource" for LIR staff, else "irr". */
const char *ca_for_role(enum ca_role role);

/* The loaded CA certificates (and, once the key half opened them, the keys). */
struct ca;

/* Loads the CA certificates from cfg->ca_dir. Returns 0 or -1 with *err. Free with ca_free. */
int ca_open_certificates(const struct config *cfg, struct ca **out, char **err);
void ca_free(struct ca *ca);

/* The certificates: 0 root, 1 IRR CA, 2 resource CA (not up-referenced). */
X509 *ca_certificate(const struct ca *ca, int which);

/* Paths of the CRL files: <ca_dir>/irr-ca.crl and resource-ca.crl (PEM). */
void ca_crl_path(const struct config *cfg, const char *which, char *out, size_t size);

struct ca_verdict {
	enum ca_role role;
	char mntner[80];
	char lir[64];
	char serial[64];
	char subject[512];
};

enum ca_purpose { CA_PURPOSE_SMIME, CA_PURPOSE_TLS_CLIENT };

/*
 * The check every channel calls for a certificate presented in S/MIME or TLS:
 * chain to our root through the IRR or resource CA, validity at `now`, key usage and
 * extended key usage for the purpose, then our issuance records (issuer + serial
 * known and active), then the role among allowed_roles (a bit per enum ca_role).
 * Returns 0 with *out, or -1 with *refusal naming the failed check (caller frees).
 */
int ca_verify(const struct ca *ca, struct store *st, X509 *cert, STACK_OF(X509) *untrusted, time_t now,
	      enum ca_purpose purpose, unsigned allowed_roles, struct ca_verdict *out, char **refusal);

/* One issuance record (table certificates), as read back. Strings valid during the callback. */
struct ca_record {
	const char *ca, *serial, *subject, *role, *mntner, *lir, *holder, *email, *status, *revoke_reason, *issued_by;
	time_t not_before, not_after;
	time_t revoked_at;      /* 0: not revoked */
	int sequence;
	const char *pem;
};

/*
 * Every issuance record in issuing order, or the one with this serial (hex, any
 * case), to fn (0 go on, 1 stop). Returns how many were handed over, or -1 with *err.
 */
int ca_records_read(struct store *st, const char *serial, int (*fn)(void *arg, const struct ca_record *rec), void *arg,
		    char **err);

#endif
