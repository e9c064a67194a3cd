/*
 * One RFC 5322 message as the MTA delivered it, parsed by GMime: the header facts the
 * gateway needs (who to answer, loop signs, Message-ID) and the one layer of the MIME
 * tree that carries the submission, signed (S/MIME, PGP/MIME, inline PGP) or not.
 * Pure parsing: no database, no crypto (mail_verify does the checks).
 */
#ifndef MAILGATE_MAIL_MESSAGE_H
#define MAILGATE_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Call once per process before anything else here; mail_message_shutdown at exit. */
void mail_message_init(void);
void mail_message_shutdown(void);

struct mail_headers {
	char *from;          /* addr-spec of the first From: mailbox, or NULL */
	char *reply_to;      /* addr-spec of the first Reply-To: mailbox, or NULL */
	char *message_id;    /* without the angle brackets, or NULL */
	char *references;    /* the References: value as sent, or NULL */
	char *subject;       /* decoded to UTF-8, or NULL */
	char *date;          /* the Date: value as sent, or NULL */
	const char *automatic; /* why no reply may be sent (Auto-Submitted, Precedence, List-Id), or NULL */
};

enum mail_layer_kind {
	MAIL_UNSIGNED,        /* text parts, no signature */
	MAIL_SMIME_DETACHED,  /* multipart/signed; protocol=application/(x-)pkcs7-signature */
	MAIL_SMIME_OPAQUE,    /* application/(x-)pkcs7-mime; smime-type=signed-data */
	MAIL_PGP_MIME,        /* multipart/signed; protocol=application/pgp-signature (RFC 3156) */
	MAIL_PGP_INLINE,      /* a text part holding a clear-signed PGP message */
};

struct mail_message;

/* What carries the submission. Pointers into the message: valid while it lives. */
struct mail_layer {
	enum mail_layer_kind kind;
	/* Detached kinds: the signed entity as canonical bytes (CRLF line ends), exactly
	 * what the signer signed; opaque: the CMS DER; inline PGP: the part's text in its
	 * own charset (the signature is over those bytes). */
	struct strbuf signed_bytes;
	/* Detached kinds: the signature (CMS DER, or the PGP armour). */
	struct strbuf signature;
	/* Inline PGP: the charset of the text part, for the plaintext once verified. */
	char *charset;
	void *entity;         /* GMimeObject: detached kinds the signed entity, unsigned the root */
	struct strbuf notes;  /* "***Warning: ..." lines about parts that were ignored */
};

/*
 * Parses a message. Returns the message (free with mail_message_free), or NULL with
 * *err when the bytes are not a message at all (caller frees).
 */
struct mail_message *mail_message_parse(const char *raw, size_t len, char **err);
void mail_message_free(struct mail_message *m);

const struct mail_headers *mail_message_headers(const struct mail_message *m);

/*
 * Finds the layer carrying the submission: the only signed part (multipart/signed,
 * pkcs7-mime, a clear-signed text part) wherever it is in the tree, else the text
 * parts. Returns 0 with *layer filled (release with mail_layer_release), or -1 with
 * *err naming what is wrong with the structure (nesting, parts, two signed parts,
 * encryption, a malformed multipart/signed).
 */
int mail_message_find_layer(struct mail_message *m, struct mail_layer *layer, char **err);
void mail_layer_release(struct mail_layer *layer);

/*
 * The submission text of an entity (the signed part of a detached layer, or the root
 * of an unsigned one): its text/plain parts, transfer-decoded, converted to UTF-8 and
 * joined by blank lines; text/plain attachments count, other types are ignored with a
 * note. Returns 0, or -1 with *err (an unknown charset, bytes invalid in it, nesting).
 */
int mail_message_entity_text(void *entity, struct strbuf *out, struct strbuf *notes, char **err);

/*
 * The submission text of the content of an opaque S/MIME signature: a MIME entity
 * (headers, blank line, body), or plain text when it has no MIME headers. Same
 * contract as mail_message_entity_text.
 */
int mail_message_content_text(const char *content, size_t len, struct strbuf *out, struct strbuf *notes, char **err);

/*
 * Writes a GMime object (a message or a part) as GMime serialises it, with CRLF line
 * ends (the canonical form signatures are made over) or LF, appending to out.
 */
void mail_message_write(void *object, bool is_crlf, struct strbuf *out);

/*
 * Converts text in `charset` (NULL: US-ASCII, taken as UTF-8 when it is valid UTF-8)
 * to UTF-8 with LF line ends, appending to out. Returns 0, or -1 with *err.
 */
int mail_message_to_utf8(const char *text, size_t len, const char *charset, struct strbuf *out, char **err);

#endif
