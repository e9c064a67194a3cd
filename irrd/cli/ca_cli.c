/*
 * `irrctl ca init|issue|renew|revoke|list|show|crl|verify`. Text output for people,
 * --json for scripts (one object per certificate). The CA keys are loaded only by the
 * commands that sign.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/pem.h>

#include "access_key.h"
#include "ca_key.h"
#include "ca_cli.h"
#include "xalloc.h"
#include "timefmt.h"

#define EXIT_USAGE 2

/* A JSON string, or null for NULL (jansson refuses invalid UTF-8: null then too). */
static json_t *json_text(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;

	return v ? v : json_null();
}

/* Prints a JSON value on one line and releases it. */
static void json_print(json_t *v)
{
	json_dumpf(v, stdout, JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(v);
}

static const char *operator_name(void)
{
	static char name[96];
	const char *u = getenv("SUDO_USER");

	if (u == NULL || *u == '\0')
		u = getenv("USER");
	snprintf(name, sizeof(name), "irrctl:%s", u && *u ? u : "operator");
	return name;
}

/* Options shared by issue and access-key: --role --mntner --lir --holder --email. Returns 1 when taken. */
static int subject_option(struct ca_subject *who, const char *a, const char *v, bool *role_given)
{
	if (strcmp(a, "--role") == 0) {
		if (ca_role_parse(v, &who->role) < 0)
			return -1;
		*role_given = true;
	} else if (strcmp(a, "--mntner") == 0) {
		who->mntner = v;
	} else if (strcmp(a, "--lir") == 0) {
		who->lir = v;
	} else if (strcmp(a, "--holder") == 0) {
		who->holder = v;
	} else if (strcmp(a, "--email") == 0) {
		who->email = v;
	} else {
		return 0;
	}
	return 1;
}

/* How cmd_list prints the records it is handed. */
struct record_printer {
	bool json, with_pem;
	json_t *list;          /* JSON of several records; NULL: each printed at once */
};

/* One issuance record: printed as text, or as JSON. */
static int print_record(void *arg, const struct ca_record *rec)
{
	struct record_printer *p = arg;
	char nb[32], na[32], ra[32] = "";

	timefmt_utc(rec->not_before, nb);
	timefmt_utc(rec->not_after, na);
	if (rec->revoked_at != 0)
		timefmt_utc(rec->revoked_at, ra);
	if (p->json) {
		json_t *o = json_object();

		json_object_set_new(o, "ca", json_text(rec->ca));
		json_object_set_new(o, "serial", json_text(rec->serial));
		json_object_set_new(o, "subject", json_text(rec->subject));
		json_object_set_new(o, "role", json_text(rec->role));
		json_object_set_new(o, "mntner", json_text(rec->mntner));
		json_object_set_new(o, "lir", json_text(rec->lir));
		json_object_set_new(o, "holder", json_text(rec->holder));
		json_object_set_new(o, "email", json_text(rec->email));
		json_object_set_new(o, "status", json_text(rec->status));
		json_object_set_new(o, "revoke_reason", json_text(rec->revoke_reason));
		json_object_set_new(o, "issued_by", json_text(rec->issued_by));
		json_object_set_new(o, "sequence", json_integer(rec->sequence));
		json_object_set_new(o, "not_before", json_string(nb));
		json_object_set_new(o, "not_after", json_string(na));
		json_object_set_new(o, "revoked_at", json_text(ra[0] ? ra : NULL));
		if (p->with_pem)
			json_object_set_new(o, "pem", json_text(rec->pem));
		if (p->list != NULL)
			json_array_append_new(p->list, o);
		else
			json_print(o);
		return 0;
	}
	printf("%-8s %-34s %-16s %-8s %s .. %s %s\n", rec->ca, rec->serial, rec->role, rec->status, nb, na, rec->subject);
	if (p->with_pem) {
		printf("mntner: %s\nlir: %s\nholder: %s\ne-mail: %s\nissued by: %s\n", rec->mntner ? rec->mntner : "-",
		       rec->lir ? rec->lir : "-", rec->holder, rec->email, rec->issued_by);
		if (ra[0])
			printf("revoked: %s (%s)\n", ra, rec->revoke_reason ? rec->revoke_reason : "");
		fputs(rec->pem ? rec->pem : "", stdout);
	}
	return 0;
}

static int cmd_list(struct store *st, const char *serial, bool json)
{
	struct record_printer p = { .json = json, .with_pem = serial != NULL };
	char *err = NULL;
	int n;

	p.list = json && serial == NULL ? json_array() : NULL;
	n = ca_records_read(st, serial, print_record, &p, &err);
	if (n < 0) {
		fprintf(stderr, "irrctl ca: %s\n", err);
		free(err);
		json_decref(p.list);
		return 1;
	}
	if (p.list != NULL)
		json_print(p.list);
	if (serial != NULL && n == 0) {
		fprintf(stderr, "irrctl ca show: no certificate with serial %s\n", serial);
		return 1;
	}
	return 0;
}

static void print_issued(const struct ca_issued *is, bool json, const char *p12_path, const char *password)
{
	char nb[32], na[32];

	timefmt_utc(is->not_before, nb);
	timefmt_utc(is->not_after, na);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:o, s:i, s:s, s:s}", "ca", is->ca, "serial", is->serial, "subject",
				      json_text(is->subject), "sequence", is->sequence, "not_before", nb, "not_after", na);

		if (p12_path) {
			json_object_set_new(o, "pkcs12", json_text(p12_path));
			json_object_set_new(o, "pkcs12_password", json_string(password));
		} else {
			json_object_set_new(o, "pem", json_text(is->pem));
		}
		json_print(o);
		return;
	}
	printf("issued: serial %s by the %s CA\nsubject: %s\nvalid: %s .. %s\n", is->serial, is->ca, is->subject, nb, na);
	if (p12_path)
		printf("PKCS#12 written to %s\none-time password: %s\n", p12_path, password);
	else
		fputs(is->pem, stdout);
}

