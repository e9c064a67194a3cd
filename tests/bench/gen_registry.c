/*
 * Writes a synthetic RPSL registry dump with a realistic shape to stdout, for the
 * load benchmark: mostly route/route6, tens of thousands of aut-nums and as-sets
 * (deep nesting chains, a few very large sets), maintainers and persons.
 * Deterministic for a given size and seed.
 *   usage: gen_registry [-n OBJECTS] [-s SOURCE] [-r SEED]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static const char *source = "BENCH";

static void footer(const char *mnt)
{
	printf("mnt-by:         %s\nchanged:        noc@example.net 20240101\nsource:         %s\n\n", mnt, source);
}

int main(int argc, char **argv)
{
	long total = 1000000;
	int c;

	while ((c = getopt(argc, argv, "n:s:r:")) != -1) {
		switch (c) {
		case 'n':
			total = strtol(optarg, NULL, 10);
			break;
		case 's':
			source = optarg;
			break;
		case 'r':
			rng_state = strtoull(optarg, NULL, 10) | 1;
			break;
		default:
			fprintf(stderr, "usage: gen_registry [-n OBJECTS] [-s SOURCE] [-r SEED]\n");
			return 2;
		}
	}
	/* Proportions of a large IRR (RADB-like): 2% persons, 2% maintainers, 4% aut-nums,
	 * 2% as-sets, 0.2% route-sets, the rest routes (87% of them IPv4). */
	long persons = total / 50, mntners = total / 50, autnums = total / 25, assets = total / 50;
	long routesets = total / 500;
	long routes_total = total - persons - mntners - autnums - assets - routesets;
	long route6s = routes_total * 13 / 100, routes = routes_total - route6s;
	uint32_t asn_base = 64512 * 0 + 131072; /* 4-byte range, avoids bgpq4's private filter */

	printf("# synthetic registry: %ld objects\n\n", total);
	for (long i = 0; i < persons; i++) {
		printf("person:         Person Number %ld\naddress:        %ld Example Street\n"
		       "address:        Tokyo, Japan\nphone:          +81 3 0000 %04ld\n"
		       "e-mail:         person%ld@example.net\nnic-hdl:        PN%ld-%s\n",
		       i, i, i % 10000, i, i, source);
		footer("MAINT-BENCH-0");
	}
	for (long i = 0; i < mntners; i++) {
		printf("mntner:         MAINT-BENCH-%ld\ndescr:          Maintainer %ld\n"
		       "admin-c:        PN%ld-%s\ntech-c:         PN%ld-%s\nupd-to:         noc%ld@example.net\n"
		       "mnt-nfy:        noc%ld@example.net\nauth:           BCRYPT-PW $2b$12$%022ld\n",
		       i, i, i % persons, source, (i + 1) % persons, source, i, i, i);
		footer("MAINT-BENCH-0");
	}
	for (long i = 0; i < autnums; i++) {
		uint32_t asn = asn_base + (uint32_t)i;
		uint32_t up = asn_base + rnd_below((uint32_t)autnums);

		printf("aut-num:        AS%u\nas-name:        BENCH-AS%u\ndescr:          Network %u\n"
		       "import:         from AS%u accept ANY\nexport:         to AS%u announce AS-BENCH-%ld\n"
		       "mp-import:      afi ipv6.unicast from AS%u accept ANY\n"
		       "mp-export:      afi ipv6.unicast to AS%u announce AS-BENCH-%ld\n"
		       "admin-c:        PN%ld-%s\ntech-c:         PN%ld-%s\n",
		       asn, asn, asn, up, up, i % assets, up, up, i % assets, i % persons, source,
		       i % persons, source);
		footer(i % 3 ? "MAINT-BENCH-1" : "MAINT-BENCH-2");
	}
	for (long i = 0; i < assets; i++) {
		/* Chains: set i includes set i+1 for 90% of sets (deep nesting); every 1000th
		 * set is large (5,000 ASNs on continuation lines). */
		printf("as-set:         AS-BENCH-%ld\ndescr:          Customers of set %ld\n", i, i);
		if (i % 1000 == 0) {
			printf("members:        AS%u", asn_base + (uint32_t)(i % autnums));
			for (int m = 1; m < 5000; m++)
				printf(",\n                AS%u", asn_base + rnd_below((uint32_t)autnums));
			printf("\n");
		} else {
			printf("members:        AS%u, AS%u, AS%u\n", asn_base + (uint32_t)(i % autnums),
			       asn_base + rnd_below((uint32_t)autnums), asn_base + rnd_below((uint32_t)autnums));
		}
		if (rnd_below(10) < 9 && i + 1 < assets)
			printf("members:        AS-BENCH-%ld\n", i + 1);
		printf("admin-c:        PN%ld-%s\ntech-c:         PN%ld-%s\n", i % persons, source,
		       i % persons, source);
		footer("MAINT-BENCH-3");
	}
	/*
	 * Benchmark sets: AS-BIG holds 50,000 ASNs through 10 nested levels (5,000 per
	 * level); AS-ROUTES holds the first ASNs whose routes number about half a million
	 * (routes pick origins uniformly, so 500,000 routes need routes_total/autnums per AS).
	 */
	for (int level = 0; level < 10; level++) {
		printf("as-set:         AS-BIG%s", level ? "" : "\n");
		if (level)
			printf("-L%d\n", level);
		printf("descr:          Benchmark set, level %d of 10\nmembers:        AS%u", level,
		       asn_base + 1000000u + (uint32_t)level * 5000u);
		for (int m = 1; m < 5000; m++)
			printf(",\n                AS%u", asn_base + 1000000u + (uint32_t)level * 5000u + (uint32_t)m);
		printf("\n");
		if (level < 9)
			printf("members:        AS-BIG-L%d\n", level + 1);
		printf("admin-c:        PN0-%s\ntech-c:         PN0-%s\n", source, source);
		footer("MAINT-BENCH-3");
	}
	{
		long per_as = routes_total / (autnums ? autnums : 1);
		long want = per_as ? 500000 / per_as : 0;

		if (want > autnums)
			want = autnums;
		printf("as-set:         AS-ROUTES\ndescr:          ASNs originating about 500,000 routes\n"
		       "members:        AS%u", asn_base);
		for (long m = 1; m < want; m++)
			printf(",\n                AS%u", asn_base + (uint32_t)m);
		printf("\nadmin-c:        PN0-%s\ntech-c:         PN0-%s\n", source, source);
		footer("MAINT-BENCH-3");
	}
	for (long i = 0; i < routesets; i++) {
		printf("route-set:      RS-BENCH-%ld\ndescr:          Route set %ld\n"
		       "members:        %u.%u.0.0/16^+, AS%u\nmp-members:     2001:db8:%x::/48^48-64\n"
		       "mbrs-by-ref:    MAINT-BENCH-%ld\nadmin-c:        PN%ld-%s\ntech-c:         PN%ld-%s\n",
		       i, i, 11 + (uint32_t)(i % 200), (uint32_t)(i % 256), asn_base + (uint32_t)(i % autnums),
		       (unsigned)(i % 65536), i % mntners, i % persons, source, i % persons, source);
		footer("MAINT-BENCH-4");
	}
	for (long i = 0; i < routes; i++) {
		/* Spread over 1.0.0.0-223.255.255.255 in /24s (the common length), with some /22 and /20. */
		uint32_t net = (uint32_t)(0x01000000u + (uint32_t)i * 256u * 3u + (uint32_t)(i % 7) * 256u);
		unsigned len = i % 10 == 0 ? 22 : i % 25 == 0 ? 20 : 24;

		net &= len == 24 ? 0xffffff00u : len == 22 ? 0xfffffc00u : 0xfffff000u;
		printf("route:          %u.%u.%u.0/%u\ndescr:          Route %ld\norigin:         AS%u\n",
		       net >> 24, (net >> 16) & 255, (net >> 8) & 255, len, i,
		       asn_base + rnd_below((uint32_t)autnums));
		if (i % 20 == 0)
			printf("member-of:      RS-BENCH-%ld\n", i % routesets);
		footer(i % 2 ? "MAINT-BENCH-5" : "MAINT-BENCH-6");
	}
	for (long i = 0; i < route6s; i++) {
		printf("route6:         2001:%x:%x::/48\ndescr:          Route6 %ld\norigin:         AS%u\n",
		       0x1000 + (unsigned)(i >> 16), (unsigned)(i & 0xffff), i,
		       asn_base + rnd_below((uint32_t)autnums));
		footer("MAINT-BENCH-7");
	}
	return 0;
}
