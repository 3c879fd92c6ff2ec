/* cards.c - scorecard frames, the spool of a result, and reading a
 * whole card back (see cards.h). */
#define _GNU_SOURCE 1 /* O_TMPFILE */

#include "cards.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void hd_buf_put(hd_buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = hd_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

/* Encoding ------------------------------------------------------------ */

static void put_i32(hd_buf *b, int32_t v)
{
	hd_buf_put(b, &v, sizeof v);
}

static void put_f64(hd_buf *b, double v)
{
	hd_buf_put(b, &v, sizeof v);
}

static void put_str(hd_buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	hd_buf_put(b, &n, sizeof n);
	if (s)
		hd_buf_put(b, s, n);
}

/* The layout: length, kind, index, has_score, score and the counts of
 * errors, recognitions and coaching items (what the host keeps of every
 * card, at fixed places), then components, recognitions, coaching,
 * errors and the trace. */
enum { AT_KIND = 4, AT_INDEX = 8, AT_HAS = 12, HEADER = 36 };

void hd_frame_encode(const hd_rules *rules, const hd_scorecard *c, hd_buf *b)
{
	const hd_rule *base = rules->rules;
	size_t start = b->len;
	put_i32(b, 0); /* frame length, filled in below */
	put_i32(b, c->kind);
	put_i32(b, c->index);
	put_i32(b, c->has_score);
	put_f64(b, c->score);
	put_i32(b, c->nerrs);
	put_i32(b, c->nrecs);
	put_i32(b, c->ncoach);
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
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < counts[s]; i++) {
			put_i32(b, (int32_t)(sets[s][i].rule - base));
			put_str(b, sets[s][i].text);
		}
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
		hd_buf_put(b, x->reads, sizeof *x->reads * (size_t)x->nreads);
	}
	int32_t len = (int32_t)(b->len - start);
	memcpy(b->p + start, &len, sizeof len);
}

/* Decoding ------------------------------------------------------------ */

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
	char *s = hd_arena_alloc_raw(a, (size_t)n + 1);
	memcpy(s, r->p, n);
	s[n] = 0;
	r->p += n;
	return s;
}

/* A rule index, checked against the rules. */
static const hd_rule *get_rule(reader *r, const hd_rules *rules)
{
	int32_t i = get_i32(r);
	if (i < 0 || i >= rules->nrules) {
		r->ok = 0;
		return &rules->rules[0];
	}
	return &rules->rules[i];
}

static int32_t get_count(reader *r, int32_t max)
{
	int32_t n = get_i32(r);
	if (n < 0 || n > max)
		r->ok = 0;
	return r->ok ? n : 0;
}

static int32_t i32_at(const unsigned char *p, size_t at)
{
	int32_t v;
	memcpy(&v, p + at, sizeof v);
	return v;
}

long hd_frame_length(const unsigned char *p, size_t n)
{
	if (n < 4)
		return 0;
	int32_t len = i32_at(p, 0);
	if (len < HEADER)
		return -1;
	return (size_t)len <= n ? len : 0;
}

int hd_frame_subject(const hd_result *res, const unsigned char *p, size_t n, hd_kind *kind, int *index)
{
	if (n < HEADER)
		return -1;
	int32_t k = i32_at(p, AT_KIND), i = i32_at(p, AT_INDEX);
	if ((k != HD_REP && k != HD_TEAM) || i < 0 || i >= (k == HD_REP ? res->nreps : res->nteams))
		return -1;
	*kind = (hd_kind)k;
	*index = i;
	return 0;
}

