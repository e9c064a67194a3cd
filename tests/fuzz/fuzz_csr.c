/* Fuzz target for the CSR checklist of the certificate authority (cert/ca_issue.c). */
#include <stdint.h>
#include <stdlib.h>

#include "ca_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	EVP_PKEY *key = ca_csr_public_key((const char *)data, size, &err);

	EVP_PKEY_free(key);
	free(err);
	return 0;
}
