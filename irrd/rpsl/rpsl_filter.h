/* Hiding secrets in RPSL text before it leaves the server (whois answers, update reports). */
#ifndef IRRD_RPSL_FILTER_H
#define IRRD_RPSL_FILTER_H

#include "strbuf.h"

/* Appends text with the data of password-hash auth: lines (MD5-PW, BCRYPT-PW, CRYPT-PW) replaced by "# Filtered". */
void rpsl_filter_hashes(struct strbuf *out, const char *text);

#endif
