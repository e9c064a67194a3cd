/*
 * The syntax checkers behind rpsl_schema.c's tables. Rules follow RFC 2622, 2725,
 * 4012 and the RIPE database as IRRd 4 accepts it; where those differ we take the
 * more widely deployed reading and say so next to the rule.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "irr_limits.h"
#include "rpsl_syntax.h"

static int check_key_cert_name_helper(const char *v, size_t len, const char **err);

static bool is_name_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

static bool has_prefix_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && strncasecmp(s, prefix, n) == 0;
}

static bool equals_ci(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

/* RFC 2622 reserved words cannot be object names. */
static bool is_reserved_word(const char *s, size_t len)
{
	static const char *const reserved[] = {
		"any", "as-any", "rs-any", "peeras", "and", "or", "not", "atomic", "from",
		"to", "at", "action", "accept", "announce", "except", "refine", "networks",
		"into", "inbound", "outbound",
	};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (equals_ci(s, len, reserved[i]))
			return true;
	}
	return false;
}

static int check_object_name(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	(void)canon;
	if (len == 0 || len > 80) {
		*err = "name must be 1 to 80 characters";
		return -1;
	}
	if (!isalpha((unsigned char)v[0])) {
		*err = "name must start with a letter";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_name_char((unsigned char)v[i])) {
			*err = "name may contain only letters, digits, '-' and '_'";
			return -1;
		}
	}
	if (!isalnum((unsigned char)v[len - 1])) {
		*err = "name must end with a letter or digit";
		return -1;
	}
	if (is_reserved_word(v, len)) {
		*err = "name is an RPSL reserved word";
		return -1;
	}
	return 0;
}

static int check_text(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	(void)v, (void)len, (void)canon, (void)err;
	return 0;
}

/*
 * nic-hdl: the RIPE form is XX123-RIPE, but IRR dumps hold many other shapes
 * (RADB handles like "MAINT-AS1"); we accept 1-30 letters, digits, '-', '_',
 * starting with a letter or digit, which is what IRRd accepts too.
 */
static int check_nic_handle(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	(void)canon;
	if (len == 0 || len > 30 || !isalnum((unsigned char)v[0])) {
		*err = "nic-handle must be 1 to 30 characters starting with a letter or digit";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_name_char((unsigned char)v[i])) {
			*err = "nic-handle may contain only letters, digits, '-' and '_'";
			return -1;
		}
	}
	return 0;
}

static int check_email(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	const char *at = memchr(v, '@', len);

	(void)canon;
	if (at == NULL || at == v || at == v + len - 1 || memchr(at + 1, '@', (size_t)(v + len - at - 1))) {
		*err = "not an e-mail address (expected local@domain)";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == 0x7f) {
			*err = "e-mail address contains a space or a forbidden character";
			return -1;
		}
	}
	return 0;
}

static bool is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
	}
	return n > 0;
}

static int check_changed(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	const char *sp = memchr(v, ' ', len);
	size_t email_len = sp ? (size_t)(sp - v) : len;

	if (check_email(v, email_len, canon, err) < 0)
		return -1;
	if (sp != NULL) {
		const char *d = sp;
		while (d < v + len && *d == ' ')
			d++;
		if (!is_digits(d, (size_t)(v + len - d)) || v + len - d != 8) {
			*err = "changed date must be YYYYMMDD";
			return -1;
		}
	}
	return 0;
}

static int check_datetime(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	(void)canon;
	if (len != sizeof(shape) - 1)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)v[i]) : v[i] != shape[i])
			goto bad;
	}
	return 0;
bad:
	*err = "timestamp must be YYYY-MM-DDTHH:MM:SSZ";
	return -1;
}

static int check_source(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	(void)canon;
	if (len == 0 || len > MAX_SOURCE_NAME_LENGTH || !isalpha((unsigned char)v[0])) {
		*err = "source must be 1 to 32 characters starting with a letter";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_name_char((unsigned char)v[i])) {
			*err = "source may contain only letters, digits, '-' and '_'";
			return -1;
		}
	}
	return 0;
}

static void canon_asn(struct strbuf *canon, uint32_t asn)
{
	char buf[ASN_STRLEN];

	asn_format(asn, buf);
	strbuf_append_str(canon, buf);
}

static int check_asn(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	uint32_t asn;

	if (asn_parse(v, len, true, &asn, err) < 0)
		return -1;
	canon_asn(canon, asn);
	return 0;
}

