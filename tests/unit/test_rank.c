/* test_rank.c - competition ranking: ties share the better rank. */
#include "support.h"

#include "result.h"

#define MAX 16

typedef struct ranked {
	int rank[MAX], order[MAX];
} ranked;

/* Ranks n subjects; has[i] == 0 means subject i has no score. */
static ranked rank_of(int n, const double *score, const int *has, const int64_t *ids)
{
	ranked r;
	memset(&r, 0xff, sizeof r); /* -1 everywhere: nothing left unwritten */
	hd_rank(score, has, ids, n, r.rank, r.order);
	return r;
}

static void expect_ints(const int *got, const int *want, int n)
{
	for (int i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("at %d: expected %d, got %d", i, want[i], got[i]);
}

static void highest_score_ranks_first(void **state)
{
	(void)state;
	double score[] = {10, 90, 50};
	int has[] = {1, 1, 1};
	int64_t ids[] = {1, 2, 3};
	ranked r = rank_of(3, score, has, ids);
	expect_ints(r.rank, (int[]){3, 1, 2}, 3);
	expect_ints(r.order, (int[]){1, 2, 0}, 3);
}

static void ties_share_the_better_rank(void **state)
{
	(void)state;
	double score[] = {90, 80, 80, 70};
	int has[] = {1, 1, 1, 1};
	int64_t ids[] = {1, 2, 3, 4};
	ranked r = rank_of(4, score, has, ids);
	expect_ints(r.rank, (int[]){1, 2, 2, 4}, 4);
}

static void a_three_way_tie_skips_two_ranks(void **state)
{
	(void)state;
	double score[] = {5, 5, 4, 5, 3};
	int has[] = {1, 1, 1, 1, 1};
	int64_t ids[] = {10, 20, 30, 40, 50};
	ranked r = rank_of(5, score, has, ids);
	expect_ints(r.rank, (int[]){1, 1, 4, 1, 5}, 5);
}

static void everyone_tied_is_first(void **state)
{
	(void)state;
	double score[] = {42, 42, 42};
	int has[] = {1, 1, 1};
	int64_t ids[] = {3, 1, 2};
	ranked r = rank_of(3, score, has, ids);
	expect_ints(r.rank, (int[]){1, 1, 1}, 3);
	expect_ints(r.order, (int[]){1, 2, 0}, 3); /* by id */
}

static void ties_are_listed_by_id_whatever_the_input_order(void **state)
{
	(void)state;
	double score[] = {80, 90, 80, 80};
	int has[] = {1, 1, 1, 1};
	int64_t ids[] = {7, 5, 3, 9};
	ranked r = rank_of(4, score, has, ids);
	expect_ints(r.rank, (int[]){2, 1, 2, 2}, 4);
	expect_ints(r.order, (int[]){1, 2, 0, 3}, 4); /* 90 (id 5), then 80s: ids 3, 7, 9 */
}

static void subjects_without_a_score_get_rank_0_and_come_last(void **state)
{
	(void)state;
	/* The score of a subject without one is ignored, however high. */
	double score[] = {999, 60, 0, 70, 999};
	int has[] = {0, 1, 0, 1, 0};
	int64_t ids[] = {4, 5, 1, 6, 2};
	ranked r = rank_of(5, score, has, ids);
	expect_ints(r.rank, (int[]){0, 2, 0, 1, 0}, 5);
	expect_ints(r.order, (int[]){3, 1, 2, 4, 0}, 5); /* 70, 60, then ids 1, 2, 4 */
}

static void a_score_of_zero_still_ranks(void **state)
{
	(void)state;
	double score[] = {0, 0, 10};
	int has[] = {1, 0, 1};
	int64_t ids[] = {1, 2, 3};
	ranked r = rank_of(3, score, has, ids);
	expect_ints(r.rank, (int[]){2, 0, 1}, 3);
}

static void nearly_equal_scores_do_not_tie(void **state)
{
	(void)state;
	double score[] = {0.1 + 0.2, 0.3};
	int has[] = {1, 1};
	int64_t ids[] = {1, 2};
	ranked r = rank_of(2, score, has, ids);
	expect_ints(r.rank, (int[]){1, 2}, 2);
}

static void ids_order_as_64_bit_numbers(void **state)
{
	(void)state;
	double score[] = {1, 1, 1};
	int has[] = {1, 1, 1};
	int64_t ids[] = {INT64_C(5000000000), -3, INT64_C(4294967296)};
	ranked r = rank_of(3, score, has, ids);
	expect_ints(r.order, (int[]){1, 2, 0}, 3);
}

static void a_single_subject_ranks_first(void **state)
{
	(void)state;
	double score[] = {12.5};
	int has[] = {1};
	int64_t ids[] = {99};
	ranked r = rank_of(1, score, has, ids);
	assert_int_equal(r.rank[0], 1);
	assert_int_equal(r.order[0], 0);
	assert_int_equal(r.rank[1], -1); /* nothing written past n */

	has[0] = 0;
	r = rank_of(1, score, has, ids);
	assert_int_equal(r.rank[0], 0);
	assert_int_equal(r.order[0], 0);
}

static void no_subjects_is_no_work(void **state)
{
	(void)state;
	ranked r = rank_of(0, NULL, NULL, NULL);
	assert_int_equal(r.rank[0], -1);
	assert_int_equal(r.order[0], -1);
}

static void order_is_optional(void **state)
{
	(void)state;
	double score[] = {1, 3, 2};
	int has[] = {1, 1, 1};
	int64_t ids[] = {1, 2, 3};
	int rank[3];
	hd_rank(score, has, ids, 3, rank, NULL);
	expect_ints(rank, (int[]){3, 1, 2}, 3);
}

static void order_lists_every_subject_once(void **state)
{
	(void)state;
	double score[MAX];
	int has[MAX];
	int64_t ids[MAX];
	for (int i = 0; i < MAX; i++) {
		score[i] = (i * 7) % 5; /* many ties */
		has[i] = i % 4 != 0;
		ids[i] = (i * 11) % MAX;
	}
	ranked r = rank_of(MAX, score, has, ids);
	int seen[MAX] = {0};
	for (int i = 0; i < MAX; i++)
		seen[r.order[i]]++;
	for (int i = 0; i < MAX; i++)
		assert_int_equal(seen[i], 1);
	/* Ranks never go down along the order, until the unranked tail. */
	for (int i = 1; i < MAX; i++) {
		int a = r.rank[r.order[i - 1]], b = r.rank[r.order[i]];
		assert_true(b == 0 || (a != 0 && a <= b));
		if (a == b && a != 0)
			assert_true(ids[r.order[i - 1]] < ids[r.order[i]]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(highest_score_ranks_first),
	    cmocka_unit_test(ties_share_the_better_rank),
	    cmocka_unit_test(a_three_way_tie_skips_two_ranks),
	    cmocka_unit_test(everyone_tied_is_first),
	    cmocka_unit_test(ties_are_listed_by_id_whatever_the_input_order),
	    cmocka_unit_test(subjects_without_a_score_get_rank_0_and_come_last),
	    cmocka_unit_test(a_score_of_zero_still_ranks),
	    cmocka_unit_test(nearly_equal_scores_do_not_tie),
	    cmocka_unit_test(ids_order_as_64_bit_numbers),
	    cmocka_unit_test(a_single_subject_ranks_first),
	    cmocka_unit_test(no_subjects_is_no_work),
	    cmocka_unit_test(order_is_optional),
	    cmocka_unit_test(order_lists_every_subject_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
