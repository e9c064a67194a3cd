/*
 * The acknowledgement the gateway mails back: to Reply-To or From, threaded with
 * In-Reply-To/References, SUCCESS or FAILED in the subject, the engine's report as
 * body, S/MIME-signed (multipart/signed, detached CMS) with the gateway certificate.
 */
#ifndef MAILGATE_MAIL_REPLY_H
#define MAILGATE_MAIL_REPLY_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "config.h"
#include "strbuf.h"

struct mail_signer {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) *chain;  /* intermediates sent along (the IRR CA), may be empty */
};

/*
 * Loads cfg->mail_gateway_certificate and _key; `intermediate` (may be NULL) joins the
 * chain. Returns 0, or -1 with *err naming the file and the problem (a key that does
 * not match the certificate included).
 */
int mail_signer_load(const struct config *cfg, X509 *intermediate, struct mail_signer *out, char **err);
void mail_signer_release(struct mail_signer *s);

struct mail_reply {
	const char *to;          /* a validated addr-spec */
	const char *subject;     /* of the original message, UTF-8, or NULL */
	bool is_success;
	const char *in_reply_to; /* Message-ID of the original without brackets, or NULL */
	const char *references;  /* References: of the original, or NULL */
	const char *body;        /* UTF-8 */
};

/* Builds the signed reply as a whole message with LF line ends. Returns 0, or -1 with *err. */
int mail_reply_build(const struct config *cfg, const struct mail_signer *signer, const struct mail_reply *r,
		     struct strbuf *out, char **err);

#endif