static int check_as_range(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	const char *dash = memchr(v, '-', len), *p, *q;
	uint32_t a, b;

	if (dash == NULL) {
		*err = "as-block must be \"ASn - ASm\"";
		return -1;
	}
	for (q = dash; q > v && q[-1] == ' '; q--)
		;
	if (asn_parse(v, (size_t)(q - v), true, &a, err) < 0)
		return -1;
	for (p = dash + 1; p < v + len && *p == ' '; p++)
		;
	if (asn_parse(p, (size_t)(v + len - p), true, &b, err) < 0)
		return -1;
	if (a > b) {
		*err = "as-block start is above its end";
		return -1;
	}
	canon_asn(canon, a);
	strbuf_append_str(canon, " - ");
	canon_asn(canon, b);
	return 0;
}

static int check_prefix_family(const char *v, size_t len, uint8_t family, struct strbuf *canon,
			       const char **err)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];

	if (prefix_parse(v, len, family, &p, err) < 0)
		return -1;
	prefix_format(&p, buf);
	strbuf_append_str(canon, buf);
	return 0;
}

static int check_prefix4(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	return check_prefix_family(v, len, 4, canon, err);
}

static int check_prefix6(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	return check_prefix_family(v, len, 6, canon, err);
}

static int check_range4(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	struct addr_range r;
	char buf[2 * PREFIX_STRLEN + 4];

	if (addr_range_parse(v, len, 4, &r, err) < 0)
		return -1;
	addr_range_format(&r, buf, sizeof(buf));
	strbuf_append_str(canon, buf);
	return 0;
}

int rpsl_range_op_parse(const char *text, size_t len, unsigned prefix_len, unsigned max_len,
			struct rpsl_range_op *out, const char **err)
{
	const char *dash;
	char *end;
	unsigned long n, m;
	char buf[16];

	if (len == 1 && text[0] == '+') {
		*out = (struct rpsl_range_op){ RANGE_OP_PLUS, (uint8_t)prefix_len, (uint8_t)max_len };
		return 0;
	}
	if (len == 1 && text[0] == '-') {
		if (prefix_len >= max_len) {
			*err = "range operator ^- on a host prefix selects nothing";
			return -1;
		}
		*out = (struct rpsl_range_op){ RANGE_OP_MINUS, (uint8_t)(prefix_len + 1), (uint8_t)max_len };
		return 0;
	}
	if (len == 0 || len >= sizeof(buf))
		goto bad;
	memcpy(buf, text, len);
	buf[len] = '\0';
	dash = strchr(buf, '-');
	if (!isdigit((unsigned char)buf[0]))
		goto bad;
	n = strtoul(buf, &end, 10);
	if (dash == NULL) {
		if (*end != '\0')
			goto bad;
		m = n;
	} else {
		if (end != dash || !isdigit((unsigned char)dash[1]))
			goto bad;
		m = strtoul(dash + 1, &end, 10);
		if (*end != '\0')
			goto bad;
	}
	if (n < prefix_len || n > m || m > max_len) {
		*err = "range operator lengths must satisfy prefix length <= n <= m <= maximum";
		return -1;
	}
	out->kind = dash ? RANGE_OP_RANGE : RANGE_OP_LENGTH;
	out->min = (uint8_t)n;
	out->max = (uint8_t)m;
	return 0;
bad:
	*err = "range operator must be ^+, ^-, ^n or ^n-m";
	return -1;
}

static const char *const set_prefixes[] = {
	[SET_KIND_AS] = "AS-", [SET_KIND_ROUTE] = "RS-", [SET_KIND_FILTER] = "FLTR-",
	[SET_KIND_PEERING] = "PRNG-", [SET_KIND_RTR] = "RTRS-",
};