static time_t parse_time(const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == '\0')
		return timegm(&tm);
	return (time_t)strtoll(s, NULL, 10);
}

static int cmd_verify(const struct config *cfg, struct store *st, int argc, char **argv)
{
	const char *cert_path = NULL, *chain_path = NULL;
	enum ca_purpose purpose = CA_PURPOSE_SMIME;
	unsigned allowed = (1u << CA_ROLE_COUNT) - 1;
	time_t at = time(NULL);
	bool json = false;
	struct ca *ca = NULL;
	struct ca_verdict v;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	char *err = NULL;
	FILE *f;
	int rc = 1;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--at") == 0 && i + 1 < argc)
			at = parse_time(argv[++i]);
		else if (strcmp(argv[i], "--chain") == 0 && i + 1 < argc)
			chain_path = argv[++i];
		else if (strcmp(argv[i], "--purpose") == 0 && i + 1 < argc)
			purpose = strcmp(argv[++i], "tls") == 0 ? CA_PURPOSE_TLS_CLIENT : CA_PURPOSE_SMIME;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--roles") == 0 && i + 1 < argc) {
			char *list = xstrdup(argv[++i]), *save = NULL;
			enum ca_role r;

			allowed = 0;
			for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (ca_role_parse(t, &r) < 0) {
					free(list);
					return EXIT_USAGE;
				}
				allowed |= 1u << r;
			}
			free(list);
		} else if (cert_path == NULL && argv[i][0] != '-')
			cert_path = argv[i];
		else
			return EXIT_USAGE;
	}
	if (cert_path == NULL)
		return EXIT_USAGE;
	f = fopen(cert_path, "r");
	cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (cert == NULL) {
		fprintf(stderr, "irrctl ca verify: %s does not hold a PEM certificate\n", cert_path);
		return 1;
	}
	if (chain_path != NULL && (f = fopen(chain_path, "r")) != NULL) {
		X509 *c;

		chain = sk_X509_new_null();
		while ((c = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
			sk_X509_push(chain, c);
		fclose(f);
	}
	if (ca_open_certificates(cfg, &ca, &err) < 0) {
		fprintf(stderr, "irrctl ca verify: %s\n", err);
		goto out;
	}
	if (ca_verify(ca, st, cert, chain, at, purpose, allowed, &v, &err) < 0) {
		if (json)
			json_print(json_pack("{s:b, s:o}", "accepted", 0, "refusal", json_text(err)));
		else
			printf("refused: %s\n", err);
		goto out;
	}
	if (json) {
		json_print(json_pack("{s:b, s:s, s:s, s:o, s:o}", "accepted", 1, "role", ca_role_name(v.role), "serial",
				     v.serial, "mntner", json_text(v.mntner), "lir", json_text(v.lir)));
	} else {
		printf("accepted: role %s%s%s%s%s, serial %s\n", ca_role_name(v.role), v.mntner[0] ? ", maintainer " : "",
		       v.mntner, v.lir[0] ? ", LIR " : "", v.lir, v.serial);
	}
	rc = 0;
out:
	free(err);
	sk_X509_pop_free(chain, X509_free);
	X509_free(cert);
	ca_free(ca);
	return rc;
}

/*
 * What one issuance hands out and stores: for `who` (issue, pick-up) or by renewing a
 * serial; from a CSR or as a PKCS#12 written to p12_path; with access_key > 0 (pick-up)
 * that key is spent.
 */
struct issuance {
	const struct ca_subject *who;
	const char *renew_serial;
	const char *csr;
	size_t csr_len;
	const char *p12_path;
	int64_t access_key;
	const char *issued_by;
	bool json;
};

/*
 * The PKCS#12 goes only to a new file: refused before anything is issued, recorded or
 * spent. (The exclusive create when writing catches a file that appears meanwhile.)
 */
static int output_is_free(const char *p12_path, char **err)
{
	struct stat sb;

	if (p12_path == NULL)
		return 0;
	if (lstat(p12_path, &sb) == 0) {
		*err = xasprintf("%s already exists; the PKCS#12 is written only to a new file (nothing was issued)",
				 p12_path);
		return -1;
	}
	if (errno != ENOENT) {
		*err = xasprintf("cannot check %s: %s (nothing was issued)", p12_path, strerror(errno));
		return -1;
	}
	/* the directory must take a new file: a doomed write must not cost an access-key attempt */
	{
		char *dir = xstrdup(p12_path), *slash = strrchr(dir, '/');
		int ok;

		if (slash == dir)
			slash[1] = '\0';
		else if (slash != NULL)
			*slash = '\0';
		ok = access(slash != NULL ? dir : ".", W_OK | X_OK);
		if (ok < 0)
			*err = xasprintf("cannot create %s: %s (nothing was issued)", p12_path, strerror(errno));
		free(dir);
		if (ok < 0)
			return -1;
	}
	return 0;
}

/*
 * Issues and prints. The record, the spent access key and the PKCS#12 file come
 * together or not at all: one write transaction (BEGIN IMMEDIATE) spends the key and
 * records the certificate, the file is created exclusively (0600) and fsynced, and
 * only then the transaction commits; any failure rolls back and removes the file.
 * Returns 0 or -1 with *err.
 */
static int issue_and_print(struct ca *ca, struct store *st, const struct issuance *job, char **err)
{
	struct ca_issued is = { 0 };
	unsigned char *p12 = NULL;
	size_t p12_len = 0;
	char password[33] = "";
	bool in_transaction = false, file_written = false;
	int rc = -1;

	if (store_tx_begin(st, err) < 0)
		goto out;
	in_transaction = true;
	if (job->access_key > 0 && access_key_use(st, job->access_key, err) < 0)
		goto out;
	if (job->renew_serial != NULL) {
		if (ca_renew_from_csr(ca, st, job->renew_serial, job->csr, job->csr_len, job->issued_by, &is, err) < 0)
			goto out;
	} else if (job->csr != NULL) {
		if (ca_issue_from_csr(ca, st, job->who, job->csr, job->csr_len, job->issued_by, &is, err) < 0)
			goto out;
	} else {
		if (ca_issue_pkcs12(ca, st, job->who, job->issued_by, &is, &p12, &p12_len, password, err) < 0)
			goto out;
		if (ca_file_create(job->p12_path, p12, p12_len, 0600, err) < 0)
			goto out;
		file_written = true;
	}
	if (store_tx_commit(st, err) < 0)
		goto out;
	in_transaction = false;
	print_issued(&is, job->json, job->p12_path, password);
	rc = 0;
out:
	if (in_transaction)
		store_tx_rollback(st);
	if (rc < 0 && file_written)
		unlink(job->p12_path);
	OPENSSL_cleanse(password, sizeof(password));
	free(is.pem);
	if (p12 != NULL)
		OPENSSL_cleanse(p12, p12_len);
	OPENSSL_free(p12);
	return rc;
}

static int cmd_issue(const struct config *cfg, struct store *st, int argc, char **argv, bool renew)
{
	struct ca_subject who = { .role = CA_ROLE_REGISTRANT };
	const char *csr_path = NULL, *p12_path = NULL, *serial = NULL;
	bool json = false, role_given = false;
	struct issuance job;
	struct ca *ca = NULL;
	char *err = NULL, *csr = NULL;
	size_t csr_len = 0;
	int rc = 1;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--json") == 0) {
			json = true;
			continue;
		}
		if (renew && serial == NULL && a[0] != '-') {
			serial = a;
			continue;
		}
		if (v == NULL)
			return EXIT_USAGE;
		i++;
		switch (subject_option(&who, a, v, &role_given)) {
		case 1:
			continue;
		case -1:
			fprintf(stderr, "irrctl ca issue: unknown role %s (staff, lir-staff, maintainer-admin, registrant, gateway)\n", v);
			return EXIT_USAGE;
		}
		if (strcmp(a, "--csr") == 0) {
			csr_path = v;
		} else if (strcmp(a, "--pkcs12") == 0 && !renew) {
			p12_path = v;
		} else {
			return EXIT_USAGE;
		}
	}
	if ((renew && (serial == NULL || csr_path == NULL)) ||
	    (!renew && (!role_given || (csr_path == NULL) == (p12_path == NULL))))
		return EXIT_USAGE;
	if (output_is_free(p12_path, &err) < 0)
		goto fail;
	if (csr_path != NULL && (csr = strbuf_read_file(csr_path, CA_MAX_CSR_SIZE, &csr_len)) == NULL) {
		fprintf(stderr, "irrctl ca: cannot read %s: %s\n", csr_path, strerror(errno));
		return 1;
	}
	if (ca_open_with_keys(cfg, &ca, &err) < 0)
		goto fail;
	job = (struct issuance){ .who = &who, .renew_serial = serial, .csr = csr, .csr_len = csr_len,
				 .p12_path = p12_path, .issued_by = operator_name(), .json = json };
	if (issue_and_print(ca, st, &job, &err) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "irrctl ca %s: %s\n", renew ? "renew" : "issue", err ? err : "failed");
