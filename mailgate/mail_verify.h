/*
 * The signature checklists of the mail gateway: S/MIME through OpenSSL CMS (exactly
 * one signer, listed algorithms, signing time, chain to our IRR CA and its CRL, our
 * issuance records; or a pinned X509-<n> key-cert), PGP through GPGME (key-cert keys),
 * the signing-time window, and the replay digest. Produces what the update engine
 * takes: the submission text in UTF-8, identities, report notes or a refusal.
 */
#ifndef MAILGATE_MAIL_VERIFY_H
#define MAILGATE_MAIL_VERIFY_H

#include <time.h>

#include "ca_verify.h"
#include "config.h"
#include "mail_message.h"
#include "signed_input.h"
#include "store.h"

struct mail_verify_context {
	struct store *st;
	const struct config *cfg;
	const struct ca *ca;   /* our CA's certificates; NULL: only key-certs can authenticate S/MIME */
	time_t now;
};

/* SHA-256 in hex, NUL-terminated */
#define MAIL_DIGEST_SIZE 65

/*
 * Checks the layer's signature and fills *si (initialised by the caller): the text,
 * the identities, notes and, when the message must not be processed, si->refusal.
 * *digest is the replay key when a signature verified, else empty: the signer and
 * what the signature covers (S/MIME: messageDigest and signing time; PGP: signature
 * time and the digest of the signed text), never the signature's own bytes, which can
 * be re-encoded without the key. *signer describes the signer for the audit even when refused (caller frees;
 * NULL when unsigned). Returns 0, or -1 on a store error (*err).
 */
int mail_verify_layer(const struct mail_verify_context *ctx, struct mail_layer *layer, struct signed_input *si,
		      char digest[MAIL_DIGEST_SIZE], char **signer, char **err);

#endif
