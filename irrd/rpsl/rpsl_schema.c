/*
 * The class tables. Attribute lists follow RFC 2622/4012/2725/2726 and the RIPE
 * database templates as IRRd 4 accepts them. Order here is the template order
 * used by `-t`; lookups go through a name-sorted copy built once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rpsl_schema.h"

#define M  ATTR_MANDATORY
#define MU ATTR_MULTIPLE
#define PK ATTR_PRIMARY_KEY
#define LK ATTR_LOOKUP_KEY
#define LI ATTR_LIST
#define GE ATTR_GENERATED

/* Attributes every class carries, in template order at the end of each table. */
#define COMMON_TAIL                                        \
	{ "remarks", MU, SYN_TEXT },                       \
	{ "notify", MU | LK, SYN_EMAIL },                  \
	{ "mnt-by", M | MU | LK | LI, SYN_MNTNER_REF },    \
	{ "changed", MU, SYN_CHANGED },                    \
	{ "created", GE, SYN_DATETIME },                   \
	{ "last-modified", GE, SYN_DATETIME },             \
	{ "source", M, SYN_SOURCE }

#define CONTACTS                                           \
	{ "admin-c", M | MU | LK | LI, SYN_NIC_HANDLE },   \
	{ "tech-c", M | MU | LK | LI, SYN_NIC_HANDLE }

static const struct rpsl_attr_def as_block_attrs[] = {
	{ "as-block", M | PK, SYN_AS_RANGE },
	{ "descr", MU, SYN_TEXT },
	{ "org", LK, SYN_ORG_ID },
	CONTACTS,
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	COMMON_TAIL,
};

static const struct rpsl_attr_def as_set_attrs[] = {
	{ "as-set", M | PK, SYN_AS_SET_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "members", MU | LK | LI, SYN_AS_SET_MEMBER },
	{ "mbrs-by-ref", MU | LK | LI, SYN_MBRS_BY_REF },
	{ "org", LK, SYN_ORG_ID },
	CONTACTS,
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	COMMON_TAIL,
};

static const struct rpsl_attr_def aut_num_attrs[] = {
	{ "aut-num", M | PK, SYN_ASN },
	{ "as-name", M, SYN_OBJECT_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "member-of", MU | LK | LI, SYN_AS_SET_NAME },
	{ "import", MU, SYN_TEXT },
	{ "mp-import", MU, SYN_TEXT },
	{ "import-via", MU, SYN_TEXT },
	{ "export", MU, SYN_TEXT },
	{ "mp-export", MU, SYN_TEXT },
	{ "export-via", MU, SYN_TEXT },
	{ "default", MU, SYN_TEXT },
	{ "mp-default", MU, SYN_TEXT },
	{ "org", LK, SYN_ORG_ID },
	{ "sponsoring-org", LK, SYN_ORG_ID },
	CONTACTS,
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	{ "mnt-routes", MU | LK, SYN_MNT_ROUTES },
	COMMON_TAIL,
};

static const struct rpsl_attr_def filter_set_attrs[] = {
	{ "filter-set", M | PK, SYN_FILTER_SET_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "filter", 0, SYN_TEXT },
	{ "mp-filter", 0, SYN_TEXT },
	{ "org", LK, SYN_ORG_ID },
	CONTACTS,
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	COMMON_TAIL,
};

static const struct rpsl_attr_def inet_rtr_attrs[] = {
	{ "inet-rtr", M | PK, SYN_DNS_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "alias", MU | LK, SYN_DNS_NAME },
	{ "local-as", M | LK, SYN_ASN },
	{ "ifaddr", M | MU, SYN_TEXT },
	{ "interface", MU, SYN_TEXT },
	{ "peer", MU, SYN_TEXT },
	{ "mp-peer", MU, SYN_TEXT },
	{ "member-of", MU | LK | LI, SYN_RTR_SET_NAME },
	{ "org", LK, SYN_ORG_ID },
	CONTACTS,
	COMMON_TAIL,
};

static const struct rpsl_attr_def inet6num_attrs[] = {
	{ "inet6num", M | PK, SYN_PREFIX6 },
	{ "netname", M, SYN_TEXT },
	{ "descr", MU, SYN_TEXT },
	{ "country", M | MU, SYN_COUNTRY },
	{ "org", LK, SYN_ORG_ID },
	{ "geoloc", 0, SYN_TEXT },
	{ "geofeed", 0, SYN_TEXT },        /* RFC 9632: the URL of the block's geolocation feed */
	{ "language", MU, SYN_TEXT },
	CONTACTS,
	{ "status", 0, SYN_TEXT },
	{ "assignment-size", 0, SYN_TEXT },
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	{ "mnt-routes", MU | LK, SYN_MNT_ROUTES },
	{ "mnt-irt", MU | LK | LI, SYN_OBJECT_NAME },
	COMMON_TAIL,
};

