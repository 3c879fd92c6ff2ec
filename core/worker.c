/* worker.c - the wall-clock backstop: rules are evaluated in a child
 * process that the host kills when a rule call outlives its deadline.
 *
 * An instruction hook never fires inside a C function, so a pattern
 * match or a long library call could hold a rule past sandbox.time_ms
 * however the VM is hardened; and a crash in Debian's Lua 5.4.4 must
 * not take the host down.  So the host forks workers (one per core for a
 * large organisation) that take the subjects a chunk at a time, evaluate
 * them in order and send each finished scorecard back through a pipe
 * (the host spools it, cards.c), while a page of shared memory says
 * which rule call runs and by when it must end.  When a call overruns
 * (plus a small grace) or a worker dies, the host records that rule as
 * failed for that subject and forks a fresh worker that starts again at
 * the same subject, skipping what failed, then takes chunks like the
 * others.  Each stop adds a skip, so the run always ends.
 */
/* MAP_ANONYMOUS is not POSIX but every Linux libc has it. */
#define _DEFAULT_SOURCE 1
#define _GNU_SOURCE 1 /* sched_getaffinity */

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cards.h"
#include "db.h"
#include "eval.h"
#include "mshare.h"

#define GRACE_S 0.25	/* beyond sandbox.time_ms before the host kills */
#define HD_MAX_WORKERS 16
#define POLL_MS 20
#define CHUNK_MAX 256	/* subjects a worker takes at a time */

/* What host and workers share: the workers take the subjects in chunks,
 * the next from `next_chunk`, so one that is done early (its subjects
 * had cheaper rules: teams cost more than reps) takes more, and all end
 * together; and each worker's watch page. */
typedef struct shared {
	atomic_int next_chunk;
	int chunk, nchunks, total; /* chunk c is the run positions [c * chunk, (c + 1) * chunk) */
	hd_watch w[HD_MAX_WORKERS];
} shared;

static int chunk_end(const shared *sh, int pos)
{
	int end = (pos / sh->chunk + 1) * sh->chunk;
	return end < sh->total ? end : sh->total;
}

/* Cards go to the host in batches: a write and a wake-up of the host
 * per card cost more than encoding it.  A batch goes when it is large
 * or FLUSH_S old (so the progress bar moves), and at the end.  Cards
 * still in a batch when the worker dies are simply evaluated again. */
#define BATCH_BYTES 65536
#define FLUSH_S 0.05

typedef struct child_sink {
	const hd_engine *e;
	hd_result *res;
	int fd;
	hd_buf b;
	double flushed; /* hd_now() of the last write */
} child_sink;

static void write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(4); /* the host went away */
		s += w;
		n -= (size_t)w;
	}
}

static void flush_cards(child_sink *cs)
{
	write_all(cs->fd, cs->b.p, cs->b.len);
	cs->b.len = 0;
	cs->flushed = hd_now();
}

static void send_card(void *ud, const hd_scorecard *card)
{
	child_sink *cs = ud;
	hd_frame_encode(&cs->e->rules, card, &cs->b);
	/* The card is in the frame now and the worker never reads it again:
	 * its memory holds the next one, so a worker stays small and does
	 * not fault in fresh pages for every card of a million. */
	hd_arena_reset(&cs->res->arena);
	if (cs->b.len >= BATCH_BYTES || hd_now() - cs->flushed >= FLUSH_S)
		flush_cards(cs);
}

/* A worker: its own hardened read-only connection for a database file
 * (a connection must not be used across fork; an in-memory database is
 * the fork's own copy), the SQL metrics no other worker has claimed yet
 * when there are several, then the subjects at [from, to), then chunk
 * after chunk until none is left.  Never returns. */
static void child(hd_engine *e, hd_result *res, shared *sh, int k, int fd, int from, int to, hd_mshare *share,
		  int prefetch)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	hd_watch *w = &sh->w[k];
	e->watch = w;
	sqlite3 *ro;
	hd_err err;
	int rc = hd_db_open_reader(e->db, 30000, &ro, &err);
	if (rc == 0)
		e->db = ro;
	else if (rc != HD_EINPUT) /* HD_EINPUT: in memory, the fork's own copy */
		_exit(4);
	if (share) {
		e->share = share;
		e->share_owner = k;
		/* Odd workers walk the metrics backwards: two meet in the middle
		 * and the second core runs queries from the first moment. */
		if (prefetch)
			hd_metrics_prefetch(e, k % 2);
	}
	child_sink cs = { e, res, fd, { 0 }, hd_now() };
	if (from < to)
		hd_eval_range(e, res, from, to, send_card, &cs);
	for (;;) {
		/* Each chunk wholly in the pipe before the next is taken: a
		 * worker that dies leaves the host at most one chunk to redo,
		 * the one its watch page names. */
		flush_cards(&cs);
		int c = atomic_fetch_add(&sh->next_chunk, 1);
		if (c >= sh->nchunks)
			break;
		w->chunk = c;
		from = c * sh->chunk;
		hd_eval_range(e, res, from, chunk_end(sh, from), send_card, &cs);
	}
	_exit(0);
}

