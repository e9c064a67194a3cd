/* Configuration loading; the table below is the list of every key (docs/configuration.md mirrors it). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "rpsl_syntax.h"
#include "strbuf.h"
#include "xalloc.h"

typedef int (*config_setter)(struct config *cfg, const char *value, const char **err);

static int set_database(struct config *cfg, const char *value, const char **err)
{
	if (*value == '\0') {
		*err = "must be a file path";
		return -1;
	}
	free(cfg->database);
	cfg->database = xstrdup(value);
	return 0;
}

static int set_user(struct config *cfg, const char *value, const char **err)
{
	free(cfg->user);
	cfg->user = NULL;
	if (*value == '\0')
		return 0;
	if (strlen(value) > 32 || strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != strlen(value)) {
		*err = "must be a user name (lower case letters, digits, _ - .)";
		return -1;
	}
	cfg->user = xstrdup(value);
	return 0;
}

static int set_source(struct config *cfg, const char *value, const char **err)
{
	struct strbuf ignored;
	int rc;

	strbuf_init(&ignored);
	rc = rpsl_syntax_check(SYN_SOURCE, value, strlen(value), &ignored, err);
	strbuf_release(&ignored);
	if (rc < 0)
		return -1;
	if (strcasecmp(value, RPKI_PSEUDO_SOURCE_NAME) == 0) {
		*err = "RPKI is the name of the pseudo-source of the VRPs; choose another name";
		return -1;
	}
	free(cfg->source);
	cfg->source = xstrdup(value);
	for (char *p = cfg->source; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return 0;
}

static const char *const route_policy_names[] = {
	[ROUTE_POLICY_IRR] = "irr",
	[ROUTE_POLICY_RPKI] = "rpki",
	[ROUTE_POLICY_VERIFIED] = "verified",
	[ROUTE_POLICY_STRICT] = "strict",
};

const char *route_policy_name(enum route_policy p)
{
	return route_policy_names[p];
}

bool route_policy_parse(const char *word, enum route_policy *out)
{
	for (size_t i = 0; i < sizeof(route_policy_names) / sizeof(route_policy_names[0]); i++) {
		if (strcmp(word, route_policy_names[i]) == 0) {
			*out = (enum route_policy)i;
			return true;
		}
	}
	return false;
}

int config_parse_listen_address(const char *text, struct listen_address *out, const char **err)
{
	char host[64];
	const char *colon, *port_text;
	size_t host_len;
	char *end;
	unsigned long port;

	memset(out, 0, sizeof(*out));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || close[1] != ':') {
			*err = "IPv6 listen address must be written [address]:port";
			return -1;
		}
		host_len = (size_t)(close - text - 1);
		if (host_len >= sizeof(host)) {
			*err = "address too long";
			return -1;
		}
		memcpy(host, text + 1, host_len);
		port_text = close + 2;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL) {
			*err = "listen address must be host:port";
			return -1;
		}
		host_len = (size_t)(colon - text);
		if (host_len >= sizeof(host)) {
			*err = "address too long";
			return -1;
		}
		memcpy(host, text, host_len);
		port_text = colon + 1;
	}
	host[host_len] = '\0';
	errno = 0;
	port = strtoul(port_text, &end, 10);
	if (!isdigit((unsigned char)*port_text) || *end != '\0' || port > 65535 || errno) {
		*err = "port must be a number from 0 to 65535";
		return -1;
	}
	if (strlen(text) >= sizeof(out->text)) {
		*err = "listen address too long";
		return -1;
	}
	memcpy(out->text, text, strlen(text) + 1);
	if (text[0] == '[') {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->addr;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			*err = "not an IPv6 address (host names are not accepted here)";
			return -1;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		out->addr_len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&out->addr;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
			*err = "not an IPv4 address (host names are not accepted here)";
			return -1;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		out->addr_len = sizeof(*sin);
	}
	return 0;
}

/* "host:port" or "host:port POLICY" (a listener whose answers follow one route policy). */
static int parse_listen_with_policy(char *item, struct listen_address *out, const char **err)
{
	char *space = strpbrk(item, " \t");
	char *word = space;

	if (space != NULL) {
		*space = '\0';
		while (*++word == ' ' || *word == '\t')
			;
	}
	if (config_parse_listen_address(item, out, err) < 0)
		return -1;
	out->has_policy = word != NULL;
	if (word != NULL && !route_policy_parse(word, &out->policy)) {
		*err = "the word after an address must be a route policy: irr, rpki, verified or strict";
		return -1;
	}
	return 0;
}

