/* rank.c - competition ranking ("1224"): ties share the better rank;
 * and what a result owns. */
#include <stdlib.h>

#include "cards.h"
#include "result.h"

typedef struct entry {
	double score;
	int has;
	int64_t id;
	int index;
} entry;

static int cmp_entry(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	if (x->has != y->has)
		return x->has ? -1 : 1;
	if (x->has && x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

void hd_rank(const double *score, const int *has, const int64_t *ids, int n, int *rank, int *order)
{
	entry *e = hd_xmalloc(sizeof *e * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++)
		e[i] = (entry){ score[i], has[i], ids[i], i };
	qsort(e, (size_t)n, sizeof *e, cmp_entry);
	for (int i = 0; i < n; i++) {
		int r = 0;
		if (e[i].has)
			r = i > 0 && e[i - 1].has && e[i - 1].score == e[i].score ? rank[e[i - 1].index] : i + 1;
		rank[e[i].index] = r;
		if (order)
			order[i] = e[i].index;
	}
	free(e);
}

void hd_result_free(hd_result *r)
{
	free(r->reps);
	free(r->teams);
	free(r->rep_order);
	free(r->team_order);
	hd_arena_free(&r->arena);
	hd_spool_close(r);
}

void hd_result_keep_names(hd_result *r)
{
	for (int i = 0; i < r->nreps; i++) {
		r->reps[i].name = hd_arena_strdup(&r->arena, r->reps[i].name);
		r->reps[i].team = hd_arena_strdup(&r->arena, r->reps[i].team);
	}
	for (int i = 0; i < r->nteams; i++)
		r->teams[i].name = hd_arena_strdup(&r->arena, r->teams[i].name);
}
