/*
 * Building the signed acknowledgement. GMime writes the headers (RFC 2047 for a
 * Japanese subject) and the MIME structure; OpenSSL signs the text part's canonical
 * bytes, which are what GMime writes for that part inside the multipart.
 */
#include "mail_reply.h"

#include <gmime/gmime.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_message.h"
#include "x509.h"
#include "xalloc.h"

static X509 *read_cert(const char *path)
{
	BIO *bio = BIO_new_file(path, "r");
	X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	return cert;
}

static EVP_PKEY *read_key(const char *path)
{
	BIO *bio = BIO_new_file(path, "r");
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	return key;
}

int mail_signer_load(const struct config *cfg, X509 *intermediate, struct mail_signer *out, char **err)
{
	memset(out, 0, sizeof(*out));
	if (cfg->mail_gateway_certificate == NULL || cfg->mail_gateway_key == NULL) {
		*err = xstrdup("mail.gateway_certificate and mail.gateway_key must name the gateway's certificate and"
			       " key (replies are signed; see docs/mail.md)");
		return -1;
	}
	out->cert = read_cert(cfg->mail_gateway_certificate);
	if (out->cert == NULL) {
		*err = x509_openssl_error(cfg->mail_gateway_certificate);
		goto fail;
	}
	out->key = read_key(cfg->mail_gateway_key);
	if (out->key == NULL) {
		*err = x509_openssl_error(cfg->mail_gateway_key);
		goto fail;
	}
	if (X509_check_private_key(out->cert, out->key) != 1) {
		*err = xasprintf("%s is not the key of the certificate in %s", cfg->mail_gateway_key,
				 cfg->mail_gateway_certificate);
		ERR_clear_error();
		goto fail;
	}
	out->chain = sk_X509_new_null();
	if (out->chain == NULL || (intermediate != NULL && !sk_X509_push(out->chain, intermediate)))
		fatal("out of memory");
	if (intermediate != NULL)
		X509_up_ref(intermediate);
	return 0;
fail:
	mail_signer_release(out);
	return -1;
}

void mail_signer_release(struct mail_signer *s)
{
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
	sk_X509_pop_free(s->chain, X509_free);
	memset(s, 0, sizeof(*s));
}

/* 7bit survives every MTA unchanged; anything else (non-ASCII, long lines, trailing blanks) goes quoted-printable. */
static GMimeContentEncoding body_encoding(const char *body)
{
	size_t col = 0;

	for (const char *p = body; *p; p++) {
		if ((unsigned char)*p >= 0x80 || (*p == '\n' && p > body && (p[-1] == ' ' || p[-1] == '\t')))
			return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
		col = *p == '\n' ? 0 : col + 1;
		if (col > 900)
			return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	}
	return GMIME_CONTENT_ENCODING_7BIT;
}

/* A detached CMS signature (DER) over bytes. */
static int sign_detached(const struct mail_signer *s, const struct strbuf *content, struct strbuf *der, char **err)
{
	BIO *in = BIO_new_mem_buf(content->data, (int)content->len), *out = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms = NULL;
	int rc = -1;

	if (in != NULL && out != NULL)
		cms = CMS_sign(s->cert, s->key, s->chain, in, CMS_DETACHED | CMS_BINARY);
	if (cms == NULL || i2d_CMS_bio(out, cms) != 1) {
		*err = x509_openssl_error("signing the reply");
	} else {
		char *data;
		long n = BIO_get_mem_data(out, &data);

		strbuf_append(der, data, n > 0 ? (size_t)n : 0);
		rc = 0;
	}
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	return rc;
}

static char *domain_of(const char *address)
{
	const char *at = strrchr(address, '@');

	return xstrdup(at ? at + 1 : "localhost");
}

int mail_reply_build(const struct config *cfg, const struct mail_signer *signer, const struct mail_reply *r,
		     struct strbuf *out, char **err)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeTextPart *text = g_mime_text_part_new_with_subtype("plain");
	GMimeMultipart *signed_mp = NULL;
	GMimePart *sig_part = NULL;
	GMimeStream *sig_stream = NULL;
	GMimeDataWrapper *wrapper = NULL;
	GDateTime *now = g_date_time_new_now_utc();
	struct strbuf canonical, der, subject, refs;
	char *domain = domain_of(cfg->mail_from), *msgid = g_mime_utils_generate_message_id(domain);
	int rc = -1;

	strbuf_init(&canonical);
	strbuf_init(&der);
	strbuf_init(&subject);
	strbuf_init(&refs);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, NULL, cfg->mail_from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, r->to);
	strbuf_printf(&subject, "%s: %s", r->is_success ? "SUCCESS" : "FAILED",
		      r->subject && *r->subject ? r->subject : "your update to the routing registry");
	g_mime_message_set_subject(msg, subject.data, "utf-8");
	g_mime_message_set_date(msg, now);
	g_mime_message_set_message_id(msg, msgid);
	if (r->in_reply_to != NULL) {
		strbuf_printf(&refs, "<%s>", r->in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", refs.data, NULL);
		strbuf_reset(&refs);
		if (r->references != NULL)
			strbuf_printf(&refs, "%s ", r->references);
		strbuf_printf(&refs, "<%s>", r->in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(msg), "References", refs.data, NULL);
	}
	/* RFC 3834: an automatic answer, so other robots do not answer it in turn */
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", "auto-replied", NULL);

	g_mime_text_part_set_text(text, r->body);
	g_mime_text_part_set_charset(text, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(text), body_encoding(r->body));
	mail_message_write(text, true, &canonical);
	if (sign_detached(signer, &canonical, &der, err) < 0)
		goto out;

	sig_part = g_mime_part_new_with_type("application", "pkcs7-signature");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(sig_part), "name", "smime.p7s");
	g_mime_part_set_filename(sig_part, "smime.p7s");
	sig_stream = g_mime_stream_mem_new_with_buffer(der.data, der.len);
	wrapper = g_mime_data_wrapper_new_with_stream(sig_stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(sig_part, wrapper);
	g_mime_part_set_content_encoding(sig_part, GMIME_CONTENT_ENCODING_BASE64);

	signed_mp = g_mime_multipart_new_with_subtype("signed");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(signed_mp), "protocol", "application/pkcs7-signature");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(signed_mp), "micalg", "sha-256");
	g_mime_multipart_add(signed_mp, GMIME_OBJECT(text));
	g_mime_multipart_add(signed_mp, GMIME_OBJECT(sig_part));
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(signed_mp));
	mail_message_write(msg, false, out);
	if (out->len > 0 && out->data[out->len - 1] != '\n')
		strbuf_append_char(out, '\n');
	rc = 0;
out:
	if (wrapper)
		g_object_unref(wrapper);
	if (sig_stream)
		g_object_unref(sig_stream);
	if (sig_part)
		g_object_unref(sig_part);
	if (signed_mp)
		g_object_unref(signed_mp);
	g_object_unref(text);
	g_object_unref(msg);
	g_date_time_unref(now);
	g_free(msgid);
	free(domain);
	strbuf_release(&canonical);
	strbuf_release(&der);
	strbuf_release(&subject);
	strbuf_release(&refs);
	return rc;
}
