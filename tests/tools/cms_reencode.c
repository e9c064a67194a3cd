/*
 * Test helper: re-encodes a CMS SignedData (DER on stdin, DER or BER on stdout) the
 * way an attacker can without the signer's key, for the replay tests:
 *   ber      the outer SEQUENCE with indefinite length (valid BER, other bytes)
 *   ecdsa-s  every ECDSA signature (r, s) replaced by (r, n - s), which verifies too
 *   sid-case the signer identifier's issuer name with its CN in lower case (the
 *            identifier is not signed; OpenSSL compares names case-insensitively)
 * Exit status 0, or 1 with a message on stderr.
 */
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *read_all(size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);

	while (buf != NULL) {
		size_t got = fread(buf + n, 1, cap - n, stdin);

		n += got;
		if (got == 0)
			break;
		if (n == cap && (buf = realloc(buf, cap *= 2)) == NULL)
			break;
	}
	*len = n;
	return buf;
}

/* (r, s) -> (r, n - s) in the first signer's signature. */
static int flip_ecdsa(CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	CMS_SignerInfo *si = infos ? sk_CMS_SignerInfo_value(infos, 0) : NULL;
	X509 *signer = NULL;
	ASN1_OCTET_STRING *sig;
	const unsigned char *p;
	ECDSA_SIG *ecdsa;
	const BIGNUM *r, *s;
	BIGNUM *order = BN_new(), *ns = BN_new();
	unsigned char *der = NULL;
	int len, rc = -1;

	for (int i = 0; si != NULL && certs != NULL && i < sk_X509_num(certs); i++) {
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0)
			signer = sk_X509_value(certs, i);
	}
	if (signer == NULL || (sig = CMS_SignerInfo_get0_signature(si)) == NULL)
		goto out;
	if (!EVP_PKEY_get_bn_param(X509_get0_pubkey(signer), "order", &order)) {
		/* OpenSSL 3.0 has no "order" parameter for EC keys: ask the group */
		EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);

		if (group == NULL || EC_GROUP_get_order(group, order, NULL) != 1)
			goto out;
		EC_GROUP_free(group);
	}
	p = ASN1_STRING_get0_data(sig);
	ecdsa = d2i_ECDSA_SIG(NULL, &p, ASN1_STRING_length(sig));
	if (ecdsa == NULL)
		goto out;
	ECDSA_SIG_get0(ecdsa, &r, &s);
	BN_sub(ns, order, s);
	ECDSA_SIG_set0(ecdsa, BN_dup(r), ns);
	ns = NULL;
	len = i2d_ECDSA_SIG(ecdsa, &der);
	ECDSA_SIG_free(ecdsa);
	if (len > 0 && ASN1_STRING_set(sig, der, len) == 1)
		rc = 0;
out:
	OPENSSL_free(der);
	BN_free(order);
	BN_free(ns);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

/* Lower-cases the CN of the first signer's issuerAndSerialNumber. */
static int sid_case(CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
	CMS_SignerInfo *si = infos ? sk_CMS_SignerInfo_value(infos, 0) : NULL;
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;
	X509_NAME_ENTRY *entry;
	ASN1_STRING *data;
	unsigned char lower[256];
	int loc, len, type;

	if (si == NULL || CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1 || issuer == NULL)
		return -1;
	loc = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
	if (loc < 0 || (entry = X509_NAME_get_entry(issuer, loc)) == NULL)
		return -1;
	data = X509_NAME_ENTRY_get_data(entry);
	len = ASN1_STRING_length(data);
	type = ASN1_STRING_type(data);
	if (len <= 0 || len > (int)sizeof(lower))
		return -1;
	for (int i = 0; i < len; i++) {
		unsigned char c = ASN1_STRING_get0_data(data)[i];

		lower[i] = c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
	}
	/* delete and add again, so the name is encoded anew */
	X509_NAME_ENTRY_free(X509_NAME_delete_entry(issuer, loc));
	return X509_NAME_add_entry_by_NID(issuer, NID_commonName, type, lower, len, loc, 0) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	size_t len;
	unsigned char *in = read_all(&len), *out = NULL;
	const unsigned char *p = in;
	CMS_ContentInfo *cms;
	int n;

	if (argc != 2 || in == NULL || (cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL) {
		fprintf(stderr, "usage: cms_reencode ber|ecdsa-s|sid-case < DER > OUT (input must be CMS DER)\n");
		return 1;
	}
	if (strcmp(argv[1], "ecdsa-s") == 0 && flip_ecdsa(cms) < 0) {
		fprintf(stderr, "cms_reencode: no ECDSA signature to re-encode\n");
		return 1;
	}
	if (strcmp(argv[1], "sid-case") == 0 && sid_case(cms) < 0) {
		fprintf(stderr, "cms_reencode: no issuer name in the signer identifier\n");
		return 1;
	}
	n = i2d_CMS_ContentInfo(cms, &out);
	if (n < 4 || out[0] != 0x30) {
		fprintf(stderr, "cms_reencode: cannot encode\n");
		return 1;
	}
	if (strcmp(argv[1], "ber") == 0) {
		/* skip the definite length (short or long form) and write 30 80 ... 00 00 */
		int header = (out[1] & 0x80) ? 2 + (out[1] & 0x7f) : 2;

		fwrite("\x30\x80", 1, 2, stdout);
		fwrite(out + header, 1, (size_t)(n - header), stdout);
		fwrite("\0\0", 1, 2, stdout);
	} else {
		fwrite(out, 1, (size_t)n, stdout);
	}
	OPENSSL_free(out);
	CMS_ContentInfo_free(cms);
	free(in);
	return 0;
}
