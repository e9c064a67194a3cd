/*
 * Noticing cheaply that another process may have written the database. A reader
 * that caches what it read (whois: the sources snapshot, the origin index) would
 * otherwise ask SQLite's change counter before every query, which costs a shared
 * lock and a stat (three system calls and a statement) per query.
 */
#ifndef IRRD_STORE_WATCH_H
#define IRRD_STORE_WATCH_H

#include <stdbool.h>

struct store;
struct store_watch;

/*
 * Watches st's database. In WAL mode (the store's own; store_open sets it) through
 * the header of SQLite's WAL index, which every commit rewrites, read from the
 * connection's own shared-memory mapping: no system call. Otherwise through inotify
 * on the database's files. Never fails: without either the watch says "maybe" every
 * time. st must stay open while the watch is used (the mapping is st's). Free with
 * store_watch_free (before store_close(st)).
 */
struct store_watch *store_watch_new(struct store *st);
void store_watch_free(struct store_watch *w);

/*
 * True when the database may have changed since the last call (or there is no
 * watch): then ask store_data_version. Any commit that completed before this call
 * is noticed. WAL mode: true when the WAL index header differs from the one seen at
 * the last call (a commit, or a checkpoint restarting the WAL); a few loads from
 * shared memory. Inotify: drains the events with one read(2), no blocking; the
 * kernel queues an event inside the writer's write() of the commit, before the
 * commit returns, and the answer stays true for a while after each write (the writer
 * makes its commit visible in shared memory a moment later, which makes no event).
 */
bool store_watch_may_have_changed(struct store_watch *w);

#endif
