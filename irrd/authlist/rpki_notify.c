/* The mailed RPKI reports; see rpki_notify.h. */
#include "rpki_notify.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "log.h"
#include "mntner_contact.h"
#include "notify.h"
#include "rpki_findings.h"
#include "strbuf.h"
#include "xalloc.h"

/* Who is told: "LIR A1234" or "maintainer MAINT-X", and the addresses that reach them. */
struct party {
	char *name;
	char *addresses;             /* space separated; NULL or "": nobody to tell */
};

/* One finding for one address. */
struct delivery {
	const char *address;         /* into a party's addresses (not owned) */
	size_t finding;              /* index into the findings */
	struct strbuf whose;         /* "LIR A1234; maintainer MAINT-X" */
};

struct run {
	struct store *st;
	const struct config *cfg;
	const struct rpki_findings *findings;
	struct party *parties;
	size_t party_count, party_capacity;
	struct delivery *deliveries;
	size_t delivery_count, delivery_capacity;
	char **address_copies;       /* the split addresses, owned */
	size_t address_count, address_capacity;
};

static int party_compare(const void *a, const void *b)
{
	return strcmp(((const struct party *)a)->name, ((const struct party *)b)->name);
}

static void party_add(struct run *r, char *name)
{
	r->parties = xgrow(r->parties, &r->party_capacity, r->party_count + 1, sizeof(*r->parties));
	r->parties[r->party_count++] = (struct party){ .name = name };
}

/* Every LIR and maintainer a finding concerns, each once, with its addresses read once. */
static void parties_resolve(struct run *r)
{
	size_t w = 0;

	for (size_t i = 0; i < r->findings->count; i++) {
		const struct rpki_finding *f = &r->findings->items[i];

		if (f->lir[0])
			party_add(r, xasprintf("LIR %s", f->lir));
		for (size_t k = 0; k < f->mntner_count; k++)
			party_add(r, xasprintf("maintainer %s", f->mntners[k]));
	}
	if (r->party_count > 1)
		qsort(r->parties, r->party_count, sizeof(*r->parties), party_compare);
	for (size_t i = 0; i < r->party_count; i++) {
		if (w > 0 && strcmp(r->parties[w - 1].name, r->parties[i].name) == 0) {
			free(r->parties[i].name);
			continue;
		}
		r->parties[w++] = r->parties[i];
	}
	r->party_count = w;
	for (size_t i = 0; i < r->party_count; i++) {
		struct party *p = &r->parties[i];

		if (strncmp(p->name, "LIR ", 4) == 0) {
			struct lir_account acct;
			char *err = NULL;

			if (lir_get(r->st, p->name + 4, &acct, &err) == 1)
				p->addresses = xstrdup(acct.emails);
			free(err);
		} else {
			p->addresses = mntner_notify_contacts(r->st, r->cfg, p->name + strlen("maintainer "));
		}
	}
}

static const struct party *party_find(const struct run *r, const char *name)
{
	struct party key = { .name = (char *)name };

	return bsearch(&key, r->parties, r->party_count, sizeof(*r->parties), party_compare);
}

/* One delivery per (address, finding) of the party. */
static void deliver_to_party(struct run *r, size_t finding, const char *party_name)
{
	const struct party *p = party_find(r, party_name);
	char *copy, *save = NULL;

	if (p == NULL || p->addresses == NULL || !p->addresses[0])
		return;
	copy = xstrdup(p->addresses);
	for (char *a = strtok_r(copy, " ,", &save); a != NULL; a = strtok_r(NULL, " ,", &save)) {
		struct delivery *d;

		r->address_copies = xgrow(r->address_copies, &r->address_capacity, r->address_count + 1,
					  sizeof(*r->address_copies));
		r->address_copies[r->address_count++] = xstrdup(a);
		r->deliveries = xgrow(r->deliveries, &r->delivery_capacity, r->delivery_count + 1,
				      sizeof(*r->deliveries));
		d = &r->deliveries[r->delivery_count++];
		*d = (struct delivery){ .address = r->address_copies[r->address_count - 1], .finding = finding };
		strbuf_init(&d->whose);
		strbuf_append_str(&d->whose, party_name);
	}
	free(copy);
}

static int delivery_compare(const void *a, const void *b)
{
	const struct delivery *x = a, *y = b;
	int c = strcasecmp(x->address, y->address);

	if (c != 0)
		return c;
	return x->finding < y->finding ? -1 : x->finding > y->finding;
}