int hd_frame_decode(const hd_rules *rules, const unsigned char *p, size_t n, hd_scorecard *c, hd_arena *a)
{
	reader r = { p + AT_HAS, p + n, n >= HEADER };
	int maxn = rules->nrules + 1;
	c->has_score = get_i32(&r);
	c->score = get_f64(&r);
	c->nerrs = get_count(&r, 2 * maxn);
	c->nrecs = get_count(&r, maxn);
	c->ncoach = get_count(&r, maxn);
	c->ncomps = get_count(&r, maxn);
	c->comps = hd_arena_alloc_raw(a, sizeof *c->comps * (size_t)(c->ncomps + 1));
	for (int i = 0; i < c->ncomps; i++) {
		hd_component *k = &c->comps[i];
		k->rule = get_rule(&r, rules);
		k->has_value = get_i32(&r);
		k->value = get_f64(&r);
		k->raw = get_f64(&r);
		k->why = get_str(&r, a);
	}
	hd_item **sets[2] = { &c->recs, &c->coach };
	int *counts[2] = { &c->nrecs, &c->ncoach };
	for (int s = 0; s < 2; s++) {
		*sets[s] = hd_arena_alloc_raw(a, sizeof **sets[s] * (size_t)(*counts[s] + 1));
		for (int i = 0; i < *counts[s]; i++) {
			(*sets[s])[i].rule = get_rule(&r, rules);
			(*sets[s])[i].text = get_str(&r, a);
		}
	}
	c->errs = hd_arena_alloc_raw(a, sizeof *c->errs * (size_t)(c->nerrs + 1));
	for (int i = 0; i < c->nerrs; i++) {
		c->errs[i].rule = get_str(&r, a);
		c->errs[i].where = get_str(&r, a);
		c->errs[i].message = get_str(&r, a);
	}
	c->nexplained = get_count(&r, maxn);
	c->explained = hd_arena_alloc_raw(a, sizeof *c->explained * (size_t)(c->nexplained + 1));
	for (int i = 0; i < c->nexplained; i++) {
		hd_explained *x = &c->explained[i];
		x->rule = get_rule(&r, rules);
		x->fired = get_i32(&r);
		x->failed = get_i32(&r);
		x->nreads = get_count(&r, HD_MAX_TRACE);
		x->reads = hd_arena_alloc_raw(a, sizeof *x->reads * (size_t)(x->nreads + 1));
		get(&r, x->reads, sizeof *x->reads * (size_t)x->nreads);
	}
	return r.ok && r.p == r.end ? 0 : -1;
}

/* The spool --------------------------------------------------------- */

#define NO_FRAME UINT64_MAX

struct hd_spool {
	const hd_rules *rules;
	int fd;
	uint64_t size;		 /* bytes written */
	uint64_t *off[2];	 /* by kind and index: where the card's frame starts */
	hd_arena check;		 /* decoding a frame as it arrives, to check it */
	hd_arena view;		 /* the card hd_result_card returned last */
	hd_scorecard card;	 /* its header and body */
	hd_buf in;		 /* a frame read back */
	char failed[256];	 /* the first read that failed; "" none */
};

