/* lualex.c - Lua source as tokens (see lualex.h). */
#include "lualex.h"

#include <string.h>

#include "err.h"

static int is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_name_char(char c)
{
	return is_name_start(c) || is_digit(c);
}

/* The level of a long bracket opening at p ("[[" 0, "[==[" 2), or -1. */
static int long_bracket(const char *p, const char *end)
{
	if (p >= end || *p != '[')
		return -1;
	int level = 0;
	for (p++; p < end && *p == '='; p++)
		level++;
	return p < end && *p == '[' ? level : -1;
}

/* The end of the long string or comment whose text starts at p, closing
 * with "]" level "=" "]"; NULL when it never closes.  Counts lines. */
static const char *long_close(const char *p, const char *end, int level, int *line)
{
	for (; p < end; p++) {
		if (*p == '\n')
			(*line)++;
		if (*p != ']' || end - p < level + 2)
			continue;
		int k = 1;
		while (k <= level && p[k] == '=')
			k++;
		if (k == level + 1 && p[k] == ']')
			return p;
	}
	return NULL;
}

static void push(hd_tokens *out, int *cap, hd_tk_type type, int line, const char *s, size_t n)
{
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		out->v = hd_xrealloc(out->v, sizeof *out->v * (size_t)*cap);
	}
	out->v[out->n++] = (hd_token){type, line, s, n};
}

/* Punctuation of more than one character, longest first. */
static const char *const ops[] = {"...", "..", "::", "==", "~=", "<=", ">=", "//", "<<", ">>", NULL};

void hd_lualex(const char *src, size_t n, hd_tokens *out)
{
	const char *p = src, *end = src + n;
	int line = 1, cap = 0;
	out->v = NULL;
	out->n = 0;
	if (p < end && *p == '#') /* a first line "#!..." is skipped by Lua too */
		while (p < end && *p != '\n')
			p++;
	while (p < end) {
		char c = *p;
		if (c == '\n') {
			line++;
			p++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			p++;
		} else if (c == '-' && end - p > 1 && p[1] == '-') {
			int level = long_bracket(p + 2, end);
			if (level >= 0) {
				p = long_close(p + 4 + level, end, level, &line);
				if (!p)
					return;
				p += level + 2;
			} else {
				while (p < end && *p != '\n')
					p++;
			}
		} else if (is_name_start(c)) {
			const char *s = p;
			while (p < end && is_name_char(*p))
				p++;
			push(out, &cap, HD_TK_NAME, line, s, (size_t)(p - s));
		} else if (is_digit(c) || (c == '.' && end - p > 1 && is_digit(p[1]))) {
			const char *s = p;
			int hex = c == '0' && end - p > 1 && (p[1] == 'x' || p[1] == 'X');
			for (p++; p < end; p++) {
				char before = (char)(p[-1] | 0x20); /* lower case */
				if ((*p == '+' || *p == '-') && before == (hex ? 'p' : 'e'))
					continue; /* an exponent's sign */
				if (!is_name_char(*p) && *p != '.')
					break;
			}
			push(out, &cap, HD_TK_NUMBER, line, s, (size_t)(p - s));
		} else if (c == '"' || c == '\'') {
			const char *s = ++p;
			int start = line;
			while (p < end && *p != c) {
				if (*p == '\n')
					return; /* an unfinished string: Lua says so */
				if (*p == '\\' && p + 1 < end) {
					p++;
					if (*p == '\n')
						line++;
				}
				p++;
			}
			if (p >= end)
				return;
			push(out, &cap, HD_TK_STRING, start, s, (size_t)(p - s));
			p++;
		} else if (long_bracket(p, end) >= 0) {
			int level = long_bracket(p, end), start = line;
			const char *s = p + level + 2;
			/* A newline right after the opening bracket is not part of the string. */
			if (s < end && *s == '\r')
				s++;
			if (s < end && *s == '\n') {
				s++;
				line++;
				start++;
			}
			const char *close = long_close(s, end, level, &line);
			if (!close)
				return;
			push(out, &cap, HD_TK_STRING, start, s, (size_t)(close - s));
			p = close + level + 2;
		} else {
			size_t len = 1;
			for (int i = 0; ops[i]; i++) {
				size_t k = strlen(ops[i]);
				if ((size_t)(end - p) >= k && !memcmp(p, ops[i], k)) {
					len = k;
					break;
				}
			}
			push(out, &cap, HD_TK_OP, line, p, len);
			p += len;
		}
	}
}

int hd_tk_is(const hd_token *t, const char *text)
{
	size_t k = strlen(text);
	return t->type != HD_TK_STRING && t->n == k && !memcmp(t->s, text, k);
}

int hd_tk_line_at(const hd_token *t, size_t off)
{
	int line = t->line;
	for (size_t i = 0; i < off && i < t->n; i++)
		line += t->s[i] == '\n';
	return line;
}
