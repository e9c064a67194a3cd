/*
 * Signed submissions: recognises PGP clear-signed text, detached PGP signatures and
 * CMS SignedData (S/MIME without the MIME), verifies them against the key-cert
 * objects of our source and turns good signatures into update identities. Shared by
 * every channel: irrctl submit now, the mail gateway (which unwraps MIME first).
 */
#ifndef IRRD_SIGNED_INPUT_H
#define IRRD_SIGNED_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "config.h"
#include "store.h"
#include "strbuf.h"
#include "identity.h"

#define SIGNED_INPUT_MAX_IDENTITIES 8

struct signed_input {
	struct strbuf text;    /* what the engine processes: the signed content, or the input as it was */
	struct identity identities[SIGNED_INPUT_MAX_IDENTITIES];
	size_t identity_count;
	struct strbuf notes;   /* report lines ("***Warning: ...") about signatures that authenticate nothing */
	char *refusal;         /* set when a signature is broken: nothing in the input may be processed */
	bool is_signed;        /* the input carried a signature that verified */
	time_t signed_at;      /* PGP: the time of the first good signature (0: unknown) */
	char signer_fingerprint[64]; /* PGP: the key of the first good signature */
	size_t signature_count; /* PGP: signatures found (good or not); channels that check signing times accept one */
};

void signed_input_init(struct signed_input *si);
void signed_input_release(struct signed_input *si);

/*
 * Examines `input`. With `sig` NULL it looks for a clear-signed PGP message or CMS
 * SignedData (PEM or DER) and otherwise takes the input as plain text; with `sig`, that
 * is a detached PGP (armoured) or CMS signature over `input`. Returns 0 (the outcome is
 * in *si), -1 on a store error with *err.
 */
int signed_input_open(struct store *st, const struct config *cfg, const char *input, size_t len, const char *sig,
		      size_t sig_len, struct signed_input *si, char **err);

/*
 * Looks up the X509-<n> key-cert holding exactly `signer` (a pinned certificate) and
 * checks its validity at `now` and the configured CRLs: adds an identity to *si, or a
 * note saying why the certificate authenticates nothing. Returns 1 when an identity
 * was added, 0 when not, -1 on a store error (*err).
 */
int signed_input_identify_x509(struct store *st, const struct config *cfg, X509 *signer, time_t now,
			       struct signed_input *si, char **err);

#endif
