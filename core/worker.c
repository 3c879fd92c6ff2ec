/* worker.c - the wall-clock backstop: rules are evaluated in a child
 * process that the host kills when a rule call outlives its deadline.
 *
 * An instruction hook never fires inside a C function, so a pattern
 * match or a long library call could hold a rule past sandbox.time_ms
 * however the VM is hardened; and a crash in Debian's Lua 5.4.4 must
 * not take the host down.  So the host forks a worker that evaluates
 * the subjects in order and sends each finished scorecard back through
 * a pipe, while a page of shared memory says which rule call runs and
 * by when it must end.  When a call overruns (plus a small grace) or the
 * worker dies, the host records that rule as failed for that subject and
 * forks a fresh worker that starts again at the same subject, skipping
 * what failed.  Each stop adds a skip, so the run always ends.
 */
/* MAP_ANONYMOUS is not POSIX but every Linux libc has it. */
#define _DEFAULT_SOURCE 1

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "eval.h"

#define GRACE_S 0.25	/* beyond sandbox.time_ms before the host kills */
#define POLL_MS 20

/* A growable byte buffer for one frame. */
typedef struct buf {
	unsigned char *p;
	size_t len, cap;
} buf;

static void put(buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = hd_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_i32(buf *b, int32_t v)
{
	put(b, &v, sizeof v);
}

static void put_f64(buf *b, double v)
{
	put(b, &v, sizeof v);
}

static void put_str(buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	put(b, &n, sizeof n);
	if (s)
		put(b, s, n);
}

/* Encodes a card: rules travel as indexes, since parent and worker hold
 * the same rules (the worker is a fork of the host). */
static void encode(const hd_engine *e, const hd_scorecard *c, buf *b)
{
	const hd_rule *base = e->rules.rules;
	size_t start = b->len;
	put_i32(b, 0); /* frame length, filled in below */
	put_i32(b, c->kind);
	put_i32(b, c->index);
	put_i32(b, c->has_score);
	put_f64(b, c->score);
	put_i32(b, c->ncomps);
	for (int i = 0; i < c->ncomps; i++) {
		const hd_component *k = &c->comps[i];
		put_i32(b, (int32_t)(k->rule - base));
		put_i32(b, k->has_value);
		put_f64(b, k->value);
		put_f64(b, k->raw);
		put_str(b, k->why);
	}
	const hd_item *sets[2] = { c->recs, c->coach };
	int counts[2] = { c->nrecs, c->ncoach };
	for (int s = 0; s < 2; s++) {
		put_i32(b, counts[s]);
		for (int i = 0; i < counts[s]; i++) {
			put_i32(b, (int32_t)(sets[s][i].rule - base));
			put_str(b, sets[s][i].text);
		}
	}
	put_i32(b, c->nerrs);
	for (int i = 0; i < c->nerrs; i++) {
		put_str(b, c->errs[i].rule);
		put_str(b, c->errs[i].where);
		put_str(b, c->errs[i].message);
	}
	put_i32(b, c->nexplained);
	for (int i = 0; i < c->nexplained; i++) {
		const hd_explained *x = &c->explained[i];
		put_i32(b, (int32_t)(x->rule - base));
		put_i32(b, x->fired);
		put_i32(b, x->failed);
		put_i32(b, x->nreads);
		put(b, x->reads, sizeof *x->reads * (size_t)x->nreads);
	}
	int32_t len = (int32_t)(b->len - start);
	memcpy(b->p + start, &len, sizeof len);
}

/* Reads from a frame; a frame that ends early leaves ok = 0. */
typedef struct reader {
	const unsigned char *p, *end;
	int ok;
} reader;

static void get(reader *r, void *out, size_t n)
{
	if (!r->ok || (size_t)(r->end - r->p) < n) {
		r->ok = 0;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

static int32_t get_i32(reader *r)
{
	int32_t v;
	get(r, &v, sizeof v);
	return v;
}

static double get_f64(reader *r)
{
	double v;
	get(r, &v, sizeof v);
	return v;
}

static const char *get_str(reader *r, hd_arena *a)
{
	uint32_t n;
	get(r, &n, sizeof n);
	if (!r->ok || n == UINT32_MAX)
		return NULL;
	if ((size_t)(r->end - r->p) < n) {
		r->ok = 0;
		return NULL;
	}
	char *s = hd_arena_alloc(a, (size_t)n + 1);
	memcpy(s, r->p, n);
	r->p += n;
	return s;
}

/* A rule index from the worker, checked against the host's rules. */
static const hd_rule *get_rule(reader *r, const hd_engine *e)
{
	int32_t i = get_i32(r);
	if (i < 0 || i >= e->rules.nrules) {
		r->ok = 0;
		return &e->rules.rules[0];
	}
	return &e->rules.rules[i];
}

static int32_t get_count(reader *r, int32_t max)
{
	int32_t n = get_i32(r);
	if (n < 0 || n > max)
		r->ok = 0;
	return r->ok ? n : 0;
}

/* Decodes a frame into its card in res; returns 0 or -1 if malformed. */
static int decode(const hd_engine *e, hd_result *res, const unsigned char *p, size_t n)
{
	reader r = { p + 4, p + n, 1 };
	hd_arena *a = &res->arena;
	int kind = get_i32(&r), idx = get_i32(&r);
	if (!r.ok || (kind != HD_REP && kind != HD_TEAM) || idx < 0 ||
	    idx >= (kind == HD_REP ? res->nreps : res->nteams))
		return -1;
	hd_scorecard *c = kind == HD_REP ? &res->reps[idx] : &res->teams[idx];
	int maxn = e->rules.nrules + 1;
	c->has_score = get_i32(&r);
	c->score = get_f64(&r);
	c->ncomps = get_count(&r, maxn);
	c->comps = hd_arena_alloc(a, sizeof *c->comps * (size_t)(c->ncomps + 1));
	for (int i = 0; i < c->ncomps; i++) {
		hd_component *k = &c->comps[i];
		k->rule = get_rule(&r, e);
		k->has_value = get_i32(&r);
		k->value = get_f64(&r);
		k->raw = get_f64(&r);
		k->why = get_str(&r, a);
	}
	hd_item **sets[2] = { &c->recs, &c->coach };
	int *counts[2] = { &c->nrecs, &c->ncoach };
	for (int s = 0; s < 2; s++) {
		*counts[s] = get_count(&r, maxn);
		*sets[s] = hd_arena_alloc(a, sizeof **sets[s] * (size_t)(*counts[s] + 1));
		for (int i = 0; i < *counts[s]; i++) {
			(*sets[s])[i].rule = get_rule(&r, e);
			(*sets[s])[i].text = get_str(&r, a);
		}
	}
	c->nerrs = get_count(&r, 2 * maxn);
	c->errs = hd_arena_alloc(a, sizeof *c->errs * (size_t)(c->nerrs + 1));
	for (int i = 0; i < c->nerrs; i++) {
		c->errs[i].rule = get_str(&r, a);
		c->errs[i].where = get_str(&r, a);
		c->errs[i].message = get_str(&r, a);
	}
	c->nexplained = get_count(&r, maxn);
	c->explained = hd_arena_alloc(a, sizeof *c->explained * (size_t)(c->nexplained + 1));
	for (int i = 0; i < c->nexplained; i++) {
		hd_explained *x = &c->explained[i];
		x->rule = get_rule(&r, e);
		x->fired = get_i32(&r);
		x->failed = get_i32(&r);
		x->nreads = get_count(&r, HD_MAX_TRACE);
		x->reads = hd_arena_alloc(a, sizeof *x->reads * (size_t)(x->nreads + 1));
		get(&r, x->reads, sizeof *x->reads * (size_t)x->nreads);
	}
	return r.ok && r.p == r.end ? 0 : -1;
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
	buf b;
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
	encode(cs->e, card, &cs->b);
	/* The card is in the frame now and the worker never reads it again:
	 * its memory holds the next one, so a worker stays small and does
	 * not fault in fresh pages for every card of a million. */
	hd_arena_reset(&cs->res->arena);
	if (cs->b.len >= BATCH_BYTES || hd_now() - cs->flushed >= FLUSH_S)
		flush_cards(cs);
}

/* The worker: its own hardened read-only connection for a database file
 * (a connection must not be used across fork; an in-memory database is
 * the fork's own copy), then the subjects from (kind, index) on.  Never
 * returns. */
static void child(hd_engine *e, hd_result *res, hd_watch *w, int fd, int kind, int index)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	e->watch = w;
	sqlite3 *ro;
	hd_err err;
	int rc = hd_db_open_reader(e->db, 30000, &ro, &err);
	if (rc == 0)
		e->db = ro;
	else if (rc != HD_EINPUT) /* HD_EINPUT: in memory, the fork's own copy */
		_exit(4);
	child_sink cs = { e, res, fd, { 0 }, hd_now() };
	hd_eval_range(e, res, (hd_kind)kind, index, send_card, &cs);
	flush_cards(&cs);
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

/* Runs one worker from (*kind, *index) until it finishes or is stopped.
 * Returns 1 when every subject arrived, 0 when a fresh worker must go
 * on at the first subject that did not arrive, left in *kind, *index
 * (at or before the stopped call, w->kind and w->subject, which is now
 * a skip), or HD_EIO. */
static int supervise(hd_engine *e, hd_result *res, hd_watch *w, int *next_kind, int *next_index, int *done,
		     void (*progress)(void *, double), void *ud, hd_err *err)
{
	int kind = *next_kind, index = *next_index;
	int fds[2];
	if (pipe(fds))
		return hd_err_set(err, HD_EIO, "cannot start an evaluation worker: %s", strerror(errno));
	w->kind = kind;
	w->subject = index;
	w->rule = -1;
	w->metric = w->metric_ctx = -1;
	fflush(NULL); /* nothing buffered may be written twice */
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return hd_err_set(err, HD_EIO, "cannot start an evaluation worker: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		child(e, res, w, fds[1], kind, index);
	}
	close(fds[1]);
	int total = res->nreps + res->nteams, rc = 0, status = 0;
	buf in = { 0 };
	char why[256] = "";
	for (;;) {
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		int pr = poll(&pfd, 1, POLL_MS);
		if (pr > 0) {
			unsigned char chunk[65536];
			ssize_t n = read(fds[0], chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break; /* the worker closed its end: done or dead */
			put(&in, chunk, (size_t)n);
			size_t off = 0;
			while (in.len - off >= 4) {
				int32_t flen;
				memcpy(&flen, in.p + off, 4);
				if (flen < 4 || (size_t)flen > in.len - off)
					break;
				if (decode(e, res, in.p + off, (size_t)flen)) {
					kill(pid, SIGKILL);
					rc = hd_err_set(err, HD_EIO, "internal error: a malformed result from the worker");
					goto out;
				}
				/* Frames come in subject order: reps, then teams. */
				int32_t fk, fi;
				memcpy(&fk, in.p + off + 4, 4);
				memcpy(&fi, in.p + off + 8, 4);
				*next_kind = fi + 1 == res->nreps && fk == HD_REP ? HD_TEAM : fk;
				*next_index = fi + 1 == res->nreps && fk == HD_REP ? 0 : fi + 1;
				off += (size_t)flen;
				if (progress && ++*done % (total / 100 + 1) == 0)
					progress(ud, (double)*done / total);
			}
			memmove(in.p, in.p + off, in.len - off);
			in.len -= off;
		} else if (w->rule >= 0 && hd_now() > w->deadline + GRACE_S) {
			kill(pid, SIGKILL);
			snprintf(why, sizeof why,
				 "time limit of %d ms exceeded: the rule was stopped (sandbox.time_ms)",
				 e->cfg->sb_time_ms);
			break;
		}
	}
out:
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(in.p);
	if (rc)
		return rc;
	if (!why[0] && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	if (!why[0] && WIFEXITED(status) && WEXITSTATUS(status) == 3 && w->fatal[0])
		return hd_err_set(err, HD_EINPUT, "%s", w->fatal);
	if (!why[0]) {
		if (WIFSIGNALED(status))
			snprintf(why, sizeof why, "the rule crashed the evaluator (signal %d) and was stopped",
				 WTERMSIG(status));
		else
			snprintf(why, sizeof why, "the evaluator stopped unexpectedly (exit %d) in this rule",
				 WEXITSTATUS(status));
		if (w->rule < 0 && w->kind == HD_REP && w->subject == index && kind == HD_REP && !*done)
			return hd_err_set(err, HD_EIO, "the evaluation worker failed before any rule ran (%s)",
					  why);
	}
	add_skip(e, w, why);
	return 0;
}

int hd_worker_run(hd_engine *e, hd_result *res, void (*progress)(void *, double), void *ud, hd_err *err)
{
	hd_eval_begin(e, res);
	hd_watch *w = mmap(NULL, sizeof *w, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED) {
		hd_result_free(res);
		return hd_err_set(err, HD_EIO, "cannot share memory with the evaluation worker: %s",
				  strerror(errno));
	}
	int kind = HD_REP, index = 0, done = 0, rc;
	while ((rc = supervise(e, res, w, &kind, &index, &done, progress, ud, err)) == 0)
		;
	munmap(w, sizeof *w);
	if (rc < 0) {
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
