/*
 * Who submitted: the identities a channel established before handing a submission
 * to the update engine (a verified PGP signature, a certificate matching key-certs,
 * a certificate from our CA naming the maintainer it acts for). Signed input
 * (signed_input.c) and the mail gateway produce them; the engine matches them
 * against maintainers' auth: lines (update_auth.c).
 */
#ifndef IRRD_IDENTITY_H
#define IRRD_IDENTITY_H

/* What a channel established about the submitter before handing the text over. */
enum identity_kind {
	IDENTITY_PGP_KEY,      /* a verified PGP signature: key_id matches auth: PGPKEY-<key_id> */
	IDENTITY_X509_CERT,    /* a verified certificate: matches every auth: X509-<n> whose key-cert holds it */
	IDENTITY_CA_CERT,      /* a certificate issued by our CA: mntner is the maintainer it acts for */
};

#define IDENTITY_CERT_DIGEST_SIZE 65 /* SHA-256 of a certificate's DER, lower-case hex, NUL */

struct identity {
	enum identity_kind kind;
	char key_id[32];       /* PGP: 8 hex digits, upper case */
	char cert_sha256[IDENTITY_CERT_DIGEST_SIZE]; /* X.509: the signer's certificate */
	char mntner[80];       /* CA certificate: the maintainer named in it */
	char description[256]; /* for reports and the audit record: serial, subject, key id */
};

#endif
