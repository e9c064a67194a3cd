/*
 * The store: schema version, bulk replacement (atomic, last-wins duplicates, index
 * rows), single writes with the serial journal, and lookups through the indexes.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rpsl_parse.h"
#include "rpsl_render.h"
#include "store.h"
#include "store_watch.h"
#include "store_write.h"
#include "testlib.h"

static struct rpsl_object *obj(const char *text)
{
	return rpsl_parse_object(text, strlen(text), 1, RPSL_TOLERANT);
}

static void bulk_add_text(struct store_bulk *bulk, const char *text, uint32_t line)
{
	struct rpsl_object *o = obj(text);
	struct strbuf sb;

	strbuf_init(&sb);
	rpsl_render(o, &sb);
	store_bulk_add(bulk, o, sb.data, sb.len, "test", line);
	strbuf_release(&sb);
	rpsl_object_free(o);
}

static long long query_int(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;
	long long v = -1;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* One store_write_object in a transaction of its own, as a caller of the store writes. */
static int write_one(struct store *st, enum store_operation op, const struct rpsl_object *o, const char *text,
		     int64_t *serial)
{
	char *err = NULL;
	int rc;

	if (store_tx_begin(st, &err) < 0) {
		free(err);
		return -1;
	}
	rc = store_write_object(st, "TEST", op, o, text, serial, &err);
	if (rc < 0 || store_tx_commit(st, &err) < 0) {
		store_tx_rollback(st);
		rc = -1;
	}
	free(err);
	return rc;
}

/* Size of a file, -1 when it does not exist. */
static long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/*
 * Defect 19: a bulk commit that fails for lack of space must leave the source as it
 * was and the WAL truncated. A full disk is simulated with max_page_count (SQLite
 * answers SQLITE_FULL once the file would grow past it) and a small soft heap limit,
 * which makes the load spill its dirty pages into the WAL before it fails, as a load
 * larger than the page cache does on a real disk.
 */
