/*
 * Signature checks for mail. The S/MIME checklist, in order, each refusal naming it:
 *   1. the signature is CMS SignedData;
 *   2. exactly one signer;
 *   3. digest SHA-256/384/512; signature ECDSA, RSA (PKCS#1 v1.5 or PSS) or Ed25519;
 *   4. the signature verifies over the exact signed bytes;
 *   5. an RSA key has at least 2048 bits;
 *   6. the signing time is present (unless mail.require_signing_time = no) and
 *      within mail.signing_time_window of now;
 *   7. the certificate: our CA's (chain to the root through the IRR CA, validity,
 *      key usage, issuance records active, the role registrant or maintainer admin,
 *      not on the IRR CA's published CRL), else a pinned X509-<n> key-cert.
 * PGP: the signature verifies with the key of a PGPKEY-<id> key-cert, then 6.
 * A message whose signature fails any check is refused as a whole.
 */
#include "mail_verify.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "x509.h"
#include "xalloc.h"

static void refuse(struct signed_input *si, char *why)
{
	free(si->refusal);
	si->refusal = why;
}

/* Builds a replay key: SHA-256 over length-prefixed parts, in hex. */
struct replay_key {
	EVP_MD_CTX *ctx;
};

static void replay_key_start(struct replay_key *k, const char *kind)
{
	k->ctx = EVP_MD_CTX_new();
	if (k->ctx == NULL || EVP_DigestInit_ex(k->ctx, EVP_sha256(), NULL) != 1)
		fatal("SHA-256 is not available");
	EVP_DigestUpdate(k->ctx, kind, strlen(kind) + 1);
}

/* Each part is preceded by its length, so no two different lists of parts hash alike. */
static void replay_key_part(struct replay_key *k, const void *data, size_t len)
{
	uint64_t n = len;

	EVP_DigestUpdate(k->ctx, &n, sizeof(n));
	EVP_DigestUpdate(k->ctx, data, len);
}

static void replay_key_finish(struct replay_key *k, char out[MAIL_DIGEST_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(k->ctx, md, &n) != 1 || n != 32)
		fatal("SHA-256 is not available");
	EVP_MD_CTX_free(k->ctx);
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void sha256(const char *data, size_t len, unsigned char out[32])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 || n != 32)
		fatal("SHA-256 is not available");
}

/*
 * The replay key of an S/MIME signature: what it signs and who signed, never its
 * bytes (a CMS structure can be re-encoded without the key: BER for DER, ECDSA's
 * (r, n-s) for (r, s), the SignerInfo's signer identifier spelt another way or by
 * subject key id, another certificate for the same key) and would then pass as new.
 * The signer is the public key that verified the signature; then the messageDigest
 * signed attribute and the signing time; without signed attributes, the digest of
 * the content itself.
 */
static void smime_replay_key(X509 *signer, const struct x509_cms_details *d, const char *content, size_t content_len,
			     char out[MAIL_DIGEST_SIZE])
{
	struct replay_key k;
	int64_t when = d->has_signing_time ? (int64_t)d->signing_time : 0;
	unsigned char *spki = NULL;
	int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(signer), &spki);

	if (spki_len <= 0)
		fatal("encoding a certificate's public key failed");
	replay_key_start(&k, "smime");
	replay_key_part(&k, spki, (size_t)spki_len);
	OPENSSL_free(spki);
	if (d->message_digest_len > 0) {
		replay_key_part(&k, d->message_digest, d->message_digest_len);
	} else {
		unsigned char md[32];

		sha256(content, content_len, md);
		replay_key_part(&k, md, sizeof(md));
	}
	replay_key_part(&k, &when, sizeof(when));
	replay_key_finish(&k, out);
}

/*
 * The replay key of a PGP signature: the signing key, the signature's creation time
 * and the digest of the signed text as PGP's text mode reads it (line ends and
 * trailing blanks do not count there, so they must not count here either).
 */