/* Records that the call the watch names was stopped, for the next worker. */
static void add_skip(hd_engine *e, const hd_watch *w, const char *why)
{
	e->skips = hd_xrealloc(e->skips, sizeof *e->skips * (size_t)(e->nskips + 1));
	hd_skip *k = &e->skips[e->nskips++];
	k->kind = w->kind;
	k->subject = w->subject;
	k->rule = w->rule >= 0 && w->rule < e->rules.nrules ? &e->rules.rules[w->rule] : NULL;
	snprintf(k->why, sizeof k->why, "%s", why);
	/* A plugin's metric provider was running: it would run, and be
	 * stopped, again for the next subject that reads it, in every fresh
	 * worker.  Once is enough: from now on the metric fails. */
	if (w->metric >= 0) {
		e->mfails = hd_xrealloc(e->mfails, sizeof *e->mfails * (size_t)(e->nmfails + 1));
		k = &e->mfails[e->nmfails++];
		k->kind = w->metric;
		k->subject = w->metric_ctx;
		k->rule = NULL;
		snprintf(k->why, sizeof k->why, "%s", why);
	}
}

/* A worker's place in the run: the run positions (reps, then teams)
 * [next, to) still to come of the chunk it works on (or what was left of
 * one when it started). */
typedef struct wslot {
	hd_watch *w;
	int next, to;
	int first;    /* the running worker is the slot's first */
	int taken;    /* cards from the running worker */
	int lazy;     /* a worker died computing metrics up front: no more of that */
	pid_t pid;    /* 0: not running */
	int fd;
	hd_buf in;
	char why[256]; /* why the host stopped it; "" none */
} wslot;

/* Forks the worker for slot k from its next subject. */
static int start(hd_engine *e, hd_result *res, wslot *ws, int k, shared *sh, hd_mshare *share, hd_err *err)
{
	int fds[2];
	if (pipe(fds))
		return hd_err_set(err, HD_EIO, "cannot start an evaluation worker: %s", strerror(errno));
	hd_watch *w = ws->w;
	w->kind = ws->next < res->nreps ? HD_REP : HD_TEAM;
	w->subject = ws->next >= ws->to ? -1 : ws->next < res->nreps ? ws->next : ws->next - res->nreps;
	w->rule = -1;
	w->metric = w->metric_ctx = -1;
	w->prefetch = 0;
	w->chunk = -1;
	fflush(NULL); /* nothing buffered may be written twice */
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return hd_err_set(err, HD_EIO, "cannot start an evaluation worker: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		child(e, res, sh, k, fds[1], ws->next, ws->to, share, !ws->lazy);
	}
	close(fds[1]);
	ws->pid = pid;
	ws->fd = fds[0];
	ws->taken = 0;
	ws->in.len = 0;
	ws->why[0] = 0;
	return 0;
}

/* Spools the whole frames read so far.  A worker sends its subjects in
 * order: the rest of its range, then chunk after chunk. */
static int take_frames(hd_result *res, const shared *sh, wslot *ws, int *done, void (*progress)(void *, double),
		       void *ud, hd_err *err)
{
	int total = res->nreps + res->nteams;
	size_t off = 0;
	long len;
	while ((len = hd_frame_length(ws->in.p + off, ws->in.len - off)) > 0) {
		hd_kind kind;
		int idx;
		if (hd_frame_subject(res, ws->in.p + off, (size_t)len, &kind, &idx)) {
			len = -1;
			break;
		}
		int pos = (kind == HD_REP ? 0 : res->nreps) + idx;
		if (pos >= ws->to && ws->next == ws->to && pos % sh->chunk == 0) {
			ws->next = pos; /* its range is done: the chunk it took next */
			ws->to = chunk_end(sh, pos);
		}
		/* Not the next subject, nor the start of a chunk; or a bad body. */
		if (pos != ws->next || hd_spool_frame(res, ws->in.p + off, (size_t)len, off, kind, idx)) {
			len = -1;
			break;
		}
		ws->next = pos + 1;
		ws->taken++;
		off += (size_t)len;
		if (progress && ++*done % (total / 100 + 1) == 0)
			progress(ud, (double)*done / total);
	}
	if (len < 0)
		return hd_err_set(err, HD_EIO, "internal error: a malformed result from the worker");
	int rc = off ? hd_spool_write(res, ws->in.p, off, err) : 0;
	if (rc)
		return rc;
	memmove(ws->in.p, ws->in.p + off, ws->in.len - off);
	ws->in.len -= off;
	return 0;
}

