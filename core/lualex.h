/*
 * lualex.h - Lua source as tokens, for looking at rule code without
 * running it (huddle check).
 *
 * Comments are dropped and strings are single tokens, so that nothing
 * written in a comment or inside a string is ever taken for code.  The
 * tokens point into the source text, which must outlive them.
 */
#ifndef HUDDLE_LUALEX_H
#define HUDDLE_LUALEX_H

#include <stddef.h>

typedef enum {
	HD_TK_NAME,   /* names and keywords */
	HD_TK_STRING, /* s..s+n is the text between the quotes or long brackets, escapes as written */
	HD_TK_NUMBER,
	HD_TK_OP /* punctuation: "." ".." "..." "::" "==" "(" ... */
} hd_tk_type;

typedef struct hd_token {
	hd_tk_type type;
	int line; /* where the token starts, from 1 */
	const char *s;
	size_t n;
} hd_token;

typedef struct hd_tokens {
	hd_token *v;
	int n;
} hd_tokens;

/* Splits src[0..n) into tokens.  A malformed file (an unfinished string
 * or comment) ends the list where it goes wrong: Lua itself reports
 * those when the file loads.  The caller frees out->v. */
void hd_lualex(const char *src, size_t n, hd_tokens *out);

/* Whether token t is the name or punctuation `text`. */
int hd_tk_is(const hd_token *t, const char *text);

/* The line of byte off of a string token's text (long strings span lines). */
int hd_tk_line_at(const hd_token *t, size_t off);

#endif
