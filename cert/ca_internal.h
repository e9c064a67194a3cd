/*
 * Shared between the files of cert/: the loaded CA and helpers for keys, names,
 * serial numbers and OpenSSL errors. Not for use outside cert/.
 */
#ifndef CERT_CA_INTERNAL_H
#define CERT_CA_INTERNAL_H

#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca.h"

enum { CA_ROOT, CA_IRR, CA_RESOURCE, CA_COUNT };

struct ca {
	const struct config *cfg;
	X509 *certs[CA_COUNT];
	EVP_PKEY *keys[CA_COUNT]; /* NULL unless opened with keys */
};

/* File names under ca_dir, by index: "root", "irr-ca", "resource-ca" (+ ".pem", ".key", ".crl"). */
extern const char *const ca_file_stems[CA_COUNT];

/* <ca_dir>/<stem><suffix> */
void ca_path(const struct config *cfg, int which, const char *suffix, char *out, size_t size);

/* A new key of the configured type (ec: P-256, rsa: 3072 bits). NULL with *err. */
EVP_PKEY *ca_key_generate(const char *type, char **err);
/* Writes a private key, 0600 whatever the umask, exclusive create; encrypted with the passphrase file when configured. */
int ca_key_write(const struct config *cfg, const char *path, EVP_PKEY *key, char **err);
EVP_PKEY *ca_key_read(const struct config *cfg, const char *path, char **err);
/* Writes a certificate (PEM), 0644 whatever the umask, exclusive create. */
int ca_cert_write(const char *path, X509 *cert, char **err);

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
X509 *ca_cert_read(const char *path, char **err);

/* A fresh random positive 127-bit serial. */
int ca_random_serial(X509 *cert);
/* Upper-case hex of a certificate's serial. */
void ca_serial_hex(const ASN1_INTEGER *serial, char *out, size_t size);


/* Adds an extension given in OpenSSL's configuration syntax ("critical,CA:TRUE"). */
int ca_add_ext(X509 *cert, X509 *issuer, int nid, const char *value);

#endif
