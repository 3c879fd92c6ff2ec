/* test_jsonw.c - the streaming JSON writer: exact numbers, escaping,
 * commas and indentation. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "jsonw.h"

/* A writer into memory; sink_text closes it and returns the text. */
typedef struct sink {
	char *buf;
	size_t len;
	FILE *f;
	hd_jsonw w;
} sink;

static void sink_open(sink *s, int pretty)
{
	s->buf = NULL;
	s->len = 0;
	s->f = open_memstream(&s->buf, &s->len);
	assert_non_null(s->f);
	hd_jsonw_init(&s->w, s->f, pretty);
}

/* The text written; the caller frees it. */
static char *sink_text(sink *s)
{
	fclose(s->f);
	return s->buf;
}

static char *number(double v)
{
	char *buf = malloc(40);
	assert_non_null(buf);
	hd_json_format_number(v, buf, 40);
	return buf;
}

static void expect_number(double v, const char *want)
{
	char *got = number(v);
	if (strcmp(got, want))
		fail_msg("%.17g: expected %s, got %s", v, want, got);
	free(got);
}

static void expect_round_trip(double v)
{
	char *got = number(v);
	char *end;
	double back = strtod(got, &end);
	if (*end || back != v || signbit(back) != signbit(v))
		fail_msg("%a was written as %s, which reads back as %a", v, got, back);
	free(got);
}

static void numbers_are_written_in_their_shortest_form(void **state)
{
	(void)state;
	expect_number(0.1, "0.1");
	expect_number(71.25, "71.25");
	expect_number(0.3, "0.3");
	expect_number(-2.5, "-2.5");
	expect_number(1e-7, "1e-07");
	expect_number(123456.789, "123456.789");
	expect_number(0.1 + 0.2, "0.30000000000000004"); /* not 0.3: that is another double */
	expect_number(1.0 / 3, "0.3333333333333333");
	expect_number(2.0 / 3, "0.6666666666666666");
}

static void numbers_read_back_to_the_same_double(void **state)
{
	(void)state;
	double samples[] = {1.0 / 3,
	                    2.0 / 3,
	                    0.1 + 0.2,
	                    3.141592653589793,
	                    -2.718281828459045,
	                    1e300,
	                    -1e-300,
	                    5e-324,
	                    1.7976931348623157e308,
	                    2.2250738585072014e-308,
	                    9007199254740993.0,
	                    123456789.123456789,
	                    100.0 * 0.07};
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)
		expect_round_trip(samples[i]);
	/* And a spread of bit patterns across the whole range. */
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double v;
		memcpy(&v, &x, sizeof v);
		if (isfinite(v) && v != 0)
			expect_round_trip(v);
	}
}

/* The fewest significant digits (in %g form) that read back as v. */
static size_t shortest_length(double v)
{
	char buf[40];
	for (int prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return strlen(buf);
	}
	snprintf(buf, sizeof buf, "%.17g", v);
	return strlen(buf);
}

static void numbers_use_no_more_digits_than_needed(void **state)
{
	(void)state;
	uint64_t x = 0x2545F4914F6CDD1DULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double v;
		memcpy(&v, &x, sizeof v);
		/* Subnormals have fewer digits of precision; they only round-trip. */
		if (!isnormal(v))
			continue;
		char *got = number(v);
		if (strlen(got) > shortest_length(v))
			fail_msg("%.17g was written as %s, longer than needed", v, got);
		free(got);
	}
}

static void integers_are_written_without_a_decimal_point(void **state)
{
	(void)state;
	expect_number(0, "0");
	expect_number(1, "1");
	expect_number(42, "42");
	expect_number(-7, "-7");
	expect_number(1000000, "1000000");
	expect_number(9007199254740992.0, "9007199254740992"); /* 2^53 */
	expect_number(-123456789012.0, "-123456789012");
}

static void negative_zero_is_written_as_zero(void **state)
{
	(void)state;
	expect_number(-0.0, "0");
}

static void non_finite_numbers_are_written_as_null(void **state)
{
	(void)state;
	sink s;
	sink_open(&s, 0);
	hd_jsonw_array(&s.w);
	hd_jsonw_number(&s.w, NAN);
	hd_jsonw_number(&s.w, INFINITY);
	hd_jsonw_number(&s.w, -INFINITY);
	hd_jsonw_number(&s.w, 71.25);
	hd_jsonw_end(&s.w, ']');
	char *t = sink_text(&s);
	assert_string_equal(t, "[null,null,null,71.25]");
	free(t);
}

static void integers_are_exact_to_64_bits(void **state)
{
	(void)state;
	sink s;
	sink_open(&s, 0);
	hd_jsonw_array(&s.w);
	hd_jsonw_int(&s.w, INT64_MAX);
	hd_jsonw_int(&s.w, INT64_MIN);
	hd_jsonw_int(&s.w, 0);
	hd_jsonw_end(&s.w, ']');
	char *t = sink_text(&s);
	assert_string_equal(t, "[9223372036854775807,-9223372036854775808,0]");
	free(t);
}

