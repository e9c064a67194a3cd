/*
 * Schema migrations, applied in order, each in its own transaction, recorded in
 * PRAGMA user_version. Never edit a released step: add the next one.
 *
 * Layout (version 1):
 *   sources       one row per source (ours and mirrored): serial range, generation
 *   objects       one row per object: class, primary key (upper case), RPSL text
 *   prefix_index  route/route6/inetnum/inet6num address blocks for exact, less- and
 *                 more-specific search; an inetnum range that is not one CIDR block
 *                 appears as its CIDR blocks, with the full range alongside
 *   attr_index    lookup-key values (origin, mnt-by, members, member-of, ...) upper case
 *   journal       the serial journal per source: ADD/DEL with the object text
 * Version 2: audit (every update attempt). Version 3: certificates (our CA's
 * issuance records), ca_crl (CRL numbers), access_keys (certificate pick-up).
 * Version 4: mail_replay (digests of signed mail already applied, for the
 * signing-time window). Version 5: the authorisation list (AUTHLIST.md): lir,
 * allocation, authlist, authlist_origin, route_verification. Version 6: auth_failures
 * (failed password verifications per maintainer and hour), notify_queue (notification
 * mails queued in the submission's transaction until sendmail took them). Version 7:
 * rpki_vrp and rpki_status (the VRPs irrd has in force, for update checks). Version 8:
 * rpki_report_sent (the RPKI findings mailed to each address). Version 9:
 * mirror_status (per mirrored source: serial, last success, last error).
 * Every index leads with source_id so a source can be replaced by range deletes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store.h"
#include "store_schema.h"
#include "xalloc.h"

static const char *const migrations[] = {
	/* version 1: the first release */
	"CREATE TABLE sources ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  serial_oldest INTEGER NOT NULL DEFAULT 0,"
	"  serial_newest INTEGER NOT NULL DEFAULT 0,"
	"  generation INTEGER NOT NULL DEFAULT 0,"
	"  loaded_at INTEGER"
	");"
	"CREATE TABLE objects ("
	"  id INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL REFERENCES sources(id),"
	"  class TEXT NOT NULL,"
	"  pkey TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  updated INTEGER NOT NULL"
	");"
	"CREATE UNIQUE INDEX objects_by_key ON objects(source_id, class, pkey);"
	"CREATE TABLE prefix_index ("
	"  source_id INTEGER NOT NULL,"
	"  family INTEGER NOT NULL,"
	"  first BLOB NOT NULL,"
	"  length INTEGER NOT NULL,"
	"  object_id INTEGER NOT NULL,"
	"  class TEXT NOT NULL,"
	"  range_first BLOB,"
	"  range_last BLOB,"
	"  PRIMARY KEY (source_id, family, first, length, object_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE attr_index ("
	"  source_id INTEGER NOT NULL,"
	"  attr TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  object_id INTEGER NOT NULL,"
	"  PRIMARY KEY (source_id, attr, value, object_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE journal ("
	"  id INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL,"
	"  serial INTEGER NOT NULL,"
	"  operation TEXT NOT NULL CHECK (operation IN ('ADD', 'DEL')),"
	"  class TEXT NOT NULL,"
	"  pkey TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  timestamp INTEGER NOT NULL,"
	"  UNIQUE (source_id, serial)"
	");",
	/* version 2: the audit record of every update attempt (issue 4) */
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  origin TEXT,"
	"  identity TEXT NOT NULL,"
	"  operation TEXT NOT NULL,"
	"  class TEXT,"
	"  pkey TEXT,"
	"  outcome TEXT NOT NULL,"
	"  serial INTEGER"
	");"
	"CREATE INDEX audit_by_time ON audit(time);",
	/* version 3: the certificate authority's issuance records, CRL numbers and access keys (issue 5) */
	"CREATE TABLE certificates ("
	"  id INTEGER PRIMARY KEY,"
	"  ca TEXT NOT NULL CHECK (ca IN ('irr', 'resource')),"
	"  serial TEXT NOT NULL,"              /* upper-case hex, as OpenSSL prints it */
	"  subject TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  mntner TEXT,"                       /* the maintainer a registrant or admin acts for */
	"  lir TEXT,"                          /* the LIR account of LIR staff */
	"  holder TEXT NOT NULL,"              /* nic-handle or name in the CN, for the sequence number */
	"  sequence INTEGER NOT NULL,"
	"  email TEXT NOT NULL,"
	"  not_before INTEGER NOT NULL,"
	"  not_after INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),"
	"  revoked_at INTEGER,"
	"  revoke_reason TEXT,"
	"  issued_by TEXT NOT NULL,"
	"  issued_at INTEGER NOT NULL,"
	"  pem TEXT NOT NULL,"
	"  UNIQUE (ca, serial)"
	");"
	"CREATE INDEX certificates_by_holder ON certificates(role, mntner, holder);"
	"CREATE TABLE ca_crl ("
	"  ca TEXT PRIMARY KEY,"
	"  number INTEGER NOT NULL,"
	"  this_update INTEGER NOT NULL,"
	"  next_update INTEGER NOT NULL"
	");"
	"CREATE TABLE access_keys ("
	"  id INTEGER PRIMARY KEY,"
	"  certificate_request TEXT NOT NULL," /* the certificate to issue: role, mntner, lir, holder, email as key=value lines */
	"  hash TEXT NOT NULL,"                /* SHA-256 of salt + both parts, hex */
	"  salt TEXT NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  used_at INTEGER,"
	"  created_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	");",
	/* version 4: the mail gateway's replay protection (issue 6) */
	"CREATE TABLE mail_replay ("
	"  digest TEXT PRIMARY KEY,"           /* SHA-256 (hex) of the signed content and its signature */
	"  seen INTEGER NOT NULL,"
	"  message_id TEXT"
	");"
	"CREATE INDEX mail_replay_by_time ON mail_replay(seen);",
	/* version 5: LIR accounts, allocations, the authorisation list (issue 7) */
	"CREATE TABLE lir ("
	"  id TEXT PRIMARY KEY,"               /* the resource management number */
	"  name TEXT NOT NULL,"
	"  emails TEXT NOT NULL,"              /* contact addresses, space separated */
	"  opaque_id TEXT UNIQUE,"             /* its opaque-id in RIR delegated-extended files */
	"  rpsl_ref TEXT UNIQUE,"              /* the org/mnt-by value marking its inetnum objects */
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE allocation ("
	"  id INTEGER PRIMARY KEY,"
	"  lir TEXT NOT NULL REFERENCES lir(id),"
	"  family INTEGER NOT NULL,"
	"  first BLOB NOT NULL,"               /* a CIDR block, big-endian like prefix_index */
	"  length INTEGER NOT NULL,"
	"  prefix TEXT NOT NULL,"
	"  range TEXT NOT NULL,"               /* the range it came from (non-CIDR ranges are several blocks) */
	"  status TEXT NOT NULL CHECK (status IN ('allocated', 'assigned', 'pi')),"
	"  date TEXT,"
	"  origin TEXT NOT NULL,"              /* 'delegated', 'rpsl' (reloaded as a diff) or 'staff' */
	"  UNIQUE (family, first, length)"
	");"
	"CREATE INDEX allocation_by_lir ON allocation(lir);"
	"CREATE TABLE authlist ("
	"  id INTEGER PRIMARY KEY,"
	"  lir TEXT NOT NULL,"
	"  family INTEGER NOT NULL,"
	"  first BLOB NOT NULL,"
	"  length INTEGER NOT NULL,"
	"  prefix TEXT NOT NULL,"
	"  action TEXT NOT NULL CHECK (action IN ('allow', 'deny')),"
	"  mntner TEXT NOT NULL,"              /* upper case */
	"  origins TEXT NOT NULL DEFAULT '',"  /* 'AS1 AS2', empty: any origin */
	"  remarks TEXT NOT NULL DEFAULT '',"
	"  created_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  modified_by TEXT NOT NULL,"
	"  modified_at INTEGER NOT NULL,"
	"  flagged TEXT"                       /* the consistency check's finding, NULL when none */
	");"
	"CREATE INDEX authlist_by_mntner ON authlist(mntner, family, first, length);"
	"CREATE INDEX authlist_by_prefix ON authlist(family, first, length);"
	"CREATE INDEX authlist_by_lir ON authlist(lir);"
	"CREATE TABLE authlist_origin ("
	"  asn INTEGER NOT NULL,"
	"  entry INTEGER NOT NULL,"
	"  PRIMARY KEY (asn, entry)"
	") WITHOUT ROWID;"
	"CREATE INDEX authlist_origin_by_entry ON authlist_origin(entry);"
	"CREATE TABLE route_verification ("
	"  source_id INTEGER NOT NULL,"
	"  class TEXT NOT NULL,"
	"  pkey TEXT NOT NULL,"
	"  entry INTEGER,"                     /* the deciding allow entry; NULL: registry staff override */
	"  verified_at INTEGER NOT NULL,"
	"  PRIMARY KEY (source_id, class, pkey)"
	") WITHOUT ROWID;",
	/* version 6: failed password counts per maintainer, the notification queue (issue 12) */
	"CREATE TABLE auth_failures ("
	"  mntner TEXT PRIMARY KEY,"           /* upper case, of our source */
	"  window_start INTEGER NOT NULL,"     /* the hour the count belongs to starts here */
	"  failures INTEGER NOT NULL"
	");"
	"CREATE TABLE notify_queue ("
	"  id INTEGER PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  message BLOB NOT NULL,"             /* the whole RFC 5322 message */
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt INTEGER NOT NULL,"
	"  last_error TEXT"
	");"
	"CREATE INDEX notify_queue_due ON notify_queue(next_attempt);",
	/* version 7: the VRPs irrd has in force, for the processes that check updates (issue 15) */
	"CREATE TABLE rpki_vrp ("
	"  family INTEGER NOT NULL,"
	"  first BLOB NOT NULL,"               /* the prefix's address, as prefix_index stores it */
	"  length INTEGER NOT NULL,"
	"  max_length INTEGER NOT NULL,"
	"  asn INTEGER NOT NULL,"
	"  ta TEXT NOT NULL"
	");"
	"CREATE INDEX rpki_vrp_by_prefix ON rpki_vrp(family, first, length);"
	"CREATE TABLE rpki_status ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  written_at INTEGER NOT NULL,"       /* when irrd wrote the table */
	"  vrp_count INTEGER NOT NULL,"
	"  origin TEXT NOT NULL"               /* the VRP file or the RPKI cache */
	");",
	/* version 8: what the mailed RPKI reports told each address, to mail only what is new (issue 15) */
	"CREATE TABLE rpki_report_sent ("
	"  address TEXT NOT NULL,"
	"  finding TEXT NOT NULL,"             /* rpki_finding's key */
	"  since INTEGER NOT NULL,"            /* first mailed */
	"  PRIMARY KEY (address, finding)"
	") WITHOUT ROWID;",
	/* version 9: the state of each source we mirror (issue 16) */
	"CREATE TABLE mirror_status ("
	"  source TEXT PRIMARY KEY COLLATE NOCASE,"
	"  serial INTEGER NOT NULL DEFAULT 0,"  /* the upstream's serial we hold everything up to; 0: never imported */
	"  last_attempt INTEGER,"
	"  last_success INTEGER,"              /* the last run that applied or found nothing new */
	"  last_progress INTEGER,"             /* the last time the serial advanced */
	"  last_error TEXT,"
	"  last_error_at INTEGER,"
	"  failures INTEGER NOT NULL DEFAULT 0," /* runs failed in a row */
	"  reload_requested INTEGER NOT NULL DEFAULT 0"
	");",
};

#define MIGRATION_COUNT (sizeof(migrations) / sizeof(migrations[0]))
_Static_assert(MIGRATION_COUNT == STORE_SCHEMA_VERSION, "STORE_SCHEMA_VERSION must match the migrations");

static int sql_fail(sqlite3 *db, const char *what, char **err)
{
	*err = xasprintf("%s: %s", what, sqlite3_errmsg(db));
	return -1;
}

int store_schema_migrate(sqlite3 *db, char **err)
{
	sqlite3_stmt *stmt;
	int version;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return sql_fail(db, "reading schema version", err);
	version = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	if (version > (int)MIGRATION_COUNT) {
		*err = xasprintf("database schema version %d is newer than this program (%d): upgrade routereg",
				 version, (int)MIGRATION_COUNT);
		return -1;
	}
	for (int v = version; v < (int)MIGRATION_COUNT; v++) {
		char pragma[48];

		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return sql_fail(db, "starting migration", err);
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
			sql_fail(db, "applying schema migration", err);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return sql_fail(db, "committing migration", err);
	}
	return 0;
}
