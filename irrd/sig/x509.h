/*
 * X.509 for RIPE-style key-cert objects (`X509-<n>`): the certificate in certif:, its
 * generated attributes, its validity and revocation, and CMS (S/MIME) signatures made
 * with it. Pinned certificates: the key-cert is the trust, not a chain. Certificates
 * from our own CA are checked by cert/ (a chain and our issuance records).
 */
#ifndef IRRD_X509_H
#define IRRD_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "strbuf.h"

#define X509_MAX_SIGNERS 4

struct x509_info {
	char owner[512];        /* subject as /C=JP/O=.../CN=... (RIPE's layout) */
	char issuer[512];
	char fingerprint[100];  /* SHA-1 of the DER, AA:BB:..., as `openssl x509 -fingerprint -sha1` */
	char serial[80];        /* hexadecimal */
	time_t not_before, not_after;
};

/* The last queued OpenSSL error as "<what>: <reason>" (caller frees); clears the queue. */
char *x509_openssl_error(const char *what);

/* Parses one PEM certificate. Returns it (X509_free), or NULL with *err (caller frees). */
X509 *x509_parse_pem(const char *pem, size_t len, char **err);

void x509_describe(X509 *cert, struct x509_info *out);

/*
 * Is the certificate usable at `now`? Returns NULL when it is, else a static text
 * ("expired", "not yet valid"). Revocation is x509_revocation's.
 */
const char *x509_validity_problem(X509 *cert, time_t now);

/*
 * Looks the certificate up in the CRL files (PEM or DER) whose issuer is the
 * certificate's issuer. Returns 1 when revoked (with the revocation time in *when),
 * 0 when not listed, -1 when a file cannot be read (*err).
 */
int x509_revocation(X509 *cert, char *const *crl_files, size_t crl_count, time_t *when, char **err);

/*
 * Verifies CMS SignedData (PEM, DER or S/MIME-less base64-free input): opaque when
 * `content` is NULL (the signed content goes to *content_out), else detached over
 * `content`. Checks every signature with the certificate it names (no chain); the
 * signers' certificates are returned up-referenced (X509_free each). Returns 0 when the
 * signatures verify, 1 when the input is CMS but a signature does not verify (*err says
 * why), -1 when the input is not CMS SignedData.
 */
int x509_cms_verify(const char *sig, size_t sig_len, const char *content, size_t content_len,
		    struct strbuf *content_out, X509 **signers, size_t *signer_count, char **err);

/* What a CMS SignedData says about its signers, before any signature is checked. */
struct x509_cms_details {
	size_t signer_count;
	int digest_nid;          /* of the first signer: NID_sha256, ... */
	int signature_nid;       /* of the first signer: NID_ecdsa_with_SHA256, NID_rsaEncryption, ... */
	bool has_signing_time;   /* the first signer's signingTime signed attribute */
	time_t signing_time;
	bool is_detached;
	/* The first signer's messageDigest signed attribute (the digest of the content its
	 * signature covers); length 0 when the signer has no signed attributes. */
	unsigned char message_digest[64];
	size_t message_digest_len;
};

/*
 * Reads CMS SignedData (PEM or DER) and describes it. Returns 0 with *out, or -1
 * when the input is not CMS SignedData.
 */
int x509_cms_inspect(const char *sig, size_t sig_len, struct x509_cms_details *out);

#define X509_SHA256_HEX_SIZE 65

/* The SHA-256 of the certificate's DER in lower-case hex: how identities name a certificate. */
void x509_sha256_hex(X509 *cert, char out[X509_SHA256_HEX_SIZE]);

/* True when two certificates are the same DER. */
bool x509_same(X509 *a, X509 *b);

#endif
