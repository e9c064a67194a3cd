/*
 * OpenPGP through GPGME, in a private throw-away keyring: import the public key of a
 * key-cert object (to generate its method/owner/fingerpr and to verify signatures)
 * and verify clear-signed or detached signatures. Never touches the user's keyring.
 */
#ifndef IRRD_PGP_H
#define IRRD_PGP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "strbuf.h"

#define PGP_MAX_OWNERS 16
#define PGP_MAX_SIGNATURES 8

struct pgp_keyring;

struct pgp_key_info {
	char fingerprint[41];              /* 40 hex digits, upper case */
	char owners[PGP_MAX_OWNERS][256];  /* user ids */
	size_t owner_count;
	bool is_expired, is_revoked;
};

enum pgp_signature_status {
	PGP_SIG_GOOD,
	PGP_SIG_BAD,          /* the signed text was altered or the signature is broken */
	PGP_SIG_NO_KEY,       /* the signer's key is not in the keyring */
	PGP_SIG_KEY_EXPIRED,
	PGP_SIG_KEY_REVOKED,
	PGP_SIG_ERROR,        /* anything else GnuPG refused */
};

struct pgp_signature {
	enum pgp_signature_status status;
	char fingerprint[41]; /* of the signing key; for PGP_SIG_NO_KEY possibly a 16-digit key id */
	time_t created;
	char detail[128];     /* GnuPG's words for an error */
};

/* Creates an empty keyring in a private temporary directory. Returns 0, or -1 with *err. */
int pgp_keyring_new(struct pgp_keyring **out, char **err);
/* Removes the keyring and its directory. NULL-safe. */
void pgp_keyring_free(struct pgp_keyring *kr);

/*
 * Imports one ASCII-armoured public key. Refuses private key blocks, blocks holding
 * no key or more than one. Returns 0 with *info filled, or -1 with *err (caller frees).
 */
int pgp_keyring_import(struct pgp_keyring *kr, const char *armour, size_t len, struct pgp_key_info *info,
		       char **err);

/*
 * Verifies `sig`: a clear-signed message when `content` is NULL (its text goes to
 * *plaintext), else a detached signature over `content`. Fills up to
 * PGP_MAX_SIGNATURES results. Returns 0 when the input held OpenPGP signatures at all,
 * -1 with *err when it did not parse.
 */
int pgp_keyring_verify(struct pgp_keyring *kr, const char *sig, size_t sig_len, const char *content,
		       size_t content_len, struct strbuf *plaintext, struct pgp_signature *sigs, size_t *count,
		       char **err);

/* The fingerprint as RIPE and IRRd print it: ten groups of four, two spaces in the middle. */
void pgp_format_fingerprint(const char *hex40, char out[64]);

#endif
