/*
 * The configuration file: `key = value` lines, `#` comments. Every key is in one
 * table in config.c (name, parser, default, documentation line); unknown keys,
 * duplicates and bad values are errors naming file, line and key.
 */
#ifndef IRRD_CONFIG_H
#define IRRD_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "irr_limits.h"
#include "log.h"
#include "prefix.h"

/*
 * Which routes a filter may hold (irrctl export filter --policy, and whois answers on a
 * listener that names one): the same four words everywhere.
 */
enum route_policy {
	ROUTE_POLICY_IRR,      /* every route in the IRR */
	ROUTE_POLICY_RPKI,     /* without the RPKI-invalid routes (not_found kept) */
	ROUTE_POLICY_VERIFIED, /* only routes of our source verified by the authorisation list */
	ROUTE_POLICY_STRICT,   /* verified and not RPKI-invalid */
};

/* "irr", "rpki", "verified", "strict", and back (false: not one of them). */
const char *route_policy_name(enum route_policy p);
bool route_policy_parse(const char *word, enum route_policy *out);

/* At most this many nrtm.access entries. */
#define MAX_NRTM_ACCESS 64
/* At most this many mirrored sources. */
#define MAX_MIRRORS 32

struct listen_address {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char text[80];        /* as written, for messages: "127.0.0.1:4343", "[::1]:4343" */
	bool has_policy;      /* "127.0.0.1:4344 strict": answers follow that policy; else rpki.filter_invalid */
	enum route_policy policy;
};

/* Per password scheme: accepted and may be set / accepted but may not be added to a maintainer / refused. */
enum password_policy { PASSWORD_ENABLE, PASSWORD_LEGACY, PASSWORD_DISABLE };

