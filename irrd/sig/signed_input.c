/*
 * Signature checks for submissions. The checklist, in order:
 *   1. the input parses as the signature format it announces, else it is refused;
 *   2. every signature verifies over the exact signed bytes, else the whole input is
 *      refused (a tampered text must not take effect, even where passwords would pass);
 *   3. the signer is a key-cert of our source: PGPKEY-<id> whose key has that
 *      fingerprint, or X509-<n> holding that very certificate;
 *   4. the key is not expired or revoked (X.509: validity dates, configured CRLs).
 * A signature failing 3 or 4 authenticates nothing, and the report says why.
 */
#include "signed_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "keycert.h"
#include "irr_limits.h"
#include "pgp.h"
#include "rpsl_parse.h"
#include "x509.h"
#include "xalloc.h"
#include "timefmt.h"

void signed_input_init(struct signed_input *si)
{
	memset(si, 0, sizeof(*si));
	strbuf_init(&si->text);
	strbuf_init(&si->notes);
}

void signed_input_release(struct signed_input *si)
{
	strbuf_release(&si->text);
	strbuf_release(&si->notes);
	free(si->refusal);
	si->refusal = NULL;
}

static void refuse(struct signed_input *si, const char *why, const char *detail)
{
	free(si->refusal);
	si->refusal = xasprintf("%s%s%s", why, detail ? ": " : "", detail ? detail : "");
}

