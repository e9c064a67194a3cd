/*
 * Authorisation-list benchmark on the loaded registry (source BENCH of make bench):
 *   bench_authlist -c CONF [-n ENTRIES] [-s SAMPLES]
 * Builds LIR accounts and allocations over the routes' space, then ENTRIES entries
 * through authlist_add (every rule checked), timing the adds; then the per-route
 * decision the update engine adds to a route creation (authlist_decide on SAMPLES
 * routes of the registry), entry searches of each kind, and the full consistency
 * check over every route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "authlist.h"
#include "authlist_check.h"
#include "authlist_enforce.h"
#include "bench_util.h"
#include "config.h"
#include "log.h"
#include "rpsl_parse.h"
#include "store.h"

#define LIRS 100

static bool yes(void *ctx, const char *mntner)
{
	(void)ctx;
	(void)mntner;
	return true;
}

static void report(const char *what, double *lat, size_t n)
{
	bench_sort(lat, n);
	printf("%s: %zu samples, p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", what, n, bench_percentile(lat, n, 0.5),
	       bench_percentile(lat, n, 0.99), n ? lat[n - 1] : 0);
}

static struct prefix v4(uint32_t a, unsigned len)
{
	struct prefix p = { .family = 4, .length = (uint8_t)len };

	p.addr[0] = (uint8_t)(a >> 24);
	p.addr[1] = (uint8_t)(a >> 16);
	p.addr[2] = (uint8_t)(a >> 8);
	p.addr[3] = (uint8_t)a;
	return p;
}

int main(int argc, char **argv)
{
	const char *conf = NULL;
	unsigned entries = 100000, samples = 10000;
	struct config *cfg = NULL;
	struct store *st = NULL;
	char *err = NULL;
	int c;

	while ((c = getopt(argc, argv, "c:n:s:")) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'n': entries = (unsigned)atoi(optarg); break;
		case 's': samples = (unsigned)atoi(optarg); break;
		default: return 2;
		}
	}
	if (conf == NULL || entries == 0 || samples == 0) {
		fprintf(stderr, "usage: bench_authlist -c CONF [-n ENTRIES] [-s SAMPLES]\n");
		return 2;
	}
	log_set_level(LOG_LEVEL_WARN);
	if (config_load(conf, &cfg, &err) < 0 || store_open(cfg->database, STORE_READ_WRITE, &st, &err) < 0) {
		fprintf(stderr, "bench_authlist: %s\n", err);
		return 1;
	}
	sqlite3_exec(store_db(st), "DELETE FROM authlist; DELETE FROM authlist_origin; DELETE FROM allocation; DELETE FROM lir;",
		     NULL, NULL, NULL);
	/* 100 LIRs; the routes' space 1.0.0.0-40.255.255.255 in /8s round-robin, route6 space to LIR 0 */
	for (int i = 0; i < LIRS; i++) {
		struct lir_account l = { 0 };

		snprintf(l.id, sizeof(l.id), "LIR-%03d", i);
		snprintf(l.name, sizeof(l.name), "Benchmark LIR %d", i);
		snprintf(l.emails, sizeof(l.emails), "lir%d@example.jp", i);
		if (lir_add(st, &l, &err) < 0) {
			fprintf(stderr, "bench_authlist: %s\n", err);
			return 1;
		}
	}
	for (uint32_t a = 1; a <= 40; a++) {
		struct prefix p = v4(a << 24, 8);
		char lir[16];

		snprintf(lir, sizeof(lir), "LIR-%03u", a % LIRS);
		alloc_add_staff(st, cfg, lir, &p, ALLOC_ALLOCATED, "20200101", &err);
	}
	{
		struct prefix p6 = { .family = 6, .length = 20, .addr = { 0x20, 0x01, 0x10 } };

		alloc_add_staff(st, cfg, "LIR-000", &p6, ALLOC_ALLOCATED, "20200101", &err);
	}
	/* entries: /20 blocks from 1.0.0.0 up, alternately for the two maintainers of the routes */
	double t0 = bench_now_ms(), *lat = calloc(entries > samples ? entries : samples, sizeof(double));

	for (unsigned i = 0; i < entries; i++) {
		struct authlist_entry e = { .action = AUTHLIST_ALLOW };
		struct authlist_actor who = { 0 };
		uint32_t addr = (1u << 24) + i * 4096u;
		int64_t id;
		char *refusal = NULL;
		double t = bench_now_ms();

		e.prefix = v4(addr, 20);
		snprintf(who.lir, sizeof(who.lir), "LIR-%03u", (addr >> 24) % LIRS);
		snprintf(e.mntner, sizeof(e.mntner), "MAINT-BENCH-%u", 5 + i % 2);
		if (i % 10 == 0) {
			e.origin_count = 3;
			e.origins[0] = 64496 + i % 1000;
			e.origins[1] = 4200000000u + i;
			e.origins[2] = 65000;
		}
		if (authlist_add(st, cfg, &who, &e, &id, &refusal) != 0) {
			fprintf(stderr, "bench_authlist: entry %u: %s\n", i, refusal);
			return 1;
		}
		lat[i] = bench_now_ms() - t;
	}
	printf("authlist_add with every rule checked: %u entries in %.1f s = %.0f entries/s\n", entries,
	       (bench_now_ms() - t0) / 1000, entries / ((bench_now_ms() - t0) / 1000));
	report("authlist_add, per entry", lat, entries);

	/* the decision a route creation pays, on routes of the registry */
	{
		sqlite3_stmt *stmt = store_stmt(st, "SELECT o.text FROM objects o JOIN sources s ON s.id = o.source_id"
						    " WHERE s.name = ?1 AND o.class IN ('route', 'route6') ORDER BY random() LIMIT ?2");
		size_t n = 0, accepted = 0;

		sqlite3_bind_text(stmt, 1, cfg->source, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 2, (int)samples);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			const char *text = (const char *)sqlite3_column_text(stmt, 0);
			struct rpsl_object *o = rpsl_parse_object(text, strlen(text), 1, RPSL_TOLERANT);
			struct strbuf why;
			int64_t entry;
			double t = bench_now_ms();

			strbuf_init(&why);
			if (authlist_decide(st, cfg, o, -1, yes, NULL, &entry, &why) == 1)
				accepted++;
			lat[n++] = bench_now_ms() - t;
			strbuf_release(&why);
			rpsl_object_free(o);
		}
		sqlite3_reset(stmt);
		printf("per-route decision on random routes of the registry: %zu accepted, %zu refused\n", accepted,
		       n - accepted);
		report("per-route check (authlist_decide, the cost added to a route creation)", lat, n);
	}

	/* searches as the LIR screens make them */
	{
		static const char *const kinds[] = { "exact prefix", "less-specific of a /24", "more-specific of a /16",
						      "by origin AS", "by LIR", "by maintainer (50,000 entries), first 100 by prefix" };

		for (int k = 0; k < 6; k++) {
			size_t found = 0;

			for (unsigned i = 0; i < 2000; i++) {
				struct authlist_query q = { .sort = AUTHLIST_SORT_PREFIX };
				struct authlist_entry *e = NULL;
				size_t n = 0;
				char lir[16];
				uint32_t addr = (1u << 24) + (uint32_t)(rand() % (int)entries) * 4096u;
				double t = bench_now_ms();

				switch (k) {
				case 0: q.has_prefix = true; q.prefix = v4(addr, 20); q.match = AUTHLIST_MATCH_EXACT; break;
				case 1: q.has_prefix = true; q.prefix = v4(addr | 0x300, 24); q.match = AUTHLIST_MATCH_LESS; break;
				case 2: q.has_prefix = true; q.prefix = v4(addr & 0xffff0000u, 16); q.match = AUTHLIST_MATCH_MORE; break;
				case 3: q.has_origin = true; q.origin = 64496 + (uint32_t)(rand() % 1000); break;
				case 4: snprintf(lir, sizeof(lir), "LIR-%03u", 1 + (unsigned)rand() % 40); q.lir = lir; break;
				case 5: q.mntner = "MAINT-BENCH-5"; q.limit = 100; break;
				}
				if (authlist_search(st, &q, &e, &n, &err) < 0) {
					fprintf(stderr, "bench_authlist: %s\n", err);
					return 1;
				}
				found += n;
				lat[i] = bench_now_ms() - t;
				free(e);
			}
			{
				char what[160];
				size_t runs = 2000;

				snprintf(what, sizeof(what), "entry search, %s (%.1f entries per answer)", kinds[k],
					 (double)found / (double)runs);
				report(what, lat, runs);
			}
		}
	}

	/* the consistency check over every route of the registry */
	{
		struct authlist_check_result res;
		double t = bench_now_ms();

		if (authlist_check(st, cfg, AUTHLIST_CHECK_REPORT, &res, &err) < 0) {
			fprintf(stderr, "bench_authlist: %s\n", err);
			return 1;
		}
		printf("consistency check: %zu entries, %zu routes checked, %zu the list would refuse, in %.2f s"
		       " (report %zu KiB)\n", res.entries_checked, res.routes_checked, res.routes_refused,
		       (bench_now_ms() - t) / 1000, res.report.len / 1024);
		authlist_check_result_release(&res);
	}
	free(lat);
	store_close(st);
	config_free(cfg);
	return 0;
}