int rpsl_set_name_check(enum rpsl_set_kind kind, const char *name, size_t len, const char **err)
{
	const char *p = name, *end = name + len;
	bool saw_set_component = false;
	unsigned components = 0;

	if (len == 0) {
		*err = "set name is empty";
		return -1;
	}
	while (p <= end) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		const char *cend = colon ? colon : end;
		size_t clen = (size_t)(cend - p);
		uint32_t asn;
		const char *ignored;

		if (++components > MAX_SET_NAME_COMPONENTS) {
			*err = "set name has too many components";
			return -1;
		}
		if (clen == 0) {
			*err = "set name has an empty component";
			return -1;
		}
		if (has_prefix_ci(p, clen, set_prefixes[kind])) {
			if (check_object_name(p, clen, NULL, err) < 0)
				return -1;
			saw_set_component = true;
		} else if (asn_parse(p, clen, true, &asn, &ignored) < 0) {
			*err = kind == SET_KIND_AS      ? "set name components must be AS numbers or start with AS-"
			       : kind == SET_KIND_ROUTE ? "set name components must be AS numbers or start with RS-"
			       : kind == SET_KIND_FILTER ? "set name components must be AS numbers or start with FLTR-"
			       : kind == SET_KIND_PEERING ? "set name components must be AS numbers or start with PRNG-"
							  : "set name components must be AS numbers or start with RTRS-";
			return -1;
		}
		if (colon == NULL)
			break;
		p = colon + 1;
	}
	if (!saw_set_component) {
		*err = "set name needs at least one component with the set class prefix (AS-, RS-, ...)";
		return -1;
	}
	return 0;
}

#define SET_NAME_CHECKER(fn, kind)                                                               \
	static int fn(const char *v, size_t len, struct strbuf *canon, const char **err)         \
	{                                                                                        \
		(void)canon;                                                                     \
		return rpsl_set_name_check(kind, v, len, err);                                   \
	}

SET_NAME_CHECKER(check_as_set_name, SET_KIND_AS)
SET_NAME_CHECKER(check_route_set_name, SET_KIND_ROUTE)
SET_NAME_CHECKER(check_filter_set_name, SET_KIND_FILTER)
SET_NAME_CHECKER(check_peering_set_name, SET_KIND_PEERING)
SET_NAME_CHECKER(check_rtr_set_name, SET_KIND_RTR)

static int check_as_set_member(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	uint32_t asn;
	const char *ignored;

	if (asn_parse(v, len, true, &asn, &ignored) == 0) {
		canon_asn(canon, asn);
		return 0;
	}
	if (rpsl_set_name_check(SET_KIND_AS, v, len, err) < 0) {
		*err = "as-set member must be an AS number or an as-set name";
		return -1;
	}
	return 0;
}

/*
 * route-set members (RFC 2622 5.2, RFC 4012 2.2): prefix, route-set name, AS number
 * or as-set name, each optionally followed by a range operator; RS-ANY and AS-ANY.
 */
static int check_rs_member(const char *v, size_t len, bool allow_v6, struct strbuf *canon,
			   const char **err)
{
	const char *caret = memchr(v, '^', len);
	size_t base_len = caret ? (size_t)(caret - v) : len;
	struct rpsl_range_op op;
	struct prefix p;
	uint32_t asn;
	const char *ignored;
	unsigned prefix_len = 0, max_len = 128;

	if (memchr(v, '/', base_len) != NULL) {
		char buf[PREFIX_STRLEN];

		if (prefix_parse(v, base_len, allow_v6 ? 0 : 4, &p, err) < 0)
			return -1;
		prefix_format(&p, buf);
		strbuf_append_str(canon, buf);
		prefix_len = p.length;
		max_len = prefix_max_length(p.family);
	} else if (asn_parse(v, base_len, true, &asn, &ignored) == 0) {
		canon_asn(canon, asn);
	} else if (equals_ci(v, base_len, "RS-ANY") || equals_ci(v, base_len, "AS-ANY") ||
		   rpsl_set_name_check(SET_KIND_ROUTE, v, base_len, &ignored) == 0 ||
		   rpsl_set_name_check(SET_KIND_AS, v, base_len, &ignored) == 0) {
		strbuf_append(canon, v, base_len);
	} else {
		*err = allow_v6 ? "member must be an IPv4/IPv6 prefix, AS number, as-set or route-set name"
				: "member must be an IPv4 prefix, AS number, as-set or route-set name";
		return -1;
	}
	if (caret != NULL) {
		/* Set names and ASNs take the operator relative to their prefixes: only bound it. */
		if (rpsl_range_op_parse(caret + 1, len - base_len - 1, prefix_len, max_len, &op, err) < 0)
			return -1;
		strbuf_append(canon, caret, len - base_len);
	}
	return 0;
}

static int check_rs_member4(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	return check_rs_member(v, len, false, canon, err);
}

static int check_rs_member46(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	return check_rs_member(v, len, true, canon, err);
}

static int check_dns_name(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	(void)canon;
	if (len == 0 || len > 253) {
		*err = "host name must be 1 to 253 characters";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (!isalnum(c) && c != '-' && c != '.') {
			*err = "host name may contain only letters, digits, '-' and '.'";
			return -1;
		}
	}
	return 0;
}