/* Reaps the worker of a slot whose pipe closed.  Returns 1 when its
 * share is done, 0 when a fresh worker must go on from ws->next (the
 * call it was in is now a skip), or an error. */
static int reap(hd_engine *e, wslot *ws, const shared *sh, hd_mshare *share, int k, hd_err *err)
{
	int status = 0;
	close(ws->fd);
	while (waitpid(ws->pid, &status, 0) < 0 && errno == EINTR)
		;
	ws->pid = 0;
	/* What it was computing for the others is free to compute again. */
	hd_mshare_release(share, k);
	hd_watch *w = ws->w;
	int first = ws->first;
	ws->first = 0;
	/* A chunk it took and sent nothing of is the next worker's. */
	if (ws->next == ws->to && w->chunk >= 0 && w->chunk * sh->chunk >= ws->to) {
		ws->next = w->chunk * sh->chunk;
		ws->to = chunk_end(sh, ws->next);
	}
	char why[256];
	snprintf(why, sizeof why, "%s", ws->why);
	if (!why[0] && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (ws->next == ws->to)
			return 1;
		return hd_err_set(err, HD_EIO, "internal error: an evaluation worker ended early");
	}
	if (!why[0] && WIFEXITED(status) && WEXITSTATUS(status) == 3 && w->fatal[0])
		return hd_err_set(err, HD_EINPUT, "%s", w->fatal);
	if (w->prefetch) {
		/* No rule ran yet, none is to blame: the next worker reads its
		 * metrics lazily, inside the rules, where a metric that stops
		 * the worker again fails those rules like any other call. */
		ws->lazy = 1;
		return 0;
	}
	if (!why[0]) {
		if (WIFSIGNALED(status))
			snprintf(why, sizeof why, "the rule crashed the evaluator (signal %d) and was stopped",
				 WTERMSIG(status));
		else
			snprintf(why, sizeof why, "the evaluator stopped unexpectedly (exit %d) in this rule",
				 WEXITSTATUS(status));
		if (w->rule < 0 && first && !ws->taken)
			return hd_err_set(err, HD_EIO, "the evaluation worker failed before any rule ran (%s)",
					  why);
	}
	add_skip(e, w, why);
	return 0;
}

/* How many workers share a run: one per core the process may use, for an
 * organisation large enough to pay for it (1,000 subjects a worker);
 * HUDDLE_WORKERS=N sets it. */
static int worker_count(int subjects)
{
	const char *env = getenv("HUDDLE_WORKERS");
	if (env && *env) {
		char *end;
		long n = strtol(env, &end, 10);
		if (*end || n < 1 || n > HD_MAX_WORKERS) {
			static int told;
			if (!told++)
				fprintf(stderr, "huddle: HUDDLE_WORKERS=%s is not a number from 1 to %d; ignored\n", env,
					HD_MAX_WORKERS);
		} else {
			return (int)n < subjects ? (int)n : subjects > 0 ? subjects : 1;
		}
	}
	cpu_set_t set;
	int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
	int n = subjects / 1000;
	n = n < cpus ? n : cpus;
	n = n < HD_MAX_WORKERS ? n : HD_MAX_WORKERS;
	return n > 0 ? n : 1;
}

