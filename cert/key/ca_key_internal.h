/*
 * Inside the key half of the CA (cert/key): generating, writing and reading keys,
 * writing certificates, serial numbers and extensions of new certificates.
 */
#ifndef CERT_CA_KEY_INTERNAL_H
#define CERT_CA_KEY_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca_internal.h"
#include "ca_key.h"

/* A new key of the configured type (ec: P-256, rsa: 3072 bits). NULL with *err. */
EVP_PKEY *ca_key_generate(const char *type, char **err);
/* Writes a private key, 0600 whatever the umask, exclusive create; encrypted with the passphrase file when configured. */
int ca_key_write(const struct config *cfg, const char *path, EVP_PKEY *key, char **err);
EVP_PKEY *ca_key_read(const struct config *cfg, const char *path, char **err);
/* Writes a certificate (PEM), 0644 whatever the umask, exclusive create. */
int ca_cert_write(const char *path, X509 *cert, char **err);

/* A fresh random positive 127-bit serial. */
int ca_random_serial(X509 *cert);

/* Adds an extension given in OpenSSL's configuration syntax ("critical,CA:TRUE"). */
int ca_add_ext(X509 *cert, X509 *issuer, int nid, const char *value);

#endif
