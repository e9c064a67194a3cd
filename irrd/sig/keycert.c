/*
 * Generated attributes of key-cert objects: PGP keys are read by GnuPG (through
 * pgp.c) in a throw-away keyring, X.509 certificates by OpenSSL (x509.c).
 */
#include "keycert.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pgp.h"
#include "x509.h"
#include "xalloc.h"

char *keycert_certif_text(const struct rpsl_object *o)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < o->attr_count; i++) {
		if (strcmp(o->attrs[i].name, "certif") == 0) {
			strbuf_append_str(&sb, o->attrs[i].text);
			strbuf_append_char(&sb, '\n');
		}
	}
	return strbuf_detach(&sb, NULL);
}

static int generate_pgp(const struct rpsl_object *o, const char *certif, struct strbuf *generated,
			struct strbuf *warnings, char **err)
{
	struct pgp_keyring *kr = NULL;
	struct pgp_key_info info;
	char formatted[64];
	int rc = -1;

	if (pgp_keyring_new(&kr, err) < 0)
		return -1;
	if (pgp_keyring_import(kr, certif, strlen(certif), &info, err) < 0)
		goto out;
	if (strcasecmp(o->pkey + 7, info.fingerprint + 32) != 0) {
		*err = xasprintf("the key-cert name %s does not match the key in certif:, whose name is PGPKEY-%s", o->pkey,
				 info.fingerprint + 32);
		goto out;
	}
	if (info.is_revoked) {
		*err = xstrdup("the PGP key in certif: is revoked");
		goto out;
	}
	if (info.is_expired)
		strbuf_append_str(warnings, "The PGP key in certif: has expired; signatures made with it authenticate nothing\n");
	pgp_format_fingerprint(info.fingerprint, formatted);
	strbuf_append_str(generated, "method:         PGP\n");
	for (size_t i = 0; i < info.owner_count; i++)
		strbuf_printf(generated, "owner:          %s\n", info.owners[i]);
	strbuf_printf(generated, "fingerpr:       %s\n", formatted);
	rc = 0;
out:
	pgp_keyring_free(kr);
	return rc;
}

static int generate_x509(const char *certif, struct strbuf *generated, struct strbuf *warnings, char **err)
{
	X509 *cert = x509_parse_pem(certif, strlen(certif), err);
	struct x509_info info;
	const char *problem;

	if (cert == NULL)
		return -1;
	x509_describe(cert, &info);
	problem = x509_validity_problem(cert, time(NULL));
	if (problem != NULL)
		strbuf_printf(warnings, "The certificate in certif: is %s; signatures made with it authenticate nothing\n",
			      problem);
	strbuf_append_str(generated, "method:         X509\n");
	strbuf_printf(generated, "owner:          %s\n", info.owner);
	strbuf_printf(generated, "fingerpr:       %s\n", info.fingerprint);
	X509_free(cert);
	return 0;
}

static int is_x509_name(const char *pkey)
{
	if (strncasecmp(pkey, "X509-", 5) != 0 || pkey[5] == '\0')
		return 0;
	for (const char *p = pkey + 5; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
	}
	return 1;
}

int keycert_generate(const struct rpsl_object *o, struct strbuf *generated, struct strbuf *warnings, char **err)
{
	char *certif = keycert_certif_text(o);
	int rc;

	if (strncasecmp(o->pkey, "PGPKEY-", 7) == 0 && strlen(o->pkey) == 15)
		rc = generate_pgp(o, certif, generated, warnings, err);
	else if (is_x509_name(o->pkey))
		rc = generate_x509(certif, generated, warnings, err);
	else {
		*err = xstrdup("a key-cert is named PGPKEY-<8 hex digits> or X509-<number>");
		rc = -1;
	}
	free(certif);
	return rc;
}
