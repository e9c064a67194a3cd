/*
 * The CA's keys and setup: files written with exact modes, private keys (generated,
 * written encrypted, read back), and `ca init`, which creates (or imports) the root,
 * the IRR CA and the resource CA.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ca_key_internal.h"
#include "x509.h"
#include "xalloc.h"

EVP_PKEY *ca_key_generate(const char *type, char **err)
{
	EVP_PKEY *key = strcmp(type, "rsa") == 0 ? EVP_RSA_gen(3072) : EVP_EC_gen("P-256");

	if (key == NULL)
		*err = x509_openssl_error("cannot generate a key");
	return key;
}

/* The passphrase file's first line; NULL (and *err) when it cannot be read or is empty. */
static char *read_passphrase(const struct config *cfg, char **err)
{
	FILE *f = fopen(cfg->ca_passphrase_file, "r");
	char line[1024];
	size_t n;

	if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
		*err = xasprintf("cannot read the CA passphrase file %s", cfg->ca_passphrase_file);
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n < 8) {
		*err = xasprintf("the CA passphrase in %s is shorter than 8 characters", cfg->ca_passphrase_file);
		return NULL;
	}
	return xstrdup(line);
}

/*
 * Opens a new file for writing with exactly `mode`: exclusive create refuses an
 * existing file or a symlink planted there, and fchmod undoes whatever the umask
 * took away or (umask 000) would have added. Returns the descriptor or -1 with *err.
 */
