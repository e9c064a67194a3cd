/* Decimal numbers as protocols write them (NRTM serials): digits only, no sign, no spaces. */
#ifndef IRRD_DECIMAL_H
#define IRRD_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The n bytes at s as a number of 1 to 18 digits (no overflow possible). False when they are not. */
bool decimal_parse(const char *s, size_t n, int64_t *out);

#endif
