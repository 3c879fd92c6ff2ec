/* support.c - temporary folders, files and captured standard error. */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

char *unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *t = unit_path(base && *base ? base : "/tmp", "huddle-unit-XXXXXX");
	if (!mkdtemp(t))
		fail_msg("mkdtemp %s: %s", t, strerror(errno));
	return t;
}

void unit_rmtree(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return;
	if (S_ISDIR(sb.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *p = unit_path(path, e->d_name);
			unit_rmtree(p);
			free(p);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

char *unit_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

void unit_write(const char *dir, const char *name, const char *text)
{
	char *p = unit_path(dir, name);
	/* Create each folder of name in turn. */
	for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0700);
		*s = '/';
	}
	FILE *f = fopen(p, "w");
	if (!f)
		fail_msg("cannot write %s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
	free(p);
}

static int saved_stderr = -1;
static FILE *captured;

void unit_stderr_begin(void)
{
	fflush(stderr);
	captured = tmpfile();
	assert_non_null(captured);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(captured), STDERR_FILENO);
}

char *unit_stderr_end(void)
{
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	fseek(captured, 0, SEEK_END);
	long n = ftell(captured);
	char *text = calloc((size_t)(n > 0 ? n : 0) + 1, 1);
	assert_non_null(text);
	rewind(captured);
	if (n > 0 && fread(text, 1, (size_t)n, captured) != (size_t)n)
		text[0] = 0;
	fclose(captured);
	captured = NULL;
	/* Still show it, so a failing test's log has the warnings. */
	fputs(text, stderr);
	return text;
}
