/* err.c - error objects and the allocation wrappers. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hd_err_set(hd_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

int hd_err_wrap(hd_err *err, const char *fmt, ...)
{
	if (!err)
		return HD_EFAIL;
	char old[sizeof err->msg];
	va_list ap;
	memcpy(old, err->msg, sizeof old);
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof err->msg)
		memcpy(err->msg + n, old, sizeof err->msg - (size_t)n - 1);
	err->msg[sizeof err->msg - 1] = 0;
	return err->code;
}

int hd_err_nomem(hd_err *err)
{
	return hd_err_set(err, HD_EIO, "out of memory");
}

static void oom(void)
{
	fputs("huddle: out of memory\n", stderr);
	exit(4);
}

void *hd_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *hd_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *hd_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *hd_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(hd_xmalloc(n), s, n);
}

void hd_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("huddle: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
