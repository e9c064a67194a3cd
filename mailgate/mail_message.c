/*
 * MIME for the mail gateway, through GMime 3: parsing, the header facts, finding the
 * layer that carries the submission and turning text parts into UTF-8. GMime keeps
 * the raw bytes of parsed headers and bodies, so writing the signed entity back with
 * CRLF line ends gives exactly the bytes the signer signed (RFC 5751 3.1.1, RFC 3156 5).
 */
#include "mail_message.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irr_limits.h"
#include "xalloc.h"

struct mail_message {
	GMimeMessage *msg;
	struct mail_headers headers;
};

void mail_message_init(void)
{
	g_mime_init();
}

void mail_message_shutdown(void)
{
	g_mime_shutdown();
}

/* ---- headers ---- */

static char *first_mailbox(InternetAddressList *list)
{
	for (int i = 0; list != NULL && i < internet_address_list_length(list); i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
			const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));

			if (addr != NULL && *addr != '\0')
				return xstrdup(addr);
		}
	}
	return NULL;
}

static char *header_copy(GMimeMessage *msg, const char *name)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), name);

	return v ? xstrdup(v) : NULL;
}

/* Is a header value one of the words (case-insensitive, surrounding blanks ignored)? */
static bool header_is(const char *value, const char *const *words)
{
	size_t n;

	while (*value == ' ' || *value == '\t')
		value++;
	n = strcspn(value, " \t;\r\n");
	for (size_t i = 0; words[i] != NULL; i++) {
		if (strlen(words[i]) == n && strncasecmp(value, words[i], n) == 0)
			return true;
	}
	return false;
}

/* RFC 3834: never answer automatic mail; RFC 2369/2919: nor mailing-list traffic. */
static const char *automatic_reason(GMimeMessage *msg)
{
	static const char *const no[] = { "no", NULL };
	static const char *const bulk[] = { "bulk", "junk", "list", NULL };
	const char *v;

	v = g_mime_object_get_header(GMIME_OBJECT(msg), "Auto-Submitted");
	if (v != NULL && !header_is(v, no))
		return "the message is automatic (Auto-Submitted)";
	v = g_mime_object_get_header(GMIME_OBJECT(msg), "Precedence");
	if (v != NULL && header_is(v, bulk))
		return "the message is bulk or list mail (Precedence)";
	if (g_mime_object_get_header(GMIME_OBJECT(msg), "List-Id") != NULL)
		return "the message came through a mailing list (List-Id)";
	return NULL;
}

struct mail_message *mail_message_parse(const char *raw, size_t len, char **err)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	struct mail_message *m;
	const char *subject;

	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL) {
		*err = xstrdup("the input is not an RFC 5322 message");
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->msg = msg;
	m->headers.from = first_mailbox(g_mime_message_get_from(msg));
	m->headers.reply_to = first_mailbox(g_mime_message_get_reply_to(msg));
	m->headers.message_id = g_mime_message_get_message_id(msg) ? xstrdup(g_mime_message_get_message_id(msg)) : NULL;
	m->headers.references = header_copy(msg, "References");
	subject = g_mime_message_get_subject(msg);
	m->headers.subject = subject ? xstrdup(subject) : NULL;
	m->headers.date = header_copy(msg, "Date");
	m->headers.automatic = automatic_reason(msg);
	return m;
}

void mail_message_free(struct mail_message *m)
{
	if (m == NULL)
		return;
	free(m->headers.from);
	free(m->headers.reply_to);
	free(m->headers.message_id);
	free(m->headers.references);
	free(m->headers.subject);
	free(m->headers.date);
	g_object_unref(m->msg);
	free(m);
}

const struct mail_headers *mail_message_headers(const struct mail_message *m)
{
	return &m->headers;
}

/* ---- bytes of parts ---- */

/* The transfer-decoded content of a leaf part. */
static void part_content(GMimePart *part, struct strbuf *out)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *bytes;

	if (content == NULL)
		return;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	strbuf_append(out, (const char *)bytes->data, bytes->len);
	g_object_unref(mem);
}

void mail_message_write(void *object, bool is_crlf, struct strbuf *out)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;

	g_mime_format_options_set_newline_format(fo, is_crlf ? GMIME_NEWLINE_FORMAT_DOS : GMIME_NEWLINE_FORMAT_UNIX);
	g_mime_object_write_to_stream(GMIME_OBJECT(object), fo, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	strbuf_append(out, (const char *)bytes->data, bytes->len);
	g_object_unref(mem);
	g_mime_format_options_free(fo);
}