out:
	free(err);
	free(csr);
	ca_free(ca);
	return rc;
}

static int cmd_access_key(const struct config *cfg, struct store *st, int argc, char **argv)
{
	struct ca_subject who = { .role = CA_ROLE_REGISTRANT };
	struct access_key key;
	bool json = false, role_given = false;
	long ttl = 7 * 86400;
	char *err = NULL, when[32];

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		}
		if (i + 1 >= argc)
			return EXIT_USAGE;
		if (strcmp(argv[i], "--ttl") == 0)
			ttl = strtol(argv[i + 1], NULL, 10);
		else if (subject_option(&who, argv[i], argv[i + 1], &role_given) != 1)
			return EXIT_USAGE;
		i++;
	}
	if (!role_given)
		return EXIT_USAGE;
	if (access_key_create(cfg, st, &who, operator_name(), (time_t)ttl, &key, &err) < 0) {
		fprintf(stderr, "irrctl ca access-key: %s\n", err);
		free(err);
		return 1;
	}
	timefmt_utc(key.expires, when);
	if (json)
		json_print(json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)key.id, "mail_part", key.mail_part,
				     "admin_part", key.admin_part, "expires", when));
	else
		printf("access key %lld, valid until %s\nfor the e-mail (pick-up URL): %lld-%s\nfor the admin to hand over: %s\n",
		       (long long)key.id, when, (long long)key.id, key.mail_part, key.admin_part);
	return 0;
}

