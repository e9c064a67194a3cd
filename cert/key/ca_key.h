/*
 * The key half of the registry's own certificate authority (AUTHLIST.md,
 * "Certificates"): a root CA and two intermediates, the IRR CA (maintainer admins,
 * object registrants, registry staff, the mail gateway) and the resource CA (LIR
 * staff). Creating the CA, issuing, renewing, revoking, signing CRLs and access keys.
 * Issuance is recorded in the database; a certificate authenticates only when its
 * issuer and serial are in those records and active (ca_verify, cert/verify). Only
 * this half touches CA private keys, and only irrctl links it.
 */
#ifndef CERT_CA_KEY_H
#define CERT_CA_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include <sys/types.h>

#include "ca_verify.h"
#include "config.h"
#include "store.h"
#include "strbuf.h"

struct ca_init_options {
	/* all NULL: generate; else import these PEM files (each pair: certificate, key) */
	const char *root_cert, *root_key;
	const char *irr_cert, *irr_key;
	const char *resource_cert, *resource_key;
};

/*
 * Creates (or imports) the root, IRR and resource CA under cfg->ca_dir: certificates
 * readable, keys 0600 (encrypted when ca.passphrase_file is set), and the first CRLs.
 * Refuses when the directory already holds a CA. Returns 0 or -1 with *err.
 */
int ca_init(const struct config *cfg, struct store *st, const struct ca_init_options *opts, char **err);

/*
 * Opens the CA for issuing: its certificates (ca_open_certificates) and the private
 * keys of the IRR and resource CA (decrypted with ca.passphrase_file when set).
 * Returns 0 or -1 with *err. Free with ca_free.
 */
int ca_open_with_keys(const struct config *cfg, struct ca **out, char **err);

/*
 * A new file at path holding data, with exactly `mode` whatever the umask: exclusive
 * create (an existing file or symlink there is refused), fsync before close. On
 * failure nothing is left at path. Returns 0 or -1 with *err.
 */
int ca_file_create(const char *path, const void *data, size_t len, mode_t mode, char **err);
/*
 * Replaces path atomically with data: a unique temporary file beside it, exactly
 * `mode`, fsync, rename. A reader sees the old file or the new one, never half.
 */
int ca_file_replace(const char *path, const void *data, size_t len, mode_t mode, char **err);

struct ca_subject {
	enum ca_role role;
	const char *mntner;  /* maintainer admin, registrant: the mntner acted for */
	const char *lir;     /* LIR staff: the LIR account id */
	const char *holder;  /* nic-handle (registrant, admin), name (staff, gateway), person id (LIR staff) */
	const char *email;   /* subjectAltName rfc822Name */
};

/* The checks on who a certificate is for (holder, e-mail, maintainer or LIR by role). 0 or -1 with *err. */
int ca_check_subject(const struct ca_subject *who, char **err);

/*
 * The registry side of who a certificate is for: a maintainer-admin or registrant
 * certificate acts for a maintainer that must be a mntner object, and its holder must
 * be the nic-hdl of a person or role object, both in our authoritative source (config
 * `source`). Staff, gateway and LIR staff certificates name no registry objects.
 * 0, or -1 with *err naming what is missing (or the store's error).
 */
int ca_check_registry(const struct config *cfg, struct store *st, const struct ca_subject *who, char **err);

/*
 * The CSR checklist (untrusted input): a PKCS#10 request, PEM or DER, whose signature
 * verifies with its own key, the key ECDSA P-256/P-384 or RSA >= 2048. Returns the
 * public key (EVP_PKEY_free), or NULL with *err naming the failed check.
 */
EVP_PKEY *ca_csr_public_key(const char *csr, size_t len, char **err);

/* A CSR file larger than this is refused unread (real ones are a few KiB). */
#define CA_MAX_CSR_SIZE (1024 * 1024)

struct ca_issued {
	char ca[16];
	char serial[64];
	char subject[512];
	int sequence;
	time_t not_before, not_after;
	char *pem;           /* the certificate; caller frees */
};

/*
 * Issues a certificate for `who` with the public key of a CSR (PEM or DER). `who` must
 * pass ca_check_subject and ca_check_registry. The CSR's signature, key type and size
 * are checked; its subject and extensions are ignored (ours are set from `who`).
 * Records the issuance and returns it in *out. Returns 0, or -1 with *err (nothing
 * written). Run it inside a write transaction (BEGIN IMMEDIATE) when more must be
 * stored with the record (a file, a spent access key): commit only when all is safe.
 */
int ca_issue_from_csr(struct ca *ca, struct store *st, const struct ca_subject *who, const char *csr, size_t csr_len,
		      const char *issued_by, struct ca_issued *out, char **err);

/*
 * Generates a key pair for `who`, issues its certificate and returns both as a
 * PKCS#12 (DER, *p12, caller frees with OPENSSL_free) protected by a fresh one-time
 * password (*password). The record is written like ca_issue_from_csr's: the caller
 * holds a transaction and commits only once the PKCS#12 is safely stored, since a
 * record without its key would be an active certificate nobody has.
 */
int ca_issue_pkcs12(struct ca *ca, struct store *st, const struct ca_subject *who, const char *issued_by,
		    struct ca_issued *out, unsigned char **p12, size_t *p12_len, char password[33], char **err);

/*
 * Re-issues an active certificate for the same person and role with the next sequence
 * number; the maintainer and holder must still exist (ca_check_registry).
 */
int ca_renew_from_csr(struct ca *ca, struct store *st, const char *serial, const char *csr, size_t csr_len,
		      const char *issued_by, struct ca_issued *out, char **err);

/*
 * Revokes by serial (reason: an RFC 5280 reason name such as keyCompromise,
 * superseded, cessationOfOperation, affiliationChanged, unspecified) and re-issues
 * the CRL. Returns 0 or -1 with *err.
 */
int ca_revoke(struct ca *ca, struct store *st, const char *serial, const char *reason, char **err);

/* Issues both CRLs (v2, cRLNumber, AKI, nextUpdate in 15 days) into ca_dir. */
int ca_write_crls(struct ca *ca, struct store *st, char **err);

/*
 * True when a CRL is due: never issued, or its nextUpdate is less than
 * CA_CRL_REISSUE_DAYS away (the timer runs daily, so a CRL never lapses).
 */
#define CA_CRL_REISSUE_DAYS 7
int ca_crls_due(struct store *st, time_t now);


#endif
