/*
 * Fuzz target for the X.509/CMS input of signed submissions (irrd/x509.c): the first
 * byte picks the path, the rest is the input.
 *   0: opaque CMS SignedData (PEM or DER), content extracted
 *   1: detached CMS signature; the input is split at its first NUL into content and signature
 *   2: a PEM certificate of a key-cert (parse, describe, validity)
 * PGP input is parsed by GnuPG in its own process (pgp.c), outside this target.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	X509 *signers[X509_MAX_SIGNERS], *cert;
	size_t n = 0;
	char *err = NULL;
	struct strbuf content;
	struct x509_info info;
	const char *in = (const char *)data + 1;
	size_t len = size ? size - 1 : 0;

	if (size == 0)
		return 0;
	strbuf_init(&content);
	switch (data[0] % 3) {
	case 0:
		x509_cms_verify(in, len, NULL, 0, &content, signers, &n, &err);
		break;
	case 1: {
		const char *nul = memchr(in, '\0', len);
		size_t clen = nul ? (size_t)(nul - in) : len / 2;
		size_t skip = nul ? 1 : 0;

		x509_cms_verify(in + clen + skip, len - clen - skip, in, clen, NULL, signers, &n, &err);
		break;
	}
	default:
		cert = x509_parse_pem(in, len, &err);
		if (cert != NULL) {
			x509_describe(cert, &info);
			(void)x509_validity_problem(cert, time(NULL));
			X509_free(cert);
		}
		break;
	}
	for (size_t i = 0; i < n; i++)
		X509_free(signers[i]);
	free(err);
	strbuf_release(&content);
	return 0;
}