/* Deliveries sorted by address, then finding; one per pair, naming every party it reaches the address as. */
static void deliveries_build(struct run *r)
{
	size_t w = 0;

	for (size_t i = 0; i < r->findings->count; i++) {
		const struct rpki_finding *f = &r->findings->items[i];
		char name[128];

		if (f->lir[0]) {
			snprintf(name, sizeof(name), "LIR %s", f->lir);
			deliver_to_party(r, i, name);
		}
		for (size_t k = 0; k < f->mntner_count; k++) {
			snprintf(name, sizeof(name), "maintainer %s", f->mntners[k]);
			deliver_to_party(r, i, name);
		}
	}
	if (r->delivery_count > 1)
		qsort(r->deliveries, r->delivery_count, sizeof(*r->deliveries), delivery_compare);
	for (size_t i = 0; i < r->delivery_count; i++) {
		struct delivery *d = &r->deliveries[i];

		if (w > 0 && delivery_compare(&r->deliveries[w - 1], d) == 0) {
			strbuf_printf(&r->deliveries[w - 1].whose, "; %s", d->whose.data);
			strbuf_release(&d->whose);
			continue;
		}
		r->deliveries[w++] = *d;
	}
	r->delivery_count = w;
}

static void run_release(struct run *r)
{
	for (size_t i = 0; i < r->party_count; i++) {
		free(r->parties[i].name);
		free(r->parties[i].addresses);
	}
	free(r->parties);
	for (size_t i = 0; i < r->delivery_count; i++)
		strbuf_release(&r->deliveries[i].whose);
	free(r->deliveries);
	for (size_t i = 0; i < r->address_count; i++)
		free(r->address_copies[i]);
	free(r->address_copies);
}

/* 1 when `address` was told `key` before, 0 not, -1 *err. */
static int was_sent(struct store *st, const char *address, const char *key, char **err)
{
	sqlite3_stmt *q = store_stmt(st, "SELECT 1 FROM rpki_report_sent WHERE address = ?1 AND finding = ?2");
	int rc;

	sqlite3_bind_text(q, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	*err = store_error(st, "reading the RPKI reports sent");
	return -1;
}

static int remember(struct store *st, const char *address, const char *key, time_t now, char **err)
{
	sqlite3_stmt *q = store_stmt(st, "INSERT OR IGNORE INTO rpki_report_now(address, finding, since)"
					 " VALUES (?1, ?2, ?3)");
	int rc;

	sqlite3_bind_text(q, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)now);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return 0;
	*err = store_error(st, "recording the RPKI reports sent");
	return -1;
}

/* At most this many findings are listed in one mail; the rest are counted (irrctl rpki report lists all). */
#define MAX_MAILED_FINDINGS 1000

/* The mail for one address: its new findings by kind, each with whom it concerns. */
static void compose(const struct run *r, size_t from, size_t to, const bool *is_new, size_t new_count,
		    struct strbuf *subject, struct strbuf *body)
{
	size_t still_open = (to - from) - new_count;

	strbuf_printf(subject, "%s RPKI report: %zu new finding%s", r->cfg->source, new_count,
		      new_count == 1 ? "" : "s");
	strbuf_printf(body,
		      "Comparing the %s route objects, the authorisation list and the RPKI (the ROAs in force)\n"
		      "found the following, which was not reported to this address before. Nothing was changed.\n",
		      r->cfg->source);
	size_t listed = 0;

	for (int kind = 0; kind < RPKI_FINDING_KINDS; kind++) {
		bool is_titled = false;

		for (size_t i = from; i < to && listed < MAX_MAILED_FINDINGS; i++) {
			const struct delivery *d = &r->deliveries[i];
			const struct rpki_finding *f = &r->findings->items[d->finding];

			if (!is_new[i - from] || (int)f->kind != kind)
				continue;
			if (!is_titled)
				strbuf_printf(body, "\n%s:\n", rpki_finding_kind_title(f->kind));
			is_titled = true;
			strbuf_printf(body, "  %s\n    (%s)\n", f->line, d->whose.data);
			listed++;
		}
	}
	if (listed < new_count)
		strbuf_printf(body, "\n... and %zu more new findings, not listed here: `irrctl rpki report` lists them all.\n",
			      new_count - listed);
	if (still_open > 0)
		strbuf_printf(body, "\nStill open from earlier reports to this address: %zu.\n", still_open);
	strbuf_append_str(body, "\nEach finding is mailed once while it lasts. `irrctl rpki report --lir ID` or"
				" `--mntner M` lists all of them.\n");
}