/* ca pickup ID-MAILPART ADMINPART (--csr FILE | --pkcs12 OUT) [--json] */
static int cmd_pickup(const struct config *cfg, struct store *st, int argc, char **argv)
{
	const char *url_part = NULL, *admin_part = NULL, *csr_path = NULL, *p12_path = NULL;
	struct access_key_request req;
	struct issuance job;
	struct ca *ca = NULL;
	bool json = false;
	char *err = NULL, *csr = NULL, *dash;
	size_t csr_len = 0;
	long long id;
	int rc = 1;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--csr") == 0 && i + 1 < argc)
			csr_path = argv[++i];
		else if (strcmp(argv[i], "--pkcs12") == 0 && i + 1 < argc)
			p12_path = argv[++i];
		else if (url_part == NULL)
			url_part = argv[i];
		else if (admin_part == NULL)
			admin_part = argv[i];
		else
			return EXIT_USAGE;
	}
	if (url_part == NULL || admin_part == NULL || (csr_path == NULL) == (p12_path == NULL))
		return EXIT_USAGE;
	id = strtoll(url_part, &dash, 10);
	if (*dash != '-') {
		fprintf(stderr, "irrctl ca pickup: the key from the e-mail looks like 12-ABCD...\n");
		return EXIT_USAGE;
	}
	if (output_is_free(p12_path, &err) < 0)
		goto fail;
	if (csr_path != NULL && (csr = strbuf_read_file(csr_path, CA_MAX_CSR_SIZE, &csr_len)) == NULL) {
		fprintf(stderr, "irrctl ca pickup: cannot read %s: %s\n", csr_path, strerror(errno));
		return 1;
	}
	/* A CSR that would be refused is refused before the key is checked: no attempt is used up on it. */
	if (csr != NULL) {
		EVP_PKEY *key = ca_csr_public_key(csr, csr_len, &err);

		if (key == NULL)
			goto fail;
		EVP_PKEY_free(key);
	}
	/* The CA is opened first: no attempt is used when the CA cannot issue. */
	if (ca_open_with_keys(cfg, &ca, &err) < 0 || access_key_verify(st, id, dash + 1, admin_part, &req, &err) < 0)
		goto fail;
	job = (struct issuance){ .who = &req.who, .csr = csr, .csr_len = csr_len, .p12_path = p12_path,
				 .access_key = id, .issued_by = "access key", .json = json };
	if (issue_and_print(ca, st, &job, &err) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "irrctl ca pickup: %s\n", err ? err : "failed");
