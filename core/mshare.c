/* mshare.c - SQL metric values shared by the evaluation workers (mshare.h). */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS, MAP_NORESERVE */

#include "mshare.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine.h"

/* A slot's state: FREE, DONE, FAILED, or BUSY + the worker computing it,
 * in one word so that claiming, publishing and freeing are each one
 * compare-and-swap. */
enum { FREE, DONE, FAILED, BUSY };

typedef struct slot {
	atomic_int state;
	char why[1020];
} slot;

struct hd_mshare {
	void *map;
	size_t bytes;
	int nmetrics;
	slot *slots;	  /* [ctx * nmetrics + metric] */
	size_t *offset;	  /* [metric]: first value of ctx 0, SIZE_MAX if not shared */
	size_t per_ctx;	  /* values of one period, every shared metric */
	double *values;
};

hd_mshare *hd_mshare_new(const hd_engine *e)
{
	const hd_rules *r = &e->rules;
	hd_mshare *s = hd_xcalloc(1, sizeof *s);
	s->nmetrics = r->nmetrics;
	s->offset = hd_xmalloc(sizeof *s->offset * (size_t)(r->nmetrics ? r->nmetrics : 1));
	for (int i = 0; i < r->nmetrics; i++) {
		const hd_metric_def *m = &r->metrics[i];
		s->offset[i] = SIZE_MAX;
		if (!m->sql) /* Lua and plugin metrics are each worker's own */
			continue;
		s->offset[i] = s->per_ctx;
		s->per_ctx += (size_t)(m->kind == HD_REP ? e->subj.nreps : e->subj.nteams);
	}
	size_t nslots = (size_t)HD_MAX_PERIODS * (size_t)(r->nmetrics ? r->nmetrics : 1);
	size_t head = (nslots * sizeof(slot) + 63) & ~(size_t)63;
	s->bytes = head + (size_t)HD_MAX_PERIODS * s->per_ctx * sizeof(double);
	/* Reserved, not committed: pages exist once a worker writes them, so
	 * the periods and metrics no rule reads cost nothing. */
	s->map = mmap(NULL, s->bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->map == MAP_FAILED) {
		free(s->offset);
		free(s);
		return NULL;
	}
	s->slots = s->map; /* zero pages: every slot FREE */
	s->values = (double *)((char *)s->map + head);
	return s;
}

void hd_mshare_free(hd_mshare *s)
{
	if (!s)
		return;
	munmap(s->map, s->bytes);
	free(s->offset);
	free(s);
}

static slot *slot_of(hd_mshare *s, int metric, int ctx)
{
	return &s->slots[(size_t)ctx * (size_t)s->nmetrics + (size_t)metric];
}

int hd_mshare_claim(hd_mshare *s, int metric, int ctx, int owner, double **values, const char **why)
{
	if (!s || metric < 0 || metric >= s->nmetrics || ctx < 0 || ctx >= HD_MAX_PERIODS ||
	    s->offset[metric] == SIZE_MAX)
		return HD_MS_PRIVATE;
	slot *sl = slot_of(s, metric, ctx);
	*values = s->values + (size_t)ctx * s->per_ctx + s->offset[metric];
	int st = FREE;
	if (atomic_compare_exchange_strong(&sl->state, &st, BUSY + owner))
		return HD_MS_CLAIMED;
	if (st == DONE)
		return HD_MS_DONE;
	if (st == FAILED) {
		*why = sl->why;
		return HD_MS_FAILED;
	}
	return HD_MS_BUSY;
}

void hd_mshare_publish(hd_mshare *s, int metric, int ctx, int owner, const char *why)
{
	if (!s || metric < 0 || metric >= s->nmetrics || ctx < 0 || ctx >= HD_MAX_PERIODS ||
	    s->offset[metric] == SIZE_MAX)
		return;
	slot *sl = slot_of(s, metric, ctx);
	if (atomic_load(&sl->state) != BUSY + owner)
		return; /* not this worker's claim: a failure it only read */
	if (why)
		snprintf(sl->why, sizeof sl->why, "%s", why);
	/* Sequentially consistent: the values and the text are in place
	 * before the state that says they are. */
	atomic_store(&sl->state, why ? FAILED : DONE);
}

int hd_mshare_unclaimed(hd_mshare *s, int metric, int ctx)
{
	return s && metric >= 0 && metric < s->nmetrics && ctx >= 0 && ctx < HD_MAX_PERIODS &&
	       s->offset[metric] != SIZE_MAX && atomic_load(&slot_of(s, metric, ctx)->state) == FREE;
}

void hd_mshare_release(hd_mshare *s, int owner)
{
	if (!s)
		return;
	size_t n = (size_t)HD_MAX_PERIODS * (size_t)s->nmetrics;
	for (size_t i = 0; i < n; i++) {
		int busy = BUSY + owner;
		atomic_compare_exchange_strong(&s->slots[i].state, &busy, FREE);
	}
}
