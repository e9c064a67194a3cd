/* Helpers shared by the benchmarks: a monotonic clock, percentiles, and `!g` probes on irrd. */
#ifndef TESTS_BENCH_UTIL_H
#define TESTS_BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>

double bench_now_ms(void);
/* Sorts v ascending and returns its p-quantile (0 <= p <= 1); 0 for an empty set. */
void bench_sort(double *v, size_t n);
double bench_percentile(const double *sorted, size_t n, double p);

/* A whois session on 127.0.0.1:port in multi-command mode (!!); exits on failure. */
int bench_whois_connect(int port);
/* Sends !gAS<asn>; true when the answer holds `prefix` (NULL: any prefix at all). */
bool bench_whois_has(int fd, unsigned long asn, const char *prefix);

#endif