static void pgp_replay_key(const struct signed_input *si, const char *text, size_t len, char out[MAIL_DIGEST_SIZE])
{
	struct replay_key k;
	struct strbuf canonical;
	unsigned char md[32];
	int64_t when = (int64_t)si->signed_at;
	const char *p = text, *end = text + len;

	strbuf_init(&canonical);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *lend = nl ? nl : end;

		while (lend > p && (lend[-1] == ' ' || lend[-1] == '\t' || lend[-1] == '\r'))
			lend--;
		strbuf_append(&canonical, p, (size_t)(lend - p));
		strbuf_append_char(&canonical, '\n');
		p = nl ? nl + 1 : end;
	}
	while (canonical.len > 0 && canonical.data[canonical.len - 1] == '\n')
		canonical.data[--canonical.len] = '\0';
	sha256(canonical.data, canonical.len, md);
	strbuf_release(&canonical);
	replay_key_start(&k, "pgp");
	replay_key_part(&k, si->signer_fingerprint, strlen(si->signer_fingerprint));
	replay_key_part(&k, &when, sizeof(when));
	replay_key_part(&k, md, sizeof(md));
	replay_key_finish(&k, out);
}

static bool is_allowed_digest(int nid)
{
	return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

static bool is_allowed_signature(int nid)
{
	static const int allowed[] = {
		NID_rsaEncryption, NID_sha256WithRSAEncryption, NID_sha384WithRSAEncryption,
		NID_sha512WithRSAEncryption, NID_rsassaPss, NID_ecdsa_with_SHA256, NID_ecdsa_with_SHA384,
		NID_ecdsa_with_SHA512, NID_X9_62_id_ecPublicKey, NID_ED25519,
	};

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (allowed[i] == nid)
			return true;
	}
	return false;
}

static const char *nid_name(int nid)
{
	const char *n = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;

	return n ? n : "an unknown algorithm";
}

/* Checklist item 6, for S/MIME and PGP alike. Returns false with a refusal set. */
static bool signing_time_ok(const struct mail_verify_context *ctx, bool has_time, time_t t, struct signed_input *si)
{
	char when[TIMEFMT_UTC_SIZE], now[TIMEFMT_UTC_SIZE];
	long long delta = (long long)t - (long long)ctx->now;

	if (!has_time) {
		if (!ctx->cfg->mail_require_signing_time)
			return true;
		refuse(si, xstrdup("The signature carries no signing time; this server requires one"
				   " (it protects against replayed mail)"));
		return false;
	}
	if (delta <= (long long)ctx->cfg->mail_signing_time_window && -delta <= (long long)ctx->cfg->mail_signing_time_window)
		return true;
	timefmt_utc(t, when);
	timefmt_utc(ctx->now, now);
	refuse(si, xasprintf("The message was signed at %s, more than %u seconds %s it arrived (%s);\n"
			     "            sign it again and send it at once", when, ctx->cfg->mail_signing_time_window,
			     delta < 0 ? "before" : "after", now));
	return false;
}

static void add_ca_identity(struct signed_input *si, const struct ca_verdict *v)
{
	struct identity *id;

	if (si->identity_count == SIGNED_INPUT_MAX_IDENTITIES)
		return;
	id = &si->identities[si->identity_count++];
	memset(id, 0, sizeof(*id));
	id->kind = IDENTITY_CA_CERT;
	snprintf(id->mntner, sizeof(id->mntner), "%s", v->mntner);
	snprintf(id->description, sizeof(id->description), "S/MIME certificate serial %.40s (%.180s)", v->serial,
		 v->subject);
}

/* Checklist item 7: who the certificate belongs to. Returns 0 (outcome in si) or -1 on a store error. */
static int identify_signer(const struct mail_verify_context *ctx, X509 *signer, struct signed_input *si, char **err)
{
	struct ca_verdict verdict;
	char *why = NULL;
	int found;

	if (ctx->ca != NULL &&
	    ca_verify(ctx->ca, ctx->st, signer, NULL, ctx->now, CA_PURPOSE_SMIME,
		      (1u << CA_ROLE_REGISTRANT) | (1u << CA_ROLE_MNTNER_ADMIN), &verdict, &why) == 0) {
		char crl[1024], *crl_file = crl, *crl_err = NULL;
		time_t revoked_at = 0;
		int revoked;

		/* The records said active; the published CRL is what the rest of the world sees. */
		ca_crl_path(ctx->cfg, "irr", crl, sizeof(crl));
		revoked = x509_revocation(signer, &crl_file, 1, &revoked_at, &crl_err);
		if (revoked != 0) {
			char when[TIMEFMT_UTC_SIZE];

			timefmt_utc(revoked_at, when);
			refuse(si, revoked > 0 ? xasprintf("The signer's certificate is not accepted: it is on the CRL"
							   " (revoked on %s)", when)
					       : xasprintf("The signer's certificate is not accepted: its revocation"
							   " cannot be checked (%s)", crl_err));
			free(crl_err);
			return 0;
		}
		add_ca_identity(si, &verdict);
		return 0;
	}
	/* Not ours: a RIPE-style pinned certificate in an X509-<n> key-cert may still vouch. */
	if (ctx->ca == NULL || (why != NULL && strncmp(why, "unknown issuer", 14) == 0)) {
		found = signed_input_identify_x509(ctx->st, ctx->cfg, signer, ctx->now, si, err);
		if (found < 0) {
			free(why);
			return -1;
		}
		if (found == 0)
			refuse(si, why ? xasprintf("The signer's certificate is not accepted: %s,\n"
						   "            and it is in no X509 key-cert object", why)
				       : xstrdup("The signer's certificate is not accepted: it is in no X509 key-cert"
						 " object (and no CA is configured)"));
		free(why);
		return 0;
	}
	refuse(si, xasprintf("The signer's certificate is not accepted: %s", why));
	free(why);
	return 0;
}