/* An entity, headers and body, as it was in the message with CRLF line ends. */
static void entity_canonical(GMimeObject *obj, struct strbuf *out)
{
	mail_message_write(obj, true, out);
	/* The CRLF before a boundary belongs to the boundary; when the part has CRLF line
	 * ends and the boundary line only LF, GMime leaves that CR behind. */
	if (out->len > 0 && out->data[out->len - 1] == '\r')
		out->data[--out->len] = '\0';
}

static bool is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

static const char *param(GMimeObject *obj, const char *name)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct ? g_mime_content_type_get_parameter(ct, name) : NULL;
}

static char *type_text(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *s = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	char *copy = xstrdup(s ? s : "(none)");

	g_free(s);
	return copy;
}

static bool is_clear_signed(const char *p, size_t len)
{
	static const char marker[] = "-----BEGIN PGP SIGNED MESSAGE-----";
	const char *hit = memmem(p, len, marker, sizeof(marker) - 1);

	return hit != NULL && (hit == p || hit[-1] == '\n');
}

static bool is_pkcs7_mime(GMimeObject *obj)
{
	return is_type(obj, "application", "pkcs7-mime") || is_type(obj, "application", "x-pkcs7-mime");
}

/* ---- finding the layer ---- */

struct walk {
	size_t parts;
	size_t signed_count;
	bool has_other_text;
	struct mail_layer *layer;
	char *err;
};

static int walk_error(struct walk *w, char *msg)
{
	if (w->err == NULL)
		w->err = msg;
	else
		free(msg);
	return -1;
}

static int take_detached(struct walk *w, GMimeMultipart *mp)
{
	GMimeObject *obj = GMIME_OBJECT(mp), *content, *signature;
	const char *protocol = param(obj, "protocol");
	enum mail_layer_kind kind;
	int count = g_mime_multipart_get_count(mp);

	if (protocol == NULL)
		return walk_error(w, xstrdup("multipart/signed without a protocol parameter"));
	if (strcasecmp(protocol, "application/pkcs7-signature") == 0 ||
	    strcasecmp(protocol, "application/x-pkcs7-signature") == 0)
		kind = MAIL_SMIME_DETACHED;
	else if (strcasecmp(protocol, "application/pgp-signature") == 0)
		kind = MAIL_PGP_MIME;
	else
		return walk_error(w, xasprintf("multipart/signed with protocol %.100s is not supported"
					       " (S/MIME or PGP/MIME are)", protocol));
	if (count != 2)
		return walk_error(w, xasprintf("multipart/signed with %d parts: the signed part and the signature"
					       " are expected", count));
	content = g_mime_multipart_get_part(mp, 0);
	signature = g_mime_multipart_get_part(mp, 1);
	if (!GMIME_IS_PART(signature) ||
	    (kind == MAIL_PGP_MIME ? !is_type(signature, "application", "pgp-signature")
				   : !is_type(signature, "application", "pkcs7-signature") &&
					     !is_type(signature, "application", "x-pkcs7-signature"))) {
		char *t = type_text(signature);
		int rc = walk_error(w, xasprintf("the second part of multipart/signed is %s, not the %s signature", t,
						 kind == MAIL_PGP_MIME ? "PGP" : "S/MIME"));

		free(t);
		return rc;
	}
	if (++w->signed_count > 1)
		return 0;
	w->layer->kind = kind;
	w->layer->entity = content;
	entity_canonical(content, &w->layer->signed_bytes);
	part_content(GMIME_PART(signature), &w->layer->signature);
	return 0;
}

static int take_leaf(struct walk *w, GMimeObject *obj)
{
	if (is_pkcs7_mime(obj)) {
		const char *smime_type = param(obj, "smime-type");

		if (smime_type != NULL && (strcasecmp(smime_type, "enveloped-data") == 0 ||
					   strcasecmp(smime_type, "authEnveloped-data") == 0))
			return walk_error(w, xstrdup("the message is encrypted (S/MIME enveloped-data): sign it, do not"
						     " encrypt it"));
		if (smime_type != NULL && strcasecmp(smime_type, "signed-data") != 0)
			return 0; /* certs-only and friends carry no submission */
		if (++w->signed_count > 1)
			return 0;
		w->layer->kind = MAIL_SMIME_OPAQUE;
		part_content(GMIME_PART(obj), &w->layer->signed_bytes);
		return 0;
	}
	if (is_type(obj, "text", "plain")) {
		struct strbuf text;

		strbuf_init(&text);
		part_content(GMIME_PART(obj), &text);
		if (is_clear_signed(text.data, text.len)) {
			if (++w->signed_count == 1) {
				const char *cs = param(obj, "charset");

				w->layer->kind = MAIL_PGP_INLINE;
				strbuf_append(&w->layer->signed_bytes, text.data, text.len);
				w->layer->charset = cs ? xstrdup(cs) : NULL;
			}
		} else if (text.len > 0) {
			w->has_other_text = true;
		}
		strbuf_release(&text);
	}
	return 0;
}

