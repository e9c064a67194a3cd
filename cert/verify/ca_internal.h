/*
 * Inside the certificate authority, shared by its two halves (cert/verify and
 * cert/key): the loaded CA, its file names, reading certificates, serial numbers.
 * Not for use outside cert/.
 */
#ifndef CERT_CA_INTERNAL_H
#define CERT_CA_INTERNAL_H

#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca_verify.h"

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

/* Reads one PEM certificate. NULL with *err. */
X509 *ca_cert_read(const char *path, char **err);

/* Upper-case hex of a certificate's serial. */
void ca_serial_hex(const ASN1_INTEGER *serial, char *out, size_t size);


#endif