static int check_rtr_set_member(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	struct prefix p;
	const char *ignored;

	if (prefix_parse_address(v, len, 0, &p, &ignored) == 0 ||
	    rpsl_set_name_check(SET_KIND_RTR, v, len, &ignored) == 0 ||
	    check_dns_name(v, len, canon, &ignored) == 0)
		return 0;
	*err = "rtr-set member must be an inet-rtr name, rtr-set name or IP address";
	return -1;
}

static int check_mntner_ref(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	if (check_object_name(v, len, canon, err) < 0) {
		*err = "maintainer name must start with a letter and contain letters, digits, '-', '_'";
		return -1;
	}
	return 0;
}

static int check_mbrs_by_ref(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	if (equals_ci(v, len, "ANY")) {
		strbuf_append_str(canon, "ANY");
		return 0;
	}
	return check_mntner_ref(v, len, canon, err);
}

/* "MNT-NAME", "MNT-NAME ANY" or "MNT-NAME { prefix[^op], ... }" (RFC 2725 9.1, RFC 4012). */
static int check_mnt_routes(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	const char *end = v + len, *p = v, *open, *close;

	while (p < end && *p != ' ' && *p != '\t' && *p != '{')
		p++;
	if (check_mntner_ref(v, (size_t)(p - v), canon, err) < 0)
		return -1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || equals_ci(p, (size_t)(end - p), "ANY"))
		return 0;
	open = p;
	close = end - 1;
	if (*open != '{' || *close != '}') {
		*err = "mnt-routes must be a maintainer name, optionally followed by ANY or { prefix list }";
		return -1;
	}
	for (p = open + 1; p < close;) {
		const char *comma = memchr(p, ',', (size_t)(close - p));
		const char *item_end = comma ? comma : close, *a = p, *b = item_end;
		struct strbuf ignored;
		int rc;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (a == b) {
			if (comma == NULL && open + 1 == close)
				break; /* "{}" */
			*err = "mnt-routes prefix list has an empty item";
			return -1;
		}
		if (memchr(a, '/', (size_t)(b - a)) == NULL) {
			*err = "mnt-routes prefix list items must be prefixes";
			return -1;
		}
		strbuf_init(&ignored);
		rc = check_rs_member(a, (size_t)(b - a), true, &ignored, err);
		strbuf_release(&ignored);
		if (rc < 0)
			return -1;
		p = comma ? comma + 1 : close;
	}
	return 0;
}

/* auth: methods of RFC 2622/2725 and the RIPE database. */
static int check_auth(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	const char *sp = memchr(v, ' ', len);
	size_t scheme_len = sp ? (size_t)(sp - v) : len;
	const char *arg = sp;
	size_t arg_len = 0;

	(void)canon;
	if (arg != NULL) {
		while (arg < v + len && *arg == ' ')
			arg++;
		arg_len = (size_t)(v + len - arg);
	}
	if (has_prefix_ci(v, scheme_len, "PGPKEY-") || has_prefix_ci(v, scheme_len, "X509-"))
		return check_key_cert_name_helper(v, scheme_len, err);
	if (equals_ci(v, scheme_len, "NONE"))
		return arg_len == 0 ? 0 : (*err = "auth NONE takes no argument", -1);
	if (equals_ci(v, scheme_len, "MD5-PW") || equals_ci(v, scheme_len, "BCRYPT-PW") ||
	    equals_ci(v, scheme_len, "CRYPT-PW") || equals_ci(v, scheme_len, "MAIL-FROM") ||
	    equals_ci(v, scheme_len, "SSO")) {
		if (arg_len == 0) {
			*err = "auth method needs its argument (hash, address or id)";
			return -1;
		}
		return 0;
	}
	*err = "unknown auth method (expected BCRYPT-PW, MD5-PW, CRYPT-PW, PGPKEY-<id>, X509-<n>, MAIL-FROM, SSO or NONE)";
	return -1;
}

static int check_key_cert_name_helper(const char *v, size_t len, const char **err)
{
	if (has_prefix_ci(v, len, "PGPKEY-")) {
		if (len != 15)
			goto bad;
		for (size_t i = 7; i < len; i++) {
			if (!isxdigit((unsigned char)v[i]))
				goto bad;
		}
		return 0;
	}
	if (has_prefix_ci(v, len, "X509-") && is_digits(v + 5, len - 5) && len - 5 <= 10)
		return 0;
bad:
	*err = "key-cert name must be PGPKEY-<8 hex digits> or X509-<number>";
	return -1;
}

