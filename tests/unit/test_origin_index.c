/*
 * The origin index follows the database: built on first refresh, journaled single
 * writes applied, a bulk reload rebuilds the source, and answers match SQL.
 */
#include <stdlib.h>
#include <unistd.h>

#include "origin_index.h"
#include "rpsl_parse.h"
#include "rpsl_render.h"
#include "store_write.h"
#include "testlib.h"

static struct rpsl_object *route(const char *prefix, const char *origin)
{
	char text[256];

	snprintf(text, sizeof(text), "%s: %s\norigin: %s\nmnt-by: M\nsource: TEST\n",
		 strchr(prefix, ':') ? "route6" : "route", prefix, origin);
	return rpsl_parse_object(text, strlen(text), 1, RPSL_TOLERANT);
}

static int write_route(struct store *st, enum store_operation op, const char *prefix, const char *origin)
{
	struct rpsl_object *o = route(prefix, origin);
	struct strbuf sb;
	int64_t serial;
	char *err = NULL;
	int rc;

	strbuf_init(&sb);
	rpsl_render(o, &sb);
	rc = store_tx_begin(st, &err);
	if (rc == 0)
		rc = store_write_object(st, "TEST", op, o, sb.data, &serial, &err);
	if (rc < 0 || store_tx_commit(st, &err) < 0)
		store_tx_rollback(st);
	free(err);
	strbuf_release(&sb);
	rpsl_object_free(o);
	return rc;
}

static size_t lookup(struct origin_index *ix, int64_t source_id, uint32_t asn, uint8_t family)
{
	struct prefix_vec v = { 0 };
	size_t n;

	origin_index_lookup(ix, source_id, asn, family, &v);
	n = v.count;
	prefix_vec_release(&v);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/routereg-oi-XXXXXX", path[256];
	struct store *st = NULL;
	struct origin_index *ix = origin_index_new();
	struct store_bulk *bulk;
	struct query_source src;
	char *err = NULL;
	uint64_t stored;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	if (store_open(path, STORE_READ_WRITE, &st, &err) < 0)
		return 1;
	bulk = store_bulk_new(st, "TEST");
	{
		struct rpsl_object *a = route("192.0.2.0/24", "AS1"), *b = route("2001:db8::/32", "AS1");
		struct strbuf sb;

		strbuf_init(&sb);
		rpsl_render(a, &sb);
		store_bulk_add(bulk, a, sb.data, sb.len, "t", 1);
		strbuf_reset(&sb);
		rpsl_render(b, &sb);
		store_bulk_add(bulk, b, sb.data, sb.len, "t", 2);
		strbuf_release(&sb);
		rpsl_object_free(a);
		rpsl_object_free(b);
	}
	CHECK(store_bulk_commit(bulk, 0, NULL, NULL, &stored, &err) == 0, "bulk load");
	CHECK(query_source(&(struct query_context){ .st = st }, "TEST", &src) == 1, "source exists");
	CHECK(origin_index_refresh(ix, st) == 0 && origin_index_size(ix) == 2, "first refresh builds the index");
	CHECK(lookup(ix, src.id, 1, 4) == 1 && lookup(ix, src.id, 1, 6) == 1 && lookup(ix, src.id, 1, 0) == 2,
	      "lookup by family");
	CHECK(lookup(ix, src.id, 2, 0) == 0, "unknown origin: nothing");

	CHECK(write_route(st, STORE_ADD, "198.51.100.0/24", "AS2") == 0, "journaled add");
	CHECK(origin_index_refresh(ix, st) == 0 && lookup(ix, src.id, 2, 4) == 1, "journaled add is followed");
	CHECK(write_route(st, STORE_ADD, "198.51.100.0/24", "AS2") == 0 && origin_index_refresh(ix, st) == 0 &&
		      lookup(ix, src.id, 2, 4) == 1,
	      "a modification does not duplicate the prefix");
	CHECK(write_route(st, STORE_DELETE, "192.0.2.0/24", "AS1") == 0, "journaled delete");
	CHECK(origin_index_refresh(ix, st) == 0 && lookup(ix, src.id, 1, 4) == 0 && lookup(ix, src.id, 1, 6) == 1,
	      "journaled delete is followed");

	bulk = store_bulk_new(st, "TEST");
	{
		struct rpsl_object *c = route("203.0.113.0/24", "AS3");
		struct strbuf sb;

		strbuf_init(&sb);
		rpsl_render(c, &sb);
		store_bulk_add(bulk, c, sb.data, sb.len, "t", 1);
		strbuf_release(&sb);
		rpsl_object_free(c);
	}
	CHECK(store_bulk_commit(bulk, 0, NULL, NULL, &stored, &err) == 0, "reload");
	CHECK(origin_index_refresh(ix, st) == 0 && origin_index_size(ix) == 1 && lookup(ix, src.id, 3, 4) == 1 &&
		      lookup(ix, src.id, 2, 0) == 0,
	      "a reload rebuilds the source");
	origin_index_free(ix);
	store_close(st);
	free(err);
	return TEST_DONE();
}
