/*
 * The RPSL object model as data: one table per class saying which attributes it
 * has, which are mandatory / multiple / primary / lookup keys, and which syntax
 * checker applies. rpsl_parse.c applies these tables; nothing else encodes them.
 */
#ifndef IRRD_RPSL_SCHEMA_H
#define IRRD_RPSL_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rpsl_class_id {
	RPSL_CLASS_AS_BLOCK,
	RPSL_CLASS_AS_SET,
	RPSL_CLASS_AUT_NUM,
	RPSL_CLASS_DOMAIN,
	RPSL_CLASS_FILTER_SET,
	RPSL_CLASS_INET_RTR,
	RPSL_CLASS_INET6NUM,
	RPSL_CLASS_INETNUM,
	RPSL_CLASS_IRT,
	RPSL_CLASS_KEY_CERT,
	RPSL_CLASS_MNTNER,
	RPSL_CLASS_ORGANISATION,
	RPSL_CLASS_PEERING_SET,
	RPSL_CLASS_PERSON,
	RPSL_CLASS_ROLE,
	RPSL_CLASS_ROUTE,
	RPSL_CLASS_ROUTE_SET,
	RPSL_CLASS_ROUTE6,
	RPSL_CLASS_RTR_SET,
	RPSL_CLASS_COUNT
};

/* Syntax checkers; rpsl_syntax.c has one function per entry. */
enum rpsl_syntax {
	SYN_TEXT,            /* free text, anything printable or not */
	SYN_OBJECT_NAME,     /* RFC 2622 object name: letter, then letters/digits/_/- */
	SYN_NIC_HANDLE,      /* nic-hdl: letters, digits, '-' (AUTO-n allowed) */
	SYN_EMAIL,           /* one RFC 5322 addr-spec */
	SYN_CHANGED,         /* "email [YYYYMMDD]" */
	SYN_DATETIME,        /* ISO 8601 UTC timestamp, server generated */
	SYN_SOURCE,          /* source name */
	SYN_ASN,             /* AS number, asplain or asdot; canonicalised to asplain */
	SYN_AS_RANGE,        /* as-block: "AS1 - AS2" */
	SYN_PREFIX4,         /* IPv4 prefix, canonical */
	SYN_PREFIX6,         /* IPv6 prefix, canonical */
	SYN_RANGE4,          /* inetnum: "a - b" or prefix */
	SYN_AS_SET_NAME,     /* AS-FOO or AS65000:AS-FOO */
	SYN_ROUTE_SET_NAME,  /* RS-FOO ... */
	SYN_FILTER_SET_NAME, /* FLTR-FOO ... */
	SYN_PEERING_SET_NAME,/* PRNG-FOO ... */
	SYN_RTR_SET_NAME,    /* RTRS-FOO ... */
	SYN_AS_SET_MEMBER,   /* AS number or as-set name */
	SYN_RS_MEMBER4,      /* route-set members: IPv4 prefix, set or AS, with range operator */
	SYN_RS_MEMBER46,     /* mp-members: as above, IPv4 or IPv6 */
	SYN_RTR_SET_MEMBER,  /* inet-rtr name, rtr-set name or IP address */
	SYN_MNTNER_REF,      /* maintainer name */
	SYN_MBRS_BY_REF,     /* maintainer name or ANY */
	SYN_MNT_ROUTES,      /* "MNT-X [{ prefix-range, ... } | ANY]" */
	SYN_AUTH,            /* auth scheme + data */
	SYN_KEY_CERT_NAME,   /* PGPKEY-<hex8> or X509-<n> */
	SYN_ORG_ID,          /* ORG-... */
	SYN_COUNTRY,         /* ISO 3166 two letters */
	SYN_DNS_NAME,        /* host name */
	SYN_COUNT
};

/* Attribute flags. */
#define ATTR_MANDATORY   0x01u /* must be present */
#define ATTR_MULTIPLE    0x02u /* may appear more than once */
#define ATTR_PRIMARY_KEY 0x04u /* part of the object's primary key */
#define ATTR_LOOKUP_KEY  0x08u /* indexed for inverse queries (-i) */
#define ATTR_LIST        0x10u /* value is a comma-separated list, each item checked */
#define ATTR_GENERATED   0x20u /* set by the server; submitted values ignored */

/* No class table is longer than this (checked when the tables are sorted). */
#define RPSL_MAX_CLASS_ATTRS 64

struct rpsl_attr_def {
	const char *name;       /* lower case */
	unsigned flags;
	enum rpsl_syntax syntax;
};

struct rpsl_class {
	enum rpsl_class_id id;
	const char *name;
	const struct rpsl_attr_def *attrs; /* sorted by name at init for lookup */
	size_t attr_count;
	/*
	 * Kept and served from other registries (RIPE's domain and irt) but not a class
	 * of ours: refused in updates to our source (strict parsing).
	 */
	bool is_mirror_only;
};

/* Looks up a class by (case-insensitive) name; NULL when unknown. */
const struct rpsl_class *rpsl_schema_class(const char *name, size_t len);
const struct rpsl_class *rpsl_schema_class_by_id(enum rpsl_class_id id);
/* Looks up an attribute of a class by lower-case name; NULL when the class has none. */
const struct rpsl_attr_def *rpsl_schema_attr(const struct rpsl_class *cls, const char *lower_name);

#endif