static int check_key_cert_name(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	if (check_key_cert_name_helper(v, len, err) < 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		strbuf_append_char(canon, (char)toupper((unsigned char)v[i]));
	return 0;
}

static int check_org_id(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	(void)canon;
	if (!has_prefix_ci(v, len, "ORG-") || len < 5 || len > 30) {
		*err = "organisation id must be ORG- followed by letters, digits and '-'";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_name_char((unsigned char)v[i])) {
			*err = "organisation id must be ORG- followed by letters, digits and '-'";
			return -1;
		}
	}
	return 0;
}

static int check_country(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	(void)canon;
	if (len != 2 || !isalpha((unsigned char)v[0]) || !isalpha((unsigned char)v[1])) {
		*err = "country must be a two-letter ISO 3166 code";
		return -1;
	}
	return 0;
}

typedef int (*syntax_fn)(const char *, size_t, struct strbuf *, const char **);

static const struct {
	syntax_fn check;
	const char *description;
} checkers[SYN_COUNT] = {
	[SYN_TEXT] = { check_text, "free text" },
	[SYN_OBJECT_NAME] = { check_object_name, "object name" },
	[SYN_NIC_HANDLE] = { check_nic_handle, "nic-handle" },
	[SYN_EMAIL] = { check_email, "e-mail address" },
	[SYN_CHANGED] = { check_changed, "e-mail address [YYYYMMDD]" },
	[SYN_DATETIME] = { check_datetime, "timestamp" },
	[SYN_SOURCE] = { check_source, "source name" },
	[SYN_ASN] = { check_asn, "AS number" },
	[SYN_AS_RANGE] = { check_as_range, "AS number range" },
	[SYN_PREFIX4] = { check_prefix4, "IPv4 prefix" },
	[SYN_PREFIX6] = { check_prefix6, "IPv6 prefix" },
	[SYN_RANGE4] = { check_range4, "IPv4 address range" },
	[SYN_AS_SET_NAME] = { check_as_set_name, "as-set name" },
	[SYN_ROUTE_SET_NAME] = { check_route_set_name, "route-set name" },
	[SYN_FILTER_SET_NAME] = { check_filter_set_name, "filter-set name" },
	[SYN_PEERING_SET_NAME] = { check_peering_set_name, "peering-set name" },
	[SYN_RTR_SET_NAME] = { check_rtr_set_name, "rtr-set name" },
	[SYN_AS_SET_MEMBER] = { check_as_set_member, "AS number or as-set name" },
	[SYN_RS_MEMBER4] = { check_rs_member4, "route-set member" },
	[SYN_RS_MEMBER46] = { check_rs_member46, "route-set mp-member" },
	[SYN_RTR_SET_MEMBER] = { check_rtr_set_member, "rtr-set member" },
	[SYN_MNTNER_REF] = { check_mntner_ref, "maintainer name" },
	[SYN_MBRS_BY_REF] = { check_mbrs_by_ref, "maintainer name or ANY" },
	[SYN_MNT_ROUTES] = { check_mnt_routes, "maintainer [ANY | { prefix list }]" },
	[SYN_AUTH] = { check_auth, "auth method" },
	[SYN_KEY_CERT_NAME] = { check_key_cert_name, "key-cert name" },
	[SYN_ORG_ID] = { check_org_id, "organisation id" },
	[SYN_COUNTRY] = { check_country, "country code" },
	[SYN_DNS_NAME] = { check_dns_name, "host name" },
};

int rpsl_syntax_check(enum rpsl_syntax syntax, const char *value, size_t len, struct strbuf *canon,
		      const char **err)
{
	if ((unsigned)syntax >= SYN_COUNT) {
		*err = "internal: unknown syntax";
		return -1;
	}
	if (len == 0 && syntax != SYN_TEXT) {
		*err = "value is empty";
		return -1;
	}
	return checkers[syntax].check(value, len, canon, err);
}

const char *rpsl_syntax_describe(enum rpsl_syntax syntax)
{
	return (unsigned)syntax < SYN_COUNT ? checkers[syntax].description : "?";
}

bool rpsl_syntax_is_valid(enum rpsl_syntax syntax, const char *value)
{
	struct strbuf ignored;
	const char *why;
	bool ok;

	if (value == NULL)
		return false;
	strbuf_init(&ignored);
	ok = rpsl_syntax_check(syntax, value, strlen(value), &ignored, &why) == 0;
	strbuf_release(&ignored);
	return ok;
}