static int set_whois_listen(struct config *cfg, const char *value, const char **err)
{
	const char *p = value;

	cfg->whois_listen_count = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char item[96];

		while (n > 0 && isspace((unsigned char)*p))
			p++, n--;
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n == 0 || n >= sizeof(item)) {
			*err = "empty or overlong address in the list";
			return -1;
		}
		if (cfg->whois_listen_count == MAX_LISTEN_ADDRESSES) {
			*err = "too many listen addresses (at most 16)";
			return -1;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		if (parse_listen_with_policy(item, &cfg->whois_listen[cfg->whois_listen_count], err) < 0)
			return -1;
		cfg->whois_listen_count++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (cfg->whois_listen_count == 0) {
		*err = "needs at least one host:port";
		return -1;
	}
	return 0;
}

static int set_log_level(struct config *cfg, const char *value, const char **err)
{
	if (log_parse_level(value, &cfg->log_level) < 0) {
		*err = "must be debug, info, warning or error";
		return -1;
	}
	return 0;
}

static int parse_uint(const char *value, unsigned min, unsigned max, unsigned *out, const char **err,
		      const char *range_message)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (!isdigit((unsigned char)*value) || *end != '\0' || errno || v < min || v > max) {
		*err = range_message;
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int parse_source_list(const char *value, char names[][MAX_SOURCE_NAME_LENGTH + 1], size_t *count,
			     const char **err);

static int set_sources_default(struct config *cfg, const char *value, const char **err)
{
	return parse_source_list(value, cfg->sources_default, &cfg->sources_default_count, err);
}

/* A comma-separated list of source names into names[], upper case. */
static int parse_source_list(const char *value, char names[][MAX_SOURCE_NAME_LENGTH + 1], size_t *count,
			     const char **err)
{
	const char *p = value;

	*count = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *item = p;
		size_t len = n;
		struct strbuf ignored;
		int rc;

		while (len > 0 && isspace((unsigned char)*item))
			item++, len--;
		while (len > 0 && isspace((unsigned char)item[len - 1]))
			len--;
		if (len == 0 || len > MAX_SOURCE_NAME_LENGTH) {
			*err = "must be a comma-separated list of source names";
			return -1;
		}
		if (*count == MAX_QUERY_SOURCES) {
			*err = "too many sources (at most 32)";
			return -1;
		}
		strbuf_init(&ignored);
		rc = rpsl_syntax_check(SYN_SOURCE, item, len, &ignored, err);
		strbuf_release(&ignored);
		if (rc < 0)
			return -1;
		for (size_t i = 0; i < len; i++)
			names[*count][i] = (char)toupper((unsigned char)item[i]);
		names[*count][len] = '\0';
		(*count)++;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int set_idle_timeout(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 1, 86400, &cfg->whois_idle_timeout, err, "must be 1 to 86400 seconds");
}

static int set_max_connections(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 1, 1000000, &cfg->whois_max_connections, err, "must be 1 to 1000000");
}

static int set_max_per_address(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 1, 1000000, &cfg->whois_max_connections_per_address, err,
			  "must be 1 to 1000000");
}

static int set_whois_workers(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 256, &cfg->whois_workers, err, "must be 0 (one per CPU) to 256");
}

static int set_whois_max_output_memory(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 1, 1048576, &cfg->whois_max_output_memory, err, "must be 1 to 1048576 (MiB)");
}

static int set_whois_busy_poll(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 1000, &cfg->whois_busy_poll, err, "must be 0 (off) to 1000 (microseconds)");
}

static int set_whois_spool_directory(struct config *cfg, const char *value, const char **err);

static int set_sendmail(struct config *cfg, const char *value, const char **err)
{
	if (*value == '\0') {
		*err = "must be a command, e.g. /usr/sbin/sendmail -t -i";
		return -1;
	}
	free(cfg->sendmail);
	cfg->sendmail = xstrdup(value);
	return 0;
}

static int set_mail_from(struct config *cfg, const char *value, const char **err)
{
	struct strbuf ignored;
	int rc;

	strbuf_init(&ignored);
	rc = rpsl_syntax_check(SYN_EMAIL, value, strlen(value), &ignored, err);
	strbuf_release(&ignored);
	if (rc < 0)
		return -1;
	free(cfg->mail_from);
	cfg->mail_from = xstrdup(value);
	return 0;
}