/* RIPE's reverse-delegation objects, as its database publishes them (mirrored only). */
static const struct rpsl_attr_def domain_attrs[] = {
	{ "domain", M | PK, SYN_DNS_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "org", LK, SYN_ORG_ID },
	{ "admin-c", M | MU | LK | LI, SYN_NIC_HANDLE },
	{ "tech-c", M | MU | LK | LI, SYN_NIC_HANDLE },
	{ "zone-c", M | MU | LK | LI, SYN_NIC_HANDLE },
	{ "nserver", MU | LK, SYN_TEXT },
	{ "ds-rdata", MU, SYN_TEXT },
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	COMMON_TAIL,
};

/* RIPE's incident response teams (mirrored only); auth may hold hashes: filtered on output like mntner's. */
static const struct rpsl_attr_def irt_attrs[] = {
	{ "irt", M | PK, SYN_OBJECT_NAME },
	{ "address", M | MU, SYN_TEXT },
	{ "phone", MU, SYN_TEXT },
	{ "fax-no", MU, SYN_TEXT },
	{ "e-mail", M | MU | LK, SYN_EMAIL },
	{ "abuse-mailbox", MU | LK, SYN_EMAIL },
	{ "signature", MU, SYN_TEXT },
	{ "encryption", MU, SYN_TEXT },
	{ "org", LK, SYN_ORG_ID },
	{ "admin-c", M | MU | LK | LI, SYN_NIC_HANDLE },
	{ "tech-c", M | MU | LK | LI, SYN_NIC_HANDLE },
	{ "auth", M | MU, SYN_TEXT },
	{ "irt-nfy", MU | LK, SYN_EMAIL },
	COMMON_TAIL,
};

static const struct rpsl_attr_def inetnum_attrs[] = {
	{ "inetnum", M | PK, SYN_RANGE4 },
	{ "netname", M, SYN_TEXT },
	{ "descr", MU, SYN_TEXT },
	{ "country", M | MU, SYN_COUNTRY },
	{ "org", LK, SYN_ORG_ID },
	{ "geoloc", 0, SYN_TEXT },
	{ "geofeed", 0, SYN_TEXT },        /* RFC 9632: the URL of the block's geolocation feed */
	{ "language", MU, SYN_TEXT },
	CONTACTS,
	{ "status", 0, SYN_TEXT },
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	{ "mnt-routes", MU | LK, SYN_MNT_ROUTES },
	{ "mnt-irt", MU | LK | LI, SYN_OBJECT_NAME },
	COMMON_TAIL,
};

static const struct rpsl_attr_def key_cert_attrs[] = {
	{ "key-cert", M | PK, SYN_KEY_CERT_NAME },
	{ "method", GE, SYN_TEXT },
	{ "owner", GE | MU, SYN_TEXT },
	{ "fingerpr", GE, SYN_TEXT },
	{ "certif", M | MU, SYN_TEXT },
	{ "org", LK, SYN_ORG_ID },
	{ "admin-c", MU | LK | LI, SYN_NIC_HANDLE },
	{ "tech-c", MU | LK | LI, SYN_NIC_HANDLE },
	COMMON_TAIL,
};

static const struct rpsl_attr_def mntner_attrs[] = {
	{ "mntner", M | PK, SYN_OBJECT_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "org", LK, SYN_ORG_ID },
	{ "admin-c", M | MU | LK | LI, SYN_NIC_HANDLE },
	{ "tech-c", MU | LK | LI, SYN_NIC_HANDLE },
	{ "upd-to", M | MU | LK, SYN_EMAIL },
	{ "mnt-nfy", MU | LK, SYN_EMAIL },
	{ "auth", M | MU, SYN_AUTH }, /* not indexed: it holds password hashes */
	{ "referral-by", 0, SYN_MNTNER_REF },
	COMMON_TAIL,
};