static bool starts_with(const char *p, size_t len, const char *word)
{
	size_t n = strlen(word);

	while (len > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++, len--;
	return len >= n && memcmp(p, word, n) == 0;
}

static struct identity *new_identity(struct signed_input *si)
{
	struct identity *id;

	if (si->identity_count == SIGNED_INPUT_MAX_IDENTITIES)
		return NULL;
	id = &si->identities[si->identity_count++];
	memset(id, 0, sizeof(*id));
	return id;
}

/* Parsed key-cert of our source, or NULL (absent or unreadable). -1 only on a store error. */
static int load_keycert(struct store *st, const struct config *cfg, const char *name, struct rpsl_object **out,
			char **err)
{
	char *text = NULL;
	int rc = store_get_object_text(st, cfg->source, "key-cert", name, &text, err);

	*out = NULL;
	if (rc == 1)
		*out = rpsl_parse_object(text, strlen(text), 1, RPSL_TOLERANT);
	free(text);
	return rc < 0 ? -1 : 0;
}

/* ---- PGP ---- */

/* Imports the key-certs of signatures whose key the keyring lacks. Returns how many, -1 on a store error. */
static int import_signer_keys(struct store *st, const struct config *cfg, struct pgp_keyring *kr,
			      const struct pgp_signature *sigs, size_t n, char **err)
{
	int imported = 0;

	for (size_t i = 0; i < n; i++) {
		size_t flen = strlen(sigs[i].fingerprint);
		char name[32];
		struct rpsl_object *kc;
		struct pgp_key_info info;
		char *certif, *ignored = NULL;

		if (sigs[i].status != PGP_SIG_NO_KEY || flen < 8)
			continue;
		snprintf(name, sizeof(name), "PGPKEY-%s", sigs[i].fingerprint + flen - 8);
		if (load_keycert(st, cfg, name, &kc, err) < 0)
			return -1;
		if (kc == NULL)
			continue;
		certif = keycert_certif_text(kc);
		/* the key-cert's name must be its key's: a mirror-loaded object could lie */
		if (pgp_keyring_import(kr, certif, strlen(certif), &info, &ignored) == 0 &&
		    strcmp(info.fingerprint + 32, sigs[i].fingerprint + flen - 8) == 0)
			imported++;
		free(ignored);
		free(certif);
		rpsl_object_free(kc);
	}
	return imported;
}

static int open_pgp(struct store *st, const struct config *cfg, const char *input, size_t len, const char *sig,
		    size_t sig_len, struct signed_input *si, char **err)
{
	struct pgp_keyring *kr = NULL;
	struct pgp_signature sigs[PGP_MAX_SIGNATURES];
	struct strbuf plain;
	size_t n = 0;
	char *verr = NULL;
	int rc = 0;
	bool clearsigned = sig == NULL;
	/* clear-signed: the input is the signature; detached: sig over the input */
	const char *sig_data = clearsigned ? input : sig, *content = clearsigned ? NULL : input;
	size_t sig_data_len = clearsigned ? len : sig_len;

	strbuf_init(&plain);
	if (pgp_keyring_new(&kr, &verr) < 0) {
		refuse(si, "The PGP signature cannot be checked", verr);
		goto out;
	}
	/* First pass with an empty keyring names the signers; the second runs with their key-certs' keys. */
	for (int pass = 0; pass < 2; pass++) {
		int imported;

		strbuf_reset(&plain);
		if (pgp_keyring_verify(kr, sig_data, sig_data_len, content, len, &plain, sigs, &n, &verr) < 0) {
			refuse(si, "The PGP signature cannot be read", verr);
			goto out;
		}
		if (pass == 1)
			break;
		imported = import_signer_keys(st, cfg, kr, sigs, n, err);
		if (imported < 0) {
			rc = -1;
			goto out;
		}
		if (imported == 0)
			break;
	}
	si->signature_count = n;
	for (size_t i = 0; i < n; i++) {
		const struct pgp_signature *s = &sigs[i];
		const char *id8 = s->fingerprint + (strlen(s->fingerprint) >= 8 ? strlen(s->fingerprint) - 8 : 0);
		struct identity *id;

		switch (s->status) {
		case PGP_SIG_GOOD:
			if (!si->is_signed) {
				si->signed_at = s->created;
				snprintf(si->signer_fingerprint, sizeof(si->signer_fingerprint), "%s", s->fingerprint);
			}
			si->is_signed = true;
			id = new_identity(si);
			if (id == NULL)
				break;
			id->kind = IDENTITY_PGP_KEY;
			snprintf(id->key_id, sizeof(id->key_id), "%s", id8);
			snprintf(id->description, sizeof(id->description), "PGP key PGPKEY-%s (fingerprint %s)", id8,
				 s->fingerprint);
			break;
		case PGP_SIG_BAD:
			refuse(si, "The PGP signature does not verify", "the text was changed after it was signed");
			goto out;
		case PGP_SIG_NO_KEY:
			strbuf_printf(&si->notes,
				      "***Warning: The text is signed with PGP key %s, which is not in any key-cert object of %s;\n"
				      "            the signature authenticates nothing\n",
				      s->fingerprint, cfg->source);
			break;
		case PGP_SIG_KEY_EXPIRED:
		case PGP_SIG_KEY_REVOKED:
			strbuf_printf(&si->notes, "***Warning: The PGP key PGPKEY-%s that signed the text is %s;\n"
						  "            the signature authenticates nothing\n",
				      id8, s->status == PGP_SIG_KEY_EXPIRED ? "expired" : "revoked");
			break;
		case PGP_SIG_ERROR:
			strbuf_printf(&si->notes, "***Warning: The PGP signature by %s cannot be checked (%s);\n"
						  "            it authenticates nothing\n",
				      s->fingerprint, s->detail);
			break;
		}
	}
	if (clearsigned)
		strbuf_append_lf(&si->text, plain.data, plain.len);
	else
		strbuf_append_lf(&si->text, input, len);
out:
	free(verr);
	strbuf_release(&plain);
	pgp_keyring_free(kr);
	return rc;
}

/* ---- CMS (X.509) ---- */

/*
 * The names of every X509-<n> key-cert holding exactly this certificate, comma
 * separated, into *names: anyone may copy a public certificate into a key-cert of
 * their own, so the first match must not hide the others (the copy would lock the
 * real holder out). Returns how many, or -1 on a store error.
 */
static int find_x509_keycerts(struct store *st, const struct config *cfg, X509 *signer, struct strbuf *names,
			      char **err)
{
	char **texts = NULL;
	size_t count = 0;
	int found = 0;

	if (store_list_objects(st, cfg->source, "key-cert", "X509-", &texts, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct rpsl_object *kc = rpsl_parse_object(texts[i], strlen(texts[i]), 1, RPSL_TOLERANT);
		char *certif = kc->pkey ? keycert_certif_text(kc) : NULL, *ignored = NULL;
		X509 *cert = certif ? x509_parse_pem(certif, strlen(certif), &ignored) : NULL;

		if (cert != NULL && x509_same(cert, signer)) {
			strbuf_printf(names, "%s%s", found ? ", " : "", kc->pkey);
			found++;
		}
		X509_free(cert);
		free(ignored);
		free(certif);
		rpsl_object_free(kc);
		free(texts[i]);
	}
	free(texts);
	return found;
}

int signed_input_identify_x509(struct store *st, const struct config *cfg, X509 *signer, time_t now,
			       struct signed_input *si, char **err)
{
	struct x509_info info;
	struct strbuf names;
	const char *problem;
	char *crl_err = NULL;
	time_t revoked_at = 0;
	int found, revoked, rc = 0;
	struct identity *id;

	x509_describe(signer, &info);
	strbuf_init(&names);
	found = find_x509_keycerts(st, cfg, signer, &names, err);
	if (found < 0) {
		rc = -1;
		goto out;
	}
	if (found == 0) {
		strbuf_printf(&si->notes,
			      "***Warning: The text is signed with certificate %s (serial %s), which is not in any\n"
			      "            key-cert object of %s; the signature authenticates nothing\n",
			      info.owner, info.serial, cfg->source);
		goto out;
	}
	problem = x509_validity_problem(signer, now);
	if (problem != NULL) {
		char when[TIMEFMT_UTC_SIZE];

		timefmt_utc(strcmp(problem, "expired") == 0 ? info.not_after : info.not_before, when);
		strbuf_printf(&si->notes,
			      "***Warning: The certificate of key-cert %s that signed the text is %s (%s %s);\n"
			      "            the signature authenticates nothing\n",
			      names.data, problem, strcmp(problem, "expired") == 0 ? "not after" : "not before", when);
		goto out;
	}
	revoked = x509_revocation(signer, cfg->crl_files, cfg->crl_file_count, &revoked_at, &crl_err);
	if (revoked != 0) {
		char when[TIMEFMT_UTC_SIZE];

		timefmt_utc(revoked_at, when);
		if (revoked > 0)
			strbuf_printf(&si->notes,
				      "***Warning: The certificate of key-cert %s that signed the text was revoked on %s;\n"
				      "            the signature authenticates nothing\n",
				      names.data, when);
		else
			strbuf_printf(&si->notes,
				      "***Warning: The revocation of the certificate of key-cert %s cannot be checked (%s);\n"
				      "            the signature authenticates nothing\n",
				      names.data, crl_err);
		free(crl_err);
		goto out;
	}
	id = new_identity(si);
	if (id != NULL) {
		id->kind = IDENTITY_X509_CERT;
		x509_sha256_hex(signer, id->cert_sha256);
		snprintf(id->description, sizeof(id->description), "X.509 certificate %.60s (serial %.40s, %.120s)",
			 names.data, info.serial, info.owner);
		rc = 1;
	}
out:
	strbuf_release(&names);
	return rc;
}

static int open_cms(struct store *st, const struct config *cfg, const char *input, size_t len, const char *sig,
		    size_t sig_len, struct signed_input *si, char **err)
{
	X509 *signers[X509_MAX_SIGNERS];
	size_t n = 0;
	struct strbuf content;
	char *verr = NULL;
	int v, rc = 0;

	strbuf_init(&content);
	v = sig ? x509_cms_verify(sig, sig_len, input, len, NULL, signers, &n, &verr)
		: x509_cms_verify(input, len, NULL, 0, &content, signers, &n, &verr);
	if (v != 0) {
		refuse(si, v > 0 ? "The S/MIME (CMS) signature does not verify" : "The S/MIME (CMS) signature cannot be read",
		       verr);
		goto out;
	}
	si->is_signed = true;
	for (size_t i = 0; i < n && rc >= 0; i++)
		rc = signed_input_identify_x509(st, cfg, signers[i], time(NULL), si, err);
	rc = rc < 0 ? -1 : 0;
	if (sig)
		strbuf_append_lf(&si->text, input, len);
	else
		strbuf_append_lf(&si->text, content.data, content.len);
out:
	for (size_t i = 0; i < n; i++)
		X509_free(signers[i]);
	free(verr);
	strbuf_release(&content);
	return rc;
}

int signed_input_open(struct store *st, const struct config *cfg, const char *input, size_t len, const char *sig,
		      size_t sig_len, struct signed_input *si, char **err)
{
	if (sig != NULL) {
		if (starts_with(sig, sig_len, "-----BEGIN PGP SIGNATURE-----"))
			return open_pgp(st, cfg, input, len, sig, sig_len, si, err);
		return open_cms(st, cfg, input, len, sig, sig_len, si, err);
	}
	if (starts_with(input, len, "-----BEGIN PGP SIGNED MESSAGE-----"))
		return open_pgp(st, cfg, input, len, NULL, 0, si, err);
	if (starts_with(input, len, "-----BEGIN CMS-----") || starts_with(input, len, "-----BEGIN PKCS7-----") ||
	    (len > 0 && (unsigned char)input[0] == 0x30))
		return open_cms(st, cfg, input, len, NULL, 0, si, err);
	strbuf_append(&si->text, input, len);
	return 0;
}