static int set_override_hash(struct config *cfg, const char *value, const char **err)
{
	free(cfg->override_hash);
	cfg->override_hash = NULL;
	if (*value == '\0')
		return 0;
	if (value[0] != '$' || strlen(value) < 20) {
		*err = "must be a crypt(3) hash such as $2b$12$... (make one with: mkpasswd -m bcrypt)";
		return -1;
	}
	cfg->override_hash = xstrdup(value);
	return 0;
}

static int parse_policy(const char *value, enum password_policy *out, const char **err)
{
	if (strcmp(value, "enable") == 0)
		*out = PASSWORD_ENABLE;
	else if (strcmp(value, "legacy") == 0)
		*out = PASSWORD_LEGACY;
	else if (strcmp(value, "disable") == 0)
		*out = PASSWORD_DISABLE;
	else {
		*err = "must be enable, legacy or disable";
		return -1;
	}
	return 0;
}

static int set_bcrypt_policy(struct config *cfg, const char *value, const char **err)
{
	return parse_policy(value, &cfg->bcrypt_pw, err);
}

static int set_md5_policy(struct config *cfg, const char *value, const char **err)
{
	return parse_policy(value, &cfg->md5_pw, err);
}

static int set_crypt_policy(struct config *cfg, const char *value, const char **err)
{
	return parse_policy(value, &cfg->crypt_pw, err);
}

static int set_password_failures(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 100000, &cfg->password_failures_per_hour, err, "must be 0 (no limit) to 100000");
}

static void free_crl_files(struct config *cfg)
{
	for (size_t i = 0; i < cfg->crl_file_count; i++)
		free(cfg->crl_files[i]);
	cfg->crl_file_count = 0;
}

/* Space-separated absolute paths; they are read at each use, so a renewed CRL counts at once. */
static int set_crl_files(struct config *cfg, const char *value, const char **err)
{
	const char *p = value;

	free_crl_files(cfg);
	while (*p != '\0') {
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, " \t");
		if (n == 0)
			break;
		if (*p != '/') {
			*err = "must be absolute paths of CRL files, separated by spaces";
			return -1;
		}
		if (cfg->crl_file_count == MAX_CRL_FILES) {
			*err = "too many CRL files";
			return -1;
		}
		cfg->crl_files[cfg->crl_file_count++] = xstrndup(p, n);
		p += n;
	}
	return 0;
}

static int set_ca_dir(struct config *cfg, const char *value, const char **err)
{
	if (*value == '\0') {
		*err = "must be a directory path";
		return -1;
	}
	free(cfg->ca_dir);
	cfg->ca_dir = xstrdup(value);
	return 0;
}

static int set_ca_passphrase_file(struct config *cfg, const char *value, const char **err)
{
	free(cfg->ca_passphrase_file);
	cfg->ca_passphrase_file = NULL;
	if (*value == '\0')
		return 0;
	if (*value != '/') {
		*err = "must be an absolute path";
		return -1;
	}
	cfg->ca_passphrase_file = xstrdup(value);
	return 0;
}

static int set_ca_key_type(struct config *cfg, const char *value, const char **err)
{
	if (strcmp(value, "ec") != 0 && strcmp(value, "rsa") != 0) {
		*err = "must be ec (ECDSA P-256) or rsa (RSA 3072)";
		return -1;
	}
	free(cfg->ca_key_type);
	cfg->ca_key_type = xstrdup(value);
	return 0;
}

static int set_ca_crl_url(struct config *cfg, const char *value, const char **err)
{
	if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) {
		*err = "must be an http:// or https:// URL (the directory the CRLs are published in)";
		return -1;
	}
	free(cfg->ca_crl_url);
	cfg->ca_crl_url = xstrdup(value);
	return 0;
}

static int set_ca_organization(struct config *cfg, const char *value, const char **err)
{
	if (*value == '\0' || strlen(value) > 64 || strpbrk(value, "/=,+\"\\<>;") != NULL) {
		*err = "must be 1 to 64 characters without / = , + \" \\ < > ;";
		return -1;
	}
	free(cfg->ca_organization);
	cfg->ca_organization = xstrdup(value);
	return 0;
}

static int parse_yes_no(const char *value, bool *out, const char **err)
{
	if (strcmp(value, "yes") == 0)
		*out = true;
	else if (strcmp(value, "no") == 0)
		*out = false;
	else {
		*err = "must be yes or no";
		return -1;
	}
	return 0;
}

static int set_mail_require_signature(struct config *cfg, const char *value, const char **err)
{
	return parse_yes_no(value, &cfg->mail_require_signature, err);
}

static int set_mail_require_signing_time(struct config *cfg, const char *value, const char **err)
{
	return parse_yes_no(value, &cfg->mail_require_signing_time, err);
}