/* The JSON string s is written as. */
static char *string_of(const char *s)
{
	sink k;
	sink_open(&k, 0);
	hd_jsonw_string(&k.w, s);
	return sink_text(&k);
}

static void expect_json_string(const char *s, const char *want)
{
	char *got = string_of(s);
	if (strcmp(got, want))
		fail_msg("expected %s, got %s", want, got);
	free(got);
}

static void strings_escape_quotes_and_backslashes(void **state)
{
	(void)state;
	expect_json_string("plain", "\"plain\"");
	expect_json_string("", "\"\"");
	expect_json_string("say \"hi\"", "\"say \\\"hi\\\"\"");
	expect_json_string("C:\\dir\\", "\"C:\\\\dir\\\\\"");
	expect_json_string("a/b", "\"a/b\""); /* the solidus may stay as it is */
}

static void control_characters_are_escaped(void **state)
{
	(void)state;
	expect_json_string("line\nnext", "\"line\\nnext\"");
	expect_json_string("\r\t", "\"\\r\\t\"");
	expect_json_string("\x01\x08\x0c\x1f", "\"\\u0001\\u0008\\u000c\\u001f\"");
	expect_json_string("\x7f", "\"\x7f\""); /* DEL is no control character to JSON */
}

static void utf8_text_passes_through_untouched(void **state)
{
	(void)state;
	const char *s = "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x9a\x80 caf\xc3\xa9";
	char want[64];
	snprintf(want, sizeof want, "\"%s\"", s);
	expect_json_string(s, want);
}

static void null_string_is_written_as_null(void **state)
{
	(void)state;
	sink s;
	sink_open(&s, 0);
	hd_jsonw_object(&s.w);
	hd_jsonw_key(&s.w, "why");
	hd_jsonw_string(&s.w, NULL);
	hd_jsonw_end(&s.w, '}');
	char *t = sink_text(&s);
	assert_string_equal(t, "{\"why\":null}");
	free(t);
}

static void keys_are_escaped_like_strings(void **state)
{
	(void)state;
	sink s;
	sink_open(&s, 0);
	hd_jsonw_object(&s.w);
	hd_jsonw_key(&s.w, "a\"b\n");
	hd_jsonw_bool(&s.w, 1);
	hd_jsonw_end(&s.w, '}');
	char *t = sink_text(&s);
	assert_string_equal(t, "{\"a\\\"b\\n\":true}");
	free(t);
}

/* One document with every kind of value and nesting. */
static void write_document(hd_jsonw *w)
{
	hd_jsonw_object(w);
	hd_jsonw_key(w, "period");
	hd_jsonw_string(w, "2026-Q3");
	hd_jsonw_key(w, "reps");
	hd_jsonw_array(w);
	hd_jsonw_object(w);
	hd_jsonw_key(w, "id");
	hd_jsonw_int(w, 1);
	hd_jsonw_key(w, "score");
	hd_jsonw_number(w, 71.25);
	hd_jsonw_key(w, "tags");
	hd_jsonw_array(w);
	hd_jsonw_string(w, "a");
	hd_jsonw_bool(w, 0);
	hd_jsonw_null(w);
	hd_jsonw_end(w, ']');
	hd_jsonw_end(w, '}');
	hd_jsonw_object(w);
	hd_jsonw_key(w, "id");
	hd_jsonw_int(w, 2);
	hd_jsonw_key(w, "errors");
	hd_jsonw_array(w);
	hd_jsonw_end(w, ']');
	hd_jsonw_end(w, '}');
	hd_jsonw_end(w, ']');
	hd_jsonw_key(w, "run");
	hd_jsonw_object(w);
	hd_jsonw_end(w, '}');
	hd_jsonw_end(w, '}');
}

static void commas_separate_values_at_every_depth(void **state)
{
	(void)state;
	sink s;
	sink_open(&s, 0);
	write_document(&s.w);
	char *t = sink_text(&s);
	assert_string_equal(
	    t, "{\"period\":\"2026-Q3\",\"reps\":[{\"id\":1,\"score\":71.25,\"tags\":[\"a\",false,null]},"
	       "{\"id\":2,\"errors\":[]}],\"run\":{}}");
	free(t);
}

static void pretty_output_indents_by_two_spaces(void **state)
{
	(void)state;
	sink s;
	sink_open(&s, 1);
	write_document(&s.w);
	char *t = sink_text(&s);
	assert_string_equal(t, "{\n"
	                       "  \"period\": \"2026-Q3\",\n"
	                       "  \"reps\": [\n"
	                       "    {\n"
	                       "      \"id\": 1,\n"
	                       "      \"score\": 71.25,\n"
	                       "      \"tags\": [\n"
	                       "        \"a\",\n"
	                       "        false,\n"
	                       "        null\n"
	                       "      ]\n"
	                       "    },\n"
	                       "    {\n"
	                       "      \"id\": 2,\n"
	                       "      \"errors\": []\n"
	                       "    }\n"
	                       "  ],\n"
	                       "  \"run\": {}\n"
	                       "}\n");
	free(t);
}