out:
	free(err);
	free(csr);
	ca_free(ca);
	return rc;
}

static int cmd_init(const struct config *cfg, struct store *st, int argc, char **argv)
{
	struct ca_init_options o = { 0 };
	char *err = NULL;

	for (int i = 2; i < argc; i++) {
		if (i + 2 >= argc)
			return EXIT_USAGE;
		if (strcmp(argv[i], "--import-root") == 0)
			o.root_cert = argv[i + 1], o.root_key = argv[i + 2];
		else if (strcmp(argv[i], "--import-irr") == 0)
			o.irr_cert = argv[i + 1], o.irr_key = argv[i + 2];
		else if (strcmp(argv[i], "--import-resource") == 0)
			o.resource_cert = argv[i + 1], o.resource_key = argv[i + 2];
		else
			return EXIT_USAGE;
		i += 2;
	}
	if (ca_init(cfg, st, &o, &err) < 0) {
		fprintf(stderr, "irrctl ca init: %s\n", err);
		free(err);
		return 1;
	}
	printf("CA ready in %s: root.pem, irr-ca.pem, resource-ca.pem (keys 0600%s), CRLs irr-ca.crl, resource-ca.crl\n",
	       cfg->ca_dir, cfg->ca_passphrase_file ? ", encrypted" : "");
	return 0;
}