static int set_mail_signing_time_window(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 60, 7 * 86400, &cfg->mail_signing_time_window, err, "must be 60 to 604800 seconds");
}

static int set_mail_max_message_size(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 4096, MAX_SUBMISSION_SIZE, &cfg->mail_max_message_size, err,
			  "must be 4096 to 16777216 bytes");
}

static int set_sendmail_timeout(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 1, 3600, &cfg->mail_sendmail_timeout, err, "must be 1 to 3600 seconds");
}

static int set_notify_retry_interval(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 86400, &cfg->mail_notify_retry_interval, err, "must be 0 (never) to 86400 seconds");
}

static int set_mail_max_objects(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 1, 100000, &cfg->mail_max_objects, err, "must be 1 to 100000");
}

/* A path value, relative paths resolved against the configuration file's directory later. */
static int set_path(char **slot, const char *value, bool may_be_empty, const char **err)
{
	if (*value == '\0' && !may_be_empty) {
		*err = "must be a path";
		return -1;
	}
	free(*slot);
	*slot = *value ? xstrdup(value) : NULL;
	return 0;
}

static int set_rpki_vrp_file(struct config *cfg, const char *value, const char **err)
{
	return set_path(&cfg->rpki_vrp_file, value, true, err);
}

static int set_rpki_rtr_cache(struct config *cfg, const char *value, const char **err)
{
	const char *colon = strrchr(value, ':');

	if (*value != '\0' && (colon == NULL || colon == value || colon[1] == '\0' ||
				strspn(colon + 1, "0123456789") != strlen(colon + 1) || strlen(colon + 1) > 5 ||
				atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)) {
		*err = "must be host:port of an RPKI cache (RTR), port 1 to 65535, e.g. 127.0.0.1:8282";
		return -1;
	}
	free(cfg->rpki_rtr_cache);
	cfg->rpki_rtr_cache = *value ? xstrdup(value) : NULL;
	return 0;
}

static int set_rpki_slurm_file(struct config *cfg, const char *value, const char **err)
{
	return set_path(&cfg->rpki_slurm_file, value, true, err);
}

/*
 * "mirror.SOURCE.KEY = value": the sources we mirror (docs/mirroring.md). KEY is nrtm
 * (host:port of the upstream's whois), dump and serial (a file path or URL of its
 * <source>.db.gz and <SOURCE>.CURRENTSERIAL), interval, stall_after.
 */
