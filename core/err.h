/*
 * err.h - the one error style of huddle.
 *
 * Functions that can fail return 0 or a negative HD_E* code and leave a
 * message in an hd_err the caller owns.  The code doubles as the exit
 * status: main() returns -code.  Errors are printed once, at the top.
 */
#ifndef HUDDLE_ERR_H
#define HUDDLE_ERR_H

#include <stddef.h>

enum {
	HD_OK = 0,
	HD_EFAIL = -1,	/* done, but a rule or a test failed (exit 1) */
	HD_EUSAGE = -2, /* bad command line (exit 2) */
	HD_EINPUT = -3, /* bad config, rules, data or plugin (exit 3) */
	HD_EIO = -4	/* I/O or internal error (exit 4) */
};

typedef struct hd_err {
	int code;
	char msg[2048];
} hd_err;

/* Records code and a printf-style message in err (which may be NULL);
 * returns code so callers can write `return hd_err_set(err, ...)`. */
int hd_err_set(hd_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with a printf-style context. */
int hd_err_wrap(hd_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Out of memory: records it and returns HD_EIO. */
int hd_err_nomem(hd_err *err);

/* Aborts with a message; for allocation failure in code that cannot
 * report it (there is none on the hot path that can recover anyway). */
void *hd_xmalloc(size_t n);
void *hd_xcalloc(size_t n, size_t size);
void *hd_xrealloc(void *p, size_t n);
char *hd_xstrdup(const char *s);

/* Warnings go to stderr at once: they never stop the work. */
void hd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
