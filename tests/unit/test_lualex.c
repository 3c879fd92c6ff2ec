/* test_lualex.c - Lua source as tokens, for huddle check's scan. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lualex.h"

/* The tokens of src as "type:text" words, one per token, in buf. */
static const char *lex(const char *src, char *buf, size_t n)
{
	static const char types[] = {'N', 'S', '#', 'o'};
	hd_tokens tk;
	hd_lualex(src, strlen(src), &tk);
	buf[0] = 0;
	for (int i = 0; i < tk.n; i++) {
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, "%s%c:%.*s", i ? " " : "", types[tk.v[i].type], (int)tk.v[i].n,
		         tk.v[i].s);
	}
	free(tk.v);
	return buf;
}

static void names_strings_numbers_and_punctuation(void **state)
{
	(void)state;
	char buf[512];
	assert_string_equal(lex("local x = m.won + 1.5e+3 .. \"a\\\"b\" .. 'c'", buf, sizeof buf),
	                    "N:local N:x o:= N:m o:. N:won o:+ #:1.5e+3 o:.. S:a\\\"b o:.. S:c");
	assert_string_equal(
	    lex("a==b~=c<=d>=e//f::g:: ... 0x1p-4 .5", buf, sizeof buf),
	    "N:a o:== N:b o:~= N:c o:<= N:d o:>= N:e o:// N:f o::: N:g o::: o:... #:0x1p-4 #:.5");
	/* 0xE+1 is 0xE plus 1: a hex number has no exponent e. */
	assert_string_equal(lex("0xE+1", buf, sizeof buf), "#:0xE o:+ #:1");
}

static void comments_are_dropped_and_long_strings_are_one_token(void **state)
{
	(void)state;
	char buf[512];
	assert_string_equal(lex("a -- m.wonn\nb --[[ m.wonn\n]] c --[==[ ]] still ]==] d", buf, sizeof buf),
	                    "N:a N:b N:c N:d");
	assert_string_equal(lex("x = [[m.quta]] .. [=[ a ]] b ]=]", buf, sizeof buf),
	                    "N:x o:= S:m.quta o:.. S: a ]] b ");
}

static void lines_are_counted_through_comments_and_long_strings(void **state)
{
	(void)state;
	const char *src = "a\n--[[\n\n]]\nb = [[\nfirst\nsecond :param_x]]\nc";
	hd_tokens tk;
	hd_lualex(src, strlen(src), &tk);
	assert_int_equal(tk.n, 5);
	assert_int_equal(tk.v[0].line, 1);
	assert_int_equal(tk.v[1].line, 5); /* b */
	/* The newline right after [[ is not part of the string, which starts on line 6. */
	assert_int_equal(tk.v[3].line, 6);
	const char *at = strstr(tk.v[3].s, ":param_x");
	assert_int_equal(hd_tk_line_at(&tk.v[3], (size_t)(at - tk.v[3].s)), 7);
	assert_int_equal(tk.v[4].line, 8); /* c */
	free(tk.v);
}

static void a_first_line_with_a_hash_is_skipped(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(lex("#!/usr/bin/env lua\nx", buf, sizeof buf), "N:x");
}

static void an_unfinished_string_or_comment_ends_the_tokens(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(lex("a \"never closed\nb", buf, sizeof buf), "N:a");
	assert_string_equal(lex("a --[[ never closed", buf, sizeof buf), "N:a");
	assert_string_equal(lex("a [==[ never ]] closed", buf, sizeof buf), "N:a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_strings_numbers_and_punctuation),
	    cmocka_unit_test(comments_are_dropped_and_long_strings_are_one_token),
	    cmocka_unit_test(lines_are_counted_through_comments_and_long_strings),
	    cmocka_unit_test(a_first_line_with_a_hash_is_skipped),
	    cmocka_unit_test(an_unfinished_string_or_comment_ends_the_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