static int set_mirror_key(struct config *cfg, const char *rest, const char *value, const char **err)
{
	const char *dot = strchr(rest, '.');
	char source[MAX_SOURCE_NAME_LENGTH + 1];
	struct mirror_config *m = NULL;
	size_t n = dot != NULL ? (size_t)(dot - rest) : 0;

	if (n == 0 || n > MAX_SOURCE_NAME_LENGTH) {
		*err = "mirror keys are mirror.SOURCE.nrtm, .dump, .serial, .interval or .stall_after";
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		source[i] = (char)toupper((unsigned char)rest[i]);
	source[n] = '\0';
	if (strcmp(source, cfg->source) == 0 || strcmp(source, RPKI_PSEUDO_SOURCE_NAME) == 0) {
		*err = "our own source and RPKI cannot be mirrored";
		return -1;
	}
	for (size_t i = 0; i < cfg->mirror_count && m == NULL; i++)
		if (strcmp(cfg->mirrors[i].source, source) == 0)
			m = &cfg->mirrors[i];
	if (m == NULL) {
		if (cfg->mirror_count == MAX_MIRRORS) {
			*err = "at most 32 mirrored sources";
			return -1;
		}
		m = &cfg->mirrors[cfg->mirror_count++];
		memset(m, 0, sizeof(*m));
		memcpy(m->source, source, n + 1);
		m->interval = 300;
		m->stall_after = 3600;
	}
	dot++;
	if (strcmp(dot, "nrtm") == 0) {
		const char *colon = strrchr(value, ':');

		if (colon == NULL || colon == value || colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
		    strlen(value) >= sizeof(m->nrtm)) {
			*err = "must be host:port of the upstream's whois server (whois.example.net:43, [2001:db8::1]:43)";
			return -1;
		}
		snprintf(m->nrtm, sizeof(m->nrtm), "%s", value);
		return 0;
	}
	if (strcmp(dot, "dump") == 0)
		return set_path(&m->dump, value, false, err);
	if (strcmp(dot, "serial") == 0)
		return set_path(&m->serial, value, false, err);
	if (strcmp(dot, "interval") == 0)
		return parse_uint(value, 1, 86400, &m->interval, err, "must be 1 to 86400 (seconds)");
	if (strcmp(dot, "stall_after") == 0)
		return parse_uint(value, 1, 30 * 86400, &m->stall_after, err, "must be 1 to 2592000 (seconds)");
	*err = "mirror keys are mirror.SOURCE.nrtm, .dump, .serial, .interval or .stall_after";
	return -1;
}

/* One prefix or address (a host) of either family. 0, or -1. */
static int parse_access_prefix(const char *text, struct prefix *out)
{
	const char *why;

	return prefix_parse(text, strlen(text), 0, out, &why) == 0 ||
			       prefix_parse_address(text, strlen(text), 0, out, &why) == 0
		       ? 0
		       : -1;
}

/* "PREFIX" (every source) or "SOURCE:PREFIX", comma separated. */
static int set_nrtm_access(struct config *cfg, const char *value, const char **err)
{
	char *copy = xstrdup(value), *save = NULL;
	int rc = 0;

	cfg->nrtm_access_count = 0;
	for (char *item = strtok_r(copy, ", \t", &save); item != NULL; item = strtok_r(NULL, ", \t", &save)) {
		struct nrtm_access *a = &cfg->nrtm_access[cfg->nrtm_access_count];
		char *colon = strchr(item, ':');

		if (cfg->nrtm_access_count == MAX_NRTM_ACCESS) {
			*err = "at most 64 entries";
			rc = -1;
			break;
		}
		memset(a, 0, sizeof(*a));
		/* the whole item as a prefix first: IPv6 has colons too */
		if (parse_access_prefix(item, &a->prefix) < 0) {
			size_t n = colon != NULL ? (size_t)(colon - item) : 0;

			if (n == 0 || n > MAX_SOURCE_NAME_LENGTH || parse_access_prefix(colon + 1, &a->prefix) < 0) {
				*err = "entries must be an address prefix (192.0.2.0/24, 2001:db8::/32, an address) or"
				       " SOURCE:prefix";
				rc = -1;
				break;
			}
			for (size_t i = 0; i < n; i++)
				a->source[i] = (char)toupper((unsigned char)item[i]);
		}
		cfg->nrtm_access_count++;
	}
	free(copy);
	return rc;
}

static int set_nrtm_journal_days(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 36500, &cfg->nrtm_journal_days, err, "must be 0 (keep everything) to 36500 (days)");
}

static int set_nrtm_journal_serials(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 1000000000, &cfg->nrtm_journal_serials, err,
			  "must be 0 (keep everything) to 1000000000 (serials)");
}

static int set_dump_dir(struct config *cfg, const char *value, const char **err)
{
	return set_path(&cfg->dump_dir, value, true, err);
}

static int set_dump_sources(struct config *cfg, const char *value, const char **err)
{
	return parse_source_list(value, cfg->dump_sources, &cfg->dump_source_count, err);
}

static int set_dump_interval(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 30 * 86400, &cfg->dump_interval, err, "must be 0 (never) to 2592000 (seconds)");
}

static int set_rpki_refresh_interval(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 1, 86400, &cfg->rpki_refresh_interval, err, "must be 1 to 86400 (seconds)");
}

static int set_rpki_stale_after(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 1, 30 * 86400, &cfg->rpki_stale_after, err, "must be 1 to 2592000 (seconds)");
}

static int set_rpki_filter_invalid(struct config *cfg, const char *value, const char **err)
{
	return parse_yes_no(value, &cfg->rpki_filter_invalid, err);
}

static int set_rpki_reject_invalid_updates(struct config *cfg, const char *value, const char **err)
{
	return parse_yes_no(value, &cfg->rpki_reject_invalid_updates, err);
}

static int set_rpki_excluded_sources(struct config *cfg, const char *value, const char **err)
{
	return parse_source_list(value, cfg->rpki_excluded_sources, &cfg->rpki_excluded_source_count, err);
}

static int set_whois_spool_directory(struct config *cfg, const char *value, const char **err)
{
	return set_path(&cfg->whois_spool_directory, value, false, err);
}

static int set_mail_spool_dir(struct config *cfg, const char *value, const char **err)
{
	return set_path(&cfg->mail_spool_dir, value, false, err);
}

static int set_mail_gateway_certificate(struct config *cfg, const char *value, const char **err)
{
	return set_path(&cfg->mail_gateway_certificate, value, true, err);
}

static int set_mail_gateway_key(struct config *cfg, const char *value, const char **err)
{
	return set_path(&cfg->mail_gateway_key, value, true, err);
}