static int walk_layer(struct walk *w, GMimeObject *obj, int depth)
{
	if (++w->parts > MAX_MIME_PARTS)
		return walk_error(w, xasprintf("the message has more than %d MIME parts", MAX_MIME_PARTS));
	if (depth > MAX_MIME_DEPTH)
		return walk_error(w, xasprintf("the MIME structure is nested deeper than %d levels", MAX_MIME_DEPTH));
	if (is_type(obj, "multipart", "encrypted") || is_type(obj, "application", "pgp-encrypted"))
		return walk_error(w, xstrdup("the message is encrypted: sign it, do not encrypt it"));
	if (GMIME_IS_MULTIPART_SIGNED(obj) || (GMIME_IS_MULTIPART(obj) && is_type(obj, "multipart", "signed")))
		return take_detached(w, GMIME_MULTIPART(obj));
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);

		for (int i = 0; i < g_mime_multipart_get_count(mp); i++) {
			if (walk_layer(w, g_mime_multipart_get_part(mp, i), depth + 1) < 0)
				return -1;
		}
		return 0;
	}
	if (GMIME_IS_PART(obj))
		return take_leaf(w, obj);
	return 0; /* message/rfc822 and the like: a forwarded message is not a submission */
}

int mail_message_find_layer(struct mail_message *m, struct mail_layer *layer, char **err)
{
	GMimeObject *root = g_mime_message_get_mime_part(m->msg);
	struct walk w = { .layer = layer };

	memset(layer, 0, sizeof(*layer));
	strbuf_init(&layer->signed_bytes);
	strbuf_init(&layer->signature);
	strbuf_init(&layer->notes);
	layer->kind = MAIL_UNSIGNED;
	if (root != NULL && walk_layer(&w, root, 1) < 0) {
		*err = w.err;
		return -1;
	}
	if (w.signed_count > 1) {
		*err = xasprintf("the message holds %zu signed parts; send the objects in one signed part", w.signed_count);
		return -1;
	}
	if (w.signed_count == 0) {
		layer->kind = MAIL_UNSIGNED;
		layer->entity = root;
		strbuf_reset(&layer->signed_bytes);
	} else if (w.has_other_text && layer->kind != MAIL_PGP_INLINE) {
		strbuf_append_str(&layer->notes, "***Warning: Text outside the signed part of the message was ignored\n");
	} else if (w.has_other_text) {
		strbuf_append_str(&layer->notes, "***Warning: Text parts other than the signed one were ignored\n");
	}
	return 0;
}

void mail_layer_release(struct mail_layer *layer)
{
	strbuf_release(&layer->signed_bytes);
	strbuf_release(&layer->signature);
	strbuf_release(&layer->notes);
	free(layer->charset);
	layer->charset = NULL;
}

/* ---- text ---- */

static bool is_utf8(const char *p, size_t len)
{
	return g_utf8_validate(p, (gssize)len, NULL);
}

int mail_message_to_utf8(const char *text, size_t len, const char *charset, struct strbuf *out, char **err)
{
	struct strbuf converted;
	iconv_t cd;
	char *in = (char *)text;
	size_t in_left = len;

	if (charset == NULL || strcasecmp(charset, "us-ascii") == 0 || strcasecmp(charset, "utf-8") == 0 ||
	    strcasecmp(charset, "utf8") == 0) {
		/* Japanese mailers that forget the charset send ISO-2022-JP: 7 bit, so valid
		 * UTF-8 too, but its escape sequences never occur in RPSL text. */
		if (memmem(text, len, "\033$B", 3) != NULL || memmem(text, len, "\033$@", 3) != NULL) {
			charset = "ISO-2022-JP";
		} else if (is_utf8(text, len)) {
			strbuf_append_lf(out, text, len);
			return 0;
		} else {
			*err = xasprintf("the text is not valid %s and declares no other charset",
					 charset ? charset : "UTF-8");
			return -1;
		}
	}
	cd = g_mime_iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1) {
		*err = xasprintf("unknown charset %.60s", charset);
		return -1;
	}
	strbuf_init(&converted);
	strbuf_reserve(&converted, len * 2 + 16);
	for (;;) {
		char buf[4096], *o = buf;
		size_t o_left = sizeof(buf);
		size_t r = iconv(cd, in_left ? &in : NULL, in_left ? &in_left : NULL, &o, &o_left);

		strbuf_append(&converted, buf, sizeof(buf) - o_left);
		if (r != (size_t)-1 && in_left == 0) {
			/* flush the shift state (ISO-2022-JP ends in ASCII) */
			o = buf, o_left = sizeof(buf);
			iconv(cd, NULL, NULL, &o, &o_left);
			strbuf_append(&converted, buf, sizeof(buf) - o_left);
			break;
		}
		if (r == (size_t)-1 && errno != E2BIG) {
			*err = xasprintf("the text is not valid %.60s (byte %zu)", charset, len - in_left);
			g_mime_iconv_close(cd);
			strbuf_release(&converted);
			return -1;
		}
	}
	g_mime_iconv_close(cd);
	strbuf_append_lf(out, converted.data, converted.len);
	strbuf_release(&converted);
	return 0;
}

