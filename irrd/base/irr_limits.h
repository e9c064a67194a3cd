/*
 * Hard limits on untrusted input, in one place so operators and reviewers can see
 * every bound the server enforces. Parsers refuse input past these with an error
 * that names the limit; nothing here is a buffer size to copy into blindly.
 */
#ifndef IRRD_IRR_LIMITS_H
#define IRRD_IRR_LIMITS_H

/* One physical line of RPSL text (RIPE allows long lines; dumps hold some huge ones). */
#define MAX_LINE_LENGTH        (64 * 1024)
/* One RPSL object, all lines together. A 100,000-line object must be refused or handled, never crash. */
#define MAX_OBJECT_SIZE        (4 * 1024 * 1024)
/* Attributes in one object (large as-sets list thousands of members one per line). */
#define MAX_ATTRIBUTES         (200 * 1000)
/* Length of a class or attribute name. */
#define MAX_ATTR_NAME_LENGTH   64
/* Length of a primary key once composed (route keys are prefix + origin). */
#define MAX_PRIMARY_KEY_LENGTH 256
/* Depth of hierarchical set names (AS65000:AS-FOO:AS-BAR ...). */
#define MAX_SET_NAME_COMPONENTS 16
/* One line of a configuration file. */
#define MAX_CONFIG_LINE_LENGTH 4096
/* Number of listen addresses in one configuration value. */
#define MAX_LISTEN_ADDRESSES   16
/* CRL files named by auth.crl_files */
#define MAX_CRL_FILES          16
/* Length of a source name (RADB, JPIRR, RIPE-NONAUTH ...). */
#define MAX_SOURCE_NAME_LENGTH 32
/* The pseudo-source of the VRPs (as IRRd names it): no stored source may take the name. */
#define RPKI_PSEUDO_SOURCE_NAME "RPKI"

/* One update submission (a mail body, an irrctl submit input). */
#define MAX_SUBMISSION_SIZE    (16 * 1024 * 1024)
/* Different password: lines in one submission: each is a guess at every maintainer it meets. */
#define MAX_SUBMISSION_PASSWORDS 10
/* whois: one query line; longer lines are answered with an error and the connection closed. */
#define MAX_QUERY_LENGTH       (16 * 1024)
/* whois: sources named in one !s / -s list. */
#define MAX_QUERY_SOURCES      32
/* whois: unanswered input read from one client; TCP holds the rest (room for a longest line and more). */
#define MAX_UNANSWERED_INPUT   (2 * MAX_QUERY_LENGTH + 2)
/* whois: unsent answers of one client past which its next query waits for it to read. */
#define MAX_UNSENT_PER_CLIENT  (256 * 1024)
/*
 * whois: bytes of one answer built on a worker held in memory; past them the whole
 * answer goes to a temporary file (whois.spool_directory), as IRRd legacy spooled
 * answers. Small, because every connection may have one answer in memory: with
 * 1 MiB, sixty clients that never read held 40-90 MiB whatever
 * whois.max_output_memory said; with 64 KiB a page-cache write and a sendfile
 * replace a copy for the few answers this large.
 */
#define MAX_ANSWER_IN_MEMORY   (64 * 1024)
/* whois: objects in one answer (a more-specific search of 0.0.0.0/0 would be the whole registry). */
#define MAX_QUERY_OBJECTS      (100 * 1000)
/*
 * Set expansion: members in one answer (ASNs or prefixes). Nesting depth is not
 * limited: real registries nest as-sets deeper than 32 levels, and each set is
 * expanded once (in route-sets once per composed range operator, each counted), so
 * MAX_SETS_VISITED bounds the work of any nesting.
 */
#define MAX_SET_MEMBERS        (2 * 1000 * 1000)
/* Sets visited in one expansion (bounds the work of a pathological nesting). */
#define MAX_SETS_VISITED       (200 * 1000)
/* Prefixes a route-set expansion looks at, kept or dropped by range operators (bounds the work of a set listed under many operators). */
#define MAX_SET_PREFIXES_CONSIDERED (4 * 1000 * 1000)

/* Mail: MIME nesting below the message (a signed part inside a mixed one is depth 2). */
#define MAX_MIME_DEPTH         8
/* Mail: MIME parts looked at in one message. */
#define MAX_MIME_PARTS         100
/* Mail: bytes of a too-large message kept to read its headers for the reply. */
#define MAX_MAIL_HEADER_PEEK   (256 * 1024)

/* RPKI: one VRP file (rpki-client -j or -c, Routinator json), read whole (the global RPKI is under 100 MB of JSON). */
#define MAX_VRP_FILE_SIZE      (256 * 1024 * 1024)
/* RPKI: VRPs in one file (the global RPKI holds under a million). */
#define MAX_VRPS               (10 * 1000 * 1000)
/* RPKI: distinct trust anchor names in one VRP set (five RIRs and a few local TALs). */
#define MAX_TRUST_ANCHORS      64
/* RPKI: length of one trust anchor name ("ripe", "apnic", "N/A"). */
#define MAX_TRUST_ANCHOR_NAME_LENGTH 64
/* RPKI: one SLURM file (RFC 8416), read whole. */
#define MAX_SLURM_FILE_SIZE    (16 * 1024 * 1024)
/* RPKI: filters and assertions of all SLURM files together. */
#define MAX_SLURM_ENTRIES      (100 * 1000)
/* RPKI: SLURM files used together (RFC 8416 section 4.2). */
#define MAX_SLURM_FILES        16

#endif