static int set_authlist_unallocated(struct config *cfg, const char *value, const char **err)
{
	if (strcmp(value, "reject") != 0 && strcmp(value, "allow") != 0) {
		*err = "must be reject or allow";
		return -1;
	}
	cfg->authlist_allow_unallocated = strcmp(value, "allow") == 0;
	return 0;
}

static int set_rpki_report_interval(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 30 * 86400, &cfg->rpki_report_interval, err,
			  "must be 0 (never) to 2592000 (seconds)");
}

static int set_authlist_check_interval(struct config *cfg, const char *value, const char **err)
{
	return parse_uint(value, 0, 30 * 86400, &cfg->authlist_check_interval, err,
			  "must be 0 (never) or 1 to 2592000 seconds");
}

static int set_alloc_rpsl_attribute(struct config *cfg, const char *value, const char **err)
{
	if (strcmp(value, "org") != 0 && strcmp(value, "mnt-by") != 0) {
		*err = "must be org or mnt-by";
		return -1;
	}
	free(cfg->alloc_rpsl_attribute);
	cfg->alloc_rpsl_attribute = xstrdup(value);
	return 0;
}

static const struct config_key {
	const char *name;
	config_setter set;
	const char *default_value; /* NULL: the key is required */
} config_keys[] = {
	{ "database", set_database, NULL },
	{ "user", set_user, "" },
	{ "source", set_source, NULL },
	{ "whois.listen", set_whois_listen, "127.0.0.1:4343" },
	{ "log.level", set_log_level, "info" },
	{ "sources.default", set_sources_default, "" },
	{ "nrtm.access", set_nrtm_access, "" },
	{ "nrtm.journal_days", set_nrtm_journal_days, "0" },
	{ "nrtm.journal_serials", set_nrtm_journal_serials, "0" },
	{ "dump.dir", set_dump_dir, "" },
	{ "dump.sources", set_dump_sources, "" },
	{ "dump.interval", set_dump_interval, "3600" },
	{ "whois.idle_timeout", set_idle_timeout, "30" },
	{ "whois.max_connections", set_max_connections, "4096" },
	{ "whois.max_connections_per_address", set_max_per_address, "64" },
	{ "whois.workers", set_whois_workers, "0" },
	{ "whois.max_output_memory", set_whois_max_output_memory, "256" },
	{ "whois.busy_poll", set_whois_busy_poll, "20" },
	{ "whois.spool_directory", set_whois_spool_directory, "/var/tmp" },
	{ "auth.override_hash", set_override_hash, "" },
	{ "mail.sendmail", set_sendmail, "/usr/sbin/sendmail -t -i" },
	{ "mail.sendmail_timeout", set_sendmail_timeout, "60" },
	{ "mail.from", set_mail_from, "routereg@localhost" },
	{ "auth.bcrypt_pw", set_bcrypt_policy, "enable" },
	{ "auth.md5_pw", set_md5_policy, "legacy" },
	{ "auth.crypt_pw", set_crypt_policy, "legacy" },
	{ "auth.crl_files", set_crl_files, "" },
	{ "auth.password_failures_per_hour", set_password_failures, "20" },
	{ "ca.dir", set_ca_dir, "ca" },
	{ "ca.passphrase_file", set_ca_passphrase_file, "" },
	{ "ca.key_type", set_ca_key_type, "ec" },
	{ "ca.crl_url", set_ca_crl_url, "http://localhost/crl/" },
	{ "ca.organization", set_ca_organization, "routereg" },
	{ "mail.require_signature", set_mail_require_signature, "yes" },
	{ "mail.require_signing_time", set_mail_require_signing_time, "yes" },
	{ "mail.signing_time_window", set_mail_signing_time_window, "3600" },
	{ "mail.max_message_size", set_mail_max_message_size, "10485760" },
	{ "mail.max_objects", set_mail_max_objects, "1000" },
	{ "mail.spool_dir", set_mail_spool_dir, "spool" },
	{ "mail.notify_retry_interval", set_notify_retry_interval, "60" },
	{ "mail.gateway_certificate", set_mail_gateway_certificate, "" },
	{ "mail.gateway_key", set_mail_gateway_key, "" },
	{ "authlist.unallocated", set_authlist_unallocated, "reject" },
	{ "authlist.check_interval", set_authlist_check_interval, "86400" },
	{ "alloc.rpsl_attribute", set_alloc_rpsl_attribute, "org" },
	{ "rpki.vrp_file", set_rpki_vrp_file, "" },
	{ "rpki.rtr_cache", set_rpki_rtr_cache, "" },
	{ "rpki.slurm_file", set_rpki_slurm_file, "" },
	{ "rpki.refresh_interval", set_rpki_refresh_interval, "300" },
	{ "rpki.stale_after", set_rpki_stale_after, "3600" },
	{ "rpki.report_interval", set_rpki_report_interval, "86400" },
	{ "rpki.filter_invalid", set_rpki_filter_invalid, "yes" },
	{ "rpki.excluded_sources", set_rpki_excluded_sources, "" },
	{ "rpki.reject_invalid_updates", set_rpki_reject_invalid_updates, "yes" },
};