static int open_tmp(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	/* A file system without unnamed files: name one and unlink it at once. */
	char path[4096];
	if (snprintf(path, sizeof path, "%s/huddle-cards-XXXXXX", dir) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

int hd_spool_open(hd_result *res, const hd_rules *rules, hd_err *err)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = open_tmp(dir);
	if (fd < 0)
		return hd_err_set(err, HD_EIO,
				  "cannot create a temporary file for the scorecards in %s: %s (set TMPDIR to a "
				  "writable folder)",
				  dir, strerror(errno));
	hd_spool *s = hd_xcalloc(1, sizeof *s);
	s->rules = rules;
	s->fd = fd;
	s->off[HD_REP] = hd_xmalloc(sizeof(uint64_t) * (size_t)(res->nreps + 1));
	s->off[HD_TEAM] = hd_xmalloc(sizeof(uint64_t) * (size_t)(res->nteams + 1));
	for (int k = HD_REP; k <= HD_TEAM; k++)
		for (int i = 0; i < (k == HD_REP ? res->nreps : res->nteams); i++)
			s->off[k][i] = NO_FRAME;
	res->spool = s;
	return 0;
}

int hd_spool_frame(hd_result *res, const unsigned char *p, size_t n, size_t at, hd_kind kind, int index)
{
	hd_spool *s = res->spool;
	hd_scorecard body;
	hd_arena_reset(&s->check);
	if (hd_frame_decode(s->rules, p, n, &body, &s->check))
		return -1;
	hd_scorecard *c = kind == HD_REP ? &res->reps[index] : &res->teams[index];
	c->has_score = body.has_score;
	c->score = body.score;
	c->nerrs = body.nerrs;
	c->nrecs = body.nrecs;
	c->ncoach = body.ncoach;
	s->off[kind][index] = s->size + at;
	return 0;
}

int hd_spool_write(hd_result *res, const unsigned char *p, size_t n, hd_err *err)
{
	hd_spool *s = res->spool;
	for (size_t done = 0; done < n;) {
		ssize_t w = write(s->fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return hd_err_set(err, HD_EIO, "writing the scorecards to a temporary file: %s",
					  w < 0 ? strerror(errno) : "the disk is full");
		done += (size_t)w;
	}
	s->size += n;
	return 0;
}

int hd_spool_missing(const hd_result *res)
{
	const hd_spool *s = res->spool;
	for (int i = 0; i < res->nreps + res->nteams; i++)
		if ((i < res->nreps ? s->off[HD_REP][i] : s->off[HD_TEAM][i - res->nreps]) == NO_FRAME)
			return i;
	return -1;
}

void hd_spool_close(hd_result *res)
{
	hd_spool *s = res->spool;
	if (!s)
		return;
	close(s->fd);
	free(s->off[HD_REP]);
	free(s->off[HD_TEAM]);
	hd_arena_free(&s->check);
	hd_arena_free(&s->view);
	free(s->in.p);
	free(s);
	res->spool = NULL;
}

static int read_at(hd_spool *s, void *p, size_t n, uint64_t off)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = pread(s->fd, (char *)p + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (!s->failed[0])
				snprintf(s->failed, sizeof s->failed,
					 "reading the scorecards back from their temporary file: %s",
					 r < 0 ? strerror(errno) : "it is shorter than written");
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

/* Reads a card's frame back into a: one read for most cards, which are
 * shorter than the buffer.  On a failure (recorded for hd_result_check)
 * the card has its header and no items. */
static void load(hd_spool *s, const hd_scorecard *head, hd_scorecard *c, hd_arena *a)
{
	uint64_t off = s->off[head->kind][head->index];
	*c = *head;
	if (s->in.cap < 4096) {
		s->in.cap = 4096;
		s->in.p = hd_xrealloc(s->in.p, s->in.cap);
	}
	size_t got = off >= s->size ? 0 : s->size - off < s->in.cap ? (size_t)(s->size - off) : s->in.cap;
	if (got && read_at(s, s->in.p, got, off) == 0) {
		/* Checked when it arrived: it decodes now as it did then. */
		int32_t n = got >= 4 ? i32_at(s->in.p, 0) : 0;
		size_t len = n >= HEADER && (uint64_t)n <= s->size - off ? (size_t)n : 0;
		if (len > s->in.cap) {
			s->in.cap = len;
			s->in.p = hd_xrealloc(s->in.p, s->in.cap);
		}
		if (len && (len <= got || read_at(s, s->in.p + got, len - got, off + got) == 0) &&
		    hd_frame_decode(s->rules, s->in.p, len, c, a) == 0)
			return;
	}
	if (!s->failed[0])
		snprintf(s->failed, sizeof s->failed, "a scorecard in its temporary file is damaged");
	*c = *head;
	c->ncomps = c->nrecs = c->ncoach = c->nerrs = c->nexplained = 0;
}

const hd_scorecard *hd_result_card(const hd_result *r, hd_kind kind, int index)
{
	const hd_scorecard *head = kind == HD_REP ? &r->reps[index] : &r->teams[index];
	hd_spool *s = r->spool;
	if (!s)
		return head;
	hd_arena_reset(&s->view);
	load(s, head, &s->card, &s->view);
	return &s->card;
}

const hd_scorecard *hd_result_card_in(const hd_result *r, hd_kind kind, int index, hd_arena *a)
{
	const hd_scorecard *head = kind == HD_REP ? &r->reps[index] : &r->teams[index];
	if (!r->spool)
		return head;
	hd_scorecard *c = hd_arena_alloc_raw(a, sizeof *c);
	load(r->spool, head, c, a);
	return c;
}

int hd_result_check(const hd_result *r, hd_err *err)
{
	if (r->spool && r->spool->failed[0])
		return hd_err_set(err, HD_EIO, "%s", r->spool->failed);
	return 0;
}