struct config {
	unsigned refs;        /* config_ref / config_free; only the loop thread counts (see config_ref) */
	char *path;
	char *database;       /* SQLite file */
	char *user;           /* irrd: the user to run as after binding its ports (started as root); NULL: stay */
	char *source;         /* our authoritative source, upper case */
	struct listen_address whois_listen[MAX_LISTEN_ADDRESSES];
	size_t whois_listen_count;
	enum log_level log_level;
	/* Default source order for queries; empty: every source, ours first. */
	char sources_default[MAX_QUERY_SOURCES][MAX_SOURCE_NAME_LENGTH + 1];
	size_t sources_default_count;
	unsigned whois_idle_timeout;          /* seconds */
	unsigned whois_max_connections;
	unsigned whois_max_connections_per_address;
	unsigned whois_workers;               /* query worker threads; 0: one per CPU, at least 2 */
	unsigned whois_max_output_memory;     /* MiB of unsent answers held in memory, all connections */
	unsigned whois_busy_poll;             /* microseconds the loop polls for more before sleeping after a busy round */
	char *whois_spool_directory;          /* temporary files for large answers */
	char *sendmail;                       /* command reading an RFC 5322 message on stdin (-t -i) */
	unsigned mail_sendmail_timeout;       /* seconds sendmail may take before it is stopped */
	char *mail_from;                      /* From: of notifications and replies */
	char *override_hash;                  /* crypt(3) hash of the registry staff override password; NULL: none */
	enum password_policy bcrypt_pw, md5_pw, crypt_pw;
	/* Failed password verifications per maintainer per hour; past it, that maintainer's
	 * passwords are not checked until the hour is over (signatures still work). 0: no limit. */
	unsigned password_failures_per_hour;
	/* CRLs (PEM or DER) consulted for X.509 key-cert certificates; our CA's CRL joins them later. */
	char *crl_files[MAX_CRL_FILES];
	size_t crl_file_count;
	/* The certificate authority (cert/, issue 5). */
	char *ca_dir;                         /* CA certificates and keys; relative: to the config file */
	char *ca_passphrase_file;             /* NULL: CA keys unencrypted (0600 files) */
	char *ca_key_type;                    /* "ec" (P-256) or "rsa" (3072 bits) for new keys */
	char *ca_crl_url;                     /* base URL of the published CRLs, for the CRL distribution point */
	char *ca_organization;                /* O= of our CA names */
	/* The mail gateway (mailgate/, issue 6). */
	bool mail_require_signature;          /* unsigned mail (passwords only) is refused */
	bool mail_require_signing_time;       /* a signature without a signing time is refused */
	unsigned mail_signing_time_window;    /* seconds a signature's time may differ from now */
	unsigned mail_max_message_size;       /* bytes; larger messages are answered, not processed */
	unsigned mail_max_objects;            /* objects in one message */
	char *mail_spool_dir;                 /* messages that could not be processed, with the reason */
	unsigned mail_notify_retry_interval;  /* seconds between irrd's retries of queued notifications; 0: never */
	char *mail_gateway_certificate;       /* PEM: the certificate replies are signed with */
	char *mail_gateway_key;               /* PEM: its private key (unencrypted, readable by the gateway only) */
	/* The authorisation list (issue 7). */
	bool authlist_allow_unallocated;      /* routes for space no LIR holds and no entry covers */
	unsigned authlist_check_interval;     /* seconds between irrd's consistency checks; 0: never */
	/* Who may read NRTM (-g): an address prefix for every source, or for one source. */
	struct nrtm_access {
		char source[MAX_SOURCE_NAME_LENGTH + 1];   /* "": every source */
		struct prefix prefix;
	} nrtm_access[MAX_NRTM_ACCESS];
	size_t nrtm_access_count;
	unsigned nrtm_journal_days;          /* journal entries older than this are deleted (0: kept) */
	unsigned nrtm_journal_serials;       /* per source, only the newest this many are kept (0: all) */
	/* The sources we mirror (mirror.SOURCE.* keys). */
	struct mirror_config {
		char source[MAX_SOURCE_NAME_LENGTH + 1];
		char nrtm[128];        /* host:port of the upstream's whois (NRTMv3); "": none */
		char *dump;            /* file path or URL of <source>.db.gz; NULL: none */
		char *serial;          /* file path or URL of <SOURCE>.CURRENTSERIAL */
		unsigned interval;     /* seconds between polls */
		unsigned stall_after;  /* seconds without progress before it is reported stalled */
	} mirrors[MAX_MIRRORS];
	size_t mirror_count;
	char *dump_dir;                       /* where dumps for mirrors are written; NULL: none on the timer */
	char dump_sources[MAX_QUERY_SOURCES][MAX_SOURCE_NAME_LENGTH + 1]; /* empty: our source */
	size_t dump_source_count;
	unsigned dump_interval;               /* seconds between dumps (with dump.dir); 0: never */
	char *alloc_rpsl_attribute;           /* "org" or "mnt-by": what maps inetnum objects to LIRs */
	/* RPKI (issue 15): ROAs in, a state for every route. */
	char *rpki_vrp_file;                  /* rpki-client/Routinator JSON or CSV; NULL: RPKI off */
	char *rpki_rtr_cache;                 /* "host:port" of an RPKI cache (RTR) instead of a file; NULL: none */
	char *rpki_slurm_file;                /* RFC 8416 local exceptions; NULL: none */
	unsigned rpki_refresh_interval;       /* seconds between looks at the VRP file */
	unsigned rpki_report_interval;        /* seconds between mailed RPKI reports (newly wrong only); 0: never */
	unsigned rpki_stale_after;            /* seconds without a good load before the set is reported stale */
	bool rpki_filter_invalid;             /* leave RPKI-invalid routes out of answers (!f per connection) */
	bool rpki_reject_invalid_updates;     /* refuse creating or modifying RPKI-invalid routes */
	char rpki_excluded_sources[MAX_QUERY_SOURCES][MAX_SOURCE_NAME_LENGTH + 1]; /* never filtered */
	size_t rpki_excluded_source_count;
};

/* Loads and validates a file. Returns 0, or -1 with *err (caller frees). Free with config_free. */
int config_load(const char *path, struct config **out, char **err);
/*
 * Another holder of cfg (a whois query running on a worker while SIGHUP replaces
 * the configuration): config_free then frees it only when the last holder lets go.
 * Not atomic: take and drop references on one thread (irrd's loop thread).
 */
struct config *config_ref(struct config *cfg);
void config_free(struct config *cfg);

/*
 * SIGHUP: settings a running irrd cannot take over without a restart (database,
 * source, user, whois.listen) are copied from `running` into `fresh`; the names of
 * those that differed go to changed[] (at most max). Returns how many differed.
 */
size_t config_keep_restart_only(const struct config *running, struct config *fresh, const char **changed,
				size_t max);

/* Parses "host:port" / "[v6]:port" (IP literals only). Returns 0 or -1 with *err static. */
int config_parse_listen_address(const char *text, struct listen_address *out, const char **err);

#endif
