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
 * Watches the files of st's database (the file, its -wal and -journal) with
 * inotify. Never fails: without inotify the watch says "maybe" every time.
 * Free with store_watch_free.
 */
struct store_watch *store_watch_new(struct store *st);
void store_watch_free(struct store_watch *w);

/*
 * True when the database may have changed since the last call (or inotify is not
 * available): then ask store_data_version. Drains the events; no blocking; one
 * read(2). Any commit that completed before this call is noticed: the kernel queues
 * the event inside the writer's write() of the commit, before the commit returns,
 * and the answer stays true for a while after each write (the writer makes its
 * commit visible in shared memory a moment later, which makes no event).
 */
bool store_watch_may_have_changed(struct store_watch *w);

#endif