static const struct rpsl_attr_def organisation_attrs[] = {
	{ "organisation", M | PK, SYN_ORG_ID },
	{ "org-name", M, SYN_TEXT },
	{ "org-type", 0, SYN_TEXT },
	{ "descr", MU, SYN_TEXT },
	{ "address", MU, SYN_TEXT },
	{ "phone", MU, SYN_TEXT },
	{ "fax-no", MU, SYN_TEXT },
	{ "e-mail", MU | LK, SYN_EMAIL },
	{ "org", MU | LK, SYN_ORG_ID },
	{ "admin-c", MU | LK | LI, SYN_NIC_HANDLE },
	{ "tech-c", MU | LK | LI, SYN_NIC_HANDLE },
	{ "abuse-c", 0, SYN_NIC_HANDLE },
	{ "mnt-ref", MU | LK | LI, SYN_MNTNER_REF },
	COMMON_TAIL,
};

static const struct rpsl_attr_def peering_set_attrs[] = {
	{ "peering-set", M | PK, SYN_PEERING_SET_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "peering", MU, SYN_TEXT },
	{ "mp-peering", MU, SYN_TEXT },
	{ "org", LK, SYN_ORG_ID },
	CONTACTS,
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	COMMON_TAIL,
};

#define PERSON_LIKE_TAIL                                   \
	{ "address", M | MU, SYN_TEXT },                   \
	{ "phone", M | MU, SYN_TEXT },                     \
	{ "fax-no", MU, SYN_TEXT },                        \
	{ "e-mail", MU | LK, SYN_EMAIL }

static const struct rpsl_attr_def person_attrs[] = {
	{ "person", M, SYN_TEXT },
	PERSON_LIKE_TAIL,
	{ "org", MU | LK, SYN_ORG_ID },
	{ "nic-hdl", M | PK, SYN_NIC_HANDLE },
	COMMON_TAIL,
};

static const struct rpsl_attr_def role_attrs[] = {
	{ "role", M, SYN_TEXT },
	{ "trouble", MU, SYN_TEXT },
	PERSON_LIKE_TAIL,
	{ "org", MU | LK, SYN_ORG_ID },
	{ "admin-c", MU | LK | LI, SYN_NIC_HANDLE },
	{ "tech-c", MU | LK | LI, SYN_NIC_HANDLE },
	{ "nic-hdl", M | PK, SYN_NIC_HANDLE },
	COMMON_TAIL,
};

#define ROUTE_COMMON                                            \
	{ "descr", MU, SYN_TEXT },                              \
	{ "holes", MU | LI, SYN_TEXT },                         \
	{ "org", LK, SYN_ORG_ID },                              \
	{ "member-of", MU | LK | LI, SYN_ROUTE_SET_NAME },      \
	{ "inject", MU, SYN_TEXT },                             \
	{ "aggr-bndry", 0, SYN_TEXT },                          \
	{ "aggr-mtd", 0, SYN_TEXT },                            \
	{ "export-comps", 0, SYN_TEXT },                        \
	{ "components", 0, SYN_TEXT },                          \
	{ "admin-c", MU | LK | LI, SYN_NIC_HANDLE },            \
	{ "tech-c", MU | LK | LI, SYN_NIC_HANDLE },             \
	{ "geoidx", MU, SYN_TEXT },                             \
	{ "roa-uri", 0, SYN_TEXT },                             \
	{ "pingable", MU, SYN_TEXT },                           \
	{ "ping-hdl", MU | LK | LI, SYN_NIC_HANDLE },           \
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },          \
	{ "mnt-routes", MU | LK, SYN_MNT_ROUTES }

static const struct rpsl_attr_def route_attrs[] = {
	{ "route", M | PK, SYN_PREFIX4 },
	{ "origin", M | PK | LK, SYN_ASN },
	ROUTE_COMMON,
	COMMON_TAIL,
};

static const struct rpsl_attr_def route6_attrs[] = {
	{ "route6", M | PK, SYN_PREFIX6 },
	{ "origin", M | PK | LK, SYN_ASN },
	ROUTE_COMMON,
	COMMON_TAIL,
};

static const struct rpsl_attr_def route_set_attrs[] = {
	{ "route-set", M | PK, SYN_ROUTE_SET_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "members", MU | LK | LI, SYN_RS_MEMBER4 },
	{ "mp-members", MU | LK | LI, SYN_RS_MEMBER46 },
	{ "mbrs-by-ref", MU | LK | LI, SYN_MBRS_BY_REF },
	{ "org", LK, SYN_ORG_ID },
	CONTACTS,
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	COMMON_TAIL,
};

