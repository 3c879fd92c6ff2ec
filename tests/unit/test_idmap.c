/* test_idmap.c - database ids to subject indexes. */
#include "support.h"

#include "idmap.h"

static void stored_ids_are_found_and_others_are_not(void **state)
{
	(void)state;
	hd_idmap m;
	hd_idmap_init(&m, 3);
	hd_idmap_put(&m, 17, 0);
	hd_idmap_put(&m, 4, 1);
	hd_idmap_put(&m, 1000000007, 2);
	assert_int_equal(hd_idmap_get(&m, 17), 0);
	assert_int_equal(hd_idmap_get(&m, 4), 1);
	assert_int_equal(hd_idmap_get(&m, 1000000007), 2);
	assert_int_equal(hd_idmap_get(&m, 5), -1);
	assert_int_equal(hd_idmap_get(&m, 0), -1);
	hd_idmap_free(&m);
}

static void putting_an_id_again_replaces_its_index(void **state)
{
	(void)state;
	hd_idmap m;
	hd_idmap_init(&m, 2);
	hd_idmap_put(&m, 9, 0);
	hd_idmap_put(&m, 9, 5);
	assert_int_equal(hd_idmap_get(&m, 9), 5);
	hd_idmap_free(&m);
}

static void any_64_bit_id_works(void **state)
{
	(void)state;
	int64_t ids[] = {0, -1, INT64_MIN, INT64_MAX, INT64_C(4294967296), INT64_C(-4294967296), 1};
	int n = (int)(sizeof ids / sizeof *ids);
	hd_idmap m;
	hd_idmap_init(&m, n);
	for (int i = 0; i < n; i++)
		hd_idmap_put(&m, ids[i], i);
	for (int i = 0; i < n; i++)
		assert_int_equal(hd_idmap_get(&m, ids[i]), i);
	assert_int_equal(hd_idmap_get(&m, 2), -1);
	hd_idmap_free(&m);
}

static void a_large_map_keeps_every_entry(void **state)
{
	(void)state;
	enum { N = 100000 };
	hd_idmap m;
	hd_idmap_init(&m, N);
	/* Ids with a common stride, the worst case for a weak hash. */
	for (int i = 0; i < N; i++)
		hd_idmap_put(&m, (int64_t)i << 20, i);
	for (int i = 0; i < N; i++)
		if (hd_idmap_get(&m, (int64_t)i << 20) != i)
			fail_msg("id %lld lost", (long long)i << 20);
	assert_int_equal(hd_idmap_get(&m, ((int64_t)N << 20)), -1);
	assert_int_equal(hd_idmap_get(&m, 1), -1);
	hd_idmap_free(&m);
}

static void an_empty_map_finds_nothing(void **state)
{
	(void)state;
	hd_idmap m;
	hd_idmap_init(&m, 0);
	assert_int_equal(hd_idmap_get(&m, 1), -1);
	hd_idmap_free(&m);
	assert_null(m.keys);
	assert_null(m.vals);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stored_ids_are_found_and_others_are_not),
	    cmocka_unit_test(putting_an_id_again_replaces_its_index),
	    cmocka_unit_test(any_64_bit_id_works),
	    cmocka_unit_test(a_large_map_keeps_every_entry),
	    cmocka_unit_test(an_empty_map_finds_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