static void test_failed_commit_truncates_wal(struct store *st, const char *path)
{
	char wal[300], route[200], *err = NULL;
	long long objects_before = query_int(st, "SELECT count(*) FROM objects"), page_limit;
	struct store_bulk *bulk;
	uint64_t stored = 0;
	int rc;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	sqlite3_exec(store_db(st), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	CHECK(file_size(wal) == 0, "defect 19: WAL empty before the failing load (%lld bytes)", file_size(wal));
	page_limit = query_int(st, "PRAGMA page_count") + 40;
	{
		char sql[100];

		snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", page_limit);
		sqlite3_exec(store_db(st), sql, NULL, NULL, NULL);
	}
	sqlite3_soft_heap_limit64(256 * 1024);
	bulk = store_bulk_new(st, "TEST");
	for (int i = 0; i < 20000; i++) {
		snprintf(route, sizeof(route), "route: 10.%d.%d.0/24\norigin: AS%d\ndescr: padding padding padding"
			 " padding padding padding\nmnt-by: MAINT-FULL\nsource: TEST\n", i / 256, i % 256, 64512 + i % 100);
		bulk_add_text(bulk, route, (uint32_t)i * 6 + 1);
	}
	rc = store_bulk_commit(bulk, 0, NULL, NULL, &stored, &err);
	sqlite3_soft_heap_limit64(0);
	sqlite3_exec(store_db(st), "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL);
	CHECK(rc == -1 && err != NULL && strstr(err, "full") != NULL,
	      "defect 19: bulk commit into a full database fails (%s)", err ? err : "no error");
	CHECK(file_size(wal) == 0, "defect 19: WAL truncated after the failed commit (%lld bytes)", file_size(wal));
	CHECK(query_int(st, "SELECT count(*) FROM objects") == objects_before &&
		      query_int(st, "SELECT count(*) FROM attr_index WHERE value = 'MAINT-FULL'") == 0,
	      "defect 19: source unchanged after the failed commit");
	free(err);
}

/*
 * The watch whois uses instead of asking the change counter before every query:
 * quiet while nobody writes, "maybe" after another connection commits, never fooled
 * by other files in the same directory. In WAL mode (the store's) it reads the WAL
 * index header, exactly: quiet again once a commit was reported, and each further
 * commit reported again.
 */
static void test_watch(const char *dir, const char *path)
{
	struct store *reader = NULL, *writer = NULL;
	struct store_watch *w;
	char *err = NULL, other[300];
	int64_t before = 0, after = 0;
	FILE *f;

	CHECK(store_open(path, STORE_READ_ONLY, &reader, &err) == 0 && store_open(path, STORE_READ_WRITE, &writer, &err) == 0,
	      "watch: open a reader and a writer");
	store_data_version(reader, &before, &err); /* the reader has read once, as whois has before it watches */
	w = store_watch_new(reader);
	CHECK(!store_watch_may_have_changed(w), "watch: quiet while nobody writes");
	snprintf(other, sizeof(other), "%s/unrelated.txt", dir);
	f = fopen(other, "w");
	fputs("x", f);
	fclose(f);
	CHECK(!store_watch_may_have_changed(w), "watch: another file in the directory is not a change");
	CHECK(store_exec(writer, "UPDATE sources SET generation = generation WHERE 0; "
				 "CREATE TABLE watch_probe (x); DROP TABLE watch_probe;", &err) == 0,
	      "watch: another connection commits");
	CHECK(store_watch_may_have_changed(w), "watch: the commit is noticed");
	store_data_version(reader, &after, &err);
	CHECK(after != before, "watch: and the change counter confirms it");
	CHECK(!store_watch_may_have_changed(w), "watch: WAL mode: quiet again after the commit was reported");
	CHECK(store_exec(writer, "CREATE TABLE watch_probe (x); DROP TABLE watch_probe;", &err) == 0 &&
		      store_watch_may_have_changed(w),
	      "watch: WAL mode: the next commit is noticed too");
	CHECK(!store_watch_may_have_changed(w), "watch: WAL mode: and reported once");
	store_watch_free(w);
	store_close(writer);
	store_close(reader);
	unlink(other);
	free(err);
}

/*
 * A database not in WAL mode has no WAL index to read: the watch falls back to
 * inotify on the files, and says "maybe" for a while after each write.
 */
static void test_watch_rollback(const char *dir)
{
	struct store *reader = NULL, *writer = NULL;
	struct store_watch *w = NULL;
	char *err = NULL, path[300];

	snprintf(path, sizeof(path), "%s/rollback.db", dir);
	CHECK(store_open(path, STORE_READ_WRITE, &writer, &err) == 0 &&
		      store_exec(writer, "PRAGMA journal_mode = DELETE", &err) == 0 &&
		      query_int(writer, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'delete'") == 1,
	      "watch, rollback journal: a database switched out of WAL mode");
	CHECK(store_open(path, STORE_READ_ONLY, &reader, &err) == 0, "watch, rollback journal: open a reader");
	if (reader != NULL) {
		w = store_watch_new(reader);
		CHECK(!store_watch_may_have_changed(w), "watch, rollback journal: quiet while nobody writes");
		CHECK(store_exec(writer, "CREATE TABLE watch_probe (x); DROP TABLE watch_probe;", &err) == 0 &&
			      store_watch_may_have_changed(w),
		      "watch, rollback journal: a commit is noticed (inotify)");
		CHECK(store_watch_may_have_changed(w), "watch, rollback journal: still maybe just after a write");
	}
	store_watch_free(w);
	store_close(reader);
	store_close(writer);
	unlink(path);
	free(err);
}

static int duplicates_seen;

static void on_dup(void *ctx, const char *origin, uint32_t line, const char *cls, const char *pkey)
{
	(void)ctx, (void)origin;
	duplicates_seen++;
	printf("# duplicate reported: line %u %s %s\n", line, cls, pkey);
}

int main(void)
{
	char dir[] = "/tmp/routereg-store-XXXXXX", path[256];
	struct store *st = NULL;
	struct store_bulk *bulk;
	struct store_source_info info;
	char *err = NULL, *text = NULL;
	uint64_t stored = 0;
	int64_t serial = 0;
	struct rpsl_object *o;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/test.db", dir);
	CHECK(store_open(path, STORE_READ_WRITE, &st, &err) == 0, "create database");
	test_watch(dir, path);
	test_watch_rollback(dir);
	CHECK(query_int(st, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "schema version recorded");
	CHECK(query_int(st, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1,
	      "WAL mode");

	bulk = store_bulk_new(st, "TEST");
	bulk_add_text(bulk, "route: 192.0.2.0/24\norigin: AS1\ndescr: first\nmnt-by: MAINT-A\nsource: TEST\n", 1);
	bulk_add_text(bulk, "route: 192.0.2.0/24\norigin: AS2\nmnt-by: MAINT-B\nsource: TEST\n", 10);
	bulk_add_text(bulk, "route: 192.0.2.0/24\norigin: AS1\ndescr: second\nmnt-by: MAINT-C\nsource: TEST\n", 20);
	bulk_add_text(bulk, "inetnum: 192.0.2.0 - 192.0.3.127\nnetname: N\ncountry: JP\nadmin-c: A\ntech-c: A\n"
			    "mnt-by: MAINT-A\nsource: TEST\n", 30);
	bulk_add_text(bulk, "route-set: RS-FOO\nmembers: AS1, AS-BAR\nmembers: RS-X^+\nadmin-c: A\ntech-c: A\n"
			    "mnt-by: MAINT-A\nsource: TEST\n", 40);
	CHECK(store_bulk_commit(bulk, 0, on_dup, NULL, &stored, &err) == 0, "bulk commit");
	CHECK(stored == 4 && duplicates_seen == 1, "4 objects stored, 1 duplicate reported (got %llu, %d)",
	      (unsigned long long)stored, duplicates_seen);
	CHECK(store_get_object_text(st, "TEST", "route", "192.0.2.0/24as1", &text, &err) == 1 &&
		      strstr(text, "second") != NULL,
	      "last duplicate wins; key lookup is case-insensitive");
	free(text);
	CHECK(query_int(st, "SELECT count(*) FROM attr_index WHERE attr = 'mnt-by' AND value = 'MAINT-C'") == 1,
	      "index rows of the winning duplicate present");
	CHECK(query_int(st, "SELECT count(*) FROM attr_index a JOIN objects o ON o.id = a.object_id"
			    " WHERE a.attr = 'mnt-by' AND a.value = 'MAINT-A' AND o.class = 'route'") == 0,
	      "index rows of the replaced duplicate gone");
	CHECK(query_int(st, "SELECT count(*) FROM attr_index WHERE attr = 'members'") == 3,
	      "list members indexed one row each");
	CHECK(query_int(st, "SELECT count(*) FROM attr_index WHERE attr = 'members' AND value = 'RS-X'") == 1,
	      "range operator dropped from indexed member");
	CHECK(query_int(st, "SELECT count(*) FROM prefix_index WHERE class = 'inetnum'") == 2,
	      "non-CIDR inetnum indexed as 2 blocks");
	CHECK(query_int(st, "SELECT count(*) FROM prefix_index WHERE class = 'inetnum' AND range_last IS NOT NULL") == 2,
	      "blocks of a range carry the full range");
	CHECK(query_int(st, "SELECT count(*) FROM prefix_index WHERE family = 4 AND first = x'C0000200'"
			    " AND length = 24") == 3,
	      "exact prefix lookup finds 2 routes + 1 inetnum block");
	CHECK(store_source_get(st, "test", &info, &err) == 1 && info.serial_newest == 1 && info.generation == 1 &&
		      info.object_count == 4,
	      "source row: serial 1, generation 1, 4 objects");

	/* A second bulk load replaces everything. */
	bulk = store_bulk_new(st, "TEST");
	bulk_add_text(bulk, "route: 198.51.100.0/24\norigin: AS3\nmnt-by: MAINT-D\nsource: TEST\n", 1);
	CHECK(store_bulk_commit(bulk, 500, NULL, NULL, &stored, &err) == 0 && stored == 1, "reload");
	CHECK(query_int(st, "SELECT count(*) FROM objects") == 1 && query_int(st, "SELECT count(*) FROM attr_index") == 2 &&
		      query_int(st, "SELECT count(*) FROM prefix_index") == 1,
	      "reload leaves only the new objects and their index rows");
	CHECK(store_source_get(st, "TEST", &info, &err) == 1 && info.serial_newest == 500 && info.generation == 2,
	      "explicit serial recorded, generation bumped");

	/* Single writes go to the journal; each inside a transaction of the caller's. */
	o = obj("route: 203.0.113.0/24\norigin: AS4\nmnt-by: MAINT-E\nsource: TEST\n");
	CHECK(write_one(st, STORE_ADD, o, "route: 203.0.113.0/24\norigin: AS4\nmnt-by: MAINT-E\n"
			         "source: TEST\n", &serial) == 0 && serial == 501,
	      "add gets the next serial");
	CHECK(write_one(st, STORE_ADD, o, "route: 203.0.113.0/24\norigin: AS4\nmnt-by: MAINT-E\n"
				 "remarks: v2\nsource: TEST\n", &serial) == 0 && serial == 502,
	      "modify gets the next serial");
	CHECK(query_int(st, "SELECT count(*) FROM attr_index WHERE value = 'MAINT-E'") == 1,
	      "modify does not duplicate index rows");
	CHECK(write_one(st, STORE_DELETE, o, NULL, &serial) == 0 && serial == 503,
	      "delete gets the next serial");
	CHECK(write_one(st, STORE_DELETE, o, NULL, &serial) == 1, "deleting again: not found");
	CHECK(query_int(st, "SELECT count(*) FROM attr_index WHERE value = 'MAINT-E'") == 0 &&
		      query_int(st, "SELECT count(*) FROM prefix_index WHERE first = x'CB007100'") == 0,
	      "delete removes index rows");
	CHECK(query_int(st, "SELECT count(*) FROM journal WHERE operation = 'DEL' AND serial = 503"
			    " AND text LIKE '%remarks: v2%'") == 1,
	      "journal DEL carries the deleted object's text");
	CHECK(query_int(st, "SELECT count(*) FROM journal") == 3, "three journal entries");
	CHECK(store_source_get(st, "TEST", &info, &err) == 1 && info.serial_oldest == 501 && info.serial_newest == 503,
	      "journal serial range 501-503");
	rpsl_object_free(o);
	test_failed_commit_truncates_wal(st, path);
	store_close(st);

	CHECK(store_open(path, STORE_READ_WRITE, &st, &err) == 0 && query_int(st, "SELECT count(*) FROM objects") == 1,
	      "reopen keeps data, migration is idempotent");
	store_close(st);
	free(err);
	return TEST_DONE();
}
