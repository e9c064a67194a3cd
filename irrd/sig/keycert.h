/*
 * key-cert objects: the key or certificate in certif:, the attributes the server
 * generates from it (method, owner, fingerpr) and the rule tying the name to the key
 * (PGPKEY-<last 8 digits of the fingerprint>, X509-<n>).
 */
#ifndef IRRD_KEYCERT_H
#define IRRD_KEYCERT_H

#include <stddef.h>

#include "rpsl_object.h"
#include "strbuf.h"

/* The armoured text held by the certif: attributes, one line each. Caller frees. */
char *keycert_certif_text(const struct rpsl_object *o);

/*
 * Checks the key or certificate of a key-cert object and appends its generated
 * attributes as RPSL lines ("method:  PGP\n" ...) to *generated; warnings (an expired
 * key) go to *warnings as plain sentences, one per line. Returns 0, or -1 with *err
 * naming what is wrong (caller frees).
 */
int keycert_generate(const struct rpsl_object *o, struct strbuf *generated, struct strbuf *warnings, char **err);

#endif