static int create_exclusive(const char *path, mode_t mode, char **err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0) {
		*err = xasprintf("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) < 0) {
		*err = xasprintf("cannot set the mode of %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/* Writes all of data and fsyncs; closes fd either way. 0, or -1 with errno set. */
static int write_all_and_close(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;
	int saved;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	return close(fd);
fail:
	saved = errno ? errno : EIO;
	close(fd);
	errno = saved;
	return -1;
}

int ca_file_create(const char *path, const void *data, size_t len, mode_t mode, char **err)
{
	int fd = create_exclusive(path, mode, err);

	if (fd < 0)
		return -1;
	if (write_all_and_close(fd, data, len) < 0) {
		*err = xasprintf("cannot write %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int ca_file_replace(const char *path, const void *data, size_t len, mode_t mode, char **err)
{
	char tmp[1100];
	int fd;

	/* a unique name beside the target: two writers never share a temporary file */
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot create a temporary file beside %s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		goto fail;
	}
	if (write_all_and_close(fd, data, len) < 0 || rename(tmp, path) < 0)
		goto fail;
	return 0;
fail:
	*err = xasprintf("cannot write %s: %s", path, strerror(errno));
	unlink(tmp);
	return -1;
}

int ca_key_write(const struct config *cfg, const char *path, EVP_PKEY *key, char **err)
{
	char *pass = NULL;
	int fd, ok;
	FILE *f;

	if (cfg->ca_passphrase_file != NULL && (pass = read_passphrase(cfg, err)) == NULL)
		return -1;
	fd = create_exclusive(path, 0600, err);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0) {
			*err = xasprintf("cannot create %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
		}
		free(pass);
		return -1;
	}
	ok = PEM_write_PrivateKey(f, key, pass ? EVP_aes_256_cbc() : NULL, (unsigned char *)pass,
				  pass ? (int)strlen(pass) : 0, NULL, NULL);
	ok = fflush(f) == 0 && fsync(fd) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (pass != NULL) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
	if (!ok) {
		*err = x509_openssl_error("cannot write the CA key");
		unlink(path);
		return -1;
	}
	return 0;
}

EVP_PKEY *ca_key_read(const struct config *cfg, const char *path, char **err)
{
	char *pass = NULL;
	EVP_PKEY *key;
	FILE *f;

	if (cfg->ca_passphrase_file != NULL && (pass = read_passphrase(cfg, err)) == NULL)
		return NULL;
	f = fopen(path, "r");
	if (f == NULL) {
		*err = xasprintf("cannot open the CA key %s: %s", path, strerror(errno));
		free(pass);
		return NULL;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, pass ? pass : (char *)"");
	fclose(f);
	if (pass != NULL) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
	if (key == NULL)
		*err = x509_openssl_error(cfg->ca_passphrase_file ? "cannot read the CA key (wrong passphrase?)"
							    : "cannot read the CA key (encrypted? set ca.passphrase_file)");
	return key;
}

int ca_cert_write(const char *path, X509 *cert, char **err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int rc;

	if (bio == NULL || !PEM_write_bio_X509(bio, cert) || (len = BIO_get_mem_data(bio, &data)) <= 0) {
		*err = x509_openssl_error("cannot encode a CA certificate");
		BIO_free(bio);
		return -1;
	}
	rc = ca_file_create(path, data, (size_t)len, 0644, err);
	BIO_free(bio);
	return rc;
}

int ca_random_serial(X509 *cert)
{
	unsigned char bytes[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return -1;
	bytes[0] &= 0x7f; /* positive */
	bytes[0] |= 0x40; /* and 16 bytes long, so the serial never needs a leading zero octet */
	bn = BN_bin2bn(bytes, sizeof(bytes), NULL);
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

int ca_add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* A CA certificate: root when issuer is NULL (self-signed), else an intermediate. */
static X509 *make_ca_cert(const struct config *cfg, const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
			  long days, char **err)
{
	X509 *cert = X509_new();
	X509_NAME *name = X509_NAME_new();
	bool ok = cert != NULL && name != NULL;

	ok = ok && X509_set_version(cert, 2) && ca_random_serial(cert) == 0;
	ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)cfg->ca_organization, -1, -1, 0);
	ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	ok = ok && X509_set_subject_name(cert, name);
	ok = ok && X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
	ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert), 0) && X509_gmtime_adj(X509_getm_notAfter(cert), days * 86400L);
	ok = ok && X509_set_pubkey(cert, key);
	ok = ok && ca_add_ext(cert, issuer ? issuer : cert, NID_basic_constraints,
			      issuer ? "critical,CA:TRUE,pathlen:0" : "critical,CA:TRUE") == 0;
	ok = ok && ca_add_ext(cert, issuer ? issuer : cert, NID_key_usage, "critical,keyCertSign,cRLSign") == 0;
	ok = ok && ca_add_ext(cert, issuer ? issuer : cert, NID_subject_key_identifier, "hash") == 0;
	ok = ok && (issuer == NULL || ca_add_ext(cert, issuer, NID_authority_key_identifier, "keyid:always") == 0);
	ok = ok && X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()) > 0;
	X509_NAME_free(name);
	if (!ok) {
		*err = x509_openssl_error("cannot make a CA certificate");
		X509_free(cert);
		return NULL;
	}
	return cert;
}

static bool exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Imported pair: the certificate must be a CA and match its key. */
static int import_pair(const struct config *cfg, const char *cert_path, const char *key_path, X509 **cert,
		       EVP_PKEY **key, char **err)
{
	struct config plain = *cfg;

	plain.ca_passphrase_file = NULL; /* imported keys come unencrypted; they are re-written encrypted */
	*cert = ca_cert_read(cert_path, err);
	if (*cert == NULL)
		return -1;
	*key = ca_key_read(&plain, key_path, err);
	if (*key == NULL)
		return -1;
	if (X509_check_private_key(*cert, *key) != 1) {
		*err = xasprintf("%s does not hold the key of %s", key_path, cert_path);
		ERR_clear_error();
		return -1;
	}
	if (X509_check_ca(*cert) == 0) {
		*err = xasprintf("%s is not a CA certificate", cert_path);
		return -1;
	}
	return 0;
}

int ca_init(const struct config *cfg, struct store *st, const struct ca_init_options *opts, char **err)
{
	static const char *const cns[CA_COUNT] = { "Root CA", "IRR CA", "Resource CA" };
	struct ca ca = { .cfg = cfg };
	char path[1024];
	int rc = -1;
	bool import = opts != NULL && opts->root_cert != NULL;

	if (mkdir(cfg->ca_dir, 0700) < 0 && errno != EEXIST) {
		*err = xasprintf("cannot create %s: %s", cfg->ca_dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < CA_COUNT; i++) {
		ca_path(cfg, i, ".key", path, sizeof(path));
		if (exists(path)) {
			*err = xasprintf("%s exists: the CA is already initialised (keys are never overwritten)", path);
			return -1;
		}
	}
	if (import) {
		const char *files[CA_COUNT][2] = { { opts->root_cert, opts->root_key },
						   { opts->irr_cert, opts->irr_key },
						   { opts->resource_cert, opts->resource_key } };

		for (int i = 0; i < CA_COUNT; i++) {
			if (files[i][0] == NULL || files[i][1] == NULL) {
				*err = xasprintf("import needs the certificate and key of the root, IRR and resource CA");
				goto out;
			}
			if (import_pair(cfg, files[i][0], files[i][1], &ca.certs[i], &ca.keys[i], err) < 0)
				goto out;
		}
		for (int i = CA_IRR; i < CA_COUNT; i++) {
			if (X509_check_issued(ca.certs[CA_ROOT], ca.certs[i]) != X509_V_OK) {
				*err = xasprintf("%s was not issued by the imported root", i == CA_IRR ? opts->irr_cert
												  : opts->resource_cert);
				goto out;
			}
		}
	} else {
		for (int i = 0; i < CA_COUNT; i++) {
			char cn[128];

			snprintf(cn, sizeof(cn), "%s %s", cfg->ca_organization, cns[i]);
			ca.keys[i] = ca_key_generate(cfg->ca_key_type, err);
			if (ca.keys[i] == NULL)
				goto out;
			ca.certs[i] = make_ca_cert(cfg, cn, ca.keys[i], i ? ca.certs[CA_ROOT] : NULL,
						   i ? ca.keys[CA_ROOT] : NULL, i ? 3650 : 7300, err);
			if (ca.certs[i] == NULL)
				goto out;
		}
	}
	for (int i = 0; i < CA_COUNT; i++) {
		ca_path(cfg, i, ".key", path, sizeof(path));
		if (ca_key_write(cfg, path, ca.keys[i], err) < 0)
			goto out;
		ca_path(cfg, i, ".pem", path, sizeof(path));
		if (ca_cert_write(path, ca.certs[i], err) < 0)
			goto out;
	}
	rc = ca_write_crls(&ca, st, err);
out:
	for (int i = 0; i < CA_COUNT; i++) {
		X509_free(ca.certs[i]);
		EVP_PKEY_free(ca.keys[i]);
	}
	return rc;
}

int ca_open_with_keys(const struct config *cfg, struct ca **out, char **err)
{
	struct ca *ca = NULL;
	char path[1024];

	if (ca_open_certificates(cfg, &ca, err) < 0)
		return -1;
	for (int i = CA_IRR; i < CA_COUNT; i++) {
		ca_path(cfg, i, ".key", path, sizeof(path));
		ca->keys[i] = ca_key_read(cfg, path, err);
		if (ca->keys[i] == NULL) {
			ca_free(ca);
			return -1;
		}
	}
	*out = ca;
	return 0;
}
