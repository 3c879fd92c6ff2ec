/*
 * notify.c - delivering the outbox through the notifier plugins.
 *
 * The outbox is read one item at a time (the next pending id after the
 * last one handled), never as a list taken at the start: items that an
 * eval queues while a notify runs are delivered by that same run, which
 * matters because a second notify started meanwhile leaves the work to
 * it.  No transaction is held while a notifier talks to its receiver;
 * each item's outcome is one UPDATE, its own transaction.
 */
#define _DEFAULT_SOURCE 1 /* flock, realpath */

#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "plugin.h"
#include "store.h"

static const char sql_next[] =
    "SELECT id, idempotency_key, kind, payload, attempts FROM outbox "
    "WHERE delivered_at IS NULL AND id > ?1 AND (?2 OR attempts < ?3) ORDER BY id LIMIT 1";
static const char sql_delivered[] =
    "UPDATE outbox SET delivered_at = ?2, last_error = NULL WHERE id = ?1 AND delivered_at IS NULL";
static const char sql_failed[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1 AND delivered_at IS NULL";
static const char sql_parked[] = "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND attempts >= ?1";

int hd_notify_count(void)
{
	const hd_plugins *p = hd_plugins_get();
	int n = 0;
	for (int i = 0; i < p->nregs; i++)
		n += p->regs[i].type == HD_PREG_NOTIFIER;
	return n;
}

/* The lock ------------------------------------------------------------ */

/* Replaces the lock file's text by pid (nothing for 0); -1 on failure. */
static int write_pid(int fd, pid_t pid)
{
	char buf[32];
	int n = pid ? snprintf(buf, sizeof buf, "%ld\n", (long)pid) : 0;
	if (ftruncate(fd, 0))
		return -1;
	return pwrite(fd, buf, (size_t)n, 0) == n ? 0 : -1;
}

/* Takes the notify lock of db_path into *fd; when another process holds
 * it, sets st->busy (and its pid, as it wrote it) and *fd = -1.  flock
 * rather than a row in the database: the kernel lets go of it when its
 * holder dies, however it dies, and it needs no schema change.  The lock
 * file sits beside the database file itself, its symbolic links
 * resolved: named after the path as given, a run through a link to the
 * database would take a lock of its own and deliver alongside another. */
static int lock_outbox(const char *db_path, int *fd, hd_notify_stats *st, hd_err *err)
{
	char path[PATH_MAX];
	*fd = -1;
	char *real = realpath(db_path, NULL);
	if (!real)
		return hd_err_set(err, HD_EIO, "%s: cannot find the database file for its notify lock: %s",
		                  db_path, strerror(errno));
	int len = snprintf(path, sizeof path, "%s-notify.lock", real);
	free(real);
	if (len < 0 || len >= (int)sizeof path)
		return hd_err_set(err, HD_EIO, "%s: the path is too long for its notify lock", db_path);
	/* O_NOFOLLOW: a link planted in a shared folder must not make us
	 * create or truncate another file.  A lock file of another user that
	 * we may only read still locks: flock needs no write access. */
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (f < 0 && errno == EACCES)
		f = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (f < 0)
		return hd_err_set(err, HD_EIO,
		                  "%s: cannot open the lock that keeps two notify runs apart: %s", path,
		                  strerror(errno));
	if (flock(f, LOCK_EX | LOCK_NB)) {
		int e = errno;
		if (e == EWOULDBLOCK) {
			char buf[32] = "";
			ssize_t n = pread(f, buf, sizeof buf - 1, 0);
			buf[n > 0 ? n : 0] = 0;
			st->busy = 1;
			st->busy_pid = (pid_t)atol(buf);
			close(f);
			return 0;
		}
		close(f);
		return hd_err_set(err, HD_EIO, "%s: cannot lock: %s", path, strerror(e));
	}
	/* The pid is only for the message of a run that finds the lock
	 * taken; a lock file we may only read locks all the same. */
	(void)write_pid(f, getpid());
	*fd = f;
	return 0;
}

static void unlock_outbox(int fd)
{
	if (fd < 0)
		return;
	(void)write_pid(fd, 0);
	close(fd); /* releases the flock */
}

/* Delivery ----------------------------------------------------------- */

/* Appends "name: message" to why (of size len, "; " between). */
static void add_reason(char *why, size_t len, const char *name, const char *msg)
{
	size_t used = strlen(why);
	if (used + 1 < len)
		snprintf(why + used, len - used, "%s%s: %s", used ? "; " : "", name, msg);
}

/* Hands n to every notifier, each even when an earlier one failed: a
 * receiver that is up should not wait for one that is down.  Returns 0
 * when all accepted it, else -1 with their reasons in why. */
static int deliver(const struct huddle_notice *n, char *why, size_t len)
{
	const hd_plugins *p = hd_plugins_get();
	int rc = 0;
	why[0] = 0;
	for (int i = 0; i < p->nregs; i++) {
		const hd_preg *r = &p->regs[i];
		if (r->type != HD_PREG_NOTIFIER)
			continue;
		r->owner->fail[0] = 0; /* no stale message from an earlier call */
		if (r->notify(r->owner, r->ud, n) == 0)
			continue;
		add_reason(why, len, r->name, hd_plugin_failure(r->owner));
		rc = -1;
	}
	return rc;
}

static int step_update(sqlite3_stmt *st, int64_t id, const char *text)
{
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void warn_failed(int64_t id, const char *key, const char *why, int attempts, const hd_notify_opts *o)
{
	if (attempts >= o->park_after)
		hd_warn("notify: item %lld (%s) not delivered: %s; parked after %d failed notify runs: "
		        "'huddle notify --retry' tries it again",
		        (long long)id, key, why, attempts);
	else
		hd_warn("notify: item %lld (%s) not delivered: %s; the next notify tries it again "
		        "(failed runs: %d; parked at %d)",
		        (long long)id, key, why, attempts, o->park_after);
}

/* Tries every eligible pending item once, in id order. */
static int deliver_all(sqlite3 *db, const hd_notify_opts *o, hd_notify_stats *st, hd_err *err)
{
	sqlite3_stmt *next = NULL, *ok = NULL, *bad = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db, sql_next, -1, &next, NULL) ||
	    sqlite3_prepare_v2(db, sql_delivered, -1, &ok, NULL) ||
	    sqlite3_prepare_v2(db, sql_failed, -1, &bad, NULL)) {
		rc = hd_err_set(err, HD_EIO, "reading the outbox: %s", sqlite3_errmsg(db));
		goto done;
	}
	int64_t last = 0;
	for (;;) {
		sqlite3_bind_int64(next, 1, last);
		sqlite3_bind_int(next, 2, o->retry);
		sqlite3_bind_int(next, 3, o->park_after);
		int s = sqlite3_step(next);
		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = hd_err_set(err, HD_EIO, "reading the outbox: %s", sqlite3_errmsg(db));
			goto done;
		}
		int64_t id = sqlite3_column_int64(next, 0);
		/* Copies: the statement is reset before the notifiers run, so no
		 * read transaction stays open while they wait on the network. */
		char *key = hd_xstrdup((const char *)sqlite3_column_text(next, 1));
		char *kind = hd_xstrdup((const char *)sqlite3_column_text(next, 2));
		char *payload = hd_xstrdup((const char *)sqlite3_column_text(next, 3));
		int attempts = sqlite3_column_int(next, 4);
		sqlite3_reset(next);
		last = id;

		struct huddle_notice n = {key, kind, payload, attempts};
		char why[1024];
		if (deliver(&n, why, sizeof why) == 0) {
			char now[32];
			hd_store_timestamp(now);
			if (step_update(ok, id, now))
				rc = -1;
			else
				st->delivered++;
		} else if (step_update(bad, id, why)) {
			rc = -1;
		} else {
			st->failed_now++;
			st->failed += attempts + 1 < o->park_after;
			warn_failed(id, key, why, attempts + 1, o);
		}
		free(key);
		free(kind);
		free(payload);
		if (rc) {
			rc = hd_err_set(err, HD_EIO, "recording the outcome of outbox item %lld: %s",
			                (long long)id, sqlite3_errmsg(db));
			goto done;
		}
	}
done:
	sqlite3_finalize(next);
	sqlite3_finalize(ok);
	sqlite3_finalize(bad);
	return rc;
}

static int count_parked(sqlite3 *db, int park_after, int *n, hd_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql_parked, -1, &st, NULL))
		return hd_err_set(err, HD_EIO, "reading the outbox: %s", sqlite3_errmsg(db));
	sqlite3_bind_int(st, 1, park_after);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : hd_err_set(err, HD_EIO, "reading the outbox: %s", sqlite3_errmsg(db));
}

int hd_notify_run(sqlite3 *db, const char *db_path, const hd_notify_opts *o, hd_notify_stats *st, hd_err *err)
{
	int fd;
	memset(st, 0, sizeof *st);
	if (lock_outbox(db_path, &fd, st, err))
		return err->code;
	if (st->busy)
		return 0;
	int rc = deliver_all(db, o, st, err);
	if (!rc)
		rc = count_parked(db, o->park_after, &st->parked, err);
	unlock_outbox(fd);
	return rc;
}