static void deep_nesting_closes_in_order(void **state)
{
	(void)state;
	sink s;
	sink_open(&s, 0);
	for (int i = 0; i < HD_JSONW_DEPTH - 1; i++)
		hd_jsonw_array(&s.w);
	hd_jsonw_int(&s.w, 1);
	hd_jsonw_int(&s.w, 2);
	for (int i = 0; i < HD_JSONW_DEPTH - 1; i++)
		hd_jsonw_end(&s.w, ']');
	char *t = sink_text(&s);
	char want[128] = "";
	for (int i = 0; i < HD_JSONW_DEPTH - 1; i++)
		strcat(want, "[");
	strcat(want, "1,2");
	for (int i = 0; i < HD_JSONW_DEPTH - 1; i++)
		strcat(want, "]");
	assert_string_equal(t, want);
	free(t);
}

/* The writer buffers: a document many times the buffer's size, with a
 * string longer than the buffer and escapes falling on its edges, must
 * come out whole and in order, and be all out once the top level ends. */
static void documents_larger_than_the_buffer_come_out_whole(void **state)
{
	(void)state;
	size_t big = 3 * HD_JSONW_BUF + 7;
	char *longs = malloc(big + 1);
	assert_non_null(longs);
	for (size_t i = 0; i < big; i++)
		longs[i] = i % 97 == 0 ? '"' : (char)('a' + i % 26);
	longs[big] = 0;
	sink s;
	sink_open(&s, 0);
	hd_jsonw_array(&s.w);
	for (int i = 0; i < 20000; i++)
		hd_jsonw_int(&s.w, i);
	hd_jsonw_string(&s.w, longs);
	hd_jsonw_number(&s.w, 0.5);
	hd_jsonw_end(&s.w, ']');
	fflush(s.f);
	size_t written = s.len; /* nothing may wait in the writer */
	char *t = sink_text(&s);
	assert_int_equal(written, strlen(t));
	char *p = t;
	assert_int_equal(*p++, '[');
	for (int i = 0; i < 20000; i++) {
		char *end;
		assert_int_equal(strtol(p, &end, 10), i);
		assert_int_equal(*end, ',');
		p = end + 1;
	}
	assert_int_equal(*p++, '"');
	for (size_t i = 0; i < big; i++) {
		if (longs[i] == '"')
			assert_int_equal(*p++, '\\');
		assert_int_equal(*p++, longs[i]);
	}
	assert_string_equal(p, "\",0.5]");
	free(t);
	free(longs);
}

/* What the writer must produce for every number: the shortest of %.15g,
 * %.16g and %.17g that reads back the same (its fast paths only save
 * the work). */
static void reference(double v, char *buf, size_t n)
{
	if (v == 0) {
		snprintf(buf, n, "0");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static void fast_paths_write_what_the_reference_writes(void **state)
{
	(void)state;
	static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7 };
	uint64_t x = 88172645463325252ULL; /* xorshift64: the same values every run */
	for (int i = 0; i < 400000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double v;
		switch (i % 4) {
		case 0: /* short decimals, as rules often make them */
			v = (double)(int64_t)(x % 2000000001 - 1000000000) / scale[(x >> 40) % 8];
			break;
		case 1: /* ratios */
			v = (double)(x % 100000) / (double)((x >> 20) % 997 + 1);
			break;
		case 2: /* any finite double */
			memcpy(&v, &x, sizeof v);
			if (!isfinite(v))
				continue;
			break;
		default: /* near the edges of the fast paths */
			v = ((x & 1) ? 1e-4 : 1e9) * (1 + (double)((x >> 8) % 1000 - 500) / 1e6);
			break;
		}
		char want[40], got[40];
		reference(v, want, sizeof want);
		hd_json_format_number(v, got, sizeof got);
		if (strcmp(want, got))
			fail_msg("%a: expected %s, got %s", v, want, got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(numbers_are_written_in_their_shortest_form),
	    cmocka_unit_test(numbers_read_back_to_the_same_double),
	    cmocka_unit_test(numbers_use_no_more_digits_than_needed),
	    cmocka_unit_test(integers_are_written_without_a_decimal_point),
	    cmocka_unit_test(negative_zero_is_written_as_zero),
	    cmocka_unit_test(non_finite_numbers_are_written_as_null),
	    cmocka_unit_test(integers_are_exact_to_64_bits),
	    cmocka_unit_test(documents_larger_than_the_buffer_come_out_whole),
	    cmocka_unit_test(fast_paths_write_what_the_reference_writes),
	    cmocka_unit_test(strings_escape_quotes_and_backslashes),
	    cmocka_unit_test(control_characters_are_escaped),
	    cmocka_unit_test(utf8_text_passes_through_untouched),
	    cmocka_unit_test(null_string_is_written_as_null),
	    cmocka_unit_test(keys_are_escaped_like_strings),
	    cmocka_unit_test(commas_separate_values_at_every_depth),
	    cmocka_unit_test(pretty_output_indents_by_two_spaces),
	    cmocka_unit_test(deep_nesting_closes_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
