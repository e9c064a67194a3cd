/* Allocation wrappers that treat exhaustion as fatal; see xalloc.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		fatal("out of memory allocating %zu bytes", size);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		fatal("out of memory allocating %zu x %zu bytes", count, size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (p == NULL)
		fatal("out of memory reallocating to %zu bytes", size);
	return p;
}

void *xgrow(void *ptr, size_t *capacity, size_t need, size_t elem)
{
	size_t cap = *capacity;

	if (need <= cap)
		return ptr;
	if (cap == 0)
		cap = 8;
	while (cap < need) {
		if (cap > ((size_t)-1) / 2 / elem)
			fatal("array size overflow");
		cap *= 2;
	}
	ptr = xrealloc(ptr, cap * elem);
	*capacity = cap;
	return ptr;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("out of memory formatting a message");
	return s;
}
