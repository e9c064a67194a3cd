/*
 * OpenPGP through GPGME in a private temporary GNUPGHOME. GnuPG runs as a child
 * process; a keyring lives only as long as one submission or one key-cert check, so
 * a key deleted from the registry stops authenticating at once.
 */
#include "pgp.h"

#include <ftw.h>
#include <gpgme.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

struct pgp_keyring {
	char home[256];
	gpgme_ctx_t ctx;
};

static pthread_once_t gpgme_once = PTHREAD_ONCE_INIT;

static void gpgme_init(void)
{
	gpgme_check_version(NULL);
}

int pgp_keyring_new(struct pgp_keyring **out, char **err)
{
	struct pgp_keyring *kr = xcalloc(1, sizeof(*kr));
	const char *tmp = getenv("TMPDIR");
	gpgme_error_t e;

	pthread_once(&gpgme_once, gpgme_init);
	snprintf(kr->home, sizeof(kr->home), "%s/routereg-gpg-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(kr->home) == NULL) {
		*err = xstrdup("cannot create a temporary directory for the PGP keyring");
		free(kr);
		return -1;
	}
	e = gpgme_new(&kr->ctx);
	if (e == 0)
		e = gpgme_set_protocol(kr->ctx, GPGME_PROTOCOL_OpenPGP);
	if (e == 0)
		e = gpgme_ctx_set_engine_info(kr->ctx, GPGME_PROTOCOL_OpenPGP, NULL, kr->home);
	if (e != 0) {
		*err = xasprintf("%s: %s", "cannot start GnuPG", gpgme_strerror(e));
		pgp_keyring_free(kr);
		return -1;
	}
	gpgme_set_offline(kr->ctx, 1);
	*out = kr;
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

void pgp_keyring_free(struct pgp_keyring *kr)
{
	if (kr == NULL)
		return;
	if (kr->ctx != NULL)
		gpgme_release(kr->ctx);
	nftw(kr->home, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(kr);
}

static void copy_upper(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src != NULL && src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
	dst[i] = '\0';
}

int pgp_keyring_import(struct pgp_keyring *kr, const char *armour, size_t len, struct pgp_key_info *info,
		       char **err)
{
	gpgme_data_t data = NULL;
	gpgme_import_result_t res;
	gpgme_key_t key = NULL;
	gpgme_error_t e;
	int rc = -1;

	memset(info, 0, sizeof(*info));
	if (memmem(armour, len, "PRIVATE KEY BLOCK", 17) != NULL) {
		*err = xstrdup("the certif: holds a private key; submit only the public key");
		return -1;
	}
	if (memmem(armour, len, "-----BEGIN PGP PUBLIC KEY BLOCK-----", 36) == NULL) {
		*err = xstrdup("the certif: does not hold an ASCII-armoured PGP public key block");
		return -1;
	}
	e = gpgme_data_new_from_mem(&data, armour, len, 0);
	if (e == 0)
		e = gpgme_op_import(kr->ctx, data);
	if (e != 0) {
		*err = xasprintf("%s: %s", "the PGP key could not be imported", gpgme_strerror(e));
		goto out;
	}
	res = gpgme_op_import_result(kr->ctx);
	if (res == NULL || res->considered == 0 || res->imports == NULL || res->imports->fpr == NULL) {
		*err = xstrdup("the certif: holds no usable PGP public key");
		goto out;
	}
	if (res->considered > 1) {
		*err = xstrdup("the certif: holds more than one PGP public key; submit exactly one");
		goto out;
	}
	e = gpgme_get_key(kr->ctx, res->imports->fpr, &key, 0);
	if (e != 0) {
		*err = xasprintf("%s: %s", "the imported PGP key cannot be read back", gpgme_strerror(e));
		goto out;
	}
	copy_upper(info->fingerprint, sizeof(info->fingerprint), key->subkeys ? key->subkeys->fpr : key->fpr);
	for (gpgme_user_id_t uid = key->uids; uid != NULL && info->owner_count < PGP_MAX_OWNERS; uid = uid->next)
		snprintf(info->owners[info->owner_count++], sizeof(info->owners[0]), "%s", uid->uid);
	info->is_expired = key->expired;
	info->is_revoked = key->revoked;
	rc = 0;
out:
	gpgme_key_unref(key);
	gpgme_data_release(data);
	return rc;
}

static enum pgp_signature_status classify(gpgme_signature_t s)
{
	switch (gpgme_err_code(s->status)) {
	case GPG_ERR_NO_ERROR:
		break;
	case GPG_ERR_BAD_SIGNATURE:
		return PGP_SIG_BAD;
	case GPG_ERR_NO_PUBKEY:
		return PGP_SIG_NO_KEY;
	case GPG_ERR_KEY_EXPIRED:
		return PGP_SIG_KEY_EXPIRED;
	case GPG_ERR_CERT_REVOKED:
		return PGP_SIG_KEY_REVOKED;
	default:
		return PGP_SIG_ERROR;
	}
	/* A good signature can still come from a key that is revoked or expired now. */
	if (s->summary & GPGME_SIGSUM_KEY_REVOKED)
		return PGP_SIG_KEY_REVOKED;
	if (s->summary & GPGME_SIGSUM_KEY_EXPIRED)
		return PGP_SIG_KEY_EXPIRED;
	return PGP_SIG_GOOD;
}

int pgp_keyring_verify(struct pgp_keyring *kr, const char *sig, size_t sig_len, const char *content,
		       size_t content_len, struct strbuf *plaintext, struct pgp_signature *sigs, size_t *count,
		       char **err)
{
	gpgme_data_t sig_data = NULL, content_data = NULL, plain_data = NULL;
	gpgme_verify_result_t res;
	gpgme_error_t e;
	int rc = -1;

	*count = 0;
	e = gpgme_data_new_from_mem(&sig_data, sig, sig_len, 0);
	if (e == 0 && content != NULL)
		e = gpgme_data_new_from_mem(&content_data, content, content_len, 0);
	else if (e == 0)
		e = gpgme_data_new(&plain_data);
	if (e == 0)
		e = gpgme_op_verify(kr->ctx, sig_data, content_data, plain_data);
	if (e != 0) {
		*err = xasprintf("%s: %s", "the PGP signature could not be read", gpgme_strerror(e));
		goto out;
	}
	res = gpgme_op_verify_result(kr->ctx);
	if (res == NULL || res->signatures == NULL) {
		*err = xstrdup("no PGP signature found");
		goto out;
	}
	for (gpgme_signature_t s = res->signatures; s != NULL && *count < PGP_MAX_SIGNATURES; s = s->next) {
		struct pgp_signature *out = &sigs[(*count)++];

		memset(out, 0, sizeof(*out));
		out->status = classify(s);
		copy_upper(out->fingerprint, sizeof(out->fingerprint), s->fpr);
		out->created = (time_t)s->timestamp;
		snprintf(out->detail, sizeof(out->detail), "%s", gpgme_strerror(s->status));
	}
	if (plain_data != NULL && plaintext != NULL) {
		size_t n = 0;
		char *mem = gpgme_data_release_and_get_mem(plain_data, &n);

		plain_data = NULL;
		strbuf_append(plaintext, mem ? mem : "", mem ? n : 0);
		gpgme_free(mem);
	}
	rc = 0;
out:
	gpgme_data_release(sig_data);
	gpgme_data_release(content_data);
	gpgme_data_release(plain_data);
	return rc;
}

void pgp_format_fingerprint(const char *hex40, char out[64])
{
	size_t o = 0;

	for (size_t i = 0; i < 40 && hex40[i] != '\0'; i++) {
		if (i > 0 && i % 4 == 0) {
			out[o++] = ' ';
			if (i == 20)
				out[o++] = ' ';
		}
		out[o++] = hex40[i];
	}
	out[o] = '\0';
}
