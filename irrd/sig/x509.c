/*
 * X.509 certificates of key-cert objects and CMS signatures made with them, through
 * OpenSSL 3. The checks are explicit: a signature verifies with the certificate it
 * names; validity and revocation are separate questions the caller asks.
 */
#include "x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h: it declares PEM_read_bio_CMS only when pem.h came first */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

char *x509_openssl_error(const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;
	char *msg = xasprintf("%s%s%s", what, reason ? ": " : "", reason ? reason : "");

	ERR_clear_error();
	return msg;
}

X509 *x509_parse_pem(const char *pem, size_t len, char **err)
{
	BIO *bio;
	X509 *cert;

	if (memmem(pem, len, "PRIVATE KEY", 11) != NULL) {
		*err = xstrdup("the certif: holds a private key; submit only the certificate");
		return NULL;
	}
	if (memmem(pem, len, "-----BEGIN CERTIFICATE-----", 27) == NULL) {
		*err = xstrdup("the certif: does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)");
		return NULL;
	}
	bio = BIO_new_mem_buf(pem, (int)len);
	cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (cert == NULL)
		*err = x509_openssl_error("the certificate in certif: cannot be parsed");
	return cert;
}

static time_t asn1_to_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static void name_text(X509_NAME *name, char *out, size_t size)
{
	char *s = X509_NAME_oneline(name, NULL, 0);

	snprintf(out, size, "%s", s ? s : "");
	OPENSSL_free(s);
}

void x509_describe(X509 *cert, struct x509_info *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	size_t o = 0;

	memset(out, 0, sizeof(*out));
	name_text(X509_get_subject_name(cert), out->owner, sizeof(out->owner));
	name_text(X509_get_issuer_name(cert), out->issuer, sizeof(out->issuer));
	if (X509_digest(cert, EVP_sha1(), md, &md_len) == 1) {
		for (unsigned i = 0; i < md_len && o + 4 < sizeof(out->fingerprint); i++)
			o += (size_t)snprintf(out->fingerprint + o, sizeof(out->fingerprint) - o, "%s%02X", i ? ":" : "",
					      md[i]);
	}
	snprintf(out->serial, sizeof(out->serial), "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
	out->not_before = asn1_to_time(X509_get0_notBefore(cert));
	out->not_after = asn1_to_time(X509_get0_notAfter(cert));
}

const char *x509_validity_problem(X509 *cert, time_t now)
{
	if (X509_cmp_time(X509_get0_notBefore(cert), &now) > 0)
		return "not yet valid";
	if (X509_cmp_time(X509_get0_notAfter(cert), &now) < 0)
		return "expired";
	return NULL;
}

static X509_CRL *read_crl(const char *path)
{
	BIO *bio = BIO_new_file(path, "rb");
	X509_CRL *crl = NULL;

	if (bio == NULL)
		return NULL;
	crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
	if (crl == NULL) {
		ERR_clear_error();
		(void)BIO_reset(bio);
		crl = d2i_X509_CRL_bio(bio, NULL);
	}
	BIO_free(bio);
	return crl;
}

int x509_revocation(X509 *cert, char *const *crl_files, size_t crl_count, time_t *when, char **err)
{
	for (size_t i = 0; i < crl_count; i++) {
		X509_CRL *crl = read_crl(crl_files[i]);
		X509_REVOKED *entry = NULL;
		int found;

		if (crl == NULL) {
			ERR_clear_error();
			*err = xasprintf("CRL file %s cannot be read", crl_files[i]);
			return -1;
		}
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(cert)) != 0) {
			X509_CRL_free(crl);
			continue;
		}
		found = X509_CRL_get0_by_serial(crl, &entry, X509_get0_serialNumber(cert));
		if (found == 1 && entry != NULL)
			*when = asn1_to_time(X509_REVOKED_get0_revocationDate(entry));
		X509_CRL_free(crl);
		if (found == 1)
			return 1;
	}
	return 0;
}