static const struct rpsl_attr_def rtr_set_attrs[] = {
	{ "rtr-set", M | PK, SYN_RTR_SET_NAME },
	{ "descr", MU, SYN_TEXT },
	{ "members", MU | LK | LI, SYN_RTR_SET_MEMBER },
	{ "mp-members", MU | LK | LI, SYN_RTR_SET_MEMBER },
	{ "mbrs-by-ref", MU | LK | LI, SYN_MBRS_BY_REF },
	{ "org", LK, SYN_ORG_ID },
	CONTACTS,
	{ "mnt-lower", MU | LK | LI, SYN_MNTNER_REF },
	COMMON_TAIL,
};

#define CLASS(ident, cname, table) \
	{ ident, cname, table, sizeof(table) / sizeof(table[0]), false }

#define MIRROR_CLASS(ident, cname, table) \
	{ ident, cname, table, sizeof(table) / sizeof(table[0]), true }

/* Template order, indexed by enum rpsl_class_id (and sorted by name, which matches). */
static const struct rpsl_class classes[RPSL_CLASS_COUNT] = {
	CLASS(RPSL_CLASS_AS_BLOCK, "as-block", as_block_attrs),
	CLASS(RPSL_CLASS_AS_SET, "as-set", as_set_attrs),
	CLASS(RPSL_CLASS_AUT_NUM, "aut-num", aut_num_attrs),
	MIRROR_CLASS(RPSL_CLASS_DOMAIN, "domain", domain_attrs),
	CLASS(RPSL_CLASS_FILTER_SET, "filter-set", filter_set_attrs),
	CLASS(RPSL_CLASS_INET_RTR, "inet-rtr", inet_rtr_attrs),
	CLASS(RPSL_CLASS_INET6NUM, "inet6num", inet6num_attrs),
	CLASS(RPSL_CLASS_INETNUM, "inetnum", inetnum_attrs),
	MIRROR_CLASS(RPSL_CLASS_IRT, "irt", irt_attrs),
	CLASS(RPSL_CLASS_KEY_CERT, "key-cert", key_cert_attrs),
	CLASS(RPSL_CLASS_MNTNER, "mntner", mntner_attrs),
	CLASS(RPSL_CLASS_ORGANISATION, "organisation", organisation_attrs),
	CLASS(RPSL_CLASS_PEERING_SET, "peering-set", peering_set_attrs),
	CLASS(RPSL_CLASS_PERSON, "person", person_attrs),
	CLASS(RPSL_CLASS_ROLE, "role", role_attrs),
	CLASS(RPSL_CLASS_ROUTE, "route", route_attrs),
	CLASS(RPSL_CLASS_ROUTE_SET, "route-set", route_set_attrs),
	CLASS(RPSL_CLASS_ROUTE6, "route6", route6_attrs),
	CLASS(RPSL_CLASS_RTR_SET, "rtr-set", rtr_set_attrs),
};

/* Per-class name-sorted pointers for bsearch, built once. */
static const struct rpsl_attr_def **sorted_attrs[RPSL_CLASS_COUNT];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int compare_def_ptr(const void *a, const void *b)
{
	const struct rpsl_attr_def *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static void build_sorted(void)
{
	for (size_t c = 0; c < RPSL_CLASS_COUNT; c++) {
		size_t n = classes[c].attr_count;
		const struct rpsl_attr_def **v = calloc(n, sizeof(*v));

		if (v == NULL || n > RPSL_MAX_CLASS_ATTRS)
			abort();
		for (size_t i = 0; i < n; i++)
			v[i] = &classes[c].attrs[i];
		qsort(v, n, sizeof(*v), compare_def_ptr);
		sorted_attrs[c] = v;
	}
}

const struct rpsl_class *rpsl_schema_class(const char *name, size_t len)
{
	for (size_t i = 0; i < RPSL_CLASS_COUNT; i++) {
		if (strlen(classes[i].name) == len && strncasecmp(classes[i].name, name, len) == 0)
			return &classes[i];
	}
	return NULL;
}

const struct rpsl_class *rpsl_schema_class_by_id(enum rpsl_class_id id)
{
	return (unsigned)id < RPSL_CLASS_COUNT ? &classes[id] : NULL;
}

const struct rpsl_attr_def *rpsl_schema_attr(const struct rpsl_class *cls, const char *lower_name)
{
	const struct rpsl_attr_def **v;
	size_t lo = 0, hi = cls->attr_count;

	pthread_once(&sorted_once, build_sorted);
	v = sorted_attrs[cls->id];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(lower_name, v[mid]->name);

		if (c == 0)
			return v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