int hd_worker_run(hd_engine *e, hd_result *res, void (*progress)(void *, double), void *ud, hd_err *err)
{
	hd_eval_begin(e, res);
	if (hd_spool_open(res, &e->rules, err)) {
		hd_result_free(res);
		return err->code;
	}
	int total = res->nreps + res->nteams, nw = worker_count(total);
	shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		hd_result_free(res);
		return hd_err_set(err, HD_EIO, "cannot share memory with the evaluation worker: %s",
				  strerror(errno));
	}
	/* Sixteen chunks a worker or more: the last to end ends at most a
	 * small chunk after the others. */
	sh->total = total;
	sh->chunk = total / (nw * 16);
	sh->chunk = sh->chunk < 1 ? 1 : sh->chunk > CHUNK_MAX ? CHUNK_MAX : sh->chunk;
	sh->nchunks = (total + sh->chunk - 1) / sh->chunk;
	atomic_init(&sh->next_chunk, 0);
	/* Without the table (no memory for it) each worker computes alone. */
	hd_mshare *share = nw > 1 ? hd_mshare_new(e) : NULL;
	/* Up front, only what the rules read: a metric no rule names costs a
	 * query for nothing.  When the scan cannot tell, all of them. */
	unsigned char *needed = NULL;
	if (share) {
		needed = hd_xmalloc((size_t)(e->rules.nmetrics ? e->rules.nmetrics : 1));
		if (hd_reads_needed(e, needed)) {
			free(needed);
			needed = NULL;
		}
	}
	e->prefetch = needed;
	wslot ws[HD_MAX_WORKERS];
	memset(ws, 0, sizeof ws);
	int rc = 0, done = 0, running = 0;
	for (int k = 0; k < nw && total; k++) {
		ws[k].w = &sh->w[k];
		ws[k].first = 1;
		if (!rc && !(rc = start(e, res, &ws[k], k, sh, share, err)))
			running++;
	}
	for (;;) {
		if (!running) {
			/* Every worker is done.  A subject that never came (a
			 * worker died as it took a chunk, before its watch page
			 * could say which) is evaluated now. */
			int missing = rc ? -1 : hd_spool_missing(res);
			if (missing < 0)
				break;
			ws[0].next = missing;
			ws[0].to = chunk_end(sh, missing);
			if ((rc = start(e, res, &ws[0], 0, sh, share, err)))
				break;
			running++;
		}
		struct pollfd pfd[HD_MAX_WORKERS];
		int slot_of[HD_MAX_WORKERS], np = 0;
		for (int k = 0; k < nw; k++)
			if (ws[k].pid) {
				pfd[np] = (struct pollfd){ ws[k].fd, POLLIN, 0 };
				slot_of[np++] = k;
			}
		int pr = poll(pfd, (nfds_t)np, POLL_MS);
		for (int i = 0; pr > 0 && i < np; i++) {
			wslot *s = &ws[slot_of[i]];
			if (!pfd[i].revents)
				continue;
			unsigned char chunk[65536];
			ssize_t n = read(s->fd, chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0) {
				hd_buf_put(&s->in, chunk, (size_t)n);
				if (!rc && (rc = take_frames(res, sh, s, &done, progress, ud, err)))
					kill(s->pid, SIGKILL);
				continue;
			}
			/* The worker closed its end: done, dead or stopped. */
			running--;
			int r = reap(e, s, sh, share, slot_of[i], err);
			if (r < 0 && !rc)
				rc = r;
			else if (r == 0 && !rc && !(rc = start(e, res, s, slot_of[i], sh, share, err)))
				running++;
		}
		double now = hd_now();
		for (int k = 0; k < nw; k++) {
			const hd_watch *w = ws[k].w;
			if (!ws[k].pid || ws[k].why[0])
				continue;
			if (rc) { /* the run failed: the others' work is for nothing */
				kill(ws[k].pid, SIGKILL);
				snprintf(ws[k].why, sizeof ws[k].why, "the run failed");
			} else if ((w->rule >= 0 || w->prefetch) && now > w->deadline + GRACE_S) {
				kill(ws[k].pid, SIGKILL);
				snprintf(ws[k].why, sizeof ws[k].why,
					 "time limit of %d ms exceeded: the rule was stopped (sandbox.time_ms)",
					 e->cfg->sb_time_ms);
			}
		}
	}
	for (int k = 0; k < nw; k++)
		free(ws[k].in.p);
	hd_mshare_free(share);
	e->prefetch = NULL;
	free(needed);
	munmap(sh, sizeof *sh);
	if (rc) {
		hd_result_free(res);
		return rc;
	}
	res->nerrors = 0;
	for (int i = 0; i < res->nreps; i++)
		res->nerrors += res->reps[i].nerrs;
	for (int i = 0; i < res->nteams; i++)
		res->nerrors += res->teams[i].nerrs;
	return 0;
}