static void separate(struct strbuf *out)
{
	if (out->len > 0)
		strbuf_append_str(out, out->data[out->len - 1] == '\n' ? "\n" : "\n\n");
}

static int collect_text(GMimeObject *obj, int depth, struct strbuf *out, struct strbuf *notes, char **err)
{
	if (depth > MAX_MIME_DEPTH) {
		*err = xasprintf("the MIME structure is nested deeper than %d levels", MAX_MIME_DEPTH);
		return -1;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		/* a signed part inside the signed entity: its content only (the outer signature counts) */
		if (is_type(obj, "multipart", "signed"))
			n = n > 0 ? 1 : 0;
		/* alternatives say the same thing: the first text/plain one */
		if (is_type(obj, "multipart", "alternative")) {
			for (int i = 0; i < n; i++) {
				GMimeObject *alt = g_mime_multipart_get_part(mp, i);

				if (is_type(alt, "text", "plain") || GMIME_IS_MULTIPART(alt))
					return collect_text(alt, depth + 1, out, notes, err);
			}
			strbuf_append_str(notes, "***Warning: A multipart/alternative without a text/plain part was ignored\n");
			return 0;
		}
		for (int i = 0; i < n; i++) {
			if (collect_text(g_mime_multipart_get_part(mp, i), depth + 1, out, notes, err) < 0)
				return -1;
		}
		return 0;
	}
	if (GMIME_IS_PART(obj) && is_type(obj, "text", "plain")) {
		struct strbuf raw;
		const char *charset = param(obj, "charset");
		int rc;

		strbuf_init(&raw);
		part_content(GMIME_PART(obj), &raw);
		separate(out);
		rc = mail_message_to_utf8(raw.data, raw.len, charset, out, err);
		strbuf_release(&raw);
		return rc;
	}
	if (GMIME_IS_PART(obj) || GMIME_IS_MESSAGE_PART(obj)) {
		char *t = type_text(obj);
		const char *name = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;

		strbuf_printf(notes, "***Warning: A part of type %.100s%s%.100s%s was ignored: objects must be in text/plain parts\n",
			      t, name ? " (" : "", name ? name : "", name ? ")" : "");
		free(t);
	}
	return 0;
}

int mail_message_entity_text(void *entity, struct strbuf *out, struct strbuf *notes, char **err)
{
	if (entity == NULL)
		return 0;
	return collect_text(GMIME_OBJECT(entity), 1, out, notes, err);
}

/* Does the content start with a header block naming MIME (Content-Type:, MIME-Version:)? */
static bool has_mime_headers(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = 0;

		while (i + n < len && p[i + n] != '\n')
			n++;
		if (n == 0 || (n == 1 && p[i] == '\r'))
			return false;
		if ((n >= 13 && strncasecmp(p + i, "Content-Type:", 13) == 0) ||
		    (n >= 13 && strncasecmp(p + i, "MIME-Version:", 13) == 0))
			return true;
		i += n + 1;
	}
	return false;
}

int mail_message_content_text(const char *content, size_t len, struct strbuf *out, struct strbuf *notes, char **err)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeObject *entity;
	int rc;

	if (!has_mime_headers(content, len))
		return mail_message_to_utf8(content, len, NULL, out, err);
	stream = g_mime_stream_mem_new_with_buffer(content, len);
	parser = g_mime_parser_new_with_stream(stream);
	entity = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (entity == NULL) {
		*err = xstrdup("the signed content is not a MIME entity");
		return -1;
	}
	rc = collect_text(entity, 1, out, notes, err);
	g_object_unref(entity);
	return rc;
}