#define CONFIG_KEY_COUNT (sizeof(config_keys) / sizeof(config_keys[0]))

static void relative_to_config(const char *config_path, char **value)
{
	const char *slash = strrchr(config_path, '/');
	struct strbuf sb;

	if (*value == NULL || (*value)[0] == '/' || slash == NULL)
		return;
	strbuf_init(&sb);
	strbuf_append(&sb, config_path, (size_t)(slash - config_path) + 1);
	strbuf_append_str(&sb, *value);
	free(*value);
	*value = strbuf_detach(&sb, NULL);
}

static int fail(char **err, const char *path, unsigned line, const char *key, const char *msg)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (line && key)
		strbuf_printf(&sb, "%s:%u: %s: %s", path, line, key, msg);
	else if (line)
		strbuf_printf(&sb, "%s:%u: %s", path, line, msg);
	else if (key)
		strbuf_printf(&sb, "%s: %s: %s", path, key, msg);
	else
		strbuf_printf(&sb, "%s: %s", path, msg);
	*err = strbuf_detach(&sb, NULL);
	return -1;
}

int config_load(const char *path, struct config **out, char **err)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	bool seen[CONFIG_KEY_COUNT] = { false };
	char line[MAX_CONFIG_LINE_LENGTH + 2];
	unsigned lineno = 0;
	const char *msg;
	FILE *f;
	int rc = -1;

	cfg->refs = 1;
	cfg->path = xstrdup(path);
	f = fopen(path, "r");
	if (f == NULL) {
		fail(err, path, 0, NULL, strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *eq, *key_end, *value, *vend;
		size_t k;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fail(err, path, lineno, NULL, "line too long");
			goto out;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (eq == NULL) {
			fail(err, path, lineno, NULL, "expected \"key = value\"");
			goto out;
		}
		key_end = eq;
		while (key_end > p && isspace((unsigned char)key_end[-1]))
			key_end--;
		*key_end = '\0';
		value = eq + 1;
		while (isspace((unsigned char)*value))
			value++;
		/* A '#' starts a comment only after whitespace, so values may contain '#'. */
		for (char *h = value; *h; h++) {
			if (*h == '#' && h > value && isspace((unsigned char)h[-1])) {
				*h = '\0';
				break;
			}
		}
		vend = value + strlen(value);
		while (vend > value && isspace((unsigned char)vend[-1]))
			vend--;
		*vend = '\0';
		for (k = 0; k < CONFIG_KEY_COUNT; k++) {
			if (strcmp(config_keys[k].name, p) == 0)
				break;
		}
		if (k == CONFIG_KEY_COUNT && strncmp(p, "mirror.", 7) == 0) {
			if (set_mirror_key(cfg, p + 7, value, &msg) < 0) {
				fail(err, path, lineno, p, msg);
				goto out;
			}
			continue;
		}
		if (k == CONFIG_KEY_COUNT) {
			fail(err, path, lineno, p, "unknown key");
			goto out;
		}
		if (seen[k]) {
			fail(err, path, lineno, p, "key given twice");
			goto out;
		}
		seen[k] = true;
		if (config_keys[k].set(cfg, value, &msg) < 0) {
			fail(err, path, lineno, p, msg);
			goto out;
		}
	}
	if (ferror(f)) {
		fail(err, path, 0, NULL, "read error");
		goto out;
	}
	for (size_t k = 0; k < CONFIG_KEY_COUNT; k++) {
		if (seen[k])
			continue;
		if (config_keys[k].default_value == NULL) {
			fail(err, path, 0, config_keys[k].name, "required key is missing");
			goto out;
		}
		if (config_keys[k].set(cfg, config_keys[k].default_value, &msg) < 0)
			fatal("default for %s is invalid: %s", config_keys[k].name, msg);
	}
	if (cfg->rpki_vrp_file != NULL && cfg->rpki_rtr_cache != NULL) {
		fail(err, path, 0, "rpki.rtr_cache", "rpki.vrp_file is set too: VRPs come from one of them");
		goto out;
	}
	if (cfg->rpki_slurm_file != NULL && cfg->rpki_vrp_file == NULL && cfg->rpki_rtr_cache == NULL) {
		fail(err, path, 0, "rpki.slurm_file", "applies on top of VRPs: set rpki.vrp_file or rpki.rtr_cache too");
		goto out;
	}
	/* Relative paths are relative to the configuration file. */
	relative_to_config(path, &cfg->database);
	relative_to_config(path, &cfg->ca_dir);
	relative_to_config(path, &cfg->mail_spool_dir);
	relative_to_config(path, &cfg->whois_spool_directory);
	relative_to_config(path, &cfg->mail_gateway_certificate);
	relative_to_config(path, &cfg->mail_gateway_key);
	relative_to_config(path, &cfg->rpki_vrp_file);
	relative_to_config(path, &cfg->rpki_slurm_file);
	relative_to_config(path, &cfg->dump_dir);
	for (size_t i = 0; i < cfg->mirror_count; i++) {
		/* URLs stay as they are; file paths are relative to the configuration file */
		if (cfg->mirrors[i].dump != NULL && strstr(cfg->mirrors[i].dump, "://") == NULL)
			relative_to_config(path, &cfg->mirrors[i].dump);
		if (cfg->mirrors[i].serial != NULL && strstr(cfg->mirrors[i].serial, "://") == NULL)
			relative_to_config(path, &cfg->mirrors[i].serial);
	}
	*out = cfg;
	cfg = NULL;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	config_free(cfg);
	return rc;
}