static int cmd_revoke_or_crl(const struct config *cfg, struct store *st, int argc, char **argv)
{
	bool revoke = strcmp(argv[1], "revoke") == 0;
	const char *serial = NULL, *reason = "unspecified";
	struct ca *ca = NULL;
	char *err = NULL;
	bool if_due = false;
	int rc = 1;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (!revoke && strcmp(argv[i], "--if-due") == 0)
			if_due = true;
		else if (revoke && serial == NULL && argv[i][0] != '-')
			serial = argv[i];
		else
			return EXIT_USAGE;
	}
	if (revoke && serial == NULL)
		return EXIT_USAGE;
	if (if_due && ca_crls_due(st, time(NULL)) == 0) {
		printf("CRLs are current (next update more than %d days away)\n", CA_CRL_REISSUE_DAYS);
		return 0;
	}
	if (ca_open_with_keys(cfg, &ca, &err) == 0 &&
	    (revoke ? ca_revoke(ca, st, serial, reason, &err) : ca_write_crls(ca, st, &err)) == 0) {
		if (revoke)
			printf("revoked %s (%s); CRLs re-issued\n", serial, reason);
		else
			printf("CRLs issued in %s\n", cfg->ca_dir);
		rc = 0;
	} else {
		fprintf(stderr, "irrctl ca %s: %s\n", argv[1], err);
	}
	free(err);
	ca_free(ca);
	return rc;
}

int ca_cli(const struct config *cfg, struct store *st, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	bool json = argc > 2 && strcmp(argv[argc - 1], "--json") == 0;
	int rc = EXIT_USAGE;

	if (strcmp(sub, "init") == 0)
		rc = cmd_init(cfg, st, argc, argv);
	else if (strcmp(sub, "issue") == 0)
		rc = cmd_issue(cfg, st, argc, argv, false);
	else if (strcmp(sub, "renew") == 0)
		rc = cmd_issue(cfg, st, argc, argv, true);
	else if (strcmp(sub, "revoke") == 0 || strcmp(sub, "crl") == 0)
		rc = cmd_revoke_or_crl(cfg, st, argc, argv);
	else if (strcmp(sub, "list") == 0)
		rc = cmd_list(st, NULL, json);
	else if (strcmp(sub, "show") == 0 && argc > 2)
		rc = cmd_list(st, argv[2], json);
	else if (strcmp(sub, "verify") == 0)
		rc = cmd_verify(cfg, st, argc, argv);
	else if (strcmp(sub, "access-key") == 0)
		rc = cmd_access_key(cfg, st, argc, argv);
	else if (strcmp(sub, "pickup") == 0)
		rc = cmd_pickup(cfg, st, argc, argv);
	if (rc == EXIT_USAGE)
		fputs("usage: irrctl -c CONFIG ca init [--import-root CERT KEY --import-irr CERT KEY --import-resource CERT KEY]\n"
		      "       irrctl -c CONFIG ca issue --role ROLE [--mntner M] [--lir L] --holder H --email E\n"
		      "                                 (--csr FILE | --pkcs12 OUT) [--json]\n"
		      "       irrctl -c CONFIG ca renew SERIAL --csr FILE [--json]\n"
		      "       irrctl -c CONFIG ca revoke SERIAL [--reason REASON]\n"
		      "       irrctl -c CONFIG ca list [--json] | show SERIAL [--json] | crl [--if-due]\n"
		      "       irrctl -c CONFIG ca access-key --role ROLE [--mntner M] [--lir L] --holder H --email E\n"
		      "                                 [--ttl SECONDS] [--json]\n"
		      "       irrctl -c CONFIG ca pickup ID-MAILPART ADMINPART (--csr FILE | --pkcs12 OUT) [--json]\n"
		      "       irrctl -c CONFIG ca verify CERT [--chain FILE] [--at YYYY-MM-DD] [--purpose smime|tls]\n"
		      "                                  [--roles ROLE,...] [--json]\n",
		      stderr);
	return rc;
}