/* Mails every address its new findings and records what each was told, in the caller's transaction. */
static int mail_all(struct run *r, time_t now, struct rpki_notify_result *res, int64_t *first, int64_t *last,
		    char **err)
{
	if (store_exec(r->st, "CREATE TEMP TABLE IF NOT EXISTS rpki_report_now (address TEXT NOT NULL,"
			      " finding TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (address, finding));"
			      "DELETE FROM rpki_report_now;", err) < 0)
		return -1;
	for (size_t i = 0; i < r->delivery_count;) {
		size_t j = i, new_count = 0;
		const char *address = r->deliveries[i].address;
		bool *is_new;
		int rc = 0;

		while (j < r->delivery_count && strcasecmp(r->deliveries[j].address, address) == 0)
			j++;
		res->addresses++;
		is_new = xcalloc(j - i, sizeof(*is_new));
		for (size_t k = i; k < j && rc >= 0; k++) {
			rc = was_sent(r->st, address, r->findings->items[r->deliveries[k].finding].key, err);
			is_new[k - i] = rc == 0;
			new_count += rc == 0;
		}
		if (rc >= 0 && new_count > 0) {
			struct strbuf subject, body;
			int64_t id;
			char *why = NULL;

			strbuf_init(&subject);
			strbuf_init(&body);
			compose(r, i, j, is_new, new_count, &subject, &body);
			if (notify_queue_text_held(r->st, r->cfg, address, subject.data, body.data, body.len, &id, &why) < 0) {
				/* an address nobody can mail: logged every run until its owner fixes it */
				log_warn("RPKI report: not mailed to %s: %s", address, why);
				new_count = 0;
			} else {
				*first = *first == 0 ? id : *first;
				*last = id;
				res->mails++;
				res->new_findings += new_count;
			}
			free(why);
			strbuf_release(&subject);
			strbuf_release(&body);
		}
		/* what the address knows now: everything mailed before that is still wrong, and the new */
		for (size_t k = i; k < j && rc >= 0; k++)
			if (!is_new[k - i] || new_count > 0)
				rc = remember(r->st, address, r->findings->items[r->deliveries[k].finding].key, now, err);
		free(is_new);
		if (rc < 0)
			return -1;
		i = j;
	}
	/* fixed findings are forgotten (mailed again should they come back); kept ones keep their date */
	return store_exec(r->st, "DELETE FROM rpki_report_sent WHERE NOT EXISTS (SELECT 1 FROM rpki_report_now n"
				 " WHERE n.address = rpki_report_sent.address AND n.finding = rpki_report_sent.finding);"
				 "INSERT OR IGNORE INTO rpki_report_sent(address, finding, since)"
				 " SELECT address, finding, since FROM rpki_report_now;"
				 "DELETE FROM rpki_report_now;",
			  err);
}

int rpki_notify_run(struct store *st, const struct config *cfg, time_t now, struct rpki_notify_result *res,
		    char **err)
{
	struct rpki_findings findings = { .is_text_only = true };
	struct rpki_findings_scope everything = { 0 };
	struct run r = { .st = st, .cfg = cfg, .findings = &findings };
	int64_t first = 0, last = 0;
	bool is_loaded = false;
	int rc = -1, left;

	memset(res, 0, sizeof(*res));
	if (rpki_findings_vrps_loaded(st, &is_loaded, err) < 0)
		return -1;
	if (!is_loaded)
		return 0;
	/* one read of everything, then one write transaction for the mails and the record */
	if (rpki_findings_collect(st, cfg, &everything, &findings, err) < 0)
		goto out;
	res->findings = findings.count;
	parties_resolve(&r);
	deliveries_build(&r);
	if (store_tx_begin(st, err) < 0)
		goto out;
	if (mail_all(&r, now, res, &first, &last, err) < 0 || store_tx_commit(st, err) < 0) {
		store_tx_rollback(st);
		memset(res, 0, sizeof(*res));
		goto out;
	}
	rc = 1;
	if (first > 0) {
		char *why = NULL;

		left = notify_queue_deliver(st, cfg, first, last, now, NULL, &why);
		if (left < 0)
			log_error("RPKI report: %s (the mails stay queued for irrd's retry)", why);
		else
			res->still_queued = (size_t)left;
		free(why);
	}
out:
	run_release(&r);
	rpki_findings_release(&findings);
	return rc;
}