struct config *config_ref(struct config *cfg)
{
	cfg->refs++;
	return cfg;
}

void config_free(struct config *cfg)
{
	if (cfg == NULL || --cfg->refs > 0)
		return;
	free(cfg->path);
	free(cfg->database);
	free(cfg->user);
	free(cfg->source);
	free(cfg->override_hash);
	free(cfg->sendmail);
	free(cfg->mail_from);
	free_crl_files(cfg);
	free(cfg->ca_dir);
	free(cfg->ca_passphrase_file);
	free(cfg->ca_key_type);
	free(cfg->ca_crl_url);
	free(cfg->ca_organization);
	free(cfg->mail_spool_dir);
	free(cfg->whois_spool_directory);
	free(cfg->mail_gateway_certificate);
	free(cfg->mail_gateway_key);
	free(cfg->alloc_rpsl_attribute);
	free(cfg->rpki_vrp_file);
	free(cfg->rpki_slurm_file);
	free(cfg->rpki_rtr_cache);
	free(cfg->dump_dir);
	for (size_t i = 0; i < cfg->mirror_count; i++) {
		free(cfg->mirrors[i].dump);
		free(cfg->mirrors[i].serial);
	}
	free(cfg);
}

/* Puts the running value of a string setting into fresh; true when they differed. */
static bool keep_string(const char *running, char **fresh)
{
	bool differs = (running == NULL) != (*fresh == NULL) || (running != NULL && strcmp(running, *fresh) != 0);

	free(*fresh);
	*fresh = running != NULL ? xstrdup(running) : NULL;
	return differs;
}

size_t config_keep_restart_only(const struct config *running, struct config *fresh, const char **changed,
				size_t max)
{
	size_t n = 0;

	if (keep_string(running->database, &fresh->database) && n < max)
		changed[n++] = "database";
	if (keep_string(running->source, &fresh->source) && n < max)
		changed[n++] = "source";
	if (keep_string(running->user, &fresh->user) && n < max)
		changed[n++] = "user";
	if (running->whois_workers != fresh->whois_workers) {
		if (n < max)
			changed[n++] = "whois.workers";
		fresh->whois_workers = running->whois_workers;
	}
	/* the VRP source: whois, the table and the update checks must change together, at a restart */
	if (keep_string(running->rpki_vrp_file, &fresh->rpki_vrp_file) && n < max)
		changed[n++] = "rpki.vrp_file";
	if (keep_string(running->rpki_rtr_cache, &fresh->rpki_rtr_cache) && n < max)
		changed[n++] = "rpki.rtr_cache";
	if (running->whois_listen_count != fresh->whois_listen_count ||
	    memcmp(running->whois_listen, fresh->whois_listen, sizeof(running->whois_listen)) != 0) {
		if (n < max)
			changed[n++] = "whois.listen";
		memcpy(fresh->whois_listen, running->whois_listen, sizeof(fresh->whois_listen));
		fresh->whois_listen_count = running->whois_listen_count;
	}
	return n;
}