static CMS_ContentInfo *read_cms(const char *sig, size_t len)
{
	BIO *bio = BIO_new_mem_buf(sig, (int)len);
	CMS_ContentInfo *cms = NULL;

	if (bio == NULL)
		return NULL;
	if (memmem(sig, len < 64 ? len : 64, "-----BEGIN", 10) != NULL)
		cms = PEM_read_bio_CMS(bio, NULL, NULL, NULL);
	else
		cms = d2i_CMS_bio(bio, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return cms;
}

int x509_cms_verify(const char *sig, size_t sig_len, const char *content, size_t content_len,
		    struct strbuf *content_out, X509 **signers, size_t *signer_count, char **err)
{
	CMS_ContentInfo *cms = read_cms(sig, sig_len);
	X509_STORE *store = NULL;
	BIO *in = NULL, *out = NULL;
	STACK_OF(X509) *certs = NULL;
	int rc = -1;

	*signer_count = 0;
	if (cms == NULL || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		*err = xstrdup("not a CMS SignedData structure");
		goto out;
	}
	rc = 1;
	if (content == NULL && (CMS_is_detached(cms) || CMS_get0_content(cms) == NULL || *CMS_get0_content(cms) == NULL)) {
		*err = xstrdup("the CMS signature is detached but no signed content was given");
		goto out;
	}
	/* A detached check of a signature that carries its own content would be ambiguous
	 * (and OpenSSL 3.0 leaks on that path). */
	if (content != NULL && !CMS_is_detached(cms)) {
		*err = xstrdup("the CMS signature carries its own content; a detached signature was expected");
		goto out;
	}
	store = X509_STORE_new();
	/* The detached content goes in behind a buffer filter: OpenSSL 3.0's CMS_verify copies
	 * a bare memory BIO into one of its own and leaks that copy when the signature's
	 * digest algorithm cannot be set up (found by fuzz_cms). */
	if (content != NULL) {
		BIO *mem = BIO_new_mem_buf(content, (int)content_len), *buf = BIO_new(BIO_f_buffer());

		if (mem == NULL || buf == NULL) {
			BIO_free(mem);
			BIO_free(buf);
		} else {
			in = BIO_push(buf, mem);
		}
	}
	out = BIO_new(BIO_s_mem());
	/* Pinned certificates: the signature must verify with the embedded signer certificate;
	 * whether that certificate is trusted is the caller's question (key-cert match). */
	if (store == NULL || out == NULL || (content != NULL && in == NULL) ||
	    CMS_verify(cms, NULL, store, in, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		*err = x509_openssl_error("the CMS signature does not verify");
		goto out;
	}
	certs = CMS_get0_signers(cms);
	for (int i = 0; certs != NULL && i < sk_X509_num(certs) && *signer_count < X509_MAX_SIGNERS; i++) {
		X509 *c = sk_X509_value(certs, i);

		X509_up_ref(c);
		signers[(*signer_count)++] = c;
	}
	if (content == NULL && content_out != NULL) {
		char *data;
		long n = BIO_get_mem_data(out, &data);

		strbuf_append(content_out, data, n > 0 ? (size_t)n : 0);
	}
	rc = 0;
out:
	sk_X509_free(certs);
	BIO_free_all(in);
	BIO_free(out);
	X509_STORE_free(store);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

/* signingTime (RFC 5652 11.3) as UTCTime or GeneralizedTime; false when absent or malformed. */
static bool signer_signing_time(CMS_SignerInfo *si, time_t *out)
{
	int pos = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *attr = pos >= 0 ? CMS_signed_get_attr(si, pos) : NULL;
	ASN1_TYPE *value = attr && X509_ATTRIBUTE_count(attr) == 1 ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;

	if (value == NULL || (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME))
		return false;
	*out = asn1_to_time((const ASN1_TIME *)value->value.asn1_string);
	return *out != 0;
}

/* messageDigest (RFC 5652 11.2): one OCTET STRING; left empty when absent or odd. */
static void signer_message_digest(CMS_SignerInfo *si, struct x509_cms_details *out)
{
	int pos = CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1);
	X509_ATTRIBUTE *attr = pos >= 0 ? CMS_signed_get_attr(si, pos) : NULL;
	ASN1_TYPE *value = attr && X509_ATTRIBUTE_count(attr) == 1 ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
	int n;

	if (value == NULL || value->type != V_ASN1_OCTET_STRING)
		return;
	n = ASN1_STRING_length(value->value.octet_string);
	if (n <= 0 || (size_t)n > sizeof(out->message_digest))
		return;
	memcpy(out->message_digest, ASN1_STRING_get0_data(value->value.octet_string), (size_t)n);
	out->message_digest_len = (size_t)n;
}

int x509_cms_inspect(const char *sig, size_t sig_len, struct x509_cms_details *out)
{
	CMS_ContentInfo *cms = read_cms(sig, sig_len);
	STACK_OF(CMS_SignerInfo) *infos;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (cms == NULL || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		goto out;
	infos = CMS_get0_SignerInfos(cms);
	out->signer_count = infos ? (size_t)sk_CMS_SignerInfo_num(infos) : 0;
	out->is_detached = CMS_is_detached(cms) == 1;
	if (out->signer_count > 0) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(infos, 0);
		X509_ALGOR *digest = NULL, *signature = NULL;

		CMS_SignerInfo_get0_algs(si, NULL, NULL, &digest, &signature);
		out->digest_nid = digest ? OBJ_obj2nid(digest->algorithm) : NID_undef;
		out->signature_nid = signature ? OBJ_obj2nid(signature->algorithm) : NID_undef;
		out->has_signing_time = signer_signing_time(si, &out->signing_time);
		signer_message_digest(si, out);
	}
	rc = 0;
out:
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

void x509_sha256_hex(X509 *cert, char out[X509_SHA256_HEX_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (X509_digest(cert, EVP_sha256(), md, &n) != 1 || n != 32)
		fatal("SHA-256 of a certificate failed");
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

bool x509_same(X509 *a, X509 *b)
{
	return X509_cmp(a, b) == 0;
}
