/*
 * Allocation wrappers. Running out of memory is a broken invariant for this
 * server (we bound every input), so these call fatal() instead of returning NULL.
 */
#ifndef IRRD_XALLOC_H
#define IRRD_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array to hold at least `need` elements of `elem` bytes, doubling. */
void *xgrow(void *ptr, size_t *capacity, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string (caller frees): error texts for *err. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
