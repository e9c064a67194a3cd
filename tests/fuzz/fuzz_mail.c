/*
 * Fuzz target for the mail gateway's untrusted input up to the database: MIME
 * parsing (GMime), the header facts, finding the signed layer, the CMS inspection
 * and signature check over the canonical bytes, and the text of the layer with its
 * charset conversion. The input is one whole message as an MTA delivers it.
 * PGP signatures are checked by GnuPG in its own process, outside this target.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail_message.h"
#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_cms(const struct strbuf *sig, const struct strbuf *content, struct strbuf *content_out)
{
	struct x509_cms_details d;
	X509 *signers[X509_MAX_SIGNERS];
	size_t n = 0;
	char *err = NULL;

	if (x509_cms_inspect(sig->data, sig->len, &d) == 0)
		x509_cms_verify(sig->data, sig->len, content ? content->data : NULL, content ? content->len : 0,
				content_out, signers, &n, &err);
	for (size_t i = 0; i < n; i++)
		X509_free(signers[i]);
	free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool is_ready;
	struct mail_message *m;
	struct mail_layer layer;
	struct strbuf text, notes, content;
	char *err = NULL;

	if (!is_ready) {
		mail_message_init();
		atexit(mail_message_shutdown);
		is_ready = true;
	}
	m = mail_message_parse((const char *)data, size, &err);
	if (m == NULL) {
		free(err);
		return 0;
	}
	(void)mail_message_headers(m);
	strbuf_init(&text);
	strbuf_init(&notes);
	strbuf_init(&content);
	if (mail_message_find_layer(m, &layer, &err) == 0) {
		switch (layer.kind) {
		case MAIL_SMIME_DETACHED:
			check_cms(&layer.signature, &layer.signed_bytes, NULL);
			mail_message_entity_text(layer.entity, &text, &notes, &err);
			break;
		case MAIL_SMIME_OPAQUE:
			check_cms(&layer.signed_bytes, NULL, &content);
			mail_message_content_text(content.data, content.len, &text, &notes, &err);
			break;
		case MAIL_PGP_INLINE:
			mail_message_to_utf8(layer.signed_bytes.data, layer.signed_bytes.len, layer.charset, &text, &err);
			break;
		case MAIL_PGP_MIME:
		case MAIL_UNSIGNED:
			mail_message_entity_text(layer.entity, &text, &notes, &err);
			break;
		}
	}
	mail_layer_release(&layer);
	free(err);
	strbuf_release(&text);
	strbuf_release(&notes);
	strbuf_release(&content);
	mail_message_free(m);
	return 0;
}
