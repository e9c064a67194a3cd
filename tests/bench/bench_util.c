/* Benchmark helpers (see bench_util.h). */
#include "bench_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

double bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(double), cmp_double);
}

double bench_percentile(const double *sorted, size_t n, double p)
{
	return n ? sorted[(size_t)(p * (double)(n - 1) + 0.5)] : 0;
}

int bench_whois_connect(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || write(fd, "!!\n", 3) != 3) {
		perror("bench: whois");
		exit(1);
	}
	return fd;
}

bool bench_whois_has(int fd, unsigned long asn, const char *prefix)
{
	char q[64], buf[4096];
	size_t len = 0;
	int n = snprintf(q, sizeof(q), "!gAS%lu\n", asn);

	if (write(fd, q, (size_t)n) != n)
		exit(1);
	/* Answers end with "C\n" (found), "D\n" (none) or "F ...\n". */
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (r <= 0)
			exit(1);
		len += (size_t)r;
		buf[len] = '\0';
		if (strcmp(buf, "D\n") == 0 || (len >= 3 && strcmp(buf + len - 3, "\nC\n") == 0) || buf[0] == 'F')
			break;
	}
	return buf[0] == 'A' && (prefix == NULL || strstr(buf, prefix) != NULL);
}
