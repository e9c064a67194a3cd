/*
 * Allocation data (AUTHLIST.md): LIR accounts and the address blocks the registry
 * allocated or assigned to them, loaded from RIR delegated-extended files and RPSL
 * inetnum/inet6num dumps. A reload is a diff; what disappears is a return, and the
 * caller runs the consistency check (authlist_check) on returns and on blocks that
 * moved to another LIR. Every change of the allocations re-decides, in its own
 * transaction, the marks of the routes it can affect (authlist_marks_refresh_blocks):
 * entries outside their LIR's allocations authorise nothing.
 */
#ifndef IRRD_ALLOC_H
#define IRRD_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "prefix.h"
#include "store.h"
#include "strbuf.h"

#define LIR_ID_SIZE 64

struct lir_account {
	char id[LIR_ID_SIZE];  /* the resource management number, e.g. A1234 */
	char name[256];
	char emails[512];      /* contact addresses, space separated */
	char opaque_id[128];   /* in RIR delegated-extended files; empty: none */
	char rpsl_ref[128];    /* the org (or mnt-by) value of its inetnum objects; empty: none */
};

/* Validates and adds an account. Returns 0, or -1 with *err (a duplicate id, a bad address). */
int lir_add(struct store *st, const struct lir_account *lir, char **err);
/* Returns 1 with *out, 0 when unknown, -1 with *err. */
int lir_get(struct store *st, const char *id, struct lir_account *out, char **err);
/* All accounts by id (caller frees *out). Returns 0 or -1 with *err. */
int lir_list(struct store *st, struct lir_account **out, size_t *count, char **err);
json_t *lir_json(const struct lir_account *lir);

enum alloc_status { ALLOC_ALLOCATED, ALLOC_ASSIGNED, ALLOC_PI };
const char *alloc_status_name(enum alloc_status s);

struct allocation {
	int64_t id;
	char lir[LIR_ID_SIZE];
	struct prefix block;
	char range[128];       /* the range it was imported as */
	enum alloc_status status;
	char date[16];         /* YYYYMMDD or empty */
	char origin[16];       /* delegated, rpsl, staff */
};

/* Allocations of one LIR (NULL: all), in address order (caller frees *out). */
int alloc_list(struct store *st, const char *lir, struct allocation **out, size_t *count, char **err);
json_t *alloc_json(const struct allocation *a);

/*
 * The allocation holding p (equal or less specific): of `lir` only, or of any LIR when
 * lir is NULL. Returns 1 with the holder in *holder (may be NULL), 0 none, -1 *err.
 */
int alloc_covering(struct store *st, const struct prefix *p, const char *lir, struct allocation *holder, char **err);

/*
 * Registry staff adds a block by hand (PI, corrections); kept across reloads. In the
 * same transaction the marks of the routes under the block follow (entries inside it
 * may come into force: authlist_marks_refresh_blocks). 0 or -1 with *err.
 */
int alloc_add_staff(struct store *st, const struct config *cfg, const char *lir, const struct prefix *block,
		    enum alloc_status status, const char *date, char **err);

/* ---- imports ---- */

enum alloc_format { ALLOC_FORMAT_DELEGATED, ALLOC_FORMAT_RPSL };

/* One line or object of an import file, before it is mapped to an account. */
struct alloc_raw {
	char key[128];         /* opaque-id, or the org / mnt-by value */
	struct addr_range range;
	enum alloc_status status;
	char date[16];
	unsigned line;
};

/*
 * Parses an import file held in memory (untrusted: every line checked). Lines that
 * are not allocations (headers, summaries, ASNs, available/reserved space, other
 * objects) are skipped silently; malformed ones are skipped with a line in
 * *problems ("line 12: ..."). Returns the number of records (caller frees *out).
 */
size_t alloc_import_parse(const char *text, size_t len, enum alloc_format fmt, const char *rpsl_attribute,
			  struct alloc_raw **out, struct strbuf *problems);

struct alloc_reload_result {
	size_t added, changed, returned, unchanged, unmapped;
	size_t moved;                 /* of the changed: blocks that went to another LIR */
	struct strbuf report;         /* one line per addition, change, return, unmapped key */
	struct prefix *returned_blocks;
	char (*returned_lirs)[LIR_ID_SIZE];
	size_t returned_count;
};

/*
 * Replaces the allocations that came from `fmt` imports with the records (mapped
 * to accounts by opaque-id or rpsl_ref; unmapped keys reported, not loaded) in one
 * transaction, and reports the difference. Staff-entered blocks are not touched.
 * Blocks that are added, returned or move to another LIR put the entries inside them
 * in or out of force: the marks of their routes follow in the same transaction
 * (authlist_marks_refresh_blocks). Returns 0 (release *res with
 * alloc_reload_result_release), -1 with *err (*res is then released already).
 */
int alloc_reload(struct store *st, const struct config *cfg, enum alloc_format fmt, const struct alloc_raw *records,
		 size_t count, struct alloc_reload_result *res, char **err);
void alloc_reload_result_release(struct alloc_reload_result *res);

#endif