static bool is_short_rsa(X509 *cert)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);

	return key != NULL && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) < 2048;
}

/* The S/MIME checklist; opaque when content is NULL (the signed content then goes to *content_out). */
static int verify_smime(const struct mail_verify_context *ctx, const struct strbuf *sig, const struct strbuf *content,
			struct strbuf *content_out, struct signed_input *si, char **signer, char digest[MAIL_DIGEST_SIZE],
			char **err)
{
	struct x509_cms_details d;
	X509 *signers[X509_MAX_SIGNERS];
	size_t n = 0;
	char *verr = NULL;
	int v;

	if (x509_cms_inspect(sig->data, sig->len, &d) < 0) {
		refuse(si, xstrdup("The S/MIME signature cannot be read: it is not CMS SignedData"));
		return 0;
	}
	if (d.signer_count != 1) {
		refuse(si, xasprintf("The S/MIME signature has %zu signers; exactly one is accepted", d.signer_count));
		return 0;
	}
	if (!is_allowed_digest(d.digest_nid)) {
		refuse(si, xasprintf("The S/MIME signature uses the digest %s, which is not accepted"
				     " (SHA-256, SHA-384 and SHA-512 are)", nid_name(d.digest_nid)));
		return 0;
	}
	if (!is_allowed_signature(d.signature_nid)) {
		refuse(si, xasprintf("The S/MIME signature uses the algorithm %s, which is not accepted"
				     " (ECDSA, RSA and Ed25519 are)", nid_name(d.signature_nid)));
		return 0;
	}
	v = content ? x509_cms_verify(sig->data, sig->len, content->data, content->len, NULL, signers, &n, &verr)
		    : x509_cms_verify(sig->data, sig->len, NULL, 0, content_out, signers, &n, &verr);
	if (v != 0) {
		static const char prefix[] = "the CMS signature does not verify: ";
		const char *detail = strncmp(verr, prefix, sizeof(prefix) - 1) == 0 ? verr + sizeof(prefix) - 1 : verr;

		refuse(si, xasprintf("The S/MIME signature does not verify (%s):\n"
				     "            the signed part is not what was signed", detail));
		free(verr);
		for (size_t i = 0; i < n; i++)
			X509_free(signers[i]);
		return 0;
	}
	if (n > 0) {
		struct x509_info info;

		x509_describe(signers[0], &info);
		*signer = xasprintf("S/MIME signer %s (serial %s, issuer %s)", info.owner, info.serial, info.issuer);
	}
	si->is_signed = true;
	if (n == 1)
		smime_replay_key(signers[0], &d, content ? content->data : content_out->data,
				 content ? content->len : content_out->len, digest);
	if (n != 1) {
		refuse(si, xstrdup("The S/MIME signature does not carry its signer's certificate"));
	} else if (is_short_rsa(signers[0])) {
		refuse(si, xstrdup("The signer's RSA key is shorter than 2048 bits, which is not accepted"));
	} else if (signing_time_ok(ctx, d.has_signing_time, d.signing_time, si)) {
		if (identify_signer(ctx, signers[0], si, err) < 0) {
			X509_free(signers[0]);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		X509_free(signers[i]);
	return 0;
}

/* After signed_input checked a PGP signature: refuse what authenticates nobody, then the time window. */
static void check_pgp_outcome(const struct mail_verify_context *ctx, struct signed_input *si, char **signer)
{
	if (si->identity_count > 0)
		*signer = xstrdup(si->identities[0].description);
	if (si->refusal != NULL)
		return;
	/* Every good signature would authenticate, but only one signing time and replay key
	 * is checked: a fresh signature of one's own beside an old one of someone else's
	 * would replay the old one. One signer per message, as for S/MIME. */
	if (si->signature_count != 1) {
		refuse(si, xasprintf("The PGP signature has %zu signers; exactly one is accepted", si->signature_count));
		return;
	}
	if (si->identity_count == 0) {
		refuse(si, xstrdup("The PGP signature authenticates nobody (see the warning above)"));
		return;
	}
	signing_time_ok(ctx, si->signed_at != 0, si->signed_at, si);
}

/* Replaces si->text (LF, the signer's charset or MIME) with the UTF-8 text of the submission. */
static void set_text(struct signed_input *si, int rc, const struct strbuf *text, char *text_err)
{
	strbuf_reset(&si->text);
	if (rc < 0)
		refuse(si, xasprintf("The text of the message cannot be read: %s", text_err));
	else
		strbuf_append(&si->text, text->data, text->len);
	free(text_err);
}

int mail_verify_layer(const struct mail_verify_context *ctx, struct mail_layer *layer, struct signed_input *si,
		      char digest[MAIL_DIGEST_SIZE], char **signer, char **err)
{
	struct strbuf text, content;
	char *text_err = NULL;
	int rc = 0, trc;

	digest[0] = '\0';
	*signer = NULL;
	strbuf_init(&text);
	strbuf_init(&content);
	strbuf_append(&si->notes, layer->notes.data, layer->notes.len);
	switch (layer->kind) {
	case MAIL_UNSIGNED:
		if (ctx->cfg->mail_require_signature) {
			refuse(si, xstrdup("The message is not signed; this server accepts updates by mail only when"
					   " they are\n            S/MIME- or PGP-signed"));
			break;
		}
		trc = mail_message_entity_text(layer->entity, &text, &si->notes, &text_err);
		set_text(si, trc, &text, text_err);
		break;
	case MAIL_SMIME_DETACHED:
	case MAIL_SMIME_OPAQUE: {
		bool opaque = layer->kind == MAIL_SMIME_OPAQUE;

		rc = opaque ? verify_smime(ctx, &layer->signed_bytes, NULL, &content, si, signer, digest, err)
			    : verify_smime(ctx, &layer->signature, &layer->signed_bytes, NULL, si, signer, digest, err);
		if (rc < 0 || si->refusal != NULL)
			break;
		trc = opaque ? mail_message_content_text(content.data, content.len, &text, &si->notes, &text_err)
			     : mail_message_entity_text(layer->entity, &text, &si->notes, &text_err);
		set_text(si, trc, &text, text_err);
		break;
	}
	case MAIL_PGP_MIME:
		rc = signed_input_open(ctx->st, ctx->cfg, layer->signed_bytes.data, layer->signed_bytes.len,
				       layer->signature.data, layer->signature.len, si, err);
		if (rc < 0)
			break;
		if (si->is_signed)
			pgp_replay_key(si, si->text.data, si->text.len, digest);
		check_pgp_outcome(ctx, si, signer);
		if (si->refusal != NULL)
			break;
		trc = mail_message_entity_text(layer->entity, &text, &si->notes, &text_err);
		set_text(si, trc, &text, text_err);
		break;
	case MAIL_PGP_INLINE:
		rc = signed_input_open(ctx->st, ctx->cfg, layer->signed_bytes.data, layer->signed_bytes.len, NULL, 0, si,
				       err);
		if (rc < 0)
			break;
		if (si->is_signed)
			pgp_replay_key(si, si->text.data, si->text.len, digest);
		check_pgp_outcome(ctx, si, signer);
		if (si->refusal != NULL)
			break;
		strbuf_append(&content, si->text.data, si->text.len);
		trc = mail_message_to_utf8(content.data, content.len, layer->charset, &text, &text_err);
		set_text(si, trc, &text, text_err);
		break;
	}
	if (rc != 0 || !si->is_signed)
		digest[0] = '\0';
	strbuf_release(&text);
	strbuf_release(&content);
	return rc;
}
